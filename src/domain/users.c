/* users.c - staff accounts and the grant rule; see users.h. */
#include <stdio.h>
#include <string.h>

#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "users.h"
#include "banned.h"

int users_validate(const char *username, const char *name, const char *phone, struct error *err)
{
    if (username) {
        size_t len = strlen(username);
        if (len < 3 || len > 32)
            return err_set(err, ZW_EINVAL, "username", "用户名长度应为 3 至 32 个字符");
        for (size_t i = 0; i < len; i++) {
            char c = username[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                  c == '-'))
                return err_set(err, ZW_EINVAL, "username", "用户名只能包含小写字母、数字和 _ . -");
        }
    }
    if (name) {
        size_t n = utf8_chars(name);
        if (n < 1 || n > 32)
            return err_set(err, ZW_EINVAL, "name", "姓名长度应为 1 至 32 个字");
        for (const char *p = name; *p; p++)
            if ((unsigned char)*p < 0x20)
                return err_set(err, ZW_EINVAL, "name", "姓名含有无效字符");
    }
    if (phone && *phone) {
        size_t len = strlen(phone);
        if (len < 5 || len > 20)
            return err_set(err, ZW_EINVAL, "phone", "电话号码长度应为 5 至 20 位");
        for (size_t i = 0; i < len; i++)
            if (!((phone[i] >= '0' && phone[i] <= '9') || phone[i] == '-' ||
                  (phone[i] == '+' && i == 0)))
                return err_set(err, ZW_EINVAL, "phone", "电话号码只能包含数字和 -");
    }
    return 0;
}

int users_check_grant(struct zctx *z, const int64_t *ids, size_t n, struct error *err)
{
    const struct principal *p = z->who;
    if (n > ZW_MAX_ROLES_PER_USER)
        return err_set(err, ZW_EINVAL, "roleIds", "角色最多 %d 个", ZW_MAX_ROLES_PER_USER);
    for (size_t i = 0; i < n; i++) {
        struct role r;
        int rc = store_role_get(z->db, ids[i], z->arena, &r, err);
        if (rc == ZW_ENOTFOUND)
            return err_set(err, ZW_EINVAL, "roleIds", "角色 %lld 不存在", (long long)ids[i]);
        if (rc)
            return rc;
        if (p->superuser)
            continue;
        for (size_t k = 0; k < r.nperms; k++)
            if (!principal_can(p, r.perms[k]))
                return err_set(err, ZW_EGRANT, "roleIds", "不能授予角色“%s”：您自己没有“%s”权限",
                               r.name, perm_name(r.perms[k]) ? perm_name(r.perms[k]) : r.perms[k]);
        if (scope_parse(r.scope) > p->scope_kind)
            return err_set(err, ZW_EGRANT, "roleIds",
                           "不能授予角色“%s”：其数据范围（%s）超出您自己的范围（%s）", r.name,
                           scope_label(scope_parse(r.scope)), scope_label(p->scope_kind));
    }
    return 0;
}

/* The area must exist and lie in the caller's scope. */
static int check_area(struct zctx *z, int64_t area_id, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct area a;
    int rc = store_area_get(z->db, area_id, &sc, &a, err);
    if (rc == ZW_ENOTFOUND)
        return err_set(err, ZW_EFORBIDDEN, "areaId", "所选区划不存在或不在您的管辖范围内");
    return rc;
}

json_t *user_json_roles(const struct user *u, const struct role_ref *roles, size_t n,
                        bool full_phone, int64_t now)
{
    char phone[40], created[32], updated[32];
    if (full_phone)
        snprintf(phone, sizeof(phone), "%s", u->phone);
    else
        mask_phone(u->phone, phone);
    jsonx_format_time(u->created_at, created);
    jsonx_format_time(u->updated_at, updated);
    json_t *jr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(jr, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)roles[i].id,
                                            "code", roles[i].code, "name", roles[i].name));
    return json_pack("{s:I, s:s, s:s, s:s?, s:{s:I, s:s, s:s}, s:o, s:b, s:b, s:b, s:s, s:s, "
                     "s:i}",
                     "id", (json_int_t)u->id, "username", u->username, "name", u->name, "phone",
                     phone[0] ? phone : NULL, "area", "id", (json_int_t)u->area_id, "code",
                     u->area_code, "name", u->area_name, "roles", jr, "disabled", u->disabled,
                     "locked", u->locked_until > now, "mustChangePassword", u->must_change_password,
                     "createdAt", created, "updatedAt", updated, "version", u->version);
}

json_t *user_json(struct zctx *z, const struct user *u, bool full_phone)
{
    struct role_ref *roles = NULL;
    size_t n = 0;
    struct error e;
    if (store_user_roles(z->db, u->id, z->arena, &roles, &n, &e) != 0)
        n = 0;
    return user_json_roles(u, roles, n, full_phone, z->now);
}

int users_get(struct zctx *z, int64_t id, struct user *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    return store_user_get(z->db, id, &sc, out, err);
}

int users_create(struct zctx *z, const struct user_input *in, struct user *out, struct error *err)
{
    int rc = users_validate(in->username, in->name, in->phone, err);
    if (rc || (rc = check_area(z, in->area_id, err)) ||
        (rc = users_check_grant(z, in->role_ids, in->nroles, err)))
        return rc;
    memset(out, 0, sizeof(*out));
    snprintf(out->username, sizeof(out->username), "%s", in->username);
    snprintf(out->name, sizeof(out->name), "%s", in->name);
    snprintf(out->phone, sizeof(out->phone), "%s", in->phone ? in->phone : "");
    snprintf(out->password_hash, sizeof(out->password_hash), "%s", in->password_hash);
    out->area_id = in->area_id;
    out->must_change_password = in->must_change_password;
    out->password_changed_at = z->now;
    out->created_by = z->who->user_id;
    out->created_at = z->now;
    if ((rc = store_user_insert(z->db, out, err)) ||
        (rc = store_user_set_roles(z->db, out->id, in->role_ids, in->nroles, err)))
        return rc;
    struct scope all = {.kind = SCOPE_ALL};
    if ((rc = store_user_get(z->db, out->id, &all, out, err)))
        return rc;
    json_t *after = user_json(z, out, false);
    rc = audit_log(z, "create", "user", out->id, NULL, after, err);
    json_decref(after);
    return rc;
}

int users_update(struct zctx *z, int64_t id, int version, const struct user_patch *p,
                 struct user *out, struct error *err)
{
    int rc = users_get(z, id, out, err);
    if (rc)
        return rc;
    if (out->version != version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if ((rc = users_validate(NULL, p->has_name ? p->name : NULL, p->has_phone ? p->phone : NULL,
                             err)))
        return rc;
    if (p->has_area && (rc = check_area(z, p->area_id, err)))
        return rc;
    if (p->has_roles && (rc = users_check_grant(z, p->role_ids, p->nroles, err)))
        return rc;
    if (id == z->who->user_id && ((p->has_disabled && p->disabled) || p->has_roles))
        return err_set(err, ZW_EFORBIDDEN, NULL, "不能停用自己的账号或修改自己的角色");
    json_t *before = user_json(z, out, false);
    if (p->has_name)
        snprintf(out->name, sizeof(out->name), "%s", p->name);
    if (p->has_phone)
        snprintf(out->phone, sizeof(out->phone), "%s", p->phone ? p->phone : "");
    if (p->has_area)
        out->area_id = p->area_id;
    if (p->has_disabled)
        out->disabled = p->disabled;
    if (p->has_password) {
        snprintf(out->password_hash, sizeof(out->password_hash), "%s", p->password_hash);
        out->must_change_password = true;
        out->password_changed_at = z->now;
    }
    if (p->unlock) {
        out->failed_logins = 0;
        out->locked_until = 0;
    }
    out->updated_at = z->now;
    if ((rc = store_user_update(z->db, out, err)))
        goto out_before;
    if (p->has_roles && (rc = store_user_set_roles(z->db, id, p->role_ids, p->nroles, err)))
        goto out_before;
    /* A disabled account or a reset password ends the user's sessions. */
    if (((p->has_disabled && p->disabled) || p->has_password) &&
        (rc = store_session_delete_user(z->db, id, 0, err)))
        goto out_before;
    struct scope all = {.kind = SCOPE_ALL};
    if ((rc = store_user_get(z->db, id, &all, out, err)))
        goto out_before;
    json_t *after = user_json(z, out, false);
    if (p->has_password)
        json_object_set_new(after, "passwordReset", json_true());
    rc = audit_log(z, "update", "user", id, before, after, err);
    json_decref(after);
out_before:
    json_decref(before);
    return rc;
}
