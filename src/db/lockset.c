/* lockset.c — see lockset.h. */
#include "db/lockset.h"
#include "db/db.h"
#include "util/alloc.h"
#include <assert.h>
#include <stdlib.h>

static _Thread_local uint8_t *held_bits; /* one bit per global shard id */
static _Thread_local size_t held_bytes;

void lockset_thread_init(void) {
    size_t need = ((size_t)db_count() * DB_SHARDS + 7) / 8;
    if (held_bytes >= need) return;
    held_bits = wrealloc(held_bits, need);
    for (size_t i = held_bytes; i < need; i++) held_bits[i] = 0;
    held_bytes = need;
}

void lockset_thread_free(void) {
    wfree(held_bits);
    held_bits = NULL;
    held_bytes = 0;
}

static inline int bit_get(uint32_t id) { return (held_bits[id >> 3] >> (id & 7)) & 1; }
static inline void bit_set(uint32_t id, int v) {
    if (v) held_bits[id >> 3] |= (uint8_t)(1u << (id & 7));
    else held_bits[id >> 3] &= (uint8_t) ~(1u << (id & 7));
}

static pthread_mutex_t *lock_of(uint32_t id) {
    return &db_get((int)(id / DB_SHARDS))->shards[id % DB_SHARDS].lock;
}

void lockset_init(struct lockset *ls) {
    ls->ids = ls->taken = NULL;
    ls->n = ls->cap = ls->ntaken = ls->taken_cap = 0;
}

void lockset_free(struct lockset *ls) {
    wfree(ls->ids);
    wfree(ls->taken);
    lockset_init(ls);
}

void lockset_clear(struct lockset *ls) { ls->n = 0; }

static void lockset_push(struct lockset *ls, uint32_t id) {
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? ls->cap * 2 : 16;
        ls->ids = wrealloc(ls->ids, (size_t)ls->cap * sizeof(uint32_t));
    }
    ls->ids[ls->n++] = id;
}

void lockset_add_key(struct lockset *ls, int dbid, const char *key, size_t klen) {
    lockset_push(ls, db_lock_id(dbid, db_shard_index(ktable_hash(key, klen))));
}

void lockset_add_db(struct lockset *ls, int dbid) {
    for (uint32_t s = 0; s < DB_SHARDS; s++) lockset_push(ls, db_lock_id(dbid, s));
}

void lockset_add_all(struct lockset *ls) {
    for (int d = 0; d < db_count(); d++) lockset_add_db(ls, d);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

void lockset_acquire(struct lockset *ls) {
    if (!held_bits) lockset_thread_init();
    if (ls->n > 1) qsort(ls->ids, (size_t)ls->n, sizeof(uint32_t), cmp_u32);
    if (ls->taken_cap < ls->n) {
        ls->taken_cap = ls->n;
        ls->taken = wrealloc(ls->taken, (size_t)ls->taken_cap * sizeof(uint32_t));
    }
    ls->ntaken = 0;
    uint32_t prev = UINT32_MAX;
    for (int i = 0; i < ls->n; i++) {
        uint32_t id = ls->ids[i];
        if (id == prev) continue;
        prev = id;
        if (bit_get(id)) continue; /* held by an enclosing lockset (EXEC) */
        pthread_mutex_lock(lock_of(id));
        bit_set(id, 1);
        ls->taken[ls->ntaken++] = id;
    }
}

void lockset_release(struct lockset *ls) {
    for (int i = ls->ntaken - 1; i >= 0; i--) {
        bit_set(ls->taken[i], 0);
        pthread_mutex_unlock(lock_of(ls->taken[i]));
    }
    ls->ntaken = 0;
}

int shard_held(int dbid, uint32_t shard) {
    if (!held_bits) lockset_thread_init();
    return bit_get(db_lock_id(dbid, shard));
}

int shard_lock_once(int dbid, uint32_t shard) {
    if (!held_bits) lockset_thread_init();
    uint32_t id = db_lock_id(dbid, shard);
    if (bit_get(id)) return 0;
    pthread_mutex_lock(lock_of(id));
    bit_set(id, 1);
    return 1;
}

void shard_unlock_taken(int dbid, uint32_t shard) {
    uint32_t id = db_lock_id(dbid, shard);
    assert(bit_get(id));
    bit_set(id, 0);
    pthread_mutex_unlock(lock_of(id));
}
