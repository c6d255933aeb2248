/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord tally: the Schulze ranking of ranked ballots read from a file
 * (docs/cli.md#tally). --format picks the reader; each reader turns its
 * input into one struct election, and the tally and both outputs work on
 * that alone. Without --format, accord tally FILE PROPOSAL replays an
 * exported log and prints the count of a choice as the server does. */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "cli/client.h"
#include "core/choice.h"
#include "core/preflib.h"
#include "core/schulze.h"
#include "store/log.h"

#define FILE_MAX ((size_t)1 << 30) /* bytes of an input file */
#define NAME_COLS 24               /* characters of a name in the table */
#define FILE_SEED 0 /* tie-break seed of a file (docs/cli.md#tally) */

/* Ranked ballots and how to show their alternatives. */
struct election {
    size_t n;                        /* alternatives, numbered 1..n */
    const struct ac_ballot *ballots; /* count, ranks over n */
    size_t count;                    /* kinds of ballot */
    uint64_t voters;                 /* sum of the weights */
    const struct ac_str *names;      /* n; len 0 when unnamed */
    uint64_t seed;                   /* tie-break seed of the tally */
};

typedef enum ac_status (*reader_fn)(const char *path, struct ac_arena *a,
                                    struct election *e, struct ac_err *err);

/* The whole of path ("-": standard input) into b. */
static enum ac_status read_all(const char *path, struct ac_buf *b,
                               struct ac_err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    char chunk[65536];
    size_t got;
    enum ac_status st = AC_OK;
    if (!f) {
        return ac_err_set(err, errno == ENOENT ? AC_ENOTFOUND : AC_EIO,
                          "cannot open %s: %s", path, strerror(errno));
    }
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ac_buf_add(b, chunk, got);
        if (b->status != AC_OK) {
            st = b->status == AC_ELIMIT
                     ? ac_err_set(err, AC_ELIMIT, "%s is larger than %zu MiB",
                                  path, FILE_MAX >> 20)
                     : ac_err_set(err, b->status, "%s: out of memory", path);
            break;
        }
    }
    if (st == AC_OK && ferror(f)) {
        st = ac_err_set(err, AC_EIO, "cannot read %s: %s", path,
                        strerror(errno));
    }
    if (!is_stdin) {
        fclose(f);
    }
    return st;
}

static enum ac_status read_preflib(const char *path, struct ac_arena *a,
                                   struct election *e, struct ac_err *err)
{
    struct ac_buf text;
    struct ac_preflib p;
    enum ac_status st;

    ac_buf_init(&text, FILE_MAX);
    st = read_all(path, &text, err);
    if (st == AC_OK) {
        st = ac_preflib_parse(ac_buf_str(&text), a, &p, err);
        if (st != AC_OK) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            st = ac_err_set(err, st, "%s: %s",
                            strcmp(path, "-") == 0 ? "standard input" : path,
                            why);
        }
    }
    if (st == AC_OK) {
        e->n = p.n;
        e->ballots = p.ballots;
        e->count = p.count;
        e->voters = p.voters;
        e->names = p.names;
        e->seed = FILE_SEED;
    }
    ac_buf_release(&text);
    return st;
}

/* The input formats --format names. */
static const struct {
    const char *name;
    reader_fn read;
} formats[] = {
    {"preflib", read_preflib},
};

/* ---- plain text ------------------------------------------------------ */

/* Bytes of the first cols characters of s; *shown gets their count. */
static size_t cut(struct ac_str s, size_t cols, size_t *shown)
{
    size_t len = 0, chars = 0;
    while (len < s.len && chars < cols) {
        len++;
        while (len < s.len && ((unsigned char)s.ptr[len] & 0xC0) == 0x80) {
            len++;
        }
        chars++;
    }
    *shown = chars;
    return len;
}

static void print_alternative(const struct election *e, size_t c)
{
    printf("%zu", c + 1);
    if (e->names[c].len > 0) {
        printf(" %.*s", (int)e->names[c].len, e->names[c].ptr);
    }
}

static int digits(uint64_t v)
{
    int d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

static void print_matrix(const struct election *e,
                         const struct ac_schulze_result *r)
{
    size_t n = e->n;
    uint64_t high = n;
    size_t label = 0;
    int num, col;
    for (size_t i = 0; i < n * n; i++) {
        high = r->d[i] > high ? r->d[i] : high;
    }
    for (size_t c = 0; c < n; c++) {
        size_t shown;
        cut(e->names[c], NAME_COLS, &shown);
        label = shown > label ? shown : label;
    }
    num = digits(n);
    col = digits(high) + 2;
    printf("\npairwise (voters preferring the row to the column):\n");
    printf("  %*s%s%*s", num, "", label ? " " : "", (int)label, "");
    for (size_t j = 0; j < n; j++) {
        printf("%*zu", col, j + 1);
    }
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        size_t shown;
        size_t len = cut(e->names[i], NAME_COLS, &shown);
        printf("  %*zu%s%.*s%*s", num, i + 1, label ? " " : "", (int)len,
               e->names[i].ptr ? e->names[i].ptr : "", (int)(label - shown),
               "");
        for (size_t j = 0; j < n; j++) {
            if (i == j) {
                printf("%*s", col, "-");
            } else {
                printf("%*llu", col, (unsigned long long)r->d[i * n + j]);
            }
        }
        putchar('\n');
    }
}

static void print_text(const struct election *e,
                       const struct ac_schulze_result *r, bool margins)
{
    size_t n = e->n;
    int num = digits(r->layer_count);
    printf("Schulze, %s: %llu voters, %zu kinds of ballot, %zu "
           "alternatives\n\n",
           margins ? "margins" : "winning votes", (unsigned long long)e->voters,
           e->count, n);
    fputs(r->winner_count > 1 ? "winners (tied): " : "winner: ", stdout);
    for (size_t k = 0; k < r->winner_count; k++) {
        fputs(k ? ", " : "", stdout);
        print_alternative(e, r->order[k]);
    }
    printf("\n\nranking (alternatives sharing a place are tied):\n");
    for (size_t k = 0; k < n; k++) {
        size_t c = r->order[k];
        if (k == 0 || r->layer[r->order[k - 1]] != r->layer[c]) {
            printf("  %*u  ", num, (unsigned)r->layer[c] + 1);
        } else {
            printf("  %*s  ", num, "");
        }
        print_alternative(e, c);
        putchar('\n');
    }
    print_matrix(e, r);
}

/* ---- JSON --------------------------------------------------------------- */

/* {"winners":[...],"ranking":[[...],...],"pairwise":[[...],...]} with
 * the alternatives' 1-based numbers; only numbers, so written directly. */
static void print_json(const struct election *e,
                       const struct ac_schulze_result *r)
{
    size_t n = e->n;
    printf("{\"winners\":[");
    for (size_t k = 0; k < r->winner_count; k++) {
        printf("%s%u", k ? "," : "", (unsigned)r->order[k] + 1);
    }
    printf("],\"ranking\":[[");
    for (size_t k = 0; k < n; k++) {
        bool same = k > 0 && r->layer[r->order[k - 1]] == r->layer[r->order[k]];
        printf("%s%u",
               k == 0 ? ""
               : same ? ","
                      : "],[",
               (unsigned)r->order[k] + 1);
    }
    printf("]],\"pairwise\":[");
    for (size_t i = 0; i < n; i++) {
        printf("%s[", i ? "," : "");
        for (size_t j = 0; j < n; j++) {
            printf("%s%llu", j ? "," : "", (unsigned long long)r->d[i * n + j]);
        }
        putchar(']');
    }
    printf("]}\n");
}

/* accord tally FILE PROPOSAL: the count of a choice, recomputed from an
 * exported log that is verified on the way. */
static enum ac_status tally_log(struct ac_cli_args *a, struct ac_err *err)
{
    const char *path = a->pos[0];
    struct ac_arena arena;
    struct ac_state s;
    const struct ac_proposal *p;
    struct ac_val *report = NULL;
    int64_t count;
    char head[AC_HEX_LEN + 1];
    enum ac_status st;

    ac_arena_init(&arena, 0);
    ac_state_init(&s, &arena);
    st = ac_log_replay_path(path, &s, &count, head, err);
    if (st == AC_OK) {
        p = ac_state_proposal(&s, ac_str_c(a->pos[1]));
        if (!p) {
            st = ac_err_set(err, AC_ENOTFOUND, "%s has no proposal \"%.40s\"",
                            path, a->pos[1]);
        } else if (!ac_choice_has_count(p)) {
            st = ac_err_set(err, AC_EINVAL,
                            "proposal %.40s is a %s, not a choice", a->pos[1],
                            ac_kind_name(p->kind));
        } else if (!(report = ac_choice_report(&s, p, &arena, err))) {
            st = err ? err->code : AC_ENOMEM;
        }
    }
    if (st == AC_OK) {
        json_t *j = ac_json_from_val(report);
        if (!j) {
            st = ac_err_set(err, AC_ENOMEM, "out of memory");
        } else if (ac_cli_has(a, "--json")) {
            char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
            printf("%s\n", text ? text : "null");
            free(text);
        } else {
            printf("log %s: %" PRId64 " events, head %s\n", path, count, head);
            ac_cli_print_result(j);
        }
        json_decref(j);
    }
    ac_arena_release(&arena);
    return st;
}

enum ac_status ac_cli_tally(struct ac_cli_args *a, struct ac_err *err)
{
    const char *format = ac_cli_get(a, "--format");
    bool margins = ac_cli_has(a, "--margins");
    struct ac_arena arena;
    struct election e = {0};
    struct ac_schulze_result r;
    reader_fn read = NULL;
    enum ac_status st;

    if (!format) {
        if (a->pos_count != 2 || margins) {
            return AC_CLI_USAGE(a, err,
                                "give an exported log and a proposal (FILE "
                                "PROPOSAL), or --format preflib FILE");
        }
        return tally_log(a, err);
    }
    if (a->pos_count != 1) {
        return AC_CLI_USAGE(a, err, "--format preflib takes one FILE");
    }
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(format, formats[i].name) == 0) {
            read = formats[i].read;
        }
    }
    if (!read) {
        return AC_CLI_USAGE(a, err,
                            "unknown format \"%.40s\": the supported input is "
                            "--format preflib",
                            format);
    }
    ac_arena_init(&arena, 0);
    st = read(a->pos[0], &arena, &e, err);
    if (st == AC_OK) {
        st = ac_schulze_tally(e.ballots, e.count, e.n,
                              margins ? AC_SCHULZE_MARGINS
                                      : AC_SCHULZE_WINNING_VOTES,
                              e.seed, &arena, &r, err);
    }
    if (st == AC_OK) {
        if (ac_cli_has(a, "--json")) {
            print_json(&e, &r);
        } else {
            print_text(&e, &r, margins);
        }
    }
    ac_arena_release(&arena);
    return st;
}
