/*
 * api_reports.c - work reports (docs/reports.md): the templates, a job that
 * evaluates one for an area and a year, its progress, and the report as
 * HTML, DOCX or PDF.  Rights: the read rights of every indicator the
 * template uses (checked by reports.c); the area lies in the user's scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "domain/reports.h"
#include "banned.h"

/* GET /api/v1/report-templates */
void api_report_templates(struct api_ctx *c)
{
    const struct report_templates *t = reports_templates();
    json_t *items = json_array();
    for (size_t i = 0; t && i < t->n; i++)
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:I}", "code", t->v[i].code, "name",
                                        t->v[i].name, "figures", (json_int_t)t->v[i].nvalues));
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/*
 * The job; live: whether it was running in memory (with done and total)
 * when looked at before the row was read, so that progress never goes back
 * (the row is read after: it is then at least as far).
 */
static json_t *job_json(const struct report_job *j, bool live, long live_done, long live_total)
{
    long done = (long)j->done_values, total = (long)j->total_values;
    const char *status = j->status;
    if (live && strcmp(status, "done") != 0 && strcmp(status, "failed") != 0) {
        status = "running";
        done = live_done;
        total = live_total;
    }
    return json_pack("{s:I, s:s, s:i, s:{s:I, s:s}, s:s, s:{s:i, s:i}, s:o, s:o, s:I, s:o}", "id",
                     (json_int_t)j->id, "template", j->template_code, "year", j->year, "area", "id",
                     (json_int_t)j->area_id, "name", j->area_name, "status", status, "progress",
                     "done", (int)done, "total", (int)total, "message",
                     j->message ? json_string(j->message) : json_null(), "createdBy",
                     j->created_by_name ? json_string(j->created_by_name) : json_null(),
                     "createdAt", (json_int_t)j->created_at, "finishedAt",
                     j->finished_at ? json_integer(j->finished_at) : json_null());
}

/* POST /api/v1/reports {template, year, areaId} -> 202 with the job queued. */
void api_reports_create(struct api_ctx *c)
{
    const char *tpl = NULL;
    int64_t year = 0, area = 0;
    const struct jfield f[] = {
        {"template", JF_STRING, true, &tpl, .max = 64, .label = "报告模板"},
        {"year", JF_INT, true, &year, .min = 1950, .max = 2100, .label = "年度"},
        {"areaId", JF_INT, false, &area, .min = 1, .max = INT64_MAX, .label = "区划"},
    };
    if (!api_body_or_reply(c, f, 3) || !api_begin_or_reply(c))
        return;
    int64_t id;
    struct report_job j;
    if (reports_create(&c->z, tpl, (int)year, area, &id, &c->err) ||
        reports_get(&c->z, id, &j, &c->err) || store_commit(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reports_wake();
    http_add_header(c->req, "Location",
                    arena_printf(&c->req->arena, "/api/v1/reports/%lld", (long long)id));
    api_reply(c, 202, job_json(&j, false, 0, 0));
}

/* GET /api/v1/reports/{file}: {id} the job; {id}.html, {id}.docx, {id}.pdf the report. */
void api_reports_get(struct api_ctx *c)
{
    const char *file = http_param(c->req, "file");
    char num[24];
    const char *dot = file ? strchr(file, '.') : NULL;
    size_t n = file ? (dot ? (size_t)(dot - file) : strlen(file)) : 0;
    if (!n || n >= sizeof(num) || strspn(file, "0123456789") != n) {
        api_reply_code(c, ZW_ENOTFOUND);
        return;
    }
    memcpy(num, file, n);
    num[n] = '\0';
    int64_t id = strtoll(num, NULL, 10);
    const char *format = dot ? dot + 1 : NULL;
    if (format && strcmp(format, "html") != 0 && strcmp(format, "docx") != 0 &&
        strcmp(format, "pdf") != 0) {
        api_reply_code(c, ZW_ENOTFOUND);
        return;
    }
    struct report_job j;
    long done = 0, total = 0;
    bool live = reports_progress(id, &done, &total);
    if (reports_get(&c->z, id, &j, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    http_add_header(c->req, "Cache-Control", "no-store");
    if (!format) {
        api_reply(c, 200, job_json(&j, live, done, total));
        return;
    }
    /* The read snapshot is not needed while rendering. */
    if (store_in_tx(c->z.db) && !store_in_write_tx(c->z.db) && store_commit(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char *data;
    size_t len;
    if (reports_render(&j, format, &c->req->arena, &data, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    http_add_header(c->req, "X-Content-Type-Options", "nosniff");
    if (format[0] == 'h') /* the page is data: no script may run in it */
        http_add_header(c->req, "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    const char *type =
        format[0] == 'h' ? "text/html; charset=utf-8"
        : format[0] == 'p'
            ? "application/pdf"
            : "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (format[0] != 'h') {
        char ascii[48];
        snprintf(ascii, sizeof(ascii), "report-%lld.%s", (long long)id, format);
        api_content_disposition(
            c, true, ascii,
            arena_printf(&c->req->arena, "%s%d年工作报告.%s", j.area_name, j.year, format));
    }
    http_reply(c->req, 200, type, data, len);
}
