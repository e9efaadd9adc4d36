/*
 * store_assess.h - SQL of the assessment (sql/0020_assessment.sql): runs,
 * their subjects and lines, evidence, and the approved months of a year.
 * The rules live in domain/assessment.c.
 */
#ifndef ZW_STORE_ASSESS_H
#define ZW_STORE_ASSESS_H

#include "store.h"

struct assess_run_row {
    int64_t id;
    const char *scheme, *period;
    int64_t year, area_id;
    const char *area_path, *area_name;
    const char *status; /* draft, approved */
    int64_t base10, correction_of;
    const char *reason;
    int64_t created_by;
    const char *created_by_name;
    int64_t created_at, computed_at, approved_by;
    const char *approved_by_name;
    int64_t approved_at, version;
};

struct assess_subject_row {
    int64_t id, run_id, area_id, cadre_id, user_id;
    const char *name, *area_path;
    int64_t score10, place;
};

struct assess_line_row {
    int64_t id, run_id, subject_id, seq;
    const char *kind, *code, *name, *indicator; /* kind: rule, manual */
    int64_t value_num, value_den;
    const char *value_text;
    int64_t points10;
    const char *explanation, *status, *comment; /* status: final, pending, approved */
    int64_t evidence_id;
    const char *evidence_name;
    int64_t entered_by;
    const char *entered_by_name;
    int64_t entered_at, approved_by;
    const char *approved_by_name;
    int64_t approved_at;
};

struct assess_evidence_row {
    int64_t id, run_id;
    const char *name, *mime;
    int64_t size;
    char sha256[65];
    int64_t created_by, created_at;
};

/* Who a run may score: a village, or a cadre with an account. */
struct assess_candidate {
    int64_t area_id, cadre_id, user_id;
    const char *name, *area_path;
};

/* The villages (cadres: the active cadres with an account) under the township path. */
int store_assess_candidates(struct db *db, bool cadres, const char *path, struct arena *a,
                            struct assess_candidate **items, size_t *n, struct error *err);
/* The draft (0 if none) and the latest approved run (0 if none) of scheme, township, month. */
int store_assess_run_find(struct db *db, const char *scheme, int64_t area_id, const char *period,
                          int64_t *draft, int64_t *approved, struct error *err);
int store_assess_run_insert(struct db *db, struct assess_run_row *r, struct error *err);
int store_assess_run_get(struct db *db, int64_t id, struct arena *a, struct assess_run_row *out,
                         struct error *err);
/*
 * Marks a draft recomputed at now by user_id (version + 1): its figures are
 * now that user's, so they become its creator, who may not approve it.
 */
int store_assess_run_touch(struct db *db, int64_t id, int64_t now, int64_t user_id,
                           struct error *err);
/* Draft -> approved; ZW_ECONFLICT if it was not a draft any more. */
int store_assess_run_approve(struct db *db, int64_t id, int64_t user_id, int64_t now,
                             struct error *err);
/*
 * Runs of scheme (NULL: all) and year (0: all) whose township lies on path
 * (a prefix of it, or under it; NULL: every run), newest first.
 */
int store_assess_run_list(struct db *db, const char *scheme, int64_t year, const char *path,
                          struct arena *a, struct assess_run_row **items, size_t *n,
                          struct error *err);

/* The subject of run for the candidate, 0 when there is none yet. */
int store_assess_subject_find(struct db *db, int64_t run_id, const struct assess_candidate *c,
                              int64_t *id, struct error *err);
int store_assess_subject_insert(struct db *db, int64_t run_id, const struct assess_candidate *c,
                                int64_t score10, int64_t *id, struct error *err);
int store_assess_subject_get(struct db *db, int64_t id, struct arena *a,
                             struct assess_subject_row *out, struct error *err);
/* The subjects of run, best place first. */
int store_assess_subject_list(struct db *db, int64_t run_id, struct arena *a,
                              struct assess_subject_row **items, size_t *n, struct error *err);
int store_assess_subject_set(struct db *db, int64_t id, int64_t score10, int64_t place,
                             struct error *err);
/* The points10 of a subject's counted lines (rule lines and approved manual items). */
int store_assess_subject_sum(struct db *db, int64_t id, int64_t *sum10, struct error *err);

int store_assess_rule_lines_delete(struct db *db, int64_t run_id, struct error *err);
int store_assess_line_insert(struct db *db, struct assess_line_row *l, struct error *err);
int store_assess_line_get(struct db *db, int64_t id, struct arena *a, struct assess_line_row *out,
                          struct error *err);
/* The lines of run, by subject and order. */
int store_assess_line_list(struct db *db, int64_t run_id, struct arena *a,
                           struct assess_line_row **items, size_t *n, struct error *err);
/* Pending -> approved; ZW_ECONFLICT if it was not pending any more. */
int store_assess_line_approve(struct db *db, int64_t id, int64_t user_id, int64_t now,
                              struct error *err);
int store_assess_pending_count(struct db *db, int64_t run_id, int64_t *n, struct error *err);

int store_assess_evidence_insert(struct db *db, struct assess_evidence_row *e, struct error *err);
int store_assess_evidence_get(struct db *db, int64_t id, struct arena *a,
                              struct assess_evidence_row *out, struct error *err);

/* A subject's score of one month, from the latest approved run of that month. */
struct assess_month_row {
    int64_t area_id, cadre_id, user_id;
    const char *name, *area_path, *period;
    int64_t score10;
};
/* The approved months of scheme, township and year (corrections replacing what they correct). */
int store_assess_months(struct db *db, const char *scheme, int64_t area_id, int64_t year,
                        struct arena *a, struct assess_month_row **items, size_t *n,
                        struct error *err);

#endif
