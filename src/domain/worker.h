/*
 * worker.h - a background thread of `zhenwu serve` that runs one pass over
 * pending work (import jobs, report jobs) when woken, and at least every
 * 5 seconds, which also picks up jobs left by a restart or a busy database.
 * The thread has its own database connection (store_db of that thread).
 */
#ifndef ZW_WORKER_H
#define ZW_WORKER_H

#include <pthread.h>
#include <stdbool.h>

#include "store/store.h"

struct worker {
    const char *name;  /* in the log: "import" */
    const char *label; /* in a message: "导入" */
    /* One pass: the number of jobs run, or a negative code (logged, the thread goes on). */
    int (*run)(struct db *db, struct error *err);
    struct store *store;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping, pending, running;
    pthread_t thread;
};

#define WORKER_INIT(n, l, fn)                                                                      \
    {                                                                                              \
        .name = (n), .label = (l), .run = (fn), .lock = PTHREAD_MUTEX_INITIALIZER,                 \
        .wake = PTHREAD_COND_INITIALIZER                                                           \
    }

int worker_start(struct worker *w, struct store *store, struct error *err);
/* Asks for a pass now (after a job was queued). */
void worker_wake(struct worker *w);
/* Asks the thread to stop and waits for it; nothing if it never started. */
void worker_stop(struct worker *w);

#endif
