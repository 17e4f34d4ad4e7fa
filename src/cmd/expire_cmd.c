/* expire_cmd.c — the expiry commands of Redis 7.0: EXPIRE PEXPIRE EXPIREAT PEXPIREAT
 * (with NX XX GT LT), TTL PTTL EXPIRETIME PEXPIRETIME PERSIST.
 *
 * TTLs are absolute wall-clock Unix milliseconds stored in the entry (entry.h); every
 * command compares them with the command's fixed time (db_now_ms), so one command sees
 * one "now". Expired keys are reclaimed lazily by lookups and actively by db/expire.c.
 * Each command runs with its key's shard lock held (dispatch). */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "db/db.h"
#include "db/notify.h"
#include "stats.h"
#include "util/numparse.h"
#include <limits.h>

#define EXP_NX 1
#define EXP_XX 2
#define EXP_GT 4
#define EXP_LT 8

static void reply_invalid_expire(struct client *c) {
    const struct command *cmd = atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
    reply_errorf(&c->out, "ERR invalid expire time in '%s' command", cmd ? cmd->fullname : "expire");
}

/* Parse NX/XX/GT/LT from argv[3..]. Returns the flags, or -1 after replying. Option
 * errors come before the time is even parsed, as in Redis. */
static int expire_parse_flags(struct client *c) {
    int flags = 0;
    for (int i = 3; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        if (arg_eq(a, "NX")) flags |= EXP_NX;
        else if (arg_eq(a, "XX")) flags |= EXP_XX;
        else if (arg_eq(a, "GT")) flags |= EXP_GT;
        else if (arg_eq(a, "LT")) flags |= EXP_LT;
        else {
            int n = (int)(a->len > 128 ? 128 : a->len);
            reply_errorf(&c->out, "ERR Unsupported option %.*s", n, a->ptr);
            return -1;
        }
    }
    if ((flags & EXP_NX) && (flags & (EXP_XX | EXP_GT | EXP_LT))) {
        reply_error(&c->out, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return -1;
    }
    if ((flags & EXP_GT) && (flags & EXP_LT)) {
        reply_error(&c->out, "ERR GT and LT options at the same time are not compatible");
        return -1;
    }
    return flags;
}

/* The shared body: `basetime` is now (relative forms) or 0 (absolute forms), `seconds`
 * says the argument's unit. Negative times are allowed (they expire the key at once);
 * only overflow while converting to absolute milliseconds is an error. */
static void expire_generic(struct client *c, long long basetime, int seconds) {
    int flags = expire_parse_flags(c);
    if (flags < 0) return;
    long long when;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &when) != 0) {
        reply_not_integer(c);
        return;
    }
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            reply_invalid_expire(c);
            return;
        }
        when *= 1000;
    }
    if (when > LLONG_MAX - basetime) {
        reply_invalid_expire(c);
        return;
    }
    when += basetime;

    const struct arg *key = &c->argv[1];
    entry *e = db_find(c->db, key->ptr, key->len, 0);
    if (!e) {
        reply_int(&c->out, 0);
        return;
    }
    long long cur = entry_expire(e); /* -1: no TTL, which GT/LT treat as infinite */
    if (((flags & EXP_NX) && cur != -1) || ((flags & EXP_XX) && cur == -1) ||
        ((flags & EXP_GT) && (cur == -1 || when <= cur)) || ((flags & EXP_LT) && cur != -1 && when >= cur)) {
        reply_int(&c->out, 0);
        return;
    }
    if (when <= db_now_ms()) {
        /* a time already past deletes the key, as Redis does, and says "del" */
        db_delete(c->db, key->ptr, key->len);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
    } else {
        db_set_expire(c->db, e, when);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "expire");
    }
    reply_int(&c->out, 1);
}

static void expire_command(struct client *c) { expire_generic(c, db_now_ms(), 1); }
static void pexpire_command(struct client *c) { expire_generic(c, db_now_ms(), 0); }
static void expireat_command(struct client *c) { expire_generic(c, 0, 1); }
static void pexpireat_command(struct client *c) { expire_generic(c, 0, 0); }

/* A read lookup for the TTL queries: counts hits/misses, leaves the access clock. */
static entry *expire_lookup(struct client *c) {
    entry *e = db_find(c->db, c->argv[1].ptr, c->argv[1].len, LOOKUP_NOTOUCH);
    if (e) STAT_INC(hits);
    else STAT_INC(misses);
    return e;
}

/* TTL/PTTL: remaining time; EXPIRETIME/PEXPIRETIME: the absolute time. -2 when the key
 * does not exist, -1 when it has no TTL. */
static void ttl_generic(struct client *c, int seconds, int absolute) {
    entry *e = expire_lookup(c);
    if (!e) {
        reply_int(&c->out, -2);
        return;
    }
    long long when = entry_expire(e); /* stored TTLs are never negative (past ones delete) */
    if (when == -1) {
        reply_int(&c->out, -1);
        return;
    }
    long long v = absolute ? when : when - db_now_ms(); /* when >= 0, now >= 0: no overflow */
    if (v < 0) v = 0;
    /* seconds round to nearest, as Redis (a key with 1.6 s left reports 2), in unsigned
     * arithmetic so that a time near LLONG_MAX rounds instead of overflowing */
    reply_int(&c->out, seconds ? (long long)(((unsigned long long)v + 500) / 1000) : v);
}

static void ttl_command(struct client *c) { ttl_generic(c, 1, 0); }
static void pttl_command(struct client *c) { ttl_generic(c, 0, 0); }
static void expiretime_command(struct client *c) { ttl_generic(c, 1, 1); }
static void pexpiretime_command(struct client *c) { ttl_generic(c, 0, 1); }

static void persist_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    entry *e = db_find(c->db, key->ptr, key->len, 0);
    if (!e || !entry_has_expire(e)) {
        reply_int(&c->out, 0);
        return;
    }
    db_set_expire(c->db, e, -1);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "persist");
    reply_int(&c->out, 1);
}

#define EXPIRE_ROW(nm, fn, sum, ver)                                                                       \
    {.name = nm, .proc = fn, .arity = -3, .flags = CMD_WRITE | CMD_FAST,                                 \
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,            \
     .summary = sum, .since = ver, .group = "generic", .complexity = "O(1)"}
#define TTL_ROW(nm, fn, sum, ver)                                                                          \
    {.name = nm, .proc = fn, .arity = 2, .flags = CMD_READONLY | CMD_FAST,                               \
     .acl = ACL_KEYSPACE | ACL_READ | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,             \
     .summary = sum, .since = ver, .group = "generic", .complexity = "O(1)"}

struct command expire_commands[] = {
    EXPIRE_ROW("expire", expire_command, "Sets a key's time to live in seconds.", "1.0.0"),
    EXPIRE_ROW("pexpire", pexpire_command, "Sets a key's time to live in milliseconds.", "2.6.0"),
    EXPIRE_ROW("expireat", expireat_command, "Sets a key's expiry as a Unix time in seconds.", "1.2.0"),
    EXPIRE_ROW("pexpireat", pexpireat_command, "Sets a key's expiry as a Unix time in milliseconds.", "2.6.0"),
    TTL_ROW("expiretime", expiretime_command, "Returns a key's expiry as a Unix time in seconds.", "7.0.0"),
    TTL_ROW("pexpiretime", pexpiretime_command, "Returns a key's expiry as a Unix time in milliseconds.", "7.0.0"),
    TTL_ROW("ttl", ttl_command, "Returns a key's time to live in seconds.", "1.0.0"),
    TTL_ROW("pttl", pttl_command, "Returns a key's time to live in milliseconds.", "2.6.0"),
    {.name = "persist", .proc = persist_command, .arity = 2, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes a key's time to live.", .since = "2.2.0", .group = "generic", .complexity = "O(1)"},
    CMD_END,
};
