/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The disk's durable-append rate: the ceiling for one-commit-per-write.
 *
 * Writes a small record at the end of a file in the given folder and
 * fdatasyncs it, in a loop, for the given time, the way SQLite appends a
 * frame to its WAL and syncs it at every commit under synchronous=FULL.
 * Like a WAL after a checkpoint, the file is rewound to its start when it
 * reaches WRAP_BYTES, so most syncs overwrite blocks already allocated.
 *
 * usage: fsync_rate DIR [SECONDS] [RECORD_BYTES]
 * prints: fsync_per_sec=N p50_us=N p99_us=N syncs=N seconds=S */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

enum {
    WRAP_BYTES = 4 * 1024 * 1024, /* rewind point, like a WAL restart */
    MAX_RECORD = 65536,           /* bytes */
    MAX_SAMPLES = 4 * 1024 * 1024 /* latencies kept */
};

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: fsync_rate DIR [SECONDS] [RECORD_BYTES]\n");
        return 2;
    }
    double seconds =
        argc > 2 ? (double)bench_arg("fsync_rate", argv[2], 1, 3600, "seconds")
                 : 3.0;
    size_t record = argc > 3 ? (size_t)bench_arg("fsync_rate", argv[3], 1,
                                                 MAX_RECORD, "record size")
                             : 256;
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/fsync-rate.%ld.tmp", argv[1],
                     (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(path)) {
        fprintf(stderr, "fsync_rate: folder name too long\n");
        return 2;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "fsync_rate: cannot create \"%s\": %s\n", path,
                strerror(errno));
        return 1;
    }
    /* The creation itself must be durable before timing starts. */
    fsync(fd);

    static char buf[MAX_RECORD];
    double *lat = malloc(sizeof(double) * MAX_SAMPLES);
    if (!lat) {
        fprintf(stderr, "fsync_rate: out of memory\n");
        close(fd);
        unlink(path);
        return 1;
    }
    size_t count = 0;
    off_t off = 0;
    int rc = 0;
    double start = bench_now();
    double end = start + seconds;
    double t = start;
    while (t < end) {
        memset(buf, (int)('a' + count % 26), record);
        if (off + (off_t)record > WRAP_BYTES) {
            off = 0;
        }
        if (pwrite(fd, buf, record, off) != (ssize_t)record) {
            fprintf(stderr, "fsync_rate: write failed: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        off += (off_t)record;
        if (fdatasync(fd) != 0) {
            fprintf(stderr, "fsync_rate: fdatasync failed: %s\n",
                    strerror(errno));
            rc = 1;
            break;
        }
        double t2 = bench_now();
        if (count < MAX_SAMPLES) {
            lat[count] = t2 - t;
        }
        count++;
        t = t2;
    }
    double elapsed = t - start;
    close(fd);
    unlink(path);
    if (rc == 0 && count > 0) {
        size_t kept = count < MAX_SAMPLES ? count : MAX_SAMPLES;
        qsort(lat, kept, sizeof(double), bench_cmp_double);
        printf("fsync_per_sec=%.0f p50_us=%.0f p99_us=%.0f syncs=%zu "
               "seconds=%.2f\n",
               (double)count / elapsed, lat[kept / 2] * 1e6,
               lat[(kept * 99) / 100] * 1e6, count, elapsed);
    }
    free(lat);
    return rc;
}
