/* portal.c - public requests on top of the case engine; see portal.h (input: portal_input.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "attachments.h"
#include "cases.h"
#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "portal.h"
#include "ratelimit.h"
#include "banned.h"

static bool all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* ---- the public principal ----------------------------------------------- */

/*
 * The village as an area of level village, and the public principal scoped
 * to its township.  ZW_EINVAL naming villageId if it is no village.
 */
int portal_principal(struct zctx *z, int64_t village_id, const struct portal_origin *o,
                     struct area *village, struct principal *who, struct error *err)
{
    int rc = store_area_get_any(z->db, village_id, village, err);
    if (rc == ZW_ENOTFOUND || (!rc && strcmp(village->level, "village") != 0))
        return err_set(err, ZW_EINVAL, "villageId", "所选村（社区）不在本镇，请从列表中选择");
    if (rc)
        return rc;
    struct area town;
    struct error e2;
    if (store_area_township(z->db, village->path, &town, &e2) != 0)
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

int portal_record(struct zctx *z, const struct case_row *c, const char *service_code,
                  const char *phone, const struct portal_origin *o, struct public_request *out_req,
                  struct error *err)
{
    int rc;
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
    out_req->case_id = c->id;
    snprintf(out_req->service_code, sizeof(out_req->service_code), "%s", service_code);
    size_t plen = phone ? strlen(phone) : 0;
    snprintf(out_req->phone_last4, sizeof(out_req->phone_last4), "%s",
             plen >= 4 ? phone + plen - 4 : "");
    snprintf(out_req->source, sizeof(out_req->source), "%s", o->source);
    out_req->api_key_id = o->api_key_id;
    out_req->ip = z->ip;
    out_req->created_at = z->now;
    if ((rc = store_public_request_insert(z->db, out_req, err)))
        return rc;
    return 0;
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
            .message =
                arena_printf(z->arena, "同一网络每小时最多提交 %d 件诉求", ZW_PORTAL_SUBMIT_PER_IP),
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
            .message = arena_printf(z->arena, "同一手机号每天最多提交 %d 件诉求",
                                    ZW_PORTAL_SUBMIT_PER_PHONE),
        };
    if ((rc = ratelimit_check(z, rules, nrules, retry_after, err)))
        return rc;

    struct area village;
    struct principal who;
    if ((rc = portal_principal(z, in->village_id, o, &village, &who, err)))
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

    if ((rc = portal_record(z, out_case, s->code, in->phone, o, out_req, err)))
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
    /* The code and the digits are the proof: the case is read without an area scope. */
    struct scope sc = {.kind = SCOPE_ALL, .path = "/"};
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
    /* 基本满意 (3) and better count as satisfied, as for the 12345 回访 (GB/T 39735). */
    if ((rc = store_public_request_rate(z->db, p.id, score, note, z->now, err)) ||
        (rc = store_case_rate(z->db, c.id, score >= 3, z->now, err)))
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

int portal_photo(struct zctx *z, const char *code, const char *last4, const char *name,
                 const void *data, size_t len, struct case_attachment *out, int64_t *retry_after,
                 struct error *err)
{
    struct case_row c;
    struct public_request p;
    int rc = lookup(z, code, last4, &c, &p, retry_after, err);
    if (rc)
        return rc;
    if (c.closed_at)
        return err_set(err, ZW_ETRANSITION, "file", "诉求已办结，不能再上传照片");
    if (z->now - p.created_at > ZW_PORTAL_PHOTO_WINDOW_S)
        return err_set(err, ZW_ETRANSITION, "file", "照片请在提交诉求后 %d 分钟内上传",
                       ZW_PORTAL_PHOTO_WINDOW_S / 60);
    size_t n, anonymous;
    if ((rc = attach_count(z, c.id, &n, &anonymous, err)))
        return rc;
    if (anonymous >= ZW_PORTAL_PHOTOS_MAX)
        return err_set(err, ZW_EINVAL, "file", "每件诉求最多上传 %d 张照片", ZW_PORTAL_PHOTOS_MAX);
    struct principal who = {.username = "公众", .name = "公众"};
    struct zctx pz = *z;
    pz.who = &who;
    return attach_to_case(&pz, &c, name, data, len, true, out, err);
}
