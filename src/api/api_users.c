/* api_users.c - /api/v1/users: staff accounts. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/auth.h"
#include "domain/users.h"
#include "limits.h"
#include "banned.h"

static void reply_user(struct api_ctx *c, int status, const struct user *u, bool full_phone)
{
    api_set_etag(c, u->version);
    if (status == 201) {
        char loc[64];
        snprintf(loc, sizeof(loc), "/api/v1/users/%lld", (long long)u->id);
        http_add_header(c->req, "Location", loc);
    }
    api_reply(c, status, user_json(&c->z, u, full_phone));
}

bool api_user_filter_or_reply(struct api_ctx *c, struct user_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->q = http_query(c->req, "q");
    if (!api_paging_or_reply(c, &f->page, &f->page_size) ||
        !api_area_filter_or_reply(c, &f->in_path))
        return false;
    if (f->q && strlen(f->q) > 64) {
        err_set(&c->err, ZW_EINVAL, "q", "搜索内容过长");
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

void api_users_list(struct api_ctx *c)
{
    struct user_filter f;
    if (!api_user_filter_or_reply(c, &f))
        return;
    struct scope sc = principal_scope(&c->who);
    struct user *items;
    size_t n;
    int64_t total;
    if (store_user_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, user_json(&c->z, &items[i], false));
    api_reply(c, 200, api_page(arr, total, f.page, f.page_size));
}

/* Policy check and hash of a new password, done before the transaction opens. */
static bool hash_or_reply(struct api_ctx *c, const char *pw, const char *field, char out[160])
{
    struct security_settings set;
    if (settings_security_get(c->z.db, &c->req->arena, &set, &c->err) ||
        auth_check_policy(&set, pw, &c->err) || auth_hash_password(pw, out, &c->err)) {
        if (c->err.code == ZW_EWEAKPW)
            c->err.field = field;
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

void api_users_create(struct api_ctx *c)
{
    struct user_input in = {.must_change_password = true};
    const char *password = NULL;
    struct jf_ids roles = {0};
    const struct jfield f[] = {
        {"username", JF_STRING, true, &in.username, .max = ZW_USERNAME_MAX_BYTES,
         .label = "用户名"},
        {"name", JF_STRING, true, &in.name, .max = ZW_NAME_MAX_BYTES, .label = "姓名"},
        {"password", JF_STRING, true, &password, .max = ZW_PASSWORD_MAX_BYTES, .label = "初始密码"},
        {"areaId", JF_INT, true, &in.area_id, .min = 1, .max = INT64_MAX, .label = "所属区划"},
        {"roleIds", JF_IDS, true, &roles, .max = ZW_MAX_ROLES_PER_USER, .label = "角色"},
        {"phone", JF_STRING, false, &in.phone, .max = 20, .nullable = true, .label = "电话"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    in.role_ids = roles.v;
    in.nroles = roles.n;
    if (users_validate(in.username, in.name, in.phone, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char hash[160];
    if (!hash_or_reply(c, password, "password", hash))
        return;
    in.password_hash = hash;
    if (!api_begin_or_reply(c))
        return;
    struct user u;
    if (users_create(&c->z, &in, &u, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_user(c, 201, &u, false);
}

void api_users_get(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    struct user u;
    if (users_get(&c->z, id, &u, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    const char *reveal = http_query(c->req, "reveal");
    bool full = reveal && strcmp(reveal, "phone") == 0;
    if (reveal && !full) {
        err_set(&c->err, ZW_EINVAL, "reveal", "reveal 只能是 phone");
        api_reply_error(c, &c->err);
        return;
    }
    if (full) {
        if (!principal_can(&c->who, "pii.read")) {
            err_set(&c->err, ZW_EFORBIDDEN, NULL, "没有权限查看完整个人信息");
            api_reply_error(c, &c->err);
            return;
        }
        /* Reading full personal data is itself audited. */
        json_t *what = json_pack("{s:s}", "field", "phone");
        if (!api_begin_or_reply(c))
            goto out_what;
        if (audit_log(&c->z, "pii_read", "user", id, NULL, what, &c->err)) {
            api_reply_error(c, &c->err);
            goto out_what;
        }
        json_decref(what);
        reply_user(c, 200, &u, true);
        return;
    out_what:
        json_decref(what);
        return;
    }
    reply_user(c, 200, &u, false);
}

void api_users_patch(struct api_ctx *c)
{
    int64_t id;
    int version;
    struct user_patch p = {0};
    struct jf_ids roles = {0};
    int unlock = 0;
    bool has_unlock = false;
    const struct jfield f[] = {
        {"name", JF_STRING, false, &p.name, &p.has_name, .max = ZW_NAME_MAX_BYTES, .label = "姓名"},
        {"phone", JF_STRING, false, &p.phone, &p.has_phone, .max = 20, .nullable = true,
         .label = "电话"},
        {"areaId", JF_INT, false, &p.area_id, &p.has_area, .min = 1, .max = INT64_MAX,
         .label = "所属区划"},
        {"roleIds", JF_IDS, false, &roles, &p.has_roles, .max = ZW_MAX_ROLES_PER_USER,
         .label = "角色"},
        {"disabled", JF_BOOL, false, &p.disabled, &p.has_disabled, .label = "停用"},
        {"password", JF_STRING, false, &p.password_hash, &p.has_password,
         .max = ZW_PASSWORD_MAX_BYTES, .label = "新密码"},
        {"unlock", JF_BOOL, false, &unlock, &has_unlock, .label = "解除锁定"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version) ||
        !api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    p.role_ids = roles.v;
    p.nroles = roles.n;
    p.unlock = has_unlock && unlock;
    char hash[160];
    if (p.has_password) {
        if (!hash_or_reply(c, p.password_hash, "password", hash))
            return;
        p.password_hash = hash;
    }
    if (!api_begin_or_reply(c))
        return;
    struct user u;
    if (users_update(&c->z, id, version, &p, &u, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_user(c, 200, &u, false);
}
