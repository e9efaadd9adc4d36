/* form.c - application/x-www-form-urlencoded parsing; see form.h. */
#include <string.h>

#include "form.h"
#include "limits.h"
#include "banned.h"

_Static_assert(ZW_MAX_FORM_PARAMS <= 64, "struct http_form holds 64 fields");

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..len) into a new arena string; NULL on a bad escape or a NUL. */
static const char *decode(struct arena *a, const char *s, size_t len)
{
    char *out = arena_alloc(a, len + 1), *p = out;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '+') {
            ch = ' ';
        } else if (ch == '%') {
            int hi = i + 1 < len ? hex(s[i + 1]) : -1, lo = i + 2 < len ? hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return NULL;
            ch = (char)(hi * 16 + lo);
            i += 2;
        }
        if (ch == '\0')
            return NULL;
        *p++ = ch;
    }
    *p = '\0';
    return out;
}

bool http_form_parse(struct arena *a, const char *body, size_t len, struct http_form *f)
{
    f->n = 0;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            if (f->n == ZW_MAX_FORM_PARAMS)
                return false;
            const char *eq = memchr(body + i, '=', end - i);
            size_t nlen = eq ? (size_t)(eq - (body + i)) : end - i;
            const char *name = decode(a, body + i, nlen);
            const char *value = eq ? decode(a, eq + 1, (size_t)(body + end - eq - 1)) : "";
            if (!name || !value)
                return false;
            f->names[f->n] = name;
            f->values[f->n] = value;
            f->n++;
        }
        i = end + 1;
    }
    return true;
}

const char *http_form_get(const struct http_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->names[i], name) == 0)
            return f->values[i];
    return NULL;
}
