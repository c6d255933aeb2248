/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The string -> index map. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>

#include "base/map.h"

Test(map, empty_map_finds_nothing)
{
    struct ac_map m = {0};
    size_t v = 5;
    cr_assert_not(ac_map_get(&m, AC_STR("a"), &v));
    cr_assert_not(ac_map_get(&m, AC_STR(""), &v));
    cr_assert_eq(v, 5);
}

Test(map, put_get_replace)
{
    struct ac_arena a;
    struct ac_map m = {0};
    size_t v = 0;
    ac_arena_init(&a, 0);
    cr_assert(ac_map_put(&m, &a, AC_STR("alice"), 0));
    cr_assert(ac_map_put(&m, &a, AC_STR("bob"), 1));
    cr_assert(ac_map_put(&m, &a, AC_STR(""), 2));
    cr_assert_eq(m.count, 3);
    cr_assert(ac_map_get(&m, AC_STR("alice"), &v));
    cr_assert_eq(v, 0);
    cr_assert(ac_map_get(&m, AC_STR("bob"), &v));
    cr_assert_eq(v, 1);
    cr_assert(ac_map_get(&m, AC_STR(""), &v));
    cr_assert_eq(v, 2);
    cr_assert_not(ac_map_get(&m, AC_STR("carol"), &v));
    cr_assert_not(ac_map_get(&m, AC_STR("alic"), &v));
    cr_assert_not(ac_map_get(&m, AC_STR("alicee"), &v));
    cr_assert(ac_map_put(&m, &a, AC_STR("bob"), 9));
    cr_assert_eq(m.count, 3);
    cr_assert(ac_map_get(&m, AC_STR("bob"), &v));
    cr_assert_eq(v, 9);
    ac_arena_release(&a);
}

Test(map, keys_compare_by_length_and_bytes)
{
    struct ac_arena a;
    struct ac_map m = {0};
    size_t v;
    static const char key[] = "ab\0c";
    ac_arena_init(&a, 0);
    cr_assert(ac_map_put(&m, &a, (struct ac_str){key, 4}, 1));
    cr_assert(ac_map_put(&m, &a, (struct ac_str){key, 2}, 2));
    cr_assert(ac_map_get(&m, (struct ac_str){"ab\0c", 4}, &v));
    cr_assert_eq(v, 1);
    cr_assert(ac_map_get(&m, AC_STR("ab"), &v));
    cr_assert_eq(v, 2);
    cr_assert_not(ac_map_get(&m, (struct ac_str){key, 3}, &v));
    ac_arena_release(&a);
}

Test(map, many_keys_survive_growth)
{
    struct ac_arena a;
    struct ac_map m = {0};
    enum { N = 5000 };
    ac_arena_init(&a, 0);
    for (size_t i = 0; i < N; i++) {
        char k[32];
        int n = snprintf(k, sizeof k, "m%zu", i);
        struct ac_str key = ac_arena_str(&a, (struct ac_str){k, (size_t)n});
        cr_assert(ac_map_put(&m, &a, key, i));
        cr_assert_leq(2 * m.count, m.room, "kept under half full");
    }
    cr_assert_eq(m.count, N);
    for (size_t i = 0; i < N; i++) {
        char k[32];
        size_t v = SIZE_MAX;
        int n = snprintf(k, sizeof k, "m%zu", i);
        cr_assert(ac_map_get(&m, (struct ac_str){k, (size_t)n}, &v), "%s", k);
        cr_assert_eq(v, i);
    }
    cr_assert_not(ac_map_get(&m, AC_STR("m5000"), &(size_t){0}));
    ac_arena_release(&a);
}

Test(map, put_fails_cleanly_when_the_arena_is_full)
{
    struct ac_arena a;
    struct ac_map m = {0};
    size_t v;
    ac_arena_init(&a, 0);
    a.fail_at = 1;
    cr_assert_not(ac_map_put(&m, &a, AC_STR("x"), 1));
    cr_assert_eq(m.count, 0);
    cr_assert_not(ac_map_get(&m, AC_STR("x"), &v));
    cr_assert(ac_map_put(&m, &a, AC_STR("x"), 1));
    cr_assert(ac_map_get(&m, AC_STR("x"), &v));
    ac_arena_release(&a);
}
