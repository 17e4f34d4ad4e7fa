/* conn.c — see conn.h. The request path: read → resp_parse → dispatch_command (which
 * writes into c->out) → after the batch, one writev of everything pending. */
#include "net/conn.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "config.h"
#include "db/db.h"
#include "mc/mc.h"
#include "net/limits.h"
#include "net/registry.h"
#include "net/tls.h"
#include "net/transport.h"
#include "net/worker.h"
#include "persist/aof.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define CONN_QBUF_MIN 4096
#define CONN_INLINE_MAX (64 * 1024)
#define CONN_IOV_MAX 64

static void conn_format_addr(const struct sockaddr_storage *ss, char *out, size_t size, int *loopback) {
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
        port = ntohs(s->sin_port);
        if (loopback) *loopback = (ntohl(s->sin_addr.s_addr) >> 24) == 127;
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
        port = ntohs(s->sin6_port);
        if (loopback) {
            *loopback = IN6_IS_ADDR_LOOPBACK(&s->sin6_addr) ||
                        (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr) && s->sin6_addr.s6_addr[12] == 127);
        }
    }
    snprintf(out, size, "%s:%d", ip, port);
}

struct client *conn_create(struct worker *w, int fd, int kind, struct limits_addr *rec) {
    int is_unix = kind & CONN_UNIX;
    struct client *c = wcalloc(1, sizeof(*c));
    c->fd = fd;
    c->limits_addr = rec;
    c->tr = &transport_plain;
    if ((kind & CONN_TLS) && tls_conn_attach(c) != 0) {
        log_warning("Error creating the TLS state of a new connection");
        close(fd);
        limits_addr_release(rec);
        wfree(c);
        return NULL;
    }
    c->id = registry_next_id();
    c->worker = w;
    c->resp = 2;
    reply_init(&c->out);
    resp_parser_init(&c->parser);
    c->db = db_get(0);
    c->ctime_ms = clock_ms();
    atomic_store(&c->last_interaction_ms, c->ctime_ms);
    int flags = 0;
    if (is_unix) {
        struct sockaddr_un un;
        socklen_t len = sizeof(un);
        flags |= CLIENT_UNIX_SOCKET | CLIENT_LOOPBACK;
        if (getsockname(fd, (struct sockaddr *)&un, &len) == 0 && len > sizeof(sa_family_t))
            snprintf(c->laddr, sizeof(c->laddr), "%.*s:0", 100, un.sun_path);
        snprintf(c->addr, sizeof(c->addr), "%s", c->laddr);
    } else {
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof(ss)); /* defined contents even if getpeername fails half-way */
        socklen_t len = sizeof(ss);
        int loop = 0;
        if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) conn_format_addr(&ss, c->addr, sizeof(c->addr), &loop);
        len = sizeof(ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) conn_format_addr(&ss, c->laddr, sizeof(c->laddr), NULL);
        if (loop) flags |= CLIENT_LOOPBACK;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        int ka = server_config.tcp_keepalive;
        if (ka > 0) {
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka, sizeof(ka));
            int intvl = ka / 3 ? ka / 3 : 1, cnt = 3;
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
            setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
        }
    }
    atomic_store(&c->flags, flags);
    c->wnext = w->clients;
    if (w->clients) w->clients->wprev = c;
    w->clients = c;
    w->nclients++;
    registry_add(c);
    STAT_INC(connections);
    dispatch_client_created(c);
    if (kind & CONN_MEMCACHE) mc_session_attach(c);
    return c;
}

void conn_close(struct client *c) {
    if (c->aof_waiting) { /* leave the worker's held-replies list */
        struct client **pp = &c->worker->aof_waiting;
        while (*pp && *pp != c) pp = &(*pp)->aof_wait_next;
        if (*pp) *pp = c->aof_wait_next;
        c->aof_waiting = 0;
    }
    struct worker *w = c->worker;
    dispatch_client_closing(c);
    registry_remove(c);
    if (c->wprev) c->wprev->wnext = c->wnext;
    else w->clients = c->wnext;
    if (c->wnext) c->wnext->wprev = c->wprev;
    w->nclients--;
    if (atomic_load(&c->flags) & CLIENT_PAUSED) {
        struct client **pp = &w->paused;
        while (*pp && *pp != c) pp = &(*pp)->pnext;
        if (*pp) *pp = c->pnext;
    }
    if (c->tr->shutdown) c->tr->shutdown(c);
    close(c->fd); /* also removes it from epoll */
    limits_addr_release(c->limits_addr);
    reply_free(&c->out);
    resp_parser_free(&c->parser);
    mc_session_free(c);
    wfree(c->qbuf);
    wfree(c->argv);
    wfree(c->name);
    wfree(c->lib_name);
    wfree(c->lib_ver);
    wfree(c);
}

static int conn_flush_out(struct client *c);

/* Publish this connection's buffer sizes for CLIENT LIST / INFO on other threads
 * (relaxed stores of whole values; readers may see them one round stale). */
static void conn_publish_sizes(struct client *c) {
    long long blocks = 0, bytes = 0;
    for (const struct reply_block *b = c->out.head; b; b = b->next) {
        blocks++;
        bytes += (long long)b->size;
    }
    atomic_store_explicit(&c->shown.qbuf, (long long)c->qlen, memory_order_relaxed);
    atomic_store_explicit(&c->shown.qcap, (long long)c->qcap, memory_order_relaxed);
    atomic_store_explicit(&c->shown.oll, blocks, memory_order_relaxed);
    atomic_store_explicit(&c->shown.omem, bytes, memory_order_relaxed);
}

int conn_flush(struct client *c) {
    /* appendfsync always: the writes this reply acknowledges must be on disk first */
    if (c->aof_needed) aof_client_wait(c);
    int rc = conn_flush_out(c);
    if (rc == 0) conn_publish_sizes(c);
    return rc;
}

/* Write what the socket takes; returns -1 if the client was closed. */
static int conn_flush_out(struct client *c) {
    while (c->out.pending) {
        struct iovec iov[CONN_IOV_MAX];
        int n = 0;
        size_t total = 0;
        for (struct reply_block *b = c->out.head; b && n < CONN_IOV_MAX; b = b->next) {
            if (b->used == b->start) continue;
            iov[n].iov_base = b->data + b->start;
            iov[n].iov_len = b->used - b->start;
            total += iov[n].iov_len;
            n++;
        }
        if (n == 0) break;
        ssize_t w = c->tr->writev(c, iov, n);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                worker_want_write(c, 1);
                return 0;
            }
            if (errno == EINTR) continue;
            conn_close(c);
            return -1;
        }
        STAT_ADD(net_output_bytes, w);
        reply_consume(&c->out, (size_t)w);
        if ((size_t)w < total) {
            worker_want_write(c, 1);
            return 0;
        }
    }
    worker_want_write(c, c->tr->wants_writable ? c->tr->wants_writable(c) : 0);
    if (atomic_load(&c->flags) & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP)) {
        conn_close(c);
        return -1;
    }
    return 0;
}

static void conn_set_argv(struct client *c, char *base) {
    struct resp_parser *p = &c->parser;
    if (c->argv_cap < p->argc) {
        c->argv_cap = p->argc;
        c->argv = wrealloc(c->argv, (size_t)c->argv_cap * sizeof(struct arg));
    }
    for (int i = 0; i < p->argc; i++) {
        c->argv[i].ptr = base + p->args[i].off;
        c->argv[i].len = p->args[i].len;
    }
    c->argc = p->argc;
}

/* Run every complete RESP request in buf[0..len); returns the bytes consumed. */
static size_t conn_process_resp(struct client *c, char *buf, size_t len) {
    struct resp_limits lim = {
        .max_bulk_len = server_config.proto_max_bulk_len,
        .max_multibulk = INT_MAX,
        .max_inline = CONN_INLINE_MAX,
        .unauthenticated = !c->authenticated && dispatch_auth_required(c),
    };
    size_t off = 0;
    while (off < len) {
        int fl = atomic_load(&c->flags);
        if (fl & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_PAUSED | CLIENT_BLOCKED)) break;
        const char *err;
        int st = resp_parse(&c->parser, &lim, buf + off, len - off, &err);
        if (st == RESP_NEED_MORE) break;
        if (st == RESP_ERROR) {
            reply_errorf(&c->out, "ERR %s", err); /* the parser's texts carry no error code */
            log_verbose("Protocol error (%s) from client: id=%llu addr=%s", err, c->id, c->addr);
            atomic_fetch_or(&c->flags, CLIENT_CLOSE_AFTER_REPLY);
            off = len;
            resp_parser_reset(&c->parser);
            break;
        }
        if (st == RESP_EMPTY) {
            off += c->parser.pos;
            resp_parser_reset(&c->parser);
            continue;
        }
        conn_set_argv(c, buf + off);
        if (dispatch_must_wait(c)) {
            /* CLIENT PAUSE: keep the request (already parsed; the parser state says so) */
            atomic_fetch_or(&c->flags, CLIENT_PAUSED);
            c->pnext = c->worker->paused;
            c->worker->paused = c;
            break;
        }
        dispatch_command(c);
        off += c->parser.pos;
        resp_parser_reset(&c->parser);
        /* a pipeline of big replies stops as soon as the client is over its limit */
        if (c->out.pending && conn_check_output_limits(c)) break;
    }
    return off;
}

/* Parse and run every complete request in buf[0..len). Leftover bytes (a partial
 * request, or requests held by a pause) end up at the front of c->qbuf. */
static void conn_process(struct client *c, char *buf, size_t len, int in_qbuf) {
    size_t off = c->mc ? mc_process(c, buf, len) : conn_process_resp(c, buf, len);
    size_t rem = len - off;
    /* client-request-timeout: the clock starts when an incomplete request is left over;
     * it restarts when a request completed in this batch (the leftover is a new one) */
    if (rem == 0) c->req_start_ms = 0;
    else if (off > 0 || c->req_start_ms == 0) c->req_start_ms = clock_ms();
    if (in_qbuf) {
        if (rem == 0) {
            wfree(c->qbuf);
            c->qbuf = NULL;
            c->qlen = c->qcap = 0;
        } else {
            if (off) memmove(c->qbuf, c->qbuf + off, rem);
            c->qlen = rem;
        }
    } else if (rem) {
        size_t cap = rem < CONN_QBUF_MIN ? CONN_QBUF_MIN : rem;
        c->qbuf = wmalloc(cap);
        memcpy(c->qbuf, buf + off, rem);
        c->qlen = rem;
        c->qcap = cap;
    }
}

/* Read what the socket has and run the complete requests. Returns -1 if the client was
 * closed, else 0. */
static int conn_read(struct client *c) {
    struct worker *w = c->worker;
    ssize_t n;
    if (c->qlen) {
        size_t want = c->qlen + 16 * 1024;
        size_t need_total = c->mc ? mc_need_total(c) : c->parser.need_total;
        /* Grow toward the declared size of a big argument, but at most double at a time:
         * a client that declares a 512 MB bulk and then sends a few bytes must not make
         * us reserve 512 MB (it would count in used_memory and trip maxmemory). */
        if (need_total > want) {
            size_t doubled = c->qcap * 2;
            want = need_total < doubled ? need_total : doubled;
        }
        if (want > c->qcap) {
            size_t cap = c->qcap * 2 > want ? c->qcap * 2 : want;
            c->qbuf = wrealloc(c->qbuf, cap);
            c->qcap = cap;
        }
        n = c->tr->read(c, c->qbuf + c->qlen, c->qcap - c->qlen);
    } else {
        n = c->tr->read(c, w->rbuf, w->rbuf_size);
    }
    if (n == 0) {
        conn_close(c);
        return -1;
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return conn_flush(c);
        conn_close(c);
        return -1;
    }
    STAT_ADD(net_input_bytes, n);
    atomic_store_explicit(&c->last_interaction_ms, clock_ms(), memory_order_relaxed);
    if (c->qlen) {
        c->qlen += (size_t)n;
        conn_process(c, c->qbuf, c->qlen, 1);
    } else {
        conn_process(c, w->rbuf, (size_t)n, 0);
    }
    long long limit = server_config.client_query_buffer_limit;
    size_t need_total = c->mc ? mc_need_total(c) : c->parser.need_total;
    if ((long long)c->qlen > limit || (long long)need_total > limit) {
        log_warning("Closing client that reached max query buffer length: id=%llu addr=%s (qbuf=%zu)", c->id,
                    c->addr, c->qlen);
        STAT_INC(qbuf_limit_disconnections);
        conn_close(c);
        return -1;
    }
    if (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_CLOSE_ASAP) {
        conn_close(c); /* output limits, CLIENT KILL: the backlog is not sent */
        return -1;
    }
    if (aof_client_must_wait(c)) {
        /* group commit: held until the AOF is durable (conn_flush_aof_waiting) */
        if (!c->aof_waiting) {
            c->aof_waiting = 1;
            c->aof_wait_next = w->aof_waiting;
            w->aof_waiting = c;
        }
        return 0;
    }
    return conn_flush(c);
}

/* Mail from the AOF writer: what this worker waited for is durable now (runs on the
 * worker's own thread). */
static void conn_aof_durable_mail(void *arg) {
    struct worker *w = arg;
    w->aof_notify_pending = 0;
    conn_flush_aof_waiting(w);
}

/* Called by the AOF (its writer thread): hand the news to the worker's mailbox. */
static void conn_aof_durable_post(void *arg) {
    struct worker *w = arg;
    worker_post(w, conn_aof_durable_mail, w);
}

/* conn_flush may come back here once per client, and each client is taken off the waiting
 * list before its flush, so the recursion depth is bounded. */
// NOLINTNEXTLINE(misc-no-recursion)
void conn_flush_aof_waiting(struct worker *w) {
    /* send every reply whose writes are durable; for the rest, ask to be told (the
     * worker goes on serving other clients meanwhile, whose writes join the next fsync) */
    uint64_t durable = aof_durable_offset(), need = 0;
    struct client **pp = &w->aof_waiting;
    while (*pp) {
        struct client *c = *pp;
        if (c->aof_needed <= durable || !aof_client_must_wait(c)) {
            *pp = c->aof_wait_next;
            c->aof_waiting = 0;
            c->aof_wait_next = NULL;
            c->aof_needed = 0;
            conn_flush(c); /* may close c: it is off the list already */
        } else {
            if (c->aof_needed > need) need = c->aof_needed;
            pp = &c->aof_wait_next;
        }
    }
    if (!w->aof_waiting || w->aof_notify_pending) return;
    if (aof_notify_when_durable(w->id, need, conn_aof_durable_post, w)) {
        conn_flush_aof_waiting(w); /* became durable meanwhile */
        return;
    }
    w->aof_notify_pending = 1;
}

/* Shutting down: wait for the AOF, then send everything held. */
void conn_flush_aof_waiting_now(struct worker *w) {
    uint64_t need = 0;
    for (struct client *c = w->aof_waiting; c; c = c->aof_wait_next)
        if (c->aof_needed > need) need = c->aof_needed;
    if (need) aof_wait_offset(need);
    conn_flush_aof_waiting(w);
}

void conn_handle_event(struct client *c, uint32_t events) {
    if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
        conn_close(c);
        return;
    }
    if (c->tr->handshake && !c->transport_ready) {
        int h = c->tr->handshake(c);
        if (h < 0) {
            conn_close(c);
            return;
        }
        if (h == 0) return; /* the handshake set the epoll interest it waits for */
        c->transport_ready = 1;
        events |= EPOLLIN; /* requests may have come with the handshake's last flight */
    }
    if (events & EPOLLOUT) {
        /* a TLS read that had to write first is retried now */
        int read_waited = c->tr->wants_writable && c->tr->wants_writable(c);
        if (conn_flush(c) < 0) return;
        if (read_waited) events |= EPOLLIN;
    }
    if (events & EPOLLIN) {
        if (conn_read(c) < 0) return;
        /* bytes a TLS record left decoded inside the transport: epoll will not report them */
        while (c->tr->has_pending && c->tr->has_pending(c))
            if (conn_read(c) < 0) return;
    }
}

void conn_resume(struct client *c) {
    if (c->qlen) conn_process(c, c->qbuf, c->qlen, 1);
    conn_flush(c);
}

void conn_retry_paused(struct worker *w) {
    if (!w->paused || dispatch_pause_active()) return;
    struct client *list = w->paused;
    w->paused = NULL;
    while (list) {
        struct client *c = list;
        list = c->pnext;
        c->pnext = NULL;
        atomic_fetch_and(&c->flags, ~CLIENT_PAUSED);
        conn_resume(c);
    }
}
