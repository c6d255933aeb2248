/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared code of the unit tests: finding tests/data, reading a golden
 * file, a seeded generator for property tests. Header-only, so each test
 * file stays its own binary. */
#ifndef ACCORD_TESTS_UNIT_H
#define ACCORD_TESTS_UNIT_H

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define U_DIR 2048           /* bytes of a folder name */
#define U_PATH (U_DIR + 512) /* bytes of a folder name plus a file name */

/* Whether dir/tests/data exists. */
static inline int u_has_data(const char *dir)
{
    char path[U_PATH];
    struct stat st;
    snprintf(path, sizeof path, "%s/tests/data", dir);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Walks up from start until a folder holding tests/data; writes it to out. */
static inline int u_walk_up(const char *start, char out[U_PATH])
{
    char dir[U_DIR];
    snprintf(dir, sizeof dir, "%s", start);
    for (;;) {
        char *slash;
        if (u_has_data(dir)) {
            snprintf(out, U_PATH, "%s/tests/data", dir);
            return 1;
        }
        slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            return 0;
        }
        *slash = '\0';
    }
}

/* The tests/data folder: $ACCORD_TEST_DATA, or found above the working
 * folder, or above the test binary. */
static inline const char *u_data_dir(void)
{
    static char found[U_PATH];
    const char *env = getenv("ACCORD_TEST_DATA");
    char start[U_DIR];
    ssize_t n;
    if (found[0]) {
        return found;
    }
    if (env && *env) {
        snprintf(found, sizeof found, "%s", env);
        return found;
    }
    if (getcwd(start, sizeof start) && u_walk_up(start, found)) {
        return found;
    }
    n = readlink("/proc/self/exe", start, sizeof start - 1);
    if (n > 0) {
        start[n] = '\0';
        if (u_walk_up(start, found)) {
            return found;
        }
    }
    cr_assert_fail("cannot find tests/data (set ACCORD_TEST_DATA)");
    return NULL;
}

/* The whole of tests/data/<rel>, malloc'd and NUL-terminated; the test
 * fails when it cannot be read. */
static inline char *u_read(const char *rel, size_t *len)
{
    char path[U_PATH + 512];
    FILE *f;
    char *buf;
    long size;
    snprintf(path, sizeof path, "%s/%s", u_data_dir(), rel);
    f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    cr_assert_geq(size, 0);
    rewind(f);
    buf = malloc((size_t)size + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    if (len) {
        *len = (size_t)size;
    }
    return buf;
}

/* As u_read, without one trailing newline (hex digests, one-line files). */
static inline char *u_read_line(const char *rel)
{
    size_t len;
    char *s = u_read(rel, &len);
    if (len > 0 && s[len - 1] == '\n') {
        s[len - 1] = '\0';
    }
    return s;
}

/* A small seeded generator (xorshift64*) for property tests. The seed
 * comes from AC_SEED when set, and is logged so a failure can be
 * replayed. */
struct u_rng {
    uint64_t x;
};

static inline struct u_rng u_rng_seeded(uint64_t fallback)
{
    struct u_rng r;
    const char *env = getenv("AC_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 10) : fallback;
    cr_log_info("seed %llu (replay with AC_SEED=%llu)",
                (unsigned long long)seed, (unsigned long long)seed);
    r.x = seed ? seed : 0x9E3779B97F4A7C15u;
    return r;
}

static inline uint64_t u_rng_next(struct u_rng *r)
{
    r->x ^= r->x >> 12;
    r->x ^= r->x << 25;
    r->x ^= r->x >> 27;
    return r->x * 0x2545F4914F6CDD1Du;
}

#endif
