/* client.h — one client connection's state. A client belongs to one worker thread
 * for its whole life; only that thread reads its buffers or runs its commands. Other
 * threads (CLIENT LIST/KILL, INFO) may read the fields marked "shared", which are
 * atomics or guarded by the client registry lock. */
#ifndef WARDEN_CLIENT_H
#define WARDEN_CLIENT_H
#include "proto/reply.h"
#include "proto/resp.h"
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct worker;
struct db;
struct command;
struct mc_session;
struct limits_addr;
struct conn_transport;

struct arg {
    char *ptr; /* not NUL-terminated; points into the query buffer during the command */
    size_t len;
};

/* flags (client->flags, shared) */
#define CLIENT_CLOSE_AFTER_REPLY (1 << 0) /* protocol error / QUIT: send replies, then close */
#define CLIENT_CLOSE_ASAP (1 << 1)        /* CLIENT KILL, limits: close at the next chance */
#define CLIENT_UNIX_SOCKET (1 << 2)
#define CLIENT_PAUSED (1 << 3)            /* waiting in the worker's paused list */
#define CLIENT_REPLY_OFF (1 << 4)
#define CLIENT_REPLY_SKIP_NEXT (1 << 5)   /* CLIENT REPLY SKIP: mute the next command */
#define CLIENT_REPLY_SKIP (1 << 6)        /* muting the current command */
#define CLIENT_NO_EVICT (1 << 7)
#define CLIENT_IN_MULTI (1 << 8)
#define CLIENT_PUBSUB (1 << 9)
#define CLIENT_BLOCKED (1 << 10)
#define CLIENT_LOOPBACK (1 << 11)         /* connected from 127.0.0.0/8, ::1 or a unix socket */
#define CLIENT_NO_TOUCH (1 << 12)
#define CLIENT_MEMCACHE (1 << 13)         /* speaks the memcache protocol (memcached-port) */

/* Slots of client->ext[]. Each module creates its state on first use and frees it
 * when the client closes; the pointer is written by the owner thread only, and set
 * back to NULL under registry_lock so CLIENT LIST readers never see freed state. */
#define CLIENT_EXT_MULTI 0    /* struct multi_state (cmd/multi.c): queue, WATCH list */
#define CLIENT_EXT_PUBSUB 1   /* struct ps_client (pubsub/pubsub.c): subscriptions */
/* 2: CLIENT_EXT_BLOCKING (db/blocking.h): a blocked client's state */

struct client {
    unsigned long long id;
    int fd;
    struct worker *worker;
    _Atomic int flags;                  /* shared */
    /* input */
    char *qbuf;                         /* owned; holds a partial request between reads (NULL when empty) */
    size_t qlen, qcap;
    struct resp_parser parser;
    int argc;
    struct arg *argv;                   /* owned array; ptrs into the read buffer */
    int argv_cap;
    /* output */
    struct reply out;
    /* session */
    int resp;                           /* 2 or 3 (mirrors out.resp) */
    _Atomic int dbid;                   /* shared */
    struct db *db;
    char *name;                         /* owned; guarded by the registry lock for readers */
    char *lib_name, *lib_ver;           /* owned; CLIENT SETINFO-era fields (HELLO) */
    char addr[128], laddr[128];           /* "ip:port" or "/path:0" */
    long long ctime_ms;
    _Atomic long long last_interaction_ms; /* shared */
    _Atomic(const struct command *) last_cmd; /* shared: CLIENT LIST cmd= */
    int authenticated;
    void *user;                          /* ACL user (acl issue) */
    const char *user_name;               /* for CLIENT LIST user= */
    /* worker lists */
    struct client *wnext, *wprev;        /* worker's client list */
    struct client *rnext, *rprev;        /* registry (all clients) */
    struct client *pnext;                /* worker's paused list */
    void *ext[4];                        /* per-feature state, owned by those modules: see CLIENT_EXT_* */
    struct mc_session *mc;               /* owned by src/mc/: memcache protocol state (NULL: a RESP client) */
    int epoll_out;                       /* EPOLLOUT registered */
    struct {                             /* shared: buffer sizes as of the last flush (conn.c) */
        _Atomic long long qbuf, qcap, oll, omem;
    } shown;
    /* network limits (net/limits.c); owner thread */
    struct limits_addr *limits_addr;     /* per-address record (TCP clients), else NULL */
    long long req_start_ms;              /* when the incomplete request in qbuf began (0: none) */
    long long obuf_soft_since_ms;        /* output over the soft limit since (0: not over) */
    const void *rate_user_key;           /* user whose rate bucket rate_user_rec is */
    void *rate_user_rec;
    /* transport (net/transport.h): plain socket or TLS */
    const struct conn_transport *tr;
    void *tls;                           /* transport state, owned by the transport */
    int transport_ready;                 /* handshake done (transports without one: unused) */
    /* appendfsync always: the reply waits until the AOF is durable up to here (persist/aof.h) */
    unsigned long long aof_needed;
    struct client *aof_wait_next;        /* worker's list of replies held for the AOF */
    int aof_waiting;                     /* on that list */
};

/* Accessors commands use. */
static inline int arg_eq(const struct arg *a, const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    if (a->len != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a->ptr[i], y = s[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y) return 0;
    }
    return 1;
}
/* Session helpers (client.c); owner thread. */
void client_set_name(struct client *c, const char *name, size_t len); /* len 0: clear */
/* RESET: leave MULTI, unsubscribe, unwatch... each feature registers its part. */
typedef void (*client_reset_fn)(struct client *c);
void client_add_reset_hook(client_reset_fn fn); /* at start-up only */
void client_reset_state(struct client *c);
#endif
