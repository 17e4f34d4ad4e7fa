/* mc_item.c — memcache items on the shared keyspace: every memcache item is a string
 * entry of db 0 carrying a metadata block (entry_mcmeta: CAS, client flags, state), so
 * a value set over memcache is a plain GET away over RESP and the other way round.
 *
 * CAS: one global counter, a new value on every modification. Memcache commands assign
 * it themselves; a RESP write to an item that has metadata refreshes it through the
 * keyspace listener below (RESP commands that replace the value build a new entry, which
 * simply has no metadata: flags 0, and a CAS no earlier `gets` handed out). The listener
 * is registered only when memcached-port is set and does nothing until the first item
 * with metadata exists, so a RESP-only server pays nothing.
 *
 * Expiry follows memcached: 0 never, negative already expired, up to 30 days relative,
 * beyond that an absolute Unix time. An item stored already expired is simply not stored
 * (and any old value removed), which is what memcached's clients can observe.
 *
 * Every function here runs with the key's shard lock held (mc_conn.c takes it). */
#include "config.h"
#include "db/notify.h"
#include "db/lockset.h"
#include "mc/mc_int.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include <string.h>
#include <stdatomic.h>

static _Atomic uint64_t cas_counter;
static _Atomic int items_exist;         /* set once the first metadata block is created */
static _Atomic long long flush_due_ms;  /* flush_all <delay>: when (0 = none) */
static _Thread_local int writing;       /* this thread runs a memcache command */

void mc_writing(int on) { writing = on; }

uint64_t mc_next_cas(void) { return atomic_fetch_add_explicit(&cas_counter, 1, memory_order_relaxed) + 1; }

long long mc_exptime_ms(long long exptime, long long now_ms) {
    if (exptime == 0) return MC_EXP_NONE;
    if (exptime < 0) return MC_EXP_PAST;
    if (exptime > MC_REALTIME_MAXDELTA) {
        long long at = exptime * 1000;
        return at <= now_ms ? MC_EXP_PAST : at;
    }
    return now_ms + exptime * 1000;
}

entry *mc_find(const char *key, size_t klen, int read, int notouch) {
    struct db *db = db_get(0);
    entry *e = db_find(db, key, klen, notouch ? LOOKUP_NOTOUCH : 0);
    if (e && entry_type(e) != OBJ_STRING) e = NULL;
    if (read) {
        if (e) STAT_INC(hits);
        else STAT_INC(misses);
    }
    return e;
}

int mc_meta(const entry *e, struct entry_mcmeta *m) {
    if (entry_has_mcmeta(e)) {
        entry_mcmeta_get(e, m);
        return 1;
    }
    m->cas = 0;
    m->flags = 0;
    m->state = 0;
    return 0;
}

entry *mc_ensure_meta(entry *e) {
    if (entry_has_mcmeta(e)) return e;
    struct entry_mcmeta m = {.cas = mc_next_cas(), .flags = 0, .state = 0};
    atomic_store_explicit(&items_exist, 1, memory_order_relaxed);
    entry *n = entry_with_mcmeta(e, &m);
    entry_free_shell(db_swap_entry(db_get(0), e, n));
    return n;
}

void mc_delete(const char *key, size_t klen) {
    if (db_delete(db_get(0), key, klen)) keyspace_event(0, key, klen, NOTIFY_GENERIC, "del");
}

entry *mc_store(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms,
                struct entry_mcmeta *meta, const char *event) {
    if (expire_ms == MC_EXP_PAST) {
        mc_delete(key, klen);
        return NULL;
    }
    if (!meta->cas) meta->cas = mc_next_cas();
    atomic_store_explicit(&items_exist, 1, memory_order_relaxed);
    entry *e = entry_new_string_meta(key, klen, val, vlen, expire_ms < 0 ? -1 : expire_ms, meta);
    e = db_put(db_get(0), e, 0);
    keyspace_event(0, key, klen, NOTIFY_STRING, event);
    return e;
}

entry *mc_set_expire(entry *e, long long expire_ms) {
    struct db *db = db_get(0);
    if (expire_ms == MC_EXP_PAST) {
        mc_delete(entry_key(e), entry_keylen(e));
        return NULL;
    }
    e = db_set_expire(db, e, expire_ms < 0 ? -1 : expire_ms);
    keyspace_event(0, entry_key(e), entry_keylen(e), NOTIFY_GENERIC, expire_ms < 0 ? "persist" : "expire");
    return e;
}

long long mc_ttl_seconds(const entry *e, long long now_ms) {
    if (!entry_has_expire(e)) return -1;
    long long left = entry_expire(e) - now_ms;
    if (left <= 0) return 0;
    return (left + 999) / 1000; /* memcached counts whole seconds: a fresh T100 reads 100 */
}

long long mc_idle_seconds(const entry *e) {
    uint32_t now = db_lru_clock(), then = e->lru & 0xFFFFFF;
    return now >= then ? (long long)(now - then) : (long long)(now + 0x1000000 - then);
}

/* ---- flush_all ---- */

void mc_flush_now(struct client *c) {
    atomic_store(&flush_due_ms, 0); /* an immediate flush replaces a pending one, as in memcached */
    mc_lock_db(c);
    struct db *db = db_get(0);
    long long removed = db_size_all(db);
    db_flush(db, server_config.lazyfree_lazy_user_flush);
    mc_unlock(c);
    STAT_ADD(dirty, removed);
}

void mc_flush_at(long long when_ms) { atomic_store(&flush_due_ms, when_ms); }

/* Any thread holding no shard lock: run a delayed flush whose time has come (once). */
void mc_flush_if_due(void) {
    long long due = atomic_load_explicit(&flush_due_ms, memory_order_relaxed);
    if (!due || clock_ms() < due) return;
    if (!atomic_compare_exchange_strong(&flush_due_ms, &due, 0)) return;
    struct db *db = db_get(0);
    long long removed = db_size_all(db);
    db_flush(db, server_config.lazyfree_lazy_user_flush);
    STAT_ADD(dirty, removed);
}

void mc_cron(void) { mc_flush_if_due(); }

/* ---- RESP writes refresh CAS ---- */

/* Called after every keyspace change with the key's shard lock held. A change made by a
 * memcache command handled its CAS itself; deletions leave nothing to update. */
static void mc_keyspace_listener(int dbid, const char *key, size_t klen, int type, const char *event) {
    (void)event;
    if (dbid != 0 || writing || !key || !atomic_load_explicit(&items_exist, memory_order_relaxed)) return;
    if (type & (NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_KEY_MISS)) return;
    struct db *db = db_get(0);
    uint64_t h = ktable_hash(key, klen);
    entry **link = ktable_find(&db_shard_of(db, h)->kt, h, key, klen, NULL);
    if (!link || !entry_has_mcmeta(*link)) return;
    struct entry_mcmeta m;
    entry_mcmeta_get(*link, &m);
    m.cas = mc_next_cas();
    m.state &= MC_ST_KEY_BINARY; /* a modified item is fresh again: no stale mark, no token */
    entry_mcmeta_put(*link, &m);
}

void mc_items_init(int listen) {
    if (listen) keyspace_add_listener(mc_keyspace_listener);
}

/* ---- incr / decr ---- */

int mc_item_delta(entry **pe, int incr, uint64_t delta, uint64_t explicit_cas, uint64_t *result) {
    entry *e = *pe;
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    uint64_t v;
    if (len == 0 || mc_parse_u64(p, len, &v) != 0) return -1;
    if (incr) v += delta; /* wraps at 2^64 as memcached does */
    else v = v < delta ? 0 : v - delta;
    *result = v;
    char digits[24];
    size_t n = mc_u64_str(digits, v);
    struct entry_mcmeta m;
    mc_meta(e, &m);
    m.cas = explicit_cas ? explicit_cas : mc_next_cas();
    m.state &= MC_ST_KEY_BINARY;
    atomic_store_explicit(&items_exist, 1, memory_order_relaxed);
    const char *key = entry_key(e);
    size_t klen = entry_keylen(e);
    entry *n_e;
    if (n < len) {
        /* memcached rewrites the number in place, padding with spaces to the old length */
        char *buf = wmalloc(len);
        memcpy(buf, digits, n);
        memset(buf + n, ' ', len - n);
        n_e = entry_new_string_meta(key, klen, buf, len, entry_expire(e), &m);
        wfree(buf);
    } else {
        n_e = entry_new_string_meta(key, klen, digits, n, entry_expire(e), &m);
    }
    entry_free(db_swap_entry(db_get(0), e, n_e));
    *pe = n_e;
    keyspace_event(0, entry_key(n_e), entry_keylen(n_e), NOTIFY_STRING, incr ? "incrby" : "decrby");
    return 0;
}
