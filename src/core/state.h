/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The state of one organisation: a pure fold of its event log. Nothing
 * here is changed except by ac_state_apply, so replaying the same log
 * always gives the same state (docs/events.md). All memory lives in the
 * state's arena, which the caller owns and releases. */
#ifndef ACCORD_CORE_STATE_H
#define ACCORD_CORE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/map.h"
#include "base/val.h"
#include "core/charter.h"
#include "core/event.h"
#include "core/money.h"
#include "core/power.h"

#define AC_ROOT_CIRCLE "all"
#define AC_ID_MAX 32
#define AC_NAME_MAX 100     /* code points */
#define AC_TITLE_MAX 200    /* code points */
#define AC_REASON_MAX 2000  /* code points */
#define AC_PURPOSE_MAX 2000 /* code points */
#define AC_TEXT_MAX 100000  /* code points of agreement text */

enum ac_member_status {
    AC_MEMBER_INVITED, /* admitted by proposal, invite not yet accepted */
    AC_MEMBER_ACTIVE,
    AC_MEMBER_LEFT,
    AC_MEMBER_REMOVED
};

struct ac_member {
    struct ac_str id;   /* [a-z0-9][a-z0-9_-]{0,31} */
    struct ac_str name; /* display name */
    enum ac_member_status status;
    struct ac_str admitted_by; /* proposal id; "" for the founder */
    int64_t since;             /* ms: founding, or when the invite was taken */
};

struct ac_circle {
    struct ac_str id;
    struct ac_str name;
    struct ac_str purpose;
    struct ac_str *members; /* ids; unused for the root circle */
    size_t count;           /* members */
    size_t room;            /* allocated slots */
    int64_t balance;        /* minor units of its budget; the root
                             * circle's is the pool (docs/money.md) */
};

enum ac_agreement_status { AC_AGREEMENT_ACTIVE, AC_AGREEMENT_RETIRED };

struct ac_agreement_version {
    int64_t version;        /* 1, 2, ... */
    struct ac_str text;     /* Markdown */
    struct ac_str proposal; /* the proposal that set it */
    int64_t time;           /* ms of adoption */
};

struct ac_agreement {
    struct ac_str id; /* "a1", "a2", ... */
    struct ac_str circle;
    struct ac_str title;
    enum ac_agreement_status status;
    int64_t review_by; /* ms of a date, or -1 when none */
    bool review_due;   /* review_by came (agreement.review_due) and no
                        * agreement.review has answered it yet */
    struct ac_agreement_version *versions; /* oldest first */
    size_t count;                          /* versions; the last is current */
    size_t room;
};

/* Answers to a proposal. Consent and consensus take the first four,
 * majority and supermajority yes, no, abstain and object; a choice takes
 * ballots (docs/decisions.md). */
enum ac_position {
    AC_POS_CONSENT,
    AC_POS_CONCERN,
    AC_POS_OBJECT,
    AC_POS_STAND_ASIDE,
    AC_POS_YES,
    AC_POS_NO,
    AC_POS_ABSTAIN,
    AC_POS_BALLOT,
    AC_POS_NOMINATION, /* an election's nomination: nominee and reason */
    AC_POS_VOLUNTEER,  /* a draw's volunteer: commitment, then secret */
    AC_POS_PASS,       /* a draw: does not volunteer */
    AC_POS_SEALED,     /* a secret vote or ballot whose content is not
                        * known to this state (see ac_state_seal) */
    AC_POS_COUNT
};

#define AC_CHOICE_MAX 1000 /* options of one choice proposal */

struct ac_position_rec {
    struct ac_str member;
    enum ac_position position;
    struct ac_str reason;     /* may be empty except for objections */
    int64_t time;             /* ms when given or last changed */
    uint16_t *marks;          /* AC_POS_BALLOT: one entry per option (rank,
                               * approval 0/1 or score; AC_RANK_NONE unranked) */
    bool counted;             /* counted at the last close */
    struct ac_str nominee;    /* AC_POS_NOMINATION */
    bool second;              /* nominated (or confirmed) in the change round */
    bool sealed;              /* a secret answer: its content came from the
                               * store, never from the log */
    int64_t weight;           /* votes it carried at the last close (1 and
                               * the delegations that reached it); 0 before */
    struct ac_str commitment; /* AC_POS_VOLUNTEER: SHA-256 hex of secret */
    struct ac_str secret;     /* AC_POS_VOLUNTEER: once revealed, else "" */
};

/* An objection's history (docs/consent.md#objections). */
enum ac_objection_status {
    AC_OBJ_STANDING,  /* as given, in its round */
    AC_OBJ_WITHDRAWN, /* its member changed their position */
    AC_OBJ_AMENDED,   /* a new version of the proposal answered it */
    AC_OBJ_STATUS_COUNT
};

/* A suggested amendment recorded against an objection. */
struct ac_attempt {
    struct ac_str by; /* the author or the objector */
    struct ac_str suggestion;
    int64_t time;
};

struct ac_objection {
    struct ac_str member;
    int64_t round;
    struct ac_str reason;
    struct ac_str criterion; /* "" when the charter lists none */
    int64_t time;            /* ms when given or last changed */
    enum ac_objection_status status;
    int64_t answered_by; /* AMENDED: the version that answered it */
    struct ac_attempt *attempts;
    size_t attempt_count, attempt_room;
};

enum ac_proposal_status {
    AC_PROP_OPEN,
    AC_PROP_NEEDS_INTEGRATION,
    AC_PROP_ADOPTED,
    AC_PROP_WITHDRAWN,
    AC_PROP_LAPSED,
    AC_PROP_REJECTED, /* a vote did not reach its majority */
    AC_PROP_DECIDED,  /* a choice was made */
    AC_PROP_STATUS_COUNT
};

enum ac_kind {
    AC_KIND_AGREEMENT_ADOPT,
    AC_KIND_AGREEMENT_AMEND,
    AC_KIND_AGREEMENT_RETIRE,
    AC_KIND_CHARTER_AMEND,
    AC_KIND_MEMBER_ADMIT,
    AC_KIND_MEMBER_REMOVE,
    AC_KIND_CIRCLE_CREATE,
    AC_KIND_CIRCLE_AMEND,
    AC_KIND_CHOICE, /* choose among options with ballots */
    AC_KIND_ROLE_CREATE,
    AC_KIND_ROLE_AMEND,
    AC_KIND_ROLE_RETIRE,
    AC_KIND_ROLE_ELECT,      /* nominations, a change round, a consent round */
    AC_KIND_ROLE_DRAW,       /* volunteers commit, reveal, and a lot is drawn */
    AC_KIND_CHOICE_IMPORT,   /* ballots collected elsewhere, if accepted */
    AC_KIND_INCOME,          /* money comes into the pool */
    AC_KIND_BUDGET_ALLOCATE, /* from the pool to a circle's budget */
    AC_KIND_SPEND,           /* a payment from the deciding circle's budget */
    AC_KIND_BUDGET_ROUND,    /* a participatory budgeting round with a pot */
    AC_KIND_AGREEMENT_REVIEW, /* keep, amend or retire an agreement */
    AC_KIND_COUNT
};

/* A sociocratic election's phases (docs/roles.md#elections). */
enum ac_stage {
    AC_STAGE_NONE,      /* not an election */
    AC_STAGE_NOMINATE,  /* each member names one person with a reason */
    AC_STAGE_CHANGE,    /* nominations are visible and may change */
    AC_STAGE_CONSENT,   /* the circle answers the proposed candidate */
    AC_STAGE_VOLUNTEER, /* a draw: members volunteer (commit) or pass */
    AC_STAGE_REVEAL     /* a draw: volunteers reveal their secrets */
};

/* One holder's term of a role. */
struct ac_term {
    struct ac_str member;
    struct ac_str proposal; /* the election */
    int64_t start, end;     /* ms; end is when it ended or will end */
    bool ended;
};

/* A role: a function of a circle, never power over people. */
struct ac_role {
    struct ac_str id;
    struct ac_str circle;
    struct ac_str name;
    struct ac_str purpose;
    struct ac_val *accountabilities; /* array of text */
    struct ac_str domain;            /* what it decides alone, as text */
    int64_t term_days;
    bool retired;
    struct ac_str created_by; /* proposal */
    struct ac_term *terms;    /* oldest first; the last is current while
                               * holder is set */
    size_t term_count, term_room;
    struct ac_str holder; /* "" when vacant */
};

struct ac_proposal_version {
    int64_t version; /* 1, 2, ... */
    struct ac_str title;
    struct ac_val *data; /* in the state arena */
    int64_t time;        /* ms */
};

struct ac_proposal {
    struct ac_str id; /* "p1", "p2", ...: index + 1 */
    struct ac_str circle;
    struct ac_str author;
    enum ac_kind kind;
    struct ac_method_rule method; /* fixed when opened */
    struct ac_str title;          /* of the current version */
    struct ac_val *data;          /* of the current version */
    enum ac_proposal_status status;
    int64_t round;         /* 1.. */
    int64_t version;       /* 1.. */
    int64_t opened;        /* ms */
    int64_t deadline;      /* ms: end of the current round */
    int64_t closed;        /* ms of the last close, withdraw or lapse; 0 */
    int64_t lapse_at;      /* ms: needs_integration lapses then; 0 */
    struct ac_str outcome; /* why it ended as it did; "" while open */
    struct ac_str effect;  /* id created by adoption (agreement), or "" */
    struct ac_position_rec *positions; /* current round only */
    size_t count;                      /* positions */
    size_t room;
    struct ac_map position_index;    /* member -> positions index */
    uint8_t round_hash[AC_HASH_LEN]; /* event that opened the round */
    size_t option_count;             /* choice: options of this version */
    struct ac_val *result;           /* choice: "result" of the last close */
    enum ac_stage phase;             /* role.elect only */
    struct ac_str candidate;         /* role.elect: in the consent phase */
    struct ac_val *nominations;      /* role.elect: counts it came from */
    struct ac_val *over_cap;         /* delegators the cap left out at the last
                                      * close (docs/decisions.md#delegation) */
    struct ac_objection *objections; /* every round's, oldest first */
    size_t objection_count, objection_room;
    struct ac_proposal_version *versions; /* oldest first */
    size_t version_count;
    size_t version_room;
    int64_t tally[AC_POS_COUNT]; /* counts at the last close */
    int64_t eligible;            /* circle size at the last close */
};

/* A member's vote in a circle, entrusted to another member
 * (docs/decisions.md#delegation). One per (from, circle, kind). */
struct ac_delegation {
    struct ac_str from, to;
    struct ac_str circle;
    struct ac_str kind; /* "" for every kind */
    int64_t since;      /* ms given or renewed */
    int64_t expires;    /* ms */
    bool refused;       /* by the delegate */
    struct ac_str key;  /* from, circle and kind: its delegation_index key */
};

/* A participatory budgeting round (docs/money.md#rounds): a pot from a
 * circle's budget, an equal share of it for each member of the circle at
 * the opening, buckets with targets those members fund. */
struct ac_bucket {
    struct ac_str id; /* "b1", "b2", ...: index + 1 over all rounds */
    size_t round;     /* index into rounds */
    struct ac_str author;
    struct ac_str title;
    struct ac_str description;
    int64_t target; /* minor units, 1..the round's pot */
    int64_t total;  /* pledged so far */
    bool funded;    /* reached its target: the money went to it */
    int64_t time;   /* ms proposed */
};

struct ac_pledge {
    size_t bucket; /* index into buckets */
    struct ac_str member;
    int64_t amount; /* minor units; 0 once taken back */
};

struct ac_pb_round {
    struct ac_str id; /* "r1", "r2", ...: index + 1 */
    struct ac_str circle;
    struct ac_str proposal; /* the budget.round that opened it */
    int64_t pot, share;     /* share: pot / members, rounded down */
    int64_t opened, closes; /* ms */
    struct ac_str *members; /* who has a share: the circle at the opening */
    int64_t *spent;         /* per member: pledged so far */
    size_t member_count;
    bool closed;
    int64_t funded;   /* the targets of its funded buckets */
    int64_t returned; /* back to the circle's budget at the close */
};

/* A commitment a member makes to a circle (docs/accountability.md):
 * what, by when, and what became of it. No score is kept. */
enum ac_commitment_status {
    AC_COMMIT_OPEN,     /* being worked on */
    AC_COMMIT_DONE,     /* done */
    AC_COMMIT_RELEASED, /* let go, honestly: never a failure mark */
    AC_COMMIT_STATUS_COUNT
};

struct ac_commitment_note {
    int64_t time;
    enum ac_commitment_status status; /* after the update */
    struct ac_str note;
};

struct ac_commitment {
    struct ac_str id; /* "c1", "c2", ...: index + 1 */
    struct ac_str member;
    struct ac_str circle;
    struct ac_str what;
    int64_t due;  /* ms: the start of the day after its date */
    int64_t made; /* ms */
    enum ac_commitment_status status;
    struct ac_commitment_note *notes; /* updates, oldest first */
    size_t note_count, note_room;
};

/* What a pending deadline ends. */
enum ac_due_kind {
    AC_DUE_PROPOSAL, /* a proposal's round or lapse */
    AC_DUE_TERM,     /* a role's term */
    AC_DUE_PB_ROUND, /* a participatory budgeting round */
    AC_DUE_REVIEW    /* an agreement's review date */
};

/* A pending deadline. */
struct ac_due {
    int64_t at;            /* ms: round deadline, lapse time or term end */
    size_t index;          /* into proposals, roles or pb rounds */
    enum ac_due_kind kind; /* which */
};

struct ac_state {
    struct ac_arena *arena; /* owns everything below; caller's */
    bool founded;
    struct ac_str name; /* organisation name */
    int64_t seq;        /* head seq; 0 for an empty log */
    uint8_t head[AC_HASH_LEN];
    int64_t time; /* ms of the head event */
    struct ac_charter charter;

    struct ac_member *members;
    size_t member_count, member_room;
    struct ac_map member_index; /* id -> index */
    size_t active_count;

    struct ac_circle *circles; /* circles[0] is the root circle */
    size_t circle_count, circle_room;

    struct ac_agreement *agreements; /* agreements[i].id == "a<i+1>" */
    size_t agreement_count, agreement_room;

    struct ac_proposal *proposals; /* proposals[i].id == "p<i+1>" */
    size_t proposal_count, proposal_room;

    struct ac_role *roles;
    size_t role_count, role_room;

    struct ac_delegation *delegations; /* given and not revoked */
    size_t delegation_count, delegation_room;
    struct ac_map delegation_index; /* key -> index; SIZE_MAX: revoked */

    /* min-heap of deadlines by (at, index); apply keeps its top valid
     * (an open round's deadline or a waiting proposal's lapse time), so
     * the next due time is read in O(1) however long the history */
    struct ac_due *due;
    size_t due_count, due_room;

    struct ac_movement *movements; /* the ledger, oldest first */
    size_t movement_count, movement_room;

    struct ac_pb_round *rounds; /* rounds[i].id == "r<i+1>" */
    size_t round_count, round_room;
    struct ac_bucket *buckets; /* buckets[i].id == "b<i+1>" */
    size_t bucket_count, bucket_room;
    struct ac_pledge *pledges; /* in the order given */
    size_t pledge_count, pledge_room;
    struct ac_map pledge_index; /* "bucket member" -> pledges index */
    size_t funding_due; /* bucket index + 1 whose bucket.funded must be the
                         * next event (its target was just reached), or 0 */

    struct ac_commitment *commitments; /* commitments[i].id == "c<i+1>" */
    size_t commitment_count, commitment_room;

    struct ac_power power; /* the power monitor's facts and open alerts */
};

void ac_state_init(struct ac_state *s, struct ac_arena *a);

/* Folds one event into the state. The caller has checked the chain; this
 * checks that the event makes sense for the state and refuses it with
 * AC_ECORRUPT, leaving the state unchanged. Running out of memory
 * (AC_ENOMEM) may leave the state half-changed: the caller must then
 * rebuild it from the log, as the server does. */
enum ac_status ac_state_apply(struct ac_state *s, const struct ac_event *ev,
                              struct ac_err *err);

/* Lookups; NULL when unknown. */
struct ac_member *ac_state_member(const struct ac_state *s, struct ac_str id);
struct ac_circle *ac_state_circle(const struct ac_state *s, struct ac_str id);
struct ac_proposal *ac_state_proposal(const struct ac_state *s,
                                      struct ac_str id);
struct ac_agreement *ac_state_agreement(const struct ac_state *s,
                                        struct ac_str id);

struct ac_role *ac_state_role(const struct ac_state *s, struct ac_str id);

/* The delegation from member in circle for kind ("" for every kind), or
 * NULL. */
struct ac_delegation *ac_state_delegation(const struct ac_state *s,
                                          struct ac_str from,
                                          struct ac_str circle,
                                          struct ac_str kind);

/* The organisation's currency (charter money.currency) and the digits
 * of its minor unit. */
struct ac_currency ac_state_currency(const struct ac_state *s);

struct ac_commitment *ac_state_commitment(const struct ac_state *s,
                                          struct ac_str id);
const char *ac_commitment_status_name(enum ac_commitment_status st);

/* A check-in list (docs/accountability.md#checkin): the open commitments
 * of circle (of every circle when circle.ptr is NULL) whose date has
 * passed at now, by date and then as made, an order of the calendar and
 * never of people. out has room for commitment_count entries; returns
 * how many it holds. */
size_t ac_state_overdue(const struct ac_state *s, struct ac_str circle,
                        int64_t now, const struct ac_commitment **out);
/* The word of an update, "progress" (it stays open), "done" or
 * "released", as the status it leaves. */
bool ac_commitment_update_parse(struct ac_str s,
                                enum ac_commitment_status *out);

/* Whether proposals of kind k move money (their amounts are in the
 * currency): income, budget.allocate, spend, budget.round. */
bool ac_kind_moves_money(enum ac_kind k);

/* Whether the currency is fixed: money has moved, or a proposal that
 * would move some is open or waiting for integration (its amounts were
 * written in the currency in force). */
bool ac_state_money_in_play(const struct ac_state *s);

/* Lookups of participatory budgeting; NULL when unknown. */
struct ac_pb_round *ac_state_pb_round(const struct ac_state *s,
                                      struct ac_str id);
struct ac_bucket *ac_state_bucket(const struct ac_state *s, struct ac_str id);
/* The member's pledge to bucket, or NULL. */
struct ac_pledge *ac_state_pledge(const struct ac_state *s,
                                  const struct ac_bucket *b,
                                  struct ac_str member);
/* The index of member among the round's members (who have a share), or
 * -1. */
long ac_pb_member(const struct ac_pb_round *r, struct ac_str member);

/* The budget a money proposal of circle draws on, by its ledger name:
 * AC_POOL for the root circle, else the circle's id. */
struct ac_str ac_state_account(const struct ac_circle *c);

/* Roles member holds now. */
size_t ac_state_roles_held(const struct ac_state *s, struct ac_str member);

/* Whether member may hold the role from now: an active member of its
 * circle, under role.max_concurrent and role.max_consecutive_terms. When
 * not, why says so in a sentence naming the member. */
bool ac_state_eligible(const struct ac_state *s, const struct ac_role *r,
                       struct ac_str member, char *why, size_t why_size);

/* True when member is active and belongs to the circle. */
bool ac_state_in_circle(const struct ac_state *s, const struct ac_circle *c,
                        struct ac_str member);

/* Active members of the circle. */
size_t ac_state_circle_size(const struct ac_state *s,
                            const struct ac_circle *c);

/* The member an adopted member.admit admitted, while they have not yet
 * taken their invite; NULL for any other proposal or once they joined
 * or were removed. */
const struct ac_member *ac_state_invitee(const struct ac_state *s,
                                         const struct ac_proposal *p);

/* The proposal kind's charter parameter decision.<kind>, or
 * AC_PARAM_COUNT for a kind decided by no method (role.draw). */
enum ac_param ac_kind_decision_param(enum ac_kind k);

/* Which answers a method takes. */
bool ac_method_is_vote(enum ac_method m);   /* majority, supermajority */
bool ac_method_is_choice(enum ac_method m); /* ballots over options */
bool ac_position_allowed(enum ac_method m, enum ac_position p);

/* Whether p takes pos now: nominations in an election's first two
 * phases, else what its method takes. */
bool ac_proposal_takes(const struct ac_proposal *p, enum ac_position pos);

/* The tally members of a close of p (besides "eligible"), and each one's
 * name in the event: the position's name, "ballots" for ballots. */
size_t ac_state_tally_keys(const struct ac_proposal *p,
                           enum ac_position out[4]);
const char *ac_tally_key(enum ac_position p);

/* Counts the current round's positions of members still active in the
 * proposal's circle (in an election's change round, only the nominations
 * given in it), and the circle's active members (eligible). */
void ac_state_tally(const struct ac_state *s, const struct ac_proposal *p,
                    int64_t t[AC_POS_COUNT], int64_t *eligible);

/* The content of a member's secret answer (a vote {"position"} or a
 * ballot {"ranking"|...}) to proposal in round, kept by the store apart
 * from the log until the close: the one input of the state that is not
 * an event. A content for a round that is no longer open, or for a member
 * without a vote.cast, is ignored. AC_EINVAL when the content does not
 * fit the proposal. */
enum ac_status ac_state_seal(struct ac_state *s, struct ac_str proposal,
                             int64_t round, struct ac_str member,
                             const struct ac_val *content, struct ac_err *err);

/* The earliest time at which an AC_CMD_TICK has something to do, or
 * INT64_MAX. O(1). */
int64_t ac_state_next_due(const struct ac_state *s);

/* Names, for encoding and decoding. NULL / false when out of range. */
const char *ac_member_status_name(enum ac_member_status st);
const char *ac_position_name(enum ac_position p);
const char *ac_objection_status_name(enum ac_objection_status st);

/* The member's standing objection to p in its current round, or NULL. */
struct ac_objection *ac_state_objection(const struct ac_proposal *p,
                                        struct ac_str member);
bool ac_position_parse(struct ac_str s, enum ac_position *out);
const char *ac_proposal_status_name(enum ac_proposal_status st);
bool ac_proposal_status_parse(struct ac_str s, enum ac_proposal_status *out);
const char *ac_kind_name(enum ac_kind k);
const char *ac_stage_name(enum ac_stage ph);
bool ac_kind_parse(struct ac_str s, enum ac_kind *out);

/* True when id matches [a-z0-9][a-z0-9_-]{0,31}. */
bool ac_id_is_valid(struct ac_str id);

#endif
