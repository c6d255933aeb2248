/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One entry of the hash-chained log (DESIGN.md section 3, a contract):
 * seq, time, actor, type, data, prev and hash. hash is the SHA-256 of the
 * canonical encoding of the other six members. */
#ifndef ACCORD_CORE_EVENT_H
#define ACCORD_CORE_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/val.h"

struct ac_event {
    int64_t seq;               /* 1, 2, 3, ... without gaps */
    int64_t time;              /* ms since the epoch, UTC */
    struct ac_str actor;       /* member id, "system" or "operator" */
    struct ac_str type;        /* e.g. "proposal.opened" */
    struct ac_val *data;       /* an object */
    uint8_t prev[AC_HASH_LEN]; /* hash of seq-1; zeros for seq 1 */
    uint8_t hash[AC_HASH_LEN]; /* set by ac_event_seal */
};

/* Appends the canonical JSON of ev, with or without its hash member. */
enum ac_status ac_event_encode(const struct ac_event *ev, bool with_hash,
                               struct ac_buf *out, struct ac_err *err);

/* Computes ev->hash from the other members. */
enum ac_status ac_event_seal(struct ac_event *ev, struct ac_err *err);

/* Reads an event from a parsed JSON value (as exported), checking it has
 * exactly the seven members with the right types. Strings point into v. */
enum ac_status ac_event_decode(const struct ac_val *v, struct ac_event *ev,
                               struct ac_err *err);

/* Running verification of a chain, one event at a time. */
struct ac_chain {
    int64_t seq;               /* last verified seq; 0 before the first */
    uint8_t head[AC_HASH_LEN]; /* hash of the last verified event */
    int64_t time;              /* time of the last verified event */
};

void ac_chain_init(struct ac_chain *c);

/* Checks that ev follows the chain (seq, prev, non-decreasing time) and
 * that its stored hash is the hash of its content; then advances the
 * chain. AC_ECORRUPT names the seq in the message. */
enum ac_status ac_chain_check(struct ac_chain *c, const struct ac_event *ev,
                              struct ac_err *err);

#endif
