-- 0005_attachments_links.sql - files filed on a case (photos, PDFs; the bytes
-- live on disk under their SHA-256, the row says whose they are), and links
-- between cases (related ones, and repeats merged into the case that goes on).

CREATE TABLE case_attachments (
    id          @ID@,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    name        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  BIGINT REFERENCES users(id)
);
CREATE INDEX case_attachments_case ON case_attachments(case_id, id);

-- kind: 'related' (both ways, stored once with case_id < other_id) or
-- 'merged' (case_id is the repeat, other_id the case it was merged into).
CREATE TABLE case_links (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    other_id    BIGINT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  BIGINT REFERENCES users(id),
    PRIMARY KEY (case_id, other_id)
);
CREATE INDEX case_links_other ON case_links(other_id);
