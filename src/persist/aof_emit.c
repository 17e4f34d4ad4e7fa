/* aof_emit.c — see aof_emit.h. Collections are emitted in batches of AOF_EMIT_BATCH
 * elements per command, as Redis's rewrite does, so no single command is huge. */
#include "persist/aof_emit.h"
#include "core/listpack.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <string.h>

#define AOF_EMIT_BATCH 64

void abuf_init(struct abuf *b) {
    b->p = NULL;
    b->len = b->cap = 0;
}

void abuf_free(struct abuf *b) {
    wfree(b->p);
    abuf_init(b);
}

void abuf_put(struct abuf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        b->p = wrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void abuf_header(struct abuf *b, char kind, long long n) {
    char h[32];
    h[0] = kind;
    int l = num_ll_to_str(h + 1, n);
    h[1 + l] = '\r';
    h[2 + l] = '\n';
    abuf_put(b, h, (size_t)l + 3);
}

void abuf_cmd(struct abuf *b, long long argc) { abuf_header(b, '*', argc); }

void abuf_arg(struct abuf *b, const void *p, size_t n) {
    abuf_header(b, '$', (long long)n);
    abuf_put(b, p, n);
    abuf_put(b, "\r\n", 2);
}

void abuf_arg_ll(struct abuf *b, long long v) {
    char d[24];
    int l = num_ll_to_str(d, v);
    abuf_arg(b, d, (size_t)l);
}

static int abuf_flush_to(struct pstream *s, struct abuf *b) {
    int rc = ps_write(s, b->p, b->len);
    b->len = 0;
    return rc;
}

int aof_emit_select(struct pstream *s, int dbid) {
    struct abuf b;
    abuf_init(&b);
    abuf_cmd(&b, 2);
    abuf_arg(&b, "SELECT", 6);
    abuf_arg_ll(&b, dbid);
    int rc = abuf_flush_to(s, &b);
    abuf_free(&b);
    return rc;
}

/* One batch command: NAME key items... (items already counted in n). */
struct batch {
    struct abuf body; /* the items of the current batch */
    int n;            /* items in it */
    int per;          /* arguments per item (1 list element, 2 hash field+value) */
};

static void batch_flush(struct pstream *s, struct batch *bt, const char *name, const entry *e, struct abuf *out) {
    if (bt->n == 0) return;
    abuf_cmd(out, 2 + (long long)bt->n * bt->per);
    abuf_arg(out, name, strlen(name));
    abuf_arg(out, entry_key(e), entry_keylen(e));
    abuf_put(out, bt->body.p, bt->body.len);
    bt->body.len = 0;
    bt->n = 0;
    abuf_flush_to(s, out);
}

int aof_emit_entry(struct pstream *s, const entry *e) {
    struct abuf out;
    abuf_init(&out);
    int type = entry_type(e);
    if (type == OBJ_STRING) {
        char tmp[24];
        const char *p;
        size_t len;
        entry_string(e, tmp, &p, &len);
        abuf_cmd(&out, 3);
        abuf_arg(&out, "SET", 3);
        abuf_arg(&out, entry_key(e), entry_keylen(e));
        abuf_arg(&out, p, len);
        abuf_flush_to(s, &out);
    } else if (type == OBJ_LIST) {
        const struct list *l = entry_ptr(e);
        struct batch bt = {.per = 1};
        abuf_init(&bt.body);
        for (const struct list_node *n = l->head; n; n = n->next)
            for (unsigned char *p = lp_first(n->lp); p; p = lp_next(n->lp, p)) {
                unsigned char buf[24];
                size_t len;
                const unsigned char *v = lp_get_str(p, buf, &len);
                abuf_arg(&bt.body, v, len);
                if (++bt.n == AOF_EMIT_BATCH) batch_flush(s, &bt, "RPUSH", e, &out);
            }
        batch_flush(s, &bt, "RPUSH", e, &out);
        abuf_free(&bt.body);
    } else if (type == OBJ_HASH) {
        struct batch bt = {.per = 2};
        abuf_init(&bt.body);
        struct hash_iter it;
        struct hash_str f, v;
        hash_iter_init(&it, (entry *)e); /* read only */
        while (hash_iter_next(&it, &f, &v)) {
            abuf_arg(&bt.body, f.s, f.len);
            abuf_arg(&bt.body, v.s, v.len);
            if (++bt.n == AOF_EMIT_BATCH) batch_flush(s, &bt, "HSET", e, &out);
        }
        hash_iter_release(&it);
        batch_flush(s, &bt, "HSET", e, &out);
        abuf_free(&bt.body);
    } else if (type == OBJ_SET) {
        struct batch bt = {.per = 1};
        abuf_init(&bt.body);
        struct set_iter it;
        const char *m;
        size_t len;
        set_iter_init(&it, (entry *)e); /* read only */
        while (set_iter_next(&it, &m, &len)) {
            abuf_arg(&bt.body, m, len);
            if (++bt.n == AOF_EMIT_BATCH) batch_flush(s, &bt, "SADD", e, &out);
        }
        set_iter_release(&it);
        batch_flush(s, &bt, "SADD", e, &out);
        abuf_free(&bt.body);
    } else if (type == OBJ_ZSET) {
        struct batch bt = {.per = 2};
        abuf_init(&bt.body);
        struct zset_pos z;
        for (zset_pos_rank(&z, (entry *)e, 0); zset_pos_valid(&z); zset_pos_next(&z)) {
            unsigned char buf[24];
            char sc[40];
            const char *m;
            size_t len;
            double score;
            zset_pos_get(&z, buf, &m, &len, &score);
            int sl = num_double_to_str(sc, sizeof(sc), score);
            abuf_arg(&bt.body, sc, (size_t)sl);
            abuf_arg(&bt.body, m, len);
            if (++bt.n == AOF_EMIT_BATCH) batch_flush(s, &bt, "ZADD", e, &out);
        }
        batch_flush(s, &bt, "ZADD", e, &out);
        abuf_free(&bt.body);
    } else {
        abuf_free(&out);
        return ps_fail(s, "no AOF form for values of type %s", entry_type_name(type));
    }
    if (entry_has_expire(e)) {
        abuf_cmd(&out, 3);
        abuf_arg(&out, "PEXPIREAT", 9);
        abuf_arg(&out, entry_key(e), entry_keylen(e));
        abuf_arg_ll(&out, entry_expire(e));
        abuf_flush_to(s, &out);
    }
    abuf_free(&out);
    return ps_failed(s) ? -1 : 0;
}
