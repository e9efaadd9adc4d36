/*
 * store_indicator.h - what an indicator may count, and the SQL it compiles to.
 *
 * The catalogue below is the only place that knows tables and columns: an
 * entity (cases, persons, households, payments, visits, measures) names its
 * table, its area path column, its dates (the period filters on one) and the
 * fields a definition may filter on, distinct-count or sum.  Definitions in
 * defs/indicators/ (domain/indicators.c) refer to entities and fields by
 * these codes only; a query is composed from the catalogue's fixed SQL
 * fragments and every value is a bound parameter, so no text of a definition
 * ever reaches the SQL.
 */
#ifndef ZW_STORE_INDICATOR_H
#define ZW_STORE_INDICATOR_H

#include "store.h"

enum ind_type { IND_T_TEXT, IND_T_INT };

struct ind_field {
    const char *code, *name;
    int type;        /* enum ind_type */
    const char *sql; /* an expression over the entity's alias; "$0" is now, "$T" the period's end */
    bool summable;   /* an amount or a count that may be summed */
    const char *in_sql; /* instead of sql IN (...): a condition with %s for the list */
    /*
     * A sum of it adds up, per `per` (e.g. a household), the largest of its
     * sums over the groups `within` (e.g. programme and period): the
     * beneficiaries of payments, counted as the benefits totals count them.
     */
    const char *per, *within;
    /* the same over the entity's counters (ind_counts), or NULL: not counted */
    const char *counted;
    /*
     * Of a field that is 0 or 1 and rarely 1: a condition true exactly when it
     * is 1, that an index drives.  A count of the records where it is 1 is a
     * query of its own over that condition instead of a test of every record.
     */
    const char *drive;
};

struct ind_date {
    const char *code, *name;
    const char *sql;     /* the column */
    bool epoch;          /* seconds since 1970 (else a YYYY-MM-DD text) */
    bool year;           /* an integer year (NULL: none); the period filters its years */
    const char *counted; /* the same over the entity's counters, or NULL */
};

/*
 * One of an entity's counters: rows of the facts some of its fields are
 * (ind_field.counted, over the alias r) and how many records have them, kept
 * by the store with every write (store_counts.c), possibly per month of one
 * of its dates.  A count over those fields only (and, per month, over a
 * period of whole months of that date; else over the dates whose `counted`
 * is set) sums counters instead of reading the records.
 */
struct ind_counts {
    const char *from, *path, *base; /* as the entity's, over the counters; NULL from: the end */
    const char *n;                  /* the column of how many */
    const char *fields;             /* the codes of the fields it counts, each between spaces */
    const char *date;               /* the code of the date it counts per month, or NULL */
};

struct ind_entity {
    const char *code, *name;
    const char *from; /* "cases c" */
    const char *path; /* the area path column */
    const char *base; /* a condition every query has ("TRUE" if none) */
    const struct ind_field *fields;
    size_t nfields;
    const struct ind_date *dates;
    size_t ndates;
    /*
     * The drill-down's columns: id, label, area path, a date or "", an amount
     * or 0, the household it belongs to or 0 (for a link to its page).
     */
    const char *list;
    const char *order; /* of the drill-down */
    uint32_t tables;   /* STORE_BIT()s of the tables its values read (0: every table) */
    const char *user;  /* the responsible user's id (assignee, visitor, cadre), or NULL */
    const struct ind_counts *counts; /* its counters, up to one with a NULL from; or NULL */
};

extern const struct ind_entity store_ind_entities[];
extern const size_t store_ind_nentities;
const struct ind_entity *store_ind_entity(const char *code);
int store_ind_field(const struct ind_entity *e, const char *code); /* index or -1 */
int store_ind_date(const struct ind_entity *e, const char *code);  /* index or -1 */

enum ind_agg { IND_AGG_COUNT, IND_AGG_DISTINCT, IND_AGG_SUM };

/* field IN (values) (or NOT IN): texts for a text field, ints for an int field. */
struct ind_cond {
    int field;
    bool negate;
    size_t n;
    const char **texts;
    const int64_t *ints;
};

#define IND_MAX_VALUES 24 /* bound values of one query's conditions, all together */
#define IND_MAX_CONDS  8

struct ind_query {
    const struct ind_entity *e;
    int agg;   /* enum ind_agg */
    int field; /* distinct / sum: a field index; count: -1 */
    int date;  /* the date the period filters on, or -1 (a stock: counted as of now) */
    /*
     * A stock as of the period's end: asof_start on or before it and
     * asof_end unset or after it (-1: not used); before: a date set and
     * earlier than the period's start (-1: not used).
     */
    int asof_start, asof_end, before;
    const struct ind_cond *conds;
    size_t nconds;
};

/* The records of an area subtree (path prefix) in a period [from, to] (YYYY-MM-DD, inclusive). */
struct ind_where {
    const char *path;
    const char *from, *to;
    int64_t now;     /* for fields that depend on it (超期) */
    int64_t user_id; /* only the records of this responsible user (entity's user); 0: all */
    bool no_counts;  /* read the records even where counters could answer (tests) */
};

struct ind_record {
    int64_t id;
    const char *label, *area_path, *area_name, *date;
    int64_t amount;
    int64_t household_id; /* the record's household, 0 if none */
};

/*
 * The values of n queries over one entity (the same e) and w, each a
 * conditional aggregate of one scan (or a few, when their parameters exceed
 * one statement's): out[k] is qs[k]'s.  n <= IND_MAX_BATCH.
 */
#define IND_MAX_BATCH  32
#define IND_MAX_PARAMS 32 /* of one statement (the drivers' limit): more make several */
/*
 * Counts whose fields and dates are all counted (ind_counts) sum the
 * entity's counters, in a statement of their own; the others scan.
 */
int store_ind_values(struct db *db, const struct ind_query *const *qs, size_t n,
                     const struct ind_where *w, int64_t *out, struct error *err);
/* The records behind it, page (1-based) of page_size, and how many there are. */
int store_ind_records(struct db *db, const struct ind_query *q, const struct ind_where *w,
                      int64_t page, int64_t page_size, struct arena *a, struct ind_record **items,
                      size_t *n, int64_t *total, struct error *err);

#endif
