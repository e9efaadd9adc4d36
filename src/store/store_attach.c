/* store_attach.c - SQL for the files filed on cases and for links between cases. */
#include "store_int.h"
#include "banned.h"

int store_attachment_add(struct db *db, struct case_attachment *a, struct error *err)
{
    static const char sql[] =
        "INSERT INTO case_attachments (case_id, name, mime, size, sha256, created_at, created_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, a->case_id);
    db_bind_text(st, 2, a->name);
    db_bind_text(st, 3, a->mime);
    db_bind_int(st, 4, a->size);
    db_bind_text(st, 5, a->sha256);
    db_bind_int(st, 6, a->created_at);
    db_bind_id(st, 7, a->created_by);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        a->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

#define ATT_COLS                                                                                   \
    "t.id, t.case_id, t.name, t.mime, t.size, t.sha256, t.created_at, COALESCE(t.created_by, 0), " \
    "u.name FROM case_attachments t LEFT JOIN users u ON u.id = t.created_by "

static void att_read(struct db_stmt *st, struct arena *a, struct case_attachment *r)
{
    r->id = db_col_int(st, 0);
    r->case_id = db_col_int(st, 1);
    r->name = st_dup(a, db_col_text(st, 2));
    r->mime = st_dup(a, db_col_text(st, 3));
    r->size = db_col_int(st, 4);
    st_copy(r->sha256, sizeof(r->sha256), db_col_text(st, 5));
    r->created_at = db_col_int(st, 6);
    r->created_by = db_col_int(st, 7);
    r->created_by_name = st_dup(a, db_col_text(st, 8));
}

int store_attachments(struct db *db, int64_t case_id, struct arena *a,
                      struct case_attachment **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " ATT_COLS "WHERE t.case_id = $1 ORDER BY t.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    size_t cap = 8;
    struct case_attachment *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        att_read(st, a, &v[(*n)++]);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_attachment_get(struct db *db, int64_t case_id, int64_t id, struct arena *a,
                         struct case_attachment *out, struct error *err)
{
    static const char sql[] = "SELECT " ATT_COLS "WHERE t.case_id = $1 AND t.id = $2";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        att_read(st, a, out);
    db_finish(st);
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该附件");
    return rc < 0 ? rc : 0;
}

int store_attachment_hashes(struct db *db, struct arena *a, const char ***items, size_t *n,
                            struct error *err)
{
    static const char sql[] =
        "SELECT sha256 FROM case_attachments UNION SELECT sha256 FROM visit_photos UNION SELECT "
        "sha256 FROM assess_evidence ORDER BY 1";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    size_t cap = 64;
    const char **v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        v[(*n)++] = arena_strdup(a, db_col_text(st, 0));
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_case_link_add(struct db *db, int64_t case_id, int64_t other_id, const char *kind,
                        int64_t at, int64_t by, struct error *err)
{
    static const char exists[] = "SELECT 1 FROM case_links WHERE (case_id = $1 AND other_id = $2) "
                                 "OR (case_id = $2 AND other_id = $1)";
    static const char sql[] = "INSERT INTO case_links (case_id, other_id, kind, created_at, "
                              "created_by) VALUES ($1, $2, $3, $4, $5)";
    struct db_stmt *st;
    int rc = db_prepare(db, exists, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, other_id);
    rc = db_step(st, err);
    db_finish(st);
    if (rc == DB_ROW)
        return err_set(err, ZW_ECONFLICT, NULL, "这两件办件已经关联");
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, sql, &st, err)))
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_int(st, 2, other_id);
    db_bind_text(st, 3, kind);
    db_bind_int(st, 4, at);
    db_bind_id(st, 5, by);
    return db_step_done(st, err);
}

int store_case_links(struct db *db, int64_t case_id, const struct scope *sc, struct arena *a,
                     struct case_link **items, size_t *n, struct error *err)
{
    /* $1 case, $2 scope path prefix, $3 the single area of an area-scoped user (0 = any). */
    static const char sql[] =
        "SELECT o.id, CASE WHEN l.kind = 'related' THEN 'related' WHEN l.case_id = $1 "
        "THEN 'merged_into' ELSE 'merged_from' END, "
        "CASE WHEN o.area_path LIKE $2 || '%' AND ($3 = 0 OR o.area_id = $3) THEN 1 ELSE 0 END, "
        "o.serial, o.type, o.state, o.title, l.created_at "
        "FROM case_links l JOIN cases o ON o.id = CASE WHEN l.case_id = $1 THEN l.other_id "
        "ELSE l.case_id END WHERE l.case_id = $1 OR l.other_id = $1 ORDER BY l.created_at, o.id";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, case_id);
    db_bind_text(st, 2, scope_prefix(sc));
    db_bind_int(st, 3, scope_only_area(sc));
    size_t cap = 4;
    struct case_link *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct case_link *l = &v[(*n)++];
        l->other_id = db_col_int(st, 0);
        l->kind = st_dup(a, db_col_text(st, 1));
        l->visible = db_col_int(st, 2) != 0;
        st_copy(l->other_serial, sizeof(l->other_serial), db_col_text(st, 3));
        st_copy(l->other_type, sizeof(l->other_type), db_col_text(st, 4));
        st_copy(l->other_state, sizeof(l->other_state), db_col_text(st, 5));
        l->other_title = st_dup(a, db_col_text(st, 6));
        l->created_at = db_col_int(st, 7);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}

int store_case_open_under(struct db *db, const struct scope *sc, const char *path,
                          int64_t exclude_id, size_t limit, struct arena *a,
                          struct case_row **items, size_t *n, struct error *err)
{
    /* $1 scope prefix, $2 single area (0 = any), $3 own-scope user (0 = any), $4 path, $5, $6 */
    static const char sql[] =
        "SELECT c.id, c.serial, c.type, c.state, c.title, c.content, c.area_id FROM cases c "
        "WHERE c.area_path LIKE $1 || '%' AND ($2 = 0 OR c.area_id = $2) AND "
        "($3 = 0 OR c.created_by = $3 OR c.assignee_id = $3) AND c.area_path LIKE $4 || '%' "
        "AND c.closed_at = 0 AND c.id <> $5 ORDER BY c.id DESC LIMIT $6";
    struct db_stmt *st;
    *items = NULL;
    *n = 0;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope_prefix(sc));
    db_bind_int(st, 2, scope_only_area(sc));
    db_bind_int(st, 3, sc->kind == SCOPE_OWN ? sc->user_id : 0);
    db_bind_text(st, 4, path);
    db_bind_int(st, 5, exclude_id);
    db_bind_int(st, 6, (int64_t)limit);
    size_t cap = 16;
    struct case_row *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, *n, sizeof(*v));
        struct case_row *c = &v[(*n)++];
        memset(c, 0, sizeof(*c));
        c->id = db_col_int(st, 0);
        st_copy(c->serial, sizeof(c->serial), db_col_text(st, 1));
        st_copy(c->type, sizeof(c->type), db_col_text(st, 2));
        st_copy(c->state, sizeof(c->state), db_col_text(st, 3));
        c->title = st_dup(a, db_col_text(st, 4));
        c->content = st_dup(a, db_col_text(st, 5));
        c->area_id = db_col_int(st, 6);
    }
    db_finish(st);
    *items = v;
    return rc < 0 ? rc : 0;
}
