-- 0015_benefits.sql - the benefits ledger: who is enrolled in which
-- programme (低保 ...), the monthly payment batches of a run with their lines
-- for review, and the payments themselves (one ledger line per household,
-- programme and period).  Programmes are the codes of defs/programmes.json.
-- Money is integer fen; dates are TEXT YYYY-MM-DD; periods 'YYYY-MM' or 'YYYY'.
-- area_path and village_id are the household's when the row was written, so
-- that scope and totals by village do not depend on later moves.

-- A household enrolled in a programme from `since` (until_on NULL = still).
-- case_id is the approved application that enrolled it, if any.
CREATE TABLE benefit_enrolments (
    id              @ID@,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    programme       TEXT NOT NULL,
    persons         INTEGER NOT NULL CHECK (persons > 0),   -- persons covered (保障人数)
    since           TEXT NOT NULL,
    until_on        TEXT,
    case_id         BIGINT REFERENCES cases(id),
    area_path       TEXT NOT NULL,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX benefit_enrolments_household ON benefit_enrolments(household_id, programme);
CREATE INDEX benefit_enrolments_programme ON benefit_enrolments(programme, area_path);

-- One run of a programme for a period over an area (the caller's scope,
-- scope_path): draft for review, then issued as payments.  Totals count
-- the lines with an amount above zero.
CREATE TABLE payment_batches (
    id              @ID@,
    programme       TEXT NOT NULL,
    period          TEXT NOT NULL,
    scope_path      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    households      INTEGER NOT NULL DEFAULT 0,
    persons         INTEGER NOT NULL DEFAULT 0,
    amount_fen      BIGINT NOT NULL DEFAULT 0,
    paid_on         TEXT,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    issued_by       BIGINT REFERENCES users(id),
    issued_at       BIGINT,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme, period, scope_path)
);

-- The computed lines of a batch, kept after issue as the record of how each
-- amount came about: the standard and the monthly per-person income used.
CREATE TABLE payment_batch_lines (
    id              @ID@,
    batch_id        BIGINT NOT NULL REFERENCES payment_batches(id),
    household_id    BIGINT NOT NULL REFERENCES households(id),
    persons         INTEGER NOT NULL,
    standard_fen    BIGINT NOT NULL,              -- per person per month
    income_fen      BIGINT,                       -- per person per month; NULL = no income record
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    area_path       TEXT NOT NULL,
    village_id      BIGINT NOT NULL REFERENCES areas(id),
    note            TEXT
);
CREATE INDEX payment_batch_lines_batch ON payment_batch_lines(batch_id, id);

-- The ledger.  batch_id is NULL for payments entered by hand (education
-- aid, medical aid, micro-credit, housing renovation ...).
CREATE TABLE payments (
    id              @ID@,
    programme       TEXT NOT NULL,
    household_id    BIGINT NOT NULL REFERENCES households(id),
    persons         INTEGER NOT NULL CHECK (persons > 0),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    period          TEXT NOT NULL,
    fund_source     TEXT NOT NULL,
    paid_on         TEXT NOT NULL,
    batch_id        BIGINT REFERENCES payment_batches(id),
    area_path       TEXT NOT NULL,
    village_id      BIGINT NOT NULL REFERENCES areas(id),
    note            TEXT,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX payments_household ON payments(household_id, paid_on);
CREATE INDEX payments_programme ON payments(programme, paid_on, area_path);
CREATE INDEX payments_path ON payments(area_path, paid_on);
CREATE INDEX payments_village ON payments(village_id, programme, paid_on);
CREATE INDEX payments_batch ON payments(batch_id);
