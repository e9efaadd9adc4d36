/*
 * trigram.h - how alike two texts are, by their character trigrams.
 *
 * Chinese has no spaces between words, so words cannot be compared; runs of
 * three characters can (the same idea as PostgreSQL's pg_trgm, on code
 * points rather than bytes).  Spaces and punctuation are dropped first.
 *
 * trigram_dice is 2|A∩B| / (|A| + |B|): 1 for the same text, 0 for texts
 * that share no trigram, and low when one text is much longer.
 * trigram_similarity is what duplicate detection uses: the overlap
 * |A∩B| / min(|A|, |B|), so that a short new request is recognised inside a
 * longer earlier one; for texts shorter than TRIGRAM_MIN_OVERLAP trigrams
 * (where a shared place name alone would score high) it falls back to Dice.
 */
#ifndef ZW_TRIGRAM_H
#define ZW_TRIGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Texts longer than this (bytes) are compared on their beginning only. */
#define TRIGRAM_MAX_BYTES 4096
/* Below this many trigrams in the shorter text, similarity is Dice's. */
#define TRIGRAM_MIN_OVERLAP 8

struct trigrams {
    uint64_t *v; /* sorted, unique; arena-owned */
    size_t n;
};

/* The trigram set of a UTF-8 text (invalid bytes are skipped). */
void trigram_set(struct arena *a, const char *text, struct trigrams *out);
double trigram_dice(const struct trigrams *x, const struct trigrams *y);
double trigram_score(const struct trigrams *x, const struct trigrams *y);
/* trigram_score of two texts. */
double trigram_similarity(struct arena *a, const char *x, const char *y);

#endif
