/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Growable output buffer with a hard cap and a sticky failure status. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ac_buf_init(struct ac_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max ? max : (size_t)64 << 20;
}

void ac_buf_release(struct ac_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

void ac_buf_reset(struct ac_buf *b)
{
    b->len = 0;
    b->status = AC_OK;
    if (b->ptr) {
        b->ptr[0] = '\0';
    }
}

static int reserve(struct ac_buf *b, size_t n)
{
    size_t want;
    char *p;
    if (b->status != AC_OK) {
        return -1;
    }
    if (n > b->max || b->len > b->max - n) {
        b->status = AC_ELIMIT;
        return -1;
    }
    want = b->len + n + 1;
    if (want <= b->cap) {
        return 0;
    }
    {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < want) {
            cap *= 2;
        }
        p = realloc(b->ptr, cap);
        if (!p) {
            b->status = AC_ENOMEM;
            return -1;
        }
        b->ptr = p;
        b->cap = cap;
    }
    return 0;
}

void ac_buf_add(struct ac_buf *b, const void *p, size_t n)
{
    if (reserve(b, n) != 0) {
        return;
    }
    if (n) {
        memcpy(b->ptr + b->len, p, n);
    }
    b->len += n;
    b->ptr[b->len] = '\0';
}

void ac_buf_add_str(struct ac_buf *b, struct ac_str s)
{
    ac_buf_add(b, s.ptr, s.len);
}

void ac_buf_add_c(struct ac_buf *b, const char *s)
{
    ac_buf_add(b, s, strlen(s));
}

void ac_buf_putc(struct ac_buf *b, char c)
{
    ac_buf_add(b, &c, 1);
}

void ac_buf_printf(struct ac_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *ac_buf_take(struct ac_buf *b, size_t *len)
{
    char *p = b->ptr;
    if (len) {
        *len = b->len;
    }
    if (!p) {
        p = calloc(1, 1);
    }
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}
