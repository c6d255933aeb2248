/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The data folder of the close benchmark (docs/performance.md#close).
 *
 * Builds an organisation with the core and the store, at injected times
 * from nine days ago to an hour ago, as a server would have written it:
 * MEMBERS members, all active in the circle "all" (the first founds it and
 * admits the others one by one while alone, then each takes their invite
 * with the one shared password, whose Argon2id hash is computed once),
 * and one open choice proposal over OPTIONS options, opened a day ago by
 * the first member, with the ballots of every member but the last. So the
 * last member's ballot is the one that closes the round.
 *
 * The ballots come from a fixed seed, by the generator of bench/tally.c
 * (five popular orders for 85 % of the voters, swaps, truncation, ties),
 * one per voter in member order; the last member's ballot is the next
 * one it draws. Every command goes through ac_exec, and the events are
 * committed with ac_log_commit in transactions of up to about CHUNK
 * events, fewer when they took SCRATCH_MAX bytes of scratch.
 *
 * Then, on the state in memory, it casts the last ballot with ac_exec
 * (nothing is committed): the core's own close, without HTTP and the
 * disk, and the winners the server must give.
 *
 * usage: close DIR [--members N] [--options K] [--seed S]
 * prints: members=N options=K ballots=N events=N proposal=ID last=ID
 *         password=P build_s=S ballots_s=S core_close_s=S
 *         closed_bytes=N winners=A[,B...] final_ballot=JSON */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/secret.h"
#include "base/time.h"
#include "ballots.h"
#include "bench.h"
#include "core/choice.h"
#include "core/exec.h"
#include "core/schulze.h"
#include "store/log.h"
#include "store/store.h"

#define ORG_NAME "Close Benchmark Co-op"
#define PASSWORD "bench-password-1"
#define CHUNK 10000 /* events of one append, at most about */
/* scratch bytes after which the batch is appended early: a close may
 * take scratch in proportion to the members (delegation weights) */
#define SCRATCH_MAX ((size_t)128 << 20)
#define OPTIONS_MAX 1000
#define MEMBERS_MAX 1000000

struct build {
    struct ac_state s;            /* the organisation as it grows */
    struct ac_arena state_arena;  /* owns s */
    struct ac_arena scratch;      /* the pending batch; rewound per append */
    struct ac_arena_mark empty;   /* scratch before anything */
    struct ac_batch batch;        /* events not yet appended */
    struct ac_store_password *pw; /* passwords set with the batch */
    size_t pw_count, pw_room;
    struct ac_store *st;
    char phc[AC_PHC_MAX]; /* the one hash of PASSWORD */
    int64_t t;            /* ms: the injected clock */
    struct ac_err err;
};

static void fail(struct build *b, const char *what)
{
    fprintf(stderr, "close: %s: %s\n", what, b->err.msg);
    exit(1);
}

static void flush(struct build *b)
{
    struct ac_store_append extra = {0};
    if (b->batch.count > 0) {
        extra.passwords = b->pw;
        extra.password_count = b->pw_count;
        if (ac_log_commit(b->st, &b->batch, &extra, &b->err) != AC_OK) {
            fail(b, "commit");
        }
    }
    memset(&b->batch, 0, sizeof b->batch);
    b->pw = NULL;
    b->pw_count = b->pw_room = 0;
    ac_arena_rewind(&b->scratch, b->empty);
}

static void run(struct build *b, const struct ac_cmd *cmd, const char *what)
{
    if (ac_exec(&b->s, cmd, b->t, &b->scratch, &b->batch, &b->err) != AC_OK) {
        fail(b, what);
    }
    if (b->batch.count >= CHUNK || b->scratch.used >= SCRATCH_MAX) {
        flush(b);
    }
}

static void add_password(struct build *b, struct ac_str member)
{
    if (b->pw_count == b->pw_room) {
        size_t room = b->pw_room ? b->pw_room * 2 : 64;
        struct ac_store_password *p =
            ac_arena_alloc(&b->scratch, room * sizeof *p);
        if (!p) {
            fprintf(stderr, "close: out of memory\n");
            exit(1);
        }
        if (b->pw_count) {
            memcpy(p, b->pw, b->pw_count * sizeof *p);
        }
        b->pw = p;
        b->pw_room = room;
    }
    b->pw[b->pw_count].member = member;
    b->pw[b->pw_count].phc = ac_str_c(b->phc);
    b->pw_count++;
}

/* Member i (1-based) of n: "m" and i in as many digits as n has. */
static struct ac_str member_id(struct ac_arena *a, long i, long n)
{
    char id[24];
    int width = snprintf(NULL, 0, "%ld", n);
    snprintf(id, sizeof id, "m%0*ld", width, i);
    return ac_arena_str(a, ac_str_c(id));
}

/* {"ranking":[[tier], ...]}, as a ballot command takes it. */
static struct ac_val *ballot_val(struct ac_arena *a, const uint16_t *rank,
                                 size_t n)
{
    struct ac_val *obj = ac_val_obj(a);
    return obj && ac_ballot_put(AC_M_SCHULZE, rank, n, a, obj) ? obj : NULL;
}

/* The same ballot as JSON text, for the HTTP request. */
static void ballot_text(const uint16_t *rank, size_t n, struct ac_buf *out)
{
    ac_buf_add_c(out, "{\"ranking\":[");
    for (uint16_t t = 0; t < n; t++) {
        bool any = false;
        for (size_t c = 0; c < n; c++) {
            if (rank[c] == t) {
                ac_buf_add_c(out, any ? "," : (t > 0 ? ",[" : "["));
                ac_buf_printf(out, "%zu", c + 1);
                any = true;
            }
        }
        if (!any) {
            break;
        }
        ac_buf_putc(out, ']');
    }
    ac_buf_add_c(out, "]}");
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void found(struct build *b, long members)
{
    struct ac_str founder = member_id(&b->scratch, 1, members);
    if (ac_exec_found(&b->s, AC_STR(ORG_NAME), founder, AC_STR("Member 1"),
                      b->t, &b->scratch, &b->batch, &b->err) != AC_OK) {
        fail(b, "founding");
    }
    add_password(b, founder);
    flush(b);
}

/* The founder admits members 2..n while alone in "all": her consent
 * decides each round at once. */
static void admit_all(struct build *b, struct ac_str founder, long members)
{
    for (long i = 2; i <= members; i++) {
        char json[96];
        struct ac_cmd cmd = {.type = AC_CMD_PROPOSE};
        struct ac_str id = member_id(&b->scratch, i, members);
        snprintf(json, sizeof json, "Member %ld", i);
        cmd.actor = founder;
        cmd.circle = AC_STR(AC_ROOT_CIRCLE);
        cmd.kind = AC_STR("member.admit");
        cmd.title = ac_arena_str(&b->scratch, ac_str_c(json));
        cmd.data = ac_val_obj(&b->scratch);
        if (!cmd.data || !cmd.title.ptr ||
            !ac_val_set(&b->scratch, cmd.data, "id",
                        ac_val_str(&b->scratch, id)) ||
            !ac_val_set(&b->scratch, cmd.data, "name",
                        ac_val_str(&b->scratch, ac_str_c(json)))) {
            fprintf(stderr, "close: out of memory\n");
            exit(1);
        }
        b->t++;
        run(b, &cmd, "member.admit");
        cmd = (struct ac_cmd){.type = AC_CMD_POSITION};
        cmd.actor = founder;
        cmd.proposal = b->s.proposals[b->s.proposal_count - 1].id;
        cmd.position = AC_STR("consent");
        cmd.reason = AC_STR("");
        b->t++;
        run(b, &cmd, "consent");
    }
    flush(b);
}

/* Members 2..n take their invites, each with the shared password. */
static void join_all(struct build *b, long members)
{
    for (long i = 2; i <= members; i++) {
        struct ac_cmd cmd = {.type = AC_CMD_JOIN};
        cmd.actor = member_id(&b->scratch, i, members);
        if (!cmd.actor.ptr) {
            fprintf(stderr, "close: out of memory\n");
            exit(1);
        }
        b->t++;
        if (ac_exec(&b->s, &cmd, b->t, &b->scratch, &b->batch, &b->err) !=
            AC_OK) {
            fail(b, "join");
        }
        add_password(b, cmd.actor);
        if (b->batch.count >= CHUNK || b->scratch.used >= SCRATCH_MAX) {
            flush(b);
        }
    }
    flush(b);
}

/* The choice over n options; returns its index in the proposals. */
static size_t open_choice(struct build *b, struct ac_str founder, long members,
                          size_t n)
{
    struct ac_cmd cmd = {.type = AC_CMD_PROPOSE};
    struct ac_val *opts = ac_val_arr(&b->scratch);
    char title[128];
    cmd.data = ac_val_obj(&b->scratch);
    for (size_t c = 0; opts && c < n; c++) {
        char name[32];
        snprintf(name, sizeof name, "Option %zu", c + 1);
        if (!ac_val_push(&b->scratch, opts,
                         ac_val_str(&b->scratch, ac_str_c(name)))) {
            opts = NULL;
        }
    }
    snprintf(title, sizeof title, "Pick one of %zu options, %ld members", n,
             members);
    if (!cmd.data || !ac_val_set(&b->scratch, cmd.data, "options", opts)) {
        fprintf(stderr, "close: out of memory\n");
        exit(1);
    }
    cmd.actor = founder;
    cmd.circle = AC_STR(AC_ROOT_CIRCLE);
    cmd.kind = AC_STR("choice");
    cmd.title = ac_str_c(title);
    b->t++;
    run(b, &cmd, "choice");
    flush(b);
    return b->s.proposal_count - 1;
}

/* Casts the ballots of members 1..members-1 over the 23 hours to an hour
 * ago, one per voter in member order, committed in chunks. */
static void cast_all(struct build *b, struct ac_str pid, long members, size_t n,
                     struct rng *g, const uint16_t *popular, uint16_t *order,
                     uint16_t *rank)
{
    int64_t step = 23 * AC_MS_PER_HOUR / members;
    step = step < 1 ? 1 : step;
    for (long i = 1; i < members; i++) {
        struct ac_cmd cmd = {.type = AC_CMD_BALLOT};
        vote(g, popular, n, order, rank);
        cmd.actor = member_id(&b->scratch, i, members);
        cmd.proposal = pid;
        cmd.data = ballot_val(&b->scratch, rank, n);
        if (!cmd.actor.ptr || !cmd.data) {
            fprintf(stderr, "close: out of memory\n");
            exit(1);
        }
        b->t += step;
        run(b, &cmd, "ballot");
    }
    flush(b);
}

/* The last member's ballot through ac_exec on the state in memory, not
 * committed; its proposal.closed must decide the choice. Returns the
 * seconds it took; *bytes is the size of the close event, *winners its
 * result's winners. */
static double close_in_memory(struct build *b, size_t index, struct ac_str last,
                              const uint16_t *rank, size_t n, size_t *bytes,
                              const struct ac_val **winners)
{
    struct ac_cmd cmd = {.type = AC_CMD_BALLOT};
    const struct ac_event *closed;
    struct ac_buf text;
    double t0, t1;
    cmd.actor = last;
    cmd.proposal = b->s.proposals[index].id;
    cmd.data = ballot_val(&b->scratch, rank, n);
    t0 = bench_now();
    if (!cmd.data ||
        ac_exec(&b->s, &cmd, b->t, &b->scratch, &b->batch, &b->err) != AC_OK) {
        fail(b, "the last ballot");
    }
    t1 = bench_now();
    closed = &b->batch.events[b->batch.count - 1];
    if (b->batch.count != 2 || !ac_str_eq_c(closed->type, "proposal.closed") ||
        b->s.proposals[index].status != AC_PROP_DECIDED) {
        fprintf(stderr, "close: the last ballot did not decide the choice\n");
        exit(1);
    }
    ac_buf_init(&text, 0);
    if (ac_event_encode(closed, true, &text, &b->err) != AC_OK) {
        fail(b, "encoding the close");
    }
    *bytes = text.len;
    ac_buf_release(&text);
    *winners = ac_val_get(ac_val_get(closed->data, "result"), "winners");
    return t1 - t0;
}

/* Builds the folder dir and closes the choice in memory; prints the
 * line. Returns the exit status. */
static int build_dir(struct build *b, const char *dir, long members, size_t n,
                     uint64_t seed, uint16_t *popular, uint16_t *order,
                     uint16_t *rank)
{
    struct rng g = {seed};
    struct ac_str founder, pid, last;
    struct ac_buf text;
    const struct ac_val *winners = NULL;
    size_t index, closed_bytes = 0;
    int64_t now, seq = 0;
    uint8_t head[AC_HASH_LEN];
    double t0, t1, t2, core_s;

    if (ac_store_open(dir, true, &b->st, &b->err) != AC_OK ||
        ac_store_head(b->st, &seq, head, &b->err) != AC_OK) {
        fail(b, dir);
    }
    if (seq > 0) {
        fprintf(stderr, "close: %s already holds a log\n", dir);
        return 1;
    }
    if (ac_password_hash(AC_STR(PASSWORD), b->phc, &b->err) != AC_OK) {
        fail(b, "password");
    }

    t0 = bench_now();
    now = wall_ms();
    b->t = now - 9 * AC_MS_PER_DAY;
    found(b, members);
    founder = member_id(&b->state_arena, 1, members);
    last = member_id(&b->state_arena, members, members);
    admit_all(b, founder, members);
    b->t = now - 8 * AC_MS_PER_DAY;
    join_all(b, members);
    b->t = now - AC_MS_PER_DAY;
    index = open_choice(b, founder, members, n);
    pid = b->s.proposals[index].id;
    for (size_t k = 0; k < POPULAR; k++) {
        shuffle(&g, popular + k * n, n);
    }
    t1 = bench_now();
    cast_all(b, pid, members, n, &g, popular, order, rank);
    t2 = bench_now();
    if (b->s.proposals[index].status != AC_PROP_OPEN) {
        fprintf(stderr, "close: the choice closed before the last ballot\n");
        return 1;
    }
    seq = b->s.seq;
    ac_store_close(b->st);
    b->st = NULL;

    vote(&g, popular, n, order, rank);
    b->t = now;
    core_s = close_in_memory(b, index, last, rank, n, &closed_bytes, &winners);

    printf("members=%ld options=%zu ballots=%ld events=%" PRId64
           " proposal=%.*s last=%.*s password=%s build_s=%.2f ballots_s=%.2f "
           "core_close_s=%.4f closed_bytes=%zu winners=",
           members, n, members - 1, seq, (int)pid.len, pid.ptr, (int)last.len,
           last.ptr, PASSWORD, t2 - t0, t2 - t1, core_s, closed_bytes);
    for (size_t k = 0; winners && k < winners->count; k++) {
        printf("%s%" PRId64, k ? "," : "", winners->items[k]->i);
    }
    ac_buf_init(&text, 0);
    ballot_text(rank, n, &text);
    printf(" final_ballot=%.*s\n", (int)text.len, text.ptr);
    ac_buf_release(&text);
    return 0;
}

int main(int argc, char **argv)
{
    struct build *b;
    long members = 100000;
    size_t n = 20;
    uint64_t seed = 20261128;
    uint16_t *popular, *order, *rank;
    int rc;

    if (argc < 2) {
        fprintf(stderr, "usage: close DIR [--members N] [--options K] "
                        "[--seed S]\n");
        return 2;
    }
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "close: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--members") == 0) {
            members =
                bench_arg("close", argv[i + 1], 2, MEMBERS_MAX, "members");
        } else if (strcmp(argv[i], "--options") == 0) {
            n = (size_t)bench_arg("close", argv[i + 1], 2, OPTIONS_MAX,
                                  "options");
        } else if (strcmp(argv[i], "--seed") == 0) {
            seed =
                (uint64_t)bench_arg("close", argv[i + 1], 1, INT64_MAX, "seed");
        } else {
            fprintf(stderr, "close: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!ac_secret_init()) {
        fprintf(stderr, "close: no source of randomness\n");
        return 1;
    }
    b = calloc(1, sizeof *b);
    popular = calloc(POPULAR * n, sizeof *popular);
    order = calloc(n, sizeof *order);
    rank = calloc(n, sizeof *rank);
    if (!b || !popular || !order || !rank) {
        fprintf(stderr, "close: out of memory\n");
        return 1;
    }
    ac_arena_init(&b->state_arena, 0);
    ac_arena_init(&b->scratch, 0);
    b->empty = ac_arena_mark(&b->scratch);
    ac_state_init(&b->s, &b->state_arena);
    rc = build_dir(b, argv[1], members, n, seed, popular, order, rank);
    if (b->st) {
        ac_store_close(b->st);
    }
    ac_arena_release(&b->scratch);
    ac_arena_release(&b->state_arena);
    free(rank);
    free(order);
    free(popular);
    free(b);
    return rc;
}
