/*
 * test_documents.c - notice templates (domain/doc_template.c) and their PDF
 * (domain/doc_pdf.c): every way a template breaks the rules is refused with a
 * message naming the file (and line); rendering fills every placeholder kind
 * with escaped values; a clock's deadline across the 2026 Spring Festival
 * shows the right date; the shipped templates all load; a page becomes a PDF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "calendar.h"
#include "cases.h"
#include "domain/casedef.h"
#include "domain/doc_pdf.h"
#include "domain/documents.h"
#include "banned.h"

/* A small type: fields decision (choice), reason (text), when (date); clock handle. */
static const char TYPE[] =
    "{\"code\":\"petition\",\"name\":\"信访\",\"serial\":\"{town}信〔{year}〕{n}号\","
    "\"fields\":[{\"code\":\"decision\",\"name\":\"处理意见\",\"type\":\"choice\","
    "\"choices\":[\"支持\",\"不予支持\"]},"
    "{\"code\":\"reason\",\"name\":\"理由\",\"type\":\"text\",\"max\":2000},"
    "{\"code\":\"when\",\"name\":\"日期\",\"type\":\"date\"}],"
    "\"states\":[{\"code\":\"registered\",\"name\":\"已登记\",\"initial\":true},"
    "{\"code\":\"closed\",\"name\":\"已办结\",\"final\":true,\"outcome\":\"resolved\"}],"
    "\"transitions\":[{\"code\":\"answer\",\"name\":\"答复\",\"from\":[\"registered\"],"
    "\"to\":\"closed\",\"roles\":[\"staff\"],\"document\":\"opinion\"}],"
    "\"clocks\":[{\"code\":\"handle\",\"name\":\"办理期限\",\"starts\":\"create\","
    "\"stops\":[\"answer\"],\"limit\":{\"amount\":5,\"unit\":\"workdays\"}}],"
    "\"documents\":[{\"code\":\"opinion\",\"name\":\"处理意见书\"}]}";

static struct arena type_arena;
static struct case_type type;

static int group_setup(void **state)
{
    struct error err = {0};
    if (casedef_parse("petition.json", TYPE, sizeof(TYPE) - 1, &type_arena, &type, &err)) {
        fprintf(stderr, "type: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    arena_release(&type_arena);
    doc_pdf_shutdown();
    return 0;
}

/* ---- documents-1.x: the checker refuses ------------------------------------ */

struct bad {
    const char *id;
    const char *text;
    const char *want; /* in the message */
};

static const struct bad bad[] = {
    {"documents-1.1 not well-formed", "<article><h1>标题</h1>", "不是规范的 XHTML"},
    {"documents-1.2 script element", "<article><h1>标题</h1><script>alert(1)</script></article>",
     "不允许的元素 <script>"},
    {"documents-1.3 unknown placeholder", "<article><h1>{{nope}}</h1></article>",
     "未知的占位符 {{nope}}"},
    {"documents-1.4 unknown field", "<article><h1>t</h1><p>{{field:nope}}</p></article>",
     "没有字段“nope”"},
    {"documents-1.5 unknown clock", "<article><h1>t</h1><p>{{deadline:nope}}</p></article>",
     "没有计时“nope”"},
    {"documents-1.6 unclosed placeholder", "<article><h1>t</h1><p>{{serial</p></article>",
     "没有对应的 }}"},
    {"documents-1.7 event attribute", "<article><h1>t</h1><p onclick=\"x()\">a</p></article>",
     "不允许属性“onclick”"},
    {"documents-1.8 class not in the list", "<article><h1 class=\"center big\">t</h1></article>",
     "class “big” 不在允许的列表中"},
    {"documents-1.9 DOCTYPE with an external entity",
     "<!DOCTYPE article [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
     "<article><h1>t</h1><p>a</p></article>",
     "DOCTYPE"},
    {"documents-1.10 root is not article", "<div><h1>t</h1></div>",
     "根元素应为不带属性的 <article>"},
    {"documents-1.11 no title", "<article><p>a</p></article>", "只有一个标题 <h1>（现有 0 个）"},
    {"documents-1.12 two titles", "<article><h1>a</h1><h1>b</h1></article>", "现有 2 个"},
    {"documents-1.13 text straight in article", "<article><h1>t</h1>散落的文字</article>",
     "文字不能直接放在 <article> 中"},
    {"documents-1.14 p inside p", "<article><h1>t</h1><p>a<p>b</p></p></article>",
     "<p> 不能放在 <p> 中"},
    {"documents-1.15 undefined entity", "<article><h1>t&nbsp;</h1></article>", "不是规范的 XHTML"},
    {"documents-1.16 namespaced element",
     "<article><h1>t</h1><svg xmlns=\"http://www.w3.org/2000/svg\"></svg></article>",
     "不允许的元素 <svg>"},
    {"documents-1.17 line number", "<article>\n<h1>t</h1>\n<img src=\"x.png\"/>\n</article>",
     "第 3 行：不允许的元素 <img>"},
    {"documents-1.18 colspan out of range",
     "<article><h1>t</h1><table><tr><td colspan=\"10\">a</td></tr></table></article>",
     "colspan 应为 1 至 9"},
    {"documents-1.19 invalid UTF-8", "<article><h1>\xff\xfe</h1></article>", "不是有效的 UTF-8"},
    {"documents-1.20 text straight in a table", "<article><h1>t</h1><table>文字</table></article>",
     "文字不能直接放在 <table> 中"},
    {"documents-1.21 processing instruction", "<article><h1>t</h1><?php echo 1; ?></article>",
     "不允许处理指令"},
    {"documents-1.22 an empty placeholder", "<article><h1>{{}}</h1></article>", "为空或过长"},
};

static void test_bad(void **state)
{
    const struct bad *c = *state;
    struct arena a = {0};
    struct error err = {0};
    const struct doc_template *tpl = NULL;
    int rc = doc_template_parse("petition/opinion.html", c->text, strlen(c->text), &type, &a, &tpl,
                                &err);
    if (rc != ZW_EINVAL)
        fail_msg("%s: expected ZW_EINVAL, got %d", c->id, rc);
    if (!strstr(err.message, "petition/opinion.html") || !strstr(err.message, c->want))
        fail_msg("%s: message \"%s\" should name the file and say \"%s\"", c->id, err.message,
                 c->want);
    if (strstr(err.message, "root:"))
        fail_msg("%s: an external entity was read: %s", c->id, err.message);
    arena_release(&a);
}

/* ---- documents-2.x: rendering ------------------------------------------------ */

static const struct doc_template *parse_ok(struct arena *a, const char *text)
{
    struct error err = {0};
    const struct doc_template *tpl = NULL;
    if (doc_template_parse("petition/opinion.html", text, strlen(text), &type, a, &tpl, &err))
        fail_msg("template refused: %s", err.message);
    return tpl;
}

static void test_every_placeholder(void **state)
{
    static const char text[] =
        "<article><h1>{{document}}</h1><p class=\"serial\">{{serial}}</p>"
        "<p>{{title}}|{{content}}|{{type}}|{{town}}|{{area}}|{{requester}}|{{assignee}}|"
        "{{registered}}|{{date}}|{{user}}|{{comment}}|{{deadline}}</p>"
        "<div class=\"sign\">{{field:decision}}|{{field:reason}}|{{field:when}}|"
        "{{deadline:handle}}</div></article>";
    struct arena a = {0};
    const struct doc_template *tpl = parse_ok(&a, text);
    const char *clocks[] = {"2026年2月27日"};
    const char *fields[] = {"不予支持", "理由一", "2026年3月1日"};
    struct doc_values v = {.clocks = clocks, .fields = fields};
    const char *simple[DP_NSIMPLE] = {
        [DP_SERIAL] = "羊市信〔2026〕7号",
        [DP_TITLE] = "标题",
        [DP_CONTENT] = "内容",
        [DP_TYPE] = "信访",
        [DP_DOCUMENT] = "处理意见书",
        [DP_TOWN] = "羊市镇",
        [DP_AREA] = "灯塔村",
        [DP_REQUESTER] = "赵大爷",
        [DP_ASSIGNEE] = "李承办",
        [DP_REGISTERED] = "2026年2月1日",
        [DP_DATE] = "2026年2月2日",
        [DP_USER] = "王干事",
        [DP_COMMENT] = "意见",
        [DP_DEADLINE] = "2026年3月3日",
    };
    memcpy(v.simple, simple, sizeof(simple));
    char *out = doc_render(tpl, &v, &a, NULL);
    assert_string_equal(out,
                        "<h1>处理意见书</h1><p class=\"serial\">羊市信〔2026〕7号</p>"
                        "<p>标题|内容|信访|羊市镇|灯塔村|赵大爷|李承办|2026年2月1日|2026年2月2日|"
                        "王干事|意见|2026年3月3日</p><div class=\"sign\">不予支持|理由一|"
                        "2026年3月1日|2026年2月27日</div>");
    assert_true(doc_template_names_requester(tpl));
    arena_release(&a);
}

static void test_escaping(void **state)
{
    struct arena a = {0};
    const struct doc_template *tpl =
        parse_ok(&a, "<article><h1>A &amp; B &lt;标题&gt;</h1><p>{{title}}</p>"
                     "<p><strong>{{comment}}</strong></p><p>{{field:reason}}</p></article>");
    const char *fields[] = {NULL, "第一行\r\n第二行", NULL};
    struct doc_values v = {.fields = fields};
    v.simple[DP_TITLE] = "<script>alert(\"x\")</script>";
    v.simple[DP_COMMENT] = "O'Brien & \"Co\" </p><p onclick=x>";
    char *out = doc_render(tpl, &v, &a, NULL);
    assert_string_equal(out, "<h1>A &amp; B &lt;标题&gt;</h1>"
                             "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>"
                             "<p><strong>O&#39;Brien &amp; &quot;Co&quot; &lt;/p&gt;&lt;p "
                             "onclick=x&gt;</strong></p><p>第一行<br/>第二行</p>");
    assert_null(strstr(out, "<script"));
    assert_false(doc_template_names_requester(tpl));
    arena_release(&a);
}

static void test_blanks(void **state)
{
    struct arena a = {0};
    const struct doc_template *tpl =
        parse_ok(&a, "<article><h1>t</h1><p>{{requester}}：{{field:when}}，{{deadline:handle}}"
                     "</p></article>");
    struct doc_values v = {0};
    char *out = doc_render(tpl, &v, &a, NULL);
    assert_string_equal(out, "<h1>t</h1><p>________：________，________</p>");
    arena_release(&a);
}

static void test_table_and_comments(void **state)
{
    struct arena a = {0};
    const struct doc_template *tpl =
        parse_ok(&a, "<article><!-- 注释 --><h1>t</h1><table><tr><th>当事人</th>"
                     "<td colspan=\"3\">{{requester}}<br/>乙</td></tr></table></article>");
    struct doc_values v = {0};
    v.simple[DP_REQUESTER] = "甲";
    char *out = doc_render(tpl, &v, &a, NULL);
    assert_string_equal(out, "<h1>t</h1><table><tr><th>当事人</th><td colspan=\"3\">甲<br/>乙"
                             "</td></tr></table>");
    arena_release(&a);
}

/* A deadline 5 working days from Friday 2026-02-13 skips the Spring Festival (2-15..2-23)
 * but counts the make-up working Saturday 2-14: 2-14, 2-24, 2-25, 2-26, 2-27. */
static void test_spring_festival(void **state)
{
    FILE *f = fopen("defs/calendar/2026.json", "rb");
    assert_non_null(f);
    static char text[256 * 1024];
    size_t len = fread(text, 1, sizeof(text), f);
    fclose(f);
    struct calendar *cal = calloc(1, sizeof(*cal));
    assert_non_null(cal);
    struct error err = {0};
    assert_int_equal(calendar_load_json(cal, text, len, &err), 0);
    int64_t from = cal_local_midnight(20260213) + 10 * 3600; /* 10:00 local */
    int64_t due = calendar_add_workdays(cal, from, 5, NULL);
    char date[32];
    doc_format_date(due, date);
    assert_string_equal(date, "2026年2月27日");
    int64_t due3 = calendar_add_workdays(cal, cal_local_midnight(20260212) + 9 * 3600, 3, NULL);
    char date3[32];
    doc_format_date(due3, date3);
    assert_string_equal(date3, "2026年2月24日");
    free(cal);

    struct arena a = {0};
    const struct doc_template *tpl =
        parse_ok(&a, "<article><h1>t</h1><p>办理期限至{{deadline:handle}}。</p></article>");
    const char *clocks[] = {date};
    struct doc_values v = {.clocks = clocks};
    assert_string_equal(doc_render(tpl, &v, &a, NULL),
                        "<h1>t</h1><p>办理期限至2026年2月27日。</p>");
    arena_release(&a);
}

static void test_page(void **state)
{
    struct arena a = {0};
    char *page = doc_page("受理告知书（羊市信〔2026〕1号）<x>", "<h1>标题</h1>", &a);
    assert_non_null(strstr(page, "<title>受理告知书（羊市信〔2026〕1号）&lt;x&gt;</title>"));
    assert_non_null(strstr(page, "@page{size:A4;margin:37mm 26mm 35mm 28mm}"));
    assert_non_null(strstr(page, "Noto Serif CJK SC"));
    assert_non_null(strstr(page, "<body>\n<article>\n<h1>标题</h1>\n</article>\n</body>"));
    arena_release(&a);
}

static void test_shipped(void **state)
{
    /* Every document of every shipped case type has a template that passes. */
    struct arena a = {0};
    struct case_types types;
    struct error err = {0};
    if (casedef_load_dir("defs/case_types", &a, &types, &err) ||
        doc_template_load_dir("defs/documents", &types, &a, &err))
        fail_msg("documents-3.1: %s", err.message);
    size_t n = 0;
    for (size_t i = 0; i < types.n; i++)
        for (size_t k = 0; k < types.v[i].ndocuments; k++, n++)
            assert_non_null(types.v[i].templates[k]);
    /* 12 of the first seven procedures, 1 of identification, 3 each of 低保, 特困, 临时救助,
     * 危房改造 and the shared benefit application */
    assert_int_equal(n, 28);
    arena_release(&a);
}

static void test_missing(void **state)
{
    /* A declared document without a file stops the load, naming the file. */
    struct arena a = {0};
    struct case_type t = type;
    struct cd_named docs[] = {{"no_such_notice", "不存在的告知书"}};
    t.documents = docs;
    t.ndocuments = 1;
    struct case_types types = {.v = &t, .n = 1};
    struct error err = {0};
    assert_int_equal(doc_template_load_dir("defs/documents", &types, &a, &err), ZW_EINVAL);
    if (!strstr(err.message, "缺少文书模板 petition/no_such_notice.html"))
        fail_msg("documents-3.2: %s", err.message);
    arena_release(&a);
}

static void test_pdf(void **state)
{
    struct arena a = {0};
    char *page = doc_page("t",
                          "<h1>信访事项受理告知书</h1><p class=\"serial\">羊市信"
                          "〔2026〕1号</p><p>正文<strong>加粗</strong><br/>换行</p>"
                          "<table><tr><th>甲</th><td colspan=\"2\">乙</td></tr></table>"
                          "<div class=\"sign\">羊市镇人民政府</div>",
                          &a);
    char *pdf = NULL;
    size_t len = 0;
    struct error err = {0};
    if (doc_pdf_render(page, strlen(page), &a, &pdf, &len, &err))
        fail_msg("documents-4.1: %s", err.message);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    arena_release(&a);
}

int main(void)
{
    static const struct plain_case plain[] = {
        {"documents-2.1 every placeholder kind", test_every_placeholder},
        {"documents-2.2 values are escaped (script, quotes, newlines)", test_escaping},
        {"documents-2.3 a value missing renders as a blank line", test_blanks},
        {"documents-2.4 tables, spans and comments", test_table_and_comments},
        {"documents-2.5 a clock deadline across the 2026 Spring Festival", test_spring_festival},
        {"documents-2.6 the printable page", test_page},
        {"documents-3.1 the shipped templates load", test_shipped},
        {"documents-3.2 a missing template names the file", test_missing},
        {"documents-4.1 a page becomes a PDF", test_pdf},
    };
    struct CMUnitTest tests[N_CASES(bad) + N_CASES(plain)];
    size_t n = CASES_ADD(tests, 0, test_bad, bad);
    n = PLAIN_ADD(tests, n, plain);
    (void)n;
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
