/* store_benefit.c - SQL for enrolments, batches, payments and totals; see store_benefit.h. */
#include "store_benefit.h"
#include "store_int.h"
#include "banned.h"

/*
 * The household h lies in the scope: $1 path prefix (matched on pcol, the
 * row's own path), $2 the only area of an area-scoped user (0 = any), $3 the
 * user an own-scoped user is (0 = any), paired with the household.
 */
#define HH_SCOPE(pcol)                                                                             \
    " " pcol " LIKE $1 || '%' AND ($2 = 0 OR h.village_id = $2 OR h.group_id = $2 OR "             \
    "h.grid_id = $2) AND ($3 = 0 OR EXISTS (SELECT 1 FROM household_pairs hp JOIN assist_cadres "  \
    "ac ON ac.id = hp.cadre_id WHERE hp.household_id = h.id AND hp.until_on IS NULL AND "          \
    "ac.user_id = $3)) "

static void bind_scope(struct db_stmt *st, const struct scope *sc)
{
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    db_bind_int(st, 3, sc->kind == SCOPE_OWN ? sc->user_id : 0);
}

/* ---- enrolments ----------------------------------------------------------- */

int store_enrolment_insert(struct db *db, struct enrolment *e, struct error *err)
{
    static const char sql[] =
        "INSERT INTO benefit_enrolments (household_id, programme, persons, since, until_on, "
        "case_id, area_path, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, e->household_id);
    db_bind_text(st, 2, e->programme);
    db_bind_int(st, 3, e->persons);
    db_bind_text(st, 4, e->since);
    db_bind_text(st, 5, e->until_on);
    db_bind_id(st, 6, e->case_id);
    db_bind_text(st, 7, e->area_path);
    db_bind_id(st, 8, e->created_by);
    db_bind_int(st, 9, e->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        e->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_enrolment_end(struct db *db, int64_t household_id, const char *programme,
                        const char *until_on, struct error *err)
{
    static const char sql[] = "UPDATE benefit_enrolments SET until_on = $3 WHERE household_id = $1 "
                              "AND programme = $2 AND until_on IS NULL";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_text(st, 2, programme);
    db_bind_text(st, 3, until_on);
    return db_step_done(st, err);
}

int store_enrolments(struct db *db, int64_t household_id, struct arena *a, struct enrolment **items,
                     size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT id, household_id, programme, persons, since, until_on, COALESCE(case_id, 0), "
        "area_path, COALESCE(created_by, 0), created_at FROM benefit_enrolments "
        "WHERE household_id = $1 ORDER BY since DESC, id DESC";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8;
    struct enrolment *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct enrolment *e = &v[(*n)++];
        e->id = db_col_int(st, 0);
        e->household_id = db_col_int(st, 1);
        e->programme = st_dup(a, db_col_text(st, 2));
        e->persons = (int)db_col_int(st, 3);
        e->since = st_dup(a, db_col_text(st, 4));
        e->until_on = st_dup(a, db_col_text(st, 5));
        e->case_id = db_col_int(st, 6);
        e->area_path = st_dup(a, db_col_text(st, 7));
        e->created_by = db_col_int(st, 8);
        e->created_at = db_col_int(st, 9);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_case_households(struct db *db, int64_t case_id, struct arena *a, int64_t **ids, size_t *n,
                          struct error *err)
{
    static const char sql[] =
        "SELECT household_id FROM household_cases WHERE case_id = $1 ORDER BY household_id";
    struct db_stmt *st;
    *ids = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    return st_ids(st, a, ids, n, err);
}

int store_household_open_case(struct db *db, int64_t household_id, const char *type,
                              const char *category, int64_t *id, struct error *err)
{
    static const char sql[] =
        "SELECT c.id FROM household_cases hc JOIN cases c ON c.id = hc.case_id "
        "WHERE hc.household_id = $1 AND c.type = $2 AND c.closed_at = 0 "
        "ORDER BY c.id LIMIT 1";
    static const char sql_cat[] =
        "SELECT c.id FROM household_cases hc JOIN cases c ON c.id = hc.case_id "
        "WHERE hc.household_id = $1 AND c.type = $2 AND c.category = $3 AND c.closed_at = 0 "
        "ORDER BY c.id LIMIT 1";
    struct db_stmt *st;
    *id = 0;
    int rc = db_prepare(db, category ? sql_cat : sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_text(st, 2, type);
    if (category)
        db_bind_text(st, 3, category);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* ---- runs ----------------------------------------------------------------- */

int store_run_candidates(struct db *db, const struct scope *sc, const char *programme,
                         const char *first, const char *last, struct arena *a,
                         struct run_candidate **items, size_t *n, struct error *err)
{
    /* Per household its enrolments of the month, latest last: the last one wins. */
    static const char sql[] =
        "SELECT h.id, h.village_id, h.area_path, v.code, e.persons, "
        "(SELECT i.per_person FROM incomes i WHERE i.household_id = h.id AND i.assessed_on <= $6 "
        " ORDER BY i.assessed_on DESC, i.id DESC LIMIT 1) "
        "FROM benefit_enrolments e JOIN households h ON h.id = e.household_id "
        "JOIN areas v ON v.id = h.village_id "
        "WHERE e.programme = $4 AND e.since <= $6 AND (e.until_on IS NULL OR e.until_on >= $5) "
        "AND h.dissolved_on IS NULL AND" HH_SCOPE("h.area_path") "ORDER BY h.id, e.since, e.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_text(st, 4, programme);
    db_bind_text(st, 5, first);
    db_bind_text(st, 6, last);
    size_t cap = 64;
    struct run_candidate *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        int64_t hid = db_col_int(st, 0);
        if (*n && v[*n - 1].household_id == hid) {
            (*n)--; /* a later enrolment of the same household replaces the earlier */
        } else {
            v = st_grow(a, v, &cap, *n, sizeof(*v));
        }
        struct run_candidate *c = &v[(*n)++];
        c->household_id = hid;
        c->village_id = db_col_int(st, 1);
        c->area_path = st_dup(a, db_col_text(st, 2));
        c->village_code = st_dup(a, db_col_text(st, 3));
        c->persons = (int)db_col_int(st, 4);
        c->has_income = !db_col_null(st, 5);
        c->per_person = db_col_int(st, 5);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

/* ---- batches -------------------------------------------------------------- */

int store_batch_overlap(struct db *db, const char *programme, const char *period,
                        const char *scope_path, int64_t *id, struct error *err)
{
    static const char sql[] =
        "SELECT id FROM payment_batches WHERE programme = $1 AND period = $2 AND "
        "(scope_path LIKE $3 || '%' OR $3 LIKE scope_path || '%') ORDER BY id LIMIT 1";
    struct db_stmt *st;
    *id = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, programme);
    db_bind_text(st, 2, period);
    db_bind_text(st, 3, scope_path);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_batch_insert(struct db *db, struct pay_batch *b, struct error *err)
{
    static const char sql[] =
        "INSERT INTO payment_batches (programme, period, scope_path, status, households, "
        "persons, amount_fen, created_by, created_at) VALUES ($1, $2, $3, 'draft', $4, $5, $6, "
        "$7, $8) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, b->programme);
    db_bind_text(st, 2, b->period);
    db_bind_text(st, 3, b->scope_path);
    db_bind_int(st, 4, b->households);
    db_bind_int(st, 5, b->persons);
    db_bind_int(st, 6, b->amount_fen);
    db_bind_id(st, 7, b->created_by);
    db_bind_int(st, 8, b->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        b->id = db_col_int(st, 0);
        b->version = 1;
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_batch_line_insert(struct db *db, const struct batch_line *l, struct error *err)
{
    static const char sql[] =
        "INSERT INTO payment_batch_lines (batch_id, household_id, persons, standard_fen, "
        "income_fen, amount_fen, area_path, village_id, note) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9)";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, l->batch_id);
    db_bind_int(st, 2, l->household_id);
    db_bind_int(st, 3, l->persons);
    db_bind_int(st, 4, l->standard_fen);
    if (l->has_income)
        db_bind_int(st, 5, l->income_fen);
    else
        db_bind_text(st, 5, NULL);
    db_bind_int(st, 6, l->amount_fen);
    db_bind_text(st, 7, l->area_path);
    db_bind_int(st, 8, l->village_id);
    db_bind_text(st, 9, l->note);
    return db_step_done(st, err);
}

#define BATCH_COLS                                                                                 \
    "b.id, b.programme, b.period, b.scope_path, b.status, b.households, b.persons, "               \
    "b.amount_fen, b.paid_on, COALESCE(b.created_by, 0), b.created_at, "                           \
    "COALESCE(b.issued_by, 0), COALESCE(b.issued_at, 0), cu.name, iu.name, b.version "             \
    "FROM payment_batches b LEFT JOIN users cu ON cu.id = b.created_by "                           \
    "LEFT JOIN users iu ON iu.id = b.issued_by "

static void batch_read(struct db_stmt *st, struct arena *a, struct pay_batch *b)
{
    b->id = db_col_int(st, 0);
    b->programme = st_dup(a, db_col_text(st, 1));
    b->period = st_dup(a, db_col_text(st, 2));
    b->scope_path = st_dup(a, db_col_text(st, 3));
    b->status = st_dup(a, db_col_text(st, 4));
    b->households = (int)db_col_int(st, 5);
    b->persons = (int)db_col_int(st, 6);
    b->amount_fen = db_col_int(st, 7);
    b->paid_on = st_dup(a, db_col_text(st, 8));
    b->created_by = db_col_int(st, 9);
    b->created_at = db_col_int(st, 10);
    b->issued_by = db_col_int(st, 11);
    b->issued_at = db_col_int(st, 12);
    b->created_by_name = st_dup(a, db_col_text(st, 13));
    b->issued_by_name = st_dup(a, db_col_text(st, 14));
    b->version = (int)db_col_int(st, 15);
}

int store_batch_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct pay_batch *out, struct error *err)
{
    static const char sql[] =
        "SELECT " BATCH_COLS "WHERE b.id = $1 AND b.scope_path LIKE $2 || '%' AND $3 >= 2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, scope_prefix(sc));
    /* Batches are run over a subtree: area- and own-scoped users see none. */
    db_bind_int(st, 3, sc->kind);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        batch_read(st, a, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该发放批次");
    return rc < 0 ? rc : 0;
}

int store_batch_list(struct db *db, const struct scope *sc, const char *programme, struct arena *a,
                     struct pay_batch **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " BATCH_COLS "WHERE b.scope_path LIKE $1 || '%' AND $2 >= 2 "
                              "AND ($3 = '' OR b.programme = $3) ORDER BY b.id DESC LIMIT 200";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, sc->kind);
    db_bind_text(st, 3, programme ? programme : "");
    size_t cap = 16;
    struct pay_batch *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        batch_read(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_batch_lines(struct db *db, int64_t batch_id, struct arena *a, struct batch_line **items,
                      size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT l.id, l.batch_id, l.household_id, l.village_id, h.code, p.name, p.id_number, "
        "v.name, l.area_path, l.note, l.persons, l.standard_fen, l.income_fen, l.amount_fen "
        "FROM payment_batch_lines l JOIN households h ON h.id = l.household_id "
        "LEFT JOIN persons p ON p.id = h.head_person_id JOIN areas v ON v.id = l.village_id "
        "WHERE l.batch_id = $1 ORDER BY v.code, h.code, l.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, batch_id);
    size_t cap = 64;
    struct batch_line *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct batch_line *l = &v[(*n)++];
        l->id = db_col_int(st, 0);
        l->batch_id = db_col_int(st, 1);
        l->household_id = db_col_int(st, 2);
        l->village_id = db_col_int(st, 3);
        l->household_code = st_dup(a, db_col_text(st, 4));
        l->head_name = st_dup(a, db_col_text(st, 5));
        l->head_id_number = st_dup(a, db_col_text(st, 6));
        l->village_name = st_dup(a, db_col_text(st, 7));
        l->area_path = st_dup(a, db_col_text(st, 8));
        l->note = st_dup(a, db_col_text(st, 9));
        l->persons = (int)db_col_int(st, 10);
        l->standard_fen = db_col_int(st, 11);
        l->has_income = !db_col_null(st, 12);
        l->income_fen = db_col_int(st, 12);
        l->amount_fen = db_col_int(st, 13);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_batch_issue(struct db *db, int64_t id, int version, const char *paid_on, int64_t by,
                      int64_t now, struct error *err)
{
    static const char sql[] =
        "UPDATE payment_batches SET status = 'issued', paid_on = $3, issued_by = $4, "
        "issued_at = $5, version = version + 1 WHERE id = $1 AND version = $2 AND "
        "status = 'draft' RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, version);
    db_bind_text(st, 3, paid_on);
    db_bind_id(st, 4, by);
    db_bind_int(st, 5, now);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    return rc < 0 ? rc : 0;
}

int store_batch_pay(struct db *db, const struct pay_batch *b, const char *fund_source, int64_t by,
                    int64_t now, int64_t *n, struct error *err)
{
    static const char sql[] =
        "INSERT INTO payments (programme, household_id, persons, amount_fen, period, "
        "fund_source, paid_on, batch_id, area_path, village_id, created_by, created_at) "
        "SELECT $2, l.household_id, l.persons, l.amount_fen, $3, $4, $5, l.batch_id, "
        "l.area_path, l.village_id, $6, $7 FROM payment_batch_lines l "
        "WHERE l.batch_id = $1 AND l.amount_fen > 0";
    static const char count[] = "SELECT COUNT(*) FROM payments WHERE batch_id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, b->id);
    db_bind_text(st, 2, b->programme);
    db_bind_text(st, 3, b->period);
    db_bind_text(st, 4, fund_source);
    db_bind_text(st, 5, b->paid_on);
    db_bind_id(st, 6, by);
    db_bind_int(st, 7, now);
    if ((rc = db_step_done(st, err)) || (rc = db_prepare(db, count, &st, err)))
        return rc;
    db_bind_int(st, 1, b->id);
    rc = db_step(st, err);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* ---- payments ------------------------------------------------------------- */

int store_payment_insert(struct db *db, struct payment *p, struct error *err)
{
    static const char sql[] =
        "INSERT INTO payments (programme, household_id, persons, amount_fen, period, "
        "fund_source, paid_on, batch_id, area_path, village_id, note, created_by, created_at, "
        "person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
        "RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, p->programme);
    db_bind_int(st, 2, p->household_id);
    db_bind_int(st, 3, p->persons);
    db_bind_int(st, 4, p->amount_fen);
    db_bind_text(st, 5, p->period);
    db_bind_text(st, 6, p->fund_source);
    db_bind_text(st, 7, p->paid_on);
    db_bind_id(st, 8, p->batch_id);
    db_bind_text(st, 9, p->area_path);
    db_bind_int(st, 10, p->village_id);
    db_bind_text(st, 11, p->note);
    db_bind_id(st, 12, p->created_by);
    db_bind_int(st, 13, p->created_at);
    db_bind_id(st, 14, p->person_id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        p->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_payments_of_period(struct db *db, const char *programme, int64_t household_id,
                             const char *period, struct arena *a, struct payment **items, size_t *n,
                             struct error *err)
{
    static const char sql[] =
        "SELECT id, persons, amount_fen, paid_on, note, COALESCE(person_id, 0) FROM payments "
        "WHERE household_id = $1 AND "
        "programme = $2 AND period = $3 ORDER BY id LIMIT 100";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_text(st, 2, programme);
    db_bind_text(st, 3, period);
    size_t cap = 4;
    struct payment *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct payment *p = &v[(*n)++];
        memset(p, 0, sizeof(*p));
        p->id = db_col_int(st, 0);
        p->household_id = household_id;
        p->programme = programme;
        p->period = period;
        p->persons = (int)db_col_int(st, 1);
        p->amount_fen = db_col_int(st, 2);
        p->paid_on = st_dup(a, db_col_text(st, 3));
        p->note = st_dup(a, db_col_text(st, 4));
        p->person_id = db_col_int(st, 5);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

/* The payment filter after the scope ($1-$3): programme, area, paid_on bounds, household. */
#define PAY_WHERE                                                                                  \
    " FROM payments p JOIN households h ON h.id = p.household_id WHERE" HH_SCOPE(                  \
        "p.area_path") "AND ($4 = '' OR p.programme = $4) AND ($5 = '' OR p.area_path LIKE $5 || " \
                       "'%') "                                                                     \
                       "AND ($6 = '' OR p.paid_on >= $6) AND ($7 = '' OR p.paid_on <= $7) "        \
                       "AND ($8 = 0 OR p.household_id = $8) "

static void bind_filter(struct db_stmt *st, const struct scope *sc, const struct payment_filter *f)
{
    bind_scope(st, sc);
    db_bind_text(st, 4, f->programme ? f->programme : "");
    db_bind_text(st, 5, f->in_path ? f->in_path : "");
    db_bind_text(st, 6, f->from ? f->from : "");
    db_bind_text(st, 7, f->to ? f->to : "");
    db_bind_int(st, 8, f->household_id);
}

int store_payment_list(struct db *db, const struct scope *sc, const struct payment_filter *f,
                       struct arena *a, struct payment **items, size_t *n, int64_t *total,
                       struct error *err)
{
    static const char count[] = "SELECT COUNT(*)" PAY_WHERE;
    static const char page[] =
        "SELECT p.id, p.household_id, COALESCE(p.batch_id, 0), p.village_id, p.programme, h.code, "
        "(SELECT hp.name FROM persons hp WHERE hp.id = h.head_person_id), "
        "(SELECT v.name FROM areas v WHERE v.id = p.village_id), p.persons, p.amount_fen, "
        "p.period, p.fund_source, p.paid_on, p.area_path, p.note, COALESCE(p.created_by, 0), "
        "p.created_at, COALESCE(p.person_id, 0), "
        "(SELECT pp.name FROM persons pp WHERE pp.id = p.person_id)" PAY_WHERE
        "ORDER BY p.paid_on DESC, p.id DESC LIMIT $9 OFFSET $10";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    *total = 0;
    int rc = db_prepare(db, count, &st, err);
    if (rc)
        return rc;
    bind_filter(st, sc, f);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *total = db_col_int(st, 0);
    db_finish(st);
    if (rc < 0 || (rc = db_prepare(db, page, &st, err)))
        return rc;
    bind_filter(st, sc, f);
    db_bind_int(st, 9, f->page_size);
    db_bind_int(st, 10, (f->page - 1) * f->page_size);
    size_t cap = 32;
    struct payment *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct payment *p = &v[(*n)++];
        p->id = db_col_int(st, 0);
        p->household_id = db_col_int(st, 1);
        p->batch_id = db_col_int(st, 2);
        p->village_id = db_col_int(st, 3);
        p->programme = st_dup(a, db_col_text(st, 4));
        p->household_code = st_dup(a, db_col_text(st, 5));
        p->head_name = st_dup(a, db_col_text(st, 6));
        p->village_name = st_dup(a, db_col_text(st, 7));
        p->persons = (int)db_col_int(st, 8);
        p->amount_fen = db_col_int(st, 9);
        p->period = st_dup(a, db_col_text(st, 10));
        p->fund_source = st_dup(a, db_col_text(st, 11));
        p->paid_on = st_dup(a, db_col_text(st, 12));
        p->area_path = st_dup(a, db_col_text(st, 13));
        p->note = st_dup(a, db_col_text(st, 14));
        p->created_by = db_col_int(st, 15);
        p->created_at = db_col_int(st, 16);
        p->person_id = db_col_int(st, 17);
        p->person_name = st_dup(a, db_col_text(st, 18));
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

/*
 * Per group key and household: the persons (the largest, over the
 * household's programmes and periods, of the persons of its lines of one
 * programme and period added up: two children paid one line each count
 * two) and the amount, then summed per key.
 */
#define TOTALS_INNER(key)                                                                          \
    "SELECT q.k AS k, q.hid AS hid, MAX(q.sp) AS mp, SUM(q.amt) AS amt FROM (SELECT " key          \
    " AS k, p.household_id AS hid, SUM(p.persons) AS sp, SUM(p.amount_fen) AS amt" PAY_WHERE       \
    "GROUP BY " key ", p.household_id, p.programme, p.period) q GROUP BY q.k, q.hid"

int store_payment_totals(struct db *db, const struct scope *sc, const struct payment_filter *f,
                         bool by_village, struct arena *a, struct payment_total **items, size_t *n,
                         struct payment_total *all, struct error *err)
{
    static const char by_prog[] =
        "SELECT t.k, t.k, COUNT(*), SUM(t.mp), SUM(t.amt) FROM (" TOTALS_INNER(
            "p.programme") ") t GROUP BY t.k ORDER BY t.k";
    static const char by_vill[] =
        "SELECT t.k, v.name, COUNT(*), SUM(t.mp), SUM(t.amt) FROM (" TOTALS_INNER(
            "p.village_id") ") t JOIN areas v ON v.id = t.k GROUP BY t.k, v.name, v.code "
                            "ORDER BY v.code";
    static const char whole[] =
        "SELECT COUNT(*), SUM(t.mp), SUM(t.amt) FROM (" TOTALS_INNER("p.household_id") ") t";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    memset(all, 0, sizeof(*all));
    int rc = db_prepare(db, by_village ? by_vill : by_prog, &st, err);
    if (rc)
        return rc;
    bind_filter(st, sc, f);
    size_t cap = 16;
    struct payment_total *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct payment_total *t = &v[(*n)++];
        t->key = st_dup(a, db_col_text(st, 0));
        t->name = st_dup(a, db_col_text(st, 1));
        t->households = db_col_int(st, 2);
        t->persons = db_col_int(st, 3);
        t->amount_fen = db_col_int(st, 4);
    }
    db_finish(st);
    *items = v;
    if (rc < 0 || (rc = db_prepare(db, whole, &st, err)))
        return rc;
    bind_filter(st, sc, f);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        all->key = "all";
        all->households = db_col_int(st, 0);
        all->persons = db_col_int(st, 1);
        all->amount_fen = db_col_int(st, 2);
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_benefit_households(struct db *db, const char *path, struct arena *a,
                             struct benefit_household **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT h.id, h.village_id, h.area_path, "
        "(SELECT COUNT(*) FROM persons p WHERE p.household_id = h.id AND p.status = 'active'), "
        "COALESCE((SELECT MAX(CASE WHEN c.category = 'dibao' THEN 1 ELSE 0 END) FROM "
        "household_categories c WHERE c.household_id = h.id), 0), "
        "COALESCE((SELECT MAX(CASE WHEN c.category IN ('tuopin', 'jiance') THEN 1 ELSE 0 END) "
        "FROM household_categories c WHERE c.household_id = h.id), 0) "
        "FROM households h WHERE h.area_path LIKE $1 || '%' AND h.dissolved_on IS NULL "
        "ORDER BY h.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, path);
    size_t cap = 256;
    struct benefit_household *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct benefit_household *h = &v[(*n)++];
        h->id = db_col_int(st, 0);
        h->village_id = db_col_int(st, 1);
        h->area_path = st_dup(a, db_col_text(st, 2));
        h->members = (int)db_col_int(st, 3);
        h->dibao = db_col_int(st, 4) != 0;
        h->poor = db_col_int(st, 5) != 0;
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}
