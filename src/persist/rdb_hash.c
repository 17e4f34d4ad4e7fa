/* rdb_hash.c — the hash codec. Writes what Redis 7.0 writes: RDB_TYPE_HASH_LISTPACK
 * (16) for a listpack-encoded hash, RDB_TYPE_HASH (4, field/value strings) for a hash
 * table. Reads those and the older zipmap (9) and ziplist (13) forms. A field that
 * appears twice makes the value corrupt; an empty hash is skipped, as in Redis. */
#include "core/listpack.h"
#include "persist/rdb.h"
#include "persist/rdb_blob.h"
#include "persist/rdb_types.h"
#include "types/hash.h"
#include "util/alloc.h"
#include <stdio.h>

static int hash_type_of(const entry *e) {
    return entry_encoding(e) == ENC_LISTPACK ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
}

static int hash_save(struct pstream *s, const entry *e, int compress) {
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
    if (rdb_write_len(s, hash_len(e)) != 0) return -1;
    struct hash_iter it;
    struct hash_str f, v;
    hash_iter_init(&it, (entry *)e); /* read only: the iterator does not change the hash */
    int rc = 0;
    while (rc == 0 && hash_iter_next(&it, &f, &v)) {
        rc = rdb_write_string(s, f.s, f.len, compress);
        if (rc == 0) rc = rdb_write_string(s, v.s, v.len, compress);
    }
    hash_iter_release(&it);
    return rc;
}

struct hash_build {
    entry *e;
    struct blob_item field;
    int have_field;
    char fbuf[24];
    int dup;
};

static int hash_add(struct hash_build *b, const char *f, size_t fl, const char *v, size_t vl) {
    if (!hash_set(b->e, f, fl, v, vl)) {
        b->dup = 1;
        return -1;
    }
    return 0;
}

static int pair_item(void *priv, const struct blob_item *it) {
    struct hash_build *b = priv;
    if (!b->have_field) {
        b->field = *it;
        b->have_field = 1;
        return 0;
    }
    char vb[24];
    size_t fl, vl;
    const char *f = blob_item_str(&b->field, b->fbuf, &fl);
    const char *v = blob_item_str(it, vb, &vl);
    b->have_field = 0;
    return hash_add(b, f, fl, v, vl);
}

static entry *hash_load(struct pstream *s, int t, const char *key, size_t klen, long long expire_ms) {
    struct hash_build b = {.e = hash_new_entry(key, klen)};
    int rc = 0;
    if (t == RDB_TYPE_HASH) {
        uint64_t n;
        rc = rdb_read_count(s, &n, 2);
        for (uint64_t i = 0; rc == 0 && i < n; i++) {
            char *f, *v;
            size_t fl, vl;
            if (rdb_read_string(s, &f, &fl) != 0) {
                rc = -1;
                break;
            }
            if (rdb_read_string(s, &v, &vl) != 0) {
                wfree(f);
                rc = -1;
                break;
            }
            rc = hash_add(&b, f, fl, v, vl);
            wfree(f);
            wfree(v);
        }
    } else {
        char *blob, err[128] = "";
        size_t len;
        rc = rdb_read_string(s, &blob, &len);
        if (rc == 0) {
            long long n = t == RDB_TYPE_HASH_ZIPMAP    ? blob_zipmap_each((unsigned char *)blob, len, pair_item, &b, err, sizeof(err))
                          : t == RDB_TYPE_HASH_ZIPLIST ? blob_ziplist_each((unsigned char *)blob, len, pair_item, &b, err, sizeof(err))
                                                       : blob_listpack_each((unsigned char *)blob, len, pair_item, &b, err, sizeof(err));
            wfree(blob);
            if (n < 0 && !b.dup) rc = ps_fail(s, "%s", err);
            else if (n < 0) rc = -1;
            else if (b.have_field) rc = ps_fail(s, "hash blob with a field and no value");
        }
    }
    if (b.dup) ps_fail(s, "hash with a duplicate field");
    if (rc != 0 || hash_len(b.e) == 0) {
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

void rdb_hash_register(void) {
    rdb_register_saver(OBJ_HASH, hash_type_of, hash_save);
    rdb_register_loader(RDB_TYPE_HASH, hash_load);
    rdb_register_loader(RDB_TYPE_HASH_ZIPMAP, hash_load);
    rdb_register_loader(RDB_TYPE_HASH_ZIPLIST, hash_load);
    rdb_register_loader(RDB_TYPE_HASH_LISTPACK, hash_load);
}
