-- 0006_case_documents.sql - the notices (文书) issued on a case: rendered from
-- the templates in defs/documents/<type>/<code>.html when a transition names a
-- document, or on demand, and kept exactly as issued (html with its SHA-256).
-- confidential = 1 when the document names a confidential requester: it is
-- served only to those who may see the requester.  event is the timeline entry
-- (kind "document") that records the issue.

CREATE TABLE case_documents (
    id            @ID@,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    html          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    confidential  INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    created_by    BIGINT REFERENCES users(id),
    event         BIGINT REFERENCES case_events(id)
);
CREATE INDEX case_documents_case ON case_documents(case_id, id);
