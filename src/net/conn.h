/* conn.h — a client connection's I/O on its worker thread: reading into the worker's
 * shared buffer (or the client's own buffer while a request is incomplete), parsing,
 * dispatching each complete request in order, and writing the coalesced replies.
 * Every function here runs on the client's owner thread. */
#ifndef WARDEN_CONN_H
#define WARDEN_CONN_H
#include <stdint.h>

struct client;
struct worker;
struct limits_addr;

/* Kinds of accepted sockets (bits). */
#define CONN_UNIX 1     /* a unix socket */
#define CONN_TLS 2      /* accepted on tls-port (or memcached-tls-port) */
#define CONN_MEMCACHE 4 /* accepted on memcached-port: the client speaks memcache */
/* Adopt an accepted socket of `kind` (CONN_* bits); `rec` (limits.h, may be NULL) is
 * released when the client closes. Returns NULL if refused (the socket is closed). */
struct client *conn_create(struct worker *w, int fd, int kind, struct limits_addr *rec);
void conn_handle_event(struct client *c, uint32_t events);
/* Write as much pending output as the socket takes; returns -1 if the client was closed. */
int conn_flush(struct client *c);
void conn_close(struct client *c);
/* Run the requests of clients that were held by CLIENT PAUSE, if the pause ended. */
void conn_retry_paused(struct worker *w);
/* Process buffered input (e.g. after a pause or block ends). */
void conn_resume(struct client *c);
/* Owner thread, after a round of events: send the replies held back for the AOF
 * (appendfsync always) whose writes are durable; ask the AOF to post a mail when the
 * others are (group commit without blocking the worker). */
void conn_flush_aof_waiting(struct worker *w);
/* The same, waiting for the AOF first (shutdown). */
void conn_flush_aof_waiting_now(struct worker *w);
#endif
