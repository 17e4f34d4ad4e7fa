/* mc.h — the memcache front end as the rest of the server sees it: a connection accepted
 * on `memcached-port` carries a memcache session (client->mc), and the connection layer
 * hands its input to mc_process instead of the RESP parser. Everything behind this —
 * the text and meta commands, authentication, statistics — lives in src/mc/ and runs
 * through the same keyspace (db 0), shard locks, ACL checks, statistics and keyspace
 * events as the RESP commands (docs/memcache.md). */
#ifndef WARDEN_MC_H
#define WARDEN_MC_H
#include <stddef.h>

struct client;

/* Start-up, after the command table and ACL exist and before workers run: resolves the
 * Redis command rows memcache commands are checked against, and (with memcached-port
 * set) hooks keyspace events so RESP writes refresh memcache CAS values. */
void mc_init(void);
/* Main thread's cron: runs a `flush_all <delay>` that came due. */
void mc_cron(void);

/* Owner thread: make a freshly created client a memcache client / release its state. */
void mc_session_attach(struct client *c);
void mc_session_free(struct client *c);
/* Owner thread: run every complete request in buf[0..len); returns the bytes consumed
 * (the rest is an incomplete request the caller keeps for the next read). */
size_t mc_process(struct client *c, char *buf, size_t len);
/* Bytes the current request needs in all, when known (0 otherwise): a read-buffer hint. */
size_t mc_need_total(const struct client *c);
#endif
