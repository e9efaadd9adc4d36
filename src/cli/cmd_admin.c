/*
 * cmd_admin.c - the operator's subcommands: migrate, user add, backup,
 * restore and check audit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "domain/attachments.h"
#include "domain/auth.h"
#include "domain/casedef.h"
#include "domain/benefits.h"
#include "domain/assessment.h"
#include "domain/doc_template.h"
#include "domain/services.h"
#include "domain/indicators.h"
#include "domain/users.h"
#include "store/store_registry.h"
#include "limits.h"
#include "domain/notices.h"
#include "domain/report_template.h"
#include "banned.h"

/* Parses "--name value" pairs into the given slots; returns false on a bad flag. */
struct flag {
    const char *name;
    const char **value;
};

static bool parse_flags(const char *cmd, int argc, char **argv, struct flag *flags, size_t n)
{
    for (int i = 1; i < argc; i++) {
        size_t k;
        for (k = 0; k < n; k++)
            if (strcmp(argv[i], flags[k].name) == 0)
                break;
        if (k == n) {
            fprintf(stderr, "zhenwu %s: 不认识的参数“%s”\n", cmd, argv[i]);
            return false;
        }
        if (!(*flags[k].value = cli_arg(argc, argv, &i)))
            return false;
    }
    return true;
}

int cmd_migrate(int argc, char **argv)
{
    const char *db = NULL;
    struct flag f[] = {{"--db", &db}};
    if (!parse_flags("migrate", argc, argv, f, 1) || !db) {
        fprintf(stderr, "用法: zhenwu migrate --db 数据库\n");
        return 2;
    }
    struct error err = {0};
    struct store *s;
    if (store_open(db, true, &s, &err))
        return cli_fail(&err);
    store_close(s);
    printf("数据库 %s 已是最新结构\n", db);
    return 0;
}

static int read_password(char *out, size_t cap)
{
    const char *env = getenv("ZHENWU_PASSWORD");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return 0;
    }
    if (isatty(STDIN_FILENO))
        fprintf(stderr, "初始密码: ");
    if (!fgets(out, (int)cap, stdin))
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] ? 0 : -1;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        fprintf(stderr, "用法: zhenwu user add --db 数据库 --username 用户名 --name 姓名 "
                        "--area 区划代码 --role 角色代码[,角色代码] [--phone 电话]\n");
        return 2;
    }
    const char *db_path = NULL, *username = NULL, *name = NULL, *area = NULL, *roles = NULL,
               *phone = NULL;
    struct flag f[] = {{"--db", &db_path}, {"--username", &username}, {"--name", &name},
                       {"--area", &area},  {"--role", &roles},        {"--phone", &phone}};
    if (!parse_flags("user add", argc - 1, argv + 1, f, 6))
        return 2;
    if (!db_path || !username || !name || !area || !roles) {
        fprintf(stderr, "zhenwu user add: 需要 --db --username --name --area --role\n");
        return 2;
    }
    char password[ZW_PASSWORD_MAX_BYTES + 2];
    if (read_password(password, sizeof(password))) {
        fprintf(stderr, "zhenwu user add: 需要初始密码（ZHENWU_PASSWORD 或标准输入）\n");
        return 2;
    }
    struct error err = {0};
    struct store *s;
    struct arena a = {0};
    struct zctx z;
    int rc;
    if (store_open(db_path, true, &s, &err))
        return cli_fail(&err);
    struct db *db = store_db(s, &err);
    cli_zctx(&z, db, &a);
    struct security_settings set;
    struct area ar;
    int64_t ids[ZW_MAX_ROLES_PER_USER];
    size_t nids = 0;
    char hash[160];
    if ((rc = settings_security_get(db, &a, &set, &err)) ||
        (rc = auth_check_policy(&set, password, &err)))
        goto out;
    if ((rc = store_area_by_code(db, area, &ar, &err))) {
        err_set(&err, rc, "area", "找不到区划代码 %s", area);
        goto out;
    }
    char *list = arena_strdup(&a, roles), *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        struct role r;
        if (nids == ZW_MAX_ROLES_PER_USER || (rc = store_role_by_code(db, tok, &a, &r, &err))) {
            rc = err_set(&err, ZW_EINVAL, "role", "找不到角色 %s", tok);
            goto out;
        }
        ids[nids++] = r.id;
    }
    if ((rc = auth_hash_password(password, hash, &err)) || (rc = store_begin(db, true, &err)))
        goto out;
    struct user_input in = {.username = username,
                            .name = name,
                            .phone = phone,
                            .password_hash = hash,
                            .area_id = ar.id,
                            .role_ids = ids,
                            .nroles = nids,
                            .must_change_password = true};
    struct user u;
    if ((rc = users_create(&z, &in, &u, &err)) || (rc = store_commit(db, &err))) {
        store_rollback(db);
        goto out;
    }
    printf("已添加用户 %s（%s），首次登录须修改密码\n", u.username, u.name);
out:
    arena_release(&a);
    store_close(s);
    return rc ? cli_fail(&err) : 0;
}

/* attach_scan_dir on database db; false (said on stderr) if it could not run. */
static bool scan_files(const char *db, const char *from_dir, const char *to_dir,
                       struct attach_scan *scan)
{
    struct error err = {0};
    struct store *s;
    struct arena a = {0};
    if (store_open(db, false, &s, &err)) {
        cli_fail(&err);
        return false;
    }
    int rc = attach_scan_dir(store_db(s, &err), &a, from_dir, to_dir, scan, &err);
    store_close(s);
    arena_release(&a);
    if (rc)
        cli_fail(&err);
    return rc == 0;
}

/*
 * Copies the files of every attachment the database at db names from
 * from_dir to to_dir, checking each; prints what it did.  0, or 1 when a file
 * was missing or damaged (the rest are copied), or 2 when it could not run.
 */
static int copy_files(const char *db, const char *from_dir, const char *to_dir)
{
    struct attach_scan scan;
    if (!scan_files(db, from_dir, to_dir, &scan))
        return 2;
    printf("附件：%lld 个文件（%.1f MB）已复制到 %s\n", (long long)scan.files,
           (double)scan.bytes / (1024 * 1024), to_dir);
    if (scan.missing || scan.damaged) {
        fprintf(stderr, "zhenwu: %s 中有 %lld 个附件文件缺失、%lld 个已损坏（如 %s），未能复制\n",
                from_dir, (long long)scan.missing, (long long)scan.damaged, scan.first_bad);
        return 1;
    }
    return 0;
}

int cmd_backup(int argc, char **argv)
{
    const char *db = NULL, *to = NULL, *files = NULL;
    struct flag f[] = {{"--db", &db}, {"--to", &to}, {"--files", &files}};
    if (!parse_flags("backup", argc, argv, f, 3) || !db || !to) {
        fprintf(stderr, "用法: zhenwu backup --db 数据库 --to 备份文件 [--files 附件目录]\n"
                        "（附件复制到“备份文件.files”目录）\n");
        return 2;
    }
    struct error err = {0};
    if (store_is_pg(db) || store_is_pg(to)) {
        fprintf(stderr, "zhenwu backup: PostgreSQL 数据库请用 pg_dump 或 pgBackRest 备份（见 "
                        "docs/deploy.md）；本命令备份 SQLite 数据库文件\n");
        return 1;
    }
    if (access(to, F_OK) == 0) {
        fprintf(stderr, "zhenwu backup: %s 已存在，不会覆盖\n", to);
        return 1;
    }
    if (store_backup(db, to, &err))
        return cli_fail(&err);
    chmod(to, 0600);
    printf("已备份 %s 到 %s\n", db, to);
    /* The files the backup names, from the live directory: it only grows, so none is missing. */
    char from_dir[1100], to_dir[1100];
    if (files)
        snprintf(from_dir, sizeof(from_dir), "%s", files);
    else
        attach_default_dir(db, from_dir, sizeof(from_dir));
    attach_default_dir(to, to_dir, sizeof(to_dir));
    return copy_files(to, from_dir, to_dir);
}

int cmd_restore(int argc, char **argv)
{
    const char *from = NULL, *db = NULL, *files = NULL;
    struct flag f[] = {{"--from", &from}, {"--db", &db}, {"--files", &files}};
    if (!parse_flags("restore", argc, argv, f, 3) || !from || !db) {
        fprintf(stderr,
                "用法: zhenwu restore --from 备份文件 --db 数据库（数据库文件不能已存在）\n");
        return 2;
    }
    if (store_is_pg(db) || store_is_pg(from)) {
        fprintf(stderr, "zhenwu restore: PostgreSQL 数据库请用 pg_restore 或 pgBackRest 恢复；"
                        "本命令恢复 SQLite 备份文件\n");
        return 1;
    }
    if (access(db, F_OK) == 0) {
        fprintf(stderr, "zhenwu restore: %s 已存在；请先停止服务并移走它，再恢复\n", db);
        return 1;
    }
    struct error err = {0};
    struct store *s;
    struct audit_check res;
    if (store_backup(from, db, &err))
        return cli_fail(&err);
    if (store_open(db, true, &s, &err))
        return cli_fail(&err);
    int rc = audit_verify(store_db(s, &err), &res, &err);
    store_close(s);
    if (rc)
        return cli_fail(&err);
    if (res.first_bad) {
        fprintf(stderr, "zhenwu restore: 已恢复，但审计日志校验失败：%s\n", res.reason);
        return 1;
    }
    printf("已从 %s 恢复到 %s，审计日志完整（%lld 条）\n", from, db, (long long)res.rows);
    char from_dir[1100], to_dir[1100];
    attach_default_dir(from, from_dir, sizeof(from_dir));
    if (files)
        snprintf(to_dir, sizeof(to_dir), "%s", files);
    else
        attach_default_dir(db, to_dir, sizeof(to_dir));
    return copy_files(db, from_dir, to_dir);
}

/* zhenwu check files: every attachment's file is there and matches its SHA-256. */
static int check_files(int argc, char **argv)
{
    const char *db = NULL, *files = NULL;
    struct flag f[] = {{"--db", &db}, {"--files", &files}};
    if (!parse_flags("check files", argc, argv, f, 2) || !db) {
        fprintf(stderr, "用法: zhenwu check files --db 数据库 [--files 附件目录]\n");
        return 2;
    }
    char dir[1100];
    if (files)
        snprintf(dir, sizeof(dir), "%s", files);
    else
        attach_default_dir(db, dir, sizeof(dir));
    struct attach_scan scan;
    if (!scan_files(db, dir, NULL, &scan))
        return 2;
    if (scan.missing || scan.damaged) {
        printf("附件文件有问题：%lld 个缺失，%lld 个已损坏（校验和不符），如 %s\n",
               (long long)scan.missing, (long long)scan.damaged, scan.first_bad);
        return 1;
    }
    printf("附件文件完整：共 %lld 个文件，校验和全部相符\n", (long long)scan.files);
    return 0;
}

/* zhenwu check defs: every case-type definition loads and passes its checks. */
static int check_defs(int argc, char **argv)
{
    const char *defs = cli_defs_dir();
    struct flag f[] = {{"--defs", &defs}};
    if (!parse_flags("check defs", argc, argv, f, 1)) {
        fprintf(stderr, "用法: zhenwu check defs [--defs 目录]\n");
        return 2;
    }
    char dir[2048];
    snprintf(dir, sizeof(dir), "%s/case_types", defs);
    struct arena a = {0};
    struct case_types types;
    struct error err = {0};
    int rc = casedef_load_dir(dir, &a, &types, &err);
    if (!rc) {
        snprintf(dir, sizeof(dir), "%s/documents", defs);
        rc = doc_template_load_dir(dir, &types, &a, &err);
    }
    if (rc) {
        arena_release(&a);
        cli_fail(&err);
        return 1;
    }
    for (size_t i = 0; i < types.n; i++)
        printf("%-14s %s：%zu 个状态，%zu 个流转，%zu 个计时\n", types.v[i].code, types.v[i].name,
               types.v[i].nstates, types.v[i].ntransitions, types.v[i].nclocks);
    printf("%zu 个办件类型定义有效\n", types.n);
    size_t ndocs = 0;
    for (size_t i = 0; i < types.n; i++)
        ndocs += types.v[i].ndocuments;
    printf("%zu 个文书模板有效\n", ndocs);
    /* The public service catalogue refers to the case types: checked against them. */
    char svc_path[2048];
    struct services svc;
    snprintf(svc_path, sizeof(svc_path), "%s/services.json", defs);
    if (services_load(svc_path, &types, &a, &svc, &err)) {
        arena_release(&a);
        cli_fail(&err);
        return 1;
    }
    printf("服务目录有效：%zu 项公开服务\n", svc.n);
    struct programmes prog;
    if (benefits_load(defs, &types, &a, &prog, &err)) {
        arena_release(&a);
        cli_fail(&err);
        return 1;
    }
    printf("救助项目清单有效：%zu 个项目，%zu 条低保标准\n", prog.n, prog.nstd);
    struct indicators ind;
    struct assess_schemes schemes;
    struct notice_defs notices;
    struct report_templates reports;
    if (indicators_load(defs, &a, &ind, &err) || assess_load(defs, &ind, &a, &schemes, &err) ||
        notices_load(defs, &prog, NULL, &a, &notices, &err) ||
        report_templates_load(defs, &ind, &a, &reports, &err)) {
        arena_release(&a);
        cli_fail(&err);
        return 1;
    }
    printf("指标定义有效：%zu 个指标；考核方案有效：%zu 个\n", ind.n, schemes.n);
    printf("工作报告模板有效：%zu 个\n", reports.n);
    printf("公示种类和模板有效：%zu 种公示\n", notices.n);
    arena_release(&a);
    return 0;
}

/*
 * zhenwu check counts: the counters the indicators read for persons,
 * households and cases equal a recount of the records; --fix rebuilds them.  Exit codes: 0 equal
 * (or fixed), 1 they differ, 2 cannot check.
 */
static int check_counts(int argc, char **argv)
{
    const char *db = NULL;
    struct flag f[] = {{"--db", &db}};
    char *args[16];
    int n = 0;
    bool fix = false;
    for (int i = 0; i < argc && n < 16; i++) /* --fix takes no value */
        if (i > 0 && strcmp(argv[i], "--fix") == 0)
            fix = true;
        else
            args[n++] = argv[i];
    if (argc > 16 || !parse_flags("check counts", n, args, f, 1) || !db) {
        fprintf(stderr, "用法: zhenwu check counts --db 数据库 [--fix]\n");
        return 2;
    }
    struct error err = {0};
    struct store *s;
    struct db *h;
    int64_t wrong = 0;
    if (store_open(db, false, &s, &err)) {
        cli_fail(&err);
        return 2;
    }
    /* then the indicators the counters answer, from the counters and from the records */
    struct arena a = {0};
    struct indicators ind;
    size_t checked = 0, differ = 0;
    char first[512] = "";
    struct zctx z;
    int rc = !(h = store_db(s, &err)) || store_begin(h, fix, &err) ||
             store_counts_check(h, fix, &wrong, &err);
    if (!rc && fix)
        rc = store_commit(h, &err);
    else if (h)
        store_rollback(h);
    if (!rc && !wrong) {
        cli_zctx(&z, h, &a);
        rc = indicators_load(cli_defs_dir(), &a, &ind, &err) || store_begin(h, false, &err) ||
             indicators_check_counts(&z, &ind, cal_local_ymd(z.now) / 10000, &checked, &differ,
                                     first, sizeof(first), &err);
        store_rollback(h);
    }
    arena_release(&a);
    store_close(s);
    if (rc) {
        cli_fail(&err);
        return 2;
    }
    if (differ) {
        printf("指标按计数与按台账计算不一致：%zu / %zu 项，如 %s\n", differ, checked, first);
        return 1;
    }
    if (!wrong) {
        printf("统计计数与台账一致；%zu 项指标值按计数与按台账计算相同\n", checked);
        return 0;
    }
    printf(fix ? "统计计数有 %lld 处与台账不符，已按台账重建\n"
               : "统计计数有 %lld 处与台账不符；用 --fix 按台账重建\n",
           (long long)wrong);
    return fix ? 0 : 1;
}

int cmd_check(int argc, char **argv)
{
    const char *db = NULL;
    struct flag f[] = {{"--db", &db}};
    if (argc >= 2 && strcmp(argv[1], "defs") == 0)
        return check_defs(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "counts") == 0)
        return check_counts(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "files") == 0)
        return check_files(argc - 1, argv + 1);
    if (argc < 2 || strcmp(argv[1], "audit") != 0 ||
        !parse_flags("check audit", argc - 1, argv + 1, f, 1) || !db) {
        fprintf(stderr,
                "用法: zhenwu check audit|files|counts --db 数据库，或 zhenwu check defs\n");
        return 2;
    }
    struct error err = {0};
    struct store *s;
    struct audit_check res;
    if (!store_is_pg(db) && access(db, R_OK) != 0) {
        fprintf(stderr, "zhenwu check: 无法读取 %s\n", db);
        return 2;
    }
    /* Exit codes: 0 intact, 1 broken chain, 2 cannot check (no database, no connection). */
    if (store_open(db, false, &s, &err)) {
        cli_fail(&err);
        return 2;
    }
    int rc = audit_verify(store_db(s, &err), &res, &err);
    store_close(s);
    if (rc) {
        cli_fail(&err);
        return 2;
    }
    if (res.first_bad) {
        printf("审计日志已被篡改：%s\nfirst_broken_id=%lld\n", res.reason,
               (long long)res.first_bad);
        return 1;
    }
    printf("审计日志完整：共 %lld 条记录，哈希链校验通过\n", (long long)res.rows);
    return 0;
}

static void copy_progress(const char *table, int64_t done, int64_t total, void *ud)
{
    (void)ud;
    fprintf(stderr, "\r复制 %-18s %lld / %lld", table, (long long)done, (long long)total);
    if (done == total)
        fprintf(stderr, "\n");
}

/* Flags without a value, removed from argv; returns whether flag was there. */
static bool take_switch(int *argc, char **argv, const char *flag)
{
    for (int i = 1; i < *argc; i++)
        if (strcmp(argv[i], flag) == 0) {
            memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i - 1) * sizeof(char *));
            (*argc)--;
            return true;
        }
    return false;
}

int cmd_copy(int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *batch_s = NULL;
    struct flag f[] = {{"--from", &from}, {"--to", &to}, {"--batch", &batch_s}};
    bool merge = take_switch(&argc, argv, "--merge");
    if (!parse_flags("copy", argc, argv, f, 3) || !from || !to) {
        fprintf(stderr,
                "用法: zhenwu copy --from 数据库 --to 数据库 [--batch 行数] [--merge]\n"
                "  例: zhenwu copy --from var/demo.db --to postgresql://zhenwu@127.0.0.1/zhenwu\n"
                "  --merge: 目标库已有其他乡镇时，把源库的乡镇并入（新编号，审计链接续）\n");
        return 2;
    }
    long batch = batch_s ? strtol(batch_s, NULL, 10) : 1000;
    if (batch < 1 || batch > 100000) {
        fprintf(stderr, "zhenwu copy: --batch 应在 1 至 100000 之间\n");
        return 2;
    }
    if (!store_is_pg(from) && access(from, R_OK) != 0) {
        fprintf(stderr, "zhenwu copy: 无法读取 %s\n", from);
        return 2;
    }
    struct error err = {0};
    struct store *src = NULL, *dst = NULL;
    struct audit_check res;
    char report[1024];
    int rc, version, latest;
    if ((rc = store_open(from, false, &src, &err)))
        goto out;
    struct db *a = store_db(src, &err);
    if ((rc = store_schema_version(a, &version, &latest, &err)))
        goto out;
    if (version != latest) {
        rc = err_set(&err, ZW_EINVAL, NULL,
                     "源数据库结构版本为 %d，请先运行 zhenwu migrate（当前 %d）", version, latest);
        goto out;
    }
    if ((rc = audit_verify(a, &res, &err)))
        goto out;
    if (res.first_bad) {
        rc = err_set(&err, ZW_EINVAL, NULL, "源数据库审计日志已损坏，拒绝复制：%s", res.reason);
        goto out;
    }
    int64_t source_rows = res.rows;
    if ((rc = store_open(to, true, &dst, &err)))
        goto out;
    struct db *b = store_db(dst, &err);
    struct error probe = {0};
    bool empty = store_copy_check_empty(b, &probe) == 0;
    if (!empty && !merge) {
        rc = err_set(&err, ZW_ECONFLICT, NULL,
                     "%s（要把本库的乡镇并入已有数据的目标库，请加 --merge）", probe.message);
        goto out;
    }
    if (empty) {
        if ((rc = store_copy(a, b, (size_t)batch, copy_progress, NULL, &err)) ||
            (rc = store_copy_compare_counts(a, b, report, sizeof(report), &err)))
            goto out;
    } else {
        struct store_merge_result mr;
        if ((rc = store_copy_merge(a, b, from, (int64_t)time(NULL), audit_row_hash, &mr, &err)))
            goto out;
        snprintf(report, sizeof(report),
                 "并入区划 %lld 个、用户 %lld 个、审计记录 %lld 条（源库 %lld 条）",
                 (long long)mr.areas, (long long)mr.users, (long long)mr.audit_rows,
                 (long long)source_rows);
        if (mr.audit_rows != source_rows) {
            rc = err_set(&err, ZW_EDB, NULL, "审计记录条数不一致：%s", report);
            goto out;
        }
    }
    if ((rc = audit_verify(b, &res, &err)))
        goto out;
    if (res.first_bad) {
        rc = err_set(&err, ZW_EDB, NULL, "复制后审计日志校验失败：%s", res.reason);
        goto out;
    }
    printf("已%s %s → %s\n%s：%s\n审计日志完整：%lld 条，哈希链校验通过\n", empty ? "复制" : "合并",
           from, to, empty ? "行数一致" : "合并结果", report, (long long)res.rows);
out:
    store_close(dst);
    store_close(src);
    return rc ? cli_fail(&err) : 0;
}
