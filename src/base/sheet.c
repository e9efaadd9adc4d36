/*
 * sheet.c - opening a table file, telling CSV from XLSX by its first bytes,
 * and the row buffer both readers fill; see sheet.h.  The formats live in
 * sheet_csv.c and sheet_xlsx.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sheet.h"
#include "sheet_int.h"
#include "banned.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        log_fatal("sheet: out of memory");
    return q;
}

void sheet__row_reset(struct sheet__row *r)
{
    r->len = 0;
    r->n = 0;
    r->open = false;
}

int sheet__cell_begin(struct sheet__row *r)
{
    if (r->n >= ZW_SHEET_MAX_COLS)
        return ZW_EINVAL;
    if (r->n == r->ncap) {
        r->ncap = r->ncap ? r->ncap * 2 : 16;
        r->off = xrealloc(r->off, r->ncap * sizeof(*r->off));
        r->ptrs = xrealloc(r->ptrs, (r->ncap + 1) * sizeof(*r->ptrs));
    }
    r->off[r->n++] = r->len;
    r->open = true;
    return 0;
}

int sheet__cell_add(struct sheet__row *r, const void *data, size_t len)
{
    size_t have = r->len - r->off[r->n - 1];
    if (len > ZW_SHEET_MAX_CELL || have + len > ZW_SHEET_MAX_CELL)
        return ZW_EINVAL;
    if (r->len + len + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (cap < r->len + len + 1)
            cap *= 2;
        r->text = xrealloc(r->text, cap);
        r->cap = cap;
    }
    memcpy(r->text + r->len, data, len);
    r->len += len;
    return 0;
}

/* Length of the space at s[0..n) (ASCII blanks, U+00A0, U+3000), 0 if none. */
static size_t space_at(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    return 0;
}

/* Length of the space ending at s[n), 0 if none. */
static size_t space_before(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        return 1;
    if (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0)
        return 2;
    if (n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 && s[n - 1] == 0x80)
        return 3;
    return 0;
}

void sheet__cell_end(struct sheet__row *r)
{
    size_t start = r->off[r->n - 1];
    const unsigned char *p = (const unsigned char *)r->text;
    size_t k;
    while (start < r->len && (k = space_at(p + start, r->len - start)) > 0)
        start += k;
    size_t end = r->len;
    while (end > start && (k = space_before(p + start, end - start)) > 0)
        end -= k;
    r->off[r->n - 1] = start;
    r->len = end;
    if (r->len + 1 > r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->text = xrealloc(r->text, r->cap);
    }
    r->text[r->len++] = '\0';
    r->open = false;
}

int sheet__cell_put(struct sheet__row *r, const void *data, size_t len)
{
    int rc = sheet__cell_begin(r);
    if (rc == 0)
        rc = sheet__cell_add(r, data, len);
    if (rc == 0)
        sheet__cell_end(r);
    return rc;
}

bool sheet__row_done(struct sheet__row *r)
{
    bool empty = true;
    for (size_t i = 0; i < r->n; i++) {
        r->ptrs[i] = r->text + r->off[i];
        if (r->ptrs[i][0])
            empty = false;
    }
    return empty;
}

void sheet__row_release(struct sheet__row *r)
{
    free(r->text);
    free(r->off);
    free(r->ptrs);
    memset(r, 0, sizeof(*r));
}

bool sheet__utf8_valid(const unsigned char *s, size_t len, size_t *valid_prefix)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            break;
        }
        size_t j = 1;
        for (; j <= need && i + j < len; j++) {
            unsigned char d = s[i + j];
            if (d < (j == 1 ? lo : 0x80) || d > (j == 1 ? hi : 0xBF))
                goto out;
        }
        if (j <= need)
            break; /* cut off at the end */
        i += need + 1;
    }
out:
    if (valid_prefix)
        *valid_prefix = i;
    return i == len;
}

long sheet__src_read(struct sheet *s, void *dst, size_t cap, struct error *err)
{
    long n;
    if (s->fd < 0) {
        size_t left = s->mem_len - s->mem_pos;
        size_t k = left < cap ? left : cap;
        memcpy(dst, s->mem + s->mem_pos, k);
        s->mem_pos += k;
        n = (long)k;
    } else {
        ssize_t got;
        do
            got = read(s->fd, dst, cap);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            return err_set(err, ZW_EIO, NULL, "读取文件失败");
        n = (long)got;
    }
    s->src_read += n;
    if (s->src_read > s->max_bytes)
        return err_set(err, ZW_ETOOBIG, NULL, "文件过大（超过 %ld MB），请拆分后再导入",
                       s->max_bytes / (1024 * 1024));
    return n;
}

static int too_big(long max_bytes, struct error *err)
{
    long mb = max_bytes / (1024 * 1024);
    if (mb > 0)
        return err_set(err, ZW_ETOOBIG, NULL, "文件过大（超过 %ld MB），请拆分后再导入", mb);
    return err_set(err, ZW_ETOOBIG, NULL, "文件过大（超过 %ld 字节），请拆分后再导入", max_bytes);
}

/* Tells the format from the first bytes and opens the backend; frees s on failure. */
static int sheet_start(struct sheet *s, const unsigned char *head, size_t nhead, struct sheet **out,
                       struct error *err)
{
    static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    int rc;
    if (nhead >= 4 && head[0] == 'P' && head[1] == 'K' &&
        ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
        s->format = SHEET_XLSX;
        s->encoding = "UTF-8";
        rc = sheet__xlsx_open(s, err);
    } else if (nhead >= 8 && memcmp(head, ole2, 8) == 0) {
        rc = err_set(err, ZW_EMEDIA, NULL,
                     "不支持旧版 Excel（.xls）或加密的 Excel 文件，请另存为 .xlsx 或 CSV 后再导入");
    } else {
        s->format = SHEET_CSV;
        rc = sheet__csv_open(s, err);
    }
    if (rc < 0) {
        sheet_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

static struct sheet *sheet_new(long max_bytes)
{
    struct sheet *s = calloc(1, sizeof(*s));
    if (!s)
        log_fatal("sheet: out of memory");
    s->fd = -1;
    s->max_bytes = max_bytes > 0 ? max_bytes : (long)(SIZE_MAX >> 1);
    return s;
}

int sheet_open(const char *path, long max_bytes, struct sheet **out, struct error *err)
{
    *out = NULL;
    struct sheet *s = sheet_new(max_bytes);
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        sheet_close(s);
        return err_set(err, ZW_EIO, NULL, "无法打开文件");
    }
    struct stat st;
    if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        sheet_close(s);
        return err_set(err, ZW_EIO, NULL, "无法打开文件（不是普通文件）");
    }
    if (st.st_size > s->max_bytes) {
        long max = s->max_bytes;
        sheet_close(s);
        return too_big(max, err);
    }
    unsigned char head[8];
    ssize_t nhead;
    do
        nhead = pread(s->fd, head, sizeof(head), 0);
    while (nhead < 0 && errno == EINTR);
    if (nhead < 0) {
        sheet_close(s);
        return err_set(err, ZW_EIO, NULL, "读取文件失败");
    }
    return sheet_start(s, head, (size_t)nhead, out, err);
}

int sheet_open_mem(const void *data, size_t len, long max_bytes, struct sheet **out,
                   struct error *err)
{
    *out = NULL;
    struct sheet *s = sheet_new(max_bytes);
    if (len > (unsigned long)s->max_bytes) {
        sheet_close(s);
        return too_big(max_bytes, err);
    }
    s->mem = data;
    s->mem_len = len;
    return sheet_start(s, s->mem, len < 8 ? len : 8, out, err);
}

enum sheet_format sheet_format(const struct sheet *s)
{
    return s->format;
}

const char *sheet_encoding(const struct sheet *s)
{
    return s->encoding ? s->encoding : "UTF-8";
}

int sheet_next(struct sheet *s, const char ***cells, size_t *ncells, long *row, struct error *err)
{
    if (s->failed) {
        if (err)
            *err = s->fail_err;
        return s->failed;
    }
    long rownum = 0;
    int rc = s->format == SHEET_XLSX ? sheet__xlsx_next(s, &rownum, &s->fail_err)
                                     : sheet__csv_next(s, &rownum, &s->fail_err);
    if (rc < 0) {
        s->failed = rc;
        if (err)
            *err = s->fail_err;
        return rc;
    }
    if (rc == 0) {
        *cells = NULL;
        *ncells = 0;
        return 0;
    }
    *cells = s->row.ptrs;
    *ncells = s->row.n;
    *row = rownum;
    return 1;
}

const struct sheet_merge *sheet_merges(const struct sheet *s, size_t *n)
{
    *n = s->nmerges;
    return s->merges;
}

void sheet_close(struct sheet *s)
{
    if (!s)
        return;
    sheet__csv_free(s);
    sheet__xlsx_free(s);
    if (s->fd >= 0)
        close(s->fd);
    sheet__row_release(&s->row);
    free(s->merges);
    free(s);
}
