/* case_hooks.c - domain hooks on case transitions; see case_hooks.h. */
#include <string.h>

#include "case_hooks.h"
#include "banned.h"

#define MAX_HOOKS 32

static struct case_hook hooks[MAX_HOOKS];
static size_t nhooks;

int case_hooks_add(const struct case_hook *h)
{
    if (nhooks >= MAX_HOOKS)
        return ZW_EINVAL;
    hooks[nhooks++] = *h;
    return 0;
}

void case_hooks_clear(void)
{
    nhooks = 0;
}

int case_hooks_run(struct zctx *z, const struct case_type *t, const struct case_row *c,
                   const char *transition, struct error *err)
{
    for (size_t i = 0; i < nhooks; i++) {
        const struct case_hook *h = &hooks[i];
        if (strcmp(h->type, t->code) != 0 ||
            (h->transition && strcmp(h->transition, transition) != 0) ||
            (h->to_state && strcmp(h->to_state, c->state) != 0))
            continue;
        int rc = h->fn(z, t, c, transition, h->ud, err);
        if (rc)
            return rc;
    }
    return 0;
}
