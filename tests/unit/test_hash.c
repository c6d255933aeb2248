/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* SHA-256, hex, constant-time comparison, and the error record. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/err.h"
#include "base/hash.h"

static void sha_hex(const char *s, size_t n, char out[AC_HEX_LEN + 1])
{
    uint8_t h[AC_HASH_LEN];
    ac_sha256(h, s, n);
    ac_hex_encode(out, h, AC_HASH_LEN);
}

Test(hash, sha256_known_vectors)
{
    char hex[AC_HEX_LEN + 1];
    /* FIPS 180-2 examples */
    sha_hex("", 0, hex);
    cr_assert_str_eq(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_hex("abc", 3, hex);
    cr_assert_str_eq(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
            hex);
    cr_assert_str_eq(
        hex,
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(hash, hex_encode_is_lowercase)
{
    const uint8_t in[] = {0x00, 0x0f, 0xa5, 0xff};
    char out[9];
    ac_hex_encode(out, in, 4);
    cr_assert_str_eq(out, "000fa5ff");
    ac_hex_encode(out, in, 0);
    cr_assert_str_eq(out, "");
}

Test(hash, hex_decode)
{
    uint8_t out[4];
    cr_assert(ac_hex_decode(out, 4, AC_STR("000fa5ff")));
    cr_assert_eq(memcmp(out, "\x00\x0f\xa5\xff", 4), 0);
    cr_assert(ac_hex_decode(out, 2, AC_STR("A5fF")), "either case");
    cr_assert_eq(out[0], 0xa5);
    cr_assert_eq(out[1], 0xff);
    cr_assert_not(ac_hex_decode(out, 4, AC_STR("000fa5f")));
    cr_assert_not(ac_hex_decode(out, 4, AC_STR("000fa5fff")));
    cr_assert_not(ac_hex_decode(out, 4, AC_STR("000fa5fg")));
    cr_assert_not(ac_hex_decode(out, 2, AC_STR(" 0ff")));
    cr_assert_not(ac_hex_decode(out, 2, AC_STR("0x0f")));
}

Test(hash, bytes_equal)
{
    uint8_t a[32] = {0}, b[32] = {0};
    cr_assert(ac_bytes_equal(a, b, 32));
    b[31] = 1;
    cr_assert_not(ac_bytes_equal(a, b, 32));
    cr_assert(ac_bytes_equal(a, b, 31));
}

Test(err, set_and_at)
{
    struct ac_err err;
    ac_err_clear(&err);
    cr_assert_eq(err.code, AC_OK);
    cr_assert_eq(ac_err_at(&err, "/data/text", AC_EINVAL, "%s is %d", "x", 3),
                 AC_EINVAL);
    cr_assert_eq(err.code, AC_EINVAL);
    cr_assert_str_eq(err.msg, "x is 3");
    cr_assert_str_eq(err.where, "/data/text");
    /* ac_err_set clears where */
    cr_assert_eq(ac_err_set(&err, AC_ECONFLICT, "closed"), AC_ECONFLICT);
    cr_assert_str_eq(err.where, "");
    cr_assert_str_eq(err.msg, "closed");
    /* NULL err is allowed */
    cr_assert_eq(ac_err_set(NULL, AC_ENOMEM, "x"), AC_ENOMEM);
    cr_assert_eq(ac_err_at(NULL, "/a", AC_EIO, "x"), AC_EIO);
    ac_err_clear(NULL);
    ac_err_at(&err, NULL, AC_EINVAL, "y");
    cr_assert_str_eq(err.where, "");
}

Test(err, long_messages_are_truncated)
{
    struct ac_err err;
    char big[1000];
    memset(big, 'm', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ac_err_at(&err, big, AC_EINVAL, "%s", big);
    cr_assert_eq(strlen(err.msg), sizeof err.msg - 1);
    cr_assert_eq(strlen(err.where), sizeof err.where - 1);
}

Test(err, status_names)
{
    cr_assert_str_eq(ac_status_name(AC_OK), "ok");
    cr_assert_str_eq(ac_status_name(AC_EINVAL), "invalid");
    cr_assert_str_eq(ac_status_name(AC_ENOTFOUND), "not found");
    cr_assert_str_eq(ac_status_name(AC_EIO), "i/o error");
    cr_assert_str_eq(ac_status_name((enum ac_status)99), "unknown");
}
