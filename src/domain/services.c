/* services.c - loading and checking the public service catalogue; see services.h. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "buf.h"
#include "limits.h"
#include "mask.h"
#include "services.h"
#include "banned.h"

#define SERVICES_MAX_FILE (256 * 1024)

static int fail(struct error *err, const char *name, size_t i, const char *msg, const char *what)
{
    return err_set(err, ZW_EINVAL, NULL, "服务目录 %s：services[%zu]：%s%.60s", name, i, msg,
                   what ? what : "");
}

static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* A non-empty string of at most max characters, or NULL. */
static const char *text(json_t *obj, const char *key, size_t max)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s && utf8_chars(s) <= max ? s : NULL;
}

static int parse_one(const char *name, size_t i, json_t *o, const struct case_types *types,
                     struct arena *a, struct service *s, struct error *err)
{
    static const char *const keys[] = {"code",     "name",     "description", "group", "keywords",
                                       "caseType", "category", "answerField", "listed"};
    if (!json_is_object(o))
        return fail(err, name, i, "应为对象", NULL);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        size_t k = 0;
        while (k < sizeof(keys) / sizeof(keys[0]) && strcmp(keys[k], key) != 0)
            k++;
        if (k == sizeof(keys) / sizeof(keys[0]))
            return fail(err, name, i, "不认识的键：", key);
    }
    const char *code = json_string_value(json_object_get(o, "code"));
    if (!code || !code_ok(code))
        return fail(err, name, i, "code 应为 1 至 32 个字母、数字、_ 或 - 组成的文本", NULL);
    s->code = arena_strdup(a, code);
    const char *nm = text(o, "name", 32), *desc = text(o, "description", 200),
               *group = text(o, "group", 32);
    if (!nm || !desc || !group)
        return fail(err, name, i, "name（≤32 字）、description（≤200 字）、group（≤32 字）均应填写",
                    NULL);
    s->name = arena_strdup(a, nm);
    s->description = arena_strdup(a, desc);
    s->group = arena_strdup(a, group);
    json_t *kw = json_object_get(o, "keywords");
    if (kw && (!json_is_array(kw) || json_array_size(kw) > 16))
        return fail(err, name, i, "keywords 应为至多 16 个文本的数组", NULL);
    s->nkeywords = kw ? json_array_size(kw) : 0;
    s->keywords = arena_calloc(a, s->nkeywords + 1, sizeof(*s->keywords));
    for (size_t k = 0; k < s->nkeywords; k++) {
        const char *w = json_string_value(json_array_get(kw, k));
        if (!w || !*w || utf8_chars(w) > 16 || strchr(w, ','))
            return fail(err, name, i, "keywords 的每项应为不含逗号、至多 16 字的文本", NULL);
        s->keywords[k] = arena_strdup(a, w);
    }
    const char *type = json_string_value(json_object_get(o, "caseType"));
    if (!type)
        return fail(err, name, i, "缺少 caseType", NULL);
    if (strcmp(type, "petition") == 0)
        return fail(err, name, i, "信访件不在网上受理，caseType 不能是 petition", NULL);
    s->type = casedef_find(types, type);
    if (!s->type)
        return fail(err, name, i, "没有这个办件类型：", type);
    const char *cat = json_string_value(json_object_get(o, "category"));
    if (!cat)
        return fail(err, name, i, "缺少 category", NULL);
    for (size_t k = 0; k < s->type->ncategories; k++)
        if (strcmp(s->type->categories[k].code, cat) == 0)
            s->category = s->type->categories[k].code;
    if (!s->category)
        return fail(err, name, i, "办件类型没有这个类别：", cat);
    const char *ans = json_string_value(json_object_get(o, "answerField"));
    if (!ans)
        return fail(err, name, i, "缺少 answerField（哪个字段是给群众的答复）", NULL);
    for (size_t k = 0; k < s->type->nfields; k++)
        if (strcmp(s->type->fields[k].code, ans) == 0 && s->type->fields[k].type == CD_TEXT)
            s->answer_field = s->type->fields[k].code;
    if (!s->answer_field)
        return fail(err, name, i, "办件类型没有这个文本字段：", ans);
    json_t *listed = json_object_get(o, "listed");
    if (listed && !json_is_boolean(listed))
        return fail(err, name, i, "listed 应为 true 或 false", NULL);
    s->unlisted = listed && json_is_false(listed);
    return 0;
}

int services_parse(const char *name, const char *text_in, size_t len,
                   const struct case_types *types, struct arena *a, struct services *out,
                   struct error *err)
{
    memset(out, 0, sizeof(*out));
    json_error_t je;
    json_t *root = json_loadb(text_in, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return err_set(err, ZW_EJSON, NULL, "服务目录 %s 不是有效的 JSON（第 %d 行）", name,
                       je.line);
    int rc = 0;
    json_t *list = json_object_get(root, "services");
    if (!json_is_object(root) || json_object_size(root) != 1 || !json_is_array(list) ||
        json_array_size(list) < 1 || json_array_size(list) > ZW_MAX_SERVICES) {
        rc = err_set(err, ZW_EINVAL, NULL, "服务目录 %s 应为 {\"services\": [...]}，1 至 %d 项",
                     name, ZW_MAX_SERVICES);
        goto out;
    }
    size_t n = json_array_size(list);
    out->v = arena_calloc(a, n, sizeof(*out->v));
    for (size_t i = 0; i < n; i++) {
        if ((rc = parse_one(name, i, json_array_get(list, i), types, a, &out->v[i], err)))
            goto out;
        for (size_t k = 0; k < i; k++)
            if (strcmp(out->v[k].code, out->v[i].code) == 0) {
                rc = fail(err, name, i, "code 重复：", out->v[i].code);
                goto out;
            }
        out->n++;
    }
out:
    json_decref(root);
    return rc;
}

int services_load(const char *path, const struct case_types *types, struct arena *a,
                  struct services *out, struct error *err)
{
    struct buf b = {.max = SERVICES_MAX_FILE};
    int rc = buf_read_file(&b, path);
    if (rc) {
        buf_release(&b);
        return rc == ZW_ETOOBIG ? err_set(err, rc, NULL, "服务目录 %s 过大", path)
                                : err_set(err, ZW_EIO, NULL, "无法读取服务目录 %s", path);
    }
    const char *name = strrchr(path, '/');
    rc = services_parse(name ? name + 1 : path, b.ptr ? b.ptr : "", b.len, types, a, out, err);
    buf_release(&b);
    return rc;
}

const struct service *services_find(const struct services *s, const char *code)
{
    for (size_t i = 0; s && code && i < s->n; i++)
        if (strcmp(s->v[i].code, code) == 0)
            return &s->v[i];
    return NULL;
}

const struct service *services_listed(const struct services *s, const char *code)
{
    const struct service *v = services_find(s, code);
    return v && !v->unlisted ? v : NULL;
}
