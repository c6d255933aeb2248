/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The Schulze method (docs/decisions.md#schulze): pairwise matrix,
 * strongest paths, potential winners and a complete order of ranked
 * ballots over n <= 64 candidates. Pure: no I/O, no malloc; every result
 * lives in the caller's arena. The same ballots, strength and seed always
 * give the same result. */
#ifndef ACCORD_CORE_SCHULZE_H
#define ACCORD_CORE_SCHULZE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define AC_SCHULZE_MAX 64       /* most candidates one tally takes */
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

/* A tally. Matrices are row-major n*n: entry [i * n + j]. */
struct ac_schulze_result {
    size_t n;            /* candidates, 1..AC_SCHULZE_MAX */
    uint64_t *d;         /* voters strictly preferring i to j; arena */
    uint64_t *p;         /* strongest path i to j over all candidates, 0 on
                          * the diagonal and where no path exists; arena */
    uint64_t winners;    /* bit c set: c is a potential winner */
    size_t winner_count; /* bits set in winners, >= 1 */
    uint16_t *order;     /* n candidates, first place first; arena */
    uint64_t tiebroken;  /* bit k set: position k of order was decided by
                          * the tie-break (its round had several winners) */
};

/* Tallies count ballots over n candidates. The order takes, round by
 * round, the Schulze winners of the candidates not yet placed (strongest
 * paths recomputed over those candidates only); several winners in a
 * round are placed by the tie-break ranking of tiebreak_seed: ascending
 * SHA-256 of the seed as 8 bytes big-endian followed by the candidate
 * index as 2 bytes big-endian, and their positions are marked in
 * tiebroken. The result's arrays live in a; on failure *out is left
 * zeroed and a may hold scratch until the caller rewinds it.
 * Errors: AC_EINVAL for n outside 1..64, an unknown strength, a ballot
 * whose rank is missing or out of range or whose weight is 0 (err->where
 * names it, "/ballots/<index>"); AC_ELIMIT when the total weight exceeds
 * 64 bits; AC_ENOMEM when a runs out. */
enum ac_status ac_schulze_tally(const struct ac_ballot *ballots, size_t count,
                                size_t n, enum ac_schulze_strength strength,
                                const uint64_t tiebreak_seed,
                                struct ac_arena *a,
                                struct ac_schulze_result *out,
                                struct ac_err *err);

#endif
