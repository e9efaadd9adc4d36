/*
 * sheet_xlsx.c - the XLSX reader behind sheet.h: libzip for the package,
 * expat for its parts.  sheet_open reads the workbook (which sheet is first,
 * the 1904 date system), the sheet's relationship target, the shared strings
 * (kept in memory) and the styles (which cell formats are dates), then scans
 * the sheet part once for merged ranges.  sheet_next streams the sheet part
 * again, suspending expat at the end of each row, so that only one row and
 * one inflated chunk are in memory at a time.
 *
 * Every part is checked before it is inflated (declared size under
 * ZW_SHEET_MAX_PART and under ZW_SHEET_MAX_RATIO times its compressed size)
 * and while (inflated bytes never exceed the declared size: headers lie).
 * A DOCTYPE in any part stops the parser: no entity is ever declared.
 * The zip entries, parsers and the small parts are in sheet_xlsx_parts.c.
 */
#include <expat.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "log.h"
#include "sheet.h"
#include "sheet_int.h"
#include "sheet_xlsx_int.h"
#include "banned.h"

/* ---- cell references and merged ranges ---- */

/* Parses "B3" (row optional when need_row is false); returns 0 or -1. */
static int parse_ref(const char *s, long *row, long *col, bool need_row)
{
    long c = 0, r = 0;
    const char *p = s;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
        c = c * 26 + ((*p | 0x20) - 'a' + 1);
        if (c > XLSX_MAX_COL_LABEL)
            return -1;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        r = r * 10 + (*p - '0');
        if (r > XLSX_MAX_ROW)
            return -1;
    }
    if (c == 0 || *p || (need_row && r == 0))
        return -1;
    *row = r;
    *col = c;
    return 0;
}

struct mg_ctx {
    struct sheet__xctx x;
    struct sheet *s;
};

static void XMLCALL mg_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct mg_ctx *c = ud;
    if (!sheet__is(name, "mergeCell"))
        return;
    const char *ref = sheet__attr(atts, "ref");
    if (!ref)
        return;
    char a[32], b[32];
    const char *colon = strchr(ref, ':');
    if (!colon) {
        sheet__copy_str(a, sizeof(a), ref);
        sheet__copy_str(b, sizeof(b), ref);
    } else if ((size_t)(colon - ref) < sizeof(a)) {
        memcpy(a, ref, (size_t)(colon - ref));
        a[colon - ref] = '\0';
        sheet__copy_str(b, sizeof(b), colon + 1);
    } else {
        return;
    }
    struct sheet_merge m;
    if (parse_ref(a, &m.row1, &m.col1, true) != 0 || parse_ref(b, &m.row2, &m.col2, true) != 0)
        return;
    if (m.row2 < m.row1) {
        long t = m.row1;
        m.row1 = m.row2;
        m.row2 = t;
    }
    if (m.col2 < m.col1) {
        long t = m.col1;
        m.col1 = m.col2;
        m.col2 = t;
    }
    struct sheet *s = c->s;
    if (s->nmerges >= XLSX_MAX_MERGES) {
        err_set(&c->x.err, ZW_EMEDIA, NULL, "工作表的合并单元格过多（超过 %d 处）",
                XLSX_MAX_MERGES);
        sheet__handler_fail(&c->x, ZW_EMEDIA);
        return;
    }
    if (s->nmerges == s->merges_cap) {
        s->merges_cap = s->merges_cap ? s->merges_cap * 2 : 16;
        s->merges = realloc(s->merges, s->merges_cap * sizeof(*s->merges));
        if (!s->merges)
            log_fatal("sheet: out of memory");
    }
    s->merges[s->nmerges++] = m;
}

static void XMLCALL mg_end(void *ud, const XML_Char *name)
{
    struct mg_ctx *c = ud;
    if (sheet__is(name, "mergeCells")) {
        c->x.stop_ok = true;
        XML_StopParser(c->x.p, XML_FALSE);
    }
}

static int read_merges(struct sheet *s, struct error *err)
{
    struct mg_ctx c = {.s = s};
    sheet__parser_new(&c.x);
    XML_SetElementHandler(c.x.p, mg_start, mg_end);
    int rc = sheet__parse_part(s->xlsx, s->xlsx->sheet_path, "工作表", &c.x, err);
    XML_ParserFree(c.x.p);
    if (rc == 1)
        return sheet__broken(err, "找不到工作表");
    return rc;
}

/* ---- the sheet's rows ---- */

/* Writes days since 1970-01-01 as YYYY-MM-DD (H. Hinnant's civil_from_days). */
static void format_days(long z, char *out, size_t cap)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    snprintf(out, cap, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

/* Writes a numeric cell's text v as Excel shows it: integers plainly, dates as YYYY-MM-DD. */
static void format_number(const char *v, bool date, bool d1904, char *out, size_t cap)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !isfinite(d)) {
        snprintf(out, cap, "%s", v);
        return;
    }
    if (date && d >= (d1904 ? 0 : 1) && d < 2958466) {
        long serial = (long)floor(d);
        if (d1904)
            format_days(serial - 24107, out, cap);
        else if (serial == 60)
            snprintf(out, cap, "1900-02-29"); /* Lotus's leap day, kept by Excel */
        else
            format_days(serial - (serial < 60 ? 25568 : 25569), out, cap);
        return;
    }
    if (d == floor(d) && fabs(d) < 1e15)
        snprintf(out, cap, "%.0f", d == 0 ? 0.0 : d);
    else
        snprintf(out, cap, "%.15g", d);
}

static int row_err(struct sheet__xlsx *x, int code, const char *what)
{
    err_set(&x->x.err, code, NULL, "第 %ld 行%s", x->row_num, what);
    return sheet__handler_fail(&x->x, code);
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct sheet__xlsx *x = ud;
    if (x->x.rc < 0)
        return;
    const char *l = sheet__local_name(name);
    if (strcmp(l, "row") == 0) {
        long r = sheet__parse_long(sheet__attr(atts, "r"), XLSX_MAX_ROW);
        x->row_num = r > 0 ? r : x->last_row + 1;
        x->last_row = x->row_num;
        x->col_next = 1;
        x->in_row = true;
        sheet__row_reset(&x->s->row);
    } else if (strcmp(l, "c") == 0 && x->in_row) {
        long row, col = 0;
        const char *ref = sheet__attr(atts, "r");
        if (!ref || parse_ref(ref, &row, &col, false) != 0 || col < x->col_next)
            col = x->col_next;
        if (col > ZW_SHEET_MAX_COLS) {
            row_err(x, ZW_EINVAL, "列数过多（超过 256 列）");
            return;
        }
        while ((long)x->s->row.n < col - 1)
            sheet__cell_put(&x->s->row, "", 0);
        x->col_next = col + 1;
        sheet__copy_str(x->cell_type, sizeof(x->cell_type), sheet__attr(atts, "t"));
        x->cell_style = sheet__parse_long(sheet__attr(atts, "s"), XLSX_MAX_XFS);
        x->in_cell = true;
        x->in_v = x->in_is = x->in_t = false;
        x->rph = 0;
        x->val_len = 0;
        x->val_too_long = false;
    } else if (!x->in_cell) {
        return;
    } else if (strcmp(l, "v") == 0) {
        x->in_v = true;
    } else if (strcmp(l, "is") == 0) {
        x->in_is = true;
    } else if (strcmp(l, "rPh") == 0) {
        x->rph++;
    } else if (strcmp(l, "t") == 0 && x->in_is && x->rph == 0) {
        x->in_t = true;
    }
}

static void XMLCALL sh_text(void *ud, const XML_Char *s, int len)
{
    struct sheet__xlsx *x = ud;
    if (!(x->in_v || x->in_t) || x->val_too_long)
        return;
    if (x->val_len + (size_t)len > ZW_SHEET_MAX_CELL) {
        x->val_too_long = true;
        return;
    }
    memcpy(x->val + x->val_len, s, (size_t)len);
    x->val_len += (size_t)len;
}

/* Adds the finished cell's value to the row. */
static void cell_done(struct sheet__xlsx *x)
{
    struct sheet__row *r = &x->s->row;
    const char *t = x->cell_type;
    char num[64];
    const char *v = x->val;
    size_t n = x->val_len;
    x->val[n] = '\0';
    if (x->val_too_long) {
        row_err(x, ZW_EINVAL, "单元格过长（超过 32768 字节）");
        return;
    }
    if (strcmp(t, "s") == 0) {
        long i = sheet__parse_long(x->val, 1L << 40);
        if (i < 0 && n == 0) {
            v = "";
        } else if (i < 0 || (size_t)i >= x->ss_n) {
            row_err(x, ZW_EMEDIA, "引用了不存在的共享字符串（文件损坏）");
            return;
        } else {
            v = x->ss_text + x->ss_off[i];
            n = x->ss_off[i + 1] - x->ss_off[i];
        }
    } else if (strcmp(t, "b") == 0) {
        v = n == 0 ? "" : (strcmp(x->val, "0") == 0 || strcmp(x->val, "false") == 0) ? "0" : "1";
        n = strlen(v);
    } else if (strcmp(t, "e") == 0) {
        v = "";
        n = 0;
    } else if (strcmp(t, "d") == 0) {
        n = n > 10 && x->val[10] == 'T' ? 10 : n;
    } else if (strcmp(t, "str") != 0 && strcmp(t, "inlineStr") != 0 && n > 0) {
        bool date =
            x->cell_style >= 0 && (size_t)x->cell_style < x->nxf && x->xf_date[x->cell_style];
        format_number(x->val, date, x->date1904, num, sizeof(num));
        v = num;
        n = strlen(num);
    }
    int rc = sheet__cell_put(r, v, n);
    if (rc != 0)
        row_err(x, ZW_EINVAL, "单元格过长（超过 32768 字节）");
}

static void XMLCALL sh_end(void *ud, const XML_Char *name)
{
    struct sheet__xlsx *x = ud;
    if (x->x.rc < 0)
        return;
    const char *l = sheet__local_name(name);
    if (strcmp(l, "c") == 0 && x->in_cell) {
        x->in_cell = false;
        cell_done(x);
    } else if (strcmp(l, "v") == 0) {
        x->in_v = false;
    } else if (strcmp(l, "t") == 0) {
        x->in_t = false;
    } else if (strcmp(l, "is") == 0) {
        x->in_is = false;
    } else if (strcmp(l, "rPh") == 0 && x->rph > 0) {
        x->rph--;
    } else if (strcmp(l, "row") == 0 && x->in_row) {
        x->in_row = false;
        if (!sheet__row_done(&x->s->row))
            XML_StopParser(x->x.p, XML_TRUE); /* suspend: sheet_next hands the row out */
    } else if (strcmp(l, "sheetData") == 0) {
        x->x.stop_ok = true;
        XML_StopParser(x->x.p, XML_FALSE);
    }
}

int sheet__xlsx_open(struct sheet *s, struct error *err)
{
    struct sheet__xlsx *x = calloc(1, sizeof(*x));
    if (!x)
        log_fatal("sheet: out of memory");
    s->xlsx = x;
    x->s = s;
    int ze = 0;
    if (s->fd >= 0) {
        int fd = dup(s->fd);
        if (fd < 0)
            return err_set(err, ZW_EIO, NULL, "无法打开文件");
        x->za = zip_fdopen(fd, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
        if (!x->za)
            close(fd);
    } else {
        zip_error_t zerr;
        zip_error_init(&zerr);
        zip_source_t *src = zip_source_buffer_create(s->mem, s->mem_len, 0, &zerr);
        if (src) {
            x->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
            if (!x->za)
                zip_source_free(src);
        }
        zip_error_fini(&zerr);
    }
    if (!x->za)
        return sheet__broken(err, "zip 损坏");
    x->val = malloc(ZW_SHEET_MAX_CELL + 1);
    if (!x->val)
        log_fatal("sheet: out of memory");
    int rc = sheet__find_sheet(x, err);
    if (rc == 0)
        rc = sheet__read_shared_strings(x, err);
    if (rc == 0)
        rc = sheet__read_styles(x, err);
    if (rc == 0)
        rc = read_merges(s, err);
    if (rc < 0)
        return rc;
    /* The sheet part again, for sheet_next. */
    sheet__parser_new(&x->x);
    XML_SetElementHandler(x->x.p, sh_start, sh_end);
    XML_SetCharacterDataHandler(x->x.p, sh_text);
    rc = sheet__part_open(x, x->sheet_path, "工作表", &x->part, err);
    if (rc == 1)
        return sheet__broken(err, "找不到工作表");
    return rc;
}

int sheet__xlsx_next(struct sheet *s, long *row, struct error *err)
{
    struct sheet__xlsx *x = s->xlsx;
    for (;;) {
        if (x->done)
            return 0;
        enum XML_Status st;
        if (x->suspended) {
            x->suspended = false;
            st = XML_ResumeParser(x->x.p);
        } else if (x->final) {
            x->done = true;
            return 0;
        } else {
            void *buf = XML_GetBuffer(x->x.p, SHEET__CHUNK);
            if (!buf)
                log_fatal("sheet: out of memory");
            long n = sheet__part_read(&x->part, buf, SHEET__CHUNK, err);
            if (n < 0)
                return (int)n;
            x->final = n == 0;
            st = XML_ParseBuffer(x->x.p, (int)n, x->final);
        }
        if (st == XML_STATUS_SUSPENDED) {
            x->suspended = true;
            *row = x->row_num;
            return 1;
        }
        if (st == XML_STATUS_ERROR) {
            int rc = sheet__parse_failed(&x->x, "工作表", err);
            x->done = true;
            if (rc < 0)
                return rc;
        }
    }
}

void sheet__xlsx_free(struct sheet *s)
{
    struct sheet__xlsx *x = s->xlsx;
    if (!x)
        return;
    sheet__part_close(&x->part);
    if (x->x.p)
        XML_ParserFree(x->x.p);
    if (x->za)
        zip_discard(x->za);
    free(x->ss_text);
    free(x->ss_off);
    free(x->xf_date);
    free(x->val);
    free(x);
    s->xlsx = NULL;
}
