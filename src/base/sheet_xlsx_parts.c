/*
 * sheet_xlsx_parts.c - the package side of the XLSX reader: zip entries
 * checked against bombs before and while they inflate, expat parsers that
 * refuse any DOCTYPE, and the small parts read whole at sheet_open (the
 * workbook and its relationships, shared strings, styles).  See
 * sheet_xlsx.c for the rows.
 */
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "log.h"
#include "sheet.h"
#include "sheet_int.h"
#include "sheet_xlsx_int.h"
#include "banned.h"

const char *sheet__local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

bool sheet__is(const char *name, const char *local)
{
    return strcmp(sheet__local_name(name), local) == 0;
}

const char *sheet__attr(const char **atts, const char *local)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (sheet__is(atts[i], local))
            return atts[i + 1];
    return NULL;
}

int sheet__broken(struct error *err, const char *why)
{
    return err_set(err, ZW_EMEDIA, NULL, "文件不是有效的 Excel 文件（%s）", why);
}

int sheet__bomb(struct error *err, const char *label)
{
    return err_set(err, ZW_EMEDIA, NULL, "%s解压后过大，疑似压缩炸弹，已拒绝", label);
}

/* Opens entry name; returns 0, 1 when there is no such entry, or a negative code. */
int sheet__part_open(struct sheet__xlsx *x, const char *name, const char *label,
                     struct sheet__part *pt, struct error *err)
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
        return sheet__broken(err, "zip 损坏");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return err_set(err, ZW_EMEDIA, NULL, "Excel 文件已加密，请取消密码后再导入");
    if (st.size > (zip_uint64_t)ZW_SHEET_MAX_PART)
        return sheet__bomb(err, label);
    if (st.size > XLSX_RATIO_FLOOR && st.size / ZW_SHEET_MAX_RATIO > st.comp_size)
        return sheet__bomb(err, label);
    pt->declared = st.size;
    pt->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
    if (!pt->zf) {
        int ze = zip_error_code_zip(zip_get_error(x->za));
        if (ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP)
            return err_set(err, ZW_EMEDIA, NULL, "Excel 文件已加密，请取消密码后再导入");
        return sheet__broken(err, "zip 损坏");
    }
    return 0;
}

/* Inflates up to cap bytes of pt; returns the count (0 at the end) or a negative code. */
long sheet__part_read(struct sheet__part *pt, void *dst, size_t cap, struct error *err)
{
    zip_int64_t n = zip_fread(pt->zf, dst, cap);
    if (n < 0)
        return sheet__broken(err, "zip 损坏");
    pt->total += (zip_uint64_t)n;
    if (pt->total > pt->declared || pt->total > (zip_uint64_t)ZW_SHEET_MAX_PART)
        return sheet__bomb(err, pt->label);
    return (long)n;
}

void sheet__part_close(struct sheet__part *pt)
{
    if (pt->zf)
        zip_fclose(pt->zf);
    pt->zf = NULL;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    struct sheet__xctx *c = ud;
    c->doctype = true;
    XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    struct sheet__xctx *c = ud;
    c->doctype = true;
    XML_StopParser(c->p, XML_FALSE);
}

/* A parser that refuses any DOCTYPE, with c as its user data. */
XML_Parser sheet__parser_new(struct sheet__xctx *c)
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
int sheet__handler_fail(struct sheet__xctx *c, int code)
{
    c->rc = code;
    XML_StopParser(c->p, XML_FALSE);
    return code;
}

/* Turns a failed XML_Parse* into an error; returns 0 when a handler stopped on purpose. */
int sheet__parse_failed(struct sheet__xctx *c, const char *label, struct error *err)
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
int sheet__parse_part(struct sheet__xlsx *x, const char *name, const char *label,
                      struct sheet__xctx *c, struct error *err)
{
    struct sheet__part pt;
    int rc = sheet__part_open(x, name, label, &pt, err);
    if (rc != 0)
        return rc;
    for (;;) {
        void *buf = XML_GetBuffer(c->p, SHEET__CHUNK);
        if (!buf)
            log_fatal("sheet: out of memory");
        long n = sheet__part_read(&pt, buf, SHEET__CHUNK, err);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (XML_ParseBuffer(c->p, (int)n, n == 0) != XML_STATUS_OK) {
            rc = sheet__parse_failed(c, label, err);
            break;
        }
        if (n == 0)
            break;
    }
    sheet__part_close(&pt);
    return rc;
}

/* ---- the workbook and its relationships: which part is the first sheet ---- */

struct wb_ctx {
    struct sheet__xctx x;
    struct sheet__xlsx *xl;
    char rid[128];
    char target[XLSX_MAX_PATH];
};

void sheet__copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct wb_ctx *w = ud;
    if (sheet__is(name, "workbookPr")) {
        const char *v = sheet__attr(atts, "date1904");
        w->xl->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (sheet__is(name, "sheet")) {
        sheet__copy_str(w->rid, sizeof(w->rid), sheet__attr(atts, "id"));
        w->x.stop_ok = true;
        XML_StopParser(w->x.p, XML_FALSE);
    }
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct wb_ctx *w = ud;
    const char *id = sheet__attr(atts, "Id");
    const char *target = sheet__attr(atts, "Target");
    if (sheet__is(name, "Relationship") && id && target && strcmp(id, w->rid) == 0) {
        sheet__copy_str(w->target, sizeof(w->target), target);
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

int sheet__find_sheet(struct sheet__xlsx *x, struct error *err)
{
    struct wb_ctx w = {.xl = x};
    sheet__parser_new(&w.x);
    XML_SetStartElementHandler(w.x.p, wb_start);
    int rc = sheet__parse_part(x, "xl/workbook.xml", "工作簿（workbook.xml）", &w.x, err);
    XML_ParserFree(w.x.p);
    if (rc < 0)
        return rc;
    if (rc == 0 && w.rid[0]) {
        struct wb_ctx r = {.xl = x};
        memcpy(r.rid, w.rid, sizeof(r.rid));
        sheet__parser_new(&r.x);
        XML_SetStartElementHandler(r.x.p, rels_start);
        rc = sheet__parse_part(x, "xl/_rels/workbook.xml.rels", "工作簿关系表（workbook.xml.rels）",
                               &r.x, err);
        XML_ParserFree(r.x.p);
        if (rc < 0)
            return rc;
        if (r.target[0])
            resolve_target(r.target, x->sheet_path, sizeof(x->sheet_path));
    }
    if (!x->sheet_path[0])
        sheet__copy_str(x->sheet_path, sizeof(x->sheet_path), "xl/worksheets/sheet1.xml");
    return 0;
}

/* ---- shared strings ---- */

struct ss_ctx {
    struct sheet__xctx x;
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
    const char *l = sheet__local_name(name);
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
    const char *l = sheet__local_name(name);
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
        sheet__bomb(&c->x.err, "共享字符串表");
        sheet__handler_fail(&c->x, ZW_EMEDIA);
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

int sheet__read_shared_strings(struct sheet__xlsx *x, struct error *err)
{
    struct ss_ctx c = {.xl = x};
    ss_push_offset(x); /* ss_off[0] = 0 */
    x->ss_off[0] = 0;
    sheet__parser_new(&c.x);
    XML_SetElementHandler(c.x.p, ss_start, ss_end);
    XML_SetCharacterDataHandler(c.x.p, ss_text);
    int rc = sheet__parse_part(x, "xl/sharedStrings.xml", "共享字符串表（sharedStrings.xml）", &c.x,
                               err);
    XML_ParserFree(c.x.p);
    return rc < 0 ? rc : 0;
}

/* ---- styles: which cell formats show dates ---- */

struct st_ctx {
    struct sheet__xctx x;
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

long sheet__parse_long(const char *s, long max)
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
    const char *l = sheet__local_name(name);
    if (strcmp(l, "numFmt") == 0 && !c->in_xfs) {
        long id = sheet__parse_long(sheet__attr(atts, "numFmtId"), 1000000);
        const char *code = sheet__attr(atts, "formatCode");
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
        long id = sheet__parse_long(sheet__attr(atts, "numFmtId"), 1000000);
        c->xf_ids[c->nxf++] = id < 0 ? 0 : id;
    }
}

static void XMLCALL st_end(void *ud, const XML_Char *name)
{
    struct st_ctx *c = ud;
    if (sheet__is(name, "cellXfs")) {
        c->in_xfs = false;
        c->x.stop_ok = true;
        XML_StopParser(c->x.p, XML_FALSE);
    }
}

int sheet__read_styles(struct sheet__xlsx *x, struct error *err)
{
    struct st_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        log_fatal("sheet: out of memory");
    sheet__parser_new(&c->x);
    XML_SetElementHandler(c->x.p, st_start, st_end);
    int rc = sheet__parse_part(x, "xl/styles.xml", "样式表（styles.xml）", &c->x, err);
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
