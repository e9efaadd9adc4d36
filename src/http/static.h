/*
 * static.h - the built web UI, loaded into memory at start-up.
 *
 * Every regular file under the root is read once; a request is answered by
 * exact lookup of its path in that table, so no request path ever reaches
 * the file system (path traversal cannot happen by construction).  Hashed
 * assets (under /assets/) are cached by browsers for a year; everything else
 * is revalidated with its ETag.
 */
#ifndef ZW_STATIC_H
#define ZW_STATIC_H

#include <stddef.h>

#include "error.h"

struct static_file {
    char *path; /* "/assets/index-3f2a.js" */
    char *data;
    size_t len;
    const char *content_type;
    const char *cache_control;
    char etag[40];
};

struct static_site {
    struct static_file *files;
    size_t nfiles;
    size_t total;
};

/* Loads every file under root; returns 0 or a code (too large, unreadable). */
int static_load(struct static_site *site, const char *root, struct error *err);
/* The file for path, or NULL.  "/" maps to "/index.html". */
const struct static_file *static_find(const struct static_site *site, const char *path);
void static_release(struct static_site *site);
/* Content type by file name extension. */
const char *static_content_type(const char *path);

#endif
