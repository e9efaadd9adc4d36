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
