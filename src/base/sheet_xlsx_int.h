/*
 * sheet_xlsx_int.h - what sheet_xlsx.c (the rows) and sheet_xlsx_parts.c
 * (zip entries, safe expat parsers, the workbook, shared strings and styles)
 * share.  Not for use outside src/base/sheet_xlsx*.c.
 */
#ifndef ZW_SHEET_XLSX_INT_H
#define ZW_SHEET_XLSX_INT_H

#include <expat.h>
#include <stdbool.h>
#include <stdint.h>
#include <zip.h>

#include "error.h"
#include "sheet_int.h"

/* Parts smaller than this are not refused for their compression ratio. */
#define XLSX_RATIO_FLOOR   (1024 * 1024)
#define XLSX_MAX_XFS       65536
#define XLSX_MAX_NUMFMTS   4096
#define XLSX_MAX_MERGES    65536
#define XLSX_MAX_PATH      256
#define XLSX_MAX_ROW       (1L << 30)
#define XLSX_MAX_COL_LABEL 16384

/* One zip entry being inflated, with the bytes it has given so far. */
struct sheet__part {
    zip_file_t *zf;
    const char *label; /* Chinese name for messages: "工作表" */
    zip_uint64_t declared, total;
};

/* What every parser's user data starts with. */
struct sheet__xctx {
    XML_Parser p;
    bool doctype; /* a DOCTYPE was seen and refused */
    bool stop_ok; /* the handler stopped the parser: what we wanted is read */
    int rc;       /* a handler's error (with err), or 0 */
    struct error err;
};

struct numfmt {
    long id;
    bool date;
};

struct sheet__xlsx {
    struct sheet__xctx x; /* first: the sheet parser's handlers get the struct as user data */
    zip_t *za;
    char sheet_path[XLSX_MAX_PATH];
    bool date1904;
    /* Shared strings: string i is ss_text[ss_off[i] .. ss_off[i + 1]). */
    char *ss_text;
    size_t ss_len, ss_cap;
    uint32_t *ss_off;
    size_t ss_n, ss_ncap;
    /* Cell formats (cellXfs): whether each shows a date. */
    unsigned char *xf_date;
    size_t nxf;
    /* The sheet being streamed. */
    struct sheet *s;
    struct sheet__part part;
    bool suspended, final, done, started;
    long row_num, last_row, col_next;
    bool in_row, in_cell, in_v, in_is, in_t;
    int rph;
    char cell_type[12];
    long cell_style;
    char *val;
    size_t val_len;
    bool val_too_long;
};

/* Local name of an XML name ("x:row" -> "row"); sheet__is compares it. */
const char *sheet__local_name(const char *name);
bool sheet__is(const char *name, const char *local);
/* The value of the attribute with local name local, or NULL. */
const char *sheet__attr(const char **atts, const char *local);
/* snprintf(dst, cap, "%s", src or ""). */
void sheet__copy_str(char *dst, size_t cap, const char *src);
/* A decimal of digits only, at most max; -1 otherwise. */
long sheet__parse_long(const char *s, long max);
/* ZW_EMEDIA "文件不是有效的 Excel 文件（why）" / "<label>解压后过大，疑似压缩炸弹，已拒绝". */
int sheet__broken(struct error *err, const char *why);
int sheet__bomb(struct error *err, const char *label);

/*
 * Opens entry name after checking its declared sizes; returns 0, 1 when
 * there is no such entry, or a negative code.  sheet__part_read inflates up
 * to cap bytes (0 at the end), refusing more than the declared size.
 */
int sheet__part_open(struct sheet__xlsx *x, const char *name, const char *label,
                     struct sheet__part *pt, struct error *err);
long sheet__part_read(struct sheet__part *pt, void *dst, size_t cap, struct error *err);
void sheet__part_close(struct sheet__part *pt);

/* A parser with c as user data that stops at any DOCTYPE or entity declaration. */
XML_Parser sheet__parser_new(struct sheet__xctx *c);
/* Stops the parser from a handler with an error (already in c->err); returns code. */
int sheet__handler_fail(struct sheet__xctx *c, int code);
/* Turns a failed XML_Parse* into an error; returns 0 when a handler stopped on purpose. */
int sheet__parse_failed(struct sheet__xctx *c, const char *label, struct error *err);
/* Parses all of entry name with c's parser; returns 0, 1 when it is missing, or a negative code. */
int sheet__parse_part(struct sheet__xlsx *x, const char *name, const char *label,
                      struct sheet__xctx *c, struct error *err);

/* Fill x->sheet_path and x->date1904; the shared strings; x->xf_date. */
int sheet__find_sheet(struct sheet__xlsx *x, struct error *err);
int sheet__read_shared_strings(struct sheet__xlsx *x, struct error *err);
int sheet__read_styles(struct sheet__xlsx *x, struct error *err);

#endif
