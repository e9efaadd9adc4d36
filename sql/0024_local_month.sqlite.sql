-- 0024_local_month.sqlite.sql - zw_month(instant) is registered by the driver (sqlite.c)
-- on every connection; PostgreSQL creates it in SQL (0024_local_month.postgresql.sql).
SELECT 1;
