/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A synthetic organisation for the power benchmark
 * (docs/performance.md#power), written as an exported log: one canonical
 * JSON event per line, as `accord export` writes it.
 *
 * Every event comes from the core: ac_exec_found, then ac_exec with
 * commands at injected times, so the log is valid by construction. The
 * same arguments always give the same file (one seeded generator, no
 * clock, no randomness from the system).
 *
 * The organisation, over two simulated years from 2026-01-01:
 *   - the founder amends the charter while alone: lazy consensus (quorum
 *     0: silence until the deadline is consent) and 24-hour rounds;
 *   - members are admitted one by one (member.admit, proposed by a member
 *     and adopted at the deadline) and take their invites (member.joined)
 *     a little later, growing the organisation over the first 60 % of
 *     the log;
 *   - activity is skewed: who proposes, answers, nominates and is
 *     delegated to is drawn from a Zipf-Mandelbrot law over the members in
 *     order of joining (log-uniform ranks: a few very active members, a
 *     long tail of quiet ones), and the number of answers a proposal gets
 *     from a Pareto law (most get a handful, a few draw crowds);
 *   - eight circles (circle.create) of 12 to 150 members; one of them
 *     decides its agreements by majority vote (a charter rule);
 *   - agreement.adopt proposals mostly, agreement.amend, and choices with
 *     ranked ballots in the circles; about one consent proposal in ten
 *     meets an objection, which its author integrates most of the time
 *     (a suggestion, then an amendment: objections_integrated), and
 *     otherwise withdraws or lets lapse;
 *   - two roles per circle and two in "all", filled by elections
 *     (role.create, role.elect: nominations, a change round, a consent
 *     round) again and again as terms end;
 *   - delegations (AC_CMD_DELEGATE) in "all" and in the circles, mostly
 *     from quiet members to active ones;
 *   - the power check (AC_CMD_POWER) every thirty days, as the server
 *     runs it.
 * The log is cut at exactly EVENTS events (any prefix of a valid log is
 * valid). Counts go to stdout, progress to stderr.
 *
 * usage: genorg MEMBERS EVENTS SEED OUT.jsonl [--edges FILE]
 *   --edges FILE  also writes the interaction graph the power monitor
 *                 keeps (who responded to whom, weighted by how often):
 *                 the node count on the first line, then "from to
 *                 weight" lines, nodes numbered by member index */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballots.h"
#include "base/buf.h"
#include "base/time.h"
#include "bench.h"
#include "core/choice.h"
#include "core/exec.h"

#define T0 INT64_C(1767225600000) /* 2026-01-01T00:00:00.000Z */
#define SPAN (730 * AC_MS_PER_DAY)
#define MINUTE INT64_C(60000)
#define HOUR AC_MS_PER_HOUR
#define DAY AC_MS_PER_DAY
#define ROUND_HOURS 24
#define GROWTH 0.6       /* share of the log over which members join */
#define ZIPF_Q 5.0       /* Zipf-Mandelbrot offset of the activity law */
#define ANSWERS_MAX 2000 /* answers one proposal gets, at most */
#define CIRCLES 8
#define ROLES (2 * CIRCLES + 2)
#define OPTIONS_MAX 6
#define MEMBERS_MAX 5000000L
#define EVENTS_MAX 200000000L
#define NONE UINT32_MAX

/* The circles, each with two roles; the last two roles are "all"'s. */
static const struct {
    const char *id, *name, *purpose;
    size_t size;
} circle_defs[CIRCLES] = {
    {"ops", "Operations", "Keep the shared spaces running day to day", 150},
    {"finance", "Finance", "Keep the books and propose the budget", 40},
    {"care", "Care", "Look after members who need support", 90},
    {"garden", "Garden", "Grow food on the common land", 60},
    {"events", "Events", "Plan the gatherings and the festivals", 30},
    {"tech", "Tech", "Run the servers and the tools", 20},
    {"outreach", "Outreach", "Talk with neighbours and partners", 15},
    {"legal", "Legal", "Watch the statutes and the contracts", 12},
};
#define VOTING_CIRCLE 1 /* finance decides agreements by majority */

static const char *const words[] = {
    "the",      "members",  "agree",    "to",       "keep",    "shared",
    "kitchen",  "tidy",     "after",    "each",     "meal",    "and",
    "rotate",   "cleaning", "duties",   "weekly",   "budget",  "for",
    "garden",   "tools",    "is",       "reviewed", "every",   "quarter",
    "meetings", "start",    "on",       "time",     "with",    "a",
    "short",    "check-in", "minutes",  "are",      "posted",  "within",
    "two",      "days",     "visitors", "sign",     "in",      "at",
    "desk",     "quiet",    "hours",    "begin",    "ten",     "evening",
    "bicycles", "stay",     "rack",     "not",      "hallway", "solar",
    "panels",   "cleaned",  "spring",   "autumn",   "common",  "room",
    "booked",   "through",  "calendar", "compost",  "turned",  "monthly",
    "by",       "circle",   "new",      "buddy",    "their",   "first",
    "month",    "repairs",  "over",     "hundred",  "euros",   "need",
    "second",   "signature"};
#define WORD_COUNT (sizeof words / sizeof words[0])

enum task_type {
    TK_POSITION,      /* member answers prop with position aux */
    TK_BALLOT,        /* member casts a ballot on the choice prop */
    TK_NOMINATE,      /* member nominates someone in the election prop */
    TK_ELECT_CONSENT, /* member consents to the election's candidate */
    TK_INTEGRATE,     /* a suggestion against member's objection to prop */
    TK_AMEND,         /* prop's author amends it */
    TK_WITHDRAW,      /* prop's author withdraws it */
    TK_JOIN,          /* admitted member number member takes the invite */
    TK_ROLES,         /* circle aux (CIRCLES: "all") creates its roles */
    TK_ELECT,         /* role aux is filled by an election when vacant */
    TK_RULE,          /* the voting circle's charter rule */
    TK_POWER          /* the power check */
};

enum answer {
    ANS_CONSENT,
    ANS_CONCERN,
    ANS_OBJECT,
    ANS_STAND_ASIDE,
    ANS_YES,
    ANS_NO,
    ANS_ABSTAIN
};

static const char *const answer_names[] = {
    "consent", "concern", "object", "stand_aside", "yes", "no", "abstain"};

struct task {
    int64_t at;
    uint64_t order; /* ties in time keep the order of scheduling */
    uint32_t prop;  /* proposal index */
    uint32_t member;
    uint32_t aux;
    uint8_t type;
};

struct circle {
    bool proposed, exists;
    uint32_t *members; /* member indices, most active first */
    size_t count;
};

struct role {
    char id[AC_ID_MAX + 1];
    size_t circle; /* index into circles; CIRCLES for "all" */
    int64_t term_days;
    uint32_t election; /* proposal index of the last election, or NONE */
};

struct counter {
    const char *type;
    int64_t n;
};

struct gen {
    struct ac_state s;
    struct ac_arena state_arena;
    struct ac_arena scratch;
    struct ac_arena_mark empty;
    struct ac_batch batch;
    struct rng g;
    int64_t t; /* ms: the injected clock */
    long members, events;
    int64_t written;
    bool done;
    FILE *out;
    struct ac_buf line;
    struct ac_err err;

    struct task *heap;
    size_t heap_count, heap_room;
    uint64_t order;

    uint32_t *active; /* member indices in order of joining */
    size_t active_count;
    uint32_t *stamp; /* per member index: the draw it was last taken in */
    uint32_t stamp_now;
    long admitted; /* admission proposals made, the founder included */
    int64_t actions;

    struct circle circles[CIRCLES];
    size_t circles_proposed;
    bool rule_adopted;
    struct role roles[ROLES];

    struct counter counts[40];
    size_t count_types;
    int64_t skipped; /* tasks the state had moved past */
};

static void fail(struct gen *g, const char *what)
{
    fprintf(stderr, "genorg: %s: %s [%s]\n", what, g->err.msg, g->err.where);
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "genorg: out of memory\n");
        exit(1);
    }
    return p;
}

static void nomem(void)
{
    fprintf(stderr, "genorg: out of memory\n");
    exit(1);
}

/* ---- chance ---- */

/* Uniform in (0, 1]. */
static double unit(struct gen *g)
{
    return (double)((rng_next(&g->g) >> 11) + 1) * 0x1p-53;
}

static int64_t between(struct gen *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)below(&g->g, (size_t)(hi - lo + 1));
}

/* A rank in [0, n): Zipf-Mandelbrot with exponent 1, as the log-uniform
 * law on [q, n + q). Rank 0 is the most likely. */
static size_t zipf(struct gen *g, size_t n)
{
    double x = ZIPF_Q * pow(((double)n + ZIPF_Q) / ZIPF_Q, unit(g) - 1e-12);
    size_t r = (size_t)(x - ZIPF_Q);
    return r < n ? r : n - 1;
}

/* Answers a proposal gets: Pareto with minimum 2.5 and index 1.45 (mean
 * about 8), at most max. */
static size_t answers(struct gen *g, size_t max)
{
    double x = 2.5 / pow(unit(g), 1 / 1.45);
    size_t n = x > (double)ANSWERS_MAX ? ANSWERS_MAX : (size_t)x;
    return n < max ? n : max;
}

/* ---- text ---- */

static struct ac_str sentence(struct gen *g, size_t lo, size_t hi, bool dot)
{
    char text[4096];
    size_t n = lo + below(&g->g, hi - lo + 1), used = 0;
    for (size_t i = 0; i < n && used + 32 < sizeof text; i++) {
        const char *w = words[below(&g->g, WORD_COUNT)];
        int k =
            snprintf(text + used, sizeof text - used, "%s%s", i ? " " : "", w);
        used += (size_t)k;
        if (i == 0) {
            text[0] = (char)(text[0] - 'a' + 'A');
        }
    }
    if (dot) {
        text[used++] = '.';
    }
    text[used] = '\0';
    return ac_arena_str(&g->scratch, ac_str_c(text));
}

/* Some sentences of agreement text. */
static struct ac_str agreement_text(struct gen *g)
{
    struct ac_buf b;
    size_t n = 1 + below(&g->g, 4);
    struct ac_str out;
    ac_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        struct ac_str s = sentence(g, 6, 22, true);
        if (i) {
            ac_buf_putc(&b, ' ');
        }
        ac_buf_add_str(&b, s);
    }
    out = ac_arena_str(&g->scratch, ac_buf_str(&b));
    ac_buf_release(&b);
    return out;
}

/* ---- ids ---- */

/* Member number k (1-based: the founder is 1) of the organisation, in
 * id (AC_ID_MAX + 1 bytes). */
static struct ac_str member_id(const struct gen *g, long k, char *id)
{
    int width = snprintf(NULL, 0, "%ld", g->members);
    snprintf(id, AC_ID_MAX + 1, "m%0*ld", width, k);
    return ac_str_c(id);
}

static struct ac_str mid(const struct gen *g, uint32_t m)
{
    return g->s.members[m].id;
}

/* ---- the log ---- */

static void count_type(struct gen *g, struct ac_str type)
{
    for (size_t i = 0; i < g->count_types; i++) {
        if (ac_str_eq_c(type, g->counts[i].type)) {
            g->counts[i].n++;
            return;
        }
    }
    if (g->count_types < sizeof g->counts / sizeof g->counts[0]) {
        char *name = xcalloc(type.len + 1, 1);
        memcpy(name, type.ptr, type.len);
        g->counts[g->count_types++] = (struct counter){name, 1};
    }
}

/* Writes the batch's events, up to the target, and empties it. */
static void flush(struct gen *g)
{
    for (size_t i = 0; i < g->batch.count && !g->done; i++) {
        ac_buf_reset(&g->line);
        if (ac_event_encode(&g->batch.events[i], true, &g->line, &g->err) !=
            AC_OK) {
            fail(g, "encoding");
        }
        ac_buf_putc(&g->line, '\n');
        if (fwrite(g->line.ptr, 1, g->line.len, g->out) != g->line.len) {
            fprintf(stderr, "genorg: write failed\n");
            exit(1);
        }
        count_type(g, g->batch.events[i].type);
        g->written++;
        if (g->written % 1000000 == 0) {
            fprintf(stderr, "genorg: %" PRId64 " events\n", g->written);
        }
        g->done = g->written >= g->events;
    }
    memset(&g->batch, 0, sizeof g->batch);
    ac_arena_rewind(&g->scratch, g->empty);
}

/* Runs cmd at the clock's time. A command the state has moved past
 * (a closed round, an ineligible nominee) is skipped when tolerated;
 * anything else ends the program. */
static bool run(struct gen *g, const struct ac_cmd *cmd, const char *what,
                bool tolerate)
{
    enum ac_status st;
    if (g->done) {
        return false;
    }
    g->err = (struct ac_err){0};
    st = ac_exec(&g->s, cmd, g->t, &g->scratch, &g->batch, &g->err);
    if (st != AC_OK) {
        if (!tolerate || st == AC_ENOMEM || g->batch.count > 0) {
            fail(g, what);
        }
        g->skipped++;
        flush(g);
        return false;
    }
    flush(g);
    return true;
}

/* Closes what is due by the clock's time, as the server's tick does. */
static void tick(struct gen *g)
{
    struct ac_cmd cmd = {.type = AC_CMD_TICK, .actor = AC_STR("system")};
    if (ac_state_next_due(&g->s) <= g->t) {
        run(g, &cmd, "tick", false);
    }
}

/* ---- tasks: what members do later, in time order ---- */

static bool task_before(const struct task *x, const struct task *y)
{
    return x->at < y->at || (x->at == y->at && x->order < y->order);
}

static void schedule(struct gen *g, int64_t at, enum task_type type,
                     uint32_t prop, uint32_t member, uint32_t aux)
{
    size_t i;
    if (g->heap_count == g->heap_room) {
        size_t room = g->heap_room ? 2 * g->heap_room : 4096;
        struct task *h = realloc(g->heap, room * sizeof *h);
        if (!h) {
            nomem();
        }
        g->heap = h;
        g->heap_room = room;
    }
    i = g->heap_count++;
    g->heap[i] =
        (struct task){at, g->order++, prop, member, aux, (uint8_t)type};
    while (i > 0 && task_before(&g->heap[i], &g->heap[(i - 1) / 2])) {
        struct task t = g->heap[i];
        g->heap[i] = g->heap[(i - 1) / 2];
        g->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static struct task pop(struct gen *g)
{
    struct task top = g->heap[0];
    size_t i = 0;
    g->heap[0] = g->heap[--g->heap_count];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < g->heap_count && task_before(&g->heap[l], &g->heap[m])) {
            m = l;
        }
        if (r < g->heap_count && task_before(&g->heap[r], &g->heap[m])) {
            m = r;
        }
        if (m == i) {
            break;
        }
        struct task t = g->heap[i];
        g->heap[i] = g->heap[m];
        g->heap[m] = t;
        i = m;
    }
    return top;
}

/* ---- who ---- */

/* The population of circle ci (CIRCLES: "all"): member indices, most
 * active first. */
static const uint32_t *population(const struct gen *g, size_t ci, size_t *n)
{
    if (ci == CIRCLES) {
        *n = g->active_count;
        return g->active;
    }
    *n = g->circles[ci].count;
    return g->circles[ci].members;
}

static struct ac_str circle_id(size_t ci)
{
    return ac_str_c(ci == CIRCLES ? AC_ROOT_CIRCLE : circle_defs[ci].id);
}

/* One member of the population, by the activity law. */
static uint32_t someone(struct gen *g, size_t ci)
{
    size_t n;
    const uint32_t *pop = population(g, ci, &n);
    return pop[zipf(g, n)];
}

/* Up to want distinct members of the population by the activity law,
 * none of them except; returns how many. */
static size_t draw_distinct(struct gen *g, size_t ci, uint32_t except,
                            uint32_t *out, size_t want)
{
    size_t n, got = 0, tries = 0;
    const uint32_t *pop = population(g, ci, &n);
    if (++g->stamp_now == 0) {
        memset(g->stamp, 0, (size_t)g->members * sizeof *g->stamp);
        g->stamp_now = 1;
    }
    if (except != NONE) {
        g->stamp[except] = g->stamp_now;
    }
    while (got < want && tries++ < 20 * want + 20) {
        uint32_t m = pop[zipf(g, n)];
        if (g->stamp[m] != g->stamp_now) {
            g->stamp[m] = g->stamp_now;
            out[got++] = m;
        }
    }
    return got;
}

static size_t member_index(const struct gen *g, struct ac_str id)
{
    const struct ac_member *m = ac_state_member(&g->s, id);
    if (!m) {
        fprintf(stderr, "genorg: no member %.*s\n", (int)id.len, id.ptr);
        exit(1);
    }
    return (size_t)(m - g->s.members);
}

/* ---- command builders ---- */

static struct ac_val *obj(struct gen *g)
{
    struct ac_val *v = ac_val_obj(&g->scratch);
    if (!v) {
        nomem();
    }
    return v;
}

static void set_str(struct gen *g, struct ac_val *o, const char *key,
                    struct ac_str s)
{
    if (!ac_val_set(&g->scratch, o, key, ac_val_str(&g->scratch, s))) {
        nomem();
    }
}

static void set_int(struct gen *g, struct ac_val *o, const char *key, int64_t i)
{
    if (!ac_val_set(&g->scratch, o, key, ac_val_int(&g->scratch, i))) {
        nomem();
    }
}

static void set_val(struct gen *g, struct ac_val *o, const char *key,
                    struct ac_val *v)
{
    if (!v || !ac_val_set(&g->scratch, o, key, v)) {
        nomem();
    }
}

static struct ac_val *str_list(struct gen *g, const struct ac_str *items,
                               size_t n)
{
    struct ac_val *arr = ac_val_arr(&g->scratch);
    for (size_t i = 0; arr && i < n; i++) {
        if (!ac_val_push(&g->scratch, arr, ac_val_str(&g->scratch, items[i]))) {
            arr = NULL;
        }
    }
    if (!arr) {
        nomem();
    }
    return arr;
}

/* Proposes; returns the new proposal's index, or NONE when refused. */
static uint32_t propose(struct gen *g, struct ac_str actor, size_t ci,
                        const char *kind, struct ac_str title,
                        struct ac_val *data, bool tolerate)
{
    struct ac_cmd cmd = {.type = AC_CMD_PROPOSE};
    cmd.actor = actor;
    cmd.circle = circle_id(ci);
    cmd.kind = ac_str_c(kind);
    cmd.title = title;
    cmd.data = data;
    if (!run(g, &cmd, kind, tolerate)) {
        return NONE;
    }
    return (uint32_t)(g->s.proposal_count - 1);
}

static bool position(struct gen *g, struct ac_str actor, uint32_t prop,
                     enum answer a, struct ac_str reason)
{
    struct ac_cmd cmd = {.type = AC_CMD_POSITION};
    cmd.actor = actor;
    cmd.proposal = g->s.proposals[prop].id;
    cmd.position = ac_str_c(answer_names[a]);
    cmd.reason = reason.ptr ? reason : AC_STR("");
    return run(g, &cmd, "position", true);
}

/* The round of p is open for answers at the clock's time. */
static bool answerable(const struct gen *g, uint32_t prop)
{
    const struct ac_proposal *p = &g->s.proposals[prop];
    return p->status == AC_PROP_OPEN && g->t < p->deadline;
}

/* ---- the founding ---- */

static void found(struct gen *g)
{
    struct ac_val *data, *set;
    char id[AC_ID_MAX + 1];
    struct ac_str founder = member_id(g, 1, id);
    uint32_t p;
    if (ac_exec_found(&g->s, AC_STR("Synthetic Commons"), founder,
                      AC_STR("Member 1"), g->t, &g->scratch, &g->batch,
                      &g->err) != AC_OK) {
        fail(g, "founding");
    }
    flush(g);
    g->active[g->active_count++] = 0;
    g->admitted = 1;

    /* lazy consensus, in day-long rounds, while the founder is alone */
    g->t += MINUTE;
    data = obj(g);
    set = obj(g);
    set_int(g, set, "consent.quorum_percent", 0);
    set_int(g, set, "consent.round_hours", ROUND_HOURS);
    set_val(g, data, "set", set);
    founder = mid(g, 0);
    p = propose(g, founder, CIRCLES, "charter.amend",
                AC_STR("Lazy consensus in day-long rounds"), data, false);
    g->t += MINUTE;
    position(g, founder, p, ANS_CONSENT, (struct ac_str){NULL, 0});
    if (g->s.proposals[p].status != AC_PROP_ADOPTED) {
        fprintf(stderr, "genorg: the founding charter was not adopted\n");
        exit(1);
    }
}

/* ---- actions: what happens next on the main stream ---- */

static void admit(struct gen *g)
{
    long k = ++g->admitted;
    char name[32], id[AC_ID_MAX + 1];
    struct ac_val *data = obj(g);
    uint32_t by = someone(g, CIRCLES), p;
    bool alone = g->s.active_count == 1;
    snprintf(name, sizeof name, "Member %ld", k);
    set_str(g, data, "id", member_id(g, k, id));
    set_str(g, data, "name", ac_str_c(name));
    p = propose(g, mid(g, by), CIRCLES, "member.admit",
                ac_arena_str(&g->scratch, ac_str_c(name)), data, false);
    if (alone) {
        /* alone, the founder's consent decides at once */
        g->t += 1;
        position(g, mid(g, by), p, ANS_CONSENT, (struct ac_str){NULL, 0});
        schedule(g, g->t + between(g, MINUTE, 30 * MINUTE), TK_JOIN, p,
                 (uint32_t)k, 0);
    } else {
        schedule(g, g->s.proposals[p].deadline + between(g, MINUTE, 72 * HOUR),
                 TK_JOIN, p, (uint32_t)k, 0);
    }
}

static void create_circle(struct gen *g, size_t ci)
{
    struct circle *c = &g->circles[ci];
    size_t want = circle_defs[ci].size;
    struct ac_str *ids;
    struct ac_val *data = obj(g);
    char title[96];
    if (want > g->active_count / 3) {
        want = g->active_count / 3;
    }
    c->members = xcalloc(want, sizeof *c->members);
    c->count = draw_distinct(g, CIRCLES, NONE, c->members, want);
    ids = ac_arena_alloc(&g->scratch, (c->count + 1) * sizeof *ids);
    if (!ids) {
        nomem();
    }
    for (size_t i = 0; i < c->count; i++) {
        ids[i] = mid(g, c->members[i]);
    }
    set_str(g, data, "id", ac_str_c(circle_defs[ci].id));
    set_str(g, data, "name", ac_str_c(circle_defs[ci].name));
    set_str(g, data, "purpose", ac_str_c(circle_defs[ci].purpose));
    set_val(g, data, "members", str_list(g, ids, c->count));
    snprintf(title, sizeof title, "A %s circle", circle_defs[ci].name);
    propose(g, mid(g, someone(g, CIRCLES)), CIRCLES, "circle.create",
            ac_arena_str(&g->scratch, ac_str_c(title)), data, false);
    c->proposed = true;
    g->circles_proposed++;
    schedule(g, g->t + (ROUND_HOURS + 2) * HOUR, TK_ROLES, 0, 0, (uint32_t)ci);
    if (ci == VOTING_CIRCLE) {
        schedule(g, g->t + (ROUND_HOURS + 3) * HOUR, TK_RULE, 0, 0, 0);
    }
}

/* A circle for the next proposal (CIRCLES: "all"), by size. */
static size_t pick_scope(struct gen *g)
{
    size_t total = 0, x;
    for (size_t ci = 0; ci < CIRCLES; ci++) {
        struct circle *c = &g->circles[ci];
        if (c->proposed && !c->exists &&
            ac_state_circle(&g->s, circle_id(ci))) {
            c->exists = true;
        }
        total += c->exists ? c->count : 0;
    }
    if (total == 0 || unit(g) > 0.4) {
        return CIRCLES;
    }
    x = below(&g->g, total);
    for (size_t ci = 0; ci < CIRCLES; ci++) {
        size_t n = g->circles[ci].exists ? g->circles[ci].count : 0;
        if (x < n) {
            return ci;
        }
        x -= n;
    }
    return CIRCLES;
}

/* An active agreement of the circle, or NULL. */
static const struct ac_agreement *some_agreement(struct gen *g, size_t ci)
{
    for (int tries = 0; tries < 8 && g->s.agreement_count; tries++) {
        const struct ac_agreement *a =
            &g->s.agreements[below(&g->g, g->s.agreement_count)];
        if (a->status == AC_AGREEMENT_ACTIVE &&
            ac_str_eq(a->circle, circle_id(ci))) {
            return a;
        }
    }
    return NULL;
}

/* The answers to a consent proposal: one objection in ten, integrated
 * (a suggestion, an amendment, the objector's consent) four times in
 * five, otherwise withdrawn or left to lapse. */
static void consent_answers(struct gen *g, uint32_t p, const uint32_t *who,
                            size_t n)
{
    int64_t t0 = g->t;
    size_t first = 0;
    if (n > 0 && unit(g) < 0.1) {
        int64_t objected = t0 + between(g, 10 * MINUTE, 8 * HOUR);
        first = 1;
        schedule(g, objected, TK_POSITION, p, who[0], ANS_OBJECT);
        if (unit(g) < 0.8) {
            int64_t amended = objected + between(g, 30 * MINUTE, 6 * HOUR);
            if (unit(g) < 0.5) {
                schedule(g, objected + between(g, 5 * MINUTE, 25 * MINUTE),
                         TK_INTEGRATE, p, who[0], 0);
            }
            schedule(g, amended, TK_AMEND, p, 0, 0);
            schedule(g, amended + between(g, HOUR, 12 * HOUR), TK_POSITION, p,
                     who[0], ANS_CONSENT);
        } else if (unit(g) < 0.5) {
            schedule(g, t0 + (ROUND_HOURS + 2) * HOUR + between(g, 0, 4 * DAY),
                     TK_WITHDRAW, p, 0, 0);
        }
    }
    for (size_t i = first; i < n; i++) {
        double u = unit(g);
        enum answer a = u < 0.85   ? ANS_CONSENT
                        : u < 0.92 ? ANS_CONCERN
                                   : ANS_STAND_ASIDE;
        schedule(g, t0 + between(g, 5 * MINUTE, 22 * HOUR), TK_POSITION, p,
                 who[i], a);
    }
}

static void activity(struct gen *g)
{
    size_t ci = pick_scope(g), n;
    uint32_t author = someone(g, ci), p, *who;
    const struct ac_agreement *ag = NULL;
    struct ac_val *data = obj(g);
    const struct ac_proposal *prop;
    const char *kind = "agreement.adopt";
    double u = unit(g);
    struct ac_str title = sentence(g, 3, 9, false);

    if (ci != CIRCLES && u < 0.02) {
        size_t k = 2 + below(&g->g, OPTIONS_MAX - 1);
        struct ac_str opts[OPTIONS_MAX];
        for (size_t i = 0; i < k; i++) {
            char o[32];
            snprintf(o, sizeof o, "Option %c", (char)('A' + i));
            opts[i] = ac_arena_str(&g->scratch, ac_str_c(o));
        }
        kind = "choice";
        set_val(g, data, "options", str_list(g, opts, k));
    } else if (u < 0.1 && (ag = some_agreement(g, ci)) != NULL) {
        kind = "agreement.amend";
        set_str(g, data, "agreement", ag->id);
        set_str(g, data, "text", agreement_text(g));
    } else {
        set_str(g, data, "text", agreement_text(g));
    }
    p = propose(g, mid(g, author), ci, kind, title, data, false);
    if (p == NONE || g->done) {
        return;
    }
    prop = &g->s.proposals[p];
    population(g, ci, &n);
    who = xcalloc(ANSWERS_MAX, sizeof *who);
    n = draw_distinct(g, ci, author, who, answers(g, n ? n - 1 : 0));
    if (ac_method_is_choice(prop->method.method)) {
        for (size_t i = 0; i < n; i++) {
            schedule(g, g->t + between(g, 5 * MINUTE, 22 * HOUR), TK_BALLOT, p,
                     who[i], 0);
        }
    } else if (ac_method_is_vote(prop->method.method)) {
        for (size_t i = 0; i < n; i++) {
            double v = unit(g);
            schedule(g, g->t + between(g, 5 * MINUTE, 22 * HOUR), TK_POSITION,
                     p, who[i],
                     v < 0.75   ? ANS_YES
                     : v < 0.95 ? ANS_NO
                                : ANS_ABSTAIN);
        }
    } else {
        consent_answers(g, p, who, n);
    }
    free(who);
}

static void delegate(struct gen *g)
{
    size_t ci = unit(g) < 0.7 ? CIRCLES : below(&g->g, CIRCLES), n;
    const uint32_t *pop;
    struct ac_cmd cmd = {.type = AC_CMD_DELEGATE};
    uint32_t from, to;
    if (ci != CIRCLES && !g->circles[ci].exists) {
        ci = CIRCLES;
    }
    pop = population(g, ci, &n);
    if (n < 2) {
        return;
    }
    /* quiet members entrust their votes to active ones */
    from = pop[below(&g->g, n)];
    to = someone(g, ci);
    if (to == from) {
        return;
    }
    cmd.actor = mid(g, from);
    cmd.circle = circle_id(ci);
    cmd.kind = AC_STR("");
    cmd.other = mid(g, to);
    run(g, &cmd, "delegate", true);
}

/* ---- tasks ---- */

static void ballot(struct gen *g, const struct task *k)
{
    const struct ac_proposal *p = &g->s.proposals[k->prop];
    size_t n = p->option_count;
    uint16_t order[OPTIONS_MAX], rank[OPTIONS_MAX];
    struct rng taste = {0x9E3779B97F4A7C15ull ^ (k->prop + 1)};
    struct ac_cmd cmd = {.type = AC_CMD_BALLOT};
    size_t kept;
    if (!answerable(g, k->prop) || n < 2 || n > OPTIONS_MAX) {
        g->skipped++;
        return;
    }
    /* the proposal's favourite order, with one swap and a cut for some */
    shuffle(&taste, order, n);
    if (below(&g->g, 3) == 0) {
        size_t i = below(&g->g, n - 1);
        uint16_t t = order[i];
        order[i] = order[i + 1];
        order[i + 1] = t;
    }
    kept = below(&g->g, 4) == 0 ? 1 + below(&g->g, n) : n;
    for (size_t c = 0; c < n; c++) {
        rank[c] = AC_RANK_NONE;
    }
    for (size_t i = 0; i < kept; i++) {
        rank[order[i]] = (uint16_t)i;
    }
    cmd.actor = mid(g, k->member);
    cmd.proposal = p->id;
    cmd.data = obj(g);
    if (!ac_ballot_put(p->method.method, rank, n, &g->scratch, cmd.data)) {
        nomem();
    }
    run(g, &cmd, "ballot", true);
}

static void nominate(struct gen *g, const struct task *k)
{
    const struct ac_proposal *p = &g->s.proposals[k->prop];
    const struct role *rl = &g->roles[k->aux];
    const struct ac_role *r = ac_state_role(&g->s, ac_str_c(rl->id));
    struct ac_cmd cmd = {.type = AC_CMD_NOMINATE};
    char why[200];
    if (!r || !answerable(g, k->prop) || p->phase != AC_STAGE_NOMINATE) {
        g->skipped++;
        return;
    }
    cmd.actor = mid(g, k->member);
    cmd.proposal = p->id;
    cmd.reason = sentence(g, 4, 12, true);
    for (int tries = 0; tries < 10; tries++) {
        uint32_t who = someone(g, rl->circle);
        if (ac_state_eligible(&g->s, r, mid(g, who), why, sizeof why)) {
            cmd.nominee = mid(g, who);
            run(g, &cmd, "nominate", true);
            return;
        }
    }
    g->skipped++;
}

static void amend(struct gen *g, const struct task *k)
{
    const struct ac_proposal *p = &g->s.proposals[k->prop];
    struct ac_cmd cmd = {.type = AC_CMD_AMEND};
    struct ac_str ag;
    if (p->status != AC_PROP_OPEN && p->status != AC_PROP_NEEDS_INTEGRATION) {
        g->skipped++;
        return;
    }
    cmd.actor = p->author;
    cmd.proposal = p->id;
    cmd.data = obj(g);
    if (ac_val_get_str(p->data, "agreement", &ag)) {
        set_str(g, cmd.data, "agreement", ag);
    }
    set_str(g, cmd.data, "text", agreement_text(g));
    run(g, &cmd, "amend", true);
}

static void integrate(struct gen *g, const struct task *k)
{
    const struct ac_proposal *p = &g->s.proposals[k->prop];
    struct ac_cmd cmd = {.type = AC_CMD_INTEGRATE};
    cmd.objector = mid(g, k->member);
    if (!ac_state_objection(p, cmd.objector)) {
        g->skipped++;
        return;
    }
    cmd.actor = unit(g) < 0.5 ? p->author : cmd.objector;
    cmd.proposal = p->id;
    cmd.suggestion = sentence(g, 6, 18, true);
    run(g, &cmd, "integrate", true);
}

static void join(struct gen *g, const struct task *k)
{
    char buf[AC_ID_MAX + 1];
    struct ac_str id = member_id(g, (long)k->member, buf);
    const struct ac_member *m = ac_state_member(&g->s, id);
    struct ac_cmd cmd = {.type = AC_CMD_JOIN};
    if (!m) {
        /* not admitted yet: the round closes at the next tick */
        schedule(g, g->t + HOUR, TK_JOIN, k->prop, k->member, 0);
        return;
    }
    if (m->status != AC_MEMBER_INVITED) {
        g->skipped++;
        return;
    }
    cmd.actor = id;
    if (run(g, &cmd, "join", false)) {
        g->active[g->active_count++] = (uint32_t)member_index(g, id);
    }
}

static void create_roles(struct gen *g, const struct task *k)
{
    size_t ci = k->aux;
    if (ci != CIRCLES && !ac_state_circle(&g->s, circle_id(ci))) {
        schedule(g, g->t + DAY, TK_ROLES, 0, 0, (uint32_t)ci);
        return;
    }
    if (ci != CIRCLES) {
        g->circles[ci].exists = true;
    }
    for (size_t j = 0; j < 2; j++) {
        size_t ri = (ci == CIRCLES ? 2 * CIRCLES : 2 * ci) + j;
        struct role *rl = &g->roles[ri];
        struct ac_val *data = obj(g);
        struct ac_str acc[2];
        char name[96], purpose[160];
        if (ci == CIRCLES) {
            snprintf(rl->id, sizeof rl->id, "%s",
                     j ? "secretary" : "facilitator");
            snprintf(name, sizeof name, "%s", j ? "Secretary" : "Facilitator");
        } else {
            snprintf(rl->id, sizeof rl->id, "%s-%s", circle_defs[ci].id,
                     j ? "rep" : "lead");
            snprintf(name, sizeof name, "%s %s", circle_defs[ci].name,
                     j ? "representative" : "lead");
        }
        snprintf(purpose, sizeof purpose, "Serve the circle as its %s",
                 j ? "voice elsewhere" : "lead");
        rl->circle = ci;
        rl->term_days = ci == CIRCLES ? (j ? 180 : 120) : (j ? 60 : 90);
        rl->election = NONE;
        acc[0] = sentence(g, 4, 10, false);
        acc[1] = sentence(g, 4, 10, false);
        set_str(g, data, "id", ac_str_c(rl->id));
        set_str(g, data, "name", ac_str_c(name));
        set_str(g, data, "purpose", ac_str_c(purpose));
        set_val(g, data, "accountabilities", str_list(g, acc, 2));
        set_int(g, data, "term_days", rl->term_days);
        propose(g, mid(g, someone(g, ci)), ci, "role.create",
                ac_arena_str(&g->scratch, ac_str_c(name)), data, false);
        schedule(g, g->t + (ROUND_HOURS + 2) * HOUR, TK_ELECT, 0, 0,
                 (uint32_t)ri);
    }
}

/* Fills a vacant role by an election: nominations, then after the
 * change round a few consents to the candidate. */
static void elect(struct gen *g, const struct task *k)
{
    struct role *rl = &g->roles[k->aux];
    const struct ac_role *r = ac_state_role(&g->s, ac_str_c(rl->id));
    const struct ac_proposal *last =
        rl->election == NONE ? NULL : &g->s.proposals[rl->election];
    struct ac_val *data;
    uint32_t who[8], p;
    size_t n;
    char title[96];
    if (!r || (last && (last->status == AC_PROP_OPEN ||
                        last->status == AC_PROP_NEEDS_INTEGRATION))) {
        schedule(g, g->t + DAY, TK_ELECT, 0, 0, k->aux);
        return;
    }
    if (r->holder.len) {
        int64_t end = r->terms[r->term_count - 1].end;
        schedule(g, (end > g->t ? end : g->t) + HOUR, TK_ELECT, 0, 0, k->aux);
        return;
    }
    data = obj(g);
    set_str(g, data, "role", ac_str_c(rl->id));
    snprintf(title, sizeof title, "Who holds %s next", rl->id);
    p = propose(g, mid(g, someone(g, rl->circle)), rl->circle, "role.elect",
                ac_arena_str(&g->scratch, ac_str_c(title)), data, true);
    if (p == NONE) {
        schedule(g, g->t + DAY, TK_ELECT, 0, 0, k->aux);
        return;
    }
    rl->election = p;
    n = draw_distinct(g, rl->circle, NONE, who, 2 + below(&g->g, 6));
    for (size_t i = 0; i < n; i++) {
        schedule(g, g->t + between(g, 10 * MINUTE, 20 * HOUR), TK_NOMINATE, p,
                 who[i], k->aux);
    }
    n = draw_distinct(g, rl->circle, NONE, who, 1 + below(&g->g, 5));
    for (size_t i = 0; i < n; i++) {
        schedule(g,
                 g->t + (2 * ROUND_HOURS + 1) * HOUR + between(g, 0, 18 * HOUR),
                 TK_ELECT_CONSENT, p, who[i], 0);
    }
    schedule(g, g->t + 4 * DAY, TK_ELECT, 0, 0, k->aux);
}

static void voting_rule(struct gen *g)
{
    struct ac_val *data, *set;
    char key[96];
    if (!ac_state_circle(&g->s, circle_id(VOTING_CIRCLE))) {
        schedule(g, g->t + DAY, TK_RULE, 0, 0, 0);
        return;
    }
    data = obj(g);
    set = obj(g);
    snprintf(key, sizeof key, "decision.agreement.adopt@%s",
             circle_defs[VOTING_CIRCLE].id);
    set_str(g, set, key, AC_STR("majority"));
    set_val(g, data, "set", set);
    propose(g, mid(g, someone(g, CIRCLES)), CIRCLES, "charter.amend",
            AC_STR("The finance circle votes on its agreements"), data, false);
}

static void do_task(struct gen *g, const struct task *k)
{
    switch ((enum task_type)k->type) {
    case TK_POSITION: {
        const struct ac_proposal *p = &g->s.proposals[k->prop];
        struct ac_str reason = {NULL, 0};
        if (!answerable(g, k->prop) || p->phase != AC_STAGE_NONE) {
            g->skipped++;
            return;
        }
        if (k->aux == ANS_OBJECT || (k->aux == ANS_CONCERN && unit(g) < 0.5)) {
            reason = sentence(g, 5, 20, true);
        }
        position(g, mid(g, k->member), k->prop, (enum answer)k->aux, reason);
        return;
    }
    case TK_ELECT_CONSENT:
        if (!answerable(g, k->prop) ||
            g->s.proposals[k->prop].phase != AC_STAGE_CONSENT) {
            g->skipped++;
            return;
        }
        position(g, mid(g, k->member), k->prop, ANS_CONSENT,
                 (struct ac_str){NULL, 0});
        return;
    case TK_BALLOT:
        ballot(g, k);
        return;
    case TK_NOMINATE:
        nominate(g, k);
        return;
    case TK_INTEGRATE:
        integrate(g, k);
        return;
    case TK_AMEND:
        amend(g, k);
        return;
    case TK_WITHDRAW: {
        const struct ac_proposal *p = &g->s.proposals[k->prop];
        struct ac_cmd cmd = {.type = AC_CMD_WITHDRAW};
        if (p->status != AC_PROP_NEEDS_INTEGRATION) {
            g->skipped++;
            return;
        }
        cmd.actor = p->author;
        cmd.proposal = p->id;
        run(g, &cmd, "withdraw", true);
        return;
    }
    case TK_JOIN:
        join(g, k);
        return;
    case TK_ROLES:
        create_roles(g, k);
        return;
    case TK_ELECT:
        elect(g, k);
        return;
    case TK_RULE:
        voting_rule(g);
        return;
    case TK_POWER: {
        struct ac_cmd cmd = {.type = AC_CMD_POWER, .actor = AC_STR("system")};
        run(g, &cmd, "power", false);
        schedule(g, g->t + 30 * DAY, TK_POWER, 0, 0, 0);
        return;
    }
    }
}

/* ---- the main stream ---- */

static void action(struct gen *g)
{
    double grown = (double)g->written / (GROWTH * (double)g->events);
    size_t next_circle = g->circles_proposed;
    g->actions++;
    if (next_circle < CIRCLES &&
        (double)g->written >=
            (0.01 + 0.03 * (double)next_circle) * (double)g->events &&
        g->active_count >= 40) {
        create_circle(g, next_circle);
        if (next_circle == 0) {
            schedule(g, g->t + HOUR, TK_ROLES, 0, 0, CIRCLES);
        }
        return;
    }
    if (g->admitted < g->members &&
        (g->active_count < 2 ||
         (double)g->admitted <= (double)(g->members - 1) * grown + 1)) {
        admit(g);
        return;
    }
    if (unit(g) < 0.05) {
        delegate(g);
        return;
    }
    activity(g);
}

/* The time until the next action: the rest of the two years spread over
 * the actions the remaining events will take, exponentially jittered. */
static int64_t next_gap(struct gen *g)
{
    double per = g->actions ? (double)g->written / (double)g->actions : 8;
    double left = (double)(g->events - g->written) / (per > 1 ? per : 1);
    double span = (double)(T0 + SPAN - g->t);
    double mean = span > 0 && left >= 1 ? span / left : (double)MINUTE;
    int64_t gap = (int64_t)(-log(unit(g)) * mean);
    return gap > 0 ? gap : 1;
}

static int edge_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* The power monitor's interaction edges, summed per (from, to). */
static void write_edges(struct gen *g, const char *path)
{
    const struct ac_power *pw = &g->s.power;
    size_t m = 0, lines = 0;
    uint64_t *e = xcalloc(pw->fact_count, sizeof *e);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "genorg: cannot write %s\n", path);
        exit(1);
    }
    for (size_t i = 0; i < pw->fact_count; i++) {
        const struct ac_power_fact *x = ac_power_fact_at(pw, i);
        if (x->other != NONE && x->member != NONE && x->member != x->other) {
            e[m++] = (uint64_t)x->member << 32 | x->other;
        }
    }
    qsort(e, m, sizeof *e, edge_cmp);
    fprintf(f, "%zu\n", g->s.member_count);
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && e[j] == e[i]) {
            j++;
        }
        fprintf(f, "%" PRIu64 " %" PRIu64 " %zu\n", e[i] >> 32,
                e[i] & 0xffffffffu, j - i);
        lines++;
        i = j;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "genorg: cannot write %s\n", path);
        exit(1);
    }
    printf("edges: %zu interaction facts, %zu weighted edges, in %s\n", m,
           lines, path);
    free(e);
}

static void report(struct gen *g, double seconds, long bytes)
{
    const struct ac_state *s = &g->s;
    size_t raised = 0, integrated = 0, roles_held = 0, terms = 0;
    size_t by_status[AC_PROP_STATUS_COUNT] = {0}, by_kind[AC_KIND_COUNT] = {0};
    for (size_t i = 0; i < s->proposal_count; i++) {
        const struct ac_proposal *p = &s->proposals[i];
        by_status[p->status]++;
        by_kind[p->kind]++;
        raised += p->objection_count;
        for (size_t k = 0; k < p->objection_count; k++) {
            integrated += p->objections[k].status == AC_OBJ_AMENDED;
        }
    }
    for (size_t i = 0; i < s->role_count; i++) {
        roles_held += s->roles[i].holder.len > 0;
        terms += s->roles[i].term_count;
    }
    printf("events=%" PRId64 " members=%zu active=%zu circles=%zu "
           "proposals=%zu agreements=%zu roles=%zu delegations=%zu "
           "seconds=%.1f events_per_second=%.0f bytes=%ld\n",
           g->written, s->member_count, s->active_count, s->circle_count,
           s->proposal_count, s->agreement_count, s->role_count,
           s->delegation_count, seconds, (double)g->written / seconds, bytes);
    printf("objections raised=%zu integrated=%zu; role terms=%zu, roles "
           "held now=%zu; commands skipped (state moved on)=%" PRId64 "\n",
           raised, integrated, terms, roles_held, g->skipped);
    printf("proposals by kind:");
    for (int k = 0; k < AC_KIND_COUNT; k++) {
        if (by_kind[k]) {
            printf(" %s=%zu", ac_kind_name((enum ac_kind)k), by_kind[k]);
        }
    }
    printf("\nproposals by status:");
    for (int k = 0; k < AC_PROP_STATUS_COUNT; k++) {
        if (by_status[k]) {
            printf(" %s=%zu",
                   ac_proposal_status_name((enum ac_proposal_status)k),
                   by_status[k]);
        }
    }
    printf("\nevents by type:");
    for (size_t i = 0; i < g->count_types; i++) {
        printf(" %s=%" PRId64, g->counts[i].type, g->counts[i].n);
    }
    printf("\nlast event time: ");
    {
        char when[AC_TIME_LEN + 1];
        ac_time_format(when, s->time);
        printf("%s\n", when);
    }
    if (s->active_count < (size_t)g->members) {
        printf("note: %zu of %ld members joined before the log was cut\n",
               s->active_count, g->members);
    }
}

int main(int argc, char **argv)
{
    struct gen *g;
    const char *edges = NULL;
    double t0;
    long bytes;

    if (argc != 5 && !(argc == 7 && strcmp(argv[5], "--edges") == 0)) {
        fprintf(stderr,
                "usage: genorg MEMBERS EVENTS SEED OUT.jsonl [--edges FILE]\n");
        return 2;
    }
    g = xcalloc(1, sizeof *g);
    g->members = bench_arg("genorg", argv[1], 2, MEMBERS_MAX, "members");
    g->events = bench_arg("genorg", argv[2], 10, EVENTS_MAX, "events");
    g->g.x = (uint64_t)bench_arg("genorg", argv[3], 1, INT64_MAX, "seed");
    edges = argc == 7 ? argv[6] : NULL;
    g->out = fopen(argv[4], "wb");
    if (!g->out) {
        fprintf(stderr, "genorg: cannot write %s\n", argv[4]);
        return 1;
    }
    setvbuf(g->out, NULL, _IOFBF, (size_t)1 << 20);
    ac_arena_init(&g->state_arena, 0);
    ac_arena_init(&g->scratch, 0);
    g->empty = ac_arena_mark(&g->scratch);
    ac_state_init(&g->s, &g->state_arena);
    ac_buf_init(&g->line, 0);
    g->active = xcalloc((size_t)g->members, sizeof *g->active);
    g->stamp = xcalloc((size_t)g->members, sizeof *g->stamp);
    for (int i = 0; i < 20; i++) {
        rng_next(&g->g);
    }

    t0 = bench_now();
    g->t = T0;
    found(g);
    schedule(g, T0 + 30 * DAY, TK_POWER, 0, 0, 0);
    while (!g->done) {
        int64_t next = g->t + next_gap(g);
        while (!g->done && g->heap_count && g->heap[0].at <= next) {
            struct task k = pop(g);
            g->t = k.at > g->t ? k.at : g->t;
            tick(g);
            do_task(g, &k);
        }
        if (g->done) {
            break;
        }
        g->t = next > g->t ? next : g->t;
        tick(g);
        action(g);
    }
    if (fflush(g->out) != 0) {
        fprintf(stderr, "genorg: write failed\n");
        return 1;
    }
    bytes = ftell(g->out);
    fclose(g->out);
    report(g, bench_now() - t0, bytes);
    if (edges) {
        write_edges(g, edges);
    }
    ac_buf_release(&g->line);
    ac_arena_release(&g->scratch);
    ac_arena_release(&g->state_arena);
    free(g->heap);
    free(g->active);
    free(g->stamp);
    for (size_t ci = 0; ci < CIRCLES; ci++) {
        free(g->circles[ci].members);
    }
    for (size_t i = 0; i < g->count_types; i++) {
        free((char *)g->counts[i].type);
    }
    free(g);
    return 0;
}
