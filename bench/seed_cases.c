/*
 * seed_cases.c - fills a demo database with N cases across its villages,
 * through the case engine itself (serials, clocks, timeline, audit), in
 * transactions of 1,000, for the case benchmarks.
 *
 *   seed_cases DB N [DEFS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/cases.h"
#include "domain/workcal.h"
#include "store/store.h"

static const struct principal bench_principal = {
    .username = "(bench)",
    .scope_kind = SCOPE_ALL,
    .superuser = true,
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: seed_cases DB N [DEFS]\n");
        return 2;
    }
    const char *defs = argc > 3 ? argv[3] : "defs";
    long n = strtol(argv[2], NULL, 10);
    struct error err = {0};
    struct store *s;
    struct arena defs_arena = {0};
    struct case_types types;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/case_types", defs);
    store_global_init();
    if (store_open(argv[1], true, &s, &err) || casedef_load_dir(dir, &defs_arena, &types, &err)) {
        fprintf(stderr, "seed_cases: %s\n", err.message);
        return 1;
    }
    struct db *db = store_db(s, &err);
    workcal_reload(db, &err);
    /* The villages of the database: children of its township. */
    struct scope all = {.kind = SCOPE_ALL, .path = "/"};
    struct arena a = {0};
    struct area *top, *town, *villages;
    size_t ntop, ntown, nv;
    if (store_area_children(db, 0, &all, &a, &top, &ntop, &err) || !ntop ||
        store_area_children(db, top[0].id, &all, &a, &town, &ntown, &err) || !ntown ||
        store_area_children(db, town[0].id, &all, &a, &villages, &nv, &err) || !nv) {
        fprintf(stderr, "seed_cases: no villages\n");
        return 1;
    }
    static const char *const kinds[] = {"petition", "hotline", "grid_event", "dispute",
                                        "hazard", "rectification", "supervision"};
    for (long i = 0; i < n; i++) {
        struct arena ra = {0};
        struct zctx z = {.db = db, .arena = &ra, .who = &bench_principal, .ip = "bench",
                         .now = (int64_t)time(NULL)};
        if (i % 1000 == 0 && store_begin(db, true, &err))
            goto fail;
        char title[64];
        snprintf(title, sizeof(title), "压测办件%ld", i + 1);
        struct case_input in = {.type = kinds[i % 7], .title = title, .content = "基准测试数据",
                                .area_id = villages[i % nv].id, .channel = "visit",
                                .requester_name = "张三", .requester_phone = "13900001234"};
        struct case_row r;
        if (cases_create(&z, &types, &in, &r, &err))
            goto fail;
        arena_release(&ra);
        if ((i + 1) % 1000 == 0 || i + 1 == n)
            if (store_commit(db, &err))
                goto fail;
    }
    printf("%ld cases\n", n);
    store_close(s);
    arena_release(&a);
    arena_release(&defs_arena);
    return 0;
fail:
    fprintf(stderr, "seed_cases: %s (%s)\n", err.message, err.detail);
    return 1;
}
