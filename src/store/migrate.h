/*
 * migrate.h - the numbered migrations embedded from sql/ and their runner.
 *
 * Migrations are applied in order, each in its own transaction, and recorded
 * in schema_migrations.  A version may have one file per engine instead of
 * one portable file; the runner takes the one for its connection's engine.  "@ID@" in a migration
 * is replaced by the engine's auto-increment primary key type; everything else is portable SQL.
 */
#ifndef ZW_MIGRATE_H
#define ZW_MIGRATE_H

#include "error.h"

struct db;

struct migration {
    int version;
    const char *name;
    const char *engine; /* NULL for every engine, else the driver's name */
    const char *sql;
};

extern const struct migration zw_migrations[];
extern const int zw_migration_count;

/* Applies the pending migrations; *applied gets how many.  Returns 0 or a code. */
int migrate_run(struct db *db, int *applied, struct error *err);
/* The newest applied version (0 for an empty database). */
int migrate_current(struct db *db, int *version, struct error *err);

#endif
