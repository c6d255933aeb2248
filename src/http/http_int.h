/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Private declarations shared by the files of the HTTP server.
 *
 * The service owns one in-memory state (a fold of the log) guarded by a
 * reader-writer lock. Readers serialise straight from it under the read
 * lock. Every change goes through the one writer thread: a handler turns
 * the request into a job, suspends its connection and queues the job; the
 * writer runs every queued job against the state, commits all their
 * events in one transaction (group commit), renders each job's answer
 * from the state while still holding the write lock and resumes the
 * connections. A 2xx is rendered only after the commit returned AC_OK, so
 * an acknowledged write survives a crash. */
#ifndef ACCORD_HTTP_HTTP_INT_H
#define ACCORD_HTTP_HTTP_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/secret.h"
#include "http/notify.h"
#include "core/exec.h"
#include "core/state.h"
#include "http/server.h"
#include "store/store.h"

#define AC_MEMBER_BUF 64    /* bytes for a member id */
#define AC_LOGIN_FAILURES 5 /* per member and address in the window */
#define AC_ADDR_FAILURES 20 /* per address in the window */
#define AC_LOGIN_WINDOW_MS (15 * 60 * 1000) /* failed-login window */
#define AC_ADDR_BUF 48                      /* bytes for a client address */

/* ---- answers ---- */

/* The Content-Security-Policy of every page: no script at all. */
#define AC_PAGE_CSP                                                            \
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "             \
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/* What a handler answers; body is malloc'd and handed to MHD. */
struct ac_reply {
    unsigned status;     /* HTTP status; 0 while not answered */
    char *body;          /* malloc'd, owned; NULL for no body */
    size_t len;          /* bytes of body */
    const char *type;    /* Content-Type (static) or NULL */
    char allow[48];      /* Allow header for 405, or "" */
    int64_t retry_after; /* seconds for Retry-After, 0 for none */
    bool challenge;      /* send WWW-Authenticate: Bearer */
    bool is_page;        /* an HTML page: send the page security headers */
    const char *cache;   /* Cache-Control (static), or NULL for no-store */
    char location[256];  /* Location header, or "" */
    char cookie[2][192]; /* Set-Cookie headers, or "" */
};

void ac_reply_release(struct ac_reply *rp);

/* The HTTP status for a status code, from the one mapping table. */
unsigned ac_api_http_status(enum ac_status st);

/* An RFC 9457 problem: detail names the field; field (a JSON pointer) is
 * sent as "field" unless NULL. */
void ac_api_problem(struct ac_reply *rp, unsigned status, const char *detail,
                    const char *field);

/* A problem from an error record: its status through the mapping table
 * and where as the field (when not empty). */
void ac_api_problem_err(struct ac_reply *rp, const struct ac_err *err);

/* Answers with j (consumed) as compact JSON; 503 when out of memory. */
void ac_api_json(struct ac_reply *rp, unsigned status, json_t *j);

/* ---- encoders (JSON out) ---- */

/* New references, NULL when out of memory. */
json_t *ac_api_time(int64_t ms);
json_t *ac_api_head(const struct ac_state *s);
json_t *ac_api_org(const struct ac_state *s);
json_t *ac_api_members(const struct ac_state *s);
json_t *ac_api_circles(const struct ac_state *s);
json_t *ac_api_roles(const struct ac_state *s);
/* GET /api/v1/ledger: currency, balances and movements. */
json_t *ac_api_ledger(const struct ac_state *s);
/* A participatory budgeting round with its buckets and pledges; every
 * round. */
json_t *ac_api_pb_round(const struct ac_state *s, const struct ac_pb_round *r);
json_t *ac_api_pb_rounds(const struct ac_state *s);
/* The ledger's movements as CSV (RFC 4180, CRLF line ends, a header). */
void ac_api_ledger_csv(const struct ac_state *s, struct ac_buf *b);

/* Every delegation given and not revoked: {"delegations":[…]}. */
json_t *ac_api_delegations(const struct ac_state *s);
json_t *ac_api_role(const struct ac_role *r);
json_t *ac_api_proposal(const struct ac_state *s, const struct ac_proposal *p);

/* The count of a choice proposal: the ballots of the last close, or while
 * the round is open those cast so far ("final": false), with the pairwise
 * matrix and strongest paths of a Schulze count. */
json_t *ac_api_result(const struct ac_state *s, const struct ac_proposal *p);
json_t *ac_api_agreement(const struct ac_agreement *ag);
json_t *ac_api_commitment(const struct ac_commitment *c);

/* Adds "seq" and "hash" to obj; false when out of memory. */
bool ac_api_add_head(json_t *obj, int64_t seq, const uint8_t hash[AC_HASH_LEN]);

/* ---- decoders (JSON in) ---- */

/* Parses a request body that must be a JSON object (with empty_ok, an
 * empty body reads as {}); rejects duplicate keys and members not in
 * allowed (NULL-ended). The caller owns *out. */
enum ac_status ac_api_body(struct ac_str body, bool empty_ok,
                           const char *const *allowed, json_t **out,
                           struct ac_err *err);

/* A string member copied into a; with optional, absence leaves out as
 * {NULL, 0}. max_len caps bytes (0: no cap). */
enum ac_status ac_api_get_str(const json_t *obj, const char *key, bool optional,
                              size_t max_len, struct ac_arena *a,
                              struct ac_str *out, struct ac_err *err);

/* A required integer member. */
enum ac_status ac_api_get_int(const json_t *obj, const char *key, int64_t *out,
                              struct ac_err *err);

/* An object member converted to a value tree in a; absent -> *out NULL
 * when optional. */
enum ac_status ac_api_get_obj(const json_t *obj, const char *key, bool optional,
                              struct ac_arena *a, struct ac_val **out,
                              struct ac_err *err);

/* ---- sessions and failed logins ---- */

struct ac_auth;

enum ac_status ac_auth_new(struct ac_auth **out, struct ac_err *err);
void ac_auth_free(struct ac_auth *au);

/* Remembers a new session (token hash -> member until expires, ms). */
void ac_auth_session_put(struct ac_auth *au, const char *token_hash,
                         const char *member, int64_t expires);
/* The member of a live session, false when unknown here or expired;
 * *stale when it is due to be read from the store again (a logout may
 * have ended it through another server). */
bool ac_auth_session_get(struct ac_auth *au, const char *token_hash,
                         int64_t now, char member[AC_MEMBER_BUF], bool *stale);
/* A session read from the store goes back into memory only if no session
 * was revoked since: read the epoch before the store, then refill with
 * it (false: not kept, the answer read may still be used). */
uint64_t ac_auth_session_epoch(struct ac_auth *au);
bool ac_auth_session_refill(struct ac_auth *au, const char *token_hash,
                            const char *member, int64_t expires,
                            uint64_t epoch);
/* Forgets a session; called after it was deleted from the store. */
void ac_auth_session_revoke(struct ac_auth *au, const char *token_hash);

/* Failed attempts are counted per client address (every member, and
 * invite codes) and per (address, member id) pair, each in a sliding
 * window of AC_LOGIN_WINDOW_MS. A try is counted as a failure when it is
 * let through and taken back if it succeeds, so tries made in parallel
 * cannot pass a limit. Argon2id runs under one mutex, so concurrent
 * logins do not multiply its memory (12 MiB each). */

/* A login attempt from addr: AC_ELIMIT (with *wait seconds) when the
 * address has AC_ADDR_FAILURES or the pair AC_LOGIN_FAILURES recent
 * failures, else AC_EDENIED unless valid (the member exists and is
 * active) and password matches phc. Success forgets the pair's failures;
 * another address's failures never block it. */
enum ac_status ac_auth_login(struct ac_auth *au, const char *addr,
                             const char *member, const char *phc, bool valid,
                             struct ac_str password, int64_t *wait);
/* A guess of a secret (an invite code) from addr: AC_ELIMIT (with *wait)
 * when the address is at its limit, else counted as a failure at *stamp
 * until ac_auth_guess_ok takes it back. */
enum ac_status ac_auth_guess(struct ac_auth *au, const char *addr,
                             int64_t *wait, int64_t *stamp);
void ac_auth_guess_ok(struct ac_auth *au, const char *addr, int64_t stamp);
enum ac_status ac_auth_hash(struct ac_auth *au, struct ac_str password,
                            char phc[AC_PHC_MAX], struct ac_err *err);

/* ---- the service: state, lock, writer ---- */

/* One queued write. Lives in its request; the writer owns it from
 * ac_service_submit until it resumes the connection. */
struct ac_job {
    struct ac_cmd cmd;  /* strings live in the request arena */
    unsigned ok_status; /* 200 or 201 */
    bool is_join;       /* takes an invite and sets a password; answers
                           {"member","seq","hash"} instead of the proposal */
    struct ac_store_password password; /* is_join */
    struct ac_str invite;              /* is_join: the code to delete */
    struct MHD_Connection *conn;       /* suspended until done */
    struct ac_reply reply;             /* filled by the writer */
    struct ac_job *next;               /* queue link */
    size_t created;                    /* proposal index + 1 made by PROPOSE */
};

struct ac_service {
    const struct ac_server_config *cfg;
    size_t body_limit;      /* bytes */
    int64_t token_ms;       /* session lifetime */
    struct ac_store *store; /* owned */
    struct ac_arena arena;  /* owns state memory */
    struct ac_state state;  /* guarded by lock */
    pthread_rwlock_t lock;  /* state */
    bool broken;            /* state could not be reloaded */
    int64_t last_now;       /* ms; writer only */
    int64_t power_seq;      /* changed_seq the alerts were checked at */
    int64_t power_next;     /* monotonic ms before which no check runs */
    int64_t power_last;     /* monotonic ms of the last check */

    pthread_mutex_t qlock;      /* queue, closing, stop */
    pthread_cond_t qcond;       /* signals the writer */
    struct ac_job *head, *tail; /* queued jobs */
    bool closing;               /* refuse new jobs */
    bool stopping;              /* answers close their connection; atomic */
    bool stop;                  /* writer exits once the queue is empty */
    pthread_t writer;
    bool has_writer;
    bool follow;        /* the log may have moved under us; atomic */
    bool reseal;        /* kept secret answers to read again; writer only */
    bool follow_told;   /* a failure to follow was logged; writer only */
    bool store_told;    /* a failed write was logged; writer only */
    bool following;     /* the follower thread runs; atomic stop flag */
    pthread_t follower; /* waits for other servers' appends */
    bool has_follower;

    struct ac_auth *auth;        /* owned */
    char dummy_phc[AC_PHC_MAX];  /* verified for unknown members */
    pthread_mutex_t invite_lock; /* creating invite codes */
    int inflight;                /* requests alive; atomic */
    struct ac_notify *notify;    /* deliveries; owned */
};

enum ac_status ac_service_open(struct ac_service *svc,
                               const struct ac_server_config *cfg,
                               struct ac_err *err);
/* Stops the writer (after the queued jobs) and releases everything. */
void ac_service_close(struct ac_service *svc);

/* Closes due rounds now, through the commit path. */
enum ac_status ac_service_tick(struct ac_service *svc, struct ac_err *err);

enum ac_status ac_service_start(struct ac_service *svc, struct ac_err *err);
/* Queues a job; false when the server is stopping (job untouched). */
bool ac_service_submit(struct ac_service *svc, struct ac_job *job);
/* Refuses new jobs, lets the writer finish the queue and joins it. */
void ac_service_drain(struct ac_service *svc);

/* Wall clock in ms. */
int64_t ac_service_now(void);

/* ---- requests and routes ---- */

enum ac_phase {
    AC_PHASE_BODY, /* receiving the body */
    AC_PHASE_WAIT, /* suspended, a job is with the writer */
    AC_PHASE_DONE  /* answered */
};

struct ac_request {
    struct ac_service *svc;
    struct MHD_Connection *conn;
    const char *method;    /* MHD's, valid for the request */
    const char *url;       /* MHD's, decoded path */
    struct ac_arena arena; /* request lifetime */
    struct ac_buf body;    /* capped at the body limit */
    bool too_large;        /* the body went over the limit */
    size_t discarded;      /* bytes dropped past the limit */
    enum ac_phase phase;
    struct ac_str param;             /* the {id} of the route */
    char member[AC_MEMBER_BUF];      /* authenticated member, or "" */
    char token_hash[AC_HEX_LEN + 1]; /* of the bearer token */
    struct ac_job job;
    struct ac_reply reply;
    void (*done)(struct ac_request *r); /* after the job's answer, or NULL */
    void *web;                          /* the page layer's, in arena */
};

/* Routes the complete request: either answers (r->reply) or submits
 * r->job and sets r->phase to AC_PHASE_WAIT (the caller has suspended the
 * connection before the job reaches the writer). */
void ac_route_dispatch(struct ac_request *r);

/* Shared by the API and the pages, so both log in, check sessions and
 * queue writes the same way. */

/* Resolves a session token to r->member and r->token_hash, from memory
 * or the store; with check_active the member must be active. AC_EDENIED
 * (message for the client) when unknown, expired or not active. */
enum ac_status ac_route_session(struct ac_request *r, const char *token,
                                bool check_active, struct ac_err *err);
/* Checks member and password with the failed-login limits and stores a
 * new session: token (AC_TOKEN_LEN chars) and *expires (ms). AC_ELIMIT
 * with *wait seconds, AC_EDENIED for a wrong member or password. */
enum ac_status ac_route_login(struct ac_request *r, struct ac_str member,
                              struct ac_str password,
                              char token[AC_TOKEN_LEN + 1], int64_t *expires,
                              int64_t *wait, struct ac_err *err);
/* Deletes the session r->token_hash from the store and memory. */
enum ac_status ac_route_logout(struct ac_request *r, struct ac_err *err);
/* Prepares r->job to take an invite code and set the password; AC_ELIMIT
 * with *wait, AC_ENOTFOUND for an unknown code (where "/invite"). */
enum ac_status ac_route_accept(struct ac_request *r, struct ac_str invite,
                               struct ac_str password, int64_t *wait,
                               struct ac_err *err);
/* The invite code of an invited member (kept outside the log), made on
 * the first call and the same after; the caller has checked that the
 * reader is the author of the adopted member.admit. */
enum ac_status ac_route_invite_code(struct ac_service *svc, const char *member,
                                    char code[128], struct ac_err *err);
/* True when path fits pattern; a "{id}" segment of the pattern matches
 * one non-empty path segment, which goes to *param. */
bool ac_route_match(const char *pattern, const char *path,
                    struct ac_str *param);
/* Prepares r->job for a command by r->member on r->param (the proposal);
 * ok_status is the status of a success. */
void ac_route_job_init(struct ac_request *r, enum ac_cmd_type type,
                       unsigned ok_status);
/* Suspends the connection and hands r->job to the writer. */
void ac_route_submit(struct ac_request *r);

/* Answers with the ledger's CSV (GET /api/v1/ledger.csv and
 * /ledger.csv). */
void ac_api_ledger_csv_reply(struct ac_request *r);

/* The web pages (web_*.c): true when url is a page's path and the
 * request was answered or submitted. */
bool ac_web_dispatch(struct ac_request *r);

#endif
