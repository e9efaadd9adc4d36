/*
 * test_indicators.c - unit tests of src/domain/indicators.c: the report's
 * rounding and units, periods, the definition checker (every refusal names
 * the indicator and says why in Chinese), and the rights an indicator needs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "domain/indicator_cache.h"
#include "domain/indicators.h"
#include "error.h"
#include "banned.h"

static struct indicator unit_of(const char *unit, int decimals, int64_t scale, int64_t factor)
{
    struct indicator ind = {.unit = unit, .decimals = decimals, .scale = scale, .factor = factor};
    return ind;
}

static void test_format(void **state)
{
    char out[48];
    struct indicator pct = unit_of("%", 0, 1, 100);
    indicators_format(&pct, 63, 65, out);
    assert_string_equal(out, "97%"); /* 96.92 */
    indicators_format(&pct, 1, 8, out);
    assert_string_equal(out, "13%"); /* 12.5 half up */
    indicators_format(&pct, 5, 0, out);
    assert_string_equal(out, "—"); /* zero denominator */
    struct indicator wan = unit_of("万元", 4, 1000000, 1);
    indicators_format(&wan, 819153600, 1, out);
    assert_string_equal(out, "819.1536万元");
    indicators_format(&wan, 49, 1, out); /* 0.000049 万元 rounds to 0.0000 */
    assert_string_equal(out, "0.0000万元");
    struct indicator yi = unit_of("亿元", 2, INT64_C(10000000000), 1);
    indicators_format(&yi, INT64_C(123456789012), 1, out);
    assert_string_equal(out, "12.35亿元");
    struct indicator hu = unit_of("户", 0, 1, 1);
    indicators_format(&hu, 43, 1, out);
    assert_string_equal(out, "43户");
    indicators_format(&hu, -7, 2, out); /* a difference may be negative */
    assert_string_equal(out, "-4户");
    struct indicator big = unit_of("%", 2, 1, 100);
    indicators_format(&big, INT64_MAX, INT64_MAX, out); /* no overflow */
    assert_string_equal(out, "100.00%");
}

static void test_periods(void **state)
{
    static const char *const ok[][4] = {
        {"2018", "2018-01-01", "2018-12-31", "2018年"},
        {"2018-Q1", "2018-01-01", "2018-03-31", "2018年第一季度"},
        {"2018-Q4", "2018-10-01", "2018-12-31", "2018年第四季度"},
        {"2020-02", "2020-02-01", "2020-02-29", "2020年2月"},
        {"2018-12", "2018-12-01", "2018-12-31", "2018年12月"},
        {"2018-03-05~2018-03-05", "2018-03-05", "2018-03-05", "2018-03-05 至 2018-03-05"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct ind_period p;
        struct error err = {0};
        if (indicators_period(ok[i][0], &p, &err))
            fail_msg("%s: %s", ok[i][0], err.message);
        assert_string_equal(p.from, ok[i][1]);
        assert_string_equal(p.to, ok[i][2]);
        assert_string_equal(p.label, ok[i][3]);
    }
    static const char *const bad[] = {NULL,
                                      "",
                                      "18",
                                      "1949",
                                      "2018-13",
                                      "2018-Q0",
                                      "2018-Q5",
                                      "2018-00",
                                      "2018-1",
                                      "2018x",
                                      "2018-02-30~2018-03-01",
                                      "2018-06-01~2018-01-01",
                                      "2018-01-01-2018-02-01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ind_period p;
        struct error err = {0};
        assert_int_equal(indicators_period(bad[i], &p, &err), ZW_EINVAL);
        assert_string_equal(err.field, "period");
        assert_non_null(strstr(err.message, "统计期间应为"));
    }
}

static int parse(const char *text, struct arena *a, struct indicators *d, struct error *err)
{
    return indicators_parse("t.json", text, strlen(text), a, d, err);
}

static void test_parse_good(void **state)
{
    struct arena a = {0};
    struct indicators d;
    struct error err = {0};
    const char *text =
        "{\"indicators\":["
        "{\"code\":\"got\",\"name\":\"受理\",\"unit\":\"件\",\"count\":\"cases\",\"period\":"
        "\"created\",\"where\":{\"type\":[\"petition\"],\"outcome\":{\"not\":[\"rejected\"]}}},"
        "{\"code\":\"yuan\",\"name\":\"金额\",\"unit\":\"万元\",\"sum\":\"payments\",\"field\":"
        "\"amount_fen\",\"period\":\"paid\"},"
        "{\"code\":\"rate\",\"name\":\"比率\",\"unit\":\"%\",\"ratio\":[\"got\",\"got\"],"
        "\"factor\":100}]}";
    if (parse(text, &a, &d, &err))
        fail_msg("%s", err.message);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.v[0].kind, IND_COUNT);
    assert_int_equal(d.v[0].q.nconds, 2);
    assert_true(d.v[0].q.conds[1].negate);
    assert_int_equal(d.v[1].scale, 1000000);
    assert_int_equal(d.v[1].decimals, 2); /* money's default */
    assert_int_equal(d.v[2].kind, IND_RATIO);
    assert_int_equal(d.v[2].a, 0);
    assert_int_equal(indicators_find(&d, "rate"), 2);
    assert_int_equal(indicators_find(&d, "nope"), -1);
    /* rights: a ratio needs what its parts read */
    const char *perms[] = {"case.read"};
    struct principal who = {.perms = perms, .nperms = 1};
    assert_true(indicators_may(&who, &d, 2));
    assert_false(indicators_may(&who, &d, 1)); /* payments: benefit.read */
    arena_release(&a);
}

static void test_parse_bad(void **state)
{
    static const char *const bad[][2] = {
        {"{}", "indicators 应为"},
        {"[", "不是有效的 JSON"},
        {"{\"indicators\":[{\"code\":\"A\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\"}]}",
         "indicators[0].code"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"ghost\"}]}",
         "未知对象“ghost”"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\"}]}", "必须且只能有一个"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"sql\":\"1\"}]}",
         "不认识的键“sql”"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"where\":{\"serial\":[\"1\"]}}]}",
         "没有字段“serial”"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"where\":{\"closed\":[\"yes\"]}}]}",
         "取值应为整数"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"where\":{\"type\":[]}}]}",
         "非空数组"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"period\":\"paid\"}]}",
         "indicators[0].period"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"元\",\"sum\":\"payments\","
         "\"field\":\"programme\"}]}",
         "不能求和"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"%\",\"ratio\":[\"a\","
         "\"a\"]}]}",
         "应引用在它之前定义的指标"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"factor\":100}]}",
         "只用于 ratio"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\"},"
         "{\"code\":\"a\",\"name\":\"y\",\"unit\":\"件\",\"count\":\"cases\"}]}",
         "indicators[1].code：代码重复"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"dashboard\":\"front\"}]}",
         "indicators[0].dashboard：应为 key"},
        {"{\"indicators\":[{\"code\":\"a\",\"name\":\"x\",\"unit\":\"件\",\"count\":\"cases\","
         "\"dashboard\":1}]}",
         "indicators[0].dashboard"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct arena a = {0};
        struct indicators d;
        struct error err = {0};
        int rc = parse(bad[i][0], &a, &d, &err);
        if (rc != ZW_EINVAL && rc != ZW_EJSON)
            fail_msg("case %zu: rc %d", i, rc);
        if (!strstr(err.message, bad[i][1]))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message, bad[i][1]);
        assert_int_equal(d.n, 0);
        arena_release(&a);
    }
}

/* The cache serves a value while the versions of the tables it read are those it was put at. */
static void test_cache(void **state)
{
    (void)state;
    icache_clear();
    uint64_t ver[STORE_NTRACKED] = {0}, hits, misses;
    uint32_t cases = STORE_BIT(STORE_T_CASES) | STORE_BIT(STORE_T_CASE_CLOCKS);
    struct icache_key k = {
        .defs = &ver, .i = 3, .path = "/1/2/", .from = "2018-01-01", .to = "2018-12-31"};
    int64_t v = -1;
    assert_false(icache_get(&k, cases, ver, &v));
    icache_put(&k, cases, ver, 86);
    assert_true(icache_get(&k, cases, ver, &v));
    assert_int_equal(v, 86);
    ver[STORE_T_PAYMENTS]++; /* a table it does not read */
    assert_true(icache_get(&k, cases, ver, &v));
    ver[STORE_T_CASE_CLOCKS]++; /* one it reads */
    assert_false(icache_get(&k, cases, ver, &v));
    icache_put(&k, cases, ver, 87);
    struct icache_key other = k;
    other.path = "/1/3/";
    assert_false(icache_get(&other, cases, ver, &v)); /* another area */
    other = k;
    other.to = "2018-06-30";
    assert_false(icache_get(&other, cases, ver, &v)); /* another period */
    other = k;
    other.bucket = 1;
    assert_false(icache_get(&other, cases, ver, &v)); /* a minute later, for a value of now */
    other = k;
    other.i = 4;
    assert_false(icache_get(&other, cases, ver, &v)); /* another indicator */
    assert_true(icache_get(&k, cases, ver, &v));
    assert_int_equal(v, 87);
    char longpath[200];
    memset(longpath, '1', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    other = k;
    other.path = longpath; /* too long a key: never cached, never wrong */
    icache_put(&other, cases, ver, 5);
    assert_false(icache_get(&other, cases, ver, &v));
    icache_stats(&hits, &misses);
    assert_int_equal(hits, 3);
    assert_int_equal(misses, 7);
}

static const struct plain_case plain_cases[] = {
    {"ind-1.1 formats: %, 万元, 亿元, counts, half up, zero denominator, no overflow", test_format},
    {"ind-1.2 periods: year, quarter, month, range; bad ones refused on period", test_periods},
    {"ind-2.1 a definition of every kind parses; a ratio needs its parts' rights", test_parse_good},
    {"ind-2.2 bad definitions refused with the indicator and the reason", test_parse_bad},
    {"ind-3.1 the cache: served while the tables it read are unchanged, per area, period, minute",
     test_cache},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(plain_cases)];
    size_t n = PLAIN_ADD(tests, 0, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
