/* store_monitor.c - SQL for monitoring alerts and screening, measures, cadres, pairs, visits. */
#include <stdlib.h>

#include "buf.h"
#include "store_int.h"
#include "store_monitor.h"
#include "banned.h"

/*
 * The household h in the caller's scope: $1 path prefix, $2 the only area
 * (village, group or grid) of an area-scoped user, $3 the own-scoped user
 * who must be paired with it (0 = any).
 */
#define HH_IN_SCOPE                                                                                \
    " h.area_path LIKE $1 || '%' AND ($2 = 0 OR h.village_id = $2 OR h.group_id = $2 OR "          \
    "h.grid_id = $2) AND ($3 = 0 OR EXISTS (SELECT 1 FROM household_pairs hp JOIN assist_cadres "  \
    "ac ON ac.id = hp.cadre_id WHERE hp.household_id = h.id AND hp.until_on IS NULL AND "          \
    "ac.user_id = $3)) "

/* The household columns of struct mon_household and their joins (h must be joined). */
#define HH_COLS " h.id, h.code, hd.name, v.name, h.address "
#define HH_JOIN                                                                                    \
    " LEFT JOIN persons hd ON hd.id = h.head_person_id JOIN areas v ON v.id = h.village_id "
#define HH_NCOLS 5

static void bind_scope(struct db_stmt *st, const struct scope *sc)
{
    bool own = sc->kind == SCOPE_OWN, area = sc->kind == SCOPE_AREA;
    db_bind_text(st, 1, own || area ? "/" : scope_prefix(sc));
    db_bind_int(st, 2, area ? sc->area_id : 0);
    db_bind_int(st, 3, own ? sc->user_id : 0);
}

static void hh_read(struct db_stmt *st, int at, struct arena *a, struct mon_household *h)
{
    h->id = db_col_int(st, at);
    h->code = st_dup(a, db_col_text(st, at + 1));
    h->head_name = st_dup(a, db_col_text(st, at + 2));
    h->village_name = st_dup(a, db_col_text(st, at + 3));
    h->address = st_dup(a, db_col_text(st, at + 4));
}

static int not_found(int rc, struct error *err, const char *what)
{
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该%s", what);
    return rc < 0 ? rc : 0;
}

/* ---- alerts --------------------------------------------------------------- */

#define ALERT_COLS                                                                                 \
    "a.id, a.household_id, COALESCE(a.person_id, 0), a.source, a.rule, a.detail, a.amount_fen, "   \
    "a.ref_fen, a.status, COALESCE(a.case_id, 0), c.serial, a.dismissed_reason, a.area_path, "     \
    "a.created_at, COALESCE(a.created_by, 0), a.updated_at," HH_COLS
#define ALERT_FROM                                                                                 \
    " FROM monitor_alerts a JOIN households h ON h.id = a.household_id LEFT JOIN cases c ON "      \
    "c.id = a.case_id" HH_JOIN

static void alert_read(struct db_stmt *st, struct arena *a, struct monitor_alert *r)
{
    r->id = db_col_int(st, 0);
    r->household_id = db_col_int(st, 1);
    r->person_id = db_col_int(st, 2);
    r->source = st_dup(a, db_col_text(st, 3));
    r->rule = st_dup(a, db_col_text(st, 4));
    r->detail = st_dup(a, db_col_text(st, 5));
    r->has_amount = !db_col_null(st, 6);
    r->amount_fen = db_col_int(st, 6);
    r->ref_fen = db_col_int(st, 7);
    r->status = st_dup(a, db_col_text(st, 8));
    r->case_id = db_col_int(st, 9);
    r->case_serial = st_dup(a, db_col_text(st, 10));
    r->dismissed_reason = st_dup(a, db_col_text(st, 11));
    r->area_path = st_dup(a, db_col_text(st, 12));
    r->created_at = db_col_int(st, 13);
    r->created_by = db_col_int(st, 14);
    r->updated_at = db_col_int(st, 15);
    hh_read(st, 16, a, &r->household);
}

int store_alert_open_exists(struct db *db, int64_t household_id, const char *rule, bool *exists,
                            struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT 1 FROM monitor_alerts WHERE household_id = $1 AND rule = $2 AND "
                        "status = 'open'",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_text(st, 2, rule);
    rc = db_step(st, err);
    *exists = rc == DB_ROW;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_alert_insert(struct db *db, struct monitor_alert *a, struct error *err)
{
    static const char sql[] =
        "INSERT INTO monitor_alerts (household_id, person_id, source, rule, detail, amount_fen, "
        "ref_fen, status, area_path, created_at, created_by, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $9) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, a->household_id);
    db_bind_id(st, 2, a->person_id);
    db_bind_text(st, 3, a->source);
    db_bind_text(st, 4, a->rule);
    db_bind_text(st, 5, a->detail);
    if (a->has_amount) {
        db_bind_int(st, 6, a->amount_fen);
        db_bind_int(st, 7, a->ref_fen);
    } else {
        db_bind_text(st, 6, NULL);
        db_bind_text(st, 7, NULL);
    }
    db_bind_text(st, 8, a->area_path);
    db_bind_int(st, 9, a->created_at);
    db_bind_id(st, 10, a->created_by);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        a->id = db_col_int(st, 0);
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "rule", "该户已有同类未处理的预警");
    return rc < 0 ? rc : 0;
}

int store_alert_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct monitor_alert *out, struct error *err)
{
    static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM " WHERE" HH_IN_SCOPE "AND a.id = $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        alert_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "预警");
}

int store_alert_list(struct db *db, const struct scope *sc, const struct alert_filter *f,
                     struct arena *a, struct monitor_alert **items, size_t *n, int64_t *total,
                     struct error *err)
{
    static const char where[] = " WHERE" HH_IN_SCOPE "AND ($4 = '' OR a.status = $4) AND "
                                "h.area_path LIKE $5 || '%' AND ($6 = 0 OR a.household_id = $6) ";
    static const char sql_count[] = "SELECT COUNT(*) FROM monitor_alerts a JOIN households h ON "
                                    "h.id = a.household_id";
    char sql[2048], sqlc[1024];
    snprintf(sql, sizeof(sql), "SELECT %s%s%s ORDER BY a.id DESC LIMIT $7 OFFSET $8", ALERT_COLS,
             ALERT_FROM, where);
    snprintf(sqlc, sizeof(sqlc), "%s%s", sql_count, where);
    *items = NULL;
    *n = 0;
    *total = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, sqlc, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_text(st, 4, f->status ? f->status : "");
    db_bind_text(st, 5, f->in_path ? f->in_path : "/");
    db_bind_int(st, 6, f->household_id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *total = db_col_int(st, 0);
    db_finish(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql, &st, err)))
        return rc;
    bind_scope(st, sc);
    db_bind_text(st, 4, f->status ? f->status : "");
    db_bind_text(st, 5, f->in_path ? f->in_path : "/");
    db_bind_int(st, 6, f->household_id);
    db_bind_int(st, 7, f->page_size);
    db_bind_int(st, 8, (f->page - 1) * f->page_size);
    size_t cap = 16;
    struct monitor_alert *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        alert_read(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_alert_close(struct db *db, int64_t id, const char *status, int64_t case_id,
                      const char *reason, int64_t now, struct error *err)
{
    static const char sql[] =
        "UPDATE monitor_alerts SET status = $2, case_id = $3, dismissed_reason = $4, "
        "updated_at = $5 WHERE id = $1 AND status = 'open' RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, status);
    db_bind_id(st, 3, case_id);
    db_bind_text(st, 4, reason);
    db_bind_int(st, 5, now);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ETRANSITION, NULL, "该预警已处理（已立案或已忽略）");
    return rc < 0 ? rc : 0;
}

int store_alert_close_household(struct db *db, int64_t household_id, int64_t case_id, int64_t now,
                                struct error *err)
{
    static const char sql[] = "UPDATE monitor_alerts SET status = 'case', case_id = $2, "
                              "updated_at = $3 WHERE household_id = $1 AND status = 'open'";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_int(st, 2, case_id);
    db_bind_int(st, 3, now);
    return db_step_done(st, err);
}

/* ---- screening ------------------------------------------------------------ */

int store_screen_span(struct db *db, const struct scope *sc, struct arena *a,
                      const char ***provinces, size_t *nprovinces, int *year_from, int *year_to,
                      struct error *err)
{
    static const char sql_prov[] = "SELECT DISTINCT substr(code, 1, 2) FROM areas WHERE level = "
                                   "'village' AND path LIKE $1 || '%' ORDER BY 1";
    static const char sql_years[] = "SELECT COALESCE(MIN(year), 0), COALESCE(MAX(year), -1) FROM "
                                    "incomes";
    struct db_stmt *st;
    *provinces = NULL;
    *nprovinces = 0;
    int rc = db_prepare(db, sql_prov, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, sc->kind == SCOPE_SUBTREE ? scope_prefix(sc) : "/");
    size_t cap = 4;
    const char **v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *nprovinces, sizeof(*v));
        v[(*nprovinces)++] = arena_strdup(a, db_col_text(st, 0));
    }
    db_finish(st);
    *provinces = v;
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql_years, &st, err)))
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *year_from = (int)db_col_int(st, 0);
        *year_to = (int)db_col_int(st, 1);
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* Households already handled for a rule (expression rule_expr): an open alert, or an open case. */
#define SKIP_HANDLED(rule_expr)                                                                    \
    " h.dissolved_on IS NULL AND h.monitor_status <> 'monitored' AND NOT EXISTS (SELECT 1 FROM "   \
    "monitor_alerts x LEFT JOIN cases xc ON xc.id = x.case_id WHERE x.household_id = h.id AND "    \
    "x.rule = " rule_expr " AND (x.status = 'open' OR (x.status = 'case' AND xc.closed_at = 0))) "

#define ALERT_INSERT                                                                               \
    " INSERT INTO monitor_alerts (household_id, source, rule, detail, amount_fen, ref_fen, "       \
    "status, area_path, created_at, created_by, updated_at) "

/*
 * The income rules in one statement over one window pass: r ranks each
 * household's incomes newest first (rn = 1 the newest, prev the one before);
 * lines holds the effective line per province and year ($7.. in threes).
 */
#define INCOME_RULES                                                                               \
    " r AS (SELECT i.household_id, i.year, i.per_person, ROW_NUMBER() OVER (PARTITION BY "         \
    "i.household_id ORDER BY i.assessed_on DESC, i.id DESC) AS rn, LEAD(i.per_person) OVER "       \
    "(PARTITION BY i.household_id ORDER BY i.assessed_on DESC, i.id DESC) AS prev FROM incomes "   \
    "i), c AS (SELECT r.household_id, 'income_below_line' AS rule, r.year, r.per_person AS "       \
    "amount, l.fen AS ref FROM r JOIN households hb ON hb.id = r.household_id JOIN areas v ON "    \
    "v.id = hb.village_id JOIN lines l ON l.prov = substr(v.code, 1, 2) AND l.yr = r.year WHERE "  \
    "r.rn = 1 AND r.per_person < l.fen UNION ALL SELECT r.household_id, 'income_drop', r.year, "   \
    "r.per_person, r.prev FROM r WHERE CAST($6 AS BIGINT) > 0 AND r.rn = 1 AND r.prev > 0 AND "    \
    "(r.prev - "                                                                                   \
    "r.per_person) * 100 >= r.prev * $6)" ALERT_INSERT                                             \
    "SELECT h.id, 'screening', c.rule, CAST(c.year AS TEXT), c.amount, c.ref, 'open', "            \
    "h.area_path, CAST($4 AS BIGINT), CAST($5 AS BIGINT), CAST($4 AS BIGINT) FROM c JOIN "         \
    "households h ON h.id = c.household_id WHERE" HH_IN_SCOPE "AND" SKIP_HANDLED("c.rule")

static int screen_run(struct db *db, const char *sql, const struct scope *sc, int64_t now,
                      int64_t user_id, const struct screen_line *lines, size_t nlines, int pct,
                      struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, now);
    db_bind_id(st, 5, user_id);
    db_bind_int(st, 6, pct);
    for (size_t i = 0; i < nlines; i++) {
        db_bind_text(st, 7 + 3 * (int)i, lines[i].province);
        db_bind_int(st, 8 + 3 * (int)i, lines[i].year);
        db_bind_int(st, 9 + 3 * (int)i, lines[i].fen);
    }
    return db_step_done(st, err);
}

int store_monitor_screen(struct db *db, const struct scope *sc, const struct screen_line *lines,
                         size_t nlines, int drop_percent, int64_t now, int64_t user_id,
                         int64_t *alerts, int64_t *households, struct error *err)
{
    static const char sql_max[] = "SELECT COALESCE(MAX(id), 0) FROM monitor_alerts";
    static const char sql_count[] =
        "SELECT COUNT(*), COUNT(DISTINCT household_id) FROM monitor_alerts WHERE id > $1 AND "
        "source = 'screening'";
    /* Only the households with a failed check at all are ranked (few, as a rule). */
    static const char sql_guarantee[] =
        "WITH g AS (SELECT household_id, kind, ok, checked_on, ROW_NUMBER() OVER (PARTITION BY "
        "household_id, kind ORDER BY checked_on DESC, id DESC) AS rn FROM guarantee_checks WHERE "
        "household_id IN (SELECT household_id FROM guarantee_checks WHERE ok = 0) AND CAST($6 AS "
        "BIGINT) >= 0)" ALERT_INSERT
        "SELECT h.id, 'screening', 'guarantee_' || g.kind, g.checked_on, CAST(NULL AS BIGINT), "
        "CAST(NULL AS BIGINT), 'open', h.area_path, CAST($4 AS BIGINT), CAST($5 AS BIGINT), "
        "CAST($4 AS BIGINT) FROM g JOIN households h ON h.id = g.household_id WHERE g.rn = 1 "
        "AND g.ok = 0 AND" HH_IN_SCOPE "AND" SKIP_HANDLED("'guarantee_' || g.kind");
    struct db_stmt *st;
    int64_t max_before = 0;
    int rc = db_prepare(db, sql_max, &st, err);
    if (rc)
        return rc;
    if ((rc = db_step(st, err)) == DB_ROW)
        max_before = db_col_int(st, 0);
    db_finish(st);
    if (rc < 0)
        return rc;

    /* The lines as a VALUES list of bound parameters, or an empty one. */
    struct buf b = {0};
    buf_adds(&b, "WITH lines (prov, yr, fen) AS (");
    if (!nlines)
        buf_adds(&b, "SELECT CAST('' AS TEXT), CAST(0 AS INTEGER), CAST(0 AS BIGINT) WHERE 1 = 0");
    for (size_t i = 0; i < nlines; i++)
        buf_addf(&b, "%s(CAST($%zu AS TEXT), CAST($%zu AS INTEGER), CAST($%zu AS BIGINT))",
                 i ? ", " : "VALUES ", 7 + 3 * i, 8 + 3 * i, 9 + 3 * i);
    buf_adds(&b, ")," INCOME_RULES);
    rc = screen_run(db, b.ptr, sc, now, user_id, lines, nlines, drop_percent, err);
    buf_release(&b);
    if (rc || (rc = screen_run(db, sql_guarantee, sc, now, user_id, NULL, 0, 0, err)))
        return rc;

    if ((rc = db_prepare(db, sql_count, &st, err)))
        return rc;
    db_bind_int(st, 1, max_before);
    if ((rc = db_step(st, err)) == DB_ROW) {
        *alerts = db_col_int(st, 0);
        *households = db_col_int(st, 1);
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_case_household(struct db *db, int64_t case_id, int64_t *household_id, struct error *err)
{
    return st_int_query(
        db, "SELECT household_id FROM household_cases WHERE case_id = $1 ORDER BY household_id",
        case_id, household_id, err);
}

/* ---- measures ------------------------------------------------------------- */

#define MEASURE_COLS                                                                               \
    "m.id, m.household_id, COALESCE(m.person_id, 0), COALESCE(m.cadre_id, 0), p.name, ac.name, "   \
    "m.kind, m.description, m.start_on, m.end_on, m.status, m.done_on, m.version, "                \
    "COALESCE(m.created_by, 0), m.created_at, m.updated_at "
#define MEASURE_FROM                                                                               \
    " FROM assist_measures m LEFT JOIN persons p ON p.id = m.person_id LEFT JOIN assist_cadres "   \
    "ac ON ac.id = m.cadre_id "

static void measure_read(struct db_stmt *st, struct arena *a, struct assist_measure *m)
{
    m->id = db_col_int(st, 0);
    m->household_id = db_col_int(st, 1);
    m->person_id = db_col_int(st, 2);
    m->cadre_id = db_col_int(st, 3);
    m->person_name = st_dup(a, db_col_text(st, 4));
    m->cadre_name = st_dup(a, db_col_text(st, 5));
    m->kind = st_dup(a, db_col_text(st, 6));
    m->description = st_dup(a, db_col_text(st, 7));
    m->start_on = st_dup(a, db_col_text(st, 8));
    m->end_on = st_dup(a, db_col_text(st, 9));
    m->status = st_dup(a, db_col_text(st, 10));
    m->done_on = st_dup(a, db_col_text(st, 11));
    m->version = (int)db_col_int(st, 12);
    m->created_by = db_col_int(st, 13);
    m->created_at = db_col_int(st, 14);
    m->updated_at = db_col_int(st, 15);
}

int store_measure_insert(struct db *db, struct assist_measure *m, struct error *err)
{
    static const char sql[] =
        "INSERT INTO assist_measures (household_id, person_id, kind, description, cadre_id, "
        "start_on, end_on, status, done_on, version, created_by, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $11) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, m->household_id);
    db_bind_id(st, 2, m->person_id);
    db_bind_text(st, 3, m->kind);
    db_bind_text(st, 4, m->description);
    db_bind_id(st, 5, m->cadre_id);
    db_bind_text(st, 6, m->start_on);
    db_bind_text(st, 7, m->end_on);
    db_bind_text(st, 8, m->status);
    db_bind_text(st, 9, m->done_on);
    db_bind_id(st, 10, m->created_by);
    db_bind_int(st, 11, m->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        m->id = db_col_int(st, 0);
    db_finish(st);
    m->version = 1;
    return rc < 0 ? rc : 0;
}

int store_measure_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                      struct assist_measure *out, struct error *err)
{
    static const char sql[] =
        "SELECT " MEASURE_COLS MEASURE_FROM
        "JOIN households h ON h.id = m.household_id WHERE" HH_IN_SCOPE "AND m.id = $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        measure_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "帮扶措施");
}

int store_measure_update(struct db *db, struct assist_measure *m, struct error *err)
{
    static const char sql[] =
        "UPDATE assist_measures SET status = $2, done_on = $3, version = version + 1, "
        "updated_at = $4 WHERE id = $1 AND version = $5 RETURNING version";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, m->id);
    db_bind_text(st, 2, m->status);
    db_bind_text(st, 3, m->done_on);
    db_bind_int(st, 4, m->updated_at);
    db_bind_int(st, 5, m->version);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        m->version = (int)db_col_int(st, 0);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    return rc < 0 ? rc : 0;
}

int store_measure_list(struct db *db, int64_t household_id, struct arena *a,
                       struct assist_measure **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT " MEASURE_COLS MEASURE_FROM "WHERE m.household_id = $1 ORDER BY m.start_on, m.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8;
    struct assist_measure *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        measure_read(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_measure_done_count(struct db *db, int64_t household_id, int64_t *n, struct error *err)
{
    return st_int_query(
        db, "SELECT COUNT(*) FROM assist_measures WHERE household_id = $1 AND status = 'done'",
        household_id, n, err);
}

/* ---- cadres --------------------------------------------------------------- */

#define CADRE_COLS                                                                                 \
    "c.id, c.name, c.unit, c.phone, COALESCE(c.user_id, 0), c.area_id, c.area_path, u.name, "      \
    "c.active, c.version, c.created_at, c.updated_at, (SELECT COUNT(*) FROM household_pairs hp "   \
    "WHERE hp.cadre_id = c.id AND hp.until_on IS NULL) "
#define CADRE_FROM " FROM assist_cadres c LEFT JOIN users u ON u.id = c.user_id "
/*
 * $1 the scope's path, $2 the own-scoped user (0 = any).  Cadres of the
 * scope's area, below it or above it (county and township staff paired with
 * a village's households), never those of a sibling village.
 */
#define CADRE_IN_SCOPE                                                                             \
    " (c.area_path LIKE $1 || '%' OR $1 LIKE c.area_path || '%') AND ($2 = 0 OR c.user_id = $2) "

static void cadre_read(struct db_stmt *st, struct arena *a, struct assist_cadre *c)
{
    c->id = db_col_int(st, 0);
    c->name = st_dup(a, db_col_text(st, 1));
    c->unit = st_dup(a, db_col_text(st, 2));
    c->phone = st_dup(a, db_col_text(st, 3));
    c->user_id = db_col_int(st, 4);
    c->area_id = db_col_int(st, 5);
    c->area_path = st_dup(a, db_col_text(st, 6));
    c->user_name = st_dup(a, db_col_text(st, 7));
    c->active = db_col_int(st, 8) != 0;
    c->version = (int)db_col_int(st, 9);
    c->created_at = db_col_int(st, 10);
    c->updated_at = db_col_int(st, 11);
    c->pairs = (int)db_col_int(st, 12);
}

static void bind_cadre_scope(struct db_stmt *st, const struct scope *sc)
{
    bool own = sc->kind == SCOPE_OWN;
    db_bind_text(st, 1, own ? "/" : scope_prefix(sc));
    db_bind_int(st, 2, own ? sc->user_id : 0);
}

int store_cadre_insert(struct db *db, struct assist_cadre *c, struct error *err)
{
    static const char sql[] =
        "INSERT INTO assist_cadres (name, unit, phone, user_id, area_id, area_path, active, "
        "version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, 1, $7, $7) "
        "RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, c->name);
    db_bind_text(st, 2, c->unit);
    db_bind_text(st, 3, c->phone);
    db_bind_id(st, 4, c->user_id);
    db_bind_int(st, 5, c->area_id);
    db_bind_text(st, 6, c->area_path);
    db_bind_int(st, 7, c->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        c->id = db_col_int(st, 0);
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "userId", "该账号已关联其他帮扶责任人");
    return rc < 0 ? rc : 0;
}

int store_cadre_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct assist_cadre *out, struct error *err)
{
    static const char sql[] =
        "SELECT " CADRE_COLS CADRE_FROM "WHERE" CADRE_IN_SCOPE "AND c.id = $3";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_cadre_scope(st, sc);
    db_bind_int(st, 3, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        cadre_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "帮扶责任人");
}

int store_cadre_list(struct db *db, const struct scope *sc, const char *q, int64_t page,
                     int64_t page_size, struct arena *a, struct assist_cadre **items, size_t *n,
                     int64_t *total, struct error *err)
{
    static const char where[] =
        " WHERE" CADRE_IN_SCOPE "AND ($3 = '' OR c.name LIKE '%' || $3 || '%' ESCAPE '\\' OR "
        "c.unit LIKE '%' || $3 || '%' ESCAPE '\\') ";
    char sql[1536], sqlc[512];
    snprintf(sql, sizeof(sql), "SELECT %s%s%s ORDER BY c.name, c.id LIMIT $4 OFFSET $5", CADRE_COLS,
             CADRE_FROM, where);
    snprintf(sqlc, sizeof(sqlc), "SELECT COUNT(*) FROM assist_cadres c%s", where);
    const char *like = q ? st_like_escape(a, q) : "";
    *items = NULL;
    *n = 0;
    *total = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, sqlc, &st, err);
    if (rc)
        return rc;
    bind_cadre_scope(st, sc);
    db_bind_text(st, 3, like);
    if ((rc = db_step(st, err)) == DB_ROW)
        *total = db_col_int(st, 0);
    db_finish(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql, &st, err)))
        return rc;
    bind_cadre_scope(st, sc);
    db_bind_text(st, 3, like);
    db_bind_int(st, 4, page_size);
    db_bind_int(st, 5, (page - 1) * page_size);
    size_t cap = 16;
    struct assist_cadre *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        cadre_read(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_cadre_of_user(struct db *db, int64_t user_id, int64_t *cadre_id, struct error *err)
{
    static const char sql[] = "SELECT id FROM assist_cadres WHERE user_id = $1";
    struct db_stmt *st;
    *cadre_id = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    if ((rc = db_step(st, err)) == DB_ROW)
        *cadre_id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* ---- pairs ---------------------------------------------------------------- */

#define PAIR_COLS                                                                                  \
    "p.id, p.household_id, p.cadre_id, c.name, c.unit, c.phone, p.since, p.until_on, "             \
    "p.created_at FROM household_pairs p JOIN assist_cadres c ON c.id = p.cadre_id "

static void pair_read(struct db_stmt *st, struct arena *a, struct household_pair *p)
{
    p->id = db_col_int(st, 0);
    p->household_id = db_col_int(st, 1);
    p->cadre_id = db_col_int(st, 2);
    p->cadre_name = st_dup(a, db_col_text(st, 3));
    p->cadre_unit = st_dup(a, db_col_text(st, 4));
    p->cadre_phone = st_dup(a, db_col_text(st, 5));
    p->since = st_dup(a, db_col_text(st, 6));
    p->until_on = st_dup(a, db_col_text(st, 7));
    p->created_at = db_col_int(st, 8);
}

int store_pair_insert(struct db *db, struct household_pair *p, struct error *err)
{
    static const char sql[] = "INSERT INTO household_pairs (household_id, cadre_id, since, "
                              "created_at) VALUES ($1, $2, $3, $4) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, p->household_id);
    db_bind_int(st, 2, p->cadre_id);
    db_bind_text(st, 3, p->since);
    db_bind_int(st, 4, p->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        p->id = db_col_int(st, 0);
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "cadreId", "该帮扶责任人已与此户结对");
    return rc < 0 ? rc : 0;
}

int store_pair_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                   struct household_pair *out, struct error *err)
{
    static const char sql[] = "SELECT " PAIR_COLS "JOIN households h ON h.id = p.household_id "
                              "WHERE" HH_IN_SCOPE "AND p.id = $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        pair_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "结对");
}

int store_pair_end(struct db *db, int64_t id, const char *until, struct error *err)
{
    static const char sql[] = "UPDATE household_pairs SET until_on = $2 WHERE id = $1 AND "
                              "until_on IS NULL RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, until);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ETRANSITION, NULL, "该结对已解除");
    return rc < 0 ? rc : 0;
}

int store_pair_list(struct db *db, int64_t household_id, struct arena *a,
                    struct household_pair **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " PAIR_COLS "WHERE p.household_id = $1 ORDER BY CASE WHEN "
                              "p.until_on IS NULL THEN 0 ELSE 1 END, p.since DESC, p.id DESC";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 4;
    struct household_pair *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        pair_read(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

/* ---- visits --------------------------------------------------------------- */

#define VISIT_COLS                                                                                 \
    "t.id, t.household_id, COALESCE(t.cadre_id, 0), t.user_id, u.name, t.visited_on, t.found, "    \
    "t.area_path, t.created_at FROM visits t LEFT JOIN users u ON u.id = t.user_id "

static void visit_read(struct db_stmt *st, struct arena *a, struct visit *v)
{
    memset(v, 0, sizeof(*v));
    v->id = db_col_int(st, 0);
    v->household_id = db_col_int(st, 1);
    v->cadre_id = db_col_int(st, 2);
    v->user_id = db_col_int(st, 3);
    v->user_name = st_dup(a, db_col_text(st, 4));
    v->visited_on = st_dup(a, db_col_text(st, 5));
    v->found = st_dup(a, db_col_text(st, 6));
    v->area_path = st_dup(a, db_col_text(st, 7));
    v->created_at = db_col_int(st, 8);
}

int store_visit_insert(struct db *db, struct visit *v, struct error *err)
{
    static const char sql[] =
        "INSERT INTO visits (household_id, cadre_id, user_id, visited_on, found, area_path, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, v->household_id);
    db_bind_id(st, 2, v->cadre_id);
    db_bind_int(st, 3, v->user_id);
    db_bind_text(st, 4, v->visited_on);
    db_bind_text(st, 5, v->found);
    db_bind_text(st, 6, v->area_path);
    db_bind_int(st, 7, v->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        v->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_visit_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct visit *out, struct error *err)
{
    static const char sql[] = "SELECT " VISIT_COLS "JOIN households h ON h.id = t.household_id "
                              "WHERE" HH_IN_SCOPE "AND t.id = $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        visit_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "走访记录");
}

#define PHOTO_COLS "id, visit_id, name, mime, size, sha256, created_at FROM visit_photos "

static void photo_read(struct db_stmt *st, struct arena *a, struct visit_photo *p)
{
    p->id = db_col_int(st, 0);
    p->visit_id = db_col_int(st, 1);
    p->name = st_dup(a, db_col_text(st, 2));
    p->mime = st_dup(a, db_col_text(st, 3));
    p->size = db_col_int(st, 4);
    st_copy(p->sha256, sizeof(p->sha256), db_col_text(st, 5));
    p->created_at = db_col_int(st, 6);
}

int store_visit_list(struct db *db, int64_t household_id, int limit, struct arena *a,
                     struct visit **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " VISIT_COLS "WHERE t.household_id = $1 ORDER BY "
                              "t.visited_on DESC, t.id DESC LIMIT $2";
    static const char sql_photos[] =
        "SELECT " PHOTO_COLS "WHERE visit_id IN (SELECT id FROM visits WHERE household_id = $1) "
        "ORDER BY visit_id, id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_int(st, 2, limit);
    size_t cap = 8;
    struct visit *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        visit_read(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql_photos, &st, err)))
        return rc;
    db_bind_int(st, 1, household_id);
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct visit_photo p;
        photo_read(st, a, &p);
        for (size_t i = 0; i < *n; i++) {
            if (v[i].id != p.visit_id)
                continue;
            struct visit_photo *grown = arena_alloc(a, (v[i].nphotos + 1) * sizeof(*grown));
            if (v[i].nphotos)
                memcpy(grown, v[i].photos, v[i].nphotos * sizeof(*grown));
            grown[v[i].nphotos++] = p;
            v[i].photos = grown;
        }
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_visit_photo_add(struct db *db, struct visit_photo *p, struct error *err)
{
    static const char sql[] =
        "INSERT INTO visit_photos (visit_id, name, mime, size, sha256, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, p->visit_id);
    db_bind_text(st, 2, p->name);
    db_bind_text(st, 3, p->mime);
    db_bind_int(st, 4, p->size);
    db_bind_text(st, 5, p->sha256);
    db_bind_int(st, 6, p->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        p->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_visit_photo_count(struct db *db, int64_t visit_id, int64_t *n, struct error *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM visit_photos WHERE visit_id = $1";
    struct db_stmt *st;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, visit_id);
    if ((rc = db_step(st, err)) == DB_ROW)
        *n = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_visit_photo_get(struct db *db, int64_t visit_id, int64_t id, struct arena *a,
                          struct visit_photo *out, struct error *err)
{
    static const char sql[] = "SELECT " PHOTO_COLS "WHERE visit_id = $1 AND id = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, visit_id);
    db_bind_int(st, 2, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        photo_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "照片");
}

int store_visits_due(struct db *db, int64_t user_id, int64_t area_id, int limit, struct arena *a,
                     struct visit_due **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT" HH_COLS ", (SELECT MAX(t.visited_on) FROM visits t WHERE t.household_id = h.id) "
        "AS last, CASE WHEN EXISTS (SELECT 1 FROM household_pairs hp JOIN assist_cadres ac ON "
        "ac.id = hp.cadre_id WHERE hp.household_id = h.id AND hp.until_on IS NULL AND ac.user_id "
        "= $1) THEN 1 ELSE 0 END AS paired FROM households h" HH_JOIN
        "WHERE h.dissolved_on IS NULL AND (h.grid_id = $2 OR EXISTS (SELECT 1 FROM "
        "household_pairs hp JOIN assist_cadres ac ON ac.id = hp.cadre_id WHERE hp.household_id "
        "= h.id AND hp.until_on IS NULL AND ac.user_id = $1)) ORDER BY CASE WHEN (SELECT "
        "MAX(t.visited_on) FROM visits t WHERE t.household_id = h.id) IS NULL THEN 0 ELSE 1 END, "
        "last, h.code LIMIT $3";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, area_id);
    db_bind_int(st, 3, limit);
    size_t cap = 16;
    struct visit_due *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct visit_due *d = &v[(*n)++];
        hh_read(st, 0, a, &d->household);
        d->last_visit = st_dup(a, db_col_text(st, HH_NCOLS));
        d->paired = db_col_int(st, HH_NCOLS + 1) != 0;
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}
