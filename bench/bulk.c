/*
 * bulk.c - inserts N area-scoped rows (search documents) through the store
 * layer, and the same rows through the engine's own client library with the
 * same statement and batches, and prints store/raw.  Target: >= 0.5.
 *
 *   bulk TARGET ROWS   (TARGET: a SQLite path or a postgresql:// URL of an
 *                       empty database; the rows are written twice)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/store.h"

#define BATCH 1000

static const char SQL[] = "INSERT INTO search_docs (entity, entity_id, area_path, title, body) "
                          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (entity, entity_id) DO UPDATE "
                          "SET area_path = excluded.area_path, title = excluded.title, body = "
                          "excluded.body";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void row(int64_t i, char *path, size_t pcap, char *title, size_t tcap)
{
    snprintf(path, pcap, "/1/2/%" PRId64 "/%" PRId64 "/", 3 + i % 7, 100 + i % 46);
    snprintf(title, tcap, "灯塔村第%" PRId64 "户", i);
}

static int via_store(const char *target, int64_t n)
{
    struct error err = {0};
    struct store *s;
    if (store_open(target, true, &s, &err)) {
        fprintf(stderr, "bulk: %s (%s)\n", err.message, err.detail);
        return -1;
    }
    struct db *db = store_db(s, &err);
    char path[64], title[64];
    for (int64_t i = 0; i < n; i++) {
        if (i % BATCH == 0 && store_begin(db, true, &err))
            goto fail;
        row(i, path, sizeof(path), title, sizeof(title));
        if (store_search_put(db, "bench", i + 1, path, title, "", &err))
            goto fail;
        if ((i + 1) % BATCH == 0 || i + 1 == n)
            if (store_commit(db, &err))
                goto fail;
    }
    store_close(s);
    return 0;
fail:
    fprintf(stderr, "bulk: %s (%s)\n", err.message, err.detail);
    store_close(s);
    return -1;
}

static int raw_sqlite(const char *path_db, int64_t n)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    if (sqlite3_open(path_db, &h) != SQLITE_OK)
        return -1;
    sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(h, SQL, -1, &st, NULL) != SQLITE_OK)
        return -1;
    char path[64], title[64];
    for (int64_t i = 0; i < n; i++) {
        if (i % BATCH == 0)
            sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        row(i, path, sizeof(path), title, sizeof(title));
        sqlite3_bind_text(st, 1, "raw", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, i + 1);
        sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, "", -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            return -1;
        sqlite3_reset(st);
        if ((i + 1) % BATCH == 0 || i + 1 == n)
            sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return 0;
}

static int raw_pg(const char *url, int64_t n)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        return -1;
    PQclear(PQprepare(c, "ins", SQL, 5, NULL));
    char path[64], title[64], id[32];
    for (int64_t i = 0; i < n; i++) {
        if (i % BATCH == 0)
            PQclear(PQexec(c, "BEGIN"));
        row(i, path, sizeof(path), title, sizeof(title));
        snprintf(id, sizeof(id), "%" PRId64, i + 1);
        const char *vals[5] = {"raw", id, path, title, ""};
        PGresult *r = PQexecPrepared(c, "ins", 5, vals, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "bulk raw: %s", PQerrorMessage(c));
            PQclear(r);
            return -1;
        }
        PQclear(r);
        if ((i + 1) % BATCH == 0 || i + 1 == n)
            PQclear(PQexec(c, "COMMIT"));
    }
    PQfinish(c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bulk TARGET ROWS\n");
        return 2;
    }
    const char *target = argv[1];
    int64_t n = strtoll(argv[2], NULL, 10);
    bool pg = store_is_pg(target);
    /* Schema first (the store run migrates), then raw, then store: same table, other keys. */
    struct error err = {0};
    struct store *s;
    if (store_open(target, true, &s, &err)) {
        fprintf(stderr, "bulk: %s\n", err.message);
        return 1;
    }
    store_close(s);
    double t0 = now_s();
    if ((pg ? raw_pg(target, n) : raw_sqlite(target, n)) != 0) {
        fprintf(stderr, "bulk: raw insert failed\n");
        return 1;
    }
    double t1 = now_s();
    if (via_store(target, n) != 0)
        return 1;
    double t2 = now_s();
    double raw = (double)n / (t1 - t0), st = (double)n / (t2 - t1);
    printf("  %-10s raw %9.0f rows/s, store %9.0f rows/s, store/raw %.2f (target >= 0.50) %s\n",
           pg ? "postgresql" : "sqlite", raw, st, st / raw, st / raw >= 0.5 ? "ok" : "BELOW TARGET");
    return 0;
}
