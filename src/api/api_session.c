/* api_session.c - /healthz, login and logout, and the caller's own account. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/areas.h"
#include "domain/auth.h"
#include "domain/users.h"
#include "limits.h"
#include "mask.h"
#include "banned.h"

void api_health(struct api_ctx *c)
{
    struct error e;
    bool ok = store_ping(c->z.db, &e) == 0;
    api_reply(c, ok ? 200 : 503,
              json_pack("{s:s, s:s}", "status", ok ? "ok" : "error", "db", ok ? "ok" : "error"));
}

json_t *api_me_json(struct api_ctx *c)
{
    const struct principal *p = &c->who;
    const struct user *u = p->user;
    if (!u)
        return NULL;
    json_t *me = user_json_roles(u, p->roles, p->nroles, false, c->z.now);
    json_object_set_new(me, "area",
                        json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)u->area_id, "code",
                                  u->area_code, "name", u->area_name, "level", u->area_level,
                                  "path", u->area_path));
    json_t *perms = json_array();
    for (size_t i = 0; i < p->nperms; i++)
        json_array_append_new(perms, json_string(p->perms[i]));
    json_object_set_new(me, "permissions", perms);
    json_object_set_new(me, "scope", json_string(scope_name(p->scope_kind)));
    json_object_set_new(me, "scopeName", json_string(scope_label(p->scope_kind)));
    json_object_set_new(me, "csrfToken", json_string(p->csrf ? p->csrf : ""));
    return me;
}

void api_me_get(struct api_ctx *c)
{
    json_t *me = api_me_json(c);
    if (!me) {
        api_reply_code(c, ZW_EINTERNAL);
        return;
    }
    api_reply(c, 200, me);
}

void api_session_create(struct api_ctx *c)
{
    const char *username = NULL, *password = NULL;
    const struct jfield f[] = {
        {"username", JF_STRING, true, &username, .max = ZW_USERNAME_MAX_BYTES, .min = 1,
         .label = "用户名"},
        {"password", JF_STRING, true, &password, .max = ZW_PASSWORD_MAX_BYTES, .min = 1,
         .label = "密码"},
    };
    if (!api_body_or_reply(c, f, 2))
        return;
    struct login_result res;
    if (auth_login(&c->z, username, password, &res, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (auth_principal(c->z.db, &c->req->arena, res.user_id, &c->who, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    c->who.csrf = arena_strdup(&c->req->arena, res.csrf);
    c->req->log_user_id = res.user_id;
    char cookie[160];
    snprintf(cookie, sizeof(cookie), "zw_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
             res.token, api_env.secure_cookie ? "; Secure" : "");
    http_add_header(c->req, "Set-Cookie", cookie);
    json_t *me = api_me_json(c);
    api_reply(c, 200,
              json_pack("{s:o, s:s}", "user", me ? me : json_null(), "csrfToken", res.csrf));
}

void api_session_delete(struct api_ctx *c)
{
    if (!api_begin_or_reply(c))
        return;
    if (auth_logout(&c->z, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    http_add_header(c->req, "Set-Cookie",
                    "zw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    api_reply_no_content(c);
}

void api_me_password(struct api_ctx *c)
{
    const char *old_pw = NULL, *new_pw = NULL;
    const struct jfield f[] = {
        {"oldPassword", JF_STRING, true, &old_pw, .max = ZW_PASSWORD_MAX_BYTES, .min = 1,
         .label = "原密码"},
        {"newPassword", JF_STRING, true, &new_pw, .max = ZW_PASSWORD_MAX_BYTES, .min = 1,
         .label = "新密码"},
    };
    if (!api_body_or_reply(c, f, 2))
        return;
    if (auth_change_password(&c->z, old_pw, new_pw, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_no_content(c);
}
