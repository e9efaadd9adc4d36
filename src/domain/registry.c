/* registry.c - the rules of the household and person registry; see registry.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "idnum.h"
#include "jsonw.h"
#include "mask.h"
#include "registry.h"
#include "store/store_import.h"
#include "store/store_registry.h"
#include "banned.h"

#define NAME_MAX_CHARS    30
#define ADDRESS_MAX_CHARS 200
#define NOTE_MAX_CHARS    1000

bool registry_date_ok(const char *s)
{
    int ymd;
    return s && strlen(s) == 10 && cal_parse_date(s, &ymd) == 0;
}

/* today (Asia/Shanghai) as YYYY-MM-DD into dst. */
static void today(const struct zctx *z, char dst[11])
{
    cal_format_date(cal_local_ymd(z->now), dst);
}

/* A date not after today, or an error naming field. */
static int past_date(const struct zctx *z, const char *s, const char *field, const char *label,
                     struct error *err)
{
    char t[11];
    today(z, t);
    if (!registry_date_ok(s))
        return err_set(err, ZW_EINVAL, field, "%s应为有效日期（YYYY-MM-DD）", label);
    if (strcmp(s, t) > 0)
        return err_set(err, ZW_EINVAL, field, "%s不能晚于今天", label);
    return 0;
}

static bool text_ok(const char *s, size_t max)
{
    return !s || utf8_chars(s) <= max;
}

static int phone_check(const char *s, const char *field, struct error *err)
{
    if (!s || !*s)
        return 0;
    size_t n = strlen(s);
    bool ok = n >= 7 && n <= 20;
    for (size_t i = 0; ok && i < n; i++)
        ok = (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
    return ok ? 0 : err_set(err, ZW_EINVAL, field, "联系电话格式不正确");
}

/* A code of table t, or NULL when s is NULL and not required. */
static int code_check(const struct reg_table *t, const char *s, bool required, const char *field,
                      const char *label, struct error *err)
{
    if (!s || !*s)
        return required ? err_set(err, ZW_EINVAL, field, "请填写%s", label) : 0;
    return registry_name(t, s) ? 0
                               : err_set(err, ZW_EINVAL, field, "%s“%.40s”不在代码表中", label, s);
}

/*
 * The snapshots kept in the history: written by hand (an import writes one per
 * row, and building then dumping a json_t cost more than the row's SQL), with
 * empty fields left out.  ID numbers are masked; a phone only says it is set.
 */
static void household_fields(struct jsonw *w, const struct household *h)
{
    jw_str(w, "code", h->code);
    jw_str(w, "address", h->address);
    jw_str(w, "phone", h->phone);
    jw_str(w, "note", h->note);
    jw_str(w, "categories", h->categories ? h->categories : "");
    jw_id(w, "groupId", h->group_id);
    jw_id(w, "gridId", h->grid_id);
    jw_id(w, "headPersonId", h->head_person_id);
    jw_id(w, "poorYear", h->poor_year);
    jw_id(w, "exitYear", h->exit_year);
    jw_str(w, "monitorStatus", h->monitor_status);
    jw_str(w, "monitorCategory", h->monitor_category);
    jw_str(w, "monitorRisks", h->monitor_risks);
}

static void person_fields(struct jsonw *w, const struct person *p)
{
    char idm[19] = "";
    if (p->id_number)
        idnum_mask(p->id_number, idm);
    jw_str(w, "name", p->name);
    jw_str(w, "idNumber", p->id_number ? idm : NULL);
    jw_str(w, "relation", p->relation);
    jw_str(w, "labour", p->labour);
    jw_str(w, "disability", p->disability);
    jw_str(w, "schooling", p->schooling);
    jw_str(w, "health", p->health);
    jw_str(w, "work", p->work);
    jw_str(w, "phone", p->phone && *p->phone ? "（已填写）" : NULL);
    jw_int(w, "insuredMedical", p->insured_medical);
    jw_int(w, "insuredSerious", p->insured_serious);
    jw_int(w, "insuredPension", p->insured_pension);
    jw_str(w, "status", p->status);
}

/* The text written into b as a json_t (for diffs and the audit row), or NULL. */
static json_t *snapshot_json(struct jsonw *w)
{
    json_t *j = jw_close(w) ? NULL : json_loads(w->b->ptr, 0, NULL);
    buf_release(w->b);
    return j;
}

static json_t *household_snapshot(const struct household *h)
{
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    household_fields(&w, h);
    return snapshot_json(&w);
}

static json_t *person_snapshot(const struct person *p)
{
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    person_fields(&w, p);
    return snapshot_json(&w);
}

/* The history row of one change in household_id's history, JSON texts or NULL. */
static int history_text(struct zctx *z, const char *action, int64_t household_id, int64_t person_id,
                        const char *before, const char *after, struct error *err)
{
    struct registry_event e = {
        .household_id = household_id,
        .person_id = person_id,
        .user_id = z->who ? z->who->user_id : 0,
        .at = z->now,
        .user_name = z->who && z->who->name ? z->who->name : "命令行",
        .action = action,
        .before_json = before,
        .after_json = after,
    };
    return store_registry_event_add(z->db, &e, err);
}

static int history_add(struct zctx *z, const char *action, int64_t household_id, int64_t person_id,
                       const json_t *before, const json_t *after, struct error *err)
{
    char *b = before ? json_dumps(before, JSON_COMPACT) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT) : NULL;
    int rc = history_text(z, action, household_id, person_id, b, a, err);
    free(b);
    free(a);
    return rc;
}

/* History and audit of one change; before and after are stolen. */
static int record(struct zctx *z, const char *action, int64_t household_id, int64_t person_id,
                  json_t *before, json_t *after, struct error *err)
{
    int rc = history_add(z, action, household_id, person_id, before, after, err);
    if (!rc && !z->bulk)
        rc = audit_log(z, action, person_id ? "person" : "household",
                       person_id ? person_id : household_id, before, after, err);
    json_decref(before);
    json_decref(after);
    return rc;
}

/*
 * History and audit of a record's creation, its snapshot open in w (closed and
 * released here).  The text goes to the history as written.
 */
static int record_created(struct zctx *z, const char *action, int64_t household_id,
                          int64_t person_id, struct jsonw *w, struct error *err)
{
    int rc = jw_close(w);
    if (rc)
        rc = err_set(err, rc, NULL, "变更记录过长");
    else
        rc = history_text(z, action, household_id, person_id, NULL, w->b->ptr, err);
    if (!rc && !z->bulk) {
        json_t *after = json_loads(w->b->ptr, 0, NULL);
        rc = audit_log(z, action, person_id ? "person" : "household",
                       person_id ? person_id : household_id, NULL, after, err);
        json_decref(after);
    }
    buf_release(w->b);
    return rc;
}

/*
 * The village, group and grid of a household placed at area_id (a village, a
 * group or grid under one) plus optional group_id / grid_id, in scope.
 */
static int place(struct zctx *z, int64_t area_id, int64_t group_id, int64_t grid_id,
                 struct household *h, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct area a, v;
    int rc = store_area_get(z->db, area_id, &sc, &a, err);
    if (rc)
        return rc == ZW_ENOTFOUND
                   ? err_set(err, ZW_EINVAL, "areaId", "所选村（社区）不存在或不在您的管辖范围内")
                   : rc;
    if (strcmp(a.level, "village") == 0) {
        v = a;
    } else if (strcmp(a.level, "group") == 0 || strcmp(a.level, "grid") == 0) {
        if ((rc = store_area_get_any(z->db, a.parent_id, &v, err)))
            return rc;
        if (strcmp(a.level, "group") == 0)
            group_id = a.id;
        else
            grid_id = a.id;
    } else {
        return err_set(err, ZW_EINVAL, "areaId", "户应登记在村（社区）、村民小组或网格下");
    }
    h->village_id = v.id;
    h->village_code = arena_strdup(z->arena, v.code);
    h->area_path = arena_strdup(z->arena, v.path);
    h->group_id = h->grid_id = 0;
    int64_t ids[2] = {group_id, grid_id};
    const char *levels[2] = {"group", "grid"};
    for (int i = 0; i < 2; i++) {
        if (!ids[i])
            continue;
        struct area x;
        if ((rc = store_area_get_any(z->db, ids[i], &x, err)))
            return err_set(err, ZW_EINVAL, i ? "gridId" : "groupId", "%s不存在",
                           i ? "网格" : "村民小组");
        if (strcmp(x.level, levels[i]) != 0 || x.parent_id != v.id)
            return err_set(err, ZW_EINVAL, i ? "gridId" : "groupId", "%s不属于该村（社区）",
                           i ? "网格" : "村民小组");
        if (i == 0)
            h->group_id = x.id;
        else {
            h->grid_id = x.id;
            h->area_path = arena_strdup(z->arena, x.path);
        }
    }
    return 0;
}

static int categories_check(const struct registry_defs *d, const char **c, size_t n,
                            struct error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!registry_name(&d->categories, c[i]))
            return err_set(err, ZW_EINVAL, "categories", "户类别“%.40s”不在代码表中",
                           c[i] ? c[i] : "");
    return 0;
}

static int years_check(int poor, int exit, struct error *err)
{
    if (poor && (poor < 1980 || poor > 2100))
        return err_set(err, ZW_EINVAL, "poorYear", "建档立卡年度不正确");
    if (exit && (exit < 1980 || exit > 2100))
        return err_set(err, ZW_EINVAL, "exitYear", "脱贫年度不正确");
    if (poor && exit && exit < poor)
        return err_set(err, ZW_EINVAL, "exitYear", "脱贫年度不能早于建档立卡年度");
    return 0;
}

static const char *join_categories(struct arena *a, const char **c, size_t n)
{
    const char *s = "";
    for (size_t i = 0; i < n; i++)
        s = *s ? arena_printf(a, "%s,%s", s, c[i]) : c[i];
    return s;
}

/* Creates household in placed at h's village, group and grid (place() or the importer's). */
static int create_placed(struct zctx *z, const struct registry_defs *d,
                         const struct household_input *in, struct household *h, int64_t *id,
                         struct error *err)
{
    int rc;
    if ((rc = categories_check(d, in->categories, in->ncategories, err)) ||
        (rc = years_check(in->poor_year, in->exit_year, err)) ||
        (rc = phone_check(in->phone, "phone", err)))
        return rc;
    if (!text_ok(in->address, ADDRESS_MAX_CHARS))
        return err_set(err, ZW_EINVAL, "address", "地址不能超过 %d 个字", ADDRESS_MAX_CHARS);
    if (!text_ok(in->note, NOTE_MAX_CHARS))
        return err_set(err, ZW_EINVAL, "note", "备注不能超过 %d 个字", NOTE_MAX_CHARS);
    if (in->code && *in->code) {
        size_t n = strlen(in->code);
        bool ok = n >= 4 && n <= 32;
        for (size_t i = 0; ok && i < n; i++)
            ok = (in->code[i] >= '0' && in->code[i] <= '9') ||
                 (in->code[i] >= 'A' && in->code[i] <= 'Z') || in->code[i] == '-';
        if (!ok)
            return err_set(err, ZW_EINVAL, "code", "户编号应为 4 至 32 位数字、大写字母或“-”");
        h->code = in->code;
    } else if ((rc = store_household_next_code(z->db, h->village_id, h->village_code, z->arena,
                                               &h->code, err))) {
        return rc;
    }
    h->address = in->address && *in->address ? in->address : NULL;
    h->phone = in->phone && *in->phone ? in->phone : NULL;
    h->note = in->note && *in->note ? in->note : NULL;
    h->poor_year = in->poor_year;
    h->exit_year = in->exit_year;
    h->created_by = z->who ? z->who->user_id : 0;
    h->created_at = z->now;
    h->monitor_status = "none";
    h->categories = join_categories(z->arena, in->categories, in->ncategories);
    if ((rc = store_household_insert(z->db, h, in->categories, in->ncategories, err)))
        return rc;
    *id = h->id;
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    household_fields(&w, h);
    return record_created(z, "create", h->id, 0, &w, err);
}

int registry_household_create(struct zctx *z, const struct registry_defs *d,
                              const struct household_input *in, int64_t *id, struct error *err)
{
    struct household h = {0};
    int rc = place(z, in->area_id, in->group_id, in->grid_id, &h, err);
    return rc ? rc : create_placed(z, d, in, &h, id, err);
}

int registry_household_import(struct zctx *z, const struct registry_defs *d,
                              const struct household_input *in, const struct household_place *at,
                              int64_t *id, struct error *err)
{
    struct household h = {.village_id = at->village_id,
                          .village_code = at->village_code,
                          .group_id = at->group_id,
                          .grid_id = at->grid_id,
                          .area_path = at->area_path};
    return create_placed(z, d, in, &h, id, err);
}

int registry_household_get(struct zctx *z, int64_t id, struct household *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    return store_household_get(z->db, id, &sc, z->arena, out, err);
}

int registry_household_update(struct zctx *z, const struct registry_defs *d, int64_t id,
                              int version, const struct household_patch *p, struct error *err)
{
    struct household h;
    int rc = registry_household_get(z, id, &h, err);
    if (rc)
        return rc;
    if (h.version != version)
        return err_set(err, ZW_ESTALE, NULL, "该户记录已被他人修改，请刷新后重试");
    json_t *before = household_snapshot(&h);
    if (p->mask & (HH_GROUP | HH_GRID)) {
        struct household pl = {0};
        int64_t g = p->mask & HH_GROUP ? p->group_id : h.group_id;
        int64_t w = p->mask & HH_GRID ? p->grid_id : h.grid_id;
        if ((rc = place(z, h.village_id, g, w, &pl, err)))
            goto out;
        h.group_id = pl.group_id;
        h.grid_id = pl.grid_id;
        h.area_path = pl.area_path;
    }
    if (p->mask & HH_ADDRESS) {
        if (!text_ok(p->address, ADDRESS_MAX_CHARS)) {
            rc = err_set(err, ZW_EINVAL, "address", "地址不能超过 %d 个字", ADDRESS_MAX_CHARS);
            goto out;
        }
        h.address = p->address && *p->address ? p->address : NULL;
    }
    if (p->mask & HH_PHONE) {
        if ((rc = phone_check(p->phone, "phone", err)))
            goto out;
        h.phone = p->phone && *p->phone ? p->phone : NULL;
    }
    if (p->mask & HH_NOTE) {
        if (!text_ok(p->note, NOTE_MAX_CHARS)) {
            rc = err_set(err, ZW_EINVAL, "note", "备注不能超过 %d 个字", NOTE_MAX_CHARS);
            goto out;
        }
        h.note = p->note && *p->note ? p->note : NULL;
    }
    if (p->mask & HH_POOR_YEAR)
        h.poor_year = p->poor_year;
    if (p->mask & HH_EXIT_YEAR)
        h.exit_year = p->exit_year;
    if ((rc = years_check(h.poor_year, h.exit_year, err)))
        goto out;
    if (p->mask & HH_HEAD) {
        struct scope all = {.kind = SCOPE_ALL};
        struct person hp;
        if (p->head_person_id &&
            (store_person_get(z->db, p->head_person_id, &all, z->arena, &hp, err) != 0 ||
             hp.household_id != h.id || strcmp(hp.status, "active") != 0)) {
            rc = err_set(err, ZW_EINVAL, "headPersonId", "户主须是本户现有成员");
            goto out;
        }
        h.head_person_id = p->head_person_id;
    }
    if (p->mask & HH_CATEGORIES) {
        if ((rc = categories_check(d, p->categories, p->ncategories, err)))
            goto out;
        char t[11];
        today(z, t);
        if ((rc = store_household_set_categories(z->db, h.id, p->categories, p->ncategories, t,
                                                 err)))
            goto out;
        h.categories = join_categories(z->arena, p->categories, p->ncategories);
    }
    h.updated_at = z->now;
    if ((rc = store_household_update(z->db, &h, err)))
        goto out;
    rc = record(z, "update", h.id, 0, before, household_snapshot(&h), err);
    return rc;
out:
    json_decref(before);
    return rc;
}

int registry_link_case(struct zctx *z, int64_t household_id, int64_t case_id, struct error *err)
{
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    return store_household_case_link(z->db, household_id, case_id, err);
}

int registry_set_monitor(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                         const char *status, const char *category, const char *risks,
                         const char *date, struct error *err)
{
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    json_t *before = household_snapshot(&h);
    bool monitored = strcmp(status, "monitored") == 0,
         eliminated = strcmp(status, "eliminated") == 0;
    if (!monitored && !eliminated && strcmp(status, "none") != 0)
        rc = err_set(err, ZW_EINVAL, "status", "监测状态不正确");
    else if ((monitored || eliminated) && !registry_date_ok(date))
        rc = err_set(err, ZW_EINVAL, "date", "日期不正确");
    else if (monitored && !registry_name(&d->monitor_categories, category))
        rc = err_set(err, ZW_EINVAL, "category", "监测对象类别不正确");
    if (rc)
        goto out;
    /* Every risk code must be known. */
    for (const char *r = risks; monitored && r && *r;) {
        const char *comma = strchr(r, ',');
        size_t len = comma ? (size_t)(comma - r) : strlen(r);
        char code[40];
        snprintf(code, sizeof(code), "%.*s", (int)(len < 39 ? len : 39), r);
        if (!registry_name(&d->risks, code)) {
            rc = err_set(err, ZW_EINVAL, "risks", "风险类型“%s”不在代码表中", code);
            goto out;
        }
        r = comma ? comma + 1 : r + len;
    }
    h.monitor_status = status;
    if (monitored) {
        h.monitor_category = category;
        h.monitor_risks = risks;
        h.monitor_since = date;
        h.eliminated_on = NULL;
    } else if (eliminated) {
        h.eliminated_on = date;
    } else {
        h.monitor_category = h.monitor_risks = h.monitor_since = h.eliminated_on = NULL;
    }
    /* The 监测对象 category follows the status. */
    const char *cats[16];
    size_t nc = 0;
    char *list = arena_strdup(z->arena, h.categories ? h.categories : "");
    for (char *save = NULL, *c = strtok_r(list, ",", &save); c && nc < 15;
         c = strtok_r(NULL, ",", &save))
        if (strcmp(c, "jiance") != 0)
            cats[nc++] = c;
    if (monitored)
        cats[nc++] = "jiance";
    char t[11];
    today(z, t);
    if ((rc = store_household_set_categories(z->db, h.id, cats, nc, t, err)))
        goto out;
    h.categories = join_categories(z->arena, cats, nc);
    h.updated_at = z->now;
    if ((rc = store_household_update(z->db, &h, err)))
        goto out;
    return record(z, "monitor", h.id, 0, before, household_snapshot(&h), err);
out:
    json_decref(before);
    return rc;
}

/* ---- persons ------------------------------------------------------------- */

/* Validates the person's fields (not the membership) into p. */
static int person_fill(struct zctx *z, const struct registry_defs *d, const struct person_input *in,
                       struct person *p, struct error *err)
{
    if (!in->name || !*in->name)
        return err_set(err, ZW_EINVAL, "name", "请填写姓名");
    if (utf8_chars(in->name) > NAME_MAX_CHARS)
        return err_set(err, ZW_EINVAL, "name", "姓名不能超过 %d 个字", NAME_MAX_CHARS);
    if (!in->id_number || !*in->id_number)
        return err_set(err, ZW_EINVAL, "idNumber", "请填写公民身份号码");
    struct idnum_info info;
    int rc = idnum_parse(in->id_number, (time_t)z->now, &info, err);
    if (rc) {
        err->field = "idNumber";
        return rc;
    }
    if ((rc = code_check(&d->relations, in->relation, true, "relation", "与户主关系", err)) ||
        (rc = code_check(&d->labour, in->labour, false, "labour", "劳动能力", err)) ||
        (rc = code_check(&d->disability, in->disability, false, "disability", "残疾情况", err)) ||
        (rc = code_check(&d->schooling, in->schooling, false, "schooling", "在校情况", err)) ||
        (rc = code_check(&d->health, in->health, false, "health", "健康状况", err)) ||
        (rc = code_check(&d->work, in->work, false, "work", "务工情况", err)) ||
        (rc = phone_check(in->phone, "phone", err)))
        return rc;
    p->name = in->name;
    p->id_number = arena_strdup(z->arena, info.number);
    p->sex = info.sex == 'M' ? "M" : "F";
    char *birth = arena_alloc(z->arena, 11);
    cal_format_date(info.year * 10000 + info.month * 100 + info.day, birth);
    p->birth_date = birth;
    p->phone = in->phone && *in->phone ? in->phone : NULL;
    p->relation = in->relation;
    p->labour = in->labour && *in->labour ? in->labour : NULL;
    p->disability = in->disability && *in->disability ? in->disability : NULL;
    p->schooling = in->schooling && *in->schooling ? in->schooling : NULL;
    p->health = in->health && *in->health ? in->health : NULL;
    p->work = in->work && *in->work ? in->work : NULL;
    p->insured_medical = in->insured_medical > 0;
    p->insured_serious = in->insured_serious > 0;
    p->insured_pension = in->insured_pension > 0;
    return 0;
}

/* Flags living persons with the same name and birth date in the village. */
static int flag_likely(struct zctx *z, const struct person *p, struct error *err)
{
    int64_t *ids;
    size_t n;
    int rc = store_person_likely_dups(z->db, p->id, p->name, p->birth_date, p->village_id, z->arena,
                                      &ids, &n, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = store_person_dup_add(z->db, p->id, ids[i], "name_birth", p->area_path, z->now, err);
    return rc;
}

/* Makes person pid the head of h when relation is "head" and h has none. */
static int maybe_head(struct zctx *z, struct household *h, const struct person *p,
                      struct error *err)
{
    if (!p->relation || strcmp(p->relation, "head") != 0)
        return 0;
    if (h->head_person_id && h->head_person_id != p->id)
        return err_set(err, ZW_ECONFLICT, "relation", "该户已有户主（%s），请先变更户主",
                       h->head_name ? h->head_name : "");
    h->head_person_id = p->id;
    h->updated_at = z->now;
    return store_household_update(z->db, h, err);
}

/* The household a new member joins: what add_member needs of it. */
struct home {
    int64_t id, village_id, head_person_id;
    const char *area_path, *head_name;
};

/*
 * Adds person in to household h: checks the input, then inserts the person,
 * opens the membership, makes them head when they are one and h has none,
 * flags likely duplicates and records the history.  imported: the importer
 * has looked the ID number up already in this transaction, and flags likely
 * duplicates once at the end (registry_flag_imported).
 */
int registry_members_flush(struct zctx *z, struct member_batch *mb, struct error *err)
{
    if (!mb->household_id)
        return 0;
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    jw_str(&w, "added", mb->names.ptr);
    jw_int(&w, "count", mb->n);
    jw_str(&w, "joinedOn", mb->joined_on);
    jw_str(&w, "joinReason", mb->reason);
    int64_t hh = mb->household_id;
    mb->household_id = 0;
    mb->n = 0;
    buf_reset(&mb->names);
    return record_created(z, "person.import", hh, 0, &w, err);
}

/* Records p (who joined on, for reason) in mb, writing mb first if p joins otherwise. */
static int batch_add(struct zctx *z, const struct registry_defs *d, struct member_batch *mb,
                     const struct person *p, const char *on, const char *reason, struct error *err)
{
    int rc;
    if (mb->household_id &&
        (mb->household_id != p->household_id || strcmp(mb->joined_on, on) != 0 ||
         strcmp(mb->reason, reason) != 0) &&
        (rc = registry_members_flush(z, mb, err)))
        return rc;
    const char *rel = registry_name(&d->relations, p->relation);
    rc = (mb->n && buf_adds(&mb->names, "、")) || buf_adds(&mb->names, p->name) ||
         buf_adds(&mb->names, "（") || buf_adds(&mb->names, rel ? rel : p->relation) ||
         buf_adds(&mb->names, "）");
    if (rc)
        return err_set(err, ZW_ETOOBIG, NULL, "同一户导入的成员过多");
    if (!mb->household_id) {
        mb->household_id = p->household_id;
        snprintf(mb->joined_on, sizeof(mb->joined_on), "%s", on);
        snprintf(mb->reason, sizeof(mb->reason), "%s", reason);
    }
    mb->n++;
    return 0;
}

/*
 * Adds a member to h: checked, inserted, joined, head named.  An import
 * (mb set) leaves the duplicate checks to the importer and records the member
 * in mb; otherwise the history and audit rows are written here.
 */
static int add_member(struct zctx *z, const struct registry_defs *d, const struct home *h,
                      const struct person_input *in, struct member_batch *mb, int64_t *id,
                      struct error *err)
{
    bool imported = mb != NULL;
    struct person p = {0};
    int rc;
    char t[11];
    today(z, t);
    const char *on = in->joined_on && *in->joined_on ? in->joined_on : t;
    const char *reason = in->join_reason && *in->join_reason ? in->join_reason : "registered";
    if ((rc = person_fill(z, d, in, &p, err)) ||
        (rc = past_date(z, on, "joinedOn", "入户日期", err)) ||
        (rc = code_check(&d->join_reasons, reason, true, "joinReason", "入户原因", err)))
        return rc;
    if (strcmp(on, p.birth_date) < 0)
        return err_set(err, ZW_EINVAL, "joinedOn", "入户日期不能早于出生日期");
    if (!imported) {
        int64_t existing;
        if ((rc = store_person_by_id_number(z->db, p.id_number, &existing, err)))
            return rc;
        if (existing)
            return err_set(
                err, ZW_ECONFLICT, "idNumber",
                "该公民身份号码已登记，同一人不能同时在两户；如需迁入请使用“迁入已登记人员”");
    }
    bool head = p.relation && strcmp(p.relation, "head") == 0;
    if (head && h->head_person_id)
        return err_set(err, ZW_ECONFLICT, "relation", "该户已有户主（%s），请先变更户主",
                       h->head_name ? h->head_name : "");
    p.household_id = h->id;
    p.village_id = h->village_id;
    p.area_path = h->area_path;
    p.status = "active";
    p.updated_at = z->now;
    if ((rc = store_person_insert(z->db, &p, err)) ||
        (rc = store_membership_open(z->db, p.id, h->id, on, reason, z->now, err)) ||
        (head && (rc = store_household_set_head(z->db, h->id, p.id, z->now, err))) ||
        (!imported && (rc = flag_likely(z, &p, err))))
        return rc;
    *id = p.id;
    if (mb)
        return batch_add(z, d, mb, &p, on, reason, err);
    struct buf b = {0};
    struct jsonw w;
    jw_open(&w, &b);
    person_fields(&w, &p);
    jw_str(&w, "joinedOn", on);
    jw_str(&w, "joinReason", reason);
    return record_created(z, "person.add", h->id, p.id, &w, err);
}

int registry_person_add(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                        const struct person_input *in, int64_t *id, struct error *err)
{
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    if (h.dissolved_on)
        return err_set(err, ZW_EINVAL, NULL, "该户已注销，不能再添加成员");
    struct home home = {.id = h.id,
                        .village_id = h.village_id,
                        .head_person_id = h.head_person_id,
                        .area_path = h.area_path,
                        .head_name = h.head_name};
    return add_member(z, d, &home, in, NULL, id, err);
}

int registry_person_import(struct zctx *z, const struct registry_defs *d,
                           const struct import_household *hh, const struct person_input *in,
                           struct member_batch *mb, int64_t *id, struct error *err)
{
    struct home home = {.id = hh->id,
                        .village_id = hh->village_id,
                        .head_person_id = hh->head_person_id,
                        .area_path = hh->area_path};
    return add_member(z, d, &home, in, mb, id, err);
}

int registry_flag_imported(struct zctx *z, int64_t first_id, struct error *err)
{
    return first_id ? store_person_dups_flag_from(z->db, first_id, z->now, err) : 0;
}

int registry_person_get(struct zctx *z, int64_t id, struct person *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    return store_person_get(z->db, id, &sc, z->arena, out, err);
}

int registry_person_update(struct zctx *z, const struct registry_defs *d, int64_t id, int version,
                           const struct person_input *in, struct error *err)
{
    struct person p;
    int rc = registry_person_get(z, id, &p, err);
    if (rc)
        return rc;
    if (p.version != version)
        return err_set(err, ZW_ESTALE, NULL, "该人员记录已被他人修改，请刷新后重试");
    if (strcmp(p.status, "merged") == 0)
        return err_set(err, ZW_EINVAL, NULL, "该记录已合并到另一人员，不能修改");
    json_t *before = person_snapshot(&p);
    /* Unset inputs keep their values: fill from the record, then validate the whole. */
    struct person_input m = *in;
    if (!m.name)
        m.name = p.name;
    if (!m.id_number)
        m.id_number = p.id_number;
    if (!m.phone)
        m.phone = p.phone;
    if (!m.relation)
        m.relation = p.relation;
    if (!m.labour)
        m.labour = p.labour;
    if (!m.disability)
        m.disability = p.disability;
    if (!m.schooling)
        m.schooling = p.schooling;
    if (!m.health)
        m.health = p.health;
    if (!m.work)
        m.work = p.work;
    if (m.insured_medical < 0)
        m.insured_medical = p.insured_medical;
    if (m.insured_serious < 0)
        m.insured_serious = p.insured_serious;
    if (m.insured_pension < 0)
        m.insured_pension = p.insured_pension;
    bool was_head = p.relation && strcmp(p.relation, "head") == 0;
    if ((rc = person_fill(z, d, &m, &p, err)))
        goto out;
    p.updated_at = z->now;
    if ((rc = store_person_update(z->db, &p, err)))
        goto out;
    if (!was_head && p.household_id && strcmp(p.relation, "head") == 0) {
        struct household h;
        if ((rc = registry_household_get(z, p.household_id, &h, err)) ||
            (rc = maybe_head(z, &h, &p, err)))
            goto out;
    }
    return record(z, "person.update", p.household_id, p.id, before, person_snapshot(&p), err);
out:
    json_decref(before);
    return rc;
}

/* Ends p's membership; clears the household's head if it was p. */
static int leave(struct zctx *z, struct person *p, const char *on, const char *reason,
                 struct error *err)
{
    if (!p->household_id)
        return err_set(err, ZW_EINVAL, NULL, "此人目前不在任何户中");
    if (p->joined_on && strcmp(on, p->joined_on) < 0)
        return err_set(err, ZW_EINVAL, "leftOn", "离户日期不能早于入户日期（%s）", p->joined_on);
    int rc = store_membership_close(z->db, p->id, on, reason, err);
    if (rc)
        return rc;
    struct household h;
    struct scope all = {.kind = SCOPE_ALL};
    if ((rc = store_household_get(z->db, p->household_id, &all, z->arena, &h, err)))
        return rc;
    if (h.head_person_id == p->id) {
        h.head_person_id = 0;
        h.updated_at = z->now;
        if ((rc = store_household_update(z->db, &h, err)))
            return rc;
    }
    return 0;
}

int registry_person_leave(struct zctx *z, const struct registry_defs *d, int64_t person_id,
                          const char *left_on, const char *reason, struct error *err)
{
    struct person p;
    int rc;
    if ((rc = registry_person_get(z, person_id, &p, err)) ||
        (rc = past_date(z, left_on, "leftOn", "离户日期", err)) ||
        (rc = code_check(&d->leave_reasons, reason, true, "reason", "离户原因", err)))
        return rc;
    if (strcmp(reason, "merged") == 0)
        return err_set(err, ZW_EINVAL, "reason", "合并重复记录请在“疑似重复”中办理");
    int64_t hh = p.household_id;
    json_t *before = person_snapshot(&p);
    if ((rc = leave(z, &p, left_on, reason, err)))
        goto out;
    p.status = strcmp(reason, "death") == 0 ? "dead" : "gone";
    p.household_id = 0;
    p.updated_at = z->now;
    if ((rc = store_person_update(z->db, &p, err)))
        goto out;
    json_t *after = person_snapshot(&p);
    json_object_set_new(after, "leftOn", json_string(left_on));
    json_object_set_new(after, "leaveReason", json_string(reason));
    return record(z, "person.leave", hh, p.id, before, after, err);
out:
    json_decref(before);
    return rc;
}

int registry_person_move(struct zctx *z, const struct registry_defs *d, int64_t person_id,
                         int64_t household_id, const char *on, const char *reason,
                         struct error *err)
{
    (void)d;
    static const char *const map[][3] = {
        {"split", "split", "split"},
        {"marriage", "marriage", "marriage"},
        {"moved", "moved_out", "moved_in"},
    };
    int r = -1;
    for (int i = 0; i < 3; i++)
        if (reason && strcmp(reason, map[i][0]) == 0)
            r = i;
    if (r < 0)
        return err_set(err, ZW_EINVAL, "reason",
                       "迁移原因应为 split（分户）、marriage（婚姻）或 moved（迁移）");
    struct person p;
    struct household to;
    int rc;
    if ((rc = registry_person_get(z, person_id, &p, err)) ||
        (rc = registry_household_get(z, household_id, &to, err)) ||
        (rc = past_date(z, on, "on", "迁移日期", err)))
        return rc;
    if (strcmp(p.status, "merged") == 0 || strcmp(p.status, "dead") == 0)
        return err_set(err, ZW_EINVAL, NULL, "该人员已%s，不能迁移",
                       strcmp(p.status, "dead") == 0 ? "死亡" : "合并");
    if (p.household_id == to.id)
        return err_set(err, ZW_EINVAL, "householdId", "此人已在该户中");
    if (to.dissolved_on)
        return err_set(err, ZW_EINVAL, "householdId", "目标户已注销");
    int64_t from = p.household_id;
    json_t *before = person_snapshot(&p);
    if (from && (rc = leave(z, &p, on, map[r][1], err)))
        goto out;
    if ((rc = store_membership_open(z->db, p.id, to.id, on, map[r][2], z->now, err)))
        goto out;
    p.household_id = to.id;
    p.village_id = to.village_id;
    p.area_path = to.area_path;
    p.status = "active";
    if (p.relation && strcmp(p.relation, "head") == 0 && to.head_person_id)
        p.relation = "other"; /* the new household has its head */
    p.updated_at = z->now;
    if ((rc = store_person_update(z->db, &p, err)))
        goto out;
    json_t *after = person_snapshot(&p);
    json_object_set_new(after, "householdId", json_integer(to.id));
    json_object_set_new(after, "on", json_string(on));
    if ((rc = record(z, "person.move_out", from, p.id, json_incref(before), json_incref(after),
                     err)) == 0)
        rc = record(z, "person.move_in", to.id, p.id, before, after, err);
    else {
        json_decref(before);
        json_decref(after);
    }
    return rc;
out:
    json_decref(before);
    return rc;
}

/* ---- guarantees and income ---------------------------------------------- */

/* Age in whole years on date ymd of someone born on birth (YYYY-MM-DD). */
static int age_on(const char *birth, int ymd)
{
    int b;
    if (!birth || cal_parse_date(birth, &b) != 0)
        return -1;
    int age = ymd / 10000 - b / 10000;
    if (ymd % 10000 < b % 10000)
        age--;
    return age;
}

/* education and medical are judged from the members' records on the check's date. */
static int judge_from_members(struct zctx *z, const struct registry_defs *d, int64_t hh,
                              const char *kind, const char *on, int *ok, json_t *values,
                              struct error *err)
{
    struct person *m;
    size_t n;
    int rc = store_household_members(z->db, hh, z->arena, &m, &n, err);
    if (rc)
        return rc;
    int ymd;
    cal_parse_date(on, &ymd);
    int bad = 0;
    json_t *who = json_array();
    for (size_t i = 0; i < n; i++) {
        bool fail;
        if (strcmp(kind, "education") == 0) {
            int age = age_on(m[i].birth_date, ymd);
            fail = age >= d->school_age_from && age <= d->school_age_to && m[i].schooling &&
                   strcmp(m[i].schooling, "dropout") == 0;
        } else {
            fail = !m[i].insured_medical || !m[i].insured_serious;
        }
        if (fail) {
            bad++;
            json_array_append_new(who, json_string(m[i].name));
        }
    }
    json_object_set_new(values, "failing", who);
    json_object_set_new(values, "members", json_integer((json_int_t)n));
    *ok = bad == 0;
    return 0;
}

int registry_guarantee_add(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                           const struct guarantee_input *in, bool *ok, struct error *err)
{
    struct household h;
    int rc;
    if ((rc = registry_household_get(z, household_id, &h, err)) ||
        (rc = code_check(&d->guarantee_kinds, in->kind, true, "kind", "保障项", err)) ||
        (rc = past_date(z, in->checked_on, "checkedOn", "核查日期", err)))
        return rc;
    if (!text_ok(in->note, NOTE_MAX_CHARS))
        return err_set(err, ZW_EINVAL, "note", "备注不能超过 %d 个字", NOTE_MAX_CHARS);
    struct guarantee_check g = {.household_id = h.id, .kind = in->kind};
    json_t *values = json_object();
    int pass = 0;
    if (strcmp(in->kind, "food") == 0 || strcmp(in->kind, "clothing") == 0) {
        if (in->ok != 0 && in->ok != 1) {
            json_decref(values);
            return err_set(err, ZW_EINVAL, "ok", "请选择是否达标");
        }
        pass = in->ok;
    } else if (strcmp(in->kind, "housing") == 0) {
        const char *r = in->rating;
        if (!r || strlen(r) != 1 || r[0] < 'A' || r[0] > 'D') {
            json_decref(values);
            return err_set(err, ZW_EINVAL, "rating", "请选择住房安全等级（A、B、C、D）");
        }
        for (size_t i = 0; i < d->nhousing_ok; i++)
            pass |= strcmp(d->housing_ok[i], r) == 0;
        g.rating = r;
    } else if (strcmp(in->kind, "water") == 0) {
        const int v[] = {in->litres,     in->minutes,  in->horizontal_m,
                         in->vertical_m, in->cut_days, in->quality_ok};
        const char *names[] = {"litres",    "minutes", "horizontalM",
                               "verticalM", "cutDays", "qualityOk"};
        for (int i = 0; i < 6; i++) {
            if (v[i] < 0 || v[i] > 100000 || (i == 5 && v[i] > 1)) {
                json_decref(values);
                return err_set(
                    err, ZW_EINVAL, names[i],
                    "请填写饮水安全的四项指标（水量、取水时间或距离、供水保证率、水质）");
            }
            json_object_set_new(values, names[i], json_integer(v[i]));
        }
        json_object_set_new(values, "dryRegion", json_boolean(in->dry_region));
        bool quantity = in->litres >= (in->dry_region ? d->water_litres_dry : d->water_litres);
        bool access =
            in->minutes <= d->water_minutes ||
            (in->horizontal_m <= d->water_horizontal_m && in->vertical_m <= d->water_vertical_m);
        bool supply = in->cut_days <= d->water_cut_days;
        bool quality = in->quality_ok == 1;
        json_object_set_new(values, "criteria",
                            json_pack("{s:b, s:b, s:b, s:b}", "quantity", quantity, "access",
                                      access, "supply", supply, "quality", quality));
        pass = quantity && access && supply && quality;
    } else if ((rc =
                    judge_from_members(z, d, h.id, in->kind, in->checked_on, &pass, values, err))) {
        json_decref(values);
        return rc;
    }
    g.ok = pass;
    g.values_json =
        json_object_size(values) ? json_dumps(values, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    g.checked_on = in->checked_on;
    g.checked_by = z->who ? z->who->user_id : 0;
    g.checker_name = z->who && z->who->name ? z->who->name : "命令行";
    g.note = in->note && *in->note ? in->note : NULL;
    g.created_at = z->now;
    rc = store_guarantee_insert(z->db, &g, err);
    json_t *after = json_pack("{s:s, s:b, s:s?, s:s}", "kind", g.kind, "ok", pass, "rating",
                              g.rating, "checkedOn", g.checked_on);
    if (g.values_json)
        json_object_set(after, "values", values);
    free((char *)g.values_json);
    json_decref(values);
    if (rc) {
        json_decref(after);
        return rc;
    }
    *ok = pass;
    return record(z, "guarantee", h.id, 0, NULL, after, err);
}

#define INCOME_MAX_FEN (100000000000LL) /* 10亿元: larger is a typing error */

int registry_income_add(struct zctx *z, int64_t household_id, const struct income_input *in,
                        int64_t *id, struct error *err)
{
    struct household h;
    int rc;
    if ((rc = registry_household_get(z, household_id, &h, err)) ||
        (rc = past_date(z, in->assessed_on, "assessedOn", "评估日期", err)))
        return rc;
    const int64_t v[] = {in->wages, in->business, in->property, in->transfers, in->expenses};
    const char *f[] = {"wagesFen", "businessFen", "propertyFen", "transfersFen", "expensesFen"};
    for (int i = 0; i < 5; i++)
        if (v[i] < 0 || v[i] > INCOME_MAX_FEN)
            return err_set(err, ZW_EINVAL, f[i], "收入和支出金额应为 0 至 10 亿元之间（以分计）");
    if (in->members < 0 || in->members > 100)
        return err_set(err, ZW_EINVAL, "members", "家庭人口数不正确");
    struct income x = {.household_id = h.id, .assessed_on = in->assessed_on};
    x.members = in->members;
    if (!x.members &&
        (rc = store_household_members_on(z->db, h.id, in->assessed_on, &x.members, err)))
        return rc;
    if (!x.members)
        x.members = h.members;
    if (!x.members)
        return err_set(err, ZW_EINVAL, "members", "该户在评估日期没有成员，无法计算人均纯收入");
    x.year = (int)strtol(in->assessed_on, NULL, 10);
    x.wages = in->wages;
    x.business = in->business;
    x.property = in->property;
    x.transfers = in->transfers;
    x.expenses = in->expenses;
    x.net = in->wages + in->business + in->property + in->transfers - in->expenses;
    x.per_person = x.net / x.members; /* truncated toward zero, to the fen */
    x.source = in->source ? in->source : "staff";
    x.created_by = z->who ? z->who->user_id : 0;
    x.created_at = z->now;
    if ((rc = store_income_insert(z->db, &x, err)))
        return rc;
    *id = x.id;
    json_t *after =
        json_pack("{s:s, s:I, s:I, s:i}", "assessedOn", x.assessed_on, "netFen", (json_int_t)x.net,
                  "perPersonFen", (json_int_t)x.per_person, "members", x.members);
    return record(z, "income", h.id, 0, NULL, after, err);
}

/* ---- duplicates ---------------------------------------------------------- */

int registry_duplicate_merge(struct zctx *z, int64_t dup_id, int64_t keep, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct person_dup dup;
    int rc = store_person_dup_get(z->db, dup_id, &sc, z->arena, &dup, err);
    if (rc)
        return rc;
    if (strcmp(dup.status, "open") != 0)
        return err_set(err, ZW_ECONFLICT, NULL, "该疑似重复记录已处理");
    if (keep != dup.person_id && keep != dup.other_id)
        return err_set(err, ZW_EINVAL, "keep", "保留的记录须是这两人之一");
    int64_t drop = keep == dup.person_id ? dup.other_id : dup.person_id;
    struct person pk, pd;
    if ((rc = registry_person_get(z, keep, &pk, err)) ||
        (rc = registry_person_get(z, drop, &pd, err)))
        return rc;
    json_t *before = person_snapshot(&pd);
    int64_t hh = pd.household_id;
    if (hh) {
        struct household h;
        struct scope all = {.kind = SCOPE_ALL};
        if ((rc = store_household_get(z->db, hh, &all, z->arena, &h, err)) == 0 &&
            h.head_person_id == drop && pk.household_id != hh) {
            /* The kept record heads the household the dropped one headed only if it lives there. */
            h.head_person_id = 0;
            h.updated_at = z->now;
            rc = store_household_update(z->db, &h, err);
        }
        if (rc) {
            json_decref(before);
            return rc;
        }
    }
    if ((rc = store_person_dup_resolve(z->db, dup_id, "merged", z->who ? z->who->user_id : 0,
                                       z->now, err)) ||
        (rc = store_person_merge(z->db, drop, keep, z->now, err))) {
        json_decref(before);
        return rc;
    }
    json_t *after =
        json_pack("{s:I, s:I}", "mergedInto", (json_int_t)keep, "dropped", (json_int_t)drop);
    /* The kept record's household shows the merge too: a history row, one audit row. */
    if (hh && pk.household_id && pk.household_id != hh &&
        (rc = history_add(z, "person.merge", pk.household_id, keep, before, after, err))) {
        json_decref(before);
        json_decref(after);
        return rc;
    }
    return record(z, "person.merge", hh ? hh : pk.household_id, keep, before, after, err);
}

int registry_duplicate_keep(struct zctx *z, int64_t dup_id, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct person_dup dup;
    int rc = store_person_dup_get(z->db, dup_id, &sc, z->arena, &dup, err);
    if (rc)
        return rc;
    if ((rc = store_person_dup_resolve(z->db, dup_id, "kept", z->who ? z->who->user_id : 0, z->now,
                                       err)))
        return rc;
    json_t *after = json_pack("{s:I, s:I}", "person", (json_int_t)dup.person_id, "other",
                              (json_int_t)dup.other_id);
    rc = audit_log(z, "duplicate.keep", "person", dup.person_id, NULL, after, err);
    json_decref(after);
    return rc;
}
