/*
 * portal_input.c - what the public sends, checked without a database: the
 * portal's submission body, tracking codes, masking and rating levels (see
 * portal.h).  Kept apart from portal.c so the fuzz target links it alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "portal.h"
#include "banned.h"

/* No 0/O, 1/I/L: read aloud or copied by hand without doubt.  32 symbols, 5 bits each. */
static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void portal_new_code(char out[16])
{
    size_t n = sizeof(CODE_ALPHABET) - 1;
    for (int i = 0; i < ZW_TRACKING_CODE_LEN; i++)
        out[i] = CODE_ALPHABET[randombytes_uniform((uint32_t)n)];
    out[ZW_TRACKING_CODE_LEN] = '\0';
}

bool portal_normalise_code(const char *code, char out[16])
{
    size_t n = 0;
    for (const char *p = code; p && *p; p++) {
        char ch = *p;
        if (ch == ' ' || ch == '-')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!strchr(CODE_ALPHABET, ch) || n == ZW_TRACKING_CODE_LEN)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return n == ZW_TRACKING_CODE_LEN;
}

const char *portal_rating_level(int score)
{
    static const char *const levels[] = {"非常不满意", "不满意", "基本满意", "满意", "非常满意"};
    return score >= 1 && score <= 5 ? levels[score - 1] : NULL;
}

const char *portal_mask_name(struct arena *a, const char *name)
{
    if (!name || !*name)
        return NULL;
    size_t first = 1;
    while (((unsigned char)name[first] & 0xC0) == 0x80)
        first++;
    size_t rest = utf8_chars(name) - 1;
    char *out = arena_alloc(a, first + (rest ? rest : 1) + 1);
    memcpy(out, name, first);
    memset(out + first, '*', rest ? rest : 1);
    out[first + (rest ? rest : 1)] = '\0';
    return out;
}

static bool all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

int portal_check_submission(const struct portal_submission *in, const struct services *svc,
                            bool require_contact, struct error *err)
{
    if (!in->service || !services_listed(svc, in->service))
        return err_set(err, ZW_EINVAL, "service", "没有这项服务，请从列表中选择诉求类别");
    if (in->village_id <= 0)
        return err_set(err, ZW_EINVAL, "villageId", "请选择所在村（社区）");
    size_t n = in->content ? utf8_chars(in->content) : 0;
    if (n < ZW_PORTAL_CONTENT_MIN_CHARS || n > ZW_PORTAL_CONTENT_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "content", "诉求内容应为 %d 至 %d 个字",
                       ZW_PORTAL_CONTENT_MIN_CHARS, ZW_PORTAL_CONTENT_MAX_CHARS);
    bool has_name = in->name && *in->name, has_phone = in->phone && *in->phone;
    if (require_contact && !has_name)
        return err_set(err, ZW_EINVAL, "name", "请填写联系人姓名");
    if (has_name && utf8_chars(in->name) > ZW_PORTAL_NAME_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "name", "姓名不超过 %d 个字", ZW_PORTAL_NAME_MAX_CHARS);
    if (require_contact && !has_phone)
        return err_set(err, ZW_EINVAL, "phone", "请填写联系电话");
    if (has_phone) {
        size_t len = strlen(in->phone);
        if (!all_digits(in->phone) || len < ZW_PORTAL_PHONE_MIN_DIGITS ||
            len > ZW_PORTAL_PHONE_MAX_DIGITS)
            return err_set(err, ZW_EINVAL, "phone", "联系电话应为 %d 至 %d 位数字",
                           ZW_PORTAL_PHONE_MIN_DIGITS, ZW_PORTAL_PHONE_MAX_DIGITS);
    }
    if (in->address && utf8_chars(in->address) > ZW_PORTAL_ADDRESS_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "address", "地址不超过 %d 个字",
                       ZW_PORTAL_ADDRESS_MAX_CHARS);
    if (in->has_location &&
        (!(in->lat >= -90 && in->lat <= 90) || !(in->lon >= -180 && in->lon <= 180)))
        return err_set(err, ZW_EINVAL, "lat", "经纬度超出范围（纬度 -90 至 90，经度 -180 至 180）");
    return 0;
}

static const char *dup_or_null(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

int portal_parse_submission(const char *body, size_t len, const struct services *svc,
                            struct arena *a, struct portal_submission *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *obj = NULL, *lat = NULL, *lon = NULL;
    int confidential = 0;
    const char *service = NULL, *content = NULL, *name = NULL, *phone = NULL, *address = NULL;
    const struct jfield f[] = {
        {"service", JF_STRING, true, &service, .max = 40, .label = "诉求类别"},
        {"villageId", JF_INT, true, &out->village_id, .min = 1, .max = INT64_MAX,
         .label = "所在村（社区）"},
        {"content", JF_STRING, true, &content, .max = 4 * ZW_PORTAL_CONTENT_MAX_CHARS,
         .label = "诉求内容"},
        {"name", JF_STRING, true, &name, .max = 4 * ZW_PORTAL_NAME_MAX_CHARS, .label = "姓名"},
        {"phone", JF_STRING, true, &phone, .max = ZW_PORTAL_PHONE_MAX_DIGITS, .label = "联系电话"},
        {"confidential", JF_BOOL, false, &confidential, .label = "保密"},
        {"address", JF_STRING, false, &address, .max = 4 * ZW_PORTAL_ADDRESS_MAX_CHARS,
         .nullable = true, .label = "地址"},
        {"lat", JF_ANY, false, &lat, .nullable = true, .label = "纬度"},
        {"lon", JF_ANY, false, &lon, .nullable = true, .label = "经度"},
    };
    int rc = jsonx_parse_object(body, len, &obj, err);
    if (rc)
        return rc;
    if ((rc = jsonx_unpack(obj, f, sizeof(f) / sizeof(f[0]), a, err)))
        goto out;
    bool no_lat = !lat || json_is_null(lat), no_lon = !lon || json_is_null(lon);
    if (!no_lat || !no_lon) {
        if (no_lat || no_lon || !json_is_number(lat) || !json_is_number(lon)) {
            rc = err_set(err, ZW_EINVAL, "lat", "经纬度应同时给出，且为数字");
            goto out;
        }
        out->has_location = true;
        out->lat = json_number_value(lat);
        out->lon = json_number_value(lon);
    }
    out->service = dup_or_null(a, service);
    out->content = dup_or_null(a, content);
    out->name = dup_or_null(a, name);
    out->phone = dup_or_null(a, phone);
    out->address = address && *address ? arena_strdup(a, address) : NULL;
    out->confidential = confidential;
    rc = portal_check_submission(out, svc, true, err);
out:
    /* An unknown key names itself: keep the name past the JSON it points into. */
    if (rc && err && err->field)
        err->field = arena_strdup(a, err->field);
    json_decref(obj);
    return rc;
}
