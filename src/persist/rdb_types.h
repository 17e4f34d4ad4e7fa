/* rdb_types.h — how each value type plugs into RDB files and DUMP payloads. A type
 * registers a saver (which RDB type byte it writes for an entry, and the value's
 * encoding) under its OBJ_* type, and a loader under every RDB type byte it reads
 * (plain, ziplist, listpack, intset, quicklist... forms). The file driver (rdb_save.c /
 * rdb_load.c) and DUMP/RESTORE stay type-agnostic.
 *
 * Loaders read from a stream that may hold hostile bytes: check every count against
 * ps_remaining() (rdb_read_count) before allocating, validate every blob, and refuse
 * what the type could not hold (duplicates in a set or hash, NaN scores...). On error
 * they return NULL with the stream failed (ps_fail) and nothing leaked; NULL with the
 * stream still good means an empty collection, which loaders skip as Redis does. */
#ifndef WARDEN_RDB_TYPES_H
#define WARDEN_RDB_TYPES_H
#include "db/entry.h"
#include "persist/pstream.h"

/* Which RDB type byte the value of `e` is written as. */
typedef int (*rdb_type_of_fn)(const entry *e);
/* Write the value of `e` (no type byte, no key). compress: rdbcompression. */
typedef int (*rdb_save_value_fn)(struct pstream *s, const entry *e, int compress);
/* Read a value of RDB type `rdbtype` and build the entry for key/expire_ms (<0: none). */
typedef entry *(*rdb_load_value_fn)(struct pstream *s, int rdbtype, const char *key, size_t klen,
                                    long long expire_ms);

void rdb_register_saver(int obj_type, rdb_type_of_fn type_of, rdb_save_value_fn save);
void rdb_register_loader(int rdb_type, rdb_load_value_fn load);
/* Register every built-in codec (strings, and each collection type present). Idempotent. */
void rdb_types_init(void);

/* The RDB type byte of `e`'s value, or -1 (stream failed) when no codec handles it. */
int rdb_object_type(struct pstream *s, const entry *e);
/* The value of `e` alone (after its type byte and key). */
int rdb_save_value(struct pstream *s, const entry *e, int compress);
/* Type byte + value of `e` (DUMP payload body). */
int rdb_save_object(struct pstream *s, const entry *e, int compress);
/* Read type byte + value (DUMP payload body) into an entry for key. NULL on error. */
entry *rdb_load_object(struct pstream *s, const char *key, size_t klen, long long expire_ms);
/* Read the value of an already-read type byte. NULL on error (stream failed). */
entry *rdb_load_value(struct pstream *s, int rdb_type, const char *key, size_t klen, long long expire_ms);
/* 1 if `rdb_type` is a value type byte (not an opcode). */
int rdb_is_object_type(int rdb_type);

/* The codecs registered by rdb_types_init (one per file). */
void rdb_string_register(void);
void rdb_list_register(void);
void rdb_hash_register(void);
void rdb_set_register(void);
void rdb_zset_register(void);
#endif
