/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Delegation with a cap (docs/decisions.md#delegation): the votes each
 * voter of a round carries, their own and those entrusted to them,
 * transitively, up to delegation.max_weight. Only votes and ballots are
 * delegated; consent positions never are. Pure. */
#ifndef ACCORD_CORE_DELEGATE_H
#define ACCORD_CORE_DELEGATE_H

#include "core/state.h"

struct ac_weights {
    int64_t *w;              /* per p->positions index: the votes it
                              * carries, 0 for a member out of the circle */
    struct ac_str *over_cap; /* delegators the cap left without a voice */
    size_t over_count;
    int64_t delegated; /* votes that reached a voter by delegation */
};

/* Whether p's method takes delegated votes: majority, supermajority and
 * choices. */
bool ac_delegate_applies(const struct ac_proposal *p);

/* The weights of p's current round at time now. A member of the circle
 * without an answer of their own follows their delegation for the
 * proposal's kind (else for every kind) from delegate to delegate until
 * one who answered; a refused, expired or broken link, or a cycle, loses
 * the vote. Delegators are served in the order their delegations were
 * given; one whose voter already carries delegation.max_weight votes is
 * listed in over_cap. Memory from a. */
enum ac_status ac_delegate_weights(const struct ac_state *s,
                                   const struct ac_proposal *p, int64_t now,
                                   struct ac_arena *a, struct ac_weights *out,
                                   struct ac_err *err);

#endif
