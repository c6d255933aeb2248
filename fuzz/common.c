/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* What the fuzz bodies share: failing loudly, the API's body decoders,
 * the organisation command sequences start from, and rendering a state
 * through every encoder. The decoders follow src/http/routes.c member
 * for member: its handlers are bound to a live connection, so the same
 * calls are made here on the body alone (the http target reaches the
 * handlers themselves). */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/time.h"
#include "core/choice.h"
#include "core/power.h"
#include "http/http_int.h"
#include "http/power_view.h"

void ac_fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("fuzz: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}

/* ---- the body decoders ---- */

static const char *const f_propose[] = {"circle", "kind", "title", "data",
                                        NULL};
static const char *const f_position[] = {"position", "reason", "criterion",
                                         NULL};
static const char *const f_ballot[] = {"ranking", "approve", "scores", NULL};
static const char *const f_integrate[] = {"objector", "suggestion", NULL};
static const char *const f_nominate[] = {"nominee", "reason", NULL};
static const char *const f_volunteer[] = {"commitment", NULL};
static const char *const f_none[] = {NULL};
static const char *const f_reveal[] = {"secret", NULL};
static const char *const f_delegate[] = {"circle", "kind", "to", NULL};
static const char *const f_revoke[] = {"circle", "kind", NULL};
static const char *const f_refuse[] = {"circle", "kind", "from", NULL};
static const char *const f_amend[] = {"title", "data", NULL};
static const char *const f_bucket[] = {"title", "description", "target", NULL};
static const char *const f_pledge[] = {"amount", NULL};
static const char *const f_commit[] = {"circle", "what", "due", "member", NULL};
static const char *const f_update[] = {"status", "note", NULL};

const struct ac_fuzz_route ac_fuzz_routes[] = {
    {"propose", AC_CMD_PROPOSE, f_propose},
    {"position", AC_CMD_POSITION, f_position},
    {"ballot", AC_CMD_BALLOT, f_ballot},
    {"integrate", AC_CMD_INTEGRATE, f_integrate},
    {"nominate", AC_CMD_NOMINATE, f_nominate},
    {"volunteer", AC_CMD_VOLUNTEER, f_volunteer},
    {"pass", AC_CMD_PASS, f_none},
    {"reveal", AC_CMD_REVEAL, f_reveal},
    {"delegate", AC_CMD_DELEGATE, f_delegate},
    {"revoke", AC_CMD_REVOKE, f_revoke},
    {"refuse", AC_CMD_REFUSE, f_refuse},
    {"amend", AC_CMD_AMEND, f_amend},
    {"withdraw", AC_CMD_WITHDRAW, f_none},
    {"bucket", AC_CMD_BUCKET, f_bucket},
    {"pledge", AC_CMD_PLEDGE, f_pledge},
    {"commit", AC_CMD_COMMIT, f_commit},
    {"update", AC_CMD_UPDATE, f_update},
};

const size_t ac_fuzz_route_count =
    sizeof ac_fuzz_routes / sizeof ac_fuzz_routes[0];

/* The members of a decoded body, as each handler reads them. */
static enum ac_status members(enum ac_cmd_type type, const json_t *j,
                              struct ac_arena *a, struct ac_cmd *c,
                              struct ac_err *err)
{
    enum ac_status st = AC_OK;
    struct ac_str member = {NULL, 0};

    switch (type) {
    case AC_CMD_PROPOSE:
        st = ac_api_get_str(j, "circle", false, 0, a, &c->circle, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "kind", false, 0, a, &c->kind, err);
        }
        if (st == AC_OK) {
            st = ac_api_get_str(j, "title", false, 0, a, &c->title, err);
        }
        if (st == AC_OK) {
            st = ac_api_get_obj(j, "data", false, a, &c->data, err);
        }
        break;
    case AC_CMD_POSITION:
        st = ac_api_get_str(j, "position", false, 0, a, &c->position, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "reason", true, 0, a, &c->reason, err);
        }
        if (st == AC_OK) {
            st = ac_api_get_str(j, "criterion", true, 0, a, &c->criterion, err);
        }
        break;
    case AC_CMD_BALLOT:
        st = ac_json_to_val(j, "", a, &c->data, err);
        if (st == AC_ENOMEM) {
            st = ac_err_set(err, AC_ELIMIT,
                            "the request is too large to process");
        }
        break;
    case AC_CMD_INTEGRATE:
        st = ac_api_get_str(j, "objector", false, 0, a, &c->objector, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "suggestion", false, 0, a, &c->suggestion,
                                err);
        }
        break;
    case AC_CMD_NOMINATE:
        st = ac_api_get_str(j, "nominee", false, 0, a, &c->nominee, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "reason", false, 0, a, &c->reason, err);
        }
        break;
    case AC_CMD_VOLUNTEER:
        st = ac_api_get_str(j, "commitment", false, 0, a, &c->secret, err);
        break;
    case AC_CMD_REVEAL:
        st = ac_api_get_str(j, "secret", false, 0, a, &c->secret, err);
        break;
    case AC_CMD_DELEGATE:
    case AC_CMD_REVOKE:
    case AC_CMD_REFUSE:
        st = ac_api_get_str(j, "circle", false, 0, a, &c->circle, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "kind", true, 0, a, &c->kind, err);
        }
        if (st == AC_OK && type != AC_CMD_REVOKE) {
            st = ac_api_get_str(j, type == AC_CMD_DELEGATE ? "to" : "from",
                                false, 0, a, &c->other, err);
        }
        if (!c->kind.ptr) {
            c->kind = AC_STR("");
        }
        break;
    case AC_CMD_AMEND:
        st = ac_api_get_str(j, "title", true, 0, a, &c->title, err);
        if (st == AC_OK) {
            st = ac_api_get_obj(j, "data", true, a, &c->data, err);
        }
        break;
    case AC_CMD_BUCKET:
        st = ac_api_get_str(j, "title", false, 0, a, &c->title, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "description", true, 0, a, &c->reason, err);
            c->reason = c->reason.ptr ? c->reason : AC_STR("");
        }
        if (st == AC_OK) {
            st = ac_api_get_int(j, "target", &c->amount, err);
        }
        break;
    case AC_CMD_PLEDGE:
        st = ac_api_get_int(j, "amount", &c->amount, err);
        break;
    case AC_CMD_COMMIT:
        st = ac_api_get_str(j, "circle", false, 0, a, &c->circle, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "what", false, 0, a, &c->title, err);
        }
        if (st == AC_OK) {
            st = ac_api_get_str(j, "due", false, 0, a, &c->due, err);
        }
        if (st == AC_OK) {
            st = ac_api_get_str(j, "member", true, 0, a, &member, err);
        }
        if (st == AC_OK && member.ptr && !ac_str_eq(member, c->actor)) {
            st = ac_err_at(err, "/member", AC_EDENIED,
                           "a commitment is made by the member who makes it");
        }
        break;
    case AC_CMD_UPDATE:
        st = ac_api_get_str(j, "status", false, 0, a, &c->status, err);
        if (st == AC_OK) {
            st = ac_api_get_str(j, "note", true, 0, a, &c->reason, err);
            c->reason = c->reason.ptr ? c->reason : AC_STR("");
        }
        break;
    default:
        break;
    }
    return st;
}

enum ac_status ac_fuzz_decode(size_t route, struct ac_str body,
                              struct ac_arena *a, struct ac_cmd *c,
                              struct ac_err *err)
{
    const struct ac_fuzz_route *rt = &ac_fuzz_routes[route];
    /* the routes whose body may be empty: pass and withdraw */
    bool empty_ok = rt->fields[0] == NULL;
    json_t *j = NULL;
    enum ac_status st;

    c->type = rt->type;
    /* ac_route_job_init: the {id} is the proposal of every command */
    switch (rt->type) {
    case AC_CMD_BUCKET:
        c->round = c->proposal;
        break;
    case AC_CMD_PLEDGE:
        c->bucket = c->proposal;
        break;
    case AC_CMD_UPDATE:
        c->commitment = c->proposal;
        break;
    default:
        break;
    }
    st = ac_api_body(body, empty_ok, rt->fields, &j, err);
    if (st != AC_OK) {
        return st;
    }
    st = members(rt->type, j, a, c, err);
    json_decref(j);
    return st;
}

/* ---- the organisation ---- */

static enum ac_status exec1(struct ac_state *s, const struct ac_cmd *c,
                            int64_t *now, struct ac_arena *a,
                            struct ac_batch *b, struct ac_err *err)
{
    *now += 60 * 1000;
    return ac_exec(s, c, *now, a, b, err);
}

enum ac_status ac_fuzz_org(struct ac_state *s, struct ac_arena *a,
                           struct ac_batch *b, int64_t *now, struct ac_err *err)
{
    static const char *const ids[] = {"bob", "carol", "dana"};
    static const char *const data[] = {
        "{\"id\":\"bob\",\"name\":\"Bob\"}",
        "{\"id\":\"carol\",\"name\":\"Carol\"}",
        "{\"id\":\"dana\",\"name\":\"Dana\"}",
    };
    enum ac_status st;

    *now = AC_FUZZ_T0;
    st = ac_exec_found(s, AC_STR("Fuzz Co-op"), AC_STR("alice"),
                       AC_STR("Alice"), *now, a, b, err);
    /* admitted while alice is alone in "all": her consent decides */
    for (size_t i = 0; st == AC_OK && i < 3; i++) {
        struct ac_cmd c = {.type = AC_CMD_PROPOSE};
        c.actor = AC_STR("alice");
        c.circle = AC_STR(AC_ROOT_CIRCLE);
        c.kind = AC_STR("member.admit");
        c.title = ac_str_c(ids[i]);
        st = ac_json_parse(ac_str_c(data[i]), a, &c.data, err);
        if (st == AC_OK) {
            st = exec1(s, &c, now, a, b, err);
        }
        if (st == AC_OK) {
            struct ac_cmd p = {.type = AC_CMD_POSITION};
            p.actor = AC_STR("alice");
            p.proposal = s->proposals[s->proposal_count - 1].id;
            p.position = AC_STR("consent");
            st = exec1(s, &p, now, a, b, err);
        }
    }
    for (size_t i = 0; st == AC_OK && i < 3; i++) {
        struct ac_cmd c = {.type = AC_CMD_JOIN};
        c.actor = ac_str_c(ids[i]);
        st = exec1(s, &c, now, a, b, err);
    }
    return st;
}

/* ---- rendering ---- */

/* Adds j under key to all, failing when the encoder gave nothing. */
static void put(json_t *all, const char *key, json_t *j)
{
    AC_FUZZ_CHECK(j != NULL, "rendering %s failed", key);
    AC_FUZZ_CHECK(json_object_set_new(all, key, j) == 0, "out of memory");
}

static void push(json_t *arr, json_t *j, const char *what)
{
    AC_FUZZ_CHECK(j != NULL, "rendering %s failed", what);
    AC_FUZZ_CHECK(json_array_append_new(arr, j) == 0, "out of memory");
}

static json_t *power(const struct ac_state *s, struct ac_str circle,
                     int64_t days)
{
    struct ac_arena a;
    struct ac_power_report rep;
    struct ac_buf svg;
    struct ac_err e = {0};
    json_t *j;
    enum ac_status st;

    ac_arena_init(&a, 0);
    ac_buf_init(&svg, 0);
    st = ac_power_report(s, circle, days ? s->time - days * AC_MS_PER_DAY : 0,
                         s->time, &a, &rep, &e);
    AC_FUZZ_CHECK(st == AC_OK, "power report of circle \"%.*s\": %s",
                  (int)circle.len, circle.ptr, e.msg);
    j = ac_power_json(s, &rep, days);
    st = ac_power_svg_lorenz(&rep, &svg, &e);
    AC_FUZZ_CHECK(st == AC_OK, "power svg: %s", e.msg);
    for (int d = 0; d < AC_DIM_COUNT; d++) {
        ac_buf_reset(&svg);
        st = ac_power_svg_bars(&rep, (enum ac_dim)d, 40, &svg, &e);
        AC_FUZZ_CHECK(st == AC_OK, "power bars: %s", e.msg);
    }
    ac_buf_release(&svg);
    ac_arena_release(&a);
    return j;
}

json_t *ac_fuzz_render(const struct ac_state *s)
{
    json_t *all = json_object(), *arr;
    struct ac_buf csv;

    AC_FUZZ_CHECK(all != NULL, "out of memory");
    put(all, "head", ac_api_head(s));
    put(all, "org", ac_api_org(s));
    put(all, "members", ac_api_members(s));
    put(all, "circles", ac_api_circles(s));
    put(all, "roles", ac_api_roles(s));
    put(all, "delegations", ac_api_delegations(s));
    put(all, "ledger", ac_api_ledger(s));
    put(all, "rounds", ac_api_pb_rounds(s));
    put(all, "proposals", arr = json_array());
    for (size_t i = 0; i < s->proposal_count; i++) {
        const struct ac_proposal *p = &s->proposals[i];
        push(arr, ac_api_proposal(s, p), "a proposal");
        /* a secret ballot's count is written at its close only (the
         * route answers 409 before asking) */
        if (ac_choice_has_count(p) && p->method.secret && !p->result) {
            json_t *j = ac_api_result(s, p);
            AC_FUZZ_CHECK(j == NULL, "a secret ballot was counted while open");
        } else if (ac_choice_has_count(p)) {
            push(arr, ac_api_result(s, p), "a count");
        }
    }
    put(all, "agreements", arr = json_array());
    for (size_t i = 0; i < s->agreement_count; i++) {
        push(arr, ac_api_agreement(&s->agreements[i]), "an agreement");
    }
    put(all, "commitments", arr = json_array());
    for (size_t i = 0; i < s->commitment_count; i++) {
        push(arr, ac_api_commitment(&s->commitments[i]), "a commitment");
    }
    ac_buf_init(&csv, 0);
    ac_api_ledger_csv(s, &csv);
    AC_FUZZ_CHECK(csv.status == AC_OK, "the ledger csv failed");
    put(all, "csv", json_stringn(csv.ptr ? csv.ptr : "", csv.len));
    ac_buf_release(&csv);
    if (s->founded) {
        put(all, "power", arr = json_array());
        for (size_t i = 0; i < s->circle_count; i++) {
            push(arr, power(s, s->circles[i].id, 0), "the power report");
        }
        push(arr, power(s, AC_STR(AC_ROOT_CIRCLE), 30), "the power report");
    }
    return all;
}
