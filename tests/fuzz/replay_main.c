/*
 * replay_main.c - runs a libFuzzer target over files without libFuzzer, so
 * that `make test` replays every seed corpus under ASan/UBSan with any C
 * compiler.
 *
 * Usage: fuzz_x [DIR|FILE]...  With no argument the corpus is
 * tests/fuzz/corpus/<name>, <name> being the basename of argv[0] (run from
 * the repository root).  Each regular file of a directory (not its
 * subdirectories, not names starting with '.') is one input, fed in name
 * order.  Prints "fuzz-replay <name>: N inputs ok" and exits 0, or exits 1
 * when no input was found or a path cannot be read.  A crashing input names
 * itself on stderr before the process dies.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Present when built with a sanitizer: called before a sanitizer report ends the process. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static char current[4096];

static void say_current(void)
{
    static const char prefix[] = "fuzz-replay: crashing input: ";
    ssize_t w = write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
    w = write(STDERR_FILENO, current, strlen(current));
    w = write(STDERR_FILENO, "\n", 1);
    (void)w;
}

static void on_fatal_signal(int sig)
{
    say_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads path into an exact-size malloc'd buffer; returns 0 or -1. */
static int read_all(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint8_t *p = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *q = realloc(p, cap);
            if (!q) {
                free(p);
                fclose(f);
                return -1;
            }
            p = q;
        }
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(p);
        return -1;
    }
    /* Shrink to the exact size so that ASan sees a read one past the end. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        free(p);
        return -1;
    }
    memcpy(exact, p, n);
    free(p);
    *data = exact;
    *size = n;
    return 0;
}

static int run_file(const char *path)
{
    uint8_t *data;
    size_t size;
    if (read_all(path, &data, &size) != 0) {
        fprintf(stderr, "fuzz-replay: cannot read %s\n", path);
        return -1;
    }
    snprintf(current, sizeof(current), "%s", path);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir; adds to *count; returns 0 or -1. */
static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz-replay: cannot open %s\n", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **q = realloc(names, cap * sizeof(*names));
            if (!q)
                abort();
            names = q;
        }
        names[n] = strdup(e->d_name);
        if (!names[n])
            abort();
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(path) != 0)
                rc = -1;
            else
                (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    const char *name = slash ? slash + 1 : argv[0];
    char def[4096];
    snprintf(def, sizeof(def), "tests/fuzz/corpus/%s", name);
    char *def_args[] = {def};
    char **paths = argc > 1 ? argv + 1 : def_args;
    int npaths = argc > 1 ? argc - 1 : 1;

    /* Sanitizers own SIGSEGV and friends (their reports matter more); abort() is ours. */
    signal(SIGABRT, on_fatal_signal);
    if (__sanitizer_set_death_callback) {
        __sanitizer_set_death_callback(say_current);
    } else {
        signal(SIGSEGV, on_fatal_signal);
        signal(SIGBUS, on_fatal_signal);
        signal(SIGFPE, on_fatal_signal);
    }

    size_t count = 0;
    int rc = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            fprintf(stderr, "fuzz-replay %s: no such file or directory: %s\n", name, paths[i]);
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (run_dir(paths[i], &count) != 0)
                rc = -1;
        } else if (run_file(paths[i]) != 0) {
            rc = -1;
        } else {
            count++;
        }
    }
    if (rc != 0 || count == 0) {
        fprintf(stderr, "fuzz-replay %s: %zu inputs ok, %s\n", name, count,
                count ? "but some paths could not be read" : "no inputs found");
        return 1;
    }
    printf("fuzz-replay %s: %zu inputs ok\n", name, count);
    return 0;
}
