/* test_setup.c - short display names of village committees (domain/setup.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/setup.h"
#include "banned.h"

static const struct {
    const char *id, *full, *want;
} cases[] = {
    {"setup-1.1", "大淌村村民委员会", "大淌村"},
    {"setup-1.2", "兴安社区居民委员会", "兴安社区"},
    {"setup-1.3", "双庙村委会", "双庙村"},
    {"setup-1.4", "钟锋社区居委会", "钟锋社区"},
    {"setup-1.5", "五星村村委会", "五星村"},
    {"setup-1.6", "塔子垭村民委员会", "塔子垭村"},
    {"setup-1.7", "灯塔村", "灯塔村"},
    {"setup-1.8", "村民委员会", "村民委员会"},
    {"setup-1.9", "", ""},
};

static void test_short_names(void **state)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[128];
        setup_short_name(cases[i].full, out, sizeof(out));
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("%s: %s -> %s, want %s", cases[i].id, cases[i].full, out, cases[i].want);
    }
}

static void test_short_name_small_buffer(void **state)
{
    char out[10]; /* "大淌村村" is 12 bytes: truncated, never overflowed */
    setup_short_name("大淌村村民委员会", out, sizeof(out));
    assert_true(strlen(out) < sizeof(out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_names),
        cmocka_unit_test(test_short_name_small_buffer),
    };
    return cmocka_run_group_tests_name("setup", tests, NULL, NULL);
}
