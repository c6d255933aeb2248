/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Passwords (Argon2id through libsodium) and random tokens. */
#ifndef ACCORD_BASE_SECRET_H
#define ACCORD_BASE_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "str.h"

#define AC_PHC_MAX 128  /* bytes of an Argon2id hash string with NUL */
#define AC_TOKEN_LEN 43 /* characters of a token (32 random bytes) */
#define AC_PASSWORD_MIN 8
#define AC_PASSWORD_MAX 1024

/* Must run once before any other call here; false if libsodium fails. */
bool ac_secret_init(void);

/* Hashes a password with Argon2id, t=5 and m=7 MiB: one of the settings
 * OWASP's password storage guidance lists as equal in strength (m=19 MiB
 * t=2, m=12 MiB t=3, ..., m=7 MiB t=5); the smallest memory one, so a
 * login fits the server's 20 MB budget. Hashes made with other settings
 * still verify. */
enum ac_status ac_password_hash(struct ac_str password, char phc[AC_PHC_MAX],
                                struct ac_err *err);

/* True when password matches the hash. */
bool ac_password_verify(const char *phc, struct ac_str password);

/* Checks length and UTF-8: AC_EINVAL naming "password" otherwise. */
enum ac_status ac_password_check(struct ac_str password, struct ac_err *err);

/* Writes a random URL-safe token of AC_TOKEN_LEN characters and a NUL. */
void ac_token_new(char out[AC_TOKEN_LEN + 1]);

/* The hex SHA-256 of a token, as stored. */
void ac_token_hash(char out[65], struct ac_str token);

#endif
