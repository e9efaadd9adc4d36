-- 0012_case_path_pattern.postgresql.sql - PostgreSQL lists match an area
-- subtree by the case's area path prefix (see store_case.c): a pattern index
-- serves "area_path LIKE '/1/2/9/%'" whatever the database's collation.
CREATE INDEX cases_path_pattern ON cases (area_path text_pattern_ops, state, id);
