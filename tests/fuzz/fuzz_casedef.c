/*
 * fuzz_casedef.c - libFuzzer target for the case-type definition loader:
 * any bytes must be refused with a Chinese message or accepted as a
 * definition whose every reference is in range.
 */
#include <stdint.h>
#include <string.h>

#include "domain/casedef.h"
#include "jsonx.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = {0};
    struct case_type t;
    struct error err = {0};
    if (casedef_parse("fuzz.json", (const char *)data, size, &a, &t, &err) == 0) {
        if (t.initial < 0 || (size_t)t.initial >= t.nstates)
            __builtin_trap();
        for (size_t i = 0; i < t.ntransitions; i++) {
            const struct cd_transition *tr = &t.transitions[i];
            if (tr->to < 0 || (size_t)tr->to >= t.nstates)
                __builtin_trap();
            for (size_t k = 0; k < tr->nfrom; k++)
                if (tr->from[k] < 0 || (size_t)tr->from[k] >= t.nstates)
                    __builtin_trap();
        }
    } else if (!jsonx_utf8_valid(err.message, strlen(err.message))) {
        __builtin_trap();
    }
    arena_release(&a);
    return 0;
}
