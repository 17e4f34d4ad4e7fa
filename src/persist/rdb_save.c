/* rdb_save.c — the pieces of an RDB file in the order Redis 7.0 writes them: header
 * with aux fields, per-db SELECTDB + RESIZEDB, key/value records, EOF + checksum.
 * The snapshot (snapshot.c) decides what goes where; this file only encodes. */
#include "persist/rdb_save.h"
#include "persist/rdb.h"
#include "persist/rdb_types.h"
#include "util/numparse.h"
#include "version.h"
#include <stdio.h>
#include <string.h>

static int rdb_write_aux(struct pstream *s, const char *key, const char *val, size_t vlen) {
    if (rdb_write_byte(s, RDB_OPCODE_AUX) != 0) return -1;
    if (rdb_write_string(s, key, strlen(key), 0) != 0) return -1;
    return rdb_write_string(s, val, vlen, 0);
}

static int rdb_write_aux_ll(struct pstream *s, const char *key, long long v) {
    char buf[24];
    int n = num_ll_to_str(buf, v);
    return rdb_write_aux(s, key, buf, (size_t)n);
}

int rdb_save_header(struct pstream *s, const struct rdb_header_info *info) {
    char magic[16];
    snprintf(magic, sizeof(magic), "REDIS%04d", RDB_VERSION);
    if (ps_write(s, magic, 9) != 0) return -1;
    if (rdb_write_aux(s, "redis-ver", WARDEN_REDIS_VERSION, strlen(WARDEN_REDIS_VERSION)) != 0) return -1;
    if (rdb_write_aux_ll(s, "redis-bits", (long long)sizeof(void *) * 8) != 0) return -1;
    if (rdb_write_aux_ll(s, "ctime", info->ctime) != 0) return -1;
    if (rdb_write_aux_ll(s, "used-mem", info->used_mem) != 0) return -1;
    return rdb_write_aux_ll(s, "aof-base", info->aof_base ? 1 : 0);
}

int rdb_save_select_db(struct pstream *s, int dbid, uint64_t keys, uint64_t volatile_keys) {
    if (rdb_write_byte(s, RDB_OPCODE_SELECTDB) != 0 || rdb_write_len(s, (uint64_t)dbid) != 0) return -1;
    if (rdb_write_byte(s, RDB_OPCODE_RESIZEDB) != 0 || rdb_write_len(s, keys) != 0) return -1;
    return rdb_write_len(s, volatile_keys);
}

int rdb_save_select_only(struct pstream *s, int dbid) {
    if (rdb_write_byte(s, RDB_OPCODE_SELECTDB) != 0) return -1;
    return rdb_write_len(s, (uint64_t)dbid);
}

int rdb_save_entry(struct pstream *s, const entry *e, int compress) {
    if (entry_has_expire(e)) {
        if (rdb_write_byte(s, RDB_OPCODE_EXPIRETIME_MS) != 0) return -1;
        if (rdb_write_millis(s, entry_expire(e)) != 0) return -1;
    }
    int t = rdb_object_type(s, e);
    if (t < 0 || rdb_write_byte(s, t) != 0) return -1;
    if (rdb_write_string(s, entry_key(e), entry_keylen(e), compress) != 0) return -1;
    return rdb_save_value(s, e, compress);
}

int rdb_save_footer(struct pstream *s) {
    if (rdb_write_byte(s, RDB_OPCODE_EOF) != 0) return -1;
    uint64_t crc = s->checksum ? s->crc : 0;
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(crc >> (8 * i));
    return ps_write(s, b, 8);
}
