/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The arithmetic of the power monitor (docs/power.md): how evenly a
 * quantity is spread over the members of a circle, and how hierarchical
 * their interaction graph is. Pure: no I/O, no malloc; scratch memory
 * comes from the caller's arena. The same input always gives the same
 * figures. */
#ifndef ACCORD_CORE_POWERSTAT_H
#define ACCORD_CORE_POWERSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define AC_LORENZ_MAX 101 /* points of a Lorenz curve, at most */

/* How one quantity is spread over n members (zeros included). A figure
 * that is undefined (nothing to share yet, or the bottom 40% holding
 * nothing for palma) is NaN. */
struct ac_dist {
    size_t n;         /* members */
    double total;     /* sum of the values */
    double gini;      /* sum |xi - xj| over ordered pairs / (2 n^2 mean);
                       * 0 when total is 0 */
    double hhi;       /* sum of squared shares; NaN when total is 0 */
    double effective; /* 1 / hhi; NaN when total is 0 */
    double top10;     /* share of the top 10%: 1 - L(0.9) */
    double bottom40;  /* share of the bottom 40%: L(0.4) */
    double palma;     /* top10 / bottom40 */
    size_t nakamoto;  /* fewest members holding more than half; 0 when
                       * total is 0 */
    /* Lorenz curve L: (share of members, share of the total held by
     * them), poorest first, from (0,0) to (1,1). With n + 1 <=
     * AC_LORENZ_MAX every knot (i/n, cumulative share) is given; beyond
     * that the curve at x = k/100, k = 0..100 (exact: L is linear between
     * knots). */
    size_t lorenz_count;
    double lorenz[AC_LORENZ_MAX][2];
};

/* Computes every figure of d from values[0..n-1] (each >= 0 and finite).
 * Sorts values ascending in place. O(n log n), no memory beyond d.
 * Shares are read off L by linear interpolation, so with 5 equal members
 * top10 is 0.1 and bottom40 0.4. When total is 0 (n == 0 included): gini
 * 0, nakamoto 0, hhi, effective, top10, bottom40 and palma NaN, and
 * lorenz the diagonal (its knots, or k/100 for n > 100), or the two
 * points (0,0), (1,1) when n is 0. */
void ac_dist_compute(double *values, size_t n, struct ac_dist *d);

/* L(x) of a sorted-ascending distribution of n values summing to total,
 * by linear interpolation between knots; 0 <= x <= 1. The diagonal, x,
 * when n or total is 0. O(x n). */
double ac_dist_lorenz_at(const double *sorted, size_t n, double total,
                         double x);

/* A directed interaction graph over nodes 0..n-1: an edge from a member
 * who responded to a member they responded to (their proposal answered,
 * their objection integrated), weighted by how often. */
struct ac_edge {
    uint32_t from, to;
    double weight; /* > 0 */
};

struct ac_graph_figures {
    size_t nodes, edges; /* edges: distinct (from, to) pairs, loops out */
    /* share of the distinct non-loop edges (a, b) for which (b, a) also
     * exists, as igraph's reciprocity(ignore_loops=True) */
    double reciprocity;
    /* Gini of the in-degrees (distinct members who responded to each) */
    double indegree_gini;
    /* PageRank (damping 0.85, weighted, dangling nodes' rank spread over
     * every node, as igraph's PRPACK) and the Gini of its values */
    double pagerank_gini;
    /* Global reaching centrality (Mones, Vicsek and Vicsek 2012) over the
     * reversed edges (from the one answered to the one answering: the
     * direction influence flows): with R(i) the share of the other n - 1
     * nodes reachable from i, sum over i of (max R - R(i)) / (n - 1).
     * 0 for n < 2. */
    double grc;
    bool grc_estimated; /* some reach was too costly to count exactly and
                         * is estimated (bottom-k sketches, see
                         * powerstat.c): the GRC is then typically within
                         * 1%, up to 5-13% off near a mean degree of 1 */
};

/* Computes the figures of the graph with n nodes and m edges (duplicates
 * are summed, loops ignored). When pagerank is not NULL it receives the n
 * PageRank values (summing to 1). Scratch memory comes from a and is all
 * given back before returning: at the peak about 24 bytes per edge plus
 * 160 per node (140 MB for a million nodes and five million edges), and
 * up to 64 MiB of bitsets for an exact GRC or 0.5 KB per node for an
 * estimated one. Time: O(n + m) per PageRank round (tens of rounds), and
 * for the GRC O(n + m) plus bitset work bounded by a budget, past which
 * it is estimated in O((n + m) k), k = 64; well under 2 s for a million
 * nodes and five million edges. Errors: AC_EINVAL for an edge naming a
 * node >= n (where "/edges/I"), a weight not positive and finite
 * ("/edges/I/weight") or weights from one node summing past the largest
 * double; AC_ELIMIT for n or m above 2^32 - 2; AC_ENOMEM when the arena
 * cannot hold the work. out is zeroed on error. */
enum ac_status ac_graph_compute(const struct ac_edge *edges, size_t m, size_t n,
                                struct ac_arena *a, double *pagerank,
                                struct ac_graph_figures *out,
                                struct ac_err *err);

#endif
