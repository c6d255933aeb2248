/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Strict integer parsing and UTF-8 validation (RFC 3629). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "base/ascii.h"

static enum ac_status parse(const char *s, int64_t min, int64_t max,
                            int64_t *out, struct ac_err *err)
{
    return ac_parse_i64(ac_str_c(s), min, max, out, err);
}

static void ok(const char *s, int64_t want)
{
    int64_t v = -12345;
    struct ac_err err = {0};
    cr_assert_eq(parse(s, INT64_MIN, INT64_MAX, &v, &err), AC_OK, "\"%s\": %s",
                 s, err.msg);
    cr_assert_eq(v, want, "\"%s\" gave %lld", s, (long long)v);
}

static void bad(const char *s, int64_t min, int64_t max)
{
    int64_t v = -12345;
    struct ac_err err = {0};
    cr_assert_eq(parse(s, min, max, &v, &err), AC_EINVAL, "\"%s\" accepted", s);
    cr_assert_eq(err.code, AC_EINVAL);
    cr_assert_neq(err.msg[0], '\0');
    cr_assert_eq(v, -12345, "\"%s\": output written on error", s);
}

Test(parse_i64, plain_numbers)
{
    ok("0", 0);
    ok("7", 7);
    ok("42", 42);
    ok("007", 7);
    ok("1234567890123", INT64_C(1234567890123));
}

Test(parse_i64, signs)
{
    ok("-42", -42);
    ok("+42", 42);
    ok("-0", 0);
    ok("+0", 0);
    bad("-", INT64_MIN, INT64_MAX);
    bad("+", INT64_MIN, INT64_MAX);
    bad("--1", INT64_MIN, INT64_MAX);
    bad("+-1", INT64_MIN, INT64_MAX);
    bad("1-", INT64_MIN, INT64_MAX);
}

Test(parse_i64, the_whole_field_must_be_a_number)
{
    bad("", INT64_MIN, INT64_MAX);
    bad(" 1", INT64_MIN, INT64_MAX);
    bad("1 ", INT64_MIN, INT64_MAX);
    bad("1a", INT64_MIN, INT64_MAX);
    bad("a1", INT64_MIN, INT64_MAX);
    bad("0x10", INT64_MIN, INT64_MAX);
    bad("1.0", INT64_MIN, INT64_MAX);
    bad("1e3", INT64_MIN, INT64_MAX);
    bad("1_000", INT64_MIN, INT64_MAX);
    bad("\t1", INT64_MIN, INT64_MAX);
}

Test(parse_i64, counted_not_nul_terminated)
{
    int64_t v = 0;
    cr_assert_eq(ac_parse_i64((struct ac_str){"123abc", 3}, 0, 1000, &v, NULL),
                 AC_OK);
    cr_assert_eq(v, 123);
    /* an embedded NUL is not the end of the field */
    cr_assert_eq(ac_parse_i64((struct ac_str){"12\0"
                                              "3",
                                              4},
                              0, 10000, &v, NULL),
                 AC_EINVAL);
    cr_assert_eq(ac_parse_i64((struct ac_str){NULL, 0}, 0, 1, &v, NULL),
                 AC_EINVAL);
}

Test(parse_i64, range)
{
    int64_t v;
    cr_assert_eq(parse("1", 1, 720, &v, NULL), AC_OK);
    cr_assert_eq(parse("720", 1, 720, &v, NULL), AC_OK);
    cr_assert_eq(v, 720);
    bad("0", 1, 720);
    bad("721", 1, 720);
    bad("-1", 0, 100);
    bad("101", 0, 100);
    cr_assert_eq(parse("-5", -5, -5, &v, NULL), AC_OK);
    cr_assert_eq(v, -5);
}

Test(parse_i64, overflow)
{
    ok("9223372036854775807", INT64_MAX);
    ok("-9223372036854775808", INT64_MIN);
    ok("+9223372036854775807", INT64_MAX);
    bad("9223372036854775808", INT64_MIN, INT64_MAX);
    bad("-9223372036854775809", INT64_MIN, INT64_MAX);
    bad("18446744073709551615", INT64_MIN, INT64_MAX);
    bad("18446744073709551616", INT64_MIN, INT64_MAX);
    bad("99999999999999999999999999999", INT64_MIN, INT64_MAX);
    bad("-99999999999999999999999999999", INT64_MIN, INT64_MAX);
    ok("00000000000000000000009223372036854775807", INT64_MAX);
}

Test(parse_i64, err_may_be_null)
{
    int64_t v;
    cr_assert_eq(parse("x", 0, 1, &v, NULL), AC_EINVAL);
    cr_assert_eq(parse("5", 0, 1, &v, NULL), AC_EINVAL);
}

/* ---- UTF-8 ---- */

static bool valid(const char *s, size_t n)
{
    return ac_utf8_is_valid((struct ac_str){s, n});
}

#define VALID(lit) cr_assert(valid(lit, sizeof(lit) - 1), "%s", #lit)
#define INVALID(lit) cr_assert_not(valid(lit, sizeof(lit) - 1), "%s", #lit)

Test(utf8, well_formed)
{
    VALID("");
    VALID("plain ascii ~\x7f");
    VALID("\xc3\xa9");         /* é U+00E9 */
    VALID("\xc2\x80");         /* U+0080, smallest 2-byte */
    VALID("\xdf\xbf");         /* U+07FF */
    VALID("\xe0\xa0\x80");     /* U+0800, smallest 3-byte */
    VALID("\xe2\x82\xac");     /* € */
    VALID("\xed\x9f\xbf");     /* U+D7FF, below the surrogates */
    VALID("\xee\x80\x80");     /* U+E000, above the surrogates */
    VALID("\xef\xbf\xbf");     /* U+FFFF */
    VALID("\xf0\x90\x80\x80"); /* U+10000, smallest 4-byte */
    VALID("\xf0\x9f\x98\x80"); /* 😀 */
    VALID("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last */
    VALID("a\xc3\xa9z\xf0\x9f\x98\x80!");
    cr_assert(ac_utf8_is_valid((struct ac_str){NULL, 0}));
}

Test(utf8, overlong_forms)
{
    INVALID("\xc0\x80"); /* NUL in 2 bytes */
    INVALID("\xc0\xaf"); /* '/' in 2 bytes */
    INVALID("\xc1\xbf");
    INVALID("\xe0\x80\x80");
    INVALID("\xe0\x9f\xbf"); /* U+07FF in 3 bytes */
    INVALID("\xf0\x80\x80\x80");
    INVALID("\xf0\x8f\xbf\xbf"); /* U+FFFF in 4 bytes */
}

Test(utf8, surrogates)
{
    INVALID("\xed\xa0\x80");             /* U+D800 */
    INVALID("\xed\xaf\xbf");             /* U+DBFF */
    INVALID("\xed\xb0\x80");             /* U+DC00 */
    INVALID("\xed\xbf\xbf");             /* U+DFFF */
    INVALID("\xed\xa0\xbd\xed\xb8\x80"); /* CESU-8 pair for 😀 */
}

Test(utf8, beyond_u10ffff)
{
    INVALID("\xf4\x90\x80\x80"); /* U+110000 */
    INVALID("\xf5\x80\x80\x80");
    INVALID("\xf7\xbf\xbf\xbf");
    INVALID("\xf8\x88\x80\x80\x80"); /* old 5-byte form */
    INVALID("\xfc\x84\x80\x80\x80\x80");
    INVALID("\xfe");
    INVALID("\xff");
}

Test(utf8, truncated_sequences)
{
    INVALID("\xc3");
    INVALID("\xe2\x82");
    INVALID("\xf0\x9f\x98");
    INVALID("a\xc3");
    INVALID("\xc3"
            "a");
    INVALID("\xe2\x82"
            "a");
    INVALID("\xf0\x9f\x98"
            "abc");
    /* the length bounds the check, not a NUL */
    cr_assert_not(valid("\xc3\xa9", 1));
    cr_assert_not(valid("\xf0\x9f\x98\x80", 3));
}

Test(utf8, stray_continuation_bytes)
{
    INVALID("\x80");
    INVALID("a\xbf");
    INVALID("\xc3\xa9\xa9");
}

Test(utf8, nul_is_refused)
{
    cr_assert_not(valid("\0", 1));
    cr_assert_not(valid("ab\0cd", 5));
    cr_assert_not(valid("\xc3\xa9\0", 3));
}

Test(utf8, count_code_points)
{
    cr_assert_eq(ac_utf8_count(AC_STR("")), 0);
    cr_assert_eq(ac_utf8_count(AC_STR("abc")), 3);
    cr_assert_eq(ac_utf8_count(AC_STR("\xc3\xa9t\xc3\xa9")), 3);
    cr_assert_eq(ac_utf8_count(AC_STR("\xf0\x9f\x98\x80\xe2\x82\xac")), 2);
}

Test(ascii, classes)
{
    cr_assert(ac_ascii_isdigit('0') && ac_ascii_isdigit('9'));
    cr_assert_not(ac_ascii_isdigit('a') || ac_ascii_isdigit('/') ||
                  ac_ascii_isdigit(':'));
    cr_assert(ac_ascii_islower('a') && ac_ascii_islower('z'));
    cr_assert_not(ac_ascii_islower('A') || ac_ascii_islower(0xe9));
    cr_assert(ac_ascii_isspace(' ') && ac_ascii_isspace('\t') &&
              ac_ascii_isspace('\n') && ac_ascii_isspace('\r') &&
              ac_ascii_isspace('\f') && ac_ascii_isspace('\v'));
    cr_assert_not(ac_ascii_isspace('x') || ac_ascii_isspace(0xa0) ||
                  ac_ascii_isspace(0));
}

Test(ascii, utf8_cut_drops_only_an_incomplete_last_character)
{
    char a[] = "ab\xd0\x96";        /* "abЖ": complete */
    char b[] = "ab\xd0";            /* cut inside Ж */
    char c[] = "a\xe2\x82";         /* cut inside € */
    char d[] = "a\xf0\x9f\x98\x80"; /* complete 4-byte */
    char e[] = "a\xf0\x9f\x98";     /* cut inside it */
    char f[] = "";
    ac_utf8_cut(a);
    ac_utf8_cut(b);
    ac_utf8_cut(c);
    ac_utf8_cut(d);
    ac_utf8_cut(e);
    ac_utf8_cut(f);
    cr_assert_str_eq(a, "ab\xd0\x96");
    cr_assert_str_eq(b, "ab");
    cr_assert_str_eq(c, "a");
    cr_assert_str_eq(d, "a\xf0\x9f\x98\x80");
    cr_assert_str_eq(e, "a");
    cr_assert_str_eq(f, "");
}
