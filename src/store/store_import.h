/*
 * store_import.h - SQL of the registry imports (sql/0016_import_jobs.sql):
 * the jobs, and the look-ups the row checks make (areas by code and name,
 * households by 户编号, persons by ID number, incomes by date).
 *
 * Strings of read rows are arena-owned.  The look-ups ignore scope: the
 * importer applies the uploader's scope itself and reports a row outside
 * it as an error naming the column.
 */
#ifndef ZW_STORE_IMPORT_H
#define ZW_STORE_IMPORT_H

#include "store.h"

struct import_job {
    int64_t id;
    const char *kind, *status, *file_name, *file_path;
    int64_t total_rows, done_rows;
    const char *report_json; /* NULL until the dry run ends */
    const char *mode;        /* NULL, "valid" or "all" */
    int64_t imported;        /* -1 = not committed */
    const char *message;     /* NULL, or why the job failed */
    int64_t created_by;
    const char *created_by_name;
    const char *area_path;
    int64_t created_at, updated_at, finished_at; /* finished 0 = not yet */
};

/* Inserts j (status, kind, names, creator, area_path, created_at) and sets j->id. */
int store_import_job_insert(struct db *db, struct import_job *j, struct error *err);
/* The job (no scope: the caller checks who may see it); ZW_ENOTFOUND if none. */
int store_import_job_get(struct db *db, int64_t id, struct arena *a, struct import_job *out,
                         struct error *err);
/* Writes status, counts, report, mode, imported, message, updated_at and finished_at. */
int store_import_job_update(struct db *db, const struct import_job *j, struct error *err);
/* Only the progress counters (done_rows, total_rows, updated_at). */
int store_import_job_progress(struct db *db, int64_t id, int64_t done, int64_t total, int64_t now,
                              struct error *err);
/*
 * Moves a checked job to importing with mode; ZW_ETRANSITION when the job is
 * not (or no longer) checked, so two commits cannot both start.
 */
int store_import_job_start_commit(struct db *db, int64_t id, const char *mode, int64_t now,
                                  struct error *err);
/* The oldest job waiting for the worker (checking or importing), 0 if none. */
int store_import_job_next(struct db *db, int64_t *id, struct error *err);

/* Villages, groups and grids (level "village", "group", "grid"), by id. */
struct import_area {
    int64_t id, parent_id;
    const char *code, *name, *level, *path;
};
int store_import_areas(struct db *db, struct arena *a, struct import_area **items, size_t *n,
                       struct error *err);

/* A household by its 户编号 (not dissolved); ZW_ENOTFOUND if none. */
struct import_household {
    int64_t id, village_id, group_id, grid_id, head_person_id; /* 0 = none */
    const char *area_path;
};
int store_import_household_by_code(struct db *db, const char *code, struct arena *a,
                                   struct import_household *out, struct error *err);
/*
 * The 户编号 of the living person with this ID number: *found false if none;
 * *household_code is "" for a person in no household.
 */
int store_import_person_by_id_number(struct db *db, const char *id_number, struct arena *a,
                                     bool *found, const char **household_code, struct error *err);
/* Whether household already has an income assessed on date (YYYY-MM-DD). */
int store_import_income_exists(struct db *db, int64_t household_id, const char *date, bool *exists,
                               struct error *err);
/* Members of household on date (joined on or before it and not left before it). */
int store_import_members_on(struct db *db, int64_t household_id, const char *date, int *n,
                            struct error *err);

#endif
