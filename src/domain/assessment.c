/* assessment.c - assessment schemes and their scoring; see assessment.h. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "assessment.h"
#include "buf.h"
#include "jsonx.h"
#include "banned.h"

#define ASSESS_MAX_FILE    (256 * 1024)
#define ASSESS_MAX_SCHEMES 64
#define ASSESS_MAX_LINES   40

struct pctx {
    const char *name;
    struct error *err;
};

static int fail(struct pctx *c, const char *where, const char *msg)
{
    return err_set(c->err, ZW_EINVAL, NULL, "考核方案 %s：%s%s%s", c->name, where ? where : "",
                   where ? "：" : "", msg);
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

/* Refuses a key of o not in keys. */
static int known_keys(struct pctx *c, const char *where, json_t *o, const char *const *keys)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        bool known = false;
        for (size_t k = 0; keys[k]; k++)
            known |= strcmp(keys[k], key) == 0;
        if (!known) {
            char msg[120];
            snprintf(msg, sizeof(msg), "不认识的键“%.40s”", key);
            return fail(c, where, msg);
        }
    }
    return 0;
}

/* A JSON number with at most `places` decimals as an integer of 10^places; false otherwise. */
static bool fixed(json_t *v, int places, int64_t limit, int64_t *out)
{
    if (!json_is_number(v))
        return false;
    double x = json_number_value(v), m = places == 1 ? 10.0 : 1000.0;
    if (!isfinite(x) || fabs(x) * m > (double)limit)
        return false;
    double r = round(x * m);
    if (fabs(x * m - r) > 1e-6)
        return false;
    *out = (int64_t)r;
    return true;
}

static bool valid_code(const char *s, size_t max)
{
    return s && strlen(s) <= max &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s);
}

static int parse_rule(struct pctx *c, const char *where, json_t *o, const struct indicators *ind,
                      int subject, struct arena *a, struct assess_rule *r)
{
    static const char *const keys[] = {"code",    "name",  "indicator", "per", "cap",
                                       "atLeast", "below", "points",    NULL};
    if (!json_is_object(o))
        return fail(c, where, "应为对象");
    int rc = known_keys(c, where, o, keys);
    if (rc)
        return rc;
    const char *code = str(o, "code"), *name = str(o, "name"), *icode = str(o, "indicator");
    if (!valid_code(code, 48))
        return fail(c, where, "code 应为小写字母、数字、下划线和连字符");
    if (!name)
        return fail(c, where, "name 必填");
    r->code = arena_strdup(a, code);
    r->name = arena_strdup(a, name);
    r->indicator = indicators_find(ind, icode);
    if (r->indicator < 0) {
        char msg[160];
        snprintf(msg, sizeof(msg), "未知指标“%.60s”", icode ? icode : "");
        return fail(c, where, msg);
    }
    if (subject == ASSESS_CADRE && !indicators_per_user(ind, r->indicator))
        return fail(c, where, "按干部考核的指标须能按责任人计算（办件、走访、帮扶措施）");
    json_t *per = json_object_get(o, "per"), *at_least = json_object_get(o, "atLeast"),
           *below = json_object_get(o, "below");
    if (!!per + !!at_least + !!below != 1)
        return fail(c, where, "per、atLeast、below 必须且只能有一个");
    if (per) {
        r->kind = ASSESS_PER;
        if (!fixed(per, 1, 100000, &r->per10) || r->per10 == 0)
            return fail(c, where, "per 应为非零的分值（至多一位小数）");
        json_t *cap = json_object_get(o, "cap");
        if (cap && (!fixed(cap, 1, 100000, &r->cap10) || r->cap10 <= 0))
            return fail(c, where, "cap 应为正的分值（该项最多扣或加的分数）");
        if (json_object_get(o, "points"))
            return fail(c, where, "per 计分项不用 points");
        return 0;
    }
    r->kind = ASSESS_IF;
    r->cmp = at_least ? ASSESS_AT_LEAST : ASSESS_BELOW;
    if (!fixed(at_least ? at_least : below, 3, INT64_C(1000000000000), &r->thr1000))
        return fail(c, where, "阈值应为数（至多三位小数，按指标显示的单位）");
    if (!fixed(json_object_get(o, "points"), 1, 100000, &r->points10) || r->points10 == 0)
        return fail(c, where, "points 应为非零的分值（至多一位小数）");
    if (json_object_get(o, "cap"))
        return fail(c, where, "条件计分项不用 cap");
    return 0;
}

static int parse_manual(struct pctx *c, const char *where, json_t *o, struct arena *a,
                        struct assess_manual *m)
{
    static const char *const keys[] = {"code", "name", "min", "max", "evidence", NULL};
    if (!json_is_object(o))
        return fail(c, where, "应为对象");
    int rc = known_keys(c, where, o, keys);
    if (rc)
        return rc;
    const char *code = str(o, "code"), *name = str(o, "name");
    if (!valid_code(code, 48) || !name)
        return fail(c, where, "code（小写字母、数字、下划线）和 name 必填");
    m->code = arena_strdup(a, code);
    m->name = arena_strdup(a, name);
    if (!fixed(json_object_get(o, "min"), 1, 100000, &m->min10) ||
        !fixed(json_object_get(o, "max"), 1, 100000, &m->max10) || m->min10 > m->max10)
        return fail(c, where, "min 和 max 应为分值，min 不大于 max");
    json_t *ev = json_object_get(o, "evidence");
    if (ev && !json_is_boolean(ev))
        return fail(c, where, "evidence 应为 true 或 false");
    m->evidence = !ev || json_is_true(ev);
    return 0;
}

static int parse_yearly(struct pctx *c, json_t *y, struct arena *a, struct assess_scheme *s)
{
    static const char *const keys[] = {"method", "tiers", NULL};
    if (!json_is_object(y))
        return fail(c, "yearly", "应为对象：method 和 tiers");
    int rc = known_keys(c, "yearly", y, keys);
    if (rc)
        return rc;
    const char *method = str(y, "method");
    if (!method || (strcmp(method, "average") != 0 && strcmp(method, "sum") != 0))
        return fail(c, "yearly.method", "应为 average（月均）或 sum（合计）");
    s->yearly_sum = strcmp(method, "sum") == 0;
    json_t *tiers = json_object_get(y, "tiers");
    if (!json_is_array(tiers) || json_array_size(tiers) == 0 || json_array_size(tiers) > 10)
        return fail(c, "yearly.tiers", "应为 1 至 10 个等次");
    s->ntiers = json_array_size(tiers);
    s->tiers = arena_calloc(a, s->ntiers, sizeof(*s->tiers));
    int prev = 0;
    for (size_t i = 0; i < s->ntiers; i++) {
        json_t *t = json_array_get(tiers, i), *top = json_object_get(t, "top");
        const char *name = str(t, "name");
        if (!json_is_object(t) || json_object_size(t) != 2 || !name || !json_is_integer(top) ||
            json_integer_value(top) <= prev || json_integer_value(top) > 100)
            return fail(c, "yearly.tiers",
                        "每个等次为 {\"name\", \"top\"}，top 为累计百分比，逐个增大");
        s->tiers[i].name = arena_strdup(a, name);
        s->tiers[i].top = prev = (int)json_integer_value(top);
    }
    if (prev != 100)
        return fail(c, "yearly.tiers", "最后一个等次的 top 应为 100");
    return 0;
}

int assess_parse(const char *name, const char *text, size_t len, const struct indicators *ind,
                 struct arena *a, struct assess_scheme *out, struct error *err)
{
    static const char *const keys[] = {"code",  "name",   "description", "subject", "base",
                                       "rules", "manual", "yearly",      NULL};
    struct pctx c = {.name = name, .err = err};
    memset(out, 0, sizeof(*out));
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        char why[JSON_ERROR_TEXT_LENGTH];
        jsonx_error_text(&je, why);
        return err_set(err, ZW_EJSON, NULL, "考核方案 %s 不是有效的 JSON（第 %d 行：%s）", name,
                       je.line, why);
    }
    int rc = json_is_object(root) ? known_keys(&c, NULL, root, keys) : fail(&c, NULL, "应为对象");
    const char *code = rc ? NULL : str(root, "code"), *sname = str(root, "name"),
               *subject = str(root, "subject");
    if (!rc && !valid_code(code, 48))
        rc = fail(&c, "code", "应为小写字母、数字和连字符");
    if (!rc && !sname)
        rc = fail(&c, "name", "必填");
    if (!rc && (!subject || (strcmp(subject, "village") != 0 && strcmp(subject, "cadre") != 0)))
        rc = fail(&c, "subject", "应为 village（村）或 cadre（干部）");
    if (!rc) {
        out->code = arena_strdup(a, code);
        out->name = arena_strdup(a, sname);
        out->description =
            str(root, "description") ? arena_strdup(a, str(root, "description")) : NULL;
        out->subject = strcmp(subject, "cadre") == 0 ? ASSESS_CADRE : ASSESS_VILLAGE;
        if (!fixed(json_object_get(root, "base"), 1, 100000, &out->base10) || out->base10 < 0)
            rc = fail(&c, "base", "应为基础分（非负，至多一位小数）");
    }
    json_t *rules = json_object_get(root, "rules"), *manual = json_object_get(root, "manual");
    if (!rc && (!json_is_array(rules) || json_array_size(rules) > ASSESS_MAX_LINES))
        rc = fail(&c, "rules", "应为计分项的数组（至多 40 项）");
    if (!rc && manual && (!json_is_array(manual) || json_array_size(manual) > ASSESS_MAX_LINES))
        rc = fail(&c, "manual", "应为人工评分项的数组（至多 40 项）");
    if (!rc) {
        out->nrules = json_array_size(rules);
        out->rules = arena_calloc(a, out->nrules ? out->nrules : 1, sizeof(*out->rules));
        out->nmanual = json_array_size(manual);
        out->manual = arena_calloc(a, out->nmanual ? out->nmanual : 1, sizeof(*out->manual));
    }
    for (size_t i = 0; !rc && i < out->nrules; i++) {
        char where[32];
        snprintf(where, sizeof(where), "rules[%zu]", i);
        rc = parse_rule(&c, where, json_array_get(rules, i), ind, out->subject, a, &out->rules[i]);
        for (size_t k = 0; !rc && k < i; k++)
            if (strcmp(out->rules[k].code, out->rules[i].code) == 0)
                rc = fail(&c, where, "code 重复");
    }
    for (size_t i = 0; !rc && i < out->nmanual; i++) {
        char where[32];
        snprintf(where, sizeof(where), "manual[%zu]", i);
        rc = parse_manual(&c, where, json_array_get(manual, i), a, &out->manual[i]);
        for (size_t k = 0; !rc && k < out->nrules; k++)
            if (strcmp(out->rules[k].code, out->manual[i].code) == 0)
                rc = fail(&c, where, "code 与计分项重复");
        for (size_t k = 0; !rc && k < i; k++)
            if (strcmp(out->manual[k].code, out->manual[i].code) == 0)
                rc = fail(&c, where, "code 重复");
    }
    if (!rc)
        rc = parse_yearly(&c, json_object_get(root, "yearly"), a, out);
    json_decref(root);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

static int json_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

int assess_load(const char *defs_dir, const struct indicators *ind, struct arena *a,
                struct assess_schemes *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    char dir[1100];
    snprintf(dir, sizeof(dir), "%s/assessment", defs_dir);
    struct dirent **files = NULL;
    int nf = scandir(dir, &files, json_file, alphasort);
    if (nf < 0)
        return 0; /* no schemes: nothing to assess */
    if (nf > ASSESS_MAX_SCHEMES) {
        for (int f = 0; f < nf; f++)
            free(files[f]);
        free(files);
        return err_set(err, ZW_EINVAL, NULL, "考核方案过多（最多 %d 个）", ASSESS_MAX_SCHEMES);
    }
    out->v = arena_calloc(a, nf ? (size_t)nf : 1, sizeof(*out->v));
    int rc = 0;
    for (int f = 0; f < nf; f++) {
        const char *fname = files[f]->d_name;
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", dir, fname);
        const char *name = arena_printf(a, "assessment/%s", fname);
        struct buf b = {.max = ASSESS_MAX_FILE};
        if (!rc && (rc = buf_read_file(&b, path)))
            rc = err_set(err, rc == ZW_ETOOBIG ? rc : ZW_EIO, NULL, "无法读取考核方案 %s", path);
        if (!rc)
            rc = assess_parse(name, b.ptr ? b.ptr : "", b.len, ind, a, &out->v[out->n], err);
        if (!rc && (strlen(out->v[out->n].code) != strlen(fname) - 5 ||
                    strncmp(out->v[out->n].code, fname, strlen(fname) - 5) != 0))
            rc = err_set(err, ZW_EINVAL, NULL, "考核方案 %s：code 应与文件名相同", name);
        if (!rc)
            out->n++;
        buf_release(&b);
        free(files[f]);
    }
    free(files);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

const struct assess_scheme *assess_find(const struct assess_schemes *s, const char *code)
{
    for (size_t i = 0; code && s && i < s->n; i++)
        if (strcmp(s->v[i].code, code) == 0)
            return &s->v[i];
    return NULL;
}

/* ---- scoring --------------------------------------------------------------------- */

/* |v| in tenths as "6" or "0.5". */
static void tenths(int64_t v, char *out, size_t cap)
{
    if (v < 0)
        v = -v;
    if (v % 10)
        snprintf(out, cap, "%lld.%lld", (long long)(v / 10), (long long)(v % 10));
    else
        snprintf(out, cap, "%lld", (long long)(v / 10));
}

void assess_points_text(int64_t points10, char out[24])
{
    char t[20];
    tenths(points10, t, sizeof(t));
    snprintf(out, 24, "%s%s", points10 < 0 ? "−" : points10 > 0 ? "+" : "", t);
}

/* n / d rounded half away from zero (d > 0). */
static __int128 div_round(__int128 n, __int128 d)
{
    return n >= 0 ? (2 * n + d) / (2 * d) : -((-2 * n + d) / (2 * d));
}

void assess_score_rule(const struct indicators *ind, const struct assess_rule *r, int64_t num,
                       int64_t den, int64_t *points10, char *expl, size_t cap)
{
    const struct indicator *in = &ind->v[r->indicator];
    char value[48], pts[24];
    if (den < 0) {
        num = -num;
        den = -den;
    }
    indicators_format(in, num, den, value);
    *points10 = 0;
    if (den == 0) {
        snprintf(expl, cap, "%s —（无数据），0", r->name);
        return;
    }
    if (r->kind == ASSESS_PER) {
        /* per10 × num × factor / (den × scale), in tenths */
        __int128 p = div_round((__int128)r->per10 * num * in->factor, (__int128)den * in->scale);
        bool capped = r->cap10 && (p > r->cap10 || p < -r->cap10);
        if (capped)
            p = p > 0 ? r->cap10 : -r->cap10;
        *points10 = (int64_t)p;
        char per[24], raw[24];
        assess_points_text(r->per10, per);
        if (per[0] == '+')
            memmove(per, per + 1, strlen(per));
        assess_points_text(*points10, pts);
        if (capped) {
            __int128 full =
                div_round((__int128)r->per10 * num * in->factor, (__int128)den * in->scale);
            assess_points_text((int64_t)full, raw);
            snprintf(expl, cap, "%s %s × %s = %s，封顶 %s", r->name, value, per, raw, pts);
        } else {
            snprintf(expl, cap, "%s %s × %s = %s", r->name, value, per, pts);
        }
        return;
    }
    /* num × factor / (den × scale) against thr1000 / 1000 */
    __int128 lhs = (__int128)num * in->factor * 1000, rhs = (__int128)r->thr1000 * den * in->scale;
    bool met = r->cmp == ASSESS_AT_LEAST ? lhs >= rhs : lhs < rhs;
    char thr[48];
    int64_t t = r->thr1000 < 0 ? -r->thr1000 : r->thr1000;
    if (t % 1000 == 0)
        snprintf(thr, sizeof(thr), "%s%lld%s", r->thr1000 < 0 ? "-" : "", (long long)(t / 1000),
                 in->unit);
    else {
        char frac[8];
        snprintf(frac, sizeof(frac), "%03lld", (long long)(t % 1000));
        for (int k = 2; k > 0 && frac[k] == '0'; k--)
            frac[k] = '\0';
        snprintf(thr, sizeof(thr), "%s%lld.%s%s", r->thr1000 < 0 ? "-" : "", (long long)(t / 1000),
                 frac, in->unit);
    }
    if (met) {
        *points10 = r->points10;
        assess_points_text(r->points10, pts);
        snprintf(expl, cap, "%s %s %s %s，%s", r->name, value,
                 r->cmp == ASSESS_AT_LEAST ? "≥" : "低于", thr, pts);
    } else {
        snprintf(expl, cap, "%s %s %s %s，0", r->name, value,
                 r->cmp == ASSESS_AT_LEAST ? "未达" : "不低于", thr);
    }
}

int assess_tier_of(const struct assess_scheme *s, int64_t place, size_t n)
{
    for (size_t i = 0; i < s->ntiers; i++) {
        int64_t limit = ((int64_t)n * s->tiers[i].top + 99) / 100;
        if (place <= limit)
            return (int)i;
    }
    return s->ntiers ? (int)s->ntiers - 1 : 0;
}

int64_t assess_average10(int64_t sum10, int64_t n)
{
    return n > 0 ? (int64_t)div_round(sum10, n) : 0;
}
