/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The member commands against a real server: each test seeds a data
 * folder (accord demo or accord init), starts accord serve on a free
 * loopback port and runs the accord binary as one member or another, each
 * with its own session file. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/harness.h"
#include "unit/unit.h"

#define DEMO_PASSWORD "demo-password-1"

static char *dir;  /* temporary folder of the test */
static char *data; /* dir/org */
static struct t_server srv;

static void setup(void)
{
    dir = t_tmpdir();
    cr_assert_not_null(dir);
    data = t_fmt("%s/org", dir);
    memset(&srv, 0, sizeof srv);
    unsetenv("ACCORD_PASSWORD");
    unsetenv("ACCORD_SERVER");
    unsetenv("ACCORD_TOKEN");
    unsetenv("ACCORD_CONFIG");
}

static void teardown(void)
{
    if (srv.pid > 0) {
        t_server_stop(&srv, SIGKILL);
    }
    t_rmrf(dir);
    free(dir);
    free(data);
}

TestSuite(member, .init = setup, .fini = teardown, .timeout = 120);

static char *session_of(const char *who)
{
    return t_fmt("%s/%s.session", dir, who);
}

/* Runs accord as who: their own session file and password. */
static int as_pw(const char *who, const char *password,
                 const char *const args[], char **out, char **err)
{
    char *path = session_of(who);
    char *cfg = t_fmt("ACCORD_CONFIG=%s", path);
    char *pw = t_fmt("ACCORD_PASSWORD=%s", password);
    const char *env[] = {cfg, pw, NULL};
    int rc = t_run(args, env, NULL, out, err);
    free(path);
    free(cfg);
    free(pw);
    return rc;
}

static int as(const char *who, const char *const args[], char **out, char **err)
{
    return as_pw(who, DEMO_PASSWORD, args, out, err);
}

/* as(), expecting success; returns standard output. */
static char *ok(const char *who, const char *const args[])
{
    char *out = NULL, *err = NULL;
    int rc = as(who, args, &out, &err);
    cr_assert_eq(rc, 0, "accord %s as %s exited %d: %s", args[0], who, rc, err);
    free(err);
    return out;
}

/* as(), expecting failure with exit code rc; returns standard error. */
static char *fails(const char *who, int rc, const char *const args[])
{
    char *out = NULL, *err = NULL;
    int got = as(who, args, &out, &err);
    cr_assert_eq(got, rc, "accord %s as %s exited %d, not %d: %s%s", args[0],
                 who, got, rc, out, err);
    cr_assert(strncmp(err, "accord: ", 8) == 0, "%s", err);
    cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "one line: %s", err);
    free(out);
    return err;
}

static void start_demo(void)
{
    const char *args[] = {"demo", "--data", data, NULL};
    char *err = NULL;
    int rc = t_run(args, NULL, NULL, NULL, &err);
    cr_assert_eq(rc, 0, "demo failed: %s", err);
    free(err);
    cr_assert(t_server_start(&srv, data), "the server did not start");
}

static void login(const char *who)
{
    const char *args[] = {"login", "--server", srv.base, "--member", who, NULL};
    free(ok(who, args));
}

static void position(const char *who, const char *id, const char *pos,
                     const char *reason)
{
    const char *args[] = {"position",           id,  pos, "--reason",
                          reason ? reason : "", NULL};
    free(ok(who, args));
}

static char *show(const char *who, const char *id)
{
    const char *args[] = {"show", id, NULL};
    return ok(who, args);
}

static json_t *json_of(const char *who, const char *const args[])
{
    char *out = ok(who, args);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    cr_assert_not_null(j, "accord %s --json printed no JSON (%s): %s", args[0],
                       je.text, out);
    free(out);
    return j;
}

Test(member, login_as_the_founder_of_init)
{
    const char *login_args[] = {"login",    "--server", srv.base,
                                "--member", "alice",    NULL};
    const char *org[] = {"org", NULL};
    const char *members[] = {"members", NULL};
    char *out = NULL, *err = NULL, *path = session_of("alice");
    struct stat sb;
    int rc;

    cr_assert(t_init_org(data, "Test Org", "alice", "secret-pass-1"));
    cr_assert(t_server_start(&srv, data));
    login_args[2] = srv.base;
    rc = as_pw("alice", "secret-pass-1", login_args, &out, &err);
    cr_assert_eq(rc, 0, "login failed (%d): %s", rc, err);
    cr_assert(strstr(out, "logged in to"), "%s", out);
    cr_assert(strstr(out, "as alice"), "%s", out);
    cr_assert_null(strstr(out, "token"), "the token is not printed: %s", out);
    free(out);
    free(err);

    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);

    out = ok("alice", org);
    cr_assert(strstr(out, "Test Org"), "%s", out);
    cr_assert(strstr(out, "head 1 "), "%s", out);
    cr_assert(strstr(out, "consent.round_hours"), "%s", out);
    free(out);
    out = ok("alice", members);
    cr_assert(strstr(out, "alice"), "%s", out);
    cr_assert(strstr(out, "active"), "%s", out);
    free(out);
    free(path);
}

Test(member, login_refuses_a_wrong_password)
{
    const char *args[] = {"login", "--server", NULL, "--member", "bob", NULL};
    char *err, *path = session_of("bob");
    start_demo();
    args[2] = srv.base;
    {
        char *out = NULL;
        int rc = as_pw("bob", "wrong-password", args, &out, &err);
        cr_assert_eq(rc, 5, "exit %d: %s", rc, err);
        free(out);
    }
    cr_assert(strstr(err, "(401)"), "%s", err);
    cr_assert_neq(access(path, F_OK), 0, "no session is saved");
    free(err);
    free(path);
}

Test(member, lists_proposals_circles_and_agreements)
{
    const char *all[] = {"proposals", NULL};
    const char *open[] = {"proposals", "--status", "open", NULL};
    const char *kitchen[] = {"proposals", "--circle", "kitchen", NULL};
    const char *circles[] = {"circles", NULL};
    const char *agreements[] = {"agreements", NULL};
    const char *bad[] = {"proposals", "--status", "pending", NULL};
    char *out, *err;

    start_demo();
    login("bob");
    out = ok("bob", all);
    cr_assert(strncmp(out, "ID", 2) == 0, "%s", out);
    cr_assert(strstr(out, "p10"), "%s", out);
    cr_assert(strstr(out, "Volunteer shift swaps"), "%s", out);
    cr_assert(strstr(out, "needs_integration"), "%s", out);
    free(out);
    out = ok("bob", open);
    cr_assert(strstr(out, "Volunteer shift swaps"), "%s", out);
    cr_assert_null(strstr(out, "Local suppliers only"), "%s", out);
    free(out);
    out = ok("bob", kitchen);
    cr_assert(strstr(out, "Cleaning rota"), "%s", out);
    cr_assert(strstr(out, "Local suppliers only"), "%s", out);
    cr_assert_null(strstr(out, "Opening hours"), "%s", out);
    free(out);
    out = ok("bob", circles);
    cr_assert(strstr(out, "kitchen"), "%s", out);
    cr_assert(strstr(out, "alice, bob, carol"), "%s", out);
    free(out);
    out = ok("bob", agreements);
    cr_assert(strstr(out, "a1"), "%s", out);
    cr_assert(strstr(out, "Cleaning rota"), "%s", out);
    cr_assert(strstr(out, "Opening hours"), "%s", out);
    free(out);
    err = fails("bob", 1, bad);
    cr_assert(strstr(err, "(400)"), "%s", err);
    free(err);
}

Test(member, show_gives_positions_with_reasons)
{
    const char *missing[] = {"show", "p99", NULL};
    const char *agreement[] = {"agreement", "a1", NULL};
    char *out, *err;

    start_demo();
    login("bob");
    out = show("bob", "p9");
    cr_assert(strstr(out, "Local suppliers only"), "%s", out);
    cr_assert(strstr(out, "needs_integration"), "%s", out);
    cr_assert(strstr(out, "carol"), "%s", out);
    cr_assert(strstr(out, "object"), "%s", out);
    cr_assert(strstr(out, "Our flour and rice come from further away"), "%s",
              out);
    free(out);
    out = show("bob", "p10");
    cr_assert(strstr(out, "open"), "%s", out);
    cr_assert(strstr(out, "concern"), "%s", out);
    cr_assert(strstr(out, "Who checks that a swapped shift"), "%s", out);
    free(out);
    err = fails("bob", 3, missing);
    cr_assert(strstr(err, "(404)"), "%s", err);
    free(err);
    out = ok("bob", agreement);
    cr_assert(strstr(out, "weekends included"), "%s", out);
    cr_assert(strstr(out, "version    2"), "%s", out);
    free(out);
}

Test(member, propose_position_amend_withdraw)
{
    const char *propose[] = {"propose",
                             "--circle",
                             "kitchen",
                             "--kind",
                             "agreement.adopt",
                             "--title",
                             "Fridge rules",
                             "--text",
                             "Label and date everything.",
                             NULL};
    const char *object[] = {"position", "p12", "object", NULL};
    const char *amend[] = {"amend", "p12", "--text",
                           "Label, date and clear out on Fridays.", NULL};
    const char *amend_other[] = {"amend", "p12", "--title", "Mine now", NULL};
    const char *withdraw[] = {"withdraw", "p12", NULL};
    char *out, *err;

    start_demo();
    login("bob");
    login("alice");
    login("carol");
    out = ok("bob", propose);
    cr_assert(strstr(out, "opened p12 in circle kitchen: Fridge rules"), "%s",
              out);
    free(out);
    out = show("bob", "p12");
    cr_assert(strstr(out, "open"), "%s", out);
    cr_assert(strstr(out, "Label and date everything."), "%s", out);
    cr_assert(strstr(out, "none yet"), "%s", out);
    free(out);

    position("alice", "p12", "consent", "Good idea");
    out = show("bob", "p12");
    cr_assert(strstr(out, "alice"), "%s", out);
    cr_assert(strstr(out, "Good idea"), "%s", out);
    free(out);

    err = fails("carol", 1, object);
    cr_assert(strstr(err, "an objection needs a reason (400)"), "%s", err);
    free(err);

    out = ok("bob", amend);
    cr_assert(strstr(out, "amended p12: version 2"), "%s", out);
    free(out);
    out = show("bob", "p12");
    cr_assert(strstr(out, "2 (version 2)"), "%s", out);
    cr_assert(strstr(out, "clear out on Fridays"), "%s", out);
    cr_assert(strstr(out, "none yet"), "positions are cleared: %s", out);
    free(out);

    err = fails("alice", 5, amend_other);
    cr_assert(strstr(err, "only the author"), "%s", err);
    cr_assert(strstr(err, "(403)"), "%s", err);
    free(err);

    out = ok("bob", withdraw);
    cr_assert(strstr(out, "withdrew p12"), "%s", out);
    free(out);
    out = show("bob", "p12");
    cr_assert(strstr(out, "withdrawn"), "%s", out);
    free(out);
    err = fails("bob", 4, withdraw);
    cr_assert(strstr(err, "(409)"), "%s", err);
    free(err);
}

Test(member, json_output_parses)
{
    const char *proposals[] = {"proposals", "--json", NULL};
    const char *show_json[] = {"show", "p9", "--json", NULL};
    const char *org[] = {"org", "--json", NULL};
    const char *members[] = {"members", "--json", NULL};
    const char *events[] = {"events", "--after", "45", "--limit",
                            "2",      "--json",  NULL};
    json_t *j;

    start_demo();
    login("bob");
    j = json_of("bob", proposals);
    cr_assert(json_is_array(j));
    cr_assert_eq(json_array_size(j), 11);
    json_decref(j);
    j = json_of("bob", show_json);
    cr_assert_str_eq(json_string_value(json_object_get(j, "id")), "p9");
    cr_assert_eq(json_array_size(json_object_get(j, "positions")), 3);
    json_decref(j);
    j = json_of("bob", org);
    cr_assert_str_eq(json_string_value(json_object_get(j, "name")),
                     "Riverside Food Co-op");
    json_decref(j);
    j = json_of("bob", members);
    cr_assert_eq(json_array_size(j), 5);
    json_decref(j);
    j = json_of("bob", events);
    cr_assert_eq(json_array_size(json_object_get(j, "events")), 2);
    cr_assert_eq(json_integer_value(json_object_get(
                     json_array_get(json_object_get(j, "events"), 0), "seq")),
                 46);
    json_decref(j);
}

/* The whole walk: a proposal through an objection, an amendment and
 * adoption; the agreement in the register; the log verifies. */
Test(member, objection_amendment_adoption_and_a_verified_log)
{
    const char *propose[] = {"propose",
                             "--circle",
                             "kitchen",
                             "--kind",
                             "agreement.adopt",
                             "--title",
                             "Fridge rules",
                             "--text",
                             "Throw out anything unlabelled.",
                             NULL};
    const char *amend[] = {"amend", "p12", "--text",
                           "Label and date what you store; unlabelled food "
                           "goes to the shared shelf on Fridays.",
                           NULL};
    const char *agreements[] = {"agreements", NULL};
    const char *agreement[] = {"agreement", "a3", NULL};
    const char *exp[] = {"export", "--data", data, NULL};
    const char *ver[] = {"verify", "-", NULL};
    const char *verd[] = {"verify", "--data", data, NULL};
    char *out, *log = NULL, *vout = NULL, *dout = NULL;

    start_demo();
    login("alice");
    login("bob");
    login("carol");
    free(ok("bob", propose));
    position("alice", "p12", "consent", NULL);
    position("carol", "p12", "object",
             "Throwing food out goes against what the co-op is for");
    position("bob", "p12", "consent", NULL);
    out = show("bob", "p12");
    cr_assert(strstr(out, "needs_integration"), "%s", out);
    cr_assert(strstr(out, "goes against what the co-op is for"), "%s", out);
    free(out);

    out = ok("bob", amend);
    cr_assert(strstr(out, "p12 is open: round 2"), "%s", out);
    free(out);
    position("alice", "p12", "consent", NULL);
    position("carol", "p12", "consent", "Thank you for the shelf");
    position("bob", "p12", "consent", NULL);
    out = show("carol", "p12");
    cr_assert(strstr(out, "adopted"), "%s", out);
    cr_assert(strstr(out, "a3"), "%s", out);
    free(out);

    out = ok("carol", agreements);
    cr_assert(strstr(out, "a3"), "%s", out);
    cr_assert(strstr(out, "Fridge rules"), "%s", out);
    free(out);
    out = ok("carol", agreement);
    cr_assert(strstr(out, "shared shelf on Fridays"), "%s", out);
    free(out);

    cr_assert_eq(t_server_stop(&srv, SIGTERM), 0, "a clean stop exits 0");
    cr_assert_eq(t_run(exp, NULL, NULL, &log, NULL), 0);
    cr_assert(strstr(log, "\"status\":\"needs_integration\""));
    cr_assert(strstr(log, "\"type\":\"proposal.amended\""));
    cr_assert(strstr(log, "\"agreement\":\"a3\""));
    cr_assert_eq(t_run(ver, NULL, log, &vout, NULL), 0, "%s", vout);
    cr_assert_eq(t_run(verd, NULL, NULL, &dout, NULL), 0);
    cr_assert(strncmp(vout, "ok: ", 4) == 0, "%s", vout);
    cr_assert_str_eq(vout, dout);
    free(log);
    free(vout);
    free(dout);
}

Test(member, invite_and_join)
{
    const char *propose[] = {"propose",
                             "--circle",
                             "all",
                             "--kind",
                             "member.admit",
                             "--title",
                             "Admit Fay Ito",
                             "--data",
                             "{\"id\":\"fay\",\"name\":\"Fay Ito\"}",
                             NULL};
    const char *invite[] = {"invite", "p12", "--json", NULL};
    const char *invite_text[] = {"invite", "p12", NULL};
    const char *members[] = {"members", NULL};
    const char *who[] = {"alice", "bob", "carol", "dana", "erin"};
    char *out, *err, *code;
    json_t *j;

    start_demo();
    for (size_t i = 0; i < 5; i++) {
        login(who[i]);
    }
    free(ok("alice", propose));
    for (size_t i = 0; i < 5; i++) {
        position(who[i], "p12", "consent", NULL);
    }
    j = json_of("alice", invite);
    cr_assert_str_eq(json_string_value(json_object_get(j, "member")), "fay");
    code = strdup(json_string_value(json_object_get(j, "invite")));
    json_decref(j);
    out = ok("alice", invite_text);
    cr_assert(strstr(out, code), "%s", out);
    cr_assert(strstr(out, "accord join --server"), "%s", out);
    free(out);
    err = fails("bob", 5, invite_text);
    cr_assert(strstr(err, "(403)"), "%s", err);
    free(err);

    {
        const char *join[] = {"join",     "--server", srv.base,
                              "--invite", code,       NULL};
        int rc;
        out = NULL;
        err = NULL;
        rc = as_pw("fay", "fay-password-1", join, &out, &err);
        cr_assert_eq(rc, 0, "join failed (%d): %s", rc, err);
        cr_assert(strstr(out, "joined as fay"), "%s", out);
        cr_assert(strstr(out, "logged in"), "%s", out);
        free(out);
        free(err);
        /* an invite is taken once */
        rc = as_pw("gil", "gil-password-1", join, NULL, &err);
        cr_assert_eq(rc, 3, "exit %d: %s", rc, err);
        free(err);
    }
    out = ok("fay", members);
    cr_assert(strstr(out, "Fay Ito"), "%s", out);
    free(out);
    free(code);
}

Test(member, events_page_through_the_log)
{
    const char *args[] = {"events", "--after", "45", "--limit", "2", NULL};
    const char *bad[] = {"events", "--limit", "none", NULL};
    char *out, *err;

    start_demo();
    login("bob");
    out = ok("bob", args);
    cr_assert(strstr(out, "\n46 "), "%s", out);
    cr_assert(strstr(out, "\n47 "), "%s", out);
    cr_assert_null(strstr(out, "\n48 "), "%s", out);
    cr_assert(strstr(out, "proposal.closed"), "%s", out);
    cr_assert(strstr(out, "head 56 "), "%s", out);
    free(out);
    err = fails("bob", 2, bad);
    free(err);
}

Test(member, logout_forgets_the_session)
{
    const char *logout[] = {"logout", NULL};
    const char *org[] = {"org", NULL};
    char *path = session_of("bob"), *out, *err, *text;
    json_t *session;
    struct t_resp r;

    start_demo();
    login("bob");
    session = json_load_file(path, 0, NULL);
    cr_assert_not_null(session);
    text = strdup(json_string_value(json_object_get(session, "token")));
    json_decref(session);

    out = ok("bob", logout);
    cr_assert(strstr(out, "logged out"), "%s", out);
    free(out);
    cr_assert_neq(access(path, F_OK), 0, "the session file is removed");
    err = fails("bob", 5, org);
    cr_assert(strstr(err, "not logged in"), "%s", err);
    free(err);
    /* and the server no longer knows the token */
    r = t_http(&srv, "GET", "/api/v1/org", text, NULL);
    cr_assert_eq(r.status, 401);
    t_resp_free(&r);
    free(text);
    free(path);
}

Test(member, environment_overrides_the_session)
{
    const char *org[] = {"org", NULL};
    char *token, *server, *tok, *cfg, *out = NULL, *err = NULL;
    int rc;

    start_demo();
    token = t_login(&srv, "dana", DEMO_PASSWORD);
    cr_assert_not_null(token);
    server = t_fmt("ACCORD_SERVER=%s/", srv.base);
    tok = t_fmt("ACCORD_TOKEN=%s", token);
    cfg = t_fmt("ACCORD_CONFIG=%s/none", dir);
    {
        const char *env[] = {server, tok, cfg, NULL};
        rc = t_run(org, env, NULL, &out, &err);
    }
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    cr_assert(strstr(out, "Riverside Food Co-op"), "%s", out);
    free(out);
    free(err);
    free(server);

    /* a token the server does not know */
    server = t_fmt("ACCORD_SERVER=%s", srv.base);
    {
        const char *env[] = {server, "ACCORD_TOKEN=not-a-token", cfg, NULL};
        rc = t_run(org, env, NULL, NULL, &err);
    }
    cr_assert_eq(rc, 5, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "(401)"), "%s", err);
    cr_assert(strstr(err, "log in again"), "%s", err);
    free(err);
    free(server);

    /* a saved token is never sent to another server */
    login("bob");
    {
        char *path = session_of("bob");
        char *bobcfg = t_fmt("ACCORD_CONFIG=%s", path);
        const char *env[] = {"ACCORD_SERVER=http://127.0.0.1:1", bobcfg, NULL};
        rc = t_run(org, env, NULL, NULL, &err);
        free(bobcfg);
        free(path);
    }
    cr_assert_eq(rc, 5, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "not logged in"), "%s", err);
    free(err);

    /* no server there: an i/o error, one line */
    server = t_fmt("ACCORD_SERVER=http://127.0.0.1:1");
    {
        const char *env[] = {server, tok, cfg, NULL};
        rc = t_run(org, env, NULL, NULL, &err);
    }
    cr_assert_eq(rc, 9, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "cannot reach http://127.0.0.1:1"), "%s", err);
    free(err);
    free(server);
    free(tok);
    free(cfg);
    free(token);
}

Test(member, propose_reads_data_from_a_file_and_reports_problems)
{
    char *path = t_fmt("%s/circle.json", dir);
    char *at = t_fmt("@%s", path);
    const char *from_file[] = {
        "propose", "--circle",        "kitchen", "--kind", "circle.amend",
        "--title", "A wider purpose", "--data",  at,       NULL};
    const char *bad_json[] = {"propose",      "--circle", "kitchen", "--kind",
                              "circle.amend", "--title",  "Broken",  "--data",
                              "{\"circle\":", NULL};
    const char *empty_title[] = {
        "propose", "--circle", "kitchen", "--kind",    "agreement.adopt",
        "--title", "",         "--text",  "Some text", NULL};
    const char *neither[] = {"propose",         "--circle", "kitchen", "--kind",
                             "agreement.adopt", "--title",  "T",       NULL};
    const char *text_wrong_kind[] = {
        "propose", "--circle", "kitchen", "--kind", "circle.amend",
        "--title", "T",        "--text",  "x",      NULL};
    FILE *f = fopen(path, "w");
    char *out, *err;

    cr_assert_not_null(f);
    fputs("{\"circle\":\"kitchen\",\"purpose\":\"Run the kitchen and the "
          "garden\"}\n",
          f);
    fclose(f);
    start_demo();
    login("carol");
    out = ok("carol", from_file);
    cr_assert(strstr(out, "opened p12 in circle kitchen"), "%s", out);
    free(out);
    err = fails("carol", 1, bad_json);
    cr_assert(strstr(err, "not valid JSON"), "%s", err);
    free(err);
    err = fails("carol", 1, empty_title);
    cr_assert(strstr(err, "/title must not be empty (400)"), "%s", err);
    free(err);
    err = fails("carol", 2, neither);
    free(err);
    err = fails("carol", 2, text_wrong_kind);
    cr_assert(strstr(err, "--text is for agreement.adopt"), "%s", err);
    free(err);
    free(path);
    free(at);
}

/* A free loopback port, as the harness finds one. */
static int free_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
}

/* make run: tools/demo-run seeds the folder once and serves it. */
Test(member, demo_run_seeds_and_serves)
{
    char *out_path = t_fmt("%s/demo-run.out", dir);
    char *text;
    FILE *f;
    long size;

    for (int round = 0; round < 2; round++) {
        int port = free_port();
        bool up = false;
        cr_assert_gt(port, 0);
        memset(&srv, 0, sizeof srv);
        srv.port = port;
        snprintf(srv.base, sizeof srv.base, "http://127.0.0.1:%d", port);
        srv.pid = fork();
        cr_assert_geq(srv.pid, 0);
        if (srv.pid == 0) {
            char listen[64];
            int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
            setenv("ACCORD_LISTEN", listen, 1);
            setenv("ACCORD_DEMO_DATA", data, 1);
            setenv("ACCORD_BIN", t_bin(), 1);
            dup2(fd, 1);
            execl("/bin/sh", "sh", "tools/demo-run", (char *)NULL);
            _exit(127);
        }
        for (int i = 0; i < 200 && !up; i++) {
            struct t_resp r = t_http(&srv, "GET", "/api/v1/health", NULL, NULL);
            up = r.status == 200;
            t_resp_free(&r);
            if (!up) {
                usleep(50 * 1000);
            }
        }
        cr_assert(up, "tools/demo-run did not serve on %s", srv.base);
        {
            char *token = t_login(&srv, "erin", DEMO_PASSWORD);
            cr_assert_not_null(token, "the demo's members can log in");
            free(token);
        }
        cr_assert_eq(t_server_stop(&srv, SIGTERM), 0);
    }
    f = fopen(out_path, "r");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)size + 1);
    cr_assert_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    cr_assert(strstr(text, "created in"), "%s", text);
    cr_assert(strstr(text, "already holds an organisation"),
              "the second run keeps the data: %s", text);
    cr_assert(strstr(text, "curl -s -X POST http://127.0.0.1:"), "%s", text);
    cr_assert(strstr(text, "login --server http://127.0.0.1:"), "%s", text);
    free(text);
    free(out_path);
}

/* A member's own copy of the log, saved through the API, is the operator's
 * export to the byte, and verifies offline. */
Test(member, saves_the_log_as_the_operator_exports_it)
{
    const char *all[] = {"events", "--jsonl", NULL};
    const char *part[] = {"events",  "--jsonl", "--after", "50",
                          "--limit", "3",       NULL};
    const char *export[] = {"export", "--data", data, NULL};
    char *mine, *theirs, *some, *path, *vout = NULL;
    const char *verify[3] = {"verify", NULL, NULL};
    FILE *f;
    size_t lines = 0;

    start_demo();
    login("bob");
    mine = ok("bob", all);
    cr_assert_eq(t_run(export, NULL, NULL, &theirs, NULL), 0);
    cr_assert_str_eq(mine, theirs);
    for (const char *p = mine; *p; p++) {
        lines += *p == '\n';
    }
    cr_assert_eq(lines, 56);

    path = t_fmt("%s/mine.jsonl", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(mine, f);
    fclose(f);
    verify[1] = path;
    cr_assert_eq(t_run(verify, NULL, NULL, &vout, NULL), 0, "%s", vout);
    cr_assert(strncmp(vout, "ok: 56 events, head ", 20) == 0, "%s", vout);

    some = ok("bob", part);
    cr_assert(strncmp(some, "{\"actor\":", 9) == 0, "%s", some);
    cr_assert(strstr(some, "\"seq\":51,"), "%s", some);
    cr_assert(strstr(some, "\"seq\":53,"), "%s", some);
    cr_assert_null(strstr(some, "\"seq\":54,"), "%s", some);
    free(some);
    free(vout);
    free(path);
    free(mine);
    free(theirs);
}

Test(member, choice_ballots_result_and_integration)
{
    const char *propose[] = {"propose",
                             "--circle",
                             "tools",
                             "--kind",
                             "choice",
                             "--title",
                             "Which drill to buy",
                             "--data",
                             "{\"options\":[\"corded\",\"cordless\","
                             "\"second-hand\"]}",
                             NULL};
    const char *bad[] = {"ballot", NULL, "--rank", "2,,1", NULL};
    const char *both[] = {"ballot",    NULL, "--rank", "1",
                          "--approve", "1",  NULL};
    const char *bob_ballot[] = {"ballot", NULL, "--rank", "2,1=3", NULL};
    const char *alice_ballot[] = {"ballot", NULL, "--rank", "2>3", NULL};
    const char *result[] = {"result", NULL, NULL};
    const char *integrate[] = {
        "integrate",          "p9", "--objector", "carol", "--suggestion",
        "local where we can", NULL};
    const char *not_mine[] = {"integrate",    "p9", "--objector", "carol",
                              "--suggestion", "x",  NULL};
    char *out, *id, *err;

    start_demo();
    login("alice");
    login("bob");
    login("erin");
    out = ok("alice", propose);
    cr_assert(strstr(out, "opened p"), "%s", out);
    id = strndup(strstr(out, "opened p") + 7,
                 strcspn(strstr(out, "opened p") + 7, " "));
    free(out);
    bad[1] = both[1] = bob_ballot[1] = alice_ballot[1] = result[1] = id;
    err = fails("bob", 1, bad);
    cr_assert(strstr(err, "ends after a separator") ||
                  strstr(err, "expected an option number"),
              "%s", err);
    free(err);
    free(fails("bob", 2, both));
    out = ok("bob", bob_ballot);
    cr_assert(strstr(out, "is open"), "%s", out);
    free(out);
    out = ok("alice", alice_ballot);
    cr_assert(strstr(out, "is decided: option 2 \"cordless\" wins"), "%s", out);
    free(out);
    out = ok("erin", result);
    cr_assert(strstr(out, "2 ballot(s), final"), "%s", out);
    cr_assert(strstr(out, "   1. 2 cordless"), "%s", out);
    cr_assert(strstr(out, "pairwise: voters preferring"), "%s", out);
    free(out);
    out = show("erin", id);
    cr_assert(strstr(out, "ballot"), "%s", out);
    cr_assert(strstr(out, "\"ranking\":[[2],[1,3]]"), "%s", out);
    free(out);

    /* anyone with the log recounts it offline, to the same result */
    {
        const char *events[] = {"events", "--jsonl", NULL};
        const char *rjson[] = {"result", id, "--json", NULL};
        char *log = ok("erin", events), *file = t_fmt("%s/coop.jsonl", dir);
        const char *tally[] = {"tally", file, id, "--json", NULL};
        const char *wrong[] = {"tally", file, "p1", NULL};
        FILE *f = fopen(file, "w");
        char *offline, *online;
        json_t *a, *b;
        cr_assert_not_null(f);
        fputs(log, f);
        fclose(f);
        offline = ok("erin", tally);
        online = ok("erin", rjson);
        a = json_loads(offline, 0, NULL);
        b = json_loads(online, 0, NULL);
        cr_assert(a && b && json_equal(a, b), "offline %s\nonline %s", offline,
                  online);
        json_decref(a);
        json_decref(b);
        err = fails("erin", 1, wrong);
        cr_assert(strstr(err, "not a choice"), "%s", err);
        free(err);
        free(offline);
        free(online);
        free(log);
        free(file);
    }

    /* p9: bob's proposal that carol objected to */
    err = fails("erin", 5, not_mine);
    cr_assert(strstr(err, "only the author"), "%s", err);
    free(err);
    free(ok("bob", integrate));
    out = show("erin", "p9");
    cr_assert(strstr(out, "objections:"), "%s", out);
    cr_assert(strstr(out, "suggested by bob: local where we can"), "%s", out);
    free(out);
    free(id);
}

Test(member, a_role_filled_by_lot)
{
    const char *create[] = {
        "propose",
        "--circle",
        "tools",
        "--kind",
        "role.create",
        "--title",
        "A tool keeper",
        "--data",
        "{\"id\":\"keeper\",\"name\":\"Tool keeper\",\"purpose\":\"Tools "
        "in their place\",\"accountabilities\":[\"inventory\"],"
        "\"term_days\":30}",
        NULL};
    const char *draw[] = {"propose",
                          "--circle",
                          "tools",
                          "--kind",
                          "role.draw",
                          "--title",
                          "Draw a keeper",
                          "--data",
                          "{\"role\":\"keeper\"}",
                          NULL};
    const char *vol[] = {"volunteer", NULL, NULL};
    const char *pass[] = {"pass", NULL, NULL};
    const char *reveal[] = {"reveal", NULL, NULL};
    const char *bad[] = {"reveal", NULL, "--secret", "not mine", NULL};
    const char *roles[] = {"roles", NULL};
    char *out, *id, *cid, *err;

    start_demo();
    login("alice");
    login("bob");
    out = ok("alice", create);
    cid = strndup(strstr(out, "opened p") + 7,
                  strcspn(strstr(out, "opened p") + 7, " "));
    free(out);
    position("alice", cid, "consent", NULL);
    position("bob", cid, "consent", NULL);
    out = ok("bob", roles);
    cr_assert(strstr(out, "keeper"), "%s", out);
    free(out);

    out = ok("alice", draw);
    id = strndup(strstr(out, "opened p") + 7,
                 strcspn(strstr(out, "opened p") + 7, " "));
    free(out);
    vol[1] = pass[1] = reveal[1] = bad[1] = id;
    out = ok("alice", vol);
    cr_assert(strstr(out, "your secret is kept in"), "%s", out);
    free(out);
    out = ok("bob", pass);
    cr_assert(strstr(out, "reveal phase"), "%s", out);
    free(out);
    err = fails("alice", 1, bad);
    cr_assert(strstr(err, "does not match your commitment"), "%s", err);
    free(err);
    out = ok("alice", reveal);
    cr_assert(strstr(out, "is decided: alice drawn by lot"), "%s", out);
    free(out);
    out = ok("bob", roles);
    cr_assert(strstr(out, "alice"), "%s", out);
    free(out);
    free(id);
    free(cid);
}

Test(member, ballots_collected_elsewhere_are_imported_by_consent)
{
    char *file = t_fmt("%s/preflib/drinks.toi", u_data_dir());
    const char *propose[] = {"propose",
                             "--circle",
                             "tools",
                             "--kind",
                             "choice.import",
                             "--title",
                             "Drinks, from the paper ballots",
                             "--from-preflib",
                             file,
                             "--source",
                             "the meeting of 3 May",
                             NULL};
    const char *wrong[] = {"propose", "--circle", "tools", "--kind",
                           "choice",  "--title",  "x",     "--from-preflib",
                           file,      NULL};
    const char *result[] = {"result", NULL, NULL};
    char *out, *id, *err;

    start_demo();
    login("alice");
    login("bob");
    err = fails("alice", 2, wrong);
    cr_assert(strstr(err, "--from-preflib is for choice.import"), "%s", err);
    free(err);
    out = ok("alice", propose);
    id = strndup(strstr(out, "opened p") + 7,
                 strcspn(strstr(out, "opened p") + 7, " "));
    free(out);
    out = show("bob", id);
    cr_assert(strstr(out, "Coffee"), "the file's names are the options: %s",
              out);
    free(out);
    position("alice", id, "consent", NULL);
    position("bob", id, "consent", NULL);
    result[1] = id;
    out = ok("bob", result);
    cr_assert(strstr(out, "9 ballot(s), final"), "%s", out);
    cr_assert(strstr(out, "   1. 2 Coffee"), "%s", out);
    free(out);
    free(id);
    free(file);
}

/* Proposes as who (kind, title, then option pairs) and returns the id. */
static char *propose_as(const char *who, const char *const args[])
{
    char *out = ok(who, args), *at = strstr(out, "opened p"), *id;
    cr_assert_not_null(at, "%s", out);
    id = strndup(at + 7, strcspn(at + 7, " "));
    free(out);
    return id;
}

/* Fees into the pool, a budget for the tool library and one spend, each
 * adopted by its circle; then accord ledger as text, CSV and JSON. */
Test(member, ledger_shows_budgets_and_movements)
{
    static const char *const everyone[] = {"alice", "bob", "carol", "dana",
                                           "erin"};
    const char *income[] = {
        "propose",
        "--circle",
        "all",
        "--kind",
        "income",
        "--title",
        "Fees",
        "--data",
        "{\"amount\":150000,\"source\":\"Membership fees, 2026\"}",
        NULL};
    const char *allocate[] = {"propose",
                              "--circle",
                              "all",
                              "--kind",
                              "budget.allocate",
                              "--title",
                              "Tool budget",
                              "--data",
                              "{\"circle\":\"tools\",\"amount\":40000}",
                              NULL};
    const char *spend[] = {"propose",
                           "--circle",
                           "tools",
                           "--kind",
                           "spend",
                           "--title",
                           "A new saw",
                           "--data",
                           "{\"circle\":\"tools\",\"amount\":8990,\"payee\":"
                           "\"Hardware shop\",\"purpose\":\"A saw, "
                           "\\\"sharp\\\"\\n\\u001b[31mred\"}",
                           NULL};
    const char *plain[] = {"ledger", NULL};
    const char *csv[] = {"ledger", "--csv", NULL};
    const char *both[] = {"ledger", "--csv", "--json", NULL};
    const char *as_json[] = {"ledger", "--json", NULL};
    json_t *j;
    char *out, *err, *id;

    start_demo();
    for (size_t i = 0; i < 5; i++) {
        login(everyone[i]);
    }
    id = propose_as("dana", income);
    for (size_t i = 0; i < 5; i++) {
        position(everyone[i], id, "consent", NULL);
    }
    free(id);
    id = propose_as("erin", allocate);
    for (size_t i = 0; i < 5; i++) {
        position(everyone[i], id, "consent", NULL);
    }
    free(id);
    id = propose_as("bob", spend);
    position("alice", id, "consent", NULL);
    position("bob", id, "consent", NULL);
    free(id);

    out = ok("erin", plain);
    cr_assert(strstr(out, "budgets (EUR)"), "%s", out);
    cr_assert(strstr(out, "pool") && strstr(out, "1100.00 EUR"), "%s", out);
    cr_assert(strstr(out, "tools") && strstr(out, "310.10 EUR"), "%s", out);
    cr_assert(strstr(out, "from Membership fees, 2026"), "%s", out);
    cr_assert(strstr(out, "to Hardware shop: A saw, \"sharp\"  [31mred (p"),
              "text on one line, without its escape: %s", out);
    cr_assert_null(strchr(out, '\x1b'), "%s", out);
    free(out);

    out = ok("erin", csv);
    cr_assert(
        strncmp(out, "seq,time,kind,proposal,author,from,to,amount,", 45) == 0,
        "%s", out);
    cr_assert(strstr(out, ",tools,outside,8990,89.90,EUR,,Hardware shop,"
                          "\"A saw, \"\"sharp\"\"\n\x1b[31mred\"\r\n"),
              "%s", out);
    free(out);

    j = json_of("erin", as_json);
    cr_assert_eq(json_integer_value(
                     json_object_get(json_object_get(j, "balances"), "tools")),
                 31010);
    cr_assert_eq(json_array_size(json_object_get(j, "movements")), 3);
    json_decref(j);

    err = fails("erin", 2, both);
    cr_assert(strstr(err, "--csv or --json"), "%s", err);
    free(err);

    /* a budgeting round in tools: 100.00 shared by alice and bob */
    {
        const char *round[] = {"propose",
                               "--circle",
                               "tools",
                               "--kind",
                               "budget.round",
                               "--title",
                               "Spring round",
                               "--data",
                               "{\"pot\":10000,\"days\":7}",
                               NULL};
        const char *bucket[] = {"bucket",   "r1",   "--title", "A vice",
                                "--target", "6000", NULL};
        const char *pledge_a[] = {"pledge", "b1", "5000", NULL};
        const char *pledge_b[] = {"pledge", "b1", "1000", NULL};
        const char *too_much[] = {"pledge", "b1", "50.00", NULL};
        const char *show[] = {"round", "r1", NULL};
        id = propose_as("alice", round);
        position("alice", id, "consent", NULL);
        position("bob", id, "consent", NULL);
        free(id);
        out = ok("bob", bucket);
        cr_assert(strstr(out, "b1    0 of 6000  A vice (by bob)"), "%s", out);
        free(out);
        err = fails("alice", 2, too_much);
        cr_assert(strstr(err, "whole number of minor units"), "%s", err);
        free(err);
        free(ok("alice", pledge_a));
        out = ok("bob", pledge_b);
        cr_assert(strstr(out, "b1    6000 of 6000 funded  A vice"), "%s", out);
        free(out);
        out = ok("carol", show);
        cr_assert(strstr(out, "round r1 of circle tools"), "%s", out);
        cr_assert(strstr(out, "share 5000 each, open until"), "%s", out);
        free(out);
    }
}

/* Commitments through the CLI: made, updated by their member only,
 * listed, and the check-in list of a circle. */
Test(member, commitments_are_made_and_updated_by_their_member)
{
    const char *commit[] = {"commit",        "--circle", "tools",      "--what",
                            "Oil the drill", "--by",     "2999-01-01", NULL};
    const char *past[] = {"commit",   "--circle", "tools",      "--what",
                          "Too late", "--by",     "2001-01-01", NULL};
    const char *by_bob[] = {"update", "c1", "done", NULL};
    const char *bare[] = {"update", "c1", "progress", NULL};
    const char *done[] = {"update", "c1", "done", "--note", "Oiled", NULL};
    const char *list[] = {"commitments", "--member", "alice", NULL};
    const char *checkin[] = {"checkin", "tools", NULL};
    char *out, *err;

    start_demo();
    login("alice");
    login("bob");
    out = ok("alice", commit);
    cr_assert(strstr(out, "you committed to tools: Oil the drill, by "
                          "2999-01-01 (c1)"),
              "%s", out);
    free(out);
    err = fails("alice", 1, past);
    cr_assert(strstr(err, "is in the past"), "%s", err);
    free(err);
    err = fails("bob", 5, by_bob);
    cr_assert(strstr(err, "only they update it"), "%s", err);
    free(err);
    err = fails("alice", 1, bare);
    cr_assert(strstr(err, "must say what progress was made"), "%s", err);
    free(err);
    out = ok("alice", done);
    cr_assert(strstr(out, "c1 is done"), "%s", out);
    free(out);
    out = ok("bob", list);
    cr_assert(strstr(out, "c1") && strstr(out, "Oil the drill") &&
                  strstr(out, "done"),
              "%s", out);
    free(out);
    out = ok("bob", checkin);
    cr_assert(strstr(out, "nothing to check in on in tools"), "%s", out);
    free(out);
}
