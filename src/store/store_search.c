/*
 * store_search.c - Chinese full-text search over search_docs, one function
 * for both engines: FTS5 trigram on SQLite, pg_trgm (GIN, LIKE) on
 * PostgreSQL, and LIKE on SQLite for queries of 1-2 characters, which
 * trigrams cannot match.  Results are filtered by scope and entity and
 * ordered the same way on both engines.
 */
#include "mask.h"
#include "store_int.h"
#include "banned.h"

int store_search_put(struct db *db, const char *entity, int64_t entity_id, const char *area_path,
                     const char *title, const char *body, struct error *err)
{
    static const char sql[] =
        "INSERT INTO search_docs (entity, entity_id, area_path, title, body) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (entity, entity_id) DO UPDATE SET "
        "area_path = excluded.area_path, title = excluded.title, body = excluded.body";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, entity);
    db_bind_int(st, 2, entity_id);
    db_bind_text(st, 3, area_path);
    db_bind_text(st, 4, title);
    db_bind_text(st, 5, body ? body : "");
    return db_step_done(st, err);
}

/*
 * $2 allowed path prefix, $3 exact path for SCOPE_AREA ('' = any),
 * $4 areas allowed, $5 users allowed, $6 cases allowed.
 */
#define SEARCH_FILTER                                                                              \
    " d.area_path LIKE $2 || '%' AND ($3 = '' OR d.area_path = $3) AND "                           \
    "((d.entity = 'area' AND $4 = 1) OR (d.entity = 'user' AND $5 = 1) OR "                        \
    "(d.entity = 'case' AND $6 = 1)) "
#define SEARCH_COLS  "d.entity, d.entity_id, d.title, d.body, d.area_path "
#define SEARCH_ORDER " ORDER BY d.entity, d.entity_id LIMIT $7 OFFSET $8"

static const char sql_fts[] =
    "SELECT " SEARCH_COLS "FROM search_fts f JOIN search_docs d ON "
    "d.id = f.rowid WHERE search_fts MATCH $1 AND" SEARCH_FILTER SEARCH_ORDER;
static const char sql_fts_count[] = "SELECT COUNT(*) FROM search_fts f JOIN search_docs d ON "
                                    "d.id = f.rowid WHERE search_fts MATCH $1 AND" SEARCH_FILTER;
static const char sql_like[] =
    "SELECT " SEARCH_COLS "FROM search_docs d WHERE lower(d.title || ' ' || d.body) LIKE "
    "'%' || lower($1) || '%' ESCAPE '\\' AND" SEARCH_FILTER SEARCH_ORDER;
static const char sql_like_count[] =
    "SELECT COUNT(*) FROM search_docs d WHERE lower(d.title || ' ' || d.body) LIKE "
    "'%' || lower($1) || '%' ESCAPE '\\' AND" SEARCH_FILTER;

/* q as one FTS5 phrase: "..." with inner quotes doubled; arena-owned. */
static const char *fts_phrase(struct arena *a, const char *q)
{
    size_t len = strlen(q);
    char *out = arena_alloc(a, 2 * len + 3), *p = out;
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        if (q[i] == '"')
            *p++ = '"';
        *p++ = q[i];
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

static void bind_filter(struct db_stmt *st, const char *arg, const struct scope *sc,
                        const struct search_query *q)
{
    db_bind_text(st, 1, arg);
    db_bind_text(st, 2, scope_prefix(sc));
    db_bind_text(st, 3, sc->kind == SCOPE_AREA && sc->path ? sc->path : "");
    db_bind_int(st, 4, q->areas);
    db_bind_int(st, 5, q->users && sc->kind != SCOPE_OWN);
    /* An own-scope user sees only their cases, which the index cannot tell: none here. */
    db_bind_int(st, 6, q->cases && sc->kind != SCOPE_OWN);
}

int store_search(struct db *db, const struct scope *sc, const struct search_query *q,
                 struct arena *a, struct search_hit **items, size_t *n, int64_t *total,
                 struct error *err)
{
    bool fts = db->drv == &db_sqlite_driver && utf8_chars(q->q) >= 3;
    const char *arg = fts ? fts_phrase(a, q->q) : st_like_escape(a, q->q);
    struct db_stmt *st;
    int rc = db_prepare(db, fts ? sql_fts_count : sql_like_count, &st, err);
    if (rc)
        return rc;
    bind_filter(st, arg, sc, q);
    rc = db_step(st, err);
    *total = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, fts ? sql_fts : sql_like, &st, err)))
        return rc;
    bind_filter(st, arg, sc, q);
    db_bind_int(st, 7, q->page_size);
    db_bind_int(st, 8, (q->page - 1) * q->page_size);
    struct search_hit *v = arena_calloc(a, (size_t)q->page_size + 1, sizeof(*v));
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < (size_t)q->page_size) {
        v[cnt].entity = arena_strdup(a, db_col_text(st, 0));
        v[cnt].id = db_col_int(st, 1);
        v[cnt].title = arena_strdup(a, db_col_text(st, 2));
        v[cnt].body = st_dup(a, db_col_text(st, 3));
        v[cnt].area_path = arena_strdup(a, db_col_text(st, 4));
        cnt++;
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}
