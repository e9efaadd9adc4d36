/*
 * sheet_int.h - what sheet.c, sheet_csv.c and sheet_xlsx.c share: the
 * struct sheet itself, the row being built, and the byte source (a file
 * descriptor or memory).  Not for use outside src/base/sheet*.c.
 */
#ifndef ZW_SHEET_INT_H
#define ZW_SHEET_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "sheet.h"

/* Bytes read from the source (and fed to expat) at a time. */
#define SHEET__CHUNK (64 * 1024)

/*
 * The row being built: the cells' bytes one after another in text (each
 * NUL-terminated once finished), start offsets in off, and the pointer array
 * handed to the caller, rebuilt by sheet__row_done.
 */
struct sheet__row {
    char *text;
    size_t len, cap;
    size_t *off;       /* start of each cell in text */
    const char **ptrs; /* filled by sheet__row_done */
    size_t n, ncap;
    bool open; /* a cell is begun and not yet ended */
};

/* Resets to no cells, keeping the memory. */
void sheet__row_reset(struct sheet__row *r);
/* Begins a new cell; ZW_EINVAL when the row already has ZW_SHEET_MAX_COLS cells. */
int sheet__cell_begin(struct sheet__row *r);
/* Appends bytes to the open cell; ZW_EINVAL past ZW_SHEET_MAX_CELL bytes. */
int sheet__cell_add(struct sheet__row *r, const void *data, size_t len);
/* Ends the open cell: trims surrounding spaces and NUL-terminates it. */
void sheet__cell_end(struct sheet__row *r);
/* Adds one complete cell (begin + add + end). */
int sheet__cell_put(struct sheet__row *r, const void *data, size_t len);
/* Points r->ptrs at the cells; returns true when every cell is empty. */
bool sheet__row_done(struct sheet__row *r);
void sheet__row_release(struct sheet__row *r);

/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool sheet__utf8_valid(const unsigned char *s, size_t len, size_t *valid_prefix);

struct sheet__csv;
struct sheet__xlsx;

struct sheet {
    enum sheet_format format;
    const char *encoding;
    /* The source: fd >= 0 (owned), or mem[0..mem_len) (borrowed). */
    int fd;
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    long max_bytes;
    long long src_read; /* bytes read from the source so far */
    struct sheet__row row;
    struct sheet_merge *merges;
    size_t nmerges, merges_cap;
    int failed; /* a sticky error code returned by every later sheet_next */
    struct error fail_err;
    struct sheet__csv *csv;
    struct sheet__xlsx *xlsx;
};

/*
 * Reads up to cap bytes of the source into dst; returns the count (0 at the
 * end) or a negative code with err set (ZW_EIO, or ZW_ETOOBIG past max_bytes).
 */
long sheet__src_read(struct sheet *s, void *dst, size_t cap, struct error *err);

/* Format backends: set up s (whose first bytes are head[0..nhead)), read a row, free. */
int sheet__csv_open(struct sheet *s, struct error *err);
int sheet__csv_next(struct sheet *s, long *row, struct error *err);
void sheet__csv_free(struct sheet *s);
int sheet__xlsx_open(struct sheet *s, struct error *err);
int sheet__xlsx_next(struct sheet *s, long *row, struct error *err);
void sheet__xlsx_free(struct sheet *s);

#endif
