/*
 * indicators.c - every indicator of defs/indicators/ for the whole township
 * over one year: cold (empty cache) against a plain count(*) scan of the
 * tables they read, in the same run; then warm, from the cache.
 *
 *   indicators DB DEFS YEAR      (a SQLite database)
 * Targets: cold/scan <= 3, warm < 5 ms.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/indicator_cache.h"
#include "domain/indicators.h"
#include "store/store.h"

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const struct principal bench_principal = {
    .username = "(bench)",
    .scope_kind = SCOPE_ALL,
    .superuser = true,
};

/* Every indicator for path over p in one read transaction (a request); 0 or a code. */
static int all(struct store *s, const struct indicators *d, const char *path,
               const struct ind_period *p, struct error *err)
{
    struct arena a = {0};
    struct db *db = store_db(s, err);
    struct zctx z = {
        .db = db, .arena = &a, .who = &bench_principal, .ip = "bench", .now = (int64_t)time(NULL)};
    int rc = !db || store_begin(db, false, err);
    struct ind_value *v = arena_calloc(&a, d->n, sizeof(*v));
    if (!rc)
        rc = indicators_eval_many(&z, d, NULL, d->n, path, p, v, err);
    if (db)
        store_rollback(db);
    arena_release(&a);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: indicators DB DEFS YEAR\n");
        return 2;
    }
    struct error err = {0};
    struct store *s;
    struct arena da = {0};
    struct indicators d;
    struct ind_period p;
    store_global_init();
    if (store_open(argv[1], false, &s, &err) || indicators_load(argv[2], &da, &d, &err) ||
        indicators_period(argv[3], &p, &err)) {
        fprintf(stderr, "indicators: %s\n", err.message);
        return 1;
    }
    /* The anchor: a plain count(*) of every table an indicator reads. */
    static const char *const tables[] = {"cases",    "case_clocks", "persons",
                                         "households", "household_categories", "payments",
                                         "visits",   "assist_measures"};
    sqlite3 *raw;
    long long rows = 0;
    double t0 = seconds();
    if (sqlite3_open(argv[1], &raw) == SQLITE_OK) {
        for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
            char sql[128];
            sqlite3_stmt *st;
            snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
            if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW)
                rows += sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        sqlite3_close(raw);
    }
    double t1 = seconds();
    icache_clear();
    int rc = all(s, &d, "/", &p, &err);
    double t2 = seconds();
    rc = rc || all(s, &d, "/", &p, &err);
    double t3 = seconds();
    if (rc) {
        fprintf(stderr, "indicators: %s\n", err.message);
        return 1;
    }
    double scan = t1 - t0, cold = t2 - t1, warm = (t3 - t2) * 1000;
    printf("  count(*) of the %zu tables (%lld rows): %.3f s; %zu indicators cold: %.3f s; warm: "
           "%.2f ms\n",
           sizeof(tables) / sizeof(tables[0]), rows, scan, d.n, cold, warm);
    printf("  indicators cold/scan %.1f (target <= 3) %s\n", cold / scan,
           cold / scan <= 3 ? "ok" : "ABOVE TARGET");
    printf("  indicators warm %.2f ms (target < 5 ms) %s\n", warm, warm < 5 ? "ok" : "ABOVE TARGET");
    arena_release(&da);
    store_close(s);
    return 0;
}
