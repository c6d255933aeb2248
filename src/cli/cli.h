/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The accord command: what main.c's command table and the cmd_*.c files
 * share. main.c parses the arguments against the command's options (so
 * every command gets --help, and unknown options are usage errors) and
 * hands them over; a command returns a status with err filled and writes
 * its output to standard output. main.c turns the status into the one
 * line "accord: <reason>" and the exit code. */
#ifndef ACCORD_CLI_CLI_H
#define ACCORD_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/err.h"

#define AC_CLI_MAX_OPTS 12 /* options per command */
#define AC_CLI_MAX_POS 4   /* positional arguments per command */

struct ac_cli_opt {
    const char *name; /* "--data" */
    const char *arg;  /* placeholder such as "DIR"; NULL for a flag */
    bool required;    /* main.c refuses the command without it */
    const char *help; /* one line */
};

struct ac_cli_args {
    const char *verb;                    /* the command's name */
    const struct ac_cli_opt *opts;       /* its options, ended by a NULL name */
    const char *values[AC_CLI_MAX_OPTS]; /* per option: its value, "" for
                                            a given flag, NULL when absent */
    const char *pos[AC_CLI_MAX_POS];     /* positional arguments */
    size_t pos_count;                    /* positional arguments given */
    bool usage; /* set by a command whose err is a usage error (exit 2) */
};

/* The value of option name ("" for a flag), or NULL when not given. */
static inline const char *ac_cli_get(const struct ac_cli_args *a,
                                     const char *name)
{
    for (size_t i = 0; a->opts && a->opts[i].name; i++) {
        if (strcmp(a->opts[i].name, name) == 0) {
            return a->values[i];
        }
    }
    return NULL;
}

static inline bool ac_cli_has(const struct ac_cli_args *a, const char *name)
{
    return ac_cli_get(a, name) != NULL;
}

/* Reports a usage error: sets err and marks the arguments as misused. */
#define AC_CLI_USAGE(a, err, ...)                                              \
    ((a)->usage = true, ac_err_set((err), AC_EINVAL, __VA_ARGS__))

/* The store of an operator command: --data DIR or --store URL, exactly
 * one (a usage error otherwise). */
enum ac_status ac_cli_location(struct ac_cli_args *a, const char **loc,
                               struct ac_err *err);

typedef enum ac_status (*ac_cli_fn)(struct ac_cli_args *a, struct ac_err *err);

/* Operator commands (cmd_init.c, cmd_serve.c, cmd_export.c,
 * cmd_verify.c, cmd_demo.c): they work on a data folder directly. */
enum ac_status ac_cli_init(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_serve(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_export(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_backup(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_verify(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_demo(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_tally(struct ac_cli_args *a, struct ac_err *err);
/* Online like a member command, or offline on an exported log. */
enum ac_status ac_cli_power(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_ledger(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_commit(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_update(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_commitments(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_checkin(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_rounds(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_round(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_bucket(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_pledge(struct ac_cli_args *a, struct ac_err *err);

/* Member commands (cmd_login.c, cmd_org.c, cmd_proposal.c,
 * cmd_agreement.c, cmd_events.c): they talk to a server. */
enum ac_status ac_cli_login(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_logout(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_join(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_org(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_members(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_circles(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_proposals(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_show(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_propose(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_position(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_ballot(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_integrate(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_nominate(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_roles(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_volunteer(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_pass(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_reveal(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_delegate(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_undelegate(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_refuse(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_delegations(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_result(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_amend(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_withdraw(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_invite(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_agreements(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_agreement(struct ac_cli_args *a, struct ac_err *err);
enum ac_status ac_cli_events(struct ac_cli_args *a, struct ac_err *err);

#endif
