/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor's report as JSON (GET /api/v1/power), as plain
 * sentences and as SVG (docs/power.md): shared by the API, the web pages
 * and the CLI, which also reads exported logs. */
#ifndef ACCORD_HTTP_POWER_VIEW_H
#define ACCORD_HTTP_POWER_VIEW_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"
#include "core/power.h"
#include "core/state.h"

/* Figures of a distribution, in the API's names and order. */
enum ac_figure {
    AC_FIG_GINI,
    AC_FIG_HHI,
    AC_FIG_EFFECTIVE,
    AC_FIG_TOP10,
    AC_FIG_PALMA,
    AC_FIG_NAKAMOTO,
    AC_FIG_COUNT
};

/* Figures of the interaction graph. */
enum ac_graph_figure {
    AC_GFIG_RECIPROCITY,
    AC_GFIG_INDEGREE_GINI,
    AC_GFIG_PAGERANK_GINI,
    AC_GFIG_GRC,
    AC_GFIG_COUNT
};

/* The JSON name of a figure ("gini", "hhi", "effective_members",
 * "top10_share", "palma", "nakamoto"; "reciprocity", "indegree_gini",
 * "pagerank_gini", "global_reaching_centrality"). */
const char *ac_figure_name(enum ac_figure f);
const char *ac_graph_figure_name(enum ac_graph_figure f);

/* A short title for a dimension ("Proposals adopted"). */
const char *ac_dim_title(enum ac_dim d);

/* One sentence, for someone who never heard of the figure, saying what
 * its value means for the members of r (NUL-terminated, cut to size). */
void ac_power_explain(const struct ac_power_report *r, enum ac_dim d,
                      enum ac_figure f, char *buf, size_t size);
void ac_power_explain_graph(const struct ac_power_report *r,
                            enum ac_graph_figure f, char *buf, size_t size);

/* The whole report: {"circle","days","since","until","members",
 * "measures":{DIM:{"per_member",...,"lorenz","explain"}},"graph",
 * "alerts","rotation","thresholds"} (docs/openapi.yaml). days is 0 for
 * all time. Alerts come from s (open ones of the report's circle, or all
 * for the root circle). NULL when out of memory. */
json_t *ac_power_json(const struct ac_state *s, const struct ac_power_report *r,
                      int64_t days);

/* An SVG (a whole document, UTF-8) drawing the Lorenz curves of every
 * dimension, and the per-member bars of dimension d (the members with
 * the largest values first, at most bar_max of them). */
enum ac_status ac_power_svg_lorenz(const struct ac_power_report *r,
                                   struct ac_buf *out, struct ac_err *err);
enum ac_status ac_power_svg_bars(const struct ac_power_report *r, enum ac_dim d,
                                 size_t bar_max, struct ac_buf *out,
                                 struct ac_err *err);

#endif
