/*
 * api.h - what every resource handler shares.
 *
 * The dispatcher (api.c) runs before each handler: it resolves the session
 * cookie into a principal, checks the CSRF token on state-changing
 * requests, the forced password change and the route's permission, and
 * answers idempotent retries.  Handlers then parse input with the
 * ..._or_reply helpers (which have already answered the client when they
 * return false), open the write transaction with api_begin_or_reply, call
 * one domain function and reply.  After the handler, the dispatcher commits
 * a transaction left open if the reply is a success, else rolls it back:
 * a failed request changes nothing.
 */
#ifndef ZW_API_H
#define ZW_API_H

#include <stdbool.h>
#include <jansson.h>

#include "domain/casedef.h"
#include "domain/services.h"
#include "domain/domain.h"
#include "domain/registry.h"
#include "domain/benefits.h"
#include "http/http.h"
#include "jsonx.h"

enum api_flags {
    API_PUBLIC = 1 << 0,      /* no session needed */
    API_PWCHANGE_OK = 1 << 1, /* allowed while the password must be changed */
    API_IDEMPOTENT = 1 << 2,  /* honours Idempotency-Key */
    API_UPLOAD = 1 << 3,      /* the body is a file (any type), not JSON */
    API_FORM = 1 << 4,        /* body may be application/x-www-form-urlencoded (Open311) */
    API_KEY_OK = 1 << 5,      /* a GET open to an analytics API key (auth_api_key) */
};

struct api_ctx;
typedef void (*api_fn)(struct api_ctx *c);

struct api_route {
    api_fn fn;
    const char *perm; /* permission required, or NULL */
    unsigned flags;
};

struct api_ctx {
    struct http_req *req;
    struct zctx z;
    struct principal who;
    bool authed;
    bool commit_on_error; /* keep writes of a refused request (failed login bookkeeping) */
    json_t *body;         /* parsed JSON body, or NULL */
    struct error err;
};

/* Set by main before serving. */
struct indicators;
struct assess_schemes;
struct notice_defs;
struct api_env {
    struct store *store;
    const char *defs_dir;
    bool secure_cookie;                      /* add Secure to the session cookie (TLS in front) */
    const struct case_types *case_types;     /* loaded from defs/case_types at start */
    bool webhook_configured;                 /* the outbox has a sender (webhook_url) */
    long export_max_rows;                    /* exports larger than this are refused (0: default) */
    const struct services *services;         /* defs/services.json: the public service catalogue */
    const struct registry_defs *registry;    /* defs/registry.json: code tables and thresholds */
    const struct programmes *programmes;     /* defs/programmes.json: benefits programmes */
    const struct indicators *indicators;     /* defs/indicators/<name>.json */
    const struct assess_schemes *assessment; /* defs/assessment/<code>.json */
    const struct notice_defs *notices;       /* defs/notices: kinds and templates of 公示 */
};
extern struct api_env api_env;

/* The route table (routes.c) and the http layer's fallbacks. */
extern const struct route api_routes[];
extern const size_t api_route_count;
void api_not_found(struct http_req *req, const void *data);
/* The http handler of every API route: data is its struct api_route. */
void api_dispatch(struct http_req *req, const void *data);
void api_refuse(struct http_req *req, int code);

/* Replies with JSON (v is stolen), or with the error in c->err / a code. */
void api_reply(struct api_ctx *c, int status, json_t *v);
void api_reply_error(struct api_ctx *c, const struct error *e);
void api_reply_code(struct api_ctx *c, int code);
void api_reply_no_content(struct api_ctx *c);
/*
 * Content-Disposition (inline or attachment) naming a UTF-8 file name (RFC
 * 5987 filename*), with ascii (NULL: "file") as the fallback for old clients.
 */
void api_content_disposition(struct api_ctx *c, bool download, const char *ascii, const char *name);
/* The file name of an upload (query argument name); replies 400 and returns NULL if absent. */
const char *api_upload_name_or_reply(struct api_ctx *c);
/* Sets ETag: "v<version>". */
void api_set_etag(struct api_ctx *c, int version);

/* Parses the body against fields (strict); replies and returns false on error. */
bool api_body_or_reply(struct api_ctx *c, const struct jfield *fields, size_t n);
/* Path parameter name as a positive integer id; replies 404 and returns false otherwise. */
bool api_id_or_reply(struct api_ctx *c, const char *name, int64_t *id);
/* If-Match "v<n>" into *version; replies 428 / 412 and returns false when missing or malformed. */
bool api_if_match_or_reply(struct api_ctx *c, int *version);
/* page / pageSize query arguments with defaults and caps; replies 400 on garbage. */
bool api_paging_or_reply(struct api_ctx *c, int64_t *page, int64_t *page_size);
/* Optional integer query argument; replies 400 on garbage. */
bool api_query_int_or_reply(struct api_ctx *c, const char *name, int64_t *out);
/*
 * The optional areaId query argument as an area path for list filters (NULL
 * when absent); replies 404 and returns false for an area outside the scope.
 */
bool api_area_filter_or_reply(struct api_ctx *c, const char **in_path);
/* Optional "lat" and "lon" (JSON numbers, both or neither); replies 400 and returns false
 * otherwise. */
bool api_location_or_reply(struct api_ctx *c, json_t *lat, json_t *lon, bool *has, double *out_lat,
                           double *out_lon);
/* Opens the write transaction; replies and returns false if it cannot. */
bool api_begin_or_reply(struct api_ctx *c);
/* A list answer: {"items": items, "pager": {...}} (items stolen). */
json_t *api_page(json_t *items, int64_t total, int64_t page, int64_t page_size);
/* The JSON form of the caller (GET /api/v1/me). */
json_t *api_me_json(struct api_ctx *c);

/* The list filters shared by a list and its export (query arguments as documented). */
bool api_case_filter_or_reply(struct api_ctx *c, struct case_filter *f);
bool api_user_filter_or_reply(struct api_ctx *c, struct user_filter *f);
bool api_audit_filter_or_reply(struct api_ctx *c, struct audit_filter *f);
bool api_household_filter_or_reply(struct api_ctx *c, struct household_filter *f);

/* Resource handlers. */
void api_health(struct api_ctx *c);
void api_session_create(struct api_ctx *c);
void api_session_delete(struct api_ctx *c);
void api_me_get(struct api_ctx *c);
void api_me_password(struct api_ctx *c);
void api_users_list(struct api_ctx *c);
void api_users_create(struct api_ctx *c);
void api_users_get(struct api_ctx *c);
void api_users_patch(struct api_ctx *c);
void api_roles_list(struct api_ctx *c);
void api_roles_create(struct api_ctx *c);
void api_roles_get(struct api_ctx *c);
void api_roles_patch(struct api_ctx *c);
void api_permissions_list(struct api_ctx *c);
void api_areas_list(struct api_ctx *c);
void api_areas_get(struct api_ctx *c);
void api_areas_create(struct api_ctx *c);
void api_areas_patch(struct api_ctx *c);
void api_search(struct api_ctx *c);
void api_case_types_list(struct api_ctx *c);
void api_cases_create(struct api_ctx *c);
void api_cases_list(struct api_ctx *c);
void api_cases_get(struct api_ctx *c);
void api_cases_act(struct api_ctx *c);
void api_cases_stats(struct api_ctx *c);
void api_cases_similar(struct api_ctx *c);
void api_cases_import(struct api_ctx *c);
/* Shared by the case handlers: a state's Chinese name, an attachment, the case reply. */
const char *api_state_name(const struct case_type *t, const char *code);
json_t *api_attachment_json(const struct case_attachment *a);
void api_reply_case(struct api_ctx *c, int status, const struct case_row *r);
void api_cases_link(struct api_ctx *c);
void api_cases_merge(struct api_ctx *c);
void api_attachments_upload(struct api_ctx *c);
void api_attachments_get(struct api_ctx *c);
void api_documents_list(struct api_ctx *c);
void api_documents_create(struct api_ctx *c);
void api_documents_get(struct api_ctx *c);
void api_documents_pdf(struct api_ctx *c);
void api_audit_list(struct api_ctx *c);
void api_settings_security_get(struct api_ctx *c);
void api_settings_security_patch(struct api_ctx *c);
void api_calendar_get(struct api_ctx *c);
void api_calendar_put_day(struct api_ctx *c);
void api_calendar_delete_day(struct api_ctx *c);
void api_calendar_add(struct api_ctx *c);
/* Reminders, notifications, outbox, board, exports (api_notify.c, api_board.c, api_export.c). */
void api_notifications_list(struct api_ctx *c);
void api_notifications_read(struct api_ctx *c);
void api_notifications_read_all(struct api_ctx *c);
void api_outbox_get(struct api_ctx *c);
void api_outbox_retry(struct api_ctx *c);
void api_cases_board(struct api_ctx *c);
void api_cases_export(struct api_ctx *c);
void api_users_export(struct api_ctx *c);
void api_audit_export(struct api_ctx *c);
/*
 * Finishes x and replies with it as an attachment named utf8_name-<day>.xlsx
 * (ascii_name the fallback), after an audit row "export" of entity naming
 * filters (stolen) and the row count; x is freed in every case.
 */
struct xlsx;
void api_reply_xlsx(struct api_ctx *c, struct xlsx *x, const char *entity, json_t *filters,
                    const char *ascii_name, const char *utf8_name);
/* Public portal (api_portal.c) and Open311 GeoReport v2 (api_open311.c). */
void api_portal_services(struct api_ctx *c);
void api_portal_villages(struct api_ctx *c);
void api_portal_submit(struct api_ctx *c);
void api_portal_track(struct api_ctx *c);
void api_portal_rate(struct api_ctx *c);
void api_portal_photo(struct api_ctx *c);
void api_open311_discovery(struct api_ctx *c);
void api_open311_services(struct api_ctx *c);
void api_open311_service(struct api_ctx *c);
void api_open311_requests(struct api_ctx *c);
void api_open311_request(struct api_ctx *c);
void api_open311_post(struct api_ctx *c);
void api_open311_token(struct api_ctx *c);
/* The registry of households and persons (api_registry.c, exports in api_export.c). */
void api_registry_codes(struct api_ctx *c);
void api_households_list(struct api_ctx *c);
void api_households_create(struct api_ctx *c);
void api_households_get(struct api_ctx *c);
void api_households_patch(struct api_ctx *c);
void api_households_history(struct api_ctx *c);
void api_households_persons_add(struct api_ctx *c);
void api_households_guarantees_add(struct api_ctx *c);
void api_households_incomes_add(struct api_ctx *c);
void api_persons_list(struct api_ctx *c);
void api_persons_get(struct api_ctx *c);
void api_persons_patch(struct api_ctx *c);
void api_persons_id_number(struct api_ctx *c);
void api_persons_leave(struct api_ctx *c);
void api_persons_move(struct api_ctx *c);
void api_duplicates_list(struct api_ctx *c);
void api_duplicates_merge(struct api_ctx *c);
void api_duplicates_keep(struct api_ctx *c);
void api_households_export(struct api_ctx *c);
void api_persons_export(struct api_ctx *c);
/* Registry imports (api_imports.c). */
void api_imports_create(struct api_ctx *c);
void api_imports_get(struct api_ctx *c);
void api_imports_commit(struct api_ctx *c);
void api_imports_errors_xlsx(struct api_ctx *c);

/* The benefits ledger (api_benefits.c). */
void api_programmes_list(struct api_ctx *c);
/* api_indicators.c */
void api_indicators_list(struct api_ctx *c);
void api_indicators_values(struct api_ctx *c);
void api_indicators_records(struct api_ctx *c);
struct ind_record;
/* The drill-down rows (indicators, periods): [{id, label, areaPath, areaName, date, amountFen,
 * householdId}]. */
json_t *api_records_json(const struct ind_record *v, size_t n);
void api_periods_close(struct api_ctx *c);
void api_periods_list(struct api_ctx *c);
void api_periods_get(struct api_ctx *c);
/* api_assess.c: the assessment (考核) */
void api_assess_schemes(struct api_ctx *c);
void api_assess_runs_list(struct api_ctx *c);
void api_assess_runs_create(struct api_ctx *c);
void api_assess_runs_get(struct api_ctx *c);
void api_assess_runs_approve(struct api_ctx *c);
void api_assess_evidence_upload(struct api_ctx *c);
void api_assess_evidence_get(struct api_ctx *c);
void api_assess_items_create(struct api_ctx *c);
void api_assess_items_approve(struct api_ctx *c);
void api_assess_tiers(struct api_ctx *c);
void api_indicators_table(struct api_ctx *c);
void api_indicators_table_xlsx(struct api_ctx *c);
/* api_reports.c */
void api_report_templates(struct api_ctx *c);
void api_reports_create(struct api_ctx *c);
void api_reports_get(struct api_ctx *c);
void api_household_apply(struct api_ctx *c);
void api_household_payments(struct api_ctx *c);
void api_payments_list(struct api_ctx *c);
void api_payments_totals(struct api_ctx *c);
void api_payments_create(struct api_ctx *c);
void api_benefit_runs_create(struct api_ctx *c);
void api_batches_list(struct api_ctx *c);
void api_batches_get(struct api_ctx *c);
void api_batches_issue(struct api_ctx *c);
void api_batches_bank(struct api_ctx *c);
/* 防返贫 monitoring (api_monitoring.c): alerts, screening, measures, elimination. */
void api_monitoring_codes(struct api_ctx *c);
void api_monitoring_alerts_list(struct api_ctx *c);
void api_monitoring_alerts_create(struct api_ctx *c);
void api_monitoring_screen(struct api_ctx *c);
void api_monitoring_alert_case(struct api_ctx *c);
void api_monitoring_alert_dismiss(struct api_ctx *c);
void api_measures_list(struct api_ctx *c);
void api_measures_create(struct api_ctx *c);
void api_measures_patch(struct api_ctx *c);
void api_elimination_check(struct api_ctx *c);
void api_elimination_open(struct api_ctx *c);
/* Pairing and visits (api_pairing.c). */
void api_cadres_list(struct api_ctx *c);
void api_cadres_create(struct api_ctx *c);
void api_pairs_list(struct api_ctx *c);
void api_pairs_create(struct api_ctx *c);
void api_pairs_end(struct api_ctx *c);
void api_visits_list(struct api_ctx *c);
void api_visits_create(struct api_ctx *c);
void api_visits_mine(struct api_ctx *c);
void api_visit_photo_upload(struct api_ctx *c);
void api_visit_photo_get(struct api_ctx *c);
/* Public notices (api_notices.c): the console's and the portal's. */
void api_notices_kinds(struct api_ctx *c);
void api_notices_list(struct api_ctx *c);
void api_notices_preview(struct api_ctx *c);
void api_notices_create(struct api_ctx *c);
void api_notices_get(struct api_ctx *c);
void api_notices_html(struct api_ctx *c);
void api_notices_pdf(struct api_ctx *c);
void api_notices_publish(struct api_ctx *c);
void api_notices_close(struct api_ctx *c);
void api_portal_notices(struct api_ctx *c);
void api_portal_notice_get(struct api_ctx *c);
void api_portal_notice_html(struct api_ctx *c);
void api_portal_notice_pdf(struct api_ctx *c);
void api_portal_notice_object(struct api_ctx *c);

#endif
