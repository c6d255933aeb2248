/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* JSON out: the shapes of docs/openapi.yaml, read from the state. Every
 * function returns a new reference or NULL when out of memory; the caller
 * holds the state's lock. */
#include "http_int.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/time.h"
#include "core/choice.h"
#include "core/delegate.h"

/* Collects members and remembers whether any allocation failed. */
struct obj {
    json_t *j; /* the object; owned until obj_done */
    bool ok;   /* false once anything failed */
};

static struct obj obj_new(void)
{
    struct obj o = {json_object(), true};
    o.ok = o.j != NULL;
    return o;
}

static void put(struct obj *o, const char *key, json_t *v)
{
    if (!v) {
        o->ok = false;
        return;
    }
    if (!o->ok) {
        json_decref(v);
        return;
    }
    /* set_new takes the reference even when it fails */
    if (json_object_set_new(o->j, key, v) != 0) {
        o->ok = false;
    }
}

static void put_str(struct obj *o, const char *key, struct ac_str s)
{
    put(o, key, ac_json_str(s));
}

static void put_int(struct obj *o, const char *key, int64_t i)
{
    put(o, key, json_integer((json_int_t)i));
}

/* The object, or NULL (and nothing leaked) when anything failed. */
static json_t *obj_done(struct obj *o)
{
    if (!o->ok) {
        json_decref(o->j);
        return NULL;
    }
    return o->j;
}

static bool push(json_t *arr, json_t *v)
{
    return v && json_array_append_new(arr, v) == 0;
}

json_t *ac_api_time(int64_t ms)
{
    char t[AC_TIME_LEN + 1];
    ac_time_format(t, ms);
    return json_string(t);
}

/* A time, or null for 0 (never). */
static json_t *time_or_null(int64_t ms)
{
    return ms ? ac_api_time(ms) : json_null();
}

static json_t *str_or_null(struct ac_str s)
{
    return s.len ? ac_json_str(s) : json_null();
}

static json_t *hash_json(const uint8_t hash[AC_HASH_LEN])
{
    char hex[AC_HEX_LEN + 1];
    ac_hex_encode(hex, hash, AC_HASH_LEN);
    return json_string(hex);
}

bool ac_api_add_head(json_t *obj, int64_t seq, const uint8_t hash[AC_HASH_LEN])
{
    return json_object_set_new(obj, "seq", json_integer(seq)) == 0 &&
           json_object_set_new(obj, "hash", hash_json(hash)) == 0;
}

json_t *ac_api_head(const struct ac_state *s)
{
    struct obj o = obj_new();
    put_int(&o, "seq", s->seq);
    put(&o, "hash", hash_json(s->head));
    return obj_done(&o);
}

json_t *ac_api_org(const struct ac_state *s)
{
    struct obj o = obj_new(), ch = obj_new(), by = obj_new();
    struct ac_arena a;

    ac_arena_init(&a, 0);
    for (unsigned i = 0; i < AC_PARAM_COUNT; i++) {
        const char *name = ac_charter_def((enum ac_param)i)->name;
        struct ac_val *v = ac_charter_value(&s->charter, (enum ac_param)i, &a);
        put(&ch, name, v ? ac_json_from_val(v) : NULL);
        put(&by, name, str_or_null(s->charter.set_by[i]));
    }
    for (size_t i = 0; i < s->charter.rule_count; i++) {
        const struct ac_decision_rule *rule = &s->charter.rules[i];
        char key[96], method[32];
        snprintf(key, sizeof key, "%s@%.*s", ac_charter_def(rule->param)->name,
                 (int)rule->circle.len, rule->circle.ptr);
        ac_method_format(
            method, ac_charter_method(&s->charter, rule->param, rule->circle));
        put(&ch, key, json_string(method));
        put(&by, key, str_or_null(rule->set_by));
    }
    ac_arena_release(&a);
    put_str(&o, "name", s->name);
    put(&o, "head", ac_api_head(s));
    put(&o, "charter", obj_done(&ch));
    put(&o, "charter_set_by", obj_done(&by));
    put_int(&o, "members", (int64_t)s->active_count);
    return obj_done(&o);
}

json_t *ac_api_members(const struct ac_state *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->member_count; i++) {
        const struct ac_member *m = &s->members[i];
        struct obj o = obj_new();
        put_str(&o, "id", m->id);
        put_str(&o, "name", m->name);
        put(&o, "status", json_string(ac_member_status_name(m->status)));
        put(&o, "since", ac_api_time(m->since));
        if (!push(arr, obj_done(&o))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *circle_members(const struct ac_state *s,
                              const struct ac_circle *c)
{
    json_t *arr = json_array();
    bool root = ac_str_eq_c(c->id, AC_ROOT_CIRCLE);
    size_t n = root ? s->member_count : c->count;
    for (size_t i = 0; arr && i < n; i++) {
        struct ac_str id = root ? s->members[i].id : c->members[i];
        if (!ac_state_in_circle(s, c, id)) {
            continue;
        }
        if (!push(arr, ac_json_str(id))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *ac_api_circles(const struct ac_state *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->circle_count; i++) {
        const struct ac_circle *c = &s->circles[i];
        struct obj o = obj_new();
        put_str(&o, "id", c->id);
        put_str(&o, "name", c->name);
        put_str(&o, "purpose", c->purpose);
        put(&o, "members", circle_members(s, c));
        if (!push(arr, obj_done(&o))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *ac_api_role(const struct ac_role *r)
{
    struct obj o = obj_new();
    json_t *terms = json_array();
    const struct ac_term *cur =
        r->holder.len && r->term_count ? &r->terms[r->term_count - 1] : NULL;
    for (size_t i = 0; terms && i < r->term_count; i++) {
        const struct ac_term *t = &r->terms[i];
        struct obj q = obj_new();
        put_str(&q, "member", t->member);
        put_str(&q, "proposal", t->proposal);
        put(&q, "start", ac_api_time(t->start));
        put(&q, "end", ac_api_time(t->end));
        put(&q, "ended", json_boolean(t->ended));
        if (!push(terms, obj_done(&q))) {
            json_decref(terms);
            terms = NULL;
        }
    }
    put_str(&o, "id", r->id);
    put_str(&o, "circle", r->circle);
    put_str(&o, "name", r->name);
    put_str(&o, "purpose", r->purpose);
    put(&o, "accountabilities", ac_json_from_val(r->accountabilities));
    put_str(&o, "domain", r->domain);
    put_int(&o, "term_days", r->term_days);
    put(&o, "status", json_string(r->retired ? "retired" : "active"));
    put(&o, "holder", str_or_null(r->holder));
    put(&o, "term_end", cur ? ac_api_time(cur->end) : json_null());
    put_str(&o, "created_by", r->created_by);
    put(&o, "terms", terms);
    return obj_done(&o);
}

json_t *ac_api_delegations(const struct ac_state *s)
{
    struct obj o = obj_new();
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->delegation_count; i++) {
        const struct ac_delegation *d = &s->delegations[i];
        struct obj q = obj_new();
        put_str(&q, "from", d->from);
        put_str(&q, "to", d->to);
        put_str(&q, "circle", d->circle);
        put(&q, "kind", str_or_null(d->kind));
        put(&q, "since", ac_api_time(d->since));
        put(&q, "expires", ac_api_time(d->expires));
        put(&q, "refused", json_boolean(d->refused));
        if (!push(arr, obj_done(&q))) {
            json_decref(arr);
            arr = NULL;
        }
    }
    put(&o, "delegations", arr);
    return obj_done(&o);
}

json_t *ac_api_roles(const struct ac_state *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->role_count; i++) {
        if (!push(arr, ac_api_role(&s->roles[i]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* Live counts while a round is open, else those of the last close. */
static json_t *tally_json(const struct ac_state *s, const struct ac_proposal *p)
{
    struct obj o = obj_new();
    int64_t t[AC_POS_COUNT] = {0}, eligible = p->eligible;

    enum ac_position keys[4];
    size_t n = ac_state_tally_keys(p, keys);

    if (p->status == AC_PROP_OPEN) {
        ac_state_tally(s, p, t, &eligible);
    } else {
        memcpy(t, p->tally, sizeof t);
    }
    if (p->status == AC_PROP_OPEN && p->method.secret) {
        /* a secret round shows how many voted, not how */
        int64_t voted = 0;
        for (size_t i = 0; i < AC_POS_COUNT; i++) {
            voted += t[i];
        }
        put_int(&o, "voted", voted);
        n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        put_int(&o, ac_tally_key(keys[i]), t[keys[i]]);
    }
    put_int(&o, "eligible", eligible);
    return obj_done(&o);
}

/* Every objection to p with its integration attempts, oldest first. */
static json_t *objections_json(const struct ac_proposal *p)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < p->objection_count; i++) {
        const struct ac_objection *ob = &p->objections[i];
        struct obj q = obj_new();
        json_t *attempts = json_array();
        for (size_t k = 0; attempts && k < ob->attempt_count; k++) {
            struct obj t = obj_new();
            put_str(&t, "by", ob->attempts[k].by);
            put_str(&t, "suggestion", ob->attempts[k].suggestion);
            put(&t, "time", ac_api_time(ob->attempts[k].time));
            if (!push(attempts, obj_done(&t))) {
                json_decref(attempts);
                attempts = NULL;
            }
        }
        put_str(&q, "member", ob->member);
        put_int(&q, "round", ob->round);
        put_str(&q, "reason", ob->reason);
        put(&q, "criterion", str_or_null(ob->criterion));
        put(&q, "status", json_string(ac_objection_status_name(ob->status)));
        put(&q, "answered_by_version",
            ob->status == AC_OBJ_AMENDED ? json_integer(ob->answered_by)
                                         : json_null());
        put(&q, "time", ac_api_time(ob->time));
        put(&q, "attempts", attempts);
        if (!push(arr, obj_done(&q))) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

/* A ballot as the event keeps it: {"ranking": ...} and so on. */
static json_t *ballot_json(const struct ac_proposal *p,
                           const struct ac_position_rec *r, struct ac_arena *a)
{
    /* one arena for all of a proposal's ballots, rewound after each */
    struct ac_arena_mark mark = ac_arena_mark(a);
    struct ac_val *v = ac_val_obj(a);
    json_t *j = NULL;
    if (v && ac_ballot_put(p->method.method, r->marks, p->option_count, a, v)) {
        j = ac_json_from_val(v);
    }
    ac_arena_rewind(a, mark);
    return j;
}

json_t *ac_api_result(const struct ac_state *s, const struct ac_proposal *p)
{
    struct ac_arena a;
    struct ac_val *v;
    json_t *j = NULL;
    ac_arena_init(&a, 0);
    v = ac_choice_report(s, p, &a, NULL);
    if (v) {
        j = ac_json_from_val(v);
    }
    ac_arena_release(&a);
    return j;
}

json_t *ac_api_proposal(const struct ac_state *s, const struct ac_proposal *p)
{
    struct obj o = obj_new();
    char method[32];
    json_t *positions = json_array(), *versions = json_array();
    struct ac_arena wa;
    struct ac_weights w = {0};
    bool weighed = ac_delegate_applies(p);

    /* the votes each answer carries: live while open, as recorded after */
    ac_arena_init(&wa, 0);
    if (weighed && p->status == AC_PROP_OPEN &&
        ac_delegate_weights(s, p, s->time, &wa, &w, NULL) != AC_OK) {
        w.w = NULL;
    }

    for (size_t i = 0; positions && i < p->count; i++) {
        const struct ac_position_rec *r = &p->positions[i];
        struct obj q = obj_new();
        put_str(&q, "member", r->member);
        put(&q, "position",
            json_string(
                ac_position_name(r->sealed ? AC_POS_SEALED : r->position)));
        put_str(&q, "reason", r->reason);
        put(&q, "time", ac_api_time(r->time));
        if (r->position == AC_POS_BALLOT && !r->sealed) {
            put(&q, "ballot", ballot_json(p, r, &wa));
        }
        if (weighed) {
            put_int(&q, "weight",
                    p->status == AC_PROP_OPEN ? (w.w ? w.w[i] : 1)
                                              : (r->weight ? r->weight : 1));
        }
        if (r->position == AC_POS_NOMINATION) {
            put_str(&q, "nominee", r->nominee);
        }
        if (r->position == AC_POS_VOLUNTEER) {
            put_str(&q, "commitment", r->commitment);
            put(&q, "secret", str_or_null(r->secret));
        }
        if (!push(positions, obj_done(&q))) {
            json_decref(positions);
            positions = NULL;
        }
    }
    for (size_t i = 0; versions && i < p->version_count; i++) {
        const struct ac_proposal_version *v = &p->versions[i];
        struct obj q = obj_new();
        put_int(&q, "version", v->version);
        put_str(&q, "title", v->title);
        put(&q, "data", ac_json_from_val(v->data));
        put(&q, "time", ac_api_time(v->time));
        if (!push(versions, obj_done(&q))) {
            json_decref(versions);
            versions = NULL;
        }
    }
    put_str(&o, "id", p->id);
    put_str(&o, "circle", p->circle);
    put_str(&o, "author", p->author);
    put(&o, "kind", json_string(ac_kind_name(p->kind)));
    ac_method_format(method, p->method);
    put(&o, "method",
        json_string(p->kind == AC_KIND_ROLE_DRAW ? "lot" : method));
    put_str(&o, "title", p->title);
    put(&o, "data", ac_json_from_val(p->data));
    put(&o, "status", json_string(ac_proposal_status_name(p->status)));
    put_int(&o, "round", p->round);
    put_int(&o, "version", p->version);
    put(&o, "opened", ac_api_time(p->opened));
    put(&o, "deadline", ac_api_time(p->deadline));
    put(&o, "closed", time_or_null(p->closed));
    put(&o, "lapse_at", time_or_null(p->lapse_at));
    put_str(&o, "outcome", p->outcome);
    put(&o, "effect", str_or_null(p->effect));
    put(&o, "positions", positions);
    put(&o, "tally", tally_json(s, p));
    put(&o, "versions", versions);
    put(&o, "objections", objections_json(p));
    if (p->phase != AC_STAGE_NONE) {
        put(&o, "phase", json_string(ac_stage_name(p->phase)));
        put(&o, "candidate", str_or_null(p->candidate));
    }
    if (p->result) {
        put(&o, "result", ac_json_from_val(p->result));
    }
    if (p->over_cap) {
        put(&o, "over_cap", ac_json_from_val(p->over_cap));
    }
    ac_arena_release(&wa);
    return obj_done(&o);
}

json_t *ac_api_agreement(const struct ac_agreement *ag)
{
    struct obj o = obj_new();
    json_t *versions = json_array();
    const struct ac_agreement_version *cur =
        ag->count ? &ag->versions[ag->count - 1] : NULL;

    for (size_t i = 0; versions && i < ag->count; i++) {
        const struct ac_agreement_version *v = &ag->versions[i];
        struct obj q = obj_new();
        put_int(&q, "version", v->version);
        put_str(&q, "text", v->text);
        put_str(&q, "proposal", v->proposal);
        put(&q, "time", ac_api_time(v->time));
        if (!push(versions, obj_done(&q))) {
            json_decref(versions);
            versions = NULL;
        }
    }
    put_str(&o, "id", ag->id);
    put_str(&o, "circle", ag->circle);
    put_str(&o, "title", ag->title);
    put(&o, "status",
        json_string(ag->status == AC_AGREEMENT_ACTIVE ? "active" : "retired"));
    put_int(&o, "version", cur ? cur->version : 0);
    put_str(&o, "text", cur ? cur->text : AC_STR(""));
    put(&o, "review_due", json_boolean(ag->review_due));
    if (ag->review_by >= 0) {
        char t[AC_TIME_LEN + 1];
        ac_time_format(t, ag->review_by);
        put(&o, "review_by", json_stringn(t, 10));
    } else {
        put(&o, "review_by", json_null());
    }
    put(&o, "versions", versions);
    return obj_done(&o);
}

json_t *ac_api_commitment(const struct ac_commitment *c)
{
    struct obj o = obj_new();
    json_t *notes = json_array();
    char due[AC_TIME_LEN + 1];
    for (size_t i = 0; notes && i < c->note_count; i++) {
        const struct ac_commitment_note *n = &c->notes[i];
        struct obj q = obj_new();
        put(&q, "time", ac_api_time(n->time));
        put(&q, "status", json_string(ac_commitment_status_name(n->status)));
        put_str(&q, "note", n->note);
        if (!push(notes, obj_done(&q))) {
            json_decref(notes);
            notes = NULL;
        }
    }
    /* the date given: the day before the moment it falls due */
    ac_time_format(due, c->due - AC_MS_PER_DAY);
    put_str(&o, "id", c->id);
    put_str(&o, "member", c->member);
    put_str(&o, "circle", c->circle);
    put_str(&o, "what", c->what);
    put(&o, "due", json_stringn(due, 10));
    put(&o, "made", ac_api_time(c->made));
    put(&o, "status", json_string(ac_commitment_status_name(c->status)));
    put(&o, "updates", notes);
    return obj_done(&o);
}
