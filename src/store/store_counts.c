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
    return run(db, sql, id, delta, err);
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
    return run(db, sql, id, delta, err);
}

int store__count_case(struct db *db, int64_t id, int delta, struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_created_counts (" CREATED_COLS ", n) SELECT c.area_path, c.type, "
        "c.channel, c.category, zw_month(c.created_at), CAST($2 AS BIGINT) FROM cases c WHERE c.id "
        "= $1 AND c.state <> 'merged' ON CONFLICT (" CREATED_COLS ") DO UPDATE SET n = "
        "case_created_counts.n + excluded.n";
    int rc = run(db, sql, id, delta, err);
    return rc ? rc : store__count_case_closed(db, id, delta, err);
}

/* The recount of each table, as its counters should be, in their columns' names. */
static const struct {
    const char *table, *cols, *recount;
} counted[] = {
    {"person_counts", PERSON_COLS,
     "SELECT COALESCE(p.area_path, '') AS area_path, p.status AS status, COALESCE(p.sex, '') AS "
     "sex, p.insured_medical AS insured_medical, p.insured_serious AS insured_serious, "
     "p.insured_pension AS insured_pension, COALESCE(ph.poor_year, 0) AS poor_year, "
     "COALESCE(ph.exit_year, 0) AS exit_year, COALESCE(ph.monitor_status, '') AS monitor_status, "
     "COUNT(*) AS n" PERSON_FROM "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"},
    {"household_counts", HOUSEHOLD_COLS,
     "SELECT h.area_path AS area_path, CASE WHEN h.dissolved_on IS NULL THEN 0 ELSE 1 END AS "
     "dissolved, h.monitor_status AS monitor_status, COALESCE(h.monitor_category, '') AS "
     "monitor_category, COALESCE(h.poor_year, 0) AS poor_year, COALESCE(h.exit_year, 0) AS "
     "exit_year, COUNT(*) AS n FROM households h GROUP BY 1, 2, 3, 4, 5, 6"},
    {"case_created_counts", CREATED_COLS,
     "SELECT c.area_path AS area_path, c.type AS type, c.channel AS channel, c.category AS "
     "category, zw_month(c.created_at) AS month, COUNT(*) AS n FROM cases c WHERE c.state <> "
     "'merged' GROUP BY 1, 2, 3, 4, 5"},
    {"case_closed_counts", CLOSED_COLS,
     "SELECT c.area_path AS area_path, c.type AS type, COALESCE(c.outcome, '') AS outcome, "
     "COALESCE(c.satisfied, -1) AS satisfied, " CASE_LATE " AS late, zw_month(c.closed_at) AS "
     "month, COUNT(*) AS n FROM cases c WHERE c.state <> 'merged' AND c.closed_at > 0 GROUP BY 1, "
     "2, 3, 4, 5, 6"},
};

int store_counts_check(struct db *db, bool fix, int64_t *wrong, struct error *err)
{
    *wrong = 0;
    for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
        char sql[2048];
        int64_t n = 0;
        /* the keys of the counters not in the recount, or of the recount not in the counters */
        snprintf(sql, sizeof(sql),
                 "SELECT COUNT(*) FROM (SELECT %s FROM (SELECT %s, n FROM %s WHERE n <> 0 EXCEPT "
                 "%s) a UNION SELECT %s FROM (%s EXCEPT SELECT %s, n FROM %s) b) d",
                 counted[i].cols, counted[i].cols, counted[i].table, counted[i].recount,
                 counted[i].cols, counted[i].recount, counted[i].cols, counted[i].table);
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
        if (!n || !fix)
            continue;
        snprintf(sql, sizeof(sql), "DELETE FROM %s", counted[i].table);
        if ((rc = db_exec(db, sql, err)))
            return rc;
        snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, n) %s", counted[i].table, counted[i].cols,
                 counted[i].recount);
        if ((rc = db_exec(db, sql, err)))
            return rc;
    }
    return 0;
}
