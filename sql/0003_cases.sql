-- 0003_cases.sql - cases (办件) of every closed-loop procedure, their
-- append-only timeline, their clocks, and per-type-and-year serial numbers.
-- The procedure itself is data (defs/case_types); these tables hold the facts.

CREATE TABLE cases (
    id                  @ID@,
    type                TEXT NOT NULL,
    serial              TEXT NOT NULL UNIQUE,
    year                INTEGER NOT NULL,
    seq                 INTEGER NOT NULL,
    title               TEXT NOT NULL,
    content             TEXT NOT NULL,
    area_id             BIGINT NOT NULL REFERENCES areas(id),
    area_path           TEXT NOT NULL,
    category            TEXT NOT NULL,
    channel             TEXT NOT NULL,
    requester_name      TEXT,
    requester_phone     TEXT,
    confidential        INTEGER NOT NULL DEFAULT 0,
    state               TEXT NOT NULL,
    outcome             TEXT,
    assignee_id         BIGINT REFERENCES users(id),
    fields_json         TEXT NOT NULL DEFAULT '{}',
    created_by          BIGINT REFERENCES users(id),
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    closed_at           BIGINT NOT NULL DEFAULT 0,
    version             INTEGER NOT NULL DEFAULT 1,
    UNIQUE (type, year, seq)
);
CREATE INDEX cases_area ON cases(area_path);
CREATE INDEX cases_state ON cases(type, state);
CREATE INDEX cases_assignee ON cases(assignee_id);

CREATE TABLE case_events (
    id          @ID@,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    at          BIGINT NOT NULL,
    user_id     BIGINT,
    user_name   TEXT,
    kind        TEXT NOT NULL,
    action      TEXT,
    from_state  TEXT,
    to_state    TEXT,
    comment     TEXT,
    data_json   TEXT
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_clocks (
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    clock         TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    due_at        BIGINT NOT NULL,
    warn_at       BIGINT NOT NULL,
    paused_at     BIGINT NOT NULL DEFAULT 0,
    stopped_at    BIGINT NOT NULL DEFAULT 0,
    extensions    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, clock)
);
CREATE INDEX case_clocks_due ON case_clocks(stopped_at, due_at);

CREATE TABLE case_serials (
    type  TEXT NOT NULL,
    year  INTEGER NOT NULL,
    last  INTEGER NOT NULL,
    PRIMARY KEY (type, year)
);

-- Databases created before this migration get the case permissions on their
-- built-in roles (new databases get them from the built-in role table at init).
INSERT INTO role_permissions (role_id, perm)
    SELECT id, 'case.read' FROM roles
    WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff', 'village_cadre', 'grid_worker', 'assist_cadre')
    ON CONFLICT DO NOTHING;
INSERT INTO role_permissions (role_id, perm)
    SELECT id, 'case.write' FROM roles
    WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff', 'village_cadre', 'grid_worker')
    ON CONFLICT DO NOTHING;
