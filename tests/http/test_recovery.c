/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A commit that fails is answered 503 and undone: the server reloads its
 * state from the store, so it neither shows nor builds on events that
 * were not written. The failure is made by another writer moving the head
 * of the log behind the server's back (the store then refuses the
 * server's append as a conflict). */
#include "fixture.h"

#include <time.h>

#include "core/exec.h"
#include "store/log.h"
#include "store/store.h"

/* Appends a proposal by alice to the store directly. */
static void append_behind_its_back(const char *data)
{
    struct ac_store *st = NULL;
    struct ac_arena a;
    struct ac_state s;
    struct ac_batch b = {0};
    struct ac_cmd cmd = {0};
    struct ac_err e = {0};
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    cr_assert_eq(ac_store_open(data, false, &st, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_load(st, &s, &e), AC_OK, "%s", e.msg);
    cmd.type = AC_CMD_PROPOSE;
    cmd.actor = AC_STR("alice");
    cmd.circle = AC_STR("all");
    cmd.kind = AC_STR("agreement.adopt");
    cmd.title = AC_STR("From elsewhere");
    cmd.data = ac_val_obj(&a);
    cr_assert(ac_val_set(&a, cmd.data, "text", ac_val_str(&a, AC_STR("x"))));
    cr_assert_eq(ac_exec(&s, &cmd, (int64_t)ts.tv_sec * 1000, &a, &b, &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_commit(st, &b, NULL, &e), AC_OK, "%s", e.msg);
    ac_store_close(st);
    ac_arena_release(&a);
}

Test(recovery, failed_commit_is_503_and_the_state_reloads, .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    long long seq;
    char *id;
    org_up(&o, false);
    id = propose(&o, o.alice, "all", "agreement.adopt", "First",
                 "{\"text\":\"one\"}");
    cr_assert_str_eq(id, "p1");
    free(id);
    seq = head_seq(&o);

    append_behind_its_back(o.data);
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Second\",\"data\":{\"text\":\"two\"}}");
    expect_status(r, 503);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    cr_assert_str_eq(jstr(r.json, "detail"),
                     "the store failed; nothing was written");
    t_resp_free(&r);

    /* the state is the store's again: the other writer's event is there,
     * the refused one is not */
    cr_assert_eq(head_seq(&o), seq + 1);
    r = t_http(&o.srv, "GET", "/api/v1/proposals/p2", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "title"), "From elsewhere");
    t_resp_free(&r);
    r = t_http(&o.srv, "GET", "/api/v1/proposals/p3", o.alice, NULL);
    expect_status(r, 404);
    t_resp_free(&r);

    /* and the next write builds on it */
    r = req(&o, "POST", "/api/v1/proposals", o.alice,
            "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":"
            "\"Second\",\"data\":{\"text\":\"two\"}}");
    expect_status(r, 201);
    cr_assert_str_eq(jstr(r.json, "id"), "p3");
    cr_assert_eq(jint(r.json, "seq"), seq + 2);
    t_resp_free(&r);
    cr_assert_eq(t_server_stop(&o.srv, SIGTERM), 0);
    {
        const char *verify[] = {"verify", "--data", o.data, NULL};
        cr_assert_eq(t_run(verify, NULL, NULL, NULL, NULL), 0);
    }
    org_down(&o);
}
