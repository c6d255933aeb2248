/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor: facts kept as events are applied, reports computed
 * from them, alerts from the charter's thresholds (docs/power.md). */
#include "power.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/state.h"

#define NOMEM(err) ac_err_set((err), AC_ENOMEM, "out of memory")
#define DAY_MS 86400000.0
#define NONE UINT32_MAX
#define CONCERNED_MAX 10 /* members an alert names, at most */

enum fact_kind {
    F_AUTHORED,
    F_ADOPTED,
    F_OBJECTED,
    F_INTEGRATED,
    F_ANSWERED, /* an answer counted at its round's close */
    F_CLOSED,   /* a round closed in the circle: member NONE */
    F_JOIN,     /* member counted in the circle from now */
    F_LEAVE,
    F_EDGE /* member responded to other */
};

static const char *const dim_names[AC_DIM_COUNT] = {
    "proposals_authored", "proposals_adopted",
    "objections_raised",  "objections_integrated",
    "participation",      "role_days",
    "roles_held",         "delegated_weight",
    "money_controlled"};

const char *ac_dim_name(enum ac_dim d)
{
    return (unsigned)d < AC_DIM_COUNT ? dim_names[d] : "?";
}

bool ac_dim_parse(struct ac_str s, enum ac_dim *out)
{
    for (unsigned i = 0; i < AC_DIM_COUNT; i++) {
        if (ac_str_eq_c(s, dim_names[i])) {
            *out = (enum ac_dim)i;
            return true;
        }
    }
    return false;
}

/* ---- growing arrays in the state arena ---- */

/* Makes room for need elements of size bytes at *p (room in *room). */
static bool grow(struct ac_arena *a, void **p, size_t *room, size_t need,
                 size_t size)
{
    size_t r = *room ? *room : 16;
    void *n;
    if (need <= *room) {
        return true;
    }
    while (r < need) {
        r *= 2;
    }
    if (!(n = ac_arena_alloc(a, r * size))) {
        return false;
    }
    if (*room) {
        memcpy(n, *p, *room * size);
    }
    *p = n;
    *room = r;
    return true;
}

static enum ac_status add_fact(struct ac_state *s, int64_t time, uint8_t kind,
                               size_t member, size_t other, size_t circle,
                               struct ac_err *err)
{
    struct ac_power *pw = &s->power;
    size_t b = pw->fact_count / AC_POWER_BLOCK;
    if (b == pw->block_count) {
        if (!grow(s->arena, (void **)&pw->blocks, &pw->block_room, b + 1,
                  sizeof *pw->blocks) ||
            !(pw->blocks[b] = ac_arena_alloc(
                  s->arena, AC_POWER_BLOCK * sizeof(struct ac_power_fact)))) {
            return NOMEM(err);
        }
        pw->block_count++;
    }
    pw->blocks[b][pw->fact_count % AC_POWER_BLOCK] = (struct ac_power_fact){
        time, (uint32_t)member, (uint32_t)other, (uint32_t)circle, kind};
    pw->fact_count++;
    if (kind == F_JOIN) {
        pw->join_count++;
    }
    return AC_OK;
}

static size_t member_at(const struct ac_state *s, struct ac_str id)
{
    size_t i;
    return ac_map_get(&s->member_index, id, &i) ? i : NONE;
}

static size_t circle_at(const struct ac_state *s, struct ac_str id)
{
    const struct ac_circle *c = ac_state_circle(s, id);
    return c ? (size_t)(c - s->circles) : NONE;
}

/* ---- membership ---- */

static int u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Turns the difference between the members the tracker counts in circle
 * ci and the circle's active members now into JOIN and LEAVE facts. */
static enum ac_status sync_circle(struct ac_state *s, size_t ci, int64_t time,
                                  struct ac_err *err)
{
    struct ac_power *pw = &s->power;
    const struct ac_circle *c = &s->circles[ci];
    bool root = ci == 0;
    size_t n = 0, old, i = 0, j = 0;
    size_t want = root ? s->member_count : c->count;
    uint32_t *now;
    enum ac_status st = AC_OK;

    if (ci >= pw->circle_room) {
        size_t r1 = pw->circle_room, r2 = pw->circle_room;
        size_t r3 = pw->circle_room;
        if (!grow(s->arena, (void **)&pw->circle_members, &r1, ci + 1,
                  sizeof *pw->circle_members) ||
            !grow(s->arena, (void **)&pw->circle_member_count, &r2, ci + 1,
                  sizeof *pw->circle_member_count) ||
            !grow(s->arena, (void **)&pw->circle_member_room, &r3, ci + 1,
                  sizeof *pw->circle_member_room)) {
            return NOMEM(err);
        }
        pw->circle_room = r1;
    }
    if (!(now = ac_arena_alloc(s->arena, (want ? want : 1) * sizeof *now))) {
        return NOMEM(err);
    }
    for (size_t k = 0; k < want; k++) {
        size_t m = root ? k : member_at(s, c->members[k]);
        if (m != NONE && s->members[m].status == AC_MEMBER_ACTIVE) {
            now[n++] = (uint32_t)m;
        }
    }
    qsort(now, n, sizeof *now, u32_cmp);
    old = pw->circle_member_count[ci];
    while (st == AC_OK && (i < old || j < n)) {
        uint32_t a = i < old ? pw->circle_members[ci][i] : NONE;
        uint32_t b = j < n ? now[j] : NONE;
        if (a == b) {
            i++, j++;
        } else if (a < b) {
            st = add_fact(s, time, F_LEAVE, a, NONE, ci, err);
            i++;
        } else {
            st = add_fact(s, time, F_JOIN, b, NONE, ci, err);
            j++;
        }
    }
    pw->circle_members[ci] = now;
    pw->circle_member_count[ci] = n;
    pw->circle_member_room[ci] = want;
    return st;
}

static enum ac_status sync_all(struct ac_state *s, int64_t time,
                               struct ac_err *err)
{
    enum ac_status st = AC_OK;
    for (size_t c = 0; st == AC_OK && c < s->circle_count; c++) {
        st = sync_circle(s, c, time, err);
    }
    return st;
}

/* A member who joined: counted in the root circle and in any circle that
 * already lists them. */
static enum ac_status on_joined(struct ac_state *s, size_t m, int64_t time,
                                struct ac_err *err)
{
    struct ac_power *pw = &s->power;
    enum ac_status st = AC_OK;
    if (s->power.circle_room == 0) {
        return sync_all(s, time, err);
    }
    if (!grow(s->arena, (void **)&pw->circle_members[0],
              &pw->circle_member_room[0], pw->circle_member_count[0] + 1,
              sizeof(uint32_t))) {
        return NOMEM(err);
    }
    {
        uint32_t *list = pw->circle_members[0];
        size_t k = pw->circle_member_count[0];
        while (k > 0 && list[k - 1] > m) {
            list[k] = list[k - 1];
            k--;
        }
        list[k] = (uint32_t)m;
        pw->circle_member_count[0]++;
    }
    st = add_fact(s, time, F_JOIN, m, NONE, 0, err);
    for (size_t c = 1; st == AC_OK && c < s->circle_count; c++) {
        for (size_t k = 0; k < s->circles[c].count; k++) {
            if (ac_str_eq(s->circles[c].members[k], s->members[m].id)) {
                st = sync_circle(s, c, time, err);
                break;
            }
        }
    }
    return st;
}

/* ---- observing events ---- */

static bool ensure_seen(struct ac_state *s, size_t n)
{
    struct ac_power *pw = &s->power;
    size_t r = pw->seen_room;
    return grow(s->arena, (void **)&pw->seen_answers, &r, n,
                sizeof(uint32_t)) &&
           grow(s->arena, (void **)&pw->seen_objections, &pw->seen_room, n,
                sizeof(uint32_t));
}

/* New answers and objections of p's current round since last seen. */
static enum ac_status on_answer(struct ac_state *s, const struct ac_event *ev,
                                struct ac_proposal *p, size_t pi,
                                struct ac_err *err)
{
    struct ac_power *pw = &s->power;
    size_t c = circle_at(s, p->circle);
    enum ac_status st = AC_OK;
    if (pw->seen_answers[pi] > p->count) {
        pw->seen_answers[pi] = 0;
    }
    if (p->count > pw->seen_answers[pi] && !ac_str_eq(ev->actor, p->author)) {
        size_t from = member_at(s, ev->actor), to = member_at(s, p->author);
        if (from != NONE && to != NONE) {
            st = add_fact(s, ev->time, F_EDGE, from, to, c, err);
        }
    }
    pw->seen_answers[pi] = (uint32_t)p->count;
    while (st == AC_OK && pw->seen_objections[pi] < p->objection_count) {
        const struct ac_objection *o = &p->objections[pw->seen_objections[pi]];
        size_t m = member_at(s, o->member);
        pw->seen_objections[pi]++;
        if (m != NONE) {
            st = add_fact(s, o->time, F_OBJECTED, m, NONE, c, err);
        }
    }
    return st;
}

static enum ac_status on_amended(struct ac_state *s, const struct ac_event *ev,
                                 struct ac_proposal *p, size_t pi,
                                 struct ac_err *err)
{
    size_t c = circle_at(s, p->circle), author = member_at(s, p->author);
    enum ac_status st = AC_OK;
    for (size_t i = 0; st == AC_OK && i < p->objection_count; i++) {
        const struct ac_objection *o = &p->objections[i];
        size_t m;
        if (o->status != AC_OBJ_AMENDED || o->answered_by != p->version ||
            (m = member_at(s, o->member)) == NONE) {
            continue;
        }
        st = add_fact(s, ev->time, F_INTEGRATED, m, NONE, c, err);
        if (st == AC_OK && author != NONE && author != m) {
            st = add_fact(s, ev->time, F_EDGE, author, m, c, err);
        }
    }
    s->power.seen_answers[pi] = (uint32_t)p->count;
    return st;
}

static enum ac_status on_closed(struct ac_state *s, const struct ac_event *ev,
                                struct ac_proposal *p, struct ac_err *err)
{
    size_t c = circle_at(s, p->circle);
    enum ac_status st = add_fact(s, ev->time, F_CLOSED, NONE, NONE, c, err);
    const struct ac_circle *circle = ac_state_circle(s, p->circle);
    for (size_t i = 0; st == AC_OK && i < p->count; i++) {
        size_t m = member_at(s, p->positions[i].member);
        /* only the answers of members the round counted as eligible: one
         * who left the circle before the close has no round to answer */
        if (m != NONE &&
            ac_state_in_circle(s, circle, p->positions[i].member)) {
            st = add_fact(s, ev->time, F_ANSWERED, m, NONE, c, err);
        }
    }
    if (st == AC_OK &&
        (p->status == AC_PROP_ADOPTED ||
         (p->status == AC_PROP_DECIDED && p->kind == AC_KIND_CHOICE))) {
        size_t m = member_at(s, p->author);
        if (m != NONE) {
            st = add_fact(s, ev->time, F_ADOPTED, m, NONE, c, err);
        }
        if (st == AC_OK && p->status == AC_PROP_ADOPTED &&
            (p->kind == AC_KIND_CIRCLE_CREATE ||
             p->kind == AC_KIND_CIRCLE_AMEND ||
             p->kind == AC_KIND_MEMBER_REMOVE)) {
            st = sync_all(s, ev->time, err);
        }
    }
    return st;
}

enum ac_status ac_power_observe(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_str id;
    struct ac_proposal *p = NULL;
    size_t pi = 0;

    if (ac_str_eq_c(ev->type, "power.alert") ||
        ac_str_eq_c(ev->type, "power.cleared")) {
        return AC_OK;
    }
    s->power.changed_seq = ev->seq;
    if (ac_str_eq_c(ev->type, "org.founded")) {
        return sync_all(s, ev->time, err);
    }
    if (ac_str_eq_c(ev->type, "member.joined")) {
        size_t m = member_at(s, ev->actor);
        return m == NONE ? AC_OK : on_joined(s, m, ev->time, err);
    }
    if (ac_str_eq_c(ev->type, "proposal.opened")) {
        p = &s->proposals[s->proposal_count - 1];
        if (!ensure_seen(s, s->proposal_count)) {
            return NOMEM(err);
        }
        return member_at(s, p->author) == NONE
                   ? AC_OK
                   : add_fact(s, ev->time, F_AUTHORED, member_at(s, p->author),
                              NONE, circle_at(s, p->circle), err);
    }
    if (!ac_val_get_str(ev->data, "proposal", &id) ||
        !(p = ac_state_proposal(s, id))) {
        return AC_OK;
    }
    pi = (size_t)(p - s->proposals);
    if (ac_str_eq_c(ev->type, "proposal.closed")) {
        return on_closed(s, ev, p, err);
    }
    if (ac_str_eq_c(ev->type, "proposal.amended")) {
        return on_amended(s, ev, p, pi, err);
    }
    if (ac_str_eq_c(ev->type, "position.given") ||
        ac_str_eq_c(ev->type, "ballot.cast") ||
        ac_str_eq_c(ev->type, "vote.cast") ||
        ac_str_eq_c(ev->type, "nomination.given") ||
        ac_str_eq_c(ev->type, "draw.volunteered") ||
        ac_str_eq_c(ev->type, "draw.passed")) {
        return on_answer(s, ev, p, pi, err);
    }
    /* a phase change or anything else: its answers stay as they are */
    if (s->power.seen_answers[pi] > p->count) {
        s->power.seen_answers[pi] = (uint32_t)p->count;
    }
    return AC_OK;
}

/* ---- alerts held open by the log ---- */

static struct ac_power_alert *find_alert(const struct ac_power *pw,
                                         struct ac_str measure,
                                         struct ac_str circle, size_t *at)
{
    for (size_t i = 0; i < pw->alert_count; i++) {
        if (ac_str_eq(pw->alerts[i].measure, measure) &&
            ac_str_eq(pw->alerts[i].circle, circle)) {
            if (at) {
                *at = i;
            }
            return &pw->alerts[i];
        }
    }
    return NULL;
}

static enum ac_status bad_alert(struct ac_err *err, const struct ac_event *ev,
                                const char *what)
{
    return ac_err_set(err, AC_ECORRUPT, "event %lld (%.*s): %s",
                      (long long)ev->seq, (int)ev->type.len, ev->type.ptr,
                      what);
}

enum ac_status ac_power_apply_alert(struct ac_state *s,
                                    const struct ac_event *ev,
                                    struct ac_err *err)
{
    struct ac_power *pw = &s->power;
    struct ac_str measure, circle;
    int64_t value, threshold;
    bool raise = ac_str_eq_c(ev->type, "power.alert");
    const struct ac_val *members = ac_val_get(ev->data, "members");
    size_t at;

    if (!ac_str_eq_c(ev->actor, "system")) {
        return bad_alert(err, ev, "not by system");
    }
    if (!ac_val_get_str(ev->data, "measure", &measure) ||
        !ac_val_get_str(ev->data, "circle", &circle) ||
        !ac_val_get_int(ev->data, "value", &value) ||
        !ac_val_get_int(ev->data, "threshold", &threshold) ||
        ev->data->count != (raise ? 5u : 4u) ||
        (raise && (!members || members->kind != AC_VAL_ARR))) {
        return bad_alert(err, ev, "data is not as documented");
    }
    if (!ac_state_circle(s, circle)) {
        return bad_alert(err, ev, "unknown circle");
    }
    if (raise) {
        struct ac_power_alert *al;
        if (find_alert(pw, measure, circle, NULL)) {
            return bad_alert(err, ev, "the alert is already open");
        }
        if (!grow(s->arena, (void **)&pw->alerts, &pw->alert_room,
                  pw->alert_count + 1, sizeof *pw->alerts)) {
            return NOMEM(err);
        }
        al = &pw->alerts[pw->alert_count];
        *al =
            (struct ac_power_alert){.measure = ac_arena_str(s->arena, measure),
                                    .circle = ac_arena_str(s->arena, circle),
                                    .value = value,
                                    .threshold = threshold,
                                    .members = ac_val_copy(s->arena, members),
                                    .since = ev->time,
                                    .seq = ev->seq};
        if (!al->measure.ptr || !al->circle.ptr || !al->members) {
            return NOMEM(err);
        }
        pw->alert_count++;
        return AC_OK;
    }
    if (!find_alert(pw, measure, circle, &at)) {
        return bad_alert(err, ev, "no such alert is open");
    }
    memmove(&pw->alerts[at], &pw->alerts[at + 1],
            (pw->alert_count - at - 1) * sizeof *pw->alerts);
    pw->alert_count--;
    return AC_OK;
}

/* ---- reports ---- */

struct pair_slot {
    uint64_t key; /* member << 32 | circle, plus one; 0 empty */
    int64_t base, acc;
    bool in;
};

struct pairs {
    struct pair_slot *slots;
    size_t mask;
};

static struct pair_slot *pair_find(struct pairs *t, uint32_t m, uint32_t c)
{
    uint64_t key = (((uint64_t)m << 32) | c) + 1;
    size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & t->mask;
    while (t->slots[h].key && t->slots[h].key != key) {
        h = (h + 1) & t->mask;
    }
    t->slots[h].key = key;
    return &t->slots[h];
}

/* The index into the population of member m, or -1. */
static int64_t pop_of(const int32_t *pop, uint32_t m)
{
    return m == NONE ? -1 : pop[m];
}

/* Counts, participation and interaction edges from the facts. */
static enum ac_status from_facts(const struct ac_state *s, size_t scope,
                                 const int32_t *pop, struct ac_power_report *r,
                                 struct ac_arena *a, struct ac_edge **edges,
                                 size_t *edge_count, bool want_edges,
                                 struct ac_err *err)
{
    const struct ac_power *pw = &s->power;
    bool all = scope == 0;
    int64_t *closes = ac_arena_alloc(a, (s->circle_count + 1) * sizeof *closes);
    double *answered = ac_arena_alloc(a, (r->n + 1) * sizeof *answered);
    struct pairs t = {0};
    size_t room = 0, m = 0, slots = 16;
    /* pairs (member, circle) of the population: in one circle at most
     * one per member */
    size_t pairs = all ? pw->join_count : r->n;
    struct ac_edge *e = NULL;

    while (slots < 2 * pairs + 2) {
        slots *= 2;
    }
    t.slots = ac_arena_alloc(a, slots * sizeof *t.slots);
    t.mask = slots - 1;
    if (!closes || !answered || !t.slots) {
        return NOMEM(err);
    }
    for (size_t i = 0; i < pw->fact_count; i++) {
        const struct ac_power_fact *f = ac_power_fact_at(pw, i);
        bool recent = f->time >= r->since;
        int64_t x;
        if (!all && f->circle != scope) {
            continue;
        }
        switch (f->kind) {
        case F_CLOSED:
            closes[f->circle] += recent;
            break;
        case F_JOIN:
        case F_LEAVE: {
            struct pair_slot *ps;
            if (pop_of(pop, f->member) < 0) {
                break;
            }
            ps = pair_find(&t, f->member, f->circle);
            if (f->kind == F_JOIN && !ps->in) {
                ps->base = closes[f->circle];
                ps->in = true;
            } else if (f->kind == F_LEAVE && ps->in) {
                ps->acc += closes[f->circle] - ps->base;
                ps->in = false;
            }
            break;
        }
        case F_EDGE: {
            int64_t to = pop_of(pop, f->other);
            x = pop_of(pop, f->member);
            if (!recent || !want_edges || x < 0 || to < 0) {
                break;
            }
            if (m == room) {
                struct ac_edge *n;
                room = room ? room * 2 : 1024;
                if (!(n = ac_arena_alloc(a, room * sizeof *n))) {
                    return NOMEM(err);
                }
                if (m) {
                    memcpy(n, e, m * sizeof *n);
                }
                e = n;
            }
            e[m++] = (struct ac_edge){(uint32_t)x, (uint32_t)to, 1.0};
            break;
        }
        default:
            x = pop_of(pop, f->member);
            if (!recent || x < 0) {
                break;
            }
            if (f->kind == F_ANSWERED) {
                answered[x] += 1;
            } else {
                enum ac_dim d =
                    f->kind == F_AUTHORED   ? AC_DIM_PROPOSALS_AUTHORED
                    : f->kind == F_ADOPTED  ? AC_DIM_PROPOSALS_ADOPTED
                    : f->kind == F_OBJECTED ? AC_DIM_OBJECTIONS_RAISED
                                            : AC_DIM_OBJECTIONS_INTEGRATED;
                r->values[d][x] += 1;
            }
        }
    }
    /* rounds each member could answer: closes while counted in a circle */
    for (size_t k = 0; k <= t.mask; k++) {
        struct pair_slot *ps = &t.slots[k];
        uint32_t mem, c;
        double eligible;
        if (!ps->key) {
            continue;
        }
        mem = (uint32_t)((ps->key - 1) >> 32);
        c = (uint32_t)((ps->key - 1) & 0xffffffffu);
        eligible = (double)(ps->acc + (ps->in ? closes[c] - ps->base : 0));
        r->values[AC_DIM_PARTICIPATION][pop[mem]] += eligible;
    }
    for (size_t k = 0; k < r->n; k++) {
        double eligible = r->values[AC_DIM_PARTICIPATION][k];
        r->values[AC_DIM_PARTICIPATION][k] =
            eligible > 0 ? answered[k] / eligible : 0;
    }
    *edges = e;
    *edge_count = m;
    return AC_OK;
}

/* Role-days in the window, roles held now, and who is past a rotation
 * limit. */
static enum ac_status from_roles(const struct ac_state *s, size_t scope,
                                 const int32_t *pop, struct ac_power_report *r,
                                 struct ac_arena *a, struct ac_err *err)
{
    int64_t max_terms = s->charter.value[AC_P_ROLE_MAX_TERMS];
    int64_t max_held = s->charter.value[AC_P_ROLE_MAX_CONCURRENT];
    size_t listed = 0;

    for (size_t i = 0; i < s->role_count; i++) {
        const struct ac_role *role = &s->roles[i];
        if (scope != 0 && circle_at(s, role->circle) != scope) {
            continue;
        }
        for (size_t k = 0; k < role->term_count; k++) {
            const struct ac_term *tm = &role->terms[k];
            int64_t from = tm->start > r->since ? tm->start : r->since;
            int64_t to = tm->ended ? tm->end : r->until;
            int64_t x = pop_of(pop, (uint32_t)member_at(s, tm->member));
            if (to > r->until) {
                to = r->until;
            }
            if (x >= 0 && to > from) {
                r->values[AC_DIM_ROLE_DAYS][x] += (double)(to - from) / DAY_MS;
            }
        }
        if (!role->retired && role->holder.len) {
            int64_t x = pop_of(pop, (uint32_t)member_at(s, role->holder));
            if (x >= 0) {
                r->values[AC_DIM_ROLES_HELD][x] += 1;
            }
        }
    }
    r->rotation = ac_arena_alloc(a, (s->role_count ? s->role_count : 1) *
                                        sizeof *r->rotation);
    if (!r->rotation) {
        return NOMEM(err);
    }
    for (size_t i = 0; i < s->role_count; i++) {
        const struct ac_role *role = &s->roles[i];
        int64_t row = 0, held = 0;
        if (role->retired || !role->holder.len ||
            (scope != 0 && circle_at(s, role->circle) != scope)) {
            continue;
        }
        for (size_t k = role->term_count; k > 0; k--) {
            if (!ac_str_eq(role->terms[k - 1].member, role->holder)) {
                break;
            }
            row++;
        }
        held = (int64_t)ac_state_roles_held(s, role->holder);
        if (row > max_terms || held > max_held) {
            r->rotation[listed++] =
                (struct ac_power_rotation){role->id, role->holder, row, held};
        }
    }
    r->rotation_count = listed;
    return AC_OK;
}

/* Money moved in the window on each member's initiative: the spends and
 * allocations they proposed and the circle adopted, and the buckets they
 * proposed that the members funded (docs/power.md). In a circle, what
 * its own proposals and rounds moved. */
static void from_money(const struct ac_state *s, size_t scope,
                       const int32_t *pop, struct ac_power_report *r)
{
    for (size_t i = 0; i < s->movement_count; i++) {
        const struct ac_movement *m = &s->movements[i];
        const struct ac_proposal *p;
        int64_t x;
        if ((m->kind != AC_MOVE_ALLOCATE && m->kind != AC_MOVE_SPEND &&
             m->kind != AC_MOVE_FUNDING) ||
            m->time < r->since || m->time > r->until ||
            !(p = ac_state_proposal(s, m->proposal)) ||
            (scope != 0 && circle_at(s, p->circle) != scope)) {
            continue;
        }
        x = pop_of(pop, (uint32_t)member_at(s, m->author));
        if (x >= 0) {
            r->values[AC_DIM_MONEY_CONTROLLED][x] += (double)m->amount;
        }
    }
}

struct reach {
    size_t from; /* member index of the delegator */
    int64_t since;
    size_t voter; /* member index their vote reaches */
};

static int reach_cmp(const void *x, const void *y)
{
    const struct reach *a = x, *b = y;
    if (a->since != b->since) {
        return a->since < b->since ? -1 : 1;
    }
    return a->from < b->from ? -1 : a->from > b->from;
}

/* The delegation for every kind member gives in circle c that is in
 * force at now, or NULL. */
static const struct ac_delegation *in_force(const struct ac_state *s,
                                            const struct ac_circle *c,
                                            struct ac_str member, int64_t now)
{
    const struct ac_delegation *d =
        ac_state_delegation(s, member, c->id, AC_STR(""));
    if (!d || d->refused || now >= d->expires ||
        !ac_state_in_circle(s, c, d->to)) {
        return NULL;
    }
    return d;
}

/* Votes each member would carry in circle c if every member without a
 * delegation in force answered (delegations for every kind, capped as in
 * docs/decisions.md#delegation); the largest over the scope's circles. */
static enum ac_status from_delegations(const struct ac_state *s, size_t scope,
                                       const int32_t *pop,
                                       struct ac_power_report *r,
                                       struct ac_arena *a, struct ac_err *err)
{
    int64_t cap = s->charter.value[AC_P_DELEGATION_MAX_WEIGHT];
    size_t nm = s->member_count ? s->member_count : 1;
    int64_t *memo = ac_arena_alloc(a, nm * sizeof *memo);
    int64_t *w = ac_arena_alloc(a, nm * sizeof *w);
    size_t *path = ac_arena_alloc(a, nm * sizeof *path);
    struct reach *list =
        ac_arena_alloc(a, (s->delegation_count + 1) * sizeof *list);

    if (!memo || !w || !path || !list) {
        return NOMEM(err);
    }
    for (size_t k = 0; k < r->n; k++) {
        r->values[AC_DIM_DELEGATED_WEIGHT][k] = 1;
    }
    for (size_t ci = 0; ci < s->circle_count; ci++) {
        const struct ac_circle *c = &s->circles[ci];
        size_t n = 0;
        if (scope != 0 && ci != scope) {
            continue;
        }
        for (size_t k = 0; k < s->member_count; k++) {
            memo[k] = -2;
            w[k] = 1;
        }
        for (size_t i = 0; i < s->delegation_count; i++) {
            const struct ac_delegation *d = &s->delegations[i];
            size_t x, steps = 0;
            int64_t found = -1;
            if (!ac_str_eq(d->circle, c->id) || d->kind.len ||
                !in_force(s, c, d->from, r->until) ||
                !ac_state_in_circle(s, c, d->from) ||
                (x = member_at(s, d->from)) == NONE) {
                continue;
            }
            /* follow to the first member without a delegation in force */
            for (;;) {
                const struct ac_delegation *next;
                size_t to;
                if (memo[x] != -2) {
                    found = memo[x] == -3 ? -1 : memo[x];
                    break;
                }
                next = in_force(s, c, s->members[x].id, r->until);
                if (!next) {
                    found = steps ? (int64_t)x : -1;
                    memo[x] = (int64_t)x;
                    break;
                }
                if ((to = member_at(s, next->to)) == NONE) {
                    memo[x] = -1;
                    break;
                }
                memo[x] = -3;
                path[steps++] = x;
                x = to;
            }
            while (steps > 0) {
                memo[path[--steps]] = found;
            }
            if (found >= 0) {
                list[n++] = (struct reach){member_at(s, d->from), d->since,
                                           (size_t)found};
            }
        }
        qsort(list, n, sizeof *list, reach_cmp);
        for (size_t i = 0; i < n; i++) {
            if (w[list[i].voter] < cap) {
                w[list[i].voter]++;
            }
        }
        for (size_t i = 0; i < n; i++) {
            int64_t x = pop_of(pop, (uint32_t)list[i].voter);
            if (x >= 0 && (double)w[list[i].voter] >
                              r->values[AC_DIM_DELEGATED_WEIGHT][x]) {
                r->values[AC_DIM_DELEGATED_WEIGHT][x] =
                    (double)w[list[i].voter];
            }
        }
    }
    return AC_OK;
}

static enum ac_status report(const struct ac_state *s, struct ac_str circle,
                             int64_t since, int64_t now, bool graph,
                             struct ac_arena *a, struct ac_power_report *r,
                             struct ac_err *err)
{
    size_t scope = circle_at(s, circle), nm = s->member_count;
    int32_t *pop;
    struct ac_edge *edges = NULL;
    size_t edge_count = 0;
    double *scratch;
    enum ac_status st;

    memset(r, 0, sizeof *r);
    if (scope == NONE) {
        return ac_err_at(err, "circle", AC_ENOTFOUND,
                         "circle: no circle \"%.*s\"", (int)circle.len,
                         circle.ptr);
    }
    r->circle = s->circles[scope].id;
    r->since = since;
    r->until = now;
    pop = ac_arena_alloc(a, (nm ? nm : 1) * sizeof *pop);
    r->members = ac_arena_alloc(a, (nm ? nm : 1) * sizeof *r->members);
    if (!pop || !r->members) {
        return NOMEM(err);
    }
    for (size_t k = 0; k < nm; k++) {
        pop[k] = -1;
        if (ac_state_in_circle(s, &s->circles[scope], s->members[k].id)) {
            pop[k] = (int32_t)r->n;
            r->members[r->n++] = &s->members[k];
        }
    }
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        if (!(r->values[d] = ac_arena_alloc(a, (r->n + 1) * sizeof(double)))) {
            return NOMEM(err);
        }
    }
    if ((st = from_facts(s, scope, pop, r, a, &edges, &edge_count, graph,
                         err)) != AC_OK ||
        (st = from_roles(s, scope, pop, r, a, err)) != AC_OK ||
        (st = from_delegations(s, scope, pop, r, a, err)) != AC_OK) {
        return st;
    }
    from_money(s, scope, pop, r);
    if (!(scratch = ac_arena_alloc(a, (r->n + 1) * sizeof *scratch))) {
        return NOMEM(err);
    }
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        memcpy(scratch, r->values[d], r->n * sizeof *scratch);
        ac_dist_compute(scratch, r->n, &r->dist[d]);
    }
    if (!graph) {
        return AC_OK;
    }
    if (!(r->pagerank = ac_arena_alloc(a, (r->n + 1) * sizeof(double)))) {
        return NOMEM(err);
    }
    return ac_graph_compute(edges, edge_count, r->n, a, r->pagerank, &r->graph,
                            err);
}

enum ac_status ac_power_report(const struct ac_state *s, struct ac_str circle,
                               int64_t since, int64_t now, struct ac_arena *a,
                               struct ac_power_report *out, struct ac_err *err)
{
    return report(s, circle, since, now, true, a, out, err);
}

/* ---- alerts from thresholds ---- */

#define VERDICTS_MAX 4 /* measures judged in one scope */

/* A change decided for one scope, kept outside the arena while the
 * scope's report is rewound. */
struct verdict {
    bool raise;
    const char *measure;
    int64_t value, threshold;
    struct ac_str members[CONCERNED_MAX]; /* state memory */
    size_t member_count;
};

struct checker {
    const struct ac_state *s;
    struct ac_arena *a;
    struct verdict v[VERDICTS_MAX];
    size_t count;
};

/* The members holding the largest values, fewest first to more than
 * half (at most CONCERNED_MAX), or every member at or over at_least. */
static bool concerned(struct checker *k, const struct ac_power_report *r,
                      enum ac_dim d, double at_least, struct verdict *c)
{
    const double *v = r->values[d];
    double held = 0, half = r->dist[d].total / 2;
    bool *taken = ac_arena_alloc(k->a, (r->n + 1) * sizeof *taken);
    if (!taken) {
        return false;
    }
    while (c->member_count < CONCERNED_MAX) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < r->n; i++) {
            if (!taken[i] && (best == SIZE_MAX || v[i] > v[best])) {
                best = i;
            }
        }
        if (best == SIZE_MAX || v[best] <= 0 ||
            (at_least > 0 ? v[best] < at_least : held > half)) {
            break;
        }
        taken[best] = true;
        held += v[best];
        c->members[c->member_count++] = r->members[best]->id;
    }
    return true;
}

/* Compares one measure (as the integer the log records) with its
 * threshold and keeps a verdict when the alert's state should follow. */
static bool judge(struct checker *k, const struct ac_power_report *r,
                  const char *measure, bool judged, int64_t value,
                  int64_t threshold, enum ac_dim d, double at_least)
{
    bool over = judged && threshold > 0 && value >= threshold;
    bool open = find_alert(&k->s->power, ac_str_c(measure), r->circle, NULL);
    struct verdict *c;
    if (open == over || k->count == VERDICTS_MAX) {
        return true;
    }
    c = &k->v[k->count++];
    *c = (struct verdict){.raise = over,
                          .measure = measure,
                          .value = value,
                          .threshold = threshold};
    return !over || concerned(k, r, d, at_least, c);
}

static double max_of(const struct ac_power_report *r, enum ac_dim d)
{
    double m = 0;
    for (size_t i = 0; i < r->n; i++) {
        m = r->values[d][i] > m ? r->values[d][i] : m;
    }
    return m;
}

static int64_t percent(double share)
{
    return isfinite(share) ? llround(share * 100) : 0;
}

/* Judges the measures of one scope's report. */
static bool judge_scope(struct checker *k, const struct ac_power_report *r,
                        bool root)
{
    const int64_t *v = k->s->charter.value;
    double min_total = (double)v[AC_P_POWER_MIN_TOTAL];
    const struct ac_dist *adopted = &r->dist[AC_DIM_PROPOSALS_ADOPTED];
    const struct ac_dist *days = &r->dist[AC_DIM_ROLE_DAYS];
    bool ok =
        judge(k, r, "proposals_adopted.gini",
              r->n > 1 && adopted->total >= min_total, percent(adopted->gini),
              v[AC_P_POWER_ADOPTED_GINI], AC_DIM_PROPOSALS_ADOPTED, 0) &&
        judge(k, r, "role_days.top10", r->n > 1 && days->total >= min_total,
              percent(days->top10), v[AC_P_POWER_ROLE_DAYS_TOP10],
              AC_DIM_ROLE_DAYS, 0);
    if (ok && root) {
        int64_t held = (int64_t)max_of(r, AC_DIM_ROLES_HELD);
        int64_t weight = (int64_t)max_of(r, AC_DIM_DELEGATED_WEIGHT);
        int64_t t1 = v[AC_P_POWER_ROLES_HELD];
        int64_t t2 = v[AC_P_POWER_DELEGATED_WEIGHT];
        ok = judge(k, r, "roles_held", true, held, t1, AC_DIM_ROLES_HELD,
                   (double)t1) &&
             judge(k, r, "delegated_weight", true, weight, t2,
                   AC_DIM_DELEGATED_WEIGHT, (double)t2);
    }
    return ok;
}

enum ac_status ac_power_check(const struct ac_state *s, int64_t now,
                              struct ac_arena *a, struct ac_power_change **out,
                              size_t *count, struct ac_err *err)
{
    int64_t since =
        now - s->charter.value[AC_P_POWER_WINDOW_DAYS] * (int64_t)DAY_MS;
    struct ac_power_change *list = NULL;
    size_t n = 0, room = 0;

    for (size_t ci = 0; ci < s->circle_count; ci++) {
        struct checker k = {s, a, {{0}}, 0};
        struct ac_power_report r;
        struct ac_arena_mark mark = ac_arena_mark(a);
        enum ac_status st =
            report(s, s->circles[ci].id, since, now, false, a, &r, err);
        bool ok = st == AC_OK && judge_scope(&k, &r, ci == 0);
        /* the report is scratch: only the verdicts stay */
        ac_arena_rewind(a, mark);
        if (st != AC_OK) {
            return st;
        }
        if (!ok || !grow(a, (void **)&list, &room, n + k.count, sizeof *list)) {
            return NOMEM(err);
        }
        for (size_t i = 0; i < k.count; i++) {
            const struct verdict *v = &k.v[i];
            struct ac_power_change *c = &list[n++];
            *c = (struct ac_power_change){
                v->raise,     v->measure, s->circles[ci].id, v->value,
                v->threshold, NULL,       v->member_count};
            if (v->member_count &&
                !(c->members = ac_arena_alloc(a, v->member_count *
                                                     sizeof *c->members))) {
                return NOMEM(err);
            }
            for (size_t m = 0; m < v->member_count; m++) {
                c->members[m] = v->members[m];
            }
        }
    }
    *out = list;
    *count = n;
    return AC_OK;
}
