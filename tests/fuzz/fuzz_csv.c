/*
 * fuzz_csv.c - libFuzzer target for csv_split: any bytes as one line must
 * split without reading or writing outside it, every field must lie inside
 * the line, and the fields must not overlap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    char *fields[8];
    size_t n = csv_split(line, fields, 8);
    if (n < 1 || n > 8)
        abort();
    const char *prev_end = line;
    for (size_t i = 0; i < n; i++) {
        if (fields[i] < line || fields[i] > line + size)
            abort();
        if (fields[i] < prev_end)
            abort();
        prev_end = fields[i] + strlen(fields[i]);
        if (prev_end > line + size)
            abort();
    }
    free(line);
    return 0;
}
