/* monitoring.c - 防返贫 alerts, screening, identification and elimination; see monitoring.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "idnum.h"
#include "jsonx.h"
#include "mask.h"
#include "monitoring.h"
#include "banned.h"

/* ---- code tables ------------------------------------------------------------ */

struct code_name {
    const char *code, *name;
};

/* Rules of alerts: the screening's, the guarantees', the departments' lists and the risks. */
static const struct code_name rules[] = {
    {"income_below_line", "人均纯收入低于监测线"},
    {"income_drop", "人均纯收入大幅下降"},
    {"guarantee_food", "“不愁吃”未保障"},
    {"guarantee_clothing", "“不愁穿”未保障"},
    {"guarantee_education", "义务教育未保障"},
    {"guarantee_medical", "基本医疗未保障"},
    {"guarantee_housing", "住房安全未保障"},
    {"guarantee_water", "饮水安全未保障"},
    {"medical_bills", "大额医疗费用支出"},
    {"disability", "新增残疾"},
    {"disaster", "受灾"},
    {"unemployment", "失业或务工收入中断"},
    {"accident", "意外事故"},
    {"schooling", "因学支出较大"},
    {"industry", "产业项目失败"},
    {"labour", "缺劳动力"},
    {"other", "其他困难"},
};
/* Rules a person or department may report (the others come from screening). */
static const char *const reportable_from = "medical_bills";

static const struct code_name sources[] = {
    {"apply", "农户申请"},
    {"visit", "干部走访发现"},
    {"department", "部门数据预警"},
    {"screening", "台账数据筛查"},
};

static const struct code_name measure_kinds[] = {
    {"industry", "产业帮扶（产业奖补）"},
    {"employment", "就业帮扶（务工奖补）"},
    {"public_job", "公益岗位"},
    {"dibao", "纳入低保"},
    {"tekun", "纳入特困供养"},
    {"education", "教育帮扶（雨露计划等）"},
    {"medical", "医疗救助"},
    {"housing", "住房安全保障（危房改造）"},
    {"credit", "小额信贷"},
    {"family", "家庭帮扶（赡养、扶养）"},
    {"other", "其他帮扶"},
};

static const struct code_name measure_statuses[] = {
    {"planned", "计划"},
    {"doing", "实施中"},
    {"done", "已落实"},
};

#define NAME_OF(table, code) name_of(table, sizeof(table) / sizeof(table[0]), code)

static const char *name_of(const struct code_name *t, size_t n, const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(t[i].code, code) == 0)
            return t[i].name;
    return NULL;
}

const char *monitoring_rule_name(const char *rule)
{
    return NAME_OF(rules, rule);
}

const char *monitoring_source_name(const char *source)
{
    return NAME_OF(sources, source);
}

const char *monitoring_measure_kind_name(const char *kind)
{
    return NAME_OF(measure_kinds, kind);
}

const char *monitoring_measure_status_name(const char *status)
{
    return NAME_OF(measure_statuses, status);
}

/* Whether rule may be reported by a household, a cadre or a department (not a screening rule). */
static bool rule_reportable(const char *rule)
{
    bool seen = false;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        seen |= strcmp(rules[i].code, reportable_from) == 0;
        if (seen && strcmp(rules[i].code, rule) == 0)
            return true;
    }
    return false;
}

static bool date_ok(const char *s)
{
    int ymd;
    return s && cal_parse_date(s, &ymd) == 0;
}

static int ymd_of(const char *s)
{
    int ymd = 0;
    if (s)
        cal_parse_date(s, &ymd);
    return ymd;
}

static void today_str(const struct zctx *z, char out[11])
{
    cal_format_date(cal_local_ymd(z->now), out);
}

/* ---- alerts ------------------------------------------------------------------- */

int monitoring_alert_add(struct zctx *z, int64_t household_id, const char *id_number,
                         const char *source, const char *rule, const char *detail, int64_t *id,
                         struct error *err)
{
    if (!source ||
        (strcmp(source, "apply") && strcmp(source, "visit") && strcmp(source, "department")))
        return err_set(
            err, ZW_EINVAL, "source",
            "预警来源应为 apply（农户申请）、visit（走访发现）或 department（部门数据）");
    if (!rule || !rule_reportable(rule))
        return err_set(err, ZW_EINVAL, "rule", "没有“%.40s”这一预警类型", rule ? rule : "");
    if (detail && (!*detail || strlen(detail) > 2000))
        return err_set(err, ZW_EINVAL, "detail", "情况说明不能为空，且不超过 2000 字节");
    if (strcmp(source, "department") && !detail)
        return err_set(err, ZW_EINVAL, "detail", "请填写情况说明");
    int64_t person_id = 0;
    int rc;
    if (!household_id) {
        if (!id_number || !*id_number)
            return err_set(err, ZW_EINVAL, "householdId", "请指定农户或身份证号码");
        char norm[19] = {0};
        snprintf(norm, sizeof(norm), "%s", id_number);
        if (norm[17] == 'x')
            norm[17] = 'X';
        if ((rc = store_person_by_id_number(z->db, norm, &person_id, err)))
            return rc;
        struct person p;
        char masked[19];
        idnum_mask(norm, masked);
        if (!person_id || registry_person_get(z, person_id, &p, err) || !p.household_id)
            return err_set(err, ZW_ENOTFOUND, "idNumber", "台账中没有身份证号码为 %s 的在户人员",
                           masked);
        household_id = p.household_id;
    }
    struct household h;
    if ((rc = registry_household_get(z, household_id, &h, err)))
        return rc;
    struct monitor_alert a = {
        .household_id = h.id,
        .person_id = person_id,
        .source = source,
        .rule = rule,
        .detail = detail,
        .area_path = h.area_path,
        .created_at = z->now,
        .created_by = z->who->user_id,
    };
    bool open;
    if ((rc = store_alert_open_exists(z->db, h.id, rule, &open, err)))
        return rc;
    if (open)
        return err_set(err, ZW_ECONFLICT, "rule", "该户已有同类未处理的预警");
    if ((rc = store_alert_insert(z->db, &a, err)))
        return rc;
    if (id)
        *id = a.id;
    json_t *after = json_pack("{s:I, s:s, s:s, s:s?}", "householdId", (json_int_t)h.id, "source",
                              source, "rule", rule, "detail", detail);
    rc = audit_log(z, "create", "monitor_alert", a.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int monitoring_screen(struct zctx *z, const struct registry_defs *d, int64_t *alerts,
                      int64_t *households, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    const char **prov;
    size_t nprov;
    int from = 0, to = -1;
    int rc = store_screen_span(z->db, &sc, z->arena, &prov, &nprov, &from, &to, err);
    if (rc)
        return rc;
    if (to - from > 30) /* older records do not decide anything: their income is not the newest */
        from = to - 30;
    size_t cap = nprov * (size_t)(to >= from ? to - from + 1 : 0), n = 0;
    struct screen_line *lines = arena_alloc(z->arena, (cap ? cap : 1) * sizeof(*lines));
    for (size_t i = 0; i < nprov; i++)
        for (int y = from; y <= to; y++) {
            int64_t fen = registry_line(d, prov[i], y);
            if (fen <= 0)
                continue;
            snprintf(lines[n].province, sizeof(lines[n].province), "%s", prov[i]);
            lines[n].year = y;
            lines[n++].fen = fen;
        }
    *alerts = *households = 0;
    if ((rc = store_monitor_screen(z->db, &sc, lines, n, d->income_drop_percent, z->now,
                                   z->who->user_id, alerts, households, err)))
        return rc;
    json_t *after = json_pack("{s:I, s:I}", "alerts", (json_int_t)*alerts, "households",
                              (json_int_t)*households);
    rc = audit_log(z, "screen", "monitor_alert", 0, NULL, after, err);
    json_decref(after);
    return rc;
}

/* An open case of type among the household's linked cases, or NULL. */
static const struct case_row *open_case_of(struct zctx *z, int64_t household_id, const char *type,
                                           struct error *err, int *rc)
{
    struct case_row *v;
    size_t n;
    *rc = store_household_cases(z->db, household_id, z->arena, &v, &n, err);
    for (size_t i = 0; !*rc && i < n; i++)
        if (strcmp(v[i].type, type) == 0 && !v[i].closed_at)
            return &v[i];
    return NULL;
}

int monitoring_alert_case(struct zctx *z, const struct case_types *types, int64_t alert_id,
                          struct case_row *out, struct error *err)
{
    struct scope sc = principal_scope(z->who);
    struct monitor_alert a;
    int rc = store_alert_get(z->db, alert_id, &sc, z->arena, &a, err);
    if (rc)
        return rc;
    if (strcmp(a.status, "open") != 0)
        return err_set(err, ZW_ETRANSITION, NULL, "该预警已处理（已立案或已忽略）");
    struct household h;
    if ((rc = registry_household_get(z, a.household_id, &h, err)))
        return rc;
    if (strcmp(h.monitor_status, "monitored") == 0)
        return err_set(err, ZW_ETRANSITION, NULL, "该户已是监测对象，无需再次识别；请忽略此预警");
    const struct case_row *open = open_case_of(z, h.id, "identification", err, &rc);
    if (rc)
        return rc;
    if (open)
        return err_set(err, ZW_ECONFLICT, NULL, "该户已有办理中的监测对象识别（%s）", open->serial);
    const char *head = h.head_name ? h.head_name : h.code;
    char title[160];
    snprintf(title, sizeof(title), "%s户防返贫监测对象识别", head);
    struct buf b = {0};
    buf_addf(&b, "户编号：%s；地址：%s。预警来源：%s；预警类型：%s。", h.code,
             h.address ? h.address : "—", monitoring_source_name(a.source),
             monitoring_rule_name(a.rule) ? monitoring_rule_name(a.rule) : a.rule);
    if (a.detail)
        buf_addf(&b, "情况：%s", a.detail);
    struct case_input in = {
        .type = "identification",
        .title = title,
        .content = arena_strdup(z->arena, b.ptr),
        .category = a.source,
        .channel = strcmp(a.source, "visit") == 0 ? "visit" : "other",
        .area_id = h.village_id,
        .requester_name = strcmp(a.source, "apply") == 0 ? h.head_name : NULL,
    };
    buf_release(&b);
    if ((rc = cases_create(z, types, &in, out, err)) ||
        (rc = registry_link_case(z, h.id, out->id, err)) ||
        (rc = store_alert_close(z->db, a.id, "case", out->id, NULL, z->now, err)) ||
        (rc = store_alert_close_household(z->db, h.id, out->id, z->now, err)))
        return rc;
    json_t *after =
        json_pack("{s:I, s:I}", "caseId", (json_int_t)out->id, "householdId", (json_int_t)h.id);
    rc = audit_log(z, "case", "monitor_alert", a.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int monitoring_alert_dismiss(struct zctx *z, int64_t alert_id, const char *reason,
                             struct error *err)
{
    size_t n = reason ? utf8_chars(reason) : 0;
    if (n < 1 || n > 500)
        return err_set(err, ZW_EINVAL, "reason", "请填写忽略理由（不超过 500 字）");
    struct scope sc = principal_scope(z->who);
    struct monitor_alert a;
    int rc = store_alert_get(z->db, alert_id, &sc, z->arena, &a, err);
    if (rc || (rc = store_alert_close(z->db, a.id, "dismissed", 0, reason, z->now, err)))
        return rc;
    json_t *after = json_pack("{s:s}", "reason", reason);
    rc = audit_log(z, "dismiss", "monitor_alert", a.id, NULL, after, err);
    json_decref(after);
    return rc;
}

/* ---- the assistance plan -------------------------------------------------------- */

int monitoring_measure_add(struct zctx *z, int64_t household_id, const struct measure_input *in,
                           int64_t *id, struct error *err)
{
    if (!monitoring_measure_kind_name(in->kind))
        return err_set(err, ZW_EINVAL, "kind", "没有“%.40s”这一帮扶措施类型",
                       in->kind ? in->kind : "");
    size_t dl = in->description ? utf8_chars(in->description) : 0;
    if (dl < 1 || dl > 500)
        return err_set(err, ZW_EINVAL, "description", "请填写措施内容（不超过 500 字）");
    if (!date_ok(in->start_on))
        return err_set(err, ZW_EINVAL, "startOn", "开始日期应为 YYYY-MM-DD 格式的有效日期");
    if (in->end_on && (!date_ok(in->end_on) || ymd_of(in->end_on) < ymd_of(in->start_on)))
        return err_set(err, ZW_EINVAL, "endOn", "结束日期应为有效日期，且不早于开始日期");
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    if (in->person_id) {
        struct person p;
        struct error e2;
        if (registry_person_get(z, in->person_id, &p, &e2) || p.household_id != h.id)
            return err_set(err, ZW_EINVAL, "personId", "该人员不是本户现有成员");
    }
    if (in->cadre_id) {
        struct assist_cadre c;
        struct error e2;
        struct scope sc = principal_scope(z->who);
        if (store_cadre_get(z->db, in->cadre_id, &sc, z->arena, &c, &e2))
            return err_set(err, ZW_EINVAL, "cadreId", "帮扶责任人不存在或不在您的管辖范围内");
    }
    struct assist_measure m = {
        .household_id = h.id,
        .person_id = in->person_id,
        .cadre_id = in->cadre_id,
        .kind = in->kind,
        .description = in->description,
        .start_on = in->start_on,
        .end_on = in->end_on,
        .status = "planned",
        .created_by = z->who->user_id,
        .created_at = z->now,
    };
    if ((rc = store_measure_insert(z->db, &m, err)))
        return rc;
    *id = m.id;
    json_t *after = json_pack("{s:I, s:s, s:s, s:s}", "householdId", (json_int_t)h.id, "kind",
                              in->kind, "description", in->description, "startOn", in->start_on);
    rc = audit_log(z, "create", "assist_measure", m.id, NULL, after, err);
    json_decref(after);
    return rc;
}

int monitoring_measure_set(struct zctx *z, int64_t id, int version, const char *status,
                           const char *done_on, struct assist_measure *out, struct error *err)
{
    if (!monitoring_measure_status_name(status))
        return err_set(err, ZW_EINVAL, "status",
                       "状态应为 planned（计划）、doing（实施中）或 done（已落实）");
    bool done = strcmp(status, "done") == 0;
    if (done && !date_ok(done_on))
        return err_set(err, ZW_EINVAL, "doneOn", "已落实的措施须填写落实日期（YYYY-MM-DD）");
    if (!done && done_on)
        return err_set(err, ZW_EINVAL, "doneOn", "未落实的措施不能填写落实日期");
    struct scope sc = principal_scope(z->who);
    int rc = store_measure_get(z->db, id, &sc, z->arena, out, err);
    if (rc)
        return rc;
    if (out->version != version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    if (done &&
        (ymd_of(done_on) < ymd_of(out->start_on) || ymd_of(done_on) > cal_local_ymd(z->now)))
        return err_set(err, ZW_EINVAL, "doneOn", "落实日期不能早于开始日期 %s，也不能晚于今天",
                       out->start_on);
    json_t *before = json_pack("{s:s, s:s?}", "status", out->status, "doneOn", out->done_on);
    out->status = status;
    out->done_on = done ? done_on : NULL;
    out->updated_at = z->now;
    if (!(rc = store_measure_update(z->db, out, err))) {
        json_t *after = json_pack("{s:s, s:s?}", "status", status, "doneOn", out->done_on);
        rc = audit_log(z, "update", "assist_measure", id, before, after, err);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

/* ---- risk elimination ------------------------------------------------------------- */

int monitoring_months_back(int ymd, int months)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    m -= months;
    while (m < 1) {
        m += 12;
        y--;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > last)
        d = last;
    return y * 10000 + m * 100 + d;
}

static void yuan(int64_t fen, char out[32])
{
    snprintf(out, 32, "%s%" PRId64 ".%02" PRId64, fen < 0 ? "-" : "", (fen < 0 ? -fen : fen) / 100,
             (fen < 0 ? -fen : fen) % 100);
}

static bool no_labour(const struct registry_defs *d, const char *code)
{
    for (size_t i = 0; i < d->nno_labour; i++)
        if (strcmp(d->no_labour[i], code) == 0)
            return true;
    return false;
}

int monitoring_elim_eval(const struct registry_defs *d, const struct elim_facts *f, int today,
                         struct elim_criterion out[ELIM_NCRITERIA])
{
    int t = monitoring_months_back(today, 6);
    char tdate[11];
    cal_format_date(t, tdate);
    memset(out, 0, ELIM_NCRITERIA * sizeof(*out));

    /* income: the record current six months ago and every later one at or above the line */
    struct elim_criterion *c = &out[ELIM_INCOME];
    c->code = "income";
    c->name = "收入持续稳定超过监测线半年以上";
    const struct elim_income *base = NULL, *below = NULL;
    int64_t below_line = 0;
    size_t counted = 0;
    for (size_t i = 0; i < f->nincomes; i++) {
        int ymd = ymd_of(f->incomes[i].assessed_on);
        if (ymd <= t && (!base || ymd > ymd_of(base->assessed_on)))
            base = &f->incomes[i];
    }
    for (size_t i = 0; base && i < f->nincomes; i++) {
        const struct elim_income *r = &f->incomes[i];
        if (r != base && ymd_of(r->assessed_on) <= t)
            continue; /* older than the record current six months ago */
        counted++;
        int64_t line = registry_line(d, f->province, r->year);
        if (r->per_person < line && !below) {
            below = r;
            below_line = line;
        }
    }
    char a[32], b2[32];
    if (!base) {
        snprintf(c->detail, sizeof(c->detail),
                 "%s（六个月前）及以前没有收入记录，无法证明收入已稳定半年", tdate);
    } else if (below) {
        yuan(below->per_person, a);
        yuan(below_line, b2);
        snprintf(c->detail, sizeof(c->detail), "%s 评估的人均纯收入 %s 元，低于 %d 年监测线 %s 元",
                 below->assessed_on, a, below->year, b2);
    } else {
        c->ok = true;
        snprintf(c->detail, sizeof(c->detail), "自 %s 起的 %zu 条收入记录人均纯收入均不低于监测线",
                 base->assessed_on, counted);
    }

    c = &out[ELIM_MEASURE];
    c->code = "measure";
    c->name = "至少落实一项帮扶措施";
    c->ok = f->measures_done > 0;
    snprintf(c->detail, sizeof(c->detail), "已落实帮扶措施 %" PRId64 " 项", f->measures_done);

    c = &out[ELIM_MONITORED];
    c->code = "monitored";
    c->name = "纳入监测满六个月";
    bool monitored = f->monitor_status && strcmp(f->monitor_status, "monitored") == 0;
    int since = ymd_of(f->monitor_since);
    c->ok = monitored && since && since <= t;
    if (!monitored)
        snprintf(c->detail, sizeof(c->detail), "该户不是监测对象");
    else if (!since)
        snprintf(c->detail, sizeof(c->detail), "没有纳入监测的日期");
    else
        snprintf(c->detail, sizeof(c->detail), "%s 纳入监测，%s满六个月", f->monitor_since,
                 c->ok ? "已" : "未");

    c = &out[ELIM_LABOUR];
    c->code = "labour";
    c->name = "家庭有劳动能力（无劳动能力户不标注风险消除）";
    size_t able = 0;
    for (size_t i = 0; i < f->nmembers; i++)
        able += f->labour[i] && *f->labour[i] && !no_labour(d, f->labour[i]);
    c->ok = able > 0;
    snprintf(c->detail, sizeof(c->detail), "现有成员 %zu 人，其中有劳动能力 %zu 人", f->nmembers,
             able);

    int failed = 0;
    for (int i = 0; i < ELIM_NCRITERIA; i++)
        failed += !out[i].ok;
    return failed;
}

int monitoring_elim_check(struct zctx *z, const struct registry_defs *d, int64_t household_id,
                          struct elim_criterion out[ELIM_NCRITERIA], int *failed, struct error *err)
{
    struct household h;
    int rc = registry_household_get(z, household_id, &h, err);
    if (rc)
        return rc;
    struct income *inc;
    struct person *members;
    size_t ninc, nmem;
    int64_t done;
    if ((rc = store_income_list(z->db, h.id, z->arena, &inc, &ninc, err)) ||
        (rc = store_household_members(z->db, h.id, z->arena, &members, &nmem, err)) ||
        (rc = store_measure_done_count(z->db, h.id, &done, err)))
        return rc;
    struct elim_income *ei = arena_alloc(z->arena, (ninc + 1) * sizeof(*ei));
    for (size_t i = 0; i < ninc; i++)
        ei[i] = (struct elim_income){inc[i].assessed_on, inc[i].year, inc[i].per_person};
    const char **labour = arena_alloc(z->arena, (nmem + 1) * sizeof(*labour));
    for (size_t i = 0; i < nmem; i++)
        labour[i] = members[i].labour;
    char prov[3] = {0};
    if (h.village_code)
        snprintf(prov, sizeof(prov), "%.2s", h.village_code);
    struct elim_facts f = {
        .province = prov,
        .monitor_status = h.monitor_status,
        .monitor_since = h.monitor_since,
        .incomes = ei,
        .nincomes = ninc,
        .labour = labour,
        .nmembers = nmem,
        .measures_done = done,
    };
    *failed = monitoring_elim_eval(d, &f, cal_local_ymd(z->now), out);
    return 0;
}

/* ZW_ETRANSITION naming the failed criteria, when any fails. */
static int elim_refuse(struct error *err, const struct elim_criterion *c, const char *what)
{
    struct buf b = {0};
    for (int i = 0; i < ELIM_NCRITERIA; i++)
        if (!c[i].ok)
            buf_addf(&b, "%s%s（%s）", b.len ? "；" : "", c[i].name, c[i].detail);
    int rc = err_set(err, ZW_ETRANSITION, NULL, "%s，未满足：%s", what, b.ptr ? b.ptr : "");
    buf_release(&b);
    return rc;
}

int monitoring_elim_open(struct zctx *z, const struct registry_defs *d,
                         const struct case_types *types, int64_t household_id, struct case_row *out,
                         struct error *err)
{
    struct elim_criterion c[ELIM_NCRITERIA];
    int failed;
    int rc = monitoring_elim_check(z, d, household_id, c, &failed, err);
    if (rc)
        return rc;
    if (failed)
        return elim_refuse(err, c, "不能启动风险消除");
    struct household h;
    if ((rc = registry_household_get(z, household_id, &h, err)))
        return rc;
    const struct case_row *open = open_case_of(z, h.id, "elimination", err, &rc);
    if (rc)
        return rc;
    if (open)
        return err_set(err, ZW_ECONFLICT, NULL, "该户已有办理中的风险消除（%s）", open->serial);
    char title[160];
    snprintf(title, sizeof(title), "%s户监测对象风险消除", h.head_name ? h.head_name : h.code);
    struct buf b = {0};
    buf_addf(&b, "户编号：%s。系统核验：", h.code);
    for (int i = 0; i < ELIM_NCRITERIA; i++)
        buf_addf(&b, "%s%s：%s", i ? "；" : "", c[i].name, c[i].detail);
    buf_adds(&b, "。");
    struct case_input in = {
        .type = "elimination",
        .title = title,
        .content = arena_strdup(z->arena, b.ptr),
        .channel = "other",
        .area_id = h.village_id,
    };
    buf_release(&b);
    if ((rc = cases_create(z, types, &in, out, err)))
        return rc;
    return registry_link_case(z, h.id, out->id, err);
}

/* ---- hooks on the procedures ------------------------------------------------------- */

/* 入户核实 by two people: the second verifier (a name) is not the first (an account). */
static int hook_two_verifiers(struct zctx *z, const struct case_type *t, const struct case_row *c,
                              const char *transition, void *ud, struct error *err)
{
    json_t *f = json_loads(c->fields_json ? c->fields_json : "{}", 0, NULL);
    json_int_t v1 = json_integer_value(json_object_get(f, "verifier1"));
    const char *v2 = json_string_value(json_object_get(f, "verifier2"));
    struct user u;
    struct scope sc = {.kind = SCOPE_ALL};
    struct error e2;
    int rc = 0;
    if (v1 && v2 && store_user_get(z->db, v1, &sc, &u, &e2) == 0 &&
        (strcmp(u.name, v2) == 0 || strcmp(u.username, v2) == 0))
        rc = err_set(err, ZW_EINVAL, "verifier2",
                     "入户核实须由两人进行：核实人（二）不能与核实人（一）%s 为同一人", u.name);
    json_decref(f);
    return rc;
}

/* The code of the entry named name in t, or NULL. */
static const char *code_by_name(const struct reg_table *t, const char *name)
{
    for (size_t i = 0; name && i < t->n; i++)
        if (strcmp(t->v[i].name, name) == 0 || strcmp(t->v[i].code, name) == 0)
            return t->v[i].code;
    return NULL;
}

/* Risk codes, comma separated, of the main risk and the others (names separated by 、，,). */
static int risk_codes(struct zctx *z, const struct registry_defs *d, const char *main,
                      const char *more, const char **out, struct error *err)
{
    const char *code = code_by_name(&d->risks, main);
    if (!code)
        return err_set(err, ZW_EINVAL, "risk", "没有“%.40s”这一风险类型", main ? main : "");
    struct buf b = {0};
    buf_adds(&b, code);
    char *rest = more ? arena_strdup(z->arena, more) : NULL;
    while (rest && *rest) {
        char *end = rest;
        size_t skip = 0;
        while (*end) {
            if (strncmp(end, "、", 3) == 0 || strncmp(end, "，", 3) == 0) {
                skip = 3;
                break;
            }
            if (*end == ',' || *end == ' ') {
                skip = 1;
                break;
            }
            end++;
        }
        char save = *end;
        *end = '\0';
        if (*rest) {
            const char *c2 = code_by_name(&d->risks, rest);
            if (!c2) {
                int rc = err_set(err, ZW_EINVAL, "risk_more", "没有“%.40s”这一风险类型", rest);
                buf_release(&b);
                return rc;
            }
            if (!strstr(b.ptr, c2))
                buf_addf(&b, ",%s", c2);
        }
        *end = save;
        rest = save ? end + skip : end;
    }
    *out = arena_strdup(z->arena, b.ptr);
    buf_release(&b);
    return 0;
}

/* County decision: the household linked to the case becomes monitored. */
static int hook_identified(struct zctx *z, const struct case_type *t, const struct case_row *c,
                           const char *transition, void *ud, struct error *err)
{
    const struct registry_defs *d = ud;
    int64_t hh;
    int rc = store_case_household(z->db, c->id, &hh, err);
    if (rc || !hh)
        return rc; /* a case registered without a household records the decision only */
    json_t *f = json_loads(c->fields_json ? c->fields_json : "{}", 0, NULL);
    const char *cat_name = json_string_value(json_object_get(f, "category"));
    const char *category = code_by_name(&d->monitor_categories, cat_name);
    const char *risks = NULL;
    if (!category)
        rc = err_set(err, ZW_EINVAL, "category", "没有“%.40s”这一监测对象类型",
                     cat_name ? cat_name : "");
    else
        rc = risk_codes(z, d, json_string_value(json_object_get(f, "risk")),
                        json_string_value(json_object_get(f, "risk_more")), &risks, err);
    if (!rc) {
        char today[11];
        today_str(z, today);
        rc = registry_set_monitor(z, d, hh, "monitored", category, risks, today, err);
    }
    json_decref(f);
    return rc;
}

/* County approval of elimination: the criteria still hold, then the household is eliminated. */
static int hook_eliminated(struct zctx *z, const struct case_type *t, const struct case_row *c,
                           const char *transition, void *ud, struct error *err)
{
    const struct registry_defs *d = ud;
    int64_t hh;
    int rc = store_case_household(z->db, c->id, &hh, err);
    if (rc || !hh)
        return rc;
    struct elim_criterion cr[ELIM_NCRITERIA];
    int failed;
    struct principal all = *z->who;
    all.superuser = true;
    all.scope_kind = SCOPE_ALL;
    struct zctx z2 = *z;
    z2.who =
        &all; /* the decision is the county's: the household need not be in the actor's scope */
    if ((rc = monitoring_elim_check(&z2, d, hh, cr, &failed, err)))
        return rc;
    if (failed)
        return elim_refuse(err, cr, "不能审定风险消除");
    char today[11];
    today_str(z, today);
    return registry_set_monitor(z, d, hh, "eliminated", NULL, NULL, today, err);
}

/*
 * The monitoring procedures' rules on a case step (cases_hook_add; arg is the
 * registry's defs): 入户核实 by two people, the county's decisions.
 */
static int monitoring_case_hook(struct zctx *z, void *arg, const struct case_type *t,
                                const struct case_row *c, const char *transition, struct error *err)
{
    bool ident = strcmp(t->code, "identification") == 0, elim = strcmp(t->code, "elimination") == 0;
    if (!ident && !elim)
        return 0;
    if (strcmp(transition, "verify") == 0)
        return hook_two_verifiers(z, t, c, transition, NULL, err);
    if (ident && strcmp(c->state, "decided") == 0)
        return hook_identified(z, t, c, transition, arg, err);
    if (elim && strcmp(c->state, "eliminated") == 0)
        return hook_eliminated(z, t, c, transition, arg, err);
    return 0;
}

void monitoring_hooks_register(const struct registry_defs *d)
{
    cases_hook_add(monitoring_case_hook, (void *)(uintptr_t)d);
}
