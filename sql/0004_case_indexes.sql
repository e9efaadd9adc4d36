-- 0004_case_indexes.sql - indexes for the case lists: by state (the most
-- common filter) and newest first within an area.
CREATE INDEX cases_state_only ON cases(state, id);
CREATE INDEX cases_area_id ON cases(area_id, id);
