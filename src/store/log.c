/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The log above the store: replay, commit, verification and export.
 * Loading and both verifications run every event through one check
 * (check_event), so the server starting and `accord verify` agree on what
 * a valid log is (docs/events.md#verifying): the text parses, has the
 * seven members, sits at its place in the chain, hashes to its hash, is
 * exactly its canonical encoding, matches its stored seq and hash
 * columns, and folds into the state. The first failure names its event. */
#include "store/log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/json.h"
#include "core/codec.h"
#include "store/store_int.h"

#define SCRATCH_CAP ((size_t)64 << 20)  /* bytes to parse one event */
#define LINE_MAX_LEN ((size_t)16 << 20) /* bytes of one exported line */

/* A replay in progress: the chain so far and the state it folds into. */
struct replay {
    struct ac_state *state;    /* caller's or verify's own */
    struct ac_chain chain;     /* last event whose hash and link hold */
    int64_t count;             /* events that passed every check */
    uint8_t head[AC_HASH_LEN]; /* hash of the last of them */
    struct ac_arena scratch;   /* one event's parse, rewound after each */
    struct ac_buf canon;       /* its re-encoding */
    const char *source;        /* "stored text" or "line" */
    struct ac_err *err;        /* the caller's, for the scan callback */
};

static void replay_init(struct replay *r, struct ac_state *s,
                        const char *source, struct ac_err *err)
{
    r->state = s;
    r->err = err;
    ac_chain_init(&r->chain);
    r->count = 0;
    memset(r->head, 0, AC_HASH_LEN);
    ac_arena_init(&r->scratch, SCRATCH_CAP);
    ac_buf_init(&r->canon, 0);
    r->source = source;
}

static void replay_release(struct replay *r)
{
    ac_buf_release(&r->canon);
    ac_arena_release(&r->scratch);
}

/* "event N: why" from a lower layer's error. Invalid input from below
 * means corrupt data here; out-of-memory stays what it is. */
static enum ac_status event_fail(struct ac_err *err, int64_t seq,
                                 const char *what, const struct ac_err *why)
{
    enum ac_status code =
        why->code == AC_EINVAL || why->code == AC_OK ? AC_ECORRUPT : why->code;
    return ac_err_set(err, code, "event %" PRId64 ": %s%s", seq, what,
                      why->msg);
}

/* Checks one event and folds it in. row_seq and hash are the stored
 * columns (row_seq < 0 and hash.ptr NULL for an exported line). */
static enum ac_status check_event(struct replay *r, int64_t row_seq,
                                  struct ac_str hash, struct ac_str text,
                                  struct ac_err *err)
{
    int64_t want = r->chain.seq + 1;
    struct ac_arena_mark mark = ac_arena_mark(&r->scratch);
    struct ac_err e = {0};
    struct ac_val *v = NULL;
    struct ac_event ev;
    uint8_t column[AC_HASH_LEN];
    enum ac_status st;

    if (row_seq >= 0 && row_seq > want) {
        st = ac_err_set(err, AC_ECORRUPT,
                        "event %" PRId64
                        " is missing (the next stored event is %" PRId64 ")",
                        want, row_seq);
        goto out;
    }
    if (row_seq >= 0 && row_seq < want) {
        st = ac_err_set(err, AC_ECORRUPT,
                        "event %" PRId64 " is stored out of order", row_seq);
        goto out;
    }
    st = ac_json_parse(text, &r->scratch, &v, &e);
    if (st != AC_OK) {
        st = event_fail(err, want, "", &e);
        goto out;
    }
    st = ac_event_decode(v, &ev, &e);
    if (st != AC_OK) {
        st = event_fail(err, want, "not a valid event: ", &e);
        goto out;
    }
    if (ev.seq != want) {
        if (row_seq >= 0) {
            st = ac_err_set(err, AC_ECORRUPT,
                            "event %" PRId64 ": stored as event %" PRId64
                            " but its text says seq %" PRId64,
                            want, row_seq, ev.seq);
        } else if (ev.seq > want) {
            st = ac_err_set(err, AC_ECORRUPT,
                            "event %" PRId64
                            " is missing (the next line is event %" PRId64 ")",
                            want, ev.seq);
        } else {
            st = ac_err_set(err, AC_ECORRUPT,
                            "event %" PRId64 ": the line holds event %" PRId64
                            " again or out of order",
                            want, ev.seq);
        }
        goto out;
    }
    if (hash.ptr && (!ac_hex_decode(column, AC_HASH_LEN, hash) ||
                     memcmp(column, ev.hash, AC_HASH_LEN) != 0)) {
        st = ac_err_set(err, AC_ECORRUPT,
                        "event %" PRId64
                        ": stored hash column does not match its text",
                        want);
        goto out;
    }
    st = ac_chain_check(&r->chain, &ev, &e);
    if (st != AC_OK) {
        /* Its messages already name the event. */
        st = ac_err_set(err, e.code, "%s", e.msg);
        goto out;
    }
    ac_buf_reset(&r->canon);
    st = ac_event_encode(&ev, true, &r->canon, &e);
    if (st != AC_OK) {
        st = event_fail(err, want, "", &e);
        goto out;
    }
    if (!ac_str_eq(ac_buf_str(&r->canon), text)) {
        st = ac_err_set(err, AC_ECORRUPT,
                        "event %" PRId64 ": %s is not in canonical form", want,
                        r->source);
        goto out;
    }
    st = ac_state_apply(r->state, &ev, &e);
    if (st != AC_OK) {
        st = ac_err_set(err, e.code, "%s", e.msg);
        goto out;
    }
    r->count = ev.seq;
    memcpy(r->head, ev.hash, AC_HASH_LEN);
out:
    /* The state keeps copies of what it needs (core/state.h). */
    ac_arena_rewind(&r->scratch, mark);
    return st;
}

static enum ac_status replay_row(void *ctx, int64_t seq, struct ac_str hash,
                                 struct ac_str text)
{
    struct replay *r = ctx;
    return check_event(r, seq, hash, text, r->err);
}

/* Replays the whole stored log into s. */
static enum ac_status replay_store(struct ac_store *st, struct ac_state *s,
                                   struct replay *r, struct ac_err *err)
{
    replay_init(r, s, "stored text", err);
    return ac_store_scan_rows(st, 0, -1, replay_row, r, err);
}

struct unseal_ctx {
    struct ac_state *s;
    struct ac_err *err;
};

/* A kept secret answer back into the state (stale ones are ignored). */
static enum ac_status load_sealed(void *ctx, const struct ac_store_sealed *row)
{
    struct unseal_ctx *u = ctx;
    struct ac_arena a;
    struct ac_val *v = NULL;
    enum ac_status st;
    ac_arena_init(&a, 0);
    st = ac_json_parse(row->content, &a, &v, u->err);
    if (st == AC_OK) {
        st = ac_state_seal(u->s, row->proposal, row->round, row->member, v,
                           u->err);
    }
    if (st == AC_EINVAL) {
        st = ac_err_set(u->err, AC_ECORRUPT,
                        "the kept secret answer of %.*s to %.*s does not fit "
                        "the proposal",
                        (int)row->member.len, row->member.ptr,
                        (int)row->proposal.len, row->proposal.ptr);
    }
    ac_arena_release(&a);
    return st;
}

enum ac_status ac_log_load(struct ac_store *st, struct ac_state *s,
                           struct ac_err *err)
{
    struct replay r;
    struct unseal_ctx u = {s, err};
    enum ac_status rs = replay_store(st, s, &r, err);
    replay_release(&r);
    if (rs == AC_OK) {
        rs = ac_store_sealed_scan(st, load_sealed, &u, err);
    }
    return rs;
}

enum ac_status ac_log_follow(struct ac_store *st, struct ac_state *s,
                             int64_t *count, struct ac_err *err)
{
    struct replay r;
    int64_t before = s->seq;
    enum ac_status rs;

    replay_init(&r, s, "stored text", err);
    r.chain.seq = s->seq;
    memcpy(r.chain.head, s->head, AC_HASH_LEN);
    r.chain.time = s->time;
    rs = ac_store_scan_rows(st, s->seq, -1, replay_row, &r, err);
    *count = s->seq - before;
    replay_release(&r);
    return rs;
}

enum ac_status ac_log_reseal(struct ac_store *st, struct ac_state *s,
                             struct ac_err *err)
{
    struct unseal_ctx u = {s, err};
    return ac_store_sealed_scan(st, load_sealed, &u, err);
}

enum ac_status ac_log_commit(struct ac_store *st, const struct ac_batch *b,
                             struct ac_store_append *extra, struct ac_err *err)
{
    struct ac_store_append local = {0};
    struct ac_store_append *w = extra ? extra : &local;
    struct ac_str *texts = NULL;
    struct ac_store_sealed *sealed = NULL;
    size_t *ends = NULL;
    struct ac_buf buf;
    enum ac_status rs = AC_OK;

    if (b->count == 0) {
        return AC_OK;
    }
    ac_buf_init(&buf, 0);
    texts = calloc(b->count, sizeof *texts);
    ends = calloc(b->count, sizeof *ends);
    if (!texts || !ends) {
        rs = ac_err_set(err, AC_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < b->count && rs == AC_OK; i++) {
        rs = ac_event_encode(&b->events[i], true, &buf, err);
        ends[i] = buf.len;
    }
    if (rs != AC_OK) {
        goto out;
    }
    /* Pointers only once the buffer has stopped growing. */
    for (size_t i = 0; i < b->count; i++) {
        size_t start = i ? ends[i - 1] : 0;
        texts[i] = (struct ac_str){buf.ptr + start, ends[i] - start};
    }
    /* secret answers: their content as canonical JSON, after the events
     * in the same buffer */
    if (b->sealed_count) {
        size_t *send = calloc(b->sealed_count, sizeof *send);
        size_t base = buf.len;
        sealed = calloc(b->sealed_count, sizeof *sealed);
        if (!send || !sealed) {
            free(send);
            rs = ac_err_set(err, AC_ENOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < b->sealed_count && rs == AC_OK; i++) {
            rs = ac_codec_encode(b->sealed[i].content, &buf, err);
            send[i] = buf.len;
        }
        for (size_t i = 0; rs == AC_OK && i < b->sealed_count; i++) {
            size_t start = i ? send[i - 1] : base;
            sealed[i] = (struct ac_store_sealed){
                b->sealed[i].proposal, b->sealed[i].round, b->sealed[i].member,
                (struct ac_str){buf.ptr + start, send[i] - start}};
        }
        free(send);
        if (rs != AC_OK) {
            goto out;
        }
        /* the events' texts point into the same buffer: recompute them */
        for (size_t i = 0; i < b->count; i++) {
            size_t start = i ? ends[i - 1] : 0;
            texts[i] = (struct ac_str){buf.ptr + start, ends[i] - start};
        }
    }
    w->events = b->events;
    w->texts = texts;
    w->count = b->count;
    w->sealed = sealed;
    w->sealed_count = b->sealed_count;
    w->unseal = b->unseal;
    w->unseal_count = b->unseal_count;
    rs = ac_store_append(st, w, b->events[0].seq - 1, b->events[0].prev, err);
out:
    /* The texts die here; the caller keeps events and count. */
    w->texts = NULL;
    w->sealed = NULL;
    w->sealed_count = 0;
    w->unseal = NULL;
    w->unseal_count = 0;
    free(sealed);
    free(ends);
    free(texts);
    ac_buf_release(&buf);
    return rs;
}

static void head_hex(const struct replay *r, int64_t *count,
                     char head[AC_HEX_LEN + 1])
{
    *count = r->count;
    ac_hex_encode(head, r->head, AC_HASH_LEN);
}

enum ac_status ac_log_verify_store(struct ac_store *st, int64_t *count,
                                   char head[AC_HEX_LEN + 1],
                                   struct ac_err *err)
{
    struct ac_arena a;
    struct ac_state s;
    struct replay r;
    enum ac_status rs;

    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    rs = replay_store(st, &s, &r, err);
    if (rs == AC_OK && r.count == 0) {
        rs = ac_err_set(err, AC_ECORRUPT,
                        "event 1: the store holds no events; every log "
                        "begins with org.founded");
    }
    head_hex(&r, count, head);
    replay_release(&r);
    ac_arena_release(&a);
    return rs;
}

enum ac_status ac_log_read_line(FILE *f, struct ac_buf *line, bool *more,
                                int64_t seq, struct ac_err *err)
{
    char chunk[65536];
    size_t n = 0;
    int c;

    ac_buf_reset(line);
    *more = false;
    /* Byte by byte, so a NUL byte cannot hide the rest of a line. */
    flockfile(f);
    while ((c = getc_unlocked(f)) != EOF) {
        *more = true;
        if (c == '\n') {
            break;
        }
        if (n == sizeof chunk) {
            ac_buf_add(line, chunk, n);
            n = 0;
        }
        chunk[n++] = (char)c;
    }
    ac_buf_add(line, chunk, n);
    funlockfile(f);
    if (ferror(f)) {
        return ac_err_set(err, AC_EIO, "cannot read the file: %s",
                          strerror(errno));
    }
    if (line->status == AC_ELIMIT) {
        return ac_err_set(err, AC_ELIMIT,
                          "event %" PRId64 ": line is longer than %zu bytes",
                          seq, LINE_MAX_LEN);
    }
    if (line->status != AC_OK) {
        return ac_err_set(err, line->status, "out of memory");
    }
    if (line->len && line->ptr[line->len - 1] == '\r') {
        line->len--;
    }
    return AC_OK;
}

enum ac_status ac_log_verify_file(FILE *f, int64_t *count,
                                  char head[AC_HEX_LEN + 1], struct ac_err *err)
{
    struct ac_arena a;
    struct ac_state s;
    enum ac_status rs;

    ac_arena_init(&a, 0);
    ac_state_init(&s, &a);
    rs = ac_log_replay_file(f, &s, count, head, err);
    ac_arena_release(&a);
    return rs;
}

enum ac_status ac_log_replay_file(FILE *f, struct ac_state *state,
                                  int64_t *count, char head[AC_HEX_LEN + 1],
                                  struct ac_err *err)
{
    struct replay r;
    struct ac_buf line;
    size_t blank_line = 0; /* number of the first blank line, or 0 */
    size_t line_no = 0;
    enum ac_status rs = AC_OK;
    bool more = true;

    replay_init(&r, state, "line", err);
    ac_buf_init(&line, LINE_MAX_LEN);
    while (rs == AC_OK && more) {
        rs = ac_log_read_line(f, &line, &more, r.count + 1, err);
        if (rs != AC_OK || !more) {
            break;
        }
        line_no++;
        if (ac_str_is_blank(ac_buf_str(&line))) {
            blank_line = blank_line ? blank_line : line_no;
            continue;
        }
        if (blank_line) {
            /* Only trailing blank lines are allowed. */
            rs = ac_err_set(err, AC_ECORRUPT,
                            "event %" PRId64 ": line %zu is blank", r.count + 1,
                            blank_line);
            break;
        }
        rs = check_event(&r, -1, (struct ac_str){NULL, 0}, ac_buf_str(&line),
                         err);
    }
    if (rs == AC_OK && r.count == 0) {
        rs = ac_err_set(err, AC_ECORRUPT,
                        "event 1: the file holds no events; every log begins "
                        "with org.founded");
    }
    head_hex(&r, count, head);
    ac_buf_release(&line);
    replay_release(&r);
    return rs;
}

struct export_ctx {
    FILE *out;
    struct ac_err *err;
};

static enum ac_status export_row(void *ctx, int64_t seq, struct ac_str text)
{
    struct export_ctx *x = ctx;
    if (fwrite(text.ptr, 1, text.len, x->out) != text.len ||
        putc('\n', x->out) == EOF) {
        return ac_err_set(x->err, AC_EIO,
                          "cannot write event %" PRId64 " of the export: %s",
                          seq, strerror(errno));
    }
    return AC_OK;
}

enum ac_status ac_log_export(struct ac_store *st, FILE *out, struct ac_err *err)
{
    struct export_ctx x = {out, err};
    enum ac_status rs = ac_store_scan(st, 0, -1, export_row, &x, err);
    if (rs == AC_OK && (fflush(out) != 0 || ferror(out))) {
        rs = ac_err_set(err, AC_EIO, "cannot write the export: %s",
                        strerror(errno));
    }
    return rs;
}

enum ac_status ac_log_replay_path(const char *path, struct ac_state *state,
                                  int64_t *count, char head[AC_HEX_LEN + 1],
                                  struct ac_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    enum ac_status st;
    if (!f) {
        return ac_err_set(err, errno == ENOENT ? AC_ENOTFOUND : AC_EIO,
                          "cannot open %s: %s", path, strerror(errno));
    }
    st = ac_log_replay_file(f, state, count, head, err);
    if (f != stdin) {
        fclose(f);
    }
    return st;
}
