/*
 * db.h - the small driver interface every database engine implements.
 *
 * A struct db is one connection, used by one thread at a time.  Statements
 * are written once with $1..$n placeholders and cached per connection by
 * their SQL text; db_prepare returns the cached statement, reset and with its
 * bindings cleared.  Values are bound by number ($N) whatever the engine
 * numbers them internally.  Only src/store/ includes this header.
 */
#ifndef ZW_DB_H
#define ZW_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

enum { DB_DONE = 0, DB_ROW = 1 };

struct db;
struct db_stmt;

struct db_driver {
    const char *name; /* "sqlite", "postgresql" */
    int (*open)(const char *target, struct db **out, struct error *err);
    void (*close)(struct db *db);
    int (*prepare)(struct db *db, const char *sql, struct db_stmt **out, struct error *err);
    int (*bind_int)(struct db_stmt *st, int n, int64_t v);
    int (*bind_text)(struct db_stmt *st, int n, const char *s);
    int (*step)(struct db_stmt *st, struct error *err);
    int64_t (*col_int)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col);
    bool (*col_null)(struct db_stmt *st, int col);
    int64_t (*changes)(struct db_stmt *st);
    void (*finish)(struct db_stmt *st);
    int (*exec)(struct db *db, const char *sql, struct error *err);
    int (*begin)(struct db *db, bool write, struct error *err);
    int (*commit)(struct db *db, struct error *err);
    void (*rollback)(struct db *db);
    const char *id_type; /* replaces @ID@ in migrations */
};

/* Every connection struct starts with this. */
struct db {
    const struct db_driver *drv;
    int in_tx;        /* 0, 1 (read) or 2 (write) */
    uint32_t written; /* the tracked tables (store.h) the write transaction prepared writes on */
    uint64_t txs;     /* transactions begun on the connection */
    /*
     * The indicators' counters are left to store_counts_flush for the rest
     * of the transaction (a bulk write); counts_dirty: which need it.
     */
    bool counts_deferred;
    uint32_t counts_dirty;
};

/* The tracked tables' names, by enum store_table (store.h). */
extern const char *const db_tracked[];

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

/* true if target names a PostgreSQL database (postgresql:// or postgres:// URL). */
bool db_is_pg_url(const char *target);

/*
 * The drivers' statement caches: keyed by a copy of the SQL text and its hash
 * (statements may be composed at run time), least recently used evicted when
 * full (ZW_STMT_CACHE_SIZE per connection).
 */
uint64_t db_sql_hash(const char *sql);

/* Opens a connection: a PostgreSQL URL or a SQLite file path. */
int db_open(const char *target, struct db **out, struct error *err);
void db_close(struct db *db);

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct error *err);
/*
 * Binds $n.  A NULL string binds SQL NULL.  The text is not copied: it must
 * stay valid and unchanged until db_finish (or until $n is bound again).
 */
int db_bind_int(struct db_stmt *st, int n, int64_t v);
int db_bind_text(struct db_stmt *st, int n, const char *s);
/* Binds $n to v, or to SQL NULL when v is 0 (an optional id or number; no row has id 0). */
int db_bind_id(struct db_stmt *st, int n, int64_t v);
/* DB_ROW, DB_DONE or a negative code (ZW_ECONFLICT on a unique violation, ZW_EBUSY, ZW_EDB). */
int db_step(struct db_stmt *st, struct error *err);
int64_t db_col_int(struct db_stmt *st, int col);
/* Borrowed until the next step or finish; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int col);
bool db_col_null(struct db_stmt *st, int col);
/* Returns the statement to the cache. Always call it, also on error paths. */
void db_finish(struct db_stmt *st);
/* Rows the statement's INSERT, UPDATE or DELETE changed; call before db_finish. */
int64_t db_changes(struct db_stmt *st);
/* Runs a statement that returns no rows to completion and finishes it. */
int db_step_done(struct db_stmt *st, struct error *err);
/* Runs SQL text with no parameters (migrations, pragmas). */
int db_exec(struct db *db, const char *sql, struct error *err);
/*
 * Transactions: write ones take the write lock at once (BEGIN IMMEDIATE on
 * SQLite).  db_prepare of an INSERT, UPDATE or DELETE on a tracked table in a
 * write transaction marks the table; db_commit bumps the marked tables' rows
 * of data_versions before it commits.
 */
int db_begin(struct db *db, bool write, struct error *err);
int db_commit(struct db *db, struct error *err);
void db_rollback(struct db *db);

#endif
