/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Delivering one notification (docs/notifications.md): an email through
 * an SMTP server, or a signed webhook POST, both with libcurl. One call
 * is one attempt; the caller retries. Thread-safe once
 * curl_global_init has run (ac_notify_global_init). */
#ifndef ACCORD_HTTP_NOTIFY_SEND_H
#define ACCORD_HTTP_NOTIFY_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/str.h"

#define AC_WEBHOOK_SECRET_LEN 32 /* bytes of a member's webhook key */

/* The SMTP settings of the server's config file. */
struct ac_mail_cfg {
    const char *url;      /* "smtp://host:port" or "smtps://host:port" */
    const char *from;     /* envelope and header sender address */
    const char *username; /* NULL: no authentication */
    const char *password;
    long timeout_s; /* for the whole exchange */
};

/* One message to send. Every string is UTF-8; body lines end in "\n" or
 * "\r\n" (sent as CRLF, with dot-stuffing). */
struct ac_mail {
    const char *to;         /* one address */
    const char *subject;    /* one line; encoded (RFC 2047) when not ASCII */
    const char *body;       /* plain text */
    const char *message_id; /* without <>, e.g. "42.alice@accord.invalid" */
    int64_t date_ms;        /* for the Date header */
};

struct ac_buf;

/* curl_global_init once for the process; false when it failed. */
bool ac_notify_global_init(void);

/* Sends m through cfg. AC_OK once the server accepted the message (its
 * reply to the end of DATA was 250); AC_EIO with what went wrong
 * otherwise (connection refused, a 4xx or 5xx reply and its text). */
enum ac_status ac_notify_mail(const struct ac_mail_cfg *cfg,
                              const struct ac_mail *m, struct ac_err *err);

/* Appends to out the RFC 5322 text ac_notify_mail sends for m from the
 * sender from: headers, a blank line and the body, every line ending in
 * CRLF (before SMTP dot-stuffing, which libcurl does). AC_EINVAL when an
 * address, the message id or a text is not acceptable; out's status
 * (AC_ENOMEM, AC_ELIMIT) when it cannot grow. */
enum ac_status ac_notify_compose(const char *from, const struct ac_mail *m,
                                 struct ac_buf *out, struct ac_err *err);

/* POSTs body (JSON) to url with the headers
 *   Content-Type: application/json
 *   X-Accord-Signature: sha256=<lowercase hex HMAC-SHA256(secret, body)>
 *   X-Accord-Delivery: <delivery>   (the same on every retry)
 * AC_OK on a 2xx answer; AC_EIO with the status or transport error
 * otherwise. Redirects are not followed. */
enum ac_status ac_notify_webhook(const char *url,
                                 const uint8_t secret[AC_WEBHOOK_SECRET_LEN],
                                 struct ac_str body, const char *delivery,
                                 long timeout_s, struct ac_err *err);

/* The signature header's value for body: "sha256=" and 64 hex digits. */
void ac_notify_signature(const uint8_t secret[AC_WEBHOOK_SECRET_LEN],
                         struct ac_str body, char out[7 + 64 + 1]);

/* Whether url is an absolute http:// or https:// URL with a host (no
 * user:password part, at most 2000 bytes); when not, why says so in a
 * sentence naming the problem. */
bool ac_notify_url_ok(const char *url, char *why, size_t why_size);

/* Whether addr is a plausible single email address: local@domain, at
 * most 254 bytes, no spaces, control characters, commas or angle
 * brackets (nothing that could add a header or a recipient). */
bool ac_notify_email_ok(const char *addr);

#endif
