/* rdb_zset.c — the sorted-set codec. Writes what Redis 7.0 writes:
 * RDB_TYPE_ZSET_LISTPACK (17: member, score, ... in order, scores as Redis stores
 * them) for a listpack-encoded set, RDB_TYPE_ZSET_2 (5: member + binary double)
 * otherwise. Reads those and the older ZSET (3, scores as text) and ZSET_ZIPLIST (12).
 * A NaN score or a repeated member makes the value corrupt; an empty set is skipped. */
#include "core/listpack.h"
#include "persist/rdb.h"
#include "persist/rdb_blob.h"
#include "persist/rdb_types.h"
#include "types/zset.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <math.h>
#include <stdio.h>

static int zset_type_of(const entry *e) {
    return entry_encoding(e) == ENC_LISTPACK ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
}

static int zset_save(struct pstream *s, const entry *e, int compress) {
    if (entry_encoding(e) == ENC_LISTPACK) {
        unsigned char *lp = entry_ptr(e);
        struct rlp w;
        rlp_init(&w);
        for (unsigned char *p = lp_first(lp); p; p = lp_next(lp, p)) {
            struct lp_val v;
            lp_get(p, &v);
            if (v.str) rlp_add(&w, (const char *)v.str, v.len);
            else rlp_add_int(&w, v.num);
        }
        size_t len;
        unsigned char *blob = rlp_finish(&w, &len);
        int rc = rdb_write_string(s, blob, len, compress);
        wfree(blob);
        return rc;
    }
    if (rdb_write_len(s, zset_length(e)) != 0) return -1;
    struct zset_pos z;
    int rc = 0;
    for (zset_pos_rank(&z, (entry *)e, 0); rc == 0 && zset_pos_valid(&z); zset_pos_next(&z)) {
        unsigned char buf[24];
        const char *m;
        size_t len;
        double score;
        zset_pos_get(&z, buf, &m, &len, &score);
        rc = rdb_write_string(s, m, len, compress);
        if (rc == 0) rc = rdb_write_binary_double(s, score);
    }
    return rc;
}

struct zset_build {
    entry *e;
    int bad; /* 1 duplicate, 2 NaN */
    struct blob_item member;
    int have_member;
    char mbuf[24];
};

static int zset_build_add(struct zset_build *b, const char *m, size_t len, double score) {
    if (isnan(score)) {
        b->bad = 2;
        return -1;
    }
    double ns;
    if (zset_add(b->e, score, m, len, 0, &ns) != ZADD_ADDED) {
        b->bad = 1;
        return -1;
    }
    return 0;
}

static int pair_item(void *priv, const struct blob_item *it) {
    struct zset_build *b = priv;
    if (!b->have_member) {
        b->member = *it;
        b->have_member = 1;
        return 0;
    }
    b->have_member = 0;
    double score;
    if (it->s) {
        if (num_parse_double((const char *)it->s, it->len, &score) != 0) {
            b->bad = 3;
            return -1;
        }
    } else {
        score = (double)it->v;
    }
    size_t ml;
    const char *m = blob_item_str(&b->member, b->mbuf, &ml);
    return zset_build_add(b, m, ml, score);
}

static entry *zset_load(struct pstream *s, int t, const char *key, size_t klen, long long expire_ms) {
    struct zset_build b = {0};
    int rc = 0;
    if (t == RDB_TYPE_ZSET || t == RDB_TYPE_ZSET_2) {
        uint64_t n;
        rc = rdb_read_count(s, &n, 2);
        if (rc == 0) b.e = zset_new_entry_sized(key, klen, n, 0);
        for (uint64_t i = 0; rc == 0 && i < n; i++) {
            char *m;
            size_t ml;
            double score;
            if (rdb_read_string(s, &m, &ml) != 0) {
                rc = -1;
                break;
            }
            if ((t == RDB_TYPE_ZSET_2 ? rdb_read_binary_double(s, &score) : rdb_read_text_double(s, &score)) != 0) {
                wfree(m);
                rc = -1;
                break;
            }
            rc = zset_build_add(&b, m, ml, score);
            wfree(m);
        }
    } else {
        char *blob, err[128] = "";
        size_t len;
        rc = rdb_read_string(s, &blob, &len);
        if (rc == 0) {
            b.e = zset_new_entry_sized(key, klen, 0, 0);
            long long n = t == RDB_TYPE_ZSET_ZIPLIST
                              ? blob_ziplist_each((unsigned char *)blob, len, pair_item, &b, err, sizeof(err))
                              : blob_listpack_each((unsigned char *)blob, len, pair_item, &b, err, sizeof(err));
            wfree(blob);
            if (n < 0 && !b.bad) rc = ps_fail(s, "%s", err);
            else if (n < 0) rc = -1;
            else if (b.have_member) rc = ps_fail(s, "sorted set blob with a member and no score");
        }
    }
    if (b.bad == 1) ps_fail(s, "sorted set with a duplicate member");
    else if (b.bad == 2) ps_fail(s, "Zset with NAN score detected");
    else if (b.bad == 3) ps_fail(s, "sorted set score that is not a number");
    if (rc != 0 || !b.e || zset_length(b.e) == 0) {
        entry_free(b.e);
        return NULL;
    }
    if (expire_ms >= 0) {
        entry *n = entry_with_expire(b.e, expire_ms);
        entry_free_shell(b.e);
        b.e = n;
    }
    return b.e;
}

void rdb_zset_register(void) {
    rdb_register_saver(OBJ_ZSET, zset_type_of, zset_save);
    rdb_register_loader(RDB_TYPE_ZSET, zset_load);
    rdb_register_loader(RDB_TYPE_ZSET_2, zset_load);
    rdb_register_loader(RDB_TYPE_ZSET_ZIPLIST, zset_load);
    rdb_register_loader(RDB_TYPE_ZSET_LISTPACK, zset_load);
}
