/*
 * routes.c - every API path, its handler, the permission it needs and its
 * flags.  One table: reading it tells what the server answers.
 */
#include "api.h"
#include "limits.h"
#include "banned.h"

/* A route's body cap (the last member) is optional: most routes take the server's. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define R(name, fn, perm, flags) static const struct api_route name = {fn, perm, flags}

R(r_health, api_health, NULL, API_PUBLIC);
R(r_login, api_session_create, NULL, API_PUBLIC);
R(r_logout, api_session_delete, NULL, API_PWCHANGE_OK);
R(r_me, api_me_get, NULL, API_PWCHANGE_OK | API_KEY_OK);
R(r_password, api_me_password, NULL, API_PWCHANGE_OK);
R(r_users_list, api_users_list, "user.read", 0);
R(r_users_create, api_users_create, "user.write", API_IDEMPOTENT);
R(r_users_get, api_users_get, "user.read", 0);
R(r_users_patch, api_users_patch, "user.write", 0);
R(r_roles_list, api_roles_list, "role.read", 0);
R(r_roles_create, api_roles_create, "role.write", API_IDEMPOTENT);
R(r_roles_get, api_roles_get, "role.read", 0);
R(r_roles_patch, api_roles_patch, "role.write", 0);
R(r_perms, api_permissions_list, NULL, 0);
R(r_areas_list, api_areas_list, "area.read", API_KEY_OK);
R(r_areas_get, api_areas_get, "area.read", API_KEY_OK);
R(r_areas_create, api_areas_create, "area.write", API_IDEMPOTENT);
R(r_areas_patch, api_areas_patch, "area.write", 0);
R(r_search, api_search, NULL, 0);
R(r_case_types, api_case_types_list, "case.read", 0);
R(r_cases_list, api_cases_list, "case.read", 0);
R(r_cases_create, api_cases_create, "case.write", API_IDEMPOTENT);
R(r_cases_get, api_cases_get, "case.read", 0);
R(r_cases_act, api_cases_act, "case.write", 0);
R(r_cases_stats, api_cases_stats, "case.read", 0);
R(r_cases_similar, api_cases_similar, "case.read", 0);
R(r_cases_import, api_cases_import, "case.write", API_UPLOAD);
R(r_cases_link, api_cases_link, "case.write", 0);
R(r_cases_merge, api_cases_merge, "case.write", 0);
R(r_att_upload, api_attachments_upload, "case.write", API_UPLOAD | API_IDEMPOTENT);
R(r_att_get, api_attachments_get, "case.read", 0);
R(r_docs_list, api_documents_list, "case.read", 0);
R(r_docs_create, api_documents_create, "case.write", API_IDEMPOTENT);
R(r_docs_get, api_documents_get, "case.read", 0);
R(r_docs_pdf, api_documents_pdf, "case.read", 0);
R(r_audit, api_audit_list, "audit.read", 0);
R(r_sec_get, api_settings_security_get, "security.read", 0);
R(r_sec_patch, api_settings_security_patch, "security.write", 0);
R(r_cal_get, api_calendar_get, NULL, 0);
R(r_cal_add, api_calendar_add, NULL, 0);
R(r_cal_put, api_calendar_put_day, "calendar.write", 0);
R(r_cal_del, api_calendar_delete_day, "calendar.write", 0);
/* reminders, notifications, outbox, overdue board, exports */
R(r_notes_list, api_notifications_list, NULL, 0);
R(r_notes_read, api_notifications_read, NULL, 0);
R(r_notes_read_all, api_notifications_read_all, NULL, 0);
R(r_outbox_get, api_outbox_get, "outbox.manage", 0);
R(r_outbox_retry, api_outbox_retry, "outbox.manage", 0);
R(r_cases_board, api_cases_board, "case.read", 0);
R(r_cases_export, api_cases_export, "case.read", 0);
R(r_users_export, api_users_export, "user.read", 0);
R(r_audit_export, api_audit_export, "audit.read", 0);
/* Public portal and Open311: no session; the domain acts as the public principal. */
R(r_portal_services, api_portal_services, NULL, API_PUBLIC);
R(r_portal_villages, api_portal_villages, NULL, API_PUBLIC);
R(r_portal_submit, api_portal_submit, NULL, API_PUBLIC);
R(r_portal_track, api_portal_track, NULL, API_PUBLIC);
R(r_portal_rate, api_portal_rate, NULL, API_PUBLIC);
R(r_portal_photo, api_portal_photo, NULL, API_PUBLIC | API_UPLOAD);
R(r_portal_notices, api_portal_notices, NULL, API_PUBLIC);
R(r_portal_notice, api_portal_notice_get, NULL, API_PUBLIC);
R(r_portal_notice_html, api_portal_notice_html, NULL, API_PUBLIC);
R(r_portal_notice_pdf, api_portal_notice_pdf, NULL, API_PUBLIC);
R(r_portal_notice_object, api_portal_notice_object, NULL, API_PUBLIC);
/* Public notices (公示) in the console. */
R(r_notices_kinds, api_notices_kinds, "notice.read", 0);
R(r_notices_list, api_notices_list, "notice.read", 0);
R(r_notices_preview, api_notices_preview, "notice.write", 0);
R(r_notices_create, api_notices_create, "notice.write", API_IDEMPOTENT);
R(r_notices_get, api_notices_get, "notice.read", 0);
R(r_notices_html, api_notices_html, "notice.read", 0);
R(r_notices_pdf, api_notices_pdf, "notice.read", 0);
R(r_notices_publish, api_notices_publish, "notice.write", 0);
R(r_notices_close, api_notices_close, "notice.write", 0);
R(r_o311_discovery, api_open311_discovery, NULL, API_PUBLIC);
R(r_o311_services, api_open311_services, NULL, API_PUBLIC);
R(r_o311_service, api_open311_service, NULL, API_PUBLIC);
R(r_o311_requests, api_open311_requests, NULL, API_PUBLIC);
R(r_o311_request, api_open311_request, NULL, API_PUBLIC);
R(r_o311_post, api_open311_post, NULL, API_PUBLIC | API_FORM);
R(r_o311_token, api_open311_token, NULL, API_PUBLIC);
/* The registry (docs/registry.md). */
R(r_reg_codes, api_registry_codes, "registry.read", 0);
R(r_hh_list, api_households_list, "registry.read", 0);
R(r_hh_create, api_households_create, "registry.write", API_IDEMPOTENT);
R(r_hh_get, api_households_get, "registry.read", 0);
R(r_hh_patch, api_households_patch, "registry.write", 0);
R(r_hh_history, api_households_history, "registry.read", 0);
R(r_hh_persons, api_households_persons_add, "registry.write", API_IDEMPOTENT);
R(r_hh_guarantees, api_households_guarantees_add, "registry.write", API_IDEMPOTENT);
R(r_hh_incomes, api_households_incomes_add, "registry.write", API_IDEMPOTENT);
R(r_hh_export, api_households_export, "registry.read", 0);
R(r_p_list, api_persons_list, "registry.read", 0);
R(r_p_get, api_persons_get, "registry.read", 0);
R(r_p_patch, api_persons_patch, "registry.write", 0);
R(r_p_idnum, api_persons_id_number, "registry.read", 0);
R(r_p_leave, api_persons_leave, "registry.write", 0);
R(r_p_move, api_persons_move, "registry.write", 0);
R(r_p_export, api_persons_export, "registry.read", 0);
R(r_dup_list, api_duplicates_list, "registry.read", 0);
R(r_dup_merge, api_duplicates_merge, "registry.write", 0);
R(r_dup_keep, api_duplicates_keep, "registry.write", 0);
/*
 * Registry imports: the upload is a file with its own body cap.  The right
 * depends on the kind (registry.write, benefit.write for payments): the
 * handlers check it (importer_job_create, importer_job_get).
 */
R(r_imports_create, api_imports_create, NULL, API_UPLOAD);
R(r_imports_get, api_imports_get, NULL, 0);
R(r_imports_commit, api_imports_commit, NULL, 0);
R(r_imports_errors, api_imports_errors_xlsx, NULL, 0);
/* The benefits ledger (docs/registry.md, Benefits). */
R(r_programmes, api_programmes_list, "benefit.read", 0);
/*
 * indicators: each checks the rights of the entities it counts; with the
 * closed periods and the areas, what an analytics API key may read
 */
R(r_ind_list, api_indicators_list, NULL, API_KEY_OK);
R(r_ind_values, api_indicators_values, NULL, API_KEY_OK);
R(r_ind_records, api_indicators_records, NULL, API_KEY_OK);
/* closed periods: the closure itself needs period.close; reading them, any area user */
R(r_periods_close, api_periods_close, "period.close", 0);
R(r_periods_list, api_periods_list, NULL, API_KEY_OK);
R(r_periods_get, api_periods_get, NULL, API_KEY_OK);
/* assessment (考核) */
R(r_assess_schemes, api_assess_schemes, "assess.read", 0);
R(r_assess_runs, api_assess_runs_list, "assess.read", 0);
R(r_assess_run_add, api_assess_runs_create, "assess.write", API_IDEMPOTENT);
R(r_assess_run_get, api_assess_runs_get, "assess.read", 0);
R(r_assess_run_approve, api_assess_runs_approve, "assess.approve", API_IDEMPOTENT);
R(r_assess_evidence_add, api_assess_evidence_upload, "assess.write", API_UPLOAD | API_IDEMPOTENT);
R(r_assess_evidence_get, api_assess_evidence_get, "assess.read", 0);
R(r_assess_item_add, api_assess_items_create, "assess.write", API_IDEMPOTENT);
R(r_assess_item_approve, api_assess_items_approve, "assess.approve", API_IDEMPOTENT);
R(r_assess_tiers, api_assess_tiers, "assess.read", 0);
R(r_ind_table, api_indicators_table, NULL, API_KEY_OK);
R(r_ind_table_xlsx, api_indicators_table_xlsx, NULL, API_KEY_OK);
/* work reports: the rights of the indicators a template uses */
R(r_rep_templates, api_report_templates, NULL, 0);
R(r_rep_create, api_reports_create, NULL, 0);
R(r_rep_get, api_reports_get, NULL, 0);
R(r_hh_apply, api_household_apply, "case.write", API_IDEMPOTENT);
R(r_hh_payments, api_household_payments, "benefit.read", 0);
R(r_pay_list, api_payments_list, "benefit.read", 0);
R(r_pay_totals, api_payments_totals, "benefit.read", 0);
R(r_pay_create, api_payments_create, "benefit.write", API_IDEMPOTENT);
R(r_run_create, api_benefit_runs_create, "benefit.write", API_IDEMPOTENT);
R(r_batch_list, api_batches_list, "benefit.read", 0);
R(r_batch_get, api_batches_get, "benefit.read", 0);
R(r_batch_issue, api_batches_issue, "benefit.write", 0);
R(r_batch_bank, api_batches_bank, "benefit.read", 0);
/* 防返贫 monitoring, pairing and visits */
R(r_mon_codes, api_monitoring_codes, "registry.read", 0);
R(r_mon_alerts, api_monitoring_alerts_list, "registry.read", 0);
R(r_mon_alert_add, api_monitoring_alerts_create, "registry.write", API_IDEMPOTENT);
R(r_mon_screen, api_monitoring_screen, "registry.write", 0);
R(r_mon_alert_case, api_monitoring_alert_case, "case.write", 0);
R(r_mon_alert_dismiss, api_monitoring_alert_dismiss, "registry.write", 0);
R(r_measures_list, api_measures_list, "registry.read", 0);
R(r_measures_add, api_measures_create, "registry.write", API_IDEMPOTENT);
R(r_measures_patch, api_measures_patch, "registry.write", 0);
R(r_elim_check, api_elimination_check, "registry.read", 0);
R(r_elim_open, api_elimination_open, "case.write", 0);
R(r_cadres_list, api_cadres_list, "registry.read", 0);
R(r_cadres_add, api_cadres_create, "registry.write", API_IDEMPOTENT);
R(r_pairs_list, api_pairs_list, "registry.read", 0);
R(r_pairs_add, api_pairs_create, "registry.write", 0);
R(r_pairs_end, api_pairs_end, "registry.write", 0);
R(r_visits_list, api_visits_list, "registry.read", 0);
R(r_visits_add, api_visits_create, "registry.write", API_IDEMPOTENT);
R(r_visits_mine, api_visits_mine, "registry.read", 0);
R(r_visit_photo_add, api_visit_photo_upload, "registry.write", API_UPLOAD | API_IDEMPOTENT);
R(r_visit_photo_get, api_visit_photo_get, "registry.read", 0);

const struct route api_routes[] = {
    {"GET", "/healthz", api_dispatch, &r_health},
    {"POST", "/api/v1/session", api_dispatch, &r_login},
    {"DELETE", "/api/v1/session", api_dispatch, &r_logout},
    {"GET", "/api/v1/me", api_dispatch, &r_me},
    {"POST", "/api/v1/me/password", api_dispatch, &r_password},
    {"GET", "/api/v1/users", api_dispatch, &r_users_list},
    {"POST", "/api/v1/users", api_dispatch, &r_users_create},
    {"GET", "/api/v1/users/export.xlsx", api_dispatch, &r_users_export},
    {"GET", "/api/v1/users/{id}", api_dispatch, &r_users_get},
    {"PATCH", "/api/v1/users/{id}", api_dispatch, &r_users_patch},
    {"GET", "/api/v1/roles", api_dispatch, &r_roles_list},
    {"POST", "/api/v1/roles", api_dispatch, &r_roles_create},
    {"GET", "/api/v1/roles/{id}", api_dispatch, &r_roles_get},
    {"PATCH", "/api/v1/roles/{id}", api_dispatch, &r_roles_patch},
    {"GET", "/api/v1/permissions", api_dispatch, &r_perms},
    {"GET", "/api/v1/areas", api_dispatch, &r_areas_list},
    {"POST", "/api/v1/areas", api_dispatch, &r_areas_create},
    {"GET", "/api/v1/areas/{id}", api_dispatch, &r_areas_get},
    {"PATCH", "/api/v1/areas/{id}", api_dispatch, &r_areas_patch},
    {"GET", "/api/v1/search", api_dispatch, &r_search},
    {"GET", "/api/v1/case-types", api_dispatch, &r_case_types},
    {"GET", "/api/v1/cases", api_dispatch, &r_cases_list},
    {"POST", "/api/v1/cases", api_dispatch, &r_cases_create},
    {"GET", "/api/v1/cases/stats", api_dispatch, &r_cases_stats},
    {"GET", "/api/v1/cases/similar", api_dispatch, &r_cases_similar},
    {"POST", "/api/v1/cases/import", api_dispatch, &r_cases_import, ZW_MAX_UPLOAD_BYTES},
    {"GET", "/api/v1/cases/overdue-board", api_dispatch, &r_cases_board},
    {"GET", "/api/v1/cases/export.xlsx", api_dispatch, &r_cases_export},
    {"GET", "/api/v1/cases/{id}", api_dispatch, &r_cases_get},
    {"POST", "/api/v1/cases/{id}/actions/{action}", api_dispatch, &r_cases_act},
    {"GET", "/api/v1/cases/{id}/documents", api_dispatch, &r_docs_list},
    {"POST", "/api/v1/cases/{id}/documents", api_dispatch, &r_docs_create},
    {"GET", "/api/v1/cases/{id}/documents/{docId}", api_dispatch, &r_docs_get},
    {"GET", "/api/v1/cases/{id}/documents/{docId}/pdf", api_dispatch, &r_docs_pdf},
    {"POST", "/api/v1/cases/{id}/links", api_dispatch, &r_cases_link},
    {"POST", "/api/v1/cases/{id}/merge", api_dispatch, &r_cases_merge},
    /* Uploads: the one body cap above the server's (see struct route.max_body). */
    {"POST", "/api/v1/cases/{id}/attachments", api_dispatch, &r_att_upload, ZW_MAX_UPLOAD_BYTES},
    {"GET", "/api/v1/cases/{id}/attachments/{attachmentId}", api_dispatch, &r_att_get},
    {"GET", "/api/v1/audit", api_dispatch, &r_audit},
    {"GET", "/api/v1/audit/export.xlsx", api_dispatch, &r_audit_export},
    {"GET", "/api/v1/settings/security", api_dispatch, &r_sec_get},
    {"PATCH", "/api/v1/settings/security", api_dispatch, &r_sec_patch},
    {"GET", "/api/v1/calendar/add", api_dispatch, &r_cal_add},
    {"GET", "/api/v1/calendar/{year}", api_dispatch, &r_cal_get},
    {"PUT", "/api/v1/calendar/days/{date}", api_dispatch, &r_cal_put},
    {"DELETE", "/api/v1/calendar/days/{date}", api_dispatch, &r_cal_del},
    {"GET", "/api/v1/notifications", api_dispatch, &r_notes_list},
    {"POST", "/api/v1/notifications/read-all", api_dispatch, &r_notes_read_all},
    {"POST", "/api/v1/notifications/{id}/read", api_dispatch, &r_notes_read},
    {"GET", "/api/v1/admin/outbox", api_dispatch, &r_outbox_get},
    {"POST", "/api/v1/admin/outbox/retry", api_dispatch, &r_outbox_retry},
    {"GET", "/api/v1/portal/services", api_dispatch, &r_portal_services},
    {"GET", "/api/v1/portal/villages", api_dispatch, &r_portal_villages},
    {"POST", "/api/v1/portal/requests", api_dispatch, &r_portal_submit},
    {"POST", "/api/v1/portal/track", api_dispatch, &r_portal_track},
    {"POST", "/api/v1/portal/rating", api_dispatch, &r_portal_rate},
    {"POST", "/api/v1/portal/photos", api_dispatch, &r_portal_photo, ZW_MAX_UPLOAD_BYTES},
    {"GET", "/api/v1/portal/notices", api_dispatch, &r_portal_notices},
    {"GET", "/api/v1/portal/notices/{id}", api_dispatch, &r_portal_notice},
    {"GET", "/api/v1/portal/notices/{id}/html", api_dispatch, &r_portal_notice_html},
    {"GET", "/api/v1/portal/notices/{id}/pdf", api_dispatch, &r_portal_notice_pdf},
    {"POST", "/api/v1/portal/notices/{id}/objections", api_dispatch, &r_portal_notice_object},
    {"GET", "/api/v1/notices/kinds", api_dispatch, &r_notices_kinds},
    {"GET", "/api/v1/notices", api_dispatch, &r_notices_list},
    {"POST", "/api/v1/notices/preview", api_dispatch, &r_notices_preview},
    {"POST", "/api/v1/notices", api_dispatch, &r_notices_create},
    {"GET", "/api/v1/notices/{id}", api_dispatch, &r_notices_get},
    {"GET", "/api/v1/notices/{id}/html", api_dispatch, &r_notices_html},
    {"GET", "/api/v1/notices/{id}/pdf", api_dispatch, &r_notices_pdf},
    {"POST", "/api/v1/notices/{id}/publish", api_dispatch, &r_notices_publish},
    {"POST", "/api/v1/notices/{id}/close", api_dispatch, &r_notices_close},
    /* Open311 GeoReport v2: the format is the path's suffix, .json or .xml. */
    {"GET", "/open311/v2/discovery.json", api_dispatch, &r_o311_discovery},
    {"GET", "/open311/v2/discovery.xml", api_dispatch, &r_o311_discovery},
    {"GET", "/open311/v2/services.json", api_dispatch, &r_o311_services},
    {"GET", "/open311/v2/services.xml", api_dispatch, &r_o311_services},
    {"GET", "/open311/v2/services/{file}", api_dispatch, &r_o311_service},
    {"GET", "/open311/v2/requests.json", api_dispatch, &r_o311_requests},
    {"GET", "/open311/v2/requests.xml", api_dispatch, &r_o311_requests},
    {"POST", "/open311/v2/requests.json", api_dispatch, &r_o311_post},
    {"POST", "/open311/v2/requests.xml", api_dispatch, &r_o311_post},
    {"GET", "/open311/v2/requests/{file}", api_dispatch, &r_o311_request},
    {"GET", "/open311/v2/tokens/{file}", api_dispatch, &r_o311_token},
    {"GET", "/api/v1/registry/codes", api_dispatch, &r_reg_codes},
    {"GET", "/api/v1/households", api_dispatch, &r_hh_list},
    {"POST", "/api/v1/households", api_dispatch, &r_hh_create},
    {"GET", "/api/v1/households/{id}", api_dispatch, &r_hh_get},
    {"PATCH", "/api/v1/households/{id}", api_dispatch, &r_hh_patch},
    {"GET", "/api/v1/households/{id}/history", api_dispatch, &r_hh_history},
    {"POST", "/api/v1/households/{id}/persons", api_dispatch, &r_hh_persons},
    {"POST", "/api/v1/households/{id}/guarantees", api_dispatch, &r_hh_guarantees},
    {"POST", "/api/v1/households/{id}/incomes", api_dispatch, &r_hh_incomes},
    {"GET", "/api/v1/exports/households.xlsx", api_dispatch, &r_hh_export},
    {"GET", "/api/v1/exports/persons.xlsx", api_dispatch, &r_p_export},
    {"GET", "/api/v1/persons", api_dispatch, &r_p_list},
    {"GET", "/api/v1/persons/{id}", api_dispatch, &r_p_get},
    {"PATCH", "/api/v1/persons/{id}", api_dispatch, &r_p_patch},
    {"GET", "/api/v1/persons/{id}/id-number", api_dispatch, &r_p_idnum},
    {"POST", "/api/v1/persons/{id}/leave", api_dispatch, &r_p_leave},
    {"POST", "/api/v1/persons/{id}/move", api_dispatch, &r_p_move},
    {"GET", "/api/v1/duplicates", api_dispatch, &r_dup_list},
    {"POST", "/api/v1/duplicates/{id}/merge", api_dispatch, &r_dup_merge},
    {"POST", "/api/v1/duplicates/{id}/keep", api_dispatch, &r_dup_keep},
    {"POST", "/api/v1/imports", api_dispatch, &r_imports_create, ZW_MAX_IMPORT_BYTES},
    {"GET", "/api/v1/imports/{id}", api_dispatch, &r_imports_get},
    {"POST", "/api/v1/imports/{id}/commit", api_dispatch, &r_imports_commit},
    {"GET", "/api/v1/imports/{id}/errors.xlsx", api_dispatch, &r_imports_errors},
    {"GET", "/api/v1/programmes", api_dispatch, &r_programmes},
    {"GET", "/api/v1/indicators", api_dispatch, &r_ind_list},
    {"GET", "/api/v1/indicators/values", api_dispatch, &r_ind_values},
    {"GET", "/api/v1/indicators/table", api_dispatch, &r_ind_table},
    {"GET", "/api/v1/indicators/table.xlsx", api_dispatch, &r_ind_table_xlsx},
    {"GET", "/api/v1/indicators/{code}/records", api_dispatch, &r_ind_records},
    {"POST", "/api/v1/periods", api_dispatch, &r_periods_close},
    {"GET", "/api/v1/periods", api_dispatch, &r_periods_list},
    {"GET", "/api/v1/periods/{id}", api_dispatch, &r_periods_get},
    {"GET", "/api/v1/assessment/schemes", api_dispatch, &r_assess_schemes},
    {"GET", "/api/v1/assessment/runs", api_dispatch, &r_assess_runs},
    {"POST", "/api/v1/assessment/runs", api_dispatch, &r_assess_run_add},
    {"GET", "/api/v1/assessment/runs/{id}", api_dispatch, &r_assess_run_get},
    {"POST", "/api/v1/assessment/runs/{id}/approve", api_dispatch, &r_assess_run_approve},
    {"POST", "/api/v1/assessment/runs/{id}/evidence", api_dispatch, &r_assess_evidence_add,
     ZW_MAX_UPLOAD_BYTES},
    {"POST", "/api/v1/assessment/runs/{id}/items", api_dispatch, &r_assess_item_add},
    {"GET", "/api/v1/assessment/evidence/{id}", api_dispatch, &r_assess_evidence_get},
    {"POST", "/api/v1/assessment/items/{id}/approve", api_dispatch, &r_assess_item_approve},
    {"GET", "/api/v1/assessment/tiers", api_dispatch, &r_assess_tiers},
    {"GET", "/api/v1/report-templates", api_dispatch, &r_rep_templates},
    {"POST", "/api/v1/reports", api_dispatch, &r_rep_create},
    {"GET", "/api/v1/reports/{file}", api_dispatch, &r_rep_get},
    {"POST", "/api/v1/households/{id}/applications", api_dispatch, &r_hh_apply},
    {"GET", "/api/v1/households/{id}/payments", api_dispatch, &r_hh_payments},
    {"GET", "/api/v1/payments", api_dispatch, &r_pay_list},
    {"GET", "/api/v1/payments/totals", api_dispatch, &r_pay_totals},
    {"POST", "/api/v1/payments", api_dispatch, &r_pay_create},
    {"POST", "/api/v1/benefit-runs", api_dispatch, &r_run_create},
    {"GET", "/api/v1/batches", api_dispatch, &r_batch_list},
    {"GET", "/api/v1/batches/{id}", api_dispatch, &r_batch_get},
    {"POST", "/api/v1/batches/{id}/issue", api_dispatch, &r_batch_issue},
    {"GET", "/api/v1/batches/{id}/bank.xlsx", api_dispatch, &r_batch_bank},
    /* 防返贫 monitoring, pairing and visits */
    {"GET", "/api/v1/monitoring/codes", api_dispatch, &r_mon_codes},
    {"GET", "/api/v1/monitoring/alerts", api_dispatch, &r_mon_alerts},
    {"POST", "/api/v1/monitoring/alerts", api_dispatch, &r_mon_alert_add},
    {"POST", "/api/v1/monitoring/screen", api_dispatch, &r_mon_screen},
    {"POST", "/api/v1/monitoring/alerts/{id}/case", api_dispatch, &r_mon_alert_case},
    {"POST", "/api/v1/monitoring/alerts/{id}/dismiss", api_dispatch, &r_mon_alert_dismiss},
    {"GET", "/api/v1/households/{id}/measures", api_dispatch, &r_measures_list},
    {"POST", "/api/v1/households/{id}/measures", api_dispatch, &r_measures_add},
    {"PATCH", "/api/v1/measures/{id}", api_dispatch, &r_measures_patch},
    {"GET", "/api/v1/households/{id}/elimination-check", api_dispatch, &r_elim_check},
    {"POST", "/api/v1/households/{id}/elimination", api_dispatch, &r_elim_open},
    {"GET", "/api/v1/assist-cadres", api_dispatch, &r_cadres_list},
    {"POST", "/api/v1/assist-cadres", api_dispatch, &r_cadres_add},
    {"GET", "/api/v1/households/{id}/pairs", api_dispatch, &r_pairs_list},
    {"POST", "/api/v1/households/{id}/pairs", api_dispatch, &r_pairs_add},
    {"POST", "/api/v1/pairs/{id}/end", api_dispatch, &r_pairs_end},
    {"GET", "/api/v1/households/{id}/visits", api_dispatch, &r_visits_list},
    {"POST", "/api/v1/households/{id}/visits", api_dispatch, &r_visits_add},
    {"GET", "/api/v1/visits/mine", api_dispatch, &r_visits_mine},
    {"POST", "/api/v1/visits/{id}/photos", api_dispatch, &r_visit_photo_add, ZW_MAX_UPLOAD_BYTES},
    {"GET", "/api/v1/visits/{id}/photos/{photoId}", api_dispatch, &r_visit_photo_get},
};
const size_t api_route_count = sizeof(api_routes) / sizeof(api_routes[0]);
