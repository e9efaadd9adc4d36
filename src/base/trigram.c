/* trigram.c - trigram similarity of texts; see trigram.h. */
#include <stdlib.h>
#include <string.h>

#include "trigram.h"
#include "banned.h"

/* The next code point of s (advancing *i), or 0 at the end; -1 for an invalid byte. */
static int32_t next_cp(const unsigned char *s, size_t len, size_t *i)
{
    if (*i >= len)
        return 0;
    unsigned char c = s[*i];
    int n = c < 0x80             ? 0
            : (c & 0xe0) == 0xc0 ? 1
            : (c & 0xf0) == 0xe0 ? 2
            : (c & 0xf8) == 0xf0 ? 3
                                 : -1;
    if (n < 0 || *i + (size_t)n >= len) {
        (*i)++;
        return -1;
    }
    int32_t cp = n == 0 ? c : n == 1 ? (c & 0x1f) : n == 2 ? (c & 0x0f) : (c & 0x07);
    for (int k = 1; k <= n; k++) {
        unsigned char d = s[*i + (size_t)k];
        if ((d & 0xc0) != 0x80) {
            (*i)++;
            return -1;
        }
        cp = (cp << 6) | (d & 0x3f);
    }
    *i += (size_t)n + 1;
    return cp;
}

/* Letters, digits and CJK characters count; spaces and punctuation do not. */
static int keep(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    if (cp >= 0x3000 && cp <= 0x303f) /* CJK symbols and punctuation */
        return 0;
    if (cp >= 0xff00 && cp <= 0xffef) { /* full-width forms: keep letters and digits */
        return (cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) ||
               (cp >= 0xff41 && cp <= 0xff5a);
    }
    if (cp >= 0x2000 && cp <= 0x206f) /* general punctuation: “” … — */
        return 0;
    return 1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void trigram_set(struct arena *a, const char *text, struct trigrams *out)
{
    out->v = NULL;
    out->n = 0;
    if (!text)
        return;
    size_t len = strnlen(text, TRIGRAM_MAX_BYTES);
    const unsigned char *s = (const unsigned char *)text;
    int32_t *cps = arena_alloc(a, (len + 1) * sizeof(*cps));
    size_t ncp = 0, i = 0;
    int32_t cp;
    while (i < len) {
        cp = next_cp(s, len, &i);
        if (cp > 0 && keep(cp))
            cps[ncp++] = (cp >= 'A' && cp <= 'Z') ? cp | 0x20 : cp;
    }
    if (ncp == 0)
        return;
    size_t n = ncp >= 3 ? ncp - 2 : 1;
    uint64_t *v = arena_alloc(a, n * sizeof(*v));
    for (size_t k = 0; k < n; k++) {
        uint64_t g0 = (uint64_t)cps[k], g1 = k + 1 < ncp ? (uint64_t)cps[k + 1] : 0,
                 g2 = k + 2 < ncp ? (uint64_t)cps[k + 2] : 0;
        v[k] = g0 << 42 | g1 << 21 | g2;
    }
    qsort(v, n, sizeof(*v), cmp_u64);
    size_t u = 0;
    for (size_t k = 0; k < n; k++)
        if (u == 0 || v[u - 1] != v[k])
            v[u++] = v[k];
    out->v = v;
    out->n = u;
}

static size_t common(const struct trigrams *x, const struct trigrams *y)
{
    size_t i = 0, j = 0, same = 0;
    while (i < x->n && j < y->n) {
        if (x->v[i] == y->v[j]) {
            same++;
            i++;
            j++;
        } else if (x->v[i] < y->v[j]) {
            i++;
        } else {
            j++;
        }
    }
    return same;
}

double trigram_dice(const struct trigrams *x, const struct trigrams *y)
{
    if (!x->n || !y->n)
        return 0;
    return 2.0 * (double)common(x, y) / (double)(x->n + y->n);
}

double trigram_score(const struct trigrams *x, const struct trigrams *y)
{
    size_t small = x->n < y->n ? x->n : y->n;
    if (small < TRIGRAM_MIN_OVERLAP)
        return trigram_dice(x, y);
    return (double)common(x, y) / (double)small;
}

double trigram_similarity(struct arena *a, const char *x, const char *y)
{
    struct trigrams tx, ty;
    trigram_set(a, x, &tx);
    trigram_set(a, y, &ty);
    return trigram_score(&tx, &ty);
}
