/*
 * api_import.c - POST /api/v1/cases/import: many cases of one type from a CSV
 * list (see domain/case_import.h), a dry run unless asked to commit.
 */
#include <string.h>

#include "api.h"
#include "domain/case_import.h"
#include "jsonx.h"
#include "banned.h"

static json_t *report_json(const struct import_result *r, bool committed)
{
    json_t *issues = json_array(), *created = json_array();
    for (size_t i = 0; i < r->nissues; i++)
        json_array_append_new(issues,
                              json_pack("{s:i, s:s?, s:s}", "row", r->issues[i].row, "column",
                                        r->issues[i].column, "message", r->issues[i].message));
    for (int i = 0; committed && i < r->valid; i++)
        json_array_append_new(created, json_pack("{s:i, s:I, s:s}", "row", r->created[i].row, "id",
                                                 (json_int_t)r->created[i].id, "serial",
                                                 r->created[i].serial));
    return json_pack("{s:i, s:i, s:i, s:b, s:o, s:o}", "rows", r->rows, "valid", r->valid,
                     "invalid", (int)r->nissues, "committed", committed, "problems", issues,
                     "created", created);
}

/*
 * POST /api/v1/cases/import?type=<code>[&commit=1[&skipInvalid=1]]: the body
 * is the CSV.  Without commit: 200 with the row-by-row report, nothing kept.
 * With commit: 201 with the cases made if every row is valid (or, with
 * skipInvalid, the valid ones); 400 with the report and nothing kept otherwise.
 */
void api_cases_import(struct api_ctx *c)
{
    int64_t commit = 0, skip = 0;
    const char *type = http_query(c->req, "type");
    if (!api_query_int_or_reply(c, "commit", &commit) ||
        !api_query_int_or_reply(c, "skipInvalid", &skip))
        return;
    if (!c->req->body.len) {
        err_set(&c->err, ZW_EINVAL, "file", "请上传 CSV 文件");
        api_reply_error(c, &c->err);
        return;
    }
    if (!api_begin_or_reply(c))
        return;
    char *text = arena_strndup(&c->req->arena, c->req->body.ptr, c->req->body.len);
    struct import_result r;
    if (cases_import_csv(&c->z, api_env.case_types, type, text, c->req->body.len, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    bool keep = commit && (r.nissues == 0 || skip) && r.valid > 0;
    if (!keep)
        store_rollback(c->z.db); /* a dry run, or a list with problems: nothing is kept */
    if (commit && !keep) {
        json_t *rep = report_json(&r, false);
        json_object_set_new(
            rep, "error",
            json_pack("{s:s, s:s}", "code", err_code_name(ZW_EINVAL), "message",
                      r.valid ? "有的行有问题，未导入任何一行；请修改后重试，或只导入无误的行"
                              : "没有可导入的行"));
        api_reply(c, 400, rep);
        return;
    }
    api_reply(c, keep ? 201 : 200, report_json(&r, keep));
}
