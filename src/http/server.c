/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord serve: libmicrohttpd glue. A request's body is gathered (capped
 * at the body limit), then routed; a write suspends its connection until
 * the writer has committed it. Answers are queued on a later call than
 * the first for a request: libmicrohttpd 0.9.75 closes the connection
 * after a response queued on the very first call, and keep-alive matters
 * for throughput (docs/performance.md). SIGTERM and SIGINT stop the
 * server after the queued writes are committed and answered. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/ascii.h"
#include "http_int.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DISCARD_FACTOR 16 /* body bytes read past the limit before closing */
#define DRAIN_MS 5000     /* longest wait for answers in flight at stop */
#define IDLE_TIMEOUT_S 60 /* idle keep-alive connections */

/* ---- answering ---- */

static void add_header(struct MHD_Response *resp, const char *name,
                       const char *value)
{
    MHD_add_response_header(resp, name, value);
}

static enum MHD_Result send_reply(struct ac_request *r)
{
    struct ac_reply *rp = &r->reply;
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (!rp->status) {
        ac_api_problem(rp, 500, "no answer was made", NULL);
    }
    if (rp->body) {
        resp = MHD_create_response_from_buffer(rp->len, rp->body,
                                               MHD_RESPMEM_MUST_FREE);
    } else {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    if (!resp) {
        return MHD_NO;
    }
    rp->body = NULL; /* MHD owns it now */
    if (rp->type) {
        add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rp->type);
    }
    add_header(resp, "X-Content-Type-Options", "nosniff");
    add_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
               rp->cache ? rp->cache : "no-store");
    if (rp->is_page) {
        add_header(resp, "Content-Security-Policy", AC_PAGE_CSP);
        add_header(resp, "Referrer-Policy", "same-origin");
        add_header(resp, "X-Frame-Options", "DENY");
    }
    if (rp->location[0]) {
        add_header(resp, MHD_HTTP_HEADER_LOCATION, rp->location);
    }
    for (size_t i = 0; i < sizeof rp->cookie / sizeof rp->cookie[0]; i++) {
        if (rp->cookie[i][0]) {
            add_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rp->cookie[i]);
        }
    }
    if (rp->allow[0]) {
        add_header(resp, MHD_HTTP_HEADER_ALLOW, rp->allow);
    }
    if (rp->retry_after > 0) {
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)rp->retry_after);
        add_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    if (__atomic_load_n(&r->svc->stopping, __ATOMIC_SEQ_CST)) {
        /* Keep-alive clients move on instead of queueing more here. */
        add_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    if (rp->challenge) {
        add_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                   "Bearer realm=\"accord\"");
    }
    ret = MHD_queue_response(r->conn, rp->status, resp);
    MHD_destroy_response(resp);
    r->phase = AC_PHASE_DONE;
    return ret;
}

static void too_large(struct ac_request *r)
{
    char msg[96];
    snprintf(msg, sizeof msg,
             "the request body is over the limit of %zu "
             "bytes",
             r->svc->body_limit);
    ac_api_problem(&r->reply, 413, msg, NULL);
}

/* ---- the request cycle ---- */

static struct ac_request *request_new(struct ac_service *svc,
                                      struct MHD_Connection *conn,
                                      const char *url, const char *method)
{
    struct ac_request *r = calloc(1, sizeof *r);
    if (!r) {
        return NULL;
    }
    r->svc = svc;
    r->conn = conn;
    r->url = url;
    r->method = method;
    r->phase = AC_PHASE_BODY;
    /* Decoded values take some multiple of the body's bytes. */
    ac_arena_init(&r->arena, svc->body_limit * 32 + ((size_t)1 << 20));
    ac_buf_init(&r->body, svc->body_limit);
    __atomic_add_fetch(&svc->inflight, 1, __ATOMIC_SEQ_CST);
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct ac_service *svc = cls;
    struct ac_request *r = *con_cls;
    (void)conn;
    (void)toe;
    if (!r) {
        return;
    }
    ac_reply_release(&r->reply);
    ac_reply_release(&r->job.reply);
    ac_buf_release(&r->body);
    ac_arena_release(&r->arena);
    free(r);
    *con_cls = NULL;
    __atomic_sub_fetch(&svc->inflight, 1, __ATOMIC_SEQ_CST);
}

/* A Content-Length over the limit is refused before the body is read. */
static bool declared_too_large(struct ac_request *r)
{
    const char *cl = MHD_lookup_connection_value(
        r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    int64_t n;
    return cl && ac_parse_i64(ac_str_c(cl), 0, INT64_MAX, &n, NULL) == AC_OK &&
           (uint64_t)n > r->svc->body_limit;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    struct ac_service *svc = cls;
    struct ac_request *r = *con_cls;
    (void)version;

    if (!r) {
        r = request_new(svc, conn, url, method);
        if (!r) {
            return MHD_NO;
        }
        *con_cls = r;
        if (declared_too_large(r)) {
            /* Answered at once: the connection closes unread. */
            r->too_large = true;
            too_large(r);
            return send_reply(r);
        }
        return MHD_YES;
    }
    switch (r->phase) {
    case AC_PHASE_DONE:
        *upload_size = 0;
        return MHD_YES;
    case AC_PHASE_WAIT:
        /* Resumed by the writer with the job's answer. */
        ac_reply_release(&r->reply);
        r->reply = r->job.reply;
        memset(&r->job.reply, 0, sizeof r->job.reply);
        if (r->done) {
            r->done(r);
        }
        return send_reply(r);
    case AC_PHASE_BODY:
        break;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (!r->too_large) {
            ac_buf_add(&r->body, upload, n);
            if (r->body.status == AC_ELIMIT) {
                r->too_large = true;
                ac_buf_release(&r->body);
            }
        } else {
            r->discarded += n;
            if (r->discarded / DISCARD_FACTOR > svc->body_limit) {
                return MHD_NO;
            }
        }
        return MHD_YES;
    }
    if (r->too_large) {
        too_large(r);
    } else if (r->body.status != AC_OK) {
        ac_api_problem(&r->reply, 503, "out of memory", NULL);
    } else {
        ac_route_dispatch(r);
        if (r->phase == AC_PHASE_WAIT) {
            return MHD_YES;
        }
    }
    return send_reply(r);
}

/* ---- the URL ---- */

/* Decodes "%HH" in the path and the query in place, as libmicrohttpd
 * would, except "%00": decoded, it would end the C string there and
 * "p1%00x" would read as "p1". It stays as written, so the id or number
 * it is part of matches nothing. Other malformed escapes stay too. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    char *w = s;
    (void)cls;
    (void)conn;
    for (const char *p = s; *p; p++) {
        int hi = *p == '%' ? ac_hex_digit(p[1]) : -1;
        int lo = hi >= 0 ? ac_hex_digit(p[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* ---- listening ---- */

/* Splits "ADDR:PORT" (or "[V6]:PORT") into a socket address. */
static enum ac_status parse_listen(const char *listen,
                                   struct sockaddr_storage *sa,
                                   socklen_t *sa_len, char host[128],
                                   struct ac_err *err)
{
    const char *colon = strrchr(listen, ':');
    struct addrinfo hints = {0}, *res = NULL;
    size_t hlen;
    int64_t port;
    int rc;

    if (!colon || colon == listen) {
        return ac_err_at(err, "--listen", AC_EINVAL,
                         "--listen \"%s\" is not ADDR:PORT", listen);
    }
    if (ac_parse_i64(ac_str_c(colon + 1), 0, 65535, &port, NULL) != AC_OK) {
        return ac_err_at(err, "--listen", AC_EINVAL,
                         "--listen \"%s\": the port must be 0 to 65535",
                         listen);
    }
    hlen = (size_t)(colon - listen);
    if (listen[0] == '[' && hlen >= 2 && listen[hlen - 1] == ']') {
        listen++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= 128) {
        return ac_err_at(err, "--listen", AC_EINVAL,
                         "--listen \"%s\" is not ADDR:PORT", listen);
    }
    memcpy(host, listen, hlen);
    host[hlen] = '\0';
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        return ac_err_at(err, "--listen", AC_EINVAL,
                         "--listen: cannot resolve \"%s\": %s", host,
                         gai_strerror(rc));
    }
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    *sa_len = res->ai_addrlen;
    freeaddrinfo(res);
    if (sa->ss_family == AF_INET6) {
        ((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
    } else {
        ((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
    }
    return AC_OK;
}

static unsigned pool_size(const struct ac_server_config *cfg)
{
    long n;
    if (cfg->threads) {
        return cfg->threads;
    }
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* Waits for SIGTERM or SIGINT, which the caller has blocked. */
static void wait_for_stop(const sigset_t *set)
{
    for (;;) {
        int sig = sigwaitinfo(set, NULL);
        if (sig == SIGTERM || sig == SIGINT) {
            return;
        }
    }
}

static void wait_inflight(struct ac_service *svc)
{
    struct timespec pause = {0, 10 * 1000 * 1000};
    for (int waited = 0; waited < DRAIN_MS; waited += 10) {
        if (__atomic_load_n(&svc->inflight, __ATOMIC_SEQ_CST) == 0) {
            return;
        }
        nanosleep(&pause, NULL);
    }
}

enum ac_status ac_server_run(const struct ac_server_config *cfg,
                             struct ac_err *err)
{
    struct ac_service *svc = calloc(1, sizeof *svc);
    struct sockaddr_storage sa;
    socklen_t sa_len = 0;
    char host[128];
    struct MHD_Daemon *d = NULL;
    const union MHD_DaemonInfo *info;
    sigset_t set, old;
    bool masked = false;
    unsigned flags;
    enum ac_status st;
    struct ac_err e = {0};

    if (!svc) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = parse_listen(cfg->listen ? cfg->listen : DEFAULT_LISTEN, &sa, &sa_len,
                      host, err);
    if (st != AC_OK) {
        free(svc);
        return st;
    }
    st = ac_service_open(svc, cfg, err);
    if (st != AC_OK) {
        goto out;
    }
    /* Rounds whose deadline passed while the server was down close now,
     * before anyone can read them as open. */
    if (ac_service_tick(svc, &e) != AC_OK) {
        fprintf(stderr, "accord: closing due rounds failed: %s\n", e.msg);
    }
    /* A client that goes away while its answer is written must cost an
     * EPIPE, never the process: some of MHD's writes are plain writes. */
    signal(SIGPIPE, SIG_IGN);
    /* Every thread started from here inherits the mask, so the signals
     * reach only sigwaitinfo below. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    masked = true;
    st = ac_service_start(svc, err);
    if (st != AC_OK) {
        goto out;
    }
    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
            MHD_ALLOW_SUSPEND_RESUME;
    if (sa.ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    d = MHD_start_daemon(flags, 0, NULL, NULL, on_access, svc,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)pool_size(cfg),
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, svc,
                         MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned)IDLE_TIMEOUT_S, MHD_OPTION_END);
    if (!d) {
        st = ac_err_at(err, "--listen", AC_EIO, "cannot listen on %s: %s",
                       cfg->listen ? cfg->listen : DEFAULT_LISTEN,
                       errno ? strerror(errno) : "unknown error");
        goto out;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf(
        "accord: serving %.*s on http://%s%s%s:%u\n", (int)svc->state.name.len,
        svc->state.name.ptr, sa.ss_family == AF_INET6 ? "[" : "", host,
        sa.ss_family == AF_INET6 ? "]" : "", info ? (unsigned)info->port : 0u);
    fflush(stdout);

    wait_for_stop(&set);

    /* Refuse new writes (503, "Connection: close"), commit and answer
     * what is queued, let the answers go out, then close. The listening
     * socket stays open until MHD_stop_daemon: MHD_quiesce_daemon races
     * with the epoll worker threads of libmicrohttpd 0.9.75, which both
     * remove the socket from their epoll set, and the loser aborts the
     * process ("Failed to remove listen FD from epoll set"). */
    __atomic_store_n(&svc->stopping, true, __ATOMIC_SEQ_CST);
    ac_service_drain(svc);
    wait_inflight(svc);
    MHD_stop_daemon(d);
    d = NULL;
    printf("accord: stopped; head seq %lld\n", (long long)svc->state.seq);
    fflush(stdout);
    st = AC_OK;
out:
    if (d) {
        ac_service_drain(svc);
        MHD_stop_daemon(d);
    }
    ac_service_close(svc);
    free(svc);
    if (masked) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    return st;
}
