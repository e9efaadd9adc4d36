/*
 * mask.h - masking personal data for lists, exports and public pages.
 *
 * Masked values keep enough to recognise a record (the first and last
 * characters) and hide the rest with '*'.  See idnum_mask for ID numbers.
 */
#ifndef ZW_MASK_H
#define ZW_MASK_H

#include <stddef.h>

/* 13800000001 -> 138****0001; shorter numbers keep their last 2 digits. dst holds 40 bytes. */
void mask_phone(const char *phone, char dst[40]);
#define MASK_NAME_MAX 64
/*
 * A name for a public page: 张三丰 -> 张*丰, 欧阳娜娜 -> 欧**娜, 张三 -> 张*; the
 * first and last characters kept, at most 8 stars; one character -> "*".
 */
void mask_name(const char *name, char dst[MASK_NAME_MAX]);
/* Number of UTF-8 characters (code points) in s. */
size_t utf8_chars(const char *s);
/*
 * Cuts a string that snprintf may have truncated back to its last whole UTF-8
 * character, so it stays valid UTF-8 (messages go into JSON).
 */
void utf8_trim_end(char *s);
/*
 * Makes s valid UTF-8 in place: a character cut at the end is dropped, and
 * every other byte that does not belong to a well-formed character (a cut
 * in the middle, a byte of another encoding, a surrogate) becomes '?'.  For
 * messages built from what a user sent (they go into JSON and the log).
 */
void utf8_repair(char *s);

#endif
