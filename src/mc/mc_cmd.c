/* mc_cmd.c — memcached's classic text commands: get gets gat gats, set add replace
 * append prepend cas, incr decr, delete, touch, flush_all, version, verbosity, quit
 * (stats lives in mc_stats.c, the meta commands in mc_meta.c).
 *
 * Replies, error texts, `noreply` handling and argument rules are memcached 1.6.18's,
 * checked side by side (tests/integration/test_memcache.py). `noreply` mutes everything
 * the command would say, errors included, as memcached does. Memcache sees only string
 * keys: a key of another type (created over RESP) reads as a miss, and only `set`
 * replaces it. Each command takes its keys' shard locks (a multi-get all of them, in
 * ascending order, so it reads one consistent moment) and emits Redis's keyspace events. */
#include "config.h"
#include "db/notify.h"
#include "mc/mc_int.h"
#include "util/alloc.h"
#include <string.h>

#define MC_GET_STACK_KEYS 32

/* "VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n" */
static void mc_reply_value(struct client *c, const char *key, size_t klen, const entry *e, int with_cas,
                           const struct entry_mcmeta *m) {
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    char hdr[MC_KEY_MAX + 80];
    size_t n = 0;
    memcpy(hdr, "VALUE ", 6);
    n = 6;
    memcpy(hdr + n, key, klen);
    n += klen;
    hdr[n++] = ' ';
    n += mc_u64_str(hdr + n, m->flags);
    hdr[n++] = ' ';
    n += mc_u64_str(hdr + n, len);
    if (with_cas) {
        hdr[n++] = ' ';
        n += mc_u64_str(hdr + n, m->cas);
    }
    hdr[n++] = '\r';
    hdr[n++] = '\n';
    mc_reply_raw(c, hdr, n);
    mc_reply_raw(c, p, len);
    mc_reply_raw(c, "\r\n", 2);
}

/* get gets gat gats: every key is checked (length, ACL) before anything is answered, so
 * a bad key anywhere fails the whole command with nothing else sent, as in memcached. */
static void mc_get(struct mc_ctx *x) {
    struct client *c = x->c;
    int cmd = x->req->command;
    int with_cas = cmd == MC_CMD_GETS || cmd == MC_CMD_GATS;
    int touch = cmd == MC_CMD_GAT || cmd == MC_CMD_GATS;
    int first = touch ? 2 : 1;
    long long exp = 0;
    if (touch) {
        int32_t t;
        if (mc_parse_i32(mc_tok(x, 1), mc_toklen(x, 1), &t) != 0) {
            mc_reply(c, "CLIENT_ERROR invalid exptime argument");
            return;
        }
        exp = mc_exptime_ms(t, db_now_ms());
    }
    int n = x->req->ntokens - first;
    for (int i = 0; i < n; i++)
        if (mc_toklen(x, first + i) > MC_KEY_MAX) {
            mc_reply(c, "CLIENT_ERROR bad command line format");
            return;
        }
    for (int i = 0; i < n; i++)
        if (mc_acl_check(x, touch ? MC_ROW_GETEX : MC_ROW_GET, mc_tok(x, first + i), mc_toklen(x, first + i)))
            return;
    const char *keys_stack[MC_GET_STACK_KEYS];
    size_t lens_stack[MC_GET_STACK_KEYS];
    const char **keys = keys_stack;
    size_t *lens = lens_stack;
    if (n > MC_GET_STACK_KEYS) {
        keys = wmalloc((size_t)n * sizeof(*keys));
        lens = wmalloc((size_t)n * sizeof(*lens));
    }
    for (int i = 0; i < n; i++) {
        keys[i] = mc_tok(x, first + i);
        lens[i] = mc_toklen(x, first + i);
    }
    if (n) mc_lock_keys(c, keys, lens, n);
    long long hits = 0;
    for (int i = 0; i < n; i++) {
        entry *e = mc_find(keys[i], lens[i], 1, 0);
        if (!e) continue;
        hits++;
        if (with_cas) e = mc_ensure_meta(e);
        struct entry_mcmeta m;
        int has = mc_meta(e, &m);
        mc_reply_value(c, keys[i], lens[i], e, with_cas, &m);
        if (has && !(m.state & MC_ST_FETCHED)) {
            m.state |= MC_ST_FETCHED;
            entry_mcmeta_put(e, &m);
        }
        if (touch) mc_set_expire(e, exp);
    }
    if (n) mc_unlock(c);
    mc_reply_raw(c, "END\r\n", 5);
    mc_stat_add(MCS_CMD_GET, n);
    mc_stat_add(MCS_GET_HITS, hits);
    mc_stat_add(MCS_GET_MISSES, n - hits);
    if (touch) {
        mc_stat_add(MCS_CMD_TOUCH, n);
        mc_stat_add(MCS_TOUCH_HITS, hits);
        mc_stat_add(MCS_TOUCH_MISSES, n - hits);
    }
    if (keys != keys_stack) {
        wfree(keys);
        wfree(lens);
    }
}

/* append / prepend onto a live string: flags and TTL stay, a new CAS. Returns the reply. */
static const char *mc_concat(struct mc_ctx *x, entry *old, const char *data, size_t dlen, int append) {
    struct entry_mcmeta m;
    mc_meta(old, &m);
    size_t old_len = entry_string_len(old);
    if (mc_item_size(mc_toklen(x, 1), m.flags, (long long)(old_len + dlen)) > server_config.item_size_max)
        return "NOT_STORED"; /* memcached cannot allocate the combined item */
    entry *e = mc_ensure_meta(old);
    entry *n = entry_make_raw(e, old_len + dlen);
    if (n != e) entry_free(db_swap_entry(db_get(0), e, n));
    wstr *s = entry_ptr(n);
    if (append) {
        memcpy(s->data + s->len, data, dlen);
    } else {
        memmove(s->data + dlen, s->data, s->len);
        memcpy(s->data, data, dlen);
    }
    s->len += dlen;
    s->data[s->len] = '\0';
    mc_meta(n, &m);
    m.cas = mc_next_cas();
    m.state &= MC_ST_KEY_BINARY;
    entry_mcmeta_put(n, &m);
    keyspace_event(0, entry_key(n), entry_keylen(n), NOTIFY_STRING, append ? "append" : "prepend");
    return "STORED";
}

/* set add replace append prepend cas, the value already read (the key's lock held). */
static const char *mc_store_cmd(struct mc_ctx *x, long long exp) {
    const struct mc_request *r = x->req;
    const char *key = mc_tok(x, 1);
    size_t klen = mc_toklen(x, 1);
    const char *data = x->base + r->data_off;
    /* a plain set needs no look at the old value: db_put replaces it */
    entry *any = r->command == MC_CMD_SET ? NULL : db_find(db_get(0), key, klen, 0);
    entry *old = any && entry_type(any) == OBJ_STRING ? any : NULL;
    switch (r->command) {
    case MC_CMD_ADD:
        if (any) return "NOT_STORED";
        break;
    case MC_CMD_REPLACE:
        if (!old) return "NOT_STORED";
        break;
    case MC_CMD_APPEND:
    case MC_CMD_PREPEND:
        if (!old) return "NOT_STORED";
        mc_stat_inc(MCS_TOTAL_ITEMS);
        return mc_concat(x, old, data, r->data_len, r->command == MC_CMD_APPEND);
    case MC_CMD_CAS: {
        if (!old) {
            mc_stat_inc(MCS_CAS_MISSES);
            return "NOT_FOUND";
        }
        struct entry_mcmeta m;
        /* no metadata: rewritten over RESP since any CAS was handed out */
        if (!mc_meta(old, &m) || m.cas != r->cas) {
            mc_stat_inc(MCS_CAS_BADVAL);
            return "EXISTS";
        }
        mc_stat_inc(MCS_CAS_HITS);
        break;
    }
    default:
        break;
    }
    struct entry_mcmeta m = {.cas = 0, .flags = r->flags, .state = 0};
    mc_store(key, klen, data, r->data_len, exp, &m, "set");
    mc_stat_inc(MCS_TOTAL_ITEMS);
    return "STORED";
}

static void mc_storage(struct mc_ctx *x) {
    struct client *c = x->c;
    const struct mc_request *r = x->req;
    const char *key = mc_tok(x, 1);
    size_t klen = mc_toklen(x, 1);
    int concat = r->command == MC_CMD_APPEND || r->command == MC_CMD_PREPEND;
    c->out.muted = r->noreply;
    mc_stat_inc(MCS_CMD_SET);
    if (r->bad_chunk) {
        mc_reply(c, "CLIENT_ERROR bad data chunk");
        return;
    }
    if (mc_acl_check(x, concat ? MC_ROW_APPEND : MC_ROW_SET, key, klen)) return;
    if (r->too_large) {
        mc_stat_inc(MCS_STORE_TOO_LARGE);
        mc_reply(c, "SERVER_ERROR object too large for cache");
        if (r->command == MC_CMD_SET) { /* memcached drops the old value rather than keep stale data */
            mc_lock_key(c, key, klen);
            if (mc_find(key, klen, 0, 1)) mc_delete(key, klen);
            mc_unlock(c);
        }
        return;
    }
    long long exp = mc_exptime_ms(r->exptime, db_now_ms());
    mc_lock_key(c, key, klen);
    const char *res = mc_store_cmd(x, exp);
    mc_unlock(c);
    mc_reply(c, res);
}

static void mc_arith(struct mc_ctx *x) {
    struct client *c = x->c;
    int incr = x->req->command == MC_CMD_INCR;
    const char *key = mc_tok(x, 1);
    size_t klen = mc_toklen(x, 1);
    c->out.muted = mc_tok_is(x, x->req->ntokens - 1, "noreply");
    if (klen > MC_KEY_MAX) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    uint64_t delta;
    if (mc_parse_u64(mc_tok(x, 2), mc_toklen(x, 2), &delta) != 0) {
        mc_reply(c, "CLIENT_ERROR invalid numeric delta argument");
        return;
    }
    if (mc_acl_check(x, incr ? MC_ROW_INCRBY : MC_ROW_DECRBY, key, klen)) return;
    mc_lock_key(c, key, klen);
    entry *e = mc_find(key, klen, 0, 0);
    uint64_t v = 0;
    int rc = e ? mc_item_delta(&e, incr, delta, 0, &v) : 1;
    mc_unlock(c);
    if (rc == 1) {
        mc_stat_inc(incr ? MCS_INCR_MISSES : MCS_DECR_MISSES);
        mc_reply(c, "NOT_FOUND");
    } else if (rc < 0) {
        mc_reply(c, "CLIENT_ERROR cannot increment or decrement non-numeric value");
    } else {
        mc_stat_inc(incr ? MCS_INCR_HITS : MCS_DECR_HITS);
        char buf[24];
        size_t n = mc_u64_str(buf, v);
        buf[n++] = '\r';
        buf[n++] = '\n';
        mc_reply_raw(c, buf, n);
    }
}

/* delete <key> [0] [noreply]: memcached still accepts a hold time of 0, nothing else. */
static void mc_delete_cmd(struct mc_ctx *x) {
    struct client *c = x->c;
    int n = x->req->ntokens;
    if (n > 2) {
        int hold_zero = mc_tok_is(x, 2, "0");
        int noreply = mc_tok_is(x, n - 1, "noreply");
        c->out.muted = noreply;
        if (!((n == 3 && (hold_zero || noreply)) || (n == 4 && hold_zero && noreply))) {
            mc_reply(c, "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
            return;
        }
    }
    const char *key = mc_tok(x, 1);
    size_t klen = mc_toklen(x, 1);
    if (klen > MC_KEY_MAX) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    if (mc_acl_check(x, MC_ROW_DEL, key, klen)) return;
    mc_lock_key(c, key, klen);
    int found = mc_find(key, klen, 0, 1) != NULL;
    if (found) mc_delete(key, klen);
    mc_unlock(c);
    mc_stat_inc(found ? MCS_DELETE_HITS : MCS_DELETE_MISSES);
    mc_reply(c, found ? "DELETED" : "NOT_FOUND");
}

static void mc_touch(struct mc_ctx *x) {
    struct client *c = x->c;
    const char *key = mc_tok(x, 1);
    size_t klen = mc_toklen(x, 1);
    c->out.muted = mc_tok_is(x, x->req->ntokens - 1, "noreply");
    if (klen > MC_KEY_MAX) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    int32_t t;
    if (mc_parse_i32(mc_tok(x, 2), mc_toklen(x, 2), &t) != 0) {
        mc_reply(c, "CLIENT_ERROR invalid exptime argument");
        return;
    }
    if (mc_acl_check(x, MC_ROW_EXPIRE, key, klen)) return;
    mc_stat_inc(MCS_CMD_TOUCH);
    mc_lock_key(c, key, klen);
    entry *e = mc_find(key, klen, 0, 0);
    if (e) mc_set_expire(e, mc_exptime_ms(t, db_now_ms()));
    mc_unlock(c);
    mc_stat_inc(e ? MCS_TOUCH_HITS : MCS_TOUCH_MISSES);
    mc_reply(c, e ? "TOUCHED" : "NOT_FOUND");
}

/* flush_all [delay] [noreply]: everything in db 0 (memcache items and RESP keys alike). */
static void mc_flush_all(struct mc_ctx *x) {
    struct client *c = x->c;
    int n = x->req->ntokens;
    int noreply = mc_tok_is(x, n - 1, "noreply");
    c->out.muted = noreply;
    int32_t delay = 0;
    if (n != (noreply ? 2 : 1) && mc_parse_i32(mc_tok(x, 1), mc_toklen(x, 1), &delay) != 0) {
        mc_reply(c, "CLIENT_ERROR invalid exptime argument");
        return;
    }
    if (mc_acl_check(x, MC_ROW_FLUSHDB, NULL, 0)) return;
    mc_stat_inc(MCS_CMD_FLUSH);
    if (delay > 0) mc_flush_at(mc_exptime_ms(delay, db_now_ms()) < 0 ? db_now_ms() : mc_exptime_ms(delay, db_now_ms()));
    else mc_flush_now(c);
    mc_flush_if_due();
    mc_reply(c, "OK");
}

static void mc_verbosity(struct mc_ctx *x) {
    struct client *c = x->c;
    c->out.muted = mc_tok_is(x, x->req->ntokens - 1, "noreply");
    uint32_t level;
    if (mc_parse_u32(mc_tok(x, 1), mc_toklen(x, 1), &level) != 0) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    mc_verbosity_set(level > 2 ? 2 : (int)level);
    mc_reply(c, "OK");
}

void mc_cmd_run(struct mc_ctx *x) {
    struct client *c = x->c;
    switch (x->req->command) {
    case MC_CMD_GET:
    case MC_CMD_GETS:
    case MC_CMD_GAT:
    case MC_CMD_GATS:
        mc_get(x);
        break;
    case MC_CMD_SET:
    case MC_CMD_ADD:
    case MC_CMD_REPLACE:
    case MC_CMD_APPEND:
    case MC_CMD_PREPEND:
    case MC_CMD_CAS:
        mc_storage(x);
        break;
    case MC_CMD_INCR:
    case MC_CMD_DECR:
        mc_arith(x);
        break;
    case MC_CMD_DELETE:
        mc_delete_cmd(x);
        break;
    case MC_CMD_TOUCH:
        mc_touch(x);
        break;
    case MC_CMD_FLUSH_ALL:
        mc_flush_all(x);
        break;
    case MC_CMD_VERSION:
        mc_reply(c, "VERSION " MC_VERSION);
        break;
    case MC_CMD_VERBOSITY:
        mc_verbosity(x);
        break;
    case MC_CMD_QUIT:
        atomic_fetch_or(&c->flags, CLIENT_CLOSE_AFTER_REPLY);
        break;
    case MC_CMD_SHUTDOWN:
        mc_reply(c, "ERROR: shutdown not enabled");
        break;
    default:
        mc_reply(c, "ERROR");
    }
}
