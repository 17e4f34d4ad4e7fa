/* dump_cmd.c — DUMP and RESTORE with Redis 7.0's payload format (persist/rdb_dump.h),
 * so values move between Warden and redis-server in both directions. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "config.h"
#include "db/db.h"
#include "db/notify.h"
#include "persist/rdb_dump.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/numparse.h"
#include <limits.h>

static void dump_command(struct client *c) {
    entry *e = db_find_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (!e) {
        reply_null(&c->out);
        return;
    }
    size_t len;
    unsigned char *p = rdb_dump_payload(e, server_config.rdbcompression, &len);
    if (!p) {
        reply_error(&c->out, "ERR this value type cannot be serialized by this Warden build");
        return;
    }
    reply_bulk(&c->out, p, len);
    wfree(p);
}

/* The access clock RESTORE leaves on the key: IDLETIME under an LRU (or no) policy,
 * FREQ under an LFU policy, as Redis's objectSetLRUOrLFU. */
static void restore_set_clock(entry *e, long long idle, long long freq) {
    int policy = server_config.maxmemory_policy;
    int lfu = policy == MAXMEMORY_VOLATILE_LFU || policy == MAXMEMORY_ALLKEYS_LFU;
    if (lfu && freq >= 0) {
        uint32_t minutes = (uint32_t)(clock_ms() / 60000) & 0xFFFF;
        e->lru = minutes << 8 | (uint32_t)freq;
    } else if (!lfu && idle >= 0) {
        uint32_t now = db_lru_clock() & 0xFFFFFF;
        if (idle > (long long)now) e->lru = (now + 0x800000) & 0xFFFFFF; /* farther than the clock reaches */
        else e->lru = now - (uint32_t)idle;
    }
}

static void restore_command(struct client *c) {
    int replace = 0, absttl = 0;
    long long idle = -1, freq = -1, ttl;
    for (int j = 4; j < c->argc; j++) {
        int more = c->argc - j - 1;
        if (arg_eq(&c->argv[j], "REPLACE")) {
            replace = 1;
        } else if (arg_eq(&c->argv[j], "ABSTTL")) {
            absttl = 1;
        } else if (arg_eq(&c->argv[j], "IDLETIME") && more >= 1 && freq == -1) {
            if (num_parse_ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &idle) != 0) {
                reply_not_integer(c);
                return;
            }
            if (idle < 0) {
                reply_error(&c->out, "ERR Invalid IDLETIME value, must be >= 0");
                return;
            }
            j++;
        } else if (arg_eq(&c->argv[j], "FREQ") && more >= 1 && idle == -1) {
            if (num_parse_ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &freq) != 0) {
                reply_not_integer(c);
                return;
            }
            if (freq < 0 || freq > 255) {
                reply_error(&c->out, "ERR Invalid FREQ value, must be >= 0 and <= 255");
                return;
            }
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const struct arg *key = &c->argv[1];
    if (!replace && db_find(c->db, key->ptr, key->len, LOOKUP_NOTOUCH)) {
        reply_error(&c->out, "BUSYKEY Target key name already exists.");
        return;
    }
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &ttl) != 0) {
        reply_not_integer(c);
        return;
    }
    if (ttl < 0) {
        reply_error(&c->out, "ERR Invalid TTL value, must be >= 0");
        return;
    }
    const unsigned char *payload = (const unsigned char *)c->argv[3].ptr;
    size_t plen = c->argv[3].len;
    if (rdb_dump_verify(payload, plen) != 0) {
        reply_error(&c->out, "ERR DUMP payload version or checksum are wrong");
        return;
    }
    long long now = db_now_ms();
    long long when = -1;
    if (ttl) when = absttl ? ttl : (ttl > LLONG_MAX - now ? LLONG_MAX : ttl + now);
    char why[160];
    entry *e = rdb_dump_restore(payload, plen, key->ptr, key->len, when, why, sizeof(why));
    if (!e) {
        reply_error(&c->out, "ERR Bad data format");
        return;
    }
    int deleted = replace ? db_delete(c->db, key->ptr, key->len) : 0;
    if (when >= 0 && when <= now) {
        /* already expired: nothing is created (an old value REPLACE removed stays removed) */
        entry_free(e);
        if (deleted) keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
        reply_ok(&c->out);
        return;
    }
    db_add(c->db, e);
    restore_set_clock(e, idle, freq);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "restore");
    reply_ok(&c->out);
}

struct command dump_commands[] = {
    {.name = "dump", .proc = dump_command, .arity = 2, .flags = CMD_READONLY, .acl = ACL_KEYSPACE | ACL_READ,
     .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Return a serialized version of the value stored at the specified key.", .since = "2.6.0",
     .group = "generic",
     .complexity = "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis "
                   "objects composing the value and M their average size. For small string values the time "
                   "complexity is thus O(1)+O(1*M) where M is small, so simply O(1)."},
    {.name = "restore", .proc = restore_command, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_KEYSPACE | ACL_WRITE | ACL_DANGEROUS, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Create a key using the provided serialized value, previously obtained using DUMP.",
     .since = "2.6.0", .group = "generic",
     .complexity = "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N "
                   "is the number of Redis objects composing the value and M their average size. For small string "
                   "values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for "
                   "sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is "
                   "O(log(N))."},
    CMD_END,
};
