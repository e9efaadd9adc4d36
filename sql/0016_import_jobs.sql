-- 0016_import_jobs.sql - background imports of the registry (households,
-- persons, incomes, and later payments and department lists) from CSV or
-- XLSX: the uploaded file on disk, the dry run's report, and the commit.
--
-- status: checking (uploaded, the dry run is queued or running), checked
-- (the report is ready; waiting for the user's choice), importing (commit
-- queued or running, in one transaction), done (committed), failed (the file
-- could not be read, or the commit found a problem: nothing was written).
-- area_path is the uploader's area path at upload time: who else may see
-- the job (a user whose scope covers it).
CREATE TABLE import_jobs (
    id              @ID@,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('checking', 'checked', 'importing', 'done', 'failed')),
    file_name       TEXT NOT NULL,               -- the name the user gave (shown, never used as a path)
    file_path       TEXT NOT NULL,               -- where the bytes are kept under the files directory
    total_rows      INTEGER NOT NULL DEFAULT 0,  -- data rows of the file (known after the dry run)
    done_rows       INTEGER NOT NULL DEFAULT 0,  -- rows processed by the running phase
    report_json     TEXT,                        -- {rows, valid, errors:[{row,column,message}], warnings:[...]}
    mode            TEXT CHECK (mode IN ('valid', 'all')),
    imported        INTEGER,                     -- rows written by the commit
    message         TEXT,                        -- why the job failed (Chinese)
    created_by      BIGINT REFERENCES users(id),
    area_path       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX import_jobs_status ON import_jobs(status, id);
CREATE INDEX import_jobs_creator ON import_jobs(created_by, id);
