/*
 * documents.h - the notices (文书) a procedure produces, issued on cases: the
 * case's template (doc_template.h) rendered with its current values into a
 * printable page, stored with the case (case_documents), filed on its
 * timeline and audited; and read back within the case's scope, a document
 * naming a confidential requester only by those who may see the requester.
 */
#ifndef ZW_DOCUMENTS_H
#define ZW_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "casedef.h"
#include "doc_template.h"
#include "domain.h"

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
