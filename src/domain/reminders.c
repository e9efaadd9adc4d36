/* reminders.c - deadline reminders; see reminders.h. */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "cases.h"
#include "jsonx.h"
#include "log.h"
#include "mask.h"
#include "outbox.h"
#include "reminders.h"
#include "banned.h"

#define SCAN_BATCH    200
#define TITLE_CHARS   30
#define MAX_RECIPIENT 4096

enum { R_WARN, R_OVERDUE, R_ESCALATE };
static const char *const kind_codes[] = {"warn", "overdue", "escalate"};
static const char *const event_kinds[] = {"case.deadline.warn", "case.deadline.overdue",
                                          "case.deadline.escalate"};

/* One reminder due for a clock run: its kind, level (escalations) and rule. */
struct due {
    int kind;
    int level;
    const struct cd_escalation *rule; /* escalations only */
    bool silent;                      /* claim without notifying */
};

/* The recipients of one event, without duplicates. */
struct recipients {
    int64_t ids[MAX_RECIPIENT];
    size_t n;
};

static void recipients_add(struct recipients *r, int64_t id)
{
    if (!id || r->n == MAX_RECIPIENT)
        return;
    for (size_t i = 0; i < r->n; i++)
        if (r->ids[i] == id)
            return;
    r->ids[r->n++] = id;
}

static int recipients_role(struct db *db, struct arena *a, const struct reminder_clock *k,
                           const char *role, struct recipients *r, struct error *err)
{
    if (strcmp(role, "assignee") == 0) {
        recipients_add(r, k->assignee_id ? k->assignee_id : k->created_by);
        return 0;
    }
    int64_t *ids;
    size_t n;
    int rc = store_users_covering(db, role, k->area_id, k->area_path, a, &ids, &n, err);
    for (size_t i = 0; !rc && i < n; i++)
        recipients_add(r, ids[i]);
    return rc;
}

/* "11月25日 17:30" in Asia/Shanghai. */
static void local_when(int64_t at, char out[32])
{
    int ymd = cal_local_ymd(at);
    int64_t tod = at - cal_local_midnight(ymd);
    snprintf(out, 32, "%d月%d日 %02d:%02d", ymd / 100 % 100, ymd % 100, (int)(tod / 3600),
             (int)(tod / 60 % 60));
}

static void amount_text(struct cd_amount a, char out[32])
{
    static const char *const units[] = {"分钟", "小时", "天", "个工作日"};
    snprintf(out, 32, "%d %s", a.amount, units[a.unit]);
}

/* The title cut to TITLE_CHARS characters, with an ellipsis when cut. */
static const char *short_title(struct arena *a, const char *title)
{
    size_t chars = 0, i = 0;
    while (title[i] && chars < TITLE_CHARS) {
        i++;
        while (((unsigned char)title[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return title[i] ? arena_printf(a, "%.*s…", (int)i, title) : title;
}

static void texts(struct arena *a, const struct reminder_clock *k, const struct cd_clock *def,
                  const struct due *d, const char **title, const char **body)
{
    char when[32];
    local_when(k->due_at, when);
    const char *t = short_title(a, k->title ? k->title : "");
    switch (d->kind) {
    case R_WARN:
        *title = "办件即将到期";
        *body = arena_printf(a, "办件 %s「%s」的“%s”将于 %s 到期", k->serial, t, def->name, when);
        break;
    case R_OVERDUE:
        *title = "办件已超期";
        *body = arena_printf(a, "办件 %s「%s」的“%s”已于 %s 到期，现已超期，请尽快办理", k->serial,
                             t, def->name, when);
        break;
    default: {
        char after[32];
        amount_text(d->rule->after, after);
        *title = arena_printf(a, "超期提级督办（第 %d 级）", d->level);
        *body = d->rule->after.amount
                    ? arena_printf(a, "办件 %s「%s」的“%s”（期限 %s）超期已达 %s，提级督办第 %d 级",
                                   k->serial, t, def->name, when, after, d->level)
                    : arena_printf(a, "办件 %s「%s」的“%s”（期限 %s）已超期，提级督办第 %d 级",
                                   k->serial, t, def->name, when, d->level);
    }
    }
}

/* What is due for clock run k at now, in the order it is raised. */
static size_t due_list(const struct reminder_clock *k, const struct cd_clock *def, int64_t now,
                       struct due *out, size_t cap)
{
    size_t n = 0;
    bool overdue = now > k->due_at;
    if (def->has_warn && n < cap)
        out[n++] = (struct due){.kind = R_WARN, .silent = overdue};
    if (overdue && n < cap)
        out[n++] = (struct due){.kind = R_OVERDUE};
    for (size_t i = 0; overdue && i < def->nescalate && n < cap; i++) {
        const struct cd_escalation *e = &def->escalate[i];
        if (now >= cases_shift(k->due_at, e->after, 1))
            out[n++] = (struct due){.kind = R_ESCALATE, .level = e->level, .rule = e};
    }
    return n;
}

/* How many reminders a run of this clock raises in all. */
static int reminders_total(const struct cd_clock *def)
{
    return (def->has_warn ? 1 : 0) + 1 + (int)def->nescalate;
}

static json_t *payload(const struct reminder_clock *k, const struct case_type *t,
                       const struct cd_clock *def, const struct due *d, const char *event_id,
                       const char *title, const char *body, const struct recipients *r, int64_t now)
{
    json_t *to = json_array();
    for (size_t i = 0; i < r->n; i++)
        json_array_append_new(to, json_integer(r->ids[i]));
    return json_pack("{s:s, s:s, s:o, s:{s:I, s:s, s:s, s:s, s:s, s:I}, s:{s:s, s:s, s:o, s:o}, "
                     "s:i, s:s, s:s, s:o}",
                     "eventId", event_id, "kind", event_kinds[d->kind], "occurredAt",
                     jsonx_time(now), "case", "id", (json_int_t)k->case_id, "serial", k->serial,
                     "title", k->title ? k->title : "", "type", t->code, "typeName", t->name,
                     "areaId", (json_int_t)k->area_id, "clock", "code", def->code, "name",
                     def->name, "dueAt", jsonx_time(k->due_at), "startedAt",
                     jsonx_time(k->started_at), "level", d->level, "title", title, "text", body,
                     "recipients", to);
}

/* Raises one due reminder if no scanner did: claim, notifications, outbox row. */
static int raise_one(struct db *db, struct arena *a, const struct reminder_clock *k,
                     const struct case_type *t, const struct cd_clock *def, const struct due *d,
                     int64_t now, struct reminder_result *res, struct error *err)
{
    char event_id[37];
    outbox_new_event_id(event_id);
    struct reminder_claim claim = {
        .case_id = k->case_id,
        .clock = k->clock,
        .run = k->started_at,
        .kind = kind_codes[d->kind],
        .level = d->level,
        .event_id = event_id,
        .at = now,
    };
    bool claimed;
    int rc = store_reminder_claim(db, &claim, &claimed, err);
    if (rc || !claimed || d->silent)
        return rc;
    static _Thread_local struct recipients r;
    r.n = 0;
    if (d->kind == R_WARN || d->kind == R_OVERDUE)
        recipients_add(&r, k->assignee_id ? k->assignee_id : k->created_by);
    if (d->kind == R_OVERDUE)
        rc = recipients_role(db, a, k, "leader", &r, err);
    for (size_t i = 0; !rc && d->kind == R_ESCALATE && i < d->rule->nnotify; i++)
        rc = recipients_role(db, a, k, d->rule->notify[i], &r, err);
    if (rc)
        return rc;
    const char *title, *body;
    texts(a, k, def, d, &title, &body);
    for (size_t i = 0; i < r.n; i++) {
        struct notification nt = {
            .user_id = r.ids[i],
            .case_id = k->case_id,
            .event_id = event_id,
            .kind = kind_codes[d->kind],
            .level = d->level,
            .title = title,
            .body = body,
            .created_at = now,
        };
        if ((rc = store_notification_add(db, &nt, err)))
            return rc;
    }
    json_t *p = payload(k, t, def, d, event_id, title, body, &r, now);
    rc = outbox_add(db, event_id, event_kinds[d->kind], p, now, err);
    json_decref(p);
    if (!rc) {
        res->events++;
        res->notifications += (int)r.n;
    }
    return rc;
}

/* Raises what is due for one clock run, in one write transaction. */
static int scan_clock(struct db *db, struct arena *a, const struct case_types *types,
                      const struct reminder_clock *k, int64_t now, struct reminder_result *res,
                      struct error *err)
{
    const struct case_type *t = casedef_find(types, k->type);
    const struct cd_clock *def = NULL;
    for (size_t i = 0; t && i < t->nclocks; i++)
        if (strcmp(t->clocks[i].code, k->clock) == 0)
            def = &t->clocks[i];
    if (!def || k->raised >= reminders_total(def))
        return 0;
    struct due due[64];
    size_t n = due_list(k, def, now, due, sizeof(due) / sizeof(due[0]));
    if ((size_t)k->raised >= n)
        return 0;
    struct reminder_result got = {0};
    int rc = store_begin(db, true, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = raise_one(db, a, k, t, def, &due[i], now, &got, err);
    if (!rc)
        rc = store_commit(db, err);
    if (rc) {
        store_rollback(db);
        return rc;
    }
    res->events += got.events;
    res->notifications += got.notifications;
    return 0;
}

int reminders_scan(struct db *db, const struct case_types *types, int64_t now,
                   struct reminder_result *res, struct error *err)
{
    memset(res, 0, sizeof(*res));
    int64_t after_case = 0;
    char after_clock[64] = "";
    for (;;) {
        struct arena a = {0};
        struct reminder_clock *v;
        size_t n;
        int rc = store_begin(db, false, err);
        if (!rc)
            rc = store_reminder_clocks(db, now, after_case, after_clock, SCAN_BATCH, &a, &v, &n,
                                       err);
        if (!rc)
            rc = store_commit(db, err);
        else
            store_rollback(db);
        for (size_t i = 0; !rc && i < n; i++) {
            rc = scan_clock(db, &a, types, &v[i], now, res, err);
            /* Another server raised it first, or won a race: that clock is done or next scan's. */
            if (rc == ZW_ECONFLICT || rc == ZW_ESERIAL || rc == ZW_EBUSY) {
                log_info("msg=\"reminder skipped\" case=%lld clock=%s code=%s",
                         (long long)v[i].case_id, v[i].clock, err_code_name(rc));
                rc = 0;
            }
        }
        bool more = !rc && n == SCAN_BATCH;
        if (more) {
            after_case = v[n - 1].case_id;
            snprintf(after_clock, sizeof(after_clock), "%s", v[n - 1].clock);
        }
        arena_release(&a);
        if (rc || !more)
            return rc;
    }
}
