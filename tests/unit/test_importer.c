/*
 * test_importer.c - unit tests of the registry importer's row checks
 * (src/domain/importer.c, importer_kinds.c, importer_payments.c): 元 -> 分 exactly, code tables
 * by name or code, 是/否, dates, years, cell names, and a dry run over a
 * CSV on an empty database (header mapping, required columns, reports).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases.h"
#include "domain/importer.h"
#include "domain/importer_payments.h"
#include "limits.h"
#include "banned.h"

struct yuan_case {
    const char *id, *in;
    int rc;
    int64_t fen;
    const char *why; /* a part of the message, for refusals */
};

static const struct yuan_case yuan_cases[] = {
    {"imp-1.1 whole yuan", "6000", 0, 600000, NULL},
    {"imp-1.2 one decimal", "800.5", 0, 80050, NULL},
    {"imp-1.3 two decimals", "1200.05", 0, 120005, NULL},
    {"imp-1.4 zero", "0", 0, 0, NULL},
    {"imp-1.5 grouping commas", "12,345.67", 0, 1234567, NULL},
    {"imp-1.6 millions with commas", "1,234,567", 0, 123456700, NULL},
    {"imp-1.7 0.1 + 0.2 float noise rounds to 0.30", "0.30000000000000004", 0, 30, NULL},
    {"imp-1.8 float noise below rounds up", "1234.5699999999999", 0, 123457, NULL},
    {"imp-1.9 the largest amount, to the fen", "999999999999.99", 0, 99999999999999, NULL},
    {"imp-1.10 leading plus", "+5", 0, 500, NULL},
    {"imp-2.1 three decimals refused", "1.005", -1, 0, "两位小数"},
    {"imp-2.2 negative refused", "-1", -1, 0, "负数"},
    {"imp-2.3 letters refused", "12元", -1, 0, "数字"},
    {"imp-2.4 empty refused", "", -1, 0, "为空"},
    {"imp-2.5 a dot alone", "5.", -1, 0, "数字"},
    {"imp-2.6 misplaced comma", "1,23", -1, 0, "数字"},
    {"imp-2.7 too large", "99999999999999", -1, 0, "过大"},
    {"imp-2.8 exponent refused", "1e3", -1, 0, "数字"},
    {"imp-2.9 two dots", "1.2.3", -1, 0, "数字"},
};

static void test_yuan(void **state)
{
    const struct yuan_case *c = *state;
    int64_t fen = -7;
    const char *why = NULL;
    assert_int_equal(imp_parse_yuan(c->in, &fen, &why), c->rc);
    if (c->rc == 0) {
        assert_int_equal(fen, c->fen);
    } else {
        assert_non_null(why);
        assert_non_null(strstr(why, c->why));
    }
}

struct text_case {
    const char *id, *in;
    int rc;
    const char *out;
};

static const struct text_case date_cases[] = {
    {"imp-3.1 ISO date", "2026-01-15", 0, "2026-01-15"},
    {"imp-3.2 slashes, no padding", "2026/3/1", 0, "2026-03-01"},
    {"imp-3.3 dots", "2024.02.29", 0, "2024-02-29"},
    {"imp-3.4 not a leap year", "2023-02-29", -1, NULL},
    {"imp-3.5 mixed separators", "2026-03/01", -1, NULL},
    {"imp-3.6 two-digit year", "26-03-01", -1, NULL},
    {"imp-3.7 trailing text", "2026-03-01号", -1, NULL},
    {"imp-3.8 month 13", "2026-13-01", -1, NULL},
};

static void test_date(void **state)
{
    const struct text_case *c = *state;
    char out[11] = "";
    assert_int_equal(imp_parse_date(c->in, out), c->rc);
    if (!c->rc)
        assert_string_equal(out, c->out);
}

struct int_case {
    const char *id, *in;
    int want;
};

static const struct int_case bool_cases[] = {
    {"imp-4.1 是", "是", 1},         {"imp-4.2 否", "否", 0},
    {"imp-4.3 empty is no", "", 0},  {"imp-4.4 1", "1", 1},
    {"imp-4.5 已参保", "已参保", 1}, {"imp-4.6 未参保", "未参保", 0},
    {"imp-4.7 unknown", "可能", -1},
};

static void test_bool(void **state)
{
    const struct int_case *c = *state;
    assert_int_equal(imp_parse_bool(c->in), c->want);
}

static const struct int_case year_cases[] = {
    {"imp-5.1 a year", "2014", 2014},
    {"imp-5.2 too early", "1949", -1},
    {"imp-5.3 not digits", "二〇一四", -1},
    {"imp-5.4 five digits", "20140", -1},
};

static void test_year(void **state)
{
    const struct int_case *c = *state;
    int y = 0;
    int rc = imp_parse_year(c->in, &y);
    assert_int_equal(rc < 0 ? -1 : y, c->want);
}

struct cell_case {
    const char *id;
    long row, col;
    const char *want;
};

static const struct cell_case cell_cases[] = {
    {"imp-6.1 A1", 1, 1, "A1"},    {"imp-6.2 Z9", 9, 26, "Z9"},   {"imp-6.3 AA10", 10, 27, "AA10"},
    {"imp-6.4 AZ2", 2, 52, "AZ2"}, {"imp-6.5 BA3", 3, 53, "BA3"},
};

static void test_cell(void **state)
{
    const struct cell_case *c = *state;
    char out[24];
    imp_cell_name(c->row, c->col, out);
    assert_string_equal(out, c->want);
}

/* ---- code tables (defs/registry.json) ---- */

static struct registry_defs *defs;

struct code_case {
    const char *id;
    int table; /* 0 relations, 1 labour, 2 categories, 3 schooling */
    const char *in, *want;
};

static const struct code_case code_cases[] = {
    {"imp-7.1 relation by name", 0, "户主", "head"},
    {"imp-7.2 relation by code", 0, "spouse", "spouse"},
    {"imp-7.3 relation unknown", 0, "表哥", NULL},
    {"imp-7.4 labour by name", 1, "弱劳动力或半劳动力", "weak"},
    {"imp-7.5 category by name", 2, "低保户", "dibao"},
    {"imp-7.6 category by code", 2, "tuopin", "tuopin"},
    {"imp-7.7 a near name is not enough", 2, "低保", NULL},
    {"imp-7.8 schooling by name", 3, "小学在读", "primary"},
};

static void test_code(void **state)
{
    const struct code_case *c = *state;
    const struct reg_table *t[] = {&defs->relations, &defs->labour, &defs->categories,
                                   &defs->schooling};
    const char *got = imp_code_of(t[c->table], c->in);
    if (c->want)
        assert_string_equal(got, c->want);
    else
        assert_null(got);
}

/* ---- a dry run over a CSV on an empty database ---- */

struct run_case {
    const char *id, *kind, *csv;
    long rows, valid;
    const char *report; /* expected errors and warnings, "row|column|message;" each */
};

static const struct run_case run_cases[] = {
    {"imp-8.1 aliases, ASCII parentheses, unknown column", "incomes",
     "户号,日期,工资性收入(元),备注\r\nH1,2026-01-01,1.5,x\r\n", 1, 0,
     "E2|户号|户编号“H1”不存在（请先导入户信息）;W1|备注|未知的列，已忽略;"},
    {"imp-8.2 missing required column", "persons", "户编号,姓名\nH1,张三\n", 1, 0,
     "E1|身份证号|缺少必填列;"},
    {"imp-8.3 required cell empty, bad amount", "incomes",
     "户编号,评估日期,刚性支出（元）\nH1,,1.234\n", 1, 0,
     "E2|评估日期|必填项为空;E2|户编号|户编号“H1”不存在（请先导入户信息）;E2|刚性支出（元）|"
     "金额最多两位小数（精确到分）;"},
    {"imp-8.4 a repeated column", "households", "村（社区）代码,村代码\n1,2\n", 1, 0,
     "E1|村代码|列名重复;"},
    {"imp-8.5 village code unknown, bad year, categories", "households",
     "村（社区）代码,户类别,脱贫年度\n999,\"脱贫户,富户\",2O18\n", 1, 0,
     "E2|村（社区）代码|未知的村（社区）代码“999”;E2|户类别|未知的户类别“富户”（可填：脱贫户、"
     "监测对象、低保户、特困供养户、一般农户）;E2|脱贫年度|应为四位年份，如 2016;"},
    {"imp-8.6 only a header", "households", "村（社区）名称\n", 0, 0,
     "E1|-|文件只有列名，没有数据行;"},
    {"imp-8.7 payments: period against the programme's periodicity, amount, date", "payments",
     "项目,户编号,金额（元）,发放期间,发放日期\n"
     "低保,H1,1,2025,2025-01-01\n"
     "教育资助,H1,1,2025-09,2025-01-01\n"
     "临时救助,H1,0,2025年13月,2025-02-30\n"
     "高龄补贴,H1,5,2025/3,2025.03.05\n"
     "gaoling,H1,5,,2025-03-05\n"
     "特困人员救助供养,H1,5,2025年3月,2025-03-05\n",
     6, 0,
     "E2|户编号|户编号“H1”不存在（请先导入户信息）;E2|发放期间|"
     "低保是按月发放的项目，发放期间应填年月，"
     "如 "
     "2025-01;E3|户编号|户编号“H1”不存在（请先导入户信息）;E3|发放期间|教育资助是按年发放的项目，"
     "发放期间应填年度，如 "
     "2025;E4|户编号|户编号“H1”不存在（请先导入户信息）;E4|金额（元）|金额应大于 "
     "0;E4|发放日期|发放日期应为 YYYY-MM-DD 格式的有效日期;E4|发放期间|发放期间应为年月（如 "
     "2018-03）、年度（如 2018）或日期;E5|户编号|户编号“H1”不存在（请先导入户信息）;E6|户编号|"
     "户编号“H1”不存在（请先导入户信息）;E7|户编号|户编号“H1”不存在（请先导入户信息）;W6|发放期间|"
     "未填发放期间，按发放日期记为 2025-03;"},
    {"imp-8.8 payments: required columns", "payments", "户编号,金额\nH1,1\n", 1, 0,
     "E1|项目|缺少必填列;E1|发放日期|缺少必填列;"},
};

static void append_issues(json_t *list, char kind, char *out, size_t cap)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        size_t len = strlen(out);
        const char *col = json_string_value(json_object_get(e, "column"));
        snprintf(out + len, cap - len, "%c%lld|%s|%s;", kind,
                 (long long)json_integer_value(json_object_get(e, "row")), col ? col : "-",
                 json_string_value(json_object_get(e, "message")));
    }
}

static void test_run(void **state)
{
    const struct run_case *c = *state;
    char dir[] = "/tmp/zw-test-importer-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char dbpath[64], csvpath[64];
    snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
    snprintf(csvpath, sizeof(csvpath), "%s/in.csv", dir);
    FILE *f = fopen(csvpath, "w");
    assert_non_null(f);
    fputs(c->csv, f);
    fclose(f);
    struct error err = {0};
    struct store *store;
    assert_int_equal(store_open(dbpath, true, &store, &err), 0);
    struct db *db = store_db(store, &err);
    assert_non_null(db);
    struct principal who = {.username = "test", .scope_kind = SCOPE_ALL, .superuser = true};
    struct arena a = {0};
    struct zctx z = {.db = db, .arena = &a, .who = &who, .ip = "-", .now = 1795399200};
    struct import_opts o = {.kind = importer_kind(c->kind),
                            .path = csvpath,
                            .max_bytes = ZW_MAX_IMPORT_BYTES,
                            .mode = IMPORT_DRY_RUN};
    struct import_result r;
    assert_non_null(o.kind);
    assert_int_equal(store_begin(db, false, &err), 0);
    int rc = importer_run(&z, defs, &o, &r, &err);
    store_rollback(db);
    assert_int_equal(rc, 0);
    char got[2048] = "";
    append_issues(json_object_get(r.report, "errors"), 'E', got, sizeof(got));
    append_issues(json_object_get(r.report, "warnings"), 'W', got, sizeof(got));
    assert_string_equal(got, c->report);
    assert_int_equal(r.rows, c->rows);
    assert_int_equal(r.valid, c->valid);
    json_decref(r.report);
    arena_release(&a);
    store_close(store);
    unlink(csvpath);
    char side[80];
    static const char *const ext[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(side, sizeof(side), "%s%s", dbpath, ext[i]);
        unlink(side);
    }
    rmdir(dir);
}

static void test_kinds(void **state)
{
    (void)state;
    assert_null(importer_kind("pensions"));
    assert_null(importer_kind(NULL));
    const struct import_kind *pay = importer_kind("payments");
    assert_non_null(pay);
    assert_string_equal(importer_kind_right(pay), "benefit.write");
    assert_string_equal(importer_kind_right(importer_kind("persons")), "registry.write");
    for (size_t i = 0; i < importer_nkinds; i++) {
        const struct import_kind *k = importer_kinds[i];
        assert_ptr_equal(importer_kind(k->code), k);
        assert_non_null(k->check);
        assert_non_null(k->commit);
        assert_true(k->row_size > 0);
    }
    assert_int_equal(importer_mode_parse("valid"), IMPORT_VALID);
    assert_int_equal(importer_mode_parse("all"), IMPORT_ALL);
    assert_int_equal(importer_mode_parse("ALL"), -1);
}

static const struct plain_case plain_cases[] = {
    {"imp-9.1 the kinds table and modes", test_kinds},
};

int main(void)
{
    struct error err = {0};
    store_global_init();
    static struct programmes programmes;
    struct arena defs_arena = {0};
    if (registry_load("defs", &defs, &err) ||
        benefits_load("defs", NULL, &defs_arena, &programmes, &err)) {
        fprintf(stderr, "defs: %s\n", err.message);
        return 2;
    }
    importer_payments_use(&programmes);
    struct CMUnitTest tests[N_CASES(yuan_cases) + N_CASES(date_cases) + N_CASES(bool_cases) +
                            N_CASES(year_cases) + N_CASES(cell_cases) + N_CASES(code_cases) +
                            N_CASES(run_cases) + N_CASES(plain_cases)];
    size_t n = CASES_ADD(tests, 0, test_yuan, yuan_cases);
    n = CASES_ADD(tests, n, test_date, date_cases);
    n = CASES_ADD(tests, n, test_bool, bool_cases);
    n = CASES_ADD(tests, n, test_year, year_cases);
    n = CASES_ADD(tests, n, test_cell, cell_cases);
    n = CASES_ADD(tests, n, test_code, code_cases);
    n = CASES_ADD(tests, n, test_run, run_cases);
    n = PLAIN_ADD(tests, n, plain_cases);
    if (n != N_CASES(tests))
        return 2;
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    registry_free(defs);
    arena_release(&defs_arena);
    return failed;
}
