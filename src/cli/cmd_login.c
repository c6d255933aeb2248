/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord login, logout and join: getting a session and letting it go.
 * The token is kept in the session file only; it is never printed except
 * with --json, which hands the server's answer to a script unchanged. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/secret.h"
#include "cli/client.h"

enum show { SHOW_TEXT, SHOW_JSON, SHOW_NONE };

/* POST /session as member; saves the session. */
static enum ac_status open_session(struct ac_client *c, const char *member,
                                   const char *password, enum show show,
                                   struct ac_err *err)
{
    struct ac_client_resp r = {0};
    json_t *body =
        json_pack("{s:s,s:s}", "member", member, "password", password);
    const char *token, *expires;
    enum ac_status st;

    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    c->token[0] = '\0';
    st = ac_client_request(c, "POST", "/session", body, &r, err);
    json_decref(body);
    if (st != AC_OK) {
        goto out;
    }
    token = json_string_value(json_object_get(r.json, "token"));
    expires = json_string_value(json_object_get(r.json, "expires"));
    if (!token || strlen(token) >= sizeof c->token) {
        st = ac_err_set(err, AC_EIO, "the server's answer holds no token");
        goto out;
    }
    snprintf(c->token, sizeof c->token, "%s", token);
    snprintf(c->member, sizeof c->member, "%s", member);
    st = ac_client_save(c, expires, err);
    if (st != AC_OK) {
        goto out;
    }
    if (show == SHOW_JSON) {
        printf("%s\n", r.body);
    } else if (show == SHOW_TEXT) {
        printf("logged in to %s as %s", c->server, member);
        if (expires) {
            printf(" until %s", expires);
        }
        putchar('\n');
    }
out:
    ac_client_resp_release(&r);
    return st;
}

enum ac_status ac_cli_login(struct ac_cli_args *a, struct ac_err *err)
{
    struct ac_client c = {0};
    const char *member = ac_cli_get(a, "--member");
    char password[AC_CLIENT_PASSWORD_MAX], prompt[128];
    enum ac_status st =
        ac_client_set_server(&c, ac_cli_get(a, "--server"), err);
    if (st != AC_OK) {
        return st;
    }
    snprintf(prompt, sizeof prompt, "password for %.64s: ", member);
    st = ac_client_password(prompt, password, sizeof password, err);
    if (st == AC_OK) {
        st = open_session(&c, member, password,
                          ac_cli_has(a, "--json") ? SHOW_JSON : SHOW_TEXT, err);
    }
    explicit_bzero(password, sizeof password);
    return st;
}

enum ac_status ac_cli_logout(struct ac_cli_args *a, struct ac_err *err)
{
    struct ac_client c;
    struct ac_client_resp r = {0};
    struct ac_err ignored;
    enum ac_status st = ac_client_load(&c, false, err);
    (void)a;

    if (st != AC_OK) {
        return st;
    }
    if (c.server[0] && c.token[0]) {
        /* an expired or unknown token is as good as ended */
        st = ac_client_request(&c, "DELETE", "/session", NULL, &r, &ignored);
        if (st == AC_EIO && r.status == 0) {
            fprintf(stderr, "accord: %s; the session is forgotten here\n",
                    ignored.msg);
        }
        ac_client_resp_release(&r);
    }
    st = ac_client_forget(err);
    if (st == AC_OK) {
        printf("logged out%s%s\n", c.server[0] ? " of " : "", c.server);
    }
    return st;
}

enum ac_status ac_cli_join(struct ac_cli_args *a, struct ac_err *err)
{
    struct ac_client c = {0};
    struct ac_client_resp r = {0};
    char password[AC_CLIENT_PASSWORD_MAX], member[64] = "";
    json_t *body = NULL;
    bool print_json = ac_cli_has(a, "--json");
    enum ac_status st =
        ac_client_set_server(&c, ac_cli_get(a, "--server"), err);

    password[0] = '\0';
    if (st == AC_OK) {
        st = ac_client_password("choose your password: ", password,
                                sizeof password, err);
    }
    if (st == AC_OK) {
        st = ac_password_check(ac_str_c(password), err);
    }
    if (st != AC_OK) {
        goto out;
    }
    body = json_pack("{s:s,s:s}", "invite", ac_cli_get(a, "--invite"),
                     "password", password);
    if (!body) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
        goto out;
    }
    st = ac_client_request(&c, "POST", "/invites/accept", body, &r, err);
    if (st != AC_OK) {
        goto out;
    }
    snprintf(member, sizeof member, "%s",
             json_string_value(json_object_get(r.json, "member"))
                 ? json_string_value(json_object_get(r.json, "member"))
                 : "");
    if (print_json) {
        printf("%s\n", r.body);
    } else {
        printf("joined as %s (event %lld)\n", member,
               (long long)json_integer_value(json_object_get(r.json, "seq")));
    }
    if (!member[0]) {
        st = ac_err_set(err, AC_EIO, "the server's answer names no member");
        goto out;
    }
    /* the password is at hand: log in as the new member right away */
    st = open_session(&c, member, password, print_json ? SHOW_NONE : SHOW_TEXT,
                      err);
    if (st != AC_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        st = ac_err_set(err, st, "joined as %s, but the login failed: %s",
                        member, why);
    }
out:
    explicit_bzero(password, sizeof password);
    json_decref(body);
    ac_client_resp_release(&r);
    return st;
}
