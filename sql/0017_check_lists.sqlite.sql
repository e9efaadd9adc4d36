-- 0017_check_lists.sqlite.sql - SQLite evaluates a CHECK of the form
-- "x IN ('a', 'b', 'c')" (three values or more) by building an ephemeral
-- table on every INSERT and UPDATE of the row: a temporary b-tree opened and
-- rolled back each time, about 40% of the cost of inserting a person.  The
-- same constraints written as "x = 'a' OR x = 'b' OR ..." are compared in
-- place.  They accept exactly the same values, so the table contents and
-- files are unchanged and this is the procedure the SQLite documentation
-- gives for changing a CHECK constraint (lang_altertable.html, "Making Other
-- Kinds Of Table Schema Changes"): rewrite the CREATE TABLE text in
-- sqlite_schema.  Connections opened afterwards read the new text; one open
-- during the migration keeps the old, equivalent constraint.  The
-- PostgreSQL half of this pair does nothing (it compares IN lists in place).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (status IN (''active'', ''dead'', ''gone'', ''merged''))',
    'CHECK (status = ''active'' OR status = ''dead'' OR status = ''gone'' OR status = ''merged'')')
    WHERE type = 'table' AND name = 'persons';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (monitor_status IN (''none'', ''monitored'', ''eliminated''))',
    'CHECK (monitor_status = ''none'' OR monitor_status = ''monitored'' OR monitor_status = ''eliminated'')')
    WHERE type = 'table' AND name = 'households';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (kind IN (''food'', ''clothing'', ''education'', ''medical'', ''housing'', ''water''))',
    'CHECK (kind = ''food'' OR kind = ''clothing'' OR kind = ''education'' OR kind = ''medical'' OR kind = ''housing'' OR kind = ''water'')')
    WHERE type = 'table' AND name = 'guarantee_checks';
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'CHECK (source IN (''apply'', ''visit'', ''department'', ''screening''))',
    'CHECK (source = ''apply'' OR source = ''visit'' OR source = ''department'' OR source = ''screening'')'),
    'CHECK (status IN (''open'', ''case'', ''dismissed''))',
    'CHECK (status = ''open'' OR status = ''case'' OR status = ''dismissed'')')
    WHERE type = 'table' AND name = 'monitor_alerts';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (status IN (''open'', ''merged'', ''kept''))',
    'CHECK (status = ''open'' OR status = ''merged'' OR status = ''kept'')')
    WHERE type = 'table' AND name = 'person_duplicates';
PRAGMA writable_schema = OFF;
