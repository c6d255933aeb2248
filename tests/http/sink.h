/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Receiving servers for the notification tests, run by Debian's Python:
 * an SMTP server (tests/support/smtp_sink.py, python3-aiosmtpd) and an
 * HTTP receiver (tests/support/hook_sink.py) that keep what they receive
 * as numbered records in a folder. Header-only: each test file stays its
 * own binary. */
#ifndef ACCORD_TESTS_HTTP_SINK_H
#define ACCORD_TESTS_HTTP_SINK_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/harness.h"
#include "unit/unit.h"

#define PYTHON "/usr/bin/python3" /* Debian's, with python3-aiosmtpd */
#define MAX_SINKS 4

/* A receiving server run by Python: it writes its port to dir/port and
 * each message or request it receives to dir/N.json (and N.eml). */
struct sink {
    pid_t pid; /* 0 once stopped */
    int port;  /* loopback port */
    char *dir; /* temporary folder of its records */
};

/* The sinks of the running test, stopped by stop_sinks even when an
 * assertion ends the test early. */
static struct sink sinks[MAX_SINKS];
static size_t sink_count;

static inline void stop_sink(struct sink *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR) {
        }
        s->pid = 0;
    }
}

/* Stops every sink; removes their folders (a folder two sinks shared
 * once). */
static inline void stop_sinks(void)
{
    for (size_t i = 0; i < sink_count; i++) {
        stop_sink(&sinks[i]);
    }
    for (size_t i = 0; i < sink_count; i++) {
        t_rmrf(sinks[i].dir);
        free(sinks[i].dir);
    }
    sink_count = 0;
}

static inline char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
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

/* Starts PYTHON tests/support/<script> DIR args... and waits (up to 10 s)
 * for the port it listens on; DIR is dir, or a new folder when NULL (a
 * sink started again on its folder keeps what it had). */
static inline struct sink *start_sink_in(const char *dir, const char *script,
                                         const char *const args[])
{
    struct sink *s;
    char *path = t_fmt("%s/../support/%s", u_data_dir(), script);
    char *port_file;
    const char *argv[12];
    size_t argc = 0;
    int status;

    cr_assert_lt(sink_count, MAX_SINKS);
    s = &sinks[sink_count++];
    memset(s, 0, sizeof *s);
    s->dir = dir ? strdup(dir) : t_tmpdir();
    cr_assert_not_null(s->dir);
    if (dir) {
        char *old = t_fmt("%s/port", dir);
        unlink(old); /* the new run writes it again */
        free(old);
    }
    cr_assert_eq(access(path, R_OK), 0, "cannot read %s", path);
    argv[argc++] = PYTHON;
    argv[argc++] = path;
    argv[argc++] = s->dir;
    for (size_t i = 0; args && args[i]; i++) {
        cr_assert_lt(argc, sizeof argv / sizeof argv[0] - 1);
        argv[argc++] = args[i];
    }
    argv[argc] = NULL;
    s->pid = fork();
    cr_assert_geq(s->pid, 0);
    if (s->pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        /* a failed assertion ends the test process: take the sink along */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (!getenv("ACCORD_TEST_VERBOSE")) {
            dup2(devnull, 1);
        }
        execv(PYTHON, (char *const *)argv);
        _exit(127);
    }
    port_file = t_fmt("%s/port", s->dir);
    for (int i = 0; i < 200; i++) {
        char *text = read_file(port_file, NULL);
        if (text) {
            s->port = (int)strtol(text, NULL, 10);
            free(text);
            break;
        }
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            cr_assert_fail(PYTHON " %s exited (status %d) before listening: "
                                  "is python3-aiosmtpd installed?",
                           path, status);
        }
        usleep(50 * 1000);
    }
    cr_assert_gt(s->port, 0, "%s did not start listening within 10 s", path);
    free(port_file);
    free(path);
    return s;
}

static inline struct sink *start_sink(const char *script,
                                      const char *const args[])
{
    return start_sink_in(NULL, script, args);
}

/* The number of records N.json the sink has written. */
static inline int record_count(const struct sink *s)
{
    int n = 0;
    for (;;) {
        char *path = t_fmt("%s/%d.json", s->dir, n + 1);
        bool there = access(path, F_OK) == 0;
        free(path);
        if (!there) {
            return n;
        }
        n++;
    }
}

/* Record n (from 1) of the sink, parsed; the test fails without it. */
static inline json_t *record(const struct sink *s, int n)
{
    char *path = t_fmt("%s/%d.json", s->dir, n);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    cr_assert_not_null(j, "%s: %s", path, jerr.text);
    free(path);
    return j;
}

/* The value of the first header called name in a record's
 * [[name, value], ...] list (case-insensitive), or NULL. */
static inline const char *header(const json_t *rec, const char *name)
{
    const json_t *list = json_object_get(rec, "headers");
    size_t i;
    const json_t *pair;
    json_array_foreach(list, i, pair)
    {
        const char *k = json_string_value(json_array_get(pair, 0));
        if (k && strcasecmp(k, name) == 0) {
            return json_string_value(json_array_get(pair, 1));
        }
    }
    return NULL;
}

#endif
