/* periods.c - closed periods; see periods.h. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "periods.h"
#include "banned.h"

#define CORRECTION_RECORDS 20 /* records added / removed shown per indicator */

static json_t *close_json(const struct period_close *c)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?}", "areaId", (json_int_t)c->area_id, "period",
                     c->period, "from", c->from, "to", c->to, "label", c->label, "note", c->note);
}

/* Freezes d's values for path and, with records, the records behind its base indicators. */
static int freeze(struct zctx *z, const struct indicators *d, const struct period_close *c,
                  const char *path, const struct ind_period *p, bool records, struct error *err)
{
    struct ind_where w = {.path = path, .from = p->from, .to = p->to, .now = z->now};
    for (size_t i = 0; i < d->n; i++) {
        struct ind_value v;
        int rc = indicators_eval_live(z, d, (int)i, path, p, &v, err);
        if (!rc)
            rc = store_period_value_put(z->db, c->id, path, d->v[i].code, v.num, v.den, err);
        if (!rc && records && d->v[i].kind != IND_RATIO && d->v[i].kind != IND_DIFF)
            rc = store_period_freeze_records(z->db, c->id, d->v[i].code, &d->v[i].q, &w, err);
        if (rc)
            return rc;
    }
    return 0;
}

int periods_close(struct zctx *z, const struct indicators *d, int64_t area_id, const char *period,
                  const char *note, struct period_close *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    if (sc.kind == SCOPE_OWN)
        return err_set(err, ZW_EFORBIDDEN, NULL, "结账按区划进行，帮扶责任人账号不能结账");
    struct area area;
    struct ind_period p;
    int rc = store_area_get(z->db, area_id ? area_id : sc.area_id, &sc, &area, err);
    if (rc)
        return rc;
    if (!period || strchr(period, '~'))
        return err_set(err, ZW_EINVAL, "period",
                       "只能结账整月（2018-03）、整季（2018-Q2）或整年（2018）");
    if ((rc = indicators_period(period, &p, err)))
        return rc;
    int to = 0;
    cal_parse_date(p.to, &to);
    if (to >= cal_local_ymd(z->now))
        return err_set(err, ZW_EINVAL, "period", "%s尚未结束，不能结账", p.label);
    struct period_close prior;
    bool closed;
    if (note && strlen(note) > 500)
        return err_set(err, ZW_EINVAL, "note", "说明不能超过 500 字节");
    if ((rc =
             store_period_covering(z->db, area.path, p.from, p.to, z->arena, &prior, &closed, err)))
        return rc;
    if (closed)
        return err_set(err, ZW_ECONFLICT, "period", "%s已结账（结账人：%s），不能重复结账", p.label,
                       prior.closed_by_name);
    *out = (struct period_close){.area_id = area.id,
                                 .area_path = arena_strdup(z->arena, area.path),
                                 .period = arena_strdup(z->arena, period),
                                 .from = arena_strdup(z->arena, p.from),
                                 .to = arena_strdup(z->arena, p.to),
                                 .label = arena_strdup(z->arena, p.label),
                                 .note = note && *note ? arena_strdup(z->arena, note) : NULL,
                                 .closed_at = z->now,
                                 .closed_by = z->who->user_id,
                                 .closed_by_name = z->who->name,
                                 .area_name = arena_strdup(z->arena, area.name)};
    if ((rc = store_period_insert(z->db, out, err)) ||
        (rc = freeze(z, d, out, area.path, &p, true, err)))
        return rc;
    struct area *kids;
    size_t nkids;
    if ((rc = store_area_children(z->db, area.id, &sc, z->arena, &kids, &nkids, err)))
        return rc;
    for (size_t k = 0; !rc && k < nkids; k++)
        rc = freeze(z, d, out, kids[k].path, &p, false, err);
    if (rc)
        return rc;
    json_t *after = close_json(out);
    rc = audit_log(z, "close", "period", out->id, NULL, after, err);
    json_decref(after);
    return rc;
}

int periods_list(struct zctx *z, struct period_close **items, size_t *n, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    if (sc.kind == SCOPE_OWN) {
        *items = NULL;
        *n = 0;
        return 0;
    }
    return store_period_list(z->db, sc.kind == SCOPE_ALL ? "/" : sc.path, z->arena, items, n, err);
}

int periods_get(struct zctx *z, int64_t id, struct period_close *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    int rc = store_period_get(z->db, id, z->arena, out, err);
    if (rc)
        return rc;
    const char *mine = sc.kind == SCOPE_ALL ? "/" : sc.path;
    bool below = strncmp(out->area_path, mine, strlen(mine)) == 0;
    bool above = strncmp(mine, out->area_path, strlen(out->area_path)) == 0;
    if (sc.kind == SCOPE_OWN || (!below && !above))
        return err_set(err, ZW_ENOTFOUND, NULL, "结账记录不存在");
    return 0;
}

int periods_corrections(struct zctx *z, const struct indicators *d, const struct period_close *c,
                        struct period_correction **items, size_t *n, struct error *err)
{
    struct ind_period p;
    int rc = indicators_period(c->period, &p, err);
    *items = arena_calloc(z->arena, d->n ? d->n : 1, sizeof(**items));
    *n = 0;
    for (size_t i = 0; !rc && i < d->n; i++) {
        struct period_correction *k = &(*items)[*n];
        bool found;
        memset(k, 0, sizeof(*k));
        k->i = (int)i;
        if ((rc = store_period_value(z->db, c->id, c->area_path, d->v[i].code, &k->frozen.num,
                                     &k->frozen.den, &found, err)) ||
            (rc = indicators_eval_live(z, d, (int)i, c->area_path, &p, &k->live, err)))
            break;
        if (!found) /* defined after the close: nothing frozen to correct */
            continue;
        k->frozen.frozen = true;
        indicators_format(&d->v[i], k->frozen.num, k->frozen.den, k->frozen.text);
        if ((__int128)k->live.num * k->frozen.den == (__int128)k->frozen.num * k->live.den &&
            !k->live.den == !k->frozen.den)
            continue;
        if (d->v[i].kind != IND_RATIO && d->v[i].kind != IND_DIFF) {
            struct ind_where w = {.path = c->area_path, .from = p.from, .to = p.to, .now = z->now};
            k->base = d->v[i].code;
            rc = store_period_diff(z->db, c->id, d->v[i].code, &d->v[i].q, &w, CORRECTION_RECORDS,
                                   z->arena, &k->added, &k->nadded, &k->total_added, &k->removed,
                                   &k->nremoved, &k->total_removed, err);
        }
        (*n)++;
    }
    return rc;
}
