/* pstream.c — see pstream.h. Memory and file targets; the encrypted container adds
 * its own target in crypt.c. */
#include "persist/pstream.h"
#include "persist/crc64.h"
#include "util/alloc.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PS_FILE_BUFFER (64 * 1024)

int ps_fail(struct pstream *s, const char *fmt, ...) {
    if (!s->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->error, sizeof(s->error), fmt, ap);
        va_end(ap);
        s->failed = 1;
    }
    return -1;
}

static void ps_reset(struct pstream *s) {
    memset(s, 0, sizeof(*s));
    s->fd = -1;
}

/* ---- memory writer ---- */

static int mem_write(struct pstream *s, const void *p, size_t n) {
    if (n > SIZE_MAX / 2 - s->mem_len) return ps_fail(s, "buffer too large");
    if (s->mem_len + n > s->mem_cap) {
        size_t cap = s->mem_cap ? s->mem_cap : 256;
        while (cap < s->mem_len + n) cap *= 2;
        s->mem = wrealloc(s->mem, cap);
        s->mem_cap = cap;
    }
    memcpy(s->mem + s->mem_len, p, n);
    s->mem_len += n;
    return 0;
}
static int mem_noop(struct pstream *s) { (void)s; return 0; }
static void mem_writer_close(struct pstream *s) {
    wfree(s->mem);
    s->mem = NULL;
    s->mem_len = s->mem_cap = 0;
}
static const struct pstream_vt mem_writer_vt = {.write = mem_write, .flush = mem_noop, .sync = mem_noop,
                                                .close = mem_writer_close};

void ps_init_mem_writer(struct pstream *s) {
    ps_reset(s);
    s->vt = &mem_writer_vt;
}

unsigned char *ps_mem_take(struct pstream *s, size_t *len) {
    unsigned char *p = s->mem;
    *len = s->mem_len;
    s->mem = NULL;
    s->mem_len = s->mem_cap = 0;
    return p;
}

/* ---- memory reader ---- */

static int mem_read(struct pstream *s, void *p, size_t n) {
    if (n > s->mem_len - s->mem_pos) return ps_fail(s, "unexpected end of data at offset %zu", s->mem_pos);
    memcpy(p, s->mem + s->mem_pos, n);
    s->mem_pos += n;
    return 0;
}
static uint64_t mem_remaining(struct pstream *s) { return s->mem_len - s->mem_pos; }
static long long mem_read_some(struct pstream *s, void *p, size_t n) {
    size_t left = s->mem_len - s->mem_pos;
    if (n > left) n = left;
    memcpy(p, s->mem + s->mem_pos, n);
    s->mem_pos += n;
    return (long long)n;
}
static void mem_reader_close(struct pstream *s) { s->mem = NULL; }
static const struct pstream_vt mem_reader_vt = {.read = mem_read, .read_some = mem_read_some,
                                                .remaining = mem_remaining, .close = mem_reader_close};

void ps_init_mem_reader(struct pstream *s, const void *p, size_t len) {
    ps_reset(s);
    s->vt = &mem_reader_vt;
    s->mem = (unsigned char *)p; /* read only: never written through */
    s->mem_len = len;
}

/* ---- file writer ---- */

static int fd_write_all(struct pstream *s, const unsigned char *p, size_t n) {
    while (n) {
        ssize_t w = write(s->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return ps_fail(s, "write error: %s", strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int file_flush(struct pstream *s) {
    if (s->fbuf_len == 0) return 0;
    int rc = fd_write_all(s, s->fbuf, s->fbuf_len);
    s->since_sync += s->fbuf_len;
    s->fbuf_len = 0;
    if (rc == 0 && s->sync_every && s->since_sync >= s->sync_every) {
        s->since_sync = 0;
        if (fdatasync(s->fd) != 0) return ps_fail(s, "fsync error: %s", strerror(errno));
    }
    return rc;
}

static int file_write(struct pstream *s, const void *p, size_t n) {
    if (n >= s->fbuf_cap) { /* large: bypass the buffer */
        if (file_flush(s) != 0) return -1;
        s->since_sync += n;
        return fd_write_all(s, p, n);
    }
    if (s->fbuf_len + n > s->fbuf_cap && file_flush(s) != 0) return -1;
    memcpy(s->fbuf + s->fbuf_len, p, n);
    s->fbuf_len += n;
    return 0;
}

static int file_sync(struct pstream *s) {
    if (file_flush(s) != 0) return -1;
    if (fsync(s->fd) != 0) return ps_fail(s, "fsync error: %s", strerror(errno));
    return 0;
}

static void file_close(struct pstream *s) {
    wfree(s->fbuf);
    s->fbuf = NULL;
}

static const struct pstream_vt file_writer_vt = {.write = file_write, .flush = file_flush, .sync = file_sync,
                                                 .close = file_close};

void ps_init_file_writer(struct pstream *s, int fd, uint64_t sync_every) {
    ps_reset(s);
    s->vt = &file_writer_vt;
    s->fd = fd;
    s->fbuf_cap = PS_FILE_BUFFER;
    s->fbuf = wmalloc(s->fbuf_cap);
    s->sync_every = sync_every;
}

/* ---- file reader ---- */

static int file_read(struct pstream *s, void *p, size_t n) {
    unsigned char *dst = p;
    while (n) {
        if (s->fbuf_pos == s->fbuf_len) {
            ssize_t r = read(s->fd, s->fbuf, s->fbuf_cap);
            if (r < 0) {
                if (errno == EINTR) continue;
                return ps_fail(s, "read error: %s", strerror(errno));
            }
            if (r == 0) return ps_fail(s, "unexpected end of file at offset %llu", (unsigned long long)s->offset);
            s->fbuf_len = (size_t)r;
            s->fbuf_pos = 0;
            s->file_consumed += (uint64_t)r;
        }
        size_t take = s->fbuf_len - s->fbuf_pos;
        if (take > n) take = n;
        memcpy(dst, s->fbuf + s->fbuf_pos, take);
        s->fbuf_pos += take;
        dst += take;
        n -= take;
    }
    return 0;
}

static long long file_read_some(struct pstream *s, void *p, size_t n) {
    if (s->fbuf_pos == s->fbuf_len) {
        ssize_t r;
        do r = read(s->fd, s->fbuf, s->fbuf_cap);
        while (r < 0 && errno == EINTR);
        if (r < 0) return ps_fail(s, "read error: %s", strerror(errno));
        if (r == 0) return 0;
        s->fbuf_len = (size_t)r;
        s->fbuf_pos = 0;
        s->file_consumed += (uint64_t)r;
    }
    size_t take = s->fbuf_len - s->fbuf_pos;
    if (take > n) take = n;
    memcpy(p, s->fbuf + s->fbuf_pos, take);
    s->fbuf_pos += take;
    return (long long)take;
}

static uint64_t file_remaining(struct pstream *s) {
    uint64_t buffered = s->fbuf_len - s->fbuf_pos;
    if (s->file_consumed >= s->file_size) return buffered; /* the file grew: trust what we have */
    return s->file_size - s->file_consumed + buffered;
}

static const struct pstream_vt file_reader_vt = {.read = file_read, .read_some = file_read_some,
                                                 .remaining = file_remaining, .close = file_close};

int ps_init_file_reader(struct pstream *s, int fd) {
    ps_reset(s);
    s->vt = &file_reader_vt;
    s->fd = fd;
    struct stat st;
    if (fstat(fd, &st) != 0) return ps_fail(s, "stat error: %s", strerror(errno));
    off_t pos = lseek(fd, 0, SEEK_CUR);
    s->file_size = st.st_size > (pos > 0 ? pos : 0) ? (uint64_t)(st.st_size - (pos > 0 ? pos : 0)) : 0;
    s->fbuf_cap = PS_FILE_BUFFER;
    s->fbuf = wmalloc(s->fbuf_cap);
    return 0;
}

/* ---- generic ---- */

void ps_close(struct pstream *s) {
    if (s->vt && s->vt->close) s->vt->close(s);
}

int ps_write(struct pstream *s, const void *p, size_t n) {
    if (s->failed) return -1;
    if (n == 0) return 0;
    if (!s->vt->write) return ps_fail(s, "stream not writable");
    if (s->checksum) s->crc = crc64(s->crc, p, n);
    if (s->vt->write(s, p, n) != 0) return -1;
    s->offset += n;
    return 0;
}

void ps_unread(struct pstream *s, const void *p, size_t n) {
    if (n > sizeof(s->pushback) || s->pb_pos < s->pb_len) return; /* one peek at a time */
    memcpy(s->pushback, p, n);
    s->pb_len = n;
    s->pb_pos = 0;
    s->offset -= n;
}

/* Serve bytes from the pushback first; returns how many. */
static size_t ps_take_pushback(struct pstream *s, unsigned char *p, size_t n) {
    size_t k = s->pb_len - s->pb_pos;
    if (k > n) k = n;
    memcpy(p, s->pushback + s->pb_pos, k);
    s->pb_pos += k;
    return k;
}

int ps_read(struct pstream *s, void *p, size_t n) {
    if (s->failed) return -1;
    if (n == 0) return 0;
    if (!s->vt->read) return ps_fail(s, "stream not readable");
    size_t k = ps_take_pushback(s, p, n);
    if (n > k && s->vt->read(s, (unsigned char *)p + k, n - k) != 0) return -1;
    if (s->checksum) s->crc = crc64(s->crc, p, n);
    s->offset += n;
    return 0;
}

long long ps_read_some(struct pstream *s, void *p, size_t n) {
    if (s->failed) return -1;
    if (n == 0) return 0;
    long long got;
    if (s->pb_pos < s->pb_len) {
        got = (long long)ps_take_pushback(s, p, n);
    } else if (s->vt->read_some) {
        got = s->vt->read_some(s, p, n);
    } else {
        uint64_t left = ps_remaining(s);
        if (left == 0) return 0;
        if (n > left) n = (size_t)left;
        got = s->vt->read(s, p, n) == 0 ? (long long)n : -1;
    }
    if (got > 0) {
        if (s->checksum) s->crc = crc64(s->crc, p, (size_t)got);
        s->offset += (uint64_t)got;
    }
    return got;
}

int ps_flush(struct pstream *s) {
    if (s->failed) return -1;
    return s->vt->flush ? s->vt->flush(s) : 0;
}

int ps_sync(struct pstream *s) {
    if (s->failed) return -1;
    return s->vt->sync ? s->vt->sync(s) : 0;
}

int ps_finish(struct pstream *s) {
    if (s->failed) return -1;
    if (s->vt->finish) return s->vt->finish(s);
    return s->vt->sync ? s->vt->sync(s) : 0;
}

uint64_t ps_remaining(struct pstream *s) {
    if (s->failed || !s->vt->remaining) return 0;
    return s->vt->remaining(s) + (s->pb_len - s->pb_pos);
}
