/*
 * cases.h - glue for table-driven cmocka tests.
 *
 * A case table is an array of structs whose first member is `const char *id`,
 * a stable id plus a short description ("idnum-1.3 lower-case x").  Each row
 * becomes one cmocka test named by that id, with the row as its state, so a
 * failure names the row and the ids stay stable when rows are added.
 */
#ifndef ZW_TEST_CASES_H
#define ZW_TEST_CASES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define N_CASES(t) (sizeof(t) / sizeof((t)[0]))

/* Appends one test per row of cases[0..n) (each row size bytes) at tests[at]; returns the new at.
 */
static inline size_t cases_add(struct CMUnitTest *tests, size_t at, CMUnitTestFunction fn,
                               const void *cases, size_t size, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *row = (const char *)cases + i * size;
        tests[at].name = *(const char *const *)(const void *)row;
        tests[at].test_func = fn;
        tests[at].setup_func = NULL;
        tests[at].teardown_func = NULL;
        tests[at].initial_state = (void *)row;
        at++;
    }
    return at;
}

#define CASES_ADD(tests, at, fn, table)                                                            \
    cases_add((tests), (at), (fn), (table), sizeof((table)[0]), N_CASES(table))

/* A test that is not table-driven: its id and its function. */
struct plain_case {
    const char *id;
    CMUnitTestFunction fn;
};

/* Appends plain[0..n) at tests[at]; returns the new at. */
static inline size_t cases_add_plain(struct CMUnitTest *tests, size_t at,
                                     const struct plain_case *plain, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tests[at].name = plain[i].id;
        tests[at].test_func = plain[i].fn;
        tests[at].setup_func = NULL;
        tests[at].teardown_func = NULL;
        tests[at].initial_state = NULL;
        at++;
    }
    return at;
}

#define PLAIN_ADD(tests, at, table) cases_add_plain((tests), (at), (table), N_CASES(table))

#endif
