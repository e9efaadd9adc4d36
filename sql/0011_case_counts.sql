-- 0011_case_counts.sql - how many cases each area holds per type and state,
-- kept by the store in the same transaction as every case insert and state
-- change, so that a list's total (a village's registered petitions: thousands
-- of rows) is a sum over a few counters instead of a count over the cases.
CREATE TABLE case_counts (
    area_id  BIGINT NOT NULL,
    type     TEXT NOT NULL,
    state    TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (area_id, type, state)
);
INSERT INTO case_counts (area_id, type, state, n)
    SELECT area_id, type, state, COUNT(*) FROM cases GROUP BY area_id, type, state;
