/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* PrefLib files: the hand-written elections of tests/data/preflib (strict
 * and tied, complete and truncated, CRLF and blank lines) read and
 * tallied, the forms the format allows written inline, and every error
 * with the line it names. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/preflib.h"
#include "core/schulze.h"
#include "unit.h"

#define N AC_RANK_NONE

static struct ac_arena arena;

static void setup(void)
{
    ac_arena_init(&arena, 0);
}

static void teardown(void)
{
    ac_arena_release(&arena);
}

TestSuite(preflib, .init = setup, .fini = teardown);

static struct ac_preflib parse_ok(const char *text, size_t len)
{
    struct ac_preflib p;
    struct ac_err err = {0};
    enum ac_status st =
        ac_preflib_parse((struct ac_str){text, len}, &arena, &p, &err);
    cr_assert_eq(st, AC_OK, "parse failed: %s", err.msg);
    return p;
}

static struct ac_preflib parse_text(const char *text)
{
    return parse_ok(text, strlen(text));
}

static struct ac_preflib parse_file(const char *rel)
{
    size_t len;
    char *text = u_read(rel, &len);
    struct ac_str copy;
    struct ac_preflib p;
    /* the result must not point into the text: it is freed here */
    copy = ac_arena_str(&arena, (struct ac_str){text, len});
    cr_assert_not_null(copy.ptr);
    p = parse_ok(copy.ptr, copy.len);
    memset((char *)copy.ptr, 'x', copy.len);
    free(text);
    return p;
}

static void expect_ranks(const struct ac_preflib *p, size_t b, uint32_t weight,
                         const uint16_t *want)
{
    cr_assert_lt(b, p->count);
    cr_expect_eq(p->ballots[b].weight, weight, "ballot %zu weight %u, not %u",
                 b, p->ballots[b].weight, weight);
    for (size_t c = 0; c < p->n; c++) {
        cr_expect_eq(p->ballots[b].rank[c], want[c],
                     "ballot %zu: alternative %zu at %u, not %u", b, c + 1,
                     p->ballots[b].rank[c], want[c]);
    }
}

static void expect_name(const struct ac_preflib *p, size_t alt,
                        const char *want)
{
    cr_assert_leq(alt, p->n);
    cr_expect(ac_str_eq_c(p->names[alt - 1], want),
              "alternative %zu is \"%.*s\", not \"%s\"", alt,
              (int)p->names[alt - 1].len,
              p->names[alt - 1].ptr ? p->names[alt - 1].ptr : "", want);
}

static struct ac_schulze_result tally(const struct ac_preflib *p,
                                      enum ac_schulze_strength s)
{
    struct ac_schulze_result r;
    struct ac_err err = {0};
    cr_assert_eq(
        ac_schulze_tally(p->ballots, p->count, p->n, s, 0, &arena, &r, &err),
        AC_OK, "%s", err.msg);
    return r;
}

/* ---- files ------------------------------------------------------------ */

Test(preflib, wikipedia_example_as_soc)
{
    struct ac_preflib p = parse_file("preflib/wikipedia.soc");
    static const uint16_t first[5] = {0, 2, 1, 4, 3}; /* 1,3,2,5,4 */
    static const uint16_t last[5] = {2, 1, 4, 3, 0};  /* 5,2,1,4,3 */
    static const uint16_t order[5] = {4, 0, 2, 1, 3}; /* E A C B D */
    struct ac_schulze_result r;
    cr_assert_eq(p.n, 5);
    cr_assert_eq(p.count, 8);
    cr_assert_eq(p.voters, 45);
    expect_name(&p, 1, "A");
    expect_name(&p, 5, "E");
    expect_ranks(&p, 0, 5, first);
    expect_ranks(&p, 7, 8, last);
    r = tally(&p, AC_SCHULZE_WINNING_VOTES);
    cr_assert_arr_eq(r.order, order, sizeof order);
    cr_assert_eq(r.layer_count, 5);
    /* d[A][B] and d[E][D] of the worked example */
    cr_assert_eq(r.d[0 * 5 + 1], 20);
    cr_assert_eq(r.d[4 * 5 + 3], 31);
}

Test(preflib, ties_truncation_crlf_and_blank_lines)
{
    struct ac_preflib p = parse_file("preflib/drinks.toi");
    static const uint16_t b0[4] = {1, 0, 1, N}; /* 2,{1,3} */
    static const uint16_t b1[4] = {0, N, N, N}; /* 1 */
    static const uint16_t b2[4] = {N, 1, 0, 0}; /* {3,4},2 */
    static const uint64_t d[16] = {0, 3, 3, 7, 6, 0, 4, 4,
                                   2, 2, 0, 4, 2, 2, 0, 0};
    static const uint16_t order[4] = {1, 0, 2, 3};
    struct ac_schulze_result r;
    cr_assert_eq(p.n, 4);
    cr_assert_eq(p.count, 3);
    cr_assert_eq(p.voters, 9);
    expect_name(&p, 2, "Coffee");
    expect_name(&p, 4, "Water"); /* without the "\r" */
    expect_ranks(&p, 0, 4, b0);
    expect_ranks(&p, 1, 3, b1);
    expect_ranks(&p, 2, 2, b2);
    r = tally(&p, AC_SCHULZE_WINNING_VOTES);
    cr_assert_arr_eq(r.d, d, sizeof d);
    cr_assert_arr_eq(r.order, order, sizeof order);
}

Test(preflib, two_winners)
{
    struct ac_preflib p = parse_file("preflib/example4.soc");
    struct ac_schulze_result r = tally(&p, AC_SCHULZE_WINNING_VOTES);
    cr_assert_eq(r.winner_count, 2);
    cr_assert_eq(r.layer_count, 2);
    cr_assert_eq(r.layer[1], 0); /* B */
    cr_assert_eq(r.layer[3], 0); /* D */
    cr_assert_eq(r.layer[0], 1); /* A */
    cr_assert_eq(r.layer[2], 1); /* C */
}

Test(preflib, margins_and_winning_votes_differ)
{
    struct ac_preflib p = parse_file("preflib/margins.soi");
    struct ac_schulze_result wv = tally(&p, AC_SCHULZE_WINNING_VOTES);
    struct ac_schulze_result m = tally(&p, AC_SCHULZE_MARGINS);
    static const uint16_t wv_order[3] = {2, 1, 0}; /* Maple Birch Oak */
    static const uint16_t m_order[3] = {0, 2, 1};  /* Oak Maple Birch */
    cr_assert_arr_eq(wv.order, wv_order, sizeof wv_order);
    cr_assert_arr_eq(m.order, m_order, sizeof m_order);
}

/* ---- forms the format allows ------------------------------------------ */

Test(preflib, spaces_tabs_and_braces)
{
    struct ac_preflib p = parse_text("# NUMBER ALTERNATIVES: 5\n"
                                     "  3 :\t1 , { 2 ,3 } ,4\t\n"
                                     "1:{5}\n"
                                     "7: {1,2,3,4,5}\n"
                                     "2: 5,4,3,2,1");
    static const uint16_t b0[5] = {0, 1, 1, 2, N};
    static const uint16_t b1[5] = {N, N, N, N, 0};
    static const uint16_t b2[5] = {0, 0, 0, 0, 0};
    static const uint16_t b3[5] = {4, 3, 2, 1, 0};
    cr_assert_eq(p.count, 4);
    cr_assert_eq(p.voters, 13);
    expect_ranks(&p, 0, 3, b0);
    expect_ranks(&p, 1, 1, b1);
    expect_ranks(&p, 2, 7, b2);
    expect_ranks(&p, 3, 2, b3);
}

Test(preflib, header_forms)
{
    /* a byte order mark, lower-case keys, lines that are no key, names
     * with colons and without, no final newline */
    struct ac_preflib p = parse_text("\xEF\xBB\xBF# title: a: b\n"
                                     "#\n"
                                     "# a comment without a colon\n"
                                     "# number alternatives:3\n"
                                     "# Alternative Name 2:   Ratio: 2:1  \n"
                                     "# ALTERNATIVE NAME 3: Caf\xC3\xA9\n"
                                     "# data type: TOI\n"
                                     "1: 3");
    cr_assert_eq(p.n, 3);
    cr_assert_eq(p.names[0].len, 0, "alternative 1 has no name");
    expect_name(&p, 2, "Ratio: 2:1");
    expect_name(&p, 3, "Caf\xC3\xA9");
    cr_assert_eq(p.count, 1);
}

Test(preflib, header_alone_and_empty_names)
{
    struct ac_preflib p = parse_text("# NUMBER ALTERNATIVES: 2\n"
                                     "# NUMBER VOTERS: 0\n"
                                     "# NUMBER UNIQUE ORDERS: 0\n"
                                     "# ALTERNATIVE NAME 1:\n"
                                     "# ALTERNATIVE NAME 2:\n");
    struct ac_schulze_result r;
    cr_assert_eq(p.count, 0);
    cr_assert_eq(p.voters, 0);
    cr_assert_eq(p.names[0].len, 0);
    r = tally(&p, AC_SCHULZE_WINNING_VOTES);
    cr_assert_eq(r.winner_count, 2, "nobody voted: a tie");
}

Test(preflib, data_types_allow_what_they_say)
{
    /* soi: incomplete; toc: ties; toi: both */
    parse_text("# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 3\n1: 2\n");
    parse_text("# DATA TYPE: toc\n# NUMBER ALTERNATIVES: 3\n1: {2,3},1\n");
    parse_text("# DATA TYPE: toi\n# NUMBER ALTERNATIVES: 3\n1: {2,3}\n");
    parse_text("# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 3\n1: 3,{1},2\n");
}

Test(preflib, a_thousand_alternatives)
{
    char *text = malloc(16 * 1024);
    size_t len;
    struct ac_preflib p;
    cr_assert_not_null(text);
    len = (size_t)snprintf(text, 64, "# NUMBER ALTERNATIVES: 1000\n2: ");
    for (int c = 1000; c >= 1; c--) {
        len += (size_t)snprintf(text + len, 16, c > 1 ? "%d," : "%d\n", c);
    }
    p = parse_ok(text, len);
    cr_assert_eq(p.n, 1000);
    cr_assert_eq(p.ballots[0].rank[999], 0);
    cr_assert_eq(p.ballots[0].rank[0], 999);
    free(text);
}

/* ---- errors ------------------------------------------------------------ */

static void expect_error(const char *text, enum ac_status code, const char *msg)
{
    struct ac_preflib p;
    struct ac_err err = {0};
    size_t used = arena.used;
    enum ac_status st =
        ac_preflib_parse((struct ac_str){text, strlen(text)}, &arena, &p, &err);
    cr_assert_eq(st, code, "\"%s\": status %d (%s), not %d", text, st, err.msg,
                 code);
    cr_assert_str_eq(err.msg, msg, "\"%s\"", text);
    cr_assert_null(p.ballots, "a failed parse left a result");
    cr_assert_eq(p.count, 0);
    cr_assert_eq(arena.used, used, "a failed parse kept memory");
}

#define H3 "# NUMBER ALTERNATIVES: 3\n"

Test(preflib, header_errors)
{
    expect_error("", AC_EINVAL,
                 "missing header line \"# NUMBER ALTERNATIVES: n\"");
    expect_error("1: 1,2\n", AC_EINVAL,
                 "missing header line \"# NUMBER ALTERNATIVES: n\"");
    expect_error("# NUMBER ALTERNATIVES: 2\n1: 1,2\n# NUMBER VOTERS: 1\n",
                 AC_EINVAL, "line 3: header line after the preferences");
    expect_error("# NUMBER ALTERNATIVES: two\n", AC_EINVAL,
                 "line 1: NUMBER ALTERNATIVES must be a whole number from 1, "
                 "not \"two\"");
    expect_error("# NUMBER ALTERNATIVES: 0\n", AC_EINVAL,
                 "line 1: NUMBER ALTERNATIVES must be a whole number from 1, "
                 "not \"0\"");
    expect_error("#\n# NUMBER ALTERNATIVES: 1001\n", AC_ELIMIT,
                 "line 2: 1001 alternatives, more than the 1000 a tally takes");
    expect_error(H3 "# NUMBER ALTERNATIVES: 3\n", AC_EINVAL,
                 "line 2: NUMBER ALTERNATIVES given again (first on line 1)");
    expect_error(H3 "# DATA TYPE: cat\n", AC_EINVAL,
                 "line 2: data type \"cat\" is not soc, soi, toc or toi");
    expect_error(H3 "# NUMBER VOTERS: many\n", AC_EINVAL,
                 "line 2: NUMBER VOTERS must be a whole number, not \"many\"");
    expect_error(H3 "# NUMBER UNIQUE ORDERS: -1\n", AC_EINVAL,
                 "line 2: NUMBER UNIQUE ORDERS must be a whole number, not "
                 "\"-1\"");
    expect_error(H3 "# NUMBER VOTERS: 4\n1: 1\n2: 2\n", AC_EINVAL,
                 "line 2: NUMBER VOTERS is 4, but the counts add up to 3");
    expect_error("# NUMBER UNIQUE ORDERS: 1\n" H3 "1: 1\n2: 2\n", AC_EINVAL,
                 "line 1: NUMBER UNIQUE ORDERS is 1, but 2 lines follow");
}

Test(preflib, name_errors)
{
    expect_error(H3 "# ALTERNATIVE NAME x: X\n", AC_EINVAL,
                 "line 2: expected \"ALTERNATIVE NAME\" and a number, found "
                 "\"ALTERNATIVE NAME x\"");
    expect_error(H3 "# ALTERNATIVE NAME: X\n", AC_EINVAL,
                 "line 2: expected \"ALTERNATIVE NAME\" and a number, found "
                 "\"ALTERNATIVE NAME\"");
    expect_error(H3 "# ALTERNATIVE NAME 4: D\n", AC_EINVAL,
                 "line 2: alternative 4 is not in 1..3");
    expect_error(H3 "# ALTERNATIVE NAME 0: D\n", AC_EINVAL,
                 "line 2: alternative 0 is not in 1..3");
    expect_error(H3 "# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 2: C\n",
                 AC_EINVAL, "line 3: alternative 2 is named twice");
    expect_error(H3 "# ALTERNATIVE NAME 1: Same\n"
                    "# ALTERNATIVE NAME 3: Same\n",
                 AC_EINVAL,
                 "line 3: alternatives 1 and 3 have the same name \"Same\"");
    expect_error(H3 "# ALTERNATIVE NAME 1: bad \xC3\n", AC_EINVAL,
                 "line 2: the name of alternative 1 is not valid UTF-8");
}

Test(preflib, count_errors)
{
    expect_error(H3 "1,2,3\n", AC_EINVAL,
                 "line 2: expected COUNT: ORDER, as in \"3: 1,{2,4},5\"");
    expect_error(H3 "x: 1\n", AC_EINVAL,
                 "line 2: count must be a whole number from 1 to 4294967295, "
                 "not \"x\"");
    expect_error(H3 "0: 1\n", AC_EINVAL,
                 "line 2: count must be a whole number from 1 to 4294967295, "
                 "not \"0\"");
    expect_error(H3 ": 1\n", AC_EINVAL,
                 "line 2: count must be a whole number from 1 to 4294967295, "
                 "not \"\"");
    expect_error(H3 "+1: 1\n", AC_EINVAL,
                 "line 2: count must be a whole number from 1 to 4294967295, "
                 "not \"+1\"");
    expect_error(H3 "4294967296: 1\n", AC_EINVAL,
                 "line 2: count must be a whole number from 1 to 4294967295, "
                 "not \"4294967296\"");
    /* the largest count is fine */
    parse_text(H3 "4294967295: 1\n");
}

Test(preflib, order_errors)
{
    expect_error(H3 "1:\n", AC_EINVAL,
                 "line 2: the order lists no alternative");
    expect_error(H3 "1:  \t\n", AC_EINVAL,
                 "line 2: the order lists no alternative");
    expect_error(H3 "1: 1,4\n", AC_EINVAL,
                 "line 2: alternative 4 is not in 1..3");
    expect_error(H3 "1: 0\n", AC_EINVAL,
                 "line 2: alternative 0 is not in 1..3");
    expect_error(H3 "1: 99999999999999999999\n", AC_EINVAL,
                 "line 2: alternative 99999999999999999999 is not in 1..3");
    expect_error(H3 "1: 1,x\n", AC_EINVAL,
                 "line 2: expected an alternative number, found \"x\"");
    expect_error(H3 "1: 3x\n", AC_EINVAL,
                 "line 2: expected an alternative number, found \"3x\"");
    expect_error(H3 "1: -1\n", AC_EINVAL,
                 "line 2: expected an alternative number, found \"-1\"");
    expect_error(H3 "1: 1,2,\n", AC_EINVAL,
                 "line 2: expected an alternative number, found the end of "
                 "the line");
    expect_error(H3 "1: 1,,2\n", AC_EINVAL,
                 "line 2: expected an alternative number, found \",\"");
    expect_error(H3 "1: 1 2\n", AC_EINVAL,
                 "line 2: expected \",\" or the end of the line, found \"2\"");
    expect_error(H3 "1: 2,1,2\n", AC_EINVAL,
                 "line 2: alternative 2 appears twice");
    expect_error(H3 "1: {2,1},{3,2}\n", AC_EINVAL,
                 "line 2: alternative 2 appears twice");
    expect_error(H3 "1: {}\n", AC_EINVAL,
                 "line 2: expected an alternative number, found \"}\"");
    expect_error(H3 "1: {1,{2}}\n", AC_EINVAL,
                 "line 2: expected an alternative number, found \"{\"");
    expect_error(H3 "1: {1,2\n", AC_EINVAL, "line 2: \"{\" is not closed");
    expect_error(H3 "1: {1 2}\n", AC_EINVAL,
                 "line 2: expected \",\" or \"}\", found \"2\"");
    expect_error(H3 "1: 1},2\n", AC_EINVAL,
                 "line 2: expected \",\" or the end of the line, found \"}\"");
    expect_error(H3 "1: 1{2}\n", AC_EINVAL,
                 "line 2: expected \",\" or the end of the line, found \"{\"");
    expect_error(H3 "1: 1;2\n", AC_EINVAL,
                 "line 2: expected an alternative number, found \"1;2\"");
}

Test(preflib, data_type_errors)
{
    expect_error("# DATA TYPE: soi\n" H3 "1: 1\n1: {1,2},3\n", AC_EINVAL,
                 "line 4: a tie in braces, which a soi file does not allow");
    expect_error("# DATA TYPE: soc\n" H3 "1: {1,2},3\n", AC_EINVAL,
                 "line 3: a tie in braces, which a soc file does not allow");
    expect_error("# DATA TYPE: soc\n" H3 "1: 1,2\n", AC_EINVAL,
                 "line 3: the order lists 2 of the 3 alternatives, and a soc "
                 "file lists them all");
    expect_error("# DATA TYPE: toc\n" H3 "1: {1,2}\n", AC_EINVAL,
                 "line 3: the order lists 2 of the 3 alternatives, and a toc "
                 "file lists them all");
}

Test(preflib, lines_are_counted_with_crlf_and_blank_lines)
{
    expect_error("# NUMBER ALTERNATIVES: 8\r\n\r\n1: 1\r\n\r\n   \r\n"
                 "2: 3,9,1\r\n",
                 AC_EINVAL, "line 6: alternative 9 is not in 1..8");
    expect_error("# NUMBER ALTERNATIVES: 8\n1: 1\n2: 3,9,1", AC_EINVAL,
                 "line 3: alternative 9 is not in 1..8");
}

Test(preflib, the_bad_file_names_its_line)
{
    size_t len;
    char *text = u_read("preflib/bad_alternative.soi", &len);
    struct ac_preflib p;
    struct ac_err err = {0};
    cr_assert_eq(ac_preflib_parse((struct ac_str){text, len}, &arena, &p, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.msg, "line 12: alternative 9 is not in 1..8");
    free(text);
}

Test(preflib, out_of_memory_at_each_allocation)
{
    const char *text = "# NUMBER ALTERNATIVES: 3\n"
                       "# ALTERNATIVE NAME 1: One\n"
                       "# ALTERNATIVE NAME 2: Two\n"
                       "1: 1,2\n2: 3\n";
    int failed = 0;
    for (size_t k = 1; k < 20; k++) {
        struct ac_arena a;
        struct ac_err err = {0};
        struct ac_preflib p;
        enum ac_status st;
        size_t used;
        ac_arena_init(&a, 0);
        cr_assert_not_null(ac_arena_alloc(&a, 10));
        used = a.used;
        a.fail_at = a.allocs + k;
        st = ac_preflib_parse(ac_str_c(text), &a, &p, &err);
        if (st == AC_OK) {
            cr_assert_eq(p.count, 2);
            expect_name(&p, 2, "Two");
            ac_arena_release(&a);
            break;
        }
        cr_assert_eq(st, AC_ENOMEM, "allocation %zu: %s", k, err.msg);
        cr_assert_null(p.names);
        cr_assert_eq(a.used, used, "allocation %zu: memory kept", k);
        failed++;
        ac_arena_release(&a);
    }
    cr_assert_eq(failed, 5, "names, ballots, ranks and two names: %d", failed);
}
