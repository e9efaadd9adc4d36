/*
 * store_registry.h - households, persons, membership, guarantees, income,
 * history and duplicates (sql/0013_registry.sql).
 *
 * Reads take the caller's scope and apply it in the statement: a household
 * lies in the scope when its area_path starts with the scope's prefix, for
 * an area-scoped user (grid worker) when its village, group or grid is the
 * user's area, and for an own-scoped user (帮扶责任人) when the user is paired
 * with it.  Strings of read rows are arena-owned.
 */
#ifndef ZW_STORE_REGISTRY_H
#define ZW_STORE_REGISTRY_H

#include "store.h"

struct household {
    int64_t id;
    const char *code;
    int64_t village_id;
    const char *village_code, *village_name;
    int64_t group_id, grid_id; /* 0 = none */
    const char *group_name, *grid_name;
    const char *area_path, *address, *phone, *note;
    int64_t head_person_id; /* 0 = none */
    const char *head_name, *head_id_number;
    const char *categories;   /* codes, comma separated, sorted; "" if none */
    int poor_year, exit_year; /* 0 = none */
    const char *monitor_status, *monitor_category, *monitor_risks, *monitor_since, *eliminated_on,
        *dissolved_on;
    int members; /* current members */
    int version;
    int64_t created_by, created_at, updated_at;
};

struct person {
    int64_t id, household_id; /* household 0 = none */
    const char *household_code;
    const char *name, *id_number, *sex, *birth_date, *phone, *relation, *labour, *disability,
        *schooling, *health, *work, *status;
    int insured_medical, insured_serious, insured_pension;
    int64_t merged_into, village_id;
    const char *area_path;
    const char *joined_on, *join_reason; /* the open membership */
    int version;
    int64_t created_at, updated_at;
};

struct membership {
    int64_t id, person_id, household_id;
    const char *person_name, *joined_on, *join_reason, *left_on, *leave_reason;
};

struct guarantee_check {
    int64_t id, household_id;
    const char *kind;
    int ok;
    const char *rating, *values_json, *checked_on, *checker_name, *note;
    int64_t checked_by, created_at;
};

struct income {
    int64_t id, household_id;
    int year;
    const char *assessed_on;
    int64_t wages, business, property, transfers, expenses, net, per_person;
    int members;
    const char *source;
    int64_t created_by, created_at;
};

struct registry_event {
    int64_t id, household_id, person_id, user_id, at;
    const char *user_name, *action, *before_json, *after_json;
    const char *person_name; /* the person's current name, NULL when none */
};

struct person_dup {
    int64_t id, person_id, other_id;
    const char *reason, *status, *person_name, *other_name, *birth_date, *village_name;
    int64_t created_at;
};

struct household_filter {
    const char *in_path;  /* area subtree (an area path), or NULL */
    const char *q;        /* household code, head's name, or a member's name or ID number */
    const char *category; /* a category code, or NULL */
    const char *monitor;  /* monitor_status, or NULL */
    bool failing;         /* only households with a failed guarantee */
    int64_t page, page_size;
};

struct person_filter {
    const char *in_path; /* area subtree, or NULL */
    const char *q;       /* name prefix, ID number, or household code */
    int64_t page, page_size;
};

/* Every read below applies sc. */
int store_household_insert(struct db *db, struct household *h, const char *const *categories,
                           size_t ncategories, struct error *err);
int store_household_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                        struct household *out, struct error *err);
/* Writes the mutable columns of h if h->version is current (ZW_ESTALE otherwise); bumps it. */
int store_household_update(struct db *db, struct household *h, struct error *err);
/* Makes person_id the head of a household that has none (ZW_ECONFLICT if it has one); bumps the
 * version. */
int store_household_set_head(struct db *db, int64_t id, int64_t person_id, int64_t now,
                             struct error *err);
int store_household_set_categories(struct db *db, int64_t id, const char *const *categories,
                                   size_t n, const char *since, struct error *err);
int store_household_list(struct db *db, const struct scope *sc, const struct household_filter *f,
                         struct arena *a, struct household **items, size_t *n, int64_t *total,
                         struct error *err);
/* The next free 户编号 under a village code (code + 4 digits). */
int store_household_next_code(struct db *db, int64_t village_id, const char *village_code,
                              struct arena *a, const char **code, struct error *err);

int store_person_insert(struct db *db, struct person *p, struct error *err);
int store_person_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                     struct person *out, struct error *err);
int store_person_update(struct db *db, struct person *p, struct error *err);
int store_person_list(struct db *db, const struct scope *sc, const struct person_filter *f,
                      struct arena *a, struct person **items, size_t *n, int64_t *total,
                      struct error *err);
/* Current members of a household (head first, then by birth date); arena-owned. */
int store_household_members(struct db *db, int64_t household_id, struct arena *a,
                            struct person **items, size_t *n, struct error *err);
/* The living person with this ID number (any scope), 0 if none. */
int store_person_by_id_number(struct db *db, const char *id_number, int64_t *id, struct error *err);
/* Living persons other than self with the same name and birth date in the village. */
int store_person_likely_dups(struct db *db, int64_t self, const char *name, const char *birth_date,
                             int64_t village_id, struct arena *a, int64_t **ids, size_t *n,
                             struct error *err);

int store_membership_open(struct db *db, int64_t person_id, int64_t household_id, const char *on,
                          const char *reason, int64_t now, struct error *err);
/* Closes the person's open membership; ZW_ENOTFOUND if none. */
int store_membership_close(struct db *db, int64_t person_id, const char *on, const char *reason,
                           struct error *err);
/* All memberships of a household, open and closed, oldest first. */
int store_household_memberships(struct db *db, int64_t household_id, struct arena *a,
                                struct membership **items, size_t *n, struct error *err);
/* Members counted on a date (joined on or before, not left before). */
int store_household_members_on(struct db *db, int64_t household_id, const char *on, int *n,
                               struct error *err);

int store_guarantee_insert(struct db *db, struct guarantee_check *g, struct error *err);
/* The newest check of each kind (at most 6). */
int store_guarantee_current(struct db *db, int64_t household_id, struct arena *a,
                            struct guarantee_check **items, size_t *n, struct error *err);
int store_guarantee_history(struct db *db, int64_t household_id, struct arena *a,
                            struct guarantee_check **items, size_t *n, struct error *err);

int store_income_insert(struct db *db, struct income *in, struct error *err);
/* Newest first. */
int store_income_list(struct db *db, int64_t household_id, struct arena *a, struct income **items,
                      size_t *n, struct error *err);

int store_registry_event_add(struct db *db, const struct registry_event *e, struct error *err);
/* Newest first, at most limit. */
int store_registry_events(struct db *db, int64_t household_id, int limit, struct arena *a,
                          struct registry_event **items, size_t *n, struct error *err);

int store_person_dup_add(struct db *db, int64_t person_id, int64_t other_id, const char *reason,
                         const char *area_path, int64_t now, struct error *err);
/*
 * Flags every living person with id >= first_id against each older living
 * person with the same name and birth date in the village, in one statement
 * (the importer's store_person_likely_dups + store_person_dup_add).
 */
int store_person_dups_flag_from(struct db *db, int64_t first_id, int64_t now, struct error *err);
int store_person_dup_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                         struct person_dup *out, struct error *err);
int store_person_dup_list(struct db *db, const struct scope *sc, const char *status,
                          struct arena *a, struct person_dup **items, size_t *n, struct error *err);
int store_person_dup_resolve(struct db *db, int64_t id, const char *status, int64_t by, int64_t now,
                             struct error *err);
/* Moves memberships, history and links of person drop to keep; drop becomes merged. */
int store_person_merge(struct db *db, int64_t drop, int64_t keep, int64_t now, struct error *err);

int store_household_case_link(struct db *db, int64_t household_id, int64_t case_id,
                              struct error *err);
/* Cases linked to a household, newest first (case rows, see store_case_list). */
int store_household_cases(struct db *db, int64_t household_id, struct arena *a,
                          struct case_row **items, size_t *n, struct error *err);

/*
 * Recounts the indicators' counters (person_counts, household_counts,
 * case_created_counts, case_closed_counts: kept by every write of a person, a
 * household or a case): *wrong is how many counters differ from the recount;
 * with fix, they are rebuilt.
 */
int store_counts_check(struct db *db, bool fix, int64_t *wrong, struct error *err);
/*
 * Defers those counters for the rest of the write transaction: a bulk write
 * (an import of thousands of rows) then rebuilds the ones it touched once, by
 * store_counts_flush before it commits, instead of an upsert per row.
 */
void store_counts_defer(struct db *db);
int store_counts_flush(struct db *db, struct error *err);

#endif
