/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The ballots of the benchmarks (docs/performance.md#tally): a seeded
 * generator of ranked ballots with five popular orders for 85 % of the
 * voters, swaps, truncation and ties, shared by bench/tally.c and
 * bench/close.c so that both measure the same kind of election.
 * Header-only: each benchmark is its own program. */
#ifndef ACCORD_BENCH_BALLOTS_H
#define ACCORD_BENCH_BALLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/schulze.h"

#define POPULAR 5 /* popular orders */

static const unsigned popular_share[POPULAR] = {30, 22, 15, 10, 8}; /* % */

struct rng {
    uint64_t x;
};

static inline uint64_t rng_next(struct rng *r)
{
    r->x ^= r->x >> 12;
    r->x ^= r->x << 25;
    r->x ^= r->x >> 27;
    return r->x * 0x2545F4914F6CDD1Du;
}

static inline size_t below(struct rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

static inline void shuffle(struct rng *r, uint16_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        order[i] = (uint16_t)i;
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = below(r, i + 1);
        uint16_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* One voter's ranks over n options into rank. */
static inline void vote(struct rng *r, const uint16_t *popular, size_t n,
                        uint16_t *order, uint16_t *rank)
{
    size_t pick = below(r, 100);
    size_t base = POPULAR;
    size_t kept = n;
    size_t swaps = 0;
    bool tied[AC_SCHULZE_MAX] = {false};
    uint16_t pos = 0;
    for (size_t k = 0, sum = 0; k < POPULAR; k++) {
        sum += popular_share[k];
        if (pick < sum) {
            base = k;
            break;
        }
    }
    if (base < POPULAR) {
        memcpy(order, popular + base * n, n * sizeof *order);
    } else {
        shuffle(r, order, n);
    }
    if (below(r, 3) != 0) {
        swaps = 1 + below(r, n / 4 + 1);
    }
    for (size_t s = 0; s < swaps; s++) {
        size_t i = below(r, n - 1);
        uint16_t t = order[i];
        order[i] = order[i + 1];
        order[i + 1] = t;
    }
    if (below(r, 5) < 2) {
        kept = 1 + below(r, n);
    }
    if (below(r, 5) == 0 && kept > 1) {
        size_t ties = 1 + below(r, 2);
        for (size_t t = 0; t < ties; t++) {
            tied[1 + below(r, kept - 1)] = true;
        }
    }
    for (size_t c = 0; c < n; c++) {
        rank[c] = AC_RANK_NONE;
    }
    for (size_t i = 0; i < kept; i++) {
        if (i > 0 && !tied[i]) {
            pos++;
        }
        rank[order[i]] = pos;
    }
}

#endif
