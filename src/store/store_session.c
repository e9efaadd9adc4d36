/* store_session.c - SQL for login sessions (only token hashes are stored). */
#include "store_int.h"
#include "banned.h"

int store_session_insert(struct db *db, const char *token_hash, const char *csrf, int64_t user_id,
                         const char *ip, int64_t now, struct error *err)
{
    static const char sql[] = "INSERT INTO sessions (token_hash, csrf_token, user_id, ip, "
                              "created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5)";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, token_hash);
    db_bind_text(st, 2, csrf);
    db_bind_int(st, 3, user_id);
    db_bind_text(st, 4, ip);
    db_bind_int(st, 5, now);
    return db_step_done(st, err);
}

int store_session_get(struct db *db, const char *token_hash, struct session *out, struct error *err)
{
    static const char sql[] = "SELECT id, user_id, created_at, last_seen_at, csrf_token "
                              "FROM sessions WHERE token_hash = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, token_hash);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->user_id = db_col_int(st, 1);
        out->created_at = db_col_int(st, 2);
        out->last_seen_at = db_col_int(st, 3);
        st_copy(out->csrf, sizeof(out->csrf), db_col_text(st, 4));
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_EAUTH, NULL, NULL);
    return rc < 0 ? rc : 0;
}

int store_session_touch(struct db *db, int64_t id, int64_t now, struct error *err)
{
    static const char sql[] = "UPDATE sessions SET last_seen_at = $1 WHERE id = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, id);
    return db_step_done(st, err);
}

int store_session_delete(struct db *db, int64_t id, struct error *err)
{
    static const char sql[] = "DELETE FROM sessions WHERE id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return db_step_done(st, err);
}

int store_session_delete_user(struct db *db, int64_t user_id, int64_t keep_id, struct error *err)
{
    static const char sql[] = "DELETE FROM sessions WHERE user_id = $1 AND id <> $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, keep_id);
    return db_step_done(st, err);
}
