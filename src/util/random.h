/* random.h — secret random bytes from the kernel (getrandom), for hash seeds and ids
 * clients must not predict. */
#ifndef WARDEN_RANDOM_H
#define WARDEN_RANDOM_H
#include <stddef.h>

/* Fill buf with n random bytes; retries until all are there (getrandom may return
 * fewer, or be interrupted). */
void random_fill(void *buf, size_t n);
/* A random id of 2*nbytes lowercase hex digits and a NUL in out (2*nbytes + 1 bytes),
 * like Redis's 40-digit run and replication ids (nbytes 20). nbytes <= 64. */
void random_hex_id(char *out, size_t nbytes);
#endif
