/*
 * test_outbox.c - the outbox's retry schedule and event ids, and the
 * webhook's signature (domain/outbox.c, http/webhook.c).
 */
#include <string.h>

#include "cases.h"
#include "domain/outbox.h"
#include "http/webhook.h"
#include "banned.h"

struct backoff_case {
    const char *id;
    int64_t base, max;
    int attempts;
    int64_t wait;
};

static const struct backoff_case backoff_cases[] = {
    {"outbox-1.1 first failure waits the base", 30, 3600, 1, 30},
    {"outbox-1.2 second failure doubles", 30, 3600, 2, 60},
    {"outbox-1.3 fifth failure", 30, 3600, 5, 480},
    {"outbox-1.4 capped at the maximum", 30, 3600, 8, 3600},
    {"outbox-1.5 many failures stay capped", 30, 3600, 1000, 3600},
    {"outbox-1.6 base 1 s for tests", 1, 2, 3, 2},
    {"outbox-1.7 a zero base counts as 1 s", 0, 60, 1, 1},
};

static void test_backoff(void **state)
{
    const struct backoff_case *c = *state;
    struct outbox_policy p = {.retry_base_s = c->base, .retry_max_s = c->max};
    assert_int_equal(outbox_next_attempt(&p, 1000, c->attempts), 1000 + c->wait);
}

static void test_event_id(void **state)
{
    (void)state;
    char a[37], b[37];
    outbox_new_event_id(a);
    outbox_new_event_id(b);
    assert_int_equal(strlen(a), 36);
    assert_true(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    assert_int_equal(a[14], '4');
    assert_true(strchr("89ab", a[19]) != NULL);
    assert_string_not_equal(a, b);
}

/* RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?". */
static void test_signature(void **state)
{
    (void)state;
    char sig[72];
    const char *body = "what do ya want for nothing?";
    webhook_sign("Jefe", body, strlen(body), sig);
    assert_string_equal(sig,
                        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static const struct plain_case plain[] = {
    {"outbox-2.1 event ids are random UUIDv4", test_event_id},
    {"outbox-3.1 webhook signature is HMAC-SHA256 (RFC 4231 case 2)", test_signature},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(backoff_cases) + N_CASES(plain)];
    size_t n = CASES_ADD(tests, 0, test_backoff, backoff_cases);
    n = PLAIN_ADD(tests, n, plain);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
