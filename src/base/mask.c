/* mask.c - masking personal data; see mask.h. */
#include <stdio.h>
#include <string.h>

#include "mask.h"
#include "banned.h"

void mask_phone(const char *phone, char dst[40])
{
    size_t len = phone ? strlen(phone) : 0;
    if (len == 0) {
        dst[0] = '\0';
        return;
    }
    if (len >= 39)
        len = 39;
    size_t keep_head = len >= 11 ? 3 : 0, keep_tail = len >= 11 ? 4 : (len > 2 ? 2 : 0);
    for (size_t i = 0; i < len; i++)
        dst[i] = (i < keep_head || i >= len - keep_tail) ? phone[i] : '*';
    dst[len] = '\0';
}

size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

void utf8_trim_end(char *s)
{
    size_t n = strlen(s), i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < want)
        s[i - 1] = '\0';
}

/* Length of the well-formed UTF-8 character at s, or 0 if it is not one (RFC 3629). */
static size_t well_formed(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

void utf8_repair(char *s)
{
    utf8_trim_end(s);
    for (unsigned char *p = (unsigned char *)s; *p;) {
        size_t n = well_formed(p);
        if (n)
            p += n;
        else
            *p++ = '?';
    }
}

/* Bytes of the UTF-8 character at s (1 for a stray continuation byte). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (!s[i])
            return i;
    return n;
}

void mask_name(const char *name, char dst[MASK_NAME_MAX])
{
    dst[0] = '\0';
    if (!name || !*name)
        return;
    size_t n = utf8_chars(name);
    size_t first = char_len(name), len = strlen(name);
    if (first >= len || n < 2) { /* one character: shown as 某 would be a lie; keep a star */
        snprintf(dst, MASK_NAME_MAX, "*");
        return;
    }
    size_t last = len;
    do
        last--;
    while (last > 0 && ((unsigned char)name[last] & 0xC0) == 0x80);
    size_t stars = n == 2 ? 1 : n - 2;
    if (stars > 8)
        stars = 8;
    char mid[9];
    memset(mid, '*', stars);
    mid[stars] = '\0';
    if (n == 2)
        snprintf(dst, MASK_NAME_MAX, "%.*s*", (int)first, name);
    else
        snprintf(dst, MASK_NAME_MAX, "%.*s%s%s", (int)first, name, mid, name + last);
    utf8_trim_end(dst);
}
