/* importer_jobs.c - imports as background jobs; see importer_jobs.h. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "importer_jobs.h"
#include "limits.h"
#include "log.h"
#include "worker.h"
#include "banned.h"

static char upload_dir[1100];
static const struct registry_defs *defs;

/* The job running now in this process (0 = none) and its counters. */
static _Atomic int64_t running_id;
static _Atomic long running_done, running_total;

int importer_jobs_init(const char *files_dir, const struct registry_defs *d, struct error *err)
{
    if (strlen(files_dir) + 40 >= sizeof(upload_dir))
        return err_set(err, ZW_EINVAL, "files", "文件目录路径过长");
    snprintf(upload_dir, sizeof(upload_dir), "%s/imports", files_dir);
    if (mkdir(files_dir, 0750) && errno != EEXIST)
        return err_set(err, ZW_EIO, "files", "无法创建目录 %s：%s", files_dir, strerror(errno));
    if (mkdir(upload_dir, 0750) && errno != EEXIST)
        return err_set(err, ZW_EIO, "files", "无法创建目录 %s：%s", upload_dir, strerror(errno));
    defs = d;
    return 0;
}

/* Writes data to a new file under upload_dir (temporary name, synced, renamed); path arena-owned.
 */
static int keep_upload(struct arena *a, const void *data, size_t len, const char **path,
                       struct error *err)
{
    unsigned char rnd[16];
    char hex[33];
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
    char *final = arena_printf(a, "%s/%s.upload", upload_dir, hex);
    char *tmp = arena_printf(a, "%s.tmp", final);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return err_set(err, ZW_EIO, NULL, "无法保存上传的文件");
    const unsigned char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    int bad = left != 0 || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, final) != 0) {
        unlink(tmp);
        return err_set(err, ZW_EIO, NULL, "无法保存上传的文件");
    }
    *path = final;
    return 0;
}

const char *importer_kind_right(const struct import_kind *k)
{
    return k->right ? k->right : "registry.write";
}

/* ZW_EFORBIDDEN unless the caller may import kind k. */
static int kind_allowed(const struct zctx *z, const struct import_kind *k, struct error *err)
{
    const char *right = importer_kind_right(k);
    if (!principal_can(z->who, right))
        return err_set(err, ZW_EFORBIDDEN, NULL, "没有权限：导入%s需要“%s”", k->name,
                       perm_name(right));
    return 0;
}

int importer_job_create(struct zctx *z, const char *kind, const char *name, const void *data,
                        size_t len, int64_t *id, struct error *err)
{
    const struct import_kind *k = importer_kind(kind);
    if (!k)
        return err_set(err, ZW_EINVAL, "kind",
                       "不支持导入“%.40s”（可导入：户信息 households、"
                       "家庭成员 persons、收入 incomes、部门预警名单 department、"
                       "发放明细 payments）",
                       kind ? kind : "");
    int rc = kind_allowed(z, k, err);
    if (rc)
        return rc;
    if (!len)
        return err_set(err, ZW_EINVAL, "file", "上传的文件为空");
    if (!upload_dir[0])
        return err_set(err, ZW_EINTERNAL, NULL, "导入功能未初始化");
    const char *path = NULL;
    rc = keep_upload(z->arena, data, len, &path, err);
    if (rc)
        return rc;
    struct import_job j = {
        .kind = k->code,
        .status = "checking",
        .file_name = name,
        .file_path = path,
        .created_by = z->who->user_id,
        .area_path = z->who->area_path ? z->who->area_path : "/",
        .created_at = z->now,
    };
    rc = store_import_job_insert(z->db, &j, err);
    if (rc) {
        unlink(path);
        return rc;
    }
    *id = j.id;
    return 0;
}

int importer_job_get(struct zctx *z, int64_t id, struct import_job *out, struct error *err)
{
    int rc = store_import_job_get(z->db, id, z->arena, out, err);
    if (rc)
        return rc;
    struct scope sc = principal_scope(z->who);
    bool mine = z->who->user_id && out->created_by == z->who->user_id;
    bool covered = sc.kind == SCOPE_ALL ||
                   (sc.kind == SCOPE_SUBTREE && sc.path &&
                    strncmp(out->area_path, sc.path, strlen(sc.path)) == 0) ||
                   (sc.kind == SCOPE_AREA && sc.path && strcmp(out->area_path, sc.path) == 0);
    if (!mine && !covered)
        return err_set(err, ZW_ENOTFOUND, NULL, "导入任务不存在");
    const struct import_kind *k = importer_kind(out->kind);
    return k ? kind_allowed(z, k, err) : 0;
}

int importer_job_commit(struct zctx *z, int64_t id, const char *mode, struct error *err)
{
    int m = importer_mode_parse(mode);
    if (m < 0)
        return err_set(err, ZW_EINVAL, "mode", "mode 应为 valid（只导入有效行）或 all（全部导入）");
    struct import_job j;
    int rc = importer_job_get(z, id, &j, err);
    if (rc)
        return rc;
    if (strcmp(j.status, "checked") != 0)
        return err_set(err, ZW_ETRANSITION, NULL, "只有检查完成、尚未导入的任务才能导入");
    json_t *rep = j.report_json ? json_loads(j.report_json, 0, NULL) : NULL;
    json_int_t nerr = json_integer_value(json_object_get(rep, "errorCount"));
    json_int_t valid = json_integer_value(json_object_get(rep, "valid"));
    json_decref(rep);
    if (m == IMPORT_ALL && nerr)
        return err_set(err, ZW_EINVAL, "mode",
                       "文件中有 %lld 处错误，不能全部导入；请修改后重新上传，或只导入有效行",
                       (long long)nerr);
    if (!valid)
        return err_set(err, ZW_EINVAL, "mode", "没有可导入的有效行");
    return store_import_job_start_commit(z->db, id, mode, z->now, err);
}

bool importer_job_progress(int64_t id, long *done, long *total)
{
    if (!id || atomic_load(&running_id) != id)
        return false;
    *done = atomic_load(&running_done);
    *total = atomic_load(&running_total);
    return true;
}

static void on_progress(void *ud, long done)
{
    (void)ud;
    atomic_store(&running_done, done);
}

/* Ends a job as failed (own write transaction): message, and the report if one was made. */
static int fail_job(struct db *db, struct import_job *j, const char *message, json_t *report,
                    struct error *err)
{
    int64_t now = (int64_t)time(NULL);
    char *rep = report ? json_dumps(report, JSON_COMPACT) : NULL;
    j->status = "failed";
    j->message = message;
    if (rep)
        j->report_json = rep;
    j->imported = -1;
    j->updated_at = j->finished_at = now;
    int rc = store_begin(db, true, err);
    if (!rc)
        rc = store_import_job_update(db, j, err);
    if (!rc)
        rc = store_commit(db, err);
    if (rc)
        store_rollback(db);
    free(rep);
    unlink(j->file_path);
    log_info("msg=\"import failed\" job=%lld reason=\"%s\"", (long long)j->id, message);
    return rc;
}

/* Whether a failure is worth running the job again later (busy database, lost race). */
static bool transient(int rc)
{
    return rc == ZW_EBUSY || rc == ZW_ESERIAL;
}

static int run_job(struct db *db, int64_t id, struct error *err)
{
    struct arena a = {0};
    struct import_job j;
    struct principal who;
    int rc = store_begin(db, false, err);
    if (!rc)
        rc = store_import_job_get(db, id, &a, &j, err);
    bool user_ok = !rc && j.created_by && auth_principal(db, &a, j.created_by, &who, err) == 0;
    if (store_in_tx(db))
        store_rollback(db);
    if (rc) {
        arena_release(&a);
        return rc;
    }
    const struct import_kind *k = importer_kind(j.kind);
    if (!user_ok || !k || !principal_can(&who, importer_kind_right(k))) {
        rc = fail_job(db, &j, !k ? "不支持的导入类型" : "上传人已不能导入（账号停用或权限变更）",
                      NULL, err);
        arena_release(&a);
        return rc;
    }
    bool commit = strcmp(j.status, "importing") == 0;
    struct zctx z = {.db = db, .arena = &a, .who = &who, .ip = "-", .now = (int64_t)time(NULL)};
    struct import_opts o = {
        .kind = k,
        .path = j.file_path,
        .max_bytes = ZW_MAX_IMPORT_BYTES,
        .mode = commit ? importer_mode_parse(j.mode) : IMPORT_DRY_RUN,
        .progress = on_progress,
    };
    if (o.mode < 0)
        o.mode = IMPORT_VALID;
    atomic_store(&running_done, 0);
    atomic_store(&running_total, commit ? (long)j.total_rows : 0);
    atomic_store(&running_id, id);
    struct import_result res;
    struct error e = {0};
    rc = store_begin(db, commit, &e);
    if (!rc)
        rc = importer_run(&z, defs, &o, &res, &e);
    else
        memset(&res, 0, sizeof(res));
    if (!rc) {
        char *rep = json_dumps(res.report, JSON_COMPACT);
        j.report_json = arena_strdup(&a, rep);
        free(rep);
        j.total_rows = res.rows;
        j.done_rows = res.rows;
        j.updated_at = (int64_t)time(NULL);
        j.status = commit ? "done" : "checked";
        j.imported = commit ? res.imported : -1;
        j.finished_at = commit ? j.updated_at : 0;
        if (!commit) { /* the dry run read in a read transaction: write in a new one */
            store_rollback(db);
            rc = store_begin(db, true, &e);
        }
        if (!rc)
            rc = store_import_job_update(db, &j, &e);
        if (!rc)
            rc = store_commit(db, &e);
    }
    if (store_in_tx(db))
        store_rollback(db);
    atomic_store(&running_id, 0);
    if (!rc) {
        if (commit)
            unlink(j.file_path);
        log_info("msg=\"import %s\" job=%lld kind=%s rows=%ld valid=%ld imported=%ld",
                 commit ? "done" : "checked", (long long)id, k->code, res.rows, res.valid,
                 res.imported);
    } else if (transient(rc)) {
        log_warn("msg=\"import will be retried\" job=%lld detail=\"%s\"", (long long)id, e.detail);
        *err = e;
    } else {
        if (rc == ZW_EDB || rc == ZW_EINTERNAL || rc == ZW_ENOMEM)
            log_warn("msg=\"import failed\" job=%lld code=%s detail=\"%s\"", (long long)id,
                     err_code_name(rc), e.detail);
        const char *msg = e.message[0] ? e.message : err_str(rc);
        rc = fail_job(db, &j, msg, res.report, err);
    }
    json_decref(res.report);
    arena_release(&a);
    return rc;
}

int importer_jobs_run_pending(struct db *db, struct error *err)
{
    int n = 0;
    int64_t last = 0;
    for (;;) {
        int64_t id;
        int rc = store_import_job_next(db, &id, err);
        if (rc)
            return rc;
        if (!id || id == last) /* none, or the same job again (left for later) */
            return n;
        last = id;
        rc = run_job(db, id, err);
        n++;
        if (rc && !transient(rc))
            return rc;
        if (rc)
            return n;
    }
}

/* ---- the worker thread -------------------------------------------------- */

static struct worker w = WORKER_INIT("import", "导入", importer_jobs_run_pending);

void importer_jobs_wake(void)
{
    worker_wake(&w);
}

int importer_worker_start(struct store *store, struct error *err)
{
    return worker_start(&w, store, err);
}

void importer_worker_stop(void)
{
    worker_stop(&w);
}
