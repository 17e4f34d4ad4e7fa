/* dispatch.h — from a parsed request to a command's reply: lookup, arity, auth, pause,
 * shard locks (ascending order), execution, statistics. Runs on the client's worker. */
#ifndef WARDEN_DISPATCH_H
#define WARDEN_DISPATCH_H
struct arg;
struct client;
struct command;
struct entry;
struct lockset;

void dispatch_command(struct client *c);
/* 1 if a CLIENT PAUSE holds this (already parsed) request back. */
int dispatch_must_wait(struct client *c);
int dispatch_pause_active(void);
/* CLIENT PAUSE / UNPAUSE. write_only: pause only commands that may write. */
void dispatch_pause(long long until_ms, int write_only);
void dispatch_unpause(void);
/* 1 when the client must authenticate before running commands. */
int dispatch_auth_required(struct client *c);
void dispatch_client_created(struct client *c);
void dispatch_client_closing(struct client *c);
/* Add the shard locks `cmd` needs for c->argv to ls (used by dispatch and EXEC). */
void dispatch_collect_locks(struct client *c, const struct command *cmd, struct lockset *ls);
/* Run an already-validated command with its locks held by the caller (EXEC). */
void dispatch_call(struct client *c, const struct command *cmd);
/* Error replies every family uses (Redis 7.0 texts). */
void reply_wrong_args(struct client *c);       /* wrong number of arguments for '<cmd>' command */
void reply_syntax_error(struct client *c);     /* ERR syntax error */
void reply_wrongtype(struct client *c);
void reply_not_integer(struct client *c);      /* ERR value is not an integer or out of range */
void reply_not_float(struct client *c);        /* ERR value is not a valid float */
void reply_unknown_subcommand(struct client *c);
/* Parse c->argv[idx] as an integer in [min, max]: 0 with OUT *out, or -1 after
 * replying Redis's error ("value is not an integer or out of range", or "value is out
 * of range, value must between <min> and <max>"). */
int arg_parse_ll_range(struct client *c, int idx, long long min, long long max, long long *out);
/* Look up `key` expecting a value of `type` (OBJ_xxx): through db_find_read (counting
 * a hit or miss) when `read`, else db_find. Returns 0 with OUT *out (NULL when the
 * key is absent), or -1 after replying WRONGTYPE when it holds another type. */
int lookup_key_typed(struct client *c, const struct arg *key, int type, int read, struct entry **out);
#endif
