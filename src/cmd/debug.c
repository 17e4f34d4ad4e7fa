/* debug.c — DEBUG: introspection and test helpers (SLEEP, OBJECT, POPULATE, DIGEST,
 * DIGEST-VALUE, SET-ACTIVE-EXPIRE, PROTOCOL, ERROR, LOG, HELP). Dispatch refuses the
 * command unless enable-debug-command allows it (CMD_PROTECTED).
 *
 * Subcommands that would crash the server on purpose (SEGFAULT, PANIC, ASSERT, OOM…)
 * are refused: a server that is secure by default does not offer a remote kill
 * switch. Those needing persistence (RELOAD, LOADAOF) say so until it exists.
 *
 * DIGEST: SHA-256 per live key over (db, key, type, value digest, expiry), combined by
 * XOR so the result does not depend on iteration order, shown as 40 hex digits
 * (all zeros for an empty dataset). It walks the keyspace one shard at a time. */
#include "cmd/debug.h"
#include "persist/persist.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "config.h"
#include "db/db.h"
#include "db/lockset.h"
#include "util/alloc.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/numparse.h"
#include "util/siphash.h"
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DIGEST_LEN 32
#define DIGEST_HEX 40 /* the width Redis shows (a SHA-1's) */

struct debug_digest {
    EVP_MD_CTX *ordered; /* the value's ordered stream */
    EVP_MD_CTX *element; /* scratch for one unordered element */
    unsigned char unordered[DIGEST_LEN];
};

static debug_value_digest_fn value_digest_fns[16];

void debug_register_value_digest(int type, debug_value_digest_fn fn) {
    if (type >= 0 && type < 16) value_digest_fns[type] = fn;
}

void debug_digest_feed(struct debug_digest *d, const void *p, size_t len) {
    /* length-prefixed so that ("ab","c") and ("a","bc") differ */
    uint64_t l = len;
    EVP_DigestUpdate(d->ordered, &l, sizeof(l));
    if (len) EVP_DigestUpdate(d->ordered, p, len);
}

void debug_digest_add_element(struct debug_digest *d, const void *a, size_t alen, const void *b, size_t blen) {
    unsigned char out[DIGEST_LEN];
    uint64_t l = alen;
    EVP_DigestInit_ex(d->element, EVP_sha256(), NULL);
    EVP_DigestUpdate(d->element, &l, sizeof(l));
    if (alen) EVP_DigestUpdate(d->element, a, alen);
    if (b) {
        l = blen;
        EVP_DigestUpdate(d->element, &l, sizeof(l));
        if (blen) EVP_DigestUpdate(d->element, b, blen);
    }
    EVP_DigestFinal_ex(d->element, out, NULL);
    for (int i = 0; i < DIGEST_LEN; i++) d->unordered[i] ^= out[i];
}

static void digest_init(struct debug_digest *d) {
    d->ordered = EVP_MD_CTX_new();
    d->element = EVP_MD_CTX_new();
}
static void digest_free(struct debug_digest *d) {
    EVP_MD_CTX_free(d->ordered);
    EVP_MD_CTX_free(d->element);
}

/* Digest of a value's contents (not its key, not its TTL). */
static void digest_value(struct debug_digest *d, const entry *e, unsigned char out[DIGEST_LEN]) {
    int type = entry_type(e);
    unsigned char t = (unsigned char)type;
    EVP_DigestInit_ex(d->ordered, EVP_sha256(), NULL);
    memset(d->unordered, 0, sizeof(d->unordered));
    EVP_DigestUpdate(d->ordered, &t, 1);
    if (type == OBJ_STRING) {
        char tmp[24];
        const char *p;
        size_t len;
        entry_string(e, tmp, &p, &len);
        debug_digest_feed(d, p, len);
    } else if (type >= 0 && type < 16 && value_digest_fns[type]) {
        value_digest_fns[type](e, d);
    }
    EVP_DigestUpdate(d->ordered, d->unordered, sizeof(d->unordered));
    EVP_DigestFinal_ex(d->ordered, out, NULL);
}

static void digest_hex(const unsigned char *dig, char *hex) {
    hex_encode(dig, DIGEST_HEX / 2, hex);
}

struct dataset_digest {
    struct debug_digest d;
    int dbid;
    long long now;
    long long keys;
    unsigned char acc[DIGEST_LEN];
};

static void digest_key(void *priv, entry *e) {
    struct dataset_digest *s = priv;
    if (db_entry_expired(e, s->now)) return;
    unsigned char value[DIGEST_LEN], out[DIGEST_LEN];
    digest_value(&s->d, e, value);
    int32_t db = s->dbid;
    uint64_t klen = entry_keylen(e);
    long long exp = entry_expire(e);
    EVP_DigestInit_ex(s->d.ordered, EVP_sha256(), NULL);
    EVP_DigestUpdate(s->d.ordered, &db, sizeof(db));
    EVP_DigestUpdate(s->d.ordered, &klen, sizeof(klen));
    EVP_DigestUpdate(s->d.ordered, entry_key(e), klen);
    EVP_DigestUpdate(s->d.ordered, value, sizeof(value));
    EVP_DigestUpdate(s->d.ordered, &exp, sizeof(exp));
    EVP_DigestFinal_ex(s->d.ordered, out, NULL);
    for (int i = 0; i < DIGEST_LEN; i++) s->acc[i] ^= out[i];
    s->keys++;
}

static void debug_digest_command(struct client *c) {
    struct dataset_digest s;
    memset(&s, 0, sizeof(s));
    digest_init(&s.d);
    s.now = db_now_ms();
    for (int dbid = 0; dbid < db_count(); dbid++) {
        struct db *db = db_get(dbid);
        s.dbid = dbid;
        for (uint32_t sh = 0; sh < DB_SHARDS; sh++) {
            int took = shard_lock_once(dbid, sh);
            uint64_t cur = 0;
            do {
                cur = ktable_scan(&db->shards[sh].kt, cur, digest_key, &s);
            } while (cur != 0);
            if (took) shard_unlock_taken(dbid, sh);
        }
    }
    digest_free(&s.d);
    char hex[DIGEST_HEX + 1];
    if (s.keys == 0) memset(s.acc, 0, sizeof(s.acc));
    digest_hex(s.acc, hex);
    reply_status(&c->out, hex);
}

static void debug_digest_value_command(struct client *c) {
    struct debug_digest d;
    digest_init(&d);
    reply_array(&c->out, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        unsigned char dig[DIGEST_LEN] = {0};
        entry *e = db_find(c->db, c->argv[i].ptr, c->argv[i].len, LOOKUP_NOTOUCH);
        if (e) digest_value(&d, e, dig);
        char hex[DIGEST_HEX + 1];
        digest_hex(dig, hex);
        reply_status(&c->out, hex);
    }
    digest_free(&d);
}

/* ---- OBJECT ---- */

/* Bytes the value would take in an RDB file (uncompressed), as DEBUG OBJECT's
 * serializedlength; other types are estimated by their memory. */
static size_t debug_serialized_length(const entry *e) {
    if (entry_type(e) != OBJ_STRING) return entry_value_cost(e);
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    long long v;
    if (len <= 11 && num_parse_ll(p, len, &v) == 0) {
        if (v >= -128 && v <= 127) return 2;
        if (v >= -32768 && v <= 32767) return 3;
        if (v >= -2147483648LL && v <= 2147483647LL) return 5;
    }
    size_t hdr = len < 64 ? 1 : len < 16384 ? 2 : len <= 0xFFFFFFFFu ? 5 : 9;
    return hdr + len;
}

static void debug_object_command(struct client *c) {
    entry *e = db_find(c->db, c->argv[2].ptr, c->argv[2].len, LOOKUP_NOTOUCH);
    if (!e) {
        reply_error(&c->out, "ERR no such key");
        return;
    }
    /* never show a real address: a keyed hash of it tells entries apart just as well */
    const void *addr = e;
    unsigned long long at = hash_bytes(&addr, sizeof(addr)) & 0xFFFFFFFFFFFFULL;
    uint32_t clock = db_lru_clock(), lru = e->lru & 0xFFFFFF;
    unsigned long long idle = clock >= lru ? clock - lru : clock + (0xFFFFFFu - lru);
    char line[256];
    snprintf(line, sizeof(line), "Value at:0x%llx refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
             at, entry_encoding_name(entry_encoding(e)), debug_serialized_length(e), lru, idle);
    reply_status(&c->out, line);
}

/* ---- POPULATE ---- */

static int parse_positive(struct client *c, const struct arg *a, long long *out) {
    if (num_parse_ll(a->ptr, a->len, out) != 0 || *out < 0) {
        reply_error(&c->out, "ERR value is out of range, must be positive");
        return -1;
    }
    return 0;
}

static void debug_populate_command(struct client *c) {
    long long count, size = 0;
    if (parse_positive(c, &c->argv[2], &count) != 0) return;
    if (c->argc == 5 && parse_positive(c, &c->argv[4], &size) != 0) return;
    if (size > server_config.proto_max_bulk_len) {
        reply_error(&c->out, "ERR value size is larger than proto-max-bulk-len");
        return;
    }
    const char *prefix = c->argc >= 4 ? c->argv[3].ptr : "key";
    size_t plen = c->argc >= 4 ? c->argv[3].len : 3;
    char *key = wmalloc(plen + 32);
    memcpy(key, prefix, plen);
    char *val = size > 32 ? wcalloc(1, (size_t)size) : NULL;
    char small[32] = {0};
    int dbid = c->db->id;
    for (long long j = 0; j < count; j++) {
        size_t klen = plen + (size_t)snprintf(key + plen, 32, ":%lld", j);
        char vbuf[32];
        int vl = snprintf(vbuf, sizeof(vbuf), "value:%lld", j);
        const char *vp = vbuf;
        size_t vlen = (size_t)vl;
        if (size) {
            /* Redis pads with zero bytes or cuts "value:N" to exactly `size` bytes */
            char *dst = val ? val : small;
            memset(dst, 0, (size_t)size);
            memcpy(dst, vbuf, (size_t)vl < (size_t)size ? (size_t)vl : (size_t)size);
            vp = dst;
            vlen = (size_t)size;
        }
        uint32_t sh = db_shard_index(ktable_hash(key, klen));
        int took = shard_lock_once(dbid, sh);
        if (!db_find(c->db, key, klen, LOOKUP_NOTOUCH)) db_add(c->db, entry_new_string(key, klen, vp, vlen, -1));
        if (took) shard_unlock_taken(dbid, sh);
    }
    wfree(key);
    wfree(val);
    reply_ok(&c->out);
}

/* ---- small ones ---- */

static void debug_sleep_command(struct client *c) {
    double secs = 0;
    /* Redis reads the number leniently: anything unparsable sleeps 0 */
    if (num_parse_double(c->argv[2].ptr, c->argv[2].len, &secs) != 0 || !(secs > 0)) secs = 0;
    if (secs > 86400.0 * 365) secs = 86400.0 * 365;
    struct timespec ts = {.tv_sec = (time_t)secs, .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    reply_ok(&c->out);
}

static void debug_set_active_expire_command(struct client *c) {
    long long v = 0;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &v) != 0) v = 0;
    db_active_expire_set_enabled(v != 0);
    reply_ok(&c->out);
}

static void debug_log_command(struct client *c) {
    log_warning("DEBUG LOG: %.*s", (int)(c->argv[2].len > 4096 ? 4096 : c->argv[2].len), c->argv[2].ptr);
    reply_ok(&c->out);
}

static void debug_error_command(struct client *c) {
    reply_errorf(&c->out, "%.*s", (int)(c->argv[2].len > 1000 ? 1000 : c->argv[2].len), c->argv[2].ptr);
}

static void debug_protocol_command(struct client *c) {
    const struct arg *t = &c->argv[2];
    struct reply *r = &c->out;
    if (arg_eq(t, "string")) reply_bulk_cstr(r, "Hello World");
    else if (arg_eq(t, "integer")) reply_int(r, 12345);
    else if (arg_eq(t, "double")) reply_double(r, 3.141);
    else if (arg_eq(t, "bignum")) {
        if (r->resp >= 3) reply_raw(r, "(1234567999999999999999999999999999999\r\n", 40);
        else reply_bulk_cstr(r, "1234567999999999999999999999999999999");
    } else if (arg_eq(t, "null")) reply_null(r);
    else if (arg_eq(t, "array")) {
        reply_array(r, 3);
        for (int j = 0; j < 3; j++) reply_int(r, j);
    } else if (arg_eq(t, "set")) {
        reply_set(r, 3);
        for (int j = 0; j < 3; j++) reply_int(r, j);
    } else if (arg_eq(t, "map")) {
        reply_map(r, 3);
        for (int j = 0; j < 3; j++) {
            reply_int(r, j);
            reply_bool(r, j == 1);
        }
    } else if (arg_eq(t, "attrib")) {
        if (r->resp >= 3) {
            reply_raw(r, "|1\r\n", 4);
            reply_bulk_cstr(r, "key-popularity");
            reply_array(r, 2);
            reply_bulk_cstr(r, "key:123");
            reply_int(r, 90);
        }
        reply_bulk_cstr(r, "Some real reply following the attribute");
    } else if (arg_eq(t, "push")) {
        if (r->resp < 3) {
            reply_error(r, "ERR RESP2 is not supported by this command");
            return;
        }
        reply_push(r, 2);
        reply_bulk_cstr(r, "server-cpu-usage");
        reply_int(r, 42);
        reply_bulk_cstr(r, "Some real reply following the push reply");
    } else if (arg_eq(t, "true")) reply_bool(r, 1);
    else if (arg_eq(t, "false")) reply_bool(r, 0);
    else if (arg_eq(t, "verbatim")) reply_verbatim(r, "This is a verbatim\nstring", 25, "txt");
    else
        reply_error(r, "ERR Wrong protocol type name. Please use one of the following: "
                       "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
}

static void debug_help(struct client *c) {
    static const char *const lines[] = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DIGEST",
        "    Answer a hex signature of the whole dataset (zeros when empty).",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Answer a hex signature of each key's value.",
        "ERROR <string>",
        "    Answer an error reply made of <string>.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "OBJECT <key>",
        "    Describe how <key>'s value is stored.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys <prefix>:<n> (prefix 'key'), skipping existing ones;",
        "    values are 'value:<n>', padded with zero bytes or cut to <size> bytes if given.",
        "PROTOCOL <type>",
        "    Answer a sample reply of <type>: string, integer, double, bignum, null, array,",
        "    set, map, attrib, push, verbatim, true, false.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Turn the background expiry of keys off (0) or on (1).",
        "SLEEP <seconds>",
        "    Stall this connection's thread for <seconds> (decimals allowed).",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

/* ---- dispatch of the subcommands ---- */

struct debug_sub {
    const char *name;
    void (*proc)(struct client *c);
    int min_argc, max_argc; /* max 0: unbounded */
    int keys_from;          /* first key argument (locked by the lockspec), 0: none */
};

/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load back (persist.h). */
static void debug_reload_command(struct client *c) {
    int flags = 0;
    for (int i = 2; i < c->argc; i++) {
        if (arg_eq(&c->argv[i], "MERGE")) flags |= PERSIST_RELOAD_MERGE;
        else if (arg_eq(&c->argv[i], "NOFLUSH")) flags |= PERSIST_RELOAD_NOFLUSH;
        else if (arg_eq(&c->argv[i], "NOSAVE")) flags |= PERSIST_RELOAD_NOSAVE;
        else {
            reply_error(&c->out, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            return;
        }
    }
    char err[256];
    if (persist_debug_reload_ex(flags, err, sizeof(err)) != 0) reply_error(&c->out, err);
    else reply_ok(&c->out);
}

static const struct debug_sub debug_subs[] = {
    {"reload", debug_reload_command, 2, 5, 0},
    {"help", debug_help, 2, 2, 0},
    {"digest", debug_digest_command, 2, 2, 0},
    {"digest-value", debug_digest_value_command, 2, 0, 2},
    {"error", debug_error_command, 3, 3, 0},
    {"log", debug_log_command, 3, 3, 0},
    {"object", debug_object_command, 3, 3, 2},
    {"populate", debug_populate_command, 3, 5, 0},
    {"protocol", debug_protocol_command, 3, 3, 0},
    {"set-active-expire", debug_set_active_expire_command, 3, 3, 0},
    {"sleep", debug_sleep_command, 3, 3, 0},
};
#define NDEBUG_SUBS (sizeof(debug_subs) / sizeof(debug_subs[0]))

static const char *const debug_not_yet[] = {"loadaof", "jmap", "change-repl-id", "restart",
                                            "crash-and-recover", "config-rewrite-force-all"};
static const char *const debug_refused[] = {"segfault", "panic", "assert", "oom", "leak"};

static const struct debug_sub *debug_find(const struct client *c) {
    for (size_t i = 0; i < NDEBUG_SUBS; i++)
        if (arg_eq(&c->argv[1], debug_subs[i].name)) {
            const struct debug_sub *s = &debug_subs[i];
            if (c->argc < s->min_argc || (s->max_argc && c->argc > s->max_argc)) return NULL;
            return s;
        }
    return NULL;
}

static void debug_lockspec(struct client *c, struct lockset *ls) {
    const struct debug_sub *s = debug_find(c);
    if (!s || !s->keys_from) return;
    int dbid = atomic_load_explicit(&c->dbid, memory_order_relaxed);
    for (int i = s->keys_from; i < c->argc; i++) lockset_add_key(ls, dbid, c->argv[i].ptr, c->argv[i].len);
}

static void debug_command(struct client *c) {
    const struct debug_sub *s = debug_find(c);
    if (s) {
        s->proc(c);
        return;
    }
    int nl = (int)(c->argv[1].len > 64 ? 64 : c->argv[1].len);
    for (size_t i = 0; i < sizeof(debug_not_yet) / sizeof(debug_not_yet[0]); i++)
        if (arg_eq(&c->argv[1], debug_not_yet[i])) {
            reply_errorf(&c->out, "ERR DEBUG %.*s is not available yet in Warden: persistence has not landed", nl,
                         c->argv[1].ptr);
            return;
        }
    for (size_t i = 0; i < sizeof(debug_refused) / sizeof(debug_refused[0]); i++)
        if (arg_eq(&c->argv[1], debug_refused[i])) {
            reply_errorf(&c->out, "ERR DEBUG %.*s is not supported by Warden: it would crash the server on purpose",
                         nl, c->argv[1].ptr);
            return;
        }
    reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try DEBUG HELP.", nl,
                 c->argv[1].ptr);
}

struct command debug_commands[] = {
    /* CMD_WALKS_ALL: DIGEST and POPULATE lock shards one by one, so inside EXEC the
     * whole keyspace must already be held */
    {.name = "debug", .proc = debug_command, .arity = -2,
     .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_PROTECTED | CMD_WALKS_ALL,
     .lockspec = debug_lockspec, .summary = "A container for debugging commands", .since = "1.0.0",
     .group = "server", .complexity = "Depends on subcommand."},
    CMD_END,
};
