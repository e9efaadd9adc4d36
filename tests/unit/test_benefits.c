/*
 * test_benefits.c - the 低保 computation (standard minus per-person income,
 * zero floor, rounding to the fen, persons covered), the standard's lookup
 * by area and year, periods, the programmes file's checks (domain/benefits.c)
 * and the demo's 2018 totals over a fixture of households in a SQLite
 * database (domain/demo_benefits.c, store/store_benefit.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases.h"
#include "domain/benefits.h"
#include "store/db.h"
#include "store/store_benefit.h"
#include "banned.h"

#ifndef DEFS_DIR
#define DEFS_DIR "defs"
#endif

struct amount_case {
    const char *id;
    int64_t standard;
    bool has_income;
    int64_t yearly; /* per person, fen */
    int persons;
    int64_t want;
};

static const struct amount_case amount_cases[] = {
    {"benefits-1.1 no income record: the whole standard per person", 60000, false, 0, 3, 180000},
    {"benefits-1.2 income 2400 yuan a year is 200 a month", 60000, true, 240000, 2, 80000},
    {"benefits-1.3 income at the standard: zero", 60000, true, 720000, 4, 0},
    {"benefits-1.4 income above the standard: zero, never negative", 60000, true, 900000, 4, 0},
    {"benefits-1.5 yearly 100 fen: 8.33 rounds to 8 fen a month", 60000, true, 100, 1, 59992},
    {"benefits-1.6 yearly 102 fen: 8.5 rounds half up to 9 fen", 60000, true, 102, 1, 59991},
    {"benefits-1.7 yearly 101 fen: 8.42 rounds to 8 fen", 60000, true, 101, 1, 59992},
    {"benefits-1.8 negative income (expenses above income) counts as zero", 60000, true, -50000, 2,
     120000},
    {"benefits-1.9 zero persons covered: nothing", 60000, false, 0, 0, 0},
    {"benefits-1.10 one person of a large household", 50000, true, 120000, 1, 40000},
    {"benefits-1.11 the difference times persons: 5 persons", 45000, true, 360006, 5, 74995},
};

static void test_amount(void **state)
{
    const struct amount_case *c = *state;
    assert_int_equal(benefits_dibao_amount(c->standard, c->has_income, c->yearly, c->persons),
                     c->want);
}

struct period_case {
    const char *id, *s;
    bool ok;
};

static const struct period_case period_cases[] = {
    {"benefits-2.1 month", "2026-11", true},     {"benefits-2.2 year", "2026", true},
    {"benefits-2.3 month 13", "2026-13", false}, {"benefits-2.4 month 00", "2026-00", false},
    {"benefits-2.5 no dash", "202611", false},   {"benefits-2.6 a date", "2026-11-01", false},
    {"benefits-2.7 empty", "", false},           {"benefits-2.8 letters", "20a6-11", false},
    {"benefits-2.9 year 1999", "1999", false},   {"benefits-2.10 one digit month", "2026-1", false},
};

static void test_period(void **state)
{
    const struct period_case *c = *state;
    assert_int_equal(benefits_period_ok(c->s), c->ok);
}

/* Standards: national 2018 and 2024, Chongqing 2024, 奉节 2025. */
static void test_standard(void **state)
{
    (void)state;
    struct dibao_standard std[] = {
        {"*", 2018, 40000, NULL},
        {"*", 2024, 60000, NULL},
        {"50", 2024, 62000, NULL},
        {"500236", 2025, 65000, NULL},
    };
    struct programmes p = {.std = std, .nstd = 4};
    assert_int_equal(benefits_dibao_standard(&p, "500236126205", 2017), 0);
    assert_int_equal(benefits_dibao_standard(&p, "500236126205", 2018), 40000);
    assert_int_equal(benefits_dibao_standard(&p, "500236126205", 2023), 40000);
    assert_int_equal(benefits_dibao_standard(&p, "500236126205", 2024), 62000);
    assert_int_equal(benefits_dibao_standard(&p, "500236126205", 2026), 65000);
    assert_int_equal(benefits_dibao_standard(&p, "510000000000", 2026), 60000);
    assert_int_equal(benefits_dibao_standard(&p, NULL, 2026), 60000);
}

/* The shipped programmes file loads; a broken one is refused with a Chinese message. */
static void test_load(void **state)
{
    (void)state;
    struct arena a = {0};
    struct programmes p;
    struct error err = {0};
    assert_int_equal(benefits_load(DEFS_DIR, NULL, &a, &p, &err), 0);
    assert_int_equal(p.n, 11);
    const struct programme *d = benefits_programme(&p, "dibao");
    assert_non_null(d);
    assert_string_equal(d->case_type, "dibao");
    assert_string_equal(d->run, "dibao");
    assert_null(benefits_programme(&p, "nope"));
    for (size_t i = 0; i < p.n; i++)
        if (!p.v[i].case_type)
            fail_msg("benefits-4.1 %s has no application procedure (caseType)", p.v[i].code);
    assert_true(p.nstd >= 1);
    for (size_t i = 0; i < p.nstd; i++)
        assert_non_null(strstr(p.std[i].note, "示例标准"));
    arena_release(&a);

    static const char *const bad[][2] = {
        {"{\"programmes\": [{\"code\": \"x\", \"name\": \"甲\", \"fundSource\": \"乙\", "
         "\"unit\": \"family\", \"periodicity\": \"once\"}]}",
         "unit"},
        {"{\"programmes\": [{\"code\": \"x\", \"name\": \"甲\", \"fundSource\": \"乙\", "
         "\"unit\": \"person\", \"periodicity\": \"once\", \"colour\": 1}]}",
         "不认识的键"},
        {"{\"programmes\": [{\"code\": \"x\", \"name\": \"甲\", \"fundSource\": \"乙\", "
         "\"unit\": \"person\", \"periodicity\": \"once\", \"run\": \"dibao\"}]}",
         "monthly"},
        {"{\"programmes\": [{\"code\": \"x\", \"name\": \"甲\", \"fundSource\": \"乙\", "
         "\"unit\": \"person\", \"periodicity\": \"once\"}], \"dibaoStandards\": [{\"area\": "
         "\"5\", \"year\": 2018, \"fenPerMonth\": 1}]}",
         "area"},
        {"{\"programmes\": [{\"code\": \"x\", \"name\": \"甲\", \"fundSource\": \"乙\", "
         "\"unit\": \"person\", \"periodicity\": \"once\"}, {\"code\": \"x\", \"name\": \"丙\", "
         "\"fundSource\": \"乙\", \"unit\": \"person\", \"periodicity\": \"once\"}]}",
         "重复"},
        {"{\"programmes\": []}", "1 至"},
    };
    char dir[] = "/tmp/zwbenXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/programmes.json", dir);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(bad[i][0], f);
        fclose(f);
        struct arena b = {0};
        memset(&err, 0, sizeof(err));
        assert_int_not_equal(benefits_load(dir, NULL, &b, &p, &err), 0);
        if (!strstr(err.message, bad[i][1]))
            fail_msg("bad[%zu]: %s", i, err.message);
        arena_release(&b);
    }
    unlink(path);
    rmdir(dir);
}

/*
 * With the shipped case types: every programme's caseType exists; the hook's
 * programme of a case is the category's on the shared type, the type's own
 * otherwise; two programmes on one type without such categories are refused.
 */
static void test_shared_type(void **state)
{
    (void)state;
    struct arena a = {0};
    struct case_types types;
    struct programmes p;
    struct error err = {0};
    if (casedef_load_dir(DEFS_DIR "/case_types", &a, &types, &err) ||
        benefits_load(DEFS_DIR, &types, &a, &p, &err))
        fail_msg("benefits-4.2: %s", err.message);
    const struct case_type *dibao = casedef_find(&types, "dibao");
    const struct case_type *shared = casedef_find(&types, "benefit");
    assert_non_null(dibao);
    assert_non_null(shared);
    assert_ptr_equal(benefits_programme_of_case(&p, dibao, "new"), benefits_programme(&p, "dibao"));
    assert_ptr_equal(benefits_programme_of_case(&p, dibao, NULL), benefits_programme(&p, "dibao"));
    static const char *const on_shared[] = {"yiliao", "jiaoyu", "chanye", "jiaotong",
                                            "gongyi", "xindai", "gaoling"};
    for (size_t i = 0; i < sizeof(on_shared) / sizeof(on_shared[0]); i++) {
        const struct programme *g = benefits_programme(&p, on_shared[i]);
        assert_non_null(g);
        assert_string_equal(g->case_type, "benefit");
        assert_ptr_equal(benefits_programme_of_case(&p, shared, on_shared[i]), g);
    }
    /* a category that names no programme (or a programme of another type): none */
    assert_null(benefits_programme_of_case(&p, shared, NULL));
    assert_null(benefits_programme_of_case(&p, shared, "dibao"));
    assert_null(benefits_programme_of_case(&p, shared, "nope"));
    assert_string_equal(benefits_programme(&p, "tekun")->case_type, "tekun");
    assert_string_equal(benefits_programme(&p, "linshi")->case_type, "linshi");
    assert_string_equal(benefits_programme(&p, "weifang")->case_type, "weifang");

    /* two programmes on dibao, which has no category named after them: refused */
    char dir[] = "/tmp/zwbenXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/programmes.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"programmes\": [{\"code\": \"x\", \"name\": \"甲\", \"fundSource\": \"乙\", "
          "\"unit\": \"person\", \"periodicity\": \"once\", \"caseType\": \"dibao\"}, "
          "{\"code\": \"y\", \"name\": \"丙\", \"fundSource\": \"乙\", \"unit\": "
          "\"person\", \"periodicity\": \"once\", \"caseType\": \"dibao\"}]}",
          f);
    fclose(f);
    struct programmes bad;
    memset(&err, 0, sizeof(err));
    assert_int_equal(benefits_load(dir, &types, &a, &bad, &err), ZW_EINVAL);
    if (!strstr(err.message, "办件类型 dibao 由多个项目共用") || !strstr(err.message, "：x"))
        fail_msg("benefits-4.2: %s", err.message);
    /* one programme alone on a type needs no category */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"programmes\": [{\"code\": \"x\", \"name\": \"甲\", \"fundSource\": \"乙\", "
          "\"unit\": \"person\", \"periodicity\": \"once\", \"caseType\": \"dibao\"}]}",
          f);
    fclose(f);
    if (benefits_load(dir, &types, &a, &bad, &err))
        fail_msg("benefits-4.2: %s", err.message);
    assert_ptr_equal(benefits_programme_of_case(&bad, dibao, "new"), &bad.v[0]);
    unlink(path);
    rmdir(dir);
    arena_release(&a);
}

/* ---- the demo over a fixture: 2 villages, 700 households of 3, 110 tagged dibao ---- */

static const struct principal cli = {
    .username = "test", .scope_kind = SCOPE_ALL, .superuser = true};

static void exec(struct db *db, const char *sql)
{
    struct error err = {0};
    if (db_exec(db, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

static void fixture(struct db *db)
{
    exec(db, "INSERT INTO areas (id, parent_id, code, name, level, path, created_at, updated_at) "
             "VALUES (1, NULL, '500236126000', '羊市镇', 'township', '/1/', 0, 0), "
             "(2, 1, '500236126205', '灯塔村', 'village', '/1/2/', 0, 0), "
             "(3, 1, '500236126201', '大淌村', 'village', '/1/3/', 0, 0)");
    char sql[512];
    for (int i = 1; i <= 700; i++) {
        int v = 2 + i % 2;
        snprintf(sql, sizeof(sql),
                 "INSERT INTO households (id, code, village_id, area_path, created_at, "
                 "updated_at) VALUES (%d, 'H%04d', %d, '/1/%d/', 0, 0)",
                 i, i, v, v);
        exec(db, sql);
        /* 3 members each; the first 110 are 低保户 (two of them of 1 person), 600 are 脱贫户 */
        int members = i <= 2 ? 1 : 3;
        for (int m = 0; m < members; m++) {
            snprintf(sql, sizeof(sql),
                     "INSERT INTO persons (household_id, name, status, village_id, area_path, "
                     "created_at, updated_at) VALUES (%d, '成员%d', 'active', %d, '/1/%d/', 0, 0)",
                     i, m, v, v);
            exec(db, sql);
        }
        snprintf(sql, sizeof(sql),
                 "INSERT INTO household_categories (household_id, category) VALUES (%d, '%s')", i,
                 i <= 110   ? "dibao"
                 : i <= 600 ? "tuopin"
                            : "yiban");
        exec(db, sql);
    }
}

struct totals {
    int64_t households, persons, fen;
};

static struct totals totals_of(struct db *db, struct arena *a, const char *programme)
{
    struct scope sc = {.kind = SCOPE_ALL, .path = "/"};
    struct payment_filter f = {.programme = programme, .from = "2018-01-01", .to = "2018-12-31"};
    struct payment_total *items, all;
    size_t n;
    struct error err = {0};
    if (store_payment_totals(db, &sc, &f, false, a, &items, &n, &all, &err))
        fail_msg("totals: %s", err.message);
    return (struct totals){all.households, all.persons, all.amount_fen};
}

/* Runs the demo on a fresh fixture; the totals by programme, and a digest of every line. */
static void demo_run(uint64_t seed, struct totals out[5], uint64_t *digest)
{
    char path[] = "/tmp/zwbendemoXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct store *st;
    struct error err = {0};
    if (store_open(path, true, &st, &err))
        fail_msg("open: %s", err.message);
    struct db *db = store_db(st, &err);
    assert_non_null(db);
    struct arena a = {0};
    assert_int_equal(store_begin(db, true, &err), 0);
    fixture(db);
    struct programmes p;
    assert_int_equal(benefits_load(DEFS_DIR, NULL, &a, &p, &err), 0);
    struct zctx z = {.db = db, .arena = &a, .who = &cli, .ip = "test", .now = 1700000000};
    if (demo_benefits(&z, &p, seed, &err))
        fail_msg("demo: %s", err.message);
    assert_int_equal(store_commit(db, &err), 0);
    static const char *const progs[] = {"dibao", "jiaoyu", "yiliao", "xindai", "weifang"};
    for (int i = 0; i < 5; i++)
        out[i] = totals_of(db, &a, progs[i]);
    struct scope sc = {.kind = SCOPE_ALL, .path = "/"};
    struct payment_filter f = {.page = 1, .page_size = 5000};
    struct payment *items;
    size_t n;
    int64_t total;
    assert_int_equal(store_payment_list(db, &sc, &f, &a, &items, &n, &total, &err), 0);
    *digest = (uint64_t)total;
    for (size_t i = 0; i < n; i++) {
        *digest = *digest * 31 +
                  (uint64_t)(items[i].household_id * 7 + items[i].amount_fen + items[i].persons);
        assert_memory_equal(items[i].paid_on, "2018-", 5);
    }
    struct enrolment *en;
    size_t ne;
    assert_int_equal(store_enrolments(db, 1, &a, &en, &ne, &err), 0);
    assert_int_equal(ne, 1);
    assert_string_equal(en[0].programme, "dibao");
    arena_release(&a);
    store_close(st);
    unlink(path);
}

static void test_demo(void **state)
{
    (void)state;
    struct totals t[5], u[5];
    uint64_t d1, d2;
    demo_run(42, t, &d1);
    /* 低保 110 households / 251 persons; 教育资助 471 persons 95万元; 健康扶贫 1321 persons
     * 337.3万元; 小额信贷 280万元; 危房改造 195 households */
    assert_int_equal(t[0].households, 110);
    assert_int_equal(t[0].persons, 251);
    assert_true(t[0].fen > 0);
    assert_int_equal(t[1].persons, 471);
    assert_int_equal(t[1].fen, INT64_C(95000000));
    assert_int_equal(t[2].persons, 1321);
    assert_int_equal(t[2].fen, INT64_C(337300000));
    assert_int_equal(t[3].fen, INT64_C(280000000));
    assert_int_equal(t[4].households, 195);
    /* reproducible: the same seed gives the same lines */
    demo_run(42, u, &d2);
    assert_int_equal(d1, d2);
    assert_memory_equal(t, u, sizeof(t));
}

static const struct plain_case plain[] = {
    {"benefits-3.1 the standard: longest area prefix, newest year not after", test_standard},
    {"benefits-4.1 defs/programmes.json loads; broken files are refused", test_load},
    {"benefits-4.2 every programme has a procedure; a shared case type names it by category",
     test_shared_type},
    {"benefits-5.1 the demo's 2018 figures over a fixture, reproducibly", test_demo},
};

int main(void)
{
    store_global_init();
    struct CMUnitTest tests[N_CASES(amount_cases) + N_CASES(period_cases) + N_CASES(plain)];
    size_t n = CASES_ADD(tests, 0, test_amount, amount_cases);
    n = CASES_ADD(tests, n, test_period, period_cases);
    n = PLAIN_ADD(tests, n, plain);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
