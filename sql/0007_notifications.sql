-- 0007_notifications.sql - deadline reminders, the in-app notifications they
-- produce, and the outbox that carries every notification event to outside
-- systems (a webhook) at least once.

-- One row per reminder event that was raised: a clock run (the clock's
-- started_at) of a case reached a kind of reminder (warn, overdue, escalate
-- at a level).  The primary key is the claim: a scanner inserts it "if
-- absent", and only the scanner whose insert went in notifies, so two
-- servers on one database never notify twice.
CREATE TABLE case_reminders (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    clock       TEXT NOT NULL,
    run         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    level       INTEGER NOT NULL,
    event_id    TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (case_id, clock, run, kind, level)
);

CREATE TABLE notifications (
    id          @ID@,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    case_id     BIGINT REFERENCES cases(id),
    event_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    level       INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT NOT NULL DEFAULT 0,
    UNIQUE (event_id, user_id)
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);

CREATE TABLE outbox (
    id               @ID@,
    event_id         TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    delivered_at     BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);

-- The case list's date filter and the export run on the registration time.
CREATE INDEX cases_created ON cases(created_at);

-- The system administrator watches and retries the outbox.
INSERT INTO role_permissions (role_id, perm)
    SELECT id, 'outbox.manage' FROM roles WHERE builtin = 1 AND code = 'sysadmin'
    ON CONFLICT DO NOTHING;
