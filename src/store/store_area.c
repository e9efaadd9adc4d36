/* store_area.c - SQL for the area tree (county, township, village, group, grid). */
#include "log.h"
#include "store_int.h"
#include "banned.h"

#define AREA_COLS                                                                                  \
    "a.id, COALESCE(a.parent_id, 0), a.code, a.name, a.level, a.path, a.version, "                 \
    "a.created_at, a.updated_at, "                                                                 \
    "(SELECT COUNT(*) FROM areas c WHERE c.parent_id = a.id) "

/* Scope test on alias a: $1 = allowed path prefix, $2 = only this area (0 = any). */
#define AREA_IN_SCOPE " a.path LIKE $1 || '%' AND ($2 = 0 OR a.id = $2) "

static void area_read(struct db_stmt *st, struct area *a)
{
    a->id = db_col_int(st, 0);
    a->parent_id = db_col_int(st, 1);
    st_copy(a->code, sizeof(a->code), db_col_text(st, 2));
    st_copy(a->name, sizeof(a->name), db_col_text(st, 3));
    st_copy(a->level, sizeof(a->level), db_col_text(st, 4));
    st_copy(a->path, sizeof(a->path), db_col_text(st, 5));
    a->version = (int)db_col_int(st, 6);
    a->created_at = db_col_int(st, 7);
    a->updated_at = db_col_int(st, 8);
    a->has_children = db_col_int(st, 9) > 0;
}

static int area_one(struct db_stmt *st, struct area *out, struct error *err)
{
    int rc = db_step(st, err);
    if (rc == DB_ROW)
        area_read(st, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该区划");
    return rc < 0 ? rc : 0;
}

int store_area_get(struct db *db, int64_t id, const struct scope *sc, struct area *out,
                   struct error *err)
{
    static const char sql[] =
        "SELECT " AREA_COLS "FROM areas a WHERE" AREA_IN_SCOPE "AND a.id = $3";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    db_bind_int(st, 3, id);
    return area_one(st, out, err);
}

int store_area_get_any(struct db *db, int64_t id, struct area *out, struct error *err)
{
    static const char sql[] = "SELECT " AREA_COLS "FROM areas a WHERE a.id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return area_one(st, out, err);
}

int store_area_township(struct db *db, const char *path, struct area *out, struct error *err)
{
    /* the townships whose path the given one starts with: itself or one above it */
    static const char sql[] = "SELECT " AREA_COLS "FROM areas a WHERE a.level = 'township' AND "
                              "substr(CAST($1 AS TEXT), 1, length(a.path)) = a.path "
                              "ORDER BY length(a.path) DESC LIMIT 1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, path);
    return area_one(st, out, err);
}

int store_area_by_code(struct db *db, const char *code, struct area *out, struct error *err)
{
    static const char sql[] = "SELECT " AREA_COLS "FROM areas a WHERE a.code = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, code);
    return area_one(st, out, err);
}

int store_area_children(struct db *db, int64_t parent, const struct scope *sc, struct arena *a,
                        struct area **items, size_t *n, struct error *err)
{
    /* Top areas: the roots for SCOPE_ALL, else the user's own area. */
    static const char sql_top_all[] =
        "SELECT " AREA_COLS "FROM areas a WHERE a.parent_id IS NULL AND" AREA_IN_SCOPE
        "ORDER BY a.code, a.id";
    static const char sql_top_own[] =
        "SELECT " AREA_COLS "FROM areas a WHERE a.id = $3 AND" AREA_IN_SCOPE;
    static const char sql_children[] =
        "SELECT " AREA_COLS "FROM areas a WHERE a.parent_id = $3 AND" AREA_IN_SCOPE
        "ORDER BY a.code, a.id";
    const char *sql = parent ? sql_children : sc->kind == SCOPE_ALL ? sql_top_all : sql_top_own;
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    if (sql != sql_top_all)
        db_bind_int(st, 3, parent ? parent : sc->area_id);
    size_t cap = 16, cnt = 0;
    struct area *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        area_read(st, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_area_insert(struct db *db, struct area *ar, int code_year, int64_t now, struct error *err)
{
    static const char sql_ins[] =
        "INSERT INTO areas (parent_id, code, name, level, path, code_year, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, '', $5, $6, $6) RETURNING id";
    static const char sql_path[] = "UPDATE areas SET path = $1 WHERE id = $2";
    struct area parent;
    int rc;
    const char *ppath = "/";
    if (ar->parent_id) {
        if ((rc = store_area_get_any(db, ar->parent_id, &parent, err)))
            return rc;
        ppath = parent.path;
    }
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql_ins, &st, err)))
        return rc;
    db_bind_id(st, 1, ar->parent_id);
    db_bind_text(st, 2, ar->code);
    db_bind_text(st, 3, ar->name);
    db_bind_text(st, 4, ar->level);
    db_bind_id(st, 5, code_year);
    db_bind_int(st, 6, now);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        ar->id = db_col_int(st, 0);
    db_finish(st);
    if (rc < 0)
        return rc == ZW_ECONFLICT ? err_set(err, ZW_ECONFLICT, "code", "区划代码已存在") : rc;
    int len = snprintf(ar->path, sizeof(ar->path), "%s%lld/", ppath, (long long)ar->id);
    if (len < 0 || (size_t)len >= sizeof(ar->path))
        return err_set(err, ZW_EINVAL, "parentId", "区划层级过深");
    if ((rc = db_prepare(db, sql_path, &st, err)))
        return rc;
    db_bind_text(st, 1, ar->path);
    db_bind_int(st, 2, ar->id);
    if ((rc = db_step_done(st, err)) ||
        (rc = store_search_put(db, "area", ar->id, ar->path, ar->name, ar->code, err)))
        return rc;
    ar->version = 1;
    ar->created_at = ar->updated_at = now;
    return 0;
}

int store_area_rename(struct db *db, int64_t id, const char *name, int version, int64_t now,
                      struct error *err)
{
    static const char sql[] = "UPDATE areas SET name = $1, version = version + 1, updated_at = $2 "
                              "WHERE id = $3 AND version = $4 RETURNING version";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, id);
    db_bind_int(st, 4, version);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (rc < 0)
        return rc;
    struct area a;
    if ((rc = store_area_get_any(db, id, &a, err)))
        return rc;
    return store_search_put(db, "area", a.id, a.path, a.name, a.code, err);
}

int store_area_count_children(struct db *db, int64_t parent, const char *level, int *n,
                              struct error *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM areas WHERE parent_id = $1 AND level = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, parent);
    db_bind_text(st, 2, level);
    rc = db_step(st, err);
    *n = rc == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}
