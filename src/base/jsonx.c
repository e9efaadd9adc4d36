/* jsonx.c - request-body parsing and strict unpacking; see jsonx.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "jsonx.h"
#include "limits.h"
#include "log.h"
#include "banned.h"

void jsonx_error_text(const json_error_t *je, char out[JSON_ERROR_TEXT_LENGTH])
{
    size_t k = 0;
    for (const char *p = je->text; *p && k + 1 < JSON_ERROR_TEXT_LENGTH; p++)
        out[k++] = (unsigned char)*p < 0x80 ? *p : '?';
    out[k] = '\0';
}

bool jsonx_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

/* Deepest nesting of arrays/objects outside strings. */
static int json_depth(const char *s, size_t len)
{
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                max = depth;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return max;
}

int jsonx_parse_object(const char *body, size_t len, json_t **out, struct error *err)
{
    *out = NULL;
    if (len == 0)
        return err_set(err, ZW_EJSON, NULL, "请求内容为空，需要一个 JSON 对象");
    if (!jsonx_utf8_valid(body, len))
        return err_set(err, ZW_EUTF8, NULL, NULL);
    if (json_depth(body, len) > ZW_MAX_JSON_DEPTH)
        return err_set(err, ZW_EJSON, NULL, "JSON 嵌套层数超过 %d 层", ZW_MAX_JSON_DEPTH);
    json_error_t jerr;
    json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        err_set(err, ZW_EJSON, NULL, "请求内容不是有效的 JSON（第 %d 行第 %d 列）", jerr.line,
                jerr.column);
        return err_detail(err, "json: %s", jerr.text);
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return err_set(err, ZW_EJSON, NULL, "请求内容必须是一个 JSON 对象");
    }
    *out = v;
    return 0;
}

/* Bytes of the longest prefix of UTF-8 s that has at most max bytes and ends on a character. */
static int utf8_prefix(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

static const char *jf_label(const struct jfield *f)
{
    return f->label ? f->label : f->name;
}

static int jf_one(const struct jfield *f, json_t *v, struct arena *a, struct error *err)
{
    if (json_is_null(v)) {
        if (!f->nullable)
            return err_set(err, ZW_EINVAL, f->name, "“%s”不能为空", jf_label(f));
        if (f->type == JF_STRING)
            *(const char **)f->out = NULL;
        else if (f->type == JF_ANY)
            *(json_t **)f->out = v;
        return 0;
    }
    switch (f->type) {
    case JF_STRING: {
        if (!json_is_string(v))
            return err_set(err, ZW_EINVAL, f->name, "“%s”应为文本", jf_label(f));
        size_t len = json_string_length(v);
        size_t max = f->max ? (size_t)f->max : ZW_MAX_STRING_BYTES;
        if (len > max)
            return err_set(err, ZW_EINVAL, f->name, "“%s”过长（最多 %zu 字节）", jf_label(f), max);
        if (len < (size_t)f->min)
            return err_set(err, ZW_EINVAL, f->name, "“%s”过短（至少 %lld 个字符）", jf_label(f),
                           (long long)f->min);
        if (memchr(json_string_value(v), '\0', len))
            return err_set(err, ZW_EINVAL, f->name, "“%s”含有无效字符", jf_label(f));
        *(const char **)f->out = json_string_value(v);
        return 0;
    }
    case JF_INT: {
        if (!json_is_integer(v))
            return err_set(err, ZW_EINVAL, f->name, "“%s”应为整数", jf_label(f));
        json_int_t x = json_integer_value(v);
        if ((f->min || f->max) && (x < f->min || x > f->max))
            return err_set(err, ZW_EINVAL, f->name, "“%s”超出范围（%lld 至 %lld）", jf_label(f),
                           (long long)f->min, (long long)f->max);
        *(int64_t *)f->out = x;
        return 0;
    }
    case JF_BOOL:
        if (!json_is_boolean(v))
            return err_set(err, ZW_EINVAL, f->name, "“%s”应为 true 或 false", jf_label(f));
        *(int *)f->out = json_is_true(v);
        return 0;
    case JF_IDS: {
        if (!json_is_array(v))
            return err_set(err, ZW_EINVAL, f->name, "“%s”应为编号列表", jf_label(f));
        size_t n = json_array_size(v);
        size_t max = f->max ? (size_t)f->max : 256;
        if (n > max)
            return err_set(err, ZW_EINVAL, f->name, "“%s”最多 %zu 项", jf_label(f), max);
        struct jf_ids *ids = f->out;
        ids->v = arena_calloc(a, n ? n : 1, sizeof(int64_t));
        ids->n = n;
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(v, i);
            if (!json_is_integer(e) || json_integer_value(e) <= 0)
                return err_set(err, ZW_EINVAL, f->name, "“%s”应为正整数编号列表", jf_label(f));
            ids->v[i] = json_integer_value(e);
        }
        return 0;
    }
    case JF_ANY:
        *(json_t **)f->out = v;
        return 0;
    }
    return err_set(err, ZW_EINTERNAL, f->name, NULL);
}

int jsonx_unpack(json_t *obj, const struct jfield *fields, size_t n, struct arena *a,
                 struct error *err)
{
    if (!json_is_object(obj))
        return err_set(err, ZW_EJSON, NULL, "请求内容必须是一个 JSON 对象");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        size_t i;
        for (i = 0; i < n; i++)
            if (strcmp(fields[i].name, key) == 0)
                break;
        if (i == n) {
            err_set(err, ZW_EUNKNOWNFIELD, key, "不认识的字段“%.*s”", utf8_prefix(key, 64), key);
            return err->code;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct jfield *f = &fields[i];
        v = json_object_get(obj, f->name);
        if (!v) {
            if (f->required)
                return err_set(err, ZW_EINVAL, f->name, "缺少必填项“%s”", jf_label(f));
            continue;
        }
        int rc = jf_one(f, v, a, err);
        if (rc)
            return rc;
        if (f->present)
            *f->present = true;
    }
    return 0;
}

char *jsonx_dump(struct arena *a, const json_t *v, size_t *len)
{
    /* One serialisation pass (json_dumpb would need two: size, then text). */
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        log_fatal("jsonx: cannot serialise");
    size_t n = strlen(text);
    char *p = arena_strndup(a, text, n);
    free(text);
    if (len)
        *len = n;
    return p;
}

void jsonx_format_time(int64_t epoch, char dst[32])
{
    time_t t = (time_t)(epoch + CAL_TZ_OFFSET_S);
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[96];
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d+08:00", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    snprintf(dst, 32, "%.31s", tmp);
}

json_t *jsonx_time(int64_t epoch)
{
    if (epoch == 0)
        return json_null();
    char s[32];
    jsonx_format_time(epoch, s);
    return json_string(s);
}

int jsonx_parse_time(const char *s, int64_t *epoch)
{
    int ymd;
    char date[11];
    size_t len = strlen(s);
    if (len < 10)
        return ZW_EINVAL;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (cal_parse_date(date, &ymd))
        return ZW_EINVAL;
    if (len == 10) {
        *epoch = cal_local_midnight(ymd);
        return 0;
    }
    /* Exactly "THH:MM:SS" then "Z" or "+HH:MM" / "-HH:MM", nothing after. */
    if (len < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return ZW_EINVAL;
    int hh = cal_digits(s + 11, 2), mm = cal_digits(s + 14, 2), ss = cal_digits(s + 17, 2);
    if (hh < 0 || mm < 0 || ss < 0 || hh > 23 || mm > 59 || ss > 59)
        return ZW_EINVAL;
    const char *tz = s + 19;
    int off;
    if (strcmp(tz, "Z") == 0) {
        off = 0;
    } else {
        if (strlen(tz) != 6 || (tz[0] != '+' && tz[0] != '-') || tz[3] != ':')
            return ZW_EINVAL;
        int oh = cal_digits(tz + 1, 2), om = cal_digits(tz + 4, 2);
        if (oh < 0 || om < 0 || oh > 14 || om > 59)
            return ZW_EINVAL;
        off = (oh * 3600 + om * 60) * (tz[0] == '-' ? -1 : 1);
    }
    *epoch = cal_local_midnight(ymd) + CAL_TZ_OFFSET_S + hh * 3600 + mm * 60 + ss - off;
    return 0;
}
