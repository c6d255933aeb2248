/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The page layer (page.h): escaping, layout, forms, Markdown, diff and
 * SVG charts. All text from outside this program passes ac_page_escape. */
#include "http/page.h"

#include <cmark-gfm.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"

#define DIFF_MAX_LINES 2000 /* per side; longer texts show as replaced */

void ac_page_init(struct ac_page *pg)
{
    memset(pg, 0, sizeof *pg);
    ac_buf_init(&pg->out, AC_PAGE_MAX);
}

void ac_page_release(struct ac_page *pg)
{
    ac_buf_release(&pg->out);
}

void ac_page_escape(struct ac_buf *b, struct ac_str s)
{
    size_t run = 0;
    for (size_t i = 0; i < s.len; i++) {
        const char *ent = NULL;
        switch (s.ptr[i]) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        case '\0':
            ent = "";
            break;
        default:
            break;
        }
        if (ent) {
            ac_buf_add(b, s.ptr + run, i - run);
            ac_buf_add_c(b, ent);
            run = i + 1;
        }
    }
    ac_buf_add(b, s.ptr + run, s.len - run);
}

void ac_page_fixed(struct ac_buf *b, double v, int decimals)
{
    static const long long scale[] = {1, 10, 100, 1000, 10000};
    long long s;

    if (!isfinite(v)) {
        ac_buf_add_c(b, "\xe2\x80\x94");
        return;
    }
    if (decimals < 0 || decimals > 4) {
        decimals = 4;
    }
    if (fabs(v) >= 1e14) {
        /* past what the scaled integer holds exactly: %.0f has no decimal
         * point, so the locale cannot change it */
        ac_buf_printf(b, "%.0f", v);
        return;
    }
    s = llround(v * (double)scale[decimals]);
    if (s < 0) {
        ac_buf_putc(b, '-');
        s = -s;
    }
    ac_buf_printf(b, "%lld", s / scale[decimals]);
    if (decimals > 0) {
        ac_buf_printf(b, ".%0*lld", decimals, s % scale[decimals]);
    }
}

void ac_page_printf(struct ac_page *pg, const char *fmt, ...)
{
    struct ac_buf *b = &pg->out;
    const char *p = fmt;
    va_list ap;

    va_start(ap, fmt);
    while (*p) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            ac_buf_add_c(b, p);
            break;
        }
        ac_buf_add(b, p, (size_t)(pct - p));
        p = pct + 1;
        if (*p == '%') {
            ac_buf_putc(b, '%');
            p++;
        } else if (strncmp(p, ".*s", 3) == 0) {
            int n = va_arg(ap, int);
            const char *s = va_arg(ap, const char *);
            ac_page_escape(b, (struct ac_str){s, n > 0 ? (size_t)n : 0});
            p += 3;
        } else if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
            /* %.Ns: at most N bytes of the string */
            size_t max = 0, n;
            const char *str;
            for (p++; *p >= '0' && *p <= '9'; p++) {
                max = max * 10 + (size_t)(*p - '0');
            }
            if (*p != 's') {
                b->status = AC_EINVAL;
                break;
            }
            p++;
            str = va_arg(ap, const char *);
            n = strnlen(str, max);
            ac_page_escape(b, (struct ac_str){str, n});
        } else if (*p == 's') {
            ac_page_escape(b, ac_str_c(va_arg(ap, const char *)));
            p++;
        } else if (*p == 'd') {
            ac_buf_printf(b, "%d", va_arg(ap, int));
            p++;
        } else if (*p == 'u') {
            ac_buf_printf(b, "%u", va_arg(ap, unsigned));
            p++;
        } else if (strncmp(p, "zu", 2) == 0) {
            ac_buf_printf(b, "%zu", va_arg(ap, size_t));
            p += 2;
        } else if (strncmp(p, "ld", 2) == 0) {
            ac_buf_printf(b, "%ld", va_arg(ap, long));
            p += 2;
        } else if (strncmp(p, "lld", 3) == 0) {
            ac_buf_printf(b, "%lld", va_arg(ap, long long));
            p += 3;
        } else {
            /* A conversion this writer does not know is a bug: the format
             * attribute lets the compiler catch most of them; the page
             * then fails instead of showing half a value. */
            b->status = AC_EINVAL;
            break;
        }
    }
    va_end(ap);
}

void ac_page_text(struct ac_page *pg, struct ac_str s)
{
    ac_page_escape(&pg->out, s);
}

void ac_page_raw(struct ac_page *pg, const char *markup)
{
    ac_buf_add_c(&pg->out, markup);
}

void ac_page_time(struct ac_page *pg, int64_t ms)
{
    char t[AC_TIME_LEN + 1];
    ac_time_format(t, ms);
    /* "2026-11-28T06:00:00.000Z" -> "2026-11-28 06:00 UTC" */
    ac_page_printf(pg, "<time datetime=\"%s\">%.10s %.5s UTC</time>", t, t,
                   t + 11);
}

/* ---- layout ---- */

struct nav_item {
    const char *path;  /* href */
    const char *label; /* shown */
};

static const struct nav_item nav[] = {
    {"/", "Home"},
    {"/proposals", "Proposals"},
    {"/proposals/new", "New proposal"},
    {"/agreements", "Agreements"},
    {"/charter", "Charter"},
    {"/members", "Members"},
    {"/circles", "Circles"},
    {"/roles", "Roles"},
    {"/delegations", "Delegations"},
    {"/commitments", "Commitments"},
    {"/ledger", "Ledger"},
    {"/power", "Power"},
    {"/log", "Log"},
    {"/notifications", "Notifications"},
};

void ac_page_begin(struct ac_page *pg, const char *title, const char *current)
{
    ac_page_printf(pg,
                   "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                   "<meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" "
                   "content=\"width=device-width, initial-scale=1\">"
                   "<title>%s · accord</title>"
                   "<link rel=\"stylesheet\" href=\"/static/style.css\">"
                   "</head><body>"
                   "<a class=\"skip\" href=\"#main\">Skip to content</a>"
                   "<header class=\"top\"><div class=\"wrap\">"
                   "<a class=\"brand\" href=\"/\">accord</a>",
                   title);
    if (pg->member[0]) {
        ac_page_raw(pg, "<nav aria-label=\"Main\"><ul>");
        for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
            bool here = current && strcmp(current, nav[i].path) == 0;
            if (here) {
                ac_page_printf(pg,
                               "<li><a href=\"%s\" aria-current=\"page\">%s"
                               "</a></li>",
                               nav[i].path, nav[i].label);
            } else {
                ac_page_printf(pg, "<li><a href=\"%s\">%s</a></li>",
                               nav[i].path, nav[i].label);
            }
        }
        ac_page_raw(pg, "</ul></nav>");
        ac_page_printf(pg,
                       "<div class=\"who\">Signed in as <strong>%s</strong>",
                       pg->member);
        ac_page_form_begin(pg, "/logout", "inline");
        ac_page_form_end(pg, "Sign out");
        ac_page_raw(pg, "</div>");
    }
    ac_page_printf(pg,
                   "</div></header><main id=\"main\" class=\"wrap\">"
                   "<h1>%s</h1>",
                   title);
}

void ac_page_end(struct ac_page *pg)
{
    ac_page_raw(pg, "</main><footer class=\"wrap\">");
    if (pg->member[0]) {
        ac_page_printf(pg,
                       "<p>Log head: event <strong>%lld</strong>, hash "
                       "<code class=\"hash\">%s</code> "
                       "<a href=\"/log\">browse the log</a></p>",
                       (long long)pg->seq, pg->head);
    }
    ac_page_raw(pg, "</footer></body></html>\n");
}

/* ---- forms ---- */

void ac_page_form_begin(struct ac_page *pg, const char *action, const char *cls)
{
    ac_page_printf(pg,
                   "<form method=\"post\" action=\"%s\" class=\"%s\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
                   action, cls ? cls : "", pg->csrf);
}

void ac_page_form_end(struct ac_page *pg, const char *button)
{
    ac_page_printf(pg, "<button type=\"submit\">%s</button></form>", button);
}

void ac_page_form_error(struct ac_page *pg)
{
    if (pg->err_msg) {
        ac_page_printf(pg,
                       "<div class=\"error\" role=\"alert\" id=\"form-error\">"
                       "<strong>Not done:</strong> %s</div>",
                       pg->err_msg);
    }
}

void ac_page_field_error(struct ac_page *pg, const char *name)
{
    if (pg->err_msg && pg->err_field && strcmp(pg->err_field, name) == 0) {
        ac_page_printf(pg, "<p class=\"field-error\" id=\"%s-error\">%s</p>",
                       name, pg->err_msg);
    }
}

struct ac_str ac_page_value(const struct ac_page *pg, const char *name,
                            struct ac_str def)
{
    const char *v = pg->from ? ac_web_field(pg->from, name) : NULL;
    return v ? ac_str_c(v) : def;
}

static bool has_error(const struct ac_page *pg, const char *name)
{
    return pg->err_msg && pg->err_field && strcmp(pg->err_field, name) == 0;
}

static void label_and_hint(struct ac_page *pg, const char *name,
                           const char *label, const char *hint)
{
    ac_page_printf(pg, "<label for=\"f-%s\">%s</label>", name, label);
    if (hint) {
        ac_page_printf(pg, "<p class=\"hint\" id=\"%s-hint\">%s</p>", name,
                       hint);
    }
    ac_page_field_error(pg, name);
}

static void described_by(struct ac_page *pg, const char *name, const char *hint)
{
    bool err = has_error(pg, name);
    if (hint && err) {
        ac_page_printf(pg,
                       " aria-describedby=\"%s-hint %s-error\" "
                       "aria-invalid=\"true\"",
                       name, name);
    } else if (err) {
        ac_page_printf(
            pg, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", name);
    } else if (hint) {
        ac_page_printf(pg, " aria-describedby=\"%s-hint\"", name);
    }
}

void ac_page_input(struct ac_page *pg, const char *type, const char *name,
                   const char *label, struct ac_str def, bool required,
                   const char *hint)
{
    struct ac_str v = ac_page_value(pg, name, def);
    ac_page_raw(pg, "<div class=\"field\">");
    label_and_hint(pg, name, label, hint);
    ac_page_printf(pg, "<input type=\"%s\" id=\"f-%s\" name=\"%s\"", type, name,
                   name);
    if (strcmp(type, "password") != 0) {
        ac_page_printf(pg, " value=\"%.*s\"", (int)v.len, v.ptr);
    }
    if (required) {
        ac_page_raw(pg, " required");
    }
    described_by(pg, name, hint);
    ac_page_raw(pg, "></div>");
}

void ac_page_textarea_n(struct ac_page *pg, const char *name, size_t n,
                        const char *label, bool required, const char *hint)
{
    ac_page_printf(pg,
                   "<div class=\"field\"><label for=\"f-%s-%zu\">%s</label>",
                   name, n, label);
    if (hint) {
        ac_page_printf(pg, "<p class=\"hint\" id=\"%s-%zu-hint\">%s</p>", name,
                       n, hint);
    }
    ac_page_printf(pg, "<textarea id=\"f-%s-%zu\" name=\"%s\" rows=\"4\"%s",
                   name, n, name, required ? " required" : "");
    if (hint) {
        ac_page_printf(pg, " aria-describedby=\"%s-%zu-hint\"", name, n);
    }
    ac_page_raw(pg, "></textarea></div>");
}

void ac_page_textarea(struct ac_page *pg, const char *name, const char *label,
                      struct ac_str def, bool required, const char *hint)
{
    struct ac_str v = ac_page_value(pg, name, def);
    ac_page_raw(pg, "<div class=\"field\">");
    label_and_hint(pg, name, label, hint);
    ac_page_printf(pg, "<textarea id=\"f-%s\" name=\"%s\" rows=\"10\"", name,
                   name);
    if (required) {
        ac_page_raw(pg, " required");
    }
    described_by(pg, name, hint);
    ac_page_printf(pg, ">%.*s</textarea></div>", (int)v.len, v.ptr);
}

/* ---- Markdown ---- */

/* Moves every heading of the document one level down (h6 stays h6), so
 * that a text's "# Title" does not compete with the page's own h1. */
static void demote_headings(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    if (!it) {
        return;
    }
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER &&
            cmark_node_get_type(n) == CMARK_NODE_HEADING) {
            int level = cmark_node_get_heading_level(n);
            cmark_node_set_heading_level(n, level < 6 ? level + 1 : 6);
        }
    }
    cmark_iter_free(it);
}

void ac_page_markdown(struct ac_page *pg, struct ac_str md)
{
    /* Without CMARK_OPT_UNSAFE raw HTML becomes a comment and links with
     * javascript:, vbscript:, file: or data: (except images) are emptied. */
    cmark_node *doc =
        cmark_parse_document(md.ptr ? md.ptr : "", md.len, CMARK_OPT_DEFAULT);
    char *html = NULL;
    if (doc) {
        demote_headings(doc);
        html = cmark_render_html(doc, CMARK_OPT_DEFAULT, NULL);
        cmark_node_free(doc);
    }
    ac_page_raw(pg, "<div class=\"md\">");
    if (html) {
        ac_page_raw(pg, html);
        free(html);
    } else {
        pg->out.status = AC_ENOMEM;
    }
    ac_page_raw(pg, "</div>");
}

/* ---- diff ---- */

static size_t split_lines(struct ac_str s, struct ac_str *out, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= s.len && n < max; i++) {
        if (i == s.len || s.ptr[i] == '\n') {
            if (i == s.len && start == s.len && n > 0) {
                break;
            }
            out[n++] = (struct ac_str){s.ptr + start, i - start};
            start = i + 1;
        }
    }
    return n;
}

static size_t count_lines(struct ac_str s)
{
    size_t n = 1;
    for (size_t i = 0; i < s.len; i++) {
        n += s.ptr[i] == '\n';
    }
    return n;
}

static void diff_line(struct ac_page *pg, char mark, struct ac_str line)
{
    if (mark == ' ') {
        ac_page_printf(pg, "<span class=\"keep\">  %.*s</span>\n",
                       (int)line.len, line.ptr);
    } else if (mark == '-') {
        ac_page_printf(pg, "<del>- %.*s</del>\n", (int)line.len, line.ptr);
    } else {
        ac_page_printf(pg, "<ins>+ %.*s</ins>\n", (int)line.len, line.ptr);
    }
}

void ac_page_diff(struct ac_page *pg, struct ac_str old_text,
                  struct ac_str new_text)
{
    size_t na = count_lines(old_text), nb = count_lines(new_text);
    struct ac_str *a = NULL, *b = NULL;
    uint32_t *lcs = NULL;

    ac_page_raw(pg, "<pre class=\"diff\">");
    if (na <= DIFF_MAX_LINES && nb <= DIFF_MAX_LINES) {
        a = calloc(na, sizeof *a);
        b = calloc(nb, sizeof *b);
        lcs = calloc((na + 1) * (nb + 1), sizeof *lcs);
    }
    if (!a || !b || !lcs) {
        ac_page_raw(pg, "<del>- (the whole earlier text)</del>\n"
                        "<ins>+ (the whole new text)</ins>");
        goto out;
    }
    na = split_lines(old_text, a, na);
    nb = split_lines(new_text, b, nb);
    /* lcs[i][j]: longest common subsequence of a[i..] and b[j..] */
    for (size_t i = na; i-- > 0;) {
        for (size_t j = nb; j-- > 0;) {
            uint32_t *cell = &lcs[i * (nb + 1) + j];
            if (ac_str_eq(a[i], b[j])) {
                *cell = lcs[(i + 1) * (nb + 1) + j + 1] + 1;
            } else {
                uint32_t down = lcs[(i + 1) * (nb + 1) + j];
                uint32_t right = lcs[i * (nb + 1) + j + 1];
                *cell = down > right ? down : right;
            }
        }
    }
    {
        size_t i = 0, j = 0;
        while (i < na || j < nb) {
            if (i < na && j < nb && ac_str_eq(a[i], b[j])) {
                diff_line(pg, ' ', a[i]);
                i++;
                j++;
            } else if (i < na && (j == nb || lcs[(i + 1) * (nb + 1) + j] >=
                                                 lcs[i * (nb + 1) + j + 1])) {
                /* removals first, as diff(1) shows them */
                diff_line(pg, '-', a[i]);
                i++;
            } else {
                diff_line(pg, '+', b[j]);
                j++;
            }
        }
    }
out:
    ac_page_raw(pg, "</pre>");
    free(a);
    free(b);
    free(lcs);
}

/* ---- charts ---- */

void ac_page_bars(struct ac_page *pg, const char *title,
                  const struct ac_page_bar *bars, size_t count, int64_t total)
{
    const int width = 600, height = 36;
    int64_t sum = 0, x = 0;

    for (size_t i = 0; i < count; i++) {
        sum += bars[i].value;
    }
    if (total < sum) {
        total = sum;
    }
    /* the first chart keeps the id "chart-title"; later ones count on */
    char id[32] = "chart-title";
    if (pg->charts++ > 0) {
        snprintf(id, sizeof id, "chart-title-%u", pg->charts);
    }
    ac_page_printf(pg,
                   "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/"
                   "2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
                   "aria-labelledby=\"%s\" "
                   "preserveAspectRatio=\"none\">"
                   "<title id=\"%s\">%s</title>"
                   "<rect class=\"bar-rest\" x=\"0\" y=\"0\" width=\"%d\" "
                   "height=\"%d\"/>",
                   width, height, id, id, title, width, height);
    for (size_t i = 0; total > 0 && i < count; i++) {
        int64_t w = bars[i].value * width / total;
        if (bars[i].value == 0) {
            continue;
        }
        ac_page_printf(pg,
                       "<rect class=\"%s\" x=\"%lld\" y=\"0\" width=\"%lld\" "
                       "height=\"%d\"><title>%s: %lld</title></rect>",
                       bars[i].cls, (long long)x, (long long)w, height,
                       bars[i].label, (long long)bars[i].value);
        x += w;
    }
    ac_page_raw(pg, "</svg><figcaption><ul class=\"legend\">");
    for (size_t i = 0; i < count; i++) {
        ac_page_printf(pg,
                       "<li><span class=\"swatch %s\" aria-hidden=\"true\">"
                       "</span>%s: <strong>%lld</strong></li>",
                       bars[i].cls, bars[i].label, (long long)bars[i].value);
    }
    if (total > sum) {
        ac_page_printf(pg,
                       "<li><span class=\"swatch bar-rest\" "
                       "aria-hidden=\"true\"></span>no position yet: "
                       "<strong>%lld</strong></li>",
                       (long long)(total - sum));
    }
    ac_page_printf(pg, "</ul><p>%s</p></figcaption></figure>", title);
}
