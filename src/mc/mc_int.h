/* mc_int.h — private to src/mc/: the per-connection session, the item helpers every
 * command uses (CAS, client flags, expiry, lookups), the ACL and reply helpers, and the
 * statistics counters. Nothing outside src/mc/ includes it. */
#ifndef WARDEN_MC_INT_H
#define WARDEN_MC_INT_H
#include "client.h"
#include "db/db.h"
#include "proto/memcache.h"
#include <stdint.h>

#define MC_VERSION "1.6.18" /* the memcached protocol level Warden answers as */
#define MC_REALTIME_MAXDELTA 2592000 /* exptimes above 30 days are absolute Unix times */

/* entry_mcmeta.state bits */
#define MC_ST_FETCHED 1u    /* read since it was stored (mg h, me fetch=) */
#define MC_ST_STALE 2u      /* invalidated by md I / ms I: served with X */
#define MC_ST_TOKEN_SENT 4u /* a client was told W (it recaches); others get Z */
#define MC_ST_KEY_BINARY 8u /* stored with a base64 key (b): k returns base64 */

struct mc_session {
    struct mc_parser parser;
    long long swallow; /* input bytes still to discard (the value of a too-large set) */
    int auth_pending;  /* the authentication set must come first */
};

/* ---- the command being run (mc_conn.c) ---- */
struct mc_ctx {
    struct client *c;
    const char *base;             /* the request's bytes */
    const struct mc_request *req;
};
static inline const char *mc_tok(const struct mc_ctx *x, int i) { return x->base + x->req->tok[i].off; }
static inline size_t mc_toklen(const struct mc_ctx *x, int i) { return x->req->tok[i].len; }
int mc_tok_is(const struct mc_ctx *x, int i, const char *s);

/* Decimal digits of v into out (>= 20 bytes, not terminated); returns the length. */
static inline size_t mc_u64_str(char *out, uint64_t v) {
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    return n;
}

/* Replies (muted while a noreply command runs). */
void mc_reply(struct client *c, const char *line); /* line + CRLF */
void mc_reply_raw(struct client *c, const void *p, size_t len);

/* 1 when memcache clients must authenticate first (mc_conn.c). */
int mc_auth_required(void);

/* Redis command rows the memcache commands are checked against (mc_conn.c). */
enum mc_acl_row { MC_ROW_GET, MC_ROW_GETEX, MC_ROW_SET, MC_ROW_APPEND, MC_ROW_DEL, MC_ROW_INCRBY, MC_ROW_DECRBY,
                  MC_ROW_EXPIRE, MC_ROW_FLUSHDB, MC_ROW_INFO, MC_ROW_RESETSTAT, MC_ROW_TTL, MC_ROW_COUNT };
/* May the client's user run `row` on key (NULL: no key)? 0, or -1 after the denial was
 * logged (ACL LOG, audit) and answered. Also counts the call in INFO commandstats. */
int mc_acl_check(struct mc_ctx *x, int row, const char *key, size_t klen);
/* Lock the shards of `n` keys (ascending order) / release them. */
void mc_lock_keys(struct client *c, const char *const *keys, const size_t *lens, int n);
void mc_lock_key(struct client *c, const char *key, size_t klen);
void mc_lock_db(struct client *c);
void mc_unlock(struct client *c);

/* ---- items (mc_item.c); the key's shard lock is held ---- */
#define MC_EXP_NONE (-1LL) /* no expiry */
#define MC_EXP_PAST (-2LL) /* already expired: store nothing / delete */
/* memcached's exptime → absolute Unix ms, MC_EXP_NONE or MC_EXP_PAST. */
long long mc_exptime_ms(long long exptime, long long now_ms);
uint64_t mc_next_cas(void);
/* A live string entry (non-string keys are invisible to memcache: NULL), counting
 * keyspace hits/misses when `read`. Touches the access time unless `notouch`. */
entry *mc_find(const char *key, size_t klen, int read, int notouch);
/* The entry's metadata (zeros when it has none); returns whether it had some. */
int mc_meta(const entry *e, struct entry_mcmeta *m);
/* Give `e` metadata if it has none (a fresh CAS): returns the entry now stored. */
entry *mc_ensure_meta(entry *e);
/* Store a value under key (replacing anything), or delete the key when expire_ms is
 * MC_EXP_PAST. meta->cas 0 takes a new CAS. Emits the keyspace event `event`. Returns
 * the stored entry (NULL when deleted). */
entry *mc_store(const char *key, size_t klen, const char *val, size_t vlen, long long expire_ms,
                struct entry_mcmeta *meta, const char *event);
/* incr/decr (and ma) on a live string entry: memcached's rules — the value must be a
 * decimal uint64, incr wraps, decr stops at 0, a result no longer than the old value is
 * space-padded to its length. Keeps flags and TTL, takes a new CAS (explicit_cas when
 * not 0). Returns 0 with *result and *pe (the entry now stored), or -1 when the value
 * is not numeric. */
int mc_item_delta(entry **pe, int incr, uint64_t delta, uint64_t explicit_cas, uint64_t *result);
/* Delete a key that exists (event "del"). */
void mc_delete(const char *key, size_t klen);
/* Set an item's expiry (MC_EXP_NONE: none; MC_EXP_PAST: deletes it, event "del").
 * Returns the entry now stored, or NULL when deleted. */
entry *mc_set_expire(entry *e, long long expire_ms);
/* The remaining TTL in seconds for mg t / me exp (-1: none). */
long long mc_ttl_seconds(const entry *e, long long now_ms);
/* Seconds since last access (mg l / me la). */
long long mc_idle_seconds(const entry *e);
/* Flush db 0 now, or schedule it (absolute ms) for flush_all <delay>. */
void mc_flush_now(struct client *c);
void mc_flush_at(long long when_ms);
void mc_flush_if_due(void);
/* Mark this thread as running a memcache write (its own CAS handling: the keyspace
 * listener must not bump CAS again). */
void mc_writing(int on);
/* Start-up: hook keyspace events (when memcache is served). */
void mc_items_init(int listen);

/* ---- commands ---- */
void mc_cmd_run(struct mc_ctx *x);   /* text commands (mc_cmd.c) */
void mc_meta_run(struct mc_ctx *x);  /* meta commands (mc_meta.c) */
void mc_stats_run(struct mc_ctx *x); /* stats (mc_stats.c) */

/* ---- statistics (mc_stats.c) ---- */
enum mc_stat {
    MCS_CMD_GET, MCS_CMD_SET, MCS_CMD_FLUSH, MCS_CMD_TOUCH, MCS_CMD_META, MCS_GET_HITS, MCS_GET_MISSES,
    MCS_GET_EXPIRED, MCS_GET_FLUSHED, MCS_DELETE_MISSES, MCS_DELETE_HITS, MCS_INCR_MISSES, MCS_INCR_HITS,
    MCS_DECR_MISSES, MCS_DECR_HITS, MCS_CAS_MISSES, MCS_CAS_HITS, MCS_CAS_BADVAL, MCS_TOUCH_HITS,
    MCS_TOUCH_MISSES, MCS_STORE_TOO_LARGE, MCS_STORE_NO_MEMORY, MCS_AUTH_CMDS, MCS_AUTH_ERRORS, MCS_TOTAL_ITEMS,
    MCS_TOTAL_CONNECTIONS, MCS_COUNT
};
void mc_stat_add(int which, long long n);
static inline void mc_stat_inc(int which) { mc_stat_add(which, 1); }
void mc_stats_conn(int delta); /* curr_connections */
int mc_verbosity_get(void);
void mc_verbosity_set(int v);
#endif
