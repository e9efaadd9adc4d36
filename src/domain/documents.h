/*
 * documents.h - the notices (文书) a procedure produces: templates in
 * defs/documents/<type>/<code>.html, checked at start, rendered into a
 * printable page when a case needs them, stored with the case and filed on
 * its timeline.  The format is documented in docs/case-types.md.
 *
 * A template is a restricted XHTML fragment (root <article>; h1, h2, p, div,
 * strong, br, table/tr/th/td; class from a fixed list) parsed with libxml2
 * once, at start, and compiled into literal text and placeholders, so that
 * rendering needs no parser and can only insert escaped values.
 */
#ifndef ZW_DOCUMENTS_H
#define ZW_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "casedef.h"
#include "domain.h"

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
/* Whether the template shows the requester's name. */
bool doc_template_names_requester(const struct doc_template *tpl);
/*
 * Loads and checks dir/<type>/<code>.html for every document of every type,
 * setting each type's templates.  Stops at the first problem: a missing
 * template, a file that is not the allowed XHTML, an unknown placeholder.
 */
int documents_load_dir(const char *dir, struct case_types *types, struct arena *a,
                       struct error *err);
/* The template's body with v filled in (HTML-escaped); arena-owned, *len set if not NULL. */
char *doc_render(const struct doc_template *tpl, const struct doc_values *v, struct arena *a,
                 size_t *len);
/* A complete printable XHTML page (A4 print stylesheet) around body; arena-owned. */
char *doc_page(const char *title, const char *body, struct arena *a);
/* An instant's Asia/Shanghai date as "2026年11月23日". */
void doc_format_date(int64_t instant, char out[32]);

/*
 * Issues document di of type t for case c in the caller's transaction:
 * renders it with the case's current values, stores it, files a timeline
 * entry of kind "document" and writes the audit row.  action is the
 * transition that required it (NULL on demand), comment its comment,
 * clock the clock it extended (-1 if none).  *id gets the document's id.
 */
int documents_issue(struct zctx *z, const struct case_type *t, const struct case_row *c, int di,
                    const char *action, const char *comment, int clock, int64_t *id,
                    struct error *err);
/* Index of document code in t, or -1. */
int documents_find(const struct case_type *t, const char *code);

/*
 * Issues document code of case case_id on demand (the case in the caller's
 * scope, else ZW_ENOTFOUND; a code the type does not declare is ZW_EINVAL
 * on "code"; a document naming a confidential requester the caller may not
 * see is ZW_EFORBIDDEN).  *out is the stored document (with its html).
 */
int documents_create(struct zctx *z, const struct case_types *types, int64_t case_id,
                     const char *code, const char *comment, struct case_document *out,
                     struct error *err);
/* The documents of case case_id (in scope), oldest first; *c gets the case. */
int documents_list(struct zctx *z, int64_t case_id, struct case_row *c,
                   struct case_document **items, size_t *n, struct error *err);
/* Whether the caller may read d, a document of case c. */
bool documents_readable(const struct zctx *z, const struct case_row *c,
                        const struct case_document *d);
/* Document id of case case_id with its html, if the caller may read it (ZW_EFORBIDDEN if not). */
int documents_get(struct zctx *z, int64_t case_id, int64_t id, struct case_row *c,
                  struct case_document *out, struct error *err);

#endif
