/*
 * assess_run.c - assessment runs: computing a month, manual items with
 * evidence and four-eyes approval, approving (freezing) a run, and the
 * year's tiers; see assessment.h.
 *
 * Who sees what: a run is visible to the users of its township (and above);
 * of its subjects, a village user sees their own village, an own-scoped
 * user (a cadre) their own line, a township user all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assessment.h"
#include "attachments.h"
#include "calendar.h"
#include "banned.h"

static bool run_visible(const struct principal *who, const struct assess_run_row *r)
{
    struct scope sc = principal_scope(who);
    if (sc.kind == SCOPE_ALL || !sc.path)
        return true;
    size_t a = strlen(sc.path), b = strlen(r->area_path);
    return strncmp(r->area_path, sc.path, a < b ? a : b) == 0;
}

static bool subject_visible(const struct principal *who, int64_t user_id, const char *area_path)
{
    struct scope sc = principal_scope(who);
    if (sc.kind == SCOPE_ALL || !sc.path)
        return true;
    if (sc.kind == SCOPE_OWN)
        return user_id && user_id == who->user_id;
    return strncmp(area_path, sc.path, strlen(sc.path)) == 0;
}

/* The township of area_id (0: the caller's area), in the caller's scope or above it. */
static int township_of(struct zctx *z, int64_t area_id, struct area *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct area a;
    int rc = store_area_get(z->db, area_id ? area_id : z->who->area_id, &sc, &a, err);
    if (rc)
        return rc;
    if (strcmp(a.level, "township") == 0) {
        *out = a;
        return 0;
    }
    struct error e; /* an area below a township: the one above it */
    if (store_area_township(z->db, a.path, out, &e) == 0)
        return 0;
    return err_set(err, ZW_EINVAL, "areaId", "考核按乡镇进行：请选择一个乡镇");
}

static int run_for(struct zctx *z, int64_t id, struct assess_run_row *r, bool draft,
                   struct error *err)
{
    int rc = store_assess_run_get(z->db, id, z->arena, r, err);
    if (rc)
        return rc;
    if (!run_visible(z->who, r))
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该考核");
    if (draft && strcmp(r->status, "draft") != 0)
        return err_set(err, ZW_ECONFLICT, NULL,
                       "%s %s 的考核已审定，不能修改；如需更正，请发起更正考核", r->area_name,
                       r->period);
    return 0;
}

static int cmp_subject(const void *a, const void *b)
{
    const struct assess_subject_row *x = a, *y = b;
    if (x->score10 != y->score10)
        return x->score10 > y->score10 ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Every subject's score (base + its counted lines) and place (ties share one). */
static int rescore(struct zctx *z, const struct assess_run_row *r, struct error *err)
{
    struct assess_subject_row *v;
    size_t n;
    int rc = store_assess_subject_list(z->db, r->id, z->arena, &v, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t sum;
        rc = store_assess_subject_sum(z->db, v[i].id, &sum, err);
        v[i].score10 = r->base10 + sum;
    }
    if (rc)
        return rc;
    qsort(v, n, sizeof(*v), cmp_subject);
    for (size_t i = 0; !rc && i < n; i++) {
        v[i].place = i && v[i].score10 == v[i - 1].score10 ? v[i - 1].place : (int64_t)i + 1;
        rc = store_assess_subject_set(z->db, v[i].id, v[i].score10, v[i].place, err);
    }
    return rc;
}

/* The rule lines of one subject. */
static int score_subject(struct zctx *z, const struct assess_scheme *s,
                         const struct indicators *ind, const struct ind_period *p,
                         const struct area *town, const struct assess_candidate *c, int64_t run_id,
                         int64_t subject_id, struct error *err)
{
    for (size_t k = 0; k < s->nrules; k++) {
        const struct assess_rule *r = &s->rules[k];
        struct ind_value v;
        int rc =
            s->subject == ASSESS_CADRE
                ? indicators_eval_user(z, ind, r->indicator, town->path, p, c->user_id, &v, err)
                : indicators_eval(z, ind, r->indicator, c->area_path, p, &v, err);
        if (rc)
            return rc;
        char expl[512];
        struct assess_line_row l = {
            .run_id = run_id,
            .subject_id = subject_id,
            .seq = (int64_t)k + 1,
            .kind = "rule",
            .code = r->code,
            .name = r->name,
            .indicator = ind->v[r->indicator].code,
            .value_num = v.num,
            .value_den = v.den,
            .value_text = v.text,
            .explanation = expl,
            .status = "final",
            .entered_at = z->now,
        };
        assess_score_rule(ind, r, v.num, v.den, &l.points10, expl, sizeof(expl));
        if ((rc = store_assess_line_insert(z->db, &l, err)))
            return rc;
    }
    return 0;
}

int assess_run(struct zctx *z, const struct assess_schemes *ss, const struct indicators *ind,
               const char *scheme, const char *period, int64_t area_id, bool correction,
               const char *reason, int64_t *run_id, struct error *err)
{
    const struct assess_scheme *s = assess_find(ss, scheme);
    if (!s)
        return err_set(err, ZW_EINVAL, "scheme", "没有考核方案“%.60s”", scheme ? scheme : "");
    struct ind_period p;
    int from = 0, to = 0;
    if (!period || strlen(period) != 7 || period[5] == 'Q' || indicators_period(period, &p, NULL) ||
        cal_parse_date(p.from, &from) || cal_parse_date(p.to, &to))
        return err_set(err, ZW_EINVAL, "month", "考核月份应为 YYYY-MM（如 2018-03）");
    if (from > cal_local_ymd(z->now))
        return err_set(err, ZW_EINVAL, "month", "%s尚未开始，不能考核", p.label);
    for (size_t k = 0; k < s->nrules; k++)
        if (!indicators_may(z->who, ind, s->rules[k].indicator))
            return err_set(err, ZW_EFORBIDDEN, NULL, "没有权限查看指标“%s”，不能发起该考核",
                           ind->v[s->rules[k].indicator].name);
    if (correction && (!reason || !*reason))
        return err_set(err, ZW_EINVAL, "reason", "更正考核须说明理由");
    struct area town;
    int rc = township_of(z, area_id, &town, err);
    if (rc)
        return rc;
    if (area_id == 0 && strcmp(town.path, z->who->area_path ? z->who->area_path : "") != 0 &&
        principal_scope(z->who).kind != SCOPE_ALL)
        return err_set(err, ZW_EINVAL, "areaId", "考核按乡镇进行：请选择一个乡镇");
    int64_t draft, approved;
    if ((rc = store_assess_run_find(z->db, s->code, town.id, period, &draft, &approved, err)))
        return rc;
    if (approved && !correction)
        return err_set(err, ZW_ECONFLICT, NULL,
                       "%s%s的考核已审定，不能重新计算；如需更正，请发起更正考核", town.name,
                       p.label);
    if (correction && !approved)
        return err_set(err, ZW_EINVAL, "correction", "%s%s没有已审定的考核，无需更正", town.name,
                       p.label);
    struct assess_run_row r = {
        .scheme = s->code,
        .period = period,
        .year = to / 10000,
        .area_id = town.id,
        .area_path = town.path,
        .base10 = s->base10,
        .correction_of = correction ? approved : 0,
        .reason = correction ? reason : NULL,
        .created_by = z->who->user_id,
        .created_at = z->now,
    };
    if (draft) {
        r.id = draft;
        if ((rc = store_assess_rule_lines_delete(z->db, draft, err)) ||
            (rc = store_assess_run_touch(z->db, draft, z->now, z->who->user_id, err)))
            return rc;
    } else if ((rc = store_assess_run_insert(z->db, &r, err))) {
        return rc;
    }
    struct assess_candidate *cands;
    size_t nc;
    if ((rc = store_assess_candidates(z->db, s->subject == ASSESS_CADRE, town.path, z->arena,
                                      &cands, &nc, err)))
        return rc;
    for (size_t i = 0; !rc && i < nc; i++) {
        int64_t sid;
        rc = store_assess_subject_find(z->db, r.id, &cands[i], &sid, err);
        if (!rc && !sid)
            rc = store_assess_subject_insert(z->db, r.id, &cands[i], s->base10, &sid, err);
        if (!rc)
            rc = score_subject(z, s, ind, &p, &town, &cands[i], r.id, sid, err);
    }
    struct assess_run_row saved;
    if (rc || (rc = store_assess_run_get(z->db, r.id, z->arena, &saved, err)) ||
        (rc = rescore(z, &saved, err)))
        return rc;
    json_t *after =
        json_pack("{s:s, s:s, s:I, s:I, s:b, s:I}", "scheme", s->code, "period", period, "areaId",
                  (json_int_t)town.id, "subjects", (json_int_t)nc, "recomputed", draft != 0,
                  "correctionOf", (json_int_t)r.correction_of);
    rc = audit_log(z, "run", "assessment", r.id, NULL, after, err);
    json_decref(after);
    *run_id = r.id;
    return rc;
}

int assess_run_get(struct zctx *z, int64_t id, struct assess_run_row *run,
                   struct assess_subject_row **subjects, size_t *nsubjects,
                   struct assess_line_row **lines, size_t *nlines, struct error *err)
{
    struct assess_subject_row *sv;
    struct assess_line_row *lv;
    size_t ns, nl;
    int rc = run_for(z, id, run, false, err);
    if (rc || (rc = store_assess_subject_list(z->db, id, z->arena, &sv, &ns, err)) ||
        (rc = store_assess_line_list(z->db, id, z->arena, &lv, &nl, err)))
        return rc;
    size_t k = 0;
    for (size_t i = 0; i < ns; i++)
        if (subject_visible(z->who, sv[i].user_id, sv[i].area_path))
            sv[k++] = sv[i];
    ns = k;
    k = 0;
    for (size_t i = 0; i < nl; i++) {
        bool shown = false;
        for (size_t j = 0; j < ns && !shown; j++)
            shown = sv[j].id == lv[i].subject_id;
        if (shown)
            lv[k++] = lv[i];
    }
    *subjects = sv;
    *nsubjects = ns;
    *lines = lv;
    *nlines = k;
    return 0;
}

int assess_run_list(struct zctx *z, const char *scheme, int year, struct assess_run_row **items,
                    size_t *n, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    return store_assess_run_list(z->db, scheme, year, sc.kind == SCOPE_ALL ? NULL : sc.path,
                                 z->arena, items, n, err);
}

int assess_evidence_add(struct zctx *z, int64_t run_id, const char *name, const void *data,
                        size_t len, struct assess_evidence_row *out, struct error *err)
{
    struct assess_run_row r;
    int rc = run_for(z, run_id, &r, true, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    const char *mime;
    if ((rc = attach_store_bytes(data, len, &mime, out->sha256, err)))
        return rc;
    out->run_id = run_id;
    out->name = attach_clean_name(z->arena, name);
    out->mime = mime;
    out->size = (int64_t)len;
    out->created_by = z->who->user_id;
    out->created_at = z->now;
    if ((rc = store_assess_evidence_insert(z->db, out, err)))
        return rc;
    json_t *after = json_pack("{s:I, s:s, s:s, s:I}", "evidenceId", (json_int_t)out->id, "name",
                              out->name, "sha256", out->sha256, "size", (json_int_t)len);
    rc = audit_log(z, "evidence", "assessment", run_id, NULL, after, err);
    json_decref(after);
    return rc;
}

int assess_evidence_read(struct zctx *z, int64_t id, struct assess_evidence_row *meta,
                         const void **data, size_t *len, struct error *err)
{
    struct assess_run_row r;
    struct assess_subject_row *sv;
    struct assess_line_row *lv;
    size_t ns, nl;
    int rc = store_assess_evidence_get(z->db, id, z->arena, meta, err);
    /* a line the caller may see must carry it (a village sees its own subject's evidence) */
    if (rc || (rc = assess_run_get(z, meta->run_id, &r, &sv, &ns, &lv, &nl, err)))
        return rc;
    bool shown = false;
    for (size_t i = 0; i < nl && !shown; i++)
        shown = lv[i].evidence_id == id;
    if (!shown)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该证明材料");
    return attach_load(z->arena, meta->sha256, meta->size, data, len, err);
}

int assess_item_add(struct zctx *z, const struct assess_schemes *ss, int64_t run_id,
                    int64_t subject_id, const char *item, int64_t points10, const char *comment,
                    int64_t evidence_id, int64_t *line_id, struct error *err)
{
    struct assess_run_row r;
    int rc = run_for(z, run_id, &r, true, err);
    if (rc)
        return rc;
    const struct assess_scheme *s = assess_find(ss, r.scheme);
    const struct assess_manual *m = NULL;
    for (size_t i = 0; s && item && i < s->nmanual; i++)
        if (strcmp(s->manual[i].code, item) == 0)
            m = &s->manual[i];
    if (!m)
        return err_set(err, ZW_EINVAL, "item", "该考核方案没有人工评分项“%.60s”", item ? item : "");
    struct assess_subject_row sub;
    if ((rc = store_assess_subject_get(z->db, subject_id, z->arena, &sub, err)))
        return rc;
    if (sub.run_id != run_id || !subject_visible(z->who, sub.user_id, sub.area_path))
        return err_set(err, ZW_ENOTFOUND, "subjectId", "找不到该考核对象");
    if (points10 < m->min10 || points10 > m->max10 || points10 == 0) {
        char lo[24], hi[24];
        assess_points_text(m->min10, lo);
        assess_points_text(m->max10, hi);
        return err_set(err, ZW_EINVAL, "points", "“%s”的分值应在 %s 至 %s 之间（不为 0）", m->name,
                       lo, hi);
    }
    if (!comment || !*comment)
        return err_set(err, ZW_EINVAL, "comment", "请写明评分理由");
    if (m->evidence && !evidence_id)
        return err_set(err, ZW_EINVAL, "evidenceId", "“%s”须上传佐证材料", m->name);
    if (evidence_id) {
        struct assess_evidence_row e;
        if ((rc = store_assess_evidence_get(z->db, evidence_id, z->arena, &e, NULL)) ||
            e.run_id != run_id)
            return err_set(err, ZW_EINVAL, "evidenceId", "佐证材料不属于本次考核");
    }
    char pts[24], expl[512];
    assess_points_text(points10, pts);
    snprintf(expl, sizeof(expl), "%s %s", m->name, pts);
    struct assess_line_row l = {
        .run_id = run_id,
        .subject_id = subject_id,
        .seq = 1000,
        .kind = "manual",
        .code = m->code,
        .name = m->name,
        .points10 = points10,
        .explanation = expl,
        .status = "pending",
        .comment = comment,
        .evidence_id = evidence_id,
        .entered_by = z->who->user_id,
        .entered_at = z->now,
    };
    if ((rc = store_assess_line_insert(z->db, &l, err)))
        return rc;
    json_t *after =
        json_pack("{s:I, s:I, s:s, s:I, s:s, s:I}", "itemId", (json_int_t)l.id, "subjectId",
                  (json_int_t)subject_id, "item", m->code, "points10", (json_int_t)points10,
                  "comment", comment, "evidenceId", (json_int_t)evidence_id);
    rc = audit_log(z, "item_add", "assessment", run_id, NULL, after, err);
    json_decref(after);
    *line_id = l.id;
    return rc;
}

int assess_item_approve(struct zctx *z, int64_t line_id, struct error *err)
{
    struct assess_line_row l;
    struct assess_run_row r;
    int rc = store_assess_line_get(z->db, line_id, z->arena, &l, err);
    if (rc || (rc = run_for(z, l.run_id, &r, true, err)))
        return rc;
    struct assess_subject_row sub;
    if ((rc = store_assess_subject_get(z->db, l.subject_id, z->arena, &sub, err)))
        return rc;
    if (strcmp(l.kind, "manual") != 0 || !subject_visible(z->who, sub.user_id, sub.area_path))
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该人工评分项");
    if (strcmp(l.status, "pending") != 0)
        return err_set(err, ZW_ECONFLICT, NULL, "该事项已审核");
    if (l.entered_by == z->who->user_id)
        return err_set(err, ZW_EFORBIDDEN, NULL, "人工评分须由录入人以外的人员审核（双人复核）");
    if ((rc = store_assess_line_approve(z->db, line_id, z->who->user_id, z->now, err)) ||
        (rc = rescore(z, &r, err)))
        return rc;
    json_t *after =
        json_pack("{s:I, s:I, s:s, s:I}", "itemId", (json_int_t)line_id, "subjectId",
                  (json_int_t)l.subject_id, "item", l.code, "points10", (json_int_t)l.points10);
    rc = audit_log(z, "item_approve", "assessment", r.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int assess_run_approve(struct zctx *z, int64_t run_id, struct error *err)
{
    struct assess_run_row r;
    int rc = run_for(z, run_id, &r, true, err);
    if (rc)
        return rc;
    if (r.created_by == z->who->user_id)
        return err_set(err, ZW_EFORBIDDEN, NULL, "考核须由发起人以外的人员审定（双人复核）");
    struct ind_period p;
    int to = 0;
    if (indicators_period(r.period, &p, err) || cal_parse_date(p.to, &to))
        return err_set(err, ZW_EINTERNAL, NULL, "考核月份无效");
    if (to >= cal_local_ymd(z->now))
        return err_set(err, ZW_ECONFLICT, NULL, "%s尚未结束，只能试算，不能审定", p.label);
    int64_t pending;
    if ((rc = store_assess_pending_count(z->db, run_id, &pending, err)))
        return rc;
    if (pending)
        return err_set(err, ZW_ECONFLICT, NULL, "还有 %lld 项人工评分未审核，不能审定",
                       (long long)pending);
    struct assess_subject_row *v;
    size_t n;
    if ((rc = store_assess_subject_list(z->db, run_id, z->arena, &v, &n, err)) ||
        (rc = store_assess_run_approve(z->db, run_id, z->who->user_id, z->now, err)))
        return rc;
    json_t *scores = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(scores,
                              json_pack("{s:s, s:I, s:I}", "name", v[i].name, "score10",
                                        (json_int_t)v[i].score10, "place", (json_int_t)v[i].place));
    json_t *after = json_pack("{s:s, s:s, s:s, s:o}", "status", "approved", "scheme", r.scheme,
                              "period", r.period, "scores", scores);
    rc = audit_log(z, "approve", "assessment", run_id, NULL, after, err);
    json_decref(after);
    return rc;
}

static int cmp_year(const void *a, const void *b)
{
    const struct assess_year_row *x = a, *y = b;
    if (x->score10 != y->score10)
        return x->score10 > y->score10 ? -1 : 1;
    return strcmp(x->area_path, y->area_path)
               ? strcmp(x->area_path, y->area_path)
               : (x->cadre_id > y->cadre_id) - (x->cadre_id < y->cadre_id);
}

int assess_year(struct zctx *z, const struct assess_schemes *ss, const char *scheme, int year,
                int64_t area_id, struct area *township, struct assess_year_row **rows, size_t *n,
                struct error *err)
{
    const struct assess_scheme *s = assess_find(ss, scheme);
    if (!s)
        return err_set(err, ZW_EINVAL, "scheme", "没有考核方案“%.60s”", scheme ? scheme : "");
    if (year < 1950 || year > 2100)
        return err_set(err, ZW_EINVAL, "year", "年度应为四位数字（如 2018）");
    int rc = township_of(z, area_id, township, err);
    struct assess_month_row *m;
    size_t nm;
    if (rc ||
        (rc = store_assess_months(z->db, s->code, township->id, year, z->arena, &m, &nm, err)))
        return rc;
    struct assess_year_row *v = arena_calloc(z->arena, nm ? nm : 1, sizeof(*v));
    size_t cnt = 0;
    for (size_t i = 0; i < nm; i++) {
        if (!cnt || v[cnt - 1].area_id != m[i].area_id || v[cnt - 1].cadre_id != m[i].cadre_id) {
            v[cnt].area_id = m[i].area_id;
            v[cnt].cadre_id = m[i].cadre_id;
            v[cnt].user_id = m[i].user_id;
            v[cnt].name = m[i].name;
            v[cnt].area_path = m[i].area_path;
            cnt++;
        }
        v[cnt - 1].months++;
        v[cnt - 1].total10 += m[i].score10;
    }
    for (size_t i = 0; i < cnt; i++)
        v[i].score10 = s->yearly_sum ? v[i].total10 : assess_average10(v[i].total10, v[i].months);
    qsort(v, cnt, sizeof(*v), cmp_year);
    for (size_t i = 0; i < cnt; i++) {
        v[i].place = i && v[i].score10 == v[i - 1].score10 ? v[i - 1].place : (int64_t)i + 1;
        v[i].tier = assess_tier_of(s, v[i].place, cnt);
    }
    size_t k = 0;
    for (size_t i = 0; i < cnt; i++)
        if (subject_visible(z->who, v[i].user_id, v[i].area_path))
            v[k++] = v[i];
    *rows = v;
    *n = k;
    return 0;
}
