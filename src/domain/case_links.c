/*
 * case_links.c - relations between cases: related cases, repeats merged into
 * the case that goes on, and the search for likely repeats when a request is
 * registered.  See cases.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cases.h"
#include "limits.h"
#include "trigram.h"
#include "banned.h"

static int two_cases(struct zctx *z, int64_t id, int64_t other_id, struct case_row *a,
                     struct case_row *b, struct error *err)
{
    if (id == other_id)
        return err_set(err, ZW_EINVAL, "caseId", "不能与办件自身关联或合并");
    int rc = cases_get(z, id, a, err);
    if (rc)
        return rc;
    rc = cases_get(z, other_id, b, err);
    if (rc == ZW_ENOTFOUND)
        return err_set(err, ZW_EINVAL, "caseId", "要关联的办件不存在或不在您的管辖范围内");
    return rc;
}

static json_t *case_ref(const struct case_row *c)
{
    return json_pack("{s:I, s:s, s:s}", "caseId", (json_int_t)c->id, "serial", c->serial, "title",
                     c->title);
}

int cases_link(struct zctx *z, int64_t id, int64_t other_id, struct error *err)
{
    struct case_row a, b;
    int rc = two_cases(z, id, other_id, &a, &b, err);
    if (rc)
        return rc;
    int64_t lo = id < other_id ? id : other_id, hi = id < other_id ? other_id : id;
    if ((rc = store_case_link_add(z->db, lo, hi, "related", z->now, z->who->user_id, err)))
        return rc;
    json_t *da = case_ref(&b), *db = case_ref(&a);
    rc = cases_add_event(z, a.id, "link", NULL, NULL, da, err);
    if (!rc)
        rc = cases_add_event(z, b.id, "link", NULL, NULL, db, err);
    json_t *au = json_pack("{s:I, s:I}", "caseId", (json_int_t)a.id, "otherId", (json_int_t)b.id);
    if (!rc)
        rc = audit_log(z, "link", "case", a.id, NULL, au, err);
    json_decref(au);
    json_decref(da);
    json_decref(db);
    return rc;
}

int cases_merge(struct zctx *z, int64_t id, int version, int64_t into_id, struct case_row *out,
                struct error *err)
{
    struct case_row into;
    int rc = two_cases(z, id, into_id, out, &into, err);
    if (rc)
        return rc;
    if (out->version != version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (out->closed_at || strcmp(out->state, CASE_STATE_MERGED) == 0)
        return err_set(err, ZW_ETRANSITION, NULL, "办件已办结或已合并，不能再合并");
    if (into.closed_at)
        return err_set(err, ZW_ETRANSITION, NULL, "只能合并到未办结的办件（%s 已办结）",
                       into.serial);
    /* The repeat closes: state "merged", every running clock stops now. */
    struct case_clock *k;
    size_t nk;
    if ((rc = store_case_clocks(z->db, out->id, z->arena, &k, &nk, err)))
        return rc;
    for (size_t i = 0; i < nk; i++) {
        if (k[i].stopped_at)
            continue;
        if (k[i].paused_at) {
            k[i].due_at += z->now - k[i].paused_at;
            k[i].paused_at = 0;
        }
        k[i].stopped_at = z->now;
        if ((rc = store_case_clock_put(z->db, &k[i], out->closed_at > 0, err)))
            return rc;
    }
    char from[40];
    snprintf(from, sizeof(from), "%s", out->state);
    snprintf(out->state, sizeof(out->state), "%s", CASE_STATE_MERGED);
    snprintf(out->outcome, sizeof(out->outcome), "%s", "merged");
    out->closed_at = z->now;
    out->updated_at = z->now;
    if ((rc = store_case_update(z->db, out, err)) ||
        (rc = store_case_link_add(z->db, out->id, into.id, "merged", z->now, z->who->user_id, err)))
        return rc;
    json_t *d1 = case_ref(&into), *d2 = case_ref(out);
    rc = cases_add_event(z, out->id, "merge", NULL, NULL, d1, err);
    if (!rc)
        rc = cases_add_event(z, into.id, "merged", NULL, NULL, d2, err);
    json_t *au = json_pack("{s:s, s:I}", "from", from, "into", (json_int_t)into.id);
    if (!rc)
        rc = audit_log(z, "merge", "case", out->id, NULL, au, err);
    json_decref(au);
    json_decref(d1);
    json_decref(d2);
    if (!rc)
        rc = cases_get(z, out->id, out, err);
    return rc;
}

static int by_score(const void *a, const void *b)
{
    double x = ((const struct case_similar *)a)->score, y = ((const struct case_similar *)b)->score;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The path of the village that holds area a (a itself above village level). */
static int village_path(struct zctx *z, const struct area *a, char *out, size_t cap,
                        struct error *err)
{
    struct area cur = *a;
    for (int depth = 0; depth < 8; depth++) {
        if (strcmp(cur.level, "group") != 0 && strcmp(cur.level, "grid") != 0)
            break;
        struct area parent;
        int rc = store_area_get_any(z->db, cur.parent_id, &parent, err);
        if (rc)
            return rc;
        cur = parent;
    }
    snprintf(out, cap, "%s", cur.path);
    return 0;
}

int cases_similar(struct zctx *z, int64_t area_id, const char *text, int64_t exclude_id,
                  double min_score, struct case_similar **items, size_t *n, struct error *err)
{
    *items = NULL;
    *n = 0;
    struct scope sc = principal_scope(z->who);
    struct area a;
    int rc = store_area_get(z->db, area_id, &sc, &a, err);
    if (rc == ZW_ENOTFOUND)
        return err_set(err, ZW_EFORBIDDEN, "areaId", "所选区划不存在或不在您的管辖范围内");
    char path[256];
    if (rc || (rc = village_path(z, &a, path, sizeof(path), err)))
        return rc;
    struct case_row *cand;
    size_t nc;
    if ((rc = store_case_open_under(z->db, &sc, path, exclude_id, ZW_SIMILAR_CANDIDATES, z->arena,
                                    &cand, &nc, err)))
        return rc;
    struct trigrams want;
    trigram_set(z->arena, text, &want);
    struct case_similar *v = arena_alloc(z->arena, (nc + 1) * sizeof(*v));
    size_t m = 0;
    for (size_t i = 0; i < nc; i++) {
        struct buf b = {0};
        buf_adds(&b, cand[i].title);
        buf_addc(&b, ' ');
        buf_adds(&b, cand[i].content);
        struct arena scratch = {0};
        struct trigrams have;
        trigram_set(&scratch, b.ptr, &have);
        buf_release(&b);
        double s = trigram_score(&want, &have);
        arena_release(&scratch);
        if (s < min_score)
            continue;
        v[m++] = (struct case_similar){.id = cand[i].id,
                                       .serial = arena_strdup(z->arena, cand[i].serial),
                                       .type = arena_strdup(z->arena, cand[i].type),
                                       .state = arena_strdup(z->arena, cand[i].state),
                                       .title = cand[i].title,
                                       .score = s};
    }
    qsort(v, m, sizeof(*v), by_score);
    *items = v;
    *n = m < ZW_SIMILAR_RESULTS ? m : ZW_SIMILAR_RESULTS;
    return 0;
}
