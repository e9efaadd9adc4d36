/* portal.c - public requests on top of the case engine; see portal.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cases.h"
#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "portal.h"
#include "ratelimit.h"
#include "banned.h"

/* No 0/O, 1/I/L: read aloud or copied by hand without doubt.  32 symbols, 5 bits each. */
static const char CODE_ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void portal_new_code(char out[16])
{
    size_t n = sizeof(CODE_ALPHABET) - 1;
    for (int i = 0; i < ZW_TRACKING_CODE_LEN; i++)
        out[i] = CODE_ALPHABET[randombytes_uniform((uint32_t)n)];
    out[ZW_TRACKING_CODE_LEN] = '\0';
}

bool portal_normalise_code(const char *code, char out[16])
{
    size_t n = 0;
    for (const char *p = code; p && *p; p++) {
        char ch = *p;
        if (ch == ' ' || ch == '-')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!strchr(CODE_ALPHABET, ch) || n == ZW_TRACKING_CODE_LEN)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return n == ZW_TRACKING_CODE_LEN;
}

const char *portal_rating_level(int score)
{
    static const char *const levels[] = {"非常不满意", "不满意", "基本满意", "满意", "非常满意"};
    return score >= 1 && score <= 5 ? levels[score - 1] : NULL;
}

const char *portal_mask_name(struct arena *a, const char *name)
{
    if (!name || !*name)
        return NULL;
    size_t first = 1;
    while (((unsigned char)name[first] & 0xC0) == 0x80)
        first++;
    size_t rest = utf8_chars(name) - 1;
    char *out = arena_alloc(a, first + (rest ? rest : 1) + 1);
    memcpy(out, name, first);
    memset(out + first, '*', rest ? rest : 1);
    out[first + (rest ? rest : 1)] = '\0';
    return out;
}

/* ---- input -------------------------------------------------------------- */

static bool all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

int portal_check_submission(const struct portal_submission *in, const struct services *svc,
                            bool require_contact, struct error *err)
{
    if (!in->service || !services_find(svc, in->service))
        return err_set(err, ZW_EINVAL, "service", "没有这项服务，请从列表中选择诉求类别");
    if (in->village_id <= 0)
        return err_set(err, ZW_EINVAL, "villageId", "请选择所在村（社区）");
    size_t n = in->content ? utf8_chars(in->content) : 0;
    if (n < ZW_PORTAL_CONTENT_MIN_CHARS || n > ZW_PORTAL_CONTENT_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "content", "诉求内容应为 %d 至 %d 个字",
                       ZW_PORTAL_CONTENT_MIN_CHARS, ZW_PORTAL_CONTENT_MAX_CHARS);
    bool has_name = in->name && *in->name, has_phone = in->phone && *in->phone;
    if (require_contact && !has_name)
        return err_set(err, ZW_EINVAL, "name", "请填写联系人姓名");
    if (has_name && utf8_chars(in->name) > ZW_PORTAL_NAME_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "name", "姓名不超过 %d 个字", ZW_PORTAL_NAME_MAX_CHARS);
    if (require_contact && !has_phone)
        return err_set(err, ZW_EINVAL, "phone", "请填写联系电话");
    if (has_phone) {
        size_t len = strlen(in->phone);
        if (!all_digits(in->phone) || len < ZW_PORTAL_PHONE_MIN_DIGITS ||
            len > ZW_PORTAL_PHONE_MAX_DIGITS)
            return err_set(err, ZW_EINVAL, "phone", "联系电话应为 %d 至 %d 位数字",
                           ZW_PORTAL_PHONE_MIN_DIGITS, ZW_PORTAL_PHONE_MAX_DIGITS);
    }
    if (in->address && utf8_chars(in->address) > ZW_PORTAL_ADDRESS_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "address", "地址不超过 %d 个字",
                       ZW_PORTAL_ADDRESS_MAX_CHARS);
    if (in->has_location &&
        (!(in->lat >= -90 && in->lat <= 90) || !(in->lon >= -180 && in->lon <= 180)))
        return err_set(err, ZW_EINVAL, "lat", "经纬度超出范围（纬度 -90 至 90，经度 -180 至 180）");
    return 0;
}

static const char *dup_or_null(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

int portal_parse_submission(const char *body, size_t len, const struct services *svc,
                            struct arena *a, struct portal_submission *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *obj = NULL, *lat = NULL, *lon = NULL;
    int confidential = 0;
    const char *service = NULL, *content = NULL, *name = NULL, *phone = NULL, *address = NULL;
    const struct jfield f[] = {
        {"service", JF_STRING, true, &service, .max = 40, .label = "诉求类别"},
        {"villageId", JF_INT, true, &out->village_id, .min = 1, .max = INT64_MAX,
         .label = "所在村（社区）"},
        {"content", JF_STRING, true, &content, .max = 4 * ZW_PORTAL_CONTENT_MAX_CHARS,
         .label = "诉求内容"},
        {"name", JF_STRING, true, &name, .max = 4 * ZW_PORTAL_NAME_MAX_CHARS, .label = "姓名"},
        {"phone", JF_STRING, true, &phone, .max = ZW_PORTAL_PHONE_MAX_DIGITS, .label = "联系电话"},
        {"confidential", JF_BOOL, false, &confidential, .label = "保密"},
        {"address", JF_STRING, false, &address, .max = 4 * ZW_PORTAL_ADDRESS_MAX_CHARS,
         .nullable = true, .label = "地址"},
        {"lat", JF_ANY, false, &lat, .nullable = true, .label = "纬度"},
        {"lon", JF_ANY, false, &lon, .nullable = true, .label = "经度"},
    };
    int rc = jsonx_parse_object(body, len, &obj, err);
    if (rc)
        return rc;
    if ((rc = jsonx_unpack(obj, f, sizeof(f) / sizeof(f[0]), a, err)))
        goto out;
    bool no_lat = !lat || json_is_null(lat), no_lon = !lon || json_is_null(lon);
    if (!no_lat || !no_lon) {
        if (no_lat || no_lon || !json_is_number(lat) || !json_is_number(lon)) {
            rc = err_set(err, ZW_EINVAL, "lat", "经纬度应同时给出，且为数字");
            goto out;
        }
        out->has_location = true;
        out->lat = json_number_value(lat);
        out->lon = json_number_value(lon);
    }
    out->service = dup_or_null(a, service);
    out->content = dup_or_null(a, content);
    out->name = dup_or_null(a, name);
    out->phone = dup_or_null(a, phone);
    out->address = address && *address ? arena_strdup(a, address) : NULL;
    out->confidential = confidential;
    rc = portal_check_submission(out, svc, true, err);
out:
    /* An unknown key names itself: keep the name past the JSON it points into. */
    if (rc && err && err->field)
        err->field = arena_strdup(a, err->field);
    json_decref(obj);
    return rc;
}

/* ---- the public principal ----------------------------------------------- */

/*
 * The village as an area of level village, and the public principal scoped
 * to its township.  ZW_EINVAL naming villageId if it is no village.
 */
static int public_principal(struct zctx *z, int64_t village_id, const struct portal_origin *o,
                            struct area *village, struct principal *who, struct error *err)
{
    int rc = store_area_get_any(z->db, village_id, village, err);
    if (rc == ZW_ENOTFOUND || (!rc && strcmp(village->level, "village") != 0))
        return err_set(err, ZW_EINVAL, "villageId", "所选村（社区）不在本镇，请从列表中选择");
    if (rc)
        return rc;
    struct area town;
    bool found = false;
    for (const char *p = village->path; *p && !found;) {
        char *end;
        long long id = strtoll(p + 1, &end, 10);
        if (end == p + 1)
            break;
        struct error e2;
        if (store_area_get_any(z->db, id, &town, &e2) == 0 && strcmp(town.level, "township") == 0)
            found = true;
        p = end;
    }
    if (!found)
        return err_set(err, ZW_EINVAL, "villageId", "所选村（社区）不在本镇，请从列表中选择");
    memset(who, 0, sizeof(*who));
    bool open311 = o && o->source && strcmp(o->source, "open311") == 0;
    who->user_id = 0;
    who->username = open311 ? arena_printf(z->arena, "open311:%s", o->api_key_name) : "公众";
    who->name = open311 ? "公众（Open311）" : "公众";
    who->area_id = town.id;
    who->area_path = arena_strdup(z->arena, town.path);
    who->scope_kind = SCOPE_SUBTREE;
    return 0;
}

/* ---- submit ------------------------------------------------------------- */

static const char *make_title(struct arena *a, const struct service *s, const char *content)
{
    /* The service name and the first 30 characters of the content, on one line. */
    size_t bytes = 0, chars = 0;
    while (content[bytes] && chars < 30) {
        bytes++;
        while (((unsigned char)content[bytes] & 0xC0) == 0x80)
            bytes++;
        chars++;
    }
    char *t =
        arena_printf(a, "%s：%.*s%s", s->name, (int)bytes, content, content[bytes] ? "…" : "");
    for (char *p = t; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return t;
}

int portal_submit(struct zctx *z, const struct case_types *types, const struct services *svc,
                  const struct portal_submission *in, const struct portal_origin *o,
                  struct case_row *out_case, struct public_request *out_req, int64_t *retry_after,
                  struct error *err)
{
    bool portal = strcmp(o->source, "portal") == 0;
    int rc = portal_check_submission(in, svc, portal, err);
    if (rc)
        return rc;
    const struct service *s = services_find(svc, in->service);
    struct rate_rule rules[2];
    size_t nrules = 0;
    if (portal)
        rules[nrules++] = (struct rate_rule){
            .key = arena_printf(z->arena, "submit:ip:%s", z->ip ? z->ip : "-"),
            .window_s = ZW_PORTAL_SUBMIT_IP_WINDOW_S,
            .limit = ZW_PORTAL_SUBMIT_PER_IP,
            .message = "同一网络每小时最多提交 10 件诉求",
        };
    else
        rules[nrules++] = (struct rate_rule){
            .key = arena_printf(z->arena, "submit:key:%lld", (long long)o->api_key_id),
            .window_s = ZW_OPEN311_KEY_WINDOW_S,
            .limit = ZW_OPEN311_SUBMIT_PER_KEY,
            .message = "该接口密钥提交过于频繁",
        };
    if (in->phone && *in->phone)
        rules[nrules++] = (struct rate_rule){
            .key = ratelimit_key_hashed(z->arena, "submit:phone:", in->phone),
            .window_s = ZW_PORTAL_SUBMIT_PHONE_WINDOW_S,
            .limit = ZW_PORTAL_SUBMIT_PER_PHONE,
            .message = "同一手机号每天最多提交 3 件诉求",
        };
    if ((rc = ratelimit_check(z, rules, nrules, retry_after, err)))
        return rc;

    struct area village;
    struct principal who;
    if ((rc = public_principal(z, in->village_id, o, &village, &who, err)))
        return rc;
    struct zctx pz = *z;
    pz.who = &who;
    struct case_input ci = {
        .type = s->type->code,
        .title = make_title(z->arena, s, in->content),
        .content = in->content,
        .category = s->category,
        .channel = "online",
        .area_id = village.id,
        .requester_name = in->name && *in->name ? in->name : NULL,
        .requester_phone = in->phone && *in->phone ? in->phone : NULL,
        .confidential = in->confidential,
        .has_location = in->has_location,
        .lat = in->lat,
        .lon = in->lon,
        .address = in->address,
    };
    if ((rc = cases_create(&pz, types, &ci, out_case, err)))
        return rc;

    memset(out_req, 0, sizeof(*out_req));
    /* 50 random bits: a clash is all but impossible; look first, as a failed insert would end a
     * PostgreSQL transaction. */
    for (int tries = 0;; tries++) {
        struct public_request other;
        struct error e2;
        portal_new_code(out_req->tracking_code);
        rc = store_public_request_by_code(z->db, out_req->tracking_code, z->arena, &other, &e2);
        if (rc == ZW_ENOTFOUND)
            break;
        if (rc)
            return err_set(err, rc, NULL, NULL);
        if (tries == 5)
            return err_set(err, ZW_EINTERNAL, NULL, NULL);
    }
    out_req->case_id = out_case->id;
    snprintf(out_req->service_code, sizeof(out_req->service_code), "%s", s->code);
    size_t plen = in->phone ? strlen(in->phone) : 0;
    snprintf(out_req->phone_last4, sizeof(out_req->phone_last4), "%s",
             plen >= 4 ? in->phone + plen - 4 : "");
    snprintf(out_req->source, sizeof(out_req->source), "%s", o->source);
    out_req->api_key_id = o->api_key_id;
    out_req->ip = z->ip;
    out_req->created_at = z->now;
    if ((rc = store_public_request_insert(z->db, out_req, err)))
        return rc;
    json_t *after = json_pack("{s:s, s:s, s:I, s:b}", "source", o->source, "service", s->code,
                              "caseId", (json_int_t)out_case->id, "confidential", in->confidential);
    rc = audit_log(&pz, "create", "public_request", out_req->id, NULL, after, err);
    json_decref(after);
    if (rc)
        return rc;
    return ratelimit_hit(z, rules, nrules, err);
}

/* ---- the public view ---------------------------------------------------- */

void portal_view_release(struct portal_view *v)
{
    if (v->timeline)
        json_decref(v->timeline);
    v->timeline = NULL;
}

static const char *state_name(const struct case_type *t, const char *code)
{
    int i = t && code ? casedef_state(t, code) : -1;
    return i >= 0 ? t->states[i].name : NULL;
}

/* Whether an event's data set the answer field. */
static bool sets_field(const char *data_json, const char *field)
{
    if (!data_json || !field)
        return false;
    json_t *d = json_loads(data_json, 0, NULL);
    bool yes = d && json_object_get(json_object_get(d, "fields"), field) != NULL;
    json_decref(d);
    return yes;
}

int portal_view_case(struct zctx *z, const struct case_types *types, const struct services *svc,
                     const struct case_row *c, const struct public_request *p,
                     struct portal_view *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    out->c = *c;
    out->p = *p;
    out->svc = services_find(svc, p->service_code);
    out->type = casedef_find(types, c->type);
    const struct case_type *t = out->type;
    int si = t ? casedef_state(t, c->state) : -1;
    out->closed = c->closed_at != 0 || (si >= 0 && t->states[si].final);
    const char *field = out->svc ? out->svc->answer_field : NULL;
    json_t *fields = json_loads(c->fields_json ? c->fields_json : "{}", 0, NULL);
    const char *answer = field ? json_string_value(json_object_get(fields, field)) : NULL;
    out->answer = answer ? arena_strdup(z->arena, answer) : NULL;
    json_decref(fields);

    struct case_event *ev;
    size_t nev;
    int rc = store_case_events(z->db, c->id, z->arena, &ev, &nev, err);
    if (rc)
        return rc;
    out->timeline = json_array();
    for (size_t i = 0; i < nev; i++) {
        const char *stage = NULL;
        if (strcmp(ev[i].kind, "create") == 0)
            stage = "诉求已提交";
        else if (strcmp(ev[i].kind, "feedback") == 0)
            stage = "群众评价";
        else if (ev[i].to_state && ev[i].from_state && strcmp(ev[i].to_state, ev[i].from_state))
            stage = state_name(t, ev[i].to_state);
        else if (ev[i].action && t && casedef_transition(t, ev[i].action) >= 0)
            stage = t->transitions[casedef_transition(t, ev[i].action)].name;
        if (out->answer && sets_field(ev[i].data_json, field))
            out->answered_at = ev[i].at;
        if (stage)
            json_array_append_new(
                out->timeline, json_pack("{s:o, s:s}", "at", jsonx_time(ev[i].at), "stage", stage));
    }
    struct case_clock *k;
    size_t nk;
    if ((rc = store_case_clocks(z->db, c->id, z->arena, &k, &nk, err)))
        return rc;
    for (size_t i = 0; i < nk; i++)
        if (!k[i].stopped_at && (!out->expected_at || k[i].due_at < out->expected_at))
            out->expected_at = k[i].due_at;

    if (out->closed) {
        bool rejected = strcmp(c->outcome, "rejected") == 0,
             withdrawn = strcmp(c->outcome, "withdrawn") == 0;
        out->status = rejected ? "rejected" : withdrawn ? "withdrawn" : "closed";
        out->status_name = rejected ? "不予受理" : withdrawn ? "已撤回" : "已办结";
        out->expected_at = 0;
    } else if (t && si == t->initial) {
        out->status = "received";
        out->status_name = "已受理";
    } else if (out->answer) {
        out->status = "answered";
        out->status_name = "已答复";
    } else {
        out->status = "handling";
        out->status_name = "办理中";
    }
    out->masked_name = portal_mask_name(z->arena, c->requester_name);
    out->can_rate = out->closed && !p->rated_at;
    return 0;
}

/* ---- track and rate ----------------------------------------------------- */

/* Finds code and checks last4 under the failed-lookup limits; fills *c and *p. */
static int lookup(struct zctx *z, const char *code_in, const char *last4, struct case_row *c,
                  struct public_request *p, int64_t *retry_after, struct error *err)
{
    char code[16];
    bool well_formed = code_in && portal_normalise_code(code_in, code);
    struct rate_rule rules[3] = {
        {.key = arena_printf(z->arena, "trackfail:ip:%s", z->ip ? z->ip : "-"),
         .window_s = ZW_PORTAL_TRACK_IP_WINDOW_S,
         .limit = ZW_PORTAL_TRACK_FAILS_PER_IP,
         .message = "查询失败次数过多"},
        {.key = arena_printf(z->arena, "trackfail:code:%s", well_formed ? code : "-"),
         .window_s = ZW_PORTAL_TRACK_CODE_WINDOW_S,
         .limit = ZW_PORTAL_TRACK_FAILS_PER_CODE,
         .message = "该查询码验证失败次数过多"},
        {.key = arena_printf(z->arena, "trackfail:codeday:%s", well_formed ? code : "-"),
         .window_s = 86400,
         .limit = ZW_PORTAL_TRACK_FAILS_CODE_DAY,
         .message = "该查询码今日验证失败次数过多"},
    };
    size_t nrules = well_formed ? 3 : 1;
    int rc = ratelimit_check(z, rules, nrules, retry_after, err);
    if (rc)
        return rc;
    bool ok = well_formed && last4 && strlen(last4) == 4 && all_digits(last4);
    if (ok) {
        rc = store_public_request_by_code(z->db, code, z->arena, p, err);
        if (rc && rc != ZW_ENOTFOUND)
            return rc;
        ok = rc == 0 && p->phone_last4[0] && sodium_memcmp(p->phone_last4, last4, 4) == 0;
    }
    if (!ok) {
        if ((rc = ratelimit_hit(z, rules, nrules, err)))
            return rc;
        return err_set(err, ZW_ENOTFOUND, "code", "查询码或手机号后四位不正确");
    }
    struct principal who = {.scope_kind = SCOPE_ALL, .superuser = false, .area_path = "/"};
    struct scope sc = principal_scope(&who);
    return store_case_get(z->db, p->case_id, &sc, z->arena, c, err);
}

int portal_track(struct zctx *z, const struct case_types *types, const struct services *svc,
                 const char *code, const char *last4, struct portal_view *out, int64_t *retry_after,
                 struct error *err)
{
    struct case_row c;
    struct public_request p;
    int rc = lookup(z, code, last4, &c, &p, retry_after, err);
    if (rc)
        return rc;
    return portal_view_case(z, types, svc, &c, &p, out, err);
}

int portal_rate(struct zctx *z, const struct case_types *types, const struct services *svc,
                const char *code, const char *last4, int score, const char *comment,
                struct portal_view *out, int64_t *retry_after, struct error *err)
{
    if (score < 1 || score > 5)
        return err_set(err, ZW_EINVAL, "score", "评价应为 1 至 5 分");
    if (comment && utf8_chars(comment) > ZW_PORTAL_COMMENT_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "comment", "评价意见不超过 %d 个字",
                       ZW_PORTAL_COMMENT_MAX_CHARS);
    struct case_row c;
    struct public_request p;
    int rc = lookup(z, code, last4, &c, &p, retry_after, err);
    if (rc)
        return rc;
    const struct case_type *t = casedef_find(types, c.type);
    int si = t ? casedef_state(t, c.state) : -1;
    if (!c.closed_at && !(si >= 0 && t->states[si].final))
        return err_set(err, ZW_ETRANSITION, "score", "诉求办结后才能评价");
    if (p.rated_at)
        return err_set(err, ZW_ECONFLICT, "score", "该诉求已经评价过了，每件只能评价一次");
    const char *note = comment && *comment ? comment : NULL;
    if ((rc = store_public_request_rate(z->db, p.id, score, note, z->now, err)))
        return rc;
    p.rating = score;
    p.rating_comment = note;
    p.rated_at = z->now;
    struct principal who = {.username = "公众", .name = "公众"};
    struct zctx pz = *z;
    pz.who = &who;
    json_t *data = json_pack("{s:i, s:s}", "score", score, "level", portal_rating_level(score));
    if (note)
        json_object_set_new(data, "comment", json_string(note));
    struct case_event e = {
        .case_id = c.id,
        .at = z->now,
        .user_name = who.name,
        .kind = "feedback",
        .comment = note,
        .data_json = jsonx_dump(z->arena, data, NULL),
    };
    rc = store_case_event_add(z->db, &e, err);
    if (!rc)
        rc = audit_log(&pz, "rate", "case", c.id, NULL, data, err);
    json_decref(data);
    if (rc)
        return rc;
    return portal_view_case(z, types, svc, &c, &p, out, err);
}
