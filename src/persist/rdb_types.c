/* rdb_types.c — the codec registry; see rdb_types.h. Registration happens once at
 * start-up (before threads), so lookups need no lock. */
#include "persist/rdb_types.h"
#include "persist/rdb.h"
#include "types/hash.h"
#include "types/list.h"
#include "types/set.h"
#include "types/zset.h"
#include <pthread.h>

static rdb_type_of_fn savers_type[8];
static rdb_save_value_fn savers[8];
static rdb_load_value_fn loaders[RDB_TYPE_MAX + 1];
static pthread_once_t types_once = PTHREAD_ONCE_INIT;

void rdb_register_saver(int obj_type, rdb_type_of_fn type_of, rdb_save_value_fn save) {
    if (obj_type < 0 || obj_type >= 8) return;
    savers_type[obj_type] = type_of;
    savers[obj_type] = save;
}

void rdb_register_loader(int rdb_type, rdb_load_value_fn load) {
    if (rdb_type < 0 || rdb_type > RDB_TYPE_MAX) return;
    loaders[rdb_type] = load;
}

static void rdb_types_register_all(void) {
    /* the codecs build values of these types: make sure their free/dup hooks exist
     * (registration is idempotent; the server registers them too) */
    list_type_init();
    hash_type_init();
    set_type_init();
    zset_type_init();
    rdb_string_register();
    rdb_list_register();
    rdb_hash_register();
    rdb_set_register();
    rdb_zset_register();
}

void rdb_types_init(void) { pthread_once(&types_once, rdb_types_register_all); }

int rdb_is_object_type(int t) { return t >= 0 && t <= RDB_TYPE_MAX && t != 8; }

int rdb_object_type(struct pstream *s, const entry *e) {
    int type = entry_type(e);
    if (type < 0 || type >= 8 || !savers[type])
        return ps_fail(s, "no RDB codec for values of type %s", entry_type_name(type));
    return savers_type[type](e);
}

int rdb_save_value(struct pstream *s, const entry *e, int compress) {
    int type = entry_type(e);
    if (type < 0 || type >= 8 || !savers[type])
        return ps_fail(s, "no RDB codec for values of type %s", entry_type_name(type));
    return savers[type](s, e, compress);
}

int rdb_save_object(struct pstream *s, const entry *e, int compress) {
    int t = rdb_object_type(s, e);
    if (t < 0 || rdb_write_byte(s, t) != 0) return -1;
    return rdb_save_value(s, e, compress);
}

entry *rdb_load_value(struct pstream *s, int t, const char *key, size_t klen, long long expire_ms) {
    if (t == RDB_TYPE_MODULE || t == RDB_TYPE_MODULE_2) {
        ps_fail(s, "the data holds a module value type, and Warden has no modules");
        return NULL;
    }
    if (t == RDB_TYPE_STREAM_LISTPACKS || t == RDB_TYPE_STREAM_LISTPACKS_2) {
        ps_fail(s, "the data holds a stream, which this Warden build cannot load yet");
        return NULL;
    }
    if (!rdb_is_object_type(t)) {
        ps_fail(s, "unknown RDB value type %d", t);
        return NULL;
    }
    if (!loaders[t]) {
        ps_fail(s, "RDB value type %d (%s) is not supported by this Warden build", t,
                t == RDB_TYPE_LIST || t == RDB_TYPE_LIST_ZIPLIST || t == RDB_TYPE_LIST_QUICKLIST ||
                        t == RDB_TYPE_LIST_QUICKLIST_2
                    ? "list"
                : t == RDB_TYPE_SET || t == RDB_TYPE_SET_INTSET ? "set"
                : t == RDB_TYPE_HASH || t == RDB_TYPE_HASH_ZIPMAP || t == RDB_TYPE_HASH_ZIPLIST ||
                        t == RDB_TYPE_HASH_LISTPACK
                    ? "hash"
                    : "sorted set");
        return NULL;
    }
    return loaders[t](s, t, key, klen, expire_ms);
}

entry *rdb_load_object(struct pstream *s, const char *key, size_t klen, long long expire_ms) {
    int t;
    if (rdb_read_byte(s, &t) != 0) return NULL;
    return rdb_load_value(s, t, key, klen, expire_ms);
}
