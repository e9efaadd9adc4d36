/* doc_template.c - notice templates: check, compile and render; see doc_template.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "calendar.h"
#include "doc_template.h"
#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "banned.h"

/* What a placeholder with nothing to show renders as: a line to fill by hand. */
#define BLANK "________"

static const char *const ph_names[DP_NSIMPLE] = {
    "serial",   "title",      "content", "type", "document", "town",     "area",     "requester",
    "assignee", "registered", "date",    "user", "comment",  "deadline", "category",
};

enum { SEG_TEXT, SEG_SIMPLE, SEG_CLOCK, SEG_FIELD, SEG_NAME, SEG_COL, SEG_ROWS, SEG_ROWS_END };

struct doc_seg {
    int kind;
    int arg; /* enum doc_ph, clock or field index */
    const char *text;
    size_t len;
};

struct doc_template {
    struct doc_seg *segs;
    size_t nsegs;
    bool names_requester;
};

/* ---- checking and compiling ---------------------------------------------- */

enum el_kind { EL_BLOCK, EL_INLINE, EL_TABLE, EL_ROW, EL_CELL };

struct el_rule {
    const char *name;
    int kind;
    bool has_class;
};

static const struct el_rule elements[] = {
    {"h1", EL_BLOCK, true},   {"h2", EL_BLOCK, true},    {"p", EL_BLOCK, true},
    {"div", EL_BLOCK, true},  {"table", EL_TABLE, true}, {"tr", EL_ROW, false},
    {"th", EL_CELL, true},    {"td", EL_CELL, true},     {"strong", EL_INLINE, false},
    {"br", EL_INLINE, false},
};

static const char *const classes[] = {"center",   "right",  "sign", "indent",
                                      "noindent", "serial", "small"};

struct comp {
    const char *name;
    const struct case_type *t;
    const struct doc_notice_spec *spec; /* a notice template: placeholders from here, not t */
    bool in_rows, had_rows;
    struct arena *a;
    struct error *err;
    struct buf lit;
    struct doc_seg *segs;
    size_t nsegs, cap;
    bool names_requester;
    int nh1;
};

static int fail(struct comp *c, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct comp *c, const xmlNode *n, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    utf8_trim_end(why);
    long line = n ? xmlGetLineNo(n) : 0;
    if (line > 0)
        return err_set(c->err, ZW_EINVAL, NULL, "文书模板 %s 第 %ld 行：%s", c->name, line, why);
    return err_set(c->err, ZW_EINVAL, NULL, "文书模板 %s：%s", c->name, why);
}

/* At most max bytes of s (max < 64) for a message, not cutting a character in two. */
static const char *clip(char out[64], const char *s, size_t max)
{
    snprintf(out, 64, "%.*s", (int)max, s);
    utf8_trim_end(out);
    return out;
}

static void push_seg(struct comp *c, int kind, int arg, const char *text, size_t len)
{
    if (c->nsegs == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 32;
        struct doc_seg *v = arena_alloc(c->a, ncap * sizeof(*v));
        if (c->nsegs)
            memcpy(v, c->segs, c->nsegs * sizeof(*v));
        c->segs = v;
        c->cap = ncap;
    }
    c->segs[c->nsegs++] = (struct doc_seg){.kind = kind, .arg = arg, .text = text, .len = len};
}

static void flush_lit(struct comp *c)
{
    if (!c->lit.len)
        return;
    push_seg(c, SEG_TEXT, 0, arena_strndup(c->a, c->lit.ptr, c->lit.len), c->lit.len);
    buf_reset(&c->lit);
}

/* Appends s[0..n) to b with & < > " ' escaped; newlines become <br/> when br. */
static void escape_into(struct buf *b, const char *s, size_t n, bool br)
{
    size_t start = 0; /* of the run of ordinary characters */
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '\r' && s[i] != '\n')
            continue;
        buf_add_xml(b, s + start, i - start);
        if (i < n && s[i] == '\n')
            buf_adds(b, br ? "<br/>" : "\n");
        start = i + 1;
    }
}

static int find_code_field(const struct case_type *t, const char *code)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].code, code) == 0)
            return (int)i;
    return -1;
}

static int find_code_clock(const struct case_type *t, const char *code)
{
    for (size_t i = 0; i < t->nclocks; i++)
        if (strcmp(t->clocks[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* A notice template's placeholder: a name of the spec, or col:<column> inside the rows line. */
static int notice_placeholder(struct comp *c, const xmlNode *n, const char *name)
{
    char c1[64];
    for (size_t i = 0; i < c->spec->nnames; i++)
        if (strcmp(name, c->spec->names[i]) == 0) {
            push_seg(c, SEG_NAME, (int)i, NULL, 0);
            return 0;
        }
    if (strncmp(name, "col:", 4) == 0) {
        for (size_t i = 0; i < c->spec->ncols; i++)
            if (strcmp(name + 4, c->spec->cols[i]) == 0) {
                if (!c->in_rows)
                    return fail(c, n, "列占位符 {{%s}} 只能放在 <tr class=\"rows\"> 中",
                                clip(c1, name, 48));
                push_seg(c, SEG_COL, (int)i, NULL, 0);
                return 0;
            }
        return fail(c, n, "这类公示没有列“%s”（可用的列只有白名单中的列）", clip(c1, name + 4, 40));
    }
    return fail(c, n, "未知的占位符 {{%s}}", clip(c1, name, 48));
}

/* One placeholder's name (between the braces); adds its segment. */
static int placeholder(struct comp *c, const xmlNode *n, const char *s, size_t len)
{
    char name[72], c1[64], c2[64];
    if (len == 0 || len >= sizeof(name))
        return fail(c, n, "占位符 {{…}} 为空或过长");
    memcpy(name, s, len);
    name[len] = '\0';
    if (c->spec)
        return notice_placeholder(c, n, name);
    for (int i = 0; i < DP_NSIMPLE; i++)
        if (strcmp(name, ph_names[i]) == 0) {
            if (i == DP_REQUESTER)
                c->names_requester = true;
            push_seg(c, SEG_SIMPLE, i, NULL, 0);
            return 0;
        }
    if (strncmp(name, "field:", 6) == 0) {
        int fi = find_code_field(c->t, name + 6);
        if (fi < 0)
            return fail(c, n, "办件类型“%s”没有字段“%s”（占位符 {{%s}}）", c->t->code,
                        clip(c1, name + 6, 40), clip(c2, name, 48));
        push_seg(c, SEG_FIELD, fi, NULL, 0);
        return 0;
    }
    if (strncmp(name, "deadline:", 9) == 0) {
        int ci = find_code_clock(c->t, name + 9);
        if (ci < 0)
            return fail(c, n, "办件类型“%s”没有计时“%s”（占位符 {{%s}}）", c->t->code,
                        clip(c1, name + 9, 40), clip(c2, name, 48));
        push_seg(c, SEG_CLOCK, ci, NULL, 0);
        return 0;
    }
    return fail(c, n, "未知的占位符 {{%s}}", clip(c1, name, 48));
}

/* Text content: literal parts escaped, {{placeholders}} compiled. */
static int text(struct comp *c, const xmlNode *n, const char *s)
{
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        const char *open = strstr(s + i, "{{");
        size_t upto = open ? (size_t)(open - s) : len;
        escape_into(&c->lit, s + i, upto - i, false);
        if (!open)
            break;
        const char *close = strstr(open + 2, "}}");
        if (!close)
            return fail(c, n, "占位符 {{ 没有对应的 }}");
        flush_lit(c);
        int rc = placeholder(c, n, open + 2, (size_t)(close - open - 2));
        if (rc)
            return rc;
        i = (size_t)(close + 2 - s);
    }
    return 0;
}

static bool is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static const struct el_rule *rule_of(const xmlNode *n)
{
    for (size_t i = 0; i < sizeof(elements) / sizeof(elements[0]); i++)
        if (strcmp((const char *)n->name, elements[i].name) == 0)
            return &elements[i];
    return NULL;
}

/* Checks an element's attributes and writes its start tag. */
static int start_tag(struct comp *c, const xmlNode *n, const struct el_rule *r)
{
    const char *cls = NULL, *colspan = NULL, *rowspan = NULL;
    char clipped[64];
    for (const xmlAttr *at = n->properties; at; at = at->next) {
        const char *an = (const char *)at->name;
        const xmlNode *v = at->children;
        const char *val = v && v->type == XML_TEXT_NODE && !v->next ? (const char *)v->content : "";
        if (at->ns)
            return fail(c, n, "<%s> 不允许带命名空间的属性", r->name);
        if (strcmp(an, "class") == 0 && r->has_class) {
            cls = val;
        } else if (strcmp(an, "class") == 0 && c->spec && r->kind == EL_ROW &&
                   strcmp(val, "rows") == 0) {
            /* the repeated line of a notice: handled by children() */
        } else if (r->kind == EL_CELL && strcmp(an, "colspan") == 0) {
            colspan = val;
        } else if (r->kind == EL_CELL && strcmp(an, "rowspan") == 0) {
            rowspan = val;
        } else {
            return fail(c, n, "<%s> 不允许属性“%s”", r->name, clip(clipped, an, 32));
        }
    }
    const char *span[2] = {colspan, rowspan};
    for (int k = 0; k < 2; k++)
        if (span[k] && !(strlen(span[k]) == 1 && span[k][0] >= '1' && span[k][0] <= '9'))
            return fail(c, n, "<%s> 的 %s 应为 1 至 9", r->name, k ? "rowspan" : "colspan");
    if (cls) {
        if (!*cls || strlen(cls) > 64)
            return fail(c, n, "<%s> 的 class 为空或过长", r->name);
        const char *p = cls;
        while (*p) {
            size_t w = strcspn(p, " ");
            bool ok = false;
            for (size_t i = 0; w && i < sizeof(classes) / sizeof(classes[0]); i++)
                ok |= strlen(classes[i]) == w && strncmp(p, classes[i], w) == 0;
            if (!ok)
                return fail(c, n,
                            "<%s> 的 class “%s” 不在允许的列表中（center、right、sign、indent、"
                            "noindent、serial、small）",
                            r->name, clip(clipped, p, w > 32 ? 32 : w));
            p += w;
            p += strspn(p, " ");
        }
    }
    buf_addf(&c->lit, "<%s", r->name);
    if (cls)
        buf_addf(&c->lit, " class=\"%s\"", cls);
    if (colspan)
        buf_addf(&c->lit, " colspan=\"%s\"", colspan);
    if (rowspan)
        buf_addf(&c->lit, " rowspan=\"%s\"", rowspan);
    buf_adds(&c->lit, strcmp(r->name, "br") == 0 ? "/>" : ">");
    return 0;
}

/* May an element of kind child appear inside parent (NULL: the article)? */
static bool allowed_in(const struct el_rule *parent, const struct el_rule *child)
{
    if (!parent)
        return child->kind == EL_BLOCK || child->kind == EL_TABLE;
    switch (parent->kind) {
    case EL_BLOCK:
    case EL_CELL:
        return child->kind == EL_INLINE;
    case EL_INLINE: /* strong */
        return strcmp(child->name, "br") == 0;
    case EL_TABLE:
        return child->kind == EL_ROW;
    case EL_ROW:
        return child->kind == EL_CELL;
    }
    return false;
}

/* Whether a <tr> is a notice's repeated line: class="rows". */
static bool is_rows_line(const xmlNode *n)
{
    for (const xmlAttr *at = n->properties; at; at = at->next) {
        const xmlNode *v = at->children;
        if (strcmp((const char *)at->name, "class") == 0 && v && v->type == XML_TEXT_NODE &&
            !v->next && strcmp((const char *)v->content, "rows") == 0)
            return true;
    }
    return false;
}

static int children(struct comp *c, const xmlNode *parent, const struct el_rule *pr, int depth)
{
    char clipped[64];
    bool text_ok = pr && (pr->kind == EL_BLOCK || pr->kind == EL_CELL || pr->kind == EL_INLINE);
    for (const xmlNode *n = parent->children; n; n = n->next) {
        int rc = 0;
        switch (n->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE: {
            const char *s = n->content ? (const char *)n->content : "";
            if (text_ok)
                rc = text(c, n, s);
            else if (!is_blank(s))
                rc = fail(c, n, "文字不能直接放在 <%s> 中", pr ? pr->name : "article");
            else if (!pr)
                buf_addc(&c->lit, '\n');
            break;
        }
        case XML_COMMENT_NODE:
            break;
        case XML_ELEMENT_NODE: {
            const struct el_rule *r = rule_of(n);
            if (!r || n->ns || n->nsDef)
                return fail(c, n,
                            "不允许的元素 <%s>（只允许 h1、h2、p、div、strong、br、table、"
                            "tr、th、td）",
                            clip(clipped, (const char *)n->name, 32));
            if (!allowed_in(pr, r))
                return fail(c, n, "<%s> 不能放在 <%s> 中", r->name, pr ? pr->name : "article");
            if (strcmp(r->name, "h1") == 0)
                c->nh1++;
            if (strcmp(r->name, "br") == 0 && n->children)
                return fail(c, n, "<br> 应为空元素");
            bool rows = c->spec && r->kind == EL_ROW && is_rows_line(n);
            if (rows && c->had_rows)
                return fail(c, n, "模板只能有一行 <tr class=\"rows\">");
            if (rows) {
                flush_lit(c);
                push_seg(c, SEG_ROWS, 0, NULL, 0);
                c->in_rows = c->had_rows = true;
            }
            if ((rc = start_tag(c, n, r)))
                return rc;
            if (strcmp(r->name, "br") == 0)
                break;
            if (depth > 8)
                return fail(c, n, "元素嵌套过深");
            if ((rc = children(c, n, r, depth + 1)))
                return rc;
            buf_addf(&c->lit, "</%s>", r->name);
            if (rows) {
                flush_lit(c);
                push_seg(c, SEG_ROWS_END, 0, NULL, 0);
                c->in_rows = false;
            }
            break;
        }
        default:
            return fail(c, n, "模板中不允许处理指令、实体引用等（节点类型 %d）", (int)n->type);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int parse(struct comp *cin, const char *text_in, size_t len, const struct doc_template **out)
{
    struct comp c = *cin;
    const char *name = c.name;
    struct arena *a = c.a;
    struct error *err = c.err;
    if (len > ZW_MAX_TEMPLATE_BYTES)
        return fail(&c, NULL, "文件超过 %d KB", ZW_MAX_TEMPLATE_BYTES / 1024);
    if (!jsonx_utf8_valid(text_in, len))
        return fail(&c, NULL, "不是有效的 UTF-8 文本");
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text_in, (int)len, name, "UTF-8",
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    int rc = 0;
    if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char why[120] = "";
        size_t k = 0;
        for (const char *p = e && e->message ? e->message : ""; *p && k + 1 < sizeof(why); p++)
            if (*p != '\n')
                why[k++] = (unsigned char)*p < 0x80 ? *p : '?';
        why[k] = '\0';
        rc = err_set(err, ZW_EINVAL, NULL, "文书模板 %s 第 %d 行不是规范的 XHTML：%s", name,
                     e ? e->line : 0, why);
        goto out_doc;
    }
    if (doc->intSubset || doc->extSubset) {
        rc = fail(&c, NULL, "模板不允许 DOCTYPE 声明");
        goto out_doc;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "article") != 0 || root->properties || root->ns ||
        root->nsDef) {
        rc = fail(&c, root, "模板的根元素应为不带属性的 <article>");
        goto out_doc;
    }
    for (const xmlNode *n = doc->children; n; n = n->next)
        if (n != root && n->type != XML_COMMENT_NODE) {
            rc = fail(&c, n, "<article> 之外不允许其他内容");
            goto out_doc;
        }
    if ((rc = children(&c, root, NULL, 0)))
        goto out_doc;
    if (c.nh1 != 1) {
        rc = fail(&c, root, "模板应有且只有一个标题 <h1>（现有 %d 个）", c.nh1);
        goto out_doc;
    }
    if (c.spec && !c.had_rows) {
        rc = fail(&c, root, "公示模板应有一个表格行 <tr class=\"rows\">（每条记录一行）");
        goto out_doc;
    }
    flush_lit(&c);
    struct doc_template *tpl = arena_calloc(a, 1, sizeof(*tpl));
    tpl->segs = c.segs;
    tpl->nsegs = c.nsegs;
    tpl->names_requester = c.names_requester;
    *out = tpl;
out_doc:
    buf_release(&c.lit);
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

int doc_template_parse(const char *name, const char *text_in, size_t len, const struct case_type *t,
                       struct arena *a, const struct doc_template **out, struct error *err)
{
    struct comp c = {.name = name, .t = t, .a = a, .err = err};
    return parse(&c, text_in, len, out);
}

int doc_template_parse_notice(const char *name, const char *text, size_t len,
                              const struct doc_notice_spec *spec, struct arena *a,
                              const struct doc_template **out, struct error *err)
{
    struct comp c = {.name = name, .spec = spec, .a = a, .err = err};
    return parse(&c, text, len, out);
}

bool doc_template_names_requester(const struct doc_template *tpl)
{
    return tpl->names_requester;
}

int doc_template_load_dir(const char *dir, struct case_types *types, struct arena *a,
                          struct error *err)
{
    xmlInitParser();
    for (size_t i = 0; i < types->n; i++) {
        struct case_type *t = &types->v[i];
        t->templates = arena_calloc(a, t->ndocuments + 1, sizeof(*t->templates));
        for (size_t k = 0; k < t->ndocuments; k++) {
            char name[160], path[2048];
            snprintf(name, sizeof(name), "%s/%s.html", t->code, t->documents[k].code);
            snprintf(path, sizeof(path), "%s/%s", dir, name);
            struct buf b = {.max = ZW_MAX_TEMPLATE_BYTES + 1};
            int rc = buf_read_file(&b, path);
            if (rc == ZW_ENOTFOUND) {
                buf_release(&b);
                return err_set(err, ZW_EINVAL, NULL,
                               "缺少文书模板 %s：办件类型“%s”声明了文书“%s”（%s）", name, t->code,
                               t->documents[k].name, t->documents[k].code);
            }
            if (!rc)
                rc = doc_template_parse(name, b.ptr ? b.ptr : "", b.len, t, a, &t->templates[k],
                                        err);
            else
                rc = err_set(err, ZW_EINVAL, NULL, "文书模板 %s：文件超过 %d KB", name,
                             ZW_MAX_TEMPLATE_BYTES / 1024);
            buf_release(&b);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- rendering ------------------------------------------------------------ */

char *doc_render(const struct doc_template *tpl, const struct doc_values *v, struct arena *a,
                 size_t *len)
{
    struct buf b = {0};
    for (size_t i = 0; i < tpl->nsegs; i++) {
        const struct doc_seg *s = &tpl->segs[i];
        const char *val = NULL;
        switch (s->kind) {
        case SEG_TEXT:
            buf_add(&b, s->text, s->len);
            continue;
        case SEG_SIMPLE:
            val = v->simple[s->arg];
            break;
        case SEG_CLOCK:
            val = v->clocks ? v->clocks[s->arg] : NULL;
            break;
        case SEG_FIELD:
            val = v->fields ? v->fields[s->arg] : NULL;
            break;
        default: /* notice segments: not in a case template */
            continue;
        }
        if (val && *val)
            escape_into(&b, val, strlen(val), true);
        else
            buf_adds(&b, BLANK);
    }
    char *out = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
    if (len)
        *len = b.len;
    buf_release(&b);
    return out;
}

char *doc_render_notice(const struct doc_template *tpl, const char *const *names,
                        const char *const *cells, size_t nrows, size_t ncols, struct arena *a,
                        size_t *len)
{
    struct buf b = {0};
    size_t rows_at = 0, row = 0;
    for (size_t i = 0; i < tpl->nsegs; i++) {
        const struct doc_seg *s = &tpl->segs[i];
        const char *val = NULL;
        switch (s->kind) {
        case SEG_TEXT:
            buf_add(&b, s->text, s->len);
            continue;
        case SEG_NAME:
            val = names[s->arg];
            break;
        case SEG_COL:
            val = cells[row * ncols + (size_t)s->arg];
            break;
        case SEG_ROWS:
            row = 0;
            rows_at = i;
            if (nrows == 0) /* skip the line */
                while (i + 1 < tpl->nsegs && tpl->segs[i + 1].kind != SEG_ROWS_END)
                    i++;
            continue;
        case SEG_ROWS_END:
            if (nrows && ++row < nrows) {
                i = rows_at; /* the line again, for the next row */
                continue;
            }
            row = 0;
            continue;
        default:
            continue;
        }
        if (val && *val)
            escape_into(&b, val, strlen(val), true);
    }
    char *out = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
    if (len)
        *len = b.len;
    buf_release(&b);
    return out;
}

/*
 * The print stylesheet: A4, GB/T 9704 margins (top 37 mm, bottom 35 mm,
 * left 28 mm, right 26 mm), body in 3号 仿宋 (16 pt, 28 characters a line,
 * about 22 lines a page), the title in 2号 小标宋 (22 pt), level-1 headings
 * in 黑体; the Noto CJK fonts where the Windows ones are missing.
 */
static const char page_css[] =
    "@page{size:A4;margin:37mm 26mm 35mm 28mm}"
    "html{background:#fff}"
    "body{margin:0;color:#000;font-family:FangSong,'仿宋','仿宋_GB2312','Noto Serif CJK SC',"
    "'Noto Serif CJK',serif;font-size:16pt;line-height:28.95pt}"
    "article{display:block}"
    "h1{font-family:'方正小标宋简体','FZXiaoBiaoSong-B05S','Noto Serif CJK SC',serif;"
    "font-weight:bold;font-size:22pt;line-height:1.5;text-align:center;margin:0 0 14pt}"
    "h2{font-family:SimHei,'黑体','Noto Sans CJK SC',sans-serif;font-weight:normal;"
    "font-size:16pt;margin:0;text-indent:2em}"
    "p{margin:0;text-indent:2em;text-align:justify}"
    "div{margin:0}"
    ".indent{text-indent:2em}.noindent{text-indent:0}"
    ".center,.serial{text-align:center;text-indent:0}"
    ".right{text-align:right;text-indent:0}"
    ".sign{text-align:right;text-indent:0;margin-top:2em}"
    ".small{font-size:14pt}"
    "table{border-collapse:collapse;width:100%;margin:6pt 0;font-size:14pt;line-height:1.5}"
    "th,td{border:1px solid #000;padding:3pt 6pt;text-align:left;vertical-align:top}"
    "th{font-family:SimHei,'黑体','Noto Sans CJK SC',sans-serif;font-weight:normal}"
    "@media screen{html{background:#e8e8e8}body{padding:10mm 0}"
    "article{background:#fff;width:210mm;min-height:297mm;margin:0 auto;"
    "padding:37mm 26mm 35mm 28mm;box-sizing:border-box;box-shadow:0 0 4mm rgba(0,0,0,.25)}}";

char *doc_page(const char *title, const char *body, struct arena *a)
{
    struct buf b = {0};
    buf_adds(&b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"zh-CN\">"
                 "<head><meta charset=\"utf-8\"/><title>");
    escape_into(&b, title, strlen(title), false);
    buf_addf(&b, "</title><style>%s</style></head>\n<body>\n<article>\n", page_css);
    buf_adds(&b, body);
    buf_adds(&b, "\n</article>\n</body>\n</html>\n");
    char *out = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
    buf_release(&b);
    return out;
}

void doc_format_date(int64_t instant, char out[32])
{
    int ymd = cal_local_ymd(instant);
    snprintf(out, 32, "%d年%d月%d日", ymd / 10000, ymd / 100 % 100, ymd % 100);
}
