/*
 * api_documents.c - /api/v1/cases/{id}/documents: the notices (文书) of a
 * case: list, issue on demand, the stored printable HTML and its PDF.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/cases.h"
#include "domain/doc_pdf.h"
#include "domain/documents.h"
#include "jsonx.h"
#include "banned.h"

static json_t *document_json(struct api_ctx *c, const struct case_row *k,
                             const struct case_document *d)
{
    char base[96];
    snprintf(base, sizeof(base), "/api/v1/cases/%lld/documents/%lld", (long long)k->id,
             (long long)d->id);
    return json_pack(
        "{s:I, s:s, s:s, s:o, s:s, s:b, s:b, s:{s:I, s:s?}, s:s, s:s+}", "id", (json_int_t)d->id,
        "code", d->code, "name", d->name, "createdAt", jsonx_time(d->created_at), "sha256",
        d->sha256, "confidential", d->confidential, "readable", documents_readable(&c->z, k, d),
        "createdBy", "id", (json_int_t)d->created_by, "name",
        d->created_by_name[0] ? d->created_by_name : NULL, "html", base, "pdf", base, "/pdf");
}

void api_documents_list(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    struct case_row k;
    struct case_document *items;
    size_t n;
    if (documents_list(&c->z, id, &k, &items, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array(), *declared = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, document_json(c, &k, &items[i]));
    const struct case_type *t = casedef_find(api_env.case_types, k.type);
    for (size_t i = 0; t && i < t->ndocuments; i++)
        json_array_append_new(declared, json_pack("{s:s, s:s}", "code", t->documents[i].code,
                                                  "name", t->documents[i].name));
    api_reply(c, 200, json_pack("{s:o, s:o}", "items", arr, "declared", declared));
}

void api_documents_create(struct api_ctx *c)
{
    int64_t id;
    const char *code = NULL, *comment = NULL;
    const struct jfield f[] = {
        {"code", JF_STRING, true, &code, .max = 40, .label = "文书"},
        {"comment", JF_STRING, false, &comment, .max = 4000, .nullable = true, .label = "说明"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 2))
        return;
    if (!api_begin_or_reply(c))
        return;
    struct case_document d;
    if (documents_create(&c->z, api_env.case_types, id, code, comment, &d, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    struct case_row k;
    if (cases_get(&c->z, id, &k, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char loc[96];
    snprintf(loc, sizeof(loc), "/api/v1/cases/%lld/documents/%lld", (long long)id, (long long)d.id);
    http_add_header(c->req, "Location", loc);
    api_reply(c, 201, document_json(c, &k, &d));
}

/* Content-Disposition with an ASCII fallback and the Chinese name in filename*. */
static void disposition(struct api_ctx *c, bool download, const struct case_row *k,
                        const struct case_document *d, const char *ext)
{
    char ascii[64];
    snprintf(ascii, sizeof(ascii), "document-%lld.%s", (long long)d->id, ext);
    api_content_disposition(c, download, ascii,
                            arena_printf(&c->req->arena, "%s-%s.%s", d->name, k->serial, ext));
}

/* The document of the path, if the caller may read it; replies and returns false if not. */
static bool document_or_reply(struct api_ctx *c, struct case_row *k, struct case_document *d)
{
    int64_t id, doc_id;
    if (!api_id_or_reply(c, "id", &id) || !api_id_or_reply(c, "docId", &doc_id))
        return false;
    if (documents_get(&c->z, id, doc_id, k, d, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

static void private_headers(struct api_ctx *c)
{
    http_add_header(c->req, "Cache-Control", "no-store");
    http_add_header(c->req, "X-Content-Type-Options", "nosniff");
}

void api_documents_get(struct api_ctx *c)
{
    struct case_row k;
    struct case_document d;
    if (!document_or_reply(c, &k, &d))
        return;
    private_headers(c);
    /* The page is data: no script may run in it, whatever a value contained. */
    http_add_header(c->req, "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    disposition(c, false, &k, &d, "html");
    http_reply(c->req, 200, "text/html; charset=utf-8", d.html, strlen(d.html));
}

void api_documents_pdf(struct api_ctx *c)
{
    struct case_row k;
    struct case_document d;
    if (!document_or_reply(c, &k, &d))
        return;
    /* The read snapshot is not needed while drawing. */
    if (store_in_tx(c->z.db) && !store_in_write_tx(c->z.db) && store_commit(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char *pdf;
    size_t len;
    if (doc_pdf_render(d.html, strlen(d.html), &c->req->arena, &pdf, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    private_headers(c);
    disposition(c, true, &k, &d, "pdf");
    http_reply(c->req, 200, "application/pdf", pdf, len);
}
