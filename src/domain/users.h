/*
 * users.h - staff accounts: creation, changes and the grant rule.
 *
 * The grant rule: a user can only give roles whose every permission they
 * hold themselves and whose scope is no wider than their own, and only to
 * users in an area inside their own scope.  The command line (superuser)
 * may grant anything.
 */
#ifndef ZW_USERS_H
#define ZW_USERS_H

#include "domain.h"

struct user_input {
    const char *username, *name, *phone; /* phone may be NULL */
    const char *password_hash;           /* already hashed (outside the transaction) */
    int64_t area_id;
    const int64_t *role_ids;
    size_t nroles;
    bool must_change_password;
};

struct user_patch {
    bool has_name, has_phone, has_area, has_roles, has_disabled, has_password, unlock;
    const char *name, *phone, *password_hash;
    int64_t area_id;
    const int64_t *role_ids;
    size_t nroles;
    int disabled;
};

/* Checks username, name and phone formats; ZW_EINVAL naming the field. */
int users_validate(const char *username, const char *name, const char *phone, struct error *err);
int users_create(struct zctx *z, const struct user_input *in, struct user *out, struct error *err);
/* Applies p to user id if version is current; out gets the new state. */
int users_update(struct zctx *z, int64_t id, int version, const struct user_patch *p,
                 struct user *out, struct error *err);
/* The user id if in the caller's scope. */
int users_get(struct zctx *z, int64_t id, struct user *out, struct error *err);
/* ZW_EGRANT unless every role in ids is within the caller's own grants. */
int users_check_grant(struct zctx *z, const int64_t *ids, size_t n, struct error *err);
/*
 * The JSON form of a user with its roles (new reference).  The phone is
 * masked unless full_phone.  Never includes the password hash.
 */
json_t *user_json(struct zctx *z, const struct user *u, bool full_phone);
/* The same with the roles already at hand (no query). */
json_t *user_json_roles(const struct user *u, const struct role_ref *roles, size_t n,
                        bool full_phone, int64_t now);

#endif
