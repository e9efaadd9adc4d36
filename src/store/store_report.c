/* store_report.c - SQL of the work report jobs; see store_report.h. */
#include <string.h>

#include "store_int.h"
#include "store_report.h"
#include "banned.h"

int store_report_job_insert(struct db *db, struct report_job *j, struct error *err)
{
    static const char sql[] =
        "INSERT INTO report_jobs (template, year, area_id, area_path, status, total_values, "
        "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) "
        "RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, j->template_code);
    db_bind_int(st, 2, j->year);
    db_bind_int(st, 3, j->area_id);
    db_bind_text(st, 4, j->area_path);
    db_bind_text(st, 5, j->status);
    db_bind_int(st, 6, j->total_values);
    db_bind_id(st, 7, j->created_by);
    db_bind_int(st, 8, j->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        j->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_report_job_get(struct db *db, int64_t id, struct arena *a, struct report_job *out,
                         struct error *err)
{
    static const char sql[] =
        "SELECT j.id, j.template, j.year, j.area_id, j.area_path, ar.name, j.status, "
        "j.done_values, j.total_values, j.result_json, j.message, COALESCE(j.created_by, 0), "
        "u.name, j.created_at, j.updated_at, COALESCE(j.finished_at, 0) FROM report_jobs j "
        "JOIN areas ar ON ar.id = j.area_id LEFT JOIN users u ON u.id = j.created_by "
        "WHERE j.id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof(*out));
        out->id = db_col_int(st, 0);
        out->template_code = st_dup(a, db_col_text(st, 1));
        out->year = (int)db_col_int(st, 2);
        out->area_id = db_col_int(st, 3);
        out->area_path = st_dup(a, db_col_text(st, 4));
        out->area_name = st_dup(a, db_col_text(st, 5));
        out->status = st_dup(a, db_col_text(st, 6));
        out->done_values = db_col_int(st, 7);
        out->total_values = db_col_int(st, 8);
        out->result_json = db_col_null(st, 9) ? NULL : st_dup(a, db_col_text(st, 9));
        out->message = db_col_null(st, 10) ? NULL : st_dup(a, db_col_text(st, 10));
        out->created_by = db_col_int(st, 11);
        out->created_by_name = db_col_null(st, 12) ? NULL : st_dup(a, db_col_text(st, 12));
        out->created_at = db_col_int(st, 13);
        out->updated_at = db_col_int(st, 14);
        out->finished_at = db_col_int(st, 15);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    return rc == DB_ROW ? 0 : err_set(err, ZW_ENOTFOUND, NULL, "没有这份报告");
}

int store_report_job_update(struct db *db, const struct report_job *j, struct error *err)
{
    static const char sql[] =
        "UPDATE report_jobs SET status = $2, done_values = $3, total_values = $4, "
        "result_json = $5, message = $6, updated_at = $7, finished_at = $8 WHERE id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, j->id);
    db_bind_text(st, 2, j->status);
    db_bind_int(st, 3, j->done_values);
    db_bind_int(st, 4, j->total_values);
    db_bind_text(st, 5, j->result_json);
    db_bind_text(st, 6, j->message);
    db_bind_int(st, 7, j->updated_at);
    db_bind_id(st, 8, j->finished_at);
    rc = db_step(st, err);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_report_job_next(struct db *db, int64_t *id, struct error *err)
{
    static const char sql[] =
        "SELECT id FROM report_jobs WHERE status IN ('queued', 'running') ORDER BY id LIMIT 1";
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
