/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The read baseline: the least a server on accord's HTTP library can do.
 *
 * Runs libmicrohttpd in the mode accord's server uses (internal polling
 * thread, epoll, a thread pool of one thread per core) and answers every
 * request with the same small JSON body, shaped like a proposal. It answers
 * on the handler's second call for a request: libmicrohttpd 0.9.75 closes
 * the connection when a response is queued on the first call, and a
 * baseline without keep-alive would flatter every server measured against
 * it. A POST is answered 201 with the same body once its body has been
 * read, which measures the write load generator's own ceiling.
 *
 * usage: fixed_server PORT [BODY_FILE]
 *   serves 127.0.0.1:PORT until SIGTERM or SIGINT; with BODY_FILE, answers
 *   that file's bytes instead of the built-in body, so the baseline can
 *   send exactly what the measured server sends */
#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char BODY[] =
    "{\"id\":\"p1\",\"circle\":\"all\",\"author\":\"alice\","
    "\"kind\":\"agreement.adopt\",\"title\":\"bench\",\"data\":{\"text\":"
    "\"a fixed body of about the size of a proposal\"},\"status\":\"open\","
    "\"round\":1,\"version\":1,\"deadline\":\"2026-12-01T06:00:00.000Z\","
    "\"positions\":[]}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    static int first_call_marker;
    struct MHD_Response *resp = cls;
    (void)url;
    (void)version;
    (void)upload_data;
    if (*req_cls == NULL) {
        *req_cls = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        /* A request body is read and dropped; the answer comes after it. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_POST) == 0) {
        return MHD_queue_response(conn, MHD_HTTP_CREATED, resp);
    }
    return MHD_queue_response(conn, MHD_HTTP_OK, resp);
}

/* The whole file in a malloc'd buffer, or NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    if (!f) {
        return NULL;
    }
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 4096;
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: fixed_server PORT [BODY_FILE]\n");
        return 2;
    }
    char *end = NULL;
    long port = strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "fixed_server: bad port \"%s\"\n", argv[1]);
        return 2;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) {
        cores = 1;
    }

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    /* Blocked before any thread starts, so only sigwait below sees them. */
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    char *file_body = NULL;
    size_t body_len = sizeof(BODY) - 1;
    if (argc == 3) {
        file_body = read_file(argv[2], &body_len);
        if (!file_body) {
            fprintf(stderr, "fixed_server: cannot read \"%s\": %s\n", argv[2],
                    strerror(errno));
            return 1;
        }
    }
    /* The buffer outlives the daemon: it is freed after MHD_stop_daemon. */
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        body_len, file_body ? file_body : (void *)BODY, MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        fprintf(stderr, "fixed_server: out of memory\n");
        free(file_body);
        return 1;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY,
        (uint16_t)port, NULL, NULL, answer, resp, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cores,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fixed_server: cannot listen on 127.0.0.1:%ld\n", port);
        MHD_destroy_response(resp);
        free(file_body);
        return 1;
    }
    printf("fixed_server listening on 127.0.0.1:%ld with %ld threads\n", port,
           cores);
    fflush(stdout);

    int sig = 0;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(resp);
    free(file_body);
    return 0;
}
