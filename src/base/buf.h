/*
 * buf.h - a growable byte buffer with a hard maximum (git's strbuf, curl's dynbuf).
 *
 * The contents are always NUL-terminated.  A buffer refuses to grow past its
 * max (ZW_BUF_MAX_BYTES when max is 0) and returns ZW_ETOOBIG instead.
 * A zero-initialised struct buf is a valid empty buffer.
 */
#ifndef ZW_BUF_H
#define ZW_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *ptr; /* NULL or malloc-owned, NUL-terminated */
    size_t len;
    size_t cap;
    size_t max; /* 0 means ZW_BUF_MAX_BYTES */
};

int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_addc(struct buf *b, char c);
/* Appends s[0..n) escaped for XML and HTML text and attributes (& < > " '). */
int buf_add_xml(struct buf *b, const char *s, size_t n);
/* Frees the contents; the buffer is empty and reusable. */
void buf_release(struct buf *b);
/* Hands the contents to the caller (who frees them); the buffer is empty. */
char *buf_detach(struct buf *b, size_t *len);
/* Makes room for n more bytes at once: 0 or ZW_ETOOBIG. */
int buf_reserve(struct buf *b, size_t n);
/*
 * Appends the whole file at path (within b's max): 0, ZW_ENOTFOUND when it
 * cannot be opened, ZW_ETOOBIG when it is larger, ZW_EIO on a read error.
 */
int buf_read_file(struct buf *b, const char *path);
/* Empties without freeing. */
void buf_reset(struct buf *b);

#endif
