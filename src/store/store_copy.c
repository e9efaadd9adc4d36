/*
 * store_copy.c - copying a whole zhenwu database into another, of either
 * engine (SQLite -> PostgreSQL is the usual move), table by table in
 * batches, keeping every id, so the audit chain still verifies.
 *
 * The tables are listed here with their columns in foreign-key order; a new
 * table must join the list (store_copy_tables() lets a test check that no
 * table was forgotten).  Sessions and idempotency keys are not copied: they
 * are short-lived and tied to the old server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"
#include "banned.h"

struct copy_table {
    const char *name;
    const char *select; /* every column, in order, by primary key */
    const char *insert; /* $1..$n in the same order */
    const char *count;
};

#define T(name, cols, params, order)                                                               \
    {                                                                                              \
        name, "SELECT " cols " FROM " name " ORDER BY " order,                                     \
            "INSERT INTO " name " (" cols ") VALUES (" params ")", "SELECT COUNT(*) FROM " name    \
    }

static const struct copy_table tables[] = {
    T("areas", "id, parent_id, code, name, level, path, code_year, version, created_at, updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10", "id"),
    T("roles", "id, code, name, scope, builtin, version, created_at, updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8", "id"),
    T("role_permissions", "role_id, perm", "$1, $2", "role_id, perm"),
    T("users",
      "id, username, name, phone, area_id, password_hash, must_change_password, disabled, "
      "failed_logins, locked_until, password_changed_at, created_by, version, created_at, "
      "updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15", "id"),
    T("user_roles", "user_id, role_id", "$1, $2", "user_id, role_id"),
    T("audit_log",
      "id, at, user_id, username, ip, action, entity, entity_id, before_json, after_json, "
      "prev_hash, hash",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12", "id"),
    T("settings", "name, value, version, updated_at", "$1, $2, $3, $4", "name"),
    T("calendar_years", "year, source, loaded_at", "$1, $2, $3", "year"),
    T("calendar_days", "day, kind, name, updated_at", "$1, $2, $3, $4", "day"),
    T("search_docs", "id, entity, entity_id, area_path, title, body", "$1, $2, $3, $4, $5, $6",
      "id"),
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* Columns in a table's column list. */
static int ncols(const char *select)
{
    int n = 1;
    for (const char *p = select; *p && strncmp(p, " FROM ", 6) != 0; p++)
        if (*p == ',')
            n++;
    return n;
}

static int count_rows(struct db *db, const char *sql, int64_t *n, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    *n = rc == DB_ROW ? db_col_int(st, 0) : 0;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_copy_check_empty(struct db *to, struct error *err)
{
    for (size_t i = 0; i < NTABLES; i++) {
        int64_t n;
        int rc = count_rows(to, tables[i].count, &n, err);
        if (rc)
            return rc;
        if (n)
            return err_set(
                err, ZW_ECONFLICT, NULL,
                "目标数据库的 %s 表已有 %lld 行：只能复制到空数据库（多个乡镇合并到同一数据库"
                "尚不支持）",
                tables[i].name, (long long)n);
    }
    return 0;
}

static int copy_table(struct db *from, struct db *to, const struct copy_table *t, size_t batch,
                      void (*progress)(const char *table, int64_t done, int64_t total, void *ud),
                      void *ud, struct error *err)
{
    int64_t total, done = 0;
    int rc = count_rows(from, t->count, &total, err);
    if (rc)
        return rc;
    int n = ncols(t->select);
    struct db_stmt *src;
    if ((rc = db_prepare(from, t->select, &src, err)))
        return rc;
    bool open = false;
    while ((rc = db_step(src, err)) == DB_ROW) {
        if (!open) {
            if ((rc = db_begin(to, true, err)))
                break;
            open = true;
        }
        struct db_stmt *dst;
        if ((rc = db_prepare(to, t->insert, &dst, err)))
            break;
        for (int c = 0; c < n; c++)
            db_bind_text(dst, c + 1, db_col_null(src, c) ? NULL : db_col_text(src, c));
        if ((rc = db_step_done(dst, err)))
            break;
        if (++done % (int64_t)batch == 0) {
            if ((rc = db_commit(to, err)))
                break;
            open = false;
            if (progress)
                progress(t->name, done, total, ud);
        }
    }
    db_finish(src);
    if (rc < 0) {
        if (open)
            db_rollback(to);
        return err_detail(err, "copying %s", t->name);
    }
    if (open && (rc = db_commit(to, err)))
        return rc;
    if (progress)
        progress(t->name, done, total, ud);
    return 0;
}

/* The chain head names the newest audit row: copy it over the target's fresh one. */
static int copy_audit_head(struct db *from, struct db *to, struct error *err)
{
    static const char sql[] = "UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1";
    int64_t last_id;
    char last_hash[65];
    int rc = store_audit_head(from, &last_id, last_hash, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(to, sql, &st, err)))
        return rc;
    db_bind_int(st, 1, last_id);
    db_bind_text(st, 2, last_hash);
    return db_step_done(st, err);
}

/* PostgreSQL identity columns must continue after the copied ids. */
static int bump_sequences(struct db *to, struct error *err)
{
    static const char *const sql[] = {
        "SELECT setval(pg_get_serial_sequence('areas', 'id'), "
        "(SELECT COALESCE(MAX(id), 0) + 1 FROM areas), false)",
        "SELECT setval(pg_get_serial_sequence('roles', 'id'), "
        "(SELECT COALESCE(MAX(id), 0) + 1 FROM roles), false)",
        "SELECT setval(pg_get_serial_sequence('users', 'id'), "
        "(SELECT COALESCE(MAX(id), 0) + 1 FROM users), false)",
        "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), "
        "(SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log), false)",
        "SELECT setval(pg_get_serial_sequence('sessions', 'id'), "
        "(SELECT COALESCE(MAX(id), 0) + 1 FROM sessions), false)",
        "SELECT setval(pg_get_serial_sequence('search_docs', 'id'), "
        "(SELECT COALESCE(MAX(id), 0) + 1 FROM search_docs), false)",
    };
    if (to->drv != &db_pg_driver)
        return 0;
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        int rc = db_exec(to, sql[i], err);
        if (rc)
            return rc;
    }
    return 0;
}

int store_copy(struct db *from, struct db *to, size_t batch,
               void (*progress)(const char *table, int64_t done, int64_t total, void *ud), void *ud,
               struct error *err)
{
    int rc = store_copy_check_empty(to, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < NTABLES; i++)
        if ((rc = copy_table(from, to, &tables[i], batch ? batch : 1000, progress, ud, err)))
            return rc;
    if ((rc = db_begin(to, true, err)))
        return rc;
    if ((rc = copy_audit_head(from, to, err)) || (rc = bump_sequences(to, err)) ||
        (rc = db_commit(to, err))) {
        db_rollback(to);
        return rc;
    }
    return 0;
}

int store_copy_compare_counts(struct db *from, struct db *to, char *report, size_t cap,
                              struct error *err)
{
    size_t used = 0;
    int mismatches = 0;
    report[0] = '\0';
    for (size_t i = 0; i < NTABLES; i++) {
        int64_t a, b;
        int rc = count_rows(from, tables[i].count, &a, err);
        if (rc || (rc = count_rows(to, tables[i].count, &b, err)))
            return rc;
        if (a != b)
            mismatches++;
        int w = snprintf(report + used, cap - used, "%s%s %lld%s%lld", used ? "，" : "",
                         tables[i].name, (long long)a, a == b ? "=" : "≠", (long long)b);
        if (w > 0 && (size_t)w < cap - used)
            used += (size_t)w;
    }
    return mismatches ? err_set(err, ZW_EDB, NULL, "行数不一致：%s", report) : 0;
}

size_t store_copy_tables(const char **names, size_t cap)
{
    for (size_t i = 0; i < NTABLES && i < cap; i++)
        names[i] = tables[i].name;
    return NTABLES;
}
