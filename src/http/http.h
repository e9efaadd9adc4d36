/*
 * http.h - the HTTP adapter over libmicrohttpd: one request, its response,
 * and the server that runs a route table.  Knows nothing about the domain.
 *
 * A struct http_req lives from the first byte of a request to the end of its
 * response.  Everything hanging off it (strings, the parsed body, the
 * response) is allocated from req->arena and dies with it.  Handlers run on
 * the server's worker threads, one request at a time per thread, and must
 * call one of the http_reply* functions exactly once.
 */
#ifndef ZW_HTTP_H
#define ZW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "router.h"

#define HTTP_MAX_RESP_HEADERS 16

struct http_req {
    struct arena arena;
    const char *method;
    const char *path; /* decoded path without query string */
    char ip[64];      /* client address */
    void *conn;       /* struct MHD_Connection *, for the adapter only */
    struct buf body;  /* request body, capped */
    struct route_match match;
    int64_t started_us;

    /* response */
    int status;
    const char *content_type;
    const char *resp_body;
    size_t resp_len;
    bool resp_static; /* resp_body outlives the request (static file cache) */
    const char *resp_headers[HTTP_MAX_RESP_HEADERS][2];
    int nresp_headers;
    bool replied;

    /* what the access log prints beyond method, path and status */
    int64_t log_user_id;
    const char *log_error_code;

    /* early refusal decided by the adapter before the body was read */
    int refuse_code; /* enum zw_err or 0 */
};

/* Request header (case-insensitive name), query argument or cookie; borrowed, NULL if absent. */
const char *http_header(struct http_req *req, const char *name);
const char *http_query(struct http_req *req, const char *name);
const char *http_cookie(struct http_req *req, const char *name);
/* Path parameter from the matched pattern, copied into the arena; NULL if absent. */
const char *http_param(struct http_req *req, const char *name);

/* Adds a response header; name and value are copied into the arena. */
void http_add_header(struct http_req *req, const char *name, const char *value);
/* Sets the response; body must live until the request ends (arena or static). */
void http_reply(struct http_req *req, int status, const char *content_type, const char *body,
                size_t len);

struct http_config {
    const char *listen; /* "127.0.0.1:8080" */
    unsigned threads;
    unsigned conn_per_ip;
    unsigned conn_total;
    unsigned timeout_s;
    size_t max_body;
    const char *web_root; /* built UI directory, or NULL */
    bool trust_proxy;     /* take the client address from X-Real-IP (nginx in front) */
    const struct route *routes;
    size_t nroutes;
    /* Called for every request that matched no route and no static file. */
    route_fn not_found;
    /* Called with a ZW_E* code when the adapter refuses a request itself. */
    void (*refuse)(struct http_req *req, int code);
};

struct http_server;

/* Starts listening; returns 0 or a code with err filled. */
int http_start(const struct http_config *cfg, struct http_server **out, struct error *err);
/* The bound port (useful with port 0). */
unsigned http_port(const struct http_server *s);
/*
 * Stops accepting, waits up to grace_ms for requests in flight to finish,
 * then stops the worker threads and frees the server.
 */
void http_stop(struct http_server *s, int grace_ms);

#endif
