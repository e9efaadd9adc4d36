/*
 * workcal.h - the server's working-day calendar: the holiday data of
 * defs/calendar/, kept in the database so an administrator can correct it,
 * and an in-memory copy that deadline computations read.
 *
 * The copy is guarded by a read-write lock: readers take a consistent view,
 * an edit replaces it after its transaction commits.
 */
#ifndef ZW_WORKCAL_H
#define ZW_WORKCAL_H

#include "calendar.h"
#include "domain.h"

/* Loads every defs_dir/calendar/YYYY.json into the database (idempotent). */
int workcal_seed(struct zctx *z, const char *defs_dir, int *years, struct error *err);
/* Reloads the in-memory copy from the database. */
int workcal_reload(struct db *db, struct error *err);
/* Runs fn with a read-locked view of the calendar. */
void workcal_read(void (*fn)(const struct calendar *cal, void *ud), void *ud);
/* Sets or clears (kind NULL) one day; audited.  Call workcal_reload after commit. */
int workcal_set_day(struct zctx *z, int ymd, const char *kind, const char *name, struct error *err);

#endif
