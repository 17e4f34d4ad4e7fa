/* evict.c — see evict.h.
 *
 * One eviction round: pick a random shard index, and in every database lock that shard,
 * sample up to maxmemory-samples entries that the policy may evict, score them
 * (higher = better to evict) and merge them into the call's candidate pool; unlock.
 * Then lock the best candidate's shard, look the key up again (it may have gone or
 * changed meanwhile), delete it, emit "evicted" and count it. Random policies skip the
 * pool and delete a sampled entry directly. Keys are spread over shards by a keyed hash,
 * so a shard's entries are a uniform sample of the keyspace. */
#include "db/evict.h"
#include "db/db.h"
#include "db/lockset.h"
#include "db/notify.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EVICT_POOL_SIZE 16
#define EVICT_SAMPLES_MAX 64   /* maxmemory-samples is capped here per shard visit */
#define EVICT_EMPTY_ROUNDS 64  /* rounds tried in a row without a candidate */
#define EVICT_SHARDS_PER_ROUND 8

/* ---- the access clock ---- */

static _Thread_local uint64_t evict_rng_state;

/* xorshift64*: a cheap per-thread generator for the LFU coin flip and sampling. */
static uint64_t evict_rand(void) {
    uint64_t x = evict_rng_state;
    if (x == 0) x = (uint64_t)clock_mono_us() * 0x9E3779B97F4A7C15ULL | 1;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    evict_rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint32_t evict_minutes(void) { return (uint32_t)(clock_ms() / 60000) & 0xFFFF; }

unsigned evict_lfu_decayed(uint32_t lru) {
    unsigned counter = lru & 0xFF;
    uint32_t last = (lru >> 8) & 0xFFFF, now = evict_minutes();
    uint32_t elapsed = now >= last ? now - last : 0xFFFF - last + now;
    int decay = atomic_load_explicit(&server_config.lfu_decay_time, memory_order_relaxed);
    uint32_t periods = decay > 0 ? elapsed / (uint32_t)decay : 0;
    return periods >= counter ? 0 : counter - periods;
}

static unsigned evict_lfu_increment(unsigned counter) {
    if (counter >= 255) return 255;
    int factor = atomic_load_explicit(&server_config.lfu_log_factor, memory_order_relaxed);
    double base = counter > EVICT_LFU_INIT ? (double)(counter - EVICT_LFU_INIT) : 0.0;
    double p = 1.0 / (base * (double)factor + 1.0);
    double r = (double)(evict_rand() >> 11) / 9007199254740992.0; /* [0, 1) */
    return r < p ? counter + 1 : counter;
}

uint32_t evict_clock_on_access(uint32_t old) {
    if (!evict_lfu_active()) return db_lru_clock();
    unsigned counter = evict_lfu_increment(evict_lfu_decayed(old));
    return (evict_minutes() << 8) | counter;
}

uint32_t evict_clock_new(void) {
    if (!evict_lfu_active()) return db_lru_clock();
    return (evict_minutes() << 8) | EVICT_LFU_INIT;
}

/* ---- candidates ---- */

struct evict_candidate {
    uint64_t score;
    int dbid;
    char *key; /* owned (wmemdup); NULL: empty slot */
    size_t klen;
};

struct evict_pool {
    struct evict_candidate c[EVICT_POOL_SIZE]; /* sorted by score, best last */
    int n;
    int policy; /* the policy the scores were computed under */
};

static int evict_volatile_only(int policy) {
    return policy == MAXMEMORY_VOLATILE_LRU || policy == MAXMEMORY_VOLATILE_LFU ||
           policy == MAXMEMORY_VOLATILE_RANDOM || policy == MAXMEMORY_VOLATILE_TTL;
}

static int evict_random_policy(int policy) {
    return policy == MAXMEMORY_ALLKEYS_RANDOM || policy == MAXMEMORY_VOLATILE_RANDOM;
}

static uint64_t evict_score(int policy, const entry *e) {
    switch (policy) {
    case MAXMEMORY_ALLKEYS_LFU:
    case MAXMEMORY_VOLATILE_LFU:
        return 255 - evict_lfu_decayed(e->lru);
    case MAXMEMORY_VOLATILE_TTL:
        /* the sooner it expires, the better */
        return UINT64_MAX - (uint64_t)entry_expire(e);
    default: { /* LRU: idle seconds, on the 24-bit wrapping clock */
        uint32_t now = db_lru_clock() & 0xFFFFFF, then = e->lru & 0xFFFFFF;
        return now >= then ? now - then : now + (0x1000000u - then);
    }
    }
}

static void evict_pool_free(struct evict_pool *p) {
    for (int i = 0; i < p->n; i++) wfree(p->c[i].key);
    p->n = 0;
}

/* Each worker keeps its pool between calls (as Redis keeps its one pool): the good
 * candidates seen while making room for one write serve the next ones. */
static _Thread_local struct evict_pool evict_thread_pool;

void evict_thread_free(void) { evict_pool_free(&evict_thread_pool); }

/* Insert a candidate, keeping the best EVICT_POOL_SIZE; a key already pooled is
 * re-scored instead of added twice. */
static void evict_pool_add(struct evict_pool *p, int dbid, const char *key, size_t klen, uint64_t score) {
    for (int i = 0; i < p->n; i++)
        if (p->c[i].dbid == dbid && p->c[i].klen == klen && memcmp(p->c[i].key, key, klen) == 0) {
            /* drop the old slot; re-inserted below with the fresh score */
            wfree(p->c[i].key);
            memmove(&p->c[i], &p->c[i + 1], (size_t)(p->n - i - 1) * sizeof(p->c[0]));
            p->n--;
            break;
        }
    if (p->n == EVICT_POOL_SIZE) {
        if (score <= p->c[0].score) return; /* worse than the worst kept */
        wfree(p->c[0].key);
        memmove(&p->c[0], &p->c[1], (size_t)(p->n - 1) * sizeof(p->c[0]));
        p->n--;
    }
    int at = p->n;
    while (at > 0 && p->c[at - 1].score > score) at--;
    memmove(&p->c[at + 1], &p->c[at], (size_t)(p->n - at) * sizeof(p->c[0]));
    p->c[at] = (struct evict_candidate){.score = score, .dbid = dbid, .key = wmemdup(key, klen), .klen = klen};
    p->n++;
}

/* Sample shard s of db into the pool (or, for random policies, pick one entry and
 * return its key copy through *pick). Takes and releases the shard's lock. Returns the
 * number of eligible entries seen. */
static int evict_sample_shard(struct db *db, uint32_t s, int policy, int samples, struct evict_pool *pool,
                              char **pick, size_t *pick_len) {
    struct shard *sh = &db->shards[s];
    int volatile_only = evict_volatile_only(policy);
    int seen = 0;
    int took = shard_lock_once(db->id, s);
    uint64_t count = ktable_count(&sh->kt);
    if (count == 0 || (volatile_only && sh->volatile_keys == 0)) goto out;
    /* a small shard is not sampled more times than it has keys (draws repeat);
     * with few keys carrying a TTL, more draws are needed to find some */
    uint64_t eligible = volatile_only ? sh->volatile_keys : count;
    int want = eligible < (uint64_t)samples ? (int)eligible : samples;
    int draws = volatile_only ? want * 4 : want;
    for (int i = 0; i < draws && seen < want; i++) {
        entry *e = ktable_random(&sh->kt);
        if (!e) break;
        if (volatile_only && !entry_has_expire(e)) continue;
        seen++;
        if (evict_random_policy(policy)) {
            *pick_len = entry_keylen(e);
            *pick = wmemdup(entry_key(e), *pick_len);
            break;
        }
        evict_pool_add(pool, db->id, entry_key(e), entry_keylen(e), evict_score(policy, e));
    }
out:
    if (took) shard_unlock_taken(db->id, s);
    return seen;
}

/* Delete one key if it is still there, still eligible, and (pool policies) still as good
 * a candidate as when it was sampled. Returns 1 if evicted; 0 if gone or not eligible;
 * 2 if its score dropped (it was used meanwhile): *rescored then has the new score. */
static int evict_delete(int dbid, const char *key, size_t klen, int policy, uint64_t score, uint64_t *rescored) {
    struct db *db = db_get(dbid);
    if (!db) return 0;
    uint32_t s = db_shard_index(ktable_hash(key, klen));
    int took = shard_lock_once(dbid, s);
    int done = 0;
    entry *e = db_find(db, key, klen, LOOKUP_NOTOUCH);
    if (e && (!evict_volatile_only(policy) || entry_has_expire(e))) {
        uint64_t now_score = evict_random_policy(policy) ? score : evict_score(policy, e);
        if (now_score < score) {
            *rescored = now_score;
            done = 2;
        } else {
            db_cow_before_write(dbid, s); /* a running snapshot saves the shard as it was first */
            if ((e = db_take(db, key, klen)) == NULL) goto out;
            keyspace_event(dbid, key, klen, NOTIFY_EVICTED, "evicted");
            STAT_INC(evicted_keys);
            entry_free(e); /* synchronously: eviction must see the memory come back */
            done = 1;
        }
    }
out:
    if (took) shard_unlock_taken(dbid, s);
    return done;
}

/* Evict the pool's best candidate; returns 1 if a key went. Stale candidates (deleted,
 * or used since they were sampled) are dropped or re-ranked. */
static int evict_from_pool(struct evict_pool *pool, int policy) {
    for (int tries = 0; pool->n > 0 && tries < EVICT_POOL_SIZE * 2; tries++) {
        struct evict_candidate best = pool->c[--pool->n];
        uint64_t rescored = 0;
        int rc = evict_delete(best.dbid, best.key, best.klen, policy, best.score, &rescored);
        if (rc == 2) evict_pool_add(pool, best.dbid, best.key, best.klen, rescored);
        wfree(best.key);
        if (rc == 1) return 1;
    }
    return 0;
}

/* One eviction; returns 1 if a key was evicted, 0 if no candidate could be found.
 * A round samples random shards (every db's shard of that index) until `samples`
 * eligible keys were seen or EVICT_SHARDS_PER_ROUND shards were visited. */
static int evict_one(int policy, int samples, struct evict_pool *pool) {
    int ndb = db_count();
    for (int round = 0; round < EVICT_EMPTY_ROUNDS; round++) {
        int seen = 0;
        for (int visit = 0; visit < EVICT_SHARDS_PER_ROUND && seen < samples; visit++) {
            uint32_t s = (uint32_t)evict_rand() & (DB_SHARDS - 1);
            for (int d = 0; d < ndb; d++) {
                char *pick = NULL;
                size_t plen = 0;
                seen += evict_sample_shard(db_get(d), s, policy, samples, pool, &pick, &plen);
                if (pick) {
                    uint64_t unused;
                    int ok = evict_delete(d, pick, plen, policy, 0, &unused) == 1;
                    wfree(pick);
                    if (ok) return 1;
                }
            }
        }
        if (evict_from_pool(pool, policy)) return 1;
    }
    /* Nothing found by random shard picks: walk every shard once before giving up
     * (a nearly empty keyspace, or few volatile keys). */
    for (uint32_t s = 0; s < DB_SHARDS; s++)
        for (int d = 0; d < ndb; d++) {
            char *pick = NULL;
            size_t plen = 0;
            if (evict_sample_shard(db_get(d), s, policy, samples, pool, &pick, &plen) == 0) continue;
            if (pick) {
                uint64_t unused;
                int ok = evict_delete(d, pick, plen, policy, 0, &unused) == 1;
                wfree(pick);
                if (ok) return 1;
            }
            if (evict_from_pool(pool, policy)) return 1;
        }
    return 0;
}

/* Redis's eviction time budget per call from maxmemory-eviction-tenacity. */
static long long evict_time_limit_us(void) {
    int t = atomic_load_explicit(&server_config.maxmemory_eviction_tenacity, memory_order_relaxed);
    if (t <= 10) return 50LL * t;
    if (t < 100) return (long long)(500.0 * pow(1.15, t - 10.0));
    return -1; /* no limit */
}

int evict_over_limit(void) {
    long long max = atomic_load_explicit(&server_config.maxmemory, memory_order_relaxed);
    return max > 0 && alloc_used_memory() > max;
}

int evict_make_room(void) {
    long long max = atomic_load_explicit(&server_config.maxmemory, memory_order_relaxed);
    if (max <= 0) return EVICT_OK;
    long long used = alloc_used_memory();
    if (used <= max) return EVICT_OK;
    int policy = atomic_load_explicit(&server_config.maxmemory_policy, memory_order_relaxed);
    if (policy == MAXMEMORY_NOEVICTION) return EVICT_OOM;
    int samples = atomic_load_explicit(&server_config.maxmemory_samples, memory_order_relaxed);
    if (samples < 1) samples = 1;
    if (samples > EVICT_SAMPLES_MAX) samples = EVICT_SAMPLES_MAX;
    long long limit = evict_time_limit_us(), start = clock_mono_us();
    struct evict_pool *pool = &evict_thread_pool;
    /* candidates scored under another policy are meaningless now */
    if (pool->n && pool->policy != policy) evict_pool_free(pool);
    pool->policy = policy;
    long long evicted = 0;
    while (used > max) {
        if (!evict_one(policy, samples, pool)) break;
        evicted++;
        used = alloc_used_memory();
        /* check the clock every 16 keys, as Redis: at least 16 go per call */
        if (limit >= 0 && evicted % 16 == 0 && clock_mono_us() - start > limit) break;
    }
    if (used <= max) return EVICT_OK;
    /* out of time but progressing: let the command run (Redis's "eviction running") */
    return evicted > 0 ? EVICT_OK : EVICT_OOM;
}
