/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Test harness for black-box tests: temporary folders, running the real
 * accord binary (ACCORD_BIN), starting a real server on a free loopback
 * port, and HTTP requests with libcurl. Everything returned is malloc'd
 * and freed by the caller. */
#ifndef ACCORD_TESTS_HARNESS_H
#define ACCORD_TESTS_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

/* A new empty temporary folder. */
char *t_tmpdir(void);
/* Removes a folder tree. */
void t_rmrf(const char *path);

/* The accord binary under test. */
const char *t_bin(void);

/* The PostgreSQL cluster the store tests run on (ACCORD_TEST_PG, a base
 * URL such as postgres://postgres@127.0.0.1:5432), or NULL: SQLite data
 * folders. Under it, accord's operator commands (init, serve, export,
 * verify, demo) given --data DIR run with --store and a database of
 * DIR's own instead, so the same tests cover both backends. */
const char *t_pg(void);
/* The store location for a test data folder: the folder, or under
 * t_pg() its database (created on first use). malloc'd. */
char *t_store(const char *data);

/* Runs one SQL statement on the store of a test data folder, whichever
 * the backend: the first column of the first row (malloc'd; "" when no
 * row), or NULL on failure with the reason on stderr. *changed, when not
 * NULL, gets the number of rows the statement changed. */
char *t_sql(const char *data, const char *sql, long *changed);

/* ac_store_open on t_store(data). */
struct ac_store;
struct ac_err;
int t_store_open(const char *data, bool create, struct ac_store **st,
                 struct ac_err *err);

/* Runs accord with args (NULL-ended, without argv[0]) and optional
 * environment additions ("NAME=value", NULL-ended) and standard input.
 * Returns the exit status (or 128+signal); out/err may be NULL. */
int t_run(const char *const args[], const char *const env[], const char *input,
          char **out, char **err);

/* Creates an organisation in data with the founder's password. */
bool t_init_org(const char *data, const char *org, const char *founder,
                const char *password);

struct t_server {
    pid_t pid;      /* 0 when not running */
    int port;       /* loopback port */
    char base[64];  /* "http://127.0.0.1:PORT" */
    char data[512]; /* data folder */
};

/* Starts `accord serve` on a free port and waits until /api/v1/health
 * answers (up to 10 s). */
bool t_server_start(struct t_server *s, const char *data);
/* Sends sig (SIGTERM for a clean stop, SIGKILL for a crash) and reaps it;
 * returns the exit status or 128+signal. */
int t_server_stop(struct t_server *s, int sig);

struct t_resp {
    long status;  /* HTTP status, 0 on transport failure */
    char *body;   /* NUL-terminated */
    json_t *json; /* parsed body or NULL */
    char content_type[128];
};

/* One request; body may be NULL; token NULL for no Authorization. */
struct t_resp t_http(const struct t_server *s, const char *method,
                     const char *path, const char *token, const char *body);
/* As t_http with extra raw headers ("Name: value", NULL-ended). */
struct t_resp t_http_h(const struct t_server *s, const char *method,
                       const char *path, const char *const headers[],
                       const char *body, size_t body_len);
void t_resp_free(struct t_resp *r);

/* POST /api/v1/session; the token or NULL. */
char *t_login(const struct t_server *s, const char *member,
              const char *password);

/* Printf into a malloc'd string. */
char *t_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
