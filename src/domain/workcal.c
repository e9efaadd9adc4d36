/* workcal.c - the working-day calendar of the server; see workcal.h. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "workcal.h"
#include "banned.h"

static pthread_rwlock_t cal_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct calendar *cal_current;

int workcal_reload(struct db *db, struct error *err)
{
    struct calendar *c = calloc(1, sizeof(*c));
    if (!c)
        log_fatal("workcal: out of memory");
    int rc = store_calendar_load(db, c, err);
    if (rc) {
        free(c);
        return rc;
    }
    pthread_rwlock_wrlock(&cal_lock);
    struct calendar *old = cal_current;
    cal_current = c;
    pthread_rwlock_unlock(&cal_lock);
    free(old);
    return 0;
}

void workcal_read(void (*fn)(const struct calendar *cal, void *ud), void *ud)
{
    static const struct calendar empty;
    pthread_rwlock_rdlock(&cal_lock);
    fn(cal_current ? cal_current : &empty, ud);
    pthread_rwlock_unlock(&cal_lock);
}

static int seed_one(struct zctx *z, const char *path, struct error *err)
{
    struct buf b = {.max = 1024 * 1024};
    struct calendar *c = calloc(1, sizeof(*c));
    if (!c)
        log_fatal("workcal: out of memory");
    int rc = buf_read_file(&b, path);
    if (rc == ZW_ENOTFOUND)
        rc = ZW_EIO;
    if (rc) {
        err_set(err, rc, NULL, "无法读取日历文件：%s", path);
        goto out_free;
    }
    if ((rc = calendar_load_json(c, b.ptr, b.len, err))) {
        err_detail(err, "calendar file %s", path);
        goto out_free;
    }
    json_t *doc = json_loadb(b.ptr, b.len, 0, NULL);
    const char *source = doc ? json_string_value(json_object_get(doc, "source")) : NULL;
    int year = c->nyears ? c->years[0] : 0;
    rc = store_calendar_put_year(z->db, year, source ? source : "国务院办公厅节假日安排通知",
                                 z->now, err);
    for (size_t i = 0; !rc && i < c->ndays; i++)
        rc = store_calendar_put_day(z->db, c->days[i].ymd,
                                    c->days[i].kind == CAL_WORKDAY ? "workday" : "holiday",
                                    c->days[i].name, z->now, err);
    if (!rc) {
        json_t *after = json_pack("{s:i, s:i}", "year", year, "days", (int)c->ndays);
        rc = audit_log(z, "load", "calendar", year, NULL, after, err);
        json_decref(after);
    }
    json_decref(doc);
out_free:
    buf_release(&b);
    free(c);
    return rc;
}

int workcal_seed(struct zctx *z, const char *defs_dir, int *years, struct error *err)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/calendar", defs_dir);
    *years = 0;
    DIR *d = opendir(dir);
    if (!d)
        return err_set(err, ZW_EIO, NULL, "找不到日历目录：%s", dir);
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len != 9 || strcmp(e->d_name + 4, ".json") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        rc = seed_one(z, path, err);
        if (!rc)
            (*years)++;
    }
    closedir(d);
    return rc;
}

int workcal_set_day(struct zctx *z, int ymd, const char *kind, const char *name, struct error *err)
{
    char date[11];
    int rc;
    if (!cal_valid_ymd(ymd))
        return err_set(err, ZW_EINVAL, "date", "日期无效");
    cal_format_date(ymd, date);
    if (!kind) {
        if ((rc = store_calendar_delete_day(z->db, ymd, err)))
            return rc;
    } else {
        if (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0)
            return err_set(err, ZW_EINVAL, "kind",
                           "类型应为 holiday（放假）或 workday（调休上班）");
        if (!name || !*name || strlen(name) >= CAL_NAME_BYTES)
            return err_set(err, ZW_EINVAL, "name", "请填写名称（最多 20 个字）");
        if ((rc = store_calendar_put_day(z->db, ymd, kind, name, z->now, err)))
            return rc;
    }
    json_t *after =
        json_pack("{s:s, s:s?, s:s?}", "date", date, "kind", kind, "name", kind ? name : NULL);
    rc = audit_log(z, kind ? "update" : "delete", "calendar_day", ymd, NULL, after, err);
    json_decref(after);
    return rc;
}
