/* indicator_cache.c - cached base indicator values; see indicator_cache.h. */
#include <pthread.h>
#include <string.h>

#include "indicator_cache.h"
#include "banned.h"

#define SLOTS   4096 /* a power of two */
#define KEY_MAX 160

struct slot {
    bool used;
    uint64_t hash;
    const void *defs;
    int i;
    int64_t bucket;
    char key[KEY_MAX]; /* path \x1f from \x1f to */
    uint32_t tables;
    uint64_t ver[STORE_NTRACKED];
    int64_t value;
};

static struct slot slots[SLOTS];
static uint64_t hits, misses;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The key's text into buf; false if it does not fit (not cached). */
static bool key_text(const struct icache_key *k, char buf[KEY_MAX])
{
    size_t n = strlen(k->path) + strlen(k->from) + strlen(k->to) + 3;
    if (n > KEY_MAX)
        return false;
    const char *parts[3] = {k->path, k->from, k->to};
    char *p = buf;
    for (int j = 0; j < 3; j++) {
        size_t m = strlen(parts[j]);
        memcpy(p, parts[j], m);
        p += m;
        *p++ = '\x1f';
    }
    p[-1] = '\0';
    return true;
}

static uint64_t key_hash(const struct icache_key *k, const char *text)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)k->defs;
    h = (h ^ (uint64_t)k->i) * 1099511628211ULL;
    h = (h ^ (uint64_t)k->bucket) * 1099511628211ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static bool same_versions(const struct slot *s, uint32_t tables, const uint64_t *ver)
{
    for (int t = 0; t < STORE_NTRACKED; t++)
        if ((tables & STORE_BIT(t)) && s->ver[t] != ver[t])
            return false;
    return true;
}

bool icache_get(const struct icache_key *k, uint32_t tables, const uint64_t ver[STORE_NTRACKED],
                int64_t *value)
{
    char text[KEY_MAX];
    if (!key_text(k, text)) {
        pthread_mutex_lock(&lock);
        misses++;
        pthread_mutex_unlock(&lock);
        return false;
    }
    uint64_t h = key_hash(k, text);
    pthread_mutex_lock(&lock);
    struct slot *s = &slots[h & (SLOTS - 1)];
    bool ok = s->used && s->hash == h && s->defs == k->defs && s->i == k->i &&
              s->bucket == k->bucket && s->tables == tables && strcmp(s->key, text) == 0 &&
              same_versions(s, tables, ver);
    if (ok)
        *value = s->value;
    ok ? hits++ : misses++;
    pthread_mutex_unlock(&lock);
    return ok;
}

void icache_put(const struct icache_key *k, uint32_t tables, const uint64_t ver[STORE_NTRACKED],
                int64_t value)
{
    char text[KEY_MAX];
    if (!key_text(k, text))
        return;
    uint64_t h = key_hash(k, text);
    pthread_mutex_lock(&lock);
    struct slot *s = &slots[h & (SLOTS - 1)];
    s->used = true;
    s->hash = h;
    s->defs = k->defs;
    s->i = k->i;
    s->bucket = k->bucket;
    memcpy(s->key, text, strlen(text) + 1);
    s->tables = tables;
    memcpy(s->ver, ver, sizeof(s->ver));
    s->value = value;
    pthread_mutex_unlock(&lock);
}

void icache_stats(uint64_t *h, uint64_t *m)
{
    pthread_mutex_lock(&lock);
    *h = hits;
    *m = misses;
    pthread_mutex_unlock(&lock);
}

void icache_clear(void)
{
    pthread_mutex_lock(&lock);
    memset(slots, 0, sizeof(slots));
    hits = misses = 0;
    pthread_mutex_unlock(&lock);
}
