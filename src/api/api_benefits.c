/*
 * api_benefits.c - the benefits ledger over HTTP: programmes, applications
 * for a household, payments (list, totals, entry by hand), the monthly 低保
 * run and its batches (review, issue, the bank's sheet).
 *
 * ID numbers are masked everywhere; the bank sheet carries full numbers
 * only for a holder of pii.read who asks for them (?full=1), and every
 * download of it is audited.  Bank account numbers are not stored in this
 * version: the bank matches a line by the head's name and ID number.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "calendar.h"
#include "domain/benefits.h"
#include "domain/cases.h"
#include "domain/registry.h"
#include "idnum.h"
#include "limits.h"
#include "store/store_benefit.h"
#include "xlsx.h"
#include "banned.h"

static const char XLSX_TYPE[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

static const struct programmes *progs(void)
{
    return api_env.programmes;
}

/* "1234.50" for 123450 fen (arena-owned). */
static const char *yuan(struct arena *a, int64_t fen)
{
    const char *sign = fen < 0 ? "-" : "";
    if (fen < 0)
        fen = -fen;
    return arena_printf(a, "%s%lld.%02lld", sign, (long long)(fen / 100), (long long)(fen % 100));
}

static json_t *masked_id(const char *id)
{
    if (!id || !*id)
        return json_null();
    char m[19];
    idnum_mask(id, m);
    return json_string(m);
}

static const char *prog_name(const char *code)
{
    const struct programme *p = benefits_programme(progs(), code);
    return p ? p->short_name : code;
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* ---- programmes ------------------------------------------------------------ */

void api_programmes_list(struct api_ctx *c)
{
    const struct programmes *p = progs();
    json_t *items = json_array(), *std = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const struct programme *g = &p->v[i];
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o}", "code",
                                               g->code, "name", g->name, "shortName", g->short_name,
                                               "caseType", opt_str(g->case_type), "fundSource",
                                               g->fund_source, "unit", g->unit, "periodicity",
                                               g->periodicity, "run", opt_str(g->run)));
    }
    for (size_t i = 0; i < p->nstd; i++)
        json_array_append_new(std,
                              json_pack("{s:s, s:i, s:I, s:o}", "area", p->std[i].area, "year",
                                        p->std[i].year, "fenPerMonth", (json_int_t)p->std[i].fen,
                                        "note", opt_str(p->std[i].note)));
    api_reply(c, 200,
              json_pack("{s:o, s:o, s:o}", "items", items, "dibaoStandards", std,
                        "dibaoStandardsNote", opt_str(p->std_note)));
}

/* ---- applications ----------------------------------------------------------- */

void api_household_apply(struct api_ctx *c)
{
    int64_t id;
    struct application_input in = {0};
    json_t *fields = NULL;
    const struct jfield f[] = {
        {"programme", JF_STRING, true, &in.programme, .max = 32, .label = "救助项目"},
        {"title", JF_STRING, false, &in.title, .max = 400, .label = "标题"},
        {"content", JF_STRING, false, &in.content, .max = 20000, .label = "申请内容"},
        {"category", JF_STRING, false, &in.category, .max = 40, .label = "类别"},
        {"channel", JF_STRING, false, &in.channel, .max = 16, .label = "来源渠道"},
        {"fields", JF_ANY, false, &fields, .label = "字段"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    if (fields && !json_is_object(fields)) {
        err_set(&c->err, ZW_EINVAL, "fields", "“字段”应为对象");
        api_reply_error(c, &c->err);
        return;
    }
    in.fields = fields;
    if (!api_begin_or_reply(c))
        return;
    struct case_row r;
    if (benefits_apply(&c->z, progs(), api_env.case_types, id, &in, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_case(c, 201, &r);
}

/* ---- payments --------------------------------------------------------------- */

static json_t *payment_json(const struct payment *p)
{
    return json_pack(
        "{s:I, s:s, s:s, s:{s:I, s:s}, s:o, s:{s:I, s:o}, s:o, s:i, s:I, s:s, s:s, s:s, "
        "s:o, s:o}",
        "id", (json_int_t)p->id, "programme", p->programme, "programmeName",
        prog_name(p->programme), "household", "id", (json_int_t)p->household_id, "code",
        p->household_code ? p->household_code : "", "headName", opt_str(p->head_name), "village",
        "id", (json_int_t)p->village_id, "name", opt_str(p->village_name), "person",
        p->person_id ? json_pack("{s:I, s:o}", "id", (json_int_t)p->person_id, "name",
                                 opt_str(p->person_name))
                     : json_null(),
        "persons", p->persons, "amountFen", (json_int_t)p->amount_fen, "period", p->period,
        "fundSource", p->fund_source, "paidOn", p->paid_on, "batchId",
        p->batch_id ? json_integer(p->batch_id) : json_null(), "note", opt_str(p->note));
}

/* The ledger filters: programme, areaId, from, to (paid_on, YYYY-MM-DD, inclusive). */
static bool payment_filter_or_reply(struct api_ctx *c, struct payment_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->programme = http_query(c->req, "programme");
    f->from = http_query(c->req, "from");
    f->to = http_query(c->req, "to");
    if (f->programme && !*f->programme)
        f->programme = NULL;
    if (f->from && !*f->from)
        f->from = NULL;
    if (f->to && !*f->to)
        f->to = NULL;
    if (f->programme && !benefits_programme(progs(), f->programme))
        err_set(&c->err, ZW_EINVAL, "programme", "没有这个救助项目");
    else if (f->from && !registry_date_ok(f->from))
        err_set(&c->err, ZW_EINVAL, "from", "开始日期应为 YYYY-MM-DD");
    else if (f->to && !registry_date_ok(f->to))
        err_set(&c->err, ZW_EINVAL, "to", "结束日期应为 YYYY-MM-DD");
    else if (f->from && f->to && strcmp(f->from, f->to) > 0)
        err_set(&c->err, ZW_EINVAL, "to", "结束日期不能早于开始日期");
    else
        return api_area_filter_or_reply(c, &f->in_path);
    api_reply_error(c, &c->err);
    return false;
}

void api_payments_list(struct api_ctx *c)
{
    struct payment_filter f;
    if (!payment_filter_or_reply(c, &f) || !api_paging_or_reply(c, &f.page, &f.page_size))
        return;
    struct scope sc = principal_scope(&c->who);
    struct payment *items;
    size_t n;
    int64_t total;
    if (store_payment_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, payment_json(&items[i]));
    api_reply(c, 200, api_page(arr, total, f.page, f.page_size));
}

void api_household_payments(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    struct household h;
    if (registry_household_get(&c->z, id, &h, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    struct payment_filter f = {.household_id = id, .page = 1, .page_size = 1000};
    struct scope sc = principal_scope(&c->who);
    struct payment *items;
    struct enrolment *en;
    size_t n, ne;
    int64_t total;
    if (store_payment_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err) ||
        store_enrolments(c->z.db, id, &c->req->arena, &en, &ne, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array(), *earr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, payment_json(&items[i]));
    for (size_t i = 0; i < ne; i++)
        json_array_append_new(
            earr, json_pack("{s:I, s:s, s:s, s:i, s:s, s:o, s:o}", "id", (json_int_t)en[i].id,
                            "programme", en[i].programme, "programmeName",
                            prog_name(en[i].programme), "persons", en[i].persons, "since",
                            en[i].since, "until", opt_str(en[i].until_on), "caseId",
                            en[i].case_id ? json_integer(en[i].case_id) : json_null()));
    api_reply(
        c, 200,
        json_pack("{s:o, s:o, s:I}", "items", arr, "enrolments", earr, "total", (json_int_t)total));
}

void api_payments_totals(struct api_ctx *c)
{
    struct payment_filter f;
    if (!payment_filter_or_reply(c, &f))
        return;
    const char *by = http_query(c->req, "by");
    if (by && *by && strcmp(by, "programme") != 0 && strcmp(by, "village") != 0) {
        err_set(&c->err, ZW_EINVAL, "by", "分组方式应为 programme（按项目）或 village（按村）");
        api_reply_error(c, &c->err);
        return;
    }
    bool by_village = by && strcmp(by, "village") == 0;
    struct scope sc = principal_scope(&c->who);
    struct payment_total *items, all;
    size_t n;
    if (store_payment_totals(c->z.db, &sc, &f, by_village, &c->req->arena, &items, &n, &all,
                             &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:I, s:I, s:I}", "key", items[i].key, "name",
                           by_village ? items[i].name : prog_name(items[i].key), "households",
                           (json_int_t)items[i].households, "persons", (json_int_t)items[i].persons,
                           "amountFen", (json_int_t)items[i].amount_fen));
    api_reply(c, 200,
              json_pack("{s:o, s:{s:I, s:I, s:I}, s:s}", "items", arr, "total", "households",
                        (json_int_t)all.households, "persons", (json_int_t)all.persons, "amountFen",
                        (json_int_t)all.amount_fen, "by", by_village ? "village" : "programme"));
}

void api_payments_create(struct api_ctx *c)
{
    struct payment_input in = {0};
    int64_t persons = 0;
    const struct jfield f[] = {
        {"programme", JF_STRING, true, &in.programme, .max = 32, .label = "救助项目"},
        {"householdId", JF_INT, true, &in.household_id, .min = 1, .max = INT64_MAX, .label = "户"},
        {"personId", JF_INT, false, &in.person_id, .min = 1, .max = INT64_MAX, .nullable = true,
         .label = "享受人"},
        {"persons", JF_INT, false, &persons, .min = 1, .max = 999, .label = "受益人数"},
        {"amountFen", JF_INT, true, &in.amount_fen, .min = 1, .max = INT64_C(10000000000),
         .label = "金额（分）"},
        {"period", JF_STRING, true, &in.period, .max = 7, .label = "所属期间"},
        {"fundSource", JF_STRING, false, &in.fund_source, .max = 200, .nullable = true,
         .label = "资金来源"},
        {"paidOn", JF_STRING, true, &in.paid_on, .max = 10, .label = "发放日期"},
        {"note", JF_STRING, false, &in.note, .max = 400, .nullable = true, .label = "备注"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    in.persons = (int)persons;
    if (!api_begin_or_reply(c))
        return;
    int64_t id;
    if (benefits_pay(&c->z, progs(), &in, &id, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    struct payment_filter pf = {.household_id = in.household_id, .page = 1, .page_size = 1000};
    struct scope sc = principal_scope(&c->who);
    struct payment *items;
    size_t n;
    int64_t total;
    if (store_payment_list(c->z.db, &sc, &pf, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (items[i].id == id) {
            api_reply(c, 201, payment_json(&items[i]));
            return;
        }
    api_reply_code(c, ZW_EINTERNAL);
}

/* ---- runs and batches ------------------------------------------------------- */

static json_t *batch_json(const struct pay_batch *b)
{
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:o, s:o, s:I, s:o, s:o, s:i}", "id",
        (json_int_t)b->id, "programme", b->programme, "programmeName", prog_name(b->programme),
        "period", b->period, "status", b->status, "statusName",
        strcmp(b->status, "issued") == 0 ? "已发放" : "待审核", "households", b->households,
        "persons", b->persons, "amountFen", (json_int_t)b->amount_fen, "paidOn",
        opt_str(b->paid_on), "createdBy", opt_str(b->created_by_name), "createdAt",
        (json_int_t)b->created_at, "issuedBy", opt_str(b->issued_by_name), "issuedAt",
        b->issued_at ? json_integer(b->issued_at) : json_null(), "version", b->version);
}

static void reply_batch(struct api_ctx *c, int status, int64_t id)
{
    struct scope sc = principal_scope(&c->who);
    struct pay_batch b;
    struct batch_line *l;
    size_t n;
    if (store_batch_get(c->z.db, id, &sc, &c->req->arena, &b, &c->err) ||
        store_batch_lines(c->z.db, id, &c->req->arena, &l, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *v = batch_json(&b), *lines = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            lines,
            json_pack("{s:I, s:{s:I, s:s}, s:o, s:o, s:{s:I, s:o}, s:i, s:I, s:o, s:I, s:o}", "id",
                      (json_int_t)l[i].id, "household", "id", (json_int_t)l[i].household_id, "code",
                      l[i].household_code ? l[i].household_code : "", "headName",
                      opt_str(l[i].head_name), "headIdNumber", masked_id(l[i].head_id_number),
                      "village", "id", (json_int_t)l[i].village_id, "name",
                      opt_str(l[i].village_name), "persons", l[i].persons, "standardFen",
                      (json_int_t)l[i].standard_fen, "incomeFen",
                      l[i].has_income ? json_integer(l[i].income_fen) : json_null(), "amountFen",
                      (json_int_t)l[i].amount_fen, "note", opt_str(l[i].note)));
    json_object_set_new(v, "lines", lines);
    api_set_etag(c, b.version);
    api_reply(c, status, v);
}

void api_benefit_runs_create(struct api_ctx *c)
{
    const char *programme, *period;
    const struct jfield f[] = {
        {"programme", JF_STRING, true, &programme, .max = 32, .label = "救助项目"},
        {"period", JF_STRING, true, &period, .max = 7, .label = "发放月份"},
    };
    if (!api_body_or_reply(c, f, 2) || !api_begin_or_reply(c))
        return;
    int64_t id;
    if (benefits_run(&c->z, progs(), programme, period, &id, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_batch(c, 201, id);
}

void api_batches_list(struct api_ctx *c)
{
    const char *programme = http_query(c->req, "programme");
    if (programme && *programme && !benefits_programme(progs(), programme)) {
        err_set(&c->err, ZW_EINVAL, "programme", "没有这个救助项目");
        api_reply_error(c, &c->err);
        return;
    }
    struct scope sc = principal_scope(&c->who);
    struct pay_batch *items;
    size_t n;
    if (store_batch_list(c->z.db, &sc, programme && *programme ? programme : NULL, &c->req->arena,
                         &items, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, batch_json(&items[i]));
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}

void api_batches_get(struct api_ctx *c)
{
    int64_t id;
    if (api_id_or_reply(c, "id", &id))
        reply_batch(c, 200, id);
}

void api_batches_issue(struct api_ctx *c)
{
    int64_t id;
    int version;
    const char *paid_on = NULL;
    const struct jfield f[] = {
        {"paidOn", JF_STRING, false, &paid_on, .max = 10, .nullable = true, .label = "发放日期"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version))
        return;
    if (c->req->body.len && !api_body_or_reply(c, f, 1))
        return;
    if (!api_begin_or_reply(c))
        return;
    if (benefits_issue(&c->z, progs(), id, version, paid_on, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_batch(c, 200, id);
}

void api_batches_bank(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    const char *full_s = http_query(c->req, "full");
    bool full = full_s && strcmp(full_s, "1") == 0;
    if (full && !principal_can(&c->who, "pii.read")) {
        err_set(&c->err, ZW_EFORBIDDEN, "full", "您没有查看完整个人信息的权限，只能导出脱敏数据");
        api_reply_error(c, &c->err);
        return;
    }
    struct scope sc = principal_scope(&c->who);
    struct pay_batch b;
    struct batch_line *l;
    size_t n;
    if (store_batch_get(c->z.db, id, &sc, &c->req->arena, &b, &c->err) ||
        store_batch_lines(c->z.db, id, &c->req->arena, &l, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    static const char *const headers[] = {"序号", "户主姓名", "身份证号", "发放金额（元）", "备注"};
    static const double widths[] = {8, 14, 22, 16, 40};
    struct xlsx *x;
    if (xlsx_open("发放清单", headers, widths, 5, &x, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    struct arena *a = &c->req->arena;
    int seq = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i].amount_fen <= 0)
            continue;
        char idm[19] = "";
        if (l[i].head_id_number && !full)
            idnum_mask(l[i].head_id_number, idm);
        const char *cells[5] = {
            arena_printf(a, "%d", ++seq),
            l[i].head_name ? l[i].head_name : "",
            full ? (l[i].head_id_number ? l[i].head_id_number : "") : idm,
            yuan(a, l[i].amount_fen),
            arena_printf(a, "%s %s%s，户编号 %s，保障 %d 人", l[i].village_name, b.period,
                         prog_name(b.programme), l[i].household_code, l[i].persons),
        };
        if (xlsx_row(x, cells, &c->err)) {
            xlsx_free(x);
            api_reply_error(c, &c->err);
            return;
        }
    }
    const char *data;
    size_t len, rows = xlsx_rows(x);
    if (xlsx_finish(x, a, &data, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *after = json_pack("{s:s, s:s, s:I, s:b}", "programme", b.programme, "period", b.period,
                              "rows", (json_int_t)rows, "full", full);
    int rc = !api_begin_or_reply(c)
                 ? -1
                 : audit_log(&c->z, "export", "payment_batch", b.id, NULL, after, &c->err);
    json_decref(after);
    if (rc) {
        if (rc != -1)
            api_reply_error(c, &c->err);
        return;
    }
    api_content_disposition(
        c, true, arena_printf(a, "bank-%s-%s.xlsx", b.programme, b.period),
        arena_printf(a, "%s发放清单-%s.xlsx", prog_name(b.programme), b.period));
    http_add_header(c->req, "Cache-Control", "no-store");
    http_reply(c->req, 200, XLSX_TYPE, data, len);
}
