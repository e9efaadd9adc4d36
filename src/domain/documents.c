/* documents.c - notices issued on cases: render, store, file, read; see documents.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "calendar.h"
#include "cases.h"
#include "documents.h"
#include "jsonx.h"
#include "banned.h"

int documents_find(const struct case_type *t, const char *code)
{
    for (size_t i = 0; i < t->ndocuments; i++)
        if (strcmp(t->documents[i].code, code) == 0)
            return (int)i;
    return -1;
}

static int clock_index(const struct case_type *t, const char *code)
{
    for (size_t i = 0; i < t->nclocks; i++)
        if (strcmp(t->clocks[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* ---- issuing -------------------------------------------------------------- */

/* The township's full name (羊市镇) above the area at path, or NULL. */
static const char *township_name(struct zctx *z, const char *path)
{
    struct area ar;
    struct error e;
    return path && store_area_township(z->db, path, &ar, &e) == 0 ? arena_strdup(z->arena, ar.name)
                                                                  : NULL;
}

/* A case field's value as a document shows it; NULL if unset. */
static const char *field_text(struct zctx *z, const struct cd_field *f, json_t *v)
{
    if (!v || json_is_null(v))
        return NULL;
    switch (f->type) {
    case CD_DATE: {
        int ymd;
        if (json_is_string(v) && cal_parse_date(json_string_value(v), &ymd) == 0)
            return arena_printf(z->arena, "%d年%d月%d日", ymd / 10000, ymd / 100 % 100, ymd % 100);
        break;
    }
    case CD_INTEGER:
        if (json_is_integer(v))
            return arena_printf(z->arena, "%lld", (long long)json_integer_value(v));
        break;
    case CD_MONEY:
        if (json_is_integer(v)) {
            long long fen = (long long)json_integer_value(v);
            return arena_printf(z->arena, "%lld.%02lld元", fen / 100, fen % 100);
        }
        break;
    case CD_USER:
        if (json_is_integer(v)) {
            struct scope all = {.kind = SCOPE_ALL};
            struct user u;
            struct error e;
            if (store_user_get(z->db, json_integer_value(v), &all, &u, &e) == 0)
                return arena_strdup(z->arena, u.name);
        }
        break;
    default:
        break;
    }
    return json_is_string(v) ? arena_strdup(z->arena, json_string_value(v)) : NULL;
}

/* Gathers what the templates may show of case c now. */
static int gather(struct zctx *z, const struct case_type *t, const struct case_row *c, int di,
                  const char *comment, int clock, struct doc_values *v, struct error *err)
{
    char date[32];
    memset(v, 0, sizeof(*v));
    v->simple[DP_SERIAL] = c->serial;
    v->simple[DP_TITLE] = c->title;
    v->simple[DP_CONTENT] = c->content;
    v->simple[DP_TYPE] = t->name;
    v->simple[DP_DOCUMENT] = t->documents[di].name;
    v->simple[DP_TOWN] = township_name(z, c->area_path);
    v->simple[DP_AREA] = c->area_name;
    v->simple[DP_REQUESTER] = c->requester_name;
    v->simple[DP_ASSIGNEE] = c->assignee_id ? c->assignee_name : NULL;
    doc_format_date(c->created_at, date);
    v->simple[DP_REGISTERED] = arena_strdup(z->arena, date);
    doc_format_date(z->now, date);
    v->simple[DP_DATE] = arena_strdup(z->arena, date);
    v->simple[DP_USER] = z->who->name ? z->who->name : z->who->username;
    v->simple[DP_COMMENT] = comment;
    for (size_t i = 0; i < t->ncategories; i++)
        if (strcmp(t->categories[i].code, c->category) == 0)
            v->simple[DP_CATEGORY] = t->categories[i].name;

    struct case_clock *k;
    size_t nk;
    int rc = store_case_clocks(z->db, c->id, z->arena, &k, &nk, err);
    if (rc)
        return rc;
    v->clocks = arena_calloc(z->arena, t->nclocks + 1, sizeof(char *));
    const struct case_clock *context = NULL;
    for (size_t i = 0; i < nk; i++) {
        int ci = clock_index(t, k[i].clock);
        if (ci < 0)
            continue;
        doc_format_date(k[i].due_at, date);
        v->clocks[ci] = arena_strdup(z->arena, date);
        /* {{deadline}}: the clock extended, else the running clock extended last, else any. */
        bool running = !k[i].stopped_at;
        if (clock >= 0 ? ci == clock
                       : running && (!context || context->stopped_at ||
                                     k[i].extensions > context->extensions))
            context = &k[i];
    }
    if (context) {
        doc_format_date(context->due_at, date);
        v->simple[DP_DEADLINE] = arena_strdup(z->arena, date);
    }
    json_t *fields = json_loads(c->fields_json ? c->fields_json : "{}", 0, NULL);
    v->fields = arena_calloc(z->arena, t->nfields + 1, sizeof(char *));
    for (size_t i = 0; fields && i < t->nfields; i++)
        v->fields[i] = field_text(z, &t->fields[i], json_object_get(fields, t->fields[i].code));
    json_decref(fields);
    return 0;
}

int documents_issue(struct zctx *z, const struct case_type *t, const struct case_row *c, int di,
                    const char *action, const char *comment, int clock, int64_t *id,
                    struct error *err)
{
    if (di < 0 || (size_t)di >= t->ndocuments || !t->templates || !t->templates[di])
        return err_set(err, ZW_EINTERNAL, NULL, "文书模板未加载");
    const struct cd_named *d = &t->documents[di];
    const struct doc_template *tpl = t->templates[di];
    struct doc_values v;
    int rc = gather(z, t, c, di, comment, clock, &v, err);
    if (rc)
        return rc;
    char *body = doc_render(tpl, &v, z->arena, NULL);
    char *title = arena_printf(z->arena, "%s（%s）", d->name, c->serial);
    char *html = doc_page(title, body, z->arena);

    struct case_document doc = {
        .case_id = c->id,
        .html = html,
        .confidential = c->confidential && doc_template_names_requester(tpl) && c->requester_name,
        .created_at = z->now,
        .created_by = z->who->user_id,
    };
    snprintf(doc.code, sizeof(doc.code), "%s", d->code);
    snprintf(doc.name, sizeof(doc.name), "%s", d->name);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)html, strlen(html));
    sodium_bin2hex(doc.sha256, sizeof(doc.sha256), h, sizeof(h));
    if ((rc = store_document_insert(z->db, &doc, err)))
        return rc;

    json_t *data = json_pack("{s:I, s:s, s:s}", "documentId", (json_int_t)doc.id, "code", d->code,
                             "name", d->name);
    if (action)
        json_object_set_new(data, "action", json_string(action));
    struct case_event e = {
        .case_id = c->id,
        .at = z->now,
        .user_id = z->who->user_id,
        .user_name = z->who->name ? z->who->name : z->who->username,
        .kind = "document",
        .comment = arena_printf(z->arena, "生成《%s》", d->name),
        .data_json = jsonx_dump(z->arena, data, NULL),
    };
    json_decref(data);
    if ((rc = store_case_event_add(z->db, &e, err)) ||
        (rc = store_document_set_event(z->db, doc.id, e.id, err)))
        return rc;
    json_t *after =
        json_pack("{s:I, s:s, s:s, s:s, s:b}", "caseId", (json_int_t)c->id, "code", d->code, "name",
                  d->name, "sha256", doc.sha256, "confidential", doc.confidential);
    rc = audit_log(z, "create", "case_document", doc.id, NULL, after, err);
    json_decref(after);
    if (!rc && id)
        *id = doc.id;
    return rc;
}

/* ---- on demand and reading -------------------------------------------------- */

/* Whether the caller may read doc of case c (a confidential requester named in it). */
static bool may_read(const struct zctx *z, const struct case_row *c, bool confidential)
{
    return !confidential || cases_requester_visible(z, c);
}

static int refuse_confidential(struct error *err)
{
    return err_set(err, ZW_EFORBIDDEN, NULL,
                   "该文书载有保密诉求人的身份信息，只有登记人和承办人可以查看");
}

int documents_create(struct zctx *z, const struct case_types *types, int64_t case_id,
                     const char *code, const char *comment, struct case_document *out,
                     struct error *err)
{
    struct case_row c;
    int rc = cases_get(z, case_id, &c, err);
    if (rc)
        return rc;
    const struct case_type *t = casedef_find(types, c.type);
    if (!t)
        return err_set(err, ZW_EINTERNAL, NULL, "办件类型“%s”的定义已不存在", c.type);
    int di = documents_find(t, code);
    if (di < 0)
        return err_set(err, ZW_EINVAL, "code", "%s没有文书“%.40s”", t->name, code);
    if (c.confidential && c.requester_name && t->templates && t->templates[di] &&
        doc_template_names_requester(t->templates[di]) && !cases_requester_visible(z, &c))
        return refuse_confidential(err);
    int64_t id;
    if ((rc = documents_issue(z, t, &c, di, NULL, comment, -1, &id, err)))
        return rc;
    return store_document_get(z->db, case_id, id, z->arena, out, err);
}

int documents_list(struct zctx *z, int64_t case_id, struct case_row *c,
                   struct case_document **items, size_t *n, struct error *err)
{
    int rc = cases_get(z, case_id, c, err);
    if (rc)
        return rc;
    return store_document_list(z->db, case_id, z->arena, items, n, err);
}

bool documents_readable(const struct zctx *z, const struct case_row *c,
                        const struct case_document *d)
{
    return may_read(z, c, d->confidential);
}

int documents_get(struct zctx *z, int64_t case_id, int64_t id, struct case_row *c,
                  struct case_document *out, struct error *err)
{
    int rc = cases_get(z, case_id, c, err);
    if (rc || (rc = store_document_get(z->db, case_id, id, z->arena, out, err)))
        return rc;
    if (!may_read(z, c, out->confidential))
        return refuse_confidential(err);
    return 0;
}
