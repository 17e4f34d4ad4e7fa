/* watch.h — the WATCH registry: which clients watch which (db, key), and the signals
 * that make their next EXEC fail.
 *
 * A client's watch_list is owned by its worker thread; the registry maps each watched
 * (db, key) to the list of watch nodes of every client watching it. Writers on any
 * thread reach the registry through the keyspace listener (notify.h), which runs with
 * the key's shard lock held, and set the watching clients' `dirty` flag.
 *
 * Lock order: shard lock -> registry stripe lock. The registry is split into stripes
 * by key hash, each under its own mutex, so writes on unrelated keys never contend;
 * nothing is ever locked while a stripe lock is held.
 *
 * Why EXEC can trust `dirty`: a node is registered while WATCH holds the key's shard
 * lock, every write to that key emits its event under the same lock, and EXEC reads
 * `dirty` after taking the shard locks of every watched key (watch_add_locks). So any
 * write that completed before EXEC took its locks has set the flag, and none can
 * happen between the check and the transaction. */
#ifndef WARDEN_WATCH_H
#define WARDEN_WATCH_H
#include <stdatomic.h>
#include <stddef.h>

struct lockset;
struct watch_node;

struct watch_list {
    struct watch_node *head; /* owner thread: this client's nodes */
    int count;
    _Atomic int dirty;       /* set by any thread: a watched key was modified */
};

/* Start-up (before workers): registers the keyspace listener. */
void watch_init(void);
void watch_list_init(struct watch_list *wl);
/* WATCH one key (owner thread, caller holds the key's shard lock). A key watched
 * twice by the same client is registered once. */
void watch_key(struct watch_list *wl, int dbid, const char *key, size_t klen);
/* Forget every watched key and clear `dirty` (UNWATCH, EXEC, DISCARD, close). */
void watch_unwatch_all(struct watch_list *wl);
/* Add the shard locks of every watched key (EXEC takes them with its commands'). */
void watch_add_locks(const struct watch_list *wl, struct lockset *ls);
/* EXEC, with the locks of watch_add_locks held: 1 if the transaction must be aborted
 * (a watched key was modified, or has expired since WATCH — Redis 7.0 rule). */
int watch_must_abort(struct watch_list *wl, long long now_ms);
/* A db is about to be emptied (FLUSHDB, FLUSHALL): mark the watchers of every
 * watched key that exists in it. Caller holds the db's shard locks or none. */
void watch_touch_db(int dbid);
/* Dbs a and b are about to swap contents (SWAPDB): mark the watchers whose key's
 * visible value changes. Caller holds every shard lock of both dbs. */
void watch_touch_swapdb(int a, int b);
/* Number of distinct (db, key) watched by anyone (INFO). */
long long watch_keys_total(void);
#endif
