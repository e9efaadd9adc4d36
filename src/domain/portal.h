/*
 * portal.h - requests filed by the public without an account: the portal
 * (submit, follow by tracking code + last four phone digits, rate) and the
 * Open311 intake, both on top of the case engine.
 *
 * A submission names a service of the catalogue (services.h) and a village;
 * it becomes a real case of the service's type and category, created by the
 * "public" principal: no user, scope the township of the village, no roles,
 * audited as "公众" (portal) or "open311:<key name>".  Next to the case a
 * public_requests row keeps the tracking code (10 characters, random from an
 * alphabet without 0/O/1/I), the last four phone digits, the source and the
 * rating.  Photos are not part of the submission: they attach to the case
 * (case id) like any other attachment.
 *
 * Abuse limits (limits.h, counted in the database): submissions per address
 * and per phone; failed lookups per tracking code (hour and day) and per
 * address, so the four digits cannot be walked.  A limit answers
 * ZW_ERATELIMIT with the seconds to wait.
 */
#ifndef ZW_PORTAL_H
#define ZW_PORTAL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "casedef.h"
#include "domain.h"
#include "services.h"

struct portal_submission {
    const char *service;      /* service code */
    int64_t village_id;       /* an area of level village */
    const char *content;      /* the request itself */
    const char *name, *phone; /* requester; required on the portal, optional on Open311 */
    bool confidential;
    bool has_location;
    double lat, lon;
    const char *address; /* or NULL */
};

/*
 * Parses a portal submission (the JSON body of POST /api/v1/portal/requests)
 * strictly and checks every rule that needs no database: the service exists,
 * text sizes, phone digits, coordinates.  Strings are copied into a.
 * Returns 0 or a code with err naming the field (Chinese message).
 */
int portal_parse_submission(const char *body, size_t len, const struct services *svc,
                            struct arena *a, struct portal_submission *out, struct error *err);
/* The same checks on an already-filled submission; require_contact: name and phone required. */
int portal_check_submission(const struct portal_submission *in, const struct services *svc,
                            bool require_contact, struct error *err);

/* Where a submission came from. */
struct portal_origin {
    const char *source;       /* "portal" or "open311" */
    int64_t api_key_id;       /* Open311 */
    const char *api_key_name; /* Open311 */
};

/*
 * The public principal for a request about village_id (an area of level
 * village; ZW_EINVAL naming villageId otherwise): no user, no roles, scope
 * the subtree of the village's township.  village gets the area.
 */
int portal_principal(struct zctx *z, int64_t village_id, const struct portal_origin *o,
                     struct area *village, struct principal *who, struct error *err);
/*
 * Writes the public_requests row of case c filed publicly (a fresh tracking
 * code, the last four digits of phone, the origin) into out_req.
 */
int portal_record(struct zctx *z, const struct case_row *c, const char *service_code,
                  const char *phone, const struct portal_origin *o, struct public_request *out_req,
                  struct error *err);
/*
 * Files in (checked with portal_check_submission first): applies the limits,
 * creates the case through cases_create as the public principal and its
 * public_requests row.  out gets both.  ZW_ERATELIMIT sets *retry_after.
 */
int portal_submit(struct zctx *z, const struct case_types *types, const struct services *svc,
                  const struct portal_submission *in, const struct portal_origin *o,
                  struct case_row *out_case, struct public_request *out_req, int64_t *retry_after,
                  struct error *err);

/* What the public may know of a request. */
struct portal_view {
    struct case_row c;
    struct public_request p;
    const struct service *svc;        /* NULL if the catalogue no longer has it */
    const struct case_type *type;     /* NULL if the type is gone */
    const char *status, *status_name; /* received 已受理, handling 办理中, answered 已答复,
                                          closed 已办结, rejected 不予受理, withdrawn 已撤回 */
    bool closed;                      /* the case is in a final state */
    const char *answer;               /* the public answer, or NULL */
    int64_t answered_at;
    int64_t expected_at;     /* earliest due instant of a running clock, 0 if none */
    const char *masked_name; /* 张*, or NULL */
    json_t *timeline;        /* [{"at","stage"}], owned by the view: portal_view_release */
    bool can_rate;
};

void portal_view_release(struct portal_view *v);
/* The public view of a case filed publicly (Open311 reads: no phone check). */
int portal_view_case(struct zctx *z, const struct case_types *types, const struct services *svc,
                     const struct case_row *c, const struct public_request *p,
                     struct portal_view *out, struct error *err);
/*
 * Finds the request with tracking code and checks the last four phone
 * digits.  A wrong pair counts against the code and the caller's address:
 * the caller must commit the transaction even when this fails
 * (ZW_ENOTFOUND).  ZW_ERATELIMIT with *retry_after once the limits are hit.
 */
int portal_track(struct zctx *z, const struct case_types *types, const struct services *svc,
                 const char *code, const char *last4, struct portal_view *out, int64_t *retry_after,
                 struct error *err);
/*
 * Rates a closed request once (score 1..5, comment optional), after the same
 * check as portal_track: a "feedback" event on the case's timeline and an
 * audit row.  ZW_ETRANSITION if not closed, ZW_ECONFLICT if rated already.
 */
int portal_rate(struct zctx *z, const struct case_types *types, const struct services *svc,
                const char *code, const char *last4, int score, const char *comment,
                struct portal_view *out, int64_t *retry_after, struct error *err);

/*
 * Files a photo the resident took with the request (code and last4 as for
 * tracking): images only, at most ZW_PORTAL_PHOTOS_MAX, within
 * ZW_PORTAL_PHOTO_WINDOW_S of submitting and while the case is open.
 */
int portal_photo(struct zctx *z, const char *code, const char *last4, const char *name,
                 const void *data, size_t len, struct case_attachment *out, int64_t *retry_after,
                 struct error *err);

/* GB/T 39735 level of a score 1..5: 非常不满意 ... 非常满意. */
const char *portal_rating_level(int score);
/* "张三" -> "张*": the first character, then one '*' per further character; arena-owned. */
const char *portal_mask_name(struct arena *a, const char *name);
/* A new random tracking code (ZW_TRACKING_CODE_LEN characters) into out (16 bytes). */
void portal_new_code(char out[16]);
/* code upper-cased with spaces and '-' removed into out (16 bytes); false if it cannot be one. */
bool portal_normalise_code(const char *code, char out[16]);

#endif
