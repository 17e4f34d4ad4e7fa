/* warden_check.c — build/warden-check: verify Warden's (and Redis's) data files
 * offline, and decrypt encrypted ones.
 *
 *   warden-check [--key-file F] [--old-key-file F ...] [--decrypt] PATH
 *
 * PATH is an RDB file, an AOF file (base or incr, with or without RDB preamble), or an
 * AOF manifest (every file it lists is checked). Encrypted files need the key they were
 * written with. --decrypt writes a single file's plaintext to stdout (an ordinary RDB
 * or AOF that redis-check-rdb / redis-check-aof and redis-server read).
 * Exit status: 0 valid, 1 invalid, 2 usage or key error. */
#include "config.h"
#include "persist/aof_load.h"
#include "persist/aof_manifest.h"
#include "persist/crypt.h"
#include "persist/pstream.h"
#include "persist/rdb_load.h"
#include "persist/rdb_types.h"
#include "util/alloc.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_sink(void *priv, int dbid, entry *e, char *err, size_t errlen) {
    (void)dbid; (void)err; (void)errlen;
    (*(long long *)priv)++;
    entry_free(e);
    return 0;
}

static int decrypt_file(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    struct pstream s;
    int rc = crypt_open_reader(&s, fd, NULL);
    unsigned char buf[65536];
    long long n;
    while (rc == 0 && (n = ps_read_some(&s, buf, sizeof(buf))) > 0)
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) rc = -1;
    int ended = 0;
    int torn = crypt_reader_state(&s, &ended, NULL, NULL, NULL);
    if (s.failed) {
        fprintf(stderr, "%s: %s\n", path, s.error);
        rc = -1;
    } else if (torn == 1) {
        fprintf(stderr, "%s: the last encrypted chunk is incomplete (a torn write); output stops before it\n", path);
        rc = -1;
    }
    ps_close(&s);
    close(fd);
    return rc == 0 ? 0 : 1;
}

/* Check one data file. is_base: an encrypted file must carry its end marker. */
static int check_file(int dirfd, const char *name, int is_base, int last_incr) {
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("%s: can't open: %s\n", name, strerror(errno));
        return 1;
    }
    struct pstream s;
    int encrypted = 0;
    int rc = crypt_open_reader(&s, fd, &encrypted);
    char err[512] = "", magic[5];
    long long keys = 0, got = rc == 0 ? ps_read_some(&s, magic, 5) : -1;
    while (got > 0 && got < 5) {
        long long more = ps_read_some(&s, magic + got, (size_t)(5 - got));
        if (more <= 0) break;
        got += more;
    }
    if (got > 0) ps_unread(&s, magic, (size_t)got);
    int rdb = got == 5 && memcmp(magic, "REDIS", 5) == 0;
    if (rc == 0 && rdb) {
        struct rdb_load_ctx ctx = {.ndbs = 1 << 20, .verify_checksum = 1, .sink = count_sink, .priv = &keys};
        rc = rdb_load_stream(&s, &ctx, err, sizeof(err));
    }
    struct aof_replay r = {.dry_run = 1};
    uint64_t valid_end = 0;
    int truncated = 0;
    if (rc == 0 && got >= 0) rc = aof_load_commands(&s, &r, &valid_end, &truncated, err, sizeof(err));
    if (rc != 0 && !err[0]) snprintf(err, sizeof(err), "%s", s.error[0] ? s.error : "read error");
    int ended = 0;
    int torn = encrypted ? crypt_reader_state(&s, &ended, NULL, NULL, NULL) == 1 : 0;
    ps_close(&s);
    close(fd);
    if (rc != 0) {
        printf("%s: INVALID: %s\n", name, err);
        return 1;
    }
    if (encrypted && is_base && !ended) {
        printf("%s: INVALID: encrypted file without its end marker (truncated)\n", name);
        return 1;
    }
    if (truncated || torn) {
        printf("%s: %s: ends inside a command%s\n", name, last_incr ? "TRUNCATED (aof-load-truncated can load it)" : "INVALID",
               torn ? " (torn encrypted chunk)" : "");
        return last_incr ? 0 : 1;
    }
    printf("%s: OK%s: %s%lld keys, %lld commands\n", name, encrypted ? " (encrypted)" : "", rdb ? "RDB, " : "", keys,
           r.commands);
    return 0;
}

static int check_manifest(const char *path) {
    char copy[4096];
    snprintf(copy, sizeof(copy), "%s", path);
    const char *dir = dirname(copy);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FILE *f = fopen(path, "r");
    if (!f || dirfd < 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 2;
    }
    char text[1 << 16];
    size_t n = fread(text, 1, sizeof(text), f);
    fclose(f);
    struct aof_manifest m;
    char err[256];
    if (aof_manifest_parse(text, n, &m, err, sizeof(err)) != 0) {
        printf("%s: INVALID manifest: %s\n", path, err);
        close(dirfd);
        return 1;
    }
    int bad = 0;
    if (m.base.name) bad |= check_file(dirfd, m.base.name, 1, m.nincr == 0);
    for (int i = 0; i < m.nincr; i++) bad |= check_file(dirfd, m.incr[i].name, 0, i == m.nincr - 1);
    aof_manifest_free(&m);
    close(dirfd);
    printf("%s\n", bad ? "Some files are INVALID" : "All files are valid");
    return bad;
}

static void usage(void) {
    fprintf(stderr, "Usage: warden-check [--key-file FILE] [--old-key-file FILE ...] [--decrypt] PATH\n"
                    "PATH: an RDB file, an AOF file, or an AOF manifest (every file listed is checked).\n"
                    "--decrypt: write one file's plaintext to stdout.\n");
}

int main(int argc, char **argv) {
    const char *key = NULL, *path = NULL;
    char old[4096] = "";
    int decrypt = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--key-file") && i + 1 < argc) {
            key = argv[++i];
        } else if (!strcmp(argv[i], "--old-key-file") && i + 1 < argc) {
            size_t l = strlen(old);
            snprintf(old + l, sizeof(old) - l, "%s%s", l ? " " : "", argv[++i]);
        } else if (!strcmp(argv[i], "--decrypt")) {
            decrypt = 1;
        } else if (argv[i][0] == '-' || path) {
            usage();
            return 2;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        usage();
        return 2;
    }
    config_init();
    rdb_types_init();
    char err[512];
    /* reading only: any of the keys given may have written the file */
    if (!key && old[0]) {
        char *space = strchr(old, ' ');
        static char first[4096];
        snprintf(first, sizeof(first), "%.*s", space ? (int)(space - old) : (int)strlen(old), old);
        key = first;
    }
    if (crypt_configure(key, old[0] ? old : NULL, err, sizeof(err)) != 0) {
        fprintf(stderr, "warden-check: %s\n", err);
        return 2;
    }
    if (decrypt) return decrypt_file(path);
    size_t pl = strlen(path);
    if (pl > 9 && !strcmp(path + pl - 9, ".manifest")) return check_manifest(path);
    return check_file(AT_FDCWD, path, 1, 1);
}
