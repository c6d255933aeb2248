/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The write load: N concurrent clients creating proposals.
 *
 * Each client is a thread with its own libcurl easy handle, so its
 * connection is kept alive across requests, and POSTs
 * /api/v1/proposals for the given time, one request after the other.
 * Only 201 answers count: the server acknowledges a write after it is
 * durable, so acknowledged writes per second is the durable write rate.
 *
 * usage: write_load BASE_URL TOKEN [CLIENTS] [SECONDS]
 *   e.g. write_load http://127.0.0.1:8080 TOKEN 32 5
 * prints: writes_per_sec=N ok=N failed=N p50_ms=X p99_ms=X connects=N
 *         clients=N seconds=S
 * exit status 1 when any request failed or none succeeded */
#include <curl/curl.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

enum {
    MAX_CLIENTS = 1024,
    BODY_BYTES = 512, /* one request body */
    FAIL_KEEP = 512   /* bytes of the first failed answer kept */
};

struct shared {
    const char *url;         /* BASE_URL/api/v1/proposals */
    const char *auth;        /* "Authorization: Bearer TOKEN" */
    double seconds;          /* load duration */
    pthread_barrier_t start; /* all clients begin together */
    double t0;               /* start time, monotonic seconds */
    pthread_mutex_t lock;    /* guards fail_* */
    long fail_status;        /* first failure: HTTP status (0 transport) */
    char fail_body[FAIL_KEEP];
};

struct client {
    struct shared *sh;
    int index;
    size_t ok;        /* 201 answers */
    size_t failed;    /* any other answer or transport error */
    long connects;    /* new connections opened */
    double *lat;      /* seconds per acknowledged write, malloc'd */
    size_t lat_count; /* entries used */
    size_t lat_cap;   /* entries allocated */
    double t_end;     /* when the last request finished */
    char resp[FAIL_KEEP];
    size_t resp_len;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct client *c = userdata;
    size_t len = size * nmemb;
    size_t room = sizeof(c->resp) - 1 - c->resp_len;
    size_t take = len < room ? len : room;
    memcpy(c->resp + c->resp_len, ptr, take);
    c->resp_len += take;
    c->resp[c->resp_len] = '\0';
    return len;
}

static void note_failure(struct client *c, long status)
{
    c->failed++;
    pthread_mutex_lock(&c->sh->lock);
    if (c->sh->fail_body[0] == '\0' && c->sh->fail_status == 0) {
        c->sh->fail_status = status;
        snprintf(c->sh->fail_body, sizeof(c->sh->fail_body), "%s",
                 status ? c->resp : "(transport error)");
    }
    pthread_mutex_unlock(&c->sh->lock);
}

static int keep_latency(struct client *c, double seconds)
{
    if (c->lat_count == c->lat_cap) {
        size_t cap = c->lat_cap ? c->lat_cap * 2 : 4096;
        double *grown = realloc(c->lat, cap * sizeof(double));
        if (!grown) {
            return -1;
        }
        c->lat = grown;
        c->lat_cap = cap;
    }
    c->lat[c->lat_count++] = seconds;
    return 0;
}

static void *run_client(void *arg)
{
    struct client *c = arg;
    struct shared *sh = c->sh;
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    hdrs = curl_slist_append(hdrs, sh->auth);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    char body[BODY_BYTES];
    if (h && hdrs) {
        curl_easy_setopt(h, CURLOPT_URL, sh->url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    pthread_barrier_wait(&sh->start);
    double deadline = sh->t0 + sh->seconds;
    double t = bench_now();
    for (unsigned long n = 1; h && hdrs && t < deadline; n++) {
        int len = snprintf(body, sizeof(body),
                           "{\"circle\":\"all\",\"kind\":\"agreement.adopt\","
                           "\"title\":\"bench %d-%lu\",\"data\":{\"text\":"
                           "\"Members keep the kitchen clean after use; "
                           "whoever uses the last of something writes it "
                           "on the shopping list.\"}}",
                           c->index, n);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
        c->resp_len = 0;
        c->resp[0] = '\0';
        CURLcode rc = curl_easy_perform(h);
        double t2 = bench_now();
        long status = 0;
        long connects = 0;
        if (rc == CURLE_OK) {
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        }
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
        c->connects += connects;
        if (rc == CURLE_OK && status == 201) {
            c->ok++;
            if (keep_latency(c, t2 - t) != 0) {
                note_failure(c, 0);
                break;
            }
        } else {
            note_failure(c, status);
        }
        t = t2;
    }
    c->t_end = t;
    curl_slist_free_all(hdrs);
    if (h) {
        curl_easy_cleanup(h);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr,
                "usage: write_load BASE_URL TOKEN [CLIENTS] [SECONDS]\n");
        return 2;
    }
    int clients = argc > 3 ? (int)bench_arg("write_load", argv[3], 1,
                                            MAX_CLIENTS, "client count")
                           : 32;
    double seconds =
        argc > 4 ? (double)bench_arg("write_load", argv[4], 1, 3600, "seconds")
                 : 5.0;

    char url[1024];
    char auth[1024];
    int n1 = snprintf(url, sizeof(url), "%s/api/v1/proposals", argv[1]);
    int n2 = snprintf(auth, sizeof(auth), "Authorization: Bearer %s", argv[2]);
    if (n1 < 0 || (size_t)n1 >= sizeof(url) || n2 < 0 ||
        (size_t)n2 >= sizeof(auth)) {
        fprintf(stderr, "write_load: url or token too long\n");
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "write_load: libcurl did not initialise\n");
        return 1;
    }

    struct shared sh;
    memset(&sh, 0, sizeof(sh));
    sh.url = url;
    sh.auth = auth;
    sh.seconds = seconds;
    pthread_mutex_init(&sh.lock, NULL);
    pthread_barrier_init(&sh.start, NULL, (unsigned)clients + 1);
    struct client *cs = calloc((size_t)clients, sizeof(*cs));
    pthread_t *tids = calloc((size_t)clients, sizeof(*tids));
    if (!cs || !tids) {
        fprintf(stderr, "write_load: out of memory\n");
        return 1;
    }
    int started = 0;
    for (int i = 0; i < clients; i++) {
        cs[i].sh = &sh;
        cs[i].index = i + 1;
        if (pthread_create(&tids[i], NULL, run_client, &cs[i]) != 0) {
            fprintf(stderr, "write_load: cannot start client %d\n", i + 1);
            return 1;
        }
        started++;
    }
    /* t0 is set before the barrier opens, so every client sees it. */
    sh.t0 = bench_now();
    pthread_barrier_wait(&sh.start);

    size_t ok = 0;
    size_t failed = 0;
    long connects = 0;
    double t_end = sh.t0;
    for (int i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
        ok += cs[i].ok;
        failed += cs[i].failed;
        connects += cs[i].connects;
        if (cs[i].t_end > t_end) {
            t_end = cs[i].t_end;
        }
    }
    double *all = malloc((ok ? ok : 1) * sizeof(double));
    if (!all) {
        fprintf(stderr, "write_load: out of memory\n");
        return 1;
    }
    size_t k = 0;
    for (int i = 0; i < started; i++) {
        if (cs[i].lat_count) {
            memcpy(all + k, cs[i].lat, cs[i].lat_count * sizeof(double));
            k += cs[i].lat_count;
        }
        free(cs[i].lat);
    }
    qsort(all, k, sizeof(double), bench_cmp_double);
    double elapsed = t_end - sh.t0;
    double p50 = k ? all[k / 2] : 0.0;
    double p99 = k ? all[(k * 99) / 100] : 0.0;
    printf("writes_per_sec=%.0f ok=%zu failed=%zu p50_ms=%.2f p99_ms=%.2f "
           "connects=%ld clients=%d seconds=%.2f\n",
           elapsed > 0 ? (double)ok / elapsed : 0.0, ok, failed, p50 * 1e3,
           p99 * 1e3, connects, clients, elapsed);
    if (failed) {
        fprintf(stderr, "write_load: first failure: status %ld: %s\n",
                sh.fail_status, sh.fail_body);
    }
    free(all);
    free(cs);
    free(tids);
    pthread_barrier_destroy(&sh.start);
    pthread_mutex_destroy(&sh.lock);
    curl_global_cleanup();
    return (failed || ok == 0) ? 1 : 0;
}
