/* audit.c — see audit.h. Producers format a line and append it to a queue under a
 * mutex; the writer thread swaps the queue out and writes it. A write error is counted
 * (INFO) and logged once per burst, never fatal. The queue is bounded: past
 * AUDIT_QUEUE_MAX pending lines new events are dropped and counted as errors, so a
 * stuck disk cannot eat the server's memory. */
#include "acl/audit.h"
#include "util/alloc.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define AUDIT_QUEUE_MAX 100000

struct audit_line {
    struct audit_line *next;
    size_t len;
    char text[];
};

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct audit_line *q_head, *q_tail;
static long q_len;
static int writer_running, writer_stop, reopen_wanted;
static pthread_t writer;
static char *audit_path; /* owned, guarded by q_lock */
static int audit_fd = -1;
static _Atomic int enabled;
static _Atomic long long write_errors, written;

int audit_enabled(void) { return atomic_load_explicit(&enabled, memory_order_relaxed); }
long long audit_write_errors(void) { return atomic_load(&write_errors); }
long long audit_events_written(void) { return atomic_load(&written); }

static int open_file(const char *path) {
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) fchmod(fd, 0600);
    return fd;
}

static void *writer_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&q_lock);
    while (1) {
        while (!q_head && !writer_stop && !reopen_wanted) pthread_cond_wait(&q_cond, &q_lock);
        if (reopen_wanted && audit_path) {
            reopen_wanted = 0;
            int fd = open_file(audit_path);
            if (fd >= 0) {
                if (audit_fd >= 0) close(audit_fd);
                audit_fd = fd;
            } else {
                atomic_fetch_add(&write_errors, 1);
                log_warning("audit log: cannot reopen %s: %s", audit_path, strerror(errno));
            }
        }
        struct audit_line *list = q_head;
        q_head = q_tail = NULL;
        q_len = 0;
        int fd = audit_fd;
        if (!list && writer_stop) break;
        pthread_mutex_unlock(&q_lock);
        int failed = 0;
        while (list) {
            struct audit_line *n = list->next;
            if (fd >= 0) {
                ssize_t w = write(fd, list->text, list->len);
                if (w != (ssize_t)list->len) {
                    atomic_fetch_add(&write_errors, 1);
                    if (!failed) log_warning("audit log: write failed: %s", w < 0 ? strerror(errno) : "short write");
                    failed = 1;
                } else {
                    atomic_fetch_add(&written, 1);
                }
            }
            wfree(list);
            list = n;
        }
        pthread_mutex_lock(&q_lock);
    }
    pthread_mutex_unlock(&q_lock);
    return NULL;
}

int audit_open(const char *path) {
    if (!path || !path[0]) {
        atomic_store(&enabled, 0);
        return 0;
    }
    int fd = open_file(path);
    if (fd < 0) return -1;
    pthread_mutex_lock(&q_lock);
    if (audit_fd >= 0) close(audit_fd);
    audit_fd = fd;
    wfree(audit_path);
    audit_path = wstrdup(path);
    if (!writer_running) {
        writer_running = 1;
        writer_stop = 0;
        pthread_create(&writer, NULL, writer_main, NULL);
    }
    pthread_mutex_unlock(&q_lock);
    atomic_store(&enabled, 1);
    return 0;
}

void audit_reopen(void) {
    pthread_mutex_lock(&q_lock);
    reopen_wanted = 1;
    pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_lock);
}

void audit_close(void) {
    atomic_store(&enabled, 0);
    pthread_mutex_lock(&q_lock);
    int running = writer_running;
    writer_stop = 1;
    pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_lock);
    if (running) pthread_join(writer, NULL);
    pthread_mutex_lock(&q_lock);
    writer_running = 0;
    if (audit_fd >= 0) close(audit_fd);
    audit_fd = -1;
    wfree(audit_path);
    audit_path = NULL;
    pthread_mutex_unlock(&q_lock);
}

/* Append s as a JSON string (with quotes) to buf; never past `size`. */
static size_t json_str(char *buf, size_t at, size_t size, const char *s) {
    if (at + 2 >= size) return at;
    buf[at++] = '"';
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && at + 8 < size; p++) {
        if (*p == '"' || *p == '\\') {
            buf[at++] = '\\';
            buf[at++] = (char)*p;
        } else if (*p < 0x20 || *p >= 0x7f) {
            at += (size_t)snprintf(buf + at, size - at, "\\u%04x", *p);
        } else {
            buf[at++] = (char)*p;
        }
    }
    buf[at++] = '"';
    return at;
}

void audit_event(const char *event, const char *client_addr, const char *user, const char *command,
                 const char *detail) {
    if (!audit_enabled()) return;
    char line[2048];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t at = (size_t)snprintf(line, sizeof(line), "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"event\":",
                                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                                 (int)(tv.tv_usec / 1000));
    at = json_str(line, at, sizeof(line) - 64, event);
    at += (size_t)snprintf(line + at, sizeof(line) - at, ",\"client\":");
    at = json_str(line, at, sizeof(line) - 64, client_addr);
    at += (size_t)snprintf(line + at, sizeof(line) - at, ",\"user\":");
    at = json_str(line, at, sizeof(line) - 64, user);
    at += (size_t)snprintf(line + at, sizeof(line) - at, ",\"command\":");
    at = json_str(line, at, sizeof(line) - 64, command);
    if (detail) {
        at += (size_t)snprintf(line + at, sizeof(line) - at, ",\"detail\":");
        at = json_str(line, at, sizeof(line) - 8, detail);
    }
    line[at++] = '}';
    line[at++] = '\n';
    struct audit_line *l = wmalloc(sizeof(*l) + at);
    l->next = NULL;
    l->len = at;
    memcpy(l->text, line, at);
    pthread_mutex_lock(&q_lock);
    if (q_len >= AUDIT_QUEUE_MAX) {
        pthread_mutex_unlock(&q_lock);
        wfree(l);
        atomic_fetch_add(&write_errors, 1);
        return;
    }
    if (q_tail) q_tail->next = l;
    else q_head = l;
    q_tail = l;
    q_len++;
    pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_lock);
}
