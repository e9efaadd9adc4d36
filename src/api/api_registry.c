/*
 * api_registry.c - /api/v1/registry, /households, /persons and /duplicates:
 * the household and person registry (docs/registry.md).
 *
 * ID numbers and phones are masked in every answer; the full ID number is a
 * separate, audited read for holders of pii.read.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "calendar.h"
#include "domain/registry.h"
#include "idnum.h"
#include "limits.h"
#include "mask.h"
#include "banned.h"

static const struct registry_defs *defs(void)
{
    return api_env.registry;
}

/* Chinese name of a code, or NULL for NULL. */
static const char *cname(const struct reg_table *t, const char *code)
{
    const char *n = code ? registry_name(t, code) : NULL;
    return n ? n : code;
}

static json_t *code_pair(const struct reg_table *t, const char *code)
{
    return code ? json_pack("{s:s, s:s}", "code", code, "name", cname(t, code)) : json_null();
}

static json_t *masked_id(const char *id)
{
    if (!id)
        return json_null();
    char m[19];
    idnum_mask(id, m);
    return json_string(m);
}

static json_t *masked_phone(const char *phone)
{
    if (!phone || !*phone)
        return json_null();
    char m[40];
    mask_phone(phone, m);
    return json_string(m);
}

/* "a,b" of table t -> [{code, name}, ...] in the table's order (unknown codes last). */
static json_t *code_list(struct arena *a, const struct reg_table *t, const char *list)
{
    json_t *arr = json_array();
    size_t len = strlen(list ? list : "");
    char *s = arena_printf(a, ",%s,", list ? list : "");
    for (size_t i = 0; len && i < t->n; i++)
        if (strstr(s, arena_printf(a, ",%s,", t->v[i].code)))
            json_array_append_new(arr, code_pair(t, t->v[i].code));
    for (char *save = NULL, *c = strtok_r(s, ",", &save); c; c = strtok_r(NULL, ",", &save))
        if (!registry_name(t, c))
            json_array_append_new(arr, code_pair(t, c));
    return arr;
}

static const char *monitor_name(const char *status)
{
    if (status && strcmp(status, "monitored") == 0)
        return "监测对象";
    if (status && strcmp(status, "eliminated") == 0)
        return "风险已消除";
    return "未纳入监测";
}

static json_t *household_json(struct api_ctx *c, const struct household *h)
{
    const struct registry_defs *d = defs();
    json_t *v = json_pack(
        "{s:I, s:s, s:{s:I, s:s, s:s}, s:o, s:o, s:s?, s:o, s:i, s:o, s:o, s:o, s:i}", "id",
        (json_int_t)h->id, "code", h->code, "village", "id", (json_int_t)h->village_id, "code",
        h->village_code, "name", h->village_name, "group",
        h->group_id ? json_pack("{s:I, s:s}", "id", (json_int_t)h->group_id, "name", h->group_name)
                    : json_null(),
        "grid",
        h->grid_id ? json_pack("{s:I, s:s}", "id", (json_int_t)h->grid_id, "name", h->grid_name)
                   : json_null(),
        "address", h->address, "head",
        h->head_person_id
            ? json_pack("{s:I, s:s, s:o}", "id", (json_int_t)h->head_person_id, "name",
                        h->head_name, "idNumber", masked_id(h->head_id_number))
            : json_null(),
        "members", h->members, "categories",
        code_list(&c->req->arena, &d->categories, h->categories), "poorYear",
        h->poor_year ? json_integer(h->poor_year) : json_null(), "exitYear",
        h->exit_year ? json_integer(h->exit_year) : json_null(), "version", h->version);
    json_object_set_new(
        v, "monitor",
        json_pack("{s:s, s:s, s:s?, s:s?, s:o, s:s?, s:s?}", "status", h->monitor_status,
                  "statusName", monitor_name(h->monitor_status), "category", h->monitor_category,
                  "categoryName",
                  h->monitor_category ? cname(&d->monitor_categories, h->monitor_category) : NULL,
                  "risks", code_list(&c->req->arena, &d->risks, h->monitor_risks), "since",
                  h->monitor_since, "eliminatedOn", h->eliminated_on));
    return v;
}

static int age_of(const char *birth, int64_t now)
{
    int b;
    if (!birth || cal_parse_date(birth, &b))
        return -1;
    int t = cal_local_ymd(now), age = t / 10000 - b / 10000;
    return t % 10000 < b % 10000 ? age - 1 : age;
}

static json_t *person_json(struct api_ctx *c, const struct person *p)
{
    const struct registry_defs *d = defs();
    json_t *v = json_pack("{s:I, s:s, s:o, s:s?, s:s?, s:s?, s:o}", "id", (json_int_t)p->id, "name",
                          p->name, "idNumber", masked_id(p->id_number), "sex", p->sex, "sexName",
                          p->sex ? (strcmp(p->sex, "M") == 0 ? "男" : "女") : NULL, "birthDate",
                          p->birth_date, "phone", masked_phone(p->phone));
    int age = age_of(p->birth_date, c->z.now);
    json_object_set_new(v, "age", age >= 0 ? json_integer(age) : json_null());
    struct {
        const char *key, *value;
        const struct reg_table *t;
    } codes[] = {
        {"relation", p->relation, &d->relations},
        {"labour", p->labour, &d->labour},
        {"disability", p->disability, &d->disability},
        {"schooling", p->schooling, &d->schooling},
        {"health", p->health, &d->health},
        {"work", p->work, &d->work},
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        json_object_set_new(v, codes[i].key,
                            codes[i].value ? json_string(codes[i].value) : json_null());
        json_object_set_new(v, arena_printf(&c->req->arena, "%sName", codes[i].key),
                            codes[i].value ? json_string(cname(codes[i].t, codes[i].value))
                                           : json_null());
    }
    json_object_set_new(v, "insuredMedical", json_boolean(p->insured_medical));
    json_object_set_new(v, "insuredSerious", json_boolean(p->insured_serious));
    json_object_set_new(v, "insuredPension", json_boolean(p->insured_pension));
    json_object_set_new(v, "status", json_string(p->status));
    json_object_set_new(
        v, "household",
        p->household_id
            ? json_pack("{s:I, s:s?}", "id", (json_int_t)p->household_id, "code", p->household_code)
            : json_null());
    json_object_set_new(v, "joinedOn", p->joined_on ? json_string(p->joined_on) : json_null());
    json_object_set_new(v, "joinReason",
                        p->join_reason ? json_string(p->join_reason) : json_null());
    json_object_set_new(v, "version", json_integer(p->version));
    return v;
}

void api_registry_codes(struct api_ctx *c)
{
    json_t *v = json_deep_copy(defs()->root);
    json_object_del(v, "note");
    api_reply(c, 200, v);
}

/* ---- households ---------------------------------------------------------- */

bool api_household_filter_or_reply(struct api_ctx *c, struct household_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->q = http_query(c->req, "q");
    f->category = http_query(c->req, "category");
    f->monitor = http_query(c->req, "monitor");
    const char *failing = http_query(c->req, "failing");
    f->failing = failing && strcmp(failing, "1") == 0;
    if (failing && *failing && !f->failing && strcmp(failing, "0") != 0) {
        err_set(&c->err, ZW_EINVAL, "failing", "参数“failing”应为 0 或 1");
        api_reply_error(c, &c->err);
        return false;
    }
    if (!api_paging_or_reply(c, &f->page, &f->page_size) ||
        !api_area_filter_or_reply(c, &f->in_path))
        return false;
    if (f->q && !*f->q)
        f->q = NULL;
    if (f->q && strlen(f->q) > 64)
        err_set(&c->err, ZW_EINVAL, "q", "搜索内容过长");
    else if (f->category && *f->category && !registry_name(&defs()->categories, f->category))
        err_set(&c->err, ZW_EINVAL, "category", "户类别不正确");
    else if (f->monitor && *f->monitor && strcmp(f->monitor, "none") != 0 &&
             strcmp(f->monitor, "monitored") != 0 && strcmp(f->monitor, "eliminated") != 0)
        err_set(&c->err, ZW_EINVAL, "monitor", "监测状态不正确");
    else {
        if (f->category && !*f->category)
            f->category = NULL;
        if (f->monitor && !*f->monitor)
            f->monitor = NULL;
        return true;
    }
    api_reply_error(c, &c->err);
    return false;
}

void api_households_list(struct api_ctx *c)
{
    struct household_filter f;
    if (!api_household_filter_or_reply(c, &f))
        return;
    struct scope sc = principal_scope(&c->who);
    struct household *items;
    size_t n;
    int64_t total;
    if (store_household_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, household_json(c, &items[i]));
    api_reply(c, 200, api_page(arr, total, f.page, f.page_size));
}

/* The "categories" array of strings into a C array; replies 400 on anything else. */
static bool categories_or_reply(struct api_ctx *c, json_t *arr, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return true;
    if (!json_is_array(arr) || json_array_size(arr) > 10) {
        err_set(&c->err, ZW_EINVAL, "categories", "户类别应为不超过 10 项的数组");
        api_reply_error(c, &c->err);
        return false;
    }
    *out = arena_alloc(&c->req->arena, (json_array_size(arr) + 1) * sizeof(**out));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s) {
            err_set(&c->err, ZW_EINVAL, "categories", "户类别应为代码字符串");
            api_reply_error(c, &c->err);
            return false;
        }
        bool dup = false;
        for (size_t k = 0; k < *n; k++)
            dup |= strcmp((*out)[k], s) == 0;
        if (!dup)
            (*out)[(*n)++] = s;
    }
    return true;
}

static void reply_household(struct api_ctx *c, int status, int64_t id, bool details);

void api_households_create(struct api_ctx *c)
{
    struct household_input in = {0};
    json_t *cats = NULL;
    int64_t poor = 0, exit_year = 0;
    const struct jfield f[] = {
        {"areaId", JF_INT, true, &in.area_id, .min = 1, .max = INT64_MAX,
         .label = "所在村（社区）"},
        {"code", JF_STRING, false, &in.code, .max = 32, .nullable = true, .label = "户编号"},
        {"address", JF_STRING, false, &in.address, .max = 600, .nullable = true, .label = "地址"},
        {"phone", JF_STRING, false, &in.phone, .max = 20, .nullable = true, .label = "联系电话"},
        {"note", JF_STRING, false, &in.note, .max = 3000, .nullable = true, .label = "备注"},
        {"categories", JF_ANY, false, &cats, .label = "户类别"},
        {"poorYear", JF_INT, false, &poor, .min = 0, .max = 2100, .label = "建档立卡年度"},
        {"exitYear", JF_INT, false, &exit_year, .min = 0, .max = 2100, .label = "脱贫年度"},
        {"groupId", JF_INT, false, &in.group_id, .min = 0, .max = INT64_MAX, .label = "村民小组"},
        {"gridId", JF_INT, false, &in.grid_id, .min = 0, .max = INT64_MAX, .label = "网格"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])) ||
        !categories_or_reply(c, cats, &in.categories, &in.ncategories))
        return;
    in.poor_year = (int)poor;
    in.exit_year = (int)exit_year;
    if (!api_begin_or_reply(c))
        return;
    int64_t id;
    if (registry_household_create(&c->z, defs(), &in, &id, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_household(c, 201, id, false);
}

static json_t *guarantees_json(struct api_ctx *c, const struct household *h)
{
    const struct registry_defs *d = defs();
    struct guarantee_check *g;
    size_t n;
    json_t *arr = json_array();
    if (store_guarantee_current(c->z.db, h->id, &c->req->arena, &g, &n, &c->err))
        n = 0;
    for (size_t k = 0; k < d->guarantee_kinds.n; k++) {
        const struct reg_code *kind = &d->guarantee_kinds.v[k];
        const struct guarantee_check *x = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(g[i].kind, kind->code) == 0)
                x = &g[i];
        json_t *values = x && x->values_json ? json_loads(x->values_json, 0, NULL) : NULL;
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:o, s:s?, s:o, s:s?, s:s?, s:s?}", "kind", kind->code,
                           "name", kind->name, "ok", x ? json_boolean(x->ok) : json_null(),
                           "rating", x ? x->rating : NULL, "values", values ? values : json_null(),
                           "checkedOn", x ? x->checked_on : NULL, "checkerName",
                           x ? x->checker_name : NULL, "note", x ? x->note : NULL));
    }
    return arr;
}

static json_t *income_json(const struct household *h, const struct income *x)
{
    char prov[3];
    snprintf(prov, sizeof(prov), "%.2s", h->village_code);
    int64_t line = registry_line(defs(), prov, x->year);
    return json_pack("{s:I, s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:o, s:b, s:s?}",
                     "id", (json_int_t)x->id, "year", x->year, "assessedOn", x->assessed_on,
                     "wagesFen", (json_int_t)x->wages, "businessFen", (json_int_t)x->business,
                     "propertyFen", (json_int_t)x->property, "transfersFen",
                     (json_int_t)x->transfers, "expensesFen", (json_int_t)x->expenses, "netFen",
                     (json_int_t)x->net, "perPersonFen", (json_int_t)x->per_person, "members",
                     x->members, "lineFen", line ? json_integer(line) : json_null(), "belowLine",
                     line > 0 && x->per_person < line, "source", x->source);
}

static void reply_household(struct api_ctx *c, int status, int64_t id, bool details)
{
    struct household h;
    if (registry_household_get(&c->z, id, &h, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *v = household_json(c, &h);
    json_object_set_new(v, "phone", masked_phone(h.phone));
    json_object_set_new(v, "note", h.note ? json_string(h.note) : json_null());
    json_object_set_new(v, "createdAt", jsonx_time(h.created_at));
    json_object_set_new(v, "updatedAt", jsonx_time(h.updated_at));
    if (details) {
        const struct registry_defs *d = defs();
        struct arena *a = &c->req->arena;
        struct person *m;
        struct membership *ms;
        struct income *inc;
        struct case_row *cs;
        size_t nm, nms, ninc, ncs;
        if (store_household_members(c->z.db, h.id, a, &m, &nm, &c->err) ||
            store_household_memberships(c->z.db, h.id, a, &ms, &nms, &c->err) ||
            store_income_list(c->z.db, h.id, a, &inc, &ninc, &c->err) ||
            store_household_cases(c->z.db, h.id, a, &cs, &ncs, &c->err)) {
            json_decref(v);
            api_reply_error(c, &c->err);
            return;
        }
        json_t *persons = json_array(), *mj = json_array(), *ij = json_array(), *cj = json_array();
        for (size_t i = 0; i < nm; i++)
            json_array_append_new(persons, person_json(c, &m[i]));
        for (size_t i = 0; i < nms; i++)
            json_array_append_new(
                mj, json_pack("{s:{s:I, s:s}, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "person", "id",
                              (json_int_t)ms[i].person_id, "name", ms[i].person_name, "joinedOn",
                              ms[i].joined_on, "joinReason", ms[i].join_reason, "joinReasonName",
                              cname(&d->join_reasons, ms[i].join_reason), "leftOn", ms[i].left_on,
                              "leaveReason", ms[i].leave_reason, "leaveReasonName",
                              ms[i].leave_reason ? cname(&d->leave_reasons, ms[i].leave_reason)
                                                 : NULL));
        for (size_t i = 0; i < ninc; i++)
            json_array_append_new(ij, income_json(&h, &inc[i]));
        for (size_t i = 0; i < ncs; i++) {
            const struct case_type *t = casedef_find(api_env.case_types, cs[i].type);
            int si = t ? casedef_state(t, cs[i].state) : -1;
            json_array_append_new(
                cj, json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:b}, s:o}", "id",
                              (json_int_t)cs[i].id, "serial", cs[i].serial, "type", cs[i].type,
                              "typeName", t ? t->name : cs[i].type, "title", cs[i].title, "state",
                              "code", cs[i].state, "name", api_state_name(t, cs[i].state), "final",
                              si >= 0 && t->states[si].final, "createdAt",
                              jsonx_time(cs[i].created_at)));
        }
        json_object_set_new(v, "persons", persons);
        json_object_set_new(v, "memberships", mj);
        json_object_set_new(v, "guarantees", guarantees_json(c, &h));
        json_object_set_new(v, "incomes", ij);
        json_object_set_new(v, "cases", cj);
    }
    api_set_etag(c, h.version);
    api_reply(c, status, v);
}

void api_households_get(struct api_ctx *c)
{
    int64_t id;
    if (api_id_or_reply(c, "id", &id))
        reply_household(c, 200, id, true);
}

void api_households_patch(struct api_ctx *c)
{
    int64_t id, poor = 0, exit_year = 0;
    int version;
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version))
        return;
    struct household_patch p = {0};
    json_t *cats = NULL;
    bool has[9] = {0};
    const struct jfield f[] = {
        {"address", JF_STRING, false, &p.address, &has[0], .max = 600, .nullable = true,
         .label = "地址"},
        {"phone", JF_STRING, false, &p.phone, &has[1], .max = 20, .nullable = true,
         .label = "联系电话"},
        {"note", JF_STRING, false, &p.note, &has[2], .max = 3000, .nullable = true,
         .label = "备注"},
        {"categories", JF_ANY, false, &cats, &has[3], .label = "户类别"},
        {"poorYear", JF_INT, false, &poor, &has[4], .min = 0, .max = 2100, .label = "建档立卡年度"},
        {"exitYear", JF_INT, false, &exit_year, &has[5], .min = 0, .max = 2100,
         .label = "脱贫年度"},
        {"groupId", JF_INT, false, &p.group_id, &has[6], .min = 0, .max = INT64_MAX,
         .label = "村民小组"},
        {"gridId", JF_INT, false, &p.grid_id, &has[7], .min = 0, .max = INT64_MAX, .label = "网格"},
        {"headPersonId", JF_INT, false, &p.head_person_id, &has[8], .min = 0, .max = INT64_MAX,
         .label = "户主"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    static const unsigned bits[] = {HH_ADDRESS,   HH_PHONE, HH_NOTE, HH_CATEGORIES, HH_POOR_YEAR,
                                    HH_EXIT_YEAR, HH_GROUP, HH_GRID, HH_HEAD};
    for (int i = 0; i < 9; i++)
        if (has[i])
            p.mask |= bits[i];
    if (has[3] && !categories_or_reply(c, cats, &p.categories, &p.ncategories))
        return;
    p.poor_year = (int)poor;
    p.exit_year = (int)exit_year;
    if (!api_begin_or_reply(c))
        return;
    if (registry_household_update(&c->z, defs(), id, version, &p, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_household(c, 200, id, true);
}

void api_households_history(struct api_ctx *c)
{
    int64_t id;
    struct household h;
    if (!api_id_or_reply(c, "id", &id))
        return;
    struct registry_event *ev;
    size_t n;
    if (registry_household_get(&c->z, id, &h, &c->err) ||
        store_registry_events(c->z.db, id, 500, &c->req->arena, &ev, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    static const char *const names[][2] = {
        {"create", "建户"},
        {"update", "修改户信息"},
        {"monitor", "监测状态变更"},
        {"person.add", "新增成员"},
        {"person.import", "导入成员"},
        {"person.update", "修改成员"},
        {"person.leave", "成员离户"},
        {"person.move_out", "迁出"},
        {"person.move_in", "迁入"},
        {"person.merge", "合并重复记录"},
        {"guarantee", "保障核查"},
        {"income", "收入登记"},
    };
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *an = ev[i].action;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
            if (strcmp(names[k][0], ev[i].action) == 0)
                an = names[k][1];
        json_t *b = ev[i].before_json ? json_loads(ev[i].before_json, 0, NULL) : NULL;
        json_t *a = ev[i].after_json ? json_loads(ev[i].after_json, 0, NULL) : NULL;
        json_array_append_new(
            arr,
            json_pack("{s:o, s:{s:I, s:s?}, s:s, s:s, s:o, s:o, s:o}", "at", jsonx_time(ev[i].at),
                      "user", "id", (json_int_t)ev[i].user_id, "name", ev[i].user_name, "action",
                      ev[i].action, "actionName", an, "person",
                      ev[i].person_id ? json_pack("{s:I, s:s?}", "id", (json_int_t)ev[i].person_id,
                                                  "name", ev[i].person_name)
                                      : json_null(),
                      "before", b ? b : json_null(), "after", a ? a : json_null()));
    }
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}

/* The person fields of a body (POST adds, PATCH changes); insured flags -1 when absent. */
#define PERSON_FIELDS(in, ins)                                                                      \
    {"name", JF_STRING, false, &(in).name, .max = 120, .label = "姓名"},                            \
        {"idNumber", JF_STRING, false, &(in).id_number, .max = 32, .label = "公民身份号码"},        \
        {"phone", JF_STRING, false, &(in).phone, .max = 20, .nullable = true, .label = "联系电话"}, \
        {"relation", JF_STRING, false, &(in).relation, .max = 32, .label = "与户主关系"},           \
        {"labour",         JF_STRING,          false, &(in).labour, .max = 32,                      \
         .nullable = true, .label = "劳动能力"},                                                    \
        {"disability",     JF_STRING,          false, &(in).disability, .max = 32,                  \
         .nullable = true, .label = "残疾情况"},                                                    \
        {"schooling",      JF_STRING,          false, &(in).schooling, .max = 32,                   \
         .nullable = true, .label = "在校情况"},                                                    \
        {"health",         JF_STRING,          false, &(in).health, .max = 32,                      \
         .nullable = true, .label = "健康状况"},                                                    \
        {"work", JF_STRING, false, &(in).work, .max = 32, .nullable = true, .label = "务工情况"},   \
        {"insuredMedical", JF_BOOL, false, &(ins)[0], .label = "城乡居民医保"},                     \
        {"insuredSerious", JF_BOOL, false, &(ins)[1], .label = "大病保险"},                         \
    {                                                                                               \
        "insuredPension", JF_BOOL, false, &(ins)[2], .label = "养老保险"                        \
    }

static void reply_person(struct api_ctx *c, int status, int64_t id)
{
    struct person p;
    if (registry_person_get(&c->z, id, &p, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_set_etag(c, p.version);
    api_reply(c, status, person_json(c, &p));
}

void api_households_persons_add(struct api_ctx *c)
{
    int64_t hh, person_id = 0;
    if (!api_id_or_reply(c, "id", &hh))
        return;
    struct person_input in = {0};
    int ins[3] = {0, 0, 0};
    const struct jfield f[] = {
        PERSON_FIELDS(in, ins),
        {"joinedOn", JF_STRING, false, &in.joined_on, .max = 10, .label = "入户日期"},
        {"joinReason", JF_STRING, false, &in.join_reason, .max = 32, .label = "入户原因"},
        {"personId", JF_INT, false, &person_id, .min = 1, .max = INT64_MAX, .label = "已登记人员"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    in.insured_medical = ins[0];
    in.insured_serious = ins[1];
    in.insured_pension = ins[2];
    if (!api_begin_or_reply(c))
        return;
    int rc;
    if (person_id) {
        char t[11];
        cal_format_date(cal_local_ymd(c->z.now), t);
        const char *reason = in.join_reason ? in.join_reason : "moved";
        if (strcmp(reason, "moved_in") == 0)
            reason = "moved";
        rc = registry_person_move(&c->z, defs(), person_id, hh, in.joined_on ? in.joined_on : t,
                                  reason, &c->err);
    } else {
        rc = registry_person_add(&c->z, defs(), hh, &in, &person_id, &c->err);
    }
    if (rc) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_person(c, 201, person_id);
}

void api_households_guarantees_add(struct api_ctx *c)
{
    int64_t hh;
    if (!api_id_or_reply(c, "id", &hh))
        return;
    struct guarantee_input in = {.litres = -1,
                                 .minutes = -1,
                                 .horizontal_m = -1,
                                 .vertical_m = -1,
                                 .cut_days = -1,
                                 .quality_ok = -1,
                                 .ok = -1};
    int64_t v[5] = {-1, -1, -1, -1, -1};
    int ok = -1, quality = -1, dry = 0;
    const struct jfield f[] = {
        {"kind", JF_STRING, true, &in.kind, .max = 32, .label = "保障项"},
        {"rating", JF_STRING, false, &in.rating, .max = 2, .nullable = true,
         .label = "住房安全等级"},
        {"ok", JF_BOOL, false, &ok, .label = "是否达标"},
        {"litres", JF_INT, false, &v[0], .min = 0, .max = 100000, .label = "人均日供水量"},
        {"minutes", JF_INT, false, &v[1], .min = 0, .max = 100000, .label = "取水往返时间"},
        {"horizontalM", JF_INT, false, &v[2], .min = 0, .max = 100000, .label = "取水水平距离"},
        {"verticalM", JF_INT, false, &v[3], .min = 0, .max = 100000, .label = "取水垂直距离"},
        {"cutDays", JF_INT, false, &v[4], .min = 0, .max = 366, .label = "年断水天数"},
        {"qualityOk", JF_BOOL, false, &quality, .label = "水质达标"},
        {"dryRegion", JF_BOOL, false, &dry, .label = "干旱地区"},
        {"checkedOn", JF_STRING, true, &in.checked_on, .max = 10, .label = "核查日期"},
        {"note", JF_STRING, false, &in.note, .max = 3000, .nullable = true, .label = "备注"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    in.ok = ok;
    in.litres = (int)v[0];
    in.minutes = (int)v[1];
    in.horizontal_m = (int)v[2];
    in.vertical_m = (int)v[3];
    in.cut_days = (int)v[4];
    in.quality_ok = quality;
    in.dry_region = dry == 1;
    if (!api_begin_or_reply(c))
        return;
    bool pass;
    if (registry_guarantee_add(&c->z, defs(), hh, &in, &pass, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    struct household h;
    if (registry_household_get(&c->z, hh, &h, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *all = guarantees_json(c, &h), *mine = NULL;
    for (size_t i = 0; i < json_array_size(all); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(all, i), "kind")), in.kind) ==
            0)
            mine = json_incref(json_array_get(all, i));
    json_decref(all);
    api_reply(c, 201, mine ? mine : json_pack("{s:b}", "ok", pass));
}

void api_households_incomes_add(struct api_ctx *c)
{
    int64_t hh, members = 0;
    if (!api_id_or_reply(c, "id", &hh))
        return;
    struct income_input in = {.source = "staff"};
    const struct jfield f[] = {
        {"assessedOn", JF_STRING, true, &in.assessed_on, .max = 10, .label = "评估日期"},
        {"wagesFen", JF_INT, false, &in.wages, .min = 0, .max = INT64_MAX, .label = "工资性收入"},
        {"businessFen", JF_INT, false, &in.business, .min = 0, .max = INT64_MAX,
         .label = "经营净收入"},
        {"propertyFen", JF_INT, false, &in.property, .min = 0, .max = INT64_MAX,
         .label = "财产净收入"},
        {"transfersFen", JF_INT, false, &in.transfers, .min = 0, .max = INT64_MAX,
         .label = "转移净收入"},
        {"expensesFen", JF_INT, false, &in.expenses, .min = 0, .max = INT64_MAX,
         .label = "刚性支出"},
        {"members", JF_INT, false, &members, .min = 0, .max = 100, .label = "家庭人口"},
    };
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    in.members = (int)members;
    if (!api_begin_or_reply(c))
        return;
    int64_t id;
    struct household h;
    struct income *inc;
    size_t n;
    if (registry_income_add(&c->z, hh, &in, &id, &c->err) ||
        registry_household_get(&c->z, hh, &h, &c->err) ||
        store_income_list(c->z.db, hh, &c->req->arena, &inc, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (inc[i].id == id) {
            api_reply(c, 201, income_json(&h, &inc[i]));
            return;
        }
    api_reply_code(c, ZW_EINTERNAL);
}

/* ---- persons ------------------------------------------------------------- */

void api_persons_list(struct api_ctx *c)
{
    struct person_filter f = {.q = http_query(c->req, "q")};
    if (!api_paging_or_reply(c, &f.page, &f.page_size) || !api_area_filter_or_reply(c, &f.in_path))
        return;
    if (f.q && strlen(f.q) > 64) {
        err_set(&c->err, ZW_EINVAL, "q", "搜索内容过长");
        api_reply_error(c, &c->err);
        return;
    }
    struct scope sc = principal_scope(&c->who);
    struct person *items;
    size_t n;
    int64_t total;
    if (store_person_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, person_json(c, &items[i]));
    api_reply(c, 200, api_page(arr, total, f.page, f.page_size));
}

void api_persons_get(struct api_ctx *c)
{
    int64_t id;
    if (api_id_or_reply(c, "id", &id))
        reply_person(c, 200, id);
}

void api_persons_patch(struct api_ctx *c)
{
    int64_t id;
    int version;
    if (!api_id_or_reply(c, "id", &id) || !api_if_match_or_reply(c, &version))
        return;
    struct person_input in = {0};
    int ins[3] = {-1, -1, -1};
    const struct jfield f[] = {PERSON_FIELDS(in, ins)};
    if (!api_body_or_reply(c, f, sizeof(f) / sizeof(f[0])))
        return;
    in.insured_medical = ins[0];
    in.insured_serious = ins[1];
    in.insured_pension = ins[2];
    if (!api_begin_or_reply(c))
        return;
    if (registry_person_update(&c->z, defs(), id, version, &in, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_person(c, 200, id);
}

void api_persons_id_number(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id))
        return;
    if (!principal_can(&c->who, "pii.read")) {
        api_reply_code(c, ZW_EFORBIDDEN);
        return;
    }
    struct person p;
    if (registry_person_get(&c->z, id, &p, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!api_begin_or_reply(c))
        return;
    json_t *what = json_pack("{s:s}", "field", "idNumber");
    int rc = audit_log(&c->z, "pii_read", "person", id, NULL, what, &c->err);
    json_decref(what);
    if (rc) {
        api_reply_error(c, &c->err);
        return;
    }
    http_add_header(c->req, "Cache-Control", "no-store");
    api_reply(c, 200, json_pack("{s:s?}", "idNumber", p.id_number));
}

void api_persons_leave(struct api_ctx *c)
{
    int64_t id;
    const char *on = NULL, *reason = NULL;
    const struct jfield f[] = {
        {"leftOn", JF_STRING, true, &on, .max = 10, .label = "离户日期"},
        {"reason", JF_STRING, true, &reason, .max = 32, .label = "离户原因"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 2) || !api_begin_or_reply(c))
        return;
    if (registry_person_leave(&c->z, defs(), id, on, reason, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_person(c, 200, id);
}

void api_persons_move(struct api_ctx *c)
{
    int64_t id, hh = 0;
    const char *on = NULL, *reason = NULL;
    const struct jfield f[] = {
        {"householdId", JF_INT, true, &hh, .min = 1, .max = INT64_MAX, .label = "迁入户"},
        {"on", JF_STRING, true, &on, .max = 10, .label = "迁移日期"},
        {"reason", JF_STRING, true, &reason, .max = 32, .label = "迁移原因"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 3) || !api_begin_or_reply(c))
        return;
    if (registry_person_move(&c->z, defs(), id, hh, on, reason, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_person(c, 200, id);
}

/* ---- duplicates ---------------------------------------------------------- */

void api_duplicates_list(struct api_ctx *c)
{
    const char *status = http_query(c->req, "status");
    if (!status || !*status)
        status = "open";
    if (strcmp(status, "open") != 0 && strcmp(status, "merged") != 0 &&
        strcmp(status, "kept") != 0) {
        err_set(&c->err, ZW_EINVAL, "status", "状态应为 open、merged 或 kept");
        api_reply_error(c, &c->err);
        return;
    }
    struct scope sc = principal_scope(&c->who);
    struct person_dup *d;
    size_t n;
    if (store_person_dup_list(c->z.db, &sc, status, &c->req->arena, &d, &n, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s}, s:{s:I, s:s}, s:s?, s:s?, s:o}", "id",
                      (json_int_t)d[i].id, "reason", d[i].reason, "reasonName",
                      strcmp(d[i].reason, "id_number") == 0 ? "身份证号相同" : "同村同名同出生日期",
                      "status", d[i].status, "person", "id", (json_int_t)d[i].person_id, "name",
                      d[i].person_name, "other", "id", (json_int_t)d[i].other_id, "name",
                      d[i].other_name, "birthDate", d[i].birth_date, "village", d[i].village_name,
                      "createdAt", jsonx_time(d[i].created_at)));
    api_reply(c, 200, json_pack("{s:o}", "items", arr));
}

void api_duplicates_merge(struct api_ctx *c)
{
    int64_t id, keep = 0;
    const struct jfield f[] = {
        {"keep", JF_INT, true, &keep, .min = 1, .max = INT64_MAX, .label = "保留的记录"},
    };
    if (!api_id_or_reply(c, "id", &id) || !api_body_or_reply(c, f, 1) || !api_begin_or_reply(c))
        return;
    if (registry_duplicate_merge(&c->z, id, keep, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    reply_person(c, 200, keep);
}

void api_duplicates_keep(struct api_ctx *c)
{
    int64_t id;
    if (!api_id_or_reply(c, "id", &id) || !api_begin_or_reply(c))
        return;
    if (registry_duplicate_keep(&c->z, id, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_no_content(c);
}
