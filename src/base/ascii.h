/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Locale-free character classes, strict number parsing, UTF-8 checks. */
#ifndef ACCORD_BASE_ASCII_H
#define ACCORD_BASE_ASCII_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "str.h"

static inline bool ac_ascii_isdigit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool ac_ascii_islower(int c)
{
    return c >= 'a' && c <= 'z';
}

static inline bool ac_ascii_isspace(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* The value of a hex digit (either case), or -1. */
int ac_hex_digit(char c);

/* True when s is empty or holds only ASCII white space. */
bool ac_str_is_blank(struct ac_str s);

/* Parses the whole of s as a decimal integer in [min, max]. */
enum ac_status ac_parse_i64(struct ac_str s, int64_t min, int64_t max,
                            int64_t *out, struct ac_err *err);

/* True when s is well-formed UTF-8 with no NUL byte. */
bool ac_utf8_is_valid(struct ac_str s);

/* Number of code points in valid UTF-8 s. */
size_t ac_utf8_count(struct ac_str s);

/* Drops, in place, a UTF-8 sequence left incomplete at the end of s (as
 * a byte-counted cut such as snprintf's leaves). */
void ac_utf8_cut(char *s);

#endif
