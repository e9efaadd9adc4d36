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
#include <string.h>

#include "api.h"
#include "domain/indicators.h"
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
    return json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)pc->id, "period", pc->period,
                     "label", pc->label, "closedAt", (json_int_t)pc->closed_at, "closedBy",
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
    json_t *items = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(items,
                              json_pack("{s:I, s:s, s:s, s:o, s:I}", "id", (json_int_t)v[k].id,
                                        "label", v[k].label ? v[k].label : "", "areaPath",
                                        v[k].area_path ? v[k].area_path : "", "date",
                                        v[k].date ? json_string(v[k].date) : json_null(),
                                        "amountFen", (json_int_t)v[k].amount));
    json_t *out = api_page(items, total, page, page_size);
    json_object_set_new(out, "entity", json_pack("{s:s, s:s}", "code", e->code, "name", e->name));
    json_object_set_new(out, "closed", closed_json(pc));
    api_reply(c, 200, out);
}
