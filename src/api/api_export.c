/*
 * api_export.c - Excel (.xlsx) exports of the case list, the user list and
 * the audit log, with the same filters and the same scope as the lists.
 *
 * Personal data is masked as in the lists (phones 138****0001; a
 * confidential requester's name and phone only for whoever may see them on
 * the case).  A selection larger than the cap is refused with 400 before
 * anything is written.  Every export writes an audit row ("export") naming
 * the filters and the row count.  Rows are read page by page into a scratch
 * arena released after each page, so the memory held is one page plus the
 * finished file.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "calendar.h"
#include "domain/cases.h"
#include "domain/registry.h"
#include "idnum.h"
#include "limits.h"
#include "mask.h"
#include "xlsx.h"
#include "banned.h"

#define EXPORT_PAGE 500

static const char XLSX_TYPE[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

static int64_t export_cap(void)
{
    return api_env.export_max_rows > 0 ? api_env.export_max_rows : ZW_MAX_EXPORT_ROWS;
}

static bool cap_or_reply(struct api_ctx *c, int64_t total)
{
    if (total <= export_cap())
        return true;
    err_set(&c->err, ZW_EINVAL, NULL, "共 %lld 条，超过导出上限 %lld 条，请缩小筛选范围后再导出",
            (long long)total, (long long)export_cap());
    api_reply_error(c, &c->err);
    return false;
}

/* "2026-11-25 17:30" in Asia/Shanghai, or "" for 0. */
static const char *local_time(struct arena *a, int64_t at)
{
    if (!at)
        return "";
    int ymd = cal_local_ymd(at);
    int64_t tod = at - cal_local_midnight(ymd);
    char d[11];
    cal_format_date(ymd, d);
    return arena_printf(a, "%s %02d:%02d", d, (int)(tod / 3600), (int)(tod / 60 % 60));
}

/* The query string's filters as an object for the audit row (known keys only). */
static json_t *filters_json(struct api_ctx *c, const char *const *keys, size_t n)
{
    json_t *v = json_object();
    for (size_t i = 0; i < n; i++) {
        const char *s = http_query(c->req, keys[i]);
        if (s && *s && strlen(s) <= 200)
            json_object_set_new(v, keys[i], json_string(s));
    }
    return v;
}

/*
 * Audits the export in a write transaction and replies with the file under a
 * Chinese file name (RFC 5987 filename*, an ASCII fallback in filename).
 */
void api_reply_xlsx(struct api_ctx *c, struct xlsx *x, const char *entity, json_t *filters,
                    const char *ascii_name, const char *utf8_name)
{
    const char *data;
    size_t len, rows = xlsx_rows(x);
    if (xlsx_finish(x, &c->req->arena, &data, &len, &c->err)) {
        json_decref(filters);
        api_reply_error(c, &c->err);
        return;
    }
    json_t *after = json_pack("{s:o, s:I}", "filters", filters, "rows", (json_int_t)rows);
    int rc =
        !api_begin_or_reply(c) ? -1 : audit_log(&c->z, "export", entity, 0, NULL, after, &c->err);
    json_decref(after);
    if (rc) {
        if (rc != -1)
            api_reply_error(c, &c->err);
        return;
    }
    char day[11];
    cal_format_date(cal_local_ymd(c->z.now), day);
    api_content_disposition(c, true, arena_printf(&c->req->arena, "%s-%s.xlsx", ascii_name, day),
                            arena_printf(&c->req->arena, "%s-%s.xlsx", utf8_name, day));
    http_add_header(c->req, "Cache-Control", "no-store");
    char count[24];
    snprintf(count, sizeof(count), "%zu", rows);
    http_add_header(c->req, "X-Export-Rows", count);
    http_reply(c->req, 200, XLSX_TYPE, data, len);
}

/* ---- cases -------------------------------------------------------------- */

static const char *clock_light(const char *status)
{
    static const char *const map[][2] = {{"green", "绿灯"},  {"yellow", "黄灯"}, {"red", "红灯"},
                                         {"paused", "暂停"}, {"done", "按期"},   {"late", "超期"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], status) == 0)
            return map[i][1];
    return status;
}

static const char *channel_name(const char *code)
{
    static const char *const map[][2] = {
        {"visit", "走访"},    {"letter", "来信"},   {"phone", "来电"}, {"online", "网上"},
        {"hotline", "12345"}, {"grid", "网格上报"}, {"other", "其他"}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], code) == 0)
            return map[i][1];
    return code;
}

/* The clock a list shows for the case: the nearest running one, else the latest started. */
static const struct case_clock *shown_clock(const struct case_clock *v, size_t n)
{
    const struct case_clock *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (!v[i].stopped_at && !v[i].paused_at && (!best || v[i].due_at < best->due_at))
            best = &v[i];
    for (size_t i = 0; !best && i < n; i++)
        best = &v[i];
    for (size_t i = 0; best && (best->stopped_at || best->paused_at) && i < n; i++)
        if (v[i].started_at > best->started_at)
            best = &v[i];
    return best;
}

static int case_row_cells(struct api_ctx *c, struct arena *a, const struct case_row *r,
                          const char **cells, struct error *err)
{
    const struct case_type *t = casedef_find(api_env.case_types, r->type);
    int si = t ? casedef_state(t, r->state) : -1;
    struct case_clock *clocks;
    size_t nclocks;
    int rc = store_case_clocks(c->z.db, r->id, a, &clocks, &nclocks, err);
    if (rc)
        return rc;
    const struct case_clock *k = shown_clock(clocks, nclocks);
    bool visible = cases_requester_visible(&c->z, r);
    char phone[40];
    mask_phone(visible ? r->requester_phone : NULL, phone);
    cells[0] = r->serial;
    cells[1] = t ? t->name : r->type;
    cells[2] = r->title;
    cells[3] = r->area_name;
    cells[4] = si >= 0 ? t->states[si].name : r->state;
    cells[5] = visible ? r->requester_name : (r->requester_name ? "（保密）" : NULL);
    cells[6] = arena_strdup(a, phone);
    cells[7] = local_time(a, r->created_at);
    cells[8] = k ? local_time(a, k->due_at) : NULL;
    cells[9] = k ? clock_light(cases_clock_status(k, c->z.now)) : NULL;
    cells[10] = r->assignee_id ? r->assignee_name : NULL;
    cells[11] = channel_name(r->channel);
    cells[12] = local_time(a, r->closed_at);
    return 0;
}

void api_cases_export(struct api_ctx *c)
{
    static const char *const headers[] = {"编号",   "类型",     "标题",     "村/网格", "状态",
                                          "诉求人", "联系电话", "登记时间", "期限",    "红黄绿",
                                          "办理人", "来源渠道", "办结时间"};
    static const double widths[] = {24, 10, 36, 14, 16, 10, 14, 18, 18, 8, 10, 10, 18};
    static const char *const keys[] = {"type", "state", "areaId", "overdue", "q",
                                       "mine", "open",  "sort",   "from",    "to"};
    enum { NCOLS = sizeof(headers) / sizeof(headers[0]) };
    struct case_filter f;
    if (!api_case_filter_or_reply(c, &f))
        return;
    struct scope sc = principal_scope(&c->who);
    int64_t total;
    struct case_row *items;
    size_t n;
    f.count_only = true;
    if (store_case_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!cap_or_reply(c, total))
        return;
    struct xlsx *x;
    if (xlsx_open("办件", headers, widths, NCOLS, &x, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    f.count_only = false;
    f.page_size = EXPORT_PAGE;
    int rc = 0;
    for (f.page = 1; !rc && (f.page - 1) * EXPORT_PAGE < total; f.page++) {
        struct arena scratch = {0};
        int64_t again;
        rc = store_case_list(c->z.db, &sc, &f, &scratch, &items, &n, &again, &c->err);
        for (size_t i = 0; !rc && i < n; i++) {
            const char *cells[NCOLS];
            rc = case_row_cells(c, &scratch, &items[i], cells, &c->err);
            if (!rc)
                rc = xlsx_row(x, cells, &c->err);
        }
        arena_release(&scratch);
        if (!n)
            break;
    }
    if (rc) {
        xlsx_free(x);
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_xlsx(c, x, "case", filters_json(c, keys, sizeof(keys) / sizeof(keys[0])), "cases",
                   "办件导出");
}

/* ---- users -------------------------------------------------------------- */

void api_users_export(struct api_ctx *c)
{
    static const char *const headers[] = {"用户名",   "姓名", "所属区划", "角色",
                                          "联系电话", "状态", "创建时间"};
    static const double widths[] = {16, 12, 16, 24, 14, 8, 18};
    static const char *const keys[] = {"q", "areaId"};
    enum { NCOLS = sizeof(headers) / sizeof(headers[0]) };
    struct user_filter f;
    if (!api_user_filter_or_reply(c, &f))
        return;
    struct scope sc = principal_scope(&c->who);
    struct user *items;
    size_t n;
    int64_t total;
    f.page_size = 1;
    if (store_user_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!cap_or_reply(c, total))
        return;
    struct xlsx *x;
    if (xlsx_open("用户", headers, widths, NCOLS, &x, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    f.page_size = EXPORT_PAGE;
    int rc = 0;
    for (f.page = 1; !rc && (f.page - 1) * EXPORT_PAGE < total; f.page++) {
        struct arena scratch = {0};
        int64_t again;
        rc = store_user_list(c->z.db, &sc, &f, &scratch, &items, &n, &again, &c->err);
        for (size_t i = 0; !rc && i < n; i++) {
            const struct user *u = &items[i];
            struct role_ref *roles;
            size_t nroles;
            if ((rc = store_user_roles(c->z.db, u->id, &scratch, &roles, &nroles, &c->err)))
                break;
            struct buf rb = {0};
            for (size_t k = 0; k < nroles; k++)
                buf_addf(&rb, "%s%s", k ? "、" : "", roles[k].name);
            char phone[40];
            mask_phone(u->phone, phone);
            const char *cells[NCOLS] = {
                u->username,
                u->name,
                u->area_name,
                rb.ptr ? arena_strdup(&scratch, rb.ptr) : NULL,
                phone,
                u->disabled                  ? "停用"
                : u->locked_until > c->z.now ? "锁定"
                                             : "正常",
                local_time(&scratch, u->created_at),
            };
            buf_release(&rb);
            rc = xlsx_row(x, cells, &c->err);
        }
        arena_release(&scratch);
        if (!n)
            break;
    }
    if (rc) {
        xlsx_free(x);
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_xlsx(c, x, "user", filters_json(c, keys, sizeof(keys) / sizeof(keys[0])), "users",
                   "用户导出");
}

/* ---- audit log ---------------------------------------------------------- */

void api_audit_export(struct api_ctx *c)
{
    static const char *const headers[] = {"编号", "时间",   "用户",   "IP",    "操作",
                                          "对象", "对象ID", "变更前", "变更后"};
    static const double widths[] = {8, 18, 12, 16, 14, 10, 10, 40, 40};
    static const char *const keys[] = {"entity", "entityId", "userId", "action", "from", "to"};
    enum { NCOLS = sizeof(headers) / sizeof(headers[0]) };
    struct audit_filter f;
    if (!api_audit_filter_or_reply(c, &f))
        return;
    struct audit_rec *items;
    size_t n;
    int64_t total;
    f.page_size = 1;
    if (store_audit_list(c->z.db, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!cap_or_reply(c, total))
        return;
    struct xlsx *x;
    if (xlsx_open("审计日志", headers, widths, NCOLS, &x, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    f.page_size = EXPORT_PAGE;
    int rc = 0;
    for (f.page = 1; !rc && (f.page - 1) * EXPORT_PAGE < total; f.page++) {
        struct arena scratch = {0};
        int64_t again;
        rc = store_audit_list(c->z.db, &f, &scratch, &items, &n, &again, &c->err);
        for (size_t i = 0; !rc && i < n; i++) {
            const struct audit_rec *r = &items[i];
            const char *cells[NCOLS] = {
                arena_printf(&scratch, "%lld", (long long)r->id),
                local_time(&scratch, r->at),
                r->username,
                r->ip,
                r->action,
                r->entity,
                r->entity_id,
                r->before,
                r->after,
            };
            rc = xlsx_row(x, cells, &c->err);
        }
        arena_release(&scratch);
        if (!n)
            break;
    }
    if (rc) {
        xlsx_free(x);
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_xlsx(c, x, "audit", filters_json(c, keys, sizeof(keys) / sizeof(keys[0])), "audit",
                   "审计日志导出");
}

/* ---- registry ------------------------------------------------------------ */

/* "脱贫户、低保户" from "tuopin,dibao". */
static const char *category_names(struct arena *a, const char *list)
{
    struct buf b = {0};
    char *s = arena_strdup(a, list ? list : "");
    for (char *save = NULL, *c = strtok_r(s, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        const char *n = registry_name(&api_env.registry->categories, c);
        buf_addf(&b, "%s%s", b.len ? "、" : "", n ? n : c);
    }
    const char *out = arena_strdup(a, b.ptr ? b.ptr : "");
    buf_release(&b);
    return out;
}

void api_households_export(struct api_ctx *c)
{
    static const char *const headers[] = {"户编号", "村（社区）", "村民小组",     "网格",
                                          "地址",   "户主",       "户主身份证号", "人数",
                                          "户类别", "监测状态",   "建档立卡年度", "脱贫年度"};
    static const double widths[] = {20, 20, 10, 10, 28, 10, 22, 6, 20, 12, 12, 10};
    static const char *const keys[] = {"q", "areaId", "category", "monitor", "failing"};
    enum { NCOLS = sizeof(headers) / sizeof(headers[0]) };
    struct household_filter f;
    if (!api_household_filter_or_reply(c, &f))
        return;
    struct scope sc = principal_scope(&c->who);
    struct household *items;
    size_t n;
    int64_t total;
    f.page = 1;
    f.page_size = 1;
    if (store_household_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!cap_or_reply(c, total))
        return;
    struct xlsx *x;
    if (xlsx_open("户籍台账", headers, widths, NCOLS, &x, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    f.page_size = EXPORT_PAGE;
    int rc = 0;
    for (f.page = 1; !rc && (f.page - 1) * EXPORT_PAGE < total; f.page++) {
        struct arena scratch = {0};
        int64_t again;
        rc = store_household_list(c->z.db, &sc, &f, &scratch, &items, &n, &again, &c->err);
        for (size_t i = 0; !rc && i < n; i++) {
            const struct household *h = &items[i];
            char idm[19] = "";
            if (h->head_id_number)
                idnum_mask(h->head_id_number, idm);
            const char *status = strcmp(h->monitor_status, "monitored") == 0    ? "监测对象"
                                 : strcmp(h->monitor_status, "eliminated") == 0 ? "风险已消除"
                                                                                : "";
            const char *cells[NCOLS] = {
                h->code,
                h->village_name,
                h->group_name,
                h->grid_name,
                h->address,
                h->head_name,
                idm,
                arena_printf(&scratch, "%d", h->members),
                category_names(&scratch, h->categories),
                status,
                h->poor_year ? arena_printf(&scratch, "%d", h->poor_year) : NULL,
                h->exit_year ? arena_printf(&scratch, "%d", h->exit_year) : NULL,
            };
            rc = xlsx_row(x, cells, &c->err);
        }
        arena_release(&scratch);
        if (!n)
            break;
    }
    if (rc) {
        xlsx_free(x);
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_xlsx(c, x, "household", filters_json(c, keys, sizeof(keys) / sizeof(keys[0])),
                   "households", "户籍台账");
}

void api_persons_export(struct api_ctx *c)
{
    static const char *const headers[] = {
        "姓名",     "身份证号", "性别",     "出生日期", "户编号", "与户主关系", "劳动能力",
        "健康状况", "在校情况", "务工情况", "联系电话", "医保",   "大病保险",   "养老保险"};
    static const double widths[] = {10, 22, 6, 12, 20, 12, 16, 12, 14, 14, 14, 6, 8, 8};
    static const char *const keys[] = {"q", "areaId", "full"};
    enum { NCOLS = sizeof(headers) / sizeof(headers[0]) };
    const char *full_s = http_query(c->req, "full");
    bool full = full_s && strcmp(full_s, "1") == 0;
    if (full && !principal_can(&c->who, "pii.read")) {
        err_set(&c->err, ZW_EFORBIDDEN, "full", "您没有查看完整个人信息的权限，只能导出脱敏数据");
        api_reply_error(c, &c->err);
        return;
    }
    struct person_filter f = {.q = http_query(c->req, "q"), .page = 1, .page_size = 1};
    if (!api_area_filter_or_reply(c, &f.in_path))
        return;
    if (f.q && (!*f.q || strlen(f.q) > 64))
        f.q = NULL;
    struct scope sc = principal_scope(&c->who);
    struct person *items;
    size_t n;
    int64_t total;
    if (store_person_list(c->z.db, &sc, &f, &c->req->arena, &items, &n, &total, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    if (!cap_or_reply(c, total))
        return;
    struct xlsx *x;
    if (xlsx_open("人员", headers, widths, NCOLS, &x, &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    const struct registry_defs *d = api_env.registry;
    f.page_size = EXPORT_PAGE;
    int rc = 0;
    for (f.page = 1; !rc && (f.page - 1) * EXPORT_PAGE < total; f.page++) {
        struct arena scratch = {0};
        int64_t again;
        rc = store_person_list(c->z.db, &sc, &f, &scratch, &items, &n, &again, &c->err);
        for (size_t i = 0; !rc && i < n; i++) {
            const struct person *p = &items[i];
            char idm[19] = "", phone[40] = "";
            if (p->id_number)
                idnum_mask(p->id_number, idm);
            if (p->phone)
                mask_phone(p->phone, phone);
            const char *cells[NCOLS] = {
                p->name,
                full ? p->id_number : idm,
                p->sex ? (strcmp(p->sex, "M") == 0 ? "男" : "女") : NULL,
                p->birth_date,
                p->household_code,
                registry_name(&d->relations, p->relation),
                registry_name(&d->labour, p->labour),
                registry_name(&d->health, p->health),
                registry_name(&d->schooling, p->schooling),
                registry_name(&d->work, p->work),
                full ? p->phone : phone,
                p->insured_medical ? "是" : "否",
                p->insured_serious ? "是" : "否",
                p->insured_pension ? "是" : "否",
            };
            rc = xlsx_row(x, cells, &c->err);
        }
        arena_release(&scratch);
        if (!n)
            break;
    }
    if (rc) {
        xlsx_free(x);
        api_reply_error(c, &c->err);
        return;
    }
    api_reply_xlsx(c, x, "person", filters_json(c, keys, sizeof(keys) / sizeof(keys[0])), "persons",
                   "人员导出");
}
