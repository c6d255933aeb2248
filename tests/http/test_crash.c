/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Durability: the server is killed (SIGKILL) while concurrent writes are
 * in flight. Every write it acknowledged must be in the log after a
 * restart, with the seq and hash it was answered with, and the log must
 * verify. Writes are grouped into commits, so this also exercises group
 * commit under load. */
#include "fixture.h"

#include <pthread.h>
#include <unistd.h>

#define THREADS 8
#define PER_THREAD 25
#define KILL_AFTER 40 /* acknowledged writes before the kill */

struct ack {
    char id[32];
    long long seq;
    char hash[65];
};

struct shared {
    const struct org *o;
    pthread_mutex_t lock;
    struct ack acks[THREADS * PER_THREAD];
    int count;      /* acknowledged, under lock */
    int attempted;  /* requests sent, under lock */
    int unexpected; /* answers but 201, 503 or none, under lock */
};

struct worker {
    struct shared *sh;
    int n;
};

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
    size_t len = size * n;
    char **buf = ctx;
    size_t have = *buf ? strlen(*buf) : 0;
    char *q = realloc(*buf, have + len + 1);
    if (!q) {
        return 0;
    }
    memcpy(q + have, p, len);
    q[have + len] = '\0';
    *buf = q;
    return len;
}

/* One thread: PER_THREAD proposals over one keep-alive connection. */
static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    CURL *c = curl_easy_init();
    char *url = t_fmt("%s/api/v1/proposals", sh->o->srv.base);
    char *auth = t_fmt("Authorization: Bearer %s", sh->o->alice);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");

    for (int i = 0; i < PER_THREAD; i++) {
        char *body = t_fmt("{\"circle\":\"all\",\"kind\":\"agreement.adopt\","
                           "\"title\":\"Rule %d.%d\",\"data\":{\"text\":"
                           "\"Text of rule %d.%d\"}}",
                           w->n, i, w->n, i);
        char *resp = NULL;
        long status = 0;
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        pthread_mutex_lock(&sh->lock);
        sh->attempted++;
        pthread_mutex_unlock(&sh->lock);
        if (curl_easy_perform(c) == CURLE_OK) {
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        }
        if (status != 201 && status != 503 && status != 0) {
            pthread_mutex_lock(&sh->lock);
            sh->unexpected++;
            pthread_mutex_unlock(&sh->lock);
        }
        if (status == 201) {
            json_t *j = json_loads(resp, 0, NULL);
            pthread_mutex_lock(&sh->lock);
            if (j && sh->count < THREADS * PER_THREAD) {
                struct ack *a = &sh->acks[sh->count++];
                snprintf(a->id, sizeof a->id, "%s", jstr(j, "id"));
                snprintf(a->hash, sizeof a->hash, "%s", jstr(j, "hash"));
                a->seq = jint(j, "seq");
            }
            pthread_mutex_unlock(&sh->lock);
            json_decref(j);
        }
        free(resp);
        free(body);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(auth);
    free(url);
    return NULL;
}

static int acknowledged(struct shared *sh)
{
    int n;
    pthread_mutex_lock(&sh->lock);
    n = sh->count;
    pthread_mutex_unlock(&sh->lock);
    return n;
}

/* Runs the writers, stops the server with sig once KILL_AFTER writes are
 * acknowledged, restarts it and checks every acknowledged write is in the
 * log as answered. Returns the stopped server's exit status. */
static int write_and_stop(struct org *o, struct shared *sh, int sig)
{
    struct worker w[THREADS];
    pthread_t th[THREADS];
    struct t_resp r;
    json_t *events;
    const char *verify[] = {"verify", "--data", NULL, NULL};
    char *out = NULL;
    int stopped;

    memset(sh, 0, sizeof *sh);
    sh->o = o;
    pthread_mutex_init(&sh->lock, NULL);
    for (int i = 0; i < THREADS; i++) {
        w[i].sh = sh;
        w[i].n = i;
        cr_assert_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 3000 && acknowledged(sh) < KILL_AFTER; i++) {
        usleep(1000);
    }
    stopped = t_server_stop(&o->srv, sig);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
    }
    cr_assert_geq(sh->count, KILL_AFTER);
    /* stopped midway: some writes were never acknowledged */
    cr_assert_lt(sh->count, THREADS * PER_THREAD, "%d acknowledged", sh->count);
    cr_assert_eq(sh->unexpected, 0);

    cr_assert(t_server_start(&o->srv, o->data));
    r = t_http(&o->srv, "GET", "/api/v1/events?limit=1000", o->alice, NULL);
    expect_status(r, 200);
    events = json_object_get(r.json, "events");
    for (int i = 0; i < sh->count; i++) {
        const struct ack *a = &sh->acks[i];
        json_t *ev = json_array_get(events, (size_t)(a->seq - 1));
        char *path;
        struct t_resp p;
        cr_assert_not_null(ev, "acknowledged seq %lld is missing", a->seq);
        cr_assert_eq(jint(ev, "seq"), a->seq);
        cr_assert_str_eq(jstr(ev, "hash"), a->hash);
        cr_assert_str_eq(jstr(ev, "type"), "proposal.opened");
        cr_assert_str_eq(jstr(json_object_get(ev, "data"), "id"), a->id);
        path = t_fmt("/api/v1/proposals/%s", a->id);
        p = t_http(&o->srv, "GET", path, o->alice, NULL);
        expect_status(p, 200);
        t_resp_free(&p);
        free(path);
    }
    t_resp_free(&r);
    cr_assert_eq(t_server_stop(&o->srv, SIGTERM), 0);
    verify[2] = o->data;
    cr_assert_eq(t_run(verify, NULL, NULL, &out, NULL), 0, "%s", out);
    free(out);
    pthread_mutex_destroy(&sh->lock);
    return stopped;
}

Test(crash, acknowledged_writes_survive_sigkill, .fini = org_cleanup)
{
    static struct shared sh;
    struct org o;
    org_up(&o, false);
    cr_assert_eq(write_and_stop(&o, &sh, SIGKILL), 128 + SIGKILL);
    org_down(&o);
}

/* SIGTERM stops accepting, answers the writes under way and exits 0. */
Test(crash, sigterm_finishes_the_writes_under_way, .fini = org_cleanup)
{
    static struct shared sh;
    struct org o;
    int rc;
    org_up(&o, false);
    rc = write_and_stop(&o, &sh, SIGTERM);
    cr_assert_eq(rc, 0,
                 "the server exited with %d (128 + a signal when "
                 "killed by one)",
                 rc);
    org_down(&o);
}
