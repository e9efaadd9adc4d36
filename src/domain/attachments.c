/* attachments.c - files filed on a case; see attachments.h. */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attachments.h"
#include "cases.h"
#include "limits.h"
#include "log.h"
#include "mask.h"
#include "banned.h"

/* What may be filed: the detected type and its Chinese name for messages. */
static const char *const attach_types[] = {"image/jpeg", "image/png", "image/webp",
                                           "application/pdf"};

static char files_dir[1024];
static magic_t magic;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;

static int mkdir_p(const char *dir)
{
    char tmp[1024];
    snprintf(tmp, sizeof(tmp), "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0750) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0750) && errno != EEXIST ? -1 : 0;
}

int attach_init(const char *dir, struct error *err)
{
    if (strlen(dir) + 80 >= sizeof(files_dir))
        return err_set(err, ZW_EINVAL, "files", "附件目录路径过长");
    snprintf(files_dir, sizeof(files_dir), "%s", dir);
    if (mkdir_p(files_dir))
        return err_set(err, ZW_EIO, "files", "无法创建附件目录 %s：%s", dir, strerror(errno));
    if (!magic) {
        magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR |
                           MAGIC_NO_CHECK_ELF);
        if (!magic || magic_load(magic, NULL) != 0) {
            if (magic)
                magic_close(magic);
            magic = NULL;
            return err_set(err, ZW_EINTERNAL, NULL, "无法加载文件类型库（libmagic）");
        }
    }
    return 0;
}

void attach_shutdown(void)
{
    if (magic)
        magic_close(magic);
    magic = NULL;
}

static const char *detect_type(const void *data, size_t len)
{
    pthread_mutex_lock(&magic_lock);
    const char *t = magic ? magic_buffer(magic, data, len) : NULL;
    const char *known = NULL;
    for (size_t i = 0; t && i < sizeof(attach_types) / sizeof(attach_types[0]); i++)
        if (strcmp(t, attach_types[i]) == 0)
            known = attach_types[i];
    pthread_mutex_unlock(&magic_lock);
    return known;
}

static void hex_sha256(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static void path_in(const char *dir, const char *sha, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%.2s/%s", dir, sha, sha);
}

static void file_path(const char *sha, char *out, size_t cap)
{
    path_in(files_dir, sha, out, cap);
}

void attach_default_dir(const char *db, char *out, size_t cap)
{
    if (store_is_pg(db))
        snprintf(out, cap, "var/files");
    else
        snprintf(out, cap, "%.1000s.files", db);
}

/* Writes all of data to fd; -1 on error. */
static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int write_file(const char *root, const char *sha256, const void *data, size_t len,
                      struct error *err);

int attach_store_bytes(const void *data, size_t len, const char **mime, char sha256[65],
                       struct error *err)
{
    if (len == 0)
        return err_set(err, ZW_EINVAL, "file", "文件为空");
    if (len > ZW_MAX_UPLOAD_BYTES)
        return err_set(err, ZW_ETOOBIG, "file", "文件不能超过 %d MB", ZW_MAX_UPLOAD_BYTES >> 20);
    *mime = detect_type(data, len);
    if (!*mime)
        return err_set(err, ZW_EMEDIA, "file", "只能上传 JPEG、PNG、WebP 图片或 PDF 文件");
    if (!files_dir[0])
        return err_set(err, ZW_EINTERNAL, NULL, "附件目录未配置");
    hex_sha256(data, len, sha256);
    return write_file(files_dir, sha256, data, len, err);
}

/* Writes data as dir/ab/<sha256> (temporary file, fsync, rename, fsync of the directory). */
static int write_file(const char *root, const char *sha256, const void *data, size_t len,
                      struct error *err)
{
    char path[1200], dir[1100], tmp[1300];
    path_in(root, sha256, path, sizeof(path));
    struct stat sb;
    if (stat(path, &sb) == 0 && (size_t)sb.st_size == len)
        return 0; /* the same bytes are there already */
    snprintf(dir, sizeof(dir), "%s/%.2s", root, sha256);
    if (mkdir(dir, 0750) && errno != EEXIST)
        return err_set(err, ZW_EIO, NULL, "无法保存附件：%s", strerror(errno));
    static _Atomic unsigned long counter;
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%lu", path, (long)getpid(), ++counter);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return err_set(err, ZW_EIO, NULL, "无法保存附件：%s", strerror(errno));
    int rc = write_all(fd, data, len) || fsync(fd);
    rc |= close(fd);
    if (rc || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return err_set(err, ZW_EIO, NULL, "无法保存附件：%s", strerror(e));
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* Reads path whole into the arena; NULL if it cannot. */
static unsigned char *read_whole(struct arena *a, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat sb;
    if (fstat(fileno(f), &sb) || sb.st_size < 0 || sb.st_size > ZW_MAX_UPLOAD_BYTES) {
        fclose(f);
        return NULL;
    }
    unsigned char *buf = arena_alloc(a, (size_t)sb.st_size + 1);
    *len = fread(buf, 1, (size_t)sb.st_size, f);
    fclose(f);
    return buf;
}

int attach_scan_dir(struct db *db, struct arena *a, const char *from_dir, const char *to_dir,
                    struct attach_scan *scan, struct error *err)
{
    memset(scan, 0, sizeof(*scan));
    const char **v;
    size_t n;
    int rc = store_attachment_hashes(db, a, &v, &n, err);
    if (rc)
        return rc;
    if (to_dir && mkdir_p(to_dir))
        return err_set(err, ZW_EIO, NULL, "无法创建目录 %s：%s", to_dir, strerror(errno));
    for (size_t i = 0; i < n; i++) {
        struct arena scratch = {0};
        char path[1200], sha[65];
        size_t len = 0;
        path_in(from_dir, v[i], path, sizeof(path));
        unsigned char *data = read_whole(&scratch, path, &len);
        bool bad = true;
        if (data) {
            hex_sha256(data, len, sha);
            bad = strcmp(sha, v[i]) != 0;
        }
        if (!data || bad) {
            if (!data)
                scan->missing++;
            else
                scan->damaged++;
            if (!scan->first_bad[0])
                snprintf(scan->first_bad, sizeof(scan->first_bad), "%s", v[i]);
            arena_release(&scratch);
            continue;
        }
        if (to_dir && (rc = write_file(to_dir, v[i], data, len, err))) {
            arena_release(&scratch);
            return rc;
        }
        scan->files++;
        scan->bytes += (int64_t)len;
        arena_release(&scratch);
    }
    return 0;
}

const char *attach_clean_name(struct arena *a, const char *name)
{
    const char *base = name ? strrchr(name, '/') : NULL;
    base = base ? base + 1 : name;
    const char *b2 = base ? strrchr(base, '\\') : NULL;
    base = b2 ? b2 + 1 : base;
    if (!base || !*base)
        return "附件";
    size_t len = strlen(base);
    char *out = arena_alloc(a, len + 1), *p = out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)base[i];
        *p++ = c < 0x20 || c == 0x7f || c == '"' ? '_' : (char)c;
    }
    *p = '\0';
    if (strlen(out) > ZW_MAX_FILENAME_BYTES) {
        out[ZW_MAX_FILENAME_BYTES] = '\0';
        utf8_trim_end(out);
    }
    return *out ? out : "附件";
}

int attach_count(struct zctx *z, int64_t case_id, size_t *total, size_t *anonymous,
                 struct error *err)
{
    struct case_attachment *have;
    size_t n;
    int rc = store_attachments(z->db, case_id, z->arena, &have, &n, err);
    *total = n;
    *anonymous = 0;
    for (size_t i = 0; !rc && i < n; i++)
        *anonymous += have[i].created_by == 0;
    return rc;
}

int attach_to_case(struct zctx *z, const struct case_row *c, const char *name, const void *data,
                   size_t len, bool images_only, struct case_attachment *out, struct error *err)
{
    if (strcmp(c->state, CASE_STATE_MERGED) == 0)
        return err_set(err, ZW_ETRANSITION, NULL, "办件已合并，请在合并后的办件上添加附件");
    size_t n, anonymous;
    int rc = attach_count(z, c->id, &n, &anonymous, err);
    if (rc)
        return rc;
    if (n >= ZW_MAX_ATTACHMENTS)
        return err_set(err, ZW_EINVAL, "file", "每件办件最多 %d 个附件", ZW_MAX_ATTACHMENTS);
    const char *mime;
    memset(out, 0, sizeof(*out));
    if ((rc = attach_store_bytes(data, len, &mime, out->sha256, err)))
        return rc;
    if (images_only && strncmp(mime, "image/", 6) != 0)
        return err_set(err, ZW_EMEDIA, "file", "只能上传 JPEG、PNG 或 WebP 照片");
    out->case_id = c->id;
    out->name = attach_clean_name(z->arena, name);
    out->mime = mime;
    out->size = (int64_t)len;
    out->created_at = z->now;
    out->created_by = z->who->user_id;
    if ((rc = store_attachment_add(z->db, out, err)))
        return rc;
    json_t *data_j =
        json_pack("{s:I, s:s, s:s, s:I, s:s}", "attachmentId", (json_int_t)out->id, "name",
                  out->name, "mime", mime, "size", (json_int_t)len, "sha256", out->sha256);
    rc = cases_add_event(z, c->id, "attachment", NULL, out->name, data_j, err);
    if (!rc)
        rc = audit_log(z, "attach", "case", c->id, NULL, data_j, err);
    json_decref(data_j);
    return rc;
}

int attach_add(struct zctx *z, int64_t case_id, const char *name, const void *data, size_t len,
               struct case_attachment *out, struct error *err)
{
    struct case_row c;
    int rc = cases_get(z, case_id, &c, err);
    return rc ? rc : attach_to_case(z, &c, name, data, len, false, out, err);
}

int attach_read(struct zctx *z, int64_t case_id, int64_t id, struct case_attachment *meta,
                const void **data, size_t *len, struct error *err)
{
    struct case_row c;
    int rc = cases_get(z, case_id, &c, err);
    if (rc)
        return rc;
    if ((rc = store_attachment_get(z->db, case_id, id, z->arena, meta, err)))
        return rc;
    return attach_load(z->arena, meta->sha256, meta->size, data, len, err);
}

int attach_load(struct arena *a, const char *sha256, int64_t size, const void **data, size_t *len,
                struct error *err)
{
    char path[1200];
    file_path(sha256, path, sizeof(path));
    FILE *f = fopen(path, "rb");
    if (!f) {
        log_error("msg=\"attachment missing\" sha256=%s", sha256);
        return err_set(err, ZW_EIO, NULL, "附件文件缺失，请联系系统管理员");
    }
    unsigned char *buf = arena_alloc(a, (size_t)size + 1);
    size_t got = fread(buf, 1, (size_t)size + 1, f);
    fclose(f);
    char sha[65];
    hex_sha256(buf, got, sha);
    if (got != (size_t)size || strcmp(sha, sha256) != 0) {
        log_error("msg=\"attachment damaged\" sha256=%s", sha256);
        return err_set(err, ZW_EIO, NULL, "附件文件已损坏（校验和不符），请联系系统管理员");
    }
    *data = buf;
    *len = got;
    return 0;
}
