/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord demo: a realistic organisation to try accord with, made with the
 * same core commands a server runs, at injected times from ten days ago
 * to now. Everything in it happened by the consent process: members were
 * admitted by proposal and joined with their invite, agreements were
 * adopted and amended. Generated members (--members N) are admitted while
 * the founder is the only member of "all", so her consent completes each
 * round, and join once the named story has been told. They all share one
 * Argon2id hash: hashing thousands of passwords would take minutes.
 * Generated proposals (--proposals N) come last, in the ten hours before
 * now: open agreement.adopt rounds in "all" by the named members, a third
 * of them with a few positions, so their deadlines are still ahead. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/ascii.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/secret.h"
#include "base/time.h"
#include "core/exec.h"
#include "store/log.h"
#include "store/store.h"

#define DEMO_ORG "Riverside Food Co-op"
#define DEMO_PASSWORD "demo-password-1"
#define DEMO_MEMBERS_MAX 100000
#define DEMO_PROPOSALS_MAX 100000
#define CHUNK 500 /* events of one append, about */
#define MINUTE (AC_MS_PER_HOUR / 60)

struct demo {
    struct ac_state s;            /* the organisation as it grows */
    struct ac_arena state_arena;  /* owns s */
    struct ac_arena scratch;      /* the pending batch; rewound per append */
    struct ac_arena_mark empty;   /* scratch before anything */
    struct ac_batch batch;        /* events not yet appended */
    struct ac_store_password *pw; /* passwords set with the batch */
    size_t pw_count, pw_room;
    struct ac_store *st;
    char phc[AC_PHC_MAX]; /* the one hash of DEMO_PASSWORD */
    int64_t t;            /* ms: the injected clock */
    struct ac_err *err;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends the pending events with their passwords. */
static enum ac_status flush(struct demo *d)
{
    struct ac_store_append extra = {0};
    enum ac_status rc = AC_OK;
    if (d->batch.count > 0) {
        extra.passwords = d->pw;
        extra.password_count = d->pw_count;
        rc = ac_log_commit(d->st, &d->batch, &extra, d->err);
    }
    memset(&d->batch, 0, sizeof d->batch);
    d->pw = NULL;
    d->pw_count = d->pw_room = 0;
    ac_arena_rewind(&d->scratch, d->empty);
    return rc;
}

static enum ac_status run(struct demo *d, const struct ac_cmd *cmd)
{
    enum ac_status rc =
        ac_exec(&d->s, cmd, d->t, &d->scratch, &d->batch, d->err);
    if (rc == AC_OK && d->batch.count >= CHUNK) {
        rc = flush(d);
    }
    return rc;
}

/* Opens a proposal with data given as JSON text; its id goes to id. */
static enum ac_status propose(struct demo *d, const char *author,
                              const char *circle, const char *kind,
                              const char *title, const char *json, char id[16])
{
    struct ac_cmd cmd = {.type = AC_CMD_PROPOSE};
    enum ac_status rc =
        ac_json_parse(ac_str_c(json), &d->scratch, &cmd.data, d->err);
    if (rc != AC_OK) {
        return rc;
    }
    cmd.actor = ac_str_c(author);
    cmd.circle = ac_str_c(circle);
    cmd.kind = ac_str_c(kind);
    cmd.title = ac_str_c(title);
    rc = run(d, &cmd);
    if (rc == AC_OK) {
        const struct ac_proposal *p = &d->s.proposals[d->s.proposal_count - 1];
        snprintf(id, 16, "%.*s", (int)p->id.len, p->id.ptr);
    }
    return rc;
}

static enum ac_status give(struct demo *d, const char *member, const char *id,
                           const char *pos, const char *reason)
{
    struct ac_cmd cmd = {.type = AC_CMD_POSITION};
    cmd.actor = ac_str_c(member);
    cmd.proposal = ac_str_c(id);
    cmd.position = ac_str_c(pos);
    cmd.reason = ac_str_c(reason ? reason : "");
    return run(d, &cmd);
}

/* A position some minutes after the last act, as people answer. */
static enum ac_status position(struct demo *d, const char *member,
                               const char *id, const char *pos,
                               const char *reason)
{
    d->t += 7 * MINUTE;
    return give(d, member, id, pos, reason);
}

/* One member's answer in the demo's story. */
struct answer {
    const char *member;
    const char *position;
    const char *reason; /* NULL: none */
};

/* The answers in order, each some minutes after the last. */
static enum ac_status answer_all(struct demo *d, const char *id,
                                 const struct answer *list, size_t count)
{
    enum ac_status rc = AC_OK;
    for (size_t i = 0; rc == AC_OK && i < count; i++) {
        rc = position(d, list[i].member, id, list[i].position, list[i].reason);
    }
    return rc;
}

/* A member takes their invite: member.joined and the password together. */
static enum ac_status join(struct demo *d, const char *member)
{
    struct ac_cmd cmd = {.type = AC_CMD_JOIN};
    struct ac_str id = ac_arena_str(&d->scratch, ac_str_c(member));
    enum ac_status rc;
    if (!id.ptr) {
        return ac_err_set(d->err, AC_ENOMEM, "out of memory");
    }
    if (d->pw_count == d->pw_room) {
        size_t room = d->pw_room ? d->pw_room * 2 : 16;
        struct ac_store_password *p =
            ac_arena_alloc(&d->scratch, room * sizeof *p);
        if (!p) {
            return ac_err_set(d->err, AC_ENOMEM, "out of memory");
        }
        if (d->pw_count) {
            memcpy(p, d->pw, d->pw_count * sizeof *p);
        }
        d->pw = p;
        d->pw_room = room;
    }
    cmd.actor = id;
    rc = ac_exec(&d->s, &cmd, d->t, &d->scratch, &d->batch, d->err);
    if (rc != AC_OK) {
        return rc;
    }
    d->pw[d->pw_count].member = id;
    d->pw[d->pw_count].phc = ac_str_c(d->phc);
    d->pw_count++;
    return d->batch.count >= CHUNK ? flush(d) : AC_OK;
}

/* member.admit by alice while she is alone in "all": adopted at once. */
static enum ac_status admit(struct demo *d, const char *id, const char *name)
{
    char json[256], title[160], pid[16];
    enum ac_status rc;
    snprintf(json, sizeof json, "{\"id\":\"%s\",\"name\":\"%s\"}", id, name);
    snprintf(title, sizeof title, "Admit %s", name);
    rc = propose(d, "alice", AC_ROOT_CIRCLE, "member.admit", title, json, pid);
    if (rc == AC_OK) {
        rc = give(d, "alice", pid, "consent", NULL);
    }
    return rc;
}

static const struct {
    const char *id, *name;
} named[] = {
    {"bob", "Bob Okafor"},
    {"carol", "Carol Lindqvist"},
    {"dana", "Dana Reyes"},
    {"erin", "Erin Walsh"},
};

#define NAMED_COUNT (sizeof named / sizeof named[0])

static void generated_id(char out[24], long i, long n)
{
    int width = n > 99999 ? 6 : (n > 9999 ? 5 : 4);
    snprintf(out, 24, "m%0*ld", width, i);
}

/* The story, oldest first. Each step says what a real group would do. */
static enum ac_status tell(struct demo *d, long extra, int64_t now)
{
    char pid[16], json[1024], id[24], name[32], review[16];
    enum ac_status rc;
    int64_t step;

    d->t = now - 10 * AC_MS_PER_DAY;
    rc = ac_exec_found(&d->s, AC_STR(DEMO_ORG), AC_STR("alice"),
                       AC_STR("Alice Moreau"), d->t, &d->scratch, &d->batch,
                       d->err);
    if (rc != AC_OK) {
        return rc;
    }
    /* alice's password is set with the founding, as accord init does */
    d->pw = ac_arena_alloc(&d->scratch, sizeof *d->pw);
    if (!d->pw) {
        return ac_err_set(d->err, AC_ENOMEM, "out of memory");
    }
    d->pw[0].member = AC_STR("alice");
    d->pw[0].phc = ac_str_c(d->phc);
    d->pw_count = d->pw_room = 1;
    if ((rc = flush(d)) != AC_OK) {
        return rc;
    }

    /* admissions while alice is the only member: her consent decides */
    d->t += AC_MS_PER_HOUR;
    for (size_t i = 0; i < NAMED_COUNT; i++) {
        d->t += 10 * MINUTE;
        if ((rc = admit(d, named[i].id, named[i].name)) != AC_OK) {
            return rc;
        }
    }
    step = extra > 0 ? 20 * AC_MS_PER_HOUR / (extra * 3) : 0;
    step = step > 1000 ? 1000 : (step < 1 ? 1 : step);
    for (long i = 1; i <= extra; i++) {
        generated_id(id, i, extra);
        snprintf(name, sizeof name, "Member %s", id + 1);
        d->t += step;
        if ((rc = admit(d, id, name)) != AC_OK) {
            return rc;
        }
    }
    if ((rc = flush(d)) != AC_OK) {
        return rc;
    }

    /* the named members take their invites */
    d->t = now - 9 * AC_MS_PER_DAY;
    for (size_t i = 0; i < NAMED_COUNT; i++) {
        d->t += (int64_t)(i + 1) * 2 * AC_MS_PER_HOUR;
        if ((rc = join(d, named[i].id)) != AC_OK) {
            return rc;
        }
    }
    if ((rc = flush(d)) != AC_OK) {
        return rc;
    }

    /* a circle for the kitchen, decided by everyone */
    d->t = now - 8 * AC_MS_PER_DAY;
    rc =
        propose(d, "carol", AC_ROOT_CIRCLE, "circle.create", "A kitchen circle",
                "{\"id\":\"kitchen\",\"name\":\"Kitchen\",\"purpose\":"
                "\"Run the shared kitchen: menus, suppliers, hygiene and "
                "the cleaning rota.\",\"members\":[\"alice\",\"bob\","
                "\"carol\"]}",
                pid);
    if (rc == AC_OK) {
        static const struct answer said[] = {
            {"alice", "consent", NULL},
            {"bob", "consent", NULL},
            {"dana", "consent", NULL},
            {"erin", "stand_aside",
             "I am rarely in the kitchen; the others know it better"},
            {"carol", "consent", NULL},
        };
        rc = answer_all(d, pid, said, sizeof said / sizeof said[0]);
    }
    if (rc != AC_OK) {
        return rc;
    }

    /* the kitchen's cleaning rota, with a review date */
    d->t = now - 7 * AC_MS_PER_DAY;
    ac_time_format(json, now + 180 * AC_MS_PER_DAY);
    snprintf(review, sizeof review, "%.10s", json);
    snprintf(json, sizeof json,
             "{\"text\":\"# Cleaning rota\\n\\nEach kitchen member takes "
             "one weekday evening a week: wipe the surfaces, run the "
             "dishwasher, take out the compost.\\n\\nSwap with someone "
             "else in the circle if you cannot make it.\","
             "\"review_by\":\"%s\"}",
             review);
    rc = propose(d, "bob", "kitchen", "agreement.adopt", "Cleaning rota", json,
                 pid);
    if (rc == AC_OK) {
        static const struct answer said[] = {
            {"alice", "consent", NULL},
            {"carol", "concern", "Weekends are not covered yet"},
            {"bob", "consent", NULL},
        };
        rc = answer_all(d, pid, said, sizeof said / sizeof said[0]);
    }
    if (rc != AC_OK) {
        return rc;
    }

    /* opening hours, for everyone */
    d->t = now - 6 * AC_MS_PER_DAY;
    rc = propose(d, "dana", AC_ROOT_CIRCLE, "agreement.adopt", "Opening hours",
                 "{\"text\":\"The shop opens Tuesday to Saturday, 9:00 to "
                 "18:00. Members on the rota open and close; on public "
                 "holidays it stays closed.\"}",
                 pid);
    for (size_t i = 0; rc == AC_OK && i <= NAMED_COUNT; i++) {
        const char *m = i == 0 ? "alice" : named[i - 1].id;
        rc = position(d, m, pid, i == 4 ? "concern" : "consent",
                      i == 4 ? "Saturday afternoons are hard to staff" : NULL);
    }
    if (rc != AC_OK) {
        return rc;
    }

    /* the rota, amended to cover the weekends (version 2) */
    d->t = now - 5 * AC_MS_PER_DAY;
    snprintf(json, sizeof json,
             "{\"agreement\":\"a1\",\"text\":\"# Cleaning rota\\n\\nEach "
             "kitchen member takes one evening a week, weekends "
             "included: wipe the surfaces, run the dishwasher, take out "
             "the compost.\\n\\nSwap with someone else in the circle if "
             "you cannot make it.\"}");
    rc = propose(d, "carol", "kitchen", "agreement.amend",
                 "Cleaning rota: cover the weekends", json, pid);
    if (rc == AC_OK) {
        static const struct answer said[] = {
            {"alice", "consent", NULL},
            {"bob", "consent", NULL},
            {"carol", "consent", NULL},
        };
        rc = answer_all(d, pid, said, sizeof said / sizeof said[0]);
    }
    if (rc != AC_OK) {
        return rc;
    }

    /* the generated members take their invites */
    d->t = now - 4 * AC_MS_PER_DAY;
    step = extra > 0 ? 20 * AC_MS_PER_HOUR / extra : 0;
    step = step > 1000 ? 1000 : (step < 1 ? 1 : step);
    for (long i = 1; i <= extra; i++) {
        generated_id(id, i, extra);
        d->t += step;
        if ((rc = join(d, id)) != AC_OK) {
            return rc;
        }
    }
    if ((rc = flush(d)) != AC_OK) {
        return rc;
    }

    /* an objection stands: the proposal needs integration */
    d->t = now - 3 * AC_MS_PER_DAY;
    rc = propose(d, "bob", "kitchen", "agreement.adopt", "Local suppliers only",
                 "{\"text\":\"The kitchen buys produce only from farms "
                 "within 50 km.\"}",
                 pid);
    if (rc == AC_OK) {
        static const struct answer said[] = {
            {"alice", "consent", NULL},
            {"carol", "object",
             "Our flour and rice come from further away: without an exception "
             "for staples the kitchen cannot run"},
            {"bob", "consent", NULL},
        };
        rc = answer_all(d, pid, said, sizeof said / sizeof said[0]);
    }
    if (rc != AC_OK) {
        return rc;
    }

    /* still open: its deadline is two days from now */
    d->t = now - AC_MS_PER_DAY;
    rc = propose(d, "erin", AC_ROOT_CIRCLE, "agreement.adopt",
                 "Volunteer shift swaps",
                 "{\"text\":\"Volunteers may swap shifts with each other. "
                 "Announce the swap on the notice board at least 24 hours "
                 "ahead.\"}",
                 pid);
    if (rc == AC_OK) {
        static const struct answer said[] = {
            {"alice", "consent", NULL},
            {"dana", "concern",
             "Who checks that a swapped shift is actually covered?"},
        };
        rc = answer_all(d, pid, said, sizeof said / sizeof said[0]);
    }
    if (rc != AC_OK) {
        return rc;
    }

    /* a circle of two, where two members can run a proposal end to end */
    d->t = now - AC_MS_PER_DAY / 2;
    rc = propose(d, "carol", AC_ROOT_CIRCLE, "circle.create",
                 "A tool library circle",
                 "{\"id\":\"tools\",\"name\":\"Tool library\",\"purpose\":"
                 "\"Lend the co-op's tools to members and keep them in "
                 "repair.\",\"members\":[\"alice\",\"bob\"]}",
                 pid);
    for (size_t i = 0; rc == AC_OK && i < 5; i++) {
        static const char *const all[] = {"alice", "bob", "carol", "dana",
                                          "erin"};
        rc = position(d, all[i], pid, "consent", NULL);
    }
    if (rc == AC_OK) {
        rc = flush(d);
    }
    return rc;
}

/* ---- generated proposals ---- */

static const char *const gen_titles[] = {
    "Bulk order of oats and lentils",
    "A second compost bin for the yard",
    "Quiet hours after ten in the evening",
    "Monthly potluck in the shop",
    "Repaint the front door",
    "Paper bags instead of plastic",
    "A notice board by the entrance",
    "Discount for members on low incomes",
    "Try a new bakery for Saturday bread",
    "Bicycle rack on the pavement",
    "Cash box counted by two people",
    "Winter opening hours",
    "Sell honey from the allotments",
    "Fix the walk-in fridge door seal",
    "Newsletter every second month",
    "Cooking workshop for children",
    "Refill station for washing-up liquid",
    "Share the van with the bike workshop",
    "Seasonal box scheme",
    "First-aid training for rota members",
};

static const char *const gen_reasons[] = {
    "Who pays for it if the budget runs short?",
    "Fine by me, as long as someone keeps an eye on it",
    "I will not be around to help this month",
    "Could we try it for three months first?",
};

#define GEN_TITLES (sizeof gen_titles / sizeof gen_titles[0])
#define GEN_REASONS (sizeof gen_reasons / sizeof gen_reasons[0])

/* The five named members, alice first: authors and positions rotate
 * among them. */
static const char *named_member(size_t i)
{
    i %= NAMED_COUNT + 1;
    return i == 0 ? "alice" : named[i - 1].id;
}

/* Generated proposal k (1-based) of n: a title, a few lines of Markdown,
 * and for every third one positions by two or three other members, never
 * by all five, so the round stays open even without generated members. */
static enum ac_status gen_proposal(struct demo *d, long k, int64_t step)
{
    char pid[16], json[1024], title[160];
    const char *topic = gen_titles[(size_t)(k - 1) % GEN_TITLES];
    const char *author = named_member((size_t)(k - 1));
    enum ac_status rc;
    long cycle = (k - 1) / (long)GEN_TITLES + 1;

    if (cycle > 1) {
        snprintf(title, sizeof title, "%s (%ld)", topic, cycle);
    } else {
        snprintf(title, sizeof title, "%s", topic);
    }
    snprintf(json, sizeof json,
             "{\"text\":\"# %s\\n\\nProposed by %s for everyone in the "
             "co-op. The kitchen and the shop rota both have a say, so it "
             "goes to the whole circle.\\n\\n- start: next month\\n- cost: "
             "about %ld euros from the common fund\\n- review: after "
             "**three months**\\n\\nIf it does not work out, anyone may "
             "propose to end it.\"}",
             title, author, 20 + (k * 37) % 480);
    d->t += step;
    rc =
        propose(d, author, AC_ROOT_CIRCLE, "agreement.adopt", title, json, pid);
    if (rc != AC_OK || k % 3 != 1) {
        return rc;
    }
    for (long j = 1; rc == AC_OK && j <= 2 + (k / 3) % 2; j++) {
        const char *m = named_member((size_t)(k - 1 + j));
        const char *reason = NULL;
        const char *pos = "consent";
        if ((k + j) % 5 == 0) {
            pos = "concern";
            reason = gen_reasons[(size_t)(k + j) % GEN_REASONS];
        } else if ((k + j) % 7 == 0) {
            pos = "stand_aside";
            reason = gen_reasons[(size_t)(k + j) % GEN_REASONS];
        }
        d->t += step / 4 > 0 ? step / 4 : 1;
        rc = give(d, m, pid, pos, reason);
    }
    return rc;
}

/* n open proposals in the ten hours before now; the first one's id goes
 * to first. */
static enum ac_status gen_proposals(struct demo *d, long n, int64_t now,
                                    char first[16])
{
    int64_t step = n > 0 ? 10 * AC_MS_PER_HOUR / n : 0;
    enum ac_status rc = AC_OK;
    step = step > 5 * MINUTE ? 5 * MINUTE : (step < 4 ? 4 : step);
    d->t = now - 10 * AC_MS_PER_HOUR;
    snprintf(first, 16, "p%zu", d->s.proposal_count + 1);
    for (long k = 1; rc == AC_OK && k <= n; k++) {
        rc = gen_proposal(d, k, step);
    }
    if (rc == AC_OK) {
        rc = flush(d);
    }
    return rc;
}

static void print_login(const char *dir)
{
    char where[512];
    ac_store_where(dir, where, sizeof where);
    printf("\nmembers alice, bob, carol, dana and erin; password \"%s\"\n"
           "\nonce the server runs (accord serve %s %s), log in:\n"
           "  curl -s -X POST http://127.0.0.1:8080/api/v1/session \\\n"
           "       -H 'Content-Type: application/json' \\\n"
           "       -d '{\"member\":\"alice\",\"password\":\"%s\"}'\n"
           "  ACCORD_PASSWORD=%s accord login --server "
           "http://127.0.0.1:8080 --member alice\n",
           DEMO_PASSWORD, ac_store_is_url(dir) ? "--store" : "--data", where,
           DEMO_PASSWORD, DEMO_PASSWORD);
}

enum ac_status ac_cli_demo(struct ac_cli_args *a, struct ac_err *err)
{
    const char *dir = NULL;
    const char *members = ac_cli_get(a, "--members");
    const char *proposals = ac_cli_get(a, "--proposals");
    struct demo *d = NULL;
    int64_t extra = 0, more = 0, seq = 0;
    char first_pid[16] = "";
    uint8_t head[AC_HASH_LEN];
    char hex[AC_HEX_LEN + 1];
    enum ac_status rc;

    if (members && ac_parse_i64(ac_str_c(members), 0, DEMO_MEMBERS_MAX, &extra,
                                NULL) != AC_OK) {
        return AC_CLI_USAGE(a, err, "--members must be a number from 0 to %d",
                            DEMO_MEMBERS_MAX);
    }
    if (proposals && ac_parse_i64(ac_str_c(proposals), 0, DEMO_PROPOSALS_MAX,
                                  &more, NULL) != AC_OK) {
        return AC_CLI_USAGE(a, err, "--proposals must be a number from 0 to %d",
                            DEMO_PROPOSALS_MAX);
    }
    rc = ac_cli_location(a, &dir, err);
    if (rc != AC_OK) {
        return rc;
    }
    d = calloc(1, sizeof *d);
    if (!d) {
        return ac_err_set(err, AC_ENOMEM, "out of memory");
    }
    d->err = err;
    ac_arena_init(&d->state_arena, 0);
    ac_arena_init(&d->scratch, 0);
    d->empty = ac_arena_mark(&d->scratch);
    ac_state_init(&d->s, &d->state_arena);

    rc = ac_store_open(dir, true, &d->st, err);
    if (rc == AC_OK) {
        rc = ac_store_head(d->st, &seq, head, err);
    }
    if (rc != AC_OK) {
        goto out;
    }
    if (seq > 0) {
        ac_hex_encode(hex, head, AC_HASH_LEN);
        char where[512];
        ac_store_where(dir, where, sizeof where);
        printf("%s already holds an organisation (%lld events, head %s): "
               "left as it is\n",
               where, (long long)seq, hex);
        print_login(dir);
        goto out;
    }
    rc = ac_password_hash(AC_STR(DEMO_PASSWORD), d->phc, err);
    if (rc == AC_OK) {
        int64_t now = now_ms();
        rc = tell(d, (long)extra, now);
        if (rc == AC_OK && more > 0) {
            rc = gen_proposals(d, (long)more, now, first_pid);
        }
    }
    if (rc != AC_OK) {
        goto out;
    }
    ac_hex_encode(hex, d->s.head, AC_HASH_LEN);
    {
        char where[512];
        ac_store_where(dir, where, sizeof where);
        printf("demo organisation \"%s\" created in %s\n", DEMO_ORG, where);
    }
    printf("%zu active members, %zu circles, %zu agreements, %zu "
           "proposals\n",
           d->s.active_count, d->s.circle_count, d->s.agreement_count,
           d->s.proposal_count);
    printf("head %lld %s\n", (long long)d->s.seq, hex);
    print_login(dir);
    if (extra > 0) {
        char first[24], last[24];
        generated_id(first, 1, (long)extra);
        generated_id(last, (long)extra, (long)extra);
        printf("\nthe generated members %s..%s have the same password\n", first,
               last);
    }
    if (more > 0) {
        printf("the generated proposals %s..p%zu are open\n", first_pid,
               d->s.proposal_count);
    }
out:
    if (d->st) {
        ac_store_close(d->st);
    }
    ac_arena_release(&d->scratch);
    ac_arena_release(&d->state_arena);
    free(d);
    return rc;
}
