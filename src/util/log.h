/* log.h — the server log, in redis-server's line format
 * ("pid:M 30 Nov 2026 07:24:50.123 * message"). Thread-safe: each line is one write(2). */
#ifndef WARDEN_LOG_H
#define WARDEN_LOG_H
enum log_level { LOG_DEBUG = 0, LOG_VERBOSE, LOG_NOTICE, LOG_WARNING, LOG_NOTHING };
void log_set_level(int level);
int log_get_level(void);
/* Open `path` for appending ("" = stdout). Returns 0, or -1 with errno set. */
int log_open(const char *path);
void log_set_role_char(char role);
/* The log's file descriptor (async-signal-safe: the crash report writes to it). */
int log_fd(void);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_verbose(...) log_msg(LOG_VERBOSE, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#endif
