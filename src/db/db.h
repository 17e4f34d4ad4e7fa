/* db.h — the keyspace: `databases` databases, each split into DB_SHARDS shards that
 * own a hash table (ktable), a count of keys with a TTL, and a lock.
 *
 * Locking rule: every function here whose name does not say otherwise must be called
 * with the lock of the key's shard held by the calling thread (dispatch takes the
 * locks of a command's keys in ascending shard order before the command runs; see
 * lockset.h). Functions named db_walk_* / db_*_all take shard locks themselves, one
 * at a time, skipping locks the thread already holds (EXEC).
 *
 * Expiry is lazy on every lookup (an expired entry found is deleted and not returned)
 * and active (expire.c). Times are wall-clock Unix milliseconds; a command sees one
 * fixed "now" for its whole run (db_now_ms), as Redis's command time. */
#ifndef WARDEN_DB_H
#define WARDEN_DB_H
#include "db/entry.h"
#include "db/ktable.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define DB_SHARD_BITS 8
#define DB_SHARDS (1 << DB_SHARD_BITS)

struct shard {
    pthread_mutex_t lock;
    struct ktable kt;
    uint64_t volatile_keys;  /* entries with a TTL */
    uint64_t expire_cursor;  /* active expiry's scan position */
} __attribute__((aligned(64)));

struct db {
    int id;
    struct shard shards[DB_SHARDS];
};

void db_init_all(int count);
void db_free_all(void); /* at exit, for leak checkers */
int db_count(void);
struct db *db_get(int id);      /* NULL if out of range */
static inline uint32_t db_shard_index(uint64_t hash) { return (uint32_t)(hash & (DB_SHARDS - 1)); }
static inline struct shard *db_shard_of(struct db *db, uint64_t hash) { return &db->shards[db_shard_index(hash)]; }
/* Global lock id of a db's shard: lock order is ascending id. */
static inline uint32_t db_lock_id(int dbid, uint32_t shard) { return (uint32_t)dbid * DB_SHARDS + shard; }

/* The current command's time (set by dispatch); clock_ms() outside commands. */
long long db_now_ms(void);
void db_set_command_time(long long ms); /* 0: use the live clock */
uint32_t db_lru_clock(void);
void db_update_lru_clock(void);

#define LOOKUP_NOTOUCH 1 /* do not update the access time (OBJECT IDLETIME, TYPE, TTL...) */
/* Find a live key (deleting it first if expired). */
entry *db_find(struct db *db, const char *key, size_t klen, int flags);
/* Same, counting keyspace_hits / keyspace_misses as Redis's read lookups do. */
entry *db_find_read(struct db *db, const char *key, size_t klen);
/* Store `e` under its key, replacing (and freeing) any old value. With keep_ttl the old
 * TTL carries over. Returns the stored entry (may differ from `e` when a TTL was kept). */
entry *db_put(struct db *db, entry *e, int keep_ttl);
/* Add `e` whose key must not exist. */
void db_add(struct db *db, entry *e);
/* Delete a key; returns 1 if it existed (and was live). */
int db_delete(struct db *db, const char *key, size_t klen);
/* Remove a key and hand its entry to the caller (NULL if absent). */
entry *db_take(struct db *db, const char *key, size_t klen);
/* Replace entry `old` (in the table) by `repl` with the same key; returns `old`, unlinked,
 * for the caller to free as fits (entry_free or entry_free_shell). */
entry *db_swap_entry(struct db *db, entry *old, entry *repl);
/* Set (when_ms >= 0) or remove (when_ms < 0) a key's TTL; returns the entry now stored. */
entry *db_set_expire(struct db *db, entry *e, long long when_ms);
static inline int db_entry_expired(const entry *e, long long now) {
    return (e->flags & ENTRY_F_EXPIRE) && entry_expire(e) <= now;
}

/* ---- whole-keyspace work: takes shard locks itself ---- */
long long db_size_all(struct db *db);           /* DBSIZE */
long long db_volatile_all(struct db *db);
/* SCAN over the whole db: cursor layout is (bucket cursor << DB_SHARD_BITS) | shard.
 * Calls fn for each entry visited (live or not: check expiry yourself), under the lock. */
uint64_t db_scan_step(struct db *db, uint64_t cursor, ktable_scan_fn fn, void *priv);
/* Visit every entry of the db exactly once (KEYS): shard by shard, each shard's whole
 * table under one hold of its lock, so a shard cannot resize mid-walk and no entry is
 * reported twice. Entries may be expired: check yourself. fn must not modify the table. */
void db_walk_all(struct db *db, ktable_scan_fn fn, void *priv);
/* RANDOMKEY: a copy of a random live key (wfree it), or NULL if the db is empty. */
char *db_random_key(struct db *db, size_t *klen);
/* Empty a db. async: the old tables are freed by the background thread. */
void db_flush(struct db *db, int async);
/* SWAPDB: swap the contents of two dbs (caller holds every shard of both). */
void db_swap_contents(struct db *a, struct db *b);
/* Active expiry: sample/scan shards with TTLs, delete what is due; returns keys expired.
 * Stops after about `budget_us` microseconds. Takes locks itself. */
long long db_active_expire_cycle(long long budget_us);
/* DEBUG SET-ACTIVE-EXPIRE: 0 stops the active cycle (lazy expiry still applies). */
void db_active_expire_set_enabled(int on);
/* Background freeing (UNLINK of big values, FLUSHALL ASYNC). */
void db_lazyfree_entry(entry *e);
void db_lazyfree_table(struct ktable *kt); /* takes the table's contents */
void db_lazyfree_start(void);

/* ---- write gate for point-in-time snapshots (persist/snapshot.c) ----
 * While a snapshot runs, a shard it has not serialized yet must be serialized before
 * anything in it changes: every path that changes a shard calls db_cow_before_write
 * with the shard lock held (dispatch does it for write commands right after taking
 * their locks; expiry, flush and swap do it here). With no snapshot running the cost
 * is one relaxed atomic load. DB_GATE_FROZEN: the final save before shutdown is done,
 * so dispatch refuses further writes. */
#define DB_GATE_COW 1
#define DB_GATE_FROZEN 2
extern _Atomic int db_write_gate;
struct db_cow_hooks {
    void (*before_write)(int dbid, uint32_t shard);                   /* shard lock held */
    int (*adopt_table)(int dbid, uint32_t shard, struct ktable *kt);  /* flush: 1 = took the table */
};
void db_set_cow_hooks(const struct db_cow_hooks *h); /* at start-up, before threads */
void db_cow_before_write_slow(int dbid, uint32_t shard);
static inline void db_cow_before_write(int dbid, uint32_t shard) {
    if (atomic_load_explicit(&db_write_gate, memory_order_relaxed) & DB_GATE_COW) db_cow_before_write_slow(dbid, shard);
}
void db_lazyfree_stop(void);
long long db_lazyfree_pending(void);
#endif
