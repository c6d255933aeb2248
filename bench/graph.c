/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The interaction-graph figures of the power monitor on a given graph
 * (docs/performance.md#power): bench/graph.py times igraph and networkx
 * on the same graph and compares.
 *
 * usage: graph EDGES [--repeat N] [--pagerank OUT]
 *   EDGES  text: the node count on the first line, then one edge a line,
 *          "from to weight" (nodes 0..count-1, weight > 0)
 *   --repeat N     calls of ac_graph_compute, each in a fresh arena [3]
 *   --pagerank OUT writes the PageRank of every node, one a line
 * prints: nodes=N edges_in=M edges=E reciprocity=R indegree_gini=G
 *         pagerank_gini=P grc=C grc_estimated=0|1 read_s=S seconds=MEDIAN
 *         seconds_min=S seconds_runs=S,S,... build_s=S reciprocity_s=S
 *         indegree_gini_s=S pagerank_s=S grc_s=S measures_s=S
 * seconds is the whole call, from the unsorted edge list to every figure
 * (reciprocity, in-degree Gini, PageRank and its Gini, global reaching
 * centrality); the *_s after it are its steps, and measures_s reciprocity
 * plus PageRank on the built graph: what igraph's pagerank() and
 * reciprocity() do on a Graph already built. All are medians. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "core/powerstat.h"
#include "core/powerstat_int.h"

#define REPEAT_MAX 100

static void die(const char *msg, const char *path)
{
    fprintf(stderr, "graph: %s%s%s\n", msg, path ? ": " : "", path ? path : "");
    exit(1);
}

/* The whole file, NUL-terminated. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t room = 0, n = 0;
    if (!f) {
        die("cannot open", path);
    }
    for (;;) {
        size_t got;
        if (room - n < 65536 + 1) {
            char *b;
            room = room ? room * 2 : (size_t)1 << 20;
            if (!(b = realloc(buf, room))) {
                die("out of memory", NULL);
            }
            buf = b;
        }
        got = fread(buf + n, 1, room - n - 1, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        die("cannot read", path);
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static uint64_t read_uint(char **p, const char *path)
{
    char *end;
    unsigned long long v;
    while (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n') {
        (*p)++;
    }
    v = strtoull(*p, &end, 10);
    if (end == *p) {
        die("not an edge list", path);
    }
    *p = end;
    return (uint64_t)v;
}

/* When each step of one call ended (bench_now), by enum ac_graph_step. */
static double step_end[AC_GRAPH_GRC + 1];

static void step_ended(void *ctx, enum ac_graph_step step)
{
    (void)ctx;
    step_end[step] = bench_now();
}

static double median(const double *v, long n)
{
    double s[REPEAT_MAX];
    memcpy(s, v, (size_t)n * sizeof *v);
    qsort(s, (size_t)n, sizeof *s, bench_cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double least(const double *v, long n)
{
    double m = v[0];
    for (long i = 1; i < n; i++) {
        m = v[i] < m ? v[i] : m;
    }
    return m;
}

int main(int argc, char **argv)
{
    const char *path, *pr_path = NULL;
    long repeat = 3;
    size_t len, n, m = 0, room;
    char *text, *p;
    struct ac_edge *edges;
    double runs[REPEAT_MAX], t0, read_s, *pagerank;
    double build[REPEAT_MAX], recip[REPEAT_MAX], indeg[REPEAT_MAX];
    double pr[REPEAT_MAX], grc[REPEAT_MAX], measures[REPEAT_MAX];
    struct ac_graph_figures fig = {0};

    if (argc < 2) {
        fprintf(stderr, "usage: graph EDGES [--repeat N] [--pagerank OUT]\n");
        return 2;
    }
    path = argv[1];
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "graph: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--repeat") == 0) {
            repeat = bench_arg("graph", argv[i + 1], 1, REPEAT_MAX, "repeat");
        } else if (strcmp(argv[i], "--pagerank") == 0) {
            pr_path = argv[i + 1];
        } else {
            fprintf(stderr, "graph: unknown option %s\n", argv[i]);
            return 2;
        }
    }

    t0 = bench_now();
    text = slurp(path, &len);
    p = text;
    n = (size_t)read_uint(&p, path);
    if (n == 0 || n > UINT32_MAX) {
        die("bad node count", path);
    }
    room = 1 + len / 6;
    if (!(edges = malloc(room * sizeof *edges))) {
        die("out of memory", NULL);
    }
    for (;;) {
        char *end;
        uint64_t from, to;
        double w;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        from = read_uint(&p, path);
        to = read_uint(&p, path);
        w = strtod(p, &end);
        if (end == p || from >= n || to >= n || !(w > 0) || m == room) {
            die("bad edge line", path);
        }
        p = end;
        edges[m++] = (struct ac_edge){(uint32_t)from, (uint32_t)to, w};
    }
    free(text);
    read_s = bench_now() - t0;

    if (!(pagerank = malloc(n * sizeof *pagerank))) {
        die("out of memory", NULL);
    }
    for (long r = 0; r < repeat; r++) {
        struct ac_arena a;
        struct ac_err err = {0};
        double t;
        ac_arena_init(&a, 0);
        t = bench_now();
        if (ac_graph_compute_steps(edges, m, n, AC_GRAPH_EXACT_BUDGET, &a,
                                   pagerank, &fig, step_ended, NULL,
                                   &err) != AC_OK) {
            fprintf(stderr, "graph: %s\n", err.msg);
            return 1;
        }
        runs[r] = bench_now() - t;
        build[r] = step_end[AC_GRAPH_BUILT] - t;
        recip[r] = step_end[AC_GRAPH_RECIPROCITY] - step_end[AC_GRAPH_BUILT];
        indeg[r] =
            step_end[AC_GRAPH_INDEGREE_GINI] - step_end[AC_GRAPH_RECIPROCITY];
        pr[r] = step_end[AC_GRAPH_PAGERANK] - step_end[AC_GRAPH_INDEGREE_GINI];
        grc[r] = step_end[AC_GRAPH_GRC] - step_end[AC_GRAPH_PAGERANK];
        measures[r] = recip[r] + pr[r];
        ac_arena_release(&a);
    }
    if (pr_path) {
        FILE *f = fopen(pr_path, "w");
        if (!f) {
            die("cannot write", pr_path);
        }
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%.17g\n", pagerank[i]);
        }
        if (fclose(f) != 0) {
            die("cannot write", pr_path);
        }
    }
    printf("nodes=%zu edges_in=%zu edges=%zu reciprocity=%.17g "
           "indegree_gini=%.17g pagerank_gini=%.17g grc=%.17g "
           "grc_estimated=%d read_s=%.3f",
           n, m, fig.edges, fig.reciprocity, fig.indegree_gini,
           fig.pagerank_gini, fig.grc, fig.grc_estimated ? 1 : 0, read_s);
    printf(" seconds=%.6f seconds_min=%.6f seconds_runs=", median(runs, repeat),
           least(runs, repeat));
    for (long r = 0; r < repeat; r++) {
        printf("%s%.6f", r ? "," : "", runs[r]);
    }
    printf(" build_s=%.6f reciprocity_s=%.6f indegree_gini_s=%.6f "
           "pagerank_s=%.6f grc_s=%.6f measures_s=%.6f\n",
           median(build, repeat), median(recip, repeat), median(indeg, repeat),
           median(pr, repeat), median(grc, repeat), median(measures, repeat));
    free(pagerank);
    free(edges);
    return 0;
}
