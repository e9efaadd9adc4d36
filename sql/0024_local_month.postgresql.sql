-- 0024_local_month.postgresql.sql - zw_month(instant): the month (YYYYMM) of an instant
-- in local time (UTC+8, calendar.h), for the case counters of 0025; SQLite's driver
-- registers the same function (sqlite.c).
CREATE FUNCTION zw_month(t BIGINT) RETURNS INTEGER LANGUAGE SQL IMMUTABLE STRICT AS
    'SELECT CAST(to_char(to_timestamp(t + 28800) AT TIME ZONE ''UTC'', ''YYYYMM'') AS INTEGER)';
