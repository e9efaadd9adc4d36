-- 0010_case_list_indexes.sql - case lists filter by area (a village's areas,
-- through their ids) and state, and count what matches: one index answers both
-- without reading the table.
CREATE INDEX cases_area_state ON cases(area_id, state, id);
