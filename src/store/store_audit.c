/*
 * store_audit.c - SQL for the append-only, hash-chained audit log.
 *
 * Appending is two steps inside the caller's write transaction:
 * store_audit_reserve() bumps the chain head (which row-locks it on
 * PostgreSQL and is serialised by BEGIN IMMEDIATE on SQLite) and returns the
 * previous hash; the caller computes the new hash; store_audit_insert() adds
 * the row and records the hash in the head.  Ids are contiguous, so a deleted
 * row shows as a gap.
 */
#include "store_int.h"
#include "banned.h"

int store_audit_reserve(struct db *db, int64_t *id, char prev_hash[65], struct error *err)
{
    static const char sql[] = "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 "
                              "RETURNING last_id, last_hash";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        st_copy(prev_hash, 65, db_col_text(st, 1));
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_EDB, NULL, "审计日志链头缺失");
    return rc < 0 ? rc : 0;
}

int store_audit_insert(struct db *db, const struct audit_rec *r, struct error *err)
{
    static const char sql_ins[] =
        "INSERT INTO audit_log (id, at, user_id, username, ip, action, entity, entity_id, "
        "before_json, after_json, prev_hash, hash) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    static const char sql_head[] = "UPDATE audit_head SET last_hash = $1 WHERE id = 1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql_ins, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->id);
    db_bind_int(st, 2, r->at);
    db_bind_id(st, 3, r->user_id);
    db_bind_text(st, 4, r->username);
    db_bind_text(st, 5, r->ip);
    db_bind_text(st, 6, r->action);
    db_bind_text(st, 7, r->entity);
    db_bind_text(st, 8, r->entity_id);
    db_bind_text(st, 9, r->before);
    db_bind_text(st, 10, r->after);
    db_bind_text(st, 11, r->prev_hash);
    db_bind_text(st, 12, r->hash);
    if ((rc = db_step_done(st, err)))
        return rc;
    if ((rc = db_prepare(db, sql_head, &st, err)))
        return rc;
    db_bind_text(st, 1, r->hash);
    return db_step_done(st, err);
}

#define AUDIT_FILTER                                                                               \
    " WHERE (CAST($1 AS TEXT) IS NULL OR entity = $1) AND "                                        \
    "(CAST($2 AS TEXT) IS NULL OR entity_id = $2) AND "                                            \
    "(CAST($3 AS TEXT) IS NULL OR action = $3) AND ($4 = 0 OR user_id = $4) AND ($5 = 0 OR at >= " \
    "$5) AND "                                                                                     \
    "($6 = 0 OR at < $6) "

void store__audit_read(struct db_stmt *st, struct arena *a, struct audit_rec *r)
{
    r->id = db_col_int(st, 0);
    r->at = db_col_int(st, 1);
    r->user_id = db_col_int(st, 2);
    r->username = st_dup(a, db_col_text(st, 3));
    r->ip = st_dup(a, db_col_text(st, 4));
    r->action = st_dup(a, db_col_text(st, 5));
    r->entity = st_dup(a, db_col_text(st, 6));
    r->entity_id = st_dup(a, db_col_text(st, 7));
    r->before = st_dup(a, db_col_text(st, 8));
    r->after = st_dup(a, db_col_text(st, 9));
    st_copy(r->prev_hash, sizeof(r->prev_hash), db_col_text(st, 10));
    st_copy(r->hash, sizeof(r->hash), db_col_text(st, 11));
}

static void audit_bind_filter(struct db_stmt *st, const struct audit_filter *f)
{
    db_bind_text(st, 1, f->entity);
    db_bind_text(st, 2, f->entity_id);
    db_bind_text(st, 3, f->action);
    db_bind_int(st, 4, f->user_id);
    db_bind_int(st, 5, f->from);
    db_bind_int(st, 6, f->to);
}

int store_audit_list(struct db *db, const struct audit_filter *f, struct arena *a,
                     struct audit_rec **items, size_t *n, int64_t *total, struct error *err)
{
    static const char sql_count[] = "SELECT COUNT(*) FROM audit_log" AUDIT_FILTER;
    static const char sql[] =
        "SELECT " AUDIT_COLS "FROM audit_log" AUDIT_FILTER "ORDER BY id DESC LIMIT $7 OFFSET $8";
    struct db_stmt *st;
    int rc = db_prepare(db, sql_count, &st, err);
    if (rc)
        return rc;
    audit_bind_filter(st, f);
    rc = db_step(st, err);
    *total = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql, &st, err)))
        return rc;
    audit_bind_filter(st, f);
    db_bind_int(st, 7, f->page_size);
    db_bind_int(st, 8, (f->page - 1) * f->page_size);
    struct audit_rec *v = arena_alloc(a, (size_t)f->page_size * sizeof(*v) + 1);
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < (size_t)f->page_size)
        store__audit_read(st, a, &v[cnt++]);
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_audit_scan(struct db *db, int (*fn)(const struct audit_rec *r, void *ud), void *ud,
                     struct error *err)
{
    static const char sql[] = "SELECT " AUDIT_COLS "FROM audit_log ORDER BY id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    int stop = 0;
    while (!stop && (rc = db_step(st, err)) == DB_ROW) {
        struct arena a = {0};
        struct audit_rec r;
        store__audit_read(st, &a, &r);
        stop = fn(&r, ud);
        arena_release(&a);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    return stop;
}

int store_audit_head(struct db *db, int64_t *last_id, char last_hash[65], struct error *err)
{
    static const char sql[] = "SELECT last_id, last_hash FROM audit_head WHERE id = 1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *last_id = db_col_int(st, 0);
        st_copy(last_hash, 65, db_col_text(st, 1));
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_EDB, NULL, "审计日志链头缺失");
    return rc < 0 ? rc : 0;
}
