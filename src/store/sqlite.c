/*
 * sqlite.c - the SQLite driver behind db.h.
 *
 * One connection per thread, opened in WAL mode with synchronous=FULL (an
 * acknowledged write survives power loss), foreign keys on and a busy
 * timeout.  Prepared statements are cached per connection by SQL text.
 * Placeholders are $1..$n; SQLite treats "$1" as a named parameter, so each
 * statement keeps a map from n to SQLite's own parameter index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "calendar.h"
#include "db.h"
#include "limits.h"
#include "log.h"
#include "banned.h"

#define SQ_MAX_PARAMS 32

struct db_stmt {
    struct db *db; /* must be first: see db.c */
    sqlite3_stmt *st;
    char *sql;                  /* our copy of the text (cache key); NULL: free slot */
    uint64_t hash;              /* of sql */
    const char *origin;         /* the caller's text at the last use (a fast path for literals) */
    uint64_t used;              /* tick of the last use, for eviction */
    int map[SQ_MAX_PARAMS + 1]; /* $n -> sqlite index (0 = absent) */
    int busy;
    /*
     * 1: an "INSERT ... VALUES ... RETURNING id" prepared without its
     * RETURNING clause (which makes SQLite build an ephemeral table on every
     * run): sq_step reports the new rowid as the one row.  2: that row is
     * being read.  0: any other statement.
     */
    int rowid;
    int64_t new_id;
};

struct sq_db {
    struct db base; /* must be first */
    sqlite3 *h;
    struct db_stmt cache[ZW_STMT_CACHE_SIZE];
    int ncache;
    uint64_t tick;
};

static int sq_error(struct sq_db *d, int rc, struct error *err)
{
    int ext = sqlite3_extended_errcode(d->h);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        err_set(err, ZW_ECONFLICT, NULL, NULL);
        return err_detail(err, "sqlite: %s", sqlite3_errmsg(d->h));
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        err_set(err, ZW_EBUSY, NULL, NULL);
        return err_detail(err, "sqlite: %s", sqlite3_errmsg(d->h));
    }
    err_set(err, ZW_EDB, NULL, NULL);
    err_detail(err, "sqlite(%d): %s", ext, sqlite3_errmsg(d->h));
    log_error("msg=\"sqlite error\" code=%d detail=\"%s\"", ext, sqlite3_errmsg(d->h));
    return ZW_EDB;
}

static int sq_exec(struct db *db, const char *sql, struct error *err)
{
    struct sq_db *d = (struct sq_db *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int r = sq_error(d, rc, err);
        if (msg)
            err_detail(err, "sqlite: %s", msg);
        sqlite3_free(msg);
        return r;
    }
    return 0;
}

/* ZHENWU_SQL_PROFILE=1: every statement's time and text on stderr (finding a slow query). */
static int sq_profile(unsigned type, void *ctx, void *stmt, void *ns)
{
    (void)type;
    (void)ctx;
    fprintf(stderr, "%8.2f ms  %s\n", (double)*(sqlite3_int64 *)ns / 1e6, sqlite3_sql(stmt));
    return 0;
}

/*
 * zw_month(instant): the month (YYYYMM) of an instant in local time, as the
 * calendar counts days; PostgreSQL has it from sql/0024_local_month.
 */
static void sq_month(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        sqlite3_result_null(cx);
    else
        sqlite3_result_int(cx, cal_local_ymd(sqlite3_value_int64(argv[0])) / 100);
}

static int sq_open(const char *target, struct db **out, struct error *err)
{
    *out = NULL;
    struct sq_db *d = calloc(1, sizeof(*d));
    if (!d)
        log_fatal("sqlite: out of memory");
    d->base.drv = &db_sqlite_driver;
    int rc = sqlite3_open_v2(
        target, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err_set(err, ZW_EDB, NULL, "无法打开数据库文件：%s", target);
        err_detail(err, "sqlite open: %s", d->h ? sqlite3_errmsg(d->h) : "out of memory");
        sqlite3_close(d->h);
        free(d);
        return ZW_EDB;
    }
    sqlite3_busy_timeout(d->h, 5000);
    if (getenv("ZHENWU_SQL_PROFILE"))
        sqlite3_trace_v2(d->h, SQLITE_TRACE_PROFILE, sq_profile, NULL);
    sqlite3_create_function(d->h, "zw_month", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sq_month,
                            NULL, NULL);
    sqlite3_extended_result_codes(d->h, 1);
    rc = sq_exec(&d->base,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                 "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
                 err);
    if (rc) {
        sqlite3_close(d->h);
        free(d);
        return rc;
    }
    *out = &d->base;
    return 0;
}

static void sq_close(struct db *db)
{
    struct sq_db *d = (struct sq_db *)db;
    for (int i = 0; i < d->ncache; i++) {
        sqlite3_finalize(d->cache[i].st);
        free(d->cache[i].sql);
    }
    sqlite3_close(d->h);
    free(d);
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt **out, struct error *err)
{
    struct sq_db *d = (struct sq_db *)db;
    struct db_stmt *c = NULL;
    *out = NULL;
    /*
     * Most statements are string literals: the same pointer as last time finds
     * the slot without hashing the text (the text is still compared, since a
     * composed statement may reuse a freed buffer's address).
     */
    struct db_stmt *k = NULL;
    for (int i = 0; i < d->ncache && !k; i++)
        if (d->cache[i].origin == sql && d->cache[i].sql && strcmp(d->cache[i].sql, sql) == 0)
            k = &d->cache[i];
    if (k) {
        if (k->busy)
            log_fatal("sqlite: statement used twice at once: %s", sql);
        k->busy = 1;
        k->used = ++d->tick;
        *out = k;
        return 0;
    }
    uint64_t hash = db_sql_hash(sql);
    for (int i = 0; i < d->ncache; i++) {
        k = &d->cache[i];
        if (k->sql && k->hash == hash && strcmp(k->sql, sql) == 0) {
            k->origin = sql;
            if (k->busy)
                log_fatal("sqlite: statement used twice at once: %s", sql);
            k->busy = 1;
            k->used = ++d->tick;
            *out = k;
            return 0;
        }
        /* A free slot, else the least recently used statement not in use. */
        if (!k->busy && (!c || !k->sql || (c->sql && k->used < c->used)))
            c = k;
    }
    if (d->ncache < ZW_STMT_CACHE_SIZE)
        c = &d->cache[d->ncache++];
    else if (!c)
        log_fatal("sqlite: all %d cached statements in use", ZW_STMT_CACHE_SIZE);
    sqlite3_finalize(c->st);
    free(c->sql);
    memset(c, 0, sizeof(*c));
    static const char returning_id[] = " RETURNING id";
    size_t len = strlen(sql), rlen = sizeof(returning_id) - 1;
    bool rowid = len > rlen && strncmp(sql, "INSERT INTO ", 12) == 0 &&
                 strcmp(sql + len - rlen, returning_id) == 0 && !strstr(sql, "SELECT") &&
                 !strstr(sql, "ON CONFLICT");
    int rc = sqlite3_prepare_v3(d->h, sql, rowid ? (int)(len - rlen) : -1,
                                SQLITE_PREPARE_PERSISTENT, &c->st, NULL);
    if (rc != SQLITE_OK) {
        sq_error(d, rc, err);
        return err_detail(err, "prepare: %s: %.120s", sqlite3_errmsg(d->h), sql);
    }
    int np = sqlite3_bind_parameter_count(c->st);
    for (int i = 1; i <= np; i++) {
        const char *name = sqlite3_bind_parameter_name(c->st, i);
        char *end;
        long n = name && name[0] == '$' ? strtol(name + 1, &end, 10) : 0;
        if (n < 1 || n > SQ_MAX_PARAMS || *end)
            log_fatal("sqlite: placeholder must be $1..$%d: %s", SQ_MAX_PARAMS, sql);
        c->map[n] = i;
    }
    c->sql = strdup(sql);
    if (!c->sql)
        log_fatal("sqlite: out of memory");
    c->rowid = rowid;
    c->db = db;
    c->hash = hash;
    c->origin = sql;
    c->used = ++d->tick;
    c->busy = 1;
    *out = c;
    return 0;
}

static int sq_index(struct db_stmt *st, int n)
{
    if (n < 1 || n > SQ_MAX_PARAMS || !st->map[n])
        log_fatal("sqlite: no placeholder $%d in: %s", n, st->sql);
    return st->map[n];
}

static int sq_bind_int(struct db_stmt *st, int n, int64_t v)
{
    return sqlite3_bind_int64(st->st, sq_index(st, n), v) == SQLITE_OK ? 0 : ZW_EDB;
}

static int sq_bind_text(struct db_stmt *st, int n, const char *s)
{
    int i = sq_index(st, n);
    /*
     * Not copied (db.h: a bound text stays valid until db_finish); sq_finish
     * clears the bindings, so SQLite never holds the pointer longer.
     */
    int rc = s ? sqlite3_bind_text(st->st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st->st, i);
    return rc == SQLITE_OK ? 0 : ZW_EDB;
}

static int sq_step(struct db_stmt *st, struct error *err)
{
    if (st->rowid == 2) {
        st->rowid = 1;
        return DB_DONE;
    }
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE && st->rowid) {
        sqlite3 *h = ((struct sq_db *)st->db)->h;
        if (sqlite3_changes(h) == 0)
            return DB_DONE;
        st->new_id = sqlite3_last_insert_rowid(h);
        st->rowid = 2;
        return DB_ROW;
    }
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return sq_error((struct sq_db *)st->db, rc, err);
}

static int64_t sq_col_int(struct db_stmt *st, int col)
{
    if (st->rowid == 2)
        return col == 0 ? st->new_id : 0;
    return sqlite3_column_int64(st->st, col);
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
    if (st->rowid == 2)
        return NULL;
    return (const char *)sqlite3_column_text(st->st, col);
}

static bool sq_col_null(struct db_stmt *st, int col)
{
    if (st->rowid == 2)
        return col != 0;
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

static int64_t sq_changes(struct db_stmt *st)
{
    return sqlite3_changes64(((struct sq_db *)st->db)->h);
}

static void sq_finish(struct db_stmt *st)
{
    if (st->rowid == 2)
        st->rowid = 1;
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
    st->busy = 0;
}

/* BEGIN / COMMIT run on every request: through the statement cache, not re-parsed. */
static int sq_simple(struct db *db, const char *sql, struct error *err)
{
    struct db_stmt *st;
    int rc = sq_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = sq_step(st, err);
    sq_finish(st);
    return rc < 0 ? rc : 0;
}

static int sq_begin(struct db *db, bool write, struct error *err)
{
    static const char sql_write[] = "BEGIN IMMEDIATE", sql_read[] = "BEGIN";
    return sq_simple(db, write ? sql_write : sql_read, err);
}

static int sq_commit(struct db *db, struct error *err)
{
    static const char sql[] = "COMMIT";
    return sq_simple(db, sql, err);
}

static void sq_rollback(struct db *db)
{
    struct error e;
    sq_exec(db, "ROLLBACK", &e);
}

/* sqlite3 handle of a connection, for the online backup in store.c. */
void *db_sqlite__handle(struct db *db);
void *db_sqlite__handle(struct db *db)
{
    return db->drv == &db_sqlite_driver ? ((struct sq_db *)db)->h : NULL;
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_null = sq_col_null,
    .changes = sq_changes,
    .finish = sq_finish,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .id_type = "INTEGER PRIMARY KEY",
};
