/* static.c - in-memory table of the built UI's files; see static.h. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"
#include "log.h"
#include "static.h"
#include "banned.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
    {".pdf", "application/pdf"},
};

const char *static_content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcasecmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* FNV-1a 64 over the content: a stable, cheap validator. */
static void make_etag(struct static_file *f)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < f->len; i++) {
        h ^= (unsigned char)f->data[i];
        h *= 1099511628211ULL;
    }
    snprintf(f->etag, sizeof(f->etag), "\"%016llx\"", (unsigned long long)h);
}

static int read_file(const char *fs_path, char **data, size_t *len)
{
    int fd = open(fs_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ZW_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size > ZW_MAX_STATIC_FILE_BYTES) {
        close(fd);
        return ZW_ETOOBIG;
    }
    char *p = malloc((size_t)st.st_size + 1);
    if (!p)
        log_fatal("static: out of memory");
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
        if (r <= 0) {
            free(p);
            close(fd);
            return ZW_EIO;
        }
        got += (size_t)r;
    }
    close(fd);
    *data = p;
    *len = got;
    return 0;
}

static int walk(struct static_site *site, const char *root, const char *rel, size_t *cap,
                struct error *err)
{
    char dir_path[4096];
    snprintf(dir_path, sizeof(dir_path), "%s%s", root, rel);
    DIR *d = opendir(dir_path);
    if (!d)
        return err_set(err, ZW_EIO, NULL, "无法读取网页目录：%s", dir_path);
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[2048], fs[4096];
        snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
        snprintf(fs, sizeof(fs), "%s%s", root, sub);
        struct stat st;
        if (stat(fs, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            rc = walk(site, root, sub, cap, err);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        if (site->nfiles == *cap) {
            *cap = *cap ? *cap * 2 : 32;
            site->files = realloc(site->files, *cap * sizeof(*site->files));
            if (!site->files)
                log_fatal("static: out of memory");
        }
        struct static_file *f = &site->files[site->nfiles];
        memset(f, 0, sizeof(*f));
        if (read_file(fs, &f->data, &f->len)) {
            rc = err_set(err, ZW_EIO, NULL, "无法读取网页文件：%s", fs);
            break;
        }
        site->total += f->len;
        if (site->total > ZW_MAX_STATIC_FILE_BYTES) {
            free(f->data);
            rc = err_set(err, ZW_ETOOBIG, NULL, "网页目录超过 %d 字节", ZW_MAX_STATIC_FILE_BYTES);
            break;
        }
        f->path = strdup(sub);
        if (!f->path)
            log_fatal("static: out of memory");
        f->content_type = static_content_type(sub);
        f->cache_control =
            strncmp(sub, "/assets/", 8) == 0 ? "public, max-age=31536000, immutable" : "no-cache";
        make_etag(f);
        site->nfiles++;
    }
    closedir(d);
    return rc;
}

int static_load(struct static_site *site, const char *root, struct error *err)
{
    size_t cap = 0;
    memset(site, 0, sizeof(*site));
    int rc = walk(site, root, "", &cap, err);
    if (rc)
        static_release(site);
    else
        log_info("msg=\"web ui loaded\" root=%s files=%zu bytes=%zu", root, site->nfiles,
                 site->total);
    return rc;
}

const struct static_file *static_find(const struct static_site *site, const char *path)
{
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    for (size_t i = 0; i < site->nfiles; i++)
        if (strcmp(site->files[i].path, path) == 0)
            return &site->files[i];
    return NULL;
}

void static_release(struct static_site *site)
{
    for (size_t i = 0; i < site->nfiles; i++) {
        free(site->files[i].path);
        free(site->files[i].data);
    }
    free(site->files);
    memset(site, 0, sizeof(*site));
}
