/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power monitor's charts as whole SVG documents (power_view.h): the
 * Lorenz curves of every dimension, and one dimension's bars per member.
 *
 * Self-contained and inert: no script, no style sheet and no style
 * attribute (the pages' Content-Security-Policy allows no inline style),
 * only presentation attributes, on a white ground with strokes and text
 * of at least 4.5:1 contrast. Every curve also differs by its dash
 * pattern, so the chart reads without colour. There is no XML
 * declaration, so a document embeds in HTML as it is. Numbers go through
 * ac_page_fixed, never printf's %f or %g, so the bytes depend on the
 * report alone, not on the locale. */
#include "http/power_view.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "http/page.h"

#define FONT "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
#define INK "#1d2428"   /* text and axes, 15.7:1 on white */
#define MUTED "#4f5b62" /* secondary text, 6.9:1 */
#define GRID "#d8d5cc"  /* decorative grid lines */
#define BAR "#1f4e9c"   /* bars, 8.0:1 */

/* One colour and dash pattern per dimension, in enum ac_dim order. */
static const struct {
    const char *colour; /* contrast on white in the comment */
    const char *dash;   /* stroke-dasharray, or NULL for a solid line */
} looks[AC_DIM_COUNT] = {
    {"#1f4e9c", NULL},           /* 8.0:1 */
    {"#b3361b", NULL},           /* 6.1:1 */
    {"#1b7a3e", "8 4"},          /* 5.4:1 */
    {"#7a3fa0", "8 4"},          /* 6.9:1 */
    {"#8a5a00", "2 3"},          /* 5.9:1 */
    {"#0e7c86", "2 3"},          /* 5.0:1 */
    {"#b0246b", "10 3 2 3"},     /* 6.3:1 */
    {"#4d4d4d", "10 3 2 3 2 3"}, /* 8.5:1 */
    {"#6b4e16", "4 2 1 2"}       /* 7.7:1 */
};

/* Whether v * scale is a whole number, up to rounding. */
static bool is_exact(double v, double scale)
{
    return fabs(v * scale - round(v * scale)) < 1e-9;
}

/* A value as the charts show it, with as few decimals as it needs, two
 * at most: 5, 2.5, 0.33. */
static void value(struct ac_buf *b, double v)
{
    int decimals = 2;
    if (isfinite(v) && is_exact(v, 1)) {
        decimals = 0;
    } else if (isfinite(v) && is_exact(v, 10)) {
        decimals = 1;
    }
    ac_page_fixed(b, v, decimals);
}

static void text(struct ac_buf *b, struct ac_str s)
{
    ac_page_escape(b, s);
}

/* "the whole organisation" or "circle ID", for titles. */
static void scope(struct ac_buf *b, const struct ac_power_report *r)
{
    if (ac_str_eq_c(r->circle, AC_ROOT_CIRCLE)) {
        ac_buf_add_c(b, "the whole organisation");
    } else {
        ac_buf_add_c(b, "circle ");
        text(b, r->circle);
    }
}

/* "all time" or "since 2026-09-01", for titles. */
static void period(struct ac_buf *b, const struct ac_power_report *r)
{
    char t[AC_TIME_LEN + 1];
    if (r->since <= 0) {
        ac_buf_add_c(b, "all time");
        return;
    }
    ac_time_format(t, r->since);
    ac_buf_printf(b, "since %.10s", t);
}

static void open_svg(struct ac_buf *b, const char *id, int width, int height)
{
    ac_buf_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                  "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                  "role=\"img\" aria-labelledby=\"%s-title %s-desc\" "
                  "font-family=\"%s\" font-size=\"13\" fill=\"" INK "\">",
                  width, height, width, height, id, id, FONT);
}

static enum ac_status finish(struct ac_buf *b, struct ac_err *err)
{
    if (b->status != AC_OK) {
        return ac_err_set(err, b->status, "chart: the drawing does not fit");
    }
    return AC_OK;
}

/* ---- Lorenz curves ---- */

#define L_WIDTH 760
#define L_HEIGHT 440
#define L_LEFT 80    /* plot's left edge */
#define L_TOP 50     /* plot's top edge */
#define L_SIZE 320   /* plot's side */
#define L_LEGEND 440 /* legend's left edge */

/* A point of the plot at shares (x, y), in tenths of a pixel. */
static void lorenz_point(struct ac_buf *b, double x, double y)
{
    ac_page_fixed(b, L_LEFT + x * L_SIZE, 1);
    ac_buf_putc(b, ',');
    ac_page_fixed(b, L_TOP + L_SIZE - y * L_SIZE, 1);
}

static void lorenz_axes(struct ac_buf *b)
{
    static const char *const ticks[] = {"0", "0.5", "1"};
    const int bottom = L_TOP + L_SIZE, right = L_LEFT + L_SIZE;

    for (int i = 0; i < 3; i++) {
        int at = L_SIZE * i / 2;
        if (i > 0) {
            ac_buf_printf(b,
                          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                          "stroke=\"" GRID "\"/>"
                          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                          "stroke=\"" GRID "\"/>",
                          L_LEFT + at, L_TOP, L_LEFT + at, bottom, L_LEFT,
                          bottom - at, right, bottom - at);
        }
        ac_buf_printf(b,
                      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                      "stroke=\"" INK "\"/>"
                      "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s"
                      "</text>"
                      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                      "stroke=\"" INK "\"/>"
                      "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                      L_LEFT + at, bottom, L_LEFT + at, bottom + 6, L_LEFT + at,
                      bottom + 20, ticks[i], L_LEFT - 6, bottom - at, L_LEFT,
                      bottom - at, L_LEFT - 9, bottom - at + 4, ticks[i]);
    }
    ac_buf_printf(b,
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                  "fill=\"none\" stroke=\"" INK "\"/>"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Share of "
                  "members, those with the least first</text>"
                  "<text transform=\"translate(%d %d) rotate(-90)\" "
                  "text-anchor=\"middle\">Share of the total they hold"
                  "</text>"
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                  "stroke=\"" MUTED "\" stroke-width=\"1.5\" "
                  "stroke-dasharray=\"4 4\"><title>Equality: every member "
                  "holds the same</title></line>",
                  L_LEFT, L_TOP, L_SIZE, L_SIZE, L_LEFT + L_SIZE / 2,
                  bottom + 42, L_LEFT - 40, L_TOP + L_SIZE / 2, L_LEFT, bottom,
                  right, L_TOP);
}

/* "Proposals adopted, Gini 0.72" or "Roles held, nothing yet". */
static void lorenz_label(struct ac_buf *b, const struct ac_power_report *r,
                         enum ac_dim d)
{
    text(b, ac_str_c(ac_dim_title(d)));
    if (!(r->dist[d].total > 0)) {
        ac_buf_add_c(b, ", nothing yet");
        return;
    }
    ac_buf_add_c(b, ", Gini ");
    ac_page_fixed(b, r->dist[d].gini, 2);
}

static void stroke(struct ac_buf *b, enum ac_dim d)
{
    ac_buf_printf(b, " stroke=\"%s\"", looks[d].colour);
    if (looks[d].dash) {
        ac_buf_printf(b, " stroke-dasharray=\"%s\"", looks[d].dash);
    }
}

static void lorenz_legend(struct ac_buf *b, const struct ac_power_report *r)
{
    int y = L_TOP + 4;
    ac_buf_printf(b,
                  "<g><text x=\"%d\" y=\"%d\" font-weight=\"bold\">Measures"
                  "</text>",
                  L_LEGEND, y);
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        y += 24;
        ac_buf_printf(b,
                      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                      "stroke-width=\"2.5\"",
                      L_LEGEND, y - 4, L_LEGEND + 28, y - 4);
        stroke(b, (enum ac_dim)d);
        ac_buf_printf(b, "/><text x=\"%d\" y=\"%d\">", L_LEGEND + 36, y);
        lorenz_label(b, r, (enum ac_dim)d);
        ac_buf_add_c(b, "</text>");
    }
    y += 24;
    ac_buf_printf(b,
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                  "stroke=\"" MUTED "\" stroke-width=\"1.5\" "
                  "stroke-dasharray=\"4 4\"/>"
                  "<text x=\"%d\" y=\"%d\">Equality</text></g>",
                  L_LEGEND, y - 4, L_LEGEND + 28, y - 4, L_LEGEND + 36, y);
}

enum ac_status ac_power_svg_lorenz(const struct ac_power_report *r,
                                   struct ac_buf *out, struct ac_err *err)
{
    open_svg(out, "power-lorenz", L_WIDTH, L_HEIGHT);
    ac_buf_add_c(out, "<title id=\"power-lorenz-title\">Lorenz curves of ");
    scope(out, r);
    ac_buf_add_c(out, ", ");
    period(out, r);
    ac_buf_printf(out,
                  "</title><desc id=\"power-lorenz-desc\">One curve per "
                  "measure over the %zu members: a point (x, y) says that "
                  "the share x of the members, counted from those with the "
                  "least, holds the share y of the total. The dashed "
                  "diagonal is equality; the further a curve bows below "
                  "it, the more the measure is held by few members.",
                  r->n);
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        ac_buf_putc(out, ' ');
        lorenz_label(out, r, (enum ac_dim)d);
        ac_buf_putc(out, '.');
    }
    ac_buf_printf(out,
                  "</desc><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                  "<text x=\"20\" y=\"28\" font-size=\"16\" "
                  "font-weight=\"bold\">Lorenz curves: ",
                  L_WIDTH, L_HEIGHT);
    scope(out, r);
    ac_buf_add_c(out, ", ");
    period(out, r);
    ac_buf_add_c(out, "</text>");
    lorenz_axes(out);
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        const struct ac_dist *dist = &r->dist[d];
        /* with nothing to share the curve is the diagonal: the legend
         * says so instead of hiding the equality line under it */
        if (!(dist->total > 0) || dist->lorenz_count < 2) {
            continue;
        }
        ac_buf_add_c(out, "<polyline fill=\"none\" stroke-width=\"2.5\" "
                          "stroke-linejoin=\"round\"");
        stroke(out, (enum ac_dim)d);
        ac_buf_add_c(out, " points=\"");
        for (size_t i = 0; i < dist->lorenz_count; i++) {
            if (i > 0) {
                ac_buf_putc(out, ' ');
            }
            lorenz_point(out, dist->lorenz[i][0], dist->lorenz[i][1]);
        }
        ac_buf_add_c(out, "\"><title>");
        lorenz_label(out, r, (enum ac_dim)d);
        ac_buf_add_c(out, "</title></polyline>");
    }
    lorenz_legend(out, r);
    ac_buf_add_c(out, "</svg>\n");
    return finish(out, err);
}

/* ---- bars per member ---- */

#define B_WIDTH 720
#define B_TOP 50    /* first row's top */
#define B_ROW 24    /* pixels per row */
#define B_LABEL 250 /* right edge of the member ids */
#define B_LEFT 260  /* bars' left edge */
#define B_SPAN 360  /* the longest bar */

struct bar {
    double value; /* not finite counts as -1 */
    size_t at;    /* index in the report */
};

static void bars_axis(struct ac_buf *b, double max, int y)
{
    ac_buf_printf(b,
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                  "stroke=\"" INK "\"/>",
                  B_LEFT, y, B_LEFT + B_SPAN, y);
    for (int i = 0; i < 3; i++) {
        int x = B_LEFT + B_SPAN * i / 2;
        ac_buf_printf(b,
                      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                      "stroke=\"" INK "\"/><text x=\"%d\" y=\"%d\" "
                      "text-anchor=\"middle\" fill=\"" MUTED "\">",
                      x, y, x, y + 6, x, y + 20);
        value(b, max * i / 2);
        ac_buf_add_c(b, "</text>");
    }
}

enum ac_status ac_power_svg_bars(const struct ac_power_report *r, enum ac_dim d,
                                 size_t bar_max, struct ac_buf *out,
                                 struct ac_err *err)
{
    struct bar *order = NULL;
    size_t shown = r->n < bar_max ? r->n : bar_max, rows = shown ? shown : 1;
    double max = 0;
    int height, axis_y;
    enum ac_status st = AC_OK;

    if ((unsigned)d >= AC_DIM_COUNT) {
        return ac_err_at(err, "dim", AC_EINVAL, "dim: no such measure");
    }
    order = malloc((r->n ? r->n : 1) * sizeof *order);
    if (!order) {
        st = ac_err_set(err, AC_ENOMEM, "chart: out of memory");
        goto out;
    }
    for (size_t i = 0; i < r->n; i++) {
        double x = r->values[d][i];
        order[i] = (struct bar){isfinite(x) ? x : -1, i};
        if (order[i].value > max) {
            max = order[i].value;
        }
    }
    /* in the report's order, the order members joined: the bars show
     * each member's value, they do not rank anyone */
    axis_y = B_TOP + (int)rows * B_ROW + 4;
    height = axis_y + 34 + (r->n > shown ? B_ROW : 0);

    open_svg(out, "power-bars", B_WIDTH, height);
    ac_buf_add_c(out, "<title id=\"power-bars-title\">");
    text(out, ac_str_c(ac_dim_title(d)));
    ac_buf_add_c(out, " per member, ");
    scope(out, r);
    ac_buf_add_c(out, ", ");
    period(out, r);
    ac_buf_add_c(out, "</title><desc id=\"power-bars-desc\">");
    if (r->n == 0) {
        ac_buf_add_c(out, "No members to show.");
    } else {
        ac_buf_add_c(out, "Horizontal bars, in the order members joined: ");
        for (size_t k = 0; k < shown; k++) {
            ac_buf_add_c(out, k ? ", " : "");
            text(out, r->members[order[k].at]->id);
            ac_buf_putc(out, ' ');
            value(out, r->values[d][order[k].at]);
        }
        if (r->n > shown) {
            ac_buf_printf(out, "%sand %zu more", shown ? ", " : "",
                          r->n - shown);
        }
        ac_buf_putc(out, '.');
    }
    ac_buf_printf(out,
                  "</desc><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                  "<text x=\"20\" y=\"28\" font-size=\"16\" "
                  "font-weight=\"bold\">",
                  B_WIDTH, height);
    text(out, ac_str_c(ac_dim_title(d)));
    ac_buf_add_c(out, " per member: ");
    scope(out, r);
    ac_buf_add_c(out, ", ");
    period(out, r);
    ac_buf_add_c(out, "</text>");
    if (r->n == 0) {
        ac_buf_printf(out,
                      "<text x=\"%d\" y=\"%d\" fill=\"" MUTED "\">No "
                      "members to show</text>",
                      B_LEFT, B_TOP + 16);
    }
    for (size_t k = 0; k < shown; k++) {
        struct ac_str id = r->members[order[k].at]->id;
        double x = r->values[d][order[k].at];
        double w =
            max > 0 && order[k].value > 0 ? order[k].value / max * B_SPAN : 0;
        int top = B_TOP + (int)k * B_ROW;
        ac_buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                      B_LABEL, top + 15);
        text(out, id);
        ac_buf_printf(out,
                      "</text><rect x=\"%d\" y=\"%d\" height=\"16\" "
                      "fill=\"" BAR "\" width=\"",
                      B_LEFT, top + 2);
        ac_page_fixed(out, w, 1);
        ac_buf_add_c(out, "\"><title>");
        text(out, id);
        ac_buf_add_c(out, ": ");
        value(out, x);
        ac_buf_add_c(out, "</title></rect><text x=\"");
        ac_page_fixed(out, B_LEFT + w + 6, 1);
        ac_buf_printf(out, "\" y=\"%d\">", top + 15);
        value(out, x);
        ac_buf_add_c(out, "</text>");
    }
    bars_axis(out, max, axis_y);
    if (r->n > shown) {
        ac_buf_printf(out,
                      "<text x=\"%d\" y=\"%d\" fill=\"" MUTED "\">and %zu "
                      "more</text>",
                      B_LEFT, axis_y + 50, r->n - shown);
    }
    ac_buf_add_c(out, "</svg>\n");
    st = finish(out, err);
out:
    free(order);
    return st;
}
