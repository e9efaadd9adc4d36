-- 0017_check_lists.postgresql.sql - nothing on PostgreSQL: the SQLite half of
-- this pair rewrites CHECK (x IN (...)) constraints that SQLite evaluates
-- through an ephemeral table on every write; PostgreSQL compares them in place.
SELECT 1;
