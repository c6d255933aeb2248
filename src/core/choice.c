/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Ballots and the count of choice proposals. */
#include "choice.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/hash.h"
#include "core/delegate.h"

#define NOMEM(err) ac_err_set((err), AC_ENOMEM, "out of memory")

static const char *ballot_key(enum ac_method m)
{
    switch (m) {
    case AC_M_APPROVAL:
        return "approve";
    case AC_M_SCORE:
        return "scores";
    default:
        return "ranking";
    }
}

/* One option number at where, into *c (0-based); not yet marked. */
static enum ac_status option_at(const struct ac_val *v, size_t n,
                                const uint16_t *marks, const char *where,
                                const char *verb, size_t *c, struct ac_err *err)
{
    if (v->kind != AC_VAL_INT || v->i < 1 || (uint64_t)v->i > n) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s must be an option number 1..%zu", where, n);
    }
    *c = (size_t)v->i - 1;
    if (marks[*c] != AC_RANK_NONE) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s: option %" PRId64 " is %s twice", where, v->i,
                         verb);
    }
    return AC_OK;
}

static enum ac_status read_ranking(const struct ac_val *list, size_t n,
                                   uint16_t *marks, struct ac_err *err)
{
    for (size_t t = 0; t < list->count; t++) {
        const struct ac_val *tier = list->items[t];
        char where[64];
        snprintf(where, sizeof where, "/ranking/%zu", t);
        if (tier->kind == AC_VAL_INT) {
            size_t c;
            enum ac_status st =
                option_at(tier, n, marks, where, "ranked", &c, err);
            if (st != AC_OK) {
                return st;
            }
            marks[c] = (uint16_t)t;
            continue;
        }
        if (tier->kind != AC_VAL_ARR || tier->count == 0) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must be an option number or a non-empty "
                             "list of tied option numbers",
                             where);
        }
        for (size_t k = 0; k < tier->count; k++) {
            char at[112];
            size_t c;
            enum ac_status st;
            snprintf(at, sizeof at, "%s/%zu", where, k);
            st = option_at(tier->items[k], n, marks, at, "ranked", &c, err);
            if (st != AC_OK) {
                return st;
            }
            marks[c] = (uint16_t)t;
        }
    }
    return AC_OK;
}

enum ac_status ac_ballot_marks(enum ac_method m, const struct ac_val *obj,
                               size_t n, uint16_t *marks, struct ac_err *err)
{
    const char *key = ballot_key(m);
    const struct ac_val *list = ac_val_get(obj, key);
    char where[32];

    snprintf(where, sizeof where, "/%s", key);
    if (!ac_method_is_choice(m) || n == 0) {
        return ac_err_set(err, AC_EINVAL, "not a choice");
    }
    if (!list) {
        return ac_err_at(err, where, AC_EINVAL, "%s is required", where);
    }
    if (list->kind != AC_VAL_ARR) {
        return ac_err_at(err, where, AC_EINVAL, "%s must be an array", where);
    }
    if (list->count > n) {
        return ac_err_at(err, where, AC_EINVAL,
                         "%s has %zu entries, more than the %zu options", where,
                         list->count, n);
    }
    for (size_t c = 0; c < n; c++) {
        marks[c] = AC_RANK_NONE;
    }
    if (m == AC_M_SCORE) {
        if (list->count != n) {
            return ac_err_at(err, where, AC_EINVAL,
                             "%s must give a score to each of the %zu options",
                             where, n);
        }
        for (size_t c = 0; c < n; c++) {
            const struct ac_val *v = list->items[c];
            if (v->kind != AC_VAL_INT || v->i < 0 || v->i > AC_SCORE_MAX) {
                char at[48];
                snprintf(at, sizeof at, "/scores/%zu", c);
                return ac_err_at(err, at, AC_EINVAL, "%s must be a score 0..%d",
                                 at, AC_SCORE_MAX);
            }
            marks[c] = (uint16_t)v->i;
        }
        return AC_OK;
    }
    if (m == AC_M_APPROVAL) {
        for (size_t k = 0; k < list->count; k++) {
            char at[48];
            size_t c;
            enum ac_status st;
            snprintf(at, sizeof at, "/approve/%zu", k);
            st = option_at(list->items[k], n, marks, at, "approved", &c, err);
            if (st != AC_OK) {
                return st;
            }
            marks[c] = 0;
        }
        return AC_OK;
    }
    return read_ranking(list, n, marks, err);
}

bool ac_ballot_put(enum ac_method m, const uint16_t *marks, size_t n,
                   struct ac_arena *a, struct ac_val *obj)
{
    struct ac_val *list = ac_val_arr(a);
    bool ok = list != NULL;
    if (m == AC_M_SCORE || m == AC_M_APPROVAL) {
        for (size_t c = 0; ok && c < n; c++) {
            if (m == AC_M_SCORE) {
                ok = ac_val_push(a, list, ac_val_int(a, marks[c]));
            } else if (marks[c] == 0) {
                ok = ac_val_push(a, list, ac_val_int(a, (int64_t)c + 1));
            }
        }
        return ok && ac_val_set(a, obj, ballot_key(m), list);
    }
    /* tiers in order, each as a list, options ascending within a tier;
     * empty tiers (none are made by ac_ballot_marks, but ranks may skip)
     * are left out. One pass: a tier's list is made at its first option. */
    {
        struct ac_val **tiers = ac_arena_alloc(a, (n ? n : 1) * sizeof *tiers);
        if (!tiers) {
            return false;
        }
        memset(tiers, 0, (n ? n : 1) * sizeof *tiers);
        for (size_t c = 0; ok && c < n; c++) {
            size_t t = marks[c];
            if (t >= n) {
                continue; /* unranked */
            }
            if (!tiers[t] && !(tiers[t] = ac_val_arr(a))) {
                return false;
            }
            ok = ac_val_push(a, tiers[t], ac_val_int(a, (int64_t)c + 1));
        }
        for (size_t t = 0; ok && t < n; t++) {
            if (tiers[t]) {
                ok = ac_val_push(a, list, tiers[t]);
            }
        }
    }
    return ok && ac_val_set(a, obj, "ranking", list);
}

enum ac_method ac_choice_method(const struct ac_proposal *p)
{
    struct ac_str name;
    struct ac_method_rule m;
    if (p->kind != AC_KIND_CHOICE_IMPORT) {
        return p->method.method;
    }
    if (ac_val_get_str(p->data, "count", &name) && ac_method_parse(name, &m) &&
        ac_method_is_choice(m.method)) {
        return m.method;
    }
    return AC_M_SCHULZE;
}

bool ac_choice_has_count(const struct ac_proposal *p)
{
    return p->kind == AC_KIND_CHOICE_IMPORT ||
           ac_method_is_choice(p->method.method);
}

/* A choice import: the ballots of its data, each counted count times. */
static enum ac_status imported_ballots(const struct ac_proposal *p,
                                       struct ac_arena *a,
                                       struct ac_choice_result *out,
                                       struct ac_err *err);

uint64_t ac_choice_seed(const struct ac_proposal *p)
{
    uint64_t seed = 0;
    for (int i = 0; i < 8; i++) {
        seed = seed << 8 | p->round_hash[i];
    }
    return seed;
}

/* The tie-break key of option c under seed, as in the Schulze tally:
 * SHA-256(seed as 8 bytes big-endian || c as 2 bytes big-endian). */
static void tie_key(uint64_t seed, size_t c, uint8_t out[AC_HASH_LEN])
{
    uint8_t in[10];
    for (int i = 0; i < 8; i++) {
        in[i] = (uint8_t)(seed >> (56 - 8 * i));
    }
    in[8] = (uint8_t)(c >> 8);
    in[9] = (uint8_t)c;
    ac_sha256(out, in, sizeof in);
}

/* Approval and score: layers by descending total, each layer in
 * tie-break order. */
static enum ac_status rank_totals(struct ac_choice_result *r,
                                  struct ac_arena *a, struct ac_err *err)
{
    uint8_t *keys = ac_arena_alloc(a, r->n * AC_HASH_LEN);
    size_t n = r->n;
    r->layer = ac_arena_alloc(a, n * sizeof *r->layer);
    r->order = ac_arena_alloc(a, n * sizeof *r->order);
    if (!keys || !r->layer || !r->order) {
        return NOMEM(err);
    }
    for (size_t c = 0; c < n; c++) {
        tie_key(r->seed, c, keys + c * AC_HASH_LEN);
        r->order[c] = (uint16_t)c;
    }
    /* insertion sort: totals descending, then key ascending; n <= 1000 */
    for (size_t i = 1; i < n; i++) {
        uint16_t c = r->order[i];
        size_t j = i;
        while (j > 0) {
            uint16_t b = r->order[j - 1];
            bool before = r->totals[c] > r->totals[b] ||
                          (r->totals[c] == r->totals[b] &&
                           memcmp(keys + c * AC_HASH_LEN,
                                  keys + b * AC_HASH_LEN, AC_HASH_LEN) < 0);
            if (!before) {
                break;
            }
            r->order[j] = b;
            j--;
        }
        r->order[j] = c;
    }
    r->layer_count = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && r->totals[r->order[i]] != r->totals[r->order[i - 1]]) {
            r->layer_count++;
        }
        r->layer[r->order[i]] = (uint16_t)r->layer_count;
    }
    r->layer_count++;
    r->winner_count = 0;
    while (r->winner_count < n && r->layer[r->order[r->winner_count]] == 0) {
        r->winner_count++;
    }
    return AC_OK;
}

/* The count itself, over ballots whose weights are the votes they carry:
 * Schulze, or approval and score totals. */
static enum ac_status tally_ballots(struct ac_choice_result *out,
                                    const struct ac_ballot *ballots,
                                    size_t count, struct ac_arena *a,
                                    struct ac_err *err)
{
    size_t n = out->n;
    out->ballots = count;
    if (out->method <= AC_M_SCHULZE_MARGINS) {
        enum ac_status st = ac_schulze_tally(ballots, count, n,
                                             out->method == AC_M_SCHULZE_MARGINS
                                                 ? AC_SCHULZE_MARGINS
                                                 : AC_SCHULZE_WINNING_VOTES,
                                             out->seed, a, &out->schulze, err);
        if (st != AC_OK) {
            return st;
        }
        out->layer = out->schulze.layer;
        out->layer_count = out->schulze.layer_count;
        out->winner_count = out->schulze.winner_count;
        out->order = out->schulze.order;
        return AC_OK;
    }
    out->totals = ac_arena_alloc(a, n * sizeof *out->totals);
    if (!out->totals) {
        return NOMEM(err);
    }
    memset(out->totals, 0, n * sizeof *out->totals);
    for (size_t b = 0; b < count; b++) {
        uint64_t w = ballots[b].weight;
        for (size_t c = 0; c < n; c++) {
            uint16_t m = ballots[b].rank[c];
            if (out->method == AC_M_APPROVAL) {
                out->totals[c] += (m == 0) * w;
            } else if (m != AC_RANK_NONE) {
                out->totals[c] += m * w;
            }
        }
    }
    return rank_totals(out, a, err);
}

/* A secret choice after its close: the anonymous ballots of its result. */
static enum ac_status secret_ballots(const struct ac_proposal *p,
                                     struct ac_arena *a,
                                     struct ac_choice_result *out,
                                     struct ac_err *err)
{
    const struct ac_val *list =
        p->result ? ac_val_get(p->result, "ballots") : NULL;
    struct ac_ballot *ballots;
    size_t n = 0;
    if (!list || list->kind != AC_VAL_ARR) {
        return ac_err_set(err, AC_ECORRUPT, "the close of %.*s has no ballots",
                          (int)p->id.len, p->id.ptr);
    }
    ballots =
        ac_arena_alloc(a, (list->count ? list->count : 1) * sizeof *ballots);
    if (!ballots) {
        return NOMEM(err);
    }
    for (size_t i = 0; i < list->count; i++) {
        uint16_t *marks = ac_arena_alloc(a, out->n * sizeof *marks);
        int64_t w = 1;
        if (!marks) {
            return NOMEM(err);
        }
        if (ac_ballot_marks(p->method.method, list->items[i], out->n, marks,
                            err) != AC_OK) {
            return AC_ECORRUPT;
        }
        ac_val_get_int(list->items[i], "count", &w);
        ballots[n++] = (struct ac_ballot){marks, (uint32_t)w};
    }
    return tally_ballots(out, ballots, n, a, err);
}

static enum ac_status imported_ballots(const struct ac_proposal *p,
                                       struct ac_arena *a,
                                       struct ac_choice_result *out,
                                       struct ac_err *err)
{
    const struct ac_val *list = ac_val_get(p->data, "ballots");
    struct ac_ballot *ballots;
    size_t n = 0, voters = 0;
    enum ac_status st;
    if (!list || list->kind != AC_VAL_ARR) {
        return ac_err_set(err, AC_EINVAL, "%.*s imports no ballots",
                          (int)p->id.len, p->id.ptr);
    }
    ballots =
        ac_arena_alloc(a, (list->count ? list->count : 1) * sizeof *ballots);
    if (!ballots) {
        return NOMEM(err);
    }
    for (size_t i = 0; i < list->count; i++) {
        uint16_t *marks = ac_arena_alloc(a, out->n * sizeof *marks);
        int64_t count = 1;
        if (!marks) {
            return NOMEM(err);
        }
        if (ac_ballot_marks(AC_M_SCHULZE, list->items[i], out->n, marks, err) !=
            AC_OK) {
            return AC_EINVAL;
        }
        ac_val_get_int(list->items[i], "count", &count);
        ballots[n++] = (struct ac_ballot){marks, (uint32_t)count};
        voters += (size_t)count;
    }
    st = tally_ballots(out, ballots, n, a, err);
    /* an import's ballots are its voters' */
    out->ballots = voters;
    return st;
}

enum ac_status ac_choice_count(const struct ac_state *s,
                               const struct ac_proposal *p, bool at_close,
                               const int64_t *weights, struct ac_arena *a,
                               struct ac_choice_result *out, struct ac_err *err)
{
    const struct ac_circle *circle = ac_state_circle(s, p->circle);
    struct ac_ballot *ballots;
    size_t count = 0, n = p->option_count;

    memset(out, 0, sizeof *out);
    if (!ac_choice_has_count(p) || n == 0 || !circle) {
        return ac_err_set(err, AC_EINVAL, "proposal %.*s is not a choice",
                          (int)p->id.len, p->id.ptr);
    }
    out->method = ac_choice_method(p);
    out->n = n;
    out->seed = ac_choice_seed(p);
    if (p->kind == AC_KIND_CHOICE_IMPORT) {
        return imported_ballots(p, a, out, err);
    }
    if (!at_close && p->method.secret) {
        /* the close wrote the ballots without names: count those */
        return secret_ballots(p, a, out, err);
    }
    ballots = ac_arena_alloc(a, (p->count ? p->count : 1) * sizeof *ballots);
    if (!ballots) {
        return NOMEM(err);
    }
    for (size_t i = 0; i < p->count; i++) {
        const struct ac_position_rec *r = &p->positions[i];
        bool in =
            at_close ? ac_state_in_circle(s, circle, r->member) : r->counted;
        int64_t w = at_close ? (weights ? weights[i] : 1)
                             : (r->weight > 0 ? r->weight : 1);
        if (in && w > 0 && r->position == AC_POS_BALLOT && r->marks) {
            ballots[count++] = (struct ac_ballot){r->marks, (uint32_t)w};
        }
    }
    return tally_ballots(out, ballots, count, a, err);
}

static struct ac_val *option_list(const uint16_t *opts, size_t count,
                                  struct ac_arena *a)
{
    struct ac_val *arr = ac_val_arr(a);
    for (size_t i = 0; arr && i < count; i++) {
        if (!ac_val_push(a, arr, ac_val_int(a, (int64_t)opts[i] + 1))) {
            return NULL;
        }
    }
    return arr;
}

struct ac_val *ac_choice_result_val(const struct ac_choice_result *r,
                                    struct ac_arena *a)
{
    struct ac_val *o = ac_val_obj(a), *ranking = ac_val_arr(a);
    char method[32], seed[17];
    size_t i = 0;
    bool ok = o && ranking;

    ac_method_format(method, (struct ac_method_rule){r->method, 0, false});
    snprintf(seed, sizeof seed, "%016" PRIx64, r->seed);
    /* order lists layer by layer, so each layer is a run of it */
    while (ok && i < r->n) {
        size_t j = i;
        while (j < r->n && r->layer[r->order[j]] == r->layer[r->order[i]]) {
            j++;
        }
        ok = ac_val_push(a, ranking, option_list(r->order + i, j - i, a));
        i = j;
    }
    ok = ok && ac_val_set(a, o, "method", ac_val_str(a, ac_str_c(method))) &&
         ac_val_set(a, o, "seed", ac_val_str(a, ac_str_c(seed))) &&
         ac_val_set(a, o, "winners",
                    option_list(r->order, r->winner_count, a)) &&
         ac_val_set(a, o, "ranking", ranking) &&
         ac_val_set(a, o, "order", option_list(r->order, r->n, a));
    if (ok && r->totals) {
        struct ac_val *t = ac_val_arr(a);
        for (size_t c = 0; t && c < r->n; c++) {
            if (!ac_val_push(a, t, ac_val_int(a, (int64_t)r->totals[c]))) {
                t = NULL;
            }
        }
        ok = ac_val_set(a, o, "totals", t);
    }
    return ok ? o : NULL;
}

/* An n*n matrix as rows of integers. */
static struct ac_val *matrix_val(const uint64_t *m, size_t n,
                                 struct ac_arena *a)
{
    struct ac_val *rows = ac_val_arr(a);
    for (size_t i = 0; rows && i < n; i++) {
        struct ac_val *row = ac_val_arr(a);
        for (size_t j = 0; row && j < n; j++) {
            if (!ac_val_push(a, row, ac_val_int(a, (int64_t)m[i * n + j]))) {
                row = NULL;
            }
        }
        if (!ac_val_push(a, rows, row)) {
            return NULL;
        }
    }
    return rows;
}

struct ac_val *ac_choice_report(const struct ac_state *s,
                                const struct ac_proposal *p, struct ac_arena *a,
                                struct ac_err *err)
{
    struct ac_choice_result r;
    struct ac_val *v;
    bool ok;
    /* open or lapsed: no decided count, show what the ballots give now,
     * with the delegations in force at the head of the log */
    struct ac_weights w = {0};
    enum ac_status st;
    if (p->method.secret && !p->result) {
        ac_err_set(err, AC_ECONFLICT,
                   "%.*s is a secret ballot: its count is written at the "
                   "close",
                   (int)p->id.len, p->id.ptr);
        return NULL;
    }
    st = p->result ? AC_OK : ac_delegate_weights(s, p, s->time, a, &w, err);
    if (st == AC_OK) {
        st = ac_choice_count(s, p, !p->result, w.w, a, &r, err);
    }
    if (st != AC_OK) {
        return NULL;
    }
    v = ac_choice_result_val(&r, a);
    ok = v && ac_val_set(a, v, "proposal", ac_val_str(a, p->id)) &&
         ac_val_set(
             a, v, "status",
             ac_val_str(a, ac_str_c(ac_proposal_status_name(p->status)))) &&
         ac_val_set(a, v, "final", ac_val_bool(a, p->result != NULL)) &&
         ac_val_set(a, v, "round", ac_val_int(a, p->round)) &&
         ac_val_set(a, v, "ballots", ac_val_int(a, (int64_t)r.ballots)) &&
         ac_val_set(a, v, "options",
                    ac_val_copy(a, ac_val_get(p->data, "options")));
    if (ok && !r.totals) {
        ok = ac_val_set(a, v, "pairwise", matrix_val(r.schulze.d, r.n, a)) &&
             ac_val_set(a, v, "strongest", matrix_val(r.schulze.p, r.n, a));
    }
    if (!ok) {
        ac_err_set(err, AC_ENOMEM, "out of memory");
        return NULL;
    }
    return v;
}
