/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Notification delivery against real servers on loopback: an SMTP server
 * (tests/support/smtp_sink.py, Debian's python3-aiosmtpd) and an HTTP
 * receiver (tests/support/hook_sink.py) that keep what they receive, so
 * the tests read the message or request back as it arrived. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "http/notify_send.h"
#include "support/harness.h"
#include "unit/unit.h"

#include "sink.h"

TestSuite(notify_mail, .fini = stop_sinks);
TestSuite(notify_webhook, .fini = stop_sinks);

static const char *jstr(const json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

/* ---- mail ---- */

#define T_2026_11_28_0600 INT64_C(1795845600000)
#define SUBJECT                                                                \
    "D\xc3\xa9"                                                                \
    "cision prise : p1 \xe2\x9c\x93 \xe2\x80\x94 "                             \
    "\xc2\xab"                                                                 \
    "caf\xc3\xa9\xc2\xbb"
#define BODY                                                                   \
    "Hello alice,\n"                                                           \
    ".a line starting with a dot\n"                                            \
    ".\n"                                                                      \
    "..two dots\n"                                                             \
    "\n"                                                                       \
    "r\xc3\xa9sum\xc3\xa9 at the end"

static struct ac_mail test_mail(void)
{
    return (struct ac_mail){.to = "alice@example.org",
                            .subject = SUBJECT,
                            .body = BODY,
                            .message_id = "42.alice@accord.invalid",
                            .date_ms = T_2026_11_28_0600};
}

static struct ac_mail_cfg test_cfg(const struct sink *s, char **url)
{
    *url = t_fmt("smtp://127.0.0.1:%d", s->port);
    return (struct ac_mail_cfg){
        .url = *url, .from = "accord@example.net", .timeout_s = 10};
}

Test(notify_mail, delivers_the_message_as_composed)
{
    struct sink *s = start_sink("smtp_sink.py", NULL);
    char *url, *eml, *raw;
    struct ac_mail_cfg cfg = test_cfg(s, &url);
    struct ac_mail m = test_mail();
    struct ac_err err = {0};
    struct ac_buf composed;
    json_t *rec, *rcpt;
    size_t raw_len;

    cr_assert_eq(ac_notify_mail(&cfg, &m, &err), AC_OK, "%s", err.msg);
    cr_assert_eq(record_count(s), 1);

    /* what the server holds after undoing the dot-stuffing is exactly
     * the composed text: the lone "." did not end the message early and
     * no dot was lost */
    ac_buf_init(&composed, 0);
    cr_assert_eq(ac_notify_compose(cfg.from, &m, &composed, &err), AC_OK);
    eml = t_fmt("%s/1.eml", s->dir);
    raw = read_file(eml, &raw_len);
    cr_assert_not_null(raw);
    cr_assert_eq(raw_len, composed.len, "received:\n%s\ncomposed:\n%s", raw,
                 composed.ptr);
    cr_assert_eq(memcmp(raw, composed.ptr, raw_len), 0, "%s", raw);
    cr_assert(strstr(raw, "\r\n\r\nHello alice,\r\n"
                          ".a line starting with a dot\r\n"
                          ".\r\n"
                          "..two dots\r\n"
                          "\r\n"
                          "r\xc3\xa9sum\xc3\xa9 at the end\r\n"),
              "%s", raw);

    /* the envelope, and the headers as Python's email package reads them */
    rec = record(s, 1);
    cr_assert_str_eq(jstr(rec, "mail_from"), "accord@example.net");
    rcpt = json_object_get(rec, "rcpt_tos");
    cr_assert_eq(json_array_size(rcpt), 1);
    cr_assert_str_eq(json_string_value(json_array_get(rcpt, 0)),
                     "alice@example.org");
    cr_assert_str_eq(jstr(rec, "subject"), SUBJECT);
    cr_assert_str_eq(header(rec, "From"), "accord@example.net");
    cr_assert_str_eq(header(rec, "To"), "alice@example.org");
    cr_assert_str_eq(header(rec, "Date"), "Sat, 28 Nov 2026 06:00:00 +0000");
    cr_assert_str_eq(header(rec, "Message-ID"), "<42.alice@accord.invalid>");
    cr_assert_str_eq(header(rec, "MIME-Version"), "1.0");
    cr_assert_str_eq(header(rec, "Content-Type"), "text/plain; charset=utf-8");
    cr_assert_str_eq(header(rec, "Content-Transfer-Encoding"), "8bit");
    cr_assert(strncmp(header(rec, "Subject"), "=?UTF-8?B?", 10) == 0);
    cr_assert_not_null(jstr(rec, "body"));
    cr_assert(strstr(jstr(rec, "body"), "..two dots"), "%s", jstr(rec, "body"));

    json_decref(rec);
    ac_buf_release(&composed);
    free(raw);
    free(eml);
    free(url);
}

Test(notify_mail, a_stopped_server_is_unreachable)
{
    struct sink *s = start_sink("smtp_sink.py", NULL);
    char *url, *want;
    struct ac_mail_cfg cfg = test_cfg(s, &url);
    struct ac_mail m = test_mail();
    struct ac_err err = {0};

    stop_sink(s);
    cr_assert_eq(ac_notify_mail(&cfg, &m, &err), AC_EIO, "%s", err.msg);
    want = t_fmt("cannot reach the SMTP server at smtp://127.0.0.1:%d: "
                 "Connection refused",
                 s->port);
    cr_assert_str_eq(err.msg, want);
    free(want);
    free(url);
}

Test(notify_mail, a_refused_recipient_names_the_reply)
{
    const char *const args[] = {"--rcpt-reply", "550 no such user", NULL};
    struct sink *s = start_sink("smtp_sink.py", args);
    char *url, *want;
    struct ac_mail_cfg cfg = test_cfg(s, &url);
    struct ac_mail m = test_mail();
    struct ac_err err = {0};

    cr_assert_eq(ac_notify_mail(&cfg, &m, &err), AC_EIO, "%s", err.msg);
    want = t_fmt("the SMTP server at smtp://127.0.0.1:%d refused the "
                 "message: 550 no such user",
                 s->port);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(record_count(s), 0);
    free(want);
    free(url);
}

Test(notify_mail, a_refusal_after_the_data_names_the_reply)
{
    const char *const args[] = {"--data-reply", "554 5.7.1 looks like spam",
                                NULL};
    struct sink *s = start_sink("smtp_sink.py", args);
    char *url;
    struct ac_mail_cfg cfg = test_cfg(s, &url);
    struct ac_mail m = test_mail();
    struct ac_err err = {0};

    cr_assert_eq(ac_notify_mail(&cfg, &m, &err), AC_EIO, "%s", err.msg);
    cr_assert(strstr(err.msg, "refused the message: 554 5.7.1 looks like "
                              "spam"),
              "%s", err.msg);
    cr_assert_eq(record_count(s), 0);
    free(url);
}

Test(notify_mail, a_password_is_not_sent_without_tls)
{
    struct sink *s = start_sink("smtp_sink.py", NULL);
    char *url, *want;
    struct ac_mail_cfg cfg = test_cfg(s, &url);
    struct ac_mail m = test_mail();
    struct ac_err err = {0};

    /* the sink offers no STARTTLS */
    cfg.username = "accord";
    cfg.password = "smtp-password";
    cr_assert_eq(ac_notify_mail(&cfg, &m, &err), AC_EIO, "%s", err.msg);
    want = t_fmt("the SMTP server at smtp://127.0.0.1:%d offers no TLS "
                 "(STARTTLS), which sending the password needs",
                 s->port);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(record_count(s), 0);
    free(want);
    free(url);
}

/* ---- webhooks ---- */

/* HMAC-SHA256 of the file's bytes with the key given in hex, computed by
 * Python's hmac module: "sha256=" and lowercase hex. */
static char *python_signature(const char *key_hex, const char *file)
{
    char *cmd = t_fmt(PYTHON " -c 'import hashlib, hmac, sys; "
                             "print(\"sha256=\" + hmac.new(bytes.fromhex("
                             "sys.argv[1]), open(sys.argv[2], \"rb\").read(), "
                             "hashlib.sha256).hexdigest())' %s %s",
                      key_hex, file);
    FILE *p = popen(cmd, "r");
    char line[128] = "";
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(line, sizeof line, p));
    cr_assert_eq(pclose(p), 0);
    line[strcspn(line, "\n")] = '\0';
    free(cmd);
    return strdup(line);
}

/* Posts body to the sink at path; returns the status and fills err. */
static enum ac_status post(const struct sink *s, const char *path,
                           const uint8_t key[AC_WEBHOOK_SECRET_LEN],
                           struct ac_str body, long timeout_s,
                           struct ac_err *err)
{
    char *url = t_fmt("http://127.0.0.1:%d%s", s->port, path);
    enum ac_status st =
        ac_notify_webhook(url, key, body, "d-42-1", timeout_s, err);
    free(url);
    return st;
}

/* Checks that the sink received body as one signed POST to path. */
static void check_delivery(const struct sink *s, const char *path,
                           const uint8_t key[AC_WEBHOOK_SECRET_LEN],
                           struct ac_str body)
{
    char key_hex[2 * AC_WEBHOOK_SECRET_LEN + 1];
    char *file = t_fmt("%s/sent-body", s->dir);
    char *want;
    FILE *f = fopen(file, "wb");
    json_t *rec;

    cr_assert_not_null(f);
    cr_assert_eq(fwrite(body.ptr, 1, body.len, f), body.len);
    fclose(f);
    sodium_bin2hex(key_hex, sizeof key_hex, key, AC_WEBHOOK_SECRET_LEN);
    want = python_signature(key_hex, file);
    cr_assert_eq(strlen(want), 7 + 64, "%s", want);

    cr_assert_eq(record_count(s), 1);
    rec = record(s, 1);
    cr_assert_str_eq(jstr(rec, "method"), "POST");
    cr_assert_str_eq(jstr(rec, "path"), path);
    cr_assert_str_eq(header(rec, "Content-Type"), "application/json");
    cr_assert_str_eq(header(rec, "X-Accord-Signature"), want);
    cr_assert_str_eq(header(rec, "X-Accord-Delivery"), "d-42-1");
    cr_assert_null(header(rec, "Expect"));
    cr_assert_eq(strlen(jstr(rec, "body")), body.len);
    cr_assert_eq(memcmp(jstr(rec, "body"), body.ptr, body.len), 0);
    json_decref(rec);
    free(want);
    free(file);
}

static void random_key(uint8_t key[AC_WEBHOOK_SECRET_LEN])
{
    cr_assert_geq(sodium_init(), 0);
    randombytes_buf(key, AC_WEBHOOK_SECRET_LEN);
}

Test(notify_webhook, posts_a_signed_body)
{
    const char *const args[] = {"200", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    struct ac_str body = AC_STR("{\"event\":\"proposal.closed\",\"title\":"
                                "\"Caf\xc3\xa9 \xe2\x9c\x93\"}");
    struct ac_err err = {0};

    random_key(key);
    cr_assert_eq(post(s, "/hooks/accord?org=o1", key, body, 10, &err), AC_OK,
                 "%s", err.msg);
    check_delivery(s, "/hooks/accord?org=o1", key, body);
}

Test(notify_webhook, any_2xx_is_delivered)
{
    const char *const args[] = {"204", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    struct ac_err err = {0};

    random_key(key);
    cr_assert_eq(post(s, "/", key, AC_STR("{}"), 10, &err), AC_OK, "%s",
                 err.msg);
    check_delivery(s, "/", key, AC_STR("{}"));
}

Test(notify_webhook, a_large_body_is_sent_whole)
{
    const char *const args[] = {"202", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    size_t len = 1500 * 1000;
    char *text = malloc(len + 1);
    struct ac_err err = {0};

    random_key(key);
    /* a JSON string of 1.5 MB, past the size from which libcurl asks for
     * "Expect: 100-continue" */
    text[0] = '"';
    for (size_t i = 1; i < len - 1; i++) {
        text[i] = (char)('a' + i % 26);
    }
    text[len - 1] = '"';
    text[len] = '\0';
    cr_assert_eq(post(s, "/big", key, (struct ac_str){text, len}, 10, &err),
                 AC_OK, "%s", err.msg);
    check_delivery(s, "/big", key, (struct ac_str){text, len});
    free(text);
}

Test(notify_webhook, a_server_error_names_the_status)
{
    const char *const args[] = {"500", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    struct ac_err err = {0};
    char *want;

    random_key(key);
    cr_assert_eq(post(s, "/secret-token/hook?k=v", key, AC_STR("{}"), 10, &err),
                 AC_EIO);
    want = t_fmt("the webhook at http://127.0.0.1:%d answered 500", s->port);
    cr_assert_str_eq(err.msg, want);
    /* the path and query may hold a secret: they stay out of messages */
    cr_assert_null(strstr(err.msg, "secret-token"));
    cr_assert_eq(record_count(s), 1, "it was delivered and answered 500");
    free(want);
}

Test(notify_webhook, a_redirect_is_not_followed)
{
    const char *const args[] = {"302", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    struct ac_err err = {0};
    json_t *rec;

    random_key(key);
    cr_assert_eq(post(s, "/hook", key, AC_STR("{}"), 10, &err), AC_EIO);
    cr_assert(strstr(err.msg, "answered 302"), "%s", err.msg);
    /* the one request is the POST: /moved was never asked for */
    cr_assert_eq(record_count(s), 1);
    rec = record(s, 1);
    cr_assert_str_eq(jstr(rec, "path"), "/hook");
    json_decref(rec);
}

Test(notify_webhook, a_client_error_fails)
{
    const char *const args[] = {"404", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    struct ac_err err = {0};

    random_key(key);
    cr_assert_eq(post(s, "/gone", key, AC_STR("{}"), 10, &err), AC_EIO);
    cr_assert(strstr(err.msg, "answered 404"), "%s", err.msg);
}

Test(notify_webhook, a_closed_port_is_unreachable)
{
    const char *const args[] = {"200", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    struct ac_err err = {0};
    char *want;

    random_key(key);
    stop_sink(s);
    cr_assert_eq(post(s, "/hook", key, AC_STR("{}"), 10, &err), AC_EIO);
    want = t_fmt("cannot reach the webhook at http://127.0.0.1:%d: "
                 "Connection refused",
                 s->port);
    cr_assert_str_eq(err.msg, want);
    free(want);
}

Test(notify_webhook, a_slow_answer_times_out)
{
    const char *const args[] = {"200", "--delay", "10", NULL};
    struct sink *s = start_sink("hook_sink.py", args);
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    struct ac_err err = {0};
    struct timespec t0, t1;
    double took;

    random_key(key);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(post(s, "/slow", key, AC_STR("{}"), 1, &err), AC_EIO);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    took = (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert(strstr(err.msg, "timed out"), "%s", err.msg);
    cr_assert_lt(took, 5.0, "gave up after %.1f s, not about 1 s", took);
}
