/* test_trigram.c - trigram similarity of Chinese texts (duplicate suggestions). */
#include "cases.h"
#include "trigram.h"
#include "banned.h"

struct sim_case {
    const char *id, *a, *b;
    double min, max; /* expected score range, inclusive */
};

static const struct sim_case sim_cases[] = {
    {"trigram-1.1 the same text scores 1", "村口路灯坏了一个多月", "村口路灯坏了一个多月", 1, 1},
    {"trigram-1.2 punctuation and spaces do not count", "村口路灯，坏了 一个多月！",
     "村口路灯坏了一个多月", 1, 1},
    {"trigram-1.3 ASCII letters compare without case", "Road LAMP broken", "road lamp broken", 1,
     1},
    {"trigram-1.4 nothing shared scores 0", "自来水停水三天", "村口路灯坏了", 0, 0},
    {"trigram-1.5 a short request inside a longer earlier one scores high",
     "村口路灯坏了一个多月晚上出行不方便",
     "灯塔村五组村口的三盏路灯已经坏了一个多月，晚上村民出行很不方便，请求维修。", 0.3, 0.9},
    {"trigram-1.6 a shared place name alone stays low (short texts: Dice)", "灯塔村五组停水",
     "灯塔村五组村口的三盏路灯已经坏了一个多月，晚上村民出行很不方便，请求维修。", 0, 0.2},
    {"trigram-1.7 an empty text scores 0", "", "村口路灯坏了", 0, 0},
    {"trigram-1.8 invalid UTF-8 bytes are skipped, not read past", "\xe6\x9d", "\xe6\x9d", 0, 0},
    {"trigram-1.9 one or two characters still compare", "灯", "灯", 1, 1},
};

static void test_sim(void **state)
{
    const struct sim_case *c = *state;
    struct arena a = {0};
    double s = trigram_similarity(&a, c->a, c->b);
    if (s < c->min - 1e-9 || s > c->max + 1e-9)
        fail_msg("%s: score %.3f not in [%.2f, %.2f]", c->id, s, c->min, c->max);
    /* symmetric */
    double r = trigram_similarity(&a, c->b, c->a);
    if (r != s)
        fail_msg("%s: not symmetric: %.3f vs %.3f", c->id, s, r);
    arena_release(&a);
}

static void test_long_text_capped(void **state)
{
    (void)state;
    struct arena a = {0};
    size_t n = TRIGRAM_MAX_BYTES * 4;
    char *big = arena_alloc(&a, n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + (i * 7) % 26);
    big[n] = '\0';
    struct trigrams t;
    trigram_set(&a, big, &t);
    assert_true(t.n > 0 && t.n <= TRIGRAM_MAX_BYTES);
    for (size_t i = 1; i < t.n; i++)
        assert_true(t.v[i - 1] < t.v[i]); /* sorted, unique */
    arena_release(&a);
}

static const struct plain_case plain_cases[] = {
    {"trigram-2.1 long texts are compared on their first bytes, sets sorted and unique",
     test_long_text_capped},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(sim_cases) + N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_sim, sim_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
