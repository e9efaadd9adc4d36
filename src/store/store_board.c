/*
 * store_board.c - SQL for the overdue board: the township and village areas
 * of a scope, and the open cases counted per area path and case type with
 * their traffic lights.  The roll-up of grids and groups into their village
 * happens in the caller (paths are prefixes).
 */
#include "store_int.h"
#include "banned.h"

int store_board_areas(struct db *db, const struct scope *sc, const char *in_path, struct arena *a,
                      struct board_area **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT a.id, a.code, a.name, a.level, a.path FROM areas a WHERE a.path LIKE $1 || '%' "
        "AND ($2 = 0 OR a.id = $2) AND a.level IN ('township', 'village') AND (CAST($3 AS TEXT) "
        "IS NULL OR a.path LIKE CAST($3 AS TEXT) || '%') ORDER BY a.code";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    db_bind_text(st, 3, in_path);
    size_t cap = 32, cnt = 0;
    struct board_area *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct board_area *x = &v[cnt++];
        x->id = db_col_int(st, 0);
        x->code = st_dup(a, db_col_text(st, 1));
        x->name = st_dup(a, db_col_text(st, 2));
        x->level = st_dup(a, db_col_text(st, 3));
        x->path = st_dup(a, db_col_text(st, 4));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

/* Scope as in store_case.c: $1 path prefix, $2 only this area, $3 only this user's cases. */
int store_board_cells(struct db *db, const struct scope *sc, const char *in_path, int64_t now,
                      struct arena *a, struct board_cell **items, size_t *n, struct error *err)
{
    /* red: a running clock past due; yellow: not red, a running clock past its warning. */
#define RUNNING " k.case_id = c.id AND k.stopped_at = 0 AND k.paused_at = 0 "
    static const char sql[] =
        "SELECT c.area_path, c.type, COUNT(*), "
        "SUM(CASE WHEN EXISTS (SELECT 1 FROM case_clocks k WHERE" RUNNING "AND k.due_at < $4) "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM case_clocks k WHERE" RUNNING "AND k.due_at < $4) "
        "AND EXISTS (SELECT 1 FROM case_clocks k WHERE" RUNNING "AND k.warn_at <= $4) "
        "THEN 1 ELSE 0 END), "
        "MIN((SELECT MIN(k.due_at) FROM case_clocks k WHERE" RUNNING "AND k.due_at < $4)) "
        "FROM cases c WHERE c.area_path LIKE $1 || '%' AND ($2 = 0 OR c.area_id = $2) AND "
        "($3 = 0 OR c.created_by = $3 OR c.assignee_id = $3) AND c.closed_at = 0 AND "
        "(CAST($5 AS TEXT) IS NULL OR c.area_path LIKE CAST($5 AS TEXT) || '%') "
        "GROUP BY c.area_path, c.type ORDER BY c.area_path, c.type";
#undef RUNNING
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    db_bind_int(st, 3, sc->kind == SCOPE_OWN ? sc->user_id : 0);
    db_bind_int(st, 4, now);
    db_bind_text(st, 5, in_path);
    size_t cap = 64, cnt = 0;
    struct board_cell *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct board_cell *x = &v[cnt++];
        x->area_path = st_dup(a, db_col_text(st, 0));
        x->type = st_dup(a, db_col_text(st, 1));
        x->open = db_col_int(st, 2);
        x->red = db_col_int(st, 3);
        x->yellow = db_col_int(st, 4);
        x->oldest_due = db_col_null(st, 5) ? 0 : db_col_int(st, 5);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}
