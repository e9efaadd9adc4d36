/*
 * indicator_cache.h - the process-wide cache of base indicator values
 * (indicators.c): a value is kept with the data versions (store.h) of the
 * tables it read and is served while they are unchanged.  Thread-safe;
 * fixed size, a newer value replaces an older one in its slot.
 */
#ifndef ZW_INDICATOR_CACHE_H
#define ZW_INDICATOR_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct icache_key {
    const void *defs; /* the definitions (one set per process, several in tests) */
    int i;            /* the indicator */
    const char *path, *from, *to;
    int64_t bucket; /* for values that depend on now: the minute; else 0 */
};

/* The cached value of k if its tables' versions in ver are those it was computed at. */
bool icache_get(const struct icache_key *k, uint32_t tables, const uint64_t ver[STORE_NTRACKED],
                int64_t *value);
void icache_put(const struct icache_key *k, uint32_t tables, const uint64_t ver[STORE_NTRACKED],
                int64_t value);
/* Counters since start, for the tests and the bench. */
void icache_stats(uint64_t *hits, uint64_t *misses);
void icache_clear(void);

#endif
