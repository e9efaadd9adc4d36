/* roles.c - roles, custom and built-in; see roles.h. */
#include <stdio.h>
#include <string.h>

#include "mask.h"
#include "roles.h"
#include "banned.h"

json_t *role_json(const struct role *r)
{
    json_t *perms = json_array();
    for (size_t i = 0; i < r->nperms; i++)
        json_array_append_new(perms, json_string(r->perms[i]));
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:i}", "id", (json_int_t)r->id, "code",
                     r->code, "name", r->name, "scope", r->scope, "scopeName",
                     scope_label(scope_parse(r->scope)), "builtin", r->builtin, "permissions",
                     perms, "version", r->version);
}

static int check_input(struct zctx *z, const struct role_input *in, struct error *err)
{
    if (in->name) {
        size_t n = utf8_chars(in->name);
        if (n < 1 || n > 32)
            return err_set(err, ZW_EINVAL, "name", "角色名称长度应为 1 至 32 个字");
    }
    if (in->scope) {
        int k = scope_parse(in->scope);
        if (k < 0)
            return err_set(err, ZW_EINVAL, "scope", "数据范围应为 all、subtree、area 或 own");
        if (!z->who->superuser && k > z->who->scope_kind)
            return err_set(err, ZW_EGRANT, "scope", "数据范围（%s）不能超出您自己的范围（%s）",
                           scope_label(k), scope_label(z->who->scope_kind));
    }
    if (in->perms) {
        if (in->nperms > ZW_MAX_PERMS_PER_ROLE)
            return err_set(err, ZW_EINVAL, "permissions", "权限过多");
        for (size_t i = 0; i < in->nperms; i++) {
            if (!perm_known(in->perms[i]))
                return err_set(err, ZW_EINVAL, "permissions", "不认识的权限“%.64s”", in->perms[i]);
            if (!principal_can(z->who, in->perms[i]))
                return err_set(err, ZW_EGRANT, "permissions", "不能授予您自己没有的权限“%s”",
                               perm_name(in->perms[i]));
        }
    }
    return 0;
}

int roles_create(struct zctx *z, const struct role_input *in, struct role *out, struct error *err)
{
    int rc = check_input(z, in, err);
    if (rc)
        return rc;
    size_t len = strlen(in->code);
    if (len < 2 || len > 32)
        return err_set(err, ZW_EINVAL, "code", "角色代码长度应为 2 至 32 个字符");
    for (size_t i = 0; i < len; i++)
        if (!((in->code[i] >= 'a' && in->code[i] <= 'z') ||
              (in->code[i] >= '0' && in->code[i] <= '9') || in->code[i] == '_'))
            return err_set(err, ZW_EINVAL, "code", "角色代码只能包含小写字母、数字和 _");
    memset(out, 0, sizeof(*out));
    snprintf(out->code, sizeof(out->code), "%s", in->code);
    snprintf(out->name, sizeof(out->name), "%s", in->name);
    snprintf(out->scope, sizeof(out->scope), "%s", in->scope);
    out->perms = in->perms;
    out->nperms = in->nperms;
    if ((rc = store_role_insert(z->db, out, z->now, err)) ||
        (rc = store_role_get(z->db, out->id, z->arena, out, err)))
        return rc;
    json_t *after = role_json(out);
    rc = audit_log(z, "create", "role", out->id, NULL, after, err);
    json_decref(after);
    return rc;
}

int roles_update(struct zctx *z, int64_t id, int version, const struct role_input *in,
                 struct role *out, struct error *err)
{
    int rc = store_role_get(z->db, id, z->arena, out, err);
    if (rc)
        return rc;
    if (out->builtin)
        return err_set(err, ZW_EFORBIDDEN, NULL, "内置角色不能修改");
    if (out->version != version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    /* Changing a role also needs the caller to hold what the role holds now. */
    struct role_input cur = {.scope = out->scope, .perms = out->perms, .nperms = out->nperms};
    if ((rc = check_input(z, &cur, err)) || (rc = check_input(z, in, err)))
        return rc;
    json_t *before = role_json(out);
    if (in->name)
        snprintf(out->name, sizeof(out->name), "%s", in->name);
    if (in->scope)
        snprintf(out->scope, sizeof(out->scope), "%s", in->scope);
    if (in->perms) {
        out->perms = in->perms;
        out->nperms = in->nperms;
    }
    if ((rc = store_role_update(z->db, out, z->now, err)) == 0 &&
        (rc = store_role_get(z->db, id, z->arena, out, err)) == 0) {
        json_t *after = role_json(out);
        rc = audit_log(z, "update", "role", id, before, after, err);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

int roles_install_builtin(struct zctx *z, struct error *err)
{
    for (size_t i = 0; i < builtin_role_count; i++) {
        const struct builtin_role *b = &builtin_roles[i];
        struct role r = {0};
        snprintf(r.code, sizeof(r.code), "%s", b->code);
        snprintf(r.name, sizeof(r.name), "%s", b->name);
        snprintf(r.scope, sizeof(r.scope), "%s", b->scope);
        r.builtin = true;
        r.perms = (const char **)b->perms;
        while (r.nperms < ZW_MAX_PERMS_PER_ROLE && b->perms[r.nperms])
            r.nperms++;
        int rc = store_role_insert(z->db, &r, z->now, err);
        if (rc)
            return rc;
        json_t *after = role_json(&r);
        rc = audit_log(z, "create", "role", r.id, NULL, after, err);
        json_decref(after);
        if (rc)
            return rc;
    }
    return 0;
}
