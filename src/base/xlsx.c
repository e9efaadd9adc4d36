/* xlsx.c - one-sheet .xlsx files through libxlsxwriter; see xlsx.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "xlsx.h"
#include "banned.h"

/* The largest file read back into memory; past it the export is refused. */
#define XLSX_MAX_BYTES (48 * 1024 * 1024)

struct xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    size_t ncols, rows;
    char path[64];
    /* the number formats of xlsx_row_cells, by their text */
    char fmt_text[32][64];
    lxw_format *fmt[32];
    size_t nfmt;
};

int xlsx_open(const char *sheet, const char *const *headers, const double *widths, size_t ncols,
              struct xlsx **out, struct error *err)
{
    struct xlsx *x = calloc(1, sizeof(*x));
    if (!x)
        return err_set(err, ZW_ENOMEM, NULL, "内存不足");
    const char *tmp = getenv("TMPDIR");
    snprintf(x->path, sizeof(x->path), "%s/zhenwu-export-XXXXXX",
             tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    int fd = mkstemp(x->path);
    if (fd < 0) {
        free(x);
        return err_set(err, ZW_EIO, NULL, "无法创建导出文件");
    }
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    x->wb = workbook_new_opt(x->path, &opt);
    x->ws = x->wb ? workbook_add_worksheet(x->wb, sheet) : NULL;
    if (!x->ws) {
        xlsx_free(x);
        return err_set(err, ZW_EIO, NULL, "无法创建导出文件");
    }
    x->ncols = ncols;
    lxw_format *bold = workbook_add_format(x->wb);
    format_set_bold(bold);
    for (size_t i = 0; i < ncols; i++) {
        worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, widths ? widths[i] : 16, NULL);
        worksheet_write_string(x->ws, 0, (lxw_col_t)i, headers[i], bold);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    *out = x;
    return 0;
}

int xlsx_row(struct xlsx *x, const char *const *cells, struct error *err)
{
    lxw_row_t r = (lxw_row_t)(x->rows + 1);
    for (size_t i = 0; i < x->ncols; i++) {
        if (!cells[i] || !*cells[i])
            continue;
        if (worksheet_write_string(x->ws, r, (lxw_col_t)i, cells[i], NULL) != LXW_NO_ERROR)
            return err_set(err, ZW_EIO, NULL, "写入导出文件失败");
    }
    x->rows++;
    return 0;
}

/* The format of num_format (created on first use), or NULL (General) past the cap. */
static lxw_format *number_format(struct xlsx *x, const char *num_format)
{
    if (!num_format || !*num_format)
        return NULL;
    for (size_t i = 0; i < x->nfmt; i++)
        if (strcmp(x->fmt_text[i], num_format) == 0)
            return x->fmt[i];
    if (x->nfmt == sizeof(x->fmt) / sizeof(x->fmt[0]) ||
        strlen(num_format) >= sizeof(x->fmt_text[0]))
        return NULL;
    lxw_format *f = workbook_add_format(x->wb);
    if (!f)
        return NULL;
    format_set_num_format(f, num_format);
    snprintf(x->fmt_text[x->nfmt], sizeof(x->fmt_text[0]), "%s", num_format);
    x->fmt[x->nfmt++] = f;
    return f;
}

int xlsx_row_cells(struct xlsx *x, const struct xlsx_cell *cells, struct error *err)
{
    lxw_row_t r = (lxw_row_t)(x->rows + 1);
    for (size_t i = 0; i < x->ncols; i++) {
        lxw_error e = LXW_NO_ERROR;
        if (cells[i].number)
            e = worksheet_write_number(x->ws, r, (lxw_col_t)i, cells[i].value,
                                       number_format(x, cells[i].num_format));
        else if (cells[i].text && *cells[i].text)
            e = worksheet_write_string(x->ws, r, (lxw_col_t)i, cells[i].text, NULL);
        if (e != LXW_NO_ERROR)
            return err_set(err, ZW_EIO, NULL, "写入导出文件失败");
    }
    x->rows++;
    return 0;
}

size_t xlsx_rows(const struct xlsx *x)
{
    return x->rows;
}

int xlsx_finish(struct xlsx *x, struct arena *a, const char **data, size_t *len, struct error *err)
{
    int rc = 0;
    if (x->ncols)
        worksheet_autofilter(x->ws, 0, 0, (lxw_row_t)x->rows, (lxw_col_t)(x->ncols - 1));
    lxw_error e = workbook_close(x->wb);
    x->wb = NULL;
    FILE *f = e == LXW_NO_ERROR ? fopen(x->path, "rb") : NULL;
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (!f || size < 0 || size > XLSX_MAX_BYTES || fseek(f, 0, SEEK_SET) != 0) {
        rc = err_set(err, ZW_EIO, NULL, "生成导出文件失败");
        goto out_file;
    }
    char *buf = arena_alloc(a, (size_t)size + 1);
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        rc = err_set(err, ZW_EIO, NULL, "读取导出文件失败");
        goto out_file;
    }
    *data = buf;
    *len = (size_t)size;
out_file:
    if (f)
        fclose(f);
    xlsx_free(x);
    return rc;
}

void xlsx_free(struct xlsx *x)
{
    if (!x)
        return;
    if (x->wb)
        workbook_close(x->wb);
    unlink(x->path);
    free(x);
}
