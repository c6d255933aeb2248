/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The Schulze tally's speed (docs/performance.md#tally).
 *
 * Generates BALLOTS ranked ballots over OPTIONS options from a fixed seed,
 * the way an electorate votes rather than as uniform noise: most voters
 * start from one of five popular orders (30, 22, 15, 10 and 8 % of them),
 * the rest from an order of their own; each voter then swaps a few
 * neighbours (none for about a third), stops ranking after a random number
 * of options (two in five), and ties a neighbour or two (one in five).
 * It times ac_schulze_tally over the ballots held in memory, one ballot of
 * weight 1 per voter. With --write it also writes them as a PrefLib .toi
 * file (identical orders counted on one line), which bench/tally.mjs gives
 * to the npm packages; with --parse it times ac_preflib_parse of such a
 * file and the tally of what it read, and checks that this gives the same
 * pairwise matrix; with --result it writes the ranking as accord tally
 * --json does, and the strongest paths, for bench/tally.mjs to compare.
 *
 * usage: tally BALLOTS OPTIONS [--seed S] [--write FILE] [--parse FILE]
 *              [--result FILE]
 * prints: ballots=N options=N seed=N tally_s=S ballots_per_s=N winners=N
 *         layers=N [orders=N] [parse_s=S parsed_tally_s=S] */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballots.h"
#include "bench.h"
#include "core/preflib.h"
#include "core/schulze.h"

static void die(const char *what)
{
    fprintf(stderr, "tally: %s\n", what);
    exit(1);
}

static void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        die("out of memory");
    }
    return p;
}

static uint64_t hash_ranks(const uint16_t *rank, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t c = 0; c < n; c++) {
        h = (h ^ rank[c]) * 0x100000001b3u;
    }
    return h;
}

/* Writes the ballots as a PrefLib .toi file, identical orders on one line
 * in the order they first appear; returns the number of lines. */
static size_t write_preflib(const char *path, const uint16_t *ranks,
                            size_t count, size_t n)
{
    size_t slots = 1;
    size_t *slot, *first, *weight;
    size_t unique = 0;
    uint16_t *bucket = xcalloc(n + 1, sizeof *bucket);
    uint16_t *sorted = xcalloc(n, sizeof *sorted);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "tally: cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
    while (slots < 2 * count) {
        slots *= 2;
    }
    slot = xcalloc(slots, sizeof *slot); /* index + 1 of a unique order */
    first = xcalloc(count, sizeof *first);
    weight = xcalloc(count, sizeof *weight);
    for (size_t b = 0; b < count; b++) {
        const uint16_t *rank = ranks + b * n;
        size_t s = hash_ranks(rank, n) & (slots - 1);
        while (slot[s] &&
               memcmp(ranks + first[slot[s] - 1] * n, rank, n * 2) != 0) {
            s = (s + 1) & (slots - 1);
        }
        if (!slot[s]) {
            first[unique] = b;
            slot[s] = ++unique;
        }
        weight[slot[s] - 1]++;
    }
    fprintf(f,
            "# FILE NAME: %s\n"
            "# TITLE: accord benchmark, %zu ballots over %zu options\n"
            "# DATA TYPE: toi\n"
            "# MODIFICATION TYPE: synthetic\n"
            "# NUMBER ALTERNATIVES: %zu\n"
            "# NUMBER VOTERS: %zu\n"
            "# NUMBER UNIQUE ORDERS: %zu\n",
            strrchr(path, '/') ? strrchr(path, '/') + 1 : path, count, n, n,
            count, unique);
    for (size_t c = 0; c < n; c++) {
        fprintf(f, "# ALTERNATIVE NAME %zu: Option %zu\n", c + 1, c + 1);
    }
    for (size_t u = 0; u < unique; u++) {
        const uint16_t *rank = ranks + first[u] * n;
        size_t listed = 0;
        /* a counting sort by rank; unranked options are left out */
        memset(bucket, 0, (n + 1) * sizeof *bucket);
        for (size_t c = 0; c < n; c++) {
            if (rank[c] != AC_RANK_NONE) {
                bucket[rank[c] + 1]++;
                listed++;
            }
        }
        for (size_t k = 1; k <= n; k++) {
            bucket[k] = (uint16_t)(bucket[k] + bucket[k - 1]);
        }
        for (size_t c = 0; c < n; c++) {
            if (rank[c] != AC_RANK_NONE) {
                sorted[bucket[rank[c]]++] = (uint16_t)c;
            }
        }
        fprintf(f, "%zu: ", weight[u]);
        for (size_t k = 0; k < listed;) {
            size_t end = k + 1;
            while (end < listed && rank[sorted[end]] == rank[sorted[k]]) {
                end++;
            }
            fputs(k ? "," : "", f);
            if (end - k > 1) {
                fputc('{', f);
            }
            for (size_t i = k; i < end; i++) {
                fprintf(f, "%s%u", i > k ? "," : "", (unsigned)sorted[i] + 1);
            }
            if (end - k > 1) {
                fputc('}', f);
            }
            k = end;
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        die("cannot write the PrefLib file");
    }
    free(weight);
    free(first);
    free(slot);
    free(sorted);
    free(bucket);
    return unique;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
        fprintf(stderr, "tally: cannot read %s\n", path);
        exit(1);
    }
    rewind(f);
    text = xcalloc((size_t)size + 1, 1);
    if (fread(text, 1, (size_t)size, f) != (size_t)size) {
        die("short read");
    }
    fclose(f);
    *len = (size_t)size;
    return text;
}

static void write_matrix(FILE *f, const char *name, const uint64_t *m, size_t n)
{
    fprintf(f, ",\"%s\":[", name);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",[" : "[", f);
        for (size_t j = 0; j < n; j++) {
            fprintf(f, "%s%llu", j ? "," : "",
                    (unsigned long long)m[i * n + j]);
        }
        fputc(']', f);
    }
    fputc(']', f);
}

/* The result as accord tally --json writes it, with the strongest paths
 * p as "paths" too. */
static void write_result(const char *path, const struct ac_schulze_result *r)
{
    FILE *f = fopen(path, "w");
    size_t n = r->n;
    if (!f) {
        die("cannot create the result file");
    }
    fputs("{\"winners\":[", f);
    for (size_t k = 0; k < r->winner_count; k++) {
        fprintf(f, "%s%u", k ? "," : "", (unsigned)r->order[k] + 1);
    }
    fputs("],\"ranking\":[[", f);
    for (size_t k = 0; k < n; k++) {
        bool same = k > 0 && r->layer[r->order[k - 1]] == r->layer[r->order[k]];
        fprintf(f, "%s%u",
                k == 0 ? ""
                : same ? ","
                       : "],[",
                (unsigned)r->order[k] + 1);
    }
    fputs("]]", f);
    write_matrix(f, "pairwise", r->d, n);
    write_matrix(f, "paths", r->p, n);
    fputs("}\n", f);
    if (fclose(f) != 0) {
        die("cannot write the result file");
    }
}

static void tally(const struct ac_ballot *ballots, size_t count, size_t n,
                  struct ac_arena *a, struct ac_schulze_result *r)
{
    struct ac_err err = {0};
    if (ac_schulze_tally(ballots, count, n, AC_SCHULZE_WINNING_VOTES, 0, a, r,
                         &err) != AC_OK) {
        fprintf(stderr, "tally: %s\n", err.msg);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    const char *write_path = NULL, *parse_path = NULL, *result_path = NULL;
    size_t count, n;
    uint64_t seed = 20261128;
    struct rng g;
    uint16_t *ranks, *popular, *order;
    struct ac_ballot *ballots;
    struct ac_arena a;
    struct ac_schulze_result r;
    double t0, t1;

    if (argc < 3) {
        fprintf(stderr, "usage: tally BALLOTS OPTIONS [--seed S] [--write "
                        "FILE] [--parse FILE] [--result FILE]\n");
        return 2;
    }
    count = (size_t)bench_arg("tally", argv[1], 1, 100000000, "ballots");
    n = (size_t)bench_arg("tally", argv[2], 2, AC_SCHULZE_MAX, "options");
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seed") == 0) {
            seed =
                (uint64_t)bench_arg("tally", argv[i + 1], 1, INT64_MAX, "seed");
        } else if (strcmp(argv[i], "--write") == 0) {
            write_path = argv[i + 1];
        } else if (strcmp(argv[i], "--parse") == 0) {
            parse_path = argv[i + 1];
        } else if (strcmp(argv[i], "--result") == 0) {
            result_path = argv[i + 1];
        } else {
            fprintf(stderr, "tally: unknown option %s\n", argv[i]);
            return 2;
        }
    }

    g.x = seed;
    ranks = xcalloc(count * n, sizeof *ranks);
    popular = xcalloc(POPULAR * n, sizeof *popular);
    order = xcalloc(n, sizeof *order);
    ballots = xcalloc(count, sizeof *ballots);
    for (size_t k = 0; k < POPULAR; k++) {
        shuffle(&g, popular + k * n, n);
    }
    for (size_t b = 0; b < count; b++) {
        vote(&g, popular, n, order, ranks + b * n);
        ballots[b].rank = ranks + b * n;
        ballots[b].weight = 1;
    }

    ac_arena_init(&a, 0);
    t0 = bench_now();
    tally(ballots, count, n, &a, &r);
    t1 = bench_now();
    printf("ballots=%zu options=%zu seed=%llu tally_s=%.4f ballots_per_s=%.0f "
           "winners=%zu layers=%zu",
           count, n, (unsigned long long)seed, t1 - t0,
           (double)count / (t1 - t0), r.winner_count, r.layer_count);
    if (result_path) {
        write_result(result_path, &r);
    }
    if (write_path) {
        printf(" orders=%zu", write_preflib(write_path, ranks, count, n));
    }
    if (parse_path) {
        struct ac_arena pa;
        struct ac_preflib p;
        struct ac_schulze_result pr;
        struct ac_err err = {0};
        size_t len;
        char *text = read_file(parse_path, &len);
        double t2, t3, t4;
        ac_arena_init(&pa, 0);
        t2 = bench_now();
        if (ac_preflib_parse((struct ac_str){text, len}, &pa, &p, &err) !=
            AC_OK) {
            fprintf(stderr, "tally: %s: %s\n", parse_path, err.msg);
            return 1;
        }
        t3 = bench_now();
        tally(p.ballots, p.count, p.n, &pa, &pr);
        t4 = bench_now();
        if (p.n != n || p.voters != count ||
            memcmp(pr.d, r.d, n * n * sizeof *r.d) != 0 ||
            memcmp(pr.order, r.order, n * sizeof *r.order) != 0) {
            die("the file's tally differs from the ballots' tally");
        }
        printf(" parse_s=%.4f parsed_orders=%zu parsed_tally_s=%.4f "
               "file_bytes=%zu",
               t3 - t2, p.count, t4 - t3, len);
        ac_arena_release(&pa);
        free(text);
    }
    putchar('\n');
    ac_arena_release(&a);
    free(ballots);
    free(order);
    free(popular);
    free(ranks);
    return 0;
}
