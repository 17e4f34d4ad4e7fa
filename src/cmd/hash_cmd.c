/* hash_cmd.c — hash commands (HSET … HSCAN). Each runs with its key's shard lock held
 * (dispatch). Argument checks happen in Redis 7.0's order; empty hashes are deleted;
 * every write emits Redis's keyspace event name. */
#include "client.h"
#include "cmd/coll_scan.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "db/db.h"
#include "db/notify.h"
#include "types/hash.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fields and values past this size would not fit the 32-bit lengths of our entries. */
#define HASH_MAX_STRING ((size_t)1 << 31)
#define HASH_LD_CHARS 5120 /* a long double printed in full (HINCRBYFLOAT) */

/* Look up key as a hash: 0 with *out (NULL if absent), -1 after replying WRONGTYPE. */
static int hash_find(struct client *c, const struct arg *key, int read, entry **out) {
    return lookup_key_typed(c, key, OBJ_HASH, read, out);
}

static entry *hash_create(struct client *c, const struct arg *key) {
    entry *e = hash_new_entry(key->ptr, key->len);
    db_add(c->db, e);
    return e;
}

static int hash_check_sizes(struct client *c, int from) {
    for (int i = from; i < c->argc; i++) {
        if (c->argv[i].len >= HASH_MAX_STRING) {
            reply_error(&c->out, "ERR string too large for a hash field or value");
            return -1;
        }
    }
    return 0;
}

static void hset_generic(struct client *c, int reply_count) {
    if (c->argc % 2 == 1) {
        reply_wrong_args(c);
        return;
    }
    entry *e;
    if (hash_find(c, &c->argv[1], 0, &e) != 0) return;
    if (hash_check_sizes(c, 2) != 0) return;
    if (!e) e = hash_create(c, &c->argv[1]);
    long long created = 0;
    for (int i = 2; i < c->argc; i += 2)
        created += hash_set(e, c->argv[i].ptr, c->argv[i].len, c->argv[i + 1].ptr, c->argv[i + 1].len);
    keyspace_event(c->db->id, c->argv[1].ptr, c->argv[1].len, NOTIFY_HASH, "hset");
    if (reply_count) reply_int(&c->out, created);
    else reply_ok(&c->out);
}

static void hset_command(struct client *c) { hset_generic(c, 1); }
static void hmset_command(struct client *c) { hset_generic(c, 0); }

static void hsetnx_command(struct client *c) {
    entry *e;
    if (hash_find(c, &c->argv[1], 0, &e) != 0) return;
    if (e && hash_exists(e, c->argv[2].ptr, c->argv[2].len)) {
        reply_int(&c->out, 0);
        return;
    }
    if (hash_check_sizes(c, 2) != 0) return;
    if (!e) e = hash_create(c, &c->argv[1]);
    hash_set(e, c->argv[2].ptr, c->argv[2].len, c->argv[3].ptr, c->argv[3].len);
    keyspace_event(c->db->id, c->argv[1].ptr, c->argv[1].len, NOTIFY_HASH, "hset");
    reply_int(&c->out, 1);
}

static void hget_command(struct client *c) {
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    struct hash_str v;
    if (!e || !hash_get(e, c->argv[2].ptr, c->argv[2].len, &v)) {
        reply_null(&c->out);
        return;
    }
    reply_bulk(&c->out, v.s, v.len);
}

static void hmget_command(struct client *c) {
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    reply_array(&c->out, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        struct hash_str v;
        if (e && hash_get(e, c->argv[i].ptr, c->argv[i].len, &v)) reply_bulk(&c->out, v.s, v.len);
        else reply_null(&c->out);
    }
}

static void hdel_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    entry *e;
    if (hash_find(c, key, 0, &e) != 0) return;
    long long deleted = 0;
    if (e) {
        for (int i = 2; i < c->argc && hash_len(e) > 0; i++) deleted += hash_delete(e, c->argv[i].ptr, c->argv[i].len);
        if (deleted) {
            keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_HASH, "hdel");
            if (hash_len(e) == 0) {
                db_delete(c->db, key->ptr, key->len);
                keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
            }
        }
    }
    reply_int(&c->out, deleted);
}

static void hlen_command(struct client *c) {
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    reply_int(&c->out, e ? (long long)hash_len(e) : 0);
}

static void hstrlen_command(struct client *c) {
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    struct hash_str v;
    reply_int(&c->out, e && hash_get(e, c->argv[2].ptr, c->argv[2].len, &v) ? (long long)v.len : 0);
}

static void hexists_command(struct client *c) {
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    reply_int(&c->out, e && hash_exists(e, c->argv[2].ptr, c->argv[2].len));
}

#define HGET_KEYS 1
#define HGET_VALS 2

static void hgetall_generic(struct client *c, int what) {
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    long long n = e ? (long long)hash_len(e) : 0;
    if (what == (HGET_KEYS | HGET_VALS)) reply_map(&c->out, n);
    else reply_array(&c->out, n);
    if (!e) return;
    struct hash_iter it;
    struct hash_str f, v;
    hash_iter_init(&it, e);
    while (hash_iter_next(&it, &f, &v)) {
        if (what & HGET_KEYS) reply_bulk(&c->out, f.s, f.len);
        if (what & HGET_VALS) reply_bulk(&c->out, v.s, v.len);
    }
    hash_iter_release(&it);
}

static void hkeys_command(struct client *c) { hgetall_generic(c, HGET_KEYS); }
static void hvals_command(struct client *c) { hgetall_generic(c, HGET_VALS); }
static void hgetall_command(struct client *c) { hgetall_generic(c, HGET_KEYS | HGET_VALS); }

static void hincrby_command(struct client *c) {
    long long incr, cur = 0;
    if (num_parse_ll(c->argv[3].ptr, c->argv[3].len, &incr) != 0) {
        reply_not_integer(c);
        return;
    }
    entry *e;
    if (hash_find(c, &c->argv[1], 0, &e) != 0) return;
    struct hash_str v;
    if (e && hash_get(e, c->argv[2].ptr, c->argv[2].len, &v) && num_parse_ll(v.s, v.len, &cur) != 0) {
        reply_error(&c->out, "ERR hash value is not an integer");
        return;
    }
    if ((incr < 0 && cur < 0 && incr < LLONG_MIN - cur) || (incr > 0 && cur > 0 && incr > LLONG_MAX - cur)) {
        reply_error(&c->out, "ERR increment or decrement would overflow");
        return;
    }
    if (hash_check_sizes(c, 2) != 0) return;
    if (!e) e = hash_create(c, &c->argv[1]);
    cur += incr;
    char buf[24];
    int n = num_ll_to_str(buf, cur);
    hash_set(e, c->argv[2].ptr, c->argv[2].len, buf, (size_t)n);
    keyspace_event(c->db->id, c->argv[1].ptr, c->argv[1].len, NOTIFY_HASH, "hincrby");
    reply_int(&c->out, cur);
}

static void hincrbyfloat_command(struct client *c) {
    long double incr, cur = 0;
    if (num_parse_long_double(c->argv[3].ptr, c->argv[3].len, &incr) != 0) {
        reply_not_float(c);
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        reply_error(&c->out, "ERR value is NaN or Infinity");
        return;
    }
    entry *e;
    if (hash_find(c, &c->argv[1], 0, &e) != 0) return;
    struct hash_str v;
    if (e && hash_get(e, c->argv[2].ptr, c->argv[2].len, &v) && num_parse_long_double(v.s, v.len, &cur) != 0) {
        reply_error(&c->out, "ERR hash value is not a float");
        return;
    }
    cur += incr;
    if (isnan(cur) || isinf(cur)) {
        reply_error(&c->out, "ERR increment would produce NaN or Infinity");
        return;
    }
    if (hash_check_sizes(c, 2) != 0) return;
    char *buf = wmalloc(HASH_LD_CHARS);
    int n = num_long_double_to_str(buf, HASH_LD_CHARS, cur);
    if (n <= 0) {
        wfree(buf);
        reply_error(&c->out, "ERR increment would produce NaN or Infinity");
        return;
    }
    if (!e) e = hash_create(c, &c->argv[1]);
    hash_set(e, c->argv[2].ptr, c->argv[2].len, buf, (size_t)n);
    keyspace_event(c->db->id, c->argv[1].ptr, c->argv[1].len, NOTIFY_HASH, "hincrbyfloat");
    reply_bulk(&c->out, buf, (size_t)n);
    wfree(buf);
}

/* ---- HRANDFIELD ---- */

struct hash_pair {
    const char *f, *v;
    size_t flen, vlen;
};

static void reply_pair(struct client *c, const struct hash_str *f, const struct hash_str *v, int withvalues) {
    if (withvalues && c->resp == 3) reply_array(&c->out, 2);
    reply_bulk(&c->out, f->s, f->len);
    if (withvalues) reply_bulk(&c->out, v->s, v->len);
}

static void hrandfield_with_count(struct client *c, long long count, int withvalues) {
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    if (!e || count == 0) {
        reply_array(&c->out, 0);
        return;
    }
    long long size = (long long)hash_len(e);
    int flat2 = withvalues && c->resp == 2; /* RESP2: field, value, field, value… */
    struct hash_str f, v;
    if (count < 0 || count == 1) {
        /* repeats allowed (negative count): each pick independent */
        unsigned long long n = count < 0 ? 0ULL - (unsigned long long)count : 1ULL;
        reply_array(&c->out, (long long)(flat2 ? n * 2 : n));
        for (unsigned long long i = 0; i < n; i++) {
            hash_random_pair(e, &f, &v);
            reply_pair(c, &f, &v, withvalues);
        }
        return;
    }
    struct hash_iter it;
    if (count >= size) { /* the whole hash */
        reply_array(&c->out, flat2 ? size * 2 : size);
        hash_iter_init(&it, e);
        while (hash_iter_next(&it, &f, &v)) reply_pair(c, &f, &v, withvalues);
        hash_iter_release(&it);
        return;
    }
    /* distinct fields: a partial Fisher–Yates shuffle over every pair. Listpack values
     * that are integers are formatted into per-pair buffers so pointers stay valid. */
    struct hash_pair *pairs = wmalloc(sizeof(*pairs) * (size_t)size);
    char(*nums)[2][24] = entry_encoding(e) == ENC_LISTPACK ? wmalloc(sizeof(*nums) * (size_t)size) : NULL;
    long long i = 0;
    hash_iter_init(&it, e);
    while (i < size && hash_iter_next(&it, &f, &v)) {
        if (nums) {
            if (f.s == f.buf) f.s = memcpy(nums[i][0], f.buf, f.len);
            if (v.s == v.buf) v.s = memcpy(nums[i][1], v.buf, v.len);
        }
        pairs[i].f = f.s;
        pairs[i].flen = f.len;
        pairs[i].v = v.s;
        pairs[i].vlen = v.len;
        i++;
    }
    hash_iter_release(&it);
    reply_array(&c->out, flat2 ? count * 2 : count);
    for (long long k = 0; k < count; k++) {
        long long j = k + (long long)((unsigned long long)random() % (unsigned long long)(size - k));
        struct hash_pair t = pairs[k];
        pairs[k] = pairs[j];
        pairs[j] = t;
        f.s = pairs[k].f;
        f.len = pairs[k].flen;
        v.s = pairs[k].v;
        v.len = pairs[k].vlen;
        reply_pair(c, &f, &v, withvalues);
    }
    wfree(nums);
    wfree(pairs);
}

static void hrandfield_command(struct client *c) {
    if (c->argc >= 3) {
        long long count; /* its negation must exist: not LLONG_MIN */
        if (arg_parse_ll_range(c, 2, -LLONG_MAX, LLONG_MAX, &count) != 0) return;
        int withvalues = 0;
        if (c->argc > 4 || (c->argc == 4 && !arg_eq(&c->argv[3], "WITHVALUES"))) {
            reply_syntax_error(c);
            return;
        }
        if (c->argc == 4) withvalues = 1;
        if (withvalues && count < -(LLONG_MAX / 2)) {
            reply_error(&c->out, "ERR value is out of range");
            return;
        }
        hrandfield_with_count(c, count, withvalues);
        return;
    }
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    if (!e) {
        reply_null(&c->out);
        return;
    }
    struct hash_str f, v;
    hash_random_pair(e, &f, &v);
    reply_bulk(&c->out, f.s, f.len);
}

/* ---- HSCAN ---- */

struct hscan_ctx {
    struct hash_pair *items;
    long long n, cap;
    const struct coll_scan_opts *o; /* MATCH */
};

static void hscan_collect(void *priv, const char *f, size_t flen, const char *v, size_t vlen) {
    struct hscan_ctx *ctx = priv;
    if (!coll_scan_match(ctx->o, f, flen)) return;
    if (ctx->n == ctx->cap) {
        ctx->cap = ctx->cap ? ctx->cap * 2 : 16;
        ctx->items = wrealloc(ctx->items, sizeof(*ctx->items) * (size_t)ctx->cap);
    }
    ctx->items[ctx->n++] = (struct hash_pair){f, v, flen, vlen};
}

static void hscan_command(struct client *c) {
    uint64_t cursor;
    if (coll_scan_cursor(c, 2, &cursor) != 0) return;
    entry *e;
    if (hash_find(c, &c->argv[1], 1, &e) != 0) return;
    if (!e) {
        coll_scan_reply_empty(c);
        return;
    }
    struct coll_scan_opts o;
    if (coll_scan_options(c, 3, &o) != 0) return;
    long long count = o.count;
    struct hscan_ctx ctx = {NULL, 0, 0, &o};
    if (entry_encoding(e) == ENC_LISTPACK) {
        /* small encodings answer in one go, cursor 0 */
        struct hash_iter it;
        struct hash_str f, v;
        reply_array(&c->out, 2);
        reply_bulk(&c->out, "0", 1);
        reply_deferred d = reply_defer_len(&c->out);
        long long n = 0;
        hash_iter_init(&it, e);
        while (hash_iter_next(&it, &f, &v)) {
            if (!coll_scan_match(&o, f.s, f.len)) continue;
            reply_bulk(&c->out, f.s, f.len);
            reply_bulk(&c->out, v.s, v.len);
            n += 2;
        }
        hash_iter_release(&it);
        reply_set_deferred_array(&c->out, d, n);
        return;
    }
    /* visit buckets until `count` pairs were seen (or 10x count empty buckets) */
    long long budget = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cursor = hash_scan(e, cursor, hscan_collect, &ctx);
    } while (cursor && budget-- > 0 && ctx.n < count);
    char cbuf[24];
    int cl = num_ull_to_str(cbuf, cursor);
    reply_array(&c->out, 2);
    reply_bulk(&c->out, cbuf, (size_t)cl);
    reply_array(&c->out, ctx.n * 2);
    for (long long i = 0; i < ctx.n; i++) {
        reply_bulk(&c->out, ctx.items[i].f, ctx.items[i].flen);
        reply_bulk(&c->out, ctx.items[i].v, ctx.items[i].vlen);
    }
    wfree(ctx.items);
}

__attribute__((constructor)) static void hash_cmd_register_type(void) { hash_type_init(); }

#define HASH_W (ACL_WRITE | ACL_HASH)
#define HASH_R (ACL_READ | ACL_HASH)
#define KEY1 .first_key = 1, .last_key = 1, .key_step = 1
struct command hash_commands[] = {
    {.name = "hset", .proc = hset_command, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST, .acl = HASH_W, KEY1,
     .summary = "Set the string value of a hash field", .since = "2.0.0", .group = "hash",
     .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is "
                   "called with multiple field/value pairs."},
    {.name = "hsetnx", .proc = hsetnx_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST, .acl = HASH_W,
     KEY1, .summary = "Set the value of a hash field, only if the field does not exist", .since = "2.0.0",
     .group = "hash", .complexity = "O(1)"},
    {.name = "hget", .proc = hget_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST, .acl = HASH_R, KEY1,
     .summary = "Get the value of a hash field", .since = "2.0.0", .group = "hash", .complexity = "O(1)"},
    {.name = "hmget", .proc = hmget_command, .arity = -3, .flags = CMD_READONLY | CMD_FAST, .acl = HASH_R, KEY1,
     .summary = "Get the values of all the given hash fields", .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields being requested."},
    {.name = "hmset", .proc = hmset_command, .arity = -4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST, .acl = HASH_W,
     KEY1, .summary = "Set multiple hash fields to multiple values", .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields being set."},
    {.name = "hdel", .proc = hdel_command, .arity = -3, .flags = CMD_WRITE | CMD_FAST, .acl = HASH_W, KEY1,
     .summary = "Delete one or more hash fields", .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields to be removed."},
    {.name = "hlen", .proc = hlen_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST, .acl = HASH_R, KEY1,
     .summary = "Get the number of fields in a hash", .since = "2.0.0", .group = "hash", .complexity = "O(1)"},
    {.name = "hstrlen", .proc = hstrlen_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST, .acl = HASH_R, KEY1,
     .summary = "Get the length of the value of a hash field", .since = "3.2.0", .group = "hash", .complexity = "O(1)"},
    {.name = "hexists", .proc = hexists_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST, .acl = HASH_R, KEY1,
     .summary = "Determine if a hash field exists", .since = "2.0.0", .group = "hash", .complexity = "O(1)"},
    {.name = "hkeys", .proc = hkeys_command, .arity = 2, .flags = CMD_READONLY, .acl = HASH_R | ACL_SLOW, KEY1,
     .summary = "Get all the fields in a hash", .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the size of the hash."},
    {.name = "hvals", .proc = hvals_command, .arity = 2, .flags = CMD_READONLY, .acl = HASH_R | ACL_SLOW, KEY1,
     .summary = "Get all the values in a hash", .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the size of the hash."},
    {.name = "hgetall", .proc = hgetall_command, .arity = 2, .flags = CMD_READONLY, .acl = HASH_R | ACL_SLOW, KEY1,
     .summary = "Get all the fields and values in a hash", .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the size of the hash."},
    {.name = "hincrby", .proc = hincrby_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = HASH_W, KEY1, .summary = "Increment the integer value of a hash field by the given number",
     .since = "2.0.0", .group = "hash", .complexity = "O(1)"},
    {.name = "hincrbyfloat", .proc = hincrbyfloat_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = HASH_W, KEY1, .summary = "Increment the float value of a hash field by the given amount",
     .since = "2.6.0", .group = "hash", .complexity = "O(1)"},
    {.name = "hrandfield", .proc = hrandfield_command, .arity = -2, .flags = CMD_READONLY, .acl = HASH_R | ACL_SLOW,
     KEY1, .summary = "Get one or multiple random fields from a hash", .since = "6.2.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields returned"},
    {.name = "hscan", .proc = hscan_command, .arity = -3, .flags = CMD_READONLY, .acl = HASH_R | ACL_SLOW, KEY1,
     .summary = "Incrementally iterate hash fields and associated values", .since = "2.8.0", .group = "hash",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                   "cursor to return back to 0. N is the number of elements inside the collection.."},
    CMD_END,
};
