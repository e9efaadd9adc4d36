/* db.c - dispatch from the db_* calls to the connection's driver; see db.h. */
#include <string.h>

#include "db.h"
#include "store.h"
#include "banned.h"

const char *const db_tracked[] = {
    [STORE_T_CASES] = "cases",
    [STORE_T_CASE_CLOCKS] = "case_clocks",
    [STORE_T_PERSONS] = "persons",
    [STORE_T_HOUSEHOLDS] = "households",
    [STORE_T_HOUSEHOLD_CATEGORIES] = "household_categories",
    [STORE_T_PAYMENTS] = "payments",
    [STORE_T_VISITS] = "visits",
    [STORE_T_MEASURES] = "assist_measures",
    [STORE_T_PERIODS] = "period_closes",
};
_Static_assert(sizeof(db_tracked) / sizeof(db_tracked[0]) == STORE_NTRACKED, "db_tracked");

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

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* The tracked tables sql writes: the table after each INSERT INTO, UPDATE and DELETE FROM. */
static uint32_t sql_writes(const char *sql)
{
    static const char *const verbs[] = {"INSERT INTO ", "UPDATE ", "DELETE FROM "};
    uint32_t bits = 0;
    for (size_t v = 0; v < 3; v++)
        for (const char *p = sql; (p = strstr(p, verbs[v])) != NULL;) {
            p += strlen(verbs[v]);
            size_t n = 0;
            while (ident_char(p[n]))
                n++;
            for (int t = 0; t < STORE_NTRACKED; t++)
                if (strlen(db_tracked[t]) == n && strncmp(db_tracked[t], p, n) == 0)
                    bits |= STORE_BIT(t);
        }
    return bits;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct error *err)
{
    if (db->in_tx == 2)
        db->written |= sql_writes(sql);
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
    db->written = 0;
    db->txs++;
    return rc;
}

/* Bumps the versions of the tables the transaction wrote, in a fixed order (no deadlock). */
static int bump_versions(struct db *db, struct error *err)
{
    uint32_t bits = db->written;
    db->written = 0; /* the upsert below is not itself a tracked write */
    for (int t = 0; t < STORE_NTRACKED; t++) {
        if (!(bits & STORE_BIT(t)))
            continue;
        struct db_stmt *st;
        int rc = db->drv->prepare(db,
                                  "INSERT INTO data_versions (tbl, version) VALUES ($1, 1) "
                                  "ON CONFLICT (tbl) DO UPDATE SET version = "
                                  "data_versions.version + 1",
                                  &st, err);
        if (rc)
            return rc;
        db_bind_text(st, 1, db_tracked[t]);
        if ((rc = db_step_done(st, err)))
            return rc;
    }
    return 0;
}

int db_commit(struct db *db, struct error *err)
{
    int rc = db->in_tx == 2 && db->written ? bump_versions(db, err) : 0;
    if (rc)
        return rc;
    rc = db->drv->commit(db, err);
    if (rc == 0)
        db->in_tx = 0;
    return rc;
}

void db_rollback(struct db *db)
{
    if (db->in_tx)
        db->drv->rollback(db);
    db->in_tx = 0;
    db->written = 0;
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
