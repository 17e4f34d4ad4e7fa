/* aof_feed.c — what a write command leaves in the AOF. Most commands are recorded as
 * they were sent: replaying them on the same data gives the same result. The ones that
 * would not are rewritten the way Redis 7.0 propagates them, reading the command's
 * outcome from the keyspace (the shard locks are still held, so it is exactly what the
 * command left):
 *   EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT, GETEX  → PEXPIREAT key <ms> (or PERSIST, or
 *                                                     DEL when the key is gone)
 *   SET ... EX|PX|EXAT|PXAT, SETEX, PSETEX          → SET key value PXAT <ms> (or DEL)
 *   RESTORE key <relative ttl> ...                  → RESTORE key <ms> ... ABSTTL
 *   INCRBYFLOAT / HINCRBYFLOAT                      → SET key v KEEPTTL / HSET key f v
 *   BLPOP / BRPOP (served)                          → LPOP / RPOP of the key served
 *   BLMOVE / BRPOPLPUSH / BLMPOP                    → LMOVE / RPOPLPUSH / LMPOP
 *   BZPOPMIN / BZPOPMAX / BZMPOP                    → ZPOPMIN / ZPOPMAX / ZMPOP
 *   SPOP (random members)                           → SREM key <the members popped>, or
 *                                                     DEL when the set is gone
 * so replay never depends on the time it runs at, nor on randomness. */
#include "client.h"
#include "cmd/command.h"
#include "db/db.h"
#include "persist/aof.h"
#include "persist/aof_emit.h"
#include "persist/aof_int.h"
#include "types/hash.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <string.h>
#include <strings.h>

static void feed(struct client *c, int argc, const struct arg *argv) {
    aof_feed(atomic_load_explicit(&c->dbid, memory_order_relaxed), argc, argv);
}

static void feed2(struct client *c, const char *name, const struct arg *key) {
    struct arg a[2] = {{(char *)name, strlen(name)}, *key};
    feed(c, 2, a);
}

/* The key as the command left it: NULL when it no longer exists. */
static entry *outcome(struct client *c, const struct arg *key) {
    return db_find(c->db, key->ptr, key->len, LOOKUP_NOTOUCH);
}

/* PEXPIREAT key <ms> / PERSIST key / DEL key, from the key's state. */
static void feed_ttl_state(struct client *c, const struct arg *key) {
    entry *e = outcome(c, key);
    if (!e) {
        feed2(c, "DEL", key);
        return;
    }
    if (!entry_has_expire(e)) {
        feed2(c, "PERSIST", key);
        return;
    }
    char ms[24];
    int n = num_ll_to_str(ms, entry_expire(e));
    struct arg a[3] = {{(char *)"PEXPIREAT", 9}, *key, {ms, (size_t)n}};
    feed(c, 3, a);
}

/* SET key value PXAT <ms> (or plain SET, or DEL), from the key's state. */
static void feed_set_state(struct client *c, const struct arg *key, const struct arg *val) {
    entry *e = outcome(c, key);
    if (!e) {
        feed2(c, "DEL", key);
        return;
    }
    char ms[24];
    int n = entry_has_expire(e) ? num_ll_to_str(ms, entry_expire(e)) : 0;
    struct arg a[5] = {{(char *)"SET", 3}, *key, *val, {(char *)"PXAT", 4}, {ms, (size_t)n}};
    feed(c, entry_has_expire(e) ? 5 : 3, a);
}

static int set_has_expire_option(struct client *c) {
    for (int i = 3; i < c->argc; i++) {
        if (arg_eq(&c->argv[i], "EX") || arg_eq(&c->argv[i], "PX") || arg_eq(&c->argv[i], "EXAT") ||
            arg_eq(&c->argv[i], "PXAT"))
            return 1;
    }
    return 0;
}

static void feed_restore(struct client *c) {
    const struct arg *key = &c->argv[1];
    entry *e = outcome(c, key);
    if (!e) {
        feed2(c, "DEL", key);
        return;
    }
    int absttl = 0;
    for (int i = 4; i < c->argc; i++)
        if (arg_eq(&c->argv[i], "ABSTTL")) absttl = 1;
    if (!entry_has_expire(e) || absttl) {
        feed(c, c->argc, c->argv);
        return;
    }
    struct arg a[16];
    if (c->argc + 1 > 16) {
        feed(c, c->argc, c->argv);
        return;
    }
    char ms[24];
    int n = num_ll_to_str(ms, entry_expire(e));
    for (int i = 0; i < c->argc; i++) a[i] = c->argv[i];
    a[2].ptr = ms;
    a[2].len = (size_t)n;
    a[c->argc].ptr = (char *)"ABSTTL";
    a[c->argc].len = 6;
    feed(c, c->argc + 1, a);
}

static void feed_incrbyfloat(struct client *c) {
    entry *e = outcome(c, &c->argv[1]);
    if (!e || entry_type(e) != OBJ_STRING) {
        feed(c, c->argc, c->argv);
        return;
    }
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    struct arg a[4] = {{(char *)"SET", 3}, c->argv[1], {(char *)p, len}, {(char *)"KEEPTTL", 7}};
    feed(c, 4, a);
}

static void feed_hincrbyfloat(struct client *c) {
    entry *e = outcome(c, &c->argv[1]);
    struct hash_str v;
    if (!e || entry_type(e) != OBJ_HASH || !hash_get(e, c->argv[2].ptr, c->argv[2].len, &v)) {
        feed(c, c->argc, c->argv);
        return;
    }
    struct arg a[4] = {{(char *)"HSET", 4}, c->argv[1], c->argv[2], {(char *)v.s, v.len}};
    feed(c, 4, a);
}

/* BLPOP/BRPOP served: the pop of the key that was served (from its keyspace event). */
static void feed_blocking_pop(struct client *c, const char *event, const char *cmd) {
    const char *key;
    size_t klen;
    if (!aof_capture_key(event, &key, &klen)) {
        feed(c, c->argc, c->argv);
        return;
    }
    struct arg a[2] = {{(char *)cmd, strlen(cmd)}, {(char *)key, klen}};
    feed(c, 2, a);
}

/* A blocking command recorded as its non-blocking form: new name, arguments from
 * `from` to `to` (exclusive) of argv. */
static void feed_renamed(struct client *c, const char *name, int from, int to) {
    struct arg a[64];
    int n = 0;
    if (to - from + 1 > 64) {
        feed(c, c->argc, c->argv);
        return;
    }
    a[n].ptr = (char *)name;
    a[n++].len = strlen(name);
    for (int i = from; i < to; i++) a[n++] = c->argv[i];
    feed(c, n, a);
}

/* SPOP: the members popped were noted by the command (aof_note_member). */
static void feed_spop(struct client *c) {
    const struct arg *key = &c->argv[1];
    if (!outcome(c, key)) {
        feed2(c, "DEL", key);
        return;
    }
    const struct arg *members;
    int n = aof_noted_members(&members);
    for (int at = 0; at < n; at += 1024) { /* in batches, as Redis does */
        int k = n - at < 1024 ? n - at : 1024;
        struct arg *a = wmalloc(sizeof(struct arg) * (size_t)(k + 2));
        a[0].ptr = (char *)"SREM";
        a[0].len = 4;
        a[1] = *key;
        for (int i = 0; i < k; i++) a[2 + i] = members[at + i];
        feed(c, k + 2, a);
        wfree(a);
    }
}

void aof_discard_notes(void) {
    aof_capture_reset();
    aof_noted_reset();
}

void aof_propagate(struct client *c, const struct command *cmd) {
    if (!aof_enabled()) {
        aof_discard_notes();
        return;
    }
    const char *n = cmd->fullname;
    if (!strcmp(n, "expire") || !strcmp(n, "pexpire") || !strcmp(n, "expireat") || !strcmp(n, "pexpireat") ||
        !strcmp(n, "getex"))
        feed_ttl_state(c, &c->argv[1]);
    else if (!strcmp(n, "set") && set_has_expire_option(c))
        feed_set_state(c, &c->argv[1], &c->argv[2]);
    else if ((!strcmp(n, "setex") || !strcmp(n, "psetex")) && c->argc == 4)
        feed_set_state(c, &c->argv[1], &c->argv[3]);
    else if (!strcmp(n, "restore"))
        feed_restore(c);
    else if (!strcmp(n, "incrbyfloat"))
        feed_incrbyfloat(c);
    else if (!strcmp(n, "hincrbyfloat"))
        feed_hincrbyfloat(c);
    else if (!strcmp(n, "blpop"))
        feed_blocking_pop(c, "lpop", "LPOP");
    else if (!strcmp(n, "brpop"))
        feed_blocking_pop(c, "rpop", "RPOP");
    else if (!strcmp(n, "blmove") && c->argc == 6)
        feed_renamed(c, "LMOVE", 1, 5);
    else if (!strcmp(n, "brpoplpush") && c->argc == 4)
        feed_renamed(c, "RPOPLPUSH", 1, 3);
    else if (!strcmp(n, "blmpop") && c->argc >= 5)
        feed_renamed(c, "LMPOP", 2, c->argc);
    else if (!strcmp(n, "bzpopmin"))
        feed_blocking_pop(c, "zpopmin", "ZPOPMIN");
    else if (!strcmp(n, "bzpopmax"))
        feed_blocking_pop(c, "zpopmax", "ZPOPMAX");
    else if (!strcmp(n, "bzmpop") && c->argc >= 5)
        feed_renamed(c, "ZMPOP", 2, c->argc);
    else if (!strcmp(n, "spop"))
        feed_spop(c);
    else
        feed(c, c->argc, c->argv);
    aof_capture_reset();
    aof_noted_reset();
}
