/*
 * idnum.c - 公民身份号码 (GB 11643-1999) validation and masking; see idnum.h.
 *
 * The birth date is checked against the calendar (calendar.h) and against
 * "today" taken in Asia/Shanghai, the zone every date in zhenwu lives in.
 */
#include <string.h>

#include "calendar.h"
#include "idnum.h"
#include "banned.h"

#define IDNUM_FIELD "id_number"
#define IDNUM_LEN   18

static const int idnum_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char idnum_checks[11] = "10X98765432";

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Returns '\0' if any of the first 17 characters is not a decimal digit. */
char idnum_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(first17[i]))
            return '\0';
        sum += (first17[i] - '0') * idnum_weights[i];
    }
    return idnum_checks[sum % 11];
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool real_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

int idnum_parse(const char *s, time_t today, struct idnum_info *out, struct error *err)
{
    if (!s || strnlen(s, IDNUM_LEN + 1) != IDNUM_LEN)
        return err_set(err, ZW_EINVAL, IDNUM_FIELD, "公民身份号码长度应为 18 位");
    for (int i = 0; i < 17; i++)
        if (!is_digit(s[i]))
            return err_set(err, ZW_EINVAL, IDNUM_FIELD, "公民身份号码前 17 位只能是数字");
    char last = s[17] == 'x' ? 'X' : s[17];
    if (!is_digit(last) && last != 'X')
        return err_set(err, ZW_EINVAL, IDNUM_FIELD, "公民身份号码第 18 位（校验位）只能是数字或 X");

    int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
    if (!real_date(y, m, d))
        return err_set(err, ZW_EINVAL, IDNUM_FIELD,
                       "公民身份号码中的出生日期 %04d-%02d-%02d 不是有效日期", y, m, d);
    if (y < 1900)
        return err_set(err, ZW_EINVAL, IDNUM_FIELD,
                       "公民身份号码中的出生日期 %04d-%02d-%02d 早于 1900 年", y, m, d);
    if (y * 10000 + m * 100 + d > cal_local_ymd((int64_t)today))
        return err_set(err, ZW_EINVAL, IDNUM_FIELD,
                       "公民身份号码中的出生日期 %04d-%02d-%02d 晚于今天", y, m, d);
    if (idnum_check_char(s) != last)
        return err_set(err, ZW_EINVAL, IDNUM_FIELD, "公民身份号码校验位不正确，请核对号码");

    memcpy(out->number, s, 17);
    out->number[17] = last;
    out->number[18] = '\0';
    memcpy(out->region, s, 6);
    out->region[6] = '\0';
    out->year = y;
    out->month = m;
    out->day = d;
    out->sex = (s[16] - '0') % 2 ? 'M' : 'F';
    return 0;
}

/* Keeps only ASCII letters and digits in the clear, so that a masked string is valid UTF-8. */
static char mask_keep(char c)
{
    bool alnum = is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    return alnum ? c : '*';
}

/*
 * A string longer than 18 bytes comes out as 16 '*' and its last 2 characters;
 * one of 2 bytes or fewer is masked entirely; NULL gives "".
 */
void idnum_mask(const char *s, char dst[19])
{
    if (!s) {
        dst[0] = '\0';
        return;
    }
    size_t len = strlen(s);
    if (len == IDNUM_LEN) {
        for (size_t i = 0; i < IDNUM_LEN; i++)
            dst[i] = (i < 6 || i >= 14) ? mask_keep(s[i]) : '*';
        dst[IDNUM_LEN] = '\0';
        return;
    }
    size_t out = len > IDNUM_LEN ? IDNUM_LEN : len;
    size_t keep = len > 2 ? 2 : 0;
    for (size_t i = 0; i < out - keep; i++)
        dst[i] = '*';
    for (size_t i = 0; i < keep; i++)
        dst[out - keep + i] = mask_keep(s[len - keep + i]);
    dst[out] = '\0';
}
