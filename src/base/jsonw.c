/* jsonw.c - a flat JSON object written into a struct buf; see jsonw.h. */
#include <inttypes.h>
#include <string.h>

#include "jsonw.h"
#include "banned.h"

/* Appends s[0..n) unless an earlier append failed. */
static void put(struct jsonw *w, const char *s, size_t n)
{
    if (!w->rc)
        w->rc = buf_add(w->b, s, n);
}

void jw_open(struct jsonw *w, struct buf *b)
{
    buf_reset(b);
    w->b = b;
    w->first = true;
    w->rc = 0;
    (void)buf_reserve(b, 512); /* a registry snapshot in one allocation, if b's max allows */
    put(w, "{", 1);
}

static void key(struct jsonw *w, const char *k)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = false;
    put(w, "\"", 1);
    put(w, k, strlen(k));
    put(w, "\":", 2);
}

void jw_str(struct jsonw *w, const char *k, const char *v)
{
    if (!v)
        return;
    key(w, k);
    static const char hex[] = "0123456789abcdef";
    const char *run = v;
    put(w, "\"", 1);
    for (const char *s = v; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\t')
            esc[1] = 't';
        else if (c == '\r')
            esc[1] = 'r';
        else if (c < 0x20) {
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        put(w, run, (size_t)(s - run));
        put(w, esc, n);
        run = s + 1;
    }
    put(w, run, strlen(run));
    put(w, "\"", 1);
}

void jw_int(struct jsonw *w, const char *k, int64_t v)
{
    char num[24];
    char *p = num + sizeof(num);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10));
    if (v < 0)
        *--p = '-';
    key(w, k);
    put(w, p, strlen(p));
}

void jw_id(struct jsonw *w, const char *k, int64_t v)
{
    if (v)
        jw_int(w, k, v);
}

void jw_bool(struct jsonw *w, const char *k, bool v)
{
    key(w, k);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

int jw_close(struct jsonw *w)
{
    put(w, "}", 1);
    return w->rc;
}
