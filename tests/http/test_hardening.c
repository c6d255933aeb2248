/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Abuse the API must withstand: a logout racing with reads of the same
 * token, failed logins used to lock a member out, "%00" in the URL and
 * empty credentials reaching the store. Clients bind to other loopback
 * addresses (127.0.0.0/8) to appear as different machines. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "fixture.h"

/* ---- requests from a chosen address ---- */

static size_t keep_body(char *p, size_t size, size_t n, void *ctx)
{
    char **body = ctx;
    size_t add = size * n, len = *body ? strlen(*body) : 0;
    char *q = realloc(*body, len + add + 1);
    if (!q) {
        return 0;
    }
    memcpy(q + len, p, add);
    q[len + add] = '\0';
    *body = q;
    return add;
}

/* A request sent from the loopback address addr ("127.0.0.2"). */
static struct t_resp from(const struct org *o, const char *addr,
                          const char *method, const char *path,
                          const char *body)
{
    CURL *c = curl_easy_init();
    char *url = t_fmt("%s%s", o->srv.base, path);
    char *iface = t_fmt("host!%s", addr);
    struct curl_slist *h =
        curl_slist_append(NULL, "Content-Type: application/json");
    struct t_resp r = {0};

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    }
    if (r.body) {
        r.json = json_loads(r.body, 0, NULL);
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(iface);
    free(url);
    return r;
}

/* POST /api/v1/session from addr; returns the HTTP status. */
static long login_from(const struct org *o, const char *addr,
                       const char *member, const char *password)
{
    char *body =
        t_fmt("{\"member\":\"%s\",\"password\":\"%s\"}", member, password);
    struct t_resp r = from(o, addr, "POST", "/api/v1/session", body);
    long status = r.status;
    if (status == 429) {
        cr_assert_str_eq(jstr(r.json, "title"), "Too Many Requests");
    }
    t_resp_free(&r);
    free(body);
    return status;
}

#define expect_login(o, addr, member, password, want)                          \
    do {                                                                       \
        long got_ = login_from(o, addr, member, password);                     \
        cr_assert_eq(got_, (want), "%s as %s from %s: HTTP %ld, want %d",      \
                     __func__, member, addr, got_, (want));                    \
    } while (0)

/* ---- logout racing with reads ---- */

#define RACE_ROUNDS 20
#define RACE_THREADS 8

struct hammer {
    const struct org *o;
    const char *token;
    atomic_bool *stop;
    atomic_bool *revoked; /* set once DELETE /session answered 204 */
    atomic_int *started;  /* hammers that have had an answer */
    int late_ok;          /* 200s to requests sent after the 204 */
    int odd;              /* answers other than 200 and 401 */
    int sent;
};

static void *hammer_main(void *arg)
{
    struct hammer *h = arg;
    CURL *c = curl_easy_init();
    char *url = t_fmt("%s/api/v1/org", h->o->srv.base);
    char *auth = t_fmt("Authorization: Bearer %s", h->token);
    struct curl_slist *hdr = curl_slist_append(NULL, auth);

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    while (!atomic_load(h->stop)) {
        bool after = atomic_load(h->revoked);
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK) {
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        }
        if (h->sent++ == 0) {
            atomic_fetch_add(h->started, 1);
        }
        if (status == 200 && after) {
            h->late_ok++;
        } else if (status != 200 && status != 401) {
            h->odd++;
        }
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(hdr);
    free(auth);
    free(url);
    return NULL;
}

Test(hardening, logout_wins_over_concurrent_reads, .fini = org_cleanup)
{
    struct org o;
    org_up(&o, false);
    for (int round = 0; round < RACE_ROUNDS; round++) {
        char *token = t_login(&o.srv, "alice", PW_ALICE);
        struct hammer h[RACE_THREADS];
        pthread_t th[RACE_THREADS];
        atomic_bool stop = false, revoked = false;
        atomic_int started = 0;
        struct t_resp r;
        int sent = 0;

        cr_assert_not_null(token);
        for (int i = 0; i < RACE_THREADS; i++) {
            h[i] =
                (struct hammer){&o, token, &stop, &revoked, &started, 0, 0, 0};
            cr_assert_eq(pthread_create(&th[i], NULL, hammer_main, &h[i]), 0);
        }
        /* every hammer is reading before the logout, however busy the
         * machine (a fixed pause left them unscheduled under load) */
        for (int w = 0; w < 1000 && atomic_load(&started) < RACE_THREADS; w++) {
            usleep(10 * 1000);
        }
        r = t_http(&o.srv, "DELETE", "/api/v1/session", token, NULL);
        atomic_store(&revoked, true);
        usleep(30 * 1000);
        atomic_store(&stop, true);
        for (int i = 0; i < RACE_THREADS; i++) {
            pthread_join(th[i], NULL);
        }
        expect_status(r, 204);
        t_resp_free(&r);
        for (int i = 0; i < RACE_THREADS; i++) {
            cr_assert_eq(h[i].late_ok, 0,
                         "round %d: %d reads after the logout answered 200",
                         round, h[i].late_ok);
            cr_assert_eq(h[i].odd, 0, "round %d: unexpected answers", round);
            sent += h[i].sent;
        }
        cr_assert(sent > RACE_THREADS, "round %d: only %d reads", round, sent);
        for (int i = 0; i < 3; i++) {
            r = t_http(&o.srv, "GET", "/api/v1/org", token, NULL);
            cr_assert_eq(r.status, 401, "round %d: HTTP %ld after logout",
                         round, r.status);
            t_resp_free(&r);
        }
        free(token);
    }
    org_down(&o);
}

/* ---- failed logins ---- */

Test(hardening, failures_block_the_member_only_from_that_address,
     .fini = org_cleanup)
{
    struct org o;
    org_up(&o, true);
    /* success clears the failures of the pair */
    for (int i = 0; i < 4; i++) {
        expect_login(&o, "127.0.0.2", "bob", "wrong-password", 401);
    }
    expect_login(&o, "127.0.0.2", "bob", PW_BOB, 201);
    for (int i = 0; i < 5; i++) {
        expect_login(&o, "127.0.0.2", "bob", "wrong-password", 401);
    }
    /* the sixth attempt is refused, even with the right password */
    expect_login(&o, "127.0.0.2", "bob", "wrong-password", 429);
    expect_login(&o, "127.0.0.2", "bob", PW_BOB, 429);
    /* bob from elsewhere, and others from there, are not affected */
    expect_login(&o, "127.0.0.1", "bob", PW_BOB, 201);
    expect_login(&o, "127.0.0.5", "bob", PW_BOB, 201);
    expect_login(&o, "127.0.0.2", "carol", PW_CAROL, 201);
    /* bob's own failures elsewhere are counted apart */
    expect_login(&o, "127.0.0.1", "bob", "wrong-password", 401);
    expect_login(&o, "127.0.0.1", "bob", PW_BOB, 201);
    expect_login(&o, "127.0.0.2", "bob", PW_BOB, 429);
    org_down(&o);
}

Test(hardening, failures_across_members_block_the_address, .fini = org_cleanup)
{
    struct org o;
    char *retry = NULL;
    org_up(&o, true);
    /* one failure each for 20 member ids, known or not */
    for (int i = 0; i < 20; i++) {
        static const char *const known[] = {"alice", "bob", "carol"};
        char member[32];
        snprintf(member, sizeof member, "%s", i < 3 ? known[i] : "");
        if (i >= 3) {
            snprintf(member, sizeof member, "nobody-%d", i);
        }
        expect_login(&o, "127.0.0.3", member, "wrong-password", 401);
    }
    expect_login(&o, "127.0.0.3", "alice", PW_ALICE, 429);
    expect_login(&o, "127.0.0.3", "carol", PW_CAROL, 429);
    /* the members themselves, from their own addresses, still get in */
    expect_login(&o, "127.0.0.1", "alice", PW_ALICE, 201);
    expect_login(&o, "127.0.0.1", "bob", PW_BOB, 201);
    cr_assert_eq(http_header(&o, "POST", "/api/v1/session", NULL,
                             "{\"member\":\"alice\",\"password\":\"" PW_ALICE
                             "\"}",
                             "Retry-After", &retry),
                 201);
    cr_assert_null(retry);
    org_down(&o);
}

Test(hardening, wrong_invite_codes_count_for_the_address, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    org_up(&o, false);
    for (int i = 0; i < 20; i++) {
        r = from(&o, "127.0.0.4", "POST", "/api/v1/invites/accept",
                 "{\"invite\":\"not-a-code\",\"password\":\"long-enough\"}");
        expect_status(r, 404);
        cr_assert_str_eq(jstr(r.json, "field"), "/invite");
        t_resp_free(&r);
    }
    r = from(&o, "127.0.0.4", "POST", "/api/v1/invites/accept",
             "{\"invite\":\"not-a-code\",\"password\":\"long-enough\"}");
    expect_status(r, 429);
    t_resp_free(&r);
    expect_login(&o, "127.0.0.4", "alice", PW_ALICE, 429);
    /* they do not count against a member */
    expect_login(&o, "127.0.0.1", "alice", PW_ALICE, 201);
    r = from(&o, "127.0.0.1", "POST", "/api/v1/invites/accept",
             "{\"invite\":\"not-a-code\",\"password\":\"long-enough\"}");
    expect_status(r, 404);
    t_resp_free(&r);
    org_down(&o);
}

/* ---- the URL and the credentials as given ---- */

Test(hardening, escaped_nul_in_the_url_is_not_decoded, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    char *p;
    org_up(&o, false);
    p = propose(&o, o.alice, "all", "member.admit", "Admit Bob",
                "{\"id\":\"bob\",\"name\":\"Bob\"}");
    cr_assert_str_eq(p, "p1");
    free(p);

    r = t_http(&o.srv, "GET", "/api/v1/proposals/p1%00x", o.alice, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals/p1%00", o.alice, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/agreements/a1%00", o.alice, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    /* other escapes still decode */
    r = t_http(&o.srv, "GET", "/api/v1/proposals/p%31", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "id"), "p1");
    t_resp_free(&r);

    r = t_http(&o.srv, "GET", "/api/v1/events?after=1%00", o.alice, NULL);
    expect_status(r, 400);
    cr_assert_not_null(strstr(jstr(r.json, "detail"), "after"), "%s", r.body);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/events?after=0&limit=1%00x", o.alice,
               NULL);
    expect_status(r, 400);
    cr_assert_not_null(strstr(jstr(r.json, "detail"), "limit"), "%s", r.body);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals?status=open%00", o.alice,
               NULL);
    expect_status(r, 400);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/org?x%00=1", o.alice, NULL);
    expect_status(r, 400);
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/events?after=%31", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(
        jint(json_array_get(json_object_get(r.json, "events"), 0), "seq"), 2);
    t_resp_free(&r);
    org_down(&o);
}

Test(hardening, empty_credentials_name_the_member, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    org_up(&o, false);
    r = req(&o, "POST", "/api/v1/invites/accept", NULL,
            "{\"invite\":\"\",\"password\":\"long-enough\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/invite");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/invites/accept", NULL,
            "{\"invite\":\"%0128d\",\"password\":\"long-enough\"}", 0);
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/invite");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/session", NULL,
            "{\"member\":\"\",\"password\":\"long-enough\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/member");
    t_resp_free(&r);
    /* neither counts as a failed login */
    for (int i = 0; i < 25; i++) {
        r = req(&o, "POST", "/api/v1/invites/accept", NULL,
                "{\"invite\":\"\",\"password\":\"long-enough\"}");
        expect_status(r, 400);
        t_resp_free(&r);
    }
    expect_login(&o, "127.0.0.1", "alice", PW_ALICE, 201);
    org_down(&o);
}
