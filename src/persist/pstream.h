/* pstream.h — the byte stream under the RDB and AOF writers and loaders: one API over
 * several targets (a file, a growable memory buffer, a read-only memory buffer, and
 * the encryption layer's chunked container), with an optional running CRC-64 of every
 * byte that passes, as RDB's trailing checksum needs.
 *
 * Errors are sticky: after the first failure every call fails, so a writer may issue a
 * long run of writes and check once (ps_failed) before trusting the result. Readers
 * ask ps_remaining() before allocating for a length read from the stream: it is an
 * upper bound of the bytes still available, so a declared length beyond it is corrupt.
 *
 * Library code: depends only on util/alloc and crc64; not thread-safe (one owner). */
#ifndef WARDEN_PSTREAM_H
#define WARDEN_PSTREAM_H
#include <stddef.h>
#include <stdint.h>

struct pstream;
/* A target: what the bytes go to / come from. Each function works on the stream's ctx. */
struct pstream_vt {
    int (*write)(struct pstream *s, const void *p, size_t n); /* 0, or -1 */
    int (*read)(struct pstream *s, void *p, size_t n);        /* exactly n: 0, or -1 */
    long long (*read_some)(struct pstream *s, void *p, size_t n); /* 1..n bytes, 0 at the end, -1 */
    int (*flush)(struct pstream *s);                          /* buffered bytes to the fd */
    int (*sync)(struct pstream *s);                           /* flush + fsync */
    int (*finish)(struct pstream *s);                         /* complete the file (end marker) + fsync */
    uint64_t (*remaining)(struct pstream *s);                 /* readers: bytes left (upper bound) */
    void (*close)(struct pstream *s);                         /* release ctx (not the fd) */
};

struct pstream {
    const struct pstream_vt *vt;
    void *ctx;
    int checksum;      /* update crc with every byte passed */
    uint64_t crc;
    uint64_t offset;   /* bytes passed so far */
    int failed;        /* sticky */
    char error[160];   /* first failure, for logs ("" if none) */
    /* memory targets keep their state inline */
    unsigned char *mem;
    size_t mem_len, mem_cap, mem_pos;
    /* buffered file targets */
    int fd;
    unsigned char *fbuf;
    size_t fbuf_len, fbuf_pos, fbuf_cap;
    uint64_t file_size;     /* readers: size at open */
    uint64_t file_consumed; /* readers: bytes taken from the fd */
    uint64_t sync_every, since_sync; /* writers: incremental fsync (0 = off) */
    /* bytes given back with ps_unread, read again first */
    unsigned char pushback[16];
    size_t pb_len, pb_pos;
};

/* Writer into a growable memory buffer (take the bytes with ps_mem_take). */
void ps_init_mem_writer(struct pstream *s);
/* Reader over caller-owned bytes (not copied; must outlive the stream). */
void ps_init_mem_reader(struct pstream *s, const void *p, size_t len);
/* Buffered writer to an open fd; sync_every > 0 fsyncs after that many bytes
 * (rdb-save-incremental-fsync) so the page cache never holds a huge dirty backlog. */
void ps_init_file_writer(struct pstream *s, int fd, uint64_t sync_every);
/* Buffered reader of an open fd from its current position to its size now. */
int ps_init_file_reader(struct pstream *s, int fd);
/* Release the stream's own buffers (never closes the fd). Safe after a failure. */
void ps_close(struct pstream *s);

int ps_write(struct pstream *s, const void *p, size_t n);
int ps_read(struct pstream *s, void *p, size_t n);
/* Up to n bytes (at least 1 unless at the end): returns the count, 0 at the end of the
 * data, -1 on error. For readers that frame records themselves (the AOF). */
long long ps_read_some(struct pstream *s, void *p, size_t n);
int ps_flush(struct pstream *s);
int ps_sync(struct pstream *s);
/* The last call on a writer: end the file (the encrypted container writes its
 * authenticated end marker) and fsync. Plain targets: the same as ps_sync. */
int ps_finish(struct pstream *s);
/* Give back up to 16 bytes just read (a peek at a file's magic): they are read again. */
void ps_unread(struct pstream *s, const void *p, size_t n);
uint64_t ps_remaining(struct pstream *s);
static inline int ps_failed(const struct pstream *s) { return s->failed; }
/* Mark the stream failed with a message (first failure wins). Returns -1. */
int ps_fail(struct pstream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Memory writer: hand the buffer to the caller (who wfree()s it); the stream is empty after. */
unsigned char *ps_mem_take(struct pstream *s, size_t *len);
#endif
