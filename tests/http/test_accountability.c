/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Joint accountability over HTTP (docs/accountability.md): commitments
 * made and updated by their own members, a commitment in someone else's
 * name refused, the circle's check-in list of overdue commitments, and an
 * agreement's review date that passed while the server was down marked
 * due at its start. The past is built with the core and the store at
 * chosen times. */
#include "fixture.h"

#include <time.h>

#include "base/secret.h"
#include "base/time.h"
#include "core/exec.h"
#include "store/log.h"
#include "store/store.h"

#define DAY_MS INT64_C(86400000)

static void run_at(struct ac_state *s, struct ac_store *st, struct ac_arena *a,
                   struct ac_cmd *cmd, int64_t at)
{
    struct ac_batch b = {0};
    struct ac_err e = {0};
    cr_assert_eq(ac_exec(s, cmd, at, a, &b, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_log_commit(st, &b, NULL, &e), AC_OK, "%s", e.msg);
}

/* alice, alone, twenty days ago: an agreement to review ten days ago
 * (its adoption is hers alone) and a commitment due five days ago. */
static void build_past(const char *data)
{
    int64_t now = wall_ms(), t0 = now - 20 * DAY_MS;
    struct ac_store *st = NULL;
    struct ac_arena a;
    struct ac_state s;
    struct ac_batch b = {0};
    struct ac_store_append extra = {0};
    struct ac_store_password pw;
    struct ac_err e = {0};
    struct ac_cmd cmd = {0};
    char phc[AC_PHC_MAX], review[AC_TIME_LEN + 1], due[AC_TIME_LEN + 1];

    cr_assert(ac_secret_init());
    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    cr_assert_eq(t_store_open(data, true, &st, &e), AC_OK, "%s", e.msg);
    cr_assert_eq(ac_exec_found(&s, AC_STR("Clockwork"), AC_STR("alice"),
                               AC_STR("Alice"), t0, &a, &b, &e),
                 AC_OK, "%s", e.msg);
    cr_assert_eq(ac_password_hash(ac_str_c(PW_ALICE), phc, &e), AC_OK);
    pw.member = AC_STR("alice");
    pw.phc = ac_str_c(phc);
    extra.passwords = &pw;
    extra.password_count = 1;
    cr_assert_eq(ac_log_commit(st, &b, &extra, &e), AC_OK, "%s", e.msg);

    ac_time_format(review, now - 10 * DAY_MS);
    review[10] = '\0';
    cmd.type = AC_CMD_PROPOSE;
    cmd.actor = AC_STR("alice");
    cmd.circle = AC_STR("all");
    cmd.kind = AC_STR("agreement.adopt");
    cmd.title = AC_STR("Tool care");
    cmd.data = ac_val_obj(&a);
    cr_assert(ac_val_set(&a, cmd.data, "text",
                         ac_val_str(&a, AC_STR("Clean the tools."))));
    cr_assert(ac_val_set(&a, cmd.data, "review_by",
                         ac_val_str(&a, ac_str_c(review))));
    run_at(&s, st, &a, &cmd, t0 + 60000);
    cmd = (struct ac_cmd){.type = AC_CMD_POSITION};
    cmd.actor = AC_STR("alice");
    cmd.proposal = AC_STR("p1");
    cmd.position = AC_STR("consent");
    run_at(&s, st, &a, &cmd, t0 + 120000);
    cr_assert_eq(s.agreement_count, 1, "adopted by alice alone");

    ac_time_format(due, now - 5 * DAY_MS);
    due[10] = '\0';
    cmd = (struct ac_cmd){.type = AC_CMD_COMMIT};
    cmd.actor = AC_STR("alice");
    cmd.circle = AC_STR("all");
    cmd.title = AC_STR("Sharpen the saws");
    cmd.due = ac_str_c(due);
    run_at(&s, st, &a, &cmd, t0 + 180000);
    ac_store_close(st);
    ac_arena_release(&a);
}

Test(accountability, checkin_commitments_and_a_review_due_at_start,
     .fini = org_cleanup)
{
    struct org o;
    struct t_resp r;
    const json_t *c;
    long long before;

    memset(&o, 0, sizeof o);
    fixture_current = &o;
    o.root = t_tmpdir();
    o.data = t_fmt("%s/org", o.root);
    build_past(o.data);
    cr_assert(t_server_start(&o.srv, o.data));
    o.alice = t_login(&o.srv, "alice", PW_ALICE);
    cr_assert_not_null(o.alice);

    /* the review date passed while the server was down */
    for (int i = 0; i < 100; i++) {
        r = req(&o, "GET", "/api/v1/agreements/a1", o.alice, NULL);
        expect_status(r, 200);
        if (json_is_true(json_object_get(r.json, "review_due"))) {
            break;
        }
        t_resp_free(&r);
        r.json = NULL;
        usleep(20000);
    }
    cr_assert(json_is_true(json_object_get(r.json, "review_due")));
    t_resp_free(&r);

    r = req(&o, "GET", "/api/v1/circles/all/checkin", o.alice, NULL);
    expect_status(r, 200);
    c = json_array_get(json_object_get(r.json, "overdue"), 0);
    cr_assert_not_null(c, "the overdue commitment is listed");
    cr_assert_str_eq(jstr(c, "id"), "c1");
    cr_assert_str_eq(jstr(c, "what"), "Sharpen the saws");
    cr_assert_str_eq(jstr(c, "status"), "open");
    t_resp_free(&r);

    /* a new commitment, in one's own name only */
    before = head_seq(&o);
    r = req(&o, "POST", "/api/v1/commitments", o.alice,
            "{\"circle\":\"all\",\"what\":\"Oil the hinges\",\"due\":"
            "\"2999-01-01\",\"member\":\"bob\"}");
    expect_status(r, 403);
    cr_assert(strstr(jstr(r.json, "detail"), "cannot commit bob"), "%s",
              jstr(r.json, "detail"));
    t_resp_free(&r);
    r = req(&o, "POST", "/api/v1/commitments", o.alice,
            "{\"circle\":\"all\",\"what\":\"Oil the hinges\",\"due\":"
            "\"yesterday\"}");
    expect_status(r, 400);
    cr_assert_str_eq(jstr(r.json, "field"), "/due");
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), before, "nothing appended");
    r = req(&o, "POST", "/api/v1/commitments", o.alice,
            "{\"circle\":\"all\",\"what\":\"Oil the hinges\",\"due\":"
            "\"2999-01-01\",\"member\":\"alice\"}");
    expect_status(r, 201);
    cr_assert_str_eq(jstr(r.json, "id"), "c2");
    cr_assert_str_eq(jstr(r.json, "due"), "2999-01-01");
    t_resp_free(&r);

    /* the late one is released, honestly, and leaves the list */
    r = req(&o, "POST", "/api/v1/commitments/c1/updates", o.alice,
            "{\"status\":\"released\",\"note\":\"We bought new saws\"}");
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "released");
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/circles/all/checkin", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "overdue")), 0);
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/commitments?status=released", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(r.json), 1);
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/circles/nope/checkin", o.alice, NULL);
    expect_status(r, 404);
    t_resp_free(&r);

    /* a review keeps the agreement: no longer due */
    {
        char *p = propose(&o, o.alice, "all", "agreement.review", "Keep it",
                          "{\"agreement\":\"a1\",\"outcome\":\"keep\"}");
        char *st = position(&o, o.alice, p, "consent", NULL);
        cr_assert_str_eq(st, "adopted");
        free(st);
        free(p);
    }
    r = req(&o, "GET", "/api/v1/agreements/a1", o.alice, NULL);
    expect_status(r, 200);
    cr_assert(json_is_false(json_object_get(r.json, "review_due")));
    t_resp_free(&r);
    org_down(&o);
}
