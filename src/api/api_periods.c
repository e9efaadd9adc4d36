/*
 * api_periods.c - closing a period (结账) and reading closures: the frozen
 * values of the closed area and the corrections made since.  See
 * docs/indicators.md, "Closed periods".
 */
#include <string.h>

#include "api.h"
#include "domain/periods.h"
#include "banned.h"

static json_t *close_json(const struct period_close *c)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:s}", "id",
                     (json_int_t)c->id, "areaId", (json_int_t)c->area_id, "areaPath", c->area_path,
                     "areaName", c->area_name ? c->area_name : "", "period", c->period, "from",
                     c->from, "to", c->to, "label", c->label, "note", c->note, "closedAt",
                     jsonx_time(c->closed_at), "closedBy",
                     c->closed_by_name ? c->closed_by_name : "");
}

/* POST /api/v1/periods {period, areaId?, note?} (period.close) */
void api_periods_close(struct api_ctx *c)
{
    int64_t area_id = 0;
    const char *period = NULL, *note = NULL;
    const struct jfield f[] = {
        {"period", JF_STRING, true, &period, .max = 10, .label = "结账期间"},
        {"areaId", JF_INT, false, &area_id, .min = 1, .max = INT64_MAX, .label = "区划"},
        {"note", JF_STRING, false, &note, .max = 500, .label = "说明"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])) || !api_begin_or_reply(c))
        return;
    struct period_close pc;
    if (periods_close(&c->z, api_env.indicators, area_id, period, note, &pc, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 201, close_json(&pc));
}

/* GET /api/v1/periods */
void api_periods_list(struct api_ctx *c)
{
    struct period_close *v;
    size_t n;
    if (periods_list(&c->z, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(items, close_json(&v[k]));
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/*
 * GET /api/v1/periods/{id}: the closure, and the indicators (those the user
 * may see) whose live value for its area now differs from the frozen one,
 * with the records added and removed since.
 */
void api_periods_get(struct api_ctx *c)
{
    int64_t id;
    struct period_close pc;
    struct period_correction *v;
    size_t n;
    const struct indicators *d = api_env.indicators;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (periods_get(&c->z, id, &pc, &c->err) ||
        periods_corrections(&c->z, d, &pc, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t k = 0; k < n; k++) {
        const struct indicator *ind = &d->v[v[k].i];
        if (!indicators_may(&c->who, d, v[k].i))
            continue;
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", ind->code, "name", ind->name, "unit",
                      ind->unit, "frozen", v[k].frozen.text, "live", v[k].live.text);
        /* the entity of the records, so that a client links each to its case or household */
        if (v[k].base)
            json_object_update_new(o,
                                   json_pack("{s:{s:s, s:s}, s:o, s:I, s:o, s:I}", "entity", "code",
                                             ind->q.e->code, "name", ind->q.e->name, "added",
                                             api_records_json(v[k].added, v[k].nadded),
                                             "addedTotal", (json_int_t)v[k].total_added, "removed",
                                             api_records_json(v[k].removed, v[k].nremoved),
                                             "removedTotal", (json_int_t)v[k].total_removed));
        json_array_append_new(items, o);
    }
    json_t *out = close_json(&pc);
    json_object_set_new(out, "corrections", items);
    api_reply(c, 200, out);
}
