/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Notifications from the running server (docs/notifications.md): the
 * settings API refuses bad input and keeps each member's settings to
 * them; webhook deliveries are retried until the receiver takes them and
 * arrive once each, in log order, signed; email survives the SMTP server
 * stopping and the accord server restarting, losing and repeating
 * nothing; a daily digest gathers the events. Real receivers on loopback
 * (sink.h). */
#include <sodium.h>

#include "fixture.h"
#include "sink.h"

static void cleanup(void)
{
    org_cleanup();
    stop_sinks();
}

TestSuite(notify, .fini = cleanup, .timeout = 120);

/* Writes DATA/accord.conf and restarts the server on it. */
static void restart_with(struct org *o, const char *conf)
{
    char *path = t_fmt("%s/accord.conf", o->data);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(conf, f);
    fclose(f);
    free(path);
    cr_assert_eq(t_server_stop(&o->srv, SIGTERM), 0);
    cr_assert(t_server_start(&o->srv, o->data), "the server did not start");
}

/* The config of a server that mails through the SMTP sink on port and
 * retries every second (malloc'd). */
static char *mail_conf(int port)
{
    return t_fmt("smtp.url = smtp://127.0.0.1:%d\n"
                 "smtp.from = accord@test.invalid\n"
                 "notify.retry_min_seconds = 1\n"
                 "notify.retry_max_seconds = 1\n",
                 port);
}

static void restart(struct org *o)
{
    cr_assert_eq(t_server_stop(&o->srv, SIGTERM), 0);
    cr_assert(t_server_start(&o->srv, o->data), "the server did not start");
}

/* Waits up to 20 s for the sink to hold n records. */
static void wait_records(const struct sink *s, int n)
{
    for (int i = 0; i < 400 && record_count(s) < n; i++) {
        usleep(50 * 1000);
    }
    cr_assert_geq(record_count(s), n, "%d records, not %d", record_count(s), n);
}

static char *put(struct org *o, const char *token, int want, const char *body)
{
    struct t_resp r = req(o, "PUT", "/api/v1/notifications", token, "%s", body);
    char *detail;
    expect_status(r, want);
    detail =
        strdup(want == 200
                   ? (json_string_value(json_object_get(r.json, "secret"))
                          ? json_string_value(json_object_get(r.json, "secret"))
                          : "")
                   : jstr(r.json, "field"));
    t_resp_free(&r);
    return detail;
}

static void open_agreement(struct org *o, const char *title)
{
    char *data = t_fmt("{\"text\":\"%s.\"}", title);
    free(propose(o, o->alice, "all", "agreement.adopt", title, data));
    free(data);
}

Test(notify, settings_are_checked_and_kept_to_their_member)
{
    struct org o;
    struct t_resp r;
    char *v;
    long long before;
    org_up(&o, true);
    before = head_seq(&o);

    v = put(&o, o.alice, 400,
            "{\"webhook\":\"ftp://example.org/x\","
            "\"events\":[\"*\"]}");
    cr_assert_str_eq(v, "/webhook");
    free(v);
    v = put(&o, o.alice, 400,
            "{\"webhook\":\"javascript:alert(1)\","
            "\"events\":[\"*\"]}");
    cr_assert_str_eq(v, "/webhook");
    free(v);
    v = put(&o, o.alice, 400,
            "{\"email\":\"alice@example.org\",\"events\":[\"*\"]}");
    cr_assert_str_eq(v, "/email", "no SMTP server is configured");
    free(v);
    v = put(&o, o.alice, 400, "{\"events\":[\"proposal.opened\",\"nope\"]}");
    cr_assert_str_eq(v, "/events");
    free(v);
    v = put(&o, o.alice, 400, "{\"events\":\"*\"}");
    cr_assert_str_eq(v, "/events");
    free(v);
    r = req(&o, "GET", "/api/v1/notifications", o.alice, NULL);
    expect_status(r, 200);
    cr_assert(json_is_null(json_object_get(r.json, "webhook")),
              "nothing kept from refused settings");
    t_resp_free(&r);

    v = put(&o, o.alice, 200,
            "{\"webhook\":\"http://127.0.0.1:9/hook\","
            "\"events\":[\"proposal.opened\"]}");
    cr_assert_eq(strlen(v), 64, "the key, once: %s", v);
    free(v);
    r = req(&o, "GET", "/api/v1/notifications", o.alice, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "webhook"), "http://127.0.0.1:9/hook");
    cr_assert(json_is_true(json_object_get(r.json, "secret_set")));
    cr_assert_null(json_object_get(r.json, "secret"), "never shown again");
    cr_assert(json_is_false(json_object_get(r.json, "email_available")));
    t_resp_free(&r);
    r = req(&o, "GET", "/api/v1/notifications", o.bob, NULL);
    expect_status(r, 200);
    cr_assert(json_is_null(json_object_get(r.json, "webhook")),
              "bob sees his own settings only");
    t_resp_free(&r);
    cr_assert_eq(head_seq(&o), before, "settings are not events");
    org_down(&o);
}

Test(notify, webhooks_are_retried_and_arrive_once_in_order)
{
    const char *fail_args[] = {"500", NULL};
    struct org o;
    struct sink *down, *up;
    struct t_resp r;
    char *secret, *body, *port;
    const char *up_args[4];
    long long first, second;

    org_up(&o, true);
    restart_with(&o, "notify.retry_min_seconds = 1\n"
                     "notify.retry_max_seconds = 1\n");
    down = start_sink("hook_sink.py", fail_args);
    body = t_fmt("{\"webhook\":\"http://127.0.0.1:%d/hook\","
                 "\"events\":[\"proposal.opened\"]}",
                 down->port);
    secret = put(&o, o.alice, 200, body);
    free(body);

    open_agreement(&o, "First");
    first = head_seq(&o);
    open_agreement(&o, "Second");
    second = head_seq(&o);
    cr_assert_gt(second, first);
    wait_records(down, 2); /* the first event, refused, tried again */
    {
        json_t *a = record(down, 1), *b = record(down, 2);
        char *id = t_fmt("alice-%lld", first);
        cr_assert_str_eq(header(a, "X-Accord-Delivery"), id);
        cr_assert_str_eq(header(b, "X-Accord-Delivery"), id, "the same again");
        free(id);
        json_decref(a);
        json_decref(b);
    }
    r = req(&o, "GET", "/api/v1/notifications", o.alice, NULL);
    expect_status(r, 200);
    {
        const json_t *d =
            json_object_get(json_object_get(r.json, "deliveries"), "webhook");
        cr_assert(strstr(jstr(d, "last_error"), "500"), "%s",
                  jstr(d, "last_error"));
        cr_assert_geq(jint(d, "failed_tries"), 1);
    }
    t_resp_free(&r);

    /* the receiver comes back, on the same port */
    port = t_fmt("%d", down->port);
    stop_sink(down);
    up_args[0] = "200";
    up_args[1] = "--port";
    up_args[2] = port;
    up_args[3] = NULL;
    up = start_sink("hook_sink.py", up_args);
    wait_records(up, 2);
    usleep(1500 * 1000); /* time for a repeat to show, were there one */
    cr_assert_eq(record_count(up), 2, "each event once");
    for (int i = 1; i <= 2; i++) {
        json_t *x = record(up, i);
        const char *b = json_string_value(json_object_get(x, "body"));
        json_t *ev = json_loads(b, 0, NULL);
        char *id = t_fmt("alice-%lld", i == 1 ? first : second);
        unsigned char mac[crypto_auth_hmacsha256_BYTES], key[32];
        char hex[2 * sizeof mac + 1], *want;
        cr_assert_str_eq(header(x, "X-Accord-Delivery"), id, "in log order");
        cr_assert_str_eq(jstr(ev, "type"), "proposal.opened");
        cr_assert_eq(jint(ev, "seq"), i == 1 ? first : second);
        cr_assert_eq(sodium_hex2bin(key, sizeof key, secret, strlen(secret),
                                    NULL, NULL, NULL),
                     0);
        crypto_auth_hmacsha256(mac, (const unsigned char *)b, strlen(b), key);
        sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
        want = t_fmt("sha256=%s", hex);
        cr_assert_str_eq(header(x, "X-Accord-Signature"), want);
        free(want);
        free(id);
        json_decref(ev);
        json_decref(x);
    }
    free(port);
    free(secret);
    org_down(&o);
}

/* The subjects of the messages the SMTP sink holds, in order. */
static void subjects(const struct sink *s, int n, char out[][128])
{
    for (int i = 1; i <= n; i++) {
        json_t *x = record(s, i);
        snprintf(out[i - 1], 128, "%s", jstr(x, "subject"));
        json_decref(x);
    }
}

Test(notify, email_survives_the_mail_server_and_accord_restarting)
{
    const char *no_args[] = {NULL};
    struct org o;
    struct sink *mail;
    char *conf, *port, subj[3][128];
    const char *again[3];
    struct t_resp r;

    org_up(&o, true);
    mail = start_sink("smtp_sink.py", no_args);
    conf = mail_conf(mail->port);
    restart_with(&o, conf);
    free(conf);
    free(put(
        &o, o.bob, 200,
        "{\"email\":\"bob@example.org\",\"events\":[\"proposal.opened\"]}"));
    open_agreement(&o, "First");
    wait_records(mail, 1);

    /* the mail server stops; two more events wait */
    port = t_fmt("%d", mail->port);
    stop_sink(mail);
    open_agreement(&o, "Second");
    open_agreement(&o, "Third");
    for (int i = 0; i < 100; i++) {
        const json_t *d;
        bool failed;
        r = req(&o, "GET", "/api/v1/notifications", o.bob, NULL);
        expect_status(r, 200);
        d = json_object_get(json_object_get(r.json, "deliveries"), "email");
        failed = json_is_string(json_object_get(d, "last_error"));
        t_resp_free(&r);
        if (failed) {
            break;
        }
        usleep(100 * 1000);
    }
    /* and accord restarts meanwhile: the cursor is in the store */
    restart(&o);
    again[0] = "--port";
    again[1] = port;
    again[2] = NULL;
    mail = start_sink_in(mail->dir, "smtp_sink.py", again);
    wait_records(mail, 3);
    usleep(1500 * 1000);
    cr_assert_eq(record_count(mail), 3, "nothing lost, nothing twice");
    subjects(mail, 3, subj);
    cr_assert(strstr(subj[0], "[Test Co-op] proposal.opened: ") &&
                  strstr(subj[0], "First"),
              "%s", subj[0]);
    cr_assert(strstr(subj[1], "Second"), "in log order: %s", subj[1]);
    cr_assert(strstr(subj[2], "Third"), "%s", subj[2]);
    {
        json_t *x = record(mail, 2);
        cr_assert_str_eq(json_string_value(
                             json_array_get(json_object_get(x, "rcpt_tos"), 0)),
                         "bob@example.org");
        json_decref(x);
    }
    free(port);
    org_down(&o);
}

Test(notify, a_digest_gathers_the_events)
{
    const char *no_args[] = {NULL};
    const char *again[3];
    struct org o;
    struct sink *mail;
    char *conf, *port;
    json_t *x;

    org_up(&o, true);
    mail = start_sink("smtp_sink.py", no_args);
    port = t_fmt("%d", mail->port);
    conf = mail_conf(mail->port);
    stop_sink(mail); /* down while the events come */
    restart_with(&o, conf);
    free(conf);
    free(put(&o, o.carol, 200,
             "{\"email\":\"carol@example.org\",\"events\":[\"*\"],"
             "\"digest\":true}"));
    open_agreement(&o, "Garden");
    open_agreement(&o, "Kitchen");
    usleep(1200 * 1000);
    again[0] = "--port";
    again[1] = port;
    again[2] = NULL;
    mail = start_sink_in(mail->dir, "smtp_sink.py", again);
    wait_records(mail, 1);
    x = record(mail, 1);
    cr_assert(strstr(jstr(x, "subject"), "events of the day"), "%s",
              jstr(x, "subject"));
    cr_assert(strstr(jstr(x, "body"), "Garden") &&
                  strstr(jstr(x, "body"), "Kitchen"),
              "one message for both: %s", jstr(x, "body"));
    json_decref(x);
    /* the next event waits for tomorrow's digest */
    open_agreement(&o, "Bikes");
    usleep(2500 * 1000);
    cr_assert_eq(record_count(mail), 1);
    free(port);
    org_down(&o);
}

/* A title whose cut falls inside a character still makes a valid
 * subject: the mail goes out, and the next one too. */
Test(notify, a_long_non_ascii_title_is_sent)
{
    const char *no_args[] = {NULL};
    struct org o;
    struct sink *mail;
    char *conf, title[2 * 199 + 1], *data;
    json_t *x;

    org_up(&o, true);
    mail = start_sink("smtp_sink.py", no_args);
    conf = mail_conf(mail->port);
    restart_with(&o, conf);
    free(conf);
    free(put(
        &o, o.bob, 200,
        "{\"email\":\"bob@example.org\",\"events\":[\"proposal.opened\"]}"));
    for (int i = 0; i < 199; i++) {
        memcpy(title + 2 * i, "\xd0\x96", 2); /* Ж */
    }
    title[2 * 199] = '\0';
    data = t_fmt("{\"text\":\"x\"}");
    free(propose(&o, o.alice, "all", "agreement.adopt", title, data));
    free(data);
    open_agreement(&o, "After");
    wait_records(mail, 2);
    x = record(mail, 1);
    cr_assert(strstr(jstr(x, "subject"), "\xd0\x96\xd0\x96"), "%s",
              jstr(x, "subject"));
    json_decref(x);
    x = record(mail, 2);
    cr_assert(strstr(jstr(x, "subject"), "After"), "%s", jstr(x, "subject"));
    json_decref(x);
    org_down(&o);
}
