/*
 * calendar.h - the working-day calendar and instant arithmetic.
 *
 * Dates are integers yyyymmdd.  Instants are UTC epoch seconds; the local
 * date of an instant is taken in Asia/Shanghai (UTC+8, no daylight saving).
 * A calendar holds, per year, the State Council's holidays (days off that
 * would be working days) and make-up working days (调休: weekend days that are
 * worked).  A year with no data counts weekends only; functions report that
 * through *missing_year so the caller can warn.
 *
 * A calendar is a plain value: not thread-safe by itself.  Readers and the
 * admin who edits it are serialised by the owner (see domain/calendar).
 * A zero-initialised struct calendar is a valid empty calendar.
 */
#ifndef ZW_CALENDAR_H
#define ZW_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define CAL_TZ_OFFSET_S (8 * 3600)
#define CAL_MAX_YEARS   64
#define CAL_MAX_DAYS    2048
#define CAL_NAME_BYTES  64

enum cal_kind { CAL_HOLIDAY = 1, CAL_WORKDAY = 2 };

struct cal_day {
    int ymd;
    int kind; /* enum cal_kind */
    char name[CAL_NAME_BYTES];
};

struct calendar {
    struct cal_day days[CAL_MAX_DAYS]; /* sorted by ymd, unique */
    size_t ndays;
    int years[CAL_MAX_YEARS]; /* years that have official data, sorted */
    size_t nyears;
};

/* true if ymd is a real Gregorian date between 1900-01-01 and 2999-12-31. */
bool cal_valid_ymd(int ymd);
/* The value of the n decimal digits at s, or -1 if one of them is not a digit. */
int cal_digits(const char *s, int n);
/* Parses "YYYY-MM-DD" into ymd; returns 0 or ZW_EINVAL. */
int cal_parse_date(const char *s, int *ymd);
/* Formats ymd as "YYYY-MM-DD"; dst must hold 11 bytes. */
void cal_format_date(int ymd, char dst[11]);
/* Day of week of ymd, 0 = Sunday .. 6 = Saturday. */
int cal_weekday(int ymd);
/* ymd plus n calendar days (n may be negative). */
int cal_ymd_add(int ymd, int n);
/* Local (Asia/Shanghai) date of a UTC instant, and the UTC instant of local midnight of ymd. */
int cal_local_ymd(int64_t instant);
int64_t cal_local_midnight(int ymd);

/* Adds or replaces one day; returns 0, ZW_EINVAL (bad date or kind) or ZW_ETOOBIG. */
int calendar_set_day(struct calendar *cal, int ymd, int kind, const char *name);
/* Removes the override of ymd, if any; returns 0 or ZW_ENOTFOUND. */
int calendar_clear_day(struct calendar *cal, int ymd);
/* Records that year has official data (even when it has no overrides). */
int calendar_mark_year(struct calendar *cal, int year);
bool calendar_has_year(const struct calendar *cal, int year);
/* The override of ymd or NULL. */
const struct cal_day *calendar_find(const struct calendar *cal, int ymd);

/*
 * Loads one year from the JSON text of defs/calendar/YYYY.json:
 *   {"year":2026,"source":"...","days":[{"date":"2026-01-01","kind":"holiday","name":"元旦"},...]}
 * kind is "holiday" or "workday"; every date must fall in that year.
 * Returns 0 or ZW_EINVAL / ZW_EJSON with err filled; the calendar is unchanged on error.
 */
int calendar_load_json(struct calendar *cal, const char *text, size_t len, struct error *err);

/* true if ymd is a working day: a weekday not a holiday, or a make-up day. */
bool calendar_is_workday(const struct calendar *cal, int ymd);

/*
 * The instant n working days after `from` (n >= 0): the same local time of
 * day on the n-th working day after from's local date (n = 0 gives from).
 * *missing_year (if not NULL) is set true when a year crossed has no data.
 */
int64_t calendar_add_workdays(const struct calendar *cal, int64_t from, int n, bool *missing_year);
/* The instant n calendar days after from (n may be negative). */
int64_t calendar_add_days(int64_t from, int n);
/* Working days in the local dates (a, b]: 0 if b <= a. */
int calendar_count_workdays(const struct calendar *cal, int a_ymd, int b_ymd);

#endif
