/* rdb_save.h — encoders for the parts of an RDB file (see rdb.h for the layout). */
#ifndef WARDEN_RDB_SAVE_H
#define WARDEN_RDB_SAVE_H
#include "db/entry.h"
#include "persist/pstream.h"
#include <stdint.h>

struct rdb_header_info {
    long long ctime;    /* Unix seconds of the snapshot */
    long long used_mem; /* bytes, informational */
    int aof_base;       /* the file is the base of a multi-part AOF */
};

/* Magic and aux fields (redis-ver, redis-bits, ctime, used-mem, aof-base). */
int rdb_save_header(struct pstream *s, const struct rdb_header_info *info);
/* SELECTDB + RESIZEDB hints. */
int rdb_save_select_db(struct pstream *s, int dbid, uint64_t keys, uint64_t volatile_keys);
/* SELECTDB alone (a db's data continued after another db's part). */
int rdb_save_select_only(struct pstream *s, int dbid);
/* One key: EXPIRETIME_MS if it has a TTL, type byte, key, value. */
int rdb_save_entry(struct pstream *s, const entry *e, int compress);
/* EOF opcode and the CRC-64 of everything before (0 when the stream's checksum is off). */
int rdb_save_footer(struct pstream *s);
#endif
