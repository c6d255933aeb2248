/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Error records: formatting into the fixed message buffer. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void vfill(struct ac_err *err, enum ac_status code, const char *fmt,
                  va_list ap)
{
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

enum ac_status ac_err_set(struct ac_err *err, enum ac_status code,
                          const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vfill(err, code, fmt, ap);
        va_end(ap);
        err->where[0] = '\0';
    }
    return code;
}

enum ac_status ac_err_at(struct ac_err *err, const char *where,
                         enum ac_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vfill(err, code, fmt, ap);
        va_end(ap);
        snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    }
    return code;
}

void ac_err_clear(struct ac_err *err)
{
    if (err) {
        err->code = AC_OK;
        err->msg[0] = '\0';
        err->where[0] = '\0';
    }
}

const char *ac_status_name(enum ac_status code)
{
    static const char *const names[] = {
        [AC_OK] = "ok",
        [AC_EINVAL] = "invalid",
        [AC_ENOTFOUND] = "not found",
        [AC_ECONFLICT] = "conflict",
        [AC_EDENIED] = "denied",
        [AC_ELIMIT] = "limit",
        [AC_ENOMEM] = "out of memory",
        [AC_ECORRUPT] = "corrupt",
        [AC_EIO] = "i/o error",
    };
    if ((size_t)code < sizeof names / sizeof names[0] && names[code]) {
        return names[code];
    }
    return "unknown";
}
