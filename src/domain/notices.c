/*
 * notices.c - public notices (公示): kinds and templates, rows from an
 * explicit whitelist, publish, close, the public view and objections; see
 * notices.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "buf.h"
#include "calendar.h"
#include "cases.h"
#include "doc_pdf.h"
#include "doc_template.h"
#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "notices.h"
#include "pdf_cache.h"
#include "portal.h"
#include "ratelimit.h"
#include "banned.h"

/* ---- kinds, columns and templates ---------------------------------------- */

/* The simple placeholders of every notice template, by name. */
enum {
    NN_TITLE,
    NN_TOWN,
    NN_VILLAGE,
    NN_PERIOD,
    NN_PROGRAMME,
    NN_DATE,
    NN_START,
    NN_END,
    NN_DAYS,
    NN_COUNT,
    NN_PERSONS,
    NN_TOTAL,
    NN_NOTE,
    NN_N
};
static const char *const nn_names[NN_N] = {"title",   "town",  "village", "period", "programme",
                                           "date",    "start", "end",     "days",   "count",
                                           "persons", "total", "note"};

/*
 * The whitelist: every column a notice can show.  A row is built from these
 * and nothing else (the record sources do not even read other columns).
 */
static const char *const cols_household[] = {"seq", "name", "name_full", "persons", "amount"};
static const char *const cols_monitoring[] = {"seq",      "name",  "name_full", "persons",
                                              "category", "risks", "since"};
static const char *const cols_payments[] = {"seq",     "name",   "name_full",
                                            "persons", "amount", "programme"};
static const char *const cols_funds[] = {"seq", "project", "amount", "unit"};

struct kind_shape {
    const char *code;
    const char *const *cols;
    size_t ncols;
    bool period_required, programme_required, by_hand;
};
#define COLS(a) a, sizeof(a) / sizeof(a[0])
static const struct kind_shape shapes[] = {
    {"dibao", COLS(cols_household), true, false, false},
    {"monitoring", COLS(cols_monitoring), false, false, false},
    {"payments", COLS(cols_payments), true, true, false},
    {"funds", COLS(cols_funds), false, false, true},
};
#define NSHAPES (sizeof(shapes) / sizeof(shapes[0]))

static int load_fail(struct error *err, const char *what)
{
    return err_set(err, ZW_EINVAL, NULL, "公示定义 notices/notices.json：%s", what);
}

int notices_load(const char *defs_dir, const struct programmes *programmes,
                 const struct registry_defs *registry, struct arena *a, struct notice_defs *out,
                 struct error *err)
{
    memset(out, 0, sizeof(*out));
    out->programmes = programmes;
    out->registry = registry;
    char path[2048];
    snprintf(path, sizeof(path), "%s/notices/notices.json", defs_dir);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        char why[JSON_ERROR_TEXT_LENGTH];
        jsonx_error_text(&je, why);
        return err_set(err, ZW_EINVAL, NULL, "公示定义 notices/notices.json 第 %d 行有误：%s",
                       je.line, why);
    }
    int rc = 0;
    json_t *kinds = json_object_get(root, "kinds");
    if (!json_is_array(kinds) || json_array_size(kinds) != NSHAPES) {
        rc = load_fail(err, "kinds 应列出 dibao、monitoring、payments、funds 四种公示");
        goto out_root;
    }
    out->v = arena_calloc(a, NSHAPES, sizeof(*out->v));
    for (size_t i = 0; i < NSHAPES; i++) {
        json_t *k = json_array_get(kinds, i);
        const char *code = json_string_value(json_object_get(k, "code"));
        const char *name = json_string_value(json_object_get(k, "name"));
        json_t *days = json_object_get(k, "days");
        const struct kind_shape *sh = NULL;
        for (size_t s = 0; code && s < NSHAPES; s++)
            if (strcmp(shapes[s].code, code) == 0)
                sh = &shapes[s];
        if (!sh || notices_kind(out, code)) {
            rc = load_fail(err, "kinds 中有未知或重复的公示种类");
            goto out_root;
        }
        if (!name || !*name || !json_is_integer(days) || json_integer_value(days) < 1 ||
            json_integer_value(days) > ZW_NOTICE_WINDOW_MAX_DAYS || json_object_size(k) != 3) {
            rc = load_fail(err, "每种公示应有 code、name 和 days（1 至 90 天），且只有这三项");
            goto out_root;
        }
        struct notice_kind *nk = &out->v[out->n];
        nk->code = sh->code;
        nk->name = arena_strdup(a, name);
        nk->days = (int)json_integer_value(days);
        nk->cols = sh->cols;
        nk->ncols = sh->ncols;
        nk->period_required = sh->period_required;
        nk->programme_required = sh->programme_required;
        nk->by_hand = sh->by_hand;
        char name_file[64];
        snprintf(name_file, sizeof(name_file), "notices/%s.html", sh->code);
        snprintf(path, sizeof(path), "%s/%s", defs_dir, name_file);
        struct buf b = {.max = ZW_MAX_TEMPLATE_BYTES + 1};
        rc = buf_read_file(&b, path);
        if (rc) {
            buf_release(&b);
            rc = err_set(err, ZW_EINVAL, NULL, "缺少或无法读取公示模板 %s", name_file);
            goto out_root;
        }
        struct doc_notice_spec spec = {nn_names, NN_N, sh->cols, sh->ncols};
        struct doc_notice_spec *sp = arena_alloc(a, sizeof(*sp));
        *sp = spec;
        rc = doc_template_parse_notice(name_file, b.ptr ? b.ptr : "", b.len, sp, a, &nk->tpl, err);
        buf_release(&b);
        if (rc)
            goto out_root;
        out->n++;
    }
out_root:
    json_decref(root);
    return rc;
}

const struct notice_kind *notices_kind(const struct notice_defs *d, const char *code)
{
    for (size_t i = 0; code && i < d->n; i++)
        if (strcmp(d->v[i].code, code) == 0)
            return &d->v[i];
    return NULL;
}

/* ---- building the rows ----------------------------------------------------- */

static bool period_ok(const char *p)
{
    int ymd;
    if (!p)
        return false;
    size_t n = strlen(p);
    if (n == 4)
        return cal_digits(p, 4) >= 1949 && cal_digits(p, 4) <= 2100;
    if (n != 7 || p[4] != '-')
        return false;
    char d[11];
    snprintf(d, sizeof(d), "%s-01", p);
    return cal_parse_date(d, &ymd) == 0;
}

/* "2018年6月" or "2018年" for a period; "" for none. */
static const char *period_text(struct arena *a, const char *p)
{
    if (!p || !*p)
        return "";
    if (strlen(p) == 4)
        return arena_printf(a, "%s年", p);
    return arena_printf(a, "%.4s年%d月", p, cal_digits(p + 5, 2));
}

static const char *yuan(struct arena *a, int64_t fen)
{
    return arena_printf(a, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* The township name above the area at path ("" if none). */
static const char *township_name(struct zctx *z, const char *path)
{
    struct area ar;
    struct error e;
    return path && store_area_township(z->db, path, &ar, &e) == 0 ? arena_strdup(z->arena, ar.name)
                                                                  : "";
}

static bool chosen(const struct notice_input *in, int64_t household_id)
{
    if (!in->household_ids)
        return true;
    for (size_t i = 0; i < in->nhousehold_ids; i++)
        if (in->household_ids[i] == household_id)
            return true;
    return false;
}

/* One stored row: the whitelisted values only, never a record as a whole. */
static json_t *source_row(const struct notice_source *s)
{
    json_t *r = json_pack("{s:I, s:s, s:i}", "householdId", (json_int_t)s->household_id, "name",
                          s->name, "persons", s->persons);
    if (s->amount_fen)
        json_object_set_new(r, "amountFen", json_integer(s->amount_fen));
    if (s->category)
        json_object_set_new(r, "category", json_string(s->category));
    if (s->risks)
        json_object_set_new(r, "risks", json_string(s->risks));
    if (s->since)
        json_object_set_new(r, "since", json_string(s->since));
    return r;
}

int notices_build(struct zctx *z, const struct notice_defs *d, const struct notice_input *in,
                  struct notice *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    const struct notice_kind *k = notices_kind(d, in->kind);
    if (!k)
        return err_set(err, ZW_EINVAL, "kind",
                       "没有这种公示，请选择低保对象、监测对象、资金发放或项目资金公示");
    if (in->village_id <= 0)
        return err_set(err, ZW_EINVAL, "villageId", "请选择公示的村（社区）");
    const char *period = in->period && *in->period ? in->period : NULL;
    if (k->period_required && !period)
        return err_set(err, ZW_EINVAL, "period", "请填写公示的期间（YYYY-MM 或 YYYY）");
    if (period && !period_ok(period))
        return err_set(err, ZW_EINVAL, "period", "期间应为 YYYY-MM 或 YYYY（如 2018-06、2018）");
    const char *programme = k->programme_required ? in->programme : NULL;
    if (strcmp(k->code, "dibao") == 0)
        programme = "dibao";
    const struct programme *prog = NULL;
    if (k->programme_required && !(programme && *programme))
        return err_set(err, ZW_EINVAL, "programme", "请选择救助项目");
    if (programme && !(prog = benefits_programme(d->programmes, programme)))
        return err_set(err, ZW_EINVAL, "programme", "请选择救助项目");
    if (in->title && utf8_chars(in->title) > 60)
        return err_set(err, ZW_EINVAL, "title", "公示标题不超过 60 个字");
    if (in->note && utf8_chars(in->note) > 500)
        return err_set(err, ZW_EINVAL, "note", "说明不超过 500 个字");
    if (k->by_hand && in->household_ids)
        return err_set(err, ZW_EINVAL, "householdIds", "项目资金公示逐行录入，不选择农户");
    if (!k->by_hand && in->nfunds)
        return err_set(err, ZW_EINVAL, "rows", "只有项目资金公示可以逐行录入");

    /* The village: a village in the caller's scope (403 outside, 400 if no village). */
    struct area village;
    struct scope sc = principal_scope(z->who);
    int rc = store_area_get_any(z->db, in->village_id, &village, err);
    if (rc == ZW_ENOTFOUND || (!rc && strcmp(village.level, "village") != 0))
        return err_set(err, ZW_EINVAL, "villageId", "请选择一个村（社区）");
    if (rc)
        return rc;
    struct area in_scope;
    struct error e2;
    if (store_area_get(z->db, in->village_id, &sc, &in_scope, &e2) != 0)
        return err_set(err, ZW_EFORBIDDEN, "villageId", "只能为本人管辖范围内的村（社区）发布公示");

    if (in->replaces_id) {
        struct notice old;
        if (store_notice_get(z->db, in->replaces_id, &sc, z->arena, &old, &e2) != 0 ||
            strcmp(old.status, "draft") == 0)
            return err_set(err, ZW_EINVAL, "replacesId",
                           "被更正的公示应为本管辖范围内已发布的公示");
    }

    json_t *rows = json_array();
    if (k->by_hand) {
        if (in->nfunds > ZW_NOTICE_ROWS_MAX) {
            json_decref(rows);
            return err_set(err, ZW_EINVAL, "rows", "一份公示最多 %d 行", ZW_NOTICE_ROWS_MAX);
        }
        for (size_t i = 0; i < in->nfunds; i++) {
            const struct notice_fund_row *f = &in->funds[i];
            size_t np = f->project ? utf8_chars(f->project) : 0,
                   nu = f->unit ? utf8_chars(f->unit) : 0;
            if (np < 1 || np > 100 || nu > 60 || f->amount_fen <= 0 ||
                f->amount_fen > 100000000000LL) {
                json_decref(rows);
                return err_set(err, ZW_EINVAL, "rows",
                               "第 %zu 行：项目名称 1 至 100 字，金额大于 0（以分计，不超过 10 "
                               "亿元），实施单位不超过 60 字",
                               i + 1);
            }
            json_array_append_new(rows, json_pack("{s:s, s:I, s:s}", "project", f->project,
                                                  "amountFen", (json_int_t)f->amount_fen, "unit",
                                                  f->unit ? f->unit : ""));
        }
    } else {
        struct notice_source *src;
        size_t n;
        if (strcmp(k->code, "monitoring") == 0)
            rc = store_notice_monitored(z->db, village.id, period ? period : "", z->arena, &src, &n,
                                        err);
        else
            rc = store_notice_payments(z->db, prog->code, village.id, period, z->arena, &src, &n,
                                       err);
        if (rc) {
            json_decref(rows);
            return rc;
        }
        if (n > ZW_NOTICE_ROWS_MAX) {
            json_decref(rows);
            return err_set(err, ZW_EINVAL, "period", "记录超过 %d 条，请按月或分村公示",
                           ZW_NOTICE_ROWS_MAX);
        }
        for (size_t i = 0; i < n; i++)
            if (chosen(in, src[i].household_id))
                json_array_append_new(rows, source_row(&src[i]));
        /* every chosen household must be among the records */
        for (size_t i = 0; in->household_ids && i < in->nhousehold_ids; i++) {
            bool found = false;
            for (size_t j = 0; j < n && !found; j++)
                found = src[j].household_id == in->household_ids[i];
            if (!found) {
                json_decref(rows);
                return err_set(err, ZW_EINVAL, "householdIds",
                               "所选农户（%lld）不在该村该期间的记录中",
                               (long long)in->household_ids[i]);
            }
        }
    }
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return err_set(err, ZW_EINVAL, "rows", "没有可公示的记录：该村该期间没有%s的记录", k->name);
    }
    out->kind = k->code;
    out->village_id = village.id;
    out->village_name = arena_strdup(z->arena, village.name);
    out->village_code = arena_strdup(z->arena, village.code);
    out->area_path = arena_strdup(z->arena, village.path);
    out->period = period ? arena_strdup(z->arena, period) : NULL;
    out->programme = prog ? prog->code : NULL;
    out->note = in->note && *in->note ? in->note : NULL;
    out->replaces_id = in->replaces_id;
    out->nrows = (int)json_array_size(rows);
    out->rows_json = jsonx_dump(z->arena, rows, NULL);
    json_decref(rows);
    out->title = in->title && *in->title ? in->title
                                         : arena_printf(z->arena, "%s%s%s", village.name,
                                                        period_text(z->arena, period), k->name);
    out->status = "draft";
    out->created_by = z->who->user_id;
    out->created_at = z->now;
    out->version = 1;
    return 0;
}

int notices_create(struct zctx *z, const struct notice_defs *d, const struct notice_input *in,
                   struct notice *out, struct error *err)
{
    int rc = notices_build(z, d, in, out, err);
    if (rc || (rc = store_notice_insert(z->db, out, err)))
        return rc;
    json_t *after =
        json_pack("{s:s, s:s, s:I, s:s?, s:i}", "kind", out->kind, "title", out->title, "villageId",
                  (json_int_t)out->village_id, "period", out->period, "rows", out->nrows);
    rc = audit_log(z, "create", "notice", out->id, NULL, after, err);
    json_decref(after);
    return rc;
}

/* ---- rendering -------------------------------------------------------------- */

/* Names of a comma-separated list of codes of table t, joined with 、. */
static const char *code_names(struct arena *a, const struct reg_table *t, const char *codes)
{
    if (!codes || !*codes)
        return "";
    struct buf b = {0};
    const char *p = codes;
    while (*p) {
        size_t w = strcspn(p, ",");
        char code[64];
        snprintf(code, sizeof(code), "%.*s", (int)(w < 63 ? w : 63), p);
        const char *nm = t ? registry_name(t, code) : NULL;
        if (b.len)
            buf_adds(&b, "、");
        buf_adds(&b, nm ? nm : code);
        p += w;
        p += *p == ',';
    }
    char *out = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
    buf_release(&b);
    return out;
}

/* One cell of the whitelist for a stored row. */
static const char *cell(struct arena *a, const struct notice_defs *d, const struct notice *n,
                        const char *col, json_t *r, size_t i)
{
    const char *name = json_string_value(json_object_get(r, "name"));
    if (strcmp(col, "seq") == 0)
        return arena_printf(a, "%zu", i + 1);
    if (strcmp(col, "name") == 0) {
        char m[MASK_NAME_MAX];
        mask_name(name, m);
        return arena_strdup(a, m);
    }
    if (strcmp(col, "name_full") == 0)
        return name;
    if (strcmp(col, "persons") == 0)
        return arena_printf(a, "%lld",
                            (long long)json_integer_value(json_object_get(r, "persons")));
    if (strcmp(col, "amount") == 0)
        return yuan(a, json_integer_value(json_object_get(r, "amountFen")));
    if (strcmp(col, "programme") == 0) {
        const struct programme *p =
            n->programme ? benefits_programme(d->programmes, n->programme) : NULL;
        return p ? p->short_name : "";
    }
    if (strcmp(col, "category") == 0)
        return code_names(a, d->registry ? &d->registry->monitor_categories : NULL,
                          json_string_value(json_object_get(r, "category")));
    if (strcmp(col, "risks") == 0)
        return code_names(a, d->registry ? &d->registry->risks : NULL,
                          json_string_value(json_object_get(r, "risks")));
    if (strcmp(col, "since") == 0 || strcmp(col, "project") == 0 || strcmp(col, "unit") == 0)
        return json_string_value(json_object_get(r, col));
    return NULL;
}

/* Days from 1970-01-01 to ymd (proleptic Gregorian). */
static long days_of(int ymd)
{
    long y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static long days_between(int from, int to)
{
    return days_of(to) - days_of(from);
}

static void date_text(const char *ymd_s, char out[32])
{
    int ymd;
    out[0] = '\0';
    if (ymd_s && cal_parse_date(ymd_s, &ymd) == 0)
        snprintf(out, 32, "%d年%d月%d日", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int notices_render(struct zctx *z, const struct notice_defs *d, const struct notice *n, int64_t at,
                   const char *start, const char *end, char **html, struct error *err)
{
    const struct notice_kind *k = notices_kind(d, n->kind);
    if (!k)
        return err_set(err, ZW_EINTERNAL, NULL, "公示种类已不存在");
    json_t *rows = json_loads(n->rows_json ? n->rows_json : "[]", 0, NULL);
    if (!json_is_array(rows)) {
        json_decref(rows);
        return err_set(err, ZW_EINTERNAL, NULL, "公示记录已损坏");
    }
    size_t nrows = json_array_size(rows);
    const char **cells = arena_calloc(z->arena, nrows * k->ncols + 1, sizeof(*cells));
    int64_t persons = 0, total = 0;
    for (size_t i = 0; i < nrows; i++) {
        json_t *r = json_array_get(rows, i);
        persons += json_integer_value(json_object_get(r, "persons"));
        total += json_integer_value(json_object_get(r, "amountFen"));
        for (size_t c = 0; c < k->ncols; c++) {
            const char *v = cell(z->arena, d, n, k->cols[c], r, i);
            cells[i * k->ncols + c] = v ? arena_strdup(z->arena, v) : NULL;
        }
    }
    json_decref(rows);
    const char *names[NN_N] = {0};
    char date[32], s[32], e[32];
    doc_format_date(at, date);
    date_text(start, s);
    date_text(end, e);
    int ys, ye;
    int days = cal_parse_date(start, &ys) == 0 && cal_parse_date(end, &ye) == 0
                   ? (int)((days_between(ys, ye)) + 1)
                   : k->days;
    const struct programme *p =
        n->programme ? benefits_programme(d->programmes, n->programme) : NULL;
    names[NN_TITLE] = n->title;
    names[NN_TOWN] = township_name(z, n->area_path);
    names[NN_VILLAGE] = n->village_name;
    names[NN_PERIOD] = period_text(z->arena, n->period);
    names[NN_PROGRAMME] = p ? p->name : "";
    names[NN_DATE] = date;
    names[NN_START] = s;
    names[NN_END] = e;
    names[NN_DAYS] = arena_printf(z->arena, "%d", days);
    names[NN_COUNT] = arena_printf(z->arena, "%zu", nrows);
    names[NN_PERSONS] = arena_printf(z->arena, "%lld", (long long)persons);
    names[NN_TOTAL] = yuan(z->arena, total);
    names[NN_NOTE] = n->note;
    char *body = doc_render_notice(k->tpl, names, cells, nrows, k->ncols, z->arena, NULL);
    *html = doc_page(n->title, body, z->arena);
    return 0;
}

void notices_default_window(const struct notice_kind *k, int64_t now, char start[11], char end[11])
{
    int today = cal_local_ymd(now);
    cal_format_date(today, start);
    cal_format_date(cal_ymd_add(today, (k ? k->days : 7) - 1), end);
}

/* ---- lifecycle ----------------------------------------------------------------- */

int notices_get(struct zctx *z, int64_t id, struct notice *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    return store_notice_get(z->db, id, &sc, z->arena, out, err);
}

static json_t *audit_state(const struct notice *n)
{
    return json_pack("{s:s, s:s?, s:s?, s:s?, s:i}", "status", n->status, "sha256", n->sha256,
                     "windowStart", n->window_start, "windowEnd", n->window_end, "version",
                     n->version);
}

int notices_publish(struct zctx *z, const struct notice_defs *d, int64_t id, const char *start,
                    const char *end, struct notice *out, struct error *err)
{
    int rc = notices_get(z, id, out, err);
    if (rc)
        return rc;
    if (strcmp(out->status, "draft") != 0)
        return err_set(err, ZW_ETRANSITION, NULL,
                       "该公示已发布，发布后的内容不能再改；如需更正，请新建公示并注明更正");
    const struct notice_kind *k = notices_kind(d, out->kind);
    int today = cal_local_ymd(z->now), ys = today, ye;
    if (start && *start && cal_parse_date(start, &ys) != 0)
        return err_set(err, ZW_EINVAL, "start", "公示开始日期应为 YYYY-MM-DD");
    if (end && *end) {
        if (cal_parse_date(end, &ye) != 0)
            return err_set(err, ZW_EINVAL, "end", "公示结束日期应为 YYYY-MM-DD");
    } else {
        ye = cal_ymd_add(ys, (k ? k->days : 7) - 1);
    }
    if (ys < today)
        return err_set(err, ZW_EINVAL, "start", "公示开始日期不能早于今天");
    if (ye < ys)
        return err_set(err, ZW_EINVAL, "end", "公示结束日期不能早于开始日期");
    if (days_between(ys, ye) + 1 > ZW_NOTICE_WINDOW_MAX_DAYS)
        return err_set(err, ZW_EINVAL, "end", "公示期最长 %d 天", ZW_NOTICE_WINDOW_MAX_DAYS);
    char sbuf[11], ebuf[11];
    cal_format_date(ys, sbuf);
    cal_format_date(ye, ebuf);
    json_t *before = audit_state(out);
    char *html;
    if ((rc = notices_render(z, d, out, z->now, sbuf, ebuf, &html, err))) {
        json_decref(before);
        return rc;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)html, strlen(html));
    char *hex = arena_alloc(z->arena, 2 * sizeof(h) + 1);
    sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
    out->html = html;
    out->sha256 = hex;
    out->window_start = arena_strdup(z->arena, sbuf);
    out->window_end = arena_strdup(z->arena, ebuf);
    out->published_at = z->now;
    out->published_by = z->who->user_id;
    if ((rc = store_notice_publish(z->db, out, err))) {
        json_decref(before);
        return rc;
    }
    json_t *after = audit_state(out);
    rc = audit_log(z, "publish", "notice", out->id, before, after, err);
    json_decref(before);
    json_decref(after);
    return rc;
}

int notices_close(struct zctx *z, int64_t id, struct notice *out, struct error *err)
{
    int rc = notices_get(z, id, out, err);
    if (rc)
        return rc;
    if (strcmp(out->status, "published") != 0)
        return err_set(err, ZW_ETRANSITION, NULL,
                       strcmp(out->status, "draft") == 0 ? "草稿尚未发布，不能结束公示"
                                                         : "该公示已经结束");
    json_t *before = audit_state(out);
    out->closed_at = z->now;
    out->closed_by = z->who->user_id;
    if ((rc = store_notice_close(z->db, out, err))) {
        json_decref(before);
        return rc;
    }
    json_t *after = audit_state(out);
    rc = audit_log(z, "close", "notice", out->id, before, after, err);
    json_decref(before);
    json_decref(after);
    return rc;
}

int notices_close_expired(struct db *db, int64_t now, int *closed, struct error *err)
{
    static const struct principal system = {.username = "(系统)", .scope_kind = SCOPE_ALL};
    struct arena a = {0};
    struct zctx z = {.db = db, .arena = &a, .who = &system, .ip = "-", .now = now};
    char today[11];
    cal_format_date(cal_local_ymd(now), today);
    int64_t *ids;
    size_t n = 0;
    *closed = 0;
    int rc = store_begin(db, true, err);
    if (!rc)
        rc = store_notice_expired(db, today, &a, &ids, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct notice nt;
        if (!(rc = notices_close(&z, ids[i], &nt, err)))
            (*closed)++;
    }
    if (!rc && n)
        rc = store_commit(db, err);
    if (store_in_tx(db))
        store_rollback(db);
    arena_release(&a);
    if (rc)
        *closed = 0;
    return rc;
}

int notices_pdf(const char *html, struct arena *a, char **pdf, size_t *len, struct error *err)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof(h) + 1];
    crypto_hash_sha256(h, (const unsigned char *)html, strlen(html));
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    if (pdf_cache_get(hex, a, pdf, len))
        return 0;
    int rc = doc_pdf_render(html, strlen(html), a, pdf, len, err);
    if (!rc)
        pdf_cache_put(hex, *pdf, *len);
    return rc;
}

bool notices_in_window(const struct notice *n, int64_t now)
{
    int ys, ye, today = cal_local_ymd(now);
    return n->status && strcmp(n->status, "published") == 0 && n->window_start && n->window_end &&
           cal_parse_date(n->window_start, &ys) == 0 && cal_parse_date(n->window_end, &ye) == 0 &&
           ys <= today && today <= ye;
}

int notices_public_get(struct zctx *z, int64_t id, struct notice *out, struct error *err)
{
    int rc = store_notice_get(z->db, id, NULL, z->arena, out, err);
    if (rc == ZW_ENOTFOUND || (!rc && !notices_in_window(out, z->now)))
        return err_set(err, ZW_ENOTFOUND, NULL, "该公示不在公示期内或不存在");
    return rc;
}

/* ---- objections ------------------------------------------------------------------ */

static bool digits_only(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

int notices_object(struct zctx *z, const struct case_types *types, int64_t id,
                   const struct notice_objection_input *in, struct case_row *out_case,
                   struct public_request *out_req, int64_t *retry_after, struct error *err)
{
    size_t nname = in->name ? utf8_chars(in->name) : 0;
    size_t ncontent = in->content ? utf8_chars(in->content) : 0;
    size_t nphone = in->phone ? strlen(in->phone) : 0;
    if (nname < 1 || nname > ZW_PORTAL_NAME_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "name", "请填写姓名（不超过 %d 个字）",
                       ZW_PORTAL_NAME_MAX_CHARS);
    if (nphone < ZW_PORTAL_PHONE_MIN_DIGITS || nphone > ZW_PORTAL_PHONE_MAX_DIGITS ||
        !digits_only(in->phone))
        return err_set(err, ZW_EINVAL, "phone", "请填写有效的联系电话（%d 至 %d 位数字）",
                       ZW_PORTAL_PHONE_MIN_DIGITS, ZW_PORTAL_PHONE_MAX_DIGITS);
    if (ncontent < ZW_PORTAL_CONTENT_MIN_CHARS || ncontent > ZW_PORTAL_CONTENT_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "content", "异议内容应为 %d 至 %d 个字",
                       ZW_PORTAL_CONTENT_MIN_CHARS, ZW_PORTAL_CONTENT_MAX_CHARS);
    struct notice n;
    int rc = store_notice_get(z->db, id, NULL, z->arena, &n, err);
    if (rc == ZW_ENOTFOUND || (!rc && strcmp(n.status, "draft") == 0))
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该公示");
    if (rc)
        return rc;
    if (!notices_in_window(&n, z->now))
        return err_set(
            err, ZW_ETRANSITION, NULL,
            "该公示不在公示期内（公示期 %s 至 %s），不再在线受理异议；如有意见请向镇人民政府反映",
            n.window_start ? n.window_start : "", n.window_end ? n.window_end : "");
    struct rate_rule rules[2] = {
        {.key = arena_printf(z->arena, "objection:ip:%s", z->ip ? z->ip : "-"),
         .window_s = 3600,
         .limit = ZW_NOTICE_OBJECTIONS_PER_IP,
         .message = arena_printf(z->arena, "同一网络每小时最多提出 %d 件异议",
                                 ZW_NOTICE_OBJECTIONS_PER_IP)},
        {.key = ratelimit_key_hashed(z->arena, "submit:phone:", in->phone),
         .window_s = ZW_PORTAL_SUBMIT_PHONE_WINDOW_S,
         .limit = ZW_PORTAL_SUBMIT_PER_PHONE,
         .message = arena_printf(z->arena, "同一手机号每天最多提交 %d 件诉求或异议",
                                 ZW_PORTAL_SUBMIT_PER_PHONE)},
    };
    if ((rc = ratelimit_check(z, rules, 2, retry_after, err)))
        return rc;
    struct portal_origin o = {.source = "portal"};
    struct area village;
    struct principal who;
    if ((rc = portal_principal(z, n.village_id, &o, &village, &who, err)))
        return rc;
    struct zctx pz = *z;
    pz.who = &who;
    struct case_input ci = {
        .type = "objection",
        .title = arena_printf(z->arena, "对《%s》的异议", n.title),
        .content = in->content,
        .category = "notice",
        .channel = "online",
        .area_id = village.id,
        .requester_name = in->name,
        .requester_phone = in->phone,
    };
    if ((rc = cases_create(&pz, types, &ci, out_case, err)))
        return rc;
    /* the unlisted service of defs/services.json: tracked and answered, not in Open311 */
    if ((rc = portal_record(z, out_case, "notice_objection", in->phone, &o, out_req, err)))
        return rc;
    struct notice_objection ob = {.notice_id = n.id, .case_id = out_case->id, .created_at = z->now};
    if ((rc = store_notice_objection_insert(z->db, &ob, err)))
        return rc;
    json_t *after =
        json_pack("{s:I, s:I}", "noticeId", (json_int_t)n.id, "caseId", (json_int_t)out_case->id);
    rc = audit_log(&pz, "object", "notice", n.id, NULL, after, err);
    json_decref(after);
    if (rc)
        return rc;
    return ratelimit_hit(z, rules, 2, err);
}
