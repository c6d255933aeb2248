/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The fold: each event type's effect on the state (docs/events.md). Every
 * handler checks first and changes the state only once nothing can fail
 * but memory. */
#include "state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/time.h"
#include "core/choice.h"
#include "core/draw.h"

static const char *const member_status_names[] = {"invited", "active", "left",
                                                  "removed"};
static const char *const position_names[] = {
    "consent", "concern", "object",     "stand_aside", "yes",  "no",
    "abstain", "ballot",  "nomination", "volunteer",   "pass", "sealed"};
static const char *const proposal_status_names[] = {
    "open",   "needs_integration", "adopted", "withdrawn",
    "lapsed", "rejected",          "decided"};
static const char *const kind_names[] = {
    "agreement.adopt", "agreement.amend", "agreement.retire",
    "charter.amend",   "member.admit",    "member.remove",
    "circle.create",   "circle.amend",    "choice",
    "role.create",     "role.amend",      "role.retire",
    "role.elect",      "role.draw",       "choice.import",
    "income",          "budget.allocate", "spend",
    "budget.round",    "agreement.review"};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == AC_KIND_COUNT,
               "a name for every proposal kind");

const char *ac_stage_name(enum ac_stage ph)
{
    static const char *const names[] = {"none",    "nominate",  "change",
                                        "consent", "volunteer", "reveal"};
    return (unsigned)ph <= AC_STAGE_REVEAL ? names[ph] : NULL;
}

enum ac_param ac_kind_decision_param(enum ac_kind k)
{
    if (k == AC_KIND_ROLE_DRAW) {
        return AC_PARAM_COUNT;
    }
    if (k >= AC_KIND_CHOICE_IMPORT) {
        return (enum ac_param)(AC_P_DECISION_CHOICE_IMPORT +
                               ((int)k - AC_KIND_CHOICE_IMPORT));
    }
    return (enum ac_param)(AC_P_DECISION_AGREEMENT_ADOPT + (int)k);
}

bool ac_method_is_vote(enum ac_method m)
{
    return m == AC_M_MAJORITY || m == AC_M_SUPERMAJORITY;
}

bool ac_method_is_choice(enum ac_method m)
{
    return m >= AC_M_SCHULZE && m < AC_METHOD_COUNT;
}

bool ac_position_allowed(enum ac_method m, enum ac_position p)
{
    if (ac_method_is_choice(m)) {
        return p == AC_POS_BALLOT;
    }
    if (ac_method_is_vote(m)) {
        return p == AC_POS_YES || p == AC_POS_NO || p == AC_POS_ABSTAIN ||
               p == AC_POS_OBJECT;
    }
    return p <= AC_POS_STAND_ASIDE;
}

bool ac_proposal_takes(const struct ac_proposal *p, enum ac_position pos)
{
    if (p->phase == AC_STAGE_VOLUNTEER) {
        return pos == AC_POS_VOLUNTEER || pos == AC_POS_PASS;
    }
    if (p->phase == AC_STAGE_REVEAL) {
        return false; /* reveals change a volunteer's record */
    }
    if (p->phase == AC_STAGE_NOMINATE || p->phase == AC_STAGE_CHANGE) {
        return pos == AC_POS_NOMINATION;
    }
    return ac_position_allowed(p->method.method, pos);
}

const char *ac_member_status_name(enum ac_member_status st)
{
    return (unsigned)st < 4 ? member_status_names[st] : NULL;
}

const char *ac_objection_status_name(enum ac_objection_status st)
{
    static const char *const names[] = {"standing", "withdrawn", "amended"};
    return (unsigned)st < AC_OBJ_STATUS_COUNT ? names[st] : NULL;
}

struct ac_objection *ac_state_objection(const struct ac_proposal *p,
                                        struct ac_str member)
{
    for (size_t i = p->objection_count; i > 0; i--) {
        struct ac_objection *o = &p->objections[i - 1];
        if (o->round != p->round) {
            return NULL;
        }
        if (o->status == AC_OBJ_STANDING && ac_str_eq(o->member, member)) {
            return o;
        }
    }
    return NULL;
}

const char *ac_position_name(enum ac_position p)
{
    return (unsigned)p < AC_POS_COUNT ? position_names[p] : NULL;
}

static bool parse_name(struct ac_str s, const char *const *names, unsigned n,
                       unsigned *out)
{
    for (unsigned i = 0; i < n; i++) {
        if (ac_str_eq_c(s, names[i])) {
            *out = i;
            return true;
        }
    }
    return false;
}

bool ac_position_parse(struct ac_str s, enum ac_position *out)
{
    unsigned i;
    if (!parse_name(s, position_names, AC_POS_COUNT, &i)) {
        return false;
    }
    *out = (enum ac_position)i;
    return true;
}

const char *ac_proposal_status_name(enum ac_proposal_status st)
{
    return (unsigned)st < AC_PROP_STATUS_COUNT ? proposal_status_names[st]
                                               : NULL;
}

bool ac_proposal_status_parse(struct ac_str s, enum ac_proposal_status *out)
{
    unsigned i;
    if (!parse_name(s, proposal_status_names, AC_PROP_STATUS_COUNT, &i)) {
        return false;
    }
    *out = (enum ac_proposal_status)i;
    return true;
}

const char *ac_kind_name(enum ac_kind k)
{
    return (unsigned)k < AC_KIND_COUNT ? kind_names[k] : NULL;
}

bool ac_kind_parse(struct ac_str s, enum ac_kind *out)
{
    unsigned i;
    if (!parse_name(s, kind_names, AC_KIND_COUNT, &i)) {
        return false;
    }
    *out = (enum ac_kind)i;
    return true;
}

bool ac_id_is_valid(struct ac_str id)
{
    if (id.len < 1 || id.len > AC_ID_MAX) {
        return false;
    }
    for (size_t i = 0; i < id.len; i++) {
        char c = id.ptr[i];
        bool ok = ac_ascii_islower(c) || ac_ascii_isdigit(c) ||
                  (i > 0 && (c == '_' || c == '-'));
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* Makes room for one more element of an arena-backed array. */
static bool grow(struct ac_arena *a, void **items, size_t *room, size_t count,
                 size_t size)
{
    size_t n;
    void *p;
    if (count < *room) {
        return true;
    }
    n = *room ? *room * 2 : 8;
    p = ac_arena_alloc(a, n * size);
    if (!p) {
        return false;
    }
    if (count) {
        memcpy(p, *items, count * size);
    }
    *items = p;
    *room = n;
    return true;
}

#define GROW(a, arr, room, count)                                              \
    grow((a), (void **)&(arr), &(room), (count), sizeof *(arr))

void ac_state_init(struct ac_state *s, struct ac_arena *a)
{
    memset(s, 0, sizeof *s);
    s->arena = a;
    ac_charter_defaults(&s->charter);
}

struct ac_member *ac_state_member(const struct ac_state *s, struct ac_str id)
{
    size_t i;
    if (!ac_map_get(&s->member_index, id, &i)) {
        return NULL;
    }
    return &s->members[i];
}

struct ac_circle *ac_state_circle(const struct ac_state *s, struct ac_str id)
{
    for (size_t i = 0; i < s->circle_count; i++) {
        if (ac_str_eq(s->circles[i].id, id)) {
            return &s->circles[i];
        }
    }
    return NULL;
}

/* Index from an id of the form <prefix><n>, n >= 1 without leading 0. */
static bool numbered(struct ac_str id, char prefix, size_t count, size_t *out)
{
    int64_t n;
    if (id.len < 2 || id.len > 20 || id.ptr[0] != prefix || id.ptr[1] == '0') {
        return false;
    }
    if (ac_parse_i64((struct ac_str){id.ptr + 1, id.len - 1}, 1, INT64_MAX, &n,
                     NULL) != AC_OK ||
        id.ptr[1] == '+' || id.ptr[1] == '-' || (uint64_t)n > count) {
        return false;
    }
    *out = (size_t)n - 1;
    return true;
}

struct ac_proposal *ac_state_proposal(const struct ac_state *s,
                                      struct ac_str id)
{
    size_t i;
    return numbered(id, 'p', s->proposal_count, &i) ? &s->proposals[i] : NULL;
}

struct ac_agreement *ac_state_agreement(const struct ac_state *s,
                                        struct ac_str id)
{
    size_t i;
    return numbered(id, 'a', s->agreement_count, &i) ? &s->agreements[i] : NULL;
}

struct ac_role *ac_state_role(const struct ac_state *s, struct ac_str id)
{
    for (size_t i = 0; i < s->role_count; i++) {
        if (ac_str_eq(s->roles[i].id, id)) {
            return &s->roles[i];
        }
    }
    return NULL;
}

/* "from\x1fcircle\x1fkind" into buf; false when it does not fit. */
static bool delegation_key(char *buf, size_t size, struct ac_str from,
                           struct ac_str circle, struct ac_str kind,
                           struct ac_str *out)
{
    int n = snprintf(buf, size, "%.*s\x1f%.*s\x1f%.*s", (int)from.len, from.ptr,
                     (int)circle.len, circle.ptr, (int)kind.len, kind.ptr);
    if (n < 0 || (size_t)n >= size) {
        return false;
    }
    *out = (struct ac_str){buf, (size_t)n};
    return true;
}

struct ac_delegation *ac_state_delegation(const struct ac_state *s,
                                          struct ac_str from,
                                          struct ac_str circle,
                                          struct ac_str kind)
{
    char buf[3 * 64 + 8];
    struct ac_str key;
    size_t i;
    if (!delegation_key(buf, sizeof buf, from, circle, kind, &key) ||
        !ac_map_get(&s->delegation_index, key, &i) || i == SIZE_MAX) {
        return NULL;
    }
    return &s->delegations[i];
}

size_t ac_state_roles_held(const struct ac_state *s, struct ac_str member)
{
    size_t n = 0;
    for (size_t i = 0; i < s->role_count; i++) {
        n += s->roles[i].holder.len && ac_str_eq(s->roles[i].holder, member);
    }
    return n;
}

/* Terms in a row member has held r, counting back from its last term
 * (a vacancy between two of their terms does not break the row; another
 * holder does). */
static int64_t terms_in_a_row(const struct ac_role *r, struct ac_str member)
{
    int64_t n = 0;
    for (size_t i = r->term_count; i > 0; i--) {
        if (!ac_str_eq(r->terms[i - 1].member, member)) {
            break;
        }
        n++;
    }
    return n;
}

bool ac_state_eligible(const struct ac_state *s, const struct ac_role *r,
                       struct ac_str member, char *why, size_t why_size)
{
    const struct ac_circle *c = ac_state_circle(s, r->circle);
    int64_t row, held, max_row = s->charter.value[AC_P_ROLE_MAX_TERMS];
    int64_t max_held = s->charter.value[AC_P_ROLE_MAX_CONCURRENT];
    int n = (int)(member.len > 40 ? 40 : member.len);

    if (!c || !ac_state_in_circle(s, c, member)) {
        snprintf(why, why_size,
                 "\"%.*s\" is not an active member of the circle \"%.*s\"", n,
                 member.ptr, (int)r->circle.len, r->circle.ptr);
        return false;
    }
    row = terms_in_a_row(r, member);
    if (r->holder.len && ac_str_eq(r->holder, member)) {
        /* a new term would follow the one they hold */
    } else if (r->term_count &&
               !ac_str_eq(r->terms[r->term_count - 1].member, member)) {
        row = 0;
    }
    if (row >= max_row) {
        snprintf(why, why_size,
                 "\"%.*s\" has held the role \"%.*s\" for %" PRId64
                 " term(s) in a row; the charter's "
                 "role.max_consecutive_terms is %" PRId64,
                 n, member.ptr, (int)r->id.len, r->id.ptr, row, max_row);
        return false;
    }
    held = (int64_t)ac_state_roles_held(s, member) -
           (r->holder.len && ac_str_eq(r->holder, member));
    if (held >= max_held) {
        snprintf(why, why_size,
                 "\"%.*s\" already holds %" PRId64
                 " role(s); the charter's role.max_concurrent is %" PRId64,
                 n, member.ptr, held, max_held);
        return false;
    }
    return true;
}

/* Ends the current term of r now (retired, or its holder removed). */
static void end_term(struct ac_role *r, int64_t now)
{
    if (r->holder.len && r->term_count) {
        r->terms[r->term_count - 1].end = now;
        r->terms[r->term_count - 1].ended = true;
    }
    r->holder = AC_STR("");
}

static bool is_root(const struct ac_circle *c)
{
    return ac_str_eq_c(c->id, AC_ROOT_CIRCLE);
}

bool ac_state_in_circle(const struct ac_state *s, const struct ac_circle *c,
                        struct ac_str member)
{
    const struct ac_member *m = ac_state_member(s, member);
    if (!m || m->status != AC_MEMBER_ACTIVE) {
        return false;
    }
    if (is_root(c)) {
        return true;
    }
    for (size_t i = 0; i < c->count; i++) {
        if (ac_str_eq(c->members[i], member)) {
            return true;
        }
    }
    return false;
}

size_t ac_state_circle_size(const struct ac_state *s, const struct ac_circle *c)
{
    size_t n = 0;
    if (is_root(c)) {
        return s->active_count;
    }
    for (size_t i = 0; i < c->count; i++) {
        n += ac_state_in_circle(s, c, c->members[i]);
    }
    return n;
}

const struct ac_member *ac_state_invitee(const struct ac_state *s,
                                         const struct ac_proposal *p)
{
    const struct ac_member *m;
    if (p->kind != AC_KIND_MEMBER_ADMIT || p->status != AC_PROP_ADOPTED) {
        return NULL;
    }
    m = ac_state_member(s, p->effect);
    return m && m->status == AC_MEMBER_INVITED ? m : NULL;
}

void ac_state_tally(const struct ac_state *s, const struct ac_proposal *p,
                    int64_t t[AC_POS_COUNT], int64_t *eligible)
{
    const struct ac_circle *c = ac_state_circle(s, p->circle);
    memset(t, 0, sizeof(int64_t) * AC_POS_COUNT);
    /* the change round counts who has spoken again in it */
    bool change = p->phase == AC_STAGE_CHANGE;
    for (size_t i = 0; i < p->count; i++) {
        if (ac_state_in_circle(s, c, p->positions[i].member) &&
            (!change || p->positions[i].second)) {
            t[p->positions[i].position]++;
        }
    }
    *eligible = (int64_t)ac_state_circle_size(s, c);
}

int64_t ac_state_next_due(const struct ac_state *s)
{
    return s->due_count ? s->due[0].at : INT64_MAX;
}

/* ---- the deadline heap ---- */

static bool due_less(const struct ac_due *x, const struct ac_due *y)
{
    return x->at < y->at ||
           (x->at == y->at &&
            (x->kind < y->kind || (x->kind == y->kind && x->index < y->index)));
}

static bool due_valid(const struct ac_state *s, const struct ac_due *d)
{
    const struct ac_proposal *p;
    if (d->kind == AC_DUE_TERM) {
        const struct ac_role *r = &s->roles[d->index];
        return r->holder.len && r->term_count &&
               r->terms[r->term_count - 1].end == d->at;
    }
    if (d->kind == AC_DUE_PB_ROUND) {
        return !s->rounds[d->index].closed;
    }
    if (d->kind == AC_DUE_REVIEW) {
        const struct ac_agreement *ag = &s->agreements[d->index];
        return ag->status == AC_AGREEMENT_ACTIVE && !ag->review_due &&
               ag->review_by == d->at;
    }
    p = &s->proposals[d->index];
    return (p->status == AC_PROP_OPEN && p->deadline == d->at) ||
           (p->status == AC_PROP_NEEDS_INTEGRATION && p->lapse_at == d->at);
}

static bool due_add(struct ac_state *s, int64_t at, size_t index,
                    enum ac_due_kind kind);

static bool due_push(struct ac_state *s, int64_t at, size_t index)
{
    return due_add(s, at, index, AC_DUE_PROPOSAL);
}

static bool due_add(struct ac_state *s, int64_t at, size_t index,
                    enum ac_due_kind kind)
{
    size_t i;
    if (!grow(s->arena, (void **)&s->due, &s->due_room, s->due_count,
              sizeof *s->due)) {
        return false;
    }
    i = s->due_count++;
    s->due[i] = (struct ac_due){at, index, kind};
    while (i > 0 && due_less(&s->due[i], &s->due[(i - 1) / 2])) {
        struct ac_due t = s->due[i];
        s->due[i] = s->due[(i - 1) / 2];
        s->due[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return true;
}

static void due_pop(struct ac_state *s)
{
    size_t i = 0;
    s->due[0] = s->due[--s->due_count];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->due_count && due_less(&s->due[l], &s->due[m])) {
            m = l;
        }
        if (r < s->due_count && due_less(&s->due[r], &s->due[m])) {
            m = r;
        }
        if (m == i) {
            return;
        }
        struct ac_due t = s->due[i];
        s->due[i] = s->due[m];
        s->due[m] = t;
        i = m;
    }
}

/* Drops entries made stale by closes, amendments and withdrawals. */
static void due_clean(struct ac_state *s)
{
    while (s->due_count && !due_valid(s, &s->due[0])) {
        due_pop(s);
    }
}

/* ---- helpers for reading event data ---- */

static enum ac_status bad(struct ac_err *err, const struct ac_event *ev,
                          const char *what)
{
    return ac_err_set(err, AC_ECORRUPT, "event %" PRId64 " (%.*s): %s", ev->seq,
                      (int)ev->type.len, ev->type.ptr, what);
}

static bool get_time(const struct ac_val *o, const char *key, int64_t *ms)
{
    struct ac_str t;
    return ac_val_get_str(o, key, &t) && ac_time_parse(t, ms, NULL) == AC_OK;
}

static struct ac_str keep(struct ac_state *s, struct ac_str v)
{
    return ac_arena_str(s->arena, v);
}

#define NOMEM(err) ac_err_set((err), AC_ENOMEM, "out of memory")

/* ---- members and circles ---- */

static enum ac_status add_member(struct ac_state *s, struct ac_str id,
                                 struct ac_str name, enum ac_member_status st,
                                 struct ac_str by, int64_t since,
                                 struct ac_err *err)
{
    struct ac_member *m;
    if (!GROW(s->arena, s->members, s->member_room, s->member_count)) {
        return NOMEM(err);
    }
    m = &s->members[s->member_count];
    m->id = keep(s, id);
    m->name = keep(s, name);
    m->admitted_by = keep(s, by);
    m->status = st;
    m->since = since;
    if (!m->id.ptr || !m->name.ptr || !m->admitted_by.ptr ||
        !ac_map_put(&s->member_index, s->arena, m->id, s->member_count)) {
        return NOMEM(err);
    }
    s->member_count++;
    if (st == AC_MEMBER_ACTIVE) {
        s->active_count++;
    }
    return AC_OK;
}

static enum ac_status circle_add(struct ac_state *s, struct ac_circle *c,
                                 struct ac_str member, struct ac_err *err)
{
    struct ac_str id = keep(s, member);
    if (!id.ptr || !GROW(s->arena, c->members, c->room, c->count)) {
        return NOMEM(err);
    }
    c->members[c->count++] = id;
    return AC_OK;
}

static void circle_drop(struct ac_circle *c, struct ac_str member)
{
    for (size_t i = 0; i < c->count; i++) {
        if (ac_str_eq(c->members[i], member)) {
            memmove(&c->members[i], &c->members[i + 1],
                    (c->count - i - 1) * sizeof *c->members);
            c->count--;
            return;
        }
    }
}

static enum ac_status add_circle(struct ac_state *s, struct ac_str id,
                                 struct ac_str name, struct ac_str purpose,
                                 struct ac_circle **out, struct ac_err *err)
{
    struct ac_circle *c;
    if (!GROW(s->arena, s->circles, s->circle_room, s->circle_count)) {
        return NOMEM(err);
    }
    c = &s->circles[s->circle_count];
    memset(c, 0, sizeof *c);
    c->id = keep(s, id);
    c->name = keep(s, name);
    c->purpose = keep(s, purpose);
    if (!c->id.ptr || !c->name.ptr || !c->purpose.ptr) {
        return NOMEM(err);
    }
    s->circle_count++;
    *out = c;
    return AC_OK;
}

/* ---- founding ---- */

static enum ac_status on_founded(struct ac_state *s, const struct ac_event *ev,
                                 struct ac_err *err)
{
    const struct ac_val *founder = ac_val_get(ev->data, "founder");
    const struct ac_val *charter = ac_val_get(ev->data, "charter");
    struct ac_str name, fid, fname;
    struct ac_circle *root;
    enum ac_status st;

    if (s->founded || ev->seq != 1) {
        return bad(err, ev, "the organisation is already founded");
    }
    if (!ac_val_get_str(ev->data, "name", &name) ||
        !ac_val_get_str(founder, "id", &fid) ||
        !ac_val_get_str(founder, "name", &fname) || !ac_id_is_valid(fid) ||
        !charter || charter->kind != AC_VAL_OBJ) {
        return bad(err, ev, "founding data is incomplete");
    }
    for (size_t i = 0; i < charter->count; i++) {
        enum ac_param p;
        if (!ac_charter_find(charter->pairs[i].key, &p) ||
            ac_charter_check(p, charter->pairs[i].val, "", NULL) != AC_OK) {
            return bad(err, ev, "founding charter has an invalid parameter");
        }
    }
    for (size_t i = 0; i < charter->count; i++) {
        enum ac_param p;
        ac_charter_find(charter->pairs[i].key, &p);
        st = ac_charter_set(&s->charter, p, charter->pairs[i].val, AC_STR(""),
                            s->arena, err);
        if (st != AC_OK) {
            return st;
        }
    }
    s->name = keep(s, name);
    if (!s->name.ptr) {
        return NOMEM(err);
    }
    st = add_circle(s, AC_STR(AC_ROOT_CIRCLE), AC_STR("All members"),
                    AC_STR(""), &root, err);
    if (st == AC_OK) {
        st = add_member(s, fid, fname, AC_MEMBER_ACTIVE, AC_STR(""), ev->time,
                        err);
    }
    if (st == AC_OK) {
        s->founded = true;
    }
    return st;
}

/* ---- proposals ---- */

static enum ac_status add_version(struct ac_state *s, struct ac_proposal *p,
                                  struct ac_str title,
                                  const struct ac_val *data, int64_t time,
                                  struct ac_err *err)
{
    struct ac_proposal_version *v;
    const struct ac_val *options;
    if (!GROW(s->arena, p->versions, p->version_room, p->version_count)) {
        return NOMEM(err);
    }
    v = &p->versions[p->version_count];
    v->version = (int64_t)p->version_count + 1;
    v->title = keep(s, title);
    v->data = ac_val_copy(s->arena, data);
    v->time = time;
    if (!v->title.ptr || !v->data) {
        return NOMEM(err);
    }
    p->version_count++;
    p->version = v->version;
    p->title = v->title;
    p->data = v->data;
    options = ac_val_get(v->data, "options");
    p->option_count =
        options && options->kind == AC_VAL_ARR ? options->count : 0;
    return AC_OK;
}

/* A round begins: no answers yet; its opening event seeds tie-breaks. */
static void new_round(struct ac_proposal *p, const struct ac_event *ev)
{
    p->count = 0;
    p->position_index = (struct ac_map){0};
    memcpy(p->round_hash, ev->hash, AC_HASH_LEN);
}

static enum ac_status on_opened(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_str id, circle, kind, title, method_name;
    struct ac_method_rule method = {AC_M_CONSENT, 0, false};
    const struct ac_val *data = ac_val_get(ev->data, "data");
    enum ac_kind k;
    int64_t deadline;
    struct ac_proposal *p;
    char want[24];

    snprintf(want, sizeof want, "p%zu", s->proposal_count + 1);
    if (!ac_val_get_str(ev->data, "id", &id) || !ac_str_eq_c(id, want) ||
        !ac_val_get_str(ev->data, "circle", &circle) ||
        !ac_val_get_str(ev->data, "kind", &kind) ||
        !ac_val_get_str(ev->data, "title", &title) || !data ||
        data->kind != AC_VAL_OBJ ||
        !get_time(ev->data, "deadline", &deadline)) {
        return bad(err, ev, "proposal data is incomplete");
    }
    if (!ac_kind_parse(kind, &k) || !ac_state_circle(s, circle) ||
        !ac_state_member(s, ev->actor)) {
        return bad(err, ev, "unknown kind, circle or author");
    }
    if (ac_val_get(ev->data, "method") &&
        (!ac_val_get_str(ev->data, "method", &method_name) ||
         !ac_method_parse(method_name, &method))) {
        return bad(err, ev, "unknown decision method");
    }
    if (ac_method_is_choice(method.method) != (k == AC_KIND_CHOICE) ||
        (ac_kind_decision_param(k) == AC_PARAM_COUNT
             ? method.method != AC_M_CONSENT
             : (int64_t)method.method <
                       ac_charter_def(ac_kind_decision_param(k))->min ||
                   (int64_t)method.method >
                       ac_charter_def(ac_kind_decision_param(k))->max)) {
        return bad(err, ev, "the method does not fit the kind");
    }
    if (!GROW(s->arena, s->proposals, s->proposal_room, s->proposal_count)) {
        return NOMEM(err);
    }
    p = &s->proposals[s->proposal_count];
    memset(p, 0, sizeof *p);
    p->id = keep(s, id);
    p->circle = keep(s, circle);
    p->author = keep(s, ev->actor);
    p->outcome = AC_STR("");
    p->effect = AC_STR("");
    p->kind = k;
    p->method = method;
    p->phase = k == AC_KIND_ROLE_ELECT  ? AC_STAGE_NOMINATE
               : k == AC_KIND_ROLE_DRAW ? AC_STAGE_VOLUNTEER
                                        : AC_STAGE_NONE;
    p->candidate = AC_STR("");
    p->status = AC_PROP_OPEN;
    p->round = 1;
    p->opened = ev->time;
    p->deadline = deadline;
    if (!p->id.ptr || !p->circle.ptr || !p->author.ptr) {
        return NOMEM(err);
    }
    if (add_version(s, p, title, data, ev->time, err) != AC_OK) {
        return err ? err->code : AC_ENOMEM;
    }
    new_round(p, ev);
    if (!due_push(s, deadline, s->proposal_count)) {
        return NOMEM(err);
    }
    s->proposal_count++;
    return AC_OK;
}

static struct ac_proposal *event_proposal(const struct ac_state *s,
                                          const struct ac_event *ev)
{
    struct ac_str id;
    if (!ac_val_get_str(ev->data, "proposal", &id)) {
        return NULL;
    }
    return ac_state_proposal(s, id);
}

/* The actor's answer record in the proposal's open round, created when
 * they have none; NULL when the event does not fit the round. */
static enum ac_status answer_rec(struct ac_state *s, const struct ac_event *ev,
                                 struct ac_proposal **pp,
                                 struct ac_position_rec **out,
                                 struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    int64_t round;
    size_t i;
    struct ac_position_rec *r;

    if (!p || p->status != AC_PROP_OPEN ||
        !ac_val_get_int(ev->data, "round", &round) || round != p->round) {
        return bad(err, ev, "answer does not match an open round");
    }
    if (!ac_state_in_circle(s, ac_state_circle(s, p->circle), ev->actor)) {
        return bad(err, ev, "the actor is not in the proposal's circle");
    }
    *pp = p;
    if (ac_map_get(&p->position_index, ev->actor, &i)) {
        *out = &p->positions[i];
        return AC_OK;
    }
    if (!GROW(s->arena, p->positions, p->room, p->count)) {
        return NOMEM(err);
    }
    r = &p->positions[p->count];
    memset(r, 0, sizeof *r);
    r->member = keep(s, ev->actor);
    r->reason = AC_STR("");
    if (!r->member.ptr ||
        !ac_map_put(&p->position_index, s->arena, r->member, p->count)) {
        return NOMEM(err);
    }
    p->count++;
    *out = r;
    return AC_OK;
}

/* Keeps the objection history in step with a position: an objection is
 * added (or its reason and criterion change), and any other position
 * withdraws the member's standing objection of the round. */
static enum ac_status note_objection(struct ac_state *s, struct ac_proposal *p,
                                     const struct ac_event *ev,
                                     enum ac_position pv, struct ac_str reason,
                                     struct ac_err *err)
{
    struct ac_objection *o = ac_state_objection(p, ev->actor);
    struct ac_str criterion = AC_STR("");
    if (pv != AC_POS_OBJECT) {
        if (o) {
            o->status = AC_OBJ_WITHDRAWN;
            o->time = ev->time;
        }
        return AC_OK;
    }
    if (ac_val_get_str(ev->data, "criterion", &criterion)) {
        criterion = keep(s, criterion);
        if (!criterion.ptr) {
            return NOMEM(err);
        }
    }
    if (!o) {
        if (!GROW(s->arena, p->objections, p->objection_room,
                  p->objection_count)) {
            return NOMEM(err);
        }
        o = &p->objections[p->objection_count];
        memset(o, 0, sizeof *o);
        o->member = keep(s, ev->actor);
        if (!o->member.ptr) {
            return NOMEM(err);
        }
        o->round = p->round;
        o->status = AC_OBJ_STANDING;
        p->objection_count++;
    }
    o->reason = reason;
    o->criterion = criterion;
    o->time = ev->time;
    return AC_OK;
}

static enum ac_status on_integration(struct ac_state *s,
                                     const struct ac_event *ev,
                                     struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_str objector, suggestion;
    struct ac_objection *o;
    struct ac_attempt *at;
    int64_t round;

    if (!p ||
        (p->status != AC_PROP_OPEN && p->status != AC_PROP_NEEDS_INTEGRATION) ||
        !ac_val_get_int(ev->data, "round", &round) || round != p->round ||
        !ac_val_get_str(ev->data, "objector", &objector) ||
        !ac_val_get_str(ev->data, "suggestion", &suggestion) ||
        !(o = ac_state_objection(p, objector)) ||
        (!ac_str_eq(ev->actor, p->author) && !ac_str_eq(ev->actor, objector))) {
        return bad(err, ev, "integration does not match a standing objection");
    }
    if (!GROW(s->arena, o->attempts, o->attempt_room, o->attempt_count)) {
        return NOMEM(err);
    }
    at = &o->attempts[o->attempt_count];
    at->by = keep(s, ev->actor);
    at->suggestion = keep(s, suggestion);
    at->time = ev->time;
    if (!at->by.ptr || !at->suggestion.ptr) {
        return NOMEM(err);
    }
    o->attempt_count++;
    return AC_OK;
}

static enum ac_status on_position(struct ac_state *s, const struct ac_event *ev,
                                  struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_str pos, reason;
    enum ac_position pv;
    struct ac_position_rec *r;
    enum ac_status st;

    if (!p || p->method.secret || !ac_val_get_str(ev->data, "position", &pos) ||
        !ac_position_parse(pos, &pv) || pv == AC_POS_NOMINATION ||
        !ac_proposal_takes(p, pv) ||
        !ac_val_get_str(ev->data, "reason", &reason)) {
        return bad(err, ev, "position does not fit the proposal's method");
    }
    st = answer_rec(s, ev, &p, &r, err);
    if (st != AC_OK) {
        return st;
    }
    r->reason = keep(s, reason);
    if (!r->reason.ptr) {
        return NOMEM(err);
    }
    r->position = pv;
    r->time = ev->time;
    return note_objection(s, p, ev, pv, r->reason, err);
}

/* vote.cast {proposal, round}: the actor voted, secretly. */
static enum ac_status
on_vote_cast(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_position_rec *r;
    enum ac_status st;
    if (!p || !p->method.secret) {
        return bad(err, ev, "a secret vote needs a secret ballot");
    }
    st = answer_rec(s, ev, &p, &r, err);
    if (st != AC_OK) {
        return st;
    }
    r->position = AC_POS_SEALED;
    r->sealed = true;
    r->marks = NULL;
    r->reason = AC_STR("");
    r->time = ev->time;
    return AC_OK;
}

enum ac_status ac_state_seal(struct ac_state *s, struct ac_str proposal,
                             int64_t round, struct ac_str member,
                             const struct ac_val *content, struct ac_err *err)
{
    struct ac_proposal *p = ac_state_proposal(s, proposal);
    struct ac_position_rec *r;
    size_t i;
    if (!p || p->status != AC_PROP_OPEN || p->round != round ||
        !p->method.secret || !ac_map_get(&p->position_index, member, &i) ||
        !p->positions[i].sealed) {
        return AC_OK; /* stale: the round moved on or closed */
    }
    r = &p->positions[i];
    if (ac_method_is_choice(p->method.method)) {
        /* sealed again (a server following others' appends reads the kept
         * answers each time): the marks it has are overwritten in place,
         * so the state does not grow with every reading */
        uint16_t *marks =
            r->position == AC_POS_BALLOT && r->marks
                ? r->marks
                : ac_arena_alloc(s->arena, p->option_count * sizeof *marks);
        if (!marks) {
            return NOMEM(err);
        }
        if (ac_ballot_marks(p->method.method, content, p->option_count, marks,
                            err) != AC_OK) {
            return AC_EINVAL;
        }
        r->marks = marks;
        r->position = AC_POS_BALLOT;
    } else {
        struct ac_str name;
        enum ac_position pos;
        if (!ac_val_get_str(content, "position", &name) ||
            !ac_position_parse(name, &pos) ||
            !ac_position_allowed(p->method.method, pos)) {
            return ac_err_set(err, AC_EINVAL, "a sealed vote has no position");
        }
        r->position = pos;
    }
    return AC_OK;
}

static enum ac_status on_ballot(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_position_rec *r;
    uint16_t *marks;
    enum ac_status st;

    if (!p || !ac_method_is_choice(p->method.method) || p->method.secret) {
        return bad(err, ev, "an open ballot needs an open choice proposal");
    }
    marks = ac_arena_alloc(s->arena, (p->option_count ? p->option_count : 1) *
                                         sizeof *marks);
    if (!marks) {
        return NOMEM(err);
    }
    if (ac_ballot_marks(p->method.method, ev->data, p->option_count, marks,
                        NULL) != AC_OK) {
        return bad(err, ev, "the ballot does not fit the proposal");
    }
    st = answer_rec(s, ev, &p, &r, err);
    if (st != AC_OK) {
        return st;
    }
    r->position = AC_POS_BALLOT;
    r->marks = marks;
    r->time = ev->time;
    return AC_OK;
}

static enum ac_status
on_nomination(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_str nominee, reason;
    struct ac_position_rec *r;
    enum ac_status st;

    if (!p || !ac_proposal_takes(p, AC_POS_NOMINATION) ||
        !ac_val_get_str(ev->data, "nominee", &nominee) ||
        !ac_val_get_str(ev->data, "reason", &reason) ||
        !ac_state_member(s, nominee)) {
        return bad(err, ev, "nomination does not fit an election");
    }
    st = answer_rec(s, ev, &p, &r, err);
    if (st != AC_OK) {
        return st;
    }
    r->nominee = keep(s, nominee);
    r->reason = keep(s, reason);
    if (!r->nominee.ptr || !r->reason.ptr) {
        return NOMEM(err);
    }
    r->position = AC_POS_NOMINATION;
    r->second = p->phase == AC_STAGE_CHANGE;
    r->time = ev->time;
    return AC_OK;
}

/* election.changing: the nominations are in, the change round begins;
 * election.proposed: the consent round on the candidate begins. */
static enum ac_status on_phase(struct ac_state *s, const struct ac_event *ev,
                               struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    bool proposed = ac_str_eq_c(ev->type, "election.proposed");
    struct ac_str candidate = {NULL, 0};
    int64_t deadline, round = 0;

    if (!p || p->status != AC_PROP_OPEN ||
        p->phase != (proposed ? AC_STAGE_CHANGE : AC_STAGE_NOMINATE) ||
        !get_time(ev->data, "deadline", &deadline) ||
        (proposed &&
         (!ac_val_get_str(ev->data, "candidate", &candidate) ||
          !ac_val_get_int(ev->data, "round", &round) || round != p->round + 1 ||
          !ac_state_member(s, candidate)))) {
        return bad(err, ev, "election phase does not follow the election");
    }
    if (!due_push(s, deadline, (size_t)(p - s->proposals))) {
        return NOMEM(err);
    }
    p->deadline = deadline;
    if (!proposed) {
        p->phase = AC_STAGE_CHANGE;
        return AC_OK;
    }
    p->candidate = keep(s, candidate);
    p->nominations = ac_val_copy(s->arena, ac_val_get(ev->data, "nominations"));
    if (!p->candidate.ptr ||
        (ac_val_get(ev->data, "nominations") && !p->nominations)) {
        return NOMEM(err);
    }
    p->phase = AC_STAGE_CONSENT;
    p->round = round;
    new_round(p, ev);
    return AC_OK;
}

/* draw.volunteered {proposal, round, commitment} and draw.passed
 * {proposal, round}: a member's answer in a draw's volunteer phase. */
static enum ac_status
on_volunteer(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    bool volunteer = ac_str_eq_c(ev->type, "draw.volunteered");
    struct ac_str commitment = AC_STR("");
    struct ac_position_rec *r;
    enum ac_status st;

    if (!p || p->phase != AC_STAGE_VOLUNTEER ||
        (volunteer && (!ac_val_get_str(ev->data, "commitment", &commitment) ||
                       commitment.len != AC_HEX_LEN))) {
        return bad(err, ev, "volunteering does not fit a draw");
    }
    st = answer_rec(s, ev, &p, &r, err);
    if (st != AC_OK) {
        return st;
    }
    r->position = volunteer ? AC_POS_VOLUNTEER : AC_POS_PASS;
    r->commitment = volunteer ? keep(s, commitment) : AC_STR("");
    r->secret = AC_STR("");
    r->time = ev->time;
    return r->commitment.ptr ? AC_OK : NOMEM(err);
}

static enum ac_status
on_revealing(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    int64_t deadline;
    if (!p || p->status != AC_PROP_OPEN || p->phase != AC_STAGE_VOLUNTEER ||
        !get_time(ev->data, "deadline", &deadline)) {
        return bad(err, ev, "the reveal phase does not follow a draw");
    }
    if (!due_push(s, deadline, (size_t)(p - s->proposals))) {
        return NOMEM(err);
    }
    p->deadline = deadline;
    p->phase = AC_STAGE_REVEAL;
    return AC_OK;
}

static enum ac_status on_revealed(struct ac_state *s, const struct ac_event *ev,
                                  struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_str secret;
    size_t i;
    struct ac_position_rec *r;
    if (!p || p->status != AC_PROP_OPEN || p->phase != AC_STAGE_REVEAL ||
        !ac_val_get_str(ev->data, "secret", &secret) ||
        !ac_map_get(&p->position_index, ev->actor, &i) ||
        p->positions[i].position != AC_POS_VOLUNTEER ||
        !ac_draw_matches(p->positions[i].commitment, secret)) {
        return bad(err, ev, "the secret does not match a commitment");
    }
    r = &p->positions[i];
    r->secret = keep(s, secret);
    r->time = ev->time;
    return r->secret.ptr ? AC_OK : NOMEM(err);
}

/* delegation.given {circle, kind, to, expires}, delegation.revoked
 * {circle, kind} by the delegator; delegation.refused {from, circle,
 * kind} by the delegate. */
static enum ac_status
on_delegation(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_str circle, kind, to, from = ev->actor;
    struct ac_delegation *d;
    int64_t expires = 0;
    bool given = ac_str_eq_c(ev->type, "delegation.given");
    bool refused = ac_str_eq_c(ev->type, "delegation.refused");

    if (!ac_val_get_str(ev->data, "circle", &circle) ||
        !ac_val_get_str(ev->data, "kind", &kind) ||
        !ac_state_circle(s, circle) ||
        (refused && !ac_val_get_str(ev->data, "from", &from)) ||
        (given &&
         (!ac_val_get_str(ev->data, "to", &to) || !ac_state_member(s, to) ||
          ac_str_eq(to, from) || !ac_state_member(s, from) ||
          !get_time(ev->data, "expires", &expires)))) {
        return bad(err, ev, "delegation data is incomplete");
    }
    d = ac_state_delegation(s, from, circle, kind);
    if (refused) {
        if (!d || !ac_str_eq(d->to, ev->actor)) {
            return bad(err, ev, "only the delegate refuses a delegation");
        }
        d->refused = true;
        return AC_OK;
    }
    if (!given) {
        if (!d) {
            return bad(err, ev, "no such delegation to revoke");
        }
        size_t at = (size_t)(d - s->delegations);
        /* the key's slot says revoked; the last delegation moves in */
        if (!ac_map_put(&s->delegation_index, s->arena, d->key, SIZE_MAX)) {
            return NOMEM(err);
        }
        *d = s->delegations[--s->delegation_count];
        if (at < s->delegation_count &&
            !ac_map_put(&s->delegation_index, s->arena, d->key, at)) {
            return NOMEM(err);
        }
        return AC_OK;
    }
    if (!d) {
        if (!GROW(s->arena, s->delegations, s->delegation_room,
                  s->delegation_count)) {
            return NOMEM(err);
        }
        char buf[3 * 64 + 8];
        struct ac_str key;
        d = &s->delegations[s->delegation_count];
        if (!delegation_key(buf, sizeof buf, from, circle, kind, &key)) {
            return bad(err, ev, "delegation names are too long");
        }
        d->from = keep(s, from);
        d->circle = keep(s, circle);
        d->kind = keep(s, kind);
        d->key = keep(s, key);
        if (!d->from.ptr || !d->circle.ptr || !d->kind.ptr || !d->key.ptr ||
            !ac_map_put(&s->delegation_index, s->arena, d->key,
                        s->delegation_count)) {
            return NOMEM(err);
        }
        s->delegation_count++;
    }
    d->to = keep(s, to);
    d->since = ev->time;
    d->expires = expires;
    d->refused = false;
    return d->to.ptr ? AC_OK : NOMEM(err);
}

static enum ac_status
on_term_ended(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_str id, member;
    struct ac_role *r;
    if (!ac_val_get_str(ev->data, "role", &id) ||
        !ac_val_get_str(ev->data, "member", &member) ||
        !(r = ac_state_role(s, id)) || !r->holder.len ||
        !ac_str_eq(r->holder, member) || !ac_str_eq_c(ev->actor, "system") ||
        ev->time < r->terms[r->term_count - 1].end) {
        return bad(err, ev, "the term that ends is not held, or not over");
    }
    r->terms[r->term_count - 1].end = ev->time;
    r->terms[r->term_count - 1].ended = true;
    r->holder = AC_STR("");
    return AC_OK;
}

static enum ac_status on_amended(struct ac_state *s, const struct ac_event *ev,
                                 struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_str title, candidate = {NULL, 0};
    const struct ac_val *data = ac_val_get(ev->data, "data");
    int64_t version, round, deadline;
    enum ac_status st;

    if (!p ||
        (p->status != AC_PROP_OPEN && p->status != AC_PROP_NEEDS_INTEGRATION) ||
        !ac_str_eq(p->author, ev->actor) ||
        !ac_val_get_str(ev->data, "title", &title) || !data ||
        data->kind != AC_VAL_OBJ ||
        !ac_val_get_int(ev->data, "version", &version) ||
        version != p->version + 1 ||
        !ac_val_get_int(ev->data, "round", &round) || round != p->round + 1 ||
        !get_time(ev->data, "deadline", &deadline)) {
        return bad(err, ev, "amendment does not follow the proposal");
    }
    if (p->kind == AC_KIND_ROLE_DRAW ||
        (p->kind == AC_KIND_ROLE_ELECT &&
         (p->phase != AC_STAGE_CONSENT ||
          !ac_val_get_str(data, "candidate", &candidate) ||
          !ac_state_member(s, candidate) ||
          !ac_val_equal(ac_val_get(data, "role"),
                        ac_val_get(p->data, "role"))))) {
        return bad(err, ev,
                   "an election is amended by naming a candidate "
                   "for its role; a draw is not amended");
    }
    st = add_version(s, p, title, data, ev->time, err);
    if (st != AC_OK) {
        return st;
    }
    if (p->kind == AC_KIND_ROLE_ELECT) {
        p->candidate = keep(s, candidate);
        if (!p->candidate.ptr) {
            return NOMEM(err);
        }
    }
    for (size_t i = 0; i < p->objection_count; i++) {
        struct ac_objection *o = &p->objections[i];
        if (o->round == p->round && o->status == AC_OBJ_STANDING) {
            o->status = AC_OBJ_AMENDED;
            o->answered_by = version;
        }
    }
    if (!due_push(s, deadline, (size_t)(p - s->proposals))) {
        return NOMEM(err);
    }
    p->round = round;
    p->deadline = deadline;
    p->status = AC_PROP_OPEN;
    new_round(p, ev);
    p->lapse_at = 0;
    p->outcome = AC_STR("");
    return AC_OK;
}

static enum ac_status
on_withdrawn(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    if (!p ||
        (p->status != AC_PROP_OPEN && p->status != AC_PROP_NEEDS_INTEGRATION) ||
        !ac_str_eq(p->author, ev->actor)) {
        return bad(err, ev, "only an open proposal's author may withdraw it");
    }
    p->status = AC_PROP_WITHDRAWN;
    p->closed = ev->time;
    p->outcome = AC_STR("withdrawn by its author");
    return AC_OK;
}

static enum ac_status on_lapsed(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    struct ac_str reason;
    if (!p || p->status != AC_PROP_NEEDS_INTEGRATION ||
        !ac_val_get_str(ev->data, "reason", &reason)) {
        return bad(err, ev, "only a proposal awaiting integration lapses");
    }
    p->outcome = keep(s, reason);
    if (!p->outcome.ptr) {
        return NOMEM(err);
    }
    p->status = AC_PROP_LAPSED;
    p->closed = ev->time;
    return AC_OK;
}

/* ---- effects of adoption ---- */

static enum ac_status fx_agreement_adopt(struct ac_state *s,
                                         struct ac_proposal *p,
                                         const struct ac_event *ev,
                                         struct ac_err *err)
{
    struct ac_str id, text, review;
    struct ac_agreement *ag;
    struct ac_agreement_version *v;
    char want[24];
    int64_t review_by = -1;

    snprintf(want, sizeof want, "a%zu", s->agreement_count + 1);
    if (!ac_val_get_str(ev->data, "agreement", &id) || !ac_str_eq_c(id, want) ||
        !ac_val_get_str(p->data, "text", &text)) {
        return bad(err, ev, "adopted agreement has no valid id");
    }
    if (ac_val_get_str(p->data, "review_by", &review) &&
        ac_date_parse(review, &review_by, NULL) != AC_OK) {
        return bad(err, ev, "adopted agreement has a malformed review date");
    }
    if (!GROW(s->arena, s->agreements, s->agreement_room, s->agreement_count)) {
        return NOMEM(err);
    }
    ag = &s->agreements[s->agreement_count];
    memset(ag, 0, sizeof *ag);
    ag->id = keep(s, id);
    ag->circle = p->circle;
    ag->title = p->title;
    ag->status = AC_AGREEMENT_ACTIVE;
    ag->review_by = review_by;
    if (!ag->id.ptr || !GROW(s->arena, ag->versions, ag->room, ag->count)) {
        return NOMEM(err);
    }
    v = &ag->versions[0];
    v->version = 1;
    v->text = keep(s, text);
    v->proposal = p->id;
    v->time = ev->time;
    if (!v->text.ptr) {
        return NOMEM(err);
    }
    ag->count = 1;
    if (review_by >= 0 &&
        !due_add(s, review_by, s->agreement_count, AC_DUE_REVIEW)) {
        return NOMEM(err);
    }
    s->agreement_count++;
    p->effect = ag->id;
    return AC_OK;
}

static struct ac_agreement *data_agreement(const struct ac_state *s,
                                           const struct ac_proposal *p)
{
    struct ac_str id;
    struct ac_agreement *ag;
    if (!ac_val_get_str(p->data, "agreement", &id)) {
        return NULL;
    }
    ag = ac_state_agreement(s, id);
    return ag && ag->status == AC_AGREEMENT_ACTIVE ? ag : NULL;
}

static enum ac_status fx_agreement_amend(struct ac_state *s,
                                         struct ac_proposal *p,
                                         const struct ac_event *ev,
                                         struct ac_err *err)
{
    struct ac_agreement *ag = data_agreement(s, p);
    struct ac_str text;
    struct ac_agreement_version *v;
    if (!ag || !ac_val_get_str(p->data, "text", &text)) {
        return bad(err, ev, "amended agreement is not active");
    }
    if (!GROW(s->arena, ag->versions, ag->room, ag->count)) {
        return NOMEM(err);
    }
    v = &ag->versions[ag->count];
    v->version = (int64_t)ag->count + 1;
    v->text = keep(s, text);
    v->proposal = p->id;
    v->time = ev->time;
    if (!v->text.ptr) {
        return NOMEM(err);
    }
    ag->count++;
    p->effect = ag->id;
    return AC_OK;
}

/* agreement.review: keep (with a next review date or none), amend (a
 * new version) or retire; in every case the due review is answered. */
static enum ac_status fx_agreement_review(struct ac_state *s,
                                          struct ac_proposal *p,
                                          const struct ac_event *ev,
                                          struct ac_err *err)
{
    struct ac_agreement *ag = data_agreement(s, p);
    struct ac_str outcome, review;
    int64_t next = -1;
    enum ac_status st = AC_OK;
    if (!ag || !ac_val_get_str(p->data, "outcome", &outcome) ||
        (ac_val_get_str(p->data, "review_by", &review) &&
         ac_date_parse(review, &next, NULL) != AC_OK)) {
        return bad(err, ev, "a review of no active agreement");
    }
    if (ac_str_eq_c(outcome, "amend")) {
        st = fx_agreement_amend(s, p, ev, err);
    } else if (ac_str_eq_c(outcome, "retire")) {
        ag->status = AC_AGREEMENT_RETIRED;
    } else if (!ac_str_eq_c(outcome, "keep")) {
        return bad(err, ev, "a review keeps, amends or retires");
    }
    if (st != AC_OK) {
        return st;
    }
    ag->review_due = false;
    ag->review_by = next;
    if (ag->status == AC_AGREEMENT_ACTIVE && next >= 0 &&
        !due_add(s, next, (size_t)(ag - s->agreements), AC_DUE_REVIEW)) {
        return NOMEM(err);
    }
    p->effect = ag->id;
    return AC_OK;
}

static enum ac_status fx_agreement_retire(struct ac_state *s,
                                          struct ac_proposal *p,
                                          const struct ac_event *ev,
                                          struct ac_err *err)
{
    struct ac_agreement *ag = data_agreement(s, p);
    if (!ag) {
        return bad(err, ev, "retired agreement is not active");
    }
    ag->status = AC_AGREEMENT_RETIRED;
    p->effect = ag->id;
    return AC_OK;
}

static enum ac_status fx_charter_amend(struct ac_state *s,
                                       struct ac_proposal *p,
                                       const struct ac_event *ev,
                                       struct ac_err *err)
{
    const struct ac_val *set = ac_val_get(p->data, "set");
    struct ac_charter next = s->charter;
    if (!set || set->kind != AC_VAL_OBJ) {
        return bad(err, ev, "charter amendment has no parameters");
    }
    for (size_t i = 0; i < set->count; i++) {
        enum ac_param k;
        enum ac_status st;
        struct ac_str circle;
        const struct ac_val *v = set->pairs[i].val;
        if (ac_charter_rule_name(set->pairs[i].key, &k, &circle)) {
            if (!ac_state_circle(s, circle) ||
                ac_charter_rule_check(k, v, "", NULL) != AC_OK) {
                return bad(err, ev, "charter amendment has an invalid rule");
            }
            st = ac_charter_rule_set(&next, k, circle, v, p->id, s->arena, err);
        } else if (!ac_charter_find(set->pairs[i].key, &k) ||
                   ac_charter_check(k, v, "", NULL) != AC_OK) {
            return bad(err, ev, "charter amendment has an invalid parameter");
        } else if (k == AC_P_MONEY_CURRENCY &&
                   !ac_str_eq(v->s, s->charter.text[k]) &&
                   ac_state_money_in_play(s)) {
            return bad(err, ev, "the currency changed with money in play");
        } else {
            st = ac_charter_set(&next, k, v, p->id, s->arena, err);
        }
        /* only memory can fail here, and that is not corruption */
        if (st != AC_OK) {
            return st;
        }
    }
    s->charter = next;
    return AC_OK;
}

static enum ac_status fx_member_admit(struct ac_state *s, struct ac_proposal *p,
                                      const struct ac_event *ev,
                                      struct ac_err *err)
{
    struct ac_str id, name;
    enum ac_status st;
    if (!ac_val_get_str(p->data, "id", &id) ||
        !ac_val_get_str(p->data, "name", &name) || !ac_id_is_valid(id) ||
        ac_state_member(s, id)) {
        return bad(err, ev, "admitted member id is invalid or taken");
    }
    st = add_member(s, id, name, AC_MEMBER_INVITED, p->id, ev->time, err);
    if (st == AC_OK) {
        /* the member's own copy: nothing left to allocate, nor to fail */
        p->effect = s->members[s->member_count - 1].id;
    }
    return st;
}

static enum ac_status fx_member_remove(struct ac_state *s,
                                       struct ac_proposal *p,
                                       const struct ac_event *ev,
                                       struct ac_err *err)
{
    struct ac_str id;
    struct ac_member *m;
    if (!ac_val_get_str(p->data, "member", &id) ||
        !(m = ac_state_member(s, id)) ||
        (m->status != AC_MEMBER_ACTIVE && m->status != AC_MEMBER_INVITED)) {
        return bad(err, ev, "removed member is not a member");
    }
    if (m->status == AC_MEMBER_ACTIVE) {
        s->active_count--;
    }
    m->status = AC_MEMBER_REMOVED;
    for (size_t i = 1; i < s->circle_count; i++) {
        circle_drop(&s->circles[i], id);
    }
    for (size_t i = 0; i < s->role_count; i++) {
        if (ac_str_eq(s->roles[i].holder, id)) {
            end_term(&s->roles[i], ev->time);
        }
    }
    p->effect = m->id;
    return AC_OK;
}

static enum ac_status fx_circle_create(struct ac_state *s,
                                       struct ac_proposal *p,
                                       const struct ac_event *ev,
                                       struct ac_err *err)
{
    struct ac_str id, name, purpose;
    const struct ac_val *members = ac_val_get(p->data, "members");
    struct ac_circle *c;
    enum ac_status st;
    if (!ac_val_get_str(p->data, "id", &id) ||
        !ac_val_get_str(p->data, "name", &name) ||
        !ac_val_get_str(p->data, "purpose", &purpose) || !members ||
        members->kind != AC_VAL_ARR || ac_state_circle(s, id)) {
        return bad(err, ev, "created circle is invalid or exists");
    }
    for (size_t i = 0; i < members->count; i++) {
        if (members->items[i]->kind != AC_VAL_STR ||
            !ac_state_member(s, members->items[i]->s)) {
            return bad(err, ev, "created circle names an unknown member");
        }
    }
    st = add_circle(s, id, name, purpose, &c, err);
    if (st != AC_OK) {
        return st; /* c is not set */
    }
    for (size_t i = 0; st == AC_OK && i < members->count; i++) {
        st = circle_add(s, c, members->items[i]->s, err);
    }
    p->effect = c->id;
    return st;
}

static enum ac_status fx_circle_amend(struct ac_state *s, struct ac_proposal *p,
                                      const struct ac_event *ev,
                                      struct ac_err *err)
{
    struct ac_str id, purpose;
    const struct ac_val *add = ac_val_get(p->data, "add");
    const struct ac_val *rm = ac_val_get(p->data, "remove");
    struct ac_circle *c;
    enum ac_status st = AC_OK;
    if (!ac_val_get_str(p->data, "circle", &id) ||
        !(c = ac_state_circle(s, id))) {
        return bad(err, ev, "amended circle does not exist");
    }
    if ((add && add->kind != AC_VAL_ARR) || (rm && rm->kind != AC_VAL_ARR)) {
        return bad(err, ev, "circle amendment lists are malformed");
    }
    if (ac_val_get_str(p->data, "purpose", &purpose)) {
        c->purpose = keep(s, purpose);
        if (!c->purpose.ptr) {
            return NOMEM(err);
        }
    }
    for (size_t i = 0; rm && i < rm->count; i++) {
        if (rm->items[i]->kind == AC_VAL_STR) {
            circle_drop(c, rm->items[i]->s);
        }
    }
    for (size_t i = 0; add && st == AC_OK && i < add->count; i++) {
        if (add->items[i]->kind == AC_VAL_STR) {
            circle_drop(c, add->items[i]->s);
            st = circle_add(s, c, add->items[i]->s, err);
        }
    }
    p->effect = c->id;
    return st;
}

/* Copies a role's fields from data (those present) into r. */
static enum ac_status role_fields(struct ac_state *s, struct ac_role *r,
                                  const struct ac_val *data,
                                  const struct ac_event *ev, struct ac_err *err)
{
    struct ac_str v;
    const struct ac_val *acc = ac_val_get(data, "accountabilities");
    int64_t days;
    if (ac_val_get_str(data, "name", &v) && !(r->name = keep(s, v)).ptr) {
        return NOMEM(err);
    }
    if (ac_val_get_str(data, "purpose", &v) && !(r->purpose = keep(s, v)).ptr) {
        return NOMEM(err);
    }
    if (ac_val_get_str(data, "domain", &v) && !(r->domain = keep(s, v)).ptr) {
        return NOMEM(err);
    }
    if (acc) {
        if (acc->kind != AC_VAL_ARR) {
            return bad(err, ev, "accountabilities are not a list");
        }
        if (!(r->accountabilities = ac_val_copy(s->arena, acc))) {
            return NOMEM(err);
        }
    }
    if (ac_val_get_int(data, "term_days", &days)) {
        if (days < 1 || days > 3650) {
            return bad(err, ev, "a role's term is 1..3650 days");
        }
        r->term_days = days;
    }
    return AC_OK;
}

static enum ac_status fx_role_create(struct ac_state *s, struct ac_proposal *p,
                                     const struct ac_event *ev,
                                     struct ac_err *err)
{
    struct ac_str id;
    struct ac_role *r;
    if (!ac_val_get_str(p->data, "id", &id) || !ac_id_is_valid(id) ||
        ac_state_role(s, id)) {
        return bad(err, ev, "created role is invalid or exists");
    }
    if (!GROW(s->arena, s->roles, s->role_room, s->role_count)) {
        return NOMEM(err);
    }
    r = &s->roles[s->role_count];
    memset(r, 0, sizeof *r);
    r->id = keep(s, id);
    r->circle = p->circle;
    r->created_by = p->id;
    r->holder = AC_STR("");
    r->name = r->purpose = r->domain = AC_STR("");
    if (!r->id.ptr) {
        return NOMEM(err);
    }
    s->role_count++;
    p->effect = r->id;
    return role_fields(s, r, p->data, ev, err);
}

static struct ac_role *data_role(const struct ac_state *s,
                                 const struct ac_proposal *p)
{
    struct ac_str id;
    struct ac_role *r;
    if (!ac_val_get_str(p->data, "role", &id)) {
        return NULL;
    }
    r = ac_state_role(s, id);
    return r && !r->retired ? r : NULL;
}

static enum ac_status fx_role_amend(struct ac_state *s, struct ac_proposal *p,
                                    const struct ac_event *ev,
                                    struct ac_err *err)
{
    struct ac_role *r = data_role(s, p);
    if (!r) {
        return bad(err, ev, "amended role is not active");
    }
    p->effect = r->id;
    return role_fields(s, r, p->data, ev, err);
}

static enum ac_status fx_role_retire(struct ac_state *s, struct ac_proposal *p,
                                     const struct ac_event *ev,
                                     struct ac_err *err)
{
    struct ac_role *r = data_role(s, p);
    if (!r) {
        return bad(err, ev, "retired role is not active");
    }
    end_term(r, ev->time);
    r->retired = true;
    p->effect = r->id;
    return AC_OK;
}

/* member takes the role of p (an election or a draw) for its term. */
static enum ac_status role_take(struct ac_state *s, struct ac_proposal *p,
                                struct ac_str member, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_role *r = data_role(s, p);
    struct ac_term *t;
    char why[200];
    if (!r || !member.len ||
        !ac_state_eligible(s, r, member, why, sizeof why)) {
        return bad(err, ev, "the member cannot hold the role");
    }
    member = keep(s, member);
    if (!member.ptr) {
        return NOMEM(err);
    }
    end_term(r, ev->time);
    if (!GROW(s->arena, r->terms, r->term_room, r->term_count)) {
        return NOMEM(err);
    }
    t = &r->terms[r->term_count];
    t->member = member;
    t->proposal = p->id;
    t->start = ev->time;
    t->end = ev->time + r->term_days * AC_MS_PER_DAY;
    t->ended = false;
    if (!due_add(s, t->end, (size_t)(r - s->roles), AC_DUE_TERM)) {
        return NOMEM(err);
    }
    r->term_count++;
    r->holder = member;
    p->effect = r->id;
    return AC_OK;
}

static enum ac_status fx_role_elect(struct ac_state *s, struct ac_proposal *p,
                                    const struct ac_event *ev,
                                    struct ac_err *err)
{
    if (p->phase != AC_STAGE_CONSENT) {
        return bad(err, ev, "an election is adopted in its consent round");
    }
    return role_take(s, p, p->candidate, ev, err);
}

/* An accepted import: its count is the close's result, kept with it. */
static enum ac_status fx_choice_import(struct ac_state *s,
                                       struct ac_proposal *p,
                                       const struct ac_event *ev,
                                       struct ac_err *err)
{
    (void)s;
    (void)p;
    if (!ac_val_get(ev->data, "result")) {
        return bad(err, ev, "an accepted import has no result");
    }
    return AC_OK;
}

/* ---- money (docs/money.md) ---- */

bool ac_kind_moves_money(enum ac_kind k)
{
    return k == AC_KIND_INCOME || k == AC_KIND_BUDGET_ALLOCATE ||
           k == AC_KIND_SPEND || k == AC_KIND_BUDGET_ROUND;
}

bool ac_state_money_in_play(const struct ac_state *s)
{
    if (s->movement_count > 0) {
        return true;
    }
    for (size_t i = 0; i < s->proposal_count; i++) {
        const struct ac_proposal *p = &s->proposals[i];
        if (ac_kind_moves_money(p->kind) &&
            (p->status == AC_PROP_OPEN ||
             p->status == AC_PROP_NEEDS_INTEGRATION)) {
            return true;
        }
    }
    return false;
}

struct ac_pb_round *ac_state_pb_round(const struct ac_state *s,
                                      struct ac_str id)
{
    size_t i;
    return numbered(id, 'r', s->round_count, &i) ? &s->rounds[i] : NULL;
}

struct ac_bucket *ac_state_bucket(const struct ac_state *s, struct ac_str id)
{
    size_t i;
    return numbered(id, 'b', s->bucket_count, &i) ? &s->buckets[i] : NULL;
}

/* The pledge_index key of (bucket, member). */
static struct ac_str pledge_key(const struct ac_bucket *b, struct ac_str member,
                                char buf[AC_ID_MAX * 2 + 2])
{
    int n = snprintf(
        buf, AC_ID_MAX * 2 + 2, "%.*s %.*s", (int)b->id.len, b->id.ptr,
        (int)(member.len > AC_ID_MAX ? AC_ID_MAX : member.len), member.ptr);
    return (struct ac_str){buf, (size_t)n};
}

struct ac_pledge *ac_state_pledge(const struct ac_state *s,
                                  const struct ac_bucket *b,
                                  struct ac_str member)
{
    char buf[AC_ID_MAX * 2 + 2];
    size_t i;
    return ac_map_get(&s->pledge_index, pledge_key(b, member, buf), &i)
               ? &s->pledges[i]
               : NULL;
}

long ac_pb_member(const struct ac_pb_round *r, struct ac_str member)
{
    for (size_t i = 0; i < r->member_count; i++) {
        if (ac_str_eq(r->members[i], member)) {
            return (long)i;
        }
    }
    return -1;
}

struct ac_currency ac_state_currency(const struct ac_state *s)
{
    const struct ac_currency *c =
        ac_currency_find(s->charter.text[AC_P_MONEY_CURRENCY]);
    return c ? *c : (struct ac_currency){"EUR", 2};
}

struct ac_str ac_state_account(const struct ac_circle *c)
{
    return is_root(c) ? AC_STR(AC_POOL) : c->id;
}

/* Appends a movement to the ledger; the caller moves the balances. */
static enum ac_status record(struct ac_state *s, const struct ac_event *ev,
                             const struct ac_movement *m, struct ac_err *err)
{
    struct ac_movement *at;
    if (!GROW(s->arena, s->movements, s->movement_room, s->movement_count)) {
        return NOMEM(err);
    }
    at = &s->movements[s->movement_count];
    *at = *m;
    at->seq = ev->seq;
    at->time = ev->time;
    at->from = keep(s, m->from);
    at->to = keep(s, m->to);
    at->source = keep(s, m->source);
    at->payee = keep(s, m->payee);
    at->purpose = keep(s, m->purpose);
    if (!at->from.ptr || !at->to.ptr || !at->source.ptr || !at->payee.ptr ||
        !at->purpose.ptr) {
        return NOMEM(err);
    }
    s->movement_count++;
    return AC_OK;
}

/* Records a movement of amount from one budget to another (either may be
 * NULL: outside) as p's effect, checking that no balance goes below 0 or
 * over AC_MONEY_MAX. */
static enum ac_status move(struct ac_state *s, struct ac_proposal *p,
                           const struct ac_event *ev, enum ac_move_kind kind,
                           struct ac_circle *from, struct ac_circle *to,
                           struct ac_err *err)
{
    struct ac_movement m = {0};
    enum ac_status st;
    if (!ac_val_get_int(p->data, "amount", &m.amount) || m.amount < 1 ||
        m.amount > AC_MONEY_MAX || (from && from->balance < m.amount) ||
        (to && to->balance > AC_MONEY_MAX - m.amount)) {
        return bad(err, ev, "a movement of money the budgets cannot make");
    }
    m.kind = kind;
    m.proposal = p->id;
    m.author = p->author;
    m.from = from ? ac_state_account(from) : AC_STR(AC_OUTSIDE);
    m.to = to ? ac_state_account(to) : AC_STR(AC_OUTSIDE);
    if (!ac_val_get_str(p->data, "source", &m.source)) {
        m.source = AC_STR("");
    }
    if (!ac_val_get_str(p->data, "payee", &m.payee)) {
        m.payee = AC_STR("");
    }
    if (!ac_val_get_str(p->data, "purpose", &m.purpose)) {
        m.purpose = AC_STR("");
    }
    if ((st = record(s, ev, &m, err)) != AC_OK) {
        return st;
    }
    if (from) {
        from->balance -= m.amount;
    }
    if (to) {
        to->balance += m.amount;
    }
    return AC_OK;
}

/* The circle a money proposal's data names, or NULL. */
static struct ac_circle *data_circle(const struct ac_state *s,
                                     const struct ac_proposal *p)
{
    struct ac_str id;
    return ac_val_get_str(p->data, "circle", &id) ? ac_state_circle(s, id)
                                                  : NULL;
}

static enum ac_status fx_income(struct ac_state *s, struct ac_proposal *p,
                                const struct ac_event *ev, struct ac_err *err)
{
    if (!ac_str_eq_c(p->circle, AC_ROOT_CIRCLE)) {
        return bad(err, ev, "income is decided by the circle \"all\"");
    }
    return move(s, p, ev, AC_MOVE_INCOME, NULL, &s->circles[0], err);
}

static enum ac_status fx_budget_allocate(struct ac_state *s,
                                         struct ac_proposal *p,
                                         const struct ac_event *ev,
                                         struct ac_err *err)
{
    struct ac_circle *to = data_circle(s, p);
    if (!ac_str_eq_c(p->circle, AC_ROOT_CIRCLE) || !to || is_root(to)) {
        return bad(err, ev, "an allocation goes from the pool to a circle");
    }
    return move(s, p, ev, AC_MOVE_ALLOCATE, &s->circles[0], to, err);
}

static enum ac_status fx_spend(struct ac_state *s, struct ac_proposal *p,
                               const struct ac_event *ev, struct ac_err *err)
{
    struct ac_circle *from = data_circle(s, p);
    if (!from || !ac_str_eq(from->id, p->circle)) {
        return bad(err, ev, "a spend is decided by the circle that pays");
    }
    return move(s, p, ev, AC_MOVE_SPEND, from, NULL, err);
}

/* ---- participatory budgeting (docs/money.md#rounds) ---- */

/* "round:r1", "bucket:b1": a round's pot and a bucket in the ledger. */
static struct ac_str pot_name(char buf[48], const char *what, struct ac_str id)
{
    int n = snprintf(buf, 48, "%s:%.*s", what, (int)id.len, id.ptr);
    return (struct ac_str){buf, (size_t)n};
}

static enum ac_status fx_budget_round(struct ac_state *s, struct ac_proposal *p,
                                      const struct ac_event *ev,
                                      struct ac_err *err)
{
    struct ac_circle *c = ac_state_circle(s, p->circle);
    struct ac_pb_round *r;
    struct ac_movement m = {0};
    char id[24], name[48];
    int64_t pot, days;
    size_t n = 0;
    enum ac_status st;

    if (!c || !ac_val_get_int(p->data, "pot", &pot) ||
        !ac_val_get_int(p->data, "days", &days) || pot < 1 ||
        pot > c->balance || days < 1 || days > 365) {
        return bad(err, ev, "a budgeting round its circle cannot fund");
    }
    if (!GROW(s->arena, s->rounds, s->round_room, s->round_count)) {
        return NOMEM(err);
    }
    r = &s->rounds[s->round_count];
    memset(r, 0, sizeof *r);
    snprintf(id, sizeof id, "r%zu", s->round_count + 1);
    r->id = keep(s, ac_str_c(id));
    r->circle = c->id;
    r->proposal = p->id;
    r->pot = pot;
    r->opened = ev->time;
    r->closes = ev->time + days * AC_MS_PER_DAY;
    r->members =
        ac_arena_alloc(s->arena, (s->member_count + 1) * sizeof *r->members);
    r->spent =
        ac_arena_alloc(s->arena, (s->member_count + 1) * sizeof *r->spent);
    if (!r->id.ptr || !r->members || !r->spent) {
        return NOMEM(err);
    }
    for (size_t i = 0; i < s->member_count; i++) {
        if (ac_state_in_circle(s, c, s->members[i].id)) {
            r->members[n++] = s->members[i].id;
        }
    }
    r->member_count = n;
    r->share = n ? pot / (int64_t)n : 0;
    m = (struct ac_movement){.kind = AC_MOVE_ROUND,
                             .proposal = p->id,
                             .author = p->author,
                             .from = ac_state_account(c),
                             .to = pot_name(name, "round", r->id),
                             .amount = pot,
                             .source = AC_STR(""),
                             .payee = AC_STR(""),
                             .purpose = p->title};
    if ((st = record(s, ev, &m, err)) != AC_OK) {
        return st;
    }
    if (!due_add(s, r->closes, s->round_count, AC_DUE_PB_ROUND)) {
        return NOMEM(err);
    }
    c->balance -= pot;
    s->round_count++;
    p->effect = r->id;
    return AC_OK;
}

/* The open round an event's "round" names, or NULL. */
static struct ac_pb_round *event_round(const struct ac_state *s,
                                       const struct ac_event *ev)
{
    struct ac_str id;
    struct ac_pb_round *r;
    return ac_val_get_str(ev->data, "round", &id) &&
                   (r = ac_state_pb_round(s, id)) && !r->closed &&
                   ev->time < r->closes
               ? r
               : NULL;
}

static enum ac_status on_bucket(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_pb_round *r = event_round(s, ev);
    struct ac_str id, title, description;
    struct ac_bucket *b;
    int64_t target;
    char want[24];
    snprintf(want, sizeof want, "b%zu", s->bucket_count + 1);
    if (!r || !ac_val_get_str(ev->data, "bucket", &id) ||
        !ac_str_eq_c(id, want) || !ac_val_get_str(ev->data, "title", &title) ||
        !ac_val_get_str(ev->data, "description", &description) ||
        !ac_val_get_int(ev->data, "target", &target) || target < 1 ||
        target > r->pot ||
        !ac_state_in_circle(s, ac_state_circle(s, r->circle), ev->actor)) {
        return bad(err, ev, "a bucket its round cannot take");
    }
    if (!GROW(s->arena, s->buckets, s->bucket_room, s->bucket_count)) {
        return NOMEM(err);
    }
    b = &s->buckets[s->bucket_count];
    *b = (struct ac_bucket){keep(s, id),
                            (size_t)(r - s->rounds),
                            keep(s, ev->actor),
                            keep(s, title),
                            keep(s, description),
                            target,
                            0,
                            false,
                            ev->time};
    if (!b->id.ptr || !b->author.ptr || !b->title.ptr || !b->description.ptr) {
        return NOMEM(err);
    }
    s->bucket_count++;
    return AC_OK;
}

/* The bucket an event's "bucket" names in its open round, or NULL. */
static struct ac_bucket *event_bucket(const struct ac_state *s,
                                      const struct ac_event *ev,
                                      struct ac_pb_round **round)
{
    struct ac_str id;
    struct ac_bucket *b;
    *round = event_round(s, ev);
    return *round && ac_val_get_str(ev->data, "bucket", &id) &&
                   (b = ac_state_bucket(s, id)) &&
                   &s->rounds[b->round] == *round && !b->funded
               ? b
               : NULL;
}

static enum ac_status on_pledged(struct ac_state *s, const struct ac_event *ev,
                                 struct ac_err *err)
{
    struct ac_pb_round *r;
    struct ac_bucket *b = event_bucket(s, ev, &r);
    struct ac_pledge *pl;
    int64_t amount, old;
    long who;
    if (!b || (who = ac_pb_member(r, ev->actor)) < 0 ||
        !ac_val_get_int(ev->data, "amount", &amount) || amount < 0 ||
        amount > r->share || amount > b->target) {
        return bad(err, ev, "a pledge its round cannot take");
    }
    pl = ac_state_pledge(s, b, ev->actor);
    old = pl ? pl->amount : 0;
    if (r->spent[who] - old + amount > r->share ||
        b->total - old + amount > b->target) {
        return bad(err, ev, "a pledge over a share or a target");
    }
    if (!pl) {
        char buf[AC_ID_MAX * 2 + 2];
        struct ac_str key;
        if (!GROW(s->arena, s->pledges, s->pledge_room, s->pledge_count)) {
            return NOMEM(err);
        }
        key = keep(s, pledge_key(b, ev->actor, buf));
        pl = &s->pledges[s->pledge_count];
        *pl = (struct ac_pledge){(size_t)(b - s->buckets), r->members[who], 0};
        if (!key.ptr ||
            !ac_map_put(&s->pledge_index, s->arena, key, s->pledge_count)) {
            return NOMEM(err);
        }
        s->pledge_count++;
    }
    r->spent[who] += amount - old;
    b->total += amount - old;
    pl->amount = amount;
    /* the pledge that reaches the target funds the bucket in the same
     * batch: the next event must say so */
    s->funding_due = b->total == b->target ? (size_t)(b - s->buckets) + 1 : 0;
    return AC_OK;
}

static enum ac_status on_funded(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_pb_round *r;
    struct ac_bucket *b = event_bucket(s, ev, &r);
    struct ac_movement m;
    char from[48], to[48];
    int64_t amount;
    enum ac_status st;
    if (!b || !ac_str_eq_c(ev->actor, "system") ||
        !ac_val_get_int(ev->data, "amount", &amount) || amount != b->target ||
        b->total != b->target || r->funded > r->pot - amount) {
        return bad(err, ev, "a bucket funded before its target");
    }
    m = (struct ac_movement){.kind = AC_MOVE_FUNDING,
                             .proposal = r->proposal,
                             .author = b->author,
                             .from = pot_name(from, "round", r->id),
                             .to = pot_name(to, "bucket", b->id),
                             .amount = amount,
                             .source = AC_STR(""),
                             .payee = b->author,
                             .purpose = b->title};
    if ((st = record(s, ev, &m, err)) != AC_OK) {
        return st;
    }
    b->funded = true;
    r->funded += amount;
    s->funding_due = 0;
    return AC_OK;
}

static enum ac_status on_round_closed(struct ac_state *s,
                                      const struct ac_event *ev,
                                      struct ac_err *err)
{
    struct ac_str id;
    struct ac_pb_round *r;
    struct ac_circle *c;
    int64_t returned;
    enum ac_status st = AC_OK;
    if (!ac_str_eq_c(ev->actor, "system") ||
        !ac_val_get_str(ev->data, "round", &id) ||
        !(r = ac_state_pb_round(s, id)) || r->closed || ev->time < r->closes ||
        !ac_val_get_int(ev->data, "returned", &returned) || returned < 0 ||
        returned != r->pot - r->funded ||
        !(c = ac_state_circle(s, r->circle)) ||
        c->balance > AC_MONEY_MAX - returned) {
        return bad(err, ev, "a budgeting round closed out of turn");
    }
    if (returned > 0) {
        char from[48];
        struct ac_movement m = {.kind = AC_MOVE_RETURN,
                                .proposal = r->proposal,
                                .author = AC_STR("system"),
                                .from = pot_name(from, "round", r->id),
                                .to = ac_state_account(c),
                                .amount = returned,
                                .source = AC_STR(""),
                                .payee = AC_STR(""),
                                .purpose = AC_STR("")};
        st = record(s, ev, &m, err);
    }
    if (st == AC_OK) {
        c->balance += returned;
        r->closed = true;
        r->returned = returned;
    }
    return st;
}

/* ---- reviews and commitments (docs/accountability.md) ---- */

static enum ac_status
on_review_due(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_str id, date;
    struct ac_agreement *ag;
    int64_t day;
    if (!ac_str_eq_c(ev->actor, "system") ||
        !ac_val_get_str(ev->data, "agreement", &id) ||
        !(ag = ac_state_agreement(s, id)) ||
        ag->status != AC_AGREEMENT_ACTIVE || ag->review_due ||
        ag->review_by < 0 || ev->time < ag->review_by ||
        !ac_val_get_str(ev->data, "review_by", &date) ||
        ac_date_parse(date, &day, NULL) != AC_OK || day != ag->review_by) {
        return bad(err, ev, "a review marked due before its date");
    }
    ag->review_due = true;
    return AC_OK;
}

static const char *const commitment_status_names[AC_COMMIT_STATUS_COUNT] = {
    "open", "done", "released"};

const char *ac_commitment_status_name(enum ac_commitment_status st)
{
    return (unsigned)st < AC_COMMIT_STATUS_COUNT ? commitment_status_names[st]
                                                 : NULL;
}

bool ac_commitment_update_parse(struct ac_str s, enum ac_commitment_status *out)
{
    /* an update says what happened: progress leaves it open */
    static const char *const words[AC_COMMIT_STATUS_COUNT] = {
        "progress", "done", "released"};
    unsigned i;
    if (!parse_name(s, words, AC_COMMIT_STATUS_COUNT, &i)) {
        return false;
    }
    *out = (enum ac_commitment_status)i;
    return true;
}

struct ac_commitment *ac_state_commitment(const struct ac_state *s,
                                          struct ac_str id)
{
    size_t i;
    return numbered(id, 'c', s->commitment_count, &i) ? &s->commitments[i]
                                                      : NULL;
}

static int by_due(const void *x, const void *y)
{
    const struct ac_commitment *a = *(const struct ac_commitment *const *)x;
    const struct ac_commitment *b = *(const struct ac_commitment *const *)y;
    if (a->due != b->due) {
        return a->due < b->due ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

size_t ac_state_overdue(const struct ac_state *s, struct ac_str circle,
                        int64_t now, const struct ac_commitment **out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->commitment_count; i++) {
        const struct ac_commitment *c = &s->commitments[i];
        if (c->status == AC_COMMIT_OPEN && c->due <= now &&
            (!circle.ptr || ac_str_eq(c->circle, circle))) {
            out[n++] = c;
        }
    }
    qsort(out, n, sizeof *out, by_due);
    return n;
}

static enum ac_status
on_committed(struct ac_state *s, const struct ac_event *ev, struct ac_err *err)
{
    struct ac_str id, circle, what, due;
    struct ac_commitment *c;
    int64_t day;
    char want[24];
    snprintf(want, sizeof want, "c%zu", s->commitment_count + 1);
    if (!ac_val_get_str(ev->data, "commitment", &id) ||
        !ac_str_eq_c(id, want) ||
        !ac_val_get_str(ev->data, "circle", &circle) ||
        !ac_val_get_str(ev->data, "what", &what) || ac_str_is_blank(what) ||
        ac_utf8_count(what) > AC_TITLE_MAX ||
        !ac_val_get_str(ev->data, "due", &due) ||
        ac_date_parse(due, &day, NULL) != AC_OK ||
        day + AC_MS_PER_DAY <= ev->time ||
        !ac_state_in_circle(s, ac_state_circle(s, circle), ev->actor)) {
        return bad(err, ev, "a commitment a member cannot make");
    }
    if (!GROW(s->arena, s->commitments, s->commitment_room,
              s->commitment_count)) {
        return NOMEM(err);
    }
    c = &s->commitments[s->commitment_count];
    memset(c, 0, sizeof *c);
    c->id = keep(s, id);
    c->member = keep(s, ev->actor);
    c->circle = ac_state_circle(s, circle)->id;
    c->what = keep(s, what);
    c->due = day + AC_MS_PER_DAY;
    c->made = ev->time;
    c->status = AC_COMMIT_OPEN;
    if (!c->id.ptr || !c->member.ptr || !c->what.ptr) {
        return NOMEM(err);
    }
    s->commitment_count++;
    return AC_OK;
}

static enum ac_status on_commitment_updated(struct ac_state *s,
                                            const struct ac_event *ev,
                                            struct ac_err *err)
{
    struct ac_str id, status, note;
    struct ac_commitment *c;
    enum ac_commitment_status next;
    struct ac_commitment_note *n;
    if (!ac_val_get_str(ev->data, "commitment", &id) ||
        !(c = ac_state_commitment(s, id)) || !ac_str_eq(c->member, ev->actor) ||
        c->status != AC_COMMIT_OPEN ||
        !ac_val_get_str(ev->data, "status", &status) ||
        !ac_commitment_update_parse(status, &next) ||
        !ac_val_get_str(ev->data, "note", &note) ||
        (next == AC_COMMIT_OPEN && ac_str_is_blank(note))) {
        return bad(err, ev, "an update of a commitment by another");
    }
    if (!GROW(s->arena, c->notes, c->note_room, c->note_count)) {
        return NOMEM(err);
    }
    n = &c->notes[c->note_count];
    n->time = ev->time;
    n->status = next;
    n->note = keep(s, note);
    if (!n->note.ptr) {
        return NOMEM(err);
    }
    c->note_count++;
    c->status = next;
    return AC_OK;
}

typedef enum ac_status (*effect_fn)(struct ac_state *, struct ac_proposal *,
                                    const struct ac_event *, struct ac_err *);

static const effect_fn effects[AC_KIND_COUNT] = {
    [AC_KIND_AGREEMENT_ADOPT] = fx_agreement_adopt,
    [AC_KIND_AGREEMENT_AMEND] = fx_agreement_amend,
    [AC_KIND_AGREEMENT_RETIRE] = fx_agreement_retire,
    [AC_KIND_CHARTER_AMEND] = fx_charter_amend,
    [AC_KIND_MEMBER_ADMIT] = fx_member_admit,
    [AC_KIND_MEMBER_REMOVE] = fx_member_remove,
    [AC_KIND_CIRCLE_CREATE] = fx_circle_create,
    [AC_KIND_CIRCLE_AMEND] = fx_circle_amend,
    [AC_KIND_ROLE_CREATE] = fx_role_create,
    [AC_KIND_ROLE_AMEND] = fx_role_amend,
    [AC_KIND_ROLE_RETIRE] = fx_role_retire,
    [AC_KIND_ROLE_ELECT] = fx_role_elect,
    [AC_KIND_CHOICE_IMPORT] = fx_choice_import,
    [AC_KIND_INCOME] = fx_income,
    [AC_KIND_BUDGET_ALLOCATE] = fx_budget_allocate,
    [AC_KIND_SPEND] = fx_spend,
    [AC_KIND_BUDGET_ROUND] = fx_budget_round,
    [AC_KIND_AGREEMENT_REVIEW] = fx_agreement_review,
};

/* The tally members a close of method m carries (besides "eligible"). */
static size_t tally_keys(const struct ac_proposal *p, enum ac_position out[4])
{
    enum ac_method m = p->method.method;
    static const enum ac_position consent[] = {
        AC_POS_CONSENT, AC_POS_CONCERN, AC_POS_OBJECT, AC_POS_STAND_ASIDE};
    static const enum ac_position vote[] = {AC_POS_YES, AC_POS_NO,
                                            AC_POS_ABSTAIN, AC_POS_OBJECT};
    if (ac_method_is_choice(m)) {
        out[0] = AC_POS_BALLOT;
        return 1;
    }
    if (p->kind == AC_KIND_ROLE_DRAW) {
        out[0] = AC_POS_VOLUNTEER;
        out[1] = AC_POS_PASS;
        return 2;
    }
    if (p->phase == AC_STAGE_NOMINATE || p->phase == AC_STAGE_CHANGE) {
        out[0] = AC_POS_NOMINATION;
        return 1;
    }
    memcpy(out, ac_method_is_vote(m) ? vote : consent, sizeof consent);
    return 4;
}

const char *ac_tally_key(enum ac_position p)
{
    return p == AC_POS_BALLOT ? "ballots" : ac_position_name(p);
}

size_t ac_state_tally_keys(const struct ac_proposal *p, enum ac_position out[4])
{
    return tally_keys(p, out);
}

/* Whether a round of method m may close to next. */
static bool close_fits(const struct ac_proposal *p,
                       enum ac_proposal_status next)
{
    enum ac_method m = p->method.method;
    if (ac_method_is_choice(m) || p->kind == AC_KIND_ROLE_DRAW) {
        return next == AC_PROP_DECIDED || next == AC_PROP_LAPSED;
    }
    if (ac_method_is_vote(m)) {
        return next == AC_PROP_ADOPTED || next == AC_PROP_REJECTED ||
               next == AC_PROP_LAPSED;
    }
    return next == AC_PROP_ADOPTED || next == AC_PROP_LAPSED ||
           next == AC_PROP_NEEDS_INTEGRATION;
}

/* Whether drawn is the first member of the lot's order who can hold the
 * role: the draw recomputed from the revealed secrets. */
static bool lot_fits(struct ac_state *s, const struct ac_proposal *p,
                     struct ac_str drawn)
{
    struct ac_arena_mark mark = ac_arena_mark(s->arena);
    struct ac_draw d;
    const struct ac_role *r = data_role(s, p);
    char why[200];
    bool ok = false;
    if (r && ac_draw_count(p, s->arena, &d, NULL) == AC_OK) {
        for (size_t i = 0; i < d.revealed; i++) {
            if (ac_state_eligible(s, r, d.order[i], why, sizeof why)) {
                ok = ac_str_eq(d.order[i], drawn);
                break;
            }
        }
    }
    ac_arena_rewind(s->arena, mark);
    return ok;
}

static enum ac_status on_closed(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_proposal *p = event_proposal(s, ev);
    const struct ac_val *tally = ac_val_get(ev->data, "tally");
    const struct ac_val *result = ac_val_get(ev->data, "result");
    struct ac_str status, reason;
    enum ac_proposal_status next;
    enum ac_position keys[4];
    size_t nkeys;
    int64_t round, t[AC_POS_COUNT] = {0}, eligible, lapse_at = 0;
    enum ac_status st;

    if (!p || p->status != AC_PROP_OPEN ||
        !ac_val_get_int(ev->data, "round", &round) || round != p->round ||
        !ac_val_get_str(ev->data, "status", &status) ||
        !ac_proposal_status_parse(status, &next) ||
        !ac_val_get_str(ev->data, "reason", &reason) ||
        !ac_val_get_int(tally, "eligible", &eligible)) {
        return bad(err, ev, "close does not match an open round");
    }
    nkeys = tally_keys(p, keys);
    for (size_t i = 0; i < nkeys; i++) {
        if (!ac_val_get_int(tally, ac_tally_key(keys[i]), &t[keys[i]])) {
            return bad(err, ev, "close has an incomplete tally");
        }
    }
    if (next == AC_PROP_NEEDS_INTEGRATION &&
        !get_time(ev->data, "lapse_at", &lapse_at)) {
        return bad(err, ev, "close to integration has no lapse time");
    }
    if (!close_fits(p, next)) {
        return bad(err, ev, "the round cannot close so under its method");
    }
    if (next == AC_PROP_DECIDED && (!result || result->kind != AC_VAL_OBJ)) {
        return bad(err, ev, "a decided choice has no result");
    }
    if (next == AC_PROP_NEEDS_INTEGRATION &&
        !due_push(s, lapse_at, (size_t)(p - s->proposals))) {
        return NOMEM(err);
    }
    if (next == AC_PROP_ADOPTED) {
        st = effects[p->kind](s, p, ev, err);
        if (st != AC_OK) {
            return st;
        }
    }
    if (next == AC_PROP_DECIDED && p->kind == AC_KIND_ROLE_DRAW) {
        struct ac_str drawn;
        if (!ac_val_get_str(result, "drawn", &drawn) ||
            !lot_fits(s, p, drawn)) {
            return bad(err, ev, "a decided draw names another than the lot");
        }
        st = role_take(s, p, drawn, ev, err);
        if (st != AC_OK) {
            return st;
        }
    }
    p->outcome = keep(s, reason);
    p->result = result ? ac_val_copy(s->arena, result) : NULL;
    p->over_cap = ac_val_get(ev->data, "over_cap")
                      ? ac_val_copy(s->arena, ac_val_get(ev->data, "over_cap"))
                      : NULL;
    if (ac_val_get(ev->data, "over_cap") && !p->over_cap) {
        return NOMEM(err);
    }
    if (!p->outcome.ptr || (result && !p->result)) {
        return NOMEM(err);
    }
    {
        const struct ac_circle *c = ac_state_circle(s, p->circle);
        const struct ac_val *weights = ac_val_get(ev->data, "weights");
        for (size_t i = 0; i < p->count; i++) {
            struct ac_position_rec *r = &p->positions[i];
            int64_t w = 1;
            r->counted = ac_state_in_circle(s, c, r->member);
            if (r->sealed) {
                /* the close wrote the count: the contents are not kept,
                 * as a state folded from the log alone never had them */
                r->position = AC_POS_SEALED;
                r->marks = NULL;
            }
            r->weight = w;
        }
        /* the few voters carrying more than their own vote */
        for (size_t i = 0;
             weights && weights->kind == AC_VAL_OBJ && i < weights->count;
             i++) {
            size_t at;
            const struct ac_val *v = weights->pairs[i].val;
            if (ac_map_get(&p->position_index, weights->pairs[i].key, &at) &&
                v->kind == AC_VAL_INT && v->i > 0) {
                p->positions[at].weight = v->i;
            }
        }
    }
    memcpy(p->tally, t, sizeof t);
    p->eligible = eligible;
    p->status = next;
    p->closed = ev->time;
    p->lapse_at = lapse_at;
    return AC_OK;
}

static enum ac_status on_joined(struct ac_state *s, const struct ac_event *ev,
                                struct ac_err *err)
{
    struct ac_str id;
    struct ac_member *m;
    if (!ac_val_get_str(ev->data, "member", &id) ||
        !(m = ac_state_member(s, id)) || m->status != AC_MEMBER_INVITED ||
        !ac_str_eq(ev->actor, id)) {
        return bad(err, ev, "only an invited member joins, by their own act");
    }
    m->status = AC_MEMBER_ACTIVE;
    m->since = ev->time;
    s->active_count++;
    return AC_OK;
}

typedef enum ac_status (*apply_fn)(struct ac_state *, const struct ac_event *,
                                   struct ac_err *);

static const struct {
    const char *type;
    apply_fn fn;
} handlers[] = {
    {"org.founded", on_founded},
    {"proposal.opened", on_opened},
    {"position.given", on_position},
    {"proposal.amended", on_amended},
    {"proposal.withdrawn", on_withdrawn},
    {"proposal.closed", on_closed},
    {"proposal.lapsed", on_lapsed},
    {"member.joined", on_joined},
    {"ballot.cast", on_ballot},
    {"objection.integration", on_integration},
    {"nomination.given", on_nomination},
    {"election.changing", on_phase},
    {"election.proposed", on_phase},
    {"role.term_ended", on_term_ended},
    {"draw.volunteered", on_volunteer},
    {"draw.passed", on_volunteer},
    {"draw.revealing", on_revealing},
    {"draw.revealed", on_revealed},
    {"vote.cast", on_vote_cast},
    {"delegation.given", on_delegation},
    {"delegation.revoked", on_delegation},
    {"delegation.refused", on_delegation},
    {"agreement.review_due", on_review_due},
    {"commitment.made", on_committed},
    {"commitment.updated", on_commitment_updated},
    {"bucket.proposed", on_bucket},
    {"bucket.pledged", on_pledged},
    {"bucket.funded", on_funded},
    {"budget.round.closed", on_round_closed},
    {"power.alert", ac_power_apply_alert},
    {"power.cleared", ac_power_apply_alert},
};

enum ac_status ac_state_apply(struct ac_state *s, const struct ac_event *ev,
                              struct ac_err *err)
{
    enum ac_status st = AC_ECORRUPT;
    bool known = false;

    if (ev->seq != s->seq + 1) {
        return bad(err, ev, "out of sequence");
    }
    if (!s->founded && !ac_str_eq_c(ev->type, "org.founded")) {
        return bad(err, ev, "the log does not begin with org.founded");
    }
    if (s->funding_due) {
        struct ac_str b;
        if (!ac_str_eq_c(ev->type, "bucket.funded") ||
            !ac_val_get_str(ev->data, "bucket", &b) ||
            !ac_str_eq(b, s->buckets[s->funding_due - 1].id)) {
            return bad(err, ev,
                       "a bucket reached its target and was not funded next");
        }
    }
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
        if (ac_str_eq_c(ev->type, handlers[i].type)) {
            known = true;
            st = handlers[i].fn(s, ev, err);
            if (st == AC_OK) {
                st = ac_power_observe(s, ev, err);
            }
            break;
        }
    }
    if (!known) {
        return bad(err, ev, "unknown event type");
    }
    if (st == AC_OK) {
        s->seq = ev->seq;
        s->time = ev->time;
        memcpy(s->head, ev->hash, AC_HASH_LEN);
        due_clean(s);
    }
    return st;
}
