/*
 * store_benefit.h - enrolments, payment batches and their lines, payments
 * and their totals (sql/0015_benefits.sql).
 *
 * Household scope is applied in the statements as for the registry: the
 * row's area path under the scope's prefix; for an area-scoped user the
 * household's village, group or grid is the user's area; for an own-scoped
 * user (帮扶责任人) the user is paired with the household.  A batch lies in
 * the scope when the area it was run over (scope_path) lies under the
 * scope's prefix.  Strings of read rows are arena-owned.
 */
#ifndef ZW_STORE_BENEFIT_H
#define ZW_STORE_BENEFIT_H

#include "store.h"

struct enrolment {
    int64_t id, household_id;
    const char *programme;
    int persons;
    const char *since, *until_on; /* until_on NULL = open */
    int64_t case_id;              /* 0 = none */
    const char *area_path;
    int64_t created_by, created_at;
};

/* A household enrolled in a programme in a month, with what its run needs. */
struct run_candidate {
    int64_t household_id, village_id;
    const char *area_path, *village_code;
    int persons;
    bool has_income;
    int64_t per_person; /* yearly fen, the newest income assessed by the month's end */
};

struct pay_batch {
    int64_t id;
    const char *programme, *period, *scope_path, *status, *paid_on;
    int households, persons;
    int64_t amount_fen;
    int64_t created_by, created_at, issued_by, issued_at;
    const char *created_by_name, *issued_by_name;
    int version;
};

struct batch_line {
    int64_t id, batch_id, household_id, village_id;
    const char *household_code, *head_name, *head_id_number, *village_name, *area_path, *note;
    int persons;
    int64_t standard_fen, income_fen, amount_fen;
    bool has_income;
};

struct payment {
    int64_t id, household_id, batch_id, village_id; /* batch 0 = entered by hand */
    int64_t person_id;                              /* 0: a household line */
    const char *programme, *household_code, *head_name, *village_name;
    const char *person_name; /* lists only */
    int persons;
    int64_t amount_fen;
    const char *period, *fund_source, *paid_on, *area_path, *note;
    int64_t created_by, created_at;
};

struct payment_filter {
    const char *programme; /* or NULL */
    const char *in_path;   /* area subtree, or NULL */
    const char *from, *to; /* paid_on bounds YYYY-MM-DD (inclusive), or NULL */
    int64_t household_id;  /* 0 = any */
    int64_t page, page_size;
};

struct payment_total {
    const char *key, *name; /* programme code, or village id and name */
    int64_t households, persons, amount_fen;
};

/* A household of the demo: where it lies, its members, whether 低保户 and 脱贫户/监测对象. */
struct benefit_household {
    int64_t id, village_id;
    const char *area_path;
    int members;
    bool dibao, poor;
};

int store_enrolment_insert(struct db *db, struct enrolment *e, struct error *err);
/* Ends the household's open enrolments in programme on until_on. */
int store_enrolment_end(struct db *db, int64_t household_id, const char *programme,
                        const char *until_on, struct error *err);
/* The household's enrolments, newest first. */
int store_enrolments(struct db *db, int64_t household_id, struct arena *a, struct enrolment **items,
                     size_t *n, struct error *err);
/* Households linked to a case (household_cases), any scope. */
int store_case_households(struct db *db, int64_t case_id, struct arena *a, int64_t **ids, size_t *n,
                          struct error *err);
/* The id of an open case of type (and category, unless NULL) linked to the household, 0 if none. */
int store_household_open_case(struct db *db, int64_t household_id, const char *type,
                              const char *category, int64_t *id, struct error *err);

/*
 * Households in scope enrolled in programme for some day of [first, last]
 * (dates), one per household (its latest enrolment), by household id.
 */
int store_run_candidates(struct db *db, const struct scope *sc, const char *programme,
                         const char *first, const char *last, struct arena *a,
                         struct run_candidate **items, size_t *n, struct error *err);

/* A batch of programme and period over an area overlapping scope_path: its id, or 0. */
int store_batch_overlap(struct db *db, const char *programme, const char *period,
                        const char *scope_path, int64_t *id, struct error *err);
int store_batch_insert(struct db *db, struct pay_batch *b, struct error *err);
int store_batch_line_insert(struct db *db, const struct batch_line *l, struct error *err);
int store_batch_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct pay_batch *out, struct error *err);
/* Batches in scope, newest first (at most 200). */
int store_batch_list(struct db *db, const struct scope *sc, const char *programme, struct arena *a,
                     struct pay_batch **items, size_t *n, struct error *err);
/* The lines of a batch with the household's code, head and village, by village and code. */
int store_batch_lines(struct db *db, int64_t batch_id, struct arena *a, struct batch_line **items,
                      size_t *n, struct error *err);
/* Draft -> issued if version is current (ZW_ESTALE otherwise); bumps the version. */
int store_batch_issue(struct db *db, int64_t id, int version, const char *paid_on, int64_t by,
                      int64_t now, struct error *err);
/* The lines above zero of a batch become payments; *n how many. */
int store_batch_pay(struct db *db, const struct pay_batch *b, const char *fund_source, int64_t by,
                    int64_t now, int64_t *n, struct error *err);

int store_payment_insert(struct db *db, struct payment *p, struct error *err);
/*
 * The household's payments of programme for period (any scope: the caller
 * has checked the household), oldest first, with id, persons, amount,
 * paid_on and note set; at most 100.
 */
int store_payments_of_period(struct db *db, const char *programme, int64_t household_id,
                             const char *period, struct arena *a, struct payment **items, size_t *n,
                             struct error *err);
int store_payment_list(struct db *db, const struct scope *sc, const struct payment_filter *f,
                       struct arena *a, struct payment **items, size_t *n, int64_t *total,
                       struct error *err);
/*
 * Totals of the payments in scope matching f, grouped by programme or by
 * village: households (distinct), persons (the sum over the distinct
 * households of the largest, over the programmes and periods of their
 * payments in the group, of the persons of one programme and period added
 * up: a household paid for 3 persons monthly counts 3, two children each
 * paid their own line of a year count 2) and
 * amount.  *all is the same over every group together.
 */
int store_payment_totals(struct db *db, const struct scope *sc, const struct payment_filter *f,
                         bool by_village, struct arena *a, struct payment_total **items, size_t *n,
                         struct payment_total *all, struct error *err);

/* Every living household of a township (path prefix), by id, for the demo. */
int store_benefit_households(struct db *db, const char *path, struct arena *a,
                             struct benefit_household **items, size_t *n, struct error *err);

#endif
