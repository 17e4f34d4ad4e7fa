/* string_int.h — private helpers shared by the string and bitmap command files
 * (string.c, string_incr.c, string_lcs.c, bits.c, bitfield.c). Every function here runs
 * inside a command proc, with the shard locks of the command's keys held (dispatch). */
#ifndef WARDEN_STRING_INT_H
#define WARDEN_STRING_INT_H
#include "client.h"
#include "db/db.h"
#include "db/entry.h"
#include <stdint.h>

/* Look up a key for reading (counts keyspace hits/misses, as Redis's read lookups).
 * Returns 0 with *out set (NULL when the key is missing), or -1 after replying
 * WRONGTYPE when the key holds another type. */
int string_find_read(struct client *c, const struct arg *key, entry **out);
/* Same for a write lookup (no hit/miss counting). */
int string_find_write(struct client *c, const struct arg *key, entry **out);
/* Reply with a string entry's value as a bulk string. */
void string_reply_value(struct client *c, const entry *e);
/* 0 if a string value of `size` bytes is allowed (proto-max-bulk-len); otherwise
 * replies "string exceeds maximum allowed size" and returns -1. */
int string_check_length(struct client *c, unsigned long long size);
/* Make the stored string entry `e` raw and at least `len` bytes long (bytes added at
 * the end are zero), as Redis's unshare + sdsgrowzero. Returns the entry now stored;
 * `e` may have been replaced (and freed). The caller checked `len` against limits. */
entry *string_make_writable(struct db *db, entry *e, size_t len);
/* Store `key` (which must be absent) as a raw string of `len` zero bytes, no TTL.
 * Returns the stored entry. */
entry *string_create_zeroed(struct db *db, const struct arg *key, size_t len);
static inline wstr *string_wstr(entry *e) { return (wstr *)entry_ptr(e); }

/* Bit offset argument of SETBIT/GETBIT/BITFIELD: a non-negative integer whose byte
 * (offset / 8) lies below proto-max-bulk-len. With `hash`, "#N" means N * bits.
 * Returns 0 with *out, or -1 after replying the error. */
int bits_parse_offset(struct client *c, const struct arg *a, int hash, int bits, uint64_t *out);
/* Look up `key` for a bit write that touches bit `maxbit`: creates a raw string of
 * zero bytes or makes the existing one raw and long enough. *grown (may be NULL) is
 * set to 1 when the key was created or lengthened. Returns NULL after replying
 * WRONGTYPE. */
entry *bits_lookup_for_write(struct client *c, const struct arg *key, uint64_t maxbit, int *grown);

/* Command procs defined in the other files and listed in the family tables. */
void incr_command(struct client *c);
void decr_command(struct client *c);
void incrby_command(struct client *c);
void decrby_command(struct client *c);
void incrbyfloat_command(struct client *c);
void lcs_command(struct client *c);
void bitfield_command(struct client *c);
void bitfield_ro_command(struct client *c);
#endif
