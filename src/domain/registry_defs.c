/* registry_defs.c - loading and checking defs/registry.json; see registry.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "jsonx.h"
#include "banned.h"

static int fail(struct error *err, const char *where, const char *msg)
{
    return err_set(err, ZW_EINVAL, NULL, "registry.json：%s：%s", where, msg);
}

/* Reads an array of {code, name} into t (the strings stay owned by the parsed root). */
static int table(json_t *arr, const char *where, struct reg_table *t, struct error *err)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return fail(err, where, "应为非空数组");
    t->n = json_array_size(arr);
    t->v = calloc(t->n, sizeof(*t->v));
    if (!t->v)
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    for (size_t i = 0; i < t->n; i++) {
        json_t *x = json_array_get(arr, i);
        const char *code = json_string_value(json_object_get(x, "code"));
        const char *name = json_string_value(json_object_get(x, "name"));
        if (!code || !*code || !name || !*name || strlen(code) > 32)
            return fail(err, where, "每项须有 code 和 name");
        for (size_t k = 0; k < i; k++)
            if (strcmp(t->v[k].code, code) == 0)
                return fail(err, where, "代码重复");
        t->v[i].code = code;
        t->v[i].name = name;
    }
    return 0;
}

static int strings(json_t *arr, const char *where, const char ***out, size_t *n, struct error *err)
{
    if (!json_is_array(arr))
        return fail(err, where, "应为字符串数组");
    *n = json_array_size(arr);
    *out = calloc(*n ? *n : 1, sizeof(**out));
    if (!*out)
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    for (size_t i = 0; i < *n; i++)
        if (!((*out)[i] = json_string_value(json_array_get(arr, i))))
            return fail(err, where, "应为字符串数组");
    return 0;
}

static int positive(json_t *obj, const char *key, int *out, struct error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) <= 0 || json_integer_value(v) > 100000)
        return fail(err, key, "应为正整数");
    *out = (int)json_integer_value(v);
    return 0;
}

int registry_load(const char *defs_dir, struct registry_defs **out, struct error *err)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/registry.json", defs_dir);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        char why[JSON_ERROR_TEXT_LENGTH];
        jsonx_error_text(&je, why);
        return err_set(err, ZW_EINVAL, NULL, "无法读取 %s：第 %d 行：%s", path, je.line, why);
    }
    struct registry_defs *d = calloc(1, sizeof(*d));
    if (!d) {
        json_decref(root);
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    }
    d->root = root;
    json_t *g = json_object_get(root, "guarantees"), *m = json_object_get(root, "monitoring");
    json_t *w = json_object_get(g, "water"), *age = json_object_get(g, "compulsoryAge");
    int rc;
    if ((rc = table(json_object_get(root, "categories"), "categories", &d->categories, err)) ||
        (rc = table(json_object_get(root, "relations"), "relations", &d->relations, err)) ||
        (rc = table(json_object_get(root, "labour"), "labour", &d->labour, err)) ||
        (rc = table(json_object_get(root, "disability"), "disability", &d->disability, err)) ||
        (rc = table(json_object_get(root, "schooling"), "schooling", &d->schooling, err)) ||
        (rc = table(json_object_get(root, "health"), "health", &d->health, err)) ||
        (rc = table(json_object_get(root, "work"), "work", &d->work, err)) ||
        (rc = table(json_object_get(root, "joinReasons"), "joinReasons", &d->join_reasons, err)) ||
        (rc = table(json_object_get(root, "leaveReasons"), "leaveReasons", &d->leave_reasons,
                    err)) ||
        (rc = table(json_object_get(g, "kinds"), "guarantees.kinds", &d->guarantee_kinds, err)) ||
        (rc = table(json_object_get(m, "categories"), "monitoring.categories",
                    &d->monitor_categories, err)) ||
        (rc = table(json_object_get(m, "risks"), "monitoring.risks", &d->risks, err)) ||
        (rc = strings(json_object_get(root, "noLabour"), "noLabour", &d->no_labour, &d->nno_labour,
                      err)) ||
        (rc = strings(json_object_get(g, "housingOk"), "guarantees.housingOk", &d->housing_ok,
                      &d->nhousing_ok, err)) ||
        (rc = positive(age, "from", &d->school_age_from, err)) ||
        (rc = positive(age, "to", &d->school_age_to, err)) ||
        (rc = positive(w, "litresPerPersonDay", &d->water_litres, err)) ||
        (rc = positive(w, "litresPerPersonDayDry", &d->water_litres_dry, err)) ||
        (rc = positive(w, "fetchMinutes", &d->water_minutes, err)) ||
        (rc = positive(w, "fetchHorizontalMetres", &d->water_horizontal_m, err)) ||
        (rc = positive(w, "fetchVerticalMetres", &d->water_vertical_m, err)) ||
        (rc = positive(w, "cutDaysPerYear", &d->water_cut_days, err)) ||
        (rc = positive(m, "incomeDropPercent", &d->income_drop_percent, err)))
        goto fail;
    for (size_t i = 0; i < d->nno_labour; i++)
        if (!registry_name(&d->labour, d->no_labour[i])) {
            rc = fail(err, "noLabour", "含未定义的劳动能力代码");
            goto fail;
        }
    static const char *const kinds[] = {"food",    "clothing", "education",
                                        "medical", "housing",  "water"};
    if (d->guarantee_kinds.n != 6) {
        rc = fail(err, "guarantees.kinds",
                  "应为六项：food clothing education medical housing water");
        goto fail;
    }
    for (size_t i = 0; i < 6; i++)
        if (!registry_name(&d->guarantee_kinds, kinds[i])) {
            rc = fail(err, "guarantees.kinds", "缺少保障项");
            goto fail;
        }
    json_t *lines = json_object_get(m, "lines");
    if (!json_is_array(lines) || json_array_size(lines) == 0) {
        rc = fail(err, "monitoring.lines", "应为非空数组");
        goto fail;
    }
    d->nlines = json_array_size(lines);
    d->lines = calloc(d->nlines, sizeof(*d->lines));
    if (!d->lines) {
        rc = err_set(err, ZW_ENOMEM, NULL, "内存不足");
        goto fail;
    }
    for (size_t i = 0; i < d->nlines; i++) {
        json_t *x = json_array_get(lines, i);
        const char *prov = json_string_value(json_object_get(x, "province"));
        json_t *year = json_object_get(x, "year"), *yuan = json_object_get(x, "yuan");
        if (!prov ||
            !(strcmp(prov, "*") == 0 || (strlen(prov) == 2 && prov[0] >= '1' && prov[0] <= '9' &&
                                         prov[1] >= '0' && prov[1] <= '9')) ||
            !json_is_integer(year) || json_integer_value(year) < 2000 ||
            json_integer_value(year) > 2100 || !json_is_integer(yuan) ||
            json_integer_value(yuan) <= 0 || json_integer_value(yuan) > 1000000) {
            rc = fail(err, "monitoring.lines", "每项须有 province（两位省级代码或 *）、year、yuan");
            goto fail;
        }
        snprintf(d->lines[i].province, sizeof(d->lines[i].province), "%s", prov);
        d->lines[i].year = (int)json_integer_value(year);
        d->lines[i].fen = json_integer_value(yuan) * 100;
    }
    *out = d;
    return 0;
fail:
    registry_free(d);
    return rc;
}

void registry_free(struct registry_defs *d)
{
    if (!d)
        return;
    struct reg_table *t[] = {&d->categories,
                             &d->relations,
                             &d->labour,
                             &d->disability,
                             &d->schooling,
                             &d->health,
                             &d->work,
                             &d->join_reasons,
                             &d->leave_reasons,
                             &d->guarantee_kinds,
                             &d->monitor_categories,
                             &d->risks};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        free(t[i]->v);
    free(d->no_labour);
    free(d->housing_ok);
    free(d->lines);
    json_decref(d->root);
    free(d);
}

const char *registry_name(const struct reg_table *t, const char *code)
{
    for (size_t i = 0; code && i < t->n; i++)
        if (strcmp(t->v[i].code, code) == 0)
            return t->v[i].name;
    return NULL;
}

int64_t registry_line(const struct registry_defs *d, const char *province, int year)
{
    /* The province's newest line not after year, else the country's. */
    for (int pass = 0; pass < 2; pass++) {
        const struct reg_line *best = NULL;
        for (size_t i = 0; i < d->nlines; i++) {
            const struct reg_line *l = &d->lines[i];
            bool match = pass == 0 ? province && strcmp(l->province, province) == 0
                                   : strcmp(l->province, "*") == 0;
            if (match && l->year <= year && (!best || l->year > best->year))
                best = l;
        }
        if (best)
            return best->fen;
    }
    return 0;
}

bool registry_no_labour(const struct registry_defs *d, const char *labour)
{
    for (size_t i = 0; labour && i < d->nno_labour; i++)
        if (strcmp(d->no_labour[i], labour) == 0)
            return true;
    return false;
}
