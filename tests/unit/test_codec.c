/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The canonical JSON encoding, pinned by the golden vectors in
 * tests/data/canonical (pairs NAME.in.json -> NAME.out.json). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <string.h>

#include "base/json.h"
#include "core/codec.h"
#include "unit.h"

static struct ac_arena arena;

static void setup(void)
{
    ac_arena_init(&arena, 0);
}

static void teardown(void)
{
    ac_arena_release(&arena);
}

TestSuite(codec, .init = setup, .fini = teardown);

/* Canonical bytes of JSON text, in a malloc'd buffer the caller releases. */
static void canon(const char *text, size_t len, struct ac_buf *out)
{
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    cr_assert_eq(ac_json_parse((struct ac_str){text, len}, &arena, &v, &err),
                 AC_OK, "%s: %s", text, err.msg);
    ac_buf_init(out, 0);
    cr_assert_eq(ac_codec_encode(v, out, &err), AC_OK, "%s", err.msg);
}

/* Checks one golden pair; returns 1 so the caller can count them. */
static int check_case(const char *name)
{
    char rel[512];
    size_t in_len, want_len;
    char *in, *want;
    struct ac_buf got, again;

    snprintf(rel, sizeof rel, "canonical/%s.in.json", name);
    in = u_read(rel, &in_len);
    snprintf(rel, sizeof rel, "canonical/%s.out.json", name);
    want = u_read(rel, &want_len);

    canon(in, in_len, &got);
    cr_assert_eq(got.len, want_len,
                 "%s: %zu bytes, want %zu\n got: %s\nwant: %s", name, got.len,
                 want_len, got.ptr, want);
    cr_assert_eq(memcmp(got.ptr, want, want_len), 0, "%s:\n got: %s\nwant: %s",
                 name, got.ptr, want);
    /* the canonical form is a fixed point */
    canon(want, want_len, &again);
    cr_assert_eq(again.len, want_len, "%s is not a fixed point", name);
    cr_assert_eq(memcmp(again.ptr, want, want_len), 0,
                 "%s is not a fixed point", name);
    ac_buf_release(&got);
    ac_buf_release(&again);
    free(in);
    free(want);
    return 1;
}

Test(codec, golden_vectors)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    int count = 0;
    snprintf(dir, sizeof dir, "%s/canonical", u_data_dir());
    d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char name[256];
        if (n <= 8 || strcmp(e->d_name + n - 8, ".in.json") != 0 ||
            n - 8 >= sizeof name) {
            continue;
        }
        memcpy(name, e->d_name, n - 8);
        name[n - 8] = '\0';
        cr_log_info("canonical vector %s", name);
        count += check_case(name);
    }
    closedir(d);
    /* the cases the contract names must all be there */
    cr_assert_geq(count, 15, "only %d golden vectors found", count);
}

/* Each named case, so a failure names its vector. */
#define GOLDEN(name)                                                           \
    Test(codec, name)                                                          \
    {                                                                          \
        check_case(#name);                                                     \
    }

GOLDEN(key_order)
GOLDEN(prefix_keys)
GOLDEN(non_ascii_keys)
GOLDEN(key_escapes)
GOLDEN(escapes)
GOLDEN(control_chars)
GOLDEN(non_ascii_values)
GOLDEN(slash)
GOLDEN(integers)
GOLDEN(nested)
GOLDEN(empty_object)
GOLDEN(empty_array)
GOLDEN(empty_members)
GOLDEN(whitespace)
GOLDEN(closed_data)

static void string_is(const char *raw, size_t len, const char *want)
{
    struct ac_buf b;
    ac_buf_init(&b, 0);
    ac_codec_string((struct ac_str){raw, len}, &b);
    cr_assert_str_eq(b.ptr, want);
    ac_buf_release(&b);
}

Test(codec, every_control_character)
{
    static const char *const named[] = {
        [0x08] = "\"\\b\"", [0x09] = "\"\\t\"", [0x0a] = "\"\\n\"",
        [0x0c] = "\"\\f\"", [0x0d] = "\"\\r\"",
    };
    for (unsigned c = 1; c < 0x20; c++) {
        char raw = (char)c;
        char want[16];
        if (c < sizeof named / sizeof named[0] && named[c]) {
            snprintf(want, sizeof want, "%s", named[c]);
        } else {
            snprintf(want, sizeof want, "\"\\u00%02x\"", c);
        }
        string_is(&raw, 1, want);
    }
    string_is("\x7f", 1, "\"\x7f\"");
    string_is("\"", 1, "\"\\\"\"");
    string_is("\\", 1, "\"\\\\\"");
    string_is("/", 1, "\"/\"");
    string_is("", 0, "\"\"");
    string_is("\xc3\xa9\xf0\x9f\x98\x80", 6, "\"\xc3\xa9\xf0\x9f\x98\x80\"");
}

Test(codec, values_built_in_code_encode_like_parsed_ones)
{
    struct ac_val *o = ac_val_obj(&arena), *arr = ac_val_arr(&arena);
    struct ac_buf b;
    ac_val_push(&arena, arr, ac_val_int(&arena, INT64_MIN));
    ac_val_push(&arena, arr, ac_val_bool(&arena, false));
    ac_val_push(&arena, arr, ac_val_null(&arena));
    ac_val_set(&arena, o, "zeta", arr);
    ac_val_set(&arena, o, "alpha", ac_val_str(&arena, AC_STR("a\tb")));
    ac_val_set(&arena, o, "Beta", ac_val_obj(&arena));
    ac_buf_init(&b, 0);
    cr_assert_eq(ac_codec_encode(o, &b, NULL), AC_OK);
    cr_assert_str_eq(
        b.ptr,
        "{\"Beta\":{},\"alpha\":\"a\\tb\",\"zeta\":[-9223372036854775808,"
        "false,null]}");
    ac_buf_release(&b);
}

Test(codec, invalid_utf8_is_refused)
{
    struct ac_val *o = ac_val_obj(&arena);
    struct ac_buf b;
    struct ac_err err = {0};
    ac_val_set(&arena, o, "s",
               ac_val_str(&arena, (struct ac_str){"\xed\xa0\x80", 3}));
    ac_buf_init(&b, 0);
    cr_assert_eq(ac_codec_encode(o, &b, &err), AC_EINVAL);
    ac_buf_release(&b);

    /* a NUL byte cannot be encoded either: the log never holds one */
    o = ac_val_arr(&arena);
    ac_val_push(&arena, o, ac_val_str(&arena, (struct ac_str){"a\0b", 3}));
    ac_buf_init(&b, 0);
    cr_assert_eq(ac_codec_encode(o, &b, &err), AC_EINVAL);
    ac_buf_release(&b);

    o = ac_val_obj(&arena);
    ac_val_set(&arena, o, "\xff", ac_val_int(&arena, 1));
    ac_buf_init(&b, 0);
    cr_assert_eq(ac_codec_encode(o, &b, &err), AC_EINVAL);
    ac_buf_release(&b);

    ac_buf_init(&b, 0);
    cr_assert_eq(ac_codec_encode(NULL, &b, &err), AC_EINVAL);
    ac_buf_release(&b);
}

Test(codec, full_buffer_is_reported)
{
    struct ac_val *v = NULL;
    struct ac_buf b;
    struct ac_err err = {0};
    cr_assert_eq(ac_json_parse(AC_STR("{\"text\":\"0123456789abcdef\"}"),
                               &arena, &v, NULL),
                 AC_OK);
    ac_buf_init(&b, 10);
    cr_assert_eq(ac_codec_encode(v, &b, &err), AC_ELIMIT);
    cr_assert_eq(err.code, AC_ELIMIT);
    ac_buf_release(&b);
}
