/*
 * api_board.c - GET /api/v1/cases/overdue-board: per village (and the
 * township itself) in the caller's scope, the open cases, how many are
 * yellow (near a deadline) and red (past one), and the oldest overdue in
 * days, in all and per case type.  Cases of groups and grids count for
 * their village.
 */
#include <string.h>

#include "api.h"
#include "jsonx.h"
#include "banned.h"

struct tally {
    int64_t open, yellow, red, oldest_due;
};

static void tally_add(struct tally *t, const struct board_cell *c)
{
    t->open += c->open;
    t->yellow += c->yellow;
    t->red += c->red;
    if (c->oldest_due && (!t->oldest_due || c->oldest_due < t->oldest_due))
        t->oldest_due = c->oldest_due;
}

static json_t *tally_json(const struct tally *t, int64_t now, json_t *v)
{
    json_object_set_new(v, "open", json_integer(t->open));
    json_object_set_new(v, "yellow", json_integer(t->yellow));
    json_object_set_new(v, "red", json_integer(t->red));
    json_object_set_new(v, "oldestOverdueDays",
                        t->oldest_due ? json_integer((now - t->oldest_due) / 86400) : json_null());
    return v;
}

/* The board row of a case's area path: the longest row path that prefixes it, or -1. */
static int row_of(const struct board_area *rows, size_t n, const char *path)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(rows[i].path);
        if (len > best_len && strncmp(rows[i].path, path, len) == 0) {
            best = (int)i;
            best_len = len;
        }
    }
    return best;
}

void api_cases_board(struct api_ctx *c)
{
    const char *in_path;
    if (!api_area_filter_or_reply(c, &in_path))
        return;
    struct scope sc = principal_scope(&c->who);
    struct board_area *rows;
    struct board_cell *cells;
    size_t nrows, ncells;
    if (store_board_areas(c->z.db, &sc, in_path, &c->req->arena, &rows, &nrows, &c->err) ||
        store_board_cells(c->z.db, &sc, in_path, c->z.now, &c->req->arena, &cells, &ncells,
                          &c->err)) {
        api_reply_error(c, &c->err);
        return;
    }
    const struct case_types *types = api_env.case_types;
    size_t ntypes = types ? types->n : 0;
    /* tallies[row * (ntypes + 1) + type], the last column for all types */
    struct tally *tallies =
        arena_calloc(&c->req->arena, nrows * (ntypes + 1) + 1, sizeof(*tallies));
    struct tally total = {0};
    for (size_t i = 0; i < ncells; i++) {
        int r = row_of(rows, nrows, cells[i].area_path);
        if (r < 0)
            continue;
        size_t ti = ntypes;
        for (size_t k = 0; k < ntypes; k++)
            if (strcmp(types->v[k].code, cells[i].type) == 0)
                ti = k;
        if (ti < ntypes)
            tally_add(&tallies[(size_t)r * (ntypes + 1) + ti], &cells[i]);
        tally_add(&tallies[(size_t)r * (ntypes + 1) + ntypes], &cells[i]);
        tally_add(&total, &cells[i]);
    }
    json_t *items = json_array();
    for (size_t r = 0; r < nrows; r++) {
        json_t *by_type = json_array();
        for (size_t k = 0; k < ntypes; k++) {
            const struct tally *t = &tallies[r * (ntypes + 1) + k];
            if (!t->open)
                continue;
            json_array_append_new(by_type,
                                  tally_json(t, c->z.now,
                                             json_pack("{s:s, s:s}", "type", types->v[k].code,
                                                       "typeName", types->v[k].name)));
        }
        json_t *v = json_pack("{s:{s:I, s:s, s:s, s:s}, s:o}", "area", "id", (json_int_t)rows[r].id,
                              "code", rows[r].code, "name", rows[r].name, "level", rows[r].level,
                              "byType", by_type);
        json_array_append_new(items, tally_json(&tallies[r * (ntypes + 1) + ntypes], c->z.now, v));
    }
    api_reply(c, 200,
              json_pack("{s:o, s:o, s:o}", "at", jsonx_time(c->z.now), "items", items, "totals",
                        tally_json(&total, c->z.now, json_object())));
}
