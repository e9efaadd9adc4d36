-- 0013_registry.sql - the registry of households and persons: dated
-- membership, categories, the five basic guarantees, yearly income, history,
-- likely duplicates, and the pairing of assistance cadres with households.
--
-- Scope: a household lies in a village (village_id) and may sit in one
-- 村民小组 (group_id) and one 网格 (grid_id), all rows of areas.  area_path is
-- the path of the grid when there is one, else of the village, so that path
-- prefixes select a township, a village or a grid; a grid worker (area
-- scope) matches on grid_id or village_id.  Codes (categories, relations,
-- reasons ...) are those of defs/registry.json.

CREATE TABLE households (
    id              @ID@,
    code            TEXT NOT NULL UNIQUE,        -- 户编号: village code + 4 digits unless imported
    village_id      BIGINT NOT NULL REFERENCES areas(id),
    group_id        BIGINT REFERENCES areas(id),
    grid_id         BIGINT REFERENCES areas(id),
    area_path       TEXT NOT NULL,
    address         TEXT,
    phone           TEXT,
    head_person_id  BIGINT,                      -- persons(id); NULL until a head is set
    poor_year       INTEGER,                     -- year registered poor (建档立卡), if ever
    exit_year       INTEGER,                     -- year lifted out of poverty (脱贫), if so
    -- 防返贫 monitoring: none, monitored (identified, with a category), eliminated (风险消除)
    monitor_status  TEXT NOT NULL DEFAULT 'none' CHECK (monitor_status IN ('none', 'monitored', 'eliminated')),
    monitor_category TEXT,                       -- unstable / edge / sudden (defs/registry.json)
    monitor_risks   TEXT,                        -- risk type codes, comma separated
    monitor_since   TEXT,                        -- date of the county decision (YYYY-MM-DD)
    eliminated_on   TEXT,                        -- date of the risk-elimination decision
    dissolved_on    TEXT,                        -- the household no longer exists (merged, all left)
    note            TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX households_path ON households(area_path, id);
CREATE INDEX households_village ON households(village_id, id);
CREATE INDEX households_grid ON households(grid_id);
CREATE INDEX households_monitor ON households(monitor_status, area_path);

-- A household holds any number of categories at once (脱贫户 and 低保户 ...).
CREATE TABLE household_categories (
    household_id    BIGINT NOT NULL REFERENCES households(id),
    category        TEXT NOT NULL,
    since           TEXT,                        -- date (YYYY-MM-DD) or NULL if unknown
    PRIMARY KEY (household_id, category)
);
CREATE INDEX household_categories_cat ON household_categories(category, household_id);

CREATE TABLE persons (
    id              @ID@,
    household_id    BIGINT REFERENCES households(id),  -- the current household, NULL if none
    name            TEXT NOT NULL,
    id_number       TEXT,                        -- normalised (upper-case X); NULL if unknown
    sex             TEXT CHECK (sex IN ('M', 'F')),
    birth_date      TEXT,                        -- YYYY-MM-DD, derived from the ID number
    phone           TEXT,
    relation        TEXT,                        -- to the head: head, spouse, son, daughter ...
    labour          TEXT,                        -- labour capacity code
    disability      TEXT,                        -- none or a disability code
    schooling       TEXT,                        -- schooling code (in school at which stage ...)
    insured_medical INTEGER NOT NULL DEFAULT 0,  -- 城乡居民医保
    insured_serious INTEGER NOT NULL DEFAULT 0,  -- 大病保险
    insured_pension INTEGER NOT NULL DEFAULT 0,  -- 城乡居民养老保险
    health          TEXT,                        -- health code
    work            TEXT,                        -- work code (务工情况)
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dead', 'gone', 'merged')),
    merged_into     BIGINT REFERENCES persons(id),
    village_id      BIGINT REFERENCES areas(id), -- of the current household (duplicate checks)
    area_path       TEXT,                        -- of the current household (scope)
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
-- One living record per ID number; merged records keep theirs for history.
CREATE UNIQUE INDEX persons_id_number ON persons(id_number) WHERE status <> 'merged';
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_name_birth ON persons(name, birth_date, village_id);
CREATE INDEX persons_path ON persons(area_path);

-- Dated membership.  A person is in at most one household at a time: one
-- open row (left_on IS NULL) per person.
CREATE TABLE memberships (
    id              @ID@,
    person_id       BIGINT NOT NULL REFERENCES persons(id),
    household_id    BIGINT NOT NULL REFERENCES households(id),
    joined_on       TEXT NOT NULL,
    join_reason     TEXT NOT NULL,               -- registered, birth, marriage, moved_in, split, merged
    left_on         TEXT,
    leave_reason    TEXT,                        -- death, marriage, moved_out, split, merged
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX memberships_open ON memberships(person_id) WHERE left_on IS NULL;
CREATE INDEX memberships_household ON memberships(household_id, joined_on);

-- The five guarantees (两不愁三保障 + 饮水安全): one row per check; the newest
-- row of a kind is the household's current state.  ok is computed by the
-- domain from the values and the thresholds in defs/registry.json.
CREATE TABLE guarantee_checks (
    id              @ID@,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    kind            TEXT NOT NULL CHECK (kind IN ('food', 'clothing', 'education', 'medical', 'housing', 'water')),
    ok              INTEGER NOT NULL,
    rating          TEXT,                        -- housing: A/B/C/D
    values_json     TEXT,                        -- water: litres, minutes, distance, cuts, quality ...
    checked_on      TEXT NOT NULL,
    checked_by      BIGINT REFERENCES users(id),
    checker_name    TEXT NOT NULL,
    note            TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX guarantee_checks_household ON guarantee_checks(household_id, kind, checked_on);

-- Income over the 12 months before assessed_on, by component, in fen.
-- net = wages + business + property + transfers - expenses; per_person =
-- net / members (members counted on assessed_on, stored as used).
CREATE TABLE incomes (
    id              @ID@,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    year            INTEGER NOT NULL,            -- the year the record is for (assessed_on's year)
    assessed_on     TEXT NOT NULL,
    wages           BIGINT NOT NULL DEFAULT 0,
    business        BIGINT NOT NULL DEFAULT 0,
    property        BIGINT NOT NULL DEFAULT 0,
    transfers       BIGINT NOT NULL DEFAULT 0,
    expenses        BIGINT NOT NULL DEFAULT 0,   -- rigid expenses (medical bills ...)
    members         INTEGER NOT NULL,
    net             BIGINT NOT NULL,
    per_person      BIGINT NOT NULL,
    source          TEXT,                        -- import, visit, staff
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX incomes_household ON incomes(household_id, assessed_on);

-- Every change to a household or one of its members, with before and after.
CREATE TABLE registry_history (
    id              @ID@,
    household_id    BIGINT REFERENCES households(id),
    person_id       BIGINT REFERENCES persons(id),
    at              BIGINT NOT NULL,
    user_id         BIGINT REFERENCES users(id),
    user_name       TEXT,
    action          TEXT NOT NULL,
    before_json     TEXT,
    after_json      TEXT
);
CREATE INDEX registry_history_household ON registry_history(household_id, id);
CREATE INDEX registry_history_person ON registry_history(person_id, id);

-- Likely duplicates found on entry or import: the same ID number, or the
-- same name and birth date in the same village.  Reviewed: merged or kept.
CREATE TABLE person_duplicates (
    id              @ID@,
    person_id       BIGINT NOT NULL REFERENCES persons(id),
    other_id        BIGINT NOT NULL REFERENCES persons(id),
    reason          TEXT NOT NULL CHECK (reason IN ('id_number', 'name_birth')),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'kept')),
    area_path       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    resolved_at     BIGINT,
    resolved_by     BIGINT REFERENCES users(id),
    UNIQUE (person_id, other_id)
);
CREATE INDEX person_duplicates_open ON person_duplicates(status, area_path);

-- 帮扶责任人: county and township staff paired with households; most have
-- no account, those who do are linked by user_id (and see only their pairs).
CREATE TABLE assist_cadres (
    id              @ID@,
    name            TEXT NOT NULL,
    unit            TEXT,
    phone           TEXT,
    user_id         BIGINT UNIQUE REFERENCES users(id),
    area_id         BIGINT NOT NULL REFERENCES areas(id),
    area_path       TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE household_pairs (
    id              @ID@,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    cadre_id        BIGINT NOT NULL REFERENCES assist_cadres(id),
    since           TEXT NOT NULL,
    until_on        TEXT,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX household_pairs_open ON household_pairs(household_id, cadre_id) WHERE until_on IS NULL;
CREATE INDEX household_pairs_cadre ON household_pairs(cadre_id, household_id);

-- Cases about a household (identification, elimination, benefit applications ...).
CREATE TABLE household_cases (
    household_id    BIGINT NOT NULL REFERENCES households(id),
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (household_id, case_id)
);
CREATE INDEX household_cases_case ON household_cases(case_id);

-- Databases created before this version: give the built-in roles the new
-- permissions (a fresh database gets them from roles_builtin.c).
INSERT INTO role_permissions (role_id, perm)
SELECT id, 'registry.read' FROM roles WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff', 'village_cadre', 'grid_worker', 'assist_cadre');
INSERT INTO role_permissions (role_id, perm)
SELECT id, 'registry.write' FROM roles WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff', 'village_cadre', 'grid_worker', 'assist_cadre');
INSERT INTO role_permissions (role_id, perm)
SELECT id, 'benefit.read' FROM roles WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff', 'village_cadre');
INSERT INTO role_permissions (role_id, perm)
SELECT id, 'benefit.write' FROM roles WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff');
