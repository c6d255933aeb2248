/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor's report as JSON and as plain sentences
 * (docs/power.md). */
#include "power_view.h"

#include "http_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/time.h"
#include "core/charter.h"

static const char *const figure_names[AC_FIG_COUNT] = {
    "gini", "hhi", "effective_members", "top10_share", "palma", "nakamoto"};

static const char *const graph_names[AC_GFIG_COUNT] = {
    "reciprocity", "indegree_gini", "pagerank_gini",
    "global_reaching_centrality"};

static const char *const titles[AC_DIM_COUNT] = {
    "Proposals authored",    "Proposals adopted", "Objections raised",
    "Objections integrated", "Participation",     "Role-days",
    "Roles held now",        "Votes carried",     "Money controlled"};

/* What a dimension counts, as the object of a sentence. */
static const char *const nouns[AC_DIM_COUNT] = {
    "the proposals written",
    "the proposals adopted",
    "the objections raised",
    "the objections that led to an amendment",
    "the participation rates (answers given per round they could answer)",
    "the days spent holding roles",
    "the roles held now",
    "the votes carried (their own and those delegated to them)",
    "the money moved on their adopted proposals (spends and allocations, "
    "in minor units of the currency)"};

const char *ac_figure_name(enum ac_figure f)
{
    return (unsigned)f < AC_FIG_COUNT ? figure_names[f] : "?";
}

const char *ac_graph_figure_name(enum ac_graph_figure f)
{
    return (unsigned)f < AC_GFIG_COUNT ? graph_names[f] : "?";
}

const char *ac_dim_title(enum ac_dim d)
{
    return (unsigned)d < AC_DIM_COUNT ? titles[d] : "?";
}

static const char *scope_words(const struct ac_power_report *r, char *buf,
                               size_t size)
{
    if (ac_str_eq_c(r->circle, AC_ROOT_CIRCLE)) {
        snprintf(buf, size, "the %zu members of the organisation", r->n);
    } else {
        snprintf(buf, size, "the %zu members of the circle %.*s", r->n,
                 (int)r->circle.len, r->circle.ptr);
    }
    return buf;
}

void ac_power_explain(const struct ac_power_report *r, enum ac_dim d,
                      enum ac_figure f, char *buf, size_t size)
{
    const struct ac_dist *x = &r->dist[d];
    const char *noun = nouns[d];
    char who[160];

    scope_words(r, who, sizeof who);
    if (r->n == 0 || !(x->total > 0)) {
        snprintf(buf, size,
                 "Nothing to measure yet: none of %s has any of %s in this "
                 "period.",
                 who, noun);
        return;
    }
    switch (f) {
    case AC_FIG_GINI:
        snprintf(buf, size,
                 "%.2f on a scale where 0 means %s are shared equally among "
                 "%s and 1 means one member has them all.",
                 x->gini, noun, who);
        break;
    case AC_FIG_HHI:
        snprintf(buf, size,
                 "%.3f: the chance that two of %s picked at random come from "
                 "the same member (1/%zu = %.3f if shared equally).",
                 x->hhi, noun, r->n, 1.0 / (double)r->n);
        break;
    case AC_FIG_EFFECTIVE:
        snprintf(buf, size,
                 "%s are as concentrated as if %.1f of %s held equal shares "
                 "and the others none.",
                 noun, x->effective, who);
        break;
    case AC_FIG_TOP10:
        snprintf(buf, size,
                 "The most active tenth of the members hold %.0f%% of %s "
                 "(10%% if shared equally).",
                 x->top10 * 100, noun);
        break;
    case AC_FIG_PALMA:
        if (isnan(x->palma)) {
            snprintf(buf, size,
                     "The least active 40%% of the members hold none of %s, "
                     "so the ratio of the top tenth to them has no value.",
                     noun);
        } else {
            snprintf(buf, size,
                     "The most active tenth hold %.2f times as much of %s as "
                     "the least active 40%% together (0.25 if shared "
                     "equally).",
                     x->palma, noun);
        }
        break;
    case AC_FIG_NAKAMOTO:
        if (x->nakamoto == 1) {
            snprintf(buf, size,
                     "One member alone holds more than half of %s; the "
                     "larger this number, the more widely they are spread.",
                     noun);
        } else {
            snprintf(buf, size,
                     "%zu members together hold more than half of %s; the "
                     "larger this number, the more widely they are spread.",
                     x->nakamoto, noun);
        }
        break;
    case AC_FIG_COUNT:
        buf[0] = '\0';
        break;
    }
}

void ac_power_explain_graph(const struct ac_power_report *r,
                            enum ac_graph_figure f, char *buf, size_t size)
{
    const struct ac_graph_figures *g = &r->graph;
    if (g->edges == 0) {
        snprintf(buf, size,
                 "Nobody has answered anybody else's proposal in this period "
                 "yet.");
        return;
    }
    switch (f) {
    case AC_GFIG_RECIPROCITY:
        snprintf(buf, size,
                 "%.0f%% of the ties between members go both ways: when one "
                 "answered the other's proposals, the other also answered "
                 "theirs.",
                 g->reciprocity * 100);
        break;
    case AC_GFIG_INDEGREE_GINI:
        snprintf(buf, size,
                 "%.2f: how unevenly answers are drawn. 0 when every "
                 "member's proposals are answered by as many others, near 1 "
                 "when a few members' proposals draw all the answers.",
                 g->indegree_gini);
        break;
    case AC_GFIG_PAGERANK_GINI:
        snprintf(buf, size,
                 "%.2f: how unevenly attention gathers (PageRank: being "
                 "answered by members who are themselves much answered "
                 "counts more). 0 even, near 1 on a few.",
                 g->pagerank_gini);
        break;
    case AC_GFIG_GRC:
        snprintf(buf, size,
                 "%.2f: how hierarchical the flow of initiative is (global "
                 "reaching centrality). 0 when it flows every way, 1 when it "
                 "runs one way from one member, as in a chain of "
                 "command.%s",
                 g->grc,
                 g->grc_estimated ? " Estimated: the group is large." : "");
        break;
    case AC_GFIG_COUNT:
        buf[0] = '\0';
        break;
    }
}

/* ---- JSON ---- */

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static bool set(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

static bool setn(json_t *o, struct ac_str key, json_t *v)
{
    return v && json_object_setn_new(o, key.ptr, key.len, v) == 0;
}

static json_t *figures_json(const struct ac_power_report *r, enum ac_dim d)
{
    const struct ac_dist *x = &r->dist[d];
    json_t *o = json_object(), *per = json_object(), *lorenz = json_array();
    json_t *explain = json_object();
    bool ok = o && per && lorenz && explain;
    char sentence[512];

    for (size_t i = 0; ok && i < r->n; i++) {
        ok = setn(per, r->members[i]->id, num(r->values[d][i]));
    }
    for (size_t i = 0; ok && i < x->lorenz_count; i++) {
        json_t *pt = json_pack("[ff]", x->lorenz[i][0], x->lorenz[i][1]);
        ok = pt && json_array_append_new(lorenz, pt) == 0;
    }
    for (int f = 0; ok && f < AC_FIG_COUNT; f++) {
        ac_power_explain(r, d, (enum ac_figure)f, sentence, sizeof sentence);
        ok = set(explain, figure_names[f], json_string(sentence));
    }
    ok = ok && set(o, "per_member", per);
    per = NULL;
    ok = ok && set(o, "total", num(x->total)) && set(o, "gini", num(x->gini)) &&
         set(o, "hhi", num(x->hhi)) &&
         set(o, "effective_members", num(x->effective)) &&
         set(o, "top10_share", num(x->top10)) &&
         set(o, "bottom40_share", num(x->bottom40)) &&
         set(o, "palma", num(x->palma)) &&
         set(o, "nakamoto", json_integer((json_int_t)x->nakamoto)) &&
         set(o, "lorenz", lorenz);
    lorenz = NULL;
    ok = ok && set(o, "explain", explain);
    explain = NULL;
    if (!ok) {
        json_decref(o);
        json_decref(per);
        json_decref(lorenz);
        json_decref(explain);
        return NULL;
    }
    return o;
}

static json_t *graph_json(const struct ac_power_report *r)
{
    const struct ac_graph_figures *g = &r->graph;
    json_t *o = json_object(), *explain = json_object();
    bool ok = o && explain;
    char sentence[512];

    /* only the spread of PageRank: a member's own value would score them */
    for (int f = 0; ok && f < AC_GFIG_COUNT; f++) {
        ac_power_explain_graph(r, (enum ac_graph_figure)f, sentence,
                               sizeof sentence);
        ok = set(explain, graph_names[f], json_string(sentence));
    }
    ok = ok && set(o, "nodes", json_integer((json_int_t)g->nodes)) &&
         set(o, "edges", json_integer((json_int_t)g->edges)) &&
         set(o, "reciprocity", num(g->reciprocity)) &&
         set(o, "indegree_gini", num(g->indegree_gini)) &&
         set(o, "pagerank_gini", num(g->pagerank_gini)) &&
         set(o, "global_reaching_centrality", num(g->grc)) &&
         set(o, "estimated", json_boolean(g->grc_estimated)) &&
         set(o, "explain", explain);
    explain = NULL;
    if (!ok) {
        json_decref(o);
        json_decref(explain);
        return NULL;
    }
    return o;
}

/* The unit of an alert's value: percent for a spread, a count for the
 * others. */
static const char *alert_unit(struct ac_str measure)
{
    return memchr(measure.ptr, '.', measure.len) ? "percent" : "count";
}

static json_t *alerts_json(const struct ac_state *s,
                           const struct ac_power_report *r)
{
    json_t *arr = json_array();
    bool all = ac_str_eq_c(r->circle, AC_ROOT_CIRCLE);
    for (size_t i = 0; arr && i < s->power.alert_count; i++) {
        const struct ac_power_alert *al = &s->power.alerts[i];
        json_t *o, *members;
        if (!all && !ac_str_eq(al->circle, r->circle)) {
            continue;
        }
        members = ac_json_from_val(al->members);
        o = json_object();
        if (!o || !members || !set(o, "measure", ac_json_str(al->measure)) ||
            !set(o, "circle", ac_json_str(al->circle)) ||
            !set(o, "value", json_integer((json_int_t)al->value)) ||
            !set(o, "threshold", json_integer((json_int_t)al->threshold)) ||
            !set(o, "unit", json_string(alert_unit(al->measure))) ||
            !set(o, "members", members) ||
            !set(o, "since", ac_api_time(al->since)) ||
            !set(o, "seq", json_integer((json_int_t)al->seq)) ||
            json_array_append_new(arr, o) != 0) {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *rotation_json(const struct ac_power_report *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < r->rotation_count; i++) {
        const struct ac_power_rotation *x = &r->rotation[i];
        json_t *o = json_object();
        if (!o || !set(o, "role", ac_json_str(x->role)) ||
            !set(o, "member", ac_json_str(x->member)) ||
            !set(o, "terms_in_a_row",
                 json_integer((json_int_t)x->terms_in_a_row)) ||
            !set(o, "roles_held", json_integer((json_int_t)x->roles_held)) ||
            json_array_append_new(arr, o) != 0) {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *thresholds_json(const struct ac_state *s)
{
    json_t *o = json_object();
    for (unsigned i = 0; o && i < AC_PARAM_COUNT; i++) {
        const struct ac_param_def *d = ac_charter_def((enum ac_param)i);
        if (strncmp(d->name, "power.", 6) == 0 &&
            !set(o, d->name, json_integer((json_int_t)s->charter.value[i]))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

json_t *ac_power_json(const struct ac_state *s, const struct ac_power_report *r,
                      int64_t days)
{
    json_t *o = json_object(), *measures = json_object();
    bool ok = o && measures;

    for (int d = 0; ok && d < AC_DIM_COUNT; d++) {
        ok = set(measures, ac_dim_name((enum ac_dim)d),
                 figures_json(r, (enum ac_dim)d));
    }
    ok = ok && set(o, "circle", ac_json_str(r->circle)) &&
         set(o, "days", days > 0 ? json_integer(days) : json_null()) &&
         set(o, "since", days > 0 ? ac_api_time(r->since) : json_null()) &&
         set(o, "until", ac_api_time(r->until)) &&
         set(o, "members", json_integer((json_int_t)r->n)) &&
         set(o, "measures", measures);
    measures = NULL;
    ok = ok && set(o, "graph", graph_json(r)) &&
         set(o, "alerts", alerts_json(s, r)) &&
         set(o, "rotation", rotation_json(r)) &&
         set(o, "thresholds", thresholds_json(s));
    if (!ok) {
        json_decref(o);
        json_decref(measures);
        return NULL;
    }
    return o;
}
