/*
 * demo_monitoring.c - the demo's 防返贫 records, built reproducibly from a
 * seed once the demo's households exist: the 173 帮扶责任人 of the 2018
 * report ("173名帮扶责任人"), each paired with some of the 脱贫户 and 监测对象
 * households; the demo assistance cadre's account linked to the first of
 * them; visits; and a few monitored households with their assistance plans
 * and open alerts, so that every monitoring screen shows data.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "monitoring.h"
#include "pairing.h"
#include "banned.h"

#define DEMO_CADRES 173

static uint64_t next(uint64_t *s)
{
    /* xorshift64*: the same sequence on every machine */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static size_t pick(uint64_t *s, size_t n)
{
    return (size_t)(next(s) % n);
}

static const char *const surnames[] = {"刘", "陈", "张", "王", "李", "杨", "黄", "周", "吴", "谭",
                                       "向", "冉", "熊", "邓", "彭", "唐", "曾", "蒋", "田", "郑"};
static const char *const given[] = {"建", "国", "明", "华", "军", "平", "红", "英", "勇", "强",
                                    "丽", "芳", "斌", "涛", "静", "伟", "敏", "波", "霞", "德",
                                    "成", "志", "春", "林", "海", "云", "兵", "燕", "琴", "洪"};
/* Units the cadres come from: county bodies (prefixed with the county's name) and the township's.
 */
static const char *const county_units[] = {"财政局",       "农业农村委", "教育委员会", "卫生健康委",
                                           "交通局",       "水利局",     "人力社保局", "民政局",
                                           "住房城乡建委", "乡村振兴局"};
static const char *const town_units[] = {"人民政府", "卫生院", "中心小学", "农业服务中心",
                                         "社会事务办"};

/* Ids of the live households in the township holding category (appended to *v). */
static int households_of(struct zctx *z, const char *category, int64_t **v, size_t *n, size_t *cap,
                         struct error *err)
{
    struct scope sc = {.kind = SCOPE_ALL, .path = "/"};
    for (int64_t page = 1;; page++) {
        struct household_filter f = {.category = category, .page = page, .page_size = 200};
        struct household *items;
        size_t got;
        int64_t total;
        int rc = store_household_list(z->db, &sc, &f, z->arena, &items, &got, &total, err);
        if (rc)
            return rc;
        for (size_t i = 0; i < got; i++) {
            bool seen = false;
            for (size_t k = 0; k < *n && !seen; k++)
                seen = (*v)[k] == items[i].id;
            if (seen)
                continue;
            if (*n == *cap) {
                int64_t *grown = arena_alloc(z->arena, 2 * *cap * sizeof(*grown));
                memcpy(grown, *v, *n * sizeof(*grown));
                *v = grown;
                *cap *= 2;
            }
            (*v)[(*n)++] = items[i].id;
        }
        if (got < 200)
            return 0;
    }
}

static void date_days_ago(const struct zctx *z, int days, char out[11])
{
    cal_format_date(cal_ymd_add(cal_local_ymd(z->now), -days), out);
}

int demo_monitoring(struct zctx *z, const struct registry_defs *d, int64_t township_id,
                    int64_t assist_user_id, uint64_t seed, struct demo_monitoring_counts *out,
                    struct error *err)
{
    uint64_t s = seed ? seed : 0x5EED2018ULL;
    memset(out, 0, sizeof(*out));
    struct area town, county;
    int rc = store_area_get_any(z->db, township_id, &town, err);
    if (rc)
        return rc;
    if (store_area_get_any(z->db, town.parent_id, &county, err))
        snprintf(county.name, sizeof(county.name), "县");

    /* the cadres */
    int64_t cadres[DEMO_CADRES];
    for (int i = 0; i < DEMO_CADRES; i++) {
        char name[32], unit[160], phone[16];
        const char *g2 = next(&s) % 3 ? given[pick(&s, 30)] : "";
        snprintf(name, sizeof(name), "%s%s%s", surnames[pick(&s, 20)], given[pick(&s, 30)], g2);
        if (i < 120)
            snprintf(unit, sizeof(unit), "%s%s", county.name, county_units[pick(&s, 10)]);
        else
            snprintf(unit, sizeof(unit), "%s%s", town.name, town_units[pick(&s, 5)]);
        snprintf(phone, sizeof(phone), "139%08" PRIu64, next(&s) % 100000000);
        struct cadre_input in = {.name = name,
                                 .unit = unit,
                                 .phone = phone,
                                 .user_id = i == 0 ? assist_user_id : 0,
                                 .area_id = town.id};
        if ((rc = pairing_cadre_add(z, &in, &cadres[i], err)))
            return rc;
    }
    out->cadres = DEMO_CADRES;

    /* every 脱贫户 and 监测对象 household gets one cadre, dealt out in turn */
    size_t cap = 256, n = 0;
    int64_t *hh = arena_alloc(z->arena, cap * sizeof(*hh));
    if ((rc = households_of(z, "tuopin", &hh, &n, &cap, err)) ||
        (rc = households_of(z, "jiance", &hh, &n, &cap, err)))
        return rc;
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates, seeded */
        size_t j = pick(&s, i);
        int64_t t = hh[i - 1];
        hh[i - 1] = hh[j];
        hh[j] = t;
    }
    static const char *const founds[] = {
        "家中收入稳定，两不愁三保障均已落实，无返贫风险。",
        "户主在县内务工，子女在校就读，已享受教育资助。",
        "老人患慢性病，已办理门诊慢特病，医保报销正常。",
        "饮水正常，住房安全，种植脆李收入较去年增加。",
        "家庭成员外出务工，留守老人身体尚可，已告知帮扶政策。",
    };
    for (size_t i = 0; i < n; i++) {
        int64_t pid;
        char since[11];
        date_days_ago(z, 365 + (int)pick(&s, 700), since);
        if ((rc = pairing_pair_add(z, hh[i], cadres[i % DEMO_CADRES], since, &pid, err)))
            return rc;
        out->pairs++;
    }

    /* visits by the demo cadre to the households paired with the first cadre (their account) */
    if (assist_user_id) {
        struct principal visitor = *z->who;
        visitor.user_id = assist_user_id;
        struct zctx zv = *z;
        zv.who = &visitor;
        for (size_t i = 0; i < n; i += DEMO_CADRES) {
            char on[11];
            int64_t vid;
            date_days_ago(z, 3 + (int)pick(&s, 60), on);
            if ((rc = pairing_visit_add(&zv, hh[i], on, founds[pick(&s, 5)], &vid, err)))
                return rc;
            out->visits++;
        }
    }

    /* a few monitored households with their plans, and open alerts */
    static const char *const cats[] = {"unstable", "edge", "sudden"};
    static const char *const risks[] = {"illness", "disaster", "employment", "schooling,illness"};
    static const char *const kinds[] = {"employment", "medical", "industry", "education"};
    static const char *const descs[] = {"推荐到县内企业务工，落实务工奖补",
                                        "办理医疗救助，大病保险二次报销", "发放脆李种植产业奖补",
                                        "落实雨露计划教育资助"};
    size_t nmon = n < 6 ? n : 6;
    for (size_t i = 0; i < nmon; i++) {
        char since[11], start[11], done[11];
        date_days_ago(z, 120 + 40 * (int)i, since);
        if ((rc = registry_set_monitor(z, d, hh[i], "monitored", cats[i % 3], risks[i % 4], since,
                                       err)))
            return rc;
        for (size_t k = 0; k < 2; k++) {
            int64_t mid;
            date_days_ago(z, 100 + 40 * (int)i - 30 * (int)k, start);
            struct measure_input m = {.kind = kinds[(i + k) % 4],
                                      .description = descs[(i + k) % 4],
                                      .cadre_id = cadres[i % DEMO_CADRES],
                                      .start_on = start};
            if ((rc = monitoring_measure_add(z, hh[i], &m, &mid, err)))
                return rc;
            out->measures++;
            if (k == 0) {
                struct assist_measure am;
                date_days_ago(z, 20, done);
                if ((rc = monitoring_measure_set(z, mid, 1, "done", done, &am, err)))
                    return rc;
            }
        }
        out->monitored++;
    }
    static const char *const alert_rules[] = {"medical_bills", "disaster", "unemployment"};
    static const char *const alert_details[] = {"住院自付费用超过 2 万元（医保部门推送）",
                                                "暴雨致房屋受损（应急管理部门推送）",
                                                "务工返乡后未就业（人社部门推送）"};
    for (size_t i = nmon; i < n && i < nmon + 3; i++) {
        if ((rc = monitoring_alert_add(z, hh[i], NULL, "department", alert_rules[i - nmon],
                                       alert_details[i - nmon], NULL, err)))
            return rc;
        out->alerts++;
    }
    return 0;
}
