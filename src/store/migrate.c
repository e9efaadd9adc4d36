/* migrate.c - applies the embedded sql/ migrations in order; see migrate.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "banned.h"

static const char SQL_CREATE[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                 "applied_at BIGINT NOT NULL)";
static const char SQL_CURRENT[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_HAVE[] = "SELECT 1 FROM schema_migrations WHERE version = $1";
static const char SQL_RECORD[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

int migrate_current(struct db *db, int *version, struct error *err)
{
    struct db_stmt *st;
    int rc = db_exec(db, SQL_CREATE, err);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_CURRENT, &st, err)))
        return rc;
    rc = db_step(st, err);
    *version = rc == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* The migration text with @ID@ replaced by the engine's key type; caller frees. */
static char *migration_text(const char *sql, const char *id_type)
{
    struct buf b = {0};
    const char *p = sql, *q;
    while ((q = strstr(p, "@ID@"))) {
        buf_add(&b, p, (size_t)(q - p));
        buf_adds(&b, id_type);
        p = q + 4;
    }
    buf_adds(&b, p);
    return buf_detach(&b, NULL);
}

/* Whether migration version is recorded as applied (1), not (0), or a negative code. */
static int have(struct db *db, int version, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_HAVE, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, version);
    rc = db_step(st, err);
    db_finish(st);
    return rc < 0 ? rc : rc == DB_ROW;
}

/*
 * Every migration not yet recorded runs, in order, not only those above the
 * highest recorded: branches developed side by side number theirs apart, and
 * a database that got a later number first must still get the earlier ones.
 */
int migrate_run(struct db *db, int *applied, struct error *err)
{
    int current, rc;
    *applied = 0;
    if ((rc = migrate_current(db, &current, err)))
        return rc;
    for (int i = 0; i < zw_migration_count; i++) {
        const struct migration *m = &zw_migrations[i];
        if (m->engine && strcmp(m->engine, db->drv->name) != 0)
            continue;
        if ((rc = have(db, m->version, err)) < 0)
            return rc;
        if (rc)
            continue;
        char *text = migration_text(m->sql, db->drv->id_type);
        struct db_stmt *st = NULL;
        if ((rc = db_begin(db, true, err)))
            goto out_free_text;
        if ((rc = db_exec(db, text, err)))
            goto out_rollback;
        if ((rc = db_prepare(db, SQL_RECORD, &st, err)))
            goto out_rollback;
        db_bind_int(st, 1, m->version);
        db_bind_text(st, 2, m->name);
        db_bind_int(st, 3, (int64_t)time(NULL));
        if ((rc = db_step_done(st, err)))
            goto out_rollback;
        if ((rc = db_commit(db, err)))
            goto out_rollback;
        free(text);
        log_info("msg=\"migration applied\" version=%d name=%s", m->version, m->name);
        (*applied)++;
        continue;
    out_rollback:
        db_rollback(db);
    out_free_text:
        free(text);
        log_error("msg=\"migration failed\" name=%s", m->name);
        return rc;
    }
    return 0;
}
