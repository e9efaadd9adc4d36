/* store_int.h - helpers shared by the store_*.c files; not for other layers. */
#ifndef ZW_STORE_INT_H
#define ZW_STORE_INT_H

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "limits.h"
#include "store.h"

/* Copies a column's text (NULL -> "") into a fixed buffer, truncating. */
static inline void st_copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

/* Arena copy of a column's text; NULL stays NULL. */
static inline const char *st_dup(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

/*
 * The array v (arena-owned, *cap elements of size bytes) when it has room for
 * element n, else a copy twice as large; *cap follows.  For result lists read
 * row by row.
 */
static inline void *st_grow(struct arena *a, void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    void *nv = arena_alloc(a, 2 * *cap * size);
    memcpy(nv, v, *cap * size);
    *cap *= 2;
    return nv;
}

/* q with LIKE's wildcards (% _ \\) escaped by a backslash, for "... ESCAPE '\\'"; arena-owned. */
static inline const char *st_like_escape(struct arena *a, const char *q)
{
    if (!q)
        return NULL;
    size_t len = strlen(q);
    char *out = arena_alloc(a, 2 * len + 1), *p = out;
    for (size_t i = 0; i < len; i++) {
        if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
            *p++ = '\\';
        *p++ = q[i];
    }
    *p = '\0';
    return out;
}

/* The path prefix a scope allows ("/" for SCOPE_ALL). */
static inline const char *scope_prefix(const struct scope *sc)
{
    return sc->kind == SCOPE_ALL || !sc->path ? "/" : sc->path;
}

/* The single area a SCOPE_AREA user is limited to, 0 for the others. */
static inline int64_t scope_only_area(const struct scope *sc)
{
    return sc->kind == SCOPE_AREA ? sc->area_id : 0;
}

/*
 * A WHERE clause composed from the filters present: st_where_add appends
 * " AND <cond>", cond's "$#" standing for the next parameter.
 */
#define ST_QUERY_MAX_ARGS 16

struct st_query {
    struct buf where;
    int nargs;
    struct {
        bool text;
        const char *s;
        int64_t i;
    } args[ST_QUERY_MAX_ARGS];
};

/* Adds " AND <cond>", cond's "$#" standing for a new parameter bound to s (text) or i. */
static inline void st_where_add(struct st_query *q, const char *cond, bool text, const char *s,
                                int64_t i)
{
    bool param = strstr(cond, "$#") != NULL;
    int n = q->nargs + (param ? 1 : 0);
    buf_adds(&q->where, " AND ");
    for (const char *p = cond; *p;) {
        if (p[0] == '$' && p[1] == '#') {
            buf_addf(&q->where, "$%d", n);
            p += 2;
        } else {
            buf_addc(&q->where, *p++);
        }
    }
    if (param && q->nargs < ST_QUERY_MAX_ARGS) {
        q->args[q->nargs].text = text;
        q->args[q->nargs].s = s;
        q->args[q->nargs].i = i;
        q->nargs++;
    }
}

static inline void st_list_bind(struct db_stmt *st, const struct st_query *q)
{
    for (int i = 0; i < q->nargs; i++) {
        if (q->args[i].text)
            db_bind_text(st, i + 1, q->args[i].s);
        else
            db_bind_int(st, i + 1, q->args[i].i);
    }
}

/* The count (or sum) sql computes over q's WHERE, bound with q's parameters, into *value. */
static inline int st_query_count(struct db *db, const char *sql, const struct st_query *q,
                                 int64_t *value, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    st_list_bind(st, q);
    rc = db_step(st, err);
    *value = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/*
 * The ids v[0..n) as one bound parameter (arena-owned text): a PostgreSQL
 * array for "= ANY(CAST($1 AS BIGINT[]))", or a JSON array for SQLite's
 * "IN (SELECT value FROM json_each($1))"; *cond gets that test of col.
 */
static inline const char *st_ids_param(struct db *db, struct arena *a, const int64_t *v, size_t n,
                                       const char *col, const char **cond)
{
    bool pg = db->drv == &db_pg_driver;
    struct buf list = {0};
    buf_addc(&list, pg ? '{' : '[');
    for (size_t i = 0; i < n; i++)
        buf_addf(&list, "%s%lld", i ? "," : "", (long long)v[i]);
    buf_addc(&list, pg ? '}' : ']');
    const char *s = arena_strdup(a, list.ptr);
    buf_release(&list);
    *cond = arena_printf(
        a, pg ? "%s = ANY(CAST($1 AS BIGINT[]))" : "%s IN (SELECT value FROM json_each($1))", col);
    return s;
}

/* Runs sql with $1 bound to arg and reads one integer (0 when there is no row). */
static inline int st_int_query(struct db *db, const char *sql, int64_t arg, int64_t *out,
                               struct error *err)
{
    struct db_stmt *st;
    *out = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, arg);
    if ((rc = db_step(st, err)) == DB_ROW)
        *out = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* Steps st (prepared and bound) to its end: its first column into *ids (arena-owned); finishes it.
 */
static inline int st_ids(struct db_stmt *st, struct arena *a, int64_t **ids, size_t *n,
                         struct error *err)
{
    size_t cap = 8;
    int64_t *v = arena_alloc(a, cap * sizeof(*v));
    int rc;
    *n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        v[(*n)++] = db_col_int(st, 0);
    }
    db_finish(st);
    *ids = v;
    return rc < 0 ? rc : 0;
}

/* The columns store__case_read expects, in order, and the joins they need. */
#define CASE_COLS                                                                                  \
    "c.id, c.type, c.serial, c.year, c.seq, c.title, c.content, c.area_id, c.area_path, "          \
    "a.code, a.name, c.category, c.channel, c.requester_name, c.requester_phone, "                 \
    "c.confidential, c.state, c.outcome, COALESCE(c.assignee_id, 0), u.name, c.fields_json, "      \
    "COALESCE(c.created_by, 0), c.created_at, c.updated_at, c.closed_at, c.version, c.lat, "       \
    "c.lon, c.address, COALESCE(c.satisfied, -1), c.rated_at "
#define CASE_FROM                                                                                  \
    " FROM cases c JOIN areas a ON a.id = c.area_id LEFT JOIN users u ON u.id = c.assignee_id "
/* $1 path prefix, $2 only this area (0 = any), $3 only cases of this user (0 = any). */
#define CASE_IN_SCOPE                                                                              \
    " c.area_path LIKE $1 || '%' AND ($2 = 0 OR c.area_id = $2) AND "                              \
    "($3 = 0 OR c.created_by = $3 OR c.assignee_id = $3) "

/* How many columns CASE_COLS selects: what follows them starts at this index. */
#define CASE_NCOLS 31

/* Reads one case selected with CASE_COLS CASE_FROM; strings arena-owned. */
void store__case_read(struct db_stmt *st, struct arena *a, struct case_row *c);

/* The columns store__audit_read expects, in order. */
#define AUDIT_COLS                                                                                 \
    "id, at, COALESCE(user_id, 0), username, ip, action, entity, entity_id, before_json, "         \
    "after_json, prev_hash, hash "

/* Reads one audit row selected with AUDIT_COLS; strings arena-owned. */
void store__audit_read(struct db_stmt *st, struct arena *a, struct audit_rec *r);

/*
 * The indicators' counters (store_counts.c): adds delta (-1 before a write of
 * the row, +1 after it) to the counters of person id; of household id and its
 * members; of case id; of its registration only; of its closing only (its
 * clocks changed).
 */
int store__count_person(struct db *db, int64_t id, int delta, struct error *err);
int store__count_household(struct db *db, int64_t id, int delta, struct error *err);
int store__count_case(struct db *db, int64_t id, int delta, struct error *err);
int store__count_case_created(struct db *db, int64_t id, int delta, struct error *err);
int store__count_case_closed(struct db *db, int64_t id, int delta, struct error *err);

#endif
