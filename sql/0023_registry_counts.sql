-- 0023_registry_counts.sql - how many persons and households each area holds
-- per combination of the facts the indicators filter on, kept by the store in
-- the same transaction as every write of a person or a household (like
-- case_counts, 0011).  An indicator over these facts only (population, 医保
-- coverage, 监测 households, 建档立卡 and 脱贫 persons ...) sums a few
-- thousand counters instead of reading a million persons; one over any other
-- field reads the table (store_indicator.c chooses).
--
-- A person is counted with its household's facts (0 and '' when it has
-- none); a household write moves its members between counters.  Counters
-- may fall to 0; they are kept.
CREATE TABLE person_counts (
    area_path       TEXT NOT NULL,
    status          TEXT NOT NULL,
    sex             TEXT NOT NULL,      -- '' if unknown
    insured_medical INTEGER NOT NULL,
    insured_serious INTEGER NOT NULL,
    insured_pension INTEGER NOT NULL,
    poor_year       INTEGER NOT NULL,   -- of the household: 建档立卡 year, 0 if none
    exit_year       INTEGER NOT NULL,   -- 脱贫 year, 0 if none
    monitor_status  TEXT NOT NULL,      -- '' if none
    n               BIGINT NOT NULL,
    PRIMARY KEY (area_path, status, sex, insured_medical, insured_serious, insured_pension,
                 poor_year, exit_year, monitor_status)
);
INSERT INTO person_counts (area_path, status, sex, insured_medical, insured_serious,
                           insured_pension, poor_year, exit_year, monitor_status, n)
    SELECT COALESCE(p.area_path, ''), p.status, COALESCE(p.sex, ''), p.insured_medical,
           p.insured_serious, p.insured_pension, COALESCE(ph.poor_year, 0),
           COALESCE(ph.exit_year, 0), COALESCE(ph.monitor_status, ''), COUNT(*)
    FROM persons p LEFT JOIN households ph ON ph.id = p.household_id
    GROUP BY COALESCE(p.area_path, ''), p.status, COALESCE(p.sex, ''), p.insured_medical,
             p.insured_serious, p.insured_pension, COALESCE(ph.poor_year, 0),
             COALESCE(ph.exit_year, 0), COALESCE(ph.monitor_status, '');

CREATE TABLE household_counts (
    area_path        TEXT NOT NULL,
    dissolved        INTEGER NOT NULL,  -- 1: dissolved_on set
    monitor_status   TEXT NOT NULL,
    monitor_category TEXT NOT NULL,     -- '' if none
    poor_year        INTEGER NOT NULL,
    exit_year        INTEGER NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (area_path, dissolved, monitor_status, monitor_category, poor_year, exit_year)
);
INSERT INTO household_counts (area_path, dissolved, monitor_status, monitor_category, poor_year,
                              exit_year, n)
    SELECT h.area_path, CASE WHEN h.dissolved_on IS NULL THEN 0 ELSE 1 END, h.monitor_status,
           COALESCE(h.monitor_category, ''), COALESCE(h.poor_year, 0), COALESCE(h.exit_year, 0),
           COUNT(*)
    FROM households h
    GROUP BY h.area_path, CASE WHEN h.dissolved_on IS NULL THEN 0 ELSE 1 END, h.monitor_status,
             COALESCE(h.monitor_category, ''), COALESCE(h.poor_year, 0),
             COALESCE(h.exit_year, 0);
