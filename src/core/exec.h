/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Commands: what members (and the clock) ask of the organisation. ac_exec
 * validates a command against the state and charter, and only then emits
 * its events, sealing each onto the chain and folding it into the state.
 * A refused command emits nothing and leaves the state as it was; only
 * AC_ENOMEM may leave events applied, and the state must then be rebuilt
 * from the log.
 * Time is an input (ms since the epoch): the same log and the same
 * commands at the same times give the same events. */
#ifndef ACCORD_CORE_EXEC_H
#define ACCORD_CORE_EXEC_H

#include "core/state.h"

enum ac_cmd_type {
    AC_CMD_PROPOSE,   /* circle kind title data */
    AC_CMD_POSITION,  /* proposal position reason */
    AC_CMD_BALLOT,    /* proposal data: the ballot of a choice */
    AC_CMD_INTEGRATE, /* proposal objector suggestion: a suggested
                         amendment against a standing objection */
    AC_CMD_NOMINATE,  /* proposal nominee reason: in an election */
    AC_CMD_VOLUNTEER, /* proposal secret: the commitment, in a draw */
    AC_CMD_PASS,      /* proposal: not volunteering, in a draw */
    AC_CMD_REVEAL,    /* proposal secret: the secret committed to */
    AC_CMD_DELEGATE,  /* circle kind other: entrust one's vote to other */
    AC_CMD_REVOKE,    /* circle kind: take one's vote back */
    AC_CMD_REFUSE,    /* circle kind other: refuse other's delegation */
    AC_CMD_AMEND,     /* proposal title? data? */
    AC_CMD_WITHDRAW,  /* proposal */
    AC_CMD_JOIN,      /* actor: the admitted member taking the invite */
    AC_CMD_BUCKET,    /* round title reason amount: propose a bucket with a
                         description (reason) and a target (amount) */
    AC_CMD_PLEDGE,    /* bucket amount: one's pledge to it, 0 to take it
                         back */
    AC_CMD_COMMIT,    /* circle title due: a commitment, what by when */
    AC_CMD_UPDATE,    /* commitment status reason: progress, done or
                         released, with a note */
    AC_CMD_TICK,      /* actor "system": close due rounds, lapse proposals */
    AC_CMD_POWER      /* actor "system": raise and clear power alerts */
};

struct ac_cmd {
    enum ac_cmd_type type;
    struct ac_str actor;      /* member id, or "system" for TICK */
    struct ac_str proposal;   /* POSITION AMEND WITHDRAW */
    struct ac_str circle;     /* PROPOSE */
    struct ac_str kind;       /* PROPOSE */
    struct ac_str title;      /* PROPOSE; AMEND (ptr NULL: unchanged) */
    struct ac_val *data;      /* PROPOSE; AMEND (NULL: unchanged); BALLOT */
    struct ac_str position;   /* POSITION */
    struct ac_str reason;     /* POSITION; may be empty unless objecting */
    struct ac_str criterion;  /* POSITION: the charter's objection criterion
                               * an objection rests on; empty otherwise */
    struct ac_str objector;   /* INTEGRATE */
    struct ac_str suggestion; /* INTEGRATE */
    struct ac_str nominee;    /* NOMINATE */
    struct ac_str secret;     /* VOLUNTEER (commitment hex), REVEAL */
    struct ac_str other;  /* DELEGATE: the delegate; REFUSE: the delegator */
    struct ac_str round;  /* BUCKET: the budgeting round */
    struct ac_str bucket; /* PLEDGE */
    int64_t amount;       /* BUCKET: target; PLEDGE: the pledge; minor units */
    struct ac_str due;    /* COMMIT: a date YYYY-MM-DD */
    struct ac_str commitment; /* UPDATE */
    struct ac_str status;     /* UPDATE: progress, done or released */
};

/* A secret answer for the store to keep apart from the log until the
 * close (ac_state_seal reads it back after a restart). */
struct ac_sealed {
    struct ac_str proposal;
    int64_t round;
    struct ac_str member;
    struct ac_val *content; /* {"position"} or the ballot */
};

/* Events emitted by one or more commands, in the caller's arena, with the
 * secret answers to keep and the proposals whose kept answers go (their
 * round closed or they were withdrawn). */
struct ac_batch {
    struct ac_event *events;
    size_t count;
    size_t room;
    struct ac_sealed *sealed;
    size_t sealed_count, sealed_room;
    struct ac_str *unseal;
    size_t unseal_count, unseal_room;
};

/* Runs cmd at time now. Events are appended to out (memory from a) and
 * already applied to s. Errors: AC_EINVAL (bad input; err->where names
 * the field), AC_ENOTFOUND, AC_EDENIED (not the author, not in the
 * circle), AC_ECONFLICT (not possible in the proposal's state),
 * AC_ENOMEM. */
enum ac_status ac_exec(struct ac_state *s, const struct ac_cmd *cmd,
                       int64_t now, struct ac_arena *a, struct ac_batch *out,
                       struct ac_err *err);

/* The founding: the first event of an empty log, by "operator". */
enum ac_status ac_exec_found(struct ac_state *s, struct ac_str org,
                             struct ac_str founder, struct ac_str name,
                             int64_t now, struct ac_arena *a,
                             struct ac_batch *out, struct ac_err *err);

#endif
