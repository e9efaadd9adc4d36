/*
 * api_monitoring.c - 防返贫 monitoring: alerts and their screening, opening
 * an identification from an alert, the assistance plan (measures) and the
 * risk-elimination check and case.  Shapes in docs/registry.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/monitoring.h"
#include "jsonx.h"
#include "limits.h"
#include "banned.h"

static const struct code_name_pair {
    const char *code, *name;
} alert_statuses[] = {{"open", "待处理"}, {"case", "已立案"}, {"dismissed", "已忽略"}};

static const char *alert_status_name(const char *s)
{
    for (size_t i = 0; i < sizeof(alert_statuses) / sizeof(alert_statuses[0]); i++)
        if (strcmp(alert_statuses[i].code, s) == 0)
            return alert_statuses[i].name;
    return s;
}

static void yuan(int64_t fen, char out[32])
{
    snprintf(out, 32, "%" PRId64 ".%02" PRId64, fen / 100, (fen < 0 ? -fen : fen) % 100);
}

/* The alert's explanation: the stored text, or the screening's numbers in words. */
static const char *alert_detail(struct api_ctx *c, const struct monitor_alert *a)
{
    char buf[256], x[32], y[32];
    if (strcmp(a->source, "screening") != 0 || !a->detail)
        return a->detail;
    if (strcmp(a->rule, "income_below_line") == 0 && a->has_amount) {
        yuan(a->amount_fen, x);
        yuan(a->ref_fen, y);
        snprintf(buf, sizeof(buf), "%s 年人均纯收入 %s 元，低于监测线 %s 元", a->detail, x, y);
    } else if (strcmp(a->rule, "income_drop") == 0 && a->has_amount && a->ref_fen > 0) {
        yuan(a->amount_fen, x);
        yuan(a->ref_fen, y);
        snprintf(buf, sizeof(buf), "%s 年人均纯收入 %s 元，比上一次的 %s 元下降 %" PRId64 "%%",
                 a->detail, x, y, (a->ref_fen - a->amount_fen) * 100 / a->ref_fen);
    } else {
        snprintf(buf, sizeof(buf), "最新一次核查（%s）未达标", a->detail);
    }
    return arena_strdup(&c->req->arena, buf);
}

static json_t *household_json(const struct mon_household *h)
{
    return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?}", "id", (json_int_t)h->id, "code", h->code,
                     "headName", h->head_name, "village", h->village_name, "address", h->address);
}

static json_t *alert_json(struct api_ctx *c, const struct monitor_alert *a)
{
    const char *rule_name = monitoring_rule_name(a->rule);
    json_t *o =
        json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:o}", "id",
                  (json_int_t)a->id, "household", household_json(&a->household), "source",
                  a->source, "sourceName", monitoring_source_name(a->source), "rule", a->rule,
                  "ruleName", rule_name ? rule_name : a->rule, "detail", alert_detail(c, a),
                  "status", a->status, "statusName", alert_status_name(a->status),
                  "dismissedReason", a->dismissed_reason, "createdAt", jsonx_time(a->created_at));
    json_object_set_new(o, "caseId", a->case_id ? json_integer(a->case_id) : json_null());
    json_object_set_new(o, "caseSerial",
                        a->case_serial ? json_string(a->case_serial) : json_null());
    json_object_set_new(o, "personId", a->person_id ? json_integer(a->person_id) : json_null());
    return o;
}

static bool registry_or_reply(struct api_ctx *c)
{
    if (api_env.registry)
        return true;
    err_set(&c->err, ZW_EINTERNAL, NULL, "户籍台账的代码表（defs/registry.json）未加载");
    api_reply_error(c, &c->err);
    return false;
}

/* GET /api/v1/monitoring/codes: rules, sources, measure kinds and statuses. */
void api_monitoring_codes(struct api_ctx *c)
{
    static const char *const rules[] = {"income_below_line",
                                        "income_drop",
                                        "guarantee_food",
                                        "guarantee_clothing",
                                        "guarantee_education",
                                        "guarantee_medical",
                                        "guarantee_housing",
                                        "guarantee_water",
                                        "medical_bills",
                                        "disability",
                                        "disaster",
                                        "unemployment",
                                        "accident",
                                        "schooling",
                                        "industry",
                                        "labour",
                                        "other"};
    static const char *const sources[] = {"apply", "visit", "department", "screening"};
    static const char *const kinds[] = {"industry", "employment", "public_job", "dibao",
                                        "tekun",    "education",  "medical",    "housing",
                                        "credit",   "family",     "other"};
    static const char *const statuses[] = {"planned", "doing", "done"};
    json_t *o = json_object(), *a;
    a = json_array();
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code", rules[i], "name",
                                           monitoring_rule_name(rules[i]), "reportable", i >= 8));
    json_object_set_new(o, "rules", a);
    a = json_array();
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "code", sources[i], "name",
                                           monitoring_source_name(sources[i])));
    json_object_set_new(o, "sources", a);
    a = json_array();
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "code", kinds[i], "name",
                                           monitoring_measure_kind_name(kinds[i])));
    json_object_set_new(o, "measureKinds", a);
    a = json_array();
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "code", statuses[i], "name",
                                           monitoring_measure_status_name(statuses[i])));
    json_object_set_new(o, "measureStatuses", a);
    api_reply(c, 200, o);
}

/* GET /api/v1/monitoring/alerts?status=&areaId=&householdId=&page=&pageSize= */
void api_monitoring_alerts_list(struct api_ctx *c)
{
    struct alert_filter f = {0};
    f.status = http_query(c->req, "status");
    if (f.status && !*f.status)
        f.status = NULL;
    if (f.status && strcmp(f.status, "open") && strcmp(f.status, "case") &&
        strcmp(f.status, "dismissed")) {
        err_set(&c->err, ZW_EINVAL, "status", "状态应为 open、case 或 dismissed");
        api_reply_error(c, &c->err);
        return;
    }
    if (!api_area_filter_or_reply(c, &f.in_path) ||
        !api_query_int_or_reply(c, "householdId", &f.household_id) ||
        !api_paging_or_reply(c, &f.page, &f.page_size))
        return;
    struct scope sc = principal_scope(&c->who);
    struct monitor_alert *v;
    size_t n;
    int64_t total;
    if (store_alert_list(c->z.db, &sc, &f, &c->req->arena, &v, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, alert_json(c, &v[i]));
    api_reply(c, 200, api_page(items, total, f.page, f.page_size));
}

/* POST /api/v1/monitoring/alerts {householdId | idNumber, source, rule, detail} */
void api_monitoring_alerts_create(struct api_ctx *c)
{
    int64_t household = 0;
    const char *id_number = NULL, *source = NULL, *rule = NULL, *detail = NULL;
    const struct jfield f[] = {
        {"householdId", JF_INT, false, &household, .min = 1, .max = INT64_MAX, .label = "农户"},
        {"idNumber", JF_STRING, false, &id_number, .max = 18, .label = "身份证号码"},
        {"source", JF_STRING, true, &source, .max = 16, .label = "预警来源"},
        {"rule", JF_STRING, true, &rule, .max = 40, .label = "预警类型"},
        {"detail", JF_STRING, false, &detail, .max = 2000, .label = "情况说明"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])) || !api_begin_or_reply(c))
        return;
    int64_t id;
    struct monitor_alert a;
    struct scope sc = principal_scope(&c->who);
    if (monitoring_alert_add(&c->z, household, id_number, source, rule, detail, &id, &c->err) ||
        store_alert_get(c->z.db, id, &sc, &c->req->arena, &a, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 201, alert_json(c, &a));
}

/* POST /api/v1/monitoring/screen: the screening pass over the registry in scope. */
void api_monitoring_screen(struct api_ctx *c)
{
    if (!registry_or_reply(c) || !api_begin_or_reply(c))
        return;
    int64_t alerts, households;
    if (monitoring_screen(&c->z, api_env.registry, &alerts, &households, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200,
              json_pack("{s:I, s:I}", "alerts", (json_int_t)alerts, "households",
                        (json_int_t)households));
}

/* POST /api/v1/monitoring/alerts/{id}/case: an identification case for the alert's household. */
void api_monitoring_alert_case(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !api_begin_or_reply(c))
        return;
    struct case_row r;
    if (monitoring_alert_case(&c->z, api_env.case_types, id, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_case(c, 201, &r);
}

/* POST /api/v1/monitoring/alerts/{id}/dismiss {reason} */
void api_monitoring_alert_dismiss(struct api_ctx *c)
{
    int64_t id;
    const char *reason = NULL;
    const struct jfield f[] = {
        {"reason", JF_STRING, true, &reason, .max = 2000, .label = "忽略理由"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 1) || !api_begin_or_reply(c))
        return;
    struct monitor_alert a;
    struct scope sc = principal_scope(&c->who);
    if (monitoring_alert_dismiss(&c->z, id, reason, &c->err) ||
        store_alert_get(c->z.db, id, &sc, &c->req->arena, &a, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200, alert_json(c, &a));
}

/* ---- measures -------------------------------------------------------------------- */

static json_t *measure_json(const struct assist_measure *m)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:i, s:o}", "id",
        (json_int_t)m->id, "householdId", (json_int_t)m->household_id, "kind", m->kind, "kindName",
        monitoring_measure_kind_name(m->kind), "description", m->description, "startOn",
        m->start_on, "endOn", m->end_on ? m->end_on : "", "doneOn", m->done_on, "status", m->status,
        "statusName", monitoring_measure_status_name(m->status), "cadreName", m->cadre_name,
        "version", m->version, "createdAt", jsonx_time(m->created_at));
    if (!m->end_on)
        json_object_set_new(o, "endOn", json_null());
    json_object_set_new(o, "person",
                        m->person_id ? json_pack("{s:I, s:s?}", "id", (json_int_t)m->person_id,
                                                 "name", m->person_name)
                                     : json_null());
    json_object_set_new(
        o, "cadre",
        m->cadre_id ? json_pack("{s:I, s:s?}", "id", (json_int_t)m->cadre_id, "name", m->cadre_name)
                    : json_null());
    json_object_del(o, "cadreName");
    return o;
}

/* The household {id} in the caller's scope; replies 404 and returns false otherwise. */
static bool household_or_reply(struct api_ctx *c, int64_t *id)
{
    struct household h;
    if (!api_id_or_reply(c, "id", id))
        return false;
    if (registry_household_get(&c->z, *id, &h, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

void api_measures_list(struct api_ctx *c)
{
    int64_t id;
    if (!household_or_reply(c, &id))
        return;
    struct assist_measure *v;
    size_t n;
    if (store_measure_list(c->z.db, id, &c->req->arena, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, measure_json(&v[i]));
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

void api_measures_create(struct api_ctx *c)
{
    int64_t id;
    struct measure_input in = {0};
    const struct jfield f[] = {
        {"personId", JF_INT, false, &in.person_id, .min = 1, .max = INT64_MAX, .label = "人员"},
        {"kind", JF_STRING, true, &in.kind, .max = 40, .label = "措施类型"},
        {"description", JF_STRING, true, &in.description, .max = 2000, .label = "措施内容"},
        {"cadreId", JF_INT, false, &in.cadre_id, .min = 1, .max = INT64_MAX, .label = "帮扶责任人"},
        {"startOn", JF_STRING, true, &in.start_on, .max = 10, .label = "开始日期"},
        {"endOn", JF_STRING, false, &in.end_on, .max = 10, .nullable = true, .label = "结束日期"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])) ||
        !api_begin_or_reply(c))
        return;
    int64_t mid;
    struct assist_measure m;
    struct scope sc = principal_scope(&c->who);
    if (monitoring_measure_add(&c->z, id, &in, &mid, &c->err) ||
        store_measure_get(c->z.db, mid, &sc, &c->req->arena, &m, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, m.version);
    api_reply(c, 201, measure_json(&m));
}

/* PATCH /api/v1/measures/{id} {status, doneOn} with If-Match. */
void api_measures_patch(struct api_ctx *c)
{
    int64_t id;
    int version;
    const char *status = NULL, *done_on = NULL;
    const struct jfield f[] = {
        {"status", JF_STRING, true, &status, .max = 16, .label = "状态"},
        {"doneOn", JF_STRING, false, &done_on, .max = 10, .nullable = true, .label = "落实日期"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version) ||
        !api_body_or_reply(c, f, 2) || !api_begin_or_reply(c))
        return;
    struct assist_measure m;
    if (monitoring_measure_set(&c->z, id, version, status, done_on, &m, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, m.version);
    api_reply(c, 200, measure_json(&m));
}

/* ---- elimination ------------------------------------------------------------------- */

void api_elimination_check(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !registry_or_reply(c))
        return;
    struct elim_criterion cr[ELIM_NCRITERIA];
    int failed;
    if (monitoring_elim_check(&c->z, api_env.registry, id, cr, &failed, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *a = json_array();
    for (int i = 0; i < ELIM_NCRITERIA; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:s}", "code", cr[i].code, "name",
                                           cr[i].name, "ok", cr[i].ok, "detail", cr[i].detail));
    api_reply(c, 200, json_pack("{s:b, s:o}", "ok", failed == 0, "criteria", a));
}

/* POST /api/v1/households/{id}/elimination: opens the risk-elimination case. */
void api_elimination_open(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !registry_or_reply(c) || !api_begin_or_reply(c))
        return;
    struct case_row r;
    if (monitoring_elim_open(&c->z, api_env.registry, api_env.case_types, id, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_case(c, 201, &r);
}
