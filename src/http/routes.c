/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The routes of API v1 (docs/openapi.yaml): one table of method, path
 * pattern, whether a member's token is needed, the query parameters
 * allowed and what answers: a handler, or a render function for plain
 * reads. Reads answer from the state under the read lock; writes become
 * jobs for the writer (service.c) and are answered once committed. */
#include "http_int.h"
#include "power_view.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ascii.h"
#include "base/json.h"
#include "core/choice.h"
#include "base/time.h"
#include "store/log.h"

#define EVENTS_LIMIT_MAX 1000
#define EVENTS_LIMIT_DEFAULT 100
#define BEARER_MAX 512 /* bytes of a bearer token */

typedef void (*route_fn)(struct ac_request *r);
/* The whole of one part of the state. */
typedef json_t *(*render_fn)(const struct ac_state *s);
/* The item with id, *found false when there is none; NULL (found) when
 * out of memory. */
typedef json_t *(*find_fn)(const struct ac_state *s, struct ac_str id,
                           bool *found);

/* One route answers through exactly one of fn, render and find. */
struct route {
    const char *method;       /* "GET", "POST", "DELETE" */
    const char *path;         /* segments; "{id}" matches any one segment */
    bool needs_auth;          /* Authorization: Bearer of an active member */
    const char *const *query; /* parameters allowed (NULL-ended), or NULL:
                                 the query is not looked at */
    route_fn fn;              /* answers or submits a job */
    render_fn render;         /* answers 200 with the state rendered */
    find_fn find;             /* answers 200 with the {id} item, or 404 */
    const char *noun;         /* of find's items, for the 404 */
};

/* No query parameters, or an empty body. */
static const char *const none[] = {NULL};

/* ---- helpers ---- */

static void problem(struct ac_request *r, unsigned status, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct ac_request *r, unsigned status, const char *field,
                    const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ac_api_problem(&r->reply, status, msg, field);
}

static void fail(struct ac_request *r, const struct ac_err *e)
{
    ac_api_problem_err(&r->reply, e);
}

static void unauthorized(struct ac_request *r, const char *why)
{
    ac_api_problem(&r->reply, 401, why, NULL);
    r->reply.challenge = true;
}

static struct ac_str body_str(const struct ac_request *r)
{
    return ac_buf_str(&r->body);
}

/* Parses the body as an object of known members; otherwise answers 400
 * naming the member at fault, or the whole body ("field": ""). */
static bool parse_body(struct ac_request *r, bool empty_ok,
                       const char *const *allowed, json_t **out)
{
    struct ac_err e = {0};
    if (ac_api_body(body_str(r), empty_ok, allowed, out, &e) == AC_OK) {
        return true;
    }
    ac_api_problem(&r->reply, ac_api_http_status(e.code), e.msg,
                   e.code == AC_EINVAL ? e.where : NULL);
    return false;
}

/* Hands the job to the writer. The connection is suspended first, so the
 * writer can never resume it before it is suspended. */
void ac_route_submit(struct ac_request *r)
{
    r->job.conn = r->conn;
    r->phase = AC_PHASE_WAIT;
    MHD_suspend_connection(r->conn);
    if (!ac_service_submit(r->svc, &r->job)) {
        ac_api_problem(&r->job.reply, 503, "the server is stopping", NULL);
        MHD_resume_connection(r->conn);
    }
}

/* The client's address as text. */
static void client_addr(const struct ac_request *r, char out[AC_ADDR_BUF])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "unknown";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET) {
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                      addr, sizeof addr);
        } else if (sa->sa_family == AF_INET6) {
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                      addr, sizeof addr);
        }
    }
    snprintf(out, AC_ADDR_BUF, "%s", addr);
}

static void too_many(struct ac_request *r, int64_t wait)
{
    problem(r, 429, NULL,
            "too many failed logins; try again in %" PRId64 " seconds", wait);
    r->reply.retry_after = wait;
}

/* ---- query parameters ---- */

struct args_check {
    const char *const *allowed; /* NULL-ended parameter names */
    char bad[64];               /* first unknown parameter */
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    struct args_check *c = cls;
    (void)kind;
    (void)value;
    for (size_t i = 0; c->allowed[i]; i++) {
        if (strcmp(key, c->allowed[i]) == 0) {
            return MHD_YES;
        }
    }
    snprintf(c->bad, sizeof c->bad, "%s", key);
    return MHD_NO;
}

/* False (and a 400 answer) when the query names a parameter not in
 * allowed (NULL-ended). */
static bool args_known(struct ac_request *r, const char *const *allowed)
{
    struct args_check c = {allowed, ""};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &c);
    if (c.bad[0]) {
        problem(r, 400, NULL, "unknown query parameter \"%s\"", c.bad);
        return false;
    }
    return true;
}

#define PROPOSALS_LIMIT_MAX 1000 /* proposals in one page */

static const char *arg(const struct ac_request *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

static bool arg_int(struct ac_request *r, const char *key, int64_t def,
                    int64_t min, int64_t max, int64_t *out)
{
    const char *v = arg(r, key);
    if (!v) {
        *out = def;
        return true;
    }
    if (ac_parse_i64(ac_str_c(v), min, max, out, NULL) != AC_OK) {
        problem(r, 400, NULL,
                "query parameter %s must be an integer from %" PRId64
                " to %" PRId64,
                key, min, max);
        return false;
    }
    return true;
}

/* ---- authentication ---- */

/* Resolves the bearer token to a member (r->member): from memory, else
 * from the store (a session made before a restart). With check_active,
 * the member must be active in the state. Writes skip that here: the
 * writer checks it when it runs the job, and a handler that waited on the
 * state lock while a batch is being committed could not queue its job
 * for the next batch. */
enum ac_status ac_route_session(struct ac_request *r, const char *token,
                                bool check_active, struct ac_err *err)
{
    struct ac_service *svc = r->svc;
    int64_t now = ac_service_now();
    bool active = true, stale = false;

    if (!*token || strlen(token) > BEARER_MAX) {
        return ac_err_set(err, AC_EDENIED, "the token is unknown or expired");
    }
    ac_token_hash(r->token_hash, ac_str_c(token));
    if (!ac_auth_session_get(svc->auth, r->token_hash, now, r->member,
                             &stale) ||
        stale) {
        /* Read before the store: a logout that deletes the row after
         * this lookup read it keeps the session out of memory. */
        uint64_t epoch = ac_auth_session_epoch(svc->auth);
        char cached[AC_MEMBER_BUF];
        int64_t expires;
        enum ac_status st;
        memcpy(cached, r->member, sizeof cached);
        st = ac_store_session_get(svc->store, ac_str_c(r->token_hash), now,
                                  r->member, &expires, err);
        if (st == AC_ENOTFOUND) {
            if (stale) {
                /* ended through another server on the same store */
                ac_auth_session_revoke(svc->auth, r->token_hash);
            }
            r->member[0] = '\0';
            return ac_err_set(err, AC_EDENIED,
                              "the token is unknown or expired");
        }
        if (st != AC_OK && stale) {
            /* the store is away: what it said last still holds */
            memcpy(r->member, cached, sizeof cached);
        } else if (st != AC_OK) {
            r->member[0] = '\0';
            return st;
        } else {
            ac_auth_session_refill(svc->auth, r->token_hash, r->member, expires,
                                   epoch);
        }
    }
    if (check_active) {
        const struct ac_member *m;
        pthread_rwlock_rdlock(&svc->lock);
        m = ac_state_member(&svc->state, ac_str_c(r->member));
        active = m && m->status == AC_MEMBER_ACTIVE;
        pthread_rwlock_unlock(&svc->lock);
    }
    if (!active) {
        r->member[0] = '\0';
        return ac_err_set(err, AC_EDENIED,
                          "the token's member is not an active member");
    }
    return AC_OK;
}

/* Resolves the bearer token to a member (r->member): from memory, else
 * from the store (a session made before a restart). With check_active,
 * the member must be active in the state. Writes skip that here: the
 * writer checks it when it runs the job, and a handler that waited on the
 * state lock while a batch is being committed could not queue its job
 * for the next batch. */
static bool authenticate(struct ac_request *r, bool check_active)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    const char *token;
    struct ac_err e = {0};
    enum ac_status st;

    if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
        unauthorized(r, "authentication required: send Authorization: "
                        "Bearer TOKEN");
        return false;
    }
    token = h + 7;
    while (*token == ' ') {
        token++;
    }
    st = ac_route_session(r, token, check_active, &e);
    if (st == AC_EDENIED) {
        unauthorized(r, e.msg);
        return false;
    }
    if (st != AC_OK) {
        fail(r, &e);
        return false;
    }
    return true;
}

/* ---- reads ---- */

static void get_health(struct ac_request *r)
{
    ac_api_json(&r->reply, 200, json_pack("{s:s}", "status", "ok"));
}

/* Runs render under the read lock and answers 200 with its result. */
static void read_locked(struct ac_request *r,
                        json_t *(*render)(const struct ac_state *))
{
    json_t *j;
    pthread_rwlock_rdlock(&r->svc->lock);
    j = render(&r->svc->state);
    pthread_rwlock_unlock(&r->svc->lock);
    ac_api_json(&r->reply, 200, j);
}

static void get_proposals(struct ac_request *r)
{
    const char *status = arg(r, "status"), *circle = arg(r, "circle");
    const char *after = arg(r, "after");
    enum ac_proposal_status want = AC_PROP_OPEN;
    const struct ac_state *s = &r->svc->state;
    const struct ac_proposal *from = NULL;
    int64_t limit, n = 0;
    json_t *arr;

    /* without limit, every match: the contract's list; with it, pages */
    if (!arg_int(r, "limit", 0, 1, PROPOSALS_LIMIT_MAX, &limit)) {
        return;
    }

    if (status && !ac_proposal_status_parse(ac_str_c(status), &want)) {
        problem(r, 400, NULL,
                "unknown status \"%.40s\": status is open, "
                "needs_integration, adopted, withdrawn or lapsed",
                status);
        return;
    }
    pthread_rwlock_rdlock(&r->svc->lock);
    if (circle && !ac_state_circle(s, ac_str_c(circle))) {
        pthread_rwlock_unlock(&r->svc->lock);
        problem(r, 400, NULL, "circle: no circle \"%.40s\"", circle);
        return;
    }
    if (after && !(from = ac_state_proposal(s, ac_str_c(after)))) {
        pthread_rwlock_unlock(&r->svc->lock);
        problem(r, 400, NULL, "after: no proposal \"%.40s\"", after);
        return;
    }
    arr = json_array();
    for (size_t i = from ? (size_t)(from - s->proposals) + 1 : 0;
         arr && i < s->proposal_count && (limit == 0 || n < limit); i++) {
        const struct ac_proposal *p = &s->proposals[i];
        if ((status && p->status != want) ||
            (circle && !ac_str_eq_c(p->circle, circle))) {
            continue;
        }
        n++;
        if (json_array_append_new(arr, ac_api_proposal(s, p)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_api_json(&r->reply, 200, arr);
}

static json_t *find_proposal(const struct ac_state *s, struct ac_str id,
                             bool *found)
{
    const struct ac_proposal *p = ac_state_proposal(s, id);
    *found = p != NULL;
    return p ? ac_api_proposal(s, p) : NULL;
}

static json_t *find_agreement(const struct ac_state *s, struct ac_str id,
                              bool *found)
{
    const struct ac_agreement *ag = ac_state_agreement(s, id);
    *found = ag != NULL;
    return ag ? ac_api_agreement(ag) : NULL;
}

/* Runs find for the {id} under the read lock: 200 with the item or 404. */
static void read_item(struct ac_request *r, const struct route *rt)
{
    bool found;
    json_t *j;
    pthread_rwlock_rdlock(&r->svc->lock);
    j = rt->find(&r->svc->state, r->param, &found);
    pthread_rwlock_unlock(&r->svc->lock);
    if (!found) {
        problem(r, 404, NULL, "no %s \"%.40s\"", rt->noun, r->param.ptr);
        return;
    }
    ac_api_json(&r->reply, 200, j);
}

static void get_agreements(struct ac_request *r)
{
    const char *status = arg(r, "status");
    const struct ac_state *s = &r->svc->state;
    int want = -1;
    json_t *arr;

    if (status) {
        if (strcmp(status, "active") == 0) {
            want = AC_AGREEMENT_ACTIVE;
        } else if (strcmp(status, "retired") == 0) {
            want = AC_AGREEMENT_RETIRED;
        } else {
            problem(r, 400, NULL,
                    "unknown status \"%.40s\": status is active or retired",
                    status);
            return;
        }
    }
    pthread_rwlock_rdlock(&r->svc->lock);
    arr = json_array();
    for (size_t i = 0; arr && i < s->agreement_count; i++) {
        const struct ac_agreement *ag = &s->agreements[i];
        if (want >= 0 && (int)ag->status != want) {
            continue;
        }
        if (json_array_append_new(arr, ac_api_agreement(ag)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_api_json(&r->reply, 200, arr);
}

struct events_ctx {
    struct ac_buf *out; /* the answer being built */
    size_t count;       /* events added */
};

static enum ac_status add_event(void *ctx, int64_t seq, struct ac_str text)
{
    struct events_ctx *x = ctx;
    (void)seq;
    if (x->count++) {
        ac_buf_putc(x->out, ',');
    }
    /* The stored canonical text as it is: exactly what export writes. */
    ac_buf_add_str(x->out, text);
    return x->out->status;
}

static void get_events(struct ac_request *r)
{
    struct ac_service *svc = r->svc;
    int64_t after, limit, head_seq, n;
    char head_hex[AC_HEX_LEN + 1];
    struct ac_buf out;
    struct events_ctx x;
    struct ac_err e = {0};
    enum ac_status st;

    if (!arg_int(r, "after", 0, 0, INT64_MAX, &after) ||
        !arg_int(r, "limit", EVENTS_LIMIT_DEFAULT, 1, EVENTS_LIMIT_MAX,
                 &limit)) {
        return;
    }
    /* The head is read under the lock, so the state and the store agree
     * on it; events past it (committed since) are not listed. */
    pthread_rwlock_rdlock(&svc->lock);
    head_seq = svc->state.seq;
    ac_hex_encode(head_hex, svc->state.head, AC_HASH_LEN);
    pthread_rwlock_unlock(&svc->lock);
    n = head_seq > after ? head_seq - after : 0;
    n = n < limit ? n : limit;

    ac_buf_init(&out, 0);
    x.out = &out;
    x.count = 0;
    ac_buf_add_c(&out, "{\"events\":[");
    st = n > 0 ? ac_store_scan(svc->store, after, n, add_event, &x, &e) : AC_OK;
    ac_buf_printf(&out, "],\"head\":{\"seq\":%" PRId64 ",\"hash\":\"%s\"}}",
                  head_seq, head_hex);
    if (st != AC_OK || out.status != AC_OK) {
        if (st == AC_OK) {
            ac_err_set(&e, out.status, "the events do not fit in memory");
        }
        ac_buf_release(&out);
        fail(r, &e);
        return;
    }
    r->reply.status = 200;
    r->reply.type = "application/json";
    r->reply.body = ac_buf_take(&out, &r->reply.len);
    ac_buf_release(&out);
}

/* ---- sessions ---- */

/* A required string member of 1 to max_len bytes. */
static enum ac_status get_text(const json_t *j, const char *key, size_t max_len,
                               struct ac_arena *a, struct ac_str *out,
                               struct ac_err *err)
{
    enum ac_status st = ac_api_get_str(j, key, false, max_len, a, out, err);
    if (st == AC_OK && out->len == 0) {
        char where[64];
        snprintf(where, sizeof where, "/%s", key);
        st = ac_err_at(err, where, AC_EINVAL, "%s must not be empty", where);
    }
    return st;
}

enum ac_status ac_route_login(struct ac_request *r, struct ac_str member,
                              struct ac_str password,
                              char token[AC_TOKEN_LEN + 1], int64_t *expires,
                              int64_t *wait, struct ac_err *err)
{
    struct ac_service *svc = r->svc;
    char addr[AC_ADDR_BUF], phc[AC_PHC_MAX], hash[AC_HEX_LEN + 1];
    /* member as a C string for the limiter; ids are short */
    char id[AC_MEMBER_BUF + 8];
    enum ac_status st;
    bool found, active = false;

    snprintf(id, sizeof id, "%.*s", (int)member.len, member.ptr);
    client_addr(r, addr);
    st = ac_store_password_get(svc->store, member, phc, sizeof phc, err);
    if (st != AC_OK && st != AC_ENOTFOUND) {
        return st;
    }
    found = st == AC_OK;
    pthread_rwlock_rdlock(&svc->lock);
    {
        const struct ac_member *m = ac_state_member(&svc->state, member);
        active = m && m->status == AC_MEMBER_ACTIVE;
    }
    pthread_rwlock_unlock(&svc->lock);
    /* The same work and the same answer for an unknown member. */
    st = ac_auth_login(svc->auth, addr, id, found ? phc : svc->dummy_phc,
                       found && active, password, wait);
    if (st == AC_ELIMIT) {
        return ac_err_set(err, AC_ELIMIT, "too many failed logins");
    }
    if (st != AC_OK) {
        return ac_err_set(err, AC_EDENIED, "wrong member or password");
    }
    ac_token_new(token);
    ac_token_hash(hash, ac_str_c(token));
    *expires = ac_service_now() + svc->token_ms;
    st =
        ac_store_session_put(svc->store, ac_str_c(hash), member, *expires, err);
    if (st != AC_OK) {
        return st;
    }
    ac_auth_session_put(svc->auth, hash, id, *expires);
    return AC_OK;
}

static void post_session(struct ac_request *r)
{
    static const char *const allowed[] = {"member", "password", NULL};
    struct ac_str member, password;
    char token[AC_TOKEN_LEN + 1];
    int64_t wait, expires;
    struct ac_err e = {0};
    enum ac_status st;
    json_t *j = NULL;

    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = get_text(j, "member", 64, &r->arena, &member, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "password", false, AC_PASSWORD_MAX, &r->arena,
                            &password, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    st = ac_route_login(r, member, password, token, &expires, &wait, &e);
    if (st == AC_ELIMIT) {
        too_many(r, wait);
        return;
    }
    if (st == AC_EDENIED) {
        unauthorized(r, e.msg);
        return;
    }
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_api_json(&r->reply, 201,
                json_pack("{s:s,s:s%,s:o}", "token", token, "member",
                          member.ptr, member.len, "expires",
                          ac_api_time(expires)));
}

enum ac_status ac_route_logout(struct ac_request *r, struct ac_err *err)
{
    /* The store first: a read that misses memory meanwhile finds no row,
     * or finds it and is kept out of memory by the revocation. */
    enum ac_status st =
        ac_store_session_delete(r->svc->store, ac_str_c(r->token_hash), err);
    if (st == AC_OK) {
        ac_auth_session_revoke(r->svc->auth, r->token_hash);
    }
    return st;
}

static void delete_session(struct ac_request *r)
{
    struct ac_err e = {0};
    json_t *j = NULL;
    if (!parse_body(r, true, none, &j)) {
        return;
    }
    json_decref(j);
    if (ac_route_logout(r, &e) != AC_OK) {
        fail(r, &e);
        return;
    }
    r->reply.status = 204;
}

/* ---- writes ---- */

void ac_route_job_init(struct ac_request *r, enum ac_cmd_type type,
                       unsigned ok_status)
{
    memset(&r->job, 0, sizeof r->job);
    r->job.cmd.type = type;
    r->job.cmd.actor = ac_str_c(r->member);
    r->job.cmd.proposal = r->param;
    r->job.ok_status = ok_status;
}

static void post_proposal(struct ac_request *r)
{
    static const char *const allowed[] = {"circle", "kind", "title", "data",
                                          NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_PROPOSE, 201);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "circle", false, 0, &r->arena, &c->circle, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "kind", false, 0, &r->arena, &c->kind, &e);
    }
    if (st == AC_OK) {
        st = ac_api_get_str(j, "title", false, 0, &r->arena, &c->title, &e);
    }
    if (st == AC_OK) {
        st = ac_api_get_obj(j, "data", false, &r->arena, &c->data, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static void post_position(struct ac_request *r)
{
    static const char *const allowed[] = {"position", "reason", "criterion",
                                          NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_POSITION, 200);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "position", false, 0, &r->arena, &c->position, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "reason", true, 0, &r->arena, &c->reason, &e);
    }
    if (st == AC_OK) {
        st = ac_api_get_str(j, "criterion", true, 0, &r->arena, &c->criterion,
                            &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static void post_integration(struct ac_request *r)
{
    static const char *const allowed[] = {"objector", "suggestion", NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_INTEGRATE, 200);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "objector", false, 0, &r->arena, &c->objector, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "suggestion", false, 0, &r->arena,
                            &c->suggestion, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static void post_nomination(struct ac_request *r)
{
    static const char *const allowed[] = {"nominee", "reason", NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_NOMINATE, 200);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "nominee", false, 0, &r->arena, &c->nominee, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "reason", false, 0, &r->arena, &c->reason, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

/* POST .../volunteer {"commitment"}, .../pass {}, .../reveal {"secret"}. */
static void draw_step(struct ac_request *r, enum ac_cmd_type type,
                      const char *key)
{
    const char *allowed[] = {key, NULL};
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st = AC_OK;

    ac_route_job_init(r, type, 200);
    if (!parse_body(r, key == NULL, key ? allowed : none, &j)) {
        return;
    }
    if (key) {
        st =
            ac_api_get_str(j, key, false, 0, &r->arena, &r->job.cmd.secret, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static void post_volunteer(struct ac_request *r)
{
    draw_step(r, AC_CMD_VOLUNTEER, "commitment");
}

static void post_pass(struct ac_request *r)
{
    draw_step(r, AC_CMD_PASS, NULL);
}

static void post_reveal(struct ac_request *r)
{
    draw_step(r, AC_CMD_REVEAL, "secret");
}

/* POST /delegations {"circle","kind"?,"to"}, DELETE /delegations
 * {"circle","kind"?}, POST /delegations/refuse {"from","circle","kind"?}. */
static void delegation(struct ac_request *r, enum ac_cmd_type type)
{
    static const char *const give[] = {"circle", "kind", "to", NULL};
    static const char *const revoke[] = {"circle", "kind", NULL};
    static const char *const refuse[] = {"circle", "kind", "from", NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, type, type == AC_CMD_DELEGATE ? 201 : 200);
    if (!parse_body(r, false,
                    type == AC_CMD_DELEGATE ? give
                    : type == AC_CMD_REVOKE ? revoke
                                            : refuse,
                    &j)) {
        return;
    }
    st = ac_api_get_str(j, "circle", false, 0, &r->arena, &c->circle, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "kind", true, 0, &r->arena, &c->kind, &e);
    }
    if (st == AC_OK && type != AC_CMD_REVOKE) {
        st = ac_api_get_str(j, type == AC_CMD_DELEGATE ? "to" : "from", false,
                            0, &r->arena, &c->other, &e);
    }
    json_decref(j);
    if (!c->kind.ptr) {
        c->kind = AC_STR("");
    }
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static void post_delegation(struct ac_request *r)
{
    delegation(r, AC_CMD_DELEGATE);
}

static void delete_delegation(struct ac_request *r)
{
    delegation(r, AC_CMD_REVOKE);
}

static void post_refusal(struct ac_request *r)
{
    delegation(r, AC_CMD_REFUSE);
}

static json_t *find_pb_round(const struct ac_state *s, struct ac_str id,
                             bool *found)
{
    const struct ac_pb_round *round = ac_state_pb_round(s, id);
    *found = round != NULL;
    return round ? ac_api_pb_round(s, round) : NULL;
}

/* POST /api/v1/rounds/{id}/buckets {"title","description","target"} */
static void post_bucket(struct ac_request *r)
{
    static const char *const allowed[] = {"title", "description", "target",
                                          NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_BUCKET, 201);
    c->round = r->param;
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "title", false, 0, &r->arena, &c->title, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "description", true, 0, &r->arena, &c->reason,
                            &e);
        c->reason = c->reason.ptr ? c->reason : AC_STR("");
    }
    if (st == AC_OK) {
        st = ac_api_get_int(j, "target", &c->amount, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

/* POST /api/v1/commitments {"circle","what","due","member"?}: "member",
 * when given, must be the one making it. */
static void post_commitment(struct ac_request *r)
{
    static const char *const allowed[] = {"circle", "what", "due", "member",
                                          NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_str member = {NULL, 0};
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_COMMIT, 201);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "circle", false, 0, &r->arena, &c->circle, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "what", false, 0, &r->arena, &c->title, &e);
    }
    if (st == AC_OK) {
        st = ac_api_get_str(j, "due", false, 0, &r->arena, &c->due, &e);
    }
    if (st == AC_OK) {
        st = ac_api_get_str(j, "member", true, 0, &r->arena, &member, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    if (member.ptr && !ac_str_eq(member, ac_str_c(r->member))) {
        problem(r, 403, "/member",
                "a commitment is made by the member who makes it: %s cannot "
                "commit %.40s",
                r->member, member.ptr);
        return;
    }
    ac_route_submit(r);
}

/* POST /api/v1/commitments/{id}/updates {"status","note"} */
static void post_update(struct ac_request *r)
{
    static const char *const allowed[] = {"status", "note", NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_UPDATE, 200);
    c->commitment = r->param;
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "status", false, 0, &r->arena, &c->status, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "note", true, 0, &r->arena, &c->reason, &e);
        c->reason = c->reason.ptr ? c->reason : AC_STR("");
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

/* GET /api/v1/commitments?circle=&member=&status= */
static void get_commitments(struct ac_request *r)
{
    const char *circle = arg(r, "circle"), *member = arg(r, "member");
    const char *status = arg(r, "status");
    const struct ac_state *s = &r->svc->state;
    enum ac_commitment_status want = AC_COMMIT_OPEN;
    json_t *arr;

    if (status && !(strcmp(status, "open") == 0 ||
                    ac_commitment_update_parse(ac_str_c(status), &want))) {
        problem(r, 400, NULL,
                "unknown status \"%.40s\": status is open, done or released",
                status);
        return;
    }
    if (status && strcmp(status, "open") == 0) {
        want = AC_COMMIT_OPEN;
    }
    pthread_rwlock_rdlock(&r->svc->lock);
    arr = json_array();
    for (size_t i = 0; arr && i < s->commitment_count; i++) {
        const struct ac_commitment *c = &s->commitments[i];
        if ((circle && !ac_str_eq_c(c->circle, circle)) ||
            (member && !ac_str_eq_c(c->member, member)) ||
            (status && c->status != want)) {
            continue;
        }
        if (json_array_append_new(arr, ac_api_commitment(c)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_api_json(&r->reply, 200, arr);
}

/* GET /api/v1/circles/{id}/checkin: the circle's open commitments whose
 * date has passed, by date; nobody is ranked. */
static void get_checkin(struct ac_request *r)
{
    const struct ac_state *s = &r->svc->state;
    int64_t now = ac_service_now();
    const struct ac_commitment **late;
    size_t n = 0;
    json_t *o = NULL, *arr;
    pthread_rwlock_rdlock(&r->svc->lock);
    if (!ac_state_circle(s, r->param)) {
        pthread_rwlock_unlock(&r->svc->lock);
        problem(r, 404, NULL, "no circle \"%.40s\"", r->param.ptr);
        return;
    }
    arr = json_array();
    late = malloc((s->commitment_count + 1) * sizeof *late);
    n = late ? ac_state_overdue(s, r->param, now, late) : 0;
    for (size_t i = 0; arr && i < n; i++) {
        if (json_array_append_new(arr, ac_api_commitment(late[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (!late) {
        json_decref(arr);
        arr = NULL;
    }
    free(late);
    pthread_rwlock_unlock(&r->svc->lock);
    if (arr) {
        o = json_pack("{s:s%,s:o,s:o}", "circle", r->param.ptr, r->param.len,
                      "time", ac_api_time(now), "overdue", arr);
    }
    ac_api_json(&r->reply, 200, o);
}

/* GET /api/v1/notifications: the caller's own settings. */
static void get_notifications(struct ac_request *r)
{
    ac_api_json(&r->reply, 200, ac_notify_get(r->svc->notify, r->member));
}

/* PUT /api/v1/notifications: the caller's own settings, kept beside the
 * log (nothing is appended to it). */
static void put_notifications(struct ac_request *r)
{
    static const char *const allowed[] = {"email", "webhook", "events",
                                          "digest", NULL};
    struct ac_err e = {0};
    json_t *j = NULL, *out = NULL;
    const struct ac_member *m;
    bool active;
    int64_t head;
    /* No job for the writer, which checks that the member is active:
     * checked here, as for a read. */
    pthread_rwlock_rdlock(&r->svc->lock);
    head = r->svc->state.seq;
    m = ac_state_member(&r->svc->state, ac_str_c(r->member));
    active = m && m->status == AC_MEMBER_ACTIVE;
    pthread_rwlock_unlock(&r->svc->lock);
    if (!active) {
        unauthorized(r, "the token's member is not an active member");
        return;
    }
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    if (ac_notify_put(r->svc->notify, r->member, j, head, &out, &e) != AC_OK) {
        fail(r, &e);
    } else {
        ac_api_json(&r->reply, 200, out);
    }
    json_decref(j);
}

/* POST /api/v1/buckets/{id}/pledge {"amount"} */
static void post_pledge(struct ac_request *r)
{
    static const char *const allowed[] = {"amount", NULL};
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_PLEDGE, 200);
    r->job.cmd.bucket = r->param;
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_int(j, "amount", &r->job.cmd.amount, &e);
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static json_t *find_role(const struct ac_state *s, struct ac_str id,
                         bool *found)
{
    const struct ac_role *role = ac_state_role(s, id);
    *found = role != NULL;
    return role ? ac_api_role(role) : NULL;
}

static void post_ballot(struct ac_request *r)
{
    static const char *const allowed[] = {"ranking", "approve", "scores", NULL};
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_BALLOT, 200);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_json_to_val(j, "", &r->arena, &r->job.cmd.data, &e);
    json_decref(j);
    if (st == AC_ENOMEM) {
        ac_err_set(&e, AC_ELIMIT, "the request is too large to process");
    }
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static void get_result(struct ac_request *r)
{
    const struct ac_proposal *p;
    json_t *j = NULL;
    bool choice, sealed = false;
    pthread_rwlock_rdlock(&r->svc->lock);
    p = ac_state_proposal(&r->svc->state, r->param);
    choice = p && ac_choice_has_count(p);
    if (choice) {
        sealed = p->method.secret && !p->result;
        j = sealed ? NULL : ac_api_result(&r->svc->state, p);
    }
    pthread_rwlock_unlock(&r->svc->lock);
    if (!choice) {
        problem(r, 404, NULL, "no choice proposal \"%.40s\"", r->param.ptr);
    } else if (sealed) {
        problem(r, 409, NULL,
                "%.40s is a secret ballot: its count is written at the close",
                r->param.ptr);
    } else {
        ac_api_json(&r->reply, 200, j);
    }
}

#define POWER_DAYS_MAX 36500

/* GET /power?circle=C&days=N: the power monitor's report (docs/power.md),
 * computed from the facts the state keeps, under the read lock. */
static void get_power(struct ac_request *r)
{
    const char *circle = arg(r, "circle");
    const struct ac_state *s = &r->svc->state;
    struct ac_power_report rep;
    struct ac_arena a;
    struct ac_err e = {0};
    int64_t days, now = ac_service_now();
    json_t *j = NULL;
    enum ac_status st;

    if (!arg_int(r, "days", 0, 1, POWER_DAYS_MAX, &days)) {
        return;
    }
    ac_arena_init(&a, 0);
    pthread_rwlock_rdlock(&r->svc->lock);
    if (now < s->time) {
        now = s->time;
    }
    st = ac_power_report(s, ac_str_c(circle ? circle : AC_ROOT_CIRCLE),
                         days ? now - days * AC_MS_PER_DAY : 0, now, &a, &rep,
                         &e);
    if (st == AC_OK) {
        j = ac_power_json(s, &rep, days);
    }
    pthread_rwlock_unlock(&r->svc->lock);
    ac_arena_release(&a);
    if (st == AC_ENOTFOUND) {
        problem(r, 400, NULL, "circle: no circle \"%.40s\"", circle);
    } else if (st != AC_OK) {
        ac_api_problem_err(&r->reply, &e);
    } else {
        ac_api_json(&r->reply, 200, j);
    }
}

static void post_amend(struct ac_request *r)
{
    static const char *const allowed[] = {"title", "data", NULL};
    struct ac_cmd *c = &r->job.cmd;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_AMEND, 200);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    st = ac_api_get_str(j, "title", true, 0, &r->arena, &c->title, &e);
    if (st == AC_OK) {
        st = ac_api_get_obj(j, "data", true, &r->arena, &c->data, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

static void post_withdraw(struct ac_request *r)
{
    json_t *j = NULL;

    ac_route_job_init(r, AC_CMD_WITHDRAW, 200);
    if (!parse_body(r, true, none, &j)) {
        return;
    }
    json_decref(j);
    ac_route_submit(r);
}

/* ---- invites ---- */

enum ac_status ac_route_invite_code(struct ac_service *svc, const char *member,
                                    char code[128], struct ac_err *err)
{
    enum ac_status st;
    /* One code per member: made on the first request, the same after;
     * another server on the same store may make it at the same moment,
     * and the store keeps the first, so it is read back. */
    pthread_mutex_lock(&svc->invite_lock);
    st = ac_store_invite_get(svc->store, ac_str_c(member), code, err);
    if (st == AC_ENOTFOUND) {
        ac_token_new(code);
        st = ac_store_invite_put(svc->store, ac_str_c(member), ac_str_c(code),
                                 err);
        if (st == AC_OK) {
            st = ac_store_invite_get(svc->store, ac_str_c(member), code, err);
        }
    }
    pthread_mutex_unlock(&svc->invite_lock);
    return st;
}

static void get_invite(struct ac_request *r)
{
    struct ac_service *svc = r->svc;
    const struct ac_proposal *p;
    char member[AC_MEMBER_BUF] = "", code[128];
    unsigned status = 0;
    char why[160] = "";
    struct ac_err e = {0};
    enum ac_status st;

    pthread_rwlock_rdlock(&svc->lock);
    p = ac_state_proposal(&svc->state, r->param);
    if (!p) {
        status = 404;
        snprintf(why, sizeof why, "no proposal \"%.40s\"", r->param.ptr);
    } else if (!ac_str_eq_c(p->author, r->member)) {
        status = 403;
        snprintf(why, sizeof why,
                 "only the author of proposal %.*s may read its invite",
                 (int)p->id.len, p->id.ptr);
    } else if (p->kind != AC_KIND_MEMBER_ADMIT) {
        status = 409;
        snprintf(why, sizeof why, "proposal %.*s does not admit a member",
                 (int)p->id.len, p->id.ptr);
    } else if (p->status != AC_PROP_ADOPTED) {
        status = 409;
        snprintf(why, sizeof why, "proposal %.*s is %s, not adopted",
                 (int)p->id.len, p->id.ptr, ac_proposal_status_name(p->status));
    } else {
        const struct ac_member *m = ac_state_invitee(&svc->state, p);
        if (!m) {
            const struct ac_member *who =
                ac_state_member(&svc->state, p->effect);
            status = 409;
            snprintf(why, sizeof why, "member \"%.*s\" is %s, not invited",
                     (int)p->effect.len, p->effect.ptr,
                     who ? ac_member_status_name(who->status) : "unknown");
        } else {
            snprintf(member, sizeof member, "%.*s", (int)m->id.len, m->id.ptr);
        }
    }
    pthread_rwlock_unlock(&svc->lock);
    if (status) {
        problem(r, status, NULL, "%s", why);
        return;
    }
    st = ac_route_invite_code(svc, member, code, &e);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_api_json(&r->reply, 200,
                json_pack("{s:s,s:s}", "member", member, "invite", code));
}

static void post_accept(struct ac_request *r)
{
    static const char *const allowed[] = {"invite", "password", NULL};
    struct ac_str invite, password;
    int64_t wait;
    struct ac_err e = {0};
    json_t *j = NULL;
    enum ac_status st;

    ac_route_job_init(r, AC_CMD_JOIN, 200);
    if (!parse_body(r, false, allowed, &j)) {
        return;
    }
    /* The store's own check would name no JSON pointer. */
    st = get_text(j, "invite", 127, &r->arena, &invite, &e);
    if (st == AC_OK) {
        st = ac_api_get_str(j, "password", false, 0, &r->arena, &password, &e);
    }
    json_decref(j);
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    st = ac_route_accept(r, invite, password, &wait, &e);
    if (st == AC_ELIMIT) {
        too_many(r, wait);
        return;
    }
    if (st == AC_ENOTFOUND) {
        problem(r, 404, "/invite", "unknown invite code");
        return;
    }
    if (st != AC_OK) {
        fail(r, &e);
        return;
    }
    ac_route_submit(r);
}

enum ac_status ac_route_accept(struct ac_request *r, struct ac_str invite,
                               struct ac_str password, int64_t *wait,
                               struct ac_err *err)
{
    struct ac_service *svc = r->svc;
    char addr[AC_ADDR_BUF], member[AC_MEMBER_BUF];
    char *phc;
    int64_t stamp;
    enum ac_status st;

    /* A wrong code counts against the address only: codes are not tied
     * to a member id one could name. */
    client_addr(r, addr);
    if (ac_auth_guess(svc->auth, addr, wait, &stamp) != AC_OK) {
        return ac_err_set(err, AC_ELIMIT, "too many failed tries");
    }
    st = ac_store_invite_find(svc->store, invite, member, err);
    if (st == AC_ENOTFOUND) {
        return ac_err_at(err, "/invite", AC_ENOTFOUND, "unknown invite code");
    }
    ac_auth_guess_ok(svc->auth, addr, stamp);
    if (st != AC_OK) {
        return st;
    }
    st = ac_password_check(password, err);
    if (st != AC_OK) {
        return st;
    }
    phc = ac_arena_alloc(&r->arena, AC_PHC_MAX);
    r->job.cmd.actor = ac_arena_str(&r->arena, ac_str_c(member));
    if (!phc || !r->job.cmd.actor.ptr) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_auth_hash(svc->auth, password, phc, err);
    if (st != AC_OK) {
        return st;
    }
    r->job.is_join = true;
    r->job.password.member = r->job.cmd.actor;
    r->job.password.phc = ac_str_c(phc);
    r->job.invite = invite;
    return AC_OK;
}

/* ---- the table ---- */

static const char *const proposals_query[] = {"status", "circle", "after",
                                              "limit", NULL};
static const char *const agreements_query[] = {"status", NULL};
static const char *const events_query[] = {"after", "limit", NULL};
static const char *const power_query[] = {"circle", "days", NULL};
static const char *const commitments_query[] = {"circle", "member", "status",
                                                NULL};

static const struct route routes[] = {
    {"GET", "/api/v1/health", false, NULL, .fn = get_health},
    {"POST", "/api/v1/session", false, NULL, .fn = post_session},
    {"DELETE", "/api/v1/session", true, NULL, .fn = delete_session},
    {"GET", "/api/v1/org", true, none, .render = ac_api_org},
    {"GET", "/api/v1/members", true, none, .render = ac_api_members},
    {"GET", "/api/v1/circles", true, none, .render = ac_api_circles},
    {"GET", "/api/v1/proposals", true, proposals_query, .fn = get_proposals},
    {"POST", "/api/v1/proposals", true, NULL, .fn = post_proposal},
    {"GET", "/api/v1/proposals/{id}", true, none, .find = find_proposal,
     .noun = "proposal"},
    {"POST", "/api/v1/proposals/{id}/positions", true, NULL,
     .fn = post_position},
    {"POST", "/api/v1/proposals/{id}/ballot", true, NULL, .fn = post_ballot},
    {"POST", "/api/v1/proposals/{id}/integrations", true, NULL,
     .fn = post_integration},
    {"POST", "/api/v1/proposals/{id}/nominations", true, NULL,
     .fn = post_nomination},
    {"POST", "/api/v1/proposals/{id}/volunteer", true, NULL,
     .fn = post_volunteer},
    {"POST", "/api/v1/proposals/{id}/pass", true, NULL, .fn = post_pass},
    {"POST", "/api/v1/proposals/{id}/reveal", true, NULL, .fn = post_reveal},
    {"GET", "/api/v1/roles", true, none, .render = ac_api_roles},
    {"GET", "/api/v1/delegations", true, none, .render = ac_api_delegations},
    {"POST", "/api/v1/delegations", true, NULL, .fn = post_delegation},
    {"DELETE", "/api/v1/delegations", true, NULL, .fn = delete_delegation},
    {"POST", "/api/v1/delegations/refuse", true, NULL, .fn = post_refusal},
    {"GET", "/api/v1/roles/{id}", true, none, .find = find_role,
     .noun = "role"},
    {"GET", "/api/v1/proposals/{id}/result", true, none, .fn = get_result},
    {"POST", "/api/v1/proposals/{id}/amend", true, NULL, .fn = post_amend},
    {"POST", "/api/v1/proposals/{id}/withdraw", true, NULL,
     .fn = post_withdraw},
    {"GET", "/api/v1/proposals/{id}/invite", true, none, .fn = get_invite},
    {"POST", "/api/v1/invites/accept", false, NULL, .fn = post_accept},
    {"GET", "/api/v1/agreements", true, agreements_query, .fn = get_agreements},
    {"GET", "/api/v1/agreements/{id}", true, none, .find = find_agreement,
     .noun = "agreement"},
    {"GET", "/api/v1/events", true, events_query, .fn = get_events},
    {"GET", "/api/v1/power", true, power_query, .fn = get_power},
    {"GET", "/api/v1/ledger", true, none, .render = ac_api_ledger},
    {"GET", "/api/v1/ledger.csv", true, none, .fn = ac_api_ledger_csv_reply},
    {"GET", "/api/v1/rounds", true, none, .render = ac_api_pb_rounds},
    {"GET", "/api/v1/rounds/{id}", true, none, .find = find_pb_round,
     .noun = "budgeting round"},
    {"POST", "/api/v1/rounds/{id}/buckets", true, NULL, .fn = post_bucket},
    {"POST", "/api/v1/buckets/{id}/pledge", true, NULL, .fn = post_pledge},
    {"GET", "/api/v1/commitments", true, commitments_query,
     .fn = get_commitments},
    {"POST", "/api/v1/commitments", true, NULL, .fn = post_commitment},
    {"POST", "/api/v1/commitments/{id}/updates", true, NULL, .fn = post_update},
    {"GET", "/api/v1/circles/{id}/checkin", true, none, .fn = get_checkin},
    {"GET", "/api/v1/notifications", true, none, .fn = get_notifications},
    {"PUT", "/api/v1/notifications", true, NULL, .fn = put_notifications},
};

bool ac_route_match(const char *pattern, const char *path, struct ac_str *param)
{
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (strncmp(p, "{id}", 4) == 0) {
            const char *end = strchr(u, '/');
            size_t len = end ? (size_t)(end - u) : strlen(u);
            if (len == 0) {
                return false;
            }
            *param = (struct ac_str){u, len};
            p += 4;
            u += len;
        } else if (*p++ != *u++) {
            return false;
        }
    }
    return !*p && !*u;
}

void ac_route_dispatch(struct ac_request *r)
{
    const struct route *rt = NULL;
    bool path_known = false;
    struct ac_str param = {NULL, 0};

    if (strncmp(r->url, "/api/", 5) != 0 && ac_web_dispatch(r)) {
        return;
    }

    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        struct ac_str at = {NULL, 0};
        if (!ac_route_match(routes[i].path, r->url, &at)) {
            continue;
        }
        if (!path_known) {
            r->reply.allow[0] = '\0';
        }
        path_known = true;
        if (!strstr(r->reply.allow, routes[i].method)) {
            size_t n = strlen(r->reply.allow);
            snprintf(r->reply.allow + n, sizeof r->reply.allow - n, "%s%s",
                     n ? ", " : "", routes[i].method);
        }
        if (strcmp(routes[i].method, r->method) == 0) {
            rt = &routes[i];
            param = at;
        }
    }
    if (!path_known) {
        problem(r, 404, NULL, "no resource at %.200s", r->url);
        return;
    }
    if (!rt) {
        problem(r, 405, NULL, "%s is not allowed here; allowed: %s", r->method,
                r->reply.allow);
        return;
    }
    r->reply.allow[0] = '\0';
    if (rt->fn != get_health &&
        __atomic_load_n(&r->svc->broken, __ATOMIC_SEQ_CST)) {
        /* The state may hold events the store did not keep. */
        problem(r, 503, NULL, "the store failed; the server is recovering");
        return;
    }
    /* The {id} as a NUL-terminated copy, for messages. */
    r->param = ac_arena_str(&r->arena, param);
    if (param.ptr && !r->param.ptr) {
        problem(r, 503, NULL, "out of memory");
        return;
    }
    if (rt->needs_auth && !authenticate(r, strcmp(rt->method, "GET") == 0)) {
        return;
    }
    if (rt->query && !args_known(r, rt->query)) {
        return;
    }
    if (rt->render) {
        read_locked(r, rt->render);
    } else if (rt->find) {
        read_item(r, rt);
    } else {
        rt->fn(r);
    }
}
