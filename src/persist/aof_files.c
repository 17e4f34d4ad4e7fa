/* aof_files.c — the AOF directory: the manifest (written to a temp file, fsynced,
 * renamed, the directory fsynced), loading at start-up (manifest, base, incrs; the
 * Redis <= 6 single-file AOF is upgraded), rewrites (BGREWRITEAOF, auto rewrite,
 * CONFIG SET appendonly yes) and the INFO fields.
 *
 * Files are named as Redis 7.0 names them: <appendfilename>.<seq>.base.rdb (or
 * .base.aof without RDB preamble), <appendfilename>.<seq>.incr.aof and
 * <appendfilename>.manifest, inside appenddirname, mode 0600.
 *
 * `files_lock` guards the manifest and the rewrite state; the rewrite itself runs on a
 * thread of its own and takes the lock only to swap manifests. */
#include "config.h"
#include "db/db.h"
#include "persist/aof.h"
#include "persist/aof_int.h"
#include "persist/aof_load.h"
#include "persist/aof_manifest.h"
#include "persist/crypt.h"
#include "persist/persist.h"
#include "persist/pstream.h"
#include "persist/rdb_load.h"
#include "persist/rdb_save.h"
#include "persist/snapshot.h"
#include "db/lockset.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define AOF_REWRITE_RETRY_S 5

static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;
static struct aof_manifest man; /* what is on disk */
static int have_manifest;
static int dirfd_aof = -1;
static char fname[256];         /* appendfilename */
static int rw_running, rw_finished, rw_scheduled, rw_enable_pending;
static pthread_t rw_thread;
static long long rw_start_ms, rw_last_secs = -1, rw_last_try_s;
static int rw_last_ok = 1, rw_failures;
static long long rw_count;
static uint64_t base_size_at_rewrite; /* aof_base_size */

struct rewrite_job {
    int enable;        /* CONFIG SET appendonly yes: the stream starts at the instant */
    int stream_on;     /* the stream was on when the rewrite started: switch files */
    long long base_seq, incr_seq;
    char base_name[PATH_MAX], incr_name[PATH_MAX];
    int incr_fd;
    struct crypt_appender *incr_ca; /* handed to the stream at the instant */
    int handed;                     /* the instant came: the stream owns incr_fd */
};

static void aof_names_from_config(void) {
    config_copy_string(&server_config.appendfilename, fname, sizeof(fname));
}

static int open_dir(int create) {
    if (dirfd_aof >= 0) return 0;
    char dname[PATH_MAX];
    config_copy_string(&server_config.appenddirname, dname, sizeof(dname));
    if (create && mkdir(dname, 0700) != 0 && errno != EEXIST) {
        log_warning("Can't create the append-only directory %s: %s", dname, strerror(errno));
        return -1;
    }
    dirfd_aof = open(dname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd_aof < 0) {
        if (create) log_warning("Can't open the append-only directory %s: %s", dname, strerror(errno));
        return -1;
    }
    return 0;
}

/* Write `m` as the manifest: temp file, fsync, rename, fsync the directory. */
static int manifest_persist(const struct aof_manifest *m) {
    char tmp[PATH_MAX], final[PATH_MAX];
    snprintf(final, sizeof(final), "%s.manifest", fname);
    snprintf(tmp, sizeof(tmp), "temp-%s.manifest", fname);
    size_t len;
    char *text = aof_manifest_format(m, &len);
    int fd = openat(dirfd_aof, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : 0;
    if (rc == 0) {
        const char *p = text;
        size_t left = len;
        while (left && rc == 0) {
            ssize_t w = write(fd, p, left);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) rc = -1;
            else p += w, left -= (size_t)w;
        }
        if (rc == 0 && fsync(fd) != 0) rc = -1;
        close(fd);
    }
    if (rc == 0 && renameat(dirfd_aof, tmp, dirfd_aof, final) != 0) rc = -1;
    if (rc == 0 && fsync(dirfd_aof) != 0 && errno != EINVAL) rc = -1;
    if (rc != 0) {
        log_warning("Can't persist the AOF manifest %s: %s", final, strerror(errno));
        unlinkat(dirfd_aof, tmp, 0);
    }
    wfree(text);
    return rc;
}

/* Create a new incr file (with the encrypted container's header when a key is set). */
static int create_incr(long long seq, char *name, size_t size, struct crypt_appender **ca) {
    snprintf(name, size, "%s.%lld.incr.aof", fname, seq);
    int fd = openat(dirfd_aof, name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    *ca = NULL;
    if (fd < 0) {
        log_warning("Can't open the append-only file %s: %s", name, strerror(errno));
        return -1;
    }
    if (crypt_enabled() && !(*ca = crypt_appender_create(fd))) {
        log_warning("Can't write the encrypted header of %s: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static uint64_t file_size_at(const char *name) {
    struct stat st;
    if (!name || fstatat(dirfd_aof, name, &st, 0) != 0) return 0;
    return (uint64_t)st.st_size;
}

static uint64_t total_size_locked(void) {
    uint64_t n = file_size_at(man.base.name);
    for (int i = 0; i < man.nincr; i++) n += file_size_at(man.incr[i].name);
    return n;
}

/* ---- loading ---- */

static int load_sink(void *priv, int dbid, entry *e, char *err, size_t errlen) {
    (void)priv;
    struct db *db = db_get(dbid);
    uint64_t h = ktable_hash(entry_key(e), entry_keylen(e));
    if (ktable_find(&db_shard_of(db, h)->kt, h, entry_key(e), entry_keylen(e), NULL)) {
        snprintf(err, errlen, "duplicated key in the AOF base");
        entry_free(e);
        return -1;
    }
    db_add(db, e);
    return 0;
}

/* What loading a file learnt about it (to go on appending to the last incr). */
struct loaded_file {
    int encrypted;
    uint64_t chunks;
    unsigned char header[CRYPT_HEADER_SIZE];
};

/* Load one file (RDB preamble and/or commands, plain or encrypted). last: the final
 * incr (a torn or truncated tail may be tolerated). Returns 0 or -1 (logged). */
static int load_file(int at_dir, const char *name, int last, int is_base, struct aof_replay *r,
                     struct loaded_file *info) {
    int fd = openat(at_dir, name, O_RDWR | O_CLOEXEC);
    memset(info, 0, sizeof(*info));
    if (fd < 0) {
        log_warning("Fatal error: can't open the append log file %s for reading: %s", name, strerror(errno));
        return -1;
    }
    struct stat st;
    fstat(fd, &st);
    if (st.st_size == 0) {
        close(fd);
        return 0;
    }
    struct pstream s;
    char err[512] = "";
    int rc = crypt_open_reader(&s, fd, &info->encrypted);
    char magic[5];
    long long got = rc == 0 ? ps_read_some(&s, magic, 5) : -1;
    if (got > 0 && got < 5) {
        long long more = ps_read_some(&s, magic + got, (size_t)(5 - got));
        if (more > 0) got += more;
    }
    if (got > 0) ps_unread(&s, magic, (size_t)got);
    if (got == 5 && memcmp(magic, "REDIS", 5) == 0) {
        struct rdb_load_ctx ctx = {.ndbs = db_count(), .now_ms = clock_ms(), .skip_expired = 0,
                                   .verify_checksum = server_config.rdbchecksum, .sink = load_sink};
        rc = rdb_load_stream(&s, &ctx, err, sizeof(err));
    }
    uint64_t valid_end = 0, good = 0;
    int truncated = 0, ended = 0, torn = 0;
    if (rc == 0 && got >= 0) rc = aof_load_commands(&s, r, &valid_end, &truncated, err, sizeof(err));
    else if (got < 0) rc = -1;
    if (rc != 0 && !err[0]) snprintf(err, sizeof(err), "%s", s.error[0] ? s.error : "read error");
    if (info->encrypted) {
        torn = crypt_reader_state(&s, &ended, &info->chunks, &good, info->header) == 1;
        if (rc == 0 && is_base && !ended) {
            snprintf(err, sizeof(err), "the encrypted base file has no end marker (truncated)");
            rc = -1;
        }
        if (rc == 0 && truncated && !torn) {
            /* complete chunks always hold whole commands: a cut inside one is tampering */
            snprintf(err, sizeof(err), "an encrypted chunk ends inside a command");
            rc = -1;
        }
        if (torn) truncated = 1;
    }
    ps_close(&s);
    if (rc != 0) {
        log_warning("Bad file format reading the append only file %s: %s. Make a backup of your AOF file, then "
                    "use ./redis-check-aof --fix <filename.manifest>",
                    name, err);
        close(fd);
        return -1;
    }
    uint64_t cut = info->encrypted ? good : valid_end;
    if (truncated) {
        if (!last || !server_config.aof_load_truncated) {
            log_warning("Unexpected end of file reading the append only file %s at offset %llu. You can: 1) Make a "
                        "backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively "
                        "you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
                        name, (unsigned long long)cut);
            close(fd);
            return -1;
        }
        log_warning("!!! Warning: short read while loading the AOF file %s!!!", name);
        log_warning("!!! Truncating the AOF %s at offset %llu !!!", name, (unsigned long long)cut);
        if (ftruncate(fd, (off_t)cut) != 0 || fsync(fd) != 0) {
            log_warning("Error truncating the AOF file %s: %s", name, strerror(errno));
            close(fd);
            return -1;
        }
        log_warning("AOF %s loaded anyway because aof-load-truncated is enabled", name);
    }
    close(fd);
    return 0;
}

/* Write an empty base (RDB) named for seq; returns 0 or -1. */
static int write_empty_base(long long seq, char *name, size_t size) {
    snprintf(name, size, "%s.%lld.base.%s", fname, seq, server_config.aof_use_rdb_preamble ? "rdb" : "aof");
    int fd = openat(dirfd_aof, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    struct pstream s;
    crypt_open_writer(&s, fd, 0); /* encrypted when a key is set */
    if (server_config.aof_use_rdb_preamble) {
        s.checksum = server_config.rdbchecksum;
        struct rdb_header_info hi = {.ctime = clock_ms() / 1000, .used_mem = alloc_used_memory(), .aof_base = 1};
        rdb_save_header(&s, &hi);
        rdb_save_footer(&s);
    }
    ps_finish(&s);
    int rc = ps_failed(&s) ? -1 : 0;
    ps_close(&s);
    close(fd);
    return rc;
}

int aof_load_at_startup(void) {
    aof_names_from_config();
    if (open_dir(1) != 0) return -1;
    char mname[PATH_MAX];
    snprintf(mname, sizeof(mname), "%s.manifest", fname);
    struct aof_replay r = {0};
    struct loaded_file last = {0};
    long long start = clock_mono_us();
    int fd = openat(dirfd_aof, mname, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct stat st;
        fstat(fd, &st);
        if (st.st_size > 1024 * 1024) {
            log_warning("The AOF manifest file %s is too large", mname);
            close(fd);
            return -1;
        }
        char *text = wmalloc((size_t)st.st_size + 1);
        ssize_t got = read(fd, text, (size_t)st.st_size);
        close(fd);
        char err[256];
        if (got != st.st_size || aof_manifest_parse(text, (size_t)got, &man, err, sizeof(err)) != 0) {
            log_warning("Fatal error: the AOF manifest %s is invalid: %s", mname, got != st.st_size ? "short read" : err);
            wfree(text);
            return -1;
        }
        wfree(text);
        have_manifest = 1;
        if (man.base.name && load_file(dirfd_aof, man.base.name, man.nincr == 0, 1, &r, &last) != 0) return -1;
        for (int i = 0; i < man.nincr; i++)
            if (load_file(dirfd_aof, man.incr[i].name, i == man.nincr - 1, 0, &r, &last) != 0) return -1;
        log_notice("DB loaded from append only file: %.3f seconds", (double)(clock_mono_us() - start) / 1e6);
    } else if (faccessat(AT_FDCWD, fname, F_OK, 0) == 0) {
        /* a Redis <= 6 single-file AOF next to the data: load it, then move it in */
        if (load_file(AT_FDCWD, fname, 1, 1, &r, &last) != 0) return -1;
        aof_manifest_init(&man);
        char base[PATH_MAX];
        snprintf(base, sizeof(base), "%s.1.base.aof", fname);
        if (renameat(AT_FDCWD, fname, dirfd_aof, base) != 0) {
            log_warning("Can't move the old AOF %s into the AOF directory: %s", fname, strerror(errno));
            return -1;
        }
        aof_manifest_set_base(&man, base, 1);
        have_manifest = 1;
        log_notice("Successfully migrated an old-style AOF into the AOF directory (%s)", base);
    } else {
        /* nothing yet: start with an empty base (the RDB is not loaded when appendonly is on, as Redis) */
        char base[PATH_MAX];
        aof_manifest_init(&man);
        if (write_empty_base(1, base, sizeof(base)) != 0) {
            log_warning("Can't create the AOF base file: %s", strerror(errno));
            return -1;
        }
        aof_manifest_set_base(&man, base, 1);
        have_manifest = 1;
    }
    /* append to the last incr file when it is written the way files are written now
     * (plain, or encrypted under the current key); otherwise start a new one */
    char incr[PATH_MAX];
    int ifd = -1;
    struct crypt_appender *ca = NULL;
    int reuse = man.nincr > 0 && (last.encrypted ? crypt_header_is_current(last.header) : !crypt_enabled());
    if (reuse) {
        snprintf(incr, sizeof(incr), "%s", man.incr[man.nincr - 1].name);
        ifd = openat(dirfd_aof, incr, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (ifd < 0) log_warning("Can't open the append-only file %s: %s", incr, strerror(errno));
        if (ifd >= 0 && last.encrypted) {
            struct stat est;
            fstat(ifd, &est);
            if (est.st_size == 0) ca = crypt_appender_create(ifd); /* listed but never written */
            else ca = crypt_appender_resume(last.header, last.chunks);
        } else if (ifd >= 0 && crypt_enabled()) {
            ca = crypt_appender_create(ifd); /* an empty plain file: give it a header */
        }
    } else {
        long long seq = man.incr_seq + 1;
        ifd = create_incr(seq, incr, sizeof(incr), &ca);
        if (ifd >= 0) aof_manifest_add_incr(&man, incr, seq);
    }
    if (ifd < 0 || manifest_persist(&man) != 0) return -1;
    struct stat st;
    fstat(ifd, &st);
    base_size_at_rewrite = total_size_locked();
    aof_stream_start(ifd, (uint64_t)st.st_size, ca);
    if (r.commands)
        log_notice("Done loading AOF, %lld commands replayed (%lld keys in db 0)", r.commands,
                   db_size_all(db_get(0)));
    return 0;
}

/* ---- rewrite ---- */

static void rewrite_at_instant(void *arg) {
    struct rewrite_job *job = arg;
    if (job->incr_fd < 0) return;
    if (job->enable) aof_stream_start(job->incr_fd, 0, job->incr_ca);
    else aof_stream_switch(job->incr_fd, job->incr_ca);
    job->incr_ca = NULL; /* the stream owns it now */
    job->handed = 1;
}

static void *rewrite_main(void *arg) {
    struct rewrite_job *job = arg;
    long long start = clock_mono_us();
    char tmp[64], err[256] = "";
    snprintf(tmp, sizeof(tmp), "temp-rewriteaof-bg-%d.aof", (int)getpid());
    int fd = openat(dirfd_aof, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : 0;
    if (rc != 0) snprintf(err, sizeof(err), "can't open %s: %s", tmp, strerror(errno));
    if (rc == 0) {
        struct snapshot_opts o = {.compress = server_config.rdbcompression,
                                  .checksum = server_config.rdbchecksum,
                                  .aof_base = 1,
                                  .sync_every = 4 * 1024 * 1024,
                                  .aof_format = !server_config.aof_use_rdb_preamble,
                                  .at_instant = rewrite_at_instant,
                                  .instant_arg = job};
        struct snapshot_stats st;
        memset(&st, 0, sizeof(st));
        rc = snapshot_write(fd, &o, &st, err, sizeof(err));
        if (close(fd) != 0 && rc == 0) rc = -1;
    }
    if (rc == 0 && renameat(dirfd_aof, tmp, dirfd_aof, job->base_name) != 0) {
        snprintf(err, sizeof(err), "can't rename the new base: %s", strerror(errno));
        rc = -1;
    }
    pthread_mutex_lock(&files_lock);
    if (rc == 0) {
        /* the new manifest: new base, the incr files from the switch on; the rest is history */
        struct aof_manifest next;
        aof_manifest_init(&next);
        aof_manifest_set_base(&next, job->base_name, job->base_seq);
        if (man.base.name) aof_manifest_add_history(&next, man.base.name, man.base.seq);
        for (int i = 0; i < man.nhistory; i++) aof_manifest_add_history(&next, man.history[i].name, man.history[i].seq);
        for (int i = 0; i < man.nincr; i++) {
            if (job->incr_fd >= 0 && man.incr[i].seq >= job->incr_seq) aof_manifest_add_incr(&next, man.incr[i].name, man.incr[i].seq);
            else aof_manifest_add_history(&next, man.incr[i].name, man.incr[i].seq);
        }
        if (job->enable && job->incr_fd >= 0) aof_manifest_add_incr(&next, job->incr_name, job->incr_seq);
        next.base_seq = job->base_seq > man.base_seq ? job->base_seq : man.base_seq;
        if (man.incr_seq > next.incr_seq) next.incr_seq = man.incr_seq;
        if (manifest_persist(&next) != 0) {
            rc = -1;
            snprintf(err, sizeof(err), "can't write the new manifest");
            aof_manifest_free(&next);
        } else {
            aof_manifest_free(&man);
            man = next;
            have_manifest = 1;
            if (!server_config.aof_disable_auto_gc && man.nhistory) {
                for (int i = 0; i < man.nhistory; i++) unlinkat(dirfd_aof, man.history[i].name, 0);
                for (int i = 0; i < man.nhistory; i++) wfree(man.history[i].name);
                man.nhistory = 0;
                manifest_persist(&man);
            }
            base_size_at_rewrite = total_size_locked();
        }
    }
    if (rc != 0) {
        unlinkat(dirfd_aof, tmp, 0);
        log_warning("Background AOF rewrite failed: %s", err);
        rw_last_ok = 0;
        rw_failures++;
        if (job->enable) {
            /* the stream must not run without a base: stop, drop the file, retry later */
            pthread_mutex_unlock(&files_lock);
            aof_stream_drain(1);
            pthread_mutex_lock(&files_lock);
            unlinkat(dirfd_aof, job->incr_name, 0);
            rw_enable_pending = 1;
        }
    } else {
        rw_last_ok = 1;
        rw_failures = 0;
        rw_count++;
        log_notice("Background AOF rewrite finished successfully");
    }
    rw_last_secs = (clock_mono_us() - start) / 1000000;
    aof_rewrite_running = 0;
    rw_finished = 1;
    pthread_mutex_unlock(&files_lock);
    persist_snapshot_release();
    lockset_thread_free();
    crypt_appender_free(job->incr_ca); /* set only if the instant never came */
    if (!job->handed && job->incr_fd >= 0) close(job->incr_fd);
    wfree(job);
    return NULL;
}

/* Start a rewrite (files_lock held, the snapshot claimed). */
static int rewrite_start_locked(int enable) {
    aof_names_from_config();
    if (open_dir(1) != 0) return AOF_REWRITE_ERR;
    struct rewrite_job *job = wcalloc(1, sizeof(*job));
    job->enable = enable;
    job->stream_on = aof_stream_on();
    job->base_seq = man.base_seq + 1;
    job->incr_fd = -1;
    snprintf(job->base_name, sizeof(job->base_name), "%s.%lld.base.%s", fname, job->base_seq,
             server_config.aof_use_rdb_preamble ? "rdb" : "aof");
    if (enable || job->stream_on) {
        job->incr_seq = man.incr_seq + 1;
        job->incr_fd = create_incr(job->incr_seq, job->incr_name, sizeof(job->incr_name), &job->incr_ca);
        if (job->incr_fd < 0) {
            wfree(job);
            return AOF_REWRITE_ERR;
        }
        if (!enable) {
            /* listed before the switch: whatever happens, the records after it are found */
            aof_manifest_add_incr(&man, job->incr_name, job->incr_seq);
            if (manifest_persist(&man) != 0) {
                close(job->incr_fd);
                crypt_appender_free(job->incr_ca);
                wfree(job);
                return AOF_REWRITE_ERR;
            }
        }
    }
    aof_rewrite_running = 1;
    rw_finished = 0;
    rw_start_ms = clock_ms();
    rw_last_try_s = rw_start_ms / 1000;
    if (pthread_create(&rw_thread, NULL, rewrite_main, job) != 0) {
        aof_rewrite_running = 0;
        if (job->incr_fd >= 0) close(job->incr_fd);
        crypt_appender_free(job->incr_ca);
        wfree(job);
        return AOF_REWRITE_ERR;
    }
    rw_running = 1;
    log_notice("Background append only file rewriting started");
    return AOF_REWRITE_STARTED;
}

static void rewrite_reap_locked(int wait) {
    if (!rw_running || (!rw_finished && !wait)) return;
    pthread_mutex_unlock(&files_lock);
    pthread_join(rw_thread, NULL);
    pthread_mutex_lock(&files_lock);
    rw_running = 0;
}

int aof_bgrewrite(void) {
    pthread_mutex_lock(&files_lock);
    rewrite_reap_locked(0);
    int rc;
    if (rw_running) {
        rc = AOF_REWRITE_BUSY;
    } else if (persist_snapshot_claim() != 0) {
        rw_scheduled = 1;
        rc = AOF_REWRITE_SCHEDULED;
    } else {
        rc = rewrite_start_locked(0);
        if (rc != AOF_REWRITE_STARTED) persist_snapshot_release();
    }
    pthread_mutex_unlock(&files_lock);
    return rc;
}

int aof_config_set(int on, char *err, size_t errlen) {
    if (on == aof_stream_on() && !rw_enable_pending) return 0;
    if (!on) {
        pthread_mutex_lock(&files_lock);
        rw_enable_pending = 0;
        pthread_mutex_unlock(&files_lock);
        aof_stream_drain(1);
        log_notice("Append only file disabled");
        return 0;
    }
    pthread_mutex_lock(&files_lock);
    rewrite_reap_locked(0);
    int rc = 0;
    if (rw_running || persist_snapshot_claim() != 0) {
        rw_enable_pending = 1; /* started by the cron once the running snapshot ends */
    } else if (rewrite_start_locked(1) != AOF_REWRITE_STARTED) {
        persist_snapshot_release();
        snprintf(err, errlen, "Unable to turn on AOF. Check server logs.");
        rc = -1;
    }
    pthread_mutex_unlock(&files_lock);
    return rc;
}

void aof_cron(void) {
    pthread_mutex_lock(&files_lock);
    rewrite_reap_locked(0);
    long long now = clock_ms() / 1000;
    int retry_ok = rw_last_ok || now - rw_last_try_s >= AOF_REWRITE_RETRY_S;
    if (!rw_running && (rw_scheduled || rw_enable_pending) && retry_ok) {
        if (persist_snapshot_claim() == 0) {
            int enable = rw_enable_pending;
            if (rewrite_start_locked(enable) == AOF_REWRITE_STARTED) {
                rw_scheduled = 0;
                rw_enable_pending = 0;
            } else {
                persist_snapshot_release();
                rw_last_try_s = now;
            }
        }
    }
    /* auto-aof-rewrite-percentage / -min-size, as Redis */
    if (!rw_running && aof_stream_on() && server_config.auto_aof_rewrite_percentage > 0 && retry_ok &&
        dirfd_aof >= 0) {
        uint64_t cur = total_size_locked();
        uint64_t base = base_size_at_rewrite ? base_size_at_rewrite : 1;
        if ((long long)cur > server_config.auto_aof_rewrite_min_size &&
            (cur - (cur > base ? base : cur)) * 100 / base >= (uint64_t)server_config.auto_aof_rewrite_percentage &&
            cur > base) {
            if (persist_snapshot_claim() == 0) {
                log_notice("Starting automatic rewriting of AOF on %llu%% growth",
                           (unsigned long long)((cur - base) * 100 / base));
                if (rewrite_start_locked(0) != AOF_REWRITE_STARTED) persist_snapshot_release();
            }
        }
    }
    pthread_mutex_unlock(&files_lock);
}

int aof_flush_for_shutdown(void) {
    pthread_mutex_lock(&files_lock);
    rewrite_reap_locked(1);
    pthread_mutex_unlock(&files_lock);
    if (!aof_stream_on()) return 0;
    if (aof_stream_drain(0) != 0) {
        log_warning("Error flushing the AOF before shutting down");
        return -1;
    }
    return 0;
}

void aof_stop(void) {
    pthread_mutex_lock(&files_lock);
    rewrite_reap_locked(1);
    pthread_mutex_unlock(&files_lock);
    aof_stream_drain(1);
    aof_manifest_free(&man);
    if (dirfd_aof >= 0) close(dirfd_aof);
    dirfd_aof = -1;
}

size_t aof_info(char *buf, size_t size) {
    pthread_mutex_lock(&files_lock);
    int running = rw_running && !rw_finished;
    long long cur = running ? (clock_ms() - rw_start_ms) / 1000 : -1;
    int n = snprintf(buf, size,
                     "aof_enabled:%d\r\naof_rewrite_in_progress:%d\r\naof_rewrite_scheduled:%d\r\n"
                     "aof_last_rewrite_time_sec:%lld\r\naof_current_rewrite_time_sec:%lld\r\n"
                     "aof_last_bgrewrite_status:%s\r\naof_rewrites:%lld\r\naof_rewrites_consecutive_failures:%d\r\n"
                     "aof_last_write_status:%s\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\n"
                     "module_fork_last_cow_size:0\r\n",
                     aof_stream_on(), running, rw_scheduled || rw_enable_pending, rw_last_secs, cur,
                     rw_last_ok ? "ok" : "err", rw_count, rw_failures, aof_stream_last_errno() ? "err" : "ok");
    if (n > 0 && (size_t)n < size && aof_stream_on() && dirfd_aof >= 0) {
        int m = snprintf(buf + n, size - (size_t)n,
                         "aof_current_size:%llu\r\naof_base_size:%llu\r\naof_pending_rewrite:%d\r\n"
                         "aof_buffer_length:0\r\naof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n",
                         (unsigned long long)total_size_locked(), (unsigned long long)base_size_at_rewrite,
                         rw_scheduled);
        if (m > 0) n += m;
    }
    pthread_mutex_unlock(&files_lock);
    if (n < 0) n = 0;
    return (size_t)n < size ? (size_t)n : size ? size - 1 : 0;
}
