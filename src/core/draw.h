/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Sortition: a role filled by lot among volunteers (docs/roles.md#lot).
 * Each volunteer commits to a secret of their own (the SHA-256 of it)
 * and reveals it afterwards; the seed is the SHA-256 of every revealed
 * secret, so nobody, the server included, can steer the draw without a
 * volunteer's help, and anyone with the log recomputes it. Pure. */
#ifndef ACCORD_CORE_DRAW_H
#define ACCORD_CORE_DRAW_H

#include "core/state.h"

#define AC_SECRET_MAX 200 /* characters of a volunteer's secret */

/* The commitment to secret: lowercase hex SHA-256 of its bytes. */
void ac_draw_commit(struct ac_str secret, char out[AC_HEX_LEN + 1]);

/* True when commitment is ac_draw_commit(secret). */
bool ac_draw_matches(struct ac_str commitment, struct ac_str secret);

struct ac_draw {
    size_t volunteers;          /* committed */
    size_t revealed;            /* of them, revealed a matching secret */
    uint8_t seed[AC_HASH_LEN];  /* of the revealed secrets */
    const struct ac_str *order; /* revealed volunteers, drawn first first */
};

/* The draw of p's current round: the seed is SHA-256 over the revealed
 * volunteers in byte order of their ids, each as id, a zero byte, the
 * secret, a zero byte; the order ranks them by SHA-256(seed || id),
 * ascending. Volunteers who did not reveal are left out. Memory from a;
 * AC_ENOMEM when it runs out. */
enum ac_status ac_draw_count(const struct ac_proposal *p, struct ac_arena *a,
                             struct ac_draw *out, struct ac_err *err);

/* The "result" of a draw's close: {"seed","order":[id…],"drawn"}. */
struct ac_val *ac_draw_result_val(const struct ac_draw *d, struct ac_str drawn,
                                  struct ac_arena *a);

#endif
