/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Counted strings: a pointer and a length, never assumed NUL-terminated. */
#ifndef ACCORD_BASE_STR_H
#define ACCORD_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct ac_str {
    const char *ptr; /* not owned; may be NULL when len is 0 */
    size_t len;      /* bytes */
};

#define AC_STR(lit) ((struct ac_str){(lit), sizeof(lit) - 1})

static inline struct ac_str ac_str_c(const char *s)
{
    return (struct ac_str){s, s ? strlen(s) : 0};
}

static inline bool ac_str_eq(struct ac_str a, struct ac_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool ac_str_eq_c(struct ac_str a, const char *b)
{
    return ac_str_eq(a, ac_str_c(b));
}

/* Byte-order comparison: <0, 0, >0. */
static inline int ac_str_cmp(struct ac_str a, struct ac_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c != 0) {
        return c;
    }
    return a.len < b.len ? -1 : (a.len > b.len ? 1 : 0);
}

#endif
