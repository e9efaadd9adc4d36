/* auth.c - passwords, logins and sessions; see auth.h. */
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "auth.h"
#include "jsonx.h"
#include "limits.h"
#include "log.h"
#include "banned.h"

static sem_t hash_slots;
static bool fast_hashing;

int auth_init(void)
{
    if (sodium_init() < 0)
        return ZW_EINTERNAL;
    if (sem_init(&hash_slots, 0, ZW_MAX_CONCURRENT_HASHES) != 0)
        return ZW_EINTERNAL;
    return 0;
}

void auth_set_fast_hashing(bool fast)
{
    fast_hashing = fast;
}

static int slot_take(struct error *err)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    while (sem_timedwait(&hash_slots, &ts) != 0) {
        if (errno != EINTR)
            return err_set(err, ZW_EBUSY, NULL, "登录请求过多，请稍后重试");
    }
    return 0;
}

int auth_hash_password(const char *pw, char out[160], struct error *err)
{
    int rc = slot_take(err);
    if (rc)
        return rc;
    unsigned long long ops =
        fast_hashing ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = fast_hashing ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    char h[crypto_pwhash_STRBYTES];
    int r = crypto_pwhash_str_alg(h, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13);
    sem_post(&hash_slots);
    if (r != 0)
        return err_set(err, ZW_ENOMEM, NULL, NULL);
    snprintf(out, 160, "%s", h);
    return 0;
}

int auth_verify_password(const char *hash, const char *pw, struct error *err)
{
    int rc = slot_take(err);
    if (rc)
        return rc;
    int r = crypto_pwhash_str_verify(hash, pw, strlen(pw));
    sem_post(&hash_slots);
    return r == 0 ? 0 : err_set(err, ZW_EBADCRED, NULL, NULL);
}

/* ---- settings ---------------------------------------------------------- */

static const struct security_settings defaults = {
    .password_min_length = ZW_DEFAULT_PW_MIN_LEN,
    .password_min_classes = ZW_DEFAULT_PW_CLASSES,
    .lockout_threshold = ZW_DEFAULT_LOCKOUT_FAILS,
    .lockout_minutes = ZW_DEFAULT_LOCKOUT_MIN,
    .session_idle_minutes = ZW_DEFAULT_IDLE_MIN,
    .session_absolute_hours = ZW_DEFAULT_ABSOLUTE_HOURS,
};

json_t *settings_security_json(const struct security_settings *s)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "passwordMinLength",
                     s->password_min_length, "passwordMinClasses", s->password_min_classes,
                     "lockoutThreshold", s->lockout_threshold, "lockoutMinutes", s->lockout_minutes,
                     "sessionIdleMinutes", s->session_idle_minutes, "sessionAbsoluteHours",
                     s->session_absolute_hours, "version", s->version ? s->version : 1);
}

/*
 * Every request reads the session limits, so the settings are cached for a
 * couple of seconds; a change made through settings_security_put is seen at
 * once, one made behind the server's back within SETTINGS_TTL_S.
 */
#define SETTINGS_TTL_S 2
static pthread_mutex_t settings_lock = PTHREAD_MUTEX_INITIALIZER;
static struct security_settings settings_cache;
static time_t settings_cached_at;

static void settings_invalidate(void)
{
    pthread_mutex_lock(&settings_lock);
    settings_cached_at = 0;
    pthread_mutex_unlock(&settings_lock);
}

static int settings_load(struct db *db, struct arena *a, struct security_settings *out,
                         struct error *err);

int settings_security_get(struct db *db, struct arena *a, struct security_settings *out,
                          struct error *err)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&settings_lock);
    bool fresh = settings_cached_at && now - settings_cached_at < SETTINGS_TTL_S;
    if (fresh)
        *out = settings_cache;
    pthread_mutex_unlock(&settings_lock);
    if (fresh)
        return 0;
    int rc = settings_load(db, a, out, err);
    if (rc == 0) {
        pthread_mutex_lock(&settings_lock);
        settings_cache = *out;
        settings_cached_at = now;
        pthread_mutex_unlock(&settings_lock);
    }
    return rc;
}

static int settings_load(struct db *db, struct arena *a, struct security_settings *out,
                         struct error *err)
{
    const char *text;
    int version;
    *out = defaults;
    int rc = store_setting_get(db, "security", a, &text, &version, err);
    if (rc == ZW_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    json_t *v = json_loads(text, 0, NULL);
    if (!v)
        return 0;
    json_unpack(v, "{s?i, s?i, s?i, s?i, s?i, s?i}", "passwordMinLength", &out->password_min_length,
                "passwordMinClasses", &out->password_min_classes, "lockoutThreshold",
                &out->lockout_threshold, "lockoutMinutes", &out->lockout_minutes,
                "sessionIdleMinutes", &out->session_idle_minutes, "sessionAbsoluteHours",
                &out->session_absolute_hours);
    json_decref(v);
    out->version = version;
    return 0;
}

static int check_range(int v, int lo, int hi, const char *field, const char *label,
                       struct error *err)
{
    if (v < lo || v > hi)
        return err_set(err, ZW_EINVAL, field, "“%s”应在 %d 至 %d 之间", label, lo, hi);
    return 0;
}

int settings_security_put(struct zctx *z, struct security_settings *s, int expect_version,
                          struct error *err)
{
    int rc;
    if ((rc = check_range(s->password_min_length, 8, 64, "passwordMinLength", "密码最短长度",
                          err)) ||
        (rc = check_range(s->password_min_classes, 1, 4, "passwordMinClasses", "密码字符种类",
                          err)) ||
        (rc = check_range(s->lockout_threshold, 3, 20, "lockoutThreshold", "锁定前允许失败次数",
                          err)) ||
        (rc =
             check_range(s->lockout_minutes, 1, 1440, "lockoutMinutes", "锁定时长（分钟）", err)) ||
        (rc = check_range(s->session_idle_minutes, 1, 720, "sessionIdleMinutes", "空闲超时（分钟）",
                          err)) ||
        (rc = check_range(s->session_absolute_hours, 1, 72, "sessionAbsoluteHours",
                          "会话最长时长（小时）", err)))
        return rc;
    struct security_settings before;
    settings_invalidate();
    if ((rc = settings_load(z->db, z->arena, &before, err)))
        return rc;
    int current = before.version ? before.version : 1; /* the defaults are version 1 */
    if (current != expect_version)
        return err_set(err, ZW_ESTALE, NULL, NULL);
    s->version = 0;
    json_t *after = settings_security_json(s);
    json_object_del(after, "version");
    char *text = jsonx_dump(z->arena, after, NULL);
    rc = store_setting_put(z->db, "security", text, before.version != 0, current, z->now, err);
    if (!rc) {
        json_t *b = settings_security_json(&before);
        rc = audit_log(z, "update", "settings", 0, b, after, err);
        json_decref(b);
    }
    json_decref(after);
    s->version = current + 1;
    settings_invalidate();
    return rc;
}

int auth_check_policy(const struct security_settings *s, const char *pw, struct error *err)
{
    size_t len = strlen(pw);
    if (len > ZW_PASSWORD_MAX_BYTES)
        return err_set(err, ZW_EWEAKPW, "newPassword", "密码过长（最多 %d 字节）",
                       ZW_PASSWORD_MAX_BYTES);
    size_t chars = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)pw[i] & 0xC0) != 0x80)
            chars++;
    if (chars < (size_t)s->password_min_length)
        return err_set(err, ZW_EWEAKPW, "newPassword", "密码至少需要 %d 个字符",
                       s->password_min_length);
    int lower = 0, upper = 0, digit = 0, other = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pw[i];
        if (c >= 'a' && c <= 'z')
            lower = 1;
        else if (c >= 'A' && c <= 'Z')
            upper = 1;
        else if (c >= '0' && c <= '9')
            digit = 1;
        else
            other = 1;
    }
    if (lower + upper + digit + other < s->password_min_classes)
        return err_set(err, ZW_EWEAKPW, "newPassword",
                       "密码需包含小写字母、大写字母、数字、符号中的至少 %d 种",
                       s->password_min_classes);
    return 0;
}

/* ---- sessions ----------------------------------------------------------- */

static void random_token(char out[64])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Fills out from the user's row u (arena-owned) and loads their grants. */
static int principal_from_user(struct db *db, struct arena *a, struct user *u,
                               struct principal *out, struct error *err)
{
    if (u->disabled)
        return err_set(err, ZW_EDISABLED, NULL, NULL);
    memset(out, 0, sizeof(*out));
    out->user_id = u->id;
    out->username = u->username;
    out->name = u->name;
    out->area_id = u->area_id;
    out->area_path = u->area_path;
    out->must_change_password = u->must_change_password;
    out->user = u;
    return store_user_grants(db, u->id, a, &out->roles, &out->nroles, &out->perms, &out->nperms,
                             &out->scope_kind, err);
}

int auth_principal(struct db *db, struct arena *a, int64_t user_id, struct principal *out,
                   struct error *err)
{
    struct scope all = {.kind = SCOPE_ALL};
    struct user *u = arena_alloc(a, sizeof(*u));
    int rc = store_user_get(db, user_id, &all, u, err);
    if (rc)
        return rc == ZW_ENOTFOUND ? err_set(err, ZW_EAUTH, NULL, NULL) : rc;
    return principal_from_user(db, a, u, out, err);
}

int auth_api_key(struct db *db, struct arena *a, const char *key, struct principal *out,
                 struct error *err)
{
    if (!key || !*key || strlen(key) > 128)
        return err_set(err, ZW_EAUTH, NULL, "接口密钥无效");
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    struct api_key k;
    int rc = store_api_key_by_hash(db, hex, &k, err);
    if (rc == ZW_ENOTFOUND || (!rc && (k.disabled || !k.user_id)))
        return err_set(err, ZW_EAUTH, NULL, rc || !k.disabled ? "接口密钥无效" : "接口密钥已停用");
    if (rc || (rc = auth_principal(db, a, k.user_id, out, err)))
        return rc;
    out->api_key_id = k.id;
    return 0;
}

int auth_session(struct db *db, struct arena *a, const char *token, int64_t now,
                 struct principal *out, struct error *err)
{
    char h[65];
    struct session s;
    struct security_settings set;
    if (!token || strlen(token) != 43)
        return err_set(err, ZW_EAUTH, NULL, NULL);
    token_hash(token, h);
    struct user *u = arena_alloc(a, sizeof(*u));
    int rc = store_session_user(db, h, &s, u, err);
    if (rc)
        return rc;
    if ((rc = settings_security_get(db, a, &set, err)))
        return rc;
    if (now - s.last_seen_at > (int64_t)set.session_idle_minutes * 60 ||
        now - s.created_at > (int64_t)set.session_absolute_hours * 3600) {
        store_session_delete(db, s.id, err);
        return err_set(err, ZW_EAUTH, NULL, "登录已过期，请重新登录");
    }
    if ((rc = principal_from_user(db, a, u, out, err)))
        return rc;
    out->session_id = s.id;
    out->csrf = arena_strdup(a, s.csrf);
    out->touch_due = now - s.last_seen_at >= 60;
    return 0;
}

/* Records a failed attempt for u (NULL for an unknown name) in its own transaction. */
static int login_failed(struct zctx *z, const char *username, struct user *u,
                        const struct security_settings *set, const char *why, struct error *err)
{
    struct error e2;
    int rc = store_begin(z->db, true, &e2);
    if (rc)
        return rc;
    int locked = 0;
    if (u && !u->disabled) {
        int failed = u->failed_logins + 1;
        int64_t until = 0;
        if (failed >= set->lockout_threshold) {
            until = z->now + (int64_t)set->lockout_minutes * 60;
            failed = 0;
            locked = 1;
        }
        rc = store_user_set_login_state(z->db, u->id, failed, until, &e2);
    }
    json_t *detail = json_pack("{s:s, s:b}", "reason", why, "locked", locked);
    if (!rc)
        rc = audit_log_as(z, u ? u->id : 0, username, "login_failed", "session", 0, NULL, detail,
                          &e2);
    json_decref(detail);
    if (!rc)
        rc = store_commit(z->db, &e2);
    if (rc)
        store_rollback(z->db);
    return rc;
}

int auth_login(struct zctx *z, const char *username, const char *password, struct login_result *out,
               struct error *err)
{
    struct security_settings set;
    struct user u;
    int rc = settings_security_get(z->db, z->arena, &set, err);
    if (rc)
        return rc;
    rc = store_user_by_username(z->db, username, &u, err);
    if (rc == ZW_ENOTFOUND) {
        /* Same work and answer as a wrong password: do not reveal which names exist. */
        static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                    "Ejx6VItnFbQy0cImHmE3U0J1W/HZ2Uqa0pXLc0dE0tU";
        auth_verify_password(dummy, password, err);
        login_failed(z, username, NULL, &set, "unknown_user", err);
        return err_set(err, ZW_EBADCRED, NULL, NULL);
    }
    if (rc)
        return rc;
    if (u.locked_until > z->now) {
        char when[32];
        jsonx_format_time(u.locked_until, when);
        login_failed(z, username, NULL, &set, "locked", err);
        return err_set(err, ZW_ELOCKED, NULL, "连续登录失败次数过多，账号已锁定，请于 %.5s 后再试",
                       when + 11);
    }
    rc = auth_verify_password(u.password_hash, password, err);
    if (rc == ZW_EBUSY)
        return rc;
    if (rc) {
        login_failed(z, username, &u, &set, "bad_password", err);
        return err_set(err, ZW_EBADCRED, NULL, NULL);
    }
    if (u.disabled) {
        login_failed(z, username, NULL, &set, "disabled", err);
        return err_set(err, ZW_EDISABLED, NULL, NULL);
    }
    char h[65];
    random_token(out->token);
    random_token(out->csrf);
    token_hash(out->token, h);
    out->user_id = u.id;
    if ((rc = store_begin(z->db, true, err)))
        return rc;
    if ((rc = store_user_set_login_state(z->db, u.id, 0, 0, err)) ||
        (rc = store_session_insert(z->db, h, out->csrf, u.id, z->ip, z->now, err)) ||
        (rc = audit_log_as(z, u.id, u.username, "login", "session", 0, NULL, NULL, err)) ||
        (rc = store_commit(z->db, err))) {
        store_rollback(z->db);
        return rc;
    }
    return 0;
}

int auth_touch(struct db *db, const struct principal *p, int64_t now, struct error *err)
{
    return p->touch_due ? store_session_touch(db, p->session_id, now, err) : 0;
}

int auth_logout(struct zctx *z, struct error *err)
{
    int rc = store_session_delete(z->db, z->who->session_id, err);
    if (rc)
        return rc;
    return audit_log(z, "logout", "session", 0, NULL, NULL, err);
}

int auth_change_password(struct zctx *z, const char *old_pw, const char *new_pw, struct error *err)
{
    struct security_settings set;
    struct user u;
    struct scope all = {.kind = SCOPE_ALL};
    char hash[160];
    int rc = settings_security_get(z->db, z->arena, &set, err);
    if (rc || (rc = store_user_get(z->db, z->who->user_id, &all, &u, err)))
        return rc;
    rc = auth_verify_password(u.password_hash, old_pw, err);
    if (rc)
        return rc == ZW_EBADCRED ? err_set(err, ZW_EBADCRED, "oldPassword", "原密码不正确") : rc;
    if (strcmp(old_pw, new_pw) == 0)
        return err_set(err, ZW_EWEAKPW, "newPassword", "新密码不能与原密码相同");
    if ((rc = auth_check_policy(&set, new_pw, err)))
        return rc;
    if ((rc = auth_hash_password(new_pw, hash, err)))
        return rc;
    if ((rc = store_begin(z->db, true, err)))
        return rc;
    /* Re-read inside the transaction: the version may have moved. */
    if ((rc = store_user_get(z->db, z->who->user_id, &all, &u, err)))
        goto out_rollback;
    snprintf(u.password_hash, sizeof(u.password_hash), "%s", hash);
    u.must_change_password = false;
    u.password_changed_at = z->now;
    u.updated_at = z->now;
    if ((rc = store_user_update(z->db, &u, err)) ||
        (rc = store_session_delete_user(z->db, u.id, z->who->session_id, err)) ||
        (rc = audit_log(z, "password_change", "user", u.id, NULL, NULL, err)) ||
        (rc = store_commit(z->db, err)))
        goto out_rollback;
    return 0;
out_rollback:
    store_rollback(z->db);
    return rc;
}
