/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord init: the founding event and the founder's password, in one
 * append, into a data folder that holds no organisation yet. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/hash.h"
#include "base/secret.h"
#include "cli/client.h"
#include "core/exec.h"
#include "store/log.h"
#include "store/store.h"

#define ARENA_CAP ((size_t)16 << 20)

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* AC_ECONFLICT when dir already holds an organisation. */
static enum ac_status check_empty(const char *dir, struct ac_err *err)
{
    struct ac_store *st = NULL;
    int64_t seq = 0;
    uint8_t head[AC_HASH_LEN];
    enum ac_status rc = ac_store_open(dir, false, &st, err);
    if (rc == AC_ENOTFOUND) {
        ac_err_clear(err);
        return AC_OK;
    }
    if (rc == AC_OK) {
        rc = ac_store_head(st, &seq, head, err);
    }
    if (rc == AC_OK && seq > 0) {
        char where[512];
        ac_store_where(dir, where, sizeof where);
        rc = ac_err_set(err, AC_ECONFLICT,
                        "%s already holds an organisation (%lld events)", where,
                        (long long)seq);
    }
    if (st) {
        ac_store_close(st);
    }
    return rc;
}

enum ac_status ac_cli_init(struct ac_cli_args *a, struct ac_err *err)
{
    const char *dir = NULL;
    const char *org = ac_cli_get(a, "--org");
    const char *founder = ac_cli_get(a, "--founder");
    const char *name = ac_cli_get(a, "--name");
    struct ac_arena arena;
    struct ac_state s;
    struct ac_batch batch = {0};
    struct ac_store *st = NULL;
    struct ac_store_append extra = {0};
    struct ac_store_password pw;
    char password[AC_CLIENT_PASSWORD_MAX];
    char phc[AC_PHC_MAX];
    char head[AC_HEX_LEN + 1];
    char where[512];
    enum ac_status rc;

    ac_arena_init(&arena, ARENA_CAP);
    ac_state_init(&s, &arena);
    password[0] = '\0';
    if (!name) {
        name = founder;
    }
    /* the founding is checked before anything touches the disk */
    rc = ac_exec_found(&s, ac_str_c(org), ac_str_c(founder), ac_str_c(name),
                       now_ms(), &arena, &batch, err);
    if (rc == AC_OK) {
        rc = ac_cli_location(a, &dir, err);
    }
    if (rc == AC_OK) {
        rc = check_empty(dir, err);
    }
    if (rc == AC_OK) {
        rc = ac_client_password("password for the founder: ", password,
                                sizeof password, err);
    }
    if (rc == AC_OK) {
        rc = ac_password_check(ac_str_c(password), err);
    }
    if (rc == AC_OK) {
        rc = ac_password_hash(ac_str_c(password), phc, err);
    }
    explicit_bzero(password, sizeof password);
    if (rc != AC_OK) {
        goto out;
    }
    rc = ac_store_open(dir, true, &st, err);
    if (rc != AC_OK) {
        goto out;
    }
    pw.member = ac_str_c(founder);
    pw.phc = ac_str_c(phc);
    extra.passwords = &pw;
    extra.password_count = 1;
    rc = ac_log_commit(st, &batch, &extra, err);
    if (rc == AC_ECONFLICT) {
        ac_store_where(dir, where, sizeof where);
        rc = ac_err_set(err, AC_ECONFLICT, "%s already holds an organisation",
                        where);
    }
    if (rc != AC_OK) {
        goto out;
    }
    ac_hex_encode(head, s.head, AC_HASH_LEN);
    ac_store_where(dir, where, sizeof where);
    printf("organisation \"%s\" founded in %s\n", org, where);
    printf("founder      %s (%s)\n", founder, name);
    printf("head         %lld %s\n", (long long)s.seq, head);
out:
    explicit_bzero(phc, sizeof phc);
    if (st) {
        ac_store_close(st);
    }
    ac_arena_release(&arena);
    return rc;
}
