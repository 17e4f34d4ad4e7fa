/* lockset.h — the set of shard locks one command (or one EXEC) needs, taken in
 * ascending global id order so that no two threads can deadlock, and released
 * together. A per-thread "held" bitmap makes nested acquisition a no-op: code inside
 * EXEC, which already holds every lock its commands need, can call the same paths. */
#ifndef WARDEN_LOCKSET_H
#define WARDEN_LOCKSET_H
#include <stddef.h>
#include <stdint.h>

struct lockset {
    uint32_t *ids;   /* owned */
    int n, cap;
    uint32_t *taken; /* owned: the ids this lockset actually locked */
    int ntaken, taken_cap;
};

void lockset_init(struct lockset *ls);
void lockset_free(struct lockset *ls);
void lockset_clear(struct lockset *ls);
void lockset_add_key(struct lockset *ls, int dbid, const char *key, size_t klen);
void lockset_add_db(struct lockset *ls, int dbid);   /* every shard of one db */
void lockset_add_all(struct lockset *ls);            /* every shard of every db */
void lockset_acquire(struct lockset *ls);
void lockset_release(struct lockset *ls);
/* Lock one shard unless this thread holds it already; returns 1 if it locked (then
 * call shard_unlock_taken). For shard-by-shard walks (SCAN, KEYS, DBSIZE). */
int shard_lock_once(int dbid, uint32_t shard);
void shard_unlock_taken(int dbid, uint32_t shard);
int shard_held(int dbid, uint32_t shard);
void lockset_thread_init(void);
/* Release the calling thread's held-lock bitmap (at thread exit; LeakSanitizer). */
void lockset_thread_free(void);
#endif
