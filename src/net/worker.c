/* worker.c — see worker.h. */
#include "net/worker.h"
#include "acl/acl.h"
#include "client.h"
#include "cmd/table.h"
#include "config.h"
#include "db/evict.h"
#include "net/conn.h"
#include "net/limits.h"
#include "net/transport.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define WORKER_RBUF_SIZE (64 * 1024)
#define WORKER_MAX_EVENTS 256

static struct worker *workers;
static int nworkers;
static _Atomic unsigned next_worker;
/* Incremented before a hand-off is posted, decremented after the client is registered:
 * registered + pending never undercounts (it may briefly count one twice). */
static _Atomic long long pending_sockets;
static _Thread_local struct worker *self;

int worker_count(void) { return nworkers; }
struct worker *worker_get(int i) { return i >= 0 && i < nworkers ? &workers[i] : NULL; }
struct worker *worker_self(void) { return self; }
void worker_post(struct worker *w, mail_fn fn, void *arg) { mailbox_post(&w->mb, fn, arg); }

void worker_want_write(struct client *c, int on) {
    if (c->epoll_out == on) return;
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(c->worker->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->epoll_out = on;
}

struct socket_handoff {
    int fd, kind;
    struct limits_addr *rec;
};

/* Owner thread: adopt a socket the acceptor handed over. */
static void worker_adopt(void *arg) {
    struct socket_handoff *h = arg;
    struct client *c = conn_create(self, h->fd, h->kind, h->rec);
    wfree(h);
    atomic_fetch_sub(&pending_sockets, 1);
    if (!c) return;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(self->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0) conn_close(c);
}

void worker_assign_socket(int fd, int kind, struct limits_addr *rec) {
    unsigned i = atomic_fetch_add_explicit(&next_worker, 1, memory_order_relaxed) % (unsigned)nworkers;
    struct socket_handoff *h = wmalloc(sizeof(*h));
    h->fd = fd;
    h->kind = kind;
    h->rec = rec;
    atomic_fetch_add(&pending_sockets, 1);
    mailbox_post(&workers[i].mb, worker_adopt, h);
}

long long worker_pending_sockets(void) { return atomic_load(&pending_sockets); }

/* Every ~100 ms: close clients flagged for closing, idle past `timeout`, slower than
 * `client-request-timeout` to complete a request (slowloris), or over an output buffer
 * soft limit for too long (checked here too, so a client that stopped sending commands
 * and reading replies is still caught). */
static void worker_cron(struct worker *w) {
    long long now_ms = clock_ms();
    long long timeout = server_config.timeout;
    long long req_timeout = server_config.client_request_timeout;
    long long hs_timeout = server_config.tls_handshake_timeout;
    struct client *c = w->clients;
    while (c) {
        struct client *next = c->wnext;
        int fl = atomic_load(&c->flags);
        if (fl & CLIENT_CLOSE_ASAP) { /* NOLINT(bugprone-branch-clone): each reason closes, the next logs why */
            conn_close(c);
        } else if (c->tr->handshake && !c->transport_ready && now_ms - c->ctime_ms > hs_timeout * 1000) {
            log_verbose("Closing client whose TLS handshake did not finish in time: id=%llu addr=%s", c->id,
                        c->addr);
            STAT_INC(tls_handshake_timeouts);
            conn_close(c);
        } else if (timeout > 0 && !(fl & (CLIENT_BLOCKED | CLIENT_PUBSUB)) &&
                   now_ms - atomic_load(&c->last_interaction_ms) > timeout * 1000) {
            log_verbose("Closing idle client");
            STAT_INC(idle_timeouts);
            conn_close(c);
        } else if (req_timeout > 0 && c->req_start_ms && !(fl & (CLIENT_BLOCKED | CLIENT_PAUSED)) &&
                   now_ms - c->req_start_ms > req_timeout * 1000) {
            log_verbose("Closing client that did not complete its request in time: id=%llu addr=%s", c->id,
                        c->addr);
            STAT_INC(request_timeouts);
            conn_close(c);
        } else if (c->out.pending && conn_check_output_limits(c)) {
            conn_close(c);
        }
        c = next;
    }
    conn_retry_paused(w);
}

#define MAX_BATCH_HOOKS 4
static worker_batch_hook_fn batch_hooks[MAX_BATCH_HOOKS];
static int nbatch_hooks;

void worker_add_batch_hook(worker_batch_hook_fn fn) {
    if (nbatch_hooks < MAX_BATCH_HOOKS) batch_hooks[nbatch_hooks++] = fn;
}

static void worker_run_batch_hooks(void) {
    for (int i = 0; i < nbatch_hooks; i++) batch_hooks[i]();
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    self = w;
    alloc_thread_register(1 + w->id);
    stats_thread_register(1 + w->id);
    acl_thread_register(1 + w->id);
    command_stats_thread_register(1 + w->id);
    lockset_thread_init();
    struct epoll_event events[WORKER_MAX_EVENTS];
    while (!atomic_load(&w->stop)) {
        int n = epoll_wait(w->epfd, events, WORKER_MAX_EVENTS, 100);
        if (n < 0 && errno != EINTR) {
            log_warning("epoll_wait: %s", strerror(errno));
            break;
        }
        /* Mail may close clients (CLIENT KILL, ACL DELUSER…): run it only after this
         * batch's client events, which still point at those clients. Client events
         * themselves never free another client directly (they post mail instead). */
        int mail = 0;
        for (int i = 0; i < n; i++) {
            struct client *c = events[i].data.ptr;
            if (!c) {
                mail = 1;
                continue;
            }
            conn_handle_event(c, events[i].events);
        }
        if (mail) mailbox_drain(&w->mb);
        if (w->aof_waiting) conn_flush_aof_waiting(w);
        long long now = clock_mono_us();
        if (now - w->last_cron_us >= 100000) {
            w->last_cron_us = now;
            worker_cron(w);
        }
        worker_run_batch_hooks();
    }
    /* shutting down: give pending replies one chance to leave, then close everything */
    mailbox_drain(&w->mb);
    worker_run_batch_hooks();
    if (w->aof_waiting) conn_flush_aof_waiting_now(w);
    while (w->clients) {
        /* conn_flush closes the client itself on a write error or a pending close */
        struct client *c = w->clients;
        if (conn_flush(c) == 0) conn_close(c);
    }
    lockset_thread_free();
    evict_thread_free();
    return NULL;
}

int workers_start(int n) {
    nworkers = n;
    workers = wcalloc((size_t)n, sizeof(struct worker));
    for (int i = 0; i < n; i++) {
        struct worker *w = &workers[i];
        w->id = i;
        w->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (w->epfd < 0 || mailbox_init(&w->mb) != 0) return -1;
        w->rbuf_size = WORKER_RBUF_SIZE;
        w->rbuf = wmalloc(w->rbuf_size);
        lockset_init(&w->locks);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
        epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->mb.efd, &ev);
    }
    for (int i = 0; i < n; i++)
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) return -1;
    return 0;
}

static void worker_wake(void *arg) { (void)arg; }

void workers_stop(void) {
    for (int i = 0; i < nworkers; i++) {
        atomic_store(&workers[i].stop, 1);
        mailbox_post(&workers[i].mb, worker_wake, NULL);
    }
    for (int i = 0; i < nworkers; i++) pthread_join(workers[i].thread, NULL);
    for (int i = 0; i < nworkers; i++) {
        struct worker *w = &workers[i];
        mailbox_destroy(&w->mb);
        close(w->epfd);
        wfree(w->rbuf);
        lockset_free(&w->locks);
    }
    wfree(workers);
    workers = NULL;
    nworkers = 0;
}
