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
#include "banned.h"

/* Parts smaller than this are not refused for their compression ratio. */
#define XLSX_RATIO_FLOOR   (1024 * 1024)
#define XLSX_MAX_XFS       65536
#define XLSX_MAX_NUMFMTS   4096
#define XLSX_MAX_MERGES    65536
#define XLSX_MAX_PATH      256
#define XLSX_MAX_ROW       (1L << 30)
#define XLSX_MAX_COL_LABEL 16384

/* One zip entry being inflated, with the bytes it has given so far. */
struct part {
    zip_file_t *zf;
    const char *label; /* Chinese name for messages: "工作表" */
    zip_uint64_t declared, total;
};

/* What every parser's user data starts with. */
struct xctx {
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
    struct xctx x; /* first: the sheet parser's handlers get the struct as user data */
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
    struct part part;
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

static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static bool is(const char *name, const char *local)
{
    return strcmp(local_name(name), local) == 0;
}

static const char *attr(const char **atts, const char *local)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (is(atts[i], local))
            return atts[i + 1];
    return NULL;
}

static int broken(struct error *err, const char *why)
{
    return err_set(err, ZW_EMEDIA, NULL, "文件不是有效的 Excel 文件（%s）", why);
}

static int bomb(struct error *err, const char *label)
{
    return err_set(err, ZW_EMEDIA, NULL, "%s解压后过大，疑似压缩炸弹，已拒绝", label);
}

/* Opens entry name; returns 0, 1 when there is no such entry, or a negative code. */
static int part_open(struct sheet__xlsx *x, const char *name, const char *label, struct part *pt,
                     struct error *err)
{
    memset(pt, 0, sizeof(*pt));
    pt->label = label;
    zip_int64_t idx = zip_name_locate(x->za, name, 0);
    if (idx < 0)
        idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return 1;
    zip_stat_t st;
    if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        !(st.valid & ZIP_STAT_COMP_SIZE))
        return broken(err, "zip 损坏");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return err_set(err, ZW_EMEDIA, NULL, "Excel 文件已加密，请取消密码后再导入");
    if (st.size > (zip_uint64_t)ZW_SHEET_MAX_PART)
        return bomb(err, label);
    if (st.size > XLSX_RATIO_FLOOR && st.size / ZW_SHEET_MAX_RATIO > st.comp_size)
        return bomb(err, label);
    pt->declared = st.size;
    pt->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
    if (!pt->zf) {
        int ze = zip_error_code_zip(zip_get_error(x->za));
        if (ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP)
            return err_set(err, ZW_EMEDIA, NULL, "Excel 文件已加密，请取消密码后再导入");
        return broken(err, "zip 损坏");
    }
    return 0;
}

/* Inflates up to cap bytes of pt; returns the count (0 at the end) or a negative code. */
static long part_read(struct part *pt, void *dst, size_t cap, struct error *err)
{
    zip_int64_t n = zip_fread(pt->zf, dst, cap);
    if (n < 0)
        return broken(err, "zip 损坏");
    pt->total += (zip_uint64_t)n;
    if (pt->total > pt->declared || pt->total > (zip_uint64_t)ZW_SHEET_MAX_PART)
        return bomb(err, pt->label);
    return (long)n;
}

static void part_close(struct part *pt)
{
    if (pt->zf)
        zip_fclose(pt->zf);
    pt->zf = NULL;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    struct xctx *c = ud;
    c->doctype = true;
    XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    struct xctx *c = ud;
    c->doctype = true;
    XML_StopParser(c->p, XML_FALSE);
}

/* A parser that refuses any DOCTYPE, with c as its user data. */
static XML_Parser parser_new(struct xctx *c)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        log_fatal("sheet: out of memory");
    c->p = p;
    XML_SetUserData(p, c);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

/* Stops the parser from a handler with an error; returns code. */
static int handler_fail(struct xctx *c, int code)
{
    c->rc = code;
    XML_StopParser(c->p, XML_FALSE);
    return code;
}

/* Turns a failed XML_Parse* into an error; returns 0 when a handler stopped on purpose. */
static int parse_failed(struct xctx *c, const char *label, struct error *err)
{
    if (c->doctype)
        return err_set(err, ZW_EMEDIA, NULL, "%s含有 DOCTYPE 声明（可能是 XML 实体攻击），已拒绝",
                       label);
    if (c->rc < 0) {
        if (err)
            *err = c->err;
        return c->rc;
    }
    if (c->stop_ok)
        return 0;
    err_set(err, ZW_EMEDIA, NULL, "文件不是有效的 Excel 文件（%s的 XML 有错误，第 %lu 行）", label,
            (unsigned long)XML_GetCurrentLineNumber(c->p));
    return err_detail(err, "expat: %s", XML_ErrorString(XML_GetErrorCode(c->p)));
}

/*
 * Parses the whole entry name with c's parser (already given its handlers);
 * returns 0, 1 when the entry is missing, or a negative code.
 */
static int parse_part(struct sheet__xlsx *x, const char *name, const char *label, struct xctx *c,
                      struct error *err)
{
    struct part pt;
    int rc = part_open(x, name, label, &pt, err);
    if (rc != 0)
        return rc;
    for (;;) {
        void *buf = XML_GetBuffer(c->p, SHEET__CHUNK);
        if (!buf)
            log_fatal("sheet: out of memory");
        long n = part_read(&pt, buf, SHEET__CHUNK, err);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (XML_ParseBuffer(c->p, (int)n, n == 0) != XML_STATUS_OK) {
            rc = parse_failed(c, label, err);
            break;
        }
        if (n == 0)
            break;
    }
    part_close(&pt);
    return rc;
}

/* ---- the workbook and its relationships: which part is the first sheet ---- */

struct wb_ctx {
    struct xctx x;
    struct sheet__xlsx *xl;
    char rid[128];
    char target[XLSX_MAX_PATH];
};

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct wb_ctx *w = ud;
    if (is(name, "workbookPr")) {
        const char *v = attr(atts, "date1904");
        w->xl->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (is(name, "sheet")) {
        copy_str(w->rid, sizeof(w->rid), attr(atts, "id"));
        w->x.stop_ok = true;
        XML_StopParser(w->x.p, XML_FALSE);
    }
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct wb_ctx *w = ud;
    const char *id = attr(atts, "Id");
    const char *target = attr(atts, "Target");
    if (is(name, "Relationship") && id && target && strcmp(id, w->rid) == 0) {
        copy_str(w->target, sizeof(w->target), target);
        w->x.stop_ok = true;
        XML_StopParser(w->x.p, XML_FALSE);
    }
}

/* Resolves a relationship target against xl/ into dst ("" when it cannot be). */
static void resolve_target(const char *target, char *dst, size_t cap)
{
    char tmp[2 * XLSX_MAX_PATH];
    if (target[0] == '/')
        snprintf(tmp, sizeof(tmp), "%s", target + 1);
    else
        snprintf(tmp, sizeof(tmp), "xl/%s", target);
    /* Drop "." segments and fold ".." into the segment before it. */
    char out[2 * XLSX_MAX_PATH];
    size_t len = 0;
    const char *p = tmp;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            while (len > 0 && out[len - 1] != '/')
                len--;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            memcpy(out + len, p, n);
            len += n;
            if (e)
                out[len++] = '/';
        }
        p = e ? e + 1 : p + n;
    }
    out[len] = '\0';
    if (len == 0 || len >= cap)
        dst[0] = '\0';
    else
        memcpy(dst, out, len + 1);
}

static int find_sheet(struct sheet__xlsx *x, struct error *err)
{
    struct wb_ctx w = {.xl = x};
    parser_new(&w.x);
    XML_SetStartElementHandler(w.x.p, wb_start);
    int rc = parse_part(x, "xl/workbook.xml", "工作簿（workbook.xml）", &w.x, err);
    XML_ParserFree(w.x.p);
    if (rc < 0)
        return rc;
    if (rc == 0 && w.rid[0]) {
        struct wb_ctx r = {.xl = x};
        memcpy(r.rid, w.rid, sizeof(r.rid));
        parser_new(&r.x);
        XML_SetStartElementHandler(r.x.p, rels_start);
        rc = parse_part(x, "xl/_rels/workbook.xml.rels", "工作簿关系表（workbook.xml.rels）", &r.x,
                        err);
        XML_ParserFree(r.x.p);
        if (rc < 0)
            return rc;
        if (r.target[0])
            resolve_target(r.target, x->sheet_path, sizeof(x->sheet_path));
    }
    if (!x->sheet_path[0])
        copy_str(x->sheet_path, sizeof(x->sheet_path), "xl/worksheets/sheet1.xml");
    return 0;
}

/* ---- shared strings ---- */

struct ss_ctx {
    struct xctx x;
    struct sheet__xlsx *xl;
    bool in_si, in_t;
    int rph;
};

static void ss_push_offset(struct sheet__xlsx *x)
{
    if (x->ss_n + 1 >= x->ss_ncap) {
        x->ss_ncap = x->ss_ncap ? x->ss_ncap * 2 : 1024;
        x->ss_off = realloc(x->ss_off, x->ss_ncap * sizeof(*x->ss_off));
        if (!x->ss_off)
            log_fatal("sheet: out of memory");
    }
    x->ss_off[x->ss_n + 1] = (uint32_t)x->ss_len;
}

static void XMLCALL ss_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct ss_ctx *c = ud;
    const char *l = local_name(name);
    if (strcmp(l, "si") == 0) {
        c->in_si = true;
        c->in_t = false;
        c->rph = 0;
    } else if (strcmp(l, "rPh") == 0) {
        c->rph++;
    } else if (strcmp(l, "t") == 0 && c->in_si && c->rph == 0) {
        c->in_t = true;
    }
}

static void XMLCALL ss_end(void *ud, const XML_Char *name)
{
    struct ss_ctx *c = ud;
    const char *l = local_name(name);
    if (strcmp(l, "si") == 0 && c->in_si) {
        c->in_si = false;
        ss_push_offset(c->xl);
        c->xl->ss_n++;
    } else if (strcmp(l, "rPh") == 0 && c->rph > 0) {
        c->rph--;
    } else if (strcmp(l, "t") == 0) {
        c->in_t = false;
    }
}

static void XMLCALL ss_text(void *ud, const XML_Char *s, int len)
{
    struct ss_ctx *c = ud;
    struct sheet__xlsx *x = c->xl;
    if (!c->in_t || c->x.rc < 0)
        return;
    if (x->ss_len + (size_t)len > (size_t)ZW_SHEET_MAX_PART) {
        bomb(&c->x.err, "共享字符串表");
        handler_fail(&c->x, ZW_EMEDIA);
        return;
    }
    if (x->ss_len + (size_t)len > x->ss_cap) {
        size_t cap = x->ss_cap ? x->ss_cap : 4096;
        while (cap < x->ss_len + (size_t)len)
            cap *= 2;
        x->ss_text = realloc(x->ss_text, cap);
        if (!x->ss_text)
            log_fatal("sheet: out of memory");
        x->ss_cap = cap;
    }
    memcpy(x->ss_text + x->ss_len, s, (size_t)len);
    x->ss_len += (size_t)len;
}

static int read_shared_strings(struct sheet__xlsx *x, struct error *err)
{
    struct ss_ctx c = {.xl = x};
    ss_push_offset(x); /* ss_off[0] = 0 */
    x->ss_off[0] = 0;
    parser_new(&c.x);
    XML_SetElementHandler(c.x.p, ss_start, ss_end);
    XML_SetCharacterDataHandler(c.x.p, ss_text);
    int rc = parse_part(x, "xl/sharedStrings.xml", "共享字符串表（sharedStrings.xml）", &c.x, err);
    XML_ParserFree(c.x.p);
    return rc < 0 ? rc : 0;
}

/* ---- styles: which cell formats show dates ---- */

struct st_ctx {
    struct xctx x;
    bool in_xfs;
    struct numfmt fmts[XLSX_MAX_NUMFMTS];
    size_t nfmts;
    long *xf_ids;
    size_t nxf, xf_cap;
};

/* True when a number format code shows a date: y, d, or m without h/s, outside quotes and []. */
static bool date_code(const char *code)
{
    bool y = false, m = false, d = false, hs = false;
    for (const char *p = code; *p; p++) {
        switch (*p) {
        case '"':
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
            break;
        case '[':
            while (p[1] && p[1] != ']')
                p++;
            if (p[1])
                p++;
            break;
        case '\\':
        case '_':
        case '*':
            if (p[1])
                p++;
            break;
        case 'y':
        case 'Y':
        case 'e':
            y = true;
            break;
        case 'd':
        case 'D':
            d = true;
            break;
        case 'm':
        case 'M':
            m = true;
            break;
        case 'h':
        case 'H':
        case 's':
        case 'S':
            hs = true;
            break;
        default:
            break;
        }
    }
    return y || d || (m && !hs);
}

/* Built-in formats that show dates: 14-22, 45-47, and the zh-CN ones 27-31, 36, 50-54, 57-58. */
static bool builtin_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 31) || id == 36 ||
           (id >= 50 && id <= 54) || id == 57 || id == 58;
}

static long parse_long(const char *s, long max)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > max)
            return -1;
    }
    return *s ? -1 : v;
}

static void XMLCALL st_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct st_ctx *c = ud;
    const char *l = local_name(name);
    if (strcmp(l, "numFmt") == 0 && !c->in_xfs) {
        long id = parse_long(attr(atts, "numFmtId"), 1000000);
        const char *code = attr(atts, "formatCode");
        if (id >= 0 && code && c->nfmts < XLSX_MAX_NUMFMTS)
            c->fmts[c->nfmts++] = (struct numfmt){id, date_code(code)};
    } else if (strcmp(l, "cellXfs") == 0) {
        c->in_xfs = true;
    } else if (strcmp(l, "xf") == 0 && c->in_xfs) {
        if (c->nxf >= XLSX_MAX_XFS)
            return;
        if (c->nxf == c->xf_cap) {
            c->xf_cap = c->xf_cap ? c->xf_cap * 2 : 64;
            c->xf_ids = realloc(c->xf_ids, c->xf_cap * sizeof(*c->xf_ids));
            if (!c->xf_ids)
                log_fatal("sheet: out of memory");
        }
        long id = parse_long(attr(atts, "numFmtId"), 1000000);
        c->xf_ids[c->nxf++] = id < 0 ? 0 : id;
    }
}

static void XMLCALL st_end(void *ud, const XML_Char *name)
{
    struct st_ctx *c = ud;
    if (is(name, "cellXfs")) {
        c->in_xfs = false;
        c->x.stop_ok = true;
        XML_StopParser(c->x.p, XML_FALSE);
    }
}

static int read_styles(struct sheet__xlsx *x, struct error *err)
{
    struct st_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        log_fatal("sheet: out of memory");
    parser_new(&c->x);
    XML_SetElementHandler(c->x.p, st_start, st_end);
    int rc = parse_part(x, "xl/styles.xml", "样式表（styles.xml）", &c->x, err);
    XML_ParserFree(c->x.p);
    if (rc >= 0 && c->nxf > 0) {
        x->xf_date = calloc(c->nxf, 1);
        if (!x->xf_date)
            log_fatal("sheet: out of memory");
        x->nxf = c->nxf;
        for (size_t i = 0; i < c->nxf; i++) {
            bool date = builtin_date(c->xf_ids[i]);
            for (size_t k = 0; k < c->nfmts; k++)
                if (c->fmts[k].id == c->xf_ids[i])
                    date = c->fmts[k].date;
            x->xf_date[i] = date;
        }
    }
    free(c->xf_ids);
    free(c);
    return rc < 0 ? rc : 0;
}

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
    struct xctx x;
    struct sheet *s;
};

static void XMLCALL mg_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct mg_ctx *c = ud;
    if (!is(name, "mergeCell"))
        return;
    const char *ref = attr(atts, "ref");
    if (!ref)
        return;
    char a[32], b[32];
    const char *colon = strchr(ref, ':');
    if (!colon) {
        copy_str(a, sizeof(a), ref);
        copy_str(b, sizeof(b), ref);
    } else if ((size_t)(colon - ref) < sizeof(a)) {
        memcpy(a, ref, (size_t)(colon - ref));
        a[colon - ref] = '\0';
        copy_str(b, sizeof(b), colon + 1);
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
        handler_fail(&c->x, ZW_EMEDIA);
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
    if (is(name, "mergeCells")) {
        c->x.stop_ok = true;
        XML_StopParser(c->x.p, XML_FALSE);
    }
}

static int read_merges(struct sheet *s, struct error *err)
{
    struct mg_ctx c = {.s = s};
    parser_new(&c.x);
    XML_SetElementHandler(c.x.p, mg_start, mg_end);
    int rc = parse_part(s->xlsx, s->xlsx->sheet_path, "工作表", &c.x, err);
    XML_ParserFree(c.x.p);
    if (rc == 1)
        return broken(err, "找不到工作表");
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
    return handler_fail(&x->x, code);
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct sheet__xlsx *x = ud;
    if (x->x.rc < 0)
        return;
    const char *l = local_name(name);
    if (strcmp(l, "row") == 0) {
        long r = parse_long(attr(atts, "r"), XLSX_MAX_ROW);
        x->row_num = r > 0 ? r : x->last_row + 1;
        x->last_row = x->row_num;
        x->col_next = 1;
        x->in_row = true;
        sheet__row_reset(&x->s->row);
    } else if (strcmp(l, "c") == 0 && x->in_row) {
        long row, col = 0;
        const char *ref = attr(atts, "r");
        if (!ref || parse_ref(ref, &row, &col, false) != 0 || col < x->col_next)
            col = x->col_next;
        if (col > ZW_SHEET_MAX_COLS) {
            row_err(x, ZW_EINVAL, "列数过多（超过 256 列）");
            return;
        }
        while ((long)x->s->row.n < col - 1)
            sheet__cell_put(&x->s->row, "", 0);
        x->col_next = col + 1;
        copy_str(x->cell_type, sizeof(x->cell_type), attr(atts, "t"));
        x->cell_style = parse_long(attr(atts, "s"), XLSX_MAX_XFS);
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
        long i = parse_long(x->val, 1L << 40);
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
    const char *l = local_name(name);
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
        return broken(err, "zip 损坏");
    x->val = malloc(ZW_SHEET_MAX_CELL + 1);
    if (!x->val)
        log_fatal("sheet: out of memory");
    int rc = find_sheet(x, err);
    if (rc == 0)
        rc = read_shared_strings(x, err);
    if (rc == 0)
        rc = read_styles(x, err);
    if (rc == 0)
        rc = read_merges(s, err);
    if (rc < 0)
        return rc;
    /* The sheet part again, for sheet_next. */
    parser_new(&x->x);
    XML_SetElementHandler(x->x.p, sh_start, sh_end);
    XML_SetCharacterDataHandler(x->x.p, sh_text);
    rc = part_open(x, x->sheet_path, "工作表", &x->part, err);
    if (rc == 1)
        return broken(err, "找不到工作表");
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
            long n = part_read(&x->part, buf, SHEET__CHUNK, err);
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
            int rc = parse_failed(&x->x, "工作表", err);
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
    part_close(&x->part);
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
