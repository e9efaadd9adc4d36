/*
 * casedef.h - case-type definitions (defs/case_types/<code>.json): the data that
 * describes each closed-loop procedure, loaded and checked once at start.
 *
 * The format is documented in docs/case-types.md.  Loading is strict: an
 * unknown key, a dangling reference (a transition to a state that does not
 * exist, a clock stopped by an unknown transition, a role nobody has), a
 * state that cannot be reached or from which no final state can be reached,
 * all refuse the definition with a Chinese message naming the file and the
 * place in it.  Everything is allocated from the caller's arena.
 */
#ifndef ZW_CASEDEF_H
#define ZW_CASEDEF_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"

enum cd_unit { CD_MINUTES, CD_HOURS, CD_DAYS, CD_WORKDAYS };
enum cd_field_type { CD_TEXT, CD_CHOICE, CD_DATE, CD_INTEGER, CD_MONEY, CD_USER, CD_FILE };
enum cd_outcome { CD_NONE, CD_RESOLVED, CD_UNRESOLVED, CD_REJECTED, CD_WITHDRAWN };

/* Built-in fields a transition may require besides the type's own. */
#define CD_REQ_COMMENT  (-1)
#define CD_REQ_ASSIGNEE (-2)
/* A clock that starts when the case is created. */
#define CD_START_CREATE (-1)

struct cd_amount {
    int amount;
    int unit; /* enum cd_unit */
};

struct cd_named {
    const char *code, *name;
};

struct cd_field {
    const char *code, *name;
    int type; /* enum cd_field_type */
    int max;  /* text: bytes */
    const char **choices;
    size_t nchoices;
};

struct cd_state {
    const char *code, *name;
    bool initial, final;
    int outcome; /* enum cd_outcome, final states only */
};

struct cd_transition {
    const char *code, *name;
    int *from; /* state indexes */
    size_t nfrom;
    int to;
    const char **roles;
    size_t nroles;
    int *requires; /* field indexes or CD_REQ_* */
    size_t nrequires;
    int document; /* index or -1 */
    int extends;  /* clock index or -1 */
    int *pauses, *resumes;
    size_t npauses, nresumes;
    bool reopens;
    bool rework;  /* counted as re-work (返工, 退回重办) in the statistics */
    bool accepts; /* counted as accepted (受理, 立案) in the statistics */
    /* Guards checked against the case's history and clocks (0 / -1 = none). */
    int max_times;          /* taken at most this often on one case */
    int after, after_times; /* only once transition `after` was taken after_times times */
    int within;             /* only while this clock runs and is not past due */
    int after_clock;        /* only once this clock has run its full length (公示期满) */
    /* An amount this step may decide at most (乡镇审批 of small sums): field index or -1. */
    int at_most_field;
    int64_t at_most; /* in the field's unit (分 for money) */
};

struct cd_escalation {
    struct cd_amount after;
    int level;
    const char **notify;
    size_t nnotify;
};

struct cd_clock {
    const char *code, *name;
    int starts; /* transition index or CD_START_CREATE */
    int *stops;
    size_t nstops;
    struct cd_amount limit; /* when !by_category */
    bool by_category;
    struct cd_amount *limits; /* one per category, in category order */
    bool has_warn;
    struct cd_amount warn;
    bool has_extension;
    struct cd_amount extension;
    int extension_max;
    struct cd_escalation *escalate;
    size_t nescalate;
    /* Date fields (indexes, -1 = none) that set the deadline instead of limit / extension. */
    int due_field, extension_due_field;
};

struct doc_template; /* documents.h */

struct case_type {
    const char *code, *name, *serial, *basis;
    struct cd_named *categories;
    size_t ncategories;
    struct cd_field *fields;
    size_t nfields;
    struct cd_state *states;
    size_t nstates;
    struct cd_transition *transitions;
    size_t ntransitions;
    struct cd_clock *clocks;
    size_t nclocks;
    struct cd_named *documents;
    size_t ndocuments;
    /* The resident's rating: a choice field and which of its values count as satisfied. */
    int satisfaction_field; /* field index or -1 */
    const char **satisfied;
    size_t nsatisfied;
    const struct doc_template **templates; /* one per document; set by documents_load_dir */
    int initial;                           /* state index */
};

struct case_types {
    struct case_type *v;
    size_t n;
};

/*
 * Parses and checks one definition.  name is used in messages (the file
 * name).  Returns 0, or ZW_EINVAL / ZW_EJSON with err naming the problem.
 */
int casedef_parse(const char *name, const char *text, size_t len, struct arena *a,
                  struct case_type *out, struct error *err);
/* Loads every dir/<code>.json; the file name must match the code.  Stops at the first bad file. */
int casedef_load_dir(const char *dir, struct arena *a, struct case_types *out, struct error *err);
const struct case_type *casedef_find(const struct case_types *types, const char *code);
int casedef_state(const struct case_type *t, const char *code);
int casedef_transition(const struct case_type *t, const char *code);

#endif
