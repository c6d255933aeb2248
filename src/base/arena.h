/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Region allocator: many allocations, one release. Each arena has a byte
 * cap; past it, allocation fails and callers report AC_ELIMIT/AC_ENOMEM.
 * Test builds can make the Nth allocation fail (fail_at). */
#ifndef ACCORD_BASE_ARENA_H
#define ACCORD_BASE_ARENA_H

#include <stddef.h>

#include "str.h"

struct ac_arena_chunk;

struct ac_arena {
    struct ac_arena_chunk *head; /* newest chunk first; owned */
    size_t used;                 /* bytes handed out, all chunks */
    size_t cap;                  /* byte cap; 0 means no cap */
    size_t allocs;               /* allocations so far */
    size_t fail_at;              /* fail allocation number N (1-based); 0 off */
};

struct ac_arena_mark {
    struct ac_arena_chunk *chunk; /* chunk current at the mark */
    size_t off;                   /* its fill at the mark */
    size_t used;                  /* arena use at the mark */
};

void ac_arena_init(struct ac_arena *a, size_t cap);
void ac_arena_release(struct ac_arena *a);

/* Zeroed, 16-byte aligned memory, or NULL when out of memory or over cap. */
void *ac_arena_alloc(struct ac_arena *a, size_t n);

/* A copy of s in the arena, NUL-terminated; ptr NULL on failure. */
struct ac_str ac_arena_str(struct ac_arena *a, struct ac_str s);
char *ac_arena_cstr(struct ac_arena *a, struct ac_str s);

struct ac_arena_mark ac_arena_mark(const struct ac_arena *a);
/* Frees everything allocated after the mark. */
void ac_arena_rewind(struct ac_arena *a, struct ac_arena_mark m);

#endif
