/* store_case.c - SQL for cases, their timeline, clocks and serial numbers. */
#include <stdlib.h>

#include "buf.h"
#include "store_int.h"
#include "banned.h"

void store__case_read(struct db_stmt *st, struct arena *a, struct case_row *c)
{
    c->id = db_col_int(st, 0);
    st_copy(c->type, sizeof(c->type), db_col_text(st, 1));
    st_copy(c->serial, sizeof(c->serial), db_col_text(st, 2));
    c->year = (int)db_col_int(st, 3);
    c->seq = (int)db_col_int(st, 4);
    c->title = st_dup(a, db_col_text(st, 5));
    c->content = st_dup(a, db_col_text(st, 6));
    c->area_id = db_col_int(st, 7);
    st_copy(c->area_path, sizeof(c->area_path), db_col_text(st, 8));
    st_copy(c->area_code, sizeof(c->area_code), db_col_text(st, 9));
    st_copy(c->area_name, sizeof(c->area_name), db_col_text(st, 10));
    st_copy(c->category, sizeof(c->category), db_col_text(st, 11));
    st_copy(c->channel, sizeof(c->channel), db_col_text(st, 12));
    c->requester_name = st_dup(a, db_col_text(st, 13));
    c->requester_phone = st_dup(a, db_col_text(st, 14));
    c->confidential = db_col_int(st, 15) != 0;
    st_copy(c->state, sizeof(c->state), db_col_text(st, 16));
    st_copy(c->outcome, sizeof(c->outcome), db_col_text(st, 17));
    c->assignee_id = db_col_int(st, 18);
    st_copy(c->assignee_name, sizeof(c->assignee_name), db_col_text(st, 19));
    c->fields_json = st_dup(a, db_col_text(st, 20));
    c->created_by = db_col_int(st, 21);
    c->created_at = db_col_int(st, 22);
    c->updated_at = db_col_int(st, 23);
    c->closed_at = db_col_int(st, 24);
    c->version = (int)db_col_int(st, 25);
    c->has_location = !db_col_null(st, 26) && !db_col_null(st, 27);
    c->lat = c->has_location ? strtod(db_col_text(st, 26), NULL) : 0;
    c->lon = c->has_location ? strtod(db_col_text(st, 27), NULL) : 0;
    c->address = st_dup(a, db_col_text(st, 28));
    c->satisfied = (int)db_col_int(st, 29);
    c->rated_at = db_col_int(st, 30);
}

static void bind_scope(struct db_stmt *st, const struct scope *sc)
{
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    db_bind_int(st, 3, sc->kind == SCOPE_OWN ? sc->user_id : 0);
}

int store_case_next_seq(struct db *db, const char *type, int year, int *seq, struct error *err)
{
    static const char sql[] = "INSERT INTO case_serials (type, year, last) VALUES ($1, $2, 1) "
                              "ON CONFLICT (type, year) DO UPDATE SET last = case_serials.last + 1 "
                              "RETURNING last";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, type);
    db_bind_int(st, 2, year);
    rc = db_step(st, err);
    *seq = rc == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* Adds delta to the case counter of (area, type, state); see sql/0011_case_counts.sql. */
static int count_add(struct db *db, int64_t area_id, const char *type, const char *state, int delta,
                     struct error *err)
{
    static const char sql[] = "INSERT INTO case_counts (area_id, type, state, n) "
                              "VALUES ($1, $2, $3, $4) ON CONFLICT (area_id, type, state) "
                              "DO UPDATE SET n = case_counts.n + $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, area_id);
    db_bind_text(st, 2, type);
    db_bind_text(st, 3, state);
    db_bind_int(st, 4, delta);
    return db_step_done(st, err);
}

int store_case_insert(struct db *db, struct case_row *c, struct error *err)
{
    static const char sql[] =
        "INSERT INTO cases (type, serial, year, seq, title, content, area_id, area_path, category, "
        "channel, requester_name, requester_phone, confidential, state, assignee_id, fields_json, "
        "created_by, created_at, updated_at, lat, lon, address) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, "
        "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $20, $21) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, c->type);
    db_bind_text(st, 2, c->serial);
    db_bind_int(st, 3, c->year);
    db_bind_int(st, 4, c->seq);
    db_bind_text(st, 5, c->title);
    db_bind_text(st, 6, c->content);
    db_bind_int(st, 7, c->area_id);
    db_bind_text(st, 8, c->area_path);
    db_bind_text(st, 9, c->category);
    db_bind_text(st, 10, c->channel);
    db_bind_text(st, 11, c->requester_name);
    db_bind_text(st, 12, c->requester_phone);
    db_bind_int(st, 13, c->confidential);
    db_bind_text(st, 14, c->state);
    db_bind_id(st, 15, c->assignee_id);
    db_bind_text(st, 16, c->fields_json ? c->fields_json : "{}");
    db_bind_id(st, 17, c->created_by);
    db_bind_int(st, 18, c->created_at);
    /* Coordinates go as text: both engines convert it to the REAL / DOUBLE column. */
    char lat[32], lon[32];
    snprintf(lat, sizeof(lat), "%.7f", c->lat);
    snprintf(lon, sizeof(lon), "%.7f", c->lon);
    db_bind_text(st, 19, c->has_location ? lat : NULL);
    db_bind_text(st, 20, c->has_location ? lon : NULL);
    db_bind_text(st, 21, c->address);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        c->id = db_col_int(st, 0);
    db_finish(st);
    if (rc < 0)
        return rc;
    c->version = 1;
    c->updated_at = c->created_at;
    int rc2 = count_add(db, c->area_id, c->type, c->state, 1, err);
    if (rc2 || (rc2 = store__count_case_created(db, c->id, 1, err)) ||
        (c->closed_at > 0 && (rc2 = store__count_case_closed(db, c->id, 1, err))))
        return rc2;
    return store_search_put(db, "case", c->id, c->area_path, c->title, c->serial, err);
}

int store_case_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                   struct case_row *out, struct error *err)
{
    static const char sql[] = "SELECT " CASE_COLS CASE_FROM "WHERE" CASE_IN_SCOPE "AND c.id = $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        store__case_read(st, a, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该办件");
    return rc < 0 ? rc : 0;
}

int store_case_update(struct db *db, struct case_row *c, struct error *err)
{
    /* The state before, for the counters (area and type never change). */
    static const char sql_was[] = "SELECT state, area_id, type FROM cases WHERE id = $1";
    struct db_stmt *st0;
    char was[40] = "", type[40] = "";
    int64_t area_id = 0;
    int rc0 = db_prepare(db, sql_was, &st0, err);
    if (rc0)
        return rc0;
    db_bind_int(st0, 1, c->id);
    rc0 = db_step(st0, err);
    if (rc0 == DB_ROW) {
        st_copy(was, sizeof(was), db_col_text(st0, 0));
        area_id = db_col_int(st0, 1);
        st_copy(type, sizeof(type), db_col_text(st0, 2));
    }
    db_finish(st0);
    if (rc0 < 0 || (rc0 = store__count_case(db, c->id, -1, err)))
        return rc0;
    static const char sql[] =
        "UPDATE cases SET state = $1, outcome = $2, assignee_id = $3, fields_json = $4, "
        "closed_at = $5, updated_at = $6, satisfied = CASE WHEN $9 < 0 THEN NULL ELSE $9 END, "
        "rated_at = $10, version = version + 1 WHERE id = $7 AND version = $8 RETURNING version";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, c->state);
    db_bind_text(st, 2, c->outcome[0] ? c->outcome : NULL);
    db_bind_id(st, 3, c->assignee_id);
    db_bind_text(st, 4, c->fields_json ? c->fields_json : "{}");
    db_bind_int(st, 5, c->closed_at);
    db_bind_int(st, 6, c->updated_at);
    db_bind_int(st, 7, c->id);
    db_bind_int(st, 8, c->version);
    db_bind_int(st, 9, c->satisfied);
    db_bind_int(st, 10, c->rated_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        c->version = (int)db_col_int(st, 0);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (rc < 0)
        return rc;
    if (was[0] && strcmp(was, c->state) != 0 &&
        ((rc = count_add(db, area_id, type, was, -1, err)) ||
         (rc = count_add(db, area_id, type, c->state, 1, err))))
        return rc;
    return store__count_case(db, c->id, 1, err);
}

/*
 * Case lists compose their WHERE from the filters present, so that each
 * condition is a plain conjunct the planner can match to an index (a
 * catch-all "($n IS NULL OR col = $n)" defeats them): one statement text per
 * combination of filters, cached per connection like every other.  Area
 * subtrees are matched through their area ids (cases_area_state index), or
 * on PostgreSQL by the case's own area path (cases_path_pattern index): there
 * the planner, which plans each execution with its values, spends a
 * millisecond and more on every subquery over areas.
 */
static void list_where(struct st_query *q, const struct scope *sc, const struct case_filter *f,
                       const char *like_q, bool by_path)
{
    const char *in_subtree =
        by_path ? "c.area_path LIKE CAST($# AS TEXT) || '%'"
                : "c.area_id IN (SELECT id FROM areas WHERE path LIKE CAST($# AS TEXT) || '%')";
    buf_adds(&q->where, " WHERE 1 = 1");
    if (sc->kind == SCOPE_SUBTREE)
        st_where_add(q, in_subtree, true, scope_prefix(sc), 0);
    else if (sc->kind == SCOPE_AREA)
        st_where_add(q, "c.area_id = $#", false, NULL, sc->area_id);
    else if (sc->kind == SCOPE_OWN)
        st_where_add(q, "(c.created_by = $# OR c.assignee_id = $#)", false, NULL, sc->user_id);
    if (f->in_path)
        st_where_add(q, in_subtree, true, f->in_path, 0);
    if (f->type)
        st_where_add(q, "c.type = $#", true, f->type, 0);
    if (f->state)
        st_where_add(q, "c.state = $#", true, f->state, 0);
    if (f->overdue_at)
        st_where_add(q,
                     "EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id AND "
                     "k.stopped_at = 0 AND k.paused_at = 0 AND k.due_at < $#)",
                     false, NULL, f->overdue_at);
    if (like_q)
        st_where_add(
            q,
            "(c.title LIKE '%' || CAST($# AS TEXT) || '%' ESCAPE '\\' OR c.serial LIKE '%' "
            "|| CAST($# AS TEXT) || '%' ESCAPE '\\')",
            true, like_q, 0);
    if (f->assignee_id)
        st_where_add(q, "c.assignee_id = $# AND c.closed_at = 0", false, NULL, f->assignee_id);
    if (f->created_from)
        st_where_add(q, "c.created_at >= $#", false, NULL, f->created_from);
    if (f->created_to)
        st_where_add(q, "c.created_at < $#", false, NULL, f->created_to);
    if (f->open_only)
        st_where_add(q, "c.closed_at = 0", false, NULL, 0);
}

/* The nearest due instant of the case's running clocks; cases without one sort last. */
#define CASE_NEAREST_DUE                                                                           \
    "COALESCE((SELECT MIN(k.due_at) FROM case_clocks k WHERE k.case_id = c.id AND k.stopped_at "   \
    "= 0 AND k.paused_at = 0), 9223372036854775807)"

int store_case_list(struct db *db, const struct scope *sc, const struct case_filter *f,
                    struct arena *a, struct case_row **items, size_t *n, int64_t *total,
                    struct error *err)
{
    const char *like_q = st_like_escape(a, f->q && *f->q ? f->q : NULL);
    struct st_query q = {0}, qc = {0};
    bool pg = db->drv == &db_pg_driver;
    list_where(&q, sc, f, like_q, pg);
    *items = NULL;
    *n = 0;
    /*
     * The total: when only area, type and state narrow the list (the common
     * case: a village's cases in a state), a sum over case_counts, whose
     * columns bear the same names; else a count over the cases themselves.
     */
    bool counted = sc->kind != SCOPE_OWN && !f->overdue_at && !like_q && !f->assignee_id &&
                   !f->created_from && !f->created_to && !f->open_only;
    /* case_counts has no area path: its areas always by id. */
    if (counted)
        list_where(&qc, sc, f, like_q, false);
    const struct st_query *cq = counted ? &qc : &q;
    char *sql_count = arena_printf(a,
                                   counted ? "SELECT COALESCE(SUM(c.n), 0) FROM case_counts c%s"
                                           : "SELECT COUNT(*) FROM cases c%s",
                                   cq->where.ptr);
    struct db_stmt *st;
    int rc = st_query_count(db, sql_count, cq, total, err);
    if (rc || f->count_only)
        goto out;
    char *sql = arena_printf(
        a, "SELECT " CASE_COLS CASE_FROM "%s ORDER BY %s LIMIT $%d OFFSET $%d", q.where.ptr,
        f->by_deadline ? CASE_NEAREST_DUE ", c.id DESC" : "c.id DESC", q.nargs + 1, q.nargs + 2);
    if ((rc = db_prepare(db, sql, &st, err)))
        goto out;
    st_list_bind(st, &q);
    db_bind_int(st, q.nargs + 1, f->page_size);
    db_bind_int(st, q.nargs + 2, (f->page - 1) * f->page_size);
    struct case_row *v = arena_calloc(a, (size_t)f->page_size + 1, sizeof(*v));
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < (size_t)f->page_size)
        store__case_read(st, a, &v[cnt++]);
    db_finish(st);
    if (rc >= 0) {
        *items = v;
        *n = cnt;
        rc = 0;
    }
out:
    buf_release(&q.where);
    return rc;
}

int store_case_rate(struct db *db, int64_t case_id, bool satisfied, int64_t at, struct error *err)
{
    static const char sql[] = "UPDATE cases SET satisfied = $1, rated_at = $2 WHERE id = $3";
    struct db_stmt *st;
    int rc = store__count_case_closed(db, case_id, -1, err);
    if (rc || (rc = db_prepare(db, sql, &st, err)))
        return rc;
    db_bind_int(st, 1, satisfied ? 1 : 0);
    db_bind_int(st, 2, at);
    db_bind_int(st, 3, case_id);
    rc = db_step_done(st, err);
    return rc ? rc : store__count_case_closed(db, case_id, 1, err);
}

#define CLOCK_COLS "case_id, clock, started_at, due_at, warn_at, paused_at, stopped_at, extensions "

/* Reads one clock selected with CLOCK_COLS; the name arena-owned. */
static void clock_read(struct db_stmt *st, struct arena *a, struct case_clock *k)
{
    k->case_id = db_col_int(st, 0);
    k->clock = arena_strdup(a, db_col_text(st, 1));
    k->started_at = db_col_int(st, 2);
    k->due_at = db_col_int(st, 3);
    k->warn_at = db_col_int(st, 4);
    k->paused_at = db_col_int(st, 5);
    k->stopped_at = db_col_int(st, 6);
    k->extensions = (int)db_col_int(st, 7);
}

int store_case_clocks_of(struct db *db, const int64_t *ids, size_t nids, struct arena *a,
                         struct case_clock **items, size_t *n, struct error *err)
{
    /* The ids as one parameter (st_ids_param); the statement text follows the engine. */
    const char *cond;
    const char *list = st_ids_param(db, a, ids, nids, "case_id", &cond);
    const char *sql = arena_printf(
        a, "SELECT " CLOCK_COLS "FROM case_clocks WHERE %s ORDER BY case_id, started_at, clock",
        cond);
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, list);
    size_t cap = 32, cnt = 0;
    struct case_clock *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        clock_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_case_action_count(struct db *db, int64_t case_id, const char *action, int64_t *n,
                            struct error *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM case_events WHERE case_id = $1 AND "
                              "kind = 'action' AND action = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, action);
    rc = db_step(st, err);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_case_event_add(struct db *db, struct case_event *e, struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_events (case_id, at, user_id, user_name, kind, action, from_state, "
        "to_state, comment, data_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, e->case_id);
    db_bind_int(st, 2, e->at);
    db_bind_id(st, 3, e->user_id);
    db_bind_text(st, 4, e->user_name);
    db_bind_text(st, 5, e->kind);
    db_bind_text(st, 6, e->action);
    db_bind_text(st, 7, e->from_state);
    db_bind_text(st, 8, e->to_state);
    db_bind_text(st, 9, e->comment);
    db_bind_text(st, 10, e->data_json);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        e->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_case_events(struct db *db, int64_t case_id, struct arena *a, struct case_event **items,
                      size_t *n, struct error *err)
{
    static const char sql[] = "SELECT id, at, COALESCE(user_id, 0), user_name, kind, action, "
                              "from_state, to_state, comment, data_json FROM case_events "
                              "WHERE case_id = $1 ORDER BY id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    size_t cap = 16, cnt = 0;
    struct case_event *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct case_event *e = &v[cnt++];
        e->id = db_col_int(st, 0);
        e->case_id = case_id;
        e->at = db_col_int(st, 1);
        e->user_id = db_col_int(st, 2);
        e->user_name = st_dup(a, db_col_text(st, 3));
        e->kind = st_dup(a, db_col_text(st, 4));
        e->action = st_dup(a, db_col_text(st, 5));
        e->from_state = st_dup(a, db_col_text(st, 6));
        e->to_state = st_dup(a, db_col_text(st, 7));
        e->comment = st_dup(a, db_col_text(st, 8));
        e->data_json = st_dup(a, db_col_text(st, 9));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_case_clock_put(struct db *db, const struct case_clock *k, bool closed, struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_clocks (case_id, clock, started_at, due_at, warn_at, paused_at, "
        "stopped_at, extensions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (case_id, "
        "clock) DO UPDATE SET started_at = excluded.started_at, due_at = excluded.due_at, "
        "warn_at = excluded.warn_at, paused_at = excluded.paused_at, stopped_at = "
        "excluded.stopped_at, extensions = excluded.extensions";
    struct db_stmt *st;
    int rc = closed ? store__count_case_closed(db, k->case_id, -1, err) : 0; /* its lateness */
    if (rc || (rc = db_prepare(db, sql, &st, err)))
        return rc;
    db_bind_int(st, 1, k->case_id);
    db_bind_text(st, 2, k->clock);
    db_bind_int(st, 3, k->started_at);
    db_bind_int(st, 4, k->due_at);
    db_bind_int(st, 5, k->warn_at);
    db_bind_int(st, 6, k->paused_at);
    db_bind_int(st, 7, k->stopped_at);
    db_bind_int(st, 8, k->extensions);
    rc = db_step_done(st, err);
    return rc || !closed ? rc : store__count_case_closed(db, k->case_id, 1, err);
}

int store_case_clocks(struct db *db, int64_t case_id, struct arena *a, struct case_clock **items,
                      size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " CLOCK_COLS "FROM case_clocks WHERE case_id = $1 "
                              "ORDER BY started_at, clock";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    size_t cap = 8, cnt = 0;
    struct case_clock *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        clock_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

/* Period bounds $4 (inclusive) and $5 (exclusive), $6 now, $7 area path prefix or NULL. */
int store_case_stats(struct db *db, const struct scope *sc, int64_t from, int64_t to, int64_t now,
                     const char *in_path, struct arena *a, struct case_stat **items, size_t *n,
                     struct error *err)
{
    static const char sql[] =
        "SELECT c.type, "
        "SUM(CASE WHEN c.created_at >= $4 AND c.created_at < $5 AND COALESCE(c.outcome, '') <> "
        "'merged' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at >= $4 AND c.closed_at < $5 AND COALESCE(c.outcome, '') <> "
        "'merged' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at >= $4 AND c.closed_at < $5 AND COALESCE(c.outcome, '') <> "
        "'merged' "
        "AND NOT EXISTS (SELECT 1 FROM "
        "case_clocks k WHERE k.case_id = c.id AND k.stopped_at > k.due_at) THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at >= $4 AND c.closed_at < $5 AND c.outcome = 'resolved' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at >= $4 AND c.closed_at < $5 AND c.outcome = 'unresolved' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at >= $4 AND c.closed_at < $5 AND c.outcome = 'rejected' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at >= $4 AND c.closed_at < $5 AND c.outcome = 'withdrawn' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at = 0 AND EXISTS (SELECT 1 FROM case_clocks k WHERE "
        "k.case_id = c.id AND k.stopped_at = 0 AND k.paused_at = 0 AND k.due_at < $6) "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.closed_at >= $4 AND c.closed_at < $5 AND c.outcome = 'merged' "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.rated_at >= $4 AND c.rated_at < $5 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.rated_at >= $4 AND c.rated_at < $5 AND c.satisfied = 1 THEN 1 ELSE 0 "
        "END) "
        "FROM cases c WHERE" CASE_IN_SCOPE
        "AND (CAST($7 AS TEXT) IS NULL OR c.area_path LIKE CAST($7 AS TEXT) || '%') "
        "GROUP BY c.type ORDER BY c.type";
    static const char sql_actions[] =
        "SELECT c.type, e.action, COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id "
        "WHERE" CASE_IN_SCOPE "AND e.kind = 'action' AND e.at >= $4 AND e.at < $5 AND "
        "(CAST($6 AS TEXT) IS NULL OR c.area_path LIKE CAST($6 AS TEXT) || '%') "
        "GROUP BY c.type, e.action ORDER BY c.type, e.action";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, from);
    db_bind_int(st, 5, to);
    db_bind_int(st, 6, now);
    db_bind_text(st, 7, in_path);
    size_t cap = 128, cnt = 0; /* case types: at most as many as definitions load */
    struct case_stat *v = arena_calloc(a, cap, sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW && cnt < cap) {
        struct case_stat *s = &v[cnt++];
        st_copy(s->type, sizeof(s->type), db_col_text(st, 0));
        for (int k = 0; k < CS_COUNT; k++)
            s->count[k] = db_col_int(st, k + 1);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql_actions, &st, err)))
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, from);
    db_bind_int(st, 5, to);
    db_bind_text(st, 6, in_path);
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *type = db_col_text(st, 0);
        for (size_t i = 0; i < cnt; i++) {
            struct case_stat *s = &v[i];
            if (strcmp(s->type, type) != 0 || s->nactions == CASE_STAT_ACTIONS)
                continue;
            s->actions[s->nactions].code = arena_strdup(a, db_col_text(st, 1));
            s->actions[s->nactions].count = db_col_int(st, 2);
            s->nactions++;
        }
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}
