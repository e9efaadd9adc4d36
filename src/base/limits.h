/*
 * limits.h - every hard cap zhenwu enforces, in one place.
 *
 * A buffer, body, list or parser that grows with outside input has its
 * maximum here, so that an operator reads one file to learn what the server
 * refuses.  Runtime-configurable values (config file, command line) take
 * these as their defaults.
 */
#ifndef ZW_LIMITS_H
#define ZW_LIMITS_H

/* HTTP */
#define ZW_MAX_BODY_BYTES (1024 * 1024) /* JSON request body */
/*
 * A body declared too large but no larger than this is read and dropped
 * before the 413 goes out, so the client (still sending) reliably reads the
 * answer; a larger one is refused at once and the connection closed.
 */
#define ZW_MAX_DRAIN_BYTES  (16 * 1024 * 1024)
#define ZW_MAX_HEADER_COUNT 64          /* headers in one request */
#define ZW_MAX_HEADER_BYTES (16 * 1024) /* all header names + values */
/*
 * libmicrohttpd's per-connection pool: it holds the request line and headers
 * and is zero-filled on every keep-alive request, so its size is paid per
 * request and, over time, per connection.  Requests whose headers fit get our
 * own JSON 431 past ZW_MAX_HEADER_COUNT / ZW_MAX_HEADER_BYTES; a flood larger
 * than the pool is refused by libmicrohttpd itself (431, its built-in body).
 */
#define ZW_MHD_CONN_MEMORY        (64 * 1024)
#define ZW_MAX_URL_BYTES          2048
#define ZW_MAX_PATH_PARAMS        8
#define ZW_MAX_QUERY_PARAMS       32
#define ZW_DEFAULT_CONN_PER_IP    64
#define ZW_DEFAULT_CONN_TOTAL     1024
#define ZW_DEFAULT_CONN_TIMEOUT_S 30
#define ZW_DEFAULT_THREADS        4
#define ZW_MAX_STATIC_FILE_BYTES  (64 * 1024 * 1024)

/* JSON */
#define ZW_MAX_JSON_DEPTH   32
#define ZW_MAX_STRING_BYTES (64 * 1024) /* one string field */

/* Memory */
#define ZW_ARENA_BLOCK_BYTES (16 * 1024)
#define ZW_ARENA_MAX_BYTES   (64 * 1024 * 1024) /* one request's arena */
#define ZW_BUF_MAX_BYTES     (256 * 1024 * 1024)

/* Lists */
#define ZW_DEFAULT_PAGE_SIZE  20
#define ZW_MAX_PAGE_SIZE      200
#define ZW_MAX_ROLES_PER_USER 16
#define ZW_MAX_PERMS_PER_ROLE 64

/* Auth */
#define ZW_PASSWORD_MAX_BYTES     128
#define ZW_USERNAME_MAX_BYTES     64
#define ZW_NAME_MAX_BYTES         128
#define ZW_MAX_CONCURRENT_HASHES  2 /* argon2id runs at once */
#define ZW_DEFAULT_LOCKOUT_FAILS  5
#define ZW_DEFAULT_LOCKOUT_MIN    15
#define ZW_DEFAULT_IDLE_MIN       30
#define ZW_DEFAULT_ABSOLUTE_HOURS 12
#define ZW_DEFAULT_PW_MIN_LEN     10
#define ZW_DEFAULT_PW_CLASSES     3

/* Idempotency keys are kept this long. */
#define ZW_IDEMPOTENCY_TTL_S   (24 * 3600)
#define ZW_IDEMPOTENCY_KEY_MAX 128

/* Attachments (photos, PDFs filed on a case) */
#define ZW_MAX_UPLOAD_BYTES   (10 * 1024 * 1024) /* one file */
#define ZW_MAX_ATTACHMENTS    50                 /* files on one case */
#define ZW_MAX_FILENAME_BYTES 200
#define ZW_SIMILAR_CANDIDATES 500 /* open cases compared when looking for repeats */
#define ZW_SIMILAR_RESULTS    5

/* Documents (文书): one template file, one rendered PDF. */
#define ZW_MAX_TEMPLATE_BYTES       (64 * 1024)
#define ZW_NOTICE_ROWS_MAX          2000 /* records in one public notice (公示) */
#define ZW_NOTICE_WINDOW_MAX_DAYS   90   /* the longest window a notice may be published for */
#define ZW_NOTICE_OBJECTIONS_PER_IP 5    /* objections from one address per hour */
#define ZW_MAX_PDF_BYTES            (32 * 1024 * 1024)

/* Background jobs of `zhenwu serve` (config file keys of the same names). */
#define ZW_DEFAULT_REMINDER_INTERVAL_S  60
#define ZW_DEFAULT_OUTBOX_INTERVAL_S    5
#define ZW_DEFAULT_WEBHOOK_TIMEOUT_S    10
#define ZW_DEFAULT_WEBHOOK_RETRY_BASE_S 30
#define ZW_DEFAULT_WEBHOOK_RETRY_MAX_S  3600

/* Exports: rows in one .xlsx; a larger selection is refused (narrow the filters). */
#define ZW_MAX_EXPORT_ROWS 50000

/*
 * Public portal and Open311 (no login).  Windows are fixed (aligned to the
 * epoch), counted in the rate_limits table so they hold across restarts and
 * processes.  Text caps are in characters (UTF-8 code points).
 */
#define ZW_PORTAL_SUBMIT_PER_IP         10 /* submissions from one address per hour */
#define ZW_PORTAL_SUBMIT_IP_WINDOW_S    3600
#define ZW_PORTAL_SUBMIT_PER_PHONE      3 /* submissions with one phone number per day */
#define ZW_PORTAL_SUBMIT_PHONE_WINDOW_S 86400
#define ZW_PORTAL_TRACK_FAILS_PER_CODE  5 /* wrong phone digits for one code per hour */
#define ZW_PORTAL_TRACK_CODE_WINDOW_S   3600
#define ZW_PORTAL_TRACK_FAILS_CODE_DAY  10 /* ... and per day: 4 digits cannot be walked */
#define ZW_PORTAL_TRACK_FAILS_PER_IP    20 /* failed lookups (any code) from one address per hour */
#define ZW_PORTAL_TRACK_IP_WINDOW_S     3600
#define ZW_OPEN311_SUBMIT_PER_KEY       600 /* Open311 POSTs per API key per hour */
#define ZW_OPEN311_KEY_WINDOW_S         3600
#define ZW_RATE_KEEP_S                  (2 * 86400) /* rate-limit rows older than this are purged */
#define ZW_PORTAL_CONTENT_MAX_CHARS     2000
#define ZW_PORTAL_CONTENT_MIN_CHARS     5
#define ZW_PORTAL_NAME_MAX_CHARS        32
#define ZW_PORTAL_ADDRESS_MAX_CHARS     200
#define ZW_PORTAL_COMMENT_MAX_CHARS     500
#define ZW_PORTAL_PHOTOS_MAX            3    /* photos a resident files with one request */
#define ZW_PORTAL_PHOTO_WINDOW_S        3600 /* ... within this time of submitting it */
#define ZW_PORTAL_PHONE_MIN_DIGITS      7
#define ZW_PORTAL_PHONE_MAX_DIGITS      15
#define ZW_TRACKING_CODE_LEN            10
#define ZW_OPEN311_MAX_RESULTS          1000 /* GET requests.json */
#define ZW_OPEN311_DEFAULT_DAYS         90   /* GET requests.json without start_date */
#define ZW_MAX_FORM_PARAMS              64   /* application/x-www-form-urlencoded fields */
#define ZW_MAX_SERVICES                 64   /* entries of defs/services.json */

/*
 * Registry imports (households, persons, incomes ...) from CSV or XLSX: the
 * upload (a larger body, 413 beyond), the data rows of one file, and the
 * problems listed in one report (all are counted; the rest are left off).
 */
#define ZW_MAX_IMPORT_BYTES (64L * 1024 * 1024)
/* `zhenwu import` on the server itself reads larger files (streamed; a county's whole list). */
#define ZW_MAX_CLI_IMPORT_BYTES  (2048L * 1024 * 1024)
#define ZW_IMPORT_MAX_DATA_ROWS  2000000
#define ZW_IMPORT_MAX_ISSUES     5000
#define ZW_IMPORT_PROGRESS_EVERY 1000 /* rows between progress updates */

/* Statement cache per connection. */
#define ZW_STMT_CACHE_SIZE 256

#endif
