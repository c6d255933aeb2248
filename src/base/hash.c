/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Hashing through libsodium; no cryptography of our own. */
#include "hash.h"

#include <sodium.h>

#include "ascii.h"

void ac_sha256(uint8_t out[AC_HASH_LEN], const void *data, size_t len)
{
    crypto_hash_sha256(out, data, len);
}

void ac_hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

bool ac_hex_decode(uint8_t *out, size_t n, struct ac_str hex)
{
    if (hex.len != 2 * n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        int hi = ac_hex_digit(hex.ptr[2 * i]);
        int lo = ac_hex_digit(hex.ptr[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool ac_bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}
