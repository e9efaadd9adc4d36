/*
 * api_notices.c - /api/v1/notices: public notices (公示) in the console
 * (kinds, list, preview, create, detail, the stored page and its PDF,
 * publish, close), and /api/v1/portal/notices: the notices in their window
 * for the public, their page, PDF and objections (API_PUBLIC).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "calendar.h"
#include "domain/casedef.h"
#include "domain/notices.h"
#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "banned.h"

static const struct notice_defs *defs(void)
{
    return api_env.notices;
}

static const char *status_name(const char *s)
{
    return strcmp(s, "draft") == 0 ? "草稿" : strcmp(s, "published") == 0 ? "公示中" : "已结束";
}

static json_t *notice_json(const struct notice *n, bool public_view)
{
    const struct notice_kind *k = notices_kind(defs(), n->kind);
    char base[80];
    snprintf(base, sizeof(base), "/api/v1/%snotices/%lld", public_view ? "portal/" : "",
             (long long)n->id);
    json_t *j = json_pack(
        "{s:I, s:{s:s, s:s}, s:s, s:{s:I, s:s, s:s}, s:s?, s:s?, s:s?, s:i, s:{s:s, s:s}, "
        "s:s?, s:s?, s:s?, s:o, s:s+, s:s+}",
        "id", (json_int_t)n->id, "kind", "code", n->kind, "name", k ? k->name : n->kind, "title",
        n->title, "village", "id", (json_int_t)n->village_id, "name", n->village_name, "code",
        n->village_code, "period", n->period, "programme", n->programme, "note", n->note, "rows",
        n->nrows, "status", "code", n->status, "name", status_name(n->status), "sha256", n->sha256,
        "windowStart", n->window_start, "windowEnd", n->window_end, "publishedAt",
        jsonx_time(n->published_at), "html", base, "/html", "pdf", base, "/pdf");
    if (!public_view) {
        json_object_set_new(j, "replacesId",
                            n->replaces_id ? json_integer(n->replaces_id) : json_null());
        json_object_set_new(j, "closedAt", jsonx_time(n->closed_at));
        json_object_set_new(j, "createdAt", jsonx_time(n->created_at));
        json_object_set_new(j, "createdBy",
                            n->created_by_name ? json_string(n->created_by_name) : json_null());
        json_object_set_new(j, "objections", json_integer(n->nobjections));
        json_object_set_new(j, "version", json_integer(n->version));
    }
    return j;
}

void api_notices_kinds(struct api_ctx *c)
{
    json_t *items = json_array();
    for (size_t i = 0; defs() && i < defs()->n; i++) {
        const struct notice_kind *k = &defs()->v[i];
        json_t *cols = json_array();
        for (size_t j = 0; j < k->ncols; j++)
            json_array_append_new(cols, json_string(k->cols[j]));
        json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:b, s:b, s:b, s:o}", "code",
                                               k->code, "name", k->name, "days", k->days,
                                               "periodRequired", k->period_required,
                                               "programmeRequired", k->programme_required, "byHand",
                                               k->by_hand, "columns", cols));
    }
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* The body of a preview or create; fund rows and household ids are arena-owned. */
static bool input_or_reply(struct api_ctx *c, struct notice_input *in)
{
    memset(in, 0, sizeof(*in));
    struct jf_ids ids = {0};
    bool has_ids = false;
    json_t *rows = NULL;
    const struct jfield f[] = {
        {"kind", JF_STRING, true, &in->kind, .max = 40, .label = "公示种类"},
        {"villageId", JF_INT, true, &in->village_id, .min = 1, .max = INT64_MAX,
         .label = "村（社区）"},
        {"period", JF_STRING, false, &in->period, .max = 16, .nullable = true, .label = "期间"},
        {"programme", JF_STRING, false, &in->programme, .max = 40, .nullable = true,
         .label = "救助项目"},
        {"title", JF_STRING, false, &in->title, .max = 400, .nullable = true, .label = "标题"},
        {"note", JF_STRING, false, &in->note, .max = 3000, .nullable = true, .label = "说明"},
        {"replacesId", JF_INT, false, &in->replaces_id, .min = 1, .max = INT64_MAX,
         .label = "被更正的公示"},
        {"householdIds", JF_IDS, false, &ids, &has_ids, .label = "所选农户"},
        {"rows", JF_ANY, false, &rows, .label = "项目资金明细"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return false;
    if (has_ids) {
        if (ids.n == 0) {
            err_set(&c->err, ZW_EINVAL, "householdIds", "没有选择任何记录");
            api_reply_error(c, &c->err);
            return false;
        }
        in->household_ids = ids.v;
        in->nhousehold_ids = ids.n;
    }
    if (rows) {
        if (!json_is_array(rows) || json_array_size(rows) > ZW_NOTICE_ROWS_MAX) {
            err_set(&c->err, ZW_EINVAL, "rows", "项目资金明细应为不超过 %d 行的列表",
                    ZW_NOTICE_ROWS_MAX);
            api_reply_error(c, &c->err);
            return false;
        }
        size_t n = json_array_size(rows);
        struct notice_fund_row *v = arena_calloc(&c->req->arena, n + 1, sizeof(*v));
        for (size_t i = 0; i < n; i++) {
            json_t *r = json_array_get(rows, i);
            json_int_t amount = 0;
            const char *project = NULL, *unit = NULL;
            json_error_t je;
            if (!json_is_object(r) ||
                json_unpack_ex(r, &je, JSON_STRICT, "{s:s, s:I, s?s}", "project", &project,
                               "amountFen", &amount, "unit", &unit) != 0) {
                err_set(&c->err, ZW_EINVAL, "rows",
                        "第 %zu 行应为 {project 项目名称, amountFen 金额（分）, unit 实施单位}",
                        i + 1);
                api_reply_error(c, &c->err);
                return false;
            }
            v[i] = (struct notice_fund_row){project, unit, amount};
        }
        in->funds = v;
        in->nfunds = n;
    }
    return true;
}

/* The rows of a notice as the template's columns show them: {columns, items}. */
static json_t *rows_json(struct api_ctx *c, const struct notice *n)
{
    const struct notice_kind *k = notices_kind(defs(), n->kind);
    json_t *cols = json_array();
    for (size_t j = 0; k && j < k->ncols; j++)
        json_array_append_new(cols, json_string(k->cols[j]));
    json_t *rows = json_loads(n->rows_json ? n->rows_json : "[]", 0, NULL);
    json_t *items = json_array();
    for (size_t i = 0; rows && i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        char masked[MASK_NAME_MAX];
        mask_name(json_string_value(json_object_get(r, "name")), masked);
        json_t *o = json_object();
        json_object_set(o, "householdId", json_object_get(r, "householdId"));
        if (json_object_get(r, "name"))
            json_object_set_new(o, "name", json_string(masked));
        const char *keys[] = {"persons", "amountFen", "category", "risks",
                              "since",   "project",   "unit"};
        for (size_t q = 0; q < sizeof(keys) / sizeof(keys[0]); q++)
            if (json_object_get(r, keys[q]))
                json_object_set(o, keys[q], json_object_get(r, keys[q]));
        json_array_append_new(items, o);
    }
    json_decref(rows);
    (void)c;
    return json_pack("{s:o, s:o}", "columns", cols, "items", items);
}

void api_notices_preview(struct api_ctx *c)
{
    struct notice_input in;
    if (!input_or_reply(c, &in))
        return;
    struct notice n;
    char *html, start[11], end[11];
    if (notices_build(&c->z, defs(), &in, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    notices_default_window(notices_kind(defs(), n.kind), c->z.now, start, end);
    if (notices_render(&c->z, defs(), &n, c->z.now, start, end, &html, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200,
              json_pack("{s:s, s:i, s:o, s:s, s:s, s:s}", "title", n.title, "count", n.nrows,
                        "rows", rows_json(c, &n), "html", html, "windowStart", start, "windowEnd",
                        end));
}

void api_notices_create(struct api_ctx *c)
{
    struct notice_input in;
    if (!input_or_reply(c, &in) || !api_begin_or_reply(c))
        return;
    struct notice n;
    if (notices_create(&c->z, defs(), &in, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (notices_get(&c->z, n.id, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof(loc), "/api/v1/notices/%lld", (long long)n.id);
    http_add_header(c->req, "Location", loc);
    api_reply(c, 201, notice_json(&n, false));
}

void api_notices_list(struct api_ctx *c)
{
    struct notice_filter f = {0};
    if (!api_paging_or_reply(c, &f.page, &f.page_size) ||
        !api_query_int_or_reply(c, "villageId", &f.village_id))
        return;
    const char *kind = http_query(c->req, "kind"), *status = http_query(c->req, "status");
    f.kind = kind && *kind ? kind : NULL;
    f.status = status && *status ? status : NULL;
    if (f.kind && !notices_kind(defs(), f.kind)) {
        err_set(&c->err, ZW_EINVAL, "kind", "没有这种公示：%s", f.kind);
        api_reply_error(c, &c->err);
        return;
    }
    if (f.status && strcmp(f.status, "draft") != 0 && strcmp(f.status, "published") != 0 &&
        strcmp(f.status, "closed") != 0) {
        err_set(&c->err, ZW_EINVAL, "status",
                "状态应为 draft（草稿）、published（公示中）或 "
                "closed（已结束）");
        api_reply_error(c, &c->err);
        return;
    }
    struct scope sc = principal_scope(&c->who);
    struct notice *items;
    size_t n;
    int64_t total = 0;
    if (store_notice_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, notice_json(&items[i], false));
    api_reply(c, 200, api_page(arr, total, f.page, f.page_size));
}

/* The notice's detail: the record, its rows, its page (stored, or a preview of a draft) and the
 * objections with their cases. */
static void reply_detail(struct api_ctx *c, int status, struct notice *n)
{
    json_t *j = notice_json(n, false);
    json_object_set_new(j, "rowsData", rows_json(c, n));
    if (strcmp(n->status, "draft") == 0) {
        char *html, start[11], end[11];
        notices_default_window(notices_kind(defs(), n->kind), c->z.now, start, end);
        if (notices_render(&c->z, defs(), n, c->z.now, start, end, &html, &c->err)) {
            json_decref(j);
            api_reply_error(c, &c->err);
            return;
        }
        json_object_set_new(j, "page", json_string(html));
        json_object_set_new(j, "defaultWindow",
                            json_pack("{s:s, s:s}", "start", start, "end", end));
    } else {
        json_object_set_new(j, "page", json_string(n->html ? n->html : ""));
    }
    struct notice_objection *ob;
    size_t nob;
    if (store_notice_objections(c->z.db, n->id, &c->req->arena, &ob, &nob, &c->err)) {
        json_decref(j);
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < nob; i++) {
        const struct case_type *t = casedef_find(api_env.case_types, ob[i].type);
        char masked[MASK_NAME_MAX];
        mask_name(ob[i].requester_name, masked);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:{s:s, s:s}, s:s, s:o}", "caseId",
                           (json_int_t)ob[i].case_id, "serial", ob[i].serial, "state", "code",
                           ob[i].state, "name", t ? api_state_name(t, ob[i].state) : ob[i].state,
                           "requester", masked, "createdAt", jsonx_time(ob[i].created_at)));
    }
    json_object_set_new(j, "objectionList", arr);
    api_reply(c, status, j);
}

void api_notices_get(struct api_ctx *c)
{
    int64_t id;
    struct notice n;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (notices_get(&c->z, id, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_detail(c, 200, &n);
}

void api_notices_publish(struct api_ctx *c)
{
    int64_t id;
    const char *start = NULL, *end = NULL;
    const struct jfield f[] = {
        {"start", JF_STRING, false, &start, .max = 10, .nullable = true, .label = "公示开始日期"},
        {"end", JF_STRING, false, &end, .max = 10, .nullable = true, .label = "公示结束日期"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 2) || !api_begin_or_reply(c))
        return;
    struct notice n;
    if (notices_publish(&c->z, defs(), id, start, end, &n, &c->err) ||
        notices_get(&c->z, id, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_detail(c, 200, &n);
}

void api_notices_close(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !api_begin_or_reply(c))
        return;
    struct notice n;
    if (notices_close(&c->z, id, &n, &c->err) || notices_get(&c->z, id, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_detail(c, 200, &n);
}

/* ---- the stored page and its PDF (console and portal) ---------------------- */

static void reply_page(struct api_ctx *c, const struct notice *n, const char *html, bool pdf)
{
    http_add_header(c->req, "X-Content-Type-Options", "nosniff");
    if (n->sha256)
        http_add_header(c->req, "X-Notice-SHA256", n->sha256);
    char ascii[64];
    snprintf(ascii, sizeof(ascii), "notice-%lld.%s", (long long)n->id, pdf ? "pdf" : "html");
    api_content_disposition(c, pdf, ascii,
                            arena_printf(&c->req->arena, "%s.%s", n->title, pdf ? "pdf" : "html"));
    if (!pdf) {
        http_add_header(c->req, "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        http_reply(c->req, 200, "text/html; charset=utf-8", html, strlen(html));
        return;
    }
    /* The read snapshot is not needed while drawing. */
    if (store_in_tx(c->z.db) && !store_in_write_tx(c->z.db) && store_commit(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char *bytes;
    size_t len;
    if (notices_pdf(html, &c->req->arena, &bytes, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    http_reply(c->req, 200, "application/pdf", bytes, len);
}

static void staff_page(struct api_ctx *c, bool pdf)
{
    int64_t id;
    struct notice n;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (notices_get(&c->z, id, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char *html = (char *)n.html;
    if (strcmp(n.status, "draft") == 0) {
        char start[11], end[11];
        notices_default_window(notices_kind(defs(), n.kind), c->z.now, start, end);
        if (notices_render(&c->z, defs(), &n, c->z.now, start, end, &html, &c->err)) {
            api_reply_error(c, &c->err);
            return;
        }
    }
    http_add_header(c->req, "Cache-Control", "no-store");
    reply_page(c, &n, html ? html : "", pdf);
}

void api_notices_html(struct api_ctx *c)
{
    staff_page(c, false);
}

void api_notices_pdf(struct api_ctx *c)
{
    staff_page(c, true);
}

/* ---- the portal ------------------------------------------------------------ */

void api_portal_notices(struct api_ctx *c)
{
    int64_t village = 0;
    if (!api_query_int_or_reply(c, "villageId", &village))
        return;
    char today[11];
    cal_format_date(cal_local_ymd(c->z.now), today);
    struct notice *items;
    size_t n;
    if (store_notice_public(c->z.db, today, village, &c->req->arena, &items, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, notice_json(&items[i], true));
    api_reply(c, 200, json_pack("{s:o, s:s}", "items", arr, "today", today));
}

static bool public_or_reply(struct api_ctx *c, struct notice *n)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return false;
    if (notices_public_get(&c->z, id, n, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

void api_portal_notice_get(struct api_ctx *c)
{
    struct notice n;
    if (public_or_reply(c, &n))
        api_reply(c, 200, notice_json(&n, true));
}

void api_portal_notice_html(struct api_ctx *c)
{
    struct notice n;
    if (public_or_reply(c, &n))
        reply_page(c, &n, n.html ? n.html : "", false);
}

void api_portal_notice_pdf(struct api_ctx *c)
{
    struct notice n;
    if (public_or_reply(c, &n))
        reply_page(c, &n, n.html ? n.html : "", true);
}

void api_portal_notice_object(struct api_ctx *c)
{
    int64_t id;
    struct notice_objection_input in = {0};
    const struct jfield f[] = {
        {"name", JF_STRING, true, &in.name, .max = 4 * ZW_PORTAL_NAME_MAX_CHARS, .label = "姓名"},
        {"phone", JF_STRING, true, &in.phone, .max = 32, .label = "联系电话"},
        {"content", JF_STRING, true, &in.content, .max = 4 * ZW_PORTAL_CONTENT_MAX_CHARS,
         .label = "异议内容"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 3) || !api_begin_or_reply(c))
        return;
    struct case_row cr;
    struct public_request pr;
    int64_t retry = 0;
    if (notices_object(&c->z, api_env.case_types, id, &in, &cr, &pr, &retry, &c->err)) {
        if (c->err.code == ZW_ERATELIMIT) {
            char v[32];
            snprintf(v, sizeof(v), "%lld", (long long)(retry > 0 ? retry : 60));
            http_add_header(c->req, "Retry-After", v);
        }
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(
        c, 201,
        json_pack("{s:s, s:s, s:o, s:s}", "serial", cr.serial, "trackingCode", pr.tracking_code,
                  "submittedAt", jsonx_time(cr.created_at), "notice",
                  "异议已受理。请记下查询码，凭查询码和手机号后四位在“查询进度”中查看办理情况"));
}
