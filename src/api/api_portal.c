/*
 * api_portal.c - /api/v1/portal/...: the public portal, no login.
 *
 * Every route here is API_PUBLIC: a session cookie, if the browser sends
 * one, is ignored; the domain acts as the public principal (portal.h).  The
 * lookup and the rating are POSTs so the phone digits never sit in a URL or
 * an access log; they commit their failed-attempt counters even when they
 * refuse.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/portal.h"
#include "jsonx.h"
#include "limits.h"
#include "banned.h"

/*
 * Replies with err; a rate limit also gets Retry-After.  A wrong code or
 * phone suffix (and a rate limit) is refused before anything but the
 * failed-attempt counters was written: those are kept.
 */
static void reply_portal_error(struct api_ctx *c, int64_t retry_after)
{
    c->commit_on_error = c->err.code == ZW_ENOTFOUND || c->err.code == ZW_ERATELIMIT;
    if (c->err.code == ZW_ERATELIMIT) {
        char v[32];
        snprintf(v, sizeof(v), "%lld", (long long)(retry_after > 0 ? retry_after : 60));
        http_add_header(c->req, "Retry-After", v);
    }
    api_reply_error(c, &c->err);
}

void api_portal_services(struct api_ctx *c)
{
    const struct services *svc = api_env.services;
    json_t *items = json_array();
    for (size_t i = 0; svc && i < svc->n; i++) {
        const struct service *s = &svc->v[i];
        if (s->unlisted)
            continue;
        json_t *kw = json_array();
        for (size_t k = 0; k < s->nkeywords; k++)
            json_array_append_new(kw, json_string(s->keywords[k]));
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "code", s->code, "name",
                                               s->name, "description", s->description, "group",
                                               s->group, "keywords", kw));
    }
    api_reply(c, 200,
              json_pack("{s:o, s:{s:i, s:i, s:i, s:i}}", "items", items, "limits", "contentMax",
                        ZW_PORTAL_CONTENT_MAX_CHARS, "contentMin", ZW_PORTAL_CONTENT_MIN_CHARS,
                        "nameMax", ZW_PORTAL_NAME_MAX_CHARS, "perPhonePerDay",
                        ZW_PORTAL_SUBMIT_PER_PHONE));
}

void api_portal_villages(struct api_ctx *c)
{
    struct public_village *v;
    size_t n;
    if (store_public_villages(c->z.db, &c->req->arena, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items,
                              json_pack("{s:I, s:s, s:s, s:{s:I, s:s}}", "id", (json_int_t)v[i].id,
                                        "code", v[i].code, "name", v[i].name, "township", "id",
                                        (json_int_t)v[i].township_id, "name", v[i].township));
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

static json_t *view_json(const struct portal_view *v)
{
    const struct public_request *p = &v->p;
    json_t *rating = json_null();
    if (p->rated_at)
        rating = json_pack("{s:i, s:s, s:s?, s:o}", "score", p->rating, "level",
                           portal_rating_level(p->rating), "comment", p->rating_comment, "at",
                           jsonx_time(p->rated_at));
    return json_pack(
        "{s:s, s:s, s:{s:s, s:s}, s:{s:s}, s:{s:s, s:s}, s:b, s:b, s:s, s:{s:s?}, s:o, s:o, "
        "s:o, s:O, s:o, s:o, s:b}",
        "trackingCode", p->tracking_code, "serial", v->c.serial, "service", "code", p->service_code,
        "name",
        v->svc    ? v->svc->name
        : v->type ? v->type->name
                  : p->service_code,
        "village", "name", v->c.area_name, "status", "code", v->status, "name", v->status_name,
        "closed", v->closed, "confidential", v->c.confidential, "content",
        v->c.confidential ? "保密诉求" : v->c.content, "requester", "name", v->masked_name,
        "submittedAt", jsonx_time(v->c.created_at), "updatedAt", jsonx_time(v->c.updated_at),
        "expectedAt", jsonx_time(v->expected_at), "timeline", v->timeline, "answer",
        v->answer ? json_pack("{s:s, s:o}", "text", v->answer, "at", jsonx_time(v->answered_at))
                  : json_null(),
        "rating", rating, "canRate", v->can_rate);
}

void api_portal_submit(struct api_ctx *c)
{
    struct portal_submission in;
    struct http_req *req = c->req;
    if (portal_parse_submission(req->body.ptr ? req->body.ptr : "", req->body.len, api_env.services,
                                &req->arena, &in, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!api_begin_or_reply(c))
        return;
    struct portal_origin o = {.source = "portal"};
    struct case_row cr;
    struct public_request pr;
    int64_t retry = 0;
    if (portal_submit(&c->z, api_env.case_types, api_env.services, &in, &o, &cr, &pr, &retry,
                      &c->err)) {
        reply_portal_error(c, retry);
        return;
    }
    const struct service *s = services_find(api_env.services, pr.service_code);
    api_reply(c, 201,
              json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:I, s:s}, s:{s:s, s:s}, s:o, s:s}",
                        "trackingCode", pr.tracking_code, "serial", cr.serial, "service", "code",
                        s->code, "name", s->name, "village", "id", (json_int_t)cr.area_id, "name",
                        cr.area_name, "status", "code", "received", "name", "已受理", "submittedAt",
                        jsonx_time(cr.created_at), "notice",
                        "请记下查询码，凭查询码和手机号后四位查询办理进度"));
}

/* The {code, phoneLast4} every lookup carries, plus the rating's own fields. */
struct lookup_body {
    const char *code, *last4, *comment;
    int64_t score;
};

static bool lookup_or_reply(struct api_ctx *c, struct lookup_body *b, bool rating)
{
    const struct jfield f[] = {
        {"code", JF_STRING, true, &b->code, .max = 32, .label = "查询码"},
        {"phoneLast4", JF_STRING, true, &b->last4, .max = 8, .label = "手机号后四位"},
        {"score", JF_INT, true, &b->score, .min = 1, .max = 5, .label = "评价"},
        {"comment", JF_STRING, false, &b->comment, .max = 4 * ZW_PORTAL_COMMENT_MAX_CHARS,
         .nullable = true, .label = "评价意见"},
    };
    return api_body_or_reply(c, f, rating ? 4 : 2) && api_begin_or_reply(c);
}

void api_portal_track(struct api_ctx *c)
{
    struct lookup_body b = {0};
    if (!lookup_or_reply(c, &b, false))
        return;
    struct portal_view v;
    int64_t retry = 0;
    if (portal_track(&c->z, api_env.case_types, api_env.services, b.code, b.last4, &v, &retry,
                     &c->err)) {
        reply_portal_error(c, retry);
        return;
    }
    json_t *j = view_json(&v);
    portal_view_release(&v);
    api_reply(c, 200, j);
}

void api_portal_rate(struct api_ctx *c)
{
    struct lookup_body b = {0};
    if (!lookup_or_reply(c, &b, true))
        return;
    struct portal_view v;
    int64_t retry = 0;
    if (portal_rate(&c->z, api_env.case_types, api_env.services, b.code, b.last4, (int)b.score,
                    b.comment, &v, &retry, &c->err)) {
        reply_portal_error(c, retry);
        return;
    }
    json_t *j = view_json(&v);
    portal_view_release(&v);
    api_reply(c, 200, j);
}

/*
 * POST /api/v1/portal/photos?name=<file name>: the body is the photo; the
 * tracking code and the phone's last four digits come in the headers
 * X-Tracking-Code and X-Phone-Last4 (never in a URL or a log).
 */
void api_portal_photo(struct api_ctx *c)
{
    const char *code = http_header(c->req, "X-Tracking-Code");
    const char *last4 = http_header(c->req, "X-Phone-Last4");
    const char *name = api_upload_name_or_reply(c);
    if (!name || !api_begin_or_reply(c))
        return;
    struct case_attachment a;
    int64_t retry = 0;
    if (portal_photo(&c->z, code, last4, name, c->req->body.ptr, c->req->body.len, &a, &retry,
                     &c->err)) {
        reply_portal_error(c, retry);
        return;
    }
    api_reply(c, 201,
              json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)a.id, "name", a.name, "mime",
                        a.mime, "size", (json_int_t)a.size));
}
