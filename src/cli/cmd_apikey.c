/*
 * cmd_apikey.c - `zhenwu apikey add|list|disable`: the API keys Open311
 * clients send with POST requests.json, and (`add NAME --user USERNAME`)
 * the keys a county system reads the analytics with, acting for that user
 * (Authorization: Bearer, GET /api/v1/indicators..., read-only).
 *
 * A key is printed once, when it is made; the database keeps only its
 * SHA-256, so a lost key is disabled and replaced, never recovered.  Every
 * change is audited as the command line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "cli.h"
#include "jsonx.h"
#include "banned.h"

static int usage(void)
{
    fprintf(stderr, "用法: zhenwu apikey add 名称 [--user 用户名] --db 数据库\n"
                    "      zhenwu apikey list --db 数据库\n"
                    "      zhenwu apikey disable 名称 --db 数据库\n"
                    "名称为 1 至 64 个字母、数字、_ . - （如 app-xiaochengxu）\n"
                    "不带 --user：Open311 报事密钥；带 --user：以该用户的权限和管辖范围"
                    "只读统计指标（Authorization: Bearer 密钥）\n");
    return 2;
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* prefix ("zw311_", "zwapi_") + 32 characters of base32 (160 random bits). */
static void new_key(const char *prefix, char out[64])
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    memcpy(out, prefix, 6);
    for (int i = 0; i < 32; i++)
        out[6 + i] = alphabet[randombytes_uniform(32)];
    out[38] = '\0';
}

static int add(struct db *db, const char *name, const char *username)
{
    struct error err = {0};
    struct arena a = {0};
    struct zctx z;
    cli_zctx(&z, db, &a);
    char key[64], hex[65];
    unsigned char h[crypto_hash_sha256_BYTES];
    new_key(username ? "zwapi_" : "zw311_", key);
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    int64_t id = 0;
    struct user u = {0};
    int rc = store_begin(db, true, &err);
    if (!rc && username && (rc = store_user_by_username(db, username, &u, &err)) == ZW_ENOTFOUND)
        rc = err_set(&err, ZW_EINVAL, "user", "没有用户“%s”", username);
    if (!rc && u.disabled)
        rc = err_set(&err, ZW_EINVAL, "user", "用户“%s”已停用", username);
    if (!rc)
        rc = store_api_key_insert(db, name, hex, u.id, z.now, &id, &err);
    if (!rc) {
        json_t *after = json_pack("{s:s, s:s?}", "name", name, "user", username);
        rc = audit_log(&z, "create", "api_key", id, NULL, after, &err);
        json_decref(after);
    }
    if (!rc)
        rc = store_commit(db, &err);
    if (rc) {
        store_rollback(db);
        arena_release(&a);
        return cli_fail(&err);
    }
    if (username)
        printf("已创建统计接口密钥“%s”，以用户 %s "
               "的权限只读统计指标。密钥只显示这一次，请妥善保存：\n%s\n",
               name, username, key);
    else
        printf("已创建接口密钥“%s”。密钥只显示这一次，请妥善保存：\n%s\n", name, key);
    arena_release(&a);
    return 0;
}

static int list(struct db *db)
{
    struct error err = {0};
    struct arena a = {0};
    struct api_key *v;
    size_t n;
    if (store_api_key_list(db, &a, &v, &n, &err)) {
        arena_release(&a);
        return cli_fail(&err);
    }
    for (size_t i = 0; i < n; i++) {
        char at[32];
        jsonx_format_time(v[i].created_at, at);
        printf("%-24s %s  %s  创建于 %s\n", v[i].name, v[i].disabled ? "已停用" : "有效",
               v[i].user_id ? arena_printf(&a, "统计接口（用户 %s）", v[i].username)
                            : "Open311 报事",
               at);
    }
    printf("共 %zu 个接口密钥\n", n);
    arena_release(&a);
    return 0;
}

static int disable(struct db *db, const char *name)
{
    struct error err = {0};
    struct arena a = {0};
    struct zctx z;
    cli_zctx(&z, db, &a);
    struct api_key k;
    int rc = store_begin(db, true, &err);
    if (!rc)
        rc = store_api_key_disable(db, name, z.now, &k, &err);
    if (!rc) {
        json_t *after = json_pack("{s:s, s:b}", "name", name, "disabled", 1);
        rc = audit_log(&z, "update", "api_key", k.id, NULL, after, &err);
        json_decref(after);
    }
    if (!rc)
        rc = store_commit(db, &err);
    if (rc) {
        store_rollback(db);
        arena_release(&a);
        return cli_fail(&err);
    }
    printf("接口密钥“%s”已停用\n", name);
    arena_release(&a);
    return 0;
}

int cmd_apikey(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *verb = argv[1], *name = NULL, *db_target = NULL, *user = NULL;
    bool needs_name = strcmp(verb, "add") == 0 || strcmp(verb, "disable") == 0;
    if (!needs_name && strcmp(verb, "list") != 0)
        return usage();
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0) {
            if (!(db_target = cli_arg(argc, argv, &i)))
                return 2;
        } else if (strcmp(argv[i], "--user") == 0 && strcmp(verb, "add") == 0) {
            if (!(user = cli_arg(argc, argv, &i)))
                return 2;
        } else if (needs_name && !name && argv[i][0] != '-') {
            name = argv[i];
        } else {
            fprintf(stderr, "zhenwu apikey: 不认识的参数“%s”\n", argv[i]);
            return usage();
        }
    }
    if (!db_target || (needs_name && !name))
        return usage();
    if (name && !name_ok(name)) {
        fprintf(stderr, "zhenwu apikey: 名称应为 1 至 64 个字母、数字、_ . -\n");
        return 2;
    }
    struct error err = {0};
    struct store *s;
    if (store_open(db_target, true, &s, &err))
        return cli_fail(&err);
    struct db *db = store_db(s, &err);
    int rc = !db                            ? cli_fail(&err)
             : strcmp(verb, "add") == 0     ? add(db, name, user)
             : strcmp(verb, "disable") == 0 ? disable(db, name)
                                            : list(db);
    store_close(s);
    return rc;
}
