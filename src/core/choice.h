/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Choice proposals: ballots over a proposal's options and their count
 * (docs/decisions.md#choice). Options are numbered from 1 in ballots,
 * events and results, as in PrefLib; from 0 inside. Pure. */
#ifndef ACCORD_CORE_CHOICE_H
#define ACCORD_CORE_CHOICE_H

#include "core/schulze.h"
#include "core/state.h"

/* Reads the ballot of method m over n options from obj (the member
 * "ranking", "approve" or "scores") into marks (n entries): a ranking's
 * tier per option (0 first, AC_RANK_NONE unranked), approval 0 for
 * approved and AC_RANK_NONE otherwise, or the score 0..AC_SCORE_MAX.
 * Errors (AC_EINVAL, err->where names the element): a missing member,
 * an option outside 1..n, an option ranked or approved twice, a score
 * out of range or a score list that is not n long. */
enum ac_status ac_ballot_marks(enum ac_method m, const struct ac_val *obj,
                               size_t n, uint16_t *marks, struct ac_err *err);

/* The ballot's member as events keep it ("ranking" as tiers of option
 * numbers, "approve" ascending, "scores"), added to obj. */
bool ac_ballot_put(enum ac_method m, const uint16_t *marks, size_t n,
                   struct ac_arena *a, struct ac_val *obj);

struct ac_choice_result {
    enum ac_method method;
    size_t n;         /* options */
    size_t ballots;   /* ballots counted */
    uint64_t seed;    /* tie-break seed */
    uint64_t *totals; /* approval and score: per option; NULL for Schulze */
    struct ac_schulze_result schulze; /* Schulze methods only */
    uint16_t *layer;                  /* n: 0 for the winners, 1 next, ... */
    size_t layer_count;
    size_t winner_count;
    uint16_t *order; /* n options, first place first */
};

/* How p's ballots are counted: a choice's method, or for a choice.import
 * its "count" (schulze by default). */
enum ac_method ac_choice_method(const struct ac_proposal *p);

/* True for proposals that have a count: choices and choice imports. */
bool ac_choice_has_count(const struct ac_proposal *p);

/* The tie-break seed of p's current round: the first 8 bytes, big-endian,
 * of the hash of the event that opened it (proposal.opened, or the last
 * proposal.amended), fixed before any ballot. */
uint64_t ac_choice_seed(const struct ac_proposal *p);

/* Counts p's ballots of the current round: at_close, those of members
 * active in the circle now (the round is closing), each with the votes
 * weights gives it (per positions index; NULL: one each); otherwise those
 * the last close counted, with the weights it recorded. Memory from a. */
enum ac_status ac_choice_count(const struct ac_state *s,
                               const struct ac_proposal *p, bool at_close,
                               const int64_t *weights, struct ac_arena *a,
                               struct ac_choice_result *out,
                               struct ac_err *err);

/* The "result" member of a choice's proposal.closed: method, seed (16 hex
 * digits), winners, ranking (layers), order and, for approval and score,
 * totals; option numbers from 1. NULL when a runs out. */
struct ac_val *ac_choice_result_val(const struct ac_choice_result *r,
                                    struct ac_arena *a);

/* The whole count of a choice, as GET /api/v1/proposals/{id}/result and
 * accord tally show it: the result members above plus proposal, status,
 * final (the close decided it), round, ballots, options and, for
 * Schulze, pairwise and strongest (row over column). While the round is
 * open, or when it lapsed, the ballots cast so far. NULL on error. */
struct ac_val *ac_choice_report(const struct ac_state *s,
                                const struct ac_proposal *p, struct ac_arena *a,
                                struct ac_err *err);

#endif
