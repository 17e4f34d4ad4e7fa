/* crypt.c — see crypt.h for the container format and the key rules. */
#include "persist/crypt.h"
#include "util/alloc.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CRYPT_VERSION 1
#define CRYPT_ALG_AES256GCM 1
#define CRYPT_MAX_OLD_KEYS 16
#define CRYPT_NONCE 12
#define CRYPT_TAG 16
#define CRYPT_FLAG_END 1

struct crypt_key {
    unsigned char key[32];
    unsigned char id[8];
};

static struct crypt_key cur_key;
static int have_key;
static struct crypt_key old_keys[CRYPT_MAX_OLD_KEYS];
static int nold;

int crypt_enabled(void) { return have_key; }

static void hex8(const unsigned char id[8], char out[17]) {
    for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", id[i]);
}

void crypt_current_key_id(char out[17]) {
    if (have_key) hex8(cur_key.id, out);
    else out[0] = '\0';
}

void crypt_shutdown(void) {
    OPENSSL_cleanse(&cur_key, sizeof(cur_key));
    OPENSSL_cleanse(old_keys, sizeof(old_keys));
    have_key = 0;
    nold = 0;
}

/* ---- keys ---- */

static int hexval(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Parse 32 key bytes out of a key file's contents. */
static int parse_key(const unsigned char *buf, size_t len, unsigned char key[32]) {
    if (len == 32) {
        memcpy(key, buf, 32);
        return 0;
    }
    size_t a = 0, b = len;
    while (a < b && isspace(buf[a])) a++;
    while (b > a && isspace(buf[b - 1])) b--;
    size_t n = b - a;
    const unsigned char *t = buf + a;
    if (n == 64) {
        int ok = 1;
        for (size_t i = 0; i < 32 && ok; i++) {
            int hi = hexval(t[2 * i]), lo = hexval(t[2 * i + 1]);
            if (hi < 0 || lo < 0) ok = 0;
            else key[i] = (unsigned char)(hi << 4 | lo);
        }
        if (ok) return 0;
    }
    if (n == 44) { /* base64 of 32 bytes: 43 characters and one '=' */
        unsigned char out[48];
        int got = EVP_DecodeBlock(out, t, (int)n);
        if (got == 33 && t[43] == '=' && t[42] != '=') { /* DecodeBlock counts the padding byte */
            memcpy(key, out, 32);
            return 0;
        }
    }
    return -1;
}

static int load_key_file(const char *path, struct crypt_key *k, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "can't open the encryption key file %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "the encryption key file %s is not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen,
                 "the encryption key file %s is accessible by group or others (mode %03o): chmod 600 it", path,
                 (unsigned)(st.st_mode & 0777));
        close(fd);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen, "the encryption key file %s is not owned by the user running the server", path);
        close(fd);
        return -1;
    }
    unsigned char buf[256];
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    int rc = n > 0 && (size_t)n < sizeof(buf) ? parse_key(buf, (size_t)n, k->key) : -1;
    OPENSSL_cleanse(buf, sizeof(buf));
    if (rc != 0) {
        snprintf(err, errlen, "the encryption key file %s must hold a 32-byte key (raw, 64 hex digits or base64)",
                 path);
        return -1;
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(k->key, 32, md, &mdlen, EVP_sha256(), NULL);
    memcpy(k->id, md, 8);
    return 0;
}

int crypt_configure(const char *key_file, const char *old_key_files, char *err, size_t errlen) {
    crypt_shutdown();
    if (old_key_files && old_key_files[0]) {
        char list[4096];
        snprintf(list, sizeof(list), "%s", old_key_files);
        char *save = NULL;
        for (char *p = strtok_r(list, " ,", &save); p; p = strtok_r(NULL, " ,", &save)) {
            if (nold == CRYPT_MAX_OLD_KEYS) {
                snprintf(err, errlen, "too many encryption-old-key-files (at most %d)", CRYPT_MAX_OLD_KEYS);
                return -1;
            }
            if (load_key_file(p, &old_keys[nold], err, errlen) != 0) return -1;
            nold++;
        }
    }
    if (!key_file || !key_file[0]) {
        if (nold) {
            snprintf(err, errlen, "encryption-old-key-files needs encryption-key-file");
            return -1;
        }
        return 0;
    }
    if (load_key_file(key_file, &cur_key, err, errlen) != 0) return -1;
    have_key = 1;
    return 0;
}

static const struct crypt_key *key_for(const unsigned char id[8]) {
    if (have_key && memcmp(cur_key.id, id, 8) == 0) return &cur_key;
    for (int i = 0; i < nold; i++)
        if (memcmp(old_keys[i].id, id, 8) == 0) return &old_keys[i];
    return NULL;
}

static void make_header(unsigned char h[CRYPT_HEADER_SIZE], const struct crypt_key *k) {
    memset(h, 0, CRYPT_HEADER_SIZE);
    memcpy(h, CRYPT_MAGIC, 8); /* NOLINT(bugprone-not-null-terminated-result): an 8-byte binary magic, not a C string */
    h[8] = CRYPT_VERSION;
    h[9] = CRYPT_ALG_AES256GCM;
    memcpy(h + 16, k->id, 8);
    RAND_bytes(h + 24, 16);
}

int crypt_header_is_current(const unsigned char header[CRYPT_HEADER_SIZE]) {
    return have_key && memcmp(header + 16, cur_key.id, 8) == 0;
}

/* ---- one chunk ---- */

static void chunk_aad(unsigned char aad[CRYPT_HEADER_SIZE + 13], const unsigned char *header, uint64_t index,
                      uint32_t len, int flags) {
    memcpy(aad, header, CRYPT_HEADER_SIZE);
    for (int i = 0; i < 8; i++) aad[CRYPT_HEADER_SIZE + i] = (unsigned char)(index >> (8 * i));
    for (int i = 0; i < 4; i++) aad[CRYPT_HEADER_SIZE + 8 + i] = (unsigned char)(len >> (8 * i));
    aad[CRYPT_HEADER_SIZE + 12] = (unsigned char)flags;
}

/* Encrypt p[0..n) as chunk `index` into out (n + CRYPT_CHUNK_OVERHEAD bytes). */
static int seal_chunk(const struct crypt_key *k, const unsigned char *header, uint64_t index, int flags,
                      const unsigned char *p, uint32_t n, unsigned char *out) {
    unsigned char aad[CRYPT_HEADER_SIZE + 13];
    for (int i = 0; i < 4; i++) out[i] = (unsigned char)(n >> (8 * i));
    out[4] = (unsigned char)flags;
    if (RAND_bytes(out + 5, CRYPT_NONCE) != 1) return -1;
    chunk_aad(aad, header, index, n, flags);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len, ok = ctx != NULL;
    ok = ok && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPT_NONCE, NULL) == 1;
    ok = ok && EVP_EncryptInit_ex(ctx, NULL, NULL, k->key, out + 5) == 1;
    ok = ok && EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)sizeof(aad)) == 1;
    ok = ok && (n == 0 || EVP_EncryptUpdate(ctx, out + 17, &len, p, (int)n) == 1);
    ok = ok && EVP_EncryptFinal_ex(ctx, out + 17 + n, &len) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPT_TAG, out + 17 + n) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* Decrypt a chunk body (nonce, ciphertext, tag) into plain (n bytes). */
static int open_chunk(const struct crypt_key *k, const unsigned char *header, uint64_t index, int flags,
                      const unsigned char *nonce, const unsigned char *c, uint32_t n, const unsigned char *tag,
                      unsigned char *plain) {
    unsigned char aad[CRYPT_HEADER_SIZE + 13];
    chunk_aad(aad, header, index, n, flags);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len, ok = ctx != NULL;
    ok = ok && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPT_NONCE, NULL) == 1;
    ok = ok && EVP_DecryptInit_ex(ctx, NULL, NULL, k->key, nonce) == 1;
    ok = ok && EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)sizeof(aad)) == 1;
    ok = ok && (n == 0 || EVP_DecryptUpdate(ctx, plain, &len, c, (int)n) == 1);
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPT_TAG, (void *)tag) == 1;
    ok = ok && EVP_DecryptFinal_ex(ctx, plain + n, &len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

static int write_all(int fd, const unsigned char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* ---- writer target ---- */

struct crypt_writer {
    const struct crypt_key *key;
    unsigned char header[CRYPT_HEADER_SIZE];
    uint64_t index;
    unsigned char *plain;
    size_t len;
    unsigned char *sealed;
};

static int cw_emit(struct pstream *s, int flags) {
    struct crypt_writer *w = s->ctx;
    if (w->len == 0 && !(flags & CRYPT_FLAG_END)) return 0;
    if (seal_chunk(w->key, w->header, w->index, flags, w->plain, (uint32_t)w->len, w->sealed) != 0)
        return ps_fail(s, "encryption failed");
    if (write_all(s->fd, w->sealed, w->len + CRYPT_CHUNK_OVERHEAD) != 0)
        return ps_fail(s, "write error: %s", strerror(errno));
    s->since_sync += w->len + CRYPT_CHUNK_OVERHEAD;
    w->index++;
    w->len = 0;
    if (s->sync_every && s->since_sync >= s->sync_every) {
        s->since_sync = 0;
        if (fdatasync(s->fd) != 0) return ps_fail(s, "fsync error: %s", strerror(errno));
    }
    return 0;
}

static int cw_write(struct pstream *s, const void *p, size_t n) {
    struct crypt_writer *w = s->ctx;
    const unsigned char *b = p;
    while (n) {
        size_t k = CRYPT_SNAPSHOT_CHUNK - w->len;
        if (k > n) k = n;
        memcpy(w->plain + w->len, b, k);
        w->len += k;
        b += k;
        n -= k;
        if (w->len == CRYPT_SNAPSHOT_CHUNK && cw_emit(s, 0) != 0) return -1;
    }
    return 0;
}

static int cw_flush(struct pstream *s) { return cw_emit(s, 0); }

static int cw_sync(struct pstream *s) {
    if (cw_emit(s, 0) != 0) return -1;
    if (fsync(s->fd) != 0) return ps_fail(s, "fsync error: %s", strerror(errno));
    return 0;
}

static int cw_finish(struct pstream *s) {
    if (cw_emit(s, CRYPT_FLAG_END) != 0) return -1;
    if (fsync(s->fd) != 0) return ps_fail(s, "fsync error: %s", strerror(errno));
    return 0;
}

static void cw_close(struct pstream *s) {
    struct crypt_writer *w = s->ctx;
    if (!w) return;
    OPENSSL_cleanse(w->plain, CRYPT_SNAPSHOT_CHUNK);
    wfree(w->plain);
    wfree(w->sealed);
    wfree(w);
    s->ctx = NULL;
}

static const struct pstream_vt crypt_writer_vt = {.write = cw_write, .flush = cw_flush, .sync = cw_sync,
                                                  .finish = cw_finish, .close = cw_close};

int crypt_open_writer(struct pstream *s, int fd, uint64_t sync_every) {
    if (!have_key) {
        ps_init_file_writer(s, fd, sync_every);
        return 0;
    }
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->vt = &crypt_writer_vt;
    s->sync_every = sync_every;
    struct crypt_writer *w = wcalloc(1, sizeof(*w));
    w->key = &cur_key;
    w->plain = wmalloc(CRYPT_SNAPSHOT_CHUNK);
    w->sealed = wmalloc(CRYPT_SNAPSHOT_CHUNK + CRYPT_CHUNK_OVERHEAD);
    make_header(w->header, &cur_key);
    s->ctx = w;
    if (write_all(fd, w->header, CRYPT_HEADER_SIZE) != 0) return ps_fail(s, "write error: %s", strerror(errno));
    return 0;
}

/* ---- reader target ---- */

struct crypt_reader {
    const struct crypt_key *key;
    unsigned char header[CRYPT_HEADER_SIZE];
    uint64_t index;      /* chunks read */
    unsigned char *plain;
    size_t len, pos, cap;
    unsigned char *cipher;
    size_t ccap;
    uint64_t file_size, at; /* file offset read so far */
    uint64_t good;          /* offset just past the last complete chunk */
    int ended, torn;
};

/* Read exactly n bytes or fewer at EOF: returns bytes read, -1 on error. */
static long long read_full(int fd, unsigned char *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    return (long long)got;
}

/* Load the next chunk: 1 loaded, 0 clean end of file, -2 torn (partial chunk at the
 * end), -1 error (s failed). */
static int cr_next(struct pstream *s) {
    struct crypt_reader *r = s->ctx;
    unsigned char h[17];
    long long got = read_full(s->fd, h, sizeof(h));
    if (got < 0) return ps_fail(s, "read error: %s", strerror(errno));
    if (got == 0) return 0;
    if (r->ended) return ps_fail(s, "encrypted file has data after its end marker at offset %llu",
                                 (unsigned long long)r->at);
    if (got < (long long)sizeof(h)) return -2;
    uint32_t n = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    int flags = h[4];
    if (n > CRYPT_MAX_CHUNK || (flags & ~CRYPT_FLAG_END))
        return ps_fail(s, "corrupt encrypted chunk header at offset %llu", (unsigned long long)r->at);
    if ((uint64_t)n + CRYPT_TAG > r->file_size - (r->at + sizeof(h)) && r->file_size >= r->at + sizeof(h)) {
        /* the chunk claims more than the file holds: torn at the end */
        return -2;
    }
    if (r->ccap < (size_t)n + CRYPT_TAG) {
        r->ccap = (size_t)n + CRYPT_TAG;
        r->cipher = wrealloc(r->cipher, r->ccap);
    }
    got = read_full(s->fd, r->cipher, (size_t)n + CRYPT_TAG);
    if (got < 0) return ps_fail(s, "read error: %s", strerror(errno));
    if (got < (long long)n + CRYPT_TAG) return -2;
    if (r->cap < (size_t)n + 16) {
        r->cap = (size_t)n + 16;
        r->plain = wrealloc(r->plain, r->cap);
    }
    if (open_chunk(r->key, r->header, r->index, flags, h + 5, r->cipher, n, r->cipher + n, r->plain) != 0)
        return ps_fail(s, "encrypted chunk %llu at offset %llu failed authentication (tampered, reordered, "
                          "truncated or from another file)",
                       (unsigned long long)r->index, (unsigned long long)r->at);
    r->at += sizeof(h) + (uint64_t)n + CRYPT_TAG;
    r->good = r->at;
    r->index++;
    r->len = n;
    r->pos = 0;
    if (flags & CRYPT_FLAG_END) r->ended = 1;
    return 1;
}

static int cr_read(struct pstream *s, void *p, size_t n) {
    struct crypt_reader *r = s->ctx;
    unsigned char *d = p;
    while (n) {
        if (r->pos == r->len) {
            int rc = cr_next(s);
            if (rc == 1) continue;
            if (rc == -1) return -1;
            return ps_fail(s, rc == -2 ? "encrypted file truncated inside a chunk" : "unexpected end of file");
        }
        size_t k = r->len - r->pos;
        if (k > n) k = n;
        memcpy(d, r->plain + r->pos, k);
        r->pos += k;
        d += k;
        n -= k;
    }
    return 0;
}

static long long cr_read_some(struct pstream *s, void *p, size_t n) {
    struct crypt_reader *r = s->ctx;
    while (r->pos == r->len) {
        int rc = cr_next(s);
        if (rc == 1) continue;
        if (rc == -1) return -1;
        if (rc == -2) r->torn = 1; /* the caller decides (aof-load-truncated) */
        return 0;
    }
    size_t k = r->len - r->pos;
    if (k > n) k = n;
    memcpy(p, r->plain + r->pos, k);
    r->pos += k;
    return (long long)k;
}

static uint64_t cr_remaining(struct pstream *s) {
    struct crypt_reader *r = s->ctx;
    return (r->file_size > r->at ? r->file_size - r->at : 0) + (r->len - r->pos);
}

static void cr_close(struct pstream *s) {
    struct crypt_reader *r = s->ctx;
    if (!r) return;
    if (r->plain) OPENSSL_cleanse(r->plain, r->cap);
    wfree(r->plain);
    wfree(r->cipher);
    wfree(r);
    s->ctx = NULL;
}

static const struct pstream_vt crypt_reader_vt = {.read = cr_read, .read_some = cr_read_some,
                                                  .remaining = cr_remaining, .close = cr_close};

int crypt_open_reader(struct pstream *s, int fd, int *encrypted) {
    unsigned char h[CRYPT_HEADER_SIZE];
    off_t start = lseek(fd, 0, SEEK_CUR);
    long long got = read_full(fd, h, sizeof(h));
    if (encrypted) *encrypted = 0;
    if (got < 8 || memcmp(h, CRYPT_MAGIC, 8) != 0) {
        /* plain data: read it from where we started */
        if (lseek(fd, start, SEEK_SET) < 0) {
            memset(s, 0, sizeof(*s));
            s->vt = &crypt_reader_vt;
            return ps_fail(s, "seek error: %s", strerror(errno));
        }
        return ps_init_file_reader(s, fd);
    }
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->vt = &crypt_reader_vt;
    if (encrypted) *encrypted = 1;
    if (got < CRYPT_HEADER_SIZE) return ps_fail(s, "encrypted file shorter than its header");
    if (h[8] != CRYPT_VERSION || h[9] != CRYPT_ALG_AES256GCM)
        return ps_fail(s, "unsupported encrypted container version %d / algorithm %d", h[8], h[9]);
    const struct crypt_key *k = key_for(h + 16);
    if (!k) {
        char id[17];
        hex8(h + 16, id);
        return ps_fail(s, "the file is encrypted with key id %s, which is not among the configured keys "
                          "(encryption-key-file / encryption-old-key-files)",
                       id);
    }
    struct crypt_reader *r = wcalloc(1, sizeof(*r));
    r->key = k;
    memcpy(r->header, h, CRYPT_HEADER_SIZE);
    struct stat st;
    r->file_size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    r->at = (uint64_t)start + CRYPT_HEADER_SIZE;
    r->good = r->at;
    s->ctx = r;
    return 0;
}

int crypt_reader_state(const struct pstream *s, int *ended, uint64_t *chunks, uint64_t *good_offset,
                       unsigned char header[CRYPT_HEADER_SIZE]) {
    if (s->vt != &crypt_reader_vt || !s->ctx) return -1;
    const struct crypt_reader *r = s->ctx;
    if (ended) *ended = r->ended;
    if (chunks) *chunks = r->index;
    if (good_offset) *good_offset = r->good;
    if (header) memcpy(header, r->header, CRYPT_HEADER_SIZE);
    return r->torn;
}

/* ---- AOF appender ---- */

struct crypt_appender {
    unsigned char header[CRYPT_HEADER_SIZE];
    uint64_t index;
};

struct crypt_appender *crypt_appender_create(int fd) {
    if (!have_key) return NULL;
    struct crypt_appender *a = wcalloc(1, sizeof(*a));
    make_header(a->header, &cur_key);
    if (write_all(fd, a->header, CRYPT_HEADER_SIZE) != 0) {
        wfree(a);
        return NULL;
    }
    return a;
}

struct crypt_appender *crypt_appender_resume(const unsigned char header[CRYPT_HEADER_SIZE], uint64_t chunks) {
    if (!crypt_header_is_current(header)) return NULL;
    struct crypt_appender *a = wcalloc(1, sizeof(*a));
    memcpy(a->header, header, CRYPT_HEADER_SIZE);
    a->index = chunks;
    return a;
}

int crypt_appender_seal(struct crypt_appender *a, const unsigned char *p, size_t n, unsigned char **out,
                        size_t *outlen) {
    size_t chunks = n / CRYPT_MAX_CHUNK + 1, total = n + chunks * CRYPT_CHUNK_OVERHEAD;
    unsigned char *o = wmalloc(total);
    size_t at = 0, done = 0;
    while (done < n || at == 0) {
        uint32_t k = n - done > CRYPT_MAX_CHUNK ? CRYPT_MAX_CHUNK : (uint32_t)(n - done);
        if (seal_chunk(&cur_key, a->header, a->index, 0, p + done, k, o + at) != 0) {
            wfree(o);
            return -1;
        }
        a->index++;
        at += k + CRYPT_CHUNK_OVERHEAD;
        done += k;
        if (n == 0) break;
    }
    *out = o;
    *outlen = at;
    return 0;
}

uint64_t crypt_appender_mark(const struct crypt_appender *a) { return a->index; }
void crypt_appender_rewind(struct crypt_appender *a, uint64_t mark) { a->index = mark; }
void crypt_appender_free(struct crypt_appender *a) { wfree(a); }
