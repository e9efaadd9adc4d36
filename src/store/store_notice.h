/*
 * store_notice.h - public notices (公示) and their objections
 * (sql/0019_notices.sql), and the record sources a notice is built from.
 *
 * A notice lies in a scope when its village's path lies under the scope's
 * prefix (an area-scoped user: the village is the user's area).  The record
 * sources read only the columns a notice may show (the whitelist of
 * domain/notices.c): the head of household's name, persons, amounts,
 * monitoring category, risks and date; never an ID number, address, phone,
 * birth date or bank account.  Strings of read rows are arena-owned.
 */
#ifndef ZW_STORE_NOTICE_H
#define ZW_STORE_NOTICE_H

#include "store.h"

struct notice {
    int64_t id;
    const char *kind, *title, *period, *programme, *note; /* period, programme, note may be NULL */
    int64_t village_id;
    const char *village_name, *village_code, *area_path;
    const char *rows_json; /* [{...whitelisted columns...}] */
    int nrows;
    int64_t replaces_id;                   /* 0 = none */
    const char *status;                    /* draft, published, closed */
    const char *html, *sha256;             /* set on publish; html only read by store_notice_get */
    const char *window_start, *window_end; /* YYYY-MM-DD or NULL */
    int64_t published_at, published_by, closed_at, closed_by;
    int64_t created_by, created_at;
    const char *created_by_name;
    int version;
    int nobjections;
};

struct notice_filter {
    const char *kind, *status; /* NULL = any */
    int64_t village_id;        /* 0 = any */
    int64_t page, page_size;
};

/* Inserts n (status draft); sets n->id. */
int store_notice_insert(struct db *db, struct notice *n, struct error *err);
/* The notice id in the scope sc (NULL: any), with its html.  ZW_ENOTFOUND if not there. */
int store_notice_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                     struct notice *out, struct error *err);
/* A page of the notices in sc, newest first (no html). */
int store_notice_list(struct db *db, const struct scope *sc, const struct notice_filter *f,
                      struct arena *a, struct notice **items, size_t *n, int64_t *total,
                      struct error *err);
/* The published notices whose window holds the date today (YYYY-MM-DD); village 0 = all. */
int store_notice_public(struct db *db, const char *today, int64_t village_id, struct arena *a,
                        struct notice **items, size_t *n, struct error *err);
/* The ids of the published notices whose window ended before today (YYYY-MM-DD). */
int store_notice_expired(struct db *db, const char *today, struct arena *a, int64_t **ids,
                         size_t *n, struct error *err);
/* draft -> published with the page, its hash and window, if n->version is current; bumps it. */
int store_notice_publish(struct db *db, struct notice *n, struct error *err);
/* published -> closed, if n->version is current; bumps it. */
int store_notice_close(struct db *db, struct notice *n, struct error *err);

struct notice_objection {
    int64_t id, notice_id, case_id, created_at;
    const char *serial, *state, *type, *requester_name;
};
int store_notice_objection_insert(struct db *db, struct notice_objection *o, struct error *err);
int store_notice_objections(struct db *db, int64_t notice_id, struct arena *a,
                            struct notice_objection **items, size_t *n, struct error *err);

/* One record a notice may show: only whitelisted columns. */
struct notice_source {
    int64_t household_id;
    const char *name;     /* the head of household's name ("" if none) */
    int persons;          /* covered persons / household members */
    int64_t amount_fen;   /* payments: the sum over the period */
    const char *category; /* monitoring: category code */
    const char *risks;    /* monitoring: risk codes, comma separated */
    const char *since;    /* monitoring: date of the decision */
};

/*
 * The payments of programme in village_id whose period is period
 * (YYYY-MM) or lies in it (YYYY), one row per household, by household id.
 */
int store_notice_payments(struct db *db, const char *programme, int64_t village_id,
                          const char *period, struct arena *a, struct notice_source **items,
                          size_t *n, struct error *err);
/* The monitored households of village_id, identified in period (a prefix of monitor_since; ""
 * any). */
int store_notice_monitored(struct db *db, int64_t village_id, const char *period, struct arena *a,
                           struct notice_source **items, size_t *n, struct error *err);

#endif
