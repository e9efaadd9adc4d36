/*
 * importer_jobs.h - imports as background jobs (table import_jobs): the
 * upload is kept as a file under <files>/imports/, a worker thread of
 * `zhenwu serve` runs the dry run (checking -> checked, with the report) and,
 * when the user commits, the import (importing -> done, in one transaction;
 * failed with a Chinese message when nothing could be written).
 *
 * The worker has its own database connection and transactions, never a
 * request's; the job runs as the user who uploaded it (their scope and
 * rights at the time it runs).  While a job runs its progress is kept in
 * memory (importer_job_progress); the row holds it when the phase ends.
 */
#ifndef ZW_IMPORTER_JOBS_H
#define ZW_IMPORTER_JOBS_H

#include "domain.h"
#include "importer.h"
#include "registry.h"
#include "store/store_import.h"

/* Where uploads are kept (<files>/imports, created if missing) and the code tables. */
int importer_jobs_init(const char *files_dir, const struct registry_defs *d, struct error *err);

/*
 * Keeps the uploaded bytes on disk and queues a job for kind in the
 * caller's transaction (status checking, created by z->who, area_path of
 * z->who); *id is the job.  ZW_EINVAL for an unknown kind or an empty file.
 */
int importer_job_create(struct zctx *z, const char *kind, const char *name, const void *data,
                        size_t len, int64_t *id, struct error *err);

/* The job if the caller may see it (its creator, or a scope covering its area); else ZW_ENOTFOUND.
 */
int importer_job_get(struct zctx *z, int64_t id, struct import_job *out, struct error *err);

/*
 * Queues the commit of a checked job in mode "valid" or "all" in the
 * caller's transaction.  Refused (ZW_EINVAL, field mode, nothing changed)
 * for "all" when the report has errors and for "valid" when no row is
 * valid; ZW_ETRANSITION when the job is not checked.
 */
int importer_job_commit(struct zctx *z, int64_t id, const char *mode, struct error *err);

/* The progress of job id if it is running in this process now: true with done and total. */
bool importer_job_progress(int64_t id, long *done, long *total);

/*
 * Runs every waiting job (checking or importing) on db, oldest first, each
 * in its own transactions; returns the number run.  The worker calls it;
 * so can a test.
 */
int importer_jobs_run_pending(struct db *db, struct error *err);

/* Wakes the worker (a job was queued; called after the request commits). */
void importer_jobs_wake(void);
/* The worker thread: starts it on store / asks it to stop and waits. */
struct store;
int importer_worker_start(struct store *store, struct error *err);
void importer_worker_stop(void);

#endif
