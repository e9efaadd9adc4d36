/* api_admin.c - the auditor's log, the security settings and the working-day calendar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "domain/auth.h"
#include "domain/workcal.h"
#include "jsonx.h"
#include "banned.h"

/* ---- /api/v1/audit ------------------------------------------------------ */

static json_t *json_or_null(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    return v ? v : json_null();
}

static bool time_arg_or_reply(struct api_ctx *c, const char *name, int64_t *out)
{
    const char *s = http_query(c->req, name);
    if (!s || !*s)
        return true;
    if (jsonx_parse_time(s, out) == 0) {
        /* A bare date as the upper bound means the whole of that day. */
        if (strcmp(name, "to") == 0 && strlen(s) == 10)
            *out += 86400;
        return true;
    }
    err_set(&c->err, ZW_EINVAL, name, "时间格式应为 YYYY-MM-DD 或 ISO 8601");
    api_reply_error(c, &c->err);
    return false;
}

bool api_audit_filter_or_reply(struct api_ctx *c, struct audit_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->entity = http_query(c->req, "entity");
    f->entity_id = http_query(c->req, "entityId");
    f->action = http_query(c->req, "action");
    if (f->entity && !*f->entity)
        f->entity = NULL;
    if (f->entity_id && !*f->entity_id)
        f->entity_id = NULL;
    if (f->action && !*f->action)
        f->action = NULL;
    return api_paging_or_reply(c, &f->page, &f->page_size) &&
           api_query_int_or_reply(c, "userId", &f->user_id) &&
           time_arg_or_reply(c, "from", &f->from) && time_arg_or_reply(c, "to", &f->to);
}

void api_audit_list(struct api_ctx *c)
{
    struct audit_filter f;
    if (!api_audit_filter_or_reply(c, &f))
        return;
    struct audit_rec *items;
    size_t n;
    int64_t total;
    if (store_audit_list(c->z.db, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct audit_rec *r = &items[i];
        json_array_append_new(
            arr, json_pack("{s:I, s:o, s:o, s:s?, s:s?, s:s, s:s, s:s?, s:o, s:o, s:s}", "id",
                           (json_int_t)r->id, "at", jsonx_time(r->at), "userId",
                           r->user_id ? json_integer(r->user_id) : json_null(), "username",
                           r->username, "ip", r->ip, "action", r->action, "entity", r->entity,
                           "entityId", r->entity_id, "before", json_or_null(r->before), "after",
                           json_or_null(r->after), "hash", r->hash));
    }
    api_reply(c, 200, api_page(arr, total, f.page, f.page_size));
}

/* ---- /api/v1/settings/security ----------------------------------------- */

void api_settings_security_get(struct api_ctx *c)
{
    struct security_settings s;
    if (settings_security_get(c->z.db, &c->req->arena, &s, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, s.version ? s.version : 1);
    api_reply(c, 200, settings_security_json(&s));
}

void api_settings_security_patch(struct api_ctx *c)
{
    int version;
    struct security_settings s;
    int64_t v[6];
    bool has[6] = {0};
    const struct jfield f[] = {
        {"passwordMinLength", JF_INT, false, &v[0], &has[0], .label = "密码最短长度"},
        {"passwordMinClasses", JF_INT, false, &v[1], &has[1], .label = "密码字符种类"},
        {"lockoutThreshold", JF_INT, false, &v[2], &has[2], .label = "锁定前允许失败次数"},
        {"lockoutMinutes", JF_INT, false, &v[3], &has[3], .label = "锁定时长（分钟）"},
        {"sessionIdleMinutes", JF_INT, false, &v[4], &has[4], .label = "空闲超时（分钟）"},
        {"sessionAbsoluteHours", JF_INT, false, &v[5], &has[5], .label = "会话最长时长（小时）"},
    };
    if (!api_if_match_or_reply(c, &version) || !api_body_or_reply(c, f, 6) ||
        !api_begin_or_reply(c))
        return;
    if (settings_security_get(c->z.db, &c->req->arena, &s, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    int *dst[6] = {&s.password_min_length, &s.password_min_classes, &s.lockout_threshold,
                   &s.lockout_minutes,     &s.session_idle_minutes, &s.session_absolute_hours};
    for (int i = 0; i < 6; i++)
        if (has[i])
            *dst[i] = v[i] > 100000 || v[i] < -100000 ? -1 : (int)v[i];
    if (settings_security_put(&c->z, &s, version, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, s.version);
    api_reply(c, 200, settings_security_json(&s));
}

/* ---- /api/v1/calendar --------------------------------------------------- */

struct year_view {
    int year;
    json_t *days;
    bool official;
};

static void collect_year(const struct calendar *cal, void *ud)
{
    struct year_view *v = ud;
    v->official = calendar_has_year(cal, v->year);
    for (size_t i = 0; i < cal->ndays; i++) {
        if (cal->days[i].ymd / 10000 != v->year)
            continue;
        char d[11];
        cal_format_date(cal->days[i].ymd, d);
        json_array_append_new(v->days,
                              json_pack("{s:s, s:s, s:s}", "date", d, "kind",
                                        cal->days[i].kind == CAL_WORKDAY ? "workday" : "holiday",
                                        "name", cal->days[i].name));
    }
}

void api_calendar_get(struct api_ctx *c)
{
    const char *ys = http_param(c->req, "year");
    char *end;
    long year = ys ? strtol(ys, &end, 10) : 0;
    if (!ys || *end || year < 1900 || year > 2999) {
        api_reply_code(c, ZW_ENOTFOUND);
        return;
    }
    struct year_view v = {.year = (int)year, .days = json_array()};
    workcal_read(collect_year, &v);
    const char *source = NULL;
    struct error e;
    store_calendar_year_source(c->z.db, (int)year, &c->req->arena, &source, &e);
    api_reply(c, 200,
              json_pack("{s:i, s:b, s:s?, s:o}", "year", (int)year, "official", v.official,
                        "source", source, "days", v.days));
}

static bool date_param_or_reply(struct api_ctx *c, int *ymd)
{
    const char *s = http_param(c->req, "date");
    if (!s || cal_parse_date(s, ymd) != 0) {
        err_set(&c->err, ZW_EINVAL, "date", "日期格式应为 YYYY-MM-DD");
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

static void set_day(struct api_ctx *c, const char *kind, const char *name)
{
    int ymd;
    if (!date_param_or_reply(c, &ymd) || !api_begin_or_reply(c))
        return;
    if (workcal_set_day(&c->z, ymd, kind, name, &c->err) || store_commit(c->z.db, &c->err) ||
        workcal_reload(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!kind) {
        api_reply_no_content(c);
        return;
    }
    char d[11];
    cal_format_date(ymd, d);
    api_reply(c, 200, json_pack("{s:s, s:s, s:s}", "date", d, "kind", kind, "name", name));
}

void api_calendar_put_day(struct api_ctx *c)
{
    const char *kind = NULL, *name = NULL;
    const struct jfield f[] = {
        {"kind", JF_STRING, true, &kind, .max = 16, .label = "类型"},
        {"name", JF_STRING, true, &name, .max = CAL_NAME_BYTES - 1, .label = "名称"},
    };
    if (api_body_or_reply(c, f, 2))
        set_day(c, kind, name);
}

void api_calendar_delete_day(struct api_ctx *c)
{
    set_day(c, NULL, NULL);
}

struct add_req {
    int64_t from, result;
    int n;
    bool workdays, missing;
};

static void do_add(const struct calendar *cal, void *ud)
{
    struct add_req *a = ud;
    a->result = a->workdays ? calendar_add_workdays(cal, a->from, a->n, &a->missing)
                            : calendar_add_days(a->from, a->n);
}

void api_calendar_add(struct api_ctx *c)
{
    struct add_req a = {0};
    const char *from = http_query(c->req, "from"), *unit = http_query(c->req, "unit");
    int64_t n = -1;
    if (!from || jsonx_parse_time(from, &a.from) != 0) {
        err_set(&c->err, ZW_EINVAL, "from", "起始时间格式应为 YYYY-MM-DD 或 ISO 8601");
        api_reply_error(c, &c->err);
        return;
    }
    if (!api_query_int_or_reply(c, "days", &n))
        return;
    if (n < 0 || n > 3650) {
        err_set(&c->err, ZW_EINVAL, "days", "天数应在 0 至 3650 之间");
        api_reply_error(c, &c->err);
        return;
    }
    if (unit && strcmp(unit, "workdays") != 0 && strcmp(unit, "days") != 0) {
        err_set(&c->err, ZW_EINVAL, "unit", "unit 应为 workdays 或 days");
        api_reply_error(c, &c->err);
        return;
    }
    a.n = (int)n;
    a.workdays = !unit || strcmp(unit, "workdays") == 0;
    workcal_read(do_add, &a);
    api_reply(c, 200,
              json_pack("{s:o, s:o, s:b}", "from", jsonx_time(a.from), "result",
                        jsonx_time(a.result), "missingYear", a.missing));
}
