/*
 * doc_template.h - notice (文书) templates: defs/documents/<type>/<code>.html,
 * restricted XHTML fragments (root <article>; h1, h2, p, div, strong, br,
 * table/tr/th/td; class from a fixed list; {{placeholders}} in text only),
 * parsed with libxml2 once, at start, and compiled into literal text and
 * placeholders, so that rendering needs no parser and can only insert
 * escaped values.  The format is documented in docs/case-types.md.
 */
#ifndef ZW_DOC_TEMPLATE_H
#define ZW_DOC_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "casedef.h"

/* The simple placeholders, by name: {{serial}} ... {{deadline}}. */
enum doc_ph {
    DP_SERIAL,     /* the case's serial number */
    DP_TITLE,      /* the case's title */
    DP_CONTENT,    /* what the requester asked */
    DP_TYPE,       /* the case type's name */
    DP_DOCUMENT,   /* the document's name */
    DP_TOWN,       /* the township's full name (羊市镇) */
    DP_AREA,       /* the case's area (灯塔村) */
    DP_REQUESTER,  /* the requester's name */
    DP_ASSIGNEE,   /* the case's assignee (承办人) */
    DP_REGISTERED, /* the registration date */
    DP_DATE,       /* the issue date */
    DP_USER,       /* the issuing officer */
    DP_COMMENT,    /* the action's comment */
    DP_DEADLINE,   /* due date of the clock the action extends (or the running one) */
    DP_CATEGORY,   /* the name of the case's category (救助项目 of a shared application) */
    DP_NSIMPLE
};

/* The values a rendering fills in (UTF-8, unescaped); NULL renders as a blank line. */
struct doc_values {
    const char *simple[DP_NSIMPLE];
    const char **clocks; /* per clock of the type: due date, or NULL */
    const char **fields; /* per field of the type: shown value, or NULL */
};

/*
 * Parses and checks one template of type t.  name (e.g. "petition/opinion.html")
 * is used in messages.  On success *out is arena-owned.  Returns 0 or
 * ZW_EINVAL with a Chinese message naming the file and line.
 */
int doc_template_parse(const char *name, const char *text, size_t len, const struct case_type *t,
                       struct arena *a, const struct doc_template **out, struct error *err);
/*
 * A public notice's template (defs/notices/<kind>.html) has no case type:
 * its placeholders are the names of spec ({{title}} ...) and, inside the one
 * repeated table line <tr class="rows">, the columns {{col:<name>}} of the
 * kind's whitelist.  Nothing outside the whitelist can be placed.
 */
struct doc_notice_spec {
    const char *const *names;
    size_t nnames;
    const char *const *cols;
    size_t ncols;
};
int doc_template_parse_notice(const char *name, const char *text, size_t len,
                              const struct doc_notice_spec *spec, struct arena *a,
                              const struct doc_template **out, struct error *err);
/*
 * A notice template's body: names[spec->nnames] and, for each of nrows rows,
 * cells[row * ncols + col] (HTML-escaped; NULL or "" renders empty).
 * Arena-owned, *len set if not NULL.
 */
char *doc_render_notice(const struct doc_template *tpl, const char *const *names,
                        const char *const *cells, size_t nrows, size_t ncols, struct arena *a,
                        size_t *len);
/* Whether the template shows the requester's name. */
bool doc_template_names_requester(const struct doc_template *tpl);
/*
 * Loads and checks dir/<type>/<code>.html for every document of every type,
 * setting each type's templates.  Stops at the first problem: a missing
 * template, a file that is not the allowed XHTML, an unknown placeholder.
 */
int doc_template_load_dir(const char *dir, struct case_types *types, struct arena *a,
                          struct error *err);
/* The template's body with v filled in (HTML-escaped); arena-owned, *len set if not NULL. */
char *doc_render(const struct doc_template *tpl, const struct doc_values *v, struct arena *a,
                 size_t *len);
/* A complete printable XHTML page (A4 print stylesheet) around body; arena-owned. */
char *doc_page(const char *title, const char *body, struct arena *a);
/* An instant's Asia/Shanghai date as "2026年11月23日". */
void doc_format_date(int64_t instant, char out[32]);

#endif
