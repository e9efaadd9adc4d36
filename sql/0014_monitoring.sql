-- 0014_monitoring.sql - 防止返贫动态监测: alerts (the three ways in and the
-- registry screening), the assistance plan (一户一策: measures per person with
-- a responsible cadre), and the visits of cadres with their photos.
--
-- Scope follows the household's: area_path is copied from the household so
-- that path prefixes select a township, a village or a grid.  assist_cadres
-- and household_pairs are in 0013_registry.sql.

-- An alert that a household may be at risk: a household's application
-- (apply), a cadre's visit (visit), a department's list (department) or the
-- screening of the registry (screening).  At most one open alert per
-- household and rule, so screening again does not repeat one.  An alert
-- becomes an identification case (status case, case_id) or is dismissed
-- with a reason.  amount_fen / ref_fen carry the numbers of the income
-- rules (per-person income and the line, or the new and previous income).
CREATE TABLE monitor_alerts (
    id              @ID@,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    person_id       BIGINT REFERENCES persons(id),
    source          TEXT NOT NULL CHECK (source IN ('apply', 'visit', 'department', 'screening')),
    rule            TEXT NOT NULL,
    detail          TEXT,
    amount_fen      BIGINT,
    ref_fen         BIGINT,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'case', 'dismissed')),
    case_id         BIGINT REFERENCES cases(id),
    dismissed_reason TEXT,
    area_path       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      BIGINT REFERENCES users(id),
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX monitor_alerts_open ON monitor_alerts(household_id, rule) WHERE status = 'open';
CREATE INDEX monitor_alerts_household ON monitor_alerts(household_id, rule, status);
CREATE INDEX monitor_alerts_status ON monitor_alerts(status, area_path);
CREATE INDEX monitor_alerts_case ON monitor_alerts(case_id);

-- One measure of a household's assistance plan, for a person or the whole
-- household, with the cadre responsible and its dates.
CREATE TABLE assist_measures (
    id              @ID@,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    person_id       BIGINT REFERENCES persons(id),
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL,
    cadre_id        BIGINT REFERENCES assist_cadres(id),
    start_on        TEXT NOT NULL,
    end_on          TEXT,
    status          TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'doing', 'done')),
    done_on         TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX assist_measures_household ON assist_measures(household_id, id);
CREATE INDEX assist_measures_status ON assist_measures(household_id, status);

-- A cadre's visit to a household (入户走访): when, who, what was found.
CREATE TABLE visits (
    id              @ID@,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    cadre_id        BIGINT REFERENCES assist_cadres(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    visited_on      TEXT NOT NULL,
    found           TEXT NOT NULL,
    area_path       TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, visited_on);
CREATE INDEX visits_user ON visits(user_id, visited_on);

-- Photos of a visit; the bytes are stored on disk by SHA-256 like case
-- attachments (domain/attachments.c).
CREATE TABLE visit_photos (
    id              @ID@,
    visit_id        BIGINT NOT NULL REFERENCES visits(id),
    name            TEXT NOT NULL,
    mime            TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX visit_photos_visit ON visit_photos(visit_id, id);
