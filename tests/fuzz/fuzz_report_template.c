/*
 * fuzz_report_template.c - libFuzzer target for the work report template
 * parser (domain/report_template.c): any bytes must be refused with a
 * Chinese message in valid UTF-8, or accepted as a template whose blocks
 * and placeholders are consistent and whose HTML opens no tag of its text.
 */
#include <stdint.h>
#include <string.h>

#include "domain/report_template.h"
#include "jsonx.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char DEFS[] =
    "{\"indicators\": ["
    "{\"code\": \"households\", \"name\": \"户数\", \"unit\": \"户\", \"count\": \"households\"},"
    "{\"code\": \"dibao_yuan\", \"name\": \"低保金\", \"unit\": \"万元\", \"sum\": \"payments\", "
    "\"field\": \"amount_fen\", \"period\": \"paid\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct arena da;
    static struct indicators d;
    struct error err = {0};
    if (!d.n && indicators_parse("t.json", DEFS, sizeof(DEFS) - 1, &da, &d, &err))
        __builtin_trap();
    struct arena a = {0};
    struct report_template t;
    if (report_template_parse("reports/x.md", "x", (const char *)data, size, &d, &a, &t, &err) ==
        0) {
        if (!t.n || t.blocks[0].kind != RT_H1)
            __builtin_trap();
        /* A report of its text with every figure "1户": text is escaped, never a tag. */
        json_t *blocks = json_array();
        size_t nvalues = 0;
        static const char *const kinds[] = {"h1", "h2", "h3", "p"};
        for (size_t b = 0; b < t.n; b++) {
            json_t *spans = json_array();
            for (size_t s = 0; s < t.blocks[b].n; s++) {
                const struct rt_span *sp = &t.blocks[b].spans[s];
                if (sp->kind == RT_VALUE && (sp->ind < 0 || (size_t)sp->ind >= d.n))
                    __builtin_trap();
                nvalues += sp->kind == RT_VALUE;
                if (sp->kind == RT_TEXT && !jsonx_utf8_valid(sp->text, strlen(sp->text)))
                    __builtin_trap(); /* the parser refuses a file that is not UTF-8 */
                json_array_append_new(
                    spans, sp->kind == RT_TEXT
                               ? json_pack("{s:s}", "text", sp->text)
                               : json_pack("{s:s, s:s, s:s}", "text", "1户", "code",
                                           sp->ind >= 0 ? d.v[sp->ind].code : "x", "name", "名"));
            }
            json_array_append_new(
                blocks, json_pack("{s:s, s:o}", "kind", kinds[t.blocks[b].kind], "spans", spans));
        }
        if (nvalues != t.nvalues)
            __builtin_trap();
        json_t *r = json_pack("{s:s, s:s, s:{s:i, s:s}, s:o}", "title", "t", "period", "2018",
                              "area", "id", 1, "name", "镇", "blocks", blocks);
        struct buf out = {0};
        if (r && report_html(r, true, &out) == 0 && out.ptr) {
            const char *body = strstr(out.ptr, "<article");
            if (body && (strstr(body, "<script") || strstr(body, "<img")))
                __builtin_trap();
        }
        buf_release(&out);
        json_decref(r);
    } else if (!jsonx_utf8_valid(err.message, strlen(err.message)) || !err.message[0]) {
        __builtin_trap();
    }
    arena_release(&a);
    return 0;
}
