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

/* GET /indicators/values?codes=a,b&areaId=&period= (codes omitted: every one the user may see). */
void api_indicators_values(struct api_ctx *c)
{
    const struct indicators *d = defs();
    struct area area;
    struct ind_period p;
    if (!where_or_reply(c, &area, &p))
        return;
    const char *codes = http_query(c->req, "codes");
    json_t *items = json_array();
    for (size_t i = 0; i < d->n; i++) {
        const struct indicator *ind = &d->v[i];
        if (codes && *codes) {
            size_t n = strlen(ind->code);
            const char *s = codes;
            bool listed = false;
            for (; s && *s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
                listed |= strncmp(s, ind->code, n) == 0 && (s[n] == ',' || s[n] == '\0');
            if (!listed)
                continue;
        }
        if (!indicators_may(&c->who, d, (int)i)) {
            if (codes && *codes) {
                err_set(&c->err, ZW_EFORBIDDEN, NULL, "没有权限查看指标“%s”", ind->name);
                json_decref(items);
                api_reply_error(c, &c->err);
                return;
            }
            continue;
        }
        struct ind_value v;
        if (indicators_eval(&c->z, d, (int)i, area.path, &p, &v, &c->err)) {
            json_decref(items);
            api_reply_error(c, &c->err);
            return;
        }
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "code", ind->code, "name",
                                        ind->name, "unit", ind->unit, "num", (json_int_t)v.num,
                                        "den", (json_int_t)v.den, "text", v.text));
    }
    if (codes && *codes && json_array_size(items) == 0) {
        json_decref(items);
        err_set(&c->err, ZW_EINVAL, "codes", "没有这些指标");
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200,
              json_pack("{s:{s:I, s:s, s:s}, s:{s:s, s:s, s:s}, s:o}", "area", "id",
                        (json_int_t)area.id, "name", area.name, "path", area.path, "period", "from",
                        p.from, "to", p.to, "label", p.label, "items", items));
}

/* GET /indicators/{code}/records?areaId=&period=&part=a|b&page=&pageSize= */
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
    if (indicators_records(&c->z, d, i, http_query(c->req, "part"), area.path, &p, page, page_size,
                           &e, &v, &n, &total, &c->err)) {
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
    api_reply(c, 200, out);
}
