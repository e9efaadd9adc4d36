/*
 * api_imports.c - registry and payments imports (docs/registry.md "Imports and exports"):
 * upload a CSV or XLSX (a job: the dry run runs in the background), read the
 * job with its progress and report, commit the valid rows or all of them,
 * and download the report as a spreadsheet.
 */
#include <string.h>

#include "api.h"
#include "domain/attachments.h"
#include "domain/importer_jobs.h"
#include "xlsx.h"
#include "banned.h"

static const char XLSX_TYPE[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

static const char *status_name(const char *s)
{
    static const char *const map[][2] = {{"checking", "检查中"},
                                         {"checked", "已检查"},
                                         {"importing", "导入中"},
                                         {"done", "已导入"},
                                         {"failed", "失败"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], s) == 0)
            return map[i][1];
    return s;
}

static json_t *job_json(const struct import_job *j)
{
    const struct import_kind *k = importer_kind(j->kind);
    long done = (long)j->done_rows, total = (long)j->total_rows;
    importer_job_progress(j->id, &done, &total);
    json_t *report = j->report_json ? json_loads(j->report_json, 0, NULL) : NULL;
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:I}, s:o, s:s?, s:o, s:s?, "
                     "s:{s:I, s:s?}, s:o, s:o}",
                     "id", (json_int_t)j->id, "kind", j->kind, "kindName", k ? k->name : j->kind,
                     "name", j->file_name, "status", j->status, "statusName",
                     status_name(j->status), "progress", "done", (json_int_t)done, "total",
                     (json_int_t)total, "report", report ? report : json_null(), "mode", j->mode,
                     "imported", j->imported >= 0 ? json_integer(j->imported) : json_null(),
                     "message", j->message, "createdBy", "id", (json_int_t)j->created_by, "name",
                     j->created_by_name, "createdAt", jsonx_time(j->created_at), "finishedAt",
                     j->finished_at ? jsonx_time(j->finished_at) : json_null());
}

/* POST /api/v1/imports?kind=&name=: the file is the body; 202 with the queued job. */
void api_imports_create(struct api_ctx *c)
{
    const char *kind = http_query(c->req, "kind");
    const char *name = api_upload_name_or_reply(c);
    if (!name)
        return;
    if (!importer_kind(kind)) {
        err_set(&c->err, ZW_EINVAL, "kind",
                "kind 应为 households（户信息）、persons（家庭成员）、incomes（收入）、"
                "department（部门预警名单）或 payments（发放明细）");
        api_reply_error(c, &c->err);
        return;
    }
    if (!api_begin_or_reply(c))
        return;
    int64_t id;
    struct import_job j;
    if (importer_job_create(&c->z, kind, attach_clean_name(&c->req->arena, name), c->req->body.ptr,
                            c->req->body.len, &id, &c->err) ||
        store_import_job_get(c->z.db, id, &c->req->arena, &j, &c->err) ||
        store_commit(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    importer_jobs_wake(); /* committed: the worker can see it */
    json_t *v = job_json(&j);
    json_object_set_new(v, "job", json_integer(id));
    http_add_header(c->req, "Location",
                    arena_printf(&c->req->arena, "/api/v1/imports/%lld", (long long)id));
    api_reply(c, 202, v);
}

/* GET /api/v1/imports/{id} */
void api_imports_get(struct api_ctx *c)
{
    int64_t id;
    struct import_job j;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (importer_job_get(&c->z, id, &j, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    http_add_header(c->req, "Cache-Control", "no-store");
    api_reply(c, 200, job_json(&j));
}

/* POST /api/v1/imports/{id}/commit {"mode": "valid" | "all"} -> 202 with the job importing. */
void api_imports_commit(struct api_ctx *c)
{
    int64_t id;
    const char *mode = NULL;
    const struct jfield f[] = {
        {"mode", JF_STRING, true, &mode, .max = 10, .label = "导入方式"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 1) || !api_begin_or_reply(c))
        return;
    struct import_job j;
    if (importer_job_commit(&c->z, id, mode, &c->err) || importer_job_get(&c->z, id, &j, &c->err) ||
        store_commit(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    importer_jobs_wake();
    api_reply(c, 202, job_json(&j));
}

/* GET /api/v1/imports/{id}/errors.xlsx: the report, one line per error and warning. */
void api_imports_errors_xlsx(struct api_ctx *c)
{
    int64_t id;
    struct import_job j;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (importer_job_get(&c->z, id, &j, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *rep = j.report_json ? json_loads(j.report_json, 0, NULL) : NULL;
    if (!rep) {
        err_set(&c->err, ZW_ETRANSITION, NULL, "该导入任务还没有检查报告");
        api_reply_error(c, &c->err);
        return;
    }
    static const char *const head[] = {"行号", "列", "类别", "问题"};
    static const double widths[] = {8, 20, 8, 60};
    struct xlsx *x;
    if (xlsx_open("导入检查报告", head, widths, 4, &x, &c->err)) {
        json_decref(rep);
        api_reply_error(c, &c->err);
        return;
    }
    int rc = 0;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(rep, pass ? "warnings" : "errors"), i, e)
        {
            char row[24];
            snprintf(row, sizeof(row), "%lld",
                     (long long)json_integer_value(json_object_get(e, "row")));
            const char *cells[] = {row, json_string_value(json_object_get(e, "column")),
                                   pass ? "警告" : "错误",
                                   json_string_value(json_object_get(e, "message"))};
            if ((rc = xlsx_row(x, cells, &c->err)))
                break;
        }
    }
    json_decref(rep);
    const char *data;
    size_t len;
    if (rc) {
        xlsx_free(x);
        api_reply_error(c, &c->err);
        return;
    }
    if (xlsx_finish(x, &c->req->arena, &data, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_content_disposition(c, true,
                            arena_printf(&c->req->arena, "import-%lld-report.xlsx", (long long)id),
                            arena_printf(&c->req->arena, "导入检查报告-%lld.xlsx", (long long)id));
    http_add_header(c->req, "Cache-Control", "no-store");
    http_reply(c->req, 200, XLSX_TYPE, data, len);
}
