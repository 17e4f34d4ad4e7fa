/* fileio.h — whole-file reads and atomic whole-file writes, for the files Warden
 * rewrites itself (the config file on CONFIG REWRITE, the ACL file on ACL SAVE) and
 * the ones it reads in one go (config, ACL file). */
#ifndef WARDEN_FILEIO_H
#define WARDEN_FILEIO_H
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Read the rest of f into a wmalloc'd buffer, NUL-terminated (the caller frees it);
 * OUT: *len its length. Returns NULL with errno EFBIG when the content reaches `max`
 * bytes, or with the stream's errno on a read error. Does not close f. */
char *file_read_all(FILE *f, size_t max, size_t *len);
/* Replace `path` by `len` bytes of `data` so that a crash leaves either the old or the
 * new file: write a temporary file beside it (permissions `mode`), fsync, rename over
 * path, fsync the directory. Returns 0, or -1 with errno (the temporary is removed). */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
#endif
