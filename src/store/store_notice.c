/* store_notice.c - SQL for public notices, their objections and record sources; see store_notice.h.
 */
#include "store_notice.h"
#include "store_int.h"
#include "banned.h"

#define N_COLS                                                                                     \
    "n.id, n.kind, n.title, n.period, n.programme, n.note, n.village_id, a.name, a.code, "         \
    "n.area_path, n.rows_json, n.nrows, COALESCE(n.replaces_id, 0), n.status, n.sha256, "          \
    "n.window_start, n.window_end, n.published_at, COALESCE(n.published_by, 0), n.closed_at, "     \
    "COALESCE(n.closed_by, 0), COALESCE(n.created_by, 0), n.created_at, u.name, n.version, "       \
    "(SELECT count(*) FROM notice_objections o WHERE o.notice_id = n.id) "
#define N_FROM                                                                                     \
    " FROM notices n JOIN areas a ON a.id = n.village_id LEFT JOIN users u ON u.id = "             \
    "n.created_by "
/* $1 path prefix, $2 the only area of an area-scoped user (0 = any). */
#define N_SCOPE " n.area_path LIKE $1 || '%' AND ($2 = 0 OR n.village_id = $2) "
#define N_NCOLS 26

static void notice_read(struct db_stmt *st, struct arena *a, struct notice *n)
{
    memset(n, 0, sizeof(*n));
    n->id = db_col_int(st, 0);
    n->kind = st_dup(a, db_col_text(st, 1));
    n->title = st_dup(a, db_col_text(st, 2));
    n->period = st_dup(a, db_col_text(st, 3));
    n->programme = st_dup(a, db_col_text(st, 4));
    n->note = st_dup(a, db_col_text(st, 5));
    n->village_id = db_col_int(st, 6);
    n->village_name = st_dup(a, db_col_text(st, 7));
    n->village_code = st_dup(a, db_col_text(st, 8));
    n->area_path = st_dup(a, db_col_text(st, 9));
    n->rows_json = st_dup(a, db_col_text(st, 10));
    n->nrows = (int)db_col_int(st, 11);
    n->replaces_id = db_col_int(st, 12);
    n->status = st_dup(a, db_col_text(st, 13));
    n->sha256 = st_dup(a, db_col_text(st, 14));
    n->window_start = st_dup(a, db_col_text(st, 15));
    n->window_end = st_dup(a, db_col_text(st, 16));
    n->published_at = db_col_int(st, 17);
    n->published_by = db_col_int(st, 18);
    n->closed_at = db_col_int(st, 19);
    n->closed_by = db_col_int(st, 20);
    n->created_by = db_col_int(st, 21);
    n->created_at = db_col_int(st, 22);
    n->created_by_name = st_dup(a, db_col_text(st, 23));
    n->version = (int)db_col_int(st, 24);
    n->nobjections = (int)db_col_int(st, 25);
}

static void bind_scope(struct db_stmt *st, const struct scope *sc)
{
    struct scope all = {.kind = SCOPE_ALL};
    if (!sc)
        sc = &all;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
}

int store_notice_insert(struct db *db, struct notice *n, struct error *err)
{
    static const char sql[] =
        "INSERT INTO notices (kind, title, village_id, area_path, period, programme, note, "
        "rows_json, nrows, replaces_id, status, created_by, created_at) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8, $9, $10, 'draft', $11, $12) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, n->kind);
    db_bind_text(st, 2, n->title);
    db_bind_int(st, 3, n->village_id);
    db_bind_text(st, 4, n->area_path);
    db_bind_text(st, 5, n->period);
    db_bind_text(st, 6, n->programme);
    db_bind_text(st, 7, n->note);
    db_bind_text(st, 8, n->rows_json);
    db_bind_int(st, 9, n->nrows);
    db_bind_id(st, 10, n->replaces_id);
    db_bind_id(st, 11, n->created_by);
    db_bind_int(st, 12, n->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        n->id = db_col_int(st, 0);
    db_finish(st);
    n->status = "draft";
    n->version = 1;
    return rc < 0 ? rc : 0;
}

int store_notice_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                     struct notice *out, struct error *err)
{
    static const char sql[] = "SELECT " N_COLS ", n.html" N_FROM "WHERE" N_SCOPE "AND n.id = $3";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 3, id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        notice_read(st, a, out);
        out->html = st_dup(a, db_col_text(st, N_NCOLS));
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该公示");
    return rc < 0 ? rc : 0;
}

int store_notice_list(struct db *db, const struct scope *sc, const struct notice_filter *f,
                      struct arena *a, struct notice **items, size_t *n, int64_t *total,
                      struct error *err)
{
    static const char count_sql[] =
        "SELECT count(*) FROM notices n WHERE" N_SCOPE
        "AND ($3 = '' OR n.kind = $3) AND ($4 = '' OR n.status = $4) AND ($5 = 0 OR "
        "n.village_id = $5)";
    static const char sql[] = "SELECT " N_COLS N_FROM "WHERE" N_SCOPE
                              "AND ($3 = '' OR n.kind = $3) AND ($4 = '' OR n.status = $4) AND "
                              "($5 = 0 OR n.village_id = $5) ORDER BY n.id DESC LIMIT $6 OFFSET $7";
    const char *sqls[2] = {count_sql, sql};
    size_t cap = 16, cnt = 0;
    struct notice *v = arena_alloc(a, cap * sizeof(*v));
    for (int pass = 0; pass < 2; pass++) {
        struct db_stmt *st;
        int rc = db_prepare(db, sqls[pass], &st, err);
        if (rc)
            return rc;
        bind_scope(st, sc);
        db_bind_text(st, 3, f->kind ? f->kind : "");
        db_bind_text(st, 4, f->status ? f->status : "");
        db_bind_int(st, 5, f->village_id);
        if (pass == 1) {
            db_bind_int(st, 6, f->page_size);
            db_bind_int(st, 7, (f->page - 1) * f->page_size);
        }
        while ((rc = db_step(st, err)) == DB_ROW) {
            if (pass == 0) {
                *total = db_col_int(st, 0);
                continue;
            }
            v = st_grow(a, v, &cap, cnt, sizeof(*v));
            notice_read(st, a, &v[cnt++]);
        }
        db_finish(st);
        if (rc < 0)
            return rc;
    }
    *items = v;
    *n = cnt;
    return 0;
}

int store_notice_expired(struct db *db, const char *today, struct arena *a, int64_t **ids,
                         size_t *n, struct error *err)
{
    static const char sql[] = "SELECT id FROM notices WHERE status = 'published' AND window_end < "
                              "$1 ORDER BY id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, today);
    return st_ids(st, a, ids, n, err);
}

int store_notice_public(struct db *db, const char *today, int64_t village_id, struct arena *a,
                        struct notice **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT " N_COLS N_FROM "WHERE n.status = 'published' AND n.window_start <= $1 AND "
        "n.window_end >= $1 AND ($2 = 0 OR n.village_id = $2) ORDER BY n.window_start DESC, n.id "
        "DESC LIMIT 200";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, today);
    db_bind_int(st, 2, village_id);
    size_t cap = 16, cnt = 0;
    struct notice *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        notice_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_notice_publish(struct db *db, struct notice *n, struct error *err)
{
    static const char sql[] =
        "UPDATE notices SET status = 'published', html = $1, sha256 = $2, window_start = $3, "
        "window_end = $4, published_at = $5, published_by = $6, version = version + 1 WHERE id = "
        "$7 AND version = $8 AND status = 'draft'";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, n->html);
    db_bind_text(st, 2, n->sha256);
    db_bind_text(st, 3, n->window_start);
    db_bind_text(st, 4, n->window_end);
    db_bind_int(st, 5, n->published_at);
    db_bind_id(st, 6, n->published_by);
    db_bind_int(st, 7, n->id);
    db_bind_int(st, 8, n->version);
    rc = db_step(st, err);
    int64_t changed = rc < 0 ? 0 : db_changes(st);
    db_finish(st);
    if (rc < 0)
        return rc;
    if (!changed)
        return err_set(err, ZW_ESTALE, NULL, "公示已被他人修改，请刷新后重试");
    n->status = "published";
    n->version++;
    return 0;
}

int store_notice_close(struct db *db, struct notice *n, struct error *err)
{
    static const char sql[] =
        "UPDATE notices SET status = 'closed', closed_at = $1, closed_by = $2, version = version "
        "+ 1 WHERE id = $3 AND version = $4 AND status = 'published'";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, n->closed_at);
    db_bind_id(st, 2, n->closed_by);
    db_bind_int(st, 3, n->id);
    db_bind_int(st, 4, n->version);
    rc = db_step(st, err);
    int64_t changed = rc < 0 ? 0 : db_changes(st);
    db_finish(st);
    if (rc < 0)
        return rc;
    if (!changed)
        return err_set(err, ZW_ESTALE, NULL, "公示已被他人修改，请刷新后重试");
    n->status = "closed";
    n->version++;
    return 0;
}

int store_notice_objection_insert(struct db *db, struct notice_objection *o, struct error *err)
{
    static const char sql[] = "INSERT INTO notice_objections (notice_id, case_id, created_at) "
                              "VALUES ($1, $2, $3) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, o->notice_id);
    db_bind_int(st, 2, o->case_id);
    db_bind_int(st, 3, o->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        o->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_notice_objections(struct db *db, int64_t notice_id, struct arena *a,
                            struct notice_objection **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT o.id, o.notice_id, o.case_id, o.created_at, c.serial, c.state, c.type, "
        "c.requester_name FROM notice_objections o JOIN cases c ON c.id = o.case_id WHERE "
        "o.notice_id = $1 ORDER BY o.id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, notice_id);
    size_t cap = 8, cnt = 0;
    struct notice_objection *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct notice_objection *o = &v[cnt++];
        o->id = db_col_int(st, 0);
        o->notice_id = db_col_int(st, 1);
        o->case_id = db_col_int(st, 2);
        o->created_at = db_col_int(st, 3);
        o->serial = st_dup(a, db_col_text(st, 4));
        o->state = st_dup(a, db_col_text(st, 5));
        o->type = st_dup(a, db_col_text(st, 6));
        o->requester_name = st_dup(a, db_col_text(st, 7));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

/* Reads rows of (household id, name, persons, amount, category, risks, since). */
static int read_sources(struct db_stmt *st, struct arena *a, struct notice_source **items,
                        size_t *n, struct error *err)
{
    size_t cap = 32, cnt = 0;
    struct notice_source *v = arena_alloc(a, cap * sizeof(*v));
    int rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct notice_source *s = &v[cnt++];
        s->household_id = db_col_int(st, 0);
        s->name = arena_strdup(a, db_col_text(st, 1) ? db_col_text(st, 1) : "");
        s->persons = (int)db_col_int(st, 2);
        s->amount_fen = db_col_int(st, 3);
        s->category = st_dup(a, db_col_text(st, 4));
        s->risks = st_dup(a, db_col_text(st, 5));
        s->since = st_dup(a, db_col_text(st, 6));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_notice_payments(struct db *db, const char *programme, int64_t village_id,
                          const char *period, struct arena *a, struct notice_source **items,
                          size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT p.household_id, MIN(hp.name), MAX(p.persons), SUM(p.amount_fen), NULL, NULL, "
        "NULL FROM payments p JOIN households h ON h.id = p.household_id LEFT JOIN persons hp ON "
        "hp.id = h.head_person_id WHERE p.programme = $1 AND p.village_id = $2 AND (p.period = $3 "
        "OR p.period LIKE $3 || '-%') GROUP BY p.household_id ORDER BY p.household_id LIMIT $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, programme);
    db_bind_int(st, 2, village_id);
    db_bind_text(st, 3, period);
    db_bind_int(st, 4, ZW_NOTICE_ROWS_MAX + 1);
    return read_sources(st, a, items, n, err);
}

int store_notice_monitored(struct db *db, int64_t village_id, const char *period, struct arena *a,
                           struct notice_source **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT h.id, hp.name, (SELECT count(*) FROM memberships m WHERE m.household_id = h.id "
        "AND m.left_on IS NULL), 0, h.monitor_category, h.monitor_risks, h.monitor_since FROM "
        "households h LEFT JOIN persons hp ON hp.id = h.head_person_id WHERE h.village_id = $1 AND "
        "h.monitor_status = 'monitored' AND h.dissolved_on IS NULL AND h.monitor_since LIKE $2 "
        "|| '%' ORDER BY h.id LIMIT $3";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, village_id);
    db_bind_text(st, 2, period ? period : "");
    db_bind_int(st, 3, ZW_NOTICE_ROWS_MAX + 1);
    return read_sources(st, a, items, n, err);
}
