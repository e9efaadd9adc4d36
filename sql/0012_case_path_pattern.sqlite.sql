-- 0012_case_path_pattern.sqlite.sql - nothing on SQLite: its lists match area
-- subtrees through the area ids (cases_area_state, 0010); the PostgreSQL half
-- of this pair adds a path pattern index.
SELECT 1;
