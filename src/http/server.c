/*
 * server.c - the libmicrohttpd adapter: limits, body collection, routing,
 * static files, access log, graceful stop.
 *
 * libmicrohttpd runs a pool of worker threads, each with its own epoll loop.
 * The access handler is called several times per request: first with the
 * headers (we check limits and may refuse at once, before reading a body),
 * then once per body chunk (collected into a capped buffer), then once with
 * no data (we dispatch and queue the response).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "error.h"
#include "http.h"
#include "limits.h"
#include "log.h"
#include "static.h"
#include "banned.h"

struct http_server {
    struct MHD_Daemon *d;
    struct http_config cfg;
    struct static_site site;
    atomic_int active;
    unsigned port;
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *http_header(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie(struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_param(struct http_req *req, const char *name)
{
    char tmp[256];
    const char *v = route_param_get(&req->match, name, tmp, sizeof(tmp));
    return v ? arena_strdup(&req->arena, v) : NULL;
}

void http_add_header(struct http_req *req, const char *name, const char *value)
{
    if (req->nresp_headers == HTTP_MAX_RESP_HEADERS)
        log_fatal("http: too many response headers");
    req->resp_headers[req->nresp_headers][0] = arena_strdup(&req->arena, name);
    req->resp_headers[req->nresp_headers][1] = arena_strdup(&req->arena, value);
    req->nresp_headers++;
}

void http_reply(struct http_req *req, int status, const char *content_type, const char *body,
                size_t len)
{
    req->status = status;
    req->content_type = content_type;
    req->resp_body = body;
    req->resp_len = len;
    req->replied = true;
}

/* Sends the reply set on req.  Returns MHD_YES/MHD_NO for the access handler. */
static enum MHD_Result queue(struct http_req *req)
{
    if (!req->replied)
        log_fatal("http: handler for %s %s did not reply", req->method, req->path);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        req->resp_len, (void *)req->resp_body,
        req->resp_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (req->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    for (int i = 0; i < req->nresp_headers; i++)
        MHD_add_response_header(r, req->resp_headers[i][0], req->resp_headers[i][1]);
    enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)req->status, r);
    MHD_destroy_response(r);
    return ok;
}

struct hdr_count {
    size_t n, bytes;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    struct hdr_count *c = cls;
    c->n++;
    c->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* A path is acceptable if absolute, printable and free of "." / ".." / empty segments. */
static bool path_ok(const char *p)
{
    if (p[0] != '/' || strlen(p) > ZW_MAX_URL_BYTES)
        return false;
    for (const char *c = p; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
            return false;
    for (const char *seg = p; seg; seg = strchr(seg + 1, '/')) {
        const char *s = seg + 1;
        size_t len = strcspn(s, "/");
        if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        if (len == 0 && s[0] == '/')
            return false;
    }
    return true;
}

static void serve_static(struct http_server *s, struct http_req *req, const struct static_file *f)
{
    const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
    http_add_header(req, MHD_HTTP_HEADER_ETAG, f->etag);
    http_add_header(req, MHD_HTTP_HEADER_CACHE_CONTROL, f->cache_control);
    if (strncmp(f->content_type, "text/html", 9) == 0)
        http_add_header(req, "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data: blob:; "
                        "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    if (inm && strcmp(inm, f->etag) == 0) {
        http_reply(req, 304, NULL, "", 0);
        return;
    }
    req->resp_static = true;
    http_reply(req, 200, f->content_type, f->data, f->len);
}

static void dispatch(struct http_server *s, struct http_req *req)
{
    if (req->refuse_code) {
        s->cfg.refuse(req, req->refuse_code);
        return;
    }
    if (!path_ok(req->path)) {
        s->cfg.refuse(req, ZW_EBADPATH);
        return;
    }
    int m = router_match(s->cfg.routes, s->cfg.nroutes, req->method, req->path, &req->match);
    if (m == ROUTE_FOUND) {
        req->match.route->fn(req, req->match.route->data);
        return;
    }
    if (m == ROUTE_NO_METHOD) {
        s->cfg.refuse(req, ZW_EMETHOD);
        return;
    }
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (get && s->site.nfiles && strncmp(req->path, "/api/", 5) != 0) {
        const struct static_file *f = static_find(&s->site, req->path);
        /* Client-side routes (no extension in the last segment) get the app's page. */
        if (!f && !strchr(strrchr(req->path, '/'), '.'))
            f = static_find(&s->site, "/index.html");
        if (f) {
            serve_static(s, req, f);
            return;
        }
    }
    s->cfg.not_found(req, NULL);
}

static void client_ip(struct http_server *s, struct http_req *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(req->ip, sizeof(req->ip), "unknown");
    if (s->cfg.trust_proxy) {
        const char *real = http_header(req, "X-Real-IP");
        if (real && strlen(real) < sizeof(req->ip)) {
            snprintf(req->ip, sizeof(req->ip), "%s", real);
            return;
        }
    }
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, req->ip,
                  sizeof(req->ip));
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, req->ip,
                  sizeof(req->ip));
}

/* The body cap of the route req goes to: the server's, or a larger one for uploads. */
static size_t body_cap(struct http_server *s, struct http_req *req)
{
    struct route_match m;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0 &&
        router_match(s->cfg.routes, s->cfg.nroutes, req->method, req->path, &m) == ROUTE_FOUND &&
        m.route->max_body > s->cfg.max_body)
        return m.route->max_body;
    return s->cfg.max_body;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    struct http_server *s = cls;
    struct http_req *req = *con_cls;
    if (!req) {
        req = calloc(1, sizeof(*req));
        if (!req)
            return MHD_NO;
        *con_cls = req;
        atomic_fetch_add(&s->active, 1);
        req->conn = conn;
        req->started_us = now_us();
        req->method = arena_strdup(&req->arena, method);
        req->path = arena_strndup(&req->arena, url, strnlen(url, ZW_MAX_URL_BYTES + 1));
        req->body.max = body_cap(s, req);
        client_ip(s, req);
        struct hdr_count hc = {0};
        MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &hc);
        const char *cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        if (hc.n > ZW_MAX_HEADER_COUNT || hc.bytes > ZW_MAX_HEADER_BYTES)
            req->refuse_code = ZW_EHEADERS;
        else if (declared > req->body.max)
            req->refuse_code = ZW_ETOOBIG;
        /* Within the drain limit, the body is read and dropped, then refused. */
        if (req->refuse_code &&
            !(req->refuse_code == ZW_ETOOBIG && declared <= ZW_MAX_DRAIN_BYTES)) {
            dispatch(s, req);
            return queue(req);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->replied)
            return MHD_YES; /* refused already: discard */
        /*
         * Past the cap (a chunked body has no Content-Length to refuse early)
         * the rest is read and dropped; the refusal goes out at the end, as
         * libmicrohttpd cannot answer in the middle of an upload.
         */
        if (!req->refuse_code && buf_add(&req->body, upload_data, n)) {
            req->refuse_code = ZW_ETOOBIG;
            buf_release(&req->body);
        }
        return MHD_YES;
    }
    if (req->replied)
        return MHD_YES;
    dispatch(s, req);
    return queue(req);
}

/* Printable copy of a path for the log: no spaces, quotes or control characters. */
static void log_safe(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        out[i] = (c <= 0x20 || c == '"' || c == 0x7f) ? '?' : (char)c;
    }
    out[i] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;
    struct http_req *req = *con_cls;
    if (!req)
        return;
    char path[256];
    log_safe(req->path ? req->path : "", path, sizeof(path));
    log_info("msg=access method=%s path=%s status=%d bytes=%zu dur_us=%lld ip=%s user=%lld "
             "err=%s done=%s",
             req->method, path, req->status, req->resp_len, (long long)(now_us() - req->started_us),
             req->ip, (long long)req->log_user_id, req->log_error_code ? req->log_error_code : "-",
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "ok" : "aborted");
    buf_release(&req->body);
    arena_release(&req->arena);
    free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&s->active, 1);
}

/*
 * Percent-decoding of paths and query arguments.  A decoded control byte
 * (%00 would otherwise cut the C string short) becomes 0x01, which path_ok()
 * refuses, so "/index.html%00.js" is a bad path, never "/index.html".
 */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    char *r = s, *w = s;
    while (*r) {
        unsigned char c = (unsigned char)*r;
        if (c == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], '\0'};
            c = (unsigned char)strtoul(hex, NULL, 16);
            r += 3;
        } else {
            r++;
        }
        *w++ = (c < 0x20 || c == 0x7f) ? '\x01' : (char)c;
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_warn("msg=\"microhttpd: %s\"", msg);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, struct error *err)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof(host))
        return err_set(err, ZW_EINVAL, "listen", "监听地址应为 地址:端口，例如 127.0.0.1:8080");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return err_set(err, ZW_EINVAL, "listen", "端口无效：%s", colon + 1);
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return err_set(err, ZW_EINVAL, "listen", "监听地址无效：%s", host);
    return 0;
}

int http_start(const struct http_config *cfg, struct http_server **out, struct error *err)
{
    struct sockaddr_in sa;
    int rc = parse_listen(cfg->listen, &sa, err);
    if (rc)
        return rc;
    struct http_server *s = calloc(1, sizeof(*s));
    if (!s)
        log_fatal("http: out of memory");
    s->cfg = *cfg;
    if (cfg->web_root && (rc = static_load(&s->site, cfg->web_root, err))) {
        free(s);
        return rc;
    }
    s->d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_access,
        s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)cfg->conn_total, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->conn_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)ZW_MHD_CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_UNESCAPE_CALLBACK, unescape, s,
        MHD_OPTION_END);
    if (!s->d) {
        static_release(&s->site);
        free(s);
        return err_set(err, ZW_EIO, "listen", "无法在 %s 上监听（端口被占用或无权限）",
                       cfg->listen);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : ntohs(sa.sin_port);
    *out = s;
    return 0;
}

unsigned http_port(const struct http_server *s)
{
    return s->port;
}

void http_stop(struct http_server *s, int grace_ms)
{
    if (!s)
        return;
    MHD_socket ls = MHD_quiesce_daemon(s->d);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    for (int waited = 0; atomic_load(&s->active) > 0 && waited < grace_ms; waited += 10)
        usleep(10 * 1000);
    MHD_stop_daemon(s->d);
    static_release(&s->site);
    free(s);
}
