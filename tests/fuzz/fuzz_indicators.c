/*
 * fuzz_indicators.c - libFuzzer target for the indicator definition parser:
 * any bytes must be refused with a Chinese message, or accepted as a list
 * whose every reference (entity, field, date, operand) is in range, whose
 * operands come before the indicator using them, and whose values format.
 */
#include <stdint.h>
#include <string.h>

#include "domain/indicators.h"
#include "jsonx.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = {0};
    struct indicators d;
    struct error err = {0};
    if (indicators_parse("fuzz.json", (const char *)data, size, &a, &d, &err) == 0) {
        for (size_t i = 0; i < d.n; i++) {
            const struct indicator *ind = &d.v[i];
            char out[48];
            if (ind->kind == IND_RATIO || ind->kind == IND_DIFF) {
                if (ind->a < 0 || (size_t)ind->a >= i || ind->b < 0 || (size_t)ind->b >= i)
                    __builtin_trap();
            } else {
                const struct ind_entity *e = ind->q.e;
                if (!e || ind->q.field >= (int)e->nfields || ind->q.date >= (int)e->ndates ||
                    ind->q.nconds > IND_MAX_CONDS)
                    __builtin_trap();
                for (size_t k = 0; k < ind->q.nconds; k++)
                    if (ind->q.conds[k].field < 0 || ind->q.conds[k].field >= (int)e->nfields)
                        __builtin_trap();
            }
            indicators_format(ind, INT64_MAX, 3, out);
            indicators_format(ind, INT64_MIN, -7, out);
            if (!jsonx_utf8_valid(out, strlen(out)))
                __builtin_trap();
        }
    } else if (!jsonx_utf8_valid(err.message, strlen(err.message))) {
        __builtin_trap();
    }
    arena_release(&a);
    return 0;
}
