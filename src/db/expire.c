/* expire.c — active expiry. Called from the housekeeping thread (hz times a second).
 * Walks the shards that have keys with a TTL, a bounded number of buckets per lock
 * hold, deleting what is due, until a full pass is done or the time budget is spent;
 * the next call resumes where this one stopped (per-shard cursors + a global shard
 * cursor), so a large keyspace is swept over several cycles without long pauses. */
#include "db/db.h"
#include "db/lockset.h"
#include "db/notify.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include <stdatomic.h>

#define EXPIRE_BUCKETS_PER_HOLD 64

struct expire_batch {
    long long now;
    int n;
    entry *due[EXPIRE_BUCKETS_PER_HOLD * 4];
};

static void collect_due(void *priv, entry *e) {
    struct expire_batch *b = priv;
    if (b->n < (int)(sizeof(b->due) / sizeof(b->due[0])) && db_entry_expired(e, b->now)) b->due[b->n++] = e;
}

static uint32_t expire_db_cursor, expire_shard_cursor;
static _Atomic int active_expire_enabled = 1;

void db_active_expire_set_enabled(int on) { atomic_store(&active_expire_enabled, on); }

/* Sweep part of one shard; returns keys expired. */
static long long expire_shard(struct db *db, uint32_t s, int *done) {
    struct shard *sh = &db->shards[s];
    long long expired = 0;
    int took = shard_lock_once(db->id, s);
    *done = 1;
    if (sh->volatile_keys == 0) {
        if (took) shard_unlock_taken(db->id, s);
        return 0;
    }
    struct expire_batch b;
    b.now = clock_ms();
    b.n = 0;
    uint64_t cur = sh->expire_cursor;
    for (int i = 0; i < EXPIRE_BUCKETS_PER_HOLD; i++) {
        cur = ktable_scan(&sh->kt, cur, collect_due, &b);
        if (cur == 0) break;
    }
    sh->expire_cursor = cur;
    *done = cur == 0;
    db_set_command_time(b.now);
    for (int i = 0; i < b.n; i++) {
        /* db_find deletes an expired key, emitting the event and counting it */
        if (!db_find(db, entry_key(b.due[i]), entry_keylen(b.due[i]), LOOKUP_NOTOUCH)) expired++;
    }
    db_set_command_time(0);
    if (took) shard_unlock_taken(db->id, s);
    return expired;
}

long long db_active_expire_cycle(long long budget_us) {
    if (!atomic_load(&active_expire_enabled)) return 0;
    long long start = clock_mono_us(), expired = 0;
    long long total_shards = (long long)db_count() * DB_SHARDS;
    long long visited = 0;
    while (visited < total_shards) {
        struct db *db = db_get((int)expire_db_cursor);
        if (!db) {
            expire_db_cursor = expire_shard_cursor = 0;
            db = db_get(0);
        }
        int done;
        expired += expire_shard(db, expire_shard_cursor, &done);
        if (done) { /* else stay on this shard: its cursor is mid-table */
            visited++;
            if (++expire_shard_cursor == DB_SHARDS) {
                expire_shard_cursor = 0;
                if (++expire_db_cursor >= (uint32_t)db_count()) expire_db_cursor = 0;
            }
        }
        if (clock_mono_us() - start > budget_us) break;
    }
    return expired;
}
