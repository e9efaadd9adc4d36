/*
 * attachments.h - files filed on a case: photos and PDFs.
 *
 * The bytes are stored once on disk under their SHA-256
 * (<dir>/ab/abcdef...), written to a temporary file, synced and renamed, so a
 * file is either whole or absent; the database row (in the caller's
 * transaction) names the case, the original file name, the detected type and
 * the checksum, and a timeline event records the filing.  The type is what
 * libmagic finds in the bytes, never what the client declares; only the types
 * in attach_types are accepted.  Reading checks the checksum again, so a file
 * damaged on disk is reported instead of served.
 */
#ifndef ZW_ATTACHMENTS_H
#define ZW_ATTACHMENTS_H

#include <stddef.h>

#include "domain.h"

/* Creates dir if needed and loads libmagic's database.  Call once at start. */
int attach_init(const char *dir, struct error *err);
void attach_shutdown(void);

/*
 * Checks and stores bytes on disk (not in any transaction); fills mime and
 * sha256.  ZW_ETOOBIG past ZW_MAX_UPLOAD_BYTES, ZW_EMEDIA for another type.
 */
int attach_store_bytes(const void *data, size_t len, const char **mime, char sha256[65],
                       struct error *err);

/* Files data as an attachment of case_id (in the caller's scope) with its timeline event. */
int attach_add(struct zctx *z, int64_t case_id, const char *name, const void *data, size_t len,
               struct case_attachment *out, struct error *err);

/*
 * Files data on case c, which the caller has already found and may file on
 * (attach_add checks the scope; the portal checks the tracking code):
 * images_only refuses PDFs.  The timeline event and audit row name z->who.
 */
int attach_to_case(struct zctx *z, const struct case_row *c, const char *name, const void *data,
                   size_t len, bool images_only, struct case_attachment *out, struct error *err);
/* How many attachments case_id has; *anonymous of them were filed by no user (the public). */
int attach_count(struct zctx *z, int64_t case_id, size_t *total, size_t *anonymous,
                 struct error *err);

/* Metadata and bytes (arena-owned) of one attachment of a case in the caller's scope. */
int attach_read(struct zctx *z, int64_t case_id, int64_t id, struct case_attachment *meta,
                const void **data, size_t *len, struct error *err);

/*
 * The bytes (arena-owned) of the stored file sha256 of size bytes, checked
 * against the checksum (ZW_EIO when missing or damaged).  For files kept by
 * other records than case attachments (visit photos).
 */
int attach_load(struct arena *a, const char *sha256, int64_t size, const void **data, size_t *len,
                struct error *err);

/* What a pass over every attachment's file found. */
struct attach_scan {
    int64_t files, bytes; /* checked (and copied) */
    int64_t missing, damaged;
    char first_bad[65]; /* the SHA-256 of the first missing or damaged file */
};

/*
 * For every attachment of the database, checks the file under from_dir
 * against its SHA-256 and, when to_dir is not NULL, copies it there (synced;
 * files already there and whole are kept).  Returns 0 (see scan for what was
 * missing or damaged) or a code for an I/O error on the copy.
 */
int attach_scan_dir(struct db *db, struct arena *a, const char *from_dir, const char *to_dir,
                    struct attach_scan *scan, struct error *err);

/* The default files directory of a database target (see cmd_serve). */
void attach_default_dir(const char *db, char *out, size_t cap);

/* name made safe to keep and show: no path, no control characters, at most ZW_MAX_FILENAME_BYTES.
 */
const char *attach_clean_name(struct arena *a, const char *name);

#endif
