/* test_idnum.c - unit tests of src/base/idnum.c (公民身份号码, GB 11643-1999). */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "idnum.h"
#include "banned.h"

/* 2026-11-23 10:00 in Asia/Shanghai (02:00 UTC): the "today" of most cases. */
#define TODAY ((time_t)1795399200)
/* 2026-11-22 23:59:59 in Asia/Shanghai (15:59:59 UTC). */
#define LATE_22ND ((time_t)1795363199)
/* 2026-11-23 00:30 in Asia/Shanghai (16:30 UTC on the 22nd). */
#define EARLY_23RD ((time_t)1795365000)

struct good_case {
    const char *id;
    const char *input;
    time_t today; /* 0 means TODAY */
    const char *number;
    int year, month, day;
    char sex;
};

static const struct good_case good_cases[] = {
    {"idnum-1.1 standard example with X", "11010519491231002X", 0, "11010519491231002X", 1949, 12,
     31, 'F'},
    {"idnum-1.2 lower-case x normalised", "11010519491231002x", 0, "11010519491231002X", 1949, 12,
     31, 'F'},
    {"idnum-1.3 odd sequence is male", "500236198507151230", 0, "500236198507151230", 1985, 7, 15,
     'M'},
    {"idnum-1.4 check digit 0", "500236199003071020", 0, "500236199003071020", 1990, 3, 7, 'F'},
    {"idnum-1.5 check X, even sequence", "50023619900307108X", 0, "50023619900307108X", 1990, 3, 7,
     'F'},
    {"idnum-1.6 born 1900-01-01 (first day allowed)", "440524190001010017", 0, "440524190001010017",
     1900, 1, 1, 'M'},
    {"idnum-1.7 29 Feb of leap year 2000", "411023200002290047", 0, "411023200002290047", 2000, 2,
     29, 'F'},
    {"idnum-1.8 29 Feb of leap year 2024", "411023202402290037", 0, "411023202402290037", 2024, 2,
     29, 'M'},
    {"idnum-1.9 born today", "411023202611230014", 0, "411023202611230014", 2026, 11, 23, 'M'},
    {"idnum-1.10 born today, today early in Shanghai", "411023202611230014", EARLY_23RD,
     "411023202611230014", 2026, 11, 23, 'M'},
    {"idnum-1.11 born yesterday", "411023202611220019", LATE_22ND, "411023202611220019", 2026, 11,
     22, 'M'},
};

static void test_good(void **state)
{
    const struct good_case *c = *state;
    struct idnum_info info;
    memset(&info, 0x5a, sizeof(info));
    struct error err = {0};
    assert_int_equal(idnum_parse(c->input, c->today ? c->today : TODAY, &info, &err), 0);
    assert_string_equal(info.number, c->number);
    assert_memory_equal(info.region, c->number, 6);
    assert_int_equal(info.region[6], '\0');
    assert_int_equal(info.year, c->year);
    assert_int_equal(info.month, c->month);
    assert_int_equal(info.day, c->day);
    assert_int_equal(info.sex, c->sex);
}

struct bad_case {
    const char *id;
    const char *input;
    time_t today;     /* 0 means TODAY */
    const char *rule; /* a word the Chinese message must contain */
};

static const struct bad_case bad_cases[] = {
    {"idnum-2.1 empty", "", 0, "长度"},
    {"idnum-2.2 17 characters", "11010519491231002", 0, "长度"},
    {"idnum-2.3 19 characters", "11010519491231002X1", 0, "长度"},
    {"idnum-2.4 leading space", " 11010519491231002X", 0, "长度"},
    {"idnum-2.5 trailing space", "11010519491231002X ", 0, "长度"},
    {"idnum-2.6 15-digit old number", "110105491231002", 0, "长度"},
    {"idnum-2.7 full-width digits", "１１０１０５１９４９１２３１００２Ｘ", 0, "长度"},
    {"idnum-2.8 NULL", NULL, 0, "长度"},
    {"idnum-3.1 letter in the body", "1101051949123100AX", 0, "数字"},
    {"idnum-3.2 X not in last place", "X10105194912310020", 0, "数字"},
    {"idnum-3.3 last character a letter other than X", "11010519491231002A", 0, "校验位"},
    {"idnum-3.4 space inside", "110105 94912310029", 0, "数字"},
    {"idnum-3.5 minus sign inside", "110105-94912310029", 0, "数字"},
    {"idnum-4.1 month 13", "110105194913010029", 0, "出生日期"},
    {"idnum-4.2 day 00", "110105194901000026", 0, "出生日期"},
    {"idnum-4.3 day 32", "11010519490132002X", 0, "出生日期"},
    {"idnum-4.4 31 April", "11010519490431002X", 0, "出生日期"},
    {"idnum-4.5 29 Feb 1900 (not leap)", "110105190002290017", 0, "出生日期"},
    {"idnum-4.6 before 1900", "110105189912310015", 0, "1900"},
    {"idnum-4.7 tomorrow", "41102320261124001X", 0, "晚于"},
    {"idnum-4.8 today in UTC but tomorrow in Shanghai", "411023202611230014", LATE_22ND, "晚于"},
    {"idnum-4.9 far future", "110105202601010131", (time_t)1735660800 /* 2025-01-01 */, "晚于"},
    {"idnum-5.1 wrong check digit", "110105194912310021", 0, "校验位"},
    {"idnum-5.2 X where a digit belongs", "50023619850715123X", 0, "校验位"},
    {"idnum-5.3 digit where X belongs", "110105194912310020", 0, "校验位"},
    {"idnum-5.4 two digits swapped", "110105194912301020", 0, "校验位"},
};

static void test_bad(void **state)
{
    const struct bad_case *c = *state;
    struct idnum_info info;
    memset(&info, 0x5a, sizeof(info));
    struct idnum_info before = info;
    struct error err = {0};
    assert_int_equal(idnum_parse(c->input, c->today ? c->today : TODAY, &info, &err), ZW_EINVAL);
    assert_int_equal(err.code, ZW_EINVAL);
    assert_non_null(err.field);
    assert_string_equal(err.field, "id_number");
    if (!strstr(err.message, c->rule))
        fail_msg("message \"%s\" does not name \"%s\"", err.message, c->rule);
    assert_memory_equal(&info, &before, sizeof(info));
}

struct check_case {
    const char *id;
    const char *first17;
    char check;
};

static const struct check_case check_cases[] = {
    {"idnum-6.1 remainder 2 gives X", "11010519491231002", 'X'},
    {"idnum-6.2 remainder 1 gives 0", "50023619900307102", '0'},
    {"idnum-6.3 remainder 5 gives 7", "44052419000101001", '7'},
    {"idnum-6.4 all zeros: remainder 0 gives 1", "00000000000000000", '1'},
    {"idnum-6.5 non-digit gives NUL", "1101051949123100A", '\0'},
    {"idnum-6.6 reads only 17 characters", "500236198507151239999", '0'},
};

static void test_check_char(void **state)
{
    const struct check_case *c = *state;
    assert_int_equal(idnum_check_char(c->first17), c->check);
}

struct mask_case {
    const char *id;
    const char *input;
    const char *masked;
};

static const struct mask_case mask_cases[] = {
    {"idnum-7.1 18 characters", "50023619850715123X", "500236********123X"},
    {"idnum-7.2 lower-case x kept as given", "11010519491231002x", "110105********002x"},
    {"idnum-7.3 short string keeps last 2", "12345", "***45"},
    {"idnum-7.4 long string capped at 18", "1234567890123456789012", "****************12"},
    {"idnum-7.5 two characters masked entirely", "12", "**"},
    {"idnum-7.6 empty", "", ""},
    {"idnum-7.7 non-ASCII never kept (valid UTF-8 out)", "张三", "******"},
    {"idnum-7.8 18 bytes of Chinese fully masked", "一二三四五六", "******************"},
};

static void test_mask(void **state)
{
    const struct mask_case *c = *state;
    char dst[19];
    memset(dst, 'Z', sizeof(dst));
    idnum_mask(c->input, dst);
    assert_string_equal(dst, c->masked);
}

static void test_mask_null(void **state)
{
    char dst[19];
    memset(dst, 'Z', sizeof(dst));
    idnum_mask(NULL, dst);
    assert_string_equal(dst, "");
}

static void test_parse_no_err(void **state)
{
    struct idnum_info info = {0};
    assert_int_equal(idnum_parse("110105194912310021", TODAY, &info, NULL), ZW_EINVAL);
    assert_int_equal(info.number[0], '\0');
    assert_int_equal(idnum_parse("11010519491231002x", TODAY, &info, NULL), 0);
    assert_string_equal(info.number, "11010519491231002X");
}

/* Every valid number with one digit changed is refused: MOD 11-2 catches all single errors. */
static void test_single_digit_errors(void **state)
{
    const char *good = "500236198507151230";
    struct idnum_info info;
    int refused = 0;
    for (int pos = 0; pos < 18; pos++) {
        for (char d = '0'; d <= '9'; d++) {
            char s[19];
            memcpy(s, good, sizeof(s));
            if (s[pos] == d)
                continue;
            s[pos] = d;
            if (idnum_parse(s, TODAY, &info, NULL) == 0)
                fail_msg("%s accepted", s);
            refused++;
        }
    }
    assert_int_equal(refused, 18 * 9);
}

static const struct plain_case plain_cases[] = {
    {"idnum-8.1 mask NULL", test_mask_null},
    {"idnum-8.2 parse without err record", test_parse_no_err},
    {"idnum-8.3 every single-digit error refused", test_single_digit_errors},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(good_cases) + N_CASES(bad_cases) + N_CASES(check_cases) +
                            N_CASES(mask_cases) + N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_good, good_cases);
    n = CASES_ADD(tests, n, test_bad, bad_cases);
    n = CASES_ADD(tests, n, test_check_char, check_cases);
    n = CASES_ADD(tests, n, test_mask, mask_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
