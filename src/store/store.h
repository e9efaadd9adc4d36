/*
 * store.h - the storage layer: the only place with SQL.
 *
 * A struct store owns the database target and one connection per thread
 * (opened on first use by that thread).  The entity functions below take the
 * calling thread's struct db and run fixed statements with bound parameters;
 * none builds SQL from input.  Reads that return area data take a struct
 * scope and apply it in the statement itself, as bound parameters on the
 * materialised area path, so a caller cannot forget it.
 *
 * Strings in result structs are copied into fixed buffers or the caller's
 * arena ("arena-owned"); nothing returned must be freed.
 */
#ifndef ZW_STORE_H
#define ZW_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "calendar.h"
#include "error.h"

struct db;
struct store;
struct scope;
struct audit_rec;

/* ---- lifecycle ---------------------------------------------------------- */

/* true if target is a PostgreSQL URL (postgresql://...), false for a SQLite file path. */
bool store_is_pg(const char *target);
/* Opens target (SQLite path or PostgreSQL URL), applies pending migrations when migrate is true. */
int store_open(const char *target, bool migrate, struct store **out, struct error *err);
/* This thread's connection, opened on first use.  NULL (and err) if it cannot open. */
struct db *store_db(struct store *s, struct error *err);
/* Closes every thread's connection; call after all threads stopped. */
void store_close(struct store *s);
const char *store_target(const struct store *s);
/* Consistent online copy of the SQLite database src into the file dst. */
int store_backup(const char *src, const char *dst, struct error *err);
/* Transactions on a connection (BEGIN IMMEDIATE for writes on SQLite). */
int store_begin(struct db *db, bool write, struct error *err);
int store_commit(struct db *db, struct error *err);
void store_rollback(struct db *db);
/* The newest migration applied to db, and the newest this binary knows. */
int store_schema_version(struct db *db, int *version, int *latest, struct error *err);
/* true while a transaction is open on db; store_in_write_tx only for a write one. */
bool store_in_tx(struct db *db);
bool store_in_write_tx(struct db *db);
/* Process-wide set-up of the engines' libraries; call once from main before any store. */
void store_global_init(void);
/* Cheap query proving the database answers. */
int store_ping(struct db *db, struct error *err);

/*
 * Data versions: a committed write transaction that wrote one of these
 * tables (an INSERT, UPDATE or DELETE prepared on it) bumps the table's row
 * of data_versions in the same transaction (db.c), whichever process wrote.
 * A cache of values derived from the tables (the indicators) keeps the
 * versions it was computed at and is valid while they are unchanged.
 */
enum store_table {
    STORE_T_CASES,
    STORE_T_CASE_CLOCKS,
    STORE_T_PERSONS,
    STORE_T_HOUSEHOLDS,
    STORE_T_HOUSEHOLD_CATEGORIES,
    STORE_T_PAYMENTS,
    STORE_T_VISITS,
    STORE_T_MEASURES,
    STORE_T_PERIODS,
    STORE_NTRACKED
};
#define STORE_BIT(t) (UINT32_C(1) << (t))
/* The tracked tables the open write transaction on db has written so far (uncommitted). */
uint32_t store_tx_written(struct db *db);
/* A number that changes with every transaction begun on db. */
uint64_t store_tx_serial(struct db *db);
/* The current version of every tracked table (0 for one never written). */
int store_data_versions(struct db *db, uint64_t v[STORE_NTRACKED], struct error *err);

/* ---- cases (store_case.c) ----------------------------------------------- */

struct case_row {
    int64_t id;
    char type[40];
    char serial[96];
    int year, seq;
    const char *title, *content; /* arena-owned */
    int64_t area_id;
    char area_path[256], area_code[40], area_name[128];
    char category[40], channel[16];
    const char *requester_name, *requester_phone; /* arena-owned, may be NULL */
    bool confidential;
    char state[40], outcome[16];
    int64_t assignee_id;
    char assignee_name[136];
    const char *fields_json; /* arena-owned JSON object */
    int64_t created_by, created_at, updated_at, closed_at;
    int version;
    int satisfied;       /* the resident's rating: 1 satisfied, 0 not, -1 not rated */
    int64_t rated_at;    /* 0 = never */
    bool has_location;   /* lat and lon are set */
    double lat, lon;     /* WGS-84 degrees */
    const char *address; /* arena-owned, may be NULL */
};

struct case_filter {
    const char *type, *state, *in_path, *q; /* NULL = any; q is a plain substring */
    int64_t overdue_at;                     /* 0 = off, else "overdue as of" */
    int64_t assignee_id;                    /* 0 = off, else open cases assigned to this user */
    int64_t created_from, created_to;       /* registered in [from, to); 0 = no bound */
    bool open_only;                         /* only cases not closed */
    bool by_deadline;                       /* nearest running deadline first, else newest first */
    bool count_only;                        /* only *total (items NULL) */
    int64_t page, page_size;
};

struct case_event {
    int64_t id, case_id, at, user_id;
    const char *user_name, *kind, *action, *from_state, *to_state, *comment, *data_json;
};

struct case_clock {
    int64_t case_id;
    const char *clock;
    int64_t started_at, due_at, warn_at, paused_at, stopped_at;
    int extensions;
};

/* Next serial number of type in year (1, 2, ...), in the caller's transaction. */
int store_case_next_seq(struct db *db, const char *type, int year, int *seq, struct error *err);
/* Inserts c (sets id, version) and its search document. */
int store_case_insert(struct db *db, struct case_row *c, struct error *err);
/* The case if it lies in sc; ZW_ENOTFOUND otherwise. */
int store_case_get(struct db *db, int64_t id, const struct scope *sc, struct arena *a,
                   struct case_row *out, struct error *err);
/* Writes state, outcome, assignee, fields, closed_at if c->version is current; bumps it. */
int store_case_update(struct db *db, struct case_row *c, struct error *err);
int store_case_list(struct db *db, const struct scope *sc, const struct case_filter *f,
                    struct arena *a, struct case_row **items, size_t *n, int64_t *total,
                    struct error *err);
/* Appends e to its case's timeline and sets e->id. */
/* The clocks of the cases ids[0..nids) in one query (a list page), ordered by case. */
int store_case_clocks_of(struct db *db, const int64_t *ids, size_t nids, struct arena *a,
                         struct case_clock **items, size_t *n, struct error *err);
int store_case_event_add(struct db *db, struct case_event *e, struct error *err);
int store_case_events(struct db *db, int64_t case_id, struct arena *a, struct case_event **items,
                      size_t *n, struct error *err);
/*
 * Records the resident's rating of a case (satisfied or not, when) without
 * changing its version: a rating given outside the procedure (the portal).
 */
int store_case_rate(struct db *db, int64_t case_id, bool satisfied, int64_t at, struct error *err);
/* How often action was taken on the case (timeline entries of kind "action"). */
int store_case_action_count(struct db *db, int64_t case_id, const char *action, int64_t *n,
                            struct error *err);
/*
 * Inserts or replaces one clock of a case; closed: the case is closed (its
 * lateness, which its clocks decide, is counted for the indicators).
 */
int store_case_clock_put(struct db *db, const struct case_clock *k, bool closed, struct error *err);
int store_case_clocks(struct db *db, int64_t case_id, struct arena *a, struct case_clock **items,
                      size_t *n, struct error *err);

/* ---- attachments and links (store_attach.c) ----------------------------- */

struct case_attachment {
    int64_t id, case_id, size, created_at, created_by;
    const char *name, *mime, *created_by_name; /* arena-owned */
    char sha256[65];
};

/* Inserts a (sets id). */
int store_attachment_add(struct db *db, struct case_attachment *a, struct error *err);
/* The case's attachments, oldest first; *n also serves as the count. */
int store_attachments(struct db *db, int64_t case_id, struct arena *a,
                      struct case_attachment **items, size_t *n, struct error *err);
/* One attachment of the case; ZW_ENOTFOUND if the case has none with this id. */
int store_attachment_get(struct db *db, int64_t case_id, int64_t id, struct arena *a,
                         struct case_attachment *out, struct error *err);

/* The distinct SHA-256 of every stored file (case attachments, visit photos; arena-owned), for
 * backups and checks. */
int store_attachment_hashes(struct db *db, struct arena *a, const char ***items, size_t *n,
                            struct error *err);

struct case_link {
    int64_t other_id;
    const char *kind; /* "related", "merged_into" (this case went into other), "merged_from" */
    bool visible;     /* the other case lies in the caller's scope */
    char other_serial[96], other_type[40], other_state[40];
    const char *other_title; /* arena-owned */
    int64_t created_at;
};

/* Records a link; ZW_ECONFLICT if the two cases are linked already (either way). */
int store_case_link_add(struct db *db, int64_t case_id, int64_t other_id, const char *kind,
                        int64_t at, int64_t by, struct error *err);
/* Every link of the case, both directions, with what sc may see of the other case. */
int store_case_links(struct db *db, int64_t case_id, const struct scope *sc, struct arena *a,
                     struct case_link **items, size_t *n, struct error *err);
/*
 * Open cases (not closed) under path in sc, newest first, at most limit, for
 * duplicate detection: id, serial, type, state, title and content are set.
 */
int store_case_open_under(struct db *db, const struct scope *sc, const char *path,
                          int64_t exclude_id, size_t limit, struct arena *a,
                          struct case_row **items, size_t *n, struct error *err);

#define CASE_STAT_ACTIONS 64
enum {
    CS_RECEIVED,
    CS_CLOSED,
    CS_ON_TIME,
    CS_RESOLVED,
    CS_UNRESOLVED,
    CS_REJECTED,
    CS_WITHDRAWN,
    CS_OVERDUE,
    CS_MERGED,    /* repeats merged into another case: not counted as received or closed */
    CS_RATED,     /* rated by the resident in the period (the type's satisfaction field) */
    CS_SATISFIED, /* of those, rated satisfied */
    CS_COUNT
};

/* Counts of one case type over a period: see enum above; actions taken, by code. */
struct case_stat {
    char type[40];
    int64_t count[CS_COUNT];
    struct {
        const char *code;
        int64_t count;
    } actions[CASE_STAT_ACTIONS];
    size_t nactions;
};

/*
 * Per type within sc (and under in_path if not NULL): received and closed in
 * [from, to), closed without any late clock, outcomes, overdue at now, and
 * actions taken in the period.  Types without cases are absent.
 */
int store_case_stats(struct db *db, const struct scope *sc, int64_t from, int64_t to, int64_t now,
                     const char *in_path, struct arena *a, struct case_stat **items, size_t *n,
                     struct error *err);

/* ---- case documents (store_document.c) --------------------------------- */

/* One issued notice (文书) of a case, as stored. */
struct case_document {
    int64_t id, case_id;
    char code[40];
    char name[136];
    const char *html; /* arena-owned; NULL in lists */
    char sha256[65];
    bool confidential; /* names a confidential requester */
    int64_t created_at, created_by, event;
    char created_by_name[136];
};

/* Inserts d (sets d->id); d->event may be 0 and set later with store_document_set_event. */
int store_document_insert(struct db *db, struct case_document *d, struct error *err);
int store_document_set_event(struct db *db, int64_t id, int64_t event, struct error *err);
/* The documents of a case, oldest first, without their html; arena-owned. */
int store_document_list(struct db *db, int64_t case_id, struct arena *a,
                        struct case_document **items, size_t *n, struct error *err);
/* Document id of case case_id with its html; ZW_ENOTFOUND if there is none. */
int store_document_get(struct db *db, int64_t case_id, int64_t id, struct arena *a,
                       struct case_document *out, struct error *err);

/* ---- reminders, notifications, outbox (store_notify.c) ----------------- */

/* A running clock of an open case past its warning instant, with what a reminder names. */
struct reminder_clock {
    int64_t case_id;
    const char *clock; /* arena-owned, like every string here */
    int64_t started_at, due_at, warn_at;
    const char *type, *serial, *title, *area_path, *category;
    int64_t area_id, assignee_id, created_by;
    int raised; /* reminder events already raised for this run of the clock */
};

/* One reminder event: a kind ("warn", "overdue", "escalate") at a level, of one clock run. */
struct reminder_claim {
    int64_t case_id;
    const char *clock;
    int64_t run; /* the clock's started_at */
    const char *kind;
    int level;
    const char *event_id;
    int64_t at;
};

struct notification {
    int64_t id, user_id, case_id;
    const char *event_id, *kind, *title, *body, *case_serial; /* arena-owned */
    int level;
    int64_t created_at, read_at;
};

struct outbox_row {
    int64_t id;
    const char *event_id, *kind, *payload, *last_error; /* arena-owned; last_error may be NULL */
    int64_t created_at, next_attempt_at, delivered_at;
    int attempts;
};

struct outbox_stats {
    int64_t pending, delivered, failing, oldest_pending_at;
};

/*
 * Up to limit running clocks (not paused, not stopped, case open) whose
 * warning instant is at or before now, ordered by (case_id, clock) after the
 * key (after_case, after_clock): pass the last row's key to read the next batch.
 */
int store_reminder_clocks(struct db *db, int64_t now, int64_t after_case, const char *after_clock,
                          size_t limit, struct arena *a, struct reminder_clock **items, size_t *n,
                          struct error *err);
/* Inserts the reminder if absent; *claimed tells whether this call inserted it. */
int store_reminder_claim(struct db *db, const struct reminder_claim *r, bool *claimed,
                         struct error *err);
/* Enabled users holding role (a code) whose role scope covers the area (id, path). */
int store_users_covering(struct db *db, const char *role, int64_t area_id, const char *area_path,
                         struct arena *a, int64_t **ids, size_t *n, struct error *err);
/* Adds a notification; a second one of the same event for the same user is ignored. */
int store_notification_add(struct db *db, const struct notification *nt, struct error *err);
/* The user's notifications, newest first; total (of what is listed) and unread counts. */
int store_notification_list(struct db *db, int64_t user_id, bool unread_only, int64_t page,
                            int64_t page_size, struct arena *a, struct notification **items,
                            size_t *n, int64_t *total, int64_t *unread, struct error *err);
/* Marks one of the user's notifications read; ZW_ENOTFOUND if it is not theirs. */
int store_notification_read(struct db *db, int64_t user_id, int64_t id, int64_t now,
                            struct error *err);
int store_notification_read_all(struct db *db, int64_t user_id, int64_t now, int64_t *changed,
                                struct error *err);
int store_outbox_add(struct db *db, const char *event_id, const char *kind, const char *payload,
                     int64_t now, struct error *err);
/* Leases up to limit undelivered rows due at now until lease_until; ordered by id. */
int store_outbox_lease(struct db *db, int64_t now, int64_t lease_until, size_t limit,
                       struct arena *a, struct outbox_row **items, size_t *n, struct error *err);
/* Records one delivery attempt: delivered, or failed with the next try and the error. */
int store_outbox_result(struct db *db, int64_t id, bool delivered, int64_t now,
                        int64_t next_attempt_at, const char *error, struct error *err);
int store_outbox_stats(struct db *db, struct outbox_stats *out, struct error *err);
/* The newest limit rows (only undelivered ones when pending_only). */
int store_outbox_list(struct db *db, bool pending_only, size_t limit, struct arena *a,
                      struct outbox_row **items, size_t *n, struct error *err);
/* Makes every undelivered row due now; *changed rows were waiting. */
int store_outbox_retry_now(struct db *db, int64_t now, int64_t *changed, struct error *err);

/* ---- overdue board (store_board.c) -------------------------------------- */

struct board_area {
    int64_t id;
    const char *code, *name, *level, *path; /* arena-owned */
};

/* Open cases of one area path and type: how many, red, yellow, the oldest due instant overdue. */
struct board_cell {
    const char *area_path, *type; /* arena-owned */
    int64_t open, red, yellow;
    int64_t oldest_due; /* 0 when none is overdue */
};

/* The township and village areas in sc (and under in_path if not NULL), by code. */
int store_board_areas(struct db *db, const struct scope *sc, const char *in_path, struct arena *a,
                      struct board_area **items, size_t *n, struct error *err);
/* Open cases in sc (and under in_path) counted per area path and type at now. */
int store_board_cells(struct db *db, const struct scope *sc, const char *in_path, int64_t now,
                      struct arena *a, struct board_cell **items, size_t *n, struct error *err);

/* ---- public requests, API keys, rate limits (store_portal.c) ------------ */

/* A request filed without an account (portal or Open311): the case it created and its public side.
 */
struct public_request {
    int64_t id, case_id;
    char tracking_code[16];
    char service_code[40];
    char phone_last4[8]; /* "" when no phone */
    char source[16];     /* "portal", "open311" */
    int64_t api_key_id;  /* 0 for the portal */
    const char *ip;      /* arena-owned, may be NULL */
    int64_t created_at;
    int rating;                 /* 0 = not rated, else 1..5 */
    const char *rating_comment; /* arena-owned, may be NULL */
    int64_t rated_at;
};

/* Inserts r (sets r->id); ZW_ECONFLICT if the tracking code is taken. */
int store_public_request_insert(struct db *db, struct public_request *r, struct error *err);
/* By tracking code or by case id; ZW_ENOTFOUND if none. */
int store_public_request_by_code(struct db *db, const char *code, struct arena *a,
                                 struct public_request *out, struct error *err);
int store_public_request_by_case(struct db *db, int64_t case_id, struct arena *a,
                                 struct public_request *out, struct error *err);
/* Records the rating once: ZW_ECONFLICT if the request was already rated. */
int store_public_request_rate(struct db *db, int64_t id, int rating, const char *comment,
                              int64_t now, struct error *err);

struct public_filter {
    int64_t from, to;         /* created in [from, to) */
    const char *service_code; /* or NULL */
    int status;               /* 0 any, 1 open (not closed), 2 closed */
    int64_t limit;
};

/* Public requests with their cases (no scope: the public listing), newest first; arena-owned. */
int store_public_request_list(struct db *db, const struct public_filter *f, struct arena *a,
                              struct public_request **reqs, struct case_row **cases, size_t *n,
                              struct error *err);
/* One public request and its case by case id; ZW_ENOTFOUND if the case was not filed publicly. */
int store_public_request_case(struct db *db, int64_t case_id, struct arena *a,
                              struct public_request *req, struct case_row *c, struct error *err);

/* A village the public may choose, with its township. */
struct public_village {
    int64_t id, township_id;
    char code[40], name[128], township[128];
};

/* Every village under a township, ordered by code; arena-owned. */
int store_public_villages(struct db *db, struct arena *a, struct public_village **items, size_t *n,
                          struct error *err);

struct api_key {
    int64_t id;
    char name[72];
    bool disabled;
    int64_t created_at, disabled_at;
    int64_t user_id;   /* the user it acts for (analytics); 0: an Open311 key */
    char username[64]; /* that user's, or "" */
};

/* ZW_ECONFLICT if the name is taken; user_id 0: an Open311 key. */
int store_api_key_insert(struct db *db, const char *name, const char *key_hash, int64_t user_id,
                         int64_t now, int64_t *id, struct error *err);
/* The key whose SHA-256 (hex) is key_hash, disabled or not; ZW_ENOTFOUND if none. */
int store_api_key_by_hash(struct db *db, const char *key_hash, struct api_key *out,
                          struct error *err);
int store_api_key_list(struct db *db, struct arena *a, struct api_key **items, size_t *n,
                       struct error *err);
/* Disables the key called name; ZW_ENOTFOUND if none. */
int store_api_key_disable(struct db *db, const char *name, int64_t now, struct api_key *out,
                          struct error *err);

/* Hits counted under key in the window starting at window_start (0 if none). */
int store_rate_count(struct db *db, const char *key, int64_t window_start, int64_t *count,
                     struct error *err);
/* Counts one more hit; *count gets the new total. */
int store_rate_hit(struct db *db, const char *key, int64_t window_start, int64_t *count,
                   struct error *err);
/* Deletes counters of windows that started before before. */
int store_rate_purge(struct db *db, int64_t before, struct error *err);

/* ---- search (store_search.c) -------------------------------------------- */

/* Adds or replaces the search document of one record. */
int store_search_put(struct db *db, const char *entity, int64_t entity_id, const char *area_path,
                     const char *title, const char *body, struct error *err);

struct search_query {
    const char *q;            /* 1 or more characters */
    bool areas, users, cases; /* which entities the caller may see */
    int64_t page, page_size;
};

struct search_hit {
    const char *entity; /* "area", "user", "case" */
    int64_t id;
    const char *title, *body, *area_path; /* arena-owned */
};

/* Records matching q within sc, ordered by entity then id. */
int store_search(struct db *db, const struct scope *sc, const struct search_query *q,
                 struct arena *a, struct search_hit **items, size_t *n, int64_t *total,
                 struct error *err);

/* ---- copy (store_copy.c) ------------------------------------------------ */

/*
 * Copies every table of from into the empty database to, keeping ids, in
 * transactions of batch rows, calling progress after each.  ZW_ECONFLICT if
 * to is not empty.
 */
int store_copy(struct db *from, struct db *to, size_t batch,
               void (*progress)(const char *table, int64_t done, int64_t total, void *ud), void *ud,
               struct error *err);
int store_copy_check_empty(struct db *to, struct error *err);
struct store_merge_result {
    int64_t areas, users, audit_rows; /* added to the target */
};

/*
 * Merges the database from (one or more townships) into to, which already
 * holds others: areas found by code (a shared county) are reused, the rest
 * and the users get new ids, roles are matched by code, the calendar is
 * merged, and the source's audit rows join the target's chain with new ids
 * and hashes from hash(), followed by a "merge" row naming the source chain's
 * length and final hash.  Refuses (ZW_ECONFLICT, nothing written) if a
 * township or a username of the source is already there.  One transaction.
 */
int store_copy_merge(struct db *from, struct db *to, const char *source_name, int64_t now,
                     void (*hash)(const struct audit_rec *r, char out[65]),
                     struct store_merge_result *res, struct error *err);
/* Compares row counts table by table; report gets "areas 93=93，..." (Chinese). */
int store_copy_compare_counts(struct db *from, struct db *to, char *report, size_t cap,
                              struct error *err);
/* The copied tables' names; returns their number. */
size_t store_copy_tables(const char **names, size_t cap);

/* ---- scope -------------------------------------------------------------- */

enum scope_kind { SCOPE_OWN = 0, SCOPE_AREA = 1, SCOPE_SUBTREE = 2, SCOPE_ALL = 3 };

/* Which records a user may see: kind and the user's own area and id. */
struct scope {
    int kind;         /* enum scope_kind */
    const char *path; /* the user's area path, e.g. "/1/2/9/" */
    int64_t area_id;  /* the user's area */
    int64_t user_id;
};

/* ---- areas -------------------------------------------------------------- */

struct area {
    int64_t id, parent_id;
    char code[40];
    char name[128];
    char level[16];
    char path[256];
    int version;
    bool has_children;
    int64_t created_at, updated_at;
};

/* The area id if it lies in sc (ZW_ENOTFOUND otherwise, also when it does not exist). */
int store_area_get(struct db *db, int64_t id, const struct scope *sc, struct area *out,
                   struct error *err);
/* No scope: for the CLI and for internal checks. */
int store_area_get_any(struct db *db, int64_t id, struct area *out, struct error *err);
int store_area_by_code(struct db *db, const char *code, struct area *out, struct error *err);
/* The township at or above the area at path (ZW_ENOTFOUND if none), no scope. */
int store_area_township(struct db *db, const char *path, struct area *out, struct error *err);
/* Children of parent (0: the top areas of sc) that lie in sc, ordered by code; arena-owned. */
int store_area_children(struct db *db, int64_t parent, const struct scope *sc, struct arena *a,
                        struct area **items, size_t *n, struct error *err);
/* Inserts a (parent_id, code, name, level) and sets a->id, a->path, a->version. */
int store_area_insert(struct db *db, struct area *a, int code_year, int64_t now, struct error *err);
/* Renames if version matches (ZW_ESTALE otherwise). */
int store_area_rename(struct db *db, int64_t id, const char *name, int version, int64_t now,
                      struct error *err);
/* Number of areas whose parent is parent with the given level prefix of code. */
int store_area_count_children(struct db *db, int64_t parent, const char *level, int *n,
                              struct error *err);

/* ---- roles -------------------------------------------------------------- */

struct role {
    int64_t id;
    char code[64];
    char name[128];
    char scope[16];
    bool builtin;
    int version;
    const char **perms; /* arena-owned */
    size_t nperms;
};

int store_role_list(struct db *db, struct arena *a, struct role **items, size_t *n,
                    struct error *err);
int store_role_get(struct db *db, int64_t id, struct arena *a, struct role *out, struct error *err);
int store_role_by_code(struct db *db, const char *code, struct arena *a, struct role *out,
                       struct error *err);
int store_role_insert(struct db *db, struct role *r, int64_t now, struct error *err);
/* Updates name, scope and permissions if version matches. */
int store_role_update(struct db *db, const struct role *r, int64_t now, struct error *err);

/* ---- users -------------------------------------------------------------- */

struct user {
    int64_t id;
    char username[72];
    char name[136];
    char phone[40]; /* "" when none */
    int64_t area_id;
    char area_code[40];
    char area_name[128];
    char area_path[256];
    char area_level[16];
    char password_hash[160];
    bool must_change_password;
    bool disabled;
    int failed_logins;
    int64_t locked_until;
    int64_t password_changed_at;
    int64_t created_by;
    int version;
    int64_t created_at, updated_at;
};

struct role_ref {
    int64_t id;
    const char *code, *name, *scope; /* arena-owned */
};

struct user_filter {
    const char *q;       /* substring of username or name, or NULL */
    const char *in_path; /* only users whose area path starts with this, or NULL */
    int64_t page, page_size;
};

/* A user whose area lies in sc; ZW_ENOTFOUND otherwise. */
int store_user_get(struct db *db, int64_t id, const struct scope *sc, struct user *out,
                   struct error *err);
int store_user_by_username(struct db *db, const char *username, struct user *out,
                           struct error *err);
int store_user_list(struct db *db, const struct scope *sc, const struct user_filter *f,
                    struct arena *a, struct user **items, size_t *n, int64_t *total,
                    struct error *err);
/* Inserts u (id, version, timestamps set). ZW_ECONFLICT if the username is taken. */
int store_user_insert(struct db *db, struct user *u, struct error *err);
/* Writes every mutable column of u if u->version is current; bumps u->version. */
int store_user_update(struct db *db, struct user *u, struct error *err);
int store_user_roles(struct db *db, int64_t user_id, struct arena *a, struct role_ref **items,
                     size_t *n, struct error *err);
int store_user_set_roles(struct db *db, int64_t user_id, const int64_t *role_ids, size_t n,
                         struct error *err);
/* Login bookkeeping that must not bump the version (not an edit of the record). */
int store_user_set_login_state(struct db *db, int64_t id, int failed, int64_t locked_until,
                               struct error *err);
/* The user's roles (by id), distinct permissions (sorted) and widest scope; arena-owned. */
int store_user_grants(struct db *db, int64_t user_id, struct arena *a, struct role_ref **roles,
                      size_t *nroles, const char ***perms, size_t *nperms, int *scope_kind,
                      struct error *err);
int store_user_count(struct db *db, int64_t *n, struct error *err);

/* ---- sessions ----------------------------------------------------------- */

struct session {
    int64_t id, user_id, created_at, last_seen_at;
    char csrf[64];
};

int store_session_insert(struct db *db, const char *token_hash, const char *csrf, int64_t user_id,
                         const char *ip, int64_t now, struct error *err);
int store_session_get(struct db *db, const char *token_hash, struct session *out,
                      struct error *err);
/* The session of token_hash and its user in one query; ZW_EAUTH if there is none. */
int store_session_user(struct db *db, const char *token_hash, struct session *s, struct user *u,
                       struct error *err);
int store_session_touch(struct db *db, int64_t id, int64_t now, struct error *err);
int store_session_delete(struct db *db, int64_t id, struct error *err);
/* Ends every session of a user except keep_id (0 = all). */
int store_session_delete_user(struct db *db, int64_t user_id, int64_t keep_id, struct error *err);

/* ---- audit -------------------------------------------------------------- */

struct audit_rec {
    int64_t id, at, user_id;
    const char *username, *ip, *action, *entity, *entity_id, *before, *after; /* may be NULL */
    char prev_hash[65];
    char hash[65];
};

/* Reserves the next id and returns the previous hash (locks the chain head). */
int store_audit_reserve(struct db *db, int64_t *id, char prev_hash[65], struct error *err);
/* Inserts r (with id and hash set) and moves the chain head to it. */
int store_audit_insert(struct db *db, const struct audit_rec *r, struct error *err);

struct audit_filter {
    const char *entity, *entity_id, *action;
    int64_t user_id, from, to; /* 0 = no bound */
    int64_t page, page_size;
};

int store_audit_list(struct db *db, const struct audit_filter *f, struct arena *a,
                     struct audit_rec **items, size_t *n, int64_t *total, struct error *err);
/* Calls fn on every row in id order; stops when fn returns non-zero (returned). */
int store_audit_scan(struct db *db, int (*fn)(const struct audit_rec *r, void *ud), void *ud,
                     struct error *err);
int store_audit_head(struct db *db, int64_t *last_id, char last_hash[65], struct error *err);

/* ---- idempotency keys --------------------------------------------------- */

struct idem {
    char request_hash[65];
    int status;
    char etag[40];
    char location[256];
    const char *body; /* arena-owned */
};

int store_idem_get(struct db *db, int64_t user_id, const char *key, struct arena *a,
                   struct idem *out, struct error *err);
int store_idem_put(struct db *db, int64_t user_id, const char *key, const char *method,
                   const char *path, const struct idem *in, int64_t now, struct error *err);
int store_idem_purge(struct db *db, int64_t before, struct error *err);

/* ---- settings ----------------------------------------------------------- */

/* The JSON text of a settings group (arena-owned) and its version; ZW_ENOTFOUND if unset. */
int store_setting_get(struct db *db, const char *name, struct arena *a, const char **value,
                      int *version, struct error *err);
/*
 * Stores a settings group as version expect_version + 1: inserted when exists
 * is false (replacing built-in defaults, which count as version 1), else
 * updated if the stored version is expect_version (ZW_ESTALE otherwise).
 */
int store_setting_put(struct db *db, const char *name, const char *value, bool exists,
                      int expect_version, int64_t now, struct error *err);

/* ---- calendar ----------------------------------------------------------- */

int store_calendar_load(struct db *db, struct calendar *cal, struct error *err);
int store_calendar_year_source(struct db *db, int year, struct arena *a, const char **source,
                               struct error *err);
int store_calendar_put_year(struct db *db, int year, const char *source, int64_t now,
                            struct error *err);
int store_calendar_put_day(struct db *db, int ymd, const char *kind, const char *name, int64_t now,
                           struct error *err);
int store_calendar_delete_day(struct db *db, int ymd, struct error *err);

#endif
