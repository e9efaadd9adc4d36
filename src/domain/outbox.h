/*
 * outbox.h - the transactional outbox: every notification event is written
 * to the outbox table in the transaction that raises it, and a sender
 * delivers pending rows to an outside system later, at least once.
 *
 * Delivery leases a batch of due rows (so two servers on one database do
 * not send the same row at once), calls the pluggable sender for each row
 * outside any transaction, and records the result: delivered, or failed
 * with the next attempt after an exponential backoff (base * 2^attempts,
 * capped).  Rows persist until delivered, so a restart loses nothing; a
 * crash between a successful send and its record sends that row again,
 * which the receiver recognises by the event id.
 */
#ifndef ZW_OUTBOX_H
#define ZW_OUTBOX_H

#include <jansson.h>

#include "domain.h"

/* A fresh random event id (UUID version 4, lower-case hex with dashes). */
void outbox_new_event_id(char out[37]);
/* Adds event (payload serialised, not stolen) to the outbox in the caller's transaction. */
int outbox_add(struct db *db, const char *event_id, const char *kind, json_t *payload, int64_t now,
               struct error *err);

/*
 * Delivers one row: 0 when the receiver accepted it, else non-zero with a
 * short reason (English or Chinese) in errbuf.
 */
typedef int (*outbox_send_fn)(void *ud, const struct outbox_row *row, char *errbuf, size_t cap);

struct outbox_policy {
    int64_t retry_base_s; /* first retry after this many seconds */
    int64_t retry_max_s;  /* backoff cap */
    int64_t lease_s;      /* a leased row is left alone this long (> the sender's timeout) */
    size_t batch;         /* rows leased at once */
};

/* The instant of the next attempt after a failed one, attempts counting that one. */
int64_t outbox_next_attempt(const struct outbox_policy *p, int64_t now, int attempts);

/*
 * Leases the due rows at now and sends each with send; counts what was
 * delivered and what failed.  Uses db's own transactions (none may be open).
 */
int outbox_deliver(struct db *db, outbox_send_fn send, void *ud, const struct outbox_policy *p,
                   int64_t now, int *delivered, int *failed, struct error *err);

/* Makes every pending row due now (an administrator's retry), audited; *n rows were waiting. */
int outbox_retry_all(struct zctx *z, int64_t *n, struct error *err);

#endif
