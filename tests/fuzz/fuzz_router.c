/*
 * fuzz_router.c - libFuzzer target for router_match (src/http/router.c).
 *
 * Input: "METHOD PATH": the bytes before the first space are the method, the
 * rest is the path (an input without a space is a GET of the whole input);
 * both stop at a NUL byte, as the HTTP layer hands over C strings.  The
 * result is checked against a plain split-on-'/' reference matcher over the
 * same realistic route table, and every parameter is checked to point into
 * the path, be non-empty and hold no '/'.  Any disagreement aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "limits.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct route fuzz_routes[] = {
    {"GET", "/", NULL, NULL, 0},
    {"GET", "/healthz", NULL, NULL, 0},
    {"POST", "/api/v1/session", NULL, NULL, 0},
    {"DELETE", "/api/v1/session", NULL, NULL, 0},
    {"GET", "/api/v1/me", NULL, NULL, 0},
    {"POST", "/api/v1/me/password", NULL, NULL, 0},
    {"GET", "/api/v1/permissions", NULL, NULL, 0},
    {"GET", "/api/v1/roles", NULL, NULL, 0},
    {"POST", "/api/v1/roles", NULL, NULL, 0},
    {"GET", "/api/v1/roles/{id}", NULL, NULL, 0},
    {"PATCH", "/api/v1/roles/{id}", NULL, NULL, 0},
    {"GET", "/api/v1/users", NULL, NULL, 0},
    {"POST", "/api/v1/users", NULL, NULL, 0},
    {"GET", "/api/v1/users/{id}", NULL, NULL, 0},
    {"PATCH", "/api/v1/users/{id}", NULL, NULL, 0},
    {"POST", "/api/v1/users/{id}/password", NULL, NULL, 0},
    {"GET", "/api/v1/areas", NULL, NULL, 0},
    {"POST", "/api/v1/areas", NULL, NULL, 0},
    {"GET", "/api/v1/areas/{id}", NULL, NULL, 0},
    {"PATCH", "/api/v1/areas/{id}", NULL, NULL, 0},
    {"GET", "/api/v1/audit", NULL, NULL, 0},
    {"GET", "/api/v1/settings/security", NULL, NULL, 0},
    {"PATCH", "/api/v1/settings/security", NULL, NULL, 0},
    {"GET", "/api/v1/calendar/add", NULL, NULL, 0},
    {"GET", "/api/v1/calendar/{year}", NULL, NULL, 0},
    {"PUT", "/api/v1/calendar/days/{date}", NULL, NULL, 0},
    {"DELETE", "/api/v1/calendar/days/{date}", NULL, NULL, 0},
    {"GET", "/api/v1/households/{hid}/members/{pid}", NULL, NULL, 0},
    /* At and past the parameter cap. */
    {"GET", "/x/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", NULL, NULL, 0},
    {"GET", "/y/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", NULL, NULL, 0},
};

#define NROUTES (sizeof(fuzz_routes) / sizeof(fuzz_routes[0]))

/* Length of the segment starting at s (up to '/' or NUL). */
static size_t seg_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '/')
        n++;
    return n;
}

/* Reference: split both on '/', compare segment by segment. */
static bool ref_match(const char *pat, const char *path)
{
    if (pat[0] != '/' || path[0] != '/')
        return pat[0] == '\0' && path[0] == '\0';
    size_t nparams = 0;
    for (;;) {
        pat++;
        path++;
        size_t pl = seg_len(pat), sl = seg_len(path);
        if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
            if (sl == 0 || ++nparams > ZW_MAX_PATH_PARAMS)
                return false;
        } else if (pl != sl || memcmp(pat, path, pl) != 0) {
            return false;
        }
        pat += pl;
        path += sl;
        if (*pat == '\0' || *path == '\0')
            return *pat == '\0' && *path == '\0';
    }
}

static int ref_router(const char *method, const char *path, size_t *index)
{
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    bool seen = false;
    for (size_t i = 0; i < NROUTES; i++) {
        if (!ref_match(fuzz_routes[i].pattern, path))
            continue;
        seen = true;
        if (strcmp(fuzz_routes[i].method, want) == 0) {
            *index = i;
            return ROUTE_FOUND;
        }
    }
    return seen ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}

static void check_match(const struct route_match *m, const char *path)
{
    size_t plen = strlen(path);
    if (m->nparams > ZW_MAX_PATH_PARAMS)
        abort();
    for (size_t i = 0; i < m->nparams; i++) {
        const struct route_param *p = &m->params[i];
        if (p->value < path || p->value + p->value_len > path + plen || p->value_len == 0)
            abort();
        if (memchr(p->value, '/', p->value_len) || p->value[-1] != '/')
            abort();
        if (p->name[-1] != '{' || p->name[p->name_len] != '}')
            abort();
        char name[64], value[ZW_MAX_URL_BYTES + 1];
        if (p->name_len >= sizeof(name))
            abort();
        memcpy(name, p->name, p->name_len);
        name[p->name_len] = '\0';
        const char *v = route_param_get(m, name, value, sizeof(value));
        /* The first parameter of that name answers; in this table names are unique per route. */
        if (!v || strlen(v) != p->value_len || memcmp(v, p->value, p->value_len) != 0)
            abort();
        if (route_param_get(m, name, value, p->value_len) != NULL)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The HTTP layer refuses longer URLs before routing. */
    if (size > ZW_MAX_URL_BYTES + 16)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    if (size)
        memcpy(buf, data, size);
    buf[size] = '\0';
    const char *method = "GET", *path = buf;
    char *sp = memchr(buf, ' ', size);
    if (sp) {
        *sp = '\0';
        method = buf;
        path = sp + 1;
    }

    struct route_match m;
    int rc = router_match(fuzz_routes, NROUTES, method, path, &m);
    size_t want_index = 0;
    int want = ref_router(method, path, &want_index);
    if (rc != want)
        abort();
    if (rc == ROUTE_FOUND) {
        if (m.route != &fuzz_routes[want_index])
            abort();
        check_match(&m, path);
    }
    free(buf);
    return 0;
}
