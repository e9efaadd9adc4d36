/*
 * demo_registry.c - the registry of the 羊市镇 demo: households and persons
 * whose records carry the 2018 figures of ../shared/reports/yangshi-2019.txt.
 *
 *   43 户 116 人 lifted out of poverty in 2018 (exit_year 2018);
 *   532 户 1,975 人 lifted out in earlier years (2014-2017), consolidated;
 *   100 people still registered poor at the end of 2018 in 8,065 registered
 *   rural residents: poverty incidence 100 / 8,065 = 1.24%;
 *   110 户 251 人 of 低保 (category dibao; the benefits demo enrols them).
 *
 * The rest are ordinary households (一般农户).  Everything is derived from a
 * seeded PRNG (splitmix64), never the clock, so the same seed gives the same
 * records; names and ID numbers are made up (valid GB 11643 check
 * characters, address code 500236, 奉节县).  Records go through the registry
 * rules (registry.c) in bulk mode: history rows, one audit row in all.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "demo_registry.h"
#include "idnum.h"
#include "banned.h"

/* The 2018 figures the records carry. */
#define DEMO_POPULATION  8065
#define DEMO_EXIT2018_HH 43
#define DEMO_EXIT2018_P  116
#define DEMO_EARLIER_HH  532
#define DEMO_EARLIER_P   1975
#define DEMO_POOR_HH     33
#define DEMO_POOR_P      100
#define DEMO_DIBAO_HH    110
#define DEMO_DIBAO_P     251

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int pick(uint64_t *s, int n)
{
    return (int)(next(s) % (uint64_t)n);
}

struct village {
    int64_t id;
    int64_t groups[16], grids[16];
    int ngroups, ngrids;
};

struct gen {
    struct zctx *z;
    const struct registry_defs *d;
    uint64_t seed;
    struct village v[16];
    int nv;
    int seq; /* ID number sequence */
    int households, persons;
};

static const char *const SURNAMES[] = {"刘", "李", "王", "张", "陈", "杨", "黄", "赵", "周",
                                       "吴", "冉", "谭", "向", "曾", "彭", "罗", "蒋", "唐",
                                       "邓", "熊", "何", "龚", "袁", "廖", "胡", "朱", "余"};
static const char *const MALE[] = {"德明", "建国", "国华", "永富", "大勇", "光荣", "志强",
                                   "家兴", "仕林", "开元", "正清", "文军", "小龙", "俊杰",
                                   "宇航", "明轩", "万春", "长青", "成才", "运来"};
static const char *const FEMALE[] = {"秀英", "桂兰", "玉梅", "春花", "淑芬", "小红", "丽娟",
                                     "晓燕", "思雨", "雨婷", "梓涵", "金凤", "翠兰", "红梅",
                                     "永芝", "明珍", "婷婷", "欣怡", "家琴", "德芳"};
#define N(a) ((int)(sizeof(a) / sizeof(a[0])))

static int load_villages(struct gen *g, struct error *err)
{
    struct scope all = {.kind = SCOPE_ALL};
    struct area *top, *ch, *sub;
    size_t ntop, nch, nsub;
    int rc = store_area_children(g->z->db, 0, &all, g->z->arena, &top, &ntop, err);
    /* Down to the township: the villages are the areas of level village. */
    for (int depth = 0; !rc && depth < 3; depth++) {
        for (size_t i = 0; !rc && i < ntop; i++) {
            if ((rc = store_area_children(g->z->db, top[i].id, &all, g->z->arena, &ch, &nch, err)))
                break;
            for (size_t k = 0; k < nch && g->nv < 16; k++) {
                if (strcmp(ch[k].level, "village") != 0)
                    continue;
                struct village *v = &g->v[g->nv++];
                memset(v, 0, sizeof(*v));
                v->id = ch[k].id;
                if ((rc = store_area_children(g->z->db, ch[k].id, &all, g->z->arena, &sub, &nsub,
                                              err)))
                    return rc;
                for (size_t m = 0; m < nsub; m++) {
                    if (strcmp(sub[m].level, "group") == 0 && v->ngroups < 16)
                        v->groups[v->ngroups++] = sub[m].id;
                    else if (strcmp(sub[m].level, "grid") == 0 && v->ngrids < 16)
                        v->grids[v->ngrids++] = sub[m].id;
                }
            }
            if (g->nv)
                return 0;
            if (nch) {
                top = ch;
                ntop = nch;
                break;
            }
        }
    }
    return rc ? rc : err_set(err, ZW_ENOTFOUND, NULL, "演示数据：没有村（社区）");
}

/* A birth date YYYYMMDD between years from..to. */
static int birth(struct gen *g, int from, int to)
{
    int y = from + pick(&g->seed, to - from + 1), m = 1 + pick(&g->seed, 12);
    int d = 1 + pick(&g->seed, 28);
    return y * 10000 + m * 100 + d;
}

/* Schooling of someone born on ymd at the end of 2018. */
static const char *schooling(int ymd)
{
    int age = 2018 - ymd / 10000;
    if (age < 6)
        return "preschool";
    if (age <= 11)
        return "primary";
    if (age <= 14)
        return "junior";
    if (age <= 17)
        return "senior";
    return "done";
}

/* One member: relation, sex, birth; valid ID number, joined at birth or in 2014. */
static int member(struct gen *g, int64_t hh, const char *surname, const char *relation, bool male,
                  int ymd, struct error *err)
{
    struct person_input in = {0};
    char first17[18], date[11];
    int rc;
    for (int attempt = 0; attempt < 5; attempt++) {
        int s = (g->seq++ % 499) * 2 + (male ? 1 : 2);
        snprintf(first17, sizeof(first17), "500236%08d%03d", ymd, s);
        char id[19];
        snprintf(id, sizeof(id), "%s%c", first17, idnum_check_char(first17));
        in.name =
            arena_printf(g->z->arena, "%s%s", surname,
                         male ? MALE[pick(&g->seed, N(MALE))] : FEMALE[pick(&g->seed, N(FEMALE))]);
        in.id_number = id;
        in.relation = relation;
        int age = 2018 - ymd / 10000;
        in.labour = age < 16 ? "none" : age >= 70 ? "lost" : age >= 60 ? "weak" : "normal";
        in.health = pick(&g->seed, 20) == 0 ? "chronic" : "healthy";
        in.schooling = schooling(ymd);
        in.work = age >= 18 && age < 60 ? (pick(&g->seed, 3) == 0 ? "outside" : "county") : "none";
        in.disability = "none";
        in.insured_medical = pick(&g->seed, 100) != 0;
        in.insured_serious = in.insured_medical;
        in.insured_pension = age >= 16;
        cal_format_date(ymd > 20140101 ? ymd : 20140101, date);
        in.joined_on = date;
        in.join_reason = ymd > 20140101 ? "birth" : "registered";
        int64_t pid;
        rc = registry_person_add(g->z, g->d, hh, &in, &pid, err);
        if (rc != ZW_ECONFLICT || strcmp(err->field ? err->field : "", "idNumber") != 0)
            break;
    }
    if (!rc)
        g->persons++;
    return rc;
}

/* A household of size members in a random village, group and grid. */
static int household(struct gen *g, int size, const char *category, int poor_year, int exit_year,
                     struct error *err)
{
    const struct village *v = &g->v[pick(&g->seed, g->nv)];
    struct household_input in = {.area_id = v->id, .poor_year = poor_year, .exit_year = exit_year};
    in.group_id = v->ngroups ? v->groups[pick(&g->seed, v->ngroups)] : 0;
    in.grid_id = v->ngrids ? v->grids[pick(&g->seed, v->ngrids)] : 0;
    const char *cats[1] = {category};
    in.categories = cats;
    in.ncategories = category ? 1 : 0;
    in.address = arena_printf(g->z->arena, "%d号", 1 + pick(&g->seed, 300));
    int64_t hh;
    int rc = registry_household_create(g->z, g->d, &in, &hh, err);
    if (rc)
        return rc;
    g->households++;
    const char *surname = SURNAMES[pick(&g->seed, N(SURNAMES))];
    bool head_male = pick(&g->seed, 5) != 0;
    int head_birth = birth(g, 1945, 1985);
    if ((rc = member(g, hh, surname, "head", head_male, head_birth, err)))
        return rc;
    int hy = head_birth / 10000;
    for (int i = 1; i < size && !rc; i++) {
        if (i == 1 && size > 1 && pick(&g->seed, 4) != 0) {
            rc = member(g, hh, SURNAMES[pick(&g->seed, N(SURNAMES))], "spouse", !head_male,
                        birth(g, hy - 3, hy + 3), err);
        } else if (i == size - 1 && size >= 4 && hy > 1965) {
            rc = member(g, hh, surname, "parent", pick(&g->seed, 2), birth(g, 1930, hy - 20), err);
        } else {
            bool male = pick(&g->seed, 2);
            int from = hy + 20 < 2000 ? hy + 20 : 2000;
            rc = member(g, hh, surname, male ? "son" : "daughter", male, birth(g, from, 2017), err);
        }
    }
    if (rc)
        return rc;
    /* 住房 and 饮水 checked at every registered-poor household in mid-2018. */
    if (poor_year) {
        bool ok;
        bool still_poor = !exit_year;
        const char *rating = still_poor && pick(&g->seed, 4) == 0 ? "C"
                             : pick(&g->seed, 3)                  ? "B"
                                                                  : "A";
        struct guarantee_input h = {
            .kind = "housing", .rating = rating, .ok = -1, .checked_on = "2018-06-30"};
        struct guarantee_input w = {.kind = "water",
                                    .ok = -1,
                                    .litres = 40 + pick(&g->seed, 40),
                                    .minutes = 5 + pick(&g->seed, 10),
                                    .horizontal_m = 100,
                                    .vertical_m = 10,
                                    .cut_days = pick(&g->seed, 20),
                                    .quality_ok = 1,
                                    .checked_on = "2018-06-30"};
        if ((rc = registry_guarantee_add(g->z, g->d, hh, &h, &ok, err)) ||
            (rc = registry_guarantee_add(g->z, g->d, hh, &w, &ok, err)))
            return rc;
    }
    /* The 2018 income: ordinary and lifted households above the line, the poor and 低保 below. */
    bool low = (poor_year && !exit_year) || (category && strcmp(category, "dibao") == 0);
    int64_t per = low ? 200000 + pick(&g->seed, 250000) : 700000 + pick(&g->seed, 900000);
    struct income_input inc = {.assessed_on = "2018-12-31", .source = "demo"};
    inc.members = size;
    inc.wages = per * size * 7 / 10;
    inc.business = per * size * 2 / 10;
    inc.transfers = per * size - inc.wages - inc.business;
    int64_t iid;
    return registry_income_add(g->z, hh, &inc, &iid, err);
}

/* hh households holding p persons between them, sizes as even as possible (shuffled). */
static int group_of(struct gen *g, int hh, int p, const char *category, int poor_year_from,
                    int exit_year, struct error *err)
{
    int base = p / hh, extra = p % hh;
    for (int i = 0; i < hh; i++) {
        /* Spread the larger households at random: choose among those left. */
        bool big = extra > 0 && pick(&g->seed, hh - i) < extra;
        if (big)
            extra--;
        int poor = poor_year_from ? poor_year_from + pick(&g->seed, 2) : 0;
        int ex = exit_year > 0 ? exit_year : exit_year < 0 ? 2014 + pick(&g->seed, 4) : 0;
        if (ex && poor > ex)
            poor = ex;
        int rc = household(g, base + (big ? 1 : 0), category, poor, ex, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int demo_duplicate(struct gen *g, struct error *err)
{
    struct scope all = {.kind = SCOPE_ALL};
    struct household_filter f = {.category = "yiban", .page = 1, .page_size = 1};
    struct household *h, *other;
    size_t n, nother;
    int64_t total;
    struct person p;
    int rc = store_household_list(g->z->db, &all, &f, g->z->arena, &h, &n, &total, err);
    if (rc || !n || !h[0].head_person_id)
        return rc;
    /* a second household in the same place */
    f.in_path = h[0].area_path;
    f.page_size = 2;
    if ((rc =
             store_household_list(g->z->db, &all, &f, g->z->arena, &other, &nother, &total, err)) ||
        nother < 2 ||
        (rc = store_person_get(g->z->db, h[0].head_person_id, &all, g->z->arena, &p, err)))
        return rc;
    char first17[18], id[19];
    int ymd;
    cal_parse_date(p.birth_date, &ymd);
    snprintf(first17, sizeof(first17), "500236%08d%03d", ymd, 999);
    snprintf(id, sizeof(id), "%s%c", first17, idnum_check_char(first17));
    struct person_input pi = {.name = p.name,
                              .id_number = id,
                              .relation = "other",
                              .labour = p.labour,
                              .joined_on = "2018-03-01"};
    int64_t pid;
    struct person_dup *d;
    if ((rc = registry_person_add(g->z, g->d, other[1].id, &pi, &pid, err)) ||
        (rc = store_person_dup_list(g->z->db, &all, "open", g->z->arena, &d, &n, err)))
        return rc;
    /* found on review and merged into the first record: the population stays right */
    return n ? registry_duplicate_merge(g->z, d[0].id, p.id, err) : 0;
}

int demo_registry(struct zctx *z, const struct registry_defs *d, uint64_t seed, struct error *err)
{
    struct gen g = {.z = z, .d = d, .seed = seed, .seq = 0};
    bool bulk = z->bulk;
    z->bulk = true;
    int rc = load_villages(&g, err);
    /* Lifted out in 2018; in earlier years (exit -1: 2014-2017); still poor. */
    if (!rc)
        rc = group_of(&g, DEMO_EXIT2018_HH, DEMO_EXIT2018_P, "tuopin", 2014, 2018, err);
    if (!rc)
        rc = group_of(&g, DEMO_EARLIER_HH, DEMO_EARLIER_P, "tuopin", 2014, -1, err);
    if (!rc)
        rc = group_of(&g, DEMO_POOR_HH, DEMO_POOR_P, NULL, 2014, 0, err);
    if (!rc)
        rc = group_of(&g, DEMO_DIBAO_HH, DEMO_DIBAO_P, "dibao", 0, 0, err);
    /* Ordinary households up to the registered population, 1 to 5 people each. */
    while (!rc && g.persons < DEMO_POPULATION) {
        int left = DEMO_POPULATION - g.persons, size = 1 + pick(&g.seed, 5);
        rc = household(&g, size < left ? size : left, "yiban", 0, 0, err);
    }
    /*
     * One likely duplicate, found and merged: the head of an ordinary
     * household entered again, under a mistyped ID number, in a neighbour's
     * household (a classic of paper ledgers).
     */
    if (!rc)
        rc = demo_duplicate(&g, err);
    z->bulk = bulk;
    if (rc)
        return rc;
    json_t *after = json_pack("{s:i, s:i, s:I}", "households", g.households, "persons", g.persons,
                              "seed", (json_int_t)seed);
    rc = audit_log(z, "demo", "registry", 0, NULL, after, err);
    json_decref(after);
    return rc;
}
