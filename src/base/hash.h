/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* SHA-256 (libsodium) and lowercase hex. */
#ifndef ACCORD_BASE_HASH_H
#define ACCORD_BASE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define AC_HASH_LEN 32
#define AC_HEX_LEN 64

void ac_sha256(uint8_t out[AC_HASH_LEN], const void *data, size_t len);

/* Writes 2*n lowercase hex digits and a NUL into out. */
void ac_hex_encode(char *out, const uint8_t *in, size_t n);

/* Decodes exactly 2*n hex digits (either case); false otherwise. */
bool ac_hex_decode(uint8_t *out, size_t n, struct ac_str hex);

/* Constant-time comparison of n bytes. */
bool ac_bytes_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
