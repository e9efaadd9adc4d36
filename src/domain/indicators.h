/*
 * indicators.h - indicators as data (defs/indicators/<name>.json): counts, distinct
 * counts and sums over one entity of store/store_indicator.h with a filter,
 * and ratios and differences of other indicators; evaluated for any area
 * subtree and period, formatted in the report's units, and traced back to
 * the records behind them.  See docs/indicators.md.
 */
#ifndef ZW_INDICATORS_H
#define ZW_INDICATORS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "store/store_indicator.h"
#include "store/store_period.h"

enum ind_kind { IND_COUNT, IND_DISTINCT, IND_SUM, IND_RATIO, IND_DIFF };

struct indicator {
    const char *code, *name, *unit, *description;
    int kind;           /* enum ind_kind */
    int decimals;       /* shown */
    int64_t scale;      /* the value is divided by it: 100 for 元 of 分, 1,000,000 for 万元 */
    int64_t factor;     /* a ratio is multiplied by it: 100 for % */
    struct ind_query q; /* count, distinct, sum */
    int a, b;           /* ratio (a / b) and difference (a - b): indicator indexes */
    /* The entities it reads (its own, or its operands'), for the rights. */
    const struct ind_entity *reads[8];
    size_t nreads;
    bool uses_now; /* a base one whose fields depend on the time (超期): cached per minute */
    bool uses_end; /* a base one reading the period's bounds ($T, asof, before): keyed by period */
    /*
     * Where the leaders' dashboard shows it: "key" (a card with its trend),
     * "risk" (a slice of the 监测 households by risk type), or NULL.
     */
    const char *dashboard;
};

struct indicators {
    struct indicator *v;
    size_t n;
};

/* Loads and checks defs_dir/indicators.json into a (arena-owned). */
int indicators_load(const char *defs_dir, struct arena *a, struct indicators *out,
                    struct error *err);
/* Parses a definition document (the file's text), for the loader and the tests. */
int indicators_parse(const char *name, const char *text, size_t len, struct arena *a,
                     struct indicators *out, struct error *err);
int indicators_find(const struct indicators *d, const char *code); /* index or -1 */
/* What a value in 分 is divided by to show it in unit: 100 for 元, 1,000,000 for 万元, 1e10 for
 * 亿元; 1 for every other unit (not money). */
int64_t indicators_unit_scale(const char *unit);

/* A period: "2018", "2018-Q2", "2018-03", or "2018-01-01~2018-06-30". */
struct ind_period {
    char from[11], to[11]; /* inclusive */
    char label[48]; /* 2018年, 2018年第二季度, 2018年3月, 2018-01-01 至 2018-06-30 */
};
int indicators_period(const char *s, struct ind_period *out, struct error *err);

/* A value: num / den (den 0: undefined, shown "—"), and its text in the indicator's unit. */
struct ind_value {
    int64_t num, den;
    char text[48];
    bool frozen; /* from a closed period's snapshot (periods.h) */
};

/*
 * Formats num / den scaled and rounded half up to decimals (exact integer
 * arithmetic): "97%", "819.1536万元", "—" when den is 0.
 */
void indicators_format(const struct indicator *ind, int64_t num, int64_t den, char out[48]);

/*
 * The value of indicator i for the area subtree at path over period p, for
 * z->who (who must hold the read right of every entity it reads): the frozen
 * one when the period is closed for path (its area or a child of it), else
 * the live one, served from the cache while the tables it reads are unchanged.
 */
int indicators_eval(struct zctx *z, const struct indicators *d, int i, const char *path,
                    const struct ind_period *p, struct ind_value *out, struct error *err);
/*
 * The values of indicators idx[0..n) (idx NULL: every one, 0..n-1) into
 * out[0..n), as indicators_eval, the live ones computed together: the
 * indicators over one entity in one scan.
 */
int indicators_eval_many(struct zctx *z, const struct indicators *d, const int *idx, size_t n,
                         const char *path, const struct ind_period *p, struct ind_value *out,
                         struct error *err);
/*
 * Whether the counters answer as the records do (zhenwu check counts): every
 * base indicator that counters can answer, computed both ways for the roots,
 * the townships and the villages over each of the eleven years up to year
 * and each month of its last two.  *checked is how many values were
 * compared, *differ how many disagree; the first is described in first.
 */
int indicators_check_counts(struct zctx *z, const struct indicators *d, int year, size_t *checked,
                            size_t *differ, char *first, size_t cap, struct error *err);
/* The live value, closed period or not. */
int indicators_eval_live(struct zctx *z, const struct indicators *d, int i, const char *path,
                         const struct ind_period *p, struct ind_value *out, struct error *err);
/* The closure answering path over p (store_period.h), or NULL (remembered for the request). */
int indicators_closure(struct zctx *z, const char *path, const struct ind_period *p,
                       const struct period_close **out, struct error *err);
/* The base indicator behind i's part "a" or "b" (NULL: a); -1 and err for a bad part. */
int indicators_base(const struct indicators *d, int i, const char *part, struct error *err);
/*
 * The same counting only the records whose responsible user (the entity's
 * user: a case's assignee, a visit's visitor, a measure's cadre) is user_id
 * (0: all, as indicators_eval); for the assessment of cadres.
 */
int indicators_eval_user(struct zctx *z, const struct indicators *d, int i, const char *path,
                         const struct ind_period *p, int64_t user_id, struct ind_value *out,
                         struct error *err);
/* Whether every entity indicator i reads has a responsible user. */
bool indicators_per_user(const struct indicators *d, int i);
/* Whether who may read indicator i (the rights of its entities). */
bool indicators_may(const struct principal *who, const struct indicators *d, int i);
/*
 * The records behind indicator i: a base one's own; a ratio's or difference's
 * part "a" or "b" (part NULL: a).  *entity is the entity's code.  A closed
 * period's are its frozen records (live: the current ones all the same).
 */
int indicators_records(struct zctx *z, const struct indicators *d, int i, const char *part,
                       const char *path, const struct ind_period *p, bool live, int64_t page,
                       int64_t page_size, const struct ind_entity **entity,
                       struct ind_record **items, size_t *n, int64_t *total, struct error *err);

#endif
