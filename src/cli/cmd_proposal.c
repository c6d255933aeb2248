/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The proposal commands: proposals, show, propose, position, amend,
 * withdraw and invite, and the answers of choices, elections and draws. The
 * server decides everything; these commands only shape requests and print
 * answers, so a refusal reads exactly as the server gives it. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/secret.h"
#include "cli/client.h"
#include "core/draw.h"
#include "core/preflib.h"

#define PATH_MAX_LEN 512
#define DATA_FILE_MAX ((size_t)1 << 20) /* the server's body limit */
#define LABEL 11                        /* width of a field label */

/* path = prefix + escaped id + suffix. */
/* Reads all of f, up to max bytes. */
static char *slurp(FILE *f, size_t max, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            break;
        }
        if (cap > max) {
            free(buf);
            return NULL;
        }
        char *more = realloc(buf, cap * 2);
        if (!more) {
            free(buf);
            return NULL;
        }
        buf = more;
        cap *= 2;
    }
    *len = n;
    return buf;
}

/* --data: a JSON object given inline, or @FILE (@- for standard input). */
static enum ac_status read_data(const char *arg, json_t **out,
                                struct ac_err *err)
{
    json_error_t je;
    char *text = NULL;
    size_t len = 0;

    *out = NULL;
    if (arg[0] == '@') {
        bool is_stdin = strcmp(arg, "@-") == 0;
        FILE *f = is_stdin ? stdin : fopen(arg + 1, "rb");
        if (!f) {
            return ac_err_at(err, "data", AC_EINVAL, "cannot read %s: %s",
                             arg + 1, strerror(errno));
        }
        text = slurp(f, DATA_FILE_MAX, &len);
        if (!is_stdin) {
            fclose(f);
        }
        if (!text) {
            return ac_err_at(err, "data", AC_EINVAL,
                             "cannot read %s: larger than 1 MiB or out of "
                             "memory",
                             arg + 1);
        }
        *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
        free(text);
    } else {
        *out = json_loads(arg, JSON_REJECT_DUPLICATES, &je);
    }
    if (!*out) {
        return ac_err_at(err, "data", AC_EINVAL,
                         "--data is not valid JSON: %s (line %d, column %d)",
                         je.text, je.line, je.column);
    }
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return ac_err_at(err, "data", AC_EINVAL,
                         "--data must be a JSON object");
    }
    return AC_OK;
}

static const char *str_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static long long int_of(const json_t *obj, const char *key)
{
    return (long long)json_integer_value(json_object_get(obj, key));
}

static void field(const char *label, const json_t *v)
{
    char text[8192];
    ac_client_text(v, text, sizeof text);
    ac_client_field(stdout, label, LABEL, text);
}

/* ---- reading ---- */

enum ac_status ac_cli_proposals(struct ac_cli_args *a, struct ac_err *err)
{
    static const struct ac_client_col cols[] = {
        {"ID", "id"},     {"STATUS", "status"}, {"CIRCLE", "circle"},
        {"KIND", "kind"}, {"AUTHOR", "author"}, {"TITLE", "title"},
    };
    const char *status = ac_cli_get(a, "--status");
    const char *circle = ac_cli_get(a, "--circle");
    char path[PATH_MAX_LEN] = "/proposals", esc[128];
    json_t *list, *rows;
    size_t i;
    json_t *p;
    enum ac_status st;

    if (status) {
        if (!ac_client_escape(status, esc, sizeof esc)) {
            return AC_CLI_USAGE(a, err, "--status is too long");
        }
        snprintf(path + strlen(path), sizeof path - strlen(path), "?status=%s",
                 esc);
    }
    if (circle) {
        if (!ac_client_escape(circle, esc, sizeof esc)) {
            return AC_CLI_USAGE(a, err, "--circle is too long");
        }
        snprintf(path + strlen(path), sizeof path - strlen(path), "%scircle=%s",
                 status ? "&" : "?", esc);
    }
    st = ac_client_call(a, "GET", path, NULL, &list, err);
    if (st != AC_OK || !list) {
        return st;
    }
    rows = json_array();
    json_array_foreach(list, i, p)
    {
        /* the circle filter holds even where the server ignores it */
        if (!circle || strcmp(str_of(p, "circle"), circle) == 0) {
            json_array_append(rows, p);
        }
    }
    ac_client_table(stdout, rows, cols, sizeof cols / sizeof cols[0]);
    json_decref(rows);
    json_decref(list);
    return AC_OK;
}

/* The data of a proposal, one member per line; texts keep their lines. */
static void print_data(const json_t *data)
{
    const char *key;
    const json_t *v;
    puts("data:");
    json_object_foreach((json_t *)data, key, v)
    {
        char label[80];
        snprintf(label, sizeof label, "  %s", key);
        if (json_is_integer(v) &&
            (strcmp(key, "amount") == 0 || strcmp(key, "pot") == 0)) {
            /* money: the currency is the charter's money.currency */
            char text[64];
            snprintf(text, sizeof text, "%lld minor units",
                     (long long)json_integer_value(v));
            ac_client_field(stdout, label, LABEL, text);
            continue;
        }
        field(label, v);
    }
}

static void print_positions(const json_t *p)
{
    const json_t *positions = json_object_get(p, "positions");
    const json_t *tally = json_object_get(p, "tally");
    const json_t *pos;
    size_t i, wm = 6, wp = 8;

    printf("\npositions, round %lld, decided by %s:", int_of(p, "round"),
           str_of(p, "method"));
    if (json_is_object(tally)) {
        const char *key;
        const json_t *v;
        bool first = true;
        json_object_foreach((json_t *)tally, key, v)
        {
            if (strcmp(key, "eligible") != 0) {
                printf("%s %s %lld", first ? "" : ",", key,
                       (long long)json_integer_value(v));
                first = false;
            }
        }
        printf(" of %lld", int_of(tally, "eligible"));
    }
    putchar('\n');
    if (json_array_size(positions) == 0) {
        puts("  none yet");
        return;
    }
    json_array_foreach(positions, i, pos)
    {
        size_t m = ac_client_width(str_of(pos, "member"));
        size_t q = ac_client_width(str_of(pos, "position"));
        wm = m > wm ? m : wm;
        wp = q > wp ? q : wp;
    }
    json_array_foreach(positions, i, pos)
    {
        const char *reason = str_of(pos, "reason");
        const json_t *ballot = json_object_get(pos, "ballot");
        printf("  %-*s  ", (int)wm, str_of(pos, "member"));
        if (ballot) {
            char *text = json_dumps(ballot, JSON_COMPACT | JSON_SORT_KEYS);
            printf("%-*s  %s\n", (int)wp, "ballot", text ? text : "");
            free(text);
        } else if (reason[0]) {
            printf("%-*s  %s\n", (int)wp, str_of(pos, "position"), reason);
        } else {
            printf("%s\n", str_of(pos, "position"));
        }
    }
}

static void print_objections(const json_t *p)
{
    const json_t *list = json_object_get(p, "objections");
    const json_t *ob;
    size_t i;
    if (json_array_size(list) == 0) {
        return;
    }
    puts("\nobjections:");
    json_array_foreach(list, i, ob)
    {
        const json_t *attempts = json_object_get(ob, "attempts");
        const json_t *at;
        size_t k;
        const char *criterion = str_of(ob, "criterion");
        printf("  round %lld  %s  %s", int_of(ob, "round"),
               str_of(ob, "member"), str_of(ob, "status"));
        if (strcmp(str_of(ob, "status"), "amended") == 0) {
            printf(" (answered by version %lld)",
                   int_of(ob, "answered_by_version"));
        }
        printf("\n    %s%s%s\n", criterion[0] ? criterion : "",
               criterion[0] ? ": " : "", str_of(ob, "reason"));
        json_array_foreach(attempts, k, at)
        {
            printf("    suggested by %s: %s\n", str_of(at, "by"),
                   str_of(at, "suggestion"));
        }
    }
}

static void print_proposal(const json_t *p)
{
    const json_t *versions = json_object_get(p, "versions");
    char status[1024];
    const char *outcome = str_of(p, "outcome");

    printf("%s  %s\n\n", str_of(p, "id"), str_of(p, "title"));
    snprintf(status, sizeof status, "%s%s%s", str_of(p, "status"),
             outcome[0] ? ": " : "", outcome);
    ac_client_field(stdout, "status", LABEL, status);
    field("circle", json_object_get(p, "circle"));
    field("kind", json_object_get(p, "kind"));
    field("author", json_object_get(p, "author"));
    snprintf(status, sizeof status, "%lld (version %lld)", int_of(p, "round"),
             int_of(p, "version"));
    ac_client_field(stdout, "round", LABEL, status);
    field("opened", json_object_get(p, "opened"));
    field("deadline", json_object_get(p, "deadline"));
    if (!json_is_null(json_object_get(p, "closed")) &&
        json_object_get(p, "closed")) {
        field("closed", json_object_get(p, "closed"));
    }
    if (json_is_string(json_object_get(p, "lapse_at"))) {
        field("lapses at", json_object_get(p, "lapse_at"));
    }
    if (json_is_string(json_object_get(p, "effect"))) {
        field("created", json_object_get(p, "effect"));
    }
    if (json_is_object(json_object_get(p, "data"))) {
        print_data(json_object_get(p, "data"));
    }
    if (json_array_size(versions) > 1) {
        size_t i;
        const json_t *v;
        puts("\nversions:");
        json_array_foreach(versions, i, v)
        {
            printf("  %lld  %s  %s\n", int_of(v, "version"), str_of(v, "time"),
                   str_of(v, "title"));
        }
    }
    print_positions(p);
    print_objections(p);
}

enum ac_status ac_cli_show(struct ac_cli_args *a, struct ac_err *err)
{
    char path[PATH_MAX_LEN];
    json_t *p;
    enum ac_status st =
        ac_client_id_path(path, sizeof path, "/proposals/", a->pos[0], "", err);
    if (st == AC_OK) {
        st = ac_client_call(a, "GET", path, NULL, &p, err);
    }
    if (st != AC_OK || !p) {
        return st;
    }
    print_proposal(p);
    json_decref(p);
    return AC_OK;
}

/* ---- writing ---- */

/* After a write: the proposal's state in one or two lines. */
static void print_outcome(const json_t *r)
{
    const char *status = str_of(r, "status");
    const char *outcome = str_of(r, "outcome");
    if (!status[0]) {
        return;
    }
    if (strcmp(status, "open") == 0) {
        printf("%s is open: round %lld, deadline %s\n", str_of(r, "id"),
               int_of(r, "round"), str_of(r, "deadline"));
    } else {
        printf("%s is %s%s%s\n", str_of(r, "id"), status,
               outcome[0] ? ": " : "", outcome);
    }
}

/* choice.import data from a PrefLib file: its alternatives (names, or
 * "option N") and its ballots with their counts. */
static enum ac_status import_data(const char *path, const char *source,
                                  json_t **out, struct ac_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    struct ac_arena ar;
    struct ac_preflib pl;
    char *text;
    size_t len = 0;
    json_t *opts = NULL, *list = NULL;
    enum ac_status st;

    if (!f) {
        return ac_err_set(err, errno == ENOENT ? AC_ENOTFOUND : AC_EIO,
                          "cannot open %s: %s", path, strerror(errno));
    }
    text = slurp(f, DATA_FILE_MAX, &len);
    if (f != stdin) {
        fclose(f);
    }
    if (!text) {
        return ac_err_set(err, AC_ELIMIT,
                          "%s is unreadable or larger than %zu bytes", path,
                          DATA_FILE_MAX);
    }
    ac_arena_init(&ar, 0);
    st = ac_preflib_parse((struct ac_str){text, len}, &ar, &pl, err);
    if (st == AC_OK) {
        opts = json_array();
        list = json_array();
    }
    for (size_t c = 0; st == AC_OK && c < pl.n; c++) {
        char name[32];
        snprintf(name, sizeof name, "option %zu", c + 1);
        json_array_append_new(
            opts, pl.names[c].len
                      ? json_stringn(pl.names[c].ptr, pl.names[c].len)
                      : json_string(name));
    }
    for (size_t i = 0; st == AC_OK && i < pl.count; i++) {
        json_t *ranking = json_array();
        for (size_t t = 0; t < pl.n; t++) {
            json_t *tier = NULL;
            for (size_t c = 0; c < pl.n; c++) {
                if (pl.ballots[i].rank[c] != t) {
                    continue;
                }
                if (!tier) {
                    tier = json_array();
                    json_array_append_new(ranking, tier);
                }
                json_array_append_new(tier, json_integer((json_int_t)c + 1));
            }
        }
        json_array_append_new(list, json_pack("{s:I,s:o}", "count",
                                              (json_int_t)pl.ballots[i].weight,
                                              "ranking", ranking));
    }
    if (st == AC_OK) {
        *out = json_pack("{s:O,s:O,s:s}", "options", opts, "ballots", list,
                         "source", source ? source : path);
        if (!*out) {
            st = ac_err_set(err, AC_ENOMEM, "out of memory");
        }
    } else {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        st = ac_err_set(err, st, "%s: %s", path, why);
    }
    json_decref(opts);
    json_decref(list);
    ac_arena_release(&ar);
    free(text);
    return st;
}

enum ac_status ac_cli_propose(struct ac_cli_args *a, struct ac_err *err)
{
    const char *kind = ac_cli_get(a, "--kind");
    const char *text = ac_cli_get(a, "--text");
    const char *raw = ac_cli_get(a, "--data");
    const char *review = ac_cli_get(a, "--review-by");
    const char *preflib = ac_cli_get(a, "--from-preflib");
    json_t *data = NULL, *body = NULL, *r = NULL;
    enum ac_status st;

    if ((text != NULL) + (raw != NULL) + (preflib != NULL) != 1) {
        return AC_CLI_USAGE(a, err,
                            "give one of --data JSON, --text TEXT and "
                            "--from-preflib FILE");
    }
    if (preflib && strcmp(kind, "choice.import") != 0) {
        return AC_CLI_USAGE(a, err, "--from-preflib is for choice.import");
    }
    if (ac_cli_has(a, "--source") && !preflib) {
        return AC_CLI_USAGE(a, err, "--source goes with --from-preflib");
    }
    if (text && strcmp(kind, "agreement.adopt") != 0) {
        return AC_CLI_USAGE(a, err,
                            "--text is for agreement.adopt; give --data "
                            "for %.40s",
                            kind);
    }
    if (review && !text) {
        return AC_CLI_USAGE(a, err, "--review-by goes with --text");
    }
    if (preflib) {
        st = import_data(preflib, ac_cli_get(a, "--source"), &data, err);
    } else if (raw) {
        st = read_data(raw, &data, err);
    } else {
        data = json_pack("{s:s}", "text", text);
        if (data && review) {
            json_object_set_new(data, "review_by", json_string(review));
        }
        st = data ? AC_OK : ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    if (st != AC_OK) {
        goto out;
    }
    body = json_pack("{s:s,s:s,s:s,s:O}", "circle", ac_cli_get(a, "--circle"),
                     "kind", kind, "title", ac_cli_get(a, "--title"), "data",
                     data);
    if (!body) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
        goto out;
    }
    st = ac_client_call(a, "POST", "/proposals", body, &r, err);
    if (st == AC_OK && r) {
        printf("opened %s in circle %s: %s\n", str_of(r, "id"),
               str_of(r, "circle"), str_of(r, "title"));
        print_outcome(r);
    }
out:
    json_decref(r);
    json_decref(body);
    json_decref(data);
    return st;
}

enum ac_status ac_cli_position(struct ac_cli_args *a, struct ac_err *err)
{
    static const char *const positions[] = {
        "consent", "concern", "object", "stand_aside", "yes", "no", "abstain"};
    const char *id = a->pos[0], *pos = a->pos[1];
    const char *reason = ac_cli_get(a, "--reason");
    char path[PATH_MAX_LEN];
    json_t *body = NULL, *r = NULL;
    bool known = false;
    enum ac_status st;

    for (size_t i = 0; i < sizeof positions / sizeof positions[0]; i++) {
        known = known || strcmp(pos, positions[i]) == 0;
    }
    if (!known) {
        return AC_CLI_USAGE(a, err,
                            "position must be consent, concern, object, "
                            "stand_aside, yes, no or abstain, not \"%.40s\"",
                            pos);
    }
    st = ac_client_id_path(path, sizeof path, "/proposals/", id, "/positions",
                           err);
    if (st != AC_OK) {
        return st;
    }
    body =
        json_pack("{s:s,s:s}", "position", pos, "reason", reason ? reason : "");
    if (body && ac_cli_has(a, "--criterion")) {
        json_object_set_new(body, "criterion",
                            json_string(ac_cli_get(a, "--criterion")));
    }
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        printf("your position on %s: %s%s%s\n", id, pos,
               reason && reason[0] ? " - " : "", reason ? reason : "");
        print_outcome(r);
    }
    json_decref(r);
    json_decref(body);
    return st;
}

/* --text on amend: the proposal's current data with a new text. */
static enum ac_status data_with_text(const struct ac_cli_args *a,
                                     const char *id, const char *text,
                                     json_t **out, struct ac_err *err)
{
    struct ac_client c;
    struct ac_client_resp r = {0};
    char path[PATH_MAX_LEN];
    json_t *data;
    enum ac_status st =
        ac_client_id_path(path, sizeof path, "/proposals/", id, "", err);
    (void)a;
    *out = NULL;
    if (st == AC_OK) {
        st = ac_client_load(&c, true, err);
    }
    if (st == AC_OK) {
        st = ac_client_request(&c, "GET", path, NULL, &r, err);
    }
    if (st != AC_OK) {
        goto out;
    }
    data = json_object_get(r.json, "data");
    if (!json_is_object(data) || !json_object_get(data, "text")) {
        st = ac_err_set(err, AC_EINVAL,
                        "proposal %s has no text to replace: give --data", id);
        goto out;
    }
    *out = json_deep_copy(data);
    if (!*out || json_object_set_new(*out, "text", json_string(text)) != 0) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
    }
out:
    ac_client_resp_release(&r);
    return st;
}

enum ac_status ac_cli_amend(struct ac_cli_args *a, struct ac_err *err)
{
    const char *id = a->pos[0];
    const char *title = ac_cli_get(a, "--title");
    const char *raw = ac_cli_get(a, "--data");
    const char *text = ac_cli_get(a, "--text");
    char path[PATH_MAX_LEN];
    json_t *data = NULL, *body = NULL, *r = NULL;
    enum ac_status st;

    if (!title && !raw && !text) {
        return AC_CLI_USAGE(a, err, "give --title, --data or --text");
    }
    if (raw && text) {
        return AC_CLI_USAGE(a, err, "give either --data or --text");
    }
    st = ac_client_id_path(path, sizeof path, "/proposals/", id, "/amend", err);
    if (st == AC_OK && raw) {
        st = read_data(raw, &data, err);
    } else if (st == AC_OK && text) {
        st = data_with_text(a, id, text, &data, err);
    }
    if (st != AC_OK) {
        goto out;
    }
    body = json_object();
    if (!body ||
        (title &&
         json_object_set_new(body, "title", json_string(title)) != 0) ||
        (data && json_object_set(body, "data", data) != 0)) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
        goto out;
    }
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        printf("amended %s: version %lld\n", id, int_of(r, "version"));
        print_outcome(r);
    }
out:
    json_decref(r);
    json_decref(body);
    json_decref(data);
    return st;
}

enum ac_status ac_cli_withdraw(struct ac_cli_args *a, struct ac_err *err)
{
    char path[PATH_MAX_LEN];
    json_t *body = json_object(), *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/proposals/",
                                          a->pos[0], "/withdraw", err);
    if (st == AC_OK && !body) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    if (st == AC_OK) {
        st = ac_client_call(a, "POST", path, body, &r, err);
    }
    if (st == AC_OK && r) {
        printf("withdrew %s\n", a->pos[0]);
    }
    json_decref(r);
    json_decref(body);
    return st;
}

enum ac_status ac_cli_invite(struct ac_cli_args *a, struct ac_err *err)
{
    struct ac_client c;
    char path[PATH_MAX_LEN];
    json_t *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/proposals/",
                                          a->pos[0], "/invite", err);
    if (st == AC_OK) {
        st = ac_client_call(a, "GET", path, NULL, &r, err);
    }
    if (st != AC_OK || !r) {
        return st;
    }
    if (ac_client_load(&c, false, NULL) != AC_OK) {
        snprintf(c.server, sizeof c.server, "URL");
    }
    printf("invite code for %s: %s\n\n"
           "%s joins with:\n  accord join --server %s --invite %s\n",
           str_of(r, "member"), str_of(r, "invite"), str_of(r, "member"),
           c.server[0] ? c.server : "URL", str_of(r, "invite"));
    json_decref(r);
    return AC_OK;
}

/* Option numbers from text: "2,1=3" gives [[2],[1,3]] with tiers, or
 * [2,1,3] without; '>' separates like ','. */
static enum ac_status parse_options(const char *text, bool tiers, json_t *out,
                                    struct ac_err *err)
{
    const char *p = text;
    json_t *tier = NULL;
    while (*p) {
        char *end;
        long n;
        while (*p == ' ') {
            p++;
        }
        if (*p < '0' || *p > '9') {
            return ac_err_set(err, AC_EINVAL,
                              "\"%.40s\": expected an option number at "
                              "\"%.10s\"",
                              text, p);
        }
        n = strtol(p, &end, 10);
        p = end;
        while (*p == ' ') {
            p++;
        }
        if (tiers) {
            if (!tier) {
                tier = json_array();
                json_array_append_new(out, tier);
            }
            json_array_append_new(tier, json_integer(n));
            if (*p != '=') {
                tier = NULL;
            }
        } else {
            json_array_append_new(out, json_integer(n));
            if (*p == '=') {
                return ac_err_set(err, AC_EINVAL,
                                  "\"=\" ties options in a ranking only");
            }
        }
        if (*p == ',' || *p == '>' || *p == '=') {
            p++;
            if (!*p) {
                return ac_err_set(err, AC_EINVAL,
                                  "\"%.40s\" ends after a separator", text);
            }
        } else if (*p) {
            return ac_err_set(err, AC_EINVAL, "\"%.40s\": unexpected \"%c\"",
                              text, *p);
        }
    }
    return AC_OK;
}

enum ac_status ac_cli_ballot(struct ac_cli_args *a, struct ac_err *err)
{
    static const char *const flags[] = {"--rank", "--approve", "--scores"};
    static const char *const keys[] = {"ranking", "approve", "scores"};
    const char *id = a->pos[0];
    char path[PATH_MAX_LEN];
    json_t *list = NULL, *body = NULL, *r = NULL;
    int which = -1;
    enum ac_status st;

    for (int i = 0; i < 3; i++) {
        if (ac_cli_has(a, flags[i])) {
            if (which >= 0) {
                return AC_CLI_USAGE(a, err,
                                    "give one of --rank, --approve "
                                    "and --scores");
            }
            which = i;
        }
    }
    if (which < 0) {
        return AC_CLI_USAGE(a, err, "give --rank, --approve or --scores");
    }
    st =
        ac_client_id_path(path, sizeof path, "/proposals/", id, "/ballot", err);
    if (st != AC_OK) {
        return st;
    }
    list = json_array();
    body = json_object();
    if (!list || !body) {
        st = ac_err_set(err, AC_ENOMEM, "out of memory");
        goto out;
    }
    st = parse_options(ac_cli_get(a, flags[which]), which == 0, list, err);
    if (st != AC_OK) {
        goto out;
    }
    json_object_set(body, keys[which], list);
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        printf("your ballot on %s is cast\n", id);
        print_outcome(r);
    }
out:
    json_decref(r);
    json_decref(body);
    json_decref(list);
    return st;
}

static void print_matrix(const char *title, const json_t *m)
{
    size_t n = json_array_size(m), i, j;
    if (n == 0) {
        return;
    }
    printf("\n%s (row over column):\n%6s", title, "");
    for (j = 0; j < n; j++) {
        printf(" %6zu", j + 1);
    }
    printf("\n");
    for (i = 0; i < n; i++) {
        printf("%6zu", i + 1);
        for (j = 0; j < n; j++) {
            if (i == j) {
                printf(" %6s", "-");
            } else {
                printf(" %6lld", (long long)json_integer_value(
                                     json_array_get(json_array_get(m, i), j)));
            }
        }
        printf("\n");
    }
}

/* Prints a choice's count: options, ranking by layers, totals or the
 * pairwise matrix and strongest paths. */
void ac_cli_print_result(const json_t *r)
{
    const json_t *opts = json_object_get(r, "options");
    const json_t *ranking = json_object_get(r, "ranking");
    const json_t *totals = json_object_get(r, "totals");
    const json_t *layer;
    size_t i;

    printf("%s (%s): %lld ballot(s), %s\n", str_of(r, "proposal"),
           str_of(r, "method"), int_of(r, "ballots"),
           json_is_true(json_object_get(r, "final"))
               ? "final"
               : "not final: the round is open or lapsed");
    printf("ranking, first place first (options on one line are tied):\n");
    json_array_foreach(ranking, i, layer)
    {
        size_t k;
        const json_t *c;
        printf("%4zu. ", i + 1);
        json_array_foreach(layer, k, c)
        {
            json_int_t n = json_integer_value(c);
            printf("%s%lld %s", k ? " = " : "", (long long)n,
                   json_string_value(json_array_get(opts, (size_t)n - 1)));
            if (totals) {
                printf(" (%lld)", (long long)json_integer_value(
                                      json_array_get(totals, (size_t)n - 1)));
            }
        }
        printf("\n");
    }
    printf("tie-break seed: %s\n", str_of(r, "seed"));
    print_matrix("pairwise: voters preferring", json_object_get(r, "pairwise"));
    print_matrix("strongest paths", json_object_get(r, "strongest"));
}

enum ac_status ac_cli_result(struct ac_cli_args *a, struct ac_err *err)
{
    char path[PATH_MAX_LEN];
    json_t *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/proposals/",
                                          a->pos[0], "/result", err);
    if (st != AC_OK) {
        return st;
    }
    st = ac_client_call(a, "GET", path, NULL, &r, err);
    if (st == AC_OK && r) {
        ac_cli_print_result(r);
    }
    json_decref(r);
    return st;
}

enum ac_status ac_cli_integrate(struct ac_cli_args *a, struct ac_err *err)
{
    const char *id = a->pos[0];
    char path[PATH_MAX_LEN];
    json_t *body, *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/proposals/", id,
                                          "/integrations", err);
    if (st != AC_OK) {
        return st;
    }
    body = json_pack("{s:s,s:s}", "objector", ac_cli_get(a, "--objector"),
                     "suggestion", ac_cli_get(a, "--suggestion"));
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        printf("recorded against %s's objection to %s\n",
               ac_cli_get(a, "--objector"), id);
    }
    json_decref(r);
    json_decref(body);
    return st;
}

enum ac_status ac_cli_nominate(struct ac_cli_args *a, struct ac_err *err)
{
    const char *id = a->pos[0], *nominee = a->pos[1];
    char path[PATH_MAX_LEN];
    json_t *body, *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/proposals/", id,
                                          "/nominations", err);
    if (st != AC_OK) {
        return st;
    }
    body = json_pack("{s:s,s:s}", "nominee", nominee, "reason",
                     ac_cli_get(a, "--reason"));
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = ac_client_call(a, "POST", path, body, &r, err);
    if (st == AC_OK && r) {
        printf("you nominate %s in %s\n", nominee, id);
        if (json_is_string(json_object_get(r, "phase"))) {
            printf("%s is in its %s phase", id, str_of(r, "phase"));
            if (json_is_string(json_object_get(r, "candidate"))) {
                printf(": %s is proposed", str_of(r, "candidate"));
            }
            putchar('\n');
        }
        print_outcome(r);
    }
    json_decref(r);
    json_decref(body);
    return st;
}

/* Where `accord volunteer` keeps the secret of a draw until `accord
 * reveal`: beside the session file, mode 0600. */
static enum ac_status secret_path(const char *id, char *out, size_t size,
                                  struct ac_err *err)
{
    char base[PATH_MAX_LEN];
    enum ac_status st = ac_client_session_path(base, sizeof base, err);
    int n;
    if (st != AC_OK) {
        return st;
    }
    /* a proposal id, never a path */
    for (const char *c = id; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'))) {
            return ac_err_set(err, AC_EINVAL, "\"%.40s\" is not a proposal id",
                              id);
        }
    }
    n = snprintf(out, size, "%s.draw-%s", base, id);
    return n < 0 || (size_t)n >= size
               ? ac_err_set(err, AC_EINVAL, "the secret's path is too long")
               : AC_OK;
}

static enum ac_status draw_post(struct ac_cli_args *a, const char *suffix,
                                json_t *body, struct ac_err *err)
{
    char path[PATH_MAX_LEN];
    json_t *r = NULL;
    enum ac_status st = ac_client_id_path(path, sizeof path, "/proposals/",
                                          a->pos[0], suffix, err);
    if (st == AC_OK) {
        st = ac_client_call(a, "POST", path, body, &r, err);
    }
    if (st == AC_OK && r) {
        if (json_is_string(json_object_get(r, "phase"))) {
            printf("%s is in its %s phase\n", a->pos[0], str_of(r, "phase"));
        }
        print_outcome(r);
    }
    json_decref(r);
    return st;
}

enum ac_status ac_cli_volunteer(struct ac_cli_args *a, struct ac_err *err)
{
    const char *given = ac_cli_get(a, "--secret");
    char secret[AC_TOKEN_LEN + 1], commit[AC_HEX_LEN + 1], file[PATH_MAX_LEN];
    const char *use = given;
    json_t *body;
    enum ac_status st;
    FILE *f;

    if (!given) {
        /* a secret nobody else knows, the server included */
        ac_token_new(secret);
        use = secret;
    }
    st = secret_path(a->pos[0], file, sizeof file, err);
    if (st != AC_OK) {
        return st;
    }
    {
        /* created readable by its owner only, before the secret is in it */
        int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f) {
            if (fd >= 0) {
                close(fd);
            }
            return ac_err_set(err, AC_EIO, "cannot keep the secret in %s: %s",
                              file, strerror(errno));
        }
    }
    fprintf(f, "%s\n", use);
    if (fclose(f) != 0) {
        return ac_err_set(err, AC_EIO, "cannot keep the secret in %s", file);
    }
    ac_draw_commit(ac_str_c(use), commit);
    body = json_pack("{s:s}", "commitment", commit);
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = draw_post(a, "/volunteer", body, err);
    if (st == AC_OK) {
        printf("you volunteer for %s; your secret is kept in %s for accord "
               "reveal\n",
               a->pos[0], file);
    }
    json_decref(body);
    return st;
}

enum ac_status ac_cli_pass(struct ac_cli_args *a, struct ac_err *err)
{
    json_t *body = json_object();
    enum ac_status st = body ? draw_post(a, "/pass", body, err)
                             : ac_err_set(err, AC_ENOMEM, "out of memory");
    if (st == AC_OK) {
        printf("you do not volunteer for %s\n", a->pos[0]);
    }
    json_decref(body);
    return st;
}

enum ac_status ac_cli_reveal(struct ac_cli_args *a, struct ac_err *err)
{
    const char *given = ac_cli_get(a, "--secret");
    char line[512] = "", file[PATH_MAX_LEN];
    json_t *body;
    enum ac_status st = AC_OK;

    if (!given) {
        FILE *f;
        st = secret_path(a->pos[0], file, sizeof file, err);
        if (st != AC_OK) {
            return st;
        }
        f = fopen(file, "r");
        if (!f) {
            return ac_err_set(err, AC_ENOTFOUND,
                              "no secret kept for %s (%s): give it with "
                              "--secret",
                              a->pos[0], strerror(errno));
        }
        if (!fgets(line, sizeof line, f)) {
            line[0] = '\0';
        }
        fclose(f);
        line[strcspn(line, "\n")] = '\0';
        given = line;
    }
    body = json_pack("{s:s}", "secret", given);
    if (!body) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    st = draw_post(a, "/reveal", body, err);
    if (st == AC_OK) {
        printf("your secret for %s is revealed\n", a->pos[0]);
    }
    json_decref(body);
    return st;
}
