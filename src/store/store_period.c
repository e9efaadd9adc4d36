/* store_period.c - closed periods and their frozen values; see store_period.h.
 * (The frozen records are composed in store_indicator.c, beside the queries they copy.) */
#include <string.h>

#include "store_int.h"
#include "store_period.h"
#include "banned.h"

#define CLOSE_COLS                                                                                 \
    "c.id, c.area_id, c.area_path, c.period, c.date_from, c.date_to, c.label, c.note, "            \
    "c.closed_at, c.closed_by, COALESCE(u.name, ''), COALESCE(ar.name, '') "
#define CLOSE_FROM                                                                                 \
    " FROM period_closes c LEFT JOIN users u ON u.id = c.closed_by LEFT JOIN areas ar ON ar.id = " \
    "c.area_id "

static void read_close(struct db_stmt *st, struct arena *a, struct period_close *c)
{
    c->id = db_col_int(st, 0);
    c->area_id = db_col_int(st, 1);
    c->area_path = st_dup(a, db_col_text(st, 2));
    c->period = st_dup(a, db_col_text(st, 3));
    c->from = st_dup(a, db_col_text(st, 4));
    c->to = st_dup(a, db_col_text(st, 5));
    c->label = st_dup(a, db_col_text(st, 6));
    c->note = st_dup(a, db_col_text(st, 7));
    c->closed_at = db_col_int(st, 8);
    c->closed_by = db_col_int(st, 9);
    c->closed_by_name = st_dup(a, db_col_text(st, 10));
    c->area_name = st_dup(a, db_col_text(st, 11));
}

int store_period_insert(struct db *db, struct period_close *c, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO period_closes (area_id, area_path, period, date_from, "
                        "date_to, label, note, closed_at, closed_by) VALUES ($1, $2, $3, $4, $5, "
                        "$6, $7, $8, $9) RETURNING id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->area_id);
    db_bind_text(st, 2, c->area_path);
    db_bind_text(st, 3, c->period);
    db_bind_text(st, 4, c->from);
    db_bind_text(st, 5, c->to);
    db_bind_text(st, 6, c->label);
    db_bind_text(st, 7, c->note);
    db_bind_int(st, 8, c->closed_at);
    db_bind_int(st, 9, c->closed_by);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        c->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_period_covering(struct db *db, const char *path, const char *from, const char *to,
                          struct arena *a, struct period_close *out, bool *found, struct error *err)
{
    struct db_stmt *st;
    *found = false;
    int rc = db_prepare(db,
                        "SELECT " CLOSE_COLS CLOSE_FROM
                        "WHERE c.date_from = $2 AND c.date_to = $3 AND CAST($1 AS TEXT) LIKE "
                        "c.area_path || '%' ORDER BY length(c.area_path) DESC LIMIT 1",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, path);
    db_bind_text(st, 2, from);
    db_bind_text(st, 3, to);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        read_close(st, a, out);
        *found = true;
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_period_get(struct db *db, int64_t id, struct arena *a, struct period_close *out,
                     struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT " CLOSE_COLS CLOSE_FROM "WHERE c.id = $1", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        read_close(st, a, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "结账记录不存在");
    return rc < 0 ? rc : 0;
}

int store_period_list(struct db *db, const char *path, struct arena *a, struct period_close **items,
                      size_t *n, struct error *err)
{
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db,
                        "SELECT " CLOSE_COLS CLOSE_FROM
                        "WHERE c.area_path LIKE CAST($1 AS TEXT) || '%' OR CAST($1 AS TEXT) LIKE "
                        "c.area_path || '%' ORDER BY c.date_from DESC, c.id DESC LIMIT 500",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, path);
    size_t cap = 16;
    struct period_close *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        read_close(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_period_value_put(struct db *db, int64_t close_id, const char *path, const char *code,
                           int64_t num, int64_t den, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO period_values (close_id, area_path, code, num, den) VALUES "
                        "($1, $2, $3, $4, $5)",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, close_id);
    db_bind_text(st, 2, path);
    db_bind_text(st, 3, code);
    db_bind_int(st, 4, num);
    db_bind_int(st, 5, den);
    return db_step_done(st, err);
}

int store_period_value(struct db *db, int64_t close_id, const char *path, const char *code,
                       int64_t *num, int64_t *den, bool *found, struct error *err)
{
    struct db_stmt *st;
    *found = false;
    int rc = db_prepare(db,
                        "SELECT num, den FROM period_values WHERE close_id = $1 AND area_path = "
                        "$2 AND code = $3",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, close_id);
    db_bind_text(st, 2, path);
    db_bind_text(st, 3, code);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *num = db_col_int(st, 0);
        *den = db_col_int(st, 1);
        *found = true;
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}
