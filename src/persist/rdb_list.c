/* rdb_list.c — the list codec. Writes RDB_TYPE_LIST_QUICKLIST_2 as Redis 7.0 does: one
 * packed (listpack) node per list node. Reads every list form redis-server 7.0 can
 * load: plain (1), ziplist (10), quicklist of ziplists (14), quicklist 2 (18, packed
 * and plain nodes). An empty list is skipped, as Redis skips empty keys. */
#include "config.h"
#include "core/listpack.h"
#include "persist/rdb.h"
#include "persist/rdb_blob.h"
#include "persist/rdb_types.h"
#include "types/list.h"
#include "util/alloc.h"
#include <stdio.h>

#define QUICKLIST_NODE_PLAIN 1
#define QUICKLIST_NODE_PACKED 2

static int list_type_of(const entry *e) {
    (void)e;
    return RDB_TYPE_LIST_QUICKLIST_2;
}

static int list_save(struct pstream *s, const entry *e, int compress) {
    const struct list *l = entry_ptr(e);
    if (rdb_write_len(s, l->nodes) != 0) return -1;
    for (const struct list_node *n = l->head; n; n = n->next) {
        struct rlp w;
        rlp_init(&w);
        for (unsigned char *p = lp_first(n->lp); p; p = lp_next(n->lp, p)) {
            struct lp_val v;
            lp_get(p, &v);
            if (v.str) rlp_add(&w, (const char *)v.str, v.len);
            else rlp_add_int(&w, v.num);
        }
        size_t len;
        unsigned char *blob = rlp_finish(&w, &len);
        int rc = rdb_write_len(s, QUICKLIST_NODE_PACKED);
        if (rc == 0) rc = rdb_write_string(s, blob, len, compress);
        wfree(blob);
        if (rc != 0) return -1;
    }
    return 0;
}

static int push_item(void *priv, const struct blob_item *it) {
    char buf[24];
    size_t len;
    const char *s = blob_item_str(it, buf, &len);
    list_push(priv, LIST_TAIL, s, len);
    return 0;
}

/* Read a blob string and walk it with `each`, pushing every item. */
static int load_blob(struct pstream *s, struct list *l,
                     long long (*each)(const unsigned char *, size_t, blob_item_fn, void *, char *, size_t)) {
    char *blob;
    size_t len;
    char err[128];
    if (rdb_read_string(s, &blob, &len) != 0) return -1;
    long long n = each((unsigned char *)blob, len, push_item, l, err, sizeof(err));
    wfree(blob);
    if (n < 0) return ps_fail(s, "%s", err);
    return 0;
}

static entry *list_load(struct pstream *s, int t, const char *key, size_t klen, long long expire_ms) {
    struct list *l = list_new(server_config.list_max_listpack_size);
    uint64_t n;
    int rc = 0;
    if (t == RDB_TYPE_LIST) {
        rc = rdb_read_count(s, &n, 1);
        for (uint64_t i = 0; rc == 0 && i < n; i++) {
            char *v;
            size_t vl;
            rc = rdb_read_string(s, &v, &vl);
            if (rc == 0) {
                list_push(l, LIST_TAIL, v, vl);
                wfree(v);
            }
        }
    } else if (t == RDB_TYPE_LIST_ZIPLIST) {
        rc = load_blob(s, l, blob_ziplist_each);
    } else if (t == RDB_TYPE_LIST_QUICKLIST || t == RDB_TYPE_LIST_QUICKLIST_2) {
        rc = rdb_read_count(s, &n, 2);
        for (uint64_t i = 0; rc == 0 && i < n; i++) {
            uint64_t container = QUICKLIST_NODE_PACKED;
            if (t == RDB_TYPE_LIST_QUICKLIST_2) {
                rc = rdb_read_len(s, &container);
                if (rc == 0 && container != QUICKLIST_NODE_PLAIN && container != QUICKLIST_NODE_PACKED)
                    rc = ps_fail(s, "unknown quicklist node container %llu", (unsigned long long)container);
                if (rc) break;
            }
            if (container == QUICKLIST_NODE_PLAIN) {
                char *v;
                size_t vl;
                rc = rdb_read_string(s, &v, &vl);
                if (rc == 0) {
                    list_push(l, LIST_TAIL, v, vl);
                    wfree(v);
                }
            } else {
                rc = load_blob(s, l, t == RDB_TYPE_LIST_QUICKLIST ? blob_ziplist_each : blob_listpack_each);
            }
        }
    } else {
        rc = ps_fail(s, "not a list type: %d", t);
    }
    if (rc != 0 || list_len(l) == 0) {
        list_free(l); /* empty: skipped without an error, as Redis does */
        return NULL;
    }
    return entry_new_ptr(key, klen, OBJ_LIST, ENC_QUICKLIST, l, expire_ms);
}

void rdb_list_register(void) {
    rdb_register_saver(OBJ_LIST, list_type_of, list_save);
    rdb_register_loader(RDB_TYPE_LIST, list_load);
    rdb_register_loader(RDB_TYPE_LIST_ZIPLIST, list_load);
    rdb_register_loader(RDB_TYPE_LIST_QUICKLIST, list_load);
    rdb_register_loader(RDB_TYPE_LIST_QUICKLIST_2, list_load);
}
