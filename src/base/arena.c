/* arena.c - per-request bump allocator; see arena.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "limits.h"
#include "log.h"
#include "banned.h"

struct arena_block {
    struct arena_block *prev;
    size_t cap;
    size_t used;
    max_align_t data[]; /* aligned payload */
};

#define ARENA_ALIGN (sizeof(max_align_t))

void *arena_alloc(struct arena *a, size_t size)
{
    size_t need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (need < size)
        log_fatal("arena: size overflow");
    if (a->head && a->head->cap - a->head->used >= need) {
        void *p = (char *)a->head->data + a->head->used;
        a->head->used += need;
        return p;
    }
    size_t cap = need > ZW_ARENA_BLOCK_BYTES ? need : ZW_ARENA_BLOCK_BYTES;
    if (cap > ZW_ARENA_MAX_BYTES || a->total > ZW_ARENA_MAX_BYTES - cap)
        log_fatal("arena: request needs more than %d bytes", ZW_ARENA_MAX_BYTES);
    struct arena_block *b = malloc(sizeof(*b) + cap);
    if (!b)
        log_fatal("arena: out of memory");
    b->prev = a->head;
    b->cap = cap;
    b->used = need;
    a->head = b;
    a->total += cap;
    return b->data;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        log_fatal("arena: calloc overflow");
    void *p = arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        log_fatal("arena: bad format");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_release(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    a->head = NULL;
    a->total = 0;
}
