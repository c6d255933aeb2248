/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Roles over HTTP: terms that ended and election phases that fell due
 * while the server was down are carried out by the actor "system" when
 * it starts; nominations and the consent round through the API; the
 * roles list. The earlier part of the log is written with the core at
 * chosen past times. */
#include "fixture.h"

#include <time.h>

#include "base/json.h"
#include "base/secret.h"
#include "base/time.h"
#include "core/exec.h"
#include "store/log.h"
#include "store/store.h"

struct past {
    struct ac_arena a;
    struct ac_state s;
    struct ac_store *st;
};

static void run_at(struct past *p, struct ac_cmd *cmd, int64_t at)
{
    struct ac_batch b = {0};
    struct ac_err e = {0};
    cmd->actor = cmd->type == AC_CMD_TICK ? AC_STR("system") : AC_STR("alice");
    cr_assert_eq(ac_exec(&p->s, cmd, at, &p->a, &b, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_commit(p->st, &b, NULL, &e), AC_OK, "%s", e.msg);
}

static void propose_at(struct past *p, const char *kind, const char *json,
                       int64_t at)
{
    struct ac_cmd cmd = {.type = AC_CMD_PROPOSE};
    struct ac_err e = {0};
    cmd.circle = AC_STR("all");
    cmd.kind = ac_str_c(kind);
    cmd.title = AC_STR("Roles");
    cr_assert_eq(ac_json_parse(ac_str_c(json), &p->a, &cmd.data, &e), AC_OK);
    run_at(p, &cmd, at);
}

static void nominate_at(struct past *p, const char *id, int64_t at)
{
    struct ac_cmd cmd = {.type = AC_CMD_NOMINATE};
    cmd.proposal = ac_str_c(id);
    cmd.nominee = AC_STR("alice");
    cmd.reason = AC_STR("there is nobody else");
    run_at(p, &cmd, at);
}

static void consent_at(struct past *p, const char *id, int64_t at)
{
    struct ac_cmd cmd = {.type = AC_CMD_POSITION};
    cmd.proposal = ac_str_c(id);
    cmd.position = AC_STR("consent");
    run_at(p, &cmd, at);
}

/* alice alone: the role keeper (1-day terms) held by her from an
 * election ten days ago (p2), and the role host whose election (p4) is
 * past its change round. */
static void build_log(const char *data, int64_t now)
{
    struct past p;
    struct ac_batch b = {0};
    struct ac_store_append extra = {0};
    struct ac_store_password pw;
    struct ac_err e = {0};
    struct ac_cmd tick = {.type = AC_CMD_TICK};
    char phc[AC_PHC_MAX];
    int64_t t0 = now - 10 * AC_MS_PER_DAY;

    cr_assert(ac_secret_init());
    ac_arena_init(&p.a, 0);
    ac_state_init(&p.s, &p.a);
    cr_assert_eq(t_store_open(data, true, &p.st, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_exec_found(&p.s, AC_STR("Rota"), AC_STR("alice"),
                               AC_STR("Alice"), t0 - 60000, &p.a, &b, &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_password_hash(ac_str_c(PW_ALICE), phc, &e), AC_OK);
    pw.member = AC_STR("alice");
    pw.phc = ac_str_c(phc);
    extra.passwords = &pw;
    extra.password_count = 1;
    cr_assert_eq(ac_log_commit(p.st, &b, &extra, &e), AC_OK, "%s", e.msg);

    propose_at(&p, "role.create",
               "{\"id\":\"keeper\",\"name\":\"Keeper\",\"purpose\":\"Keys\","
               "\"accountabilities\":[\"keys\"],\"term_days\":1}",
               t0);
    consent_at(&p, "p1", t0 + 1000);
    propose_at(&p, "role.elect", "{\"role\":\"keeper\"}", t0 + 2000);
    nominate_at(&p, "p2", t0 + 3000); /* alone: the change round begins */
    run_at(&p, &tick, t0 + 73 * AC_MS_PER_HOUR);
    consent_at(&p, "p2", t0 + 74 * AC_MS_PER_HOUR);
    cr_assert_eq(ac_state_role(&p.s, AC_STR("keeper"))->holder.len, 5);
    /* the term ends 1 day after p2's adoption: while the server is down */

    propose_at(&p, "role.create",
               "{\"id\":\"host\",\"name\":\"Host\",\"purpose\":\"Guests\","
               "\"accountabilities\":[],\"term_days\":30}",
               t0 + 75 * AC_MS_PER_HOUR);
    consent_at(&p, "p3", t0 + 75 * AC_MS_PER_HOUR + 1000);
    propose_at(&p, "role.elect", "{\"role\":\"host\"}",
               t0 + 76 * AC_MS_PER_HOUR);
    nominate_at(&p, "p4", t0 + 76 * AC_MS_PER_HOUR + 1000);
    ac_store_close(p.st);
    ac_arena_release(&p.a);
}

static json_t *get(struct org *o, const char *path)
{
    struct t_resp r = t_http(&o->srv, "GET", path, o->alice, NULL);
    json_t *j;
    expect_status(r, 200);
    j = json_incref(r.json);
    t_resp_free(&r);
    return j;
}

Test(roles, terms_and_phases_fall_due_while_down, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    json_t *role, *p4, *roles;
    int64_t now = wall_ms();

    memset(&o, 0, sizeof o);
    fixture_current = &o;
    o.root = t_tmpdir();
    o.data = t_fmt("%s/org", o.root);
    build_log(o.data, now);
    cr_assert(t_server_start(&o.srv, o.data));
    o.alice = t_login(&o.srv, "alice", PW_ALICE);
    cr_assert_not_null(o.alice);

    /* the server ended the keeper's term and proposed alice as host */
    role = get(&o, "/api/v1/roles/keeper");
    cr_assert(json_is_null(json_object_get(role, "holder")), "vacant");
    cr_assert(json_is_true(json_object_get(
        json_array_get(json_object_get(role, "terms"), 0), "ended")));
    json_decref(role);
    p4 = get(&o, "/api/v1/proposals/p4");
    cr_assert_str_eq(jstr(p4, "phase"), "consent");
    cr_assert_str_eq(jstr(p4, "candidate"), "alice");
    cr_assert_eq(jint(p4, "round"), 2);
    json_decref(p4);
    {
        struct t_resp ev =
            t_http(&o.srv, "GET", "/api/v1/events?after=16", o.alice, NULL);
        json_t *list = json_object_get(ev.json, "events");
        bool ended = false, proposed = false;
        for (size_t i = 0; i < json_array_size(list); i++) {
            json_t *e = json_array_get(list, i);
            ended = ended || strcmp(jstr(e, "type"), "role.term_ended") == 0;
            proposed =
                proposed || strcmp(jstr(e, "type"), "election.proposed") == 0;
            cr_assert_str_eq(jstr(e, "actor"), "system");
        }
        cr_assert(ended && proposed, "%s", ev.body);
        t_resp_free(&ev);
    }

    r = req(&o, "POST", "/api/v1/proposals/p4/nominations", o.alice,
            "{\"nominee\":\"alice\",\"reason\":\"again\"}");
    expect_status(r, 409);
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/proposals/p4/positions", o.alice,
            "{\"position\":\"consent\"}");
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "adopted");
    t_resp_free(&r);

    roles = get(&o, "/api/v1/roles");
    cr_assert_eq(json_array_size(roles), 2);
    role = json_array_get(roles, 1);
    cr_assert_str_eq(jstr(role, "id"), "host");
    cr_assert_str_eq(jstr(role, "holder"), "alice");
    cr_assert(json_is_string(json_object_get(role, "term_end")));
    json_decref(roles);

    /* a new election over the API: nominations are checked */
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"role.elect\",\"title\":\"Keeper "
            "again\",\"data\":{\"role\":\"keeper\"}}");
    expect_status(r, 201);
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/proposals/p5/nominations", o.alice,
            "{\"nominee\":\"zed\",\"reason\":\"x\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/nominee");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/proposals/p5/nominations", o.alice,
            "{\"nominee\":\"alice\",\"reason\":\"\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/reason");
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/proposals/p5/nominations", o.alice,
            "{\"nominee\":\"alice\",\"reason\":\"I know the keys\"}");
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "phase"), "change");
    cr_assert_str_eq(
        jstr(json_array_get(json_object_get(r.json, "positions"), 0),
             "nominee"),
        "alice");
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/roles/boss", o.alice, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    org_down(&o);
}
