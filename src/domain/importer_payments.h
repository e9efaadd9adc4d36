/*
 * importer_payments.h - the payments import kind (发放明细, importer_payments.c)
 * reads the programmes of defs/programmes.json: the program that runs
 * imports hands them over once at start, before any import runs.
 */
#ifndef ZW_IMPORTER_PAYMENTS_H
#define ZW_IMPORTER_PAYMENTS_H

#include "benefits.h"

/* Borrowed until the process ends; without it every payments row reports that the list is missing.
 */
void importer_payments_use(const struct programmes *p);

#endif
