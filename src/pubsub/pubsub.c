/* pubsub.c — see pubsub.h.
 *
 * Data: one hash table of topics (name -> subscriber array) per kind, and per client a
 * ps_client holding the set of its topics per kind; both under ps_lock. A ps_client is
 * reference counted: the client holds one reference until it closes, and every message
 * in flight to it holds one, so a mail that arrives after the client closed finds
 * pc->c == NULL (set on the owner thread, which is also where mails run) and drops the
 * message. ps_client and messages are therefore freed on the subscriber's thread.
 *
 * Lock order: shard locks -> ps_lock -> mailbox lock. Keyspace notifications publish
 * with shard locks held; nothing here takes a shard lock. */
#include "pubsub/pubsub.h"
#include "client.h"
#include "cmd/command.h"
#include "config.h"
#include "net/conn.h"
#include "net/limits.h"
#include "net/registry.h"
#include "net/worker.h"
#include "pubsub/keyspace_notify.h"
#include "pubsub/ptrset.h"
#include "util/alloc.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/siphash.h"
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

struct ps_client;

struct ps_topic {
    struct ps_topic *next; /* hash chain */
    uint64_t hash;
    struct ps_client **subs; /* owned array */
    int nsubs, cap;
    size_t len;
    char name[];
};

struct ps_table {
    struct ps_topic **buckets;
    size_t nbuckets, count;
};

struct ps_client {
    struct client *c;  /* owner thread; NULL once the client closed */
    struct worker *w;
    _Atomic int refs;
    struct ptrset topics[PUBSUB_KINDS];  /* ps_lock */
    _Atomic long long count[PUBSUB_KINDS]; /* mirrors topics[k].count for CLIENT LIST */
    int flush_queued;                    /* owner thread: in this thread's flush queue */
    struct ps_msg **deferred;            /* owner thread: messages for after the current command */
    int ndeferred, cap_deferred;
};

/* One published message as a subscriber sees it: kind, pattern (pmessage), channel and
 * payload in one allocation, shared by every subscriber that receives the same bytes. */
struct ps_msg {
    _Atomic int refs;
    const char *type;
    size_t plen, chlen, mlen;
    char data[]; /* pattern, channel, payload */
};

struct ps_target {
    struct ps_client *pc;
    struct ps_msg *m;
};

/* The messages of one publish bound for one worker. */
struct ps_batch {
    int n, cap;
    struct ps_target *t;        /* `first`, or owned when more were needed */
    struct ps_target first[4];  /* most publishes reach a few subscribers per worker */
};

static pthread_rwlock_t ps_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct ps_table tables[PUBSUB_KINDS];
static _Atomic long long name_counts[PUBSUB_KINDS]; /* tables[k].count, readable without the lock */
/* Subscribers that got messages during this drain of the worker's mailbox: written to
 * once, after the drain (worker_add_after_mail_hook), so a burst of publishes costs one
 * write per subscriber rather than one per message. Each entry holds a reference. The
 * array is freed whenever the queue empties (nothing is left allocated when the thread
 * exits). */
struct ps_flushq {
    struct ps_client **v;
    int n, cap;
};
static _Thread_local struct ps_flushq flushq;
/* The client whose command this thread is running (dispatch brackets every request with
 * pubsub_command_start/end). A message for it produced mid-command (its own keyspace
 * notifications, its PUBLISH inside EXEC) waits until the reply is complete: written
 * in the middle, it could split an array reply. */
static _Thread_local struct client *ps_current;

static const char *const sub_reply[PUBSUB_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsub_reply[PUBSUB_KINDS] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

/* ---------------------------------------------------------------- topics */

static size_t topic_bucket(const struct ps_table *t, uint64_t h) { return (size_t)h & (t->nbuckets - 1); }

static struct ps_topic *topic_find(const struct ps_table *t, uint64_t h, const char *name, size_t len) {
    if (!t->nbuckets) return NULL;
    for (struct ps_topic *p = t->buckets[topic_bucket(t, h)]; p; p = p->next)
        if (p->hash == h && p->len == len && memcmp(p->name, name, len) == 0) return p;
    return NULL;
}

static void table_grow(struct ps_table *t) {
    size_t nb = t->nbuckets ? t->nbuckets * 2 : 16;
    struct ps_topic **b = wcalloc(nb, sizeof(*b));
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct ps_topic *p = t->buckets[i];
        while (p) {
            struct ps_topic *next = p->next;
            size_t j = (size_t)p->hash & (nb - 1);
            p->next = b[j];
            b[j] = p;
            p = next;
        }
    }
    wfree(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
}

/* Write lock held. */
static struct ps_topic *topic_get(int kind, const char *name, size_t len) {
    struct ps_table *t = &tables[kind];
    uint64_t h = hash_bytes(name, len);
    struct ps_topic *p = topic_find(t, h, name, len);
    if (p) return p;
    if (t->count >= t->nbuckets) table_grow(t);
    p = wmalloc(sizeof(*p) + len);
    p->hash = h;
    p->subs = NULL;
    p->nsubs = p->cap = 0;
    p->len = len;
    memcpy(p->name, name, len);
    size_t b = topic_bucket(t, h);
    p->next = t->buckets[b];
    t->buckets[b] = p;
    t->count++;
    atomic_store_explicit(&name_counts[kind], (long long)t->count, memory_order_relaxed);
    return p;
}

/* Write lock held: unlink and free a topic without subscribers. */
static void topic_drop(int kind, struct ps_topic *p) {
    struct ps_table *t = &tables[kind];
    struct ps_topic **pp = &t->buckets[topic_bucket(t, p->hash)];
    while (*pp != p) pp = &(*pp)->next;
    *pp = p->next;
    t->count--;
    atomic_store_explicit(&name_counts[kind], (long long)t->count, memory_order_relaxed);
    wfree(p->subs);
    wfree(p);
}

/* Write lock held. */
static int topic_subscribe(struct ps_client *pc, int kind, struct ps_topic *p) {
    if (!ptrset_add(&pc->topics[kind], p)) return 0;
    if (p->nsubs == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->subs = wrealloc(p->subs, (size_t)p->cap * sizeof(*p->subs));
    }
    p->subs[p->nsubs++] = pc;
    atomic_store_explicit(&pc->count[kind], (long long)pc->topics[kind].count, memory_order_relaxed);
    return 1;
}

/* Write lock held; may free p. */
static int topic_unsubscribe(struct ps_client *pc, int kind, struct ps_topic *p) {
    if (!ptrset_remove(&pc->topics[kind], p)) return 0;
    for (int i = 0; i < p->nsubs; i++)
        if (p->subs[i] == pc) {
            p->subs[i] = p->subs[--p->nsubs];
            break;
        }
    atomic_store_explicit(&pc->count[kind], (long long)pc->topics[kind].count, memory_order_relaxed);
    if (p->nsubs == 0) topic_drop(kind, p);
    return 1;
}

/* Write lock held: the topics of one kind, copied (they are freed as we unsubscribe). */
static struct ps_topic **client_topics(struct ps_client *pc, int kind, size_t *n) {
    struct ptrset *s = &pc->topics[kind];
    struct ps_topic **out = s->count ? wmalloc(s->count * sizeof(*out)) : NULL;
    size_t k = 0;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i]) out[k++] = s->slots[i];
    *n = k;
    return out;
}

/* ---------------------------------------------------------------- clients */

static void ps_drop_deferred(struct ps_client *pc);

static struct ps_client *ps_of(struct client *c) { return c->ext[CLIENT_EXT_PUBSUB]; }

static struct ps_client *ps_make(struct client *c) {
    struct ps_client *pc = ps_of(c);
    if (pc) return pc;
    pc = wcalloc(1, sizeof(*pc));
    pc->c = c;
    pc->w = c->worker;
    atomic_store(&pc->refs, 1);
    for (int k = 0; k < PUBSUB_KINDS; k++) ptrset_init(&pc->topics[k]);
    pthread_mutex_lock(&registry_lock);
    c->ext[CLIENT_EXT_PUBSUB] = pc;
    pthread_mutex_unlock(&registry_lock);
    return pc;
}

static void ps_unref(struct ps_client *pc) {
    if (atomic_fetch_sub_explicit(&pc->refs, 1, memory_order_acq_rel) == 1) {
        for (int k = 0; k < PUBSUB_KINDS; k++) ptrset_free(&pc->topics[k]);
        wfree(pc);
    }
}

/* Write lock held: drop every subscription of c, silently (close, RESET). */
static void ps_drop_all_locked(struct ps_client *pc) {
    for (int k = 0; k < PUBSUB_KINDS; k++) {
        size_t n;
        struct ps_topic **ts = client_topics(pc, k, &n);
        for (size_t i = 0; i < n; i++) topic_unsubscribe(pc, k, ts[i]);
        wfree(ts);
    }
}

static void ps_update_mode(struct client *c, struct ps_client *pc) {
    long long total = 0;
    for (int k = 0; k < PUBSUB_KINDS; k++) total += (long long)pc->topics[k].count;
    if (total) atomic_fetch_or(&c->flags, CLIENT_PUBSUB);
    else atomic_fetch_and(&c->flags, ~CLIENT_PUBSUB);
}

/* The count a (un)subscribe reply carries: shard subscriptions for the S commands,
 * channels + patterns for the others (Redis 7.0). */
static long long ps_reply_count(const struct ps_client *pc, int kind) {
    if (kind == PUBSUB_SHARD) return (long long)pc->topics[PUBSUB_SHARD].count;
    return (long long)(pc->topics[PUBSUB_CHANNEL].count + pc->topics[PUBSUB_PATTERN].count);
}

static void ps_reply_event(struct client *c, const char *what, const char *name, size_t len, long long count) {
    reply_push(&c->out, 3);
    reply_bulk_cstr(&c->out, what);
    if (name) reply_bulk(&c->out, name, len);
    else reply_null(&c->out);
    reply_int(&c->out, count);
}

void pubsub_subscribe(struct client *c, int kind, const struct arg *names, int n) {
    struct ps_client *pc = ps_make(c);
    pthread_rwlock_wrlock(&ps_lock);
    for (int i = 0; i < n; i++) {
        struct ps_topic *p = topic_get(kind, names[i].ptr, names[i].len);
        topic_subscribe(pc, kind, p);
        ps_reply_event(c, sub_reply[kind], names[i].ptr, names[i].len, ps_reply_count(pc, kind));
    }
    ps_update_mode(c, pc);
    pthread_rwlock_unlock(&ps_lock);
}

void pubsub_unsubscribe(struct client *c, int kind, const struct arg *names, int n) {
    struct ps_client *pc = ps_of(c);
    if (!pc && n == 0) { /* never subscribed: one reply with a null name */
        ps_reply_event(c, unsub_reply[kind], NULL, 0, 0);
        return;
    }
    if (!pc) {
        for (int i = 0; i < n; i++) ps_reply_event(c, unsub_reply[kind], names[i].ptr, names[i].len, 0);
        return;
    }
    pthread_rwlock_wrlock(&ps_lock);
    if (n == 0) {
        size_t cnt;
        struct ps_topic **ts = client_topics(pc, kind, &cnt);
        if (cnt == 0) ps_reply_event(c, unsub_reply[kind], NULL, 0, ps_reply_count(pc, kind));
        for (size_t i = 0; i < cnt; i++) {
            /* the count after removal, and the name before the topic may be freed */
            ps_reply_event(c, unsub_reply[kind], ts[i]->name, ts[i]->len, ps_reply_count(pc, kind) - 1);
            topic_unsubscribe(pc, kind, ts[i]);
        }
        wfree(ts);
    } else {
        struct ps_table *t = &tables[kind];
        for (int i = 0; i < n; i++) {
            struct ps_topic *p = topic_find(t, hash_bytes(names[i].ptr, names[i].len), names[i].ptr, names[i].len);
            if (p) topic_unsubscribe(pc, kind, p);
            ps_reply_event(c, unsub_reply[kind], names[i].ptr, names[i].len, ps_reply_count(pc, kind));
        }
    }
    ps_update_mode(c, pc);
    pthread_rwlock_unlock(&ps_lock);
}

void pubsub_client_closing(struct client *c) {
    struct ps_client *pc = ps_of(c);
    if (!pc) return;
    ps_drop_deferred(pc);
    pthread_rwlock_wrlock(&ps_lock);
    ps_drop_all_locked(pc);
    pthread_rwlock_unlock(&ps_lock);
    pc->c = NULL; /* mails still in flight see the client gone */
    pthread_mutex_lock(&registry_lock);
    c->ext[CLIENT_EXT_PUBSUB] = NULL;
    pthread_mutex_unlock(&registry_lock);
    ps_unref(pc);
}

static void pubsub_reset_hook(struct client *c) {
    struct ps_client *pc = ps_of(c);
    if (!pc) return;
    pthread_rwlock_wrlock(&ps_lock);
    ps_drop_all_locked(pc);
    pthread_rwlock_unlock(&ps_lock);
    atomic_fetch_and(&c->flags, ~CLIENT_PUBSUB);
}

void pubsub_client_counts(struct client *c, long long *sub, long long *psub, long long *ssub) {
    struct ps_client *pc = c->ext[CLIENT_EXT_PUBSUB];
    *sub = pc ? atomic_load_explicit(&pc->count[PUBSUB_CHANNEL], memory_order_relaxed) : 0;
    *psub = pc ? atomic_load_explicit(&pc->count[PUBSUB_PATTERN], memory_order_relaxed) : 0;
    *ssub = pc ? atomic_load_explicit(&pc->count[PUBSUB_SHARD], memory_order_relaxed) : 0;
}

/* ---------------------------------------------------------------- delivery */

static struct ps_msg *msg_new(const char *type, const char *pat, size_t plen, const char *ch, size_t chlen,
                              const char *msg, size_t mlen) {
    struct ps_msg *m = wmalloc(sizeof(*m) + plen + chlen + mlen);
    atomic_store_explicit(&m->refs, 1, memory_order_relaxed);
    m->type = type;
    m->plen = plen;
    m->chlen = chlen;
    m->mlen = mlen;
    if (plen) memcpy(m->data, pat, plen);
    memcpy(m->data + plen, ch, chlen);
    if (mlen) memcpy(m->data + plen + chlen, msg, mlen);
    return m;
}

static void msg_unref(struct ps_msg *m) {
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) wfree(m);
}

static void msg_write(struct client *c, const struct ps_msg *m) {
    struct reply *r = &c->out;
    reply_push(r, m->plen ? 4 : 3);
    reply_bulk_cstr(r, m->type);
    if (m->plen) reply_bulk(r, m->data, m->plen);
    reply_bulk(r, m->data + m->plen, m->chlen);
    reply_bulk(r, m->data + m->plen + m->chlen, m->mlen);
}

/* A subscriber may take a message now: not closing, and for RESP2 still in subscribe
 * mode (a message arriving after its last UNSUBSCRIBE would be read as a reply). */
static int ps_can_receive(const struct client *c) {
    int fl = atomic_load_explicit(&c->flags, memory_order_relaxed);
    if (fl & (CLIENT_CLOSE_ASAP | CLIENT_CLOSE_AFTER_REPLY)) return 0;
    return c->resp >= 3 || (fl & CLIENT_PUBSUB);
}

/* After appending a message: disconnect a subscriber past its output limits (the one
 * client-output-buffer-limit check, src/net/limits.c). */
static void ps_check_limits(struct ps_client *pc, struct client *c) {
    (void)pc;
    conn_check_output_limits(c);
}

static void ps_flush_later(struct ps_client *pc) {
    if (pc->flush_queued) return;
    pc->flush_queued = 1;
    atomic_fetch_add_explicit(&pc->refs, 1, memory_order_relaxed);
    if (flushq.n == flushq.cap) {
        flushq.cap = flushq.cap ? flushq.cap * 2 : 16;
        flushq.v = wrealloc(flushq.v, (size_t)flushq.cap * sizeof(*flushq.v));
    }
    flushq.v[flushq.n++] = pc;
}

/* Batch hook (owner thread, no locks held, after the batch's client events and mail):
 * write out every subscriber that received messages, closing those past their limits. */
static void ps_flush_pending(void) {
    if (!flushq.n) return;
    struct ps_flushq q = flushq;
    memset(&flushq, 0, sizeof(flushq));
    for (int i = 0; i < q.n; i++) {
        struct ps_client *pc = q.v[i];
        struct client *c = pc->c;
        pc->flush_queued = 0;
        if (c) {
            if (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_CLOSE_ASAP) conn_close(c);
            else conn_flush(c); /* may close it too (write error): pc->c becomes NULL */
        }
        ps_unref(pc);
    }
    wfree(q.v);
}

/* Mail handler, on the subscribers' worker: append every message; the writes happen
 * once per subscriber after the whole mailbox is drained (ps_flush_pending). */
static void ps_deliver_mail(void *arg) {
    struct ps_batch *b = arg;
    for (int i = 0; i < b->n; i++) {
        struct client *c = b->t[i].pc->c;
        if (!c || !ps_can_receive(c)) continue;
        msg_write(c, b->t[i].m);
        ps_check_limits(b->t[i].pc, c);
        ps_flush_later(b->t[i].pc);
    }
    for (int i = 0; i < b->n; i++) {
        msg_unref(b->t[i].m);
        ps_unref(b->t[i].pc);
    }
    if (b->t != b->first) wfree(b->t);
    wfree(b);
}

struct ps_route {
    struct ps_batch **batches; /* per worker id */
    struct worker *here;       /* the calling worker; NULL off the workers (active expiry) */
    struct ps_client *self;    /* the publisher, when it may get its own message at once */
};

static void ps_defer(struct ps_client *pc, struct ps_msg *m) {
    if (pc->ndeferred == pc->cap_deferred) {
        pc->cap_deferred = pc->cap_deferred ? pc->cap_deferred * 2 : 4;
        pc->deferred = wrealloc(pc->deferred, (size_t)pc->cap_deferred * sizeof(*pc->deferred));
    }
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    pc->deferred[pc->ndeferred++] = m;
}

/* Read lock held. Subscribers on this thread get the message at once (their socket is
 * written after the batch); the others through their worker's mailbox. */
static void ps_route_one(struct ps_route *rt, struct ps_client *pc, struct ps_msg *m) {
    if (pc->w == rt->here) {
        /* our own client: pc->c is stable, and set while subscribed */
        struct client *c = pc->c;
        if (c == ps_current && pc != rt->self) {
            ps_defer(pc, m);
            return;
        }
        if (ps_can_receive(c)) {
            msg_write(c, m);
            ps_check_limits(pc, c);
            if (c != ps_current) ps_flush_later(pc);
        }
        return;
    }
    int w = pc->w->id;
    struct ps_batch *b = rt->batches[w];
    if (!b) {
        b = rt->batches[w] = wmalloc(sizeof(*b));
        b->n = 0;
        b->cap = (int)(sizeof(b->first) / sizeof(b->first[0]));
        b->t = b->first;
    }
    if (b->n == b->cap) {
        struct ps_target *t = wmalloc((size_t)b->cap * 2 * sizeof(*t));
        memcpy(t, b->t, (size_t)b->n * sizeof(*t));
        if (b->t != b->first) wfree(b->t);
        b->t = t;
        b->cap *= 2;
    }
    atomic_fetch_add_explicit(&pc->refs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    b->t[b->n].pc = pc;
    b->t[b->n].m = m;
    b->n++;
}

int pubsub_has_subscribers(void) {
    return atomic_load_explicit(&name_counts[PUBSUB_CHANNEL], memory_order_relaxed) ||
           atomic_load_explicit(&name_counts[PUBSUB_PATTERN], memory_order_relaxed);
}

long long pubsub_publish(int kind, const char *ch, size_t chlen, const char *msg, size_t mlen,
                         struct client *publisher) {
    int shard = kind == PUBSUB_SHARD;
    if (shard ? !atomic_load_explicit(&name_counts[PUBSUB_SHARD], memory_order_relaxed) : !pubsub_has_subscribers())
        return 0;
    int nw = worker_count();
    struct ps_batch *stack_batches[64];
    struct ps_route rt = {.batches = nw <= 64 ? stack_batches : wcalloc((size_t)nw, sizeof(struct ps_batch *)),
                          .here = worker_self(),
                          .self = NULL};
    if (nw <= 64) memset(stack_batches, 0, sizeof(stack_batches));
    /* a RESP3 publisher subscribed to its channel gets the message before its reply, as
     * Redis; inside EXEC it waits for the end of EXEC's array (ps_defer) */
    if (publisher && publisher == ps_current &&
        !(atomic_load_explicit(&publisher->flags, memory_order_relaxed) & CLIENT_IN_MULTI))
        rt.self = ps_of(publisher);
    long long receivers = 0;
    pthread_rwlock_rdlock(&ps_lock);
    const struct ps_table *t = &tables[shard ? PUBSUB_SHARD : PUBSUB_CHANNEL];
    struct ps_topic *p = topic_find(t, hash_bytes(ch, chlen), ch, chlen);
    if (p) {
        struct ps_msg *m = msg_new(shard ? "smessage" : "message", NULL, 0, ch, chlen, msg, mlen);
        for (int i = 0; i < p->nsubs; i++) ps_route_one(&rt, p->subs[i], m);
        receivers += p->nsubs;
        msg_unref(m);
    }
    const struct ps_table *pt = &tables[PUBSUB_PATTERN];
    if (!shard && pt->count) {
        for (size_t bkt = 0; bkt < pt->nbuckets; bkt++)
            for (struct ps_topic *q = pt->buckets[bkt]; q; q = q->next) {
                if (!glob_match(q->name, q->len, ch, chlen, 0)) continue;
                struct ps_msg *m = msg_new("pmessage", q->name, q->len, ch, chlen, msg, mlen);
                for (int i = 0; i < q->nsubs; i++) ps_route_one(&rt, q->subs[i], m);
                receivers += q->nsubs;
                msg_unref(m);
            }
    }
    pthread_rwlock_unlock(&ps_lock);
    for (int w = 0; w < nw; w++)
        if (rt.batches[w]) worker_post(worker_get(w), ps_deliver_mail, rt.batches[w]);
    if (rt.batches != stack_batches) wfree(rt.batches);
    return receivers;
}

static void ps_drop_deferred(struct ps_client *pc) {
    for (int i = 0; i < pc->ndeferred; i++) msg_unref(pc->deferred[i]);
    wfree(pc->deferred);
    pc->deferred = NULL;
    pc->ndeferred = pc->cap_deferred = 0;
}

void pubsub_command_start(struct client *c) { ps_current = c; }

void pubsub_command_end(struct client *c) {
    ps_current = NULL;
    struct ps_client *pc = ps_of(c);
    if (!pc || !pc->ndeferred) return;
    for (int i = 0; i < pc->ndeferred; i++) {
        if (!ps_can_receive(c)) break;
        msg_write(c, pc->deferred[i]);
        ps_check_limits(pc, c);
    }
    ps_drop_deferred(pc);
}

/* ---------------------------------------------------------------- introspection */

void pubsub_reply_names(struct reply *r, int kind, const char *pat, size_t plen) {
    reply_deferred d = reply_defer_len(r);
    long long n = 0;
    pthread_rwlock_rdlock(&ps_lock);
    const struct ps_table *t = &tables[kind];
    for (size_t b = 0; b < t->nbuckets; b++)
        for (struct ps_topic *p = t->buckets[b]; p; p = p->next) {
            if (pat && !glob_match(pat, plen, p->name, p->len, 0)) continue;
            reply_bulk(r, p->name, p->len);
            n++;
        }
    pthread_rwlock_unlock(&ps_lock);
    reply_set_deferred_array(r, d, n);
}

long long pubsub_subscriber_count(int kind, const char *name, size_t len) {
    pthread_rwlock_rdlock(&ps_lock);
    struct ps_topic *p = topic_find(&tables[kind], hash_bytes(name, len), name, len);
    long long n = p ? p->nsubs : 0;
    pthread_rwlock_unlock(&ps_lock);
    return n;
}

long long pubsub_name_count(int kind) { return atomic_load_explicit(&name_counts[kind], memory_order_relaxed); }

int pubsub_allowed_in_context(const struct command *cmd) {
    static const char *const allowed[] = {"ping",         "subscribe",    "ssubscribe", "psubscribe", "unsubscribe",
                                          "sunsubscribe", "punsubscribe", "quit",       "reset",      NULL};
    if (cmd->parent) return 0;
    for (int i = 0; allowed[i]; i++)
        if (!strcmp(cmd->name, allowed[i])) return 1;
    return 0;
}

void pubsub_init(void) {
    client_add_reset_hook(pubsub_reset_hook);
    worker_add_batch_hook(ps_flush_pending);
    keyspace_notify_init();
}
