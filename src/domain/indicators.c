/* indicators.c - indicator definitions, periods, values and formats; see indicators.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "calendar.h"
#include "indicator_cache.h"
#include "indicators.h"
#include "jsonx.h"
#include "mask.h"
#include "banned.h"

#define IND_MAX_FILE  (1 << 20)
#define IND_MAX       500
#define IND_MAX_DEPTH 8

struct ctx {
    const char **names; /* per indicator: its file, for messages */
    size_t *at;         /* per indicator: its index in that file */
    struct arena *a;
    struct indicators *d;
    struct error *err;
};

static int fail(struct ctx *c, size_t i, const char *what, const char *msg)
{
    return err_set(c->err, ZW_EINVAL, NULL, "指标定义 %s：indicators[%zu]%s%s：%s", c->names[i],
                   c->at[i], what ? "." : "", what ? what : "", msg);
}

/* s cut to at most 40 bytes on a character boundary, for a message. */
static const char *shown(const char *s, char buf[41])
{
    snprintf(buf, 41, "%s", s);
    utf8_trim_end(buf);
    return buf;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

static void add_reads(struct indicator *ind, const struct indicator *from)
{
    for (size_t k = 0; k < from->nreads; k++) {
        bool have = false;
        for (size_t j = 0; j < ind->nreads; j++)
            have |= ind->reads[j] == from->reads[k];
        if (!have && ind->nreads < sizeof(ind->reads) / sizeof(ind->reads[0]))
            ind->reads[ind->nreads++] = from->reads[k];
    }
}

/* "where": {"field": [values...] | {"not": [values...]}} of a base indicator. */
static int parse_where(struct ctx *c, size_t i, json_t *where, struct indicator *ind)
{
    const struct ind_entity *e = ind->q.e;
    if (!where)
        return 0;
    if (!json_is_object(where))
        return fail(c, i, "where", "应为对象：字段 → 取值列表");
    size_t nc = json_object_size(where), nvalues = 0;
    if (nc > IND_MAX_CONDS)
        return fail(c, i, "where", "条件过多（最多 8 个字段）");
    struct ind_cond *conds = arena_calloc(c->a, nc ? nc : 1, sizeof(*conds));
    const char *key;
    json_t *v;
    size_t k = 0;
    json_object_foreach(where, key, v)
    {
        struct ind_cond *cd = &conds[k++];
        if ((cd->field = store_ind_field(e, key)) < 0) {
            char msg[160];
            char cut[41];
            snprintf(msg, sizeof(msg), "“%s”没有字段“%s”", e->name, shown(key, cut));
            return fail(c, i, "where", msg);
        }
        if (json_is_object(v) && json_object_size(v) == 1 && json_object_get(v, "not")) {
            cd->negate = true;
            v = json_object_get(v, "not");
        }
        if (!json_is_array(v) || json_array_size(v) == 0)
            return fail(c, i, "where", "每个字段的取值应为非空数组（或 {\"not\": [...]}）");
        cd->n = json_array_size(v);
        if ((nvalues += cd->n) > IND_MAX_VALUES)
            return fail(c, i, "where", "取值过多（最多 24 个）");
        bool is_int = e->fields[cd->field].type == IND_T_INT;
        const char **texts = arena_calloc(c->a, cd->n, sizeof(*texts));
        int64_t *ints = arena_calloc(c->a, cd->n, sizeof(*ints));
        for (size_t m = 0; m < cd->n; m++) {
            json_t *x = json_array_get(v, m);
            if (is_int ? !json_is_integer(x) : !json_is_string(x)) {
                char msg[160];
                snprintf(msg, sizeof(msg), "字段“%s”的取值应为%s", key, is_int ? "整数" : "文本");
                return fail(c, i, "where", msg);
            }
            if (is_int)
                ints[m] = json_integer_value(x);
            else
                texts[m] = arena_strdup(c->a, json_string_value(x));
        }
        cd->texts = texts;
        cd->ints = ints;
    }
    ind->q.conds = conds;
    ind->q.nconds = nc;
    return 0;
}

static int parse_base(struct ctx *c, size_t i, json_t *o, struct indicator *ind, const char *ent)
{
    ind->q.e = store_ind_entity(ent);
    if (!ind->q.e) {
        char msg[120];
        char cut[41];
        snprintf(msg, sizeof(msg), "未知对象“%s”", shown(ent, cut));
        return fail(c, i, NULL, msg);
    }
    ind->reads[0] = ind->q.e;
    ind->nreads = 1;
    ind->q.agg = ind->kind == IND_COUNT      ? IND_AGG_COUNT
                 : ind->kind == IND_DISTINCT ? IND_AGG_DISTINCT
                                             : IND_AGG_SUM;
    ind->q.field = -1;
    const char *field = str(o, "field");
    if (ind->kind == IND_COUNT && field)
        return fail(c, i, "field", "计数指标不用 field");
    if (ind->kind != IND_COUNT) {
        if (!field || (ind->q.field = store_ind_field(ind->q.e, field)) < 0)
            return fail(c, i, "field", "应为该对象的字段");
        if (ind->kind == IND_SUM && !ind->q.e->fields[ind->q.field].summable)
            return fail(c, i, "field", "该字段不能求和");
    }
    const char *period = str(o, "period"), *before = str(o, "before");
    ind->q.date = ind->q.asof_start = ind->q.asof_end = ind->q.before = -1;
    if (period && (ind->q.date = store_ind_date(ind->q.e, period)) < 0)
        return fail(c, i, "period", "应为该对象的日期字段");
    if (before && (ind->q.before = store_ind_date(ind->q.e, before)) < 0)
        return fail(c, i, "before", "应为该对象的日期字段");
    json_t *asof = json_object_get(o, "asof");
    if (asof) {
        json_t *a0 = json_array_get(asof, 0), *a1 = json_array_get(asof, 1);
        if (!json_is_array(asof) || json_array_size(asof) != 2 ||
            (ind->q.asof_start = store_ind_date(ind->q.e, json_string_value(a0))) < 0 ||
            (ind->q.asof_end = store_ind_date(ind->q.e, json_string_value(a1))) < 0)
            return fail(c, i, "asof", "应为该对象的两个日期字段 [开始, 结束]");
    }
    int rc = parse_where(c, i, json_object_get(o, "where"), ind);
    const struct ind_field *f = ind->q.e->fields;
    for (size_t k = 0; !rc && k <= ind->q.nconds; k++) {
        int at = k < ind->q.nconds ? ind->q.conds[k].field : ind->q.field;
        const char *sql = at < 0 ? NULL : f[at].sql ? f[at].sql : f[at].in_sql;
        ind->uses_now |= sql && strstr(sql, "$0");
        ind->uses_end |= sql && strstr(sql, "$T");
    }
    /* as of the period's end, or before its start: the period matters without a period date */
    ind->uses_end |= ind->q.asof_start >= 0 || ind->q.before >= 0;
    return rc;
}

/* The operands of a ratio or difference: two indicators defined before it. */
static int parse_pair(struct ctx *c, size_t i, json_t *pair, const char *key, struct indicator *ind)
{
    if (!json_is_array(pair) || json_array_size(pair) != 2)
        return fail(c, i, key, "应为两个指标代码的数组");
    for (size_t k = 0; k < 2; k++) {
        json_t *x = json_array_get(pair, k);
        int at = -1;
        for (size_t j = 0; json_is_string(x) && j < i; j++)
            if (strcmp(c->d->v[j].code, json_string_value(x)) == 0)
                at = (int)j;
        if (at < 0)
            return fail(c, i, key, "应引用在它之前定义的指标");
        if (k == 0)
            ind->a = at;
        else
            ind->b = at;
        add_reads(ind, &c->d->v[at]);
    }
    return 0;
}

int64_t indicators_unit_scale(const char *unit)
{
    if (strcmp(unit, "元") == 0)
        return 100;
    if (strcmp(unit, "万元") == 0)
        return 1000000;
    if (strcmp(unit, "亿元") == 0)
        return INT64_C(10000000000);
    return 1;
}

static int parse_one(struct ctx *c, size_t i, json_t *o)
{
    static const char *const keys[] = {
        "code",       "name",   "unit",  "decimals", "description", "count",
        "distinct",   "sum",    "field", "period",   "where",       "ratio",
        "difference", "factor", "asof",  "before",   "dashboard",   NULL};
    struct indicator *ind = &c->d->v[i];
    memset(ind, 0, sizeof(*ind));
    ind->a = ind->b = -1;
    if (!json_is_object(o))
        return fail(c, i, NULL, "应为对象");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        bool known = false;
        for (size_t k = 0; keys[k]; k++)
            known |= strcmp(keys[k], key) == 0;
        if (!known) {
            char msg[120];
            char cut[41];
            snprintf(msg, sizeof(msg), "不认识的键“%s”", shown(key, cut));
            return fail(c, i, NULL, msg);
        }
    }
    const char *code = str(o, "code"), *name = str(o, "name"), *unit = str(o, "unit");
    if (!code || strlen(code) > 48 ||
        strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code))
        return fail(c, i, "code", "应为小写字母、数字和下划线");
    if (indicators_find(&(struct indicators){c->d->v, i}, code) >= 0)
        return fail(c, i, "code", "代码重复");
    if (!name || !unit)
        return fail(c, i, NULL, "name 和 unit 必填");
    ind->code = arena_strdup(c->a, code);
    ind->name = arena_strdup(c->a, name);
    ind->unit = arena_strdup(c->a, unit);
    ind->description = str(o, "description") ? arena_strdup(c->a, str(o, "description")) : NULL;
    json_t *dash = json_object_get(o, "dashboard");
    const char *dv = json_string_value(dash);
    if (dash && (!dv || (strcmp(dv, "key") != 0 && strcmp(dv, "risk") != 0)))
        return fail(c, i, "dashboard", "应为 key（仪表盘关键指标）或 risk（监测户风险类别）");
    ind->dashboard = dv ? (dv[0] == 'k' ? "key" : "risk") : NULL;
    ind->scale = indicators_unit_scale(unit);
    ind->factor = 1;
    json_t *dec = json_object_get(o, "decimals");
    if (dec &&
        (!json_is_integer(dec) || json_integer_value(dec) < 0 || json_integer_value(dec) > 6))
        return fail(c, i, "decimals", "应为 0 至 6 的整数");
    ind->decimals = dec ? (int)json_integer_value(dec) : ind->scale > 1 ? 2 : 0;
    const char *kinds[] = {"count", "distinct", "sum", "ratio", "difference"};
    int nk = 0;
    for (int k = 0; k < 5; k++)
        if (json_object_get(o, kinds[k])) {
            ind->kind = k;
            nk++;
        }
    if (nk != 1)
        return fail(c, i, NULL, "count、distinct、sum、ratio、difference 必须且只能有一个");
    json_t *factor = json_object_get(o, "factor");
    if (factor && (ind->kind != IND_RATIO || !json_is_integer(factor) ||
                   json_integer_value(factor) < 1 || json_integer_value(factor) > 1000000))
        return fail(c, i, "factor", "只用于 ratio，应为 1 至 1000000 的整数（百分比为 100）");
    if (factor)
        ind->factor = json_integer_value(factor);
    if (ind->kind == IND_RATIO || ind->kind == IND_DIFF) {
        for (const char *const *k =
                 (const char *const[]){"field", "period", "where", "asof", "before", NULL};
             *k; k++)
            if (json_object_get(o, *k))
                return fail(c, i, *k, "比率和差值指标不用此键");
        return parse_pair(c, i, json_object_get(o, kinds[ind->kind]), kinds[ind->kind], ind);
    }
    const char *ent = str(o, kinds[ind->kind]);
    if (!ent)
        return fail(c, i, kinds[ind->kind], "应为对象代码（cases、persons、households …）");
    return parse_base(c, i, o, ind, ent);
}

/* Parses items (a JSON array of definitions; names[i] and at[i] place item i). */
static int parse_items(json_t *items, const char **names, size_t *at, struct arena *a,
                       struct indicators *out, struct error *err)
{
    struct ctx c = {.names = names, .at = at, .a = a, .d = out, .err = err};
    int rc = 0;
    out->v = arena_calloc(a, json_array_size(items), sizeof(*out->v));
    for (size_t i = 0; !rc && i < json_array_size(items); i++) {
        rc = parse_one(&c, i, json_array_get(items, i));
        out->n = i + 1;
    }
    return rc;
}

/* The "indicators" array of document text (a borrowed reference into *root). */
static int doc_items(const char *name, const char *text, size_t len, json_t **root, json_t **items,
                     struct error *err)
{
    json_error_t je;
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!*root) {
        char why[JSON_ERROR_TEXT_LENGTH];
        jsonx_error_text(&je, why);
        return err_set(err, ZW_EJSON, NULL, "指标定义 %s 不是有效的 JSON（第 %d 行：%s）", name,
                       je.line, why);
    }
    *items = json_object_get(*root, "indicators");
    if (!json_is_array(*items) || json_array_size(*items) == 0 || json_array_size(*items) > IND_MAX)
        return err_set(err, ZW_EINVAL, NULL, "指标定义 %s：indicators 应为 1 至 %d 个指标的数组",
                       name, IND_MAX);
    return 0;
}

int indicators_parse(const char *name, const char *text, size_t len, struct arena *a,
                     struct indicators *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *root = NULL, *items = NULL;
    int rc = doc_items(name, text, len, &root, &items, err);
    if (!rc) {
        size_t n = json_array_size(items);
        const char **names = arena_calloc(a, n, sizeof(*names));
        size_t *at = arena_calloc(a, n, sizeof(*at));
        for (size_t i = 0; i < n; i++) {
            names[i] = name;
            at[i] = i;
        }
        rc = parse_items(items, names, at, a, out, err);
    }
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

/*
 * Every defs_dir/indicators/<name>.json, in name order, as one list: an
 * indicator may use those defined before it, in its file or an earlier one.
 */
int indicators_load(const char *defs_dir, struct arena *a, struct indicators *out,
                    struct error *err)
{
    memset(out, 0, sizeof(*out));
    char dir[1100];
    snprintf(dir, sizeof(dir), "%s/indicators", defs_dir);
    struct dirent **files = NULL;
    int nf = scandir(dir, &files, json_file, alphasort);
    if (nf <= 0) {
        free(files);
        return err_set(err, ZW_EIO, NULL, "指标定义目录 %s 不存在或没有 .json 文件", dir);
    }
    json_t *all = json_array();
    const char **names = arena_calloc(a, (size_t)nf * IND_MAX, sizeof(*names));
    size_t *at = arena_calloc(a, (size_t)nf * IND_MAX, sizeof(*at));
    int rc = 0;
    for (int f = 0; f < nf; f++) {
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", dir, files[f]->d_name);
        const char *name = arena_printf(a, "indicators/%s", files[f]->d_name);
        struct buf b = {.max = IND_MAX_FILE};
        json_t *root = NULL, *items = NULL;
        if (!rc && (rc = buf_read_file(&b, path)))
            rc = rc == ZW_ETOOBIG ? err_set(err, rc, NULL, "指标定义 %s 过大", path)
                                  : err_set(err, ZW_EIO, NULL, "无法读取指标定义 %s", path);
        if (!rc)
            rc = doc_items(name, b.ptr ? b.ptr : "", b.len, &root, &items, err);
        for (size_t i = 0; !rc && i < json_array_size(items); i++) {
            if (json_array_size(all) >= IND_MAX) {
                rc = err_set(err, ZW_EINVAL, NULL, "指标定义过多（最多 %d 个）", IND_MAX);
                break;
            }
            names[json_array_size(all)] = name;
            at[json_array_size(all)] = i;
            json_array_append(all, json_array_get(items, i));
        }
        json_decref(root);
        buf_release(&b);
        free(files[f]);
    }
    free(files);
    if (!rc)
        rc = parse_items(all, names, at, a, out, err);
    json_decref(all);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

int indicators_find(const struct indicators *d, const char *code)
{
    for (size_t i = 0; code && i < d->n; i++)
        if (strcmp(d->v[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* ---- periods --------------------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* The number of the n digits at s (checked by digits). */
static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int indicators_period(const char *s, struct ind_period *out, struct error *err)
{
    static const char *const quarters[] = {"一", "二", "三", "四"};
    memset(out, 0, sizeof(*out));
    size_t n = s ? strlen(s) : 0;
    int y = n >= 4 && digits(s, 4) ? num(s, 4) : 0, from = 0, to = 0;
    if (y < 1950 || y > 2100) {
        /* fall through to the error */
    } else if (n == 4) {
        from = y * 10000 + 101;
        to = y * 10000 + 1231;
        snprintf(out->label, sizeof(out->label), "%d年", y);
    } else if (n == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
        int q = s[6] - '0';
        from = y * 10000 + (3 * q - 2) * 100 + 1;
        to = cal_ymd_add(q == 4 ? (y + 1) * 10000 + 101 : y * 10000 + (3 * q + 1) * 100 + 1, -1);
        snprintf(out->label, sizeof(out->label), "%d年第%s季度", y, quarters[q - 1]);
    } else if (n == 7 && s[4] == '-' && digits(s + 5, 2) && num(s + 5, 2) >= 1 &&
               num(s + 5, 2) <= 12) {
        int m = num(s + 5, 2);
        from = y * 10000 + m * 100 + 1;
        to = cal_ymd_add(m == 12 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 1) * 100 + 1, -1);
        snprintf(out->label, sizeof(out->label), "%d年%d月", y, m);
    } else if (n == 21 && s[10] == '~') {
        char a[11], b[11];
        memcpy(a, s, 10);
        a[10] = '\0';
        memcpy(b, s + 11, 10);
        b[10] = '\0';
        if (cal_parse_date(a, &from) || cal_parse_date(b, &to) || from > to)
            from = to = 0;
        else
            snprintf(out->label, sizeof(out->label), "%s 至 %s", a, b);
    }
    if (!from || !to)
        return err_set(err, ZW_EINVAL, "period",
                       "统计期间应为年（2018）、季度（2018-Q2）、月（2018-03）或日期范围"
                       "（2018-01-01~2018-06-30）");
    cal_format_date(from, out->from);
    cal_format_date(to, out->to);
    return 0;
}

/* ---- values -------------------------------------------------------------------- */

void indicators_format(const struct indicator *ind, int64_t num, int64_t den, char out[48])
{
    if (den == 0) {
        snprintf(out, 48, "—");
        return;
    }
    __int128 p10 = 1;
    for (int k = 0; k < ind->decimals; k++)
        p10 *= 10;
    __int128 n = (__int128)num * ind->factor * p10, d = (__int128)den * ind->scale;
    bool neg = (n < 0) != (d < 0);
    if (n < 0)
        n = -n;
    if (d < 0)
        d = -d;
    __int128 q = (2 * n + d) / (2 * d); /* half up */
    int64_t whole = (int64_t)(q / p10), frac = (int64_t)(q % p10);
    if (ind->decimals)
        snprintf(out, 48, "%s%lld.%0*lld%s", neg && q ? "-" : "", (long long)whole, ind->decimals,
                 (long long)frac, ind->unit);
    else
        snprintf(out, 48, "%s%lld%s", neg && q ? "-" : "", (long long)whole, ind->unit);
}

/* The permission that reads an entity's records; NULL for one this table misses. */
static const char *entity_perm(const struct ind_entity *e)
{
    static const char *const perms[][2] = {
        {"cases", "case.read"},       {"persons", "registry.read"}, {"households", "registry.read"},
        {"payments", "benefit.read"}, {"visits", "registry.read"},  {"measures", "registry.read"},
    };
    for (size_t i = 0; i < sizeof(perms) / sizeof(perms[0]); i++)
        if (strcmp(perms[i][0], e->code) == 0)
            return perms[i][1];
    return NULL;
}

bool indicators_may(const struct principal *who, const struct indicators *d, int i)
{
    const struct indicator *ind = &d->v[i];
    for (size_t k = 0; k < ind->nreads; k++) {
        const char *perm = entity_perm(ind->reads[k]);
        if (!perm || !principal_can(who, perm))
            return false;
    }
    return true;
}

/* ---- evaluation ------------------------------------------------------------ */

/* What one request (zctx) remembers: the data versions and the last closure lookup. */
struct ind_memo {
    uint64_t serial; /* store_tx_serial when ver was read */
    bool have_ver;
    uint64_t ver[STORE_NTRACKED];
    bool looked;
    char path[256], from[11], to[11];
    bool closed;
    struct period_close close;
};

static struct ind_memo *memo(struct zctx *z)
{
    if (!z->ind_memo)
        z->ind_memo = arena_calloc(z->arena, 1, sizeof(*z->ind_memo));
    return z->ind_memo;
}

static bool is_base(const struct indicator *ind)
{
    return ind->kind != IND_RATIO && ind->kind != IND_DIFF;
}

/* Marks in need the base indicators i is computed from (depth: a malformed table). */
static int mark_bases(const struct indicators *d, int i, bool *need, int depth, struct error *err)
{
    if (depth > IND_MAX_DEPTH)
        return err_set(err, ZW_EINTERNAL, NULL, "指标“%s”嵌套过深", d->v[i].code);
    if (is_base(&d->v[i])) {
        need[i] = true;
        return 0;
    }
    int rc = mark_bases(d, d->v[i].a, need, depth + 1, err);
    return rc ? rc : mark_bases(d, d->v[i].b, need, depth + 1, err);
}

static uint32_t tables_of(const struct indicator *ind)
{
    return ind->q.e->tables ? ind->q.e->tables : STORE_BIT(STORE_NTRACKED) - 1;
}

/*
 * The values of the base indicators marked in need, into val: from the cache
 * while the tables they read are unchanged; the others computed together,
 * one scan per entity (store_ind_values), and cached.
 */
static int base_values(struct zctx *z, const struct indicators *d, const bool *need,
                       const struct ind_where *w, int64_t *val, struct error *err)
{
    struct ind_memo *m = memo(z);
    if (!m->have_ver || m->serial != store_tx_serial(z->db)) {
        int rc = store_data_versions(z->db, m->ver, err);
        if (rc)
            return rc;
        m->have_ver = true;
        m->serial = store_tx_serial(z->db);
    }
    /* this transaction's own writes, not committed yet; per-user values are not cached */
    uint32_t written = w->user_id ? ~UINT32_C(0) : store_tx_written(z->db);
    bool *miss = arena_calloc(z->arena, d->n, sizeof(*miss));
    struct icache_key *keys = arena_calloc(z->arena, d->n, sizeof(*keys));
    for (size_t i = 0; i < d->n; i++) {
        const struct indicator *ind = &d->v[i];
        if (!need[i])
            continue;
        /* a stock (as of now) is the same for every period, unless it reads the period's end */
        bool stock = ind->q.date < 0 && !ind->uses_end;
        keys[i] = (struct icache_key){.defs = d,
                                      .i = (int)i,
                                      .path = w->path,
                                      .from = stock ? "" : w->from,
                                      .to = stock ? "" : w->to,
                                      .bucket = ind->uses_now ? w->now / 60 : 0};
        miss[i] =
            (written & tables_of(ind)) || !icache_get(&keys[i], tables_of(ind), m->ver, &val[i]);
    }
    /* The misses, entity by entity, IND_MAX_BATCH at a time. */
    const struct ind_query *qs[IND_MAX_BATCH];
    int at[IND_MAX_BATCH];
    int64_t got[IND_MAX_BATCH];
    for (size_t e = 0; e < store_ind_nentities; e++) {
        size_t n = 0;
        for (size_t i = 0; i <= d->n; i++) {
            if (i < d->n && miss[i] && d->v[i].q.e == &store_ind_entities[e]) {
                qs[n] = &d->v[i].q;
                at[n++] = (int)i;
            }
            if (n == IND_MAX_BATCH || (i == d->n && n)) {
                int rc = store_ind_values(z->db, qs, n, w, got, err);
                if (rc)
                    return rc;
                for (size_t k = 0; k < n; k++) {
                    const struct indicator *ind = &d->v[at[k]];
                    val[at[k]] = got[k];
                    if (!(written & tables_of(ind)))
                        icache_put(&keys[at[k]], tables_of(ind), m->ver, got[k]);
                }
                n = 0;
            }
        }
    }
    return 0;
}

/* num / den of indicator i from its base indicators' values in val. */
static void combine(const struct indicators *d, int i, const int64_t *val, int depth, int64_t *num,
                    int64_t *den)
{
    const struct indicator *ind = &d->v[i];
    if (is_base(ind) || depth > IND_MAX_DEPTH) { /* mark_bases refused a deeper one */
        *num = is_base(ind) ? val[i] : 0;
        *den = 1;
        return;
    }
    int64_t an, ad, bn, bd;
    combine(d, ind->a, val, depth + 1, &an, &ad);
    combine(d, ind->b, val, depth + 1, &bn, &bd);
    if (ind->kind == IND_RATIO) { /* (an / ad) / (bn / bd) */
        *num = an * bd;
        *den = ad * bn;
    } else { /* an / ad - bn / bd */
        *num = an * bd - bn * ad;
        *den = ad * bd;
    }
    if (ad == 0 || bd == 0)
        *den = 0;
}

/* The live values of the indicators idx[0..n) (NULL: 0..n-1) not yet frozen in out. */
static int live_many(struct zctx *z, const struct indicators *d, const int *idx, size_t n,
                     const char *path, const struct ind_period *p, int64_t user_id,
                     struct ind_value *out, struct error *err)
{
    struct ind_where w = {
        .path = path, .from = p->from, .to = p->to, .now = z->now, .user_id = user_id};
    bool *need = arena_calloc(z->arena, d->n ? d->n : 1, sizeof(*need));
    int64_t *val = arena_calloc(z->arena, d->n ? d->n : 1, sizeof(*val));
    int rc = 0;
    for (size_t k = 0; !rc && k < n; k++)
        if (!out[k].frozen)
            rc = mark_bases(d, idx ? idx[k] : (int)k, need, 0, err);
    if (rc || (rc = base_values(z, d, need, &w, val, err)))
        return rc;
    for (size_t k = 0; k < n; k++) {
        if (out[k].frozen)
            continue;
        int i = idx ? idx[k] : (int)k;
        combine(d, i, val, 0, &out[k].num, &out[k].den);
        indicators_format(&d->v[i], out[k].num, out[k].den, out[k].text);
    }
    return 0;
}

int indicators_closure(struct zctx *z, const char *path, const struct ind_period *p,
                       const struct period_close **out, struct error *err)
{
    struct ind_memo *m = memo(z);
    *out = NULL;
    if (!m->looked || strcmp(m->path, path) != 0 || strcmp(m->from, p->from) != 0 ||
        strcmp(m->to, p->to) != 0) {
        if (strlen(path) >= sizeof(m->path))
            return 0; /* no area is that deep */
        int rc = store_period_covering(z->db, path, p->from, p->to, z->arena, &m->close, &m->closed,
                                       err);
        if (rc)
            return rc;
        m->looked = true;
        snprintf(m->path, sizeof(m->path), "%s", path);
        snprintf(m->from, sizeof(m->from), "%s", p->from);
        snprintf(m->to, sizeof(m->to), "%s", p->to);
    }
    if (m->closed)
        *out = &m->close;
    return 0;
}

/* Compares d's base indicators over path and p from counters and from records (above). */
static int check_counts_at(struct zctx *z, const struct indicators *d, const char *path,
                           const struct ind_period *p, size_t *checked, size_t *differ, char *first,
                           size_t cap, struct error *err)
{
    struct ind_where w = {.path = path, .from = p->from, .to = p->to, .now = z->now};
    struct ind_where records = w;
    records.no_counts = true;
    for (size_t e = 0; e < store_ind_nentities; e++) {
        const struct ind_query *qs[IND_MAX_BATCH];
        int at[IND_MAX_BATCH];
        int64_t a[IND_MAX_BATCH], b[IND_MAX_BATCH];
        size_t n = 0;
        for (size_t i = 0; i <= d->n; i++) {
            if (i < d->n && is_base(&d->v[i]) && d->v[i].q.e == &store_ind_entities[e] &&
                d->v[i].q.e->counts) {
                qs[n] = &d->v[i].q;
                at[n++] = (int)i;
            }
            if (n < IND_MAX_BATCH && (i < d->n || !n))
                continue;
            int rc = store_ind_values(z->db, qs, n, &w, a, err);
            if (rc || (rc = store_ind_values(z->db, qs, n, &records, b, err)))
                return rc;
            for (size_t k = 0; k < n; k++) {
                (*checked)++;
                if (a[k] != b[k] && (*differ)++ == 0)
                    snprintf(first, cap, "%s（%s，%s）：计数 %lld，台账 %lld", d->v[at[k]].code,
                             path, p->label, (long long)a[k], (long long)b[k]);
            }
            n = 0;
        }
    }
    return 0;
}

int indicators_check_counts(struct zctx *z, const struct indicators *d, int year, size_t *checked,
                            size_t *differ, char *first, size_t cap, struct error *err)
{
    *checked = *differ = 0;
    first[0] = '\0';
    /* the areas down to the villages, breadth first */
    const struct scope all = {.kind = SCOPE_ALL};
    struct area *level;
    size_t nlevel;
    int rc = store_area_children(z->db, 0, &all, z->arena, &level, &nlevel, err);
    for (int depth = 0; !rc && nlevel && depth < 4; depth++) {
        struct area *next = NULL;
        size_t nnext = 0;
        for (size_t k = 0; !rc && k < nlevel; k++) {
            for (int y = year - 10; !rc && y <= year; y++) {
                char s[16];
                struct ind_period p;
                snprintf(s, sizeof(s), "%d", y);
                if (!(rc = indicators_period(s, &p, err)))
                    rc = check_counts_at(z, d, level[k].path, &p, checked, differ, first, cap, err);
                for (int m = 1; !rc && y >= year - 1 && m <= 12; m++) {
                    snprintf(s, sizeof(s), "%d-%02d", y, m);
                    if (!(rc = indicators_period(s, &p, err)))
                        rc = check_counts_at(z, d, level[k].path, &p, checked, differ, first, cap,
                                             err);
                }
            }
            if (rc || strcmp(level[k].level, "village") == 0)
                continue; /* not below the villages */
            struct area *kids;
            size_t nkids;
            rc = store_area_children(z->db, level[k].id, &all, z->arena, &kids, &nkids, err);
            if (!rc && nkids) {
                struct area *v = arena_alloc(z->arena, (nnext + nkids) * sizeof(*v));
                if (nnext)
                    memcpy(v, next, nnext * sizeof(*v));
                memcpy(v + nnext, kids, nkids * sizeof(*v));
                next = v;
                nnext += nkids;
            }
        }
        level = next;
        nlevel = nnext;
    }
    return rc;
}

int indicators_eval_live(struct zctx *z, const struct indicators *d, int i, const char *path,
                         const struct ind_period *p, struct ind_value *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    return live_many(z, d, &i, 1, path, p, 0, out, err);
}

int indicators_eval_many(struct zctx *z, const struct indicators *d, const int *idx, size_t n,
                         const char *path, const struct ind_period *p, struct ind_value *out,
                         struct error *err)
{
    const struct period_close *c;
    memset(out, 0, n * sizeof(*out));
    int rc = indicators_closure(z, path, p, &c, err);
    for (size_t k = 0; !rc && c && k < n; k++) {
        int i = idx ? idx[k] : (int)k;
        bool found;
        if ((rc = store_period_value(z->db, c->id, path, d->v[i].code, &out[k].num, &out[k].den,
                                     &found, err)))
            break;
        if (found) {
            out[k].frozen = true;
            indicators_format(&d->v[i], out[k].num, out[k].den, out[k].text);
        }
    }
    return rc ? rc : live_many(z, d, idx, n, path, p, 0, out, err);
}

int indicators_eval(struct zctx *z, const struct indicators *d, int i, const char *path,
                    const struct ind_period *p, struct ind_value *out, struct error *err)
{
    return indicators_eval_many(z, d, &i, 1, path, p, out, err);
}

bool indicators_per_user(const struct indicators *d, int i)
{
    const struct indicator *ind = &d->v[i];
    for (size_t k = 0; k < ind->nreads; k++)
        if (!ind->reads[k]->user)
            return false;
    return true;
}

int indicators_eval_user(struct zctx *z, const struct indicators *d, int i, const char *path,
                         const struct ind_period *p, int64_t user_id, struct ind_value *out,
                         struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (user_id && !indicators_per_user(d, i))
        return err_set(err, ZW_EINVAL, NULL, "指标“%s”不能按责任人计算", d->v[i].code);
    return live_many(z, d, &i, 1, path, p, user_id, out, err);
}

int indicators_base(const struct indicators *d, int i, const char *part, struct error *err)
{
    /* A ratio or difference leads to one of its parts, down to a base indicator. */
    for (int depth = 0; d->v[i].kind == IND_RATIO || d->v[i].kind == IND_DIFF; depth++) {
        if (depth > IND_MAX_DEPTH) {
            err_set(err, ZW_EINTERNAL, NULL, "指标嵌套过深");
            return -1;
        }
        bool b = depth == 0 && part && strcmp(part, "b") == 0;
        if (depth == 0 && part && !b && strcmp(part, "a") != 0) {
            err_set(err, ZW_EINVAL, "part", "part 应为 a（分子）或 b（分母）");
            return -1;
        }
        i = b ? d->v[i].b : d->v[i].a;
    }
    return i;
}

int indicators_records(struct zctx *z, const struct indicators *d, int i, const char *part,
                       const char *path, const struct ind_period *p, bool live, int64_t page,
                       int64_t page_size, const struct ind_entity **entity,
                       struct ind_record **items, size_t *n, int64_t *total, struct error *err)
{
    if ((i = indicators_base(d, i, part, err)) < 0)
        return err->code;
    *entity = d->v[i].q.e;
    const struct period_close *c = NULL;
    int rc = live ? 0 : indicators_closure(z, path, p, &c, err);
    if (rc)
        return rc;
    if (c)
        return store_period_records(z->db, c->id, d->v[i].code, path, page, page_size, z->arena,
                                    items, n, total, err);
    struct ind_where w = {.path = path, .from = p->from, .to = p->to, .now = z->now};
    return store_ind_records(z->db, &d->v[i].q, &w, page, page_size, z->arena, items, n, total,
                             err);
}
