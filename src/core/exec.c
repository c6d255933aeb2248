/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Deciding: commands checked against state and charter, then turned into
 * events (docs/consent.md describes the process this implements). */
#include "exec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/ascii.h"
#include "base/hash.h"
#include "base/time.h"
#include "core/choice.h"
#include "core/delegate.h"
#include "core/draw.h"

#define NOMEM(err) ac_err_set((err), AC_ENOMEM, "out of memory")

/* ---- emitting ---- */

/* Seals an event onto the chain, folds it into the state, keeps it. */
static enum ac_status emit(struct ac_state *s, struct ac_arena *a,
                           struct ac_batch *out, int64_t now,
                           struct ac_str actor, const char *type,
                           struct ac_val *data, struct ac_err *err)
{
    struct ac_event *ev;
    enum ac_status st;

    if (!data) {
        return NOMEM(err);
    }
    if (out->count == out->room) {
        size_t room = out->room ? out->room * 2 : 4;
        struct ac_event *p = ac_arena_alloc(a, room * sizeof *p);
        if (!p) {
            return NOMEM(err);
        }
        if (out->count) {
            memcpy(p, out->events, out->count * sizeof *p);
        }
        out->events = p;
        out->room = room;
    }
    ev = &out->events[out->count];
    ev->seq = s->seq + 1;
    ev->time = now > s->time ? now : s->time;
    ev->actor = ac_arena_str(a, actor);
    ev->type = ac_str_c(type);
    ev->data = data;
    memcpy(ev->prev, s->head, AC_HASH_LEN);
    if (!ev->actor.ptr) {
        return NOMEM(err);
    }
    st = ac_event_seal(ev, err);
    if (st == AC_OK) {
        st = ac_state_apply(s, ev, err);
    }
    if (st == AC_OK) {
        out->count++;
    }
    return st;
}

/* A small builder so event data reads as one expression per member. */
struct obj {
    struct ac_arena *a;
    struct ac_val *v;
    bool ok;
};

static struct obj obj_new(struct ac_arena *a)
{
    struct obj o = {a, ac_val_obj(a), true};
    o.ok = o.v != NULL;
    return o;
}

static void put(struct obj *o, const char *key, struct ac_val *v)
{
    o->ok = o->ok && ac_val_set(o->a, o->v, key, v);
}

static void put_str(struct obj *o, const char *key, struct ac_str s)
{
    put(o, key, ac_val_str(o->a, s));
}

static void put_int(struct obj *o, const char *key, int64_t i)
{
    put(o, key, ac_val_int(o->a, i));
}

static void put_time(struct obj *o, const char *key, int64_t ms)
{
    char t[AC_TIME_LEN + 1];
    ac_time_format(t, ms);
    put_str(o, key, ac_str_c(t));
}

static struct ac_val *obj_done(struct obj *o)
{
    return o->ok ? o->v : NULL;
}

/* A secret answer for the store, and the proposals whose answers go. */
static enum ac_status keep_sealed(struct ac_batch *out, struct ac_arena *a,
                                  const struct ac_proposal *p,
                                  struct ac_str member,
                                  const struct ac_val *content,
                                  struct ac_err *err)
{
    struct ac_sealed *sl;
    if (out->sealed_count == out->sealed_room) {
        size_t room = out->sealed_room ? out->sealed_room * 2 : 4;
        struct ac_sealed *n = ac_arena_alloc(a, room * sizeof *n);
        if (!n) {
            return NOMEM(err);
        }
        if (out->sealed_count) {
            memcpy(n, out->sealed, out->sealed_count * sizeof *n);
        }
        out->sealed = n;
        out->sealed_room = room;
    }
    sl = &out->sealed[out->sealed_count];
    sl->proposal = ac_arena_str(a, p->id);
    sl->round = p->round;
    sl->member = ac_arena_str(a, member);
    sl->content = ac_val_copy(a, content);
    if (!sl->proposal.ptr || !sl->member.ptr || !sl->content) {
        return NOMEM(err);
    }
    out->sealed_count++;
    return AC_OK;
}

static enum ac_status drop_sealed(struct ac_batch *out, struct ac_arena *a,
                                  const struct ac_proposal *p,
                                  struct ac_err *err)
{
    if (!p->method.secret) {
        return AC_OK;
    }
    if (out->unseal_count == out->unseal_room) {
        size_t room = out->unseal_room ? out->unseal_room * 2 : 4;
        struct ac_str *n = ac_arena_alloc(a, room * sizeof *n);
        if (!n) {
            return NOMEM(err);
        }
        if (out->unseal_count) {
            memcpy(n, out->unseal, out->unseal_count * sizeof *n);
        }
        out->unseal = n;
        out->unseal_room = room;
    }
    out->unseal[out->unseal_count] = ac_arena_str(a, p->id);
    if (!out->unseal[out->unseal_count].ptr) {
        return NOMEM(err);
    }
    out->unseal_count++;
    return AC_OK;
}

/* A secret answer: the log gets vote.cast, the state and the store the
 * content. */
static enum ac_status cast_secret(struct ac_state *s, struct ac_proposal *p,
                                  const struct ac_cmd *cmd, int64_t now,
                                  struct ac_val *content, struct ac_arena *a,
                                  struct ac_batch *out, struct ac_err *err)
{
    struct obj d = obj_new(a);
    enum ac_status st;
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    st = emit(s, a, out, now, cmd->actor, "vote.cast", obj_done(&d), err);
    if (st == AC_OK) {
        st = ac_state_seal(s, p->id, p->round, cmd->actor, content, err);
    }
    if (st == AC_OK) {
        st = keep_sealed(out, a, p, cmd->actor, content, err);
    }
    return st;
}

/* ---- field checks (err->where is a JSON pointer into the request) ---- */

static enum ac_status check_text(struct ac_str s, const char *where, size_t min,
                                 size_t max, struct ac_err *err)
{
    size_t n;
    if (!ac_utf8_is_valid(s)) {
        return ac_err_at(err, where, AC_EINVAL, "%s is not valid UTF-8", where);
    }
    n = ac_utf8_count(s);
    if (n < min) {
        return ac_err_at(err, where, AC_EINVAL, "%s must not be empty", where);
    }
    if (n > max) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s is longer than %zu characters", where, max);
    }
    return AC_OK;
}

/* data must be an object whose members are among allowed (NULL-ended). */
static enum ac_status check_members(const struct ac_val *data,
                                    const char *const *allowed,
                                    struct ac_err *err)
{
    if (!data || data->kind != AC_VAL_OBJ) {
        return ac_err_at(err, "/data", AC_EINVAL, "/data must be an object");
    }
    for (size_t i = 0; i < data->count; i++) {
        bool ok = false;
        for (size_t k = 0; allowed[k]; k++) {
            ok = ok || ac_str_eq_c(data->pairs[i].key, allowed[k]);
        }
        if (!ok) {
            char where[96];
            snprintf(where, sizeof where, "/data/%.*s",
                     (int)(data->pairs[i].key.len > 60
                               ? 60
                               : data->pairs[i].key.len),
                     data->pairs[i].key.ptr);
            return ac_err_at(err, where, AC_EINVAL,
                             "%s is not a member of this kind's data", where);
        }
    }
    return AC_OK;
}

/* A required (or, with optional, possibly absent) string member. */
static enum ac_status field_str(const struct ac_val *data, const char *key,
                                bool optional, size_t min, size_t max,
                                struct ac_str *out, struct ac_err *err)
{
    char where[64];
    const struct ac_val *v = ac_val_get(data, key);
    snprintf(where, sizeof where, "/data/%s", key);
    if (!v) {
        out->ptr = NULL;
        out->len = 0;
        if (optional) {
            return AC_OK;
        }
        return ac_err_at(err, where, AC_EINVAL, "%s is required", where);
    }
    if (v->kind != AC_VAL_STR) {
        return ac_err_at(err, where, AC_EINVAL, "%s must be a string", where);
    }
    *out = v->s;
    if (min > 0 && ac_str_is_blank(v->s)) {
        return ac_err_at(err, where, AC_EINVAL, "%s must not be blank", where);
    }
    return check_text(v->s, where, min, max, err);
}

static enum ac_status field_id(const struct ac_val *data, const char *key,
                               struct ac_str *out, struct ac_err *err)
{
    enum ac_status st = field_str(data, key, false, 1, 64, out, err);
    if (st == AC_OK && !ac_id_is_valid(*out)) {
        char where[64];
        snprintf(where, sizeof where, "/data/%s", key);
        return ac_err_at(err, where, AC_EINVAL,
                         "%s \"%.*s\" is not a valid id "
                         "([a-z0-9][a-z0-9_-]{0,31})",
                         where, (int)out->len, out->ptr);
    }
    return st;
}

/* ---- per-kind checks, run when proposed, amended and adopted ---- */

struct kind_ctx {
    const struct ac_state *s;
    struct ac_str circle; /* the proposal's circle */
    int64_t now;          /* ms when proposed or amended; 0 at adoption,
                             when dates are no longer checked */
    bool amending;        /* an amendment, not the first version */
};

static enum ac_status need_root(const struct kind_ctx *k, const char *kind,
                                struct ac_err *err)
{
    if (!ac_str_eq_c(k->circle, AC_ROOT_CIRCLE)) {
        return ac_err_at(err, "/circle", AC_EINVAL,
                         "%s proposals are decided by the circle \"all\"",
                         kind);
    }
    return AC_OK;
}

static enum ac_status agreement_ref(const struct kind_ctx *k,
                                    const struct ac_val *data,
                                    struct ac_err *err)
{
    struct ac_str id;
    const struct ac_agreement *ag;
    enum ac_status st = field_str(data, "agreement", false, 1, 64, &id, err);
    if (st != AC_OK) {
        return st;
    }
    ag = ac_state_agreement(k->s, id);
    if (!ag) {
        return ac_err_at(err, "/data/agreement", AC_EINVAL,
                         "/data/agreement: no agreement \"%.*s\"", (int)id.len,
                         id.ptr);
    }
    if (ag->status != AC_AGREEMENT_ACTIVE) {
        return ac_err_at(err, "/data/agreement", AC_EINVAL,
                         "/data/agreement: agreement \"%.*s\" is retired",
                         (int)id.len, id.ptr);
    }
    if (!ac_str_eq(ag->circle, k->circle)) {
        return ac_err_at(err, "/circle", AC_EINVAL,
                         "agreement \"%.*s\" belongs to the circle \"%.*s\"",
                         (int)id.len, id.ptr, (int)ag->circle.len,
                         ag->circle.ptr);
    }
    return AC_OK;
}

static enum ac_status ck_agreement_adopt(const struct kind_ctx *k,
                                         const struct ac_val *data,
                                         struct ac_err *err)
{
    static const char *const allowed[] = {"text", "review_by", NULL};
    struct ac_str text, review;
    int64_t ms;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = field_str(data, "text", false, 1, AC_TEXT_MAX, &text, err);
    }
    if (st == AC_OK) {
        /* any malformed date, short or long, gets the date message */
        st = field_str(data, "review_by", true, 0, 64, &review, err);
    }
    if (st == AC_OK && review.ptr &&
        ac_date_parse(review, &ms, NULL) != AC_OK) {
        return ac_err_at(err, "/data/review_by", AC_EINVAL,
                         "/data/review_by must be a date YYYY-MM-DD");
    }
    if (st == AC_OK && review.ptr && ms + AC_MS_PER_DAY <= k->now) {
        return ac_err_at(err, "/data/review_by", AC_EINVAL,
                         "/data/review_by \"%.*s\" is in the past",
                         (int)review.len, review.ptr);
    }
    return st;
}

static enum ac_status ck_agreement_amend(const struct kind_ctx *k,
                                         const struct ac_val *data,
                                         struct ac_err *err)
{
    static const char *const allowed[] = {"agreement", "text", NULL};
    struct ac_str text;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = agreement_ref(k, data, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "text", false, 1, AC_TEXT_MAX, &text, err);
    }
    return st;
}

static enum ac_status ck_agreement_retire(const struct kind_ctx *k,
                                          const struct ac_val *data,
                                          struct ac_err *err)
{
    static const char *const allowed[] = {"agreement", NULL};
    enum ac_status st = check_members(data, allowed, err);
    return st == AC_OK ? agreement_ref(k, data, err) : st;
}

static enum ac_status ck_charter_amend(const struct kind_ctx *k,
                                       const struct ac_val *data,
                                       struct ac_err *err)
{
    static const char *const allowed[] = {"set", NULL};
    const struct ac_val *set = ac_val_get(data, "set");
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = need_root(k, "charter.amend", err);
    }
    if (st != AC_OK) {
        return st;
    }
    if (!set || set->kind != AC_VAL_OBJ || set->count == 0) {
        return ac_err_at(err, "/data/set", AC_EINVAL,
                         "/data/set must be an object naming at least one "
                         "charter parameter");
    }
    for (size_t i = 0; i < set->count; i++) {
        enum ac_param p;
        char where[96];
        struct ac_str key = set->pairs[i].key, circle;
        snprintf(where, sizeof where, "/data/set/%.*s",
                 (int)(key.len > 60 ? 60 : key.len), key.ptr);
        if (ac_charter_rule_name(key, &p, &circle)) {
            if (!ac_state_circle(k->s, circle)) {
                return ac_err_at(
                    err, where, AC_EINVAL, "%s: no circle \"%.*s\"", where,
                    (int)(circle.len > 40 ? 40 : circle.len), circle.ptr);
            }
            st = ac_charter_rule_check(p, set->pairs[i].val, where, err);
            if (st != AC_OK) {
                return st;
            }
            continue;
        }
        if (!ac_charter_find(key, &p)) {
            return ac_err_at(err, where, AC_EINVAL,
                             "unknown charter parameter \"%.*s\"",
                             (int)(key.len > 60 ? 60 : key.len), key.ptr);
        }
        st = ac_charter_check(p, set->pairs[i].val, where, err);
        if (st != AC_OK) {
            return st;
        }
        if (p == AC_P_MONEY_CURRENCY &&
            !ac_str_eq(set->pairs[i].val->s,
                       k->s->charter.text[AC_P_MONEY_CURRENCY]) &&
            ac_state_money_in_play(k->s)) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s: money.currency is fixed once money has "
                             "moved or a proposal to move some is open: "
                             "their amounts are minor units of %.*s",
                             where,
                             (int)k->s->charter.text[AC_P_MONEY_CURRENCY].len,
                             k->s->charter.text[AC_P_MONEY_CURRENCY].ptr);
        }
    }
    return AC_OK;
}

static enum ac_status ck_member_admit(const struct kind_ctx *k,
                                      const struct ac_val *data,
                                      struct ac_err *err)
{
    static const char *const allowed[] = {"id", "name", NULL};
    struct ac_str id, name;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = need_root(k, "member.admit", err);
    }
    if (st == AC_OK) {
        st = field_id(data, "id", &id, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "name", false, 1, AC_NAME_MAX, &name, err);
    }
    if (st == AC_OK &&
        (ac_state_member(k->s, id) || ac_str_eq_c(id, "system") ||
         ac_str_eq_c(id, "operator"))) {
        return ac_err_at(err, "/data/id", AC_EINVAL,
                         "/data/id: the id \"%.*s\" is already taken",
                         (int)id.len, id.ptr);
    }
    return st;
}

static enum ac_status ck_member_remove(const struct kind_ctx *k,
                                       const struct ac_val *data,
                                       struct ac_err *err)
{
    static const char *const allowed[] = {"member", "reason", NULL};
    struct ac_str id, reason;
    const struct ac_member *m;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = need_root(k, "member.remove", err);
    }
    if (st == AC_OK) {
        st = field_id(data, "member", &id, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "reason", false, 1, AC_REASON_MAX, &reason, err);
    }
    if (st != AC_OK) {
        return st;
    }
    m = ac_state_member(k->s, id);
    if (!m ||
        (m->status != AC_MEMBER_ACTIVE && m->status != AC_MEMBER_INVITED)) {
        return ac_err_at(err, "/data/member", AC_EINVAL,
                         "/data/member: \"%.*s\" is not a member", (int)id.len,
                         id.ptr);
    }
    if (m->status == AC_MEMBER_ACTIVE && k->s->active_count <= 1) {
        return ac_err_at(err, "/data/member", AC_EINVAL,
                         "/data/member: \"%.*s\" is the last active member; "
                         "removing them would leave nobody to decide",
                         (int)id.len, id.ptr);
    }
    return AC_OK;
}

/* A list of distinct active member ids at /data/<key>. */
static enum ac_status member_list(const struct kind_ctx *k,
                                  const struct ac_val *data, const char *key,
                                  bool optional, struct ac_err *err)
{
    const struct ac_val *list = ac_val_get(data, key);
    char where[64];
    snprintf(where, sizeof where, "/data/%s", key);
    if (!list) {
        return optional
                   ? AC_OK
                   : ac_err_at(err, where, AC_EINVAL, "%s is required", where);
    }
    if (list->kind != AC_VAL_ARR) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s must be an array of member ids", where);
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct ac_val *v = list->items[i];
        const struct ac_member *m;
        char at[112];
        snprintf(at, sizeof at, "%s/%zu", where, i);
        if (v->kind != AC_VAL_STR) {
            return ac_err_at(err, at, AC_EINVAL, "%s must be a member id", at);
        }
        m = ac_state_member(k->s, v->s);
        if (!m || m->status != AC_MEMBER_ACTIVE) {
            return ac_err_at(err, at, AC_EINVAL,
                             "%s: \"%.*s\" is not an active member", at,
                             (int)(v->s.len > 40 ? 40 : v->s.len), v->s.ptr);
        }
        for (size_t j = 0; j < i; j++) {
            if (ac_str_eq(list->items[j]->s, v->s)) {
                return ac_err_at(err, at, AC_EINVAL,
                                 "%s: \"%.*s\" is listed twice", at,
                                 (int)v->s.len, v->s.ptr);
            }
        }
    }
    return AC_OK;
}

static enum ac_status ck_circle_create(const struct kind_ctx *k,
                                       const struct ac_val *data,
                                       struct ac_err *err)
{
    static const char *const allowed[] = {"id", "name", "purpose", "members",
                                          NULL};
    struct ac_str id, name, purpose;
    const struct ac_val *members = ac_val_get(data, "members");
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = need_root(k, "circle.create", err);
    }
    if (st == AC_OK) {
        st = field_id(data, "id", &id, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "name", false, 1, AC_NAME_MAX, &name, err);
    }
    if (st == AC_OK) {
        st =
            field_str(data, "purpose", false, 1, AC_PURPOSE_MAX, &purpose, err);
    }
    if (st == AC_OK) {
        st = member_list(k, data, "members", false, err);
    }
    if (st != AC_OK) {
        return st;
    }
    if (ac_state_circle(k->s, id)) {
        return ac_err_at(err, "/data/id", AC_EINVAL,
                         "/data/id: a circle \"%.*s\" already exists",
                         (int)id.len, id.ptr);
    }
    if (ac_str_eq_c(id, AC_POOL) || ac_str_eq_c(id, AC_OUTSIDE)) {
        return ac_err_at(err, "/data/id", AC_EINVAL,
                         "/data/id: \"%.*s\" names a side of the ledger "
                         "(docs/money.md); choose another id",
                         (int)id.len, id.ptr);
    }
    if (members->count == 0) {
        return ac_err_at(err, "/data/members", AC_EINVAL,
                         "/data/members must name at least one member");
    }
    return AC_OK;
}

static enum ac_status ck_circle_amend(const struct kind_ctx *k,
                                      const struct ac_val *data,
                                      struct ac_err *err)
{
    static const char *const allowed[] = {"circle", "purpose", "add", "remove",
                                          NULL};
    struct ac_str id, purpose;
    const struct ac_circle *c;
    const struct ac_val *add = ac_val_get(data, "add");
    const struct ac_val *rm = ac_val_get(data, "remove");
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = field_id(data, "circle", &id, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "purpose", true, 1, AC_PURPOSE_MAX, &purpose, err);
    }
    if (st == AC_OK) {
        st = member_list(k, data, "add", true, err);
    }
    if (st == AC_OK) {
        st = member_list(k, data, "remove", true, err);
    }
    if (st != AC_OK) {
        return st;
    }
    c = ac_state_circle(k->s, id);
    if (!c) {
        return ac_err_at(err, "/data/circle", AC_EINVAL,
                         "/data/circle: no circle \"%.*s\"", (int)id.len,
                         id.ptr);
    }
    if (!ac_str_eq(k->circle, id) && !ac_str_eq_c(k->circle, AC_ROOT_CIRCLE)) {
        return ac_err_at(err, "/circle", AC_EINVAL,
                         "a circle is amended by itself or by \"all\"");
    }
    if (!purpose.ptr && !add && !rm) {
        return ac_err_at(err, "/data", AC_EINVAL,
                         "/data must change the purpose, add or remove");
    }
    if ((add || rm) && ac_str_eq_c(id, AC_ROOT_CIRCLE)) {
        return ac_err_at(err, "/data/circle", AC_EINVAL,
                         "the circle \"all\" holds every active member; "
                         "admit or remove members instead");
    }
    for (size_t i = 0; rm && i < rm->count; i++) {
        if (!ac_state_in_circle(k->s, c, rm->items[i]->s)) {
            char at[96];
            snprintf(at, sizeof at, "/data/remove/%zu", i);
            return ac_err_at(err, at, AC_EINVAL,
                             "%s: \"%.*s\" is not in the circle", at,
                             (int)rm->items[i]->s.len, rm->items[i]->s.ptr);
        }
    }
    for (size_t i = 0; add && i < add->count; i++) {
        if (ac_state_in_circle(k->s, c, add->items[i]->s)) {
            char at[96];
            snprintf(at, sizeof at, "/data/add/%zu", i);
            return ac_err_at(err, at, AC_EINVAL,
                             "%s: \"%.*s\" is already in the circle", at,
                             (int)add->items[i]->s.len, add->items[i]->s.ptr);
        }
    }
    return AC_OK;
}

/* /data/options: 1..AC_CHOICE_MAX distinct, non-blank texts. */
static enum ac_status check_options(const struct ac_val *data,
                                    struct ac_err *err)
{
    const struct ac_val *opts = ac_val_get(data, "options");
    enum ac_status st;
    if (!opts || opts->kind != AC_VAL_ARR || opts->count == 0 ||
        opts->count > AC_CHOICE_MAX) {
        return ac_err_at(err, "/data/options", AC_EINVAL,
                         "/data/options must be a list of 1..%d options",
                         AC_CHOICE_MAX);
    }
    for (size_t i = 0; i < opts->count; i++) {
        const struct ac_val *o = opts->items[i];
        char where[48];
        snprintf(where, sizeof where, "/data/options/%zu", i);
        if (o->kind != AC_VAL_STR) {
            return ac_err_at(err, where, AC_EINVAL, "%s must be text", where);
        }
        st = check_text(o->s, where, 1, AC_TITLE_MAX, err);
        if (st == AC_OK && ac_str_is_blank(o->s)) {
            return ac_err_at(err, where, AC_EINVAL, "%s must not be blank",
                             where);
        }
        if (st != AC_OK) {
            return st;
        }
        for (size_t j = 0; j < i; j++) {
            if (ac_str_eq(opts->items[j]->s, o->s)) {
                return ac_err_at(err, where, AC_EINVAL, "%s repeats option %zu",
                                 where, j + 1);
            }
        }
    }
    return AC_OK;
}

static enum ac_status ck_choice(const struct kind_ctx *k,
                                const struct ac_val *data, struct ac_err *err)
{
    static const char *const allowed[] = {"options", NULL};
    enum ac_status st = check_members(data, allowed, err);
    (void)k;
    return st == AC_OK ? check_options(data, err) : st;
}

#define AC_IMPORT_MAX 10000 /* kinds of ballot one import carries */

/* choice.import: options, ranked ballots collected elsewhere with how many
 * cast each, where they come from, and how to count them. The circle
 * decides whether to accept them (docs/decisions.md#import). */
static enum ac_status ck_choice_import(const struct kind_ctx *k,
                                       const struct ac_val *data,
                                       struct ac_err *err)
{
    static const char *const allowed[] = {"options", "ballots", "source",
                                          "count", NULL};
    const struct ac_val *list = ac_val_get(data, "ballots");
    struct ac_str source, count;
    uint16_t marks[AC_CHOICE_MAX];
    enum ac_status st = check_members(data, allowed, err);
    (void)k;
    if (st == AC_OK) {
        st = check_options(data, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "source", false, 1, AC_PURPOSE_MAX, &source, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "count", true, 1, 32, &count, err);
    }
    if (st != AC_OK) {
        return st;
    }
    if (count.ptr && !ac_str_eq_c(count, "schulze") &&
        !ac_str_eq_c(count, "schulze_margins")) {
        return ac_err_at(err, "/data/count", AC_EINVAL,
                         "/data/count must be schulze or schulze_margins");
    }
    if (!list || list->kind != AC_VAL_ARR || list->count == 0 ||
        list->count > AC_IMPORT_MAX) {
        return ac_err_at(err, "/data/ballots", AC_EINVAL,
                         "/data/ballots must list 1..%d kinds of ballot",
                         AC_IMPORT_MAX);
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct ac_val *b = list->items[i];
        const struct ac_val *n = ac_val_get(b, "count");
        char where[64];
        snprintf(where, sizeof where, "/data/ballots/%zu", i);
        if (b->kind != AC_VAL_OBJ || b->count != 2 || !n ||
            n->kind != AC_VAL_INT || n->i < 1 || n->i > 1000000000) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must be {\"count\": 1..1000000000, "
                             "\"ranking\": [...]}",
                             where);
        }
        if (ac_ballot_marks(AC_M_SCHULZE, b, ac_val_get(data, "options")->count,
                            marks, err) != AC_OK) {
            char full[sizeof err->where + 64], msg[sizeof err->msg];
            snprintf(full, sizeof full, "%s%s", where, err ? err->where : "");
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "bad ranking");
            return ac_err_at(err, full, AC_EINVAL, "%s: %s", where, msg);
        }
    }
    return AC_OK;
}

/* An optional (or required) list of 0..50 texts at /data/<key>. */
static enum ac_status text_list(const struct ac_val *data, const char *key,
                                bool optional, struct ac_err *err)
{
    const struct ac_val *list = ac_val_get(data, key);
    char where[64];
    snprintf(where, sizeof where, "/data/%s", key);
    if (!list) {
        return optional
                   ? AC_OK
                   : ac_err_at(err, where, AC_EINVAL, "%s is required", where);
    }
    if (list->kind != AC_VAL_ARR || list->count > 50) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s must be a list of at most 50 texts", where);
    }
    for (size_t i = 0; i < list->count; i++) {
        char at[96];
        enum ac_status st;
        snprintf(at, sizeof at, "%s/%zu", where, i);
        if (list->items[i]->kind != AC_VAL_STR) {
            return ac_err_at(err, at, AC_EINVAL, "%s must be text", at);
        }
        st = check_text(list->items[i]->s, at, 1, AC_REASON_MAX, err);
        if (st == AC_OK && ac_str_is_blank(list->items[i]->s)) {
            return ac_err_at(err, at, AC_EINVAL, "%s must not be blank", at);
        }
        if (st != AC_OK) {
            return st;
        }
    }
    return AC_OK;
}

static enum ac_status field_days(const struct ac_val *data, bool optional,
                                 struct ac_err *err)
{
    const struct ac_val *v = ac_val_get(data, "term_days");
    if (!v && optional) {
        return AC_OK;
    }
    if (!v || v->kind != AC_VAL_INT || v->i < 1 || v->i > 3650) {
        return ac_err_at(err, "/data/term_days", AC_EINVAL,
                         "/data/term_days must be a number of days 1..3650");
    }
    return AC_OK;
}

/* name, purpose, accountabilities, domain and term_days of a role. */
static enum ac_status role_data(const struct ac_val *data, bool optional,
                                struct ac_err *err)
{
    struct ac_str v;
    enum ac_status st =
        field_str(data, "name", optional, 1, AC_NAME_MAX, &v, err);
    if (st == AC_OK) {
        st = field_str(data, "purpose", optional, 1, AC_PURPOSE_MAX, &v, err);
    }
    if (st == AC_OK) {
        st = text_list(data, "accountabilities", optional, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "domain", true, 0, AC_PURPOSE_MAX, &v, err);
    }
    return st == AC_OK ? field_days(data, optional, err) : st;
}

/* /data/role: an active role decided in this circle (or by "all"). */
static enum ac_status role_ref(const struct kind_ctx *k,
                               const struct ac_val *data,
                               const struct ac_role **out, struct ac_err *err)
{
    struct ac_str id;
    const struct ac_role *r;
    enum ac_status st = field_str(data, "role", false, 1, 64, &id, err);
    if (st != AC_OK) {
        return st;
    }
    r = ac_state_role(k->s, id);
    if (!r || r->retired) {
        return ac_err_at(err, "/data/role", AC_EINVAL,
                         "/data/role: no active role \"%.*s\"",
                         (int)(id.len > 40 ? 40 : id.len), id.ptr);
    }
    if (!ac_str_eq(r->circle, k->circle) &&
        !ac_str_eq_c(k->circle, AC_ROOT_CIRCLE)) {
        return ac_err_at(err, "/circle", AC_EINVAL,
                         "the role \"%.*s\" belongs to the circle \"%.*s\"",
                         (int)id.len, id.ptr, (int)r->circle.len,
                         r->circle.ptr);
    }
    *out = r;
    return AC_OK;
}

static enum ac_status ck_role_create(const struct kind_ctx *k,
                                     const struct ac_val *data,
                                     struct ac_err *err)
{
    static const char *const allowed[] = {
        "id",     "name",      "purpose", "accountabilities",
        "domain", "term_days", NULL};
    struct ac_str id;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = field_id(data, "id", &id, err);
    }
    if (st == AC_OK) {
        st = role_data(data, false, err);
    }
    if (st == AC_OK && ac_state_role(k->s, id)) {
        return ac_err_at(err, "/data/id", AC_EINVAL,
                         "/data/id: a role \"%.*s\" already exists",
                         (int)id.len, id.ptr);
    }
    return st;
}

static enum ac_status ck_role_amend(const struct kind_ctx *k,
                                    const struct ac_val *data,
                                    struct ac_err *err)
{
    static const char *const allowed[] = {
        "role",   "name",      "purpose", "accountabilities",
        "domain", "term_days", NULL};
    const struct ac_role *r;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = role_ref(k, data, &r, err);
    }
    if (st == AC_OK) {
        st = role_data(data, true, err);
    }
    if (st == AC_OK && data->count < 2) {
        return ac_err_at(err, "/data", AC_EINVAL,
                         "/data must change the name, purpose, "
                         "accountabilities, domain or term_days");
    }
    return st;
}

static enum ac_status ck_role_retire(const struct kind_ctx *k,
                                     const struct ac_val *data,
                                     struct ac_err *err)
{
    static const char *const allowed[] = {"role", NULL};
    const struct ac_role *r;
    enum ac_status st = check_members(data, allowed, err);
    return st == AC_OK ? role_ref(k, data, &r, err) : st;
}

/* One election or draw at a time for a role. */
static enum ac_status one_filling(const struct kind_ctx *k,
                                  const struct ac_role *r, struct ac_err *err)
{
    for (size_t i = 0; i < k->s->proposal_count; i++) {
        const struct ac_proposal *q = &k->s->proposals[i];
        struct ac_str other;
        if ((q->kind == AC_KIND_ROLE_ELECT || q->kind == AC_KIND_ROLE_DRAW) &&
            (q->status == AC_PROP_OPEN ||
             q->status == AC_PROP_NEEDS_INTEGRATION) &&
            ac_val_get_str(q->data, "role", &other) &&
            ac_str_eq(other, r->id)) {
            return ac_err_at(err, "/data/role", AC_EINVAL,
                             "/data/role: %.*s, which fills this role, is "
                             "still open",
                             (int)q->id.len, q->id.ptr);
        }
    }
    return AC_OK;
}

static enum ac_status ck_role_elect(const struct kind_ctx *k,
                                    const struct ac_val *data,
                                    struct ac_err *err)
{
    static const char *const allowed[] = {"role", "candidate", NULL};
    const struct ac_role *r;
    struct ac_str candidate;
    char why[200];
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = role_ref(k, data, &r, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "candidate", true, 1, 64, &candidate, err);
    }
    if (st != AC_OK || k->now == 0) {
        return st;
    }
    if (!k->amending && candidate.ptr) {
        return ac_err_at(err, "/data/candidate", AC_EINVAL,
                         "/data/candidate: the candidate comes from the "
                         "nominations; amend the election to name another");
    }
    if (k->amending && !candidate.ptr) {
        return ac_err_at(err, "/data/candidate", AC_EINVAL,
                         "/data/candidate: an election is amended by naming "
                         "another candidate");
    }
    if (candidate.ptr &&
        !ac_state_eligible(k->s, r, candidate, why, sizeof why)) {
        return ac_err_at(err, "/data/candidate", AC_EINVAL,
                         "/data/candidate: %s", why);
    }
    return k->amending ? AC_OK : one_filling(k, r, err);
}

static enum ac_status ck_role_draw(const struct kind_ctx *k,
                                   const struct ac_val *data,
                                   struct ac_err *err)
{
    static const char *const allowed[] = {"role", NULL};
    const struct ac_role *r;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = role_ref(k, data, &r, err);
    }
    if (st != AC_OK || k->now == 0) {
        return st;
    }
    return one_filling(k, r, err);
}

/* ---- money (docs/money.md) ---- */

/* The whole number the message about an amount shows for the currency:
 * what 1234 minor units read as. */
static const char *minor_example(int minor)
{
    return minor == 0   ? "the currency has no minor unit"
           : minor == 2 ? "1234 is 12.34"
           : minor == 3 ? "1234 is 1.234"
                        : "12345 is 1.2345";
}

/* An amount in minor units at key: a whole number 1..AC_MONEY_MAX. */
static enum ac_status field_money(const struct kind_ctx *k,
                                  const struct ac_val *data, const char *key,
                                  int64_t *out, struct ac_err *err)
{
    const struct ac_val *v = ac_val_get(data, key);
    struct ac_currency cur = ac_state_currency(k->s);
    char where[32];
    snprintf(where, sizeof where, "/data/%s", key);
    if (!v) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s is required: a whole number of minor units of %s",
                         where, cur.code);
    }
    if (v->kind != AC_VAL_INT || v->i < 1 || v->i > AC_MONEY_MAX) {
        char shown[32] = "";
        if (v->kind == AC_VAL_INT) {
            snprintf(shown, sizeof shown, ", not %" PRId64, v->i);
        }
        return ac_err_at(err, where, AC_EINVAL,
                         "%s must be a whole number of minor units of %s (%s) "
                         "from 1 to %" PRId64 "%s",
                         where, cur.code, minor_example(cur.minor),
                         AC_MONEY_MAX, shown);
    }
    *out = v->i;
    return AC_OK;
}

static enum ac_status field_amount(const struct kind_ctx *k,
                                   const struct ac_val *data, int64_t *out,
                                   struct ac_err *err)
{
    return field_money(k, data, "amount", out, err);
}

/* An amount with its currency, for messages. */
static void money_text(const struct ac_state *s, int64_t amount, char out[48])
{
    ac_money_text(out, amount, ac_state_currency(s));
}

/* The budget of c can give the amount at key. */
static enum ac_status can_pay(const struct kind_ctx *k,
                              const struct ac_circle *c, const char *key,
                              int64_t amount, struct ac_err *err)
{
    char has[48], needs[48], where[32];
    struct ac_str name = ac_state_account(c);
    if (c->balance >= amount) {
        return AC_OK;
    }
    money_text(k->s, c->balance, has);
    money_text(k->s, amount, needs);
    snprintf(where, sizeof where, "/data/%s", key);
    return ac_err_at(err, where, AC_EINVAL,
                     "%s: %s%.*s holds %s, less than the %s asked for", where,
                     ac_str_eq_c(name, AC_POOL) ? "the " : "the budget of ",
                     (int)name.len, name.ptr, has, needs);
}

/* The budget of c can take amount more. */
static enum ac_status can_hold(const struct ac_circle *c, int64_t amount,
                               struct ac_err *err)
{
    if (c->balance <= AC_MONEY_MAX - amount) {
        return AC_OK;
    }
    return ac_err_at(err, "/data/amount", AC_EINVAL,
                     "/data/amount: the balance would pass the largest "
                     "amount accord keeps (%" PRId64 " minor units)",
                     AC_MONEY_MAX);
}

static enum ac_status ck_income(const struct kind_ctx *k,
                                const struct ac_val *data, struct ac_err *err)
{
    static const char *const allowed[] = {"amount", "source", NULL};
    struct ac_str source;
    int64_t amount;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = need_root(k, "income", err);
    }
    if (st == AC_OK) {
        st = field_amount(k, data, &amount, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "source", false, 1, AC_NAME_MAX, &source, err);
    }
    return st == AC_OK ? can_hold(&k->s->circles[0], amount, err) : st;
}

static enum ac_status ck_budget_allocate(const struct kind_ctx *k,
                                         const struct ac_val *data,
                                         struct ac_err *err)
{
    static const char *const allowed[] = {"circle", "amount", NULL};
    struct ac_str id;
    const struct ac_circle *to;
    int64_t amount;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = need_root(k, "budget.allocate", err);
    }
    if (st == AC_OK) {
        st = field_id(data, "circle", &id, err);
    }
    if (st == AC_OK) {
        st = field_amount(k, data, &amount, err);
    }
    if (st != AC_OK) {
        return st;
    }
    if (!(to = ac_state_circle(k->s, id))) {
        return ac_err_at(err, "/data/circle", AC_EINVAL,
                         "/data/circle: no circle \"%.*s\"", (int)id.len,
                         id.ptr);
    }
    if (to == &k->s->circles[0]) {
        return ac_err_at(err, "/data/circle", AC_EINVAL,
                         "/data/circle: the pool is the budget of \"all\"; "
                         "allocate to another circle");
    }
    if ((st = can_pay(k, &k->s->circles[0], "amount", amount, err)) != AC_OK) {
        return st;
    }
    return can_hold(to, amount, err);
}

static enum ac_status ck_spend(const struct kind_ctx *k,
                               const struct ac_val *data, struct ac_err *err)
{
    static const char *const allowed[] = {"circle", "amount", "payee",
                                          "purpose", NULL};
    struct ac_str id, payee, purpose;
    const struct ac_circle *from;
    int64_t amount;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = field_id(data, "circle", &id, err);
    }
    if (st == AC_OK) {
        st = field_amount(k, data, &amount, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "payee", false, 1, AC_NAME_MAX, &payee, err);
    }
    if (st == AC_OK) {
        st =
            field_str(data, "purpose", false, 1, AC_PURPOSE_MAX, &purpose, err);
    }
    if (st != AC_OK) {
        return st;
    }
    if (!ac_str_eq(id, k->circle)) {
        return ac_err_at(err, "/data/circle", AC_EINVAL,
                         "/data/circle: a spend is decided by the circle "
                         "whose budget pays it: propose it in the circle "
                         "\"%.*s\", not \"%.*s\"",
                         (int)(id.len > 40 ? 40 : id.len), id.ptr,
                         (int)k->circle.len, k->circle.ptr);
    }
    from = ac_state_circle(k->s, id);
    return from ? can_pay(k, from, "amount", amount, err)
                : ac_err_at(err, "/data/circle", AC_EINVAL,
                            "/data/circle: no circle \"%.*s\"", (int)id.len,
                            id.ptr);
}

static enum ac_status ck_budget_round(const struct kind_ctx *k,
                                      const struct ac_val *data,
                                      struct ac_err *err)
{
    static const char *const allowed[] = {"pot", "days", NULL};
    const struct ac_val *days = ac_val_get(data, "days");
    const struct ac_circle *c = ac_state_circle(k->s, k->circle);
    int64_t pot;
    enum ac_status st = check_members(data, allowed, err);
    if (st != AC_OK || !c) {
        return st;
    }
    if ((st = field_money(k, data, "pot", &pot, err)) != AC_OK) {
        return st;
    }
    if (!days || days->kind != AC_VAL_INT || days->i < 1 || days->i > 365) {
        return ac_err_at(err, "/data/days", AC_EINVAL,
                         "/data/days must be the days the round stays open, "
                         "1..365");
    }
    if (ac_state_circle_size(k->s, c) == 0 ||
        pot < (int64_t)ac_state_circle_size(k->s, c)) {
        return ac_err_at(err, "/data/pot", AC_EINVAL,
                         "/data/pot must give each of the %zu members of "
                         "the circle at least one minor unit",
                         ac_state_circle_size(k->s, c));
    }
    return can_pay(k, c, "pot", pot, err);
}

/* A date field, optional, not in the past when proposed. */
static enum ac_status field_date(const struct kind_ctx *k,
                                 const struct ac_val *data, const char *key,
                                 struct ac_err *err)
{
    struct ac_str v;
    int64_t ms;
    char where[32];
    enum ac_status st = field_str(data, key, true, 0, 64, &v, err);
    snprintf(where, sizeof where, "/data/%s", key);
    if (st != AC_OK || !v.ptr) {
        return st;
    }
    if (ac_date_parse(v, &ms, NULL) != AC_OK) {
        return ac_err_at(err, where, AC_EINVAL, "%s must be a date YYYY-MM-DD",
                         where);
    }
    if (k->now && ms + AC_MS_PER_DAY <= k->now) {
        return ac_err_at(err, where, AC_EINVAL, "%s \"%.*s\" is in the past",
                         where, (int)v.len, v.ptr);
    }
    return AC_OK;
}

static enum ac_status ck_agreement_review(const struct kind_ctx *k,
                                          const struct ac_val *data,
                                          struct ac_err *err)
{
    static const char *const allowed[] = {"agreement", "outcome", "text",
                                          "review_by", NULL};
    struct ac_str outcome, text;
    enum ac_status st = check_members(data, allowed, err);
    if (st == AC_OK) {
        st = agreement_ref(k, data, err);
    }
    if (st == AC_OK) {
        st = field_str(data, "outcome", false, 1, 16, &outcome, err);
    }
    if (st != AC_OK) {
        return st;
    }
    if (!ac_str_eq_c(outcome, "keep") && !ac_str_eq_c(outcome, "amend") &&
        !ac_str_eq_c(outcome, "retire")) {
        return ac_err_at(err, "/data/outcome", AC_EINVAL,
                         "/data/outcome must be keep, amend or retire");
    }
    st = field_str(data, "text", !ac_str_eq_c(outcome, "amend"), 1, AC_TEXT_MAX,
                   &text, err);
    if (st == AC_OK && text.ptr && !ac_str_eq_c(outcome, "amend")) {
        return ac_err_at(err, "/data/text", AC_EINVAL,
                         "/data/text is for an amend outcome only");
    }
    if (st == AC_OK && ac_str_eq_c(outcome, "retire") &&
        ac_val_get(data, "review_by")) {
        return ac_err_at(err, "/data/review_by", AC_EINVAL,
                         "/data/review_by: a retired agreement has no review");
    }
    return st == AC_OK ? field_date(k, data, "review_by", err) : st;
}

typedef enum ac_status (*check_fn)(const struct kind_ctx *,
                                   const struct ac_val *, struct ac_err *);

static const check_fn checks[AC_KIND_COUNT] = {
    [AC_KIND_AGREEMENT_ADOPT] = ck_agreement_adopt,
    [AC_KIND_AGREEMENT_AMEND] = ck_agreement_amend,
    [AC_KIND_AGREEMENT_RETIRE] = ck_agreement_retire,
    [AC_KIND_CHARTER_AMEND] = ck_charter_amend,
    [AC_KIND_MEMBER_ADMIT] = ck_member_admit,
    [AC_KIND_MEMBER_REMOVE] = ck_member_remove,
    [AC_KIND_CIRCLE_CREATE] = ck_circle_create,
    [AC_KIND_CIRCLE_AMEND] = ck_circle_amend,
    [AC_KIND_CHOICE] = ck_choice,
    [AC_KIND_ROLE_CREATE] = ck_role_create,
    [AC_KIND_ROLE_AMEND] = ck_role_amend,
    [AC_KIND_ROLE_RETIRE] = ck_role_retire,
    [AC_KIND_ROLE_ELECT] = ck_role_elect,
    [AC_KIND_ROLE_DRAW] = ck_role_draw,
    [AC_KIND_CHOICE_IMPORT] = ck_choice_import,
    [AC_KIND_INCOME] = ck_income,
    [AC_KIND_BUDGET_ALLOCATE] = ck_budget_allocate,
    [AC_KIND_SPEND] = ck_spend,
    [AC_KIND_BUDGET_ROUND] = ck_budget_round,
    [AC_KIND_AGREEMENT_REVIEW] = ck_agreement_review,
};

/* ---- the consent process ---- */

static bool touches_entrenched(const struct ac_proposal *p)
{
    const struct ac_val *set;
    if (p->kind != AC_KIND_CHARTER_AMEND) {
        return false;
    }
    set = ac_val_get(p->data, "set");
    for (size_t i = 0; set && i < set->count; i++) {
        enum ac_param k;
        if (ac_charter_find(set->pairs[i].key, &k) &&
            ac_charter_def(k)->entrenched) {
            return true;
        }
    }
    return false;
}

static int64_t responses(const int64_t t[AC_POS_COUNT])
{
    int64_t n = 0;
    for (unsigned i = 0; i < AC_POS_COUNT; i++) {
        n += t[i];
    }
    return n;
}

static enum ac_status close_answered(struct ac_state *s, int64_t now,
                                     struct ac_arena *a, struct ac_batch *out,
                                     struct ac_err *err);

/* What a closing round comes to. */
struct verdict {
    enum ac_proposal_status next;
    char reason[320];
    struct ac_val *result; /* choice only */
};

static void say(struct verdict *v, enum ac_proposal_status next,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct verdict *v, enum ac_proposal_status next,
                const char *fmt, ...)
{
    va_list ap;
    v->next = next;
    va_start(ap, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, ap);
    va_end(ap);
}

/* Nobody answered, or too few for the quorum. */
static void no_quorum(struct verdict *v, const struct ac_charter *ch,
                      int64_t resp, int64_t eligible)
{
    if (resp == 0) {
        say(v, AC_PROP_LAPSED, "nobody of %" PRId64 " responded", eligible);
    } else {
        say(v, AC_PROP_LAPSED,
            "too few responses: %" PRId64 " of %" PRId64 ", quorum is %" PRId64
            "%%",
            resp, eligible, ch->value[AC_P_QUORUM_PERCENT]);
    }
}

/* An entrenched article changes only by every active member's explicit
 * yes, whatever the method. */
static void decide_entrenched(struct verdict *v, int64_t favour,
                              int64_t eligible)
{
    if (eligible > 0 && favour == eligible) {
        say(v, AC_PROP_ADOPTED,
            "every active member consented to change an "
            "entrenched article");
    } else {
        say(v, AC_PROP_LAPSED,
            "an entrenched article changes only with the explicit consent of "
            "every active member (%" PRId64 " of %" PRId64 ")",
            favour, eligible);
    }
}

/* Consent and consensus (docs/consent.md#closing). */
static void decide_consent(const struct ac_state *s,
                           const struct ac_proposal *p,
                           const int64_t t[AC_POS_COUNT], int64_t eligible,
                           struct verdict *v)
{
    const struct ac_charter *ch = &s->charter;
    int64_t resp = responses(t);
    int64_t favour = t[AC_POS_CONSENT] + t[AC_POS_CONCERN];
    bool quorum = resp * 100 >= ch->value[AC_P_QUORUM_PERCENT] * eligible;

    if (t[AC_POS_OBJECT] > 0 && p->round < ch->value[AC_P_MAX_ROUNDS]) {
        say(v, AC_PROP_NEEDS_INTEGRATION, "%" PRId64 " objection(s) stand",
            t[AC_POS_OBJECT]);
    } else if (touches_entrenched(p)) {
        decide_entrenched(v, favour, eligible);
    } else if (t[AC_POS_OBJECT] > 0) {
        int64_t fb = ch->value[AC_P_FALLBACK];
        if (fb > 0 && quorum &&
            favour * 100 >= fb * (favour + t[AC_POS_OBJECT])) {
            say(v, AC_PROP_ADOPTED,
                "adopted by the charter's fallback: %" PRId64 " of %" PRId64
                " in favour after the last round (%" PRId64 "%% needed)",
                favour, favour + t[AC_POS_OBJECT], fb);
        } else {
            say(v, AC_PROP_LAPSED,
                "%" PRId64 " objection(s) still stand after round %" PRId64
                ", the charter's last",
                t[AC_POS_OBJECT], p->round);
        }
    } else if (p->method.method == AC_M_CONSENSUS) {
        if (eligible > 0 && resp == eligible && favour > 0) {
            say(v, AC_PROP_ADOPTED,
                "consensus: %" PRId64 " consented, %" PRId64
                " stood aside, nobody objected",
                favour, t[AC_POS_STAND_ASIDE]);
        } else if (resp < eligible) {
            say(v, AC_PROP_LAPSED,
                "consensus needs every member's answer: %" PRId64 " of %" PRId64
                " answered",
                resp, eligible);
        } else {
            say(v, AC_PROP_LAPSED, "consensus: everyone stood aside");
        }
    } else if (quorum && eligible > 0) {
        /* a quorum of 0 is the group's own choice of lazy consensus:
         * silence until the deadline is consent */
        say(v, AC_PROP_ADOPTED,
            "no objection; %" PRId64 " of %" PRId64 " responded", resp,
            eligible);
    } else {
        no_quorum(v, ch, resp, eligible);
    }
}

/* Majority and supermajority: objections count against, and are shown
 * with the result. */
static void decide_vote(const struct ac_state *s, const struct ac_proposal *p,
                        const int64_t t[AC_POS_COUNT],
                        const int64_t tw[AC_POS_COUNT], int64_t eligible,
                        struct verdict *v)
{
    const struct ac_charter *ch = &s->charter;
    /* votes count with the delegations they carry (tw); an entrenched
     * article needs every member's own yes (t) */
    /* members answering through a delegate count towards the quorum */
    int64_t resp = responses(tw), yes = tw[AC_POS_YES];
    int64_t against = tw[AC_POS_NO] + tw[AC_POS_OBJECT];
    bool quorum = resp * 100 >= ch->value[AC_P_QUORUM_PERCENT] * eligible;
    bool won;
    char need[48];

    if (touches_entrenched(p)) {
        decide_entrenched(v, t[AC_POS_YES], eligible);
        return;
    }
    if (!quorum || eligible == 0 || resp == 0) {
        no_quorum(v, ch, resp, eligible);
        return;
    }
    if (p->method.method == AC_M_MAJORITY) {
        won = yes > against;
        snprintf(need, sizeof need, "more yes than no");
    } else {
        won = yes > 0 && yes * 100 >= p->method.percent * (yes + against);
        snprintf(need, sizeof need, "%" PRId64 "%% yes needed",
                 p->method.percent);
    }
    say(v, won ? AC_PROP_ADOPTED : AC_PROP_REJECTED,
        "%s: %" PRId64 " yes, %" PRId64 " no, %" PRId64
        " objection(s), %" PRId64 " abstained (%s)",
        won ? "adopted" : "rejected", yes, tw[AC_POS_NO], tw[AC_POS_OBJECT],
        tw[AC_POS_ABSTAIN], need);
}

/* An option's number and text for a reason, e.g. `2 "Oak"`. */
static void option_name(const struct ac_proposal *p, uint16_t c, char *out,
                        size_t room)
{
    const struct ac_val *opts = ac_val_get(p->data, "options");
    const struct ac_val *o = opts && c < opts->count ? opts->items[c] : NULL;
    snprintf(out, room, "%u \"%.*s\"", (unsigned)c + 1,
             o && o->kind == AC_VAL_STR ? (int)(o->s.len > 60 ? 60 : o->s.len)
                                        : 0,
             o && o->kind == AC_VAL_STR ? o->s.ptr : "");
}

static enum ac_status
decide_choice(const struct ac_state *s, const struct ac_proposal *p,
              const int64_t t[AC_POS_COUNT], int64_t eligible,
              const struct ac_weights *w, struct ac_arena *a, struct verdict *v,
              struct ac_err *err)
{
    const struct ac_charter *ch = &s->charter;
    int64_t resp = 0;
    struct ac_choice_result r;
    char method[32], first[96];
    enum ac_status st;

    /* members answering through a delegate count towards the quorum */
    for (size_t i = 0; i < p->count; i++) {
        resp += p->positions[i].position == AC_POS_BALLOT ? w->w[i] : 0;
    }
    (void)t;
    if (resp == 0 || eligible == 0 ||
        resp * 100 < ch->value[AC_P_QUORUM_PERCENT] * eligible) {
        no_quorum(v, ch, resp, eligible);
        return AC_OK;
    }
    st = ac_choice_count(s, p, true, w->w, a, &r, err);
    if (st != AC_OK) {
        return st;
    }
    ac_method_format(method, p->method);
    option_name(p, r.order[0], first, sizeof first);
    if (r.winner_count == 1) {
        say(v, AC_PROP_DECIDED, "option %s wins (%s, %zu ballot(s))", first,
            method, r.ballots);
    } else {
        say(v, AC_PROP_DECIDED,
            "%zu options tie for first place (%s, %zu ballot(s)); the "
            "tie-break puts option %s first",
            r.winner_count, method, r.ballots, first);
    }
    v->result = ac_choice_result_val(&r, a);
    return v->result ? AC_OK : NOMEM(err);
}

static const struct ac_role *role_of(const struct ac_state *s,
                                     const struct ac_proposal *p)
{
    struct ac_str id;
    const struct ac_role *r;
    if (!ac_val_get_str(p->data, "role", &id)) {
        return NULL;
    }
    r = ac_state_role(s, id);
    return r && !r->retired ? r : NULL;
}

/* Counts of the round weighted by the votes each answer carries (votes
 * only: consent positions are never delegated). An objector's delegated
 * votes count as no: the objection itself stays personal. */
static void weigh(const struct ac_proposal *p, const struct ac_weights *w,
                  const int64_t t[AC_POS_COUNT], int64_t tw[AC_POS_COUNT])
{
    memcpy(tw, t, sizeof(int64_t) * AC_POS_COUNT);
    if (!ac_method_is_vote(p->method.method)) {
        return;
    }
    for (size_t i = 0; i < p->count; i++) {
        int64_t extra = w->w[i] > 1 ? w->w[i] - 1 : 0;
        enum ac_position pos = p->positions[i].position;
        tw[pos == AC_POS_OBJECT ? AC_POS_NO : pos] += extra;
    }
}

/* "weights": {member: votes} for every voter carrying more than their
 * own, and "over_cap": the delegators the cap left without a voice. */
static void put_weights(struct obj *d, const struct ac_proposal *p,
                        const struct ac_weights *w)
{
    struct obj o = obj_new(d->a);
    struct ac_val *over = ac_val_arr(d->a);
    for (size_t i = 0; i < p->count; i++) {
        if (w->w[i] > 1) {
            put_int(&o, ac_arena_cstr(d->a, p->positions[i].member), w->w[i]);
        }
    }
    for (size_t i = 0; over && i < w->over_count; i++) {
        if (!ac_val_push(d->a, over, ac_val_str(d->a, w->over_cap[i]))) {
            over = NULL;
        }
    }
    put(d, "weights", obj_done(&o));
    if (w->over_count) {
        put(d, "over_cap", over);
    }
}

/* A secret choice's ballots without names, each with the votes it
 * carried, in canonical order: nothing in it tells who cast which. */
struct anon {
    const uint16_t *marks;
    size_t n;
    int64_t w;
};

static int anon_cmp(const void *x, const void *y)
{
    const struct anon *a = x, *b = y;
    for (size_t c = 0; c < a->n; c++) {
        if (a->marks[c] != b->marks[c]) {
            return a->marks[c] < b->marks[c] ? -1 : 1;
        }
    }
    return (a->w > b->w) - (a->w < b->w);
}

static struct ac_val *anonymous_ballots(const struct ac_proposal *p,
                                        const struct ac_weights *w,
                                        struct ac_arena *a)
{
    struct ac_val *list = ac_val_arr(a);
    struct anon *all =
        ac_arena_alloc(a, (p->count ? p->count : 1) * sizeof *all);
    size_t n = 0;
    if (!list || !all) {
        return NULL;
    }
    for (size_t i = 0; i < p->count; i++) {
        const struct ac_position_rec *r = &p->positions[i];
        if (w->w[i] > 0 && r->position == AC_POS_BALLOT && r->marks) {
            all[n++] = (struct anon){r->marks, p->option_count, w->w[i]};
        }
    }
    /* ordered by content, identical ballots counted together: nothing
     * tells who cast which, nor whose ballot carried delegated votes */
    qsort(all, n, sizeof *all, anon_cmp);
    for (size_t i = 0; i < n;) {
        struct ac_val *b = ac_val_obj(a);
        int64_t count = 0;
        size_t j = i;
        while (j < n && memcmp(all[j].marks, all[i].marks,
                               all[i].n * sizeof *all[i].marks) == 0) {
            count += all[j++].w;
        }
        if (!b ||
            !ac_ballot_put(p->method.method, all[i].marks, all[i].n, a, b) ||
            !ac_val_set(a, b, "count", ac_val_int(a, count)) ||
            !ac_val_push(a, list, b)) {
            return NULL;
        }
        i = j;
    }
    return list;
}

/* Closes the current round of p under its method. */
static enum ac_status close_round(struct ac_state *s, struct ac_proposal *p,
                                  int64_t now, struct ac_arena *a,
                                  struct ac_batch *out, struct ac_err *err)
{
    const struct ac_charter *ch = &s->charter;
    int64_t t[AC_POS_COUNT], tw[AC_POS_COUNT], eligible;
    struct ac_weights w;
    struct verdict v = {AC_PROP_LAPSED, "", NULL};
    enum ac_position keys[4];
    size_t nkeys = ac_state_tally_keys(p, keys);
    struct obj d = obj_new(a), ty = obj_new(a);
    struct kind_ctx k = {s, p->circle, 0, false};
    struct ac_err why;
    enum ac_status st = AC_OK;

    ac_state_tally(s, p, t, &eligible);
    st = ac_delegate_weights(s, p, now, a, &w, err);
    if (st != AC_OK) {
        return st;
    }
    weigh(p, &w, t, tw);
    if (ac_method_is_choice(p->method.method)) {
        st = decide_choice(s, p, t, eligible, &w, a, &v, err);
    } else if (ac_method_is_vote(p->method.method)) {
        decide_vote(s, p, t, tw, eligible, &v);
    } else {
        decide_consent(s, p, t, eligible, &v);
    }
    if (st != AC_OK) {
        return st;
    }
    /* the state may have moved since the proposal was made */
    if (v.next == AC_PROP_ADOPTED &&
        checks[p->kind](&k, p->data, &why) != AC_OK) {
        say(&v, AC_PROP_LAPSED, "cannot take effect: %s", why.msg);
    }
    if (v.next == AC_PROP_ADOPTED && p->kind == AC_KIND_CHOICE_IMPORT) {
        struct ac_choice_result r;
        char round[sizeof v.reason], first[96], method[32];
        st = ac_choice_count(s, p, true, NULL, a, &r, err);
        if (st != AC_OK) {
            return st;
        }
        snprintf(round, sizeof round, "%s", v.reason);
        option_name(p, r.order[0], first, sizeof first);
        ac_method_format(method, (struct ac_method_rule){r.method, 0, false});
        say(&v, AC_PROP_ADOPTED,
            "the imported ballots are accepted (%.150s): option %s %s (%s)",
            round, first,
            r.winner_count == 1 ? "wins"
                                : "is first by the "
                                  "tie-break",
            method);
        v.result = ac_choice_result_val(&r, a);
        if (!v.result) {
            return NOMEM(err);
        }
    }
    if (v.next == AC_PROP_ADOPTED && p->kind == AC_KIND_ROLE_ELECT) {
        const struct ac_role *r = role_of(s, p);
        char msg[200];
        if (!r || !ac_state_eligible(s, r, p->candidate, msg, sizeof msg)) {
            say(&v, AC_PROP_LAPSED, "cannot take effect: %s",
                r ? msg : "the role is retired");
        } else {
            /* the consent round's own reason, copied: say() writes v */
            char round[sizeof v.reason];
            snprintf(round, sizeof round, "%s", v.reason);
            say(&v, AC_PROP_ADOPTED,
                "%.*s holds the role \"%.*s\" for %" PRId64 " days (%.200s)",
                (int)p->candidate.len, p->candidate.ptr, (int)r->id.len,
                r->id.ptr, r->term_days, round);
        }
    }

    for (size_t i = 0; i < nkeys; i++) {
        put_int(&ty, ac_tally_key(keys[i]), tw[keys[i]]);
    }
    put_int(&ty, "eligible", eligible);
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    put_str(&d, "status", ac_str_c(ac_proposal_status_name(v.next)));
    put_str(&d, "reason", ac_str_c(v.reason));
    put(&d, "tally", obj_done(&ty));
    if (v.result) {
        put(&d, "result", v.result);
    }
    if ((w.delegated || w.over_count) && !p->method.secret) {
        put_weights(&d, p, &w);
    }
    if (p->method.secret && ac_method_is_choice(p->method.method) && v.result) {
        d.ok = d.ok &&
               ac_val_set(a, v.result, "ballots", anonymous_ballots(p, &w, a));
    }
    if (st == AC_OK) {
        st = drop_sealed(out, a, p, err);
    }
    if (v.next == AC_PROP_NEEDS_INTEGRATION) {
        put_time(&d, "lapse_at",
                 now + ch->value[AC_P_LAPSE_DAYS] * AC_MS_PER_DAY);
    }
    if (v.next == AC_PROP_ADOPTED && p->kind == AC_KIND_AGREEMENT_ADOPT) {
        char id[24];
        snprintf(id, sizeof id, "a%zu", s->agreement_count + 1);
        put_str(&d, "agreement", ac_str_c(id));
    }
    st = emit(s, a, out, now, AC_STR("system"), "proposal.closed", obj_done(&d),
              err);
    if (st == AC_OK && v.next == AC_PROP_ADOPTED &&
        (p->kind == AC_KIND_MEMBER_REMOVE || p->kind == AC_KIND_CIRCLE_AMEND)) {
        st = close_answered(s, now, a, out, err);
    }
    return st;
}

static bool everyone_answered(const struct ac_state *s,
                              const struct ac_proposal *p)
{
    int64_t t[AC_POS_COUNT], eligible;
    /* fewer answers than members cannot be everyone: no need to count
     * each time a ballot of a large circle comes in */
    if (p->count < ac_state_circle_size(s, ac_state_circle(s, p->circle))) {
        return false;
    }
    ac_state_tally(s, p, t, &eligible);
    return responses(t) >= eligible;
}

/* A member who leaves a circle leaves its open rounds: where everyone
 * still in the circle has answered, the round closes at once. */
static enum ac_status close_answered(struct ac_state *s, int64_t now,
                                     struct ac_arena *a, struct ac_batch *out,
                                     struct ac_err *err)
{
    enum ac_status st = AC_OK;
    for (size_t i = 0; st == AC_OK && i < s->proposal_count; i++) {
        struct ac_proposal *p = &s->proposals[i];
        /* an election's first phases and a draw end by their own rules,
         * at their deadlines */
        bool phased = p->phase != AC_STAGE_NONE && p->phase != AC_STAGE_CONSENT;
        if (p->status == AC_PROP_OPEN && !phased && everyone_answered(s, p)) {
            st = close_round(s, p, now, a, out, err);
        }
    }
    return st;
}

/* ---- commands ---- */

static enum ac_status actor_in(const struct ac_state *s, struct ac_str actor,
                               const struct ac_circle *c, struct ac_err *err)
{
    if (!ac_state_in_circle(s, c, actor)) {
        return ac_err_set(err, AC_EDENIED,
                          "\"%.*s\" is not an active member of the circle "
                          "\"%.*s\"",
                          (int)actor.len, actor.ptr, (int)c->id.len, c->id.ptr);
    }
    return AC_OK;
}

static enum ac_status find_proposal(const struct ac_state *s, struct ac_str id,
                                    struct ac_proposal **out,
                                    struct ac_err *err)
{
    *out = ac_state_proposal(s, id);
    if (!*out) {
        return ac_err_set(err, AC_ENOTFOUND, "no proposal \"%.*s\"",
                          (int)(id.len > 40 ? 40 : id.len), id.ptr);
    }
    return AC_OK;
}

static enum ac_status check_title(struct ac_str title, struct ac_err *err)
{
    enum ac_status st = check_text(title, "/title", 1, AC_TITLE_MAX, err);
    if (st == AC_OK && ac_str_is_blank(title)) {
        return ac_err_at(err, "/title", AC_EINVAL, "/title must not be blank");
    }
    return st;
}

static enum ac_status do_propose(struct ac_state *s, const struct ac_cmd *cmd,
                                 int64_t now, struct ac_arena *a,
                                 struct ac_batch *out, struct ac_err *err)
{
    const struct ac_circle *c = ac_state_circle(s, cmd->circle);
    enum ac_kind kind;
    struct kind_ctx k = {s, cmd->circle, now, false};
    enum ac_status st;
    struct obj d = obj_new(a);
    struct ac_method_rule method;
    char id[24];

    if (!c) {
        return ac_err_at(err, "/circle", AC_EINVAL, "no circle \"%.*s\"",
                         (int)(cmd->circle.len > 40 ? 40 : cmd->circle.len),
                         cmd->circle.ptr);
    }
    if (!ac_kind_parse(cmd->kind, &kind)) {
        return ac_err_at(
            err, "/kind", AC_EINVAL, "unknown proposal kind \"%.*s\"",
            (int)(cmd->kind.len > 40 ? 40 : cmd->kind.len), cmd->kind.ptr);
    }
    if ((st = check_title(cmd->title, err)) != AC_OK ||
        (st = checks[kind](&k, cmd->data, err)) != AC_OK ||
        (st = actor_in(s, cmd->actor, c, err)) != AC_OK) {
        return st;
    }
    method = ac_kind_decision_param(kind) == AC_PARAM_COUNT
                 ? (struct ac_method_rule){AC_M_CONSENT, 0, false}
                 : ac_charter_method(&s->charter, ac_kind_decision_param(kind),
                                     cmd->circle);
    snprintf(id, sizeof id, "p%zu", s->proposal_count + 1);
    put_str(&d, "id", ac_str_c(id));
    put_str(&d, "circle", cmd->circle);
    put_str(&d, "kind", cmd->kind);
    if (method.method != AC_M_CONSENT) {
        char name[32];
        ac_method_format(name, method);
        put_str(&d, "method", ac_str_c(name));
    }
    put_str(&d, "title", cmd->title);
    put(&d, "data", ac_val_copy(a, cmd->data));
    put_time(&d, "deadline",
             now + s->charter.value[AC_P_ROUND_HOURS] * AC_MS_PER_HOUR);
    return emit(s, a, out, now, cmd->actor, "proposal.opened", obj_done(&d),
                err);
}

/* An objection names one of the charter's criteria when it lists any;
 * nothing else names one. */
static enum ac_status check_criterion(const struct ac_charter *ch,
                                      enum ac_position pos,
                                      struct ac_str criterion,
                                      struct ac_err *err)
{
    struct ac_str c;
    char list[600];
    size_t used = 0;
    bool any = ac_charter_criterion(ch, 0, &c);

    if (pos != AC_POS_OBJECT || !any) {
        if (criterion.len) {
            return ac_err_at(err, "/criterion", AC_EINVAL,
                             pos != AC_POS_OBJECT
                                 ? "/criterion goes with an objection only"
                                 : "/criterion: the charter lists no "
                                   "objection criteria");
        }
        return AC_OK;
    }
    list[0] = '\0';
    for (size_t i = 0; ac_charter_criterion(ch, i, &c); i++) {
        int n;
        if (ac_str_eq(c, criterion)) {
            return AC_OK;
        }
        n = snprintf(list + used, sizeof list - used, "%s\"%.*s\"",
                     i ? ", " : "", (int)(c.len > 80 ? 80 : c.len), c.ptr);
        used += n > 0 && (size_t)n < sizeof list - used ? (size_t)n : 0;
    }
    return ac_err_at(err, "/criterion", AC_EINVAL,
                     criterion.len
                         ? "/criterion must be one of the charter's "
                           "objection criteria: %s"
                         : "an objection names the criterion it rests "
                           "on, one of %s",
                     list);
}

static enum ac_status do_integrate(struct ac_state *s, const struct ac_cmd *cmd,
                                   int64_t now, struct ac_arena *a,
                                   struct ac_batch *out, struct ac_err *err)
{
    struct ac_proposal *p;
    const struct ac_objection *o;
    struct obj d = obj_new(a);
    enum ac_status st = find_proposal(s, cmd->proposal, &p, err);

    if (st != AC_OK) {
        return st;
    }
    st = check_text(cmd->suggestion, "/suggestion", 1, AC_REASON_MAX, err);
    if (st == AC_OK && ac_str_is_blank(cmd->suggestion)) {
        return ac_err_at(err, "/suggestion", AC_EINVAL,
                         "/suggestion must not be blank");
    }
    if (st != AC_OK) {
        return st;
    }
    if (p->status != AC_PROP_OPEN && p->status != AC_PROP_NEEDS_INTEGRATION) {
        return ac_err_set(err, AC_ECONFLICT, "proposal %.*s is %s",
                          (int)p->id.len, p->id.ptr,
                          ac_proposal_status_name(p->status));
    }
    o = ac_state_objection(p, cmd->objector);
    if (!o) {
        return ac_err_at(err, "/objector", AC_EINVAL,
                         "/objector: \"%.*s\" has no standing objection to "
                         "round %" PRId64 " of %.*s",
                         (int)(cmd->objector.len > 40 ? 40 : cmd->objector.len),
                         cmd->objector.ptr, p->round, (int)p->id.len,
                         p->id.ptr);
    }
    if (!ac_str_eq(cmd->actor, p->author) &&
        !ac_str_eq(cmd->actor, cmd->objector)) {
        return ac_err_set(err, AC_EDENIED,
                          "only the author of %.*s and the objector record "
                          "integration attempts",
                          (int)p->id.len, p->id.ptr);
    }
    st = actor_in(s, cmd->actor, ac_state_circle(s, AC_STR(AC_ROOT_CIRCLE)),
                  err);
    if (st != AC_OK) {
        return st;
    }
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    put_str(&d, "objector", o->member);
    put_str(&d, "suggestion", cmd->suggestion);
    return emit(s, a, out, now, cmd->actor, "objection.integration",
                obj_done(&d), err);
}

/* The actor may answer p now: in its circle, its round open. */
static enum ac_status may_answer(const struct ac_state *s,
                                 const struct ac_cmd *cmd,
                                 const struct ac_proposal *p, int64_t now,
                                 struct ac_err *err)
{
    enum ac_status st =
        actor_in(s, cmd->actor, ac_state_circle(s, p->circle), err);
    if (st != AC_OK) {
        return st;
    }
    if (p->status != AC_PROP_OPEN) {
        return ac_err_set(
            err, AC_ECONFLICT, "proposal %.*s is %s: its round is closed",
            (int)p->id.len, p->id.ptr, ac_proposal_status_name(p->status));
    }
    if (now >= p->deadline) {
        return ac_err_set(err, AC_ECONFLICT,
                          "round %" PRId64 " of proposal %.*s has passed "
                          "its deadline",
                          p->round, (int)p->id.len, p->id.ptr);
    }
    return AC_OK;
}

static enum ac_status do_ballot(struct ac_state *s, const struct ac_cmd *cmd,
                                int64_t now, struct ac_arena *a,
                                struct ac_batch *out, struct ac_err *err)
{
    struct ac_proposal *p;
    struct obj d = obj_new(a);
    uint16_t *marks;
    static const char *const keys[] = {"ranking", "approve", "scores", NULL};
    enum ac_status st = find_proposal(s, cmd->proposal, &p, err);

    if (st != AC_OK) {
        return st;
    }
    if (!ac_method_is_choice(p->method.method)) {
        return ac_err_set(err, AC_ECONFLICT,
                          "proposal %.*s is not a choice: give a position "
                          "instead of a ballot",
                          (int)p->id.len, p->id.ptr);
    }
    if (!cmd->data || cmd->data->kind != AC_VAL_OBJ) {
        return ac_err_at(err, "", AC_EINVAL, "the ballot must be an object");
    }
    for (size_t i = 0; i < cmd->data->count; i++) {
        bool known = false;
        for (size_t k = 0; keys[k]; k++) {
            known = known || ac_str_eq_c(cmd->data->pairs[i].key, keys[k]);
        }
        if (!known) {
            struct ac_str key = cmd->data->pairs[i].key;
            return ac_err_at(err, "", AC_EINVAL,
                             "\"%.*s\" is not part of a ballot",
                             (int)(key.len > 40 ? 40 : key.len), key.ptr);
        }
    }
    marks = ac_arena_alloc(a, p->option_count * sizeof *marks);
    if (!marks) {
        return NOMEM(err);
    }
    if ((st = ac_ballot_marks(p->method.method, cmd->data, p->option_count,
                              marks, err)) != AC_OK ||
        (st = may_answer(s, cmd, p, now, err)) != AC_OK) {
        return st;
    }
    if (p->method.secret) {
        struct obj c = obj_new(a);
        c.ok = c.ok &&
               ac_ballot_put(p->method.method, marks, p->option_count, a, c.v);
        st = cast_secret(s, p, cmd, now, obj_done(&c), a, out, err);
        if (st == AC_OK && everyone_answered(s, p)) {
            st = close_round(s, p, now, a, out, err);
        }
        return st;
    }
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    d.ok =
        d.ok && ac_ballot_put(p->method.method, marks, p->option_count, a, d.v);
    st = emit(s, a, out, now, cmd->actor, "ballot.cast", obj_done(&d), err);
    if (st == AC_OK && everyone_answered(s, p)) {
        st = close_round(s, p, now, a, out, err);
    }
    return st;
}

static enum ac_status do_position(struct ac_state *s, const struct ac_cmd *cmd,
                                  int64_t now, struct ac_arena *a,
                                  struct ac_batch *out, struct ac_err *err)
{
    struct ac_proposal *p;
    enum ac_position pos;
    struct obj d = obj_new(a);
    enum ac_status st = find_proposal(s, cmd->proposal, &p, err);

    if (st != AC_OK) {
        return st;
    }
    if (ac_method_is_choice(p->method.method)) {
        return ac_err_at(err, "/position", AC_EINVAL,
                         "proposal %.*s is a choice: cast a ballot instead of "
                         "a position",
                         (int)p->id.len, p->id.ptr);
    }
    if (p->phase == AC_STAGE_NOMINATE || p->phase == AC_STAGE_CHANGE) {
        return ac_err_set(err, AC_ECONFLICT,
                          "election %.*s is taking nominations: nominate "
                          "someone; positions come in its consent round",
                          (int)p->id.len, p->id.ptr);
    }
    if (p->kind == AC_KIND_ROLE_DRAW) {
        return ac_err_set(err, AC_ECONFLICT,
                          "%.*s is a draw by lot: volunteer, pass or reveal; "
                          "it takes no positions",
                          (int)p->id.len, p->id.ptr);
    }
    if (!ac_position_parse(cmd->position, &pos) ||
        !ac_position_allowed(p->method.method, pos)) {
        char method[32];
        ac_method_format(method, p->method);
        return ac_err_at(err, "/position", AC_EINVAL,
                         ac_method_is_vote(p->method.method)
                             ? "/position must be yes, no, abstain or object "
                               "(proposal decided by %s)"
                             : "/position must be consent, concern, object or "
                               "stand_aside (proposal decided by %s)",
                         method);
    }
    st = check_text(cmd->reason, "/reason", 0, AC_REASON_MAX, err);
    if (st != AC_OK) {
        return st;
    }
    if (pos == AC_POS_OBJECT && ac_str_is_blank(cmd->reason)) {
        return ac_err_at(err, "/reason", AC_EINVAL,
                         "an objection needs a reason");
    }
    st = check_criterion(&s->charter, pos, cmd->criterion, err);
    if (st != AC_OK) {
        return st;
    }
    st = may_answer(s, cmd, p, now, err);
    if (st != AC_OK) {
        return st;
    }
    if (p->method.secret) {
        struct obj c = obj_new(a);
        if (pos == AC_POS_OBJECT || cmd->reason.len) {
            return ac_err_at(
                err, pos == AC_POS_OBJECT ? "/position" : "/reason", AC_EINVAL,
                "%.*s is a secret ballot: vote yes, no or "
                "abstain, without a reason (a reason or an "
                "objection would name you)",
                (int)p->id.len, p->id.ptr);
        }
        put_str(&c, "position", cmd->position);
        st = cast_secret(s, p, cmd, now, obj_done(&c), a, out, err);
        if (st == AC_OK && everyone_answered(s, p)) {
            st = close_round(s, p, now, a, out, err);
        }
        return st;
    }
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    put_str(&d, "position", cmd->position);
    put_str(&d, "reason", cmd->reason.ptr ? cmd->reason : AC_STR(""));
    if (cmd->criterion.len) {
        put_str(&d, "criterion", cmd->criterion);
    }
    st = emit(s, a, out, now, cmd->actor, "position.given", obj_done(&d), err);
    if (st == AC_OK && everyone_answered(s, p)) {
        st = close_round(s, p, now, a, out, err);
    }
    return st;
}

static enum ac_status own_open(const struct ac_state *s,
                               const struct ac_cmd *cmd,
                               struct ac_proposal **out, const char *verb,
                               struct ac_err *err)
{
    struct ac_proposal *p;
    enum ac_status st = find_proposal(s, cmd->proposal, &p, err);
    if (st != AC_OK) {
        return st;
    }
    if (!ac_str_eq(p->author, cmd->actor)) {
        return ac_err_set(err, AC_EDENIED,
                          "only the author of proposal %.*s may %s it",
                          (int)p->id.len, p->id.ptr, verb);
    }
    st = actor_in(s, cmd->actor, ac_state_circle(s, AC_STR(AC_ROOT_CIRCLE)),
                  err);
    if (st != AC_OK) {
        return st;
    }
    if (p->status != AC_PROP_OPEN && p->status != AC_PROP_NEEDS_INTEGRATION) {
        return ac_err_set(err, AC_ECONFLICT, "proposal %.*s is %s",
                          (int)p->id.len, p->id.ptr,
                          ac_proposal_status_name(p->status));
    }
    *out = p;
    return AC_OK;
}

static enum ac_status do_amend(struct ac_state *s, const struct ac_cmd *cmd,
                               int64_t now, struct ac_arena *a,
                               struct ac_batch *out, struct ac_err *err)
{
    struct ac_proposal *p;
    struct obj d = obj_new(a);
    struct ac_str title;
    const struct ac_val *data;
    struct kind_ctx k = {s, {0}, now, true};
    enum ac_status st = own_open(s, cmd, &p, "amend", err);

    if (st != AC_OK) {
        return st;
    }
    if (!cmd->title.ptr && !cmd->data) {
        return ac_err_at(err, "/data", AC_EINVAL,
                         "an amendment changes the title, the data or both");
    }
    title = cmd->title.ptr ? cmd->title : p->title;
    data = cmd->data ? cmd->data : p->data;
    if (p->kind == AC_KIND_ROLE_DRAW) {
        return ac_err_set(err, AC_ECONFLICT,
                          "a draw by lot is not amended: withdraw it and "
                          "open another");
    }
    if (p->kind == AC_KIND_ROLE_ELECT) {
        struct ac_str was, now_role;
        if (p->phase != AC_STAGE_CONSENT) {
            return ac_err_set(err, AC_ECONFLICT,
                              "an election is amended in its consent round, "
                              "to name another candidate");
        }
        if (!ac_val_get_str(data, "role", &now_role) ||
            !ac_val_get_str(p->data, "role", &was) ||
            !ac_str_eq(was, now_role)) {
            return ac_err_at(err, "/data/role", AC_EINVAL,
                             "/data/role: an election stays with its role");
        }
    }
    k.circle = p->circle;
    if ((st = check_title(title, err)) != AC_OK ||
        (st = checks[p->kind](&k, data, err)) != AC_OK) {
        return st;
    }
    /* an amendment clears every position: one that changes nothing would
     * erase objections without integrating them */
    if (ac_str_eq(title, p->title) && ac_val_equal(data, p->data)) {
        return ac_err_at(err, cmd->data ? "/data" : "/title", AC_EINVAL,
                         "the amendment changes nothing: give a new title "
                         "or new data");
    }
    if (p->round >= s->charter.value[AC_P_MAX_ROUNDS]) {
        return ac_err_set(err, AC_ECONFLICT,
                          "proposal %.*s is in round %" PRId64
                          ", the charter's last",
                          (int)p->id.len, p->id.ptr, p->round);
    }
    put_str(&d, "proposal", p->id);
    put_str(&d, "title", title);
    put(&d, "data", ac_val_copy(a, data));
    put_int(&d, "version", p->version + 1);
    put_int(&d, "round", p->round + 1);
    put_time(&d, "deadline",
             now + s->charter.value[AC_P_ROUND_HOURS] * AC_MS_PER_HOUR);
    return emit(s, a, out, now, cmd->actor, "proposal.amended", obj_done(&d),
                err);
}

static enum ac_status do_withdraw(struct ac_state *s, const struct ac_cmd *cmd,
                                  int64_t now, struct ac_arena *a,
                                  struct ac_batch *out, struct ac_err *err)
{
    struct ac_proposal *p;
    struct obj d = obj_new(a);
    enum ac_status st = own_open(s, cmd, &p, "withdraw", err);
    if (st != AC_OK) {
        return st;
    }
    put_str(&d, "proposal", p->id);
    st = emit(s, a, out, now, cmd->actor, "proposal.withdrawn", obj_done(&d),
              err);
    return st == AC_OK ? drop_sealed(out, a, p, err) : st;
}

static enum ac_status do_join(struct ac_state *s, const struct ac_cmd *cmd,
                              int64_t now, struct ac_arena *a,
                              struct ac_batch *out, struct ac_err *err)
{
    struct ac_member *m = ac_state_member(s, cmd->actor);
    struct obj d = obj_new(a);
    if (!m) {
        return ac_err_set(err, AC_ENOTFOUND, "no member \"%.*s\"",
                          (int)cmd->actor.len, cmd->actor.ptr);
    }
    if (m->status != AC_MEMBER_INVITED) {
        return ac_err_set(err, AC_ECONFLICT,
                          "member \"%.*s\" is %s, not invited", (int)m->id.len,
                          m->id.ptr, ac_member_status_name(m->status));
    }
    put_str(&d, "member", m->id);
    return emit(s, a, out, now, cmd->actor, "member.joined", obj_done(&d), err);
}

/* The tie-break key of a nominee: SHA-256 of the round's seed (8 bytes
 * big-endian) followed by the member id. */
static void nominee_key(const struct ac_proposal *p, struct ac_str id,
                        uint8_t out[AC_HASH_LEN])
{
    uint8_t in[8 + AC_ID_MAX];
    size_t n = id.len < AC_ID_MAX ? id.len : AC_ID_MAX;
    memcpy(in, p->round_hash, 8);
    memcpy(in + 8, id.ptr, n);
    ac_sha256(out, in, 8 + n);
}

/* An election's first two phases end: the nominations are in (the change
 * round begins), or the change round is over (the consent round on the
 * most nominated eligible member begins). docs/roles.md#elections */
static enum ac_status advance_election(struct ac_state *s,
                                       struct ac_proposal *p, int64_t now,
                                       struct ac_arena *a, struct ac_batch *out,
                                       struct ac_err *err)
{
    const struct ac_circle *c = ac_state_circle(s, p->circle);
    const struct ac_role *r = role_of(s, p);
    int64_t hours = s->charter.value[AC_P_ROUND_HOURS];
    struct obj d = obj_new(a), counts = obj_new(a);
    struct ac_str best = {NULL, 0};
    int64_t best_n = 0;
    uint8_t best_key[AC_HASH_LEN];
    size_t nominations = 0;
    char why[200] = "";

    for (size_t i = 0; i < p->count; i++) {
        nominations += p->positions[i].position == AC_POS_NOMINATION &&
                       ac_state_in_circle(s, c, p->positions[i].member);
    }
    put_str(&d, "proposal", p->id);
    if (p->phase == AC_STAGE_NOMINATE && nominations > 0) {
        put_time(&d, "deadline", now + hours * AC_MS_PER_HOUR);
        return emit(s, a, out, now, AC_STR("system"), "election.changing",
                    obj_done(&d), err);
    }
    /* count each nominee once, at their first nomination */
    for (size_t i = 0; r && i < p->count; i++) {
        struct ac_str who = p->positions[i].nominee;
        int64_t n = 0;
        bool seen = false;
        uint8_t key[AC_HASH_LEN];
        if (p->positions[i].position != AC_POS_NOMINATION ||
            !ac_state_in_circle(s, c, p->positions[i].member)) {
            continue;
        }
        for (size_t j = 0; j < p->count; j++) {
            if (p->positions[j].position == AC_POS_NOMINATION &&
                ac_state_in_circle(s, c, p->positions[j].member) &&
                ac_str_eq(p->positions[j].nominee, who)) {
                seen = seen || j < i;
                n++;
            }
        }
        if (seen) {
            continue;
        }
        put_int(&counts, ac_arena_cstr(a, who), n);
        if (!ac_state_eligible(s, r, who, why, sizeof why)) {
            continue;
        }
        nominee_key(p, who, key);
        if (n > best_n ||
            (n == best_n && memcmp(key, best_key, AC_HASH_LEN) < 0)) {
            best = who;
            best_n = n;
            memcpy(best_key, key, AC_HASH_LEN);
        }
    }
    if (!best.ptr) {
        struct obj z = obj_new(a), t = obj_new(a);
        int64_t eligible = (int64_t)ac_state_circle_size(s, c);
        put_str(&z, "proposal", p->id);
        put_int(&z, "round", p->round);
        put_str(&z, "status", AC_STR("lapsed"));
        put_str(&z, "reason",
                ac_str_c(nominations == 0 ? "nobody was nominated"
                         : r              ? "nobody nominated can hold the role"
                                          : "the role is retired"));
        enum ac_position keys[4];
        int64_t n[AC_POS_COUNT], all;
        size_t nk = ac_state_tally_keys(p, keys);
        ac_state_tally(s, p, n, &all);
        for (size_t k = 0; k < nk; k++) {
            put_int(&t, ac_tally_key(keys[k]), n[keys[k]]);
        }
        put_int(&t, "eligible", eligible);
        put(&z, "tally", obj_done(&t));
        return emit(s, a, out, now, AC_STR("system"), "proposal.closed",
                    obj_done(&z), err);
    }
    put_int(&d, "round", p->round + 1);
    put_str(&d, "candidate", best);
    put(&d, "nominations", obj_done(&counts));
    put_time(&d, "deadline", now + hours * AC_MS_PER_HOUR);
    return emit(s, a, out, now, AC_STR("system"), "election.proposed",
                obj_done(&d), err);
}

static enum ac_status end_term(struct ac_state *s, const struct ac_role *r,
                               int64_t now, struct ac_arena *a,
                               struct ac_batch *out, struct ac_err *err)
{
    struct obj d = obj_new(a);
    put_str(&d, "role", r->id);
    put_str(&d, "member", r->holder);
    return emit(s, a, out, now, AC_STR("system"), "role.term_ended",
                obj_done(&d), err);
}

/* Every active member of the circle nominated in the change round. */
static bool everyone_spoke_again(const struct ac_state *s,
                                 const struct ac_proposal *p)
{
    const struct ac_circle *c = ac_state_circle(s, p->circle);
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++) {
        n += p->positions[i].second &&
             ac_state_in_circle(s, c, p->positions[i].member);
    }
    return n >= ac_state_circle_size(s, c);
}

static enum ac_status do_nominate(struct ac_state *s, const struct ac_cmd *cmd,
                                  int64_t now, struct ac_arena *a,
                                  struct ac_batch *out, struct ac_err *err)
{
    struct ac_proposal *p;
    const struct ac_role *r;
    struct obj d = obj_new(a);
    char why[200];
    enum ac_status st = find_proposal(s, cmd->proposal, &p, err);

    if (st != AC_OK) {
        return st;
    }
    if (p->kind != AC_KIND_ROLE_ELECT) {
        return ac_err_set(err, AC_ECONFLICT, "proposal %.*s is not an election",
                          (int)p->id.len, p->id.ptr);
    }
    if ((st = may_answer(s, cmd, p, now, err)) != AC_OK) {
        return st;
    }
    if (!ac_proposal_takes(p, AC_POS_NOMINATION)) {
        return ac_err_set(err, AC_ECONFLICT,
                          "the nominations of %.*s are closed: the circle is "
                          "answering the candidate",
                          (int)p->id.len, p->id.ptr);
    }
    st = check_text(cmd->reason, "/reason", 1, AC_REASON_MAX, err);
    if (st == AC_OK && ac_str_is_blank(cmd->reason)) {
        return ac_err_at(err, "/reason", AC_EINVAL,
                         "a nomination needs a reason");
    }
    if (st != AC_OK) {
        return st;
    }
    r = role_of(s, p);
    if (!r) {
        return ac_err_set(err, AC_ECONFLICT, "the role is retired");
    }
    if (!ac_state_eligible(s, r, cmd->nominee, why, sizeof why)) {
        return ac_err_at(err, "/nominee", AC_EINVAL, "/nominee: %s", why);
    }
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    put_str(&d, "nominee", cmd->nominee);
    put_str(&d, "reason", cmd->reason);
    st =
        emit(s, a, out, now, cmd->actor, "nomination.given", obj_done(&d), err);
    /* a phase ends early once every member of the circle has spoken in
     * it: nominated, or in the change round changed or confirmed */
    if (st == AC_OK && p->phase == AC_STAGE_NOMINATE &&
        everyone_answered(s, p)) {
        st = advance_election(s, p, now, a, out, err);
    } else if (st == AC_OK && p->phase == AC_STAGE_CHANGE &&
               everyone_spoke_again(s, p)) {
        st = advance_election(s, p, now, a, out, err);
    }
    return st;
}

/* Closes a draw as lapsed, with why. */
static enum ac_status draw_lapses(struct ac_state *s, struct ac_proposal *p,
                                  const char *why, int64_t now,
                                  struct ac_arena *a, struct ac_batch *out,
                                  struct ac_err *err)
{
    struct obj d = obj_new(a), t = obj_new(a);
    int64_t n[AC_POS_COUNT], eligible;
    ac_state_tally(s, p, n, &eligible);
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    put_str(&d, "status", AC_STR("lapsed"));
    put_str(&d, "reason", ac_str_c(why));
    put_int(&t, "volunteer", n[AC_POS_VOLUNTEER]);
    put_int(&t, "pass", n[AC_POS_PASS]);
    put_int(&t, "eligible", eligible);
    put(&d, "tally", obj_done(&t));
    return emit(s, a, out, now, AC_STR("system"), "proposal.closed",
                obj_done(&d), err);
}

/* The lot is drawn from the revealed secrets (docs/roles.md#lot): the
 * first eligible member of the order takes the role. */
static enum ac_status draw_lot(struct ac_state *s, struct ac_proposal *p,
                               int64_t now, struct ac_arena *a,
                               struct ac_batch *out, struct ac_err *err)
{
    const struct ac_role *r = role_of(s, p);
    struct ac_draw dr;
    struct obj d = obj_new(a), t = obj_new(a);
    int64_t n[AC_POS_COUNT], eligible;
    struct ac_str drawn = {NULL, 0};
    char reason[200], why[200];
    enum ac_status st = ac_draw_count(p, a, &dr, err);

    if (st != AC_OK) {
        return st;
    }
    if (dr.revealed == 0) {
        return draw_lapses(s, p, "no volunteer revealed their secret", now, a,
                           out, err);
    }
    for (size_t i = 0; r && i < dr.revealed && !drawn.ptr; i++) {
        if (ac_state_eligible(s, r, dr.order[i], why, sizeof why)) {
            drawn = dr.order[i];
        }
    }
    if (!drawn.ptr) {
        return draw_lapses(s, p, "nobody drawn can hold the role", now, a, out,
                           err);
    }
    ac_state_tally(s, p, n, &eligible);
    snprintf(reason, sizeof reason,
             "%.*s drawn by lot among %zu volunteer(s) who revealed (of %zu)",
             (int)drawn.len, drawn.ptr, dr.revealed, dr.volunteers);
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    put_str(&d, "status", AC_STR("decided"));
    put_str(&d, "reason", ac_str_c(reason));
    put_int(&t, "volunteer", n[AC_POS_VOLUNTEER]);
    put_int(&t, "pass", n[AC_POS_PASS]);
    put_int(&t, "eligible", eligible);
    put(&d, "tally", obj_done(&t));
    put(&d, "result", ac_draw_result_val(&dr, drawn, a));
    return emit(s, a, out, now, AC_STR("system"), "proposal.closed",
                obj_done(&d), err);
}

/* A draw's volunteer phase ends: the reveal begins, or nobody came. */
static enum ac_status advance_draw(struct ac_state *s, struct ac_proposal *p,
                                   int64_t now, struct ac_arena *a,
                                   struct ac_batch *out, struct ac_err *err)
{
    int64_t n[AC_POS_COUNT], eligible;
    struct obj d = obj_new(a);
    if (p->phase == AC_STAGE_REVEAL) {
        return draw_lot(s, p, now, a, out, err);
    }
    ac_state_tally(s, p, n, &eligible);
    if (n[AC_POS_VOLUNTEER] == 0) {
        return draw_lapses(s, p, "nobody volunteered", now, a, out, err);
    }
    put_str(&d, "proposal", p->id);
    put_time(&d, "deadline",
             now + s->charter.value[AC_P_ROUND_HOURS] * AC_MS_PER_HOUR);
    return emit(s, a, out, now, AC_STR("system"), "draw.revealing",
                obj_done(&d), err);
}

/* Every volunteer of p revealed their secret. */
static bool all_revealed(const struct ac_proposal *p)
{
    for (size_t i = 0; i < p->count; i++) {
        if (p->positions[i].position == AC_POS_VOLUNTEER &&
            !p->positions[i].secret.len) {
            return false;
        }
    }
    return true;
}

static enum ac_status do_draw_step(struct ac_state *s, const struct ac_cmd *cmd,
                                   int64_t now, struct ac_arena *a,
                                   struct ac_batch *out, struct ac_err *err)
{
    struct ac_proposal *p;
    struct obj d = obj_new(a);
    const char *type;
    enum ac_status st = find_proposal(s, cmd->proposal, &p, err);

    if (st != AC_OK) {
        return st;
    }
    if (p->kind != AC_KIND_ROLE_DRAW) {
        return ac_err_set(err, AC_ECONFLICT, "proposal %.*s is not a draw",
                          (int)p->id.len, p->id.ptr);
    }
    if ((st = may_answer(s, cmd, p, now, err)) != AC_OK) {
        return st;
    }
    put_str(&d, "proposal", p->id);
    put_int(&d, "round", p->round);
    if (cmd->type == AC_CMD_REVEAL) {
        size_t i;
        if (p->phase != AC_STAGE_REVEAL) {
            return ac_err_set(err, AC_ECONFLICT,
                              "draw %.*s is not revealing yet: secrets are "
                              "revealed once volunteering ends",
                              (int)p->id.len, p->id.ptr);
        }
        if (!ac_map_get(&p->position_index, cmd->actor, &i) ||
            p->positions[i].position != AC_POS_VOLUNTEER) {
            return ac_err_set(err, AC_ECONFLICT,
                              "only volunteers of %.*s reveal a secret",
                              (int)p->id.len, p->id.ptr);
        }
        if (p->positions[i].secret.len) {
            return ac_err_set(err, AC_ECONFLICT, "your secret is revealed");
        }
        st = check_text(cmd->secret, "/secret", 1, AC_SECRET_MAX, err);
        if (st != AC_OK) {
            return st;
        }
        if (!ac_draw_matches(p->positions[i].commitment, cmd->secret)) {
            return ac_err_at(err, "/secret", AC_EINVAL,
                             "/secret does not match your commitment (its "
                             "SHA-256 must be %.*s)",
                             (int)p->positions[i].commitment.len,
                             p->positions[i].commitment.ptr);
        }
        put_str(&d, "secret", cmd->secret);
        type = "draw.revealed";
    } else {
        if (p->phase != AC_STAGE_VOLUNTEER) {
            return ac_err_set(err, AC_ECONFLICT,
                              "volunteering for %.*s has ended", (int)p->id.len,
                              p->id.ptr);
        }
        if (cmd->type == AC_CMD_VOLUNTEER) {
            const struct ac_role *r = role_of(s, p);
            char why[200];
            if (cmd->secret.len != AC_HEX_LEN ||
                !ac_hex_decode((uint8_t[AC_HASH_LEN]){0}, AC_HASH_LEN,
                               cmd->secret)) {
                return ac_err_at(err, "/commitment", AC_EINVAL,
                                 "/commitment must be the SHA-256 of your "
                                 "secret, as 64 hex digits");
            }
            for (size_t i = 0; i < cmd->secret.len; i++) {
                if (cmd->secret.ptr[i] >= 'A' && cmd->secret.ptr[i] <= 'F') {
                    return ac_err_at(err, "/commitment", AC_EINVAL,
                                     "/commitment must be lowercase hex");
                }
            }
            if (!r || !ac_state_eligible(s, r, cmd->actor, why, sizeof why)) {
                return ac_err_set(err, AC_ECONFLICT, "%s",
                                  r ? why : "the role is retired");
            }
            put_str(&d, "commitment", cmd->secret);
            type = "draw.volunteered";
        } else {
            type = "draw.passed";
        }
    }
    st = emit(s, a, out, now, cmd->actor, type, obj_done(&d), err);
    if (st == AC_OK && p->phase == AC_STAGE_VOLUNTEER &&
        everyone_answered(s, p)) {
        st = advance_draw(s, p, now, a, out, err);
    } else if (st == AC_OK && p->phase == AC_STAGE_REVEAL && all_revealed(p)) {
        st = draw_lot(s, p, now, a, out, err);
    }
    return st;
}

/* The kind of a delegation: "" for every kind, or one that is decided
 * by votes or ballots under some method. */
static enum ac_status delegation_kind(struct ac_str kind, struct ac_err *err)
{
    enum ac_kind k;
    if (kind.len == 0) {
        return AC_OK;
    }
    if (!ac_kind_parse(kind, &k)) {
        return ac_err_at(err, "/kind", AC_EINVAL,
                         "unknown proposal kind \"%.*s\"",
                         (int)(kind.len > 40 ? 40 : kind.len), kind.ptr);
    }
    if (k == AC_KIND_ROLE_DRAW || k == AC_KIND_MEMBER_REMOVE ||
        k == AC_KIND_ROLE_ELECT) {
        return ac_err_at(err, "/kind", AC_EINVAL,
                         "%s is never decided by votes, so there is no vote "
                         "to delegate",
                         ac_kind_name(k));
    }
    return AC_OK;
}

static enum ac_status do_delegation(struct ac_state *s,
                                    const struct ac_cmd *cmd, int64_t now,
                                    struct ac_arena *a, struct ac_batch *out,
                                    struct ac_err *err)
{
    const struct ac_circle *c = ac_state_circle(s, cmd->circle);
    struct ac_str from = cmd->type == AC_CMD_REFUSE ? cmd->other : cmd->actor;
    const struct ac_delegation *d;
    struct obj o = obj_new(a);
    const char *type;
    enum ac_status st;

    if (!c) {
        return ac_err_at(err, "/circle", AC_EINVAL, "no circle \"%.*s\"",
                         (int)(cmd->circle.len > 40 ? 40 : cmd->circle.len),
                         cmd->circle.ptr);
    }
    /* taking back or refusing needs no membership: only giving does */
    if ((st = delegation_kind(cmd->kind, err)) != AC_OK ||
        (cmd->type == AC_CMD_DELEGATE &&
         (st = actor_in(s, cmd->actor, c, err)) != AC_OK)) {
        return st;
    }
    d = ac_state_delegation(s, from, cmd->circle, cmd->kind);
    put_str(&o, "circle", cmd->circle);
    put_str(&o, "kind", cmd->kind.ptr ? cmd->kind : AC_STR(""));
    if (cmd->type == AC_CMD_DELEGATE) {
        if (ac_str_eq(cmd->other, cmd->actor)) {
            return ac_err_at(err, "/to", AC_EINVAL,
                             "/to: you already hold your own vote");
        }
        if (!ac_state_in_circle(s, c, cmd->other)) {
            return ac_err_at(err, "/to", AC_EINVAL,
                             "/to: \"%.*s\" is not an active member of the "
                             "circle",
                             (int)(cmd->other.len > 40 ? 40 : cmd->other.len),
                             cmd->other.ptr);
        }
        put_str(&o, "to", cmd->other);
        put_time(&o, "expires",
                 now + s->charter.value[AC_P_DELEGATION_EXPIRY_DAYS] *
                           AC_MS_PER_DAY);
        type = "delegation.given";
    } else if (!d) {
        return ac_err_set(err, AC_ENOTFOUND,
                          "%.*s has no delegation in this circle for %s",
                          (int)from.len, from.ptr,
                          cmd->kind.len ? "that kind" : "every kind");
    } else if (cmd->type == AC_CMD_REVOKE) {
        type = "delegation.revoked";
    } else {
        if (!ac_str_eq(d->to, cmd->actor)) {
            return ac_err_set(err, AC_EDENIED,
                              "the delegation of %.*s is not to you",
                              (int)from.len, from.ptr);
        }
        if (d->refused) {
            return ac_err_set(err, AC_ECONFLICT, "you refused it already");
        }
        put_str(&o, "from", from);
        type = "delegation.refused";
    }
    return emit(s, a, out, now, cmd->actor, type, obj_done(&o), err);
}

/* ---- participatory budgeting (docs/money.md#rounds) ---- */

/* What a closing round gives back: its pot less its funded buckets. */
static enum ac_status close_pb_round(struct ac_state *s,
                                     const struct ac_pb_round *r, int64_t now,
                                     struct ac_arena *a, struct ac_batch *out,
                                     struct ac_err *err)
{
    struct obj d = obj_new(a);
    put_str(&d, "round", r->id);
    put_int(&d, "returned", r->pot - r->funded);
    return emit(s, a, out, now > r->closes ? now : r->closes, AC_STR("system"),
                "budget.round.closed", obj_done(&d), err);
}

/* The open round id names, or an error that says why there is none. */
static enum ac_status open_pb_round(const struct ac_state *s, struct ac_str id,
                                    int64_t now, struct ac_pb_round **out,
                                    struct ac_err *err)
{
    *out = ac_state_pb_round(s, id);
    if (!*out) {
        return ac_err_set(err, AC_ENOTFOUND, "no budgeting round \"%.*s\"",
                          (int)(id.len > 40 ? 40 : id.len), id.ptr);
    }
    if ((*out)->closed || now >= (*out)->closes) {
        return ac_err_set(err, AC_ECONFLICT,
                          "the budgeting round %.*s is closed", (int)id.len,
                          id.ptr);
    }
    return AC_OK;
}

static enum ac_status do_bucket(struct ac_state *s, const struct ac_cmd *cmd,
                                int64_t now, struct ac_arena *a,
                                struct ac_batch *out, struct ac_err *err)
{
    struct ac_pb_round *r;
    struct obj d = obj_new(a);
    char id[24], pot[48];
    enum ac_status st = open_pb_round(s, cmd->round, now, &r, err);
    if (st != AC_OK ||
        (st = actor_in(s, cmd->actor, ac_state_circle(s, r->circle), err)) !=
            AC_OK ||
        (st = check_title(cmd->title, err)) != AC_OK ||
        (st = check_text(cmd->reason, "/description", 0, AC_PURPOSE_MAX,
                         err)) != AC_OK) {
        return st;
    }
    if (cmd->amount < 1 || cmd->amount > r->pot) {
        money_text(s, r->pot, pot);
        return ac_err_at(err, "/target", AC_EINVAL,
                         "/target must be from 1 minor unit to the round's "
                         "pot of %s, not %" PRId64,
                         pot, cmd->amount);
    }
    snprintf(id, sizeof id, "b%zu", s->bucket_count + 1);
    put_str(&d, "round", r->id);
    put_str(&d, "bucket", ac_str_c(id));
    put_str(&d, "title", cmd->title);
    put_str(&d, "description", cmd->reason);
    put_int(&d, "target", cmd->amount);
    return emit(s, a, out, now, cmd->actor, "bucket.proposed", obj_done(&d),
                err);
}

static enum ac_status do_pledge(struct ac_state *s, const struct ac_cmd *cmd,
                                int64_t now, struct ac_arena *a,
                                struct ac_batch *out, struct ac_err *err)
{
    struct ac_bucket *b = ac_state_bucket(s, cmd->bucket);
    struct ac_pb_round *r;
    const struct ac_pledge *pl;
    struct obj d = obj_new(a);
    int64_t old, left, needs;
    long who;
    char x[48], y[48];
    enum ac_status st;

    if (!b) {
        return ac_err_set(err, AC_ENOTFOUND, "no bucket \"%.*s\"",
                          (int)(cmd->bucket.len > 40 ? 40 : cmd->bucket.len),
                          cmd->bucket.ptr);
    }
    if ((st = open_pb_round(s, s->rounds[b->round].id, now, &r, err)) !=
        AC_OK) {
        return st;
    }
    if ((who = ac_pb_member(r, cmd->actor)) < 0) {
        return ac_err_set(err, AC_EDENIED,
                          "%.*s has no share in round %.*s: the shares went "
                          "to the members of %.*s when it opened",
                          (int)cmd->actor.len, cmd->actor.ptr, (int)r->id.len,
                          r->id.ptr, (int)r->circle.len, r->circle.ptr);
    }
    if (b->funded) {
        return ac_err_set(err, AC_ECONFLICT,
                          "bucket %.*s is funded: its pledges are spent",
                          (int)b->id.len, b->id.ptr);
    }
    pl = ac_state_pledge(s, b, cmd->actor);
    old = pl ? pl->amount : 0;
    left = r->share - r->spent[who] + old;
    needs = b->target - b->total + old;
    if (cmd->amount < 0) {
        return ac_err_at(err, "/amount", AC_EINVAL,
                         "/amount must be 0 (to take a pledge back) or more, "
                         "in minor units");
    }
    if (cmd->amount > left) {
        money_text(s, left, x);
        money_text(s, r->share, y);
        return ac_err_at(err, "/amount", AC_EINVAL,
                         "/amount: you have %s of your share of %s to give "
                         "in round %.*s",
                         x, y, (int)r->id.len, r->id.ptr);
    }
    if (cmd->amount > needs) {
        money_text(s, needs, x);
        return ac_err_at(err, "/amount", AC_EINVAL,
                         "/amount: bucket %.*s needs only %s more to reach "
                         "its target",
                         (int)b->id.len, b->id.ptr, x);
    }
    put_str(&d, "round", r->id);
    put_str(&d, "bucket", b->id);
    put_int(&d, "amount", cmd->amount);
    st = emit(s, a, out, now, cmd->actor, "bucket.pledged", obj_done(&d), err);
    if (st == AC_OK && b->total == b->target) {
        struct obj f = obj_new(a);
        put_str(&f, "round", r->id);
        put_str(&f, "bucket", b->id);
        put_int(&f, "amount", b->target);
        st = emit(s, a, out, now, AC_STR("system"), "bucket.funded",
                  obj_done(&f), err);
    }
    return st;
}

/* ---- commitments (docs/accountability.md) ---- */

static enum ac_status do_commit(struct ac_state *s, const struct ac_cmd *cmd,
                                int64_t now, struct ac_arena *a,
                                struct ac_batch *out, struct ac_err *err)
{
    const struct ac_circle *c = ac_state_circle(s, cmd->circle);
    struct obj d = obj_new(a);
    char id[24];
    int64_t day;
    enum ac_status st;
    if (!c) {
        return ac_err_at(err, "/circle", AC_EINVAL, "no circle \"%.*s\"",
                         (int)(cmd->circle.len > 40 ? 40 : cmd->circle.len),
                         cmd->circle.ptr);
    }
    if ((st = actor_in(s, cmd->actor, c, err)) != AC_OK ||
        (st = check_text(cmd->title, "/what", 1, AC_TITLE_MAX, err)) != AC_OK) {
        return st;
    }
    if (ac_str_is_blank(cmd->title)) {
        return ac_err_at(err, "/what", AC_EINVAL, "/what must not be blank");
    }
    if (ac_date_parse(cmd->due, &day, NULL) != AC_OK) {
        return ac_err_at(err, "/due", AC_EINVAL,
                         "/due must be a date YYYY-MM-DD");
    }
    if (day + AC_MS_PER_DAY <= now) {
        return ac_err_at(err, "/due", AC_EINVAL, "/due \"%.*s\" is in the past",
                         (int)cmd->due.len, cmd->due.ptr);
    }
    snprintf(id, sizeof id, "c%zu", s->commitment_count + 1);
    put_str(&d, "commitment", ac_str_c(id));
    put_str(&d, "circle", c->id);
    put_str(&d, "what", cmd->title);
    put_str(&d, "due", cmd->due);
    return emit(s, a, out, now, cmd->actor, "commitment.made", obj_done(&d),
                err);
}

static enum ac_status do_update(struct ac_state *s, const struct ac_cmd *cmd,
                                int64_t now, struct ac_arena *a,
                                struct ac_batch *out, struct ac_err *err)
{
    const struct ac_commitment *c = ac_state_commitment(s, cmd->commitment);
    enum ac_commitment_status next;
    struct obj d = obj_new(a);
    enum ac_status st;
    if (!c) {
        return ac_err_set(
            err, AC_ENOTFOUND, "no commitment \"%.*s\"",
            (int)(cmd->commitment.len > 40 ? 40 : cmd->commitment.len),
            cmd->commitment.ptr);
    }
    if (!ac_str_eq(c->member, cmd->actor)) {
        return ac_err_set(
            err, AC_EDENIED, "commitment %.*s is %.*s's: only they update it",
            (int)c->id.len, c->id.ptr, (int)c->member.len, c->member.ptr);
    }
    if (c->status != AC_COMMIT_OPEN) {
        return ac_err_set(err, AC_ECONFLICT, "commitment %.*s is %s already",
                          (int)c->id.len, c->id.ptr,
                          ac_commitment_status_name(c->status));
    }
    if (!ac_commitment_update_parse(cmd->status, &next)) {
        return ac_err_at(err, "/status", AC_EINVAL,
                         "/status must be progress, done or released");
    }
    if ((st = check_text(cmd->reason, "/note", 0, AC_REASON_MAX, err)) !=
        AC_OK) {
        return st;
    }
    if (next == AC_COMMIT_OPEN && ac_str_is_blank(cmd->reason)) {
        return ac_err_at(err, "/note", AC_EINVAL,
                         "/note must say what progress was made");
    }
    put_str(&d, "commitment", c->id);
    put_str(&d, "status", cmd->status);
    put_str(&d, "note", cmd->reason);
    return emit(s, a, out, now, cmd->actor, "commitment.updated", obj_done(&d),
                err);
}

static enum ac_status do_tick(struct ac_state *s, int64_t now,
                              struct ac_arena *a, struct ac_batch *out,
                              struct ac_err *err)
{
    enum ac_status st = AC_OK;
    /* each event below ends the entry at the heap's top, and any entry it
     * adds (a lapse time, a next phase) lies in the future, so the loop
     * ends */
    while (st == AC_OK && ac_state_next_due(s) <= now) {
        struct ac_proposal *p;
        if (s->due[0].kind == AC_DUE_TERM) {
            st = end_term(s, &s->roles[s->due[0].index], now, a, out, err);
            continue;
        }
        if (s->due[0].kind == AC_DUE_PB_ROUND) {
            st = close_pb_round(s, &s->rounds[s->due[0].index], now, a, out,
                                err);
            continue;
        }
        if (s->due[0].kind == AC_DUE_REVIEW) {
            const struct ac_agreement *ag = &s->agreements[s->due[0].index];
            struct obj d = obj_new(a);
            char date[AC_TIME_LEN + 1];
            ac_time_format(date, ag->review_by);
            date[10] = '\0';
            put_str(&d, "agreement", ag->id);
            put_str(&d, "review_by", ac_str_c(date));
            st = emit(s, a, out, now, AC_STR("system"), "agreement.review_due",
                      obj_done(&d), err);
            continue;
        }
        p = &s->proposals[s->due[0].index];
        if (p->status == AC_PROP_OPEN &&
            (p->phase == AC_STAGE_VOLUNTEER || p->phase == AC_STAGE_REVEAL)) {
            st = advance_draw(s, p, now, a, out, err);
        } else if (p->status == AC_PROP_OPEN &&
                   (p->phase == AC_STAGE_NOMINATE ||
                    p->phase == AC_STAGE_CHANGE)) {
            st = advance_election(s, p, now, a, out, err);
        } else if (p->status == AC_PROP_OPEN) {
            st = close_round(s, p, now, a, out, err);
        } else {
            struct obj d = obj_new(a);
            char reason[96];
            snprintf(reason, sizeof reason,
                     "not amended within %" PRId64 " days",
                     s->charter.value[AC_P_LAPSE_DAYS]);
            put_str(&d, "proposal", p->id);
            put_str(&d, "reason", ac_str_c(reason));
            st = emit(s, a, out, now, AC_STR("system"), "proposal.lapsed",
                      obj_done(&d), err);
        }
    }
    return st;
}

/* Raises the power alerts whose threshold is now reached and clears those
 * whose measure dropped back (docs/power.md#alerts). */
static enum ac_status do_power(struct ac_state *s, int64_t now,
                               struct ac_arena *a, struct ac_batch *out,
                               struct ac_err *err)
{
    struct ac_power_change *list = NULL;
    size_t count = 0;
    enum ac_status st = ac_power_check(s, now, a, &list, &count, err);

    for (size_t i = 0; st == AC_OK && i < count; i++) {
        const struct ac_power_change *c = &list[i];
        struct obj d = obj_new(a);
        put_str(&d, "measure", ac_str_c(c->measure));
        put_str(&d, "circle", c->circle);
        put_int(&d, "value", c->value);
        put_int(&d, "threshold", c->threshold);
        if (c->raise) {
            struct ac_val *m = ac_val_arr(a);
            for (size_t k = 0; m && k < c->member_count; k++) {
                if (!ac_val_push(a, m, ac_val_str(a, c->members[k]))) {
                    m = NULL;
                }
            }
            put(&d, "members", m);
        }
        st =
            emit(s, a, out, now, AC_STR("system"),
                 c->raise ? "power.alert" : "power.cleared", obj_done(&d), err);
    }
    return st;
}

enum ac_status ac_exec(struct ac_state *s, const struct ac_cmd *cmd,
                       int64_t now, struct ac_arena *a, struct ac_batch *out,
                       struct ac_err *err)
{
    if (!s->founded) {
        return ac_err_set(err, AC_ECONFLICT,
                          "the organisation is not "
                          "founded yet");
    }
    switch (cmd->type) {
    case AC_CMD_PROPOSE:
        return do_propose(s, cmd, now, a, out, err);
    case AC_CMD_POSITION:
        return do_position(s, cmd, now, a, out, err);
    case AC_CMD_BALLOT:
        return do_ballot(s, cmd, now, a, out, err);
    case AC_CMD_INTEGRATE:
        return do_integrate(s, cmd, now, a, out, err);
    case AC_CMD_NOMINATE:
        return do_nominate(s, cmd, now, a, out, err);
    case AC_CMD_VOLUNTEER:
    case AC_CMD_PASS:
    case AC_CMD_REVEAL:
        return do_draw_step(s, cmd, now, a, out, err);
    case AC_CMD_DELEGATE:
    case AC_CMD_REVOKE:
    case AC_CMD_REFUSE:
        return do_delegation(s, cmd, now, a, out, err);
    case AC_CMD_AMEND:
        return do_amend(s, cmd, now, a, out, err);
    case AC_CMD_WITHDRAW:
        return do_withdraw(s, cmd, now, a, out, err);
    case AC_CMD_JOIN:
        return do_join(s, cmd, now, a, out, err);
    case AC_CMD_BUCKET:
        return do_bucket(s, cmd, now, a, out, err);
    case AC_CMD_PLEDGE:
        return do_pledge(s, cmd, now, a, out, err);
    case AC_CMD_COMMIT:
        return do_commit(s, cmd, now, a, out, err);
    case AC_CMD_UPDATE:
        return do_update(s, cmd, now, a, out, err);
    case AC_CMD_TICK:
        return do_tick(s, now, a, out, err);
    case AC_CMD_POWER:
        return do_power(s, now, a, out, err);
    }
    return ac_err_set(err, AC_EINVAL, "unknown command");
}

enum ac_status ac_exec_found(struct ac_state *s, struct ac_str org,
                             struct ac_str founder, struct ac_str name,
                             int64_t now, struct ac_arena *a,
                             struct ac_batch *out, struct ac_err *err)
{
    struct obj d = obj_new(a), f = obj_new(a);
    struct ac_charter defaults;
    enum ac_status st;

    if (s->founded || s->seq != 0) {
        return ac_err_set(err, AC_ECONFLICT, "the organisation exists");
    }
    if ((st = check_text(org, "org", 1, AC_NAME_MAX, err)) != AC_OK ||
        (st = check_text(name, "name", 1, AC_NAME_MAX, err)) != AC_OK) {
        return st;
    }
    if (!ac_id_is_valid(founder) || ac_str_eq_c(founder, "system") ||
        ac_str_eq_c(founder, "operator")) {
        return ac_err_at(err, "founder", AC_EINVAL,
                         "founder id \"%.*s\" is not a valid member id "
                         "([a-z0-9][a-z0-9_-]{0,31})",
                         (int)(founder.len > 40 ? 40 : founder.len),
                         founder.ptr);
    }
    ac_charter_defaults(&defaults);
    put_str(&f, "id", founder);
    put_str(&f, "name", name);
    put_str(&d, "name", org);
    put(&d, "founder", obj_done(&f));
    put(&d, "charter", ac_charter_object(&defaults, a));
    return emit(s, a, out, now, AC_STR("operator"), "org.founded", obj_done(&d),
                err);
}
