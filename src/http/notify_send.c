/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Delivering one notification with libcurl: an email through SMTP or a
 * signed webhook POST. Nothing here keeps state between calls but the
 * once-only libcurl initialisation; each call uses its own easy handle. */
#include "http/notify_send.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/ascii.h"
#include "base/buf.h"
#include "base/curl_dl.h"
#include "base/hash.h"

_Static_assert(AC_WEBHOOK_SECRET_LEN == crypto_auth_hmacsha256_KEYBYTES,
               "a webhook secret is one HMAC-SHA256 key");

#define URL_MAX 2000         /* bytes of a webhook URL */
#define MESSAGE_ID_MAX 200   /* bytes of a Message-ID without <> */
#define DELIVERY_MAX 200     /* bytes of an X-Accord-Delivery value */
#define DEFAULT_TIMEOUT_S 30 /* when the caller gives none */
/* RFC 5322 2.1.1: lines of at most 998 bytes; a body line is broken a
 * little before, at a character boundary */
#define BODY_LINE_MAX 990
/* RFC 2047 2: an encoded word is at most 75 characters; 39 bytes make 52
 * base64 characters, so "Subject: " and the first word fit in 78 */
#define WORD_BYTES 39

/* libcurl, loaded on first use (base/curl_dl.h): a server nobody asked
 * for notifications never maps it */
static const struct ac_curl *cu;
/* read after ac_notify_global_init, which published it */
#define CU (__atomic_load_n(&cu, __ATOMIC_ACQUIRE))

bool ac_notify_global_init(void)
{
    struct ac_err ignored = {0};
    const struct ac_curl *c = ac_curl_load(&ignored);
    if (c) {
        __atomic_store_n(&cu, c, __ATOMIC_RELEASE);
    }
    return c != NULL;
}

/* ---- checks ---- */

bool ac_notify_email_ok(const char *addr)
{
    static const char forbidden[] = ",;<>\"()[]\\";
    const char *at = NULL;
    const char *domain;
    size_t len;

    if (!addr) {
        return false;
    }
    len = strlen(addr);
    if (len == 0 || len > 254) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)addr[i];
        /* printable ASCII without the space: no header or recipient can
         * be smuggled in */
        if (c <= 0x20 || c >= 0x7f || strchr(forbidden, c)) {
            return false;
        }
        if (c == '@') {
            if (at) {
                return false;
            }
            at = addr + i;
        }
    }
    if (!at || at == addr || at[1] == '\0') {
        return false;
    }
    domain = at + 1;
    if (strcmp(domain, "localhost") == 0) {
        return true;
    }
    return strchr(domain, '.') && domain[0] != '.' && addr[len - 1] != '.' &&
           !strstr(domain, "..");
}

/* Whether s is a plain token: printable ASCII, no space, at most max
 * bytes, none of the bytes in also_forbidden. */
static bool is_token(const char *s, size_t max, const char *also_forbidden)
{
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > max) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || strchr(also_forbidden, c)) {
            return false;
        }
    }
    return true;
}

static bool has_prefix_nocase(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool ac_notify_url_ok(const char *url, char *why, size_t why_size)
{
    const char *reason = NULL, *rest;
    CURLU *h = NULL;
    char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
    CURLUcode rc;

    if (!ac_notify_global_init()) {
        snprintf(why, why_size,
                 "the webhook URL cannot be checked: libcurl is missing");
        return false;
    }
    if (!url || url[0] == '\0') {
        reason = "the webhook URL is empty";
        goto out;
    }
    if (strlen(url) > URL_MAX) {
        reason = "the webhook URL is longer than 2000 bytes";
        goto out;
    }
    if (!has_prefix_nocase(url, "http://") &&
        !has_prefix_nocase(url, "https://")) {
        reason = "the webhook URL must start with http:// or https://";
        goto out;
    }
    /* libcurl reads "http:///x" as host "x": refuse what does not say
     * what it means */
    rest = strstr(url, "://") + 3;
    if (*rest == '/' || *rest == '\\') {
        reason = "the webhook URL has no host";
        goto out;
    }
    h = CU->url();
    if (!h) {
        reason = "the webhook URL cannot be checked: out of memory";
        goto out;
    }
    /* flags 0: only schemes libcurl supports, no guessing, no spaces */
    rc = CU->url_set(h, CURLUPART_URL, url, 0);
    if (rc == CURLUE_NO_HOST || rc == CURLUE_BAD_HOSTNAME) {
        reason = rc == CURLUE_NO_HOST ? "the webhook URL has no host"
                                      : "the webhook URL has an invalid host";
        goto out;
    }
    if (rc != CURLUE_OK) {
        reason = "the webhook URL is not a valid URL";
        goto out;
    }
    if (CU->url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        reason = "the webhook URL must start with http:// or https://";
        goto out;
    }
    if (CU->url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        host[0] == '\0') {
        reason = "the webhook URL has no host";
        goto out;
    }
    if (CU->url_get(h, CURLUPART_USER, &user, 0) != CURLUE_NO_USER ||
        CU->url_get(h, CURLUPART_PASSWORD, &password, 0) !=
            CURLUE_NO_PASSWORD) {
        reason = "the webhook URL must not hold a user name or password";
        goto out;
    }
out:
    CU->free(password);
    CU->free(user);
    CU->free(host);
    CU->free(scheme);
    CU->url_cleanup(h);
    if (reason && why && why_size > 0) {
        snprintf(why, why_size, "%s", reason);
    }
    return reason == NULL;
}

/* "scheme://host[:port]" of a URL that libcurl parses, for messages: the
 * user, password, path and query may hold secrets, so they are left out. */
static void url_origin(const char *url, char *out, size_t size)
{
    CURLU *h;
    char *scheme = NULL, *host = NULL, *port = NULL;

    snprintf(out, size, "%s", "an invalid URL");
    if (!ac_notify_global_init()) {
        return;
    }
    h = CU->url();
    if (h &&
        CU->url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
            CURLUE_OK &&
        CU->url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        CU->url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        if (CU->url_get(h, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
            snprintf(out, size, "%s://%s:%s", scheme, host, port);
        } else {
            snprintf(out, size, "%s://%s", scheme, host);
        }
    }
    CU->free(port);
    CU->free(host);
    CU->free(scheme);
    CU->url_cleanup(h);
}

/* ---- the message ---- */

static bool needs_encoding(struct ac_str s)
{
    if (s.len + 9 > 78) {
        return true; /* "Subject: " and s would need folding */
    }
    for (size_t i = 0; i < s.len; i++) {
        if ((unsigned char)s.ptr[i] >= 0x80 ||
            (s.ptr[i] == '=' && i + 1 < s.len && s.ptr[i + 1] == '?')) {
            return true;
        }
    }
    return false;
}

/* The subject as one line: each run of control characters (CR and LF
 * above all: they would start a new header) becomes one space. */
static void add_subject_line(struct ac_buf *line, const char *subject)
{
    bool in_run = false;
    for (const char *p = subject; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) {
            if (!in_run) {
                ac_buf_putc(line, ' ');
            }
            in_run = true;
            continue;
        }
        in_run = false;
        ac_buf_putc(line, (char)c);
    }
}

/* RFC 2047 encoded words of at most WORD_BYTES bytes each, never split
 * inside a UTF-8 sequence, folded onto continuation lines. */
static void add_encoded_words(struct ac_buf *out, struct ac_str s)
{
    char b64[sodium_base64_ENCODED_LEN(WORD_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    size_t i = 0;

    while (i < s.len) {
        size_t n = s.len - i < WORD_BYTES ? s.len - i : WORD_BYTES;
        while (i + n < s.len && n > 1 &&
               ((unsigned char)s.ptr[i + n] & 0xc0) == 0x80) {
            n--; /* the next byte continues a character: end before it */
        }
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s.ptr + i, n,
                          sodium_base64_VARIANT_ORIGINAL);
        ac_buf_printf(out, "%s=?UTF-8?B?%s?=", i > 0 ? "\r\n " : "", b64);
        i += n;
    }
}

static void add_date(struct ac_buf *out, int64_t ms)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000); /* ms >= 0: checked by the caller */
    struct tm tm;

    gmtime_r(&t, &tm);
    ac_buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
                  days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The body with every line end (CRLF, LF or a lone CR) as CRLF, lines
 * longer than BODY_LINE_MAX broken, and a final CRLF. */
static void add_body(struct ac_buf *out, struct ac_str body)
{
    size_t line_len = 0;
    for (size_t i = 0; i < body.len; i++) {
        unsigned char c = (unsigned char)body.ptr[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < body.len && body.ptr[i + 1] == '\n') {
                i++;
            }
            ac_buf_add(out, "\r\n", 2);
            line_len = 0;
            continue;
        }
        if (line_len >= BODY_LINE_MAX && (c & 0xc0) != 0x80) {
            ac_buf_add(out, "\r\n", 2);
            line_len = 0;
        }
        ac_buf_putc(out, (char)c);
        line_len++;
    }
    if (line_len > 0) {
        ac_buf_add(out, "\r\n", 2);
    }
}

enum ac_status ac_notify_compose(const char *from, const struct ac_mail *m,
                                 struct ac_buf *out, struct ac_err *err)
{
    struct ac_str subject = ac_str_c(m->subject);
    struct ac_str body = ac_str_c(m->body);
    struct ac_buf line;
    enum ac_status st = AC_OK;

    ac_buf_init(&line, 0);
    if (!ac_notify_email_ok(from)) {
        st = ac_err_at(err, "from", AC_EINVAL,
                       "the sender address is not a valid email address");
        goto out;
    }
    if (!ac_notify_email_ok(m->to)) {
        st = ac_err_at(err, "to", AC_EINVAL,
                       "the recipient address is not a valid email address");
        goto out;
    }
    if (!is_token(m->message_id, MESSAGE_ID_MAX, "<>")) {
        st = ac_err_at(err, "message_id", AC_EINVAL,
                       "the message id must be 1 to 200 printable ASCII "
                       "characters without spaces or angle brackets");
        goto out;
    }
    if (!ac_utf8_is_valid(subject)) {
        st = ac_err_at(err, "subject", AC_EINVAL,
                       "the subject is not valid UTF-8");
        goto out;
    }
    if (!ac_utf8_is_valid(body)) {
        st = ac_err_at(err, "body", AC_EINVAL, "the body is not valid UTF-8");
        goto out;
    }
    if (m->date_ms < 0 || m->date_ms > INT64_C(253402300799999)) {
        st = ac_err_at(err, "date_ms", AC_EINVAL,
                       "the date is outside the years 1970 to 9999");
        goto out;
    }
    add_subject_line(&line, m->subject ? m->subject : "");
    if (line.status != AC_OK) {
        st = ac_err_set(err, line.status, "cannot compose the message: %s",
                        ac_status_name(line.status));
        goto out;
    }

    ac_buf_printf(out, "From: %s\r\nTo: %s\r\nSubject: ", from, m->to);
    if (needs_encoding(ac_buf_str(&line))) {
        add_encoded_words(out, ac_buf_str(&line));
    } else {
        ac_buf_add_str(out, ac_buf_str(&line));
    }
    ac_buf_add(out, "\r\n", 2);
    add_date(out, m->date_ms);
    ac_buf_printf(out,
                  "Message-ID: <%s>\r\n"
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: 8bit\r\n"
                  "\r\n",
                  m->message_id);
    add_body(out, body);
    if (out->status != AC_OK) {
        st = ac_err_set(err, out->status, "cannot compose the message: %s",
                        ac_status_name(out->status));
    }
out:
    ac_buf_release(&line);
    return st;
}

/* ---- SMTP ---- */

struct upload {
    const char *ptr; /* next byte to send; not owned */
    size_t left;     /* bytes still to send */
};

static size_t on_read(char *dst, size_t size, size_t count, void *ctx)
{
    struct upload *up = ctx;
    size_t n = size * count < up->left ? size * count : up->left;
    memcpy(dst, up->ptr, n);
    up->ptr += n;
    up->left -= n;
    return n;
}

/* The last failure reply line (4xx or 5xx) the server sent, kept for the
 * error message. libcurl hands every SMTP reply line to the header
 * callback, the answer to its closing QUIT too, so later success lines
 * must not replace it. */
struct reply {
    char line[160]; /* NUL-terminated, control characters dropped */
};

static size_t on_reply(char *data, size_t size, size_t count, void *ctx)
{
    struct reply *r = ctx;
    size_t n = size * count, len = 0;
    if (n < 3 || (data[0] != '4' && data[0] != '5')) {
        return n;
    }
    for (size_t i = 0; i < n && len + 1 < sizeof r->line; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c >= 0x20 && c != 0x7f) {
            r->line[len++] = (char)c;
        }
    }
    r->line[len] = '\0';
    return n;
}

static bool is_unreachable(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
           rc == CURLE_COULDNT_RESOLVE_PROXY;
}

/* Why a transfer failed: for a refused or failed connection the system's
 * word for it ("Connection refused"), else libcurl's message. */
static const char *curl_reason(CURL *c, CURLcode rc, const char *errbuf,
                               char *sys, size_t sys_size)
{
    long os_errno = 0;
    if (rc == CURLE_COULDNT_CONNECT &&
        CU->easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK &&
        os_errno > 0) {
        return strerror_r((int)os_errno, sys, sys_size);
    }
    return errbuf[0] ? errbuf : CU->easy_strerror(rc);
}

static bool is_smtp_url(const char *url)
{
    return url && (has_prefix_nocase(url, "smtp://") ||
                   has_prefix_nocase(url, "smtps://"));
}

enum ac_status ac_notify_mail(const struct ac_mail_cfg *cfg,
                              const struct ac_mail *m, struct ac_err *err)
{
    struct ac_buf msg;
    struct upload up;
    struct reply reply = {{0}};
    struct curl_slist *rcpt = NULL;
    char from[260], to[260], where[160], sys[128], code_text[24];
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *c = NULL;
    CURLcode rc;
    long code = 0;
    enum ac_status st;

    if (!ac_notify_global_init()) {
        return ac_err_set(err, AC_EIO, "cannot send email: libcurl is missing");
    }

    ac_buf_init(&msg, 0);
    if (!is_smtp_url(cfg->url)) {
        st = ac_err_at(err, "url", AC_EINVAL,
                       "the SMTP URL must start with smtp:// or smtps://");
        goto out;
    }
    st = ac_notify_compose(cfg->from, m, &msg, err);
    if (st != AC_OK) {
        goto out;
    }
    if (!ac_notify_global_init()) {
        st = ac_err_set(err, AC_EIO, "cannot start libcurl");
        goto out;
    }
    url_origin(cfg->url, where, sizeof where);
    snprintf(from, sizeof from, "<%s>", cfg->from);
    snprintf(to, sizeof to, "<%s>", m->to);
    c = CU->easy_init();
    rcpt = CU->slist_append(NULL, to);
    if (!c || !rcpt) {
        st = ac_err_set(err, AC_ENOMEM, "cannot send mail: out of memory");
        goto out;
    }
    up = (struct upload){msg.ptr, msg.len};
    if (CU->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps") != CURLE_OK) {
        st = ac_err_set(err, AC_EIO, "this libcurl cannot send mail");
        goto out;
    }
    CU->easy_setopt(c, CURLOPT_URL, cfg->url);
    CU->easy_setopt(c, CURLOPT_MAIL_FROM, from);
    CU->easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    CU->easy_setopt(c, CURLOPT_UPLOAD, 1L);
    CU->easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    CU->easy_setopt(c, CURLOPT_READDATA, &up);
    CU->easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
    CU->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_reply);
    CU->easy_setopt(c, CURLOPT_HEADERDATA, &reply);
    CU->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    CU->easy_setopt(c, CURLOPT_TIMEOUT,
                    cfg->timeout_s > 0 ? cfg->timeout_s : DEFAULT_TIMEOUT_S);
    CU->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (cfg->username) {
        CU->easy_setopt(c, CURLOPT_USERNAME, cfg->username);
        CU->easy_setopt(c, CURLOPT_PASSWORD,
                        cfg->password ? cfg->password : "");
        /* a password never crosses the network in clear: STARTTLS or
         * smtps is required when one is sent. Without one, no STARTTLS is
         * tried: a local relay often offers it with a self-signed
         * certificate, which would fail every delivery */
        CU->easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    }

    rc = CU->easy_perform(c);
    if (rc == CURLE_OK) {
        goto out;
    }
    CU->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    snprintf(code_text, sizeof code_text, "%ld", code);
    if (code >= 400 && strncmp(reply.line, code_text, 3) == 0) {
        st = ac_err_set(err, AC_EIO,
                        "the SMTP server at %s refused the message: %s", where,
                        reply.line);
    } else if (code >= 400) {
        st = ac_err_set(
            err, AC_EIO, "the SMTP server at %s refused the message: %ld (%s)",
            where, code, curl_reason(c, rc, errbuf, sys, sizeof sys));
    } else if (rc == CURLE_USE_SSL_FAILED) {
        st = ac_err_set(err, AC_EIO,
                        "the SMTP server at %s offers no TLS (STARTTLS), "
                        "which sending the password needs",
                        where);
    } else if (is_unreachable(rc)) {
        st = ac_err_set(err, AC_EIO, "cannot reach the SMTP server at %s: %s",
                        where, curl_reason(c, rc, errbuf, sys, sizeof sys));
    } else {
        st = ac_err_set(err, AC_EIO, "sending mail through %s failed: %s",
                        where, curl_reason(c, rc, errbuf, sys, sizeof sys));
    }
out:
    CU->slist_free_all(rcpt);
    CU->easy_cleanup(c);
    ac_buf_release(&msg);
    return st;
}

/* ---- webhooks ---- */

void ac_notify_signature(const uint8_t secret[AC_WEBHOOK_SECRET_LEN],
                         struct ac_str body, char out[7 + 64 + 1])
{
    uint8_t mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac,
                           (const unsigned char *)(body.ptr ? body.ptr : ""),
                           body.len, secret);
    memcpy(out, "sha256=", 7);
    ac_hex_encode(out + 7, mac, sizeof mac);
}

static bool add_header(struct curl_slist **list, const char *line)
{
    struct curl_slist *more = CU->slist_append(*list, line);
    if (!more) {
        return false;
    }
    *list = more;
    return true;
}

static size_t on_discard(char *data, size_t size, size_t count, void *ctx)
{
    (void)data;
    (void)ctx;
    return size * count;
}

enum ac_status ac_notify_webhook(const char *url,
                                 const uint8_t secret[AC_WEBHOOK_SECRET_LEN],
                                 struct ac_str body, const char *delivery,
                                 long timeout_s, struct ac_err *err)
{
    char why[128], where[160], sys[128], errbuf[CURL_ERROR_SIZE] = "";
    char signature[7 + 64 + 1], sig_header[32 + sizeof signature];
    char delivery_header[32 + DELIVERY_MAX];
    struct curl_slist *headers = NULL;
    CURL *c = NULL;
    CURLcode rc;
    long code = 0;
    enum ac_status st = AC_OK;

    if (!ac_notify_global_init()) {
        return ac_err_set(err, AC_EIO,
                          "cannot call the webhook: libcurl is missing");
    }

    if (!ac_notify_url_ok(url, why, sizeof why)) {
        st = ac_err_at(err, "url", AC_EINVAL, "%s", why);
        goto out;
    }
    if (!is_token(delivery, DELIVERY_MAX, "")) {
        st = ac_err_at(err, "delivery", AC_EINVAL,
                       "the delivery id must be 1 to 200 printable ASCII "
                       "characters without spaces");
        goto out;
    }
    if (!ac_notify_global_init()) {
        st = ac_err_set(err, AC_EIO, "cannot start libcurl");
        goto out;
    }
    url_origin(url, where, sizeof where);
    ac_notify_signature(secret, body, signature);
    snprintf(sig_header, sizeof sig_header, "X-Accord-Signature: %s",
             signature);
    snprintf(delivery_header, sizeof delivery_header, "X-Accord-Delivery: %s",
             delivery);
    c = CU->easy_init();
    if (!c) {
        st = ac_err_set(err, AC_ENOMEM,
                        "cannot send the webhook: out of memory");
        goto out;
    }
    /* "Expect:" turns off "Expect: 100-continue", which libcurl sends
     * with large bodies (over 1 MiB in 7.88) and which makes it wait for
     * an interim answer many receivers never send */
    if (!add_header(&headers, "Content-Type: application/json") ||
        !add_header(&headers, sig_header) ||
        !add_header(&headers, delivery_header) ||
        !add_header(&headers, "Expect:")) {
        st = ac_err_set(err, AC_ENOMEM,
                        "cannot send the webhook: out of memory");
        goto out;
    }
    if (CU->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        st = ac_err_set(err, AC_EIO, "this libcurl cannot send HTTP requests");
        goto out;
    }
    CU->easy_setopt(c, CURLOPT_URL, url);
    CU->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    CU->easy_setopt(c, CURLOPT_POST, 1L);
    CU->easy_setopt(c, CURLOPT_POSTFIELDS, body.ptr ? body.ptr : "");
    CU->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    CU->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    CU->easy_setopt(c, CURLOPT_USERAGENT, "accord");
    CU->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
    CU->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    CU->easy_setopt(c, CURLOPT_TIMEOUT,
                    timeout_s > 0 ? timeout_s : DEFAULT_TIMEOUT_S);
    CU->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);

    rc = CU->easy_perform(c);
    if (rc != CURLE_OK && is_unreachable(rc)) {
        st = ac_err_set(err, AC_EIO, "cannot reach the webhook at %s: %s",
                        where, curl_reason(c, rc, errbuf, sys, sizeof sys));
        goto out;
    }
    if (rc != CURLE_OK) {
        st = ac_err_set(err, AC_EIO, "the webhook request to %s failed: %s",
                        where, curl_reason(c, rc, errbuf, sys, sizeof sys));
        goto out;
    }
    CU->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299) {
        st = ac_err_set(
            err, AC_EIO, "the webhook at %s answered %ld%s", where, code,
            code >= 300 && code < 400 ? " (a redirect, which is not followed)"
                                      : "");
    }
out:
    CU->slist_free_all(headers);
    CU->easy_cleanup(c);
    return st;
}
