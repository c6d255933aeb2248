/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The operator commands, black box: init, export, verify, demo, help and
 * usage errors, run as the real binary over temporary data folders. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/harness.h"

static char *dir;  /* temporary folder of the test */
static char *data; /* dir/org: a data folder */
static char *cfg;  /* ACCORD_CONFIG=dir/session */

static void setup(void)
{
    dir = t_tmpdir();
    cr_assert_not_null(dir);
    data = t_fmt("%s/org", dir);
    cfg = t_fmt("ACCORD_CONFIG=%s/session", dir);
    /* the tests say where passwords come from, never the caller's shell */
    unsetenv("ACCORD_PASSWORD");
    unsetenv("ACCORD_SERVER");
    unsetenv("ACCORD_TOKEN");
}

static void teardown(void)
{
    t_rmrf(dir);
    free(dir);
    free(data);
    free(cfg);
}

TestSuite(init, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(verify, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(demo, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(usage, .init = setup, .fini = teardown, .timeout = 60);

/* Runs accord with a password in the environment (NULL: none). */
static int run(const char *const args[], const char *password, char **out,
               char **err)
{
    char *pw = password ? t_fmt("ACCORD_PASSWORD=%s", password) : NULL;
    const char *env[] = {cfg, pw, NULL};
    int rc = t_run(args, env, NULL, out, err);
    free(pw);
    return rc;
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static char *db_path(void)
{
    return t_fmt("%s/accord.db", data);
}

/* Writes text to dir/name; returns the path. */
static char *write_file(const char *name, const char *text, size_t len)
{
    char *path = t_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

/* The seq of the line of an export holding needle, 0 when none. */
static int line_of(const char *jsonl, const char *needle)
{
    const char *hit = strstr(jsonl, needle);
    int line = 1;
    if (!hit) {
        return 0;
    }
    for (const char *p = jsonl; p < hit; p++) {
        line += *p == '\n';
    }
    return line;
}

static char *make_demo(void)
{
    const char *args[] = {"demo", "--data", data, NULL};
    char *out = NULL, *err = NULL;
    int rc = run(args, NULL, &out, &err);
    cr_assert_eq(rc, 0, "demo failed (%d): %s", rc, err);
    free(err);
    return out;
}

static char *export_log(void)
{
    const char *args[] = {"export", "--data", data, NULL};
    char *out = NULL, *err = NULL;
    int rc = run(args, NULL, &out, &err);
    cr_assert_eq(rc, 0, "export failed (%d): %s", rc, err);
    free(err);
    return out;
}

/* ---- init ---- */

Test(init, creates_the_organisation_and_its_founder)
{
    const char *args[] = {"init",         "--data",    data,    "--org",
                          "Test Org",     "--founder", "alice", "--name",
                          "Alice Moreau", NULL};
    const char *vargs[] = {"verify", "--data", data, NULL};
    char *out = NULL, *err = NULL, *vout = NULL;
    char *db = db_path();
    int rc = run(args, "secret-pass-1", &out, &err);

    cr_assert_eq(rc, 0, "init failed (%d): %s", rc, err);
    cr_assert(strstr(out, "Test Org"), "%s", out);
    cr_assert(strstr(out, "alice (Alice Moreau)"), "%s", out);
    cr_assert(strstr(out, "head"), "%s", out);
    if (!t_pg()) {
        cr_assert(exists(db));
    }
    {
        char *n = t_sql(data, "SELECT count(*) FROM events", NULL);
        cr_assert_str_eq(n, "1");
        free(n);
    }
    cr_assert_eq(run(vargs, NULL, &vout, NULL), 0);
    cr_assert(strncmp(vout, "ok: 1 events, head ", 19) == 0, "%s", vout);
    /* the head init prints is the one verify finds */
    {
        char head[65];
        memcpy(head, vout + 19, 64);
        head[64] = '\0';
        cr_assert(strstr(out, head), "init printed %s, verify %s", out, vout);
    }
    free(db);
    free(out);
    free(err);
    free(vout);
}

Test(init, reads_the_password_from_standard_input)
{
    const char *args[] = {"init",     "--data",    data,    "--org",
                          "Test Org", "--founder", "alice", NULL};
    const char *env[] = {cfg, NULL};
    char *err = NULL;
    int rc = t_run(args, env, "secret-pass-1\n", NULL, &err);
    cr_assert_eq(rc, 0, "init failed (%d): %s", rc, err);
    free(err);
}

Test(init, refuses_a_folder_that_holds_an_organisation)
{
    const char *args[] = {"init",     "--data",    data,    "--org",
                          "Test Org", "--founder", "alice", NULL};
    const char *again[] = {"init",      "--data",    data,  "--org",
                           "Other Org", "--founder", "bob", NULL};
    const char *vargs[] = {"verify", "--data", data, NULL};
    char *err = NULL, *vout = NULL;
    int rc;

    cr_assert_eq(run(args, "secret-pass-1", NULL, NULL), 0);
    rc = run(again, "secret-pass-2", NULL, &err);
    cr_assert_neq(rc, 0);
    cr_assert(strstr(err, "already holds an organisation"), "%s", err);
    cr_assert(strncmp(err, "accord: ", 8) == 0, "%s", err);
    /* nothing was added */
    cr_assert_eq(run(vargs, NULL, &vout, NULL), 0);
    cr_assert(strstr(vout, "ok: 1 events"), "%s", vout);
    free(err);
    free(vout);
}

Test(init, refuses_a_bad_founder_id)
{
    const char *args[] = {"init",     "--data",    data,        "--org",
                          "Test Org", "--founder", "Bob Smith", NULL};
    char *err = NULL, *db = db_path();
    int rc = run(args, "secret-pass-1", NULL, &err);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "not a valid member id"), "%s", err);
    cr_assert_not(exists(db), "a refused init must not create %s", db);
    free(db);
    free(err);
}

Test(init, refuses_a_short_password)
{
    const char *args[] = {"init",     "--data",    data,    "--org",
                          "Test Org", "--founder", "alice", NULL};
    char *err = NULL, *db = db_path();
    int rc = run(args, "short", NULL, &err);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "at least 8 characters"), "%s", err);
    cr_assert_not(exists(db));
    free(db);
    free(err);
}

Test(init, refuses_when_no_password_is_given)
{
    const char *args[] = {"init",     "--data",    data,    "--org",
                          "Test Org", "--founder", "alice", NULL};
    const char *env[] = {cfg, NULL};
    char *err = NULL;
    int rc = t_run(args, env, "", NULL, &err);
    cr_assert_neq(rc, 0);
    cr_assert(strstr(err, "password"), "%s", err);
    free(err);
}

Test(init, needs_every_required_option)
{
    const char *args[] = {"init", "--data", data, "--founder", "alice", NULL};
    char *err = NULL;
    int rc = run(args, "secret-pass-1", NULL, &err);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "--org"), "%s", err);
    free(err);
}

/* ---- export and verify ---- */

Test(verify, export_and_verify_round_trip)
{
    char *demo = make_demo();
    char *jsonl = export_log();
    char *path = write_file("log.jsonl", jsonl, strlen(jsonl));
    const char *fargs[] = {"verify", path, NULL};
    const char *dargs[] = {"verify", "--data", data, NULL};
    const char *sargs[] = {"verify", "-", NULL};
    const char *env[] = {cfg, NULL};
    char *fout = NULL, *dout = NULL, *sout = NULL;
    int lines = 0;

    for (const char *p = jsonl; *p; p++) {
        lines += *p == '\n';
    }
    cr_assert_gt(lines, 40);
    cr_assert_eq(run(fargs, NULL, &fout, NULL), 0);
    cr_assert_eq(run(dargs, NULL, &dout, NULL), 0);
    cr_assert_eq(t_run(sargs, env, jsonl, &sout, NULL), 0);
    cr_assert_str_eq(fout, dout);
    cr_assert_str_eq(sout, dout);
    {
        char *want = t_fmt("ok: %d events, head ", lines);
        cr_assert(strncmp(dout, want, strlen(want)) == 0, "%s", dout);
        cr_assert_eq(strlen(dout), strlen(want) + 64 + 1, "%s", dout);
        free(want);
    }
    /* every line is an event with its hash; no secrets */
    cr_assert(strstr(jsonl, "\"hash\":"));
    cr_assert_null(strstr(jsonl, "argon2"));
    cr_assert_null(strstr(jsonl, "demo-password"));
    free(demo);
    free(jsonl);
    free(path);
    free(fout);
    free(dout);
    free(sout);
}

Test(verify, names_the_event_edited_in_the_database)
{
    char *demo = make_demo();
    const char *args[] = {"verify", "--data", data, NULL};
    char *err = NULL, *want, *found;
    long changed = 0;
    int seq, rc;

    found = t_sql(data,
                  "SELECT seq FROM events WHERE body "
                  "LIKE '%\"title\":\"Opening hours\"%'",
                  NULL);
    cr_assert_not_null(found);
    seq = (int)strtol(found, NULL, 10);
    free(found);
    cr_assert_gt(seq, 1);
    {
        char *sql = t_fmt("UPDATE events SET body=replace(body,'Opening "
                          "hours','Closing hours') WHERE seq=%d",
                          seq);
        char *none = t_sql(data, sql, &changed);
        cr_assert_not_null(none);
        cr_assert_eq(changed, 1);
        free(none);
        free(sql);
    }

    rc = run(args, NULL, NULL, &err);
    cr_assert_neq(rc, 0);
    cr_assert_eq(rc, 8, "exit %d: %s", rc, err);
    want = t_fmt("event %d", seq);
    cr_assert(strstr(err, want), "wanted \"%s\" in: %s", want, err);
    cr_assert(strncmp(err, "accord: verify failed: ", 23) == 0, "%s", err);
    free(want);
    free(demo);
    free(err);
}

Test(verify, names_the_event_edited_in_an_export)
{
    char *demo = make_demo();
    char *jsonl = export_log();
    int seq = line_of(jsonl, "\"title\":\"Opening hours\"");
    char *hit = strstr(jsonl, "Opening hours");
    char *path, *err = NULL, *want;
    int rc;

    cr_assert_gt(seq, 1);
    memcpy(hit, "Closing", 7);
    path = write_file("edited.jsonl", jsonl, strlen(jsonl));
    {
        const char *args[] = {"verify", path, NULL};
        rc = run(args, NULL, NULL, &err);
    }
    cr_assert_eq(rc, 8, "exit %d: %s", rc, err);
    want = t_fmt("event %d", seq);
    cr_assert(strstr(err, want), "wanted \"%s\" in: %s", want, err);
    free(want);
    free(path);
    free(jsonl);
    free(demo);
    free(err);
}

Test(verify, names_the_event_cut_off_in_a_truncated_file)
{
    char *demo = make_demo();
    char *jsonl = export_log();
    size_t len = strlen(jsonl);
    int lines = 0;
    char *path, *err = NULL, *want;
    int rc;

    for (const char *p = jsonl; *p; p++) {
        lines += *p == '\n';
    }
    /* cut the last line in half */
    path = write_file("cut.jsonl", jsonl, len - 40);
    {
        const char *args[] = {"verify", path, NULL};
        rc = run(args, NULL, NULL, &err);
    }
    cr_assert_neq(rc, 0);
    want = t_fmt("event %d", lines);
    cr_assert(strstr(err, want), "wanted \"%s\" in: %s", want, err);
    cr_assert(strstr(err, "verify failed"), "%s", err);
    free(want);
    free(path);
    free(jsonl);
    free(demo);
    free(err);
}

Test(verify, finds_a_missing_event)
{
    char *demo = make_demo();
    char *jsonl = export_log();
    char *third = strchr(strchr(jsonl, '\n') + 1, '\n') + 1;
    char *fourth = strchr(third, '\n') + 1;
    char *path, *err = NULL;
    int rc;

    /* drop event 3: event 4 no longer follows */
    memmove(third, fourth, strlen(fourth) + 1);
    path = write_file("gap.jsonl", jsonl, strlen(jsonl));
    {
        const char *args[] = {"verify", path, NULL};
        rc = run(args, NULL, NULL, &err);
    }
    cr_assert_eq(rc, 8, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "event 4") || strstr(err, "event 3"), "%s", err);
    free(path);
    free(jsonl);
    free(demo);
    free(err);
}

Test(verify, needs_a_folder_or_a_file)
{
    const char *none[] = {"verify", NULL};
    const char *both[] = {"verify", "--data", data, "x.jsonl", NULL};
    const char *missing[] = {"verify", "no-such-file.jsonl", NULL};
    char *err = NULL;
    cr_assert_eq(run(none, NULL, NULL, &err), 2, "%s", err);
    free(err);
    cr_assert_eq(run(both, NULL, NULL, &err), 2, "%s", err);
    free(err);
    cr_assert_neq(run(missing, NULL, NULL, &err), 0);
    cr_assert(strstr(err, "no-such-file.jsonl"), "%s", err);
    free(err);
}

Test(verify, export_of_a_missing_organisation_fails)
{
    const char *args[] = {"export", "--data", data, NULL};
    char *out = NULL, *err = NULL;
    int rc = run(args, NULL, &out, &err);
    cr_assert_eq(rc, 3, "exit %d: %s", rc, err);
    cr_assert_str_eq(out, "");
    cr_assert(strstr(err, "no organisation"), "%s", err);
    free(out);
    free(err);
}

/* ---- demo ---- */

Test(demo, creates_the_organisation_once)
{
    char *out = make_demo(), *again = NULL, *v1 = NULL, *v2 = NULL;
    const char *args[] = {"demo", "--data", data, NULL};
    const char *vargs[] = {"verify", "--data", data, NULL};
    char *jsonl;

    cr_assert(strstr(out, "Riverside Food Co-op"), "%s", out);
    cr_assert(strstr(out, "demo-password-1"), "%s", out);
    cr_assert(strstr(out, "curl"), "%s", out);
    cr_assert(strstr(out, "accord login"), "%s", out);
    cr_assert_eq(run(vargs, NULL, &v1, NULL), 0);
    cr_assert_eq(run(args, NULL, &again, NULL), 0);
    cr_assert(strstr(again, "already holds an organisation"), "%s", again);
    cr_assert_eq(run(vargs, NULL, &v2, NULL), 0);
    cr_assert_str_eq(v1, v2);

    /* the story: members joined, a circle, agreements, every status */
    jsonl = export_log();
    for (const char *m = "bob\0carol\0dana\0erin\0"; *m; m += strlen(m) + 1) {
        char *joined =
            t_fmt("{\"actor\":\"%s\",\"data\":{\"member\":\"%s\"}", m, m);
        cr_assert(strstr(jsonl, joined), "%s did not join", m);
        free(joined);
    }
    cr_assert(strstr(jsonl, "\"kind\":\"circle.create\""));
    cr_assert(strstr(jsonl, "\"agreement\":\"a2\""));
    cr_assert(strstr(jsonl, "\"kind\":\"agreement.amend\""));
    cr_assert(strstr(jsonl, "\"status\":\"needs_integration\""));
    cr_assert(strstr(jsonl, "\"position\":\"object\""));
    cr_assert(strstr(jsonl, "\"position\":\"concern\""));
    free(jsonl);
    free(out);
    free(again);
    free(v1);
    free(v2);
}

Test(demo, admits_generated_members)
{
    const char *args[] = {"demo", "--data", data, "--members", "60", NULL};
    const char *vargs[] = {"verify", "--data", data, NULL};
    char *out = NULL, *err = NULL, *vout = NULL, *jsonl;
    int rc = run(args, NULL, &out, &err);

    cr_assert_eq(rc, 0, "demo failed (%d): %s", rc, err);
    cr_assert(strstr(out, "65 active members"), "%s", out);
    cr_assert(strstr(out, "m0001..m0060"), "%s", out);
    cr_assert_eq(run(vargs, NULL, &vout, NULL), 0);
    /* 55 events of the story (the last round stays open), 4 per member */
    cr_assert(strstr(vout, "ok: 295 events"), "%s", vout);
    jsonl = export_log();
    cr_assert(strstr(jsonl, "{\"actor\":\"m0060\",\"data\":{\"member\":"
                            "\"m0060\"}"));
    free(jsonl);
    free(out);
    free(err);
    free(vout);
}

Test(demo, opens_generated_proposals)
{
    const char *args[] = {"demo", "--data", data, "--proposals", "30", NULL};
    const char *vargs[] = {"verify", "--data", data, NULL};
    char *out = NULL, *err = NULL, *vout = NULL, *jsonl;
    int rc = run(args, NULL, &out, &err);

    cr_assert_eq(rc, 0, "demo failed (%d): %s", rc, err);
    cr_assert(strstr(out, "41 proposals"), "%s", out);
    cr_assert(strstr(out, "the generated proposals p12..p41 are open"), "%s",
              out);
    cr_assert_eq(run(vargs, NULL, &vout, NULL), 0, "%s", vout);
    /* 56 events of the story (all five close the last round), one per
     * proposal, and two or three positions on every third of them */
    cr_assert(strstr(vout, "ok: 111 events"), "%s", vout);
    jsonl = export_log();
    cr_assert(strstr(jsonl, "\"id\":\"p41\",\"kind\":\"agreement.adopt\""));
    cr_assert(strstr(jsonl, "\"text\":\"# Bulk order of oats and lentils\\n"));
    cr_assert(strstr(jsonl, "{\"position\":\"concern\",\"proposal\":\"p39\","
                            "\"reason\":"));
    /* every generated round is still open: the system closed none */
    cr_assert(strstr(jsonl, "{\"actor\":\"system\",\"data\":{\"proposal\":"
                            "\"p11\","));
    for (int i = 12; i <= 41; i++) {
        char *closed = t_fmt("{\"actor\":\"system\",\"data\":{\"proposal\":"
                             "\"p%d\",",
                             i);
        cr_assert_null(strstr(jsonl, closed), "p%d closed", i);
        free(closed);
    }
    free(jsonl);
    free(out);
    free(err);
    free(vout);
}

Test(demo, refuses_a_bad_proposal_count)
{
    const char *args[] = {"demo", "--data", data, "--proposals", "-1", NULL};
    const char *big[] = {"demo", "--data", data, "--proposals", "100001", NULL};
    char *err = NULL, *err2 = NULL;
    cr_assert_eq(run(args, NULL, NULL, &err), 2, "%s", err);
    cr_assert(strstr(err, "--proposals"), "%s", err);
    cr_assert_eq(run(big, NULL, NULL, &err2), 2, "%s", err2);
    if (t_pg()) {
        char *none = t_sql(data, "SELECT to_regclass('events') IS NULL", NULL);
        cr_assert_str_eq(none, "t", "a refused demo made its store");
        free(none);
    } else {
        cr_assert_not(exists(data), "a refused demo made its data folder");
    }
    free(err);
    free(err2);
}

Test(demo, refuses_a_bad_member_count)
{
    const char *args[] = {"demo", "--data", data, "--members", "lots", NULL};
    char *err = NULL;
    cr_assert_eq(run(args, NULL, NULL, &err), 2, "%s", err);
    cr_assert(strstr(err, "--members"), "%s", err);
    free(err);
}

/* ---- help and usage ---- */

static const struct {
    const char *verb;
    const char *opts[8];
} helps[] = {
    {"init", {"--data", "--org", "--founder", "--name", NULL}},
    {"serve", {"--data", "--listen", NULL}},
    {"export", {"--data", NULL}},
    {"verify", {"--data", "FILE", NULL}},
    {"demo", {"--data", "--members", "--proposals", NULL}},
    {"login", {"--server", "--member", "ACCORD_PASSWORD", NULL}},
    {"logout", {NULL}},
    {"join", {"--server", "--invite", NULL}},
    {"org", {"--json", NULL}},
    {"members", {"--json", NULL}},
    {"circles", {"--json", NULL}},
    {"proposals", {"--status", "--circle", "--json", NULL}},
    {"show", {"ID", "--json", NULL}},
    {"propose",
     {"--circle", "--kind", "--title", "--data", "--text", "--review-by",
      "--json", NULL}},
    {"position",
     {"consent", "concern", "object", "stand_aside", "--reason", NULL}},
    {"amend", {"--title", "--data", "--text", NULL}},
    {"withdraw", {"ID", NULL}},
    {"invite", {"ID", NULL}},
    {"agreements", {"--json", NULL}},
    {"agreement", {"ID", "--json", NULL}},
    {"events", {"--after", "--limit", "--json", NULL}},
};

Test(usage, every_command_has_help)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        const char *args[] = {helps[i].verb, "--help", NULL};
        char *out = NULL, *usage = t_fmt("usage: accord %s", helps[i].verb);
        int rc = run(args, NULL, &out, NULL);
        cr_assert_eq(rc, 0, "%s --help exited %d", helps[i].verb, rc);
        cr_assert(strstr(out, usage), "%s", out);
        cr_assert(strstr(out, "--help"), "%s", out);
        for (size_t k = 0; helps[i].opts[k]; k++) {
            cr_assert(strstr(out, helps[i].opts[k]),
                      "accord %s --help does not mention %s:\n%s",
                      helps[i].verb, helps[i].opts[k], out);
        }
        free(out);
        free(usage);
    }
}

Test(usage, help_lists_every_command)
{
    const char *a1[] = {"--help", NULL};
    const char *a2[] = {"help", NULL};
    const char *a3[] = {"help", "propose", NULL};
    char *o1 = NULL, *o2 = NULL, *o3 = NULL;
    cr_assert_eq(run(a1, NULL, &o1, NULL), 0);
    cr_assert_eq(run(a2, NULL, &o2, NULL), 0);
    cr_assert_str_eq(o1, o2);
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        char *line = t_fmt("\n  %s ", helps[i].verb);
        cr_assert(strstr(o1, line), "%s missing from:\n%s", helps[i].verb, o1);
        free(line);
    }
    cr_assert_eq(run(a3, NULL, &o3, NULL), 0);
    cr_assert(strstr(o3, "usage: accord propose"), "%s", o3);
    free(o1);
    free(o2);
    free(o3);
}

Test(usage, unknown_command_exits_2)
{
    const char *args[] = {"frobnicate", NULL};
    const char *none[] = {NULL};
    char *out = NULL, *err = NULL;
    cr_assert_eq(run(args, NULL, &out, &err), 2);
    cr_assert(strstr(err, "accord: unknown command \"frobnicate\""), "%s", err);
    cr_assert_str_eq(out, "");
    free(out);
    free(err);
    cr_assert_eq(run(none, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "usage: accord"), "%s", err);
    free(err);
}

Test(usage, unknown_option_exits_2)
{
    const char *args[] = {"export", "--data", data, "--bogus", NULL};
    const char *flag[] = {"org", "--json=yes", NULL};
    const char *value[] = {"export", "--data", NULL};
    const char *extra[] = {"export", "--data", data, "surplus", NULL};
    char *err = NULL;
    cr_assert_eq(run(args, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "unknown option \"--bogus\""), "%s", err);
    cr_assert(strstr(err, "accord export --help"), "%s", err);
    free(err);
    cr_assert_eq(run(flag, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "--json takes no value"), "%s", err);
    free(err);
    cr_assert_eq(run(value, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "--data needs a value"), "%s", err);
    free(err);
    cr_assert_eq(run(extra, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "surplus"), "%s", err);
    free(err);
}

Test(usage, options_take_the_equals_form)
{
    char *d = t_fmt("--data=%s", data);
    const char *args[] = {"init", d, "--org=Test Org", "--founder=alice", NULL};
    char *err = NULL;
    int rc = run(args, "secret-pass-1", NULL, &err);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    free(d);
}

Test(usage, member_commands_need_a_session)
{
    const char *args[] = {"proposals", NULL};
    char *err = NULL;
    int rc = run(args, NULL, NULL, &err);
    cr_assert_eq(rc, 5, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "not logged in"), "%s", err);
    free(err);
}

Test(usage, position_must_be_known)
{
    const char *args[] = {"position", "p1", "maybe", NULL};
    char *err = NULL;
    cr_assert_eq(run(args, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "stand_aside, yes, no or abstain"), "%s", err);
    free(err);
}

Test(usage, version_names_the_event_encoding)
{
    const char *args[] = {"--version", NULL};
    char *out = NULL;
    cr_assert_eq(run(args, NULL, &out, NULL), 0);
    cr_assert(strncmp(out, "accord ", 7) == 0, "%s", out);
    cr_assert(strstr(out, "(event encoding 1)\n"), "%s", out);
    free(out);
}
