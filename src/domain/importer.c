/* importer.c - the run over a table: header, rows, report, commit; see importer.h. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "importer.h"
#include "limits.h"
#include "sheet.h"
#include "store/store_import.h"
#include "store/store_registry.h"
#include "banned.h"

/* A set of strings with the row each was first seen on (within-file duplicates). */
struct seen_map {
    char **keys;
    long *rows;
    size_t cap, n;
};

struct importer {
    struct zctx *z;
    const struct registry_defs *defs;
    const struct import_opts *o;
    const struct import_kind *kind;
    struct scope sc;
    struct arena run; /* per-run scratch: headers, areas */
    int *map;         /* file column -> kind column, -1 ignored */
    size_t nmap;
    const char **label; /* kind column -> the header text as written in the file */
    bool *present;      /* kind column present in the file */
    long row;           /* the current spreadsheet row */
    bool row_bad;       /* the current row has an error */
    json_t *errors, *warnings;
    long nerrors, nwarnings;
    long rows_count, valid, imported;
    struct seen_map seen[4];
    struct member_batch members; /* the persons kind's pending history row */
    struct import_area *areas;
    size_t nareas;
    bool areas_loaded;
    /* The last household found by its code (imp_household_by_code). */
    struct import_household hh;
    char hh_code[48], hh_path[256];
    bool hh_cached;
    int64_t first_id; /* imp_note_id */
};

/* ---- small parsers ----------------------------------------------------- */

int imp_parse_yuan(const char *s, int64_t *fen, const char **why)
{
    const char *p = s;
    *fen = 0;
    if (!*p) {
        *why = "金额不能为空";
        return -1;
    }
    if (*p == '-') {
        *why = "金额不能为负数";
        return -1;
    }
    if (*p == '+')
        p++;
    int64_t yuan = 0;
    int digits = 0, group = -1; /* digits since the last grouping comma, -1 = none seen */
    for (; *p && *p != '.'; p++) {
        if (*p == ',' && digits > 0 && (group == -1 ? digits <= 3 : group == 3)) {
            group = 0;
            continue;
        }
        if (!isdigit((unsigned char)*p)) {
            *why = "金额应为数字（元），最多两位小数";
            return -1;
        }
        if (++digits > 13) {
            *why = "金额过大";
            return -1;
        }
        if (group >= 0)
            group++;
        yuan = yuan * 10 + (*p - '0');
    }
    if (!digits || (group >= 0 && group != 3)) {
        *why = "金额应为数字（元），最多两位小数";
        return -1;
    }
    int64_t cents = 0;
    if (*p == '.') {
        p++;
        size_t nfrac = strlen(p);
        for (size_t i = 0; i < nfrac; i++)
            if (!isdigit((unsigned char)p[i])) {
                *why = "金额应为数字（元），最多两位小数";
                return -1;
            }
        if (nfrac == 0) {
            *why = "金额应为数字（元），最多两位小数";
            return -1;
        }
        if (nfrac > 2 && nfrac < 10) {
            *why = "金额最多两位小数（精确到分）";
            return -1;
        }
        cents = (p[0] - '0') * 10 + (nfrac > 1 ? p[1] - '0' : 0);
        if (nfrac > 2 && p[2] >= '5') /* float noise from a spreadsheet: round half up */
            cents++;
    }
    if (yuan > 1000000000000LL) {
        *why = "金额过大";
        return -1;
    }
    *fen = yuan * 100 + cents;
    return 0;
}

const char *imp_code_of(const struct reg_table *t, const char *cell)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, cell) == 0 || strcmp(t->v[i].code, cell) == 0)
            return t->v[i].code;
    return NULL;
}

int imp_parse_bool(const char *s)
{
    static const char *const yes[] = {"是", "1", "Y", "y", "yes", "有", "已参保", "参保", "√"};
    static const char *const no[] = {"", "否", "0", "N", "n", "no", "无", "未参保", "×"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (strcmp(s, yes[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (strcmp(s, no[i]) == 0)
            return 0;
    return -1;
}

/* Reads 1..max digits at *p into *v; advances *p.  -1 if none. */
static int read_num(const char **p, int max, int *v)
{
    int n = 0;
    *v = 0;
    while (n < max && isdigit((unsigned char)**p)) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? 0 : -1;
}

int imp_parse_date(const char *s, char out[11])
{
    const char *p = s;
    int y, m, d;
    if (read_num(&p, 4, &y) || p - s != 4)
        return -1;
    char sep = *p;
    if (sep != '-' && sep != '/' && sep != '.')
        return -1;
    p++;
    if (read_num(&p, 2, &m) || *p != sep)
        return -1;
    p++;
    if (read_num(&p, 2, &d) || *p)
        return -1;
    char buf[16];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
    int ymd;
    if (cal_parse_date(buf, &ymd))
        return -1;
    memcpy(out, buf, 11);
    return 0;
}

int imp_parse_year(const char *s, int *year)
{
    const char *p = s;
    int y;
    if (read_num(&p, 4, &y) || *p || p - s != 4 || y < 1950 || y > 2100)
        return -1;
    *year = y;
    return 0;
}

void imp_cell_name(long row, long col, char out[24])
{
    char letters[8];
    int n = 0;
    for (long c = col; c > 0 && n < 7; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char *w = out;
    while (n)
        *w++ = letters[--n];
    snprintf(w, 16, "%ld", row);
}

int importer_mode_parse(const char *s)
{
    if (s && strcmp(s, "valid") == 0)
        return IMPORT_VALID;
    if (s && strcmp(s, "all") == 0)
        return IMPORT_ALL;
    return -1;
}

/* ---- the report -------------------------------------------------------- */

static void add_issue(struct importer *im, bool error, int col, const char *fmt, va_list ap)
{
    long *count = error ? &im->nerrors : &im->nwarnings;
    (*count)++;
    if (error)
        im->row_bad = true;
    if (*count > ZW_IMPORT_MAX_ISSUES)
        return;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    const char *column = col >= 0 ? im->label[col] : NULL;
    json_array_append_new(error ? im->errors : im->warnings,
                          json_pack("{s:I, s:s?, s:s}", "row", (json_int_t)im->row, "column",
                                    column, "message", msg));
}

void imp_error(struct importer *im, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_issue(im, true, col, fmt, ap);
    va_end(ap);
}

void imp_warn(struct importer *im, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_issue(im, false, col, fmt, ap);
    va_end(ap);
}

/* An issue about a column the kind does not know (a header cell), named as written. */
static void header_issue(struct importer *im, bool error, const char *column, const char *msg)
{
    long *count = error ? &im->nerrors : &im->nwarnings;
    (*count)++;
    if (*count > ZW_IMPORT_MAX_ISSUES)
        return;
    json_array_append_new(error ? im->errors : im->warnings,
                          json_pack("{s:I, s:s?, s:s}", "row", (json_int_t)im->row, "column",
                                    column, "message", msg));
}

bool imp_has(const struct importer *im, int col)
{
    return im->present[col];
}
long imp_row(const struct importer *im)
{
    return im->row;
}
struct zctx *imp_z(struct importer *im)
{
    return im->z;
}
const struct registry_defs *imp_defs(const struct importer *im)
{
    return im->defs;
}
struct arena *imp_arena(struct importer *im)
{
    return &im->run;
}
void imp_imported(struct importer *im)
{
    im->imported++;
}

/* ---- within-file duplicates -------------------------------------------- */

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

long imp_seen(struct importer *im, int t, const char *key)
{
    struct seen_map *m = &im->seen[t];
    if (2 * (m->n + 1) > m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 1024;
        char **keys = calloc(ncap, sizeof(*keys));
        long *rows = calloc(ncap, sizeof(*rows));
        if (!keys || !rows)
            abort(); /* out of memory: as the arena does */
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t k = fnv(m->keys[i]) & (ncap - 1);
            while (keys[k])
                k = (k + 1) & (ncap - 1);
            keys[k] = m->keys[i];
            rows[k] = m->rows[i];
        }
        free(m->keys);
        free(m->rows);
        m->keys = keys;
        m->rows = rows;
        m->cap = ncap;
    }
    size_t k = fnv(key) & (m->cap - 1);
    for (; m->keys[k]; k = (k + 1) & (m->cap - 1))
        if (strcmp(m->keys[k], key) == 0)
            return m->rows[k];
    m->keys[k] = arena_strdup(&im->run, key); /* a million keys: no malloc each */
    m->rows[k] = im->row;
    m->n++;
    return 0;
}

static void seen_release(struct seen_map *m)
{
    free(m->keys);
    free(m->rows);
    memset(m, 0, sizeof(*m));
}

/* ---- areas and scope ---------------------------------------------------- */

static int load_areas(struct importer *im, struct error *err)
{
    if (im->areas_loaded)
        return 0;
    int rc = store_import_areas(im->z->db, &im->run, &im->areas, &im->nareas, err);
    im->areas_loaded = rc == 0;
    return rc;
}

const struct import_area *imp_area(struct importer *im, int64_t id)
{
    for (size_t i = 0; id && i < im->nareas; i++)
        if (im->areas[i].id == id)
            return &im->areas[i];
    return NULL;
}

const struct import_area *imp_village_by_code(struct importer *im, const char *code)
{
    for (size_t i = 0; i < im->nareas; i++)
        if (strcmp(im->areas[i].level, "village") == 0 && strcmp(im->areas[i].code, code) == 0)
            return &im->areas[i];
    return NULL;
}

/* Whether name is full, or full without its 村民委员会 / 居民委员会 suffix. */
static bool village_name_is(const char *full, const char *name)
{
    static const char *const suffix[] = {"村民委员会", "居民委员会", "委员会"};
    size_t nf = strlen(full), nn = strlen(name);
    if (strcmp(full, name) == 0)
        return true;
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        size_t ns = strlen(suffix[i]);
        if (nf > ns && strcmp(full + nf - ns, suffix[i]) == 0 && nn == nf - ns &&
            strncmp(full, name, nn) == 0)
            return true;
    }
    return false;
}

const struct import_area *imp_village_by_name(struct importer *im, const char *name)
{
    const struct import_area *found = NULL;
    for (size_t i = 0; i < im->nareas; i++) {
        const struct import_area *a = &im->areas[i];
        if (strcmp(a->level, "village") != 0 || !village_name_is(a->name, name))
            continue;
        /* The same name in two townships: prefer the one in scope. */
        if (!found || imp_in_scope(im, a->id, 0, 0, a->path))
            found = a;
    }
    return found;
}

const struct import_area *imp_child_by_name(struct importer *im, const struct import_area *village,
                                            const char *level, const char *name)
{
    size_t nv = strlen(village->name);
    for (size_t i = 0; i < im->nareas; i++) {
        const struct import_area *a = &im->areas[i];
        if (a->parent_id != village->id || strcmp(a->level, level) != 0)
            continue;
        if (strcmp(a->name, name) == 0 ||
            (strncmp(a->name, village->name, nv) == 0 && strcmp(a->name + nv, name) == 0))
            return a;
    }
    return NULL;
}

int imp_household_by_code(struct importer *im, const char *code, struct import_household *out,
                          struct error *err)
{
    if (im->hh_cached && strcmp(im->hh_code, code) == 0) {
        *out = im->hh;
        return 0;
    }
    im->hh_cached = false;
    int rc = store_import_household_by_code(im->z->db, code, im->z->arena, out, err);
    if (rc)
        return rc;
    size_t nc = strlen(code), np = strlen(out->area_path);
    if (nc < sizeof(im->hh_code) && np < sizeof(im->hh_path)) {
        memcpy(im->hh_code, code, nc + 1);
        memcpy(im->hh_path, out->area_path, np + 1);
        im->hh = *out;
        im->hh.area_path = im->hh_path;
        im->hh_cached = true;
    }
    return 0;
}

void imp_note_id(struct importer *im, int64_t id)
{
    if (!im->first_id || id < im->first_id)
        im->first_id = id;
}

int64_t imp_first_id(const struct importer *im)
{
    return im->first_id;
}

struct member_batch *imp_member_batch(struct importer *im)
{
    return &im->members;
}

void imp_household_headed(struct importer *im, int64_t household_id, int64_t person_id)
{
    if (im->hh_cached && im->hh.id == household_id)
        im->hh.head_person_id = person_id;
}

bool imp_household_cell(struct importer *im, int col, const char *code, struct import_household *hh,
                        int *rc, struct error *err)
{
    if (!*code)
        return false;
    struct error e = {0};
    int r = imp_household_by_code(im, code, hh, &e);
    if (r == ZW_ENOTFOUND) {
        imp_error(im, col, "户编号“%.40s”不存在（请先导入户信息）", code);
        return false;
    }
    if (r) {
        *err = e;
        *rc = r;
        return false;
    }
    if (!imp_in_scope(im, hh->village_id, hh->group_id, hh->grid_id, hh->area_path)) {
        imp_error(im, col, "户编号“%.40s”不在您的管辖范围内", code);
        return false;
    }
    return true;
}

bool imp_in_scope(const struct importer *im, int64_t village_id, int64_t group_id, int64_t grid_id,
                  const char *path)
{
    switch (im->sc.kind) {
    case SCOPE_ALL:
        return true;
    case SCOPE_SUBTREE:
        return im->sc.path && strncmp(path, im->sc.path, strlen(im->sc.path)) == 0;
    case SCOPE_AREA:
        return im->sc.area_id == village_id || (group_id && im->sc.area_id == group_id) ||
               (grid_id && im->sc.area_id == grid_id);
    default:
        return false;
    }
}

/* ---- the run ------------------------------------------------------------ */

/* Whether header (trimmed) names column c: its name or an alias, with ASCII or full-width (). */
static bool header_is(const struct import_column *c, const char *header)
{
    char norm[256];
    size_t w = 0;
    for (const char *p = header; *p && w + 4 < sizeof(norm); p++) {
        if (*p == '(') {
            memcpy(norm + w, "（", 3);
            w += 3;
        } else if (*p == ')') {
            memcpy(norm + w, "）", 3);
            w += 3;
        } else if (*p != ' ') {
            norm[w++] = *p;
        }
    }
    norm[w] = '\0';
    if (strcmp(c->name, norm) == 0)
        return true;
    for (const char *a = c->aliases; a && *a;) {
        const char *bar = strchr(a, '|');
        size_t n = bar ? (size_t)(bar - a) : strlen(a);
        if (strlen(norm) == n && strncmp(a, norm, n) == 0)
            return true;
        a = bar ? bar + 1 : a + n;
    }
    return false;
}

/* Maps the header row; reports unknown, repeated and missing columns.  false if unusable. */
static bool read_header(struct importer *im, const char **cells, size_t n)
{
    const struct import_kind *k = im->kind;
    long errors = im->nerrors;
    im->nmap = n;
    im->map = arena_alloc(&im->run, (n ? n : 1) * sizeof(int));
    for (size_t i = 0; i < n; i++) {
        im->map[i] = -1;
        if (!*cells[i])
            continue;
        size_t c;
        for (c = 0; c < k->ncolumns && !header_is(&k->columns[c], cells[i]); c++)
            ;
        if (c == k->ncolumns) {
            header_issue(im, false, cells[i], "未知的列，已忽略");
        } else if (im->present[c]) {
            header_issue(im, true, cells[i], "列名重复");
        } else {
            im->map[i] = (int)c;
            im->present[c] = true;
            im->label[c] = arena_strdup(&im->run, cells[i]);
        }
    }
    bool either_needed = false, either_found = false;
    for (size_t c = 0; c < k->ncolumns; c++) {
        if ((k->columns[c].flags & IMP_REQUIRED) && !im->present[c])
            header_issue(im, true, k->columns[c].name, "缺少必填列");
        if (k->columns[c].flags & IMP_EITHER) {
            either_needed = true;
            either_found |= im->present[c];
        }
    }
    if (either_needed && !either_found) {
        char msg[256] = "缺少必填列：";
        const char *first = NULL;
        for (size_t c = 0; c < k->ncolumns; c++)
            if (k->columns[c].flags & IMP_EITHER) {
                size_t len = strlen(msg);
                snprintf(msg + len, sizeof(msg) - len, "%s“%s”", first ? "或" : "",
                         k->columns[c].name);
                if (!first)
                    first = k->columns[c].name;
            }
        header_issue(im, true, first, msg);
    }
    return im->nerrors == errors;
}

/* The merged range covering (row, any column), or NULL. */
static const struct sheet_merge *merge_at(const struct sheet_merge *m, size_t n, long row)
{
    for (size_t i = 0; i < n; i++)
        if (row >= m[i].row1 && row <= m[i].row2)
            return &m[i];
    return NULL;
}

/* The kind column of a file column (1-based), or -1. */
static int kind_col(const struct importer *im, long col)
{
    return col >= 1 && (size_t)col <= im->nmap ? im->map[col - 1] : -1;
}

static int run_rows(struct importer *im, struct sheet *sh, struct error *err)
{
    const struct import_kind *k = im->kind;
    const char **cells;
    size_t ncells;
    long row;
    int rc = sheet_next(sh, &cells, &ncells, &row, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(err, ZW_EINVAL, "file", "文件为空：第一行应为列名");
    im->row = row;
    size_t nmerges;
    const struct sheet_merge *merges = sheet_merges(sh, &nmerges);
    bool usable = read_header(im, cells, ncells);
    for (size_t i = 0; i < nmerges; i++) {
        if (merges[i].row1 > row)
            continue;
        char a[24], b[24], msg[160];
        imp_cell_name(merges[i].row1, merges[i].col1, a);
        imp_cell_name(merges[i].row2, merges[i].col2, b);
        snprintf(msg, sizeof(msg), "列名行有合并单元格 %s:%s，请取消合并，每列一个列名", a, b);
        header_issue(im, true, NULL, msg);
        usable = false;
    }
    const char **by_col = arena_alloc(&im->run, k->ncolumns * sizeof(*by_col));
    void *parsed = arena_alloc(&im->run, k->row_size ? k->row_size : 1);
    struct arena *keep = im->z->arena;
    struct arena scratch = {0};
    long header_row = row;
    rc = 0;
    while ((rc = sheet_next(sh, &cells, &ncells, &row, err)) == 1) {
        if (++im->rows_count > ZW_IMPORT_MAX_DATA_ROWS) {
            rc = err_set(err, ZW_ETOOBIG, "file", "一次最多导入 %d 行，请分成几个文件",
                         ZW_IMPORT_MAX_DATA_ROWS);
            break;
        }
        rc = 0;
        im->row = row;
        im->row_bad = false;
        if (im->rows_count % ZW_IMPORT_PROGRESS_EVERY == 0 && im->o->progress)
            im->o->progress(im->o->ud, im->rows_count);
        if (!usable)
            continue;
        for (size_t c = 0; c < k->ncolumns; c++)
            by_col[c] = "";
        for (size_t i = 0; i < ncells && i < im->nmap; i++)
            if (im->map[i] >= 0)
                by_col[im->map[i]] = cells[i];
        const struct sheet_merge *m = merge_at(merges, nmerges, row);
        if (m) {
            char a[24], b[24];
            imp_cell_name(m->row1, m->col1, a);
            imp_cell_name(m->row2, m->col2, b);
            imp_error(im, kind_col(im, m->col1), "合并单元格 %s:%s：请取消合并，在每一行填写", a,
                      b);
        }
        for (size_t c = 0; c < k->ncolumns; c++)
            if ((k->columns[c].flags & IMP_REQUIRED) && !*by_col[c])
                imp_error(im, (int)c, "必填项为空");
        memset(parsed, 0, k->row_size);
        im->z->arena = &scratch;
        im->z->bulk = true;
        if (!m)
            rc = k->check(im, by_col, parsed, err);
        if (!rc && !im->row_bad) {
            im->valid++;
            if (im->o->mode != IMPORT_DRY_RUN)
                rc = k->commit(im, parsed, err);
            if (rc) {
                char why[sizeof(err->message)];
                memcpy(why, err->message, sizeof(why));
                err_set(err, rc, err->field, "第 %ld 行：%s", row, why);
            }
        }
        im->z->arena = keep;
        im->z->bulk = false;
        arena_release(&scratch);
        if (rc)
            break;
        if (im->row_bad && im->o->mode == IMPORT_ALL) {
            rc = err_set(err, ZW_EINVAL, "file", "第 %ld 行有错误，未导入任何一行", row);
            break;
        }
    }
    if (rc < 0)
        return rc;
    if (usable && im->rows_count == 0) {
        im->row = header_row;
        header_issue(im, true, NULL, "文件只有列名，没有数据行");
    }
    if (!usable && im->o->mode != IMPORT_DRY_RUN)
        return err_set(err, ZW_EINVAL, "file", "文件的列名有错误，未导入任何一行");
    if (k->finish && im->o->mode != IMPORT_DRY_RUN)
        return k->finish(im, err);
    return 0;
}

int importer_run(struct zctx *z, const struct registry_defs *d, const struct import_opts *opts,
                 struct import_result *res, struct error *err)
{
    memset(res, 0, sizeof(*res));
    const struct import_kind *k = opts->kind;
    struct importer im = {
        .z = z,
        .defs = d,
        .o = opts,
        .kind = k,
        .sc = principal_scope(z->who),
        .errors = json_array(),
        .warnings = json_array(),
    };
    im.label = arena_alloc(&im.run, k->ncolumns * sizeof(*im.label));
    im.present = arena_calloc(&im.run, k->ncolumns, sizeof(*im.present));
    for (size_t c = 0; c < k->ncolumns; c++)
        im.label[c] = k->columns[c].name;
    struct sheet *sh = NULL;
    int rc = load_areas(&im, err);
    if (!rc)
        rc = sheet_open(opts->path, opts->max_bytes, &sh, err);
    if (!rc && opts->mode != IMPORT_DRY_RUN)
        store_counts_defer(z->db); /* rebuilt once below, not per row */
    if (!rc)
        rc = run_rows(&im, sh, err);
    if (!rc && opts->mode != IMPORT_DRY_RUN)
        rc = store_counts_flush(z->db, err);
    if (opts->progress)
        opts->progress(opts->ud, im.rows_count);
    res->rows = im.rows_count;
    res->valid = im.valid;
    res->imported = im.imported;
    res->nerrors = im.nerrors;
    res->nwarnings = im.nwarnings;
    if (!rc || rc == ZW_EINVAL) {
        res->report =
            json_pack("{s:I, s:I, s:I, s:I, s:O, s:O}", "rows", (json_int_t)im.rows_count, "valid",
                      (json_int_t)im.valid, "errorCount", (json_int_t)im.nerrors, "warningCount",
                      (json_int_t)im.nwarnings, "errors", im.errors, "warnings", im.warnings);
        if (rc)
            json_object_set_new(res->report, "message", json_string(err->message));
    }
    if (!rc && opts->mode != IMPORT_DRY_RUN) {
        json_t *au = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "kind", k->code, "kindName",
                               k->name, "rows", (json_int_t)im.rows_count, "imported",
                               (json_int_t)im.imported, "errors", (json_int_t)im.nerrors, "mode",
                               opts->mode == IMPORT_ALL ? "all" : "valid");
        rc = audit_log(z, "import", k->code, 0, NULL, au, err);
        json_decref(au);
    }
    if (sh)
        sheet_close(sh);
    json_decref(im.errors);
    json_decref(im.warnings);
    for (size_t i = 0; i < sizeof(im.seen) / sizeof(im.seen[0]); i++)
        seen_release(&im.seen[i]);
    buf_release(&im.members.names);
    arena_release(&im.run);
    if (rc && res->report && rc != ZW_EINVAL) {
        json_decref(res->report);
        res->report = NULL;
    }
    return rc;
}
