/* cases.c - the case engine; see cases.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "cases.h"
#include "documents.h"
#include "jsonx.h"
#include "mask.h"
#include "workcal.h"
#include "banned.h"

static const char *const channels[] = {"visit",   "letter", "phone", "online",
                                       "hotline", "grid",   "other"};

/* ---- deadlines ---------------------------------------------------------- */

struct shift {
    int64_t at;
    int amount, sign;
};

static void shift_workdays(const struct calendar *cal, void *ud)
{
    struct shift *s = ud;
    if (s->sign > 0) {
        s->at = calendar_add_workdays(cal, s->at, s->amount, NULL);
        return;
    }
    int64_t tod = s->at - cal_local_midnight(cal_local_ymd(s->at));
    int ymd = cal_local_ymd(s->at);
    for (int n = 0; n < s->amount;) {
        ymd = cal_ymd_add(ymd, -1);
        if (calendar_is_workday(cal, ymd))
            n++;
    }
    s->at = cal_local_midnight(ymd) + tod;
}

/* at moved by amount (sign +1 forward, -1 back) in its unit, working days per the calendar. */
static int64_t shift(int64_t at, struct cd_amount a, int sign)
{
    switch (a.unit) {
    case CD_MINUTES:
        return at + sign * (int64_t)a.amount * 60;
    case CD_HOURS:
        return at + sign * (int64_t)a.amount * 3600;
    case CD_DAYS:
        return calendar_add_days(at, sign * a.amount);
    default: {
        struct shift s = {.at = at, .amount = a.amount, .sign = sign};
        workcal_read(shift_workdays, &s);
        return s.at;
    }
    }
}

int64_t cases_shift(int64_t at, struct cd_amount a, int sign)
{
    return shift(at, a, sign);
}

static bool has_category(const struct case_type *t, const char *code)
{
    for (size_t i = 0; i < t->ncategories; i++)
        if (strcmp(t->categories[i].code, code) == 0)
            return true;
    return false;
}

static int category_index(const struct case_type *t, const char *category)
{
    for (size_t i = 0; i < t->ncategories; i++)
        if (strcmp(t->categories[i].code, category) == 0)
            return (int)i;
    return 0;
}

/* The end (23:59:59 local) of the date in field fi of the case's fields, or 0 if unset. */
static int64_t field_day_end(const struct case_type *t, const struct case_row *c, int fi)
{
    if (fi < 0 || !c->fields_json)
        return 0;
    json_t *f = json_loads(c->fields_json, 0, NULL);
    const char *v = json_string_value(json_object_get(f, t->fields[fi].code));
    int ymd;
    int64_t end =
        v && cal_parse_date(v, &ymd) == 0 ? cal_local_midnight(cal_ymd_add(ymd, 1)) - 1 : 0;
    json_decref(f);
    return end;
}

static void clock_start(const struct case_type *t, const struct cd_clock *def,
                        const struct case_row *c, int64_t now, struct case_clock *k)
{
    struct cd_amount limit =
        def->by_category ? def->limits[category_index(t, c->category)] : def->limit;
    k->case_id = c->id;
    k->clock = def->code;
    k->started_at = now;
    /* A deadline given on the case (整改时限 set at 交办) wins over the default limit. */
    int64_t given = field_day_end(t, c, def->due_field);
    k->due_at = given ? given : shift(now, limit, 1);
    k->warn_at = def->has_warn ? shift(k->due_at, def->warn, -1) : k->due_at;
    if (k->warn_at < now)
        k->warn_at = now;
    k->paused_at = 0;
    k->stopped_at = 0;
    k->extensions = 0;
}

const char *cases_clock_status(const struct case_clock *k, int64_t now)
{
    if (k->stopped_at)
        return k->stopped_at > k->due_at ? "late" : "done";
    if (k->paused_at)
        return "paused";
    if (now > k->due_at)
        return "red";
    return now >= k->warn_at ? "yellow" : "green";
}

static const struct cd_clock *clock_def(const struct case_type *t, const char *code)
{
    for (size_t i = 0; i < t->nclocks; i++)
        if (strcmp(t->clocks[i].code, code) == 0)
            return &t->clocks[i];
    return NULL;
}

int cases_extensions_left(const struct case_type *t, const struct case_clock *k)
{
    const struct cd_clock *def = clock_def(t, k->clock);
    if (!def || !def->has_extension)
        return 0;
    int left = def->extension_max - k->extensions;
    return left > 0 ? left : 0;
}

/* ---- who may do what ---------------------------------------------------- */

static bool holds_role(const struct principal *p, const struct case_row *c, const char *role)
{
    if (strcmp(role, "assignee") == 0)
        return c->assignee_id && c->assignee_id == p->user_id;
    for (size_t i = 0; i < p->nroles; i++)
        if (strcmp(p->roles[i].code, role) == 0)
            return true;
    return false;
}

bool cases_may(const struct zctx *z, const struct case_type *type, const struct case_row *c,
               const struct cd_transition *t)
{
    (void)type;
    if (z->who->superuser)
        return true;
    for (size_t i = 0; i < t->nroles; i++)
        if (holds_role(z->who, c, t->roles[i]))
            return true;
    return false;
}

bool cases_requester_visible(const struct zctx *z, const struct case_row *c)
{
    if (!c->confidential)
        return true;
    const struct principal *p = z->who;
    return p->superuser || c->created_by == p->user_id ||
           (c->assignee_id && c->assignee_id == p->user_id);
}

int cases_guard(struct zctx *z, const struct case_type *t, const struct case_row *c, int ti,
                const struct case_clock *clocks, size_t nclocks, struct error *err)
{
    const struct cd_transition *tr = &t->transitions[ti];
    int64_t n;
    int rc;
    if (tr->max_times) {
        if ((rc = store_case_action_count(z->db, c->id, tr->code, &n, err)))
            return rc;
        if (n >= tr->max_times)
            return err_set(err, ZW_ETRANSITION, NULL, "每件最多“%s” %d 次，本件已 %lld 次",
                           tr->name, tr->max_times, (long long)n);
    }
    if (tr->after >= 0) {
        const struct cd_transition *pre = &t->transitions[tr->after];
        if ((rc = store_case_action_count(z->db, c->id, pre->code, &n, err)))
            return rc;
        if (n < tr->after_times)
            return err_set(err, ZW_ETRANSITION, NULL, "须先“%s” %d 次才能“%s”（本件已 %lld 次）",
                           pre->name, tr->after_times, tr->name, (long long)n);
    }
    if (tr->within >= 0) {
        const struct cd_clock *def = &t->clocks[tr->within];
        const struct case_clock *k = NULL;
        for (size_t i = 0; i < nclocks; i++)
            if (strcmp(clocks[i].clock, def->code) == 0)
                k = &clocks[i];
        if (!k || k->stopped_at || (!k->paused_at && z->now > k->due_at))
            return err_set(err, ZW_ETRANSITION, NULL, "已超过“%s”，不能再“%s”", def->name,
                           tr->name);
    }
    if (tr->after_clock >= 0) {
        /* The period must have run its full length: reached its deadline while running
         * (a paused clock has not), or stopped at or after it. */
        const struct cd_clock *def = &t->clocks[tr->after_clock];
        const struct case_clock *k = NULL;
        for (size_t i = 0; i < nclocks; i++)
            if (strcmp(clocks[i].clock, def->code) == 0)
                k = &clocks[i];
        if (!k)
            return err_set(err, ZW_EPERIOD, NULL, "“%s”尚未开始，不能“%s”", def->name, tr->name);
        bool over =
            k->stopped_at ? k->stopped_at >= k->due_at : !k->paused_at && z->now >= k->due_at;
        if (!over) {
            char due[11];
            cal_format_date(cal_local_ymd(k->due_at), due);
            return err_set(err, ZW_EPERIOD, NULL, "“%s”至 %s 届满，期满前不能“%s”", def->name, due,
                           tr->name);
        }
    }
    return 0;
}

bool cases_guarded(const struct cd_transition *tr)
{
    return tr->max_times || tr->after >= 0 || tr->within >= 0 || tr->after_clock >= 0;
}

/* ---- input -------------------------------------------------------------- */

static const struct cd_field *field_def(const struct case_type *t, const char *code)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].code, code) == 0)
            return &t->fields[i];
    return NULL;
}

/* Checks the values of in against the type's fields and merges them into *merged. */
static int merge_fields(struct zctx *z, const struct case_type *t, int64_t case_id, json_t *in,
                        json_t *merged, struct error *err)
{
    if (!in)
        return 0;
    if (!json_is_object(in))
        return err_set(err, ZW_EINVAL, "fields", "“fields”应为对象");
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v)
    {
        const struct cd_field *f = field_def(t, key);
        if (!f)
            return err_set(err, ZW_EUNKNOWNFIELD, key, "%s没有字段“%.40s”", t->name, key);
        bool ok = true;
        switch (f->type) {
        case CD_TEXT:
            ok = json_is_string(v) && json_string_length(v) > 0 &&
                 json_string_length(v) <= (size_t)f->max;
            break;
        case CD_CHOICE:
            ok = false;
            for (size_t k = 0; json_is_string(v) && k < f->nchoices; k++)
                ok |= strcmp(json_string_value(v), f->choices[k]) == 0;
            break;
        case CD_DATE: {
            int ymd;
            ok = json_is_string(v) && cal_parse_date(json_string_value(v), &ymd) == 0;
            break;
        }
        case CD_INTEGER:
            ok = json_is_integer(v);
            break;
        case CD_MONEY:
            ok = json_is_integer(v) && json_integer_value(v) >= 0;
            break;
        case CD_USER: {
            struct user u;
            struct error e2;
            struct scope sc = principal_scope(z->who);
            ok = json_is_integer(v) &&
                 store_user_get(z->db, json_integer_value(v), &sc, &u, &e2) == 0;
            break;
        }
        case CD_FILE: {
            /* An attachment already filed on this case (upload first, then refer to it). */
            struct case_attachment att;
            struct error e2;
            if (!case_id)
                return err_set(err, ZW_EINVAL, key, "“%s”请在登记后上传附件再填写", f->name);
            ok = json_is_integer(v) && store_attachment_get(z->db, case_id, json_integer_value(v),
                                                            z->arena, &att, &e2) == 0;
            break;
        }
        }
        if (!ok)
            return err_set(err, ZW_EINVAL, key, "“%s”的值不符合要求", f->name);
        json_object_set(merged, key, v);
    }
    return 0;
}

/* The township's short name ("羊市") of the area at path, for serial numbers. */
static void town_short_name(struct zctx *z, const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "本镇");
    struct area a;
    struct error e;
    if (!path || store_area_township(z->db, path, &a, &e) != 0)
        return;
    snprintf(out, cap, "%s", a.name);
    size_t n = strlen(out);
    static const char *const suffixes[] = {"街道", "镇", "乡"};
    for (size_t i = 0; i < 3; i++) {
        size_t sl = strlen(suffixes[i]);
        if (n > sl && strcmp(out + n - sl, suffixes[i]) == 0) {
            out[n - sl] = '\0';
            break;
        }
    }
}

/* Expands the type's serial pattern. */
static void make_serial(const char *pattern, const char *town, int year, int seq, char *out,
                        size_t cap)
{
    struct buf b = {0};
    for (const char *p = pattern; *p;) {
        if (strncmp(p, "{town}", 6) == 0) {
            buf_adds(&b, town);
            p += 6;
        } else if (strncmp(p, "{year}", 6) == 0) {
            buf_addf(&b, "%d", year);
            p += 6;
        } else if (strncmp(p, "{n}", 3) == 0) {
            buf_addf(&b, "%d", seq);
            p += 3;
        } else {
            buf_addc(&b, *p++);
        }
    }
    snprintf(out, cap, "%s", b.ptr ? b.ptr : "");
    buf_release(&b);
}

static int add_event(struct zctx *z, int64_t case_id, const char *kind, const char *action,
                     const char *from, const char *to, const char *comment, json_t *data,
                     struct error *err);

int cases_add_event(struct zctx *z, int64_t case_id, const char *kind, const char *action,
                    const char *comment, json_t *data, struct error *err)
{
    return add_event(z, case_id, kind, action, NULL, NULL, comment, data, err);
}

static int add_event(struct zctx *z, int64_t case_id, const char *kind, const char *action,
                     const char *from, const char *to, const char *comment, json_t *data,
                     struct error *err)
{
    struct case_event e = {
        .case_id = case_id,
        .at = z->now,
        .user_id = z->who->user_id,
        .user_name = z->who->name ? z->who->name : z->who->username,
        .kind = kind,
        .action = action,
        .from_state = from,
        .to_state = to,
        .comment = comment,
        .data_json = data && json_object_size(data) ? jsonx_dump(z->arena, data, NULL) : NULL,
    };
    return store_case_event_add(z->db, &e, err);
}

/* ---- create ------------------------------------------------------------- */

int cases_get(struct zctx *z, int64_t id, struct case_row *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    return store_case_get(z->db, id, &sc, z->arena, out, err);
}

int cases_create(struct zctx *z, const struct case_types *types, const struct case_input *in,
                 struct case_row *out, struct error *err)
{
    const struct case_type *t = casedef_find(types, in->type);
    if (!t)
        return err_set(err, ZW_EINVAL, "type", "没有办件类型“%.40s”", in->type);
    size_t tl = utf8_chars(in->title);
    if (tl < 1 || tl > 100)
        return err_set(err, ZW_EINVAL, "title", "标题应为 1 至 100 个字");
    if (!*in->content || strlen(in->content) > 20000)
        return err_set(err, ZW_EINVAL, "content", "内容不能为空，且不超过 20000 字节");
    const char *channel = in->channel ? in->channel : "other";
    bool known = false;
    for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
        known |= strcmp(channel, channels[i]) == 0;
    if (!known)
        return err_set(err, ZW_EINVAL, "channel",
                       "来源渠道应为 visit、letter、phone、online、hotline、grid 或 other");
    const char *category = in->category;
    if (category && !has_category(t, category))
        return err_set(err, ZW_EINVAL, "category", "%s没有类别“%.40s”", t->name, category);
    if (!category)
        category = t->ncategories ? t->categories[0].code : "general";
    if (in->has_location &&
        (!(in->lat >= -90 && in->lat <= 90) || !(in->lon >= -180 && in->lon <= 180)))
        return err_set(err, ZW_EINVAL, "lat", "经纬度超出范围（纬度 -90 至 90，经度 -180 至 180）");
    if (in->address && utf8_chars(in->address) > 200)
        return err_set(err, ZW_EINVAL, "address", "地址不超过 200 个字");
    if (in->requester_phone && *in->requester_phone &&
        strspn(in->requester_phone, "0123456789-+") != strlen(in->requester_phone))
        return err_set(err, ZW_EINVAL, "requester", "联系电话只能包含数字和 -");

    struct scope sc = principal_scope(z->who);
    struct area a;
    int rc = store_area_get(z->db, in->area_id, &sc, &a, err);
    if (rc == ZW_ENOTFOUND)
        return err_set(err, ZW_EFORBIDDEN, "areaId", "所选区划不存在或不在您的管辖范围内");
    if (rc)
        return rc;
    json_t *fields = json_object();
    if ((rc = merge_fields(z, t, 0, in->fields, fields, err)))
        goto out_fields;

    memset(out, 0, sizeof(*out));
    snprintf(out->type, sizeof(out->type), "%s", t->code);
    out->year = cal_local_ymd(z->now) / 10000;
    if ((rc = store_case_next_seq(z->db, t->code, out->year, &out->seq, err)))
        goto out_fields;
    char town[64];
    town_short_name(z, a.path, town, sizeof(town));
    make_serial(t->serial, town, out->year, out->seq, out->serial, sizeof(out->serial));
    out->title = in->title;
    out->content = in->content;
    out->area_id = a.id;
    snprintf(out->area_path, sizeof(out->area_path), "%s", a.path);
    snprintf(out->category, sizeof(out->category), "%s", category);
    snprintf(out->channel, sizeof(out->channel), "%s", channel);
    out->requester_name = in->requester_name;
    out->requester_phone = in->requester_phone;
    out->confidential = in->confidential;
    out->has_location = in->has_location;
    out->lat = in->lat;
    out->lon = in->lon;
    out->address = in->address && *in->address ? in->address : NULL;
    snprintf(out->state, sizeof(out->state), "%s", t->states[t->initial].code);
    out->fields_json = jsonx_dump(z->arena, fields, NULL);
    out->created_by = z->who->user_id;
    out->created_at = z->now;
    if ((rc = store_case_insert(z->db, out, err)))
        goto out_fields;
    for (size_t i = 0; i < t->nclocks; i++) {
        if (t->clocks[i].starts != CD_START_CREATE)
            continue;
        struct case_clock k;
        clock_start(t, &t->clocks[i], out, z->now, &k);
        if ((rc = store_case_clock_put(z->db, &k, out->closed_at > 0, err)))
            goto out_fields;
    }
    if ((rc = add_event(z, out->id, "create", NULL, NULL, out->state, NULL, NULL, err)))
        goto out_fields;
    json_t *after =
        json_pack("{s:s, s:s, s:s, s:I, s:s}", "type", t->code, "serial", out->serial, "title",
                  out->title, "areaId", (json_int_t)out->area_id, "state", out->state);
    rc = audit_log(z, "create", "case", out->id, NULL, after, err);
    json_decref(after);
    if (!rc)
        rc = cases_get(z, out->id, out, err);
out_fields:
    json_decref(fields);
    return rc;
}

/* ---- act ---------------------------------------------------------------- */

static struct case_clock *find_clock(struct case_clock *v, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].clock, code) == 0)
            return &v[i];
    return NULL;
}

static bool contains(const int *v, size_t n, int x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* Applies transition ti to the case's clocks at now and writes the ones it changed. */
static int move_clocks(struct zctx *z, const struct case_type *t, int ti, const struct case_row *c,
                       bool final, struct error *err)
{
    const struct cd_transition *tr = &t->transitions[ti];
    struct case_clock *v;
    size_t n;
    int rc = store_case_clocks(z->db, c->id, z->arena, &v, &n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < t->nclocks; i++) {
        const struct cd_clock *def = &t->clocks[i];
        struct case_clock *k = find_clock(v, n, def->code), fresh;
        bool running = k && !k->stopped_at;
        bool changed = false;
        if (running && (contains(def->stops, def->nstops, ti) || final)) {
            if (k->paused_at) {
                k->due_at += z->now - k->paused_at;
                k->paused_at = 0;
            }
            k->stopped_at = z->now;
            changed = true;
        }
        if (running && !k->stopped_at && contains(tr->pauses, tr->npauses, (int)i) &&
            !k->paused_at) {
            k->paused_at = z->now;
            changed = true;
        }
        if (running && !k->stopped_at && contains(tr->resumes, tr->nresumes, (int)i) &&
            k->paused_at) {
            int64_t paused = z->now - k->paused_at;
            k->due_at += paused;
            k->warn_at += paused;
            k->paused_at = 0;
            changed = true;
        }
        if (tr->extends == (int)i && running && !k->stopped_at) {
            int64_t given = field_day_end(t, c, def->extension_due_field);
            k->due_at = given ? given : shift(k->due_at, def->extension, 1);
            k->warn_at = def->has_warn ? shift(k->due_at, def->warn, -1) : k->due_at;
            k->extensions++;
            changed = true;
        }
        if (def->starts == ti && !final) {
            clock_start(t, def, c, z->now, &fresh);
            k = &fresh;
            changed = true;
        }
        if (changed && (rc = store_case_clock_put(z->db, k, c->closed_at > 0, err)))
            return rc;
    }
    return 0;
}

/*
 * Deadlines given as date fields: one that starts a clock may not lie in the
 * past; one that extends a clock must be later than its current deadline.
 */
/* The amount a step may decide at most ("at_most"): the field's value in fields. */
static int check_at_most(const struct case_type *t, int ti, json_t *fields, struct error *err)
{
    const struct cd_transition *tr = &t->transitions[ti];
    if (tr->at_most_field < 0)
        return 0;
    const struct cd_field *f = &t->fields[tr->at_most_field];
    json_t *v = json_object_get(fields, f->code);
    if (!json_is_integer(v) || json_integer_value(v) <= tr->at_most)
        return 0;
    if (f->type == CD_MONEY)
        return err_set(err, ZW_EINVAL, f->code,
                       "“%s”超过“%s”的限额 %lld.%02lld 元，请按规定报上级审批", f->name, tr->name,
                       (long long)(tr->at_most / 100), (long long)(tr->at_most % 100));
    return err_set(err, ZW_EINVAL, f->code, "“%s”超过“%s”的限额 %lld", f->name, tr->name,
                   (long long)tr->at_most);
}

static int check_due_fields(struct zctx *z, const struct case_type *t, int ti,
                            const struct case_row *c, json_t *fields, struct error *err)
{
    const struct cd_transition *tr = &t->transitions[ti];
    int today = cal_local_ymd(z->now);
    for (size_t i = 0; i < t->nclocks; i++) {
        const struct cd_clock *def = &t->clocks[i];
        int fi = def->starts == ti ? def->due_field : -1;
        if (fi < 0 && tr->extends == (int)i)
            fi = def->extension_due_field;
        const char *v =
            fi >= 0 ? json_string_value(json_object_get(fields, t->fields[fi].code)) : NULL;
        int ymd;
        if (!v || cal_parse_date(v, &ymd))
            continue;
        if (def->starts == ti && ymd < today)
            return err_set(err, ZW_EINVAL, t->fields[fi].code, "“%s”不能早于今天",
                           t->fields[fi].name);
        if (tr->extends == (int)i) {
            struct case_clock *v2;
            size_t n;
            int rc = store_case_clocks(z->db, c->id, z->arena, &v2, &n, err);
            if (rc)
                return rc;
            struct case_clock *k = find_clock(v2, n, def->code);
            if (k && cal_local_midnight(cal_ymd_add(ymd, 1)) - 1 <= k->due_at) {
                char was[11];
                cal_format_date(cal_local_ymd(k->due_at), was);
                return err_set(err, ZW_EINVAL, t->fields[fi].code, "“%s”应晚于原时限 %s",
                               t->fields[fi].name, was);
            }
        }
    }
    return 0;
}

static struct {
    cases_hook_fn fn;
    void *arg;
} hooks[8];
static size_t nhooks;

void cases_hook_add(cases_hook_fn fn, void *arg)
{
    for (size_t i = 0; i < nhooks; i++)
        if (hooks[i].fn == fn && hooks[i].arg == arg)
            return;
    if (nhooks < sizeof(hooks) / sizeof(hooks[0])) {
        hooks[nhooks].fn = fn;
        hooks[nhooks++].arg = arg;
    }
}

int cases_act(struct zctx *z, const struct case_types *types, int64_t id, int version,
              const struct case_action *a, struct case_row *out, struct error *err)
{
    int rc = cases_get(z, id, out, err);
    if (rc)
        return rc;
    const struct case_type *t = casedef_find(types, out->type);
    if (!t)
        return err_set(err, ZW_EINTERNAL, NULL, "办件类型“%s”的定义已不存在", out->type);
    int ti = casedef_transition(t, a->code);
    if (ti < 0)
        return err_set(err, ZW_ENOTFOUND, NULL, "%s没有“%.40s”这个办理动作", t->name, a->code);
    const struct cd_transition *tr = &t->transitions[ti];
    if (out->version != version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    int si = casedef_state(t, out->state);
    if (!contains(tr->from, tr->nfrom, si))
        return err_set(err, ZW_ETRANSITION, NULL, "办件处于“%s”，不能“%s”",
                       si >= 0                                      ? t->states[si].name
                       : strcmp(out->state, CASE_STATE_MERGED) == 0 ? CASE_STATE_MERGED_NAME
                                                                    : out->state,
                       tr->name);
    if (!cases_may(z, t, out, tr))
        return err_set(err, ZW_EFORBIDDEN, NULL, "您的角色不能对此办件“%s”", tr->name);
    if (cases_guarded(tr)) {
        struct case_clock *v = NULL;
        size_t n = 0;
        if ((tr->within >= 0 || tr->after_clock >= 0) &&
            (rc = store_case_clocks(z->db, out->id, z->arena, &v, &n, err)))
            return rc;
        if ((rc = cases_guard(z, t, out, ti, v, n, err)))
            return rc;
    }
    if (tr->extends >= 0) {
        struct case_clock *v;
        size_t n;
        if ((rc = store_case_clocks(z->db, out->id, z->arena, &v, &n, err)))
            return rc;
        struct case_clock *k = find_clock(v, n, t->clocks[tr->extends].code);
        if (!k || k->stopped_at)
            return err_set(err, ZW_ETRANSITION, NULL, "“%s”未在计时，不能延期",
                           t->clocks[tr->extends].name);
        if (cases_extensions_left(t, k) <= 0)
            return err_set(err, ZW_ETRANSITION, NULL, "“%s”已延期 %d 次，不能再延期",
                           t->clocks[tr->extends].name, k->extensions);
    }
    json_t *fields = json_loads(out->fields_json ? out->fields_json : "{}", 0, NULL);
    if (!fields)
        fields = json_object();
    if ((rc = merge_fields(z, t, out->id, a->fields, fields, err)) ||
        (rc = check_due_fields(z, t, ti, out, fields, err)) ||
        (rc = check_at_most(t, ti, fields, err)))
        goto out_fields;
    if (a->assignee_id) {
        struct user u;
        struct scope sc = principal_scope(z->who);
        if (store_user_get(z->db, a->assignee_id, &sc, &u, err) || u.disabled) {
            rc = err_set(err, ZW_EINVAL, "assigneeId", "办理人不存在、已停用或不在您的管辖范围内");
            goto out_fields;
        }
        out->assignee_id = a->assignee_id;
    }
    for (size_t i = 0; i < tr->nrequires; i++) {
        int r = tr->requires[i];
        bool ok = r == CD_REQ_COMMENT    ? a->comment && *a->comment
                  : r == CD_REQ_ASSIGNEE ? out->assignee_id != 0
                                         : json_object_get(fields, t->fields[r].code) != NULL;
        if (!ok) {
            const char *code = r == CD_REQ_COMMENT    ? "comment"
                               : r == CD_REQ_ASSIGNEE ? "assigneeId"
                                                      : t->fields[r].code;
            const char *name = r == CD_REQ_COMMENT    ? "办理意见"
                               : r == CD_REQ_ASSIGNEE ? "办理人"
                                                      : t->fields[r].name;
            rc = err_set(err, ZW_EINVAL, code, "“%s”需要填写“%s”", tr->name, name);
            goto out_fields;
        }
    }
    const struct cd_state *to = &t->states[tr->to];
    char from[40];
    snprintf(from, sizeof(from), "%s", out->state);
    snprintf(out->state, sizeof(out->state), "%s", to->code);
    static const char *const outcomes[] = {"", "resolved", "unresolved", "rejected", "withdrawn"};
    snprintf(out->outcome, sizeof(out->outcome), "%s", to->final ? outcomes[to->outcome] : "");
    out->closed_at = to->final ? z->now : 0;
    /* The resident's rating, when this action records it. */
    const char *rating =
        t->satisfaction_field >= 0 && a->fields
            ? json_string_value(json_object_get(a->fields, t->fields[t->satisfaction_field].code))
            : NULL;
    if (rating) {
        out->satisfied = 0;
        for (size_t i = 0; i < t->nsatisfied; i++)
            if (strcmp(t->satisfied[i], rating) == 0)
                out->satisfied = 1;
        out->rated_at = z->now;
    }
    out->fields_json = jsonx_dump(z->arena, fields, NULL);
    out->updated_at = z->now;
    json_t *data = json_object();
    if (a->fields)
        json_object_set(data, "fields", a->fields);
    if (a->assignee_id)
        json_object_set_new(data, "assigneeId", json_integer(a->assignee_id));
    if ((rc = store_case_update(z->db, out, err)) ||
        (rc = move_clocks(z, t, ti, out, to->final, err)) ||
        (rc = add_event(z, out->id, "action", tr->code, from, to->code, a->comment, data, err))) {
        json_decref(data);
        goto out_fields;
    }
    json_object_set_new(data, "action", json_string(tr->code));
    json_object_set_new(data, "from", json_string(from));
    json_object_set_new(data, "to", json_string(to->code));
    rc = audit_log(z, "action", "case", out->id, NULL, data, err);
    json_decref(data);
    /* The rules of other modules on this transition (see cases_hook_add). */
    for (size_t i = 0; !rc && i < nhooks; i++)
        rc = hooks[i].fn(z, hooks[i].arg, t, out, tr->code, err);
    /* The notice the procedure requires is issued with the action, in its transaction. */
    if (!rc && tr->document >= 0)
        rc = documents_issue(z, t, out, tr->document, tr->code, a->comment, tr->extends, NULL, err);
    if (!rc)
        rc = cases_get(z, out->id, out, err);
out_fields:
    json_decref(fields);
    return rc;
}
