/* rdb.h — the RDB file format (version 10, as Redis 7.0 writes it) and the primitives
 * that read and write its pieces. Used by the snapshot writer (rdb_save.c), the loader
 * (rdb_load.c), DUMP/RESTORE payloads and each type's value codec.
 *
 * File layout:
 *   bytes       meaning
 *   9           "REDIS0010" (magic + 4-digit version)
 *   repeated    an opcode byte and its operands, or a key/value:
 *     0xFA AUX           string key, string value (redis-ver, redis-bits, ctime, used-mem, aof-base)
 *     0xFE SELECTDB      length: the db the following keys belong to
 *     0xFB RESIZEDB      length (keys), length (keys with a TTL): sizing hints
 *     0xFC EXPIRETIME_MS 8 bytes little-endian Unix ms, applies to the next key
 *     0xFD EXPIRETIME    4 bytes little-endian Unix seconds (old files)
 *     0xF8 IDLE          length: LRU idle seconds of the next key
 *     0xF9 FREQ          1 byte: LFU counter of the next key
 *     0xF7 MODULE_AUX, 0xF5/0xF6 FUNCTION: refused (no modules / functions)
 *     T (0..19)          a value of RDB type T: string key, then the value's encoding
 *     0xFF EOF
 *   8           CRC-64 (crc64.h) of every byte before it, little-endian; 0 = not computed
 *
 * Length encoding (first byte's top two bits):
 *   00xxxxxx            6-bit length
 *   01xxxxxx xxxxxxxx   14-bit length, big-endian
 *   10000000 + 4 bytes  32-bit length, big-endian
 *   10000001 + 8 bytes  64-bit length, big-endian
 *   11xxxxxx            a specially encoded string follows, xxxxxx:
 *                         0 int8, 1 int16, 2 int32 (little-endian, the string is its decimal form)
 *                         3 LZF: length (compressed), length (original), compressed bytes
 * A string is a length then that many bytes, or one of the special encodings.
 *
 * DUMP payload: [RDB type byte][value encoding][RDB version, 2 bytes LE][CRC-64 of all
 * bytes before, 8 bytes LE].
 *
 * Readers validate everything: lengths are checked against the bytes left in the
 * stream before any allocation, so a corrupt or hostile file cannot make the loader
 * allocate more than the file could possibly describe. */
#ifndef WARDEN_RDB_H
#define WARDEN_RDB_H
#include "persist/pstream.h"
#include <stddef.h>
#include <stdint.h>

#define RDB_VERSION 10

/* value types */
#define RDB_TYPE_STRING 0
#define RDB_TYPE_LIST 1
#define RDB_TYPE_SET 2
#define RDB_TYPE_ZSET 3
#define RDB_TYPE_HASH 4
#define RDB_TYPE_ZSET_2 5
#define RDB_TYPE_MODULE 6
#define RDB_TYPE_MODULE_2 7
#define RDB_TYPE_HASH_ZIPMAP 9
#define RDB_TYPE_LIST_ZIPLIST 10
#define RDB_TYPE_SET_INTSET 11
#define RDB_TYPE_ZSET_ZIPLIST 12
#define RDB_TYPE_HASH_ZIPLIST 13
#define RDB_TYPE_LIST_QUICKLIST 14
#define RDB_TYPE_STREAM_LISTPACKS 15
#define RDB_TYPE_HASH_LISTPACK 16
#define RDB_TYPE_ZSET_LISTPACK 17
#define RDB_TYPE_LIST_QUICKLIST_2 18
#define RDB_TYPE_STREAM_LISTPACKS_2 19
#define RDB_TYPE_MAX 19

/* opcodes */
#define RDB_OPCODE_FUNCTION2 245
#define RDB_OPCODE_FUNCTION 246
#define RDB_OPCODE_MODULE_AUX 247
#define RDB_OPCODE_IDLE 248
#define RDB_OPCODE_FREQ 249
#define RDB_OPCODE_AUX 250
#define RDB_OPCODE_RESIZEDB 251
#define RDB_OPCODE_EXPIRETIME_MS 252
#define RDB_OPCODE_EXPIRETIME 253
#define RDB_OPCODE_SELECTDB 254
#define RDB_OPCODE_EOF 255

#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

/* Strings longer than this are tried with LZF when compression is on (Redis's rule). */
#define RDB_LZF_MIN_LEN 20

/* ---- writing: each returns 0, or -1 with the stream failed ---- */
int rdb_write_byte(struct pstream *s, int byte);
int rdb_write_len(struct pstream *s, uint64_t len);
/* A string as Redis's rdbSaveRawString: integer encoding for short canonical integers
 * that fit 32 bits, LZF when `compress` and longer than 20 bytes and it saves at
 * least 4 bytes, else length + bytes. */
int rdb_write_string(struct pstream *s, const void *p, size_t len, int compress);
/* An integer-valued string (a string stored as an integer). */
int rdb_write_ll(struct pstream *s, long long v);
int rdb_write_binary_double(struct pstream *s, double v);
int rdb_write_millis(struct pstream *s, long long ms);

/* ---- reading: each returns 0, or -1 with the stream failed and its error set ---- */
int rdb_read_byte(struct pstream *s, int *byte);
/* A length; *special (may be NULL only where a string is impossible) is set to 1 and
 * *len to the encoding (RDB_ENC_*) for the 11xxxxxx form. */
int rdb_read_len_ex(struct pstream *s, uint64_t *len, int *special);
/* A plain length (the special form is an error). */
int rdb_read_len(struct pstream *s, uint64_t *len);
/* A length that counts items each taking at least `min_bytes` in the stream: refused
 * when larger than the stream could hold. */
int rdb_read_count(struct pstream *s, uint64_t *count, unsigned min_bytes);
/* A string: *out is a wmalloc'd NUL-terminated copy (the NUL is not counted). When
 * the string was integer-encoded, *is_int (if not NULL) is set and *ival holds it. */
int rdb_read_string_ex(struct pstream *s, char **out, size_t *len, int *is_int, long long *ival);
int rdb_read_string(struct pstream *s, char **out, size_t *len);
int rdb_read_binary_double(struct pstream *s, double *v);
/* The old text form of a double (RDB_TYPE_ZSET): 1 length byte, 253 nan, 254 +inf, 255 -inf. */
int rdb_read_text_double(struct pstream *s, double *v);
int rdb_read_millis(struct pstream *s, long long *ms);
/* Largest single string a loader accepts (Redis's proto-max-bulk-len ceiling). */
#define RDB_MAX_STRING (4ULL * 1024 * 1024 * 1024)
#endif
