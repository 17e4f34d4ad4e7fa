/* multi.h — transactions: MULTI EXEC DISCARD WATCH UNWATCH (cmd/multi.c).
 *
 * Per-client state lives in c->ext[CLIENT_EXT_MULTI] (created on first MULTI/WATCH,
 * freed when the client closes). Dispatch calls the hooks below: queueing happens after
 * the lookup, arity, auth, ACL and pub/sub-context checks, and a command refused by
 * those checks while in MULTI makes EXEC answer EXECABORT (Redis 7.0). */
#ifndef WARDEN_MULTI_H
#define WARDEN_MULTI_H
struct client;
struct command;

/* Start-up, after command_table_init and before workers: WATCH listener, RESET hook. */
void multi_init(void);
/* Dispatch, client in MULTI, cmd accepted: queue a copy of the request and reply
 * QUEUED, unless cmd runs at once inside MULTI (EXEC DISCARD MULTI WATCH QUIT RESET).
 * Returns 1 if queued. */
int multi_queue_command(struct client *c, const struct command *cmd);
/* CLIENT PAUSE WRITE: the union of the queued commands' flags (0 outside MULTI). */
unsigned long long multi_queued_flags(struct client *c);
/* Leave MULTI, dropping the queue and the watched keys (dispatch: EXEC refused for
 * lack of memory answers EXECABORT and discards, as Redis). */
void multi_discard(struct client *c);
/* Dispatch: a request was refused while the client is in MULTI. */
void multi_flag_error(struct client *c);
/* Connection teardown (owner thread). */
void multi_client_closing(struct client *c);
/* CLIENT LIST (any thread, registry_lock held): queued commands (-1 outside MULTI),
 * bytes of queued arguments, watched keys; returns 1 if a watched key was modified. */
int multi_client_info(struct client *c, long long *queued, long long *mem, long long *watched);
#endif
