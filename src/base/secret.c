/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Secrets through libsodium: never our own cryptography. */
#include "secret.h"

#include <sodium.h>

#include "ascii.h"
#include "hash.h"

#define OPSLIMIT 5
#define MEMLIMIT ((size_t)7 << 20)

bool ac_secret_init(void)
{
    return sodium_init() >= 0;
}

enum ac_status ac_password_check(struct ac_str password, struct ac_err *err)
{
    if (password.len > AC_PASSWORD_MAX) {
        return ac_err_at(err, "/password", AC_EINVAL,
                         "password must be at most %d bytes", AC_PASSWORD_MAX);
    }
    if (!ac_utf8_is_valid(password)) {
        return ac_err_at(err, "/password", AC_EINVAL,
                         "password is not valid UTF-8");
    }
    if (ac_utf8_count(password) < AC_PASSWORD_MIN) {
        return ac_err_at(err, "/password", AC_EINVAL,
                         "password must be at least %d characters",
                         AC_PASSWORD_MIN);
    }
    return AC_OK;
}

enum ac_status ac_password_hash(struct ac_str password, char phc[AC_PHC_MAX],
                                struct ac_err *err)
{
    _Static_assert(AC_PHC_MAX >= crypto_pwhash_STRBYTES,
                   "AC_PHC_MAX too small");
    if (crypto_pwhash_str_alg(phc, password.ptr, password.len, OPSLIMIT,
                              MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return ac_err_set(err, AC_ENOMEM,
                          "cannot hash the password: out "
                          "of memory");
    }
    return AC_OK;
}

bool ac_password_verify(const char *phc, struct ac_str password)
{
    return crypto_pwhash_str_verify(phc, password.ptr, password.len) == 0;
}

void ac_token_new(char out[AC_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, AC_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void ac_token_hash(char out[65], struct ac_str token)
{
    uint8_t h[AC_HASH_LEN];
    ac_sha256(h, token.ptr, token.len);
    ac_hex_encode(out, h, AC_HASH_LEN);
}
