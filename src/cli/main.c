/*
 * main.c - the zhenwu binary: picks the subcommand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "domain/auth.h"
#include "banned.h"

const struct principal cli_principal = {
    .user_id = 0,
    .username = "(命令行)",
    .scope_kind = SCOPE_ALL,
    .superuser = true,
};

void cli_zctx(struct zctx *z, struct db *db, struct arena *a)
{
    *z = (struct zctx){
        .db = db, .arena = a, .who = &cli_principal, .ip = "local", .now = (int64_t)time(NULL)};
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_defs_dir(void)
{
    static char found[4096];
    const char *env = getenv("ZHENWU_DEFS");
    if (env && *env)
        return env;
    if (is_dir("defs/calendar"))
        return "defs";
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const ups[] = {"/defs", "/../defs", "/../../defs"};
        for (size_t i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
            char probe[4200];
            snprintf(found, sizeof(found), "%s%s", exe, ups[i]);
            snprintf(probe, sizeof(probe), "%s/calendar", found);
            if (is_dir(probe))
                return found;
        }
    }
    return "defs";
}

const char *cli_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "zhenwu: 参数 %s 需要一个值\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int cli_fail(const struct error *err)
{
    fprintf(stderr, "zhenwu: %s", err->message[0] ? err->message : err_str(err->code));
    if (err->detail[0])
        fprintf(stderr, "（%s）", err->detail);
    fprintf(stderr, "\n");
    return 1;
}

static void usage(FILE *f)
{
    fputs(
        "用法: zhenwu <命令> [参数]\n"
        "\n"
        "  serve   --db 数据库 [--listen 127.0.0.1:8080] [--web web/dist] [--config 文件]\n"
        "          启动服务\n"
        "  init    --db 数据库 --township 乡镇代码 [--demo [--no-demo-cases]] [--credentials "
        "文件]\n"
        "          为一个乡镇创建数据库（县、乡镇及全部村）\n"
        "  migrate --db 数据库          应用数据库迁移\n"
        "  user add --db 数据库 --username 用户名 --name 姓名 --area 区划代码 --role 角色代码\n"
        "          从命令行添加用户（密码取自 ZHENWU_PASSWORD 或标准输入）\n"
        "  backup  --db 数据库 --to 备份文件      在线一致性备份\n"
        "  restore --from 备份文件 --db 数据库    从备份恢复\n"
        "  check audit --db 数据库                校验审计日志哈希链\n"
        "  check defs [--defs 目录]               校验办件类型定义（defs/case_types）\n"
        "  check files --db 数据库 [--files 目录]  校验附件文件（缺失、校验和不符）\n"
        "  check counts --db 数据库 [--fix]       校验统计计数（指标所读）与台账一致\n"
        "  copy    --from 数据库 --to 数据库       整库复制（如 SQLite → "
        "PostgreSQL），校验行数与审计链\n"
        "  apikey  add 名称 [--user 用户名]|list|disable 名称 --db 数据库\n"
        "          接口密钥（新建时只显示一次）：Open311 报事；带 --user 为只读统计接口\n"
        "  import  --db 数据库 --kind households|persons|incomes|department --file 文件 [--commit "
        "valid|all]\n"
        "          从 CSV / XLSX 导入户籍台账（--kind payments 为救助发放明细）：先检查并打印报告，"
        "--commit 再导入\n"
        "  report  --db 数据库 --template 模板 --year 年度 --out 文件.html|.docx|.pdf [--area "
        "区划代码]\n"
        "          按 defs/reports/ 的模板生成工作报告\n"
        "\n"
        "数据库可以是 SQLite 文件路径，也可以是 postgresql://用户@主机/库名\n",
        f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    store_global_init();
    if (auth_init() != 0) {
        fprintf(stderr, "zhenwu: 无法初始化加密库\n");
        return 1;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "init") == 0)
        return cmd_init(argc - 1, argv + 1);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(argc - 1, argv + 1);
    if (strcmp(cmd, "user") == 0)
        return cmd_user(argc - 1, argv + 1);
    if (strcmp(cmd, "backup") == 0)
        return cmd_backup(argc - 1, argv + 1);
    if (strcmp(cmd, "restore") == 0)
        return cmd_restore(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "copy") == 0)
        return cmd_copy(argc - 1, argv + 1);
    if (strcmp(cmd, "apikey") == 0)
        return cmd_apikey(argc - 1, argv + 1);
    if (strcmp(cmd, "import") == 0)
        return cmd_import(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "zhenwu: 不认识的命令“%s”\n\n", cmd);
    usage(stderr);
    return 2;
}
