/*
 * ratelimit.h - fixed-window rate limits kept in the database (rate_limits),
 * so they hold across restarts and across server processes.
 *
 * A rule is a key ("submit:ip:1.2.3.4"), a window length and the most hits a
 * window may hold.  Windows are aligned to the epoch: a window of 3600 s runs
 * from one full hour to the next.  Checking and counting are separate so a
 * caller counts only what actually happened (a request created, a lookup that
 * failed), in the same transaction.
 */
#ifndef ZW_RATELIMIT_H
#define ZW_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"

struct rate_rule {
    const char *key;     /* at most 200 bytes */
    int64_t window_s;    /* > 0 */
    int64_t limit;       /* hits allowed per window */
    const char *message; /* Chinese, shown when the limit is reached */
};

/*
 * 0 if every rule has room for one more hit; else ZW_ERATELIMIT with the
 * rule's message in err and *retry_after the seconds until its window ends.
 */
int ratelimit_check(struct zctx *z, const struct rate_rule *rules, size_t n, int64_t *retry_after,
                    struct error *err);
/* Counts one hit under every rule; purges old windows now and then. */
int ratelimit_hit(struct zctx *z, const struct rate_rule *rules, size_t n, struct error *err);
/* A key for personal data (a phone number): prefix + a hash, so the table holds no numbers. */
const char *ratelimit_key_hashed(struct arena *a, const char *prefix, const char *value);

#endif
