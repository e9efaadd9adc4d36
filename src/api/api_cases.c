/* api_cases.c - /api/v1/case-types and /api/v1/cases: registering and handling cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "calendar.h"
#include "domain/attachments.h"
#include "domain/cases.h"
#include "jsonx.h"
#include "mask.h"
#include "banned.h"

const char *api_state_name(const struct case_type *t, const char *code)
{
    if (strcmp(code, CASE_STATE_MERGED) == 0)
        return CASE_STATE_MERGED_NAME;
    int i = t ? casedef_state(t, code) : -1;
    return i >= 0 ? t->states[i].name : code;
}

static const char *action_name(const struct case_type *t, const char *code)
{
    int i = t && code ? casedef_transition(t, code) : -1;
    return i >= 0 ? t->transitions[i].name : code;
}

static json_t *field_json(const struct cd_field *f)
{
    static const char *const types[] = {"text",  "choice", "date", "integer",
                                        "money", "user",   "file"};
    json_t *v =
        json_pack("{s:s, s:s, s:s}", "code", f->code, "name", f->name, "type", types[f->type]);
    if (f->type == CD_TEXT)
        json_object_set_new(v, "max", json_integer(f->max));
    if (f->nchoices) {
        json_t *ch = json_array();
        for (size_t i = 0; i < f->nchoices; i++)
            json_array_append_new(ch, json_string(f->choices[i]));
        json_object_set_new(v, "choices", ch);
    }
    return v;
}

void api_case_types_list(struct api_ctx *c)
{
    const struct case_types *types = api_env.case_types;
    json_t *arr = json_array();
    for (size_t i = 0; types && i < types->n; i++) {
        const struct case_type *t = &types->v[i];
        json_t *cats = json_array(), *states = json_array(), *fields = json_array();
        for (size_t k = 0; k < t->ncategories; k++)
            json_array_append_new(cats, json_pack("{s:s, s:s}", "code", t->categories[k].code,
                                                  "name", t->categories[k].name));
        for (size_t k = 0; k < t->nstates; k++)
            json_array_append_new(states,
                                  json_pack("{s:s, s:s, s:b}", "code", t->states[k].code, "name",
                                            t->states[k].name, "final", t->states[k].final));
        for (size_t k = 0; k < t->nfields; k++)
            json_array_append_new(fields, field_json(&t->fields[k]));
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:o, s:o, s:o}", "code", t->code,
                                             "name", t->name, "basis", t->basis, "categories", cats,
                                             "states", states, "fields", fields));
    }
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}

/* Appends the timeline of case id to tl; from_serial marks events of a merged repeat. */
static void timeline_add(struct api_ctx *c, const struct case_type *t, int64_t id,
                         const char *from_serial, json_t *tl)
{
    struct case_event *ev;
    size_t nev;
    struct error e;
    if (store_case_events(c->z.db, id, &c->req->arena, &ev, &nev, &e) != 0)
        return;
    for (size_t i = 0; i < nev; i++) {
        json_t *data = ev[i].data_json ? json_loads(ev[i].data_json, 0, NULL) : NULL;
        json_t *x =
            json_pack("{s:o, s:{s:I, s:s?}, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:o}", "at",
                      jsonx_time(ev[i].at), "user", "id", (json_int_t)ev[i].user_id, "name",
                      ev[i].user_name, "kind", ev[i].kind, "action", ev[i].action, "actionName",
                      action_name(t, ev[i].action), "from", ev[i].from_state, "to", ev[i].to_state,
                      "comment", ev[i].comment, "data", data ? data : json_null());
        json_object_set_new(x, "seq", json_integer(ev[i].id));
        if (from_serial)
            json_object_set_new(
                x, "fromCase",
                json_pack("{s:I, s:s}", "id", (json_int_t)id, "serial", from_serial));
        json_array_append_new(tl, x);
    }
}

static int by_at(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int c = strcmp(json_string_value(json_object_get(x, "at")),
                   json_string_value(json_object_get(y, "at")));
    if (c)
        return c;
    json_int_t i = json_integer_value(json_object_get(x, "seq")),
               k = json_integer_value(json_object_get(y, "seq"));
    return i < k ? -1 : i > k;
}

/* Orders timeline entries by time (ISO strings of one offset sort as times), then by event id. */
static void json_array_sort_by_at(json_t *arr)
{
    size_t n = json_array_size(arr);
    json_t **v = n ? malloc(n * sizeof(*v)) : NULL;
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof(*v), by_at);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++) {
        json_object_del(v[i], "seq");
        json_array_append_new(arr, v[i]);
    }
    free(v);
}

/*
 * The case as JSON; with details (actions, timeline, links, files) for the
 * one-case view.  The case's clocks are pclocks[0..npclocks) when pclocks is
 * not NULL (a list reads them for a whole page at once), else read here.
 */
static json_t *case_json(struct api_ctx *c, const struct case_row *r, bool details,
                         const struct case_clock *pclocks, size_t npclocks)
{
    const struct case_type *t = casedef_find(api_env.case_types, r->type);
    int si = t ? casedef_state(t, r->state) : -1;
    char phone[40];
    json_t *requester = json_null();
    if (r->requester_name || r->requester_phone) {
        bool visible = cases_requester_visible(&c->z, r);
        mask_phone(r->requester_phone, phone);
        requester =
            json_pack("{s:s?, s:s?, s:b}", "name", visible ? r->requester_name : NULL, "phone",
                      visible && phone[0] ? phone : NULL, "confidential", r->confidential);
    }
    json_t *fields = json_loads(r->fields_json ? r->fields_json : "{}", 0, NULL);
    json_t *v = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s, s:s}, s:s, s:s, s:o, s:{s:s, s:s, s:b}, "
        "s:s?, s:o, s:o, s:i, s:o, s:o, s:o}",
        "id", (json_int_t)r->id, "type", r->type, "typeName", t ? t->name : r->type, "serial",
        r->serial, "title", r->title, "content", r->content, "area", "id", (json_int_t)r->area_id,
        "code", r->area_code, "name", r->area_name, "category", r->category, "channel", r->channel,
        "requester", requester, "state", "code", r->state, "name", api_state_name(t, r->state),
        "final", si >= 0 && t->states[si].final, "outcome", r->outcome[0] ? r->outcome : NULL,
        "assignee",
        r->assignee_id
            ? json_pack("{s:I, s:s}", "id", (json_int_t)r->assignee_id, "name", r->assignee_name)
            : json_null(),
        "fields", fields ? fields : json_object(), "version", r->version, "createdAt",
        jsonx_time(r->created_at), "updatedAt", jsonx_time(r->updated_at), "closedAt",
        jsonx_time(r->closed_at));
    struct case_clock *clocks = NULL;
    size_t nclocks = 0;
    struct error e;
    json_t *jc = json_array();
    if (pclocks) {
        clocks = (struct case_clock *)pclocks;
        nclocks = npclocks;
    } else if (store_case_clocks(c->z.db, r->id, &c->req->arena, &clocks, &nclocks, &e) != 0) {
        nclocks = 0;
    }
    if (nclocks)
        for (size_t i = 0; i < nclocks; i++) {
            const struct case_clock *k = &clocks[i];
            int ci = -1;
            for (size_t n = 0; t && n < t->nclocks; n++)
                if (strcmp(t->clocks[n].code, k->clock) == 0)
                    ci = (int)n;
            json_array_append_new(
                jc, json_pack("{s:s, s:s, s:o, s:o, s:s, s:i, s:i}", "code", k->clock, "name",
                              ci >= 0 ? t->clocks[ci].name : k->clock, "startedAt",
                              jsonx_time(k->started_at), "dueAt", jsonx_time(k->due_at), "status",
                              cases_clock_status(k, c->z.now), "extensions", k->extensions,
                              "extensionsLeft", t ? cases_extensions_left(t, k) : 0));
        }
    json_object_set_new(v, "clocks", jc);
    json_object_set_new(v, "location",
                        r->has_location ? json_pack("{s:f, s:f}", "lat", r->lat, "lon", r->lon)
                                        : json_null());
    json_object_set_new(v, "address", r->address ? json_string(r->address) : json_null());
    if (!details || !t)
        return v;
    json_t *actions = json_array();
    json_t *waiting = json_array(); /* allowed once a period (公示期 ...) has run: why not yet */
    for (size_t i = 0; si >= 0 && i < t->ntransitions; i++) {
        const struct cd_transition *tr = &t->transitions[i];
        bool from = false;
        for (size_t k = 0; k < tr->nfrom; k++)
            from |= tr->from[k] == si;
        if (!from || !cases_may(&c->z, t, r, tr))
            continue;
        /* Guarded ones only when their history and clocks allow them now; one that
         * waits for a period to run is listed apart, with the date it ends. */
        struct error ge = {0};
        if (cases_guarded(tr) && cases_guard(&c->z, t, r, (int)i, clocks, nclocks, &ge) != 0) {
            if (ge.code == ZW_EPERIOD)
                json_array_append_new(waiting, json_pack("{s:s, s:s, s:s}", "code", tr->code,
                                                         "name", tr->name, "reason", ge.message));
            continue;
        }
        /* An extension is offered only while its clock runs and has extensions left. */
        if (tr->extends >= 0) {
            const struct case_clock *k = NULL;
            for (size_t n = 0; n < nclocks; n++)
                if (strcmp(clocks[n].clock, t->clocks[tr->extends].code) == 0)
                    k = &clocks[n];
            if (!k || k->stopped_at || cases_extensions_left(t, k) <= 0)
                continue;
        }
        json_t *req = json_array();
        for (size_t k = 0; k < tr->nrequires; k++) {
            int q = tr->requires[k];
            if (q == CD_REQ_COMMENT)
                json_array_append_new(req, json_pack("{s:s, s:s, s:s}", "code", "comment", "name",
                                                     "办理意见", "type", "text"));
            else if (q == CD_REQ_ASSIGNEE)
                json_array_append_new(req, json_pack("{s:s, s:s, s:s}", "code", "assignee", "name",
                                                     "办理人", "type", "user"));
            else
                json_array_append_new(req, field_json(&t->fields[q]));
        }
        json_array_append_new(actions, json_pack("{s:s, s:s, s:o}", "code", tr->code, "name",
                                                 tr->name, "requires", req));
    }
    json_object_set_new(v, "actions", actions);
    json_object_set_new(v, "waiting", waiting);
    json_t *tl = json_array();
    timeline_add(c, t, r->id, NULL, tl);
    struct scope sc = principal_scope(&c->who);
    struct case_link *links;
    size_t nlinks;
    json_t *jl = json_array();
    if (store_case_links(c->z.db, r->id, &sc, &c->req->arena, &links, &nlinks, &e) == 0)
        for (size_t i = 0; i < nlinks; i++) {
            const struct case_link *l = &links[i];
            const struct case_type *ot = casedef_find(api_env.case_types, l->other_type);
            /* A case out of the caller's scope is named by its serial only. */
            json_array_append_new(
                jl, json_pack("{s:I, s:s, s:s, s:b, s:s?, s:s?, s:o}", "caseId",
                              (json_int_t)l->other_id, "kind", l->kind, "serial", l->other_serial,
                              "visible", l->visible, "title", l->visible ? l->other_title : NULL,
                              "state", l->visible ? api_state_name(ot, l->other_state) : NULL, "at",
                              jsonx_time(l->created_at)));
            /* Keeping both timelines: a merged repeat's events join the survivor's. */
            if (strcmp(l->kind, "merged_from") == 0 && l->visible) {
                const struct case_type *mt = casedef_find(api_env.case_types, l->other_type);
                timeline_add(c, mt, l->other_id, l->other_serial, tl);
            }
        }
    json_array_sort_by_at(tl);
    json_object_set_new(v, "links", jl);
    struct case_attachment *att;
    size_t natt;
    json_t *ja = json_array();
    if (store_attachments(c->z.db, r->id, &c->req->arena, &att, &natt, &e) == 0)
        for (size_t i = 0; i < natt; i++)
            json_array_append_new(ja, api_attachment_json(&att[i]));
    json_object_set_new(v, "attachments", ja);
    json_object_set_new(v, "timeline", tl);
    return v;
}

void api_reply_case(struct api_ctx *c, int status, const struct case_row *r)
{
    api_set_etag(c, r->version);
    if (status == 201) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/api/v1/cases/%lld", (long long)r->id);
        http_add_header(c->req, "Location", loc);
    }
    api_reply(c, status, case_json(c, r, true, NULL, 0));
}

void api_cases_create(struct api_ctx *c)
{
    struct case_input in = {0};
    json_t *requester = NULL, *fields = NULL, *lat = NULL, *lon = NULL;
    const struct jfield f[] = {
        {"type", JF_STRING, true, &in.type, .max = 40, .label = "办件类型"},
        {"title", JF_STRING, true, &in.title, .max = 400, .label = "标题"},
        {"content", JF_STRING, true, &in.content, .max = 20000, .label = "内容"},
        {"areaId", JF_INT, true, &in.area_id, .min = 1, .max = INT64_MAX, .label = "所属区划"},
        {"category", JF_STRING, false, &in.category, .max = 40, .label = "类别"},
        {"channel", JF_STRING, false, &in.channel, .max = 16, .label = "来源渠道"},
        {"requester", JF_ANY, false, &requester, .nullable = true, .label = "诉求人"},
        {"fields", JF_ANY, false, &fields, .label = "字段"},
        {"lat", JF_ANY, false, &lat, .nullable = true, .label = "纬度"},
        {"lon", JF_ANY, false, &lon, .nullable = true, .label = "经度"},
        {"address", JF_STRING, false, &in.address, .max = 800, .nullable = true, .label = "地址"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    if (!api_location_or_reply(c, lat, lon, &in.has_location, &in.lat, &in.lon))
        return;
    if (requester && !json_is_null(requester)) {
        int confidential = 0;
        const struct jfield rf[] = {
            {"name", JF_STRING, true, &in.requester_name, .max = 128, .label = "诉求人姓名"},
            {"phone", JF_STRING, false, &in.requester_phone, .max = 20, .nullable = true,
             .label = "联系电话"},
            {"confidential", JF_BOOL, false, &confidential, .label = "保密"},
        };
        if (jsonx_unpack(requester, rf, 3, &c->req->arena, &c->err)) {
            api_reply_error(c, &c->err);
            return;
        }
        in.confidential = confidential;
    }
    in.fields = fields;
    if (!api_begin_or_reply(c))
        return;
    struct case_row r;
    if (cases_create(&c->z, api_env.case_types, &in, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_case(c, 201, &r);
}

void api_cases_get(struct api_ctx *c)
{
    int64_t id;
    struct case_row r;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (cases_get(&c->z, id, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_case(c, 200, &r);
}

/* A local date query argument (YYYY-MM-DD) as the midnight starting it, plus days; 0 if absent. */
static bool date_arg_or_reply(struct api_ctx *c, const char *name, int days, int64_t *out)
{
    const char *s = http_query(c->req, name);
    int ymd;
    *out = 0;
    if (!s || !*s)
        return true;
    if (cal_parse_date(s, &ymd) == 0) {
        *out = cal_local_midnight(cal_ymd_add(ymd, days));
        return true;
    }
    err_set(&c->err, ZW_EINVAL, name, "日期格式应为 YYYY-MM-DD");
    api_reply_error(c, &c->err);
    return false;
}

bool api_case_filter_or_reply(struct api_ctx *c, struct case_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->type = http_query(c->req, "type");
    f->state = http_query(c->req, "state");
    f->q = http_query(c->req, "q");
    int64_t overdue = 0, mine = 0, open = 0;
    if (!api_paging_or_reply(c, &f->page, &f->page_size) ||
        !api_area_filter_or_reply(c, &f->in_path) ||
        !api_query_int_or_reply(c, "overdue", &overdue) ||
        !api_query_int_or_reply(c, "mine", &mine) || !api_query_int_or_reply(c, "open", &open) ||
        !date_arg_or_reply(c, "from", 0, &f->created_from) ||
        !date_arg_or_reply(c, "to", 1, &f->created_to))
        return false;
    if (f->created_from && f->created_to && f->created_to <= f->created_from) {
        err_set(&c->err, ZW_EINVAL, "to", "结束日期不能早于开始日期");
        api_reply_error(c, &c->err);
        return false;
    }
    if (f->type && !*f->type)
        f->type = NULL;
    if (f->state && !*f->state)
        f->state = NULL;
    if (f->q && (!*f->q || strlen(f->q) > 100))
        f->q = NULL;
    if (overdue)
        f->overdue_at = c->z.now;
    /* My to-do list: open cases assigned to me, the nearest running deadline first. */
    if (mine)
        f->assignee_id = c->who.user_id;
    f->open_only = open || mine;
    const char *sort = http_query(c->req, "sort");
    if (sort && *sort && strcmp(sort, "deadline") != 0 && strcmp(sort, "newest") != 0) {
        err_set(&c->err, ZW_EINVAL, "sort", "排序方式应为 deadline 或 newest");
        api_reply_error(c, &c->err);
        return false;
    }
    f->by_deadline =
        mine ? !(sort && strcmp(sort, "newest") == 0) : sort && strcmp(sort, "deadline") == 0;
    return true;
}

void api_cases_list(struct api_ctx *c)
{
    struct case_filter f;
    if (!api_case_filter_or_reply(c, &f))
        return;
    struct scope sc = principal_scope(&c->who);
    struct case_row *items;
    size_t n;
    int64_t total;
    if (store_case_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    /* Every clock of the page in one query (ordered by case), not one query per case. */
    struct case_clock *k = NULL;
    size_t nk = 0;
    int64_t *ids = arena_alloc(&c->req->arena, (n + 1) * sizeof(*ids));
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].id;
    if (n && store_case_clocks_of(c->z.db, ids, n, &c->req->arena, &k, &nk, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        size_t from = 0, cnt = 0;
        while (from < nk && k[from].case_id != items[i].id)
            from++;
        while (from + cnt < nk && k[from + cnt].case_id == items[i].id)
            cnt++;
        /* A case without clocks gets an empty, non-NULL slice: nothing to read again. */
        static const struct case_clock none;
        json_array_append_new(arr, case_json(c, &items[i], false, cnt ? &k[from] : &none, cnt));
    }
    api_reply(c, 200, api_page(arr, total, f.page, f.page_size));
}

void api_cases_act(struct api_ctx *c)
{
    int64_t id;
    int version;
    struct case_action a = {.code = http_param(c->req, "action")};
    json_t *fields = NULL;
    const struct jfield f[] = {
        {"comment", JF_STRING, false, &a.comment, .max = 4000, .nullable = true,
         .label = "办理意见"},
        {"assigneeId", JF_INT, false, &a.assignee_id, .min = 1, .max = INT64_MAX,
         .label = "办理人"},
        {"fields", JF_ANY, false, &fields, .label = "字段"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version))
        return;
    if (c->req->body.len && !api_body_or_reply(c, f, 3))
        return;
    a.fields = fields;
    if (!api_begin_or_reply(c))
        return;
    struct case_row r;
    if (cases_act(&c->z, api_env.case_types, id, version, &a, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_case(c, 200, &r);
}

/* A period argument: a local date; the upper bound includes its whole day. */
static bool period_or_reply(struct api_ctx *c, int64_t *from, int64_t *to)
{
    const char *f = http_query(c->req, "from"), *t = http_query(c->req, "to");
    int a, b;
    if (!f || !t || cal_parse_date(f, &a) || cal_parse_date(t, &b) || b < a) {
        err_set(&c->err, ZW_EINVAL, "from",
                "请给出统计期间 from 和 to（YYYY-MM-DD，from 不晚于 to）");
        api_reply_error(c, &c->err);
        return false;
    }
    *from = cal_local_midnight(a);
    *to = cal_local_midnight(cal_ymd_add(b, 1));
    return true;
}

static json_t *rate(int64_t num, int64_t den)
{
    return den ? json_real((double)(num * 10000 / den) / 10000.0) : json_null();
}

/* GET /api/v1/cases/stats: the counts the reports need, per type, in scope and period. */
void api_cases_stats(struct api_ctx *c)
{
    int64_t from, to;
    const char *in_path;
    if (!period_or_reply(c, &from, &to) || !api_area_filter_or_reply(c, &in_path))
        return;
    struct scope sc = principal_scope(&c->who);
    struct case_stat *st;
    size_t n;
    if (store_case_stats(c->z.db, &sc, from, to, c->z.now, in_path, &c->req->arena, &st, &n,
                         &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    const struct case_types *types = api_env.case_types;
    json_t *arr = json_array();
    for (size_t i = 0; types && i < types->n; i++) {
        const struct case_type *t = &types->v[i];
        static const struct case_stat zero;
        const struct case_stat *s = &zero;
        for (size_t k = 0; k < n; k++)
            if (strcmp(st[k].type, t->code) == 0)
                s = &st[k];
        /*
         * From the actions taken in the period, as the definition marks them:
         * accepted (受理, 立案), reopened (12345 重办), re-work (返工, 退回重办).
         */
        int64_t reopened = 0, rework = 0, accepted = 0;
        json_t *acts = json_object();
        for (size_t k = 0; k < s->nactions; k++) {
            int ti = casedef_transition(t, s->actions[k].code);
            const struct cd_transition *tr = ti >= 0 ? &t->transitions[ti] : NULL;
            reopened += tr && tr->reopens ? s->actions[k].count : 0;
            rework += tr && tr->rework ? s->actions[k].count : 0;
            accepted += tr && tr->accepts ? s->actions[k].count : 0;
            json_object_set_new(acts, s->actions[k].code, json_integer(s->actions[k].count));
        }
        const int64_t *k = s->count;
        json_t *one = json_pack("{s:I, s:I, s:I, s:o}", "accepted", (json_int_t)accepted, "rework",
                                (json_int_t)rework, "rated", (json_int_t)k[CS_RATED],
                                "satisfactionRate", rate(k[CS_SATISFIED], k[CS_RATED]));
        json_object_set_new(one, "satisfied", json_integer(k[CS_SATISFIED]));
        json_array_append_new(
            arr,
            json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:o}",
                      "type", t->code, "typeName", t->name, "received", (json_int_t)k[CS_RECEIVED],
                      "closed", (json_int_t)k[CS_CLOSED], "closedOnTime", (json_int_t)k[CS_ON_TIME],
                      "onTimeRate", rate(k[CS_ON_TIME], k[CS_CLOSED]), "resolved",
                      (json_int_t)k[CS_RESOLVED], "unresolved", (json_int_t)k[CS_UNRESOLVED],
                      "rejected", (json_int_t)k[CS_REJECTED], "withdrawn",
                      (json_int_t)k[CS_WITHDRAWN], "resolutionRate",
                      rate(k[CS_RESOLVED], k[CS_CLOSED]), "overdueNow", (json_int_t)k[CS_OVERDUE],
                      "reopened", (json_int_t)reopened, "merged", (json_int_t)k[CS_MERGED],
                      "actions", acts));
        json_object_update(json_array_get(arr, json_array_size(arr) - 1), one);
        json_decref(one);
    }
    char f[11], t[11];
    cal_format_date(cal_local_ymd(from), f);
    cal_format_date(cal_local_ymd(to - 1), t);
    api_reply(c, 200, json_pack("{s:s, s:s, s:o}", "from", f, "to", t, "items", arr));
}
