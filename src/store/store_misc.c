/* store_misc.c - SQL for idempotency keys, settings and the working-day calendar. */
#include "store_int.h"
#include "banned.h"

int store_idem_get(struct db *db, int64_t user_id, const char *key, struct arena *a,
                   struct idem *out, struct error *err)
{
    static const char sql[] = "SELECT request_hash, status, etag, location, body "
                              "FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_text(st, 2, key);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        st_copy(out->request_hash, sizeof(out->request_hash), db_col_text(st, 0));
        out->status = (int)db_col_int(st, 1);
        st_copy(out->etag, sizeof(out->etag), db_col_text(st, 2));
        st_copy(out->location, sizeof(out->location), db_col_text(st, 3));
        out->body = arena_strdup(a, db_col_text(st, 4) ? db_col_text(st, 4) : "");
    }
    db_finish(st);
    if (rc == DB_DONE)
        return ZW_ENOTFOUND;
    return rc < 0 ? rc : 0;
}

int store_idem_put(struct db *db, int64_t user_id, const char *key, const char *method,
                   const char *path, const struct idem *in, int64_t now, struct error *err)
{
    static const char sql[] = "INSERT INTO idempotency_keys (user_id, idem_key, method, path, "
                              "request_hash, status, etag, location, body, created_at) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_text(st, 2, key);
    db_bind_text(st, 3, method);
    db_bind_text(st, 4, path);
    db_bind_text(st, 5, in->request_hash);
    db_bind_int(st, 6, in->status);
    db_bind_text(st, 7, in->etag[0] ? in->etag : NULL);
    db_bind_text(st, 8, in->location[0] ? in->location : NULL);
    db_bind_text(st, 9, in->body ? in->body : "");
    db_bind_int(st, 10, now);
    return db_step_done(st, err);
}

int store_idem_purge(struct db *db, int64_t before, struct error *err)
{
    static const char sql[] = "DELETE FROM idempotency_keys WHERE created_at < $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, before);
    return db_step_done(st, err);
}

int store_setting_get(struct db *db, const char *name, struct arena *a, const char **value,
                      int *version, struct error *err)
{
    static const char sql[] = "SELECT value, version FROM settings WHERE name = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *value = arena_strdup(a, db_col_text(st, 0));
        *version = (int)db_col_int(st, 1);
    }
    db_finish(st);
    if (rc == DB_DONE)
        return ZW_ENOTFOUND;
    return rc < 0 ? rc : 0;
}

int store_setting_put(struct db *db, const char *name, const char *value, bool exists,
                      int expect_version, int64_t now, struct error *err)
{
    static const char sql_ins[] = "INSERT INTO settings (name, value, version, updated_at) "
                                  "VALUES ($1, $2, $4 + 1, $3)";
    static const char sql_upd[] = "UPDATE settings SET value = $2, version = version + 1, "
                                  "updated_at = $3 WHERE name = $1 AND version = $4 RETURNING 1";
    struct db_stmt *st;
    int rc = db_prepare(db, exists ? sql_upd : sql_ins, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, value);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, expect_version);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE && exists)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    return rc < 0 ? rc : 0;
}

int store_calendar_load(struct db *db, struct calendar *cal, struct error *err)
{
    static const char sql_years[] = "SELECT year FROM calendar_years ORDER BY year";
    static const char sql_days[] = "SELECT day, kind, name FROM calendar_days ORDER BY day";
    struct db_stmt *st;
    int rc = db_prepare(db, sql_years, &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW)
        calendar_mark_year(cal, (int)db_col_int(st, 0));
    db_finish(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql_days, &st, err)))
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *kind = db_col_text(st, 1);
        calendar_set_day(cal, (int)db_col_int(st, 0),
                         kind && strcmp(kind, "workday") == 0 ? CAL_WORKDAY : CAL_HOLIDAY,
                         db_col_text(st, 2));
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_calendar_year_source(struct db *db, int year, struct arena *a, const char **source,
                               struct error *err)
{
    static const char sql[] = "SELECT source FROM calendar_years WHERE year = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, year);
    rc = db_step(st, err);
    *source = rc == DB_ROW ? arena_strdup(a, db_col_text(st, 0)) : NULL;
    db_finish(st);
    if (rc == DB_DONE)
        return ZW_ENOTFOUND;
    return rc < 0 ? rc : 0;
}

int store_calendar_put_year(struct db *db, int year, const char *source, int64_t now,
                            struct error *err)
{
    static const char sql[] =
        "INSERT INTO calendar_years (year, source, loaded_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (year) DO UPDATE SET source = excluded.source, loaded_at = excluded.loaded_at";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, year);
    db_bind_text(st, 2, source);
    db_bind_int(st, 3, now);
    return db_step_done(st, err);
}

int store_calendar_put_day(struct db *db, int ymd, const char *kind, const char *name, int64_t now,
                           struct error *err)
{
    static const char sql[] =
        "INSERT INTO calendar_days (day, kind, name, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
        "updated_at = excluded.updated_at";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, ymd);
    db_bind_text(st, 2, kind);
    db_bind_text(st, 3, name);
    db_bind_int(st, 4, now);
    return db_step_done(st, err);
}

int store_calendar_delete_day(struct db *db, int ymd, struct error *err)
{
    static const char sql[] = "DELETE FROM calendar_days WHERE day = $1 RETURNING day";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, ymd);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "该日期没有调整记录");
    return rc < 0 ? rc : 0;
}
