/* fileio.c — see fileio.h. */
#include "util/fileio.h"
#include "util/alloc.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *file_read_all(FILE *f, size_t max, size_t *len) {
    size_t cap = 64 * 1024, n, got = 0;
    char *buf = wmalloc(cap);
    while ((n = fread(buf + got, 1, cap - got - 1, f)) > 0) {
        got += n;
        if (got >= max) {
            wfree(buf);
            errno = EFBIG;
            return NULL;
        }
        if (got + 1 >= cap) {
            cap *= 2;
            buf = wrealloc(buf, cap);
        }
    }
    if (ferror(f)) {
        int saved = errno ? errno : EIO;
        wfree(buf);
        errno = saved;
        return NULL;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode) {
    size_t pl = strlen(path);
    char *tmp = wmalloc(pl + 16);
    snprintf(tmp, pl + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        wfree(tmp);
        return -1;
    }
    int saved = 0;
    size_t off = 0;
    if (fchmod(fd, mode) != 0) goto fail;
    while (off < len) {
        ssize_t w = write(fd, (const char *)data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) goto fail;
    /* the rename itself is durable only once the directory is synced */
    char *dcopy = wstrdup(path);
    int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    wfree(dcopy);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    wfree(tmp);
    return 0;
fail:
    saved = errno;
    if (fd >= 0) close(fd);
    unlink(tmp);
    wfree(tmp);
    errno = saved;
    return -1;
}
