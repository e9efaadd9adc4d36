/*
 * report_template.h - work report templates (defs/reports/<code>.md): Chinese
 * prose in headings and paragraphs with indicator placeholders such as
 * {{poverty_exit_households}} or {{health_aid_yuan|万元|1}}, checked against
 * the indicators at start; a template is evaluated for an area and a year
 * into a report (JSON: its blocks and spans, every figure with its
 * indicator), which renders as HTML (figures linked to their records),
 * DOCX and PDF.  See docs/reports.md.
 */
#ifndef ZW_REPORT_TEMPLATE_H
#define ZW_REPORT_TEMPLATE_H

#include <jansson.h>

#include "buf.h"
#include "domain.h"
#include "indicators.h"

enum rt_block_kind { RT_H1, RT_H2, RT_H3, RT_P };
enum rt_span_kind { RT_TEXT, RT_VALUE, RT_YEAR, RT_NEXT_YEAR, RT_AREA };

struct rt_span {
    int kind;         /* enum rt_span_kind */
    const char *text; /* RT_TEXT */
    int ind;          /* RT_VALUE: the indicator */
    const char *unit; /* RT_VALUE: the unit shown instead of the indicator's, or NULL */
    int decimals;     /* RT_VALUE: decimals shown instead of the indicator's, or -1 */
};

struct rt_block {
    int kind; /* enum rt_block_kind */
    struct rt_span *spans;
    size_t n;
};

struct report_template {
    const char *code, *name; /* the file's name without .md; its first heading */
    struct rt_block *blocks;
    size_t n;
    size_t nvalues; /* placeholders of indicators, for the progress */
};

struct report_templates {
    struct report_template *v;
    size_t n;
};

/*
 * Parses a template's text; name is the file's for messages ("reports/x.md"),
 * code its code.  A bad template is refused with the file and line.
 */
int report_template_parse(const char *name, const char *code, const char *text, size_t len,
                          const struct indicators *d, struct arena *a, struct report_template *out,
                          struct error *err);
/* Every defs_dir/reports/<code>.md (none: an empty list). */
int report_templates_load(const char *defs_dir, const struct indicators *d, struct arena *a,
                          struct report_templates *out, struct error *err);
const struct report_template *report_template_find(const struct report_templates *t,
                                                   const char *code);

/* Called after each figure with how many are done of how many. */
typedef void (*report_progress_fn)(void *arg, long done, long total);

/*
 * Evaluates t for the area subtree (path, name) and year as z->who (who
 * must read every indicator the template uses): *out is
 * {title, template, year, area:{id,name}, blocks:[{kind, spans:[{text, code?}]}]}.
 */
int report_evaluate(struct zctx *z, const struct report_template *t, const struct indicators *d,
                    int64_t area_id, const char *path, const char *area_name, int year,
                    report_progress_fn progress, void *arg, json_t **out, struct error *err);

/* A report as an HTML page; links: every figure links to /indicators/<code>/records. */
int report_html(const json_t *report, bool links, struct buf *out);
/* A report as a DOCX (OOXML written with libzip): *data arena-owned. */
int report_docx(const json_t *report, struct arena *a, char **data, size_t *len, struct error *err);
/* A report as a PDF (doc_pdf.c): *data arena-owned. */
int report_pdf(const json_t *report, struct arena *a, char **data, size_t *len, struct error *err);

#endif
