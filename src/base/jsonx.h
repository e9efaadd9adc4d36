/*
 * jsonx.h - JSON helpers over jansson: parsing request bodies within limits
 * and strict, table-driven unpacking of objects.
 *
 * Strict means: a key the table does not name is refused (unknown_field), a
 * value of the wrong type is refused (invalid_input naming the field), a
 * required key that is missing is refused.  Error messages are Chinese and
 * name the field, so the UI can show them next to the input.
 */
#ifndef ZW_JSONX_H
#define ZW_JSONX_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "arena.h"
#include "error.h"

/*
 * Parses body[0..len) as one JSON object.  Refuses invalid UTF-8
 * (invalid_utf8), nesting deeper than ZW_MAX_JSON_DEPTH, duplicate keys, any
 * top-level value that is not an object, and trailing garbage (bad_json).
 * On success *out is a new reference the caller must json_decref.
 */
int jsonx_parse_object(const char *body, size_t len, json_t **out, struct error *err);

/* true if s[0..len) is well-formed UTF-8 with no NUL and no surrogates. */
bool jsonx_utf8_valid(const char *s, size_t len);
/*
 * jansson's error text (je.text) made safe for a message: it quotes the bytes
 * near the error, which may be half a character; bytes above ASCII become '?'.
 */
void jsonx_error_text(const json_error_t *je, char out[JSON_ERROR_TEXT_LENGTH]);

enum jf_type {
    JF_STRING, /* out: const char ** borrowed from the json_t; max_len in bytes, min_len */
    JF_INT,    /* out: int64_t *; min/max inclusive */
    JF_BOOL,   /* out: int * (0 or 1) */
    JF_IDS,    /* array of positive integers; out: struct jf_ids * (arena-owned) */
    JF_ANY,    /* out: json_t ** borrowed */
};

struct jf_ids {
    int64_t *v;
    size_t n;
};

struct jfield {
    const char *name;
    enum jf_type type;
    bool required;
    void *out;
    bool *present;     /* optional: set true when the key was given (PATCH) */
    int64_t min, max;  /* JF_INT bounds; JF_STRING byte lengths (max 0 = ZW_MAX_STRING_BYTES) */
    bool nullable;     /* JSON null accepted: string out set NULL, *present true */
    const char *label; /* Chinese name used in messages, e.g. "用户名" */
};

/*
 * Unpacks obj against fields[0..n).  Returns 0 or a negative code with err
 * naming the first field at fault.  Outputs of absent optional fields are
 * left untouched.
 */
int jsonx_unpack(json_t *obj, const struct jfield *fields, size_t n, struct arena *a,
                 struct error *err);

/* Serialises v compactly into arena memory; *len gets the byte count. */
char *jsonx_dump(struct arena *a, const json_t *v, size_t *len);

/* json_string() of an instant as ISO 8601 with +08:00 offset, or json_null() for 0. */
json_t *jsonx_time(int64_t epoch);
/* Formats an instant as "2026-11-23T12:34:56+08:00"; dst must hold 32 bytes. */
void jsonx_format_time(int64_t epoch, char dst[32]);
/* Parses ISO 8601 "YYYY-MM-DD" (local midnight) or "YYYY-MM-DDTHH:MM:SS(Z|+HH:MM)". */
int jsonx_parse_time(const char *s, int64_t *epoch);

#endif
