/*
 * webhook.h - the outbox's shipped sender: an HTTP POST of the event's JSON
 * to one URL with libcurl.  Knows nothing about the domain: it sends bytes
 * with headers and says whether the receiver answered 2xx.
 *
 * Headers: Content-Type: application/json; X-Zhenwu-Event-Id (the receiver's
 * idempotency key: a retried delivery carries the same id); X-Zhenwu-Event
 * (the kind); with a secret, X-Zhenwu-Signature: sha256=<hex HMAC-SHA256 of
 * the body keyed with the secret>.
 */
#ifndef ZW_WEBHOOK_H
#define ZW_WEBHOOK_H

#include <stddef.h>

struct webhook {
    const char *url;    /* http:// or https:// */
    const char *secret; /* NULL or "": unsigned */
    long timeout_s;     /* whole request */
};

/* Process-wide libcurl set-up; call once before threads start. */
void webhook_global_init(void);
/* Posts body; 0 on a 2xx answer, else -1 with a short English reason in errbuf. */
int webhook_post(const struct webhook *w, const char *event_id, const char *kind, const char *body,
                 size_t len, char *errbuf, size_t cap);
/* The signature header's value for body under secret: "sha256=<64 hex>". */
void webhook_sign(const char *secret, const char *body, size_t len, char out[72]);

#endif
