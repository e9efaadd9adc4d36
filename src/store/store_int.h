/* store_int.h - helpers shared by the store_*.c files; not for other layers. */
#ifndef ZW_STORE_INT_H
#define ZW_STORE_INT_H

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "limits.h"
#include "store.h"

/* Copies a column's text (NULL -> "") into a fixed buffer, truncating. */
static inline void st_copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

/* Arena copy of a column's text; NULL stays NULL. */
static inline const char *st_dup(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

/*
 * The array v (arena-owned, *cap elements of size bytes) when it has room for
 * element n, else a copy twice as large; *cap follows.  For result lists read
 * row by row.
 */
static inline void *st_grow(struct arena *a, void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    void *nv = arena_alloc(a, 2 * *cap * size);
    memcpy(nv, v, *cap * size);
    *cap *= 2;
    return nv;
}

/* q with LIKE's wildcards (% _ \\) escaped by a backslash, for "... ESCAPE '\\'"; arena-owned. */
static inline const char *st_like_escape(struct arena *a, const char *q)
{
    if (!q)
        return NULL;
    size_t len = strlen(q);
    char *out = arena_alloc(a, 2 * len + 1), *p = out;
    for (size_t i = 0; i < len; i++) {
        if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
            *p++ = '\\';
        *p++ = q[i];
    }
    *p = '\0';
    return out;
}

/* The path prefix a scope allows ("/" for SCOPE_ALL). */
static inline const char *scope_prefix(const struct scope *sc)
{
    return sc->kind == SCOPE_ALL || !sc->path ? "/" : sc->path;
}

/* The single area a SCOPE_AREA user is limited to, 0 for the others. */
static inline int64_t scope_only_area(const struct scope *sc)
{
    return sc->kind == SCOPE_AREA ? sc->area_id : 0;
}

/* The columns store__audit_read expects, in order. */
#define AUDIT_COLS                                                                                 \
    "id, at, COALESCE(user_id, 0), username, ip, action, entity, entity_id, before_json, "         \
    "after_json, prev_hash, hash "

/* Reads one audit row selected with AUDIT_COLS; strings arena-owned. */
void store__audit_read(struct db_stmt *st, struct arena *a, struct audit_rec *r);

#endif
