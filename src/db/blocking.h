/* blocking.h — clients blocked on keys (BLPOP, BLMOVE, BLMPOP, and BZPOPMIN/BZMPOP…):
 * who waits for which key, waking them in order when a write makes a key ready,
 * timeouts, CLIENT UNBLOCK, and clean-up when a blocked client disconnects.
 *
 * How a blocking command uses it:
 *   1. parse its timeout with blocking_parse_timeout (Redis's errors and rounding);
 *   2. try to serve itself; if some key has data, reply as usual;
 *   3. otherwise (outside MULTI) call blocking_block(c, keys, deadline, reply kind):
 *      the client gets CLIENT_BLOCKED, its connection stops reading requests, and its
 *      argv is copied (the originals live in a read buffer that is about to go away).
 * When a write touches a key someone waits on (every write reaches keyspace_event,
 * which calls our listener under the key's shard lock), the key is noted in the
 * writing thread's "ready" list. After that thread's command has finished and released
 * its locks, dispatch calls blocking_serve_ready(): for each ready key, the waiters are
 * taken in the order they blocked (FIFO per key) and each one's command is re-run right
 * there, under its own shard locks, on a stand-in client whose replies go to a private
 * buffer. In that re-run blocking_is_retry(c) is true: keys of the wrong type count as
 * empty, and a command that still finds nothing calls blocking_block again, which then
 * just records "not served" (the waiter keeps its place). A served waiter's reply is
 * posted to its worker's mailbox; the worker appends it, clears CLIENT_BLOCKED and
 * resumes reading that client's pipelined input. So, as in Redis, by the time the
 * writer's reply goes out, the blocked clients it fed have been served in FIFO order.
 *
 * Locking: one registry lock (file-local) guards every waiter's state and the per-key
 * queues. It is taken after shard locks, never before (listener and block run under
 * shard locks; serving takes the registry lock, drops it, takes shard locks, and takes
 * the registry lock again inside them), and the mailbox lock is taken inside it.
 * Timeouts are kept by a timer thread in a deadline heap. */
#ifndef WARDEN_BLOCKING_H
#define WARDEN_BLOCKING_H
#include <stddef.h>

struct client;
struct arg;

/* Slot of client->ext[] used for the blocked state. */
#define CLIENT_EXT_BLOCKING 2

/* What a timed-out (or CLIENT UNBLOCK … TIMEOUT) client receives. */
#define BLOCK_REPLY_NULL_ARRAY 0 /* RESP2 *-1, RESP3 _ : every list/zset blocker in 7.0 */
#define BLOCK_REPLY_NULL_BULK 1  /* RESP2 $-1, RESP3 _ */

/* Parse a timeout in seconds (float accepted as Redis does: rounded up to the
 * millisecond) into an absolute deadline in ms, 0 meaning "forever". On error replies
 * ("ERR timeout is not a float or out of range" / "ERR timeout is negative") and
 * returns -1. */
int blocking_parse_timeout(struct client *c, const struct arg *a, long long *deadline_ms);
/* 1 while the command runs as a retry for a blocked client. */
int blocking_is_retry(const struct client *c);
/* Block c on the keys at argv indexes key_idx[0..nkeys) of its current db until
 * deadline_ms (0: forever). In a retry: records that the waiter is still not served. */
void blocking_block(struct client *c, const int *key_idx, int nkeys, long long deadline_ms, int timeout_reply);
/* Serve the waiters of keys made ready by this thread's last command. Called by
 * dispatch with no shard locks held. */
void blocking_serve_ready(void);
int blocking_ready_pending(void);
/* The client is closing (owner thread): forget it everywhere. */
void blocking_client_gone(struct client *c);
/* Number of clients blocked on keys (INFO blocked_clients). */
long long blocking_count(void);
/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if a client blocked on keys was released. */
int blocking_unblock_id(unsigned long long id, int with_error);
#endif
