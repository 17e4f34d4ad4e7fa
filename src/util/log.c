/* log.c — see log.h. The level is read on every call from any thread, so it is atomic. */
#include "util/log.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static _Atomic int log_level = LOG_NOTICE;
static _Atomic int log_out_fd = STDOUT_FILENO;
static char log_role = 'M';

void log_set_level(int level) { atomic_store(&log_level, level); }
int log_get_level(void) { return atomic_load(&log_level); }
void log_set_role_char(char role) { log_role = role; }
int log_fd(void) { return atomic_load(&log_out_fd); }

int log_open(const char *path) {
    if (!path || !path[0]) { atomic_store(&log_out_fd, STDOUT_FILENO); return 0; }
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return -1;
    int old = atomic_exchange(&log_out_fd, fd);
    if (old > STDERR_FILENO) close(old);
    return 0;
}

void log_msg(int level, const char *fmt, ...) {
    if (level < atomic_load_explicit(&log_level, memory_order_relaxed)) return;
    static const char marks[] = ".-*#";
    char line[2048];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    int n = snprintf(line, sizeof(line), "%d:%c ", (int)getpid(), log_role);
    n += (int)strftime(line + n, sizeof(line) - (size_t)n, "%d %b %Y %H:%M:%S", &tm);
    n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03d %c ", (int)(tv.tv_usec / 1000),
                  marks[level > 3 ? 3 : level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0) m = 0;
    n += m;
    if (n > (int)sizeof(line) - 2) n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    ssize_t w = write(atomic_load(&log_out_fd), line, (size_t)n);
    (void)w;
}
