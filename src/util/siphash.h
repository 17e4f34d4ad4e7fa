/* siphash.h — SipHash-1-3 keyed hash (Aumasson & Bernstein), used for every hash
 * table whose keys come from clients: a per-process random key makes hash flooding
 * impractical. */
#ifndef WARDEN_SIPHASH_H
#define WARDEN_SIPHASH_H
#include <stddef.h>
#include <stdint.h>
uint64_t siphash13(const void *data, size_t len, const uint8_t key[16]);
/* Process-wide hash with the random seed set by hash_seed_init(). */
void hash_seed_init(void);
uint64_t hash_bytes(const void *data, size_t len);
/* Case-insensitive variant (ASCII folding), for command names and config options. */
uint64_t hash_bytes_nocase(const void *data, size_t len);
#endif
