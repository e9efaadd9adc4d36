/*
 * store_notify.c - SQL for deadline reminders (the claim of each reminder
 * event), in-app notifications, the outbox of events for outside systems,
 * and the recipients a reminder goes to.
 *
 * A claim is an insert-if-absent on case_reminders' primary key: when two
 * servers scan the same database, exactly one insert goes in and only that
 * server writes the notifications and the outbox row, in the same
 * transaction.  Outbox rows are leased the same way: a sender moves a due
 * row's next_attempt_at past the delivery timeout in one UPDATE that
 * re-checks the row, so two senders never deliver the same row at once.
 */
#include <stdlib.h>

#include "store_int.h"
#include "banned.h"

/* ---- reminders ---------------------------------------------------------- */

int store_reminder_clocks(struct db *db, int64_t now, int64_t after_case, const char *after_clock,
                          size_t limit, struct arena *a, struct reminder_clock **items, size_t *n,
                          struct error *err)
{
    static const char sql[] =
        "SELECT k.case_id, k.clock, k.started_at, k.due_at, k.warn_at, c.type, c.serial, c.title, "
        "c.area_id, c.area_path, c.category, COALESCE(c.assignee_id, 0), "
        "COALESCE(c.created_by, 0), (SELECT COUNT(*) FROM case_reminders r WHERE r.case_id = "
        "k.case_id AND r.clock = k.clock AND r.run = k.started_at) "
        "FROM case_clocks k JOIN cases c ON c.id = k.case_id "
        "WHERE k.stopped_at = 0 AND k.paused_at = 0 AND c.closed_at = 0 AND k.warn_at <= $1 "
        "AND (k.case_id > $2 OR (k.case_id = $2 AND k.clock > $3)) "
        "ORDER BY k.case_id, k.clock LIMIT $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, after_case);
    db_bind_text(st, 3, after_clock ? after_clock : "");
    db_bind_int(st, 4, (int64_t)limit);
    struct reminder_clock *v = arena_calloc(a, limit + 1, sizeof(*v));
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < limit) {
        struct reminder_clock *k = &v[cnt++];
        k->case_id = db_col_int(st, 0);
        k->clock = st_dup(a, db_col_text(st, 1));
        k->started_at = db_col_int(st, 2);
        k->due_at = db_col_int(st, 3);
        k->warn_at = db_col_int(st, 4);
        k->type = st_dup(a, db_col_text(st, 5));
        k->serial = st_dup(a, db_col_text(st, 6));
        k->title = st_dup(a, db_col_text(st, 7));
        k->area_id = db_col_int(st, 8);
        k->area_path = st_dup(a, db_col_text(st, 9));
        k->category = st_dup(a, db_col_text(st, 10));
        k->assignee_id = db_col_int(st, 11);
        k->created_by = db_col_int(st, 12);
        k->raised = (int)db_col_int(st, 13);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_reminder_claim(struct db *db, const struct reminder_claim *r, bool *claimed,
                         struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_reminders (case_id, clock, run, kind, level, event_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING case_id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->case_id);
    db_bind_text(st, 2, r->clock);
    db_bind_int(st, 3, r->run);
    db_bind_text(st, 4, r->kind);
    db_bind_int(st, 5, r->level);
    db_bind_text(st, 6, r->event_id);
    db_bind_int(st, 7, r->at);
    rc = db_step(st, err);
    *claimed = rc == DB_ROW;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_users_covering(struct db *db, const char *role, int64_t area_id, const char *area_path,
                         struct arena *a, int64_t **ids, size_t *n, struct error *err)
{
    /* The role's own scope decides: all, the user's subtree, or the user's own area. */
    static const char sql[] =
        "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id "
        "JOIN roles r ON r.id = ur.role_id JOIN areas a ON a.id = u.area_id "
        "WHERE r.code = $1 AND u.disabled = 0 AND (r.scope = 'all' OR (r.scope = 'subtree' AND "
        "CAST($2 AS TEXT) LIKE a.path || '%') OR (r.scope = 'area' AND u.area_id = $3)) "
        "ORDER BY u.id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, role);
    db_bind_text(st, 2, area_path);
    db_bind_int(st, 3, area_id);
    return st_ids(st, a, ids, n, err);
}

/* ---- notifications ------------------------------------------------------ */

int store_notification_add(struct db *db, const struct notification *nt, struct error *err)
{
    static const char sql[] =
        "INSERT INTO notifications (user_id, case_id, event_id, kind, level, title, body, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, nt->user_id);
    db_bind_id(st, 2, nt->case_id);
    db_bind_text(st, 3, nt->event_id);
    db_bind_text(st, 4, nt->kind);
    db_bind_int(st, 5, nt->level);
    db_bind_text(st, 6, nt->title);
    db_bind_text(st, 7, nt->body);
    db_bind_int(st, 8, nt->created_at);
    return db_step_done(st, err);
}

int store_notification_list(struct db *db, int64_t user_id, bool unread_only, int64_t page,
                            int64_t page_size, struct arena *a, struct notification **items,
                            size_t *n, int64_t *total, int64_t *unread, struct error *err)
{
    static const char sql_count[] =
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at = 0 THEN 1 ELSE 0 END), 0) "
        "FROM notifications WHERE user_id = $1";
    static const char sql[] =
        "SELECT n.id, COALESCE(n.case_id, 0), n.event_id, n.kind, n.level, n.title, n.body, "
        "n.created_at, n.read_at, c.serial FROM notifications n LEFT JOIN cases c ON c.id = "
        "n.case_id WHERE n.user_id = $1 AND ($2 = 0 OR n.read_at = 0) "
        "ORDER BY n.id DESC LIMIT $3 OFFSET $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql_count, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    rc = db_step(st, err);
    int64_t all = rc == DB_ROW ? db_col_int(st, 0) : 0;
    *unread = rc == DB_ROW ? db_col_int(st, 1) : 0;
    db_finish(st);
    if (rc < 0)
        return rc;
    *total = unread_only ? *unread : all;
    if ((rc = db_prepare(db, sql, &st, err)))
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, unread_only ? 1 : 0);
    db_bind_int(st, 3, page_size);
    db_bind_int(st, 4, (page - 1) * page_size);
    struct notification *v = arena_calloc(a, (size_t)page_size + 1, sizeof(*v));
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < (size_t)page_size) {
        struct notification *x = &v[cnt++];
        x->id = db_col_int(st, 0);
        x->user_id = user_id;
        x->case_id = db_col_int(st, 1);
        x->event_id = st_dup(a, db_col_text(st, 2));
        x->kind = st_dup(a, db_col_text(st, 3));
        x->level = (int)db_col_int(st, 4);
        x->title = st_dup(a, db_col_text(st, 5));
        x->body = st_dup(a, db_col_text(st, 6));
        x->created_at = db_col_int(st, 7);
        x->read_at = db_col_int(st, 8);
        x->case_serial = st_dup(a, db_col_text(st, 9));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_notification_read(struct db *db, int64_t user_id, int64_t id, int64_t now,
                            struct error *err)
{
    static const char sql[] = "UPDATE notifications SET read_at = CASE WHEN read_at = 0 THEN $3 "
                              "ELSE read_at END WHERE id = $1 AND user_id = $2 RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, user_id);
    db_bind_int(st, 3, now);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该通知");
    return rc < 0 ? rc : 0;
}

int store_notification_read_all(struct db *db, int64_t user_id, int64_t now, int64_t *changed,
                                struct error *err)
{
    static const char sql[] =
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at = 0 RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, now);
    int64_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW)
        cnt++;
    db_finish(st);
    *changed = cnt;
    return rc < 0 ? rc : 0;
}

/* ---- outbox ------------------------------------------------------------- */

int store_outbox_add(struct db *db, const char *event_id, const char *kind, const char *payload,
                     int64_t now, struct error *err)
{
    static const char sql[] = "INSERT INTO outbox (event_id, kind, payload, created_at, "
                              "next_attempt_at) VALUES ($1, $2, $3, $4, $4)";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, event_id);
    db_bind_text(st, 2, kind);
    db_bind_text(st, 3, payload);
    db_bind_int(st, 4, now);
    return db_step_done(st, err);
}

#define OUTBOX_COLS                                                                                \
    "id, event_id, kind, payload, created_at, attempts, next_attempt_at, delivered_at, "           \
    "last_error "

static void outbox_read(struct db_stmt *st, struct arena *a, struct outbox_row *o)
{
    o->id = db_col_int(st, 0);
    o->event_id = st_dup(a, db_col_text(st, 1));
    o->kind = st_dup(a, db_col_text(st, 2));
    o->payload = st_dup(a, db_col_text(st, 3));
    o->created_at = db_col_int(st, 4);
    o->attempts = (int)db_col_int(st, 5);
    o->next_attempt_at = db_col_int(st, 6);
    o->delivered_at = db_col_int(st, 7);
    o->last_error = st_dup(a, db_col_text(st, 8));
}

static int outbox_by_id(const void *x, const void *y)
{
    const struct outbox_row *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

int store_outbox_lease(struct db *db, int64_t now, int64_t lease_until, size_t limit,
                       struct arena *a, struct outbox_row **items, size_t *n, struct error *err)
{
    /* The outer WHERE repeats the due test so that PostgreSQL re-checks a row another sender
     * leased in the meantime (READ COMMITTED re-evaluates it on the new row version). */
    static const char sql[] =
        "UPDATE outbox SET next_attempt_at = $2 WHERE id IN (SELECT id FROM outbox WHERE "
        "delivered_at = 0 AND next_attempt_at <= $1 ORDER BY id LIMIT $3) AND delivered_at = 0 "
        "AND next_attempt_at <= $1 RETURNING " OUTBOX_COLS;
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, lease_until);
    db_bind_int(st, 3, (int64_t)limit);
    struct outbox_row *v = arena_calloc(a, limit + 1, sizeof(*v));
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < limit)
        outbox_read(st, a, &v[cnt++]);
    db_finish(st);
    if (rc < 0)
        return rc;
    qsort(v, cnt, sizeof(*v), outbox_by_id);
    *items = v;
    *n = cnt;
    return 0;
}

int store_outbox_result(struct db *db, int64_t id, bool delivered, int64_t now,
                        int64_t next_attempt_at, const char *error, struct error *err)
{
    static const char sql_ok[] = "UPDATE outbox SET delivered_at = $2, attempts = attempts + 1, "
                                 "last_error = NULL WHERE id = $1";
    static const char sql_fail[] = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = "
                                   "$2, last_error = $3 WHERE id = $1 AND delivered_at = 0";
    struct db_stmt *st;
    int rc = db_prepare(db, delivered ? sql_ok : sql_fail, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, delivered ? now : next_attempt_at);
    if (!delivered)
        db_bind_text(st, 3, error);
    return db_step_done(st, err);
}

int store_outbox_stats(struct db *db, struct outbox_stats *out, struct error *err)
{
    static const char sql[] =
        "SELECT COALESCE(SUM(CASE WHEN delivered_at = 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN delivered_at <> 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN delivered_at = 0 AND attempts > 0 THEN 1 ELSE 0 END), 0), "
        "COALESCE(MIN(CASE WHEN delivered_at = 0 THEN created_at END), 0) FROM outbox";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        out->pending = db_col_int(st, 0);
        out->delivered = db_col_int(st, 1);
        out->failing = db_col_int(st, 2);
        out->oldest_pending_at = db_col_int(st, 3);
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_outbox_list(struct db *db, bool pending_only, size_t limit, struct arena *a,
                      struct outbox_row **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " OUTBOX_COLS "FROM outbox WHERE ($1 = 0 OR delivered_at = "
                              "0) ORDER BY id DESC LIMIT $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, pending_only ? 1 : 0);
    db_bind_int(st, 2, (int64_t)limit);
    struct outbox_row *v = arena_calloc(a, limit + 1, sizeof(*v));
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < limit)
        outbox_read(st, a, &v[cnt++]);
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_outbox_retry_now(struct db *db, int64_t now, int64_t *changed, struct error *err)
{
    static const char sql[] = "UPDATE outbox SET next_attempt_at = $1 WHERE delivered_at = 0 AND "
                              "next_attempt_at > $1 RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now);
    int64_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW)
        cnt++;
    db_finish(st);
    *changed = cnt;
    return rc < 0 ? rc : 0;
}
