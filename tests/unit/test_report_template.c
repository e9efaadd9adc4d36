/*
 * test_report_template.c - unit tests of src/domain/report_template.c: the
 * template parser (headings, paragraphs joined across lines, comments,
 * placeholders with unit and decimals, {{year}} {{next_year}} {{area}}),
 * every refusal naming the file and line, and the HTML rendering (escaped,
 * figures linked to their records).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "domain/report_template.h"
#include "error.h"
#include "banned.h"

static const char DEFS[] =
    "{\"indicators\": ["
    "{\"code\": \"households\", \"name\": \"户数\", \"unit\": \"户\", \"count\": \"households\"},"
    "{\"code\": \"dibao_yuan\", \"name\": \"低保金\", \"unit\": \"万元\", \"decimals\": 2, "
    "\"sum\": \"payments\", \"field\": \"amount_fen\", \"period\": \"paid\"}]}";

static void load(struct arena *a, struct indicators *d)
{
    struct error err = {0};
    assert_int_equal(indicators_parse("t.json", DEFS, sizeof(DEFS) - 1, a, d, &err), 0);
}

static struct indicators d;
static struct arena da; /* d's, released by main */

static int parse(const char *text, struct arena *a, struct report_template *t, struct error *err)
{
    if (!d.n)
        load(&da, &d);
    return report_template_parse("reports/t.md", "t", text, strlen(text), &d, a, t, err);
}

static void test_parse_good(void **state)
{
    struct arena a = {0};
    struct report_template t;
    struct error err = {0};
    const char *text =
        "% 注释\n# {{area}}工作报告\n\n## 一、{{year}}年回顾\n\n"
        "全镇{{households}}，\n发放{{dibao_yuan|万元|4}}（{{ dibao_yuan | 元 | 0 }}）。\n"
        "\n### （一）{{next_year}}年\n\n{{households|家}}\n";
    assert_int_equal(parse(text, &a, &t, &err), 0);
    assert_string_equal(t.name, "工作报告");
    assert_string_equal(t.code, "t");
    assert_int_equal(t.n, 5);
    assert_int_equal(t.blocks[0].kind, RT_H1);
    assert_int_equal(t.blocks[1].kind, RT_H2);
    assert_int_equal(t.blocks[2].kind, RT_P);
    assert_int_equal(t.blocks[3].kind, RT_H3);
    assert_int_equal(t.nvalues, 4);
    /* the paragraph's two lines are one block: 全镇 households ， | 发放 dibao （ dibao ）。 */
    const struct rt_block *p = &t.blocks[2];
    assert_int_equal(p->n, 8);
    assert_string_equal(p->spans[3].text, "发放");
    assert_string_equal(p->spans[0].text, "全镇");
    assert_int_equal(p->spans[1].kind, RT_VALUE);
    assert_int_equal(p->spans[1].ind, 0);
    assert_null(p->spans[1].unit);
    assert_int_equal(p->spans[1].decimals, -1);
    assert_string_equal(p->spans[4].unit, "万元");
    assert_int_equal(p->spans[4].decimals, 4);
    assert_string_equal(p->spans[6].unit, "元");
    assert_int_equal(p->spans[6].decimals, 0);
    assert_int_equal(t.blocks[0].spans[0].kind, RT_AREA);
    assert_int_equal(t.blocks[3].spans[1].kind, RT_NEXT_YEAR);
    assert_string_equal(t.blocks[4].spans[0].unit, "家");
    arena_release(&a);
}

static void test_parse_bad(void **state)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"# 标题\n\n{{nope}}\n", "reports/t.md 第 3 行：未知指标“nope”"},
        {"# 标题\n{{households|万元}}\n", "第 2 行：非金额指标不能改用金额单位“万元”"},
        {"# 标题\n{{dibao_yuan|户}}\n", "第 2 行：金额指标的单位应为 元、万元 或 亿元"},
        {"# 标题\n{{dibao_yuan|万元|7}}\n", "第 2 行：小数位数应为 0 至 6"},
        {"# 标题\n{{dibao_yuan|万元|x}}\n", "第 2 行：小数位数应为 0 至 6"},
        {"# 标题\n{{dibao_yuan|万元|1|2}}\n", "第 2 行：占位符"},
        {"# 标题\n{{year|年}}\n", "第 2 行：“{{year}}”不带单位"},
        {"# 标题\n{{households\n", "第 2 行：“{{”没有配对的“}}”"},
        {"# 标题\n多余}}\n", "第 2 行：多余的“}}”"},
        {"# 标题\n#### 四级\n", "第 2 行：标题应写作"},
        {"#标题\n", "第 1 行：标题应写作"},
        {"正文\n", "reports/t.md：应以“# 标题”开始"},
        {"", "reports/t.md：应以“# 标题”开始"},
        {"# 标题\n{{dibao_yuan|<b>}}\n", "第 2 行：单位“<b>”无效"},
        /* 户数 in GBK, as Notepad saves it: refused, not silently dropped at evaluation */
        {"# \xbb\xa7\xca\xfd\n", "reports/t.md 不是 UTF-8 编码的文本文件"},
        {"# 标题\n正文\x01\n", "reports/t.md 含有控制字符"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct arena a = {0};
        struct report_template t;
        struct error err = {0};
        assert_int_equal(parse(bad[i].text, &a, &t, &err), ZW_EINVAL);
        if (!strstr(err.message, bad[i].want))
            fail_msg("%s: %s", bad[i].want, err.message);
        arena_release(&a);
    }
}

static void test_html(void **state)
{
    json_t *r = json_loads(
        "{\"title\": \"报告\", \"period\": \"2018\", \"area\": {\"id\": 7, \"name\": \"镇\"},"
        "\"blocks\": [{\"kind\": \"h1\", \"spans\": [{\"text\": \"<b>报告</b>\"}]},"
        "{\"kind\": \"p\", \"spans\": [{\"text\": \"共\"}, {\"text\": \"43户\", \"code\": "
        "\"households\", \"name\": \"户数\"}, {\"text\": \"。\"}]},"
        "{\"kind\": \"h3\", \"spans\": [{\"text\": \"（一）\"}]},"
        "{\"kind\": \"p\", \"spans\": [{\"text\": \"1件\", \"code\": \"x\", \"name\": "
        "\"\\\"><script>\"}]}]}",
        0, NULL);
    assert_non_null(r);
    struct buf b = {0};
    assert_int_equal(report_html(r, true, &b), 0);
    assert_non_null(strstr(b.ptr, "<h1>&lt;b&gt;报告&lt;/b&gt;</h1>"));
    assert_non_null(strstr(b.ptr,
                           "<p>共<a class=\"figure\" data-code=\"households\" title=\"户数\" "
                           "href=\"/indicators/households/records?period=2018&amp;areaId=7\">"
                           "43户</a>。</p>"));
    assert_non_null(strstr(b.ptr, "<h3>（一）</h3>"));
    /* an indicator's name is escaped in the link's title attribute too */
    assert_non_null(strstr(b.ptr, "title=\"&quot;&gt;&lt;script&gt;\""));
    assert_null(strstr(b.ptr, "<script>"));
    buf_release(&b);
    assert_int_equal(report_html(r, false, &b), 0); /* for the PDF: no links (doc_pdf draws h3) */
    assert_non_null(strstr(b.ptr, "<p>共43户。</p>"));
    assert_non_null(strstr(b.ptr, "<h3>（一）</h3>"));
    assert_null(strstr(b.ptr, "<a "));
    buf_release(&b);
    json_decref(r);
}

static const struct plain_case plain_cases[] = {
    {"rep-1.1 a template parses: headings, joined lines, comments, units and decimals",
     test_parse_good},
    {"rep-1.2 bad templates refused with file, line and reason", test_parse_bad},
    {"rep-1.3 HTML escapes text and links figures to their records", test_html},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(plain_cases)];
    size_t n = PLAIN_ADD(tests, 0, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    arena_release(&da);
    return rc;
}
