/* worker.h — the worker threads. Each runs one epoll loop over the connections it
 * owns (handed over by the acceptor through its mailbox) and a ~100 ms cron for idle
 * timeouts and paused clients. Functions marked "owner thread" must run on the
 * worker's own thread. */
#ifndef WARDEN_WORKER_H
#define WARDEN_WORKER_H
#include "db/lockset.h"
#include "net/mailbox.h"
#include <pthread.h>
#include <stdatomic.h>

struct client;
struct limits_addr;

struct worker {
    int id;                 /* 0..n-1 */
    pthread_t thread;
    int epfd;
    struct mailbox mb;
    struct client *clients; /* owner thread */
    int nclients;
    struct client *paused;  /* owner thread: clients waiting for CLIENT UNPAUSE */
    char *rbuf;             /* owned: shared read buffer for clients without a partial request */
    size_t rbuf_size;
    struct lockset locks;   /* owner thread: the current command's shard locks */
    _Atomic int stop;
    long long last_cron_us;
    struct client *aof_waiting;  /* owner thread: replies held until the AOF is durable */
    int aof_notify_pending;      /* owner thread: the AOF will post a mail when durable */
};

int workers_start(int n);           /* main thread; returns 0 or -1 */
void workers_stop(void);            /* main thread: ask all to finish, join them */
int worker_count(void);
struct worker *worker_get(int i);
struct worker *worker_self(void);   /* the calling thread's worker, or NULL */
/* Any thread: hand a freshly accepted socket of `kind` (CONN_* of conn.h) to the next
 * worker (round robin), with its per-address record (limits.h; NULL for unix sockets),
 * which the client keeps. */
void worker_assign_socket(int fd, int kind, struct limits_addr *rec);
/* Sockets handed over but not yet adopted by their worker (counted with the clients
 * for maxclients, so a burst of connections cannot slip past the limit). */
long long worker_pending_sockets(void);
/* Owner thread: (re)watch a client's fd for writability. */
void worker_want_write(struct client *c, int on);
void worker_post(struct worker *w, mail_fn fn, void *arg);
/* Start-up only: fn runs on each worker at the end of every loop iteration — after the
 * client events and the mail of one epoll batch — and once more at shutdown, so a module
 * can coalesce what a burst of requests and mail produced: pub/sub writes each
 * subscriber's socket once for all the messages that arrived meanwhile. */
typedef void (*worker_batch_hook_fn)(void);
void worker_add_batch_hook(worker_batch_hook_fn fn);
#endif
