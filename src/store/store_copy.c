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
    T("cases",
      "id, type, serial, year, seq, title, content, area_id, area_path, category, channel, "
      "requester_name, requester_phone, confidential, state, outcome, assignee_id, fields_json, "
      "created_by, created_at, updated_at, closed_at, version, lat, lon, address, satisfied, "
      "rated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
      "$21, $22, $23, $24, $25, $26, $27, $28",
      "id"),
    T("case_events",
      "id, case_id, at, user_id, user_name, kind, action, from_state, to_state, comment, data_json",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11", "id"),
    T("case_clocks",
      "case_id, clock, started_at, due_at, warn_at, paused_at, stopped_at, extensions",
      "$1, $2, $3, $4, $5, $6, $7, $8", "case_id, clock"),
    T("case_serials", "type, year, last", "$1, $2, $3", "type, year"),
    T("case_counts", "area_id, type, state, n", "$1, $2, $3, $4", "area_id, type, state"),
    T("case_created_counts", "area_path, type, channel, category, month, n",
      "$1, $2, $3, $4, $5, $6", "area_path, type, channel, category, month"),
    T("case_closed_counts", "area_path, type, outcome, satisfied, late, month, n",
      "$1, $2, $3, $4, $5, $6, $7", "area_path, type, outcome, satisfied, late, month"),
    T("case_attachments", "id, case_id, name, mime, size, sha256, created_at, created_by",
      "$1, $2, $3, $4, $5, $6, $7, $8", "id"),
    T("case_links", "case_id, other_id, kind, created_at, created_by", "$1, $2, $3, $4, $5",
      "case_id, other_id"),
    T("case_documents",
      "id, case_id, code, name, html, sha256, confidential, created_at, created_by, event",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10", "id"),
    T("case_reminders", "case_id, clock, run, kind, level, event_id, created_at",
      "$1, $2, $3, $4, $5, $6, $7", "case_id, clock, run, kind, level"),
    T("notifications",
      "id, user_id, case_id, event_id, kind, level, title, body, created_at, read_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10", "id"),
    T("outbox",
      "id, event_id, kind, payload, created_at, attempts, next_attempt_at, delivered_at, "
      "last_error",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9", "id"),
    T("api_keys", "id, name, key_hash, created_at, disabled, disabled_at, user_id",
      "$1, $2, $3, $4, $5, $6, $7", "id"),
    T("public_requests",
      "id, case_id, tracking_code, service_code, phone_last4, source, api_key_id, ip, created_at, "
      "rating, rating_comment, rated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12", "id"),
    /* the registry (0013) */
    T("households",
      "id, code, village_id, group_id, grid_id, area_path, address, phone, head_person_id, "
      "poor_year, exit_year, monitor_status, monitor_category, monitor_risks, monitor_since, "
      "eliminated_on, dissolved_on, note, version, created_by, created_at, updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
      "$21, $22",
      "id"),
    T("household_categories", "household_id, category, since", "$1, $2, $3",
      "household_id, category"),
    T("persons",
      "id, household_id, name, id_number, sex, birth_date, phone, relation, labour, disability, "
      "schooling, insured_medical, insured_serious, insured_pension, health, work, status, "
      "merged_into, village_id, area_path, version, created_by, created_at, updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
      "$21, $22, $23, $24",
      "id"),
    T("memberships",
      "id, person_id, household_id, joined_on, join_reason, left_on, leave_reason, created_at",
      "$1, $2, $3, $4, $5, $6, $7, $8", "id"),
    T("guarantee_checks",
      "id, household_id, kind, ok, rating, values_json, checked_on, checked_by, checker_name, "
      "note, created_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11", "id"),
    T("incomes",
      "id, household_id, year, assessed_on, wages, business, property, transfers, expenses, "
      "members, net, per_person, source, created_by, created_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15", "id"),
    T("registry_history",
      "id, household_id, person_id, at, user_id, user_name, action, before_json, after_json",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9", "id"),
    T("person_duplicates",
      "id, person_id, other_id, reason, status, area_path, created_at, resolved_at, resolved_by",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9", "id"),
    T("assist_cadres",
      "id, name, unit, phone, user_id, area_id, area_path, active, version, created_at, "
      "updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11", "id"),
    T("household_pairs", "id, household_id, cadre_id, since, until_on, created_at",
      "$1, $2, $3, $4, $5, $6", "id"),
    T("household_cases", "household_id, case_id", "$1, $2", "household_id, case_id"),
    T("import_jobs",
      "id, kind, status, file_name, file_path, total_rows, done_rows, report_json, mode, "
      "imported, message, created_by, area_path, created_at, updated_at, finished_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16", "id"),
    /* benefits (0015): after households */
    T("benefit_enrolments",
      "id, household_id, programme, persons, since, until_on, case_id, area_path, created_by, "
      "created_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10", "id"),
    T("payment_batches",
      "id, programme, period, scope_path, status, households, persons, amount_fen, paid_on, "
      "created_by, created_at, issued_by, issued_at, version",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14", "id"),
    T("payment_batch_lines",
      "id, batch_id, household_id, persons, standard_fen, income_fen, amount_fen, area_path, "
      "village_id, note",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10", "id"),
    T("payments",
      "id, programme, household_id, persons, amount_fen, period, fund_source, paid_on, batch_id, "
      "area_path, village_id, note, created_by, created_at, person_id",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15", "id"),
    /* 防返贫 monitoring (sql/0014_monitoring.sql): after households, persons, cadres, cases. */
    T("monitor_alerts",
      "id, household_id, person_id, source, rule, detail, amount_fen, ref_fen, status, case_id, "
      "dismissed_reason, area_path, created_at, created_by, updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15", "id"),
    T("assist_measures",
      "id, household_id, person_id, kind, description, cadre_id, start_on, end_on, status, "
      "done_on, version, created_by, created_at, updated_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14", "id"),
    T("visits", "id, household_id, cadre_id, user_id, visited_on, found, area_path, created_at",
      "$1, $2, $3, $4, $5, $6, $7, $8", "id"),
    T("visit_photos", "id, visit_id, name, mime, size, sha256, created_at",
      "$1, $2, $3, $4, $5, $6, $7", "id"),
    /* closed periods (0022); data_versions is the target's own */
    T("period_closes",
      "id, area_id, area_path, period, date_from, date_to, label, note, closed_at, closed_by",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10", "id"),
    T("period_values", "close_id, area_path, code, num, den", "$1, $2, $3, $4, $5",
      "close_id, area_path, code"),
    T("person_counts",
      "area_path, status, sex, insured_medical, insured_serious, insured_pension, poor_year, "
      "exit_year, monitor_status, n",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10",
      "area_path, status, sex, insured_medical, insured_serious, insured_pension, poor_year, "
      "exit_year, monitor_status"),
    T("household_counts",
      "area_path, dissolved, monitor_status, monitor_category, poor_year, exit_year, n",
      "$1, $2, $3, $4, $5, $6, $7",
      "area_path, dissolved, monitor_status, monitor_category, poor_year, exit_year"),
    T("period_records",
      "close_id, code, seq, record_id, label, area_path, rec_date, rec_epoch, amount_fen, "
      "household_id",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10", "close_id, code, seq"),
    /* assessment (sql/0020_assessment.sql): after areas, users, cadres. */
    T("assess_runs",
      "id, scheme, period, year, area_id, area_path, status, base10, correction_of, reason, "
      "created_by, created_at, computed_at, approved_by, approved_at, version",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16", "id"),
    T("assess_subjects", "id, run_id, area_id, cadre_id, user_id, name, area_path, score10, place",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9", "id"),
    T("assess_evidence", "id, run_id, name, mime, size, sha256, created_by, created_at",
      "$1, $2, $3, $4, $5, $6, $7, $8", "id"),
    T("assess_lines",
      "id, run_id, subject_id, seq, kind, code, name, indicator, value_num, value_den, "
      "value_text, points10, explanation, status, comment, evidence_id, entered_by, entered_at, "
      "approved_by, approved_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20",
      "id"),
    /* work reports (0021): after areas and users */
    T("report_jobs",
      "id, template, year, area_id, area_path, status, done_values, total_values, result_json, "
      "message, created_by, created_at, updated_at, finished_at",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14", "id"),
    /* Public notices (sql/0019_notices.sql): after areas, users and cases. */
    T("notices",
      "id, kind, title, village_id, area_path, period, programme, note, rows_json, nrows, "
      "replaces_id, status, html, sha256, window_start, window_end, published_at, published_by, "
      "closed_at, closed_by, created_by, created_at, version",
      "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
      "$21, $22, $23",
      "id"),
    T("notice_objections", "id, notice_id, case_id, created_at", "$1, $2, $3, $4", "id"),
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
            return err_set(err, ZW_ECONFLICT, NULL, "目标数据库的 %s 表已有 %lld 行，不是空数据库",
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

/*
 * PostgreSQL identity columns must continue after the copied ids: every
 * table ordered by "id" has one (sessions are not copied but keep theirs).
 */
static int bump_sequences(struct db *to, struct error *err)
{
    if (to->drv != &db_pg_driver)
        return 0;
    char sql[256];
    for (size_t i = 0; i <= NTABLES; i++) {
        const char *name = i < NTABLES ? tables[i].name : "sessions";
        size_t len = strlen(i < NTABLES ? tables[i].select : "");
        if (i < NTABLES && (len < 12 || strcmp(tables[i].select + len - 12, " ORDER BY id") != 0))
            continue;
        snprintf(sql, sizeof(sql),
                 "SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT COALESCE(MAX(id), 0) "
                 "+ 1 FROM %s), false)",
                 name, name);
        int rc = db_exec(to, sql, err);
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

/* ---- merging a township into a database that already holds others -------- */

/* old id -> new id, appended in ascending old-id order (binary search). */
struct idmap {
    int64_t (*v)[2];
    size_t n, cap;
};

static void idmap_put(struct idmap *m, int64_t from, int64_t to)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 256;
        m->v = realloc(m->v, m->cap * sizeof(*m->v));
        if (!m->v)
            log_fatal("copy: out of memory");
    }
    m->v[m->n][0] = from;
    m->v[m->n][1] = to;
    m->n++;
}

/* The new id of from, or 0. */
static int64_t idmap_get(const struct idmap *m, int64_t from)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->v[mid][0] < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->v[lo][0] == from ? m->v[lo][1] : 0;
}

struct merge {
    struct db *from, *to;
    struct idmap areas, roles, users;
    struct store_merge_result *res;
    int64_t now;
    void (*hash)(const struct audit_rec *r, char out[65]);
    struct arena a;
};

/* Refuses before writing: a township already there, a username taken. */
static int merge_precheck(struct merge *m, struct error *err)
{
    static const char sql_towns[] = "SELECT code, name FROM areas WHERE level = 'township'";
    static const char sql_users[] = "SELECT username FROM users ORDER BY id";
    static const char sql_cases[] = "SELECT COUNT(*) FROM cases";
    int64_t ncases;
    int rc0 = count_rows(m->from, sql_cases, &ncases, err);
    if (rc0)
        return rc0;
    if (ncases)
        return err_set(err, ZW_ECONFLICT, NULL,
                       "源数据库已有 %lld 件办件：合并带办件的数据库尚不支持，请在启用办件前合并",
                       (long long)ncases);
    struct db_stmt *st;
    int rc = db_prepare(m->from, sql_towns, &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct area there;
        struct error e2;
        if (store_area_by_code(m->to, db_col_text(st, 0), &there, &e2) == 0) {
            rc = err_set(err, ZW_ECONFLICT, NULL, "目标数据库中已有乡镇 %s（%s）", there.name,
                         there.code);
            break;
        }
    }
    db_finish(st);
    if (rc < 0 || rc == ZW_ECONFLICT)
        return rc < 0 ? rc : ZW_ECONFLICT;
    if ((rc = db_prepare(m->from, sql_users, &st, err)))
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        struct user there;
        struct error e2;
        if (store_user_by_username(m->to, db_col_text(st, 0), &there, &e2) == 0) {
            rc = err_set(err, ZW_ECONFLICT, NULL,
                         "用户名“%s”在目标数据库中已被使用：请先在源数据库中改名或停用后再合并",
                         there.username);
            break;
        }
    }
    db_finish(st);
    return rc < 0 ? rc : rc == ZW_ECONFLICT ? ZW_ECONFLICT : 0;
}

static int merge_areas(struct merge *m, struct error *err)
{
    static const char sql_src[] =
        "SELECT id, COALESCE(parent_id, 0), code, name, level, "
        "code_year, version, created_at, updated_at FROM areas ORDER BY id";
    static const char sql_ins[] =
        "INSERT INTO areas (parent_id, code, name, level, path, code_year, version, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8) RETURNING id";
    static const char sql_path[] = "UPDATE areas SET path = $1 WHERE id = $2";
    struct db_stmt *src;
    int rc = db_prepare(m->from, sql_src, &src, err);
    if (rc)
        return rc;
    while ((rc = db_step(src, err)) == DB_ROW) {
        int64_t old = db_col_int(src, 0), parent = idmap_get(&m->areas, db_col_int(src, 1));
        const char *code = db_col_text(src, 2), *name = db_col_text(src, 3);
        struct area there;
        struct error e2;
        /* Shared ancestors (the county) are found by code and reused. */
        if (store_area_by_code(m->to, code, &there, &e2) == 0) {
            idmap_put(&m->areas, old, there.id);
            continue;
        }
        char ppath[256] = "/";
        if (parent) {
            if ((rc = store_area_get_any(m->to, parent, &there, err)))
                break;
            snprintf(ppath, sizeof(ppath), "%s", there.path);
        }
        struct db_stmt *st;
        if ((rc = db_prepare(m->to, sql_ins, &st, err)))
            break;
        db_bind_id(st, 1, parent);
        db_bind_text(st, 2, code);
        db_bind_text(st, 3, name);
        db_bind_text(st, 4, db_col_text(src, 4));
        db_bind_text(st, 5, db_col_null(src, 5) ? NULL : db_col_text(src, 5));
        db_bind_int(st, 6, db_col_int(src, 6));
        db_bind_int(st, 7, db_col_int(src, 7));
        db_bind_int(st, 8, db_col_int(src, 8));
        rc = db_step(st, err);
        int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
        db_finish(st);
        if (rc < 0)
            break;
        char path[256];
        snprintf(path, sizeof(path), "%s%lld/", ppath, (long long)id);
        if ((rc = db_prepare(m->to, sql_path, &st, err)))
            break;
        db_bind_text(st, 1, path);
        db_bind_int(st, 2, id);
        if ((rc = db_step_done(st, err)) ||
            (rc = store_search_put(m->to, "area", id, path, name, code, err)))
            break;
        idmap_put(&m->areas, old, id);
        m->res->areas++;
    }
    db_finish(src);
    return rc < 0 ? rc : 0;
}

static int merge_roles(struct merge *m, struct error *err)
{
    struct role *roles;
    size_t n;
    int rc = store_role_list(m->from, &m->a, &roles, &n, err);
    if (rc)
        return rc;
    /* store_role_list orders built-ins first; the map needs ascending ids. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && roles[k - 1].id > roles[k].id; k--) {
            struct role t = roles[k];
            roles[k] = roles[k - 1];
            roles[k - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        struct role there;
        struct error e2;
        if (store_role_by_code(m->to, roles[i].code, &m->a, &there, &e2) == 0) {
            idmap_put(&m->roles, roles[i].id, there.id);
            continue;
        }
        int64_t old = roles[i].id;
        if ((rc = store_role_insert(m->to, &roles[i], m->now, err)))
            return rc;
        idmap_put(&m->roles, old, roles[i].id);
    }
    return 0;
}

static int merge_users(struct merge *m, struct error *err)
{
    static const char sql_src[] =
        "SELECT id, username, name, phone, area_id, password_hash, must_change_password, "
        "disabled, password_changed_at, COALESCE(created_by, 0), version, created_at, updated_at "
        "FROM users ORDER BY id";
    static const char sql_ins[] =
        "INSERT INTO users (username, name, phone, area_id, password_hash, must_change_password, "
        "disabled, password_changed_at, created_by, version, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
    static const char sql_roles[] = "SELECT user_id, role_id FROM user_roles ORDER BY user_id";
    static const char sql_ur[] = "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)";
    struct db_stmt *src;
    int rc = db_prepare(m->from, sql_src, &src, err);
    if (rc)
        return rc;
    while ((rc = db_step(src, err)) == DB_ROW) {
        struct db_stmt *st;
        if ((rc = db_prepare(m->to, sql_ins, &st, err)))
            break;
        int64_t by = idmap_get(&m->users, db_col_int(src, 9));
        db_bind_text(st, 1, db_col_text(src, 1));
        db_bind_text(st, 2, db_col_text(src, 2));
        db_bind_text(st, 3, db_col_null(src, 3) ? NULL : db_col_text(src, 3));
        db_bind_int(st, 4, idmap_get(&m->areas, db_col_int(src, 4)));
        db_bind_text(st, 5, db_col_text(src, 5));
        db_bind_int(st, 6, db_col_int(src, 6));
        db_bind_int(st, 7, db_col_int(src, 7));
        db_bind_int(st, 8, db_col_int(src, 8));
        db_bind_id(st, 9, by);
        db_bind_int(st, 10, db_col_int(src, 10));
        db_bind_int(st, 11, db_col_int(src, 11));
        db_bind_int(st, 12, db_col_int(src, 12));
        rc = db_step(st, err);
        int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
        db_finish(st);
        if (rc < 0)
            break;
        idmap_put(&m->users, db_col_int(src, 0), id);
        struct user u;
        struct scope all = {.kind = SCOPE_ALL};
        if ((rc = store_user_get(m->to, id, &all, &u, err)) ||
            (rc = store_search_put(m->to, "user", id, u.area_path, u.name, u.username, err)))
            break;
        m->res->users++;
    }
    db_finish(src);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(m->from, sql_roles, &src, err)))
        return rc;
    while ((rc = db_step(src, err)) == DB_ROW) {
        struct db_stmt *st;
        if ((rc = db_prepare(m->to, sql_ur, &st, err)))
            break;
        db_bind_int(st, 1, idmap_get(&m->users, db_col_int(src, 0)));
        db_bind_int(st, 2, idmap_get(&m->roles, db_col_int(src, 1)));
        if ((rc = db_step_done(st, err)))
            break;
    }
    db_finish(src);
    return rc < 0 ? rc : 0;
}

static int merge_calendar(struct merge *m, struct error *err)
{
    static const char sql_years[] = "SELECT year, source, loaded_at FROM calendar_years";
    static const char sql_days[] = "SELECT day, kind, name, updated_at FROM calendar_days";
    static const char ins_year[] = "INSERT INTO calendar_years (year, source, loaded_at) VALUES "
                                   "($1, $2, $3) ON CONFLICT (year) DO NOTHING";
    static const char ins_day[] = "INSERT INTO calendar_days (day, kind, name, updated_at) VALUES "
                                  "($1, $2, $3, $4) ON CONFLICT (day) DO NOTHING";
    const char *pairs[2][2] = {{sql_years, ins_year}, {sql_days, ins_day}};
    for (int k = 0; k < 2; k++) {
        struct db_stmt *src;
        int rc = db_prepare(m->from, pairs[k][0], &src, err), n = k == 0 ? 3 : 4;
        if (rc)
            return rc;
        while ((rc = db_step(src, err)) == DB_ROW) {
            struct db_stmt *st;
            if ((rc = db_prepare(m->to, pairs[k][1], &st, err)))
                break;
            for (int c = 0; c < n; c++)
                db_bind_text(st, c + 1, db_col_text(src, c));
            if ((rc = db_step_done(st, err)))
                break;
        }
        db_finish(src);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The entity id of an audit row in the target's numbering, or the old text. */
static const char *merge_entity_id(struct merge *m, const char *entity, const char *old)
{
    if (!old)
        return NULL;
    const struct idmap *map = strcmp(entity, "user") == 0   ? &m->users
                              : strcmp(entity, "area") == 0 ? &m->areas
                              : strcmp(entity, "role") == 0 ? &m->roles
                                                            : NULL;
    int64_t id = map ? idmap_get(map, strtoll(old, NULL, 10)) : 0;
    return id ? arena_printf(&m->a, "%lld", (long long)id) : old;
}

static int merge_append(struct merge *m, struct audit_rec *r, struct error *err)
{
    int rc = store_audit_reserve(m->to, &r->id, r->prev_hash, err);
    if (rc)
        return rc;
    m->hash(r, r->hash);
    return store_audit_insert(m->to, r, err);
}

/*
 * The source's audit rows join the target's chain: new ids, ids inside the
 * row remapped, hashes recomputed.  The source chain was verified before; a
 * last "merge" row records its length and final hash, so the old chain's
 * end stays checkable against any copy of it kept elsewhere.
 */
static int merge_audit(struct merge *m, const char *source_name, struct error *err)
{
    static const char sql[] = "SELECT " AUDIT_COLS "FROM audit_log ORDER BY id";
    struct db_stmt *src;
    int rc = db_prepare(m->from, sql, &src, err);
    if (rc)
        return rc;
    while ((rc = db_step(src, err)) == DB_ROW) {
        struct audit_rec r;
        store__audit_read(src, &m->a, &r);
        r.user_id = r.user_id ? idmap_get(&m->users, r.user_id) : 0;
        r.entity_id = merge_entity_id(m, r.entity, r.entity_id);
        if ((rc = merge_append(m, &r, err)))
            break;
        m->res->audit_rows++;
    }
    db_finish(src);
    if (rc < 0)
        return rc;
    int64_t last_id;
    char last_hash[65];
    if ((rc = store_audit_head(m->from, &last_id, last_hash, err)))
        return rc;
    struct audit_rec anchor = {.at = m->now,
                               .username = "(命令行)",
                               .ip = "local",
                               .action = "merge",
                               .entity = "database"};
    anchor.after =
        arena_printf(&m->a, "{\"source\":\"%s\",\"sourceRows\":%lld,\"sourceLastHash\":\"%s\"}",
                     source_name, (long long)last_id, last_hash);
    return merge_append(m, &anchor, err);
}

int store_copy_merge(struct db *from, struct db *to, const char *source_name, int64_t now,
                     void (*hash)(const struct audit_rec *r, char out[65]),
                     struct store_merge_result *res, struct error *err)
{
    struct merge m = {.from = from, .to = to, .res = res, .now = now, .hash = hash};
    memset(res, 0, sizeof(*res));
    int rc = merge_precheck(&m, err);
    if (rc)
        goto out;
    if ((rc = db_begin(to, true, err)))
        goto out;
    if ((rc = merge_areas(&m, err)) || (rc = merge_roles(&m, err)) || (rc = merge_users(&m, err)) ||
        (rc = merge_calendar(&m, err)) || (rc = merge_audit(&m, source_name, err)) ||
        (rc = db_commit(to, err)))
        db_rollback(to);
out:
    free(m.areas.v);
    free(m.roles.v);
    free(m.users.v);
    arena_release(&m.a);
    return rc;
}
