/*
 * fuzz_json.c - libFuzzer target for request-body JSON (src/base/jsonx.c)
 * and calendar files (src/base/calendar.c).
 *
 * The input is a request body.  It goes to jsonx_parse_object and, when that
 * succeeds, to jsonx_unpack with two realistic field tables (a strict
 * "create user" body and an all-optional PATCH body), using an arena as a
 * request does.  Every error message must be valid UTF-8 (it is sent back in
 * JSON), every accepted value must respect its field's bounds, a parsed
 * object must survive jsonx_dump and parse again, and an accepted time must
 * format and parse back to itself.  The same bytes are loaded as a calendar
 * file: on error the calendar must be unchanged, on success sorted and unique.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "jsonx.h"
#include "limits.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct body {
    const char *username, *name, *password, *phone, *from;
    int64_t area_id, version;
    int enabled;
    struct jf_ids role_ids;
    json_t *extra;
    bool has_phone, has_enabled, has_roles, has_from, has_version, has_extra;
};

static size_t create_fields(struct body *b, struct jfield *f)
{
    const struct jfield table[] = {
        {.name = "username",
         .type = JF_STRING,
         .required = true,
         .out = &b->username,
         .min = 3,
         .max = ZW_USERNAME_MAX_BYTES,
         .label = "用户名"},
        {.name = "name",
         .type = JF_STRING,
         .required = true,
         .out = &b->name,
         .min = 1,
         .max = ZW_NAME_MAX_BYTES,
         .label = "姓名"},
        {.name = "password",
         .type = JF_STRING,
         .required = true,
         .out = &b->password,
         .max = ZW_PASSWORD_MAX_BYTES,
         .label = "密码"},
        {.name = "areaId",
         .type = JF_INT,
         .required = true,
         .out = &b->area_id,
         .min = 1,
         .max = INT64_MAX,
         .label = "所属区域"},
        {.name = "roleIds",
         .type = JF_IDS,
         .required = true,
         .out = &b->role_ids,
         .present = &b->has_roles,
         .max = ZW_MAX_ROLES_PER_USER,
         .label = "角色"},
        {.name = "phone",
         .type = JF_STRING,
         .out = &b->phone,
         .present = &b->has_phone,
         .max = 20,
         .nullable = true,
         .label = "电话"},
    };
    memcpy(f, table, sizeof(table));
    return sizeof(table) / sizeof(table[0]);
}

static size_t patch_fields(struct body *b, struct jfield *f)
{
    const struct jfield table[] = {
        {.name = "name",
         .type = JF_STRING,
         .out = &b->name,
         .max = ZW_NAME_MAX_BYTES,
         .label = "姓名"},
        {.name = "enabled",
         .type = JF_BOOL,
         .out = &b->enabled,
         .present = &b->has_enabled,
         .label = "启用"},
        {.name = "roleIds",
         .type = JF_IDS,
         .out = &b->role_ids,
         .present = &b->has_roles,
         .nullable = true,
         .label = "角色"},
        {.name = "version",
         .type = JF_INT,
         .out = &b->version,
         .present = &b->has_version,
         .min = 1,
         .max = INT32_MAX,
         .label = "版本"},
        {.name = "from",
         .type = JF_STRING,
         .out = &b->from,
         .present = &b->has_from,
         .max = 40,
         .label = "开始时间"},
        {.name = "phone",
         .type = JF_STRING,
         .out = &b->phone,
         .present = &b->has_phone,
         .max = 20,
         .nullable = true,
         .label = "电话"},
        {.name = "extra",
         .type = JF_ANY,
         .out = &b->extra,
         .present = &b->has_extra,
         .nullable = true},
    };
    memcpy(f, table, sizeof(table));
    return sizeof(table) / sizeof(table[0]);
}

static void check_message(const struct error *err)
{
    size_t n = strnlen(err->message, sizeof(err->message));
    if (n == sizeof(err->message) || n == 0 || !jsonx_utf8_valid(err->message, n))
        abort();
}

static void check_string(const char *s, size_t min, size_t max)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (n < min || n > max)
        abort();
}

static void check_ids(const struct jf_ids *ids, size_t max)
{
    if (ids->n > max)
        abort();
    for (size_t i = 0; i < ids->n; i++)
        if (ids->v[i] <= 0)
            abort();
}

static void check_time(const char *s)
{
    int64_t t;
    if (jsonx_parse_time(s, &t) != 0)
        return;
    /* Only times whose Shanghai date is in the supported range must round-trip. */
    if (!cal_valid_ymd(cal_local_ymd(t)))
        return;
    char out[32];
    jsonx_format_time(t, out);
    int64_t back;
    if (jsonx_parse_time(out, &back) != 0 || back != t)
        abort();
}

static void unpack_create(json_t *obj, struct arena *a)
{
    struct body b = {0};
    struct jfield f[8];
    size_t n = create_fields(&b, f);
    struct error err = {0};
    if (jsonx_unpack(obj, f, n, a, &err) != 0) {
        check_message(&err);
        return;
    }
    if (!b.username || !b.name || !b.password || !b.has_roles)
        abort();
    check_string(b.username, 3, ZW_USERNAME_MAX_BYTES);
    check_string(b.name, 1, ZW_NAME_MAX_BYTES);
    check_string(b.password, 0, ZW_PASSWORD_MAX_BYTES);
    check_string(b.phone, 0, 20);
    if (b.area_id < 1)
        abort();
    check_ids(&b.role_ids, ZW_MAX_ROLES_PER_USER);
}

static void unpack_patch(json_t *obj, struct arena *a)
{
    struct body b = {0};
    struct jfield f[8];
    size_t n = patch_fields(&b, f);
    struct error err = {0};
    if (jsonx_unpack(obj, f, n, a, &err) != 0) {
        check_message(&err);
        return;
    }
    check_string(b.name, 0, ZW_NAME_MAX_BYTES);
    check_string(b.phone, 0, 20);
    if (b.has_version && (b.version < 1 || b.version > INT32_MAX))
        abort();
    if (b.has_enabled && b.enabled != 0 && b.enabled != 1)
        abort();
    check_ids(&b.role_ids, 256);
    if (b.from)
        check_time(b.from);
}

static void check_calendar(const struct calendar *cal)
{
    if (cal->ndays > CAL_MAX_DAYS || cal->nyears > CAL_MAX_YEARS)
        abort();
    for (size_t i = 0; i < cal->ndays; i++) {
        if (!cal_valid_ymd(cal->days[i].ymd))
            abort();
        if (i > 0 && cal->days[i - 1].ymd >= cal->days[i].ymd)
            abort();
    }
}

/* A calendar with data for 2026 and a hand-set day in 2027; copied before each load. */
static struct calendar cal_base, cal_work;
static bool cal_ready;

static void fuzz_calendar(const char *text, size_t len)
{
    if (!cal_ready) {
        calendar_mark_year(&cal_base, 2026);
        calendar_set_day(&cal_base, 20260101, CAL_HOLIDAY, "元旦");
        calendar_set_day(&cal_base, 20260214, CAL_WORKDAY, "春节调休上班");
        calendar_set_day(&cal_base, 20270101, CAL_HOLIDAY, "元旦");
        cal_ready = true;
    }
    memcpy(&cal_work, &cal_base, sizeof(cal_work));
    struct error err = {0};
    int rc = calendar_load_json(&cal_work, text, len, &err);
    if (rc != 0) {
        check_message(&err);
        if (memcmp(&cal_work, &cal_base, sizeof(cal_work)) != 0)
            abort();
        return;
    }
    check_calendar(&cal_work);
    /* Days outside the loaded year are untouched. */
    if (!calendar_find(&cal_work, 20270101) && !calendar_has_year(&cal_work, 2027))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > ZW_MAX_BODY_BYTES)
        return 0;
    /* An exact-size copy, so that a read past the end is caught. */
    char *body = malloc(size ? size : 1);
    if (!body)
        abort();
    if (size)
        memcpy(body, data, size);

    json_t *obj = NULL;
    struct error err = {0};
    int rc = jsonx_parse_object(body, size, &obj, &err);
    if (rc != 0) {
        if (obj)
            abort();
        check_message(&err);
    } else {
        if (!json_is_object(obj))
            abort();
        struct arena a = {0};
        unpack_create(obj, &a);
        unpack_patch(obj, &a);
        size_t len = 0;
        char *dumped = jsonx_dump(&a, obj, &len);
        json_t *again = NULL;
        if (jsonx_parse_object(dumped, len, &again, &err) != 0)
            abort();
        if (!json_equal(obj, again))
            abort();
        json_decref(again);
        arena_release(&a);
        json_decref(obj);
    }

    fuzz_calendar(body, size);
    free(body);
    return 0;
}
