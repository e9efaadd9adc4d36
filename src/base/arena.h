/*
 * arena.h - a per-request bump allocator (the nginx/h2o pool idiom).
 *
 * Memory handed out by an arena lives until arena_release(); nothing is freed
 * one by one.  Allocation never returns NULL: running past ZW_ARENA_MAX_BYTES
 * or out of memory aborts, as redis' zmalloc does, because a request that
 * needs 64 MB of scratch is a bug, not input to recover from.
 * A zero-initialised struct arena is a valid empty arena.
 */
#ifndef ZW_ARENA_H
#define ZW_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head; /* current block; older ones chained behind */
    size_t total;             /* bytes allocated from the system so far */
};

/* Returns size bytes aligned for any type; arena-owned. */
void *arena_alloc(struct arena *a, size_t size);
/* Like arena_alloc, zero-filled. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Copies of strings, arena-owned and NUL-terminated. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Frees every block; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);

#endif
