/* outbox.c - the transactional outbox; see outbox.h. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sodium.h>

#include "jsonx.h"
#include "log.h"
#include "outbox.h"
#include "banned.h"

void outbox_new_event_id(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char hex[33];
    sodium_bin2hex(hex, sizeof(hex), b, sizeof(b));
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

int outbox_add(struct db *db, const char *event_id, const char *kind, json_t *payload, int64_t now,
               struct error *err)
{
    char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return err_set(err, ZW_ENOMEM, NULL, "无法生成外发消息");
    int rc = store_outbox_add(db, event_id, kind, text, now, err);
    free(text);
    return rc;
}

int64_t outbox_next_attempt(const struct outbox_policy *p, int64_t now, int attempts)
{
    int64_t wait = p->retry_base_s > 0 ? p->retry_base_s : 1;
    for (int i = 1; i < attempts && wait < p->retry_max_s; i++)
        wait *= 2;
    if (wait > p->retry_max_s)
        wait = p->retry_max_s;
    return now + wait;
}

int outbox_deliver(struct db *db, outbox_send_fn send, void *ud, const struct outbox_policy *p,
                   int64_t now, int *delivered, int *failed, struct error *err)
{
    struct arena a = {0};
    struct outbox_row *rows;
    size_t n;
    *delivered = *failed = 0;
    int rc = store_begin(db, true, err);
    if (rc)
        goto out_arena;
    if ((rc = store_outbox_lease(db, now, now + p->lease_s, p->batch, &a, &rows, &n, err)) ||
        (rc = store_commit(db, err))) {
        store_rollback(db);
        goto out_arena;
    }
    for (size_t i = 0; i < n; i++) {
        char why[256] = "";
        bool ok = send(ud, &rows[i], why, sizeof(why)) == 0;
        int64_t done_at = (int64_t)time(NULL);
        int64_t next = outbox_next_attempt(p, done_at, rows[i].attempts + 1);
        if (!ok)
            log_warn("msg=\"outbox delivery failed\" id=%lld event=%s attempt=%d reason=\"%s\"",
                     (long long)rows[i].id, rows[i].event_id, rows[i].attempts + 1, why);
        if ((rc = store_begin(db, true, err)))
            goto out_arena;
        if ((rc = store_outbox_result(db, rows[i].id, ok, done_at, next, why, err)) ||
            (rc = store_commit(db, err))) {
            store_rollback(db);
            goto out_arena;
        }
        if (ok)
            (*delivered)++;
        else
            (*failed)++;
    }
out_arena:
    arena_release(&a);
    return rc;
}

int outbox_retry_all(struct zctx *z, int64_t *n, struct error *err)
{
    int rc = store_outbox_retry_now(z->db, z->now, n, err);
    if (rc)
        return rc;
    json_t *after = json_pack("{s:I}", "rows", (json_int_t)*n);
    rc = audit_log(z, "retry", "outbox", 0, NULL, after, err);
    json_decref(after);
    return rc;
}
