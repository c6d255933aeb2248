/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libcurl, loaded when first needed (curl_dl.h). */
#include "curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct ac_curl api;
static char failure[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool load_sym(void *lib, const char *name, void *out)
{
    void *sym = dlsym(lib, name);
    memcpy(out, &sym, sizeof sym);
    return sym != NULL;
}

static void load(void)
{
    static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
    CURLcode (*global_init)(long) = NULL;
    void *lib = NULL;
    for (size_t i = 0; !lib && i < sizeof names / sizeof names[0]; i++) {
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!lib) {
        snprintf(failure, sizeof failure,
                 "libcurl (Debian package libcurl4) cannot be loaded: %s",
                 dlerror());
        return;
    }
    /* the handle stays open: the library is needed until the process ends */
    if (!load_sym(lib, "curl_global_init", &global_init) ||
        !load_sym(lib, "curl_easy_init", &api.easy_init) ||
        !load_sym(lib, "curl_easy_setopt", &api.easy_setopt) ||
        !load_sym(lib, "curl_easy_perform", &api.easy_perform) ||
        !load_sym(lib, "curl_easy_getinfo", &api.easy_getinfo) ||
        !load_sym(lib, "curl_easy_strerror", &api.easy_strerror) ||
        !load_sym(lib, "curl_easy_cleanup", &api.easy_cleanup) ||
        !load_sym(lib, "curl_slist_append", &api.slist_append) ||
        !load_sym(lib, "curl_slist_free_all", &api.slist_free_all) ||
        !load_sym(lib, "curl_url", &api.url) ||
        !load_sym(lib, "curl_url_cleanup", &api.url_cleanup) ||
        !load_sym(lib, "curl_url_set", &api.url_set) ||
        !load_sym(lib, "curl_url_get", &api.url_get) ||
        !load_sym(lib, "curl_free", &api.free)) {
        snprintf(failure, sizeof failure, "libcurl lacks a function: %s",
                 dlerror());
        return;
    }
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(failure, sizeof failure, "libcurl cannot start");
    }
}

const struct ac_curl *ac_curl_load(struct ac_err *err)
{
    pthread_once(&once, load);
    if (failure[0]) {
        ac_err_set(err, AC_EIO, "%s", failure);
        return NULL;
    }
    return &api;
}
