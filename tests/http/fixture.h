/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared setup for the HTTP tests: an organisation in a temporary data
 * folder served by the real binary, with alice as founder and, on
 * request, bob and carol admitted through the API as members would be:
 * alice admits bob (her consent alone closes the round), bob takes the
 * invite; then alice and bob admit carol. */
#ifndef ACCORD_TESTS_HTTP_FIXTURE_H
#define ACCORD_TESTS_HTTP_FIXTURE_H

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "support/harness.h"

#define PW_ALICE "alice-password"
#define PW_BOB "bob-password"
#define PW_CAROL "carol-password"

struct org {
    char *root; /* temporary folder */
    char *data; /* root/org */
    struct t_server srv;
    char *alice; /* tokens, NULL until logged in */
    char *bob;
    char *carol;
};

/* The organisation of the running test, stopped by org_cleanup even
 * when an assertion ends the test early (each test runs in its own
 * process, so one pointer suffices). */
static struct org *fixture_current;

/* Asserts the status of r, showing the body when it differs. */
#define expect_status(r, want)                                                 \
    cr_assert_eq((r).status, (want), "%s: HTTP %ld, want %d: %s", __func__,    \
                 (r).status, (want), (r).body ? (r).body : "")

static inline const char *jstr(const json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

static inline long long jint(const json_t *j, const char *key)
{
    return (long long)json_integer_value(json_object_get(j, key));
}

/* A request with a printf-formatted body (fmt NULL for none). */
static inline struct t_resp req(const struct org *o, const char *method,
                                const char *path, const char *token,
                                const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static inline struct t_resp req(const struct org *o, const char *method,
                                const char *path, const char *token,
                                const char *fmt, ...)
{
    char *body = NULL;
    struct t_resp r;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&body, fmt, ap) < 0) {
            body = NULL;
        }
        va_end(ap);
    }
    r = t_http(&o->srv, method, path, token, body);
    free(body);
    return r;
}

/* The head seq from GET /org. */
static inline long long head_seq(const struct org *o)
{
    struct t_resp r = t_http(&o->srv, "GET", "/api/v1/org", o->alice, NULL);
    long long seq;
    expect_status(r, 200);
    seq = jint(json_object_get(r.json, "head"), "seq");
    t_resp_free(&r);
    return seq;
}

/* Gives a position; returns the proposal's status afterwards. */
static inline char *position(const struct org *o, const char *token,
                             const char *id, const char *pos,
                             const char *reason)
{
    char *path = t_fmt("/api/v1/proposals/%s/positions", id);
    struct t_resp r =
        reason ? req(o, "POST", path, token,
                     "{\"position\":\"%s\",\"reason\":\"%s\"}", pos, reason)
               : req(o, "POST", path, token, "{\"position\":\"%s\"}", pos);
    char *status;
    expect_status(r, 200);
    status = strdup(jstr(r.json, "status"));
    t_resp_free(&r);
    free(path);
    return status;
}

/* Proposes; returns the new proposal's id. */
static inline char *propose(const struct org *o, const char *token,
                            const char *circle, const char *kind,
                            const char *title, const char *data)
{
    struct t_resp r = req(o, "POST", "/api/v1/proposals", token,
                          "{\"circle\":\"%s\",\"kind\":\"%s\",\"title\":"
                          "\"%s\",\"data\":%s}",
                          circle, kind, title, data);
    char *id;
    expect_status(r, 201);
    id = strdup(jstr(r.json, "id"));
    t_resp_free(&r);
    return id;
}

/* The wall clock in ms, as the server reads it. */
static inline int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Proposes as who[0] in circle, and each of who (NULL-ended) consents;
 * the last answer must adopt it. */
static inline void adopt_by(struct org *o, const char *circle, const char *kind,
                            const char *title, const char *data,
                            const char *const *who)
{
    char *p = propose(o, who[0], circle, kind, title, data);
    char *st = NULL;
    for (size_t i = 0; who[i]; i++) {
        free(st);
        st = position(o, who[i], p, "consent", NULL);
    }
    cr_assert_str_eq(st, "adopted", "%s %s", kind, data);
    free(st);
    free(p);
}

/* Takes an admitted member's invite (read by the author) and logs in. */
static inline char *take_invite(const struct org *o, const char *author,
                                const char *proposal, const char *member,
                                const char *password, char **code_out)
{
    char *path = t_fmt("/api/v1/proposals/%s/invite", proposal);
    struct t_resp r = t_http(&o->srv, "GET", path, author, NULL);
    char *code, *token;
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "member"), member);
    code = strdup(jstr(r.json, "invite"));
    t_resp_free(&r);
    r = req(o, "POST", "/api/v1/invites/accept", NULL,
            "{\"invite\":\"%s\",\"password\":\"%s\"}", code, password);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "member"), member);
    cr_assert(jint(r.json, "seq") > 0);
    t_resp_free(&r);
    if (code_out) {
        *code_out = code;
    } else {
        free(code);
    }
    free(path);
    token = t_login(&o->srv, member, password);
    cr_assert_not_null(token, "%s cannot log in", member);
    return token;
}

/* Creates the organisation and starts the server; with members, also
 * admits bob and carol. */
static inline void org_up(struct org *o, bool members)
{
    memset(o, 0, sizeof *o);
    fixture_current = o;
    o->root = t_tmpdir();
    cr_assert_not_null(o->root);
    o->data = t_fmt("%s/org", o->root);
    cr_assert(t_init_org(o->data, "Test Co-op", "alice", PW_ALICE));
    cr_assert(t_server_start(&o->srv, o->data), "the server did not start");
    o->alice = t_login(&o->srv, "alice", PW_ALICE);
    cr_assert_not_null(o->alice);
    if (members) {
        char *p = propose(o, o->alice, "all", "member.admit", "Admit Bob",
                          "{\"id\":\"bob\",\"name\":\"Bob\"}");
        char *st = position(o, o->alice, p, "consent", NULL);
        cr_assert_str_eq(st, "adopted");
        free(st);
        o->bob = take_invite(o, o->alice, p, "bob", PW_BOB, NULL);
        free(p);

        p = propose(o, o->alice, "all", "member.admit", "Admit Carol",
                    "{\"id\":\"carol\",\"name\":\"Carol\"}");
        st = position(o, o->alice, p, "consent", NULL);
        cr_assert_str_eq(st, "open");
        free(st);
        st = position(o, o->bob, p, "consent", NULL);
        cr_assert_str_eq(st, "adopted");
        free(st);
        o->carol = take_invite(o, o->alice, p, "carol", PW_CAROL, NULL);
        free(p);
    }
}

static inline void org_down(struct org *o)
{
    if (o->srv.pid > 0) {
        t_server_stop(&o->srv, SIGTERM);
    }
    free(o->alice);
    free(o->bob);
    free(o->carol);
    t_rmrf(o->root);
    free(o->data);
    free(o->root);
    memset(o, 0, sizeof *o);
    fixture_current = NULL;
}

/* For .fini: stops a server an assertion left running. */
static inline void org_cleanup(void)
{
    if (fixture_current) {
        org_down(fixture_current);
    }
}

/* A request that also captures one response header (value malloc'd into
 * *value, or NULL). */
struct hdr_sink {
    const char *name;
    char *value;
};

static inline size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct hdr_sink *h = ctx;
    size_t len = size * n, nl = strlen(h->name);
    if (len > nl + 1 && strncasecmp(p, h->name, nl) == 0 && p[nl] == ':') {
        const char *v = p + nl + 1;
        size_t vl = len - nl - 1;
        while (vl && (*v == ' ')) {
            v++;
            vl--;
        }
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) {
            vl--;
        }
        free(h->value);
        h->value = strndup(v, vl);
    }
    return len;
}

static inline size_t on_discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

static inline long http_header(const struct org *o, const char *method,
                               const char *path, const char *token,
                               const char *body, const char *name, char **value)
{
    CURL *c = curl_easy_init();
    char *url = t_fmt("%s%s", o->srv.base, path);
    char *auth = token ? t_fmt("Authorization: Bearer %s", token) : NULL;
    struct curl_slist *h = NULL;
    struct hdr_sink sink = {name, NULL};
    long status = 0;

    if (auth) {
        h = curl_slist_append(h, auth);
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(auth);
    free(url);
    *value = sink.value;
    return status;
}

#endif
