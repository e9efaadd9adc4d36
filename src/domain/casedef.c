/* casedef.c - loading and checking case-type definitions; see casedef.h. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "buf.h"
#include "casedef.h"
#include "jsonx.h"
#include "mask.h"
#include "roles.h"
#include "banned.h"

#define CD_MAX_ITEMS  128 /* states, transitions, fields, clocks ... per type */
#define CD_MAX_AMOUNT 100000
#define CD_MAX_FILE   (1024 * 1024)

struct ctx {
    const char *file;
    struct arena *a;
    struct error *err;
    struct case_type *t;
};

static int fail(struct ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, const char *path, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    utf8_trim_end(msg);
    return err_set(c->err, ZW_EINVAL, NULL, "办件类型定义 %s：%s：%s", c->file, path, msg);
}

static const char *sub(struct ctx *c, const char *path, const char *key)
{
    return arena_printf(c->a, "%s.%s", path, key);
}

static const char *item(struct ctx *c, const char *path, size_t i)
{
    return arena_printf(c->a, "%s[%zu]", path, i);
}

/* obj must be an object whose keys are all in allowed (NULL-terminated). */
static int check_keys(struct ctx *c, json_t *obj, const char *path, const char *const *allowed)
{
    if (!json_is_object(obj))
        return fail(c, path, "应为对象");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i])
            return fail(c, path, "不认识的键“%.40s”", key);
    }
    return 0;
}

static int get_str(struct ctx *c, json_t *obj, const char *key, const char *path, bool required,
                   size_t max_chars, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v) {
        return required ? fail(c, sub(c, path, key), "缺少") : 0;
    }
    const char *s = json_string_value(v);
    if (!s || !*s)
        return fail(c, sub(c, path, key), "应为非空文本");
    if (utf8_chars(s) > max_chars)
        return fail(c, sub(c, path, key), "过长（最多 %zu 个字）", max_chars);
    *out = arena_strdup(c->a, s);
    return 0;
}

static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32 || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static int get_code(struct ctx *c, json_t *obj, const char *path, const char **out)
{
    int rc = get_str(c, obj, "code", path, true, 32, out);
    if (!rc && !code_ok(*out))
        rc = fail(c, sub(c, path, "code"), "代码应为小写字母开头的 a-z、0-9、_（最多 32 个）");
    return rc;
}

static int get_bool(struct ctx *c, json_t *obj, const char *key, const char *path, bool *out)
{
    json_t *v = json_object_get(obj, key);
    *out = false;
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return fail(c, sub(c, path, key), "应为 true 或 false");
    *out = json_is_true(v);
    return 0;
}

/* The array at key (required or may be absent), its size capped. */
static int get_array(struct ctx *c, json_t *obj, const char *key, const char *path, bool required,
                     json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = v;
    if (!v)
        return required ? fail(c, sub(c, path, key), "缺少") : 0;
    if (!json_is_array(v))
        return fail(c, sub(c, path, key), "应为数组");
    if (json_array_size(v) > CD_MAX_ITEMS)
        return fail(c, sub(c, path, key), "最多 %d 项", CD_MAX_ITEMS);
    return 0;
}

static int get_amount(struct ctx *c, json_t *v, const char *path, bool zero_ok,
                      struct cd_amount *out)
{
    static const char *const keys[] = {"amount", "unit", NULL};
    static const char *const units[] = {"minutes", "hours", "days", "workdays"};
    int rc = check_keys(c, v, path, keys);
    if (rc)
        return rc;
    json_t *amt = json_object_get(v, "amount");
    const char *unit = json_string_value(json_object_get(v, "unit"));
    if (!json_is_integer(amt) || json_integer_value(amt) < (zero_ok ? 0 : 1) ||
        json_integer_value(amt) > CD_MAX_AMOUNT)
        return fail(c, sub(c, path, "amount"), "应为 %d 至 %d 的整数", zero_ok ? 0 : 1,
                    CD_MAX_AMOUNT);
    for (int i = 0; i < 4; i++)
        if (unit && strcmp(unit, units[i]) == 0) {
            out->amount = (int)json_integer_value(amt);
            out->unit = i;
            return 0;
        }
    return fail(c, sub(c, path, "unit"), "单位应为 minutes、hours、days 或 workdays");
}

static int find_code(const void *base, size_t n, size_t stride, const char *code)
{
    for (size_t i = 0; i < n; i++) {
        const char *const *p = (const char *const *)((const char *)base + i * stride);
        if (strcmp(*p, code) == 0)
            return (int)i;
    }
    return -1;
}

#define FIND(arr, n, code) find_code((arr), (n), sizeof(*(arr)), (code))

static bool role_known(const char *r)
{
    if (strcmp(r, "assignee") == 0 || strcmp(r, "requester") == 0)
        return true;
    for (size_t i = 0; i < builtin_role_count; i++)
        if (strcmp(builtin_roles[i].code, r) == 0)
            return true;
    return false;
}

/* A list of role codes at key; required non-empty. */
static int get_roles(struct ctx *c, json_t *obj, const char *key, const char *path,
                     const char ***out, size_t *n)
{
    json_t *arr;
    int rc = get_array(c, obj, key, path, true, &arr);
    if (rc)
        return rc;
    *n = json_array_size(arr);
    if (!*n)
        return fail(c, sub(c, path, key), "至少需要一个角色");
    *out = arena_calloc(c->a, *n, sizeof(char *));
    for (size_t i = 0; i < *n; i++) {
        const char *r = json_string_value(json_array_get(arr, i));
        if (!r || !role_known(r))
            return fail(c, item(c, sub(c, path, key), i), "未知角色“%.40s”", r ? r : "");
        (*out)[i] = arena_strdup(c->a, r);
    }
    return 0;
}

/* Codes at key resolved to indexes by lookup; empty allowed unless required. */
static int get_refs(struct ctx *c, json_t *obj, const char *key, const char *path, bool required,
                    int (*lookup)(struct ctx *c, const char *code), const char *what, int **out,
                    size_t *n)
{
    json_t *arr;
    int rc = get_array(c, obj, key, path, false, &arr);
    *out = NULL;
    *n = 0;
    if (rc)
        return rc;
    if (!arr || !json_array_size(arr))
        return required ? fail(c, sub(c, path, key), "至少需要一项") : 0;
    *n = json_array_size(arr);
    *out = arena_calloc(c->a, *n, sizeof(int));
    for (size_t i = 0; i < *n; i++) {
        const char *code = json_string_value(json_array_get(arr, i));
        int idx = code ? lookup(c, code) : -100;
        if (idx == -100)
            return fail(c, item(c, sub(c, path, key), i), "未知%s“%.40s”", what, code ? code : "");
        (*out)[i] = idx;
    }
    return 0;
}

static int lookup_state(struct ctx *c, const char *code)
{
    int i = FIND(c->t->states, c->t->nstates, code);
    return i < 0 ? -100 : i;
}

static int lookup_transition(struct ctx *c, const char *code)
{
    int i = FIND(c->t->transitions, c->t->ntransitions, code);
    return i < 0 ? -100 : i;
}

static int lookup_clock(struct ctx *c, const char *code)
{
    int i = FIND(c->t->clocks, c->t->nclocks, code);
    return i < 0 ? -100 : i;
}

static int lookup_required(struct ctx *c, const char *code)
{
    if (strcmp(code, "comment") == 0)
        return CD_REQ_COMMENT;
    if (strcmp(code, "assignee") == 0)
        return CD_REQ_ASSIGNEE;
    int i = FIND(c->t->fields, c->t->nfields, code);
    return i < 0 ? -100 : i;
}

/* A list of {code, name} objects (categories, documents), codes unique. */
static int parse_named(struct ctx *c, json_t *root, const char *key, struct cd_named **out,
                       size_t *n)
{
    static const char *const keys[] = {"code", "name", NULL};
    json_t *arr;
    int rc = get_array(c, root, key, key, false, &arr);
    *out = NULL;
    *n = 0;
    if (rc || !arr)
        return rc;
    *n = json_array_size(arr);
    *out = arena_calloc(c->a, *n + 1, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        json_t *v = json_array_get(arr, i);
        const char *path = item(c, key, i);
        if ((rc = check_keys(c, v, path, keys)) || (rc = get_code(c, v, path, &(*out)[i].code)) ||
            (rc = get_str(c, v, "name", path, true, 64, &(*out)[i].name)))
            return rc;
        if (FIND(*out, i, (*out)[i].code) >= 0)
            return fail(c, path, "代码“%s”重复", (*out)[i].code);
    }
    return 0;
}

static int parse_fields(struct ctx *c, json_t *root)
{
    static const char *const keys[] = {"code", "name", "type", "max", "choices", NULL};
    static const char *const types[] = {"text",  "choice", "date", "integer",
                                        "money", "user",   "file"};
    json_t *arr;
    int rc = get_array(c, root, "fields", "fields", false, &arr);
    if (rc || !arr)
        return rc;
    struct case_type *t = c->t;
    t->nfields = json_array_size(arr);
    t->fields = arena_calloc(c->a, t->nfields + 1, sizeof(*t->fields));
    for (size_t i = 0; i < t->nfields; i++) {
        json_t *v = json_array_get(arr, i);
        struct cd_field *f = &t->fields[i];
        const char *path = item(c, "fields", i), *type;
        if ((rc = check_keys(c, v, path, keys)) || (rc = get_code(c, v, path, &f->code)) ||
            (rc = get_str(c, v, "name", path, true, 64, &f->name)) ||
            (rc = get_str(c, v, "type", path, true, 16, &type)))
            return rc;
        if (FIND(t->fields, i, f->code) >= 0 || strcmp(f->code, "comment") == 0 ||
            strcmp(f->code, "assignee") == 0)
            return fail(c, path, "字段代码“%s”重复或与内置字段同名", f->code);
        f->type = -1;
        for (int k = 0; k < 7; k++)
            if (strcmp(type, types[k]) == 0)
                f->type = k;
        if (f->type < 0)
            return fail(c, sub(c, path, "type"),
                        "类型应为 text、choice、date、integer、money、user 或 file");
        json_t *max = json_object_get(v, "max");
        f->max = 2000;
        if (max) {
            if (f->type != CD_TEXT || !json_is_integer(max) || json_integer_value(max) < 1 ||
                json_integer_value(max) > 100000)
                return fail(c, sub(c, path, "max"), "只有 text 字段可设 max（1 至 100000 字节）");
            f->max = (int)json_integer_value(max);
        }
        json_t *ch = json_object_get(v, "choices");
        if ((f->type == CD_CHOICE) != (ch != NULL))
            return fail(c, path, "choice 字段必须（且只有它能）列出 choices");
        if (ch) {
            if (!json_is_array(ch) || json_array_size(ch) < 2 || json_array_size(ch) > 32)
                return fail(c, sub(c, path, "choices"), "应为 2 至 32 个选项");
            f->nchoices = json_array_size(ch);
            f->choices = arena_calloc(c->a, f->nchoices, sizeof(char *));
            for (size_t k = 0; k < f->nchoices; k++) {
                const char *s = json_string_value(json_array_get(ch, k));
                if (!s || !*s || utf8_chars(s) > 32)
                    return fail(c, item(c, sub(c, path, "choices"), k), "选项应为 1 至 32 个字");
                f->choices[k] = arena_strdup(c->a, s);
            }
        }
    }
    return 0;
}

static int parse_states(struct ctx *c, json_t *root)
{
    static const char *const keys[] = {"code", "name", "initial", "final", "outcome", NULL};
    static const char *const outcomes[] = {"", "resolved", "unresolved", "rejected", "withdrawn"};
    json_t *arr;
    int rc = get_array(c, root, "states", "states", true, &arr);
    if (rc)
        return rc;
    struct case_type *t = c->t;
    t->nstates = json_array_size(arr);
    t->states = arena_calloc(c->a, t->nstates + 1, sizeof(*t->states));
    int initial = -1, finals = 0;
    for (size_t i = 0; i < t->nstates; i++) {
        json_t *v = json_array_get(arr, i);
        struct cd_state *s = &t->states[i];
        const char *path = item(c, "states", i), *outcome;
        if ((rc = check_keys(c, v, path, keys)) || (rc = get_code(c, v, path, &s->code)) ||
            (rc = get_str(c, v, "name", path, true, 32, &s->name)) ||
            (rc = get_bool(c, v, "initial", path, &s->initial)) ||
            (rc = get_bool(c, v, "final", path, &s->final)) ||
            (rc = get_str(c, v, "outcome", path, false, 16, &outcome)))
            return rc;
        if (FIND(t->states, i, s->code) >= 0)
            return fail(c, path, "状态代码“%s”重复", s->code);
        /* Reserved for repeats merged into another case, whatever their type. */
        if (strcmp(s->code, "merged") == 0)
            return fail(c, path, "状态代码“merged”为系统保留（合并的重复件），请换一个");
        if (s->initial) {
            if (initial >= 0)
                return fail(c, path, "只能有一个初始状态（已有“%s”）", t->states[initial].code);
            initial = (int)i;
        }
        if (s->initial && s->final)
            return fail(c, path, "初始状态不能同时是终结状态");
        finals += s->final;
        if (outcome) {
            if (!s->final)
                return fail(c, sub(c, path, "outcome"), "只有终结状态才有 outcome");
            for (int k = 1; k < 5; k++)
                if (strcmp(outcome, outcomes[k]) == 0)
                    s->outcome = k;
            if (!s->outcome)
                return fail(c, sub(c, path, "outcome"),
                            "应为 resolved、unresolved、rejected 或 withdrawn");
        } else if (s->final) {
            return fail(c, path, "终结状态必须写明 outcome（用于统计化解率等）");
        }
    }
    if (initial < 0)
        return fail(c, "states", "缺少初始状态（initial: true）");
    if (!finals)
        return fail(c, "states", "缺少终结状态（final: true）");
    t->initial = initial;
    return 0;
}

/* First pass: codes only, so clocks and transitions can refer to each other. */
static int collect_codes(struct ctx *c, json_t *root, const char *key, const char **codes, size_t n)
{
    json_t *arr = json_object_get(root, key);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        const char *path = item(c, key, i);
        int rc;
        if (!json_is_object(v))
            return fail(c, path, "应为对象");
        if ((rc = get_code(c, v, path, &codes[i])))
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(codes[k], codes[i]) == 0)
                return fail(c, path, "代码“%s”重复", codes[i]);
    }
    return 0;
}

/* "at_most": {"field": <integer or money field>, "max": n >= 0} of transition tr. */
static int parse_at_most(struct ctx *c, json_t *v, const char *path, struct cd_transition *tr)
{
    static const char *const keys[] = {"field", "max", NULL};
    struct case_type *t = c->t;
    tr->at_most_field = -1;
    tr->at_most = 0;
    json_t *am = json_object_get(v, "at_most");
    if (!am)
        return 0;
    const char *apath = sub(c, path, "at_most"), *code;
    int rc = check_keys(c, am, apath, keys);
    if (rc || (rc = get_str(c, am, "field", apath, true, 32, &code)))
        return rc;
    int fi = FIND(t->fields, t->nfields, code);
    if (fi < 0)
        return fail(c, sub(c, apath, "field"), "未知字段“%.40s”", code);
    if (t->fields[fi].type != CD_MONEY && t->fields[fi].type != CD_INTEGER)
        return fail(c, sub(c, apath, "field"), "字段“%s”应为 integer 或 money 类型", code);
    json_t *max = json_object_get(am, "max");
    if (!json_is_integer(max) || json_integer_value(max) < 0)
        return fail(c, sub(c, apath, "max"), "应为不小于 0 的整数（money 以分计）");
    tr->at_most_field = fi;
    tr->at_most = json_integer_value(max);
    return 0;
}

/*
 * "max_times": n, "after": {"transition", "times"}, "within": "<clock>",
 * "after_clock": "<clock>", "at_most" of transition i (see docs/case-types.md, "Guards").
 */
static int parse_guards(struct ctx *c, json_t *v, const char *path, size_t i,
                        const char *const *after_keys)
{
    struct case_type *t = c->t;
    struct cd_transition *tr = &t->transitions[i];
    tr->max_times = 0;
    tr->after = -1;
    tr->after_times = 0;
    tr->within = -1;
    tr->after_clock = -1;
    json_t *mt = json_object_get(v, "max_times");
    if (mt) {
        if (!json_is_integer(mt) || json_integer_value(mt) < 1 || json_integer_value(mt) > 99)
            return fail(c, sub(c, path, "max_times"), "应为 1 至 99 的整数");
        tr->max_times = (int)json_integer_value(mt);
    }
    json_t *af = json_object_get(v, "after");
    if (af) {
        const char *apath = sub(c, path, "after"), *code;
        int rc = check_keys(c, af, apath, after_keys);
        if (rc || (rc = get_str(c, af, "transition", apath, true, 32, &code)))
            return rc;
        if ((tr->after = FIND(t->transitions, t->ntransitions, code)) < 0)
            return fail(c, sub(c, apath, "transition"), "未知流转“%.40s”", code);
        if ((size_t)tr->after == i)
            return fail(c, sub(c, apath, "transition"), "不能以自身为前提");
        json_t *times = json_object_get(af, "times");
        if (!json_is_integer(times) || json_integer_value(times) < 1 ||
            json_integer_value(times) > 99)
            return fail(c, sub(c, apath, "times"), "应为 1 至 99 的整数");
        tr->after_times = (int)json_integer_value(times);
    }
    const char *within;
    int rc = get_str(c, v, "within", path, false, 32, &within);
    if (rc)
        return rc;
    if (within && (tr->within = FIND(t->clocks, t->nclocks, within)) < 0)
        return fail(c, sub(c, path, "within"), "未知计时“%.40s”", within);
    const char *waits;
    if ((rc = get_str(c, v, "after_clock", path, false, 32, &waits)))
        return rc;
    if (waits && (tr->after_clock = FIND(t->clocks, t->nclocks, waits)) < 0)
        return fail(c, sub(c, path, "after_clock"), "未知计时“%.40s”", waits);
    if (waits && tr->after_clock == tr->within)
        return fail(c, sub(c, path, "after_clock"), "同一计时“%s”不能既是 within 又是 after_clock",
                    waits);
    return parse_at_most(c, v, path, tr);
}

static int parse_transitions(struct ctx *c, json_t *root)
{
    static const char *const keys[] = {"code",     "name",        "from",    "to",     "roles",
                                       "requires", "document",    "extends", "pauses", "resumes",
                                       "reopens",  "max_times",   "after",   "within", "rework",
                                       "accepts",  "after_clock", "at_most", NULL};
    static const char *const after_keys[] = {"transition", "times", NULL};
    struct case_type *t = c->t;
    json_t *arr = json_object_get(root, "transitions");
    int rc;
    for (size_t i = 0; i < t->ntransitions; i++) {
        json_t *v = json_array_get(arr, i);
        struct cd_transition *tr = &t->transitions[i];
        const char *path = item(c, "transitions", i), *to, *doc, *ext;
        if ((rc = check_keys(c, v, path, keys)) ||
            (rc = get_str(c, v, "name", path, true, 32, &tr->name)) ||
            (rc =
                 get_refs(c, v, "from", path, true, lookup_state, "状态", &tr->from, &tr->nfrom)) ||
            (rc = get_str(c, v, "to", path, true, 32, &to)) ||
            (rc = get_roles(c, v, "roles", path, &tr->roles, &tr->nroles)) ||
            (rc = get_refs(c, v, "requires", path, false, lookup_required, "字段", &tr->requires,
                           &tr->nrequires)) ||
            (rc = get_str(c, v, "document", path, false, 32, &doc)) ||
            (rc = get_str(c, v, "extends", path, false, 32, &ext)) ||
            (rc = get_refs(c, v, "pauses", path, false, lookup_clock, "计时", &tr->pauses,
                           &tr->npauses)) ||
            (rc = get_refs(c, v, "resumes", path, false, lookup_clock, "计时", &tr->resumes,
                           &tr->nresumes)) ||
            (rc = get_bool(c, v, "reopens", path, &tr->reopens)) ||
            (rc = get_bool(c, v, "rework", path, &tr->rework)) ||
            (rc = get_bool(c, v, "accepts", path, &tr->accepts)))
            return rc;
        if ((tr->to = FIND(t->states, t->nstates, to)) < 0)
            return fail(c, sub(c, path, "to"), "未知状态“%.40s”", to);
        bool from_final = false;
        for (size_t k = 0; k < tr->nfrom; k++)
            from_final |= t->states[tr->from[k]].final;
        if (from_final && !tr->reopens)
            return fail(c, path, "从终结状态出发的流转必须标明 reopens: true");
        if (tr->reopens && !from_final)
            return fail(c, path, "reopens 只用于从终结状态重新打开办件");
        tr->document = -1;
        if (doc && (tr->document = FIND(t->documents, t->ndocuments, doc)) < 0)
            return fail(c, sub(c, path, "document"), "未声明的文书“%.40s”", doc);
        tr->extends = -1;
        if (ext && (tr->extends = FIND(t->clocks, t->nclocks, ext)) < 0)
            return fail(c, sub(c, path, "extends"), "未知计时“%.40s”", ext);
        if ((rc = parse_guards(c, v, path, i, after_keys)))
            return rc;
    }
    /* An "after" that can never be met (its transition is capped below the count). */
    for (size_t i = 0; i < t->ntransitions; i++) {
        const struct cd_transition *tr = &t->transitions[i];
        int cap = tr->after >= 0 ? t->transitions[tr->after].max_times : 0;
        if (cap && cap < tr->after_times)
            return fail(c, sub(c, item(c, "transitions", i), "after"),
                        "“%s”最多 %d 次，永远达不到 %d 次", t->transitions[tr->after].code, cap,
                        tr->after_times);
    }
    return 0;
}

/* "satisfaction": {"field": choice field, "satisfied": [values of its choices]}. */
static int parse_satisfaction(struct ctx *c, json_t *root)
{
    static const char *const keys[] = {"field", "satisfied", NULL};
    struct case_type *t = c->t;
    t->satisfaction_field = -1;
    json_t *v = json_object_get(root, "satisfaction");
    if (!v)
        return 0;
    const char *code;
    json_t *arr;
    int rc;
    if ((rc = check_keys(c, v, "satisfaction", keys)) ||
        (rc = get_str(c, v, "field", "satisfaction", true, 32, &code)) ||
        (rc = get_array(c, v, "satisfied", "satisfaction", true, &arr)))
        return rc;
    int fi = FIND(t->fields, t->nfields, code);
    if (fi < 0 || t->fields[fi].type != CD_CHOICE)
        return fail(c, "satisfaction.field", "“%.40s”应为本类型的选项字段", code);
    if (!json_array_size(arr))
        return fail(c, "satisfaction.satisfied", "至少需要一项");
    const struct cd_field *f = &t->fields[fi];
    t->nsatisfied = json_array_size(arr);
    t->satisfied = arena_calloc(c->a, t->nsatisfied, sizeof(char *));
    for (size_t i = 0; i < t->nsatisfied; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        bool known = false;
        for (size_t k = 0; s && k < f->nchoices; k++)
            known |= strcmp(f->choices[k], s) == 0;
        if (!known)
            return fail(c, item(c, "satisfaction.satisfied", i), "“%.40s”不是“%s”的选项",
                        s ? s : "", f->name);
        t->satisfied[i] = arena_strdup(c->a, s);
    }
    t->satisfaction_field = fi;
    return 0;
}

/* obj's optional "due_field": a date field of the type, as an index (-1 when absent). */
static int get_date_field(struct ctx *c, json_t *obj, const char *path, int *out)
{
    const char *code;
    *out = -1;
    if (!obj)
        return 0;
    int rc = get_str(c, obj, "due_field", path, false, 32, &code);
    if (rc || !code)
        return rc;
    int i = FIND(c->t->fields, c->t->nfields, code);
    if (i < 0)
        return fail(c, sub(c, path, "due_field"), "未知字段“%.40s”", code);
    if (c->t->fields[i].type != CD_DATE)
        return fail(c, sub(c, path, "due_field"), "“%s”应为日期字段", code);
    *out = i;
    return 0;
}

static int parse_clocks(struct ctx *c, json_t *root)
{
    static const char *const keys[] = {"code",     "name",      "starts", "stops",
                                       "limit",    "limits",    "warn",   "extension",
                                       "escalate", "due_field", NULL};
    static const char *const ext_keys[] = {"amount", "unit", "max", "due_field", NULL};
    static const char *const esc_keys[] = {"after", "level", "notify", NULL};
    struct case_type *t = c->t;
    json_t *arr = json_object_get(root, "clocks");
    int rc;
    for (size_t i = 0; i < t->nclocks; i++) {
        json_t *v = json_array_get(arr, i);
        struct cd_clock *k = &t->clocks[i];
        const char *path = item(c, "clocks", i), *starts;
        if ((rc = check_keys(c, v, path, keys)) ||
            (rc = get_str(c, v, "name", path, true, 32, &k->name)) ||
            (rc = get_str(c, v, "starts", path, true, 32, &starts)) ||
            (rc = get_refs(c, v, "stops", path, true, lookup_transition, "流转", &k->stops,
                           &k->nstops)))
            return rc;
        k->starts = strcmp(starts, "create") == 0 ? CD_START_CREATE
                                                  : FIND(t->transitions, t->ntransitions, starts);
        if (k->starts == -1 && strcmp(starts, "create") != 0)
            return fail(c, sub(c, path, "starts"), "应为 create 或已定义的流转，而不是“%.40s”",
                        starts);
        json_t *limit = json_object_get(v, "limit"), *limits = json_object_get(v, "limits");
        if ((limit != NULL) == (limits != NULL))
            return fail(c, path, "limit 与 limits 必须且只能有一个");
        if (limit && (rc = get_amount(c, limit, sub(c, path, "limit"), false, &k->limit)))
            return rc;
        if (limits) {
            if (!t->ncategories)
                return fail(c, sub(c, path, "limits"), "按类别设期限需要先定义 categories");
            if (!json_is_object(limits) || json_object_size(limits) != t->ncategories)
                return fail(c, sub(c, path, "limits"), "应为每个类别各给一个期限");
            k->by_category = true;
            k->limits = arena_calloc(c->a, t->ncategories, sizeof(*k->limits));
            for (size_t n = 0; n < t->ncategories; n++) {
                json_t *one = json_object_get(limits, t->categories[n].code);
                const char *p = sub(c, sub(c, path, "limits"), t->categories[n].code);
                if (!one)
                    return fail(c, p, "缺少类别“%s”的期限", t->categories[n].code);
                if ((rc = get_amount(c, one, p, false, &k->limits[n])))
                    return rc;
            }
        }
        json_t *warn = json_object_get(v, "warn");
        if (warn && (rc = get_amount(c, warn, sub(c, path, "warn"), false, &k->warn)))
            return rc;
        k->has_warn = warn != NULL;
        json_t *ext = json_object_get(v, "extension");
        if (ext) {
            json_t *amt = json_pack("{s:O, s:O}", "amount", json_object_get(ext, "amount"), "unit",
                                    json_object_get(ext, "unit"));
            json_t *max = json_object_get(ext, "max");
            rc = check_keys(c, ext, sub(c, path, "extension"), ext_keys);
            if (!rc && !amt)
                rc = fail(c, sub(c, path, "extension"), "需要 amount、unit 和 max");
            if (!rc)
                rc = get_amount(c, amt, sub(c, path, "extension"), false, &k->extension);
            json_decref(amt);
            if (rc)
                return rc;
            if (!json_is_integer(max) || json_integer_value(max) < 1 ||
                json_integer_value(max) > 10)
                return fail(c, sub(c, sub(c, path, "extension"), "max"), "应为 1 至 10 的整数");
            k->has_extension = true;
            k->extension_max = (int)json_integer_value(max);
        }
        if ((rc = get_date_field(c, v, path, &k->due_field)) ||
            (rc = get_date_field(c, ext, sub(c, path, "extension"), &k->extension_due_field)))
            return rc;
        json_t *esc;
        if ((rc = get_array(c, v, "escalate", path, false, &esc)))
            return rc;
        k->nescalate = esc ? json_array_size(esc) : 0;
        k->escalate = arena_calloc(c->a, k->nescalate + 1, sizeof(*k->escalate));
        for (size_t n = 0; n < k->nescalate; n++) {
            json_t *e = json_array_get(esc, n);
            struct cd_escalation *x = &k->escalate[n];
            const char *p = item(c, sub(c, path, "escalate"), n);
            json_t *level = json_object_get(e, "level");
            if ((rc = check_keys(c, e, p, esc_keys)))
                return rc;
            if (!json_object_get(e, "after"))
                return fail(c, p, "缺少 after");
            if ((rc = get_amount(c, json_object_get(e, "after"), sub(c, p, "after"), true,
                                 &x->after)) ||
                (rc = get_roles(c, e, "notify", p, &x->notify, &x->nnotify)))
                return rc;
            if (!json_is_integer(level) || json_integer_value(level) < 1 ||
                json_integer_value(level) > 9)
                return fail(c, sub(c, p, "level"), "应为 1 至 9 的整数");
            x->level = (int)json_integer_value(level);
            if (n && x->level <= k->escalate[n - 1].level)
                return fail(c, sub(c, p, "level"), "督办级别应逐级升高");
        }
    }
    /* Extensions need a clock that allows them, and a clock that allows them needs a way. */
    for (size_t i = 0; i < t->ntransitions; i++) {
        int e = t->transitions[i].extends;
        if (e >= 0 && !t->clocks[e].has_extension)
            return fail(c, item(c, "transitions", i), "延期的计时“%s”没有 extension 设置",
                        t->clocks[e].code);
    }
    return 0;
}

/* Every state reachable from the initial one; a final state reachable from every state. */
static int check_graph(struct ctx *c)
{
    struct case_type *t = c->t;
    bool *fwd = arena_calloc(c->a, t->nstates, sizeof(bool));
    bool *back = arena_calloc(c->a, t->nstates, sizeof(bool));
    fwd[t->initial] = true;
    for (size_t i = 0; i < t->nstates; i++)
        back[i] = t->states[i].final;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < t->ntransitions; i++) {
            const struct cd_transition *tr = &t->transitions[i];
            for (size_t k = 0; k < tr->nfrom; k++) {
                if (fwd[tr->from[k]] && !fwd[tr->to])
                    fwd[tr->to] = changed = true;
                if (back[tr->to] && !back[tr->from[k]])
                    back[tr->from[k]] = changed = true;
            }
        }
    }
    for (size_t i = 0; i < t->nstates; i++) {
        if (!fwd[i])
            return fail(c, item(c, "states", i), "状态“%s”从初始状态无法到达", t->states[i].code);
        if (!back[i])
            return fail(c, item(c, "states", i), "从状态“%s”无法到达任何终结状态",
                        t->states[i].code);
    }
    return 0;
}

int casedef_parse(const char *name, const char *text, size_t len, struct arena *a,
                  struct case_type *out, struct error *err)
{
    static const char *const keys[] = {"code",       "name",      "serial",       "basis",
                                       "categories", "fields",    "states",       "transitions",
                                       "clocks",     "documents", "satisfaction", NULL};
    struct ctx c = {.file = name, .a = a, .err = err, .t = out};
    memset(out, 0, sizeof(*out));
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        char why[JSON_ERROR_TEXT_LENGTH];
        jsonx_error_text(&je, why);
        return err_set(err, ZW_EJSON, NULL, "办件类型定义 %s 第 %d 行不是有效的 JSON：%s", name,
                       je.line, why);
    }
    json_t *tr, *cl;
    int rc;
    if ((rc = check_keys(&c, root, "(根)", keys)) ||
        (rc = get_code(&c, root, "(根)", &out->code)) ||
        (rc = get_str(&c, root, "name", "(根)", true, 32, &out->name)) ||
        (rc = get_str(&c, root, "serial", "(根)", true, 64, &out->serial)) ||
        (rc = get_str(&c, root, "basis", "(根)", false, 200, &out->basis)) ||
        (rc = parse_named(&c, root, "categories", &out->categories, &out->ncategories)) ||
        (rc = parse_named(&c, root, "documents", &out->documents, &out->ndocuments)) ||
        (rc = parse_fields(&c, root)) || (rc = parse_satisfaction(&c, root)) ||
        (rc = parse_states(&c, root)) ||
        (rc = get_array(&c, root, "transitions", "(根)", true, &tr)) ||
        (rc = get_array(&c, root, "clocks", "(根)", false, &cl)))
        goto out;
    if (!strstr(out->serial, "{n}")) {
        rc = fail(&c, "serial", "编号格式必须含 {n}");
        goto out;
    }
    out->ntransitions = json_array_size(tr);
    out->nclocks = cl ? json_array_size(cl) : 0;
    if (!out->ntransitions) {
        rc = fail(&c, "transitions", "至少需要一个流转");
        goto out;
    }
    out->transitions = arena_calloc(a, out->ntransitions, sizeof(*out->transitions));
    out->clocks = arena_calloc(a, out->nclocks + 1, sizeof(*out->clocks));
    const char **tcodes = arena_calloc(a, out->ntransitions, sizeof(char *));
    const char **ccodes = arena_calloc(a, out->nclocks + 1, sizeof(char *));
    if ((rc = collect_codes(&c, root, "transitions", tcodes, out->ntransitions)) ||
        (rc = collect_codes(&c, root, "clocks", ccodes, out->nclocks)))
        goto out;
    for (size_t i = 0; i < out->ntransitions; i++)
        out->transitions[i].code = tcodes[i];
    for (size_t i = 0; i < out->nclocks; i++)
        out->clocks[i].code = ccodes[i];
    if ((rc = parse_transitions(&c, root)) || (rc = parse_clocks(&c, root)) ||
        (rc = check_graph(&c)))
        goto out;
out:
    json_decref(root);
    return rc;
}

int casedef_load_dir(const char *dir, struct arena *a, struct case_types *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* no procedures defined yet */
    struct dirent *e;
    char *names[CD_MAX_ITEMS];
    size_t n = 0;
    while ((e = readdir(d)) && n < CD_MAX_ITEMS) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = arena_strdup(a, e->d_name);
    }
    closedir(d);
    /* Name order, so every start loads them alike. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            char *tmp = names[k];
            names[k] = names[k - 1];
            names[k - 1] = tmp;
        }
    out->v = arena_calloc(a, n + 1, sizeof(*out->v));
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        struct buf b = {.max = CD_MAX_FILE};
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        int rc = buf_read_file(&b, path);
        if (rc) {
            buf_release(&b);
            return err_set(err, rc == ZW_ENOTFOUND ? ZW_EIO : rc, NULL, "无法读取办件类型定义 %s",
                           path);
        }
        rc = casedef_parse(names[i], b.ptr ? b.ptr : "", b.len, a, &out->v[out->n], err);
        buf_release(&b);
        if (rc)
            return rc;
        size_t clen = strlen(out->v[out->n].code);
        if (strlen(names[i]) != clen + 5 || strncmp(names[i], out->v[out->n].code, clen) != 0)
            return err_set(err, ZW_EINVAL, NULL, "办件类型定义 %s：文件名应为 %s.json", names[i],
                           out->v[out->n].code);
        out->n++;
    }
    return 0;
}

const struct case_type *casedef_find(const struct case_types *types, const char *code)
{
    for (size_t i = 0; i < types->n; i++)
        if (strcmp(types->v[i].code, code) == 0)
            return &types->v[i];
    return NULL;
}

int casedef_state(const struct case_type *t, const char *code)
{
    return FIND(t->states, t->nstates, code);
}

int casedef_transition(const struct case_type *t, const char *code)
{
    return FIND(t->transitions, t->ntransitions, code);
}
