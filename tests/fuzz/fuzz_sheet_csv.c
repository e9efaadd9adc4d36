/*
 * fuzz_sheet_csv.c - libFuzzer target for the CSV side of sheet.h: any bytes
 * open and read row by row without reading outside them, and every row it
 * hands out keeps the contract: 1..ZW_SHEET_MAX_COLS cells, each valid UTF-8
 * of at most ZW_SHEET_MAX_CELL bytes with no surrounding blanks, rows
 * numbered upwards from 1, errors only with the codes sheet.h names.
 *
 * An input starting with byte 0x01 is repeated (without that byte) past
 * 64 KB, so that records and GBK characters straddle the read buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "sheet_int.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rows(struct sheet *s)
{
    const char **cells;
    size_t n;
    long row, last = 0;
    struct error err = {0};
    int rc;
    while ((rc = sheet_next(s, &cells, &n, &row, &err)) == 1) {
        if (n < 1 || n > ZW_SHEET_MAX_COLS || row < 1 || row < last)
            abort();
        last = row;
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(cells[i]);
            if (len > ZW_SHEET_MAX_CELL)
                abort();
            if (!sheet__utf8_valid((const unsigned char *)cells[i], len, NULL))
                abort();
            if (len && (cells[i][0] == ' ' || cells[i][len - 1] == ' '))
                abort();
            any = any || len > 0;
        }
        if (!any)
            abort();
    }
    if (rc < 0 && rc != ZW_EINVAL && rc != ZW_EMEDIA && rc != ZW_ETOOBIG)
        abort();
    if (rc < 0 && (!err.message[0] || sheet_next(s, &cells, &n, &row, &err) != rc))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *big = NULL;
    if (size > 1 && data[0] == 0x01) {
        size_t unit = size - 1, total = 0;
        big = malloc(70000 + unit);
        if (!big)
            return 0;
        while (total < 70000) {
            memcpy(big + total, data + 1, unit);
            total += unit;
        }
        data = big;
        size = total;
    }
    struct sheet *s;
    struct error err = {0};
    int rc = sheet_open_mem(data, size, 1024 * 1024, &s, &err);
    if (rc == 0) {
        check_rows(s);
        sheet_close(s);
    } else if (!err.message[0]) {
        abort();
    }
    free(big);
    return 0;
}
