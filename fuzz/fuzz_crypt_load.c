/* fuzz_crypt_load.c — libFuzzer target for the encrypted container reader
 * (src/persist/crypt.c): any file content, read through crypt_open_reader as the
 * loaders do (plain when the magic is absent), must be refused or read without a
 * crash, over-read, UB or leak. The first input byte picks how: 0 the raw bytes;
 * 1 the bytes after a valid header for the fuzzer's key (so chunk framing and length
 * checks are reached); 2 a valid encrypted file whose plaintext is the input, then
 * one byte after the magic flipped at a position taken from the input (must be refused). */

#include "persist/crypt.h"
#include "persist/pstream.h"
#include "util/alloc.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

static int file_with(const unsigned char *p, size_t n) {
    int fd = memfd_create("fuzz", 0);
    if (fd < 0) abort();
    if (n && write(fd, p, n) != (ssize_t)n) abort();
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Read everything; returns 0 if the stream ended cleanly. */
static int drain(int fd, int *encrypted) {
    struct pstream s;
    int rc = crypt_open_reader(&s, fd, encrypted);
    unsigned char buf[4096];
    long long n;
    while (rc == 0 && (n = ps_read_some(&s, buf, sizeof(buf))) > 0) {
    }
    int ended = 0;
    int torn = crypt_reader_state(&s, &ended, NULL, NULL, NULL);
    rc = (s.failed || torn == 1) ? -1 : 0;
    ps_close(&s);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
    static int ready;
    if (!ready) {
        char path[] = "/tmp/warden-fuzz-key-XXXXXX";
        int kfd = mkstemp(path);
        unsigned char key[32];
        for (int i = 0; i < 32; i++) key[i] = (unsigned char)(i * 7 + 1);
        if (kfd < 0 || write(kfd, key, 32) != 32) abort();
        fchmod(kfd, 0600);
        close(kfd);
        char err[256];
        if (crypt_configure(path, NULL, err, sizeof(err)) != 0) abort();
        unlink(path);
        ready = 1;
    }
    if (len == 0) return 0;
    int mode = data[0] % 3;
    const unsigned char *p = data + 1;
    size_t n = len - 1;
    int enc;
    if (mode == 0) {
        int fd = file_with(p, n);
        drain(fd, &enc);
        close(fd);
    } else {
        /* a valid file first: writer output for plaintext p */
        int fd = memfd_create("fuzz", 0);
        struct pstream w;
        crypt_open_writer(&w, fd, 0);
        ps_write(&w, p, n);
        ps_finish(&w);
        ps_close(&w);
        off_t size = lseek(fd, 0, SEEK_END);
        unsigned char *file = malloc((size_t)size);
        if (pread(fd, file, (size_t)size, 0) != size) abort();
        close(fd);
        if (mode == 1) {
            /* header + fuzzer bytes as chunks */
            unsigned char *f2 = malloc(CRYPT_HEADER_SIZE + n);
            memcpy(f2, file, CRYPT_HEADER_SIZE);
            memcpy(f2 + CRYPT_HEADER_SIZE, p, n);
            fd = file_with(f2, CRYPT_HEADER_SIZE + n);
            drain(fd, &enc);
            close(fd);
            free(f2);
        } else {
            fd = file_with(file, (size_t)size);
            REQUIRE(drain(fd, &enc) == 0 && enc); /* the untouched file reads back */
            close(fd);
            /* past the magic (a file without it is read as plain data, which the RDB and
             * AOF parsers then judge) */
            size_t at = 8 + (n >= 2 ? ((size_t)p[0] << 8 | p[1]) % ((size_t)size - 8) : 0);
            file[at] ^= (unsigned char)(n ? (p[n - 1] | 1) : 1);
            fd = file_with(file, (size_t)size);
            REQUIRE(drain(fd, &enc) != 0); /* any flipped byte is refused */
            close(fd);
        }
        free(file);
    }
    return 0;
}
