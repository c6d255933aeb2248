/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Growable, capped output buffer; NUL-terminated for convenience only. */
#ifndef ACCORD_BASE_BUF_H
#define ACCORD_BASE_BUF_H

#include <stddef.h>

#include "err.h"
#include "str.h"

struct ac_buf {
    char *ptr;             /* heap, owned; NULL until first write */
    size_t len;            /* bytes written */
    size_t cap;            /* bytes allocated */
    size_t max;            /* byte cap; 0 means 64 MiB */
    enum ac_status status; /* first failure, sticky */
};

void ac_buf_init(struct ac_buf *b, size_t max);
void ac_buf_release(struct ac_buf *b);
void ac_buf_reset(struct ac_buf *b);

/* Appends; on failure the buffer keeps its status (AC_ENOMEM or AC_ELIMIT)
 * and ignores later writes. */
void ac_buf_add(struct ac_buf *b, const void *p, size_t n);
void ac_buf_add_str(struct ac_buf *b, struct ac_str s);
void ac_buf_add_c(struct ac_buf *b, const char *s);
void ac_buf_putc(struct ac_buf *b, char c);
void ac_buf_printf(struct ac_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline struct ac_str ac_buf_str(const struct ac_buf *b)
{
    return (struct ac_str){b->ptr ? b->ptr : "", b->len};
}

/* Takes ownership of the bytes (caller frees); the buffer is empty after. */
char *ac_buf_take(struct ac_buf *b, size_t *len);

#endif
