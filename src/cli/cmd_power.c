/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord power: the balance of power (docs/power.md) from the server
 * (GET /api/v1/power) or, given FILE, from an exported log replayed here.
 * Both ways end in the same JSON, which the table and the SVG read. */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/ascii.h"
#include "base/buf.h"
#include "base/time.h"
#include "cli/client.h"
#include "http/power_view.h"
#include "store/log.h"

#define DAYS_MAX 36500
#define BARS_MAX 40 /* members in the SVG's bars */

/* The report of an exported log as the server would answer it, at the
 * time of the log's last event (so the same log always gives the same
 * figures). */
static enum ac_status from_file(const char *path, const char *circle,
                                int64_t days, json_t **out, struct ac_err *err)
{
    struct ac_arena arena, work;
    struct ac_state s;
    struct ac_power_report r;
    int64_t count;
    char head[AC_HEX_LEN + 1];
    enum ac_status st;

    ac_arena_init(&arena, 0);
    ac_arena_init(&work, 0);
    ac_state_init(&s, &arena);
    st = ac_log_replay_path(path, &s, &count, head, err);
    if (st == AC_OK) {
        st = ac_power_report(&s, ac_str_c(circle),
                             days ? s.time - days * AC_MS_PER_DAY : 0, s.time,
                             &work, &r, err);
        if (st == AC_ENOTFOUND) {
            st = ac_err_set(err, AC_ENOTFOUND, "%s has no circle \"%.40s\"",
                            path, circle);
        }
    }
    if (st == AC_OK && !(*out = ac_power_json(&s, &r, days))) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    ac_arena_release(&work);
    ac_arena_release(&arena);
    return st;
}

/* ---- plain text ---- */

static void cell(double v, const char *fmt)
{
    if (isfinite(v)) {
        printf(fmt, v);
    } else {
        printf("%9s", "-");
    }
}

static double real_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void print_table(const json_t *j, bool explain)
{
    const json_t *measures = json_object_get(j, "measures");
    const json_t *graph = json_object_get(j, "graph");
    const json_t *alerts = json_object_get(j, "alerts");
    const json_t *rotation = json_object_get(j, "rotation");
    const json_t *days = json_object_get(j, "days");
    size_t i;
    const json_t *al;

    printf("circle %s, %" PRId64 " members, %s\n",
           json_string_value(json_object_get(j, "circle")),
           (int64_t)json_integer_value(json_object_get(j, "members")),
           json_is_integer(days) ? "" : "all time");
    if (json_is_integer(days)) {
        printf("the last %" PRId64 " days\n",
               (int64_t)json_integer_value(days));
    }
    printf("\n%-22s %9s %9s %9s %9s %9s %9s %9s\n", "MEASURE", "TOTAL", "GINI",
           "HHI", "EFFECTIVE", "TOP10", "PALMA", "NAKAMOTO");
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        const json_t *m =
            json_object_get(measures, ac_dim_name((enum ac_dim)d));
        printf("%-22s", ac_dim_name((enum ac_dim)d));
        cell(real_of(m, "total"), " %9.4g");
        cell(real_of(m, "gini"), " %9.3f");
        cell(real_of(m, "hhi"), " %9.3f");
        cell(real_of(m, "effective_members"), " %9.2f");
        cell(real_of(m, "top10_share"), " %9.3f");
        cell(real_of(m, "palma"), " %9.3f");
        printf(" %9" PRId64 "\n",
               (int64_t)json_integer_value(json_object_get(m, "nakamoto")));
        if (explain) {
            const json_t *ex = json_object_get(m, "explain");
            /* with nothing counted every sentence says so: once is enough */
            int figures = real_of(m, "total") > 0 ? AC_FIG_COUNT : 1;
            for (int f = 0; f < figures; f++) {
                printf("    %s: %s\n", ac_figure_name((enum ac_figure)f),
                       json_string_value(json_object_get(
                           ex, ac_figure_name((enum ac_figure)f))));
            }
        }
    }
    printf("\ninteraction graph: %" PRId64 " members, %" PRId64 " ties\n",
           (int64_t)json_integer_value(json_object_get(graph, "nodes")),
           (int64_t)json_integer_value(json_object_get(graph, "edges")));
    for (int f = 0; f < AC_GFIG_COUNT; f++) {
        const char *name = ac_graph_figure_name((enum ac_graph_figure)f);
        printf("  %-28s", name);
        cell(real_of(graph, name), " %9.3f");
        if (explain) {
            printf("\n    %s", json_string_value(json_object_get(
                                   json_object_get(graph, "explain"), name)));
        }
        putchar('\n');
    }
    if (json_array_size(alerts) == 0) {
        puts("\nno power alerts open");
    } else {
        puts("\npower alerts open:");
    }
    json_array_foreach(alerts, i, al)
    {
        char members[512];
        ac_client_text(json_object_get(al, "members"), members, sizeof members);
        printf("  %s in %s: %" PRId64 " (alert at %" PRId64 " %s) since %s; "
               "members: %s\n",
               json_string_value(json_object_get(al, "measure")),
               json_string_value(json_object_get(al, "circle")),
               (int64_t)json_integer_value(json_object_get(al, "value")),
               (int64_t)json_integer_value(json_object_get(al, "threshold")),
               json_string_value(json_object_get(al, "unit")),
               json_string_value(json_object_get(al, "since")), members);
    }
    if (json_array_size(rotation) > 0) {
        puts("\npast a rotation limit:");
        json_array_foreach(rotation, i, al)
        {
            printf(
                "  %s holds %s: %" PRId64 " terms in a row, %" PRId64
                " roles at once\n",
                json_string_value(json_object_get(al, "member")),
                json_string_value(json_object_get(al, "role")),
                (int64_t)json_integer_value(
                    json_object_get(al, "terms_in_a_row")),
                (int64_t)json_integer_value(json_object_get(al, "roles_held")));
        }
    }
}

/* ---- SVG: the report read back from its JSON ---- */

/* Rebuilds what the SVG drawings read (members, values, Lorenz curves)
 * from the JSON of a report. Memory from a. */
static enum ac_status report_of(const json_t *j, struct ac_arena *a,
                                struct ac_power_report *r, struct ac_err *err)
{
    const json_t *measures = json_object_get(j, "measures");
    const json_t *first = json_object_get(
        json_object_get(measures, ac_dim_name(AC_DIM_PROPOSALS_AUTHORED)),
        "per_member");
    struct ac_member *members;
    const char *key;
    const json_t *v;
    size_t i = 0;

    memset(r, 0, sizeof *r);
    if (!json_is_object(first)) {
        return ac_err_set(err, AC_EIO, "the answer has no measures");
    }
    r->circle = ac_arena_str(
        a, ac_str_c(json_string_value(json_object_get(j, "circle"))
                        ? json_string_value(json_object_get(j, "circle"))
                        : "?"));
    r->n = json_object_size(first);
    members = ac_arena_alloc(a, (r->n + 1) * sizeof *members);
    r->members = ac_arena_alloc(a, (r->n + 1) * sizeof *r->members);
    if (!members || !r->members) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    json_object_foreach((json_t *)first, key, v)
    {
        members[i].id = ac_arena_str(a, ac_str_c(key));
        r->members[i] = &members[i];
        i++;
    }
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        const json_t *m =
            json_object_get(measures, ac_dim_name((enum ac_dim)d));
        const json_t *per = json_object_get(m, "per_member");
        const json_t *lorenz = json_object_get(m, "lorenz");
        struct ac_dist *x = &r->dist[d];
        if (!(r->values[d] = ac_arena_alloc(a, (r->n + 1) * sizeof(double)))) {
            return ac_err_set(err, AC_ENOMEM, "out of memory");
        }
        for (size_t k = 0; k < r->n; k++) {
            r->values[d][k] = real_of(per, members[k].id.ptr);
        }
        x->n = r->n;
        x->total = real_of(m, "total");
        x->gini = real_of(m, "gini");
        x->hhi = real_of(m, "hhi");
        x->effective = real_of(m, "effective_members");
        x->top10 = real_of(m, "top10_share");
        x->bottom40 = real_of(m, "bottom40_share");
        x->palma = real_of(m, "palma");
        x->nakamoto =
            (size_t)json_integer_value(json_object_get(m, "nakamoto"));
        x->lorenz_count = json_array_size(lorenz);
        if (x->lorenz_count > AC_LORENZ_MAX) {
            return ac_err_set(err, AC_EIO,
                              "the answer's Lorenz curve of %s "
                              "has too many points",
                              ac_dim_name((enum ac_dim)d));
        }
        for (size_t k = 0; k < x->lorenz_count; k++) {
            x->lorenz[k][0] =
                json_number_value(json_array_get(json_array_get(lorenz, k), 0));
            x->lorenz[k][1] =
                json_number_value(json_array_get(json_array_get(lorenz, k), 1));
        }
    }
    return AC_OK;
}

/* Appends the SVG document doc as a nested <svg> placed y units down:
 * the XML declaration dropped, a y attribute added. */
static void nest(struct ac_buf *out, struct ac_buf *doc, int y)
{
    struct ac_str s = ac_buf_str(doc);
    const char *open;
    if (s.len >= 5 && memcmp(s.ptr, "<?xml", 5) == 0) {
        const char *end = memchr(s.ptr, '>', s.len);
        size_t skip = end ? (size_t)(end - s.ptr) + 1 : 0;
        s.ptr += skip;
        s.len -= skip;
    }
    open = memchr(s.ptr, '<', s.len);
    if (!open || s.len - (size_t)(open - s.ptr) < 4 ||
        memcmp(open, "<svg", 4) != 0) {
        return;
    }
    ac_buf_printf(out, "<svg y=\"%d\"", y);
    ac_buf_add(out, open + 4, s.len - (size_t)(open - s.ptr) - 4);
    ac_buf_add_c(out, "\n");
}

/* The width or height (attr: " width=\"" or " height=\"") an SVG
 * document declares first, or fallback. */
static int size_of(struct ac_buf *doc, const char *attr, int fallback)
{
    struct ac_str s = ac_buf_str(doc);
    size_t k = strlen(attr);
    const char *h = NULL;
    int64_t v;
    for (size_t i = 0; i + k < s.len; i++) {
        if (memcmp(s.ptr + i, attr, k) == 0) {
            h = s.ptr + i + k;
            break;
        }
    }
    if (h) {
        const char *end = memchr(h, '"', (size_t)(s.ptr + s.len - h));
        size_t n = end ? (size_t)(end - h) : 0;
        while (n > 0 && (h[n - 1] < '0' || h[n - 1] > '9')) {
            n--; /* "480px" */
        }
        if (ac_parse_i64((struct ac_str){h, n}, 1, 100000, &v, NULL) == AC_OK) {
            return (int)v;
        }
    }
    return fallback;
}

static enum ac_status write_svg(const json_t *j, const char *path,
                                enum ac_dim dim, struct ac_err *err)
{
    struct ac_arena a;
    struct ac_power_report r;
    struct ac_buf lorenz, bars, out;
    FILE *f = NULL;
    int h1, h2, w;
    enum ac_status st;

    ac_arena_init(&a, 0);
    ac_buf_init(&lorenz, 0);
    ac_buf_init(&bars, 0);
    ac_buf_init(&out, 0);
    st = report_of(j, &a, &r, err);
    if (st == AC_OK) {
        st = ac_power_svg_lorenz(&r, &lorenz, err);
    }
    if (st == AC_OK) {
        st = ac_power_svg_bars(&r, dim, BARS_MAX, &bars, err);
    }
    if (st == AC_OK) {
        h1 = size_of(&lorenz, " height=\"", 480);
        h2 = size_of(&bars, " height=\"", 480);
        w = size_of(&lorenz, " width=\"", 760);
        if (size_of(&bars, " width=\"", 760) > w) {
            w = size_of(&bars, " width=\"", 760);
        }
        ac_buf_printf(&out,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
                      "<title>Balance of power: %.*s</title>\n",
                      w, h1 + h2 + 20, w, h1 + h2 + 20, (int)r.circle.len,
                      r.circle.ptr);
        nest(&out, &lorenz, 0);
        nest(&out, &bars, h1 + 20);
        ac_buf_add_c(&out, "</svg>\n");
        if (out.status != AC_OK) {
            st = ac_err_set(err, AC_ENOMEM, "out of memory");
        }
    }
    if (st == AC_OK && !(f = fopen(path, "wb"))) {
        st = ac_err_set(err, AC_EIO, "cannot write %s: %s", path,
                        strerror(errno));
    }
    if (st == AC_OK) {
        struct ac_str s = ac_buf_str(&out);
        if (fwrite(s.ptr, 1, s.len, f) != s.len) {
            st = ac_err_set(err, AC_EIO, "cannot write %s: %s", path,
                            strerror(errno));
        }
    }
    if (f && fclose(f) != 0 && st == AC_OK) {
        st = ac_err_set(err, AC_EIO, "cannot write %s: %s", path,
                        strerror(errno));
    }
    ac_buf_release(&lorenz);
    ac_buf_release(&bars);
    ac_buf_release(&out);
    ac_arena_release(&a);
    return st;
}

enum ac_status ac_cli_power(struct ac_cli_args *a, struct ac_err *err)
{
    const char *circle = ac_cli_get(a, "--circle");
    const char *days_arg = ac_cli_get(a, "--days");
    const char *dim_arg = ac_cli_get(a, "--dim");
    const char *svg = ac_cli_get(a, "--svg");
    int64_t days = 0;
    enum ac_dim dim = AC_DIM_PROPOSALS_ADOPTED;
    json_t *j = NULL;
    enum ac_status st;

    if (days_arg &&
        ac_parse_i64(ac_str_c(days_arg), 1, DAYS_MAX, &days, NULL) != AC_OK) {
        return AC_CLI_USAGE(
            a, err, "--days must be a whole number from 1 to %d", DAYS_MAX);
    }
    if (dim_arg && !ac_dim_parse(ac_str_c(dim_arg), &dim)) {
        return AC_CLI_USAGE(a, err,
                            "--dim \"%.40s\" is not a measure: give one of "
                            "proposals_authored, proposals_adopted, "
                            "objections_raised, objections_integrated, "
                            "participation, role_days, roles_held, "
                            "delegated_weight, money_controlled",
                            dim_arg);
    }
    if (dim_arg && !svg) {
        return AC_CLI_USAGE(a, err,
                            "--dim chooses the bars of --svg: give "
                            "--svg OUT too");
    }
    if (svg && !*svg) {
        return AC_CLI_USAGE(a, err, "--svg needs a file name");
    }
    if (a->pos_count == 1) {
        st = from_file(a->pos[0], circle ? circle : AC_ROOT_CIRCLE, days, &j,
                       err);
        if (st == AC_OK && ac_cli_has(a, "--json")) {
            char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
            if (!text) {
                st = ac_err_set(err, AC_ENOMEM, "out of memory");
            } else {
                printf("%s\n", text);
                free(text);
            }
            if (!svg) {
                json_decref(j);
                return st;
            }
        }
    } else {
        char path[256], c[128] = "", d[24] = "";
        struct ac_cli_args call = *a;
        if (circle && !ac_client_escape(circle, c, sizeof c)) {
            return AC_CLI_USAGE(a, err, "--circle is too long");
        }
        if (days) {
            snprintf(d, sizeof d, "&days=%" PRId64, days);
        }
        snprintf(path, sizeof path, "/power?circle=%s%s",
                 circle ? c : AC_ROOT_CIRCLE, d);
        if (svg) {
            /* the SVG needs the answer parsed, --json or not */
            for (size_t i = 0; call.opts[i].name; i++) {
                if (strcmp(call.opts[i].name, "--json") == 0) {
                    call.values[i] = NULL;
                }
            }
        }
        st = ac_client_call(&call, "GET", path, NULL, &j, err);
        if (st == AC_OK && svg && ac_cli_has(a, "--json")) {
            char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
            printf("%s\n", text ? text : "null");
            free(text);
        }
    }
    if (st == AC_OK && j && !ac_cli_has(a, "--json")) {
        print_table(j, ac_cli_has(a, "--explain"));
    }
    if (st == AC_OK && j && svg) {
        st = write_svg(j, svg, dim, err);
        if (st == AC_OK && !ac_cli_has(a, "--json")) {
            printf("\nwrote %s\n", svg);
        }
    }
    json_decref(j);
    return st;
}
