/*
 * test_arena.c - unit tests of src/base/arena.c: alignment, growth across
 * blocks, string helpers, release, and the aborts on overflow and on the
 * per-arena maximum (checked in a forked child).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "cases.h"
#include "limits.h"
#include "banned.h"

#define ALIGN (_Alignof(max_align_t))

static bool aligned(const void *p)
{
    return (uintptr_t)p % ALIGN == 0;
}

struct size_case {
    const char *id;
    size_t size;
};

static const struct size_case size_cases[] = {
    {"arena-1.1 size 0", 0},
    {"arena-1.2 size 1", 1},
    {"arena-1.3 size 3", 3},
    {"arena-1.4 size of max_align_t", sizeof(max_align_t)},
    {"arena-1.5 size 17", 17},
    {"arena-1.6 size 1000", 1000},
    {"arena-1.7 one block exactly", ZW_ARENA_BLOCK_BYTES},
    {"arena-1.8 one byte more than a block", ZW_ARENA_BLOCK_BYTES + 1},
    {"arena-1.9 large (1 MB)", 1024 * 1024},
};

/* Two allocations of the size after a small one: aligned, writable, not overlapping. */
static void test_size(void **state)
{
    const struct size_case *c = *state;
    struct arena a = {0};
    char *first = arena_alloc(&a, 5);
    memset(first, 0x11, 5);
    unsigned char *p = arena_alloc(&a, c->size);
    unsigned char *q = arena_alloc(&a, c->size);
    assert_non_null(p);
    assert_non_null(q);
    assert_true(aligned(p));
    assert_true(aligned(q));
    memset(p, 0xAA, c->size);
    memset(q, 0xBB, c->size);
    for (size_t i = 0; i < c->size; i++)
        if (p[i] != 0xAA)
            fail_msg("byte %zu of the first allocation overwritten", i);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(first[i], 0x11);
    assert_true(a.total >= ZW_ARENA_BLOCK_BYTES);
    arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
}

static void test_many_small(void **state)
{
    struct arena a = {0};
    enum { N = 20000 };
    uint32_t **ptrs = malloc(N * sizeof(*ptrs));
    assert_non_null(ptrs);
    for (uint32_t i = 0; i < N; i++) {
        ptrs[i] = arena_alloc(&a, 3 * sizeof(uint32_t));
        assert_true(aligned(ptrs[i]));
        ptrs[i][0] = i;
        ptrs[i][1] = ~i;
        ptrs[i][2] = i * 7;
    }
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(ptrs[i][0], i);
        assert_int_equal(ptrs[i][1], ~i);
        assert_int_equal(ptrs[i][2], i * 7);
    }
    /* 20000 rounded-up 16-byte pieces need more than one block. */
    assert_true(a.total > ZW_ARENA_BLOCK_BYTES);
    arena_release(&a);
    free(ptrs);
}

static void test_total(void **state)
{
    struct arena a = {0};
    assert_int_equal(a.total, 0);
    arena_alloc(&a, 1);
    assert_int_equal(a.total, ZW_ARENA_BLOCK_BYTES);
    arena_alloc(&a, 100);
    assert_int_equal(a.total, ZW_ARENA_BLOCK_BYTES);
    /* A large request gets a block of its own size. */
    arena_alloc(&a, 3 * ZW_ARENA_BLOCK_BYTES);
    assert_int_equal(a.total, 4 * ZW_ARENA_BLOCK_BYTES);
    arena_release(&a);
    assert_int_equal(a.total, 0);
    /* Reusable after release. */
    char *s = arena_strdup(&a, "again");
    assert_string_equal(s, "again");
    assert_int_equal(a.total, ZW_ARENA_BLOCK_BYTES);
    arena_release(&a);
    /* Releasing an empty arena is harmless, twice. */
    arena_release(&a);
    arena_release(&a);
    assert_null(a.head);
}

static void test_arena_calloc(void **state)
{
    struct arena a = {0};
    /* Dirty a block, then take zeroed memory from what follows. */
    unsigned char *dirty = arena_alloc(&a, 256);
    memset(dirty, 0xFF, 256);
    uint64_t *z = arena_calloc(&a, 100, sizeof(uint64_t));
    assert_true(aligned(z));
    for (int i = 0; i < 100; i++)
        assert_int_equal(z[i], 0);
    void *none = arena_calloc(&a, 0, 8);
    assert_non_null(none);
    arena_release(&a);
}

struct str_case {
    const char *id;
    const char *src;
    size_t n; /* strndup length */
    const char *want;
};

static const struct str_case strndup_cases[] = {
    {"arena-2.1 strndup whole", "户籍", 6, "户籍"},
    {"arena-2.2 strndup prefix", "abcdef", 3, "abc"},
    {"arena-2.3 strndup zero", "abc", 0, ""},
    {"arena-2.4 strndup stops at n, not at NUL beyond", "ab\0cd", 2, "ab"},
};

static void test_strndup(void **state)
{
    const struct str_case *c = *state;
    struct arena a = {0};
    char *s = arena_strndup(&a, c->src, c->n);
    assert_string_equal(s, c->want);
    assert_int_equal(strlen(s), strlen(c->want));
    assert_ptr_not_equal(s, c->src);
    arena_release(&a);
}

static void test_strdup_printf(void **state)
{
    struct arena a = {0};
    char src[] = "社会救助";
    char *s = arena_strdup(&a, src);
    src[0] = 'X';
    assert_string_equal(s, "社会救助");
    char *p = arena_printf(&a, "%s-%d-%05.1f", "低保", 110, 3.14159);
    assert_string_equal(p, "低保-110-003.1");
    /* Output longer than a block. */
    char *big = arena_printf(&a, "%*s|", ZW_ARENA_BLOCK_BYTES * 2, "x");
    assert_int_equal(strlen(big), ZW_ARENA_BLOCK_BYTES * 2 + 1);
    assert_int_equal(big[ZW_ARENA_BLOCK_BYTES * 2 - 1], 'x');
    assert_int_equal(big[ZW_ARENA_BLOCK_BYTES * 2], '|');
    char *e = arena_printf(&a, "%s", "");
    assert_string_equal(e, "");
    arena_release(&a);
}

/* Runs fn in a child with stderr silenced; true if the child died of SIGABRT. */
static bool aborts(void (*fn)(void))
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, STDERR_FILENO);
        fn();
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void past_max(void)
{
    struct arena a = {0};
    arena_alloc(&a, (size_t)ZW_ARENA_MAX_BYTES + 1);
}

static void past_max_in_steps(void)
{
    struct arena a = {0};
    for (int i = 0; i < 1000; i++)
        arena_alloc(&a, 1024 * 1024);
}

static void size_overflow(void)
{
    struct arena a = {0};
    arena_alloc(&a, SIZE_MAX - 3);
}

/* The total + cap check must not wrap once the arena holds a block. */
static void size_overflow_after_block(void)
{
    struct arena a = {0};
    arena_alloc(&a, 1);
    arena_alloc(&a, SIZE_MAX - 100);
}

static void calloc_overflow(void)
{
    struct arena a = {0};
    arena_calloc(&a, SIZE_MAX / 2, 4);
}

static void fits_max(void)
{
    struct arena a = {0};
    arena_alloc(&a, ZW_ARENA_MAX_BYTES / 2);
    arena_release(&a);
}

struct abort_case {
    const char *id;
    void (*fn)(void);
    bool aborts;
};

static const struct abort_case abort_cases[] = {
    {"arena-3.1 one request past the maximum aborts", past_max, true},
    {"arena-3.2 many requests past the maximum abort", past_max_in_steps, true},
    {"arena-3.3 size overflow aborts", size_overflow, true},
    {"arena-3.4 size overflow with a block already held aborts", size_overflow_after_block, true},
    {"arena-3.5 calloc n * size overflow aborts", calloc_overflow, true},
    {"arena-3.6 half the maximum does not abort", fits_max, false},
};

static void test_abort(void **state)
{
    const struct abort_case *c = *state;
    assert_int_equal(aborts(c->fn), c->aborts);
}

static const struct plain_case plain_cases[] = {
    {"arena-4.1 20000 small allocations keep their values", test_many_small},
    {"arena-4.2 total counts blocks; release empties", test_total},
    {"arena-4.3 calloc zero-fills", test_arena_calloc},
    {"arena-4.4 strdup copies, printf formats", test_strdup_printf},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(size_cases) + N_CASES(strndup_cases) + N_CASES(abort_cases) +
                            N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_size, size_cases);
    n = CASES_ADD(tests, n, test_strndup, strndup_cases);
    n = CASES_ADD(tests, n, test_abort, abort_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
