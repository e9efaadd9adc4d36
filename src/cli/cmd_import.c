/*
 * cmd_import.c - `zhenwu import --db DB --kind households|persons|incomes|department|payments
 * --file F [--commit valid|all] [--defs DIR]`: the registry and payments import of
 * domain/importer.h from the command line, synchronously (no job, no
 * thread).  Always checks every row and prints the report in Chinese; with
 * --commit, the same pass writes in one transaction (the valid rows, or all
 * rows when none has an error) and prints the count.  Progress goes to
 * stderr every 10,000 rows.
 *
 * Exit status: 0 when the file has no error (or the commit wrote its rows),
 * 1 when it has errors and nothing was written, 2 for wrong arguments.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "domain/importer.h"
#include "domain/importer_payments.h"
#include "limits.h"
#include "banned.h"

#define CLI_PROGRESS_EVERY 10000

static void print_progress(void *ud, long done)
{
    long *last = ud;
    if (done - *last >= CLI_PROGRESS_EVERY) {
        fprintf(stderr, "已处理 %ld 行\n", done);
        *last = done;
    }
}

static void print_issues(json_t *list, const char *what)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *col = json_string_value(json_object_get(e, "column"));
        printf("  %s 第 %lld 行%s%s：%s\n", what,
               (long long)json_integer_value(json_object_get(e, "row")), col ? " " : "",
               col ? col : "", json_string_value(json_object_get(e, "message")));
    }
}

static void print_report(const struct import_kind *k, const char *file,
                         const struct import_result *r)
{
    printf("检查%s文件 %s：共 %ld 行，有效 %ld 行，错误 %ld 处，警告 %ld 处\n", k->name, file,
           r->rows, r->valid, r->nerrors, r->nwarnings);
    print_issues(json_object_get(r->report, "errors"), "错误");
    print_issues(json_object_get(r->report, "warnings"), "警告");
    if (r->nerrors + r->nwarnings > ZW_IMPORT_MAX_ISSUES)
        printf("  （问题过多，只列出前 %d 处错误和警告）\n", ZW_IMPORT_MAX_ISSUES);
}

int cmd_import(int argc, char **argv)
{
    const char *db_target = NULL, *kind = NULL, *file = NULL, *commit = NULL,
               *defs_dir = cli_defs_dir();
    for (int i = 1; i < argc; i++) {
        const char **slot = strcmp(argv[i], "--db") == 0       ? &db_target
                            : strcmp(argv[i], "--kind") == 0   ? &kind
                            : strcmp(argv[i], "--file") == 0   ? &file
                            : strcmp(argv[i], "--commit") == 0 ? &commit
                            : strcmp(argv[i], "--defs") == 0   ? &defs_dir
                                                               : NULL;
        if (!slot) {
            fprintf(stderr, "zhenwu import: 不认识的参数“%s”\n", argv[i]);
            return 2;
        }
        if (!(*slot = cli_arg(argc, argv, &i)))
            return 2;
    }
    const struct import_kind *k = importer_kind(kind);
    int mode = commit ? importer_mode_parse(commit) : IMPORT_DRY_RUN;
    if (!db_target || !file || !k || mode < 0) {
        fprintf(
            stderr,
            "用法: zhenwu import --db 数据库 --kind households|persons|incomes|department|payments "
            "--file 文件(.csv/.xlsx) [--commit valid|all]\n"
            "  先检查并打印报告；--commit valid 只导入有效行，--commit all "
            "仅在没有错误时全部导入\n");
        return 2;
    }
    struct error err = {0};
    struct store *store = NULL;
    struct registry_defs *defs = NULL;
    struct arena a = {0};
    struct import_result check = {0}, done = {0};
    int status = 1, rc;
    struct programmes programmes;
    if ((rc = registry_load(defs_dir, &defs, &err)) ||
        (rc = benefits_load(defs_dir, NULL, &a, &programmes, &err)) ||
        (rc = store_open(db_target, true, &store, &err)))
        goto out;
    importer_payments_use(&programmes);
    struct db *db = store_db(store, &err);
    if (!db) {
        rc = err.code;
        goto out;
    }
    struct zctx z;
    cli_zctx(&z, db, &a);
    long last = 0;
    struct import_opts o = {.kind = k,
                            .path = file,
                            .max_bytes = ZW_MAX_CLI_IMPORT_BYTES,
                            .mode = IMPORT_DRY_RUN,
                            .progress = print_progress,
                            .ud = &last};
    if (mode != IMPORT_DRY_RUN) {
        /*
         * One pass checks every row and writes the valid ones in one
         * transaction: its report is the dry run's.  Mode "all" stops at the
         * first error and rolls back; the dry run below then lists them all.
         */
        o.mode = mode;
        if ((rc = store_begin(db, true, &err)))
            goto out;
        rc = importer_run(&z, defs, &o, &done, &err);
        if (!rc && done.imported)
            rc = store_commit(db, &err);
        if (rc || !done.imported)
            store_rollback(db);
        if (rc && rc != ZW_EINVAL)
            goto out;
        if (!rc) {
            print_report(k, file, &done);
            if (!done.imported)
                printf("没有可导入的有效行\n");
            else
                printf("已导入%s %ld 行\n", k->name, done.imported);
            status = done.imported ? 0 : 1;
            goto out;
        }
        o.mode = IMPORT_DRY_RUN;
        last = 0;
    }
    if ((rc = store_begin(db, false, &err)))
        goto out;
    rc = importer_run(&z, defs, &o, &check, &err);
    store_rollback(db);
    if (rc)
        goto out;
    print_report(k, file, &check);
    status = check.nerrors ? 1 : 0;
    if (mode != IMPORT_DRY_RUN) {
        status = 1;
        printf("文件中有 %ld 处错误，未导入任何一行（可修改后重试，或用 --commit valid "
               "只导入有效行）\n",
               check.nerrors);
    }
out:
    if (rc)
        status = cli_fail(&err);
    json_decref(check.report);
    json_decref(done.report);
    arena_release(&a);
    if (defs)
        registry_free(defs);
    if (store)
        store_close(store);
    return status;
}
