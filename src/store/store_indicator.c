/* store_indicator.c - the indicators' catalogue of entities and their SQL; see store_indicator.h.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "store_indicator.h"
#include "store_int.h"
#include "store_period.h"
#include "banned.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the catalogue -------------------------------------------------------- */

static const struct ind_field case_fields[] = {
    {"type", "办件类型", IND_T_TEXT, "c.type", false, NULL, NULL, NULL, "r.type", NULL},
    {"category", "类别", IND_T_TEXT, "c.category", false, NULL, NULL, NULL, "r.category", NULL},
    {"state", "状态", IND_T_TEXT, "c.state", false, NULL, NULL, NULL, NULL, NULL},
    {"outcome", "办结结果", IND_T_TEXT, "COALESCE(c.outcome, '')", false, NULL, NULL, NULL,
     "r.outcome", NULL},
    {"channel", "来源渠道", IND_T_TEXT, "c.channel", false, NULL, NULL, NULL, "r.channel", NULL},
    /* counted by case_closed_counts only, whose cases are all closed */
    {"closed", "已办结", IND_T_INT, "CASE WHEN c.closed_at > 0 THEN 1 ELSE 0 END", false, NULL,
     NULL, NULL, "1", NULL},
    {"satisfied", "满意评价", IND_T_INT, "COALESCE(c.satisfied, -1)", false, NULL, NULL, NULL,
     "r.satisfied", NULL},
    /*
     * closed after one of its deadlines, or still running past it; counted by
     * case_closed_counts only, whose cases are closed, so that it no longer
     * depends on now
     */
    {"late", "超期", IND_T_INT,
     "CASE WHEN EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id AND k.paused_at = 0 "
     "AND ((k.stopped_at > 0 AND k.stopped_at > k.due_at) OR (k.stopped_at = 0 AND c.closed_at = "
     "0 AND k.due_at < $0))) THEN 1 ELSE 0 END",
     false, NULL, NULL, NULL, "r.late", NULL},
    /*
     * open at the period's end ($T: the instant after its last day) with a deadline then passed:
     * a clock started, not stopped, not paused and due before it (超期未办结，期末)
     */
    {"overdue_at_end", "期末超期未办结", IND_T_INT,
     "CASE WHEN c.created_at < $T AND (c.closed_at = 0 OR c.closed_at >= $T) AND EXISTS (SELECT 1 "
     "FROM case_clocks k WHERE k.case_id = c.id AND k.paused_at = 0 AND k.started_at < $T AND "
     "k.due_at < $T AND (k.stopped_at = 0 OR k.stopped_at >= $T)) THEN 1 ELSE 0 END",
     false, NULL, NULL, NULL, NULL,
     /* from the clocks overdue then to their cases */
     "c.id IN (SELECT k.case_id FROM case_clocks k WHERE k.paused_at = 0 AND k.started_at < $T AND "
     "k.due_at < $T AND (k.stopped_at = 0 OR k.stopped_at >= $T)) AND c.created_at < $T AND "
     "(c.closed_at = 0 OR c.closed_at >= $T)"},
};
static const struct ind_date case_dates[] = {
    {"created", "登记时间", "c.created_at", true, false, NULL},
    {"closed", "办结时间", "c.closed_at", true, false, NULL},
};

/* sql/0025_case_counts.sql: per month registered, and per month closed */
static const struct ind_counts case_counts[] = {
    {"case_created_counts r", "r.area_path", "1 = 1", "r.n", " type channel category ", "created"},
    {"case_closed_counts r", "r.area_path", "1 = 1", "r.n", " type outcome closed satisfied late ",
     "closed"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

#define HH_CAT_IN(hid)                                                                             \
    "EXISTS (SELECT 1 FROM household_categories hc WHERE hc.household_id = " hid                   \
    " AND hc.category IN (%s))"

static const struct ind_field person_fields[] = {
    {"status", "人员状态", IND_T_TEXT, "p.status", false, NULL, NULL, NULL, "r.status", NULL},
    {"sex", "性别", IND_T_TEXT, "p.sex", false, NULL, NULL, NULL, "NULLIF(r.sex, '')", NULL},
    {"relation", "与户主关系", IND_T_TEXT, "p.relation", false, NULL, NULL, NULL, NULL, NULL},
    {"labour", "劳动能力", IND_T_TEXT, "COALESCE(p.labour, '')", false, NULL, NULL, NULL, NULL,
     NULL},
    {"disability", "残疾情况", IND_T_TEXT, "COALESCE(p.disability, '')", false, NULL, NULL, NULL,
     NULL, NULL},
    {"health", "健康状况", IND_T_TEXT, "COALESCE(p.health, '')", false, NULL, NULL, NULL, NULL,
     NULL},
    {"schooling", "在校情况", IND_T_TEXT, "COALESCE(p.schooling, '')", false, NULL, NULL, NULL,
     NULL, NULL},
    {"insured_medical", "城乡居民医保", IND_T_INT, "p.insured_medical", false, NULL, NULL, NULL,
     "r.insured_medical", NULL},
    {"insured_serious", "大病保险", IND_T_INT, "p.insured_serious", false, NULL, NULL, NULL,
     "r.insured_serious", NULL},
    {"insured_pension", "城乡居民养老保险", IND_T_INT, "p.insured_pension", false, NULL, NULL, NULL,
     "r.insured_pension", NULL},
    {"household_category", "户类别", IND_T_TEXT, NULL, false, HH_CAT_IN("p.household_id"), NULL,
     NULL, NULL, NULL},
    {"household_poor_year", "建档立卡年度", IND_T_INT, "COALESCE(ph.poor_year, 0)", false, NULL,
     NULL, NULL, "r.poor_year", NULL},
    {"household_exit_year", "脱贫年度", IND_T_INT, "COALESCE(ph.exit_year, 0)", false, NULL, NULL,
     NULL, "r.exit_year", NULL},
    {"household_monitor_status", "监测状态", IND_T_TEXT, "COALESCE(ph.monitor_status, '')", false,
     NULL, NULL, NULL, "r.monitor_status", NULL},
    {"household_id", "户", IND_T_INT, "COALESCE(p.household_id, 0)", false, NULL, NULL, NULL, NULL,
     NULL},
};
static const struct ind_date person_dates[] = {
    {"created", "登记时间", "p.created_at", true, false, NULL},
    {"household_poor_year", "建档立卡年度", "NULLIF(ph.poor_year, 0)", false, true,
     "NULLIF(r.poor_year, 0)"},
    {"household_exit_year", "脱贫年度", "NULLIF(ph.exit_year, 0)", false, true,
     "NULLIF(r.exit_year, 0)"},
};

static const struct ind_field household_fields[] = {
    {"category", "户类别", IND_T_TEXT, NULL, false, HH_CAT_IN("h.id"), NULL, NULL, NULL, NULL},
    {"monitor_status", "监测状态", IND_T_TEXT, "h.monitor_status", false, NULL, NULL, NULL,
     "r.monitor_status", NULL},
    {"monitor_category", "监测对象类别", IND_T_TEXT, "COALESCE(h.monitor_category, '')", false,
     NULL, NULL, NULL, "r.monitor_category", NULL},
    {"poor_year", "建档立卡年度", IND_T_INT, "COALESCE(h.poor_year, 0)", false, NULL, NULL, NULL,
     "r.poor_year", NULL},
    {"exit_year", "脱贫年度", IND_T_INT, "COALESCE(h.exit_year, 0)", false, NULL, NULL, NULL,
     "r.exit_year", NULL},
    {"members", "人数", IND_T_INT,
     "(SELECT COUNT(*) FROM persons hm WHERE hm.household_id = h.id AND hm.status = 'active')",
     true, NULL, NULL, NULL, NULL, NULL},
};
static const struct ind_date household_dates[] = {
    {"created", "登记时间", "h.created_at", true, false, NULL},
    {"monitor_since", "纳入监测日期", "h.monitor_since", false, false, NULL},
    {"eliminated_on", "风险消除日期", "h.eliminated_on", false, false, NULL},
    {"poor_year", "建档立卡年度", "NULLIF(h.poor_year, 0)", false, true, "NULLIF(r.poor_year, 0)"},
    {"exit_year", "脱贫年度", "NULLIF(h.exit_year, 0)", false, true, "NULLIF(r.exit_year, 0)"},
};

static const struct ind_field payment_fields[] = {
    {"programme", "救助项目", IND_T_TEXT, "pm.programme", false, NULL, NULL, NULL, NULL, NULL},
    {"fund_source", "资金来源", IND_T_TEXT, "pm.fund_source", false, NULL, NULL, NULL, NULL, NULL},
    {"household_id", "户", IND_T_INT, "pm.household_id", false, NULL, NULL, NULL, NULL, NULL},
    {"person_id", "享受人", IND_T_INT, "COALESCE(pm.person_id, 0)", false, NULL, NULL, NULL, NULL,
     NULL},
    {"amount_fen", "金额（分）", IND_T_INT, "pm.amount_fen", true, NULL, NULL, NULL, NULL, NULL},
    {"persons", "享受人数", IND_T_INT, "pm.persons", true, NULL, NULL, NULL, NULL, NULL},
    /* as GET /payments/totals counts them (store_payment_totals) */
    {"beneficiaries", "受益人数", IND_T_INT, "pm.persons", true, NULL, "pm.household_id",
     "pm.programme, pm.period", NULL, NULL},
};
static const struct ind_date payment_dates[] = {
    {"paid", "发放日期", "pm.paid_on", false, false, NULL}};

static const struct ind_field visit_fields[] = {
    {"household_id", "户", IND_T_INT, "v.household_id", false, NULL, NULL, NULL, NULL, NULL},
    {"user_id", "走访人", IND_T_INT, "v.user_id", false, NULL, NULL, NULL, NULL, NULL},
};
static const struct ind_date visit_dates[] = {
    {"visited", "走访日期", "v.visited_on", false, false, NULL}};

static const struct ind_field measure_fields[] = {
    {"kind", "措施类型", IND_T_TEXT, "m.kind", false, NULL, NULL, NULL, NULL, NULL},
    {"status", "状态", IND_T_TEXT, "m.status", false, NULL, NULL, NULL, NULL, NULL},
    {"household_id", "户", IND_T_INT, "m.household_id", false, NULL, NULL, NULL, NULL, NULL},
};
static const struct ind_date measure_dates[] = {
    {"start", "开始日期", "m.start_on", false, false, NULL},
    {"done", "完成日期", "m.done_on", false, false, NULL},
};

/* sql/0023_registry_counts.sql; NULLIF: the records' NULLs, which the counters keep as '' */
static const struct ind_counts person_counts[] = {
    {"person_counts r", "NULLIF(r.area_path, '')", "r.status <> 'merged'", "r.n",
     " status sex insured_medical insured_serious insured_pension household_poor_year "
     "household_exit_year household_monitor_status ",
     NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
static const struct ind_counts household_counts[] = {
    {"household_counts r", "r.area_path", "r.dissolved = 0", "r.n",
     " monitor_status monitor_category poor_year exit_year ", NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

#define REGISTRY_TABLES                                                                            \
    (STORE_BIT(STORE_T_PERSONS) | STORE_BIT(STORE_T_HOUSEHOLDS) |                                  \
     STORE_BIT(STORE_T_HOUSEHOLD_CATEGORIES))

const struct ind_entity store_ind_entities[] = {
    {"cases", "办件", "cases c", "c.area_path", "c.state <> 'merged'", case_fields, N(case_fields),
     case_dates, N(case_dates),
     "c.id, c.serial || ' ' || c.title, c.area_path, NULL, c.created_at, 0, 0", "c.id DESC",
     STORE_BIT(STORE_T_CASES) | STORE_BIT(STORE_T_CASE_CLOCKS), "c.assignee_id", case_counts},
    /* the household's facts through one join, not a lookup per field */
    {"persons", "人员", "persons p LEFT JOIN households ph ON ph.id = p.household_id",
     "p.area_path", "p.status <> 'merged'", person_fields, N(person_fields), person_dates,
     N(person_dates),
     "p.id, p.name, p.area_path, NULL, p.created_at, 0, COALESCE(p.household_id, 0)", "p.id",
     REGISTRY_TABLES, NULL, person_counts},
    {"households", "户", "households h", "h.area_path", "h.dissolved_on IS NULL", household_fields,
     N(household_fields), household_dates, N(household_dates),
     "h.id, h.code || ' ' || COALESCE((SELECT hp.name FROM persons hp WHERE hp.id = "
     "h.head_person_id), ''), h.area_path, NULL, h.created_at, 0, h.id",
     "h.id", REGISTRY_TABLES, NULL, household_counts},
    {"payments", "发放明细", "payments pm", "pm.area_path", "1 = 1", payment_fields,
     N(payment_fields), payment_dates, N(payment_dates),
     "pm.id, (SELECT ph.code FROM households ph WHERE ph.id = pm.household_id) || ' ' || "
     "pm.programme, pm.area_path, pm.paid_on, 0, pm.amount_fen, pm.household_id",
     "pm.paid_on DESC, pm.id DESC", STORE_BIT(STORE_T_PAYMENTS) | STORE_BIT(STORE_T_HOUSEHOLDS),
     NULL, NULL},
    {"visits", "入户走访", "visits v", "v.area_path", "1 = 1", visit_fields, N(visit_fields),
     visit_dates, N(visit_dates), "v.id, v.found, v.area_path, v.visited_on, 0, 0, v.household_id",
     "v.visited_on DESC, v.id DESC", STORE_BIT(STORE_T_VISITS), "v.user_id", NULL},
    {"measures", "帮扶措施", "assist_measures m JOIN households mh ON mh.id = m.household_id",
     "mh.area_path", "1 = 1", measure_fields, N(measure_fields), measure_dates, N(measure_dates),
     "m.id, m.description, mh.area_path, m.start_on, 0, 0, m.household_id", "m.id",
     STORE_BIT(STORE_T_MEASURES) | STORE_BIT(STORE_T_HOUSEHOLDS),
     "(SELECT mc.user_id FROM assist_cadres mc WHERE mc.id = m.cadre_id)", NULL},
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
    int next;                        /* the next parameter number */
    int date;                        /* the period's two */
    int asof, before;                /* the period's end; its start */
    int now;                         /* now, for a fragment's "$0" */
    int end;                         /* the period's end, for a fragment's "$T" */
    int user;                        /* the responsible user (ind_where.user_id) */
    int values[IND_MAX_CONDS];       /* the first of each condition's values */
    const struct ind_counts *counts; /* over these counters, not the records (NULL) */
    bool driven;                     /* the driving field's condition is in the WHERE */
    bool month;                      /* the period's two are months (YYYYMM) of counters */
};

/* A field's or a date's expression over the records, or over the counters. */
#define FIELD_SQL(f, pl) ((pl)->counts ? (f)->counted : (f)->sql)

/* Appends fragment to b with "$0" (now) and "$T" (the period's end) replaced by parameters. */
static int add_fragment(struct buf *b, const char *s, struct plan *pl)
{
    const char *p;
    int rc = 0;
    while (!rc && (p = strchr(s, '$'))) {
        int *n = p[1] == '0' ? &pl->now : p[1] == 'T' ? &pl->end : NULL;
        if (!n) { /* a parameter of the catalogue's own ($1 ...) is not in fragments */
            rc = buf_add(b, s, (size_t)(p - s) + 1);
            s = p + 1;
            continue;
        }
        if (!*n)
            *n = pl->next++;
        rc = buf_add(b, s, (size_t)(p - s)) || buf_addf(b, "$%d", *n);
        s = p + 2;
    }
    return rc || buf_adds(b, s);
}

/*
 * q's own conditions (its period and its where) into b, each as " AND ...",
 * parameters numbered from pl->next.
 */
static int compose_conds(struct buf *b, const struct ind_query *q, struct plan *pl)
{
    const struct ind_entity *e = q->e;
    if (q->nconds > IND_MAX_CONDS)
        return ZW_ETOOBIG;
    int rc = 0;
    if (q->date >= 0 && pl->counts && pl->counts->date) { /* counters per month of it */
        pl->date = pl->next;
        pl->next += 2;
        pl->month = true;
        rc = buf_addf(b, " AND r.month >= $%d AND r.month <= $%d", pl->date, pl->date + 1);
    } else if (q->date >= 0) {
        const struct ind_date *d = &e->dates[q->date];
        pl->date = pl->next;
        pl->next += 2;
        rc = buf_addf(b, d->epoch ? " AND %s >= $%d AND %s < $%d" : " AND %s >= $%d AND %s <= $%d",
                      FIELD_SQL(d, pl), pl->date, FIELD_SQL(d, pl), pl->date + 1);
    }
    if (!rc && q->asof_start >= 0) {
        const struct ind_date *d0 = &e->dates[q->asof_start], *d1 = &e->dates[q->asof_end];
        const char *s0 = FIELD_SQL(d0, pl), *s1 = FIELD_SQL(d1, pl);
        pl->asof = pl->next++;
        rc = buf_addf(b,
                      d0->epoch ? " AND %s > 0 AND %s < $%d" : " AND %s IS NOT NULL AND %s <= $%d",
                      s0, s0, pl->asof) ||
             (d1->epoch
                  ? buf_addf(b, " AND (%s IS NULL OR %s = 0 OR %s >= $%d)", s1, s1, s1, pl->asof)
                  : buf_addf(b, " AND (%s IS NULL OR %s > $%d)", s1, s1, pl->asof));
    }
    if (!rc && q->before >= 0) {
        const struct ind_date *d = &e->dates[q->before];
        pl->before = pl->next++;
        rc = buf_addf(b, d->epoch ? " AND %s > 0 AND %s < $%d" : " AND %s IS NOT NULL AND %s < $%d",
                      FIELD_SQL(d, pl), FIELD_SQL(d, pl), pl->before);
    }
    for (size_t i = 0; !rc && i < q->nconds; i++) {
        const struct ind_cond *c = &q->conds[i];
        const struct ind_field *f = &e->fields[c->field];
        struct buf list = {0};
        if (pl->driven && f->drive) { /* = 1: the WHERE's driving condition */
            pl->values[i] = 0;
            continue;
        }
        if (!f->in_sql)
            rc = buf_adds(b, " AND ") || add_fragment(b, FIELD_SQL(f, pl), pl);
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
 * The FROM and WHERE of entity e's records under the area path $1 into b,
 * and of w's responsible user if it has one (a parameter taken from pl unless
 * pl->user is set).
 */
static int compose_from(struct buf *b, const struct ind_entity *e, const struct ind_where *w,
                        struct plan *pl)
{
    if (w->user_id && !e->user)
        return ZW_ETOOBIG;
    const struct ind_counts *k = pl->counts;
    int rc = buf_addf(b, " FROM %s WHERE %s LIKE CAST($1 AS TEXT) || '%%' AND %s",
                      k ? k->from : e->from, k ? k->path : e->path, k ? k->base : e->base);
    if (!rc && w->user_id) {
        if (!pl->user)
            pl->user = pl->next++;
        rc = buf_addf(b, " AND %s = $%d", e->user, pl->user);
    }
    return rc ? ZW_ETOOBIG : 0;
}

/*
 * The FROM and WHERE of q into b, parameters numbered in pl ($1 is the area
 * path prefix; pl starts as {.next = 2}, or as a SELECT list's fragment left it).
 */
static int compose_where(struct buf *b, const struct ind_query *q, const struct ind_where *w,
                         struct plan *pl)
{
    return compose_from(b, q->e, w, pl) || compose_conds(b, q, pl) ? ZW_ETOOBIG : 0;
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
    if (pl->end) {
        int to = 0;
        cal_parse_date(w->to, &to);
        db_bind_int(st, pl->end, cal_local_midnight(cal_ymd_add(to, 1)));
    }
    if (pl->user)
        db_bind_int(st, pl->user, w->user_id);
    if (pl->month) { /* whole months (countable) */
        int from = 0, to = 0;
        cal_parse_date(w->from, &from);
        cal_parse_date(w->to, &to);
        db_bind_int(st, pl->date, from / 100);
        db_bind_int(st, pl->date + 1, to / 100);
    } else if (pl->date) {
        bind_bound(st, pl->date, &q->e->dates[q->date], w->from, false);
        bind_bound(st, pl->date + 1, &q->e->dates[q->date], w->to, true);
    }
    if (pl->asof) /* start <= the end's day (epoch: < the next midnight), end > it */
        bind_bound(st, pl->asof, &q->e->dates[q->asof_start], w->to, true);
    if (pl->before)
        bind_bound(st, pl->before, &q->e->dates[q->before], w->from, false);
    for (size_t i = 0; i < q->nconds; i++)
        for (size_t k = 0; pl->values[i] && k < q->conds[i].n; k++) {
            int n = pl->values[i] + (int)k;
            if (q->e->fields[q->conds[i].field].type == IND_T_INT)
                db_bind_int(st, n, q->conds[i].ints[k]);
            else
                db_bind_text(st, n, q->conds[i].texts[k]);
        }
}

/* The name of the area at a path column (for a drill-down row: a grid, a group, a village). */
#define AREA_NAME(path) "(SELECT ar.name FROM areas ar WHERE ar.path = " path ")"

/* Reads the rows of st (the drill-down's seven columns and the area's name) into an array. */
static int read_records(struct db_stmt *st, struct arena *a, struct ind_record **items, size_t *n,
                        struct error *err)
{
    size_t cap = 32;
    struct ind_record *v = arena_alloc(a, cap * sizeof(*v));
    int rc;
    *n = 0;
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
        r->household_id = db_col_int(st, 6);
        r->area_name = st_dup(a, db_col_text(st, 7));
    }
    *items = v;
    return rc < 0 ? rc : 0;
}

/* q's conditional aggregate (store_ind_values) into b, numbered in pl. */
static int compose_aggregate(struct buf *b, const struct ind_query *q, struct plan *pl)
{
    const struct ind_field *f = q->field >= 0 ? &q->e->fields[q->field] : NULL;
    const char *one = pl->counts ? pl->counts->n : "1"; /* how many records a row is */
    if (q->agg == IND_AGG_COUNT && q->date < 0 && q->asof_start < 0 && q->before < 0 &&
        q->nconds == 0) /* no condition of its own */
        return pl->counts ? buf_addf(b, "COALESCE(SUM(%s), 0)", one) : buf_adds(b, "COUNT(*)");
    /* the condition first, so that its parameters come before the field's */
    struct buf cond = {0};
    int rc = buf_adds(&cond, "1 = 1") || compose_conds(&cond, q, pl);
    if (!rc && q->agg == IND_AGG_COUNT)
        rc = buf_addf(b, "SUM(CASE WHEN %s THEN %s ELSE 0 END)", cond.ptr, one);
    else if (!rc)
        rc = buf_addf(b,
                      q->agg == IND_AGG_DISTINCT ? "COUNT(DISTINCT CASE WHEN %s THEN "
                                                 : "COALESCE(SUM(CASE WHEN %s THEN ",
                      cond.ptr) ||
             add_fragment(b, f->sql, pl) ||
             buf_adds(b, q->agg == IND_AGG_DISTINCT ? " END)" : " ELSE 0 END), 0)");
    buf_release(&cond);
    return rc ? ZW_ETOOBIG : 0;
}

/* One statement: the aggregates of qs[0..n) over w into out. */
static int values_statement(struct db *db, const struct ind_query *const *qs, size_t n,
                            const struct plan *pl, const char *sql, const struct ind_where *w,
                            int64_t *out, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    for (size_t k = 0; k < n; k++)
        bind_where(st, qs[k], w, &pl[k]);
    rc = db_step(st, err);
    for (size_t k = 0; k < n; k++)
        out[k] = rc == DB_ROW ? db_col_int(st, (int)k) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/*
 * The one value of the statement composed in sql (rc: whether composing it
 * failed) for q over w, numbered in pl; releases sql.
 */
static int one_value(struct db *db, struct buf *sql, int rc, const struct ind_query *q,
                     const struct ind_where *w, const struct plan *pl, int64_t *out,
                     struct error *err)
{
    *out = 0;
    rc = rc ? err_set(err, ZW_ETOOBIG, NULL, "指标条件过多")
            : values_statement(db, &q, 1, pl, sql->ptr, w, out, err);
    buf_release(sql);
    return rc;
}

/*
 * A grouped sum (a field with "per"): per group (a household), the largest of
 * its sums over the sub-groups "within" (programme and period), added up:
 * the beneficiaries of payments, as the benefit totals count them.
 */
static int grouped_sum(struct db *db, const struct ind_query *q, const struct ind_where *w,
                       int64_t *out, struct error *err)
{
    struct buf sql = {0};
    struct plan pl = {.next = 2};
    const struct ind_field *f = &q->e->fields[q->field];
    int rc = buf_addf(&sql,
                      "SELECT COALESCE(SUM(t.mp), 0) FROM (SELECT MAX(s.sp) AS mp FROM (SELECT %s "
                      "AS g, SUM(",
                      f->per) ||
             add_fragment(&sql, f->sql, &pl) || buf_adds(&sql, ") AS sp");
    if (rc || (rc = compose_where(&sql, q, w, &pl)) ||
        (rc = buf_addf(&sql, " GROUP BY %s, %s) s GROUP BY s.g) t", f->per, f->within)))
        rc = ZW_ETOOBIG;
    return one_value(db, &sql, rc, q, w, &pl, out, err);
}

static int aggregates(struct db *db, const struct ind_query *const *qs, size_t n,
                      const struct ind_where *w, const struct ind_counts *counts, int64_t *out,
                      struct error *err);

/* Whether q sums a field per group (beneficiaries): a query of its own, not an aggregate. */
static bool grouped(const struct ind_query *q)
{
    return q->agg == IND_AGG_SUM && q->field >= 0 && q->e->fields[q->field].per;
}

/* The field whose being 1 drives q (ind_field.drive), or -1: q is not driven. */
static int driven(const struct ind_query *q)
{
    if (q->agg != IND_AGG_COUNT)
        return -1;
    for (size_t i = 0; i < q->nconds; i++) {
        const struct ind_cond *c = &q->conds[i];
        if (q->e->fields[c->field].drive && !c->negate && c->n == 1 && c->ints[0] == 1)
            return c->field;
    }
    return -1;
}

/*
 * The counts qs[0..n), all driven by field f, as conditional aggregates of
 * one statement whose WHERE is f's driving condition (the records it leads
 * to); one by one if their parameters do not fit one statement.
 */
static int driven_values(struct db *db, const struct ind_query *const *qs, size_t n,
                         const struct ind_where *w, int f, int64_t *out, struct error *err)
{
    struct buf sql = {0}, from = {0};
    struct plan pw = {.next = 2}, pl[IND_MAX_BATCH];
    int rc = compose_from(&from, qs[0]->e, w, &pw) || buf_adds(&from, " AND ") ||
                     add_fragment(&from, qs[0]->e->fields[f].drive, &pw) ||
                     buf_adds(&sql, "SELECT ")
                 ? ZW_ETOOBIG
                 : 0;
    for (size_t k = 0; !rc && k < n; k++) { /* $T, now and the user: the WHERE's */
        pl[k] = (struct plan){.next = k ? pl[k - 1].next : pw.next,
                              .end = pw.end,
                              .now = pw.now,
                              .user = pw.user,
                              .driven = true};
        rc = (k && buf_adds(&sql, ", ")) || compose_aggregate(&sql, qs[k], &pl[k]) ? ZW_ETOOBIG : 0;
    }
    rc = rc || buf_adds(&sql, from.ptr) ? ZW_ETOOBIG : 0;
    buf_release(&from);
    if (!rc && n > 1 && pl[n - 1].next - 1 > IND_MAX_PARAMS) {
        buf_release(&sql);
        for (size_t k = 0; !rc && k < n; k++)
            rc = driven_values(db, qs + k, 1, w, f, out + k, err);
        return rc;
    }
    /* pl[0] carries the WHERE's parameters too (path, $T, now, user) */
    rc = rc || pl[n - 1].next - 1 > IND_MAX_PARAMS
             ? err_set(err, ZW_ETOOBIG, NULL, "指标条件过多")
             : values_statement(db, qs, n, pl, sql.ptr, w, out, err);
    buf_release(&sql);
    return rc;
}

/* Whether [from, to] is whole months: from the first of one to the last of one. */
static bool whole_months(const char *from, const char *to)
{
    int a = 0, b = 0;
    return !cal_parse_date(from, &a) && !cal_parse_date(to, &b) && a % 100 == 1 &&
           cal_ymd_add(b, 1) % 100 == 1;
}

/* Whether counter k counts field f. */
static bool counts_field(const struct ind_counts *k, const struct ind_field *f)
{
    char word[48];
    snprintf(word, sizeof(word), " %s ", f->code);
    return f->counted && strstr(k->fields, word);
}

/* The counters that answer q, a count over counted fields and dates only; NULL: none. */
static const struct ind_counts *countable(const struct ind_query *q, const struct ind_where *w)
{
    const struct ind_entity *e = q->e;
    if (!e->counts || w->no_counts || w->user_id || q->agg != IND_AGG_COUNT)
        return NULL;
    for (const struct ind_counts *k = e->counts; k->from; k++) {
        bool ok;
        if (k->date) /* per month of its date: that date, over whole months */
            ok = q->date >= 0 && strcmp(e->dates[q->date].code, k->date) == 0 &&
                 whole_months(w->from, w->to) && q->asof_start < 0 && q->before < 0;
        else {
            int dates[] = {q->date, q->asof_start, q->asof_end, q->before};
            ok = true;
            for (size_t i = 0; ok && i < N(dates); i++)
                ok = dates[i] < 0 || e->dates[dates[i]].counted;
        }
        for (size_t i = 0; ok && i < q->nconds; i++)
            ok = counts_field(k, &e->fields[q->conds[i].field]);
        if (ok)
            return k;
    }
    return NULL;
}

int store_ind_values(struct db *db, const struct ind_query *const *qs, size_t n,
                     const struct ind_where *w, int64_t *out, struct error *err)
{
    if (n > IND_MAX_BATCH)
        return err_set(err, ZW_ETOOBIG, NULL, "一次计算的指标过多");
    /*
     * The driven counts first (together per driving field), the grouped sums
     * (each alone); then by what answers them: each counter (together), the
     * records (together).
     */
    const struct ind_counts *by[IND_MAX_BATCH];
    bool done[IND_MAX_BATCH] = {false};
    int drive[IND_MAX_BATCH];
    for (size_t k = 0; k < n; k++) {
        by[k] = countable(qs[k], w);
        drive[k] = by[k] || w->no_counts ? -1 : driven(qs[k]);
    }
    for (size_t k = 0; k < n; k++) { /* the driven, together per driving field */
        const struct ind_query *same[IND_MAX_BATCH];
        int at[IND_MAX_BATCH];
        int64_t got[IND_MAX_BATCH];
        size_t m = 0;
        for (size_t j = k; drive[k] >= 0 && !done[k] && j < n; j++)
            if (drive[j] == drive[k]) {
                same[m] = qs[j];
                at[m++] = (int)j;
            }
        int rc = m ? driven_values(db, same, m, w, drive[k], got, err) : 0;
        for (size_t j = 0; !rc && j < m; j++) {
            out[at[j]] = got[j];
            done[at[j]] = true;
        }
        if (rc)
            return rc;
    }
    for (size_t k = 0; k < n; k++) {
        if (done[k])
            continue;
        if (grouped(qs[k])) {
            int rc = grouped_sum(db, qs[k], w, &out[k], err);
            if (rc)
                return rc;
            done[k] = true;
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (done[k])
            continue;
        const struct ind_query *same[IND_MAX_BATCH];
        int at[IND_MAX_BATCH];
        int64_t got[IND_MAX_BATCH];
        size_t m = 0;
        for (size_t j = k; j < n; j++)
            if (!done[j] && by[j] == by[k]) {
                same[m] = qs[j];
                at[m++] = (int)j;
                done[j] = true;
            }
        int rc = aggregates(db, same, m, w, by[k], got, err);
        for (size_t j = 0; !rc && j < m; j++)
            out[at[j]] = got[j];
        if (rc)
            return rc;
    }
    return 0;
}

/* The values of qs[0..n), none grouped, as conditional aggregates of one scan (or a few). */
static int aggregates(struct db *db, const struct ind_query *const *qs, size_t n,
                      const struct ind_where *w, const struct ind_counts *counts, int64_t *out,
                      struct error *err)
{
    struct buf sql = {0}, expr = {0};
    struct plan pl[IND_MAX_BATCH];
    size_t first = 0; /* the first query of the statement being composed */
    int rc = 0, user = w->user_id ? 2 : 0, start = user ? 3 : 2; /* $2: the user, if any */
    for (size_t k = 0; !rc && k <= n; k++) {
        int next = k > first ? pl[k - 1].next : start;
        bool fits = false;
        if (k < n) {
            buf_reset(&expr);
            pl[k] = (struct plan){.next = next, .user = user, .counts = counts};
            if ((rc = compose_aggregate(&expr, qs[k], &pl[k])))
                break;
            fits = pl[k].next - 1 <= IND_MAX_PARAMS;
        }
        if (k > first && !fits) { /* flush qs[first..k) */
            if ((rc = compose_from(&sql, qs[first]->e, w, &pl[first])) ||
                (rc = values_statement(db, qs + first, k - first, pl + first, sql.ptr, w,
                                       out + first, err)))
                break;
            buf_reset(&sql);
            first = k;
            if (k < n) { /* again, first of its statement */
                buf_reset(&expr);
                pl[k] = (struct plan){.next = start, .user = user, .counts = counts};
                rc = compose_aggregate(&expr, qs[k], &pl[k]);
            }
        }
        if (!rc && k < n)
            rc = buf_adds(&sql, k > first ? ", " : "SELECT ") || buf_adds(&sql, expr.ptr)
                     ? ZW_ETOOBIG
                     : 0;
    }
    buf_release(&sql);
    buf_release(&expr);
    if (rc == ZW_ETOOBIG)
        return err_set(err, ZW_ETOOBIG, NULL, "指标条件过多");
    return rc;
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
    int rc = compose_where(&where, q, w, &pl);
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
    if ((rc = buf_addf(&sql, "SELECT %s, " AREA_NAME("%s") "%s ORDER BY %s LIMIT $%d OFFSET $%d",
                       q->e->list, q->e->path, where.ptr, q->e->order, lim, lim + 1)) ||
        (rc = db_prepare(db, sql.ptr, &st, err)))
        goto out;
    bind_where(st, q, w, &pl);
    db_bind_int(st, lim, page_size);
    db_bind_int(st, lim + 1, (page - 1) * page_size);
    rc = read_records(st, a, items, n, err);
    db_finish(st);
out:
    buf_release(&where);
    buf_release(&sql);
    return rc < 0 ? rc : 0;
}

/* ---- closed periods (store_period.h) ---------------------------------------- */

/* The id column of e's drill-down: the first of its list. */
static int add_id_column(struct buf *b, const struct ind_entity *e)
{
    const char *comma = strchr(e->list, ',');
    return buf_add(b, e->list, comma ? (size_t)(comma - e->list) : strlen(e->list));
}

int store_period_freeze_records(struct db *db, int64_t close_id, const char *code,
                                const struct ind_query *q, const struct ind_where *w,
                                struct error *err)
{
    struct buf where = {0}, sql = {0};
    struct plan pl = {.next = 2};
    int rc = compose_where(&where, q, w, &pl);
    int c = pl.next;
    if (!rc)
        rc = buf_addf(&sql,
                      "INSERT INTO period_records (close_id, code, seq, record_id, label, "
                      "area_path, rec_date, rec_epoch, amount_fen, household_id) SELECT $%d, $%d, "
                      "ROW_NUMBER() "
                      "OVER (ORDER BY %s), %s%s",
                      c, c + 1, q->e->order, q->e->list, where.ptr);
    struct db_stmt *st;
    if (rc) {
        rc = err_set(err, ZW_ETOOBIG, NULL, "指标条件过多");
    } else if (!(rc = db_prepare(db, sql.ptr, &st, err))) {
        bind_where(st, q, w, &pl);
        db_bind_int(st, c, close_id);
        db_bind_text(st, c + 1, code);
        rc = db_step_done(st, err);
    }
    buf_release(&where);
    buf_release(&sql);
    return rc;
}

int store_period_records(struct db *db, int64_t close_id, const char *code, const char *path,
                         int64_t page, int64_t page_size, struct arena *a,
                         struct ind_record **items, size_t *n, int64_t *total, struct error *err)
{
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db,
                        "SELECT COUNT(*) FROM period_records WHERE close_id = $1 AND code = $2 "
                        "AND area_path LIKE CAST($3 AS TEXT) || '%'",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, close_id);
    db_bind_text(st, 2, code);
    db_bind_text(st, 3, path);
    rc = db_step(st, err);
    *total = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    if (rc < 0 ||
        (rc = db_prepare(db,
                         "SELECT record_id, label, area_path, rec_date, rec_epoch, "
                         "amount_fen, household_id, " AREA_NAME(
                             "period_records.area_path") " FROM period_records "
                                                         "WHERE close_id = $1 AND code "
                                                         "= $2 AND area_path LIKE CAST($3 AS TEXT) "
                                                         "|| '%' ORDER BY seq "
                                                         "LIMIT $4 OFFSET $5",
                         &st, err)))
        return rc < 0 ? rc : 0;
    db_bind_int(st, 1, close_id);
    db_bind_text(st, 2, code);
    db_bind_text(st, 3, path);
    db_bind_int(st, 4, page_size);
    db_bind_int(st, 5, (page - 1) * page_size);
    rc = read_records(st, a, items, n, err);
    db_finish(st);
    return rc;
}

int store_period_diff(struct db *db, int64_t close_id, const char *code, const struct ind_query *q,
                      const struct ind_where *w, int64_t limit, struct arena *a,
                      struct ind_record **added, size_t *nadded, int64_t *total_added,
                      struct ind_record **removed, size_t *nremoved, int64_t *total_removed,
                      struct error *err)
{
    struct buf where = {0}, sql = {0};
    struct plan pl = {.next = 2};
    *added = *removed = NULL;
    *nadded = *nremoved = 0;
    *total_added = *total_removed = 0;
    int rc = compose_where(&where, q, w, &pl);
    if (rc) {
        buf_release(&where);
        return err_set(err, ZW_ETOOBIG, NULL, "指标条件过多");
    }
    int c = pl.next; /* close_id, code, limit */
    const char *frozen = " FROM period_records f WHERE f.close_id = $%d AND f.code = $%d AND "
                         "f.area_path LIKE CAST($1 AS TEXT) || '%%'";
    for (int pass = 0; !rc && pass < 4; pass++) {
        bool count = pass % 2 == 0, add = pass < 2;
        buf_reset(&sql);
        if (add) { /* live, not frozen */
            rc = buf_adds(&sql, count ? "SELECT COUNT(*)" : "SELECT ") ||
                 (!count && buf_addf(&sql, "%s, " AREA_NAME("%s"), q->e->list, q->e->path)) ||
                 buf_adds(&sql, where.ptr) || buf_adds(&sql, " AND ") ||
                 add_id_column(&sql, q->e) || buf_addf(&sql, " NOT IN (SELECT f.record_id") ||
                 buf_addf(&sql, frozen, c, c + 1) || buf_adds(&sql, ")") ||
                 (!count && (buf_addf(&sql, " ORDER BY %s LIMIT $%d", q->e->order, c + 2)));
        } else { /* frozen, no longer live */
            rc = buf_adds(&sql, count ? "SELECT COUNT(*)"
                                      : "SELECT f.record_id, f.label, f.area_path, f.rec_date, "
                                        "f.rec_epoch, f.amount_fen, f.household_id, " AREA_NAME(
                                            "f.area_path")) ||
                 buf_addf(&sql, frozen, c, c + 1) ||
                 buf_adds(&sql, " AND f.record_id NOT IN (SELECT ") || add_id_column(&sql, q->e) ||
                 buf_adds(&sql, where.ptr) || buf_adds(&sql, ")") ||
                 (!count && buf_addf(&sql, " ORDER BY f.seq LIMIT $%d", c + 2));
        }
        struct db_stmt *st;
        if (rc) {
            rc = err_set(err, ZW_ETOOBIG, NULL, "指标条件过多");
            break;
        }
        if ((rc = db_prepare(db, sql.ptr, &st, err)))
            break;
        bind_where(st, q, w, &pl);
        db_bind_int(st, c, close_id);
        db_bind_text(st, c + 1, code);
        if (!count)
            db_bind_int(st, c + 2, limit);
        if (count) {
            rc = db_step(st, err);
            *(add ? total_added : total_removed) = rc == DB_ROW ? db_col_int(st, 0) : 0;
            rc = rc < 0 ? rc : 0;
        } else {
            rc = read_records(st, a, add ? added : removed, add ? nadded : nremoved, err);
        }
        db_finish(st);
    }
    buf_release(&where);
    buf_release(&sql);
    return rc;
}
