/* keys.c — the generic keyspace commands of Redis 7.0: DEL UNLINK EXISTS TYPE TOUCH
 * RENAME RENAMENX COPY MOVE SWAPDB KEYS SCAN RANDOMKEY DBSIZE FLUSHDB FLUSHALL OBJECT.
 *
 * Locking: dispatch holds the shard locks of every key named by a row's key range
 * before the proc runs. Rows that reach into another db (MOVE, COPY ... DB n) or a
 * whole db (SWAPDB, FLUSHDB, FLUSHALL) say so in a .lockspec, so that the command is
 * atomic — no client sees a key in both dbs, or half a flush — and so EXEC can take
 * the same locks up front. KEYS, SCAN, DBSIZE and RANDOMKEY walk shard by shard
 * (db_walk_all, db_scan_step, ...) taking one lock at a time, as the architecture
 * asks of whole-keyspace work.
 *
 * FLUSHALL locks every shard of every db (lockset_add_all) rather than letting
 * db_flush walk: a walk would let a multi-key write that straddles the walk's
 * position survive half-flushed, which Redis's single-threaded FLUSHALL never shows.
 * Holding 16 x 256 uncontended mutexes for the few microseconds it takes to detach
 * the tables is cheap (ASYNC hands the tables to the lazy-free thread). */
#include "client.h"
#include "cmd/coll_scan.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "config.h"
#include "db/db.h"
#include "db/lockset.h"
#include "db/notify.h"
#include "persist/persist.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/glob.h"
#include "util/numparse.h"
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

/* A read lookup as Redis's lookupKeyRead*: counts keyspace hits/misses. `touch`
 * updates the access clock (TOUCH does; EXISTS, TYPE, OBJECT do not). */
static entry *keys_lookup_read(struct client *c, const struct arg *key, int touch) {
    entry *e = db_find(c->db, key->ptr, key->len, touch ? 0 : LOOKUP_NOTOUCH);
    if (e) STAT_INC(hits);
    else STAT_INC(misses);
    return e;
}

/* Parse a db index argument as Redis's getIntFromObjectOrReply: returns 0, or -1
 * (not an integer) / -2 (an integer outside the int range), the two having different
 * error texts. Range against `databases` is checked by the caller. */
static int keys_parse_int(const struct arg *a, int *out) {
    long long v;
    if (num_parse_ll(a->ptr, a->len, &v) != 0) return -1;
    if (v < INT_MIN || v > INT_MAX) return -2;
    *out = (int)v;
    return 0;
}

/* Reply the error for a failed keys_parse_int. */
static void keys_reply_bad_int(struct client *c, int status) {
    if (status == -2) reply_error(&c->out, "ERR value is out of range, value must between -2147483648 and 2147483647");
    else reply_not_integer(c);
}

/* Should an unlinked value be freed by the background thread? Strings and the
 * single-allocation compact encodings report their true size, so only large ones go;
 * the pointer-rich encodings (hash tables, skiplists, quicklists, streams) cost far
 * more than their top allocation shows, so they always go. */
static int keys_free_is_costly(const entry *e) {
    if (entry_type(e) == OBJ_STRING) return entry_value_cost(e) > 4096;
    switch (entry_encoding(e)) {
    case ENC_INTSET:
    case ENC_LISTPACK:
    case ENC_ZIPLIST:
    case ENC_ZIPMAP:
        return entry_value_cost(e) > 4096;
    default:
        return 1;
    }
}

/* Remove a key the way UNLINK does: O(1) here, the value freed in the background
 * when that is worth it. Returns 1 if a live key was removed. */
static int keys_unlink_one(struct db *db, const char *key, size_t klen) {
    entry *e = db_take(db, key, klen);
    if (!e) return 0;
    if (keys_free_is_costly(e)) db_lazyfree_entry(e);
    else entry_free(e);
    return 1;
}

/* Give entry `e` (already unlinked from its table) a new key. The value moves — it is
 * never copied — except for the values stored inside the entry itself (int, embstr),
 * which are small. The TTL and access clock carry over. Frees `e`; returns the new
 * entry, owned by the caller. */
static entry *keys_rekey(entry *e, const char *key, size_t klen) {
    long long exp = entry_expire(e);
    uint32_t lru = e->lru;
    entry *n;
    if (entry_type(e) == OBJ_STRING && entry_encoding(e) == ENC_INT) {
        n = entry_new_int(key, klen, entry_int(e), exp);
        entry_free(e);
    } else if (entry_type(e) == OBJ_STRING && entry_encoding(e) == ENC_EMBSTR) {
        char tmp[24];
        const char *p;
        size_t len;
        entry_string(e, tmp, &p, &len);
        n = entry_new_string(key, klen, p, len, exp);
        entry_free(e);
    } else {
        n = entry_new_ptr(key, klen, entry_type(e), entry_encoding(e), entry_ptr(e), exp);
        entry_free_shell(e);
    }
    n->lru = lru;
    return n;
}

/* ---------------------------------------------------------------- DEL UNLINK EXISTS TOUCH TYPE */

static void del_generic(struct client *c, int lazy) {
    long long removed = 0;
    for (int i = 1; i < c->argc; i++) {
        const struct arg *k = &c->argv[i];
        int gone = lazy ? keys_unlink_one(c->db, k->ptr, k->len) : db_delete(c->db, k->ptr, k->len);
        if (gone) {
            keyspace_event(c->db->id, k->ptr, k->len, NOTIFY_GENERIC, "del");
            removed++;
        }
    }
    reply_int(&c->out, removed);
}

static void del_command(struct client *c) { del_generic(c, server_config.lazyfree_lazy_user_del); }
static void unlink_command(struct client *c) { del_generic(c, 1); }

/* EXISTS counts a key named twice twice, as Redis does. */
static void exists_command(struct client *c) {
    long long n = 0;
    for (int i = 1; i < c->argc; i++)
        if (keys_lookup_read(c, &c->argv[i], 0)) n++;
    reply_int(&c->out, n);
}

static void touch_command(struct client *c) {
    long long n = 0;
    for (int i = 1; i < c->argc; i++)
        if (keys_lookup_read(c, &c->argv[i], 1)) n++;
    reply_int(&c->out, n);
}

static void type_command(struct client *c) {
    entry *e = keys_lookup_read(c, &c->argv[1], 0);
    reply_status(&c->out, e ? entry_type_name(entry_type(e)) : "none");
}

/* ---------------------------------------------------------------- RENAME RENAMENX */

static void rename_generic(struct client *c, int nx) {
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    struct db *db = c->db;
    if (!db_find(db, src->ptr, src->len, 0)) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    if (src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
        if (nx) reply_int(&c->out, 0);
        else reply_ok(&c->out);
        return;
    }
    if (db_find(db, dst->ptr, dst->len, 0)) {
        if (nx) {
            reply_int(&c->out, 0);
            return;
        }
        db_delete(db, dst->ptr, dst->len); /* overwritten: no "del" event, as Redis */
    }
    entry *e = db_take(db, src->ptr, src->len);
    db_add(db, keys_rekey(e, dst->ptr, dst->len));
    keyspace_event(db->id, src->ptr, src->len, NOTIFY_GENERIC, "rename_from");
    keyspace_event(db->id, dst->ptr, dst->len, NOTIFY_GENERIC, "rename_to");
    if (nx) reply_int(&c->out, 1);
    else reply_ok(&c->out);
}

static void rename_command(struct client *c) { rename_generic(c, 0); }
static void renamenx_command(struct client *c) { rename_generic(c, 1); }

/* ---------------------------------------------------------------- MOVE COPY SWAPDB */

/* MOVE key db: the key in the target db must be locked too. A bad or out-of-range
 * index adds nothing: the proc replies the error without touching that db. */
static void move_lockspec(struct client *c, struct lockset *ls) {
    int target;
    if (c->argc != 3 || keys_parse_int(&c->argv[2], &target) != 0 || !db_get(target)) return;
    lockset_add_key(ls, target, c->argv[1].ptr, c->argv[1].len);
}

static void move_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    int target, st = keys_parse_int(&c->argv[2], &target);
    if (st != 0) {
        keys_reply_bad_int(c, st);
        return;
    }
    struct db *dst = db_get(target);
    if (!dst) {
        reply_error(&c->out, "ERR DB index is out of range");
        return;
    }
    struct db *src = c->db;
    if (dst == src) {
        reply_error(&c->out, "ERR source and destination objects are the same");
        return;
    }
    if (!db_find(src, key->ptr, key->len, 0) || db_find(dst, key->ptr, key->len, 0)) {
        reply_int(&c->out, 0);
        return;
    }
    /* the entry keeps its key, TTL and clock: it changes tables, nothing else */
    db_add(dst, db_take(src, key->ptr, key->len));
    keyspace_event(src->id, key->ptr, key->len, NOTIFY_GENERIC, "move_from");
    keyspace_event(dst->id, key->ptr, key->len, NOTIFY_GENERIC, "move_to");
    reply_int(&c->out, 1);
}

struct copy_opts {
    int replace;
    int dbid; /* -1: the client's db */
};

/* Parse COPY's options. Returns 0, or -1 after replying the error when `c` may
 * reply (reply = 1); lockspec parses silently. */
static int copy_parse(struct client *c, struct copy_opts *o, int reply) {
    o->replace = 0;
    o->dbid = -1;
    for (int i = 3; i < c->argc; i++) {
        if (arg_eq(&c->argv[i], "REPLACE")) {
            o->replace = 1;
        } else if (arg_eq(&c->argv[i], "DB") && i + 1 < c->argc) {
            int id, st = keys_parse_int(&c->argv[++i], &id);
            if (st != 0) {
                if (reply) keys_reply_bad_int(c, st);
                return -1;
            }
            if (!db_get(id)) {
                if (reply) reply_error(&c->out, "ERR DB index is out of range");
                return -1;
            }
            o->dbid = id;
        } else {
            if (reply) reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

static void copy_lockspec(struct client *c, struct lockset *ls) {
    struct copy_opts o;
    if (c->argc < 3 || copy_parse(c, &o, 0) != 0 || o.dbid < 0) return;
    lockset_add_key(ls, o.dbid, c->argv[2].ptr, c->argv[2].len);
}

static void copy_command(struct client *c) {
    struct copy_opts o;
    if (copy_parse(c, &o, 1) != 0) return;
    const struct arg *src = &c->argv[1], *dst = &c->argv[2];
    struct db *sdb = c->db, *ddb = o.dbid >= 0 ? db_get(o.dbid) : c->db;
    if (sdb == ddb && src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0) {
        reply_error(&c->out, "ERR source and destination objects are the same");
        return;
    }
    entry *e = keys_lookup_read(c, src, 1);
    if (!e) {
        reply_int(&c->out, 0);
        return;
    }
    if (db_find(ddb, dst->ptr, dst->len, 0)) {
        if (!o.replace) {
            reply_int(&c->out, 0);
            return;
        }
        db_delete(ddb, dst->ptr, dst->len);
    }
    db_add(ddb, entry_dup(e, dst->ptr, dst->len, entry_expire(e)));
    keyspace_event(ddb->id, dst->ptr, dst->len, NOTIFY_GENERIC, "copy_to");
    reply_int(&c->out, 1);
}

/* SWAPDB needs every shard of both dbs so that the swap is one atomic step. */
static void swapdb_lockspec(struct client *c, struct lockset *ls) {
    int a, b;
    if (c->argc != 3 || keys_parse_int(&c->argv[1], &a) != 0 || keys_parse_int(&c->argv[2], &b) != 0) return;
    if (!db_get(a) || !db_get(b) || a == b) return;
    lockset_add_db(ls, a);
    lockset_add_db(ls, b);
}

static void swapdb_command(struct client *c) {
    int a, b;
    if (keys_parse_int(&c->argv[1], &a) != 0) {
        reply_error(&c->out, "ERR invalid first DB index");
        return;
    }
    if (keys_parse_int(&c->argv[2], &b) != 0) {
        reply_error(&c->out, "ERR invalid second DB index");
        return;
    }
    struct db *x = db_get(a), *y = db_get(b);
    if (!x || !y) {
        reply_error(&c->out, "ERR DB index is out of range");
        return;
    }
    if (x != y) db_swap_contents(x, y);
    STAT_INC(dirty);
    reply_ok(&c->out);
}

/* ---------------------------------------------------------------- KEYS */

struct keys_walk {
    struct reply *out;
    const char *pat;
    size_t plen;
    int allkeys;
    long long now, n;
};

static void keys_visit(void *priv, entry *e) {
    struct keys_walk *w = priv;
    if (db_entry_expired(e, w->now)) return; /* reclaimed by lookups / active expiry */
    const char *k = entry_key(e);
    size_t kl = entry_keylen(e);
    if (!w->allkeys && !glob_match(w->pat, w->plen, k, kl, 0)) return;
    reply_bulk(w->out, k, kl);
    w->n++;
}

static void keys_command(struct client *c) {
    struct keys_walk w = {.out = &c->out, .pat = c->argv[1].ptr, .plen = c->argv[1].len, .now = db_now_ms()};
    w.allkeys = w.plen == 1 && w.pat[0] == '*';
    reply_deferred d = reply_defer_len(&c->out);
    db_walk_all(c->db, keys_visit, &w);
    reply_set_deferred_array(&c->out, d, w.n);
}

/* ---------------------------------------------------------------- SCAN */

struct scan_key {
    char *p;
    size_t len;
};

struct scan_walk {
    const struct coll_scan_opts *o; /* MATCH */
    int type; /* -1: any; -2: a name no type has (matches nothing) */
    long long now;
    long long visited;
    struct scan_key *keys;
    size_t n, cap;
};

static void scan_visit(void *priv, entry *e) {
    struct scan_walk *w = priv;
    w->visited++;
    if (db_entry_expired(e, w->now)) return;
    if (w->type != -1 && entry_type(e) != w->type) return;
    const char *k = entry_key(e);
    size_t kl = entry_keylen(e);
    if (!coll_scan_match(w->o, k, kl)) return;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->keys = wrealloc(w->keys, w->cap * sizeof(*w->keys));
    }
    w->keys[w->n].p = wmemdup(k, kl);
    w->keys[w->n].len = kl;
    w->n++;
}

/* SCAN's TYPE argument: Redis 7.0 compares it, ignoring case, with the type names;
 * an unknown name is not an error, it just matches nothing. */
static int scan_type_of(const struct arg *a) {
    static const int types[] = {OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH, OBJ_STREAM};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (arg_eq(a, entry_type_name(types[i]))) return types[i];
    return -2;
}

static void scan_command(struct client *c) {
    uint64_t cursor;
    if (coll_scan_cursor(c, 1, &cursor) != 0) return;
    struct coll_scan_opts o;
    const struct arg *type;
    if (coll_scan_options_type(c, 2, &o, &type) != 0) return;
    struct scan_walk w = {.o = &o, .type = type ? scan_type_of(type) : -1, .now = db_now_ms()};
    long long count = o.count;
    /* COUNT is a hint, as in Redis: visit buckets until about COUNT entries were seen,
     * giving up after COUNT*10 bucket visits so a sparse table cannot make one call
     * long. A step over an empty shard costs a lock and nothing else, so it is free:
     * a small db is then scanned in one call, as Redis scans a small table. */
    long long budget = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        uint64_t prev = cursor;
        long long seen = w.visited;
        cursor = db_scan_step(c->db, cursor, scan_visit, &w);
        int empty_shard = (prev >> DB_SHARD_BITS) == 0 && w.visited == seen && (cursor >> DB_SHARD_BITS) == 0;
        if (!empty_shard) budget--;
    } while (cursor != 0 && budget > 0 && w.visited < count);

    char buf[24];
    int blen = num_ull_to_str(buf, (unsigned long long)cursor);
    reply_array(&c->out, 2);
    reply_bulk(&c->out, buf, (size_t)blen);
    reply_array(&c->out, (long long)w.n);
    for (size_t i = 0; i < w.n; i++) {
        reply_bulk(&c->out, w.keys[i].p, w.keys[i].len);
        wfree(w.keys[i].p);
    }
    wfree(w.keys);
}

/* ---------------------------------------------------------------- RANDOMKEY DBSIZE FLUSH* */

static void randomkey_command(struct client *c) {
    size_t len;
    char *k = db_random_key(c->db, &len);
    if (!k) {
        reply_null(&c->out);
        return;
    }
    reply_bulk(&c->out, k, len);
    wfree(k);
}

static void dbsize_command(struct client *c) { reply_int(&c->out, db_size_all(c->db)); }

/* FLUSHDB / FLUSHALL [ASYNC|SYNC]: returns 0 (sync), 1 (async) or -1 after replying a
 * syntax error. Without an argument lazyfree-lazy-user-flush decides. */
static int flush_parse(struct client *c) {
    if (c->argc > 2) {
        reply_syntax_error(c);
        return -1;
    }
    if (c->argc == 1) return server_config.lazyfree_lazy_user_flush ? 1 : 0;
    if (arg_eq(&c->argv[1], "SYNC")) return 0;
    if (arg_eq(&c->argv[1], "ASYNC")) return 1;
    reply_syntax_error(c);
    return -1;
}

static void flushdb_lockspec(struct client *c, struct lockset *ls) { lockset_add_db(ls, c->db->id); }
static void flushall_lockspec(struct client *c, struct lockset *ls) {
    (void)c;
    lockset_add_all(ls);
}

static void flushdb_command(struct client *c) {
    int async = flush_parse(c);
    if (async < 0) return;
    long long removed = db_size_all(c->db);
    db_flush(c->db, async);
    STAT_ADD(dirty, removed);
    reply_ok(&c->out);
}

static void flushall_command(struct client *c) {
    int async = flush_parse(c);
    if (async < 0) return;
    long long removed = 0;
    for (int d = 0; d < db_count(); d++) {
        struct db *db = db_get(d);
        removed += db_size_all(db);
        db_flush(db, async);
    }
    /* as Redis: with save points, an empty snapshot replaces the old one at once */
    STAT_ADD(dirty, removed);
    persist_after_flushall();
    STAT_ADD(dirty, 1);
    reply_ok(&c->out);
}

/* ---------------------------------------------------------------- OBJECT */

struct object_cfg {
    char policy[64];
    long long decay;
};

static void object_cfg_get(void *priv, const char *name, const char *value) {
    struct object_cfg *o = priv;
    if (strcmp(name, "maxmemory-policy") == 0) snprintf(o->policy, sizeof(o->policy), "%s", value);
    else if (strcmp(name, "lfu-decay-time") == 0 && num_parse_ll(value, strlen(value), &o->decay) != 0) o->decay = 1;
}

/* The eviction settings OBJECT depends on, read through the config table so that
 * this file needs no field the eviction module owns. An option that does not exist
 * (yet) leaves Redis's default: noeviction, decay 1 minute. */
static void object_read_cfg(struct object_cfg *o) {
    snprintf(o->policy, sizeof(o->policy), "noeviction");
    o->decay = 1;
    config_get_matching("maxmemory-policy", 16, object_cfg_get, o);
    config_get_matching("lfu-decay-time", 14, object_cfg_get, o);
}

static int object_policy_lfu(const struct object_cfg *o) { return strstr(o->policy, "lfu") != NULL; }

/* The entry's LFU counter after the decay due since its last access: the clock is
 * (minutes & 0xFFFF) << 8 | counter, and the counter loses one per decay period. */
static long long object_lfu_counter(const entry *e, long long decay) {
    unsigned counter = e->lru & 0xFF;
    unsigned long last = (e->lru >> 8) & 0xFFFF;
    unsigned long now = (unsigned long)(clock_ms() / 60000) & 0xFFFF;
    unsigned long elapsed = now >= last ? now - last : 0xFFFF - last + now;
    unsigned long periods = decay > 0 ? elapsed / (unsigned long)decay : 0;
    return periods >= counter ? 0 : (long long)(counter - periods);
}

static entry *object_lookup(struct client *c) {
    entry *e = keys_lookup_read(c, &c->argv[2], 0);
    if (!e) reply_null(&c->out);
    return e;
}

static void object_encoding_command(struct client *c) {
    entry *e = object_lookup(c);
    if (e) reply_bulk_cstr(&c->out, entry_encoding_name(entry_encoding(e)));
}

/* Redis shares the integer objects 0..9999 between keys (refcount INT_MAX) unless a
 * maxmemory LRU/LFU policy needs a clock per key; we report the same numbers. */
static void object_refcount_command(struct client *c) {
    entry *e = object_lookup(c);
    if (!e) return;
    long long refs = 1;
    if (entry_type(e) == OBJ_STRING && entry_encoding(e) == ENC_INT && entry_int(e) >= 0 && entry_int(e) < 10000) {
        struct object_cfg o;
        object_read_cfg(&o);
        int per_key_clock = server_config.maxmemory > 0 && (strstr(o.policy, "lru") || strstr(o.policy, "lfu"));
        if (!per_key_clock) refs = INT_MAX;
    }
    reply_int(&c->out, refs);
}

static void object_idletime_command(struct client *c) {
    entry *e = object_lookup(c);
    if (!e) return;
    struct object_cfg o;
    object_read_cfg(&o);
    if (object_policy_lfu(&o)) {
        reply_error(&c->out, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
                             "switching between policies at runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    /* both clocks are 24-bit seconds that wrap (every ~194 days) */
    uint32_t now = db_lru_clock() & 0xFFFFFF, then = e->lru & 0xFFFFFF;
    uint32_t idle = now >= then ? now - then : now + (0x1000000u - then);
    reply_int(&c->out, (long long)idle);
}

static void object_freq_command(struct client *c) {
    entry *e = object_lookup(c);
    if (!e) return;
    struct object_cfg o;
    object_read_cfg(&o);
    if (!object_policy_lfu(&o)) {
        reply_error(&c->out, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
                             "that when switching between policies at runtime LRU and LFU data will take some time "
                             "to adjust.");
        return;
    }
    reply_int(&c->out, object_lfu_counter(e, o.decay));
}

static void object_help_command(struct client *c) {
    static const char *lines[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the internal encoding used to store the value of <key>.",
        "FREQ <key>",
        "    Return the logarithmic access frequency counter of <key> (needs an LFU",
        "    maxmemory-policy).",
        "IDLETIME <key>",
        "    Return the approximate number of seconds since <key> was last accessed.",
        "REFCOUNT <key>",
        "    Return the number of references to the value of <key>.",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

#define OBJECT_SUB(nm, fn, sum, ver)                                                                               \
    {.name = nm, .proc = fn, .arity = 3, .flags = CMD_READONLY, .acl = ACL_KEYSPACE | ACL_READ | ACL_SLOW,         \
     .first_key = 2, .last_key = 2, .key_step = 1, .summary = sum, .since = ver, .group = "generic",              \
     .complexity = "O(1)"}

/* not const: table.c fills in each row's parent, id and stats */
static struct command object_subcommands[] = {
    OBJECT_SUB("encoding", object_encoding_command, "Tells how the value of a key is stored.", "2.2.3"),
    OBJECT_SUB("freq", object_freq_command, "Reports the LFU access-frequency counter of a key.", "4.0.0"),
    {.name = "help", .proc = object_help_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE,
     .acl = ACL_KEYSPACE | ACL_SLOW, .summary = "Lists the OBJECT subcommands.", .since = "6.2.0",
     .group = "generic", .complexity = "O(1)"},
    OBJECT_SUB("idletime", object_idletime_command, "Reports the seconds since a key was last accessed.", "2.2.3"),
    OBJECT_SUB("refcount", object_refcount_command, "Reports how many references the value of a key has.", "2.2.3"),
    CMD_END,
};

/* ---------------------------------------------------------------- table */

#define KEYRANGE(f, l) .first_key = f, .last_key = l, .key_step = 1

struct command keys_commands[] = {
    {.name = "del", .proc = del_command, .arity = -2, .flags = CMD_WRITE, .acl = ACL_KEYSPACE | ACL_WRITE | ACL_SLOW,
     KEYRANGE(1, -1), .summary = "Deletes keys.", .since = "1.0.0", .group = "generic",
     .complexity = "O(N) in the keys removed, plus O(M) for a collection of M elements"},
    {.name = "unlink", .proc = unlink_command, .arity = -2, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_FAST, KEYRANGE(1, -1),
     .summary = "Deletes keys, freeing large values in the background.", .since = "4.0.0", .group = "generic",
     .complexity = "O(1) per key; the memory is reclaimed in another thread"},
    {.name = "exists", .proc = exists_command, .arity = -2, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_KEYSPACE | ACL_READ | ACL_FAST, KEYRANGE(1, -1), .summary = "Counts how many of the keys exist.",
     .since = "1.0.0", .group = "generic", .complexity = "O(N) in the keys checked"},
    {.name = "type", .proc = type_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_KEYSPACE | ACL_READ | ACL_FAST, KEYRANGE(1, 1), .summary = "Names the type of a key's value.",
     .since = "1.0.0", .group = "generic", .complexity = "O(1)"},
    {.name = "rename", .proc = rename_command, .arity = 3, .flags = CMD_WRITE, .acl = ACL_KEYSPACE | ACL_WRITE | ACL_SLOW,
     KEYRANGE(1, 2), .summary = "Renames a key, overwriting the destination.", .since = "1.0.0", .group = "generic",
     .complexity = "O(1)"},
    {.name = "renamenx", .proc = renamenx_command, .arity = 3, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_FAST, KEYRANGE(1, 2),
     .summary = "Renames a key unless the destination exists.", .since = "1.0.0", .group = "generic",
     .complexity = "O(1)"},
    {.name = "copy", .proc = copy_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_SLOW, KEYRANGE(1, 2), .lockspec = copy_lockspec,
     .summary = "Copies a key's value to another key, possibly in another database.", .since = "6.2.0",
     .group = "generic", .complexity = "O(N) for a collection of N elements, O(1) for a string"},
    {.name = "move", .proc = move_command, .arity = 3, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_FAST, KEYRANGE(1, 1), .lockspec = move_lockspec,
     .summary = "Moves a key to another database.", .since = "1.0.0", .group = "generic", .complexity = "O(1)"},
    {.name = "swapdb", .proc = swapdb_command, .arity = 3, .flags = CMD_WRITE | CMD_FAST | CMD_WALKS_ALL,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_FAST | ACL_DANGEROUS, .lockspec = swapdb_lockspec,
     .summary = "Swaps the contents of two databases.", .since = "4.0.0", .group = "server",
     .complexity = "O(N) in the clients watching or blocked on keys of either database"},
    {.name = "keys", .proc = keys_command, .arity = 2, .flags = CMD_READONLY | CMD_WALKS_DB,
     .acl = ACL_KEYSPACE | ACL_READ | ACL_SLOW | ACL_DANGEROUS, .summary = "Lists the keys matching a pattern.",
     .since = "1.0.0", .group = "generic", .complexity = "O(N) in the keys of the database"},
    {.name = "scan", .proc = scan_command, .arity = -2, .flags = CMD_READONLY | CMD_WALKS_DB,
     .acl = ACL_KEYSPACE | ACL_READ | ACL_SLOW, .summary = "Iterates over the keys of the database.",
     .since = "2.8.0", .group = "generic", .complexity = "O(1) per call, O(N) for a whole iteration"},
    {.name = "randomkey", .proc = randomkey_command, .arity = 1, .flags = CMD_READONLY | CMD_WALKS_DB,
     .acl = ACL_KEYSPACE | ACL_READ | ACL_SLOW, .summary = "Returns a random key name.", .since = "1.0.0",
     .group = "generic", .complexity = "O(1)"},
    {.name = "touch", .proc = touch_command, .arity = -2, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_KEYSPACE | ACL_READ | ACL_FAST, KEYRANGE(1, -1),
     .summary = "Updates the last access time of keys; counts those that exist.", .since = "3.2.1",
     .group = "generic", .complexity = "O(N) in the keys touched"},
    {.name = "object", .arity = -2, .acl = ACL_SLOW, .subcommands = object_subcommands,
     .summary = "Inspects the internals of a key's value.", .since = "2.2.3", .group = "generic",
     .complexity = "Depends on subcommand."},
    {.name = "dbsize", .proc = dbsize_command, .arity = 1, .flags = CMD_READONLY | CMD_FAST | CMD_WALKS_DB,
     .acl = ACL_KEYSPACE | ACL_READ | ACL_FAST, .summary = "Counts the keys of the database.", .since = "1.0.0",
     .group = "server", .complexity = "O(1)"},
    {.name = "flushdb", .proc = flushdb_command, .arity = -1, .flags = CMD_WRITE | CMD_WALKS_DB,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_SLOW | ACL_DANGEROUS, .lockspec = flushdb_lockspec,
     .summary = "Removes every key of the current database.", .since = "1.0.0", .group = "server",
     .complexity = "O(N) in the keys of the database"},
    {.name = "flushall", .proc = flushall_command, .arity = -1, .flags = CMD_WRITE | CMD_WALKS_ALL,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_SLOW | ACL_DANGEROUS, .lockspec = flushall_lockspec,
     .summary = "Removes every key of every database.", .since = "1.0.0", .group = "server",
     .complexity = "O(N) in the keys of all databases"},
    CMD_END,
};
