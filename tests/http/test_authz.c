/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The authorisation matrix: every route of the API (src/http/routes.c),
 * and every web form that changes something (src/http/web_route.c),
 * against five callers, from tables of one row per call. The callers: no
 * token, an expired token, a member outside the circle concerned (carol;
 * ops is alice and bob), another member of the circle than the one the
 * resource belongs to (bob), and that member (alice). Where a row gives
 * the columns another meaning (a proposal of the circle "all", where
 * nobody is outside; an objection that is bob's), its comment says so.
 * Reads are open to every member (the open record); a write is refused
 * to anyone it does not belong to, and a refused write appends nothing.
 * One Test per area, each over its own organisation, so that they run
 * side by side; a last one runs every row again with the token of a
 * member who was removed in the expired token's place. */

#include "fixture.h"

#include "base/secret.h"

#include "base/hash.h"

enum who { NONE, EXPIRED, OUTSIDER, OTHER, RIGHT, WHO_COUNT };

static const char *const who_names[WHO_COUNT] = {
    "no token", "expired token", "carol (outside ops)", "bob (not the owner)",
    "alice (the owner)"};

/* What a row needs made fresh before each call; by alice unless said. */
enum prep {
    P_NONE,
    P_PROPOSAL,    /* an open proposal in ops: {id} */
    P_COMMITMENT,  /* a commitment of alice to ops: {id} */
    P_BUCKET,      /* a bucket of alice in round r1 of ops: {id} */
    P_OBJECTION,   /* an open proposal in ops that alice objects to: {id} */
    P_BOB_OBJECTS, /* an open proposal in ops that bob objects to: {id} */
    P_VOTE,        /* an open circle.amend of ops, decided by majority */
    P_SECRET_VOTE, /* an open agreement.retire in ops, by secret majority */
    P_CHOICE,      /* an open choice in ops (Schulze): {id} */
    P_ROLE,        /* a new role of ops: {id} */
    P_ELECTION,    /* an election in ops taking nominations: {id}, {role} */
    P_ELECTION_CONSENT, /* one in its consent round, on alice: {id}, {role} */
    P_DRAW,             /* a draw by lot in ops, volunteering: {id} */
    P_DRAW_REVEAL,      /* one revealing: alice volunteered, bob passed: {id} */
    P_DELEGATION,       /* alice's vote in ops entrusted to bob */
    P_DELEGATION_TO_ALICE, /* bob's vote in ops entrusted to alice, by bob */
    P_ADMITTED,            /* an adopted member.admit of alice's, its member not
                              joined yet (the same one each time): {id} */
    P_INVITE,              /* the invite code of another such member: {id} */
};

/* A web form's answer to a change is 303 to the page that shows it;
 * these two stand for the redirects to the sign-in page. */
#define TO_LOGIN 1 /* 303 to /login: nothing done */
#define OK_LOGIN 2 /* 303 to /login once done: signed out, or joined */

/* The row's members call with a token of a fresh login, not the
 * fixture's: the call may end that session (and only that one). */
#define F_FRESH 1u
/* A removed member's token meets the members' answer, not the expired
 * token's: the route refuses the body before the writer looks at who
 * sent it (a write is checked against the state it runs on), or the
 * token ends its own session. */
#define F_FORMER_AS_MEMBER 2u

struct ctx;

/* One call of a row, for a row's own checks after it. */
struct call {
    enum who k;
    const char *id; /* what prep made, or NULL */
    long status;
    const json_t *json; /* the API's answer, or NULL */
};

typedef void (*check_fn)(struct ctx *x, const struct call *c);

struct row {
    const char *method;
    const char *path; /* "{id}" stands for what prep made */
    const char *body; /* NULL for none; "{id}", "{role}" as in path */
    enum prep prep;
    int want[WHO_COUNT];
    unsigned flags;
    check_fn check; /* NULL, or more to check after each call */
};

#define POOL_MAX 16 /* adopted admissions, for P_INVITE */

struct ctx {
    struct org o;
    const char *tokens[WHO_COUNT];
    char *expired;
    const struct row *rows; /* the table being run */
    size_t row_count;
    int only;       /* the one column to run, or -1 for every one */
    char *former;   /* the token of a member who was removed */
    char *spare[4]; /* more of their sessions, for F_FRESH rows */
    size_t spare_count, spare_next;
    int roles;      /* made by P_ROLE, P_ELECTION, ... */
    char role[24];  /* the last one */
    char *admitted; /* P_ADMITTED's proposal */
    char *pool[POOL_MAX];
    size_t pool_count, pool_next;
    char guest[24]; /* the member of the last P_INVITE */
};

/* sha256("alice-secret"), alice's commitment in a draw */
#define SECRET "alice-secret"
#define COMMITMENT                                                             \
    "0c848abb03307b06cf70cd4e29c157dc81af5e94ab3eb1d0c59a120269572376"

/* ---- making what rows need ---- */

/* A request that must answer want; its JSON, or NULL. */
static json_t *must(const struct org *o, const char *token, const char *method,
                    const char *path, int want, const char *body)
{
    struct t_resp r = t_http(&o->srv, method, path, token, body);
    json_t *j;
    cr_assert_eq(r.status, want, "%s %s: HTTP %ld, want %d: %s", method, path,
                 r.status, want, r.body ? r.body : "");
    j = json_incref(r.json);
    t_resp_free(&r);
    return j;
}

static void must_free(const struct org *o, const char *token,
                      const char *method, const char *path, int want,
                      const char *body)
{
    json_decref(must(o, token, method, path, want, body));
}

/* A new role of ops, adopted by alice and bob; its id. */
static const char *new_role(struct ctx *x)
{
    const char *ops[] = {x->o.alice, x->o.bob, NULL};
    char *data;
    snprintf(x->role, sizeof x->role, "role%d", ++x->roles);
    data = t_fmt("{\"id\":\"%s\",\"name\":\"Role %d\",\"purpose\":\"x\","
                 "\"accountabilities\":[\"y\"],\"term_days\":30}",
                 x->role, x->roles);
    adopt_by(&x->o, "ops", "role.create", "A role", data, ops);
    free(data);
    return x->role;
}

/* Opens an election or a draw (kind) of a new role; the proposal. */
static char *fill_role(struct ctx *x, const char *kind)
{
    char *data = t_fmt("{\"role\":\"%s\"}", new_role(x));
    char *id = propose(&x->o, x->o.alice, "ops", kind, "Fill it", data);
    free(data);
    return id;
}

static void nominate(const struct org *o, const char *token, const char *id)
{
    char *path = t_fmt("/api/v1/proposals/%s/nominations", id);
    must_free(o, token, "POST", path, 200,
              "{\"nominee\":\"alice\",\"reason\":\"she knows it\"}");
    free(path);
}

/* Admits a guest by the consent of alice, bob and carol (the circle
 * "all" while nobody else has joined); the proposal. */
static char *admit(struct ctx *x, int n)
{
    const char *all[] = {x->o.alice, x->o.bob, x->o.carol, NULL};
    char *data = t_fmt("{\"id\":\"guest%d\",\"name\":\"Guest %d\"}", n, n);
    char *id = propose(&x->o, x->o.alice, "all", "member.admit", "Admit", data);
    char *st = NULL;
    for (size_t i = 0; all[i]; i++) {
        free(st);
        st = position(&x->o, all[i], id, "consent", NULL);
    }
    cr_assert_str_eq(st, "adopted");
    free(st);
    free(data);
    return id;
}

/* The admissions every P_INVITE of the table takes one of, adopted at
 * its first use: before any guest joins, who would have to answer. */
static void fill_pool(struct ctx *x, const struct row *rows, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t need = rows[i].prep != P_INVITE ? 0
                      : x->only < 0            ? WHO_COUNT
                                               : 1;
        cr_assert(x->pool_count + need <= POOL_MAX);
        while (need--) {
            x->pool[x->pool_count] = admit(x, (int)x->pool_count + 1);
            x->pool_count++;
        }
    }
}

static void delegate(const struct org *o, const char *token, const char *to)
{
    char *body = t_fmt("{\"circle\":\"ops\",\"to\":\"%s\"}", to);
    must_free(o, token, "POST", "/api/v1/delegations", 201, body);
    free(body);
}

/* Makes what a row needs; the id, malloc'd, or NULL. */
static char *make(struct ctx *x, enum prep p)
{
    struct org *o = &x->o;
    json_t *j;
    char *id, *path;
    switch (p) {
    case P_PROPOSAL:
        return propose(o, o->alice, "ops", "agreement.adopt", "Open",
                       "{\"text\":\"An open question.\"}");
    case P_OBJECTION:
    case P_BOB_OBJECTS:
        id = propose(o, o->alice, "ops", "agreement.adopt", "Contested",
                     "{\"text\":\"A contested question.\"}");
        free(position(o, p == P_OBJECTION ? o->alice : o->bob, id, "object",
                      "not like this"));
        return id;
    case P_VOTE:
        return propose(o, o->alice, "ops", "circle.amend", "New purpose",
                       "{\"circle\":\"ops\",\"purpose\":\"y\"}");
    case P_SECRET_VOTE:
        return propose(o, o->alice, "ops", "agreement.retire", "Retire it",
                       "{\"agreement\":\"a1\"}");
    case P_CHOICE:
        return propose(o, o->alice, "ops", "choice", "Which tree",
                       "{\"options\":[\"oak\",\"elm\"]}");
    case P_ROLE:
        return strdup(new_role(x));
    case P_ELECTION:
        return fill_role(x, "role.elect");
    case P_ELECTION_CONSENT:
        id = fill_role(x, "role.elect");
        /* the nominations, then the change round */
        for (int i = 0; i < 2; i++) {
            nominate(o, o->alice, id);
            nominate(o, o->bob, id);
        }
        path = t_fmt("/api/v1/proposals/%s", id);
        j = must(o, o->alice, "GET", path, 200, NULL);
        cr_assert_str_eq(jstr(j, "phase"), "consent");
        cr_assert_str_eq(jstr(j, "candidate"), "alice");
        json_decref(j);
        free(path);
        return id;
    case P_DRAW:
        return fill_role(x, "role.draw");
    case P_DRAW_REVEAL:
        id = fill_role(x, "role.draw");
        path = t_fmt("/api/v1/proposals/%s/volunteer", id);
        must_free(o, o->alice, "POST", path, 200,
                  "{\"commitment\":\"" COMMITMENT "\"}");
        free(path);
        path = t_fmt("/api/v1/proposals/%s/pass", id);
        j = must(o, o->bob, "POST", path, 200, NULL);
        cr_assert_str_eq(jstr(j, "phase"), "reveal");
        json_decref(j);
        free(path);
        return id;
    case P_DELEGATION:
        delegate(o, o->alice, "bob");
        return NULL;
    case P_DELEGATION_TO_ALICE:
        delegate(o, o->bob, "alice");
        return NULL;
    case P_ADMITTED:
        if (!x->admitted) {
            x->admitted = admit(x, 0);
        }
        return strdup(x->admitted);
    case P_INVITE:
        if (!x->pool_count) {
            fill_pool(x, x->rows, x->row_count);
        }
        cr_assert(x->pool_next < x->pool_count, "the pool of invites is dry");
        path = t_fmt("/api/v1/proposals/%s/invite", x->pool[x->pool_next++]);
        j = must(o, o->alice, "GET", path, 200, NULL);
        snprintf(x->guest, sizeof x->guest, "%s", jstr(j, "member"));
        id = strdup(jstr(j, "invite"));
        json_decref(j);
        free(path);
        return id;
    case P_COMMITMENT:
        j = must(o, o->alice, "POST", "/api/v1/commitments", 201,
                 "{\"circle\":\"ops\",\"what\":\"W\",\"due\":\"2999-01-01\"}");
        id = strdup(jstr(j, "id"));
        json_decref(j);
        return id;
    case P_BUCKET:
        j = must(o, o->alice, "POST", "/api/v1/rounds/r1/buckets", 201,
                 "{\"title\":\"B\",\"target\":100}");
        {
            const json_t *b = json_object_get(j, "buckets");
            id = strdup(jstr(json_array_get(b, json_array_size(b) - 1), "id"));
        }
        json_decref(j);
        return id;
    case P_NONE:
        break;
    }
    return NULL;
}

/* ---- checks after a call ---- */

/* Nobody changes bob's objection but bob, by a position of his own:
 * alice's position leaves it standing, and so does a refused call. */
static void objection_is_bobs(struct ctx *x, const struct call *c)
{
    char *path = t_fmt("/api/v1/proposals/%s", c->id);
    json_t *j = must(&x->o, x->o.alice, "GET", path, 200, NULL);
    const json_t *obs = json_object_get(j, "objections");
    const json_t *ob = json_array_get(obs, 0);
    cr_assert_eq(json_array_size(obs), 1);
    cr_assert_str_eq(jstr(ob, "member"), "bob");
    cr_assert_str_eq(
        jstr(ob, "status"),
        c->k == OTHER && c->status == 200 ? "withdrawn" : "standing",
        "bob's objection after a call as %s (%ld)", who_names[c->k], c->status);
    json_decref(j);
    free(path);
}

/* The invite code is for the author's eyes: not in the log, not in the
 * proposal as anyone reads it, not on the proposal's page but alice's. */
static void invite_is_secret(struct ctx *x, const struct call *c)
{
    const char *code = c->json ? jstr(c->json, "invite") : NULL;
    const char *web[] = {x->o.alice, x->o.bob, x->o.carol};
    char *path;
    json_t *j;
    char *text;
    if (c->k != RIGHT) {
        cr_assert(!c->json || !json_object_get(c->json, "invite"));
        return;
    }
    cr_assert_not_null(code);
    j = must(&x->o, x->o.bob, "GET", "/api/v1/events?limit=1000", 200, NULL);
    text = json_dumps(j, 0);
    cr_assert_null(strstr(text, code), "the invite code is in the log");
    free(text);
    json_decref(j);
    path = t_fmt("/api/v1/proposals/%s", c->id);
    j = must(&x->o, x->o.bob, "GET", path, 200, NULL);
    text = json_dumps(j, 0);
    cr_assert_null(strstr(text, code), "the proposal shows the invite code");
    free(text);
    json_decref(j);
    free(path);
    path = t_fmt("/proposals/%s", c->id);
    for (size_t i = 0; i < 3; i++) {
        char *cookie = t_fmt("Cookie: accord_session=%s", web[i]);
        const char *h[] = {cookie, NULL};
        struct t_resp r = t_http_h(&x->o.srv, "GET", path, h, NULL, 0);
        cr_assert_eq(r.status, 200);
        cr_assert_eq(strstr(r.body, code) != NULL, i == 0,
                     "the proposal's page as %s and the invite code",
                     i == 0   ? "alice"
                     : i == 1 ? "bob"
                              : "carol");
        t_resp_free(&r);
        free(cookie);
    }
    free(path);
}

/* Events after seq before that a member's act appended: the server's own
 * (the power monitor's alerts, deadlines) may come at any moment and are
 * no one's write. */
static long long member_events_since(struct org *o, long long before)
{
    char *path = t_fmt("/api/v1/events?after=%lld&limit=1000", before);
    struct t_resp r = t_http(&o->srv, "GET", path, o->alice, NULL);
    json_t *events = json_object_get(r.json, "events");
    long long n = 0;
    size_t i;
    json_t *ev;
    cr_assert_eq(r.status, 200, "%s: %ld", path, r.status);
    json_array_foreach(events, i, ev)
    {
        n += strcmp(jstr(ev, "actor"), "system") != 0;
    }
    t_resp_free(&r);
    free(path);
    return n;
}

/* The guest the code was for is active; the code is spent. */
static void guest_joined(struct ctx *x, const struct call *c)
{
    json_t *j = must(&x->o, x->o.alice, "GET", "/api/v1/members", 200, NULL);
    char *body =
        t_fmt("{\"invite\":\"%s\",\"password\":\"guest-password\"}", c->id);
    long long before;
    size_t i;
    bool found = false;
    for (i = 0; i < json_array_size(j); i++) {
        const json_t *m = json_array_get(j, i);
        if (strcmp(jstr(m, "id"), x->guest) == 0) {
            cr_assert_str_eq(jstr(m, "status"), "active", "%s", x->guest);
            found = true;
        }
    }
    cr_assert(found, "no member %s", x->guest);
    json_decref(j);
    before = head_seq(&x->o);
    must_free(&x->o, NULL, "POST", "/api/v1/invites/accept", 404, body);
    cr_assert_eq(member_events_since(&x->o, before), 0);
    free(body);
}

/* Notification settings are the caller's own: alice's stay as they were
 * until she sets them herself (she calls last). */
static void settings_are_own(struct ctx *x, const struct call *c)
{
    json_t *j =
        must(&x->o, x->o.alice, "GET", "/api/v1/notifications", 200, NULL);
    cr_assert_eq(json_array_size(json_object_get(j, "events")),
                 c->k == RIGHT ? 1u : 0u, "alice's settings after %s",
                 who_names[c->k]);
    json_decref(j);
}

/* ---- the tables ---- */

#define READ(path)                                                             \
    {                                                                          \
        "GET", path, NULL, P_NONE, {401, 401, 200, 200, 200}, 0, NULL          \
    }

#define UNKNOWN(method, path, body)                                            \
    {                                                                          \
        method, path, body, P_NONE, {401, 401, 404, 404, 404}, 0, NULL         \
    }

static const struct row reads[] = {
    /* health needs no token: any or none */
    {"GET", "/api/v1/health", NULL, P_NONE, {200, 200, 200, 200, 200}, 0, NULL},
    READ("/api/v1/org"),
    READ("/api/v1/members"),
    READ("/api/v1/circles"),
    READ("/api/v1/proposals"),
    {"GET",
     "/api/v1/proposals/{id}",
     NULL,
     P_PROPOSAL,
     {401, 401, 200, 200, 200},
     0,
     NULL},
    UNKNOWN("GET", "/api/v1/proposals/p9999", NULL),
    {"GET",
     "/api/v1/proposals/{id}/result",
     NULL,
     P_CHOICE,
     {401, 401, 200, 200, 200},
     0,
     NULL},
    /* not a choice */
    {"GET",
     "/api/v1/proposals/{id}/result",
     NULL,
     P_PROPOSAL,
     {401, 401, 404, 404, 404},
     0,
     NULL},
    /* a proposal of "all": carol and bob are any other member */
    {"GET",
     "/api/v1/proposals/{id}/invite",
     NULL,
     P_ADMITTED,
     {401, 401, 403, 403, 200},
     0,
     invite_is_secret},
    /* alice's, but it admits nobody */
    {"GET",
     "/api/v1/proposals/{id}/invite",
     NULL,
     P_PROPOSAL,
     {401, 401, 403, 403, 409},
     0,
     NULL},
    READ("/api/v1/agreements"),
    READ("/api/v1/agreements/a1"),
    UNKNOWN("GET", "/api/v1/agreements/a999", NULL),
    READ("/api/v1/events"),
    READ("/api/v1/roles"),
    READ("/api/v1/roles/scribe"),
    UNKNOWN("GET", "/api/v1/roles/nobody", NULL),
    READ("/api/v1/delegations"),
    READ("/api/v1/power"),
    READ("/api/v1/ledger"),
    READ("/api/v1/ledger.csv"),
    READ("/api/v1/rounds"),
    READ("/api/v1/rounds/r1"),
    UNKNOWN("GET", "/api/v1/rounds/r999", NULL),
    READ("/api/v1/commitments"),
    READ("/api/v1/circles/ops/checkin"),
    UNKNOWN("GET", "/api/v1/circles/nowhere/checkin", NULL),
    READ("/api/v1/notifications"),
};

static const struct row proposals[] = {
    {"POST",
     "/api/v1/proposals",
     "{\"circle\":\"ops\",\"kind\":\"agreement.adopt\",\"title\":\"T\","
     "\"data\":{\"text\":\"x\"}}",
     P_NONE,
     {401, 401, 403, 201, 201},
     0,
     NULL},
    {"POST",
     "/api/v1/proposals",
     "{\"circle\":\"ops\",\"kind\":\"choice\",\"title\":\"T\","
     "\"data\":{\"options\":[\"a\",\"b\"]}}",
     P_NONE,
     {401, 401, 403, 201, 201},
     0,
     NULL},
    {"POST",
     "/api/v1/proposals/{id}/positions",
     "{\"position\":\"consent\"}",
     P_PROPOSAL,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    {"POST",
     "/api/v1/proposals/{id}/positions",
     "{\"position\":\"yes\"}",
     P_VOTE,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    {"POST",
     "/api/v1/proposals/{id}/positions",
     "{\"position\":\"yes\"}",
     P_SECRET_VOTE,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    /* bob's objection: bob (OTHER) withdraws it, alice's consent leaves
     * it standing */
    {"POST",
     "/api/v1/proposals/{id}/positions",
     "{\"position\":\"consent\"}",
     P_BOB_OBJECTS,
     {401, 401, 403, 200, 200},
     0,
     objection_is_bobs},
    /* a position is the caller's own: naming a member is refused */
    {"POST",
     "/api/v1/proposals/{id}/positions",
     "{\"position\":\"consent\",\"member\":\"bob\"}",
     P_BOB_OBJECTS,
     {401, 401, 400, 400, 400},
     F_FORMER_AS_MEMBER,
     objection_is_bobs},
    UNKNOWN("POST", "/api/v1/proposals/p9999/positions",
            "{\"position\":\"consent\"}"),
    {"POST",
     "/api/v1/proposals/{id}/ballot",
     "{\"ranking\":[1]}",
     P_CHOICE,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/ballot", "{\"ranking\":[1]}"),
    /* alice's objection to her own proposal: bob is neither its author
     * nor the objector */
    {"POST",
     "/api/v1/proposals/{id}/integrations",
     "{\"objector\":\"alice\",\"suggestion\":\"say it another way\"}",
     P_OBJECTION,
     {401, 401, 403, 403, 200},
     0,
     NULL},
    /* bob's objection: he (OTHER) and the author may record attempts */
    {"POST",
     "/api/v1/proposals/{id}/integrations",
     "{\"objector\":\"bob\",\"suggestion\":\"say it another way\"}",
     P_BOB_OBJECTS,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/integrations",
            "{\"objector\":\"bob\",\"suggestion\":\"s\"}"),
    {"POST",
     "/api/v1/proposals/{id}/amend",
     "{\"title\":\"Better\"}",
     P_PROPOSAL,
     {401, 401, 403, 403, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/amend", "{\"title\":\"Better\"}"),
    {"POST",
     "/api/v1/proposals/{id}/withdraw",
     NULL,
     P_PROPOSAL,
     {401, 401, 403, 403, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/withdraw", NULL),
};

static const struct row roles[] = {
    {"POST",
     "/api/v1/proposals",
     "{\"circle\":\"ops\",\"kind\":\"role.elect\",\"title\":\"T\","
     "\"data\":{\"role\":\"{id}\"}}",
     P_ROLE,
     {401, 401, 403, 201, 201},
     0,
     NULL},
    {"POST",
     "/api/v1/proposals",
     "{\"circle\":\"ops\",\"kind\":\"role.draw\",\"title\":\"T\","
     "\"data\":{\"role\":\"{id}\"}}",
     P_ROLE,
     {401, 401, 403, 201, 201},
     0,
     NULL},
    /* every member of the circle names someone: their own nomination */
    {"POST",
     "/api/v1/proposals/{id}/nominations",
     "{\"nominee\":\"alice\",\"reason\":\"she knows it\"}",
     P_ELECTION,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/nominations",
            "{\"nominee\":\"alice\",\"reason\":\"r\"}"),
    {"POST",
     "/api/v1/proposals/{id}/positions",
     "{\"position\":\"consent\"}",
     P_ELECTION_CONSENT,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    /* another candidate: the author's amendment */
    {"POST",
     "/api/v1/proposals/{id}/amend",
     "{\"data\":{\"role\":\"{role}\",\"candidate\":\"bob\"}}",
     P_ELECTION_CONSENT,
     {401, 401, 403, 403, 200},
     0,
     NULL},
    {"POST",
     "/api/v1/proposals/{id}/withdraw",
     NULL,
     P_ELECTION,
     {401, 401, 403, 403, 200},
     0,
     NULL},
    {"POST",
     "/api/v1/proposals/{id}/volunteer",
     "{\"commitment\":\"" COMMITMENT "\"}",
     P_DRAW,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/volunteer",
            "{\"commitment\":\"" COMMITMENT "\"}"),
    {"POST",
     "/api/v1/proposals/{id}/pass",
     NULL,
     P_DRAW,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/pass", NULL),
    /* bob passed: he has no secret to reveal, alice's is hers */
    {"POST",
     "/api/v1/proposals/{id}/reveal",
     "{\"secret\":\"" SECRET "\"}",
     P_DRAW_REVEAL,
     {401, 401, 403, 409, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/proposals/p9999/reveal",
            "{\"secret\":\"" SECRET "\"}"),
    {"POST",
     "/api/v1/proposals/{id}/withdraw",
     NULL,
     P_DRAW,
     {401, 401, 403, 403, 200},
     0,
     NULL},
};

/* The order matters: bob has no delegation in ops until the last row. */
static const struct row delegations[] = {
    /* carol is outside ops; bob would entrust his vote to himself */
    {"POST",
     "/api/v1/delegations",
     "{\"circle\":\"ops\",\"to\":\"bob\"}",
     P_NONE,
     {401, 401, 403, 400, 201},
     0,
     NULL},
    /* one takes back one's own: carol and bob have none */
    {"DELETE",
     "/api/v1/delegations",
     "{\"circle\":\"ops\"}",
     P_DELEGATION,
     {401, 401, 404, 404, 200},
     0,
     NULL},
    /* and cannot name another's */
    {"DELETE",
     "/api/v1/delegations",
     "{\"circle\":\"ops\",\"from\":\"alice\"}",
     P_DELEGATION,
     {401, 401, 400, 400, 400},
     F_FORMER_AS_MEMBER,
     NULL},
    /* only the delegate refuses: bob gave it */
    {"POST",
     "/api/v1/delegations/refuse",
     "{\"circle\":\"ops\",\"from\":\"bob\"}",
     P_DELEGATION_TO_ALICE,
     {401, 401, 403, 403, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/delegations/refuse",
            "{\"circle\":\"ops\",\"from\":\"carol\"}"),
};

static const struct row money[] = {
    {"POST",
     "/api/v1/commitments",
     "{\"circle\":\"ops\",\"what\":\"W\",\"due\":\"2999-01-01\"}",
     P_NONE,
     {401, 401, 403, 201, 201},
     0,
     NULL},
    {"POST",
     "/api/v1/commitments",
     "{\"circle\":\"ops\",\"what\":\"W\",\"due\":\"2999-01-01\","
     "\"member\":\"alice\"}",
     P_NONE,
     {401, 401, 403, 403, 201},
     F_FORMER_AS_MEMBER,
     NULL},
    {"POST",
     "/api/v1/commitments/{id}/updates",
     "{\"status\":\"done\"}",
     P_COMMITMENT,
     {401, 401, 403, 403, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/commitments/c9999/updates",
            "{\"status\":\"done\"}"),
    {"POST",
     "/api/v1/rounds/r1/buckets",
     "{\"title\":\"B\",\"target\":100}",
     P_NONE,
     {401, 401, 403, 201, 201},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/rounds/r999/buckets",
            "{\"title\":\"B\",\"target\":100}"),
    /* from one's own share, to anyone's bucket */
    {"POST",
     "/api/v1/buckets/{id}/pledge",
     "{\"amount\":1}",
     P_BUCKET,
     {401, 401, 403, 200, 200},
     0,
     NULL},
    UNKNOWN("POST", "/api/v1/buckets/b9999/pledge", "{\"amount\":1}"),
    /* one's own settings, whoever one is */
    {"PUT",
     "/api/v1/notifications",
     "{\"events\":[\"proposal.opened\"]}",
     P_NONE,
     {401, 401, 200, 200, 200},
     0,
     settings_are_own},
    {"PUT",
     "/api/v1/notifications",
     "{\"events\":[],\"member\":\"alice\"}",
     P_NONE,
     {401, 401, 400, 400, 400},
     0,
     NULL},
};

/* The order matters: five failed logins for carol come last (a sixth
 * would be 429), and guests join only once nothing else is decided by
 * "all". */
static const struct row sessions[] = {
    /* the token sent plays no part */
    {"POST",
     "/api/v1/session",
     "{\"member\":\"alice\",\"password\":\"" PW_ALICE "\"}",
     P_NONE,
     {201, 201, 201, 201, 201},
     0,
     NULL},
    /* ends the caller's session only */
    {"DELETE",
     "/api/v1/session",
     NULL,
     P_NONE,
     {401, 401, 204, 204, 204},
     F_FRESH | F_FORMER_AS_MEMBER,
     NULL},
    {"DELETE",
     "/api/v1/session",
     "{\"member\":\"alice\"}",
     P_NONE,
     {401, 401, 400, 400, 400},
     F_FRESH | F_FORMER_AS_MEMBER,
     NULL},
    /* the code is the credential, whoever sends it */
    {"POST",
     "/api/v1/invites/accept",
     "{\"invite\":\"no-such-code\",\"password\":\"guest-password\"}",
     P_NONE,
     {404, 404, 404, 404, 404},
     0,
     NULL},
    {"POST",
     "/api/v1/invites/accept",
     "{\"invite\":\"{id}\",\"password\":\"guest-password\"}",
     P_INVITE,
     {200, 200, 200, 200, 200},
     0,
     guest_joined},
    {"POST",
     "/api/v1/session",
     "{\"member\":\"carol\",\"password\":\"wrong-password\"}",
     P_NONE,
     {401, 401, 401, 401, 401},
     0,
     NULL},
};

/* The web forms: a session cookie and its csrf value for the members;
 * without a session (no token, an expired one) the double-submit pair
 * the sign-in page hands out, so that the session is what is judged. */
#define FORM(path, body, prep, outsider, other, right)                         \
    {                                                                          \
        "POST", path, body, prep,                                              \
            {TO_LOGIN, TO_LOGIN, outsider, other, right}, 0, NULL              \
    }

static const struct row forms[] = {
    FORM("/proposals", "circle=ops&kind=agreement.adopt&title=T&text=x", P_NONE,
         403, 303, 303),
    FORM("/proposals/{id}/positions", "position=consent", P_PROPOSAL, 403, 303,
         303),
    FORM("/proposals/p9999/positions", "position=consent", P_NONE, 404, 404,
         404),
    FORM("/proposals/{id}/ballot", "opt-1=1", P_CHOICE, 403, 303, 303),
    FORM("/proposals/{id}/integrations",
         "objector=alice&suggestion=say+it+another+way", P_OBJECTION, 403, 403,
         303),
    FORM("/proposals/{id}/nominations", "nominee=alice&reason=she+knows+it",
         P_ELECTION, 403, 303, 303),
    FORM("/proposals/{id}/volunteer", "commitment=" COMMITMENT, P_DRAW, 403,
         303, 303),
    FORM("/proposals/{id}/pass", "", P_DRAW, 403, 303, 303),
    FORM("/proposals/{id}/reveal", "secret=" SECRET, P_DRAW_REVEAL, 403, 409,
         303),
    FORM("/proposals/{id}/amend", "title=Better&text=y", P_PROPOSAL, 403, 403,
         303),
    FORM("/proposals/{id}/withdraw", "", P_PROPOSAL, 403, 403, 303),
    FORM("/delegations", "circle=ops&to=bob", P_NONE, 403, 400, 303),
    FORM("/delegations/revoke", "circle=ops", P_DELEGATION, 404, 404, 303),
    FORM("/delegations/refuse", "circle=ops&from=bob", P_DELEGATION_TO_ALICE,
         403, 403, 303),
    FORM("/commitments", "circle=ops&what=W&due=2999-01-01", P_NONE, 403, 303,
         303),
    FORM("/commitments/{id}/updates", "status=done", P_COMMITMENT, 403, 403,
         303),
    FORM("/rounds/r1/buckets", "title=B&target=1", P_NONE, 403, 303, 303),
    FORM("/buckets/{id}/pledge", "amount=0.01", P_BUCKET, 403, 303, 303),
    /* the settings page again, saved */
    {"POST",
     "/notifications",
     "events=proposal.opened",
     P_NONE,
     {TO_LOGIN, TO_LOGIN, 200, 200, 200},
     0,
     settings_are_own},
    /* signs out the caller's session only */
    {"POST",
     "/logout",
     "",
     P_NONE,
     {TO_LOGIN, TO_LOGIN, OK_LOGIN, OK_LOGIN, OK_LOGIN},
     F_FRESH,
     NULL},
    /* the code is the credential, the session plays no part */
    {"POST",
     "/invite",
     "invite=no-such-code&password=guest-password",
     P_NONE,
     {404, 404, 404, 404, 404},
     0,
     NULL},
    {"POST",
     "/invite",
     "invite={id}&password=guest-password",
     P_INVITE,
     {OK_LOGIN, OK_LOGIN, OK_LOGIN, OK_LOGIN, OK_LOGIN},
     0,
     guest_joined},
    /* the last: five failed sign-ins for carol, whoever asks */
    {"POST",
     "/login",
     "member=carol&password=wrong-password",
     P_NONE,
     {401, 401, 401, 401, 401},
     0,
     NULL},
};

/* ---- running a table ---- */

/* A token of alice whose session has expired: its expiry set in the
 * past in the store, and the server restarted so it reads it from there
 * (the fixture's own token stays valid). */
static char *expired_token(struct org *o)
{
    char *token = t_login(&o->srv, "alice", PW_ALICE);
    char hash[AC_HEX_LEN + 1], *sql, *none;
    long changed = 0;
    cr_assert_not_null(token);
    cr_assert_eq(t_server_stop(&o->srv, SIGTERM), 0);
    ac_token_hash(hash, ac_str_c(token));
    sql =
        t_fmt("UPDATE sessions SET expires = 1 WHERE token_hash = '%s'", hash);
    none = t_sql(o->data, sql, &changed);
    cr_assert_not_null(none);
    cr_assert_eq(changed, 1);
    free(none);
    free(sql);
    cr_assert(t_server_start(&o->srv, o->data));
    return token;
}

/* The organisation every table runs against: ops (alice and bob) with a
 * budget, an open budgeting round r1, an agreement a1 and a role scribe;
 * in ops, circle.amend is decided by majority and agreement.retire by
 * secret majority. */
static void setup(struct ctx *x)
{
    struct org *o = &x->o;
    const char *all[4], *ops[3];
    org_up(o, true);
    all[0] = ops[0] = o->alice;
    all[1] = ops[1] = o->bob;
    all[2] = o->carol;
    all[3] = ops[2] = NULL;
    adopt_by(o, "all", "circle.create", "Ops",
             "{\"id\":\"ops\",\"name\":\"Ops\",\"purpose\":\"x\","
             "\"members\":[\"alice\",\"bob\"]}",
             all);
    adopt_by(o, "all", "income", "Fees",
             "{\"amount\":100000,\"source\":\"fees\"}", all);
    adopt_by(o, "all", "budget.allocate", "For ops",
             "{\"circle\":\"ops\",\"amount\":50000}", all);
    adopt_by(o, "ops", "budget.round", "Round", "{\"pot\":20000,\"days\":30}",
             ops);
    adopt_by(o, "ops", "agreement.adopt", "Tidy", "{\"text\":\"We tidy.\"}",
             ops);
    adopt_by(o, "ops", "role.create", "Scribe",
             "{\"id\":\"scribe\",\"name\":\"Scribe\",\"purpose\":\"notes\","
             "\"accountabilities\":[\"minutes\"],\"term_days\":30}",
             ops);
    adopt_by(o, "all", "charter.amend", "How ops decides",
             "{\"set\":{\"decision.circle.amend@ops\":\"majority\","
             "\"decision.agreement.retire@ops\":\"majority/secret\"}}",
             all);
    x->expired = expired_token(o);
    x->tokens[NONE] = NULL;
    x->tokens[EXPIRED] = x->expired;
    x->tokens[OUTSIDER] = o->carol;
    x->tokens[OTHER] = o->bob;
    x->tokens[RIGHT] = o->alice;
    x->only = -1;
}

static void teardown(struct ctx *x)
{
    free(x->former);
    for (size_t i = 0; i < x->spare_count; i++) {
        free(x->spare[i]);
    }
    free(x->expired);
    free(x->admitted);
    for (size_t i = 0; i < x->pool_count; i++) {
        free(x->pool[i]);
    }
    /* a clean exit: no sanitizer report in the server either */
    cr_assert_eq(t_server_stop(&x->o.srv, SIGTERM), 0);
    org_down(&x->o);
}

/* s with "{id}" and "{role}" replaced; malloc'd, NULL for NULL. */
static char *fill(const char *s, const char *id, const char *role)
{
    char *out, *at;
    if (!s) {
        return NULL;
    }
    out = strdup(s);
    while ((at = strstr(out, "{id}")) || (at = strstr(out, "{role}"))) {
        bool is_id = strncmp(at, "{id}", 4) == 0;
        char *next = t_fmt("%.*s%s%s", (int)(at - out), out,
                           is_id ? (id ? id : "") : role, at + (is_id ? 4 : 6));
        free(out);
        out = next;
    }
    return out;
}

static const char *const members[] = {"carol", "bob", "alice"};
static const char *const passwords[] = {PW_CAROL, PW_BOB, PW_ALICE};

#define DOUBLE_SUBMIT "a-double-submit-value-of-the-sign-in-page"

/* Posts a form as a browser would (see forms[]); the status, and where a
 * redirect goes in *location (malloc'd, or NULL). */
static long form_post(const struct org *o, const char *path, const char *token,
                      bool session, const char *form, char **location)
{
    CURL *c = curl_easy_init();
    char *url = t_fmt("%s%s", o->srv.base, path);
    char csrf[AC_HEX_LEN + 1];
    char *cookie, *body;
    struct curl_slist *h = NULL;
    struct hdr_sink sink = {"Location", NULL};
    long status = 0;

    if (session) {
        char *text = t_fmt("csrf:%s", token);
        uint8_t d[AC_HASH_LEN];
        ac_sha256(d, text, strlen(text));
        ac_hex_encode(csrf, d, AC_HASH_LEN);
        free(text);
        cookie = t_fmt("Cookie: accord_session=%s", token);
    } else {
        snprintf(csrf, sizeof csrf, "%s", DOUBLE_SUBMIT);
        cookie = token ? t_fmt("Cookie: accord_session=%s; accord_csrf=%s",
                               token, DOUBLE_SUBMIT)
                       : t_fmt("Cookie: accord_csrf=%s", DOUBLE_SUBMIT);
    }
    body = t_fmt("csrf=%s%s%s", csrf, *form ? "&" : "", form);
    h = curl_slist_append(h, cookie);
    h = curl_slist_append(h, "Content-Type: application/x-www-form-urlencoded");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(body);
    free(cookie);
    free(url);
    *location = sink.value;
    return status;
}

/* Whether a token opens the API. */
static bool works(const struct org *o, const char *token)
{
    struct t_resp r = t_http(&o->srv, "GET", "/api/v1/org", token, NULL);
    bool ok = r.status == 200;
    cr_assert(r.status == 200 || r.status == 401, "GET /api/v1/org: %ld",
              r.status);
    t_resp_free(&r);
    return ok;
}

static void run(struct ctx *x, const struct row *rows, size_t count, bool web)
{
    x->rows = rows;
    x->row_count = count;
    for (size_t i = 0; i < count; i++) {
        const struct row *w = &rows[i];
        for (int k = 0; k < WHO_COUNT; k++) {
            char *id;
            char *path, *body, *fresh = NULL, *location = NULL;
            const char *token = x->tokens[k];
            long long before;
            struct t_resp r = {0};
            bool refused, done;
            int want = w->want[k];
            bool former = x->former && k == EXPIRED;
            const char *who = former ? "dave (removed)" : who_names[k];

            if (x->only >= 0 && k != x->only) {
                continue;
            }
            if (former && (w->flags & F_FORMER_AS_MEMBER)) {
                want = w->want[OTHER];
            }
            if (former && (w->flags & F_FRESH)) {
                cr_assert(x->spare_next < x->spare_count);
                token = x->spare[x->spare_next++];
            }
            id = make(x, w->prep);
            path = fill(w->path, id, x->role);
            body = fill(w->body, id, x->role);
            before = head_seq(&x->o);

            if ((w->flags & F_FRESH) && k >= OUTSIDER) {
                fresh = t_login(&x->o.srv, members[k - OUTSIDER],
                                passwords[k - OUTSIDER]);
                cr_assert_not_null(fresh);
                token = fresh;
            }
            if (web) {
                r.status = form_post(&x->o, path, token, k >= OUTSIDER,
                                     body ? body : "", &location);
            } else {
                r = t_http(&x->o.srv, w->method, path, token, body);
            }
            if (want == TO_LOGIN || want == OK_LOGIN) {
                cr_assert(r.status == 303 && location &&
                              strcmp(location, "/login") == 0,
                          "%s %s as %s: %ld to %s, not 303 to /login",
                          w->method, path, who, r.status,
                          location ? location : "nowhere");
            } else {
                cr_assert_eq(r.status, want, "%s %s as %s: %ld, not %d: %s",
                             w->method, path, who, r.status, want,
                             r.body ? r.body : (location ? location : ""));
            }
            if (want == 303) {
                cr_assert(location && strcmp(location, "/login") != 0,
                          "%s %s as %s: to %s", w->method, path, who,
                          location ? location : "nowhere");
            }
            refused = r.status >= 400 || want == TO_LOGIN;
            done = !refused;
            if (refused) {
                cr_assert_eq(member_events_since(&x->o, before), 0,
                             "%s %s as %s appended after refusing", w->method,
                             path, who);
            }
            if (w->flags & F_FRESH) {
                if (fresh) {
                    cr_assert_eq(works(&x->o, fresh), !done,
                                 "%s %s as %s: the session %s", w->method, path,
                                 who, done ? "still works" : "ended");
                }
                cr_assert(works(&x->o, x->o.alice) && works(&x->o, x->o.bob) &&
                              works(&x->o, x->o.carol),
                          "%s %s as %s ended another session", w->method, path,
                          who);
            }
            if (w->check) {
                struct call c = {(enum who)k, id, r.status, r.json};
                w->check(x, &c);
            }
            t_resp_free(&r);
            free(location);
            free(fresh);
            free(body);
            free(path);
            free(id);
        }
    }
}

/* The context of a Test: on the heap, where org_cleanup still finds it
 * after an assertion has left the Test's frame. */
static struct ctx *ctx_new(void)
{
    struct ctx *x = calloc(1, sizeof *x);
    cr_assert_not_null(x);
    setup(x);
    return x;
}

#define RUN(table, web)                                                        \
    do {                                                                       \
        struct ctx *x = ctx_new();                                             \
        run(x, table, sizeof table / sizeof table[0], web);                    \
        teardown(x);                                                           \
        free(x);                                                               \
    } while (0)

Test(authz, reads, .fini = org_cleanup, .timeout = 120)
{
    RUN(reads, false);
}

Test(authz, proposals, .fini = org_cleanup, .timeout = 120)
{
    RUN(proposals, false);
}

Test(authz, roles_elections_and_draws, .fini = org_cleanup, .timeout = 120)
{
    RUN(roles, false);
}

Test(authz, delegations, .fini = org_cleanup, .timeout = 120)
{
    RUN(delegations, false);
}

Test(authz, money_commitments_and_settings, .fini = org_cleanup, .timeout = 120)
{
    RUN(money, false);
}

Test(authz, sessions_and_invites, .fini = org_cleanup, .timeout = 120)
{
    RUN(sessions, false);
}

Test(authz, web_forms, .fini = org_cleanup, .timeout = 120)
{
    RUN(forms, true);
}

/* dave joins, logs in (more than once) and is removed; his token. */
static char *former_member(struct ctx *x)
{
    const char *all[] = {x->o.alice, x->o.bob, x->o.carol, NULL, NULL};
    char *p = propose(&x->o, x->o.alice, "all", "member.admit", "Admit Dave",
                      "{\"id\":\"dave\",\"name\":\"Dave\"}");
    char *token, *st = NULL;
    json_t *j;
    for (size_t i = 0; all[i]; i++) {
        free(st);
        st = position(&x->o, all[i], p, "consent", NULL);
    }
    cr_assert_str_eq(st, "adopted");
    free(st);
    token = take_invite(&x->o, x->o.alice, p, "dave", "dave-password", NULL);
    free(p);
    while (x->spare_count < sizeof x->spare / sizeof x->spare[0]) {
        x->spare[x->spare_count] = t_login(&x->o.srv, "dave", "dave-password");
        cr_assert_not_null(x->spare[x->spare_count]);
        x->spare_count++;
    }
    all[3] = token;
    adopt_by(&x->o, "all", "member.remove", "Dave leaves",
             "{\"member\":\"dave\",\"reason\":\"he moved away\"}", all);
    j = must(&x->o, x->o.alice, "GET", "/api/v1/members", 200, NULL);
    cr_assert_str_eq(jstr(json_array_get(j, 3), "id"), "dave");
    cr_assert_str_neq(jstr(json_array_get(j, 3), "status"), "active");
    json_decref(j);
    return token;
}

/* A member who was removed holds a token that opens nothing: every row
 * again, with it in the expired token's place, is answered as that. */
Test(authz, a_removed_members_token_is_no_token, .fini = org_cleanup,
     .timeout = 120)
{
    static const struct {
        const struct row *rows;
        size_t count;
        bool web;
    } tables[] = {
#define TABLE(t, web) {t, sizeof t / sizeof t[0], web}
        TABLE(reads, false), TABLE(proposals, false),
        TABLE(roles, false), TABLE(delegations, false),
        TABLE(money, false), TABLE(sessions, false),
        TABLE(forms, true),
#undef TABLE
    };
    struct ctx *x = ctx_new();
    x->former = former_member(x);
    x->tokens[EXPIRED] = x->former;
    x->only = EXPIRED;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        fill_pool(x, tables[i].rows, tables[i].count);
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        run(x, tables[i].rows, tables[i].count, tables[i].web);
    }
    teardown(x);
    free(x);
}
