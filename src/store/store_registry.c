/* store_registry.c - SQL for households and their categories, and the history of changes. */
#include <stdlib.h>

#include "store_int.h"
#include "store_registry.h"
#include "banned.h"

#define HH_COLS                                                                                    \
    "h.id, h.code, h.village_id, v.code, v.name, COALESCE(h.group_id, 0), g.name, "                \
    "COALESCE(h.grid_id, 0), w.name, h.area_path, h.address, h.phone, h.note, "                    \
    "COALESCE(h.head_person_id, 0), hp.name, hp.id_number, COALESCE(h.poor_year, 0), "             \
    "COALESCE(h.exit_year, 0), h.monitor_status, h.monitor_category, h.monitor_risks, "            \
    "h.monitor_since, h.eliminated_on, h.dissolved_on, (SELECT COUNT(*) FROM persons m WHERE "     \
    "m.household_id = h.id AND m.status = 'active'), h.version, COALESCE(h.created_by, 0), "       \
    "h.created_at, h.updated_at "
#define HH_FROM                                                                                    \
    " FROM households h JOIN areas v ON v.id = h.village_id LEFT JOIN areas g ON g.id = "          \
    "h.group_id LEFT JOIN areas w ON w.id = h.grid_id LEFT JOIN persons hp ON hp.id = "            \
    "h.head_person_id "

static void hh_read(struct db_stmt *st, struct arena *a, struct household *h)
{
    h->id = db_col_int(st, 0);
    h->code = st_dup(a, db_col_text(st, 1));
    h->village_id = db_col_int(st, 2);
    h->village_code = st_dup(a, db_col_text(st, 3));
    h->village_name = st_dup(a, db_col_text(st, 4));
    h->group_id = db_col_int(st, 5);
    h->group_name = st_dup(a, db_col_text(st, 6));
    h->grid_id = db_col_int(st, 7);
    h->grid_name = st_dup(a, db_col_text(st, 8));
    h->area_path = st_dup(a, db_col_text(st, 9));
    h->address = st_dup(a, db_col_text(st, 10));
    h->phone = st_dup(a, db_col_text(st, 11));
    h->note = st_dup(a, db_col_text(st, 12));
    h->head_person_id = db_col_int(st, 13);
    h->head_name = st_dup(a, db_col_text(st, 14));
    h->head_id_number = st_dup(a, db_col_text(st, 15));
    h->poor_year = (int)db_col_int(st, 16);
    h->exit_year = (int)db_col_int(st, 17);
    h->monitor_status = st_dup(a, db_col_text(st, 18));
    h->monitor_category = st_dup(a, db_col_text(st, 19));
    h->monitor_risks = st_dup(a, db_col_text(st, 20));
    h->monitor_since = st_dup(a, db_col_text(st, 21));
    h->eliminated_on = st_dup(a, db_col_text(st, 22));
    h->dissolved_on = st_dup(a, db_col_text(st, 23));
    h->members = (int)db_col_int(st, 24);
    h->version = (int)db_col_int(st, 25);
    h->created_by = db_col_int(st, 26);
    h->created_at = db_col_int(st, 27);
    h->updated_at = db_col_int(st, 28);
    h->categories = "";
}

/*
 * The scope of households as composed conditions: the path prefix; for an
 * area-scoped user their village, group or grid; for an own-scoped user
 * (帮扶责任人) the households they are paired with.
 */
static void hh_scope(struct st_query *q, const struct scope *sc)
{
    st_where_add(q, "h.area_path LIKE CAST($# AS TEXT) || '%'", true, scope_prefix(sc), 0);
    if (sc->kind == SCOPE_AREA)
        st_where_add(q, "(h.village_id = $# OR h.grid_id = $# OR h.group_id = $#)", false, NULL,
                     sc->area_id);
    else if (sc->kind == SCOPE_OWN)
        st_where_add(q,
                     "EXISTS (SELECT 1 FROM household_pairs hpr JOIN assist_cadres ac ON ac.id = "
                     "hpr.cadre_id WHERE hpr.household_id = h.id AND hpr.until_on IS NULL AND "
                     "ac.user_id = $#)",
                     false, NULL, sc->user_id);
}

/* Fills categories (comma separated, sorted) of the households v[0..n). */
static int hh_categories(struct db *db, struct arena *a, struct household *v, size_t n,
                         struct error *err)
{
    if (!n)
        return 0;
    int64_t *ids = arena_alloc(a, n * sizeof(*ids));
    for (size_t i = 0; i < n; i++)
        ids[i] = v[i].id;
    const char *cond;
    const char *list = st_ids_param(db, a, ids, n, "household_id", &cond);
    const char *sql = arena_printf(a,
                                   "SELECT household_id, category FROM household_categories "
                                   "WHERE %s ORDER BY household_id, category",
                                   cond);
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, list);
    while ((rc = db_step(st, err)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        const char *cat = db_col_text(st, 1);
        for (size_t i = 0; i < n; i++)
            if (v[i].id == id)
                v[i].categories = *v[i].categories ? arena_printf(a, "%s,%s", v[i].categories, cat)
                                                   : arena_strdup(a, cat);
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

static int add_categories(struct db *db, int64_t id, const char *const *categories, size_t n,
                          const char *since, struct error *err)
{
    for (size_t i = 0; i < n; i++) {
        struct db_stmt *st;
        int rc = db_prepare(db,
                            "INSERT INTO household_categories (household_id, category, since) "
                            "VALUES ($1, $2, $3) ON CONFLICT (household_id, category) DO NOTHING",
                            &st, err);
        if (rc)
            return rc;
        db_bind_int(st, 1, id);
        db_bind_text(st, 2, categories[i]);
        db_bind_text(st, 3, since);
        if ((rc = db_step_done(st, err)))
            return rc;
    }
    return 0;
}

int store_household_insert(struct db *db, struct household *h, const char *const *categories,
                           size_t ncategories, struct error *err)
{
    static const char sql[] =
        "INSERT INTO households (code, village_id, group_id, grid_id, area_path, address, phone, "
        "note, poor_year, exit_year, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, h->code);
    db_bind_int(st, 2, h->village_id);
    db_bind_id(st, 3, h->group_id);
    db_bind_id(st, 4, h->grid_id);
    db_bind_text(st, 5, h->area_path);
    db_bind_text(st, 6, h->address);
    db_bind_text(st, 7, h->phone);
    db_bind_text(st, 8, h->note);
    db_bind_id(st, 9, h->poor_year);
    db_bind_id(st, 10, h->exit_year);
    db_bind_id(st, 11, h->created_by);
    db_bind_int(st, 12, h->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        h->id = db_col_int(st, 0);
    db_finish(st);
    if (rc < 0)
        return rc == ZW_ECONFLICT ? err_set(err, ZW_ECONFLICT, "code", "户编号“%s”已存在", h->code)
                                  : rc;
    if ((rc = store__count_household(db, h->id, 1, err)))
        return rc;
    h->version = 1;
    h->updated_at = h->created_at;
    return add_categories(db, h->id, categories, ncategories, NULL, err);
}

/* The scope conditions of hh_scope as fixed text, $1 prefix and $2 area or user, $3 the id. */
#define HH_GET_PATH "SELECT " HH_COLS HH_FROM "WHERE h.area_path LIKE CAST($1 AS TEXT) || '%' "

int store_household_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                        struct household *out, struct error *err)
{
    /* One statement text per scope kind: a household page reads this often. */
    static const char sql_path[] = HH_GET_PATH "AND $2 = 0 AND h.id = $3";
    static const char sql_area[] =
        HH_GET_PATH "AND (h.village_id = $2 OR h.grid_id = $2 OR h.group_id = $2) AND h.id = $3";
    static const char sql_own[] =
        HH_GET_PATH "AND EXISTS (SELECT 1 FROM household_pairs hpr JOIN assist_cadres ac ON ac.id "
                    "= hpr.cadre_id WHERE hpr.household_id = h.id AND hpr.until_on IS NULL AND "
                    "ac.user_id = $2) AND h.id = $3";
    const char *sql = sc->kind == SCOPE_AREA  ? sql_area
                      : sc->kind == SCOPE_OWN ? sql_own
                                              : sql_path;
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2,
                sc->kind == SCOPE_AREA  ? sc->area_id
                : sc->kind == SCOPE_OWN ? sc->user_id
                                        : 0);
    db_bind_int(st, 3, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        hh_read(st, a, out);
    db_finish(st);
    if (rc < 0)
        return rc;
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "户不存在或不在您的管辖范围内");
    return hh_categories(db, a, out, 1, err);
}

int store_household_update(struct db *db, struct household *h, struct error *err)
{
    static const char sql[] =
        "UPDATE households SET group_id = $1, grid_id = $2, area_path = $3, address = $4, "
        "phone = $5, note = $6, head_person_id = $7, poor_year = $8, exit_year = $9, "
        "monitor_status = $10, monitor_category = $11, monitor_risks = $12, monitor_since = $13, "
        "eliminated_on = $14, dissolved_on = $15, updated_at = $16, version = version + 1 "
        "WHERE id = $17 AND version = $18 RETURNING version";
    struct db_stmt *st;
    int rc = store__count_household(db, h->id, -1, err);
    if (rc || (rc = db_prepare(db, sql, &st, err)))
        return rc;
    db_bind_id(st, 1, h->group_id);
    db_bind_id(st, 2, h->grid_id);
    db_bind_text(st, 3, h->area_path);
    db_bind_text(st, 4, h->address);
    db_bind_text(st, 5, h->phone);
    db_bind_text(st, 6, h->note);
    db_bind_id(st, 7, h->head_person_id);
    db_bind_id(st, 8, h->poor_year);
    db_bind_id(st, 9, h->exit_year);
    db_bind_text(st, 10, h->monitor_status);
    db_bind_text(st, 11, h->monitor_category);
    db_bind_text(st, 12, h->monitor_risks);
    db_bind_text(st, 13, h->monitor_since);
    db_bind_text(st, 14, h->eliminated_on);
    db_bind_text(st, 15, h->dissolved_on);
    db_bind_int(st, 16, h->updated_at);
    db_bind_int(st, 17, h->id);
    db_bind_int(st, 18, h->version);
    rc = db_step(st, err);
    int v = rc == DB_ROW ? (int)db_col_int(st, 0) : 0;
    db_finish(st);
    if (rc < 0)
        return rc;
    if (!v) /* the transaction rolls back, the counters with it */
        return err_set(err, ZW_ESTALE, NULL, "该户记录已被他人修改，请刷新后重试");
    h->version = v;
    return store__count_household(db, h->id, 1, err);
}

int store_household_set_head(struct db *db, int64_t id, int64_t person_id, int64_t now,
                             struct error *err)
{
    static const char sql[] =
        "UPDATE households SET head_person_id = $1, updated_at = $2, version = version + 1 "
        "WHERE id = $3 AND head_person_id IS NULL";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, person_id);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, id);
    rc = db_step(st, err);
    int64_t n = rc < 0 ? 0 : db_changes(st);
    db_finish(st);
    if (rc < 0)
        return rc;
    if (n != 1)
        return err_set(err, ZW_ECONFLICT, "relation", "该户已有户主，请先变更户主");
    return 0;
}

int store_household_set_categories(struct db *db, int64_t id, const char *const *categories,
                                   size_t n, const char *since, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "DELETE FROM household_categories WHERE household_id = $1", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    if ((rc = db_step_done(st, err)))
        return rc;
    return add_categories(db, id, categories, n, since, err);
}

/* The newest check of the household's kind failed (the newest: latest date, then id). */
#define HH_FAILING                                                                                 \
    "EXISTS (SELECT 1 FROM guarantee_checks gc WHERE gc.household_id = h.id AND gc.ok = 0 AND "    \
    "NOT EXISTS (SELECT 1 FROM guarantee_checks g2 WHERE g2.household_id = gc.household_id AND "   \
    "g2.kind = gc.kind AND (g2.checked_on > gc.checked_on OR (g2.checked_on = gc.checked_on AND "  \
    "g2.id > gc.id))))"

int store_household_list(struct db *db, const struct scope *sc, const struct household_filter *f,
                         struct arena *a, struct household **items, size_t *n, int64_t *total,
                         struct error *err)
{
    struct st_query q = {0};
    buf_adds(&q.where, " WHERE h.dissolved_on IS NULL");
    hh_scope(&q, sc);
    if (f->in_path)
        st_where_add(&q, "h.area_path LIKE CAST($# AS TEXT) || '%'", true, f->in_path, 0);
    if (f->category)
        st_where_add(&q,
                     "EXISTS (SELECT 1 FROM household_categories hc WHERE hc.household_id = h.id "
                     "AND hc.category = $#)",
                     true, f->category, 0);
    if (f->monitor)
        st_where_add(&q, "h.monitor_status = $#", true, f->monitor, 0);
    if (f->failing)
        st_where_add(&q, HH_FAILING, false, NULL, 0);
    const char *like = f->q && *f->q ? st_like_escape(a, f->q) : NULL;
    if (like)
        st_where_add(&q,
                     "(h.code = $# OR EXISTS (SELECT 1 FROM persons sp WHERE sp.household_id = "
                     "h.id AND (sp.name LIKE CAST($# AS TEXT) || '%' ESCAPE '\\' OR sp.id_number = "
                     "upper($#))))",
                     true, like, 0);
    *items = NULL;
    *n = 0;
    *total = 0;
    const char *sql_count = arena_printf(a, "SELECT COUNT(*) FROM households h%s", q.where.ptr);
    const char *sql = arena_printf(
        a, "SELECT " HH_COLS HH_FROM "%s ORDER BY h.code LIMIT %lld OFFSET %lld", q.where.ptr,
        (long long)f->page_size, (long long)((f->page - 1) * f->page_size));
    buf_release(&q.where);
    struct db_stmt *st;
    int rc = st_query_count(db, sql_count, &q, total, err);
    if (rc || (rc = db_prepare(db, sql, &st, err)))
        return rc;
    st_list_bind(st, &q);
    size_t cap = 32, cnt = 0;
    struct household *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        hh_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return hh_categories(db, a, v, cnt, err);
}

int store_household_next_code(struct db *db, int64_t village_id, const char *village_code,
                              struct arena *a, const char **code, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT MAX(code) FROM households WHERE village_id = $1 AND code LIKE "
                        "CAST($2 AS TEXT) || '____'",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, village_id);
    db_bind_text(st, 2, village_code);
    rc = db_step(st, err);
    long next = 1;
    if (rc == DB_ROW && !db_col_null(st, 0)) {
        const char *max = db_col_text(st, 0);
        next = strtol(max + strlen(village_code), NULL, 10) + 1;
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    if (next > 9999)
        return err_set(err, ZW_ECONFLICT, "code", "该村户编号已用完，请手工指定户编号");
    *code = arena_printf(a, "%s%04ld", village_code, next);
    return 0;
}

int store_household_case_link(struct db *db, int64_t household_id, int64_t case_id,
                              struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO household_cases (household_id, case_id) VALUES ($1, $2) "
                        "ON CONFLICT (household_id, case_id) DO NOTHING",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_int(st, 2, case_id);
    return db_step_done(st, err);
}

int store_household_cases(struct db *db, int64_t household_id, struct arena *a,
                          struct case_row **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT " CASE_COLS CASE_FROM "JOIN household_cases hc ON hc.case_id = c.id "
        "WHERE hc.household_id = $1 ORDER BY c.created_at DESC, c.id DESC";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    size_t cap = 8, cnt = 0;
    struct case_row *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        store__case_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_registry_event_add(struct db *db, const struct registry_event *e, struct error *err)
{
    static const char sql[] =
        "INSERT INTO registry_history (household_id, person_id, at, user_id, user_name, action, "
        "before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_id(st, 1, e->household_id);
    db_bind_id(st, 2, e->person_id);
    db_bind_int(st, 3, e->at);
    db_bind_id(st, 4, e->user_id);
    db_bind_text(st, 5, e->user_name);
    db_bind_text(st, 6, e->action);
    db_bind_text(st, 7, e->before_json);
    db_bind_text(st, 8, e->after_json);
    return db_step_done(st, err);
}

int store_registry_events(struct db *db, int64_t household_id, int limit, struct arena *a,
                          struct registry_event **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT h.id, COALESCE(h.household_id, 0), COALESCE(h.person_id, 0), "
        "COALESCE(h.user_id, 0), h.at, h.user_name, h.action, h.before_json, h.after_json, p.name "
        "FROM registry_history h LEFT JOIN persons p ON p.id = h.person_id "
        "WHERE h.household_id = $1 ORDER BY h.id DESC LIMIT $2";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_int(st, 2, limit);
    size_t cap = 16, cnt = 0;
    struct registry_event *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct registry_event *e = &v[cnt++];
        e->id = db_col_int(st, 0);
        e->household_id = db_col_int(st, 1);
        e->person_id = db_col_int(st, 2);
        e->user_id = db_col_int(st, 3);
        e->at = db_col_int(st, 4);
        e->user_name = st_dup(a, db_col_text(st, 5));
        e->action = st_dup(a, db_col_text(st, 6));
        e->before_json = st_dup(a, db_col_text(st, 7));
        e->after_json = st_dup(a, db_col_text(st, 8));
        e->person_name = st_dup(a, db_col_text(st, 9));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}
