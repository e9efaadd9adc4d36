/*
 * demo_registry.h - the households and persons of the demo (demo_registry.c),
 * carrying the 2018 figures of the 羊市镇 work report.
 */
#ifndef ZW_DEMO_REGISTRY_H
#define ZW_DEMO_REGISTRY_H

#include <stdint.h>

#include "registry.h"

/* Generates the registry from seed in the caller's transaction (as the command line). */
int demo_registry(struct zctx *z, const struct registry_defs *d, uint64_t seed, struct error *err);

#endif
