/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Chunked region allocator. Chunks grow geometrically up to 1 MiB, and an
 * oversized request gets a chunk of its own. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ac_arena_chunk {
    struct ac_arena_chunk *next; /* older chunk */
    size_t size;                 /* usable bytes in data */
    size_t off;                  /* bytes used */
    _Alignas(16) unsigned char data[];
};

void ac_arena_init(struct ac_arena *a, size_t cap)
{
    memset(a, 0, sizeof *a);
    a->cap = cap;
}

void ac_arena_release(struct ac_arena *a)
{
    struct ac_arena_chunk *c = a->head;
    while (c) {
        struct ac_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}

void *ac_arena_alloc(struct ac_arena *a, size_t n)
{
    struct ac_arena_chunk *c = a->head;
    size_t need = (n + 15) & ~(size_t)15;
    void *p;

    a->allocs++;
    if (a->fail_at && a->allocs == a->fail_at) {
        return NULL;
    }
    if (need < n || (a->cap && a->used + need > a->cap)) {
        return NULL;
    }
    if (!c || c->size - c->off < need) {
        size_t size = c ? c->size * 2 : 4096;
        if (size > (1u << 20)) {
            size = 1u << 20;
        }
        if (size < need) {
            size = need;
        }
        c = malloc(sizeof *c + size);
        if (!c) {
            return NULL;
        }
        c->size = size;
        c->off = 0;
        c->next = a->head;
        a->head = c;
    }
    p = c->data + c->off;
    c->off += need;
    a->used += need;
    memset(p, 0, n);
    return p;
}

char *ac_arena_cstr(struct ac_arena *a, struct ac_str s)
{
    char *p = ac_arena_alloc(a, s.len + 1);
    if (p) {
        if (s.len) {
            memcpy(p, s.ptr, s.len);
        }
        p[s.len] = '\0';
    }
    return p;
}

struct ac_str ac_arena_str(struct ac_arena *a, struct ac_str s)
{
    char *p = ac_arena_cstr(a, s);
    return (struct ac_str){p, p ? s.len : 0};
}

struct ac_arena_mark ac_arena_mark(const struct ac_arena *a)
{
    struct ac_arena_mark m = {a->head, a->head ? a->head->off : 0, a->used};
    return m;
}

void ac_arena_rewind(struct ac_arena *a, struct ac_arena_mark m)
{
    while (a->head && a->head != m.chunk) {
        struct ac_arena_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    if (a->head) {
        a->head->off = m.off;
    }
    a->used = m.used;
}
