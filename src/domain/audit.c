/*
 * audit.c - the hash-chained audit log.
 *
 * Each row's hash is SHA-256 over the previous row's hash and the row's own
 * fields, each written as "<length>:<bytes>\n" (NULL as "-\n") so that no two
 * different rows serialise alike.  Changing, inserting or deleting a row
 * breaks the chain at that row; deleting the newest rows is caught by the
 * chain head, which records the last id and hash.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "buf.h"
#include "domain.h"
#include "jsonx.h"
#include "banned.h"

static void field(struct buf *b, const char *s)
{
    if (!s) {
        buf_adds(b, "-\n");
        return;
    }
    buf_addf(b, "%zu:", strlen(s));
    buf_adds(b, s);
    buf_addc(b, '\n');
}

void audit_row_hash(const struct audit_rec *r, char out[65])
{
    struct buf b = {0};
    char num[64];
    field(&b, r->prev_hash);
    snprintf(num, sizeof(num), "%" PRId64, r->id);
    field(&b, num);
    snprintf(num, sizeof(num), "%" PRId64, r->at);
    field(&b, num);
    snprintf(num, sizeof(num), "%" PRId64, r->user_id);
    field(&b, num);
    field(&b, r->username);
    field(&b, r->ip);
    field(&b, r->action);
    field(&b, r->entity);
    field(&b, r->entity_id);
    field(&b, r->before);
    field(&b, r->after);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)(b.ptr ? b.ptr : ""), b.len);
    sodium_bin2hex(out, 65, h, sizeof(h));
    buf_release(&b);
}

int audit_log_as(struct zctx *z, int64_t user_id, const char *username, const char *action,
                 const char *entity, int64_t entity_id, json_t *before, json_t *after,
                 struct error *err)
{
    struct audit_rec r = {0};
    char eid[32];
    int rc = store_audit_reserve(z->db, &r.id, r.prev_hash, err);
    if (rc)
        return rc;
    r.at = z->now;
    r.user_id = user_id;
    r.username = username;
    r.ip = z->ip;
    r.action = action;
    r.entity = entity;
    if (entity_id) {
        snprintf(eid, sizeof(eid), "%" PRId64, entity_id);
        r.entity_id = eid;
    }
    r.before = before ? jsonx_dump(z->arena, before, NULL) : NULL;
    r.after = after ? jsonx_dump(z->arena, after, NULL) : NULL;
    audit_row_hash(&r, r.hash);
    return store_audit_insert(z->db, &r, err);
}

int audit_log(struct zctx *z, const char *action, const char *entity, int64_t entity_id,
              json_t *before, json_t *after, struct error *err)
{
    const struct principal *p = z->who;
    return audit_log_as(z, p ? p->user_id : 0, p && p->username ? p->username : "(命令行)", action,
                        entity, entity_id, before, after, err);
}

struct verify_state {
    struct audit_check *res;
    int64_t expect_id;
    char prev[65];
};

static int verify_row(const struct audit_rec *r, void *ud)
{
    struct verify_state *v = ud;
    struct audit_check *res = v->res;
    char h[65];
    if (r->id != v->expect_id) {
        res->first_bad = v->expect_id;
        snprintf(res->reason, sizeof(res->reason),
                 "第 %" PRId64 " 条审计记录缺失（下一条是第 %" PRId64 " 条）", v->expect_id, r->id);
        return 1;
    }
    if (strcmp(r->prev_hash, v->prev) != 0) {
        res->first_bad = r->id;
        snprintf(res->reason, sizeof(res->reason),
                 "第 %" PRId64 " 条审计记录的前序哈希与上一条不符", r->id);
        return 1;
    }
    audit_row_hash(r, h);
    if (strcmp(h, r->hash) != 0) {
        res->first_bad = r->id;
        snprintf(res->reason, sizeof(res->reason),
                 "第 %" PRId64 " 条审计记录的内容与其哈希不符（记录被修改）", r->id);
        return 1;
    }
    memcpy(v->prev, r->hash, sizeof(v->prev));
    v->expect_id++;
    res->rows++;
    return 0;
}

int audit_verify(struct db *db, struct audit_check *res, struct error *err)
{
    struct verify_state v = {.res = res, .expect_id = 1};
    memset(res, 0, sizeof(*res));
    memset(v.prev, '0', 64);
    v.prev[64] = '\0';
    int rc = store_audit_scan(db, verify_row, &v, err);
    if (rc < 0)
        return rc;
    if (res->first_bad)
        return 0;
    int64_t last_id;
    char last_hash[65];
    if ((rc = store_audit_head(db, &last_id, last_hash, err)))
        return rc;
    if (last_id != v.expect_id - 1 || strcmp(last_hash, v.prev) != 0) {
        res->first_bad = v.expect_id;
        snprintf(res->reason, sizeof(res->reason),
                 "审计日志链头记录到第 %" PRId64 " 条，但表中只有 %" PRId64 " 条（末尾记录被删除）",
                 last_id, v.expect_id - 1);
    }
    return 0;
}
