/* reports.c - work report jobs and their worker; see reports.h. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "log.h"
#include "worker.h"
#include "reports.h"
#include "banned.h"

static const struct report_templates *templates;
static const struct indicators *indicators;
static _Atomic int64_t running_id;
static _Atomic long running_done, running_total;

void reports_use(const struct report_templates *t, const struct indicators *d)
{
    templates = t;
    indicators = d;
}

const struct report_templates *reports_templates(void)
{
    return templates;
}

static bool covers(const struct scope *sc, const char *path)
{
    return sc->kind == SCOPE_ALL ||
           (sc->kind == SCOPE_SUBTREE && sc->path &&
            strncmp(path, sc->path, strlen(sc->path)) == 0) ||
           (sc->kind == SCOPE_AREA && sc->path && strcmp(path, sc->path) == 0);
}

int reports_create(struct zctx *z, const char *template_code, int year, int64_t area_id,
                   int64_t *id, struct error *err)
{
    const struct report_template *t = report_template_find(templates, template_code);
    if (!t)
        return err_set(err, ZW_EINVAL, "template", "没有报告模板“%.40s”",
                       template_code ? template_code : "");
    if (year < 1950 || year > 2100)
        return err_set(err, ZW_EINVAL, "year", "年度应为 1950 至 2100 年");
    struct scope sc = principal_scope(z->who);
    if (sc.kind == SCOPE_OWN)
        return err_set(err, ZW_EFORBIDDEN, NULL, "工作报告按区划统计，帮扶责任人账号不能生成");
    struct area area;
    if (!area_id)
        area_id = sc.area_id;
    if (store_area_get(z->db, area_id, &sc, &area, err))
        return err_set(err, ZW_EINVAL, "areaId", "区划不存在或不在您的管辖范围内");
    for (size_t b = 0; b < t->n; b++)
        for (size_t s = 0; s < t->blocks[b].n; s++)
            if (t->blocks[b].spans[s].kind == RT_VALUE &&
                !indicators_may(z->who, indicators, t->blocks[b].spans[s].ind))
                return err_set(err, ZW_EFORBIDDEN, NULL, "无权查看报告所用的指标“%s”",
                               indicators->v[t->blocks[b].spans[s].ind].name);
    struct report_job j = {.template_code = t->code,
                           .year = year,
                           .area_id = area.id,
                           .area_path = area.path,
                           .status = "queued",
                           .total_values = (int64_t)t->nvalues,
                           .created_by = z->who->user_id,
                           .created_at = z->now};
    int rc = store_report_job_insert(z->db, &j, err);
    if (rc)
        return rc;
    json_t *after = json_pack("{s:s, s:i, s:I}", "template", t->code, "year", year, "areaId",
                              (json_int_t)area.id);
    rc = audit_log(z, "create", "report_job", j.id, NULL, after, err);
    json_decref(after);
    *id = j.id;
    return rc;
}

int reports_get(struct zctx *z, int64_t id, struct report_job *out, struct error *err)
{
    int rc = store_report_job_get(z->db, id, z->arena, out, err);
    if (rc)
        return rc;
    struct scope sc = principal_scope(z->who);
    if (!covers(&sc, out->area_path))
        return err_set(err, ZW_ENOTFOUND, NULL, "没有这份报告");
    return 0;
}

bool reports_progress(int64_t id, long *done, long *total)
{
    if (!id || atomic_load(&running_id) != id)
        return false;
    *done = atomic_load(&running_done);
    *total = atomic_load(&running_total);
    return true;
}

static void on_progress(void *arg, long done, long total)
{
    (void)arg;
    atomic_store(&running_done, done);
    atomic_store(&running_total, total);
}

static int finish(struct db *db, struct report_job *j, const char *status, const char *result,
                  const char *message, struct error *err)
{
    j->status = status;
    j->result_json = result;
    j->message = message;
    j->updated_at = j->finished_at = (int64_t)time(NULL);
    int rc = store_begin(db, true, err);
    if (!rc)
        rc = store_report_job_update(db, j, err);
    if (!rc)
        rc = store_commit(db, err);
    if (rc)
        store_rollback(db);
    return rc;
}

static int run_job(struct db *db, int64_t id, struct error *err)
{
    struct arena a = {0};
    struct report_job j;
    struct principal who;
    int rc = store_begin(db, false, err);
    if (!rc)
        rc = store_report_job_get(db, id, &a, &j, err);
    bool user_ok = !rc && j.created_by && auth_principal(db, &a, j.created_by, &who, err) == 0;
    if (store_in_tx(db))
        store_rollback(db);
    if (rc) {
        arena_release(&a);
        return rc;
    }
    const struct report_template *t = report_template_find(templates, j.template_code);
    struct scope sc;
    if (user_ok)
        sc = principal_scope(&who);
    if (!t || !user_ok || !covers(&sc, j.area_path)) {
        rc = finish(db, &j, "failed", NULL,
                    !t ? "报告模板已不存在" : "生成人已不能查看该区划（账号停用或权限变更）", err);
        arena_release(&a);
        return rc;
    }
    atomic_store(&running_done, 0);
    atomic_store(&running_total, (long)t->nvalues);
    atomic_store(&running_id, id);
    j.status = "running";
    j.updated_at = (int64_t)time(NULL);
    if ((rc = store_begin(db, true, err)) || (rc = store_report_job_update(db, &j, err)) ||
        (rc = store_commit(db, err))) {
        if (store_in_tx(db))
            store_rollback(db);
        atomic_store(&running_id, 0);
        arena_release(&a);
        return rc;
    }
    struct zctx z = {.db = db, .arena = &a, .who = &who, .ip = "-", .now = (int64_t)time(NULL)};
    struct error e = {0};
    json_t *report = NULL;
    rc = store_begin(db, false, &e);
    if (!rc)
        rc = report_evaluate(&z, t, indicators, j.area_id, j.area_path, j.area_name, j.year,
                             on_progress, NULL, &report, &e);
    if (store_in_tx(db))
        store_rollback(db);
    j.done_values = rc ? atomic_load(&running_done) : (int64_t)t->nvalues;
    if (!rc) {
        char *s = json_dumps(report, JSON_COMPACT);
        rc = s ? finish(db, &j, "done", s, NULL, err) : err_set(err, ZW_ENOMEM, NULL, "内存不足");
        free(s);
        log_info("msg=\"report done\" job=%lld template=%s year=%d", (long long)id, t->code,
                 j.year);
    } else if (rc == ZW_EBUSY || rc == ZW_ESERIAL) {
        *err = e; /* left queued: the worker tries again */
    } else {
        log_warn("msg=\"report failed\" job=%lld code=%s detail=\"%s\"", (long long)id,
                 err_code_name(rc), e.detail);
        rc = finish(db, &j, "failed", NULL, e.message[0] ? e.message : err_str(rc), err);
    }
    /* the row holds the outcome now: the in-memory progress may stop */
    atomic_store(&running_id, 0);
    json_decref(report);
    arena_release(&a);
    return rc;
}

int reports_run_pending(struct db *db, struct error *err)
{
    int n = 0;
    int64_t last = 0;
    for (;;) {
        int64_t id;
        int rc = store_report_job_next(db, &id, err);
        if (rc)
            return rc;
        if (!id || id == last)
            return n;
        last = id;
        rc = run_job(db, id, err);
        n++;
        if (rc)
            return rc == ZW_EBUSY || rc == ZW_ESERIAL ? n : rc;
    }
}

int reports_render(const struct report_job *j, const char *format, struct arena *a, char **data,
                   size_t *len, struct error *err)
{
    if (strcmp(j->status, "done") != 0 || !j->result_json)
        return err_set(err, ZW_ETRANSITION, NULL, "报告尚未生成完毕");
    json_error_t je;
    json_t *report = json_loads(j->result_json, 0, &je);
    if (!report)
        return err_set(err, ZW_EINTERNAL, NULL, "报告内容已损坏");
    int rc = 0;
    if (strcmp(format, "html") == 0) {
        struct buf b = {0};
        if (report_html(report, true, &b)) {
            rc = err_set(err, ZW_ENOMEM, NULL, "内存不足");
        } else {
            *data = arena_strndup(a, b.ptr, b.len);
            *len = b.len;
        }
        buf_release(&b);
    } else if (strcmp(format, "docx") == 0) {
        rc = report_docx(report, a, data, len, err);
    } else if (strcmp(format, "pdf") == 0) {
        rc = report_pdf(report, a, data, len, err);
    } else {
        rc = err_set(err, ZW_EINVAL, "format", "格式应为 html、docx 或 pdf");
    }
    json_decref(report);
    return rc;
}

/* ---- the worker thread ---------------------------------------------------------- */

static struct worker w = WORKER_INIT("report", "报告", reports_run_pending);

void reports_wake(void)
{
    worker_wake(&w);
}

int reports_worker_start(struct store *store, struct error *err)
{
    return worker_start(&w, store, err);
}

void reports_worker_stop(void)
{
    worker_stop(&w);
}
