/* set_cmd.c — set commands (SADD ... SSCAN) over types/set.h. Every command here runs
 * with the shard locks of all its keys held (dispatch; SINTERCARD's numkeys-style keys
 * come from its getkeys), so multi-key commands are atomic.
 *
 * Replies follow Redis 7.0: member collections are RESP3 sets (~) for SMEMBERS, SINTER,
 * SUNION, SDIFF and SPOP with a count; SRANDMEMBER with a count is an array (it may
 * repeat members). */
#include "client.h"
#include "cmd/coll_scan.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "db/db.h"
#include "db/notify.h"
#include "persist/aof.h"
#include "types/set.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void notify(struct client *c, const struct arg *key, int type, const char *event) {
    keyspace_event(c->db->id, key->ptr, key->len, type, event);
}

/* Find key as a set. Returns the entry, or NULL when missing (*wrong = 0) or of
 * another type (*wrong = 1, WRONGTYPE already replied). */
static entry *find_set(struct client *c, const struct arg *key, int write, int *wrong) {
    entry *e = write ? db_find(c->db, key->ptr, key->len, 0) : db_find_read(c->db, key->ptr, key->len);
    *wrong = 0;
    if (e && entry_type(e) != OBJ_SET) {
        reply_wrongtype(c);
        *wrong = 1;
        return NULL;
    }
    return e;
}

/* Delete the key if its set became empty (Redis never keeps empty collections). */
static void delete_if_empty(struct client *c, const struct arg *key, entry *e) {
    if (set_size(e) == 0) {
        db_delete(c->db, key->ptr, key->len);
        notify(c, key, NOTIFY_GENERIC, "del");
    }
}

static void reply_members(struct client *c, entry *e) {
    struct set_iter it;
    const char *p;
    size_t len;
    reply_set(&c->out, (long long)set_size(e));
    set_iter_init(&it, e);
    while (set_iter_next(&it, &p, &len)) reply_bulk(&c->out, p, len);
    set_iter_release(&it);
}

static void sadd_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    int wrong;
    for (int i = 2; i < c->argc; i++) {
        if (c->argv[i].len > UINT32_MAX) { /* members are stored with 32-bit lengths */
            reply_error(&c->out, "ERR member too long for a set");
            return;
        }
    }
    entry *e = find_set(c, key, 1, &wrong);
    if (wrong) return;
    if (!e) {
        e = set_new_entry(key->ptr, key->len, c->argv[2].ptr, c->argv[2].len, 0);
        db_add(c->db, e);
    }
    long long added = 0;
    for (int i = 2; i < c->argc; i++) added += set_add(e, c->argv[i].ptr, c->argv[i].len);
    if (added) notify(c, key, NOTIFY_SET, "sadd");
    reply_int(&c->out, added);
}

static void srem_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    int wrong;
    entry *e = find_set(c, key, 1, &wrong);
    if (!e) {
        if (!wrong) reply_int(&c->out, 0);
        return;
    }
    long long removed = 0;
    for (int i = 2; i < c->argc && set_size(e) > 0; i++) removed += set_remove(e, c->argv[i].ptr, c->argv[i].len);
    if (removed) {
        notify(c, key, NOTIFY_SET, "srem");
        delete_if_empty(c, key, e);
    }
    reply_int(&c->out, removed);
}

static void sismember_command(struct client *c) {
    int wrong;
    entry *e = find_set(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    reply_int(&c->out, e && set_contains(e, c->argv[2].ptr, c->argv[2].len));
}

static void smismember_command(struct client *c) {
    int wrong;
    entry *e = find_set(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    reply_array(&c->out, c->argc - 2);
    for (int i = 2; i < c->argc; i++) reply_int(&c->out, e && set_contains(e, c->argv[i].ptr, c->argv[i].len));
}

static void scard_command(struct client *c) {
    int wrong;
    entry *e = find_set(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    reply_int(&c->out, e ? (long long)set_size(e) : 0);
}

static void smembers_command(struct client *c) {
    int wrong;
    entry *e = find_set(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    if (!e) reply_set(&c->out, 0);
    else reply_members(c, e);
}

/* Pop one random member: reply it, then remove it. */
static void pop_one(struct client *c, entry *e) {
    char buf[24];
    const char *p;
    size_t len;
    set_random(e, buf, &p, &len);
    reply_bulk(&c->out, p, len);
    /* the reply holds a copy; p may point into the member that is now removed */
    char *copy = wmemdup(p, len);
    aof_note_member(copy, len); /* the AOF records SREM of what was popped */
    set_remove(e, copy, len);
    wfree(copy);
}

static void spop_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    long long count = -1;
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 3 && (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 || count < 0)) {
        reply_error(&c->out, "ERR value is out of range, must be positive");
        return;
    }
    int wrong;
    entry *e = find_set(c, key, 1, &wrong);
    if (wrong) return;
    if (!e) {
        if (count < 0) reply_null(&c->out);
        else reply_set(&c->out, 0);
        return;
    }
    if (count < 0) {
        pop_one(c, e);
        notify(c, key, NOTIFY_SET, "spop");
        delete_if_empty(c, key, e);
        return;
    }
    if (count == 0) {
        reply_set(&c->out, 0);
        return;
    }
    uint64_t size = set_size(e);
    if ((uint64_t)count >= size) {
        reply_members(c, e);
        notify(c, key, NOTIFY_SET, "spop");
        db_delete(c->db, key->ptr, key->len);
        notify(c, key, NOTIFY_GENERIC, "del");
        return;
    }
    reply_set(&c->out, count);
    for (long long i = 0; i < count; i++) pop_one(c, e);
    notify(c, key, NOTIFY_SET, "spop");
}

/* SRANDMEMBER key count, count > 0 and below the set's size: `count` distinct members. */
static void srandmember_distinct(struct client *c, entry *e, uint64_t count) {
    uint64_t size = set_size(e);
    reply_array(&c->out, (long long)count);
    if (count * 3 > size) {
        /* selection sampling over one pass: each member kept with probability
         * (still needed) / (still to see), giving a uniform random subset; then a
         * shuffle, so the order is random too (not the set's iteration order) */
        struct set_iter it;
        const char *p;
        size_t len;
        uint64_t seen = 0, picked = 0;
        char **items = wmalloc(count * sizeof(*items));
        size_t *lens = wmalloc(count * sizeof(*lens));
        set_iter_init(&it, e);
        while (picked < count && set_iter_next(&it, &p, &len)) {
            uint64_t r = ((uint64_t)random() << 31 ^ (uint64_t)random()) % (size - seen);
            if (r < count - picked) {
                items[picked] = wmemdup(p, len);
                lens[picked++] = len;
            }
            seen++;
        }
        set_iter_release(&it);
        for (uint64_t i = picked; i > 1; i--) {
            uint64_t j = ((uint64_t)random() << 31 ^ (uint64_t)random()) % i;
            char *tp = items[i - 1];
            size_t tl = lens[i - 1];
            items[i - 1] = items[j];
            lens[i - 1] = lens[j];
            items[j] = tp;
            lens[j] = tl;
        }
        for (uint64_t i = 0; i < picked; i++) {
            reply_bulk(&c->out, items[i], lens[i]);
            wfree(items[i]);
        }
        wfree(items);
        wfree(lens);
        return;
    }
    /* few members from a big set: random picks, skipping repeats */
    struct dict *picked = dict_new(DICT_VAL_NONE);
    char buf[24];
    const char *p;
    size_t len;
    while (dict_size(picked) < count) {
        set_random(e, buf, &p, &len);
        int existed;
        dict_add(picked, p, len, &existed);
        if (!existed) reply_bulk(&c->out, p, len);
    }
    dict_free(picked, NULL);
}

static void srandmember_command(struct client *c) {
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    long long count = 0;
    if (c->argc == 3) {
        if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0) {
            reply_not_integer(c);
            return;
        }
        if (count == LLONG_MIN) {
            reply_error(&c->out, "ERR value is out of range, value must between -9223372036854775807 and "
                                 "9223372036854775807");
            return;
        }
    }
    int wrong;
    entry *e = find_set(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    char buf[24];
    const char *p;
    size_t len;
    if (c->argc == 2) {
        if (!e) {
            reply_null(&c->out);
            return;
        }
        set_random(e, buf, &p, &len);
        reply_bulk(&c->out, p, len);
        return;
    }
    if (!e || count == 0) {
        reply_array(&c->out, 0);
        return;
    }
    if (count < 0) { /* repeats allowed */
        reply_array(&c->out, -count);
        for (long long i = 0; i < -count; i++) {
            set_random(e, buf, &p, &len);
            reply_bulk(&c->out, p, len);
        }
        return;
    }
    if ((uint64_t)count >= set_size(e)) {
        struct set_iter it;
        reply_array(&c->out, (long long)set_size(e));
        set_iter_init(&it, e);
        while (set_iter_next(&it, &p, &len)) reply_bulk(&c->out, p, len);
        set_iter_release(&it);
        return;
    }
    srandmember_distinct(c, e, (uint64_t)count);
}

static void smove_command(struct client *c) {
    const struct arg *src = &c->argv[1], *dst = &c->argv[2], *m = &c->argv[3];
    int wrong;
    entry *se = find_set(c, src, 1, &wrong);
    if (wrong) return;
    if (!se) {
        reply_int(&c->out, 0);
        return;
    }
    entry *de = find_set(c, dst, 1, &wrong);
    if (wrong) return;
    if (se == de) {
        reply_int(&c->out, set_contains(se, m->ptr, m->len));
        return;
    }
    if (!set_remove(se, m->ptr, m->len)) {
        reply_int(&c->out, 0);
        return;
    }
    notify(c, src, NOTIFY_SET, "srem");
    delete_if_empty(c, src, se);
    if (!de) {
        de = set_new_entry(dst->ptr, dst->len, m->ptr, m->len, 0);
        db_add(c->db, de);
    }
    if (set_add(de, m->ptr, m->len)) notify(c, dst, NOTIFY_SET, "sadd");
    reply_int(&c->out, 1);
}

/* ---- SINTER / SUNION / SDIFF and their STORE and CARD forms ---- */

enum setop { OP_INTER, OP_UNION, OP_DIFF };

/* Look up every source set. Returns 0, or -1 after replying WRONGTYPE. Missing keys
 * are NULL (an empty set). Every key is type-checked, even after a missing one. */
static int gather(struct client *c, int first, int n, int write, entry **sets) {
    for (int i = 0; i < n; i++) {
        int wrong;
        sets[i] = find_set(c, &c->argv[first + i], write, &wrong);
        if (wrong) return -1;
    }
    return 0;
}

static int cmp_size(const void *a, const void *b) {
    uint64_t x = set_size(*(entry *const *)a), y = set_size(*(entry *const *)b);
    return x < y ? -1 : x > y;
}

/* Members of the intersection, via fn; stops after `limit` (0 = no limit). Returns
 * the count. Sets must all exist. Iterates the smallest set. */
typedef void (*member_fn)(void *priv, const char *m, size_t len);
static uint64_t intersect(entry **sets, int n, uint64_t limit, member_fn fn, void *priv) {
    qsort(sets, (size_t)n, sizeof(*sets), cmp_size);
    struct set_iter it;
    const char *p;
    size_t len;
    uint64_t found = 0;
    set_iter_init(&it, sets[0]);
    while (set_iter_next(&it, &p, &len)) {
        int all = 1;
        for (int j = 1; j < n && all; j++)
            if (sets[j] != sets[0] && !set_contains(sets[j], p, len)) all = 0;
        if (!all) continue;
        found++;
        if (fn) fn(priv, p, len);
        if (limit && found >= limit) break;
    }
    set_iter_release(&it);
    return found;
}

static void add_to_entry(void *priv, const char *m, size_t len) { set_add(priv, m, len); }
static void reply_member(void *priv, const char *m, size_t len) { reply_bulk(&((struct client *)priv)->out, m, len); }

/* The union or difference as a new (temporary or stored) set entry. */
static entry *union_diff(entry **sets, int n, enum setop op, const char *key, size_t klen) {
    entry *r = set_new_intset_entry(key, klen);
    struct set_iter it;
    const char *p;
    size_t len;
    if (op == OP_UNION) {
        for (int i = 0; i < n; i++) {
            if (!sets[i]) continue;
            set_iter_init(&it, sets[i]);
            while (set_iter_next(&it, &p, &len)) set_add(r, p, len);
            set_iter_release(&it);
        }
        return r;
    }
    if (!sets[0]) return r;
    /* difference: either test each member of the first set against the others, or copy
     * the first and remove the others' members — whichever does less work */
    uint64_t first = set_size(sets[0]), others = 0;
    int nonempty = 0;
    for (int i = 1; i < n; i++)
        if (sets[i]) {
            others += set_size(sets[i]);
            nonempty++;
        }
    if (first * (uint64_t)nonempty / 2 <= first + others) {
        set_iter_init(&it, sets[0]);
        while (set_iter_next(&it, &p, &len)) {
            int keep = 1;
            for (int j = 1; j < n && keep; j++)
                if (sets[j] && (sets[j] == sets[0] || set_contains(sets[j], p, len))) keep = 0;
            if (keep) set_add(r, p, len);
        }
        set_iter_release(&it);
    } else {
        set_iter_init(&it, sets[0]);
        while (set_iter_next(&it, &p, &len)) set_add(r, p, len);
        set_iter_release(&it);
        for (int j = 1; j < n && set_size(r); j++) {
            if (!sets[j]) continue;
            set_iter_init(&it, sets[j]);
            while (set_iter_next(&it, &p, &len)) set_remove(r, p, len);
            set_iter_release(&it);
        }
    }
    return r;
}

/* Replace dst by result (or delete dst if result is empty); reply the size. */
static void store_result(struct client *c, const struct arg *dst, entry *result, const char *event) {
    uint64_t size = set_size(result);
    if (size == 0) {
        entry_free(result);
        if (db_delete(c->db, dst->ptr, dst->len)) notify(c, dst, NOTIFY_GENERIC, "del");
    } else {
        db_put(c->db, result, 0);
        notify(c, dst, NOTIFY_SET, event);
    }
    reply_int(&c->out, (long long)size);
}

/* SINTER/SUNION/SDIFF[STORE]: sources at argv[first..argc-1]; dst NULL for the
 * non-storing forms. */
static void setop_generic(struct client *c, int first, const struct arg *dst, enum setop op) {
    int n = c->argc - first;
    entry **sets = wmalloc((size_t)n * sizeof(*sets));
    if (gather(c, first, n, dst != NULL, sets) != 0) goto done;
    if (op == OP_INTER) {
        int missing = 0;
        for (int i = 0; i < n; i++) missing |= sets[i] == NULL;
        if (dst) {
            entry *r = set_new_intset_entry(dst->ptr, dst->len);
            if (!missing) intersect(sets, n, 0, add_to_entry, r);
            store_result(c, dst, r, "sinterstore");
        } else if (missing) {
            reply_set(&c->out, 0);
        } else {
            reply_deferred d = reply_defer_len(&c->out);
            uint64_t found = intersect(sets, n, 0, reply_member, c);
            reply_set_deferred_set(&c->out, d, (long long)found);
        }
        goto done;
    }
    entry *r = union_diff(sets, n, op, dst ? dst->ptr : "", dst ? dst->len : 0);
    if (dst) {
        store_result(c, dst, r, op == OP_UNION ? "sunionstore" : "sdiffstore");
    } else {
        reply_members(c, r);
        entry_free(r);
    }
done:
    wfree(sets);
}

static void sinter_command(struct client *c) { setop_generic(c, 1, NULL, OP_INTER); }
static void sinterstore_command(struct client *c) { setop_generic(c, 2, &c->argv[1], OP_INTER); }
static void sunion_command(struct client *c) { setop_generic(c, 1, NULL, OP_UNION); }
static void sunionstore_command(struct client *c) { setop_generic(c, 2, &c->argv[1], OP_UNION); }
static void sdiff_command(struct client *c) { setop_generic(c, 1, NULL, OP_DIFF); }
static void sdiffstore_command(struct client *c) { setop_generic(c, 2, &c->argv[1], OP_DIFF); }

/* numkeys at argv[1]: parse it as Redis's SINTERCARD does. Returns the count, or -1
 * after replying the error (when reply != 0). */
static long long parse_numkeys(struct client *c, int reply) {
    long long n;
    if (num_parse_ll(c->argv[1].ptr, c->argv[1].len, &n) != 0 || n <= 0) {
        if (reply) reply_error(&c->out, "ERR numkeys should be greater than 0");
        return -1;
    }
    if (n > c->argc - 2) {
        if (reply) reply_error(&c->out, "ERR Number of keys can't be greater than number of args");
        return -1;
    }
    return n;
}

/* Key positions of SINTERCARD: argv[2 .. 2+numkeys-1]; none if numkeys is invalid (the
 * command then replies the error without touching keys). */
static int sintercard_getkeys(struct client *c, int *out, int max) {
    long long n = parse_numkeys(c, 0);
    if (n < 0) return 0;
    /* more than fit: fill what fits; dispatch then locks the whole db */
    for (int i = 0; i < n && i < max; i++) out[i] = 2 + i;
    return (int)n;
}

static void sintercard_command(struct client *c) {
    long long n = parse_numkeys(c, 1);
    if (n < 0) return;
    long long limit = 0;
    for (int i = 2 + (int)n; i < c->argc; i++) {
        if (arg_eq(&c->argv[i], "limit") && i + 1 < c->argc) {
            if (num_parse_ll(c->argv[i + 1].ptr, c->argv[i + 1].len, &limit) != 0 || limit < 0) {
                reply_error(&c->out, "ERR LIMIT can't be negative");
                return;
            }
            i++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    entry **sets = wmalloc((size_t)n * sizeof(*sets));
    if (gather(c, 2, (int)n, 0, sets) == 0) {
        int missing = 0;
        for (int i = 0; i < n; i++) missing |= sets[i] == NULL;
        reply_int(&c->out, missing ? 0 : (long long)intersect(sets, (int)n, (uint64_t)limit, NULL, NULL));
    }
    wfree(sets);
}

/* SSCAN collects the members of the visited buckets first (pointers into the table,
 * which does not change during the command), because the reply starts with the
 * cursor that only the scan itself produces. */
struct sscan_ctx {
    const struct coll_scan_opts *o;
    const char **p;
    size_t *len;
    size_t n, cap;
};
static void sscan_one(void *priv, const char *m, size_t len) {
    struct sscan_ctx *sc = priv;
    if (!coll_scan_match(sc->o, m, len)) return;
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 16;
        sc->p = wrealloc(sc->p, sc->cap * sizeof(*sc->p));
        sc->len = wrealloc(sc->len, sc->cap * sizeof(*sc->len));
    }
    sc->p[sc->n] = m;
    sc->len[sc->n++] = len;
}

static void sscan_command(struct client *c) {
    uint64_t cursor;
    if (coll_scan_cursor(c, 2, &cursor) != 0) return;
    int wrong;
    entry *e = find_set(c, &c->argv[1], 0, &wrong);
    if (wrong) return;
    if (!e) {
        coll_scan_reply_empty(c);
        return;
    }
    struct coll_scan_opts o;
    if (coll_scan_options(c, 3, &o) != 0) return;
    reply_array(&c->out, 2);
    if (entry_encoding(e) == ENC_INTSET) {
        /* compact encodings are returned whole, with cursor 0 */
        reply_bulk(&c->out, "0", 1);
        reply_deferred d = reply_defer_len(&c->out);
        long long n = 0;
        struct set_iter it;
        const char *p;
        size_t len;
        set_iter_init(&it, e);
        while (set_iter_next(&it, &p, &len)) {
            if (!coll_scan_match(&o, p, len)) continue;
            reply_bulk(&c->out, p, len);
            n++;
        }
        set_iter_release(&it);
        reply_set_deferred_array(&c->out, d, n);
        return;
    }
    /* visit buckets until COUNT members were collected, or 10*COUNT buckets were
     * visited (bounded work per call when MATCH filters most members out) */
    struct sscan_ctx sc = {&o, NULL, NULL, 0, 0};
    long long steps = 0, maxsteps = o.count > LLONG_MAX / 10 ? LLONG_MAX : o.count * 10;
    do {
        cursor = set_scan(e, cursor, sscan_one, &sc);
        steps++;
    } while (cursor && (long long)sc.n < o.count && steps < maxsteps);
    char cbuf[24];
    int clen = num_ull_to_str(cbuf, cursor);
    reply_bulk(&c->out, cbuf, (size_t)clen);
    reply_array(&c->out, (long long)sc.n);
    for (size_t i = 0; i < sc.n; i++) reply_bulk(&c->out, sc.p[i], sc.len[i]);
    wfree(sc.p);
    wfree(sc.len);
}

struct command set_commands[] = {
    {.name = "sadd", .proc = sadd_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = ACL_WRITE | ACL_SET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Adds members to a set, creating the key if needed.", .since = "1.0.0", .group = "set",
     .complexity = "O(N), N = members given"},
    {.name = "srem", .proc = srem_command, .arity = -3, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_WRITE | ACL_SET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes members from a set; deletes the key when it empties.", .since = "1.0.0", .group = "set",
     .complexity = "O(N), N = members given"},
    {.name = "smembers", .proc = smembers_command, .arity = 2, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns every member of a set.", .since = "1.0.0", .group = "set",
     .complexity = "O(N), N = set size"},
    {.name = "sismember", .proc = sismember_command, .arity = 3, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Tells whether a value is a member of a set.", .since = "1.0.0", .group = "set",
     .complexity = "O(1)"},
    {.name = "smismember", .proc = smismember_command, .arity = -3, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Tells for each given value whether it is a member of a set.", .since = "6.2.0", .group = "set",
     .complexity = "O(N), N = values given"},
    {.name = "scard", .proc = scard_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST,
     .acl = ACL_READ | ACL_SET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns the number of members of a set.", .since = "1.0.0", .group = "set",
     .complexity = "O(1)"},
    {.name = "spop", .proc = spop_command, .arity = -2, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_WRITE | ACL_SET | ACL_FAST, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Removes and returns random members of a set.", .since = "1.0.0", .group = "set",
     .complexity = "O(1) without count, else O(N), N = count"},
    {.name = "srandmember", .proc = srandmember_command, .arity = -2, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns random members of a set without removing them.", .since = "1.0.0", .group = "set",
     .complexity = "O(1) without count, else O(N), N = |count|"},
    {.name = "smove", .proc = smove_command, .arity = 4, .flags = CMD_WRITE | CMD_FAST,
     .acl = ACL_WRITE | ACL_SET | ACL_FAST, .first_key = 1, .last_key = 2, .key_step = 1,
     .summary = "Moves a member from one set to another.", .since = "1.0.0", .group = "set",
     .complexity = "O(1)"},
    {.name = "sinter", .proc = sinter_command, .arity = -2, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = -1, .key_step = 1,
     .summary = "Returns the intersection of sets.", .since = "1.0.0", .group = "set",
     .complexity = "O(N*M), N = smallest set size, M = number of sets"},
    {.name = "sintercard", .proc = sintercard_command, .getkeys = sintercard_getkeys, .arity = -3, .flags = CMD_READONLY | CMD_MOVABLE_KEYS,
     .acl = ACL_READ | ACL_SET | ACL_SLOW,
     .summary = "Returns the size of the intersection of sets, optionally capped.", .since = "7.0.0", .group = "set",
     .complexity = "O(N*M), N = smallest set size, M = number of sets"},
    {.name = "sinterstore", .proc = sinterstore_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_WRITE | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = -1, .key_step = 1,
     .summary = "Stores the intersection of sets in a key.", .since = "1.0.0", .group = "set",
     .complexity = "O(N*M), N = smallest set size, M = number of sets"},
    {.name = "sunion", .proc = sunion_command, .arity = -2, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = -1, .key_step = 1,
     .summary = "Returns the union of sets.", .since = "1.0.0", .group = "set",
     .complexity = "O(N), N = total members of the sets"},
    {.name = "sunionstore", .proc = sunionstore_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_WRITE | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = -1, .key_step = 1,
     .summary = "Stores the union of sets in a key.", .since = "1.0.0", .group = "set",
     .complexity = "O(N), N = total members of the sets"},
    {.name = "sdiff", .proc = sdiff_command, .arity = -2, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = -1, .key_step = 1,
     .summary = "Returns the members of the first set that are in none of the others.", .since = "1.0.0", .group = "set",
     .complexity = "O(N), N = total members of the sets"},
    {.name = "sdiffstore", .proc = sdiffstore_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = ACL_WRITE | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = -1, .key_step = 1,
     .summary = "Stores the difference of sets in a key.", .since = "1.0.0", .group = "set",
     .complexity = "O(N), N = total members of the sets"},
    {.name = "sscan", .proc = sscan_command, .arity = -3, .flags = CMD_READONLY,
     .acl = ACL_READ | ACL_SET | ACL_SLOW, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Incrementally iterates the members of a set.", .since = "2.8.0", .group = "set",
     .complexity = "O(1) per call, O(N) for a full iteration"},
    CMD_END,
};
