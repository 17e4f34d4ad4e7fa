/* slowlog.h — the slow log: commands that ran longer than slowlog-log-slower-than
 * microseconds (<0 disables, 0 logs everything), at most slowlog-max-len entries, kept
 * per worker thread (no shared lock on the command path) and merged by id when read.
 * SLOWLOG GET/LEN/RESET/HELP are its commands. */
#ifndef WARDEN_SLOWLOG_H
#define WARDEN_SLOWLOG_H

struct client;
struct command;

/* Called after every command (dispatch) with its run time; records it if slow. */
void slowlog_maybe_record(struct client *c, const struct command *cmd, long long duration_us);
void slowlog_free_all(void); /* at exit, for leak checkers */

void slowlog_get_command(struct client *c);
void slowlog_len_command(struct client *c);
void slowlog_reset_command(struct client *c);
void slowlog_help_command(struct client *c);
#endif
