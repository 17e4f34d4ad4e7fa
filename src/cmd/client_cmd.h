/* client_cmd.h — hooks of the CLIENT command family for features that arrive later. */
#ifndef WARDEN_CLIENT_CMD_H
#define WARDEN_CLIENT_CMD_H

/* CLIENT UNBLOCK: the blocking-commands module registers how to wake a blocked
 * client (on its own thread). Returns 1 if client `id` was blocked and is being
 * unblocked, 0 otherwise. `with_error`: reply -UNBLOCKED instead of a timeout.
 * Register at start-up, before worker threads run. */
typedef int (*client_unblock_fn)(unsigned long long id, int with_error);
void client_cmd_set_unblock_handler(client_unblock_fn fn);
#endif
