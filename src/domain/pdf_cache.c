/* pdf_cache.c - PDFs of unchanging pages by their SHA-256; see pdf_cache.h. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_cache.h"
#include "banned.h"

struct slot {
    char key[65]; /* the page's SHA-256 in hex; "" free */
    char *pdf;
    size_t len;
    uint64_t used; /* the tick of its last use */
};

static struct slot slots[PDF_CACHE_SLOTS];
static uint64_t tick;
static unsigned long drawn;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static bool key_ok(const char *k)
{
    return k && strlen(k) == 64;
}

bool pdf_cache_get(const char *sha256, struct arena *a, char **pdf, size_t *len)
{
    bool hit = false;
    if (!key_ok(sha256))
        return false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < PDF_CACHE_SLOTS && !hit; i++) {
        struct slot *s = &slots[i];
        if (strcmp(s->key, sha256) != 0)
            continue;
        *pdf = arena_alloc(a, s->len);
        memcpy(*pdf, s->pdf, s->len);
        *len = s->len;
        s->used = ++tick;
        hit = true;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void pdf_cache_put(const char *sha256, const char *pdf, size_t len)
{
    if (!key_ok(sha256) || len > PDF_CACHE_MAX_BYTES)
        return;
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return; /* not kept: drawn again next time */
    memcpy(copy, pdf, len);
    pthread_mutex_lock(&lock);
    struct slot *victim = &slots[0];
    for (size_t i = 0; i < PDF_CACHE_SLOTS; i++) {
        struct slot *s = &slots[i];
        if (strcmp(s->key, sha256) == 0 || !s->key[0]) { /* itself (drawn twice at once), free */
            victim = s;
            break;
        }
        if (s->used < victim->used)
            victim = s;
    }
    free(victim->pdf);
    memcpy(victim->key, sha256, 65);
    victim->pdf = copy;
    victim->len = len;
    victim->used = ++tick;
    drawn++;
    pthread_mutex_unlock(&lock);
}

unsigned long pdf_cache_drawn(void)
{
    pthread_mutex_lock(&lock);
    unsigned long n = drawn;
    pthread_mutex_unlock(&lock);
    return n;
}

void pdf_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < PDF_CACHE_SLOTS; i++) {
        free(slots[i].pdf);
        slots[i] = (struct slot){0};
    }
    pthread_mutex_unlock(&lock);
}
