/*
 * test_notices.c - the privacy rules of public notices in C: names masked for
 * a public page (base/mask.c mask_name), notice templates that may only place
 * the columns of their kind's whitelist inside the one repeated line
 * (domain/doc_template.c doc_template_parse_notice), the rows rendered once
 * per record with escaped values, and the shipped defs/notices templates load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "mask.h"
#include "domain/doc_template.h"
#include "domain/notices.h"
#include "banned.h"

static void test_mask_name(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"张三丰", "张*丰"}, {"张三", "张*"}, {"欧阳娜娜", "欧**娜"},
        {"李", "*"},         {"", ""},        {"阿依古丽·买买提", "阿******提"},
        {"Tom", "T*m"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[MASK_NAME_MAX];
        mask_name(cases[i][0], out);
        assert_string_equal(out, cases[i][1]);
    }
    char out[MASK_NAME_MAX];
    mask_name(NULL, out);
    assert_string_equal(out, "");
}

static const char *const NAMES[] = {"title", "village"};
static const char *const COLS[] = {"seq", "name", "amount"};
static const struct doc_notice_spec SPEC = {NAMES, 2, COLS, 3};

static int parse(const char *text, struct arena *a, const struct doc_template **tpl,
                 struct error *err)
{
    return doc_template_parse_notice("notices/t.html", text, strlen(text), &SPEC, a, tpl, err);
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        /* a column outside the whitelist: an ID number cannot be placed */
        {"<article><h1>{{title}}</h1><table><tr class=\"rows\"><td>{{col:id_number}}</td></tr>"
         "</table></article>",
         "id_number"},
        /* a column outside the repeated line */
        {"<article><h1>{{col:name}}</h1><table><tr class=\"rows\"><td>{{col:seq}}</td></tr>"
         "</table></article>",
         "只能放在"},
        /* no repeated line */
        {"<article><h1>{{title}}</h1></article>", "rows"},
        /* two repeated lines */
        {"<article><h1>x</h1><table><tr class=\"rows\"><td>{{col:seq}}</td></tr><tr "
         "class=\"rows\"><td>{{col:seq}}</td></tr></table></article>",
         "只能有一行"},
        /* a case placeholder has no meaning here */
        {"<article><h1>{{requester}}</h1><table><tr class=\"rows\"><td>x</td></tr></table>"
         "</article>",
         "未知的占位符"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct arena a = {0};
        const struct doc_template *tpl = NULL;
        struct error err = {0};
        assert_int_equal(parse(bad[i][0], &a, &tpl, &err), ZW_EINVAL);
        if (!strstr(err.message, bad[i][1]))
            fail_msg("case %zu: %s", i, err.message);
        arena_release(&a);
    }
}

static void test_rows(void **state)
{
    (void)state;
    struct arena a = {0};
    const struct doc_template *tpl = NULL;
    struct error err = {0};
    assert_int_equal(parse("<article><h1>{{title}}</h1><p>{{village}}</p><table><tr><th>序号</th>"
                           "</tr><tr class=\"rows\"><td>{{col:seq}}</td><td>{{col:name}}</td>"
                           "<td class=\"right\">{{col:amount}}</td></tr></table></article>",
                           &a, &tpl, &err),
                     0);
    const char *names[] = {"公示<一>", "灯塔村"};
    const char *cells[] = {"1", "张*丰", "10.00", "2", "李&四", NULL};
    char *out = doc_render_notice(tpl, names, cells, 2, 3, &a, NULL);
    assert_non_null(strstr(out, "<h1>公示&lt;一&gt;</h1>"));
    assert_non_null(strstr(out, "<tr><td>1</td><td>张*丰</td><td class=\"right\">10.00</td></tr>"
                                "<tr><td>2</td><td>李&amp;四</td><td class=\"right\"></td></tr>"));
    assert_non_null(strstr(out, "<th>序号</th>"));
    /* no records: the header stays, no line */
    out = doc_render_notice(tpl, names, cells, 0, 3, &a, NULL);
    assert_null(strstr(out, "<td>"));
    assert_non_null(strstr(out, "<th>序号</th>"));
    arena_release(&a);
}

static void test_shipped(void **state)
{
    (void)state;
    struct arena a = {0};
    struct notice_defs d;
    struct error err = {0};
    if (notices_load("defs", NULL, NULL, &a, &d, &err))
        fail_msg("%s", err.message);
    assert_int_equal(d.n, 4);
    const struct notice_kind *k = notices_kind(&d, "dibao");
    assert_non_null(k);
    assert_int_equal(k->days, 7);
    for (size_t i = 0; i < d.n; i++)
        for (size_t c = 0; c < d.v[i].ncols; c++)
            assert_null(strstr(d.v[i].cols[c], "id"));
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_name),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_shipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
