/*
 * store_monitor.h - 防返贫 monitoring (sql/0014_monitoring.sql): alerts and
 * the screening of the registry, assistance measures, assistance cadres and
 * their pairs with households, visits and their photos.
 *
 * Reads take the caller's scope and apply it to the household in the
 * statement, as store_registry.h does: a household lies in the scope when its
 * area_path starts with the scope's prefix; for an area-scoped user (grid
 * worker) when its village, group or grid is the user's area; for an
 * own-scoped user (帮扶责任人) when the user is paired with it (an open
 * household_pairs row of an assist_cadres row with that user_id).  Strings of
 * read rows are arena-owned.
 */
#ifndef ZW_STORE_MONITOR_H
#define ZW_STORE_MONITOR_H

#include "store.h"

/* The household a monitoring row belongs to, as lists show it. */
struct mon_household {
    int64_t id;
    const char *code, *head_name, *village_name, *address;
};

/* ---- alerts --------------------------------------------------------------- */

struct monitor_alert {
    int64_t id, household_id, person_id; /* person 0 = the whole household */
    struct mon_household household;
    const char *source, *rule, *detail;
    bool has_amount;
    int64_t amount_fen, ref_fen; /* income rules: per person and line, or new and previous */
    const char *status;
    int64_t case_id; /* 0 = none */
    const char *case_serial, *dismissed_reason, *area_path;
    int64_t created_at, created_by, updated_at;
};

struct alert_filter {
    const char *status;   /* open, case, dismissed, or NULL */
    const char *in_path;  /* area subtree, or NULL */
    int64_t household_id; /* 0 = any */
    int64_t page, page_size;
};

/* Inserts a; ZW_ECONFLICT when the household has an open alert of the same rule. */
int store_alert_insert(struct db *db, struct monitor_alert *a, struct error *err);
/* Whether the household has an open alert of rule (checked before inserting: on PostgreSQL a
 * unique violation would abort the caller's transaction, e.g. an import). */
int store_alert_open_exists(struct db *db, int64_t household_id, const char *rule, bool *exists,
                            struct error *err);
int store_alert_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct monitor_alert *out, struct error *err);
int store_alert_list(struct db *db, const struct scope *sc, const struct alert_filter *f,
                     struct arena *a, struct monitor_alert **items, size_t *n, int64_t *total,
                     struct error *err);
/* Moves an open alert to status (case with case_id, or dismissed with reason); ZW_ESTALE if not
 * open. */
int store_alert_close(struct db *db, int64_t id, const char *status, int64_t case_id,
                      const char *reason, int64_t now, struct error *err);
/* Marks every open alert of a household as taken into case_id (one identification covers them). */
int store_alert_close_household(struct db *db, int64_t household_id, int64_t case_id, int64_t now,
                                struct error *err);

/* One effective monitoring line: households of villages whose code starts with province. */
struct screen_line {
    char province[3];
    int year;
    int64_t fen;
};

/* The provinces (2 digits) of the villages in scope and the span of income years. */
int store_screen_span(struct db *db, const struct scope *sc, struct arena *a,
                      const char ***provinces, size_t *nprovinces, int *year_from, int *year_to,
                      struct error *err);

/*
 * The screening pass over the households in scope, set-based (three INSERT
 * ... SELECT statements, no per-row work in C), skipping dissolved and
 * monitored households and those with an open alert of the rule or one taken
 * into a case that is still open:
 *   income_below_line  the newest income record's per-person income is below
 *                      the line of its year and the village's province;
 *   guarantee_<kind>   the newest check of a guarantee kind failed;
 *   income_drop        the newest per-person income is at least drop_percent
 *                      below the previous record's (previous > 0).
 * *alerts is the number of alerts raised, *households of households concerned.
 */
int store_monitor_screen(struct db *db, const struct scope *sc, const struct screen_line *lines,
                         size_t nlines, int drop_percent, int64_t now, int64_t user_id,
                         int64_t *alerts, int64_t *households, struct error *err);

/* The household a case is linked to (household_cases), 0 if none. */
int store_case_household(struct db *db, int64_t case_id, int64_t *household_id, struct error *err);

/* ---- measures ------------------------------------------------------------- */

struct assist_measure {
    int64_t id, household_id, person_id, cadre_id; /* person, cadre 0 = none */
    const char *person_name, *cadre_name;
    const char *kind, *description, *start_on, *end_on, *status, *done_on;
    int version;
    int64_t created_by, created_at, updated_at;
};

int store_measure_insert(struct db *db, struct assist_measure *m, struct error *err);
/* The measure if its household lies in sc. */
int store_measure_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                      struct assist_measure *out, struct error *err);
/* Writes status, done_on if m->version is current (ZW_ESTALE otherwise); bumps it. */
int store_measure_update(struct db *db, struct assist_measure *m, struct error *err);
int store_measure_list(struct db *db, int64_t household_id, struct arena *a,
                       struct assist_measure **items, size_t *n, struct error *err);
/* How many measures of the household are done. */
int store_measure_done_count(struct db *db, int64_t household_id, int64_t *n, struct error *err);

/* ---- cadres and pairs ----------------------------------------------------- */

struct assist_cadre {
    int64_t id;
    const char *name, *unit, *phone;
    int64_t user_id, area_id; /* user 0 = no account */
    const char *area_path, *user_name;
    bool active;
    int pairs; /* open pairs */
    int version;
    int64_t created_at, updated_at;
};

int store_cadre_insert(struct db *db, struct assist_cadre *c, struct error *err);
/*
 * The cadre if in scope: its area under the scope's area or above it (the
 * township's and county's cadres serve the villages); an own-scoped user
 * sees their own record only.
 */
int store_cadre_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct assist_cadre *out, struct error *err);
/* Cadres in scope, by name; q matches name or unit. */
int store_cadre_list(struct db *db, const struct scope *sc, const char *q, int64_t page,
                     int64_t page_size, struct arena *a, struct assist_cadre **items, size_t *n,
                     int64_t *total, struct error *err);
/* The cadre record of a user account, 0 if none. */
int store_cadre_of_user(struct db *db, int64_t user_id, int64_t *cadre_id, struct error *err);

struct household_pair {
    int64_t id, household_id, cadre_id;
    const char *cadre_name, *cadre_unit, *cadre_phone;
    const char *since, *until_on;
    int64_t created_at;
};

/* ZW_ECONFLICT when the cadre already has an open pair with the household. */
int store_pair_insert(struct db *db, struct household_pair *p, struct error *err);
/* The pair if its household lies in sc. */
int store_pair_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                   struct household_pair *out, struct error *err);
/* Ends an open pair on until; ZW_ESTALE if it has ended already. */
int store_pair_end(struct db *db, int64_t id, const char *until, struct error *err);
/* Pairs of a household, open first, then newest. */
int store_pair_list(struct db *db, int64_t household_id, struct arena *a,
                    struct household_pair **items, size_t *n, struct error *err);

/* ---- visits --------------------------------------------------------------- */

struct visit_photo {
    int64_t id, visit_id;
    const char *name, *mime;
    int64_t size;
    char sha256[65];
    int64_t created_at;
};

struct visit {
    int64_t id, household_id, cadre_id, user_id;
    const char *user_name, *visited_on, *found, *area_path;
    int64_t created_at;
    struct visit_photo *photos; /* filled by store_visit_list */
    size_t nphotos;
};

int store_visit_insert(struct db *db, struct visit *v, struct error *err);
/* The visit if its household lies in sc (no photos). */
int store_visit_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                    struct visit *out, struct error *err);
/* Visits of a household, newest first, with their photos, at most limit. */
int store_visit_list(struct db *db, int64_t household_id, int limit, struct arena *a,
                     struct visit **items, size_t *n, struct error *err);
int store_visit_photo_add(struct db *db, struct visit_photo *p, struct error *err);
int store_visit_photo_count(struct db *db, int64_t visit_id, int64_t *n, struct error *err);
int store_visit_photo_get(struct db *db, int64_t visit_id, int64_t id, struct arena *a,
                          struct visit_photo *out, struct error *err);

/* A household on the caller's visiting list with the date of its last visit. */
struct visit_due {
    struct mon_household household;
    const char *last_visit; /* NULL = never */
    bool paired;            /* the caller is paired with it (else: in their grid) */
};

/*
 * The households user_id is paired with (open pairs of their cadre record)
 * or that lie in the grid area_id, at most limit, never-visited first, then
 * the longest unvisited.
 */
int store_visits_due(struct db *db, int64_t user_id, int64_t area_id, int limit, struct arena *a,
                     struct visit_due **items, size_t *n, struct error *err);

#endif
