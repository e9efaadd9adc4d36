/*
 * importer_kinds.c - the import kinds of the registry: households (户信息),
 * persons (家庭成员) and incomes (收入), each its columns, row check and
 * row commit (through the registry's rules, domain/registry.h).
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "idnum.h"
#include "importer.h"
#include "monitoring.h"
#include "store/store_import.h"
#include "store/store_monitor.h"
#include "banned.h"

/* Within-file duplicate tables (imp_seen). */
enum { SEEN_HOUSEHOLD = 0, SEEN_ID_NUMBER = 1, SEEN_HEAD = 2, SEEN_INCOME = 3 };

#define MAX_CATEGORIES 8

/* "户主、配偶、..." : the names of a code table, for messages. */
static const char *names_of(struct importer *im, const struct reg_table *t)
{
    char buf[400] = "";
    size_t w = 0;
    for (size_t i = 0; i < t->n && w + 64 < sizeof(buf); i++)
        w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%s", i ? "、" : "", t->v[i].name);
    return arena_strdup(imp_arena(im), buf);
}

/* The code of cell in table t (its name or code), or NULL after reporting it; "" -> NULL quietly.
 */
static const char *code_cell(struct importer *im, int col, const struct reg_table *t,
                             const char *what, const char *cell)
{
    if (!*cell)
        return NULL;
    const char *code = imp_code_of(t, cell);
    if (!code)
        imp_error(im, col, "未知的%s“%.60s”（可填：%s）", what, cell, names_of(im, t));
    return code;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void check_phone(struct importer *im, int col, const char *cell)
{
    int digits = 0;
    bool ok = true;
    for (const char *p = cell; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p != '-' && *p != ' ' && *p != '+')
            ok = false;
    }
    if (*cell && (!ok || digits < 7 || digits > 15))
        imp_error(im, col, "联系电话应为 7 至 15 位数字");
}

static void check_text(struct importer *im, int col, const char *cell, size_t max_chars)
{
    if (utf8_chars(cell) > max_chars)
        imp_error(im, col, "不能超过 %zu 个字", max_chars);
}

/* ---- households --------------------------------------------------------- */

enum {
    HH_CODE,
    HH_VILLAGE_CODE,
    HH_VILLAGE_NAME,
    HH_GROUP_NAME,
    HH_GRID_NAME,
    HH_ADDR,
    HH_PHONE_NO,
    HH_CATS,
    HH_POOR,
    HH_EXIT,
};

static const struct import_column household_columns[] = {
    [HH_CODE] = {"户编号", "户号|户码", 0, "不填则自动编号（村代码 + 4 位序号）"},
    [HH_VILLAGE_CODE] = {"村（社区）代码", "村代码|社区代码|村（居）代码|区划代码", IMP_EITHER,
                         "12 位统计用区划代码"},
    [HH_VILLAGE_NAME] = {"村（社区）名称", "村名称|社区名称|村（居）名称|村名|村（社区）",
                         IMP_EITHER, "如 灯塔村"},
    [HH_GROUP_NAME] = {"村民小组", "小组|组|村民组", 0, "如 一组"},
    [HH_GRID_NAME] = {"网格", "网格名称", 0, "如 第1网格"},
    [HH_ADDR] = {"地址", "住址|家庭住址", 0, NULL},
    [HH_PHONE_NO] = {"联系电话", "电话|手机号|手机号码|联系方式", 0, NULL},
    [HH_CATS] = {"户类别", "户类型|类别", 0, "可填多个，用“、”或“,”分隔"},
    [HH_POOR] = {"建档立卡年度", "建档立卡年份|贫困年度", 0, "四位年份"},
    [HH_EXIT] = {"脱贫年度", "脱贫年份", 0, "四位年份"},
};

struct household_row {
    struct household_input in;
    struct household_place at;
    const char *categories[MAX_CATEGORIES];
};

/* Splits a category list on 、 , ， ; ； and spaces into codes; reports unknown names. */
static void categories_cell(struct importer *im, const char *cell, struct household_row *r)
{
    char *s = arena_strdup(imp_arena(im), cell);
    static const char *const seps[] = {"、", ",", "，", ";", "；", " "};
    for (char *p = s; *p;) {
        size_t len = strlen(p), cut = len, skip = 0;
        for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
            char *q = strstr(p, seps[i]);
            if (q && (size_t)(q - p) < cut) {
                cut = (size_t)(q - p);
                skip = strlen(seps[i]);
            }
        }
        char *item = p;
        p += cut + skip;
        item[cut] = '\0';
        if (!*item)
            continue;
        const char *code = code_cell(im, HH_CATS, &imp_defs(im)->categories, "户类别", item);
        if (!code)
            continue;
        bool dup = false;
        for (size_t i = 0; i < r->in.ncategories; i++)
            dup |= strcmp(r->categories[i], code) == 0;
        if (!dup && r->in.ncategories < MAX_CATEGORIES)
            r->categories[r->in.ncategories++] = code;
    }
    r->in.categories = r->categories;
}

static int year_cell(struct importer *im, int col, const char *cell, int *year)
{
    if (!*cell)
        return 0;
    if (imp_parse_year(cell, year)) {
        imp_error(im, col, "应为四位年份，如 2016");
        return -1;
    }
    if (*year > cal_local_ymd(imp_z(im)->now) / 10000) {
        imp_error(im, col, "年度不能晚于今年");
        return -1;
    }
    return 0;
}

static int household_check(struct importer *im, const char *const *cells, void *row,
                           struct error *err)
{
    struct household_row *r = row;
    struct zctx *z = imp_z(im);
    const char *code = cells[HH_CODE];
    if (*code) {
        bool ok = strlen(code) <= 32;
        for (const char *p = code; *p; p++)
            ok &= (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= 'a' && *p <= 'z') || *p == '-';
        long first = ok ? imp_seen(im, SEEN_HOUSEHOLD, code) : 0;
        struct import_household hh;
        struct error e = {0};
        int rc = ok && !first ? store_import_household_by_code(z->db, code, z->arena, &hh, &e)
                              : ZW_ENOTFOUND;
        if (!ok)
            imp_error(im, HH_CODE, "户编号只能由字母、数字和“-”组成，最多 32 位");
        else if (first)
            imp_error(im, HH_CODE, "户编号与第 %ld 行重复", first);
        else if (rc == 0)
            imp_error(im, HH_CODE, "户编号“%.40s”已存在", code);
        else if (rc != ZW_ENOTFOUND) {
            *err = e;
            return rc;
        }
        r->in.code = code;
    }
    const struct import_area *v = NULL, *by_name = NULL;
    const char *vcode = cells[HH_VILLAGE_CODE], *vname = cells[HH_VILLAGE_NAME];
    int vcol = *vcode ? HH_VILLAGE_CODE : HH_VILLAGE_NAME;
    if (*vcode && !(v = imp_village_by_code(im, vcode)))
        imp_error(im, HH_VILLAGE_CODE, "未知的村（社区）代码“%.40s”", vcode);
    if (*vname && !(by_name = imp_village_by_name(im, vname)))
        imp_error(im, HH_VILLAGE_NAME, "未知的村（社区）名称“%.60s”", vname);
    if (v && by_name && v != by_name)
        imp_error(im, HH_VILLAGE_NAME, "村（社区）名称与代码 %s（%s）不一致", v->code, v->name);
    if (!*vcode && !*vname)
        imp_error(im, vcol, "村（社区）代码和名称至少填一项");
    if (!v)
        v = by_name;
    const struct import_area *group = NULL, *grid = NULL;
    if (v && *cells[HH_GROUP_NAME] &&
        !(group = imp_child_by_name(im, v, "group", cells[HH_GROUP_NAME])))
        imp_error(im, HH_GROUP_NAME, "%s没有村民小组“%.40s”", v->name, cells[HH_GROUP_NAME]);
    if (v && *cells[HH_GRID_NAME] &&
        !(grid = imp_child_by_name(im, v, "grid", cells[HH_GRID_NAME])))
        imp_error(im, HH_GRID_NAME, "%s没有网格“%.40s”", v->name, cells[HH_GRID_NAME]);
    if (v && !imp_in_scope(im, v->id, group ? group->id : 0, grid ? grid->id : 0,
                           grid ? grid->path : v->path))
        imp_error(im, vcol, "%s不在您的管辖范围内", v->name);
    if (v) {
        r->in.area_id = v->id;
        r->in.group_id = group ? group->id : 0;
        r->in.grid_id = grid ? grid->id : 0;
        r->at = (struct household_place){.village_id = v->id,
                                         .group_id = r->in.group_id,
                                         .grid_id = r->in.grid_id,
                                         .village_code = v->code,
                                         .area_path = grid ? grid->path : v->path};
    }
    check_text(im, HH_ADDR, cells[HH_ADDR], 200);
    r->in.address = *cells[HH_ADDR] ? cells[HH_ADDR] : NULL;
    check_phone(im, HH_PHONE_NO, cells[HH_PHONE_NO]);
    r->in.phone = *cells[HH_PHONE_NO] ? cells[HH_PHONE_NO] : NULL;
    categories_cell(im, cells[HH_CATS], r);
    if (!year_cell(im, HH_POOR, cells[HH_POOR], &r->in.poor_year) &&
        !year_cell(im, HH_EXIT, cells[HH_EXIT], &r->in.exit_year) && r->in.poor_year &&
        r->in.exit_year && r->in.exit_year < r->in.poor_year)
        imp_error(im, HH_EXIT, "脱贫年度早于建档立卡年度");
    return 0;
}

static int household_commit(struct importer *im, const void *row, struct error *err)
{
    const struct household_row *r = row;
    int64_t id;
    int rc = registry_household_import(imp_z(im), imp_defs(im), &r->in, &r->at, &id, err);
    if (!rc)
        imp_imported(im);
    return rc;
}

static const struct import_kind kind_households = {
    .code = "households",
    .name = "户信息",
    .columns = household_columns,
    .ncolumns = sizeof(household_columns) / sizeof(household_columns[0]),
    .row_size = sizeof(struct household_row),
    .check = household_check,
    .commit = household_commit,
};

/* ---- persons ------------------------------------------------------------ */

enum {
    P_HOUSEHOLD,
    P_NAME,
    P_ID,
    P_RELATION,
    P_LABOUR,
    P_DISABILITY,
    P_SCHOOLING,
    P_HEALTH,
    P_WORK,
    P_PHONE,
    P_MEDICAL,
    P_SERIOUS,
    P_PENSION,
};

static const struct import_column person_columns[] = {
    [P_HOUSEHOLD] = {"户编号", "户号|户码", IMP_REQUIRED, "该户须已登记"},
    [P_NAME] = {"姓名", NULL, IMP_REQUIRED, NULL},
    [P_ID] = {"身份证号", "身份证号码|公民身份号码|证件号码", IMP_REQUIRED, "18 位"},
    [P_RELATION] = {"与户主关系", "关系|与户主关系（称谓）", 0, "如 户主、配偶、之子"},
    [P_LABOUR] = {"劳动能力", "劳动技能", 0, NULL},
    [P_DISABILITY] = {"残疾情况", "残疾等级", 0, NULL},
    [P_SCHOOLING] = {"在校情况", "在校生状况|在校生情况", 0, NULL},
    [P_HEALTH] = {"健康状况", "健康情况", 0, NULL},
    [P_WORK] = {"务工情况", "务工状况|就业情况", 0, NULL},
    [P_PHONE] = {"联系电话", "电话|手机号|手机号码|联系方式", 0, NULL},
    [P_MEDICAL] = {"医保", "城乡居民医保|基本医疗保险|医疗保险|参加城乡居民基本医疗保险", 0,
                   "是/否"},
    [P_SERIOUS] = {"大病保险", "参加大病保险", 0, "是/否"},
    [P_PENSION] = {"养老保险", "城乡居民养老保险|参加城乡居民基本养老保险", 0, "是/否"},
};

struct person_row {
    struct import_household hh;
    struct person_input in;
    char id_number[19];
};

static int bool_cell(struct importer *im, int col, const char *cell)
{
    int v = imp_parse_bool(cell);
    if (v < 0) {
        imp_error(im, col, "应填“是”或“否”");
        return 0;
    }
    return v;
}

static int person_check(struct importer *im, const char *const *cells, void *row, struct error *err)
{
    struct person_row *r = row;
    struct zctx *z = imp_z(im);
    const struct registry_defs *d = imp_defs(im);
    struct import_household hh = {0};
    int rc = 0;
    bool have_hh = imp_household_cell(im, P_HOUSEHOLD, cells[P_HOUSEHOLD], &hh, &rc, err);
    if (rc)
        return rc;
    r->hh = hh;
    r->in.name = cells[P_NAME];
    check_text(im, P_NAME, cells[P_NAME], 50);
    const char *id = cells[P_ID];
    if (*id) {
        struct idnum_info info;
        struct error e = {0};
        if (idnum_parse(id, (time_t)z->now, &info, &e)) {
            imp_error(im, P_ID, "%s", e.message);
        } else {
            memcpy(r->id_number, info.number, sizeof(r->id_number));
            r->in.id_number = r->id_number;
            long first = imp_seen(im, SEEN_ID_NUMBER, info.number);
            bool found = false;
            const char *where = "";
            if (first)
                imp_error(im, P_ID, "身份证号与第 %ld 行重复", first);
            else if ((rc = store_import_person_by_id_number(z->db, info.number, z->arena, &found,
                                                            &where, err)))
                return rc;
            else if (found)
                imp_error(im, P_ID, "身份证号已登记（户编号 %s）", *where ? where : "无");
        }
    }
    r->in.relation = code_cell(im, P_RELATION, &d->relations, "与户主关系", cells[P_RELATION]);
    if (r->in.relation && strcmp(r->in.relation, "head") == 0 && have_hh) {
        long first = imp_seen(im, SEEN_HEAD, cells[P_HOUSEHOLD]);
        if (first)
            imp_error(im, P_RELATION, "同一户有两个户主（另见第 %ld 行）", first);
        else if (hh.head_person_id)
            imp_error(im, P_RELATION, "该户已有户主");
    }
    r->in.labour = code_cell(im, P_LABOUR, &d->labour, "劳动能力", cells[P_LABOUR]);
    r->in.disability = code_cell(im, P_DISABILITY, &d->disability, "残疾情况", cells[P_DISABILITY]);
    r->in.schooling = code_cell(im, P_SCHOOLING, &d->schooling, "在校情况", cells[P_SCHOOLING]);
    r->in.health = code_cell(im, P_HEALTH, &d->health, "健康状况", cells[P_HEALTH]);
    r->in.work = code_cell(im, P_WORK, &d->work, "务工情况", cells[P_WORK]);
    check_phone(im, P_PHONE, cells[P_PHONE]);
    r->in.phone = *cells[P_PHONE] ? cells[P_PHONE] : NULL;
    r->in.insured_medical = bool_cell(im, P_MEDICAL, cells[P_MEDICAL]);
    r->in.insured_serious = bool_cell(im, P_SERIOUS, cells[P_SERIOUS]);
    r->in.insured_pension = bool_cell(im, P_PENSION, cells[P_PENSION]);
    r->in.join_reason = "registered";
    return 0;
}

static int person_commit(struct importer *im, const void *row, struct error *err)
{
    const struct person_row *r = row;
    int64_t id;
    int rc = registry_person_import(imp_z(im), imp_defs(im), &r->hh, &r->in, imp_member_batch(im),
                                    &id, err);
    if (!rc) {
        imp_imported(im);
        imp_note_id(im, id);
    }
    if (!rc && r->in.relation && strcmp(r->in.relation, "head") == 0)
        imp_household_headed(im, r->hh.id, id);
    return rc;
}

static int person_finish(struct importer *im, struct error *err)
{
    int rc = registry_members_flush(imp_z(im), imp_member_batch(im), err);
    return rc ? rc : registry_flag_imported(imp_z(im), imp_first_id(im), err);
}

static const struct import_kind kind_persons = {
    .code = "persons",
    .name = "家庭成员",
    .columns = person_columns,
    .ncolumns = sizeof(person_columns) / sizeof(person_columns[0]),
    .row_size = sizeof(struct person_row),
    .check = person_check,
    .commit = person_commit,
    .finish = person_finish,
};

/* ---- incomes ------------------------------------------------------------ */

enum { I_HOUSEHOLD, I_DATE, I_WAGES, I_BUSINESS, I_PROPERTY, I_TRANSFERS, I_EXPENSES };

static const struct import_column income_columns[] = {
    [I_HOUSEHOLD] = {"户编号", "户号|户码", IMP_REQUIRED, "该户须已登记"},
    [I_DATE] = {"评估日期", "日期|收入评估日期", IMP_REQUIRED, "YYYY-MM-DD；收入为此前 12 个月"},
    [I_WAGES] = {"工资性收入（元）", "工资性收入", 0, "元，最多两位小数"},
    [I_BUSINESS] = {"经营净收入（元）", "经营净收入|生产经营净收入（元）", 0, "元"},
    [I_PROPERTY] = {"财产净收入（元）", "财产净收入|财产性收入（元）", 0, "元"},
    [I_TRANSFERS] = {"转移净收入（元）", "转移净收入|转移性收入（元）", 0, "元"},
    [I_EXPENSES] = {"刚性支出（元）", "刚性支出", 0, "元（医疗费用等）"},
};

struct income_row {
    int64_t household_id;
    struct income_input in;
    char date[11];
};

static int64_t yuan_cell(struct importer *im, int col, const char *cell)
{
    int64_t fen = 0;
    const char *why;
    if (*cell && imp_parse_yuan(cell, &fen, &why))
        imp_error(im, col, "%s", why);
    return fen;
}

static int income_check(struct importer *im, const char *const *cells, void *row, struct error *err)
{
    struct income_row *r = row;
    struct zctx *z = imp_z(im);
    struct import_household hh = {0};
    int rc = 0;
    bool have_hh = imp_household_cell(im, I_HOUSEHOLD, cells[I_HOUSEHOLD], &hh, &rc, err);
    if (rc)
        return rc;
    r->household_id = hh.id;
    bool have_date = false;
    if (*cells[I_DATE]) {
        int ymd;
        if (imp_parse_date(cells[I_DATE], r->date) || cal_parse_date(r->date, &ymd))
            imp_error(im, I_DATE, "日期应为 YYYY-MM-DD 格式的有效日期");
        else if (ymd > cal_local_ymd(z->now))
            imp_error(im, I_DATE, "评估日期不能晚于今天");
        else
            have_date = true;
    }
    r->in.assessed_on = r->date;
    r->in.wages = yuan_cell(im, I_WAGES, cells[I_WAGES]);
    r->in.business = yuan_cell(im, I_BUSINESS, cells[I_BUSINESS]);
    r->in.property = yuan_cell(im, I_PROPERTY, cells[I_PROPERTY]);
    r->in.transfers = yuan_cell(im, I_TRANSFERS, cells[I_TRANSFERS]);
    r->in.expenses = yuan_cell(im, I_EXPENSES, cells[I_EXPENSES]);
    r->in.source = "import";
    if (!have_hh || !have_date)
        return 0;
    char key[96];
    snprintf(key, sizeof(key), "%s|%s", cells[I_HOUSEHOLD], r->date);
    long first = imp_seen(im, SEEN_INCOME, key);
    bool exists = false;
    if (first) {
        imp_error(im, I_DATE, "同一户同一评估日期的收入与第 %ld 行重复", first);
        return 0;
    }
    if ((rc = store_import_income_exists(z->db, hh.id, r->date, &exists, err)))
        return rc;
    if (exists) {
        imp_error(im, I_DATE, "该户 %s 的收入已登记", r->date);
        return 0;
    }
    /* Members on the date; a household registered after it counts its members now. */
    int members = 0;
    char today[16];
    int t = cal_local_ymd(z->now);
    snprintf(today, sizeof(today), "%04d-%02d-%02d", t / 10000, t / 100 % 100, t % 100);
    if ((rc = store_import_members_on(z->db, hh.id, r->date, &members, err)))
        return rc;
    if (!members) {
        if ((rc = store_import_members_on(z->db, hh.id, today, &members, err)))
            return rc;
        if (members)
            imp_warn(im, I_DATE, "评估日期时该户尚无成员登记，按现有 %d 人计算人均收入", members);
    }
    if (!members)
        imp_error(im, I_HOUSEHOLD, "该户还没有家庭成员，无法计算人均收入（请先导入家庭成员）");
    r->in.members = members;
    return 0;
}

static int income_commit(struct importer *im, const void *row, struct error *err)
{
    const struct income_row *r = row;
    int64_t id;
    int rc = registry_income_add(imp_z(im), r->household_id, &r->in, &id, err);
    if (!rc)
        imp_imported(im);
    return rc;
}

static const struct import_kind kind_incomes = {
    .code = "incomes",
    .name = "收入",
    .columns = income_columns,
    .ncolumns = sizeof(income_columns) / sizeof(income_columns[0]),
    .row_size = sizeof(struct income_row),
    .check = income_check,
    .commit = income_commit,
};

/* ---- department lists (部门数据预警) ------------------------------------------ */

/*
 * A department's list of residents in difficulty (hospital bills, new
 * disability, disaster, unemployment ...): each row becomes an open
 * monitoring alert on the person's household, to be verified (DOMAIN.md 4).
 */
enum { D_ID, D_NAME, D_RULE, D_AMOUNT, D_DETAIL };

static const struct import_column dept_columns[] = {
    [D_ID] = {"身份证号", "身份证号码|公民身份号码|证件号码", IMP_REQUIRED,
              "18 位，须已在户籍台账登记"},
    [D_NAME] = {"姓名", NULL, 0, "用于核对"},
    [D_RULE] = {"预警事项", "预警类型|事项|类别", IMP_REQUIRED,
                "大额医疗费用支出、新增残疾、受灾、失业或务工收入中断、意外事故、其他困难"},
    [D_AMOUNT] = {"金额（元）", "金额|费用（元）|自付费用（元）", 0, "元"},
    [D_DETAIL] = {"说明", "备注|情况说明", 0, NULL},
};

static const char *const DEPT_RULES[] = {"medical_bills", "disability", "disaster",
                                         "unemployment",  "accident",   "other"};

struct dept_row {
    int64_t household_id;
    char rule[32];
    const char *detail;
};

static int dept_check(struct importer *im, const char *const *cells, void *row, struct error *err)
{
    struct dept_row *r = row;
    struct zctx *z = imp_z(im);
    int rc = 0;
    for (size_t i = 0; i < sizeof(DEPT_RULES) / sizeof(DEPT_RULES[0]); i++)
        if (strcmp(cells[D_RULE], DEPT_RULES[i]) == 0 ||
            strcmp(cells[D_RULE], monitoring_rule_name(DEPT_RULES[i])) == 0)
            snprintf(r->rule, sizeof(r->rule), "%s", DEPT_RULES[i]);
    if (*cells[D_RULE] && !r->rule[0])
        imp_error(im, D_RULE,
                  "预警事项“%."
                  "40s”不认识（可填：大额医疗费用支出、新增残疾、受灾、失业或务工收入中断、意外事故"
                  "、其他困难）",
                  cells[D_RULE]);
    int64_t fen = yuan_cell(im, D_AMOUNT, cells[D_AMOUNT]);
    if (strlen(cells[D_DETAIL]) > 1500)
        imp_error(im, D_DETAIL, "说明过长（最多 500 字）");
    r->detail = arena_printf(
        imp_arena(im), "%s%s%s", cells[D_DETAIL], *cells[D_DETAIL] && *cells[D_AMOUNT] ? "；" : "",
        *cells[D_AMOUNT] ? arena_printf(imp_arena(im), "金额 %lld.%02lld 元",
                                        (long long)(fen / 100), (long long)(fen % 100))
                         : "");
    if (!*cells[D_ID])
        return 0;
    struct idnum_info info;
    struct error e = {0};
    if (idnum_parse(cells[D_ID], (time_t)z->now, &info, &e)) {
        imp_error(im, D_ID, "%s", e.message);
        return 0;
    }
    int64_t pid;
    if ((rc = store_person_by_id_number(z->db, info.number, &pid, err)))
        return rc;
    struct person p;
    if (!pid || registry_person_get(z, pid, &p, &e) != 0) {
        imp_error(im, D_ID, pid ? "此人不在您的管辖范围内" : "身份证号未在户籍台账登记");
        return 0;
    }
    if (!p.household_id) {
        imp_error(im, D_ID, "此人目前不在任何户中");
        return 0;
    }
    if (*cells[D_NAME] && strcmp(cells[D_NAME], p.name) != 0)
        imp_warn(im, D_NAME, "姓名与台账不一致（台账为“%s”）", p.name);
    r->household_id = p.household_id;
    if (r->rule[0]) {
        long first =
            imp_seen(im, SEEN_ID_NUMBER,
                     arena_printf(imp_arena(im), "%lld|%s", (long long)p.household_id, r->rule));
        bool open = false;
        if (first)
            imp_error(im, D_RULE, "同一户同一预警事项与第 %ld 行重复", first);
        else if ((rc = store_alert_open_exists(z->db, p.household_id, r->rule, &open, err)))
            return rc;
        else if (open)
            imp_warn(im, D_RULE, "该户已有同类未处理的预警，本行不再重复添加");
    }
    return 0;
}

static int dept_commit(struct importer *im, const void *row, struct error *err)
{
    const struct dept_row *r = row;
    int64_t id;
    int rc = monitoring_alert_add(imp_z(im), r->household_id, NULL, "department", r->rule,
                                  *r->detail ? r->detail : NULL, &id, err);
    if (rc == ZW_ECONFLICT) /* the household already has this alert open: nothing to add */
        return 0;
    if (!rc)
        imp_imported(im);
    return rc;
}

static const struct import_kind kind_department = {
    .code = "department",
    .name = "部门预警名单",
    .columns = dept_columns,
    .ncolumns = sizeof(dept_columns) / sizeof(dept_columns[0]),
    .row_size = sizeof(struct dept_row),
    .check = dept_check,
    .commit = dept_commit,
};

/* ---- the table of kinds ------------------------------------------------- */

const struct import_kind *const importer_kinds[] = {&kind_households, &kind_persons, &kind_incomes,
                                                    &kind_department, &importer_kind_payments};
const size_t importer_nkinds = sizeof(importer_kinds) / sizeof(importer_kinds[0]);

const struct import_kind *importer_kind(const char *code)
{
    for (size_t i = 0; code && i < importer_nkinds; i++)
        if (strcmp(importer_kinds[i]->code, code) == 0)
            return importer_kinds[i];
    return NULL;
}
