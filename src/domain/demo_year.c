/*
 * demo_year.c - the 羊市镇 demo's 2018 cases that the work report counts
 * (../shared/reports/yangshi-2019.txt, 维护全镇安全稳定): 86 petitions
 * registered and closed in 2018 (80 resolved), 25 disputes of which 22
 * mediated to an agreement that was fulfilled, and 132 hazards found on
 * inspections, 126 verified as rectified in 2018 and 6 in January 2019.
 *
 * Every case is registered and moved through its steps by the case engine
 * (cases_create, cases_act) as the township's staff user at instants of
 * 2018, so its timeline, clocks, notices and outcome are real.  Villages,
 * days and titles come from a seeded PRNG (splitmix64), never the clock.
 */
#include <stdio.h>
#include <string.h>

#include "attachments.h"
#include "calendar.h"
#include "cases.h"
#include "setup.h"
#include "banned.h"

#define PETITIONS       86
#define PETITIONS_UNRES 6
#define DISPUTES        25
#define DISPUTES_OK     22
#define HAZARDS         132
#define HAZARDS_LATE    6 /* verified in January 2019 */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

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

struct year_gen {
    struct zctx *z;
    const struct case_types *types;
    uint64_t seed;
    struct area *villages;
    size_t nv;
    int64_t staff_id;
};

static const char *const PETITION_TITLES[][2] = {
    {"反映组道硬化工程进度缓慢", "rural_affairs"},   {"反映农村危房改造补助未到位", "construction"},
    {"反映低保评定结果有异议", "civil_affairs"},     {"反映承包地被占用", "land_resources"},
    {"反映务工工资被拖欠", "labor_social_security"}, {"反映饮水管网漏水停水", "rural_affairs"},
    {"反映养殖场异味扰民", "environment"},           {"反映医疗费用报销问题", "health"},
    {"反映宅基地审批问题", "land_resources"},        {"反映产业奖补资金发放问题", "rural_affairs"},
    {"反映山林界址争议处理结果", "land_resources"},  {"反映邻居修房占道", "law_order"},
};

static const char *const DISPUTE_TITLES[][2] = {
    {"宅基地界址纠纷", "homestead"},         {"赡养老人费用分担纠纷", "marriage_family"},
    {"承包地界址纠纷", "land_contract"},     {"山林权属纠纷", "forest_rights"},
    {"修房损坏邻居院坝赔偿纠纷", "damages"}, {"务工工资结算纠纷", "labor"},
    {"相邻排水纠纷", "neighbours"},          {"土地流转合同纠纷", "contract"},
};

static const char *const HAZARD_TITLES[] = {
    "农户房屋后坡危岩", "村道临崖路段缺护栏",     "农户用电线路老化", "学校旁边坡落石",
    "瓶装燃气违规存放", "山坪塘坝体渗水",         "便民桥栏杆松动",   "农家乐厨房消防设施缺失",
    "非法加油点",       "村级活动室消防通道堵塞",
};

/* The epoch of hour h on day ymd. */
static int64_t at(int ymd, int h)
{
    return cal_local_midnight(ymd) + (int64_t)h * 3600;
}

/* A day of 2018 between month m0 and m1 (days 1-28). */
static int day_of(uint64_t *s, int m0, int m1)
{
    return 20180000 + (m0 + below(s, m1 - m0 + 1)) * 100 + 1 + below(s, 28);
}

static int act(struct year_gen *g, int64_t when, struct case_row *c, const char *code,
               const char *comment, json_t *fields, struct error *err)
{
    struct zctx z = *g->z;
    z.now = when;
    struct case_action a = {.code = code, .comment = comment, .fields = fields};
    int rc = cases_act(&z, g->types, c->id, c->version, &a, c, err);
    json_decref(fields);
    if (rc) {
        char why[sizeof(err->message)];
        snprintf(why, sizeof(why), "%s", err->message);
        return err_set(err, rc, err->field, "演示办件（%s）“%s”：%s", c->title, code, why);
    }
    return 0;
}

static int create(struct year_gen *g, int64_t when, const char *type, const char *category,
                  const char *title, const char *content, const char *requester,
                  struct case_row *out, struct error *err)
{
    struct zctx z = *g->z;
    z.now = when;
    const struct area *v = &g->villages[below(&g->seed, (int)g->nv)];
    struct case_input in = {.type = type,
                            .title = arena_printf(z.arena, "%s%s", v->name, title),
                            .content = content,
                            .category = category,
                            .channel = requester ? "visit" : "other",
                            .area_id = v->id,
                            .requester_name = requester};
    return cases_create(&z, g->types, &in, out, err);
}

static const char *const SURNAMES[] = {"刘", "李", "王", "张", "陈", "杨", "黄", "冉", "谭", "向"};
static const char *const GIVEN[] = {"德明", "秀英", "建国", "桂兰", "永富", "春花", "光荣", "玉梅"};

static const char *person(struct year_gen *g)
{
    return arena_printf(g->z->arena, "%s%s", SURNAMES[below(&g->seed, N(SURNAMES))],
                        GIVEN[below(&g->seed, N(GIVEN))]);
}

static int petitions(struct year_gen *g, struct error *err)
{
    static const char *const decisions[] = {"支持", "解释说明", "不予支持"};
    int rc = 0;
    for (int i = 0; i < PETITIONS && !rc; i++) {
        const char *const *t = PETITION_TITLES[below(&g->seed, N(PETITION_TITLES))];
        int day = day_of(&g->seed, 1, 10);
        struct case_row c;
        const char *who = person(g);
        if ((rc = create(g, at(day, 9), "petition", t[1], t[0],
                         arena_printf(g->z->arena, "村民%s来访%s，请求镇政府协调解决。", who, t[0]),
                         who, &c, err)) ||
            (rc = act(g, at(day, 15), &c, "accept", "属本镇职权范围，予以受理", NULL, err)))
            break;
        int answered = cal_ymd_add(day, 7 + below(&g->seed, 30));
        json_t *f = json_pack("{s:s, s:s, s:s}", "facts", "经现场调查核实，情况基本属实。",
                              "decision", decisions[below(&g->seed, 3)], "legal_basis",
                              "《信访工作条例》及相关政策规定");
        if ((rc = act(g, at(answered, 10), &c, "answer", NULL, f, err)))
            break;
        bool resolved = i >= PETITIONS_UNRES;
        rc = act(g, at(cal_ymd_add(answered, 3 + below(&g->seed, 10)), 16), &c,
                 resolved ? "close_resolved" : "close_unresolved",
                 resolved ? "信访人对处理意见无异议，事项已化解" : "信访人仍有异议，转入跟踪稳控",
                 NULL, err);
    }
    return rc;
}

static int disputes(struct year_gen *g, struct error *err)
{
    int rc = 0;
    for (int i = 0; i < DISPUTES && !rc; i++) {
        const char *const *t = DISPUTE_TITLES[below(&g->seed, N(DISPUTE_TITLES))];
        int day = day_of(&g->seed, 1, 10);
        struct case_row c;
        const char *a = person(g), *b = person(g);
        if ((rc = create(g, at(day, 9), "dispute", t[1], t[0],
                         arena_printf(g->z->arena, "%s与%s发生%s，请求调解。", a, b, t[0]), a, &c,
                         err)))
            break;
        json_t *f = json_pack("{s:s, s:I}", "parties", arena_printf(g->z->arena, "%s、%s", a, b),
                              "mediator", (json_int_t)g->staff_id);
        if ((rc = act(g, at(day, 14), &c, "accept", NULL, f, err)))
            break;
        int session = cal_ymd_add(day, 2 + below(&g->seed, 5));
        char d[11];
        cal_format_date(session, d);
        f = json_pack("{s:s, s:s}", "session_date", d, "session_record",
                      "双方到场陈述，调解员释法明理，双方同意协商解决。");
        if ((rc = act(g, at(session, 16), &c, "session", NULL, f, err)))
            break;
        if (i >= DISPUTES_OK) {
            rc = act(g, at(session, 17), &c, "fail", NULL,
                     json_pack("{s:s}", "fail_reason", "双方分歧较大，告知通过诉讼途径解决"), err);
            continue;
        }
        cal_format_date(cal_ymd_add(session, 20), d);
        f = json_pack("{s:s, s:s}", "agreement_terms", "双方按调解协议约定的方式和期限履行。",
                      "performance_deadline", d);
        if ((rc = act(g, at(session, 17), &c, "agree", NULL, f, err)))
            break;
        rc = act(g, at(cal_ymd_add(session, 10 + below(&g->seed, 10)), 10), &c, "confirm_fulfilled",
                 NULL, json_pack("{s:s}", "followup_record", "回访双方，协议已履行完毕。"), err);
    }
    return rc;
}

/* A 1x1 PNG: the photo of a rectified hazard (the procedure asks for evidence). */
static const unsigned char PHOTO[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8, 0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0xe5,
    0xc3, 0x4b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static int hazards(struct year_gen *g, struct error *err)
{
    int rc = 0;
    for (int i = 0; i < HAZARDS && !rc; i++) {
        const char *title = HAZARD_TITLES[below(&g->seed, N(HAZARD_TITLES))];
        bool late = i < HAZARDS_LATE;
        int day = late ? day_of(&g->seed, 12, 12) : day_of(&g->seed, 1, 10);
        struct case_row c;
        if ((rc = create(g, at(day, 10), "hazard", below(&g->seed, 10) ? "general" : "major", title,
                         arena_printf(g->z->arena, "安全隐患排查中发现：%s。", title), NULL, &c,
                         err)))
            break;
        char d[11];
        int due = cal_ymd_add(day, 20 + below(&g->seed, 10));
        cal_format_date(due, d);
        json_t *f = json_pack("{s:s, s:I, s:s, s:I, s:s}", "location", c.area_name, "responsible",
                              (json_int_t)g->staff_id, "measures", "设置警示标志，限期整改到位",
                              "funds", (json_int_t)(below(&g->seed, 20) * 50000), "deadline", d);
        struct zctx z = *g->z;
        z.now = at(day, 15);
        struct case_action a = {.code = "assign", .assignee_id = g->staff_id, .fields = f};
        rc = cases_act(&z, g->types, c.id, c.version, &a, &c, err);
        json_decref(f);
        int fixed = cal_ymd_add(day, 5 + below(&g->seed, 12));
        struct case_attachment photo;
        z.now = at(fixed, 11);
        if (rc || (rc = attach_to_case(&z, &c, "整改后照片.png", PHOTO, sizeof(PHOTO), true, &photo,
                                       err)))
            break;
        f = json_pack("{s:s, s:I}", "fix_description", "已按要求完成整改", "fix_evidence",
                      (json_int_t)photo.id);
        if ((rc = act(g, at(fixed, 11), &c, "report_fixed", NULL, f, err)))
            break;
        int verified = late ? 20190108 + below(&g->seed, 15) : cal_ymd_add(fixed, 2);
        rc = act(g, at(verified, 15), &c, "verify", NULL,
                 json_pack("{s:s}", "verify_note", "现场核查，整改到位，予以销号"), err);
    }
    return rc;
}

int demo_year_cases(struct zctx *z, const struct case_types *types, int64_t township_id,
                    uint64_t seed, struct error *err)
{
    struct scope all = {.kind = SCOPE_ALL};
    struct year_gen g = {.z = z, .types = types, .seed = seed};
    struct area *ch;
    size_t n;
    struct user staff;
    int rc = store_area_children(z->db, township_id, &all, z->arena, &ch, &n, err);
    if (rc || (rc = store_user_by_username(z->db, "staff", &staff, err)))
        return rc;
    g.villages = arena_calloc(z->arena, n + 1, sizeof(*g.villages));
    for (size_t i = 0; i < n; i++)
        if (strcmp(ch[i].level, "village") == 0)
            g.villages[g.nv++] = ch[i];
    if (!g.nv)
        return err_set(err, ZW_ENOTFOUND, NULL, "演示数据：没有村（社区）");
    g.staff_id = staff.id;
    struct principal who = {.user_id = staff.id,
                            .username = "staff",
                            .name = arena_strdup(z->arena, staff.name),
                            .superuser = true};
    struct zctx zs = *z;
    zs.who = &who;
    g.z = &zs;
    if ((rc = petitions(&g, err)) || (rc = disputes(&g, err)) || (rc = hazards(&g, err)))
        return rc;
    return 0;
}
