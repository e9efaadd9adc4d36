/*
 * api_pairing.c - 帮扶责任人, their pairs with households, and visits with
 * photos (the phone page /m/visits).  Phones are masked in every answer.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/monitoring.h"
#include "domain/pairing.h"
#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "banned.h"

static json_t *masked_phone(const char *phone)
{
    if (!phone || !*phone)
        return json_null();
    char m[40];
    mask_phone(phone, m);
    return json_string(m);
}

static json_t *cadre_json(const struct assist_cadre *c)
{
    json_t *o = json_pack("{s:I, s:s, s:s?, s:o, s:b, s:i, s:o}", "id", (json_int_t)c->id, "name",
                          c->name, "unit", c->unit, "phone", masked_phone(c->phone), "active",
                          c->active, "pairs", c->pairs, "createdAt", jsonx_time(c->created_at));
    json_object_set_new(
        o, "user",
        c->user_id ? json_pack("{s:I, s:s?}", "id", (json_int_t)c->user_id, "name", c->user_name)
                   : json_null());
    return o;
}

/* GET /api/v1/assist-cadres?q=&page=&pageSize= */
void api_cadres_list(struct api_ctx *c)
{
    int64_t page, size;
    const char *q = http_query(c->req, "q");
    if (q && (!*q || strlen(q) > 100))
        q = NULL;
    if (!api_paging_or_reply(c, &page, &size))
        return;
    struct scope sc = principal_scope(&c->who);
    struct assist_cadre *v;
    size_t n;
    int64_t total;
    if (store_cadre_list(c->z.db, &sc, q, page, size, &c->req->arena, &v, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, cadre_json(&v[i]));
    api_reply(c, 200, api_page(items, total, page, size));
}

/* POST /api/v1/assist-cadres {name, unit, phone, userId?, areaId?} */
void api_cadres_create(struct api_ctx *c)
{
    struct cadre_input in = {0};
    const struct jfield f[] = {
        {"name", JF_STRING, true, &in.name, .max = 200, .label = "姓名"},
        {"unit", JF_STRING, false, &in.unit, .max = 400, .nullable = true, .label = "单位"},
        {"phone", JF_STRING, false, &in.phone, .max = 40, .nullable = true, .label = "联系电话"},
        {"userId", JF_INT, false, &in.user_id, .min = 1, .max = INT64_MAX, .label = "账号"},
        {"areaId", JF_INT, false, &in.area_id, .min = 1, .max = INT64_MAX, .label = "所属区划"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])) || !api_begin_or_reply(c))
        return;
    int64_t id;
    struct assist_cadre r;
    struct scope sc = principal_scope(&c->who);
    if (pairing_cadre_add(&c->z, &in, &id, &c->err) ||
        store_cadre_get(c->z.db, id, &sc, &c->req->arena, &r, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 201, cadre_json(&r));
}

static json_t *pair_json(const struct household_pair *p)
{
    json_t *o = json_pack("{s:I, s:I, s:{s:I, s:s, s:s?, s:o}, s:s}", "id", (json_int_t)p->id,
                          "householdId", (json_int_t)p->household_id, "cadre", "id",
                          (json_int_t)p->cadre_id, "name", p->cadre_name, "unit", p->cadre_unit,
                          "phone", masked_phone(p->cadre_phone), "since", p->since);
    json_object_set_new(o, "until", p->until_on ? json_string(p->until_on) : json_null());
    return o;
}

/* The household {id} in the caller's scope; replies 404 and returns false otherwise. */
static bool household_or_reply(struct api_ctx *c, int64_t *id)
{
    struct household h;
    if (!api_id_or_reply(c, "id", id))
        return false;
    if (registry_household_get(&c->z, *id, &h, &c->err)) {
        api_reply_error(c, &c->err);
        return false;
    }
    return true;
}

void api_pairs_list(struct api_ctx *c)
{
    int64_t id;
    if (!household_or_reply(c, &id))
        return;
    struct household_pair *v;
    size_t n;
    if (store_pair_list(c->z.db, id, &c->req->arena, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, pair_json(&v[i]));
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/v1/households/{id}/pairs {cadreId, since} */
void api_pairs_create(struct api_ctx *c)
{
    int64_t id, cadre = 0, pid;
    const char *since = NULL;
    const struct jfield f[] = {
        {"cadreId", JF_INT, true, &cadre, .min = 1, .max = INT64_MAX, .label = "帮扶责任人"},
        {"since", JF_STRING, true, &since, .max = 10, .label = "结对日期"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 2) || !api_begin_or_reply(c))
        return;
    struct household_pair p;
    struct scope sc = principal_scope(&c->who);
    if (pairing_pair_add(&c->z, id, cadre, since, &pid, &c->err) ||
        store_pair_get(c->z.db, pid, &sc, &c->req->arena, &p, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 201, pair_json(&p));
}

/* POST /api/v1/pairs/{id}/end {until} */
void api_pairs_end(struct api_ctx *c)
{
    int64_t id;
    const char *until = NULL;
    const struct jfield f[] = {
        {"until", JF_STRING, true, &until, .max = 10, .label = "解除日期"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 1) || !api_begin_or_reply(c))
        return;
    struct household_pair p;
    struct scope sc = principal_scope(&c->who);
    if (pairing_pair_end(&c->z, id, until, &c->err) ||
        store_pair_get(c->z.db, id, &sc, &c->req->arena, &p, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 200, pair_json(&p));
}

/* ---- visits ------------------------------------------------------------------------ */

static json_t *photo_json(const struct visit_photo *p)
{
    char url[96];
    snprintf(url, sizeof(url), "/api/v1/visits/%lld/photos/%lld", (long long)p->visit_id,
             (long long)p->id);
    return json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)p->id, "name", p->name, "mime",
                     p->mime, "size", (json_int_t)p->size, "url", url);
}

static json_t *visit_json(const struct visit *v)
{
    json_t *photos = json_array();
    for (size_t i = 0; i < v->nphotos; i++)
        json_array_append_new(photos, photo_json(&v->photos[i]));
    return json_pack("{s:I, s:I, s:s, s:s, s:{s:I, s:s?}, s:b, s:o, s:o}", "id", (json_int_t)v->id,
                     "householdId", (json_int_t)v->household_id, "visitedOn", v->visited_on,
                     "found", v->found, "user", "id", (json_int_t)v->user_id, "name", v->user_name,
                     "byCadre", v->cadre_id != 0, "photos", photos, "createdAt",
                     jsonx_time(v->created_at));
}

void api_visits_list(struct api_ctx *c)
{
    int64_t id;
    if (!household_or_reply(c, &id))
        return;
    struct visit *v;
    size_t n;
    if (store_visit_list(c->z.db, id, ZW_MAX_PAGE_SIZE, &c->req->arena, &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, visit_json(&v[i]));
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/v1/households/{id}/visits {visitedOn, found}; photos follow, one per request. */
void api_visits_create(struct api_ctx *c)
{
    int64_t id, vid;
    const char *on = NULL, *found = NULL;
    const struct jfield f[] = {
        {"visitedOn", JF_STRING, true, &on, .max = 10, .label = "走访日期"},
        {"found", JF_STRING, true, &found, .max = 8000, .label = "走访情况"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 2) || !api_begin_or_reply(c))
        return;
    struct visit v;
    struct scope sc = principal_scope(&c->who);
    if (pairing_visit_add(&c->z, id, on, found, &vid, &c->err) ||
        store_visit_get(c->z.db, vid, &sc, &c->req->arena, &v, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    v.user_name = c->who.name;
    api_reply(c, 201, visit_json(&v));
}

/* GET /api/v1/visits/mine: the caller's paired households and those of their grid. */
void api_visits_mine(struct api_ctx *c)
{
    struct visit_due *v;
    size_t n;
    if (store_visits_due(c->z.db, c->who.user_id, c->who.area_id, ZW_MAX_PAGE_SIZE, &c->req->arena,
                         &v, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct mon_household *h = &v[i].household;
        json_t *o =
            json_pack("{s:{s:I, s:s?, s:s?, s:s?, s:s?}, s:b}", "household", "id",
                      (json_int_t)h->id, "code", h->code, "headName", h->head_name, "village",
                      h->village_name, "address", h->address, "paired", v[i].paired);
        json_object_set_new(o, "lastVisit",
                            v[i].last_visit ? json_string(v[i].last_visit) : json_null());
        json_array_append_new(items, o);
    }
    api_reply(c, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/v1/visits/{id}/photos?name=...: the body is the photo. */
void api_visit_photo_upload(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    const char *name = api_upload_name_or_reply(c);
    if (!name || !api_begin_or_reply(c))
        return;
    struct visit_photo p;
    if (pairing_visit_photo(&c->z, id, name, c->req->body.ptr, c->req->body.len, &p, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply(c, 201, photo_json(&p));
}

/* GET /api/v1/visits/{id}/photos/{photoId} */
void api_visit_photo_get(struct api_ctx *c)
{
    int64_t id, pid;
    if (!api_id_or_reply(c, "id", &id) || !api_id_or_reply(c, "photoId", &pid))
        return;
    struct visit_photo p;
    const void *data;
    size_t len;
    if (pairing_visit_photo_read(&c->z, id, pid, &p, &data, &len, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char etag[70];
    snprintf(etag, sizeof(etag), "\"%s\"", p.sha256);
    http_add_header(c->req, "ETag", etag);
    http_add_header(c->req, "Cache-Control", "private, max-age=86400");
    http_add_header(c->req, "Content-Security-Policy", "default-src 'none'; sandbox");
    api_content_disposition(c, false, NULL, p.name);
    http_reply(c->req, 200, p.mime, data, len);
}
