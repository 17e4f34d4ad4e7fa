/* db.c — the keyspace operations; see db.h for the locking rule. */
#include "db/db.h"
#include "db/evict.h"
#include "db/lockset.h"
#include "db/notify.h"
#include "db/watch.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include <stdatomic.h>
#include <stdlib.h>

_Atomic int db_write_gate;
static struct db_cow_hooks cow_hooks;
static struct db *dbs;
static int dbs_count;
static _Thread_local long long command_time_ms;
static _Atomic uint32_t lru_clock;

void db_init_all(int count) {
    dbs_count = count;
    dbs = wcalloc((size_t)count, sizeof(struct db));
    for (int d = 0; d < count; d++) {
        dbs[d].id = d;
        for (int s = 0; s < DB_SHARDS; s++) {
            pthread_mutex_init(&dbs[d].shards[s].lock, NULL);
            ktable_init(&dbs[d].shards[s].kt);
        }
    }
    db_update_lru_clock();
}

void db_free_all(void) {
    for (int d = 0; d < dbs_count; d++)
        for (int s = 0; s < DB_SHARDS; s++) {
            ktable_clear(&dbs[d].shards[s].kt);
            pthread_mutex_destroy(&dbs[d].shards[s].lock);
        }
    wfree(dbs);
    dbs = NULL;
    dbs_count = 0;
}

int db_count(void) { return dbs_count; }
struct db *db_get(int id) { return id >= 0 && id < dbs_count ? &dbs[id] : NULL; }

long long db_now_ms(void) { return command_time_ms ? command_time_ms : clock_ms(); }
void db_set_command_time(long long ms) { command_time_ms = ms; }
uint32_t db_lru_clock(void) { return atomic_load_explicit(&lru_clock, memory_order_relaxed); }
void db_update_lru_clock(void) {
    atomic_store_explicit(&lru_clock, (uint32_t)(clock_ms() / 1000) & 0xFFFFFF, memory_order_relaxed);
}

void db_set_cow_hooks(const struct db_cow_hooks *h) { cow_hooks = *h; }

void db_cow_before_write_slow(int dbid, uint32_t shard) {
    if (cow_hooks.before_write) cow_hooks.before_write(dbid, shard);
}

/* Unlink and free an expired entry found at `link`, with its event. */
static void db_expire_now(struct db *db, struct shard *sh, entry **link, int table) {
    /* a running snapshot whose instant predates the expiry must still see the key; the
     * hook only reads the table (ktable_scan), so `link` stays valid */
    db_cow_before_write(db->id, (uint32_t)(sh - db->shards));
    entry *e = ktable_unlink(&sh->kt, link, table);
    sh->volatile_keys--;
    STAT_INC(expired_keys);
    keyspace_event(db->id, entry_key(e), entry_keylen(e), NOTIFY_EXPIRED, "expired");
    entry_free(e);
}

/* Where `key` lives: OUT: *shp its shard, *hash (optional) its hash, *table which of
 * the shard's two tables holds it. Returns the link to its entry, or NULL if absent. */
static entry **db_locate(struct db *db, const char *key, size_t klen, struct shard **shp, uint64_t *hash,
                         int *table) {
    uint64_t h = ktable_hash(key, klen);
    *shp = db_shard_of(db, h);
    if (hash) *hash = h;
    return ktable_find(&(*shp)->kt, h, key, klen, table);
}

/* Link a new entry (key absent) into its shard, with the "new" key event. */
static void db_link_new(struct db *db, struct shard *sh, uint64_t hash, entry *e) {
    e->lru = evict_clock_new();
    ktable_insert(&sh->kt, hash, e);
    if (entry_has_expire(e)) sh->volatile_keys++;
    keyspace_event(db->id, entry_key(e), entry_keylen(e), NOTIFY_NEW, "new");
}

/* Put `repl` where the entry at `link` is, keeping the shard's count of keys with a
 * TTL; returns the entry taken out (not freed). */
static entry *db_replace_at(struct shard *sh, entry **link, entry *repl) {
    entry *old = ktable_replace(link, repl);
    if (entry_has_expire(old)) sh->volatile_keys--;
    if (entry_has_expire(repl)) sh->volatile_keys++;
    return old;
}

entry *db_find(struct db *db, const char *key, size_t klen, int flags) {
    struct shard *sh;
    int table;
    entry **link = db_locate(db, key, klen, &sh, NULL, &table);
    if (!link) return NULL;
    entry *e = *link;
    if (db_entry_expired(e, db_now_ms())) {
        db_expire_now(db, sh, link, table);
        return NULL;
    }
    if (!(flags & LOOKUP_NOTOUCH)) e->lru = evict_clock_on_access(e->lru);
    return e;
}

entry *db_find_read(struct db *db, const char *key, size_t klen) {
    entry *e = db_find(db, key, klen, 0);
    if (e) {
        STAT_INC(hits);
    } else {
        STAT_INC(misses);
        keyspace_event(db->id, key, klen, NOTIFY_KEY_MISS, "keymiss");
    }
    return e;
}

void db_add(struct db *db, entry *e) {
    uint64_t h = ktable_hash(entry_key(e), entry_keylen(e));
    db_link_new(db, db_shard_of(db, h), h, e);
}

entry *db_put(struct db *db, entry *e, int keep_ttl) {
    struct shard *sh;
    uint64_t h;
    int table;
    entry **link = db_locate(db, entry_key(e), entry_keylen(e), &sh, &h, &table);
    if (!link) {
        db_link_new(db, sh, h, e);
        return e;
    }
    entry *old = *link;
    int old_live = !db_entry_expired(old, db_now_ms());
    if (keep_ttl && old_live && entry_has_expire(old) && !entry_has_expire(e)) {
        entry *n = entry_with_expire(e, entry_expire(old));
        entry_free_shell(e);
        e = n;
    }
    /* an overwrite is an access: LFU keeps the key's history, as Redis does */
    e->lru = evict_lfu_active() ? evict_clock_on_access(old->lru) : db_lru_clock();
    entry_free(db_replace_at(sh, link, e));
    if (!old_live) keyspace_event(db->id, entry_key(e), entry_keylen(e), NOTIFY_NEW, "new");
    return e;
}

entry *db_take(struct db *db, const char *key, size_t klen) {
    struct shard *sh;
    int table;
    entry **link = db_locate(db, key, klen, &sh, NULL, &table);
    if (!link) return NULL;
    if (db_entry_expired(*link, db_now_ms())) {
        db_expire_now(db, sh, link, table);
        return NULL;
    }
    entry *e = ktable_unlink(&sh->kt, link, table);
    if (entry_has_expire(e)) sh->volatile_keys--;
    return e;
}

int db_delete(struct db *db, const char *key, size_t klen) {
    entry *e = db_take(db, key, klen);
    if (!e) return 0;
    if (entry_value_cost(e) > 64 * 1024) db_lazyfree_entry(e);
    else entry_free(e);
    return 1;
}

entry *db_swap_entry(struct db *db, entry *old, entry *repl) {
    struct shard *sh;
    int table;
    entry **link = db_locate(db, entry_key(old), entry_keylen(old), &sh, NULL, &table);
    /* `old` must be the stored entry: callers found it under the same lock */
    repl->lru = old->lru;
    return db_replace_at(sh, link, repl);
}

entry *db_set_expire(struct db *db, entry *e, long long when_ms) {
    if (when_ms < 0 && !entry_has_expire(e)) return e;
    if (when_ms >= 0 && entry_has_expire(e)) {
        memcpy(e->rest, &when_ms, 8); /* same size: update in place */
        return e;
    }
    entry *n = entry_with_expire(e, when_ms);
    entry_free_shell(db_swap_entry(db, e, n));
    return n;
}

long long db_size_all(struct db *db) {
    long long n = 0;
    for (uint32_t s = 0; s < DB_SHARDS; s++) {
        int took = shard_lock_once(db->id, s);
        n += (long long)ktable_count(&db->shards[s].kt);
        if (took) shard_unlock_taken(db->id, s);
    }
    return n;
}

long long db_volatile_all(struct db *db) {
    long long n = 0;
    for (uint32_t s = 0; s < DB_SHARDS; s++) {
        int took = shard_lock_once(db->id, s);
        n += (long long)db->shards[s].volatile_keys;
        if (took) shard_unlock_taken(db->id, s);
    }
    return n;
}

uint64_t db_scan_step(struct db *db, uint64_t cursor, ktable_scan_fn fn, void *priv) {
    uint32_t s = (uint32_t)(cursor & (DB_SHARDS - 1));
    uint64_t bc = cursor >> DB_SHARD_BITS;
    int took = shard_lock_once(db->id, s);
    uint64_t next = ktable_scan(&db->shards[s].kt, bc, fn, priv);
    if (took) shard_unlock_taken(db->id, s);
    if (next == 0) {
        /* this shard is done: move to the next one */
        if (s + 1 == DB_SHARDS) return 0;
        return s + 1;
    }
    return (next << DB_SHARD_BITS) | s;
}

void db_walk_all(struct db *db, ktable_scan_fn fn, void *priv) {
    for (uint32_t s = 0; s < DB_SHARDS; s++) {
        int took = shard_lock_once(db->id, s);
        uint64_t cur = 0;
        do cur = ktable_scan(&db->shards[s].kt, cur, fn, priv);
        while (cur != 0);
        if (took) shard_unlock_taken(db->id, s);
    }
}

char *db_random_key(struct db *db, size_t *klen) {
    long long now = db_now_ms();
    for (int attempt = 0; attempt < 100; attempt++) {
        uint32_t start = (uint32_t)random() & (DB_SHARDS - 1);
        for (uint32_t k = 0; k < DB_SHARDS; k++) {
            uint32_t s = (start + k) & (DB_SHARDS - 1);
            struct shard *sh = &db->shards[s];
            int took = shard_lock_once(db->id, s);
            entry *e = ktable_random(&sh->kt);
            char *out = NULL;
            if (e) {
                if (db_entry_expired(e, now)) {
                    int table;
                    entry **link = db_locate(db, entry_key(e), entry_keylen(e), &sh, NULL, &table);
                    if (link) db_expire_now(db, sh, link, table);
                } else {
                    *klen = entry_keylen(e);
                    out = wmemdup(entry_key(e), *klen);
                }
            }
            if (took) shard_unlock_taken(db->id, s);
            if (out) return out;
            if (e) break; /* found an expired one; retry from another random shard */
        }
    }
    return NULL;
}

void db_flush(struct db *db, int async) {
    watch_touch_db(db->id); /* before emptying: WATCH looks at what exists now */
    for (uint32_t s = 0; s < DB_SHARDS; s++) {
        struct shard *sh = &db->shards[s];
        int took = shard_lock_once(db->id, s);
        /* a running snapshot that has not saved this shard takes the old table as it is */
        int adopted = (atomic_load_explicit(&db_write_gate, memory_order_relaxed) & DB_GATE_COW) &&
                      cow_hooks.adopt_table && cow_hooks.adopt_table(db->id, s, &sh->kt);
        if (adopted) ktable_init(&sh->kt);
        else if (async) db_lazyfree_table(&sh->kt);
        else ktable_clear(&sh->kt);
        sh->volatile_keys = 0;
        sh->expire_cursor = 0;
        if (took) shard_unlock_taken(db->id, s);
    }
}

void db_swap_contents(struct db *a, struct db *b) {
    watch_touch_swapdb(a->id, b->id);
    for (uint32_t s = 0; s < DB_SHARDS; s++) {
        db_cow_before_write(a->id, s);
        db_cow_before_write(b->id, s);
        struct shard *x = &a->shards[s], *y = &b->shards[s];
        struct ktable t = x->kt;
        x->kt = y->kt;
        y->kt = t;
        uint64_t v = x->volatile_keys;
        x->volatile_keys = y->volatile_keys;
        y->volatile_keys = v;
        x->expire_cursor = y->expire_cursor = 0;
    }
}
