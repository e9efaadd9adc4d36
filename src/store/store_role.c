/* store_role.c - SQL for roles and their permissions. */
#include "store_int.h"
#include "banned.h"

#define ROLE_COLS "id, code, name, scope, builtin, version "

static int role_perms(struct db *db, struct role *r, struct arena *a, struct error *err)
{
    static const char sql[] = "SELECT perm FROM role_permissions WHERE role_id = $1 ORDER BY perm";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->id);
    size_t cap = 8;
    r->perms = arena_alloc(a, cap * sizeof(char *));
    r->nperms = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        r->perms = st_grow(a, r->perms, &cap, r->nperms, sizeof(char *));
        r->perms[r->nperms++] = arena_strdup(a, db_col_text(st, 0));
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

static void role_read(struct db_stmt *st, struct role *r)
{
    r->id = db_col_int(st, 0);
    st_copy(r->code, sizeof(r->code), db_col_text(st, 1));
    st_copy(r->name, sizeof(r->name), db_col_text(st, 2));
    st_copy(r->scope, sizeof(r->scope), db_col_text(st, 3));
    r->builtin = db_col_int(st, 4) != 0;
    r->version = (int)db_col_int(st, 5);
    r->perms = NULL;
    r->nperms = 0;
}

int store_role_list(struct db *db, struct arena *a, struct role **items, size_t *n,
                    struct error *err)
{
    static const char sql[] = "SELECT " ROLE_COLS "FROM roles ORDER BY builtin DESC, id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    size_t cap = 16, cnt = 0;
    struct role *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        role_read(st, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < cnt; i++)
        if ((rc = role_perms(db, &v[i], a, err)))
            return rc;
    *items = v;
    *n = cnt;
    return 0;
}

static int role_one(struct db *db, struct db_stmt *st, struct arena *a, struct role *out,
                    struct error *err)
{
    int rc = db_step(st, err);
    if (rc == DB_ROW)
        role_read(st, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该角色");
    if (rc < 0)
        return rc;
    return role_perms(db, out, a, err);
}

int store_role_get(struct db *db, int64_t id, struct arena *a, struct role *out, struct error *err)
{
    static const char sql[] = "SELECT " ROLE_COLS "FROM roles WHERE id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return role_one(db, st, a, out, err);
}

int store_role_by_code(struct db *db, const char *code, struct arena *a, struct role *out,
                       struct error *err)
{
    static const char sql[] = "SELECT " ROLE_COLS "FROM roles WHERE code = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, code);
    return role_one(db, st, a, out, err);
}

static int role_write_perms(struct db *db, const struct role *r, struct error *err)
{
    static const char sql_del[] = "DELETE FROM role_permissions WHERE role_id = $1";
    static const char sql_ins[] = "INSERT INTO role_permissions (role_id, perm) VALUES ($1, $2) "
                                  "ON CONFLICT DO NOTHING";
    struct db_stmt *st;
    int rc = db_prepare(db, sql_del, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->id);
    if ((rc = db_step_done(st, err)))
        return rc;
    for (size_t i = 0; i < r->nperms; i++) {
        if ((rc = db_prepare(db, sql_ins, &st, err)))
            return rc;
        db_bind_int(st, 1, r->id);
        db_bind_text(st, 2, r->perms[i]);
        if ((rc = db_step_done(st, err)))
            return rc;
    }
    return 0;
}

int store_role_insert(struct db *db, struct role *r, int64_t now, struct error *err)
{
    static const char sql[] = "INSERT INTO roles (code, name, scope, builtin, created_at, "
                              "updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, r->code);
    db_bind_text(st, 2, r->name);
    db_bind_text(st, 3, r->scope);
    db_bind_int(st, 4, r->builtin);
    db_bind_int(st, 5, now);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        r->id = db_col_int(st, 0);
    db_finish(st);
    if (rc == ZW_ECONFLICT)
        return err_set(err, ZW_ECONFLICT, "code", "角色代码已存在");
    if (rc < 0)
        return rc;
    r->version = 1;
    return role_write_perms(db, r, err);
}

int store_role_update(struct db *db, const struct role *r, int64_t now, struct error *err)
{
    static const char sql[] = "UPDATE roles SET name = $1, scope = $2, version = version + 1, "
                              "updated_at = $3 WHERE id = $4 AND version = $5 RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, r->name);
    db_bind_text(st, 2, r->scope);
    db_bind_int(st, 3, now);
    db_bind_int(st, 4, r->id);
    db_bind_int(st, 5, r->version);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (rc < 0)
        return rc;
    return role_write_perms(db, r, err);
}
