/* rdb_set.c — the set codec. Writes what Redis 7.0 writes: RDB_TYPE_SET_INTSET (11,
 * Redis's intset blob) for an intset-encoded set, RDB_TYPE_SET (2, member strings)
 * otherwise. Reads both. A repeated member makes the value corrupt; an empty set is
 * skipped, as in Redis. */
#include "persist/rdb.h"
#include "persist/rdb_blob.h"
#include "persist/rdb_types.h"
#include "types/set.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdio.h>

static int set_type_of(const entry *e) {
    return entry_encoding(e) == ENC_INTSET ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
}

static int set_save(struct pstream *s, const entry *e, int compress) {
    struct set_iter it;
    const char *p;
    size_t len;
    int rc = 0;
    if (entry_encoding(e) == ENC_INTSET) {
        uint64_t n = set_size(e), k = 0;
        long long *vals = wmalloc(sizeof(long long) * (n ? n : 1));
        set_iter_init(&it, (entry *)e); /* read only: the iterator does not change the set */
        while (k < n && set_iter_next(&it, &p, &len)) {
            if (num_parse_ll(p, len, &vals[k]) != 0) rc = ps_fail(s, "intset member is not an integer");
            k++;
        }
        set_iter_release(&it);
        size_t blen;
        unsigned char *blob = blob_intset_build(vals, k, &blen);
        if (rc == 0) rc = rdb_write_string(s, blob, blen, compress);
        wfree(blob);
        wfree(vals);
        return rc;
    }
    if (rdb_write_len(s, set_size(e)) != 0) return -1;
    set_iter_init(&it, (entry *)e);
    while (rc == 0 && set_iter_next(&it, &p, &len)) rc = rdb_write_string(s, p, len, compress);
    set_iter_release(&it);
    return rc;
}

struct set_build {
    entry *e;
    const char *key;
    size_t klen;
    uint64_t hint;
    int dup;
};

static int set_build_add(struct set_build *b, const char *m, size_t len) {
    if (!b->e) b->e = set_new_entry(b->key, b->klen, m, len, b->hint);
    if (!set_add(b->e, m, len)) {
        b->dup = 1;
        return -1;
    }
    return 0;
}

static int intset_item(void *priv, const struct blob_item *it) {
    char buf[24];
    size_t len;
    const char *m = blob_item_str(it, buf, &len);
    return set_build_add(priv, m, len);
}

static entry *set_load(struct pstream *s, int t, const char *key, size_t klen, long long expire_ms) {
    struct set_build b = {.key = key, .klen = klen};
    int rc = 0;
    if (t == RDB_TYPE_SET) {
        uint64_t n;
        rc = rdb_read_count(s, &n, 1);
        b.hint = n;
        for (uint64_t i = 0; rc == 0 && i < n; i++) {
            char *m;
            size_t ml;
            if (rdb_read_string(s, &m, &ml) != 0) {
                rc = -1;
                break;
            }
            rc = set_build_add(&b, m, ml);
            wfree(m);
        }
    } else {
        char *blob, err[128] = "";
        size_t len;
        rc = rdb_read_string(s, &blob, &len);
        if (rc == 0) {
            long long n = blob_intset_each((unsigned char *)blob, len, intset_item, &b, err, sizeof(err));
            wfree(blob);
            if (n < 0 && !b.dup) rc = ps_fail(s, "%s", err);
            else if (n < 0) rc = -1;
        }
    }
    if (b.dup) ps_fail(s, "set with a duplicate member");
    if (rc != 0 || !b.e || set_size(b.e) == 0) {
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

void rdb_set_register(void) {
    rdb_register_saver(OBJ_SET, set_type_of, set_save);
    rdb_register_loader(RDB_TYPE_SET, set_load);
    rdb_register_loader(RDB_TYPE_SET_INTSET, set_load);
}
