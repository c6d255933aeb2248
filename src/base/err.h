/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Status codes and the fixed-size error record every fallible call fills.
 * An ac_err needs no allocation, so it can report out-of-memory. */
#ifndef ACCORD_BASE_ERR_H
#define ACCORD_BASE_ERR_H

#include <stddef.h>

enum ac_status {
    AC_OK = 0,
    AC_EINVAL,    /* malformed or invalid input */
    AC_ENOTFOUND, /* unknown id */
    AC_ECONFLICT, /* not possible in the current state */
    AC_EDENIED,   /* the actor may not do this */
    AC_ELIMIT,    /* a size or rate limit was reached */
    AC_ENOMEM,    /* out of memory or over an arena cap */
    AC_ECORRUPT,  /* stored data does not verify */
    AC_EIO        /* the disk or database failed */
};

struct ac_err {
    enum ac_status code; /* AC_OK until set */
    char msg[256];       /* lowercase, no final period */
    char where[128];     /* offending field as a JSON pointer, or "" */
};

/* Sets code and message (printf format); returns code. err may be NULL. */
enum ac_status ac_err_set(struct ac_err *err, enum ac_status code,
                          const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As ac_err_set, also naming the offending field (a JSON pointer). */
enum ac_status ac_err_at(struct ac_err *err, const char *where,
                         enum ac_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Clears err to AC_OK. */
void ac_err_clear(struct ac_err *err);

/* A short lowercase name for a status ("invalid", "not found", ...). */
const char *ac_status_name(enum ac_status code);

#endif
