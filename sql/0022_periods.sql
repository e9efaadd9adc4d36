-- 0022_periods.sql - data versions (the indicators' cache) and closed periods.
--
-- data_versions: one row per tracked table (store.h, enum store_table); a
-- write transaction that wrote the table bumps its version when it commits
-- (db.c), so a cached value computed at older versions is known stale in
-- every process.
CREATE TABLE data_versions (
    tbl TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

-- A closed period (月结 / 年结) of an area: the indicator values of the area
-- and of its children, and the records behind the area's values, frozen at
-- closed_at.  A closed period answers from here; later changes to its
-- records show as corrections beside the frozen values, never in them.
CREATE TABLE period_closes (
    id @ID@,
    area_id BIGINT NOT NULL REFERENCES areas(id),
    area_path TEXT NOT NULL,
    period TEXT NOT NULL,      -- as requested: 2018, 2018-Q2, 2018-03
    date_from TEXT NOT NULL,   -- YYYY-MM-DD, inclusive
    date_to TEXT NOT NULL,
    label TEXT NOT NULL,       -- 2018年
    note TEXT,
    closed_at BIGINT NOT NULL,
    closed_by BIGINT NOT NULL REFERENCES users(id),
    UNIQUE (area_id, date_from, date_to)
);

CREATE TABLE period_values (
    close_id BIGINT NOT NULL REFERENCES period_closes(id),
    area_path TEXT NOT NULL,   -- the closed area or one of its children
    code TEXT NOT NULL,
    num BIGINT NOT NULL,
    den BIGINT NOT NULL,
    PRIMARY KEY (close_id, area_path, code)
);

-- The records behind each base indicator of the closed area (its children's
-- are those under their path).
CREATE TABLE period_records (
    close_id BIGINT NOT NULL REFERENCES period_closes(id),
    code TEXT NOT NULL,
    seq BIGINT NOT NULL,       -- the drill-down's order
    record_id BIGINT NOT NULL,
    label TEXT,
    area_path TEXT NOT NULL,
    rec_date TEXT,             -- a date of the record, or
    rec_epoch BIGINT NOT NULL, -- its time (seconds), 0 if none
    amount_fen BIGINT NOT NULL,
    household_id BIGINT NOT NULL, -- the household the record belongs to (0: none, a case)
    PRIMARY KEY (close_id, code, seq)
);
CREATE INDEX period_records_path ON period_records(close_id, code, area_path);

-- Closing a period is the township leaders' act (built-in 镇领导).
INSERT INTO role_permissions (role_id, perm)
    SELECT id, 'period.close' FROM roles WHERE code = 'leader' AND builtin = 1;
