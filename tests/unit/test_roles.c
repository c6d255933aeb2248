/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Roles without ranks (docs/roles.md): role.create, role.amend,
 * role.retire, and the sociocratic election of role.elect: nominations,
 * a change round, a consent round on the most nominated eligible member,
 * terms that end by themselves, and the charter's limits on consecutive
 * and concurrent terms; driven through ac_exec with an injected clock. */
#include <criterion/criterion.h>

#include "base/hash.h"
#include "core/draw.h"
#include "exec_fixture.h"

TestSuite(role, .init = setup, .fini = teardown);
TestSuite(election, .init = setup, .fini = teardown);

#define KEEPER                                                                 \
    "{\"id\":\"keeper\",\"name\":\"Tool keeper\",\"purpose\":\"Tools are "     \
    "where we can find them\",\"accountabilities\":[\"keep the "               \
    "inventory\",\"arrange repairs\"],\"domain\":\"the tool shed's "           \
    "layout\",\"term_days\":90}"

static enum ac_status nominate(const char *actor, const char *id,
                               const char *nominee, const char *reason)
{
    struct ac_cmd c = {.type = AC_CMD_NOMINATE};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.nominee = ac_str_c(nominee);
    c.reason = ac_str_c(reason);
    return run(&c);
}

static struct ac_role *R(const char *id)
{
    struct ac_role *r = ac_state_role(&O.s, ac_str_c(id));
    cr_assert_not_null(r, "no role %s", id);
    return r;
}

/* org3 with the role "keeper" in "all". */
static void org_keeper(void)
{
    org3();
    adopt("alice", "all", "role.create", "A tool keeper", KEEPER);
    O.now += HOUR;
}

static const char *open_election(const char *role)
{
    char data[96];
    snprintf(data, sizeof data, "{\"role\":\"%s\"}", role);
    O.now += MIN;
    OK(propose("alice", "all", "role.elect", "Elect a keeper", data));
    return newest();
}

/* Runs an election in which everyone nominates who, then the change
 * round passes and everyone consents: who holds the role. */
static const char *elect(const char *role, const char *who)
{
    const char *id = open_election(role);
    static const char *const all[] = {"alice", "bob", "carol"};
    for (int i = 0; i < 3; i++) {
        O.now += MIN;
        OK(nominate(all[i], id, who, "knows the tools"));
    }
    cr_assert_eq(P(id)->phase, AC_STAGE_CHANGE);
    tick_at(P(id)->deadline);
    cr_assert_eq(P(id)->phase, AC_STAGE_CONSENT);
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED, "%.*s", (int)P(id)->outcome.len,
                 P(id)->outcome.ptr);
    return id;
}

Test(role, create_checks_its_data)
{
    static const char *const bad[][2] = {
        {"{\"id\":\"keeper\"}", "/data/name"},
        {"{\"id\":\"Keeper\",\"name\":\"x\",\"purpose\":\"y\","
         "\"accountabilities\":[],\"term_days\":30}",
         "/data/id"},
        {"{\"id\":\"keeper\",\"name\":\"x\",\"purpose\":\"y\","
         "\"accountabilities\":[\"\"],\"term_days\":30}",
         "/data/accountabilities/0"},
        {"{\"id\":\"keeper\",\"name\":\"x\",\"purpose\":\"y\","
         "\"accountabilities\":\"all\",\"term_days\":30}",
         "/data/accountabilities"},
        {"{\"id\":\"keeper\",\"name\":\"x\",\"purpose\":\"y\","
         "\"accountabilities\":[],\"term_days\":0}",
         "/data/term_days"},
        {"{\"id\":\"keeper\",\"name\":\"x\",\"purpose\":\"y\","
         "\"accountabilities\":[],\"term_days\":30,\"power\":1}",
         "/data/power"},
    };
    org3();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FAILS(propose("alice", "all", "role.create", "Role", bad[i][0]),
              AC_EINVAL, bad[i][1]);
    }
    adopt("alice", "all", "role.create", "A tool keeper", KEEPER);
    cr_assert_eq(O.s.role_count, 1);
    cr_assert(ac_str_eq_c(R("keeper")->name, "Tool keeper"));
    cr_assert(ac_str_eq_c(R("keeper")->domain, "the tool shed's layout"));
    cr_assert_eq(R("keeper")->accountabilities->count, 2);
    cr_assert_eq(R("keeper")->term_days, 90);
    cr_assert_eq(R("keeper")->holder.len, 0, "vacant until elected");
    FAILS(propose("alice", "all", "role.create", "Again", KEEPER), AC_EINVAL,
          "/data/id");
}

Test(role, amend_and_retire)
{
    org_keeper();
    FAILS(propose("alice", "all", "role.amend", "Nothing",
                  "{\"role\":\"keeper\"}"),
          AC_EINVAL, "/data");
    FAILS(propose("alice", "all", "role.amend", "No such",
                  "{\"role\":\"boss\",\"term_days\":30}"),
          AC_EINVAL, "/data/role");
    adopt("alice", "all", "role.amend", "Shorter terms",
          "{\"role\":\"keeper\",\"term_days\":30}");
    cr_assert_eq(R("keeper")->term_days, 30);
    cr_assert(ac_str_eq_c(R("keeper")->name, "Tool keeper"), "kept");
    elect("keeper", "bob");
    cr_assert(ac_str_eq_c(R("keeper")->holder, "bob"));
    adopt("alice", "all", "role.retire", "No more keeper",
          "{\"role\":\"keeper\"}");
    cr_assert(R("keeper")->retired);
    cr_assert_eq(R("keeper")->holder.len, 0, "retiring ends the term");
    cr_assert(R("keeper")->terms[0].ended);
    FAILS(
        propose("alice", "all", "role.elect", "Elect", "{\"role\":\"keeper\"}"),
        AC_EINVAL, "/data/role");
    replay_matches();
}

Test(election, nominations_change_round_consent_and_the_term)
{
    const char *id;
    const struct ac_event *ev;
    org_keeper();
    id = open_election("keeper");
    cr_assert_eq(P(id)->phase, AC_STAGE_NOMINATE);
    FAILS(pos("bob", id, "consent", ""), AC_ECONFLICT, NULL);
    FAILS(nominate("bob", id, "carol", " "), AC_EINVAL, "/reason");
    FAILS(nominate("bob", id, "zed", "x"), AC_EINVAL, "/nominee");
    OK(nominate("alice", id, "carol", "she built the shelves"));
    is_type(last(0), "nomination.given");
    {
        /* nominations are what the round counts while nominating */
        enum ac_position keys[4];
        int64_t t[AC_POS_COUNT], eligible;
        cr_assert_eq(ac_state_tally_keys(P(id), keys), 1);
        cr_assert_eq(keys[0], AC_POS_NOMINATION);
        ac_state_tally(&O.s, P(id), t, &eligible);
        cr_assert_eq(t[AC_POS_NOMINATION], 1);
    }
    OK(nominate("bob", id, "alice", "she has the van"));
    OK(nominate("carol", id, "bob", "he is there every day"));
    is_type(last(0), "election.changing");
    cr_assert_eq(P(id)->phase, AC_STAGE_CHANGE);
    /* the change round: reasons heard, two change to carol */
    OK(nominate("bob", id, "carol", "alice convinced me"));
    OK(nominate("carol", id, "carol", "fine, I will"));
    cr_assert_eq(P(id)->count, 3, "a change replaces the nomination");
    tick_at(P(id)->deadline - 1);
    cr_assert_eq(P(id)->phase, AC_STAGE_CHANGE, "not before the deadline");
    tick_at(P(id)->deadline);
    ev = last(0);
    is_type(ev, "election.proposed");
    cr_assert(ac_str_eq_c(dstr(ev, "candidate"), "carol"));
    cr_assert_eq(dint(ac_val_get(ev->data, "nominations"), "carol"), 3);
    cr_assert_eq(P(id)->phase, AC_STAGE_CONSENT);
    cr_assert_eq(P(id)->round, 2);
    cr_assert_eq(P(id)->count, 0, "the consent round starts empty");
    FAILS(nominate("bob", id, "alice", "late"), AC_ECONFLICT, NULL);
    all_consent(id);
    cr_assert_eq(status(id), AC_PROP_ADOPTED);
    /* the round's own reason inside the adoption's, not itself */
    cr_assert(ac_str_eq_c(P(id)->outcome,
                          "carol holds the role \"keeper\" for 90 days (no "
                          "objection; 3 of 3 responded)"),
              "%.*s", (int)P(id)->outcome.len, P(id)->outcome.ptr);
    cr_assert(ac_str_eq_c(R("keeper")->holder, "carol"));
    cr_assert_eq(R("keeper")->terms[0].end - R("keeper")->terms[0].start,
                 90 * DAY);
    /* the term ends by itself */
    tick_at(R("keeper")->terms[0].end - 1);
    cr_assert(ac_str_eq_c(R("keeper")->holder, "carol"));
    cr_assert_eq(tick_at(R("keeper")->terms[0].end), 1);
    ev = last(0);
    is_type(ev, "role.term_ended");
    cr_assert(ac_str_eq_c(ev->actor, "system"));
    cr_assert(ac_str_eq_c(dstr(ev, "member"), "carol"));
    cr_assert_eq(R("keeper")->holder.len, 0, "vacant until the next election");
    cr_assert(R("keeper")->terms[0].ended);
    replay_matches();
}

Test(election, nobody_nominated_lapses)
{
    const char *id;
    org_keeper();
    id = open_election("keeper");
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert(has(P(id)->outcome, "nobody was nominated"));
    replay_matches();
}

Test(election, a_tie_is_broken_by_the_seed)
{
    const char *id;
    uint8_t ka[AC_HASH_LEN], kb[AC_HASH_LEN], in[8 + 8];
    org_keeper();
    id = open_election("keeper");
    OK(nominate("alice", id, "bob", "x"));
    OK(nominate("bob", id, "alice", "y"));
    /* the seed: the hash of the event that opened the round */
    memcpy(in, P(id)->round_hash, 8);
    cr_assert_eq(memcmp(P(id)->round_hash, O.log.events[O.log.count - 3].hash,
                        AC_HASH_LEN),
                 0);
    tick_at(P(id)->deadline);
    tick_at(P(id)->deadline);
    is_type(last(0), "election.proposed");
    memcpy(in + 8, "alice", 5);
    ac_sha256(ka, in, 13);
    memcpy(in + 8, "bob", 3);
    ac_sha256(kb, in, 11);
    cr_assert(ac_str_eq_c(dstr(last(0), "candidate"),
                          memcmp(ka, kb, AC_HASH_LEN) < 0 ? "alice" : "bob"));
}

Test(election, objections_and_another_candidate)
{
    const char *id;
    org_keeper();
    id = open_election("keeper");
    OK(nominate("alice", id, "bob", "x"));
    OK(nominate("bob", id, "bob", "y"));
    OK(nominate("carol", id, "bob", "z"));
    tick_at(P(id)->deadline);
    OK(pos("carol", id, "object", "bob is away all summer"));
    OK(pos("alice", id, "consent", ""));
    OK(pos("bob", id, "consent", ""));
    cr_assert_eq(status(id), AC_PROP_NEEDS_INTEGRATION);
    O.now += MIN;
    FAILS(amend("alice", id, NULL, "{\"role\":\"keeper\"}"), AC_EINVAL,
          "/data/candidate");
    FAILS(
        amend("alice", id, NULL, "{\"role\":\"keeper\",\"candidate\":\"zed\"}"),
        AC_EINVAL, "/data/candidate");
    OK(amend("alice", id, NULL,
             "{\"role\":\"keeper\",\"candidate\":\"carol\"}"));
    cr_assert(ac_str_eq_c(P(id)->candidate, "carol"));
    all_consent(id);
    cr_assert(ac_str_eq_c(R("keeper")->holder, "carol"));
    replay_matches();
}

Test(election, at_most_two_roles_at_once)
{
    const char *id;
    org3();
    adopt("alice", "all", "role.create", "Keeper", KEEPER);
    adopt("alice", "all", "role.create", "Host",
          "{\"id\":\"host\",\"name\":\"Host\",\"purpose\":\"Welcome\","
          "\"accountabilities\":[],\"term_days\":90}");
    adopt("alice", "all", "role.create", "Scribe",
          "{\"id\":\"scribe\",\"name\":\"Scribe\",\"purpose\":\"Notes\","
          "\"accountabilities\":[],\"term_days\":90}");
    elect("keeper", "bob");
    elect("host", "bob");
    cr_assert_eq(ac_state_roles_held(&O.s, AC_STR("bob")), 2);
    id = open_election("scribe");
    FAILS(nominate("alice", id, "bob", "he is good at it"), AC_EINVAL,
          "/nominee");
    cr_assert(has(ac_str_c(O.err.msg), "role.max_concurrent is 2"), "%s",
              O.err.msg);
    OK(nominate("alice", id, "carol", "she writes well"));
}

Test(election, at_most_two_terms_in_a_row)
{
    const char *id;
    org_keeper();
    elect("keeper", "bob");
    tick_at(R("keeper")->terms[0].end);
    elect("keeper", "bob");
    tick_at(R("keeper")->terms[1].end);
    id = open_election("keeper");
    FAILS(nominate("alice", id, "bob", "again"), AC_EINVAL, "/nominee");
    cr_assert(has(ac_str_c(O.err.msg), "2 term(s) in a row"), "%s", O.err.msg);
    OK(nominate("alice", id, "carol", "her turn"));
    OK(nominate("bob", id, "carol", "her turn"));
    OK(nominate("carol", id, "carol", "my turn"));
    tick_at(P(id)->deadline);
    all_consent(id);
    cr_assert(ac_str_eq_c(R("keeper")->holder, "carol"));
    replay_matches();
}

Test(election, a_removed_member_leaves_their_role)
{
    org_keeper();
    elect("keeper", "bob");
    adopt("alice", "all", "member.remove", "Bob moved away",
          "{\"member\":\"bob\",\"reason\":\"moved away\"}");
    cr_assert_eq(R("keeper")->holder.len, 0);
    cr_assert(R("keeper")->terms[0].ended);
    cr_assert_eq(ac_state_next_due(&O.s), INT64_MAX, "no term left to end");
    replay_matches();
}

Test(election, the_change_round_ends_when_everyone_has_spoken_again)
{
    const char *id;
    org_keeper();
    id = open_election("keeper");
    OK(nominate("alice", id, "carol", "a"));
    OK(nominate("bob", id, "alice", "b"));
    OK(nominate("carol", id, "bob", "c"));
    cr_assert_eq(P(id)->phase, AC_STAGE_CHANGE);
    /* confirming counts as speaking again: alice keeps carol */
    OK(nominate("alice", id, "carol", "a"));
    OK(nominate("bob", id, "carol", "convinced"));
    cr_assert_eq(P(id)->phase, AC_STAGE_CHANGE);
    OK(nominate("carol", id, "carol", "all right"));
    is_type(last(0), "election.proposed");
    cr_assert_eq(P(id)->phase, AC_STAGE_CONSENT);
    cr_assert(ac_str_eq(P(id)->candidate, AC_STR("carol")));
    replay_matches();
}

/* ==== sortition ==== */

TestSuite(lot, .init = setup, .fini = teardown);

static enum ac_status draw_step(enum ac_cmd_type type, const char *actor,
                                const char *id, const char *secret)
{
    struct ac_cmd c = {.type = type};
    c.actor = ac_str_c(actor);
    c.proposal = ac_str_c(id);
    c.secret = secret ? ac_str_c(secret) : (struct ac_str){NULL, 0};
    return run(&c);
}

static enum ac_status volunteer(const char *actor, const char *id,
                                const char *secret)
{
    char commit[AC_HEX_LEN + 1];
    ac_draw_commit(ac_str_c(secret), commit);
    return draw_step(AC_CMD_VOLUNTEER, actor, id,
                     ac_arena_cstr(&O.ea, ac_str_c(commit)));
}

static const char *open_draw(const char *role)
{
    char data[96];
    snprintf(data, sizeof data, "{\"role\":\"%s\"}", role);
    O.now += MIN;
    OK(propose("alice", "all", "role.draw", "Draw a keeper", data));
    return newest();
}

/* The draw recomputed from the log alone, with this test's own code:
 * every draw.revealed event of the proposal, sorted by member id, gives
 * the seed; the order is by SHA-256(seed || id). */
static void recompute(const char *id, uint8_t seed[AC_HASH_LEN],
                      char order[8][AC_ID_MAX + 1], size_t *n)
{
    struct {
        char member[AC_ID_MAX + 1];
        char secret[256];
    } rev[8];
    uint8_t buf[4096], keys[8][AC_HASH_LEN];
    size_t len = 0;
    *n = 0;
    for (size_t i = 0; i < O.log.count; i++) {
        const struct ac_event *ev = &O.log.events[i];
        struct ac_str p, secret;
        /* through the exported JSON, as anyone holding the log reads it */
        struct ac_buf b;
        struct ac_val *v = NULL;
        struct ac_event back;
        ac_buf_init(&b, 0);
        cr_assert_eq(ac_event_encode(ev, true, &b, NULL), AC_OK);
        cr_assert_eq(ac_json_parse(ac_buf_str(&b), &O.ea, &v, NULL), AC_OK);
        cr_assert_eq(ac_event_decode(v, &back, NULL), AC_OK);
        ac_buf_release(&b);
        if (!ac_str_eq_c(back.type, "draw.revealed") ||
            !ac_val_get_str(back.data, "proposal", &p) || !ac_str_eq_c(p, id)) {
            continue;
        }
        cr_assert(ac_val_get_str(back.data, "secret", &secret));
        snprintf(rev[*n].member, sizeof rev[*n].member, "%.*s",
                 (int)back.actor.len, back.actor.ptr);
        snprintf(rev[*n].secret, sizeof rev[*n].secret, "%.*s", (int)secret.len,
                 secret.ptr);
        (*n)++;
    }
    for (size_t i = 1; i < *n; i++) { /* by member id */
        for (size_t j = i;
             j > 0 && strcmp(rev[j - 1].member, rev[j].member) > 0; j--) {
            __typeof__(rev[0]) t = rev[j];
            rev[j] = rev[j - 1];
            rev[j - 1] = t;
        }
    }
    for (size_t i = 0; i < *n; i++) {
        size_t m = strlen(rev[i].member), k = strlen(rev[i].secret);
        memcpy(buf + len, rev[i].member, m + 1); /* with its zero byte */
        len += m + 1;
        memcpy(buf + len, rev[i].secret, k + 1);
        len += k + 1;
    }
    ac_sha256(seed, buf, len);
    for (size_t i = 0; i < *n; i++) {
        uint8_t in[AC_HASH_LEN + AC_ID_MAX];
        size_t m = strlen(rev[i].member);
        memcpy(in, seed, AC_HASH_LEN);
        memcpy(in + AC_HASH_LEN, rev[i].member, m);
        ac_sha256(keys[i], in, AC_HASH_LEN + m);
        snprintf(order[i], AC_ID_MAX + 1, "%s", rev[i].member);
    }
    for (size_t i = 1; i < *n; i++) { /* by key */
        for (size_t j = i;
             j > 0 && memcmp(keys[j - 1], keys[j], AC_HASH_LEN) > 0; j--) {
            uint8_t tk[AC_HASH_LEN];
            char tm[AC_ID_MAX + 1];
            memcpy(tk, keys[j], AC_HASH_LEN);
            memcpy(keys[j], keys[j - 1], AC_HASH_LEN);
            memcpy(keys[j - 1], tk, AC_HASH_LEN);
            memcpy(tm, order[j], sizeof tm);
            memcpy(order[j], order[j - 1], sizeof tm);
            memcpy(order[j - 1], tm, sizeof tm);
        }
    }
}

static void draw_matches_recount(const char *id)
{
    uint8_t seed[AC_HASH_LEN];
    char order[8][AC_ID_MAX + 1], hex[AC_HEX_LEN + 1];
    size_t n;
    const struct ac_val *result = P(id)->result, *list;
    recompute(id, seed, order, &n);
    cr_assert_not_null(result);
    ac_hex_encode(hex, seed, AC_HASH_LEN);
    cr_assert(ac_str_eq_c(ac_val_get(result, "seed")->s, hex), "seed");
    list = ac_val_get(result, "order");
    cr_assert_eq(list->count, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert(ac_str_eq_c(list->items[i]->s, order[i]), "place %zu", i);
    }
    cr_assert(ac_str_eq_c(ac_val_get(result, "drawn")->s, order[0]));
    cr_assert(ac_str_eq_c(R("keeper")->holder, order[0]));
}

Test(lot, volunteers_commit_reveal_and_one_is_drawn)
{
    const char *id;
    org_keeper();
    id = open_draw("keeper");
    cr_assert_eq(P(id)->phase, AC_STAGE_VOLUNTEER);
    FAILS(pos("bob", id, "consent", ""), AC_ECONFLICT, NULL);
    FAILS(draw_step(AC_CMD_VOLUNTEER, "bob", id, "abc"), AC_EINVAL,
          "/commitment");
    FAILS(draw_step(AC_CMD_REVEAL, "bob", id, "too early"), AC_ECONFLICT, NULL);
    OK(volunteer("alice", id, "alice's own words"));
    is_type(last(0), "draw.volunteered");
    OK(volunteer("bob", id, "correct horse battery staple"));
    OK(draw_step(AC_CMD_PASS, "carol", id, NULL));
    is_type(last(0), "draw.revealing");
    cr_assert_eq(P(id)->phase, AC_STAGE_REVEAL);
    FAILS(draw_step(AC_CMD_REVEAL, "carol", id, "x"), AC_ECONFLICT, NULL);
    FAILS(draw_step(AC_CMD_REVEAL, "bob", id, "wrong horse"), AC_EINVAL,
          "/secret");
    OK(draw_step(AC_CMD_REVEAL, "bob", id, "correct horse battery staple"));
    FAILS(draw_step(AC_CMD_REVEAL, "bob", id, "correct horse battery staple"),
          AC_ECONFLICT, NULL);
    cr_assert_eq(status(id), AC_PROP_OPEN);
    OK(draw_step(AC_CMD_REVEAL, "alice", id, "alice's own words"));
    cr_assert_eq(status(id), AC_PROP_DECIDED, "%.*s", (int)P(id)->outcome.len,
                 P(id)->outcome.ptr);
    cr_assert_eq(dint(ac_val_get(last(0)->data, "tally"), "volunteer"), 2);
    draw_matches_recount(id);
    replay_matches();
}

Test(lot, a_volunteer_who_does_not_reveal_is_left_out)
{
    const char *id;
    org_keeper();
    id = open_draw("keeper");
    OK(volunteer("alice", id, "a1"));
    OK(volunteer("bob", id, "b1"));
    OK(volunteer("carol", id, "c1"));
    OK(draw_step(AC_CMD_REVEAL, "carol", id, "c1"));
    OK(draw_step(AC_CMD_REVEAL, "alice", id, "a1"));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_DECIDED);
    cr_assert_eq(ac_val_get(P(id)->result, "order")->count, 2);
    cr_assert(has(P(id)->outcome, "2 volunteer(s) who revealed (of 3)"));
    draw_matches_recount(id);
    cr_assert_neq(strcmp(ac_arena_cstr(&O.ea, R("keeper")->holder), "bob"), 0);
}

Test(lot, nobody_volunteers_or_reveals)
{
    const char *id;
    org_keeper();
    id = open_draw("keeper");
    OK(draw_step(AC_CMD_PASS, "alice", id, NULL));
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert(has(P(id)->outcome, "nobody volunteered"));
    id = open_draw("keeper");
    OK(volunteer("bob", id, "b"));
    tick_at(P(id)->deadline);
    tick_at(P(id)->deadline);
    cr_assert_eq(status(id), AC_PROP_LAPSED);
    cr_assert(has(P(id)->outcome, "no volunteer revealed"));
    replay_matches();
}

Test(lot, ineligible_members_cannot_volunteer)
{
    const char *id;
    org_keeper();
    adopt("alice", "all", "charter.amend", "One role each",
          "{\"set\":{\"role.max_concurrent\":1}}");
    adopt("alice", "all", "role.create", "Host",
          "{\"id\":\"host\",\"name\":\"Host\",\"purpose\":\"Welcome\","
          "\"accountabilities\":[],\"term_days\":90}");
    elect("host", "bob");
    id = open_draw("keeper");
    FAILS(volunteer("bob", id, "b"), AC_ECONFLICT, NULL);
    cr_assert(has(ac_str_c(O.err.msg), "role.max_concurrent is 1"), "%s",
              O.err.msg);
    FAILS(propose("alice", "all", "role.elect", "Elect too",
                  "{\"role\":\"keeper\"}"),
          AC_EINVAL, "/data/role");
}

/* A removal or circle change that closes answered rounds leaves draws and
 * elections to their own phases (it used to close them as consent
 * rounds, which the state refused). */
Test(lot, a_removal_leaves_open_draws_and_elections_alone)
{
    const char *draw, *elect_id;
    org_keeper();
    adopt("alice", "all", "role.create", "Host",
          "{\"id\":\"host\",\"name\":\"Host\",\"purpose\":\"Welcome\","
          "\"accountabilities\":[],\"term_days\":90}");
    admit("dan", "Dan");
    draw = open_draw("keeper");
    OK(volunteer("alice", draw, "a"));
    OK(volunteer("bob", draw, "b"));
    OK(draw_step(AC_CMD_PASS, "carol", draw, NULL));
    OK(draw_step(AC_CMD_PASS, "dan", draw, NULL));
    cr_assert_eq(P(draw)->phase, AC_STAGE_REVEAL);
    elect_id = open_election("host");
    OK(nominate("alice", elect_id, "carol", "x"));
    adopt("alice", "all", "member.remove", "Dan moves away",
          "{\"member\":\"dan\",\"reason\":\"moved\"}");
    cr_assert_eq(status(draw), AC_PROP_OPEN);
    cr_assert_eq(P(draw)->phase, AC_STAGE_REVEAL);
    cr_assert_eq(status(elect_id), AC_PROP_OPEN);
    cr_assert_eq(P(elect_id)->phase, AC_STAGE_NOMINATE);
    OK(draw_step(AC_CMD_REVEAL, "alice", draw, "a"));
    OK(draw_step(AC_CMD_REVEAL, "bob", draw, "b"));
    cr_assert_eq(status(draw), AC_PROP_DECIDED);
    tick_at(P(elect_id)->deadline);
    cr_assert_eq(P(elect_id)->phase, AC_STAGE_CHANGE);
    replay_matches();
}
