/* store_user.c - SQL for users, their roles and their grants. */
#include "store_int.h"
#include "banned.h"

#define USER_COLS                                                                                  \
    "u.id, u.username, u.name, u.phone, u.area_id, a.code, a.name, a.path, u.password_hash, "      \
    "u.must_change_password, u.disabled, u.failed_logins, u.locked_until, "                        \
    "u.password_changed_at, COALESCE(u.created_by, 0), u.version, u.created_at, u.updated_at, "    \
    "a.level "
#define USER_FROM " FROM users u JOIN areas a ON a.id = u.area_id "
/* $1 path prefix, $2 only-area (0 = any), $3 only records of this user (0 = any). */
#define USER_IN_SCOPE                                                                              \
    " a.path LIKE $1 || '%' AND ($2 = 0 OR a.id = $2) AND "                                        \
    "($3 = 0 OR u.created_by = $3 OR u.id = $3) "
/*
 * $4 search text (escaped for LIKE) or NULL, $5 area path prefix or NULL.  The casts
 * tell PostgreSQL their type where NULL alone would leave it unknown.
 */
#define USER_FILTER                                                                                \
    " AND (CAST($4 AS TEXT) IS NULL OR lower(u.username) LIKE '%' || lower(CAST($4 AS TEXT)) "     \
    "|| '%' ESCAPE '\\' OR u.name LIKE '%' || CAST($4 AS TEXT) || '%' ESCAPE '\\') AND "           \
    "(CAST($5 AS TEXT) IS NULL OR a.path LIKE CAST($5 AS TEXT) || '%') "

static void user_read(struct db_stmt *st, struct user *u)
{
    u->id = db_col_int(st, 0);
    st_copy(u->username, sizeof(u->username), db_col_text(st, 1));
    st_copy(u->name, sizeof(u->name), db_col_text(st, 2));
    st_copy(u->phone, sizeof(u->phone), db_col_text(st, 3));
    u->area_id = db_col_int(st, 4);
    st_copy(u->area_code, sizeof(u->area_code), db_col_text(st, 5));
    st_copy(u->area_name, sizeof(u->area_name), db_col_text(st, 6));
    st_copy(u->area_path, sizeof(u->area_path), db_col_text(st, 7));
    st_copy(u->password_hash, sizeof(u->password_hash), db_col_text(st, 8));
    u->must_change_password = db_col_int(st, 9) != 0;
    u->disabled = db_col_int(st, 10) != 0;
    u->failed_logins = (int)db_col_int(st, 11);
    u->locked_until = db_col_int(st, 12);
    u->password_changed_at = db_col_int(st, 13);
    u->created_by = db_col_int(st, 14);
    u->version = (int)db_col_int(st, 15);
    u->created_at = db_col_int(st, 16);
    u->updated_at = db_col_int(st, 17);
    st_copy(u->area_level, sizeof(u->area_level), db_col_text(st, 18));
}

static int user_one(struct db_stmt *st, struct user *out, struct error *err)
{
    int rc = db_step(st, err);
    if (rc == DB_ROW)
        user_read(st, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该用户");
    return rc < 0 ? rc : 0;
}

static void bind_scope(struct db_stmt *st, const struct scope *sc)
{
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    db_bind_int(st, 3, sc->kind == SCOPE_OWN ? sc->user_id : 0);
}

/* Refreshes the user's search document (name, username, area). */
static int user_index(struct db *db, int64_t id, struct error *err)
{
    struct scope all = {.kind = SCOPE_ALL};
    struct user u;
    int rc = store_user_get(db, id, &all, &u, err);
    if (rc)
        return rc;
    return store_search_put(db, "user", u.id, u.area_path, u.name, u.username, err);
}

int store_user_get(struct db *db, int64_t id, const struct scope *sc, struct user *out,
                   struct error *err)
{
    static const char sql[] = "SELECT " USER_COLS USER_FROM "WHERE" USER_IN_SCOPE "AND u.id = $4";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_int(st, 4, id);
    return user_one(st, out, err);
}

int store_user_by_username(struct db *db, const char *username, struct user *out, struct error *err)
{
    static const char sql[] = "SELECT " USER_COLS USER_FROM "WHERE u.username = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, username);
    return user_one(st, out, err);
}

int store_user_list(struct db *db, const struct scope *sc, const struct user_filter *f,
                    struct arena *a, struct user **items, size_t *n, int64_t *total,
                    struct error *err)
{
    static const char sql_count[] = "SELECT COUNT(*)" USER_FROM "WHERE" USER_IN_SCOPE USER_FILTER;
    static const char sql[] = "SELECT " USER_COLS USER_FROM "WHERE" USER_IN_SCOPE USER_FILTER
                              "ORDER BY u.id LIMIT $6 OFFSET $7";
    const char *q = st_like_escape(a, f->q && *f->q ? f->q : NULL);
    struct db_stmt *st;
    int rc = db_prepare(db, sql_count, &st, err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    db_bind_text(st, 4, q);
    db_bind_text(st, 5, f->in_path);
    rc = db_step(st, err);
    *total = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql, &st, err)))
        return rc;
    bind_scope(st, sc);
    db_bind_text(st, 4, q);
    db_bind_text(st, 5, f->in_path);
    db_bind_int(st, 6, f->page_size);
    db_bind_int(st, 7, (f->page - 1) * f->page_size);
    struct user *v = arena_alloc(a, (size_t)f->page_size * sizeof(*v) + 1);
    size_t cnt = 0;
    while ((rc = db_step(st, err)) == DB_ROW && cnt < (size_t)f->page_size)
        user_read(st, &v[cnt++]);
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_user_insert(struct db *db, struct user *u, struct error *err)
{
    static const char sql[] =
        "INSERT INTO users (username, name, phone, area_id, password_hash, must_change_password, "
        "disabled, password_changed_at, created_by, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, u->username);
    db_bind_text(st, 2, u->name);
    db_bind_text(st, 3, u->phone[0] ? u->phone : NULL);
    db_bind_int(st, 4, u->area_id);
    db_bind_text(st, 5, u->password_hash);
    db_bind_int(st, 6, u->must_change_password);
    db_bind_int(st, 7, u->disabled);
    db_bind_int(st, 8, u->password_changed_at);
    db_bind_id(st, 9, u->created_by);
    db_bind_int(st, 10, u->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        u->id = db_col_int(st, 0);
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "username", "用户名“%s”已被使用", u->username);
    if (rc < 0)
        return rc;
    u->version = 1;
    u->updated_at = u->created_at;
    return user_index(db, u->id, err);
}

int store_user_update(struct db *db, struct user *u, struct error *err)
{
    static const char sql[] =
        "UPDATE users SET name = $1, phone = $2, area_id = $3, password_hash = $4, "
        "must_change_password = $5, disabled = $6, failed_logins = $7, locked_until = $8, "
        "password_changed_at = $9, version = version + 1, updated_at = $10 "
        "WHERE id = $11 AND version = $12 RETURNING version";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, u->name);
    db_bind_text(st, 2, u->phone[0] ? u->phone : NULL);
    db_bind_int(st, 3, u->area_id);
    db_bind_text(st, 4, u->password_hash);
    db_bind_int(st, 5, u->must_change_password);
    db_bind_int(st, 6, u->disabled);
    db_bind_int(st, 7, u->failed_logins);
    db_bind_int(st, 8, u->locked_until);
    db_bind_int(st, 9, u->password_changed_at);
    db_bind_int(st, 10, u->updated_at);
    db_bind_int(st, 11, u->id);
    db_bind_int(st, 12, u->version);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        u->version = (int)db_col_int(st, 0);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (rc < 0)
        return rc;
    return user_index(db, u->id, err);
}

int store_user_roles(struct db *db, int64_t user_id, struct arena *a, struct role_ref **items,
                     size_t *n, struct error *err)
{
    static const char sql[] = "SELECT r.id, r.code, r.name, r.scope FROM user_roles ur "
                              "JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 "
                              "ORDER BY r.id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    size_t cnt = 0;
    struct role_ref *v = arena_alloc(a, ZW_MAX_ROLES_PER_USER * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW && cnt < ZW_MAX_ROLES_PER_USER) {
        v[cnt].id = db_col_int(st, 0);
        v[cnt].code = arena_strdup(a, db_col_text(st, 1));
        v[cnt].name = arena_strdup(a, db_col_text(st, 2));
        v[cnt].scope = arena_strdup(a, db_col_text(st, 3));
        cnt++;
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_user_set_roles(struct db *db, int64_t user_id, const int64_t *role_ids, size_t n,
                         struct error *err)
{
    static const char sql_del[] = "DELETE FROM user_roles WHERE user_id = $1";
    static const char sql_ins[] = "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) "
                                  "ON CONFLICT DO NOTHING";
    struct db_stmt *st;
    int rc = db_prepare(db, sql_del, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    if ((rc = db_step_done(st, err)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        if ((rc = db_prepare(db, sql_ins, &st, err)))
            return rc;
        db_bind_int(st, 1, user_id);
        db_bind_int(st, 2, role_ids[i]);
        if ((rc = db_step_done(st, err)))
            return rc;
    }
    return 0;
}

int store_user_set_login_state(struct db *db, int64_t id, int failed, int64_t locked_until,
                               struct error *err)
{
    static const char sql[] =
        "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, failed);
    db_bind_int(st, 2, locked_until);
    db_bind_int(st, 3, id);
    return db_step_done(st, err);
}

int store_user_grants(struct db *db, int64_t user_id, struct arena *a, struct role_ref **roles,
                      size_t *nroles, const char ***perms, size_t *nperms, int *scope_kind,
                      struct error *err)
{
    /* One query for all three: every (role, permission) pair, permissions sorted. */
    static const char sql[] =
        "SELECT r.scope, rp.perm, r.id, r.code, r.name FROM user_roles ur JOIN roles r ON "
        "r.id = ur.role_id LEFT JOIN role_permissions rp ON rp.role_id = r.id "
        "WHERE ur.user_id = $1 ORDER BY rp.perm, r.id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    size_t cap = 16, cnt = 0, nr = 0;
    const char **v = arena_alloc(a, cap * sizeof(char *));
    struct role_ref *rv = arena_alloc(a, ZW_MAX_ROLES_PER_USER * sizeof(*rv));
    int widest = SCOPE_OWN;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *s = db_col_text(st, 0), *perm = db_col_text(st, 1);
        int k = strcmp(s, "all") == 0       ? SCOPE_ALL
                : strcmp(s, "subtree") == 0 ? SCOPE_SUBTREE
                : strcmp(s, "area") == 0    ? SCOPE_AREA
                                            : SCOPE_OWN;
        if (k > widest)
            widest = k;
        int64_t rid = db_col_int(st, 2);
        size_t at = 0;
        while (at < nr && rv[at].id < rid)
            at++;
        if ((at == nr || rv[at].id != rid) && nr < ZW_MAX_ROLES_PER_USER) {
            memmove(&rv[at + 1], &rv[at], (nr - at) * sizeof(*rv));
            rv[at].id = rid;
            rv[at].code = arena_strdup(a, db_col_text(st, 3));
            rv[at].name = arena_strdup(a, db_col_text(st, 4));
            rv[at].scope = arena_strdup(a, s);
            nr++;
        }
        if (!perm || (cnt && strcmp(v[cnt - 1], perm) == 0))
            continue;
        v = st_grow(a, v, &cap, cnt, sizeof(char *));
        v[cnt++] = arena_strdup(a, perm);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    if (roles) {
        *roles = rv;
        *nroles = nr;
    }
    *perms = v;
    *nperms = cnt;
    *scope_kind = widest;
    return 0;
}

int store_session_user(struct db *db, const char *token_hash, struct session *s, struct user *u,
                       struct error *err)
{
    static const char sql[] =
        "SELECT " USER_COLS ", s.id, s.created_at, s.last_seen_at, s.csrf_token "
        "FROM sessions s JOIN users u ON u.id = s.user_id JOIN areas a ON a.id = u.area_id "
        "WHERE s.token_hash = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, token_hash);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        user_read(st, u);
        s->id = db_col_int(st, 19);
        s->user_id = u->id;
        s->created_at = db_col_int(st, 20);
        s->last_seen_at = db_col_int(st, 21);
        st_copy(s->csrf, sizeof(s->csrf), db_col_text(st, 22));
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_EAUTH, NULL, NULL);
    return rc < 0 ? rc : 0;
}

int store_user_count(struct db *db, int64_t *n, struct error *err)
{
    static const char sql[] = "SELECT COUNT(*) FROM users";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}
