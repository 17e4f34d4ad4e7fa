/* debug.h — DEBUG DIGEST's per-type hooks. A value's digest must depend only on its
 * logical contents (never on its encoding), so each data type supplies a function
 * that feeds its contents: ordered parts with debug_digest_feed (list elements, zset
 * members with scores, in order), unordered elements with debug_digest_add_element
 * (set members, hash field/value pairs), whose order does not change the digest. */
#ifndef WARDEN_DEBUG_H
#define WARDEN_DEBUG_H
#include "db/entry.h"
#include <stddef.h>

struct debug_digest;
void debug_digest_feed(struct debug_digest *d, const void *p, size_t len);
/* One unordered element made of one or two parts (b may be NULL). */
void debug_digest_add_element(struct debug_digest *d, const void *a, size_t alen, const void *b, size_t blen);
typedef void (*debug_value_digest_fn)(const entry *e, struct debug_digest *d);
/* Register the digest function of a type (OBJ_LIST…); at start-up only. Types without
 * one are digested by type alone. Strings are built in. */
void debug_register_value_digest(int type, debug_value_digest_fn fn);
#endif
