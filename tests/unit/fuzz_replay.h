/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Replaying the committed fuzz inputs (fuzz/corpus/NAME and the crashes
 * kept in fuzz/regress/NAME) through the bodies the fuzzers run
 * (fuzz/fuzz.h), so every input that once broke a promise keeps being
 * checked in the plain and sanitizer builds. A body that finds a broken
 * promise aborts, which fails the test. Header-only. */
#ifndef ACCORD_TESTS_FUZZ_REPLAY_H
#define ACCORD_TESTS_FUZZ_REPLAY_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../fuzz/fuzz.h"
#include "unit.h"

typedef void (*fr_body)(const uint8_t *data, size_t size);

/* Runs body over every file of fuzz/<set>/<target> in name order;
 * returns how many. A missing folder has none. */
static inline size_t fr_replay_set(const char *set, const char *target,
                                   fr_body body)
{
    char dir[U_PATH + 64];
    struct dirent **names = NULL;
    int n;
    size_t count = 0;

    /* u_data_dir() is <root>/tests/data */
    snprintf(dir, sizeof dir, "%s/../../fuzz/%s/%s", u_data_dir(), set, target);
    n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        char path[sizeof dir + 256];
        struct stat st;
        uint8_t *data;
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        free(names[i]);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            continue;
        }
        data = malloc((size_t)st.st_size + 1);
        cr_assert_not_null(data);
        f = fopen(path, "rb");
        cr_assert_not_null(f, "cannot open %s", path);
        cr_assert_eq(fread(data, 1, (size_t)st.st_size, f), (size_t)st.st_size,
                     "cannot read %s", path);
        fclose(f);
        cr_log_info("%s", path);
        body(data, (size_t)st.st_size);
        free(data);
        count++;
    }
    free(names);
    return count;
}

/* The corpus (which must not be empty) and the kept crashes. */
static inline void fr_replay(const char *target, fr_body body)
{
    size_t seeds = fr_replay_set("corpus", target, body);
    cr_assert_gt(seeds, 0, "fuzz/corpus/%s holds no inputs", target);
    fr_replay_set("regress", target, body);
}

#endif
