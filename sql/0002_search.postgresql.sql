-- 0002_search.postgresql.sql - the search index (PostgreSQL half): the same
-- search_docs table, with a pg_trgm GIN index that serves LIKE on any
-- substring of 3 or more characters.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

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
CREATE INDEX search_docs_trgm ON search_docs USING gin (lower(title || ' ' || body) gin_trgm_ops);

INSERT INTO search_docs (entity, entity_id, area_path, title, body)
    SELECT 'area', id, path, name, code FROM areas;
INSERT INTO search_docs (entity, entity_id, area_path, title, body)
    SELECT 'user', u.id, a.path, u.name, u.username FROM users u JOIN areas a ON a.id = u.area_id;
