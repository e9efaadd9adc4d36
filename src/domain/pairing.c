/* pairing.c - assistance cadres, pairs and visits; see pairing.h. */
#include <stdio.h>
#include <string.h>

#include "attachments.h"
#include "calendar.h"
#include "mask.h"
#include "pairing.h"
#include "store/store_registry.h"
#include "registry.h"
#include "banned.h"

static int ymd_of(const char *s)
{
    int ymd = 0;
    return s && cal_parse_date(s, &ymd) == 0 ? ymd : 0;
}

/* Whether user u holds the built-in role assist_cadre. */
static int holds_assist_role(struct zctx *z, int64_t user_id, bool *yes, struct error *err)
{
    struct role_ref *roles;
    size_t n;
    *yes = false;
    int rc = store_user_roles(z->db, user_id, z->arena, &roles, &n, err);
    for (size_t i = 0; !rc && i < n; i++)
        *yes |= strcmp(roles[i].code, "assist_cadre") == 0;
    return rc;
}

int pairing_cadre_add(struct zctx *z, const struct cadre_input *in, int64_t *id, struct error *err)
{
    size_t nl = in->name ? utf8_chars(in->name) : 0;
    if (nl < 1 || nl > 50)
        return err_set(err, ZW_EINVAL, "name", "请填写姓名（不超过 50 字）");
    if (in->unit && utf8_chars(in->unit) > 100)
        return err_set(err, ZW_EINVAL, "unit", "单位不超过 100 字");
    if (in->phone && (!*in->phone || strlen(in->phone) > 20 ||
                      strspn(in->phone, "0123456789-+") != strlen(in->phone)))
        return err_set(err, ZW_EINVAL, "phone", "联系电话只能包含数字和 -，不超过 20 位");
    struct scope sc = principal_scope(z->who);
    struct area a;
    int rc = store_area_get(z->db, in->area_id ? in->area_id : z->who->area_id, &sc, &a, err);
    if (rc == ZW_ENOTFOUND)
        return err_set(err, ZW_EFORBIDDEN, "areaId", "所选区划不存在或不在您的管辖范围内");
    if (rc)
        return rc;
    if (in->user_id) {
        struct user u;
        struct error e2;
        bool yes;
        if (store_user_get(z->db, in->user_id, &sc, &u, &e2))
            return err_set(err, ZW_EINVAL, "userId", "账号不存在或不在您的管辖范围内");
        if ((rc = holds_assist_role(z, u.id, &yes, err)))
            return rc;
        if (!yes)
            return err_set(err, ZW_EINVAL, "userId", "关联的账号须具有“帮扶责任人”角色");
    }
    struct assist_cadre c = {
        .name = in->name,
        .unit = in->unit,
        .phone = in->phone,
        .user_id = in->user_id,
        .area_id = a.id,
        .area_path = a.path,
        .created_at = z->now,
    };
    if ((rc = store_cadre_insert(z->db, &c, err)))
        return rc;
    *id = c.id;
    char masked[40] = "";
    if (in->phone)
        mask_phone(in->phone, masked);
    json_t *after = json_pack("{s:s, s:s?, s:s, s:I}", "name", in->name, "unit", in->unit, "phone",
                              masked, "userId", (json_int_t)in->user_id);
    rc = audit_log(z, "create", "assist_cadre", c.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int pairing_pair_add(struct zctx *z, int64_t household_id, int64_t cadre_id, const char *since,
                     int64_t *id, struct error *err)
{
    if (!ymd_of(since))
        return err_set(err, ZW_EINVAL, "since", "结对日期应为 YYYY-MM-DD 格式的有效日期");
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    struct scope sc = principal_scope(z->who);
    struct assist_cadre c;
    struct error e2;
    if (store_cadre_get(z->db, cadre_id, &sc, z->arena, &c, &e2))
        return err_set(err, ZW_EINVAL, "cadreId", "帮扶责任人不存在或不在您的管辖范围内");
    if (!c.active)
        return err_set(err, ZW_EINVAL, "cadreId", "该帮扶责任人已停用");
    struct household_pair p = {
        .household_id = h.id, .cadre_id = c.id, .since = since, .created_at = z->now};
    if ((rc = store_pair_insert(z->db, &p, err)))
        return rc;
    *id = p.id;
    json_t *after = json_pack("{s:I, s:I, s:s}", "householdId", (json_int_t)h.id, "cadreId",
                              (json_int_t)c.id, "since", since);
    rc = audit_log(z, "create", "household_pair", p.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int pairing_pair_end(struct zctx *z, int64_t pair_id, const char *until, struct error *err)
{
    if (!ymd_of(until))
        return err_set(err, ZW_EINVAL, "until", "解除日期应为 YYYY-MM-DD 格式的有效日期");
    struct scope sc = principal_scope(z->who);
    struct household_pair p;
    int rc = store_pair_get(z->db, pair_id, &sc, z->arena, &p, err);
    if (rc)
        return rc;
    if (ymd_of(until) < ymd_of(p.since))
        return err_set(err, ZW_EINVAL, "until", "解除日期不能早于结对日期 %s", p.since);
    if ((rc = store_pair_end(z->db, p.id, until, err)))
        return rc;
    json_t *after = json_pack("{s:s}", "until", until);
    rc = audit_log(z, "end", "household_pair", p.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int pairing_visit_add(struct zctx *z, int64_t household_id, const char *visited_on,
                      const char *found, int64_t *id, struct error *err)
{
    int ymd = ymd_of(visited_on);
    if (!ymd || ymd > cal_local_ymd(z->now))
        return err_set(err, ZW_EINVAL, "visitedOn",
                       "走访日期应为不晚于今天的有效日期（YYYY-MM-DD）");
    size_t fl = found ? utf8_chars(found) : 0;
    if (fl < 1 || fl > 2000)
        return err_set(err, ZW_EINVAL, "found", "请填写走访情况（不超过 2000 字）");
    if (!z->who->user_id)
        return err_set(err, ZW_EINVAL, NULL, "走访记录须由登录的用户填写");
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    struct visit v = {
        .household_id = h.id,
        .user_id = z->who->user_id,
        .visited_on = visited_on,
        .found = found,
        .area_path = h.area_path,
        .created_at = z->now,
    };
    if ((rc = store_cadre_of_user(z->db, z->who->user_id, &v.cadre_id, err)) ||
        (rc = store_visit_insert(z->db, &v, err)))
        return rc;
    *id = v.id;
    json_t *after =
        json_pack("{s:I, s:s}", "householdId", (json_int_t)h.id, "visitedOn", visited_on);
    rc = audit_log(z, "create", "visit", v.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int pairing_visit_photo(struct zctx *z, int64_t visit_id, const char *name, const void *data,
                        size_t len, struct visit_photo *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct visit v;
    int rc = store_visit_get(z->db, visit_id, &sc, z->arena, &v, err);
    if (rc)
        return rc;
    int64_t n;
    if ((rc = store_visit_photo_count(z->db, v.id, &n, err)))
        return rc;
    if (n >= ZW_MAX_VISIT_PHOTOS)
        return err_set(err, ZW_EINVAL, "file", "每次走访最多 %d 张照片", ZW_MAX_VISIT_PHOTOS);
    const char *mime;
    memset(out, 0, sizeof(*out));
    if ((rc = attach_store_bytes(data, len, &mime, out->sha256, err)))
        return rc;
    if (strncmp(mime, "image/", 6) != 0)
        return err_set(err, ZW_EMEDIA, "file", "只能上传 JPEG、PNG 或 WebP 照片");
    out->visit_id = v.id;
    out->name = attach_clean_name(z->arena, name);
    out->mime = mime;
    out->size = (int64_t)len;
    out->created_at = z->now;
    if ((rc = store_visit_photo_add(z->db, out, err)))
        return rc;
    json_t *after = json_pack("{s:I, s:s, s:s, s:I}", "photoId", (json_int_t)out->id, "name",
                              out->name, "sha256", out->sha256, "size", (json_int_t)len);
    rc = audit_log(z, "photo", "visit", v.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int pairing_visit_photo_read(struct zctx *z, int64_t visit_id, int64_t photo_id,
                             struct visit_photo *meta, const void **data, size_t *len,
                             struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct visit v;
    int rc = store_visit_get(z->db, visit_id, &sc, z->arena, &v, err);
    if (rc || (rc = store_visit_photo_get(z->db, v.id, photo_id, z->arena, meta, err)))
        return rc;
    return attach_load(z->arena, meta->sha256, meta->size, data, len, err);
}
