/* store_assess.c - SQL of the assessment runs; see store_assess.h. */
#include "store_assess.h"
#include "store_int.h"
#include "banned.h"

static int not_found(int rc, struct error *err, const char *what)
{
    if (rc == DB_DONE)
        return err_set(err, ZW_ENOTFOUND, NULL, "找不到该%s", what);
    return rc < 0 ? rc : 0;
}

static int64_t col_int0(struct db_stmt *st, int i)
{
    return db_col_null(st, i) ? 0 : db_col_int(st, i);
}

/* Runs one statement with no row; *changes (if not NULL) the rows it changed. */
static int exec_ids(struct db *db, const char *sql, int64_t a1, int64_t a2, int64_t a3,
                    int64_t *changes, struct error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, a1);
    if (strstr(sql, "$2"))
        db_bind_int(st, 2, a2);
    if (strstr(sql, "$3"))
        db_bind_int(st, 3, a3);
    rc = db_step(st, err);
    if (changes)
        *changes = db_changes(st);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_assess_candidates(struct db *db, bool cadres, const char *path, struct arena *a,
                            struct assess_candidate **items, size_t *n, struct error *err)
{
    static const char villages[] =
        "SELECT a.id, 0, 0, a.name, a.path FROM areas a WHERE a.level = 'village' AND a.path "
        "LIKE CAST($1 AS TEXT) || '%' ORDER BY a.code";
    static const char cadre_sql[] =
        "SELECT c.area_id, c.id, c.user_id, c.name, c.area_path FROM assist_cadres c WHERE "
        "c.active = 1 AND c.user_id IS NOT NULL AND c.area_path LIKE CAST($1 AS TEXT) || '%' "
        "ORDER BY c.area_path, c.id";
    struct db_stmt *st;
    int rc = db_prepare(db, cadres ? cadre_sql : villages, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, path);
    size_t cap = 32, cnt = 0;
    struct assess_candidate *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct assess_candidate *x = &v[cnt++];
        x->area_id = db_col_int(st, 0);
        x->cadre_id = db_col_int(st, 1);
        x->user_id = db_col_int(st, 2);
        x->name = st_dup(a, db_col_text(st, 3));
        x->area_path = st_dup(a, db_col_text(st, 4));
    }
    db_finish(st);
    *items = v;
    *n = cnt;
    return rc < 0 ? rc : 0;
}

int store_assess_run_find(struct db *db, const char *scheme, int64_t area_id, const char *period,
                          int64_t *draft, int64_t *approved, struct error *err)
{
    static const char sql[] =
        "SELECT COALESCE(MAX(CASE WHEN status = 'draft' THEN id END), 0), "
        "COALESCE(MAX(CASE WHEN status = 'approved' THEN id END), 0) FROM assess_runs "
        "WHERE scheme = $1 AND area_id = $2 AND period = $3";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scheme);
    db_bind_int(st, 2, area_id);
    db_bind_text(st, 3, period);
    *draft = *approved = 0;
    if ((rc = db_step(st, err)) == DB_ROW) {
        *draft = db_col_int(st, 0);
        *approved = db_col_int(st, 1);
    }
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_assess_run_insert(struct db *db, struct assess_run_row *r, struct error *err)
{
    static const char sql[] =
        "INSERT INTO assess_runs (scheme, period, year, area_id, area_path, status, base10, "
        "correction_of, reason, created_by, created_at, computed_at) VALUES ($1, $2, $3, $4, $5, "
        "'draft', $6, $7, $8, $9, $10, $10) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, r->scheme);
    db_bind_text(st, 2, r->period);
    db_bind_int(st, 3, r->year);
    db_bind_int(st, 4, r->area_id);
    db_bind_text(st, 5, r->area_path);
    db_bind_int(st, 6, r->base10);
    db_bind_id(st, 7, r->correction_of);
    db_bind_text(st, 8, r->reason);
    db_bind_id(st, 9, r->created_by);
    db_bind_int(st, 10, r->created_at);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        r->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

#define RUN_COLS                                                                                   \
    "r.id, r.scheme, r.period, r.year, r.area_id, r.area_path, a.name, r.status, r.base10, "       \
    "r.correction_of, r.reason, r.created_by, cu.name, r.created_at, r.computed_at, "              \
    "r.approved_by, au.name, r.approved_at, r.version FROM assess_runs r JOIN areas a ON a.id = "  \
    "r.area_id LEFT JOIN users cu ON cu.id = r.created_by LEFT JOIN users au ON au.id = "          \
    "r.approved_by "

static void run_read(struct db_stmt *st, struct arena *a, struct assess_run_row *r)
{
    r->id = db_col_int(st, 0);
    r->scheme = st_dup(a, db_col_text(st, 1));
    r->period = st_dup(a, db_col_text(st, 2));
    r->year = db_col_int(st, 3);
    r->area_id = db_col_int(st, 4);
    r->area_path = st_dup(a, db_col_text(st, 5));
    r->area_name = st_dup(a, db_col_text(st, 6));
    r->status = st_dup(a, db_col_text(st, 7));
    r->base10 = db_col_int(st, 8);
    r->correction_of = col_int0(st, 9);
    r->reason = st_dup(a, db_col_text(st, 10));
    r->created_by = col_int0(st, 11);
    r->created_by_name = st_dup(a, db_col_text(st, 12));
    r->created_at = db_col_int(st, 13);
    r->computed_at = db_col_int(st, 14);
    r->approved_by = col_int0(st, 15);
    r->approved_by_name = st_dup(a, db_col_text(st, 16));
    r->approved_at = db_col_int(st, 17);
    r->version = db_col_int(st, 18);
}

int store_assess_run_get(struct db *db, int64_t id, struct arena *a, struct assess_run_row *out,
                         struct error *err)
{
    static const char sql[] = "SELECT " RUN_COLS "WHERE r.id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    if ((rc = db_step(st, err)) == DB_ROW)
        run_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "考核");
}

int store_assess_run_touch(struct db *db, int64_t id, int64_t now, int64_t user_id,
                           struct error *err)
{
    return exec_ids(db,
                    "UPDATE assess_runs SET computed_at = $2, created_by = $3, version = version + "
                    "1 WHERE id = $1 AND status = 'draft'",
                    id, now, user_id, NULL, err);
}

int store_assess_run_approve(struct db *db, int64_t id, int64_t user_id, int64_t now,
                             struct error *err)
{
    int64_t changed = 0;
    int rc = exec_ids(db,
                      "UPDATE assess_runs SET status = 'approved', approved_by = $2, approved_at = "
                      "$3, version = version + 1 WHERE id = $1 AND status = 'draft'",
                      id, user_id, now, &changed, err);
    if (!rc && changed != 1)
        return err_set(err, ZW_ECONFLICT, NULL, "该考核已审定，不能再修改");
    return rc;
}

int store_assess_run_list(struct db *db, const char *scheme, int64_t year, const char *path,
                          struct arena *a, struct assess_run_row **items, size_t *n,
                          struct error *err)
{
    static const char sql[] =
        "SELECT " RUN_COLS "WHERE (CAST($1 AS TEXT) IS NULL OR r.scheme = $1) AND ($2 = 0 OR "
        "r.year = $2) AND (CAST($3 AS TEXT) IS NULL OR r.area_path LIKE CAST($3 AS TEXT) || '%' "
        "OR CAST($3 AS TEXT) LIKE r.area_path || '%') ORDER BY r.period DESC, r.id DESC LIMIT 500";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scheme);
    db_bind_int(st, 2, year);
    db_bind_text(st, 3, path);
    size_t cap = 16, cnt = 0;
    struct assess_run_row *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        run_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    *items = v;
    *n = cnt;
    return rc < 0 ? rc : 0;
}

int store_assess_subject_find(struct db *db, int64_t run_id, const struct assess_candidate *c,
                              int64_t *id, struct error *err)
{
    static const char sql[] = "SELECT id FROM assess_subjects WHERE run_id = $1 AND area_id = $2 "
                              "AND COALESCE(cadre_id, 0) = $3";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, run_id);
    db_bind_int(st, 2, c->area_id);
    db_bind_int(st, 3, c->cadre_id);
    *id = 0;
    if ((rc = db_step(st, err)) == DB_ROW)
        *id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_assess_subject_insert(struct db *db, int64_t run_id, const struct assess_candidate *c,
                                int64_t score10, int64_t *id, struct error *err)
{
    static const char sql[] =
        "INSERT INTO assess_subjects (run_id, area_id, cadre_id, user_id, name, area_path, "
        "score10) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, run_id);
    db_bind_int(st, 2, c->area_id);
    db_bind_id(st, 3, c->cadre_id);
    db_bind_id(st, 4, c->user_id);
    db_bind_text(st, 5, c->name);
    db_bind_text(st, 6, c->area_path);
    db_bind_int(st, 7, score10);
    if ((rc = db_step(st, err)) == DB_ROW)
        *id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

#define SUBJECT_COLS                                                                               \
    "id, run_id, area_id, cadre_id, user_id, name, area_path, score10, place FROM "                \
    "assess_subjects "

static void subject_read(struct db_stmt *st, struct arena *a, struct assess_subject_row *s)
{
    s->id = db_col_int(st, 0);
    s->run_id = db_col_int(st, 1);
    s->area_id = db_col_int(st, 2);
    s->cadre_id = col_int0(st, 3);
    s->user_id = col_int0(st, 4);
    s->name = st_dup(a, db_col_text(st, 5));
    s->area_path = st_dup(a, db_col_text(st, 6));
    s->score10 = db_col_int(st, 7);
    s->place = db_col_int(st, 8);
}

int store_assess_subject_get(struct db *db, int64_t id, struct arena *a,
                             struct assess_subject_row *out, struct error *err)
{
    static const char sql[] = "SELECT " SUBJECT_COLS "WHERE id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    if ((rc = db_step(st, err)) == DB_ROW)
        subject_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "考核对象");
}

int store_assess_subject_list(struct db *db, int64_t run_id, struct arena *a,
                              struct assess_subject_row **items, size_t *n, struct error *err)
{
    static const char sql[] = "SELECT " SUBJECT_COLS "WHERE run_id = $1 ORDER BY place, id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, run_id);
    size_t cap = 32, cnt = 0;
    struct assess_subject_row *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        subject_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    *items = v;
    *n = cnt;
    return rc < 0 ? rc : 0;
}

int store_assess_subject_set(struct db *db, int64_t id, int64_t score10, int64_t place,
                             struct error *err)
{
    return exec_ids(db, "UPDATE assess_subjects SET score10 = $2, place = $3 WHERE id = $1", id,
                    score10, place, NULL, err);
}

int store_assess_subject_sum(struct db *db, int64_t id, int64_t *sum10, struct error *err)
{
    static const char sql[] = "SELECT COALESCE(SUM(points10), 0) FROM assess_lines WHERE "
                              "subject_id = $1 AND status IN ('final', 'approved')";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    *sum10 = 0;
    if ((rc = db_step(st, err)) == DB_ROW)
        *sum10 = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_assess_rule_lines_delete(struct db *db, int64_t run_id, struct error *err)
{
    return exec_ids(db, "DELETE FROM assess_lines WHERE run_id = $1 AND kind = 'rule'", run_id, 0,
                    0, NULL, err);
}

int store_assess_line_insert(struct db *db, struct assess_line_row *l, struct error *err)
{
    static const char sql[] =
        "INSERT INTO assess_lines (run_id, subject_id, seq, kind, code, name, indicator, "
        "value_num, value_den, value_text, points10, explanation, status, comment, evidence_id, "
        "entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "$14, $15, $16, $17) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    bool rule = strcmp(l->kind, "rule") == 0;
    db_bind_int(st, 1, l->run_id);
    db_bind_int(st, 2, l->subject_id);
    db_bind_int(st, 3, l->seq);
    db_bind_text(st, 4, l->kind);
    db_bind_text(st, 5, l->code);
    db_bind_text(st, 6, l->name);
    if (rule) {
        db_bind_text(st, 7, l->indicator);
        db_bind_int(st, 8, l->value_num);
        db_bind_int(st, 9, l->value_den);
        db_bind_text(st, 10, l->value_text);
    } else {
        for (int k = 7; k <= 10; k++)
            db_bind_text(st, k, NULL);
    }
    db_bind_int(st, 11, l->points10);
    db_bind_text(st, 12, l->explanation);
    db_bind_text(st, 13, l->status);
    db_bind_text(st, 14, l->comment);
    db_bind_id(st, 15, l->evidence_id);
    db_bind_id(st, 16, l->entered_by);
    db_bind_int(st, 17, l->entered_at);
    if ((rc = db_step(st, err)) == DB_ROW)
        l->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

#define LINE_COLS                                                                                  \
    "l.id, l.run_id, l.subject_id, l.seq, l.kind, l.code, l.name, l.indicator, l.value_num, "      \
    "l.value_den, l.value_text, l.points10, l.explanation, l.status, l.comment, l.evidence_id, "   \
    "e.name, l.entered_by, eu.name, l.entered_at, l.approved_by, au.name, l.approved_at FROM "     \
    "assess_lines l LEFT JOIN assess_evidence e ON e.id = l.evidence_id LEFT JOIN users eu ON "    \
    "eu.id = l.entered_by LEFT JOIN users au ON au.id = l.approved_by "

static void line_read(struct db_stmt *st, struct arena *a, struct assess_line_row *l)
{
    l->id = db_col_int(st, 0);
    l->run_id = db_col_int(st, 1);
    l->subject_id = db_col_int(st, 2);
    l->seq = db_col_int(st, 3);
    l->kind = st_dup(a, db_col_text(st, 4));
    l->code = st_dup(a, db_col_text(st, 5));
    l->name = st_dup(a, db_col_text(st, 6));
    l->indicator = st_dup(a, db_col_text(st, 7));
    l->value_num = col_int0(st, 8);
    l->value_den = col_int0(st, 9);
    l->value_text = st_dup(a, db_col_text(st, 10));
    l->points10 = db_col_int(st, 11);
    l->explanation = st_dup(a, db_col_text(st, 12));
    l->status = st_dup(a, db_col_text(st, 13));
    l->comment = st_dup(a, db_col_text(st, 14));
    l->evidence_id = col_int0(st, 15);
    l->evidence_name = st_dup(a, db_col_text(st, 16));
    l->entered_by = col_int0(st, 17);
    l->entered_by_name = st_dup(a, db_col_text(st, 18));
    l->entered_at = db_col_int(st, 19);
    l->approved_by = col_int0(st, 20);
    l->approved_by_name = st_dup(a, db_col_text(st, 21));
    l->approved_at = db_col_int(st, 22);
}

int store_assess_line_get(struct db *db, int64_t id, struct arena *a, struct assess_line_row *out,
                          struct error *err)
{
    static const char sql[] = "SELECT " LINE_COLS "WHERE l.id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    if ((rc = db_step(st, err)) == DB_ROW)
        line_read(st, a, out);
    db_finish(st);
    return not_found(rc, err, "考核事项");
}

int store_assess_line_list(struct db *db, int64_t run_id, struct arena *a,
                           struct assess_line_row **items, size_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT " LINE_COLS "WHERE l.run_id = $1 ORDER BY l.subject_id, l.seq, l.id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, run_id);
    size_t cap = 64, cnt = 0;
    struct assess_line_row *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        line_read(st, a, &v[cnt++]);
    }
    db_finish(st);
    *items = v;
    *n = cnt;
    return rc < 0 ? rc : 0;
}

int store_assess_line_approve(struct db *db, int64_t id, int64_t user_id, int64_t now,
                              struct error *err)
{
    int64_t changed = 0;
    int rc = exec_ids(db,
                      "UPDATE assess_lines SET status = 'approved', approved_by = $2, approved_at "
                      "= $3 WHERE id = $1 AND status = 'pending'",
                      id, user_id, now, &changed, err);
    if (!rc && changed != 1)
        return err_set(err, ZW_ECONFLICT, NULL, "该事项已审核");
    return rc;
}

int store_assess_pending_count(struct db *db, int64_t run_id, int64_t *n, struct error *err)
{
    static const char sql[] =
        "SELECT COUNT(*) FROM assess_lines WHERE run_id = $1 AND status = 'pending'";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, run_id);
    *n = 0;
    if ((rc = db_step(st, err)) == DB_ROW)
        *n = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_assess_evidence_insert(struct db *db, struct assess_evidence_row *e, struct error *err)
{
    static const char sql[] =
        "INSERT INTO assess_evidence (run_id, name, mime, size, sha256, created_by, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, e->run_id);
    db_bind_text(st, 2, e->name);
    db_bind_text(st, 3, e->mime);
    db_bind_int(st, 4, e->size);
    db_bind_text(st, 5, e->sha256);
    db_bind_id(st, 6, e->created_by);
    db_bind_int(st, 7, e->created_at);
    if ((rc = db_step(st, err)) == DB_ROW)
        e->id = db_col_int(st, 0);
    db_finish(st);
    return rc < 0 ? rc : 0;
}

int store_assess_evidence_get(struct db *db, int64_t id, struct arena *a,
                              struct assess_evidence_row *out, struct error *err)
{
    static const char sql[] = "SELECT id, run_id, name, mime, size, sha256, created_by, "
                              "created_at FROM assess_evidence WHERE id = $1";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    if ((rc = db_step(st, err)) == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->run_id = db_col_int(st, 1);
        out->name = st_dup(a, db_col_text(st, 2));
        out->mime = st_dup(a, db_col_text(st, 3));
        out->size = db_col_int(st, 4);
        st_copy(out->sha256, sizeof(out->sha256), db_col_text(st, 5));
        out->created_by = col_int0(st, 6);
        out->created_at = db_col_int(st, 7);
    }
    db_finish(st);
    return not_found(rc, err, "佐证材料");
}

int store_assess_months(struct db *db, const char *scheme, int64_t area_id, int64_t year,
                        struct arena *a, struct assess_month_row **items, size_t *n,
                        struct error *err)
{
    static const char sql[] =
        "SELECT s.area_id, COALESCE(s.cadre_id, 0), COALESCE(s.user_id, 0), s.name, s.area_path, "
        "r.period, s.score10 FROM assess_subjects s JOIN assess_runs r ON r.id = s.run_id WHERE "
        "r.scheme = $1 AND r.area_id = $2 AND r.year = $3 AND r.status = 'approved' AND NOT "
        "EXISTS (SELECT 1 FROM assess_runs r2 WHERE r2.scheme = r.scheme AND r2.area_id = "
        "r.area_id AND r2.period = r.period AND r2.status = 'approved' AND r2.id > r.id) "
        "ORDER BY s.area_id, COALESCE(s.cadre_id, 0), r.period";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, scheme);
    db_bind_int(st, 2, area_id);
    db_bind_int(st, 3, year);
    size_t cap = 64, cnt = 0;
    struct assess_month_row *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(st, err)) == DB_ROW) {
        v = st_grow(a, v, &cap, cnt, sizeof(*v));
        struct assess_month_row *x = &v[cnt++];
        x->area_id = db_col_int(st, 0);
        x->cadre_id = db_col_int(st, 1);
        x->user_id = db_col_int(st, 2);
        x->name = st_dup(a, db_col_text(st, 3));
        x->area_path = st_dup(a, db_col_text(st, 4));
        x->period = st_dup(a, db_col_text(st, 5));
        x->score10 = db_col_int(st, 6);
    }
    db_finish(st);
    *items = v;
    *n = cnt;
    return rc < 0 ? rc : 0;
}
