/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The canonical event encoding: the bytes that are hashed. Version 1 is
 * RFC 8785 (JCS) restricted to what events use (docs/events.md#canonical):
 * object keys sorted by byte order, no whitespace, strings with only the
 * escapes \" \\ \b \f \n \r \t and \u00xx (lowercase) for other control
 * characters, every other character as literal UTF-8, integers only.
 * Pinned by the golden vectors in tests/data/canonical. */
#ifndef ACCORD_CORE_CODEC_H
#define ACCORD_CORE_CODEC_H

#include "base/buf.h"
#include "base/err.h"
#include "base/val.h"

#define AC_CODEC_VERSION 1

/* Appends the canonical form of v to out. Fails with AC_EINVAL on invalid
 * UTF-8 and AC_ENOMEM/AC_ELIMIT when out is full. */
enum ac_status ac_codec_encode(const struct ac_val *v, struct ac_buf *out,
                               struct ac_err *err);

/* Appends the canonical form of one string (with quotes). */
void ac_codec_string(struct ac_str s, struct ac_buf *out);

#endif
