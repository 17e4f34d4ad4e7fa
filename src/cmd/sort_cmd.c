/* sort_cmd.c — SORT and SORT_RO over lists, sets and sorted sets: numeric or ALPHA
 * order, ASC/DESC, LIMIT, BY pattern (a "*" replaced by each element names the key,
 * or "key->field" a hash field, whose value is the sort weight; a pattern without "*"
 * means "do not sort"), GET patterns ("#" is the element itself), STORE into a list.
 *
 * Locking: dispatch locks the sorted key and the STORE key (sort_getkeys). BY and GET
 * patterns name other keys that are only known while sorting, so when a pattern will
 * look keys up, sort_lockspec asks for every shard of the current db: the whole
 * command then runs atomically, as in Redis, at the cost of excluding other commands
 * on that db for its duration (the price of an O(N log N) command that reads
 * arbitrary keys). "BY nosort"-style constants and "GET #" take no extra locks.
 *
 * As in Redis 7.0, BY and GET patterns are refused for a user whose ACL rules do not
 * allow reading every key ("... denied due to insufficient ACL permissions."), since
 * the keys they read cannot be checked in advance. */
#include "acl/acl.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "config.h"
#include "db/db.h"
#include "db/lockset.h"
#include "db/notify.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct sort_item {
    char *p; /* the element (owned copy) */
    size_t len;
    double score;
    char *cmp; /* ALPHA with BY: the weight (owned copy), NULL when the key is missing */
    size_t cmplen;
};

struct sort_opts {
    int desc, alpha, dontsort;
    long long limit_start, limit_count;
    const struct arg *by;    /* BY pattern, NULL if none */
    const struct arg *store; /* STORE key, NULL if none */
    const struct arg **gets; /* GET patterns */
    int ngets;
};

static int has_star(const struct arg *a) { return memchr(a->ptr, '*', a->len) != NULL; }
static int is_hash_ref(const struct arg *a) { return a->len == 1 && a->ptr[0] == '#'; }

/* ---- pattern lookups ---- */

/* The value a pattern names for element (sub, sublen): "#" is the element; otherwise
 * the first "*" is replaced by the element, and "->field" after it (with a non-empty
 * field) reads a hash field. Only strings (or hash fields) count; anything else, or a
 * pattern without "*", is "missing". On success *out and *outlen give the value
 * (into buf for integers, or into the store, valid during the command). */
static int pattern_lookup(struct client *c, const struct arg *pat, const char *sub, size_t sublen, char *buf,
                          struct hash_str *hs, const char **out, size_t *outlen) {
    if (is_hash_ref(pat)) {
        *out = sub;
        *outlen = sublen;
        return 1;
    }
    const char *star = memchr(pat->ptr, '*', pat->len);
    if (!star) return 0;
    size_t prefix = (size_t)(star - pat->ptr), rest = pat->len - prefix - 1;
    const char *after = star + 1, *field = NULL;
    size_t fieldlen = 0;
    for (size_t i = 0; i + 1 < rest; i++) {
        if (after[i] == '-' && after[i + 1] == '>') {
            if (i + 2 < rest) { /* "->" followed by a field name */
                field = after + i + 2;
                fieldlen = rest - i - 2;
            }
            break;
        }
    }
    size_t postfix = rest - (field ? fieldlen + 2 : 0);
    size_t klen = prefix + sublen + postfix;
    char stackkey[256];
    char *key = klen <= sizeof(stackkey) ? stackkey : wmalloc(klen);
    memcpy(key, pat->ptr, prefix);
    memcpy(key + prefix, sub, sublen);
    memcpy(key + prefix + sublen, after, postfix);
    entry *e = db_find_read(c->db, key, klen);
    if (key != stackkey) wfree(key);
    if (!e) return 0;
    if (field) {
        if (entry_type(e) != OBJ_HASH) return 0;
        if (!hash_get(e, field, fieldlen, hs)) return 0;
        *out = hs->s;
        *outlen = hs->len;
        return 1;
    }
    if (entry_type(e) != OBJ_STRING) return 0;
    entry_string(e, buf, out, outlen);
    return 1;
}

/* ---- locks and key positions ---- */

/* Will this SORT look keys up through its patterns? (A loose scan: taking the db lock
 * for an argument that is really LIMIT's is harmless.) */
static int sort_reads_patterns(struct client *c) {
    for (int i = 2; i + 1 < c->argc; i++) {
        const struct arg *next = &c->argv[i + 1];
        if ((arg_eq(&c->argv[i], "by") || arg_eq(&c->argv[i], "get")) && has_star(next)) return 1;
    }
    return 0;
}

static void sort_lockspec(struct client *c, struct lockset *ls) {
    if (sort_reads_patterns(c)) lockset_add_db(ls, atomic_load_explicit(&c->dbid, memory_order_relaxed));
}

/* SORT's keys beyond the sorted one: the STORE destination (the last one given). */
static int sort_getkeys(struct client *c, int *out, int max) {
    int store = 0;
    for (int j = 2; j < c->argc; j++) {
        if (arg_eq(&c->argv[j], "limit") && j + 2 < c->argc) j += 2;
        else if ((arg_eq(&c->argv[j], "get") || arg_eq(&c->argv[j], "by")) && j + 1 < c->argc) j++;
        else if (arg_eq(&c->argv[j], "store") && j + 1 < c->argc) store = ++j;
    }
    if (!store || max < 1) return 0;
    out[0] = store;
    return 1;
}

/* ---- parsing ---- */

static const struct command *current_cmd(struct client *c) {
    return atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
}

/* Returns 0, or -1 after replying the error. */
static int sort_parse(struct client *c, int readonly, struct sort_opts *o) {
    memset(o, 0, sizeof(*o));
    o->limit_count = -1;
    int full_keys = -1; /* computed on first need */
    for (int j = 2; j < c->argc; j++) {
        int left = c->argc - j - 1;
        const struct arg *a = &c->argv[j];
        if (arg_eq(a, "asc")) {
            o->desc = 0;
        } else if (arg_eq(a, "desc")) {
            o->desc = 1;
        } else if (arg_eq(a, "alpha")) {
            o->alpha = 1;
        } else if (arg_eq(a, "limit") && left >= 2) {
            if (num_parse_ll(c->argv[j + 1].ptr, c->argv[j + 1].len, &o->limit_start) != 0 ||
                num_parse_ll(c->argv[j + 2].ptr, c->argv[j + 2].len, &o->limit_count) != 0) {
                reply_not_integer(c);
                return -1;
            }
            j += 2;
        } else if (!readonly && arg_eq(a, "store") && left >= 1) {
            o->store = &c->argv[++j];
        } else if (arg_eq(a, "by") && left >= 1) {
            o->by = &c->argv[++j];
            if (!has_star(o->by)) {
                o->dontsort = 1;
            } else {
                if (full_keys < 0) full_keys = acl_user_reads_all_keys(c->user, current_cmd(c), c);
                if (!full_keys) {
                    reply_error(&c->out, "ERR BY option of SORT denied due to insufficient ACL permissions.");
                    return -1;
                }
            }
        } else if (arg_eq(a, "get") && left >= 1) {
            if (full_keys < 0) full_keys = acl_user_reads_all_keys(c->user, current_cmd(c), c);
            if (!full_keys) {
                reply_error(&c->out, "ERR GET option of SORT denied due to insufficient ACL permissions.");
                return -1;
            }
            o->gets = wrealloc(o->gets, (size_t)(o->ngets + 1) * sizeof(*o->gets));
            o->gets[o->ngets++] = &c->argv[++j];
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

/* ---- loading the elements ---- */

static void item_set(struct sort_item *it, const char *p, size_t len) {
    it->p = wmemdup(p, len);
    it->len = len;
    it->score = 0;
    it->cmp = NULL;
    it->cmplen = 0;
}

/* Load elements [start, start+n) of the source in its natural order (ascending, or
 * from the end with desc) — the "do not sort" path for lists and sorted sets. */
static size_t load_range(entry *e, long long start, size_t n, int desc, struct sort_item *v) {
    size_t j = 0;
    if (entry_type(e) == OBJ_LIST) {
        struct list *l = entry_ptr(e);
        long long first = desc ? (long long)list_len(l) - start - 1 : start;
        struct list_iter it;
        struct list_pos pos;
        list_iter_init(&it, l, first, desc ? LIST_HEAD : LIST_TAIL);
        while (j < n && list_iter_next(&it, &pos)) {
            struct list_value lv;
            list_pos_get(&pos, &lv);
            item_set(&v[j++], (const char *)lv.s, lv.len);
        }
        return j;
    }
    struct zset_pos z;
    unsigned char buf[24];
    uint64_t len = zset_length(e);
    zset_pos_rank(&z, e, desc ? len - 1 - (uint64_t)start : (uint64_t)start);
    while (j < n && zset_pos_valid(&z)) {
        const char *m;
        size_t mlen;
        zset_pos_get(&z, buf, &m, &mlen, NULL);
        item_set(&v[j++], m, mlen);
        if (desc) zset_pos_prev(&z);
        else zset_pos_next(&z);
    }
    return j;
}

/* Load every element. */
static size_t load_all(entry *e, struct sort_item *v, size_t n) {
    size_t j = 0;
    switch (entry_type(e)) {
    case OBJ_LIST:
    case OBJ_ZSET:
        return load_range(e, 0, n, 0, v);
    default: {
        struct set_iter it;
        const char *p;
        size_t len;
        set_iter_init(&it, e);
        while (j < n && set_iter_next(&it, &p, &len)) item_set(&v[j++], p, len);
        set_iter_release(&it);
        return j;
    }
    }
}

static uint64_t source_len(const entry *e) {
    if (!e) return 0;
    switch (entry_type(e)) {
    case OBJ_LIST: return list_len(entry_ptr(e));
    case OBJ_SET: return set_size(e);
    default: return zset_length(e);
    }
}

/* A weight as Redis reads it: strtod over the C string (it stops at a NUL byte), the
 * whole string consumed, no overflow or underflow, not NaN. */
static int parse_weight(const char *p, size_t len, double *out) {
    char stackbuf[128];
    char *buf = len < sizeof(stackbuf) ? stackbuf : wmalloc(len + 1);
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    *out = strtod(buf, &end);
    int ok = *end == '\0' && errno != ERANGE && !isnan(*out);
    if (buf != stackbuf) wfree(buf);
    return ok ? 0 : -1;
}

static int bin_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int r = n ? memcmp(a, b, n) : 0;
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

struct sort_ctx {
    int desc, alpha, bypattern;
};

static int sort_compare(const void *x, const void *y, void *arg) {
    const struct sort_item *a = x, *b = y;
    const struct sort_ctx *sc = arg;
    int cmp;
    if (!sc->alpha) {
        if (a->score > b->score) cmp = 1;
        else if (a->score < b->score) cmp = -1;
        else cmp = bin_cmp(a->p, a->len, b->p, b->len); /* ties: deterministic order */
    } else if (sc->bypattern) {
        if (!a->cmp || !b->cmp) cmp = a->cmp == b->cmp ? 0 : !a->cmp ? -1 : 1;
        else cmp = bin_cmp(a->cmp, a->cmplen, b->cmp, b->cmplen);
    } else {
        cmp = bin_cmp(a->p, a->len, b->p, b->len);
    }
    return sc->desc ? -cmp : cmp;
}

/* ---- output ---- */

/* Emit the GET values (or the element) of item it, to the reply or the store list. */
static void emit_item(struct client *c, const struct sort_opts *o, const struct sort_item *it, struct list *dst) {
    if (!o->ngets) {
        if (dst) list_push(dst, LIST_TAIL, it->p, it->len);
        else reply_bulk(&c->out, it->p, it->len);
        return;
    }
    for (int g = 0; g < o->ngets; g++) {
        char buf[24];
        struct hash_str hs;
        const char *val;
        size_t vlen;
        int found = pattern_lookup(c, o->gets[g], it->p, it->len, buf, &hs, &val, &vlen);
        if (dst) list_push(dst, LIST_TAIL, found ? val : "", found ? vlen : 0);
        else if (found) reply_bulk(&c->out, val, vlen);
        else reply_null(&c->out);
    }
}

static void sort_generic(struct client *c, int readonly) {
    struct sort_opts o;
    if (sort_parse(c, readonly, &o) != 0) {
        wfree(o.gets);
        return;
    }
    /* the options are checked first, then the key's type (Redis's order) */
    const struct arg *key = &c->argv[1];
    entry *e = db_find_read(c->db, key->ptr, key->len);
    if (e && entry_type(e) != OBJ_LIST && entry_type(e) != OBJ_SET && entry_type(e) != OBJ_ZSET) {
        reply_wrongtype(c);
        wfree(o.gets);
        return;
    }
    const struct arg *sortby = o.by;
    /* Redis 7.0 turns a sorted set it sorts into a skiplist (visible in OBJECT ENCODING) */
    if (e && entry_type(e) == OBJ_ZSET) zset_convert_to_skiplist(e);
    /* a set has no natural order: when storing, sort it (ALPHA) so the result is
     * reproducible, as Redis does */
    if (o.dontsort && e && entry_type(e) == OBJ_SET && o.store) {
        o.dontsort = 0;
        o.alpha = 1;
        sortby = NULL;
    }
    long long vlen = (long long)source_len(e);
    long long start = o.limit_start < 0 ? 0 : o.limit_start;
    long long end;
    if (o.limit_count < 0) end = vlen - 1;
    else end = o.limit_count > LLONG_MAX - start ? LLONG_MAX : start + o.limit_count - 1;
    if (start >= vlen) {
        start = vlen - 1;
        end = vlen - 2;
    }
    if (end >= vlen) end = vlen - 1;

    /* load: lists and sorted sets that are not sorted load just the range */
    int direct = e && o.dontsort && entry_type(e) != OBJ_SET;
    size_t n = direct ? (end >= start ? (size_t)(end - start + 1) : 0) : (size_t)vlen;
    struct sort_item *v = n ? wmalloc(n * sizeof(*v)) : NULL;
    size_t loaded = 0;
    if (e && n) loaded = direct ? load_range(e, start, n, o.desc, v) : load_all(e, v, n);
    if (direct) {
        end -= start;
        start = 0;
    }
    int conversion_error = 0;
    if (!o.dontsort) {
        for (size_t j = 0; j < loaded; j++) {
            char buf[24];
            struct hash_str hs;
            const char *w = v[j].p;
            size_t wlen = v[j].len;
            if (sortby && !pattern_lookup(c, sortby, v[j].p, v[j].len, buf, &hs, &w, &wlen)) continue;
            if (o.alpha) {
                if (sortby) {
                    v[j].cmp = wmemdup(w, wlen);
                    v[j].cmplen = wlen;
                }
            } else if (parse_weight(w, wlen, &v[j].score) != 0) {
                conversion_error = 1;
            }
        }
        struct sort_ctx sc = {o.desc, o.alpha, sortby != NULL};
        if (!conversion_error && loaded > 1) qsort_r(v, loaded, sizeof(*v), sort_compare, &sc);
    }

    long long outlen = end >= start ? (end - start + 1) * (o.ngets ? o.ngets : 1) : 0;
    if (conversion_error) {
        reply_error(&c->out, "ERR One or more scores can't be converted into double");
    } else if (!o.store) {
        reply_array(&c->out, outlen);
        for (long long j = start; j <= end && (size_t)j < loaded; j++) emit_item(c, &o, &v[j], NULL);
    } else {
        struct list *l = list_new(server_config.list_max_listpack_size);
        for (long long j = start; j <= end && (size_t)j < loaded; j++) emit_item(c, &o, &v[j], l);
        const struct arg *dst = o.store;
        if (outlen) {
            db_put(c->db, entry_new_ptr(dst->ptr, dst->len, OBJ_LIST, ENC_QUICKLIST, l, -1), 0);
            keyspace_event(c->db->id, dst->ptr, dst->len, NOTIFY_LIST, "sortstore");
        } else {
            list_free(l);
            if (db_delete(c->db, dst->ptr, dst->len)) keyspace_event(c->db->id, dst->ptr, dst->len, NOTIFY_GENERIC, "del");
        }
        reply_int(&c->out, outlen);
    }
    for (size_t j = 0; j < loaded; j++) {
        wfree(v[j].p);
        wfree(v[j].cmp);
    }
    wfree(v);
    wfree(o.gets);
}

static void sort_command(struct client *c) { sort_generic(c, 0); }
static void sort_ro_command(struct client *c) { sort_generic(c, 1); }

struct command sort_commands[] = {
    {.name = "sort", .proc = sort_command, .getkeys = sort_getkeys, .lockspec = sort_lockspec, .arity = -2, .flags = CMD_WRITE | CMD_DENYOOM | CMD_MOVABLE_KEYS,
     .acl = ACL_WRITE | ACL_SET | ACL_SORTEDSET | ACL_LIST | ACL_SLOW | ACL_DANGEROUS, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Sorts the elements of a list, set or sorted set, optionally storing the result.", .since = "1.0.0", .group = "generic",
     .complexity = "O(N + M log M), N = elements, M = elements returned"},
    {.name = "sort_ro", .proc = sort_ro_command, .lockspec = sort_lockspec, .arity = -2, .flags = CMD_READONLY | CMD_MOVABLE_KEYS,
     .acl = ACL_READ | ACL_SET | ACL_SORTEDSET | ACL_LIST | ACL_SLOW | ACL_DANGEROUS, .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Sorts the elements of a list, set or sorted set (read-only form).", .since = "7.0.0", .group = "generic",
     .complexity = "O(N + M log M), N = elements, M = elements returned"},
    CMD_END,
};
