/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* What the member commands share: the saved session (server and token,
 * in $ACCORD_CONFIG or ~/.config/accord/session, mode 0600, overridden by
 * ACCORD_SERVER and ACCORD_TOKEN), requests to the HTTP API v1 with
 * libcurl, problem details turned into one-line errors, and the plain
 * text output (aligned tables). Also reading a password, which init uses
 * too. Responses are JSON held by jansson; the CLI only reads them. */
#ifndef ACCORD_CLI_CLIENT_H
#define ACCORD_CLI_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "cli/cli.h"

#define AC_CLIENT_SERVER_MAX 512    /* bytes of a server URL with NUL */
#define AC_CLIENT_TOKEN_MAX 256     /* bytes of a token with NUL */
#define AC_CLIENT_PASSWORD_MAX 1026 /* bytes of a password line with NUL */

struct ac_client {
    char server[AC_CLIENT_SERVER_MAX]; /* base URL without trailing '/' */
    char token[AC_CLIENT_TOKEN_MAX];   /* bearer token; "" when none */
    char member[64];                   /* session's member; "" unknown */
};

struct ac_client_resp {
    long status;  /* HTTP status; 0 before an answer */
    char *body;   /* malloc'd, NUL-terminated; NULL before an answer */
    size_t len;   /* bytes of body */
    json_t *json; /* parsed body or NULL; owned */
};

/* A column of a plain-text table over an array of JSON objects. */
struct ac_client_col {
    const char *header; /* column title, e.g. "ID" */
    const char *key;    /* member of each object shown in the column */
};

/* The password from ACCORD_PASSWORD or, when unset, read from standard
 * input: prompted without echo on a terminal, else one line. out gets a
 * NUL-terminated copy without the line end. AC_EINVAL when none is given
 * or the line is longer than out; AC_EIO when reading fails. */
enum ac_status ac_client_password(const char *prompt, char *out, size_t size,
                                  struct ac_err *err);

/* The session file's path: $ACCORD_CONFIG or $HOME/.config/accord/session.
 * AC_EINVAL when neither ACCORD_CONFIG nor HOME is set. */
enum ac_status ac_client_session_path(char *out, size_t size,
                                      struct ac_err *err);

/* Fills c from the session file (absent is fine) and then from
 * ACCORD_SERVER and ACCORD_TOKEN. With need_token, AC_EDENIED when there
 * is no server or no token ("not logged in"). */
enum ac_status ac_client_load(struct ac_client *c, bool need_token,
                              struct ac_err *err);

/* Writes c to the session file with mode 0600 (its folder 0700), with
 * the session's expiry (may be NULL). AC_EIO on failure. */
enum ac_status ac_client_save(const struct ac_client *c, const char *expires,
                              struct ac_err *err);

/* Removes the session file; a missing file is fine. */
enum ac_status ac_client_forget(struct ac_err *err);

/* Sets c->server from a URL given on the command line, without trailing
 * slashes. AC_EINVAL when empty or too long. */
enum ac_status ac_client_set_server(struct ac_client *c, const char *url,
                                    struct ac_err *err);

/* Sends method to the server's /api/v1 + path (already escaped) with an
 * optional JSON body and the token when there is one. out is filled
 * whenever the server answered (release it in every case). A 2xx answer
 * is AC_OK; any other answer sets err to the problem detail and status,
 * "/title must not be empty (400)", with the status mapped to EINVAL
 * (400), EDENIED (401, 403), ENOTFOUND (404), ECONFLICT (409), ELIMIT
 * (413, 429), EIO (5xx). No answer at all is AC_EIO. */
enum ac_status ac_client_request(const struct ac_client *c, const char *method,
                                 const char *path, const json_t *body,
                                 struct ac_client_resp *out,
                                 struct ac_err *err);
void ac_client_resp_release(struct ac_client_resp *r);

/* The usual member command: loads the session, sends the request, and
 * when the command was given --json (or --csv) prints the answer
 * unchanged and sets
 * *plain to NULL; otherwise *plain is the parsed answer (a new reference
 * for the caller) to print as text. */
enum ac_status ac_client_call(const struct ac_cli_args *a, const char *method,
                              const char *path, const json_t *body,
                              json_t **plain, struct ac_err *err);

/* prefix, the escaped id, suffix: "/proposals/p3/positions"; an empty
 * id or one too long is refused, naming it. */
enum ac_status ac_client_id_path(char *out, size_t size, const char *prefix,
                                 const char *id, const char *suffix,
                                 struct ac_err *err);

/* Percent-encodes s for a URL path segment or query value into out.
 * False when it does not fit. */
bool ac_client_escape(const char *s, char *out, size_t size);

/* A string member of o, or "-" when absent (for plain-text output). */
const char *ac_client_str(const json_t *o, const char *key);

/* One JSON value as plain text: strings as they are, integers in
 * decimal, arrays of scalars joined by ", ", null or absent as "-",
 * anything else compact JSON. Writes into out (truncated to fit). */
void ac_client_text(const json_t *v, char *out, size_t size);

/* Makes text fit for a terminal in place: control characters (line
 * ends, escapes) become spaces, and a UTF-8 sequence cut short at the
 * end is dropped. */
void ac_client_clean(char *s);

/* Prints rows (an array of objects) as an aligned table with a header
 * line; a message "none" when empty. */
void ac_client_table(FILE *f, const json_t *rows,
                     const struct ac_client_col *cols, size_t count);

/* Prints "label" padded to width, then text; text lines after the first
 * are indented to the same column. */
void ac_client_field(FILE *f, const char *label, int width, const char *text);

/* Number of characters (UTF-8 code points) of s, for alignment. */
size_t ac_client_width(const char *s);

/* Prints the count of a choice as GET /proposals/{id}/result gives it
 * (and `accord tally` computes it offline). */
void ac_cli_print_result(const json_t *r);

#endif
