/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Following delegations to the voters of a round. */
#include "delegate.h"

#include <stdlib.h>
#include <string.h>

bool ac_delegate_applies(const struct ac_proposal *p)
{
    return ac_method_is_vote(p->method.method) ||
           ac_method_is_choice(p->method.method);
}

/* The delegation member's vote follows in circle c for kind: the kind's
 * own, else the one for every kind; NULL when none is in force. */
static const struct ac_delegation *in_force(const struct ac_state *s,
                                            const struct ac_circle *c,
                                            struct ac_str member,
                                            struct ac_str kind, int64_t now)
{
    const struct ac_delegation *d = ac_state_delegation(s, member, c->id, kind);
    if (!d) {
        d = ac_state_delegation(s, member, c->id, AC_STR(""));
    }
    if (!d || d->refused || now >= d->expires ||
        !ac_state_in_circle(s, c, d->to)) {
        return NULL;
    }
    return d;
}

struct reached {
    struct ac_str member;
    int64_t since;
    size_t voter; /* index into positions */
};

static int reached_cmp(const void *a, const void *b)
{
    const struct reached *x = a, *y = b;
    if (x->since != y->since) {
        return x->since < y->since ? -1 : 1;
    }
    return ac_str_cmp(x->member, y->member);
}

/* The position index of the voter member's vote reaches, or -1: their own
 * answer, else along their delegations (memo per member index: -2 not
 * known yet, -3 on the path being followed). O(1) amortised. */
static int64_t voter_of(const struct ac_state *s, const struct ac_circle *c,
                        const struct ac_proposal *p, struct ac_str kind,
                        int64_t now, const int64_t *w, int64_t *memo,
                        size_t *path, size_t start)
{
    size_t n = 0, x = start;
    int64_t found = -1;
    for (;;) {
        size_t at;
        const struct ac_delegation *d;
        if (memo[x] != -2) {
            found = memo[x] == -3 ? -1 : memo[x]; /* -3: a cycle */
            break;
        }
        if (x != start &&
            ac_map_get(&p->position_index, s->members[x].id, &at)) {
            found = w[at] > 0 ? (int64_t)at : -1;
            memo[x] = found;
            break;
        }
        d = in_force(s, c, s->members[x].id, kind, now);
        if (!d || !ac_map_get(&s->member_index, d->to, &at)) {
            memo[x] = -1;
            break;
        }
        memo[x] = -3;
        path[n++] = x;
        x = at;
    }
    while (n > 0) {
        memo[path[--n]] = found;
    }
    return found;
}

enum ac_status ac_delegate_weights(const struct ac_state *s,
                                   const struct ac_proposal *p, int64_t now,
                                   struct ac_arena *a, struct ac_weights *out,
                                   struct ac_err *err)
{
    const struct ac_circle *c = ac_state_circle(s, p->circle);
    struct ac_str kind = ac_str_c(ac_kind_name(p->kind));
    int64_t cap = s->charter.value[AC_P_DELEGATION_MAX_WEIGHT];
    size_t n = 0;
    struct reached *list;
    int64_t *memo;
    size_t *path;
    bool root = c && ac_str_eq_c(c->id, AC_ROOT_CIRCLE);
    size_t members = root ? s->member_count : c ? c->count : 0;

    memset(out, 0, sizeof *out);
    out->w = ac_arena_alloc(a, (p->count ? p->count : 1) * sizeof *out->w);
    if (!out->w) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < p->count; i++) {
        out->w[i] = c && ac_state_in_circle(s, c, p->positions[i].member);
    }
    if (!c || !ac_delegate_applies(p) || s->delegation_count == 0) {
        return AC_OK;
    }
    /* the rest is in proportion to the members: only when it matters */
    list = ac_arena_alloc(a, (members ? members : 1) * sizeof *list);
    out->over_cap =
        ac_arena_alloc(a, (members ? members : 1) * sizeof *out->over_cap);
    if (!list || !out->over_cap) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    memo = ac_arena_alloc(a, (s->member_count ? s->member_count : 1) *
                                 sizeof *memo);
    path = ac_arena_alloc(a, (s->member_count ? s->member_count : 1) *
                                 sizeof *path);
    if (!memo || !path) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < s->member_count; k++) {
        memo[k] = -2;
    }
    for (size_t k = 0; k < members; k++) {
        struct ac_str m = root ? s->members[k].id : c->members[k];
        const struct ac_delegation *first;
        size_t at, mi;
        int64_t v;
        if (!ac_state_in_circle(s, c, m) ||
            ac_map_get(&p->position_index, m, &at) ||
            !ac_map_get(&s->member_index, m, &mi)) {
            continue; /* out of the circle, or answered themselves */
        }
        first = in_force(s, c, m, kind, now);
        v = first ? voter_of(s, c, p, kind, now, out->w, memo, path, mi) : -1;
        if (v >= 0) {
            list[n++] = (struct reached){m, first->since, (size_t)v};
        }
    }
    /* first given, first served */
    qsort(list, n, sizeof *list, reached_cmp);
    for (size_t i = 0; i < n; i++) {
        if (out->w[list[i].voter] < cap) {
            out->w[list[i].voter]++;
            out->delegated++;
        } else {
            out->over_cap[out->over_count++] = list[i].member;
        }
    }
    return AC_OK;
}
