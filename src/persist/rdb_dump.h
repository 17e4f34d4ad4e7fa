/* rdb_dump.h — DUMP/RESTORE payloads, byte-compatible with redis-server 7.0:
 *   [RDB type byte][value encoding][RDB version: 2 bytes LE][CRC-64 of all before: 8 bytes LE]
 * Library code (no server state): used by the DUMP/RESTORE commands and the fuzz target. */
#ifndef WARDEN_RDB_DUMP_H
#define WARDEN_RDB_DUMP_H
#include "db/entry.h"
#include <stddef.h>

/* Serialize e's value (key and TTL are not part of a payload). Returns a wmalloc'd
 * buffer (caller wfree()s) or NULL when the type has no codec. */
unsigned char *rdb_dump_payload(const entry *e, int compress, size_t *len);
/* 0 if the footer's version is one we read (<= 10) and the CRC matches. */
int rdb_dump_verify(const unsigned char *p, size_t len);
/* Build the entry for key from a verified payload; NULL if the body is malformed or
 * does not end exactly at the footer (err says why, for logs). */
entry *rdb_dump_restore(const unsigned char *p, size_t len, const char *key, size_t klen, long long expire_ms,
                        char *err, size_t errlen);
#endif
