/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Internals of core/powerstat that its tests reach: the budget that
 * decides between the exact and the estimated reaching centrality. */
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

#endif
