-- 0002_search.sqlite.sql - the search index (SQLite half): one row per
-- searchable record, kept by the store functions that write those records,
-- and an FTS5 trigram index over it (Chinese has no spaces: trigrams match
-- any 3-character substring; shorter queries fall back to LIKE).

CREATE TABLE search_docs (
    id         @ID@,
    entity     TEXT NOT NULL,
    entity_id  BIGINT NOT NULL,
    area_path  TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    UNIQUE (entity, entity_id)
);
CREATE INDEX search_docs_path ON search_docs(area_path);

CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, content='search_docs', content_rowid='id', tokenize='trigram'
);

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

INSERT INTO search_docs (entity, entity_id, area_path, title, body)
    SELECT 'area', id, path, name, code FROM areas;
INSERT INTO search_docs (entity, entity_id, area_path, title, body)
    SELECT 'user', u.id, a.path, u.name, u.username FROM users u JOIN areas a ON a.id = u.area_id;
