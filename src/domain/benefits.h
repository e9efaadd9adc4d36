/*
 * benefits.h - the benefits ledger (救助帮扶台账): programmes and 低保 standards
 * (defs/programmes.json), enrolments, the monthly 低保 run with its batches,
 * payments and their totals.
 *
 * Every write runs in the caller's transaction with its audit row.  A
 * household outside the caller's scope is "not found".  Money is integer
 * fen throughout.
 *
 * The 低保 amount of a household for a month (benefits_dibao_amount):
 *   monthly income per person = yearly per-person income / 12, rounded to
 *     the nearest fen, halves up (integer arithmetic: (y + 6) / 12); a
 *     negative yearly income counts as 0; no income record counts as 0;
 *   amount = max(0, standard - monthly income per person) x persons covered.
 * The standard is the one of defs/programmes.json whose area code prefix
 * matches the household's village code longest and whose year is the
 * newest not after the period's year.
 */
#ifndef ZW_BENEFITS_H
#define ZW_BENEFITS_H

#include <stdbool.h>
#include <stdint.h>

#include "casedef.h"
#include "domain.h"

struct programme {
    const char *code, *name, *short_name;
    const char *case_type;   /* the application procedure, or NULL */
    const char *fund_source; /* default fund source */
    const char *unit;        /* "person" or "household" */
    const char *periodicity; /* "monthly", "quarterly", "yearly", "once" */
    const char *run;         /* "dibao" (monthly run: standard minus income) or NULL */
};

struct dibao_standard {
    char area[13]; /* area code prefix (2-12 digits) or "*" */
    int year;
    int64_t fen; /* per person per month */
    const char *note;
};

struct programmes {
    struct programme *v;
    size_t n;
    struct dibao_standard *std;
    size_t nstd;
    const char *note, *std_note;
};

/*
 * Loads and checks <defs_dir>/programmes.json into p (strings arena-owned).
 * Unknown keys, repeated or malformed codes, an unknown case type (when
 * types is not NULL), unit, periodicity or run, and malformed standards are
 * errors naming the entry.  Several programmes may share one case type (the
 * generic application procedure) if the type has a category named after each
 * of them: the application is filed under it and names the programme.
 */
int benefits_load(const char *defs_dir, const struct case_types *types, struct arena *a,
                  struct programmes *p, struct error *err);
const struct programme *benefits_programme(const struct programmes *p, const char *code);
/*
 * The programme a case of type t with category `category` applies for: the
 * programme of that code whose procedure is t when t has it as a category
 * (a case type shared by programmes, e.g. benefit), else the one programme
 * whose procedure is t; NULL if none or ambiguous.
 */
const struct programme *benefits_programme_of_case(const struct programmes *p,
                                                   const struct case_type *t, const char *category);
/* The 低保 standard (fen per person per month) for an area code and year; 0 if none. */
int64_t benefits_dibao_standard(const struct programmes *p, const char *area_code, int year);
/* Monthly per-person income from a yearly per-person income (see above). */
int64_t benefits_monthly_income(int64_t yearly_per_person);
/* The month's 低保 amount (see above); has_income false means no income record. */
int64_t benefits_dibao_amount(int64_t standard, bool has_income, int64_t yearly_per_person,
                              int persons);
/* Whether s is a period "YYYY-MM" (month 01-12) or "YYYY" (2000-2100). */
bool benefits_period_ok(const char *s);

/*
 * The case hook (cases_hook_add, arg = struct programmes *): when a case of
 * a programme's application type reaches a final state with outcome
 * "resolved", every household linked to it (household_cases) is enrolled in
 * its programme (benefits_programme_of_case) from the decision's date, covering the case's
 * covered_persons field, else the household's members.  A household's open
 * enrolment in the programme is ended the day before.
 */
int benefits_case_hook(struct zctx *z, void *arg, const struct case_type *t,
                       const struct case_row *c, const char *transition, struct error *err);

/* ---- applications --------------------------------------------------------- */

struct application_input {
    const char *programme;
    const char *title, *content; /* NULL: a default naming the household */
    const char *category;        /* of the case type, or NULL */
    const char *channel;         /* NULL: "visit" */
    json_t *fields;              /* borrowed, or NULL */
};

/*
 * Opens the programme's application case for household hh (in scope) and
 * links it to the household; the requester is the household's head.  On a
 * case type shared by programmes the category is the programme's code
 * (another one given is refused).  Refused (ZW_ECONFLICT) while the household
 * has an open application of the same programme.
 */
int benefits_apply(struct zctx *z, const struct programmes *p, const struct case_types *types,
                   int64_t household_id, const struct application_input *in, struct case_row *out,
                   struct error *err);

/* ---- runs and batches ----------------------------------------------------- */

/*
 * Computes the programme's run for a period over the households enrolled in
 * it in the caller's scope that month, and stores it as a draft batch with
 * its lines (*batch_id).  Refused (ZW_ECONFLICT) while a batch of the same
 * programme and period exists over an overlapping area.
 */
int benefits_run(struct zctx *z, const struct programmes *p, const char *programme,
                 const char *period, int64_t *batch_id, struct error *err);
/* Issues a draft batch at version: lines above zero become payments paid on paid_on. */
int benefits_issue(struct zctx *z, const struct programmes *p, int64_t batch_id, int version,
                   const char *paid_on, struct error *err);

/* ---- manual payments ------------------------------------------------------ */

struct payment_input {
    const char *programme;
    int64_t household_id;
    int64_t person_id; /* the member the line covers, or 0 (a household line) */
    int persons;       /* 0: 1 for a person's line, else the household's current members */
    int64_t amount_fen;
    const char *period, *fund_source, *paid_on, *note;
};
/*
 * Records one payment entered by hand (or imported).  A person named must be
 * a current member of the household.  persons 0 means 1 for a person's line,
 * else the household's current members.  fund_source NULL means the programme's
 * default.  Writes its audit row unless z->bulk (an import, which writes one
 * for the whole file).
 */
int benefits_pay(struct zctx *z, const struct programmes *p, const struct payment_input *in,
                 int64_t *id, struct error *err);

/* ---- demo (demo_benefits.c) ----------------------------------------------- */

/*
 * The benefits of the demo's 2018 (see ../shared/reports/yangshi-2019.txt):
 * 低保 110 households / 251 persons enrolled and paid monthly, education aid
 * 950,000.00 yuan to 471 persons, health aid 3,373,000.00 yuan to 1,321
 * persons, 2,800,000.00 yuan micro-credit, 195 houses renovated; all paid in
 * 2018, reproducible from seed.  Reads the demo's households from the
 * database (低保 from those of category dibao).  Run after the registry demo,
 * as the command line (z->who superuser).
 */
int demo_benefits(struct zctx *z, const struct programmes *p, uint64_t seed, struct error *err);

#endif
