-- 0001_foundation.sql - areas, roles, users, sessions, audit, settings, calendar.
--
-- Portable SQL for SQLite and PostgreSQL: instants are integer epoch seconds
-- (BIGINT), flags 0/1 integers, money integer fen.  @ID@ is replaced by the
-- migration runner with the engine's auto-increment integer primary key.

CREATE TABLE areas (
    id          @ID@,
    parent_id   BIGINT REFERENCES areas(id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village', 'group', 'grid')),
    path        TEXT NOT NULL,
    code_year   INTEGER,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX areas_parent ON areas(parent_id, code);
CREATE INDEX areas_path ON areas(path);

CREATE TABLE roles (
    id          @ID@,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('all', 'subtree', 'area', 'own')),
    builtin     INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE role_permissions (
    role_id     BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    perm        TEXT NOT NULL,
    PRIMARY KEY (role_id, perm)
);

CREATE TABLE users (
    id                   @ID@,
    username             TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    phone                TEXT,
    area_id              BIGINT NOT NULL REFERENCES areas(id),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    disabled             INTEGER NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         BIGINT NOT NULL DEFAULT 0,
    password_changed_at  BIGINT NOT NULL DEFAULT 0,
    created_by           BIGINT,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX users_area ON users(area_id);

CREATE TABLE user_roles (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id     BIGINT NOT NULL REFERENCES roles(id),
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE sessions (
    id            @ID@,
    token_hash    TEXT NOT NULL UNIQUE,
    csrf_token    TEXT NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ip            TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Append-only.  hash = SHA-256 over prev_hash and the row's fields; the
-- single audit_head row serialises writers on both engines and holds the
-- newest hash, so appending never scans the table.
CREATE TABLE audit_log (
    id           @ID@,
    at           BIGINT NOT NULL,
    user_id      BIGINT,
    username     TEXT,
    ip           TEXT,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT,
    before_json  TEXT,
    after_json   TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_at ON audit_log(at);

CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_id    BIGINT NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE idempotency_keys (
    user_id       BIGINT NOT NULL,
    idem_key      TEXT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    etag          TEXT,
    location      TEXT,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

CREATE TABLE settings (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE calendar_years (
    year        INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    loaded_at   BIGINT NOT NULL
);

CREATE TABLE calendar_days (
    day         INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
