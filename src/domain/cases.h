/*
 * cases.h - the case engine: one set of rules that runs every procedure
 * defined in defs/case_types (see casedef.h and docs/case-types.md).
 *
 * Creating a case gives it its serial number, the type's initial state and
 * the clocks that start on creation.  An action (a transition of the type)
 * is checked against the case's state, the actor's roles, the required
 * fields and the extension allowance, then moves the state, starts, stops,
 * pauses, resumes or extends clocks, and appends to the timeline; all in the
 * caller's transaction, with its audit row.
 */
#ifndef ZW_CASES_H
#define ZW_CASES_H

#include <jansson.h>

#include "casedef.h"
#include "domain.h"

struct case_input {
    const char *type, *title, *content, *category, *channel;
    int64_t area_id;
    const char *requester_name, *requester_phone;
    bool confidential;
    json_t *fields;      /* object or NULL; borrowed */
    bool has_location;   /* lat and lon given */
    double lat, lon;     /* WGS-84 degrees */
    const char *address; /* or NULL */
};

struct case_action {
    const char *code;
    const char *comment; /* or NULL */
    int64_t assignee_id; /* 0 = unchanged */
    json_t *fields;      /* object or NULL; borrowed */
};

int cases_create(struct zctx *z, const struct case_types *types, const struct case_input *in,
                 struct case_row *out, struct error *err);
/*
 * A rule of another module that runs inside cases_act after the state has
 * moved and the timeline and audit rows are written, in the action's
 * transaction (benefits: an approved application enrols the household).  It
 * returns 0, or an error that refuses the whole action.  arg is the pointer
 * given to cases_hook_add.  Hooks are added once at start, before any
 * request is served (the list is not locked); at most 8.
 */
typedef int (*cases_hook_fn)(struct zctx *z, void *arg, const struct case_type *t,
                             const struct case_row *c, const char *transition, struct error *err);
void cases_hook_add(cases_hook_fn fn, void *arg);

/* The case id in the caller's scope, for reading. */
int cases_get(struct zctx *z, int64_t id, struct case_row *out, struct error *err);
/* Takes action a on case id if version is current. */
int cases_act(struct zctx *z, const struct case_types *types, int64_t id, int version,
              const struct case_action *a, struct case_row *out, struct error *err);

/* Whether the caller may take transition t of type on case c now. */
bool cases_may(const struct zctx *z, const struct case_type *type, const struct case_row *c,
               const struct cd_transition *t);
/*
 * Whether the guards of transition ti (max_times, after, within, after_clock)
 * allow it on case c now, given its clocks: 0, or ZW_ETRANSITION (ZW_EPERIOD
 * for after_clock: the period has not run its full length) with a Chinese
 * reason.
 */
int cases_guard(struct zctx *z, const struct case_type *type, const struct case_row *c, int ti,
                const struct case_clock *clocks, size_t nclocks, struct error *err);
/* The traffic light of a clock at now: "green", "yellow", "red", "paused", "done", "late". */
/* Whether transition tr has any guard (cases_guard needs checking). */
bool cases_guarded(const struct cd_transition *tr);
const char *cases_clock_status(const struct case_clock *k, int64_t now);
/* Extensions still allowed on clock k of type (by code). */
int cases_extensions_left(const struct case_type *type, const struct case_clock *k);
/* at moved by the amount a forward (sign +1) or back (-1), working days per the calendar. */
int64_t cases_shift(int64_t at, struct cd_amount a, int sign);
/* Whether the requester's identity may be shown to the caller. */
bool cases_requester_visible(const struct zctx *z, const struct case_row *c);

/*
 * The state of a repeat merged into another case: the same for every type,
 * final, outside the definitions (which may not use the code).
 */
#define CASE_STATE_MERGED      "merged"
#define CASE_STATE_MERGED_NAME "已合并"

/* Appends an event (kind "comment", "attachment", "link", ...) to the case's timeline. */
int cases_add_event(struct zctx *z, int64_t case_id, const char *kind, const char *action,
                    const char *comment, json_t *data, struct error *err);

/* Links two cases in the caller's scope as related; an event on each timeline. */
int cases_link(struct zctx *z, int64_t id, int64_t other_id, struct error *err);

/*
 * Merges the repeat id (at version) into the case into_id: the repeat is
 * closed in state "merged" with its clocks stopped, both cases keep their
 * timelines and each records the merge.  Both must be open and in scope.
 */
int cases_merge(struct zctx *z, int64_t id, int version, int64_t into_id, struct case_row *out,
                struct error *err);

struct case_similar {
    int64_t id;
    const char *serial, *type, *state, *title;
    double score; /* 0..1 */
};

/*
 * Open cases under the village of area_id (in the caller's scope) whose
 * title and content resemble text, best first, at most ZW_SIMILAR_RESULTS
 * with a score of at least min_score; exclude_id is left out.
 */
int cases_similar(struct zctx *z, int64_t area_id, const char *text, int64_t exclude_id,
                  double min_score, struct case_similar **items, size_t *n, struct error *err);

#endif
