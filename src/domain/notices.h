/*
 * notices.h - public notices (公示): a list of records of one kind for one
 * village, rendered from a template, published on the portal for a window
 * of dates, with objections (异议) taken during the window as cases.
 *
 * Kinds (defs/notices/notices.json names them and their default window; the
 * templates are defs/notices/<kind>.html):
 *   dibao       低保 payments of a village in a month or year, per household
 *   monitoring  the village's households identified as monitored (防返贫)
 *   payments    the payments of one programme in a month or year (a batch)
 *   funds       project funds entered by hand: project, amount, unit
 *
 * Privacy (DOMAIN.md §9): a row is built from an explicit whitelist of
 * columns (notice_cols): the head's name (shown masked 张*三 by {{col:name}}
 * or in full by {{col:name_full}}, as the template's rule requires), persons,
 * amounts, programme, monitoring category, risks and date, project and unit.
 * The record sources read nothing else, so an ID number, address, phone,
 * birth date or bank account cannot reach a notice whatever a template says.
 *
 * Lifecycle: draft (rows chosen and frozen, previewable) -> published (the
 * rendered page stored with its SHA-256, publish instant and window; never
 * changed again) -> closed.  A correction is a new notice naming the old one
 * (replacesId).  Publishing and closing are audited.
 */
#ifndef ZW_NOTICES_H
#define ZW_NOTICES_H

#include <stdbool.h>
#include <stdint.h>

#include "benefits.h"
#include "casedef.h"
#include "domain.h"
#include "registry.h"
#include "store/store_notice.h"

struct doc_template;

struct notice_kind {
    const char *code, *name;
    int days;                       /* default window length in days */
    const struct doc_template *tpl; /* defs/notices/<code>.html */
    const char *const *cols;        /* the kind's whitelist, in order */
    size_t ncols;
    bool period_required, programme_required, by_hand;
};

struct notice_defs {
    struct notice_kind *v;
    size_t n;
    const struct programmes *programmes;  /* names of programmes */
    const struct registry_defs *registry; /* names of monitoring categories and risks */
};

/* Loads defs_dir/notices/notices.json and every kind's template; stops at the first problem. */
int notices_load(const char *defs_dir, const struct programmes *programmes,
                 const struct registry_defs *registry, struct arena *a, struct notice_defs *out,
                 struct error *err);
const struct notice_kind *notices_kind(const struct notice_defs *d, const char *code);

struct notice_fund_row {
    const char *project, *unit;
    int64_t amount_fen;
};

struct notice_input {
    const char *kind, *title, *period, *programme, *note; /* title, note optional */
    int64_t village_id;
    int64_t replaces_id;          /* 0 = none */
    const int64_t *household_ids; /* a chosen subset of the records; NULL = all of them */
    size_t nhousehold_ids;
    const struct notice_fund_row *funds; /* kind funds */
    size_t nfunds;
};

/*
 * Checks in and builds the draft (rows from the records, not stored) into
 * *out.  ZW_EINVAL naming the field (kind, villageId, period, programme,
 * householdIds, rows); ZW_EFORBIDDEN for a village outside the caller's scope.
 */
int notices_build(struct zctx *z, const struct notice_defs *d, const struct notice_input *in,
                  struct notice *out, struct error *err);
/* notices_build, then stores the draft and audits it. */
int notices_create(struct zctx *z, const struct notice_defs *d, const struct notice_input *in,
                   struct notice *out, struct error *err);
/*
 * The complete printable page of n as it reads when published at instant
 * `at` for the window [start, end] (YYYY-MM-DD); arena-owned.
 */
int notices_render(struct zctx *z, const struct notice_defs *d, const struct notice *n, int64_t at,
                   const char *start, const char *end, char **html, struct error *err);
/* The default window of kind from today: start today, end after kind->days days (inclusive). */
void notices_default_window(const struct notice_kind *k, int64_t now, char start[11], char end[11]);
/* The notice in the caller's scope (404 outside). */
int notices_get(struct zctx *z, int64_t id, struct notice *out, struct error *err);
/*
 * Publishes draft id for [start, end] (NULL: the kind's default window from
 * today): renders, stores page, hash and dates, audits.  start may not lie
 * before today; end not before start; at most ZW_NOTICE_WINDOW_MAX_DAYS days.
 */
int notices_publish(struct zctx *z, const struct notice_defs *d, int64_t id, const char *start,
                    const char *end, struct notice *out, struct error *err);
/* Closes published notice id (audited): off the portal, no more objections. */
int notices_close(struct zctx *z, int64_t id, struct notice *out, struct error *err);

/*
 * Closes, as the system (audited), every published notice whose window ended
 * before now's day: the scanner thread of serve runs it.  Opens and commits
 * its own transaction; *closed is how many.
 */
int notices_close_expired(struct db *db, int64_t now, int *closed, struct error *err);
/*
 * The PDF of a notice page (arena-owned): drawn once per process for each
 * page text, then served from pdf_cache by the text's SHA-256.
 */
int notices_pdf(const char *html, struct arena *a, char **pdf, size_t *len, struct error *err);

/* Whether n is published and today (Asia/Shanghai) lies in its window. */
bool notices_in_window(const struct notice *n, int64_t now);
/* A published notice in its window, for the public (ZW_ENOTFOUND otherwise). */
int notices_public_get(struct zctx *z, int64_t id, struct notice *out, struct error *err);

struct notice_objection_input {
    const char *name, *phone, *content;
};
/*
 * Files an objection to notice id from the portal: rate-limited per address
 * and phone, only while the notice is in its window (ZW_ETRANSITION
 * otherwise), as a case of type objection in the notice's village filed by
 * the public principal, with a tracking code (public_requests) and a
 * notice_objections row.  ZW_ERATELIMIT sets *retry_after.
 */
int notices_object(struct zctx *z, const struct case_types *types, int64_t id,
                   const struct notice_objection_input *in, struct case_row *out_case,
                   struct public_request *out_req, int64_t *retry_after, struct error *err);

#endif
