/*
 * calendar.c - Gregorian date arithmetic on yyyymmdd integers and the
 * working-day calendar (holidays and 调休 make-up days); see calendar.h.
 *
 * Dates are converted to a day number (days since 1970-01-01) with Howard
 * Hinnant's days_from_civil / civil_from_days algorithms, in 64-bit integers,
 * so that no libc time zone function is involved.  Results that would fall
 * outside the years 1..9999 saturate at 0001-01-01 or 9999-12-31: such dates
 * only arise from nonsense input, and saturating keeps every loop bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "log.h"
#include "banned.h"

#define SECS_PER_DAY      86400
#define YMD_MIN           10101    /* 0001-01-01 */
#define YMD_MAX           99991231 /* 9999-12-31 */
#define YEAR_MIN          1900     /* first year cal_valid_ymd accepts */
#define YEAR_MAX          2999
#define DAYS_PER_YEAR_MAX 366

/* Floor division and modulo for a positive divisor. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return mdays[m - 1];
}

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m in 1..12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The yyyymmdd of day number z, saturated to the years 1..9999. */
static int ymd_from_days(int64_t z)
{
    static const int64_t zmin = -719162; /* 0001-01-01 */
    static const int64_t zmax = 2932896; /* 9999-12-31 */
    if (z <= zmin)
        return YMD_MIN;
    if (z >= zmax)
        return YMD_MAX;
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    y += m <= 2;
    return (int)(y * 10000 + m * 100 + d);
}

/*
 * Day number of ymd.  A month or day outside its range is clamped into it,
 * so that garbage input still yields a date near what was meant and every
 * caller's loop stays bounded; valid dates are converted exactly.
 */
static int64_t ymd_to_days(int ymd)
{
    if (ymd < YMD_MIN)
        ymd = YMD_MIN;
    if (ymd > YMD_MAX)
        ymd = YMD_MAX;
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (m < 1)
        m = 1;
    if (m > 12)
        m = 12;
    if (d < 1)
        d = 1;
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    return days_from_civil(y, m, d);
}

bool cal_valid_ymd(int ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1)
        return false;
    return d <= days_in_month(y, m);
}

int cal_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int cal_parse_date(const char *s, int *ymd)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return ZW_EINVAL;
    int y = cal_digits(s, 4), m = cal_digits(s + 5, 2), d = cal_digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        return ZW_EINVAL;
    int v = y * 10000 + m * 100 + d;
    if (!cal_valid_ymd(v))
        return ZW_EINVAL;
    *ymd = v;
    return 0;
}

void cal_format_date(int ymd, char dst[11])
{
    unsigned y = (unsigned)(ymd / 10000) % 10000u, m = (unsigned)(ymd / 100 % 100) % 100u;
    unsigned d = (unsigned)(ymd % 100) % 100u;
    /* By hand: snprintf costs more than the rest of an import row's date work. */
    dst[0] = (char)('0' + y / 1000);
    dst[1] = (char)('0' + y / 100 % 10);
    dst[2] = (char)('0' + y / 10 % 10);
    dst[3] = (char)('0' + y % 10);
    dst[4] = '-';
    dst[5] = (char)('0' + m / 10);
    dst[6] = (char)('0' + m % 10);
    dst[7] = '-';
    dst[8] = (char)('0' + d / 10);
    dst[9] = (char)('0' + d % 10);
    dst[10] = '\0';
}

int cal_weekday(int ymd)
{
    /* 1970-01-01 was a Thursday. */
    return (int)floor_mod(ymd_to_days(ymd) + 4, 7);
}

int cal_ymd_add(int ymd, int n)
{
    return ymd_from_days(ymd_to_days(ymd) + n);
}

int cal_local_ymd(int64_t instant)
{
    /* floor((instant + offset) / day) without overflowing near INT64_MAX. */
    int64_t days = floor_div(instant, SECS_PER_DAY);
    if (floor_mod(instant, SECS_PER_DAY) + CAL_TZ_OFFSET_S >= SECS_PER_DAY)
        days++;
    return ymd_from_days(days);
}

int64_t cal_local_midnight(int ymd)
{
    return ymd_to_days(ymd) * SECS_PER_DAY - CAL_TZ_OFFSET_S;
}

/* Seconds since local midnight of instant, in [0, 86400). */
static int64_t local_time_of_day(int64_t instant)
{
    return (floor_mod(instant, SECS_PER_DAY) + CAL_TZ_OFFSET_S) % SECS_PER_DAY;
}

/* Index of the first day >= ymd in cal->days (binary search). */
static size_t day_lower_bound(const struct calendar *cal, int ymd)
{
    size_t lo = 0, hi = cal->ndays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->days[mid].ymd < ymd)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct cal_day *calendar_find(const struct calendar *cal, int ymd)
{
    size_t i = day_lower_bound(cal, ymd);
    return i < cal->ndays && cal->days[i].ymd == ymd ? &cal->days[i] : NULL;
}

static bool valid_kind(int kind)
{
    return kind == CAL_HOLIDAY || kind == CAL_WORKDAY;
}

/*
 * Adds or replaces one day.  name may be NULL (stored as "").  A name that
 * does not fit CAL_NAME_BYTES - 1 bytes is refused with ZW_EINVAL rather
 * than cut, since cutting could split a UTF-8 character.  Setting a day does
 * not mark its year as having official data: see calendar_mark_year.
 */
int calendar_set_day(struct calendar *cal, int ymd, int kind, const char *name)
{
    if (!cal_valid_ymd(ymd) || !valid_kind(kind))
        return ZW_EINVAL;
    if (!name)
        name = "";
    size_t nlen = strlen(name);
    if (nlen >= CAL_NAME_BYTES)
        return ZW_EINVAL;
    size_t i = day_lower_bound(cal, ymd);
    if (i == cal->ndays || cal->days[i].ymd != ymd) {
        if (cal->ndays == CAL_MAX_DAYS)
            return ZW_ETOOBIG;
        memmove(&cal->days[i + 1], &cal->days[i], (cal->ndays - i) * sizeof(cal->days[0]));
        cal->ndays++;
    }
    struct cal_day *d = &cal->days[i];
    d->ymd = ymd;
    d->kind = kind;
    memcpy(d->name, name, nlen + 1);
    return 0;
}

int calendar_clear_day(struct calendar *cal, int ymd)
{
    size_t i = day_lower_bound(cal, ymd);
    if (i == cal->ndays || cal->days[i].ymd != ymd)
        return ZW_ENOTFOUND;
    memmove(&cal->days[i], &cal->days[i + 1], (cal->ndays - i - 1) * sizeof(cal->days[0]));
    cal->ndays--;
    return 0;
}

/* Returns 0, ZW_EINVAL (year outside 1900..2999) or ZW_ETOOBIG; marking twice is a no-op. */
int calendar_mark_year(struct calendar *cal, int year)
{
    if (year < YEAR_MIN || year > YEAR_MAX)
        return ZW_EINVAL;
    size_t i = 0;
    while (i < cal->nyears && cal->years[i] < year)
        i++;
    if (i < cal->nyears && cal->years[i] == year)
        return 0;
    if (cal->nyears == CAL_MAX_YEARS)
        return ZW_ETOOBIG;
    memmove(&cal->years[i + 1], &cal->years[i], (cal->nyears - i) * sizeof(cal->years[0]));
    cal->years[i] = year;
    cal->nyears++;
    return 0;
}

bool calendar_has_year(const struct calendar *cal, int year)
{
    for (size_t i = 0; i < cal->nyears; i++)
        if (cal->years[i] == year)
            return true;
    return false;
}

bool calendar_is_workday(const struct calendar *cal, int ymd)
{
    const struct cal_day *d = calendar_find(cal, ymd);
    if (d)
        return d->kind == CAL_WORKDAY;
    int wd = cal_weekday(ymd);
    return wd != 0 && wd != 6;
}

/*
 * *missing_year (if not NULL) is first set false, then true if any date
 * stepped over (after from's date, up to the result) lies in a year without
 * data.  n <= 0 returns from.  The walk stops at 9999-12-31.
 */
int64_t calendar_add_workdays(const struct calendar *cal, int64_t from, int n, bool *missing_year)
{
    if (missing_year)
        *missing_year = false;
    if (n <= 0)
        return from;
    int64_t tod = local_time_of_day(from);
    int ymd = cal_local_ymd(from);
    int checked_year = 0;
    while (n > 0 && ymd < YMD_MAX) {
        ymd = cal_ymd_add(ymd, 1);
        if (ymd / 10000 != checked_year) {
            checked_year = ymd / 10000;
            if (missing_year && !calendar_has_year(cal, checked_year))
                *missing_year = true;
        }
        if (calendar_is_workday(cal, ymd))
            n--;
    }
    return cal_local_midnight(ymd) + tod;
}

/* Saturates at the int64 range instead of overflowing. */
int64_t calendar_add_days(int64_t from, int n)
{
    int64_t r;
    if (__builtin_add_overflow(from, (int64_t)n * SECS_PER_DAY, &r))
        return n > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

int calendar_count_workdays(const struct calendar *cal, int a_ymd, int b_ymd)
{
    int64_t a = ymd_to_days(a_ymd), b = ymd_to_days(b_ymd);
    int count = 0;
    for (int64_t z = a + 1; z <= b; z++)
        if (calendar_is_workday(cal, ymd_from_days(z)))
            count++;
    return count;
}

/* ---- loading defs/calendar/YYYY.json ---- */

static int cmp_day(const void *a, const void *b)
{
    const struct cal_day *x = a, *y = b;
    return (x->ymd > y->ymd) - (x->ymd < y->ymd);
}

/* Validates days[i] of a calendar file into *out; returns 0 or ZW_EINVAL with err set. */
static int load_one_day(json_t *e, size_t i, int year, struct cal_day *out, struct error *err)
{
    if (!json_is_object(e))
        return err_set(err, ZW_EINVAL, "days", "第 %zu 项应为对象", i + 1);
    const char *key;
    json_t *v;
    json_object_foreach(e, key, v)
    {
        if (strcmp(key, "date") != 0 && strcmp(key, "kind") != 0 && strcmp(key, "name") != 0)
            return err_set(err, ZW_EINVAL, "days", "第 %zu 项含有不认识的字段", i + 1);
    }
    json_t *jdate = json_object_get(e, "date");
    json_t *jkind = json_object_get(e, "kind");
    json_t *jname = json_object_get(e, "name");
    int ymd;
    if (!json_is_string(jdate) || cal_parse_date(json_string_value(jdate), &ymd))
        return err_set(err, ZW_EINVAL, "date", "第 %zu 项的日期应为 YYYY-MM-DD 格式的有效日期",
                       i + 1);
    char sdate[11];
    cal_format_date(ymd, sdate);
    if (ymd / 10000 != year)
        return err_set(err, ZW_EINVAL, "date", "第 %zu 项的日期 %s 不在 %d 年内", i + 1, sdate,
                       year);
    const char *kind = json_is_string(jkind) ? json_string_value(jkind) : "";
    if (strcmp(kind, "holiday") == 0)
        out->kind = CAL_HOLIDAY;
    else if (strcmp(kind, "workday") == 0)
        out->kind = CAL_WORKDAY;
    else
        return err_set(err, ZW_EINVAL, "kind",
                       "%s 的类型应为 holiday（放假）或 workday（调休上班）", sdate);
    int wd = cal_weekday(ymd);
    if (out->kind == CAL_WORKDAY && wd != 0 && wd != 6)
        return err_set(err, ZW_EINVAL, "kind", "%s 不是周末，不能设为调休上班日", sdate);
    if (!json_is_string(jname) || json_string_length(jname) == 0)
        return err_set(err, ZW_EINVAL, "name", "%s 缺少名称", sdate);
    size_t nlen = json_string_length(jname);
    if (nlen >= CAL_NAME_BYTES || memchr(json_string_value(jname), '\0', nlen))
        return err_set(err, ZW_EINVAL, "name", "%s 的名称过长或含有无效字符（最多 %d 字节）", sdate,
                       CAL_NAME_BYTES - 1);
    out->ymd = ymd;
    memcpy(out->name, json_string_value(jname), nlen + 1);
    return 0;
}

/* Validates the whole document into days[0..*n) (sorted); returns 0 or an error code. */
static int load_validate(json_t *root, int *year, struct cal_day *days, size_t *n,
                         struct error *err)
{
    if (!json_is_object(root))
        return err_set(err, ZW_EINVAL, NULL, "节假日文件必须是一个 JSON 对象");
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "year") != 0 && strcmp(key, "source") != 0 && strcmp(key, "days") != 0)
            return err_set(err, ZW_EINVAL, NULL, "节假日文件含有不认识的字段");
    }
    json_t *jyear = json_object_get(root, "year");
    if (!json_is_integer(jyear) || json_integer_value(jyear) < YEAR_MIN ||
        json_integer_value(jyear) > YEAR_MAX)
        return err_set(err, ZW_EINVAL, "year", "年份应为 %d 至 %d 之间的整数", YEAR_MIN, YEAR_MAX);
    *year = (int)json_integer_value(jyear);
    json_t *jsource = json_object_get(root, "source");
    if (jsource && !json_is_string(jsource))
        return err_set(err, ZW_EINVAL, "source", "来源（source）应为文本");
    json_t *jdays = json_object_get(root, "days");
    if (!json_is_array(jdays))
        return err_set(err, ZW_EINVAL, "days", "缺少日期列表（days）");
    size_t count = json_array_size(jdays);
    if (count > DAYS_PER_YEAR_MAX)
        return err_set(err, ZW_EINVAL, "days", "日期列表最多 %d 项", DAYS_PER_YEAR_MAX);
    for (size_t i = 0; i < count; i++) {
        int rc = load_one_day(json_array_get(jdays, i), i, *year, &days[i], err);
        if (rc)
            return rc;
    }
    qsort(days, count, sizeof(days[0]), cmp_day);
    for (size_t i = 1; i < count; i++) {
        if (days[i].ymd == days[i - 1].ymd) {
            char sdate[11];
            cal_format_date(days[i].ymd, sdate);
            return err_set(err, ZW_EINVAL, "date", "日期 %s 出现了不止一次", sdate);
        }
    }
    *n = count;
    return 0;
}

/*
 * The loaded year replaces whatever the calendar held for that year: its
 * previous overrides are dropped and the year is marked as having data.
 * Everything is validated, including capacity, before the calendar is touched.
 */
int calendar_load_json(struct calendar *cal, const char *text, size_t len, struct error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        err_set(err, ZW_EJSON, NULL, "节假日文件不是有效的 JSON（第 %d 行第 %d 列）", jerr.line,
                jerr.column);
        return err_detail(err, "calendar json: %s", jerr.text);
    }
    struct cal_day *days = calloc(DAYS_PER_YEAR_MAX, sizeof(*days));
    if (!days)
        log_fatal("calendar: out of memory");
    int year = 0;
    size_t n = 0;
    int rc = load_validate(root, &year, days, &n, err);
    if (rc)
        goto out_free_days;

    size_t lo = day_lower_bound(cal, year * 10000);
    size_t hi = day_lower_bound(cal, (year + 1) * 10000);
    if (cal->ndays - (hi - lo) + n > CAL_MAX_DAYS ||
        (!calendar_has_year(cal, year) && cal->nyears == CAL_MAX_YEARS)) {
        rc = err_set(err, ZW_ETOOBIG, "days", "节假日数据过多，最多 %d 天、%d 个年份", CAL_MAX_DAYS,
                     CAL_MAX_YEARS);
        goto out_free_days;
    }
    /* Replace the block [lo, hi) of this year's days by the n new ones. */
    memmove(&cal->days[lo + n], &cal->days[hi], (cal->ndays - hi) * sizeof(cal->days[0]));
    memcpy(&cal->days[lo], days, n * sizeof(cal->days[0]));
    cal->ndays = cal->ndays - (hi - lo) + n;
    rc = calendar_mark_year(cal, year);

out_free_days:
    free(days);
    json_decref(root);
    return rc;
}
