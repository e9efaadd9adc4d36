/* store_person.c - SQL for persons, their memberships and duplicates, guarantees and incomes. */
#include <stdlib.h>

#include "store_int.h"
#include "store_registry.h"
#include "banned.h"

#define P_COLS                                                                                     \
    "p.id, COALESCE(p.household_id, 0), hh.code, p.name, p.id_number, p.sex, p.birth_date, "       \
    "p.phone, p.relation, p.labour, p.disability, p.schooling, p.health, p.work, p.status, "       \
    "p.insured_medical, p.insured_serious, p.insured_pension, COALESCE(p.merged_into, 0), "        \
    "COALESCE(p.village_id, 0), p.area_path, m.joined_on, m.join_reason, p.version, "              \
    "p.created_at, p.updated_at "
#define P_FROM                                                                                     \
    " FROM persons p LEFT JOIN households hh ON hh.id = p.household_id LEFT JOIN memberships m "   \
    "ON m.person_id = p.id AND m.left_on IS NULL "

static void p_read(struct db_stmt *st, struct arena *a, struct person *p)
{
    p->id = db_col_int(st, 0);
    p->household_id = db_col_int(st, 1);
    p->household_code = st_dup(a, db_col_text(st, 2));
    p->name = st_dup(a, db_col_text(st, 3));
    p->id_number = st_dup(a, db_col_text(st, 4));
    p->sex = st_dup(a, db_col_text(st, 5));
    p->birth_date = st_dup(a, db_col_text(st, 6));
    p->phone = st_dup(a, db_col_text(st, 7));
    p->relation = st_dup(a, db_col_text(st, 8));
    p->labour = st_dup(a, db_col_text(st, 9));
    p->disability = st_dup(a, db_col_text(st, 10));
    p->schooling = st_dup(a, db_col_text(st, 11));
    p->health = st_dup(a, db_col_text(st, 12));
    p->work = st_dup(a, db_col_text(st, 13));
    p->status = st_dup(a, db_col_text(st, 14));
    p->insured_medical = (int)db_col_int(st, 15);
    p->insured_serious = (int)db_col_int(st, 16);
    p->insured_pension = (int)db_col_int(st, 17);
    p->merged_into = db_col_int(st, 18);
    p->village_id = db_col_int(st, 19);
    p->area_path = st_dup(a, db_col_text(st, 20));
    p->joined_on = st_dup(a, db_col_text(st, 21));
    p->join_reason = st_dup(a, db_col_text(st, 22));
    p->version = (int)db_col_int(st, 23);
    p->created_at = db_col_int(st, 24);
    p->updated_at = db_col_int(st, 25);
}

/* Persons in scope: by their (last) area path, area and pairing as for households. */
static void p_scope(struct st_query *q, const struct scope *sc)
{
    st_where_add(q, "p.area_path LIKE CAST($# AS TEXT) || '%'", true, scope_prefix(sc), 0);
    if (sc->kind == SCOPE_AREA)
        st_where_add(q, "(p.village_id = $# OR hh.grid_id = $# OR hh.group_id = $#)", false, NULL,
                     sc->area_id);
    else if (sc->kind == SCOPE_OWN)
        st_where_add(q,
                     "EXISTS (SELECT 1 FROM household_pairs hpr JOIN assist_cadres ac ON ac.id = "
                     "hpr.cadre_id WHERE hpr.household_id = p.household_id AND hpr.until_on IS "
                     "NULL AND ac.user_id = $#)",
                     false, NULL, sc->user_id);
}

static void p_bind(struct db_stmt *st, const struct person *p)
{
    db_bind_id(st, 1, p->household_id);
    db_bind_text(st, 2, p->name);
    db_bind_text(st, 3, p->id_number);
    db_bind_text(st, 4, p->sex);
    db_bind_text(st, 5, p->birth_date);
    db_bind_text(st, 6, p->phone);
    db_bind_text(st, 7, p->relation);
    db_bind_text(st, 8, p->labour);
    db_bind_text(st, 9, p->disability);
    db_bind_text(st, 10, p->schooling);
    db_bind_text(st, 11, p->health);
    db_bind_text(st, 12, p->work);
    db_bind_int(st, 13, p->insured_medical);
    db_bind_int(st, 14, p->insured_serious);
    db_bind_int(st, 15, p->insured_pension);
    db_bind_text(st, 16, p->status ? p->status : "active");
    db_bind_id(st, 17, p->village_id);
    db_bind_text(st, 18, p->area_path);
    db_bind_int(st, 19, p->updated_at);
}

int store_person_insert(struct db *db, struct person *p, struct error *err)
{
    static const char sql[] =
        "INSERT INTO persons (household_id, name, id_number, sex, birth_date, phone, relation, "
        "labour, disability, schooling, health, work, insured_medical, insured_serious, "
        "insured_pension, status, village_id, area_path, updated_at, created_at, created_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
        "$19, $19, $20) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    p_bind(st, p);
    db_bind_id(st, 20, 0);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        p->id = db_col_int(st, 0);
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "id_number", "身份证号已登记");
    if (rc < 0 || (rc = store__count_person(db, p->id, 1, err)))
        return rc;
    p->version = 1;
    p->created_at = p->updated_at;
    return 0;
}

int store_person_update(struct db *db, struct person *p, struct error *err)
{
    static const char sql[] =
        "UPDATE persons SET household_id = $1, name = $2, id_number = $3, sex = $4, "
        "birth_date = $5, phone = $6, relation = $7, labour = $8, disability = $9, schooling = "
        "$10, health = $11, work = $12, insured_medical = $13, insured_serious = $14, "
        "insured_pension = $15, status = $16, village_id = $17, area_path = $18, updated_at = $19, "
        "version = version + 1 WHERE id = $20 AND version = $21 RETURNING version";
    struct db_stmt *st;
    int rc = store__count_person(db, p->id, -1, err);
    if (rc || (rc = db_prepare(db, sql, &st, err)))
        return rc;
    p_bind(st, p);
    db_bind_int(st, 20, p->id);
    db_bind_int(st, 21, p->version);
    rc = db_step(st, err);
    int v = rc == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "id_number", "身份证号已登记");
    if (rc < 0)
        return rc;
    if (!v) /* the transaction rolls back, the counter with it */
        return err_set(err, ZW_ESTALE, NULL, "该人员记录已被他人修改，请刷新后重试");
    if ((rc = store__count_person(db, p->id, 1, err)))
        return rc;
    p->version = v;
    return 0;
}

int store_person_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                     struct person *out, struct error *err)
{
    struct st_query q = {0};
    buf_adds(&q.where, " WHERE 1 = 1");
    p_scope(&q, sc);
    st_where_add(&q, "p.id = $#", false, NULL, id);
    const char *sql = arena_printf(a, "SELECT " P_COLS P_FROM "%s", q.where.ptr);
    buf_release(&q.where);
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    st_list_bind(st, &q);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        p_read(st, a, out);
    db_finish(st);
    if (rc < 0)
        return rc;
    return rc == DB_ROW ? 0 : err_set(err, ZW_ENOTFOUND, NULL, "人员不存在或不在您的管辖范围内");
}

int store_person_list(struct db *db, const struct scope *sc, const struct person_filter *f,
                      struct arena *a, struct person **items, size_t *n, int64_t *total,
                      struct error *err)
{
    struct st_query q = {0};
    buf_adds(&q.where, " WHERE p.status <> 'merged'");
    p_scope(&q, sc);
    if (f->in_path)
        st_where_add(&q, "p.area_path LIKE CAST($# AS TEXT) || '%'", true, f->in_path, 0);
    const char *like = f->q && *f->q ? st_like_escape(a, f->q) : NULL;
    if (like)
        st_where_add(&q,
                     "(p.name LIKE CAST($# AS TEXT) || '%' ESCAPE '\\' OR p.id_number = "
                     "upper($#) OR hh.code = $#)",
                     true, like, 0);
    *items = NULL;
    *n = 0;
    *total = 0;
    const char *sql_count = arena_printf(a, "SELECT COUNT(*)" P_FROM "%s", q.where.ptr);
    const char *sql = arena_printf(
        a, "SELECT " P_COLS P_FROM "%s ORDER BY p.name, p.id LIMIT %lld OFFSET %lld", q.where.ptr,
        (long long)f->page_size, (long long)((f->page - 1) * f->page_size));
    buf_release(&q.where);
    struct db_stmt *st;
    int rc = st_query_count(db, sql_count, &q, total, err);
    if (rc || (rc = db_prepare(db, sql, &st, err)))
        return rc;
    st_list_bind(st, &q);
    size_t cap = 32, cnt = 0;
    struct person *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        p_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_household_members(struct db *db, int64_t household_id, struct arena *a,
                            struct person **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT " P_COLS P_FROM "WHERE p.household_id = $1 AND p.status = 'active' ORDER BY "
        "CASE WHEN hh.head_person_id = p.id THEN 0 ELSE 1 END, p.birth_date, p.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8, cnt = 0;
    struct person *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        p_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_person_by_id_number(struct db *db, const char *id_number, int64_t *id, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT id FROM persons WHERE id_number = $1 AND status <> 'merged'",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id_number);
    rc = db_step(st, err);
    *id = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_person_likely_dups(struct db *db, int64_t self, const char *name, const char *birth_date,
                             int64_t village_id, struct arena *a, int64_t **ids, size_t *n,
                             struct error *err)
{
    struct db_stmt *st;
    *ids = NULL;
    *n = 0;
    int rc = db_prepare(db,
                        "SELECT id FROM persons WHERE name = $1 AND birth_date = $2 AND "
                        "village_id = $3 AND id <> $4 AND status = 'active' ORDER BY id LIMIT 10",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, birth_date);
    db_bind_int(st, 3, village_id);
    db_bind_int(st, 4, self);
    return st_ids(st, a, ids, n, err); /* LIMIT 10 */
}

int store_membership_open(struct db *db, int64_t person_id, int64_t household_id, const char *on,
                          const char *reason, int64_t now, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO memberships (person_id, household_id, joined_on, join_reason, "
                        "created_at) VALUES ($1, $2, $3, $4, $5)",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, person_id);
    db_bind_int(st, 2, household_id);
    db_bind_text(st, 3, on);
    db_bind_text(st, 4, reason);
    db_bind_int(st, 5, now);
    rc = db_step_done(st, err);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "personId", "此人已是另一户的成员，请先办理迁出");
    return rc;
}

int store_membership_close(struct db *db, int64_t person_id, const char *on, const char *reason,
                           struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "UPDATE memberships SET left_on = $2, leave_reason = $3 WHERE person_id = "
                        "$1 AND left_on IS NULL RETURNING id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, person_id);
    db_bind_text(st, 2, on);
    db_bind_text(st, 3, reason);
    rc = db_step(st, err);
    db_finish(st);
    if (rc < 0)
        return rc;
    return rc == DB_ROW ? 0 : err_set(err, ZW_ENOTFOUND, NULL, "此人目前不在任何户中");
}

int store_household_memberships(struct db *db, int64_t household_id, struct arena *a,
                                struct membership **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT m.id, m.person_id, m.household_id, p.name, m.joined_on, m.join_reason, "
        "m.left_on, m.leave_reason FROM memberships m JOIN persons p ON p.id = m.person_id "
        "WHERE m.household_id = $1 ORDER BY m.joined_on, m.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8, cnt = 0;
    struct membership *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct membership *m = &v[cnt++];
        m->id = db_col_int(st, 0);
        m->person_id = db_col_int(st, 1);
        m->household_id = db_col_int(st, 2);
        m->person_name = st_dup(a, db_col_text(st, 3));
        m->joined_on = st_dup(a, db_col_text(st, 4));
        m->join_reason = st_dup(a, db_col_text(st, 5));
        m->left_on = st_dup(a, db_col_text(st, 6));
        m->leave_reason = st_dup(a, db_col_text(st, 7));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_household_members_on(struct db *db, int64_t household_id, const char *on, int *n,
                               struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT COUNT(DISTINCT person_id) FROM memberships WHERE household_id = $1 "
                        "AND joined_on <= $2 AND (left_on IS NULL OR left_on > $2)",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_text(st, 2, on);
    rc = db_step(st, err);
    *n = rc == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

/* ---- guarantees and incomes ---------------------------------------------- */

#define G_COLS                                                                                     \
    "g.id, g.household_id, g.kind, g.ok, g.rating, g.values_json, g.checked_on, g.checker_name, "  \
    "g.note, COALESCE(g.checked_by, 0), g.created_at "

static void g_read(struct db_stmt *st, struct arena *a, struct guarantee_check *g)
{
    g->id = db_col_int(st, 0);
    g->household_id = db_col_int(st, 1);
    g->kind = st_dup(a, db_col_text(st, 2));
    g->ok = (int)db_col_int(st, 3);
    g->rating = st_dup(a, db_col_text(st, 4));
    g->values_json = st_dup(a, db_col_text(st, 5));
    g->checked_on = st_dup(a, db_col_text(st, 6));
    g->checker_name = st_dup(a, db_col_text(st, 7));
    g->note = st_dup(a, db_col_text(st, 8));
    g->checked_by = db_col_int(st, 9);
    g->created_at = db_col_int(st, 10);
}

int store_guarantee_insert(struct db *db, struct guarantee_check *g, struct error *err)
{
    static const char sql[] =
        "INSERT INTO guarantee_checks (household_id, kind, ok, rating, values_json, checked_on, "
        "checked_by, checker_name, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, g->household_id);
    db_bind_text(st, 2, g->kind);
    db_bind_int(st, 3, g->ok);
    db_bind_text(st, 4, g->rating);
    db_bind_text(st, 5, g->values_json);
    db_bind_text(st, 6, g->checked_on);
    db_bind_id(st, 7, g->checked_by);
    db_bind_text(st, 8, g->checker_name);
    db_bind_text(st, 9, g->note);
    db_bind_int(st, 10, g->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        g->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

static int g_list(struct db *db, const char *sql, int64_t household_id, struct arena *a,
                  struct guarantee_check **items, size_t *n, struct error *err)
{
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8, cnt = 0;
    struct guarantee_check *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        g_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_guarantee_current(struct db *db, int64_t household_id, struct arena *a,
                            struct guarantee_check **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT " G_COLS "FROM guarantee_checks g WHERE g.household_id = $1 AND NOT EXISTS "
        "(SELECT 1 FROM guarantee_checks g2 WHERE g2.household_id = g.household_id AND g2.kind = "
        "g.kind AND (g2.checked_on > g.checked_on OR (g2.checked_on = g.checked_on AND g2.id > "
        "g.id))) ORDER BY g.kind";
    return g_list(db, sql, household_id, a, items, n, err);
}

int store_guarantee_history(struct db *db, int64_t household_id, struct arena *a,
                            struct guarantee_check **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " G_COLS "FROM guarantee_checks g WHERE g.household_id = "
                              "$1 ORDER BY g.checked_on DESC, g.id DESC";
    return g_list(db, sql, household_id, a, items, n, err);
}

int store_income_insert(struct db *db, struct income *in, struct error *err)
{
    static const char sql[] =
        "INSERT INTO incomes (household_id, year, assessed_on, wages, business, property, "
        "transfers, expenses, members, net, per_person, source, created_by, created_at) VALUES "
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, in->household_id);
    db_bind_int(st, 2, in->year);
    db_bind_text(st, 3, in->assessed_on);
    db_bind_int(st, 4, in->wages);
    db_bind_int(st, 5, in->business);
    db_bind_int(st, 6, in->property);
    db_bind_int(st, 7, in->transfers);
    db_bind_int(st, 8, in->expenses);
    db_bind_int(st, 9, in->members);
    db_bind_int(st, 10, in->net);
    db_bind_int(st, 11, in->per_person);
    db_bind_text(st, 12, in->source);
    db_bind_id(st, 13, in->created_by);
    db_bind_int(st, 14, in->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        in->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_income_list(struct db *db, int64_t household_id, struct arena *a, struct income **items,
                      size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT id, household_id, year, assessed_on, wages, business, property, transfers, "
        "expenses, members, net, per_person, source, COALESCE(created_by, 0), created_at FROM "
        "incomes WHERE household_id = $1 ORDER BY assessed_on DESC, id DESC";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8, cnt = 0;
    struct income *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct income *x = &v[cnt++];
        x->id = db_col_int(st, 0);
        x->household_id = db_col_int(st, 1);
        x->year = (int)db_col_int(st, 2);
        x->assessed_on = st_dup(a, db_col_text(st, 3));
        x->wages = db_col_int(st, 4);
        x->business = db_col_int(st, 5);
        x->property = db_col_int(st, 6);
        x->transfers = db_col_int(st, 7);
        x->expenses = db_col_int(st, 8);
        x->members = (int)db_col_int(st, 9);
        x->net = db_col_int(st, 10);
        x->per_person = db_col_int(st, 11);
        x->source = st_dup(a, db_col_text(st, 12));
        x->created_by = db_col_int(st, 13);
        x->created_at = db_col_int(st, 14);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

/* ---- duplicates ---------------------------------------------------------- */

#define DUP_COLS                                                                                   \
    "d.id, d.person_id, d.other_id, d.reason, d.status, p.name, o.name, p.birth_date, v.name, "    \
    "d.created_at "
#define DUP_FROM                                                                                   \
    " FROM person_duplicates d JOIN persons p ON p.id = d.person_id JOIN persons o ON o.id = "     \
    "d.other_id LEFT JOIN areas v ON v.id = p.village_id "

static void dup_read(struct db_stmt *st, struct arena *a, struct person_dup *d)
{
    d->id = db_col_int(st, 0);
    d->person_id = db_col_int(st, 1);
    d->other_id = db_col_int(st, 2);
    d->reason = st_dup(a, db_col_text(st, 3));
    d->status = st_dup(a, db_col_text(st, 4));
    d->person_name = st_dup(a, db_col_text(st, 5));
    d->other_name = st_dup(a, db_col_text(st, 6));
    d->birth_date = st_dup(a, db_col_text(st, 7));
    d->village_name = st_dup(a, db_col_text(st, 8));
    d->created_at = db_col_int(st, 9);
}

int store_person_dup_add(struct db *db, int64_t person_id, int64_t other_id, const char *reason,
                         const char *area_path, int64_t now, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO person_duplicates (person_id, other_id, reason, area_path, "
                        "created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, "
                        "other_id) DO NOTHING",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, person_id);
    db_bind_int(st, 2, other_id);
    db_bind_text(st, 3, reason);
    db_bind_text(st, 4, area_path);
    db_bind_int(st, 5, now);
    return db_step_done(st, err);
}

int store_person_dups_flag_from(struct db *db, int64_t first_id, int64_t now, struct error *err)
{
    static const char sql[] =
        "INSERT INTO person_duplicates (person_id, other_id, reason, area_path, created_at) "
        "SELECT a.id, b.id, 'name_birth', a.area_path, $2 FROM persons a JOIN persons b ON "
        "b.name = a.name AND b.birth_date = a.birth_date AND b.village_id = a.village_id AND "
        "b.id < a.id AND b.status = 'active' WHERE a.id >= $1 AND a.status = 'active' "
        "ON CONFLICT (person_id, other_id) DO NOTHING";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, first_id);
    db_bind_int(st, 2, now);
    return db_step_done(st, err);
}

int store_person_dup_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                         struct person_dup *out, struct error *err)
{
    static const char sql[] =
        "SELECT " DUP_COLS DUP_FROM "WHERE d.id = $1 AND d.area_path LIKE CAST($2 AS TEXT) || '%'";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, scope_prefix(sc));
    rc = db_step(st, err);
    if (rc == DB_ROW)
        dup_read(st, a, out);
    db_finish(st);
    if (rc < 0)
        return rc;
    return rc == DB_ROW ? 0 : err_set(err, ZW_ENOTFOUND, NULL, "疑似重复记录不存在");
}

int store_person_dup_list(struct db *db, const struct scope *sc, const char *status,
                          struct arena *a, struct person_dup **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " DUP_COLS DUP_FROM
                              "WHERE d.status = $1 AND d.area_path LIKE CAST($2 AS TEXT) || '%' "
                              "ORDER BY d.id DESC LIMIT 500";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, status);
    db_bind_text(st, 2, scope_prefix(sc));
    size_t cap = 16, cnt = 0;
    struct person_dup *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        dup_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_person_dup_resolve(struct db *db, int64_t id, const char *status, int64_t by, int64_t now,
                             struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "UPDATE person_duplicates SET status = $2, resolved_by = $3, resolved_at = "
                        "$4 WHERE id = $1 AND status = 'open' RETURNING id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, status);
    db_bind_id(st, 3, by);
    db_bind_int(st, 4, now);
    rc = db_step(st, err);
    db_finish(st);
    if (rc < 0)
        return rc;
    return rc == DB_ROW ? 0 : err_set(err, ZW_ECONFLICT, NULL, "该疑似重复记录已处理");
}

int store_person_merge(struct db *db, int64_t drop, int64_t keep, int64_t now, struct error *err)
{
    /* $1 is always the dropped record; arg says what $2 is: 0 none, 1 keep, 2 now; 3: $2 keep, $3
     * now. */
    static const struct {
        const char *sql;
        int arg;
    } steps[] = {
        {"UPDATE memberships SET left_on = COALESCE(left_on, joined_on), leave_reason = "
         "COALESCE(leave_reason, 'merged') WHERE person_id = $1",
         0},
        {"UPDATE registry_history SET person_id = $2 WHERE person_id = $1", 1},
        {"UPDATE households SET head_person_id = $2 WHERE head_person_id = $1", 1},
        {"UPDATE person_duplicates SET status = 'merged', resolved_at = $2 WHERE status = 'open' "
         "AND (person_id = $1 OR other_id = $1)",
         2},
        {"UPDATE persons SET status = 'merged', merged_into = $2, household_id = NULL, updated_at "
         "= $3, version = version + 1 WHERE id = $1",
         3},
    };
    int rc = store__count_person(db, drop, -1, err);
    for (size_t i = 0; !rc && i < sizeof(steps) / sizeof(steps[0]); i++) {
        struct db_stmt *st;
        if ((rc = db_prepare(db, steps[i].sql, &st, err)))
            return rc;
        db_bind_int(st, 1, drop);
        if (steps[i].arg == 1 || steps[i].arg == 3)
            db_bind_int(st, 2, keep);
        if (steps[i].arg == 2)
            db_bind_int(st, 2, now);
        if (steps[i].arg == 3)
            db_bind_int(st, 3, now);
        rc = db_step_done(st, err);
    }
    return rc ? rc : store__count_person(db, drop, 1, err);
}
