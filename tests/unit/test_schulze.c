/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The Schulze tally: published worked examples (tests/data/schulze), a
 * brute-force property test over all simple paths, real Debian Project
 * Leader elections (PrefLib), input errors and the seeded tie-break. */
#include <criterion/criterion.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/hash.h"
#include "core/schulze.h"
#include "unit.h"

#define MAXB 4096 /* ballot kinds a test election may hold */
#define MAXC 16   /* candidates a test election may hold */

/* An election as read from a file or generated. */
struct election {
    size_t n;                  /* candidates */
    char names[MAXC][64];      /* candidate names */
    size_t count;              /* ballot kinds */
    uint16_t rank[MAXB][MAXC]; /* rank[b][c] as in struct ac_ballot */
    struct ac_ballot ballots[MAXB];
};

static struct election *election_new(void)
{
    struct election *e = calloc(1, sizeof *e);
    cr_assert_not_null(e);
    return e;
}

static void add_ballot(struct election *e, uint32_t weight)
{
    cr_assert_lt(e->count, MAXB);
    e->ballots[e->count].rank = e->rank[e->count];
    e->ballots[e->count].weight = weight;
    e->count++;
}

static struct ac_schulze_result tally(const struct election *e,
                                      enum ac_schulze_strength s, uint64_t seed,
                                      struct ac_arena *a)
{
    struct ac_schulze_result r;
    struct ac_err err = {0};
    enum ac_status st =
        ac_schulze_tally(e->ballots, e->count, e->n, s, seed, a, &r, &err);
    cr_assert_eq(st, AC_OK, "tally failed: %s", err.msg);
    cr_assert_eq(r.n, e->n);
    return r;
}

/* ---- golden files ---------------------------------------------------- */

static size_t name_index(const struct election *e, const char *name)
{
    for (size_t c = 0; c < e->n; c++) {
        if (strcmp(e->names[c], name) == 0) {
            return c;
        }
    }
    cr_assert_fail("unknown candidate \"%s\"", name);
    return 0;
}

static void check_row(const char *rel, const struct election *e,
                      const uint64_t *m, char *rest, const char *what)
{
    char *tok = strtok_r(rest, " ", &rest);
    size_t i;
    cr_assert_not_null(tok, "%s: %s row without a name", rel, what);
    i = name_index(e, tok);
    for (size_t j = 0; j < e->n; j++) {
        unsigned long long want;
        tok = strtok_r(rest, " ", &rest);
        cr_assert_not_null(tok, "%s: short %s row", rel, what);
        want = strtoull(tok, NULL, 10);
        cr_expect_eq(m[i * e->n + j], want, "%s: %s[%s][%s] is %llu, not %llu",
                     rel, what, e->names[i], e->names[j],
                     (unsigned long long)m[i * e->n + j], want);
    }
}

static void run_golden(const char *rel)
{
    char *text = u_read(rel, NULL);
    char *save = NULL;
    struct election *e = election_new();
    enum ac_schulze_strength s = AC_SCHULZE_WINNING_VOTES;
    struct ac_arena a;
    struct ac_schulze_result r = {0};
    bool tallied = false;
    int rows = 0;
    bool saw_winners = false;
    ac_arena_init(&a, 0);
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *rest;
        char *key;
        if (line[0] == '#') {
            continue;
        }
        key = strtok_r(line, " ", &rest);
        if (strcmp(key, "candidates") == 0) {
            for (char *t = strtok_r(rest, " ", &rest); t;
                 t = strtok_r(rest, " ", &rest)) {
                snprintf(e->names[e->n++], sizeof e->names[0], "%s", t);
            }
        } else if (strcmp(key, "strength") == 0) {
            s = strcmp(rest, "margins") == 0 ? AC_SCHULZE_MARGINS
                                             : AC_SCHULZE_WINNING_VOTES;
        } else if (strcmp(key, "ballot") == 0) {
            char *w = strtok_r(rest, " ", &rest);
            char *order = strtok_r(rest, " ", &rest);
            cr_assert_not_null(order, "%s: ballot without ranking", rel);
            for (size_t c = 0; c < e->n; c++) {
                e->rank[e->count][c] = AC_RANK_NONE;
            }
            for (size_t k = 0; order[k]; k++) {
                char one[2] = {order[k], '\0'};
                e->rank[e->count][name_index(e, one)] = (uint16_t)k;
            }
            add_ballot(e, (uint32_t)strtoul(w, NULL, 10));
        } else {
            if (!tallied) {
                r = tally(e, s, 1, &a);
                tallied = true;
            }
            if (strcmp(key, "d") == 0) {
                check_row(rel, e, r.d, rest, "d");
                rows++;
            } else if (strcmp(key, "p") == 0) {
                check_row(rel, e, r.p, rest, "p");
                rows++;
            } else if (strcmp(key, "winners") == 0) {
                uint64_t want = 0;
                for (char *t = strtok_r(rest, " ", &rest); t;
                     t = strtok_r(rest, " ", &rest)) {
                    want |= (uint64_t)1 << name_index(e, t);
                }
                cr_expect_eq(r.winners, want, "%s: winners %#llx, not %#llx",
                             rel, (unsigned long long)r.winners,
                             (unsigned long long)want);
                saw_winners = true;
            } else if (strcmp(key, "order") == 0) {
                size_t k = 0;
                for (char *t = strtok_r(rest, " ", &rest); t;
                     t = strtok_r(rest, " ", &rest), k++) {
                    cr_assert_lt(k, e->n);
                    cr_expect_str_eq(e->names[r.order[k]], t,
                                     "%s: place %zu is %s, not %s", rel, k + 1,
                                     e->names[r.order[k]], t);
                }
                cr_expect_eq(k, e->n, "%s: order lists %zu of %zu", rel, k,
                             e->n);
                cr_expect_eq(r.tiebroken, 0, "%s: no place needs a tie-break",
                             rel);
            } else {
                cr_assert_fail("%s: unknown line \"%s\"", rel, key);
            }
        }
    }
    cr_assert_eq(rows, (int)(2 * e->n), "%s: expected full d and p", rel);
    cr_assert(saw_winners, "%s: no winners line", rel);
    ac_arena_release(&a);
    free(e);
    free(text);
}

Test(schulze, wikipedia_example)
{
    run_golden("schulze/wikipedia.txt");
}

Test(schulze, schulze2011_example2)
{
    run_golden("schulze/schulze2011_example2.txt");
}

Test(schulze, schulze2011_example4_two_winners)
{
    run_golden("schulze/schulze2011_example4.txt");
}

/* ---- brute force ---------------------------------------------------- */

static uint64_t link_of(const uint64_t *d, size_t n, size_t i, size_t j,
                        enum ac_schulze_strength s)
{
    if (d[i * n + j] <= d[j * n + i]) {
        return 0;
    }
    return s == AC_SCHULZE_MARGINS ? d[i * n + j] - d[j * n + i] : d[i * n + j];
}

/* The widest simple path from at to goal through unvisited members of
 * set, found by trying every path; 0 when none. */
static uint64_t widest(const uint64_t *d, size_t n, enum ac_schulze_strength s,
                       uint64_t set, size_t at, size_t goal, uint64_t seen,
                       uint64_t sofar)
{
    uint64_t best = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t l;
        uint64_t w;
        if (!((set >> k) & 1) || ((seen >> k) & 1)) {
            continue;
        }
        l = link_of(d, n, at, k, s);
        if (l == 0) {
            continue;
        }
        w = l < sofar ? l : sofar;
        if (k != goal) {
            w = widest(d, n, s, set, k, goal, seen | (uint64_t)1 << k, w);
        }
        if (w > best) {
            best = w;
        }
    }
    return best;
}

static void brute_paths(const uint64_t *d, size_t n, enum ac_schulze_strength s,
                        uint64_t set, uint64_t *p)
{
    memset(p, 0, n * n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            if (i != j && ((set >> i) & 1) && ((set >> j) & 1)) {
                p[i * n + j] =
                    widest(d, n, s, set, i, j, (uint64_t)1 << i, UINT64_MAX);
            }
        }
    }
}

static uint64_t brute_winners(const uint64_t *p, size_t n, uint64_t set)
{
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++) {
        bool ok = (set >> i) & 1;
        for (size_t j = 0; j < n; j++) {
            if (ok && j != i && ((set >> j) & 1) &&
                p[i * n + j] < p[j * n + i]) {
                ok = false;
            }
        }
        w |= (uint64_t)ok << i;
    }
    return w;
}

/* SHA-256(seed BE64 || c BE16), written out here independently. */
static void key_of(uint64_t seed, size_t c, uint8_t out[AC_HASH_LEN])
{
    uint8_t msg[10];
    for (int i = 0; i < 8; i++) {
        msg[i] = (uint8_t)(seed >> (56 - 8 * i));
    }
    msg[8] = (uint8_t)(c >> 8);
    msg[9] = (uint8_t)(c & 0xff);
    ac_sha256(out, msg, sizeof msg);
}

/* The candidates of set in tie-break order. */
static size_t tiebreak_sort(uint64_t seed, size_t n, uint64_t set,
                            uint16_t *out)
{
    uint8_t keys[MAXC][AC_HASH_LEN];
    size_t m = 0;
    for (size_t c = 0; c < n; c++) {
        key_of(seed, c, keys[c]);
    }
    for (size_t c = 0; c < n; c++) {
        if ((set >> c) & 1) {
            out[m++] = (uint16_t)c;
        }
    }
    for (size_t i = 0; i < m; i++) {
        for (size_t j = i + 1; j < m; j++) {
            if (memcmp(keys[out[j]], keys[out[i]], AC_HASH_LEN) < 0) {
                uint16_t t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
        }
    }
    return m;
}

static void brute_matrix(const struct election *e, uint64_t *d)
{
    size_t n = e->n;
    memset(d, 0, n * n * sizeof *d);
    for (size_t b = 0; b < e->count; b++) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                uint16_t ri = e->rank[b][i];
                uint16_t rj = e->rank[b][j];
                bool i_ranked = ri != AC_RANK_NONE;
                bool j_ranked = rj != AC_RANK_NONE;
                if ((i_ranked && !j_ranked) || (i_ranked && ri < rj)) {
                    d[i * n + j] += e->ballots[b].weight;
                }
            }
        }
    }
}

/* The candidate beating every other pairwise, or n when none does. */
static size_t condorcet_winner(const uint64_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool beats_all = true;
        for (size_t j = 0; j < n; j++) {
            if (j != i && d[i * n + j] <= d[j * n + i]) {
                beats_all = false;
            }
        }
        if (beats_all) {
            return i;
        }
    }
    return n;
}

static void random_election(struct u_rng *g, struct election *e)
{
    size_t kinds;
    e->n = 2 + u_rng_next(g) % 4;
    e->count = 0;
    kinds = 1 + u_rng_next(g) % 12;
    for (size_t b = 0; b < kinds; b++) {
        for (size_t c = 0; c < e->n; c++) {
            /* ties, and about one in five unranked */
            uint64_t x = u_rng_next(g) % 5;
            e->rank[b][c] =
                (uint16_t)(x == 4 ? AC_RANK_NONE : u_rng_next(g) % e->n);
        }
        add_ballot(e, (uint32_t)(1 + u_rng_next(g) % 9));
    }
}

Test(schulze, brute_force_paths_and_order)
{
    struct u_rng g = u_rng_seeded(20261128);
    struct election *e = election_new();
    size_t condorcet_seen = 0;
    for (int round = 0; round < 3000; round++) {
        enum ac_schulze_strength s =
            round % 2 ? AC_SCHULZE_MARGINS : AC_SCHULZE_WINNING_VOTES;
        uint64_t seed = u_rng_next(&g);
        struct ac_arena a;
        struct ac_schulze_result r;
        uint64_t d[MAXC * MAXC];
        uint64_t p[MAXC * MAXC];
        uint64_t left;
        size_t n;
        size_t cw;
        size_t placed = 0;
        random_election(&g, e);
        n = e->n;
        ac_arena_init(&a, 0);
        r = tally(e, s, seed, &a);
        brute_matrix(e, d);
        cr_assert_arr_eq(r.d, d, n * n * sizeof *d, "round %d: d differs",
                         round);
        left = ((uint64_t)1 << n) - 1;
        brute_paths(d, n, s, left, p);
        for (size_t i = 0; i < n * n; i++) {
            cr_assert_eq(r.p[i], p[i], "round %d: p[%zu][%zu] %llu, not %llu",
                         round, i / n, i % n, (unsigned long long)r.p[i],
                         (unsigned long long)p[i]);
        }
        cr_assert_eq(r.winners, brute_winners(p, n, left), "round %d", round);
        cr_assert_eq(r.winner_count, (size_t)__builtin_popcountll(r.winners));
        cr_assert_geq(r.winner_count, 1);
        cw = condorcet_winner(d, n);
        if (cw < n) {
            condorcet_seen++;
            cr_assert_eq(r.winners, (uint64_t)1 << cw,
                         "round %d: condorcet winner %zu not sole winner",
                         round, cw);
            cr_assert_eq(r.order[0], cw);
        }
        /* the whole order, round by round, with the tie-break */
        while (left) {
            uint16_t tied[MAXC];
            size_t m;
            brute_paths(d, n, s, left, p);
            m = tiebreak_sort(seed, n, brute_winners(p, n, left), tied);
            cr_assert_geq(m, 1);
            for (size_t k = 0; k < m; k++) {
                cr_assert_eq(r.order[placed], tied[k],
                             "round %d: place %zu is %u, not %u", round, placed,
                             r.order[placed], tied[k]);
                cr_assert_eq((r.tiebroken >> placed) & 1, m > 1 ? 1u : 0u,
                             "round %d: tie-break flag at %zu", round, placed);
                left &= ~((uint64_t)1 << tied[k]);
                placed++;
            }
        }
        cr_assert_eq(placed, n);
        cr_assert_eq(r.tiebroken >> n, 0);
        ac_arena_release(&a);
    }
    cr_assert_gt(condorcet_seen, 100, "too few condorcet cases: %zu",
                 condorcet_seen);
    free(e);
}

/* ---- errors --------------------------------------------------------- */

static enum ac_status try_tally(const struct ac_ballot *b, size_t count,
                                size_t n, enum ac_schulze_strength s,
                                struct ac_arena *a, struct ac_err *err)
{
    struct ac_schulze_result r;
    enum ac_status st = ac_schulze_tally(b, count, n, s, 7, a, &r, err);
    if (st != AC_OK) {
        cr_expect_null(r.order, "failed tally left a result");
    }
    return st;
}

Test(schulze, rejects_bad_input)
{
    struct ac_arena a;
    struct ac_err err = {0};
    uint16_t ok[3] = {0, 1, AC_RANK_NONE};
    uint16_t high[3] = {0, 3, 1};
    struct ac_ballot b[3] = {{ok, 1}, {ok, 2}, {ok, 1}};
    ac_arena_init(&a, 0);

    cr_assert_eq(try_tally(b, 3, 0, AC_SCHULZE_WINNING_VOTES, &a, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "/n");
    cr_assert_eq(try_tally(b, 3, 65, AC_SCHULZE_WINNING_VOTES, &a, &err),
                 AC_EINVAL);
    cr_assert_eq(try_tally(b, 3, 3, (enum ac_schulze_strength)9, &a, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "/strength");
    cr_assert_eq(try_tally(NULL, 3, 3, AC_SCHULZE_WINNING_VOTES, &a, &err),
                 AC_EINVAL);

    b[2].weight = 0;
    cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/ballots/2");
    cr_assert_str_eq(err.msg, "ballot 2 has weight 0");

    b[2].weight = 1;
    b[1].rank = high;
    cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/ballots/1");
    cr_assert(strstr(err.msg, "candidate 1"), "%s", err.msg);

    b[1].rank = NULL;
    cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/ballots/1");

    b[1].rank = ok;
    b[0].weight = UINT32_MAX;
    cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err), AC_OK);
    ac_arena_release(&a);
}

Test(schulze, out_of_memory_at_each_allocation)
{
    uint16_t r1[3] = {0, 1, 2};
    struct ac_ballot b[1] = {{r1, 1}};
    int failed = 0;
    for (size_t k = 1; k < 20; k++) {
        struct ac_arena a;
        struct ac_err err = {0};
        struct ac_schulze_result r;
        enum ac_status st;
        ac_arena_init(&a, 0);
        a.fail_at = a.allocs + k;
        st = ac_schulze_tally(b, 1, 3, AC_SCHULZE_WINNING_VOTES, 1, &a, &r,
                              &err);
        if (st == AC_OK) {
            cr_assert_eq(r.order[0], 0);
            ac_arena_release(&a);
            break;
        }
        cr_assert_eq(st, AC_ENOMEM, "allocation %zu: %s", k, err.msg);
        failed++;
        ac_arena_release(&a);
    }
    cr_assert_gt(failed, 0);
}

/* ---- tie-break ------------------------------------------------------ */

static void order_of(const struct ac_ballot *b, size_t count, size_t n,
                     uint64_t seed, uint16_t *out)
{
    struct ac_arena a;
    struct ac_err err = {0};
    struct ac_schulze_result r;
    ac_arena_init(&a, 0);
    cr_assert_eq(ac_schulze_tally(b, count, n, AC_SCHULZE_WINNING_VOTES, seed,
                                  &a, &r, &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(r.winner_count, n, "a perfect tie has %zu winners, not %zu",
                 r.winner_count, n);
    cr_assert_eq(r.tiebroken, ((uint64_t)1 << n) - 1,
                 "every place is decided by the tie-break");
    memcpy(out, r.order, n * sizeof *out);
    ac_arena_release(&a);
}

Test(schulze, perfect_tie_is_decided_by_seed)
{
    /* a ballot and its reverse, and no ballots at all: all pairs tie */
    uint16_t up[6] = {0, 1, 2, 3, 4, 5};
    uint16_t down[6] = {5, 4, 3, 2, 1, 0};
    struct ac_ballot b[2] = {{up, 3}, {down, 3}};
    uint16_t first[6];
    uint16_t again[6];
    uint16_t none[6];
    uint16_t other[6];
    uint16_t want[6];

    order_of(b, 2, 6, 42, first);
    order_of(b, 2, 6, 42, again);
    order_of(NULL, 0, 6, 42, none);
    order_of(b, 2, 6, 43, other);
    cr_assert_arr_eq(first, again, sizeof first, "same seed, same order");
    cr_assert_arr_eq(first, none, sizeof first, "the order is the seed's");
    cr_assert_arr_neq(first, other, sizeof first,
                      "another seed gives another order");
    cr_assert_eq(tiebreak_sort(42, 6, 0x3f, want), 6);
    cr_assert_arr_eq(first, want, sizeof first,
                     "order is SHA-256(seed BE64 || index BE16) ascending");
}

Test(schulze, tie_break_vector)
{
    /* Pins the documented rule on fixed bytes: the key of candidate 1
     * under seed 1 is SHA-256 of 00 00 00 00 00 00 00 01 00 01. */
    uint8_t key[AC_HASH_LEN];
    uint8_t want[AC_HASH_LEN];
    const uint8_t msg[10] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
    key_of(1, 1, key);
    ac_sha256(want, msg, sizeof msg);
    cr_assert_arr_eq(key, want, AC_HASH_LEN);
}

Test(schulze, single_candidate_and_max_candidates)
{
    uint16_t one[1] = {AC_RANK_NONE};
    struct ac_ballot b1[1] = {{one, 1}};
    uint16_t many[64];
    struct ac_ballot b64[1] = {{many, 2}};
    struct ac_arena a;
    struct ac_err err = {0};
    struct ac_schulze_result r;
    ac_arena_init(&a, 0);
    cr_assert_eq(
        ac_schulze_tally(b1, 1, 1, AC_SCHULZE_MARGINS, 5, &a, &r, &err), AC_OK);
    cr_assert_eq(r.winners, 1);
    cr_assert_eq(r.order[0], 0);
    cr_assert_eq(r.tiebroken, 0);
    for (uint16_t c = 0; c < 64; c++) {
        many[c] = (uint16_t)(63 - c);
    }
    cr_assert_eq(
        ac_schulze_tally(b64, 1, 64, AC_SCHULZE_WINNING_VOTES, 5, &a, &r, &err),
        AC_OK);
    cr_assert_eq(r.winners, (uint64_t)1 << 63);
    for (size_t k = 0; k < 64; k++) {
        cr_assert_eq(r.order[k], 63 - k);
    }
    cr_assert_eq(r.tiebroken, 0);
    cr_assert_eq(r.p[63 * 64 + 0], 2);
    ac_arena_release(&a);
}
