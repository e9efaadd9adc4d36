/*
 * test_sheet.c - unit tests of src/base/sheet*.c: CSV records (quotes,
 * commas, line breaks, CRLF, BOM, GBK, a GBK character cut by the read
 * buffer, empty rows, caps), XLSX written by libxlsxwriter (shared and
 * inline strings, numbers, dates, ID numbers, merged ranges) and XLSX built
 * by hand with libzip (DOCTYPE, zip bombs, lying sizes, corrupt zips, the
 * 1904 date system), and the file size cap.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "buf.h"
#include "cases.h"
#include "error.h"
#include "sheet.h"
#include "banned.h"

#define MAX_BYTES (64L * 1024 * 1024)

/* Reads every row into "row:cell|cell\n" lines; returns the last sheet_next code. */
static int dump(struct sheet *s, struct buf *out, struct error *err)
{
    const char **cells;
    size_t n;
    long row;
    int rc;
    while ((rc = sheet_next(s, &cells, &n, &row, err)) == 1) {
        buf_addf(out, "%ld:", row);
        for (size_t i = 0; i < n; i++)
            buf_addf(out, "%s%s", i ? "|" : "", cells[i]);
        buf_addc(out, '\n');
    }
    return rc;
}

/* Opens bytes in memory and dumps them; returns the open or last next code. */
static int read_mem(const void *data, size_t len, struct buf *out, struct error *err,
                    const char **encoding)
{
    struct sheet *s;
    int rc = sheet_open_mem(data, len, MAX_BYTES, &s, err);
    if (rc != 0)
        return rc;
    if (encoding)
        *encoding = sheet_encoding(s);
    rc = dump(s, out, err);
    sheet_close(s);
    return rc;
}

static char *temp_path(const char *suffix)
{
    static char path[128];
    snprintf(path, sizeof(path), "/tmp/zhenwu-test-sheet-%d%s", (int)getpid(), suffix);
    return path;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* ---- CSV, table-driven ---- */

struct csv_case {
    const char *id;
    const char *input;
    size_t len;       /* 0: strlen(input) */
    int rc;           /* 0 or the expected error code */
    const char *want; /* rows, or a fragment of the error message */
    const char *encoding;
};

static const struct csv_case csv_cases[] = {
    {"sheet-1.1 plain rows", "a,b\nc,d\n", 0, 0, "1:a|b\n2:c|d\n", "UTF-8"},
    {"sheet-1.2 quoted comma, doubled quote, LF inside quotes",
     "姓名,备注\n\"张三\",\"a,b \"\"x\"\"\nline2\"\nz,w\n", 0, 0,
     "1:姓名|备注\n2:张三|a,b \"x\"\nline2\n4:z|w\n", "UTF-8"},
    {"sheet-1.3 CRLF, CRLF inside quotes", "a,b\r\n\"x\r\ny\",z\r\nq,r", 0, 0,
     "1:a|b\n2:x\r\ny|z\n4:q|r\n", "UTF-8"},
    {"sheet-1.4 UTF-8 BOM", "\xEF\xBB\xBFid,name\n1,x\n", 0, 0, "1:id|name\n2:1|x\n", "UTF-8"},
    {"sheet-1.5 GBK converted", "\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\n\xd5\xc5\xc8\xfd,1\n",
     0, 0, "1:姓名|身份证\n2:张三|1\n", "GB18030"},
    {"sheet-1.6 GB18030 four-byte character", "\x95\x32\x82\x36,\xc0\xee\xcb\xc4\n", 0, 0,
     "1:𠀀|李四\n", "GB18030"},
    {"sheet-1.7 empty rows skipped, numbers are file lines", "a\n\n,,\n  , \r\nb\n", 0, 0,
     "1:a\n5:b\n", "UTF-8"},
    {"sheet-1.8 spaces trimmed, full-width too",
     " a , \" b \" ,\xe3\x80\x80"
     "c\xe3\x80\x80\n",
     0, 0, "1:a|b|c\n", "UTF-8"},
    {"sheet-1.9 lone CR ends lines", "a\rb\r", 0, 0, "1:a\n2:b\n", "UTF-8"},
    {"sheet-1.10 trailing comma, no final newline", "a,\nb", 0, 0, "1:a|\n2:b\n", "UTF-8"},
    {"sheet-1.11 quote inside a plain field is literal", "a\"b,c\n", 0, 0, "1:a\"b|c\n", "UTF-8"},
    {"sheet-1.12 blanks before a quoted field", "  \"x,y\" ,z\n", 0, 0, "1:x,y|z\n", "UTF-8"},
    {"sheet-1.13 empty file", "", 0, 0, "", "UTF-8"},
    {"sheet-1.14 only a BOM", "\xEF\xBB\xBF", 0, 0, "", "UTF-8"},
    {"sheet-1.15 text after a closing quote kept", "\"ab\"cd,e\n", 0, 0, "1:abcd|e\n", "UTF-8"},
    {"sheet-1.16 GBK BOM-less with CRLF and quotes", "\"\xd5\xc5,\xc8\xfd\"\r\n", 0, 0, "1:张,三\n",
     "GB18030"},
    {"sheet-2.1 unclosed quote names its row", "a\n\"b,c\nd\n", 0, ZW_EINVAL,
     "第 2 行的引号没有闭合", NULL},
    {"sheet-2.2 NUL byte refused", "a\0b\n", 4, ZW_EMEDIA, "空字符", NULL},
    {"sheet-2.3 UTF-16 refused",
     "\xFF\xFE"
     "a\0,\0",
     6, ZW_EMEDIA, "UTF-16", NULL},
    {"sheet-2.4 .xls refused", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12, ZW_EMEDIA, ".xls", NULL},
    {"sheet-2.5 neither UTF-8 nor GBK", "ok\n\x80\x80\x80\n", 0, ZW_EMEDIA, "无法识别的字符", NULL},
    {"sheet-2.6 GBK cut at the end of the file", "a,\xd5", 0, ZW_EMEDIA, "不完整", NULL},
};

static void test_csv(void **state)
{
    const struct csv_case *c = *state;
    struct buf out = {0};
    struct error err = {0};
    const char *enc = NULL;
    size_t len = c->len ? c->len : strlen(c->input);
    int rc = read_mem(c->input, len, &out, &err, &enc);
    if (c->rc == 0) {
        if (rc != 0)
            fail_msg("%s: rc %d: %s", c->id, rc, err.message);
        assert_string_equal(out.ptr ? out.ptr : "", c->want);
        assert_string_equal(enc, c->encoding);
    } else {
        assert_int_equal(rc, c->rc);
        if (!strstr(err.message, c->want))
            fail_msg("%s: message \"%s\" lacks \"%s\"", c->id, err.message, c->want);
    }
    buf_release(&out);
}

/* ---- CSV, plain ---- */

/* A GBK character cut by the 64 KB read buffer, at every offset around the boundary. */
static void test_gbk_split(void **state)
{
    for (size_t pre = 65530; pre <= 65540; pre++) {
        struct buf in = {0};
        buf_add(&in, "\xd0\xd5\xc3\xfb\n", 5); /* 姓名: makes the first chunk not UTF-8 */
        while (in.len < pre)
            buf_addc(&in, in.len % 100 == 99 ? '\n' : 'x');
        buf_add(&in, ",\xd5\xc5\xc8\xfd,\xc0\xee\xcb\xc4\n", 10);
        struct buf out = {0};
        struct error err = {0};
        const char *enc = NULL;
        int rc = read_mem(in.ptr, in.len, &out, &err, &enc);
        if (rc != 0)
            fail_msg("prefix %zu: rc %d: %s", pre, rc, err.message);
        assert_string_equal(enc, "GB18030");
        assert_memory_equal(out.ptr, "1:姓名\n2:x", strlen("1:姓名\n2:x"));
        const char *tail = strrchr(out.ptr, '|') - strlen("|张三");
        assert_string_equal(tail, "|张三|李四\n");
        buf_release(&in);
        buf_release(&out);
    }
}

/* A UTF-8 character cut by the first 64 KB window does not make the file GBK. */
static void test_utf8_split(void **state)
{
    for (size_t pre = 65533; pre <= 65536; pre++) {
        struct buf in = {0};
        while (in.len < pre)
            buf_addc(&in, in.len % 100 == 99 ? '\n' : 'y');
        buf_adds(&in, ",张三\n");
        struct buf out = {0};
        struct error err = {0};
        const char *enc = NULL;
        int rc = read_mem(in.ptr, in.len, &out, &err, &enc);
        if (rc != 0)
            fail_msg("prefix %zu: rc %d: %s", pre, rc, err.message);
        assert_string_equal(enc, "UTF-8");
        assert_non_null(strstr(out.ptr, "|张三\n"));
        buf_release(&in);
        buf_release(&out);
    }
}

/* Invalid UTF-8 after a valid first 64 KB is refused on its row. */
static void test_utf8_late_garbage(void **state)
{
    struct buf in = {0};
    for (int i = 0; in.len < 70000; i++)
        buf_addf(&in, "%d,ok\n", i);
    buf_adds(&in, "bad,\xd5\xc5\n");
    struct buf out = {0};
    struct error err = {0};
    int rc = read_mem(in.ptr, in.len, &out, &err, NULL);
    assert_int_equal(rc, ZW_EINVAL);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_non_null(strstr(err.message, "第 "));
    buf_release(&in);
    buf_release(&out);
}

static void test_cols_cap(void **state)
{
    struct buf in = {0};
    buf_adds(&in, "ok\n");
    for (int i = 0; i < ZW_SHEET_MAX_COLS; i++)
        buf_adds(&in, i ? ",c" : "c");
    buf_addc(&in, '\n');
    struct buf out = {0};
    struct error err = {0};
    assert_int_equal(read_mem(in.ptr, in.len, &out, &err, NULL), 0);
    buf_reset(&out);
    buf_adds(&in, "x,");
    for (int i = 0; i < ZW_SHEET_MAX_COLS; i++)
        buf_adds(&in, ",c");
    buf_addc(&in, '\n');
    assert_int_equal(read_mem(in.ptr, in.len, &out, &err, NULL), ZW_EINVAL);
    assert_non_null(strstr(err.message, "第 3 行列数过多"));
    /* The rows before the bad one were read. */
    assert_memory_equal(out.ptr, "1:ok\n2:c|", 9);
    buf_release(&in);
    buf_release(&out);
}

static void test_cell_cap(void **state)
{
    struct buf in = {0};
    buf_adds(&in, "a\nb,");
    for (int i = 0; i < ZW_SHEET_MAX_CELL; i++)
        buf_addc(&in, 'z');
    buf_adds(&in, "\n");
    struct buf out = {0};
    struct error err = {0};
    assert_int_equal(read_mem(in.ptr, in.len, &out, &err, NULL), 0);
    buf_adds(&in, "c,\"z");
    for (int i = 0; i < ZW_SHEET_MAX_CELL; i++)
        buf_addc(&in, 'z');
    buf_adds(&in, "\"\n");
    buf_reset(&out);
    assert_int_equal(read_mem(in.ptr, in.len, &out, &err, NULL), ZW_EINVAL);
    assert_non_null(strstr(err.message, "第 3 行单元格过长"));
    buf_release(&in);
    buf_release(&out);
}

/* The same CSV read from a file, with rows over several 64 KB chunks. */
static void test_csv_file(void **state)
{
    struct buf in = {0};
    for (int i = 1; i <= 20000; i++)
        buf_addf(&in, "%d,\"名字 %d\",\"多\n行\"\r\n", i, i);
    const char *path = temp_path(".csv");
    write_file(path, in.ptr, in.len);
    struct sheet *s;
    struct error err = {0};
    assert_int_equal(sheet_open(path, MAX_BYTES, &s, &err), 0);
    assert_int_equal(sheet_format(s), SHEET_CSV);
    const char **cells;
    size_t n;
    long row;
    int count = 0, rc;
    while ((rc = sheet_next(s, &cells, &n, &row, &err)) == 1) {
        count++;
        assert_int_equal(n, 3);
        assert_int_equal(row, 2 * count - 1);
        char want[32];
        snprintf(want, sizeof(want), "名字 %d", count);
        assert_string_equal(cells[1], want);
        assert_string_equal(cells[2], "多\n行");
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count, 20000);
    /* The end is sticky. */
    assert_int_equal(sheet_next(s, &cells, &n, &row, &err), 0);
    sheet_close(s);
    unlink(path);
    buf_release(&in);
}

static void test_too_big(void **state)
{
    const char *path = temp_path(".big");
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 100L * 1024 * 1024), 0);
    close(fd);
    struct sheet *s = NULL;
    struct error err = {0};
    assert_int_equal(sheet_open(path, MAX_BYTES, &s, &err), ZW_ETOOBIG);
    assert_null(s);
    assert_non_null(strstr(err.message, "64 MB"));
    unlink(path);
    /* In memory too. */
    static const char small[] = "a,b\nc,d\n";
    assert_int_equal(sheet_open_mem(small, sizeof(small) - 1, 4, &s, &err), ZW_ETOOBIG);
    assert_int_equal(sheet_open(temp_path(".none"), MAX_BYTES, &s, &err), ZW_EIO);
}

/* ---- XLSX written by libxlsxwriter ---- */

static void make_workbook(const char *path, bool constant_memory)
{
    lxw_workbook_options opt = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "户籍");
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "其他");
    lxw_format *iso = workbook_add_format(wb);
    format_set_num_format(iso, "yyyy-mm-dd");
    lxw_format *zh = workbook_add_format(wb);
    format_set_num_format(zh, "yyyy\"年\"m\"月\"d\"日\"");
    lxw_format *builtin = workbook_add_format(wb);
    format_set_num_format_index(builtin, 14);
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00\"元\"");
    lxw_format *time = workbook_add_format(wb);
    format_set_num_format(time, "h:mm");

    worksheet_write_string(ws, 0, 0, "姓名", NULL);
    worksheet_write_string(ws, 0, 1, "身份证号", NULL);
    worksheet_write_string(ws, 0, 2, "出生日期", NULL);
    worksheet_write_string(ws, 0, 3, "人数", NULL);

    worksheet_write_string(ws, 1, 0, " 张三 ", NULL);
    worksheet_write_string(ws, 1, 1, "500236197001011234", NULL);
    lxw_datetime d = {1970, 1, 1, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 2, &d, iso);
    worksheet_write_number(ws, 1, 3, 4, NULL);
    worksheet_write_number(ws, 1, 4, 3.5, NULL);
    worksheet_write_boolean(ws, 1, 5, 1, NULL);

    /* Row 3 left empty; row 4 has an ID number typed as a number and gaps. */
    worksheet_write_string(ws, 3, 0, "李四", NULL);
    worksheet_write_number(ws, 3, 1, 500236197001011234.0, NULL);
    lxw_datetime d2 = {2024, 2, 29, 13, 30, 0};
    worksheet_write_datetime(ws, 3, 2, &d2, zh);
    worksheet_write_number(ws, 3, 4, 45292, builtin);
    worksheet_write_number(ws, 3, 5, 1234.5, money);
    worksheet_write_number(ws, 3, 6, 0.5, time);
    worksheet_write_number(ws, 3, 7, -12, NULL);

    worksheet_write_string(ws, 4, 2, "只有 C 列", NULL);
    if (!constant_memory)
        worksheet_merge_range(ws, 5, 0, 6, 2, "合并的单元格", NULL);
    worksheet_write_string(ws2, 0, 0, "不该读到", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static const char want_book[] =
    "1:姓名|身份证号|出生日期|人数\n"
    "2:张三|500236197001011234|1970-01-01|4|3.5|1\n"
    "4:李四|5.00236197001011e+17|2024-02-29||2024-01-01|1234.5|0.5|-12\n"
    "5:||只有 C 列\n";

static void check_book(bool constant_memory)
{
    const char *path = temp_path(".xlsx");
    make_workbook(path, constant_memory);
    struct sheet *s;
    struct error err = {0};
    assert_int_equal(sheet_open(path, MAX_BYTES, &s, &err), 0);
    assert_int_equal(sheet_format(s), SHEET_XLSX);
    assert_string_equal(sheet_encoding(s), "UTF-8");
    size_t nm;
    const struct sheet_merge *m = sheet_merges(s, &nm);
    struct buf out = {0};
    if (constant_memory) {
        assert_int_equal(nm, 0);
    } else {
        assert_int_equal(nm, 1);
        assert_int_equal(m[0].row1, 6);
        assert_int_equal(m[0].col1, 1);
        assert_int_equal(m[0].row2, 7);
        assert_int_equal(m[0].col2, 3);
    }
    int rc = dump(s, &out, &err);
    if (rc != 0)
        fail_msg("rc %d: %s", rc, err.message);
    sheet_close(s);
    if (constant_memory) {
        assert_string_equal(out.ptr, want_book);
    } else {
        /* The merged range's first cell holds the value; the others are not written. */
        struct buf want = {0};
        buf_adds(&want, want_book);
        buf_adds(&want, "6:合并的单元格\n");
        assert_string_equal(out.ptr, want.ptr);
        buf_release(&want);
    }
    /* From memory, the same rows. */
    size_t len;
    unsigned char *data = read_file(path, &len);
    struct buf out2 = {0};
    assert_int_equal(read_mem(data, len, &out2, &err, NULL), 0);
    assert_string_equal(out2.ptr, out.ptr);
    free(data);
    buf_release(&out);
    buf_release(&out2);
    unlink(path);
}

static void test_xlsx_shared(void **state)
{
    check_book(false);
}

static void test_xlsx_inline(void **state)
{
    check_book(true);
}

/* A truncated and a corrupted copy of a real workbook are refused. */
static void test_xlsx_corrupt(void **state)
{
    const char *path = temp_path(".xlsx");
    make_workbook(path, false);
    size_t len;
    unsigned char *data = read_file(path, &len);
    unlink(path);
    struct buf out = {0};
    struct error err = {0};
    assert_int_equal(read_mem(data, len / 2, &out, &err, NULL), ZW_EMEDIA);
    assert_non_null(strstr(err.message, "zip 损坏"));
    /* Flip bytes inside every entry's compressed data: a CRC or inflate error somewhere. */
    for (size_t i = 200; i + 400 < len; i += 97)
        data[i] ^= 0x55;
    buf_reset(&out);
    assert_int_equal(read_mem(data, len, &out, &err, NULL), ZW_EMEDIA);
    free(data);
    buf_release(&out);
}

/* ---- XLSX built by hand with libzip ---- */

struct entry {
    const char *name;
    const char *data;
    size_t len; /* 0: strlen(data) */
    bool store; /* no compression */
};

/* Builds a zip of entries[0..n) in memory; returns malloc'd bytes. */
static unsigned char *make_zip(const struct entry *entries, size_t n, size_t *len)
{
    const char *path = temp_path(".zip");
    int ze;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    for (size_t i = 0; i < n; i++) {
        size_t l = entries[i].len ? entries[i].len : strlen(entries[i].data);
        zip_source_t *src = zip_source_buffer(za, entries[i].data, l, 0);
        assert_non_null(src);
        zip_int64_t idx = zip_file_add(za, entries[i].name, src, ZIP_FL_OVERWRITE);
        assert_true(idx >= 0);
        if (entries[i].store)
            zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    assert_int_equal(zip_close(za), 0);
    unsigned char *data = read_file(path, len);
    unlink(path);
    return data;
}

/* Sets the uncompressed size of entry name in its local and central headers. */
static void patch_size(unsigned char *zip, size_t len, const char *name, uint32_t size)
{
    size_t nl = strlen(name);
    int patched = 0;
    for (size_t i = 0; i + 46 + nl <= len; i++) {
        size_t at = 0;
        if (memcmp(zip + i, "PK\3\4", 4) == 0 && memcmp(zip + i + 30, name, nl) == 0)
            at = i + 22;
        else if (memcmp(zip + i, "PK\1\2", 4) == 0 && memcmp(zip + i + 46, name, nl) == 0)
            at = i + 24;
        if (at) {
            for (int b = 0; b < 4; b++)
                zip[at + (size_t)b] = (unsigned char)(size >> (8 * b));
            patched++;
        }
    }
    assert_int_equal(patched, 2);
}

static const char wb_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook "
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<workbookPr date1904=\"1\"/><sheets><sheet name=\"b\" sheetId=\"2\" r:id=\"rId7\"/>"
    "<sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static const char rels_xml[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"x\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId7\" Type=\"x\" Target=\"/xl/worksheets/../worksheets/data.xml\"/>"
    "</Relationships>";

static const char sst_xml[] =
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<si><t>王五</t></si><si><r><rPr><b/></rPr><t xml:space=\"preserve\">富 </t></r>"
    "<r><t>文本</t></r><rPh><t>ふりがな</t></rPh></si><si><t>&lt;&amp;&gt;</t></si></sst>";

static const char styles_xml[] =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"[$-804]yyyy&quot;年&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"&quot;day&quot;0.0\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
    "</cellXfs></styleSheet>";

#define SHEET_HEAD "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

static const char data_xml[] = SHEET_HEAD
    "<sheetData><row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
    "<c r=\"D1\" t=\"s\"><v>2</v></c></row>"
    "<row><c t=\"b\"><v>0</v></c><c t=\"e\"><v>#DIV/0!</v></c>"
    "<c t=\"str\"><f>A1</f><v>公式</v></c><c s=\"1\"><v>0</v></c><c s=\"2\"><v>12</v></c>"
    "<c t=\"inlineStr\"><is><t>内联</t></is></c></row>"
    "<row r=\"9\"><c r=\"B9\"><v>1E-3</v></c></row><row><c><v>7</v></c></row>"
    "</sheetData><mergeCells count=\"2\"><mergeCell ref=\"B2:A1\"/>"
    "<mergeCell ref=\"C3:D9\"/></mergeCells></worksheet>";

/* A hand-made workbook: second sheet first in order, 1904 dates, rich text, all cell types. */
static void test_xlsx_handmade(void **state)
{
    const struct entry e[] = {
        {"xl/workbook.xml", wb_xml, 0, false},
        {"xl/_rels/workbook.xml.rels", rels_xml, 0, false},
        {"xl/sharedStrings.xml", sst_xml, 0, false},
        {"xl/styles.xml", styles_xml, 0, true},
        {"xl/worksheets/data.xml", data_xml, 0, false},
        {"xl/worksheets/sheet1.xml",
         SHEET_HEAD "<sheetData><row><c><v>1</v></c></row></sheetData>"
                    "</worksheet>",
         0, false},
    };
    size_t len;
    unsigned char *zip = make_zip(e, N_CASES(e), &len);
    struct sheet *s;
    struct error err = {0};
    assert_int_equal(sheet_open_mem(zip, len, MAX_BYTES, &s, &err), 0);
    size_t nm;
    const struct sheet_merge *m = sheet_merges(s, &nm);
    assert_int_equal(nm, 2);
    assert_int_equal(m[0].row1, 1);
    assert_int_equal(m[0].col1, 1);
    assert_int_equal(m[0].row2, 2);
    assert_int_equal(m[0].col2, 2);
    assert_int_equal(m[1].row1, 3);
    assert_int_equal(m[1].col2, 4);
    struct buf out = {0};
    assert_int_equal(dump(s, &out, &err), 0);
    sheet_close(s);
    assert_string_equal(out.ptr, "1:王五|富 文本||<&>\n"
                                 "2:0||公式|1904-01-01|12|内联\n"
                                 "9:|0.001\n"
                                 "10:7\n");
    buf_release(&out);
    free(zip);
}

static void refused(const struct entry *e, size_t n, int code, const char *fragment)
{
    size_t len;
    unsigned char *zip = make_zip(e, n, &len);
    struct buf out = {0};
    struct error err = {0};
    int rc = read_mem(zip, len, &out, &err, NULL);
    if (rc != code || !strstr(err.message, fragment))
        fail_msg("rc %d, message \"%s\", wanted %d and \"%s\"", rc, err.message, code, fragment);
    buf_release(&out);
    free(zip);
}

static void test_xlsx_doctype(void **state)
{
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                         "<sst><si><t>&b;</t></si></sst>";
    const struct entry e[] = {
        {"xl/sharedStrings.xml", laughs, 0, false},
        {"xl/worksheets/sheet1.xml", data_xml, 0, false},
    };
    refused(e, N_CASES(e), ZW_EMEDIA, "DOCTYPE");
    const char *ext = "<?xml version=\"1.0\"?><!DOCTYPE worksheet SYSTEM \"file:///etc/passwd\">"
                      "<worksheet/>";
    const struct entry e2[] = {{"xl/worksheets/sheet1.xml", ext, 0, false}};
    refused(e2, N_CASES(e2), ZW_EMEDIA, "DOCTYPE");
}

static void test_xlsx_no_sheet(void **state)
{
    const struct entry e[] = {{"xl/workbook.xml", wb_xml, 0, false}};
    refused(e, N_CASES(e), ZW_EMEDIA, "找不到工作表");
    const struct entry e2[] = {{"xl/worksheets/sheet1.xml", "<worksheet><sheetData>", 0, false}};
    refused(e2, N_CASES(e2), ZW_EMEDIA, "XML 有错误");
}

/* A sheet part that inflates more than ZW_SHEET_MAX_RATIO times its size. */
static void test_xlsx_ratio_bomb(void **state)
{
    size_t n = 2 * 1024 * 1024;
    char *xml = malloc(n + 1);
    assert_non_null(xml);
    memset(xml, ' ', n);
    memcpy(xml, "<worksheet><sheetData>", 22);
    memcpy(xml + n - 24, "</sheetData></worksheet>", 24);
    xml[n] = '\0';
    const struct entry e[] = {{"xl/worksheets/sheet1.xml", xml, n, false}};
    refused(e, N_CASES(e), ZW_EMEDIA, "工作表解压后过大，疑似压缩炸弹");
    free(xml);
}

/* A part declaring more than ZW_SHEET_MAX_PART bytes at a harmless ratio. */
static void test_xlsx_part_cap(void **state)
{
    size_t n = 2 * 1024 * 1024;
    char *junk = malloc(n);
    assert_non_null(junk);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)('a' + (x >> 16) % 26);
    }
    const struct entry e[] = {{"xl/worksheets/sheet1.xml", junk, n, true}};
    size_t len;
    unsigned char *zip = make_zip(e, N_CASES(e), &len);
    patch_size(zip, len, "xl/worksheets/sheet1.xml", 300u * 1024 * 1024);
    struct buf out = {0};
    struct error err = {0};
    assert_int_equal(read_mem(zip, len, &out, &err, NULL), ZW_EMEDIA);
    assert_non_null(strstr(err.message, "疑似压缩炸弹"));
    free(zip);
    free(junk);
    buf_release(&out);
}

/* A part whose headers claim 1,000 bytes but that inflates to 500 KB. */
static void test_xlsx_lying_size(void **state)
{
    struct buf xml = {0};
    buf_adds(&xml, SHEET_HEAD "<sheetData>");
    for (int i = 1; xml.len < 500000; i++)
        buf_addf(&xml, "<row r=\"%d\"><c><v>%d</v></c></row>", i, i);
    buf_adds(&xml, "</sheetData></worksheet>");
    const struct entry e[] = {{"xl/worksheets/sheet1.xml", xml.ptr, xml.len, false}};
    size_t len;
    unsigned char *zip = make_zip(e, N_CASES(e), &len);
    patch_size(zip, len, "xl/worksheets/sheet1.xml", 1000);
    struct buf out = {0};
    struct error err = {0};
    assert_int_equal(read_mem(zip, len, &out, &err, NULL), ZW_EMEDIA);
    assert_non_null(strstr(err.message, "疑似压缩炸弹"));
    free(zip);
    buf_release(&xml);
    buf_release(&out);
}

static void test_xlsx_caps(void **state)
{
    struct buf xml = {0};
    buf_adds(&xml, SHEET_HEAD
             "<sheetData><row><c><v>1</v></c></row><row r=\"5\"><c t=\"inlineStr\"><is><t>");
    for (int i = 0; i <= ZW_SHEET_MAX_CELL; i++)
        buf_addc(&xml, 'x');
    buf_adds(&xml, "</t></is></c></row></sheetData></worksheet>");
    const struct entry e[] = {{"xl/worksheets/sheet1.xml", xml.ptr, xml.len, false}};
    refused(e, N_CASES(e), ZW_EINVAL, "第 5 行单元格过长");
    const struct entry e2[] = {
        {"xl/worksheets/sheet1.xml",
         SHEET_HEAD
         "<sheetData><row r=\"3\"><c r=\"IW3\"><v>1</v></c></row></sheetData></worksheet>",
         0, false}};
    refused(e2, N_CASES(e2), ZW_EINVAL, "第 3 行列数过多");
    const struct entry e3[] = {
        {"xl/worksheets/sheet1.xml",
         SHEET_HEAD "<sheetData><row><c t=\"s\"><v>3</v></c></row></sheetData></worksheet>", 0,
         false}};
    refused(e3, N_CASES(e3), ZW_EMEDIA, "共享字符串");
    buf_release(&xml);
}

/* A large sheet streams: many rows, each read in turn with the right number. */
static void test_xlsx_many_rows(void **state)
{
    const char *path = temp_path(".xlsx");
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    for (lxw_row_t r = 0; r < 30000; r++) {
        worksheet_write_number(ws, r, 0, r + 1, NULL);
        worksheet_write_string(ws, r, 1, "村民", NULL);
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    struct sheet *s;
    struct error err = {0};
    assert_int_equal(sheet_open(path, MAX_BYTES, &s, &err), 0);
    const char **cells;
    size_t n;
    long row, count = 0;
    int rc;
    while ((rc = sheet_next(s, &cells, &n, &row, &err)) == 1) {
        count++;
        char want[16];
        snprintf(want, sizeof(want), "%ld", count);
        assert_int_equal(row, count);
        assert_string_equal(cells[0], want);
        assert_string_equal(cells[1], "村民");
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count, 30000);
    sheet_close(s);
    unlink(path);
}

static const struct plain_case plain_cases[] = {
    {"sheet-3.1 GBK character cut by the read buffer", test_gbk_split},
    {"sheet-3.2 UTF-8 character cut by the detection window", test_utf8_split},
    {"sheet-3.3 invalid UTF-8 after the first 64 KB", test_utf8_late_garbage},
    {"sheet-3.4 too many columns", test_cols_cap},
    {"sheet-3.5 cell too long", test_cell_cap},
    {"sheet-3.6 CSV from a file over many chunks", test_csv_file},
    {"sheet-3.7 file over max_bytes (sparse 100 MB)", test_too_big},
    {"sheet-4.1 xlsx with shared strings, dates, IDs, merged range", test_xlsx_shared},
    {"sheet-4.2 xlsx with inline strings (constant memory)", test_xlsx_inline},
    {"sheet-4.3 truncated and corrupted xlsx", test_xlsx_corrupt},
    {"sheet-4.4 hand-made xlsx: 1904, rich text, cell types", test_xlsx_handmade},
    {"sheet-4.5 DOCTYPE refused", test_xlsx_doctype},
    {"sheet-4.6 no worksheet, broken XML", test_xlsx_no_sheet},
    {"sheet-4.7 zip bomb by ratio", test_xlsx_ratio_bomb},
    {"sheet-4.8 part declared over the cap", test_xlsx_part_cap},
    {"sheet-4.9 part inflating past its declared size", test_xlsx_lying_size},
    {"sheet-4.10 xlsx cell and column caps, bad shared string", test_xlsx_caps},
    {"sheet-4.11 30,000 rows streamed", test_xlsx_many_rows},
};

int main(void)
{
    struct CMUnitTest tests[N_CASES(csv_cases) + N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_csv, csv_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
