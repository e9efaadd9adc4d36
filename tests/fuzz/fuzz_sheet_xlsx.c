/*
 * fuzz_sheet_xlsx.c - libFuzzer target for the XLSX side of sheet.h.
 *
 * An input starting with "PK" is read as a zip as it is.  Any other input is
 * split at "\n@@\n" into the parts of a workbook (the sheet, shared strings,
 * styles, workbook, workbook relationships, in that order), zipped with
 * libzip uncompressed and read: this reaches the XML handlers, which
 * mutated zips rarely do (their CRCs break).  Rows must keep the contract
 * (see fuzz_sheet_csv.c) and merged ranges must be ordered and 1-based.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "sheet.h"
#include "sheet_int.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const part_names[] = {
    "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",       "xl/styles.xml",
    "xl/workbook.xml",          "xl/_rels/workbook.xml.rels",
};

static void check(struct sheet *s)
{
    size_t nm;
    const struct sheet_merge *m = sheet_merges(s, &nm);
    for (size_t i = 0; i < nm; i++)
        if (m[i].row1 < 1 || m[i].col1 < 1 || m[i].row2 < m[i].row1 || m[i].col2 < m[i].col1)
            abort();
    const char **cells;
    size_t n;
    long row;
    struct error err = {0};
    int rc;
    while ((rc = sheet_next(s, &cells, &n, &row, &err)) == 1) {
        if (n < 1 || n > ZW_SHEET_MAX_COLS || row < 1)
            abort();
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(cells[i]);
            if (len > ZW_SHEET_MAX_CELL ||
                !sheet__utf8_valid((const unsigned char *)cells[i], len, NULL))
                abort();
        }
    }
    if (rc < 0 && rc != ZW_EINVAL && rc != ZW_EMEDIA)
        abort();
}

static void run(const uint8_t *data, size_t size)
{
    struct sheet *s;
    struct error err = {0};
    int rc = sheet_open_mem(data, size, 8 * 1024 * 1024, &s, &err);
    if (rc == 0) {
        check(s);
        sheet_close(s);
    } else if (!err.message[0] || (rc != ZW_EMEDIA && rc != ZW_EINVAL && rc != ZW_ETOOBIG)) {
        abort();
    }
}

/* Zips the parts of data into a malloc'd buffer; returns NULL if libzip fails. */
static uint8_t *zip_parts(const uint8_t *data, size_t size, size_t *out_len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src)
        return NULL;
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    uint8_t *out = NULL;
    if (!za)
        goto out_src;
    const uint8_t *p = data, *end = data + size;
    for (size_t i = 0; i < sizeof(part_names) / sizeof(part_names[0]) && p <= end; i++) {
        const uint8_t *sep = memmem(p, (size_t)(end - p), "\n@@\n", 4);
        const uint8_t *stop = sep ? sep : end;
        zip_source_t *ps = zip_source_buffer(za, p, (zip_uint64_t)(stop - p), 0);
        zip_int64_t idx = ps ? zip_file_add(za, part_names[i], ps, 0) : -1;
        if (idx < 0) {
            zip_source_free(ps);
            zip_discard(za);
            goto out_src;
        }
        zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
        if (!sep)
            break;
        p = sep + 4;
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        goto out_src;
    }
    zip_stat_t st;
    if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0)
        goto out_src;
    out = malloc(st.size ? st.size : 1);
    if (out && zip_source_read(src, out, st.size) != (zip_int64_t)st.size) {
        free(out);
        out = NULL;
    }
    *out_len = st.size;
    zip_source_close(src);
out_src:
    zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        run(data, size);
        return 0;
    }
    size_t len = 0;
    uint8_t *zip = zip_parts(data, size, &len);
    if (zip) {
        run(zip, len);
        free(zip);
    }
    return 0;
}
