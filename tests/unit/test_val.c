/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Value trees: construction, lookup, deep copy and equality. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/val.h"

static struct ac_arena arena;

static void setup(void)
{
    ac_arena_init(&arena, 0);
}

static void teardown(void)
{
    ac_arena_release(&arena);
}

TestSuite(val, .init = setup, .fini = teardown);

static struct ac_val *J(const char *text)
{
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    cr_assert_eq(ac_json_parse(ac_str_c(text), &arena, &v, &err), AC_OK,
                 "%s: %s", text, err.msg);
    return v;
}

Test(val, constructors)
{
    struct ac_val *v;
    char src[] = "text";
    cr_assert_eq(ac_val_null(&arena)->kind, AC_VAL_NULL);
    v = ac_val_bool(&arena, true);
    cr_assert_eq(v->kind, AC_VAL_BOOL);
    cr_assert(v->b);
    v = ac_val_int(&arena, INT64_MIN);
    cr_assert_eq(v->kind, AC_VAL_INT);
    cr_assert_eq(v->i, INT64_MIN);
    v = ac_val_str(&arena, ac_str_c(src));
    src[0] = 'X'; /* the string was copied */
    cr_assert(ac_str_eq_c(v->s, "text"));
    v = ac_val_str(&arena, (struct ac_str){NULL, 0});
    cr_assert_not_null(v);
    cr_assert_eq(v->s.len, 0);
    cr_assert_eq(ac_val_arr(&arena)->count, 0);
    cr_assert_eq(ac_val_obj(&arena)->kind, AC_VAL_OBJ);
}

Test(val, push_grows)
{
    struct ac_val *arr = ac_val_arr(&arena);
    for (int64_t i = 0; i < 1000; i++) {
        cr_assert(ac_val_push(&arena, arr, ac_val_int(&arena, i)));
    }
    cr_assert_eq(arr->count, 1000);
    for (int64_t i = 0; i < 1000; i++) {
        cr_assert_eq(arr->items[i]->i, i);
    }
    /* NULL items and wrong kinds are refused */
    cr_assert_not(ac_val_push(&arena, arr, NULL));
    cr_assert_not(ac_val_push(&arena, ac_val_obj(&arena), ac_val_null(&arena)));
    cr_assert_eq(arr->count, 1000);
}

Test(val, set_adds_and_replaces)
{
    struct ac_val *o = ac_val_obj(&arena);
    int64_t i;
    struct ac_str s;
    cr_assert(ac_val_set(&arena, o, "a", ac_val_int(&arena, 1)));
    cr_assert(ac_val_set(&arena, o, "b", ac_val_str(&arena, AC_STR("x"))));
    cr_assert(ac_val_set(&arena, o, "a", ac_val_int(&arena, 2)));
    cr_assert_eq(o->count, 2);
    cr_assert(ac_val_get_int(o, "a", &i));
    cr_assert_eq(i, 2);
    cr_assert_not(ac_val_set(&arena, o, "c", NULL));
    cr_assert_not(
        ac_val_set(&arena, ac_val_arr(&arena), "c", ac_val_null(&arena)));
    cr_assert_eq(o->count, 2);
    /* typed lookups check the type */
    cr_assert_not(ac_val_get_str(o, "a", &s));
    cr_assert_not(ac_val_get_int(o, "b", &i));
    cr_assert(ac_val_get_str(o, "b", &s));
    cr_assert(ac_str_eq_c(s, "x"));
    cr_assert_null(ac_val_get(o, "zz"));
    cr_assert_null(ac_val_get(NULL, "a"));
    cr_assert_null(ac_val_get(ac_val_arr(&arena), "a"));
    for (int n = 0; n < 100; n++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", n);
        cr_assert(ac_val_set(&arena, o, k, ac_val_int(&arena, n)));
    }
    cr_assert_eq(o->count, 102);
    cr_assert(ac_val_get_int(o, "k77", &i));
    cr_assert_eq(i, 77);
}

Test(val, equality)
{
    struct ac_val *x = J("{\"a\":1,\"b\":[true,null,\"s\"],\"c\":{\"d\":-3}}");
    cr_assert(ac_val_equal(x, x));
    cr_assert(ac_val_equal(
                  x, J("{\"c\":{\"d\":-3},\"b\":[true,null,\"s\"],\"a\":1}")),
              "member order does not matter");
    cr_assert_not(
        ac_val_equal(x,
                     J("{\"a\":1,\"b\":[null,true,\"s\"],\"c\":{\"d\":-3}}")),
        "array order matters");
    cr_assert_not(ac_val_equal(
        x, J("{\"a\":1,\"b\":[true,null,\"s\"],\"c\":{\"d\":3}}")));
    cr_assert_not(ac_val_equal(
        x, J("{\"a\":1,\"b\":[true,null,\"s\"],\"c\":{\"e\":-3}}")));
    cr_assert_not(ac_val_equal(x, J("{\"a\":1,\"b\":[true,null,\"s\"]}")));
    cr_assert_not(ac_val_equal(
        x, J("{\"a\":1,\"b\":[true,null,\"s\"],\"c\":{\"d\":-3},\"e\":0}")));
    cr_assert_not(ac_val_equal(J("[1]"), J("[\"1\"]")));
    cr_assert_not(ac_val_equal(J("[0]"), J("[false]")));
    cr_assert_not(ac_val_equal(J("[null]"), J("[false]")));
    cr_assert_not(ac_val_equal(J("[\"ab\"]"), J("[\"abc\"]")));
    cr_assert_not(ac_val_equal(J("[[]]"), J("[{}]")));
    cr_assert(ac_val_equal(J("[[],{}]"), J("[[],{}]")));
    cr_assert(ac_val_equal(NULL, NULL));
    cr_assert_not(ac_val_equal(x, NULL));
    cr_assert_not(ac_val_equal(NULL, x));
}

Test(val, copy_is_deep_and_independent)
{
    struct ac_arena other;
    struct ac_val *x =
        J("{\"a\":1,\"b\":[true,null,\"s\",{\"t\":\"\xc3\xa9\"}],"
          "\"c\":{\"d\":-3},\"e\":\"\"}");
    struct ac_val *c;
    ac_arena_init(&other, 0);
    c = ac_val_copy(&other, x);
    cr_assert_not_null(c);
    cr_assert(ac_val_equal(x, c));
    cr_assert_neq(c, x);
    cr_assert_neq(c->pairs[0].key.ptr, x->pairs[0].key.ptr);
    /* changing the original does not reach the copy */
    ac_val_get(x, "c")->pairs[0].val->i = 99;
    cr_assert_not(ac_val_equal(x, c));
    cr_assert_eq(ac_val_get(ac_val_get(c, "c"), "d")->i, -3);
    /* the copy outlives the original's arena (ASan checks this) */
    ac_arena_release(&arena);
    ac_arena_init(&arena, 0);
    cr_assert(ac_str_eq_c(ac_val_get(c, "b")->items[2]->s, "s"));
    cr_assert(ac_str_eq_c(ac_val_get(ac_val_get(c, "b")->items[3], "t")->s,
                          "\xc3\xa9"));
    cr_assert_null(ac_val_copy(&other, NULL));
    ac_arena_release(&other);
}

Test(val, copy_fails_cleanly)
{
    struct ac_val *x = J("{\"a\":[1,2,3,4,5],\"b\":{\"c\":\"d\"}}");
    int k;
    for (k = 1; k < 200; k++) {
        struct ac_arena a;
        struct ac_val *c;
        ac_arena_init(&a, 0);
        a.fail_at = (size_t)k;
        c = ac_val_copy(&a, x);
        ac_arena_release(&a);
        if (c) {
            break;
        }
    }
    cr_assert_gt(k, 5);
    cr_assert_lt(k, 200);
}

Test(val, kind_names)
{
    cr_assert_str_eq(ac_val_kind_name(AC_VAL_NULL), "null");
    cr_assert_str_eq(ac_val_kind_name(AC_VAL_INT), "integer");
    cr_assert_str_eq(ac_val_kind_name(AC_VAL_OBJ), "object");
    cr_assert_str_eq(ac_val_kind_name((enum ac_val_kind)42), "value");
}
