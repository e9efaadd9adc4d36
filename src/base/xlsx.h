/*
 * xlsx.h - writing one-sheet .xlsx files for exports: a thin wrapper over
 * libxlsxwriter in constant-memory mode (rows go to disk as they are
 * written), into a temporary file that xlsx_finish reads back and removes.
 *
 * Cells are UTF-8 strings (NULL is an empty cell); the first row is the
 * header, bold, frozen and filterable.
 */
#ifndef ZW_XLSX_H
#define ZW_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"

struct xlsx;

/* Starts a workbook with one sheet and its header row; widths in characters (or NULL). */
int xlsx_open(const char *sheet, const char *const *headers, const double *widths, size_t ncols,
              struct xlsx **out, struct error *err);
/* Appends one row of ncols cells. */
int xlsx_row(struct xlsx *x, const char *const *cells, struct error *err);
/*
 * A cell of xlsx_row_cells: text (NULL or "": empty), or, when number is set,
 * the number value shown with num_format (an Excel number format such as
 * 0.00"万元"; NULL: General), so that the sheet can sum it.
 */
struct xlsx_cell {
    const char *text;
    bool number;
    double value;
    const char *num_format;
};
/* Appends one row of ncols typed cells (at most 32 distinct number formats per file). */
int xlsx_row_cells(struct xlsx *x, const struct xlsx_cell *cells, struct error *err);
/* Rows written so far, the header excluded. */
size_t xlsx_rows(const struct xlsx *x);
/*
 * Closes the workbook and hands back the file's bytes (arena-owned); the
 * temporary file is removed and x freed, also on failure.
 */
int xlsx_finish(struct xlsx *x, struct arena *a, const char **data, size_t *len, struct error *err);
/* Drops an unfinished workbook and its temporary file. */
void xlsx_free(struct xlsx *x);

#endif
