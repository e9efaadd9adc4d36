/* case_import.c - many cases from one CSV list; see case_import.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "case_import.h"
#include "cases.h"
#include "csv.h"
#include "jsonx.h"
#include "banned.h"

enum { COL_AREA = -1, COL_TITLE = -2, COL_CONTENT = -3, COL_CATEGORY = -4 };

static const struct {
    const char *name;
    int code;
} builtin_columns[] = {
    {"区划代码", COL_AREA}, {"标题", COL_TITLE}, {"内容", COL_CONTENT}, {"类别", COL_CATEGORY}};

static void issue(struct zctx *z, struct import_result *out, size_t *cap, int row,
                  const char *column, const char *message)
{
    if (out->nissues == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        struct import_issue *v = arena_alloc(z->arena, ncap * sizeof(*v));
        if (out->nissues)
            memcpy(v, out->issues, out->nissues * sizeof(*v));
        out->issues = v;
        *cap = ncap;
    }
    out->issues[out->nissues++] = (struct import_issue){
        .row = row,
        .column = column ? arena_strdup(z->arena, column) : NULL,
        .message = arena_strdup(z->arena, message),
    };
}

/* The next line of *p (NUL-terminated in place; blank lines included), or NULL at the end. */
static char *next_line(char **p)
{
    char *s = *p;
    if (!s || !*s)
        return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = s + strlen(s);
    }
    return s;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    size_t k = 0;
    while (s[k] == ' ' || s[k] == '\t')
        k++;
    if (k)
        memmove(s, s + k, n - k + 1);
}

/* The JSON value of cell for field f, or NULL with *why set. */
static json_t *cell_value(const struct cd_field *f, const char *cell, const char **why)
{
    char *end;
    switch (f->type) {
    case CD_TEXT:
    case CD_CHOICE:
        return json_string(cell);
    case CD_DATE: {
        int ymd;
        if (cal_parse_date(cell, &ymd)) {
            *why = "日期应为 YYYY-MM-DD";
            return NULL;
        }
        return json_string(cell);
    }
    case CD_INTEGER: {
        long long v = strtoll(cell, &end, 10);
        if (!*cell || *end) {
            *why = "应为整数";
            return NULL;
        }
        return json_integer(v);
    }
    case CD_MONEY: {
        /* 元 with at most two decimals -> 分 */
        double v = strtod(cell, &end);
        if (!*cell || *end || v < 0 || v > 1e12) {
            *why = "金额应为不小于 0 的数（元）";
            return NULL;
        }
        return json_integer((json_int_t)(v * 100 + 0.5));
    }
    default:
        *why = "此列不能导入";
        return NULL;
    }
}

int cases_import_csv(struct zctx *z, const struct case_types *types, const char *type, char *text,
                     size_t len, struct import_result *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    const struct case_type *t = casedef_find(types, type);
    if (!t)
        return err_set(err, ZW_EINVAL, "type", "没有办件类型“%.40s”", type ? type : "");
    if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
        (unsigned char)text[2] == 0xbf)
        text += 3; /* a BOM, as spreadsheet programs write */
    if (!jsonx_utf8_valid(text, strlen(text)))
        return err_set(err, ZW_EUTF8, "file",
                       "文件应为 UTF-8 编码的 CSV（可在表格软件中另存为“CSV UTF-8”）");
    char *next = text, *line = next_line(&next);
    if (!line || !*line)
        return err_set(err, ZW_EINVAL, "file", "文件为空，第一行应为列名");
    char *head[IMPORT_MAX_COLUMNS + 1];
    size_t ncol = csv_split(line, head, IMPORT_MAX_COLUMNS + 1);
    if (ncol > IMPORT_MAX_COLUMNS)
        return err_set(err, ZW_EINVAL, "file", "列数过多（最多 %d 列）", IMPORT_MAX_COLUMNS);
    int map[IMPORT_MAX_COLUMNS];
    bool have_area = false, have_title = false, have_content = false;
    for (size_t i = 0; i < ncol; i++) {
        trim(head[i]);
        map[i] = -100;
        for (size_t k = 0; k < sizeof(builtin_columns) / sizeof(builtin_columns[0]); k++)
            if (strcmp(head[i], builtin_columns[k].name) == 0)
                map[i] = builtin_columns[k].code;
        for (size_t k = 0; map[i] == -100 && k < t->nfields; k++)
            if (strcmp(head[i], t->fields[k].name) == 0 && t->fields[k].type != CD_FILE &&
                t->fields[k].type != CD_USER)
                map[i] = (int)k;
        if (map[i] == -100)
            return err_set(err, ZW_EINVAL, "file",
                           "第 1 行：不认识的列“%.40s”（%s可导入的列见说明）", head[i], t->name);
        have_area |= map[i] == COL_AREA;
        have_title |= map[i] == COL_TITLE;
        have_content |= map[i] == COL_CONTENT;
    }
    if (!have_area || !have_title || !have_content)
        return err_set(err, ZW_EINVAL, "file", "第 1 行应包含“区划代码”“标题”“内容”三列");
    size_t icap = 0;
    out->created = arena_alloc(z->arena, (IMPORT_MAX_ROWS + 1) * sizeof(*out->created));
    int lineno = 1;
    while ((line = next_line(&next))) {
        lineno++;
        trim(line);
        if (!*line)
            continue;
        if (out->rows == IMPORT_MAX_ROWS)
            return err_set(err, ZW_EINVAL, "file", "一次最多导入 %d 行", IMPORT_MAX_ROWS);
        out->rows++;
        char *cells[IMPORT_MAX_COLUMNS + 1];
        size_t n = csv_split(line, cells, IMPORT_MAX_COLUMNS + 1);
        if (n != ncol) {
            char msg[96];
            snprintf(msg, sizeof(msg), "应有 %zu 列，实有 %zu 列", ncol, n);
            issue(z, out, &icap, lineno, NULL, msg);
            continue;
        }
        struct case_input in = {.type = t->code, .channel = "other"};
        json_t *fields = json_object();
        bool bad = false;
        for (size_t i = 0; i < ncol && !bad; i++) {
            trim(cells[i]);
            const char *cell = cells[i];
            if (map[i] == COL_AREA) {
                struct area a;
                struct error e2;
                if (store_area_by_code(z->db, cell, &a, &e2) != 0) {
                    issue(z, out, &icap, lineno, head[i], "区划代码不存在");
                    bad = true;
                } else {
                    in.area_id = a.id;
                }
            } else if (map[i] == COL_TITLE) {
                in.title = cell;
            } else if (map[i] == COL_CONTENT) {
                in.content = cell;
            } else if (map[i] == COL_CATEGORY) {
                for (size_t k = 0; *cell && k < t->ncategories; k++)
                    if (strcmp(t->categories[k].name, cell) == 0 ||
                        strcmp(t->categories[k].code, cell) == 0)
                        in.category = t->categories[k].code;
                if (*cell && !in.category) {
                    issue(z, out, &icap, lineno, head[i], "类别不存在");
                    bad = true;
                }
            } else if (*cell) {
                const char *why = NULL;
                json_t *v = cell_value(&t->fields[map[i]], cell, &why);
                if (!v) {
                    issue(z, out, &icap, lineno, head[i], why);
                    bad = true;
                } else {
                    json_object_set_new(fields, t->fields[map[i]].code, v);
                }
            }
        }
        if (!bad) {
            in.fields = fields;
            struct case_row row;
            struct error e2 = {0};
            int rc = cases_create(z, types, &in, &row, &e2);
            if (rc == ZW_EINVAL || rc == ZW_EFORBIDDEN || rc == ZW_EUNKNOWNFIELD) {
                /* Name the column: a field code back to its header. */
                const char *col = NULL;
                for (size_t i = 0; e2.field && i < ncol; i++)
                    if ((map[i] >= 0 && strcmp(t->fields[map[i]].code, e2.field) == 0) ||
                        (map[i] == COL_TITLE && strcmp(e2.field, "title") == 0) ||
                        (map[i] == COL_CONTENT && strcmp(e2.field, "content") == 0) ||
                        (map[i] == COL_AREA && strcmp(e2.field, "areaId") == 0))
                        col = head[i];
                issue(z, out, &icap, lineno, col, e2.message);
            } else if (rc) {
                json_decref(fields);
                *err = e2;
                return rc;
            } else {
                out->created[out->valid].row = lineno;
                out->created[out->valid].id = row.id;
                out->created[out->valid].serial = arena_strdup(z->arena, row.serial);
                out->valid++;
            }
        }
        json_decref(fields);
    }
    if (!out->rows)
        return err_set(err, ZW_EINVAL, "file", "文件只有列名，没有数据行");
    json_t *au = json_pack("{s:s, s:i, s:i, s:i}", "type", t->code, "rows", out->rows, "valid",
                           out->valid, "problems", (int)out->nissues);
    int rc = audit_log(z, "import", "case", 0, NULL, au, err);
    json_decref(au);
    return rc;
}
