/*
 * test_screening.c - the 防返贫 rules: the screening pass of the registry
 * (store_monitor_screen, on a fresh SQLite database) and the risk-elimination
 * criteria (monitoring_elim_eval) at their boundaries: income equal to the
 * line, exactly six months.  Run from the repository root (defs/registry.json).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases.h"
#include "domain/monitoring.h"
#include "store/db.h"
#include "banned.h"

static struct registry_defs *defs;

/* ---- months back ----------------------------------------------------------- */

static const struct {
    const char *id;
    int ymd, months, want;
} back_cases[] = {
    {"screen-1.1 plain", 20261123, 6, 20260523},
    {"screen-1.2 across the year", 20260115, 6, 20250715},
    {"screen-1.3 clamped to February", 20260831, 6, 20260228},
    {"screen-1.4 leap February", 20240831, 6, 20240229},
    {"screen-1.5 month end kept", 20261231, 6, 20260630},
    {"screen-1.6 twelve months", 20260315, 12, 20250315},
};

static void test_months_back(void **state)
{
    const __typeof__(back_cases[0]) *c = *state;
    assert_int_equal(monitoring_months_back(c->ymd, c->months), c->want);
}

/* ---- elimination criteria ------------------------------------------------- */

/* Today 2026-11-23: six months back is 2026-05-23.  The line for 50 / 2026 is 6000 yuan. */
#define TODAY 20261123

static const struct {
    const char *id;
    struct elim_income incomes[3];
    size_t nincomes;
    const char *since;
    const char *labour[2];
    size_t nmembers;
    int64_t done;
    bool want[ELIM_NCRITERIA]; /* income, measure, monitored, labour */
} elim_cases[] = {
    {"screen-2.1 all met at the boundaries: income equal to the line exactly six months ago",
     {{"2026-05-23", 2026, 600000}},
     1,
     "2026-05-23",
     {"normal"},
     1,
     1,
     {true, true, true, true}},
    {"screen-2.2 a day short of six months",
     {{"2026-05-24", 2026, 900000}},
     1,
     "2026-05-24",
     {"normal"},
     1,
     1,
     {false, true, false, true}},
    {"screen-2.3 a fen under the line",
     {{"2026-05-01", 2026, 599999}},
     1,
     "2026-01-01",
     {"weak"},
     1,
     1,
     {false, true, true, true}},
    {"screen-2.4 a later record under the line breaks it, a newer one above does not mend it",
     {{"2026-01-01", 2026, 800000}, {"2026-08-01", 2026, 500000}, {"2026-10-01", 2026, 900000}},
     3,
     "2025-01-01",
     {"normal"},
     1,
     2,
     {false, true, true, true}},
    {"screen-2.5 an old low record before the current one does not count",
     {{"2025-01-01", 2025, 100000}, {"2026-03-01", 2026, 700000}},
     2,
     "2025-01-01",
     {"skilled"},
     1,
     1,
     {true, true, true, true}},
    {"screen-2.6 no labour capacity, no measure done",
     {{"2026-03-01", 2026, 700000}},
     1,
     "2025-01-01",
     {"none", "lost"},
     2,
     0,
     {true, false, true, false}},
    {"screen-2.7 unknown labour does not count as able",
     {{"2026-03-01", 2026, 700000}},
     1,
     "2025-01-01",
     {NULL, "lost"},
     2,
     1,
     {true, true, true, false}},
};

static void test_elim(void **state)
{
    const __typeof__(elim_cases[0]) *c = *state;
    struct elim_facts f = {
        .province = "50",
        .monitor_status = "monitored",
        .monitor_since = c->since,
        .incomes = c->incomes,
        .nincomes = c->nincomes,
        .labour = c->labour,
        .nmembers = c->nmembers,
        .measures_done = c->done,
    };
    struct elim_criterion out[ELIM_NCRITERIA];
    int failed = monitoring_elim_eval(defs, &f, TODAY, out);
    int want_failed = 0;
    for (int i = 0; i < ELIM_NCRITERIA; i++) {
        if (out[i].ok != c->want[i])
            fail_msg("%s: criterion %s is %d, want %d (%s)", c->id, out[i].code, out[i].ok,
                     c->want[i], out[i].detail);
        want_failed += !c->want[i];
        assert_true(strlen(out[i].detail) > 0);
    }
    assert_int_equal(failed, want_failed);
}

static void test_elim_not_monitored(void **state)
{
    struct elim_income inc = {"2025-01-01", 2025, 900000};
    const char *lab = "normal";
    struct elim_facts f = {.province = "50",
                           .monitor_status = "none",
                           .incomes = &inc,
                           .nincomes = 1,
                           .labour = &lab,
                           .nmembers = 1,
                           .measures_done = 1};
    struct elim_criterion out[ELIM_NCRITERIA];
    assert_int_equal(monitoring_elim_eval(defs, &f, TODAY, out), 1);
    assert_false(out[ELIM_MONITORED].ok);
    assert_string_equal(out[ELIM_MONITORED].detail, "该户不是监测对象");
}

/* ---- the screening pass, on a database ------------------------------------ */

static char dbpath[64];
static struct store *store;
static struct db *db;

static void exec(const char *sql)
{
    struct error err;
    if (db_exec(db, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

static int64_t count(const char *where)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM monitor_alerts WHERE %s", where);
    struct db_stmt *st;
    struct error err;
    int64_t n = -1;
    if (db_prepare(db, sql, &st, &err) == 0) {
        if (db_step(st, &err) == DB_ROW)
            n = db_col_int(st, 0);
        db_finish(st);
    }
    return n;
}

static int db_setup(void **state)
{
    snprintf(dbpath, sizeof(dbpath), "/tmp/zw-screen-%d.db", (int)getpid());
    unlink(dbpath);
    struct error err;
    if (store_open(dbpath, true, &store, &err) || !(db = store_db(store, &err))) {
        fprintf(stderr, "store: %s\n", err.message);
        return -1;
    }
    exec("INSERT INTO areas (id, parent_id, code, name, level, path, code_year, version, "
         "created_at, updated_at) VALUES (1, NULL, '500236126000', '羊市镇', 'township', '/1/', "
         "2023, 1, 0, 0), (2, 1, '500236126205', '灯塔村', 'village', '/1/2/', 2023, 1, 0, 0), "
         "(3, 1, '430100000001', '长沙某村', 'village', '/1/3/', 2023, 1, 0, 0)");
    /* households 1..9 in 灯塔村 (Chongqing: the national line 6000), 10 in Hunan (7500 in 2026) */
    for (int i = 1; i <= 10; i++) {
        char sql[400];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO households (id, code, village_id, area_path, monitor_status, "
                 "created_at, updated_at) VALUES (%d, 'H%d', %d, '%s', '%s', 0, 0)",
                 i, i, i == 10 ? 3 : 2, i == 10 ? "/1/3/" : "/1/2/", i == 9 ? "monitored" : "none");
        exec(sql);
    }
    exec("INSERT INTO incomes (household_id, year, assessed_on, members, net, per_person, "
         "created_at) VALUES "
         "(1, 2026, '2026-03-01', 1, 599999, 599999, 0),"   /* under the line */
         "(2, 2026, '2026-03-01', 1, 600000, 600000, 0),"   /* equal: not under */
         "(3, 2025, '2025-03-01', 1, 1000000, 1000000, 0)," /* drop of exactly 30 % */
         "(3, 2026, '2026-03-01', 1, 700000, 700000, 0),"
         "(4, 2025, '2025-03-01', 1, 1000000, 1000000, 0)," /* 29.9999 %: no alert */
         "(4, 2026, '2026-03-01', 1, 700001, 700001, 0),"
         "(5, 2025, '2025-03-01', 1, 100000, 100000, 0)," /* old low, new fine */
         "(5, 2026, '2026-03-01', 1, 800000, 800000, 0),"
         "(9, 2026, '2026-03-01', 1, 100000, 100000, 0),"   /* monitored: skipped */
         "(10, 2026, '2026-03-01', 1, 700000, 700000, 0)"); /* Hunan 2026: under 7500 */
    exec("INSERT INTO guarantee_checks (household_id, kind, ok, rating, checked_on, "
         "checker_name, created_at) VALUES "
         "(6, 'housing', 0, 'C', '2026-03-01', 'x', 0),"
         "(7, 'water', 0, NULL, '2025-03-01', 'x', 0)," /* failed, then fixed */
         "(7, 'water', 1, NULL, '2026-03-01', 'x', 0),"
         "(8, 'education', 1, NULL, '2025-03-01', 'x', 0)," /* passed, then failed */
         "(8, 'education', 0, NULL, '2026-03-01', 'x', 0)");
    return 0;
}

static int db_teardown(void **state)
{
    store_close(store);
    unlink(dbpath);
    char wal[80];
    snprintf(wal, sizeof(wal), "%s-wal", dbpath);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", dbpath);
    unlink(wal);
    return 0;
}

static void test_screen(void **state)
{
    struct scope sc = {.kind = SCOPE_ALL, .path = "/"};
    struct screen_line lines[] = {
        {"50", 2025, 600000}, {"50", 2026, 600000}, {"43", 2025, 750000}, {"43", 2026, 750000}};
    struct error err;
    int64_t alerts = 0, households = 0;
    if (db_begin(db, true, &err) ||
        store_monitor_screen(db, &sc, lines, 4, 30, 1000, 0, &alerts, &households, &err) ||
        db_commit(db, &err))
        fail_msg("screen: %s", err.message);
    assert_int_equal(alerts, 5);
    assert_int_equal(households, 5);
    assert_int_equal(count("household_id = 1 AND rule = 'income_below_line'"), 1);
    assert_int_equal(count("household_id = 1 AND amount_fen = 599999 AND ref_fen = 600000"), 1);
    assert_int_equal(count("household_id = 2"), 0);
    assert_int_equal(count("household_id = 3 AND rule = 'income_drop' AND ref_fen = 1000000"), 1);
    assert_int_equal(count("household_id = 4"), 0);
    assert_int_equal(count("household_id = 5"), 0);
    assert_int_equal(count("household_id = 6 AND rule = 'guarantee_housing'"), 1);
    assert_int_equal(count("household_id = 7"), 0);
    assert_int_equal(count("household_id = 8 AND rule = 'guarantee_education'"), 1);
    assert_int_equal(count("household_id = 9"), 0);
    assert_int_equal(count("household_id = 10 AND ref_fen = 750000"), 1);

    /* again: nothing new while the alerts are open */
    if (db_begin(db, true, &err) ||
        store_monitor_screen(db, &sc, lines, 4, 30, 2000, 0, &alerts, &households, &err) ||
        db_commit(db, &err))
        fail_msg("screen again: %s", err.message);
    assert_int_equal(alerts, 0);
    assert_int_equal(count("status = 'open'"), 5);

    /* a dismissed alert does not hold the next screening back */
    exec("UPDATE monitor_alerts SET status = 'dismissed' WHERE household_id = 1");
    if (db_begin(db, true, &err) ||
        store_monitor_screen(db, &sc, lines, 4, 30, 3000, 0, &alerts, &households, &err) ||
        db_commit(db, &err))
        fail_msg("screen after dismissal: %s", err.message);
    assert_int_equal(alerts, 1);
    assert_int_equal(count("household_id = 1"), 2);

    /* scope: a village cadre of 长沙某村 screens only there */
    struct scope v3 = {.kind = SCOPE_SUBTREE, .path = "/1/3/", .area_id = 3};
    exec("UPDATE monitor_alerts SET status = 'dismissed'");
    if (db_begin(db, true, &err) ||
        store_monitor_screen(db, &v3, lines, 4, 30, 4000, 0, &alerts, &households, &err) ||
        db_commit(db, &err))
        fail_msg("screen in scope: %s", err.message);
    assert_int_equal(alerts, 1);
    assert_int_equal(count("created_at = 4000 AND household_id = 10"), 1);
}

/* ---- the demo --------------------------------------------------------------- */

static void test_demo(void **state)
{
    /* the areas of db_setup: 羊市镇 (1) without a county, 灯塔村 (2) */
    exec("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 400) "
         "INSERT INTO households (id, code, village_id, area_path, created_at, updated_at) "
         "SELECT 1000 + i, 'D' || i, 2, '/1/2/', 0, 0 FROM k");
    exec("INSERT INTO household_categories (household_id, category) SELECT id, 'tuopin' FROM "
         "households WHERE id > 1000 AND id <= 1350");
    exec("INSERT INTO household_categories (household_id, category) SELECT id, 'jiance' FROM "
         "households WHERE id > 1340 AND id <= 1360"); /* ten hold both */
    struct arena a = {0};
    struct principal who = {
        .superuser = true, .username = "cli", .name = "命令行", .scope_kind = SCOPE_ALL};
    struct zctx z = {.db = db, .arena = &a, .who = &who, .now = 1795000000};
    struct demo_monitoring_counts c;
    struct error err;
    if (db_begin(db, true, &err) || demo_monitoring(&z, defs, 1, 0, 7, &c, &err) ||
        db_commit(db, &err))
        fail_msg("demo: %s", err.message);
    assert_int_equal(c.cadres, 173);
    assert_int_equal(c.pairs, 360);
    assert_int_equal(c.monitored, 6);
    assert_int_equal(c.measures, 12);
    assert_int_equal(c.alerts, 3);
    struct db_stmt *st;
    static const struct {
        const char *q;
        int64_t want;
    } checks[] = {
        {"SELECT count(*) FROM assist_cadres", 173},
        {"SELECT count(DISTINCT household_id) FROM household_pairs WHERE until_on IS NULL", 360},
        {"SELECT max(n) - min(n) FROM (SELECT count(*) AS n FROM household_pairs GROUP BY "
         "cadre_id) t",
         1},
        {"SELECT count(*) FROM households WHERE monitor_status = 'monitored' AND id > 1000", 6},
        {"SELECT count(*) FROM assist_measures WHERE status = 'done'", 6},
        {"SELECT count(*) FROM monitor_alerts WHERE status = 'open' AND source = 'department'", 3},
    };
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        int64_t got = -1;
        if (db_prepare(db, checks[i].q, &st, &err) == 0) {
            if (db_step(st, &err) == DB_ROW)
                got = db_col_int(st, 0);
            db_finish(st);
        }
        if (got != checks[i].want)
            fail_msg("%s: %lld, want %lld", checks[i].q, (long long)got, (long long)checks[i].want);
    }
    arena_release(&a);
}

int main(void)
{
    struct error err;
    if (registry_load("defs", &defs, &err)) {
        fprintf(stderr, "cannot load defs/registry.json (cwd must be the repo root): %s\n",
                err.message);
        return 1;
    }
    static const struct plain_case plain[] = {
        {"screen-2.8 a household that is not monitored", test_elim_not_monitored},
    };
    struct CMUnitTest tests[N_CASES(back_cases) + N_CASES(elim_cases) + N_CASES(plain)];
    size_t n = CASES_ADD(tests, 0, test_months_back, back_cases);
    n = CASES_ADD(tests, n, test_elim, elim_cases);
    n = PLAIN_ADD(tests, n, plain);
    if (n != N_CASES(tests))
        return 2;
    int rc = cmocka_run_group_tests_name("screening", tests, NULL, NULL);
    const struct CMUnitTest db_tests[] = {
        {"screen-3.1 the screening pass over a database", test_screen, db_setup, db_teardown, NULL},
        {"screen-4.1 the demo: 173 cadres paired in turn, monitored households, plans, alerts",
         test_demo, db_setup, db_teardown, NULL},
    };
    rc |= cmocka_run_group_tests_name("screening-db", db_tests, NULL, NULL);
    registry_free(defs);
    return rc;
}
