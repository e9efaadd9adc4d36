/* api_cases.c - /api/v1/case-types and /api/v1/cases: registering and handling cases. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "calendar.h"
#include "domain/cases.h"
#include "jsonx.h"
#include "mask.h"
#include "banned.h"

static const char *state_name(const struct case_type *t, const char *code)
{
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

/* The case as JSON; with details (clocks, actions, timeline) for the one-case view. */
static json_t *case_json(struct api_ctx *c, const struct case_row *r, bool details)
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
        "requester", requester, "state", "code", r->state, "name", state_name(t, r->state), "final",
        si >= 0 && t->states[si].final, "outcome", r->outcome[0] ? r->outcome : NULL, "assignee",
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
    if (store_case_clocks(c->z.db, r->id, &c->req->arena, &clocks, &nclocks, &e) != 0)
        nclocks = 0;
    else
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
    for (size_t i = 0; si >= 0 && i < t->ntransitions; i++) {
        const struct cd_transition *tr = &t->transitions[i];
        bool from = false;
        for (size_t k = 0; k < tr->nfrom; k++)
            from |= tr->from[k] == si;
        if (!from || !cases_may(&c->z, t, r, tr))
            continue;
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
    struct case_event *ev;
    size_t nev;
    json_t *tl = json_array();
    if (store_case_events(c->z.db, r->id, &c->req->arena, &ev, &nev, &e) == 0)
        for (size_t i = 0; i < nev; i++) {
            json_t *data = ev[i].data_json ? json_loads(ev[i].data_json, 0, NULL) : NULL;
            json_array_append_new(
                tl, json_pack("{s:o, s:{s:I, s:s?}, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:o}", "at",
                              jsonx_time(ev[i].at), "user", "id", (json_int_t)ev[i].user_id, "name",
                              ev[i].user_name, "kind", ev[i].kind, "action", ev[i].action,
                              "actionName", action_name(t, ev[i].action), "from", ev[i].from_state,
                              "to", ev[i].to_state, "comment", ev[i].comment, "data",
                              data ? data : json_null()));
        }
    json_object_set_new(v, "timeline", tl);
    return v;
}

static void reply_case(struct api_ctx *c, int status, const struct case_row *r)
{
    api_set_etag(c, r->version);
    if (status == 201) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/api/v1/cases/%lld", (long long)r->id);
        http_add_header(c->req, "Location", loc);
    }
    api_reply(c, status, case_json(c, r, true));
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
    reply_case(c, 201, &r);
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
    reply_case(c, 200, &r);
}

void api_cases_list(struct api_ctx *c)
{
    struct case_filter f = {
        .type = http_query(c->req, "type"),
        .state = http_query(c->req, "state"),
        .q = http_query(c->req, "q"),
    };
    int64_t overdue = 0;
    if (!api_paging_or_reply(c, &f.page, &f.page_size) ||
        !api_area_filter_or_reply(c, &f.in_path) || !api_query_int_or_reply(c, "overdue", &overdue))
        return;
    if (f.type && !*f.type)
        f.type = NULL;
    if (f.state && !*f.state)
        f.state = NULL;
    if (f.q && (!*f.q || strlen(f.q) > 100))
        f.q = NULL;
    if (overdue)
        f.overdue_at = c->z.now;
    struct scope sc = principal_scope(&c->who);
    struct case_row *items;
    size_t n;
    int64_t total;
    if (store_case_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, case_json(c, &items[i], false));
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
    reply_case(c, 200, &r);
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
        /* Re-work: actions that reopen a closed case (12345 重办, ...). */
        int64_t reopened = 0;
        json_t *acts = json_object();
        for (size_t k = 0; k < s->nactions; k++) {
            int ti = casedef_transition(t, s->actions[k].code);
            if (ti >= 0 && t->transitions[ti].reopens)
                reopened += s->actions[k].count;
            json_object_set_new(acts, s->actions[k].code, json_integer(s->actions[k].count));
        }
        const int64_t *k = s->count;
        json_array_append_new(
            arr,
            json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:o}",
                      "type", t->code, "typeName", t->name, "received", (json_int_t)k[CS_RECEIVED],
                      "closed", (json_int_t)k[CS_CLOSED], "closedOnTime", (json_int_t)k[CS_ON_TIME],
                      "onTimeRate", rate(k[CS_ON_TIME], k[CS_CLOSED]), "resolved",
                      (json_int_t)k[CS_RESOLVED], "unresolved", (json_int_t)k[CS_UNRESOLVED],
                      "rejected", (json_int_t)k[CS_REJECTED], "withdrawn",
                      (json_int_t)k[CS_WITHDRAWN], "resolutionRate",
                      rate(k[CS_RESOLVED], k[CS_CLOSED]), "overdueNow", (json_int_t)k[CS_OVERDUE],
                      "reopened", (json_int_t)reopened, "actions", acts));
        /* Public ratings (portal): counted for 满意率 = 基本满意 and better / rated. */
        json_t *last = json_array_get(arr, json_array_size(arr) - 1);
        json_object_set_new(last, "rated", json_integer(s->rated));
        json_object_set_new(last, "satisfied", json_integer(s->satisfied));
        json_object_set_new(last, "satisfactionRate", rate(s->satisfied, s->rated));
    }
    char f[11], t[11];
    cal_format_date(cal_local_ymd(from), f);
    cal_format_date(cal_local_ymd(to - 1), t);
    api_reply(c, 200, json_pack("{s:s, s:s, s:o}", "from", f, "to", t, "items", arr));
}
