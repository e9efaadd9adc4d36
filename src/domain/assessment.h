/*
 * assessment.h - the monthly assessment (考核) of villages and cadres: schemes
 * as data (defs/assessment/<code>.json), scoring lines computed from
 * indicators, manual items with evidence and four-eyes approval, runs frozen
 * once approved, and yearly tiers.  See docs/assessment.md.
 *
 * Points are kept in tenths (points10) as integers: a score is always its
 * base plus the sum of its counted lines, exactly.
 */
#ifndef ZW_ASSESSMENT_H
#define ZW_ASSESSMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "indicators.h"
#include "store/store_assess.h"

enum assess_subject_kind { ASSESS_VILLAGE, ASSESS_CADRE };
enum assess_rule_kind { ASSESS_PER, ASSESS_IF };
enum assess_cmp { ASSESS_AT_LEAST, ASSESS_BELOW };

/* A line computed from an indicator. */
struct assess_rule {
    const char *code, *name;
    int indicator; /* index in the indicators */
    int kind;      /* enum assess_rule_kind */
    /* per: points10 = per10 × value, capped at |cap10| (0: no cap) */
    int64_t per10, cap10;
    /* if: points10 when the value is at least / below the threshold (thr1000 / 1000) */
    int cmp; /* enum assess_cmp */
    int64_t thr1000, points10;
};

/* A manual item: points in [min10, max10], entered with a comment (and evidence). */
struct assess_manual {
    const char *code, *name;
    int64_t min10, max10;
    bool evidence;
};

/* A yearly tier: the subjects whose place is within the top percent (cumulative). */
struct assess_tier {
    const char *name;
    int top;
};

struct assess_scheme {
    const char *code, *name, *description;
    int subject; /* enum assess_subject_kind */
    int64_t base10;
    struct assess_rule *rules;
    size_t nrules;
    struct assess_manual *manual;
    size_t nmanual;
    bool yearly_sum; /* the year's score: the sum of the months (else their average) */
    struct assess_tier *tiers;
    size_t ntiers;
};

struct assess_schemes {
    struct assess_scheme *v;
    size_t n;
};

/* Loads and checks every defs_dir/assessment/<code>.json against the indicators. */
int assess_load(const char *defs_dir, const struct indicators *ind, struct arena *a,
                struct assess_schemes *out, struct error *err);
/* Parses one scheme (the file's text; name for messages; the code must be the name's stem). */
int assess_parse(const char *name, const char *text, size_t len, const struct indicators *ind,
                 struct arena *a, struct assess_scheme *out, struct error *err);
const struct assess_scheme *assess_find(const struct assess_schemes *s, const char *code);

/* "−6", "+2", "−0.5", "0" (U+2212 for minus). */
void assess_points_text(int64_t points10, char out[24]);
/*
 * The points of rule r for the value num / den of its indicator and the
 * line's explanation ("超期办件 3件 × −2 = −6", "群众满意率 96.5% ≥ 95%，+2").
 */
void assess_score_rule(const struct indicators *ind, const struct assess_rule *r, int64_t num,
                       int64_t den, int64_t *points10, char *expl, size_t cap);
/* The tier (index) of the subject at place (1-based, ties share a place) among n. */
int assess_tier_of(const struct assess_scheme *s, int64_t place, size_t n);
/* Average of sum10 over n months, to tenths, halves rounded away from zero. */
int64_t assess_average10(int64_t sum10, int64_t n);

/* ---- runs (assess_run.c) ----------------------------------------------------- */

/*
 * Runs scheme for period (YYYY-MM) over the township area_id (0: the
 * caller's): computes every subject's lines and score and ranks them.  A
 * draft of the same month is recomputed (its manual items kept); an approved
 * month is refused unless correction (with a reason), which makes a new run.
 */
int assess_run(struct zctx *z, const struct assess_schemes *ss, const struct indicators *ind,
               const char *scheme, const char *period, int64_t area_id, bool correction,
               const char *reason, int64_t *run_id, struct error *err);
/* A run the caller may see, with the subjects (ranked) and lines they may see. */
int assess_run_get(struct zctx *z, int64_t id, struct assess_run_row *run,
                   struct assess_subject_row **subjects, size_t *nsubjects,
                   struct assess_line_row **lines, size_t *nlines, struct error *err);
int assess_run_list(struct zctx *z, const char *scheme, int year, struct assess_run_row **items,
                    size_t *n, struct error *err);
/* Files evidence on a draft run. */
int assess_evidence_add(struct zctx *z, int64_t run_id, const char *name, const void *data,
                        size_t len, struct assess_evidence_row *out, struct error *err);
int assess_evidence_read(struct zctx *z, int64_t id, struct assess_evidence_row *meta,
                         const void **data, size_t *len, struct error *err);
/* Enters a manual item (pending) on a subject of a draft run. */
int assess_item_add(struct zctx *z, const struct assess_schemes *ss, int64_t run_id,
                    int64_t subject_id, const char *item, int64_t points10, const char *comment,
                    int64_t evidence_id, int64_t *line_id, struct error *err);
/* Approves a pending manual item (not by who entered it); the score counts it from now. */
int assess_item_approve(struct zctx *z, int64_t line_id, struct error *err);
/* Approves a draft run with no pending item (not by who ran it): frozen from now. */
int assess_run_approve(struct zctx *z, int64_t run_id, struct error *err);

/* One subject's year: its months, their total and its score, place and tier. */
struct assess_year_row {
    int64_t area_id, cadre_id, user_id;
    const char *name, *area_path;
    int64_t months, total10, score10, place;
    int tier;
};
/* The yearly tiers of scheme over the township area_id (0: the caller's) from approved runs. */
int assess_year(struct zctx *z, const struct assess_schemes *ss, const char *scheme, int year,
                int64_t area_id, struct area *township, struct assess_year_row **rows, size_t *n,
                struct error *err);

#endif
