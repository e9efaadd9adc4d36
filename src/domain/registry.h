/*
 * registry.h - the registry of households and persons (户籍台账): its code
 * tables and thresholds (defs/registry.json), and the rules of entry.
 *
 * Every write runs in the caller's transaction, checks the caller's scope
 * (a household outside it is "not found"), keeps a registry_history row with
 * before and after, and an audit row.  Persons are validated on entry: the ID
 * number by GB 11643 (sex and birth date come from it), codes against the
 * tables, one open membership per person.  Likely duplicates (same name and
 * birth date in the same village) are flagged for review, not refused; the
 * same ID number twice is refused (ZW_ECONFLICT).
 */
#ifndef ZW_REGISTRY_H
#define ZW_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "domain.h"
#include "store/store_registry.h"

/* One code table: code -> Chinese name. */
struct reg_code {
    const char *code, *name;
};
struct reg_table {
    struct reg_code *v;
    size_t n;
};

struct reg_line {
    char province[3]; /* two digits, or "*" for the whole country */
    int year;
    int64_t fen; /* per person per year */
};

struct registry_defs {
    json_t *root; /* the parsed file (for GET /registry/codes) */
    struct reg_table categories, relations, labour, disability, schooling, health, work,
        join_reasons, leave_reasons, guarantee_kinds, monitor_categories, risks;
    const char **no_labour; /* labour codes that mean no labour capacity */
    size_t nno_labour;
    int school_age_from, school_age_to; /* compulsory education ages */
    const char **housing_ok;            /* ratings that pass (A, B) */
    size_t nhousing_ok;
    /* water: litres per person per day (normal / dry), fetch limits, cut days */
    int water_litres, water_litres_dry, water_minutes, water_horizontal_m, water_vertical_m,
        water_cut_days;
    struct reg_line *lines;
    size_t nlines;
    int income_drop_percent; /* screening: a drop of this much is an alert */
};

/* Loads and checks <defs_dir>/registry.json; every problem is an error with the path. */
int registry_load(const char *defs_dir, struct registry_defs **out, struct error *err);
void registry_free(struct registry_defs *d);
/* The Chinese name of code in table t, or NULL if unknown. */
const char *registry_name(const struct reg_table *t, const char *code);
/* The monitoring line (fen per person per year) for a province (2 digits) and year; 0 if none. */
int64_t registry_line(const struct registry_defs *d, const char *province, int year);
/* Whether a labour code means no labour capacity (无劳动力, 丧失劳动力). */
bool registry_no_labour(const struct registry_defs *d, const char *labour);

/* ---- households ---------------------------------------------------------- */

struct household_input {
    int64_t area_id;  /* a village, or a group or grid under one */
    const char *code; /* 户编号, or NULL to number it */
    const char *address, *phone, *note;
    const char **categories; /* codes */
    size_t ncategories;
    int poor_year, exit_year;  /* 0 = none */
    int64_t group_id, grid_id; /* when area_id is the village; 0 = none */
};

/* Creates a household (no members yet); *id is its id. */
int registry_household_create(struct zctx *z, const struct registry_defs *d,
                              const struct household_input *in, int64_t *id, struct error *err);
/* Where the importer placed a household: its village, group and grid, in the uploader's scope. */
struct household_place {
    int64_t village_id, group_id, grid_id; /* 0 = none */
    const char *village_code, *area_path;  /* area_path: the grid's when there is one */
};
/* The importer's create: in->area_id etc. are ignored for at (checked by the importer). */
int registry_household_import(struct zctx *z, const struct registry_defs *d,
                              const struct household_input *in, const struct household_place *at,
                              int64_t *id, struct error *err);
/* The household in the caller's scope (ZW_ENOTFOUND otherwise); arena-owned strings. */
int registry_household_get(struct zctx *z, int64_t id, struct household *out, struct error *err);
/*
 * Changes a household's address, phone, note, group, grid, categories and
 * poverty years (the fields set in mask, see enum hh_field) if version is
 * current.
 */
enum hh_field {
    HH_ADDRESS = 1 << 0,
    HH_PHONE = 1 << 1,
    HH_NOTE = 1 << 2,
    HH_CATEGORIES = 1 << 3,
    HH_POOR_YEAR = 1 << 4,
    HH_EXIT_YEAR = 1 << 5,
    HH_GROUP = 1 << 6,
    HH_GRID = 1 << 7,
    HH_HEAD = 1 << 8,
};
struct household_patch {
    unsigned mask;
    const char *address, *phone, *note;
    const char **categories;
    size_t ncategories;
    int poor_year, exit_year;
    int64_t group_id, grid_id, head_person_id;
};
int registry_household_update(struct zctx *z, const struct registry_defs *d, int64_t id,
                              int version, const struct household_patch *p, struct error *err);
/* Links a case to a household (monitoring and benefit procedures); idempotent. */
int registry_link_case(struct zctx *z, int64_t household_id, int64_t case_id, struct error *err);
/*
 * Records the outcome of a monitoring procedure: status "monitored" (with
 * category, risks comma-separated and the decision date) adds the 监测对象
 * category; "eliminated" (date) keeps the household flagged with its
 * history; "none" clears it.
 */
int registry_set_monitor(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                         const char *status, const char *category, const char *risks,
                         const char *date, struct error *err);

/* ---- persons ------------------------------------------------------------- */

struct person_input {
    const char *name, *id_number, *phone, *relation, *labour, *disability, *schooling, *health,
        *work;
    int insured_medical, insured_serious, insured_pension; /* 0/1 */
    const char *joined_on;                                 /* YYYY-MM-DD; NULL = today */
    const char *join_reason;                               /* NULL = "registered" */
};

/*
 * Adds a new person to household hh (membership opened on joined_on).  A
 * relation of "head" makes them the head.  Flags a likely duplicate (same
 * name and birth date in the village) in person_duplicates.
 */
int registry_person_add(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                        const struct person_input *in, int64_t *id, struct error *err);
/*
 * The members an import adds to one household, kept in its history as one
 * row ("person.import": 张三（户主）、李四（配偶）, joined when and why)
 * rather than one per person: a household's members arrive together, and a
 * history row per person was half the cost of a large import.  Zero it
 * before the first row; registry_members_flush writes what is pending.
 */
struct member_batch {
    int64_t household_id; /* 0: nothing pending */
    int n;
    struct buf names;
    char joined_on[11];
    char reason[33];
};
/*
 * The importer's add (importer_kinds.c): hh is a living household the
 * importer found by its code and checked in the uploader's scope, and the ID
 * number was looked up in this transaction (in the file and the registry);
 * every other rule of registry_person_add applies, except flagging likely
 * duplicates (the importer does that for all its rows at the end) and the
 * history, which goes through mb.
 */
struct import_household;
int registry_person_import(struct zctx *z, const struct registry_defs *d,
                           const struct import_household *hh, const struct person_input *in,
                           struct member_batch *mb, int64_t *id, struct error *err);
/* Writes mb's pending history row, if any, and empties it (its buffer stays for reuse). */
int registry_members_flush(struct zctx *z, struct member_batch *mb, struct error *err);
/* After the rows: flags the likely duplicates of the persons imported, ids from first_id on. */
int registry_flag_imported(struct zctx *z, int64_t first_id, struct error *err);
/* The person in the caller's scope; arena-owned strings. */
int registry_person_get(struct zctx *z, int64_t id, struct person *out, struct error *err);
/*
 * Changes a person's fields if version is current: NULL strings and negative
 * insured flags keep their values; a corrected ID number re-derives sex and
 * birth date.
 */
int registry_person_update(struct zctx *z, const struct registry_defs *d, int64_t id, int version,
                           const struct person_input *in, struct error *err);
/* Ends the person's membership (left_on, reason); death also sets status dead. */
int registry_person_leave(struct zctx *z, const struct registry_defs *d, int64_t person_id,
                          const char *left_on, const char *reason, struct error *err);
/* Moves a person into another household (ends the old membership, opens a new one). */
int registry_person_move(struct zctx *z, const struct registry_defs *d, int64_t person_id,
                         int64_t household_id, const char *on, const char *reason,
                         struct error *err);

/* ---- guarantees and income ---------------------------------------------- */

struct guarantee_input {
    const char *kind;   /* food clothing education medical housing water */
    const char *rating; /* housing: A B C D */
    /* water: litres per person per day, minutes to fetch, horizontal and vertical
     * metres, days cut off a year, quality test passed; -1 = not given */
    int litres, minutes, horizontal_m, vertical_m, cut_days, quality_ok;
    bool dry_region;
    int ok;                 /* food, clothing: 1/0 as judged; others: -1 = compute */
    const char *checked_on; /* YYYY-MM-DD */
    const char *note;
};
/* Records a check; *ok says whether it passes under the thresholds. */
int registry_guarantee_add(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                           const struct guarantee_input *in, bool *ok, struct error *err);

struct income_input {
    const char *assessed_on;                                /* YYYY-MM-DD */
    int64_t wages, business, property, transfers, expenses; /* fen, >= 0 */
    int members; /* 0 = the household's members on assessed_on */
    const char *source;
};
/* Records an income; per_person = net / members. */
int registry_income_add(struct zctx *z, int64_t household_id, const struct income_input *in,
                        int64_t *id, struct error *err);

/* ---- duplicates ---------------------------------------------------------- */

/* Merges duplicate record `drop` into `keep` (memberships, history, links move); dup closed. */
int registry_duplicate_merge(struct zctx *z, int64_t dup_id, int64_t keep, struct error *err);
/* Marks a flagged pair as two different people. */
int registry_duplicate_keep(struct zctx *z, int64_t dup_id, struct error *err);

/* Validates a date YYYY-MM-DD (a real day); false otherwise. */
bool registry_date_ok(const char *s);

#endif
