/*
 * demo_benefits.c - the benefits of the 羊市镇 demo's 2018, so that the
 * figures of ../shared/reports/yangshi-2019.txt (paragraphs 43 and 47) come
 * out of the ledger: GET /payments/totals?from=2018-01-01&to=2018-12-31
 * gives them by programme.  See demo_benefits in benefits.h.
 *
 * Reproducible: households are read in id order and chosen with a seeded
 * PRNG (splitmix64), never the clock; amounts are integer fen, and the last
 * line of a programme takes the remainder so that the total is exact.
 */
#include <stdio.h>
#include <string.h>

#include "benefits.h"
#include "store/store_benefit.h"
#include "banned.h"

/* The report's 2018 figures. */
#define DIBAO_HOUSEHOLDS 110
#define DIBAO_PERSONS    251
#define EDU_PERSONS      471
#define EDU_FEN          INT64_C(95000000) /* 95万元 */
#define HEALTH_PERSONS   1321
#define HEALTH_FEN       INT64_C(337300000) /* 337.3万元 */
#define CREDIT_FEN       INT64_C(280000000) /* 280万元 */
#define CREDIT_EACH_FEN  INT64_C(5000000)   /* 5万元 a household, the usual 扶贫小额信贷 */
#define HOUSING_HOUSES   195
#define RELIEF_PERSONS   421
#define RELIEF_FEN       INT64_C(223500000) /* 223.5万元 of 低保 and 临时救助 together */

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
    return (int)(next(s) % (uint64_t)n);
}

/* A day of 2018 (month 1-12, day 1-28) as YYYY-MM-DD. */
static void day_2018(uint64_t *s, int month, char out[11])
{
    snprintf(out, 11, "2018-%02d-%02d", month ? month : 1 + below(s, 12), 1 + below(s, 28));
}

/* Households with members, poor (脱贫户, 监测对象) ones first, each group shuffled. */
static struct benefit_household **order(struct arena *a, struct benefit_household *v, size_t n,
                                        uint64_t *s, size_t *out_n)
{
    struct benefit_household **o = arena_calloc(a, n + 1, sizeof(*o));
    size_t k = 0, npoor;
    for (size_t i = 0; i < n; i++)
        if (v[i].members > 0 && v[i].poor)
            o[k++] = &v[i];
    npoor = k;
    for (size_t i = 0; i < n; i++)
        if (v[i].members > 0 && !v[i].poor)
            o[k++] = &v[i];
    for (size_t i = npoor; i > 1; i--) {
        size_t j = (size_t)below(s, (int)i);
        struct benefit_household *t = o[i - 1];
        o[i - 1] = o[j];
        o[j] = t;
    }
    for (size_t i = k - npoor; i > 1; i--) {
        size_t j = npoor + (size_t)below(s, (int)i);
        struct benefit_household *t = o[npoor + i - 1];
        o[npoor + i - 1] = o[j];
        o[j] = t;
    }
    *out_n = k;
    return o;
}

static int pay(struct zctx *z, const struct programme *prog, const struct benefit_household *h,
               int persons, int64_t fen, const char *period, const char *paid_on, struct error *err)
{
    struct payment p = {.programme = prog->code,
                        .household_id = h->id,
                        .persons = persons,
                        .amount_fen = fen,
                        .period = period,
                        .fund_source = prog->fund_source,
                        .paid_on = paid_on,
                        .area_path = h->area_path,
                        .village_id = h->village_id,
                        .note = "演示数据",
                        .created_by = z->who->user_id,
                        .created_at = z->now};
    return store_payment_insert(z->db, &p, err);
}

static int audit_demo(struct zctx *z, const char *programme, int households, int64_t persons,
                      int64_t fen, struct error *err)
{
    json_t *after = json_pack("{s:s, s:s, s:i, s:I, s:I}", "programme", programme, "period", "2018",
                              "households", households, "persons", (json_int_t)persons, "amountFen",
                              (json_int_t)fen);
    int rc = audit_log(z, "demo", "payment", 0, NULL, after, err);
    json_decref(after);
    return rc;
}

static const struct programme *need(const struct programmes *p, const char *code, struct error *err)
{
    const struct programme *g = benefits_programme(p, code);
    if (!g)
        err_set(err, ZW_EINVAL, NULL, "演示数据需要 defs/programmes.json 中的项目 %s", code);
    return g;
}

/* 低保: 110 households (those of category dibao first), 251 persons, paid monthly. */
static int demo_dibao(struct zctx *z, const struct programmes *p, struct benefit_household *v,
                      size_t n, uint64_t *s, int64_t *dibao_fen, struct error *err)
{
    const struct programme *prog = need(p, "dibao", err);
    if (!prog)
        return err->code;
    struct benefit_household **pick = arena_calloc(z->arena, DIBAO_HOUSEHOLDS, sizeof(*pick));
    size_t k = 0;
    for (int pass = 0; pass < 3 && k < DIBAO_HOUSEHOLDS; pass++)
        for (size_t i = 0; i < n && k < DIBAO_HOUSEHOLDS; i++) {
            bool take = pass == 0   ? v[i].dibao
                        : pass == 1 ? !v[i].dibao && v[i].poor
                                    : !v[i].dibao && !v[i].poor;
            if (take && v[i].members > 0)
                pick[k++] = &v[i];
        }
    if (k < DIBAO_HOUSEHOLDS)
        return err_set(err, ZW_EINVAL, NULL, "演示户数不足：低保需要 %d 户", DIBAO_HOUSEHOLDS);
    int64_t standard = benefits_dibao_standard(p, NULL, 2018);
    if (!standard)
        return err_set(err, ZW_EINVAL, NULL, "演示数据需要 2018 年的低保标准");
    int left = DIBAO_PERSONS, rc = 0;
    int64_t total = 0;
    for (size_t i = 0; i < k && !rc; i++) {
        int slots = (int)(k - i - 1);
        int persons = pick[i]->members < left - slots ? pick[i]->members : left - slots;
        if (persons < 1)
            return err_set(err, ZW_EINVAL, NULL, "演示户数不足：低保需要 %d 人", DIBAO_PERSONS);
        left -= persons;
        struct enrolment e = {.household_id = pick[i]->id,
                              .programme = prog->code,
                              .persons = persons,
                              .since = "2018-01-01",
                              .area_path = pick[i]->area_path,
                              .created_by = z->who->user_id,
                              .created_at = z->now};
        /* The household's monthly per-person income: 0 to 60% of the standard, whole yuan. */
        int64_t income = (int64_t)below(s, (int)(standard * 6 / 1000) + 1) * 100;
        int64_t amount = benefits_dibao_amount(standard, true, income * 12, persons);
        if ((rc = store_enrolment_insert(z->db, &e, err)))
            return rc;
        for (int m = 1; m <= 12 && !rc; m++) {
            char period[8], paid[11];
            snprintf(period, sizeof(period), "2018-%02d", m);
            snprintf(paid, sizeof(paid), "2018-%02d-10", m);
            rc = pay(z, prog, pick[i], persons, amount, period, paid, err);
            total += amount;
        }
    }
    if (!rc && left != 0)
        return err_set(err, ZW_EINVAL, NULL, "演示户人数不足：低保需要 %d 人", DIBAO_PERSONS);
    *dibao_fen = total;
    return rc ? rc : audit_demo(z, prog->code, DIBAO_HOUSEHOLDS, DIBAO_PERSONS, total, err);
}

/*
 * A per-person aid: persons to reach `persons` exactly (1 to max_each per
 * household, at most its members), `fen` shared in proportion, the last line
 * taking the remainder.
 */
static int demo_per_person(struct zctx *z, const struct programme *prog,
                           struct benefit_household **o, size_t n, uint64_t *s, int persons,
                           int max_each, int64_t fen, struct error *err)
{
    int *each = arena_calloc(z->arena, n + 1, sizeof(*each));
    size_t k = 0;
    int left = persons;
    for (; k < n && left > 0; k++) {
        int want = 1 + below(s, max_each);
        if (want > o[k]->members)
            want = o[k]->members;
        each[k] = want < left ? want : left;
        left -= each[k];
    }
    if (left > 0)
        return err_set(err, ZW_EINVAL, NULL, "演示户人数不足：%s需要 %d 人", prog->short_name,
                       persons);
    int64_t per = fen / persons, paid = 0;
    int rc = 0;
    for (size_t i = 0; i < k && !rc; i++) {
        int64_t amount = i + 1 == k ? fen - paid : per * each[i];
        char day[11];
        day_2018(s, 0, day);
        rc = pay(z, prog, o[i], each[i], amount, "2018", day, err);
        paid += amount;
    }
    return rc ? rc : audit_demo(z, prog->code, (int)k, persons, fen, err);
}

int demo_benefits(struct zctx *z, const struct programmes *p, uint64_t seed, struct error *err)
{
    uint64_t s = seed;
    struct benefit_household *v;
    size_t n, no;
    int rc = store_benefit_households(z->db, "/", z->arena, &v, &n, err);
    if (rc)
        return rc;
    int64_t dibao_fen = 0;
    if ((rc = demo_dibao(z, p, v, n, &s, &dibao_fen, err)))
        return rc;
    const struct programme *edu = need(p, "jiaoyu", err), *health = need(p, "yiliao", err),
                           *credit = need(p, "xindai", err), *housing = need(p, "weifang", err),
                           *relief = need(p, "linshi", err);
    if (!edu || !health || !credit || !housing || !relief)
        return err->code;
    /* 临时救助: 421 persons, what 低保 left of the report's 223.5万元 of relief funds. */
    struct benefit_household **o = order(z->arena, v, n, &s, &no);
    if (dibao_fen >= RELIEF_FEN)
        return err_set(err, ZW_EINVAL, NULL, "演示数据：低保金已超过惠民资金总额");
    if ((rc =
             demo_per_person(z, relief, o, no, &s, RELIEF_PERSONS, 3, RELIEF_FEN - dibao_fen, err)))
        return rc;
    o = order(z->arena, v, n, &s, &no);
    if ((rc = demo_per_person(z, edu, o, no, &s, EDU_PERSONS, 2, EDU_FEN, err)))
        return rc;
    o = order(z->arena, v, n, &s, &no);
    if ((rc = demo_per_person(z, health, o, no, &s, HEALTH_PERSONS, 3, HEALTH_FEN, err)))
        return rc;
    /* Micro-credit and housing: per household, covering its members. */
    int households = (int)(CREDIT_FEN / CREDIT_EACH_FEN);
    o = order(z->arena, v, n, &s, &no);
    if ((size_t)households > no || (size_t)HOUSING_HOUSES > no)
        return err_set(err, ZW_EINVAL, NULL, "演示户数不足");
    int64_t persons = 0;
    for (int i = 0; i < households && !rc; i++) {
        char day[11];
        day_2018(&s, 0, day);
        rc = pay(z, credit, o[i], o[i]->members, CREDIT_EACH_FEN, "2018", day, err);
        persons += o[i]->members;
    }
    if (rc || (rc = audit_demo(z, credit->code, households, persons, CREDIT_FEN, err)))
        return rc;
    o = order(z->arena, v, n, &s, &no);
    int64_t fen = 0;
    persons = 0;
    for (int i = 0; i < HOUSING_HOUSES && !rc; i++) {
        /* C-rated (reinforce) 1万元 to 1.5万元; one in four D-rated (rebuild) 2万元 to 3.5万元. */
        int64_t amount = below(&s, 4) == 0 ? (20000 + 1000 * below(&s, 16)) * INT64_C(100)
                                           : (10000 + 1000 * below(&s, 6)) * INT64_C(100);
        char day[11];
        day_2018(&s, 0, day);
        rc = pay(z, housing, o[i], o[i]->members, amount, "2018", day, err);
        fen += amount;
        persons += o[i]->members;
    }
    return rc ? rc : audit_demo(z, housing->code, HOUSING_HOUSES, persons, fen, err);
}
