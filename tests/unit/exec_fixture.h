/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The organisation under test for the ac_exec suites: an injected clock,
 * commands that check the two promises of ac_exec on every call (a
 * refused command emits nothing and leaves the state as it was; an
 * accepted one emits events that extend the chain), readers of the
 * outcome, small organisations and a replay check. Header-only, so each
 * suite stays its own binary. */
#ifndef ACCORD_TESTS_EXEC_FIXTURE_H
#define ACCORD_TESTS_EXEC_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/time.h"
#include "core/codec.h"
#include "core/exec.h"

#define T0 INT64_C(1795845600000) /* 2026-11-28T06:00:00.000Z */
#define MIN INT64_C(60000)
#define HOUR AC_MS_PER_HOUR
#define DAY AC_MS_PER_DAY

/* The organisation under test; each test runs in its own process. */
static struct {
    struct ac_arena sa; /* the state's arena */
    struct ac_arena ea; /* events and command data */
    struct ac_state s;
    struct ac_batch log;   /* every event emitted, in order */
    struct ac_chain chain; /* verification of log as it grows */
    int64_t now;
    struct ac_err err;
} O;

static inline void setup(void)
{
    memset(&O, 0, sizeof O);
    ac_arena_init(&O.sa, 0);
    ac_arena_init(&O.ea, 0);
    ac_state_init(&O.s, &O.sa);
    ac_chain_init(&O.chain);
    O.now = T0;
}

static inline void teardown(void)
{
    ac_arena_release(&O.ea);
    ac_arena_release(&O.sa);
}

/* ---- checking every command ---- */

#define MAXP 64

struct snap {
    int64_t seq;
    uint8_t head[AC_HASH_LEN];
    size_t members, active, circles, agreements, proposals, events;
    enum ac_proposal_status status[MAXP];
    int64_t round[MAXP], version[MAXP];
    size_t positions[MAXP];
    struct ac_charter charter;
};

static inline struct snap snapshot(void)
{
    struct snap n;
    memset(&n, 0, sizeof n);
    n.seq = O.s.seq;
    memcpy(n.head, O.s.head, AC_HASH_LEN);
    n.members = O.s.member_count;
    n.active = O.s.active_count;
    n.circles = O.s.circle_count;
    n.agreements = O.s.agreement_count;
    n.proposals = O.s.proposal_count;
    n.events = O.log.count;
    for (size_t i = 0; i < O.s.proposal_count && i < MAXP; i++) {
        n.status[i] = O.s.proposals[i].status;
        n.round[i] = O.s.proposals[i].round;
        n.version[i] = O.s.proposals[i].version;
        n.positions[i] = O.s.proposals[i].count;
    }
    n.charter = O.s.charter;
    return n;
}

static inline void unchanged(const struct snap *b, const char *what)
{
    struct snap a = snapshot();
    cr_assert_eq(a.events, b->events, "%s: a refused command emitted", what);
    cr_assert_eq(a.seq, b->seq, "%s: a refused command moved seq", what);
    cr_assert_eq(memcmp(a.head, b->head, AC_HASH_LEN), 0, "%s: head", what);
    cr_assert_eq(a.members, b->members, "%s", what);
    cr_assert_eq(a.active, b->active, "%s", what);
    cr_assert_eq(a.circles, b->circles, "%s", what);
    cr_assert_eq(a.agreements, b->agreements, "%s", what);
    cr_assert_eq(a.proposals, b->proposals, "%s", what);
    cr_assert_eq(memcmp(a.status, b->status, sizeof a.status), 0, "%s", what);
    cr_assert_eq(memcmp(a.round, b->round, sizeof a.round), 0, "%s", what);
    cr_assert_eq(memcmp(a.version, b->version, sizeof a.version), 0, "%s",
                 what);
    cr_assert_eq(memcmp(a.positions, b->positions, sizeof a.positions), 0, "%s",
                 what);
    cr_assert_eq(
        memcmp(a.charter.value, b->charter.value, sizeof a.charter.value), 0,
        "%s", what);
}

/* Checks the events a command emitted: they extend the chain. */
static inline void extended(const struct snap *b)
{
    cr_assert_eq(O.s.seq, b->seq + (int64_t)(O.log.count - b->events));
    for (size_t i = b->events; i < O.log.count; i++) {
        struct ac_err err = {0};
        cr_assert_eq(ac_chain_check(&O.chain, &O.log.events[i], &err), AC_OK,
                     "%s", err.msg);
    }
    if (O.log.count) {
        cr_assert_eq(
            memcmp(O.s.head, O.log.events[O.log.count - 1].hash, AC_HASH_LEN),
            0);
    }
}

static inline enum ac_status run(const struct ac_cmd *cmd)
{
    struct snap b = snapshot();
    enum ac_status st;
    O.err = (struct ac_err){0};
    st = ac_exec(&O.s, cmd, O.now, &O.ea, &O.log, &O.err);
    if (st != AC_OK) {
        cr_assert_eq(O.err.code, st);
        cr_assert_neq(O.err.msg[0], '\0', "a refusal says why");
        unchanged(&b, O.err.msg);
    } else {
        extended(&b);
    }
    return st;
}

#define OK(call)                                                               \
    do {                                                                       \
        enum ac_status st_ = (call);                                           \
        cr_assert_eq(st_, AC_OK, "%s: %s: %s [%s]", #call,                     \
                     ac_status_name(st_), O.err.msg, O.err.where);             \
    } while (0)

/* Refused with code; where (NULL: not checked) names the field. */
#define FAILS(call, code, w)                                                   \
    do {                                                                       \
        enum ac_status st_ = (call);                                           \
        const char *w_ = (w);                                                  \
        cr_assert_eq(st_, (code), "%s: %s, not %s: %s", #call,                 \
                     ac_status_name(st_), ac_status_name(code), O.err.msg);    \
        if (w_) {                                                              \
            cr_assert_str_eq(O.err.where, w_, "%s: %s", #call, O.err.msg);     \
        }                                                                      \
    } while (0)

/* ---- commands ---- */

static inline struct ac_val *J(const char *text)
{
    struct ac_val *v = NULL;
    struct ac_err err = {0};
    if (!text) {
        return NULL;
    }
    cr_assert_eq(ac_json_parse(ac_str_c(text), &O.ea, &v, &err), AC_OK,
                 "%s: %s", text, err.msg);
    return v;
}

static inline enum ac_status found(void)
{
    struct snap b = snapshot();
    enum ac_status st;
    O.err = (struct ac_err){0};
    st = ac_exec_found(&O.s, AC_STR("Example Co-op"), AC_STR("alice"),
                       AC_STR("Alice"), O.now, &O.ea, &O.log, &O.err);
    if (st == AC_OK) {
        extended(&b);
    } else {
        unchanged(&b, O.err.msg);
    }
    return st;
}

static inline enum ac_status propose(const char *actor, const char *circle,
                                     const char *kind, const char *title,
                                     const char *data)
{
    struct ac_cmd c = {.type = AC_CMD_PROPOSE};
    c.actor = ac_str_c(actor);
    c.circle = ac_str_c(circle);
    c.kind = ac_str_c(kind);
    c.title = ac_str_c(title);
    c.data = J(data);
    return run(&c);
}

static inline enum ac_status pos(const char *actor, const char *id,
                                 const char *position, const char *reason)
{
    struct ac_cmd c = {.type = AC_CMD_POSITION};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.position = ac_str_c(position);
    c.reason = ac_str_c(reason);
    return run(&c);
}

/* ballot: the JSON of a choice's ballot, e.g. {"ranking":[2,1]}. */
static inline enum ac_status ballot(const char *actor, const char *id,
                                    const char *json)
{
    struct ac_cmd c = {.type = AC_CMD_BALLOT};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.data = J(json);
    return run(&c);
}

/* title or data NULL: unchanged. */
static inline enum ac_status amend(const char *actor, const char *id,
                                   const char *title, const char *data)
{
    struct ac_cmd c = {.type = AC_CMD_AMEND};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.title = title ? ac_str_c(title) : (struct ac_str){NULL, 0};
    c.data = J(data);
    return run(&c);
}

static inline enum ac_status withdraw(const char *actor, const char *id)
{
    struct ac_cmd c = {.type = AC_CMD_WITHDRAW};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    return run(&c);
}

static inline enum ac_status join(const char *id)
{
    struct ac_cmd c = {.type = AC_CMD_JOIN};
    c.actor = ac_str_c(id);
    return run(&c);
}

/* Runs the clock's tick at time at; returns how many events it emitted. */
static inline size_t tick_at(int64_t at)
{
    struct ac_cmd c = {.type = AC_CMD_TICK};
    size_t before = O.log.count;
    c.actor = AC_STR("system");
    O.now = at;
    OK(run(&c));
    return O.log.count - before;
}

/* ---- reading the outcome ---- */

static inline struct ac_proposal *P(const char *id)
{
    struct ac_proposal *p = ac_state_proposal(&O.s, ac_str_c(id));
    cr_assert_not_null(p, "no proposal %s", id);
    return p;
}

static inline struct ac_member *M(const char *id)
{
    struct ac_member *m = ac_state_member(&O.s, ac_str_c(id));
    cr_assert_not_null(m, "no member %s", id);
    return m;
}

static inline enum ac_proposal_status status(const char *id)
{
    return P(id)->status;
}

/* The id of the newest proposal. */
static inline const char *newest(void)
{
    char id[24];
    int n;
    cr_assert_gt(O.s.proposal_count, 0);
    n = snprintf(id, sizeof id, "p%zu", O.s.proposal_count);
    return ac_arena_cstr(&O.ea, (struct ac_str){id, (size_t)n});
}

/* The n-th event from the end (0: the last). */
static inline const struct ac_event *last(size_t n)
{
    cr_assert_gt(O.log.count, n);
    return &O.log.events[O.log.count - 1 - n];
}

static inline void is_type(const struct ac_event *ev, const char *type)
{
    cr_assert(ac_str_eq_c(ev->type, type), "event %lld is %.*s, not %s",
              (long long)ev->seq, (int)ev->type.len, ev->type.ptr, type);
}

static inline struct ac_str dstr(const struct ac_event *ev, const char *key)
{
    struct ac_str s = {NULL, 0};
    cr_assert(ac_val_get_str(ev->data, key, &s), "event %lld has no %s",
              (long long)ev->seq, key);
    return s;
}

static inline int64_t dint(const struct ac_val *v, const char *key)
{
    int64_t i = 0;
    cr_assert(ac_val_get_int(v, key, &i), "no integer %s", key);
    return i;
}

static inline int64_t dtime(const struct ac_event *ev, const char *key)
{
    int64_t ms = 0;
    cr_assert_eq(ac_time_parse(dstr(ev, key), &ms, NULL), AC_OK);
    return ms;
}

static inline bool has(struct ac_str s, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= s.len; i++) {
        if (memcmp(s.ptr + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static inline void tally_is(const struct ac_event *closed, int64_t consent,
                            int64_t concern, int64_t object,
                            int64_t stand_aside, int64_t eligible)
{
    const struct ac_val *t = ac_val_get(closed->data, "tally");
    cr_assert_not_null(t);
    cr_assert_eq(t->count, 5);
    cr_assert_eq(dint(t, "consent"), consent);
    cr_assert_eq(dint(t, "concern"), concern);
    cr_assert_eq(dint(t, "object"), object);
    cr_assert_eq(dint(t, "stand_aside"), stand_aside);
    cr_assert_eq(dint(t, "eligible"), eligible);
}

/* ---- building organisations ---- */

/* Every active member of the proposal's circle who has no position
 * consents, until the round closes. */
static inline void all_consent(const char *id)
{
    struct ac_proposal *p = P(id);
    const struct ac_circle *c = ac_state_circle(&O.s, p->circle);
    for (size_t i = 0; i < O.s.member_count && P(id)->status == AC_PROP_OPEN;
         i++) {
        struct ac_str m = O.s.members[i].id;
        bool given = false;
        char who[AC_ID_MAX + 1];
        for (size_t k = 0; k < P(id)->count; k++) {
            given = given || ac_str_eq(P(id)->positions[k].member, m);
        }
        if (given || !ac_state_in_circle(&O.s, c, m)) {
            continue;
        }
        snprintf(who, sizeof who, "%.*s", (int)m.len, m.ptr);
        O.now += MIN;
        OK(pos(who, id, "consent", ""));
    }
}

/* Proposes and has everyone consent; the proposal must be adopted. */
static inline const char *adopt(const char *actor, const char *circle,
                                const char *kind, const char *title,
                                const char *data)
{
    const char *id;
    O.now += MIN;
    OK(propose(actor, circle, kind, title, data));
    id = newest();
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED, "%s: %.*s", id,
                 (int)P(id)->outcome.len, P(id)->outcome.ptr);
    return id;
}

static inline void admit(const char *id, const char *name)
{
    char data[128];
    snprintf(data, sizeof data, "{\"id\":\"%s\",\"name\":\"%s\"}", id, name);
    adopt("alice", "all", "member.admit", "Welcome", data);
    cr_assert_eq(M(id)->status, AC_MEMBER_INVITED);
    O.now += MIN;
    OK(join(id));
    cr_assert_eq(M(id)->status, AC_MEMBER_ACTIVE);
}

/* alice founds; bob and carol are admitted and join. */
static inline void org3(void)
{
    OK(found());
    admit("bob", "Bob");
    admit("carol", "Carol");
    cr_assert_eq(O.s.active_count, 3);
    cr_assert_eq(O.s.seq, 10);
    O.now += HOUR;
}

/* org3 plus the circle "ops" (alice, bob) and the agreement a1 in "all". */
static inline void org3_ops(void)
{
    org3();
    adopt("alice", "all", "circle.create", "Operations circle",
          "{\"id\":\"ops\",\"name\":\"Operations\",\"purpose\":\"Keep the "
          "lights on\",\"members\":[\"alice\",\"bob\"]}");
    adopt("alice", "all", "agreement.adopt", "Meetings",
          "{\"text\":\"We meet weekly.\"}");
    cr_assert_not_null(ac_state_agreement(&O.s, AC_STR("a1")));
    O.now += HOUR;
}

/* Applies to the state an event made by hand, as a forged log would hold
 * it (not through ac_exec): the next seq, at time, by actor. */
static inline enum ac_status apply_forged(int64_t time, const char *actor,
                                          const char *type, struct ac_val *data,
                                          struct ac_err *err)
{
    struct ac_event ev = {.seq = O.s.seq + 1,
                          .time = time,
                          .actor = ac_str_c(actor),
                          .type = ac_str_c(type),
                          .data = data};
    return ac_state_apply(&O.s, &ev, err);
}

/* ---- replay ---- */

/* Folds the log again into fresh states (once from the events as they
 * are, once through their exported JSON lines) and compares. */
static inline void replay_matches(void)
{
    for (int via_json = 0; via_json < 2; via_json++) {
        struct ac_arena sa, ea;
        struct ac_state r;
        struct ac_chain chain;
        ac_arena_init(&sa, 0);
        ac_arena_init(&ea, 0);
        ac_state_init(&r, &sa);
        ac_chain_init(&chain);
        for (size_t i = 0; i < O.log.count; i++) {
            struct ac_event ev = O.log.events[i];
            struct ac_err err = {0};
            if (via_json) {
                struct ac_buf b;
                struct ac_val *v = NULL;
                ac_buf_init(&b, 0);
                cr_assert_eq(ac_event_encode(&O.log.events[i], true, &b, &err),
                             AC_OK, "%s", err.msg);
                cr_assert_eq(ac_json_parse(ac_buf_str(&b), &ea, &v, &err),
                             AC_OK, "%s", err.msg);
                cr_assert_eq(ac_event_decode(v, &ev, &err), AC_OK, "%s",
                             err.msg);
                ac_buf_release(&b);
            }
            cr_assert_eq(ac_chain_check(&chain, &ev, &err), AC_OK, "%s",
                         err.msg);
            cr_assert_eq(ac_state_apply(&r, &ev, &err), AC_OK, "%s", err.msg);
        }
        cr_assert_eq(r.seq, O.s.seq);
        cr_assert_eq(r.time, O.s.time);
        cr_assert_eq(memcmp(r.head, O.s.head, AC_HASH_LEN), 0,
                     "same head hash");
        cr_assert_eq(r.proposal_count, O.s.proposal_count);
        for (size_t i = 0; i < r.proposal_count; i++) {
            const struct ac_proposal *x = &r.proposals[i];
            const struct ac_proposal *y = &O.s.proposals[i];
            cr_assert_eq(x->status, y->status, "p%zu status", i + 1);
            cr_assert_eq(x->round, y->round);
            cr_assert_eq(x->version, y->version);
            cr_assert_eq(x->deadline, y->deadline);
            cr_assert_eq(x->lapse_at, y->lapse_at);
            cr_assert_eq(x->count, y->count);
            cr_assert(ac_str_eq(x->outcome, y->outcome));
            cr_assert(ac_str_eq(x->effect, y->effect));
            cr_assert(ac_str_eq(x->title, y->title));
            cr_assert(ac_val_equal(x->data, y->data));
        }
        cr_assert_eq(r.member_count, O.s.member_count);
        cr_assert_eq(r.active_count, O.s.active_count);
        for (size_t i = 0; i < r.member_count; i++) {
            cr_assert(ac_str_eq(r.members[i].id, O.s.members[i].id));
            cr_assert_eq(r.members[i].status, O.s.members[i].status);
        }
        cr_assert_eq(r.circle_count, O.s.circle_count);
        for (size_t i = 0; i < r.circle_count; i++) {
            cr_assert(ac_str_eq(r.circles[i].purpose, O.s.circles[i].purpose));
            cr_assert_eq(r.circles[i].count, O.s.circles[i].count);
            cr_assert_eq(r.circles[i].balance, O.s.circles[i].balance);
        }
        cr_assert_eq(r.movement_count, O.s.movement_count);
        for (size_t i = 0; i < r.movement_count; i++) {
            const struct ac_movement *x = &r.movements[i],
                                     *y = &O.s.movements[i];
            cr_assert(x->seq == y->seq && x->time == y->time &&
                      x->kind == y->kind && x->amount == y->amount);
            cr_assert(ac_str_eq(x->from, y->from) && ac_str_eq(x->to, y->to));
            cr_assert(ac_str_eq(x->proposal, y->proposal) &&
                      ac_str_eq(x->author, y->author));
            cr_assert(ac_str_eq(x->payee, y->payee) &&
                      ac_str_eq(x->purpose, y->purpose) &&
                      ac_str_eq(x->source, y->source));
        }
        cr_assert_eq(r.agreement_count, O.s.agreement_count);
        for (size_t i = 0; i < r.agreement_count; i++) {
            cr_assert_eq(r.agreements[i].status, O.s.agreements[i].status);
            cr_assert_eq(r.agreements[i].count, O.s.agreements[i].count);
        }
        cr_assert_eq(
            memcmp(r.charter.value, O.s.charter.value, sizeof r.charter.value),
            0);
        for (unsigned i = 0; i < AC_PARAM_COUNT; i++) {
            cr_assert(ac_str_eq(r.charter.text[i], O.s.charter.text[i]));
            cr_assert(ac_str_eq(r.charter.set_by[i], O.s.charter.set_by[i]));
        }
        ac_arena_release(&ea);
        ac_arena_release(&sa);
    }
}

#endif
