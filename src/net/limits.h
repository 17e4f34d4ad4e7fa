/* limits.h — the network layer's defences against floods and greedy clients (beyond
 * maxclients, which listen.c checks):
 *   - per-address connection cap (`maxclients-per-ip`) and new-connection rate
 *     (`connection-rate-per-ip R [B]`), both decided at accept time on the main thread
 *     before a worker or a client struct exists;
 *   - per-address and per-user command rates (`rate-limit-per-ip R [B]`,
 *     `rate-limit-per-user R [B]`): token buckets checked by dispatch after the ACL check;
 *   - client-output-buffer-limit (normal / replica / pubsub, hard and soft limits).
 *
 * An "address" is an IPv4 address, or an IPv6 /64 prefix (one host usually owns a whole
 * /64, so counting single IPv6 addresses would give it 2^64 budgets). Unix socket
 * clients have no address and are never capped by address.
 *
 * Token buckets: a bucket holds at most B tokens and gains R per second; each new
 * connection (or command) takes one, and is refused when none is left. R = 0 disables. */
#ifndef WARDEN_LIMITS_H
#define WARDEN_LIMITS_H
#include <sys/socket.h>

struct client;
struct limits_addr;

/* Main thread, at accept: account a new TCP connection from `peer`. Returns 0 and sets
 * *rec (a reference the connection keeps; release with limits_addr_release), or -1 when
 * the connection must be refused, with *why set to the error line to send
 * ("-ERR ...\r\n"). */
int limits_addr_admit(const struct sockaddr_storage *peer, struct limits_addr **rec, const char **why);
/* Any thread: the connection holding `rec` closed (NULL is ignored). */
void limits_addr_release(struct limits_addr *rec);
/* Main thread, about once a second: forget addresses with no connection whose buckets
 * have refilled, so the table stays as small as the set of active addresses. */
void limits_sweep(void);
/* Number of addresses tracked (tests, INFO). */
long long limits_addr_count(void);
/* At exit: free the tables (leak checkers). */
void limits_shutdown(void);

/* Owner thread, from dispatch after the ACL check: 1 if the command must be refused by
 * a command rate limit (the caller replies "-RATELIMIT ..."), else 0. Costs nothing
 * while both limits are off. */
int limits_command_allowed(struct client *c);

/* Owner thread: enforce client-output-buffer-limit on c. Call after appending replies
 * (conn.c does after every command; pub/sub delivery should after each message).
 * Returns 1 when the client went over its class's hard limit, or stayed over the soft
 * limit for longer than soft-seconds: it is then flagged CLIENT_CLOSE_ASAP (logged and
 * counted), the caller must stop writing to it, and the worker closes it at the end of
 * the current event or at its next cron tick (≤ 100 ms), without sending the backlog. */
int conn_check_output_limits(struct client *c);
#endif
