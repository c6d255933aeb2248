/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The graph figures against the reference implementations: random
 * weighted directed graphs (10 to 500 nodes, dangling nodes, repeated
 * pairs, loops, answered edges) are written to a file, and
 * tests/support/graphref.py reads them back with Debian's python3-igraph
 * (PageRank, PRPACK; reciprocity) and python3-networkx (global reaching
 * centrality of the reversed graph). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/powerstat.h"
#include "support/harness.h"
#include "unit.h"

#define PYTHON "/usr/bin/python3" /* Debian's, with igraph and networkx */
#define MAX_NODES 500

static struct ac_arena arena;
static char *dir;

static void setup(void)
{
    ac_arena_init(&arena, 0);
    dir = t_tmpdir();
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    ac_arena_release(&arena);
    t_rmrf(dir);
    free(dir);
}

TestSuite(igraph, .init = setup, .fini = teardown);

/* How a random graph is drawn. */
struct shape {
    size_t n, m;  /* nodes; edges drawn, repeats and loops included */
    int dangling; /* percent of nodes that never answer anyone */
    int repeat;   /* percent of edges repeating an earlier pair */
    int loop;     /* percent of edges from a node to itself */
    int answer;   /* percent of edges answering the one before */
};

static double weight(struct u_rng *r)
{
    /* 0.01 .. 10.00, and now and then a weight with every digit */
    uint64_t x = u_rng_next(r);
    return x % 5 ? (double)(1 + x % 1000) / 100.0
                 : (double)(x >> 11) / 9007199254740992.0 * 10 + 1e-3;
}

static struct ac_edge *draw(struct u_rng *r, const struct shape *s)
{
    struct ac_edge *e = calloc(s->m, sizeof *e);
    size_t active = s->n - s->n * (size_t)s->dangling / 100;
    cr_assert_not_null(e);
    cr_assert_gt(active, 0);
    for (size_t i = 0; i < s->m; i++) {
        int p = (int)(u_rng_next(r) % 100);
        uint32_t from = (uint32_t)(u_rng_next(r) % active);
        uint32_t to = (uint32_t)(u_rng_next(r) % s->n);
        if (i > 0 && p < s->repeat) {
            from = e[u_rng_next(r) % i].from;
            to = e[u_rng_next(r) % i].to;
            to = e[i - 1].from == from ? e[i - 1].to : to;
        } else if (p < s->repeat + s->loop) {
            to = from;
        } else if (i > 0 && p < s->repeat + s->loop + s->answer &&
                   e[i - 1].to < active) {
            from = e[i - 1].to;
            to = e[i - 1].from;
        }
        e[i] = (struct ac_edge){from, to, weight(r)};
    }
    return e;
}

/* What graphref.py prints. */
struct reference {
    double reciprocity;
    double grc;
    size_t n;
    double pagerank[MAX_NODES];
};

/* The path of tests/support/graphref.py, next to tests/data. */
static char *script(void)
{
    char *path = t_fmt("%s/../support/graphref.py", u_data_dir());
    cr_assert_not_null(path);
    cr_assert_eq(access(path, R_OK), 0, "cannot read %s", path);
    return path;
}

static void write_graph(const char *path, const struct ac_edge *e,
                        const struct shape *s)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%zu %zu\n", s->n, s->m);
    for (size_t i = 0; i < s->m; i++) {
        fprintf(f, "%u %u %.17g\n", (unsigned)e[i].from, (unsigned)e[i].to,
                e[i].weight);
    }
    cr_assert_eq(fclose(f), 0);
}

/* Runs graphref.py on the graph file, its output into out. */
static void run_reference(const char *graph, const char *out)
{
    char *py = script();
    int status, fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    cr_assert_geq(fd, 0);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fd, 1);
        execl(PYTHON, PYTHON, py, graph, (char *)NULL);
        _exit(127);
    }
    close(fd);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              PYTHON " %s %s failed (status %d): are python3-igraph and "
                     "python3-networkx installed?",
              py, graph, status);
    free(py);
}

static void read_reference(const char *path, struct reference *ref)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_eq(fscanf(f, "reciprocity %lf\n", &ref->reciprocity), 1);
    cr_assert_eq(fscanf(f, "grc %lf\n", &ref->grc), 1);
    cr_assert_eq(fscanf(f, "pagerank %zu\n", &ref->n), 1);
    cr_assert_leq(ref->n, MAX_NODES);
    for (size_t i = 0; i < ref->n; i++) {
        cr_assert_eq(fscanf(f, "%lf", &ref->pagerank[i]), 1, "rank %zu", i);
    }
    fclose(f);
}

static void compare(uint64_t seed, const struct shape *s)
{
    struct u_rng r = u_rng_seeded(seed);
    struct ac_edge *e = draw(&r, s);
    struct reference ref;
    struct ac_graph_figures f;
    struct ac_err err = {0};
    double pagerank[MAX_NODES], worst = 0;
    char *graph = t_fmt("%s/graph.txt", dir), *out = t_fmt("%s/ref.txt", dir);

    cr_assert_leq(s->n, MAX_NODES);
    write_graph(graph, e, s);
    run_reference(graph, out);
    read_reference(out, &ref);
    cr_assert_eq(ac_graph_compute(e, s->m, s->n, &arena, pagerank, &f, &err),
                 AC_OK, "%s", err.msg);
    cr_assert_eq(ref.n, s->n);
    cr_assert_not(f.grc_estimated);
    cr_assert(fabs(f.reciprocity - ref.reciprocity) <= 1e-12,
              "reciprocity %.17g, igraph %.17g", f.reciprocity,
              ref.reciprocity);
    cr_assert(fabs(f.grc - ref.grc) <= 1e-12, "grc %.17g, networkx %.17g",
              f.grc, ref.grc);
    for (size_t i = 0; i < s->n; i++) {
        double d = fabs(pagerank[i] - ref.pagerank[i]);
        worst = d > worst ? d : worst;
        cr_assert(d <= 1e-9, "pagerank of %zu: %.17g, igraph %.17g", i,
                  pagerank[i], ref.pagerank[i]);
    }
    cr_log_info("n %zu m %zu: %zu distinct edges, reciprocity %.6f, grc "
                "%.6f, pagerank off by %.2g at most",
                s->n, s->m, f.edges, f.reciprocity, f.grc, worst);
    free(graph);
    free(out);
    free(e);
}

Test(igraph, ten_nodes)
{
    compare(101, &(struct shape){10, 25, 20, 15, 10, 20});
}

Test(igraph, fifty_nodes)
{
    compare(102, &(struct shape){50, 150, 10, 10, 5, 30});
}

Test(igraph, two_hundred_nodes_mostly_answered)
{
    compare(103, &(struct shape){200, 600, 5, 5, 5, 60});
}

Test(igraph, five_hundred_nodes)
{
    compare(104, &(struct shape){500, 2500, 10, 10, 5, 20});
}

Test(igraph, five_hundred_sparse_nodes_many_dangling)
{
    /* below one edge per node: many small components, long chains */
    compare(105, &(struct shape){500, 450, 40, 5, 5, 10});
}

Test(igraph, dense_small_graph)
{
    compare(106, &(struct shape){30, 600, 0, 20, 10, 10});
}
