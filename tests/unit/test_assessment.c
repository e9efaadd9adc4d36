/*
 * test_assessment.c - unit tests of src/domain/assessment.c: the scheme
 * parser (every refusal names the file and the place, in Chinese) and the
 * scoring: per lines with caps and rounding to tenths, thresholds met or
 * not, zero denominators, points texts, averages and tiers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "domain/assessment.h"
#include "error.h"
#include "banned.h"

static const char INDS[] =
    "{\"indicators\": ["
    "{\"code\": \"late\", \"name\": \"超期\", \"unit\": \"件\", \"count\": \"cases\"},"
    "{\"code\": \"sat\", \"name\": \"满意\", \"unit\": \"件\", \"count\": \"cases\"},"
    "{\"code\": \"rate\", \"name\": \"满意率\", \"unit\": \"%\", \"ratio\": [\"sat\", \"late\"], "
    "\"factor\": 100, \"decimals\": 1},"
    "{\"code\": \"pop\", \"name\": \"人口\", \"unit\": \"人\", \"count\": \"persons\"}]}";

static const char GOOD[] =
    "{\"code\": \"t\", \"name\": \"测试\", \"subject\": \"village\", \"base\": 100,"
    " \"rules\": ["
    "  {\"code\": \"a\", \"name\": \"超期办件\", \"indicator\": \"late\", \"per\": -2, \"cap\": "
    "20},"
    "  {\"code\": \"b\", \"name\": \"满意率\", \"indicator\": \"rate\", \"atLeast\": 95, "
    "\"points\": 2},"
    "  {\"code\": \"c\", \"name\": \"满意率低\", \"indicator\": \"rate\", \"below\": 90.5, "
    "\"points\": -1.5},"
    "  {\"code\": \"d\", \"name\": \"半分\", \"indicator\": \"pop\", \"per\": -0.5}],"
    " \"manual\": [{\"code\": \"m\", \"name\": \"督查\", \"min\": -10, \"max\": 5}],"
    " \"yearly\": {\"method\": \"average\", \"tiers\": [{\"name\": \"一等\", \"top\": 20}, "
    "{\"name\": \"二等\", \"top\": 50}, {\"name\": \"三等\", \"top\": 100}]}}";

static void load_inds(struct arena *a, struct indicators *d)
{
    struct error err = {0};
    assert_int_equal(indicators_parse("i.json", INDS, strlen(INDS), a, d, &err), 0);
}

static void test_parse_good(void **state)
{
    struct arena a = {0};
    struct indicators d;
    load_inds(&a, &d);
    struct assess_scheme s;
    struct error err = {0};
    assert_int_equal(assess_parse("t.json", GOOD, strlen(GOOD), &d, &a, &s, &err), 0);
    assert_int_equal(s.base10, 1000);
    assert_int_equal(s.nrules, 4);
    assert_int_equal(s.rules[0].per10, -20);
    assert_int_equal(s.rules[0].cap10, 200);
    assert_int_equal(s.rules[1].kind, ASSESS_IF);
    assert_int_equal(s.rules[1].thr1000, 95000);
    assert_int_equal(s.rules[2].cmp, ASSESS_BELOW);
    assert_int_equal(s.rules[2].thr1000, 90500);
    assert_int_equal(s.rules[2].points10, -15);
    assert_int_equal(s.rules[3].per10, -5);
    assert_int_equal(s.nmanual, 1);
    assert_true(s.manual[0].evidence); /* evidence by default */
    assert_int_equal(s.manual[0].min10, -100);
    assert_int_equal(s.ntiers, 3);
    assert_false(s.yearly_sum);
    arena_release(&a);
}

/* GOOD with `from` replaced by `to` must be refused with a message containing `want`. */
static void refused(struct indicators *d, struct arena *a, const char *from, const char *to,
                    const char *want)
{
    const char *at = strstr(GOOD, from);
    assert_non_null(at);
    char text[4096];
    snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - GOOD), GOOD, to, at + strlen(from));
    struct assess_scheme s;
    struct error err = {0};
    int rc = assess_parse("t.json", text, strlen(text), d, a, &s, &err);
    if (rc == 0 || !strstr(err.message, want) || !strstr(err.message, "t.json"))
        fail_msg("%s → %s: rc %d, message %s", from, to, rc, err.message);
}

static void test_parse_bad(void **state)
{
    struct arena a = {0};
    struct indicators d;
    load_inds(&a, &d);
    refused(&d, &a, "\"indicator\": \"late\", \"per\": -2", "\"indicator\": \"nope\", \"per\": -2",
            "未知指标“nope”");
    refused(&d, &a, "\"per\": -2, \"cap\": 20", "\"per\": -2, \"cap\": -1", "cap");
    refused(&d, &a, "\"per\": -0.5", "\"per\": -0.25", "per");
    refused(&d, &a, "\"per\": -0.5", "\"per\": -1, \"atLeast\": 3", "必须且只能有一个");
    refused(&d, &a, "\"base\": 100", "\"base\": \"100\"", "base");
    refused(&d, &a, "\"subject\": \"village\"", "\"subject\": \"town\"", "subject");
    refused(&d, &a, "\"subject\": \"village\"", "\"subject\": \"cadre\"", "按责任人计算");
    refused(&d, &a, "\"min\": -10, \"max\": 5", "\"min\": 5, \"max\": -10", "min");
    refused(&d, &a, "\"top\": 100", "\"top\": 90", "top");
    refused(&d, &a, "\"top\": 50", "\"top\": 10", "top");
    refused(&d, &a, "\"method\": \"average\"", "\"method\": \"median\"", "method");
    refused(&d, &a, "\"code\": \"b\"", "\"code\": \"a\"", "重复");
    refused(&d, &a, "\"name\": \"测试\"", "\"name\": \"测试\", \"extra\": 1", "不认识的键");
    refused(&d, &a, "\"points\": 2}", "\"points\": 0}", "points");
    /* cadre schemes: an entity with a responsible user parses */
    const char cadre[] =
        "{\"code\": \"c\", \"name\": \"干部\", \"subject\": \"cadre\", \"base\": 100, \"rules\": "
        "[{\"code\": \"a\", \"name\": \"超期\", \"indicator\": \"late\", \"per\": -2}], "
        "\"yearly\": {\"method\": \"sum\", \"tiers\": [{\"name\": \"一\", \"top\": 100}]}}";
    struct assess_scheme s;
    struct error err = {0};
    assert_int_equal(assess_parse("c.json", cadre, strlen(cadre), &d, &a, &s, &err), 0);
    assert_true(s.yearly_sum);
    /* not JSON */
    assert_int_equal(assess_parse("x.json", "{", 1, &d, &a, &s, &err), ZW_EJSON);
    arena_release(&a);
}

static void test_score(void **state)
{
    struct arena a = {0};
    struct indicators d;
    load_inds(&a, &d);
    struct assess_scheme s;
    struct error err = {0};
    assert_int_equal(assess_parse("t.json", GOOD, strlen(GOOD), &d, &a, &s, &err), 0);
    int64_t p;
    char e[256];
    assess_score_rule(&d, &s.rules[0], 3, 1, &p, e, sizeof(e));
    assert_int_equal(p, -60);
    assert_string_equal(e, "超期办件 3件 × −2 = −6");
    assess_score_rule(&d, &s.rules[0], 0, 1, &p, e, sizeof(e));
    assert_int_equal(p, 0);
    assert_string_equal(e, "超期办件 0件 × −2 = 0");
    assess_score_rule(&d, &s.rules[0], 12, 1, &p, e, sizeof(e)); /* capped at 20 */
    assert_int_equal(p, -200);
    assert_string_equal(e, "超期办件 12件 × −2 = −24，封顶 −20");
    assess_score_rule(&d, &s.rules[0], 10, 1, &p, e, sizeof(e)); /* exactly the cap */
    assert_int_equal(p, -200);
    assert_string_equal(e, "超期办件 10件 × −2 = −20");
    assess_score_rule(&d, &s.rules[3], 3, 1, &p, e, sizeof(e)); /* half points */
    assert_int_equal(p, -15);
    assert_string_equal(e, "半分 3人 × −0.5 = −1.5");
    /* thresholds: 19/20 = 95% meets ≥ 95; 189/200 = 94.5% does not */
    assess_score_rule(&d, &s.rules[1], 19, 20, &p, e, sizeof(e));
    assert_int_equal(p, 20);
    assert_string_equal(e, "满意率 95.0% ≥ 95%，+2");
    assess_score_rule(&d, &s.rules[1], 189, 200, &p, e, sizeof(e));
    assert_int_equal(p, 0);
    assert_string_equal(e, "满意率 94.5% 未达 95%，0");
    /* 94.96% is shown as 95.0% but is below 95: compared exactly, not on the rounded text */
    assess_score_rule(&d, &s.rules[1], 9496, 10000, &p, e, sizeof(e));
    assert_int_equal(p, 0);
    /* below 90.5: 90.4% triggers, 90.5% does not */
    assess_score_rule(&d, &s.rules[2], 904, 1000, &p, e, sizeof(e));
    assert_int_equal(p, -15);
    assert_string_equal(e, "满意率低 90.4% 低于 90.5%，−1.5");
    assess_score_rule(&d, &s.rules[2], 905, 1000, &p, e, sizeof(e));
    assert_int_equal(p, 0);
    assert_string_equal(e, "满意率低 90.5% 不低于 90.5%，0");
    /* no data: a ratio over nothing scores 0 */
    assess_score_rule(&d, &s.rules[1], 0, 0, &p, e, sizeof(e));
    assert_int_equal(p, 0);
    assert_string_equal(e, "满意率 —（无数据），0");
    arena_release(&a);
}

static void test_points_tiers(void **state)
{
    char t[24];
    assess_points_text(-60, t);
    assert_string_equal(t, "−6");
    assess_points_text(5, t);
    assert_string_equal(t, "+0.5");
    assess_points_text(0, t);
    assert_string_equal(t, "0");
    assess_points_text(-1005, t);
    assert_string_equal(t, "−100.5");
    /* averages half up to tenths: 97.5 and 98 → 97.75 → 97.8; negatives away from zero */
    assert_int_equal(assess_average10(975 + 980, 2), 978);
    assert_int_equal(assess_average10(1000 + 990 + 990, 3), 993);
    assert_int_equal(assess_average10(-15, 2), -8);
    assert_int_equal(assess_average10(5, 0), 0);
    struct assess_tier tiers[] = {{"一等", 20}, {"二等", 50}, {"三等", 80}, {"四等", 100}};
    struct assess_scheme s = {.tiers = tiers, .ntiers = 4};
    /* 10 subjects: places 1-2 一等, 3-5 二等, 6-8 三等, 9-10 四等 */
    int want[] = {0, 0, 1, 1, 1, 2, 2, 2, 3, 3};
    for (int i = 0; i < 10; i++)
        assert_int_equal(assess_tier_of(&s, i + 1, 10), want[i]);
    /* 4 subjects: 20% of 4 rounds up to 1 */
    assert_int_equal(assess_tier_of(&s, 1, 4), 0);
    assert_int_equal(assess_tier_of(&s, 2, 4), 1);
    /* a tie at place 1 of 10 shares 一等 */
    assert_int_equal(assess_tier_of(&s, 1, 10), 0);
}

static const struct plain_case plain_cases[] = {
    {"as-u1 a scheme parses into tenths and thousandths", test_parse_good},
    {"as-u2 bad schemes refused with the file, the place and the reason", test_parse_bad},
    {"as-u3 scoring: per lines, caps, half points, exact thresholds, no data", test_score},
    {"as-u4 points texts, averages half up, tiers by cumulative percent", test_points_tiers},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(plain_cases)];
    size_t n = PLAIN_ADD(tests, 0, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
