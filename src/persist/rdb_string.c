/* rdb_string.c — the string codec: RDB type 0. Integer-encoded entries are written
 * with RDB's integer encodings (or as decimal text beyond 32 bits), other strings as
 * rdb_write_string decides (integer / LZF / raw). */
#include "persist/rdb.h"
#include "persist/rdb_types.h"
#include "util/alloc.h"

static int string_type_of(const entry *e) {
    (void)e;
    return RDB_TYPE_STRING;
}

static int string_save(struct pstream *s, const entry *e, int compress) {
    if (entry_encoding(e) == ENC_INT) return rdb_write_ll(s, entry_int(e));
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    return rdb_write_string(s, p, len, compress);
}

static entry *string_load(struct pstream *s, int rdbtype, const char *key, size_t klen, long long expire_ms) {
    (void)rdbtype;
    char *p;
    size_t len;
    int is_int;
    long long v;
    if (rdb_read_string_ex(s, &p, &len, &is_int, &v) != 0) return NULL;
    entry *e;
    if (is_int) e = entry_new_int(key, klen, v, expire_ms);
    else if (len > ENTRY_EMBSTR_MAX && len > 20) e = entry_new_raw(key, klen, wstr_new(p, len, len), expire_ms);
    else e = entry_new_string(key, klen, p, len, expire_ms);
    wfree(p);
    return e;
}

void rdb_string_register(void) {
    rdb_register_saver(OBJ_STRING, string_type_of, string_save);
    rdb_register_loader(RDB_TYPE_STRING, string_load);
}
