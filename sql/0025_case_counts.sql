-- 0025_case_counts.sql - the indicators' counters of cases (store_counts.c).
--
-- The cases of each area per month they were registered (登记) and per month
-- they were closed (办结), with the facts the indicators filter on, kept by
-- the store in the same transaction as every write of a case or of its
-- clocks (store_counts.c).  A count over a period of whole months (a year, a
-- quarter, a month) and over these facts only sums counters instead of
-- reading every case; any other reads the cases (store_indicator.c chooses).
-- Merged cases are not counted.  late: closed after one of its deadlines
-- (an unpaused clock stopped after it was due), fixed once the case is closed.
CREATE TABLE case_created_counts (
    area_path TEXT NOT NULL,
    type      TEXT NOT NULL,
    channel   TEXT NOT NULL,
    category  TEXT NOT NULL,
    month     INTEGER NOT NULL,   -- YYYYMM, local time
    n         BIGINT NOT NULL,
    PRIMARY KEY (area_path, type, channel, category, month)
);
INSERT INTO case_created_counts (area_path, type, channel, category, month, n)
    SELECT c.area_path, c.type, c.channel, c.category, zw_month(c.created_at), COUNT(*)
    FROM cases c WHERE c.state <> 'merged'
    GROUP BY c.area_path, c.type, c.channel, c.category, zw_month(c.created_at);

CREATE TABLE case_closed_counts (
    area_path TEXT NOT NULL,
    type      TEXT NOT NULL,
    outcome   TEXT NOT NULL,      -- '' if none
    satisfied INTEGER NOT NULL,   -- -1 not rated, 0, 1
    late      INTEGER NOT NULL,
    month     INTEGER NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (area_path, type, outcome, satisfied, late, month)
);
INSERT INTO case_closed_counts (area_path, type, outcome, satisfied, late, month, n)
    SELECT c.area_path, c.type, COALESCE(c.outcome, ''), COALESCE(c.satisfied, -1),
           CASE WHEN EXISTS (SELECT 1 FROM case_clocks k WHERE k.case_id = c.id AND
                k.paused_at = 0 AND k.stopped_at > 0 AND k.stopped_at > k.due_at) THEN 1 ELSE 0 END,
           zw_month(c.closed_at), COUNT(*)
    FROM cases c WHERE c.state <> 'merged' AND c.closed_at > 0
    GROUP BY 1, 2, 3, 4, 5, 6;
