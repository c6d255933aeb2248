/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The Schulze method: the pairwise matrix, Floyd-Warshall widest paths
 * over the defeats as in Schulze (2011), section 2.3, computed once over
 * all candidates, and the topological layers of the relation "i beats j"
 * (p[i][j] > p[j][i]). The two loops that carry the cost, the pairwise
 * counts (O(ballots * n^2)) and the paths (O(n^3)), work on rows padded to
 * LANES entries, in blocks of exactly LANES, so that a compiler at -O2
 * turns them into vector instructions without being told the target
 * (docs/performance.md#tally). */
#include "schulze.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"

#define LANES 16 /* entries of one block of a padded row */

static size_t padded(size_t n)
{
    return (n + LANES - 1) / LANES * LANES;
}

/* Why ballot b is refused: its weight is 0, it has no ranks, or it ranks
 * a candidate past n. */
static enum ac_status refuse(const struct ac_ballot *ballot, size_t b, size_t n,
                             struct ac_err *err)
{
    char where[64];
    size_t c = 0;
    snprintf(where, sizeof where, "/ballots/%zu", b);
    if (ballot->weight == 0) {
        return ac_err_at(err, where, AC_EINVAL, "ballot %zu has weight 0", b);
    }
    if (!ballot->rank) {
        return ac_err_at(err, where, AC_EINVAL, "ballot %zu has no ranks", b);
    }
    while (c + 1 < n &&
           (ballot->rank[c] == AC_RANK_NONE || ballot->rank[c] < n)) {
        c++;
    }
    return ac_err_at(err, where, AC_EINVAL,
                     "ballot %zu ranks candidate %zu at %u, past the %zu "
                     "candidates",
                     b, c, (unsigned)ballot->rank[c], n);
}

/* ---- pairwise matrix ------------------------------------------------- */

/* The counts go into narrow counters first, as many to a 128-bit register
 * as fit, and are added to d before they could overflow: 8-bit counters
 * (sixteen to a register) for up to 255 candidates and ballots of weight
 * up to 255, 16-bit counters (eight) otherwise. A ballot whose weight
 * passes 65535 goes straight into d. Rows are padded to LANES entries and
 * worked in blocks of exactly LANES, so that the loops become vector
 * instructions at -O2 without naming the target. */
struct counters {
    size_t n, np;    /* candidates; row length, a multiple of LANES */
    uint64_t *d;     /* n * n, the result */
    uint8_t *acc8;   /* n * np 8-bit counters, or NULL */
    uint8_t *row8;   /* np: the ballot's ranks, AC_RANK_NONE as 255 */
    uint32_t pend8;  /* weight added to acc8 since its last flush */
    uint16_t *acc16; /* n * np 16-bit counters */
    uint16_t *row16; /* np: the ballot's ranks */
    uint32_t pend16; /* weight added to acc16 since its last flush */
    uint16_t *who;   /* n: the ranked candidates of the ballot at hand */
};

/* acc[i][j] += w for every j that row ranks below i, for the m ranked
 * candidates i listed in who (an unranked one is preferred to nobody).
 * AC_RANK_NONE (255 in the 8-bit row) is above every valid rank, so plain
 * comparison puts unranked candidates last. The padding entries of row
 * stay 0 and only feed columns that are never read. */
static void add_rows8(uint8_t *restrict acc, const uint8_t *restrict row,
                      const uint16_t *who, size_t m, size_t np, uint8_t w)
{
    for (size_t k = 0; k < m; k++) {
        uint8_t ri = row[who[k]];
        uint8_t *x = acc + who[k] * np;
        for (size_t b = 0; b < np; b += LANES) {
            for (size_t l = 0; l < LANES; l++) {
                uint8_t mask = (uint8_t)(0u - (ri < row[b + l]));
                x[b + l] = (uint8_t)(x[b + l] + (mask & w));
            }
        }
    }
}

static void add_rows16(uint16_t *restrict acc, const uint16_t *restrict row,
                       const uint16_t *who, size_t m, size_t np, uint16_t w)
{
    for (size_t k = 0; k < m; k++) {
        uint16_t ri = row[who[k]];
        uint16_t *x = acc + who[k] * np;
        for (size_t b = 0; b < np; b += LANES) {
            for (size_t l = 0; l < LANES; l++) {
                uint16_t mask = (uint16_t)(0u - (ri < row[b + l]));
                x[b + l] = (uint16_t)(x[b + l] + (mask & w));
            }
        }
    }
}

static void add_rows64(uint64_t *d, const uint16_t *rank, size_t n, uint64_t w)
{
    for (size_t i = 0; i < n; i++) {
        uint16_t ri = rank[i];
        if (ri == AC_RANK_NONE) {
            continue;
        }
        for (size_t j = 0; j < n; j++) {
            d[i * n + j] += ri < rank[j] ? w : 0;
        }
    }
}

static void flush8(struct counters *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->n; j++) {
            t->d[i * t->n + j] += t->acc8[i * t->np + j];
        }
    }
    memset(t->acc8, 0, t->n * t->np);
    t->pend8 = 0;
}

static void flush16(struct counters *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->n; j++) {
            t->d[i * t->n + j] += t->acc16[i * t->np + j];
        }
    }
    memset(t->acc16, 0, t->n * t->np * sizeof *t->acc16);
    t->pend16 = 0;
}

/* Whether a rank of the padded row is past n (AC_RANK_NONE + 1 is 0, and
 * the padding's 0 + 1 is not past n); narrow also writes the row in 8
 * bits, AC_RANK_NONE as 255. Checking the ranks here, as the ballot is
 * counted, reads each ballot once: as a pass of its own before the count,
 * the check took a quarter of the time of a million ballots. */
static bool narrow(const uint16_t *restrict row, uint8_t *restrict row8,
                   size_t np, uint16_t n)
{
    uint16_t past = 0;
    for (size_t b = 0; b < np; b += LANES) {
        for (size_t l = 0; l < LANES; l++) {
            uint16_t r = row[b + l];
            row8[b + l] = (uint8_t)(r < UINT8_MAX ? r : UINT8_MAX);
            past |= (uint16_t)((uint16_t)(r + 1) > n);
        }
    }
    return past != 0;
}

static bool past_n(const uint16_t *row, size_t np, uint16_t n)
{
    uint16_t past = 0;
    for (size_t b = 0; b < np; b += LANES) {
        for (size_t l = 0; l < LANES; l++) {
            past |= (uint16_t)((uint16_t)(row[b + l] + 1) > n);
        }
    }
    return past != 0;
}

/* The ranked candidates of row into who, without a branch per candidate
 * (whether one is ranked is as good as random, and a mispredicted branch
 * costs more than the row it would skip); returns how many. */
static size_t list_ranked(const uint16_t *row, size_t n, uint16_t *who)
{
    size_t m = 0;
    for (size_t c = 0; c < n; c++) {
        who[m] = (uint16_t)c;
        m += row[c] != AC_RANK_NONE;
    }
    return m;
}

/* Adds one ballot, unless a rank is past n; true when added. */
static bool add_ballot(struct counters *t, const uint16_t *rank, uint32_t w)
{
    size_t n = t->n;
    size_t m;
    memcpy(t->row16, rank, n * sizeof *rank);
    if (t->acc8 && w <= UINT8_MAX) {
        if (narrow(t->row16, t->row8, t->np, (uint16_t)n)) {
            return false;
        }
        if (t->pend8 + w > UINT8_MAX) {
            flush8(t);
        }
        t->pend8 += w;
        m = list_ranked(t->row16, n, t->who);
        add_rows8(t->acc8, t->row8, t->who, m, t->np, (uint8_t)w);
    } else if (past_n(t->row16, t->np, (uint16_t)n)) {
        return false;
    } else if (w <= UINT16_MAX) {
        if (t->pend16 + w > UINT16_MAX) {
            flush16(t);
        }
        t->pend16 += w;
        m = list_ranked(t->row16, n, t->who);
        add_rows16(t->acc16, t->row16, t->who, m, t->np, (uint16_t)w);
    } else {
        add_rows64(t->d, rank, n, w);
    }
    return true;
}

/* d[i][j]: the voters strictly preferring i to j; *total: all voters. */
static enum ac_status pairwise(const struct ac_ballot *ballots, size_t count,
                               size_t n, struct ac_arena *a, uint64_t *d,
                               uint64_t *total, struct ac_err *err)
{
    struct counters t = {0};
    t.n = n;
    t.np = padded(n);
    t.d = d;
    *total = 0;
    if (n <= UINT8_MAX) {
        t.acc8 = ac_arena_alloc(a, n * t.np);
        t.row8 = ac_arena_alloc(a, t.np);
        if (!t.acc8 || !t.row8) {
            return AC_ENOMEM;
        }
    }
    t.acc16 = ac_arena_alloc(a, n * t.np * sizeof *t.acc16);
    t.row16 = ac_arena_alloc(a, t.np * sizeof *t.row16);
    t.who = ac_arena_alloc(a, n * sizeof *t.who);
    if (!t.acc16 || !t.row16 || !t.who) {
        return AC_ENOMEM;
    }
    for (size_t b = 0; b < count; b++) {
        uint32_t w = ballots[b].weight;
        if (w == 0 || !ballots[b].rank || !add_ballot(&t, ballots[b].rank, w)) {
            return refuse(&ballots[b], b, n, err);
        }
        if (*total + w < *total) {
            char where[64];
            snprintf(where, sizeof where, "/ballots/%zu", b);
            return ac_err_at(err, where, AC_ELIMIT,
                             "total ballot weight exceeds 64 bits");
        }
        *total += w;
    }
    if (t.acc8) {
        flush8(&t);
    }
    flush16(&t);
    return AC_OK;
}

/* ---- strongest paths ------------------------------------------------- */

static uint64_t link_strength(const uint64_t *d, size_t n, size_t i, size_t j,
                              enum ac_schulze_strength strength)
{
    uint64_t win = d[i * n + j];
    uint64_t loss = d[j * n + i];
    if (win <= loss) {
        return 0;
    }
    return strength == AC_SCHULZE_MARGINS ? win - loss : win;
}

/* qi[j] = max(qi[j], min(ik, qk[j])) over a padded row. */
static void widen32(uint32_t *restrict qi, const uint32_t *restrict qk,
                    uint32_t ik, size_t np)
{
    for (size_t b = 0; b < np; b += LANES) {
        for (size_t k = 0; k < LANES; k++) {
            uint32_t via = qk[b + k] < ik ? qk[b + k] : ik;
            qi[b + k] = qi[b + k] > via ? qi[b + k] : via;
        }
    }
}

static void widen64(uint64_t *restrict pi, const uint64_t *restrict pk,
                    uint64_t ik, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        uint64_t via = pk[j] < ik ? pk[j] : ik;
        pi[j] = pi[j] > via ? pi[j] : via;
    }
}

/* Floyd-Warshall over widest paths. The diagonal is not guarded in the
 * inner loop: an entry p[i][i] only ever meets min(p[x][i], p[i][i]) <=
 * p[x][i] or is skipped (k == i), so it never changes another entry, and
 * it is set back to 0 at the end. When every strength fits 32 bits (the
 * total weight does), the work is done on 32-bit copies, four to a
 * 128-bit register; otherwise on the 64-bit matrix itself. */
static enum ac_status strongest_paths(const uint64_t *d, size_t n,
                                      enum ac_schulze_strength strength,
                                      uint64_t total, struct ac_arena *a,
                                      uint64_t *p)
{
    if (total <= UINT32_MAX) {
        size_t np = padded(n);
        uint32_t *q = ac_arena_alloc(a, n * np * sizeof *q);
        if (!q) {
            return AC_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                q[i * np + j] = (uint32_t)link_strength(d, n, i, j, strength);
            }
        }
        for (size_t k = 0; k < n; k++) {
            for (size_t i = 0; i < n; i++) {
                uint32_t ik = q[i * np + k];
                if (i != k && ik != 0) {
                    widen32(q + i * np, q + k * np, ik, np);
                }
            }
        }
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                p[i * n + j] = i == j ? 0 : q[i * np + j];
            }
        }
        return AC_OK;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            p[i * n + j] = link_strength(d, n, i, j, strength);
        }
    }
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < n; i++) {
            uint64_t ik = p[i * n + k];
            if (i != k && ik != 0) {
                widen64(p + i * n, p + k * n, ik, n);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        p[i * n + i] = 0;
    }
    return AC_OK;
}

/* ---- layers and order ------------------------------------------------ */

static bool beats(const uint64_t *p, size_t n, size_t i, size_t j)
{
    return p[i * n + j] > p[j * n + i];
}

/* Kahn's algorithm, a layer at a time: queue holds the candidates in
 * layer order, and a candidate joins the queue when the last candidate
 * beating it leaves, so one layer past the deepest of them. */
static enum ac_status find_layers(const uint64_t *p, size_t n,
                                  struct ac_arena *a, uint16_t *layer,
                                  size_t *layer_count, size_t *winner_count)
{
    uint16_t *beaten_by = ac_arena_alloc(a, n * sizeof *beaten_by);
    uint16_t *queue = ac_arena_alloc(a, n * sizeof *queue);
    size_t head = 0, tail = 0;
    if (!beaten_by || !queue) {
        return AC_ENOMEM;
    }
    for (size_t v = 0; v < n; v++) {
        for (size_t u = 0; u < n; u++) {
            beaten_by[v] = (uint16_t)(beaten_by[v] + beats(p, n, u, v));
        }
        if (beaten_by[v] == 0) {
            layer[v] = 0;
            queue[tail++] = (uint16_t)v;
        }
    }
    *winner_count = tail;
    while (head < tail) {
        size_t u = queue[head++];
        for (size_t v = 0; v < n; v++) {
            if (beats(p, n, u, v) && --beaten_by[v] == 0) {
                layer[v] = (uint16_t)(layer[u] + 1);
                queue[tail++] = (uint16_t)v;
            }
        }
    }
    /* The relation is acyclic (Schulze 2011, section 4.1), so every
     * candidate is placed. */
    assert(tail == n);
    *layer_count = (size_t)layer[queue[n - 1]] + 1;
    return AC_OK;
}

struct keyed {
    uint8_t key[AC_HASH_LEN]; /* SHA-256(seed BE64 || c BE16) */
    uint16_t c;               /* candidate */
};

static int keyed_cmp(const void *x, const void *y)
{
    const struct keyed *a = x;
    const struct keyed *b = y;
    int c = memcmp(a->key, b->key, AC_HASH_LEN);
    if (c != 0) {
        return c;
    }
    return (a->c > b->c) - (a->c < b->c);
}

/* order: the layers in turn, each in tie-break order. The candidates are
 * sorted by key once, then dealt out to their layers' slots. */
static enum ac_status fill_order(const uint16_t *layer, size_t n,
                                 size_t layer_count, uint64_t seed,
                                 struct ac_arena *a, uint16_t *order)
{
    struct keyed *keys = ac_arena_alloc(a, n * sizeof *keys);
    size_t *next = ac_arena_alloc(a, (layer_count + 1) * sizeof *next);
    uint8_t msg[10];
    if (!keys || !next) {
        return AC_ENOMEM;
    }
    for (int i = 0; i < 8; i++) {
        msg[i] = (uint8_t)(seed >> (56 - 8 * i));
    }
    for (size_t c = 0; c < n; c++) {
        msg[8] = (uint8_t)(c >> 8);
        msg[9] = (uint8_t)c;
        ac_sha256(keys[c].key, msg, sizeof msg);
        keys[c].c = (uint16_t)c;
        next[layer[c] + 1]++;
    }
    for (size_t l = 1; l <= layer_count; l++) {
        next[l] += next[l - 1];
    }
    qsort(keys, n, sizeof *keys, keyed_cmp);
    for (size_t k = 0; k < n; k++) {
        order[next[layer[keys[k].c]]++] = keys[k].c;
    }
    return AC_OK;
}

enum ac_status ac_schulze_tally(const struct ac_ballot *ballots, size_t count,
                                size_t n, enum ac_schulze_strength strength,
                                uint64_t tiebreak_seed, struct ac_arena *a,
                                struct ac_schulze_result *out,
                                struct ac_err *err)
{
    struct ac_schulze_result r = {0};
    struct ac_arena_mark start = ac_arena_mark(a);
    struct ac_arena_mark scratch;
    uint64_t total = 0;
    enum ac_status st;

    memset(out, 0, sizeof *out);
    if (n < 1 || n > AC_SCHULZE_MAX) {
        return ac_err_at(err, "/n", AC_EINVAL,
                         "candidates must be 1 to %d, not %zu", AC_SCHULZE_MAX,
                         n);
    }
    if (strength != AC_SCHULZE_WINNING_VOTES &&
        strength != AC_SCHULZE_MARGINS) {
        return ac_err_at(err, "/strength", AC_EINVAL, "unknown strength %d",
                         (int)strength);
    }
    if (count > 0 && !ballots) {
        return ac_err_at(err, "/ballots", AC_EINVAL, "ballots missing");
    }

    r.n = n;
    r.d = ac_arena_alloc(a, n * n * sizeof *r.d);
    r.p = ac_arena_alloc(a, n * n * sizeof *r.p);
    r.layer = ac_arena_alloc(a, n * sizeof *r.layer);
    r.order = ac_arena_alloc(a, n * sizeof *r.order);
    if (!r.d || !r.p || !r.layer || !r.order) {
        st = AC_ENOMEM;
        goto out;
    }
    /* Everything allocated from here on is given back before returning. */
    scratch = ac_arena_mark(a);
    st = pairwise(ballots, count, n, a, r.d, &total, err);
    if (st == AC_OK) {
        st = strongest_paths(r.d, n, strength, total, a, r.p);
    }
    if (st == AC_OK) {
        st = find_layers(r.p, n, a, r.layer, &r.layer_count, &r.winner_count);
    }
    if (st == AC_OK) {
        st = fill_order(r.layer, n, r.layer_count, tiebreak_seed, a, r.order);
    }
    if (st == AC_OK) {
        ac_arena_rewind(a, scratch);
        *out = r;
    }
out:
    if (st != AC_OK) {
        ac_arena_rewind(a, start);
        if (st == AC_ENOMEM) {
            ac_err_set(err, AC_ENOMEM, "schulze tally out of memory");
        }
        return st;
    }
    return AC_OK;
}
