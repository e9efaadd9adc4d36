/*
 * store_counts.c - the counters the indicators read instead of the records
 * (sql/0023_registry_counts.sql, sql/0025_case_counts.sql): persons,
 * households and cases per area and per combination of the facts the
 * indicators filter on (cases also per month), kept in the same transaction
 * as every write.
 *
 * A write of a counted row is wrapped: the row's contribution is taken out
 * (delta -1) before the statement and put back (+1) after it, both read from
 * the rows themselves, so that the counters follow whatever the statement
 * changed.  store_counts_check recounts them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_registry.h"
#include "banned.h"

/* The counted facts of persons p (with their household ph), in the key's order. */
#define PERSON_KEY                                                                                 \
    "COALESCE(p.area_path, ''), p.status, COALESCE(p.sex, ''), p.insured_medical, "                \
    "p.insured_serious, p.insured_pension, COALESCE(ph.poor_year, 0), "                            \
    "COALESCE(ph.exit_year, 0), COALESCE(ph.monitor_status, '')"
#define PERSON_COLS                                                                                \
    "area_path, status, sex, insured_medical, insured_serious, insured_pension, poor_year, "       \
    "exit_year, monitor_status"
#define PERSON_FROM   " FROM persons p LEFT JOIN households ph ON ph.id = p.household_id "
#define PERSON_UPSERT "INSERT INTO person_counts (" PERSON_COLS ", n) SELECT " PERSON_KEY

#define HOUSEHOLD_KEY                                                                              \
    "h.area_path, CASE WHEN h.dissolved_on IS NULL THEN 0 ELSE 1 END, h.monitor_status, "          \
    "COALESCE(h.monitor_category, ''), COALESCE(h.poor_year, 0), COALESCE(h.exit_year, 0)"
#define HOUSEHOLD_COLS                                                                             \
    "area_path, dissolved, monitor_status, monitor_category, poor_year, exit_year"

/* What store_counts_flush rebuilds: bits of counted[] below. */
#define DIRTY_REGISTRY 0x3u /* person_counts, household_counts */
#define DIRTY_CASES    0xcu /* case_created_counts, case_closed_counts */

/* Whether the counters are deferred (store_counts_defer): then they are marked to rebuild. */
static bool deferred(struct db *db, uint32_t dirty)
{
    if (db->counts_deferred)
        db->counts_dirty |= dirty;
    return db->counts_deferred;
}

static int run(struct db *db, const char *sql, int64_t id, int delta, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, delta);
    return db_step_done(st, err);
}

int store__count_person(struct db *db, int64_t id, int delta, struct error *err)
{
    static const char sql[] =
        PERSON_UPSERT ", CAST($2 AS BIGINT)" PERSON_FROM "WHERE p.id = $1 ON CONFLICT (" PERSON_COLS
                      ") DO UPDATE SET n = person_counts.n + "
                      "excluded.n";
    return deferred(db, DIRTY_REGISTRY) ? 0 : run(db, sql, id, delta, err);
}

int store__count_household(struct db *db, int64_t id, int delta, struct error *err)
{
    static const char hh[] =
        "INSERT INTO household_counts (" HOUSEHOLD_COLS ", n) SELECT " HOUSEHOLD_KEY
        ", CAST($2 AS BIGINT) FROM households h WHERE h.id = $1 ON CONFLICT (" HOUSEHOLD_COLS
        ") DO UPDATE SET n = household_counts.n + excluded.n";
    /* its members carry its facts */
    static const char members[] =
        PERSON_UPSERT ", COUNT(*) * CAST($2 AS BIGINT)" PERSON_FROM
                      "WHERE p.household_id = $1 GROUP BY " PERSON_KEY " ON CONFLICT (" PERSON_COLS
                      ") DO UPDATE SET n = person_counts.n + excluded.n";
    if (deferred(db, DIRTY_REGISTRY))
        return 0;
    int rc = run(db, hh, id, delta, err);
    return rc ? rc : run(db, members, id, delta, err);
}

#define CASE_LATE                                                                                  \
    "CASE WHEN EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id AND k.paused_at = 0 "    \
    "AND "                                                                                         \
    "k.stopped_at > 0 AND k.stopped_at > k.due_at) THEN 1 ELSE 0 END"
#define CREATED_COLS "area_path, type, channel, category, month"
#define CLOSED_COLS  "area_path, type, outcome, satisfied, late, month"

int store__count_case_closed(struct db *db, int64_t id, int delta, struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_closed_counts (" CLOSED_COLS ", n) SELECT c.area_path, c.type, "
        "COALESCE(c.outcome, ''), COALESCE(c.satisfied, -1), " CASE_LATE ", zw_month(c.closed_at), "
        "CAST($2 AS BIGINT) FROM cases c WHERE c.id = $1 AND c.state <> 'merged' AND c.closed_at > "
        "0 ON CONFLICT (" CLOSED_COLS ") DO UPDATE SET n = case_closed_counts.n + excluded.n";
    return deferred(db, DIRTY_CASES) ? 0 : run(db, sql, id, delta, err);
}

int store__count_case_created(struct db *db, int64_t id, int delta, struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_created_counts (" CREATED_COLS ", n) SELECT c.area_path, c.type, "
        "c.channel, c.category, zw_month(c.created_at), CAST($2 AS BIGINT) FROM cases c WHERE c.id "
        "= $1 AND c.state <> 'merged' ON CONFLICT (" CREATED_COLS ") DO UPDATE SET n = "
        "case_created_counts.n + excluded.n";
    return deferred(db, DIRTY_CASES) ? 0 : run(db, sql, id, delta, err);
}

int store__count_case(struct db *db, int64_t id, int delta, struct error *err)
{
    int rc = store__count_case_created(db, id, delta, err);
    return rc ? rc : store__count_case_closed(db, id, delta, err);
}

/*
 * Each table's keys as the records have them (in its columns' names) and
 * where they come from: the recount is their GROUP BY.
 */
static const struct {
    const char *table, *cols;
    int ncols;
    const char *keys, *from;
} counted[] = {
    {"person_counts", PERSON_COLS, 9,
     "COALESCE(p.area_path, '') AS area_path, p.status AS status, COALESCE(p.sex, '') AS sex, "
     "p.insured_medical AS insured_medical, p.insured_serious AS insured_serious, "
     "p.insured_pension AS insured_pension, COALESCE(ph.poor_year, 0) AS poor_year, "
     "COALESCE(ph.exit_year, 0) AS exit_year, COALESCE(ph.monitor_status, '') AS monitor_status",
     PERSON_FROM},
    {"household_counts", HOUSEHOLD_COLS, 6,
     "h.area_path AS area_path, CASE WHEN h.dissolved_on IS NULL THEN 0 ELSE 1 END AS dissolved, "
     "h.monitor_status AS monitor_status, COALESCE(h.monitor_category, '') AS monitor_category, "
     "COALESCE(h.poor_year, 0) AS poor_year, COALESCE(h.exit_year, 0) AS exit_year",
     " FROM households h "},
    {"case_created_counts", CREATED_COLS, 5,
     "c.area_path AS area_path, c.type AS type, c.channel AS channel, c.category AS category, "
     "zw_month(c.created_at) AS month",
     " FROM cases c WHERE c.state <> 'merged' "},
    {"case_closed_counts", CLOSED_COLS, 6,
     "c.area_path AS area_path, c.type AS type, COALESCE(c.outcome, '') AS outcome, "
     "COALESCE(c.satisfied, -1) AS satisfied, " CASE_LATE " AS late, zw_month(c.closed_at) AS "
     "month",
     " FROM cases c WHERE c.state <> 'merged' AND c.closed_at > 0 "},
};
#define NCOUNTED (sizeof(counted) / sizeof(counted[0]))
#define MAX_KEYS 9

/* "$1, $2 ..." or "1, 2 ..." (dollar or not) up to n, into out. */
static void numbers(int n, bool dollar, char *out, size_t cap)
{
    out[0] = '\0';
    for (int c = 1; c <= n; c++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s%d", c > 1 ? ", " : "",
                 dollar ? "$" : "", c);
}

/* The recount of counters i: "SELECT keys, COUNT(*) AS n FROM ... GROUP BY 1 ..". */
static void recount_sql(size_t i, char *sql, size_t cap)
{
    char by[64];
    numbers(counted[i].ncols, false, by, sizeof(by));
    snprintf(sql, cap, "SELECT %s, COUNT(*) AS n%sGROUP BY %s", counted[i].keys, counted[i].from,
             by);
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* One key of a rebuild: its columns' texts and how many records have it. */
struct group {
    char *key; /* the columns joined by \x1f; NULL: a free slot */
    int64_t n;
};

/*
 * Rebuilds counters i from the records: their keys read in one pass and
 * added up here in a hash table (the GROUP BY of a million rows would sort
 * them), then written.
 */
static int rebuild(struct db *db, size_t i, struct error *err)
{
    char sql[2048];
    struct arena a = {0};
    size_t cap = 1024, used = 0;
    struct group *g = arena_calloc(&a, cap, sizeof(*g));
    struct db_stmt *st;
    snprintf(sql, sizeof(sql), "SELECT %s%s", counted[i].keys, counted[i].from);
    int rc = db_prepare(db, sql, &st, err);
    bool prepared = rc == 0;
    struct buf key = {0};
    while (prepared && (rc = db_step(st, err)) == DB_ROW) {
        buf_reset(&key);
        for (int c = 0; c < counted[i].ncols; c++) {
            const char *v = db_col_text(st, c);
            if ((c && buf_add(&key, "\x1f", 1)) || buf_adds(&key, v ? v : ""))
                abort(); /* out of memory: as the arena does */
        }
        if (2 * (used + 1) > cap) { /* grow and rehash */
            struct group *ng = arena_calloc(&a, 2 * cap, sizeof(*ng));
            for (size_t k = 0; k < cap; k++) {
                if (!g[k].key)
                    continue;
                size_t h = fnv(g[k].key) & (2 * cap - 1);
                while (ng[h].key)
                    h = (h + 1) & (2 * cap - 1);
                ng[h] = g[k];
            }
            g = ng;
            cap *= 2;
        }
        const char *k = key.ptr ? key.ptr : "";
        size_t h = fnv(k) & (cap - 1);
        while (g[h].key && strcmp(g[h].key, k) != 0)
            h = (h + 1) & (cap - 1);
        if (!g[h].key) {
            g[h].key = arena_strdup(&a, k);
            used++;
        }
        g[h].n++;
    }
    if (prepared)
        db_finish(st);
    rc = rc < 0 ? rc : 0;
    buf_release(&key);
    snprintf(sql, sizeof(sql), "DELETE FROM %s", counted[i].table);
    if (!rc)
        rc = db_exec(db, sql, err);
    /* then one row per key */
    char cols[64];
    numbers(counted[i].ncols + 1, true, cols, sizeof(cols));
    snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, n) VALUES (%s)", counted[i].table,
             counted[i].cols, cols);
    for (size_t k = 0; !rc && k < cap; k++) {
        if (!g[k].key)
            continue;
        const char *part[MAX_KEYS];
        char *p = g[k].key;
        for (int c = 0; c < counted[i].ncols; c++) {
            part[c] = p;
            char *sep = strchr(p, '\x1f');
            if (sep) {
                *sep = '\0';
                p = sep + 1;
            }
        }
        if ((rc = db_prepare(db, sql, &st, err)))
            break;
        for (int c = 0; c < counted[i].ncols; c++)
            db_bind_text(st, c + 1, part[c]);
        db_bind_int(st, counted[i].ncols + 1, g[k].n);
        rc = db_step_done(st, err);
    }
    arena_release(&a);
    return rc;
}

void store_counts_defer(struct db *db)
{
    db->counts_deferred = true;
}

int store_counts_flush(struct db *db, struct error *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < NCOUNTED; i++)
        if (db->counts_dirty & (1u << i))
            rc = rebuild(db, i, err);
    db->counts_deferred = false;
    db->counts_dirty = 0;
    return rc;
}

int store_counts_check(struct db *db, bool fix, int64_t *wrong, struct error *err)
{
    *wrong = 0;
    for (size_t i = 0; i < NCOUNTED; i++) {
        char sql[2048];
        int64_t n = 0;
        /* the keys of the counters not in the recount, or of the recount not in the counters */
        char recount[1536];
        recount_sql(i, recount, sizeof(recount));
        snprintf(sql, sizeof(sql),
                 "SELECT COUNT(*) FROM (SELECT %s FROM (SELECT %s, n FROM %s WHERE n <> 0 EXCEPT "
                 "%s) a UNION SELECT %s FROM (%s EXCEPT SELECT %s, n FROM %s) b) d",
                 counted[i].cols, counted[i].cols, counted[i].table, recount, counted[i].cols,
                 recount, counted[i].cols, counted[i].table);
        struct db_stmt *st;
        int rc = db_prepare(db, sql, &st, err);
        if (rc)
            return rc;
        if ((rc = db_step(st, err)) == DB_ROW)
            n = db_col_int(st, 0);
        db_finish(st);
        if (rc < 0)
            return rc;
        *wrong += n;
        if (n && fix && (rc = rebuild(db, i, err)))
            return rc;
    }
    return 0;
}
