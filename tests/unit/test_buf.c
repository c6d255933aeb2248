/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The output buffer: growth, NUL termination, the cap and its sticky
 * status. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

Test(buf, empty_buffer_reads_as_empty_string)
{
    struct ac_buf b;
    struct ac_str s;
    ac_buf_init(&b, 0);
    s = ac_buf_str(&b);
    cr_assert_not_null(s.ptr);
    cr_assert_eq(s.len, 0);
    cr_assert_str_eq(s.ptr, "");
    cr_assert_eq(b.status, AC_OK);
    cr_assert_eq(b.max, (size_t)64 << 20);
    ac_buf_release(&b);
}

Test(buf, grows_and_stays_terminated)
{
    struct ac_buf b;
    ac_buf_init(&b, 0);
    for (int i = 0; i < 100000; i++) {
        ac_buf_putc(&b, (char)('a' + i % 26));
        cr_assert_eq(b.ptr[b.len], '\0');
    }
    cr_assert_eq(b.status, AC_OK);
    cr_assert_eq(b.len, 100000);
    cr_assert_geq(b.cap, b.len + 1);
    for (int i = 0; i < 100000; i++) {
        cr_assert_eq(b.ptr[i], (char)('a' + i % 26));
    }
    ac_buf_release(&b);
    cr_assert_null(b.ptr);
}

Test(buf, adds_counted_strings_with_nul_bytes)
{
    struct ac_buf b;
    ac_buf_init(&b, 0);
    ac_buf_add_str(&b, (struct ac_str){"a\0b", 3});
    ac_buf_add_c(&b, "cd");
    ac_buf_add(&b, NULL, 0);
    cr_assert_eq(b.len, 5);
    cr_assert_eq(memcmp(b.ptr, "a\0bcd", 6), 0);
    ac_buf_release(&b);
}

Test(buf, printf_appends)
{
    struct ac_buf b;
    char big[5000];
    ac_buf_init(&b, 0);
    ac_buf_printf(&b, "%d-%s", 42, "x");
    ac_buf_printf(&b, "|%05d", 7);
    cr_assert_str_eq(b.ptr, "42-x|00007");
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ac_buf_printf(&b, "%s", big);
    cr_assert_eq(b.len, 10 + sizeof big - 1);
    cr_assert_eq(b.ptr[b.len], '\0');
    cr_assert_eq(b.ptr[b.len - 1], 'z');
    ac_buf_release(&b);
}

Test(buf, exactly_the_cap_fits)
{
    struct ac_buf b;
    ac_buf_init(&b, 10);
    ac_buf_add_c(&b, "0123456789");
    cr_assert_eq(b.status, AC_OK);
    cr_assert_eq(b.len, 10);
    cr_assert_str_eq(b.ptr, "0123456789");
    ac_buf_release(&b);
}

Test(buf, over_the_cap_is_a_sticky_limit)
{
    struct ac_buf b;
    ac_buf_init(&b, 10);
    ac_buf_add_c(&b, "01234567");
    ac_buf_add_c(&b, "890");
    cr_assert_eq(b.status, AC_ELIMIT);
    /* the refused write left nothing behind */
    cr_assert_eq(b.len, 8);
    cr_assert_str_eq(b.ptr, "01234567");
    /* later writes are ignored even when they would fit */
    ac_buf_putc(&b, 'x');
    ac_buf_printf(&b, "%d", 1);
    ac_buf_add_c(&b, "");
    cr_assert_eq(b.len, 8);
    cr_assert_eq(b.status, AC_ELIMIT);
    /* reset clears the status */
    ac_buf_reset(&b);
    cr_assert_eq(b.status, AC_OK);
    cr_assert_eq(b.len, 0);
    ac_buf_add_c(&b, "abc");
    cr_assert_str_eq(b.ptr, "abc");
    ac_buf_release(&b);
}

Test(buf, printf_over_the_cap)
{
    struct ac_buf b;
    ac_buf_init(&b, 4);
    ac_buf_printf(&b, "%s", "12345");
    cr_assert_eq(b.status, AC_ELIMIT);
    cr_assert_eq(b.len, 0);
    ac_buf_release(&b);
}

Test(buf, huge_request_is_a_limit_not_an_overflow)
{
    struct ac_buf b;
    ac_buf_init(&b, 0);
    ac_buf_add_c(&b, "x");
    ac_buf_add(&b, "", SIZE_MAX);
    cr_assert_eq(b.status, AC_ELIMIT);
    cr_assert_eq(b.len, 1);
    ac_buf_release(&b);
}

Test(buf, take_hands_over_the_bytes)
{
    struct ac_buf b;
    size_t len = 99;
    char *p;
    ac_buf_init(&b, 0);
    ac_buf_add_c(&b, "hello");
    p = ac_buf_take(&b, &len);
    cr_assert_str_eq(p, "hello");
    cr_assert_eq(len, 5);
    cr_assert_null(b.ptr);
    cr_assert_eq(b.len, 0);
    free(p);
    /* an empty buffer hands over an empty string */
    p = ac_buf_take(&b, &len);
    cr_assert_not_null(p);
    cr_assert_str_eq(p, "");
    cr_assert_eq(len, 0);
    free(p);
    ac_buf_release(&b);
}
