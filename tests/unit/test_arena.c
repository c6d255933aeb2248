/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The region allocator: zeroed aligned memory, the byte cap, marks and
 * rewinds, and the injected failure of the Nth allocation. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"

static int is_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return 0;
        }
    }
    return 1;
}

Test(arena, alloc_is_zeroed_aligned_and_distinct)
{
    struct ac_arena a;
    unsigned char *p[50];
    ac_arena_init(&a, 0);
    for (size_t i = 0; i < 50; i++) {
        size_t n = 1 + i * 37;
        p[i] = ac_arena_alloc(&a, n);
        cr_assert_not_null(p[i]);
        cr_assert_eq((uintptr_t)p[i] % 16, 0, "allocation %zu misaligned", i);
        cr_assert(is_zero(p[i], n), "allocation %zu not zeroed", i);
        memset(p[i], 0xAB, n);
    }
    /* writing every block left the others intact: no overlap */
    for (size_t i = 0; i < 50; i++) {
        size_t n = 1 + i * 37;
        for (size_t k = 0; k < n; k++) {
            cr_assert_eq(p[i][k], 0xAB);
        }
    }
    cr_assert_eq(a.allocs, 50);
    ac_arena_release(&a);
    cr_assert_null(a.head);
    cr_assert_eq(a.used, 0);
}

Test(arena, reused_memory_is_zeroed_again)
{
    struct ac_arena a;
    struct ac_arena_mark m;
    unsigned char *p;
    ac_arena_init(&a, 0);
    m = ac_arena_mark(&a);
    p = ac_arena_alloc(&a, 64);
    cr_assert_not_null(p);
    memset(p, 0xFF, 64);
    ac_arena_rewind(&a, m);
    p = ac_arena_alloc(&a, 64);
    cr_assert_not_null(p);
    cr_assert(is_zero(p, 64));
    ac_arena_release(&a);
}

Test(arena, large_allocations_get_their_own_chunk)
{
    struct ac_arena a;
    unsigned char *small, *big, *after;
    ac_arena_init(&a, 0);
    small = ac_arena_alloc(&a, 10);
    big = ac_arena_alloc(&a, (size_t)3 << 20);
    cr_assert_not_null(small);
    cr_assert_not_null(big);
    big[0] = 1;
    big[((size_t)3 << 20) - 1] = 2;
    after = ac_arena_alloc(&a, 10);
    cr_assert_not_null(after);
    cr_assert_geq(a.used, ((size_t)3 << 20) + 32);
    ac_arena_release(&a);
}

Test(arena, cap_refuses_past_the_limit)
{
    struct ac_arena a;
    ac_arena_init(&a, 64);
    cr_assert_not_null(ac_arena_alloc(&a, 32));
    cr_assert_not_null(ac_arena_alloc(&a, 32));
    cr_assert_eq(a.used, 64);
    cr_assert_null(ac_arena_alloc(&a, 1), "allocation over the cap");
    /* a refused request does not count against the cap */
    cr_assert_eq(a.used, 64);
    ac_arena_release(&a);

    ac_arena_init(&a, 100);
    /* sizes are rounded up to 16: 7 blocks of 16 exceed 100 */
    for (int i = 0; i < 6; i++) {
        cr_assert_not_null(ac_arena_alloc(&a, 1));
    }
    cr_assert_null(ac_arena_alloc(&a, 1));
    ac_arena_release(&a);
}

Test(arena, cap_refuses_a_single_oversized_request)
{
    struct ac_arena a;
    ac_arena_init(&a, 1024);
    cr_assert_null(ac_arena_alloc(&a, 1025));
    cr_assert_null(ac_arena_alloc(&a, SIZE_MAX));
    cr_assert_not_null(ac_arena_alloc(&a, 1024));
    ac_arena_release(&a);
}

Test(arena, no_cap_refuses_size_overflow)
{
    struct ac_arena a;
    ac_arena_init(&a, 0);
    cr_assert_null(ac_arena_alloc(&a, SIZE_MAX));
    cr_assert_null(ac_arena_alloc(&a, SIZE_MAX - 7));
    ac_arena_release(&a);
}

Test(arena, mark_and_rewind_free_later_allocations)
{
    struct ac_arena a;
    struct ac_arena_mark m;
    char *keep, *first_after;
    size_t used;
    ac_arena_init(&a, 0);
    keep = ac_arena_cstr(&a, AC_STR("kept"));
    cr_assert_not_null(keep);
    m = ac_arena_mark(&a);
    used = a.used;
    first_after = ac_arena_alloc(&a, 100);
    cr_assert_not_null(first_after);
    /* span several chunks */
    for (int i = 0; i < 100; i++) {
        cr_assert_not_null(ac_arena_alloc(&a, 50000));
    }
    cr_assert_gt(a.used, used + 5000000);
    ac_arena_rewind(&a, m);
    cr_assert_eq(a.used, used);
    cr_assert_str_eq(keep, "kept");
    /* the space after the mark is handed out again */
    cr_assert_eq(ac_arena_alloc(&a, 100), first_after);
    ac_arena_release(&a);
}

Test(arena, rewind_to_an_empty_mark_frees_everything)
{
    struct ac_arena a;
    struct ac_arena_mark m;
    ac_arena_init(&a, 0);
    m = ac_arena_mark(&a);
    for (int i = 0; i < 10; i++) {
        cr_assert_not_null(ac_arena_alloc(&a, 300000));
    }
    ac_arena_rewind(&a, m);
    cr_assert_null(a.head);
    cr_assert_eq(a.used, 0);
    cr_assert_not_null(ac_arena_alloc(&a, 10));
    ac_arena_release(&a);
}

Test(arena, rewind_gives_back_capped_room)
{
    struct ac_arena a;
    struct ac_arena_mark m;
    ac_arena_init(&a, 256);
    cr_assert_not_null(ac_arena_alloc(&a, 64));
    m = ac_arena_mark(&a);
    cr_assert_not_null(ac_arena_alloc(&a, 192));
    cr_assert_null(ac_arena_alloc(&a, 16));
    ac_arena_rewind(&a, m);
    cr_assert_not_null(ac_arena_alloc(&a, 192));
    ac_arena_release(&a);
}

Test(arena, nested_marks)
{
    struct ac_arena a;
    struct ac_arena_mark outer, inner;
    size_t u0, u1;
    ac_arena_init(&a, 0);
    outer = ac_arena_mark(&a);
    u0 = a.used;
    cr_assert_not_null(ac_arena_alloc(&a, 5000));
    inner = ac_arena_mark(&a);
    u1 = a.used;
    cr_assert_not_null(ac_arena_alloc(&a, 9000));
    ac_arena_rewind(&a, inner);
    cr_assert_eq(a.used, u1);
    ac_arena_rewind(&a, outer);
    cr_assert_eq(a.used, u0);
    ac_arena_release(&a);
}

Test(arena, fail_at_fails_exactly_the_nth_allocation)
{
    struct ac_arena a;
    ac_arena_init(&a, 0);
    a.fail_at = 3;
    cr_assert_not_null(ac_arena_alloc(&a, 8));
    cr_assert_not_null(ac_arena_alloc(&a, 8));
    cr_assert_null(ac_arena_alloc(&a, 8), "allocation 3 must fail");
    cr_assert_not_null(ac_arena_alloc(&a, 8));
    cr_assert_eq(a.allocs, 4);
    ac_arena_release(&a);
}

Test(arena, fail_at_reaches_string_copies)
{
    struct ac_arena a;
    struct ac_str s;
    ac_arena_init(&a, 0);
    a.fail_at = 1;
    s = ac_arena_str(&a, AC_STR("hello"));
    cr_assert_null(s.ptr);
    cr_assert_eq(s.len, 0);
    cr_assert_not_null(ac_arena_cstr(&a, AC_STR("x")),
                       "the next copy succeeds");
    ac_arena_release(&a);
}

Test(arena, string_copies)
{
    struct ac_arena a;
    char src[] = "abc\0def";
    struct ac_str s;
    char *c;
    ac_arena_init(&a, 0);
    s = ac_arena_str(&a, (struct ac_str){src, 7});
    cr_assert_not_null(s.ptr);
    cr_assert_eq(s.len, 7);
    cr_assert_eq(memcmp(s.ptr, "abc\0def", 7), 0);
    cr_assert_eq(s.ptr[7], '\0');
    cr_assert_neq(s.ptr, src);
    c = ac_arena_cstr(&a, (struct ac_str){NULL, 0});
    cr_assert_not_null(c);
    cr_assert_str_eq(c, "");
    ac_arena_release(&a);
}
