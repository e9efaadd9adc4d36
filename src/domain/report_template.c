/* report_template.c - work report templates, their evaluation and renderings; see
 * report_template.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "doc_pdf.h"
#include "report_template.h"
#include "jsonx.h"
#include "banned.h"

#define RT_EVAL_CHUNK 6 /* indicators evaluated between two reports of progress */
#define RT_MAX_FILE   (256 * 1024)
#define RT_MAX_SPANS  4096 /* of a template, all blocks together */

/* ---- parsing ------------------------------------------------------------------ */

struct pctx {
    const char *name;
    const struct indicators *d;
    struct arena *a;
    struct error *err;
    int line;
    struct rt_block *blocks;
    size_t nblocks, capblocks;
    struct rt_span *spans; /* of the open block */
    size_t nspans, capspans, total;
    int open; /* kind of the open block, or -1 */
    size_t nvalues;
};

static int pfail(struct pctx *c, const char *fmt, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
    return err_set(c->err, ZW_EINVAL, NULL, "报告模板 %s 第 %d 行：%s", c->name, c->line, msg);
}

static int add_span(struct pctx *c, const struct rt_span *s)
{
    if (++c->total > RT_MAX_SPANS)
        return pfail(c, "内容过多（最多 %s 段）", "4096");
    if (c->nspans == c->capspans) {
        size_t cap = c->capspans ? 2 * c->capspans : 16;
        struct rt_span *v = arena_calloc(c->a, cap, sizeof(*v));
        if (c->nspans)
            memcpy(v, c->spans, c->nspans * sizeof(*v));
        c->spans = v;
        c->capspans = cap;
    }
    c->spans[c->nspans++] = *s;
    return 0;
}

/* Closes the open block, if any. */
static void close_block(struct pctx *c)
{
    if (c->open < 0)
        return;
    if (c->nblocks == c->capblocks) {
        size_t cap = c->capblocks ? 2 * c->capblocks : 16;
        struct rt_block *v = arena_calloc(c->a, cap, sizeof(*v));
        if (c->nblocks)
            memcpy(v, c->blocks, c->nblocks * sizeof(*v));
        c->blocks = v;
        c->capblocks = cap;
    }
    c->blocks[c->nblocks++] = (struct rt_block){c->open, c->spans, c->nspans};
    c->spans = NULL;
    c->nspans = c->capspans = 0;
    c->open = -1;
}

/* One placeholder's inside (s, n bytes): code[|unit[|decimals]]. */
static int placeholder(struct pctx *c, const char *s, size_t n)
{
    char in[200];
    if (n >= sizeof(in))
        return pfail(c, "占位符过长", NULL);
    memcpy(in, s, n);
    in[n] = '\0';
    char *parts[4] = {in, NULL, NULL, NULL};
    int np = 1;
    for (char *p = in; *p; p++)
        if (*p == '|') {
            if (np == 3)
                return pfail(c, "占位符“{{%s}}”应为 {{指标代码|单位|小数位数}}", in);
            *p = '\0';
            parts[np++] = p + 1;
        }
    for (int k = 0; k < np; k++) { /* trim spaces */
        while (*parts[k] == ' ')
            parts[k]++;
        char *e = parts[k] + strlen(parts[k]);
        while (e > parts[k] && e[-1] == ' ')
            *--e = '\0';
    }
    struct rt_span sp = {.kind = RT_VALUE, .ind = -1, .decimals = -1};
    const char *code = parts[0];
    if (strcmp(code, "year") == 0 || strcmp(code, "next_year") == 0 || strcmp(code, "area") == 0) {
        if (np > 1)
            return pfail(c, "“{{%s}}”不带单位和小数位数", code);
        sp.kind = code[0] == 'y' ? RT_YEAR : code[0] == 'n' ? RT_NEXT_YEAR : RT_AREA;
        return add_span(c, &sp);
    }
    if ((sp.ind = indicators_find(c->d, code)) < 0)
        return pfail(c, "未知指标“%s”（见 defs/indicators/）", code);
    const struct indicator *ind = &c->d->v[sp.ind];
    if (np > 1 && parts[1][0]) {
        const char *u = parts[1];
        if (strlen(u) > 24 || strpbrk(u, "<>&{}\"'"))
            return pfail(c, "单位“%s”无效", u);
        if ((indicators_unit_scale(u) > 1) != (ind->scale > 1))
            return pfail(c,
                         ind->scale > 1 ? "金额指标的单位应为 元、万元 或 亿元，不是“%s”"
                                        : "非金额指标不能改用金额单位“%s”",
                         u);
        sp.unit = arena_strdup(c->a, u);
    }
    if (np > 2) {
        const char *dd = parts[2];
        if (strlen(dd) != 1 || dd[0] < '0' || dd[0] > '6')
            return pfail(c, "小数位数应为 0 至 6，不是“%s”", dd);
        sp.decimals = dd[0] - '0';
    }
    c->nvalues++;
    return add_span(c, &sp);
}

/* The spans of one line's text (s, n bytes) into the open block. */
static int spans_of(struct pctx *c, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        const char *open = NULL, *close = NULL;
        for (const char *p = s; p + 1 < end && !open && !close; p++) {
            if (p[0] == '{' && p[1] == '{')
                open = p;
            else if (p[0] == '}' && p[1] == '}')
                close = p;
        }
        if (close)
            return pfail(c, "多余的“}}”", NULL);
        const char *text_end = open ? open : end;
        if (text_end > s) {
            struct rt_span t = {.kind = RT_TEXT,
                                .text = arena_strndup(c->a, s, (size_t)(text_end - s)),
                                .ind = -1,
                                .decimals = -1};
            int rc = add_span(c, &t);
            if (rc)
                return rc;
        }
        if (!open)
            break;
        const char *body = open + 2, *q = NULL;
        for (const char *p = body; p + 1 < end && !q; p++)
            if (p[0] == '}' && p[1] == '}')
                q = p;
        if (!q)
            return pfail(c, "“{{”没有配对的“}}”", NULL);
        int rc = placeholder(c, body, (size_t)(q - body));
        if (rc)
            return rc;
        s = q + 2;
    }
    return 0;
}

int report_template_parse(const char *name, const char *code, const char *text, size_t len,
                          const struct indicators *d, struct arena *a, struct report_template *out,
                          struct error *err)
{
    memset(out, 0, sizeof(*out));
    struct pctx c = {.name = name, .d = d, .a = a, .err = err, .open = -1};
    if (len > RT_MAX_FILE)
        return err_set(err, ZW_ETOOBIG, NULL, "报告模板 %s 过大", name);
    if (!jsonx_utf8_valid(text, len))
        return err_set(err, ZW_EINVAL, NULL, "报告模板 %s 不是 UTF-8 编码的文本文件", name);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\r' && text[i] != '\t')
            return err_set(err, ZW_EINVAL, NULL, "报告模板 %s 含有控制字符（第 %zu 字节）", name,
                           i + 1);
    const char *p = text, *end = text + len;
    int rc = 0;
    while (!rc && p < end) {
        c.line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r')
            n--;
        const char *s = p;
        p = nl ? nl + 1 : end;
        size_t lead = 0;
        while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
            lead++;
        if (lead == n) {
            close_block(&c);
            continue;
        }
        if (s[0] == '%') /* a comment */
            continue;
        int level = 0;
        while (level < (int)n && s[level] == '#')
            level++;
        if (level > 0) {
            if (level > 3 || level >= (int)n || s[level] != ' ') {
                rc = pfail(&c, "标题应写作“# 标题”“## 标题”或“### 标题”", NULL);
                break;
            }
            close_block(&c);
            c.open = level == 1 ? RT_H1 : level == 2 ? RT_H2 : RT_H3;
            rc = spans_of(&c, s + level + 1, n - (size_t)level - 1);
            close_block(&c);
            continue;
        }
        if (c.open < 0)
            c.open = RT_P;
        rc = spans_of(&c, s + lead, n - lead);
    }
    if (rc)
        return rc;
    close_block(&c);
    if (!c.nblocks || c.blocks[0].kind != RT_H1)
        return err_set(err, ZW_EINVAL, NULL, "报告模板 %s：应以“# 标题”开始", name);
    struct buf title = {0};
    for (size_t i = 0; i < c.blocks[0].n; i++)
        if (c.blocks[0].spans[i].kind == RT_TEXT && buf_adds(&title, c.blocks[0].spans[i].text))
            break;
    out->name = arena_strdup(a, title.ptr ? title.ptr : code);
    buf_release(&title);
    out->code = arena_strdup(a, code);
    out->blocks = c.blocks;
    out->n = c.nblocks;
    out->nvalues = c.nvalues;
    return 0;
}

static int md_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 3 && strcmp(e->d_name + n - 3, ".md") == 0;
}

int report_templates_load(const char *defs_dir, const struct indicators *d, struct arena *a,
                          struct report_templates *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    char dir[1100];
    snprintf(dir, sizeof(dir), "%s/reports", defs_dir);
    struct dirent **files = NULL;
    int nf = scandir(dir, &files, md_file, alphasort);
    if (nf <= 0) {
        free(files);
        return 0;
    }
    out->v = arena_calloc(a, (size_t)nf, sizeof(*out->v));
    int rc = 0;
    for (int f = 0; f < nf; f++) {
        const char *fn = files[f]->d_name;
        size_t cl = strlen(fn) - 3;
        char code[64];
        if (!rc &&
            (cl >= sizeof(code) || strspn(fn, "abcdefghijklmnopqrstuvwxyz0123456789_-") != cl))
            rc = err_set(err, ZW_EINVAL, NULL,
                         "报告模板 reports/%s：文件名应为小写字母、数字、-、_ 加 .md", fn);
        if (!rc) {
            snprintf(code, sizeof(code), "%.*s", (int)cl, fn);
            char path[1400];
            snprintf(path, sizeof(path), "%s/%s", dir, fn);
            struct buf b = {.max = RT_MAX_FILE};
            if ((rc = buf_read_file(&b, path)))
                rc = err_set(err, rc, NULL, "无法读取报告模板 %s（或文件过大）", path);
            else
                rc = report_template_parse(arena_printf(a, "reports/%s", fn), code,
                                           b.ptr ? b.ptr : "", b.len, d, a, &out->v[out->n], err);
            if (!rc)
                out->n++;
            buf_release(&b);
        }
        free(files[f]);
    }
    free(files);
    return rc;
}

const struct report_template *report_template_find(const struct report_templates *t,
                                                   const char *code)
{
    for (size_t i = 0; code && t && i < t->n; i++)
        if (strcmp(t->v[i].code, code) == 0)
            return &t->v[i];
    return NULL;
}

/* ---- evaluation ----------------------------------------------------------------- */

static const char *const BLOCK_KINDS[] = {"h1", "h2", "h3", "p"};

/* Appends text to the spans array, merged with a text span before it. */
static void add_text(json_t *spans, const char *text)
{
    size_t n = json_array_size(spans);
    json_t *last = n ? json_array_get(spans, n - 1) : NULL;
    if (last && !json_object_get(last, "code")) {
        char *joined = NULL;
        const char *prev = json_string_value(json_object_get(last, "text"));
        size_t a = strlen(prev), b = strlen(text);
        joined = malloc(a + b + 1);
        if (!joined)
            return;
        memcpy(joined, prev, a);
        memcpy(joined + a, text, b + 1);
        json_object_set_new(last, "text", json_string(joined));
        free(joined);
        return;
    }
    json_array_append_new(spans, json_pack("{s:s}", "text", text));
}

int report_evaluate(struct zctx *z, const struct report_template *t, const struct indicators *d,
                    int64_t area_id, const char *path, const char *area_name, int year,
                    report_progress_fn progress, void *arg, json_t **out, struct error *err)
{
    *out = NULL;
    char ys[8];
    snprintf(ys, sizeof(ys), "%d", year);
    struct ind_period p;
    int rc = indicators_period(ys, &p, err);
    if (rc)
        return err_set(err, ZW_EINVAL, "year", "年度应为 1950 至 2100 年");
    for (size_t b = 0; b < t->n; b++)
        for (size_t s = 0; s < t->blocks[b].n; s++) {
            const struct rt_span *sp = &t->blocks[b].spans[s];
            if (sp->kind == RT_VALUE && !indicators_may(z->who, d, sp->ind))
                return err_set(err, ZW_EFORBIDDEN, NULL, "无权查看报告所用的指标“%s”",
                               d->v[sp->ind].name);
        }
    /*
     * The indicators the template uses, a few at a time (those over one entity
     * in one scan); the progress counts the placeholders whose figure is known.
     */
    struct ind_value *cache = arena_calloc(z->arena, d->n ? d->n : 1, sizeof(*cache));
    long *uses = arena_calloc(z->arena, d->n ? d->n : 1, sizeof(*uses));
    int *idx = arena_calloc(z->arena, d->n ? d->n : 1, sizeof(*idx));
    size_t nidx = 0;
    for (size_t b = 0; b < t->n; b++)
        for (size_t s = 0; s < t->blocks[b].n; s++) {
            const struct rt_span *sp = &t->blocks[b].spans[s];
            if (sp->kind == RT_VALUE && uses[sp->ind]++ == 0)
                idx[nidx++] = sp->ind;
        }
    struct ind_value got[RT_EVAL_CHUNK];
    long known = 0;
    for (size_t k = 0; k < nidx; k += RT_EVAL_CHUNK) {
        size_t m = nidx - k < RT_EVAL_CHUNK ? nidx - k : RT_EVAL_CHUNK;
        if ((rc = indicators_eval_many(z, d, idx + k, m, path, &p, got, err)))
            return rc;
        for (size_t j = 0; j < m; j++) {
            cache[idx[k + j]] = got[j];
            known += uses[idx[k + j]];
        }
        if (progress)
            progress(arg, known, (long)t->nvalues);
    }
    json_t *blocks = json_array();
    for (size_t b = 0; !rc && b < t->n; b++) {
        json_t *spans = json_array();
        for (size_t s = 0; !rc && s < t->blocks[b].n; s++) {
            const struct rt_span *sp = &t->blocks[b].spans[s];
            char num[32];
            switch (sp->kind) {
            case RT_TEXT:
                add_text(spans, sp->text);
                break;
            case RT_YEAR:
            case RT_NEXT_YEAR:
                snprintf(num, sizeof(num), "%d", sp->kind == RT_YEAR ? year : year + 1);
                add_text(spans, num);
                break;
            case RT_AREA:
                add_text(spans, area_name);
                break;
            default: {
                struct indicator shown = d->v[sp->ind];
                if (sp->unit) {
                    shown.unit = sp->unit;
                    shown.scale = indicators_unit_scale(sp->unit);
                }
                if (sp->decimals >= 0)
                    shown.decimals = sp->decimals;
                char text[48];
                indicators_format(&shown, cache[sp->ind].num, cache[sp->ind].den, text);
                json_array_append_new(spans, json_pack("{s:s, s:s, s:s}", "text", text, "code",
                                                       shown.code, "name", shown.name));
            }
            }
        }
        json_array_append_new(blocks, json_pack("{s:s, s:o}", "kind",
                                                BLOCK_KINDS[t->blocks[b].kind], "spans", spans));
    }
    if (rc) {
        json_decref(blocks);
        return rc;
    }
    *out = json_pack("{s:s, s:s, s:i, s:s, s:{s:I, s:s}, s:o}", "title", t->name, "template",
                     t->code, "year", year, "period", ys, "area", "id", (json_int_t)area_id, "name",
                     area_name, "blocks", blocks);
    return *out ? 0 : err_set(err, ZW_ENOMEM, NULL, "内存不足");
}

/* ---- HTML ------------------------------------------------------------------------ */

static int esc(struct buf *b, const char *s)
{
    return buf_add_xml(b, s, strlen(s));
}

static const char *text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

int report_html(const json_t *report, bool links, struct buf *out)
{
    const char *period = text_of(report, "period");
    json_int_t area = json_integer_value(json_object_get(json_object_get(report, "area"), "id"));
    int rc =
        buf_adds(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                      "<title>") ||
        esc(out, text_of(report, "title")) ||
        buf_adds(out, "</title><style>body{font-family:'FangSong','Noto Serif CJK SC',serif;"
                      "max-width:46em;margin:2em auto;line-height:1.9;font-size:16pt}"
                      "h1{text-align:center;font-size:22pt}h2,h3{font-family:'SimHei','Noto Sans "
                      "CJK SC',sans-serif;font-size:16pt}p{text-indent:2em;margin:0}"
                      "a.figure{color:#1d4ed8;text-decoration:none;border-bottom:1px dotted}"
                      "</style></head><body><article class=\"report\">\n");
    size_t bi;
    json_t *b;
    json_array_foreach(json_object_get(report, "blocks"), bi, b)
    {
        const char *kind = text_of(b, "kind");
        rc = rc || buf_addf(out, "<%s>", kind);
        size_t si;
        json_t *s;
        json_array_foreach(json_object_get(b, "spans"), si, s)
        {
            const char *code = json_string_value(json_object_get(s, "code"));
            if (code && links)
                rc = rc || buf_addf(out, "<a class=\"figure\" data-code=\"%s\" title=\"", code) ||
                     esc(out, text_of(s, "name")) ||
                     buf_addf(out, "\" href=\"/indicators/%s/records?period=%s&amp;areaId=%lld\">",
                              code, period, (long long)area) ||
                     esc(out, text_of(s, "text")) || buf_adds(out, "</a>");
            else
                rc = rc || esc(out, text_of(s, "text"));
        }
        rc = rc || buf_addf(out, "</%s>\n", kind);
    }
    return rc || buf_adds(out, "</article></body></html>\n");
}

int report_pdf(const json_t *report, struct arena *a, char **data, size_t *len, struct error *err)
{
    struct buf h = {0};
    int rc = report_html(report, false, &h);
    if (rc) {
        buf_release(&h);
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    }
    rc = doc_pdf_render(h.ptr, h.len, a, data, len, err);
    buf_release(&h);
    return rc;
}

/* ---- DOCX ------------------------------------------------------------------------ */

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "</Types>";

static const char ROOT_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

static const char DOC_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>";

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define FONTS(f)                                                                                   \
    "<w:rFonts w:ascii=\"" f "\" w:eastAsia=\"" f "\" w:hAnsi=\"" f "\" w:cs=\"" f "\"/>"
/* 三号 = 16 pt = 32 half-points; 二号 = 22 pt; fixed 28 pt lines (560 twips). */
static const char STYLES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles " W_NS ">"
    "<w:docDefaults><w:rPrDefault><w:rPr>" FONTS(
        "仿宋") "<w:sz w:val=\"32\"/>"
                "<w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" "
                "w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>"
                "<w:pPrDefault><w:pPr><w:spacing w:line=\"560\" w:lineRule=\"exact\"/></w:pPr>"
                "</w:pPrDefault></w:docDefaults>"
                "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
                "w:val=\"Normal\"/>"
                "<w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc "
                "w:val=\"both\"/></w:pPr>"
                "</w:style>"
                "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
                "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:before=\"0\" w:after=\"560\" "
                "w:line=\"760\" w:lineRule=\"exact\"/><w:ind w:firstLineChars=\"0\" "
                "w:firstLine=\"0\"/>"
                "<w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" FONTS(
                    "方正小标宋简体") "<w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>"
                                      "<w:style w:type=\"paragraph\" "
                                      "w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
                                      "<w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl "
                                      "w:val=\"0\"/></w:pPr><w:rPr>" FONTS(
                                          "黑体") "</w:rPr></w:style>"
                                                  "<w:style w:type=\"paragraph\" "
                                                  "w:styleId=\"Heading2\"><w:name w:val=\"heading "
                                                  "2\"/>"
                                                  "<w:basedOn "
                                                  "w:val=\"Normal\"/><w:pPr><w:outlineLvl "
                                                  "w:val=\"1\"/></w:pPr><w:rPr>" FONTS(
                                                      "楷体") "<w:b/></w:rPr></w:style>"
                                                              "</w:styles>";

static const char *const DOCX_STYLES[] = {"Title", "Heading1", "Heading2", NULL};

static int docx_document(const json_t *report, struct buf *b)
{
    int rc = buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                         "<w:document " W_NS "><w:body>");
    size_t bi;
    json_t *blk;
    json_array_foreach(json_object_get(report, "blocks"), bi, blk)
    {
        const char *kind = text_of(blk, "kind");
        int k = kind[0] == 'h' ? kind[1] - '1' : 3;
        rc = rc || buf_adds(b, "<w:p>");
        if (k >= 0 && k < 3 && DOCX_STYLES[k])
            rc = rc || buf_addf(b, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", DOCX_STYLES[k]);
        size_t si;
        json_t *s;
        json_array_foreach(json_object_get(blk, "spans"), si, s) rc =
            rc || buf_adds(b, "<w:r><w:t xml:space=\"preserve\">") || esc(b, text_of(s, "text")) ||
            buf_adds(b, "</w:t></w:r>");
        rc = rc || buf_adds(b, "</w:p>");
    }
    /* A4; GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (twips). */
    return rc || buf_adds(b, "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
                             "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" "
                             "w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>"
                             "</w:sectPr></w:body></w:document>");
}

static int zip_add_text(zip_t *z, const char *name, const char *text, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, text, len, 0);
    if (!s)
        return -1;
    if (zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free(s);
        return -1;
    }
    return 0;
}

int report_docx(const json_t *report, struct arena *a, char **data, size_t *len, struct error *err)
{
    *data = NULL;
    *len = 0;
    struct buf doc = {0};
    if (docx_document(report, &doc)) {
        buf_release(&doc);
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    int rc = 0;
    if (!z) {
        if (src)
            zip_source_free(src);
        rc = -1;
    } else {
        zip_source_keep(src);
        rc = zip_add_text(z, "[Content_Types].xml", CONTENT_TYPES, sizeof(CONTENT_TYPES) - 1) ||
             zip_add_text(z, "_rels/.rels", ROOT_RELS, sizeof(ROOT_RELS) - 1) ||
             zip_add_text(z, "word/_rels/document.xml.rels", DOC_RELS, sizeof(DOC_RELS) - 1) ||
             zip_add_text(z, "word/styles.xml", STYLES, sizeof(STYLES) - 1) ||
             zip_add_text(z, "word/document.xml", doc.ptr, doc.len);
        if (rc || zip_close(z) < 0) {
            zip_discard(z);
            rc = -1;
        }
        zip_stat_t st;
        if (!rc && zip_source_open(src) == 0) {
            if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
                *data = arena_alloc(a, st.size + 1);
                zip_int64_t got = zip_source_read(src, *data, st.size);
                rc = got == (zip_int64_t)st.size ? 0 : -1;
                *len = (size_t)st.size;
            } else {
                rc = -1;
            }
            zip_source_close(src);
        } else {
            rc = -1;
        }
        zip_source_free(src);
    }
    zip_error_fini(&ze);
    buf_release(&doc);
    return rc ? err_set(err, ZW_EINTERNAL, NULL, "未能生成 DOCX 文件") : 0;
}
