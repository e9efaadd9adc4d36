/* ratelimit.c - fixed-window rate limits in the database; see ratelimit.h. */
#include <string.h>
#include <sodium.h>

#include "limits.h"
#include "ratelimit.h"
#include "banned.h"

static int64_t window_start(int64_t now, int64_t window_s)
{
    return now - now % window_s;
}

int ratelimit_check(struct zctx *z, const struct rate_rule *rules, size_t n, int64_t *retry_after,
                    struct error *err)
{
    for (size_t i = 0; i < n; i++) {
        int64_t start = window_start(z->now, rules[i].window_s), count;
        int rc = store_rate_count(z->db, rules[i].key, start, &count, err);
        if (rc)
            return rc;
        if (count >= rules[i].limit) {
            *retry_after = start + rules[i].window_s - z->now;
            if (*retry_after < 1)
                *retry_after = 1;
            int64_t minutes = (*retry_after + 59) / 60;
            return err_set(err, ZW_ERATELIMIT, NULL, "%s，请 %lld 分钟后再试", rules[i].message,
                           (long long)minutes);
        }
    }
    return 0;
}

int ratelimit_hit(struct zctx *z, const struct rate_rule *rules, size_t n, struct error *err)
{
    bool fresh = false;
    for (size_t i = 0; i < n; i++) {
        int64_t count;
        int rc = store_rate_hit(z->db, rules[i].key, window_start(z->now, rules[i].window_s),
                                &count, err);
        if (rc)
            return rc;
        fresh |= count == 1;
    }
    /* A new window opened: a good moment to drop the ones long past. */
    return fresh ? store_rate_purge(z->db, z->now - ZW_RATE_KEEP_S, err) : 0;
}

const char *ratelimit_key_hashed(struct arena *a, const char *prefix, const char *value)
{
    unsigned char h[16];
    char hex[33];
    crypto_generichash(h, sizeof(h), (const unsigned char *)value, strlen(value),
                       (const unsigned char *)"zhenwu-ratelimit", 16);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    return arena_printf(a, "%s%s", prefix, hex);
}
