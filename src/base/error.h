/*
 * error.h - the one error enum of zhenwu and the error record that carries it.
 *
 * Functions return 0 or a negative ZW_E* code and, when given one, fill a
 * struct error with the field at fault, a Chinese message for the user and a
 * detail for the log.  The API layer maps codes to HTTP statuses and the
 * stable string codes clients match on.
 */
#ifndef ZW_ERROR_H
#define ZW_ERROR_H

#include <stdarg.h>

enum zw_err {
    ZW_OK = 0,
    ZW_EINVAL = -1,        /* invalid_input: a field fails validation */
    ZW_EJSON = -2,         /* bad_json: not parseable JSON */
    ZW_EUNKNOWNFIELD = -3, /* unknown_field */
    ZW_EUTF8 = -4,         /* invalid_utf8 */
    ZW_ETOOBIG = -5,       /* body_too_large */
    ZW_ENOTFOUND = -6,     /* not_found */
    ZW_EAUTH = -7,         /* unauthenticated */
    ZW_EFORBIDDEN = -8,    /* forbidden */
    ZW_ECSRF = -9,         /* csrf_failed */
    ZW_ESTALE = -10,       /* stale_version: If-Match does not match */
    ZW_EPRECOND = -11,     /* precondition_required: If-Match missing */
    ZW_ECONFLICT = -12,    /* conflict: unique key taken */
    ZW_ELOCKED = -13,      /* account_locked */
    ZW_EWEAKPW = -14,      /* weak_password */
    ZW_EPWCHANGE = -15,    /* password_change_required */
    ZW_EBUSY = -16,        /* busy: database busy or too many hashes */
    ZW_EMETHOD = -17,      /* method_not_allowed */
    ZW_EHEADERS = -18,     /* headers_too_large */
    ZW_EMEDIA = -19,       /* unsupported_media_type */
    ZW_EBADCRED = -20,     /* bad_credentials */
    ZW_EGRANT = -21,       /* grant_exceeds_own: granting more than one holds */
    ZW_EDB = -22,          /* db_error */
    ZW_EIO = -23,          /* io_error */
    ZW_ENOMEM = -24,       /* out_of_memory */
    ZW_EINTERNAL = -25,    /* internal */
    ZW_EBADPATH = -26,     /* bad_path */
    ZW_EIDEMPOTENT = -27,  /* idempotency_mismatch: key reused with another body */
    ZW_EDISABLED = -28,    /* account_disabled */
    ZW_ESERIAL = -29,      /* serialization failure: retry the transaction */
    ZW_ETRANSITION = -30,  /* invalid_transition: not allowed from the case's state */
    ZW_ERATELIMIT = -31,   /* rate_limited: too many requests; Retry-After says when */
    ZW_EPERIOD = -32,      /* period_running: a period (公示期) must run its full length first */
    ZW_ERR_MIN = -33
};

struct error {
    int code;          /* one of enum zw_err */
    const char *field; /* static string or NULL: the input field at fault */
    char message[256]; /* Chinese, for the user */
    char detail[256];  /* English, for the log */
};

/* Fill err (if not NULL) and return code.  fmt is the Chinese user message. */
int err_set(struct error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Add a log detail to an already-set error; returns err->code. */
int err_detail(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Stable machine-readable name of a code, e.g. "invalid_input". */
const char *err_code_name(int code);
/* Default Chinese message of a code. */
const char *err_str(int code);
/* HTTP status for a code. */
int err_http_status(int code);

#endif
