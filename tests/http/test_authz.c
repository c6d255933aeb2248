/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The authorisation matrix: the routes of the API in the table below
 * (the reads, and the writes on proposals, commitments, budgeting rounds
 * and notification settings) against five callers, from one table. The callers:
 * no token, an expired token, a member outside the circle concerned (carol; ops
 * is alice and bob), another member of the circle than the one the resource
 * belongs to (bob), and that member (alice). Reads are open to every member
 * (the open record); a write is refused to anyone it does not belong to. A
 * refused write appends nothing. */
#include <sqlite3.h>

#include "fixture.h"

enum who { NONE, EXPIRED, OUTSIDER, OTHER, RIGHT, WHO_COUNT };

static const char *const who_names[WHO_COUNT] = {
    "no token", "expired token", "carol (outside ops)", "bob (not the owner)",
    "alice (the owner)"};

/* What a row needs made fresh, by alice, before each call. */
enum prep {
    P_NONE,
    P_PROPOSAL,   /* an open proposal in ops: {id} */
    P_COMMITMENT, /* a commitment of alice to ops: {id} */
    P_BUCKET,     /* a bucket of alice in round r1 of ops: {id} */
};

struct row {
    const char *method;
    const char *path; /* "{id}" stands for what prep made */
    const char *body; /* NULL for none */
    enum prep prep;
    int want[WHO_COUNT];
};

#define READ(path)                                                             \
    {                                                                          \
        "GET", path, NULL, P_NONE,                                             \
        {                                                                      \
            401, 401, 200, 200, 200                                            \
        }                                                                      \
    }

static const struct row rows[] = {
    READ("/api/v1/org"),
    READ("/api/v1/members"),
    READ("/api/v1/circles"),
    READ("/api/v1/proposals"),
    {"GET",
     "/api/v1/proposals/{id}",
     NULL,
     P_PROPOSAL,
     {401, 401, 200, 200, 200}},
    READ("/api/v1/agreements"),
    READ("/api/v1/events"),
    READ("/api/v1/roles"),
    READ("/api/v1/delegations"),
    READ("/api/v1/power"),
    READ("/api/v1/ledger"),
    READ("/api/v1/ledger.csv"),
    READ("/api/v1/rounds"),
    READ("/api/v1/rounds/r1"),
    READ("/api/v1/commitments"),
    READ("/api/v1/circles/ops/checkin"),
    READ("/api/v1/notifications"),
    {"POST",
     "/api/v1/proposals",
     "{\"circle\":\"ops\",\"kind\":\"agreement.adopt\",\"title\":\"T\","
     "\"data\":{\"text\":\"x\"}}",
     P_NONE,
     {401, 401, 403, 201, 201}},
    {"POST",
     "/api/v1/proposals/{id}/positions",
     "{\"position\":\"consent\"}",
     P_PROPOSAL,
     {401, 401, 403, 200, 200}},
    {"POST",
     "/api/v1/proposals/{id}/amend",
     "{\"title\":\"Better\"}",
     P_PROPOSAL,
     {401, 401, 403, 403, 200}},
    {"POST",
     "/api/v1/proposals/{id}/withdraw",
     NULL,
     P_PROPOSAL,
     {401, 401, 403, 403, 200}},
    {"POST",
     "/api/v1/commitments",
     "{\"circle\":\"ops\",\"what\":\"W\",\"due\":\"2999-01-01\"}",
     P_NONE,
     {401, 401, 403, 201, 201}},
    {"POST",
     "/api/v1/commitments",
     "{\"circle\":\"ops\",\"what\":\"W\",\"due\":\"2999-01-01\","
     "\"member\":\"alice\"}",
     P_NONE,
     {401, 401, 403, 403, 201}},
    {"POST",
     "/api/v1/commitments/{id}/updates",
     "{\"status\":\"done\"}",
     P_COMMITMENT,
     {401, 401, 403, 403, 200}},
    {"POST",
     "/api/v1/rounds/r1/buckets",
     "{\"title\":\"B\",\"target\":100}",
     P_NONE,
     {401, 401, 403, 201, 201}},
    {"POST",
     "/api/v1/buckets/{id}/pledge",
     "{\"amount\":1}",
     P_BUCKET,
     {401, 401, 403, 200, 200}},
    {"PUT",
     "/api/v1/notifications",
     "{\"events\":[]}",
     P_NONE,
     {401, 401, 200, 200, 200}},
};

/* Makes what a row needs; the id, malloc'd, or NULL. */
static char *make(struct org *o, enum prep p)
{
    struct t_resp r;
    char *id;
    switch (p) {
    case P_PROPOSAL:
        return propose(o, o->alice, "ops", "agreement.adopt", "Open",
                       "{\"text\":\"An open question.\"}");
    case P_COMMITMENT:
        r = req(o, "POST", "/api/v1/commitments", o->alice,
                "{\"circle\":\"ops\",\"what\":\"W\",\"due\":\"2999-01-01\"}");
        expect_status(r, 201);
        id = strdup(jstr(r.json, "id"));
        t_resp_free(&r);
        return id;
    case P_BUCKET:
        r = req(o, "POST", "/api/v1/rounds/r1/buckets", o->alice,
                "{\"title\":\"B\",\"target\":100}");
        expect_status(r, 201);
        {
            const json_t *b = json_object_get(r.json, "buckets");
            id = strdup(jstr(json_array_get(b, json_array_size(b) - 1), "id"));
        }
        t_resp_free(&r);
        return id;
    case P_NONE:
        break;
    }
    return NULL;
}

/* A token of alice whose session has expired: its expiry set in the
 * past in the store, and the server restarted so it reads it from there
 * (the fixture's own token stays valid). */
static char *expired_token(struct org *o)
{
    char *path = t_fmt("%s/accord.db", o->data);
    char *token = t_login(&o->srv, "alice", PW_ALICE);
    sqlite3 *db = NULL;
    cr_assert_not_null(token);
    cr_assert_eq(t_server_stop(&o->srv, SIGTERM), 0);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    /* every session but the fixture's: the newest is this one */
    cr_assert_eq(sqlite3_exec(db,
                              "UPDATE sessions SET expires = 1 WHERE rowid = "
                              "(SELECT MAX(rowid) FROM sessions)",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_changes(db), 1);
    sqlite3_close(db);
    free(path);
    cr_assert(t_server_start(&o->srv, o->data));
    return token;
}

Test(authz, every_route_against_every_caller, .fini = org_cleanup,
     .timeout = 300)
{
    struct org o;
    char *expired;
    const char *tokens[WHO_COUNT];
    org_up(&o, true);
    {
        const char *who[] = {o.alice, o.bob, o.carol, NULL};
        const char *ops[] = {o.alice, o.bob, NULL};
        adopt_by(&o, "all", "circle.create", "Ops",
                 "{\"id\":\"ops\",\"name\":\"Ops\",\"purpose\":\"x\","
                 "\"members\":[\"alice\",\"bob\"]}",
                 who);
        adopt_by(&o, "all", "income", "Fees",
                 "{\"amount\":100000,\"source\":\"fees\"}", who);
        adopt_by(&o, "all", "budget.allocate", "For ops",
                 "{\"circle\":\"ops\",\"amount\":50000}", who);
        adopt_by(&o, "ops", "budget.round", "Round",
                 "{\"pot\":20000,\"days\":30}", ops);
    }
    expired = expired_token(&o);
    tokens[NONE] = NULL;
    tokens[EXPIRED] = expired;
    tokens[OUTSIDER] = o.carol;
    tokens[OTHER] = o.bob;
    tokens[RIGHT] = o.alice;

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *w = &rows[i];
        for (int k = 0; k < WHO_COUNT; k++) {
            char *id = make(&o, w->prep), *path;
            const char *at = strstr(w->path, "{id}");
            long long before = head_seq(&o);
            struct t_resp r;
            path =
                at ? t_fmt("%.*s%s%s", (int)(at - w->path), w->path, id, at + 4)
                   : strdup(w->path);
            r = t_http(&o.srv, w->method, path, tokens[k], w->body);
            cr_assert_eq(r.status, w->want[k], "%s %s as %s: %ld, not %d: %s",
                         w->method, path, who_names[k], r.status, w->want[k],
                         r.body ? r.body : "");
            if (r.status >= 400) {
                cr_assert_eq(head_seq(&o), before,
                             "%s %s as %s appended after refusing", w->method,
                             path, who_names[k]);
            }
            t_resp_free(&r);
            free(path);
            free(id);
        }
    }
    free(expired);
    org_down(&o);
}
