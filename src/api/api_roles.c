/* api_roles.c - /api/v1/roles and /api/v1/permissions. */
#include <stdio.h>

#include "api.h"
#include "domain/roles.h"
#include "limits.h"
#include "banned.h"

void api_permissions_list(struct api_ctx *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < perm_count; i++)
        json_array_append_new(
            arr, json_pack("{s:s, s:s}", "code", perm_table[i].code, "name", perm_table[i].name));
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}

void api_roles_list(struct api_ctx *c)
{
    struct role *items;
    size_t n;
    if (store_role_list(c->z.db, &c->req->arena, &items, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, role_json(&items[i]));
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}

void api_roles_get(struct api_ctx *c)
{
    int64_t id;
    struct role r;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (store_role_get(c->z.db, id, &c->req->arena, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, r.version);
    api_reply(c, 200, role_json(&r));
}

/* The "permissions" array of the body as C strings (arena-owned). */
static bool perms_or_reply(struct api_ctx *c, json_t *arr, struct role_input *in)
{
    if (!arr)
        return true;
    if (!json_is_array(arr) || json_array_size(arr) > ZW_MAX_PERMS_PER_ROLE) {
        err_set(&c->err, ZW_EINVAL, "permissions", "“权限”应为权限代码列表");
        api_reply_error(c, &c->err);
        return false;
    }
    in->nperms = json_array_size(arr);
    in->perms = arena_calloc(&c->req->arena, in->nperms + 1, sizeof(char *));
    for (size_t i = 0; i < in->nperms; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s) {
            err_set(&c->err, ZW_EINVAL, "permissions", "“权限”应为权限代码列表");
            api_reply_error(c, &c->err);
            return false;
        }
        in->perms[i] = s;
    }
    return true;
}

void api_roles_create(struct api_ctx *c)
{
    struct role_input in = {0};
    json_t *perms = NULL;
    const struct jfield f[] = {
        {"code", JF_STRING, true, &in.code, .max = 32, .label = "角色代码"},
        {"name", JF_STRING, true, &in.name, .max = 128, .label = "角色名称"},
        {"scope", JF_STRING, true, &in.scope, .max = 16, .label = "数据范围"},
        {"permissions", JF_ANY, true, &perms, .label = "权限"},
    };
    if (!api_body_or_reply(c, f, 4) || !perms_or_reply(c, perms, &in) || !api_begin_or_reply(c))
        return;
    struct role r;
    if (roles_create(&c->z, &in, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof(loc), "/api/v1/roles/%lld", (long long)r.id);
    http_add_header(c->req, "Location", loc);
    api_set_etag(c, r.version);
    api_reply(c, 201, role_json(&r));
}

void api_roles_patch(struct api_ctx *c)
{
    int64_t id;
    int version;
    struct role_input in = {0};
    json_t *perms = NULL;
    const struct jfield f[] = {
        {"name", JF_STRING, false, &in.name, .max = 128, .label = "角色名称"},
        {"scope", JF_STRING, false, &in.scope, .max = 16, .label = "数据范围"},
        {"permissions", JF_ANY, false, &perms, .label = "权限"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version) ||
        !api_body_or_reply(c, f, 3) || !perms_or_reply(c, perms, &in) || !api_begin_or_reply(c))
        return;
    struct role r;
    if (roles_update(&c->z, id, version, &in, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, r.version);
    api_reply(c, 200, role_json(&r));
}
