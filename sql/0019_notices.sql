-- 0019_notices.sql - public notices (公示): a list of records of one kind
-- (低保 approvals, monitoring identifications, a payment batch, project
-- funds) for one village, rendered from defs/notices/<kind>.html, published
-- on the portal for a window of dates, and the objections (异议) residents
-- file during the window, each a case.
--
-- rows_json holds only the whitelisted columns of the chosen records (name,
-- persons, amount ...; never an ID number, address, phone, birth date or
-- bank account): what the preview showed is what is published.  On publish
-- the rendered page is stored in html with its SHA-256 and never changes
-- afterwards; a correction is a new notice naming the old one (replaces_id).
-- Window dates are Asia/Shanghai dates YYYY-MM-DD, both days included.
CREATE TABLE notices (
    id              @ID@,
    kind            TEXT NOT NULL CHECK (kind IN ('dibao', 'monitoring', 'payments', 'funds')),
    title           TEXT NOT NULL,
    village_id      BIGINT NOT NULL REFERENCES areas(id),
    area_path       TEXT NOT NULL,
    period          TEXT,
    programme       TEXT,
    note            TEXT,
    rows_json       TEXT NOT NULL,
    nrows           INTEGER NOT NULL,
    replaces_id     BIGINT REFERENCES notices(id),
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),
    html            TEXT,
    sha256          TEXT,
    window_start    TEXT,
    window_end      TEXT,
    published_at    BIGINT NOT NULL DEFAULT 0,
    published_by    BIGINT REFERENCES users(id),
    closed_at       BIGINT NOT NULL DEFAULT 0,
    closed_by       BIGINT REFERENCES users(id),
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX notices_path ON notices(area_path, id);
CREATE INDEX notices_public ON notices(status, window_end, village_id);

-- An objection is a case (type objection) filed from the portal page.
CREATE TABLE notice_objections (
    id              @ID@,
    notice_id       BIGINT NOT NULL REFERENCES notices(id),
    case_id         BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX notice_objections_notice ON notice_objections(notice_id, id);

-- Databases created before this version: the built-in roles get the new
-- rights (a fresh database gets them from roles_builtin.c).
INSERT INTO role_permissions (role_id, perm)
SELECT id, 'notice.read' FROM roles WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff', 'village_cadre');
INSERT INTO role_permissions (role_id, perm)
SELECT id, 'notice.write' FROM roles WHERE builtin = 1 AND code IN ('sysadmin', 'leader', 'staff', 'village_cadre');
