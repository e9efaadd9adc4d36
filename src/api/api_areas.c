/* api_areas.c - /api/v1/areas: the area tree, loaded one level at a time; /api/v1/search. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "domain/areas.h"
#include "mask.h"
#include "banned.h"

void api_areas_list(struct api_ctx *c)
{
    int64_t parent = 0;
    if (!api_query_int_or_reply(c, "parent", &parent))
        return;
    struct scope sc = principal_scope(&c->who);
    struct area *items;
    size_t n;
    if (store_area_children(c->z.db, parent, &sc, &c->req->arena, &items, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, area_json(&items[i]));
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}

void api_areas_get(struct api_ctx *c)
{
    int64_t id;
    struct area a;
    struct scope sc = principal_scope(&c->who);
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (store_area_get(c->z.db, id, &sc, &a, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    /* Ancestors are named for breadcrumbs, even above the caller's scope. */
    json_t *anc = json_array();
    struct area up = a;
    struct error e;
    while (up.parent_id && store_area_get_any(c->z.db, up.parent_id, &up, &e) == 0)
        json_array_insert_new(anc, 0,
                              json_pack("{s:I, s:s, s:s}", "id", (json_int_t)up.id, "name", up.name,
                                        "level", up.level));
    json_t *v = area_json(&a);
    json_object_set_new(v, "ancestors", anc);
    api_set_etag(c, a.version);
    api_reply(c, 200, v);
}

void api_areas_create(struct api_ctx *c)
{
    int64_t parent = 0;
    const char *name = NULL, *level = NULL, *code = NULL;
    const struct jfield f[] = {
        {"parentId", JF_INT, true, &parent, .min = 1, .max = INT64_MAX, .label = "上级区划"},
        {"name", JF_STRING, true, &name, .max = 128, .label = "名称"},
        {"level", JF_STRING, true, &level, .max = 16, .label = "层级"},
        {"code", JF_STRING, false, &code, .max = 40, .nullable = true, .label = "代码"},
    };
    if (!api_body_or_reply(c, f, 4) || !api_begin_or_reply(c))
        return;
    struct area a;
    if (areas_create_local(&c->z, parent, level, name, code, &a, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof(loc), "/api/v1/areas/%lld", (long long)a.id);
    http_add_header(c->req, "Location", loc);
    api_set_etag(c, a.version);
    api_reply(c, 201, area_json(&a));
}

void api_areas_patch(struct api_ctx *c)
{
    int64_t id;
    int version;
    const char *name = NULL;
    const struct jfield f[] = {
        {"name", JF_STRING, true, &name, .max = 128, .label = "名称"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version) ||
        !api_body_or_reply(c, f, 1) || !api_begin_or_reply(c))
        return;
    struct area a;
    if (areas_rename(&c->z, id, version, name, &a, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, a.version);
    api_reply(c, 200, area_json(&a));
}

static const char *entity_name(const char *entity)
{
    return strcmp(entity, "user") == 0 ? "用户" : strcmp(entity, "case") == 0 ? "办件" : "区划";
}

/* GET /api/v1/search?q= : areas, users and cases the caller may see, by name, code or serial. */
void api_search(struct api_ctx *c)
{
    struct search_query q = {
        .q = http_query(c->req, "q"),
        .areas = principal_can(&c->who, "area.read"),
        .users = principal_can(&c->who, "user.read"),
        .cases = principal_can(&c->who, "case.read"),
    };
    if (!api_paging_or_reply(c, &q.page, &q.page_size))
        return;
    if (!q.q || !*q.q || utf8_chars(q.q) > 64 || !jsonx_utf8_valid(q.q, strlen(q.q))) {
        err_set(&c->err, ZW_EINVAL, "q", "请输入 1 至 64 个字的搜索内容");
        api_reply_error(c, &c->err);
        return;
    }
    struct scope sc = principal_scope(&c->who);
    struct search_hit *hits;
    size_t n;
    int64_t total;
    if (store_search(c->z.db, &sc, &q, &c->req->arena, &hits, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:I, s:s, s:s?, s:s}", "entity", hits[i].entity,
                                        "entityName", entity_name(hits[i].entity), "id",
                                        (json_int_t)hits[i].id, "title", hits[i].title, "subtitle",
                                        hits[i].body, "areaPath", hits[i].area_path));
    api_reply(c, 200, api_page(arr, total, q.page, q.page_size));
}
