/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Passwords (Argon2id), random tokens and their stored hashes. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/secret.h"

static void init(void)
{
    cr_assert(ac_secret_init());
}

TestSuite(secret, .init = init);

Test(secret, hash_then_verify)
{
    char phc[AC_PHC_MAX];
    struct ac_err err = {0};
    cr_assert_eq(ac_password_hash(AC_STR("correct horse battery"), phc, &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(strncmp(phc, "$argon2id$", 10), 0, "%s", phc);
    cr_assert_lt(strlen(phc), AC_PHC_MAX);
    cr_assert(ac_password_verify(phc, AC_STR("correct horse battery")));
    cr_assert_not(ac_password_verify(phc, AC_STR("correct horse batterY")));
    cr_assert_not(ac_password_verify(phc, AC_STR("correct horse battery ")));
    cr_assert_not(ac_password_verify(phc, AC_STR("")));
    /* the password's length counts, not a NUL */
    cr_assert_not(ac_password_verify(
        phc, (struct ac_str){"correct horse battery\0x", 23}));
}

Test(secret, hashes_are_salted)
{
    char a[AC_PHC_MAX], b[AC_PHC_MAX];
    cr_assert_eq(ac_password_hash(AC_STR("same password"), a, NULL), AC_OK);
    cr_assert_eq(ac_password_hash(AC_STR("same password"), b, NULL), AC_OK);
    cr_assert_str_neq(a, b);
    cr_assert(ac_password_verify(a, AC_STR("same password")));
    cr_assert(ac_password_verify(b, AC_STR("same password")));
}

Test(secret, verify_refuses_garbage_hashes)
{
    cr_assert_not(ac_password_verify("", AC_STR("password1")));
    cr_assert_not(
        ac_password_verify("$argon2id$v=19$nonsense", AC_STR("password1")));
    cr_assert_not(ac_password_verify("password1", AC_STR("password1")));
}

Test(secret, password_check)
{
    struct ac_err err = {0};
    char big[AC_PASSWORD_MAX + 2];
    cr_assert_eq(ac_password_check(AC_STR("1234567"), &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/password");
    cr_assert_eq(ac_password_check(AC_STR("12345678"), NULL), AC_OK);
    memset(big, 'p', sizeof big);
    cr_assert_eq(ac_password_check((struct ac_str){big, AC_PASSWORD_MAX}, NULL),
                 AC_OK);
    err = (struct ac_err){0};
    cr_assert_eq(
        ac_password_check((struct ac_str){big, AC_PASSWORD_MAX + 1}, &err),
        AC_EINVAL);
    cr_assert_str_eq(err.where, "/password");
    err = (struct ac_err){0};
    cr_assert_eq(ac_password_check(AC_STR("abcdefg\xff"), &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/password");
    cr_assert_eq(ac_password_check((struct ac_str){"abcd\0efgh", 9}, NULL),
                 AC_EINVAL);
    /* the minimum counts characters, as the message says: 4 x é is 8
     * bytes but 4 characters; 8 x é passes */
    cr_assert_eq(
        ac_password_check(AC_STR("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), NULL),
        AC_EINVAL);
    cr_assert_eq(ac_password_check(AC_STR("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
                                   NULL),
                 AC_OK);
}

static bool token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Test(secret, tokens_have_length_and_charset)
{
    char seen[20][AC_TOKEN_LEN + 1];
    for (int n = 0; n < 20; n++) {
        char *t = seen[n];
        memset(t, '#', AC_TOKEN_LEN + 1);
        ac_token_new(t);
        cr_assert_eq(strlen(t), AC_TOKEN_LEN, "%s", t);
        for (int i = 0; i < AC_TOKEN_LEN; i++) {
            cr_assert(token_char(t[i]), "%s: character %d", t, i);
        }
        for (int k = 0; k < n; k++) {
            cr_assert_str_neq(seen[k], t, "two equal tokens");
        }
    }
}

Test(secret, token_hash_is_lowercase_hex_sha256)
{
    char out[65];
    memset(out, '#', sizeof out);
    ac_token_hash(out, AC_STR("abc"));
    cr_assert_str_eq(
        out,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ac_token_hash(out, AC_STR(""));
    cr_assert_str_eq(
        out,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    {
        char t[AC_TOKEN_LEN + 1], h1[65], h2[65];
        ac_token_new(t);
        ac_token_hash(h1, ac_str_c(t));
        ac_token_hash(h2, ac_str_c(t));
        cr_assert_str_eq(h1, h2);
        cr_assert_eq(strlen(h1), 64);
        for (int i = 0; i < 64; i++) {
            cr_assert((h1[i] >= '0' && h1[i] <= '9') ||
                      (h1[i] >= 'a' && h1[i] <= 'f'));
        }
    }
}
