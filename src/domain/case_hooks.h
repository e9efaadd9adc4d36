/*
 * case_hooks.h - what a domain module does when a case of a given type takes
 * a transition or reaches a state: identification decided -> the household is
 * monitored; 低保 approved -> the household is enrolled; and checks the
 * definition language cannot say (two verifiers differ).
 *
 * Hooks are registered at start, before any request (the table is not
 * locked), each for a case type and a transition code or a target state (NULL
 * = any).  cases_act runs the matching hooks in registration order after the
 * case was moved, in the action's transaction: a hook that fails refuses the
 * action (its error is the reply) and the transaction is rolled back, so it
 * changes nothing.
 */
#ifndef ZW_CASE_HOOKS_H
#define ZW_CASE_HOOKS_H

#include "casedef.h"
#include "domain.h"

/* c is the case as it is after the transition (state = to); ud is the registration's. */
typedef int (*case_hook_fn)(struct zctx *z, const struct case_type *t, const struct case_row *c,
                            const char *transition, void *ud, struct error *err);

struct case_hook {
    const char *type;       /* case type code */
    const char *transition; /* transition code, or NULL for any */
    const char *to_state;   /* target state code, or NULL for any */
    case_hook_fn fn;
    void *ud; /* borrowed for the life of the process */
};

/* Adds a hook (strings borrowed, static); ZW_EINVAL when the table (32) is full. */
int case_hooks_add(const struct case_hook *h);
/* Removes every hook (tests, shutdown). */
void case_hooks_clear(void);
/* Runs the hooks matching type, transition and c->state; the first failure is returned. */
int case_hooks_run(struct zctx *z, const struct case_type *t, const struct case_row *c,
                   const char *transition, struct error *err);

#endif
