/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Deadlines: the server closes a round when its deadline passes, by the
 * actor "system", both while it runs and, for deadlines that passed
 * while it was down, right after it starts. The log is built here with
 * the core and the store at chosen times, as if written in the past. */
#include "fixture.h"

#include <time.h>

#include "base/secret.h"
#include "base/time.h"
#include "core/exec.h"
#include "store/log.h"
#include "store/store.h"

/* An organisation founded by alice a minute before opened, with one
 * agreement proposal opened at opened (deadline opened + 72 h). */
static void build_log(const char *data, int64_t opened)
{
    struct ac_store *st = NULL;
    struct ac_arena a;
    struct ac_state s;
    struct ac_batch b = {0};
    struct ac_store_append extra = {0};
    struct ac_store_password pw;
    struct ac_err e = {0};
    struct ac_cmd cmd = {0};
    char phc[AC_PHC_MAX];

    cr_assert(ac_secret_init());
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    cr_assert_eq(t_store_open(data, true, &st, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_exec_found(&s, AC_STR("Clockwork"), AC_STR("alice"),
                               AC_STR("Alice"), opened - 60000, &a, &b, &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_password_hash(ac_str_c(PW_ALICE), phc, &e), AC_OK);
    pw.member = AC_STR("alice");
    pw.phc = ac_str_c(phc);
    extra.passwords = &pw;
    extra.password_count = 1;
    cr_assert_eq(ac_log_commit(st, &b, &extra, &e), AC_OK, "%s", e.msg);

    b = (struct ac_batch){0};
    cmd.type = AC_CMD_PROPOSE;
    cmd.actor = AC_STR("alice");
    cmd.circle = AC_STR("all");
    cmd.kind = AC_STR("agreement.adopt");
    cmd.title = AC_STR("Clock in");
    cmd.data = ac_val_obj(&a);
    cr_assert(ac_val_set(&a, cmd.data, "text",
                         ac_val_str(&a, AC_STR("Be on time."))));
    cr_assert_eq(ac_exec(&s, &cmd, opened, &a, &b, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_commit(st, &b, NULL, &e), AC_OK, "%s", e.msg);
    ac_store_close(st);
    ac_arena_release(&a);
}

/* The proposal.closed event of p1 from /events, or NULL. */
static json_t *closed_event(const struct org *o)
{
    struct t_resp r =
        t_http(&o->srv, "GET", "/api/v1/events?limit=1000", o->alice, NULL);
    json_t *events, *found = NULL;
    expect_status(r, 200);
    events = json_object_get(r.json, "events");
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *ev = json_array_get(events, i);
        if (strcmp(jstr(ev, "type"), "proposal.closed") == 0) {
            found = json_incref(ev);
        }
    }
    t_resp_free(&r);
    return found;
}

static const char *proposal_status(const struct org *o, char *buf, size_t size)
{
    struct t_resp r =
        t_http(&o->srv, "GET", "/api/v1/proposals/p1", o->alice, NULL);
    expect_status(r, 200);
    snprintf(buf, size, "%s", jstr(r.json, "status"));
    t_resp_free(&r);
    return buf;
}

/* Starts a server over a log built with build_log(opened). */
static void up(struct org *o, int64_t opened)
{
    memset(o, 0, sizeof *o);
    fixture_current = o;
    o->root = t_tmpdir();
    o->data = t_fmt("%s/org", o->root);
    build_log(o->data, opened);
    cr_assert(t_server_start(&o->srv, o->data));
    o->alice = t_login(&o->srv, "alice", PW_ALICE);
    cr_assert_not_null(o->alice);
}

Test(deadline, round_closes_when_its_deadline_passes, .fini = org_cleanup)
{
    struct org o;
    int64_t deadline = wall_ms() + 3000;
    char status[32];
    json_t *ev, *data;
    int64_t closed_at;
    up(&o, deadline - 72 * AC_MS_PER_HOUR);

    /* within a few seconds of the deadline, the system closes the round:
     * alone and silent, alice leaves it without quorum */
    for (int i = 0; i < 150; i++) {
        if (strcmp(proposal_status(&o, status, sizeof status), "open") != 0) {
            break;
        }
        usleep(100 * 1000);
    }
    cr_assert_str_eq(status, "lapsed");
    ev = closed_event(&o);
    cr_assert_not_null(ev);
    cr_assert_str_eq(jstr(ev, "actor"), "system");
    data = json_object_get(ev, "data");
    cr_assert_str_eq(jstr(data, "proposal"), "p1");
    cr_assert_str_eq(jstr(data, "status"), "lapsed");
    /* not before the deadline, and not long after it */
    cr_assert_eq(ac_time_parse(ac_str_c(jstr(ev, "time")), &closed_at, NULL),
                 AC_OK);
    cr_assert(closed_at >= deadline, "closed %lld ms early",
              (long long)(deadline - closed_at));
    cr_assert(closed_at < deadline + 5000, "closed %lld ms late",
              (long long)(closed_at - deadline));
    json_decref(ev);
    org_down(&o);
}

Test(deadline, deadline_passed_while_down_closes_at_start, .fini = org_cleanup)
{
    struct org o;
    char status[32];
    json_t *ev;
    struct t_resp r;
    up(&o, wall_ms() - 72 * AC_MS_PER_HOUR - 10000);

    /* the very first read already sees it closed */
    cr_assert_str_eq(proposal_status(&o, status, sizeof status), "lapsed");
    ev = closed_event(&o);
    cr_assert_not_null(ev);
    cr_assert_str_eq(jstr(ev, "actor"), "system");
    cr_assert_eq(jint(ev, "seq"), 3);
    json_decref(ev);
    r = t_http(&o.srv, "GET", "/api/v1/proposals/p1", o.alice, NULL);
    expect_status(r, 200);
    cr_assert(json_is_string(json_object_get(r.json, "closed")));
    cr_assert_eq(jint(json_object_get(r.json, "tally"), "eligible"), 1);
    t_resp_free(&r);
    /* a restart does not close it again */
    cr_assert_eq(t_server_stop(&o.srv, SIGTERM), 0);
    cr_assert(t_server_start(&o.srv, o.data));
    cr_assert_eq(head_seq(&o), 3);
    org_down(&o);
}
