/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The member commands' side of the HTTP API: session file, libcurl
 * requests, problem details, plain-text tables. One request per curl
 * handle: a command sends one to three requests, so reuse buys nothing. */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/ascii.h"
#include "base/buf.h"
#include "base/curl_dl.h"

/* ---- passwords ---- */

static enum ac_status read_line(FILE *in, char *out, size_t size,
                                struct ac_err *err)
{
    size_t len;
    if (!fgets(out, (int)size, in)) {
        out[0] = '\0';
        if (ferror(in)) {
            return ac_err_set(err, AC_EIO, "cannot read the password: %s",
                              strerror(errno));
        }
        return ac_err_at(err, "password", AC_EINVAL,
                         "no password given (set ACCORD_PASSWORD or type "
                         "it when asked)");
    }
    len = strlen(out);
    if (len > 0 && out[len - 1] == '\n') {
        out[--len] = '\0';
    } else if (!feof(in)) {
        explicit_bzero(out, size);
        return ac_err_at(err, "password", AC_EINVAL,
                         "password is longer than %zu bytes", size - 2);
    }
    if (len > 0 && out[len - 1] == '\r') {
        out[--len] = '\0';
    }
    return AC_OK;
}

enum ac_status ac_client_password(const char *prompt, char *out, size_t size,
                                  struct ac_err *err)
{
    const char *env = getenv("ACCORD_PASSWORD");
    struct termios old, quiet;
    enum ac_status st;

    if (env) {
        if (strlen(env) + 1 > size) {
            return ac_err_at(err, "password", AC_EINVAL,
                             "password is longer than %zu bytes", size - 1);
        }
        memcpy(out, env, strlen(env) + 1);
        return AC_OK;
    }
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &old) != 0) {
        return read_line(stdin, out, size, err);
    }
    fprintf(stderr, "%s", prompt);
    fflush(stderr);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    st = read_line(stdin, out, size, err);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    return st;
}

/* ---- the session file ---- */

enum ac_status ac_client_session_path(char *out, size_t size,
                                      struct ac_err *err)
{
    const char *cfg = getenv("ACCORD_CONFIG");
    const char *home = getenv("HOME");
    int n;
    if (cfg && cfg[0]) {
        n = snprintf(out, size, "%s", cfg);
    } else if (home && home[0]) {
        n = snprintf(out, size, "%s/.config/accord/session", home);
    } else {
        return ac_err_set(err, AC_EINVAL,
                          "no place for the session: set ACCORD_CONFIG or "
                          "HOME");
    }
    if (n < 0 || (size_t)n >= size) {
        return ac_err_set(err, AC_EINVAL, "the session path is too long");
    }
    return AC_OK;
}

static void copy_str(char *out, size_t size, const char *s)
{
    snprintf(out, size, "%s", s ? s : "");
}

enum ac_status ac_client_set_server(struct ac_client *c, const char *url,
                                    struct ac_err *err)
{
    size_t len = url ? strlen(url) : 0;
    while (len > 0 && url[len - 1] == '/') {
        len--;
    }
    if (len == 0) {
        return ac_err_at(err, "server", AC_EINVAL,
                         "the server URL must not be empty");
    }
    if (len >= sizeof c->server) {
        return ac_err_at(err, "server", AC_EINVAL,
                         "the server URL is too long");
    }
    memcpy(c->server, url, len);
    c->server[len] = '\0';
    return AC_OK;
}

enum ac_status ac_client_load(struct ac_client *c, bool need_token,
                              struct ac_err *err)
{
    char path[1024];
    json_t *j = NULL;
    const char *env;
    enum ac_status st = ac_client_session_path(path, sizeof path, err);

    memset(c, 0, sizeof *c);
    if (st != AC_OK && need_token && getenv("ACCORD_SERVER") &&
        getenv("ACCORD_TOKEN")) {
        st = AC_OK; /* the environment is enough */
        ac_err_clear(err);
        path[0] = '\0';
    }
    if (st != AC_OK) {
        return st;
    }
    if (path[0] && access(path, F_OK) == 0) {
        json_error_t jerr;
        j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!j || !json_is_object(j)) {
            json_decref(j);
            return ac_err_set(err, AC_EINVAL,
                              "the session file %s is not valid: log in "
                              "again",
                              path);
        }
        copy_str(c->server, sizeof c->server,
                 json_string_value(json_object_get(j, "server")));
        copy_str(c->token, sizeof c->token,
                 json_string_value(json_object_get(j, "token")));
        copy_str(c->member, sizeof c->member,
                 json_string_value(json_object_get(j, "member")));
        json_decref(j);
    }
    env = getenv("ACCORD_SERVER");
    if (env && env[0]) {
        char saved[sizeof c->server];
        memcpy(saved, c->server, sizeof saved);
        st = ac_client_set_server(c, env, err);
        if (st != AC_OK) {
            return st;
        }
        /* a token goes only to the server that gave it */
        if (strcmp(saved, c->server) != 0) {
            c->token[0] = '\0';
            c->member[0] = '\0';
        }
    }
    env = getenv("ACCORD_TOKEN");
    if (env && env[0]) {
        copy_str(c->token, sizeof c->token, env);
        c->member[0] = '\0';
    }
    if (need_token && (!c->server[0] || !c->token[0])) {
        return ac_err_set(err, AC_EDENIED,
                          "not logged in: run accord login --server URL "
                          "--member ID (or set ACCORD_SERVER and "
                          "ACCORD_TOKEN)");
    }
    return AC_OK;
}

/* mkdir -p of the folders above path, each created 0700. */
static void make_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
}

enum ac_status ac_client_save(const struct ac_client *c, const char *expires,
                              struct ac_err *err)
{
    char path[1024], tmp[1100];
    json_t *j = NULL;
    char *text = NULL;
    int fd = -1;
    size_t len;
    enum ac_status st = ac_client_session_path(path, sizeof path, err);

    if (st != AC_OK) {
        return st;
    }
    j = json_pack("{s:s,s:s,s:s}", "server", c->server, "member", c->member,
                  "token", c->token);
    if (j && expires) {
        json_object_set_new(j, "expires", json_string(expires));
    }
    text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    if (!text) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    make_parents(path);
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    len = strlen(text);
    if (fd < 0 || fchmod(fd, 0600) != 0 ||
        write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
        fsync(fd) != 0) {
        st = ac_err_set(err, AC_EIO, "cannot write the session to %s: %s", path,
                        strerror(errno));
        goto out;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, path) != 0) {
        st = ac_err_set(err, AC_EIO, "cannot write the session to %s: %s", path,
                        strerror(errno));
    }
out:
    if (fd >= 0) {
        close(fd);
    }
    if (st != AC_OK) {
        unlink(tmp);
    }
    free(text);
    json_decref(j);
    return st;
}

enum ac_status ac_client_forget(struct ac_err *err)
{
    char path[1024];
    enum ac_status st = ac_client_session_path(path, sizeof path, err);
    if (st != AC_OK) {
        return st;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return ac_err_set(err, AC_EIO, "cannot remove %s: %s", path,
                          strerror(errno));
    }
    return AC_OK;
}

/* ---- requests ---- */

#define BODY_MAX ((size_t)64 << 20) /* answers larger than this are cut */

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct ac_client_resp *r = ctx;
    size_t add = size * n;
    char *q;
    if (r->len + add > BODY_MAX) {
        return 0;
    }
    q = realloc(r->body, r->len + add + 1);
    if (!q) {
        return 0;
    }
    memcpy(q + r->len, p, add);
    r->body = q;
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static enum ac_status status_code(long http)
{
    switch (http) {
    case 401:
    case 403:
        return AC_EDENIED;
    case 404:
        return AC_ENOTFOUND;
    case 409:
        return AC_ECONFLICT;
    case 413:
    case 429:
        return AC_ELIMIT;
    default:
        return http >= 500 ? AC_EIO : AC_EINVAL;
    }
}

/* The server's problem detail as err: the detail, else the title. */
static enum ac_status problem(const struct ac_client_resp *r,
                              struct ac_err *err)
{
    const char *detail = json_string_value(json_object_get(r->json, "detail"));
    const char *field = json_string_value(json_object_get(r->json, "field"));
    enum ac_status code = status_code(r->status);
    if (!detail || !detail[0]) {
        detail = json_string_value(json_object_get(r->json, "title"));
    }
    if (!detail || !detail[0]) {
        return ac_err_set(err, code, "the server answered %ld", r->status);
    }
    return ac_err_at(err, field ? field : "", code, "%s (%ld)", detail,
                     r->status);
}

/* Appends a header line; on failure frees the list and gives NULL. */
static struct curl_slist *add_header(const struct ac_curl *api,
                                     struct curl_slist *h, const char *line)
{
    struct curl_slist *more;
    if (!h) {
        return NULL;
    }
    more = api->slist_append(h, line);
    if (!more) {
        api->slist_free_all(h);
    }
    return more;
}

enum ac_status ac_client_request(const struct ac_client *c, const char *method,
                                 const char *path, const json_t *body,
                                 struct ac_client_resp *out, struct ac_err *err)
{
    char url[AC_CLIENT_SERVER_MAX + 1024], errbuf[CURL_ERROR_SIZE] = "";
    char auth[AC_CLIENT_TOKEN_MAX + 32];
    struct curl_slist *h = NULL;
    char *text = NULL;
    CURL *curl = NULL;
    CURLcode rc;
    enum ac_status st = AC_OK;
    const struct ac_curl *api;
    int n;

    memset(out, 0, sizeof *out);
    n = snprintf(url, sizeof url, "%s/api/v1%s", c->server, path);
    if (n < 0 || (size_t)n >= sizeof url) {
        return ac_err_set(err, AC_EINVAL, "the request URL is too long");
    }
    /* member commands need libcurl; it is loaded on their first request */
    if (!(api = ac_curl_load(err))) {
        return err ? err->code : AC_EIO;
    }
    if (!(curl = api->easy_init())) {
        return ac_err_set(err, AC_ENOMEM, "cannot start the HTTP client");
    }
    h = api->slist_append(h, "Accept: application/json");
    if (body) {
        h = add_header(api, h, "Content-Type: application/json");
    }
    if (c->token[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
        h = add_header(api, h, auth);
    }
    if (body) {
        text = json_dumps(body, JSON_COMPACT);
    }
    if (!h || (body && !text)) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
        goto out;
    }
    api->easy_setopt(curl, CURLOPT_URL, url);
    api->easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    api->easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    api->easy_setopt(curl, CURLOPT_WRITEDATA, out);
    api->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    api->easy_setopt(curl, CURLOPT_USERAGENT, "accord-cli/1");
    api->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    api->easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (text) {
        api->easy_setopt(curl, CURLOPT_POSTFIELDS, text);
        api->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)strlen(text));
    }
    rc = api->easy_perform(curl);
    if (rc != CURLE_OK) {
        st = ac_err_set(err, AC_EIO, "cannot reach %s: %s", c->server,
                        errbuf[0] ? errbuf : api->easy_strerror(rc));
        goto out;
    }
    api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    if (!out->body) {
        out->body = calloc(1, 1);
        if (!out->body) {
            st = ac_err_set(err, AC_ENOMEM, "out of memory");
            goto out;
        }
    }
    if (out->len > 0) {
        out->json = json_loadb(out->body, out->len, JSON_DECODE_ANY, NULL);
    }
    if (out->status < 200 || out->status > 299) {
        st = problem(out, err);
    }
out:
    free(text);
    api->slist_free_all(h);
    api->easy_cleanup(curl);
    return st;
}

void ac_client_resp_release(struct ac_client_resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

enum ac_status ac_client_call(const struct ac_cli_args *a, const char *method,
                              const char *path, const json_t *body,
                              json_t **plain, struct ac_err *err)
{
    struct ac_client c;
    struct ac_client_resp r = {0};
    enum ac_status st = ac_client_load(&c, true, err);

    *plain = NULL;
    if (st == AC_OK) {
        st = ac_client_request(&c, method, path, body, &r, err);
    }
    if (st != AC_OK && r.status == 401 && err) {
        /* the usual cause: the session expired */
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len,
                 "; log in again with accord login");
    }
    if (st != AC_OK) {
        goto out;
    }
    if (ac_cli_has(a, "--json") || ac_cli_has(a, "--csv")) {
        fwrite(r.body, 1, r.len, stdout);
        if (r.len == 0 || r.body[r.len - 1] != '\n') {
            putchar('\n');
        }
    } else if (!r.json) {
        st = ac_err_set(err, AC_EIO, "the server's answer is not JSON");
    } else {
        *plain = json_incref(r.json);
    }
out:
    ac_client_resp_release(&r);
    return st;
}

bool ac_client_escape(const char *s, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     ac_ascii_isdigit(ch) || ch == '-' || ch == '_' ||
                     ch == '.' || ch == '~';
        if (n + (plain ? 1 : 3) + 1 > size) {
            return false;
        }
        if (plain) {
            out[n++] = (char)ch;
        } else {
            out[n++] = '%';
            out[n++] = hex[ch >> 4];
            out[n++] = hex[ch & 15];
        }
    }
    if (n + 1 > size) {
        return false;
    }
    out[n] = '\0';
    return true;
}

/* ---- plain text ---- */

size_t ac_client_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

/* Appends s to out (at *n), truncating to fit. */
static void append(char *out, size_t size, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (*n + 1 >= size) {
        return;
    }
    if (len > size - 1 - *n) {
        len = size - 1 - *n;
        /* never cut a UTF-8 sequence in half */
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) {
            len--;
        }
    }
    memcpy(out + *n, s, len);
    *n += len;
    out[*n] = '\0';
}

void ac_client_text(const json_t *v, char *out, size_t size)
{
    size_t n = 0;
    char num[32];
    out[0] = '\0';
    if (!v || json_is_null(v)) {
        append(out, size, &n, "-");
    } else if (json_is_string(v)) {
        append(out, size, &n, json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        append(out, size, &n, num);
    } else if (json_is_boolean(v)) {
        append(out, size, &n, json_is_true(v) ? "yes" : "no");
    } else if (json_is_array(v) && json_array_size(v) == 0) {
        append(out, size, &n, "-");
    } else {
        bool scalars = json_is_array(v);
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item)
        {
            scalars =
                scalars && (json_is_string(item) || json_is_integer(item));
        }
        if (scalars) {
            json_array_foreach(v, i, item)
            {
                char one[256];
                ac_client_text(item, one, sizeof one);
                append(out, size, &n, i ? ", " : "");
                append(out, size, &n, one);
            }
        } else {
            char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            append(out, size, &n, text ? text : "?");
            free(text);
        }
    }
}

#define CELL_MAX 512 /* bytes of one table cell */

/* Appends s to line and pads it to width characters. */
static void pad(struct ac_buf *line, const char *s, size_t width)
{
    size_t w = ac_client_width(s);
    ac_buf_add_c(line, s);
    for (; w < width; w++) {
        ac_buf_putc(line, ' ');
    }
}

/* Prints line without trailing spaces, then empties it. */
static void put_line(FILE *f, struct ac_buf *line)
{
    size_t len = line->len;
    while (len > 0 && line->ptr[len - 1] == ' ') {
        len--;
    }
    if (len > 0) {
        fwrite(line->ptr, 1, len, f);
    }
    fputc('\n', f);
    ac_buf_reset(line);
}

/* One cell: control characters (a title's line break) become spaces. */
void ac_client_clean(char *s)
{
    for (char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
    ac_utf8_cut(s);
}

static void cell(const json_t *row, const char *key, char *out, size_t size)
{
    ac_client_text(json_object_get(row, key), out, size);
    ac_client_clean(out);
}

void ac_client_table(FILE *f, const json_t *rows,
                     const struct ac_client_col *cols, size_t count)
{
    size_t width[16] = {0};
    size_t i;
    const json_t *row;
    char text[CELL_MAX];
    struct ac_buf line;

    if (count > 16) {
        count = 16;
    }
    if (!json_is_array(rows) || json_array_size(rows) == 0) {
        fputs("none\n", f);
        return;
    }
    for (size_t c = 0; c < count; c++) {
        width[c] = ac_client_width(cols[c].header);
    }
    json_array_foreach(rows, i, row)
    {
        for (size_t c = 0; c < count; c++) {
            size_t w;
            cell(row, cols[c].key, text, sizeof text);
            w = ac_client_width(text);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    ac_buf_init(&line, 0);
    for (size_t c = 0; c < count; c++) {
        pad(&line, cols[c].header, c + 1 < count ? width[c] + 2 : 0);
    }
    put_line(f, &line);
    json_array_foreach(rows, i, row)
    {
        for (size_t c = 0; c < count; c++) {
            cell(row, cols[c].key, text, sizeof text);
            pad(&line, text, c + 1 < count ? width[c] + 2 : 0);
        }
        put_line(f, &line);
    }
    ac_buf_release(&line);
}

void ac_client_field(FILE *f, const char *label, int width, const char *text)
{
    fprintf(f, "%-*s", text[0] ? width : 0, label);
    for (const char *p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1] && p[1] != '\n') {
            for (int k = 0; k < width; k++) {
                fputc(' ', f);
            }
        }
    }
    fputc('\n', f);
}

enum ac_status ac_client_id_path(char *out, size_t size, const char *prefix,
                                 const char *id, const char *suffix,
                                 struct ac_err *err)
{
    char esc[256];
    if (!id[0] || !ac_client_escape(id, esc, sizeof esc)) {
        return ac_err_set(err, AC_EINVAL, "\"%.40s\" is not a valid id", id);
    }
    snprintf(out, size, "%s%s%s", prefix, esc, suffix);
    return AC_OK;
}

const char *ac_client_str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "-";
}
