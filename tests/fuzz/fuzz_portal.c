/*
 * fuzz_portal.c - libFuzzer target for what the public sends without an
 * account: the portal's submission body (portal_parse_submission, against a
 * two-service catalogue) and the Open311 form body (http_form_parse).  Any
 * bytes must be refused with a Chinese message naming valid UTF-8, or
 * accepted as a submission that keeps every rule (sizes, digits-only phone,
 * coordinates in range), and a tracking code must normalise only to the
 * alphabet.
 */
#include <stdint.h>
#include <string.h>

#include "domain/portal.h"
#include "http/form.h"
#include "jsonx.h"
#include "limits.h"
#include "mask.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct case_type *catalogue(struct services *svc)
{
    static struct cd_named cats[] = {{"general", "一般"}};
    static struct cd_field fields[] = {{.code = "reply_content", .name = "答复", .type = CD_TEXT}};
    static struct case_type type = {.code = "hotline",
                                    .name = "12345 工单",
                                    .categories = cats,
                                    .ncategories = 1,
                                    .fields = fields,
                                    .nfields = 1};
    static struct service v[] = {
        {.code = "101",
         .name = "咨询",
         .type = &type,
         .category = "general",
         .answer_field = "reply_content"},
        {.code = "zx-2",
         .name = "投诉",
         .type = &type,
         .category = "general",
         .answer_field = "reply_content"},
    };
    svc->v = v;
    svc->n = 2;
    return &type;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = {0};
    struct services svc;
    struct error err = {0};
    struct portal_submission s;
    catalogue(&svc);
    const char *text = (const char *)data;
    if (portal_parse_submission(text, size, &svc, &a, &s, &err) == 0) {
        size_t n = utf8_chars(s.content);
        if (!services_find(&svc, s.service) || s.village_id <= 0 ||
            n < ZW_PORTAL_CONTENT_MIN_CHARS || n > ZW_PORTAL_CONTENT_MAX_CHARS || !*s.name ||
            utf8_chars(s.name) > ZW_PORTAL_NAME_MAX_CHARS ||
            strspn(s.phone, "0123456789") != strlen(s.phone) ||
            strlen(s.phone) < ZW_PORTAL_PHONE_MIN_DIGITS ||
            (s.has_location && !(s.lat >= -90 && s.lat <= 90 && s.lon >= -180 && s.lon <= 180)))
            __builtin_trap();
    } else if (!jsonx_utf8_valid(err.message, strlen(err.message)) || !err.message[0]) {
        __builtin_trap();
    }
    struct http_form f;
    if (http_form_parse(&a, text, size, &f)) {
        if (f.n > ZW_MAX_FORM_PARAMS)
            __builtin_trap();
        for (size_t i = 0; i < f.n; i++)
            if (!f.names[i] || !f.values[i])
                __builtin_trap();
    }
    char code[16];
    char *z = arena_strndup(&a, text, size < 64 ? size : 64);
    if (portal_normalise_code(z, code) &&
        (strlen(code) != ZW_TRACKING_CODE_LEN ||
         strspn(code, "23456789ABCDEFGHJKMNPQRSTUVWXYZ") != ZW_TRACKING_CODE_LEN))
        __builtin_trap();
    arena_release(&a);
    return 0;
}
