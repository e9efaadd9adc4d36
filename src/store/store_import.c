/* store_import.c - SQL of the registry imports; see store_import.h. */
#include "store_import.h"
#include "store_int.h"
#include "banned.h"

int store_import_job_insert(struct db *db, struct import_job *j, struct error *err)
{
    static const char sql[] =
        "INSERT INTO import_jobs (kind, status, file_name, file_path, created_by, area_path, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, j->kind);
    db_bind_text(st, 2, j->status);
    db_bind_text(st, 3, j->file_name);
    db_bind_text(st, 4, j->file_path);
    db_bind_id(st, 5, j->created_by);
    db_bind_text(st, 6, j->area_path);
    db_bind_int(st, 7, j->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        j->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_import_job_get(struct db *db, int64_t id, struct arena *a, struct import_job *out,
                         struct error *err)
{
    static const char sql[] =
        "SELECT j.id, j.kind, j.status, j.file_name, j.file_path, j.total_rows, j.done_rows, "
        "j.report_json, j.mode, COALESCE(j.imported, -1), j.message, COALESCE(j.created_by, 0), "
        "u.name, j.area_path, j.created_at, j.updated_at, COALESCE(j.finished_at, 0) "
        "FROM import_jobs j LEFT JOIN users u ON u.id = j.created_by WHERE j.id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->kind = st_dup(a, db_col_text(st, 1));
        out->status = st_dup(a, db_col_text(st, 2));
        out->file_name = st_dup(a, db_col_text(st, 3));
        out->file_path = st_dup(a, db_col_text(st, 4));
        out->total_rows = db_col_int(st, 5);
        out->done_rows = db_col_int(st, 6);
        out->report_json = st_dup(a, db_col_text(st, 7));
        out->mode = st_dup(a, db_col_text(st, 8));
        out->imported = db_col_int(st, 9);
        out->message = st_dup(a, db_col_text(st, 10));
        out->created_by = db_col_int(st, 11);
        out->created_by_name = st_dup(a, db_col_text(st, 12));
        out->area_path = st_dup(a, db_col_text(st, 13));
        out->created_at = db_col_int(st, 14);
        out->updated_at = db_col_int(st, 15);
        out->finished_at = db_col_int(st, 16);
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "导入任务不存在");
    return rc < 0 ? rc : 0;
}

int store_import_job_update(struct db *db, const struct import_job *j, struct error *err)
{
    static const char sql[] =
        "UPDATE import_jobs SET status = $2, total_rows = $3, done_rows = $4, report_json = $5, "
        "mode = $6, imported = $7, message = $8, updated_at = $9, finished_at = $10 WHERE id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, j->id);
    db_bind_text(st, 2, j->status);
    db_bind_int(st, 3, j->total_rows);
    db_bind_int(st, 4, j->done_rows);
    db_bind_text(st, 5, j->report_json);
    db_bind_text(st, 6, j->mode);
    if (j->imported >= 0)
        db_bind_int(st, 7, j->imported);
    else
        db_bind_text(st, 7, NULL);
    db_bind_text(st, 8, j->message);
    db_bind_int(st, 9, j->updated_at);
    db_bind_id(st, 10, j->finished_at);
    return db_step_done(st, err);
}

int store_import_job_progress(struct db *db, int64_t id, int64_t done, int64_t total, int64_t now,
                              struct error *err)
{
    static const char sql[] =
        "UPDATE import_jobs SET done_rows = $2, total_rows = $3, updated_at = $4 WHERE id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, done);
    db_bind_int(st, 3, total);
    db_bind_int(st, 4, now);
    return db_step_done(st, err);
}

int store_import_job_start_commit(struct db *db, int64_t id, const char *mode, int64_t now,
                                  struct error *err)
{
    static const char sql[] =
        "UPDATE import_jobs SET status = 'importing', mode = $2, done_rows = 0, updated_at = $3 "
        "WHERE id = $1 AND status = 'checked' RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, mode);
    db_bind_int(st, 3, now);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ETRANSITION, NULL, "该导入任务已提交或尚未检查完成");
    return rc < 0 ? rc : 0;
}

int store_import_job_next(struct db *db, int64_t *id, struct error *err)
{
    static const char sql[] = "SELECT id FROM import_jobs WHERE status IN ('checking', "
                              "'importing') ORDER BY id LIMIT 1";
    struct db_stmt *st;
    *id = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_import_areas(struct db *db, struct arena *a, struct import_area **items, size_t *n,
                       struct error *err)
{
    static const char sql[] =
        "SELECT id, COALESCE(parent_id, 0), code, name, level, path FROM areas "
        "WHERE level IN ('village', 'group', 'grid') ORDER BY id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    size_t cap = 64;
    struct import_area *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct import_area *r = &v[(*n)++];
        r->id = db_col_int(st, 0);
        r->parent_id = db_col_int(st, 1);
        r->code = st_dup(a, db_col_text(st, 2));
        r->name = st_dup(a, db_col_text(st, 3));
        r->level = st_dup(a, db_col_text(st, 4));
        r->path = st_dup(a, db_col_text(st, 5));
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_import_household_by_code(struct db *db, const char *code, struct arena *a,
                                   struct import_household *out, struct error *err)
{
    static const char sql[] =
        "SELECT id, village_id, COALESCE(group_id, 0), COALESCE(grid_id, 0), area_path, "
        "COALESCE(head_person_id, 0) "
        "FROM households WHERE code = $1 AND dissolved_on IS NULL";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, code);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->village_id = db_col_int(st, 1);
        out->group_id = db_col_int(st, 2);
        out->grid_id = db_col_int(st, 3);
        out->area_path = st_dup(a, db_col_text(st, 4));
        out->head_person_id = db_col_int(st, 5);
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "户编号不存在");
    return rc < 0 ? rc : 0;
}

int store_import_person_by_id_number(struct db *db, const char *id_number, struct arena *a,
                                     bool *found, const char **household_code, struct error *err)
{
    static const char sql[] =
        "SELECT COALESCE(h.code, '') FROM persons p LEFT JOIN households h ON h.id = "
        "p.household_id WHERE p.id_number = $1 AND p.status <> 'merged'";
    struct db_stmt *st;
    *found = false;
    *household_code = "";
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id_number);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *found = true;
        *household_code = st_dup(a, db_col_text(st, 0));
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_import_income_exists(struct db *db, int64_t household_id, const char *date, bool *exists,
                               struct error *err)
{
    static const char sql[] =
        "SELECT 1 FROM incomes WHERE household_id = $1 AND assessed_on = $2 LIMIT 1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_text(st, 2, date);
    rc = db_step(st, err);
    *exists = rc == DB_ROW;
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_import_members_on(struct db *db, int64_t household_id, const char *date, int *n,
                            struct error *err)
{
    static const char sql[] =
        "SELECT count(*) FROM memberships WHERE household_id = $1 AND joined_on <= $2 "
        "AND (left_on IS NULL OR left_on > $2)";
    struct db_stmt *st;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, household_id);
    db_bind_text(st, 2, date);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *n = (int)db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}
