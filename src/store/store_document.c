/* store_document.c - SQL for the notices (文书) issued on cases; see store.h. */
#include "store_int.h"
#include "banned.h"

#define DOC_COLS                                                                                   \
    "d.id, d.case_id, d.code, d.name, d.sha256, d.confidential, d.created_at, "                    \
    "COALESCE(d.created_by, 0), COALESCE(d.event, 0), u.name "
#define DOC_FROM " FROM case_documents d LEFT JOIN users u ON u.id = d.created_by "

static void doc_read(struct db_stmt *st, struct case_document *d)
{
    d->id = db_col_int(st, 0);
    d->case_id = db_col_int(st, 1);
    st_copy(d->code, sizeof(d->code), db_col_text(st, 2));
    st_copy(d->name, sizeof(d->name), db_col_text(st, 3));
    st_copy(d->sha256, sizeof(d->sha256), db_col_text(st, 4));
    d->confidential = db_col_int(st, 5) != 0;
    d->created_at = db_col_int(st, 6);
    d->created_by = db_col_int(st, 7);
    d->event = db_col_int(st, 8);
    st_copy(d->created_by_name, sizeof(d->created_by_name), db_col_text(st, 9));
    d->html = NULL;
}

int store_document_insert(struct db *db, struct case_document *d, struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_documents (case_id, code, name, html, sha256, confidential, created_at, "
        "created_by, event) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, d->case_id);
    db_bind_text(st, 2, d->code);
    db_bind_text(st, 3, d->name);
    db_bind_text(st, 4, d->html);
    db_bind_text(st, 5, d->sha256);
    db_bind_int(st, 6, d->confidential);
    db_bind_int(st, 7, d->created_at);
    db_bind_id(st, 8, d->created_by);
    db_bind_id(st, 9, d->event);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        d->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_document_set_event(struct db *db, int64_t id, int64_t event, struct error *err)
{
    static const char sql[] = "UPDATE case_documents SET event = $1 WHERE id = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_id(st, 1, event);
    db_bind_int(st, 2, id);
    return db_step_done(st, err);
}

int store_document_list(struct db *db, int64_t case_id, struct arena *a,
                        struct case_document **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " DOC_COLS DOC_FROM "WHERE d.case_id = $1 ORDER BY d.id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    size_t cap = 8, cnt = 0;
    struct case_document *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        doc_read(st, &v[cnt++]);
    }
    db_finish(st);
    if (rc < 0)
        return rc;
    *items = v;
    *n = cnt;
    return 0;
}

int store_document_get(struct db *db, int64_t case_id, int64_t id, struct arena *a,
                       struct case_document *out, struct error *err)
{
    static const char sql[] =
        "SELECT " DOC_COLS ", d.html" DOC_FROM "WHERE d.case_id = $1 AND d.id = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        doc_read(st, out);
        out->html = st_dup(a, db_col_text(st, 10));
    }
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该文书");
    return rc < 0 ? rc : 0;
}
