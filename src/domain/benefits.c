/* benefits.c - programmes, the 低保 computation and run, applications, payments; see benefits.h. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "benefits.h"
#include "buf.h"
#include "calendar.h"
#include "cases.h"
#include "mask.h"
#include "registry.h"
#include "store/store_benefit.h"
#include "store/store_registry.h"
#include "banned.h"

#define PROGRAMMES_MAX_FILE (256 * 1024)
#define PROGRAMMES_MAX      64
#define STANDARDS_MAX       1000
#define PAYMENT_MAX_FEN     INT64_C(10000000000) /* 1 亿元: one line above this is a typo */

/* ---- loading defs/programmes.json ----------------------------------------- */

static int fail(struct error *err, const char *where, size_t i, const char *msg, const char *what)
{
    return err_set(err, ZW_EINVAL, NULL, "programmes.json：%s[%zu]：%s%.60s", where, i, msg,
                   what ? what : "");
}

static bool code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 32 || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static bool one_of(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(s, v[i]) == 0)
            return true;
    return false;
}

/* Unknown keys of o (not in keys) are an error. */
static int keys_ok(json_t *o, const char *const *keys, size_t nkeys, const char *where, size_t i,
                   struct error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (!one_of(key, keys, nkeys))
            return fail(err, where, i, "不认识的键：", key);
    }
    return 0;
}

/* A non-empty string of at most max characters, arena-copied, or NULL. */
static const char *text(struct arena *a, json_t *o, const char *key, size_t max)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s && utf8_chars(s) <= max ? arena_strdup(a, s) : NULL;
}

static bool type_has_category(const struct case_type *t, const char *code)
{
    for (size_t i = 0; t && i < t->ncategories; i++)
        if (strcmp(t->categories[i].code, code) == 0)
            return true;
    return false;
}

static int parse_programme(json_t *o, size_t i, const struct case_types *types, struct arena *a,
                           struct programme *p, struct error *err)
{
    static const char *const keys[] = {"code",       "name", "shortName",   "caseType",
                                       "fundSource", "unit", "periodicity", "run"};
    static const char *const units[] = {"person", "household"};
    static const char *const periods[] = {"monthly", "quarterly", "yearly", "once"};
    if (!json_is_object(o))
        return fail(err, "programmes", i, "应为对象", NULL);
    int rc = keys_ok(o, keys, sizeof(keys) / sizeof(keys[0]), "programmes", i, err);
    if (rc)
        return rc;
    const char *code = json_string_value(json_object_get(o, "code"));
    if (!code_ok(code))
        return fail(err, "programmes", i, "code 应为小写字母开头、至多 32 个小写字母、数字或 _",
                    NULL);
    p->code = arena_strdup(a, code);
    p->name = text(a, o, "name", 32);
    p->short_name = text(a, o, "shortName", 16);
    p->fund_source = text(a, o, "fundSource", 64);
    if (!p->name || !p->fund_source)
        return fail(err, "programmes", i, "name（≤32 字）和 fundSource（≤64 字）均应填写：", code);
    if (!p->short_name && json_object_get(o, "shortName"))
        return fail(err, "programmes", i, "shortName 应为至多 16 字的文本：", code);
    if (!p->short_name)
        p->short_name = p->name;
    p->unit = text(a, o, "unit", 16);
    if (!one_of(p->unit, units, 2))
        return fail(err, "programmes", i, "unit 应为 person 或 household：", code);
    p->periodicity = text(a, o, "periodicity", 16);
    if (!one_of(p->periodicity, periods, 4))
        return fail(err, "programmes", i, "periodicity 应为 monthly、quarterly、yearly 或 once：",
                    code);
    json_t *ct = json_object_get(o, "caseType");
    if (ct && !json_is_null(ct)) {
        p->case_type = text(a, o, "caseType", 32);
        if (!p->case_type || (types && !casedef_find(types, p->case_type)))
            return fail(err, "programmes", i, "没有这个办件类型（caseType）：",
                        json_string_value(ct) ? json_string_value(ct) : "?");
    }
    json_t *run = json_object_get(o, "run");
    if (run && !json_is_null(run)) {
        p->run = text(a, o, "run", 16);
        if (!p->run || strcmp(p->run, "dibao") != 0)
            return fail(err, "programmes", i, "run 只能是 dibao（标准减人均收入、按月核算）：",
                        code);
        if (strcmp(p->periodicity, "monthly") != 0)
            return fail(err, "programmes", i, "按月核算（run）的项目 periodicity 应为 monthly：",
                        code);
    }
    return 0;
}

static int parse_standard(json_t *o, size_t i, struct arena *a, struct dibao_standard *s,
                          struct error *err)
{
    static const char *const keys[] = {"area", "year", "fenPerMonth", "note"};
    if (!json_is_object(o))
        return fail(err, "dibaoStandards", i, "应为对象", NULL);
    int rc = keys_ok(o, keys, 4, "dibaoStandards", i, err);
    if (rc)
        return rc;
    const char *area = json_string_value(json_object_get(o, "area"));
    size_t n = area ? strlen(area) : 0;
    bool ok = n == 1 ? area[0] == '*' : n >= 2 && n <= 12 && n % 2 == 0;
    for (size_t k = 0; ok && n > 1 && k < n; k++)
        ok = area[k] >= '0' && area[k] <= '9';
    if (!ok)
        return fail(err, "dibaoStandards", i, "area 应为 * 或区划代码前缀（2、4、6 … 12 位数字）",
                    NULL);
    snprintf(s->area, sizeof(s->area), "%s", area);
    json_t *y = json_object_get(o, "year"), *f = json_object_get(o, "fenPerMonth");
    if (!json_is_integer(y) || json_integer_value(y) < 2000 || json_integer_value(y) > 2100)
        return fail(err, "dibaoStandards", i, "year 应为 2000 至 2100 的整数", NULL);
    if (!json_is_integer(f) || json_integer_value(f) < 1 || json_integer_value(f) > 10000000)
        return fail(err, "dibaoStandards", i, "fenPerMonth 应为 1 至 10000000 的整数（分）", NULL);
    s->year = (int)json_integer_value(y);
    s->fen = json_integer_value(f);
    s->note = text(a, o, "note", 200);
    return 0;
}

static int programmes_parse(json_t *root, const struct case_types *types, struct arena *a,
                            struct programmes *p, struct error *err)
{
    static const char *const keys[] = {"note", "programmes", "dibaoStandardsNote",
                                       "dibaoStandards"};
    if (!json_is_object(root))
        return err_set(err, ZW_EINVAL, NULL, "programmes.json 应为对象");
    int rc = keys_ok(root, keys, 4, "(根)", 0, err);
    if (rc)
        return rc;
    p->note = text(a, root, "note", 1000);
    p->std_note = text(a, root, "dibaoStandardsNote", 1000);
    json_t *list = json_object_get(root, "programmes");
    if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > PROGRAMMES_MAX)
        return err_set(err, ZW_EINVAL, NULL, "programmes.json：programmes 应为 1 至 %d 项的数组",
                       PROGRAMMES_MAX);
    size_t n = json_array_size(list);
    p->v = arena_calloc(a, n, sizeof(*p->v));
    for (size_t i = 0; i < n; i++) {
        if ((rc = parse_programme(json_array_get(list, i), i, types, a, &p->v[i], err)))
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->v[k].code, p->v[i].code) == 0)
                return fail(err, "programmes", i, "code 重复：", p->v[i].code);
        p->n++;
    }
    /* A case type shared by several programmes tells them apart by its categories. */
    for (size_t i = 0; types && i < p->n; i++) {
        const struct programme *g = &p->v[i];
        size_t sharing = 0;
        for (size_t k = 0; g->case_type && k < p->n; k++)
            sharing += p->v[k].case_type && strcmp(p->v[k].case_type, g->case_type) == 0;
        if (sharing > 1 && !type_has_category(casedef_find(types, g->case_type), g->code))
            return err_set(err, ZW_EINVAL, NULL,
                           "programmes.json：programmes[%zu]：办件类型 %s 由多个项目共用，"
                           "其 categories 中应有与项目代码相同的类别：%s",
                           i, g->case_type, g->code);
    }
    json_t *std = json_object_get(root, "dibaoStandards");
    if (std && (!json_is_array(std) || json_array_size(std) > STANDARDS_MAX))
        return err_set(err, ZW_EINVAL, NULL, "programmes.json：dibaoStandards 应为至多 %d 项的数组",
                       STANDARDS_MAX);
    size_t ns = std ? json_array_size(std) : 0;
    p->std = arena_calloc(a, ns + 1, sizeof(*p->std));
    for (size_t i = 0; i < ns; i++) {
        if ((rc = parse_standard(json_array_get(std, i), i, a, &p->std[i], err)))
            return rc;
        for (size_t k = 0; k < i; k++)
            if (p->std[k].year == p->std[i].year && strcmp(p->std[k].area, p->std[i].area) == 0)
                return fail(err, "dibaoStandards", i, "同一区划同一年度的标准重复：",
                            p->std[i].area);
        p->nstd++;
    }
    return 0;
}

int benefits_load(const char *defs_dir, const struct case_types *types, struct arena *a,
                  struct programmes *p, struct error *err)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/programmes.json", defs_dir);
    memset(p, 0, sizeof(*p));
    struct buf b = {.max = PROGRAMMES_MAX_FILE};
    int rc = buf_read_file(&b, path);
    if (rc) {
        buf_release(&b);
        return rc == ZW_ETOOBIG ? err_set(err, rc, NULL, "项目清单 %s 过大", path)
                                : err_set(err, ZW_EIO, NULL, "无法读取项目清单 %s", path);
    }
    json_error_t je;
    json_t *root = json_loadb(b.ptr ? b.ptr : "", b.len, JSON_REJECT_DUPLICATES, &je);
    buf_release(&b);
    if (!root)
        return err_set(err, ZW_EJSON, NULL, "项目清单 %s 不是有效的 JSON（第 %d 行）", path,
                       je.line);
    rc = programmes_parse(root, types, a, p, err);
    json_decref(root);
    return rc;
}

const struct programme *benefits_programme(const struct programmes *p, const char *code)
{
    for (size_t i = 0; p && code && i < p->n; i++)
        if (strcmp(p->v[i].code, code) == 0)
            return &p->v[i];
    return NULL;
}

const struct programme *benefits_programme_of_case(const struct programmes *p,
                                                   const struct case_type *t, const char *category)
{
    const struct programme *only = NULL;
    size_t n = 0;
    for (size_t i = 0; p && t && i < p->n; i++) {
        const struct programme *g = &p->v[i];
        if (!g->case_type || strcmp(g->case_type, t->code) != 0)
            continue;
        if (category && strcmp(g->code, category) == 0 && type_has_category(t, g->code))
            return g;
        only = g;
        n++;
    }
    return n == 1 ? only : NULL;
}

int64_t benefits_dibao_standard(const struct programmes *p, const char *area_code, int year)
{
    const struct dibao_standard *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < p->nstd; i++) {
        const struct dibao_standard *s = &p->std[i];
        size_t len = strcmp(s->area, "*") == 0 ? 0 : strlen(s->area);
        if (s->year > year || (len && (!area_code || strncmp(area_code, s->area, len) != 0)))
            continue;
        if (!best || len > best_len || (len == best_len && s->year > best->year)) {
            best = s;
            best_len = len;
        }
    }
    return best ? best->fen : 0;
}

int64_t benefits_monthly_income(int64_t yearly_per_person)
{
    if (yearly_per_person <= 0)
        return 0;
    return (yearly_per_person + 6) / 12;
}

int64_t benefits_dibao_amount(int64_t standard, bool has_income, int64_t yearly_per_person,
                              int persons)
{
    int64_t gap = standard - (has_income ? benefits_monthly_income(yearly_per_person) : 0);
    return gap > 0 && persons > 0 ? gap * persons : 0;
}

bool benefits_period_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n != 4 && n != 7)
        return false;
    int y = cal_digits(s, 4);
    if (y < 2000 || y > 2100)
        return false;
    if (n == 4)
        return true;
    int m = s[4] == '-' ? cal_digits(s + 5, 2) : -1;
    return m >= 1 && m <= 12;
}

/* Today's local date as YYYY-MM-DD. */
static void today(const struct zctx *z, char out[11])
{
    cal_format_date(cal_local_ymd(z->now), out);
}

/* ---- the case hook: an approved application enrols the household ----------- */

static int enrol(struct zctx *z, const struct programme *prog, int64_t household_id,
                 const struct case_row *c, int persons, struct error *err)
{
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    if (persons <= 0)
        persons = h.members;
    if (persons <= 0)
        return err_set(err, ZW_EINVAL, "covered_persons", "户 %s 没有在册成员，不能纳入%s", h.code,
                       prog->short_name);
    if (h.members > 0 && persons > h.members)
        return err_set(err, ZW_EINVAL, "covered_persons", "保障人数 %d 超过户 %s 的在册人数 %d",
                       persons, h.code, h.members);
    char since[11], until[11];
    today(z, since);
    cal_format_date(cal_ymd_add(cal_local_ymd(z->now), -1), until);
    struct enrolment e = {.household_id = household_id,
                          .programme = prog->code,
                          .persons = persons,
                          .since = since,
                          .case_id = c ? c->id : 0,
                          .area_path = h.area_path,
                          .created_by = z->who->user_id,
                          .created_at = z->now};
    if ((rc = store_enrolment_end(z->db, household_id, prog->code, until, err)) ||
        (rc = store_enrolment_insert(z->db, &e, err)))
        return rc;
    json_t *after = json_pack("{s:s, s:I, s:i, s:s, s:I}", "programme", prog->code, "householdId",
                              (json_int_t)household_id, "persons", persons, "since", since,
                              "caseId", (json_int_t)e.case_id);
    rc = audit_log(z, "enrol", "benefit_enrolment", e.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int benefits_case_hook(struct zctx *z, void *arg, const struct case_type *t,
                       const struct case_row *c, const char *transition, struct error *err)
{
    const struct programmes *p = arg;
    const struct programme *prog = benefits_programme_of_case(p, t, c->category);
    if (!prog || strcmp(c->outcome, "resolved") != 0)
        return 0;
    int64_t *ids;
    size_t n;
    int rc = store_case_households(z->db, c->id, z->arena, &ids, &n, err);
    if (rc || n == 0)
        return rc;
    int persons = 0;
    json_t *fields = json_loads(c->fields_json ? c->fields_json : "{}", 0, NULL);
    json_t *v = json_object_get(fields, "covered_persons");
    if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) < 1000)
        persons = (int)json_integer_value(v);
    json_decref(fields);
    for (size_t i = 0; !rc && i < n; i++)
        rc = enrol(z, prog, ids[i], c, persons, err);
    return rc;
}

/* ---- applications ---------------------------------------------------------- */

int benefits_apply(struct zctx *z, const struct programmes *p, const struct case_types *types,
                   int64_t household_id, const struct application_input *in, struct case_row *out,
                   struct error *err)
{
    const struct programme *prog = benefits_programme(p, in->programme);
    if (!prog)
        return err_set(err, ZW_EINVAL, "programme", "没有这个救助项目：%.40s", in->programme);
    if (!prog->case_type)
        return err_set(err, ZW_EINVAL, "programme", "%s没有申请审批程序，请直接登记发放",
                       prog->short_name);
    /* A case type shared by programmes files each application under the programme's category. */
    const struct case_type *t = casedef_find(types, prog->case_type);
    const char *category = in->category;
    if (t && type_has_category(t, prog->code)) {
        if (category && strcmp(category, prog->code) != 0)
            return err_set(err, ZW_EINVAL, "category", "%s申请的类别只能是 %s", prog->short_name,
                           prog->code);
        category = prog->code;
    }
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    int64_t open_id;
    if ((rc = store_household_open_case(z->db, household_id, prog->case_type,
                                        category == prog->code ? category : NULL, &open_id, err)))
        return rc;
    if (open_id)
        return err_set(err, ZW_ECONFLICT, "programme", "该户已有办理中的%s申请（办件 %lld）",
                       prog->short_name, (long long)open_id);
    const char *head = h.head_name && *h.head_name ? h.head_name : NULL;
    struct case_input ci = {
        .type = prog->case_type,
        .title = in->title ? in->title
                           : arena_printf(z->arena, "%s申请：%s（户编号 %s）", prog->short_name,
                                          head ? head : "户主未登记", h.code),
        .content = in->content ? in->content
                               : arena_printf(z->arena, "%s%s户（户编号 %s，在册 %d 人）申请%s。",
                                              h.village_name ? h.village_name : "",
                                              head ? head : "", h.code, h.members, prog->name),
        .category = category,
        .channel = in->channel ? in->channel : "visit",
        .area_id = h.village_id,
        .requester_name = head,
        .fields = in->fields,
    };
    if ((rc = cases_create(z, types, &ci, out, err)) ||
        (rc = registry_link_case(z, household_id, out->id, err)))
        return rc;
    return 0;
}

/* ---- runs ------------------------------------------------------------------ */

int benefits_run(struct zctx *z, const struct programmes *p, const char *programme,
                 const char *period, int64_t *batch_id, struct error *err)
{
    const struct programme *prog = benefits_programme(p, programme);
    if (!prog)
        return err_set(err, ZW_EINVAL, "programme", "没有这个救助项目：%.40s", programme);
    if (!prog->run)
        return err_set(err, ZW_EINVAL, "programme", "%s不按月核算发放，请逐笔登记",
                       prog->short_name);
    if (!benefits_period_ok(period) || strlen(period) != 7)
        return err_set(err, ZW_EINVAL, "period", "发放月份应为 YYYY-MM（如 2026-11）");
    struct scope sc = principal_scope(z->who);
    if (sc.kind != SCOPE_ALL && sc.kind != SCOPE_SUBTREE)
        return err_set(err, ZW_EFORBIDDEN, NULL, "只有乡镇或村级管辖范围的账号可以核算发放");
    const char *scope_path = sc.kind == SCOPE_ALL || !sc.path ? "/" : sc.path;
    int64_t other;
    int rc = store_batch_overlap(z->db, prog->code, period, scope_path, &other, err);
    if (rc)
        return rc;
    if (other)
        return err_set(err, ZW_ECONFLICT, "period",
                       "%.7s 的%s已有发放批次（批次 %lld），不能重复核算", period, prog->short_name,
                       (long long)other);
    int year = cal_digits(period, 4), month = cal_digits(period + 5, 2);
    char first[11], last[11];
    int ymd1 = year * 10000 + month * 100 + 1;
    int ymd2 = cal_ymd_add(month == 12 ? (year + 1) * 10000 + 101 : ymd1 + 100, -1);
    cal_format_date(ymd1, first);
    cal_format_date(ymd2, last);
    struct run_candidate *v;
    size_t n;
    if ((rc = store_run_candidates(z->db, &sc, prog->code, first, last, z->arena, &v, &n, err)))
        return rc;
    if (n == 0)
        return err_set(err, ZW_EINVAL, "period", "%.7s 没有纳入%s的家庭，无需核算", period,
                       prog->short_name);
    struct batch_line *lines = arena_calloc(z->arena, n, sizeof(*lines));
    struct pay_batch b = {.programme = prog->code,
                          .period = period,
                          .scope_path = scope_path,
                          .created_by = z->who->user_id,
                          .created_at = z->now};
    for (size_t i = 0; i < n; i++) {
        int64_t standard = benefits_dibao_standard(p, v[i].village_code, year);
        if (!standard)
            return err_set(err, ZW_EINVAL, "period",
                           "没有适用于 %d 年（区划 %.12s）的低保标准，请在 defs/programmes.json "
                           "中增加",
                           year, v[i].village_code);
        struct batch_line *l = &lines[i];
        l->household_id = v[i].household_id;
        l->village_id = v[i].village_id;
        l->area_path = v[i].area_path;
        l->persons = v[i].persons;
        l->standard_fen = standard;
        l->has_income = v[i].has_income;
        l->income_fen = v[i].has_income ? benefits_monthly_income(v[i].per_person) : 0;
        l->amount_fen =
            benefits_dibao_amount(standard, v[i].has_income, v[i].per_person, v[i].persons);
        l->note = l->amount_fen == 0 ? "人均收入不低于低保标准，本月不发放"
                  : !l->has_income   ? "无收入记录，按零收入计算"
                                     : NULL;
        if (l->amount_fen > 0) {
            b.households++;
            b.persons += l->persons;
            b.amount_fen += l->amount_fen;
        }
    }
    if ((rc = store_batch_insert(z->db, &b, err)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        lines[i].batch_id = b.id;
        if ((rc = store_batch_line_insert(z->db, &lines[i], err)))
            return rc;
    }
    json_t *after =
        json_pack("{s:s, s:s, s:s, s:i, s:i, s:I, s:I}", "programme", prog->code, "period", period,
                  "scope", scope_path, "households", b.households, "persons", b.persons,
                  "amountFen", (json_int_t)b.amount_fen, "lines", (json_int_t)n);
    rc = audit_log(z, "run", "payment_batch", b.id, NULL, after, err);
    json_decref(after);
    *batch_id = b.id;
    return rc;
}

int benefits_issue(struct zctx *z, const struct programmes *p, int64_t batch_id, int version,
                   const char *paid_on, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct pay_batch b;
    int rc = store_batch_get(z->db, batch_id, &sc, z->arena, &b, err);
    if (rc)
        return rc;
    if (b.version != version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (strcmp(b.status, "draft") != 0)
        return err_set(err, ZW_ETRANSITION, NULL, "该批次已发放，不能再次发放");
    char day[11];
    if (!paid_on) {
        today(z, day);
        paid_on = day;
    } else if (!registry_date_ok(paid_on)) {
        return err_set(err, ZW_EINVAL, "paidOn", "发放日期应为 YYYY-MM-DD");
    }
    const struct programme *prog = benefits_programme(p, b.programme);
    int64_t n = 0;
    b.paid_on = paid_on;
    if ((rc = store_batch_issue(z->db, b.id, version, paid_on, z->who->user_id, z->now, err)) ||
        (rc = store_batch_pay(z->db, &b, prog ? prog->fund_source : b.programme, z->who->user_id,
                              z->now, &n, err)))
        return rc;
    json_t *after = json_pack("{s:s, s:s, s:s, s:I, s:I}", "programme", b.programme, "period",
                              b.period, "paidOn", paid_on, "payments", (json_int_t)n, "amountFen",
                              (json_int_t)b.amount_fen);
    rc = audit_log(z, "issue", "payment_batch", b.id, NULL, after, err);
    json_decref(after);
    return rc;
}

/* ---- payments entered by hand ----------------------------------------------- */

int benefits_pay(struct zctx *z, const struct programmes *p, const struct payment_input *in,
                 int64_t *id, struct error *err)
{
    const struct programme *prog = benefits_programme(p, in->programme);
    if (!prog)
        return err_set(err, ZW_EINVAL, "programme", "没有这个救助项目：%.40s", in->programme);
    if (in->amount_fen <= 0 || in->amount_fen > PAYMENT_MAX_FEN)
        return err_set(err, ZW_EINVAL, "amountFen", "金额应大于 0 且不超过 1 亿元（以分计）");
    if (!benefits_period_ok(in->period))
        return err_set(err, ZW_EINVAL, "period",
                       "所属期间应为 YYYY-MM 或 YYYY（如 2026-11、2026）");
    if (!registry_date_ok(in->paid_on))
        return err_set(err, ZW_EINVAL, "paidOn", "发放日期应为 YYYY-MM-DD");
    if (in->persons < 0 || in->persons > 999)
        return err_set(err, ZW_EINVAL, "persons", "受益人数应为 1 至 999");
    struct household h;
    int rc = registry_household_get(z, in->household_id, &h, err);
    if (rc)
        return rc;
    if (in->person_id) {
        struct person who;
        if ((rc = registry_person_get(z, in->person_id, &who, err)) == ZW_ENOTFOUND ||
            (!rc && who.household_id != h.id))
            return err_set(err, ZW_EINVAL, "personId", "享受人应为该户的现有成员");
        if (rc)
            return rc;
    }
    int persons = in->persons ? in->persons : in->person_id ? 1 : h.members > 0 ? h.members : 1;
    struct payment pay = {
        .programme = prog->code,
        .household_id = h.id,
        .person_id = in->person_id,
        .persons = persons,
        .amount_fen = in->amount_fen,
        .period = in->period,
        .fund_source = in->fund_source && *in->fund_source ? in->fund_source : prog->fund_source,
        .paid_on = in->paid_on,
        .area_path = h.area_path,
        .village_id = h.village_id,
        .note = in->note,
        .created_by = z->who->user_id,
        .created_at = z->now,
    };
    if ((rc = store_payment_insert(z->db, &pay, err)))
        return rc;
    *id = pay.id;
    if (z->bulk) /* an import: its one audit row covers the file */
        return 0;
    json_t *after = json_pack("{s:s, s:I, s:o, s:i, s:I, s:s, s:s}", "programme", prog->code,
                              "householdId", (json_int_t)h.id, "personId",
                              in->person_id ? json_integer(in->person_id) : json_null(), "persons",
                              persons, "amountFen", (json_int_t)in->amount_fen, "period",
                              in->period, "paidOn", in->paid_on);
    rc = audit_log(z, "create", "payment", pay.id, NULL, after, err);
    json_decref(after);
    return rc;
}
