/*
 * test_pdf_cache.c - unit tests of src/domain/pdf_cache.c: a PDF is served by
 * its page's hash, copied out; the least recently used is replaced when full;
 * oversized and malformed keys are not kept.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "domain/pdf_cache.h"
#include "banned.h"

/* A 64-hex key for n. */
static const char *key(int n, char buf[65])
{
    snprintf(buf, 65, "%064x", n);
    return buf;
}

static void test_hit_and_copy(void **state)
{
    (void)state;
    pdf_cache_clear();
    struct arena a = {0};
    char k[65], *pdf;
    size_t len;
    unsigned long before = pdf_cache_drawn();
    assert_false(pdf_cache_get(key(1, k), &a, &pdf, &len));
    char doc[] = "%PDF-1.7 one";
    pdf_cache_put(key(1, k), doc, sizeof(doc));
    doc[0] = 'X'; /* the cache keeps its own copy */
    assert_true(pdf_cache_get(key(1, k), &a, &pdf, &len));
    assert_int_equal(len, sizeof(doc));
    assert_string_equal(pdf, "%PDF-1.7 one");
    pdf[0] = 'Y'; /* and hands out copies */
    assert_true(pdf_cache_get(key(1, k), &a, &pdf, &len));
    assert_int_equal(pdf[0], '%');
    assert_int_equal(pdf_cache_drawn() - before, 1);
    assert_false(pdf_cache_get(key(2, k), &a, &pdf, &len)); /* another page */
    arena_release(&a);
}

static void test_lru(void **state)
{
    (void)state;
    pdf_cache_clear();
    struct arena a = {0};
    char k[65], *pdf;
    size_t len;
    for (int i = 0; i < PDF_CACHE_SLOTS; i++)
        pdf_cache_put(key(i, k), "x", 1);
    assert_true(pdf_cache_get(key(0, k), &a, &pdf, &len)); /* 0 used again: 1 is now oldest */
    pdf_cache_put(key(100, k), "y", 1);
    assert_true(pdf_cache_get(key(0, k), &a, &pdf, &len));
    assert_false(pdf_cache_get(key(1, k), &a, &pdf, &len));
    assert_true(pdf_cache_get(key(100, k), &a, &pdf, &len));
    for (int i = 2; i < PDF_CACHE_SLOTS; i++)
        assert_true(pdf_cache_get(key(i, k), &a, &pdf, &len));
    pdf_cache_put(key(100, k), "zz", 2); /* the same page drawn twice: one slot */
    assert_true(pdf_cache_get(key(100, k), &a, &pdf, &len));
    assert_int_equal(len, 2);
    assert_true(pdf_cache_get(key(0, k), &a, &pdf, &len));
    arena_release(&a);
}

static void test_refused(void **state)
{
    (void)state;
    pdf_cache_clear();
    struct arena a = {0};
    char k[65], *pdf;
    size_t len;
    char *big = calloc(1, PDF_CACHE_MAX_BYTES + 1);
    assert_non_null(big);
    pdf_cache_put(key(7, k), big, PDF_CACHE_MAX_BYTES + 1);
    assert_false(pdf_cache_get(key(7, k), &a, &pdf, &len));
    free(big);
    pdf_cache_put("abc", "x", 1); /* not a SHA-256 */
    assert_false(pdf_cache_get("abc", &a, &pdf, &len));
    assert_false(pdf_cache_get(NULL, &a, &pdf, &len));
    pdf_cache_clear();
    arena_release(&a);
}

static const struct plain_case plain_cases[] = {
    {"pdfcache-1.1 a PDF by its page's hash, copied in and out", test_hit_and_copy},
    {"pdfcache-1.2 full: the least recently used goes; one slot per page", test_lru},
    {"pdfcache-1.3 oversized PDFs and keys that are not a SHA-256 are not kept", test_refused},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(plain_cases)];
    size_t n = PLAIN_ADD(tests, 0, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
