/* watch.c — see watch.h.
 *
 * Layout: WATCH_STRIPES stripes, each a mutex and a chained hash table of
 * watched_key records (one per watched (db, key)); each record holds a doubly linked
 * list of watch_node (one per watching client). A client's nodes are also chained in
 * its watch_list (owner thread only), so UNWATCH never searches.
 *
 * The `expired` mark of a node (the key existed but was already expired when WATCHed)
 * follows Redis 7.0: deleting such a key by expiry is not a change, and EXEC fails if
 * a key that was live at WATCH time is found expired. It is read and written under
 * the stripe lock. */
#include "db/watch.h"
#include "db/db.h"
#include "db/lockset.h"
#include "db/notify.h"
#include "util/alloc.h"
#include "util/siphash.h"
#include <pthread.h>
#include <string.h>

#define WATCH_STRIPES 64
#define WATCH_STRIPE_BITS 6

struct watched_key {
    struct watched_key *next; /* hash chain */
    struct watch_node *nodes; /* watchers */
    uint64_t hash;
    int dbid;
    size_t klen;
    char key[];
};

struct watch_node {
    struct watch_node *cnext;         /* the client's list (owner thread) */
    struct watch_node *knext, *kprev; /* the key's watchers (stripe lock) */
    struct watched_key *wk;
    struct watch_list *wl;
    int expired; /* stripe lock */
};

struct watch_stripe {
    pthread_mutex_t lock;
    struct watched_key **buckets;
    size_t nbuckets, count;
} __attribute__((aligned(64)));

static struct watch_stripe stripes[WATCH_STRIPES];
/* Watched (db, key) records; the listener skips all work while it is 0. Changed under
 * a stripe lock while the key's shard lock is held, so a writer holding that shard
 * lock reads an up-to-date value even with a relaxed load. */
static _Atomic long long watched_total;

static uint64_t watch_hash(int dbid, const char *key, size_t klen) {
    return hash_bytes(key, klen) + (uint64_t)(unsigned)dbid * 0x9E3779B97F4A7C15ULL;
}

static struct watch_stripe *stripe_of(uint64_t h) { return &stripes[h & (WATCH_STRIPES - 1)]; }

static size_t bucket_of(const struct watch_stripe *s, uint64_t h) {
    return (size_t)(h >> WATCH_STRIPE_BITS) & (s->nbuckets - 1);
}

/* Stripe lock held. */
static struct watched_key *stripe_find(struct watch_stripe *s, uint64_t h, int dbid, const char *key, size_t klen) {
    if (!s->nbuckets) return NULL;
    for (struct watched_key *wk = s->buckets[bucket_of(s, h)]; wk; wk = wk->next)
        if (wk->hash == h && wk->dbid == dbid && wk->klen == klen && memcmp(wk->key, key, klen) == 0) return wk;
    return NULL;
}

/* Stripe lock held: double the bucket array when the load passes 1. */
static void stripe_grow(struct watch_stripe *s) {
    size_t nb = s->nbuckets ? s->nbuckets * 2 : 16;
    struct watched_key **b = wcalloc(nb, sizeof(*b));
    for (size_t i = 0; i < s->nbuckets; i++) {
        struct watched_key *wk = s->buckets[i];
        while (wk) {
            struct watched_key *next = wk->next;
            size_t j = (size_t)(wk->hash >> WATCH_STRIPE_BITS) & (nb - 1);
            wk->next = b[j];
            b[j] = wk;
            wk = next;
        }
    }
    wfree(s->buckets);
    s->buckets = b;
    s->nbuckets = nb;
}

/* Stripe lock held: unlink and free a record that has no watchers left. */
static void stripe_remove(struct watch_stripe *s, struct watched_key *wk) {
    struct watched_key **pp = &s->buckets[bucket_of(s, wk->hash)];
    while (*pp != wk) pp = &(*pp)->next;
    *pp = wk->next;
    s->count--;
    atomic_fetch_sub_explicit(&watched_total, 1, memory_order_relaxed);
    wfree(wk);
}

/* The entry stored under key, live or expired, without the lazy expiry of db_find
 * (WATCH must not delete anything). Caller holds the key's shard lock. */
static entry *watch_peek(int dbid, const char *key, size_t klen) {
    struct db *db = db_get(dbid);
    if (!db) return NULL;
    uint64_t h = ktable_hash(key, klen);
    entry **link = ktable_find(&db_shard_of(db, h)->kt, h, key, klen, NULL);
    return link ? *link : NULL;
}

static void mark_dirty(struct watch_node *n) {
    atomic_store_explicit(&n->wl->dirty, 1, memory_order_release);
}

/* Keyspace listener: any write to a watched key marks its watchers (shard lock held). */
static void watch_on_event(int dbid, const char *key, size_t klen, int type, const char *event) {
    (void)event;
    if (type == NOTIFY_KEY_MISS) return; /* a read */
    if (atomic_load_explicit(&watched_total, memory_order_relaxed) == 0) return;
    uint64_t h = watch_hash(dbid, key, klen);
    struct watch_stripe *s = stripe_of(h);
    pthread_mutex_lock(&s->lock);
    struct watched_key *wk = stripe_find(s, h, dbid, key, klen);
    for (struct watch_node *n = wk ? wk->nodes : NULL; n; n = n->knext) {
        if (n->expired && type == NOTIFY_EXPIRED) {
            /* it was already logically gone when watched: its removal changes nothing */
            n->expired = 0;
            continue;
        }
        mark_dirty(n);
    }
    pthread_mutex_unlock(&s->lock);
}

void watch_init(void) {
    for (int i = 0; i < WATCH_STRIPES; i++) pthread_mutex_init(&stripes[i].lock, NULL);
    keyspace_add_listener(watch_on_event);
}

void watch_list_init(struct watch_list *wl) {
    wl->head = NULL;
    wl->count = 0;
    atomic_store(&wl->dirty, 0);
}

void watch_key(struct watch_list *wl, int dbid, const char *key, size_t klen) {
    entry *e = watch_peek(dbid, key, klen);
    int expired = e && db_entry_expired(e, db_now_ms());
    uint64_t h = watch_hash(dbid, key, klen);
    struct watch_stripe *s = stripe_of(h);
    pthread_mutex_lock(&s->lock);
    struct watched_key *wk = stripe_find(s, h, dbid, key, klen);
    if (wk) {
        for (struct watch_node *n = wk->nodes; n; n = n->knext)
            if (n->wl == wl) {
                pthread_mutex_unlock(&s->lock);
                return;
            }
    } else {
        if (s->count >= s->nbuckets) stripe_grow(s);
        wk = wmalloc(sizeof(*wk) + klen);
        wk->hash = h;
        wk->dbid = dbid;
        wk->klen = klen;
        memcpy(wk->key, key, klen);
        wk->nodes = NULL;
        size_t b = bucket_of(s, h);
        wk->next = s->buckets[b];
        s->buckets[b] = wk;
        s->count++;
        atomic_fetch_add_explicit(&watched_total, 1, memory_order_relaxed);
    }
    struct watch_node *n = wmalloc(sizeof(*n));
    n->wk = wk;
    n->wl = wl;
    n->expired = expired;
    n->kprev = NULL;
    n->knext = wk->nodes;
    if (wk->nodes) wk->nodes->kprev = n;
    wk->nodes = n;
    pthread_mutex_unlock(&s->lock);
    n->cnext = wl->head;
    wl->head = n;
    wl->count++;
}

void watch_unwatch_all(struct watch_list *wl) {
    struct watch_node *n = wl->head;
    while (n) {
        struct watch_node *next = n->cnext;
        struct watched_key *wk = n->wk;
        struct watch_stripe *s = stripe_of(wk->hash);
        pthread_mutex_lock(&s->lock);
        if (n->kprev) n->kprev->knext = n->knext;
        else wk->nodes = n->knext;
        if (n->knext) n->knext->kprev = n->kprev;
        if (!wk->nodes) stripe_remove(s, wk);
        pthread_mutex_unlock(&s->lock);
        wfree(n);
        n = next;
    }
    wl->head = NULL;
    wl->count = 0;
    /* no node of ours is reachable any more, so no thread can set the flag again */
    atomic_store(&wl->dirty, 0);
}

void watch_add_locks(const struct watch_list *wl, struct lockset *ls) {
    for (const struct watch_node *n = wl->head; n; n = n->cnext) lockset_add_key(ls, n->wk->dbid, n->wk->key, n->wk->klen);
}

int watch_must_abort(struct watch_list *wl, long long now_ms) {
    if (atomic_load_explicit(&wl->dirty, memory_order_acquire)) return 1;
    for (struct watch_node *n = wl->head; n; n = n->cnext) {
        struct watch_stripe *s = stripe_of(n->wk->hash);
        pthread_mutex_lock(&s->lock);
        int was_expired = n->expired;
        pthread_mutex_unlock(&s->lock);
        if (was_expired) continue;
        entry *e = watch_peek(n->wk->dbid, n->wk->key, n->wk->klen);
        if (e && db_entry_expired(e, now_ms)) return 1; /* live when watched, expired now */
    }
    return 0;
}

/* ---- whole-db signals (FLUSHDB, FLUSHALL, SWAPDB) ---- */

struct key_copy {
    char *key; /* owned */
    size_t klen;
};

/* Copies of every key watched in db `dbid` (stripe locks taken one at a time). */
static struct key_copy *collect_db_keys(int dbid, size_t *count) {
    struct key_copy *out = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < WATCH_STRIPES; i++) {
        struct watch_stripe *s = &stripes[i];
        pthread_mutex_lock(&s->lock);
        for (size_t b = 0; b < s->nbuckets; b++)
            for (struct watched_key *wk = s->buckets[b]; wk; wk = wk->next) {
                if (wk->dbid != dbid) continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    out = wrealloc(out, cap * sizeof(*out));
                }
                out[n].key = wmemdup(wk->key, wk->klen);
                out[n].klen = wk->klen;
                n++;
            }
        pthread_mutex_unlock(&s->lock);
    }
    *count = n;
    return out;
}

/* Redis 7.0's rule for a watched key of db `emptied` whose content is replaced by that
 * of db `with` (-1: by nothing). Shard locks of the key in both dbs are held. */
static void touch_one(int emptied, int with, const char *key, size_t klen, long long now) {
    entry *old = watch_peek(emptied, key, klen);
    entry *repl = with >= 0 ? watch_peek(with, key, klen) : NULL;
    if (!old && !repl) return; /* absent before and after: nothing changes */
    int repl_expired = repl && db_entry_expired(repl, now);
    uint64_t h = watch_hash(emptied, key, klen);
    struct watch_stripe *s = stripe_of(h);
    pthread_mutex_lock(&s->lock);
    struct watched_key *wk = stripe_find(s, h, emptied, key, klen);
    for (struct watch_node *n = wk ? wk->nodes : NULL; n; n = n->knext) {
        if (n->expired) {
            if (!repl) { /* an expired key deleted: no logical change */
                n->expired = 0;
                continue;
            }
            if (repl_expired) continue; /* expired before, expired after */
        } else if (!old && repl_expired) {
            n->expired = 1; /* absent, replaced by an already expired key */
            continue;
        }
        mark_dirty(n);
    }
    pthread_mutex_unlock(&s->lock);
}

static void touch_pass(int emptied, int with) {
    if (atomic_load_explicit(&watched_total, memory_order_relaxed) == 0) return;
    size_t n;
    struct key_copy *keys = collect_db_keys(emptied, &n);
    long long now = db_now_ms();
    /* the key's shard in both dbs, lower db first (ascending lock ids); no-ops when
     * the caller already holds them (FLUSHDB, FLUSHALL and SWAPDB do) */
    int lo = with >= 0 && with < emptied ? with : emptied;
    int hi = lo == emptied ? with : emptied;
    for (size_t i = 0; i < n; i++) {
        uint32_t sh = db_shard_index(ktable_hash(keys[i].key, keys[i].klen));
        int took_lo = shard_lock_once(lo, sh);
        int took_hi = hi >= 0 ? shard_lock_once(hi, sh) : 0;
        touch_one(emptied, with, keys[i].key, keys[i].klen, now);
        if (took_hi) shard_unlock_taken(hi, sh);
        if (took_lo) shard_unlock_taken(lo, sh);
        wfree(keys[i].key);
    }
    wfree(keys);
}

void watch_touch_db(int dbid) { touch_pass(dbid, -1); }

void watch_touch_swapdb(int a, int b) {
    if (a == b) return;
    /* both passes look at the contents before the swap */
    touch_pass(a, b);
    touch_pass(b, a);
}

long long watch_keys_total(void) { return atomic_load_explicit(&watched_total, memory_order_relaxed); }
