/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Test harness: real processes, real sockets, real HTTP. */
#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

char *t_fmt(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0) {
        s = NULL;
    }
    va_end(ap);
    return s;
}

char *t_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *path = t_fmt("%s/accord-test.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(path)) {
        free(path);
        return NULL;
    }
    return path;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void drop_made(const char *path);

void t_rmrf(const char *path)
{
    if (path) {
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        if (t_pg()) {
            drop_made(path);
        }
    }
}

const char *t_bin(void)
{
    const char *b = getenv("ACCORD_BIN");
    return b ? b : "build/debug/accord";
}

const char *t_pg(void)
{
    const char *pg = getenv("ACCORD_TEST_PG");
    return pg && *pg ? pg : NULL;
}

/* A database name of the folder's own: "t" and a hash of its path. */
static void db_name(const char *data, char out[24])
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)data; *p; p++) {
        h = (h ^ *p) * 1099511628211ULL;
    }
    snprintf(out, 24, "t%016llx", (unsigned long long)h);
}

/* The databases this test process made, by folder, dropped with the
 * folder (t_rmrf) so that a run does not fill the cluster's disk. */
#define MADE_MAX 64
static struct made {
    char *data;
    char name[24];
} made[MADE_MAX];
static size_t made_count;

static void pg_admin(const char *sql, const char *ok_state)
{
    char *admin = t_fmt("%s/postgres", t_pg());
    PGconn *c = PQconnectdb(admin);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (!state || !ok_state || strcmp(state, ok_state) != 0) {
            fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(c));
        }
    }
    PQclear(r);
    PQfinish(c);
    free(admin);
}

static void drop_made(const char *path)
{
    size_t n = strlen(path), k = 0;
    for (size_t i = 0; i < made_count; i++) {
        if (strncmp(made[i].data, path, n) == 0 &&
            (made[i].data[n] == '\0' || made[i].data[n] == '/')) {
            char *sql =
                t_fmt("DROP DATABASE IF EXISTS %s WITH (FORCE)", made[i].name);
            pg_admin(sql, NULL);
            free(sql);
            free(made[i].data);
        } else {
            made[k++] = made[i];
        }
    }
    made_count = k;
}

char *t_store(const char *data)
{
    char name[24], *sql;
    bool known = false;

    if (!t_pg()) {
        return t_fmt("%s", data);
    }
    /* the folder holds the test's other files, such as accord.conf */
    mkdir(data, 0700);
    db_name(data, name);
    for (size_t i = 0; i < made_count && !known; i++) {
        known = strcmp(made[i].name, name) == 0;
    }
    if (!known) {
        sql = t_fmt("CREATE DATABASE %s", name);
        pg_admin(sql, "42P04"); /* made by an earlier process: fine */
        free(sql);
        if (made_count < MADE_MAX) {
            made[made_count].data = t_fmt("%s", data);
            memcpy(made[made_count].name, name, sizeof name);
            made_count++;
        }
    }
    return t_fmt("%s/%s", t_pg(), name);
}

static char *sql_sqlite(const char *data, const char *sql, long *changed)
{
    char *path = t_fmt("%s/accord.db", data), *out = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    free(path);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(q, 0);
            out = t_fmt("%s", v ? v : "");
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            out = t_fmt("%s", "");
            rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s: %s\n", sql, sqlite3_errmsg(db));
    }
    if (changed) {
        *changed = sqlite3_changes(db);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

static char *sql_pg(const char *data, const char *sql, long *changed)
{
    char *url = t_store(data), *out = NULL;
    PGconn *c = PQconnectdb(url);
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
        out = t_fmt("%s", s == PGRES_TUPLES_OK && PQntuples(r) > 0
                              ? PQgetvalue(r, 0, 0)
                              : "");
        if (changed) {
            *changed = strtol(PQcmdTuples(r), NULL, 10);
        }
    } else {
        fprintf(stderr, "postgresql: %s: %s\n", sql, PQerrorMessage(c));
    }
    PQclear(r);
    PQfinish(c);
    free(url);
    return out;
}

char *t_sql(const char *data, const char *sql, long *changed)
{
    if (changed) {
        *changed = 0;
    }
    return t_pg() ? sql_pg(data, sql, changed) : sql_sqlite(data, sql, changed);
}

int t_store_open(const char *data, bool create, struct ac_store **st,
                 struct ac_err *err)
{
    char *loc = t_store(data);
    int rc = (int)ac_store_open(loc, create, st, err);
    free(loc);
    return rc;
}

/* Under t_pg(), the operator commands that take --data DIR take
 * --store URL instead: argv rewritten in place, the URLs kept in urls
 * (freed by the caller). */
static void to_store(const char **argv, char **urls)
{
    static const char *const verbs[] = {"init", "serve",  "export", "verify",
                                        "demo", "backup", NULL};
    bool op = false;
    if (!t_pg() || !argv[1]) {
        return;
    }
    for (size_t i = 0; verbs[i]; i++) {
        op = op || strcmp(argv[1], verbs[i]) == 0;
    }
    for (size_t i = 2; op && argv[i] && argv[i + 1]; i++) {
        if (strcmp(argv[i], "--data") == 0) {
            argv[i] = "--store";
            argv[i + 1] = *urls++ = t_store(argv[i + 1]);
        }
    }
}

static char *slurp_fd(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = read(fd, buf + len, cap - len - 1)) != 0) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        len += (size_t)n;
        if (cap - len < 2) {
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                return NULL;
            }
            buf = p;
        }
    }
    if (buf) {
        buf[len] = '\0';
    }
    return buf;
}

int t_run(const char *const args[], const char *const env[], const char *input,
          char **out, char **err)
{
    char outpath[] = "/tmp/accord-out.XXXXXX";
    char errpath[] = "/tmp/accord-err.XXXXXX";
    int ofd = mkstemp(outpath), efd = mkstemp(errpath);
    int in[2];
    size_t argc = 0;
    const char **argv;
    char **urls;
    pid_t pid;
    int status = -1;

    while (args[argc]) {
        argc++;
    }
    argv = calloc(argc + 2, sizeof *argv);
    urls = calloc(argc + 1, sizeof *urls);
    argv[0] = t_bin();
    memcpy(argv + 1, args, argc * sizeof *argv);
    to_store(argv, urls);
    if (pipe(in) != 0) {
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        close(in[1]);
        for (size_t i = 0; env && env[i]; i++) {
            putenv((char *)env[i]);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    if (input) {
        size_t left = strlen(input);
        while (left > 0) {
            ssize_t n = write(in[1], input, left);
            if (n <= 0) {
                break;
            }
            input += n;
            left -= (size_t)n;
        }
    }
    close(in[1]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    if (out) {
        *out = slurp_fd(ofd);
    }
    if (err) {
        *err = slurp_fd(efd);
    }
    close(ofd);
    close(efd);
    unlink(outpath);
    unlink(errpath);
    free(argv);
    for (size_t i = 0; urls && urls[i]; i++) {
        free(urls[i]);
    }
    free(urls);
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

bool t_init_org(const char *data, const char *org, const char *founder,
                const char *password)
{
    const char *args[] = {"init", "--data",    data,    "--org",
                          org,    "--founder", founder, NULL};
    char *pw = t_fmt("ACCORD_PASSWORD=%s", password);
    const char *env[] = {pw, NULL};
    char *err = NULL;
    int rc = t_run(args, env, NULL, NULL, &err);
    if (rc != 0) {
        fprintf(stderr, "accord init failed (%d): %s\n", rc, err ? err : "");
    }
    free(err);
    free(pw);
    return rc == 0;
}

static int free_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = -1;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        port = ntohs(a.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

bool t_server_start(struct t_server *s, const char *data)
{
    char listen[64];
    /* made here, not in the child, so t_rmrf knows to drop it */
    char *url = t_pg() ? t_store(data) : NULL;
    char *conf = t_fmt("%s/accord.conf", data);
    memset(s, 0, sizeof *s);
    snprintf(s->data, sizeof s->data, "%s", data);
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = free_port();
        snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
        snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
        s->pid = fork();
        if (s->pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            /* a failed assertion ends the test process: take the server
             * with it rather than leave it serving */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (!getenv("ACCORD_TEST_VERBOSE")) {
                dup2(devnull, 1);
            }
            if (url) {
                if (access(conf, F_OK) == 0) {
                    execl(t_bin(), t_bin(), "serve", "--store", url, "--config",
                          conf, "--listen", listen, (char *)NULL);
                }
                execl(t_bin(), t_bin(), "serve", "--store", url, "--listen",
                      listen, (char *)NULL);
            }
            execl(t_bin(), t_bin(), "serve", "--data", data, "--listen", listen,
                  (char *)NULL);
            _exit(127);
        }
        for (int i = 0; i < 200; i++) {
            struct t_resp r = t_http(s, "GET", "/api/v1/health", NULL, NULL);
            long st = r.status;
            int wst;
            t_resp_free(&r);
            if (st == 200) {
                free(url);
                free(conf);
                return true;
            }
            if (waitpid(s->pid, &wst, WNOHANG) == s->pid) {
                break; /* exited: maybe the port was taken, try again */
            }
            usleep(50 * 1000);
        }
        if (s->pid > 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, NULL, 0);
        }
        s->pid = 0;
    }
    free(url);
    free(conf);
    return false;
}

int t_server_stop(struct t_server *s, int sig)
{
    int status = 0;
    if (s->pid <= 0) {
        return -1;
    }
    kill(s->pid, sig);
    while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
    }
    s->pid = 0;
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

struct sink {
    char *ptr;
    size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct sink *k = ctx;
    size_t add = size * n;
    char *q = realloc(k->ptr, k->len + add + 1);
    if (!q) {
        return 0;
    }
    memcpy(q + k->len, p, add);
    k->ptr = q;
    k->len += add;
    k->ptr[k->len] = '\0';
    return add;
}

struct t_resp t_http_h(const struct t_server *s, const char *method,
                       const char *path, const char *const headers[],
                       const char *body, size_t body_len)
{
    struct t_resp r = {0};
    struct sink k = {calloc(1, 1), 0};
    struct curl_slist *h = NULL;
    char *url = t_fmt("%s%s", s->base, path);
    CURL *c = curl_easy_init();
    char *ct = NULL;

    for (size_t i = 0; headers && headers[i]; i++) {
        h = curl_slist_append(h, headers[i]);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
        if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
            ct) {
            snprintf(r.content_type, sizeof r.content_type, "%s", ct);
        }
    }
    r.body = k.ptr;
    if (r.body && r.body[0]) {
        r.json = json_loads(r.body, 0, NULL);
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(url);
    return r;
}

struct t_resp t_http(const struct t_server *s, const char *method,
                     const char *path, const char *token, const char *body)
{
    char *auth = token ? t_fmt("Authorization: Bearer %s", token) : NULL;
    const char *headers[] = {"Content-Type: application/json", auth, NULL};
    struct t_resp r =
        t_http_h(s, method, path, headers, body, body ? strlen(body) : 0);
    free(auth);
    return r;
}

void t_resp_free(struct t_resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

char *t_login(const struct t_server *s, const char *member,
              const char *password)
{
    json_t *req =
        json_pack("{s:s,s:s}", "member", member, "password", password);
    char *body = json_dumps(req, 0);
    struct t_resp r = t_http(s, "POST", "/api/v1/session", NULL, body);
    char *token = NULL;
    if (r.status == 201 && json_is_string(json_object_get(r.json, "token"))) {
        token = strdup(json_string_value(json_object_get(r.json, "token")));
    }
    t_resp_free(&r);
    free(body);
    json_decref(req);
    return token;
}
