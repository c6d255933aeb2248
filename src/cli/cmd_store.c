/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Where an operator command finds its store: a data folder (--data DIR,
 * SQLite) or a PostgreSQL database (--store URL), exactly one of them. */
#include "cli/cli.h"

#include "store/store.h"

enum ac_status ac_cli_location(struct ac_cli_args *a, const char **loc,
                               struct ac_err *err)
{
    const char *dir = ac_cli_get(a, "--data");
    const char *url = ac_cli_get(a, "--store");

    *loc = NULL;
    if ((dir != NULL) == (url != NULL)) {
        return AC_CLI_USAGE(a, err,
                            "give either --data DIR or --store URL (not %s)",
                            dir ? "both" : "neither");
    }
    if (url && !ac_store_is_url(url)) {
        return AC_CLI_USAGE(a, err,
                            "--store takes a postgres:// or postgresql:// URL; "
                            "a data folder goes with --data");
    }
    if (dir && ac_store_is_url(dir)) {
        return AC_CLI_USAGE(a, err,
                            "--data takes a folder; a database URL "
                            "goes with --store");
    }
    *loc = dir ? dir : url;
    return AC_OK;
}
