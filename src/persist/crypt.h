/* crypt.h — encryption at rest: an authenticated container (AES-256-GCM, OpenSSL EVP)
 * under the RDB and AOF writers and readers.
 *
 * File layout (little-endian):
 *   offset size  field
 *   0      8     magic "WRDNENC1"
 *   8      1     container version (1)
 *   9      1     algorithm (1 = AES-256-GCM)
 *   10     2     reserved, 0
 *   12     4     reserved, 0
 *   16     8     key id: the first 8 bytes of SHA-256(key) — which key decrypts it
 *   24     16    file id: random, unique per file
 *   40     ...   chunks, each:
 *                  4   plaintext length n (at most CRYPT_MAX_CHUNK)
 *                  1   flags (bit 0: the end marker: the file's last chunk)
 *                  12  nonce (random)
 *                  n   ciphertext
 *                  16  GCM tag
 * Each chunk's additional authenticated data is the 40-byte header, the chunk's index
 * (8 bytes, counting from 0) and its length and flags: a chunk moved, dropped,
 * repeated, altered, or copied from another file (or encrypted under another key)
 * fails authentication at load. Snapshot files end with an end-marker chunk, so a
 * truncated one is refused too. An AOF incr file is appended to batch by batch (each
 * batch one chunk, holding whole commands) and has no end marker: like any append
 * log, its tail may be lost in a crash, which aof-load-truncated handles; a torn last
 * chunk is cut off at load.
 *
 * Keys: encryption-key-file holds 32 bytes raw, or as 64 hex digits, or as base64;
 * the file must be a regular file nobody but its owner can access (mode 0600 or
 * 0400), else start-up refuses. encryption-old-key-files lists more keys accepted for
 * reading only: after a rotation, files under the old key still load, and the next
 * snapshot or rewrite is written under the new one. */
#ifndef WARDEN_CRYPT_H
#define WARDEN_CRYPT_H
#include "persist/pstream.h"
#include <stddef.h>
#include <stdint.h>

#define CRYPT_MAGIC "WRDNENC1"
#define CRYPT_HEADER_SIZE 40
#define CRYPT_CHUNK_OVERHEAD (4 + 1 + 12 + 16)
#define CRYPT_SNAPSHOT_CHUNK (64 * 1024)
#define CRYPT_MAX_CHUNK (1u << 30)

/* Load the keys named by the configuration. Returns 0, or -1 with err (a key file
 * readable by others, a malformed key...). No key file: encryption stays off. */
int crypt_configure(const char *key_file, const char *old_key_files, char *err, size_t errlen);
int crypt_enabled(void);
void crypt_shutdown(void);
/* Hex of the current key's id ("" when off), for logs and warden-check. */
void crypt_current_key_id(char out[17]);

/* A writer on fd: encrypted (header written at once) when a key is configured, else a
 * plain buffered file writer. Finish with ps_finish (the end marker) or, for AOF use,
 * ps_sync. Returns 0 or -1 (s failed). */
int crypt_open_writer(struct pstream *s, int fd, uint64_t sync_every);
/* A reader on fd: decrypts when the file starts with the container magic (with the
 * current or an old key), else reads plain bytes. *encrypted (optional) tells which.
 * Returns 0, or -1 with s failed and its error set. */
int crypt_open_reader(struct pstream *s, int fd, int *encrypted);
/* After reading an encrypted stream to its end: whether the end marker was seen, the
 * number of chunks and the file offset just past the last complete chunk (where a torn
 * AOF tail is cut). */
int crypt_reader_state(const struct pstream *s, int *ended, uint64_t *chunks, uint64_t *good_offset,
                       unsigned char header[CRYPT_HEADER_SIZE]);
/* 1 if the header names the current key (an AOF incr file may be appended to). */
int crypt_header_is_current(const unsigned char header[CRYPT_HEADER_SIZE]);

/* Appending to an AOF incr file, one chunk per batch. */
struct crypt_appender;
/* A new file: writes the header to fd (empty, freshly created). NULL on error. */
struct crypt_appender *crypt_appender_create(int fd);
/* Continue a file whose header and chunk count the reader reported. */
struct crypt_appender *crypt_appender_resume(const unsigned char header[CRYPT_HEADER_SIZE], uint64_t chunks);
/* Seal p[0..n) as the next chunk(s) into *out (wmalloc'd, *outlen); 0 or -1. */
int crypt_appender_seal(struct crypt_appender *a, const unsigned char *p, size_t n, unsigned char **out,
                        size_t *outlen);
/* Forget the chunks sealed since the index `mark` (their write failed and was undone). */
uint64_t crypt_appender_mark(const struct crypt_appender *a);
void crypt_appender_rewind(struct crypt_appender *a, uint64_t mark);
void crypt_appender_free(struct crypt_appender *a);
#endif
