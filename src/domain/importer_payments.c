/*
 * importer_payments.c - the import kind "payments" (发放明细, 救助发放台账):
 * one ledger line per row (programme, household, persons covered, amount,
 * period, fund source, date, batch and note), written through
 * benefits_pay.  Needs benefit.write.
 *
 * A row naming a person (身份证号, a current member of the household) makes a
 * line of that person (payments.person_id).  A line already in the ledger for
 * the same programme, household and period is a duplicate of a row when it
 * names the same person, when it names none (a household line: it may have
 * covered them), or when the row names none; the row is refused, never paid
 * twice.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "idnum.h"
#include "importer.h"
#include "importer_payments.h"
#include "store/store_benefit.h"
#include "store/store_import.h"
#include "banned.h"

#define PAY_MAX_FEN     INT64_C(10000000000) /* 1 亿元, as benefits_pay */
#define SEEN_PAYMENT    0
#define FUND_MAX_CHARS  60
#define BATCH_MAX_CHARS 40
#define NOTE_MAX_CHARS  200
#define PERSONS_MAX     999

static const struct programmes *programmes;

void importer_payments_use(const struct programmes *p)
{
    programmes = p;
}

enum {
    PAY_PROGRAMME,
    PAY_HOUSEHOLD,
    PAY_ID,
    PAY_NAME,
    PAY_PERSONS,
    PAY_AMOUNT,
    PAY_PERIOD,
    PAY_FUND,
    PAY_DATE,
    PAY_BATCH,
    PAY_NOTE,
};

static const struct import_column payment_columns[] = {
    [PAY_PROGRAMME] = {"项目", "救助项目|项目名称|救助类别|补助项目|资金项目", IMP_REQUIRED,
                       "项目代码、名称或简称，如 低保、教育资助"},
    [PAY_HOUSEHOLD] = {"户编号", "户号|户码", IMP_REQUIRED, "该户须已登记"},
    [PAY_ID] = {"身份证号", "身份证号码|公民身份号码|证件号码|享受人身份证号", 0,
                "按人发放的项目填享受人，须为该户现有成员"},
    [PAY_NAME] = {"姓名", "享受人姓名|享受人|救助对象姓名", 0, "与身份证号核对"},
    [PAY_PERSONS] = {"享受人数", "保障人数|救助人数|受益人数|人数", 0,
                     "不填：填了身份证号的按人项目为 1，否则为该户现有人数"},
    [PAY_AMOUNT] = {"金额（元）",
                    "发放金额（元）|发放金额|金额|补助金额（元）|补助金额|救助金额（元）|"
                    "救助金额",
                    IMP_REQUIRED, "元，最多两位小数"},
    [PAY_PERIOD] = {"发放期间", "所属期间|发放月份|所属月份|发放年度|所属年度|期间", 0,
                    "按月发放填 YYYY-MM，按年填 YYYY，也可填日期；不填按发放日期"},
    [PAY_FUND] = {"资金来源", "资金渠道|资金性质", 0, "不填为项目的资金来源"},
    [PAY_DATE] = {"发放日期", "发放时间|日期", IMP_REQUIRED, "YYYY-MM-DD，不能晚于今天"},
    [PAY_BATCH] = {"批次号", "批次|发放批次", 0, NULL},
    [PAY_NOTE] = {"备注", "说明", 0, NULL},
};

struct payment_row {
    struct payment_input in;
    char period[8], paid_on[11];
};

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* The programme of a cell: its code, name or short name. */
static const struct programme *programme_of(const char *cell)
{
    for (size_t i = 0; programmes && i < programmes->n; i++) {
        const struct programme *p = &programmes->v[i];
        if (strcmp(cell, p->code) == 0 || strcmp(cell, p->name) == 0 ||
            (p->short_name && strcmp(cell, p->short_name) == 0))
            return p;
    }
    return NULL;
}

static const struct programme *programme_cell(struct importer *im, const char *cell)
{
    if (!*cell)
        return NULL;
    if (!programmes || !programmes->n) {
        imp_error(im, PAY_PROGRAMME, "救助项目清单（defs/programmes.json）未加载，无法导入");
        return NULL;
    }
    const struct programme *p = programme_of(cell);
    if (!p) {
        char names[300] = "";
        size_t w = 0;
        for (size_t i = 0; i < programmes->n && w + 40 < sizeof(names); i++) {
            const struct programme *q = &programmes->v[i];
            w += (size_t)snprintf(names + w, sizeof(names) - w, "%s%s", i ? "、" : "",
                                  q->short_name ? q->short_name : q->name);
        }
        imp_error(im, PAY_PROGRAMME, "未知的救助项目“%.40s”（可填：%s）", cell, names);
    }
    return p;
}

/* Reads 1..max digits at *p into *v; advances *p.  -1 if none. */
static int digits(const char **p, int max, int *v)
{
    int n = 0;
    *v = 0;
    while (n < max && **p >= '0' && **p <= '9') {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? 0 : -1;
}

enum { PERIOD_BAD = -1, PERIOD_YEAR = 1, PERIOD_MONTH = 2, PERIOD_DATE = 3 };

/*
 * A period cell: a year ("2018", "2018年"), a month ("2018-03", "2018/3",
 * "2018.3", "2018年3月") or a date (as imp_parse_date).  Years 2000-2100.
 */
static int parse_period(const char *s, int *y, int *m)
{
    char date[11];
    if (imp_parse_date(s, date) == 0) {
        *y = cal_digits(date, 4);
        *m = cal_digits(date + 5, 2);
        return *y >= 2000 && *y <= 2100 ? PERIOD_DATE : PERIOD_BAD;
    }
    const char *p = s;
    if (digits(&p, 4, y) || p - s != 4 || *y < 2000 || *y > 2100)
        return PERIOD_BAD;
    if (!*p || strcmp(p, "年") == 0)
        return PERIOD_YEAR;
    bool cjk = strncmp(p, "年", strlen("年")) == 0;
    if (cjk)
        p += strlen("年");
    else if (*p == '-' || *p == '/' || *p == '.')
        p++;
    else
        return PERIOD_BAD;
    if (digits(&p, 2, m) || *m < 1 || *m > 12)
        return PERIOD_BAD;
    if (cjk ? strcmp(p, "月") != 0 : *p != '\0')
        return PERIOD_BAD;
    return PERIOD_MONTH;
}

/*
 * The ledger's period ("YYYY-MM" or "YYYY") of a cell for the programme's
 * periodicity into out; an empty cell takes the payment date's.  false after
 * reporting.
 */
static bool period_cell(struct importer *im, const struct programme *prog, const char *cell,
                        const char *paid_on, char out[8])
{
    bool monthly =
        strcmp(prog->periodicity, "monthly") == 0 || strcmp(prog->periodicity, "quarterly") == 0;
    bool yearly = strcmp(prog->periodicity, "yearly") == 0;
    const char *per = strcmp(prog->periodicity, "quarterly") == 0 ? "按季" : "按月";
    int y = 0, m = 0, kind;
    if (*cell) {
        kind = parse_period(cell, &y, &m);
    } else if (*paid_on) {
        y = cal_digits(paid_on, 4);
        m = cal_digits(paid_on + 5, 2);
        kind = PERIOD_DATE;
    } else {
        return false; /* no date either: reported there */
    }
    if (kind == PERIOD_BAD) {
        imp_error(im, PAY_PERIOD, "发放期间应为年月（如 2018-03）、年度（如 2018）或日期");
        return false;
    }
    if (monthly && kind == PERIOD_YEAR) {
        imp_error(im, PAY_PERIOD, "%s是%s发放的项目，发放期间应填年月，如 %d-01", prog->short_name,
                  per, y);
        return false;
    }
    if (yearly && kind == PERIOD_MONTH) {
        imp_error(im, PAY_PERIOD, "%s是按年发放的项目，发放期间应填年度，如 %d", prog->short_name,
                  y);
        return false;
    }
    if (yearly || kind == PERIOD_YEAR)
        snprintf(out, 8, "%04d", y);
    else
        snprintf(out, 8, "%04d-%02d", y, m);
    if (!*cell && strcmp(prog->periodicity, "once") != 0)
        imp_warn(im, PAY_PERIOD, "未填发放期间，按发放日期记为 %s", out);
    return true;
}

/*
 * Refuses the row when the ledger already pays programme to the household
 * for the period (see the head of this file); person is the row's person or 0.
 */
static int ledger_duplicate(struct importer *im, const struct programme *prog, int64_t hh_id,
                            const char *period, int64_t person, struct error *err)
{
    struct zctx *z = imp_z(im);
    struct payment *v;
    size_t n;
    int rc = store_payments_of_period(z->db, prog->code, hh_id, period, z->arena, &v, &n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (person && v[i].person_id && v[i].person_id != person)
            continue;
        imp_error(im, PAY_PERIOD, "%s %s 的%s已发放（%s 发放 %lld.%02lld 元%s），不能重复发放",
                  person ? "此人" : "该户", period, prog->short_name, v[i].paid_on,
                  (long long)(v[i].amount_fen / 100), (long long)(v[i].amount_fen % 100),
                  person && !v[i].person_id ? "，未注明享受人" : "");
        break;
    }
    return 0;
}

/* The person of a 身份证号 cell, who must be a current member of the household; 0 if not. */
static int64_t person_cell(struct importer *im, const char *const *cells, int64_t hh_id,
                           const char *hh_code, int *rc, struct error *err)
{
    struct zctx *z = imp_z(im);
    struct idnum_info info;
    struct error e = {0};
    if (idnum_parse(cells[PAY_ID], (time_t)z->now, &info, &e)) {
        imp_error(im, PAY_ID, "%s", e.message);
        return 0;
    }
    if (!hh_id)
        return 0;
    int64_t pid;
    if ((*rc = store_person_by_id_number(z->db, info.number, &pid, err)))
        return 0;
    if (!pid) {
        imp_error(im, PAY_ID, "身份证号未在户籍台账登记");
        return 0;
    }
    struct person p;
    if (registry_person_get(z, pid, &p, &e) != 0 || p.household_id != hh_id) {
        imp_error(im, PAY_ID, "此人不是户编号“%.40s”的现有成员", hh_code);
        return 0;
    }
    if (*cells[PAY_NAME] && strcmp(cells[PAY_NAME], p.name) != 0) {
        imp_error(im, PAY_NAME, "姓名与身份证号不符（台账为“%s”）", p.name);
        return 0;
    }
    return p.id;
}

static int payment_check(struct importer *im, const char *const *cells, void *row,
                         struct error *err)
{
    struct payment_row *r = row;
    struct zctx *z = imp_z(im);
    int rc = 0;
    const struct programme *prog = programme_cell(im, cells[PAY_PROGRAMME]);
    struct import_household hh = {0};
    bool have_hh = imp_household_cell(im, PAY_HOUSEHOLD, cells[PAY_HOUSEHOLD], &hh, &rc, err);
    if (rc)
        return rc;
    int64_t person = 0;
    bool person_ok = !*cells[PAY_ID];
    if (*cells[PAY_ID]) {
        person = person_cell(im, cells, have_hh ? hh.id : 0, cells[PAY_HOUSEHOLD], &rc, err);
        if (rc)
            return rc;
        person_ok = person != 0;
    }
    if (*cells[PAY_PERSONS]) {
        const char *p = cells[PAY_PERSONS];
        int n = 0;
        if (digits(&p, 3, &n) || *p || n < 1 || n > PERSONS_MAX)
            imp_error(im, PAY_PERSONS, "享受人数应为 1 至 %d 的整数", PERSONS_MAX);
        r->in.persons = n;
    } else if (person && prog && strcmp(prog->unit, "person") == 0) {
        r->in.persons = 1;
    }
    if (*cells[PAY_AMOUNT]) {
        const char *why;
        if (imp_parse_yuan(cells[PAY_AMOUNT], &r->in.amount_fen, &why))
            imp_error(im, PAY_AMOUNT, "%s", why);
        else if (r->in.amount_fen == 0)
            imp_error(im, PAY_AMOUNT, "金额应大于 0");
        else if (r->in.amount_fen > PAY_MAX_FEN)
            imp_error(im, PAY_AMOUNT, "金额不能超过 1 亿元");
    }
    if (*cells[PAY_DATE]) {
        int ymd;
        if (imp_parse_date(cells[PAY_DATE], r->paid_on) || cal_parse_date(r->paid_on, &ymd)) {
            imp_error(im, PAY_DATE, "发放日期应为 YYYY-MM-DD 格式的有效日期");
            r->paid_on[0] = '\0';
        } else if (ymd > cal_local_ymd(z->now)) {
            imp_error(im, PAY_DATE, "发放日期不能晚于今天");
            r->paid_on[0] = '\0';
        }
    }
    bool period_ok = prog && period_cell(im, prog, cells[PAY_PERIOD], r->paid_on, r->period);
    if (utf8_chars(cells[PAY_FUND]) > FUND_MAX_CHARS)
        imp_error(im, PAY_FUND, "不能超过 %d 个字", FUND_MAX_CHARS);
    if (utf8_chars(cells[PAY_BATCH]) > BATCH_MAX_CHARS)
        imp_error(im, PAY_BATCH, "不能超过 %d 个字", BATCH_MAX_CHARS);
    if (utf8_chars(cells[PAY_NOTE]) > NOTE_MAX_CHARS)
        imp_error(im, PAY_NOTE, "不能超过 %d 个字", NOTE_MAX_CHARS);
    r->in.programme = prog ? prog->code : NULL;
    r->in.household_id = hh.id;
    r->in.person_id = person;
    r->in.period = r->period;
    r->in.paid_on = r->paid_on;
    r->in.fund_source = *cells[PAY_FUND] ? cells[PAY_FUND] : NULL;
    const char *note =
        arena_printf(z->arena, "%s%s%s%s", *cells[PAY_BATCH] ? "批次号：" : "", cells[PAY_BATCH],
                     *cells[PAY_BATCH] && *cells[PAY_NOTE] ? "；" : "", cells[PAY_NOTE]);
    r->in.note = *note ? note : NULL;
    if (!prog || !have_hh || !person_ok || !period_ok)
        return 0;
    char key[160];
    snprintf(key, sizeof(key), "%s|%lld|%lld|%s", prog->code, (long long)hh.id, (long long)person,
             r->period);
    long first = imp_seen(im, SEEN_PAYMENT, key);
    if (first) {
        imp_error(im, PAY_PERIOD, "与第 %ld 行重复（同一项目、户%s和发放期间）", first,
                  person ? "、享受人" : "");
        return 0;
    }
    return ledger_duplicate(im, prog, hh.id, r->period, person, err);
}

static int payment_commit(struct importer *im, const void *row, struct error *err)
{
    const struct payment_row *r = row;
    int64_t id;
    int rc = benefits_pay(imp_z(im), programmes, &r->in, &id, err);
    if (!rc)
        imp_imported(im);
    return rc;
}

const struct import_kind importer_kind_payments = {
    .code = "payments",
    .name = "发放明细",
    .columns = payment_columns,
    .ncolumns = sizeof(payment_columns) / sizeof(payment_columns[0]),
    .row_size = sizeof(struct payment_row),
    .check = payment_check,
    .commit = payment_commit,
    .right = "benefit.write",
};
