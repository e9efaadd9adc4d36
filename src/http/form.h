/*
 * form.h - application/x-www-form-urlencoded bodies (Open311 POST).
 *
 * "a=1&b=x+y&attribute%5Bvillage%5D=..." is split on '&' and '=', '+' read as
 * a space and %XX decoded.  Refused: more than ZW_MAX_FORM_PARAMS fields, a
 * bad %-escape, a decoded NUL.  Values are not checked for UTF-8 here (the
 * caller does, field by field).  Everything lives in the caller's arena.
 */
#ifndef ZW_FORM_H
#define ZW_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct http_form {
    size_t n;
    const char *names[64];
    const char *values[64];
};

/* Parses body[0..len) into f; returns false (f partly filled) on malformed input. */
bool http_form_parse(struct arena *a, const char *body, size_t len, struct http_form *f);
/* The first value of name, or NULL. */
const char *http_form_get(const struct http_form *f, const char *name);

#endif
