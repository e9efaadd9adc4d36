/*
 * case_import.h - registering many cases of one type from a CSV list (the
 * county's rectification list, 三单一台账): a header row of Chinese column
 * names, one case per row, each through cases_create in the caller's
 * transaction, with a row-by-row report in Chinese.
 *
 * Columns: 区划代码 (required: a village, group or grid in scope), 标题,
 * 内容 (required), 类别 (optional: the category's name or code), and any of
 * the type's own fields by their names (text, choice, date, integer, money;
 * 整改时限 as YYYY-MM-DD, money in 元).  Unknown columns are refused.
 */
#ifndef ZW_CASE_IMPORT_H
#define ZW_CASE_IMPORT_H

#include "casedef.h"
#include "domain.h"

#define IMPORT_MAX_ROWS    5000
#define IMPORT_MAX_COLUMNS 32

struct import_issue {
    int row;             /* 1-based line number in the file (the header is line 1) */
    const char *column;  /* the column's name, or NULL for the whole row */
    const char *message; /* Chinese */
};

struct import_result {
    int rows;  /* data rows read */
    int valid; /* rows registered (in the caller's transaction) */
    struct import_issue *issues;
    size_t nissues;
    struct {
        int row;
        int64_t id;
        const char *serial;
    } * created;
};

/*
 * Registers every valid row of text (UTF-8 CSV, arena-owned, modified in
 * place).  Rows with a problem are reported and skipped; the caller decides
 * from out->nissues whether to commit.  Returns 0, or a code for a problem
 * with the file itself (no header, too many rows) or the database.
 */
int cases_import_csv(struct zctx *z, const struct case_types *types, const char *type, char *text,
                     size_t len, struct import_result *out, struct error *err);

#endif
