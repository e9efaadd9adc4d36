-- 0009_case_ratings.sql - the resident's satisfaction rating of a case (the
-- choice field a case type names as its "satisfaction"), kept on the case so
-- that satisfaction rates are counted without reading every case's fields.
-- satisfied: 1 satisfied, 0 not, NULL never rated; rated_at: when (0 = never).

ALTER TABLE cases ADD COLUMN satisfied INTEGER;
ALTER TABLE cases ADD COLUMN rated_at BIGINT NOT NULL DEFAULT 0;
