/*
 * pdf_cache.h - PDFs drawn from pages that never change, kept by the SHA-256
 * of the page (a published notice keeps its exact text and that hash), so
 * that a public page is drawn once per process and not on every request.
 * Thread-safe; PDF_CACHE_SLOTS entries of at most PDF_CACHE_MAX_BYTES, the
 * least recently used replaced.
 */
#ifndef ZW_PDF_CACHE_H
#define ZW_PDF_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

#define PDF_CACHE_SLOTS     16
#define PDF_CACHE_MAX_BYTES (4u << 20)

/* A copy (arena-owned) of the PDF of the page whose SHA-256 (hex) is sha256, if kept. */
bool pdf_cache_get(const char *sha256, struct arena *a, char **pdf, size_t *len);
/* Keeps a copy of pdf[0..len) for sha256 (not kept when larger than PDF_CACHE_MAX_BYTES). */
void pdf_cache_put(const char *sha256, const char *pdf, size_t len);
/* How many PDFs were put since start, for the tests. */
unsigned long pdf_cache_drawn(void);
void pdf_cache_clear(void);

#endif
