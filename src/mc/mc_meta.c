/* mc_meta.c — memcached's meta commands: mg (get), ms (set), md (delete), ma (arithmetic),
 * mn (no-op), me (debug), with their flags and the HD VA EN EX NS NF MN codes.
 *
 * Flags are single characters, some with a token (T30, Oopaque, MA). They are parsed
 * the way memcached 1.6.18 does (a first pass over every flag: duplicates, unknown
 * flags, bad numbers), then each command walks them again in the order given to build
 * its return flags. Error texts differ between commands exactly as memcached's do (md and
 * ma say "invalid or duplicate flag" for any bad flag). Beyond 1.6.18: E(token) sets the
 * CAS value explicitly (newer memcached), accepted by ms, md (with I), ma and mg (N).
 *
 * Serving stale data: md I marks an item stale (new CAS, optional new TTL); mg then
 * answers X and hands W ("you won: recache it") to exactly one client, Z to the others,
 * as do N (vivify on miss) and R (recache when the TTL drops below the token). */
#include "config.h"
#include "db/notify.h"
#include "mc/mc_int.h"
#include "util/alloc.h"
#include <string.h>

#define MC_OPAQUE_MAX 32 /* longest O token, the 'O' included */

struct mc_mflags {
    const char *errstr;
    int has_error;
    const char *key; /* the key to use (decoded with b) */
    size_t klen;
    unsigned char keybuf[MC_KEY_MAX];
    int key_binary;
    int vivify, new_ttl, recache, value, no_update, no_reply, set_stale, has_cas, has_ecas;
    long long autoviv_ms, exptime_ms, recache_ms;
    uint32_t client_flags;
    uint64_t req_cas, explicit_cas, initial, delta;
    char mode;
};

/* memcached's flag pre-pass. Returns 0, or -1 with f->errstr. */
static int mc_mflags_parse(struct mc_ctx *x, int start, struct mc_mflags *f) {
    memset(f, 0, sizeof(*f));
    f->errstr = "CLIENT_ERROR bad command line format";
    f->delta = 1;
    f->key = mc_tok(x, 1);
    f->klen = mc_toklen(x, 1);
    unsigned char seen[128] = {0};
    long long now = db_now_ms();
    for (int i = start; i < x->req->ntokens; i++) {
        const char *t = mc_tok(x, i);
        size_t tl = mc_toklen(x, i);
        unsigned char o = (unsigned char)t[0];
        if (o >= 127 || seen[o]) {
            f->errstr = "CLIENT_ERROR duplicate flag";
            return -1;
        }
        seen[o] = 1;
        int32_t n32;
        switch (o) {
        case 'b': {
            long n = mc_toklen(x, 1) % 4 == 0 ? mc_base64_decode(mc_tok(x, 1), mc_toklen(x, 1), f->keybuf) : -1;
            if (n <= 0) {
                f->errstr = "CLIENT_ERROR error decoding key";
                f->has_error = 1;
            } else {
                f->key = (const char *)f->keybuf;
                f->klen = (size_t)n;
            }
            f->key_binary = 1;
            break;
        }
        case 'N':
        case 'T':
        case 'R':
            if (mc_parse_i32(t + 1, tl - 1, &n32) != 0) {
                f->errstr = "CLIENT_ERROR bad token in command line format";
                f->has_error = 1;
            } else if (o == 'N') {
                f->vivify = 1;
                f->autoviv_ms = mc_exptime_ms(n32, now);
            } else if (o == 'T') {
                f->new_ttl = 1;
                f->exptime_ms = mc_exptime_ms(n32, now);
            } else {
                f->recache = n32 > 0;
                f->recache_ms = mc_exptime_ms(n32, now);
            }
            break;
        case 'O': case 'P': case 'L': case 'k': case 's': case 't': case 'c': case 'f': case 'l': case 'h':
            break;
        case 'v':
            f->value = 1;
            break;
        case 'u':
            f->no_update = 1;
            break;
        case 'q':
            f->no_reply = 1;
            break;
        case 'F':
            if (mc_parse_u32(t + 1, tl - 1, &f->client_flags) != 0) f->has_error = 1;
            break;
        case 'C':
        case 'E':
            if (mc_parse_u64(t + 1, tl - 1, o == 'C' ? &f->req_cas : &f->explicit_cas) != 0) {
                f->errstr = "CLIENT_ERROR bad token in command line format";
                f->has_error = 1;
            } else if (o == 'C') {
                f->has_cas = 1;
            } else {
                f->has_ecas = f->explicit_cas != 0;
            }
            break;
        case 'M':
            if (tl != 2) {
                f->errstr = "CLIENT_ERROR incorrect length for M token";
                f->has_error = 1;
            } else {
                f->mode = t[1];
            }
            break;
        case 'J':
            if (mc_parse_u64(t + 1, tl - 1, &f->initial) != 0) {
                f->errstr = "CLIENT_ERROR invalid numeric initial value";
                f->has_error = 1;
            }
            break;
        case 'D':
            if (mc_parse_u64(t + 1, tl - 1, &f->delta) != 0) {
                f->errstr = "CLIENT_ERROR invalid numeric delta value";
                f->has_error = 1;
            }
            break;
        case 'I':
            f->set_stale = 1;
            break;
        default:
            f->errstr = "CLIENT_ERROR invalid flag";
            return -1;
        }
    }
    return f->has_error ? -1 : 0;
}

static int mc_opaque_ok(struct mc_ctx *x, int start) {
    for (int i = start; i < x->req->ntokens; i++)
        if (mc_tok(x, i)[0] == 'O' && mc_toklen(x, i) > MC_OPAQUE_MAX) {
            mc_reply(x->c, "CLIENT_ERROR opaque token too long");
            return 0;
        }
    return 1;
}

/* A response line under construction: code, return flags, CRLF. */
struct mc_line {
    char b[1024];
    size_t n;
};

static void ml_put(struct mc_line *l, const void *p, size_t len) {
    if (l->n + len > sizeof(l->b)) len = sizeof(l->b) - l->n; /* cannot happen: flags are bounded */
    memcpy(l->b + l->n, p, len);
    l->n += len;
}
static void ml_str(struct mc_line *l, const char *s) { ml_put(l, s, strlen(s)); }
static void ml_flag_u64(struct mc_line *l, char flag, uint64_t v) {
    char buf[24];
    buf[0] = ' ';
    buf[1] = flag;
    size_t n = 2 + mc_u64_str(buf + 2, v);
    ml_put(l, buf, n);
}
static void ml_flag_ttl(struct mc_line *l, long long exp_ms) {
    if (exp_ms < 0) ml_str(l, " t-1");
    else {
        long long left = exp_ms - db_now_ms();
        ml_flag_u64(l, 't', left <= 0 ? 0 : (uint64_t)((left + 999) / 1000));
    }
}
/* " k<key>", base64 with a trailing " b" for binary keys */
static void ml_key(struct mc_line *l, const char *key, size_t klen, int binary) {
    ml_str(l, " k");
    if (binary) {
        char enc[(MC_KEY_MAX + 2) / 3 * 4];
        size_t n = mc_base64_encode((const unsigned char *)key, klen, enc);
        ml_put(l, enc, n);
        ml_str(l, " b");
    } else {
        ml_put(l, key, klen);
    }
}
static void ml_opaque(struct mc_line *l, struct mc_ctx *x, int i) {
    ml_str(l, " ");
    ml_put(l, mc_tok(x, i), mc_toklen(x, i));
}
static void ml_send(struct client *c, struct mc_line *l) {
    ml_str(l, "\r\n");
    mc_reply_raw(c, l->b, l->n);
}

/* Return flags every failure code carries: O and k, in the order asked. */
static void ml_fail_flags(struct mc_line *l, struct mc_ctx *x, int start, const struct mc_mflags *f, int with_c) {
    for (int i = start; i < x->req->ntokens; i++) {
        char o = mc_tok(x, i)[0];
        if (o == 'O') ml_opaque(l, x, i);
        else if (o == 'k') ml_key(l, f->key, f->klen, f->key_binary);
        else if (o == 'c' && with_c) ml_str(l, " c0");
    }
}

/* ---- mg ---- */

static void mc_mg(struct mc_ctx *x) {
    struct client *c = x->c;
    struct mc_mflags f;
    if (mc_toklen(x, 1) > MC_KEY_MAX) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    if (mc_mflags_parse(x, 2, &f) != 0) {
        mc_reply(c, f.errstr);
        return;
    }
    if (!mc_opaque_ok(x, 2)) return;
    if (mc_acl_check(x, f.vivify ? MC_ROW_SET : f.new_ttl ? MC_ROW_GETEX : MC_ROW_GET, f.key, f.klen)) return;
    mc_stat_inc(MCS_CMD_GET);
    mc_lock_key(c, f.key, f.klen);
    entry *e = mc_find(f.key, f.klen, 1, 1);
    int created = 0;
    if (!e && f.vivify) {
        /* a TTL already past still answers as created (and won), then reads as a miss */
        long long viv = f.autoviv_ms == MC_EXP_PAST ? db_now_ms() : f.autoviv_ms;
        struct entry_mcmeta nm = {.cas = f.has_ecas ? f.explicit_cas : 0, .flags = 0,
                                  .state = f.key_binary ? MC_ST_KEY_BINARY : 0};
        e = mc_store(f.key, f.klen, "", 0, viv, &nm, "set");
        created = 1;
    }
    struct mc_line l = {.n = 0};
    if (!e) {
        mc_unlock(c);
        mc_stat_inc(MCS_GET_MISSES);
        if (f.no_reply) return;
        ml_str(&l, "EN");
        ml_fail_flags(&l, x, 2, &f, 0);
        ml_send(c, &l);
        return;
    }
    mc_stat_inc(MCS_GET_HITS);
    e = mc_ensure_meta(e);
    struct entry_mcmeta m;
    mc_meta(e, &m);
    long long idle = mc_idle_seconds(e); /* before this access, as memcached reports */
    long long exp = entry_expire(e);
    int won = 0;
    char tmp[24];
    const char *val;
    size_t vlen;
    entry_string(e, tmp, &val, &vlen);
    if (f.value) {
        ml_str(&l, "VA ");
        char n[24];
        size_t nl = mc_u64_str(n, vlen);
        ml_put(&l, n, nl);
    } else {
        ml_str(&l, "HD");
    }
    for (int i = 2; i < x->req->ntokens; i++) {
        switch (mc_tok(x, i)[0]) {
        case 'T':
            exp = f.exptime_ms; /* applied below; later t flags see it */
            break;
        case 'N':
            if (created) won = 1;
            break;
        case 'R':
            if (!(m.state & MC_ST_TOKEN_SENT) && !created && f.recache && exp >= 0 && exp < f.recache_ms) won = 1;
            break;
        case 's':
            ml_flag_u64(&l, 's', vlen);
            break;
        case 't':
            ml_flag_ttl(&l, exp);
            break;
        case 'c':
            ml_flag_u64(&l, 'c', m.cas);
            break;
        case 'f':
            ml_flag_u64(&l, 'f', m.flags);
            break;
        case 'l':
            ml_flag_u64(&l, 'l', (uint64_t)idle);
            break;
        case 'h':
            ml_str(&l, (m.state & MC_ST_FETCHED) ? " h1" : " h0");
            break;
        case 'O':
            ml_opaque(&l, x, i);
            break;
        case 'k':
            ml_key(&l, f.key, f.klen, (m.state & MC_ST_KEY_BINARY) != 0);
            break;
        }
    }
    /* Z before X, and never W with Z: the order memcached answers in */
    if (m.state & MC_ST_TOKEN_SENT) ml_str(&l, " Z");
    if (m.state & MC_ST_STALE) {
        ml_str(&l, " X");
        if (!(m.state & MC_ST_TOKEN_SENT)) won = 1;
    }
    if (won) {
        ml_str(&l, " W");
        m.state |= MC_ST_TOKEN_SENT;
    }
    ml_str(&l, "\r\n");
    mc_reply_raw(c, l.b, l.n);
    if (f.value) {
        mc_reply_raw(c, val, vlen);
        mc_reply_raw(c, "\r\n", 2);
    }
    if (!f.no_update) {
        m.state |= MC_ST_FETCHED;
        e->lru = db_lru_clock();
    }
    entry_mcmeta_put(e, &m);
    if (f.new_ttl && !created) {
        mc_stat_inc(MCS_CMD_TOUCH);
        mc_stat_inc(MCS_TOUCH_HITS);
        mc_set_expire(e, f.exptime_ms);
    } else if (f.new_ttl) {
        mc_set_expire(e, f.exptime_ms);
    }
    mc_unlock(c);
}

/* ---- ms ---- */

/* The store itself, the key's lock held. Returns the code; *cas_out the new CAS. */
static const char *mc_ms_store(struct mc_ctx *x, struct mc_mflags *f, uint64_t *cas_out) {
    const char *data = x->base + x->req->data_off;
    size_t dlen = x->req->data_len;
    entry *any = db_find(db_get(0), f->key, f->klen, 0);
    entry *old = any && entry_type(any) == OBJ_STRING ? any : NULL;
    struct entry_mcmeta om;
    int old_meta = old ? mc_meta(old, &om) : 0;
    int cas_match = old && old_meta && f->has_cas && om.cas == f->req_cas;
    long long exp = f->new_ttl ? f->exptime_ms : MC_EXP_NONE;
    uint32_t state = f->key_binary ? MC_ST_KEY_BINARY : 0;
    switch (f->mode) {
    case 'E':
        if (any) return "NS";
        break;
    case 'R':
        if (!old) return f->has_cas ? "NF" : "NS";
        if (f->has_cas && !cas_match) return "EX";
        break;
    case 'A':
    case 'P': {
        if (!old) return "NS";
        if (f->has_cas && !cas_match) return "EX";
        size_t old_len = entry_string_len(old);
        if (mc_item_size(f->klen, om.flags, (long long)(old_len + dlen)) > server_config.item_size_max) return "NS";
        entry *e = mc_ensure_meta(old);
        entry *n = entry_make_raw(e, old_len + dlen);
        if (n != e) entry_free(db_swap_entry(db_get(0), e, n));
        wstr *s = entry_ptr(n);
        if (f->mode == 'A') {
            memcpy(s->data + s->len, data, dlen);
        } else {
            memmove(s->data + dlen, s->data, s->len);
            memcpy(s->data, data, dlen);
        }
        s->len += dlen;
        s->data[s->len] = '\0';
        struct entry_mcmeta m;
        mc_meta(n, &m);
        m.cas = f->has_ecas ? f->explicit_cas : mc_next_cas();
        m.state &= MC_ST_KEY_BINARY;
        entry_mcmeta_put(n, &m);
        keyspace_event(0, f->key, f->klen, NOTIFY_STRING, f->mode == 'A' ? "append" : "prepend");
        *cas_out = m.cas;
        mc_stat_inc(MCS_TOTAL_ITEMS);
        return "HD";
    }
    default: /* set */
        if (f->has_cas) {
            if (!old) {
                mc_stat_inc(MCS_CAS_MISSES);
                return "NF";
            }
            if (!cas_match) {
                /* I: an older CAS may still store, marked stale, keeping the TTL */
                if (f->set_stale && old_meta && f->req_cas && f->req_cas < om.cas) {
                    state |= MC_ST_STALE;
                    exp = entry_has_expire(old) ? entry_expire(old) : MC_EXP_NONE;
                } else {
                    mc_stat_inc(MCS_CAS_BADVAL);
                    return "EX";
                }
            }
            mc_stat_inc(MCS_CAS_HITS);
        }
    }
    struct entry_mcmeta m = {.cas = f->has_ecas ? f->explicit_cas : 0, .flags = f->client_flags, .state = state};
    mc_store(f->key, f->klen, data, dlen, exp, &m, "set");
    *cas_out = m.cas;
    mc_stat_inc(MCS_TOTAL_ITEMS);
    return "HD";
}

static void mc_ms(struct mc_ctx *x) {
    struct client *c = x->c;
    const struct mc_request *r = x->req;
    struct mc_mflags f;
    if (mc_mflags_parse(x, 3, &f) != 0) {
        mc_reply(c, f.errstr);
        return;
    }
    if (!mc_opaque_ok(x, 3)) return;
    if (f.mode && !strchr("EAPRS", f.mode)) {
        mc_reply(c, "CLIENT_ERROR invalid mode for ms M token");
        return;
    }
    int concat = f.mode == 'A' || f.mode == 'P';
    mc_stat_inc(MCS_CMD_SET);
    if (mc_acl_check(x, concat ? MC_ROW_APPEND : MC_ROW_SET, f.key, f.klen)) return;
    if (r->too_large) {
        mc_stat_inc(MCS_STORE_TOO_LARGE);
        mc_reply(c, "SERVER_ERROR object too large for cache");
        mc_lock_key(c, f.key, f.klen); /* memcached drops the old value, whatever the mode */
        if (mc_find(f.key, f.klen, 0, 1)) mc_delete(f.key, f.klen);
        mc_unlock(c);
        return;
    }
    if (r->bad_chunk) {
        mc_reply(c, "CLIENT_ERROR bad data chunk");
        return;
    }
    uint64_t cas = 0;
    mc_lock_key(c, f.key, f.klen);
    const char *code = mc_ms_store(x, &f, &cas);
    mc_unlock(c);
    int ok = code[0] == 'H';
    if (ok && f.no_reply) return;
    struct mc_line l = {.n = 0};
    ml_str(&l, code);
    for (int i = 3; i < r->ntokens; i++) {
        char o = mc_tok(x, i)[0];
        if (o == 'O') ml_opaque(&l, x, i);
        else if (o == 'k') ml_key(&l, f.key, f.klen, f.key_binary);
        else if (o == 'c') ml_flag_u64(&l, 'c', ok ? cas : 0);
    }
    ml_send(c, &l);
}

/* ---- md ---- */

static void mc_md(struct mc_ctx *x) {
    struct client *c = x->c;
    struct mc_mflags f;
    if (mc_toklen(x, 1) > MC_KEY_MAX) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    if (mc_mflags_parse(x, 2, &f) != 0) {
        mc_reply(c, "CLIENT_ERROR invalid or duplicate flag");
        return;
    }
    if (!mc_opaque_ok(x, 2)) return;
    if (mc_acl_check(x, MC_ROW_DEL, f.key, f.klen)) return;
    mc_lock_key(c, f.key, f.klen);
    entry *e = mc_find(f.key, f.klen, 0, 1);
    const char *code;
    struct entry_mcmeta m;
    if (!e) {
        code = "NF";
        mc_stat_inc(MCS_DELETE_MISSES);
    } else if (f.has_cas && (!mc_meta(e, &m) || m.cas != f.req_cas)) {
        code = "EX";
        mc_stat_inc(MCS_DELETE_MISSES);
    } else if (f.set_stale) {
        /* keep the item, stale, with a new CAS; the next reader wins the recache */
        e = mc_ensure_meta(e);
        mc_meta(e, &m);
        m.state = (m.state | MC_ST_STALE) & ~MC_ST_TOKEN_SENT;
        m.cas = f.has_ecas ? f.explicit_cas : mc_next_cas();
        entry_mcmeta_put(e, &m);
        if (f.new_ttl) mc_set_expire(e, f.exptime_ms);
        code = "HD";
        mc_stat_inc(MCS_DELETE_HITS);
    } else {
        mc_delete(f.key, f.klen);
        code = "HD";
        mc_stat_inc(MCS_DELETE_HITS);
    }
    mc_unlock(c);
    if (code[0] == 'H' && f.no_reply) return;
    struct mc_line l = {.n = 0};
    ml_str(&l, code);
    ml_fail_flags(&l, x, 2, &f, 0);
    ml_send(c, &l);
}

/* ---- ma ---- */

static void mc_ma(struct mc_ctx *x) {
    struct client *c = x->c;
    struct mc_mflags f;
    if (mc_toklen(x, 1) > MC_KEY_MAX) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    if (mc_mflags_parse(x, 2, &f) != 0) {
        mc_reply(c, "CLIENT_ERROR invalid or duplicate flag");
        return;
    }
    if (!mc_opaque_ok(x, 2)) return;
    int incr;
    switch (f.mode) {
    case 0: case 'I': case '+':
        incr = 1;
        break;
    case 'D': case '-':
        incr = 0;
        break;
    default:
        mc_reply(c, "CLIENT_ERROR invalid mode for ma M token");
        return;
    }
    if (mc_acl_check(x, incr ? MC_ROW_INCRBY : MC_ROW_DECRBY, f.key, f.klen)) return;
    mc_lock_key(c, f.key, f.klen);
    entry *e = mc_find(f.key, f.klen, 0, 0);
    const char *code = NULL;
    uint64_t v = 0;
    struct entry_mcmeta m;
    if (e) {
        if (f.has_cas && (!mc_meta(e, &m) || m.cas != f.req_cas)) {
            code = "EX";
        } else if (mc_item_delta(&e, incr, f.delta, f.has_ecas ? f.explicit_cas : 0, &v) != 0) {
            mc_unlock(c);
            mc_reply(c, "CLIENT_ERROR cannot increment or decrement non-numeric value");
            return;
        } else {
            mc_stat_inc(incr ? MCS_INCR_HITS : MCS_DECR_HITS);
        }
    } else if (f.vivify) {
        char digits[24];
        size_t n = mc_u64_str(digits, f.initial);
        struct entry_mcmeta nm = {.cas = f.has_ecas ? f.explicit_cas : 0, .flags = 0,
                                  .state = f.key_binary ? MC_ST_KEY_BINARY : 0};
        e = mc_store(f.key, f.klen, digits, n, f.autoviv_ms, &nm, "set");
        v = f.initial;
        if (!e) code = "NS";
        mc_stat_inc(incr ? MCS_INCR_MISSES : MCS_DECR_MISSES);
    } else {
        code = "NF";
        mc_stat_inc(incr ? MCS_INCR_MISSES : MCS_DECR_MISSES);
    }
    if (!code && f.new_ttl) e = mc_set_expire(e, f.exptime_ms);
    struct mc_line l = {.n = 0};
    if (code) {
        mc_unlock(c);
        ml_str(&l, code);
        ml_fail_flags(&l, x, 2, &f, 0);
        ml_send(c, &l);
        return;
    }
    long long exp = e ? entry_expire(e) : -1;
    uint64_t cas = 0;
    if (e) {
        mc_meta(e, &m);
        cas = m.cas;
    }
    mc_unlock(c);
    if (f.no_reply) return;
    char digits[24];
    size_t dn = mc_u64_str(digits, v);
    if (f.value) {
        ml_str(&l, "VA ");
        char n[24];
        size_t nl = mc_u64_str(n, dn);
        ml_put(&l, n, nl);
    } else {
        ml_str(&l, "HD");
    }
    for (int i = 2; i < x->req->ntokens; i++) {
        switch (mc_tok(x, i)[0]) {
        case 'c':
            ml_flag_u64(&l, 'c', cas);
            break;
        case 't':
            ml_flag_ttl(&l, exp);
            break;
        case 'O':
            ml_opaque(&l, x, i);
            break;
        case 'k':
            ml_key(&l, f.key, f.klen, f.key_binary);
            break;
        }
    }
    ml_str(&l, "\r\n");
    if (f.value) {
        ml_put(&l, digits, dn);
        ml_str(&l, "\r\n");
    }
    mc_reply_raw(c, l.b, l.n);
}

/* ---- me ---- */

static void mc_me(struct mc_ctx *x) {
    struct client *c = x->c;
    int n = x->req->ntokens;
    if (n < 2 || n > 3 || mc_toklen(x, 1) > MC_KEY_MAX) {
        mc_reply(c, "CLIENT_ERROR bad command line format");
        return;
    }
    const char *key = mc_tok(x, 1);
    size_t klen = mc_toklen(x, 1);
    unsigned char keybuf[MC_KEY_MAX];
    int binary = n == 3 && mc_tok(x, 2)[0] == 'b';
    if (binary) {
        long d = klen % 4 == 0 ? mc_base64_decode(key, klen, keybuf) : -1;
        if (d <= 0) {
            mc_reply(c, "CLIENT_ERROR bad command line format");
            return;
        }
        key = (const char *)keybuf;
        klen = (size_t)d;
    }
    if (mc_acl_check(x, MC_ROW_TTL, key, klen)) return;
    mc_lock_key(c, key, klen);
    entry *e = mc_find(key, klen, 0, 1);
    if (!e) {
        mc_unlock(c);
        mc_reply(c, "EN");
        return;
    }
    e = mc_ensure_meta(e);
    struct entry_mcmeta m;
    mc_meta(e, &m);
    struct mc_line l = {.n = 0};
    ml_str(&l, "ME ");
    if (binary) {
        char enc[(MC_KEY_MAX + 2) / 3 * 4];
        size_t enc_len = mc_base64_encode((const unsigned char *)key, klen, enc);
        ml_put(&l, enc, enc_len);
    } else {
        ml_put(&l, key, klen);
    }
    char buf[200];
    snprintf(buf, sizeof(buf), " exp=%lld la=%lld cas=%llu fetch=%s cls=1 size=%lld",
             mc_ttl_seconds(e, db_now_ms()), mc_idle_seconds(e), (unsigned long long)m.cas,
             (m.state & MC_ST_FETCHED) ? "yes" : "no",
             mc_item_size(klen, m.flags, (long long)entry_string_len(e)));
    ml_str(&l, buf);
    mc_unlock(c);
    ml_send(c, &l);
}

void mc_meta_run(struct mc_ctx *x) {
    mc_stat_inc(MCS_CMD_META);
    switch (x->req->command) {
    case MC_CMD_MG:
        mc_mg(x);
        break;
    case MC_CMD_MS:
        mc_ms(x);
        break;
    case MC_CMD_MD:
        mc_md(x);
        break;
    case MC_CMD_MA:
        mc_ma(x);
        break;
    case MC_CMD_MN:
        mc_reply(x->c, "MN");
        break;
    case MC_CMD_ME:
        mc_me(x);
        break;
    }
}
