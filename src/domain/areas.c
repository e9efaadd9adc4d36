/* areas.c - groups and grids under villages; see areas.h. */
#include <stdio.h>
#include <string.h>

#include "areas.h"
#include "mask.h"
#include "banned.h"

const char *area_level_label(const char *level)
{
    static const char *const map[][2] = {
        {"province", "省"},        {"city", "市"},
        {"county", "县（区）"},    {"township", "乡镇"},
        {"village", "村（社区）"}, {"group", "村民小组"},
        {"grid", "网格"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], level) == 0)
            return map[i][1];
    return level;
}

json_t *area_json(const struct area *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:i}", "id", (json_int_t)a->id,
                     "code", a->code, "name", a->name, "level", a->level, "levelName",
                     area_level_label(a->level), "parentId",
                     a->parent_id ? json_integer(a->parent_id) : json_null(), "path", a->path,
                     "hasChildren", a->has_children, "version", a->version);
}

static int check_name(const char *name, struct error *err)
{
    size_t n = utf8_chars(name);
    if (n < 1 || n > 32)
        return err_set(err, ZW_EINVAL, "name", "名称长度应为 1 至 32 个字");
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20)
            return err_set(err, ZW_EINVAL, "name", "名称含有无效字符");
    return 0;
}

int areas_create_local(struct zctx *z, int64_t parent_id, const char *level, const char *name,
                       const char *code, struct area *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct area parent;
    int rc;
    bool grid = strcmp(level, "grid") == 0;
    if (!grid && strcmp(level, "group") != 0)
        return err_set(err, ZW_EINVAL, "level", "只能新增村民小组（group）或网格（grid）");
    if ((rc = check_name(name, err)))
        return rc;
    rc = store_area_get(z->db, parent_id, &sc, &parent, err);
    if (rc == ZW_ENOTFOUND)
        return err_set(err, ZW_ENOTFOUND, "parentId", "上级区划不存在或不在您的管辖范围内");
    if (rc)
        return rc;
    if (strcmp(parent.level, "village") != 0)
        return err_set(err, ZW_EINVAL, "parentId", "村民小组和网格只能建在村（社区）之下");
    int count;
    if ((rc = store_area_count_children(z->db, parent_id, level, &count, err)))
        return rc;
    memset(out, 0, sizeof(*out));
    out->parent_id = parent_id;
    snprintf(out->name, sizeof(out->name), "%s", name);
    snprintf(out->level, sizeof(out->level), "%s", level);
    if (code) {
        size_t plen = strlen(parent.code), len = strlen(code);
        if (len <= plen + 1 || len > plen + 9 || strncmp(code, parent.code, plen) != 0 ||
            code[plen] != '-' ||
            strspn(code + plen + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != len - plen - 1)
            return err_set(err, ZW_EINVAL, "code",
                           "代码应为“%s-”加 1 至 8 位大写字母或数字，例如 %s-%c01", parent.code,
                           parent.code, grid ? 'W' : 'G');
        snprintf(out->code, sizeof(out->code), "%s", code);
    } else {
        /* Local codes are numbered after the existing ones; skip numbers already taken. */
        for (int k = count + 1; k < count + 100; k++) {
            struct area clash;
            struct error e2;
            snprintf(out->code, sizeof(out->code), "%s-%c%02d", parent.code, grid ? 'W' : 'G', k);
            if (store_area_by_code(z->db, out->code, &clash, &e2) == ZW_ENOTFOUND)
                break;
        }
    }
    if ((rc = store_area_insert(z->db, out, 0, z->now, err)))
        return rc;
    json_t *after = area_json(out);
    rc = audit_log(z, "create", "area", out->id, NULL, after, err);
    json_decref(after);
    return rc;
}

int areas_rename(struct zctx *z, int64_t id, int version, const char *name, struct area *out,
                 struct error *err)
{
    struct scope sc = principal_scope(z->who);
    int rc = store_area_get(z->db, id, &sc, out, err);
    if (rc)
        return rc;
    if (strcmp(out->level, "group") != 0 && strcmp(out->level, "grid") != 0)
        return err_set(err, ZW_EFORBIDDEN, "name",
                       "县、乡镇、村的名称来自国家区划代码，不能在此修改");
    if (out->version != version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if ((rc = check_name(name, err)))
        return rc;
    json_t *before = area_json(out);
    if ((rc = store_area_rename(z->db, id, name, version, z->now, err)) == 0 &&
        (rc = store_area_get(z->db, id, &sc, out, err)) == 0) {
        json_t *after = area_json(out);
        rc = audit_log(z, "update", "area", id, before, after, err);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}
