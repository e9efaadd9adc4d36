/*
 * demo_cases.c - the demo's cases (defs/demo/<township>.json "cases"): each
 * registered and moved through its steps by the case engine itself, as the
 * named demo user, at instants in the past (daysAgo, hoursLater), so that the
 * demo shows deadlines green, yellow and red as the calendar computes them.
 * Values "@username" name demo users (user fields, assignees) and
 * "date:+N" / "date:-N" a date N days from today.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cases.h"
#include "setup.h"
#include "banned.h"

/* The principal acting as demo user username (roles are not checked: the CLI's authority). */
static int demo_user(struct zctx *z, const char *username, struct principal *p, struct error *err)
{
    struct user u;
    int rc = store_user_by_username(z->db, username, &u, err);
    if (rc)
        return err_set(err, ZW_EINVAL, NULL, "演示办件中的用户“%s”不存在", username);
    memset(p, 0, sizeof(*p));
    p->user_id = u.id;
    p->username = arena_strdup(z->arena, u.username);
    p->name = arena_strdup(z->arena, u.name);
    p->superuser = true;
    return 0;
}

/* A copy of fields with "@user" and "date:±N" values resolved. */
static int resolve(struct zctx *z, json_t *fields, int64_t today_ymd, json_t **out,
                   struct error *err)
{
    *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
    {
        const char *s = json_string_value(v);
        if (s && s[0] == '@') {
            struct user u;
            if (store_user_by_username(z->db, s + 1, &u, err)) {
                json_decref(*out);
                return err_set(err, ZW_EINVAL, key, "演示办件中的用户“%s”不存在", s + 1);
            }
            json_object_set_new(*out, key, json_integer(u.id));
        } else if (s && strncmp(s, "date:", 5) == 0) {
            char date[11];
            cal_format_date(cal_ymd_add((int)today_ymd, (int)strtol(s + 5, NULL, 10)), date);
            json_object_set_new(*out, key, json_string(date));
        } else {
            json_object_set(*out, key, v);
        }
    }
    return 0;
}

static int one_case(struct zctx *z0, const struct case_types *types, json_t *c, size_t i,
                    struct error *err)
{
    const char *type = json_string_value(json_object_get(c, "type"));
    const char *acode = json_string_value(json_object_get(c, "area"));
    const char *by = json_string_value(json_object_get(c, "by"));
    int64_t days = json_integer_value(json_object_get(c, "daysAgo"));
    struct area area;
    struct principal who;
    int rc;
    if (!type || !acode || !by || store_area_by_code(z0->db, acode, &area, err))
        return err_set(err, ZW_EINVAL, NULL, "演示办件 %zu 缺少类型、区划或登记人，或区划代码无效",
                       i + 1);
    if ((rc = demo_user(z0, by, &who, err)))
        return rc;
    int64_t today = cal_local_ymd(z0->now);
    int64_t start = z0->now - days * 86400;
    struct zctx z = *z0;
    z.who = &who;
    z.now = start;
    json_t *req = json_object_get(c, "requester");
    struct case_input in = {
        .type = type,
        .title = json_string_value(json_object_get(c, "title")),
        .content = json_string_value(json_object_get(c, "content")),
        .category = json_string_value(json_object_get(c, "category")),
        .channel = json_string_value(json_object_get(c, "channel")),
        .area_id = area.id,
        .requester_name = json_string_value(json_object_get(req, "name")),
        .requester_phone = json_string_value(json_object_get(req, "phone")),
        .confidential = json_is_true(json_object_get(req, "confidential")),
    };
    if (!in.title || !in.content)
        return err_set(err, ZW_EINVAL, NULL, "演示办件 %zu 缺少标题或内容", i + 1);
    struct case_row row;
    if ((rc = cases_create(&z, types, &in, &row, err)))
        return rc;
    size_t k;
    json_t *s;
    json_array_foreach(json_object_get(c, "steps"), k, s)
    {
        const char *actor = json_string_value(json_object_get(s, "by"));
        const char *assignee = json_string_value(json_object_get(s, "assignee"));
        struct principal sw;
        if (!actor || (rc = demo_user(z0, actor, &sw, err)))
            return rc ? rc
                      : err_set(err, ZW_EINVAL, NULL, "演示办件 %zu 第 %zu 步缺少办理人", i + 1,
                                k + 1);
        struct zctx zs = *z0;
        zs.who = &sw;
        zs.now = start + json_integer_value(json_object_get(s, "hoursLater")) * 3600;
        json_t *fields = NULL;
        if (json_object_get(s, "fields") &&
            (rc = resolve(z0, json_object_get(s, "fields"), today, &fields, err)))
            return rc;
        struct case_action a = {
            .code = json_string_value(json_object_get(s, "action")),
            .comment = json_string_value(json_object_get(s, "comment")),
            .fields = fields,
        };
        if (assignee && assignee[0] == '@') {
            struct user u;
            if ((rc = store_user_by_username(z0->db, assignee + 1, &u, err))) {
                json_decref(fields);
                return err_set(err, ZW_EINVAL, NULL, "演示办件中的用户“%s”不存在", assignee + 1);
            }
            a.assignee_id = u.id;
        }
        rc = a.code ? cases_act(&zs, types, row.id, row.version, &a, &row, err)
                    : err_set(err, ZW_EINVAL, NULL, "演示办件 %zu 第 %zu 步缺少动作", i + 1, k + 1);
        json_decref(fields);
        if (rc) {
            /* Name the step: a demo file that no longer fits its definition should say where. */
            char why[sizeof(err->message)];
            snprintf(why, sizeof(why), "%s", err->message);
            return err_set(err, rc, err->field, "演示办件 %zu（%s）第 %zu 步“%s”：%s", i + 1,
                           in.title, k + 1, a.code ? a.code : "", why);
        }
    }
    return 0;
}

int setup_demo_cases(struct zctx *z, const struct case_types *types, json_t *cases,
                     struct error *err)
{
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        int rc = one_case(z, types, c, i, err);
        if (rc)
            return rc;
    }
    return 0;
}
