/*
 * serve_jobs.h - the background threads of `zhenwu serve`: the reminder
 * scanner and the outbox sender.  Each runs in its own thread with its own
 * database connection (store_db of that thread) and its own transactions,
 * sleeps its interval between runs, and stops promptly when asked.
 */
#ifndef ZW_SERVE_JOBS_H
#define ZW_SERVE_JOBS_H

#include <stdbool.h>

#include "domain/casedef.h"
#include "store/store.h"

struct jobs_config {
    struct store *store;
    const struct case_types *types;
    long reminder_interval_s; /* scanner period */
    long outbox_interval_s;   /* sender period (it is also woken after a scan raised events) */
    const char *webhook_url;  /* NULL or "": no sender, events stay pending */
    const char *webhook_secret;
    long webhook_timeout_s;
    long retry_base_s, retry_max_s;
};

struct jobs;

/* Starts the threads; cfg's strings must outlive them. */
int jobs_start(const struct jobs_config *cfg, struct jobs **out, struct error *err);
/* Asks the threads to stop, waits for them and frees j. */
void jobs_stop(struct jobs *j);

#endif
