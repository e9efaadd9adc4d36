/*
 * cmd_report.c - `zhenwu report --db DB --template CODE --year YYYY --out F.html|F.docx|F.pdf
 * [--area CODE] [--defs DIR]`: a work report of defs/reports/ for the
 * township (or the area of that code) and year, evaluated and written
 * synchronously (no job), as the command line's principal.  For the
 * benchmarks and for printing without the console.
 *
 * Exit status: 0 written, 1 an error (in Chinese on stderr), 2 wrong arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domain/doc_pdf.h"
#include "domain/report_template.h"
#include "banned.h"

/* The township: the first area of level township, descending from the top. */
static int township(struct db *db, struct arena *a, struct area *out, struct error *err)
{
    struct scope all = {.kind = SCOPE_ALL};
    struct area *v;
    size_t n;
    int64_t parent = 0;
    for (int depth = 0; depth < 4; depth++) {
        int rc = store_area_children(db, parent, &all, a, &v, &n, err);
        if (rc)
            return rc;
        if (!n)
            break;
        for (size_t i = 0; i < n; i++)
            if (strcmp(v[i].level, "township") == 0) {
                *out = v[i];
                return 0;
            }
        parent = v[0].id;
    }
    return err_set(err, ZW_ENOTFOUND, NULL, "数据库中没有乡镇");
}

int cmd_report(int argc, char **argv)
{
    const char *db_target = NULL, *tpl = NULL, *year_s = NULL, *out = NULL, *area_code = NULL,
               *defs_dir = cli_defs_dir();
    for (int i = 1; i < argc; i++) {
        const char **slot = strcmp(argv[i], "--db") == 0         ? &db_target
                            : strcmp(argv[i], "--template") == 0 ? &tpl
                            : strcmp(argv[i], "--year") == 0     ? &year_s
                            : strcmp(argv[i], "--out") == 0      ? &out
                            : strcmp(argv[i], "--area") == 0     ? &area_code
                            : strcmp(argv[i], "--defs") == 0     ? &defs_dir
                                                                 : NULL;
        if (!slot) {
            fprintf(stderr, "zhenwu report: 不认识的参数“%s”\n", argv[i]);
            return 2;
        }
        if (!(*slot = cli_arg(argc, argv, &i)))
            return 2;
    }
    const char *ext = out ? strrchr(out, '.') : NULL;
    int year = year_s ? (int)strtol(year_s, NULL, 10) : 0;
    if (!db_target || !tpl || year < 1950 || year > 2100 || !ext ||
        (strcmp(ext, ".html") != 0 && strcmp(ext, ".docx") != 0 && strcmp(ext, ".pdf") != 0)) {
        fprintf(stderr, "用法: zhenwu report --db 数据库 --template 模板代码 --year 年度 "
                        "--out 文件.html|文件.docx|文件.pdf [--area 区划代码]\n");
        return 2;
    }
    struct error err = {0};
    struct arena a = {0};
    struct store *store = NULL;
    struct indicators d;
    struct report_templates ts;
    json_t *report = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc = indicators_load(defs_dir, &a, &d, &err);
    if (!rc)
        rc = report_templates_load(defs_dir, &d, &a, &ts, &err);
    const struct report_template *t = rc ? NULL : report_template_find(&ts, tpl);
    if (!rc && !t)
        rc = err_set(&err, ZW_EINVAL, "template", "没有报告模板“%s”", tpl);
    if (!rc)
        rc = store_open(db_target, false, &store, &err);
    struct db *db = rc ? NULL : store_db(store, &err);
    if (!rc && !db)
        rc = err.code;
    struct area area;
    if (!rc)
        rc = area_code ? store_area_by_code(db, area_code, &area, &err)
                       : township(db, &a, &area, &err);
    struct zctx z;
    if (!rc) {
        cli_zctx(&z, db, &a);
        rc = store_begin(db, false, &err);
    }
    if (!rc)
        rc = report_evaluate(&z, t, &d, area.id, area.path, area.name, year, NULL, NULL, &report,
                             &err);
    if (db && store_in_tx(db))
        store_rollback(db);
    if (!rc && strcmp(ext, ".html") == 0) {
        struct buf b = {0};
        rc = report_html(report, true, &b) ? err_set(&err, ZW_ENOMEM, NULL, "内存不足") : 0;
        data = rc ? NULL : arena_strndup(&a, b.ptr, b.len);
        len = b.len;
        buf_release(&b);
    } else if (!rc) {
        rc = strcmp(ext, ".docx") == 0 ? report_docx(report, &a, &data, &len, &err)
                                       : report_pdf(report, &a, &data, &len, &err);
    }
    if (!rc) {
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(data, 1, len, f) != len)
            rc = err_set(&err, ZW_EIO, NULL, "无法写入 %s", out);
        if (f && fclose(f) != 0 && !rc)
            rc = err_set(&err, ZW_EIO, NULL, "无法写入 %s", out);
    }
    if (!rc)
        printf("已生成 %s：%s %d 年，%s\n", out, area.name, year, t->name);
    json_decref(report);
    doc_pdf_shutdown();
    if (store)
        store_close(store);
    arena_release(&a);
    return rc ? cli_fail(&err) : 0;
}
