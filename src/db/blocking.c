/* blocking.c — see blocking.h for the protocol. This file's invariants:
 *
 * - A waiter (struct blocked) is created by its client's owner thread and is on the
 *   global `all` list until freed. Its `state` (guarded by reg_lock) is WAITING (in
 *   the key queues and, with a deadline, the timer heap), SERVING (some thread is
 *   re-running its command; still queued, so it keeps its FIFO place), or DONE (out of
 *   every queue; exactly one message to its owner worker is in flight).
 * - Only the owner thread dereferences `client`. Other threads use the copies taken at
 *   block time (argv, db, resp, worker, id).
 * - Freeing: WAITING → freed by whoever removes it for good while holding reg_lock and
 *   knowing no message is in flight (disconnect); SERVING → the serving thread frees it
 *   if the client left meanwhile (`orphan`); DONE → the delivery message frees it.
 *   A message that never runs (worker shut down) leaves the waiter on `all`, reachable,
 *   so leak checkers stay quiet.
 * - Lock order: shard locks → reg_lock → mailbox lock. reg_lock is never held while
 *   taking a shard lock.
 * - `nblocked` and the key filter are written under reg_lock and read without it by the
 *   keyspace listener. The listener runs under the written key's shard lock, and a
 *   waiter registers while holding the shard locks of its keys; that lock orders the
 *   two, so relaxed atomics are enough: a write that follows a registration (on the
 *   same key) sees it; one that precedes it was already visible to the blocker's own
 *   check of the key. */
#include "db/blocking.h"
#include "persist/aof.h"
#include "persist/snapshot.h"
#include "stats.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/table.h"
#include "core/dict.h"
#include "db/db.h"
#include "db/lockset.h"
#include "db/notify.h"
#include "net/conn.h"
#include "net/registry.h"
#include "net/worker.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/numparse.h"
#include "util/siphash.h"
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

enum { B_WAITING, B_SERVING, B_DONE };
enum { OUT_SERVED, OUT_TIMEOUT, OUT_UNBLOCK_TIMEOUT, OUT_UNBLOCK_ERROR };

struct bkey;
struct blink { /* one waiter's place in one key's queue */
    struct blink *prev, *next;
    struct blocked *b;
    struct bkey *k;
};
struct bkey { /* the FIFO queue of waiters on one (db, key) */
    struct blink *head, *tail;
    uint32_t filter_slot;
    size_t idlen;
    char id[]; /* 4-byte dbid + key bytes: the registry's dict key */
};

struct blocked {
    struct blocked *all_prev, *all_next;
    struct client *client; /* owner thread only */
    unsigned long long client_id;
    struct worker *worker;
    int dbid, resp, muted;
    const struct command *cmd;
    int argc;
    struct arg *argv; /* copies, in one allocation with their bytes */
    int nlinks;
    struct blink *links;
    long long deadline; /* absolute ms, 0 = none */
    size_t heap_idx;    /* SIZE_MAX when not in the heap */
    int timeout_reply;
    int state, outcome, unblock_request, orphan;
    int not_served;     /* set by blocking_block during a retry */
    struct reply result;
};

#define FILTER_SLOTS 4096
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cond = PTHREAD_COND_INITIALIZER;
static struct dict *reg_keys;            /* id → struct bkey* */
static struct blocked *all_head;         /* every live waiter */
static struct blocked **heap;            /* min-heap on deadline */
static size_t heap_len, heap_cap;
static _Atomic long long nblocked;
static _Atomic uint32_t key_filter[FILTER_SLOTS];
static pthread_once_t timer_once = PTHREAD_ONCE_INIT;

struct ready_key {
    int dbid;
    size_t klen;
    char *key;
};
static _Thread_local struct ready_key *ready;
static _Thread_local int nready, ready_cap;

/* ---- helpers ---- */

/* The registry's name for (dbid, key): 4 bytes of dbid then the key. Written to buf
 * when it fits, else to a new allocation returned in *heapbuf (caller frees). */
static size_t key_id(char *buf, size_t cap, int dbid, const char *key, size_t klen, char **heapbuf) {
    size_t need = 4 + klen;
    char *p = need <= cap ? buf : (*heapbuf = wmalloc(need));
    uint32_t d = (uint32_t)dbid;
    memcpy(p, &d, 4);
    if (klen) memcpy(p + 4, key, klen);
    return need;
}

static uint32_t filter_slot_of(const char *id, size_t idlen) { return (uint32_t)(hash_bytes(id, idlen) % FILTER_SLOTS); }

/* ---- timer heap (reg_lock held) ---- */

static void heap_swap(size_t a, size_t b) {
    struct blocked *t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
    heap[a]->heap_idx = a;
    heap[b]->heap_idx = b;
}

static void heap_up(size_t i) {
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (heap[p]->deadline <= heap[i]->deadline) break;
        heap_swap(i, p);
        i = p;
    }
}

static void heap_down(size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_len && heap[l]->deadline < heap[m]->deadline) m = l;
        if (r < heap_len && heap[r]->deadline < heap[m]->deadline) m = r;
        if (m == i) return;
        heap_swap(i, m);
        i = m;
    }
}

static void heap_push(struct blocked *b) {
    if (heap_len == heap_cap) {
        heap_cap = heap_cap ? heap_cap * 2 : 16;
        heap = wrealloc(heap, heap_cap * sizeof(*heap));
    }
    heap[heap_len] = b;
    b->heap_idx = heap_len++;
    heap_up(b->heap_idx);
}

static void heap_remove(struct blocked *b) {
    size_t i = b->heap_idx;
    if (i == SIZE_MAX) return;
    b->heap_idx = SIZE_MAX;
    heap_len--;
    if (i == heap_len) return;
    heap[i] = heap[heap_len];
    heap[i]->heap_idx = i;
    heap_up(i);
    heap_down(heap[i]->heap_idx);
}

/* ---- registration (reg_lock held) ---- */

static void waiter_unqueue(struct blocked *b) {
    for (int i = 0; i < b->nlinks; i++) {
        struct blink *l = &b->links[i];
        struct bkey *k = l->k;
        if (l->prev) l->prev->next = l->next;
        else k->head = l->next;
        if (l->next) l->next->prev = l->prev;
        else k->tail = l->prev;
        if (!k->head) {
            atomic_fetch_sub_explicit(&key_filter[k->filter_slot], 1, memory_order_relaxed);
            dict_delete(reg_keys, k->id, k->idlen);
            wfree(k);
        }
    }
    b->nlinks = 0;
    heap_remove(b);
    atomic_fetch_sub_explicit(&nblocked, 1, memory_order_relaxed);
}

static void all_unlink(struct blocked *b) {
    if (b->all_prev) b->all_prev->all_next = b->all_next;
    else all_head = b->all_next;
    if (b->all_next) b->all_next->all_prev = b->all_prev;
}

static void waiter_free(struct blocked *b) {
    reply_free(&b->result);
    wfree(b->links);
    wfree(b->argv);
    wfree(b);
}

static void blocking_deliver(void *arg);

/* WAITING/SERVING → DONE with an outcome; posts the one message (reg_lock held). */
static void waiter_finish(struct blocked *b, int outcome) {
    waiter_unqueue(b);
    b->state = B_DONE;
    b->outcome = outcome;
    worker_post(b->worker, blocking_deliver, b);
}

/* ---- timeouts ---- */

static void *blocking_timer_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&reg_lock);
    for (;;) {
        if (heap_len == 0) {
            pthread_cond_wait(&timer_cond, &reg_lock);
            continue;
        }
        struct blocked *b = heap[0];
        long long now = clock_ms();
        if (b->deadline <= now) {
            heap_remove(b);
            /* a waiter being served finishes the timeout itself if it stays unserved */
            if (b->state == B_WAITING) waiter_finish(b, OUT_TIMEOUT);
            continue;
        }
        /* far deadlines ("forever" in practice) are re-checked hourly rather than
         * handing the kernel an absurd absolute time */
        long long until = b->deadline - now > 3600000 ? now + 3600000 : b->deadline;
        struct timespec ts;
        ts.tv_sec = (time_t)(until / 1000);
        ts.tv_nsec = (long)(until % 1000) * 1000000L;
        pthread_cond_timedwait(&timer_cond, &reg_lock, &ts);
    }
    return NULL;
}

static void blocking_timer_start(void) {
    pthread_t t;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* signals belong to the main thread */
    if (pthread_create(&t, NULL, blocking_timer_main, NULL) == 0) pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- the public side ---- */

int blocking_parse_timeout(struct client *c, const struct arg *a, long long *deadline_ms) {
    long double secs;
    if (num_parse_long_double(a->ptr, a->len, &secs) != 0) {
        reply_error(&c->out, "ERR timeout is not a float or out of range");
        return -1;
    }
    /* Redis rounds up to whole milliseconds; a value whose milliseconds do not fit a
     * 64-bit integer (huge or infinite) reads as negative there, so it does here */
    long double ms = ceill(secs * 1000.0L);
    long long t = 0; /* -0.0001 rounds to -0: forever, as 0 */
    if (ms != 0) {
        if (ms < 0 || !(ms < 9.2233720368547758e18L)) {
            reply_error(&c->out, "ERR timeout is negative");
            return -1;
        }
        t = (long long)ms;
    }
    if (t > 0) {
        long long now = clock_ms();
        t = t > LLONG_MAX - now ? LLONG_MAX : t + now;
    }
    *deadline_ms = t;
    return 0;
}

int blocking_is_retry(const struct client *c) { return c->ext[CLIENT_EXT_BLOCKING] != NULL; }

long long blocking_count(void) { return atomic_load_explicit(&nblocked, memory_order_relaxed); }

int blocking_ready_pending(void) { return nready > 0; }

void blocking_block(struct client *c, const int *key_idx, int nkeys, long long deadline_ms, int timeout_reply) {
    if (blocking_is_retry(c)) {
        ((struct blocked *)c->ext[CLIENT_EXT_BLOCKING])->not_served = 1;
        return;
    }
    struct blocked *b = wcalloc(1, sizeof(*b));
    b->client = c;
    b->client_id = c->id;
    b->worker = c->worker;
    b->dbid = c->db->id;
    b->resp = c->resp;
    b->muted = c->out.muted;
    b->cmd = atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
    b->deadline = deadline_ms;
    b->heap_idx = SIZE_MAX;
    b->timeout_reply = timeout_reply;
    b->state = B_WAITING;
    reply_init(&b->result);
    /* copy argv: the originals point into a read buffer that is about to be reused */
    size_t bytes = 0;
    for (int i = 0; i < c->argc; i++) bytes += c->argv[i].len;
    b->argc = c->argc;
    b->argv = wmalloc(sizeof(struct arg) * (size_t)c->argc + bytes);
    char *p = (char *)(b->argv + c->argc);
    for (int i = 0; i < c->argc; i++) {
        b->argv[i].ptr = p;
        b->argv[i].len = c->argv[i].len;
        if (c->argv[i].len) memcpy(p, c->argv[i].ptr, c->argv[i].len);
        p += c->argv[i].len;
    }
    b->links = wcalloc((size_t)nkeys, sizeof(struct blink));

    pthread_mutex_lock(&reg_lock);
    if (!reg_keys) reg_keys = dict_new(DICT_VAL_PTR);
    for (int i = 0; i < nkeys; i++) {
        const struct arg *k = &b->argv[key_idx[i]];
        char buf[256], *big = NULL;
        size_t idlen = key_id(buf, sizeof(buf), b->dbid, k->ptr, k->len, &big);
        const char *id = big ? big : buf;
        int existed;
        struct dict_entry *de = dict_add(reg_keys, id, idlen, &existed);
        struct bkey *bk;
        if (!existed) {
            bk = wmalloc(sizeof(*bk) + idlen);
            bk->head = bk->tail = NULL;
            bk->idlen = idlen;
            memcpy(bk->id, id, idlen);
            bk->filter_slot = filter_slot_of(id, idlen);
            dict_entry_set_ptr(de, bk);
            atomic_fetch_add_explicit(&key_filter[bk->filter_slot], 1, memory_order_relaxed);
        } else {
            bk = dict_entry_ptr(de);
        }
        wfree(big);
        if (bk->tail && bk->tail->b == b) continue; /* same key named twice */
        struct blink *l = &b->links[b->nlinks++];
        l->b = b;
        l->k = bk;
        l->next = NULL;
        l->prev = bk->tail;
        if (bk->tail) bk->tail->next = l;
        else bk->head = l;
        bk->tail = l;
    }
    if (deadline_ms > 0) {
        heap_push(b);
        if (b->heap_idx == 0) pthread_cond_signal(&timer_cond);
    }
    b->all_next = all_head;
    if (all_head) all_head->all_prev = b;
    all_head = b;
    atomic_fetch_add_explicit(&nblocked, 1, memory_order_relaxed);
    pthread_mutex_unlock(&reg_lock);

    if (deadline_ms > 0) pthread_once(&timer_once, blocking_timer_start);
    c->ext[CLIENT_EXT_BLOCKING] = b;
    atomic_fetch_or(&c->flags, CLIENT_BLOCKED);
}

/* Keyspace listener: note keys that someone waits on (shard lock held). */
static void blocking_on_event(int dbid, const char *key, size_t klen, int type, const char *event) {
    (void)event;
    if (atomic_load_explicit(&nblocked, memory_order_relaxed) == 0) return;
    if (type & (NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_KEY_MISS)) return; /* nothing became available */
    if (!worker_self()) return; /* only commands on workers serve waiters */
    char buf[256], *big = NULL;
    size_t idlen = key_id(buf, sizeof(buf), dbid, key, klen, &big);
    const char *id = big ? big : buf;
    int maybe = atomic_load_explicit(&key_filter[filter_slot_of(id, idlen)], memory_order_relaxed) != 0;
    wfree(big);
    if (!maybe) return;
    for (int i = 0; i < nready; i++)
        if (ready[i].dbid == dbid && ready[i].klen == klen && memcmp(ready[i].key, key, klen) == 0) return;
    if (nready == ready_cap) {
        ready_cap = ready_cap ? ready_cap * 2 : 8;
        ready = wrealloc(ready, sizeof(*ready) * (size_t)ready_cap);
    }
    ready[nready].dbid = dbid;
    ready[nready].klen = klen;
    ready[nready].key = wmemdup(key, klen);
    nready++;
}

/* Re-run b's command for it (b is SERVING). Returns 1 if it was served. */
static int blocking_retry(struct blocked *b) {
    struct client shadow;
    memset(&shadow, 0, sizeof(shadow));
    shadow.id = b->client_id;
    shadow.worker = worker_self();
    shadow.resp = b->resp;
    atomic_store_explicit(&shadow.dbid, b->dbid, memory_order_relaxed);
    shadow.db = db_get(b->dbid);
    shadow.argc = b->argc;
    shadow.argv = b->argv;
    reply_init(&shadow.out);
    shadow.out.resp = b->resp;
    shadow.out.muted = b->muted;
    shadow.authenticated = 1;
    atomic_store_explicit(&shadow.last_cmd, b->cmd, memory_order_relaxed);
    shadow.ext[CLIENT_EXT_BLOCKING] = b;
    b->not_served = 0;

    struct lockset *ls = &shadow.worker->locks;
    lockset_clear(ls);
    dispatch_collect_locks(&shadow, b->cmd, ls);
    lockset_acquire(ls);
    db_set_command_time(clock_ms());
    /* persistence: a running snapshot saves these shards first; the pop goes to the AOF */
    snapshot_before_write_lockset(ls);
    int aof = aof_enabled();
    long long dirty_before = aof ? atomic_load_explicit(&stats_mine()->dirty, memory_order_relaxed) : 0;
    uint64_t aof_before = aof_thread_offset();
    if (aof) aof_command_begin();
    b->cmd->proc(&shadow);
    int served = !b->not_served;
    if (aof && served && atomic_load_explicit(&stats_mine()->dirty, memory_order_relaxed) != dirty_before)
        aof_propagate(&shadow, b->cmd);
    else if (aof)
        aof_discard_notes();
    /* appendfsync always: the reply goes out through another worker's mailbox, so make
     * the record durable before it can leave */
    if (aof_thread_offset() != aof_before) aof_wait_offset(aof_thread_offset());

    /* settle the waiter before the shard locks go: a write that follows must find it
     * WAITING again (or gone), never SERVING */
    pthread_mutex_lock(&reg_lock);
    if (served) {
        reply_free(&b->result);
        b->result = shadow.out; /* moves the reply chain */
        reply_init(&shadow.out);
        if (b->orphan) {
            waiter_unqueue(b);
            all_unlink(b);
            waiter_free(b);
        } else {
            waiter_finish(b, OUT_SERVED);
        }
    } else {
        b->state = B_WAITING;
        if (b->orphan) {
            waiter_unqueue(b);
            all_unlink(b);
            waiter_free(b);
        } else if (b->unblock_request) {
            waiter_finish(b, b->unblock_request);
        } else if (b->deadline > 0 && b->deadline <= clock_ms()) {
            waiter_finish(b, OUT_TIMEOUT);
        }
    }
    pthread_mutex_unlock(&reg_lock);
    reply_free(&shadow.out);
    db_set_command_time(0);
    lockset_release(ls);
    return served;
}

void blocking_serve_ready(void) {
    while (nready > 0) {
        struct ready_key rk = ready[0];
        memmove(ready, ready + 1, sizeof(*ready) * (size_t)(nready - 1));
        nready--;
        char buf[256], *big = NULL;
        size_t idlen = key_id(buf, sizeof(buf), rk.dbid, rk.key, rk.klen, &big);
        const char *id = big ? big : buf;
        /* FIFO: always the first waiter not already being served elsewhere; stop at the
         * first one the key cannot serve (the key is then empty for everyone) */
        for (;;) {
            pthread_mutex_lock(&reg_lock);
            struct dict_entry *de = reg_keys ? dict_find(reg_keys, id, idlen) : NULL;
            struct blocked *b = NULL;
            if (de) {
                for (struct blink *l = ((struct bkey *)dict_entry_ptr(de))->head; l; l = l->next)
                    if (l->b->state == B_WAITING) {
                        b = l->b;
                        break;
                    }
            }
            if (b) b->state = B_SERVING;
            pthread_mutex_unlock(&reg_lock);
            if (!b || !blocking_retry(b)) break;
        }
        wfree(big);
        wfree(rk.key);
    }
    /* thread-locals are no leak-checker roots once the thread ends: keep nothing */
    wfree(ready);
    ready = NULL;
    ready_cap = 0;
}

/* Owner thread: hand the outcome to the client and let it read requests again. */
static void blocking_deliver(void *arg) {
    struct blocked *b = arg;
    pthread_mutex_lock(&reg_lock);
    all_unlink(b);
    int orphan = b->orphan;
    pthread_mutex_unlock(&reg_lock);
    if (orphan) {
        waiter_free(b);
        return;
    }
    struct client *c = b->client;
    c->ext[CLIENT_EXT_BLOCKING] = NULL;
    switch (b->outcome) {
    case OUT_SERVED: reply_append_chain(&c->out, &b->result); break;
    case OUT_UNBLOCK_ERROR: reply_error(&c->out, "UNBLOCKED client unblocked via CLIENT UNBLOCK"); break;
    default:
        if (b->timeout_reply == BLOCK_REPLY_NULL_BULK) reply_null(&c->out);
        else reply_null_array(&c->out);
        break;
    }
    waiter_free(b);
    atomic_fetch_and(&c->flags, ~CLIENT_BLOCKED);
    conn_resume(c); /* may close c */
}

void blocking_client_gone(struct client *c) {
    struct blocked *b = c->ext[CLIENT_EXT_BLOCKING];
    if (!b) return;
    c->ext[CLIENT_EXT_BLOCKING] = NULL;
    pthread_mutex_lock(&reg_lock);
    if (b->state == B_WAITING) {
        waiter_unqueue(b);
        all_unlink(b);
        pthread_mutex_unlock(&reg_lock);
        waiter_free(b);
        return;
    }
    b->orphan = 1; /* SERVING: the server frees it; DONE: the delivery does */
    b->client = NULL;
    pthread_mutex_unlock(&reg_lock);
}

int blocking_unblock_id(unsigned long long id, int with_error) {
    int outcome = with_error ? OUT_UNBLOCK_ERROR : OUT_UNBLOCK_TIMEOUT, found = 0;
    pthread_mutex_lock(&reg_lock);
    for (struct blocked *b = all_head; b; b = b->all_next) {
        if (b->client_id != id || b->orphan) continue;
        if (b->state == B_WAITING) {
            waiter_finish(b, outcome);
            found = 1;
        } else if (b->state == B_SERVING && !b->unblock_request) {
            b->unblock_request = outcome; /* applied if this retry does not serve it */
            found = 1;
        }
        break;
    }
    pthread_mutex_unlock(&reg_lock);
    return found;
}

__attribute__((constructor)) static void blocking_register(void) { keyspace_add_listener(blocking_on_event); }
