/*
 * jsonw.h - writing one flat JSON object straight into a struct buf.
 *
 * For the hot paths that store a snapshot as JSON text (a registry import
 * writes one per row): building a json_t and dumping it costs more than the
 * row's SQL.  Keys are ASCII literals written as given; string values are
 * escaped per RFC 8259 (they must be valid UTF-8, as every input is once
 * checked).  A NULL string and a zero id are left out, which readers treat as
 * empty.  Errors (the buffer's maximum) stick and are reported by jw_close.
 */
#ifndef ZW_JSONW_H
#define ZW_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct jsonw {
    struct buf *b;
    bool first;
    int rc;
};

/* Empties b and opens the object. */
void jw_open(struct jsonw *w, struct buf *b);
/* "key": "v", or nothing when v is NULL. */
void jw_str(struct jsonw *w, const char *key, const char *v);
void jw_int(struct jsonw *w, const char *key, int64_t v);
/* "key": v, or nothing when v is 0. */
void jw_id(struct jsonw *w, const char *key, int64_t v);
void jw_bool(struct jsonw *w, const char *key, bool v);
/* Closes the object: 0, or the buffer's error (ZW_ETOOBIG / ZW_ENOMEM). */
int jw_close(struct jsonw *w);

#endif
