/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The http target: each input is sent as it is, as raw bytes, to a real
 * server (ac_server_run: libmicrohttpd, the routes, the pages, sessions,
 * forms, the writer and SQLite) running in this process on a loopback
 * port; the input may hold several pipelined requests. The server holds
 * the demo organisation (accord demo) with a session for each of its
 * members, whose token is "fuzz-" and the member id:
 *     Authorization: Bearer fuzz-alice
 *     Cookie: accord_session=fuzz-alice
 * and a form's csrf field is then the hex SHA-256 of "csrf:fuzz-alice".
 *
 * Any answer 500 (no answer was made) or 503 (out of memory, a broken
 * store) is a bug here, as is a JSON answer that does not parse, a page
 * that holds the markup "<x-fuzz" (which inputs send, so text put into a
 * page unescaped shows), a crash or a sanitizer report in any of the
 * server's threads. Writes change the organisation, so every RESET_EVERY
 * inputs, or when the store has grown, the server restarts on what the
 * inputs made, which must verify and be answered as before the restart,
 * and the store then goes back to its first copy.
 * Webhook deliveries go to a proxy on a closed loopback port, so nothing
 * leaves the machine. With AC_FUZZ_TRACE set in the environment, the
 * status line of each answer goes to standard error. */
#include "fuzz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/secret.h"
#include "cli/cli.h"
#include "http/server.h"
#include "store/log.h"
#include "store/store.h"

#ifndef RESET_EVERY
#define RESET_EVERY 4000
#endif
#define STORE_MAX ((off_t)16 << 20) /* bytes of accord.db and its WAL */
#define QUIET_MS 1                  /* quiet before the end of input is sent */
#define ANSWER_MS 2000              /* quiet after it before giving up */
#define HEALTH_MS 30000             /* longest wait for a health answer */
#define ANSWER_MAX ((size_t)4 << 20)
#define MARKUP "<x-fuzz"

static const char *const members[] = {"alice", "bob", "carol", "dana", "erin"};

static struct {
    bool started;
    char dir[PATH_MAX - 64]; /* the data folder */
    char listen[32];
    int port;
    struct ac_server_config cfg;
    pthread_t thread;
    volatile bool serving;        /* ac_server_run has not returned */
    struct ac_err err;            /* what it returned with */
    unsigned runs;                /* inputs since the last reset */
    char token[AC_TOKEN_LEN + 1]; /* alice's session for the reads */
} H;

static void *serve(void *arg)
{
    (void)arg;
    ac_server_run(&H.cfg, &H.err);
    H.serving = false;
    return NULL;
}

static int free_port(void)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
    AC_FUZZ_CHECK(fd >= 0, "socket: %s", strerror(errno));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
        port = ntohs(sa.sin_port);
    }
    close(fd);
    AC_FUZZ_CHECK(port > 0, "no free port: %s", strerror(errno));
    return port;
}

static int connect_server(void)
{
    struct sockaddr_in sa = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    AC_FUZZ_CHECK(fd >= 0, "socket: %s", strerror(errno));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)H.port);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Starts the server on a free port and waits until it accepts. */
static void start(void)
{
    struct timespec pause = {0, 10 * 1000 * 1000};
    H.port = free_port();
    snprintf(H.listen, sizeof H.listen, "127.0.0.1:%d", H.port);
    H.cfg = (struct ac_server_config){
        .data = H.dir, .listen = H.listen, .threads = 2};
    H.serving = true;
    AC_FUZZ_CHECK(pthread_create(&H.thread, NULL, serve, NULL) == 0,
                  "cannot start the server thread");
    for (int i = 0; i < 3000; i++) {
        int fd;
        AC_FUZZ_CHECK(H.serving, "the server did not start: %s", H.err.msg);
        fd = connect_server();
        if (fd >= 0) {
            close(fd);
            H.runs = 0;
            return;
        }
        nanosleep(&pause, NULL);
    }
    ac_fuzz_fail("the server did not start within 30 s");
}

/* SIGTERM to the server's thread, where ac_server_run waits for it;
 * then what the inputs wrote must verify as `accord verify` checks it. */
static void stop(void)
{
    struct ac_store *st = NULL;
    struct ac_err e = {0};
    char head[AC_HEX_LEN + 1];
    int64_t count;

    pthread_kill(H.thread, SIGTERM);
    pthread_join(H.thread, NULL);
    AC_FUZZ_CHECK(ac_store_open(H.dir, false, &st, &e) == AC_OK,
                  "the store does not open: %s", e.msg);
    AC_FUZZ_CHECK(ac_log_verify_store(st, &count, head, &e) == AC_OK,
                  "the store does not verify after the last inputs: %s", e.msg);
    ac_store_close(st);
}

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY), out;
    if (in < 0) {
        AC_FUZZ_CHECK(errno == ENOENT, "open %s: %s", from, strerror(errno));
        return;
    }
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    AC_FUZZ_CHECK(out >= 0, "open %s: %s", to, strerror(errno));
    while ((n = read(in, buf, sizeof buf)) > 0) {
        AC_FUZZ_CHECK(write(out, buf, (size_t)n) == n, "write %s", to);
    }
    close(out);
    close(in);
}

/* Copies the store's files between the data folder and its copy. */
static void store_files(bool save)
{
    static const char *const ext[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char live[PATH_MAX], kept[PATH_MAX];
        snprintf(live, sizeof live, "%s/accord.db%s", H.dir, ext[i]);
        snprintf(kept, sizeof kept, "%s/first/accord.db%s", H.dir, ext[i]);
        if (save) {
            copy_file(live, kept);
        } else {
            unlink(live);
            copy_file(kept, live);
        }
    }
}

static off_t store_size(void)
{
    static const char *const ext[] = {"", "-wal"};
    off_t total = 0;
    for (size_t i = 0; i < 2; i++) {
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/accord.db%s", H.dir, ext[i]);
        if (stat(path, &st) == 0) {
            total += st.st_size;
        }
    }
    return total;
}

/* accord demo into the data folder, its output dropped. */
static void demo(void)
{
    static const struct ac_cli_opt opts[] = {
        {"--data", "DIR", true, ""},
        {"--members", "N", false, ""},
        {"--proposals", "N", false, ""},
        {NULL, NULL, false, NULL},
    };
    struct ac_cli_args args = {.verb = "demo", .opts = opts};
    struct ac_err e = {0};
    int saved, null;
    enum ac_status st;

    args.values[0] = H.dir;
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    null = open("/dev/null", O_WRONLY);
    AC_FUZZ_CHECK(saved >= 0 && null >= 0, "cannot silence the demo");
    dup2(null, STDOUT_FILENO);
    st = ac_cli_demo(&args, &e);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(null);
    AC_FUZZ_CHECK(st == AC_OK, "accord demo: %s", e.msg);
}

/* A session "fuzz-MEMBER" for every member, valid for years. */
static void sessions(void)
{
    struct ac_store *st = NULL;
    struct ac_err e = {0};
    struct timespec now;
    int64_t expires;

    clock_gettime(CLOCK_REALTIME, &now);
    expires = ((int64_t)now.tv_sec + 10 * 366 * 86400) * 1000;
    AC_FUZZ_CHECK(ac_store_open(H.dir, false, &st, &e) == AC_OK,
                  "the demo store: %s", e.msg);
    for (size_t i = 0; i <= sizeof members / sizeof members[0]; i++) {
        char token[64], hash[AC_HEX_LEN + 1];
        const char *member = i ? members[i - 1] : members[0];
        if (i) {
            snprintf(token, sizeof token, "fuzz-%s", member);
        } else {
            /* the restart check's own, which no input can end */
            ac_token_new(H.token);
            snprintf(token, sizeof token, "%s", H.token);
        }
        ac_token_hash(hash, ac_str_c(token));
        AC_FUZZ_CHECK(ac_store_session_put(st, ac_str_c(hash), ac_str_c(member),
                                           expires, &e) == AC_OK,
                      "a session: %s", e.msg);
    }
    ac_store_close(st);
}

static int remove_one(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_dir(void)
{
    if (H.dir[0]) {
        nftw(H.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
        H.dir[0] = '\0';
    }
}

/* At exit: the server may still run, its folder goes anyway. */
static void at_exit(void)
{
    remove_dir();
}

static void setup(void)
{
    static const char *const proxies[] = {
        "http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    const char *tmp = getenv("TMPDIR");
    char first[PATH_MAX];

    for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++) {
        setenv(proxies[i], "http://127.0.0.1:9", 1);
    }
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    snprintf(H.dir, sizeof H.dir, "%s/accord-fuzz.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    AC_FUZZ_CHECK(mkdtemp(H.dir) != NULL, "mkdtemp: %s", strerror(errno));
    atexit(at_exit);
    demo();
    sessions();
    snprintf(first, sizeof first, "%s/first", H.dir);
    AC_FUZZ_CHECK(mkdir(first, 0700) == 0, "mkdir: %s", strerror(errno));
    store_files(true);
    start();
    H.started = true;
}

/* A header's value in the head [p, end), or NULL. */
static const char *header(const char *p, const char *end, const char *name,
                          size_t *len)
{
    const char *h = memmem(p, (size_t)(end - p), name, strlen(name));
    const char *eol;
    if (!h) {
        return NULL;
    }
    h += strlen(name);
    eol = memmem(h, (size_t)(end - h), "\r\n", 2);
    *len = (size_t)((eol ? eol : end) - h);
    return h;
}

/* One answer's body: JSON must parse; a page must not hold the markup
 * MARKUP as it is, which inputs send to catch text put into a page
 * unescaped. */
static void check_body(unsigned status, const char *type, size_t type_len,
                       const char *body, size_t len)
{
    json_error_t je;
    json_t *j;

    if (type_len >= 16 && memcmp(type, "application/", 12) == 0 &&
        memmem(type, type_len, "json", 4)) {
        j = json_loadb(body, len, 0, &je);
        AC_FUZZ_CHECK(j != NULL, "answer %u is not JSON (%s):\n%.*s", status,
                      je.text, (int)(len > 2000 ? 2000 : len), body);
        json_decref(j);
    }
    if (type_len >= 9 && memcmp(type, "text/html", 9) == 0) {
        const char *m = memmem(body, len, MARKUP, strlen(MARKUP));
        AC_FUZZ_CHECK(m == NULL, "a page holds unescaped markup:\n%.*s",
                      (int)(body + len - m > 300 ? 300 : body + len - m), m);
    }
}

/* Checks the answers, read one after the other: no 500 or 503, and each
 * body as check_body says. Bodies are checked only once the next answer
 * starts where the last one's length says (an answer to HEAD has the
 * length but not the body). */
static void check_answers(const char *p, size_t len)
{
    const char *end = p + len;
    unsigned last_status = 0;
    const char *last_type = NULL, *last_body = NULL;
    size_t last_type_len = 0, last_len = 0;

    while (end - p >= 12 && memcmp(p, "HTTP/1.", 7) == 0) {
        const char *hdr_end, *cl, *type;
        unsigned status = 0;
        size_t n, type_len = 0;
        unsigned long long body = 0;

        if (last_body) {
            check_body(last_status, last_type, last_type_len, last_body,
                       last_len);
            last_body = NULL;
        }
        for (int i = 9; i < 12; i++) {
            status = status * 10 + (unsigned)(p[i] - '0');
        }
        if (getenv("AC_FUZZ_TRACE")) {
            const char *eol = memchr(p, '\r', (size_t)(end - p));
            fprintf(stderr, "%.*s\n", (int)((eol ? eol : end) - p), p);
        }
        AC_FUZZ_CHECK(status != 500 && status != 503,
                      "the server answered %u:\n%.*s", status,
                      (int)(end - p > 2000 ? 2000 : end - p), p);
        hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hdr_end) {
            return;
        }
        cl = header(p, hdr_end, "\r\nContent-Length: ", &n);
        if (cl) {
            body = strtoull(cl, NULL, 10);
        }
        type = header(p, hdr_end, "\r\nContent-Type: ", &type_len);
        p = hdr_end + 4;
        if (status < 200 || body > (unsigned long long)(end - p)) {
            continue;
        }
        if (type) {
            last_status = status;
            last_type = type;
            last_type_len = type_len;
            last_body = p;
            last_len = (size_t)body;
        }
        p += body;
    }
    if (last_body && p == end) {
        check_body(last_status, last_type, last_type_len, last_body, last_len);
    }
}

/* Reads answers until the server closes, or until it has been quiet for
 * wait_ms; false on the quiet. */
static bool read_answers(int fd, char *answer, size_t *len, int wait_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
        ssize_t n;
        if (poll(&p, 1, wait_ms) <= 0) {
            return false;
        }
        n = recv(fd, answer + *len, ANSWER_MAX - *len, 0);
        if (n <= 0) {
            return true;
        }
        *len += (size_t)n;
        if (*len == ANSWER_MAX) {
            *len = 0; /* only the last answers are looked at */
        }
    }
}

/* After an input the server did not finish with: it must still answer. */
static void health(void)
{
    static const char req[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
    char answer[512];
    struct pollfd p = {.events = POLLIN};
    ssize_t n;

    p.fd = connect_server();
    AC_FUZZ_CHECK(p.fd >= 0, "cannot connect to the server: %s",
                  strerror(errno));
    AC_FUZZ_CHECK(send(p.fd, req, sizeof req - 1, MSG_NOSIGNAL) > 0,
                  "cannot send to the server: %s", strerror(errno));
    AC_FUZZ_CHECK(poll(&p, 1, HEALTH_MS) == 1, "the server hangs");
    n = recv(p.fd, answer, sizeof answer - 1, 0);
    AC_FUZZ_CHECK(n > 12 && memcmp(answer, "HTTP/1.1 200", 12) == 0,
                  "the server is not healthy");
    close(p.fd);
}

/* The body of GET path (as alice, by H.token), malloc'd; the server
 * closes the connection after it. */
static char *get(const char *path)
{
    char req[512], *answer = malloc(ANSWER_MAX + 1), *body;
    size_t len = 0;
    int fd = connect_server();
    ssize_t n;

    AC_FUZZ_CHECK(answer != NULL, "out of memory");
    AC_FUZZ_CHECK(fd >= 0, "cannot connect to the server: %s", strerror(errno));
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
             "Connection: close\r\n\r\n",
             path, H.token);
    AC_FUZZ_CHECK(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0,
                  "cannot send to the server: %s", strerror(errno));
    while (len < ANSWER_MAX &&
           (n = recv(fd, answer + len, ANSWER_MAX - len, 0)) > 0) {
        len += (size_t)n;
    }
    close(fd);
    answer[len] = '\0';
    body = strstr(answer, "\r\n\r\n");
    body = strdup(body ? body + 4 : answer);
    free(answer);
    AC_FUZZ_CHECK(body != NULL, "out of memory");
    return body;
}

/* What the server answers to every read of the organisation that does
 * not depend on the clock (but the notifications' "deliveries"); [0] is
 * the log's head. */
static const char *const reads[] = {
    "/api/v1/events?after=0&limit=1",
    "/api/v1/org",
    "/api/v1/members",
    "/api/v1/circles",
    "/api/v1/proposals",
    "/api/v1/agreements",
    "/api/v1/roles",
    "/api/v1/delegations",
    "/api/v1/ledger",
    "/api/v1/rounds",
    "/api/v1/commitments",
    "/api/v1/notifications",
};

#define READS (sizeof reads / sizeof reads[0])

/* Restarts the server on the store the inputs made: unless closing due
 * rounds at the start moved the head, it must answer every read as
 * before (the state it rebuilds from the log and the store is the one it
 * held). */
static void restart(void)
{
    char *before[READS], *after[READS];
    for (size_t i = 0; i < READS; i++) {
        before[i] = get(reads[i]);
    }
    stop();
    start();
    for (size_t i = 0; i < READS; i++) {
        /* a busy machine may leave a read of the new server unanswered:
         * asked again, up to 5 s, before it counts */
        json_t *ok = NULL;
        after[i] = get(reads[i]);
        for (int k = 0; k < 50 && !(ok = json_loads(after[i], 0, NULL)); k++) {
            free(after[i]);
            usleep(100 * 1000);
            after[i] = get(reads[i]);
        }
        json_decref(ok);
    }
    /* as JSON: an object's members may come in another order, the
     * log's canonical one */
    for (size_t i = 0; i < READS && strcmp(before[0], after[0]) == 0; i++) {
        json_t *x = json_loads(before[i], 0, NULL);
        json_t *y = json_loads(after[i], 0, NULL);
        size_t at = 0, from;
        while (before[i][at] && before[i][at] == after[i][at]) {
            at++;
        }
        from = at > 400 ? at - 400 : 0;
        /* the deliveries go on, with the clock, while the server runs */
        json_object_del(x, "deliveries");
        json_object_del(y, "deliveries");
        AC_FUZZ_CHECK(x && y && json_equal(x, y),
                      "a restart changed GET %s at byte %zu:\n%.800s\n%.800s",
                      reads[i], at, before[i] + from, after[i] + from);
        json_decref(x);
        json_decref(y);
    }
    for (size_t i = 0; i < READS; i++) {
        free(before[i]);
        free(after[i]);
    }
}

void ac_fuzz_http_stop(void)
{
    if (H.started) {
        restart();
        stop();
        H.started = false;
    }
    remove_dir();
}

void ac_fuzz_http(const uint8_t *data, size_t size)
{
    char *answer;
    size_t len = 0, sent = 0;
    bool closed;
    int fd;

    if (size > AC_FUZZ_MAX_INPUT) {
        return;
    }
    if (!H.started) {
        setup();
    }
    AC_FUZZ_CHECK(H.serving, "the server stopped: %s", H.err.msg);
    if (++H.runs > RESET_EVERY || store_size() > STORE_MAX) {
        restart();
        stop();
        store_files(false);
        start();
    }
    fd = connect_server();
    AC_FUZZ_CHECK(fd >= 0, "cannot connect to the server: %s", strerror(errno));
    while (sent < size) {
        ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            break; /* the server closed early: it answers what it read */
        }
        sent += (size_t)n;
    }
    answer = malloc(ANSWER_MAX);
    AC_FUZZ_CHECK(answer != NULL, "out of memory");
    /* libmicrohttpd 0.9.75 misses an end of input that arrives together
     * with the last bytes (the connection then idles until its timeout):
     * the end is sent once the server has gone quiet, so after it read */
    closed = read_answers(fd, answer, &len, QUIET_MS);
    if (!closed) {
        shutdown(fd, SHUT_WR);
        closed = read_answers(fd, answer, &len, ANSWER_MS);
    }
    close(fd);
    if (!closed) {
        health();
    }
    check_answers(answer, len);
    free(answer);
}
