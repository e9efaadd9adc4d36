/*
 * roles.h - roles: a set of permissions plus a data scope.
 *
 * Built-in roles are created by `zhenwu init` and cannot be changed through
 * the API.  Custom roles obey the grant rule of users.h: nobody creates a
 * role with a permission they lack or a scope wider than their own.
 */
#ifndef ZW_ROLES_H
#define ZW_ROLES_H

#include "domain.h"
#include "limits.h"

struct role_input {
    const char *code, *name, *scope;
    const char **perms;
    size_t nperms;
};

int roles_create(struct zctx *z, const struct role_input *in, struct role *out, struct error *err);
/* name/scope/perms may be NULL (unchanged). */
int roles_update(struct zctx *z, int64_t id, int version, const struct role_input *in,
                 struct role *out, struct error *err);
json_t *role_json(const struct role *r);

/* The built-in roles, created at init. */
struct builtin_role {
    const char *code, *name, *scope;
    const char *perms[ZW_MAX_PERMS_PER_ROLE];
};
extern const struct builtin_role builtin_roles[];
extern const size_t builtin_role_count;
int roles_install_builtin(struct zctx *z, struct error *err);

#endif
