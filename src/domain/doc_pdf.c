/* doc_pdf.c - stored notices drawn as PDF with pango and cairo; see doc_pdf.h. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <libxml/HTMLparser.h>
#include <pango/pangocairo.h>

#include "buf.h"
#include "doc_pdf.h"
#include "limits.h"
#include "banned.h"

#define MM(x) ((x)*72.0 / 25.4)

static const double page_w = 595.2756, page_h = 841.8898;
static const double m_top = MM(37), m_bottom = MM(35), m_left = MM(28), m_right = MM(26);

#define SERIF      "Noto Serif CJK SC"
#define SANS       "Noto Sans CJK SC"
#define BODY_PT    16.0
#define TABLE_PT   14.0
#define LINE_SPACE 1.25 /* about 29 pt between baselines at 16 pt: 22 lines a page */

/*
 * From <fontconfig/fontconfig.h>, which cannot be included here: its
 * #include <limits.h> finds src/base/limits.h first on our include path.
 */
void FcFini(void);

static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map; /* created on first use, kept for the process */

struct pdf {
    cairo_t *cr;
    PangoContext *pc;
    double y; /* where the next block starts on the current page */
    int page;
    bool blank; /* nothing drawn on the current page yet */
};

/* ---- pages ----------------------------------------------------------------- */

static void footer(struct pdf *p)
{
    PangoLayout *l = pango_layout_new(p->pc);
    PangoFontDescription *fd = pango_font_description_from_string(SERIF " 14");
    char num[32];
    snprintf(num, sizeof(num), "— %d —", p->page);
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, num, -1);
    pango_layout_set_width(l, (int)((page_w - m_left - m_right) * PANGO_SCALE));
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    cairo_move_to(p->cr, m_left, page_h - m_bottom + MM(7));
    pango_cairo_show_layout(p->cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
}

static void new_page(struct pdf *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = m_top;
    p->blank = true;
}

/* ---- inline content -> pango markup ------------------------------------------ */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends text with whitespace collapsed (and dropped at a line start), escaped. */
static void add_text(struct buf *m, const char *s)
{
    for (; *s; s++) {
        if (is_space((unsigned char)*s)) {
            while (is_space((unsigned char)s[1]))
                s++;
            bool line_start = !m->len || m->ptr[m->len - 1] == ' ' ||
                              (m->len >= 3 && memcmp(m->ptr + m->len - 3, "\xe2\x80\xa8", 3) == 0);
            if (!line_start)
                buf_addc(m, ' ');
            continue;
        }
        switch (*s) {
        case '&':
            buf_adds(m, "&amp;");
            break;
        case '<':
            buf_adds(m, "&lt;");
            break;
        case '>':
            buf_adds(m, "&gt;");
            break;
        default:
            buf_addc(m, *s);
        }
    }
}

static void inline_markup(const xmlNode *n, struct buf *m)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            add_text(m, c->content ? (const char *)c->content : "");
        } else if (c->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)c->name;
            if (strcmp(name, "br") == 0) {
                while (m->len && m->ptr[m->len - 1] == ' ')
                    m->ptr[--m->len] = '\0';
                buf_adds(m, "\xe2\x80\xa8"); /* U+2028: a line break inside the paragraph */
            } else if (strcmp(name, "strong") == 0 || strcmp(name, "b") == 0) {
                buf_adds(m, "<b>");
                inline_markup(c, m);
                buf_adds(m, "</b>");
            } else {
                inline_markup(c, m);
            }
        }
    }
}

/* ---- blocks ------------------------------------------------------------------- */

struct style {
    const char *family;
    bool bold;
    double size;
    PangoAlignment align;
    bool justify;
    double indent_em;
    double before, after;
};

static bool has_class(const xmlNode *n, const char *cls)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"class");
    bool found = false;
    if (v) {
        size_t len = strlen(cls);
        for (const char *p = (const char *)v; *p;) {
            size_t w = strcspn(p, " ");
            found |= w == len && strncmp(p, cls, len) == 0;
            p += w;
            p += strspn(p, " ");
        }
        xmlFree(v);
    }
    return found;
}

static struct style style_of(const xmlNode *n)
{
    const char *name = (const char *)n->name;
    struct style s = {SERIF, false, BODY_PT, PANGO_ALIGN_LEFT, false, 0, 0, 0};
    if (strcmp(name, "h1") == 0) {
        s = (struct style){SERIF, true, 22, PANGO_ALIGN_CENTER, false, 0, 0, 14};
    } else if (strcmp(name, "h2") == 0) {
        s.family = SANS;
        s.indent_em = 2;
    } else if (strcmp(name, "h3") == 0) { /* the third level: the body's face, bold */
        s.bold = true;
        s.indent_em = 2;
    } else if (strcmp(name, "p") == 0) {
        s.justify = true;
        s.indent_em = 2;
    }
    if (has_class(n, "small"))
        s.size = TABLE_PT;
    if (has_class(n, "indent"))
        s.indent_em = 2;
    if (has_class(n, "noindent"))
        s.indent_em = 0;
    if (has_class(n, "center") || has_class(n, "serial")) {
        s.align = PANGO_ALIGN_CENTER;
        s.indent_em = 0;
        s.justify = false;
    }
    if (has_class(n, "right") || has_class(n, "sign")) {
        s.align = PANGO_ALIGN_RIGHT;
        s.indent_em = 0;
        s.justify = false;
    }
    if (has_class(n, "sign"))
        s.before = 2 * BODY_PT;
    return s;
}

static PangoLayout *make_layout(struct pdf *p, const xmlNode *n, const struct style *s,
                                double width)
{
    struct buf m = {0};
    inline_markup(n, &m);
    while (m.len && m.ptr[m.len - 1] == ' ')
        m.ptr[--m.len] = '\0';
    PangoLayout *l = pango_layout_new(p->pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, s->family);
    pango_font_description_set_weight(fd, s->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_size(fd, (int)(s->size * PANGO_SCALE));
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, s->align);
    pango_layout_set_justify(l, s->justify);
    pango_layout_set_indent(l, (int)(s->indent_em * s->size * PANGO_SCALE));
    pango_layout_set_line_spacing(l, LINE_SPACE);
    if (!pango_parse_markup(m.ptr ? m.ptr : "", -1, 0, NULL, NULL, NULL, NULL))
        pango_layout_set_text(l, m.ptr ? m.ptr : "", -1); /* cannot happen: we escaped it */
    else
        pango_layout_set_markup(l, m.ptr ? m.ptr : "", -1);
    buf_release(&m);
    return l;
}

/* Draws l line by line from p->y at x, moving to a new page when a line does not fit. */
static void flow_layout(struct pdf *p, PangoLayout *l, double x)
{
    double origin = p->y;
    double bottom = page_h - m_bottom;
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(it, NULL, &r);
        double top = (double)r.y / PANGO_SCALE, h = (double)r.height / PANGO_SCALE;
        if (origin + top + h > bottom && !(p->blank && origin + top <= m_top + 0.5)) {
            new_page(p);
            origin = m_top - top;
        }
        double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE, origin + baseline);
        pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
        p->blank = false;
        p->y = origin + top + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static void block(struct pdf *p, const xmlNode *n)
{
    struct style s = style_of(n);
    if (!p->blank)
        p->y += s.before;
    PangoLayout *l = make_layout(p, n, &s, page_w - m_left - m_right);
    flow_layout(p, l, m_left);
    g_object_unref(l);
    p->y += s.after;
}

static int span_of(const xmlNode *cell)
{
    xmlChar *v = xmlGetProp(cell, (const xmlChar *)"colspan");
    int n = v && v[0] >= '1' && v[0] <= '9' && !v[1] ? v[0] - '0' : 1;
    if (v)
        xmlFree(v);
    return n;
}

static bool is_cell(const xmlNode *c)
{
    return c->type == XML_ELEMENT_NODE &&
           (strcmp((const char *)c->name, "td") == 0 || strcmp((const char *)c->name, "th") == 0);
}

/* The rows of a table, looking through tbody/thead that the HTML parser may add. */
static void collect_rows(const xmlNode *n, const xmlNode **rows, size_t *nrows, size_t cap)
{
    for (const xmlNode *c = n->children; c && *nrows < cap; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "tr") == 0)
            rows[(*nrows)++] = c;
        else
            collect_rows(c, rows, nrows, cap);
    }
}

static void table(struct pdf *p, const xmlNode *t)
{
    const xmlNode *rows[256];
    size_t nrows = 0;
    collect_rows(t, rows, &nrows, 256);
    int ncols = 1;
    for (size_t i = 0; i < nrows; i++) {
        int k = 0;
        for (const xmlNode *c = rows[i]->children; c; c = c->next)
            if (is_cell(c))
                k += span_of(c);
        if (k > ncols)
            ncols = k;
    }
    const double width = page_w - m_left - m_right, pad = 4, colw = width / ncols;
    p->y += 6;
    for (size_t i = 0; i < nrows; i++) {
        PangoLayout *cells[64];
        double xs[64], ws[64], row_h = 0;
        int nc = 0, col = 0;
        for (const xmlNode *c = rows[i]->children; c && nc < 64; c = c->next) {
            if (!is_cell(c))
                continue;
            int span = span_of(c);
            if (col + span > ncols)
                span = ncols - col > 0 ? ncols - col : 1;
            struct style s = style_of(c);
            s.size = TABLE_PT;
            s.indent_em = 0;
            s.justify = false;
            if (strcmp((const char *)c->name, "th") == 0)
                s.family = SANS;
            xs[nc] = m_left + col * colw;
            ws[nc] = span * colw;
            cells[nc] = make_layout(p, c, &s, ws[nc] - 2 * pad);
            pango_layout_set_line_spacing(cells[nc], 0);
            int lw, lh;
            pango_layout_get_size(cells[nc], &lw, &lh);
            if ((double)lh / PANGO_SCALE + 2 * pad > row_h)
                row_h = (double)lh / PANGO_SCALE + 2 * pad;
            col += span;
            nc++;
        }
        if (p->y + row_h > page_h - m_bottom && !p->blank)
            new_page(p);
        cairo_set_line_width(p->cr, 0.75);
        for (int k = 0; k < nc; k++) {
            cairo_rectangle(p->cr, xs[k], p->y, ws[k], row_h);
            cairo_stroke(p->cr);
            cairo_move_to(p->cr, xs[k] + pad, p->y + pad);
            pango_cairo_show_layout(p->cr, cells[k]);
            g_object_unref(cells[k]);
        }
        /* cells missing at the end of a short row still get their border */
        if (col < ncols) {
            cairo_rectangle(p->cr, m_left + col * colw, p->y, (ncols - col) * colw, row_h);
            cairo_stroke(p->cr);
        }
        p->y += row_h;
        p->blank = false;
    }
    p->y += 6;
}

static const xmlNode *find_element(const xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
        const xmlNode *in = find_element(n->children, name);
        if (in)
            return in;
    }
    return NULL;
}

static void blocks(struct pdf *p, const xmlNode *parent)
{
    for (const xmlNode *n = parent->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (strcmp(name, "table") == 0)
            table(p, n);
        else if (strcmp(name, "style") == 0 || strcmp(name, "script") == 0 ||
                 strcmp(name, "head") == 0)
            continue;
        else
            block(p, n);
    }
}

/* ---- the document ------------------------------------------------------------- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    return buf_add(closure, data, length) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int doc_pdf_render(const char *html, size_t len, struct arena *a, char **pdf, size_t *len_out,
                   struct error *err)
{
    if (len > (size_t)ZW_MAX_PDF_BYTES)
        return err_set(err, ZW_ETOOBIG, NULL, "文书过大，无法生成 PDF");
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    if (!doc)
        return err_set(err, ZW_EINTERNAL, NULL, "文书内容无法解析，未能生成 PDF");
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *body = find_element(root, "article");
    if (!body)
        body = find_element(root, "body");
    struct buf out = {.max = ZW_MAX_PDF_BYTES};
    int rc = 0;

    pthread_mutex_lock(&render_lock);
    if (!font_map) {
        font_map = pango_cairo_font_map_new();
        /* Sizes in points: one cairo unit of a PDF surface is one point. */
        pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(font_map), 72.0);
    }
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_out, &out, page_w, page_h);
    cairo_t *cr = cairo_create(surface);
    PangoContext *pc = pango_font_map_create_context(font_map);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_context(cr, pc);
    cairo_set_source_rgb(cr, 0, 0, 0);

    struct pdf p = {.cr = cr, .pc = pc, .y = m_top, .page = 1, .blank = true};
    if (body)
        blocks(&p, body);
    footer(&p);
    cairo_show_page(cr);
    g_object_unref(pc);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    pthread_mutex_unlock(&render_lock);

    xmlFreeDoc(doc);
    if (st != CAIRO_STATUS_SUCCESS || !out.len) {
        rc = err_set(err, ZW_EINTERNAL, NULL, "生成 PDF 失败");
        err_detail(err, "cairo: %s", cairo_status_to_string(st));
    } else {
        *pdf = arena_alloc(a, out.len);
        memcpy(*pdf, out.ptr, out.len);
        *len_out = out.len;
    }
    buf_release(&out);
    return rc;
}

void doc_pdf_shutdown(void)
{
    pthread_mutex_lock(&render_lock);
    if (font_map) {
        g_object_unref(font_map);
        font_map = NULL;
        /* Drop the caches cairo and fontconfig keep for the process. */
        cairo_debug_reset_static_data();
        FcFini();
    }
    pthread_mutex_unlock(&render_lock);
}
