/* audit.h — the audit log (beyond Redis): one JSON object a line for security-relevant
 * events, written by a background thread so workers never block on the disk. Off unless
 * `audit-log <path>` is set. Never records passwords, values or full arguments. */
#ifndef WARDEN_AUDIT_H
#define WARDEN_AUDIT_H
/* Open (or switch to) `path`; "" turns auditing off. Returns 0 or -1 (errno). */
int audit_open(const char *path);
void audit_reopen(void);   /* SIGHUP: log rotation */
void audit_close(void);    /* flush and stop the writer */
int audit_enabled(void);
/* Record an event. detail may be NULL; strings are JSON-escaped. */
void audit_event(const char *event, const char *client_addr, const char *user, const char *command,
                 const char *detail);
long long audit_write_errors(void);
long long audit_events_written(void);
#endif
