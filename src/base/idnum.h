/*
 * idnum.h - 公民身份号码 (GB 11643-1999) validation.
 *
 * 18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence
 * (odd = male), one check character computed with ISO 7064 MOD 11-2.
 * Lower-case 'x' is accepted and normalised to 'X'.
 */
#ifndef ZW_IDNUM_H
#define ZW_IDNUM_H

#include <time.h>

#include "error.h"

struct idnum_info {
    char number[19]; /* normalised, NUL-terminated */
    char region[7];  /* the 6-digit address code */
    int year, month, day;
    char sex; /* 'M' or 'F' */
};

/*
 * Validates s (NUL-terminated, surrounding spaces not allowed) against
 * GB 11643: length, digits, a real calendar date not after `today` (a UTC
 * instant; the date is taken in Asia/Shanghai) and not before 1900-01-01,
 * and the check character.  On success fills *out and returns 0; otherwise
 * returns ZW_EINVAL with err->field = "id_number" and a Chinese message that
 * says which rule failed (长度, 出生日期, 校验位 ...).
 */
int idnum_parse(const char *s, time_t today, struct idnum_info *out, struct error *err);

/* The check character ('0'-'9' or 'X') for the first 17 digits of s. */
char idnum_check_char(const char *first17);

/*
 * Writes a masked copy for lists and exports: first 6 and last 4 kept, the
 * rest '*' (e.g. 500236********123X).  dst must hold 19 bytes.  Strings that
 * are not 18 characters are masked entirely except the last 2.
 */
void idnum_mask(const char *s, char dst[19]);

#endif
