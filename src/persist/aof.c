/* aof.c — the AOF record stream: the shared buffer that write commands append to, the
 * writer thread that moves it to the current incr file and fsyncs per appendfsync,
 * durability waits for appendfsync always, MULTI/EXEC groups and the keyspace listener
 * that records expired keys as DEL. See aof.h for the whole picture.
 *
 * Offsets: `appended` counts every byte ever appended (across files), `written` those
 * handed to write(2), `durable` those fsynced. A client whose last write ended at
 * offset X may receive its reply once durable >= X. The buffer, offsets, the selected
 * db and the file switch point are guarded by `lock`; `durable` is also readable
 * without it (acquire load pairs with the writer's release store, so a waiter that sees
 * X durable also sees everything the writer did before). */
#include "persist/aof.h"
#include "client.h"
#include "config.h"
#include "db/db.h"
#include "db/notify.h"
#include "persist/aof_emit.h"
#include "persist/aof_int.h"
#include "persist/crypt.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/numparse.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define AOF_FSYNC_EVERYSEC_MS 1000

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;       /* writer: there is work */
    pthread_cond_t durable_cv; /* waiters: durable moved */
    int on;                    /* records accepted */
    struct abuf buf;           /* appended, not yet written */
    uint64_t appended, written;
    uint64_t appended_pub;     /* = appended, readable without the lock */
    _Atomic uint64_t durable;
    int cur_db;                /* db selected at the end of the current file (-1: unknown) */
    int fd;                    /* the current incr file (writer thread) */
    struct crypt_appender *crypt; /* the current file is encrypted: one chunk per batch */
    int switch_pending;
    uint64_t switch_at;
    int switch_fd;
    struct crypt_appender *switch_crypt;
    pthread_t thread;
    int thread_running, stop;
    int waiters;               /* clients waiting for durability */
    int notifies;              /* registered durability notifications (below) */
    int flushing;              /* a round of write+fsync is running (writer or a waiter) */
    long long last_fsync_ms;
    int write_errno;           /* 0: last write ok */
    uint64_t file_size;        /* bytes in the current file including buffered */
    long long last_ts;         /* aof-timestamp-enabled: last #TS written */
} A = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .durable_cv = PTHREAD_COND_INITIALIZER,
       .cur_db = -1,
       .fd = -1,
       .switch_fd = -1};

int aof_rewrite_running;

int aof_stream_on(void) { return __atomic_load_n(&A.on, __ATOMIC_RELAXED); }
int aof_enabled(void) { return aof_stream_on(); }
int aof_stream_last_errno(void) { return __atomic_load_n(&A.write_errno, __ATOMIC_RELAXED); }

uint64_t aof_stream_file_size(void) {
    pthread_mutex_lock(&A.lock);
    uint64_t n = A.file_size;
    pthread_mutex_unlock(&A.lock);
    return n;
}

/* ---- appending (any thread, shard locks of the record's keys held) ---- */

/* The offset after this thread's latest record: what its clients' replies wait for. */
static _Thread_local uint64_t my_offset;

/* Thread-local MULTI/EXEC group: records as [dbid:4][len:4][bytes]. */
static _Thread_local struct {
    int depth;
    int count;
    struct abuf recs;
} group;

static void append_select_locked(int dbid) {
    struct abuf b;
    abuf_init(&b);
    abuf_cmd(&b, 2);
    abuf_arg(&b, "SELECT", 6);
    abuf_arg_ll(&b, dbid);
    abuf_put(&A.buf, b.p, b.len);
    A.appended += b.len;
    A.file_size += b.len;
    abuf_free(&b);
    A.cur_db = dbid;
}

static void append_locked(int dbid, const unsigned char *rec, size_t len) {
    if (server_config.aof_timestamp_enabled) {
        long long now = clock_ms() / 1000;
        if (now != A.last_ts) {
            char ts[40];
            int n = snprintf(ts, sizeof(ts), "#TS:%lld\r\n", now);
            abuf_put(&A.buf, ts, (size_t)n);
            A.appended += (uint64_t)n;
            A.file_size += (uint64_t)n;
            A.last_ts = now;
        }
    }
    if (dbid != A.cur_db) append_select_locked(dbid);
    abuf_put(&A.buf, rec, len);
    A.appended += len;
    A.file_size += len;
    __atomic_store_n(&A.appended_pub, A.appended, __ATOMIC_RELEASE);
}

static void wake_writer_locked(void) {
    /* The writer polls (100 ms) and is woken by whoever waits for durability
     * (appendfsync always: a worker after its round of commands), so one write+fsync
     * covers a whole round; waking it on every append would split rounds in two. */
    if (A.buf.len > 1024 * 1024) pthread_cond_signal(&A.wake);
}

void aof_stream_append(int dbid, const unsigned char *rec, size_t len) {
    if (!aof_stream_on()) return;
    if (group.depth > 0) {
        uint32_t h[2] = {(uint32_t)dbid, (uint32_t)len};
        abuf_put(&group.recs, h, sizeof(h));
        abuf_put(&group.recs, rec, len);
        group.count++;
        return;
    }
    pthread_mutex_lock(&A.lock);
    if (A.on) {
        append_locked(dbid, rec, len);
        my_offset = A.appended;
        wake_writer_locked();
    }
    pthread_mutex_unlock(&A.lock);
}

void aof_feed(int dbid, int argc, const struct arg *argv) {
    if (!aof_stream_on()) return;
    struct abuf b;
    abuf_init(&b);
    abuf_cmd(&b, argc);
    for (int i = 0; i < argc; i++) abuf_arg(&b, argv[i].ptr, argv[i].len);
    aof_stream_append(dbid, b.p, b.len);
    abuf_free(&b);
}

void aof_group_begin(void) {
    if (group.depth++ == 0) {
        group.count = 0;
        group.recs.len = 0;
    }
}

void aof_group_end(void) {
    if (group.depth == 0 || --group.depth > 0) return;
    if (group.count == 0) {
        abuf_free(&group.recs);
        return;
    }
    static const unsigned char multi[] = "*1\r\n$5\r\nMULTI\r\n", exec[] = "*1\r\n$4\r\nEXEC\r\n";
    pthread_mutex_lock(&A.lock);
    if (A.on) {
        size_t at = 0;
        int first = 1;
        while (at + 8 <= group.recs.len) {
            uint32_t h[2];
            memcpy(h, group.recs.p + at, sizeof(h));
            at += 8;
            if (first && group.count > 1) {
                /* MULTI goes in the first record's db, so no SELECT splits the group's start */
                if ((int)h[0] != A.cur_db) append_select_locked((int)h[0]);
                append_locked(A.cur_db, multi, sizeof(multi) - 1);
            }
            first = 0;
            append_locked((int)h[0], group.recs.p + at, h[1]);
            at += h[1];
        }
        if (group.count > 1) append_locked(A.cur_db, exec, sizeof(exec) - 1);
        my_offset = A.appended;
        wake_writer_locked();
    }
    pthread_mutex_unlock(&A.lock);
    group.count = 0;
    abuf_free(&group.recs); /* thread-local: keep nothing allocated between groups */
}

/* ---- durability ---- */

static int flush_round_locked(int force_sync);

/* Workers that asked to be told when the AOF is durable up to `need` (one slot each;
 * guarded by A.lock). The writer calls fn(arg) outside the lock once it is. */
#define AOF_MAX_NOTIFY 512
static struct aof_notify {
    uint64_t need;
    void (*fn)(void *);
    void *arg;
} notify_slots[AOF_MAX_NOTIFY];

/* Call (outside the lock) every notification that is due (or all when `all`). */
static void run_notifications_locked(int all) {
    if (A.notifies == 0) return;
    uint64_t durable = atomic_load(&A.durable);
    struct aof_notify due[AOF_MAX_NOTIFY];
    int n = 0;
    for (int i = 0; i < AOF_MAX_NOTIFY && A.notifies > 0; i++) {
        if (!notify_slots[i].fn || (!all && notify_slots[i].need > durable)) continue;
        due[n++] = notify_slots[i];
        notify_slots[i].fn = NULL;
        A.notifies--;
    }
    if (n == 0) return;
    pthread_mutex_unlock(&A.lock);
    for (int i = 0; i < n; i++) due[i].fn(due[i].arg);
    pthread_mutex_lock(&A.lock);
}

int aof_notify_when_durable(int slot, uint64_t need, void (*fn)(void *), void *arg) {
    if (server_config.appendfsync != APPENDFSYNC_ALWAYS || !aof_stream_on() ||
        atomic_load_explicit(&A.durable, memory_order_acquire) >= need)
        return 1;
    if (slot < 0 || slot >= AOF_MAX_NOTIFY) {
        aof_wait_offset(need); /* no slot: wait here instead */
        return 1;
    }
    pthread_mutex_lock(&A.lock);
    int now = !A.on || atomic_load(&A.durable) >= need;
    if (!now) {
        if (!notify_slots[slot].fn) A.notifies++;
        notify_slots[slot] = (struct aof_notify){need, fn, arg};
        pthread_cond_signal(&A.wake);
    }
    pthread_mutex_unlock(&A.lock);
    return now;
}

uint64_t aof_durable_offset(void) { return atomic_load_explicit(&A.durable, memory_order_acquire); }
uint64_t aof_appended_offset(void) { return __atomic_load_n(&A.appended_pub, __ATOMIC_ACQUIRE); }

int aof_client_must_wait(const struct client *c) {
    uint64_t need = c->aof_needed;
    return need && server_config.appendfsync == APPENDFSYNC_ALWAYS && aof_stream_on() &&
           atomic_load_explicit(&A.durable, memory_order_acquire) < need;
}

void aof_wait_offset(uint64_t offset) {
    if (server_config.appendfsync != APPENDFSYNC_ALWAYS) return;
    if (atomic_load_explicit(&A.durable, memory_order_acquire) >= offset) return;
    pthread_mutex_lock(&A.lock);
    A.waiters++;
    while (A.on && atomic_load_explicit(&A.durable, memory_order_acquire) < offset &&
           server_config.appendfsync == APPENDFSYNC_ALWAYS) {
        /* group commit: the first waiter writes and fsyncs everything appended so far,
         * for itself and every other thread's records; the others wait for it */
        if (!A.flushing && A.fd >= 0) flush_round_locked(1);
        else pthread_cond_wait(&A.durable_cv, &A.lock);
    }
    A.waiters--;
    pthread_mutex_unlock(&A.lock);
}

void aof_client_wait(struct client *c) {
    if (aof_client_must_wait(c)) aof_wait_offset(c->aof_needed);
    c->aof_needed = 0;
}

uint64_t aof_thread_offset(void) { return my_offset; }

/* ---- the writer thread ---- */

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

/* Write one batch to fd (sealed as one encrypted chunk when ca is set, so chunks hold
 * whole records). On failure the file is cut back to where it was; returns 0 or errno. */
static int write_segment(int fd, struct crypt_appender *ca, const unsigned char *p, size_t n) {
    if (n == 0) return 0;
    off_t before = lseek(fd, 0, SEEK_END);
    uint64_t mark = ca ? crypt_appender_mark(ca) : 0;
    const unsigned char *buf = p;
    size_t len = n;
    unsigned char *sealed = NULL;
    if (ca) {
        if (crypt_appender_seal(ca, p, n, &sealed, &len) != 0) return EIO;
        buf = sealed;
    }
    int err = 0;
    if (write_all(fd, buf, len) != 0) {
        err = errno ? errno : EIO;
        if (before >= 0 && ftruncate(fd, before) != 0) log_warning("Can't truncate the AOF after a short write");
        if (ca) crypt_appender_rewind(ca, mark);
    }
    wfree(sealed);
    return err;
}

/* Give bytes that could not be written back to the front of the buffer (lock held). */
static void unwrite_locked(const unsigned char *p, size_t n) {
    struct abuf b;
    abuf_init(&b);
    abuf_put(&b, p, n);
    abuf_put(&b, A.buf.p, A.buf.len);
    abuf_free(&A.buf);
    A.buf = b;
}

/* One round of the writer: take the buffer, write it (switching files at the switch
 * point), fsync as the policy says (always when force_sync), publish what is written
 * and durable. Called with the lock held and no round running (A.flushing == 0); the
 * lock is dropped during the I/O and held again on return. Returns 0 or an errno. */
static int flush_round_locked(int force_sync) {
    A.flushing = 1;
    struct abuf work = A.buf;
    abuf_init(&A.buf);
    uint64_t base = A.written;
    size_t first = work.len;
    int do_switch = A.switch_pending && A.switch_at <= base + work.len;
    int new_fd = A.switch_fd;
    struct crypt_appender *new_ca = A.switch_crypt;
    if (do_switch) first = (size_t)(A.switch_at - base);
    int fd = A.fd;
    struct crypt_appender *ca = A.crypt;
    int policy = server_config.appendfsync;
    int waiting = A.waiters > 0;
    pthread_mutex_unlock(&A.lock);

    int err = 0, synced = 0, switched = 0;
    size_t done = 0;
    if ((err = write_segment(fd, ca, work.p, first)) == 0) done = first;
    if (!err && do_switch) {
        /* the old file must be complete on disk before records move on */
        if (fdatasync(fd) != 0) {
            err = errno;
        } else {
            close(fd);
            fd = new_fd;
            ca = new_ca;
            switched = 1;
            synced = 1;
        }
    }
    if (!err && work.len > first) {
        if ((err = write_segment(fd, ca, work.p + first, work.len - first)) == 0) {
            done = work.len;
            synced = 0;
        }
    }
    if (!err && !synced && policy != APPENDFSYNC_NO) {
        long long now = clock_ms();
        int skip = server_config.no_appendfsync_on_rewrite && aof_rewrite_running && !force_sync;
        if (!skip && (force_sync || waiting || policy == APPENDFSYNC_ALWAYS ||
                      now - A.last_fsync_ms >= AOF_FSYNC_EVERYSEC_MS)) {
            if (fdatasync(fd) != 0) err = errno;
            else synced = 1;
            A.last_fsync_ms = now;
        }
    }

    pthread_mutex_lock(&A.lock);
    if (switched) {
        crypt_appender_free(A.crypt);
        A.crypt = new_ca;
        A.fd = new_fd;
        A.switch_pending = 0;
        A.switch_fd = -1;
        A.switch_crypt = NULL;
    }
    A.written = base + done;
    if (err) {
        if (done < work.len) unwrite_locked(work.p + done, work.len - done);
        if (A.write_errno == 0) log_warning("Error writing to the AOF file: %s", strerror(err));
        A.write_errno = err;
        if (server_config.appendfsync == APPENDFSYNC_ALWAYS) {
            /* as Redis: an acknowledged write must never be lost, so stop here */
            log_warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
            _exit(1);
        }
    } else {
        if (A.write_errno) log_notice("AOF write error looks solved, Redis can write again.");
        A.write_errno = 0;
        if (synced || policy == APPENDFSYNC_NO) {
            /* with "no" nothing is ever waited for; durable only tracks what was written */
            atomic_store_explicit(&A.durable, A.written, memory_order_release);
        }
    }
    /* keep the larger buffer for the next round */
    if (A.buf.p == NULL) {
        work.len = 0;
        A.buf = work;
    } else if (A.buf.len == 0 && work.cap > A.buf.cap) {
        abuf_free(&A.buf);
        work.len = 0;
        A.buf = work;
    } else {
        abuf_free(&work);
    }
    A.flushing = 0;
    pthread_cond_broadcast(&A.durable_cv);
    run_notifications_locked(0);
    return err;
}

static void *aof_writer_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&A.lock);
    for (;;) {
        long long now = clock_ms();
        int unsynced = A.written > atomic_load(&A.durable);
        int policy = server_config.appendfsync;
        int want_fsync_now = unsynced && (A.waiters > 0 || A.notifies > 0 ||
                                          (policy == APPENDFSYNC_EVERYSEC &&
                                           now - A.last_fsync_ms >= AOF_FSYNC_EVERYSEC_MS));
        if (A.notifies > 0 && !A.flushing) {
            run_notifications_locked(policy != APPENDFSYNC_ALWAYS || !A.on);
            if (A.notifies > 0 && A.written == atomic_load(&A.durable) && A.buf.len == 0 && !A.flushing) {
                /* someone waits for bytes appended but not yet written: a round will do it */
                want_fsync_now = 1;
            }
        }
        int idle = A.buf.len == 0 && !want_fsync_now && !(A.switch_pending && A.switch_at == A.written);
        if (A.flushing || idle) {
            if (A.stop && !A.flushing) break;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(A.flushing ? &A.durable_cv : &A.wake, &A.lock, &ts);
            continue;
        }
        if (flush_round_locked(A.notifies > 0) != 0) {
            pthread_mutex_unlock(&A.lock);
            usleep(1000 * 1000); /* retry in a second, as Redis does */
            pthread_mutex_lock(&A.lock);
        }
    }
    pthread_mutex_unlock(&A.lock);
    return NULL;
}

void aof_stream_start(int fd, uint64_t size, struct crypt_appender *ca) {
    pthread_mutex_lock(&A.lock);
    crypt_appender_free(A.crypt);
    A.crypt = ca;
    A.fd = fd;
    A.file_size = size;
    A.cur_db = -1;
    A.stop = 0;
    A.last_fsync_ms = clock_ms();
    A.write_errno = 0;
    __atomic_store_n(&A.on, 1, __ATOMIC_RELAXED);
    if (!A.thread_running) {
        if (pthread_create(&A.thread, NULL, aof_writer_main, NULL) == 0) A.thread_running = 1;
        else log_warning("Can't start the AOF writer thread: %s", strerror(errno));
    }
    pthread_mutex_unlock(&A.lock);
}

void aof_stream_switch(int new_fd, struct crypt_appender *ca) {
    pthread_mutex_lock(&A.lock);
    if (A.switch_pending && A.switch_fd >= 0) close(A.switch_fd); /* an unfinished earlier switch */
    crypt_appender_free(A.switch_crypt);
    A.switch_pending = 1;
    A.switch_at = A.appended;
    A.switch_fd = new_fd;
    A.switch_crypt = ca;
    A.cur_db = -1; /* the new file starts with no db selected */
    A.file_size = 0;
    pthread_cond_signal(&A.wake);
    pthread_mutex_unlock(&A.lock);
}

int aof_stream_drain(int stop) {
    pthread_mutex_lock(&A.lock);
    if (!A.thread_running) {
        pthread_mutex_unlock(&A.lock);
        return 0;
    }
    uint64_t target = A.appended;
    A.waiters++;
    pthread_cond_signal(&A.wake);
    /* wait until everything appended so far is written and fsynced */
    while (atomic_load(&A.durable) < target && A.write_errno == 0) pthread_cond_wait(&A.durable_cv, &A.lock);
    A.waiters--;
    int rc = A.write_errno ? -1 : 0;
    if (stop) {
        __atomic_store_n(&A.on, 0, __ATOMIC_RELAXED);
        run_notifications_locked(1);
        A.stop = 1;
        pthread_cond_broadcast(&A.wake);
        pthread_cond_broadcast(&A.durable_cv);
        pthread_t t = A.thread;
        A.thread_running = 0;
        pthread_mutex_unlock(&A.lock);
        pthread_join(t, NULL);
        pthread_mutex_lock(&A.lock);
        if (A.fd >= 0) {
            if (fsync(A.fd) != 0) rc = -1;
            close(A.fd);
        }
        if (A.switch_fd >= 0) close(A.switch_fd);
        A.fd = A.switch_fd = -1;
        A.switch_pending = 0;
        crypt_appender_free(A.crypt);
        crypt_appender_free(A.switch_crypt);
        A.crypt = A.switch_crypt = NULL;
        abuf_free(&A.buf);
        A.stop = 0;
    }
    pthread_mutex_unlock(&A.lock);
    return rc;
}

const char *aof_write_denied(void) {
    static _Thread_local char msg[200];
    int e = aof_stream_last_errno();
    if (!e || !aof_stream_on()) return NULL;
    snprintf(msg, sizeof(msg), "MISCONF Errors writing to the AOF file: %s", strerror(e));
    return msg;
}

/* ---- keyspace listener: expired and evicted keys become DEL ---- */

static void aof_capture_event(const char *event, const char *key, size_t klen);
static _Thread_local int capturing; /* a write command is running on this thread */

/* A change made outside a dispatched write command (the memcache front end): record
 * the key's resulting state — SET with its TTL, or DEL. (The shard lock is held.) */
static void aof_feed_key_state(int dbid, const char *key, size_t klen) {
    struct db *db = db_get(dbid);
    entry *e = db ? db_find(db, key, klen, LOOKUP_NOTOUCH) : NULL;
    if (!e) {
        struct arg argv[2] = {{(char *)"DEL", 3}, {(char *)key, klen}};
        aof_feed(dbid, 2, argv);
        return;
    }
    if (entry_type(e) != OBJ_STRING) return; /* only strings change outside dispatch */
    char tmp[24], ms[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    int n = entry_has_expire(e) ? num_ll_to_str(ms, entry_expire(e)) : 0;
    struct arg argv[5] = {{(char *)"SET", 3}, {(char *)key, klen}, {(char *)p, len}, {(char *)"PXAT", 4}, {ms, (size_t)n}};
    aof_feed(dbid, entry_has_expire(e) ? 5 : 3, argv);
}

static void aof_listener(int dbid, const char *key, size_t klen, int type, const char *event) {
    if (!aof_stream_on()) return;
    if (type == NOTIFY_KEY_MISS) return;
    if (type == NOTIFY_EXPIRED || type == NOTIFY_EVICTED) {
        struct arg argv[2] = {{(char *)"DEL", 3}, {(char *)key, klen}};
        aof_feed(dbid, 2, argv);
        return;
    }
    if (!capturing) {
        aof_feed_key_state(dbid, key, klen);
        return;
    }
    aof_capture_event(event, key, klen);
}

/* Events of the running command (aof_feed.c reads them through aof_capture_key). */
#define CAPTURE_MAX 4
static _Thread_local struct {
    int n;
    const char *event[CAPTURE_MAX];
    char *key[CAPTURE_MAX];
    size_t klen[CAPTURE_MAX];
} cap;

void aof_command_begin(void) {
    aof_capture_reset();
    aof_noted_reset();
    capturing = 1;
}

static void aof_capture_event(const char *event, const char *key, size_t klen) {
    if (!capturing || cap.n == CAPTURE_MAX) return;
    cap.event[cap.n] = event; /* event names are string literals */
    cap.key[cap.n] = wmemdup(key, klen);
    cap.klen[cap.n] = klen;
    cap.n++;
}

void aof_capture_reset(void) {
    for (int i = 0; i < cap.n; i++) wfree(cap.key[i]);
    cap.n = 0;
    capturing = 0;
}

int aof_capture_key(const char *event, const char **key, size_t *klen) {
    for (int i = 0; i < cap.n; i++)
        if (!strcmp(cap.event[i], event)) {
            *key = cap.key[i];
            *klen = cap.klen[i];
            return 1;
        }
    return 0;
}

/* Members noted by the running command (SPOP). */
static _Thread_local struct {
    struct arg *m;
    int n, cap;
} noted;

void aof_note_member(const char *m, size_t len) {
    if (!aof_stream_on()) return;
    if (noted.n == noted.cap) {
        noted.cap = noted.cap ? noted.cap * 2 : 16;
        noted.m = wrealloc(noted.m, sizeof(struct arg) * (size_t)noted.cap);
    }
    noted.m[noted.n].ptr = wmemdup(m, len);
    noted.m[noted.n].len = len;
    noted.n++;
}

int aof_noted_members(const struct arg **members) {
    *members = noted.m;
    return noted.n;
}

void aof_noted_reset(void) {
    for (int i = 0; i < noted.n; i++) wfree(noted.m[i].ptr);
    noted.n = 0;
    /* thread-local: keep nothing allocated between commands (threads end without a hook) */
    wfree(noted.m);
    noted.m = NULL;
    noted.cap = 0;
}

void aof_init(void) { keyspace_add_listener(aof_listener); }
