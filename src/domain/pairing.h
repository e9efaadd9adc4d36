/*
 * pairing.h - 帮扶责任人 (assistance cadres), their pairs with households and
 * their visits (入户走访) with photos.
 *
 * A cadre may have an account (role assist_cadre, scope own): then they see
 * only the households they are paired with (the scope rule of
 * store_registry.h, applied in store_monitor.c too).  Every write runs in the
 * caller's transaction with its audit row; a household outside the caller's
 * scope is "not found".
 */
#ifndef ZW_PAIRING_H
#define ZW_PAIRING_H

#include <stdint.h>

#include "domain.h"
#include "store/store_monitor.h"

struct cadre_input {
    const char *name, *unit, *phone; /* unit, phone may be NULL */
    int64_t user_id;                 /* 0 = no account; else a user holding role assist_cadre */
    int64_t area_id;                 /* 0 = the caller's area */
};

int pairing_cadre_add(struct zctx *z, const struct cadre_input *in, int64_t *id, struct error *err);
/* Pairs cadre_id with household_id from since (YYYY-MM-DD). */
int pairing_pair_add(struct zctx *z, int64_t household_id, int64_t cadre_id, const char *since,
                     int64_t *id, struct error *err);
/* Ends a pair on until (not before its since). */
int pairing_pair_end(struct zctx *z, int64_t pair_id, const char *until, struct error *err);

/* Logs the caller's visit to a household (visited_on not in the future; found 1-2000 chars). */
int pairing_visit_add(struct zctx *z, int64_t household_id, const char *visited_on,
                      const char *found, int64_t *id, struct error *err);
/* Files a photo (JPEG, PNG, WebP) on a visit in scope; at most ZW_MAX_VISIT_PHOTOS. */
int pairing_visit_photo(struct zctx *z, int64_t visit_id, const char *name, const void *data,
                        size_t len, struct visit_photo *out, struct error *err);
/* A photo of a visit in scope, with its bytes (arena-owned). */
int pairing_visit_photo_read(struct zctx *z, int64_t visit_id, int64_t photo_id,
                             struct visit_photo *meta, const void **data, size_t *len,
                             struct error *err);

#define ZW_MAX_VISIT_PHOTOS 9

#endif
