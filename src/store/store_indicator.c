/* store_indicator.c - the indicators' catalogue of entities and their SQL; see store_indicator.h.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "store_indicator.h"
#include "store_int.h"
#include "banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the catalogue -------------------------------------------------------- */

static const struct ind_field case_fields[] = {
    {"type", "办件类型", IND_T_TEXT, "c.type", false, NULL, NULL, NULL},
    {"category", "类别", IND_T_TEXT, "c.category", false, NULL, NULL, NULL},
    {"state", "状态", IND_T_TEXT, "c.state", false, NULL, NULL, NULL},
    {"outcome", "办结结果", IND_T_TEXT, "COALESCE(c.outcome, '')", false, NULL, NULL, NULL},
    {"channel", "来源渠道", IND_T_TEXT, "c.channel", false, NULL, NULL, NULL},
    {"closed", "已办结", IND_T_INT, "CASE WHEN c.closed_at > 0 THEN 1 ELSE 0 END", false, NULL,
     NULL, NULL},
    {"satisfied", "满意评价", IND_T_INT, "COALESCE(c.satisfied, -1)", false, NULL, NULL, NULL},
    /* closed after one of its deadlines, or still running past it */
    {"late", "超期", IND_T_INT,
     "CASE WHEN EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id AND k.paused_at = 0 "
     "AND ((k.stopped_at > 0 AND k.stopped_at > k.due_at) OR (k.stopped_at = 0 AND c.closed_at = "
     "0 AND k.due_at < $0))) THEN 1 ELSE 0 END",
     false, NULL, NULL, NULL},
};
static const struct ind_date case_dates[] = {
    {"created", "登记时间", "c.created_at", true, false},
    {"closed", "办结时间", "c.closed_at", true, false},
};

#define HH_CAT_IN(hid)                                                                             \
    "EXISTS (SELECT 1 FROM household_categories hc WHERE hc.household_id = " hid                   \
    " AND hc.category IN (%s))"

static const struct ind_field person_fields[] = {
    {"status", "人员状态", IND_T_TEXT, "p.status", false, NULL, NULL, NULL},
    {"sex", "性别", IND_T_TEXT, "p.sex", false, NULL, NULL, NULL},
    {"relation", "与户主关系", IND_T_TEXT, "p.relation", false, NULL, NULL, NULL},
    {"labour", "劳动能力", IND_T_TEXT, "COALESCE(p.labour, '')", false, NULL, NULL, NULL},
    {"disability", "残疾情况", IND_T_TEXT, "COALESCE(p.disability, '')", false, NULL, NULL, NULL},
    {"health", "健康状况", IND_T_TEXT, "COALESCE(p.health, '')", false, NULL, NULL, NULL},
    {"schooling", "在校情况", IND_T_TEXT, "COALESCE(p.schooling, '')", false, NULL, NULL, NULL},
    {"insured_medical", "城乡居民医保", IND_T_INT, "p.insured_medical", false, NULL, NULL, NULL},
    {"insured_serious", "大病保险", IND_T_INT, "p.insured_serious", false, NULL, NULL, NULL},
    {"insured_pension", "城乡居民养老保险", IND_T_INT, "p.insured_pension", false, NULL, NULL,
     NULL},
    {"household_category", "户类别", IND_T_TEXT, NULL, false, HH_CAT_IN("p.household_id"), NULL,
     NULL},
    {"household_poor_year", "建档立卡年度", IND_T_INT,
     "COALESCE((SELECT ph.poor_year FROM households ph WHERE ph.id = p.household_id), 0)", false,
     NULL, NULL, NULL},
    {"household_exit_year", "脱贫年度", IND_T_INT,
     "COALESCE((SELECT ph.exit_year FROM households ph WHERE ph.id = p.household_id), 0)", false,
     NULL, NULL, NULL},
    {"household_monitor_status", "监测状态", IND_T_TEXT,
     "COALESCE((SELECT ph.monitor_status FROM households ph WHERE ph.id = p.household_id), '')",
     false, NULL, NULL, NULL},
    {"household_id", "户", IND_T_INT, "COALESCE(p.household_id, 0)", false, NULL, NULL, NULL},
};
static const struct ind_date person_dates[] = {
    {"created", "登记时间", "p.created_at", true, false},
    {"household_poor_year", "建档立卡年度",
     "(SELECT NULLIF(ph.poor_year, 0) FROM households ph WHERE ph.id = p.household_id)", false,
     true},
    {"household_exit_year", "脱贫年度",
     "(SELECT NULLIF(ph.exit_year, 0) FROM households ph WHERE ph.id = p.household_id)", false,
     true},
};

static const struct ind_field household_fields[] = {
    {"category", "户类别", IND_T_TEXT, NULL, false, HH_CAT_IN("h.id"), NULL, NULL},
    {"monitor_status", "监测状态", IND_T_TEXT, "h.monitor_status", false, NULL, NULL, NULL},
    {"monitor_category", "监测对象类别", IND_T_TEXT, "COALESCE(h.monitor_category, '')", false,
     NULL, NULL, NULL},
    {"poor_year", "建档立卡年度", IND_T_INT, "COALESCE(h.poor_year, 0)", false, NULL, NULL, NULL},
    {"exit_year", "脱贫年度", IND_T_INT, "COALESCE(h.exit_year, 0)", false, NULL, NULL, NULL},
    {"members", "人数", IND_T_INT,
     "(SELECT COUNT(*) FROM persons hm WHERE hm.household_id = h.id AND hm.status = 'active')",
     true, NULL, NULL, NULL},
};
static const struct ind_date household_dates[] = {
    {"created", "登记时间", "h.created_at", true, false},
    {"monitor_since", "纳入监测日期", "h.monitor_since", false, false},
    {"eliminated_on", "风险消除日期", "h.eliminated_on", false, false},
    {"poor_year", "建档立卡年度", "NULLIF(h.poor_year, 0)", false, true},
    {"exit_year", "脱贫年度", "NULLIF(h.exit_year, 0)", false, true},
};

static const struct ind_field payment_fields[] = {
    {"programme", "救助项目", IND_T_TEXT, "pm.programme", false, NULL, NULL, NULL},
    {"fund_source", "资金来源", IND_T_TEXT, "pm.fund_source", false, NULL, NULL, NULL},
    {"household_id", "户", IND_T_INT, "pm.household_id", false, NULL, NULL, NULL},
    {"person_id", "享受人", IND_T_INT, "COALESCE(pm.person_id, 0)", false, NULL, NULL, NULL},
    {"amount_fen", "金额（分）", IND_T_INT, "pm.amount_fen", true, NULL, NULL, NULL},
    {"persons", "享受人数", IND_T_INT, "pm.persons", true, NULL, NULL, NULL},
    /* as GET /payments/totals counts them (store_payment_totals) */
    {"beneficiaries", "受益人数", IND_T_INT, "pm.persons", true, NULL, "pm.household_id",
     "pm.programme, pm.period"},
};
static const struct ind_date payment_dates[] = {{"paid", "发放日期", "pm.paid_on", false, false}};

static const struct ind_field visit_fields[] = {
    {"household_id", "户", IND_T_INT, "v.household_id", false, NULL, NULL, NULL},
    {"user_id", "走访人", IND_T_INT, "v.user_id", false, NULL, NULL, NULL},
};
static const struct ind_date visit_dates[] = {
    {"visited", "走访日期", "v.visited_on", false, false}};

static const struct ind_field measure_fields[] = {
    {"kind", "措施类型", IND_T_TEXT, "m.kind", false, NULL, NULL, NULL},
    {"status", "状态", IND_T_TEXT, "m.status", false, NULL, NULL, NULL},
    {"household_id", "户", IND_T_INT, "m.household_id", false, NULL, NULL, NULL},
};
static const struct ind_date measure_dates[] = {
    {"start", "开始日期", "m.start_on", false, false},
    {"done", "完成日期", "m.done_on", false, false},
};

const struct ind_entity store_ind_entities[] = {
    {"cases", "办件", "cases c", "c.area_path", "c.state <> 'merged'", case_fields, N(case_fields),
     case_dates, N(case_dates),
     "c.id, c.serial || ' ' || c.title, c.area_path, NULL, c.created_at, 0", "c.id DESC"},
    {"persons", "人员", "persons p", "p.area_path", "p.status <> 'merged'", person_fields,
     N(person_fields), person_dates, N(person_dates),
     "p.id, p.name, p.area_path, NULL, p.created_at, 0", "p.id"},
    {"households", "户", "households h", "h.area_path", "h.dissolved_on IS NULL", household_fields,
     N(household_fields), household_dates, N(household_dates),
     "h.id, h.code || ' ' || COALESCE((SELECT hp.name FROM persons hp WHERE hp.id = "
     "h.head_person_id), ''), h.area_path, NULL, h.created_at, 0",
     "h.id"},
    {"payments", "发放明细", "payments pm", "pm.area_path", "1 = 1", payment_fields,
     N(payment_fields), payment_dates, N(payment_dates),
     "pm.id, (SELECT ph.code FROM households ph WHERE ph.id = pm.household_id) || ' ' || "
     "pm.programme, pm.area_path, pm.paid_on, 0, pm.amount_fen",
     "pm.paid_on DESC, pm.id DESC"},
    {"visits", "入户走访", "visits v", "v.area_path", "1 = 1", visit_fields, N(visit_fields),
     visit_dates, N(visit_dates), "v.id, v.found, v.area_path, v.visited_on, 0, 0",
     "v.visited_on DESC, v.id DESC"},
    {"measures", "帮扶措施", "assist_measures m JOIN households mh ON mh.id = m.household_id",
     "mh.area_path", "1 = 1", measure_fields, N(measure_fields), measure_dates, N(measure_dates),
     "m.id, m.description, mh.area_path, m.start_on, 0, 0", "m.id"},
};
const size_t store_ind_nentities = N(store_ind_entities);

const struct ind_entity *store_ind_entity(const char *code)
{
    for (size_t i = 0; code && i < store_ind_nentities; i++)
        if (strcmp(store_ind_entities[i].code, code) == 0)
            return &store_ind_entities[i];
    return NULL;
}

int store_ind_field(const struct ind_entity *e, const char *code)
{
    for (size_t i = 0; code && i < e->nfields; i++)
        if (strcmp(e->fields[i].code, code) == 0)
            return (int)i;
    return -1;
}

int store_ind_date(const struct ind_entity *e, const char *code)
{
    for (size_t i = 0; code && i < e->ndates; i++)
        if (strcmp(e->dates[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* ---- composing ------------------------------------------------------------ */

/* Where compose_where put its parameters, for bind_where (0: not used). */
struct plan {
    int next;                  /* the next parameter number */
    int date;                  /* the period's two */
    int asof, before;          /* the period's end; its start */
    int now;                   /* now, for a fragment's "$0" */
    int values[IND_MAX_CONDS]; /* the first of each condition's values */
};

/* Appends fragment to b with "$0" (now) replaced by now's parameter. */
static int add_fragment(struct buf *b, const char *s, struct plan *pl)
{
    const char *p;
    int rc = 0;
    while (!rc && (p = strstr(s, "$0"))) {
        if (!pl->now)
            pl->now = pl->next++;
        rc = buf_add(b, s, (size_t)(p - s)) || buf_addf(b, "$%d", pl->now);
        s = p + 2;
    }
    return rc || buf_adds(b, s);
}

/*
 * The FROM and WHERE of q into b, parameters numbered in pl ($1 is the area
 * path prefix; pl starts as {.next = 2}, or as a SELECT list's fragment left it).
 */
static int compose_where(struct buf *b, const struct ind_query *q, struct plan *pl)
{
    const struct ind_entity *e = q->e;
    if (q->nconds > IND_MAX_CONDS)
        return ZW_ETOOBIG;
    int rc = buf_addf(b, " FROM %s WHERE %s LIKE CAST($1 AS TEXT) || '%%' AND %s", e->from, e->path,
                      e->base);
    if (!rc && q->date >= 0) {
        const struct ind_date *d = &e->dates[q->date];
        pl->date = pl->next;
        pl->next += 2;
        rc = buf_addf(b, d->epoch ? " AND %s >= $%d AND %s < $%d" : " AND %s >= $%d AND %s <= $%d",
                      d->sql, pl->date, d->sql, pl->date + 1);
    }
    if (!rc && q->asof_start >= 0) {
        const struct ind_date *d0 = &e->dates[q->asof_start], *d1 = &e->dates[q->asof_end];
        pl->asof = pl->next++;
        rc = buf_addf(b,
                      d0->epoch ? " AND %s > 0 AND %s < $%d" : " AND %s IS NOT NULL AND %s <= $%d",
                      d0->sql, d0->sql, pl->asof) ||
             (d1->epoch ? buf_addf(b, " AND (%s IS NULL OR %s = 0 OR %s >= $%d)", d1->sql, d1->sql,
                                   d1->sql, pl->asof)
                        : buf_addf(b, " AND (%s IS NULL OR %s > $%d)", d1->sql, d1->sql, pl->asof));
    }
    if (!rc && q->before >= 0) {
        const struct ind_date *d = &e->dates[q->before];
        pl->before = pl->next++;
        rc = buf_addf(b, d->epoch ? " AND %s > 0 AND %s < $%d" : " AND %s IS NOT NULL AND %s < $%d",
                      d->sql, d->sql, pl->before);
    }
    for (size_t i = 0; !rc && i < q->nconds; i++) {
        const struct ind_cond *c = &q->conds[i];
        const struct ind_field *f = &e->fields[c->field];
        struct buf list = {0};
        if (!f->in_sql)
            rc = buf_adds(b, " AND ") || add_fragment(b, f->sql, pl);
        pl->values[i] = pl->next;
        for (size_t k = 0; !rc && k < c->n; k++)
            rc = buf_addf(&list, "%s$%d", k ? ", " : "", pl->next++);
        if (!rc && f->in_sql)
            rc = buf_adds(b, c->negate ? " AND NOT " : " AND ") ||
                 buf_addf(b, f->in_sql, list.ptr ? list.ptr : "");
        else if (!rc)
            rc = buf_addf(b, c->negate ? " NOT IN (%s)" : " IN (%s)", list.ptr ? list.ptr : "");
        buf_release(&list);
    }
    return rc ? ZW_ETOOBIG : 0;
}

/*
 * Binds day (YYYY-MM-DD) as date d compares it: its year for a year, the
 * midnight starting it (end: the next one) for an epoch, else the text.
 */
static void bind_bound(struct db_stmt *st, int n, const struct ind_date *d, const char *day,
                       bool end)
{
    int ymd = 0;
    cal_parse_date(day, &ymd);
    if (d->year)
        db_bind_int(st, n, ymd / 10000);
    else if (d->epoch)
        db_bind_int(st, n, cal_local_midnight(end ? cal_ymd_add(ymd, 1) : ymd));
    else
        db_bind_text(st, n, day);
}

/* Binds the parameters of compose_where. */
static void bind_where(struct db_stmt *st, const struct ind_query *q, const struct ind_where *w,
                       const struct plan *pl)
{
    db_bind_text(st, 1, w->path);
    if (pl->now)
        db_bind_int(st, pl->now, w->now);
    if (pl->date)
        bind_bound(st, pl->date, &q->e->dates[q->date], w->from, false);
    if (pl->date)
        bind_bound(st, pl->date + 1, &q->e->dates[q->date], w->to, true);
    if (pl->asof) /* start <= the end's day (epoch: < the next midnight), end > it */
        bind_bound(st, pl->asof, &q->e->dates[q->asof_start], w->to, true);
    if (pl->before)
        bind_bound(st, pl->before, &q->e->dates[q->before], w->from, false);
    for (size_t i = 0; i < q->nconds; i++)
        for (size_t k = 0; k < q->conds[i].n; k++) {
            int n = pl->values[i] + (int)k;
            if (q->e->fields[q->conds[i].field].type == IND_T_INT)
                db_bind_int(st, n, q->conds[i].ints[k]);
            else
                db_bind_text(st, n, q->conds[i].texts[k]);
        }
}

int store_ind_value(struct db *db, const struct ind_query *q, const struct ind_where *w,
                    int64_t *out, struct error *err)
{
    struct buf sql = {0};
    struct plan pl = {.next = 2};
    const struct ind_field *f = q->field >= 0 ? &q->e->fields[q->field] : NULL;
    int rc = q->agg == IND_AGG_COUNT ? buf_adds(&sql, "SELECT COUNT(*)")
             : q->agg == IND_AGG_DISTINCT
                 ? buf_adds(&sql, "SELECT COUNT(DISTINCT ") || add_fragment(&sql, f->sql, &pl) ||
                       buf_adds(&sql, ")")
             : f->per ? buf_addf(&sql,
                                 "SELECT COALESCE(SUM(t.mp), 0) FROM (SELECT MAX(s.sp) AS mp "
                                 "FROM (SELECT %s AS g, SUM(",
                                 f->per) ||
                            add_fragment(&sql, f->sql, &pl) || buf_adds(&sql, ") AS sp")
                      : buf_adds(&sql, "SELECT COALESCE(SUM(") || add_fragment(&sql, f->sql, &pl) ||
                            buf_adds(&sql, "), 0)");
    if (rc || (rc = compose_where(&sql, q, &pl)) ||
        (f && f->per && q->agg == IND_AGG_SUM &&
         (rc = buf_addf(&sql, " GROUP BY %s, %s) s GROUP BY s.g) t", f->per, f->within)))) {
        buf_release(&sql);
        return err_set(err, ZW_ETOOBIG, NULL, "指标条件过多");
    }
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql.ptr, &st, err))) {
        buf_release(&sql);
        return rc;
    }
    bind_where(st, q, w, &pl);
    rc = db_step(st, err);
    *out = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    buf_release(&sql);
    return rc < 0 ? rc : 0;
}

int store_ind_records(struct db *db, const struct ind_query *q, const struct ind_where *w,
                      int64_t page, int64_t page_size, struct arena *a, struct ind_record **items,
                      size_t *n, int64_t *total, struct error *err)
{
    struct buf where = {0}, sql = {0};
    struct plan pl = {.next = 2};
    *items = NULL;
    *n = 0;
    *total = 0;
    int rc = compose_where(&where, q, &pl);
    if (rc) {
        buf_release(&where);
        return err_set(err, ZW_ETOOBIG, NULL, "指标条件过多");
    }
    struct db_stmt *st;
    if ((rc = buf_addf(&sql, "SELECT COUNT(*)%s", where.ptr)) ||
        (rc = db_prepare(db, sql.ptr, &st, err)))
        goto out;
    bind_where(st, q, w, &pl);
    rc = db_step(st, err);
    *total = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    if (rc < 0)
        goto out;
    buf_reset(&sql);
    int lim = pl.next;
    if ((rc = buf_addf(&sql, "SELECT %s%s ORDER BY %s LIMIT $%d OFFSET $%d", q->e->list, where.ptr,
                       q->e->order, lim, lim + 1)) ||
        (rc = db_prepare(db, sql.ptr, &st, err)))
        goto out;
    bind_where(st, q, w, &pl);
    db_bind_int(st, lim, page_size);
    db_bind_int(st, lim + 1, (page - 1) * page_size);
    size_t cap = 32;
    struct ind_record *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct ind_record *r = &v[(*n)++];
        r->id = db_col_int(st, 0);
        r->label = st_dup(a, db_col_text(st, 1));
        r->area_path = st_dup(a, db_col_text(st, 2));
        if (!db_col_null(st, 3)) {
            r->date = st_dup(a, db_col_text(st, 3));
        } else if (db_col_int(st, 4) > 0) {
            char d[11];
            cal_format_date(cal_local_ymd(db_col_int(st, 4)), d);
            r->date = arena_strdup(a, d);
        } else {
            r->date = NULL;
        }
        r->amount = db_col_int(st, 5);
    }
    db_finish(st);
    *items = v;
out:
    buf_release(&where);
    buf_release(&sql);
    return rc < 0 ? rc : 0;
}
