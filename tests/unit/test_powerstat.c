/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor's arithmetic: distribution figures worked by hand
 * (equal shares, one holder, 1 2 3 4, the Lorenz knots and the 101-point
 * curve, nothing to share), a property test against the definitions,
 * graph figures of small graphs worked by hand (cycle, mutual pair,
 * star, chain, dangling node, duplicates and loops), input errors,
 * out-of-memory at every allocation, a deep chain, and the estimated
 * reaching centrality against the exact one. The figures are also
 * checked against igraph and networkx in test_powerstat_igraph.c. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/powerstat.h"
#include "core/powerstat_int.h"
#include "unit.h"

#define EPS 1e-12

static struct ac_arena arena;

static void setup(void)
{
    ac_arena_init(&arena, 0);
}

static void teardown(void)
{
    ac_arena_release(&arena);
}

TestSuite(dist, .init = setup, .fini = teardown);
TestSuite(graph, .init = setup, .fini = teardown);

static void near(double got, double want, double eps, const char *what)
{
    cr_assert(fabs(got - want) <= eps, "%s: got %.17g, want %.17g", what, got,
              want);
}

static struct ac_dist dist_of(const double *values, size_t n)
{
    static double copy[1024];
    struct ac_dist d;
    cr_assert_leq(n, 1024);
    memcpy(copy, values, n * sizeof *copy);
    ac_dist_compute(copy, n, &d);
    cr_assert_eq(d.n, n);
    return d;
}

/* ---- distributions ---------------------------------------------------- */

Test(dist, four_equal_shares)
{
    const double v[] = {3, 3, 3, 3};
    struct ac_dist d = dist_of(v, 4);
    near(d.total, 12, 0, "total");
    near(d.gini, 0, EPS, "gini");
    near(d.hhi, 0.25, EPS, "hhi");
    near(d.effective, 4, EPS, "effective");
    /* L(0.9) = (3 * 3 + 0.6 * 3) / 12 = 0.9; L(0.4) = 1.6 * 3 / 12 */
    near(d.top10, 0.1, EPS, "top10");
    near(d.bottom40, 0.4, EPS, "bottom40");
    near(d.palma, 0.25, EPS, "palma");
    /* two members hold exactly half, which is not more than half */
    cr_assert_eq(d.nakamoto, 3);
    cr_assert_eq(d.lorenz_count, 5);
    for (size_t i = 0; i < 5; i++) {
        near(d.lorenz[i][0], (double)i / 4, EPS, "lorenz x");
        near(d.lorenz[i][1], (double)i / 4, EPS, "lorenz y");
    }
}

Test(dist, five_equal_shares_give_a_top_tenth_of_exactly_a_tenth)
{
    const double v[] = {7, 7, 7, 7, 7};
    struct ac_dist d = dist_of(v, 5);
    cr_assert_eq(d.top10, 0.1, "top10 %.17g", d.top10);
    cr_assert_eq(d.bottom40, 0.4, "bottom40 %.17g", d.bottom40);
    cr_assert_eq(d.gini, 0.0, "gini %.17g", d.gini);
    cr_assert_eq(d.nakamoto, 3);
}

Test(dist, tenths_that_sum_inexactly_hold_exactly_half)
{
    /* 0.1 ten times does not sum to 1 in doubles; five of them still
     * hold exactly half, so six members are needed */
    double v[10];
    for (int i = 0; i < 10; i++) {
        v[i] = 0.1;
    }
    struct ac_dist d = dist_of(v, 10);
    cr_assert_eq(d.nakamoto, 6);
    near(d.gini, 0, EPS, "gini");
}

Test(dist, one_member_holds_everything)
{
    const double v[] = {0, 0, 9, 0, 0};
    struct ac_dist d = dist_of(v, 5);
    near(d.gini, 4.0 / 5.0, EPS, "gini (n - 1) / n");
    near(d.hhi, 1, EPS, "hhi");
    near(d.effective, 1, EPS, "effective");
    cr_assert_eq(d.nakamoto, 1);
    /* the top 10% is half of the fifth member: L(0.9) = 0.5 * 9 / 9 */
    near(d.top10, 0.5, EPS, "top10");
    near(d.bottom40, 0, EPS, "bottom40");
    cr_assert(isnan(d.palma), "palma %g, the bottom holds nothing", d.palma);
}

Test(dist, one_two_three_four)
{
    /* sorted 1 2 3 4, total 10:
     * gini = 2 (1*1 + 2*2 + 3*3 + 4*4) / (4 * 10) - 5/4 = 60/40 - 1.25
     *      = 0.25 (and sum |xi - xj| = 20 over ordered pairs, / (2*16*2.5))
     * knots (0,0) (.25,.1) (.5,.3) (.75,.6) (1,1)
     * bottom40 = L(0.4): 0.4 * 4 = 1.6 members, 1 + 0.6 * 2 = 2.2 -> 0.22
     * top10 = 1 - L(0.9): 3.6 members hold 1+2+3 + 0.6*4 = 8.4 -> 0.16
     * palma = 0.16 / 0.22 = 8/11
     * hhi = (1 + 4 + 9 + 16) / 100 = 0.3, effective 10/3
     * nakamoto: 4 is not more than 5, 4 + 3 = 7 is: 2 */
    double v[] = {4, 1, 3, 2};
    struct ac_dist d;
    const double knots[5][2] = {
        {0, 0}, {0.25, 0.1}, {0.5, 0.3}, {0.75, 0.6}, {1, 1}};
    ac_dist_compute(v, 4, &d);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(v[i], i + 1, "values are sorted in place");
    }
    near(d.total, 10, 0, "total");
    near(d.gini, 0.25, EPS, "gini");
    near(d.bottom40, 0.22, EPS, "bottom40");
    near(d.top10, 0.16, EPS, "top10");
    near(d.palma, 8.0 / 11.0, EPS, "palma");
    near(d.hhi, 0.3, EPS, "hhi");
    near(d.effective, 10.0 / 3.0, EPS, "effective");
    cr_assert_eq(d.nakamoto, 2);
    cr_assert_eq(d.lorenz_count, 5);
    for (int i = 0; i < 5; i++) {
        near(d.lorenz[i][0], knots[i][0], EPS, "knot x");
        near(d.lorenz[i][1], knots[i][1], EPS, "knot y");
    }
    near(ac_dist_lorenz_at(v, 4, 10, 0.4), 0.22, EPS, "L(0.4)");
    near(ac_dist_lorenz_at(v, 4, 10, 0.5), 0.3, EPS, "L(0.5)");
    near(ac_dist_lorenz_at(v, 4, 10, 0.9), 0.84, EPS, "L(0.9)");
    near(ac_dist_lorenz_at(v, 4, 10, 0), 0, 0, "L(0)");
    near(ac_dist_lorenz_at(v, 4, 10, 1), 1, 0, "L(1)");
}

Test(dist, hundred_members_give_every_knot)
{
    double v[100];
    struct ac_dist d;
    for (int i = 0; i < 100; i++) {
        v[i] = i + 1;
    }
    d = dist_of(v, 100);
    cr_assert_eq(d.lorenz_count, 101);
    /* knot 10: 1 + ... + 10 = 55 of 5050 */
    near(d.lorenz[10][0], 0.1, EPS, "x");
    near(d.lorenz[10][1], 55.0 / 5050.0, EPS, "y");
}

Test(dist, past_a_hundred_members_the_curve_at_hundredths)
{
    /* 250 members holding 1..250 (total 31375): at x = k/100 sit 2.5 k
     * members; k = 1 is 2 members (1 + 2) and half the third (1.5) */
    double v[250];
    struct ac_dist d;
    for (int i = 0; i < 250; i++) {
        v[249 - i] = i + 1;
    }
    ac_dist_compute(v, 250, &d);
    cr_assert_eq(d.lorenz_count, AC_LORENZ_MAX);
    near(d.lorenz[0][0], 0, 0, "x0");
    near(d.lorenz[0][1], 0, 0, "y0");
    near(d.lorenz[1][0], 0.01, EPS, "x1");
    near(d.lorenz[1][1], 4.5 / 31375.0, EPS, "y1");
    /* k = 40: 100 members, 5050 */
    near(d.lorenz[40][1], 5050.0 / 31375.0, EPS, "y40");
    near(d.bottom40, 5050.0 / 31375.0, EPS, "bottom40 is L(0.4)");
    /* k = 90: 225 members hold 225 * 226 / 2 = 25425 */
    near(d.lorenz[90][1], 25425.0 / 31375.0, EPS, "y90");
    near(d.top10, 1 - 25425.0 / 31375.0, EPS, "top10 is 1 - L(0.9)");
    near(d.lorenz[100][0], 1, 0, "x100");
    near(d.lorenz[100][1], 1, 0, "y100");
    for (int k = 1; k <= 100; k++) {
        near(d.lorenz[k][1], ac_dist_lorenz_at(v, 250, d.total, d.lorenz[k][0]),
             EPS, "curve against L(x)");
        cr_assert_geq(d.lorenz[k][1], d.lorenz[k - 1][1], "nondecreasing");
    }
}

Test(dist, nothing_to_share)
{
    double none[1] = {0};
    double zeros[3] = {0, 0, 0};
    struct ac_dist d;

    ac_dist_compute(none, 0, &d);
    cr_assert_eq(d.n, 0);
    near(d.total, 0, 0, "total");
    near(d.gini, 0, 0, "gini");
    cr_assert_eq(d.nakamoto, 0);
    cr_assert(isnan(d.hhi) && isnan(d.effective) && isnan(d.top10) &&
              isnan(d.bottom40) && isnan(d.palma));
    cr_assert_eq(d.lorenz_count, 2);
    near(d.lorenz[0][0] + d.lorenz[0][1], 0, 0, "(0,0)");
    near(d.lorenz[1][0] * d.lorenz[1][1], 1, 0, "(1,1)");
    near(ac_dist_lorenz_at(none, 0, 0, 0.3), 0.3, 0, "diagonal");

    ac_dist_compute(zeros, 3, &d);
    cr_assert_eq(d.n, 3);
    near(d.gini, 0, 0, "gini");
    cr_assert_eq(d.nakamoto, 0);
    cr_assert(isnan(d.hhi) && isnan(d.effective) && isnan(d.top10) &&
              isnan(d.bottom40) && isnan(d.palma));
    cr_assert_eq(d.lorenz_count, 4);
    for (int i = 0; i < 4; i++) {
        near(d.lorenz[i][0], i / 3.0, EPS, "x");
        near(d.lorenz[i][1], i / 3.0, EPS, "diagonal y");
    }
}

Test(dist, single_member)
{
    double v[1] = {5};
    struct ac_dist d = dist_of(v, 1);
    near(d.gini, 0, 0, "gini");
    near(d.hhi, 1, EPS, "hhi");
    near(d.top10, 0.1, EPS, "top10");
    near(d.bottom40, 0.4, EPS, "bottom40");
    cr_assert_eq(d.nakamoto, 1);
}

/* The definitions, directly: the mean absolute difference over ordered
 * pairs, the Lorenz knots, the fewest largest holding more than half. */
Test(dist, property_against_the_definitions)
{
    struct u_rng r = u_rng_seeded(20261128);
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + u_rng_next(&r) % 300;
        double v[300], sorted[300], pairs = 0, total = 0, top = 0;
        struct ac_dist d;
        size_t want = 0;
        bool sparse = u_rng_next(&r) % 2;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = u_rng_next(&r);
            /* integers, so that the definitions are exact */
            v[i] = sparse && x % 3 ? 0 : (double)(x % 1000);
            total += v[i];
        }
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                pairs += fabs(v[i] - v[j]);
            }
        }
        memcpy(sorted, v, n * sizeof *v);
        ac_dist_compute(sorted, n, &d);
        for (size_t i = 1; i < n; i++) {
            cr_assert_leq(sorted[i - 1], sorted[i], "sorted");
        }
        near(d.total, total, 0, "total");
        if (total == 0) {
            cr_assert_eq(d.nakamoto, 0);
            continue;
        }
        near(d.gini, pairs / (2.0 * (double)n * total), 1e-12, "gini");
        for (size_t i = n; i-- > 0 && !(2 * top > total);) {
            top += sorted[i];
            want++;
        }
        cr_assert_eq(d.nakamoto, want, "nakamoto %zu, want %zu", d.nakamoto,
                     want);
        if (n + 1 <= AC_LORENZ_MAX) {
            double cum = 0;
            cr_assert_eq(d.lorenz_count, n + 1);
            for (size_t i = 0; i <= n; i++) {
                near(d.lorenz[i][1], cum / total, 1e-12, "knot");
                cum += i < n ? sorted[i] : 0;
            }
        }
        near(d.bottom40, ac_dist_lorenz_at(sorted, n, total, 0.4), 1e-12,
             "bottom40");
        near(d.top10, 1 - ac_dist_lorenz_at(sorted, n, total, 0.9), 1e-12,
             "top10");
    }
}

Test(dist, many_members)
{
    /* 200,000 values spread evenly over [0, 1): gini about 1/3 */
    size_t n = 200000;
    double *v = malloc(n * sizeof *v);
    struct ac_dist d;
    cr_assert_not_null(v);
    for (size_t i = 0; i < n; i++) {
        v[(i * 7919) % n] = (double)i / (double)n;
    }
    ac_dist_compute(v, n, &d);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(v[i], (double)i / (double)n);
    }
    near(d.gini, 1.0 / 3.0, 1e-5, "gini");
    near(d.top10, 0.19, 1e-5, "top10");
    near(d.bottom40, 0.16, 1e-5, "bottom40");
    free(v);
}

/* ---- graphs ----------------------------------------------------------- */

static struct ac_graph_figures figures(const struct ac_edge *edges, size_t m,
                                       size_t n, double *pagerank)
{
    struct ac_graph_figures f;
    struct ac_err err = {0};
    size_t used = arena.used;
    enum ac_status st =
        ac_graph_compute(edges, m, n, &arena, pagerank, &f, &err);
    cr_assert_eq(st, AC_OK, "compute failed: %s", err.msg);
    cr_assert_eq(f.nodes, n);
    cr_assert_eq(arena.used, used, "scratch memory given back");
    if (pagerank && n > 0) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += pagerank[i];
        }
        near(sum, 1, 1e-12, "pagerank sums to 1");
    }
    return f;
}

Test(graph, cycle_of_three)
{
    const struct ac_edge e[] = {{0, 1, 1}, {1, 2, 2}, {2, 0, 5}};
    double pr[3];
    struct ac_graph_figures f = figures(e, 3, 3, pr);
    cr_assert_eq(f.edges, 3);
    near(f.reciprocity, 0, 0, "reciprocity");
    near(f.grc, 0, 0, "grc: everyone reaches everyone");
    cr_assert_not(f.grc_estimated);
    near(f.indegree_gini, 0, EPS, "indegree gini");
    for (int i = 0; i < 3; i++) {
        near(pr[i], 1.0 / 3.0, 1e-12, "pagerank");
    }
    near(f.pagerank_gini, 0, 1e-9, "pagerank gini");
}

Test(graph, mutual_pair_and_a_one_way_edge)
{
    /* 0 <-> 1, 1 -> 2: two of the three edges are answered. Reversed:
     * 1 -> 0, 0 -> 1, 2 -> 1, so R(0) = R(1) = 1/2, R(2) = 1 and
     * GRC = ((1 - 1/2) + (1 - 1/2) + 0) / 2 = 1/2 */
    const struct ac_edge e[] = {{0, 1, 1}, {1, 0, 1}, {1, 2, 1}};
    struct ac_graph_figures f = figures(e, 3, 3, NULL);
    near(f.reciprocity, 2.0 / 3.0, EPS, "reciprocity");
    near(f.grc, 0.5, EPS, "grc");
}

Test(graph, star_of_influence)
{
    /* five members answer member 0's proposals: leaf -> centre. Reversed,
     * the centre reaches everyone (R = 1) and the leaves no one, so
     * GRC = 5 * (1 - 0) / 5 = 1. In-degrees 5,0,0,0,0,0: Gini 5/6. */
    const struct ac_edge e[] = {
        {1, 0, 1}, {2, 0, 1}, {3, 0, 2}, {4, 0, 1}, {5, 0, 3}};
    double pr[6];
    struct ac_graph_figures f = figures(e, 5, 6, pr);
    cr_assert_eq(f.edges, 5);
    near(f.reciprocity, 0, 0, "reciprocity");
    near(f.grc, 1, EPS, "grc");
    near(f.indegree_gini, 5.0 / 6.0, EPS, "indegree gini");
    for (int i = 1; i < 6; i++) {
        cr_assert_gt(pr[0], pr[i], "the centre ranks first");
    }
}

Test(graph, chain)
{
    /* 0 -> 1 -> 2 -> 3; reversed, node i reaches the i below it:
     * R = 0, 1/3, 2/3, 1 and GRC = (1 + 2/3 + 1/3 + 0) / 3 = 2/3 */
    const struct ac_edge e[] = {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}};
    struct ac_graph_figures f = figures(e, 3, 4, NULL);
    near(f.grc, 2.0 / 3.0, EPS, "grc");
    /* in-degrees 0 1 1 1: gini = 2 (2 + 3 + 4) / (4 * 3) - 5/4 = 1/4 */
    near(f.indegree_gini, 0.25, EPS, "indegree gini");
}

Test(graph, symmetric_cycle_has_uniform_pagerank)
{
    struct ac_edge e[12];
    double pr[6];
    for (uint32_t i = 0; i < 6; i++) {
        e[2 * i] = (struct ac_edge){i, (i + 1) % 6, 2.5};
        e[2 * i + 1] = (struct ac_edge){(i + 1) % 6, i, 2.5};
    }
    struct ac_graph_figures f = figures(e, 12, 6, pr);
    near(f.reciprocity, 1, 0, "reciprocity");
    near(f.grc, 0, 0, "grc");
    for (int i = 0; i < 6; i++) {
        near(pr[i], 1.0 / 6.0, 1e-12, "pagerank");
    }
}

Test(graph, dangling_node_spreads_its_rank)
{
    /* 0 -> 1, node 1 dangling: p0 = 0.075 + 0.425 p1 and
     * p1 = 0.075 + 0.425 p1 + 0.85 p0 give p1 = 37/57, p0 = 20/57 */
    const struct ac_edge e[] = {{0, 1, 4}};
    double pr[2];
    struct ac_graph_figures f = figures(e, 1, 2, pr);
    near(pr[0], 20.0 / 57.0, 1e-12, "p0");
    near(pr[1], 37.0 / 57.0, 1e-12, "p1");
    near(f.grc, 1, EPS, "grc: 1 reaches 0, not the other way");
}

Test(graph, weights_steer_pagerank)
{
    /* 0 sends 3 parts to 1 and 1 part to 2, both answering back */
    const struct ac_edge e[] = {{0, 1, 3}, {0, 2, 1}, {1, 0, 1}, {2, 0, 1}};
    double pr[3];
    figures(e, 4, 3, pr);
    cr_assert_gt(pr[1], pr[2]);
    /* p1 = 0.05 + 0.85 * 0.75 p0, p2 = 0.05 + 0.85 * 0.25 p0, p0 = 0.05 +
     * 0.85 (p1 + p2): p0 = 0.05 + 0.85 (0.1 + 0.85 p0) */
    /* the sweeps stop at an L1 change of 1e-10, as PRPACK does */
    near(pr[0], (0.05 + 0.085) / (1 - 0.85 * 0.85), 1e-10, "p0");
}

Test(graph, duplicates_are_summed_and_loops_dropped)
{
    const struct ac_edge raw[] = {{0, 1, 1}, {2, 2, 9}, {0, 2, 3},
                                  {0, 1, 2}, {1, 1, 5}, {1, 0, 1}};
    const struct ac_edge simple[] = {{0, 1, 3}, {0, 2, 3}, {1, 0, 1}};
    double pr_raw[3], pr_simple[3];
    struct ac_graph_figures a = figures(raw, 6, 3, pr_raw);
    struct ac_graph_figures b = figures(simple, 3, 3, pr_simple);
    cr_assert_eq(a.edges, 3);
    near(a.reciprocity, 2.0 / 3.0, EPS, "reciprocity");
    near(a.reciprocity, b.reciprocity, 0, "same reciprocity");
    near(a.grc, b.grc, 0, "same grc");
    near(a.indegree_gini, b.indegree_gini, 0, "same indegree gini");
    for (int i = 0; i < 3; i++) {
        near(pr_raw[i], pr_simple[i], 1e-15, "same pagerank");
    }
    near(pr_raw[1], pr_raw[2], 1e-15, "equal weights, equal rank");
}

Test(graph, tiny_weights)
{
    /* subnormal weights: shares of the total, not products with its
     * inverse, which would overflow */
    const struct ac_edge e[] = {{0, 1, 5e-324}, {0, 2, 1.5e-323}};
    const struct ac_edge plain[] = {{0, 1, 1}, {0, 2, 3}};
    double pr[3], want[3];
    figures(e, 2, 3, pr);
    figures(plain, 2, 3, want);
    for (int i = 0; i < 3; i++) {
        cr_assert(isfinite(pr[i]));
        near(pr[i], want[i], 1e-15, "as weights 1 and 3");
    }
}

Test(graph, no_edges)
{
    double pr[4];
    struct ac_graph_figures f = figures(NULL, 0, 4, pr);
    cr_assert_eq(f.edges, 0);
    near(f.reciprocity, 0, 0, "reciprocity");
    near(f.grc, 0, 0, "grc");
    near(f.indegree_gini, 0, 0, "indegree gini");
    for (int i = 0; i < 4; i++) {
        near(pr[i], 0.25, 1e-15, "pagerank");
    }
}

Test(graph, zero_and_one_node)
{
    double pr[1] = {-1};
    struct ac_graph_figures f = figures(NULL, 0, 0, pr);
    cr_assert_eq(f.nodes, 0);
    near(pr[0], -1, 0, "nothing written");
    f = figures(NULL, 0, 1, pr);
    near(pr[0], 1, 0, "pagerank");
    near(f.grc, 0, 0, "grc");
}

Test(graph, bad_edges_are_refused)
{
    const struct ac_edge past[] = {{0, 1, 1}, {1, 3, 1}};
    const struct ac_edge zero[] = {{0, 1, 0}};
    const struct ac_edge nan[] = {{0, 1, NAN}};
    const struct ac_edge inf[] = {{0, 1, INFINITY}};
    const struct ac_edge huge[] = {{0, 1, DBL_MAX}, {0, 2, DBL_MAX}};
    struct ac_graph_figures f;
    struct ac_err err = {0};

    cr_assert_eq(ac_graph_compute(past, 2, 3, &arena, NULL, &f, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "/edges/1");
    cr_assert(strstr(err.msg, "edge 1") != NULL, "%s", err.msg);
    cr_assert_eq(f.nodes, 0, "figures cleared");
    cr_assert_eq(ac_graph_compute(zero, 1, 2, &arena, NULL, &f, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "/edges/0/weight");
    cr_assert_eq(ac_graph_compute(nan, 1, 2, &arena, NULL, &f, &err),
                 AC_EINVAL);
    cr_assert_eq(ac_graph_compute(inf, 1, 2, &arena, NULL, &f, NULL),
                 AC_EINVAL);
    cr_assert_eq(ac_graph_compute(huge, 2, 3, &arena, NULL, &f, &err),
                 AC_EINVAL);
    cr_assert(strstr(err.msg, "node 0") != NULL, "%s", err.msg);
    cr_assert_eq(
        ac_graph_compute(NULL, 0, (size_t)UINT32_MAX, &arena, NULL, &f, &err),
        AC_ELIMIT);
}

static struct ac_edge *random_graph(struct u_rng *r, size_t n, size_t m)
{
    struct ac_edge *e = malloc((m ? m : 1) * sizeof *e);
    cr_assert_not_null(e);
    for (size_t i = 0; i < m; i++) {
        e[i].from = (uint32_t)(u_rng_next(r) % n);
        e[i].to = (uint32_t)(u_rng_next(r) % n);
        e[i].weight = 1 + (double)(u_rng_next(r) % 4);
    }
    return e;
}

/* Every allocation failing in turn gives AC_ENOMEM, gives the arena's
 * memory back, and once none fails the figures are those of a run with
 * no failure, on the exact and on the estimating path. */
static void fault_loop(size_t budget)
{
    struct u_rng r = u_rng_seeded(7);
    struct ac_edge *e = random_graph(&r, 300, 450);
    struct ac_graph_figures want, got;
    struct ac_err err = {0};
    double pr[300];
    enum ac_status st;
    size_t k = 1;

    cr_assert_eq(
        ac_graph_compute_budget(e, 450, 300, budget, &arena, pr, &want, &err),
        AC_OK);
    for (;; k++) {
        size_t used = arena.used;
        arena.allocs = 0;
        arena.fail_at = k;
        st = ac_graph_compute_budget(e, 450, 300, budget, &arena, pr, &got,
                                     &err);
        arena.fail_at = 0;
        cr_assert_eq(arena.used, used, "memory given back at failure %zu", k);
        if (st == AC_OK) {
            break;
        }
        cr_assert_eq(st, AC_ENOMEM, "failure %zu: %s", k, err.msg);
        cr_assert_eq(got.nodes, 0);
    }
    cr_assert_gt(k, 10, "only %zu allocations", k);
    cr_assert_eq(got.grc, want.grc);
    cr_assert_eq(got.grc_estimated, want.grc_estimated);
    cr_assert_eq(got.pagerank_gini, want.pagerank_gini);
    free(e);
}

Test(graph, out_of_memory_exact)
{
    fault_loop(AC_GRAPH_EXACT_BUDGET);
}

Test(graph, out_of_memory_estimated)
{
    fault_loop(0);
}

Test(graph, long_chain_does_not_recurse)
{
    /* 0 -> 1 -> ... -> n-1: reversed, node i reaches the i nodes below
     * it, R(i) = i / (n - 1), GRC = sum (1 - i/(n-1)) / (n-1) = n / 2(n-1) */
    size_t n = 300000;
    struct ac_edge *e = malloc(n * sizeof *e);
    cr_assert_not_null(e);
    for (size_t i = 0; i + 1 < n; i++) {
        e[i] = (struct ac_edge){(uint32_t)i, (uint32_t)(i + 1), 1};
    }
    struct ac_graph_figures f = figures(e, n - 1, n, NULL);
    near(f.grc, (double)n / (2.0 * (double)(n - 1)), 1e-9, "grc");
    free(e);
}

/* The estimator, forced by a budget of 0, against the exact count on
 * random graphs of 2,000 nodes with a mean degree of 1.2, where reach
 * sets of every size occur (the seeds are fixed: the bound is an
 * accuracy check, not a property). Where the estimator's exact counts
 * leave no estimate, the figure must be the exact one. */
Test(graph, estimated_grc_is_close_to_the_exact_one)
{
    int estimated = 0;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        struct u_rng r = {seed * 0x9E3779B97F4A7C15u};
        struct ac_edge *e = random_graph(&r, 2000, 2400);
        struct ac_graph_figures exact, est;
        struct ac_err err = {0};
        cr_assert_eq(
            ac_graph_compute(e, 2400, 2000, &arena, NULL, &exact, &err), AC_OK);
        cr_assert_eq(
            ac_graph_compute_budget(e, 2400, 2000, 0, &arena, NULL, &est, &err),
            AC_OK);
        cr_assert_not(exact.grc_estimated);
        cr_assert_gt(exact.grc, 0.01);
        cr_assert(fabs(est.grc - exact.grc) <= 0.15 * exact.grc,
                  "seed %llu: estimate %g, exact %g", (unsigned long long)seed,
                  est.grc, exact.grc);
        if (!est.grc_estimated) {
            near(est.grc, exact.grc, 1e-12, "no estimate left");
        }
        estimated += est.grc_estimated;
        near(est.pagerank_gini, exact.pagerank_gini, 0, "pagerank alike");
        cr_log_info("seed %llu: exact %.6f, estimate %.6f (%s)",
                    (unsigned long long)seed, exact.grc, est.grc,
                    est.grc_estimated ? "estimated" : "all counted");
        free(e);
    }
    cr_assert_geq(estimated, 4, "the estimates were used: %d", estimated);
}

/* The call with a watcher gives the same figures, and tells it of each
 * step once, in order. */
struct steps_seen {
    int n;
    enum ac_graph_step order[8];
};

static void saw_step(void *ctx, enum ac_graph_step step)
{
    struct steps_seen *seen = ctx;
    cr_assert_lt(seen->n, 8);
    seen->order[seen->n++] = step;
}

Test(graph, steps_are_reported_in_order)
{
    struct u_rng r = {0x5EED};
    struct ac_edge *e = random_graph(&r, 2000, 2400);
    struct ac_graph_figures plain, watched;
    struct steps_seen seen = {0};
    struct ac_err err = {0};
    cr_assert_eq(ac_graph_compute(e, 2400, 2000, &arena, NULL, &plain, &err),
                 AC_OK);
    cr_assert_eq(ac_graph_compute_steps(e, 2400, 2000, AC_GRAPH_EXACT_BUDGET,
                                        &arena, NULL, &watched, saw_step, &seen,
                                        &err),
                 AC_OK);
    cr_assert_eq(memcmp(&plain, &watched, sizeof plain), 0, "same figures");
    cr_assert_eq(seen.n, 5);
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(seen.order[i], (enum ac_graph_step)(AC_GRAPH_BUILT + i));
    }
    free(e);
}
