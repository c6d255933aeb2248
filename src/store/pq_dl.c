/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libpq, loaded when first needed (pq_dl.h). */
#include "store/pq_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct ac_pq api;
static char failure[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int load_sym(void *lib, const char *name, void *out)
{
    void *sym = dlsym(lib, name);
    memcpy(out, &sym, sizeof sym);
    return sym != NULL;
}

static void load(void)
{
    /* the handle stays open: the library is needed until the process ends */
    void *lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(failure, sizeof failure,
                 "libpq (Debian package libpq5) cannot be loaded: %s",
                 dlerror());
        return;
    }
#define AC_PQ_LOAD(name)                                                       \
    if (!failure[0] && !load_sym(lib, #name, &api.name)) {                     \
        snprintf(failure, sizeof failure, "libpq lacks %s", #name);            \
    }
    AC_PQ_FUNCS(AC_PQ_LOAD)
#undef AC_PQ_LOAD
}

const struct ac_pq *ac_pq_load(struct ac_err *err)
{
    pthread_once(&once, load);
    if (failure[0]) {
        ac_err_set(err, AC_EIO, "%s", failure);
        return NULL;
    }
    return &api;
}
