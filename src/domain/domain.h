/*
 * domain.h - what every domain module shares: the acting user (principal),
 * the context a domain call runs in, and the permission vocabulary.
 *
 * Domain functions enforce the rules (who may do what to which record) and
 * write their audit rows in the caller's transaction.  They know nothing of
 * HTTP; the API layer parses input, opens the transaction and calls them.
 */
#ifndef ZW_DOMAIN_H
#define ZW_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "arena.h"
#include "error.h"
#include "store/store.h"

/* The authenticated user of a request (or the CLI's operator). */
struct principal {
    int64_t user_id; /* 0 for the command line */
    const char *username;
    const char *name;
    int64_t area_id;
    const char *area_path;
    const char **perms;
    size_t nperms;
    struct role_ref *roles; /* arena-owned */
    size_t nroles;
    int scope_kind; /* enum scope_kind */
    bool must_change_password;
    bool superuser; /* the command line: may grant anything */
    int64_t session_id;
    const char *csrf;
    const struct user *user; /* the user's record (arena-owned), NULL for the CLI */
    bool touch_due;          /* the session's last_seen should be refreshed (auth_touch) */
    int64_t api_key_id;      /* signed in by an API key (auth_api_key): read-only analytics */
};

/* The context of one domain call: borrowed for its duration. */
struct zctx {
    struct db *db;
    struct arena *arena;
    const struct principal *who;
    const char *ip;
    int64_t now;
    /*
     * A bulk import (domain/importer.h): registry writes keep their history
     * rows but skip their per-record audit row; the import writes one.
     */
    bool bulk;
    /* The indicators' state of this request (indicators.c), created on first use. */
    struct ind_memo *ind_memo;
};

bool principal_can(const struct principal *p, const char *perm);
struct scope principal_scope(const struct principal *p);

/* Permissions known to zhenwu, with their Chinese names. */
struct perm_info {
    const char *code;
    const char *name;
};
extern const struct perm_info perm_table[];
extern const size_t perm_count;
bool perm_known(const char *code);
const char *perm_name(const char *code);

/* Scope names: "all", "subtree", "area", "own" <-> enum scope_kind; -1 if unknown. */
int scope_parse(const char *s);
const char *scope_name(int kind);
const char *scope_label(int kind); /* Chinese */

/* ---- audit (audit.c) ---- */

/*
 * Appends one audit row in the caller's transaction.  before/after may be
 * NULL; they are serialised (and not stolen).  entity_id may be 0.
 */
int audit_log(struct zctx *z, const char *action, const char *entity, int64_t entity_id,
              json_t *before, json_t *after, struct error *err);
/* Same, with the user named explicitly (failed logins have no principal). */
int audit_log_as(struct zctx *z, int64_t user_id, const char *username, const char *action,
                 const char *entity, int64_t entity_id, json_t *before, json_t *after,
                 struct error *err);

struct audit_check {
    int64_t rows;      /* rows checked */
    int64_t first_bad; /* id of the first broken row, 0 if intact */
    char reason[256];  /* Chinese explanation when broken */
};

/* The hash of an audit row over its prev_hash and fields (what the chain checks). */
void audit_row_hash(const struct audit_rec *r, char out[65]);

/* Recomputes the whole chain.  Returns 0 (see res->first_bad) or a code. */
int audit_verify(struct db *db, struct audit_check *res, struct error *err);

#endif
