/* crash.c — see crash.h. The handler runs in signal context: it only formats into a
 * static buffer by hand and calls write(2), sigaction(2) and raise(3), which are
 * async-signal-safe; it reads the thread's current command (a thread-local pointer to a
 * name in the static command table) and the log's descriptor (a lock-free atomic). */
#include "crash.h"
#include "cmd/dispatch.h"
#include "util/log.h"
#include "version.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CRASH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CRASH_SANITIZED 1
#endif
#endif

#ifndef CRASH_SANITIZED
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static const char *crash_signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    default: return "signal";
    }
}

/* Append s (at most `max` bytes of it) to buf[*at..size), keeping room for the NUL. */
static void crash_put(char *buf, size_t size, size_t *at, const char *s, size_t max) {
    for (size_t i = 0; i < max && s[i] && *at + 1 < size; i++) buf[(*at)++] = s[i];
}

static void crash_put_int(char *buf, size_t size, size_t *at, int v) {
    char digits[12];
    int n = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < (int)sizeof(digits));
    if (v < 0 && *at + 1 < size) buf[(*at)++] = '-';
    while (n > 0 && *at + 1 < size) buf[(*at)++] = digits[--n];
}

static void crash_handler(int sig, siginfo_t *info, void *uctx) {
    (void)info;
    (void)uctx;
    static char buf[512];
    size_t at = 0;
    const char *cmd = dispatch_current_command_name();
    crash_put(buf, sizeof(buf), &at, "\n=== WARDEN CRASH REPORT ===\nWarden ", 64);
    crash_put(buf, sizeof(buf), &at, WARDEN_VERSION, 32);
    crash_put(buf, sizeof(buf), &at, " crashed by signal ", 32);
    crash_put_int(buf, sizeof(buf), &at, sig);
    crash_put(buf, sizeof(buf), &at, " (", 2);
    crash_put(buf, sizeof(buf), &at, crash_signal_name(sig), 16);
    crash_put(buf, sizeof(buf), &at, ")\ncommand: ", 16);
    crash_put(buf, sizeof(buf), &at, cmd ? cmd : "(none)", 64);
    crash_put(buf, sizeof(buf), &at, "\n=== END OF CRASH REPORT ===\n", 40);
    int fd = log_fd();
    ssize_t w = write(fd, buf, at);
    if (fd != STDERR_FILENO) w = write(STDERR_FILENO, buf, at);
    (void)w;
    /* die of the same signal: the handler was reset to the default (SA_RESETHAND) */
    raise(sig);
}

void crash_handlers_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = crash_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
        sigaction(crash_signals[i], &sa, NULL);
}
#else
void crash_handlers_install(void) {}
#endif
