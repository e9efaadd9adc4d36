/*
 * importer.h - registry imports from a table (CSV or XLSX, read by
 * base/sheet.h): households, persons and incomes now, payments and
 * department lists later, each a kind described by a table of columns and a
 * per-row check and commit.
 *
 * A run reads the header row (columns matched by their Chinese names or
 * aliases, in any order; an unknown column is a warning, a missing required
 * one an error), then every data row: the kind's check reports what is
 * wrong, naming the spreadsheet row and the column header.  A dry run writes
 * nothing.  A commit checks every row again (the database may have changed
 * since) and writes, in the caller's one transaction, the valid rows
 * (mode "valid") or every row if none has an error (mode "all": the first
 * error stops it with ZW_EINVAL, and the caller rolls back), then one audit
 * row for the whole import.
 *
 * Adding a kind: describe its columns (struct import_column), write its check
 * (parse the cells into the kind's row struct, report with imp_error) and its
 * commit (one domain call per row), and list it in importer_kinds.c.
 */
#ifndef ZW_IMPORTER_H
#define ZW_IMPORTER_H

#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "store/store_registry.h" /* registry.h uses its structs */
#include "registry.h"

struct importer;

/* Column flags. */
enum {
    IMP_REQUIRED = 1 << 0, /* the column must be present and the cell filled */
    IMP_EITHER = 1 << 1,   /* at least one of the kind's IMP_EITHER columns must be present */
};

struct import_column {
    const char *name;    /* the Chinese header, as reports name it */
    const char *aliases; /* other accepted headers, separated by '|', or NULL */
    unsigned flags;
    const char *hint; /* what the cell holds, for the template and the docs (Chinese) */
};

struct import_kind {
    const char *code, *name; /* "households", "户信息" */
    const struct import_column *columns;
    size_t ncolumns;
    size_t row_size; /* bytes of the kind's parsed row (check fills it, commit reads it) */
    /*
     * Parses and checks one data row: cells[i] is the cell of column i
     * ("" when empty or when the file has no such column).  Problems go
     * through imp_error / imp_warn; returns 0, or a negative code for a
     * failure of the database (which stops the run).
     */
    int (*check)(struct importer *im, const char *const *cells, void *row, struct error *err);
    /* Writes one checked row in the caller's transaction. */
    int (*commit)(struct importer *im, const void *row, struct error *err);
    /* Optional: set-based work after the rows of a commit, in the same transaction. */
    int (*finish)(struct importer *im, struct error *err);
    /* The permission an import of the kind needs; NULL: "registry.write". */
    const char *right;
};

/* The kinds (importer_kinds.c); NULL if code is not one. */
const struct import_kind *importer_kind(const char *code);
extern const struct import_kind *const importer_kinds[];
extern const size_t importer_nkinds;
/* The permission importing k needs (its right, else "registry.write"). */
const char *importer_kind_right(const struct import_kind *k);
/* Payments (发放明细, importer_payments.c): kept apart from the registry's kinds. */
extern const struct import_kind importer_kind_payments;

enum import_mode { IMPORT_DRY_RUN = 0, IMPORT_VALID = 1, IMPORT_ALL = 2 };

/* Parses "valid" / "all"; -1 otherwise. */
int importer_mode_parse(const char *s);

struct import_opts {
    const struct import_kind *kind;
    const char *path; /* the file */
    long max_bytes;   /* larger files are refused */
    int mode;         /* enum import_mode */
    /* Called every ZW_IMPORT_PROGRESS_EVERY rows and at the end (rows read so far). */
    void (*progress)(void *ud, long done);
    void *ud;
};

struct import_result {
    long rows;      /* data rows read */
    long valid;     /* rows without an error */
    long imported;  /* rows written (commit) */
    long nerrors;   /* every error, also those left off the report */
    long nwarnings; /* same for warnings */
    json_t *report; /* {rows, valid, errorCount, warningCount, errors:[{row, column, message}],
                       warnings:[...]}; the caller frees it (json_decref) */
};

/*
 * Runs kind over the file at opts->path as z->who (scope, rights) with the
 * code tables of d.  Returns 0 with a report, also when rows have errors.
 * Returns ZW_EMEDIA / ZW_ETOOBIG / ZW_EIO when the file cannot be read
 * (err says why in Chinese; no report), ZW_EINVAL in mode "all" at the first
 * row with an error or in any commit when the file's header is wrong (the
 * report is set: the caller rolls back), or a database code.  With a
 * commit mode, writes in the caller's transaction and adds the audit row.
 */
int importer_run(struct zctx *z, const struct registry_defs *d, const struct import_opts *opts,
                 struct import_result *res, struct error *err);

/* ---- helpers the kinds share (exposed for the unit tests) --------------- */

/*
 * Parses an amount in 元 with at most two decimals (optional grouping
 * commas, e.g. "12,345.6") exactly into 分, without floating point.  A
 * number written by a spreadsheet with float noise (more than 9 decimals,
 * e.g. "0.30000000000000004") is rounded half up to 分.  Returns 0, or -1
 * with *why a Chinese message (negative, too many decimals, not a number,
 * over 10^12 元).
 */
int imp_parse_yuan(const char *s, int64_t *fen, const char **why);
/* The code of a cell holding a code or its Chinese name in t; NULL if neither. */
const char *imp_code_of(const struct reg_table *t, const char *cell);
/* 是/否 (also 1/0, Y/N, 有/无, 已参保/未参保 ...); empty is 0.  -1 if not one of them. */
int imp_parse_bool(const char *s);
/* A date as YYYY-MM-DD, YYYY/M/D or YYYY.M.D (a real day) into out "YYYY-MM-DD"; -1 if not. */
int imp_parse_date(const char *s, char out[11]);
/* A year 1950..2100; -1 if not. */
int imp_parse_year(const char *s, int *year);
/* The A1 name of a cell (row 1-based, col 1-based), e.g. "AB12". */
void imp_cell_name(long row, long col, char out[24]);

/* ---- what a kind's check and commit may use ----------------------------- */

/* Reports an error (or warning) at the current row in column col (-1: the whole row). */
void imp_error(struct importer *im, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void imp_warn(struct importer *im, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether the file has column col. */
bool imp_has(const struct importer *im, int col);
/* The current spreadsheet row. */
long imp_row(const struct importer *im);
struct zctx *imp_z(struct importer *im);
const struct registry_defs *imp_defs(const struct importer *im);
/* Per-run scratch (until the run ends). */
struct arena *imp_arena(struct importer *im);
/*
 * A within-file duplicate key: the spreadsheet row where key was first seen
 * in table t (0..3), or 0 after remembering it for this row.
 */
long imp_seen(struct importer *im, int t, const char *key);
/* Whether an area (village, and group or grid under it, 0 = none) lies in the uploader's scope. */
bool imp_in_scope(const struct importer *im, int64_t village_id, int64_t group_id, int64_t grid_id,
                  const char *path);
/* The villages, groups and grids, by code or name (loaded once per run). */
struct import_area;
const struct import_area *imp_village_by_code(struct importer *im, const char *code);
const struct import_area *imp_village_by_name(struct importer *im, const char *name);
/* A group or grid (level) of village by its name (or the village's name + it); NULL if none. */
const struct import_area *imp_child_by_name(struct importer *im, const struct import_area *village,
                                            const char *level, const char *name);
const struct import_area *imp_area(struct importer *im, int64_t id);
/* Counts a written row. */
void imp_imported(struct importer *im);
/* Remembers the id of a written record; imp_first_id is the smallest so far (0: none). */
void imp_note_id(struct importer *im, int64_t id);
int64_t imp_first_id(const struct importer *im);
/*
 * The living household of a 户编号 (ZW_ENOTFOUND if none), remembered for
 * the next rows: a file lists a household's members one after another.
 * *out is valid until the row ends.  A commit that names the household's
 * head tells it with imp_household_headed.
 */
struct import_household;
int imp_household_by_code(struct importer *im, const char *code, struct import_household *out,
                          struct error *err);
void imp_household_headed(struct importer *im, int64_t household_id, int64_t person_id);
/* The run's member batch (registry_person_import), empty at the start. */
struct member_batch *imp_member_batch(struct importer *im);
/*
 * The household of the 户编号 in column col's cell, in the uploader's scope,
 * or false after reporting why (not found, out of scope; "" quietly); a
 * database failure is returned in *rc.
 */
bool imp_household_cell(struct importer *im, int col, const char *code, struct import_household *hh,
                        int *rc, struct error *err);

#endif
