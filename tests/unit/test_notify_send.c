/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Notification delivery without the network: address and URL checks,
 * the webhook signature, and the text of a message. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/buf.h"
#include "base/err.h"
#include "http/notify_send.h"

/* ---- email addresses ---- */

Test(notify_email, accepts_plain_addresses)
{
    static const char *const good[] = {
        "alice@example.com",  "a.b+tag@sub.example.org",
        "root@localhost",     "x@y.z",
        "o'brien@example.ie", "under_score-dash@xn--exmple-cua.com",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cr_assert(ac_notify_email_ok(good[i]), "rejected \"%s\"", good[i]);
    }
}

Test(notify_email, refuses_what_could_add_a_header_or_recipient)
{
    static const char *const bad[] = {
        "",
        "alice",
        "@example.com",
        "alice@",
        "a@@example.com",
        "a@b@example.com",
        "alice@example",
        "alice@.example.com",
        "alice@example.com.",
        "alice@example..com",
        "a b@example.com",
        " alice@example.com",
        "alice@example.com ",
        "alice@example.com\t",
        "alice@example.com\r\nBcc: eve@evil.example",
        "alice@example.com\nBcc: eve@evil.example",
        "alice@example.com\r",
        "alice@example.com,eve@evil.example",
        "alice@example.com;eve@evil.example",
        "<alice@example.com>",
        "Alice <alice@example.com>",
        "\"alice\"@example.com",
        "alice(comment)@example.com",
        "alice@[127.0.0.1]",
        "al\\ice@example.com",
        "\xc3\xa1lice@example.com",
        "alice@ex\x7f"
        "ample.com",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_not(ac_notify_email_ok(bad[i]), "accepted \"%s\"", bad[i]);
    }
    cr_assert_not(ac_notify_email_ok(NULL));
}

Test(notify_email, at_most_254_bytes)
{
    char addr[300];
    /* local part, '@', then a domain of 'd's ending in ".org" */
    memset(addr, 'd', sizeof addr);
    memcpy(addr, "alice@", 6);
    memcpy(addr + 250, ".org", 5); /* 254 bytes and the NUL */
    cr_assert(ac_notify_email_ok(addr));
    memcpy(addr + 250, "d.org", 6); /* 255 bytes */
    cr_assert_not(ac_notify_email_ok(addr));
}

/* ---- webhook URLs ---- */

Test(notify_url, accepts_http_and_https_with_a_host)
{
    static const char *const good[] = {
        "http://example.com/hook", "https://example.com:8443/a/b?x=1&y=2",
        "http://127.0.0.1:9/",     "HTTPS://Example.COM/Hook",
        "http://[::1]:8080/h",     "https://hooks.example.org",
    };
    char why[128];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        why[0] = '\0';
        cr_assert(ac_notify_url_ok(good[i], why, sizeof why),
                  "rejected \"%s\": %s", good[i], why);
    }
}

Test(notify_url, refuses_other_urls_and_says_why)
{
    static const struct {
        const char *url;
        const char *why; /* a part of the reason */
    } bad[] = {
        {"javascript:alert(1)", "must start with http:// or https://"},
        {"ftp://x", "must start with http:// or https://"},
        {"file:///etc/passwd", "must start with http:// or https://"},
        {"data:text/plain,hello", "must start with http:// or https://"},
        {"example.com/hook", "must start with http:// or https://"},
        {"//example.com/hook", "must start with http:// or https://"},
        {"http:/example.com/hook", "must start with http:// or https://"},
        {" http://example.com/", "must start with http:// or https://"},
        {"", "empty"},
        {"http://", "no host"},
        {"https://", "no host"},
        {"http:///path", "no host"},
        {"https:////host/path", "no host"},
        {"http://\\host/path", "no host"},
        {"http://@host/", "user name or password"},
        {"http://host:99999/", "not a valid URL"},
        {"http://user:pw@host/", "user name or password"},
        {"http://user@host/", "user name or password"},
        {"http://:pw@host/", "user name or password"},
        {"http://exa mple.com/", "webhook URL"},
        {"http://example.com/a b", "webhook URL"},
        {"http://example.com/\r\nX-Evil: 1", "webhook URL"},
        {"http://example.com\n/", "webhook URL"},
    };
    char why[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        cr_assert_not(ac_notify_url_ok(bad[i].url, why, sizeof why),
                      "accepted \"%s\"", bad[i].url);
        cr_assert(strstr(why, bad[i].why), "\"%s\": \"%s\" lacks \"%s\"",
                  bad[i].url, why, bad[i].why);
        cr_assert(strncmp(why, "the webhook URL ", 16) == 0, "%s", why);
    }
    cr_assert_not(ac_notify_url_ok(NULL, why, sizeof why));
    cr_assert_not(ac_notify_url_ok("mailto:a@example.com", NULL, 0),
                  "why may be NULL");
}

Test(notify_url, at_most_2000_bytes)
{
    char url[2100], why[128];
    size_t head = strlen("https://example.com/");
    memcpy(url, "https://example.com/", head);
    memset(url + head, 'a', 2000 - head);
    url[2000] = '\0';
    cr_assert(ac_notify_url_ok(url, why, sizeof why), "%s", why);
    url[2000] = 'a';
    url[2001] = '\0';
    cr_assert_not(ac_notify_url_ok(url, why, sizeof why));
    cr_assert(strstr(why, "2000 bytes"), "%s", why);
}

/* ---- signature ---- */

static void sign(const uint8_t key[AC_WEBHOOK_SECRET_LEN], const char *body,
                 char out[7 + 64 + 1])
{
    memset(out, 'x', 7 + 64 + 1);
    ac_notify_signature(key, ac_str_c(body), out);
}

Test(notify_signature, rfc4231_vectors)
{
    /* HMAC pads a key shorter than the SHA-256 block with zero bytes, so
     * RFC 4231's 20- and 4-byte keys zero-padded to 32 bytes give the
     * RFC's values */
    uint8_t key[AC_WEBHOOK_SECRET_LEN] = {0};
    char sig[7 + 64 + 1];

    memset(key, 0x0b, 20); /* test case 1 */
    sign(key, "Hi There", sig);
    cr_assert_str_eq(sig, "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c98"
                          "33da726e9376c2e32cff7");

    memset(key, 0, sizeof key); /* test case 2 */
    memcpy(key, "Jefe", 4);
    sign(key, "what do ya want for nothing?", sig);
    cr_assert_str_eq(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2"
                          "739839dec58b964ec3843");
}

Test(notify_signature, full_length_key)
{
    /* values from Python's hmac module: key bytes 0..31 */
    uint8_t key[AC_WEBHOOK_SECRET_LEN];
    char sig[7 + 64 + 1];
    for (size_t i = 0; i < sizeof key; i++) {
        key[i] = (uint8_t)i;
    }
    sign(key, "{\"event\":\"proposal.opened\",\"id\":\"p1\"}", sig);
    cr_assert_str_eq(sig, "sha256=2035a676c6c13f1ba828c6d2d06bd6e0ed652d6cfe9"
                          "ed01187ebd957745f506f");
    ac_notify_signature(key, (struct ac_str){NULL, 0}, sig);
    cr_assert_str_eq(sig, "sha256=d38b42096d80f45f826b44a9d5607de72496a415d3f"
                          "4a1a8c88e3bb9da8dc1cb");
    key[31] ^= 1;
    sign(key, "{\"event\":\"proposal.opened\",\"id\":\"p1\"}", sig);
    cr_assert_str_neq(sig, "sha256=2035a676c6c13f1ba828c6d2d06bd6e0ed652d6cf"
                           "e9ed01187ebd957745f506f");
}

/* ---- composing a message ---- */

#define T_2026_11_28_0600 INT64_C(1795845600000)

static struct ac_mail mail(const char *subject, const char *body)
{
    return (struct ac_mail){.to = "alice@example.org",
                            .subject = subject,
                            .body = body,
                            .message_id = "42.alice@accord.invalid",
                            .date_ms = T_2026_11_28_0600};
}

/* The composed text of m (malloc'd), asserting it composes. */
static char *compose(const struct ac_mail *m)
{
    struct ac_buf b;
    struct ac_err err = {0};
    enum ac_status st;
    ac_buf_init(&b, 0);
    st = ac_notify_compose("accord@example.net", m, &b, &err);
    cr_assert_eq(st, AC_OK, "%s", err.msg);
    return ac_buf_take(&b, NULL);
}

/* Every line ends in CRLF, with no bare CR or LF, and none is longer than
 * 998 bytes. */
static void assert_crlf_lines(const char *s)
{
    size_t line = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\r') {
            cr_assert_eq(p[1], '\n', "bare CR at %td", p - s);
            p++;
            line = 0;
            continue;
        }
        cr_assert_neq(*p, '\n', "bare LF at %td", p - s);
        line++;
        cr_assert_leq(line, 998, "line over 998 bytes at %td", p - s);
    }
    cr_assert(strlen(s) >= 2 && strcmp(s + strlen(s) - 2, "\r\n") == 0);
}

Test(notify_compose, ascii_message)
{
    struct ac_mail m =
        mail("Proposal p1 was adopted", "Hello alice,\n\np1 was adopted.\n");
    char *text = compose(&m);
    cr_assert_str_eq(text, "From: accord@example.net\r\n"
                           "To: alice@example.org\r\n"
                           "Subject: Proposal p1 was adopted\r\n"
                           "Date: Sat, 28 Nov 2026 06:00:00 +0000\r\n"
                           "Message-ID: <42.alice@accord.invalid>\r\n"
                           "MIME-Version: 1.0\r\n"
                           "Content-Type: text/plain; charset=utf-8\r\n"
                           "Content-Transfer-Encoding: 8bit\r\n"
                           "\r\n"
                           "Hello alice,\r\n"
                           "\r\n"
                           "p1 was adopted.\r\n");
    free(text);
}

Test(notify_compose, dates)
{
    static const struct {
        int64_t ms;
        const char *header;
    } cases[] = {
        {0, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"},
        {INT64_C(1772000000999), "Date: Wed, 25 Feb 2026 06:13:20 +0000\r\n"},
        {INT64_C(951782400000), "Date: Tue, 29 Feb 2000 00:00:00 +0000\r\n"},
        {INT64_C(253402300799999), "Date: Fri, 31 Dec 9999 23:59:59 +0000\r\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ac_mail m = mail("s", "b");
        char *text;
        m.date_ms = cases[i].ms;
        text = compose(&m);
        cr_assert(strstr(text, cases[i].header), "%lld: %s",
                  (long long)cases[i].ms, text);
        free(text);
    }
}

Test(notify_compose, non_ascii_subject_is_encoded)
{
    struct ac_mail m = mail("D\xc3\xa9"
                            "cision prise : p1 \xe2\x9c\x93",
                            "b");
    char *text = compose(&m);
    /* base64 of the UTF-8 bytes, from Python's base64 module */
    cr_assert(strstr(text, "\r\nSubject: =?UTF-8?B?RMOpY2lzaW9uIHByaXNlIDogcD"
                           "Eg4pyT?=\r\nDate: "),
              "%s", text);
    free(text);
}

Test(notify_compose, subject_tricks_are_encoded)
{
    /* text that looks like an encoded word must not be read as one */
    struct ac_mail m = mail("=?UTF-8?B?ZXZpbA==?=", "b");
    char *text = compose(&m);
    cr_assert_null(strstr(text, "Subject: =?UTF-8?B?ZXZpbA==?=\r\n"), "%s",
                   text);
    cr_assert(strstr(text, "Subject: =?UTF-8?B?PT9VVEYtOD9CP1pYWnBiQT09Pz0=?="),
              "%s", text);
    free(text);
}

/* Decodes the Subject header's encoded words into out and checks their
 * shape: each at most 75 characters, each line at most 78. */
static void decode_subject(const char *text, char *out, size_t size)
{
    const char *p = strstr(text, "\r\nSubject: ");
    const char *end;
    size_t len = 0;
    cr_assert_not_null(p);
    p += 2;
    end = strstr(p, "\r\nDate: ");
    cr_assert_not_null(end);
    for (const char *line = p; line < end;) {
        const char *eol = strstr(line, "\r\n");
        cr_assert_leq(eol - line, 78, "subject line too long: %.*s",
                      (int)(eol - line), line);
        line = eol + 2;
    }
    p += strlen("Subject: ");
    while (p < end) {
        const char *q = strstr(p, "?=");
        size_t word, got = 0;
        cr_assert(strncmp(p, "=?UTF-8?B?", 10) == 0, "%s", p);
        cr_assert_not_null(q);
        word = (size_t)(q + 2 - p);
        cr_assert_leq(word, 75);
        cr_assert_eq(sodium_base642bin((unsigned char *)out + len,
                                       size - len - 1, p + 10, word - 12, NULL,
                                       &got, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
        /* no word ends inside a UTF-8 sequence */
        cr_assert(ac_utf8_is_valid((struct ac_str){out + len, got}),
                  "word %.*s splits a character", (int)word, p);
        len += got;
        p = q + 2;
        if (p < end) {
            cr_assert(strncmp(p, "\r\n ", 3) == 0, "words are folded");
            p += 3;
        }
    }
    out[len] = '\0';
}

Test(notify_compose, long_subject_is_split_at_character_boundaries)
{
    static const char *const pieces[] = {"\xc3\xa9", "a\xe2\x9c\x93",
                                         "\xf0\x9f\x99\x82 "};
    char subject[400], decoded[400];
    size_t len = 0;
    struct ac_mail m;
    char *text;
    /* 2-, 3- and 4-byte characters, so every split point is tried */
    for (int i = 0; i < 30; i++) {
        size_t n = strlen(pieces[i % 3]);
        memcpy(subject + len, pieces[i % 3], n);
        len += n;
    }
    subject[len] = '\0';
    m = mail(subject, "b");
    text = compose(&m);
    decode_subject(text, decoded, sizeof decoded);
    cr_assert_str_eq(decoded, subject);
    cr_assert(strstr(text, "?=\r\n =?UTF-8?B?"), "several words: %s", text);
    free(text);

    /* a long ASCII subject is folded the same way rather than left over
     * 78 characters on one line */
    memset(subject, 'x', 150);
    subject[150] = '\0';
    m = mail(subject, "b");
    text = compose(&m);
    decode_subject(text, decoded, sizeof decoded);
    cr_assert_str_eq(decoded, subject);
    free(text);
}

Test(notify_compose, line_breaks_in_the_subject_cannot_add_headers)
{
    struct ac_mail m = mail("hello\r\nBcc: eve@evil.example\n\rX: y", "b");
    char *text = compose(&m);
    cr_assert(strstr(text, "\r\nSubject: hello Bcc: eve@evil.example X: y\r\n"),
              "%s", text);
    cr_assert_null(strstr(text, "\r\nBcc:"));
    cr_assert_null(strstr(text, "\r\nX:"));
    assert_crlf_lines(text);
    free(text);
}

Test(notify_compose, body_line_ends_become_crlf)
{
    struct ac_mail m = mail("s", "unix\nwindows\r\nold mac\rmixed\n\r\n"
                                 ".dot\n.\nlast without newline");
    char *text = compose(&m);
    const char *body = strstr(text, "\r\n\r\n");
    cr_assert_not_null(body);
    cr_assert_str_eq(body + 4, "unix\r\nwindows\r\nold mac\r\nmixed\r\n\r\n"
                               ".dot\r\n.\r\nlast without newline\r\n");
    assert_crlf_lines(text);
    free(text);
}

Test(notify_compose, long_body_lines_are_broken)
{
    size_t n = 3000;
    char *body = malloc(n + 1);
    char *text, *joined, *q;
    struct ac_mail m;
    /* "é" (2 bytes) at odd offsets would be split by a break at a fixed
     * byte count */
    for (size_t i = 0; i < n; i += 3) {
        memcpy(body + i, "a\xc3\xa9", 3);
    }
    body[n] = '\0';
    m = mail("s", body);
    text = compose(&m);
    assert_crlf_lines(text);
    /* removing the added line breaks gives the body back */
    joined = strdup(strstr(text, "\r\n\r\n") + 4);
    q = joined;
    for (const char *p = joined; *p; p++) {
        if (*p != '\r' && *p != '\n') {
            *q++ = *p;
        }
    }
    *q = '\0';
    cr_assert_str_eq(joined, body);
    free(joined);
    free(text);
    free(body);
}

Test(notify_compose, empty_body_and_subject)
{
    struct ac_mail m = mail("", "");
    char *text = compose(&m);
    cr_assert(strstr(text, "\r\nSubject: \r\n"), "%s", text);
    cr_assert(strstr(text, "Content-Transfer-Encoding: 8bit\r\n\r\n"));
    cr_assert_eq(text[strlen(text) - 5], 't', "ends after the blank line");
    free(text);
}

Test(notify_compose, refuses_bad_fields)
{
    static const struct {
        const char *from, *to, *id, *subject, *body, *where;
        int64_t date_ms;
    } bad[] = {
        {"accord@example.net", "alice@example.org\r\nBcc: e@x.example", "1@a",
         "s", "b", "to", 0},
        {"accord@example.net", "Alice <alice@example.org>", "1@a", "s", "b",
         "to", 0},
        {"accord@example.net", NULL, "1@a", "s", "b", "to", 0},
        {"accord", "alice@example.org", "1@a", "s", "b", "from", 0},
        {"a@example.net\nX: y", "alice@example.org", "1@a", "s", "b", "from",
         0},
        {"accord@example.net", "alice@example.org", "", "s", "b", "message_id",
         0},
        {"accord@example.net", "alice@example.org", "1@a>\r\nX: y", "s", "b",
         "message_id", 0},
        {"accord@example.net", "alice@example.org", "<1@a>", "s", "b",
         "message_id", 0},
        {"accord@example.net", "alice@example.org", "1 @a", "s", "b",
         "message_id", 0},
        {"accord@example.net", "alice@example.org", "1@a", "\xc3(", "b",
         "subject", 0},
        {"accord@example.net", "alice@example.org", "1@a", "s", "\xff", "body",
         0},
        {"accord@example.net", "alice@example.org", "1@a", "s", "b", "date_ms",
         -1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ac_mail m = {.to = bad[i].to,
                            .subject = bad[i].subject,
                            .body = bad[i].body,
                            .message_id = bad[i].id,
                            .date_ms = bad[i].date_ms};
        struct ac_buf b;
        struct ac_err err = {0};
        ac_buf_init(&b, 0);
        cr_assert_eq(ac_notify_compose(bad[i].from, &m, &b, &err), AC_EINVAL,
                     "case %zu", i);
        cr_assert_str_eq(err.where, bad[i].where, "case %zu: %s", i, err.msg);
        cr_assert_neq(err.msg[0], '\0');
        ac_buf_release(&b);
    }
}

/* ---- refusals before any connection ---- */

Test(notify_send, mail_refuses_bad_input_without_connecting)
{
    /* port 1 on loopback: a refusal here would be AC_EIO, not AC_EINVAL */
    struct ac_mail_cfg cfg = {.url = "smtp://127.0.0.1:1",
                              .from = "accord@example.net",
                              .timeout_s = 5};
    struct ac_mail m = mail("s", "b");
    struct ac_err err = {0};

    m.to = "alice@example.org, eve@evil.example";
    cr_assert_eq(ac_notify_mail(&cfg, &m, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "to");

    m.to = "alice@example.org";
    cfg.url = "http://127.0.0.1:1/";
    cr_assert_eq(ac_notify_mail(&cfg, &m, &err), AC_EINVAL);
    cr_assert_str_eq(err.where, "url");
    cr_assert(strstr(err.msg, "smtp://"), "%s", err.msg);
}

Test(notify_send, webhook_refuses_bad_input_without_connecting)
{
    uint8_t key[AC_WEBHOOK_SECRET_LEN] = {1};
    struct ac_err err = {0};

    cr_assert_eq(ac_notify_webhook("ftp://127.0.0.1:1/", key, AC_STR("{}"),
                                   "d1", 5, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "url");
    cr_assert(strstr(err.msg, "http:// or https://"), "%s", err.msg);

    cr_assert_eq(ac_notify_webhook("http://127.0.0.1:1/", key, AC_STR("{}"),
                                   "d1\r\nX-Evil: 1", 5, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "delivery");
    cr_assert_eq(ac_notify_webhook("http://127.0.0.1:1/", key, AC_STR("{}"), "",
                                   5, &err),
                 AC_EINVAL);
    cr_assert_str_eq(err.where, "delivery");
}

Test(notify_send, global_init_is_idempotent)
{
    cr_assert(ac_notify_global_init());
    cr_assert(ac_notify_global_init());
}
