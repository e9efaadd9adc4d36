/*
 * store_report.h - SQL of the work report jobs (sql/0021_reports.sql).
 * Strings of read rows are arena-owned.
 */
#ifndef ZW_STORE_REPORT_H
#define ZW_STORE_REPORT_H

#include "store.h"

struct report_job {
    int64_t id;
    const char *template_code, *status;
    int year;
    int64_t area_id;
    const char *area_path, *area_name;
    int64_t done_values, total_values;
    const char *result_json; /* NULL until done */
    const char *message;     /* NULL, or why it failed */
    int64_t created_by;
    const char *created_by_name;
    int64_t created_at, updated_at, finished_at; /* finished 0 = not yet */
};

/* Inserts j (template, year, area, status, totals, creator, created_at) and sets j->id. */
int store_report_job_insert(struct db *db, struct report_job *j, struct error *err);
/* The job (no scope: the caller checks); ZW_ENOTFOUND if none. */
int store_report_job_get(struct db *db, int64_t id, struct arena *a, struct report_job *out,
                         struct error *err);
/* Writes status, counters, result, message, updated_at and finished_at. */
int store_report_job_update(struct db *db, const struct report_job *j, struct error *err);
/* The oldest queued job, 0 if none. */
int store_report_job_next(struct db *db, int64_t *id, struct error *err);

#endif
