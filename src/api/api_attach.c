/*
 * api_attach.c - files on a case (upload, download), links between cases,
 * merging repeats and the search for likely repeats.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/attachments.h"
#include "domain/cases.h"
#include "jsonx.h"
#include "limits.h"
#include "banned.h"

json_t *api_attachment_json(const struct case_attachment *a)
{
    char url[96];
    snprintf(url, sizeof(url), "/api/v1/cases/%lld/attachments/%lld", (long long)a->case_id,
             (long long)a->id);
    return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:{s:I, s:s?}, s:s}", "id", (json_int_t)a->id,
                     "name", a->name, "mime", a->mime, "size", (json_int_t)a->size, "sha256",
                     a->sha256, "createdAt", jsonx_time(a->created_at), "createdBy", "id",
                     (json_int_t)a->created_by, "name",
                     a->created_by ? a->created_by_name : "公众", /* filed on the portal */
                     "url", url);
}

/* POST /api/v1/cases/{id}/attachments?name=...: the body is the file itself. */
void api_attachments_upload(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    const char *name = api_upload_name_or_reply(c);
    if (!name || !api_begin_or_reply(c))
        return;
    struct case_attachment a;
    if (attach_add(&c->z, id, name, c->req->body.ptr, c->req->body.len, &a, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char loc[96];
    snprintf(loc, sizeof(loc), "/api/v1/cases/%lld/attachments/%lld", (long long)id,
             (long long)a.id);
    http_add_header(c->req, "Location", loc);
    a.created_by_name = c->who.name;
    api_reply(c, 201, api_attachment_json(&a));
}

/* GET /api/v1/cases/{id}/attachments/{attachmentId}[?download=1] */
void api_attachments_get(struct api_ctx *c)
{
    int64_t id, aid, download = 0;
    if (!api_id_or_reply(c, "id", &id) || !api_id_or_reply(c, "attachmentId", &aid) ||
        !api_query_int_or_reply(c, "download", &download))
        return;
    struct case_attachment a;
    const void *data;
    size_t len;
    if (attach_read(&c->z, id, aid, &a, &data, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char etag[70];
    snprintf(etag, sizeof(etag), "\"%s\"", a.sha256);
    http_add_header(c->req, "ETag", etag);
    http_add_header(c->req, "Cache-Control", "private, max-age=86400");
    /* Served bytes never run as a page of ours, whatever they contain. */
    http_add_header(c->req, "Content-Security-Policy", "default-src 'none'; sandbox");
    api_content_disposition(c, download != 0 || strcmp(a.mime, "application/pdf") == 0, NULL,
                            a.name);
    http_reply(c->req, 200, a.mime, data, len);
}

/* POST /api/v1/cases/{id}/links {"caseId": n}: related cases. */
void api_cases_link(struct api_ctx *c)
{
    int64_t id, other = 0;
    const struct jfield f[] = {
        {"caseId", JF_INT, true, &other, .min = 1, .max = INT64_MAX, .label = "关联办件"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 1) || !api_begin_or_reply(c))
        return;
    if (cases_link(&c->z, id, other, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 201,
              json_pack("{s:I, s:I, s:s}", "caseId", (json_int_t)id, "otherId", (json_int_t)other,
                        "kind", "related"));
}

/* POST /api/v1/cases/{id}/merge {"intoId": n} with If-Match: the repeat id goes into intoId. */
void api_cases_merge(struct api_ctx *c)
{
    int64_t id, into = 0;
    int version;
    const struct jfield f[] = {
        {"intoId", JF_INT, true, &into, .min = 1, .max = INT64_MAX, .label = "合并到的办件"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version) ||
        !api_body_or_reply(c, f, 1) || !api_begin_or_reply(c))
        return;
    struct case_row r;
    if (cases_merge(&c->z, id, version, into, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_case(c, 200, &r);
}

/* GET /api/v1/cases/similar?areaId=&text=[&exclude=]: open cases that may be repeats. */
void api_cases_similar(struct api_ctx *c)
{
    int64_t area = 0, exclude = 0;
    const char *text = http_query(c->req, "text");
    if (!api_query_int_or_reply(c, "areaId", &area) ||
        !api_query_int_or_reply(c, "exclude", &exclude))
        return;
    if (area <= 0 || !text || !*text || strlen(text) > 20000) {
        err_set(&c->err, ZW_EINVAL, area <= 0 ? "areaId" : "text",
                "请给出所属区划 areaId 和诉求内容 text（不超过 20000 字节）");
        api_reply_error(c, &c->err);
        return;
    }
    struct case_similar *v;
    size_t n;
    if (cases_similar(&c->z, area, text, exclude, 0.25, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct case_type *t = casedef_find(api_env.case_types, v[i].type);
        json_array_append_new(arr,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:f}", "id",
                                        (json_int_t)v[i].id, "serial", v[i].serial, "type",
                                        v[i].type, "typeName", t ? t->name : v[i].type, "title",
                                        v[i].title, "state", api_state_name(t, v[i].state), "score",
                                        (double)(int)(v[i].score * 100 + 0.5) / 100));
    }
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}
