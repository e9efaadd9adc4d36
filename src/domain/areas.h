/*
 * areas.h - the area tree below the village: 村民小组 (groups) and 网格 (grids).
 *
 * Counties, townships and villages come from the national code table at
 * `zhenwu init`; staff add groups and grids under villages in their scope.
 * Groups and grids get local codes "<village code>-G01" / "-W01".
 */
#ifndef ZW_AREAS_H
#define ZW_AREAS_H

#include "domain.h"

/*
 * Adds a group or grid (level "group" / "grid") under a village in scope.
 * code is NULL for the next free local code, or "<village code>-XXX"
 * (1 to 8 of A-Z 0-9); ZW_ECONFLICT if taken.
 */
int areas_create_local(struct zctx *z, int64_t parent_id, const char *level, const char *name,
                       const char *code, struct area *out, struct error *err);
/* Renames a group or grid in scope if version is current. */
int areas_rename(struct zctx *z, int64_t id, int version, const char *name, struct area *out,
                 struct error *err);
/* Chinese name of a level ("village" -> "村（社区）"). */
const char *area_level_label(const char *level);
json_t *area_json(const struct area *a);

#endif
