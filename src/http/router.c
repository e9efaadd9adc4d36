/* router.c - method + path pattern matching; see router.h. */
#include <string.h>

#include "router.h"
#include "banned.h"

/* Matches one pattern against path; fills params.  Returns 1 on match. */
static int pattern_match(const char *pat, const char *path, struct route_match *m)
{
    m->nparams = 0;
    for (;;) {
        if (*pat != '/' || *path != '/')
            return *pat == '\0' && *path == '\0';
        pat++;
        path++;
        const char *pend = strchr(pat, '/');
        const char *send = strchr(path, '/');
        size_t plen = pend ? (size_t)(pend - pat) : strlen(pat);
        size_t slen = send ? (size_t)(send - path) : strlen(path);
        if (plen >= 2 && pat[0] == '{' && pat[plen - 1] == '}') {
            if (slen == 0 || m->nparams == ZW_MAX_PATH_PARAMS)
                return 0;
            struct route_param *p = &m->params[m->nparams++];
            p->name = pat + 1;
            p->name_len = plen - 2;
            p->value = path;
            p->value_len = slen;
        } else if (plen != slen || memcmp(pat, path, plen) != 0) {
            return 0;
        }
        pat += plen;
        path += slen;
    }
}

int router_match(const struct route *routes, size_t n, const char *method, const char *path,
                 struct route_match *m)
{
    int path_seen = 0;
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (size_t i = 0; i < n; i++) {
        struct route_match tmp;
        if (!pattern_match(routes[i].pattern, path, &tmp))
            continue;
        path_seen = 1;
        if (strcmp(routes[i].method, want) != 0)
            continue;
        *m = tmp;
        m->route = &routes[i];
        return ROUTE_FOUND;
    }
    return path_seen ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}

const char *route_param_get(const struct route_match *m, const char *name, char *dst, size_t cap)
{
    size_t nlen = strlen(name);
    for (size_t i = 0; i < m->nparams; i++) {
        const struct route_param *p = &m->params[i];
        if (p->name_len != nlen || memcmp(p->name, name, nlen) != 0)
            continue;
        if (p->value_len + 1 > cap)
            return NULL;
        memcpy(dst, p->value, p->value_len);
        dst[p->value_len] = '\0';
        return dst;
    }
    return NULL;
}
