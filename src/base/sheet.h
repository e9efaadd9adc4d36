/*
 * sheet.h - reading a table (the first worksheet of an .xlsx, or a CSV file)
 * row by row, for imports.
 *
 * The format is told by the bytes: a zip (PK\3\4) is read as XLSX (libzip +
 * expat: the workbook's first sheet, shared strings, inline strings,
 * numbers, booleans and date-formatted numbers as YYYY-MM-DD); anything else
 * as CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks),
 * in UTF-8 (with or without BOM) or, when it is not valid UTF-8, GB18030/GBK
 * converted to UTF-8 with iconv.
 *
 * Hostile files are refused with a Chinese message, never read whole into
 * memory: a file larger than max_bytes, an XLSX part that unzips to more
 * than ZW_SHEET_MAX_PART bytes or (past 1 MB) more than ZW_SHEET_MAX_RATIO
 * times its compressed size, or to more than its header declares (zip
 * bombs), any DOCTYPE (entity expansion), a row of more than
 * ZW_SHEET_MAX_COLS cells or a cell longer than ZW_SHEET_MAX_CELL bytes.
 * Old .xls (OLE2) and UTF-16 text are refused with a hint to re-save.
 *
 * Memory: one row and one 64 KB chunk at a time (CSV and the XLSX sheet
 * part, which expat reads chunk by chunk and suspends at each row end); the
 * XLSX shared strings are held whole, under ZW_SHEET_MAX_PART.  The sheet
 * part is inflated twice: once at open for the merged ranges, once for rows.
 *
 * Implementation: sheet.c (opening, the row buffer), sheet_csv.c,
 * sheet_xlsx.c; sheet_int.h is what they share.  A struct sheet is used by
 * one thread at a time.
 */
#ifndef ZW_SHEET_H
#define ZW_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define ZW_SHEET_MAX_PART  (256L * 1024 * 1024)
#define ZW_SHEET_MAX_RATIO 200
#define ZW_SHEET_MAX_COLS  256
#define ZW_SHEET_MAX_CELL  32768

enum sheet_format { SHEET_CSV = 1, SHEET_XLSX = 2 };

struct sheet;

/* A range of merged cells in the sheet (XLSX only), 1-based and inclusive. */
struct sheet_merge {
    long row1, col1, row2, col2;
};

/*
 * Opens the file at path (at most max_bytes; 0 or less means no limit).  Errors are ZW_ETOOBIG (too
 * large), ZW_EMEDIA (not a table we can read: broken zip, no worksheet, a
 * DOCTYPE, a bomb ...), ZW_EIO; err->message says what in Chinese.
 */
int sheet_open(const char *path, long max_bytes, struct sheet **out, struct error *err);
/* Same over bytes in memory (fuzzing, small uploads); data must outlive the sheet. */
int sheet_open_mem(const void *data, size_t len, long max_bytes, struct sheet **out,
                   struct error *err);
enum sheet_format sheet_format(const struct sheet *s);
/* The encoding CSV was read in: "UTF-8" or "GB18030"; "UTF-8" for XLSX. */
const char *sheet_encoding(const struct sheet *s);

/*
 * The next non-empty row: *cells[0..*ncells) are NUL-terminated UTF-8,
 * trimmed of surrounding spaces, empty strings for missing cells; valid
 * until the next call.  *row is its 1-based row number in the file (the
 * spreadsheet's row number for XLSX, the line a record starts on for CSV).
 * Returns 1 with a row, 0 at the end, or a negative code (the message names
 * the row): ZW_EINVAL for a row over the caps, an unclosed quote or bad
 * UTF-8; ZW_EMEDIA for a broken file; ZW_ETOOBIG.  An error is final: every
 * later call returns it again.  Numbers in XLSX come as Excel shows them in
 * General format (integers without ".0", else %.15g: an 18-digit ID typed
 * as a number comes out as 5.00236197001011e+17, for the importer to
 * refuse); booleans as "1"/"0"; error cells as "".
 */
int sheet_next(struct sheet *s, const char ***cells, size_t *ncells, long *row, struct error *err);

/*
 * The merged ranges of the sheet (XLSX), known from sheet_open on (the reader
 * scans the sheet part for <mergeCells> first, as they follow the rows).
 */
const struct sheet_merge *sheet_merges(const struct sheet *s, size_t *n);

void sheet_close(struct sheet *s);

#endif
