/*
 * periods.h - closing a period (月结, 季结, 年结): the indicator values of an
 * area and of its children over a month, quarter or year, and the records
 * behind the area's values, frozen in one transaction (store_period.h).
 * From then on indicators.h answers that period from the snapshot, the same
 * every time; records changed later show as corrections beside the frozen
 * values (the live value and the records added and removed), never in them.
 */
#ifndef ZW_PERIODS_H
#define ZW_PERIODS_H

#include "indicators.h"

/*
 * Closes period (indicators_period syntax; a whole month, quarter or year)
 * for area_id (in the caller's scope; period.close).  Refused: a period not
 * yet over (ZW_EINVAL on "period"), one already closed for the area
 * (ZW_ECONFLICT).  Audited.  *out is the closure.
 */
int periods_close(struct zctx *z, const struct indicators *d, int64_t area_id, const char *period,
                  const char *note, struct period_close *out, struct error *err);
/* The closures of the caller's areas (their own, above or below). */
int periods_list(struct zctx *z, struct period_close **items, size_t *n, struct error *err);
/* Closure id if its area is in the caller's scope or above it (ZW_ENOTFOUND otherwise). */
int periods_get(struct zctx *z, int64_t id, struct period_close *out, struct error *err);

/* One indicator's correction: its frozen and live values and the records between them. */
struct period_correction {
    int i; /* the indicator */
    struct ind_value frozen, live;
    const char *base;                   /* the base indicator whose records differ (part a) */
    struct ind_record *added, *removed; /* the first ones */
    size_t nadded, nremoved;
    int64_t total_added, total_removed;
};
/* The indicators of closure c whose live value for its area differs from the frozen one. */
int periods_corrections(struct zctx *z, const struct indicators *d, const struct period_close *c,
                        struct period_correction **items, size_t *n, struct error *err);

#endif
