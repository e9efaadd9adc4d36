/*
 * api_assess.c - the assessment (考核): schemes, monthly runs with their
 * ranked subjects and explained lines, manual items with evidence and
 * four-eyes approval, approving a run, and the year's tiers.  See
 * docs/assessment.md.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/assessment.h"
#include "banned.h"

/* Tenths of a point as a JSON number: 98 or 97.5. */
static json_t *points_json(int64_t p10)
{
    return p10 % 10 ? json_real((double)p10 / 10.0) : json_integer(p10 / 10);
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *opt_id(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

void api_assess_schemes(struct api_ctx *c)
{
    const struct assess_schemes *ss = api_env.assessment;
    const struct indicators *ind = api_env.indicators;
    json_t *items = json_array();
    for (size_t i = 0; ss && i < ss->n; i++) {
        const struct assess_scheme *s = &ss->v[i];
        json_t *rules = json_array(), *manual = json_array(), *tiers = json_array();
        for (size_t k = 0; k < s->nrules; k++) {
            const struct assess_rule *r = &s->rules[k];
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", r->code, "name", r->name,
                                  "indicator", ind->v[r->indicator].code, "indicatorName",
                                  ind->v[r->indicator].name, "unit", ind->v[r->indicator].unit);
            if (r->kind == ASSESS_PER) {
                json_object_set_new(o, "per", points_json(r->per10));
                json_object_set_new(o, "cap", r->cap10 ? points_json(r->cap10) : json_null());
            } else {
                json_object_set_new(o, r->cmp == ASSESS_AT_LEAST ? "atLeast" : "below",
                                    json_real((double)r->thr1000 / 1000.0));
                json_object_set_new(o, "points", points_json(r->points10));
            }
            json_array_append_new(rules, o);
        }
        for (size_t k = 0; k < s->nmanual; k++)
            json_array_append_new(manual, json_pack("{s:s, s:s, s:o, s:o, s:b}", "code",
                                                    s->manual[k].code, "name", s->manual[k].name,
                                                    "min", points_json(s->manual[k].min10), "max",
                                                    points_json(s->manual[k].max10), "evidence",
                                                    s->manual[k].evidence));
        for (size_t k = 0; k < s->ntiers; k++)
            json_array_append_new(
                tiers, json_pack("{s:s, s:i}", "name", s->tiers[k].name, "top", s->tiers[k].top));
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:{s:s, s:o}}", "code", s->code,
                             "name", s->name, "description", opt_str(s->description), "subject",
                             s->subject == ASSESS_CADRE ? "cadre" : "village", "base",
                             points_json(s->base10), "rules", rules, "manual", manual, "yearly",
                             "method", s->yearly_sum ? "sum" : "average", "tiers", tiers));
    }
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

static json_t *run_json(const struct assess_run_row *r)
{
    const struct assess_scheme *s = assess_find(api_env.assessment, r->scheme);
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:{s:I, s:s, s:s}, s:s, s:o, s:o, s:o, s:{s:o, "
                     "s:o}, s:o, s:o, s:o, s:o, s:I}",
                     "id", (json_int_t)r->id, "scheme", r->scheme, "schemeName",
                     s ? s->name : r->scheme, "period", r->period, "year", (json_int_t)r->year,
                     "area", "id", (json_int_t)r->area_id, "name", r->area_name, "path",
                     r->area_path, "status", r->status, "base", points_json(r->base10),
                     "correctionOf", opt_id(r->correction_of), "reason", opt_str(r->reason),
                     "createdBy", "id", opt_id(r->created_by), "name", opt_str(r->created_by_name),
                     "createdAt", jsonx_time(r->created_at), "computedAt",
                     jsonx_time(r->computed_at), "approvedBy",
                     r->approved_by ? json_pack("{s:I, s:o}", "id", (json_int_t)r->approved_by,
                                                "name", opt_str(r->approved_by_name))
                                    : json_null(),
                     "approvedAt", jsonx_time(r->approved_at), "version", (json_int_t)r->version);
}

static json_t *line_json(const struct assess_line_row *l)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "id", (json_int_t)l->id,
                          "kind", l->kind, "code", l->code, "name", l->name, "points",
                          points_json(l->points10), "explanation", l->explanation, "status",
                          l->status, "counted", json_boolean(strcmp(l->status, "pending") != 0));
    if (strcmp(l->kind, "rule") == 0) {
        json_object_set_new(o, "indicator", json_string(l->indicator ? l->indicator : ""));
        json_object_set_new(o, "value",
                            json_pack("{s:I, s:I, s:s}", "num", (json_int_t)l->value_num, "den",
                                      (json_int_t)l->value_den, "text",
                                      l->value_text ? l->value_text : ""));
    } else {
        json_object_set_new(o, "comment", opt_str(l->comment));
        json_object_set_new(o, "evidence",
                            l->evidence_id
                                ? json_pack("{s:I, s:o}", "id", (json_int_t)l->evidence_id, "name",
                                            opt_str(l->evidence_name))
                                : json_null());
        json_object_set_new(o, "enteredBy",
                            json_pack("{s:o, s:o}", "id", opt_id(l->entered_by), "name",
                                      opt_str(l->entered_by_name)));
        json_object_set_new(o, "enteredAt", jsonx_time(l->entered_at));
        json_object_set_new(o, "approvedBy",
                            l->approved_by
                                ? json_pack("{s:I, s:o}", "id", (json_int_t)l->approved_by, "name",
                                            opt_str(l->approved_by_name))
                                : json_null());
        json_object_set_new(o, "approvedAt", jsonx_time(l->approved_at));
    }
    return o;
}

static void reply_run(struct api_ctx *c, int status, int64_t id)
{
    struct assess_run_row r;
    struct assess_subject_row *sv;
    struct assess_line_row *lv;
    size_t ns, nl;
    if (assess_run_get(&c->z, id, &r, &sv, &ns, &lv, &nl, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *subjects = json_array();
    for (size_t i = 0; i < ns; i++) {
        json_t *lines = json_array();
        for (size_t k = 0; k < nl; k++)
            if (lv[k].subject_id == sv[i].id)
                json_array_append_new(lines, line_json(&lv[k]));
        json_array_append_new(
            subjects,
            json_pack("{s:I, s:s, s:I, s:o, s:o, s:s, s:o, s:I, s:o}", "id", (json_int_t)sv[i].id,
                      "name", sv[i].name, "areaId", (json_int_t)sv[i].area_id, "cadreId",
                      opt_id(sv[i].cadre_id), "userId", opt_id(sv[i].user_id), "areaPath",
                      sv[i].area_path, "score", points_json(sv[i].score10), "place",
                      (json_int_t)sv[i].place, "lines", lines));
    }
    json_t *out = run_json(&r);
    json_object_set_new(out, "subjects", subjects);
    api_reply(c, status, out);
}

/* GET /api/v1/assessment/runs?scheme=&year= */
void api_assess_runs_list(struct api_ctx *c)
{
    int64_t year = 0;
    if (!api_query_int_or_reply(c, "year", &year))
        return;
    const char *scheme = http_query(c->req, "scheme");
    struct assess_run_row *v;
    size_t n;
    if (assess_run_list(&c->z, scheme && *scheme ? scheme : NULL, (int)year, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, run_json(&v[i]));
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/v1/assessment/runs {scheme, month, areaId?, correction?, reason?} */
void api_assess_runs_create(struct api_ctx *c)
{
    const char *scheme = NULL, *month = NULL, *reason = NULL;
    int64_t area_id = 0;
    int correction = 0;
    const struct jfield f[] = {
        {"scheme", JF_STRING, true, &scheme, .max = 64, .label = "考核方案"},
        {"month", JF_STRING, true, &month, .max = 16, .label = "考核月份"},
        {"areaId", JF_INT, false, &area_id, .min = 1, .max = INT64_MAX, .label = "乡镇"},
        {"correction", JF_BOOL, false, &correction, .label = "更正考核"},
        {"reason", JF_STRING, false, &reason, .max = 2000, .label = "更正理由"},
    };
    if (!api_body_or_reply(c, f, 5) || !api_begin_or_reply(c))
        return;
    int64_t id;
    if (assess_run(&c->z, api_env.assessment, api_env.indicators, scheme, month, area_id,
                   correction, reason, &id, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_run(c, 201, id);
}

/* GET /api/v1/assessment/runs/{id} */
void api_assess_runs_get(struct api_ctx *c)
{
    int64_t id;
    if (api_id_or_reply(c, "id", &id))
        reply_run(c, 200, id);
}

/* POST /api/v1/assessment/runs/{id}/approve */
void api_assess_runs_approve(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !api_begin_or_reply(c))
        return;
    if (assess_run_approve(&c->z, id, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_run(c, 200, id);
}

/* POST /api/v1/assessment/runs/{id}/evidence?name= (the file's bytes) */
void api_assess_evidence_upload(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    const char *name = api_upload_name_or_reply(c);
    if (!name || !api_begin_or_reply(c))
        return;
    struct assess_evidence_row e;
    if (assess_evidence_add(&c->z, id, name, c->req->body.ptr, c->req->body.len, &e, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 201,
              json_pack("{s:I, s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)e.id, "runId",
                        (json_int_t)e.run_id, "name", e.name, "mime", e.mime, "size",
                        (json_int_t)e.size, "sha256", e.sha256));
}

/* GET /api/v1/assessment/evidence/{id} */
void api_assess_evidence_get(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    struct assess_evidence_row e;
    const void *data;
    size_t len;
    if (assess_evidence_read(&c->z, id, &e, &data, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char etag[70];
    snprintf(etag, sizeof(etag), "\"%s\"", e.sha256);
    http_add_header(c->req, "ETag", etag);
    http_add_header(c->req, "Cache-Control", "private, max-age=86400");
    http_add_header(c->req, "Content-Security-Policy", "default-src 'none'; sandbox");
    api_content_disposition(c, false, NULL, e.name);
    http_reply(c->req, 200, e.mime, data, len);
}

/* POST /api/v1/assessment/runs/{id}/items {subjectId, item, points, comment, evidenceId?} */
void api_assess_items_create(struct api_ctx *c)
{
    int64_t id, subject = 0, evidence = 0;
    const char *item = NULL, *comment = NULL;
    json_t *points = NULL;
    const struct jfield f[] = {
        {"subjectId", JF_INT, true, &subject, .min = 1, .max = INT64_MAX, .label = "考核对象"},
        {"item", JF_STRING, true, &item, .max = 64, .label = "评分项"},
        {"points", JF_ANY, true, &points, .label = "分值"},
        {"comment", JF_STRING, true, &comment, .min = 1, .max = 2000, .label = "评分理由"},
        {"evidenceId", JF_INT, false, &evidence, .min = 1, .max = INT64_MAX, .label = "佐证材料"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 5))
        return;
    double x = json_is_number(points) ? json_number_value(points) : NAN;
    double r = round(x * 10);
    if (!isfinite(x) || fabs(x) > 10000 || fabs(x * 10 - r) > 1e-6) {
        err_set(&c->err, ZW_EINVAL, "points", "分值应为数（至多一位小数）");
        api_reply_error(c, &c->err);
        return;
    }
    if (!api_begin_or_reply(c))
        return;
    int64_t line;
    if (assess_item_add(&c->z, api_env.assessment, id, subject, item, (int64_t)r, comment, evidence,
                        &line, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_run(c, 201, id);
}

/* POST /api/v1/assessment/items/{id}/approve */
void api_assess_items_approve(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !api_begin_or_reply(c))
        return;
    struct assess_line_row l;
    if (assess_item_approve(&c->z, id, &c->err) ||
        store_assess_line_get(c->z.db, id, c->z.arena, &l, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_run(c, 200, l.run_id);
}

/* GET /api/v1/assessment/tiers?scheme=&year=&areaId= */
void api_assess_tiers(struct api_ctx *c)
{
    int64_t year = 0, area_id = 0;
    if (!api_query_int_or_reply(c, "year", &year) || !api_query_int_or_reply(c, "areaId", &area_id))
        return;
    const char *scheme = http_query(c->req, "scheme");
    struct area town;
    struct assess_year_row *v;
    size_t n;
    if (assess_year(&c->z, api_env.assessment, scheme, (int)year, area_id, &town, &v, &n,
                    &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    const struct assess_scheme *s = assess_find(api_env.assessment, scheme);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            items, json_pack("{s:s, s:I, s:o, s:o, s:s, s:I, s:o, s:o, s:I, s:s}", "name",
                             v[i].name, "areaId", (json_int_t)v[i].area_id, "cadreId",
                             opt_id(v[i].cadre_id), "userId", opt_id(v[i].user_id), "areaPath",
                             v[i].area_path, "months", (json_int_t)v[i].months, "total",
                             points_json(v[i].total10), "score", points_json(v[i].score10), "place",
                             (json_int_t)v[i].place, "tier", s->tiers[v[i].tier].name));
    api_reply(c, 200,
              json_pack("{s:s, s:I, s:s, s:{s:I, s:s}, s:o}", "scheme", s->code, "year",
                        (json_int_t)year, "method", s->yearly_sum ? "sum" : "average", "area", "id",
                        (json_int_t)town.id, "name", town.name, "items", items));
}
