/*
 * store_period.h - closed periods (period_closes, period_values,
 * period_records): the frozen indicator values of an area and its children
 * and the records behind the area's base indicators.  See domain/periods.h.
 */
#ifndef ZW_STORE_PERIOD_H
#define ZW_STORE_PERIOD_H

#include "store_indicator.h"

struct period_close {
    int64_t id, area_id;
    const char *area_path, *period, *from, *to, *label, *note; /* arena-owned when read */
    int64_t closed_at, closed_by;
    const char *closed_by_name, *area_name; /* read only */
};

int store_period_insert(struct db *db, struct period_close *c, struct error *err);
/* The closure of [from, to] whose area is path's or an ancestor's; *found false if none. */
int store_period_covering(struct db *db, const char *path, const char *from, const char *to,
                          struct arena *a, struct period_close *out, bool *found,
                          struct error *err);
int store_period_get(struct db *db, int64_t id, struct arena *a, struct period_close *out,
                     struct error *err); /* ZW_ENOTFOUND if none */
/* The closures of areas under path (the caller's scope), newest first. */
int store_period_list(struct db *db, const char *path, struct arena *a, struct period_close **items,
                      size_t *n, struct error *err);

int store_period_value_put(struct db *db, int64_t close_id, const char *path, const char *code,
                           int64_t num, int64_t den, struct error *err);
/* The frozen value of code at path in closure close_id; *found false if none. */
int store_period_value(struct db *db, int64_t close_id, const char *path, const char *code,
                       int64_t *num, int64_t *den, bool *found, struct error *err);

/* Copies the records behind q over w (its drill-down, in order) into the closure. */
int store_period_freeze_records(struct db *db, int64_t close_id, const char *code,
                                const struct ind_query *q, const struct ind_where *w,
                                struct error *err);
/*
 * Corrections: the live records behind q over w that the closure's records
 * of code under w->path lack (added) and those it has that are no longer
 * behind q (removed); the first limit of each, and their counts.
 */
int store_period_diff(struct db *db, int64_t close_id, const char *code, const struct ind_query *q,
                      const struct ind_where *w, int64_t limit, struct arena *a,
                      struct ind_record **added, size_t *nadded, int64_t *total_added,
                      struct ind_record **removed, size_t *nremoved, int64_t *total_removed,
                      struct error *err);
/* The frozen records of code under path, page (1-based) of page_size, and how many. */
int store_period_records(struct db *db, int64_t close_id, const char *code, const char *path,
                         int64_t page, int64_t page_size, struct arena *a,
                         struct ind_record **items, size_t *n, int64_t *total, struct error *err);

#endif
