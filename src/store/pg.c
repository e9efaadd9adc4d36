/*
 * pg.c - the PostgreSQL driver behind db.h (libpq).
 *
 * One connection per thread, like SQLite.  Statements are prepared once per
 * connection (named "zw<n>", cached by SQL text) and run with parameters in
 * text format, so "$1..$n" SQL is shared with SQLite unchanged.  Errors are
 * mapped by SQLSTATE: 23505 unique violation -> ZW_ECONFLICT, 40001
 * serialization failure and 40P01 deadlock -> ZW_ESERIAL (the API retries
 * the request), a lost connection is reset and, outside a transaction, the
 * statement is tried once more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "db.h"
#include "limits.h"
#include "log.h"
#include "banned.h"

#define PG_MAX_PARAMS 32

struct db_stmt {
    struct db *db;      /* must be first: see db.c */
    char *sql;          /* our copy of the text (cache key); NULL: free slot */
    uint64_t hash;      /* of sql */
    const char *origin; /* the caller's text at the last use (a fast path for literals) */
    uint64_t used;      /* tick of the last use, for eviction */
    char name[24];
    bool prepared;
    int nparams;
    char *vals[PG_MAX_PARAMS];
    char ints[PG_MAX_PARAMS][24];
    PGresult *res;
    int row, nrows;
    bool busy;
};

struct pg_db {
    struct db base; /* must be first */
    PGconn *c;
    struct db_stmt cache[ZW_STMT_CACHE_SIZE];
    int ncache;
    uint64_t tick;  /* statement uses, for eviction */
    uint64_t named; /* statements named so far: names are never reused */
};

static int pg_map(struct pg_db *d, PGresult *res, struct error *err, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(d->c);
    if (state && strcmp(state, "23505") == 0) {
        err_set(err, ZW_ECONFLICT, NULL, NULL);
        return err_detail(err, "pg: %s", msg);
    }
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)) {
        err_set(err, ZW_ESERIAL, NULL, NULL);
        return err_detail(err, "pg: %s", msg);
    }
    if (state && strcmp(state, "55P03") == 0) {
        err_set(err, ZW_EBUSY, NULL, NULL);
        return err_detail(err, "pg: %s", msg);
    }
    err_set(err, ZW_EDB, NULL, NULL);
    err_detail(err, "pg %s (%s): %s", what, state ? state : "-", msg);
    log_error("msg=\"postgresql error\" what=%s state=%s detail=\"%.200s\"", what,
              state ? state : "-", msg);
    return ZW_EDB;
}

/* Resets a broken connection; prepared statements are gone with it. */
static bool pg_revive(struct pg_db *d)
{
    if (PQstatus(d->c) == CONNECTION_OK)
        return false;
    log_warn("msg=\"postgresql connection lost, reconnecting\"");
    PQreset(d->c);
    for (int i = 0; i < d->ncache; i++)
        d->cache[i].prepared = false;
    d->base.in_tx = 0;
    return PQstatus(d->c) == CONNECTION_OK;
}

static void pg_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs (e.g. "relation exists, skipping") are not errors */
}

static int pg_open(const char *target, struct db **out, struct error *err)
{
    *out = NULL;
    struct pg_db *d = calloc(1, sizeof(*d));
    if (!d)
        log_fatal("pg: out of memory");
    d->base.drv = &db_pg_driver;
    d->c = PQconnectdb(target);
    if (PQstatus(d->c) != CONNECTION_OK) {
        err_set(err, ZW_EDB, NULL, "无法连接 PostgreSQL 数据库");
        err_detail(err, "pg connect: %s", PQerrorMessage(d->c));
        PQfinish(d->c);
        free(d);
        return ZW_EDB;
    }
    PQsetNoticeProcessor(d->c, pg_notice, NULL);
    PGresult *r = PQexec(d->c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        err_set(err, ZW_EDB, NULL, "无法设置 PostgreSQL 会话");
        PQfinish(d->c);
        free(d);
        return ZW_EDB;
    }
    *out = &d->base;
    return 0;
}

static void pg_close(struct db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    for (int i = 0; i < d->ncache; i++) {
        PQclear(d->cache[i].res);
        for (int k = 0; k < PG_MAX_PARAMS; k++)
            if (d->cache[i].vals[k] != d->cache[i].ints[k])
                free(d->cache[i].vals[k]);
        free(d->cache[i].sql);
    }
    PQfinish(d->c);
    free(d);
}

/* The highest $n in sql (outside quotes). */
static int count_params(const char *sql)
{
    int max = 0;
    bool quoted = false;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        else if (!quoted && *p == '$' && p[1] >= '1' && p[1] <= '9') {
            int n = (int)strtol(p + 1, NULL, 10);
            if (n > max)
                max = n;
        }
    }
    return max;
}

static int pg_prepare(struct db *db, const char *sql, struct db_stmt **out, struct error *err)
{
    struct pg_db *d = (struct pg_db *)db;
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
            log_fatal("pg: statement used twice at once: %s", sql);
        k->busy = true;
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
                log_fatal("pg: statement used twice at once: %s", sql);
            k->busy = true;
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
        log_fatal("pg: all %d cached statements in use", ZW_STMT_CACHE_SIZE);
    if (c->sql && c->prepared) {
        /* The evicted statement goes on the server too (best effort: names are never reused). */
        char dealloc[48];
        snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", c->name);
        PQclear(PQexec(d->c, dealloc));
    }
    PQclear(c->res);
    for (int p = 0; p < PG_MAX_PARAMS; p++)
        if (c->vals[p] != c->ints[p])
            free(c->vals[p]);
    free(c->sql);
    memset(c, 0, sizeof(*c));
    c->db = db;
    c->sql = strdup(sql);
    if (!c->sql)
        log_fatal("pg: out of memory");
    c->hash = hash;
    c->origin = sql;
    c->used = ++d->tick;
    c->nparams = count_params(sql);
    if (c->nparams > PG_MAX_PARAMS)
        log_fatal("pg: more than %d parameters: %s", PG_MAX_PARAMS, sql);
    snprintf(c->name, sizeof(c->name), "zw%llu", (unsigned long long)++d->named);
    c->busy = true;
    *out = c;
    (void)err;
    return 0; /* prepared on first execution, so a reset connection re-prepares */
}

static void pg_clear_val(struct db_stmt *st, int i)
{
    if (st->vals[i] && st->vals[i] != st->ints[i])
        free(st->vals[i]);
    st->vals[i] = NULL;
}

static int pg_bind_int(struct db_stmt *st, int n, int64_t v)
{
    if (n < 1 || n > st->nparams)
        log_fatal("pg: no placeholder $%d in: %s", n, st->sql);
    pg_clear_val(st, n - 1);
    snprintf(st->ints[n - 1], sizeof(st->ints[0]), "%lld", (long long)v);
    st->vals[n - 1] = st->ints[n - 1];
    return 0;
}

static int pg_bind_text(struct db_stmt *st, int n, const char *s)
{
    if (n < 1 || n > st->nparams)
        log_fatal("pg: no placeholder $%d in: %s", n, st->sql);
    pg_clear_val(st, n - 1);
    if (s) {
        st->vals[n - 1] = strdup(s);
        if (!st->vals[n - 1])
            log_fatal("pg: out of memory");
    }
    return 0;
}

static PGresult *pg_run(struct pg_db *d, struct db_stmt *st)
{
    if (!st->prepared) {
        PGresult *p = PQprepare(d->c, st->name, st->sql, st->nparams, NULL);
        ExecStatusType s = PQresultStatus(p);
        if (s != PGRES_COMMAND_OK)
            return p;
        PQclear(p);
        st->prepared = true;
    }
    return PQexecPrepared(d->c, st->name, st->nparams, (const char *const *)st->vals, NULL, NULL,
                          0);
}

static int pg_step(struct db_stmt *st, struct error *err)
{
    struct pg_db *d = (struct pg_db *)st->db;
    if (!st->res) {
        bool in_tx = d->base.in_tx != 0;
        PGresult *r = pg_run(d, st);
        ExecStatusType s = PQresultStatus(r);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && pg_revive(d) && !in_tx) {
            PQclear(r);
            r = pg_run(d, st);
            s = PQresultStatus(r);
        }
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            int rc = pg_map(d, r, err, "step");
            PQclear(r);
            return rc;
        }
        st->res = r;
        st->row = -1;
        st->nrows = PQntuples(r);
    }
    if (st->row + 1 < st->nrows) {
        st->row++;
        return DB_ROW;
    }
    return DB_DONE;
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
    if (!st->res || st->row < 0 || PQgetisnull(st->res, st->row, col))
        return 0;
    return strtoll(PQgetvalue(st->res, st->row, col), NULL, 10);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
    if (!st->res || st->row < 0 || PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static bool pg_col_null(struct db_stmt *st, int col)
{
    return !st->res || st->row < 0 || PQgetisnull(st->res, st->row, col);
}

static int64_t pg_changes(struct db_stmt *st)
{
    return st->res ? strtoll(PQcmdTuples(st->res), NULL, 10) : 0;
}

static void pg_finish(struct db_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    for (int i = 0; i < st->nparams; i++)
        pg_clear_val(st, i);
    st->busy = false;
}

static int pg_exec(struct db *db, const char *sql, struct error *err)
{
    struct pg_db *d = (struct pg_db *)db;
    bool in_tx = d->base.in_tx != 0;
    PGresult *r = PQexec(d->c, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && pg_revive(d) && !in_tx) {
        PQclear(r);
        r = PQexec(d->c, sql);
        s = PQresultStatus(r);
    }
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        rc = pg_map(d, r, err, "exec");
    PQclear(r);
    return rc;
}

static int pg_begin(struct db *db, bool write, struct error *err)
{
    (void)write; /* READ COMMITTED; writers serialise on the rows they lock */
    return pg_exec(db, "BEGIN", err);
}

static int pg_commit(struct db *db, struct error *err)
{
    struct pg_db *d = (struct pg_db *)db;
    PGresult *r = PQexec(d->c, "COMMIT");
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = pg_map(d, r, err, "commit");
    else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
        rc = err_set(err, ZW_ESERIAL, NULL, NULL); /* the transaction had failed */
    PQclear(r);
    return rc;
}

static void pg_rollback(struct db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    PGresult *r = PQexec(d->c, "ROLLBACK");
    PQclear(r);
    pg_revive(d);
}

const struct db_driver db_pg_driver = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_null = pg_col_null,
    .changes = pg_changes,
    .finish = pg_finish,
    .exec = pg_exec,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
};
