/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The Schulze method (docs/decisions.md#schulze): pairwise matrix,
 * strongest paths, the layers of the Schulze ranking and a complete order
 * of ranked ballots over n <= AC_SCHULZE_MAX candidates. Pure: no I/O, no
 * malloc; every result lives in the caller's arena. The same ballots,
 * strength and seed always give the same result. */
#ifndef ACCORD_CORE_SCHULZE_H
#define ACCORD_CORE_SCHULZE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define AC_SCHULZE_MAX 1000     /* most candidates one tally takes */
#define AC_RANK_NONE UINT16_MAX /* rank of an unranked candidate */

/* One kind of ballot. rank[c] is the position of candidate c (0 = first
 * choice); candidates sharing a position are tied; AC_RANK_NONE ranks a
 * candidate below every ranked one, tied with the other unranked ones. */
struct ac_ballot {
    const uint16_t *rank; /* n entries, each < n or AC_RANK_NONE; borrowed */
    uint32_t weight;      /* voters casting this ballot, > 0 */
};

/* How strong a defeat i over j (d[i][j] > d[j][i]) is. */
enum ac_schulze_strength {
    AC_SCHULZE_WINNING_VOTES = 0, /* d[i][j], as Schulze recommends */
    AC_SCHULZE_MARGINS            /* d[i][j] - d[j][i] */
};

/* A tally. Matrices are row-major n*n: entry [i * n + j]. Candidate i
 * beats j when p[i][j] > p[j][i]; that relation is a strict partial order
 * (Schulze 2011, section 4.1), and the layers are its topological layers:
 * layer 0 holds the candidates nobody beats (the potential winners), layer
 * k those beaten only by candidates of layers 0..k-1, at least one of them
 * of layer k-1. */
struct ac_schulze_result {
    size_t n;            /* candidates, 1..AC_SCHULZE_MAX */
    uint64_t *d;         /* voters strictly preferring i to j; arena */
    uint64_t *p;         /* strongest path i to j over all candidates, 0 on
                          * the diagonal and where no path exists; arena */
    uint16_t *layer;     /* n: layer[c] of candidate c, 0 = potential
                          * winners; arena */
    size_t layer_count;  /* layers, 1..n */
    size_t winner_count; /* candidates in layer 0, >= 1 */
    uint16_t *order;     /* n candidates: layer 0 first, within a layer
                          * ascending by tie-break key; arena. Position k
                          * is decided by the tie-break exactly when the
                          * layer of order[k] has more than one candidate */
};

/* Tallies count ballots over n candidates. The tie-break key of candidate
 * c is SHA-256 of tiebreak_seed as 8 bytes big-endian followed by c as 2
 * bytes big-endian; keys compare as unsigned bytes. The result's arrays
 * live in a; whatever else the tally allocates is given back before it
 * returns. On failure *out is zeroed and a is as it was.
 * Errors: AC_EINVAL for n outside 1..AC_SCHULZE_MAX, an unknown strength,
 * a ballot whose rank is missing or out of range or whose weight is 0
 * (err->where names it, "/ballots/<index>"); AC_ELIMIT when the total
 * weight exceeds 64 bits; AC_ENOMEM when a runs out. */
enum ac_status ac_schulze_tally(const struct ac_ballot *ballots, size_t count,
                                size_t n, enum ac_schulze_strength strength,
                                uint64_t tiebreak_seed, struct ac_arena *a,
                                struct ac_schulze_result *out,
                                struct ac_err *err);

#endif
