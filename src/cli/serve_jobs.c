/* serve_jobs.c - the reminder scanner and outbox sender threads; see serve_jobs.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/notices.h"
#include "domain/outbox.h"
#include "domain/reminders.h"
#include "http/webhook.h"
#include "log.h"
#include "serve_jobs.h"
#include "banned.h"

struct jobs {
    struct jobs_config cfg;
    struct webhook hook;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    bool send_now; /* the scanner raised events: the sender runs without waiting */
    pthread_t scanner, sender;
    bool has_scanner, has_sender;
};

/* Waits up to seconds or until stopping (or *flag is set); returns false when stopping. */
static bool nap(struct jobs *j, long seconds, bool *flag)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&j->lock);
    while (!j->stopping && !(flag && *flag))
        if (pthread_cond_timedwait(&j->wake, &j->lock, &until) == ETIMEDOUT)
            break;
    if (flag)
        *flag = false;
    bool go_on = !j->stopping;
    pthread_mutex_unlock(&j->lock);
    return go_on;
}

static void *scanner_main(void *arg)
{
    struct jobs *j = arg;
    log_info("msg=\"reminder scanner started\" interval=%ld", j->cfg.reminder_interval_s);
    do {
        struct error err = {0};
        struct db *db = store_db(j->cfg.store, &err);
        struct reminder_result res;
        if (!db || reminders_scan(db, j->cfg.types, (int64_t)time(NULL), &res, &err)) {
            log_warn("msg=\"reminder scan failed\" code=%s detail=\"%s\"", err_code_name(err.code),
                     err.detail);
            continue;
        }
        int closed = 0; /* notices whose window has ended */
        if (notices_close_expired(db, (int64_t)time(NULL), &closed, &err))
            log_warn("msg=\"closing ended notices failed\" code=%s detail=\"%s\"",
                     err_code_name(err.code), err.detail);
        else if (closed)
            log_info("msg=\"notices closed at the end of their window\" notices=%d", closed);
        if (res.events) {
            log_info("msg=\"reminders raised\" events=%d notifications=%d", res.events,
                     res.notifications);
            pthread_mutex_lock(&j->lock);
            j->send_now = true;
            pthread_cond_broadcast(&j->wake);
            pthread_mutex_unlock(&j->lock);
        }
    } while (nap(j, j->cfg.reminder_interval_s, NULL));
    return NULL;
}

static int send_webhook(void *ud, const struct outbox_row *row, char *errbuf, size_t cap)
{
    const struct webhook *w = ud;
    return webhook_post(w, row->event_id, row->kind, row->payload, strlen(row->payload), errbuf,
                        cap);
}

static void *sender_main(void *arg)
{
    struct jobs *j = arg;
    struct outbox_policy p = {
        .retry_base_s = j->cfg.retry_base_s,
        .retry_max_s = j->cfg.retry_max_s,
        .lease_s = j->cfg.webhook_timeout_s * 2 + 30,
        .batch = 50,
    };
    log_info("msg=\"outbox sender started\" interval=%ld", j->cfg.outbox_interval_s);
    do {
        struct error err = {0};
        struct db *db = store_db(j->cfg.store, &err);
        int ok = 0, failed = 0;
        if (!db || outbox_deliver(db, send_webhook, &j->hook, &p, (int64_t)time(NULL), &ok, &failed,
                                  &err)) {
            log_warn("msg=\"outbox run failed\" code=%s detail=\"%s\"", err_code_name(err.code),
                     err.detail);
            continue;
        }
        if (ok || failed)
            log_info("msg=\"outbox delivered\" delivered=%d failed=%d", ok, failed);
    } while (nap(j, j->cfg.outbox_interval_s, &j->send_now));
    return NULL;
}

int jobs_start(const struct jobs_config *cfg, struct jobs **out, struct error *err)
{
    struct jobs *j = calloc(1, sizeof(*j));
    if (!j)
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    j->cfg = *cfg;
    j->hook = (struct webhook){cfg->webhook_url, cfg->webhook_secret, cfg->webhook_timeout_s};
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    if (pthread_create(&j->scanner, NULL, scanner_main, j) != 0) {
        jobs_stop(j);
        return err_set(err, ZW_EINTERNAL, NULL, "无法启动到期提醒线程");
    }
    j->has_scanner = true;
    if (cfg->webhook_url && *cfg->webhook_url) {
        if (pthread_create(&j->sender, NULL, sender_main, j) != 0) {
            jobs_stop(j);
            return err_set(err, ZW_EINTERNAL, NULL, "无法启动消息外发线程");
        }
        j->has_sender = true;
    } else {
        log_info("msg=\"no webhook_url: outbox events stay pending\"");
    }
    *out = j;
    return 0;
}

void jobs_stop(struct jobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stopping = true;
    pthread_cond_broadcast(&j->wake);
    pthread_mutex_unlock(&j->lock);
    if (j->has_scanner)
        pthread_join(j->scanner, NULL);
    if (j->has_sender)
        pthread_join(j->sender, NULL);
    pthread_cond_destroy(&j->wake);
    pthread_mutex_destroy(&j->lock);
    free(j);
}
