/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Strict JSON decoding into value trees, and back. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"

static struct ac_arena arena;

static void setup(void)
{
    ac_arena_init(&arena, 0);
}

static void teardown(void)
{
    ac_arena_release(&arena);
}

TestSuite(json, .init = setup, .fini = teardown);

static struct ac_val *parse_ok(const char *text)
{
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    cr_assert_eq(ac_json_parse(ac_str_c(text), &arena, &v, &err), AC_OK,
                 "%s: %s", text, err.msg);
    cr_assert_not_null(v);
    return v;
}

/* Refused with AC_EINVAL; returns the error for further checks. */
static struct ac_err parse_bad_n(const char *text, size_t len)
{
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    cr_assert_eq(ac_json_parse((struct ac_str){text, len}, &arena, &v, &err),
                 AC_EINVAL, "accepted: %.*s", (int)len, text);
    cr_assert_eq(err.code, AC_EINVAL);
    cr_assert_neq(err.msg[0], '\0');
    return err;
}

static struct ac_err parse_bad(const char *text)
{
    return parse_bad_n(text, strlen(text));
}

/* n nested arrays around inner ("" for none). */
static char *nested(int n, const char *inner)
{
    size_t len = strlen(inner);
    char *s = ac_arena_alloc(&arena, (size_t)(2 * n) + len + 1);
    cr_assert_not_null(s);
    memset(s, '[', (size_t)n);
    memcpy(s + n, inner, len);
    memset(s + n + len, ']', (size_t)n);
    s[2 * n + len] = '\0';
    return s;
}

Test(json, parses_every_kind)
{
    struct ac_val *v = parse_ok(
        "{\"n\":null,\"t\":true,\"f\":false,\"i\":-42,\"s\":\"h\\u00e9\","
        "\"a\":[1,[2]],\"o\":{\"k\":\"v\"},\"big\":9223372036854775807}");
    struct ac_str s;
    int64_t i;
    cr_assert_eq(v->kind, AC_VAL_OBJ);
    cr_assert_eq(v->count, 8);
    cr_assert_eq(ac_val_get(v, "n")->kind, AC_VAL_NULL);
    cr_assert_eq(ac_val_get(v, "t")->kind, AC_VAL_BOOL);
    cr_assert(ac_val_get(v, "t")->b);
    cr_assert_not(ac_val_get(v, "f")->b);
    cr_assert(ac_val_get_int(v, "i", &i));
    cr_assert_eq(i, -42);
    cr_assert(ac_val_get_int(v, "big", &i));
    cr_assert_eq(i, INT64_MAX);
    cr_assert(ac_val_get_str(v, "s", &s));
    cr_assert(ac_str_eq_c(s, "h\xc3\xa9"));
    cr_assert_eq(ac_val_get(v, "a")->count, 2);
    cr_assert_eq(ac_val_get(v, "a")->items[1]->items[0]->i, 2);
    cr_assert(ac_val_get_str(ac_val_get(v, "o"), "k", &s));
    cr_assert(ac_str_eq_c(s, "v"));
    /* members keep their order */
    cr_assert(ac_str_eq_c(v->pairs[0].key, "n"));
    cr_assert(ac_str_eq_c(v->pairs[7].key, "big"));
}

Test(json, duplicate_keys_are_refused)
{
    parse_bad("{\"a\":1,\"a\":2}");
    parse_bad("{\"a\":1,\"a\":1}");
    parse_bad("{\"x\":{\"b\":1,\"c\":2,\"b\":3}}");
    parse_bad("[{\"k\":[]},{\"k\":1,\"k\":2}]");
    /* the same key in different objects is fine */
    parse_ok("{\"a\":{\"a\":1},\"b\":{\"a\":2}}");
}

Test(json, reals_are_refused_with_their_pointer)
{
    struct ac_err e;
    e = parse_bad("{\"a\":1.5}");
    cr_assert_str_eq(e.where, "/a");
    e = parse_bad("{\"a\":{\"b\":[1,2,3.0]}}");
    cr_assert_str_eq(e.where, "/a/b/2");
    e = parse_bad("[0,1e3]");
    cr_assert_str_eq(e.where, "/1");
    e = parse_bad("{\"ok\":1,\"set\":{\"consent.quorum_percent\":-0.5}}");
    cr_assert_str_eq(e.where, "/set/consent.quorum_percent");
    e = parse_bad("[1E-2]");
    cr_assert_str_eq(e.where, "/0");
}

Test(json, integers_beyond_64_bits_are_refused)
{
    parse_bad("[9223372036854775808]");
    parse_bad("[-9223372036854775809]");
    parse_ok("[-9223372036854775808]");
}

Test(json, nesting_up_to_the_limit)
{
    struct ac_val *v = parse_ok(nested(AC_JSON_MAX_DEPTH, "7"));
    for (int i = 0; i < AC_JSON_MAX_DEPTH; i++) {
        cr_assert_eq(v->kind, AC_VAL_ARR);
        v = v->items[0];
    }
    cr_assert_eq(v->kind, AC_VAL_INT);
    parse_ok(nested(AC_JSON_MAX_DEPTH, ""));
    parse_ok(nested(AC_JSON_MAX_DEPTH - 2, "{\"a\":{}}"));
}

Test(json, nesting_past_the_limit_is_refused)
{
    struct ac_err e;
    char want[256] = "";
    e = parse_bad(nested(AC_JSON_MAX_DEPTH + 1, ""));
    cr_assert(strstr(e.msg, "nesting") != NULL, "%s", e.msg);
    e = parse_bad(nested(AC_JSON_MAX_DEPTH + 1, "1"));
    cr_assert(strstr(e.msg, "nesting") != NULL, "%s", e.msg);
    /* the pointer names the container that is one level too deep */
    for (int i = 0; i < AC_JSON_MAX_DEPTH; i++) {
        memcpy(want + 2 * i, "/0", 3);
    }
    cr_assert_str_eq(e.where, want);
    parse_bad(nested(100, ""));
    e = parse_bad(nested(AC_JSON_MAX_DEPTH - 2, "{\"a\":{\"b\":{}}}"));
    cr_assert(strstr(e.where, "/0/a/b") != NULL, "%s", e.where);
    e = parse_bad("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
                  "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
                  "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
                  "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
                  "}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}");
    cr_assert(strstr(e.msg, "nesting") != NULL, "%s", e.msg);
}

Test(json, nul_in_strings_is_refused)
{
    parse_bad("{\"a\":\"x\\u0000y\"}");
    parse_bad("[\"\\u0000\"]");
    parse_bad("{\"a\\u0000b\":1}");
    /* a raw NUL byte inside the text */
    parse_bad_n("{\"a\":\"x\0y\"}", 11);
    parse_bad_n("{\"a\":1}\0", 8);
}

Test(json, malformed_text_is_refused)
{
    static const char *const cases[] = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\"}",
        "{\"a\":}",
        "{'a':1}",
        "{a:1}",
        "{\"a\":1} x",
        "{}{}",
        "[01]",
        "[+1]",
        "[.5]",
        "[NaN]",
        "[Infinity]",
        "[True]",
        "[\"unterminated]",
        "[\"tab\tinside\"]",
        "[\"newline\ninside\"]",
        "[\"bad escape \\x\"]",
        "[\"\\ud800\"]",
        "[\"\xc3\"]",
        "[\"\xed\xa0\x80\"]",
        "[\"\xc0\xaf\"]",
        "/* comment */ {}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ac_err e = parse_bad(cases[i]);
        cr_assert(strstr(e.msg, "JSON") != NULL || e.where[0] != '\0', "%s: %s",
                  cases[i], e.msg);
    }
    parse_bad_n(NULL, 0);
}

Test(json, to_val_prefixes_where_and_refuses_nul)
{
    json_t *j = json_pack("{s:{s:[i,f]}}", "set", "x", 1, 2.5);
    json_t *n = json_object();
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    cr_assert_not_null(j);
    cr_assert_eq(ac_json_to_val(j, "/data", &arena, &v, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/data/set/x/1");
    json_decref(j);

    /* a string holding NUL built by the caller is refused as well */
    json_object_set_new(n, "t", json_stringn("a\0b", 3));
    err = (struct ac_err){0};
    cr_assert_eq(ac_json_to_val(n, "", &arena, &v, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/t");
    json_decref(n);
}

Test(json, from_val_round_trips)
{
    struct ac_val *v = parse_ok("{\"b\":[1,-2,{\"c\":null}],\"a\":\"\xc3\xa9\","
                                "\"t\":true,\"n\":9223372036854775807}");
    json_t *j = ac_json_from_val(v);
    char *text;
    struct ac_val *back = NULL;
    cr_assert_not_null(j);
    text = json_dumps(j, JSON_COMPACT);
    cr_assert_not_null(text);
    cr_assert_eq(ac_json_parse(ac_str_c(text), &arena, &back, NULL), AC_OK);
    cr_assert(ac_val_equal(v, back), "%s", text);
    free(text);
    json_decref(j);
    j = ac_json_from_val(NULL);
    cr_assert(json_is_null(j));
    json_decref(j);
}

Test(json, arena_exhaustion_is_enomem)
{
    struct ac_arena small;
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    ac_arena_init(&small, 64);
    cr_assert_eq(
        ac_json_parse(AC_STR("{\"a\":[1,2,3,4,5,6,7,8,9]}"), &small, &v, &err),
        AC_ENOMEM);
    ac_arena_release(&small);
}

Test(json, fault_loop_fails_cleanly)
{
    const char *text = "{\"a\":[1,{\"b\":\"c\"},[true,null]],\"d\":\"e\"}";
    int k;
    for (k = 1; k < 1000; k++) {
        struct ac_arena a;
        struct ac_val *v = NULL;
        enum ac_status st;
        ac_arena_init(&a, 0);
        a.fail_at = (size_t)k;
        st = ac_json_parse(ac_str_c(text), &a, &v, NULL);
        ac_arena_release(&a);
        if (st == AC_OK) {
            break;
        }
        cr_assert_eq(st, AC_ENOMEM, "allocation %d", k);
    }
    cr_assert_gt(k, 5, "the parse allocates");
    cr_assert_lt(k, 1000);
}
