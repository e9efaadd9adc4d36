/*
 * test_jsonx.c - unit tests of src/base/jsonx.c: parsing request bodies
 * within limits, strict table-driven unpacking, and instant formatting and
 * parsing with the +08:00 offset.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "jsonx.h"
#include "limits.h"
#include "banned.h"

/* A body given as a literal, NUL bytes included. */
#define BODY(s) s, sizeof(s) - 1

/* ---- jsonx-1: jsonx_parse_object ---- */

struct parse_case {
    const char *id;
    const char *body;
    size_t len;
    int rc;
};

static const struct parse_case parse_cases[] = {
    {"jsonx-1.1 simple object", BODY("{\"a\":1}"), 0},
    {"jsonx-1.2 empty object", BODY("{}"), 0},
    {"jsonx-1.3 Chinese and a 4-byte character", BODY("{\"姓名\":\"张三😀\"}"), 0},
    {"jsonx-1.4 trailing whitespace is fine", BODY("{}\r\n\t "), 0},
    {"jsonx-1.5 brackets inside strings do not count as depth",
     BODY("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}"), 0},
    {"jsonx-1.6 escaped quote inside string", BODY("{\"a\":\"\\\"[[[\\\\\"}"), 0},

    {"jsonx-2.1 empty body", BODY(""), ZW_EJSON},
    {"jsonx-2.2 whitespace only", BODY("  \n"), ZW_EJSON},
    {"jsonx-2.3 top-level array", BODY("[1,2]"), ZW_EJSON},
    {"jsonx-2.4 top-level number", BODY("1"), ZW_EJSON},
    {"jsonx-2.5 top-level string", BODY("\"x\""), ZW_EJSON},
    {"jsonx-2.6 top-level null", BODY("null"), ZW_EJSON},
    {"jsonx-2.7 trailing garbage", BODY("{} x"), ZW_EJSON},
    {"jsonx-2.8 two objects", BODY("{}{}"), ZW_EJSON},
    {"jsonx-2.9 duplicate keys", BODY("{\"a\":1,\"a\":2}"), ZW_EJSON},
    {"jsonx-2.10 duplicate keys nested", BODY("{\"o\":{\"b\":1,\"b\":1}}"), ZW_EJSON},
    {"jsonx-2.11 truncated", BODY("{\"a\":"), ZW_EJSON},
    {"jsonx-2.12 single quotes", BODY("{'a':1}"), ZW_EJSON},
    {"jsonx-2.13 number overflowing a double", BODY("{\"a\":1e400}"), ZW_EJSON},
    {"jsonx-2.14 integer overflowing int64", BODY("{\"a\":99999999999999999999}"), ZW_EJSON},
    {"jsonx-2.15 escaped NUL", BODY("{\"a\":\"x\\u0000y\"}"), ZW_EJSON},
    {"jsonx-2.16 lone surrogate escape", BODY("{\"a\":\"\\ud800\"}"), ZW_EJSON},
    {"jsonx-2.17 trailing comma", BODY("{\"a\":1,}"), ZW_EJSON},
    {"jsonx-2.18 comment", BODY("{/* c */}"), ZW_EJSON},

    {"jsonx-3.1 invalid byte 0xFF", BODY("{\"a\":\"\xff\"}"), ZW_EUTF8},
    {"jsonx-3.2 overlong slash C0 AF", BODY("{\"a\":\"\xc0\xaf\"}"), ZW_EUTF8},
    {"jsonx-3.3 overlong 3-byte E0 80 AF", BODY("{\"a\":\"\xe0\x80\xaf\"}"), ZW_EUTF8},
    {"jsonx-3.4 raw surrogate ED A0 80", BODY("{\"a\":\"\xed\xa0\x80\"}"), ZW_EUTF8},
    {"jsonx-3.5 truncated 3-byte sequence", BODY("{\"a\":\"\xe4\xb8\"}"), ZW_EUTF8},
    {"jsonx-3.6 truncated at end of body", BODY("{\"a\":1}\xe4"), ZW_EUTF8},
    {"jsonx-3.7 above U+10FFFF", BODY("{\"a\":\"\xf4\x90\x80\x80\"}"), ZW_EUTF8},
    {"jsonx-3.8 5-byte form", BODY("{\"a\":\"\xf8\x88\x80\x80\x80\"}"), ZW_EUTF8},
    {"jsonx-3.9 raw NUL byte", BODY("{\"a\":\"x\0y\"}"), ZW_EUTF8},
    {"jsonx-3.10 stray continuation byte", BODY("{\"a\":\"\x80\"}"), ZW_EUTF8},
    {"jsonx-3.11 GBK bytes of 中文", BODY("{\"a\":\"\xd6\xd0\xce\xc4\"}"), ZW_EUTF8},
    {"jsonx-3.12 invalid UTF-8 in a key", BODY("{\"\xfe\":1}"), ZW_EUTF8},
};

static void test_parse(void **state)
{
    const struct parse_case *c = *state;
    json_t *obj = (json_t *)&obj; /* must be overwritten */
    struct error err = {0};
    int rc = jsonx_parse_object(c->body, c->len, &obj, &err);
    assert_int_equal(rc, c->rc);
    if (rc == 0) {
        assert_non_null(obj);
        assert_true(json_is_object(obj));
        json_decref(obj);
        return;
    }
    assert_null(obj);
    assert_int_equal(err.code, c->rc);
    assert_true(err.message[0] != '\0');
    assert_true(jsonx_utf8_valid(err.message, strlen(err.message)));
}

/* Nesting of `depth` levels: one object around depth - 1 arrays around a 1. */
static char *nested(int depth, size_t *len)
{
    size_t cap = (size_t)depth * 2 + 16;
    char *s = malloc(cap);
    if (!s)
        abort();
    size_t n = (size_t)snprintf(s, cap, "{\"a\":");
    for (int i = 1; i < depth; i++)
        s[n++] = '[';
    s[n++] = '1';
    for (int i = 1; i < depth; i++)
        s[n++] = ']';
    s[n++] = '}';
    s[n] = '\0';
    *len = n;
    return s;
}

struct depth_case {
    const char *id;
    int depth;
    int rc;
};

static const struct depth_case depth_cases[] = {
    {"jsonx-4.1 depth 1", 1, 0},
    {"jsonx-4.2 depth at the limit", ZW_MAX_JSON_DEPTH, 0},
    {"jsonx-4.3 depth one past the limit", ZW_MAX_JSON_DEPTH + 1, ZW_EJSON},
    {"jsonx-4.4 depth 100000", 100000, ZW_EJSON},
};

static void test_depth(void **state)
{
    const struct depth_case *c = *state;
    size_t len;
    char *body = nested(c->depth, &len);
    json_t *obj = NULL;
    struct error err = {0};
    int rc = jsonx_parse_object(body, len, &obj, &err);
    free(body);
    assert_int_equal(rc, c->rc);
    if (c->rc) {
        assert_null(obj);
        if (!strstr(err.message, "嵌套"))
            fail_msg("message \"%s\" does not mention nesting", err.message);
    }
    json_decref(obj);
}

static void test_parse_null_err(void **state)
{
    json_t *obj = NULL;
    assert_int_equal(jsonx_parse_object(BODY("[]"), &obj, NULL), ZW_EJSON);
    assert_int_equal(jsonx_parse_object(BODY("{\"\xff\":1}"), &obj, NULL), ZW_EUTF8);
    assert_null(obj);
}

struct utf8_case {
    const char *id;
    const char *s;
    size_t len;
    bool valid;
};

static const struct utf8_case utf8_cases[] = {
    {"jsonx-5.1 ASCII", BODY("abc"), true},
    {"jsonx-5.2 empty", BODY(""), true},
    {"jsonx-5.3 2-byte U+00E9", BODY("\xc3\xa9"), true},
    {"jsonx-5.4 3-byte 中", BODY("\xe4\xb8\xad"), true},
    {"jsonx-5.5 4-byte U+1F600", BODY("\xf0\x9f\x98\x80"), true},
    {"jsonx-5.6 last code point U+10FFFF", BODY("\xf4\x8f\xbf\xbf"), true},
    {"jsonx-5.7 U+D7FF just below surrogates", BODY("\xed\x9f\xbf"), true},
    {"jsonx-5.8 U+E000 just above surrogates", BODY("\xee\x80\x80"), true},
    {"jsonx-5.9 surrogate U+DFFF", BODY("\xed\xbf\xbf"), false},
    {"jsonx-5.10 overlong 4-byte F0 8F BF BF", BODY("\xf0\x8f\xbf\xbf"), false},
    {"jsonx-5.11 C1 lead byte", BODY("\xc1\xbf"), false},
    {"jsonx-5.12 continuation missing in the middle", BODY("\xe4\x41\xad"), false},
    {"jsonx-5.13 NUL", BODY("a\0b"), false},
    {"jsonx-5.14 length cuts a character", "\xe4\xb8\xad", 2, false},
};

static void test_utf8(void **state)
{
    const struct utf8_case *c = *state;
    assert_int_equal(jsonx_utf8_valid(c->s, c->len), c->valid);
}

/* ---- jsonx-6: jsonx_unpack with a realistic field table ---- */

struct user_in {
    const char *username, *name, *phone;
    int64_t area_id, age;
    int enabled;
    struct jf_ids role_ids;
    json_t *extra;
    bool has_phone, has_age, has_enabled, has_roles, has_extra;
};

#define PHONE_UNSET "unset"

/* The field table of a "create user" body; outputs in *u. */
static size_t user_fields(struct user_in *u, struct jfield *f)
{
    const struct jfield table[] = {
        {.name = "username",
         .type = JF_STRING,
         .required = true,
         .out = &u->username,
         .min = 3,
         .max = 64,
         .label = "用户名"},
        {.name = "name", .type = JF_STRING, .required = true, .out = &u->name, .label = "姓名"},
        {.name = "areaId",
         .type = JF_INT,
         .required = true,
         .out = &u->area_id,
         .min = 1,
         .max = INT64_MAX,
         .label = "所属区域"},
        {.name = "age",
         .type = JF_INT,
         .out = &u->age,
         .present = &u->has_age,
         .min = 0,
         .max = 150,
         .label = "年龄"},
        {.name = "enabled",
         .type = JF_BOOL,
         .out = &u->enabled,
         .present = &u->has_enabled,
         .label = "启用"},
        {.name = "roleIds",
         .type = JF_IDS,
         .out = &u->role_ids,
         .present = &u->has_roles,
         .max = 16,
         .label = "角色"},
        {.name = "phone",
         .type = JF_STRING,
         .out = &u->phone,
         .present = &u->has_phone,
         .max = 20,
         .nullable = true,
         .label = "电话"},
        {.name = "extra", .type = JF_ANY, .out = &u->extra, .present = &u->has_extra},
    };
    memcpy(f, table, sizeof(table));
    return N_CASES(table);
}

struct unpack_case {
    const char *id;
    const char *body;
    int rc;
    const char *field; /* expected err.field, NULL for none */
    const char *says;  /* a fragment the message must contain */
};

#define U64 "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
#define REQ "\"username\":\"zhangsan\",\"name\":\"张三\",\"areaId\":7"

static const struct unpack_case unpack_cases[] = {
    {"jsonx-6.1 required fields only", "{" REQ "}", 0, NULL, ""},
    {"jsonx-6.2 every field",
     "{" REQ ",\"age\":0,\"enabled\":false,\"roleIds\":[1,2],"
     "\"phone\":\"13800000000\",\"extra\":{\"k\":[1]}}",
     0, NULL, ""},
    {"jsonx-6.3 nullable phone null", "{" REQ ",\"phone\":null}", 0, NULL, ""},
    {"jsonx-6.4 age at upper bound", "{" REQ ",\"age\":150}", 0, NULL, ""},
    {"jsonx-6.5 username at max length (64 bytes)",
     "{\"username\":\"" U64 "\",\"name\":\"张三\",\"areaId\":7}", 0, NULL, ""},
    {"jsonx-6.6 username one byte too long",
     "{\"username\":\"" U64 "u\",\"name\":\"张三\",\"areaId\":7}", ZW_EINVAL, "username",
     "过长（最多 64 字节）"},

    {"jsonx-7.1 unknown field named", "{" REQ ",\"nickname\":\"x\"}", ZW_EUNKNOWNFIELD, "nickname",
     "nickname"},
    {"jsonx-7.2 unknown field differs only in case", "{" REQ ",\"AreaId\":1}", ZW_EUNKNOWNFIELD,
     "AreaId", "AreaId"},
    {"jsonx-7.3 long unknown key cut on a character boundary",
     "{" REQ ",\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa中文\":1}",
     ZW_EUNKNOWNFIELD, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa中文",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},

    {"jsonx-8.1 username missing", "{\"name\":\"张三\",\"areaId\":7}", ZW_EINVAL, "username",
     "缺少必填项“用户名”"},
    {"jsonx-8.2 areaId missing", "{\"username\":\"zhangsan\",\"name\":\"张三\"}", ZW_EINVAL,
     "areaId", "所属区域"},
    {"jsonx-8.3 username a number", "{\"username\":12345,\"name\":\"张三\",\"areaId\":7}",
     ZW_EINVAL, "username", "“用户名”应为文本"},
    {"jsonx-8.4 areaId a string", "{\"username\":\"zhangsan\",\"name\":\"张三\",\"areaId\":\"7\"}",
     ZW_EINVAL, "areaId", "“所属区域”应为整数"},
    {"jsonx-8.5 areaId a real", "{\"username\":\"zhangsan\",\"name\":\"张三\",\"areaId\":7.0}",
     ZW_EINVAL, "areaId", "应为整数"},
    {"jsonx-8.6 enabled a string", "{" REQ ",\"enabled\":\"true\"}", ZW_EINVAL, "enabled",
     "true 或 false"},
    {"jsonx-8.7 enabled a number", "{" REQ ",\"enabled\":1}", ZW_EINVAL, "enabled", "启用"},
    {"jsonx-8.8 roleIds an object", "{" REQ ",\"roleIds\":{}}", ZW_EINVAL, "roleIds", "角色"},
    {"jsonx-8.9 roleIds with 0", "{" REQ ",\"roleIds\":[1,0]}", ZW_EINVAL, "roleIds", "正整数"},
    {"jsonx-8.10 roleIds with negative", "{" REQ ",\"roleIds\":[-3]}", ZW_EINVAL, "roleIds",
     "正整数"},
    {"jsonx-8.11 roleIds with a string", "{" REQ ",\"roleIds\":[\"1\"]}", ZW_EINVAL, "roleIds",
     "正整数"},
    {"jsonx-8.12 roleIds over the max count",
     "{" REQ ",\"roleIds\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}", ZW_EINVAL, "roleIds",
     "最多 16 项"},
    {"jsonx-8.13 username too short", "{\"username\":\"ab\",\"name\":\"张三\",\"areaId\":7}",
     ZW_EINVAL, "username", "过短"},
    {"jsonx-8.14 phone too long", "{" REQ ",\"phone\":\"123456789012345678901\"}", ZW_EINVAL,
     "phone", "过长（最多 20 字节）"},
    {"jsonx-8.15 age above max", "{" REQ ",\"age\":151}", ZW_EINVAL, "age", "0 至 150"},
    {"jsonx-8.16 age below min", "{" REQ ",\"age\":-1}", ZW_EINVAL, "age", "超出范围"},
    {"jsonx-8.17 areaId 0 below min 1",
     "{\"username\":\"zhangsan\",\"name\":\"张三\",\"areaId\":0}", ZW_EINVAL, "areaId", "超出范围"},
    {"jsonx-8.18 username null, not nullable", "{\"username\":null,\"name\":\"张三\",\"areaId\":7}",
     ZW_EINVAL, "username", "不能为空"},
    {"jsonx-8.19 age null, not nullable", "{" REQ ",\"age\":null}", ZW_EINVAL, "age", "不能为空"},
    {"jsonx-8.20 phone a number", "{" REQ ",\"phone\":13800000000}", ZW_EINVAL, "phone",
     "应为文本"},
};

static void test_unpack(void **state)
{
    const struct unpack_case *c = *state;
    json_t *obj = NULL;
    struct error err = {0};
    assert_int_equal(jsonx_parse_object(c->body, strlen(c->body), &obj, &err), 0);
    struct user_in u = {.phone = PHONE_UNSET, .age = -99};
    struct jfield f[8];
    size_t nf = user_fields(&u, f);
    struct arena a = {0};
    int rc = jsonx_unpack(obj, f, nf, &a, &err);
    assert_int_equal(rc, c->rc);
    if (rc) {
        assert_int_equal(err.code, c->rc);
        if (c->field) {
            assert_non_null(err.field);
            assert_string_equal(err.field, c->field);
        } else {
            assert_null(err.field);
        }
        if (!strstr(err.message, c->says))
            fail_msg("message \"%s\" does not contain \"%s\"", err.message, c->says);
        /* The message goes into a JSON reply: it must stay valid UTF-8. */
        assert_true(jsonx_utf8_valid(err.message, strlen(err.message)));
    } else {
        assert_non_null(u.username);
        assert_string_equal(u.name, "张三");
        assert_int_equal(u.area_id, 7);
    }
    arena_release(&a);
    json_decref(obj);
}

static void test_unpack_outputs(void **state)
{
    static const char body[] = "{" REQ ",\"age\":0,\"enabled\":true,\"roleIds\":[3,1,2],"
                               "\"phone\":\"13800000000\",\"extra\":[1,\"x\"]}";
    json_t *obj = NULL;
    struct error err = {0};
    assert_int_equal(jsonx_parse_object(BODY(body), &obj, &err), 0);
    struct user_in u = {0};
    struct jfield f[8];
    size_t nf = user_fields(&u, f);
    struct arena a = {0};
    assert_int_equal(jsonx_unpack(obj, f, nf, &a, &err), 0);
    assert_string_equal(u.username, "zhangsan");
    assert_int_equal(u.age, 0);
    assert_true(u.has_age);
    assert_int_equal(u.enabled, 1);
    assert_true(u.has_enabled);
    assert_true(u.has_roles);
    assert_int_equal(u.role_ids.n, 3);
    assert_int_equal(u.role_ids.v[0], 3);
    assert_int_equal(u.role_ids.v[1], 1);
    assert_int_equal(u.role_ids.v[2], 2);
    assert_string_equal(u.phone, "13800000000");
    assert_true(u.has_phone);
    assert_true(json_is_array(u.extra));
    assert_ptr_equal(u.extra, json_object_get(obj, "extra"));
    /* Borrowed strings point into the json_t. */
    assert_ptr_equal(u.username, json_string_value(json_object_get(obj, "username")));
    arena_release(&a);
    json_decref(obj);
}

static void test_unpack_absent(void **state)
{
    /* Absent optional fields: outputs untouched, present flags stay false. */
    json_t *obj = NULL;
    struct error err = {0};
    assert_int_equal(jsonx_parse_object(BODY("{" REQ "}"), &obj, &err), 0);
    struct user_in u = {.phone = PHONE_UNSET, .age = -99, .enabled = 5};
    struct jf_ids sentinel = {.v = NULL, .n = 77};
    u.role_ids = sentinel;
    struct jfield f[8];
    size_t nf = user_fields(&u, f);
    struct arena a = {0};
    assert_int_equal(jsonx_unpack(obj, f, nf, &a, &err), 0);
    assert_string_equal(u.phone, PHONE_UNSET);
    assert_false(u.has_phone);
    assert_int_equal(u.age, -99);
    assert_false(u.has_age);
    assert_int_equal(u.enabled, 5);
    assert_false(u.has_enabled);
    assert_int_equal(u.role_ids.n, 77);
    assert_false(u.has_roles);
    assert_false(u.has_extra);
    arena_release(&a);
    json_decref(obj);
}

static void test_unpack_null_present(void **state)
{
    /* PATCH semantics: "phone": null clears the phone, present is true, out is NULL. */
    json_t *obj = NULL;
    struct error err = {0};
    assert_int_equal(
        jsonx_parse_object(BODY("{" REQ ",\"phone\":null,\"roleIds\":[]}"), &obj, &err), 0);
    struct user_in u = {.phone = PHONE_UNSET};
    struct jfield f[8];
    size_t nf = user_fields(&u, f);
    struct arena a = {0};
    assert_int_equal(jsonx_unpack(obj, f, nf, &a, &err), 0);
    assert_null(u.phone);
    assert_true(u.has_phone);
    assert_true(u.has_roles);
    assert_int_equal(u.role_ids.n, 0);
    assert_non_null(u.role_ids.v);
    arena_release(&a);
    json_decref(obj);
}

static void test_unpack_default_string_max(void **state)
{
    /* max 0 on a string means ZW_MAX_STRING_BYTES. */
    size_t cap = ZW_MAX_STRING_BYTES + 128;
    char *body = malloc(cap);
    assert_non_null(body);
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = (size_t)snprintf(body, cap, "{\"username\":\"abc\",\"areaId\":7,\"name\":\"");
        memset(body + n, 'n', ZW_MAX_STRING_BYTES + (size_t)extra);
        n += ZW_MAX_STRING_BYTES + (size_t)extra;
        n += (size_t)snprintf(body + n, cap - n, "\"}");
        json_t *obj = NULL;
        struct error err = {0};
        assert_int_equal(jsonx_parse_object(body, n, &obj, &err), 0);
        struct user_in u = {0};
        struct jfield f[8];
        size_t nf = user_fields(&u, f);
        struct arena a = {0};
        assert_int_equal(jsonx_unpack(obj, f, nf, &a, &err), extra ? ZW_EINVAL : 0);
        if (extra)
            assert_string_equal(err.field, "name");
        arena_release(&a);
        json_decref(obj);
    }
    free(body);
}

static void test_unpack_not_object(void **state)
{
    json_t *arr = json_array();
    struct user_in u = {0};
    struct jfield f[8];
    size_t nf = user_fields(&u, f);
    struct arena a = {0};
    struct error err = {0};
    assert_int_equal(jsonx_unpack(arr, f, nf, &a, &err), ZW_EJSON);
    assert_int_equal(jsonx_unpack(NULL, f, nf, &a, &err), ZW_EJSON);
    json_decref(arr);
    arena_release(&a);
}

/* ---- jsonx-9: instants ---- */

struct time_case {
    const char *id;
    const char *text;
    int rc;
    int64_t epoch;
};

static const struct time_case time_cases[] = {
    {"jsonx-9.1 +08:00", "2026-11-23T12:34:56+08:00", 0, 1795408496},
    {"jsonx-9.2 Z", "2026-11-23T04:34:56Z", 0, 1795408496},
    {"jsonx-9.3 +09:00", "2026-11-23T13:34:56+09:00", 0, 1795408496},
    {"jsonx-9.4 -05:00 on the previous day", "2026-11-22T23:34:56-05:00", 0, 1795408496},
    {"jsonx-9.5 date only is local midnight", "2000-01-01", 0, 946656000},
    {"jsonx-9.6 last second of a leap day", "2024-02-29T23:59:59+08:00", 0, 1709222399},
    {"jsonx-9.7 +05:30", "2026-11-23T10:04:56+05:30", 0, 1795408496},

    {"jsonx-9.20 trailing garbage after offset", "2026-11-23T12:34:56+08:00junk", ZW_EINVAL, 0},
    {"jsonx-9.21 no offset", "2026-11-23T12:34:56", ZW_EINVAL, 0},
    {"jsonx-9.22 space instead of T", "2026-11-23 12:34:56Z", ZW_EINVAL, 0},
    {"jsonx-9.23 hour 24", "2026-11-23T24:00:00Z", ZW_EINVAL, 0},
    {"jsonx-9.24 minute 60", "2026-11-23T12:60:00Z", ZW_EINVAL, 0},
    {"jsonx-9.25 second 60", "2026-11-23T12:00:60Z", ZW_EINVAL, 0},
    {"jsonx-9.26 impossible date", "2026-02-30T12:00:00Z", ZW_EINVAL, 0},
    {"jsonx-9.27 fractional seconds", "2026-11-23T12:34:56.123Z", ZW_EINVAL, 0},
    {"jsonx-9.28 one-digit offset hour", "2026-11-23T12:34:56+8:00", ZW_EINVAL, 0},
    {"jsonx-9.29 offset beyond 14 hours", "2026-11-23T12:34:56+15:00", ZW_EINVAL, 0},
    {"jsonx-9.30 spaces in place of digits", "2026-11-23T 1: 2: 3Z", ZW_EINVAL, 0},
    {"jsonx-9.31 signs in place of digits", "2026-11-23T+1:+2:+3Z", ZW_EINVAL, 0},
    {"jsonx-9.32 space in offset", "2026-11-23T12:34:56+ 8:00", ZW_EINVAL, 0},
    {"jsonx-9.33 lower-case z", "2026-11-23T12:34:56z", ZW_EINVAL, 0},
    {"jsonx-9.34 empty", "", ZW_EINVAL, 0},
    {"jsonx-9.35 offset without colon", "2026-11-23T12:34:56+0800", ZW_EINVAL, 0},
    {"jsonx-9.36 Z followed by more", "2026-11-23T12:34:56Z+08:00", ZW_EINVAL, 0},
    {"jsonx-9.37 date with trailing T", "2026-11-23T", ZW_EINVAL, 0},
};

static void test_time_parse(void **state)
{
    const struct time_case *c = *state;
    int64_t epoch = -12345;
    assert_int_equal(jsonx_parse_time(c->text, &epoch), c->rc);
    assert_int_equal(epoch, c->rc ? -12345 : c->epoch);
}

static void test_time_format(void **state)
{
    char s[32];
    jsonx_format_time(1795408496, s);
    assert_string_equal(s, "2026-11-23T12:34:56+08:00");
    jsonx_format_time(0, s);
    assert_string_equal(s, "1970-01-01T08:00:00+08:00");
    jsonx_format_time(-28800, s);
    assert_string_equal(s, "1970-01-01T00:00:00+08:00");
    jsonx_format_time(946656000 - 1, s);
    assert_string_equal(s, "1999-12-31T23:59:59+08:00");
}

static void test_time_round_trip(void **state)
{
    /* Every ~37 hours from 1950 to 2060, plus odd seconds: format then parse gives it back. */
    for (int64_t t = -631152000; t < 2840140800; t += 133337) {
        char s[32];
        jsonx_format_time(t, s);
        assert_int_equal(strlen(s), 25);
        assert_string_equal(s + 19, "+08:00");
        int64_t back = 0;
        assert_int_equal(jsonx_parse_time(s, &back), 0);
        if (back != t)
            fail_msg("%s parsed back as %lld, not %lld", s, (long long)back, (long long)t);
    }
}

static void test_time_json(void **state)
{
    json_t *n = jsonx_time(0);
    assert_true(json_is_null(n));
    json_decref(n);
    json_t *s = jsonx_time(1795408496);
    assert_true(json_is_string(s));
    assert_string_equal(json_string_value(s), "2026-11-23T12:34:56+08:00");
    json_decref(s);
}

static void test_dump(void **state)
{
    struct arena a = {0};
    json_t *v = json_pack("{s:i}", "a", 1);
    size_t len = 0;
    char *out = jsonx_dump(&a, v, &len);
    assert_string_equal(out, "{\"a\":1}");
    assert_int_equal(len, 7);
    json_decref(v);
    json_t *str = json_string("中");
    out = jsonx_dump(&a, str, NULL);
    assert_string_equal(out, "\"中\"");
    json_decref(str);
    arena_release(&a);
}

/* Messages built from a user's bytes stay valid UTF-8: err_set repairs them. */
static void test_err_utf8(void **state)
{
    (void)state;
    struct error err = {0};
    err_set(&err, ZW_EINVAL, "scheme", "没有考核方案“%.4s”", "户户"); /* cut inside 户 */
    assert_true(jsonx_utf8_valid(err.message, strlen(err.message)));
    assert_string_equal(err.message, "没有考核方案“户?”");
    err_set(&err, ZW_EINVAL, NULL, "“%s”",
            "a\xff\xed\xa0\x80"
            "b\xe6"); /* bad, surrogate, cut */
    assert_string_equal(err.message, "“a????b?”");
    err_set(&err, ZW_EINVAL, NULL, "%s", "户😀");
    assert_string_equal(err.message, "户😀");
    err_detail(&err, "x=%s", "\xc0\xaf");
    assert_string_equal(err.detail, "x=??");
}

static const struct plain_case plain_cases[] = {
    {"jsonx-9.1 error messages stay UTF-8 whatever was cut or sent", test_err_utf8},
    {"jsonx-2.30 parse without an err record", test_parse_null_err},
    {"jsonx-6.10 outputs of every type", test_unpack_outputs},
    {"jsonx-6.11 absent optional fields untouched", test_unpack_absent},
    {"jsonx-6.12 null on nullable sets present and NULL", test_unpack_null_present},
    {"jsonx-6.13 default string max is ZW_MAX_STRING_BYTES", test_unpack_default_string_max},
    {"jsonx-6.14 unpack of a non-object", test_unpack_not_object},
    {"jsonx-9.40 format", test_time_format},
    {"jsonx-9.41 format/parse round trip with +08:00", test_time_round_trip},
    {"jsonx-9.42 jsonx_time", test_time_json},
    {"jsonx-9.43 dump", test_dump},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(parse_cases) + N_CASES(depth_cases) + N_CASES(utf8_cases) +
                            N_CASES(unpack_cases) + N_CASES(time_cases) + N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_parse, parse_cases);
    n = CASES_ADD(tests, n, test_depth, depth_cases);
    n = CASES_ADD(tests, n, test_utf8, utf8_cases);
    n = CASES_ADD(tests, n, test_unpack, unpack_cases);
    n = CASES_ADD(tests, n, test_time_parse, time_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
