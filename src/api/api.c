/*
 * api.c - the dispatcher every API route goes through, and the helpers that
 * handlers use to read input and reply.  See api.h for the request's life.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "api.h"
#include "domain/auth.h"
#include "jsonx.h"
#include "limits.h"
#include "log.h"
#include "banned.h"

struct api_env api_env;

static const char JSON_TYPE[] = "application/json; charset=utf-8";

void api_reply(struct api_ctx *c, int status, json_t *v)
{
    size_t len;
    char *text = jsonx_dump(&c->req->arena, v, &len);
    json_decref(v);
    http_add_header(c->req, "Cache-Control", "no-store");
    http_reply(c->req, status, JSON_TYPE, text, len);
}

/* Error reply on a bare request (no context needed). */
static void reply_error_req(struct http_req *req, const struct error *e)
{
    json_t *inner = json_pack("{s:s, s:s}", "code", err_code_name(e->code), "message",
                              e->message[0] ? e->message : err_str(e->code));
    if (e->field)
        json_object_set_new(inner, "field", json_string(e->field));
    json_t *v = json_pack("{s:o}", "error", inner);
    size_t len;
    char *text = jsonx_dump(&req->arena, v, &len);
    json_decref(v);
    int status = err_http_status(e->code);
    if (status >= 500 || e->detail[0])
        log_msg(status >= 500 ? LOG_ERROR : LOG_INFO,
                "msg=\"request failed\" method=%s code=%s detail=\"%s\"", req->method,
                err_code_name(e->code), e->detail);
    req->log_error_code = err_code_name(e->code);
    http_add_header(req, "Cache-Control", "no-store");
    http_reply(req, status, JSON_TYPE, text, len);
}

void api_reply_error(struct api_ctx *c, const struct error *e)
{
    reply_error_req(c->req, e);
}

void api_reply_code(struct api_ctx *c, int code)
{
    struct error e;
    err_set(&e, code, NULL, NULL);
    api_reply_error(c, &e);
}

void api_reply_no_content(struct api_ctx *c)
{
    http_reply(c->req, 204, NULL, "", 0);
}

void api_set_etag(struct api_ctx *c, int version)
{
    char tag[32];
    snprintf(tag, sizeof(tag), "\"v%d\"", version);
    http_add_header(c->req, "ETag", tag);
}

void api_content_disposition(struct api_ctx *c, bool download, const char *ascii, const char *name)
{
    /* RFC 6266 / 5987: an ASCII fallback and the UTF-8 name percent-encoded (attr-char kept). */
    static const char keep[] = "!#$&+-.^_`|~";
    struct buf b = {0};
    buf_addf(&b, "%s; filename=\"%s\"; filename*=UTF-8''", download ? "attachment" : "inline",
             ascii && *ascii ? ascii : "file");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            (*p < 0x80 && strchr(keep, *p)))
            buf_addc(&b, (char)*p);
        else
            buf_addf(&b, "%%%02X", *p);
    }
    http_add_header(c->req, "Content-Disposition", b.ptr);
    buf_release(&b);
}

const char *api_upload_name_or_reply(struct api_ctx *c)
{
    const char *name = http_query(c->req, "name");
    if (name && *name)
        return name;
    err_set(&c->err, ZW_EINVAL, "name", "请在查询参数 name 中给出文件名");
    api_reply_error(c, &c->err);
    return NULL;
}

void api_refuse(struct http_req *req, int code)
{
    struct error e;
    err_set(&e, code, NULL, NULL);
    if (code == ZW_ETOOBIG && req->body.max >= 1024 * 1024)
        snprintf(e.message, sizeof(e.message), "请求内容过大（最多 %zu MB）",
                 req->body.max / (1024 * 1024));
    else if (code == ZW_ETOOBIG)
        snprintf(e.message, sizeof(e.message), "请求内容过大（最多 %zu KB）",
                 (req->body.max ? req->body.max : ZW_MAX_BODY_BYTES) / 1024);
    else if (code == ZW_EHEADERS)
        snprintf(e.message, sizeof(e.message), "请求头过多或过大（最多 %d 个、%d KB）",
                 ZW_MAX_HEADER_COUNT, ZW_MAX_HEADER_BYTES / 1024);
    reply_error_req(req, &e);
}

void api_not_found(struct http_req *req, const void *data)
{
    struct error e;
    err_set(&e, ZW_ENOTFOUND, NULL, "找不到该地址");
    reply_error_req(req, &e);
}

static bool is_json_type(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strlen("application/json");
    return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

bool api_body_or_reply(struct api_ctx *c, const struct jfield *fields, size_t n)
{
    struct http_req *req = c->req;
    if (!c->body) {
        if (req->body.len && !is_json_type(http_header(req, "Content-Type"))) {
            api_reply_code(c, ZW_EMEDIA);
            return false;
        }
        if (jsonx_parse_object(req->body.ptr, req->body.len, &c->body, &c->err)) {
            api_reply_error(c, &c->err);
            return false;
        }
    }
    if (jsonx_unpack(c->body, fields, n, &req->arena, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

static bool parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 0)
        return false;
    *out = v;
    return true;
}

bool api_id_or_reply(struct api_ctx *c, const char *name, int64_t *id)
{
    const char *s = http_param(c->req, name);
    if (!parse_i64(s, id) || *id <= 0) {
        api_reply_code(c, ZW_ENOTFOUND);
        return false;
    }
    return true;
}

bool api_if_match_or_reply(struct api_ctx *c, int *version)
{
    const char *s = http_header(c->req, "If-Match");
    if (!s) {
        api_reply_code(c, ZW_EPRECOND);
        return false;
    }
    int64_t v;
    size_t len = strlen(s);
    char tmp[32];
    if (len >= 4 && len < sizeof(tmp) && s[0] == '"' && s[1] == 'v' && s[len - 1] == '"') {
        memcpy(tmp, s + 2, len - 3);
        tmp[len - 3] = '\0';
        if (parse_i64(tmp, &v) && v > 0 && v < INT32_MAX) {
            *version = (int)v;
            return true;
        }
    }
    api_reply_code(c, ZW_ESTALE);
    return false;
}

bool api_query_int_or_reply(struct api_ctx *c, const char *name, int64_t *out)
{
    const char *s = http_query(c->req, name);
    if (!s || !*s)
        return true;
    if (!parse_i64(s, out)) {
        err_set(&c->err, ZW_EINVAL, name, "参数“%s”应为非负整数", name);
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

bool api_paging_or_reply(struct api_ctx *c, int64_t *page, int64_t *page_size)
{
    *page = 1;
    *page_size = ZW_DEFAULT_PAGE_SIZE;
    if (!api_query_int_or_reply(c, "page", page) ||
        !api_query_int_or_reply(c, "pageSize", page_size))
        return false;
    if (*page < 1 || *page > 1000000) {
        err_set(&c->err, ZW_EINVAL, "page", "页码应从 1 开始");
        api_reply_error(c, &c->err);
        return false;
    }
    if (*page_size < 1 || *page_size > ZW_MAX_PAGE_SIZE) {
        err_set(&c->err, ZW_EINVAL, "pageSize", "每页条数应在 1 至 %d 之间", ZW_MAX_PAGE_SIZE);
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

bool api_area_filter_or_reply(struct api_ctx *c, const char **in_path)
{
    int64_t area_id = 0;
    *in_path = NULL;
    if (!api_query_int_or_reply(c, "areaId", &area_id))
        return false;
    if (!area_id)
        return true;
    struct scope sc = principal_scope(&c->who);
    struct area a;
    if (store_area_get(c->z.db, area_id, &sc, &a, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    *in_path = arena_strdup(&c->req->arena, a.path);
    return true;
}

bool api_location_or_reply(struct api_ctx *c, json_t *lat, json_t *lon, bool *has, double *out_lat,
                           double *out_lon)
{
    bool no_lat = !lat || json_is_null(lat), no_lon = !lon || json_is_null(lon);
    *has = false;
    if (no_lat && no_lon)
        return true;
    if (no_lat || no_lon || !json_is_number(lat) || !json_is_number(lon)) {
        err_set(&c->err, ZW_EINVAL, no_lat || !json_is_number(lat) ? "lat" : "lon",
                "经纬度应同时给出，且为数字");
        api_reply_error(c, &c->err);
        return false;
    }
    *has = true;
    *out_lat = json_number_value(lat);
    *out_lon = json_number_value(lon);
    return true;
}

bool api_begin_or_reply(struct api_ctx *c)
{
    /* A GET that must write (an audited read) leaves its read snapshot first. */
    if (store_in_tx(c->z.db) && !store_in_write_tx(c->z.db) && store_commit(c->z.db, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    if (store_begin(c->z.db, true, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

json_t *api_page(json_t *items, int64_t total, int64_t page, int64_t page_size)
{
    int64_t pages = (total + page_size - 1) / page_size;
    return json_pack("{s:o, s:{s:I, s:I, s:I, s:I}}", "items", items, "pager", "total",
                     (json_int_t)total, "page", (json_int_t)page, "pageSize", (json_int_t)page_size,
                     "pageCount", (json_int_t)pages);
}

/* ---- idempotency -------------------------------------------------------- */

static bool idem_key_ok(const char *k)
{
    size_t len = strlen(k);
    if (len < 1 || len > ZW_IDEMPOTENCY_KEY_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return false;
    return true;
}

static void request_hash(struct http_req *req, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)req->method, strlen(req->method) + 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)req->path, strlen(req->path) + 1);
    if (req->body.len)
        crypto_hash_sha256_update(&st, (const unsigned char *)req->body.ptr, req->body.len);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Answers from a stored result if the key was seen.  Returns true if it replied. */
static bool idem_replay(struct api_ctx *c, const char *key, const char *hash)
{
    struct idem prev;
    struct error e;
    int rc = store_idem_get(c->z.db, c->who.user_id, key, &c->req->arena, &prev, &e);
    if (rc == ZW_ENOTFOUND)
        return false;
    if (rc) {
        api_reply_error(c, &e);
        return true;
    }
    if (strcmp(prev.request_hash, hash) != 0) {
        api_reply_code(c, ZW_EIDEMPOTENT);
        return true;
    }
    http_add_header(c->req, "Idempotent-Replay", "true");
    if (prev.etag[0])
        http_add_header(c->req, "ETag", prev.etag);
    if (prev.location[0])
        http_add_header(c->req, "Location", prev.location);
    http_add_header(c->req, "Cache-Control", "no-store");
    http_reply(c->req, prev.status, JSON_TYPE, prev.body, strlen(prev.body));
    return true;
}

static const char *resp_header(struct http_req *req, const char *name)
{
    for (int i = 0; i < req->nresp_headers; i++)
        if (strcasecmp(req->resp_headers[i][0], name) == 0)
            return req->resp_headers[i][1];
    return NULL;
}

/* ---- the dispatcher ----------------------------------------------------- */

static void clear_cookie(struct http_req *req)
{
    http_add_header(req, "Set-Cookie", "zw_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

/* The key of "Authorization: Bearer <key>", or NULL. */
static const char *bearer(struct api_ctx *c)
{
    const char *h = http_header(c->req, "Authorization");
    return h && strncmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
}

static bool authenticate(struct api_ctx *c, const struct api_route *r)
{
    const char *token = http_cookie(c->req, "zw_session");
    bool is_public = r->flags & API_PUBLIC;
    const char *key = (!token || !*token) && !is_public ? bearer(c) : NULL;
    if (key) { /* a county system's key: the analytics, read-only (authorise) */
        if (auth_api_key(c->z.db, &c->req->arena, key, &c->who, &c->err)) {
            api_reply_error(c, &c->err);
            return false;
        }
        c->authed = true;
        c->req->log_user_id = c->who.user_id;
        return true;
    }
    if (!token || !*token) {
        if (is_public)
            return true;
        api_reply_code(c, ZW_EAUTH);
        return false;
    }
    int rc = auth_session(c->z.db, &c->req->arena, token, c->z.now, &c->who, &c->err);
    if (rc == 0) {
        c->authed = true;
        c->req->log_user_id = c->who.user_id;
        return true;
    }
    if (is_public)
        return true;
    if (rc == ZW_EAUTH || rc == ZW_EDISABLED)
        clear_cookie(c->req);
    api_reply_error(c, &c->err);
    return false;
}

static bool authorise(struct api_ctx *c, const struct api_route *r, bool write)
{
    if (r->flags & API_PUBLIC)
        return true;
    if (c->who.api_key_id && (write || !(r->flags & API_KEY_OK))) {
        err_set(&c->err, ZW_EFORBIDDEN, NULL,
                "接口密钥只能读取统计指标（/api/v1/indicators）和区划，不能办理业务");
        api_reply_error(c, &c->err);
        return false;
    }
    if (write) {
        const char *sent = http_header(c->req, "X-CSRF-Token");
        size_t len = c->who.csrf ? strlen(c->who.csrf) : 0;
        if (!sent || !len || strlen(sent) != len || sodium_memcmp(sent, c->who.csrf, len) != 0) {
            api_reply_code(c, ZW_ECSRF);
            return false;
        }
    }
    if (c->who.must_change_password && !(r->flags & API_PWCHANGE_OK)) {
        api_reply_code(c, ZW_EPWCHANGE);
        return false;
    }
    if (r->perm && !principal_can(&c->who, r->perm)) {
        err_set(&c->err, ZW_EFORBIDDEN, NULL, "没有权限：需要“%s”", perm_name(r->perm));
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

/* Commits or rolls back what the handler left open; stores the idempotent result. */
static void finish(struct api_ctx *c, const char *idem_key, const char *hash)
{
    struct http_req *req = c->req;
    if (!store_in_tx(c->z.db))
        return;
    bool ok = req->status < 400;
    if (!ok && !c->commit_on_error) {
        store_rollback(c->z.db);
        return;
    }
    struct error e;
    int rc = 0;
    if (ok && idem_key) {
        struct idem in = {.status = req->status, .body = req->resp_body};
        const char *etag = resp_header(req, "ETag"), *loc = resp_header(req, "Location");
        snprintf(in.request_hash, sizeof(in.request_hash), "%s", hash);
        snprintf(in.etag, sizeof(in.etag), "%s", etag ? etag : "");
        snprintf(in.location, sizeof(in.location), "%s", loc ? loc : "");
        rc = store_idem_put(c->z.db, c->who.user_id, idem_key, req->method, req->path, &in,
                            c->z.now, &e);
    }
    if (!rc)
        rc = store_commit(c->z.db, &e);
    if (rc) {
        store_rollback(c->z.db);
        req->nresp_headers = 0;
        /* A concurrent retry with the same key won: answer as it did. */
        if (rc == ZW_ECONFLICT && idem_key && idem_replay(c, idem_key, hash))
            return;
        api_reply_error(c, &e);
    }
}

void api_dispatch(struct http_req *req, const void *data)
{
    const struct api_route *r = data;
    struct api_ctx c;
    memset(&c, 0, sizeof(c));
    c.req = req;
    c.z.arena = &req->arena;
    c.z.ip = req->ip;
    c.z.now = (int64_t)time(NULL);
    c.z.who = &c.who;
    bool write = strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
    c.z.db = store_db(api_env.store, &c.err);
    if (!c.z.db) {
        api_reply_error(&c, &c.err);
        return;
    }
    if (write && req->body.len && !(r->flags & (API_UPLOAD | API_FORM)) &&
        !is_json_type(http_header(req, "Content-Type"))) {
        api_reply_code(&c, ZW_EMEDIA);
        return;
    }
    /*
     * A read runs in one read transaction: one consistent snapshot, and on
     * SQLite one lock acquisition instead of one per statement.
     */
    if (!write && store_begin(c.z.db, false, &c.err)) {
        api_reply_error(&c, &c.err);
        return;
    }
    if (!authenticate(&c, r) || !authorise(&c, r, write))
        goto out;
    const char *key = (r->flags & API_IDEMPOTENT) ? http_header(req, "Idempotency-Key") : NULL;
    char hash[65] = "";
    if (key) {
        if (!idem_key_ok(key)) {
            err_set(&c.err, ZW_EINVAL, "Idempotency-Key", "幂等键应为 1 至 %d 个可见 ASCII 字符",
                    ZW_IDEMPOTENCY_KEY_MAX);
            api_reply_error(&c, &c.err);
            goto out;
        }
        request_hash(req, hash);
        if (idem_replay(&c, key, hash))
            goto out;
    }
    /*
     * A serialization failure or deadlock (PostgreSQL) means another
     * transaction won a race; the request changed nothing, so it runs again.
     */
    for (int attempt = 1;; attempt++) {
        r->fn(&c);
        finish(&c, key, hash);
        bool retry = req->log_error_code &&
                     strcmp(req->log_error_code, err_code_name(ZW_ESERIAL)) == 0 && attempt < 3;
        if (!retry)
            break;
        if (store_in_tx(c.z.db))
            store_rollback(c.z.db);
        log_info("msg=\"retrying after serialization failure\" attempt=%d", attempt);
        req->replied = false;
        req->nresp_headers = 0;
        req->log_error_code = NULL;
        memset(&c.err, 0, sizeof(c.err));
    }
out:
    if (store_in_tx(c.z.db)) {
        if (store_in_write_tx(c.z.db))
            store_rollback(c.z.db);
        else if (store_commit(c.z.db, &c.err))
            store_rollback(c.z.db);
    }
    if (c.authed && auth_touch(c.z.db, &c.who, c.z.now, &c.err))
        log_warn("msg=\"session touch failed\" detail=\"%s\"", c.err.detail);
    if (c.body)
        json_decref(c.body);
}
