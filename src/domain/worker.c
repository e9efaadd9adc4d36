/* worker.c - a background thread running passes over pending jobs; see worker.h. */
#include <errno.h>
#include <time.h>

#include "log.h"
#include "worker.h"
#include "banned.h"

#define WORKER_PERIOD_S 5

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    log_info("msg=\"%s worker started\"", w->name);
    for (;;) {
        struct error err = {0};
        struct db *db = store_db(w->store, &err);
        if (!db || w->run(db, &err) < 0)
            log_warn("msg=\"%s run failed\" code=%s detail=\"%s\"", w->name,
                     err_code_name(err.code), err.detail);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += WORKER_PERIOD_S;
        pthread_mutex_lock(&w->lock);
        while (!w->stopping && !w->pending)
            if (pthread_cond_timedwait(&w->wake, &w->lock, &until) == ETIMEDOUT)
                break;
        w->pending = false;
        bool stop = w->stopping;
        pthread_mutex_unlock(&w->lock);
        if (stop)
            return NULL;
    }
}

int worker_start(struct worker *w, struct store *store, struct error *err)
{
    w->store = store;
    w->stopping = false;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return err_set(err, ZW_EINTERNAL, NULL, "无法启动%s线程", w->label);
    w->running = true;
    return 0;
}

void worker_wake(struct worker *w)
{
    pthread_mutex_lock(&w->lock);
    w->pending = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void worker_stop(struct worker *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    w->running = false;
}
