/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* What the benchmark programs share: a monotonic clock, sorting latencies
 * and reading numeric arguments. Header-only: each program is one file. */
#ifndef ACCORD_BENCH_BENCH_H
#define ACCORD_BENCH_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/ascii.h"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The whole of s as an integer in [lo, hi]; exits 2 with a message
 * naming the program and the argument otherwise. */
static inline long bench_arg(const char *prog, const char *s, long lo, long hi,
                             const char *what)
{
    int64_t v;
    struct ac_err err;
    if (ac_parse_i64(ac_str_c(s), lo, hi, &v, &err) != AC_OK) {
        fprintf(stderr, "%s: bad %s: %s\n", prog, what, err.msg);
        exit(2);
    }
    return (long)v;
}

#endif
