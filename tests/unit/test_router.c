/*
 * test_router.c - unit tests of src/http/router.c: literal and {param}
 * segments, exact matching (no prefix, no trailing slash), HEAD as GET,
 * ROUTE_NO_METHOD against ROUTE_NO_PATH, the parameter cap, route_param_get.
 */
#include <stdbool.h>
#include <string.h>

#include "cases.h"
#include "http/router.h"
#include "banned.h"

/* Each route's data is its name, so a test can tell which route matched. */
static const struct route routes[] = {
    {"GET", "/", NULL, "root", 0},
    {"GET", "/healthz", NULL, "health", 0},
    {"POST", "/api/v1/session", NULL, "session.create", 0},
    {"DELETE", "/api/v1/session", NULL, "session.delete", 0},
    {"GET", "/api/v1/me", NULL, "me", 0},
    {"GET", "/api/v1/users", NULL, "users.list", 0},
    {"POST", "/api/v1/users", NULL, "users.create", 0},
    {"GET", "/api/v1/users/{id}", NULL, "users.get", 0},
    {"PATCH", "/api/v1/users/{id}", NULL, "users.patch", 0},
    {"GET", "/api/v1/areas/{id}/children/{childId}", NULL, "areas.child", 0},
    {"GET", "/api/v1/calendar/add", NULL, "calendar.add", 0},
    {"GET", "/api/v1/calendar/{year}", NULL, "calendar.year", 0},
    {"PUT", "/api/v1/calendar/days/{date}", NULL, "calendar.put", 0},
    {"DELETE", "/api/v1/calendar/days/{date}", NULL, "calendar.delete", 0},
    {"GET", "/t/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", NULL, "eight", 0},
    {"GET", "/u/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", NULL, "nine", 0},
    {"GET", "/api/v1/me", NULL, "me.shadowed", 0},
};

struct match_case {
    const char *id;
    const char *method;
    const char *path;
    int rc;
    const char *route;  /* data of the route expected on ROUTE_FOUND */
    const char *pname;  /* a parameter to read back, or NULL */
    const char *pvalue; /* its expected value */
};

static const struct match_case match_cases[] = {
    {"router-1.1 literal", "GET", "/api/v1/me", ROUTE_FOUND, "me", NULL, NULL},
    {"router-1.2 root", "GET", "/", ROUTE_FOUND, "root", NULL, NULL},
    {"router-1.3 param", "GET", "/api/v1/users/42", ROUTE_FOUND, "users.get", "id", "42"},
    {"router-1.4 same path, other method", "PATCH", "/api/v1/users/42", ROUTE_FOUND, "users.patch",
     "id", "42"},
    {"router-1.5 two params", "GET", "/api/v1/areas/3/children/17", ROUTE_FOUND, "areas.child",
     "childId", "17"},
    {"router-1.6 first of two params", "GET", "/api/v1/areas/3/children/17", ROUTE_FOUND,
     "areas.child", "id", "3"},
    {"router-1.7 earlier literal wins over later param", "GET", "/api/v1/calendar/add", ROUTE_FOUND,
     "calendar.add", NULL, NULL},
    {"router-1.8 param after literal sibling", "GET", "/api/v1/calendar/2026", ROUTE_FOUND,
     "calendar.year", "year", "2026"},
    {"router-1.9 date param", "PUT", "/api/v1/calendar/days/2026-02-14", ROUTE_FOUND,
     "calendar.put", "date", "2026-02-14"},
    {"router-1.10 first route of equal ones wins", "GET", "/api/v1/me", ROUTE_FOUND, "me", NULL,
     NULL},
    {"router-1.11 param takes any bytes but '/'", "GET", "/api/v1/users/%E5%BC%A0 x", ROUTE_FOUND,
     "users.get", "id", "%E5%BC%A0 x"},
    {"router-1.12 dot-dot is just a value to the router", "GET", "/api/v1/users/..", ROUTE_FOUND,
     "users.get", "id", ".."},
    {"router-1.13 param that looks like a pattern", "GET", "/api/v1/users/{id}", ROUTE_FOUND,
     "users.get", "id", "{id}"},

    {"router-2.1 HEAD matches GET literal", "HEAD", "/api/v1/users", ROUTE_FOUND, "users.list",
     NULL, NULL},
    {"router-2.2 HEAD matches GET param", "HEAD", "/api/v1/users/7", ROUTE_FOUND, "users.get", "id",
     "7"},
    {"router-2.3 HEAD where only PUT and DELETE exist", "HEAD", "/api/v1/calendar/days/x",
     ROUTE_NO_METHOD, NULL, NULL, NULL},

    {"router-3.1 POST on a GET-only param path", "POST", "/api/v1/users/42", ROUTE_NO_METHOD, NULL,
     NULL, NULL},
    {"router-3.2 DELETE on a list path", "DELETE", "/api/v1/users", ROUTE_NO_METHOD, NULL, NULL,
     NULL},
    {"router-3.3 OPTIONS", "OPTIONS", "/api/v1/me", ROUTE_NO_METHOD, NULL, NULL, NULL},
    {"router-3.4 methods are case-sensitive", "get", "/api/v1/me", ROUTE_NO_METHOD, NULL, NULL,
     NULL},
    {"router-3.5 GET on POST/DELETE path", "GET", "/api/v1/session", ROUTE_NO_METHOD, NULL, NULL,
     NULL},
    {"router-3.6 empty method", "", "/api/v1/me", ROUTE_NO_METHOD, NULL, NULL, NULL},

    {"router-4.1 unknown path", "GET", "/api/v1/nothing", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.2 trailing slash on literal", "GET", "/api/v1/me/", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.3 trailing slash on list", "GET", "/api/v1/users/", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.4 trailing slash after param", "GET", "/api/v1/users/42/", ROUTE_NO_PATH, NULL, NULL,
     NULL},
    {"router-4.5 prefix of a route", "GET", "/api/v1", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.6 route is a prefix of the path", "GET", "/api/v1/users/42/roles", ROUTE_NO_PATH,
     NULL, NULL, NULL},
    {"router-4.7 longer last segment", "GET", "/api/v1/mex", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.8 shorter last segment", "GET", "/api/v1/m", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.9 no leading slash", "GET", "api/v1/me", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.10 empty path", "GET", "", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.11 double slash", "GET", "//", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.12 empty param segment", "GET", "/api/v1/users//", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.13 double slash inside", "GET", "/api//v1/me", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.14 paths are case-sensitive", "GET", "/API/V1/ME", ROUTE_NO_PATH, NULL, NULL, NULL},
    {"router-4.15 query string is not stripped here", "GET", "/api/v1/me?x=1", ROUTE_NO_PATH, NULL,
     NULL, NULL},
    {"router-4.16 missing second param", "GET", "/api/v1/areas/3/children", ROUTE_NO_PATH, NULL,
     NULL, NULL},
    {"router-4.17 dot segments are not resolved", "GET", "/api/v1/users/../me", ROUTE_NO_PATH, NULL,
     NULL, NULL},
    {"router-4.18 trailing slash on root-level route", "GET", "/healthz/", ROUTE_NO_PATH, NULL,
     NULL, NULL},

    {"router-5.1 eight params (the maximum)", "GET", "/t/1/2/3/4/5/6/7/8", ROUTE_FOUND, "eight",
     "h", "8"},
    {"router-5.2 a nine-param route never matches", "GET", "/u/1/2/3/4/5/6/7/8/9", ROUTE_NO_PATH,
     NULL, NULL, NULL},
    {"router-5.3 eight-param route with a ninth segment", "GET", "/t/1/2/3/4/5/6/7/8/9",
     ROUTE_NO_PATH, NULL, NULL, NULL},
};

static void test_match(void **state)
{
    const struct match_case *c = *state;
    struct route_match m;
    memset(&m, 0, sizeof(m));
    int rc = router_match(routes, N_CASES(routes), c->method, c->path, &m);
    assert_int_equal(rc, c->rc);
    if (rc != ROUTE_FOUND)
        return;
    assert_non_null(m.route);
    assert_string_equal((const char *)m.route->data, c->route);
    assert_true(m.route >= routes && m.route < routes + N_CASES(routes));
    size_t want_params = 0;
    for (const char *p = m.route->pattern; *p; p++)
        want_params += *p == '{';
    assert_int_equal(m.nparams, want_params);
    for (size_t i = 0; i < m.nparams; i++) {
        /* Values point into the path, names into the pattern. */
        assert_true(m.params[i].value > c->path);
        assert_true(m.params[i].value + m.params[i].value_len <= c->path + strlen(c->path));
        assert_true(m.params[i].value_len > 0);
        assert_null(memchr(m.params[i].value, '/', m.params[i].value_len));
        assert_int_equal(m.params[i].name[-1], '{');
        assert_int_equal(m.params[i].name[m.params[i].name_len], '}');
    }
    if (c->pname) {
        char buf[64];
        const char *v = route_param_get(&m, c->pname, buf, sizeof(buf));
        assert_non_null(v);
        assert_ptr_equal(v, buf);
        assert_string_equal(v, c->pvalue);
    }
}

static void test_eight_values(void **state)
{
    struct route_match m;
    const char *path = "/t/a/bb/ccc/d/e/f/g/hhhh";
    assert_int_equal(router_match(routes, N_CASES(routes), "GET", path, &m), ROUTE_FOUND);
    assert_int_equal(m.nparams, ZW_MAX_PATH_PARAMS);
    static const char *const names[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    static const char *const values[] = {"a", "bb", "ccc", "d", "e", "f", "g", "hhhh"};
    for (size_t i = 0; i < N_CASES(names); i++) {
        char buf[16];
        const char *v = route_param_get(&m, names[i], buf, sizeof(buf));
        assert_non_null(v);
        assert_string_equal(v, values[i]);
    }
}

static void test_param_get(void **state)
{
    struct route_match m;
    assert_int_equal(router_match(routes, N_CASES(routes), "GET", "/api/v1/users/12345", &m),
                     ROUTE_FOUND);
    char buf[16];
    memset(buf, 'Z', sizeof(buf));
    /* Exact fit: 5 bytes and the NUL. */
    assert_non_null(route_param_get(&m, "id", buf, 6));
    assert_string_equal(buf, "12345");
    /* One byte short: refused. */
    assert_null(route_param_get(&m, "id", buf, 5));
    assert_null(route_param_get(&m, "id", buf, 0));
    /* Names must match exactly. */
    assert_null(route_param_get(&m, "i", buf, sizeof(buf)));
    assert_null(route_param_get(&m, "idx", buf, sizeof(buf)));
    assert_null(route_param_get(&m, "ID", buf, sizeof(buf)));
    assert_null(route_param_get(&m, "", buf, sizeof(buf)));
    /* A literal route has no params. */
    assert_int_equal(router_match(routes, N_CASES(routes), "GET", "/api/v1/me", &m), ROUTE_FOUND);
    assert_int_equal(m.nparams, 0);
    assert_null(route_param_get(&m, "id", buf, sizeof(buf)));
}

static void test_no_match_leaves_m(void **state)
{
    struct route_match m;
    memset(&m, 0x5a, sizeof(m));
    struct route_match before = m;
    assert_int_equal(router_match(routes, N_CASES(routes), "GET", "/nope", &m), ROUTE_NO_PATH);
    assert_memory_equal(&m, &before, sizeof(m));
    assert_int_equal(router_match(routes, N_CASES(routes), "PUT", "/api/v1/me", &m),
                     ROUTE_NO_METHOD);
    assert_memory_equal(&m, &before, sizeof(m));
    /* An empty table matches nothing. */
    assert_int_equal(router_match(routes, 0, "GET", "/", &m), ROUTE_NO_PATH);
}

static void test_long_path(void **state)
{
    /* A path of ZW_MAX_URL_BYTES '/'-separated one-letter segments matches nothing. */
    char path[ZW_MAX_URL_BYTES + 1];
    for (size_t i = 0; i < ZW_MAX_URL_BYTES; i++)
        path[i] = i % 2 ? 'x' : '/';
    path[ZW_MAX_URL_BYTES] = '\0';
    struct route_match m;
    assert_int_equal(router_match(routes, N_CASES(routes), "GET", path, &m), ROUTE_NO_PATH);
}

static const struct plain_case plain_cases[] = {
    {"router-5.10 all eight param values", test_eight_values},
    {"router-6.1 route_param_get sizes and names", test_param_get},
    {"router-6.2 no match leaves the match untouched", test_no_match_leaves_m},
    {"router-6.3 long path", test_long_path},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(match_cases) + N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_match, match_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
