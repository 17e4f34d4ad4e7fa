/* persist.c — see persist.h. One snapshot runs at a time (`busy`, under state_lock):
 * SAVE runs it on the calling worker, BGSAVE on a thread of its own, the shutdown save
 * and DEBUG RELOAD on their caller while holding every shard lock. A snapshot asked to
 * abort (FLUSHALL, shutdown) never renames its file over the real one: the rename and
 * the abort flag are both handled under state_lock. */
#include "persist/persist.h"
#include "persist/aof.h"
#include "persist/crypt.h"
#include "client.h"
#include "cmd/command.h"
#include "config.h"
#include "db/db.h"
#include "db/lockset.h"
#include "persist/pstream.h"
#include "persist/rdb_load.h"
#include "persist/rdb_save.h"
#include "persist/rdb_types.h"
#include "persist/snapshot.h"
#include "proto/reply.h"
#include "server.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/numparse.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BGSAVE_RETRY_DELAY_S 5 /* after a failed background save, as Redis */
#define INCREMENTAL_FSYNC_BYTES (4 * 1024 * 1024)

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int busy;                   /* a snapshot is being written */
static int abort_requested;        /* ... and must not replace the file */
static int bg_running;             /* the BGSAVE thread exists (until joined) */
static int bg_finished;
static pthread_t bg_thread;
static int bg_scheduled;
static long long bg_start_ms;
static struct snapshot_stats cur_stats; /* the running snapshot's progress */
static _Atomic long long lastsave_s;
static _Atomic int last_bgsave_ok = 1;
static long long last_bgsave_secs = -1;
static long long last_bgsave_try_s;
static _Atomic long long rdb_saves;
static _Atomic long long dirty_baseline;
static long long load_keys_loaded, load_keys_expired;
static long long last_cow_bytes;
static _Atomic int loading_now;
static _Atomic unsigned long long temp_counter;

/* ---- helpers ---- */

struct save_point {
    long long seconds, changes;
};

/* Parse `save` ("3600 1 300 100"); returns the number of points (<= max). */
static int persist_save_points(struct save_point *out, int max) {
    char buf[512];
    config_copy_string(&server_config.save_params, buf, sizeof(buf));
    int n = 0;
    char *save = NULL;
    for (char *a = strtok_r(buf, " ", &save); a && n < max; a = strtok_r(NULL, " ", &save)) {
        char *b = strtok_r(NULL, " ", &save);
        if (!b) break;
        if (num_parse_ll(a, strlen(a), &out[n].seconds) != 0 || num_parse_ll(b, strlen(b), &out[n].changes) != 0)
            continue;
        n++;
    }
    return n;
}

static long long persist_dirty(void) { return STATS_SUM(dirty) - atomic_load(&dirty_baseline); }

static void persist_snapshot_opts(struct snapshot_opts *o, int aof_base) {
    memset(o, 0, sizeof(*o));
    o->compress = server_config.rdbcompression;
    o->checksum = server_config.rdbchecksum;
    o->aof_base = aof_base;
    o->sync_every = server_config.rdb_save_incremental_fsync ? INCREMENTAL_FSYNC_BYTES : 0;
}

static void persist_cwd(char *buf, size_t size) {
    if (!getcwd(buf, size)) snprintf(buf, size, "?");
}

/* fsync a directory so a rename in it survives a crash. */
static int persist_fsync_dir(int dirfd) { return fsync(dirfd) == 0 || errno == EINVAL ? 0 : -1; }

/* Write an RDB to a temp file in the current directory, then (unless the snapshot was
 * aborted) rename it over dbfilename. write_fn does the body. Returns 0 or -1 (logged). */
typedef int (*persist_body_fn)(int fd, void *priv, char *err, size_t errlen);

static int persist_write_file(persist_body_fn body, void *priv, int locked_abort_check) {
    char fname[PATH_MAX], tmp[64], cwd[PATH_MAX], err[256] = "";
    config_copy_string(&server_config.dbfilename, fname, sizeof(fname));
    snprintf(tmp, sizeof(tmp), "temp-%d-%llu.rdb", (int)getpid(), atomic_fetch_add(&temp_counter, 1) + 1);
    int dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        persist_cwd(cwd, sizeof(cwd));
        log_warning("Failed opening the RDB directory %s for saving: %s", cwd, strerror(errno));
        return -1;
    }
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        persist_cwd(cwd, sizeof(cwd));
        log_warning("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s", tmp, cwd,
                    strerror(errno));
        close(dirfd);
        return -1;
    }
    int rc = body(fd, priv, err, sizeof(err));
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, sizeof(err), "close error: %s", strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        log_warning("Write error saving DB on disk: %s", err);
        unlinkat(dirfd, tmp, 0);
        close(dirfd);
        return -1;
    }
    if (locked_abort_check) pthread_mutex_lock(&state_lock);
    if (locked_abort_check && abort_requested) {
        pthread_mutex_unlock(&state_lock);
        unlinkat(dirfd, tmp, 0);
        close(dirfd);
        log_warning("Background saving aborted: the snapshot was discarded");
        return -1;
    }
    if (renameat(dirfd, tmp, dirfd, fname) != 0) {
        int e = errno;
        if (locked_abort_check) pthread_mutex_unlock(&state_lock);
        persist_cwd(cwd, sizeof(cwd));
        log_warning("Error moving temp DB file %s on the final destination %s (in server root dir %s): %s", tmp,
                    fname, cwd, strerror(e));
        unlinkat(dirfd, tmp, 0);
        close(dirfd);
        return -1;
    }
    if (locked_abort_check) pthread_mutex_unlock(&state_lock);
    if (persist_fsync_dir(dirfd) != 0) {
        log_warning("Failed to fsync the directory after saving the DB: %s", strerror(errno));
        close(dirfd);
        return -1;
    }
    close(dirfd);
    return 0;
}

static int body_snapshot(int fd, void *priv, char *err, size_t errlen) {
    struct snapshot_opts o;
    persist_snapshot_opts(&o, 0);
    return snapshot_write(fd, &o, priv, err, errlen);
}

static int body_empty(int fd, void *priv, char *err, size_t errlen) {
    (void)priv;
    struct pstream s;
    crypt_open_writer(&s, fd, 0);
    s.checksum = server_config.rdbchecksum;
    struct rdb_header_info hi = {.ctime = clock_ms() / 1000, .used_mem = alloc_used_memory()};
    rdb_save_header(&s, &hi);
    rdb_save_footer(&s);
    ps_finish(&s);
    int rc = ps_failed(&s) ? -1 : 0;
    if (rc) snprintf(err, errlen, "%s", s.error);
    ps_close(&s);
    return rc;
}

/* Bookkeeping after a successful save (state_lock held). */
static void persist_saved_locked(const struct snapshot_stats *st) {
    last_cow_bytes = st->cow_bytes;
    log_notice("Snapshot: %lld keys, %lld bytes; %lld shards (%lld bytes, peak %lld queued) copied ahead of it by "
               "writers",
               atomic_load(&st->keys_done), st->bytes, st->cow_shards, st->cow_bytes, st->cow_peak);
    atomic_store(&lastsave_s, clock_ms() / 1000);
    atomic_store(&last_bgsave_ok, 1);
    atomic_fetch_add(&rdb_saves, 1);
    atomic_store(&dirty_baseline, st->dirty_at_start);
}

int persist_snapshot_claim(void) {
    pthread_mutex_lock(&state_lock);
    int rc = busy ? -1 : 0;
    if (!busy) busy = 1;
    pthread_mutex_unlock(&state_lock);
    return rc;
}

void persist_snapshot_release(void) {
    pthread_mutex_lock(&state_lock);
    busy = 0;
    pthread_mutex_unlock(&state_lock);
}

/* Claim the right to run a snapshot; 0 or PERSIST_BUSY. */
static int persist_claim(void) {
    pthread_mutex_lock(&state_lock);
    if (busy) {
        pthread_mutex_unlock(&state_lock);
        return PERSIST_BUSY;
    }
    busy = 1;
    abort_requested = 0;
    memset(&cur_stats, 0, sizeof(cur_stats));
    pthread_mutex_unlock(&state_lock);
    return 0;
}

/* A synchronous save by the caller (which may hold every shard lock). */
static int persist_save_sync(void) {
    struct snapshot_stats st;
    memset(&st, 0, sizeof(st));
    int rc = persist_write_file(body_snapshot, &st, 1);
    pthread_mutex_lock(&state_lock);
    if (rc == 0) persist_saved_locked(&st);
    busy = 0;
    pthread_mutex_unlock(&state_lock);
    if (rc == 0) log_notice("DB saved on disk");
    return rc;
}

/* ---- background save ---- */

static void *persist_bg_main(void *arg) {
    (void)arg;
    long long start = clock_mono_us();
    int rc = persist_write_file(body_snapshot, &cur_stats, 1);
    pthread_mutex_lock(&state_lock);
    last_bgsave_secs = (clock_mono_us() - start) / 1000000;
    if (rc == 0) {
        persist_saved_locked(&cur_stats);
    } else if (!abort_requested) {
        atomic_store(&last_bgsave_ok, 0);
    }
    busy = 0;
    bg_finished = 1;
    pthread_mutex_unlock(&state_lock);
    lockset_thread_free();
    return NULL;
}

/* Join a finished background save and log its outcome (state_lock held). */
static void persist_reap_locked(int wait) {
    if (!bg_running || (!bg_finished && !wait)) return;
    pthread_mutex_unlock(&state_lock);
    pthread_join(bg_thread, NULL);
    pthread_mutex_lock(&state_lock);
    bg_running = 0;
    if (atomic_load(&last_bgsave_ok) && !abort_requested) log_notice("Background saving terminated with success");
    else if (abort_requested) log_notice("Background saving was stopped");
    else log_warning("Background saving error");
}

/* Start a background save (state_lock held, busy free). */
static int persist_start_bg_locked(void) {
    busy = 1;
    abort_requested = 0;
    bg_finished = 0;
    memset(&cur_stats, 0, sizeof(cur_stats));
    bg_start_ms = clock_ms();
    last_bgsave_try_s = bg_start_ms / 1000;
    if (pthread_create(&bg_thread, NULL, persist_bg_main, NULL) != 0) {
        busy = 0;
        atomic_store(&last_bgsave_ok, 0);
        log_warning("Can't save in background: thread creation failed: %s", strerror(errno));
        return PERSIST_ERR;
    }
    bg_running = 1;
    log_notice("Background saving started");
    return PERSIST_OK;
}

int persist_bgsave(int schedule) {
    pthread_mutex_lock(&state_lock);
    persist_reap_locked(0);
    int rc;
    if (bg_running) rc = PERSIST_BUSY;
    else if (busy) {
        if (schedule) {
            bg_scheduled = 1;
            rc = PERSIST_SCHEDULED;
        } else {
            rc = PERSIST_BUSY_OTHER;
        }
    } else {
        rc = persist_start_bg_locked();
    }
    pthread_mutex_unlock(&state_lock);
    return rc;
}

int persist_save(void) {
    pthread_mutex_lock(&state_lock);
    persist_reap_locked(0);
    pthread_mutex_unlock(&state_lock);
    if (persist_claim() != 0) return bg_running ? PERSIST_BUSY : PERSIST_BUSY_OTHER;
    return persist_save_sync() == 0 ? PERSIST_OK : PERSIST_ERR;
}

long long persist_lastsave(void) { return atomic_load(&lastsave_s); }

void persist_cron(void) {
    aof_cron();
    pthread_mutex_lock(&state_lock);
    persist_reap_locked(0);
    long long now = clock_ms() / 1000;
    int retry_ok = atomic_load(&last_bgsave_ok) || now - last_bgsave_try_s > BGSAVE_RETRY_DELAY_S;
    if (!busy && !bg_running) {
        struct save_point sp[16];
        int n = persist_save_points(sp, 16);
        long long dirty = persist_dirty();
        for (int i = 0; i < n; i++) {
            if (dirty >= sp[i].changes && now - atomic_load(&lastsave_s) > sp[i].seconds && retry_ok) {
                log_notice("%lld changes in %lld seconds. Saving...", sp[i].changes, sp[i].seconds);
                persist_start_bg_locked();
                break;
            }
        }
    }
    if (bg_scheduled && !busy && !bg_running && retry_ok) {
        if (persist_start_bg_locked() == PERSIST_OK) bg_scheduled = 0;
    }
    pthread_mutex_unlock(&state_lock);
}

/* Stop a background save and wait for its thread (caller holds no shard lock). */
static void persist_kill_bg(void) {
    pthread_mutex_lock(&state_lock);
    if (bg_running && !bg_finished) {
        log_warning("There is a child saving an .rdb. Killing it!");
        abort_requested = 1;
        snapshot_abort();
    }
    persist_reap_locked(1);
    pthread_mutex_unlock(&state_lock);
}

int persist_prepare_shutdown(int flags) {
    persist_kill_bg();
    if (aof_enabled()) {
        log_notice("Calling fsync() on the AOF file.");
        if (aof_flush_for_shutdown() != 0) {
            log_warning("Error writing the AOF before shutting down, can't exit.");
            return -1;
        }
    }
    struct save_point sp[1];
    int want = (flags & PERSIST_SHUTDOWN_SAVE) ||
               (!(flags & PERSIST_SHUTDOWN_NOSAVE) && persist_save_points(sp, 1) > 0);
    if (!want) return 0;
    /* a foreground SAVE may still be running on a worker: let it finish */
    while (persist_claim() != 0) usleep(1000);
    log_notice("Saving the final RDB snapshot before exiting.");
    struct lockset all;
    lockset_init(&all);
    lockset_add_all(&all);
    lockset_acquire(&all);
    int rc = persist_save_sync();
    if (rc == 0) atomic_fetch_or(&db_write_gate, DB_GATE_FROZEN);
    lockset_release(&all);
    lockset_free(&all);
    if (rc != 0) {
        log_warning("Error trying to save the DB, can't exit.");
        return -1;
    }
    return 0;
}

void persist_after_flushall(void) {
    struct save_point sp[1];
    if (persist_save_points(sp, 1) == 0) return;
    pthread_mutex_lock(&state_lock);
    if (busy) { /* whatever it writes predates the flush: discard it */
        abort_requested = 1;
        snapshot_abort();
    }
    pthread_mutex_unlock(&state_lock);
    struct snapshot_stats st;
    memset(&st, 0, sizeof(st));
    st.dirty_at_start = STATS_SUM(dirty);
    if (persist_write_file(body_empty, NULL, 0) == 0) {
        pthread_mutex_lock(&state_lock);
        persist_saved_locked(&st);
        pthread_mutex_unlock(&state_lock);
        log_notice("DB saved on disk");
    }
}

/* ---- loading ---- */

static int persist_sink(void *priv, int dbid, entry *e, char *err, size_t errlen) {
    int merge = priv != NULL;
    struct db *db = db_get(dbid);
    if (merge) {
        db_put(db, e, 0);
        return 0;
    }
    const char *key = entry_key(e);
    size_t klen = entry_keylen(e);
    uint64_t h = ktable_hash(key, klen);
    if (ktable_find(&db_shard_of(db, h)->kt, h, key, klen, NULL)) {
        snprintf(err, errlen, "RDB has duplicated key '%.*s' in DB %d", (int)(klen > 128 ? 128 : klen), key, dbid);
        entry_free(e);
        return -1;
    }
    db_add(db, e);
    return 0;
}

/* Load `path` into the (empty) dbs. Returns 0, 1 (no such file) or -1 with err. */
static int persist_load_file(const char *path, int merge, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 1;
        snprintf(err, errlen, "can't open %s: %s", path, strerror(errno));
        return -1;
    }
    struct pstream s;
    int encrypted = 0;
    if (crypt_open_reader(&s, fd, &encrypted) != 0) {
        snprintf(err, errlen, "%s", s.error);
        ps_close(&s);
        close(fd);
        return -1;
    }
    struct rdb_load_ctx ctx = {.ndbs = db_count(),
                               .now_ms = clock_ms(),
                               .skip_expired = 1,
                               .verify_checksum = server_config.rdbchecksum,
                               .sink = persist_sink,
                               .priv = merge ? (void *)1 : NULL};
    atomic_store(&loading_now, 1);
    int rc = rdb_load_stream(&s, &ctx, err, errlen);
    atomic_store(&loading_now, 0);
    if (encrypted) {
        /* the container must end exactly with its authenticated end marker */
        unsigned char extra;
        int ended = 0;
        if (rc == 0 && ps_read_some(&s, &extra, 1) != 0) {
            snprintf(err, errlen, "%s", s.failed ? s.error : "data after the RDB in the encrypted file");
            rc = -1;
        }
        crypt_reader_state(&s, &ended, NULL, NULL, NULL);
        if (rc == 0 && !ended) {
            snprintf(err, errlen, "the encrypted file is truncated (no end marker)");
            rc = -1;
        } else if (rc != 0 && !ended) {
            size_t l = strlen(err);
            snprintf(err + l, errlen - l, " (the encrypted file is truncated or incomplete: no end marker reached)");
        }
    }
    ps_close(&s);
    close(fd);
    load_keys_loaded = ctx.keys_loaded;
    load_keys_expired = ctx.keys_expired;
    return rc;
}

int persist_load_at_startup(void) {
    char kf[4096], okf[4096], kerr[512];
    config_copy_string(&server_config.encryption_key_file, kf, sizeof(kf));
    config_copy_string(&server_config.encryption_old_key_files, okf, sizeof(okf));
    if (crypt_configure(kf, okf, kerr, sizeof(kerr)) != 0) {
        log_warning("Fatal error: %s. Exiting.", kerr);
        return -1;
    }
    if (crypt_enabled()) {
        char id[17];
        crypt_current_key_id(id);
        log_notice("Encryption at rest is on: RDB and AOF files are written with key id %s", id);
    }
    if (server_config.appendonly) return aof_load_at_startup(); /* the AOF wins, as in Redis */
    char fname[PATH_MAX], err[512] = "";
    config_copy_string(&server_config.dbfilename, fname, sizeof(fname));
    long long start = clock_mono_us();
    int rc = persist_load_file(fname, 0, err, sizeof(err));
    if (rc == 1) return 0;
    if (rc != 0) {
        log_warning("Fatal error loading the DB: %s. Exiting.", err);
        return -1;
    }
    log_notice("DB loaded from disk: %.3f seconds", (double)(clock_mono_us() - start) / 1e6);
    log_notice("Done loading RDB, keys loaded: %lld, keys expired: %lld.", load_keys_loaded, load_keys_expired);
    return 0;
}

int persist_debug_reload_ex(int flags, char *err, size_t errlen) {
    if (persist_claim() != 0) {
        snprintf(err, errlen, "ERR Background save already in progress");
        return -1;
    }
    struct lockset all;
    lockset_init(&all);
    lockset_add_all(&all);
    lockset_acquire(&all);
    int rc = 0;
    if (flags & PERSIST_RELOAD_NOSAVE) {
        pthread_mutex_lock(&state_lock);
        busy = 0;
        pthread_mutex_unlock(&state_lock);
    } else if (persist_save_sync() != 0) {
        snprintf(err, errlen, "ERR");
        rc = -1;
    }
    if (rc == 0) {
        if (!(flags & PERSIST_RELOAD_NOFLUSH))
            for (int d = 0; d < db_count(); d++) db_flush(db_get(d), 0);
        char fname[PATH_MAX], why[512] = "";
        config_copy_string(&server_config.dbfilename, fname, sizeof(fname));
        int lrc = persist_load_file(fname, (flags & PERSIST_RELOAD_MERGE) != 0, why, sizeof(why));
        if (lrc != 0) {
            log_warning("Error trying to load the RDB dump: %s", lrc == 1 ? "no such file" : why);
            snprintf(err, errlen, "ERR Error trying to load the RDB dump, check server logs.");
            rc = -1;
        }
    }
    lockset_release(&all);
    lockset_free(&all);
    if (rc == 0) log_warning("DB reloaded by DEBUG RELOAD");
    return rc;
}

int persist_debug_reload(char *err, size_t errlen) { return persist_debug_reload_ex(0, err, errlen); }

/* ---- gates ---- */

int persist_gate_command(struct client *c, const struct command *cmd, const struct lockset *ls) {
    int gate = atomic_load_explicit(&db_write_gate, memory_order_relaxed);
    if (gate & DB_GATE_FROZEN) {
        reply_error(&c->out, "ERR the server is shutting down");
        atomic_fetch_or(&c->flags, CLIENT_CLOSE_AFTER_REPLY);
        return -1;
    }
    if (!(cmd->flags & (CMD_WALKS_DB | CMD_WALKS_ALL))) snapshot_before_write_lockset(ls);
    return 0;
}

const char *persist_write_denied(void) {
    const char *aof = aof_write_denied();
    if (aof) return aof;
    if (atomic_load_explicit(&last_bgsave_ok, memory_order_relaxed)) return NULL;
    if (!server_config.stop_writes_on_bgsave_error) return NULL;
    struct save_point sp[1];
    if (persist_save_points(sp, 1) == 0) return NULL;
    return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
           "Commands that may modify the data set are disabled, because this instance is configured to report "
           "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check "
           "the Redis logs for details about the RDB error.";
}

int persist_loading(void) { return atomic_load(&loading_now); }

size_t persist_info(char *buf, size_t size) {
    pthread_mutex_lock(&state_lock);
    int in_bg = bg_running && !bg_finished; /* a finished one is reaped by the next cron */
    long long cur_secs = in_bg ? (clock_ms() - bg_start_ms) / 1000 : -1;
    long long processed = busy ? atomic_load(&cur_stats.keys_done) : 0;
    long long total = busy ? atomic_load(&cur_stats.keys_total) : 0;
    long long last_secs = last_bgsave_secs;
    long long loaded = load_keys_loaded, expired = load_keys_expired, cow = last_cow_bytes;
    pthread_mutex_unlock(&state_lock);
    int n = snprintf(buf, size,
                     "loading:%d\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\ncurrent_cow_size:0\r\n"
                     "current_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\ncurrent_save_keys_processed:%lld\r\n"
                     "current_save_keys_total:%lld\r\nrdb_changes_since_last_save:%lld\r\n"
                     "rdb_bgsave_in_progress:%d\r\nrdb_last_save_time:%lld\r\nrdb_last_bgsave_status:%s\r\n"
                     "rdb_last_bgsave_time_sec:%lld\r\nrdb_current_bgsave_time_sec:%lld\r\nrdb_saves:%lld\r\n"
                     "rdb_last_cow_size:%lld\r\nrdb_last_load_keys_expired:%lld\r\nrdb_last_load_keys_loaded:%lld\r\n",
                     persist_loading(), processed, total, persist_dirty(), in_bg, persist_lastsave(),
                     atomic_load(&last_bgsave_ok) ? "ok" : "err", last_secs, cur_secs, atomic_load(&rdb_saves),
                     cow, expired, loaded);
    if (n < 0) n = 0;
    if ((size_t)n >= size) return size ? size - 1 : 0;
    return (size_t)n + aof_info(buf + n, size - (size_t)n);
}

/* ---- life cycle ---- */

void persist_init(void) {
    rdb_types_init();
    aof_init();
    snapshot_init();
    atomic_store(&lastsave_s, clock_ms() / 1000);
    atomic_store(&dirty_baseline, STATS_SUM(dirty));
}

void persist_stop(void) {
    persist_kill_bg();
    aof_stop();
    crypt_shutdown();
    snapshot_free();
}
