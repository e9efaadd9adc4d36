/*
 * test_calendar.c - unit tests of src/base/calendar.c: date arithmetic,
 * working days across 调休 weekends, years without data, and loading the
 * shipped defs/calendar/YYYY.json files (run from the repository root).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cases.h"
#include "banned.h"

/* The calendar of the shipped 2025 and 2026 files, loaded once by the group setup. */
static struct calendar *shipped;

/* Reads a whole file into a malloc'd buffer; NULL if it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *p = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            p = realloc(p, cap);
            if (!p)
                abort();
        }
        size_t got = fread(p + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    *len = n;
    return p;
}

static int load_file(struct calendar *cal, const char *path, struct error *err)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text)
        return ZW_EIO;
    int rc = calendar_load_json(cal, text, len, err);
    free(text);
    return rc;
}

static int group_setup(void **state)
{
    shipped = calloc(1, sizeof(*shipped));
    if (!shipped)
        return -1;
    struct error err = {0};
    if (load_file(shipped, "defs/calendar/2025.json", &err) ||
        load_file(shipped, "defs/calendar/2026.json", &err)) {
        fprintf(stderr, "cannot load defs/calendar (cwd must be the repo root): %s\n", err.message);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    free(shipped);
    return 0;
}

/* The UTC instant of local (Asia/Shanghai) ymd at hh:mm:ss. */
static int64_t at(int ymd, int hh, int mm, int ss)
{
    return cal_local_midnight(ymd) + hh * 3600 + mm * 60 + ss;
}

/* ---- cal-1: dates ---- */

struct valid_case {
    const char *id;
    int ymd;
    bool valid;
};

static const struct valid_case valid_cases[] = {
    {"cal-1.1 ordinary date", 20260214, true},
    {"cal-1.2 29 Feb 2024 (leap)", 20240229, true},
    {"cal-1.3 29 Feb 2025 (not leap)", 20250229, false},
    {"cal-1.4 29 Feb 2000 (400-year leap)", 20000229, true},
    {"cal-1.5 29 Feb 2100 (century, not leap)", 21000229, false},
    {"cal-1.6 first valid date", 19000101, true},
    {"cal-1.7 last valid date", 29991231, true},
    {"cal-1.8 before 1900", 18991231, false},
    {"cal-1.9 after 2999", 30000101, false},
    {"cal-1.10 month 0", 20260001, false},
    {"cal-1.11 month 13", 20261301, false},
    {"cal-1.12 day 0", 20260100, false},
    {"cal-1.13 31 April", 20260431, false},
    {"cal-1.14 31 December", 20261231, true},
    {"cal-1.15 zero", 0, false},
    {"cal-1.16 negative", -20260101, false},
};

static void test_valid(void **state)
{
    const struct valid_case *c = *state;
    assert_int_equal(cal_valid_ymd(c->ymd), c->valid);
}

struct parse_case {
    const char *id;
    const char *text;
    int rc;
    int ymd;
};

static const struct parse_case parse_cases[] = {
    {"cal-1.20 parse ordinary", "2026-02-14", 0, 20260214},
    {"cal-1.21 parse leap day", "2024-02-29", 0, 20240229},
    {"cal-1.22 parse impossible date", "2025-02-29", ZW_EINVAL, 0},
    {"cal-1.23 parse single-digit month", "2026-2-14", ZW_EINVAL, 0},
    {"cal-1.24 parse slashes", "2026/02/14", ZW_EINVAL, 0},
    {"cal-1.25 parse trailing garbage", "2026-02-14x", ZW_EINVAL, 0},
    {"cal-1.26 parse trailing time", "2026-02-14T00:00:00", ZW_EINVAL, 0},
    {"cal-1.27 parse empty", "", ZW_EINVAL, 0},
    {"cal-1.28 parse sign in month", "2026-+2-14", ZW_EINVAL, 0},
    {"cal-1.29 parse space", "2026-02- 4", ZW_EINVAL, 0},
    {"cal-1.30 parse year 1899", "1899-12-31", ZW_EINVAL, 0},
    {"cal-1.31 parse compact form", "20260214", ZW_EINVAL, 0},
};

static void test_parse(void **state)
{
    const struct parse_case *c = *state;
    int ymd = -7;
    assert_int_equal(cal_parse_date(c->text, &ymd), c->rc);
    assert_int_equal(ymd, c->rc ? -7 : c->ymd);
    if (c->rc == 0) {
        char back[11];
        cal_format_date(ymd, back);
        assert_string_equal(back, c->text);
    }
}

struct weekday_case {
    const char *id;
    int ymd;
    int weekday;
};

static const struct weekday_case weekday_cases[] = {
    {"cal-1.40 1970-01-01 Thursday", 19700101, 4},
    {"cal-1.41 2026-02-13 Friday", 20260213, 5},
    {"cal-1.42 2026-02-14 Saturday", 20260214, 6},
    {"cal-1.43 2025-09-28 Sunday", 20250928, 0},
    {"cal-1.44 1900-01-01 Monday", 19000101, 1},
    {"cal-1.45 2000-02-29 Tuesday", 20000229, 2},
    {"cal-1.46 2999-12-31 Tuesday", 29991231, 2},
    {"cal-1.47 1969-12-31 Wednesday (before epoch)", 19691231, 3},
};

static void test_weekday(void **state)
{
    const struct weekday_case *c = *state;
    assert_int_equal(cal_weekday(c->ymd), c->weekday);
}

struct add_case {
    const char *id;
    int ymd;
    int n;
    int want;
};

static const struct add_case add_cases[] = {
    {"cal-1.50 add 0", 20260214, 0, 20260214},
    {"cal-1.51 add 1 across month end", 20260228, 1, 20260301},
    {"cal-1.52 add 1 across leap day", 20240228, 1, 20240229},
    {"cal-1.53 add 1 across year end", 20251231, 1, 20260101},
    {"cal-1.54 subtract across year start", 20260101, -1, 20251231},
    {"cal-1.55 add 365 in a leap year", 20240101, 365, 20241231},
    {"cal-1.56 add 15 calendar days (信访 limit)", 20261125, 15, 20261210},
    {"cal-1.57 add 60", 20260101, 60, 20260302},
    {"cal-1.58 add 146097 (400 years)", 20000101, 146097, 24000101},
    {"cal-1.59 subtract to before the epoch", 19700101, -1, 19691231},
    {"cal-1.60 huge n saturates at 9999-12-31", 20260101, 2147483647, 99991231},
    {"cal-1.61 huge negative n saturates at 0001-01-01", 20260101, -2147483647 - 1, 10101},
};

static void test_ymd_add(void **state)
{
    const struct add_case *c = *state;
    assert_int_equal(cal_ymd_add(c->ymd, c->n), c->want);
}

struct local_case {
    const char *id;
    int64_t instant;
    int ymd;
};

static const struct local_case local_cases[] = {
    {"cal-1.70 epoch is 08:00 on 1970-01-01", 0, 19700101},
    {"cal-1.71 15:59:59 UTC is still the same local day", 1771084799, 20260214},
    {"cal-1.72 16:00 UTC is the next local day", 1771084800, 20260215},
    {"cal-1.73 negative instant", -28801, 19691231},
    {"cal-1.74 local midnight before the epoch", -28800, 19700101},
    {"cal-1.75 INT64_MAX saturates", INT64_MAX, 99991231},
    {"cal-1.76 INT64_MIN saturates", INT64_MIN, 10101},
};

static void test_local_ymd(void **state)
{
    const struct local_case *c = *state;
    assert_int_equal(cal_local_ymd(c->instant), c->ymd);
}

static void test_local_midnight(void **state)
{
    /* 2026-02-14 00:00 +08:00 is 2026-02-13 16:00 UTC. */
    assert_int_equal(cal_local_midnight(20260214), 1770998400);
    assert_int_equal(cal_local_midnight(19700101), -28800);
    /* Round trip over a span of days, including around every month end of 2024. */
    for (int ymd = 20240101; ymd <= 20241231; ymd = cal_ymd_add(ymd, 1)) {
        int64_t m = cal_local_midnight(ymd);
        assert_int_equal(cal_local_ymd(m), ymd);
        assert_int_equal(cal_local_ymd(m - 1), cal_ymd_add(ymd, -1));
        assert_int_equal(cal_local_ymd(m + 86399), ymd);
    }
}

static void test_format(void **state)
{
    char s[11];
    cal_format_date(20260214, s);
    assert_string_equal(s, "2026-02-14");
    cal_format_date(19000101, s);
    assert_string_equal(s, "1900-01-01");
    cal_format_date(10101, s);
    assert_string_equal(s, "0001-01-01");
    /* Nonsense never overruns the 11 bytes. */
    memset(s, 'Z', sizeof(s));
    cal_format_date(-2147483647 - 1, s);
    assert_int_equal(s[10], '\0');
}

/* Walks every day from 1900 to 2999 checking parse/format/add/weekday agree. */
static void test_day_walk(void **state)
{
    int ymd = 19000101, wd = cal_weekday(ymd), days = 0;
    while (ymd != 30000101) {
        assert_true(cal_valid_ymd(ymd));
        char s[11];
        cal_format_date(ymd, s);
        int back = 0;
        assert_int_equal(cal_parse_date(s, &back), 0);
        assert_int_equal(back, ymd);
        assert_int_equal(cal_weekday(ymd), wd);
        ymd = cal_ymd_add(ymd, 1);
        wd = (wd + 1) % 7;
        days++;
    }
    /* 1100 years: 1100 * 365 + leap days (275 - 8 non-leap centuries, 1900 excluded). */
    assert_int_equal(days, 1100 * 365 + 267);
}

/* ---- cal-2: overrides ---- */

static void test_empty(void **state)
{
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    assert_true(calendar_is_workday(cal, 20260213));  /* Friday */
    assert_false(calendar_is_workday(cal, 20260214)); /* Saturday: no make-up without data */
    assert_false(calendar_is_workday(cal, 20260215)); /* Sunday */
    assert_true(calendar_is_workday(cal, 20260216));  /* Monday, 春节 unknown without data */
    assert_null(calendar_find(cal, 20260216));
    assert_false(calendar_has_year(cal, 2026));
    assert_int_equal(calendar_count_workdays(cal, 20260208, 20260222), 10);
    assert_int_equal(calendar_clear_day(cal, 20260216), ZW_ENOTFOUND);
    free(cal);
}

static void test_set_sorted_unique(void **state)
{
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    static const int order[] = {20270105, 20270101, 20270110, 20270103, 20270101};
    for (size_t i = 0; i < N_CASES(order); i++)
        assert_int_equal(calendar_set_day(cal, order[i], CAL_HOLIDAY, "测试"), 0);
    assert_int_equal(cal->ndays, 4);
    assert_int_equal(cal->days[0].ymd, 20270101);
    assert_int_equal(cal->days[1].ymd, 20270103);
    assert_int_equal(cal->days[2].ymd, 20270105);
    assert_int_equal(cal->days[3].ymd, 20270110);
    /* Replacing keeps one entry and takes the new kind and name. */
    assert_int_equal(calendar_set_day(cal, 20270110, CAL_WORKDAY, "调休上班"), 0);
    assert_int_equal(cal->ndays, 4);
    const struct cal_day *d = calendar_find(cal, 20270110);
    assert_non_null(d);
    assert_int_equal(d->kind, CAL_WORKDAY);
    assert_string_equal(d->name, "调休上班");
    assert_null(calendar_find(cal, 20270102));
    assert_null(calendar_find(cal, 20270111));
    assert_null(calendar_find(cal, 20261231));
    /* Clearing. */
    assert_int_equal(calendar_clear_day(cal, 20270103), 0);
    assert_int_equal(calendar_clear_day(cal, 20270103), ZW_ENOTFOUND);
    assert_int_equal(cal->ndays, 3);
    assert_int_equal(cal->days[1].ymd, 20270105);
    /* NULL name is stored empty; setting a day does not mark its year. */
    assert_int_equal(calendar_set_day(cal, 20270106, CAL_HOLIDAY, NULL), 0);
    assert_string_equal(calendar_find(cal, 20270106)->name, "");
    assert_false(calendar_has_year(cal, 2027));
    free(cal);
}

struct setday_case {
    const char *id;
    int ymd;
    int kind;
    const char *name;
    int rc;
};

static const struct setday_case setday_cases[] = {
    {"cal-2.10 set impossible date", 20270230, CAL_HOLIDAY, "x", ZW_EINVAL},
    {"cal-2.11 set date before 1900", 18990101, CAL_HOLIDAY, "x", ZW_EINVAL},
    {"cal-2.12 set kind 0", 20270101, 0, "x", ZW_EINVAL},
    {"cal-2.13 set kind 3", 20270101, 3, "x", ZW_EINVAL},
    {"cal-2.14 set name of 64 bytes", 20270101, CAL_HOLIDAY,
     "0123456789012345678901234567890123456789012345678901234567890123", ZW_EINVAL},
    {"cal-2.15 set name of 63 bytes", 20270101, CAL_HOLIDAY,
     "012345678901234567890123456789012345678901234567890123456789012", 0},
    {"cal-2.16 set holiday", 20270101, CAL_HOLIDAY, "元旦", 0},
};

static void test_set_day(void **state)
{
    const struct setday_case *c = *state;
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    assert_int_equal(calendar_set_day(cal, c->ymd, c->kind, c->name), c->rc);
    assert_int_equal(cal->ndays, c->rc ? 0 : 1);
    if (c->rc == 0) {
        assert_string_equal(cal->days[0].name, c->name);
        assert_int_equal(cal->days[0].kind, c->kind);
    }
    free(cal);
}

static void test_set_day_full(void **state)
{
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    int ymd = 20000101;
    for (int i = 0; i < CAL_MAX_DAYS; i++, ymd = cal_ymd_add(ymd, 1))
        assert_int_equal(calendar_set_day(cal, ymd, CAL_HOLIDAY, "h"), 0);
    assert_int_equal(cal->ndays, CAL_MAX_DAYS);
    assert_int_equal(calendar_set_day(cal, ymd, CAL_HOLIDAY, "h"), ZW_ETOOBIG);
    /* Replacing an existing day still works when full. */
    assert_int_equal(calendar_set_day(cal, 20000101, CAL_WORKDAY, "w"), 0);
    assert_int_equal(cal->ndays, CAL_MAX_DAYS);
    for (size_t i = 1; i < cal->ndays; i++)
        assert_true(cal->days[i - 1].ymd < cal->days[i].ymd);
    free(cal);
}

static void test_mark_year(void **state)
{
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    assert_false(calendar_has_year(cal, 2026));
    assert_int_equal(calendar_mark_year(cal, 2026), 0);
    assert_int_equal(calendar_mark_year(cal, 2024), 0);
    assert_int_equal(calendar_mark_year(cal, 2026), 0);
    assert_int_equal(cal->nyears, 2);
    assert_int_equal(cal->years[0], 2024);
    assert_int_equal(cal->years[1], 2026);
    assert_true(calendar_has_year(cal, 2026));
    assert_false(calendar_has_year(cal, 2025));
    assert_int_equal(calendar_mark_year(cal, 1899), ZW_EINVAL);
    assert_int_equal(calendar_mark_year(cal, 3000), ZW_EINVAL);
    for (int y = 2100; cal->nyears < CAL_MAX_YEARS; y++)
        assert_int_equal(calendar_mark_year(cal, y), 0);
    assert_int_equal(calendar_mark_year(cal, 2027), ZW_ETOOBIG);
    assert_int_equal(calendar_mark_year(cal, 2024), 0); /* already there */
    free(cal);
}

/* ---- cal-3: working days with the shipped 2025 and 2026 data ---- */

struct workday_case {
    const char *id;
    int ymd;
    bool workday;
};

static const struct workday_case workday_cases[] = {
    {"cal-3.1 2026-02-14 Sat make-up day works", 20260214, true},
    {"cal-3.2 2026-02-15 Sun 春节", 20260215, false},
    {"cal-3.3 2026-02-23 Mon 春节 last day", 20260223, false},
    {"cal-3.4 2026-02-24 Tue back to work", 20260224, true},
    {"cal-3.5 2026-02-28 Sat make-up day works", 20260228, true},
    {"cal-3.6 2026-02-21 Sat inside 春节", 20260221, false},
    {"cal-3.7 2026-03-07 ordinary Saturday", 20260307, false},
    {"cal-3.8 2026-03-09 ordinary Monday", 20260309, true},
    {"cal-3.9 2025-09-28 Sun make-up day works", 20250928, true},
    {"cal-3.10 2025-10-08 Wed 国庆 last day", 20251008, false},
    {"cal-3.11 2025-10-11 Sat make-up day works", 20251011, true},
    {"cal-3.12 2026-01-04 Sun 元旦 make-up", 20260104, true},
    {"cal-3.13 2026-05-09 Sat 劳动节 make-up", 20260509, true},
    {"cal-3.14 2026-09-20 Sun 国庆 make-up", 20260920, true},
    {"cal-3.15 2026-10-10 Sat 国庆 make-up", 20261010, true},
    {"cal-3.16 2026-09-25 Fri 中秋", 20260925, false},
    {"cal-3.17 2026-06-19 Fri 端午", 20260619, false},
    {"cal-3.18 2025-06-02 Mon 端午", 20250602, false},
    {"cal-3.19 2025-04-04 Fri 清明", 20250404, false},
    {"cal-3.20 2027-01-01 Fri: no data, weekday works", 20270101, true},
    {"cal-3.21 2024-10-01 Tue: no data, weekday works", 20241001, true},
};

static void test_is_workday(void **state)
{
    const struct workday_case *c = *state;
    assert_int_equal(calendar_is_workday(shipped, c->ymd), c->workday);
}

struct addwd_case {
    const char *id;
    int from_ymd;
    int hh, mm;
    int n;
    int want_ymd;
    bool missing;
};

static const struct addwd_case addwd_cases[] = {
    {"cal-4.1 2026-02-13 Fri + 1 = Sat 02-14 (make-up)", 20260213, 10, 0, 1, 20260214, false},
    {"cal-4.2 2026-02-13 Fri + 2 = Tue 02-24 across 春节", 20260213, 10, 0, 2, 20260224, false},
    {"cal-4.3 2026-02-14 Sat + 1 = Tue 02-24", 20260214, 9, 30, 1, 20260224, false},
    {"cal-4.4 2026-02-24 + 4 = Sat 02-28 (make-up)", 20260224, 9, 0, 4, 20260228, false},
    {"cal-4.5 2026-02-24 + 5 = Mon 03-02", 20260224, 9, 0, 5, 20260302, false},
    {"cal-4.6 from a 春节 holiday + 1 = 02-24", 20260218, 14, 0, 1, 20260224, false},
    {"cal-4.7 2026-02-10 Tue + 5 working days (12345) = 02-24", 20260210, 8, 0, 5, 20260224, false},
    {"cal-4.8 2025-09-26 Fri + 1 = Sun 09-28 (make-up)", 20250926, 17, 0, 1, 20250928, false},
    {"cal-4.9 2025-09-30 Tue + 1 = Thu 10-09 across 国庆", 20250930, 17, 0, 1, 20251009, false},
    {"cal-4.10 2025-10-09 + 2 = Sat 10-11 (make-up)", 20251009, 8, 0, 2, 20251011, false},
    {"cal-4.11 2025-10-11 Sat + 1 = Mon 10-13", 20251011, 8, 0, 1, 20251013, false},
    {"cal-4.12 2025-09-26 + 5 working days = Fri 10-10", 20250926, 8, 0, 5, 20251010, false},
    {"cal-4.13 2025-12-31 + 1 = Sun 2026-01-04 (元旦 make-up)", 20251231, 12, 0, 1, 20260104,
     false},
    {"cal-4.14 2026-04-30 + 1 = Wed 05-06 across 劳动节", 20260430, 12, 0, 1, 20260506, false},
    {"cal-4.15 2026-04-30 + 4 = Sat 05-09 (make-up)", 20260430, 12, 0, 4, 20260509, false},
    {"cal-4.16 2025-01-24 Fri + 1 = Sun 01-26 (make-up)", 20250124, 12, 0, 1, 20250126, false},
    {"cal-4.17 2025-01-24 Fri + 3 = Wed 02-05 across 春节", 20250124, 12, 0, 3, 20250205, false},
    {"cal-4.18 n = 0 gives from, even on a holiday", 20260216, 11, 11, 0, 20260216, false},
    {"cal-4.19 time of day kept near midnight", 20260213, 23, 59, 1, 20260214, false},
    {"cal-4.20 local date counts, not UTC (00:30 Sat)", 20260214, 0, 30, 1, 20260224, false},
    {"cal-4.21 2026-12-31 + 1 into 2027: no data", 20261231, 9, 0, 1, 20270101, true},
    {"cal-4.22 2027-01-01 Fri + 1 = Mon 01-04, no data", 20270101, 9, 0, 1, 20270104, true},
    {"cal-4.23 2024-12-31 + 1 = 2025-01-02: 2024 not crossed", 20241231, 9, 0, 1, 20250102, false},
    {"cal-4.24 2024-12-30 + 1 = 2024-12-31: no data", 20241230, 9, 0, 1, 20241231, true},
    {"cal-4.25 n < 0 gives from", 20260213, 10, 0, -3, 20260213, false},
};

static void test_add_workdays(void **state)
{
    const struct addwd_case *c = *state;
    int64_t from = at(c->from_ymd, c->hh, c->mm, 0);
    bool missing = !c->missing;
    int64_t got = calendar_add_workdays(shipped, from, c->n, &missing);
    char want_s[11], got_s[11];
    cal_format_date(c->want_ymd, want_s);
    cal_format_date(cal_local_ymd(got), got_s);
    assert_string_equal(got_s, want_s);
    assert_int_equal(got, at(c->want_ymd, c->hh, c->mm, 0));
    assert_int_equal(missing, c->missing);
    /* NULL missing_year is allowed and gives the same instant. */
    assert_int_equal(calendar_add_workdays(shipped, from, c->n, NULL), got);
}

static void test_add_workdays_empty(void **state)
{
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    bool missing = false;
    /* Weekends only: Fri + 1 = Mon, and the make-up Saturday does not count. */
    int64_t got = calendar_add_workdays(cal, at(20260213, 10, 0, 0), 1, &missing);
    assert_int_equal(got, at(20260216, 10, 0, 0));
    assert_true(missing);
    missing = false;
    got = calendar_add_workdays(cal, at(20260213, 10, 0, 0), 10, &missing);
    assert_int_equal(got, at(20260227, 10, 0, 0));
    assert_true(missing);
    /* Marking the year without overrides means "official, no holidays": not missing. */
    assert_int_equal(calendar_mark_year(cal, 2026), 0);
    missing = true;
    got = calendar_add_workdays(cal, at(20260213, 10, 0, 0), 1, &missing);
    assert_int_equal(got, at(20260216, 10, 0, 0));
    assert_false(missing);
    free(cal);
}

static void test_add_workdays_bounded(void **state)
{
    /* A huge n stops at 9999-12-31 instead of looping for ever or overflowing. */
    bool missing = false;
    int64_t got = calendar_add_workdays(shipped, at(20260101, 0, 0, 0), 2147483647, &missing);
    assert_int_equal(cal_local_ymd(got), 99991231);
    assert_true(missing);
}

static void test_add_days(void **state)
{
    int64_t from = at(20260213, 10, 0, 0);
    assert_int_equal(calendar_add_days(from, 0), from);
    assert_int_equal(calendar_add_days(from, 15), at(20260228, 10, 0, 0));
    assert_int_equal(calendar_add_days(from, -13), at(20260131, 10, 0, 0));
    assert_int_equal(calendar_add_days(INT64_MAX - 10, 1), INT64_MAX);
    assert_int_equal(calendar_add_days(INT64_MIN + 10, -1), INT64_MIN);
}

struct count_case {
    const char *id;
    int a, b;
    int want;
};

static const struct count_case count_cases[] = {
    {"cal-5.1 (02-13, 02-28] 2026", 20260213, 20260228, 6},
    {"cal-5.2 (09-30, 10-12] 2025", 20250930, 20251012, 3},
    {"cal-5.3 (a, a] is empty", 20260213, 20260213, 0},
    {"cal-5.4 b before a is 0", 20260228, 20260213, 0},
    {"cal-5.5 whole of 2026: 248 working days", 20251231, 20261231, 248},
    {"cal-5.6 whole of 2025: 248 working days", 20241231, 20251231, 248},
    {"cal-5.7 a week of 2027 (no data)", 20270103, 20270110, 5},
    {"cal-5.8 (Fri, Sat make-up]", 20260213, 20260214, 1},
};

static void test_count(void **state)
{
    const struct count_case *c = *state;
    assert_int_equal(calendar_count_workdays(shipped, c->a, c->b), c->want);
}

/* ---- cal-6: loading ---- */

static void test_shipped(void **state)
{
    assert_int_equal(shipped->nyears, 2);
    assert_int_equal(shipped->years[0], 2025);
    assert_int_equal(shipped->years[1], 2026);
    /* 2025: 27 holiday days + 5 make-up days; 2026: 33 + 6. */
    size_t n2025 = 0, n2026 = 0, work2025 = 0, work2026 = 0;
    for (size_t i = 0; i < shipped->ndays; i++) {
        const struct cal_day *d = &shipped->days[i];
        if (i > 0)
            assert_true(shipped->days[i - 1].ymd < d->ymd);
        assert_true(d->name[0] != '\0');
        if (d->ymd / 10000 == 2025) {
            n2025++;
            work2025 += d->kind == CAL_WORKDAY;
        } else {
            assert_int_equal(d->ymd / 10000, 2026);
            n2026++;
            work2026 += d->kind == CAL_WORKDAY;
        }
        if (d->kind == CAL_WORKDAY) {
            int wd = cal_weekday(d->ymd);
            assert_true(wd == 0 || wd == 6);
        }
    }
    assert_int_equal(n2025, 33);
    assert_int_equal(work2025, 5);
    assert_int_equal(n2026, 39);
    assert_int_equal(work2026, 6);
    const struct cal_day *d = calendar_find(shipped, 20261007);
    assert_non_null(d);
    assert_string_equal(d->name, "国庆节");
    assert_int_equal(d->kind, CAL_HOLIDAY);
    d = calendar_find(shipped, 20260214);
    assert_non_null(d);
    assert_string_equal(d->name, "春节调休上班");
    assert_int_equal(d->kind, CAL_WORKDAY);
    d = calendar_find(shipped, 20250128);
    assert_non_null(d);
    assert_string_equal(d->name, "春节");
}

/* Reloading a year replaces its days and leaves other years alone. */
static void test_reload_replaces(void **state)
{
    struct calendar *cal = malloc(sizeof(*cal));
    assert_non_null(cal);
    memcpy(cal, shipped, sizeof(*cal));
    static const char doc[] = "{\"year\":2026,\"source\":\"测试\",\"days\":["
                              "{\"date\":\"2026-03-02\",\"kind\":\"holiday\",\"name\":\"测试假\"},"
                              "{\"date\":\"2026-01-01\",\"kind\":\"holiday\",\"name\":\"元旦\"}]}";
    struct error err = {0};
    assert_int_equal(calendar_load_json(cal, doc, sizeof(doc) - 1, &err), 0);
    assert_int_equal(cal->ndays, 33 + 2);
    assert_null(calendar_find(cal, 20260214));
    assert_non_null(calendar_find(cal, 20250128));
    assert_string_equal(calendar_find(cal, 20260302)->name, "测试假");
    assert_int_equal(cal->days[33].ymd, 20260101);
    assert_int_equal(cal->days[34].ymd, 20260302);
    assert_int_equal(cal->nyears, 2);
    /* An empty year is fine: official, no overrides. */
    static const char empty[] = "{\"year\":2027,\"days\":[]}";
    assert_int_equal(calendar_load_json(cal, empty, sizeof(empty) - 1, &err), 0);
    assert_true(calendar_has_year(cal, 2027));
    assert_int_equal(cal->ndays, 35);
    free(cal);
}

struct bad_case {
    const char *id;
    const char *doc;
    int rc;
    const char *field; /* NULL: err.field must be NULL */
};

#define DAY_OK "{\"date\":\"2026-03-02\",\"kind\":\"holiday\",\"name\":\"x\"}"

static const struct bad_case bad_cases[] = {
    {"cal-6.1 not JSON", "holidays", ZW_EJSON, NULL},
    {"cal-6.2 empty text", "", ZW_EJSON, NULL},
    {"cal-6.3 trailing garbage", "{\"year\":2026,\"days\":[]} x", ZW_EJSON, NULL},
    {"cal-6.4 duplicate key", "{\"year\":2026,\"year\":2027,\"days\":[]}", ZW_EJSON, NULL},
    {"cal-6.5 top level array", "[]", ZW_EINVAL, NULL},
    {"cal-6.6 year missing", "{\"days\":[]}", ZW_EINVAL, "year"},
    {"cal-6.7 year a string", "{\"year\":\"2026\",\"days\":[]}", ZW_EINVAL, "year"},
    {"cal-6.8 year 1899", "{\"year\":1899,\"days\":[]}", ZW_EINVAL, "year"},
    {"cal-6.9 year a real", "{\"year\":2026.0,\"days\":[]}", ZW_EINVAL, "year"},
    {"cal-6.10 days missing", "{\"year\":2026}", ZW_EINVAL, "days"},
    {"cal-6.11 days an object", "{\"year\":2026,\"days\":{}}", ZW_EINVAL, "days"},
    {"cal-6.12 day not an object", "{\"year\":2026,\"days\":[" DAY_OK ",\"2026-03-03\"]}",
     ZW_EINVAL, "days"},
    {"cal-6.13 date one-digit month",
     "{\"year\":2026,\"days\":[" DAY_OK ",{\"date\":\"2026-3-03\",\"kind\":\"holiday\",\"name\":"
     "\"x\"}]}",
     ZW_EINVAL, "date"},
    {"cal-6.14 impossible date",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-02-30\",\"kind\":"
     "\"holiday\",\"name\":\"x\"}]}",
     ZW_EINVAL, "date"},
    {"cal-6.15 date in another year",
     "{\"year\":2026,\"days\":[{\"date\":\"2025-12-31\",\"kind\":"
     "\"holiday\",\"name\":\"x\"}]}",
     ZW_EINVAL, "date"},
    {"cal-6.16 date a number",
     "{\"year\":2026,\"days\":[{\"date\":20260302,\"kind\":"
     "\"holiday\",\"name\":\"x\"}]}",
     ZW_EINVAL, "date"},
    {"cal-6.17 unknown kind",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"kind\":"
     "\"vacation\",\"name\":\"x\"}]}",
     ZW_EINVAL, "kind"},
    {"cal-6.18 kind missing", "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"name\":\"x\"}]}",
     ZW_EINVAL, "kind"},
    {"cal-6.19 make-up day on a Friday",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-02-13\","
     "\"kind\":\"workday\",\"name\":\"x\"}]}",
     ZW_EINVAL, "kind"},
    {"cal-6.20 name missing",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"kind\":\"holiday\"}]}", ZW_EINVAL,
     "name"},
    {"cal-6.21 name empty",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"kind\":"
     "\"holiday\",\"name\":\"\"}]}",
     ZW_EINVAL, "name"},
    {"cal-6.22 name of 66 bytes",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"kind\":"
     "\"holiday\",\"name\":\"一二三四五六七八九十一二三四五六七八九"
     "十一二\"}]}",
     ZW_EINVAL, "name"},
    {"cal-6.23 name a number",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"kind\":"
     "\"holiday\",\"name\":7}]}",
     ZW_EINVAL, "name"},
    {"cal-6.24 same date twice",
     "{\"year\":2026,\"days\":[" DAY_OK ",{\"date\":\"2026-03-01\","
     "\"kind\":\"holiday\",\"name\":\"y\"}," DAY_OK "]}",
     ZW_EINVAL, "date"},
    {"cal-6.25 unknown top-level key", "{\"year\":2026,\"days\":[],\"note\":\"x\"}", ZW_EINVAL,
     NULL},
    {"cal-6.26 unknown day key",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"kind\":"
     "\"holiday\",\"name\":\"x\",\"paid\":true}]}",
     ZW_EINVAL, "days"},
    {"cal-6.27 source not a string", "{\"year\":2026,\"source\":12,\"days\":[]}", ZW_EINVAL,
     "source"},
    {"cal-6.28 NUL escape in name",
     "{\"year\":2026,\"days\":[{\"date\":\"2026-03-02\",\"kind\":"
     "\"holiday\",\"name\":\"a\\u0000b\"}]}",
     ZW_EJSON, NULL},
    {"cal-6.29 good first day, bad last day",
     "{\"year\":2026,\"days\":[" DAY_OK ",{\"date\":\"2026-03-03\",\"kind\":\"off\","
     "\"name\":\"x\"}]}",
     ZW_EINVAL, "kind"},
};

/* A calendar with both shipped years and a hand-set day, to check nothing moves on error. */
static struct calendar *busy_calendar(void)
{
    struct calendar *cal = malloc(sizeof(*cal));
    assert_non_null(cal);
    memcpy(cal, shipped, sizeof(*cal));
    assert_int_equal(calendar_set_day(cal, 20270101, CAL_HOLIDAY, "元旦"), 0);
    return cal;
}

static void test_load_bad(void **state)
{
    const struct bad_case *c = *state;
    struct calendar *cal = busy_calendar();
    struct calendar *before = malloc(sizeof(*before));
    assert_non_null(before);
    memcpy(before, cal, sizeof(*cal));
    struct error err = {0};
    int rc = calendar_load_json(cal, c->doc, strlen(c->doc), &err);
    assert_int_equal(rc, c->rc);
    assert_int_equal(err.code, c->rc);
    if (c->field) {
        assert_non_null(err.field);
        assert_string_equal(err.field, c->field);
    } else {
        assert_null(err.field);
    }
    assert_true(err.message[0] != '\0');
    assert_memory_equal(cal, before, sizeof(*cal));
    free(before);
    free(cal);
}

static void test_load_too_many_days(void **state)
{
    /* 367 entries cannot be unique dates of one year. */
    char *doc = malloc(64 * 1024);
    assert_non_null(doc);
    size_t n = (size_t)snprintf(doc, 64, "{\"year\":2026,\"days\":[");
    for (int i = 0; i < 367; i++)
        n += (size_t)snprintf(doc + n, 64 * 1024 - n, "%s" DAY_OK, i ? "," : "");
    n += (size_t)snprintf(doc + n, 64 * 1024 - n, "]}");
    struct calendar *cal = busy_calendar();
    size_t ndays = cal->ndays;
    struct error err = {0};
    assert_int_equal(calendar_load_json(cal, doc, n, &err), ZW_EINVAL);
    assert_string_equal(err.field, "days");
    assert_int_equal(cal->ndays, ndays);
    free(cal);
    free(doc);
}

static void test_load_capacity(void **state)
{
    /* A calendar one day short of full refuses a year that adds two days, unchanged. */
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    int ymd = 20280101;
    while (cal->ndays < CAL_MAX_DAYS - 1) {
        assert_int_equal(calendar_set_day(cal, ymd, CAL_HOLIDAY, "h"), 0);
        ymd = cal_ymd_add(ymd, 1);
    }
    static const char doc[] = "{\"year\":2026,\"days\":[" DAY_OK ",{\"date\":\"2026-03-03\","
                              "\"kind\":\"holiday\",\"name\":\"y\"}]}";
    struct error err = {0};
    assert_int_equal(calendar_load_json(cal, doc, sizeof(doc) - 1, &err), ZW_ETOOBIG);
    assert_int_equal(cal->ndays, CAL_MAX_DAYS - 1);
    assert_false(calendar_has_year(cal, 2026));
    /* One day fits exactly. */
    static const char one[] = "{\"year\":2026,\"days\":[" DAY_OK "]}";
    assert_int_equal(calendar_load_json(cal, one, sizeof(one) - 1, &err), 0);
    assert_int_equal(cal->ndays, CAL_MAX_DAYS);
    assert_int_equal(cal->days[0].ymd, 20260302);
    assert_true(calendar_has_year(cal, 2026));
    /* Full of years: a new year is refused, a known one reloads. */
    free(cal);
    cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    for (int y = 2100; cal->nyears < CAL_MAX_YEARS; y++)
        assert_int_equal(calendar_mark_year(cal, y), 0);
    assert_int_equal(calendar_load_json(cal, one, sizeof(one) - 1, &err), ZW_ETOOBIG);
    assert_int_equal(cal->ndays, 0);
    free(cal);
}

static const struct plain_case plain_cases[] = {
    {"cal-1.80 local midnight round trip", test_local_midnight},
    {"cal-1.81 format", test_format},
    {"cal-1.82 every day 1900-2999 consistent", test_day_walk},
    {"cal-2.1 empty calendar counts weekdays only", test_empty},
    {"cal-2.2 set keeps days sorted and unique, clear", test_set_sorted_unique},
    {"cal-2.20 set refuses past CAL_MAX_DAYS", test_set_day_full},
    {"cal-2.21 mark year", test_mark_year},
    {"cal-4.30 no data counts weekends only and sets missing_year", test_add_workdays_empty},
    {"cal-4.31 huge n is bounded", test_add_workdays_bounded},
    {"cal-4.32 add calendar days", test_add_days},
    {"cal-6.40 shipped 2025 and 2026 files", test_shipped},
    {"cal-6.41 reload replaces the year", test_reload_replaces},
    {"cal-6.42 more than 366 days refused", test_load_too_many_days},
    {"cal-6.43 capacity checked before any change", test_load_capacity},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(valid_cases) + N_CASES(parse_cases) + N_CASES(weekday_cases) +
                            N_CASES(add_cases) + N_CASES(local_cases) + N_CASES(setday_cases) +
                            N_CASES(workday_cases) + N_CASES(addwd_cases) + N_CASES(count_cases) +
                            N_CASES(bad_cases) + N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_valid, valid_cases);
    n = CASES_ADD(tests, n, test_parse, parse_cases);
    n = CASES_ADD(tests, n, test_weekday, weekday_cases);
    n = CASES_ADD(tests, n, test_ymd_add, add_cases);
    n = CASES_ADD(tests, n, test_local_ymd, local_cases);
    n = CASES_ADD(tests, n, test_set_day, setday_cases);
    n = CASES_ADD(tests, n, test_is_workday, workday_cases);
    n = CASES_ADD(tests, n, test_add_workdays, addwd_cases);
    n = CASES_ADD(tests, n, test_count, count_cases);
    n = CASES_ADD(tests, n, test_load_bad, bad_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
