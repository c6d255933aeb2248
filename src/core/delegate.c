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

enum ac_status ac_delegate_weights(const struct ac_state *s,
                                   const struct ac_proposal *p, int64_t now,
                                   struct ac_arena *a, struct ac_weights *out,
                                   struct ac_err *err)
{
    const struct ac_circle *c = ac_state_circle(s, p->circle);
    struct ac_str kind = ac_str_c(ac_kind_name(p->kind));
    int64_t cap = s->charter.value[AC_P_DELEGATION_MAX_WEIGHT];
    size_t size = c ? ac_state_circle_size(s, c) : 0, n = 0;
    struct reached *list;
    bool root = c && ac_str_eq_c(c->id, AC_ROOT_CIRCLE);
    size_t members = root ? s->member_count : c ? c->count : 0;

    memset(out, 0, sizeof *out);
    out->w = ac_arena_alloc(a, (p->count ? p->count : 1) * sizeof *out->w);
    list = ac_arena_alloc(a, (members ? members : 1) * sizeof *list);
    out->over_cap =
        ac_arena_alloc(a, (members ? members : 1) * sizeof *out->over_cap);
    if (!out->w || !list || !out->over_cap) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < p->count; i++) {
        out->w[i] = c && ac_state_in_circle(s, c, p->positions[i].member);
    }
    if (!c || !ac_delegate_applies(p) || s->delegation_count == 0) {
        return AC_OK;
    }
    for (size_t k = 0; k < members; k++) {
        struct ac_str m = root ? s->members[k].id : c->members[k];
        const struct ac_delegation *first, *d;
        struct ac_str x = m;
        size_t at;
        if (!ac_state_in_circle(s, c, m) ||
            ac_map_get(&p->position_index, m, &at)) {
            continue; /* out of the circle, or answered themselves */
        }
        first = d = in_force(s, c, m, kind, now);
        /* a chain longer than the circle has a cycle */
        for (size_t step = 0; d && step <= size; step++) {
            x = d->to;
            if (ac_map_get(&p->position_index, x, &at) && out->w[at] > 0) {
                list[n++] = (struct reached){m, first->since, at};
                break;
            }
            d = in_force(s, c, x, kind, now);
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
