-- 0020_assessment.sql - monthly assessment (考核) of villages and cadres:
-- a run of a scheme (defs/assessment/<code>.json) for one township and one
-- month, its subjects (each village, or each cadre) with their score and
-- place, and the lines that make each score up: lines computed from
-- indicators and manual items entered with evidence and approved by another
-- user.  score10 and points10 are tenths of a point; a subject's score10 is
-- always base10 plus the points10 of its counted lines (rule lines and
-- approved manual items).  An approved run is never changed again; a
-- correction is a new run naming the one it corrects (correction_of).

CREATE TABLE assess_runs (
    id              @ID@,
    scheme          TEXT NOT NULL,
    period          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    area_id         BIGINT NOT NULL REFERENCES areas(id),
    area_path       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
    base10          BIGINT NOT NULL,
    correction_of   BIGINT REFERENCES assess_runs(id),
    reason          TEXT,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    computed_at     BIGINT NOT NULL,
    approved_by     BIGINT REFERENCES users(id),
    approved_at     BIGINT NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assess_runs_period ON assess_runs(scheme, area_id, period, id);
CREATE INDEX assess_runs_year ON assess_runs(scheme, year, status);
-- At most one draft per scheme, township and month: running again recomputes it.
CREATE UNIQUE INDEX assess_runs_draft ON assess_runs(scheme, area_id, period) WHERE status = 'draft';

-- Who is scored: a village (area_id) or a cadre (cadre_id, user_id; area_id the cadre's area).
CREATE TABLE assess_subjects (
    id              @ID@,
    run_id          BIGINT NOT NULL REFERENCES assess_runs(id),
    area_id         BIGINT NOT NULL REFERENCES areas(id),
    cadre_id        BIGINT REFERENCES assist_cadres(id),
    user_id         BIGINT REFERENCES users(id),
    name            TEXT NOT NULL,
    area_path       TEXT NOT NULL,
    score10         BIGINT NOT NULL,
    place           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assess_subjects_run ON assess_subjects(run_id, place, id);

-- Files that back a manual item (stored on disk by SHA-256 like case attachments).
CREATE TABLE assess_evidence (
    id              @ID@,
    run_id          BIGINT NOT NULL REFERENCES assess_runs(id),
    name            TEXT NOT NULL,
    mime            TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX assess_evidence_run ON assess_evidence(run_id, id);

-- A line of a subject's score: a rule computed from an indicator (kind rule,
-- status final) or a manual item (kind manual: pending until approved).
CREATE TABLE assess_lines (
    id              @ID@,
    run_id          BIGINT NOT NULL REFERENCES assess_runs(id),
    subject_id      BIGINT NOT NULL REFERENCES assess_subjects(id),
    seq             INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('rule', 'manual')),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    indicator       TEXT,
    value_num       BIGINT,
    value_den       BIGINT,
    value_text      TEXT,
    points10        BIGINT NOT NULL,
    explanation     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'final' CHECK (status IN ('final', 'pending', 'approved')),
    comment         TEXT,
    evidence_id     BIGINT REFERENCES assess_evidence(id),
    entered_by      BIGINT REFERENCES users(id),
    entered_at      BIGINT NOT NULL DEFAULT 0,
    approved_by     BIGINT REFERENCES users(id),
    approved_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assess_lines_subject ON assess_lines(subject_id, seq, id);
CREATE INDEX assess_lines_run ON assess_lines(run_id, kind, status);
