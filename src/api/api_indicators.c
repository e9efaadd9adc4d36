/*
 * api_indicators.c - the indicators (defs/indicators/<name>.json): their list, their
 * values for an area and a period, and the records behind a value.  See
 * docs/indicators.md.
 *
 * An indicator is shown to a user who may read every entity it counts
 * (case.read for cases, registry.read for persons and households ...); its
 * area is the user's own or one inside it; an own-scoped user (帮扶责任人)
 * has no area to count over.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "domain/indicators.h"
#include "xlsx.h"
#include "banned.h"

static const struct indicators *defs(void)
{
    return api_env.indicators;
}

void api_indicators_list(struct api_ctx *c)
{
    const struct indicators *d = defs();
    json_t *items = json_array();
    static const char *const kinds[] = {"count", "distinct", "sum", "ratio", "difference"};
    for (size_t i = 0; i < d->n; i++) {
        const struct indicator *ind = &d->v[i];
        if (!indicators_may(&c->who, d, (int)i))
            continue;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:o}", "code", ind->code, "name",
                              ind->name, "unit", ind->unit, "kind", kinds[ind->kind], "decimals",
                              ind->decimals, "description",
                              ind->description ? json_string(ind->description) : json_null());
        if (ind->kind == IND_RATIO || ind->kind == IND_DIFF)
            json_object_set_new(o, "parts",
                                json_pack("[s, s]", d->v[ind->a].code, d->v[ind->b].code));
        else
            json_object_set_new(o, "entity", json_string(ind->q.e->code));
        json_object_set_new(o, "dashboard",
                            ind->dashboard ? json_string(ind->dashboard) : json_null());
        json_array_append_new(items, o);
    }
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* The area (areaId, default the user's) and the period of the request, or a reply. */
static bool where_or_reply(struct api_ctx *c, struct area *area, struct ind_period *p)
{
    struct scope sc = principal_scope(&c->who);
    if (sc.kind == SCOPE_OWN) {
        err_set(&c->err, ZW_EFORBIDDEN, NULL, "统计指标按区划计算，帮扶责任人账号不能查看");
        api_reply_error(c, &c->err);
        return false;
    }
    int64_t area_id = 0;
    if (!api_query_int_or_reply(c, "areaId", &area_id))
        return false;
    if (!area_id)
        area_id = sc.area_id;
    if (store_area_get(c->z.db, area_id, &sc, area, &c->err) ||
        indicators_period(http_query(c->req, "period"), p, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

/* {id, period, label, closedAt, closedBy} of a closed period, or null. */
static json_t *closed_json(const struct period_close *pc)
{
    if (!pc)
        return json_null();
    return json_pack("{s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)pc->id, "period", pc->period,
                     "label", pc->label, "closedAt", jsonx_time(pc->closed_at), "closedBy",
                     pc->closed_by_name ? pc->closed_by_name : "");
}

/*
 * A value's JSON; a frozen one (a closed period) also carries "correction",
 * the live value, when the records have changed since the close.
 */
static int value_json(struct api_ctx *c, int i, const struct ind_value *v, const char *path,
                      const struct ind_period *p, json_t **out)
{
    const struct indicators *d = defs();
    const struct indicator *ind = &d->v[i];
    struct ind_value live;
    *out = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:b}", "code", ind->code, "name", ind->name,
                     "unit", ind->unit, "num", (json_int_t)v->num, "den", (json_int_t)v->den,
                     "text", v->text, "frozen", v->frozen);
    if (v->frozen) {
        int rc = indicators_eval_live(&c->z, d, i, path, p, &live, &c->err);
        if (rc) {
            json_decref(*out);
            return rc;
        }
        if ((__int128)live.num * v->den != (__int128)v->num * live.den || !live.den != !v->den)
            json_object_set_new(*out, "correction",
                                json_pack("{s:I, s:I, s:s}", "num", (json_int_t)live.num, "den",
                                          (json_int_t)live.den, "text", live.text));
    }
    return 0;
}

/* GET /indicators/values?codes=a,b&areaId=&period= (codes omitted: every one the user may see). */
void api_indicators_values(struct api_ctx *c)
{
    const struct indicators *d = defs();
    struct area area;
    struct ind_period p;
    if (!where_or_reply(c, &area, &p))
        return;
    const char *codes = http_query(c->req, "codes");
    int *idx = arena_calloc(&c->req->arena, d->n ? d->n : 1, sizeof(*idx));
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct indicator *ind = &d->v[i];
        if (codes && *codes) {
            size_t len = strlen(ind->code);
            const char *s = codes;
            bool listed = false;
            for (; s && *s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
                listed |= strncmp(s, ind->code, len) == 0 && (s[len] == ',' || s[len] == '\0');
            if (!listed)
                continue;
        }
        if (!indicators_may(&c->who, d, (int)i)) {
            if (codes && *codes) {
                err_set(&c->err, ZW_EFORBIDDEN, NULL, "没有权限查看指标“%s”", ind->name);
                api_reply_error(c, &c->err);
                return;
            }
            continue;
        }
        idx[n++] = (int)i;
    }
    json_t *items = json_array();
    struct ind_value *v = arena_calloc(&c->req->arena, n ? n : 1, sizeof(*v));
    if (n && indicators_eval_many(&c->z, d, idx, n, area.path, &p, v, &c->err)) {
        json_decref(items);
        api_reply_error(c, &c->err);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        json_t *item;
        if (value_json(c, idx[k], &v[k], area.path, &p, &item)) {
            json_decref(items);
            api_reply_error(c, &c->err);
            return;
        }
        json_array_append_new(items, item);
    }
    if (codes && *codes && json_array_size(items) == 0) {
        json_decref(items);
        err_set(&c->err, ZW_EINVAL, "codes", "没有这些指标");
        api_reply_error(c, &c->err);
        return;
    }
    const struct period_close *pc;
    if (indicators_closure(&c->z, area.path, &p, &pc, &c->err)) {
        json_decref(items);
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200,
              json_pack("{s:{s:I, s:s, s:s}, s:{s:s, s:s, s:s}, s:o, s:o}", "area", "id",
                        (json_int_t)area.id, "name", area.name, "path", area.path, "period", "from",
                        p.from, "to", p.to, "label", p.label, "closed", closed_json(pc), "items",
                        items));
}

json_t *api_records_json(const struct ind_record *v, size_t n)
{
    json_t *a = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:s, s:o, s:I, s:o}", "id", (json_int_t)v[k].id, "label",
                         v[k].label ? v[k].label : "", "areaPath",
                         v[k].area_path ? v[k].area_path : "", "areaName",
                         v[k].area_name ? v[k].area_name : "", "date",
                         v[k].date ? json_string(v[k].date) : json_null(), "amountFen",
                         (json_int_t)v[k].amount, "householdId",
                         v[k].household_id ? json_integer(v[k].household_id) : json_null()));
    return a;
}

/*
 * GET /indicators/{code}/records?areaId=&period=&part=a|b&page=&pageSize=&live=1
 * (a closed period's frozen records unless live=1)
 */
void api_indicators_records(struct api_ctx *c)
{
    const struct indicators *d = defs();
    int i = indicators_find(d, http_param(c->req, "code"));
    if (i < 0 || !indicators_may(&c->who, d, i)) {
        api_reply_code(c, ZW_ENOTFOUND);
        return;
    }
    struct area area;
    struct ind_period p;
    int64_t page, page_size;
    if (!where_or_reply(c, &area, &p) || !api_paging_or_reply(c, &page, &page_size))
        return;
    const struct ind_entity *e;
    struct ind_record *v;
    size_t n;
    int64_t total;
    const char *live = http_query(c->req, "live");
    bool want_live = live && strcmp(live, "1") == 0;
    const struct period_close *pc = NULL;
    if ((!want_live && indicators_closure(&c->z, area.path, &p, &pc, &c->err)) ||
        indicators_records(&c->z, d, i, http_query(c->req, "part"), area.path, &p, want_live, page,
                           page_size, &e, &v, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = api_records_json(v, n);
    json_t *out = api_page(items, total, page, page_size);
    json_object_set_new(out, "entity", json_pack("{s:s, s:s}", "code", e->code, "name", e->name));
    json_object_set_new(out, "closed", closed_json(pc));
    api_reply(c, 200, out);
}

/* ---- the analytics table: indicators x areas x periods ------------------- */

/* The largest table answered (codes x areas x periods). */
#define TABLE_MAX_CELLS 5000

struct table_period {
    const char *key; /* as asked: 2018, 2018-Q2, 2018-03, 2018-01-01~2018-06-30 */
    struct ind_period p;
};

struct table {
    int *codes; /* indicator indexes */
    size_t ncodes;
    struct area *areas;
    size_t nareas;
    struct table_period *periods;
    size_t nperiods;
    struct ind_value *cells; /* [area][period][code] */
};

/* The comma-separated items of s (arena copies); an empty item is refused. */
static int split_list(struct arena *a, const char *s, const char *field, const char ***items,
                      size_t *n, struct error *err)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    if (cap > TABLE_MAX_CELLS)
        return err_set(err, ZW_EINVAL, field, "所列项目过多，表格不能超过 %d 格", TABLE_MAX_CELLS);
    const char **v = arena_calloc(a, cap, sizeof(*v));
    size_t k = 0;
    for (const char *p = s;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0)
            return err_set(err, ZW_EINVAL, field, "列表中有空项，请用英文逗号分隔各项");
        v[k++] = arena_strndup(a, p, len);
        if (!e)
            break;
        p = e + 1;
    }
    *items = v;
    *n = k;
    return 0;
}

/* codes: every one the user may see when absent; an unknown one 400, a forbidden one 403. */
static int table_codes(struct api_ctx *c, const char *codes, struct table *t)
{
    const struct indicators *d = defs();
    struct arena *a = &c->req->arena;
    if (!codes || !*codes) {
        t->codes = arena_calloc(a, d->n + 1, sizeof(int));
        for (size_t i = 0; i < d->n; i++)
            if (indicators_may(&c->who, d, (int)i))
                t->codes[t->ncodes++] = (int)i;
        return 0;
    }
    const char **items;
    size_t n;
    int rc = split_list(a, codes, "codes", &items, &n, &c->err);
    if (rc)
        return rc;
    t->codes = arena_calloc(a, n, sizeof(int));
    for (size_t k = 0; k < n; k++) {
        int i = indicators_find(d, items[k]);
        if (i < 0)
            return err_set(&c->err, ZW_EINVAL, "codes", "没有指标“%s”", items[k]);
        if (!indicators_may(&c->who, d, i))
            return err_set(&c->err, ZW_EFORBIDDEN, NULL, "没有权限查看指标“%s”", d->v[i].name);
        bool dup = false;
        for (size_t j = 0; j < t->ncodes; j++)
            dup |= t->codes[j] == i;
        if (!dup)
            t->codes[t->ncodes++] = i;
    }
    return 0;
}

/* Appends area a unless it is listed already. */
static void table_add_area(struct table *t, const struct area *a)
{
    for (size_t j = 0; j < t->nareas; j++)
        if (t->areas[j].id == a->id)
            return;
    t->areas[t->nareas++] = *a;
}

/* A positive decimal id, or 0. */
static int64_t parse_id(const char *s)
{
    int64_t v = 0;
    if (!*s || strlen(s) > 15)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/*
 * areas: ids, "children" (the children of the user's area) or "children:ID"
 * (of area ID); the user's own area when absent.  Each must lie in the scope.
 */
static int table_areas(struct api_ctx *c, const char *areas, struct table *t)
{
    struct arena *a = &c->req->arena;
    struct scope sc = principal_scope(&c->who);
    const char **items;
    size_t n;
    int rc;
    if (!areas || !*areas)
        areas = "";
    if (!*areas) {
        t->areas = arena_calloc(a, 1, sizeof(struct area));
        t->nareas = 1;
        return store_area_get(c->z.db, sc.area_id, &sc, &t->areas[0], &c->err);
    }
    if ((rc = split_list(a, areas, "areas", &items, &n, &c->err)))
        return rc;
    /* first pass: the children lists, to size the array */
    struct area **kids = arena_calloc(a, n, sizeof(*kids));
    size_t *nkids = arena_calloc(a, n, sizeof(*nkids)), total = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t parent;
        if (strcmp(items[k], "children") == 0)
            parent = sc.area_id;
        else if (strncmp(items[k], "children:", 9) == 0)
            parent = parse_id(items[k] + 9);
        else {
            total++;
            continue;
        }
        struct area pa;
        if (!parent)
            return err_set(&c->err, ZW_EINVAL, "areas",
                           "区划应为区划编号、children 或 children:区划编号");
        if ((rc = store_area_get(c->z.db, parent, &sc, &pa, &c->err)) ||
            (rc = store_area_children(c->z.db, parent, &sc, a, &kids[k], &nkids[k], &c->err)))
            return rc;
        total += nkids[k];
    }
    t->areas = arena_calloc(a, total + 1, sizeof(struct area));
    for (size_t k = 0; k < n; k++) {
        if (strcmp(items[k], "children") == 0 || strncmp(items[k], "children:", 9) == 0) {
            for (size_t j = 0; j < nkids[k]; j++)
                table_add_area(t, &kids[k][j]);
            continue;
        }
        int64_t id = parse_id(items[k]);
        struct area one;
        if (!id)
            return err_set(&c->err, ZW_EINVAL, "areas",
                           "区划应为区划编号、children 或 children:区划编号");
        if ((rc = store_area_get(c->z.db, id, &sc, &one, &c->err)))
            return rc;
        table_add_area(t, &one);
    }
    return 0;
}

/* periods: 2018, 2018-Q2, 2018-03, a from~to range, 2018:months or 2018:quarters. */
static int table_periods(struct api_ctx *c, const char *periods, struct table *t)
{
    struct arena *a = &c->req->arena;
    const char **items;
    size_t n;
    int rc;
    if (!periods || !*periods)
        return err_set(&c->err, ZW_EINVAL, "periods",
                       "请给出统计期间，如 2018、2018-Q2、2018-03、2018:months 或 2018:quarters");
    if ((rc = split_list(a, periods, "periods", &items, &n, &c->err)))
        return rc;
    size_t cap = 0;
    for (size_t k = 0; k < n; k++)
        cap += strchr(items[k], ':') ? 12 : 1;
    t->periods = arena_calloc(a, cap, sizeof(*t->periods));
    for (size_t k = 0; k < n; k++) {
        const char *colon = strchr(items[k], ':');
        char year[8] = "";
        int parts = 1;
        if (colon) {
            parts = strcmp(colon + 1, "months") == 0     ? 12
                    : strcmp(colon + 1, "quarters") == 0 ? 4
                                                         : 0;
            if (colon - items[k] == 4)
                memcpy(year, items[k], 4);
            struct ind_period y;
            if (!parts || !*year || indicators_period(year, &y, NULL))
                return err_set(
                    &c->err, ZW_EINVAL, "periods",
                    "“%s”不是有效的统计期间：应为 2018:months 或 2018:quarters 这样的年度拆分",
                    items[k]);
        }
        for (int m = 1; m <= parts; m++) {
            const char *key = !colon        ? items[k]
                              : parts == 12 ? arena_printf(a, "%s-%02d", year, m)
                                            : arena_printf(a, "%s-Q%d", year, m);
            struct table_period *tp = &t->periods[t->nperiods];
            if (indicators_period(key, &tp->p, &c->err)) {
                c->err.field = "periods";
                return c->err.code;
            }
            bool dup = false;
            for (size_t j = 0; j < t->nperiods; j++)
                dup |= strcmp(t->periods[j].key, key) == 0;
            if (!dup) {
                tp->key = key;
                t->nperiods++;
            }
        }
    }
    return 0;
}

/*
 * Reads the request's codes, areas and periods and evaluates every cell, or
 * replies with the error and returns false.
 */
static bool table_or_reply(struct api_ctx *c, struct table *t)
{
    const struct indicators *d = defs();
    memset(t, 0, sizeof(*t));
    if (principal_scope(&c->who).kind == SCOPE_OWN) {
        err_set(&c->err, ZW_EFORBIDDEN, NULL, "统计指标按区划计算，帮扶责任人账号不能查看");
        api_reply_error(c, &c->err);
        return false;
    }
    if (table_codes(c, http_query(c->req, "codes"), t) ||
        table_periods(c, http_query(c->req, "periods"), t) ||
        table_areas(c, http_query(c->req, "areas"), t)) {
        api_reply_error(c, &c->err);
        return false;
    }
    size_t cells = t->ncodes * t->nperiods * t->nareas;
    if (t->ncodes > TABLE_MAX_CELLS || t->nareas > TABLE_MAX_CELLS || cells > TABLE_MAX_CELLS) {
        err_set(
            &c->err, ZW_EINVAL, NULL,
            "表格共 %zu 个指标 × %zu 个区划 × %zu 个期间，超过上限 %d 格，请减少指标、区划或期间",
            t->ncodes, t->nareas, t->nperiods, TABLE_MAX_CELLS);
        api_reply_error(c, &c->err);
        return false;
    }
    t->cells = arena_calloc(&c->req->arena, cells + 1, sizeof(*t->cells));
    struct ind_value *v = t->cells;
    /* every code of an area and period together: one scan per entity for the misses */
    for (size_t ai = 0; ai < t->nareas; ai++)
        for (size_t pi = 0; pi < t->nperiods; pi++, v += t->ncodes)
            if (t->ncodes && indicators_eval_many(&c->z, d, t->codes, t->ncodes, t->areas[ai].path,
                                                  &t->periods[pi].p, v, &c->err)) {
                api_reply_error(c, &c->err);
                return false;
            }
    return true;
}

/* GET /indicators/table?codes=a,b&areas=1,2|children&periods=2018:months (format=xlsx: the file) */
void api_indicators_table(struct api_ctx *c)
{
    const char *format = http_query(c->req, "format");
    if (format && *format && strcmp(format, "json") != 0) {
        if (strcmp(format, "xlsx") == 0) {
            api_indicators_table_xlsx(c);
            return;
        }
        err_set(&c->err, ZW_EINVAL, "format", "format 应为 json 或 xlsx");
        api_reply_error(c, &c->err);
        return;
    }
    const struct indicators *d = defs();
    struct table t;
    if (!table_or_reply(c, &t))
        return;
    json_t *inds = json_array(), *areas = json_array(), *periods = json_array(),
           *cells = json_array();
    for (size_t ci = 0; ci < t.ncodes; ci++) {
        const struct indicator *ind = &d->v[t.codes[ci]];
        json_array_append_new(inds,
                              json_pack("{s:s, s:s, s:s, s:i}", "code", ind->code, "name",
                                        ind->name, "unit", ind->unit, "decimals", ind->decimals));
    }
    for (size_t ai = 0; ai < t.nareas; ai++)
        json_array_append_new(areas,
                              json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)t.areas[ai].id,
                                        "name", t.areas[ai].name, "level", t.areas[ai].level,
                                        "path", t.areas[ai].path));
    for (size_t pi = 0; pi < t.nperiods; pi++)
        json_array_append_new(periods,
                              json_pack("{s:s, s:s, s:s, s:s}", "key", t.periods[pi].key, "from",
                                        t.periods[pi].p.from, "to", t.periods[pi].p.to, "label",
                                        t.periods[pi].p.label));
    const struct ind_value *v = t.cells;
    for (size_t ai = 0; ai < t.nareas; ai++)
        for (size_t pi = 0; pi < t.nperiods; pi++)
            for (size_t ci = 0; ci < t.ncodes; ci++, v++)
                json_array_append_new(cells, json_pack("{s:s, s:I, s:s, s:I, s:I, s:s}", "code",
                                                       d->v[t.codes[ci]].code, "areaId",
                                                       (json_int_t)t.areas[ai].id, "period",
                                                       t.periods[pi].key, "num", (json_int_t)v->num,
                                                       "den", (json_int_t)v->den, "text", v->text));
    api_reply(c, 200,
              json_pack("{s:o, s:o, s:o, s:o}", "indicators", inds, "areas", areas, "periods",
                        periods, "cells", cells));
}

/*
 * GET /indicators/table.xlsx (or table?format=xlsx): one row per area and
 * period, one column per indicator holding the value as a number shown in
 * the indicator's unit (0.0000"万元"), "—" where a ratio has no denominator.
 */
void api_indicators_table_xlsx(struct api_ctx *c)
{
    const struct indicators *d = defs();
    struct arena *a = &c->req->arena;
    struct table t;
    if (!table_or_reply(c, &t))
        return;
    size_t ncols = 2 + t.ncodes;
    const char **headers = arena_calloc(a, ncols, sizeof(*headers));
    const char **formats = arena_calloc(a, ncols, sizeof(*formats));
    double *widths = arena_calloc(a, ncols, sizeof(*widths));
    headers[0] = "区划";
    headers[1] = "统计期间";
    widths[0] = 18;
    widths[1] = 22;
    for (size_t ci = 0; ci < t.ncodes; ci++) {
        const struct indicator *ind = &d->v[t.codes[ci]];
        headers[2 + ci] = arena_printf(a, "%s（%s）", ind->name, ind->unit);
        widths[2 + ci] = 16;
        char zeros[16] = "";
        for (int k = 0; k < ind->decimals && k < 10; k++)
            zeros[k] = '0';
        formats[2 + ci] =
            arena_printf(a, "0%s%s\"%s\"", ind->decimals ? "." : "", zeros, ind->unit);
    }
    struct xlsx *x;
    if (xlsx_open("指标统计", headers, widths, ncols, &x, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    struct xlsx_cell *row = arena_calloc(a, ncols, sizeof(*row));
    const struct ind_value *v = t.cells;
    int rc = 0;
    for (size_t ai = 0; ai < t.nareas && !rc; ai++)
        for (size_t pi = 0; pi < t.nperiods && !rc; pi++) {
            row[0] = (struct xlsx_cell){.text = t.areas[ai].name};
            row[1] = (struct xlsx_cell){.text = t.periods[pi].p.label};
            for (size_t ci = 0; ci < t.ncodes; ci++, v++)
                row[2 + ci] = v->den ? (struct xlsx_cell){.number = true,
                                                          .value = strtod(v->text, NULL),
                                                          .num_format = formats[2 + ci]}
                                     : (struct xlsx_cell){.text = v->text};
            rc = xlsx_row_cells(x, row, &c->err);
        }
    if (rc) {
        xlsx_free(x);
        api_reply_error(c, &c->err);
        return;
    }
    static const char *const keys[] = {"codes", "areas", "periods"};
    json_t *filters = json_object();
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        const char *s = http_query(c->req, keys[k]);
        if (s && *s && strlen(s) <= 200)
            json_object_set_new(filters, keys[k], json_string(s));
    }
    api_reply_xlsx(c, x, "indicator_table", filters, "indicators", "指标统计表");
}
