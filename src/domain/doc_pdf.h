/*
 * doc_pdf.h - a stored notice (文书) as PDF: the printable XHTML page that
 * documents.c renders, laid out with pango and drawn on a cairo PDF surface
 * (A4, GB/T 9704 margins, Noto Serif CJK SC / Noto Sans CJK SC, headings
 * centred, paginated, page numbers "— N —").
 *
 * Only the template subset is understood (h1, h2, h3, p, div, strong, br,
 * table/tr/th/td and their classes); anything else is drawn as plain text.
 * Renderings are serialised (one font map for the process).
 */
#ifndef ZW_DOC_PDF_H
#define ZW_DOC_PDF_H

#include <stddef.h>

#include "arena.h"
#include "error.h"

/* Renders html (len bytes) into *pdf (arena-owned, *len_out bytes).  Returns 0 or a code. */
int doc_pdf_render(const char *html, size_t len, struct arena *a, char **pdf, size_t *len_out,
                   struct error *err);

/* Frees the font map and the font caches; call once when no rendering can run any more. */
void doc_pdf_shutdown(void);

#endif
