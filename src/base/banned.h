/*
 * banned.h - functions that must not be used in zhenwu, after git's banned.h.
 *
 * Each is unsafe with outside input or not thread-safe.  Included last in
 * every .c file of the project (through the base headers); using one is a
 * compile error naming the function.
 */
#ifndef ZW_BANNED_H
#define ZW_BANNED_H

#define ZW_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) ZW_BANNED(strcpy)
#undef strcat
#define strcat(x, y) ZW_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) ZW_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) ZW_BANNED(strncat)
#undef sprintf
#define sprintf(...) ZW_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) ZW_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) ZW_BANNED(strtok)
#undef gets
#define gets(x) ZW_BANNED(gets)
#undef gmtime
#define gmtime(t) ZW_BANNED(gmtime)
#undef localtime
#define localtime(t) ZW_BANNED(localtime)
#undef ctime
#define ctime(t) ZW_BANNED(ctime)
#undef asctime
#define asctime(t) ZW_BANNED(asctime)
#undef atoi
#define atoi(x) ZW_BANNED(atoi)
#undef atol
#define atol(x) ZW_BANNED(atol)
#undef rand
#define rand() ZW_BANNED(rand)

#endif
