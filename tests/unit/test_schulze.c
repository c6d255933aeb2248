/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The Schulze tally: published worked examples (tests/data/schulze), a
 * brute-force property test over all simple paths and the definition of
 * the layers, a reference check at sizes that cross the padded blocks,
 * a thousand candidates, input errors, out-of-memory and the seeded
 * tie-break. */
#include <criterion/criterion.h>
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
#define MAXC 16   /* candidates a golden or brute-force election may hold */

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

static struct ac_schulze_result tally(const struct ac_ballot *ballots,
                                      size_t count, size_t n,
                                      enum ac_schulze_strength s, uint64_t seed,
                                      struct ac_arena *a)
{
    struct ac_schulze_result r;
    struct ac_err err = {0};
    enum ac_status st =
        ac_schulze_tally(ballots, count, n, s, seed, a, &r, &err);
    cr_assert_eq(st, AC_OK, "tally failed: %s", err.msg);
    cr_assert_eq(r.n, n);
    return r;
}

/* ---- the layers, by their definition --------------------------------- */

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

/* Checks r's layers and order against p alone: layer 0 is who nobody
 * beats; a candidate of layer k > 0 is beaten only from layers below k
 * and by someone of layer k - 1; the order runs through the layers in
 * turn, each ascending by tie-break key. */
static void check_layers(const struct ac_schulze_result *r, const uint64_t *p,
                         uint64_t seed, const char *what)
{
    size_t n = r->n;
    size_t winners = 0;
    size_t deepest = 0;
    bool *seen = calloc(n, sizeof *seen);
    uint8_t(*keys)[AC_HASH_LEN] = malloc(n * sizeof *keys);
    cr_assert(seen && keys);
    for (size_t c = 0; c < n; c++) {
        key_of(seed, c, keys[c]);
    }
    for (size_t v = 0; v < n; v++) {
        size_t beaten = 0;
        bool below = false;
        for (size_t u = 0; u < n; u++) {
            if (p[u * n + v] > p[v * n + u]) {
                beaten++;
                cr_assert_lt(r->layer[u], r->layer[v],
                             "%s: %zu beats %zu from layer %u, not below %u",
                             what, u, v, r->layer[u], r->layer[v]);
                below = below || r->layer[u] + 1 == r->layer[v];
            }
        }
        cr_assert_eq(beaten == 0, r->layer[v] == 0,
                     "%s: %zu is in layer %u, beaten %zu times", what, v,
                     r->layer[v], beaten);
        cr_assert(r->layer[v] == 0 || below,
                  "%s: nobody of layer %u beats %zu of layer %u", what,
                  r->layer[v] - 1, v, r->layer[v]);
        winners += r->layer[v] == 0;
        deepest = r->layer[v] > deepest ? r->layer[v] : deepest;
    }
    cr_assert_eq(r->winner_count, winners, "%s: winner_count", what);
    cr_assert_geq(r->winner_count, 1, "%s", what);
    cr_assert_eq(r->layer_count, deepest + 1, "%s: layer_count", what);
    for (size_t k = 0; k < n; k++) {
        size_t c = r->order[k];
        cr_assert_lt(c, n, "%s", what);
        cr_assert(!seen[c], "%s: %zu placed twice", what, c);
        seen[c] = true;
        if (k > 0) {
            size_t b = r->order[k - 1];
            cr_assert(r->layer[b] < r->layer[c] ||
                          (r->layer[b] == r->layer[c] &&
                           memcmp(keys[b], keys[c], AC_HASH_LEN) < 0),
                      "%s: place %zu (%zu) before place %zu (%zu)", what, k - 1,
                      b, k, c);
        }
    }
    free(keys);
    free(seen);
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

/* Checks the layers of r against want: names separated by spaces, the
 * layers by " | ", first layer first. */
static void check_layer_names(const struct election *e,
                              const struct ac_schulze_result *r,
                              const char *want)
{
    char buf[256];
    char *save = NULL;
    size_t l = 0;
    size_t named = 0;
    snprintf(buf, sizeof buf, "%s", want);
    for (char *t = strtok_r(buf, " ", &save); t;
         t = strtok_r(NULL, " ", &save)) {
        if (strcmp(t, "|") == 0) {
            l++;
            continue;
        }
        cr_expect_eq(r->layer[name_index(e, t)], l,
                     "%s is in layer %u, not %zu", t,
                     r->layer[name_index(e, t)], l);
        named++;
    }
    cr_assert_eq(named, e->n);
    cr_assert_eq(r->layer_count, l + 1);
}

static void run_golden(const char *rel, const char *layers)
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
                r = tally(e->ballots, e->count, e->n, s, 1, &a);
                tallied = true;
            }
            if (strcmp(key, "d") == 0) {
                check_row(rel, e, r.d, rest, "d");
                rows++;
            } else if (strcmp(key, "p") == 0) {
                check_row(rel, e, r.p, rest, "p");
                rows++;
            } else if (strcmp(key, "winners") == 0) {
                size_t count = 0;
                for (char *t = strtok_r(rest, " ", &rest); t;
                     t = strtok_r(rest, " ", &rest)) {
                    cr_expect_eq(r.layer[name_index(e, t)], 0,
                                 "%s: %s is not a winner", rel, t);
                    count++;
                }
                cr_expect_eq(r.winner_count, count, "%s: %zu winners, not %zu",
                             rel, r.winner_count, count);
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
                cr_expect_eq(r.layer_count, e->n,
                             "%s: no place needs a tie-break", rel);
            } else {
                cr_assert_fail("%s: unknown line \"%s\"", rel, key);
            }
        }
    }
    cr_assert_eq(rows, (int)(2 * e->n), "%s: expected full d and p", rel);
    cr_assert(saw_winners, "%s: no winners line", rel);
    check_layers(&r, r.p, 1, rel);
    if (layers) {
        check_layer_names(e, &r, layers);
    }
    ac_arena_release(&a);
    free(e);
    free(text);
}

Test(schulze, wikipedia_example)
{
    run_golden("schulze/wikipedia.txt", "E | A | C | B | D");
}

Test(schulze, schulze2011_example2)
{
    run_golden("schulze/schulze2011_example2.txt", "D | A | C | B");
}

Test(schulze, schulze2011_example4_two_winners)
{
    /* B and D tie at the top; D beats A (6 to 5) and B beats C (7 to 5),
     * while A and C tie: both are beaten only by the first layer. */
    run_golden("schulze/schulze2011_example4.txt", "B D | A C");
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

/* The widest simple path from at to goal through unvisited candidates,
 * found by trying every path; 0 when none. */
static uint64_t widest(const uint64_t *d, size_t n, enum ac_schulze_strength s,
                       size_t at, size_t goal, uint64_t seen, uint64_t sofar)
{
    uint64_t best = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t l;
        uint64_t w;
        if ((seen >> k) & 1) {
            continue;
        }
        l = link_of(d, n, at, k, s);
        if (l == 0) {
            continue;
        }
        w = l < sofar ? l : sofar;
        if (k != goal) {
            w = widest(d, n, s, k, goal, seen | (uint64_t)1 << k, w);
        }
        if (w > best) {
            best = w;
        }
    }
    return best;
}

static void brute_paths(const uint64_t *d, size_t n, enum ac_schulze_strength s,
                        uint64_t *p)
{
    memset(p, 0, n * n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            if (i != j) {
                p[i * n + j] =
                    widest(d, n, s, i, j, (uint64_t)1 << i, UINT64_MAX);
            }
        }
    }
}

/* d by the definition: ranked above, or ranked while the other is not. */
static void brute_matrix(const struct ac_ballot *ballots, size_t count,
                         size_t n, uint64_t *d)
{
    memset(d, 0, n * n * sizeof *d);
    for (size_t b = 0; b < count; b++) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                uint16_t ri = ballots[b].rank[i];
                uint16_t rj = ballots[b].rank[j];
                bool i_ranked = ri != AC_RANK_NONE;
                bool j_ranked = rj != AC_RANK_NONE;
                if ((i_ranked && !j_ranked) || (i_ranked && ri < rj)) {
                    d[i * n + j] += ballots[b].weight;
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

/* A ballot weight of one of four scales, so that every accumulation path
 * is taken: small weights; weights that fill the 16-bit counters within a
 * few ballots; weights too heavy for them; and weights whose total passes
 * 32 bits, so the paths are widened in 64 bits. */
static uint32_t random_weight(struct u_rng *g, int scale)
{
    switch (scale) {
    case 0:
        return (uint32_t)(1 + u_rng_next(g) % 9);
    case 1:
        return (uint32_t)(1 + u_rng_next(g) % 30000);
    case 2:
        return (uint32_t)(50000 + u_rng_next(g) % 100000);
    default:
        return (uint32_t)(0x80000000u + u_rng_next(g) % 0x7fffffffu);
    }
}

static void random_election(struct u_rng *g, struct election *e, size_t maxn,
                            int scale)
{
    size_t kinds;
    e->n = 2 + u_rng_next(g) % (maxn - 1);
    e->count = 0;
    kinds = 1 + u_rng_next(g) % 12;
    for (size_t b = 0; b < kinds; b++) {
        for (size_t c = 0; c < e->n; c++) {
            /* ties, and about one in five unranked */
            uint64_t x = u_rng_next(g) % 5;
            e->rank[b][c] =
                (uint16_t)(x == 4 ? AC_RANK_NONE : u_rng_next(g) % e->n);
        }
        add_ballot(e, random_weight(g, scale));
    }
}

Test(schulze, brute_force_paths_and_layers)
{
    struct u_rng g = u_rng_seeded(20261128);
    struct election *e = election_new();
    size_t condorcet_seen = 0;
    size_t tied_seen = 0;
    size_t deep_seen = 0;
    for (int round = 0; round < 4000; round++) {
        enum ac_schulze_strength s =
            round % 2 ? AC_SCHULZE_MARGINS : AC_SCHULZE_WINNING_VOTES;
        uint64_t seed = u_rng_next(&g);
        struct ac_arena a;
        struct ac_schulze_result r;
        uint64_t d[8 * 8];
        uint64_t p[8 * 8];
        char what[64];
        size_t n;
        size_t cw;
        random_election(&g, e, 6, (round / 2) % 4);
        n = e->n;
        snprintf(what, sizeof what, "round %d", round);
        ac_arena_init(&a, 0);
        r = tally(e->ballots, e->count, n, s, seed, &a);
        brute_matrix(e->ballots, e->count, n, d);
        cr_assert_arr_eq(r.d, d, n * n * sizeof *d, "%s: d differs", what);
        brute_paths(d, n, s, p);
        for (size_t i = 0; i < n * n; i++) {
            cr_assert_eq(r.p[i], p[i], "%s: p[%zu][%zu] %llu, not %llu", what,
                         i / n, i % n, (unsigned long long)r.p[i],
                         (unsigned long long)p[i]);
        }
        check_layers(&r, p, seed, what);
        cw = condorcet_winner(d, n);
        if (cw < n) {
            condorcet_seen++;
            cr_assert_eq(r.winner_count, 1, "%s: condorcet winner %zu not sole",
                         what, cw);
            cr_assert_eq(r.order[0], cw);
        }
        tied_seen += r.layer_count < n;
        deep_seen += r.layer_count > 2;
        ac_arena_release(&a);
    }
    cr_assert_gt(condorcet_seen, 100, "too few condorcet cases: %zu",
                 condorcet_seen);
    cr_assert_gt(tied_seen, 100, "too few layers shared: %zu", tied_seen);
    cr_assert_gt(deep_seen, 100, "too few deep rankings: %zu", deep_seen);
    free(e);
}

/* ---- larger elections against a plain reference --------------------- */

/* Widest paths as the textbook writes them (Schulze 2011, section 2.3). */
static void reference_paths(const uint64_t *d, size_t n,
                            enum ac_schulze_strength s, uint64_t *p)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            p[i * n + j] = i == j ? 0 : link_of(d, n, i, j, s);
        }
    }
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                uint64_t ik = p[i * n + k];
                uint64_t kj = p[k * n + j];
                uint64_t via = ik < kj ? ik : kj;
                if (i != j && i != k && j != k && via > p[i * n + j]) {
                    p[i * n + j] = via;
                }
            }
        }
    }
}

/* count random ballots over n candidates: a few popular orders with noise,
 * ties and truncation. The ballots' ranks are in one malloc'd block. */
static struct ac_ballot *random_ballots(struct u_rng *g, size_t count, size_t n,
                                        int scale, uint16_t **block)
{
    struct ac_ballot *b = calloc(count, sizeof *b);
    uint16_t *ranks = calloc(count * n, sizeof *ranks);
    cr_assert(b && ranks);
    for (size_t k = 0; k < count; k++) {
        uint16_t *rank = ranks + k * n;
        size_t style = u_rng_next(g) % 4;
        size_t cut = n - u_rng_next(g) % (n / 2 + 1);
        for (size_t c = 0; c < n; c++) {
            size_t pos;
            if (style == 0) {
                pos = c; /* the popular order, with noise below */
            } else if (style == 1) {
                pos = n - 1 - c;
            } else {
                pos = u_rng_next(g) % n;
            }
            if (u_rng_next(g) % 8 == 0) {
                pos = u_rng_next(g) % n;
            }
            rank[c] = (uint16_t)(pos >= cut ? AC_RANK_NONE : pos);
        }
        b[k].rank = rank;
        b[k].weight = random_weight(g, scale);
    }
    *block = ranks;
    return b;
}

Test(schulze, matches_reference_across_block_sizes)
{
    static const size_t sizes[] = {1,  2,  15, 16,  17,  31, 32,
                                   33, 47, 64, 100, 255, 256};
    struct u_rng g = u_rng_seeded(42);
    for (size_t t = 0; t < 2 * 4 * sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t % (sizeof sizes / sizeof sizes[0])];
        int scale = (int)(t / 2 % 4);
        enum ac_schulze_strength s =
            t % 2 ? AC_SCHULZE_MARGINS : AC_SCHULZE_WINNING_VOTES;
        size_t count = 1 + u_rng_next(&g) % 300;
        uint16_t *block;
        struct ac_ballot *b = random_ballots(&g, count, n, scale, &block);
        uint64_t *d = malloc(n * n * sizeof *d);
        uint64_t *p = malloc(n * n * sizeof *p);
        struct ac_arena a;
        struct ac_schulze_result r;
        char what[64];
        cr_assert(d && p);
        snprintf(what, sizeof what, "n %zu scale %d", n, scale);
        ac_arena_init(&a, 0);
        r = tally(b, count, n, s, t, &a);
        brute_matrix(b, count, n, d);
        cr_assert_arr_eq(r.d, d, n * n * sizeof *d, "%s: d differs", what);
        reference_paths(d, n, s, p);
        cr_assert_arr_eq(r.p, p, n * n * sizeof *p, "%s: p differs", what);
        check_layers(&r, p, t, what);
        ac_arena_release(&a);
        free(p);
        free(d);
        free(b);
        free(block);
    }
}

Test(schulze, a_thousand_candidates, .timeout = 120)
{
    struct u_rng g = u_rng_seeded(1000);
    size_t n = AC_SCHULZE_MAX;
    size_t count = 60;
    uint16_t *block;
    struct ac_ballot *b = random_ballots(&g, count, n, 0, &block);
    uint64_t *d = malloc(n * n * sizeof *d);
    uint64_t total = 0;
    struct ac_arena a;
    struct ac_schulze_result r;
    cr_assert_not_null(d);
    for (size_t k = 0; k < count; k++) {
        total += b[k].weight;
    }
    ac_arena_init(&a, 0);
    r = tally(b, count, n, AC_SCHULZE_WINNING_VOTES, 9, &a);
    brute_matrix(b, count, n, d);
    cr_assert_arr_eq(r.d, d, n * n * sizeof *d, "d differs");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            uint64_t l = link_of(d, n, i, j, AC_SCHULZE_WINNING_VOTES);
            cr_assert_leq(d[i * n + j] + d[j * n + i], total);
            cr_assert_geq(r.p[i * n + j], i == j ? 0 : l);
            cr_assert_leq(r.p[i * n + j], total);
        }
        cr_assert_eq(r.p[i * n + i], 0);
    }
    /* p is closed: no path through k is wider (sampled) */
    for (int t = 0; t < 20000; t++) {
        size_t i = u_rng_next(&g) % n, j = u_rng_next(&g) % n,
               k = u_rng_next(&g) % n;
        uint64_t ik = r.p[i * n + k], kj = r.p[k * n + j];
        if (i != j && i != k && j != k) {
            cr_assert_geq(r.p[i * n + j], ik < kj ? ik : kj);
        }
    }
    check_layers(&r, r.p, 9, "1000 candidates");
    ac_arena_release(&a);
    free(d);
    free(b);
    free(block);
}

Test(schulze, a_thousand_candidates_in_one_line)
{
    /* one ballot ranking all 1000: a thousand layers of one */
    static uint16_t rank[AC_SCHULZE_MAX];
    struct ac_ballot b[1] = {{rank, 3}};
    struct ac_arena a;
    struct ac_schulze_result r;
    for (size_t c = 0; c < AC_SCHULZE_MAX; c++) {
        rank[c] = (uint16_t)(AC_SCHULZE_MAX - 1 - c);
    }
    ac_arena_init(&a, 0);
    r = tally(b, 1, AC_SCHULZE_MAX, AC_SCHULZE_MARGINS, 5, &a);
    cr_assert_eq(r.layer_count, AC_SCHULZE_MAX);
    cr_assert_eq(r.winner_count, 1);
    for (size_t k = 0; k < AC_SCHULZE_MAX; k++) {
        cr_assert_eq(r.order[k], AC_SCHULZE_MAX - 1 - k);
        cr_assert_eq(r.layer[r.order[k]], k);
    }
    cr_assert_eq(r.p[(AC_SCHULZE_MAX - 1) * AC_SCHULZE_MAX + 0], 3);
    cr_assert_eq(r.p[0 * AC_SCHULZE_MAX + AC_SCHULZE_MAX - 1], 0);
    ac_arena_release(&a);
}

/* ---- errors --------------------------------------------------------- */

static enum ac_status try_tally(const struct ac_ballot *b, size_t count,
                                size_t n, enum ac_schulze_strength s,
                                struct ac_arena *a, struct ac_err *err)
{
    struct ac_schulze_result r;
    size_t used = a->used;
    enum ac_status st = ac_schulze_tally(b, count, n, s, 7, a, &r, err);
    if (st != AC_OK) {
        cr_expect_null(r.order, "failed tally left a result");
        cr_expect_null(r.layer, "failed tally left a result");
        cr_expect_eq(a->used, used, "failed tally kept memory");
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
    cr_assert_eq(
        try_tally(b, 3, AC_SCHULZE_MAX + 1, AC_SCHULZE_WINNING_VOTES, &a, &err),
        AC_EINVAL);
    cr_assert_str_eq(err.msg, "candidates must be 1 to 1000, not 1001");
    cr_assert_eq(try_tally(b, 3, 3, (enum ac_schulze_strength)9, &a, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "/strength");
    cr_assert_eq(try_tally(NULL, 3, 3, AC_SCHULZE_WINNING_VOTES, &a, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "/ballots");

    b[2].weight = 0;
    cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/ballots/2");
    cr_assert_str_eq(err.msg, "ballot 2 has weight 0");

    b[2].weight = 1;
    b[1].rank = high;
    cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/ballots/1");
    cr_assert_str_eq(err.msg,
                     "ballot 1 ranks candidate 1 at 3, past the 3 candidates");

    /* every way a ballot is counted checks its ranks: 8-bit, 16-bit and
     * 64-bit counts */
    for (int k = 0; k < 3; k++) {
        static const uint32_t weights[3] = {1000, 100000, 7};
        b[1].weight = weights[k];
        b[0].rank = k == 2 ? high : ok;
        b[1].rank = k == 2 ? ok : high;
        cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err),
                     AC_EINVAL);
        cr_assert_str_eq(err.where, k == 2 ? "/ballots/0" : "/ballots/1");
        cr_assert(strstr(err.msg, "ranks candidate 1 at 3"), "%s", err.msg);
    }
    b[0].rank = ok;
    b[1].weight = 2;
    {
        static uint16_t wide[300];
        struct ac_ballot bw[2] = {{wide, 1}, {wide, 1}};
        for (size_t c = 0; c < 300; c++) {
            wide[c] = (uint16_t)(c == 299 ? 300 : c);
        }
        cr_assert_eq(try_tally(bw, 2, 300, AC_SCHULZE_MARGINS, &a, &err),
                     AC_EINVAL);
        cr_assert_str_eq(err.msg, "ballot 0 ranks candidate 299 at 300, past "
                                  "the 300 candidates");
    }

    b[1].rank = NULL;
    cr_assert_eq(try_tally(b, 3, 3, AC_SCHULZE_MARGINS, &a, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "/ballots/1");
    cr_assert_str_eq(err.msg, "ballot 1 has no ranks");

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
    for (size_t k = 1; k < 40; k++) {
        struct ac_arena a;
        struct ac_err err = {0};
        struct ac_schulze_result r;
        enum ac_status st;
        size_t used;
        ac_arena_init(&a, 0);
        /* something the caller allocated before stays */
        cr_assert_not_null(ac_arena_alloc(&a, 100));
        used = a.used;
        a.fail_at = a.allocs + k;
        st = ac_schulze_tally(b, 1, 3, AC_SCHULZE_WINNING_VOTES, 1, &a, &r,
                              &err);
        if (st == AC_OK) {
            cr_assert_eq(r.order[0], 0);
            cr_assert_eq(r.winner_count, 1);
            ac_arena_release(&a);
            break;
        }
        cr_assert_eq(st, AC_ENOMEM, "allocation %zu: %s", k, err.msg);
        cr_assert_null(r.d);
        cr_assert_eq(a.used, used, "allocation %zu: memory kept", k);
        failed++;
        ac_arena_release(&a);
    }
    cr_assert_gt(failed, 4, "every allocation failed once: %d", failed);
}

Test(schulze, keeps_only_the_result)
{
    /* d, p, layer and order stay; the scratch is given back */
    uint16_t r1[40];
    struct ac_ballot b[1] = {{r1, 1}};
    struct ac_arena a;
    size_t n = 40;
    size_t want =
        2 * ((n * n * 8 + 15) & ~(size_t)15) + 2 * ((n * 2 + 15) & ~(size_t)15);
    for (size_t c = 0; c < n; c++) {
        r1[c] = (uint16_t)c;
    }
    ac_arena_init(&a, 0);
    tally(b, 1, n, AC_SCHULZE_WINNING_VOTES, 1, &a);
    cr_assert_eq(a.used, want, "arena holds %zu bytes, not %zu", a.used, want);
    ac_arena_release(&a);
}

/* ---- tie-break ------------------------------------------------------ */

/* The candidates 0..n-1 in tie-break order. */
static void tiebreak_sort(uint64_t seed, size_t n, uint16_t *out)
{
    uint8_t keys[MAXC][AC_HASH_LEN];
    for (size_t c = 0; c < n; c++) {
        key_of(seed, c, keys[c]);
        out[c] = (uint16_t)c;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (memcmp(keys[out[j]], keys[out[i]], AC_HASH_LEN) < 0) {
                uint16_t t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
        }
    }
}

static void order_of(const struct ac_ballot *b, size_t count, size_t n,
                     uint64_t seed, uint16_t *out)
{
    struct ac_arena a;
    struct ac_schulze_result r;
    ac_arena_init(&a, 0);
    r = tally(b, count, n, AC_SCHULZE_WINNING_VOTES, seed, &a);
    cr_assert_eq(r.winner_count, n, "a perfect tie has %zu winners, not %zu",
                 r.winner_count, n);
    cr_assert_eq(r.layer_count, 1, "a perfect tie is one layer");
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
    tiebreak_sort(42, 6, want);
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

Test(schulze, single_candidate_and_a_strict_line)
{
    uint16_t one[1] = {AC_RANK_NONE};
    struct ac_ballot b1[1] = {{one, 1}};
    uint16_t many[64];
    struct ac_ballot b64[1] = {{many, 2}};
    struct ac_arena a;
    struct ac_schulze_result r;
    ac_arena_init(&a, 0);
    r = tally(b1, 1, 1, AC_SCHULZE_MARGINS, 5, &a);
    cr_assert_eq(r.winner_count, 1);
    cr_assert_eq(r.layer_count, 1);
    cr_assert_eq(r.layer[0], 0);
    cr_assert_eq(r.order[0], 0);
    cr_assert_eq(r.d[0], 0);
    cr_assert_eq(r.p[0], 0);
    r = tally(NULL, 0, 1, AC_SCHULZE_WINNING_VOTES, 5, &a);
    cr_assert_eq(r.winner_count, 1);
    cr_assert_eq(r.order[0], 0);
    for (uint16_t c = 0; c < 64; c++) {
        many[c] = (uint16_t)(63 - c);
    }
    r = tally(b64, 1, 64, AC_SCHULZE_WINNING_VOTES, 5, &a);
    cr_assert_eq(r.winner_count, 1);
    cr_assert_eq(r.layer_count, 64);
    for (size_t k = 0; k < 64; k++) {
        cr_assert_eq(r.order[k], 63 - k);
        cr_assert_eq(r.layer[63 - k], k);
    }
    cr_assert_eq(r.p[63 * 64 + 0], 2);
    ac_arena_release(&a);
}
