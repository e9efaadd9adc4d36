/*
 * api_open311.c - Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2)
 * on the cases the public filed: discovery, the service list and
 * definitions, POST a request (with an api_key), list and read requests,
 * resolve a token.
 *
 * Every answer is built once as JSON (jansson) and, for a path ending in
 * .xml, written out as XML by one converter with libxml2's xmlTextWriter:
 * arrays become a wrapper element whose items carry the singular name
 * (services/service, service_requests/request, attributes/attribute, ...),
 * null an empty element, booleans true/false.  Errors are the spec's list of
 * {code, description} (code = the HTTP status) in the same format.
 *
 * Privacy: answers never carry requester names or phones; a confidential
 * request's description, address and position are withheld ("保密诉求").
 * Our states map onto open/closed (closed = a final state), with the public
 * status in Chinese in status_notes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <libxml/xmlwriter.h>

#include "api.h"
#include "domain/portal.h"
#include "http/form.h"
#include "jsonx.h"
#include "limits.h"
#include "banned.h"

enum fmt { FMT_NONE, FMT_JSON, FMT_XML };

static enum fmt fmt_of(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 5 && strcmp(s + n - 5, ".json") == 0)
        return FMT_JSON;
    if (n > 4 && strcmp(s + n - 4, ".xml") == 0)
        return FMT_XML;
    return FMT_NONE;
}

/* The {file} parameter without its .json / .xml suffix (arena), and its format. */
static const char *param_stem(struct api_ctx *c, enum fmt *f)
{
    const char *v = http_param(c->req, "file");
    *f = fmt_of(v);
    if (*f == FMT_NONE)
        return NULL;
    size_t n = strlen(v) - (*f == FMT_JSON ? 5 : 4);
    return n ? arena_strndup(&c->req->arena, v, n) : NULL;
}

/* ---- XML ---------------------------------------------------------------- */

static const char *item_name(const char *list)
{
    static const char *const map[][2] = {
        {"services", "service"}, {"service_requests", "request"}, {"attributes", "attribute"},
        {"values", "value"},     {"endpoints", "endpoint"},       {"formats", "format"},
        {"errors", "error"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], list) == 0)
            return map[i][1];
    return "item";
}

/* Text with the control characters XML 1.0 cannot carry replaced by spaces; arena-owned. */
static const char *xml_clean(struct arena *a, const char *s)
{
    char *out = arena_strdup(a, s);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            *p = ' ';
    return out;
}

static void xml_value(xmlTextWriterPtr w, struct arena *a, const char *name, json_t *v)
{
    xmlTextWriterStartElement(w, BAD_CAST name);
    char num[64];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *x;
        json_object_foreach(v, key, x) xml_value(w, a, key, x);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) xml_value(w, a, item_name(name), x);
        break;
    }
    case JSON_STRING:
        xmlTextWriterWriteString(w, BAD_CAST xml_clean(a, json_string_value(v)));
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        xmlTextWriterWriteString(w, BAD_CAST num);
        break;
    case JSON_REAL:
        snprintf(num, sizeof(num), "%.7g", json_real_value(v));
        xmlTextWriterWriteString(w, BAD_CAST num);
        break;
    case JSON_TRUE:
        xmlTextWriterWriteString(w, BAD_CAST "true");
        break;
    case JSON_FALSE:
        xmlTextWriterWriteString(w, BAD_CAST "false");
        break;
    case JSON_NULL:
        break;
    }
    xmlTextWriterEndElement(w);
}

/* Replies with v (stolen) as JSON, or as XML under the root element root. */
static void reply_311(struct api_ctx *c, int status, enum fmt f, const char *root, json_t *v)
{
    if (f != FMT_XML) {
        api_reply(c, status, v);
        return;
    }
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterSetIndent(w, 0);
    xml_value(w, &c->req->arena, root, v);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    json_decref(v);
    size_t len = (size_t)xmlBufferLength(buf);
    char *text = arena_alloc(&c->req->arena, len + 1);
    memcpy(text, xmlBufferContent(buf), len);
    text[len] = '\0';
    xmlBufferFree(buf);
    http_add_header(c->req, "Cache-Control", "no-store");
    http_reply(c->req, status, "text/xml; charset=utf-8", text, len);
}

/* The spec's error list: [{"code": status, "description": "..."}]. */
static void reply_311_error(struct api_ctx *c, enum fmt f, int status, const char *description)
{
    c->req->log_error_code = status == 403   ? "forbidden"
                             : status == 404 ? "not_found"
                             : status == 429 ? "rate_limited"
                             : status >= 500 ? "internal"
                                             : "invalid_input";
    json_t *v = json_pack("[{s:i, s:s}]", "code", status, "description", description);
    reply_311(c, status, f == FMT_NONE ? FMT_JSON : f, "errors", v);
}

static void reply_311_err(struct api_ctx *c, enum fmt f, const struct error *e)
{
    const char *msg = e->message[0] ? e->message : err_str(e->code);
    if (e->field && e->code == ZW_EINVAL) {
        char buf[400];
        snprintf(buf, sizeof(buf), "%s（%s）", msg, e->field);
        reply_311_error(c, f, 400, buf);
        return;
    }
    reply_311_error(c, f, err_http_status(e->code), msg);
}

/* ---- discovery and services --------------------------------------------- */

static void base_url(struct api_ctx *c, char *out, size_t cap)
{
    const char *host = http_header(c->req, "Host");
    snprintf(out, cap, "http://%s/open311/v2", host && *host && strlen(host) < 200 ? host : "");
}

void api_open311_discovery(struct api_ctx *c)
{
    enum fmt f = fmt_of(c->req->path);
    char url[300];
    base_url(c, url, sizeof(url));
    json_t *v = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset",
                          "2026-01-01T00:00:00+08:00", "contact", "请联系本镇党政办公室",
                          "key_service", "接口密钥由镇系统管理员用 zhenwu apikey add 名称 生成",
                          "endpoints", "specification", "http://wiki.open311.org/GeoReport_v2",
                          "url", url, "changeset", "2026-01-01T00:00:00+08:00", "type",
                          "production", "formats", "application/json", "text/xml");
    reply_311(c, 200, f, "discovery", v);
}

static json_t *service_json(const struct service *s)
{
    char kw[400] = "";
    size_t off = 0;
    for (size_t k = 0; k < s->nkeywords && off < sizeof(kw); k++)
        off += (size_t)snprintf(kw + off, sizeof(kw) - off, "%s%s", k ? "," : "", s->keywords[k]);
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", s->code, "service_name",
                     s->name, "description", s->description, "metadata", 1, "type", "realtime",
                     "keywords", kw, "group", s->group);
}

void api_open311_services(struct api_ctx *c)
{
    enum fmt f = fmt_of(c->req->path);
    json_t *arr = json_array();
    for (size_t i = 0; api_env.services && i < api_env.services->n; i++)
        if (!api_env.services->v[i].unlisted)
            json_array_append_new(arr, service_json(&api_env.services->v[i]));
    reply_311(c, 200, f, "services", arr);
}

void api_open311_service(struct api_ctx *c)
{
    enum fmt f;
    const char *code = param_stem(c, &f);
    const struct service *s = code ? services_listed(api_env.services, code) : NULL;
    if (!s) {
        reply_311_error(c, f, 404, "没有这项服务");
        return;
    }
    struct public_village *v;
    size_t n;
    if (store_public_villages(c->z.db, &c->req->arena, &v, &n, &c->err)) {
        reply_311_err(c, f, &c->err);
        return;
    }
    json_t *villages = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(villages, json_pack("{s:s, s:s}", "key", v[i].code, "name",
                                                  arena_printf(&c->req->arena, "%s（%s）",
                                                               v[i].name, v[i].township)));
    json_t *attrs = json_pack(
        "[{s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:o}, {s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:[{s:s, "
        "s:s}, {s:s, s:s}]}]",
        "variable", 1, "code", "village", "datatype", "singlevaluelist", "required", 1,
        "datatype_description", "从列表中选择村（社区）代码", "order", 1, "description",
        "问题所在的村（社区）", "values", villages, "variable", 1, "code", "confidential",
        "datatype", "singlevaluelist", "required", 0, "datatype_description",
        "1 表示保密，0 或不填表示不保密", "order", 2, "description",
        "是否保密（保密诉求不公开内容和位置）", "values", "key", "0", "name", "不保密", "key", "1",
        "name", "保密");
    reply_311(c, 200, f, "service_definition",
              json_pack("{s:s, s:o}", "service_code", s->code, "attributes", attrs));
}

/* ---- requests ----------------------------------------------------------- */

/* The township's name for agency_responsible: the path's township, cached per request. */
struct town_cache {
    char path[8][256]; /* the townships' paths */
    char name[8][160];
    size_t n;
};

static const char *agency(struct api_ctx *c, struct town_cache *tc, const char *path)
{
    for (size_t i = 0; i < tc->n; i++)
        if (strncmp(path, tc->path[i], strlen(tc->path[i])) == 0)
            return tc->name[i];
    struct area a;
    struct error e;
    if (store_area_township(c->z.db, path, &a, &e) != 0)
        return NULL;
    if (tc->n == 8) /* more townships than one page holds: look up again next time */
        tc->n = 0;
    snprintf(tc->path[tc->n], sizeof(tc->path[0]), "%s", a.path);
    snprintf(tc->name[tc->n], sizeof(tc->name[0]), "%s人民政府", a.name);
    return tc->name[tc->n++];
}

static json_t *request_json(struct api_ctx *c, struct town_cache *tc, const struct case_row *cr,
                            const struct public_request *p, struct error *err)
{
    struct portal_view v;
    if (portal_view_case(&c->z, api_env.case_types, api_env.services, cr, p, &v, err))
        return NULL;
    const struct case_type *t = v.type;
    int si = t ? casedef_state(t, cr->state) : -1;
    /* In-between stages name the current step; the first and the last speak for themselves. */
    const char *notes = v.status_name;
    if (!v.closed && strcmp(v.status, "received") != 0)
        notes = arena_printf(&c->req->arena, "%s（当前环节：%s）", v.status_name,
                             si >= 0 ? t->states[si].name : cr->state);
    if (v.closed && v.answer && !cr->confidential)
        notes = arena_printf(&c->req->arena, "%s。答复：%s", notes, v.answer);
    bool hide = cr->confidential;
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:n, s:o, s:o, s:o, s:s?, s:s, s:n, s:o, s:o, s:n}",
        "service_request_id", arena_printf(&c->req->arena, "%lld", (long long)cr->id), "status",
        v.closed ? "closed" : "open", "status_notes", notes, "service_name",
        v.svc ? v.svc->name : NULL, "service_code", p->service_code, "description",
        hide ? "保密诉求" : cr->content, "agency_responsible", agency(c, tc, cr->area_path),
        "service_notice", "requested_datetime", jsonx_time(cr->created_at), "updated_datetime",
        jsonx_time(cr->updated_at), "expected_datetime", jsonx_time(v.expected_at), "address",
        hide ? NULL : cr->address, "address_id", cr->area_code, "zipcode", "lat",
        !hide && cr->has_location ? json_real(cr->lat) : json_null(), "long",
        !hide && cr->has_location ? json_real(cr->lon) : json_null(), "media_url");
    portal_view_release(&v);
    return j;
}

void api_open311_request(struct api_ctx *c)
{
    enum fmt f;
    const char *id = param_stem(c, &f);
    char *end = NULL;
    long long n = id ? strtoll(id, &end, 10) : 0;
    struct case_row cr;
    struct public_request p;
    int rc = n > 0 && end && !*end && strlen(id) < 19
                 ? store_public_request_case(c->z.db, n, &c->req->arena, &p, &cr, &c->err)
                 : ZW_ENOTFOUND;
    if (rc == 0 && !services_listed(api_env.services, p.service_code))
        rc = ZW_ENOTFOUND; /* an objection to a notice is not an Open311 request */
    if (rc) {
        if (rc == ZW_ENOTFOUND)
            reply_311_error(c, f, 404, "找不到该诉求");
        else
            reply_311_err(c, f, &c->err);
        return;
    }
    struct town_cache tc = {0};
    json_t *j = request_json(c, &tc, &cr, &p, &c->err);
    if (!j) {
        reply_311_err(c, f, &c->err);
        return;
    }
    reply_311(c, 200, f, "service_requests", json_pack("[o]", j));
}

/* Parses an ISO 8601 query argument; false (after replying) when malformed. */
static bool time_arg(struct api_ctx *c, enum fmt f, const char *name, int64_t *out)
{
    const char *s = http_query(c->req, name);
    if (!s || !*s)
        return true;
    if (jsonx_parse_time(s, out)) {
        char msg[200];
        snprintf(msg, sizeof(msg), "%s 应为 ISO 8601 时间，如 2026-11-23T08:00:00+08:00", name);
        reply_311_error(c, f, 400, msg);
        return false;
    }
    return true;
}

void api_open311_requests(struct api_ctx *c)
{
    enum fmt f = fmt_of(c->req->path);
    struct town_cache tc = {0};
    json_t *arr = json_array();
    const char *ids = http_query(c->req, "service_request_id");
    if (ids && *ids) {
        /* A list of ids: every other filter is ignored (as the spec says). */
        const char *p = ids;
        for (int count = 0; *p && count < ZW_OPEN311_MAX_RESULTS; count++) {
            char *end;
            long long id = strtoll(p, &end, 10);
            if (end == p || id <= 0 || (*end && *end != ',')) {
                json_decref(arr);
                reply_311_error(c, f, 400, "service_request_id 应为以逗号分隔的诉求编号");
                return;
            }
            struct case_row cr;
            struct public_request pr;
            int rc = store_public_request_case(c->z.db, id, &c->req->arena, &pr, &cr, &c->err);
            json_t *j = NULL;
            if (rc == 0 && !services_listed(api_env.services, pr.service_code))
                rc = ZW_ENOTFOUND; /* an objection to a notice is not an Open311 request */
            if (rc == 0 && !(j = request_json(c, &tc, &cr, &pr, &c->err)))
                rc = c->err.code;
            if (rc && rc != ZW_ENOTFOUND) {
                json_decref(arr);
                reply_311_err(c, f, &c->err);
                return;
            }
            if (j)
                json_array_append_new(arr, j);
            p = *end ? end + 1 : end;
        }
        reply_311(c, 200, f, "service_requests", arr);
        return;
    }
    struct public_filter pf = {.limit = ZW_OPEN311_MAX_RESULTS};
    int64_t start = 0, end = 0;
    if (!time_arg(c, f, "start_date", &start) || !time_arg(c, f, "end_date", &end)) {
        json_decref(arr);
        return;
    }
    const int64_t span = (int64_t)ZW_OPEN311_DEFAULT_DAYS * 86400;
    pf.to = end ? end : c->z.now + 1;
    pf.from = start ? start : pf.to - span;
    const char *code = http_query(c->req, "service_code");
    pf.service_code = code && *code ? code : NULL;
    const char *status = http_query(c->req, "status");
    if (status && *status) {
        bool open = strstr(status, "open") != NULL, closed = strstr(status, "closed") != NULL;
        bool clean = strspn(status, "openclosd,") == strlen(status);
        if (!clean || (!open && !closed)) {
            json_decref(arr);
            reply_311_error(c, f, 400, "status 应为 open、closed 或二者以逗号分隔");
            return;
        }
        pf.status = open && closed ? 0 : open ? 1 : 2;
    }
    struct public_request *reqs;
    struct case_row *cases;
    size_t n;
    if (store_public_request_list(c->z.db, &pf, &c->req->arena, &reqs, &cases, &n, &c->err)) {
        json_decref(arr);
        reply_311_err(c, f, &c->err);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!services_listed(api_env.services, reqs[i].service_code))
            continue;
        json_t *j = request_json(c, &tc, &cases[i], &reqs[i], &c->err);
        if (!j) {
            json_decref(arr);
            reply_311_err(c, f, &c->err);
            return;
        }
        json_array_append_new(arr, j);
    }
    reply_311(c, 200, f, "service_requests", arr);
}

void api_open311_token(struct api_ctx *c)
{
    enum fmt f;
    const char *token = param_stem(c, &f);
    char code[16];
    struct public_request p;
    int rc = token && portal_normalise_code(token, code)
                 ? store_public_request_by_code(c->z.db, code, &c->req->arena, &p, &c->err)
                 : ZW_ENOTFOUND;
    if (rc == 0 && strcmp(p.source, "open311") != 0)
        rc = ZW_ENOTFOUND;
    if (rc) {
        if (rc == ZW_ENOTFOUND)
            reply_311_error(c, f, 404, "找不到该 token");
        else
            reply_311_err(c, f, &c->err);
        return;
    }
    reply_311(c, 200, f, "service_requests",
              json_pack("[{s:s, s:s}]", "service_request_id",
                        arena_printf(&c->req->arena, "%lld", (long long)p.case_id), "token",
                        p.tracking_code));
}

/* ---- POST requests ------------------------------------------------------ */

/* The api_key's record if it is known and enabled; replies 403 otherwise. */
static bool api_key_or_reply(struct api_ctx *c, enum fmt f, const char *key, struct api_key *out)
{
    if (!key || !*key || strlen(key) > 128) {
        reply_311_error(c, f, 403, "需要有效的 api_key");
        return false;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    int rc = store_api_key_by_hash(c->z.db, hex, out, &c->err);
    if (rc == ZW_ENOTFOUND || (!rc && (out->disabled || out->user_id))) {
        reply_311_error(c, f, 403,
                        rc || out->user_id ? "api_key 无效"
                                           : "api_key 已停用"); /* analytics: not here */
        return false;
    }
    if (rc) {
        reply_311_err(c, f, &c->err);
        return false;
    }
    return true;
}

static bool parse_double(const char *s, double *out)
{
    if (!s || !*s || strlen(s) > 32)
        return false;
    char *end;
    *out = strtod(s, &end);
    return !*end;
}

void api_open311_post(struct api_ctx *c)
{
    enum fmt f = fmt_of(c->req->path);
    struct http_req *req = c->req;
    const char *ct = http_header(req, "Content-Type");
    struct http_form form;
    if (req->body.len && (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)) {
        reply_311_error(c, f, 400, "请以 application/x-www-form-urlencoded 格式提交");
        return;
    }
    if (!http_form_parse(&req->arena, req->body.ptr ? req->body.ptr : "", req->body.len, &form)) {
        reply_311_error(c, f, 400, "表单编码有误或字段过多");
        return;
    }
    for (size_t i = 0; i < form.n; i++)
        if (!jsonx_utf8_valid(form.values[i], strlen(form.values[i]))) {
            reply_311_error(c, f, 400, "提交内容含有无效的 UTF-8 编码");
            return;
        }
    struct api_key key;
    if (!api_key_or_reply(c, f, http_form_get(&form, "api_key"), &key))
        return;
    struct portal_submission in = {0};
    in.service = http_form_get(&form, "service_code");
    in.content = http_form_get(&form, "description");
    in.phone = http_form_get(&form, "phone");
    in.address = http_form_get(&form, "address_string");
    if (in.address && !*in.address)
        in.address = NULL;
    const char *first = http_form_get(&form, "first_name"),
               *last = http_form_get(&form, "last_name");
    if ((first && *first) || (last && *last))
        in.name = arena_printf(&req->arena, "%s%s", last ? last : "", first ? first : "");
    const char *lat = http_form_get(&form, "lat"), *lon = http_form_get(&form, "long");
    if ((lat && *lat) || (lon && *lon)) {
        if (!parse_double(lat, &in.lat) || !parse_double(lon, &in.lon)) {
            reply_311_error(c, f, 400, "lat 和 long 应同时给出，且为数字");
            return;
        }
        in.has_location = true;
    }
    const char *conf = http_form_get(&form, "attribute[confidential]");
    if (conf && *conf && strcmp(conf, "0") != 0 && strcmp(conf, "1") != 0) {
        reply_311_error(c, f, 400, "attribute[confidential] 应为 0 或 1");
        return;
    }
    in.confidential = conf && strcmp(conf, "1") == 0;
    const char *village = http_form_get(&form, "attribute[village]");
    if (!village || !*village)
        village = http_form_get(&form, "address_id");
    struct area va;
    struct error e2;
    if (!village || !*village || strlen(village) > 32 ||
        store_area_by_code(c->z.db, village, &va, &e2) != 0 || strcmp(va.level, "village") != 0) {
        reply_311_error(c, f, 400,
                        "需要 attribute[village]（村（社区）代码，见服务定义）或 address_id");
        return;
    }
    in.village_id = va.id;
    if (!api_begin_or_reply(c))
        return;
    struct portal_origin o = {.source = "open311", .api_key_id = key.id, .api_key_name = key.name};
    struct case_row cr;
    struct public_request pr;
    int64_t retry = 0;
    if (portal_submit(&c->z, api_env.case_types, api_env.services, &in, &o, &cr, &pr, &retry,
                      &c->err)) {
        if (c->err.code == ZW_ERATELIMIT) {
            char v[32];
            snprintf(v, sizeof(v), "%lld", (long long)retry);
            http_add_header(req, "Retry-After", v);
        }
        reply_311_err(c, f, &c->err);
        return;
    }
    const char *notice =
        arena_printf(&req->arena, "已受理，办件编号 %s。群众可凭查询码 %s 和手机号后四位在网上查询",
                     cr.serial, pr.tracking_code);
    reply_311(c, 201, f, "service_requests",
              json_pack("[{s:s, s:s, s:s, s:n}]", "service_request_id",
                        arena_printf(&req->arena, "%lld", (long long)cr.id), "token",
                        pr.tracking_code, "service_notice", notice, "account_id"));
}
