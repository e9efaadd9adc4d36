/*
 * test_jsonw.c - unit tests of src/base/jsonw.c: the flat object writer
 * behind the registry's history snapshots.  Every text it writes must parse
 * back (jansson) to the same values; empty fields are left out; a full
 * buffer is reported, not truncated into invalid JSON.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cases.h"
#include "error.h"
#include "jsonw.h"
#include "banned.h"

static json_t *parse(const struct buf *b)
{
    json_error_t e;
    json_t *j = json_loads(b->ptr, 0, &e);
    if (!j)
        fail_msg("not JSON: %s (%s)", b->ptr, e.text);
    return j;
}

static void test_fields(void **state)
{
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    jw_str(&w, "name", "张三");
    jw_str(&w, "phone", NULL);
    jw_int(&w, "count", 4);
    jw_int(&w, "neg", INT64_MIN);
    jw_int(&w, "zero", 0);
    jw_id(&w, "groupId", 0);
    jw_id(&w, "gridId", 1234567890123LL);
    jw_bool(&w, "ok", true);
    jw_bool(&w, "no", false);
    assert_int_equal(jw_close(&w), 0);
    assert_string_equal(b.ptr, "{\"name\":\"张三\",\"count\":4,\"neg\":-9223372036854775808,"
                               "\"zero\":0,\"gridId\":1234567890123,\"ok\":true,\"no\":false}");
    json_t *j = parse(&b);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "张三");
    assert_null(json_object_get(j, "phone"));
    assert_null(json_object_get(j, "groupId"));
    assert_true(json_integer_value(json_object_get(j, "neg")) == INT64_MIN);
    json_decref(j);
    buf_release(&b);
}

static void test_empty(void **state)
{
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    jw_str(&w, "a", NULL);
    assert_int_equal(jw_close(&w), 0);
    assert_string_equal(b.ptr, "{}");
    /* Reused: open empties the buffer. */
    jw_open(&w, &b);
    jw_str(&w, "a", "");
    assert_int_equal(jw_close(&w), 0);
    assert_string_equal(b.ptr, "{\"a\":\"\"}");
    buf_release(&b);
}

/* Every byte that needs escaping, and UTF-8 untouched, round-trips. */
static void test_escapes(void **state)
{
    char s[64];
    size_t n = 0;
    for (int c = 1; c < 0x20; c++)
        s[n++] = (char)c;
    memcpy(s + n, "\"\\/户 end", sizeof("\"\\/户 end"));
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    jw_str(&w, "s", s);
    jw_str(&w, "t", "a\"b");
    assert_int_equal(jw_close(&w), 0);
    assert_non_null(strstr(b.ptr, "\\n"));
    assert_non_null(strstr(b.ptr, "\\u001f"));
    assert_non_null(strstr(b.ptr, "a\\\"b"));
    json_t *j = parse(&b);
    assert_string_equal(json_string_value(json_object_get(j, "s")), s);
    assert_string_equal(json_string_value(json_object_get(j, "t")), "a\"b");
    json_decref(j);
    buf_release(&b);
}

/* A value past the buffer's maximum: an error from close, never a cut text. */
static void test_too_big(void **state)
{
    struct buf b = {.max = 16};
    struct jsonw w;
    jw_open(&w, &b);
    jw_str(&w, "k", "01234567");
    assert_int_equal(jw_close(&w), 0); /* 16 bytes: fits */
    assert_string_equal(b.ptr, "{\"k\":\"01234567\"}");
    jw_open(&w, &b);
    jw_str(&w, "k", "0123456789abcdef");
    jw_int(&w, "n", 1);
    assert_int_equal(jw_close(&w), ZW_ETOOBIG);
    buf_release(&b);
}

static const struct plain_case plain_cases[] = {
    {"jsonw-1.1 strings, ints, ids and booleans; NULL and zero ids left out", test_fields},
    {"jsonw-1.2 an object with nothing set is {}; open reuses the buffer", test_empty},
    {"jsonw-1.3 control characters, quotes and backslashes round-trip through jansson",
     test_escapes},
    {"jsonw-2.1 a full buffer is an error, not a truncated object", test_too_big},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(plain_cases)];
    size_t n = PLAIN_ADD(tests, 0, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
