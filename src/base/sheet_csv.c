/*
 * sheet_csv.c - the streaming CSV reader behind sheet.h: RFC 4180 records
 * (quoted fields with commas, doubled quotes and line breaks; CRLF, LF or
 * CR line ends) read SHEET__CHUNK bytes at a time, in UTF-8 or, when the
 * first chunk is not valid UTF-8, GB18030 converted with iconv (a character
 * cut by a chunk boundary is carried over to the next chunk).
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sheet.h"
#include "sheet_int.h"
#include "banned.h"

/* Converted bytes at most per raw chunk: GB18030 never takes more than 2x in UTF-8. */
#define CSV_OUT_CAP (2 * SHEET__CHUNK + 16)

struct sheet__csv {
    iconv_t cd; /* (iconv_t)-1 when the file is UTF-8 */
    unsigned char *raw;
    size_t raw_len, raw_pos;
    bool raw_eof;
    unsigned char *out;      /* GB18030 only: converted bytes */
    const unsigned char *in; /* the UTF-8 bytes being parsed: raw or out */
    size_t in_len, in_pos;
    bool started; /* a chunk has been decoded (for the GB18030 BOM) */
    bool prev_cr; /* the last byte consumed was CR */
    long line;    /* line number at in_pos */
    bool done;
};

/* Bytes that end a run of plain field content, outside and inside quotes. */
static const unsigned char stop_plain[256] = {
    [','] = 1, ['\r'] = 1, ['\n'] = 1, ['"'] = 1, [0] = 1};
static const unsigned char stop_quoted[256] = {['\r'] = 1, ['\n'] = 1, ['"'] = 1, [0] = 1};

/* Reads until cap bytes or the end; returns the count or a negative code. */
static long read_full(struct sheet *s, unsigned char *dst, size_t cap, bool *eof, struct error *err)
{
    size_t n = 0;
    while (n < cap) {
        long got = sheet__src_read(s, dst + n, cap - n, err);
        if (got < 0)
            return got;
        if (got == 0) {
            *eof = true;
            break;
        }
        n += (size_t)got;
    }
    return (long)n;
}

/* True when the bytes after the last valid UTF-8 prefix are a character cut short. */
static bool utf8_cut(const unsigned char *tail, size_t n)
{
    static const unsigned char pads[] = {0x80, 0x90, 0xA0};
    if (n == 0 || n > 3)
        return false;
    for (size_t i = 0; i < sizeof(pads); i++) {
        unsigned char b[4] = {pads[i], pads[i], pads[i], pads[i]};
        memcpy(b, tail, n);
        size_t want = tail[0] >= 0xF0 ? 4 : tail[0] >= 0xE0 ? 3 : 2;
        if (want > n && sheet__utf8_valid(b, want, NULL))
            return true;
    }
    return false;
}

int sheet__csv_open(struct sheet *s, struct error *err)
{
    struct sheet__csv *c = calloc(1, sizeof(*c));
    if (!c)
        log_fatal("sheet: out of memory");
    s->csv = c;
    c->cd = (iconv_t)-1;
    c->line = 1;
    c->raw = malloc(SHEET__CHUNK + 16);
    if (!c->raw)
        log_fatal("sheet: out of memory");
    long n = read_full(s, c->raw, SHEET__CHUNK, &c->raw_eof, err);
    if (n < 0)
        return (int)n;
    c->raw_len = (size_t)n;
    if (n >= 2 &&
        ((c->raw[0] == 0xFF && c->raw[1] == 0xFE) || (c->raw[0] == 0xFE && c->raw[1] == 0xFF)))
        return err_set(err, ZW_EMEDIA, NULL,
                       "不支持 UTF-16 编码的文本文件，请在 Excel 中另存为“CSV UTF-8”或 .xlsx");
    size_t valid;
    if (sheet__utf8_valid(c->raw, c->raw_len, &valid) ||
        (!c->raw_eof && utf8_cut(c->raw + valid, c->raw_len - valid))) {
        s->encoding = "UTF-8";
        c->in = c->raw;
        c->in_len = c->raw_len;
        if (c->in_len >= 3 && memcmp(c->in, "\xEF\xBB\xBF", 3) == 0)
            c->in_pos = 3;
        c->started = true;
        return 0;
    }
    s->encoding = "GB18030";
    c->cd = iconv_open("UTF-8", "GB18030");
    if (c->cd == (iconv_t)-1)
        return err_set(err, ZW_EINTERNAL, NULL, "无法转换 GBK 编码（系统缺少 GB18030 支持）");
    c->out = malloc(CSV_OUT_CAP);
    if (!c->out)
        log_fatal("sheet: out of memory");
    c->in = c->out;
    return 0;
}

/* Makes more UTF-8 bytes available at c->in; returns 1, 0 at the end, or a negative code. */
static int csv_fill(struct sheet *s, struct error *err)
{
    struct sheet__csv *c = s->csv;
    if (c->cd == (iconv_t)-1) {
        if (c->raw_eof)
            return 0;
        long n = read_full(s, c->raw, SHEET__CHUNK, &c->raw_eof, err);
        if (n < 0)
            return (int)n;
        c->raw_len = (size_t)n;
        c->in_len = (size_t)n;
        c->in_pos = 0;
        return n > 0;
    }
    for (;;) {
        size_t left = c->raw_len - c->raw_pos;
        if (left > 0) {
            char *ip = (char *)c->raw + c->raw_pos, *op = (char *)c->out;
            size_t il = left, ol = CSV_OUT_CAP;
            size_t r = iconv(c->cd, &ip, &il, &op, &ol);
            int e = r == (size_t)-1 ? errno : 0;
            size_t produced = CSV_OUT_CAP - ol;
            c->raw_pos = c->raw_len - il;
            if (e == EILSEQ && produced == 0)
                return err_set(err, ZW_EMEDIA, NULL,
                               "第 %ld 行附近含有无法识别的字符：文件既不是 UTF-8 也不是 "
                               "GBK/GB18030 编码，请另存为“CSV UTF-8”后再导入",
                               c->line);
            if (produced > 0) {
                c->in_len = produced;
                c->in_pos = 0;
                if (!c->started && produced >= 3 && memcmp(c->out, "\xEF\xBB\xBF", 3) == 0)
                    c->in_pos = 3;
                c->started = true;
                return 1;
            }
            /* EINVAL: a character cut at the end of the chunk; read the rest of it. */
        }
        if (c->raw_eof) {
            if (c->raw_pos < c->raw_len)
                return err_set(err, ZW_EMEDIA, NULL, "文件末尾的字符不完整（GBK 编码被截断）");
            return 0;
        }
        left = c->raw_len - c->raw_pos;
        memmove(c->raw, c->raw + c->raw_pos, left);
        long n = read_full(s, c->raw + left, SHEET__CHUNK, &c->raw_eof, err);
        if (n < 0)
            return (int)n;
        c->raw_pos = 0;
        c->raw_len = left + (size_t)n;
    }
}

static int too_many_cols(long line, struct error *err)
{
    return err_set(err, ZW_EINVAL, NULL, "第 %ld 行列数过多（超过 %d 列）", line,
                   ZW_SHEET_MAX_COLS);
}

static int too_long(long line, bool quoted, struct error *err)
{
    return err_set(err, ZW_EINVAL, NULL, "第 %ld 行单元格过长（超过 %d 字节）%s", line,
                   ZW_SHEET_MAX_CELL, quoted ? "，或引号没有闭合" : "");
}

enum csv_state { AT_START, PLAIN, QUOTED, QUOTE_SEEN };

/* Reads one record into s->row; returns 1, 0 when no record is left, or a negative code. */
static int csv_record(struct sheet *s, long start, struct error *err)
{
    struct sheet__csv *c = s->csv;
    struct sheet__row *r = &s->row;
    enum csv_state st = AT_START;
    bool any = false;
    int rc;
    sheet__cell_begin(r);
    for (;;) {
        if (c->in_pos == c->in_len) {
            rc = csv_fill(s, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                c->done = true;
                if (st == QUOTED)
                    return err_set(err, ZW_EINVAL, NULL, "第 %ld 行的引号没有闭合", start);
                sheet__cell_end(r);
                return any ? 1 : 0;
            }
            continue;
        }
        const unsigned char *p = c->in + c->in_pos, *e = c->in + c->in_len;
        if (c->prev_cr) {
            c->prev_cr = false;
            if (*p == '\n') {
                c->in_pos++;
                if (st == QUOTED && sheet__cell_add(r, "\n", 1) != 0)
                    return too_long(start, true, err);
                continue;
            }
        }
        if (st == QUOTE_SEEN) {
            if (*p == '"') {
                c->in_pos++;
                if (sheet__cell_add(r, "\"", 1) != 0)
                    return too_long(start, true, err);
                st = QUOTED;
                continue;
            }
            st = PLAIN;
        }
        const unsigned char *stop = st == QUOTED ? stop_quoted : stop_plain;
        const unsigned char *q = p;
        while (q < e && !stop[*q])
            q++;
        if (q > p) {
            any = true;
            if (st == AT_START) {
                for (const unsigned char *t = p; t < q; t++)
                    if (*t != ' ' && *t != '\t') {
                        st = PLAIN;
                        break;
                    }
            }
            if (sheet__cell_add(r, p, (size_t)(q - p)) != 0)
                return too_long(start, st == QUOTED, err);
            c->in_pos += (size_t)(q - p);
            if (q == e)
                continue;
        }
        unsigned char ch = *q;
        c->in_pos++;
        any = true;
        if (ch == 0)
            return err_set(err, ZW_EMEDIA, NULL,
                           "第 %ld 行含有空字符（NUL），文件不是文本表格（CSV）", c->line);
        if (st == QUOTED) {
            if (ch == '"') {
                st = QUOTE_SEEN;
                continue;
            }
            if (ch == '\r')
                c->prev_cr = true;
            c->line++;
            if (sheet__cell_add(r, &ch, 1) != 0)
                return too_long(start, true, err);
            continue;
        }
        switch (ch) {
        case ',':
            sheet__cell_end(r);
            if (sheet__cell_begin(r) != 0)
                return too_many_cols(start, err);
            st = AT_START;
            break;
        case '"':
            if (st == AT_START) {
                r->len = r->off[r->n - 1]; /* drop the blanks before the quote */
                st = QUOTED;
            } else if (sheet__cell_add(r, "\"", 1) != 0) {
                return too_long(start, false, err);
            }
            break;
        default: /* CR or LF: the record ends */
            c->prev_cr = ch == '\r';
            c->line++;
            sheet__cell_end(r);
            return 1;
        }
    }
}

int sheet__csv_next(struct sheet *s, long *row, struct error *err)
{
    struct sheet__csv *c = s->csv;
    for (;;) {
        if (c->done)
            return 0;
        sheet__row_reset(&s->row);
        long start = c->line;
        int rc = csv_record(s, start, err);
        if (rc <= 0)
            return rc;
        if (sheet__row_done(&s->row))
            continue;
        if (c->cd == (iconv_t)-1 &&
            !sheet__utf8_valid((const unsigned char *)s->row.text, s->row.len, NULL))
            return err_set(err, ZW_EINVAL, NULL,
                           "第 %ld 行含有无效的 UTF-8 字符（文件前后编码不一致），请另存为“CSV "
                           "UTF-8”后再导入",
                           start);
        *row = start;
        return 1;
    }
}

void sheet__csv_free(struct sheet *s)
{
    struct sheet__csv *c = s->csv;
    if (!c)
        return;
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    free(c->raw);
    free(c->out);
    free(c);
    s->csv = NULL;
}
