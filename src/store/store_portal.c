/* store_portal.c - SQL for public requests (portal, Open311), API keys and rate-limit counters. */
#include "store_int.h"
#include "banned.h"

#define PR_COLS                                                                                    \
    "p.id, p.case_id, p.tracking_code, p.service_code, p.phone_last4, p.source, "                  \
    "COALESCE(p.api_key_id, 0), p.ip, p.created_at, COALESCE(p.rating, 0), p.rating_comment, "     \
    "p.rated_at "
#define PR_NCOLS 12

/* Reads PR_COLS starting at column off. */
static void pr_read(struct db_stmt *st, int off, struct arena *a, struct public_request *r)
{
    r->id = db_col_int(st, off + 0);
    r->case_id = db_col_int(st, off + 1);
    st_copy(r->tracking_code, sizeof(r->tracking_code), db_col_text(st, off + 2));
    st_copy(r->service_code, sizeof(r->service_code), db_col_text(st, off + 3));
    st_copy(r->phone_last4, sizeof(r->phone_last4), db_col_text(st, off + 4));
    st_copy(r->source, sizeof(r->source), db_col_text(st, off + 5));
    r->api_key_id = db_col_int(st, off + 6);
    r->ip = st_dup(a, db_col_text(st, off + 7));
    r->created_at = db_col_int(st, off + 8);
    r->rating = (int)db_col_int(st, off + 9);
    r->rating_comment = st_dup(a, db_col_text(st, off + 10));
    r->rated_at = db_col_int(st, off + 11);
}

int store_public_request_insert(struct db *db, struct public_request *r, struct error *err)
{
    static const char sql[] =
        "INSERT INTO public_requests (case_id, tracking_code, service_code, phone_last4, source, "
        "api_key_id, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->case_id);
    db_bind_text(st, 2, r->tracking_code);
    db_bind_text(st, 3, r->service_code);
    db_bind_text(st, 4, r->phone_last4[0] ? r->phone_last4 : NULL);
    db_bind_text(st, 5, r->source);
    db_bind_id(st, 6, r->api_key_id);
    db_bind_text(st, 7, r->ip);
    db_bind_int(st, 8, r->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        r->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

static int pr_get(struct db *db, const char *sql, const char *code, int64_t case_id,
                  struct arena *a, struct public_request *out, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    if (code)
        db_bind_text(st, 1, code);
    else
        db_bind_int(st, 1, case_id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        pr_read(st, 0, a, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该诉求");
    return rc < 0 ? rc : 0;
}

int store_public_request_by_code(struct db *db, const char *code, struct arena *a,
                                 struct public_request *out, struct error *err)
{
    static const char sql[] = "SELECT " PR_COLS "FROM public_requests p WHERE p.tracking_code = $1";
    return pr_get(db, sql, code, 0, a, out, err);
}

int store_public_request_by_case(struct db *db, int64_t case_id, struct arena *a,
                                 struct public_request *out, struct error *err)
{
    static const char sql[] = "SELECT " PR_COLS "FROM public_requests p WHERE p.case_id = $1";
    return pr_get(db, sql, NULL, case_id, a, out, err);
}

int store_public_request_rate(struct db *db, int64_t id, int rating, const char *comment,
                              int64_t now, struct error *err)
{
    static const char sql[] = "UPDATE public_requests SET rating = $1, rating_comment = $2, "
                              "rated_at = $3 WHERE id = $4 AND rated_at = 0 RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, rating);
    db_bind_text(st, 2, comment);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, id);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ECONFLICT, NULL, "该诉求已经评价过了");
    return rc < 0 ? rc : 0;
}

int store_public_request_list(struct db *db, const struct public_filter *f, struct arena *a,
                              struct public_request **reqs, struct case_row **cases, size_t *n,
                              struct error *err)
{
    static const char sql[] =
        "SELECT " CASE_COLS ", " PR_COLS CASE_FROM
        "JOIN public_requests p ON p.case_id = c.id WHERE p.created_at >= $1 AND "
        "p.created_at < $2 AND (CAST($3 AS TEXT) IS NULL OR p.service_code = $3) AND "
        "($4 = 0 OR ($4 = 1 AND c.closed_at = 0) OR ($4 = 2 AND c.closed_at <> 0)) "
        "ORDER BY p.created_at DESC, p.id DESC LIMIT $5";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, f->from);
    db_bind_int(st, 2, f->to);
    db_bind_text(st, 3, f->service_code);
    db_bind_int(st, 4, f->status);
    db_bind_int(st, 5, f->limit);
    size_t cap = 16, cnt = 0, cap2 = 16;
    struct public_request *pv = arena_alloc(a, cap * sizeof(*pv));
    struct case_row *cv = arena_alloc(a, cap2 * sizeof(*cv));
    while ((rc = db_step(st, err)) == DB_ROW) {
        pv = st_grow(a, pv, &cap, cnt, sizeof(*pv));
        cv = st_grow(a, cv, &cap2, cnt, sizeof(*cv));
        store__case_read(st, a, &cv[cnt]);
        pr_read(st, CASE_NCOLS, a, &pv[cnt]);
        cnt++;
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *reqs = pv;
    *cases = cv;
    *n = cnt;
    return 0;
}

int store_public_request_case(struct db *db, int64_t case_id, struct arena *a,
                              struct public_request *req, struct case_row *c, struct error *err)
{
    static const char sql[] = "SELECT " CASE_COLS ", " PR_COLS CASE_FROM
                              "JOIN public_requests p ON p.case_id = c.id WHERE c.id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        store__case_read(st, a, c);
        pr_read(st, CASE_NCOLS, a, req);
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该诉求");
    return rc < 0 ? rc : 0;
}

int store_public_villages(struct db *db, struct arena *a, struct public_village **items, size_t *n,
                          struct error *err)
{
    static const char sql[] = "SELECT v.id, v.code, v.name, t.id, t.name FROM areas v JOIN areas t "
                              "ON t.id = v.parent_id WHERE v.level = 'village' AND t.level = "
                              "'township' ORDER BY v.code";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    size_t cap = 32, cnt = 0;
    struct public_village *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct public_village *x = &v[cnt++];
        x->id = db_col_int(st, 0);
        st_copy(x->code, sizeof(x->code), db_col_text(st, 1));
        st_copy(x->name, sizeof(x->name), db_col_text(st, 2));
        x->township_id = db_col_int(st, 3);
        st_copy(x->township, sizeof(x->township), db_col_text(st, 4));
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

/* ---- API keys ----------------------------------------------------------- */

#define KEY_COLS                                                                                   \
    "k.id, k.name, k.disabled, k.created_at, k.disabled_at, COALESCE(k.user_id, 0), "              \
    "COALESCE(u.username, '') FROM api_keys k LEFT JOIN users u ON u.id = k.user_id "

static void key_read(struct db_stmt *st, struct api_key *k)
{
    k->id = db_col_int(st, 0);
    st_copy(k->name, sizeof(k->name), db_col_text(st, 1));
    k->disabled = db_col_int(st, 2) != 0;
    k->created_at = db_col_int(st, 3);
    k->disabled_at = db_col_int(st, 4);
    k->user_id = db_col_int(st, 5);
    st_copy(k->username, sizeof(k->username), db_col_text(st, 6));
}

int store_api_key_insert(struct db *db, const char *name, const char *key_hash, int64_t user_id,
                         int64_t now, int64_t *id, struct error *err)
{
    static const char sql[] = "INSERT INTO api_keys (name, key_hash, created_at, user_id) VALUES "
                              "($1, $2, $3, $4) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, key_hash);
    db_bind_int(st, 3, now);
    db_bind_id(st, 4, user_id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, NULL, "已有名为“%s”的接口密钥", name);
    return rc < 0 ? rc : 0;
}

int store_api_key_by_hash(struct db *db, const char *key_hash, struct api_key *out,
                          struct error *err)
{
    static const char sql[] = "SELECT " KEY_COLS "WHERE k.key_hash = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, key_hash);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        key_read(st, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "接口密钥无效");
    return rc < 0 ? rc : 0;
}

int store_api_key_list(struct db *db, struct arena *a, struct api_key **items, size_t *n,
                       struct error *err)
{
    static const char sql[] = "SELECT " KEY_COLS "ORDER BY k.id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    size_t cap = 8, cnt = 0;
    struct api_key *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        key_read(st, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_api_key_disable(struct db *db, const char *name, int64_t now, struct api_key *out,
                          struct error *err)
{
    static const char sql[] =
        "UPDATE api_keys SET disabled = 1, disabled_at = CASE WHEN disabled = 1 THEN disabled_at "
        "ELSE $2 END WHERE name = $1 RETURNING id, name, disabled, created_at, disabled_at, "
        "COALESCE(user_id, 0), ''";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_int(st, 2, now);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        key_read(st, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "没有名为“%s”的接口密钥", name);
    return rc < 0 ? rc : 0;
}

/* ---- rate limits -------------------------------------------------------- */

int store_rate_count(struct db *db, const char *key, int64_t window_start, int64_t *count,
                     struct error *err)
{
    static const char sql[] = "SELECT count FROM rate_limits WHERE key = $1 AND window_start = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, window_start);
    rc = db_step(st, err);
    *count = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_rate_hit(struct db *db, const char *key, int64_t window_start, int64_t *count,
                   struct error *err)
{
    static const char sql[] =
        "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1) ON CONFLICT (key, "
        "window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    db_bind_int(st, 2, window_start);
    rc = db_step(st, err);
    *count = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_rate_purge(struct db *db, int64_t before, struct error *err)
{
    static const char sql[] = "DELETE FROM rate_limits WHERE window_start < $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, before);
    return db_step_done(st, err);
}
