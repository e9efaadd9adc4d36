-- 0021_reports.sql - work reports (工作报告) generated in the background from a
-- template of defs/reports/ for an area and a year.
--
-- status: queued (waiting for the worker), running, done (result_json holds
-- the evaluated report: its blocks and every figure with its indicator, from
-- which the HTML, DOCX and PDF are rendered), failed (message says why).
-- done_values of total_values placeholders are evaluated while running.
-- area_path is the report's area: who may see it (a user whose scope covers it).
CREATE TABLE report_jobs (
    id              @ID@,
    template        TEXT NOT NULL,
    year            INTEGER NOT NULL,
    area_id         BIGINT NOT NULL REFERENCES areas(id),
    area_path       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    done_values     INTEGER NOT NULL DEFAULT 0,
    total_values    INTEGER NOT NULL DEFAULT 0,
    result_json     TEXT,
    message         TEXT,
    created_by      BIGINT REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX report_jobs_status ON report_jobs(status, id);
