/*
 * auth.h - passwords, logins, sessions and the security settings.
 *
 * Passwords are hashed with argon2id (libsodium's crypto_pwhash_str); at most
 * ZW_MAX_CONCURRENT_HASHES run at once, so a login flood cannot exhaust
 * memory.  Session tokens are 256 random bits handed to the browser; only
 * their SHA-256 is stored.
 */
#ifndef ZW_AUTH_H
#define ZW_AUTH_H

#include "domain.h"

struct security_settings {
    int password_min_length;
    int password_min_classes; /* of: lower, upper, digit, other */
    int lockout_threshold;
    int lockout_minutes;
    int session_idle_minutes;
    int session_absolute_hours;
    int version; /* 0 while the defaults are in force */
};

/* Starts libsodium and the hash limiter; call once from main. */
int auth_init(void);
/* Hash strength: interactive (default) or the minimum, for the demo set-up only. */
void auth_set_fast_hashing(bool fast);

int settings_security_get(struct db *db, struct arena *a, struct security_settings *out,
                          struct error *err);
/* Validates and stores s if expect_version matches (0 = still defaults); audited. */
int settings_security_put(struct zctx *z, struct security_settings *s, int expect_version,
                          struct error *err);
json_t *settings_security_json(const struct security_settings *s);

/* Checks pw against the policy; ZW_EWEAKPW with a message saying what is missing. */
int auth_check_policy(const struct security_settings *s, const char *pw, struct error *err);
/* argon2id hash of pw into out (caller's 160-byte buffer).  ZW_EBUSY if the limiter is full. */
int auth_hash_password(const char *pw, char out[160], struct error *err);
/* 0 if pw matches hash, ZW_EBADCRED if not, ZW_EBUSY if the limiter is full. */
int auth_verify_password(const char *hash, const char *pw, struct error *err);

struct login_result {
    char token[64]; /* for the cookie */
    char csrf[64];
    int64_t user_id;
};

/*
 * Checks username and password and opens a session.  Runs its own
 * transactions (the password check happens outside any).  Failed attempts
 * are counted, locked out per the settings, and audited.
 */
int auth_login(struct zctx *z, const char *username, const char *password, struct login_result *out,
               struct error *err);

/*
 * Resolves an API key that acts for a user (`zhenwu apikey add NAME --user`)
 * into that user's principal, marked with the key (out->api_key_id): the
 * analytics a county system pulls.  ZW_EAUTH for an unknown, disabled or
 * Open311 key; ZW_EDISABLED for a disabled user.  Reads only.
 */
int auth_api_key(struct db *db, struct arena *a, const char *key, struct principal *out,
                 struct error *err);

/*
 * Resolves a session token into a principal (arena-owned) or ZW_EAUTH.
 * Expired sessions are deleted.  Reads only (it may run inside a read
 * transaction): out->touch_due says the caller should call auth_touch
 * afterwards, which refreshes last_seen at most once a minute.
 */
int auth_session(struct db *db, struct arena *a, const char *token, int64_t now,
                 struct principal *out, struct error *err);
/* Refreshes the session's last_seen if p->touch_due (a small write). */
int auth_touch(struct db *db, const struct principal *p, int64_t now, struct error *err);
/* Loads the principal of user id (grants, area) for the CLI or a fresh login. */
int auth_principal(struct db *db, struct arena *a, int64_t user_id, struct principal *out,
                   struct error *err);

/* Ends the caller's session; audited. */
int auth_logout(struct zctx *z, struct error *err);

/*
 * Changes the caller's own password: old must match, new must meet the
 * policy and differ.  Other sessions of the user end.  Own transactions.
 */
int auth_change_password(struct zctx *z, const char *old_pw, const char *new_pw, struct error *err);

#endif
