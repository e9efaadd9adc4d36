/*
 * router.h - matching a method and a path against a table of routes.
 *
 * A pattern is a path whose segments are literals or "{name}" parameters,
 * e.g. "/api/v1/users/{id}".  A parameter matches exactly one non-empty
 * segment.  Matching is exact: no prefix matches, no trailing-slash
 * tolerance, no wildcards.  The table is scanned in order; the first route
 * whose pattern and method match wins.
 */
#ifndef ZW_ROUTER_H
#define ZW_ROUTER_H

#include <stddef.h>

#include "limits.h"

struct http_req;

typedef void (*route_fn)(struct http_req *req, const void *data);

struct route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/users/{id}" */
    route_fn fn;
    const void *data; /* handed to fn: the API layer's descriptor */
    size_t max_body;  /* a larger body cap than the server's (uploads); 0 = the server's */
};

struct route_param {
    const char *name; /* points into the pattern, not NUL-terminated */
    size_t name_len;
    const char *value; /* points into the path, not NUL-terminated */
    size_t value_len;
};

struct route_match {
    const struct route *route;
    size_t nparams;
    struct route_param params[ZW_MAX_PATH_PARAMS];
};

enum { ROUTE_FOUND = 0, ROUTE_NO_PATH = -1, ROUTE_NO_METHOD = -2 };

/*
 * Matches method + path (NUL-terminated, without query string) against
 * routes[0..n).  Returns ROUTE_FOUND and fills *m, ROUTE_NO_METHOD when some
 * route's pattern matches but none with this method (HEAD matches GET), or
 * ROUTE_NO_PATH.
 */
int router_match(const struct route *routes, size_t n, const char *method, const char *path,
                 struct route_match *m);

/* The value of parameter name in m, copied into dst (NUL-terminated); NULL if absent or too long.
 */
const char *route_param_get(const struct route_match *m, const char *name, char *dst, size_t cap);

#endif
