/*
 * test_stmtcache.c - the drivers' statement caches: more distinct statements
 * than the cache holds all run correctly (least recently used evicted and
 * prepared again when needed), a statement in use is never evicted, and
 * composed (non-static) SQL texts are keyed by content, not by address.
 * SQLite always; PostgreSQL too when ZHENWU_TEST_PG names a server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "limits.h"
#include "store/db.h"
#include "banned.h"

static int64_t run_sum(struct db *db, int k, int64_t x)
{
    char sql[96];
    struct error err = {0};
    struct db_stmt *st;
    /* A composed text in a stack buffer that is reused for every statement. */
    snprintf(sql, sizeof(sql), "SELECT CAST($1 AS BIGINT) + %d", k);
    if (db_prepare(db, sql, &st, &err))
        fail_msg("prepare %d: %s", k, err.detail);
    db_bind_int(st, 1, x);
    int rc = db_step(st, &err);
    int64_t v = rc == DB_ROW ? db_col_int(st, 0) : -1;
    db_finish(st);
    return v;
}

static void exercise(struct db *db)
{
    int n = ZW_STMT_CACHE_SIZE * 2 + 7;
    for (int round = 0; round < 2; round++)
        for (int k = 0; k < n; k++)
            assert_int_equal(run_sum(db, k, 1000 * round), 1000 * round + k);
    /* One statement held open while the cache turns over: it stays valid. */
    struct error err = {0};
    struct db_stmt *held;
    assert_int_equal(db_prepare(db, "SELECT CAST($1 AS BIGINT) * 2", &held, &err), 0);
    db_bind_int(held, 1, 21);
    for (int k = 0; k < n; k++)
        assert_int_equal(run_sum(db, k, 5), 5 + k);
    assert_int_equal(db_step(held, &err), DB_ROW);
    assert_int_equal(db_col_int(held, 0), 42);
    db_finish(held);
}

static void test_sqlite(void **state)
{
    (void)state;
    char path[] = "/tmp/zw-stmtcache-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct db *db;
    struct error err = {0};
    if (db_open(path, &db, &err))
        fail_msg("open: %s", err.detail);
    exercise(db);
    db_close(db);
    unlink(path);
}

static void test_pg(void **state)
{
    (void)state;
    const char *url = getenv("ZHENWU_TEST_PG");
    if (!url || !*url)
        skip();
    char target[512];
    snprintf(target, sizeof(target), "%s/postgres", url);
    struct db *db;
    struct error err = {0};
    if (db_open(target, &db, &err))
        fail_msg("open %s: %s", target, err.detail);
    exercise(db);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite),
        cmocka_unit_test(test_pg),
    };
    return cmocka_run_group_tests_name("stmtcache", tests, NULL, NULL);
}
