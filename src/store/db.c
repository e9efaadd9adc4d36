/* db.c - dispatch from the db_* calls to the connection's driver; see db.h. */
#include <string.h>

#include "db.h"
#include "banned.h"

/* Each driver's statement struct starts with a pointer to its connection. */
struct db_stmt {
    struct db *db;
};

bool db_is_pg_url(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

int db_open(const char *target, struct db **out, struct error *err)
{
    if (db_is_pg_url(target))
        return db_pg_driver.open(target, out, err);
    return db_sqlite_driver.open(target, out, err);
}

void db_close(struct db *db)
{
    if (db)
        db->drv->close(db);
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct error *err)
{
    return db->drv->prepare(db, sql, out, err);
}

int db_bind_int(struct db_stmt *st, int n, int64_t v)
{
    return st->db->drv->bind_int(st, n, v);
}

int db_bind_text(struct db_stmt *st, int n, const char *s)
{
    return st->db->drv->bind_text(st, n, s);
}

int db_bind_id(struct db_stmt *st, int n, int64_t v)
{
    return v ? db_bind_int(st, n, v) : db_bind_text(st, n, NULL);
}

int db_step(struct db_stmt *st, struct error *err)
{
    return st->db->drv->step(st, err);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
    return st->db->drv->col_int(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    return st->db->drv->col_text(st, col);
}

bool db_col_null(struct db_stmt *st, int col)
{
    return st->db->drv->col_null(st, col);
}

void db_finish(struct db_stmt *st)
{
    if (st)
        st->db->drv->finish(st);
}

int64_t db_changes(struct db_stmt *st)
{
    return st->db->drv->changes(st);
}

int db_step_done(struct db_stmt *st, struct error *err)
{
    int rc = db_step(st, err);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int db_exec(struct db *db, const char *sql, struct error *err)
{
    return db->drv->exec(db, sql, err);
}

int db_begin(struct db *db, bool write, struct error *err)
{
    int rc = db->drv->begin(db, write, err);
    if (rc == 0)
        db->in_tx = write ? 2 : 1;
    return rc;
}

int db_commit(struct db *db, struct error *err)
{
    int rc = db->drv->commit(db, err);
    if (rc == 0)
        db->in_tx = 0;
    return rc;
}

void db_rollback(struct db *db)
{
    if (db->in_tx)
        db->drv->rollback(db);
    db->in_tx = 0;
}

uint64_t db_sql_hash(const char *sql)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}
