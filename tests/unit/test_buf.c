/*
 * test_buf.c - unit tests of src/base/buf.c: appending, NUL termination,
 * detach/reset/release, and the hard maximum that refuses with ZW_ETOOBIG
 * and leaves the contents as they were.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cases.h"
#include "error.h"
#include "limits.h"
#include "banned.h"

static void test_zero_value(void **state)
{
    struct buf b = {0};
    assert_int_equal(buf_adds(&b, "abc"), 0);
    assert_string_equal(b.ptr, "abc");
    assert_int_equal(b.len, 3);
    assert_true(b.cap >= 4);
    buf_release(&b);
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_add_kinds(void **state)
{
    struct buf b = {0};
    assert_int_equal(buf_add(&b, "a\0b", 3), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.ptr, "a\0b", 4);
    assert_int_equal(buf_addc(&b, 'Z'), 0);
    assert_int_equal(buf_adds(&b, "户"), 0);
    assert_int_equal(buf_addf(&b, "[%d|%s|%03u]", -42, "低保", 7u), 0);
    assert_int_equal(b.len, 3 + 1 + 3 + strlen("[-42|低保|007]"));
    assert_memory_equal(b.ptr + 4, "户[-42|低保|007]", strlen("户[-42|低保|007]") + 1);
    assert_int_equal(buf_add(&b, NULL, 0), 0);
    assert_int_equal(buf_adds(&b, ""), 0);
    assert_int_equal(buf_addf(&b, "%s", ""), 0);
    assert_int_equal(b.len, 3 + 1 + 3 + strlen("[-42|低保|007]"));
    assert_int_equal(b.ptr[b.len], '\0');
    buf_release(&b);
    /* escaped for XML and HTML: the five characters, and only the n bytes given */
    assert_int_equal(buf_add_xml(&b, "<a href=\"x\">'户'&</a>tail", 22), 0);
    assert_string_equal(b.ptr, "&lt;a href=&quot;x&quot;&gt;&#39;户&#39;&amp;&lt;/a&gt;");
    buf_release(&b);
}

static void test_addf_empty_first(void **state)
{
    /* An empty format on a zero buffer still leaves a NUL-terminated "" behind. */
    struct buf b = {0};
    assert_int_equal(buf_addf(&b, "%s", ""), 0);
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    buf_release(&b);
}

static void test_growth(void **state)
{
    struct buf b = {0};
    for (int i = 0; i < 100000; i++)
        assert_int_equal(buf_addc(&b, (char)('a' + i % 26)), 0);
    assert_int_equal(b.len, 100000);
    for (int i = 0; i < 100000; i++)
        if (b.ptr[i] != (char)('a' + i % 26))
            fail_msg("byte %d wrong", i);
    assert_int_equal(b.ptr[100000], '\0');
    assert_true(b.cap > b.len);
    /* A formatted string longer than the current capacity. */
    buf_reset(&b);
    assert_int_equal(buf_addf(&b, "%*d", 300000, 5), 0);
    assert_int_equal(b.len, 300000);
    assert_int_equal(b.ptr[299999], '5');
    assert_int_equal(b.ptr[300000], '\0');
    buf_release(&b);
}

static void test_detach(void **state)
{
    struct buf b = {0};
    buf_adds(&b, "信访");
    size_t len = 0;
    char *p = buf_detach(&b, &len);
    assert_string_equal(p, "信访");
    assert_int_equal(len, strlen("信访"));
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(p);
    /* Detaching an empty buffer gives a fresh "" the caller frees. */
    p = buf_detach(&b, &len);
    assert_non_null(p);
    assert_string_equal(p, "");
    assert_int_equal(len, 0);
    free(p);
    /* len may be NULL; the buffer is reusable afterwards. */
    buf_adds(&b, "x");
    p = buf_detach(&b, NULL);
    assert_string_equal(p, "x");
    free(p);
    assert_int_equal(buf_adds(&b, "y"), 0);
    assert_string_equal(b.ptr, "y");
    buf_release(&b);
}

static void test_reset(void **state)
{
    struct buf b = {0};
    buf_adds(&b, "hello");
    size_t cap = b.cap;
    char *ptr = b.ptr;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    assert_ptr_equal(b.ptr, ptr);
    assert_int_equal(b.cap, cap);
    buf_adds(&b, "hi");
    assert_string_equal(b.ptr, "hi");
    buf_release(&b);
    /* Reset of a zero buffer is harmless. */
    struct buf z = {0};
    buf_reset(&z);
    assert_null(z.ptr);
    assert_int_equal(z.len, 0);
}

/* One append to a buffer with a max, after a first fill. */
struct max_case {
    const char *id;
    size_t max;
    size_t fill; /* bytes added first, must succeed */
    int op;      /* 0 buf_add of `more` bytes, 1 buf_addc, 2 buf_addf of `more` bytes, 3 buf_adds */
    size_t more;
    int rc;
};

static const struct max_case max_cases[] = {
    {"buf-2.1 fill to max exactly", 8, 0, 0, 8, 0},
    {"buf-2.2 one byte past max refused", 8, 0, 0, 9, ZW_ETOOBIG},
    {"buf-2.3 add 1 to a full buffer refused", 8, 8, 0, 1, ZW_ETOOBIG},
    {"buf-2.4 addc to a full buffer refused", 8, 8, 1, 1, ZW_ETOOBIG},
    {"buf-2.5 addf past max refused", 8, 5, 2, 4, ZW_ETOOBIG},
    {"buf-2.6 addf up to max", 8, 5, 2, 3, 0},
    {"buf-2.7 adds past max refused", 8, 7, 3, 2, ZW_ETOOBIG},
    {"buf-2.8 zero bytes to a full buffer accepted", 8, 8, 0, 0, 0},
    {"buf-2.9 length that would wrap size_t refused", 8, 4, 0, SIZE_MAX - 1, ZW_ETOOBIG},
    {"buf-2.10 max 1", 1, 1, 1, 1, ZW_ETOOBIG},
    {"buf-2.11 large max, large add", 1000000, 10, 0, 999990, 0},
    {"buf-2.12 large max, one past", 1000000, 10, 0, 999991, ZW_ETOOBIG},
};

static void test_max(void **state)
{
    const struct max_case *c = *state;
    struct buf b = {.max = c->max};
    size_t datalen = c->max + 16;
    char *data = malloc(datalen);
    assert_non_null(data);
    memset(data, 'q', datalen);
    assert_int_equal(buf_add(&b, data, c->fill), 0);
    char *before = malloc(c->fill + 1);
    assert_non_null(before);
    if (b.ptr)
        memcpy(before, b.ptr, c->fill + 1);
    int rc;
    switch (c->op) {
    case 0:
        rc = buf_add(&b, c->more <= datalen ? data : NULL, c->more);
        break;
    case 1:
        rc = buf_addc(&b, 'c');
        break;
    case 2:
        rc = buf_addf(&b, "%*s", (int)c->more, "f");
        break;
    default:
        data[c->more] = '\0';
        rc = buf_adds(&b, data);
        break;
    }
    assert_int_equal(rc, c->rc);
    if (rc) {
        assert_int_equal(b.len, c->fill);
        if (b.ptr)
            assert_memory_equal(b.ptr, before, c->fill + 1);
    } else {
        assert_int_equal(b.len, c->fill + c->more);
        assert_int_equal(b.ptr[b.len], '\0');
    }
    /* Never more than max + 1 bytes held. */
    assert_true(b.cap <= c->max + 1);
    assert_true(b.len <= c->max);
    buf_release(&b);
    free(before);
    free(data);
}

static void test_default_max(void **state)
{
    /* max 0 means ZW_BUF_MAX_BYTES: refused before anything is read or allocated. */
    struct buf b = {0};
    static const char small[1];
    assert_int_equal(buf_add(&b, small, (size_t)ZW_BUF_MAX_BYTES + 1), ZW_ETOOBIG);
    assert_null(b.ptr);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_add(&b, small, SIZE_MAX), ZW_ETOOBIG);
    assert_null(b.ptr);
}

static void test_max_survives_release(void **state)
{
    struct buf b = {.max = 4};
    assert_int_equal(buf_adds(&b, "abcd"), 0);
    buf_release(&b);
    assert_int_equal(buf_adds(&b, "abcde"), ZW_ETOOBIG);
    char *p = buf_detach(&b, NULL);
    free(p);
    assert_int_equal(buf_adds(&b, "abcde"), ZW_ETOOBIG);
    buf_release(&b);
}

static void test_read_file(void **state)
{
    char path[] = "/tmp/zw-buf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "户籍台账\n第二行";
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
    close(fd);
    struct buf b = {0};
    assert_int_equal(buf_read_file(&b, path), 0);
    assert_string_equal(b.ptr, text);
    buf_release(&b);
    struct buf small = {.max = 4};
    assert_int_equal(buf_read_file(&small, path), ZW_ETOOBIG);
    buf_release(&small);
    unlink(path);
    assert_int_equal(buf_read_file(&b, path), ZW_ENOTFOUND);
    assert_null(b.ptr);
}

static const struct plain_case plain_cases[] = {
    {"buf-1.1 zero value is an empty buffer", test_zero_value},
    {"buf-1.2 add, addc, adds, addf", test_add_kinds},
    {"buf-1.3 addf of nothing on a zero buffer", test_addf_empty_first},
    {"buf-1.4 growth keeps contents", test_growth},
    {"buf-1.5 detach hands over ownership", test_detach},
    {"buf-1.6 reset keeps memory", test_reset},
    {"buf-2.20 default max refuses huge lengths", test_default_max},
    {"buf-2.21 max kept across release and detach", test_max_survives_release},
    {"buf-3.1 read_file: a whole file, too big for max, missing", test_read_file},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(max_cases) + N_CASES(plain_cases)];
    size_t n = PLAIN_ADD(tests, 0, plain_cases);
    n = CASES_ADD(tests, n, test_max, max_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
