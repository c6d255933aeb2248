/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The Schulze method: Floyd-Warshall widest paths over the defeats of the
 * pairwise matrix, as in Schulze (2011), section 2.3. Candidate sets are
 * 64-bit masks, which is why n is capped at 64. */
#include "schulze.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/hash.h"

static bool has(uint64_t set, size_t c)
{
    return (set >> c) & 1u;
}

static uint64_t link_strength(const uint64_t *d, size_t n, size_t i, size_t j,
                              enum ac_schulze_strength strength)
{
    uint64_t win = d[i * n + j];
    uint64_t loss = d[j * n + i];
    if (win <= loss) {
        return 0;
    }
    return strength == AC_SCHULZE_MARGINS ? win - loss : win;
}

/* Widest paths from i to j through candidates of set only. */
static void strongest_paths(const uint64_t *d, size_t n, uint64_t set,
                            enum ac_schulze_strength strength, uint64_t *p)
{
    memset(p, 0, n * n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            if (i != j && has(set, i) && has(set, j)) {
                p[i * n + j] = link_strength(d, n, i, j, strength);
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (!has(set, k)) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t ik = p[i * n + k];
            if (i == k || !has(set, i) || ik == 0) {
                continue;
            }
            for (size_t j = 0; j < n; j++) {
                uint64_t kj = p[k * n + j];
                uint64_t via = ik < kj ? ik : kj;
                if (j != i && j != k && via > p[i * n + j]) {
                    p[i * n + j] = via;
                }
            }
        }
    }
}

/* Members of set whose strongest path to every other member is at least
 * as strong as the one back. Never empty for a non-empty set: the
 * relation p[i][j] > p[j][i] is transitive (Schulze 2011, section 4.1). */
static uint64_t find_winners(const uint64_t *p, size_t n, uint64_t set)
{
    uint64_t won = 0;
    for (size_t i = 0; i < n; i++) {
        bool ok = has(set, i);
        for (size_t j = 0; ok && j < n; j++) {
            if (j != i && has(set, j) && p[i * n + j] < p[j * n + i]) {
                ok = false;
            }
        }
        if (ok) {
            won |= (uint64_t)1 << i;
        }
    }
    return won;
}

static enum ac_status check_ballots(const struct ac_ballot *ballots,
                                    size_t count, size_t n, struct ac_err *err)
{
    uint64_t total = 0;
    char where[64];
    for (size_t b = 0; b < count; b++) {
        snprintf(where, sizeof where, "/ballots/%zu", b);
        if (ballots[b].weight == 0) {
            return ac_err_at(err, where, AC_EINVAL, "ballot %zu has weight 0",
                             b);
        }
        if (!ballots[b].rank) {
            return ac_err_at(err, where, AC_EINVAL, "ballot %zu has no ranks",
                             b);
        }
        for (size_t c = 0; c < n; c++) {
            uint16_t r = ballots[b].rank[c];
            if (r != AC_RANK_NONE && r >= n) {
                return ac_err_at(err, where, AC_EINVAL,
                                 "ballot %zu ranks candidate %zu at %u, "
                                 "past the %zu candidates",
                                 b, c, (unsigned)r, n);
            }
        }
        if (total + ballots[b].weight < total) {
            return ac_err_at(err, where, AC_ELIMIT,
                             "total ballot weight exceeds 64 bits");
        }
        total += ballots[b].weight;
    }
    return AC_OK;
}

/* Candidate a before b in the tie-break ranking. */
static bool tiebreak_before(const uint8_t *keys, size_t a, size_t b)
{
    int c = memcmp(keys + a * AC_HASH_LEN, keys + b * AC_HASH_LEN, AC_HASH_LEN);
    return c < 0 || (c == 0 && a < b);
}

static void tiebreak_keys(uint64_t seed, size_t n, uint8_t *keys)
{
    uint8_t msg[10];
    for (int i = 0; i < 8; i++) {
        msg[i] = (uint8_t)(seed >> (56 - 8 * i));
    }
    for (size_t c = 0; c < n; c++) {
        msg[8] = (uint8_t)(c >> 8);
        msg[9] = (uint8_t)c;
        ac_sha256(keys + c * AC_HASH_LEN, msg, sizeof msg);
    }
}

enum ac_status ac_schulze_tally(const struct ac_ballot *ballots, size_t count,
                                size_t n, enum ac_schulze_strength strength,
                                const uint64_t tiebreak_seed,
                                struct ac_arena *a,
                                struct ac_schulze_result *out,
                                struct ac_err *err)
{
    struct ac_schulze_result r = {0};
    enum ac_status st;
    uint64_t *scratch;
    uint8_t *keys;
    uint64_t left;
    size_t placed = 0;

    memset(out, 0, sizeof *out);
    if (n < 1 || n > AC_SCHULZE_MAX) {
        return ac_err_at(err, "/n", AC_EINVAL,
                         "candidates must be 1 to %d, not %zu", AC_SCHULZE_MAX,
                         n);
    }
    if (strength != AC_SCHULZE_WINNING_VOTES &&
        strength != AC_SCHULZE_MARGINS) {
        return ac_err_at(err, "/strength", AC_EINVAL, "unknown strength %d",
                         (int)strength);
    }
    if (count > 0 && !ballots) {
        return ac_err_at(err, "/ballots", AC_EINVAL, "ballots missing");
    }
    st = check_ballots(ballots, count, n, err);
    if (st != AC_OK) {
        return st;
    }

    r.n = n;
    r.d = ac_arena_alloc(a, n * n * sizeof *r.d);
    r.p = ac_arena_alloc(a, n * n * sizeof *r.p);
    r.order = ac_arena_alloc(a, n * sizeof *r.order);
    scratch = ac_arena_alloc(a, n * n * sizeof *scratch);
    keys = ac_arena_alloc(a, n * AC_HASH_LEN);
    if (!r.d || !r.p || !r.order || !scratch || !keys) {
        return ac_err_set(err, AC_ENOMEM, "schulze tally out of memory");
    }

    /* Unranked is AC_RANK_NONE, above every valid rank, so plain
     * comparison ranks it last. The total weight fits 64 bits (checked),
     * so no entry can overflow. */
    for (size_t b = 0; b < count; b++) {
        const uint16_t *rank = ballots[b].rank;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                if (rank[i] < rank[j]) {
                    r.d[i * n + j] += ballots[b].weight;
                }
            }
        }
    }

    left = n == 64 ? UINT64_MAX : ((uint64_t)1 << n) - 1;
    strongest_paths(r.d, n, left, strength, r.p);
    r.winners = find_winners(r.p, n, left);
    for (size_t c = 0; c < n; c++) {
        r.winner_count += has(r.winners, c);
    }

    tiebreak_keys(tiebreak_seed, n, keys);
    /* Each round is O(n^3), at most n rounds (docs/decisions.md#schulze).
     * The first round's paths are r.p. */
    while (left) {
        uint64_t won;
        size_t first = placed;
        if (placed == 0) {
            won = r.winners;
        } else {
            strongest_paths(r.d, n, left, strength, scratch);
            won = find_winners(scratch, n, left);
        }
        /* Insertion by tie-break key: at most 64 per round. */
        for (size_t c = 0; c < n; c++) {
            size_t k;
            if (!has(won, c)) {
                continue;
            }
            k = placed++;
            while (k > first && tiebreak_before(keys, c, r.order[k - 1])) {
                r.order[k] = r.order[k - 1];
                k--;
            }
            r.order[k] = (uint16_t)c;
        }
        if (placed - first > 1) {
            for (size_t k = first; k < placed; k++) {
                r.tiebroken |= (uint64_t)1 << k;
            }
        }
        left &= ~won;
    }
    *out = r;
    return AC_OK;
}
