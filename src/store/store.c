/*
 * store.c - store lifecycle: per-thread connections, transactions, backup.
 *
 * Connections are opened lazily, one per calling thread, and kept in a list
 * so store_close() can close them all after the server's threads stopped.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "db.h"
#include "log.h"
#include "migrate.h"
#include "store.h"
#include "banned.h"

struct conn_node {
    struct conn_node *next;
    struct db *db;
    struct store *owner;
};

struct store {
    char *target;
    pthread_key_t key;
    pthread_mutex_t lock;
    struct conn_node *conns;
};

void *db_sqlite__handle(struct db *db);

bool store_is_pg(const char *target)
{
    return db_is_pg_url(target);
}

const char *store_target(const struct store *s)
{
    return s->target;
}

int store_open(const char *target, bool migrate, struct store **out, struct error *err)
{
    *out = NULL;
    struct store *s = calloc(1, sizeof(*s));
    if (!s)
        log_fatal("store: out of memory");
    s->target = strdup(target);
    if (!s->target)
        log_fatal("store: out of memory");
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_key_create(&s->key, NULL) != 0)
        log_fatal("store: pthread_key_create failed");
    struct db *db = store_db(s, err);
    if (!db) {
        store_close(s);
        return err->code;
    }
    if (migrate) {
        int applied;
        int rc = migrate_run(db, &applied, err);
        if (rc) {
            store_close(s);
            return rc;
        }
    }
    *out = s;
    return 0;
}

struct db *store_db(struct store *s, struct error *err)
{
    struct conn_node *n = pthread_getspecific(s->key);
    if (n)
        return n->db;
    struct db *db;
    if (db_open(s->target, &db, err))
        return NULL;
    n = calloc(1, sizeof(*n));
    if (!n)
        log_fatal("store: out of memory");
    n->db = db;
    n->owner = s;
    pthread_mutex_lock(&s->lock);
    n->next = s->conns;
    s->conns = n;
    pthread_mutex_unlock(&s->lock);
    pthread_setspecific(s->key, n);
    return db;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    struct conn_node *n = s->conns;
    while (n) {
        struct conn_node *next = n->next;
        db_close(n->db);
        free(n);
        n = next;
    }
    pthread_setspecific(s->key, NULL);
    pthread_key_delete(s->key);
    pthread_mutex_destroy(&s->lock);
    free(s->target);
    free(s);
}

int store_begin(struct db *db, bool write, struct error *err)
{
    db->counts_deferred = false; /* per transaction */
    db->counts_dirty = 0;
    return db_begin(db, write, err);
}

int store_commit(struct db *db, struct error *err)
{
    return db_commit(db, err);
}

void store_rollback(struct db *db)
{
    db_rollback(db);
}

uint32_t store_tx_written(struct db *db)
{
    return db->in_tx == 2 ? db->written : 0;
}

uint64_t store_tx_serial(struct db *db)
{
    return db->txs;
}

int store_data_versions(struct db *db, uint64_t v[STORE_NTRACKED], struct error *err)
{
    memset(v, 0, STORE_NTRACKED * sizeof(*v));
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT tbl, version FROM data_versions", &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW)
        for (int t = 0; t < STORE_NTRACKED; t++)
            if (strcmp(db_tracked[t], db_col_text(st, 0)) == 0)
                v[t] = (uint64_t)db_col_int(st, 1);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_schema_version(struct db *db, int *version, int *latest, struct error *err)
{
    *latest = zw_migration_count ? zw_migrations[zw_migration_count - 1].version : 0; /* sorted */
    return migrate_current(db, version, err);
}

bool store_in_tx(struct db *db)
{
    return db->in_tx != 0;
}

bool store_in_write_tx(struct db *db)
{
    return db->in_tx == 2;
}

void store_global_init(void)
{
    /* No allocation statistics: they take a global mutex on every malloc. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

int store_ping(struct db *db, struct error *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM schema_migrations";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_backup(const char *src, const char *dst, struct error *err)
{
    sqlite3 *in = NULL, *out = NULL;
    int rc = ZW_EDB;
    if (sqlite3_open_v2(src, &in, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        err_set(err, ZW_EDB, NULL, "无法打开数据库：%s", src);
        goto out_close;
    }
    sqlite3_busy_timeout(in, 10000);
    if (sqlite3_open_v2(dst, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        err_set(err, ZW_EIO, NULL, "无法创建备份文件：%s", dst);
        goto out_close;
    }
    /*
     * One step copying every page (-1) holds the source's read lock for the
     * whole copy, so the copy is one consistent snapshot even while the
     * server keeps writing: WAL readers never block writers.
     */
    sqlite3_backup *b = sqlite3_backup_init(out, "main", in, "main");
    if (!b) {
        err_set(err, ZW_EDB, NULL, "备份失败");
        err_detail(err, "backup_init: %s", sqlite3_errmsg(out));
        goto out_close;
    }
    int step;
    while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED)
        sqlite3_sleep(50);
    sqlite3_backup_finish(b);
    if (step != SQLITE_DONE) {
        err_set(err, ZW_EDB, NULL, "备份失败");
        err_detail(err, "backup_step: %s", sqlite3_errstr(step));
        goto out_close;
    }
    rc = 0;
out_close:
    sqlite3_close(out);
    sqlite3_close(in);
    return rc;
}
