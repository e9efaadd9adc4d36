/*
 * monitoring.h - 防止返贫动态监测 (DOMAIN.md section 4): alerts from the three
 * ways in and from the screening of the registry, the identification and
 * risk-elimination procedures (case types identification and elimination,
 * with hooks on their decisions), the assistance plan (一户一策) and the
 * system's check of the elimination criteria.
 *
 * Every write runs in the caller's transaction, checks the caller's scope
 * through the household (outside it: "not found") and writes an audit row.
 */
#ifndef ZW_MONITORING_H
#define ZW_MONITORING_H

#include <stdbool.h>
#include <stdint.h>

#include "cases.h"
#include "domain.h"
#include "store/store_monitor.h"
#include "store/store_registry.h" /* before registry.h, which uses its structs */
#include "registry.h"

/* Chinese names of alert rules, sources and measure kinds; NULL if unknown. */
const char *monitoring_rule_name(const char *rule);
const char *monitoring_source_name(const char *source);
const char *monitoring_measure_kind_name(const char *kind);
const char *monitoring_measure_status_name(const char *status);

/*
 * Registers the case hook (cases_hook_add): both procedures' 入户核实 needs two
 * different people; identification decided -> the household is monitored
 * with the category and risks of the decision; elimination approved -> the
 * criteria are checked again and the household is marked eliminated.  d is
 * borrowed for the life of the process.  Call once at start.
 */
void monitoring_hooks_register(const struct registry_defs *d);

/*
 * Raises an alert for a household, found by household_id or, when that is 0,
 * by the ID number of one of its members (a department's list).  source is
 * apply, visit or department; rule one of the known rules; detail optional
 * (at most 2000 bytes).  ZW_ECONFLICT when the household has an open alert
 * of that rule.  *id is the alert's id (may be NULL).
 */
int monitoring_alert_add(struct zctx *z, int64_t household_id, const char *id_number,
                         const char *source, const char *rule, const char *detail, int64_t *id,
                         struct error *err);

/*
 * Screens the households in the caller's scope (store_monitor_screen) with
 * the lines of d for every province of the scope's villages and every year
 * of the income records.  Usable without a request (bench, jobs): z->who may
 * be a superuser principal.
 */
int monitoring_screen(struct zctx *z, const struct registry_defs *d, int64_t *alerts,
                      int64_t *households, struct error *err);

/*
 * Opens an identification case for an open alert's household, linked to the
 * household; every open alert of the household is marked as taken into it.
 * Refused for a monitored household or one with an identification open.
 */
int monitoring_alert_case(struct zctx *z, const struct case_types *types, int64_t alert_id,
                          struct case_row *out, struct error *err);
/* Dismisses an open alert with a reason (1-500 characters). */
int monitoring_alert_dismiss(struct zctx *z, int64_t alert_id, const char *reason,
                             struct error *err);

/* ---- the assistance plan ---------------------------------------------------- */

struct measure_input {
    int64_t person_id; /* 0 = the whole household */
    const char *kind, *description;
    int64_t cadre_id;              /* 0 = none */
    const char *start_on, *end_on; /* end_on may be NULL */
};

int monitoring_measure_add(struct zctx *z, int64_t household_id, const struct measure_input *in,
                           int64_t *id, struct error *err);
/* Sets a measure's status (planned, doing, done; done needs done_on) if version is current. */
int monitoring_measure_set(struct zctx *z, int64_t id, int version, const char *status,
                           const char *done_on, struct assist_measure *out, struct error *err);

/* ---- risk elimination --------------------------------------------------------- */

/* What the elimination criteria are judged on. */
struct elim_income {
    const char *assessed_on; /* YYYY-MM-DD */
    int year;
    int64_t per_person; /* fen */
};
struct elim_facts {
    const char *province;       /* two digits of the village code */
    const char *monitor_status; /* none, monitored, eliminated */
    const char *monitor_since;  /* YYYY-MM-DD or NULL */
    const struct elim_income *incomes;
    size_t nincomes;
    const char *const *labour; /* labour codes of the current members (NULL = unknown) */
    size_t nmembers;
    int64_t measures_done;
};

enum { ELIM_INCOME, ELIM_MEASURE, ELIM_MONITORED, ELIM_LABOUR, ELIM_NCRITERIA };

struct elim_criterion {
    const char *code, *name;
    bool ok;
    char detail[256];
};

/* The date `months` calendar months before ymd (YYYYMMDD), the day clamped to the month's end. */
int monitoring_months_back(int ymd, int months);

/*
 * Judges the criteria on f as of today (YYYYMMDD); returns how many fail.
 *   income:    with T = today - 6 months, the newest income record assessed on
 *              or before T and every record assessed after T all have a
 *              per-person income at or above the line of their year and
 *              province (equal to the line counts as above); there must be
 *              such a record;
 *   measure:   at least one measure of the plan is done;
 *   monitored: the household is monitored and monitor_since <= T;
 *   labour:    at least one current member has a known labour code that is
 *              not one of defs noLabour.
 */
int monitoring_elim_eval(const struct registry_defs *d, const struct elim_facts *f, int today,
                         struct elim_criterion out[ELIM_NCRITERIA]);
/* Gathers the facts of a household in the caller's scope and judges them; *failed counts. */
int monitoring_elim_check(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                          struct elim_criterion out[ELIM_NCRITERIA], int *failed,
                          struct error *err);
/*
 * Opens a risk-elimination case for the household, linked to it; refused
 * (ZW_ETRANSITION, the failed criteria listed in Chinese) when a criterion
 * fails, and when an elimination case of the household is open.
 */
int monitoring_elim_open(struct zctx *z, const struct registry_defs *d,
                         const struct case_types *types, int64_t household_id, struct case_row *out,
                         struct error *err);

/* ---- the demo (demo_monitoring.c) --------------------------------------------- */

struct demo_monitoring_counts {
    int cadres, pairs, visits, monitored, measures, alerts;
};

/*
 * Builds the demo's monitoring records once its households exist, the same
 * for the same seed (0: the default): the 173 帮扶责任人 of the 2018 report
 * under township_id, every 脱贫户 and 监测对象 household paired with one of
 * them in turn, the first cadre linked to the account assist_user_id (0:
 * none) who has visited their households, six monitored households with two
 * measures each (one done) and three open department alerts.  z->who should
 * be the command line's superuser principal.
 */
int demo_monitoring(struct zctx *z, const struct registry_defs *d, int64_t township_id,
                    int64_t assist_user_id, uint64_t seed, struct demo_monitoring_counts *out,
                    struct error *err);

#endif
