/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord serve: the HTTP API over a data folder until SIGTERM or SIGINT. */
#include "cli/cli.h"

#include <stdio.h>

#include "http/server.h"

enum ac_status ac_cli_serve(struct ac_cli_args *a, struct ac_err *err)
{
    struct ac_server_config cfg = {0};
    enum ac_status rc = ac_cli_location(a, &cfg.data, err);
    if (rc != AC_OK) {
        return rc;
    }
    cfg.listen = ac_cli_get(a, "--listen");
    cfg.config = ac_cli_get(a, "--config");
    return ac_server_run(&cfg, err);
}
