/*
 * reports.h - work reports (工作报告) as background jobs (table report_jobs):
 * POST queues a job for a template of defs/reports/, an area and a year; a
 * worker thread of `zhenwu serve` evaluates its figures as the user who
 * asked (their scope and rights when it runs), with progress, and keeps the
 * evaluated report; it is then rendered as HTML, DOCX or PDF on request.
 * See docs/reports.md.
 */
#ifndef ZW_REPORTS_H
#define ZW_REPORTS_H

#include "domain.h"
#include "indicators.h"
#include "report_template.h"
#include "store/store_report.h"

/* The templates and indicators the jobs use (loaded and checked at start). */
void reports_use(const struct report_templates *t, const struct indicators *d);
const struct report_templates *reports_templates(void);

/*
 * Queues a report of template for area_id (in the caller's scope) and year,
 * in the caller's transaction; *id is the job.  ZW_EINVAL (field template,
 * year or areaId) for a bad request, nothing written.
 */
int reports_create(struct zctx *z, const char *template_code, int year, int64_t area_id,
                   int64_t *id, struct error *err);
/* The job if its area lies in the caller's scope (else ZW_ENOTFOUND). */
int reports_get(struct zctx *z, int64_t id, struct report_job *out, struct error *err);
/* The progress of job id if it is running in this process now. */
bool reports_progress(int64_t id, long *done, long *total);

/* Runs every queued job on db, oldest first; returns the number run (the worker, or a test). */
int reports_run_pending(struct db *db, struct error *err);
void reports_wake(void);
struct store;
int reports_worker_start(struct store *store, struct error *err);
void reports_worker_stop(void);

/* The finished report of job j as html / docx / pdf (arena-owned). */
int reports_render(const struct report_job *j, const char *format, struct arena *a, char **data,
                   size_t *len, struct error *err);

#endif
