/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor in the web UI (docs/power.md): the /power page (the
 * Lorenz curves, every measure's figures with a sentence saying what
 * they mean, one measure's bars per member, the interaction graph's
 * figures, the open alerts, the rotation list and the charter's
 * thresholds), the same charts as SVG images at /power.svg, and the open
 * alerts on the home page. Reports are computed from the in-memory state
 * under the read lock, as every page reads. The words state facts about
 * how things are spread; they judge nobody. */
#include "http_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/time.h"
#include "http/page.h"
#include "http/power_view.h"

#define BAR_MAX 30      /* members in the bars chart */
#define DAYS_MAX 36500  /* longest period asked for, as the API allows */
#define EXPLAIN_MAX 512 /* bytes of one sentence */

/* Labels of the figures, in enum ac_figure and enum ac_graph_figure
 * order. */
static const char *const figure_labels[AC_FIG_COUNT] = {
    "Gini",          "HHI",         "Effective members",
    "Top 10% share", "Palma ratio", "Nakamoto coefficient"};
static const char *const graph_labels[AC_GFIG_COUNT] = {
    "Reciprocity", "In-degree Gini", "PageRank Gini",
    "Global reaching centrality"};

/* Periods offered besides all time and the charter's alert window. */
static const int64_t periods[] = {30, 90, 365};

/* What the page or the image is asked to show. */
struct view {
    struct ac_str circle; /* an existing circle's id */
    int64_t days;         /* 0: all time */
    enum ac_dim dim;      /* the bars' measure */
    bool is_bars;         /* /power.svg: the bars, not the curves */
};

static const char *query(const struct ac_request *r, const char *key)
{
    const char *v =
        MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
    return v && *v ? v : NULL;
}

/* Reads the query into v. An absent value takes its default; a value
 * that is not understood is AC_EINVAL or, for a circle, AC_ENOTFOUND,
 * with the field named. The caller holds the read lock. */
static enum ac_status view_parse(const struct ac_request *r,
                                 const struct ac_state *s, struct view *v,
                                 struct ac_err *err)
{
    const char *circle = query(r, "circle"), *days = query(r, "days");
    const char *dim = query(r, "dim"), *chart = query(r, "chart");
    const struct ac_circle *c;

    *v = (struct view){AC_STR(AC_ROOT_CIRCLE), 0, AC_DIM_PROPOSALS_ADOPTED,
                       false};
    if (circle) {
        if (!(c = ac_state_circle(s, ac_str_c(circle)))) {
            return ac_err_at(err, "circle", AC_ENOTFOUND,
                             "circle: no circle \"%.*s\"", AC_ID_MAX, circle);
        }
        v->circle = c->id;
    }
    if (days && strcmp(days, "all") != 0 &&
        ac_parse_i64(ac_str_c(days), 1, DAYS_MAX, &v->days, NULL) != AC_OK) {
        return ac_err_at(err, "days", AC_EINVAL,
                         "days: give a number of days from 1 to %d, or all",
                         DAYS_MAX);
    }
    if (dim && !ac_dim_parse(ac_str_c(dim), &v->dim)) {
        return ac_err_at(err, "dim", AC_EINVAL, "dim: no measure \"%.*s\"", 40,
                         dim);
    }
    if (chart && strcmp(chart, "lorenz") != 0 && strcmp(chart, "bars") != 0) {
        return ac_err_at(err, "chart", AC_EINVAL, "chart: give lorenz or bars");
    }
    v->is_bars = chart && strcmp(chart, "bars") == 0;
    return AC_OK;
}

static enum ac_status view_report(const struct ac_state *s,
                                  const struct view *v, struct ac_arena *a,
                                  struct ac_power_report *out,
                                  struct ac_err *err)
{
    int64_t now = ac_service_now();
    int64_t since;
    /* a clock set back must not put the report before the log's end */
    if (now < s->time) {
        now = s->time;
    }
    since = v->days ? now - v->days * AC_MS_PER_DAY : 0;
    return ac_power_report(s, v->circle, since, now, a, out, err);
}

/* ---- alerts in words ---- */

/* A measure's threshold and value as an alert states them: percent
 * integers of a spread figure as a share ("0.72") or a percentage, counts
 * as they are. */
static void alert_amount(struct ac_page *pg, const struct ac_power_alert *al,
                         int64_t amount)
{
    if (ac_str_eq_c(al->measure, "proposals_adopted.gini")) {
        ac_page_fixed(&pg->out, (double)amount / 100.0, 2);
    } else if (ac_str_eq_c(al->measure, "role_days.top10")) {
        ac_page_printf(pg, "%lld%%", (long long)amount);
    } else {
        ac_page_printf(pg, "%lld", (long long)amount);
    }
}

static void circle_words(struct ac_page *pg, const struct ac_state *s,
                         struct ac_str id)
{
    const struct ac_circle *c = ac_state_circle(s, id);
    if (ac_str_eq_c(id, AC_ROOT_CIRCLE)) {
        ac_page_raw(pg, "the whole organisation");
    } else if (c && c->name.len) {
        ac_page_printf(pg, "the circle %.*s", (int)c->name.len, c->name.ptr);
    } else {
        ac_page_printf(pg, "the circle %.*s", (int)id.len, id.ptr);
    }
}

/* One alert as a sentence of facts: "Adopted proposals are concentrated:
 * Gini 0.72 (alert at 0.60) in the whole organisation, since 2026-11-28.
 * Members holding the most: alice, bob." */
static void alert_sentence(struct ac_page *pg, const struct ac_state *s,
                           const struct ac_power_alert *al)
{
    const char *who = " Members holding the most: ";
    char t[AC_TIME_LEN + 1];
    size_t named = 0;

    if (ac_str_eq_c(al->measure, "proposals_adopted.gini")) {
        ac_page_raw(pg, "Adopted proposals are concentrated: Gini ");
    } else if (ac_str_eq_c(al->measure, "role_days.top10")) {
        ac_page_raw(pg, "Role-days are concentrated: the top 10% of members "
                        "held ");
    } else if (ac_str_eq_c(al->measure, "roles_held")) {
        ac_page_raw(pg, "Roles are gathered: one member holds ");
        who = " Members holding that many: ";
    } else if (ac_str_eq_c(al->measure, "delegated_weight")) {
        ac_page_raw(pg, "Delegated votes are gathered: one member carries ");
        who = " Members carrying that many: ";
    } else {
        ac_page_printf(pg, "%.*s is at ", (int)al->measure.len,
                       al->measure.ptr);
    }
    alert_amount(pg, al, al->value);
    if (ac_str_eq_c(al->measure, "role_days.top10")) {
        ac_page_raw(pg, " of them");
    } else if (ac_str_eq_c(al->measure, "roles_held")) {
        ac_page_raw(pg, " roles at once");
    } else if (ac_str_eq_c(al->measure, "delegated_weight")) {
        ac_page_raw(pg, " votes");
    }
    ac_page_raw(pg, " (alert at ");
    alert_amount(pg, al, al->threshold);
    ac_page_raw(pg, ") in ");
    circle_words(pg, s, al->circle);
    ac_time_format(t, al->since);
    ac_page_printf(pg, ", since <time datetime=\"%s\">%.10s</time>.", t, t);
    for (size_t i = 0; al->members && al->members->kind == AC_VAL_ARR &&
                       i < al->members->count;
         i++) {
        const struct ac_val *m = al->members->items[i];
        if (m->kind != AC_VAL_STR) {
            continue;
        }
        ac_page_printf(pg, "%s%.*s", named++ ? ", " : who, (int)m->s.len,
                       m->s.ptr);
    }
    ac_page_raw(pg, named ? "." : "");
}

/* The open alerts of circle (every alert for the root circle) as a list;
 * the count listed. */
static size_t alert_list(struct ac_page *pg, const struct ac_state *s,
                         struct ac_str circle, bool links)
{
    const struct ac_power *pw = &s->power;
    bool all = ac_str_eq_c(circle, AC_ROOT_CIRCLE);
    size_t shown = 0;

    for (size_t i = 0; i < pw->alert_count; i++) {
        const struct ac_power_alert *al = &pw->alerts[i];
        if (!all && !ac_str_eq(al->circle, circle)) {
            continue;
        }
        ac_page_raw(pg, shown++ ? "<li>" : "<ul class=\"cards alerts\"><li>");
        alert_sentence(pg, s, al);
        if (links) {
            ac_page_printf(pg, " <a href=\"/power?circle=%.*s\">Figures for ",
                           (int)al->circle.len, al->circle.ptr);
            circle_words(pg, s, al->circle);
            ac_page_raw(pg, "</a>");
        }
        ac_page_raw(pg, "</li>");
    }
    if (shown) {
        ac_page_raw(pg, "</ul>");
    }
    return shown;
}

void ac_web_power_alerts(struct ac_page *pg, const struct ac_state *s)
{
    if (s->power.alert_count == 0) {
        return;
    }
    ac_page_raw(pg, "<section id=\"balance\" aria-labelledby=\"balance-h\">"
                    "<h2 id=\"balance-h\">Balance of power</h2><p>Thresholds "
                    "the group set in its charter are passed: facts to "
                    "look at together, not faults.</p>");
    alert_list(pg, s, AC_STR(AC_ROOT_CIRCLE), true);
    ac_page_raw(pg, "<p><a href=\"/power\">How power is spread</a></p>"
                    "</section>");
}

/* ---- the page ---- */

static void option(struct ac_page *pg, struct ac_str value, const char *label,
                   bool selected)
{
    ac_page_printf(pg, "<option value=\"%.*s\"%s>%s</option>", (int)value.len,
                   value.ptr, selected ? " selected" : "", label);
}

static void days_option(struct ac_page *pg, int64_t days, int64_t chosen,
                        int64_t window)
{
    char value[24], label[64];
    snprintf(value, sizeof value, "%lld", (long long)days);
    snprintf(label, sizeof label, "Last %lld days%s", (long long)days,
             days == window ? " (the alerts' window)" : "");
    option(pg, ac_str_c(value), label, days == chosen);
}

/* The days offered: 30, 90, 365, the charter's alert window and the
 * period asked for, each once, shortest first. */
static void days_select(struct ac_page *pg, int64_t chosen, int64_t window)
{
    int64_t list[sizeof periods / sizeof periods[0] + 2];
    size_t n = 0;

    for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
        list[n++] = periods[i];
    }
    list[n++] = window;
    if (chosen) {
        list[n++] = chosen;
    }
    ac_page_raw(pg, "<div class=\"field\"><label for=\"f-days\">Period"
                    "</label><select id=\"f-days\" name=\"days\">");
    option(pg, AC_STR("all"), "All time", chosen == 0);
    for (int64_t last = 0;;) {
        int64_t next = INT64_MAX;
        for (size_t i = 0; i < n; i++) {
            if (list[i] > last && list[i] < next) {
                next = list[i];
            }
        }
        if (next == INT64_MAX) {
            break;
        }
        days_option(pg, next, chosen, window);
        last = next;
    }
    ac_page_raw(pg, "</select></div>");
}

static void days_value(struct ac_page *pg, const struct view *v)
{
    if (v->days) {
        ac_page_printf(pg, "%lld", (long long)v->days);
    } else {
        ac_page_raw(pg, "all");
    }
}

static void filters(struct ac_page *pg, const struct ac_state *s,
                    const struct view *v)
{
    ac_page_raw(pg, "<form method=\"get\" action=\"/power\" class=\"filters\">"
                    "<div class=\"field\"><label for=\"f-circle\">Circle"
                    "</label><select id=\"f-circle\" name=\"circle\">");
    for (size_t i = 0; i < s->circle_count; i++) {
        const struct ac_circle *c = &s->circles[i];
        char label[2 * AC_ID_MAX + 160];
        if (i == 0) {
            snprintf(label, sizeof label, "The whole organisation");
        } else {
            snprintf(label, sizeof label, "%.*s (%.*s)", (int)c->name.len,
                     c->name.ptr, (int)c->id.len, c->id.ptr);
        }
        option(pg, c->id, label, ac_str_eq(c->id, v->circle));
    }
    ac_page_raw(pg, "</select></div>");
    days_select(pg, v->days, s->charter.value[AC_P_POWER_WINDOW_DAYS]);
    ac_page_printf(pg,
                   "<input type=\"hidden\" name=\"dim\" value=\"%s\">"
                   "<button type=\"submit\">Show</button></form>",
                   ac_dim_name(v->dim));
}

/* A figure as the table shows it. */
static void figure_value(struct ac_page *pg, const struct ac_dist *d,
                         enum ac_figure f)
{
    switch (f) {
    case AC_FIG_GINI:
        ac_page_fixed(&pg->out, d->total > 0 ? d->gini : NAN, 2);
        break;
    case AC_FIG_HHI:
        ac_page_fixed(&pg->out, d->hhi, 3);
        break;
    case AC_FIG_EFFECTIVE:
        ac_page_fixed(&pg->out, d->effective, 1);
        break;
    case AC_FIG_TOP10:
        ac_page_fixed(&pg->out, d->top10 * 100, 0);
        if (isfinite(d->top10)) {
            ac_page_raw(pg, "%");
        }
        break;
    case AC_FIG_PALMA:
        ac_page_fixed(&pg->out, d->palma, 2);
        break;
    case AC_FIG_NAKAMOTO:
        ac_page_fixed(&pg->out, d->total > 0 ? (double)d->nakamoto : NAN, 0);
        break;
    case AC_FIG_COUNT:
        break;
    }
}

static void amount(struct ac_page *pg, double v)
{
    ac_page_fixed(&pg->out, v, isfinite(v) && v == floor(v) ? 0 : 2);
}

static void figures_table(struct ac_page *pg, const struct ac_power_report *r)
{
    char sentence[EXPLAIN_MAX];

    ac_page_raw(pg, "<h2 id=\"figures-h\">Figures</h2><p>For each measure: "
                    "its total, how unequally it is spread (Gini, 0 when "
                    "everyone holds the same, near 1 when one member holds "
                    "everything), and how few members hold most of it. A "
                    "dash means there is nothing to measure yet. Open a "
                    "measure's explanation for what its figures say.</p>"
                    "<div class=\"scroll\"><table id=\"figures\" "
                    "aria-labelledby=\"figures-h\"><thead><tr>"
                    "<th scope=\"col\">Measure</th>"
                    "<th scope=\"col\">Total</th>");
    for (int f = 0; f < AC_FIG_COUNT; f++) {
        ac_page_printf(pg, "<th scope=\"col\">%s</th>", figure_labels[f]);
    }
    ac_page_raw(pg, "</tr></thead><tbody>");
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        const struct ac_dist *dist = &r->dist[d];
        const char *name = ac_dim_name((enum ac_dim)d);
        ac_page_printf(pg, "<tr id=\"dim-%s\"><th scope=\"row\">%s</th><td>",
                       name, ac_dim_title((enum ac_dim)d));
        amount(pg, dist->total);
        ac_page_raw(pg, "</td>");
        for (int f = 0; f < AC_FIG_COUNT; f++) {
            ac_page_printf(pg, "<td data-figure=\"%s\">",
                           ac_figure_name((enum ac_figure)f));
            figure_value(pg, dist, (enum ac_figure)f);
            ac_page_raw(pg, "</td>");
        }
        ac_page_printf(pg,
                       "</tr><tr class=\"explain\"><td colspan=\"%d\">"
                       "<details><summary>What the figures of %s say"
                       "</summary><dl>",
                       AC_FIG_COUNT + 2, ac_dim_title((enum ac_dim)d));
        for (int f = 0; f < AC_FIG_COUNT; f++) {
            ac_power_explain(r, (enum ac_dim)d, (enum ac_figure)f, sentence,
                             sizeof sentence);
            ac_page_printf(pg, "<dt>%s</dt><dd>%s</dd>", figure_labels[f],
                           sentence);
        }
        ac_page_raw(pg, "</dl></details></td></tr>");
    }
    ac_page_raw(pg, "</tbody></table></div>");
}

static void chart(struct ac_page *pg, const struct ac_power_report *r,
                  const struct view *v)
{
    struct ac_buf svg;
    struct ac_err e = {0};

    ac_buf_init(&svg, AC_PAGE_MAX);
    if (ac_power_svg_lorenz(r, &svg, &e) == AC_OK) {
        ac_page_raw(pg, "<h2>Lorenz curves</h2><figure class=\"power-chart\" "
                        "id=\"lorenz\">");
        ac_buf_add(&pg->out, svg.ptr, svg.len);
        ac_page_raw(pg, "<figcaption>Each curve rises from the members "
                        "holding the least to those holding the most. On the "
                        "dashed diagonal everyone holds the same; the lower a "
                        "curve sags, the fewer members hold most of that "
                        "measure.</figcaption></figure>");
    } else {
        pg->out.status = e.code;
    }
    ac_buf_reset(&svg);
    ac_page_printf(pg,
                   "<h2 id=\"per-member\">Per member</h2>"
                   "<form method=\"get\" action=\"/power#per-member\" "
                   "class=\"filters\"><input type=\"hidden\" name=\"circle\" "
                   "value=\"%.*s\"><input type=\"hidden\" name=\"days\" "
                   "value=\"",
                   (int)v->circle.len, v->circle.ptr);
    days_value(pg, v);
    ac_page_raw(pg, "\"><div class=\"field\"><label for=\"f-dim\">Measure"
                    "</label><select id=\"f-dim\" name=\"dim\">");
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        option(pg, ac_str_c(ac_dim_name((enum ac_dim)d)),
               ac_dim_title((enum ac_dim)d), (int)v->dim == d);
    }
    ac_page_raw(pg, "</select></div><button type=\"submit\">Show</button>"
                    "</form>");
    if (ac_power_svg_bars(r, v->dim, BAR_MAX, &svg, &e) == AC_OK) {
        char sentence[EXPLAIN_MAX];
        ac_page_raw(pg, "<figure class=\"power-chart\" id=\"bars\">");
        ac_buf_add(&pg->out, svg.ptr, svg.len);
        ac_power_explain(r, v->dim, AC_FIG_GINI, sentence, sizeof sentence);
        ac_page_printf(pg, "<figcaption>%s</figcaption></figure>", sentence);
    } else {
        pg->out.status = e.code;
    }
    ac_buf_release(&svg);
}

static void graph_table(struct ac_page *pg, const struct ac_power_report *r)
{
    const struct ac_graph_figures *g = &r->graph;
    const double values[AC_GFIG_COUNT] = {g->reciprocity, g->indegree_gini,
                                          g->pagerank_gini, g->grc};
    char sentence[EXPLAIN_MAX];

    ac_page_printf(pg,
                   "<h2 id=\"graph-h\">Who answers whom</h2><p>A link goes "
                   "from a member who answered to the member answered: a "
                   "proposal given a position, an objection integrated. "
                   "Over this period: %zu members, %zu links.</p>"
                   "<div class=\"scroll\"><table id=\"graph\" "
                   "aria-labelledby=\"graph-h\"><thead><tr><th scope=\"col\">"
                   "Figure</th><th scope=\"col\">Value</th><th scope=\"col\">"
                   "What it says</th></tr></thead><tbody>",
                   g->nodes, g->edges);
    for (int f = 0; f < AC_GFIG_COUNT; f++) {
        ac_power_explain_graph(r, (enum ac_graph_figure)f, sentence,
                               sizeof sentence);
        ac_page_printf(
            pg, "<tr data-figure=\"%s\"><th scope=\"row\">%s</th><td>",
            ac_graph_figure_name((enum ac_graph_figure)f), graph_labels[f]);
        ac_page_fixed(&pg->out, values[f], 2);
        if (f == AC_GFIG_GRC && g->grc_estimated) {
            ac_page_raw(pg, " (estimated)");
        }
        ac_page_printf(pg, "</td><td>%s</td></tr>", sentence);
    }
    ac_page_raw(pg, "</tbody></table></div>");
}

static void rotation_list(struct ac_page *pg, const struct ac_state *s,
                          const struct ac_power_report *r)
{
    const int64_t *cv = s->charter.value;

    ac_page_printf(pg,
                   "<h2 id=\"rotation\">Rotation</h2><p>The charter allows "
                   "%lld terms in a row in one role and %lld roles at once. "
                   "Holders past these limits (after the charter was "
                   "tightened, say) are listed here.</p>",
                   (long long)cv[AC_P_ROLE_MAX_TERMS],
                   (long long)cv[AC_P_ROLE_MAX_CONCURRENT]);
    if (r->rotation_count == 0) {
        ac_page_raw(pg, "<p class=\"empty\">Every role holder is within "
                        "the rotation limits.</p>");
        return;
    }
    ac_page_raw(pg, "<ul class=\"cards\" id=\"rotation-list\">");
    for (size_t i = 0; i < r->rotation_count; i++) {
        const struct ac_power_rotation *x = &r->rotation[i];
        ac_page_printf(pg,
                       "<li>%.*s holds <a href=\"/roles#role-%.*s\">%.*s</a>"
                       ": term %lld in a row, %lld roles at once.</li>",
                       (int)x->member.len, x->member.ptr, (int)x->role.len,
                       x->role.ptr, (int)x->role.len, x->role.ptr,
                       (long long)x->terms_in_a_row, (long long)x->roles_held);
    }
    ac_page_raw(pg, "</ul>");
}

/* Whether 0 turns the parameter's alert off (the least total and the
 * window are not alerts). */
static bool is_switch(enum ac_param p)
{
    return p == AC_P_POWER_ADOPTED_GINI || p == AC_P_POWER_ROLE_DAYS_TOP10 ||
           p == AC_P_POWER_ROLES_HELD || p == AC_P_POWER_DELEGATED_WEIGHT;
}

static void thresholds(struct ac_page *pg, const struct ac_state *s)
{
    ac_page_raw(pg, "<h2 id=\"thresholds-h\">Thresholds</h2><p>The group "
                    "sets when an alert is raised in its charter. Each "
                    "parameter changes by a charter.amend proposal; an "
                    "alert closes by itself when its measure drops back "
                    "below the threshold.</p><div class=\"scroll\"><table "
                    "id=\"thresholds\" aria-labelledby=\"thresholds-h\">"
                    "<thead><tr><th scope=\"col\">Parameter</th><th "
                    "scope=\"col\">Value</th><th scope=\"col\">About</th>"
                    "</tr></thead><tbody>");
    for (int i = 0; i < AC_PARAM_COUNT; i++) {
        const struct ac_param_def *d = ac_charter_def((enum ac_param)i);
        int64_t value = s->charter.value[i];
        if (strncmp(d->name, "power.", 6) != 0) {
            continue;
        }
        ac_page_printf(
            pg,
            "<tr><th scope=\"row\"><a href=\"/charter#%s\">"
            "<code>%s</code></a></th><td>%lld%s</td><td>%s</td>"
            "</tr>",
            d->name, d->name, (long long)value,
            value == 0 && is_switch((enum ac_param)i) ? " (off)" : "", d->help);
    }
    ac_page_raw(pg, "</tbody></table></div><p><a class=\"button\" "
                    "href=\"/proposals/new?kind=charter.amend\">Propose a "
                    "change to the charter</a></p>");
}

/* Answers a request the page or the image cannot show. */
static void refuse(struct ac_request *r, enum ac_status st, const char *title,
                   const struct ac_err *e)
{
    if (st == AC_ENOMEM || st == AC_ELIMIT) {
        ac_web_message(r, 503, title, "the figures do not fit in memory now");
    } else {
        ac_web_message(r, ac_api_http_status(st), title, e->msg);
    }
}

void ac_web_power(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_power_report rep;
    struct ac_arena a;
    struct ac_err e = {0};
    struct view v;
    struct ac_page pg;
    enum ac_status st;

    /* the report's memory grows with the log, as the API's: no cap */
    ac_arena_init(&a, 0);
    ac_web_page_init(r, &pg);
    pthread_rwlock_rdlock(&r->svc->lock);
    if ((st = view_parse(r, s, &v, &e)) != AC_OK ||
        (st = view_report(s, &v, &a, &rep, &e)) != AC_OK) {
        pthread_rwlock_unlock(&r->svc->lock);
        ac_page_release(&pg);
        refuse(r, st, "Balance of power", &e);
        goto out;
    }
    ac_page_begin(&pg, "Balance of power", "/power");
    ac_page_printf(&pg,
                   "<p class=\"lead\">How proposals, objections, answers, "
                   "roles and delegated votes are spread over the %zu "
                   "active members of ",
                   rep.n);
    circle_words(&pg, s, v.circle);
    if (v.days) {
        ac_page_printf(&pg, ", over the last %lld days", (long long)v.days);
    } else {
        ac_page_raw(&pg, ", over all time");
    }
    ac_page_raw(&pg, ". Everything here is read from the log; the "
                     "thresholds that raise an alert are the group's own, "
                     "in its charter.</p>");
    filters(&pg, s, &v);
    ac_page_raw(&pg, "<h2 id=\"alerts\">Open alerts</h2>");
    if (alert_list(&pg, s, v.circle, false) == 0) {
        ac_page_raw(&pg, "<p class=\"empty\">No alert is open.</p>");
    }
    chart(&pg, &rep, &v);
    figures_table(&pg, &rep);
    graph_table(&pg, &rep);
    rotation_list(&pg, s, &rep);
    thresholds(&pg, s);
    pthread_rwlock_unlock(&r->svc->lock);
    ac_page_end(&pg);
    ac_web_page_send(r, &pg, 200);
out:
    ac_arena_release(&a);
}

void ac_web_power_svg(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    struct ac_power_report rep;
    struct ac_arena a;
    struct ac_err e = {0};
    struct ac_buf svg;
    struct view v;
    enum ac_status st;

    ac_arena_init(&a, 0);
    ac_buf_init(&svg, AC_PAGE_MAX);
    pthread_rwlock_rdlock(&r->svc->lock);
    if ((st = view_parse(r, s, &v, &e)) == AC_OK &&
        (st = view_report(s, &v, &a, &rep, &e)) == AC_OK) {
        st = v.is_bars ? ac_power_svg_bars(&rep, v.dim, BAR_MAX, &svg, &e)
                       : ac_power_svg_lorenz(&rep, &svg, &e);
    }
    pthread_rwlock_unlock(&r->svc->lock);
    if (st != AC_OK) {
        refuse(r, st, "Chart not drawn", &e);
        goto out;
    }
    free(r->reply.body);
    r->reply.status = 200;
    r->reply.type = "image/svg+xml; charset=utf-8";
    /* the pages' headers: their policy forbids scripts in the image too */
    r->reply.is_page = true;
    r->reply.body = ac_buf_take(&svg, &r->reply.len);
out:
    ac_buf_release(&svg);
    ac_arena_release(&a);
}
