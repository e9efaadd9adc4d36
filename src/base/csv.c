/* csv.c - splitting one CSV line into fields; see csv.h. */
#include "csv.h"
#include "banned.h"

size_t csv_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        char *start = p, *w = p;
        if (*p == '"') {
            start = w = ++p;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++;
                *w++ = *p++;
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',' && *p != '\n' && *p != '\r')
                *w++ = *p++;
        }
        char end = *p;
        *w = '\0';
        fields[n++] = start;
        if (end != ',')
            break;
        p++;
    }
    return n;
}
