/*
 * services.h - the public service catalogue (defs/services.json): what a
 * resident may file without an account, through the portal or Open311, and
 * which case type and category each becomes.
 *
 * Loaded and checked once at start, after the case types: a service naming
 * an unknown type, category or answer field, a petition (petitions are not
 * taken online), a repeated code or an unknown key refuses the start with a
 * Chinese message.  Everything is allocated from the caller's arena.
 */
#ifndef ZW_SERVICES_H
#define ZW_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "casedef.h"
#include "error.h"

struct service {
    const char *code;        /* string code, [0-9A-Za-z_-], at most 32 */
    const char *name;        /* Chinese */
    const char *description; /* Chinese */
    const char *group;       /* Chinese */
    const char **keywords;
    size_t nkeywords;
    const struct case_type *type; /* the case type it becomes */
    const char *category;         /* a category of type */
    const char *answer_field;     /* the type's text field that is the public answer */
    /*
     * "listed": false: filed only through another screen (an objection to a
     * public notice): not in the catalogue, not filed directly, not in the
     * Open311 lists; its requests are tracked and answered all the same.
     */
    bool unlisted;
};

struct services {
    struct service *v;
    size_t n;
};

/* Parses and checks the catalogue text against types.  name is used in messages. */
int services_parse(const char *name, const char *text, size_t len, const struct case_types *types,
                   struct arena *a, struct services *out, struct error *err);
/* Reads and checks path; a missing file is an error (the portal needs it). */
int services_load(const char *path, const struct case_types *types, struct arena *a,
                  struct services *out, struct error *err);
/* The service with code, or NULL. */
const struct service *services_find(const struct services *s, const char *code);
/* The same, if it is listed in the public catalogue (else NULL). */
const struct service *services_listed(const struct services *s, const char *code);

#endif
