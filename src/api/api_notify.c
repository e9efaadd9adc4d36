/*
 * api_notify.c - /api/v1/notifications (the caller's own in-app notices:
 * deadline reminders) and /api/v1/admin/outbox (what waits to go out to the
 * webhook, and a retry).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/outbox.h"
#include "jsonx.h"
#include "banned.h"

static json_t *notification_json(const struct notification *n)
{
    json_t *kase = n->case_id ? json_pack("{s:I, s:s?}", "id", (json_int_t)n->case_id, "serial",
                                          n->case_serial)
                              : json_null();
    return json_pack("{s:I, s:s, s:i, s:s, s:s, s:o, s:o, s:b, s:o}", "id", (json_int_t)n->id,
                     "kind", n->kind, "level", n->level, "title", n->title, "body", n->body, "case",
                     kase, "createdAt", jsonx_time(n->created_at), "read", n->read_at != 0,
                     "readAt", n->read_at ? jsonx_time(n->read_at) : json_null());
}

/* GET /api/v1/notifications?unread=1&page&pageSize */
void api_notifications_list(struct api_ctx *c)
{
    int64_t page, size, unread_only = 0;
    if (!api_paging_or_reply(c, &page, &size) || !api_query_int_or_reply(c, "unread", &unread_only))
        return;
    struct notification *items;
    size_t n;
    int64_t total, unread;
    if (store_notification_list(c->z.db, c->who.user_id, unread_only != 0, page, size,
                                &c->req->arena, &items, &n, &total, &unread, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, notification_json(&items[i]));
    json_t *v = api_page(arr, total, page, size);
    json_object_set_new(v, "unread", json_integer(unread));
    api_reply(c, 200, v);
}

/* POST /api/v1/notifications/{id}/read */
void api_notifications_read(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !api_begin_or_reply(c))
        return;
    if (store_notification_read(c->z.db, c->who.user_id, id, c->z.now, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_no_content(c);
}

/* POST /api/v1/notifications/read-all */
void api_notifications_read_all(struct api_ctx *c)
{
    int64_t n;
    if (!api_begin_or_reply(c))
        return;
    if (store_notification_read_all(c->z.db, c->who.user_id, c->z.now, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200, json_pack("{s:I}", "changed", (json_int_t)n));
}

/* GET /api/v1/admin/outbox?pending=1: counts, and the newest rows with their last errors. */
void api_outbox_get(struct api_ctx *c)
{
    int64_t pending_only = 0;
    if (!api_query_int_or_reply(c, "pending", &pending_only))
        return;
    struct outbox_stats st = {0};
    struct outbox_row *rows;
    size_t n;
    if (store_outbox_stats(c->z.db, &st, &c->err) ||
        store_outbox_list(c->z.db, pending_only != 0, 50, &c->req->arena, &rows, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct outbox_row *r = &rows[i];
        const char *status = r->delivered_at ? "delivered" : r->attempts ? "retrying" : "pending";
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:s, s:s, s:o, s:i, s:o, s:o, s:s?}", "id", (json_int_t)r->id,
                      "eventId", r->event_id, "kind", r->kind, "status", status, "createdAt",
                      jsonx_time(r->created_at), "attempts", r->attempts, "nextAttemptAt",
                      r->delivered_at ? json_null() : jsonx_time(r->next_attempt_at), "deliveredAt",
                      r->delivered_at ? jsonx_time(r->delivered_at) : json_null(), "lastError",
                      r->last_error));
    }
    api_reply(c, 200,
              json_pack("{s:b, s:I, s:I, s:I, s:o, s:o}", "webhookConfigured",
                        api_env.webhook_configured, "pending", (json_int_t)st.pending, "delivered",
                        (json_int_t)st.delivered, "failing", (json_int_t)st.failing,
                        "oldestPendingAt",
                        st.oldest_pending_at ? jsonx_time(st.oldest_pending_at) : json_null(),
                        "items", arr));
}

/* POST /api/v1/admin/outbox/retry: every pending row is tried at the sender's next run. */
void api_outbox_retry(struct api_ctx *c)
{
    int64_t n;
    if (!api_begin_or_reply(c))
        return;
    if (outbox_retry_all(&c->z, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200, json_pack("{s:I}", "retried", (json_int_t)n));
}
