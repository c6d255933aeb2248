/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Internals of core/powerstat that its tests and benchmarks reach: the
 * budget that decides between the exact and the estimated reaching
 * centrality, and the steps of the graph's figures, which the benchmark
 * times. */
#ifndef ACCORD_CORE_POWERSTAT_INT_H
#define ACCORD_CORE_POWERSTAT_INT_H

#include "powerstat.h"

/* Bytes of bitsets the exact GRC may hold at once (64 MiB). Its work, in
 * bytes of bitsets touched, may be at most 32 times as much. */
#define AC_GRAPH_EXACT_BUDGET ((size_t)64 << 20)

/* As ac_graph_compute, with exact_budget in place of
 * AC_GRAPH_EXACT_BUDGET. With 0 the estimator runs whenever a component
 * reaches another (its exact counts may still leave no estimate, and
 * grc_estimated false). */
enum ac_status ac_graph_compute_budget(const struct ac_edge *edges, size_t m,
                                       size_t n, size_t exact_budget,
                                       struct ac_arena *a, double *pagerank,
                                       struct ac_graph_figures *out,
                                       struct ac_err *err);

/* The steps of ac_graph_compute, in order: the graph built (the edges
 * sorted, repeats merged, both adjacency lists), then each figure on it. */
enum ac_graph_step {
    AC_GRAPH_BUILT,
    AC_GRAPH_RECIPROCITY,
    AC_GRAPH_INDEGREE_GINI,
    AC_GRAPH_PAGERANK,
    AC_GRAPH_GRC,
};

typedef void ac_graph_step_fn(void *ctx, enum ac_graph_step step);

/* As ac_graph_compute_budget, and calls done(ctx, step) as each step
 * ends when done is not NULL (the benchmark times the steps with it). */
enum ac_status ac_graph_compute_steps(const struct ac_edge *edges, size_t m,
                                      size_t n, size_t exact_budget,
                                      struct ac_arena *a, double *pagerank,
                                      struct ac_graph_figures *out,
                                      ac_graph_step_fn *done, void *ctx,
                                      struct ac_err *err);

#endif
