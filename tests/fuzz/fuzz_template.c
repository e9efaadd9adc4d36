/*
 * fuzz_template.c - libFuzzer target for the notice-template checker
 * (domain/doc_template.c, on libxml2): any bytes must be refused with a Chinese
 * message in valid UTF-8, or accepted as a template whose rendering of
 * hostile values is well-formed enough that no value opens a tag.
 */
#include <stdint.h>
#include <string.h>

#include "domain/casedef.h"
#include "domain/doc_template.h"
#include "jsonx.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char TYPE[] =
    "{\"code\":\"petition\",\"name\":\"信访\",\"serial\":\"{n}\","
    "\"fields\":[{\"code\":\"reason\",\"name\":\"理由\",\"type\":\"text\",\"max\":100}],"
    "\"states\":[{\"code\":\"a\",\"name\":\"甲\",\"initial\":true},"
    "{\"code\":\"b\",\"name\":\"乙\",\"final\":true,\"outcome\":\"resolved\"}],"
    "\"transitions\":[{\"code\":\"go\",\"name\":\"走\",\"from\":[\"a\"],\"to\":\"b\","
    "\"roles\":[\"staff\"]}],"
    "\"clocks\":[{\"code\":\"handle\",\"name\":\"期限\",\"starts\":\"create\",\"stops\":[\"go\"],"
    "\"limit\":{\"amount\":5,\"unit\":\"days\"}}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct arena type_arena;
    static struct case_type type;
    static int ready;
    struct error err = {0};
    if (!ready) {
        if (casedef_parse("t.json", TYPE, sizeof(TYPE) - 1, &type_arena, &type, &err))
            __builtin_trap();
        ready = 1;
    }
    struct arena a = {0};
    const struct doc_template *tpl = NULL;
    if (doc_template_parse("fuzz/x.html", (const char *)data, size, &type, &a, &tpl, &err) == 0) {
        static const char *const hostile = "<script>\"'&</p>";
        const char *fields[] = {hostile};
        const char *clocks[] = {hostile};
        struct doc_values v = {.fields = fields, .clocks = clocks};
        for (int i = 0; i < DP_NSIMPLE; i++)
            v.simple[i] = hostile;
        char *out = doc_render(tpl, &v, &a, NULL);
        if (strstr(out, "<script") || !jsonx_utf8_valid(out, strlen(out)))
            __builtin_trap();
    } else if (!jsonx_utf8_valid(err.message, strlen(err.message)) || !err.message[0]) {
        __builtin_trap();
    }
    arena_release(&a);
    return 0;
}
