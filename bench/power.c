/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The power benchmark's measuring tool (docs/performance.md#power).
 *
 * power time [--out FILE] CMD [ARG...]
 *     Runs CMD with its standard output thrown away (or written to FILE)
 *     and prints its wall time, CPU time and peak resident memory
 *     (ru_maxrss of the child):
 *     wall_s=S user_s=S sys_s=S maxrss_kb=K status=N
 *     bench/run times `accord power FILE --json` and `accord verify FILE`
 *     with it.
 *
 * power phases FILE [--circle C] [--days N]
 *     Does in process what `accord power FILE --json` does, timing each
 *     step, to show where the time and the memory go: the replay of the
 *     exported log split into its checks (reading the line, parsing the
 *     JSON, decoding the event, the hash chain, the canonical
 *     re-encoding, folding into the state), the report (ac_power_report),
 *     the interaction graph's figures alone (ac_graph_compute on the
 *     edges the report uses, rebuilt from the facts), the JSON answer
 *     (ac_power_json) and its text. Then what the state's arena holds, by
 *     part, and the resident memory after each step. The steps are those
 *     of src/store/log.c and src/cli/cmd_power.c, called through the same
 *     public functions. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/time.h"
#include "bench.h"
#include "core/codec.h"
#include "core/state.h"
#include "http/power_view.h"
#include "store/log.h"

#define NONE UINT32_MAX
#define MB (1024.0 * 1024.0)

enum phase {
    PH_READ,
    PH_PARSE,
    PH_DECODE,
    PH_CHAIN,
    PH_CANON,
    PH_APPLY,
    PH_COUNT
};

static const char *const phase_names[PH_COUNT] = {
    "read line",
    "parse JSON",
    "decode event",
    "hash chain (seal: encode+sha256)",
    "canonical re-encoding",
    "fold into the state"};

static int usage(void)
{
    fprintf(stderr, "usage: power time [--out FILE] CMD [ARG...]\n"
                    "       power phases FILE [--circle C] [--days N]\n");
    return 2;
}

/* ---- power time ---- */

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int time_cmd(char **argv)
{
    struct rusage ru;
    int status = 0;
    const char *out = "/dev/null";
    double t0, t1;
    pid_t pid;
    if (strcmp(argv[0], "--out") == 0) {
        if (!argv[1] || !argv[2]) {
            return usage();
        }
        out = argv[1];
        argv += 2;
    }
    t0 = bench_now();
    pid = fork();
    if (pid < 0) {
        perror("power: fork");
        return 1;
    }
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            perror(out);
            _exit(127);
        }
        dup2(fd, 1);
        close(fd);
        execvp(argv[0], argv);
        perror("power: exec");
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("power: wait4");
        return 1;
    }
    t1 = bench_now();
    printf("wall_s=%.3f user_s=%.3f sys_s=%.3f maxrss_kb=%ld status=%d\n",
           t1 - t0, seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128);
    return 0;
}

/* ---- power phases ---- */

/* VmRSS or VmHWM of this process, in kB. */
static long vm_kb(const char *key)
{
    char line[256];
    long kb = -1;
    size_t n = strlen(key);
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            kb = strtol(line + n + 1, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

/* Bytes of a value tree as the state's arena holds it (16-byte
 * alignment, as the arena hands memory out). */
static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static size_t val_bytes(const struct ac_val *v)
{
    size_t n;
    if (!v) {
        return 0;
    }
    n = align16(sizeof *v);
    if (v->kind == AC_VAL_STR) {
        n += align16(v->s.len + 1);
    } else if (v->kind == AC_VAL_ARR) {
        n += align16(v->room * sizeof *v->items);
        for (size_t i = 0; i < v->count; i++) {
            n += val_bytes(v->items[i]);
        }
    } else if (v->kind == AC_VAL_OBJ) {
        n += align16(v->room * sizeof *v->pairs);
        for (size_t i = 0; i < v->count; i++) {
            n += align16(v->pairs[i].key.len + 1) + val_bytes(v->pairs[i].val);
        }
    }
    return n;
}

static size_t str_bytes(struct ac_str s)
{
    return s.ptr ? align16(s.len + 1) : 0;
}

/* Bytes of the earlier copies a doubling array (or map) of room elements,
 * started at first, left behind in the arena. */
static size_t left_behind(size_t room, size_t first, size_t size)
{
    return room > first ? (room - first) * size : 0;
}

/* What the state's arena holds, by part (live arrays at their room; the
 * rest of the arena is copies left behind when arrays and maps grew). */
static void state_memory(const struct ac_state *s, const struct ac_arena *a)
{
    size_t members = 0, props = 0, positions = 0, pos_index = 0, pos_str = 0,
           versions = 0, objections = 0, agreements = 0, facts = 0, other = 0,
           prop_str = 0, positions_count = 0, copies = 0;
    size_t facts_blocks =
        s->power.block_count * AC_POWER_BLOCK * sizeof(struct ac_power_fact);

    members = align16(s->member_room * sizeof *s->members) +
              align16(s->member_index.room * sizeof(struct ac_map_slot));
    for (size_t i = 0; i < s->member_count; i++) {
        members += str_bytes(s->members[i].id) + str_bytes(s->members[i].name) +
                   str_bytes(s->members[i].admitted_by);
    }
    props = align16(s->proposal_room * sizeof *s->proposals);
    copies = left_behind(s->member_room, 8, sizeof *s->members) +
             left_behind(s->member_index.room, 16, sizeof(struct ac_map_slot)) +
             left_behind(s->proposal_room, 8, sizeof *s->proposals) +
             left_behind(s->agreement_room, 8, sizeof *s->agreements) +
             left_behind(s->due_room, 8, sizeof *s->due);
    for (size_t i = 0; i < s->proposal_count; i++) {
        const struct ac_proposal *p = &s->proposals[i];
        positions += align16(p->room * sizeof *p->positions);
        copies +=
            left_behind(p->room, 8, sizeof *p->positions) +
            left_behind(p->position_index.room, 16, sizeof(struct ac_map_slot));
        positions_count += p->count;
        pos_index +=
            align16(p->position_index.room * sizeof(struct ac_map_slot));
        for (size_t k = 0; k < p->count; k++) {
            pos_str += str_bytes(p->positions[k].member) +
                       str_bytes(p->positions[k].reason);
        }
        for (size_t k = 0; k < p->version_count; k++) {
            versions += str_bytes(p->versions[k].title) +
                        val_bytes(p->versions[k].data);
        }
        versions += align16(p->version_room * sizeof *p->versions);
        objections += align16(p->objection_room * sizeof *p->objections);
        prop_str += str_bytes(p->id) + str_bytes(p->circle) +
                    str_bytes(p->author) + str_bytes(p->outcome);
    }
    agreements = align16(s->agreement_room * sizeof *s->agreements);
    for (size_t i = 0; i < s->agreement_count; i++) {
        const struct ac_agreement *ag = &s->agreements[i];
        agreements += align16(ag->room * sizeof *ag->versions);
        for (size_t k = 0; k < ag->count; k++) {
            agreements += str_bytes(ag->versions[k].text);
        }
    }
    facts = facts_blocks +
            align16(s->power.block_room * sizeof *s->power.blocks) +
            2 * align16(s->power.seen_room * sizeof(uint32_t));
    for (size_t c = 0; c < s->power.circle_room && c < s->circle_count; c++) {
        facts += align16(s->power.circle_member_room[c] * sizeof(uint32_t));
    }
    other = align16(s->due_room * sizeof *s->due) +
            align16(s->delegation_room * sizeof *s->delegations);

    printf("state arena: %.1f MB for %zu members, %zu proposals (%zu "
           "positions), %zu agreements, %zu facts\n",
           (double)a->used / MB, s->member_count, s->proposal_count,
           positions_count, s->agreement_count, s->power.fact_count);
    printf("  %-46s %9.1f MB (%zu bytes each)\n",
           "members (records, ids, index)", (double)members / MB,
           sizeof *s->members);
    printf("  %-46s %9.1f MB (%zu bytes each)\n", "proposal records",
           (double)props / MB, sizeof *s->proposals);
    printf("  %-46s %9.1f MB\n", "proposal ids, circles, authors, outcomes",
           (double)prop_str / MB);
    printf("  %-46s %9.1f MB (%zu bytes each)\n", "position records",
           (double)positions / MB, sizeof *s->proposals->positions);
    printf("  %-46s %9.1f MB\n", "position maps (member -> position)",
           (double)pos_index / MB);
    printf("  %-46s %9.1f MB\n", "position member ids and reasons",
           (double)pos_str / MB);
    printf("  %-46s %9.1f MB\n", "proposal versions (title, data tree)",
           (double)versions / MB);
    printf("  %-46s %9.1f MB\n", "objection records", (double)objections / MB);
    printf("  %-46s %9.1f MB\n", "agreements (records, versions, texts)",
           (double)agreements / MB);
    printf("  %-46s %9.1f MB (%zu bytes each)\n", "power facts and tracker",
           (double)facts / MB, sizeof(struct ac_power_fact));
    printf("  %-46s %9.1f MB\n", "deadline heap, delegations",
           (double)other / MB);
    printf("  %-46s %9.1f MB\n",
           "earlier copies left by growing arrays and maps",
           (double)copies / MB);
    printf("  %-46s %9.1f MB\n", "the rest (roles, circles, charter, ...)",
           (double)(a->used - members - props - prop_str - positions -
                    pos_index - pos_str - versions - objections - agreements -
                    facts - other - copies) /
               MB);
}

/* The interaction edges of the report's population, as from_facts in
 * src/core/power.c takes them. */
static struct ac_edge *report_edges(const struct ac_state *s,
                                    const struct ac_power_report *r,
                                    size_t scope, size_t *m)
{
    const struct ac_power *pw = &s->power;
    int32_t *pop = malloc((s->member_count + 1) * sizeof *pop);
    struct ac_edge *e = malloc((pw->fact_count + 1) * sizeof *e);
    size_t n = 0;
    if (!pop || !e) {
        fprintf(stderr, "power: out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < s->member_count; k++) {
        pop[k] = -1;
    }
    for (size_t k = 0; k < r->n; k++) {
        pop[r->members[k] - s->members] = (int32_t)k;
    }
    for (size_t i = 0; i < pw->fact_count; i++) {
        const struct ac_power_fact *f = ac_power_fact_at(pw, i);
        if (f->other == NONE || f->member == NONE || f->time < r->since ||
            (scope != 0 && f->circle != scope) || pop[f->member] < 0 ||
            pop[f->other] < 0) {
            continue;
        }
        e[n++] = (struct ac_edge){(uint32_t)pop[f->member],
                                  (uint32_t)pop[f->other], 1.0};
    }
    free(pop);
    *m = n;
    return e;
}

static int phases(int argc, char **argv)
{
    const char *path = argv[0], *circle = AC_ROOT_CIRCLE;
    int64_t days = 0, count = 0;
    double spent[PH_COUNT] = {0}, t, t0, t_replay, t_report, t_graph, t_json,
           t_dump;
    long rss_replay, rss_report, rss_json, rss_dump;
    struct ac_arena sa, scratch, work, graph_arena;
    struct ac_state s;
    struct ac_chain chain;
    struct ac_buf line, canon;
    struct ac_err err = {0};
    struct ac_power_report r;
    struct ac_graph_figures gf;
    struct ac_edge *edges;
    size_t m, scope;
    json_t *j;
    char *text;
    FILE *f;

    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            return usage();
        }
        if (strcmp(argv[i], "--circle") == 0) {
            circle = argv[i + 1];
        } else if (strcmp(argv[i], "--days") == 0) {
            days = bench_arg("power", argv[i + 1], 1, 36500, "days");
        } else {
            return usage();
        }
    }
    f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    ac_arena_init(&sa, 0);
    ac_arena_init(&scratch, 0);
    ac_state_init(&s, &sa);
    ac_chain_init(&chain);
    ac_buf_init(&line, 0);
    ac_buf_init(&canon, 0);

    t0 = bench_now();
    for (;;) {
        struct ac_arena_mark mark = ac_arena_mark(&scratch);
        struct ac_val *v = NULL;
        struct ac_event ev;
        bool more = false;
        double a = bench_now(), b;
        if (ac_log_read_line(f, &line, &more, count + 1, &err) != AC_OK) {
            fprintf(stderr, "power: %s\n", err.msg);
            return 1;
        }
        b = bench_now();
        spent[PH_READ] += b - a;
        if (!more) {
            break;
        }
        if (ac_json_parse(ac_buf_str(&line), &scratch, &v, &err) != AC_OK) {
            fprintf(stderr, "power: event %" PRId64 ": %s\n", count + 1,
                    err.msg);
            return 1;
        }
        a = bench_now();
        spent[PH_PARSE] += a - b;
        if (ac_event_decode(v, &ev, &err) != AC_OK) {
            fprintf(stderr, "power: event %" PRId64 ": %s\n", count + 1,
                    err.msg);
            return 1;
        }
        b = bench_now();
        spent[PH_DECODE] += b - a;
        if (ac_chain_check(&chain, &ev, &err) != AC_OK) {
            fprintf(stderr, "power: %s\n", err.msg);
            return 1;
        }
        a = bench_now();
        spent[PH_CHAIN] += a - b;
        ac_buf_reset(&canon);
        if (ac_event_encode(&ev, true, &canon, &err) != AC_OK ||
            !ac_str_eq(ac_buf_str(&canon), ac_buf_str(&line))) {
            fprintf(stderr, "power: event %" PRId64 " is not canonical\n",
                    count + 1);
            return 1;
        }
        b = bench_now();
        spent[PH_CANON] += b - a;
        if (ac_state_apply(&s, &ev, &err) != AC_OK) {
            fprintf(stderr, "power: %s\n", err.msg);
            return 1;
        }
        spent[PH_APPLY] += bench_now() - b;
        ac_arena_rewind(&scratch, mark);
        count++;
    }
    fclose(f);
    t_replay = bench_now() - t0;
    rss_replay = vm_kb("VmRSS");

    ac_arena_init(&work, 0);
    t = bench_now();
    if (ac_power_report(&s, ac_str_c(circle),
                        days ? s.time - days * AC_MS_PER_DAY : 0, s.time, &work,
                        &r, &err) != AC_OK) {
        fprintf(stderr, "power: report: %s\n", err.msg);
        return 1;
    }
    t_report = bench_now() - t;
    rss_report = vm_kb("VmRSS");

    scope = (size_t)(ac_state_circle(&s, ac_str_c(circle)) - s.circles);
    edges = report_edges(&s, &r, scope, &m);
    ac_arena_init(&graph_arena, 0);
    t = bench_now();
    if (ac_graph_compute(edges, m, r.n, &graph_arena, NULL, &gf, &err) !=
        AC_OK) {
        fprintf(stderr, "power: graph: %s\n", err.msg);
        return 1;
    }
    t_graph = bench_now() - t;
    ac_arena_release(&graph_arena);
    free(edges);

    t = bench_now();
    j = ac_power_json(&s, &r, days);
    t_json = bench_now() - t;
    rss_json = vm_kb("VmRSS");
    t = bench_now();
    text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    t_dump = bench_now() - t;
    rss_dump = vm_kb("VmRSS");
    if (!text) {
        fprintf(stderr, "power: out of memory\n");
        return 1;
    }

    printf("%" PRId64 " events, %zu members in %s, %zu interaction facts "
           "(%zu distinct edges)\n",
           count, r.n, circle, m, gf.edges);
    printf("%-46s %9s %9s\n", "step", "seconds", "us/event");
    for (int p = 0; p < PH_COUNT; p++) {
        printf("  %-44s %9.2f %9.2f\n", phase_names[p], spent[p],
               count ? spent[p] * 1e6 / (double)count : 0);
    }
    printf("%-46s %9.2f %9.2f\n", "replay (with the timers)", t_replay,
           count ? t_replay * 1e6 / (double)count : 0);
    printf("%-46s %9.2f\n", "ac_power_report (all of it)", t_report);
    printf("  %-44s %9.2f\n", "of which ac_graph_compute (run alone)", t_graph);
    printf("%-46s %9.2f\n", "ac_power_json", t_json);
    printf("%-46s %9.2f (%zu bytes)\n", "json_dumps", t_dump, strlen(text));
    printf("resident: after the replay %.0f MB, after the report %.0f MB, "
           "after ac_power_json %.0f MB, after json_dumps %.0f MB; peak "
           "%.0f MB\n",
           (double)rss_replay / 1024, (double)rss_report / 1024,
           (double)rss_json / 1024, (double)rss_dump / 1024,
           (double)vm_kb("VmHWM") / 1024);
    printf("report arena: %.1f MB\n", (double)work.used / MB);
    state_memory(&s, &sa);
    printf("graph: reciprocity %.4f, pagerank gini %.4f, grc %.4f%s\n",
           gf.reciprocity, gf.pagerank_gini, gf.grc,
           gf.grc_estimated ? " (estimated)" : "");

    free(text);
    json_decref(j);
    ac_arena_release(&work);
    ac_buf_release(&canon);
    ac_buf_release(&line);
    ac_arena_release(&scratch);
    ac_arena_release(&sa);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "time") == 0) {
        return time_cmd(argv + 2);
    }
    if (argc >= 3 && strcmp(argv[1], "phases") == 0) {
        return phases(argc - 2, argv + 2);
    }
    return usage();
}
