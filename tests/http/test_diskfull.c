/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A full disk: the data folder lives on a small tmpfs that the test fills
 * with a file of its own. Writes (proposals, positions, logins, logouts)
 * must answer 503 with a problem detail that names the full disk, reads
 * must go on and the head must not move; once space is freed, writes work
 * again. Through a clean stop, a SIGKILL and a start-up on the full disk
 * the store must stay valid and keep every acknowledged write, and no
 * other. Mounting needs root (CAP_SYS_ADMIN): without it the test fails,
 * it does not skip. */
#include "fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

struct disk {
    struct org o;  /* o.root is the mount point, o.data lies on it */
    char *filler;  /* fills the disk; on the tmpfs */
    char *reserve; /* space held back until freed; on the tmpfs */
    bool mounted;
};

/* The disk of the running test, unmounted by disk_cleanup even when an
 * assertion ends the test early (so it must not live on the test's
 * stack, which is gone by then). */
static struct disk *disk_current;

static void disk_down(struct disk *d)
{
    if (d->o.srv.pid > 0) {
        t_server_stop(&d->o.srv, SIGKILL);
    }
    if (d->mounted) {
        /* lazily: a process still holding a file must not keep it */
        umount2(d->o.root, MNT_DETACH);
        d->mounted = false;
    }
    t_rmrf(d->o.root);
    free(d->o.alice);
    free(d->o.data);
    free(d->o.root);
    free(d->filler);
    free(d->reserve);
    memset(d, 0, sizeof *d);
    disk_current = NULL;
}

static void disk_cleanup(void)
{
    if (disk_current) {
        disk_down(disk_current);
    }
}

/* Mounts a tmpfs of size bytes ("2m") on a new temporary folder, founds
 * an organisation on it and serves it, with alice logged in. */
static void disk_up(struct disk *d, const char *size)
{
    char *opts = t_fmt("size=%s,mode=0700", size);
    memset(d, 0, sizeof *d);
    disk_current = d;
    /* A private mount namespace, when allowed: the mount then goes with
     * the test process and its server even if they die uncleaned. */
    if (unshare(CLONE_NEWNS) == 0) {
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    }
    d->o.root = t_tmpdir();
    cr_assert_not_null(d->o.root);
    if (mount("tmpfs", d->o.root, "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0) {
        cr_assert_fail("cannot mount a %s tmpfs on %s: %s; this test must run "
                       "as root (CAP_SYS_ADMIN) to put the data folder on a "
                       "small file system it can fill",
                       size, d->o.root, strerror(errno));
    }
    free(opts);
    d->mounted = true;
    d->o.data = t_fmt("%s/org", d->o.root);
    d->filler = t_fmt("%s/filler", d->o.root);
    d->reserve = t_fmt("%s/reserve", d->o.root);
    cr_assert(t_init_org(d->o.data, "Test Co-op", "alice", PW_ALICE));
    cr_assert(t_server_start(&d->o.srv, d->o.data), "the server did not start");
    d->o.alice = t_login(&d->o.srv, "alice", PW_ALICE);
    cr_assert_not_null(d->o.alice);
}

static long long avail_bytes(const struct disk *d)
{
    struct statvfs vs;
    cr_assert_eq(statvfs(d->o.root, &vs), 0, "statvfs %s: %s", d->o.root,
                 strerror(errno));
    return (long long)vs.f_bavail * (long long)vs.f_frsize;
}

/* Appends to path until the disk refuses (limit < 0) or limit bytes are
 * written. */
static void write_file(const char *path, long long limit)
{
    static const char block[1 << 16];
    size_t size = sizeof block;
    long long done = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

    cr_assert_geq(fd, 0, "cannot create %s: %s", path, strerror(errno));
    while (size > 0 && (limit < 0 || done < limit)) {
        size_t want = size;
        ssize_t n;
        if (limit >= 0 && (long long)want > limit - done) {
            want = (size_t)(limit - done);
        }
        n = write(fd, block, want);
        if (n < 0 && errno == ENOSPC) {
            cr_assert_lt(limit, 0, "the disk filled before %lld bytes", limit);
            size /= 2;
        } else if (n < 0 && errno != EINTR) {
            cr_assert_fail("cannot write %s: %s", path, strerror(errno));
        } else if (n > 0) {
            done += n;
        }
    }
    close(fd);
}

/* Fills the disk to its last block, leaving the server's files alone. */
static void fill(const struct disk *d)
{
    write_file(d->filler, -1);
    cr_assert_eq(avail_bytes(d), 0, "the disk is not full: %lld bytes free",
                 avail_bytes(d));
}

static void unfill(const struct disk *d, const char *path)
{
    cr_assert_eq(unlink(path), 0, "cannot remove %s: %s", path,
                 strerror(errno));
    cr_assert_gt(avail_bytes(d), 0);
}

/* r is a 503 problem whose detail says the disk is full and also holds
 * also; what names the request in messages. Frees r. */
static void expect_full(struct t_resp *r, const char *what, const char *also)
{
    const char *detail;
    cr_assert_eq(r->status, 503, "%s on a full disk: HTTP %ld, want 503: %s",
                 what, r->status, r->body ? r->body : "");
    cr_assert_str_eq(r->content_type, "application/problem+json",
                     "%s on a full disk", what);
    cr_assert_eq(jint(r->json, "status"), 503, "%s: %s", what, r->body);
    detail = jstr(r->json, "detail");
    cr_assert_not_null(detail, "%s: no detail: %s", what, r->body);
    cr_assert_not_null(strstr(detail, "disk is full"),
                       "%s: the detail does not say the disk is full: \"%s\"",
                       what, detail);
    cr_assert_not_null(strstr(detail, also),
                       "%s: the detail does not say \"%s\": \"%s\"", what, also,
                       detail);
    t_resp_free(r);
}

/* accord verify passes on data, counting events. */
static void expect_verified(const char *data, long long events)
{
    const char *args[] = {"verify", "--data", data, NULL};
    char *out = NULL, *err = NULL;
    char *want = t_fmt("ok: %lld events,", events);
    int rc = t_run(args, NULL, NULL, &out, &err);
    cr_assert_eq(rc, 0, "accord verify failed (%d): %s%s", rc, out, err);
    cr_assert_not_null(strstr(out, want), "accord verify: %s, want %s", out,
                       want);
    free(want);
    free(out);
    free(err);
}

/* The exported log: a JSON array of its events, in order. */
static json_t *export_log(const char *data)
{
    const char *args[] = {"export", "--data", data, NULL};
    char *out = NULL, *err = NULL;
    json_t *all = json_array();
    int rc = t_run(args, NULL, NULL, &out, &err);

    cr_assert_eq(rc, 0, "accord export failed (%d): %s", rc, err);
    for (char *line = out, *nl; line && *line; line = nl) {
        json_t *ev;
        nl = strchr(line, '\n');
        if (nl) {
            *nl++ = '\0';
        }
        ev = json_loads(line, 0, NULL);
        cr_assert_not_null(ev, "exported line %zu is not JSON: %s",
                           json_array_size(all) + 1, line);
        json_array_append_new(all, ev);
    }
    free(out);
    free(err);
    return all;
}

static const char *event_type(const json_t *log, long long seq)
{
    const json_t *ev = json_array_get(log, (size_t)(seq - 1));
    cr_assert_not_null(ev, "event %lld is missing", seq);
    cr_assert_eq(jint(ev, "seq"), seq);
    return jstr(ev, "type");
}

static const char *event_proposal(const json_t *log, long long seq)
{
    const json_t *data =
        json_object_get(json_array_get(log, (size_t)(seq - 1)), "data");
    const char *id = jstr(data, "id");
    return id ? id : jstr(data, "proposal");
}

/* Runs `accord serve` on data and waits up to secs for it to exit. Returns
 * its exit status, or -1 when it was still running (it is then killed);
 * *err gets its standard error. */
static int serve_exits(const char *data, int secs, char **err)
{
    const char *tmp = getenv("TMPDIR");
    char *path = t_fmt("%s/accord-serve.XXXXXX", tmp ? tmp : "/tmp");
    int fd = mkstemp(path), status = 0, rc = -1;
    char buf[8192];
    ssize_t n;
    size_t len = 0;
    pid_t pid;

    cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
    pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(devnull, 1);
        dup2(fd, 2);
        execl(t_bin(), t_bin(), "serve", "--data", data, "--listen",
              "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < secs * 20 && rc < 0; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                     : WEXITSTATUS(status);
        } else {
            usleep(50 * 1000);
        }
    }
    if (rc < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    lseek(fd, 0, SEEK_SET);
    while (len < sizeof buf - 1 &&
           (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0) {
        len += (size_t)n;
    }
    buf[len] = '\0';
    *err = strdup(buf);
    close(fd);
    unlink(path);
    free(path);
    return rc;
}

#define ADOPT_BODY                                                             \
    "{\"circle\":\"all\",\"kind\":\"agreement.adopt\",\"title\":\"%s\","       \
    "\"data\":{\"text\":\"%s\"}}"

static struct t_resp login_resp(const struct disk *d)
{
    return t_http(&d->o.srv, "POST", "/api/v1/session", NULL,
                  "{\"member\":\"alice\",\"password\":\"" PW_ALICE "\"}");
}

Test(diskfull, writes_answer_503_and_work_again_once_space_is_freed,
     .fini = disk_cleanup)
{
    static struct disk d;
    struct t_resp r;
    long long head;
    char *id, *token;
    json_t *log;
    int i;

    disk_up(&d, "4m");
    id = propose(&d.o, d.o.alice, "all", "agreement.adopt", "First",
                 "{\"text\":\"one\"}");
    cr_assert_str_eq(id, "p1");
    free(id);
    head = head_seq(&d.o);
    cr_assert_eq(head, 2);

    fill(&d);
    /* Every commit adds at least one WAL frame (a page and its header).
     * The file system's last page may still hold some frames of room
     * where its pages are larger than the database's: logins, the
     * smallest write (one frame, no event), use it up. With 4 KiB pages
     * the first one fails already. */
    for (i = 0; i < 32; i++) {
        r = login_resp(&d);
        if (r.status != 201) {
            break;
        }
        t_resp_free(&r);
    }
    expect_full(&r, "a login", "cannot store the session");
    r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, "Second",
            "two");
    expect_full(&r, "a proposal", "nothing was written");
    r = req(&d.o, "POST", "/api/v1/proposals/p1/positions", d.o.alice,
            "{\"position\":\"consent\"}");
    expect_full(&r, "a position", "nothing was written");
    r = t_http(&d.o.srv, "DELETE", "/api/v1/session", d.o.alice, NULL);
    expect_full(&r, "a logout", "cannot delete the session");
    /* a failed batch leaves nothing behind: the same write fails again */
    r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, "Second",
            "two");
    expect_full(&r, "a proposal again", "nothing was written");

    /* reads go on, and nothing moved (the failed logout kept alice's
     * session) */
    cr_assert_eq(head_seq(&d.o), head);
    r = t_http(&d.o.srv, "GET", "/api/v1/proposals/p1", d.o.alice, NULL);
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "open");
    cr_assert_eq(json_array_size(json_object_get(r.json, "positions")), 0);
    t_resp_free(&r);
    r = t_http(&d.o.srv, "GET", "/api/v1/proposals/p2", d.o.alice, NULL);
    expect_status(r, 404);
    t_resp_free(&r);
    r = t_http(&d.o.srv, "GET", "/api/v1/events?limit=100", d.o.alice, NULL);
    expect_status(r, 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "events")),
                 (size_t)head);
    t_resp_free(&r);
    r = t_http(&d.o.srv, "GET", "/api/v1/health", NULL, NULL);
    expect_status(r, 200);
    t_resp_free(&r);

    /* space again: every kind of write works, the head moves by what was
     * answered */
    unfill(&d, d.filler);
    r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, "Second",
            "two");
    expect_status(r, 201);
    cr_assert_str_eq(jstr(r.json, "id"), "p2");
    cr_assert_eq(jint(r.json, "seq"), head + 1);
    t_resp_free(&r);
    r = req(&d.o, "POST", "/api/v1/proposals/p1/positions", d.o.alice,
            "{\"position\":\"consent\"}");
    expect_status(r, 200);
    cr_assert_str_eq(jstr(r.json, "status"), "adopted");
    /* the position and the closing it caused */
    cr_assert_eq(jint(r.json, "seq"), head + 3);
    t_resp_free(&r);
    token = t_login(&d.o.srv, "alice", PW_ALICE);
    cr_assert_not_null(token, "no login once space was freed");
    r = t_http(&d.o.srv, "DELETE", "/api/v1/session", token, NULL);
    expect_status(r, 204);
    t_resp_free(&r);
    r = t_http(&d.o.srv, "GET", "/api/v1/org", token, NULL);
    expect_status(r, 401);
    t_resp_free(&r);
    free(token);
    cr_assert_eq(head_seq(&d.o), head + 3);

    cr_assert_eq(t_server_stop(&d.o.srv, SIGTERM), 0);
    expect_verified(d.o.data, head + 3);
    log = export_log(d.o.data);
    cr_assert_eq(json_array_size(log), (size_t)head + 3);
    cr_assert_str_eq(event_type(log, head + 1), "proposal.opened");
    cr_assert_str_eq(event_proposal(log, head + 1), "p2");
    cr_assert_str_eq(event_type(log, head + 2), "position.given");
    cr_assert_str_eq(event_proposal(log, head + 2), "p1");
    cr_assert_str_eq(event_type(log, head + 3), "proposal.closed");
    json_decref(log);
    disk_down(&d);
}

#define MAX_WRITES 4000
#define TEXT_LEN 6000 /* a few database pages per proposal */

struct ack {
    long long seq;
    char hash[65];
    char id[16];
};

/* The disk fills while proposals are written one after another, through
 * the WAL growing and being checkpointed into the database; the server is
 * killed while the disk is full, restarted on the full disk, stopped, and
 * restarted once space is freed: every acknowledged proposal is there with
 * the seq and hash it was answered with, and nothing else. */
Test(diskfull, disk_filling_under_writes_then_sigkill_loses_nothing,
     .fini = disk_cleanup)
{
    static struct ack acks[MAX_WRITES];
    static struct disk d;
    struct t_resp r;
    struct stat sb;
    char *text = malloc(TEXT_LEN + 1), *dbfile;
    long long first, last;
    off_t db_size;
    size_t n = 0;
    int i;
    bool small = false;
    json_t *log;

    disk_up(&d, "8m");
    write_file(d.reserve, 1 << 20);
    first = head_seq(&d.o) + 1;
    dbfile = t_fmt("%s/accord.db", d.o.data);
    cr_assert_eq(stat(dbfile, &sb), 0);
    db_size = sb.st_size;
    for (i = 0; i < TEXT_LEN; i++) {
        text[i] = (char)('a' + i % 26);
    }
    text[TEXT_LEN] = '\0';

    /* Large proposals until the disk refuses one, then small ones until
     * it refuses those too: a write that does not fit fails, a smaller
     * one may still fit. */
    for (i = 0; i < MAX_WRITES; i++) {
        char title[32];
        snprintf(title, sizeof title, "Rule %d", i);
        r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, title,
                small ? "small" : text);
        if (r.status == 503) {
            expect_full(&r, "a proposal as the disk fills",
                        "nothing was written");
            if (small) {
                break;
            }
            small = true;
            continue;
        }
        expect_status(r, 201);
        acks[n].seq = jint(r.json, "seq");
        snprintf(acks[n].hash, sizeof acks[n].hash, "%s", jstr(r.json, "hash"));
        snprintf(acks[n].id, sizeof acks[n].id, "%s", jstr(r.json, "id"));
        cr_assert_eq(acks[n].seq, first + (long long)n);
        n++;
        t_resp_free(&r);
    }
    cr_assert_lt(i, MAX_WRITES, "the disk never filled");
    cr_assert_gt(n, 0, "the first write already failed");
    last = acks[n - 1].seq;
    /* the log outgrew the WAL's checkpoint threshold on the way */
    cr_assert_eq(stat(dbfile, &sb), 0);
    cr_assert_gt(sb.st_size, db_size, "no checkpoint reached the database");
    cr_log_info("%zu proposals acknowledged before the disk filled; the "
                "database grew from %lld to %lld bytes",
                n, (long long)db_size, (long long)sb.st_size);

    r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, "More",
            "small");
    expect_full(&r, "a small proposal on the full disk", "nothing was written");
    cr_assert_eq(head_seq(&d.o), last);
    cr_assert_eq(t_server_stop(&d.o.srv, SIGKILL), 128 + SIGKILL);

    /* restarted on the still full disk: it recovers the log, serves reads,
     * refuses writes, and stops cleanly */
    cr_assert(t_server_start(&d.o.srv, d.o.data),
              "the server did not start on the full disk");
    cr_assert_eq(head_seq(&d.o), last);
    r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, "More",
            "more");
    expect_full(&r, "a proposal after the restart", "nothing was written");
    cr_assert_eq(t_server_stop(&d.o.srv, SIGTERM), 0);

    unfill(&d, d.reserve);
    cr_assert(t_server_start(&d.o.srv, d.o.data));
    cr_assert_eq(head_seq(&d.o), last);
    r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, "More",
            "more");
    expect_status(r, 201);
    cr_assert_eq(jint(r.json, "seq"), last + 1);
    t_resp_free(&r);
    cr_assert_eq(t_server_stop(&d.o.srv, SIGTERM), 0);

    expect_verified(d.o.data, last + 1);
    log = export_log(d.o.data);
    cr_assert_eq(json_array_size(log), (size_t)last + 1);
    for (size_t k = 0; k < n; k++) {
        const json_t *ev = json_array_get(log, (size_t)(acks[k].seq - 1));
        cr_assert_str_eq(event_type(log, acks[k].seq), "proposal.opened");
        cr_assert_str_eq(jstr(ev, "hash"), acks[k].hash,
                         "event %lld is not the one acknowledged", acks[k].seq);
        cr_assert_str_eq(event_proposal(log, acks[k].seq), acks[k].id);
    }
    json_decref(log);
    free(dbfile);
    free(text);
    disk_down(&d);
}

/* A server started on a full disk exits with a clear message instead of
 * serving or hanging, and leaves the store as it was. */
Test(diskfull, start_up_on_a_full_disk_fails_clearly, .fini = disk_cleanup)
{
    static struct disk d;
    struct t_resp r;
    long long head;
    char *id, *err = NULL;
    int rc;

    disk_up(&d, "2m");
    id = propose(&d.o, d.o.alice, "all", "agreement.adopt", "First",
                 "{\"text\":\"one\"}");
    free(id);
    head = head_seq(&d.o);
    cr_assert_eq(t_server_stop(&d.o.srv, SIGTERM), 0);

    fill(&d);
    rc = serve_exits(d.o.data, 20, &err);
    cr_assert_neq(rc, -1, "the server kept running on a full disk: %s", err);
    cr_assert_neq(rc, 0, "the server exited 0 on a full disk: %s", err);
    cr_assert_lt(rc, 128, "the server died of signal %d on a full disk: %s",
                 rc - 128, err);
    cr_assert_not_null(strstr(err, "disk is full"),
                       "the server's message does not say the disk is "
                       "full: %s",
                       err);
    free(err);

    unfill(&d, d.filler);
    expect_verified(d.o.data, head);
    cr_assert(t_server_start(&d.o.srv, d.o.data));
    cr_assert_eq(head_seq(&d.o), head);
    r = req(&d.o, "POST", "/api/v1/proposals", d.o.alice, ADOPT_BODY, "Second",
            "two");
    expect_status(r, 201);
    cr_assert_eq(jint(r.json, "seq"), head + 1);
    t_resp_free(&r);
    cr_assert_eq(t_server_stop(&d.o.srv, SIGTERM), 0);
    expect_verified(d.o.data, head + 1);
    disk_down(&d);
}
