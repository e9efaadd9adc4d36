/*
 * test_casedef.c - case-type definitions (domain/casedef.c): a valid
 * definition loads with every reference resolved; each way of breaking it is
 * refused with a message that names the place.  Cases are mutations of one
 * valid definition: set (or delete) the value at a dotted path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "domain/casedef.h"
#include "banned.h"

static const char BASE[] =
    "{\"code\":\"petition\",\"name\":\"信访\",\"serial\":\"{town}信〔{year}〕{n}号\","
    "\"basis\":\"信访工作条例\","
    "\"categories\":[{\"code\":\"general\",\"name\":\"一般\"},{\"code\":\"urgent\",\"name\":"
    "\"紧急\"}],"
    "\"fields\":[{\"code\":\"decision\",\"name\":\"处理意见\",\"type\":\"choice\","
    "\"choices\":[\"支持\",\"解释说明\",\"不予支持\"]},"
    "{\"code\":\"reason\",\"name\":\"理由\",\"type\":\"text\",\"max\":2000}],"
    "\"states\":[{\"code\":\"registered\",\"name\":\"已登记\",\"initial\":true},"
    "{\"code\":\"accepted\",\"name\":\"已受理\"},"
    "{\"code\":\"hearing\",\"name\":\"听证中\"},"
    "{\"code\":\"closed\",\"name\":\"已办结\",\"final\":true,\"outcome\":\"resolved\"},"
    "{\"code\":\"rejected\",\"name\":\"不予受理\",\"final\":true,\"outcome\":\"rejected\"}],"
    "\"transitions\":["
    "{\"code\":\"accept\",\"name\":\"受理\",\"from\":[\"registered\"],\"to\":\"accepted\","
    "\"roles\":[\"staff\",\"leader\"],\"document\":\"acceptance_notice\"},"
    "{\"code\":\"reject\",\"name\":\"不予受理\",\"from\":[\"registered\"],\"to\":\"rejected\","
    "\"roles\":[\"staff\"],\"requires\":[\"reason\"]},"
    "{\"code\":\"hold_hearing\",\"name\":\"听证\",\"from\":[\"accepted\"],\"to\":\"hearing\","
    "\"roles\":[\"leader\"],\"pauses\":[\"handle\"]},"
    "{\"code\":\"end_hearing\",\"name\":\"听证结束\",\"from\":[\"hearing\"],\"to\":\"accepted\","
    "\"roles\":[\"leader\"],\"resumes\":[\"handle\"],\"requires\":[\"comment\"]},"
    "{\"code\":\"answer\",\"name\":\"出具处理意见书\",\"from\":[\"accepted\"],\"to\":\"closed\","
    "\"roles\":[\"assignee\"],\"requires\":[\"decision\",\"reason\"]},"
    "{\"code\":\"extend_handle\",\"name\":\"延期\",\"from\":[\"accepted\"],\"to\":\"accepted\","
    "\"roles\":[\"leader\"],\"requires\":[\"reason\"],\"extends\":\"handle\"},"
    "{\"code\":\"reopen\",\"name\":\"重办\",\"from\":[\"closed\"],\"to\":\"accepted\","
    "\"roles\":[\"requester\"],\"reopens\":true}],"
    "\"clocks\":["
    "{\"code\":\"accept\",\"name\":\"受理期限\",\"starts\":\"create\",\"stops\":[\"accept\","
    "\"reject\"],"
    "\"limit\":{\"amount\":15,\"unit\":\"days\"},\"warn\":{\"amount\":3,\"unit\":\"days\"}},"
    "{\"code\":\"handle\",\"name\":\"办理期限\",\"starts\":\"accept\",\"stops\":[\"answer\"],"
    "\"limits\":{\"general\":{\"amount\":60,\"unit\":\"days\"},"
    "\"urgent\":{\"amount\":5,\"unit\":\"workdays\"}},"
    "\"extension\":{\"amount\":30,\"unit\":\"days\",\"max\":1},"
    "\"escalate\":[{\"after\":{\"amount\":0,\"unit\":\"days\"},\"level\":1,\"notify\":[\"leader\"]}"
    ","
    "{\"after\":{\"amount\":3,\"unit\":\"days\"},\"level\":2,\"notify\":[\"leader\"]}]}],"
    "\"documents\":[{\"code\":\"acceptance_notice\",\"name\":\"受理告知书\"}]}";

/* Sets (value != NULL, JSON text) or deletes the value at a dotted path of root. */
static void mutate(json_t *root, const char *path, const char *value)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    json_t *cur = root;
    char *save = NULL, *tok = strtok_r(buf, ".", &save), *next;
    for (; (next = strtok_r(NULL, ".", &save)); tok = next)
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(tok, NULL, 10))
                                 : json_object_get(cur, tok);
    assert_non_null(cur);
    json_t *v = value ? json_loads(value, JSON_DECODE_ANY, NULL) : NULL;
    if (value)
        assert_non_null(v);
    if (json_is_array(cur)) {
        size_t i = strtoul(tok, NULL, 10);
        if (v)
            json_array_set_new(cur, i, v);
        else
            json_array_remove(cur, i);
    } else if (v) {
        json_object_set_new(cur, tok, v);
    } else {
        json_object_del(cur, tok);
    }
}

/* BASE with path set to value and, if path2, path2 to value2, parsed. */
static int parse_mutated2(const char *path, const char *value, const char *path2,
                          const char *value2, struct arena *a, struct case_type *t,
                          struct error *err)
{
    json_t *root = json_loads(BASE, 0, NULL);
    assert_non_null(root);
    if (path)
        mutate(root, path, value);
    if (path2)
        mutate(root, path2, value2);
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    int rc = casedef_parse("petition.json", text, strlen(text), a, t, err);
    free(text);
    return rc;
}

static int parse_mutated(const char *path, const char *value, struct arena *a, struct case_type *t,
                         struct error *err)
{
    return parse_mutated2(path, value, NULL, NULL, a, t, err);
}

static void test_valid(void **state)
{
    struct arena a = {0};
    struct case_type t;
    struct error err = {0};
    int rc = parse_mutated(NULL, NULL, &a, &t, &err);
    if (rc)
        fail_msg("casedef-1.1: %s", err.message);
    assert_string_equal(t.code, "petition");
    assert_int_equal(t.nstates, 5);
    assert_int_equal(t.initial, 0);
    assert_int_equal(t.ntransitions, 7);
    int accept = casedef_transition(&t, "accept"), answer = casedef_transition(&t, "answer");
    assert_int_equal(t.transitions[accept].to, casedef_state(&t, "accepted"));
    assert_int_equal(t.transitions[accept].document, 0);
    assert_int_equal(t.transitions[answer].nrequires, 2);
    assert_int_equal(t.transitions[answer].requires[0], 0); /* decision */
    int end = casedef_transition(&t, "end_hearing");
    assert_int_equal(t.transitions[end].requires[0], CD_REQ_COMMENT);
    assert_int_equal(t.transitions[casedef_transition(&t, "extend_handle")].extends, 1);
    assert_true(t.transitions[casedef_transition(&t, "reopen")].reopens);
    assert_int_equal(t.clocks[0].starts, CD_START_CREATE);
    assert_int_equal(t.clocks[0].nstops, 2);
    assert_int_equal(t.clocks[0].limit.amount, 15);
    assert_int_equal(t.clocks[0].limit.unit, CD_DAYS);
    assert_true(t.clocks[1].by_category);
    assert_int_equal(t.clocks[1].limits[1].amount, 5);
    assert_int_equal(t.clocks[1].limits[1].unit, CD_WORKDAYS);
    assert_int_equal(t.clocks[1].extension_max, 1);
    assert_int_equal(t.clocks[1].nescalate, 2);
    assert_int_equal(t.states[3].outcome, CD_RESOLVED);
    arena_release(&a);
}

static const struct {
    const char *id, *path, *value, *says;
} bad[] = {
    {"casedef-2.1 unknown top-level key", "owner", "\"x\"", "不认识的键“owner”"},
    {"casedef-2.2 code with capitals", "code", "\"Petition\"", "代码应为小写字母"},
    {"casedef-2.3 serial without {n}", "serial", "\"{town}信\"", "{n}"},
    {"casedef-2.4 two initial states", "states.1.initial", "true", "只能有一个初始状态"},
    {"casedef-2.5 no initial state", "states.0.initial", "false", "缺少初始状态"},
    {"casedef-2.6 final state without outcome", "states.3.outcome", NULL, "outcome"},
    {"casedef-2.7 outcome on a non-final state", "states.1.outcome", "\"resolved\"",
     "只有终结状态"},
    {"casedef-2.8 duplicate state code", "states.2.code", "\"accepted\"", "重复"},
    {"casedef-2.9 the reserved state code merged", "states.2.code", "\"merged\"", "系统保留"},
    {"casedef-3.1 transition to an unknown state", "transitions.0.to", "\"nowhere\"",
     "transitions[0].to：未知状态“nowhere”"},
    {"casedef-3.2 transition from an unknown state", "transitions.1.from.0", "\"x\"",
     "transitions[1].from[0]：未知状态"},
    {"casedef-3.3 unknown role", "transitions.0.roles.0", "\"mayor\"", "未知角色“mayor”"},
    {"casedef-3.4 no roles", "transitions.0.roles", "[]", "至少需要一个角色"},
    {"casedef-3.5 required field that does not exist", "transitions.1.requires.0", "\"why\"",
     "未知字段“why”"},
    {"casedef-3.6 undeclared document", "transitions.0.document", "\"notice\"", "未声明的文书"},
    {"casedef-3.7 extension of an unknown clock", "transitions.5.extends", "\"ghost\"",
     "未知计时“ghost”"},
    {"casedef-3.8 extension of a clock without extension", "transitions.5.extends", "\"accept\"",
     "没有 extension"},
    {"casedef-3.9 leaving a final state without reopens", "transitions.6.reopens", "false",
     "reopens: true"},
    {"casedef-3.10 duplicate transition code", "transitions.1.code", "\"accept\"", "重复"},
    {"casedef-3.11 pause of an unknown clock", "transitions.2.pauses.0", "\"x\"", "未知计时"},
    {"casedef-4.1 clock started by an unknown transition", "clocks.1.starts", "\"begin\"",
     "应为 create 或已定义的流转"},
    {"casedef-4.2 clock stopped by an unknown transition", "clocks.0.stops.0", "\"x\"", "未知流转"},
    {"casedef-4.3 bad unit", "clocks.0.limit.unit", "\"weeks\"", "单位应为"},
    {"casedef-4.4 zero limit", "clocks.0.limit.amount", "0", "amount"},
    {"casedef-4.5 limit and limits together", "clocks.0.limits",
     "{\"general\":{\"amount\":1,\"unit\":\"days\"},\"urgent\":{\"amount\":1,\"unit\":\"days\"}}",
     "必须且只能有一个"},
    {"casedef-4.6 a category without a limit", "clocks.1.limits.urgent", NULL,
     "应为每个类别各给一个期限"},
    {"casedef-4.7 extension max beyond 10", "clocks.1.extension.max", "11", "1 至 10"},
    {"casedef-4.8 escalation levels not rising", "clocks.1.escalate.1.level", "1", "逐级升高"},
    {"casedef-4.9 escalation to an unknown role", "clocks.1.escalate.0.notify.0", "\"boss\"",
     "未知角色"},
    {"casedef-5.1 a state nobody reaches", "transitions.2.to", "\"accepted\"",
     "“hearing”从初始状态无法到达"},
    {"casedef-5.2 a state with no way out", "transitions.3.to", "\"hearing\"",
     "从状态“hearing”无法到达任何终结状态"},
    {"casedef-5.3 choice field without choices", "fields.0.choices", NULL, "choices"},
    {"casedef-5.4 unknown field type", "fields.1.type", "\"blob\"", "类型应为"},
    {"casedef-5.5 field named like a built-in", "fields.1.code", "\"comment\"", "内置字段"},
    {"casedef-6.1 max_times out of range", "transitions.1.max_times", "0", "1 至 99"},
    {"casedef-6.2 after an unknown transition", "transitions.1.after",
     "{\"transition\":\"ghost\",\"times\":1}", "未知流转“ghost”"},
    {"casedef-6.3 after itself", "transitions.1.after", "{\"transition\":\"reject\",\"times\":1}",
     "不能以自身为前提"},
    {"casedef-6.4 after without times", "transitions.1.after", "{\"transition\":\"answer\"}",
     "1 至 99"},
    {"casedef-6.5 within an unknown clock", "transitions.1.within", "\"ghost\"", "未知计时“ghost”"},
    {"casedef-6.7 due_field that is not a field", "clocks.1.due_field", "\"ghost\"",
     "未知字段“ghost”"},
    {"casedef-6.8 due_field that is not a date", "clocks.1.due_field", "\"reason\"",
     "应为日期字段"},
    {"casedef-6.9 extension due_field that is not a date", "clocks.1.extension.due_field",
     "\"decision\"", "应为日期字段"},
    {"casedef-6.10 after_clock an unknown clock", "transitions.4.after_clock", "\"notice\"",
     "transitions[4].after_clock：未知计时“notice”"},
    {"casedef-6.11 after_clock not a clock code", "transitions.4.after_clock", "7", "应为非空文本"},
    {"casedef-6.12 after_clock and within on one clock", "transitions.4",
     "{\"code\":\"answer\",\"name\":\"出具处理意见书\",\"from\":[\"accepted\"],\"to\":"
     "\"closed\",\"roles\":[\"assignee\"],\"within\":\"handle\",\"after_clock\":\"handle\"}",
     "不能既是 within 又是 after_clock"},
    {"casedef-6.13 at_most of an unknown field", "transitions.1.at_most",
     "{\"field\":\"ghost\",\"max\":1}", "transitions[1].at_most.field：未知字段“ghost”"},
    {"casedef-6.14 at_most of a text field", "transitions.1.at_most",
     "{\"field\":\"reason\",\"max\":1}", "应为 integer 或 money 类型"},
    {"casedef-6.15 at_most with an unknown key", "transitions.1.at_most",
     "{\"field\":\"reason\",\"max\":1,\"min\":0}", "不认识的键“min”"},
    {"casedef-6.6 after with an unknown key", "transitions.1.after",
     "{\"transition\":\"answer\",\"times\":1,\"when\":1}", "不认识的键“when”"},
};

static void test_guards(void **state)
{
    (void)state;
    struct arena a = {0};
    struct case_type t;
    struct error err = {0};
    if (parse_mutated("transitions.1.after", "{\"transition\":\"accept\",\"times\":2}", &a, &t,
                      &err))
        fail_msg("casedef-6.7: %s", err.message);
    assert_int_equal(t.transitions[1].after, 0);
    assert_int_equal(t.transitions[1].after_times, 2);
    assert_int_equal(t.transitions[1].max_times, 0);
    assert_int_equal(t.transitions[1].within, -1);
    assert_int_equal(t.transitions[0].after, -1);
    arena_release(&a);
    if (parse_mutated("transitions.1.within", "\"accept\"", &a, &t, &err))
        fail_msg("casedef-6.7: %s", err.message);
    assert_int_equal(t.transitions[1].within, 0);
    /* after_clock: the clock's index; absent, -1 */
    assert_int_equal(t.transitions[4].after_clock, -1);
    arena_release(&a);
    if (parse_mutated("transitions.4.after_clock", "\"accept\"", &a, &t, &err))
        fail_msg("casedef-6.10: %s", err.message);
    assert_int_equal(t.transitions[4].after_clock, 0);
    assert_int_equal(t.transitions[4].within, -1);
    assert_int_equal(t.transitions[0].after_clock, -1);
    arena_release(&a);
    if (parse_mutated("transitions.6.max_times", "3", &a, &t, &err))
        fail_msg("casedef-6.7: %s", err.message);
    assert_int_equal(t.transitions[6].max_times, 3);
    assert_int_equal(t.transitions[6].at_most_field, -1);
    arena_release(&a);
    /* at_most: a money field's index and the limit in 分; a negative limit refused */
    static const char money[] =
        "[{\"code\":\"amount\",\"name\":\"金额\",\"type\":\"money\"},"
        "{\"code\":\"decision\",\"name\":\"处理意见\",\"type\":\"choice\",\"choices\":[\"支持\","
        "\"不予支持\"]},"
        "{\"code\":\"reason\",\"name\":\"理由\",\"type\":\"text\",\"max\":2000}]";
    if (parse_mutated2("fields", money, "transitions.0.at_most",
                       "{\"field\":\"amount\",\"max\":100000}", &a, &t, &err))
        fail_msg("casedef-6.16: %s", err.message);
    assert_int_equal(t.transitions[0].at_most_field, 0);
    assert_true(t.transitions[0].at_most == 100000);
    arena_release(&a);
    int rc = parse_mutated2("fields", money, "transitions.0.at_most",
                            "{\"field\":\"amount\",\"max\":-1}", &a, &t, &err);
    assert_int_equal(rc, ZW_EINVAL);
    assert_non_null(strstr(err.message, "应为不小于 0 的整数"));
    arena_release(&a);
}

static void test_bad(void **state)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct arena a = {0};
        struct case_type t;
        struct error err = {0};
        int rc = parse_mutated(bad[i].path, bad[i].value, &a, &t, &err);
        if (rc != ZW_EINVAL)
            fail_msg("%s: rc %d, want ZW_EINVAL (message \"%s\")", bad[i].id, rc, err.message);
        if (!strstr(err.message, bad[i].says))
            fail_msg("%s: message \"%s\" lacks \"%s\"", bad[i].id, err.message, bad[i].says);
        if (!strstr(err.message, "petition.json"))
            fail_msg("%s: message \"%s\" does not name the file", bad[i].id, err.message);
        arena_release(&a);
    }
}

static void test_not_json(void **state)
{
    struct arena a = {0};
    struct case_type t;
    struct error err = {0};
    assert_int_equal(casedef_parse("x.json", "{\"code\":", 8, &a, &t, &err), ZW_EJSON);
    assert_non_null(strstr(err.message, "x.json"));
    assert_int_equal(casedef_parse("x.json", "[1]", 3, &a, &t, &err), ZW_EINVAL);
    arena_release(&a);
}

static void test_shipped(void **state)
{
    /* Every definition in defs/case_types passes (run from the repository root). */
    struct arena a = {0};
    struct case_types types;
    struct error err = {0};
    if (casedef_load_dir("defs/case_types", &a, &types, &err))
        fail_msg("casedef-6.1: %s", err.message);
    for (size_t i = 0; i < types.n; i++)
        assert_non_null(casedef_find(&types, types.v[i].code));
    assert_null(casedef_find(&types, "no_such_type"));
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),    cmocka_unit_test(test_guards),  cmocka_unit_test(test_bad),
        cmocka_unit_test(test_not_json), cmocka_unit_test(test_shipped),
    };
    return cmocka_run_group_tests_name("casedef", tests, NULL, NULL);
}
