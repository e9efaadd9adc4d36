/*
 * registry.c - the registry benchmark's data and its anchor.
 *
 *   registry gen DIR HOUSEHOLDS PERSONS   writes DIR/households.csv and
 *       DIR/persons.csv: the demo township's 7 villages, valid and unique ID
 *       numbers, one head per household, deterministic;
 *       and DIR/incomes.csv (two assessments a household, some under the line);
 *   registry screen DB DEFS               the 防返贫 screening pass over the whole
 *       registry (monitoring_screen), against a count(*) scan of the same
 *       tables in the same run;
 *   registry raw DB DIR                   the anchor: the same rows inserted
 *       into the same tables of DB (a migrated zhenwu database) with plain
 *       sqlite3 prepared statements in one transaction, no validation.
 *
 * bench/run.sh times `zhenwu import` (check, then commit, with every rule)
 * against `registry raw` on the same files in the same run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>

#include "calendar.h"
#include "domain/monitoring.h"
#include "domain/registry.h"
#include "idnum.h"
#include "store/store.h"

static const char *const VILLAGES[] = {"500236126001", "500236126002", "500236126201",
                                       "500236126202", "500236126203", "500236126204",
                                       "500236126205"};
static const char *const RELATIONS[] = {"户主", "配偶", "之子", "之女", "之父母"};

static void household_code(long h, char out[24])
{
    snprintf(out, 24, "%s%06ld", VILLAGES[h % 7], h / 7 + 1);
}

/* Person i: born on a day of 1940-2015 with a sequence unique per (day, i). */
static void id_number(long i, char out[19])
{
    int day = cal_ymd_add(19400101, (int)(i / 499 % 27000));
    char first17[18];
    snprintf(first17, sizeof(first17), "500236%08d%03ld", day, (i % 499) * 2 + 1);
    snprintf(out, 19, "%s%c", first17, idnum_check_char(first17));
}

static int gen(const char *dir, long nh, long np)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/households.csv", dir);
    FILE *h = fopen(path, "w");
    snprintf(path, sizeof(path), "%s/persons.csv", dir);
    FILE *p = fopen(path, "w");
    if (!h || !p)
        return 1;
    fprintf(h, "户编号,村（社区）代码,地址,户类别,建档立卡年度,脱贫年度\n");
    fprintf(p, "户编号,姓名,身份证号,与户主关系,劳动能力,健康状况,医保,大病保险,养老保险\n");
    char code[24], id[19];
    for (long i = 0; i < nh; i++) {
        household_code(i, code);
        bool poor = i % 4 == 0;
        fprintf(h, "%s,%.12s,%ld号,%s,%s,%s\n", code, code, i % 300 + 1,
                poor ? "脱贫户" : "一般农户", poor ? "2014" : "", poor ? "2018" : "");
    }
    /* Persons spread over the households in order: the first of each is its head. */
    for (long i = 0; i < np; i++) {
        long hh = i * nh / np, first = (hh * np + nh - 1) / nh;
        household_code(hh, code);
        id_number(i, id);
        fprintf(p, "%s,测试%ld,%s,%s,普通劳动力,健康,是,是,否\n", code, i, id,
                i == first ? "户主" : RELATIONS[1 + i % 4]);
    }
    snprintf(path, sizeof(path), "%s/incomes.csv", dir);
    FILE *in = fopen(path, "w");
    if (!in)
        return 1;
    fprintf(in,
            "户编号,评估日期,工资性收入（元）,经营净收入（元）,转移净收入（元）,刚性支出（元）\n");
    for (long i = 0; i < nh; i++) {
        household_code(i, code);
        /* every 10th household earns under the line; every 15th halves its income */
        long yuan = i % 10 == 0 ? 9000 : 30000 + i % 20000;
        fprintf(in, "%s,2025-12-31,%ld.00,%ld.50,1200,0\n", code, yuan, yuan / 5);
        long later = i % 15 == 0 ? yuan / 2 : yuan;
        fprintf(in, "%s,2026-06-30,%ld.00,%ld.50,1200,300.25\n", code, later, later / 5);
    }
    return fclose(h) | fclose(p) | fclose(in);
}

/* Rows of a CSV file without its header, split on commas (the generated files have no quotes). */
static int each_row(const char *path, int (*fn)(char **f, int n, void *ud), void *ud)
{
    FILE *in = fopen(path, "r");
    if (!in)
        return 1;
    char line[1024];
    int rc = 0;
    if (!fgets(line, sizeof(line), in))
        rc = 1;
    while (!rc && fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *f[16];
        int n = 0;
        for (char *s = line, *c; n < 16; s = c + 1) {
            f[n++] = s;
            if (!(c = strchr(s, ',')))
                break;
            *c = '\0';
        }
        rc = fn(f, n, ud);
    }
    fclose(in);
    return rc;
}

struct raw {
    sqlite3 *db;
    sqlite3_stmt *hh, *person;
    long village_id[7];
    char village_path[7][64];
};

static int raw_household(char **f, int n, void *ud)
{
    struct raw *r = ud;
    int v = 0;
    while (v < 6 && strcmp(VILLAGES[v], f[1]) != 0)
        v++;
    sqlite3_reset(r->hh);
    sqlite3_bind_text(r->hh, 1, f[0], -1, SQLITE_STATIC);
    sqlite3_bind_int64(r->hh, 2, r->village_id[v]);
    sqlite3_bind_text(r->hh, 3, r->village_path[v], -1, SQLITE_STATIC);
    sqlite3_bind_text(r->hh, 4, f[2], -1, SQLITE_STATIC);
    return sqlite3_step(r->hh) == SQLITE_DONE ? 0 : 1;
}

static int raw_person(char **f, int n, void *ud)
{
    struct raw *r = ud;
    sqlite3_reset(r->person);
    sqlite3_bind_text(r->person, 1, f[0], -1, SQLITE_STATIC);
    sqlite3_bind_text(r->person, 2, f[1], -1, SQLITE_STATIC);
    sqlite3_bind_text(r->person, 3, f[2], -1, SQLITE_STATIC);
    sqlite3_bind_text(r->person, 4, f[3], -1, SQLITE_STATIC);
    return sqlite3_step(r->person) == SQLITE_DONE ? 0 : 1;
}

static int raw(const char *dbpath, const char *dir)
{
    struct raw r = {0};
    char path[1024];
    if (sqlite3_open(dbpath, &r.db) != SQLITE_OK)
        return 1;
    sqlite3_stmt *st;
    for (int v = 0; v < 7; v++) {
        if (sqlite3_prepare_v2(r.db, "SELECT id, path FROM areas WHERE code = ?", -1, &st, NULL) !=
            SQLITE_OK)
            return 1;
        sqlite3_bind_text(st, 1, VILLAGES[v], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW)
            return 1;
        r.village_id[v] = sqlite3_column_int64(st, 0);
        snprintf(r.village_path[v], sizeof(r.village_path[v]), "%s", sqlite3_column_text(st, 1));
        sqlite3_finalize(st);
    }
    sqlite3_exec(r.db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    int rc = sqlite3_prepare_v2(r.db,
                                "INSERT INTO households (code, village_id, area_path, address, "
                                "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 0, 0)",
                                -1, &r.hh, NULL) ||
             sqlite3_prepare_v2(r.db,
                                "INSERT INTO persons (household_id, name, id_number, relation, "
                                "created_at, updated_at) VALUES ((SELECT id FROM households WHERE "
                                "code = ?1), ?2, ?3, ?4, 0, 0)",
                                -1, &r.person, NULL);
    snprintf(path, sizeof(path), "%s/households.csv", dir);
    rc = rc || each_row(path, raw_household, &r);
    snprintf(path, sizeof(path), "%s/persons.csv", dir);
    rc = rc || each_row(path, raw_person, &r);
    rc = rc || sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK;
    if (rc)
        fprintf(stderr, "registry raw: %s\n", sqlite3_errmsg(r.db));
    sqlite3_finalize(r.hh);
    sqlite3_finalize(r.person);
    sqlite3_close(r.db);
    return rc;
}

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

static int screen(const char *dbpath, const char *defs)
{
    struct error err = {0};
    struct store *s;
    struct registry_defs *d;
    store_global_init();
    if (store_open(dbpath, false, &s, &err) || registry_load(defs, &d, &err)) {
        fprintf(stderr, "registry screen: %s\n", err.message);
        return 1;
    }
    /* The anchor: a plain scan of the tables the screening reads. */
    sqlite3 *raw;
    double t0 = seconds();
    long long n = 0;
    if (sqlite3_open(dbpath, &raw) == SQLITE_OK) {
        static const char *const scans[] = {"SELECT count(*) FROM persons",
                                            "SELECT count(*) FROM households",
                                            "SELECT count(*), sum(per_person) FROM incomes",
                                            "SELECT count(*), sum(ok) FROM guarantee_checks"};
        for (int i = 0; i < 4; i++) {
            sqlite3_stmt *st;
            if (sqlite3_prepare_v2(raw, scans[i], -1, &st, NULL) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW)
                n += sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        sqlite3_close(raw);
    }
    double t1 = seconds();
    struct db *db = store_db(s, &err);
    struct arena a = {0};
    struct zctx z = {
        .db = db, .arena = &a, .who = &bench_principal, .ip = "bench", .now = (int64_t)time(NULL)};
    int64_t alerts = 0, households = 0;
    int rc = !db || store_begin(db, true, &err) ||
             monitoring_screen(&z, d, &alerts, &households, &err) || store_commit(db, &err);
    double t2 = seconds();
    if (rc) {
        fprintf(stderr, "registry screen: %s\n", err.message);
        return 1;
    }
    printf("  scan of persons, households, incomes, checks (%lld rows): %.2f s; screening: %.2f s "
           "(%lld households screened, %lld alerts)\n",
           n, t1 - t0, t2 - t1, (long long)households, (long long)alerts);
    printf("  screening/scan %.1f; screening %.2f s (target < 2 s on 2 cores) %s\n",
           (t2 - t1) / (t1 - t0), t2 - t1, t2 - t1 < 2 ? "ok" : "ABOVE TARGET");
    arena_release(&a);
    registry_free(d);
    store_close(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "screen") == 0)
        return screen(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], strtol(argv[3], NULL, 10), strtol(argv[4], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "raw") == 0)
        return raw(argv[2], argv[3]);
    fprintf(stderr, "usage: registry gen DIR HOUSEHOLDS PERSONS | raw DB DIR | screen DB DEFS\n");
    return 2;
}
