/* notify.h — the one hook every keyspace change goes through: commands call
 * keyspace_event() after each write (as Redis's signalModifiedKey + notifyKeyspaceEvent
 * + dirty++). It counts the change for `save` points and is where WATCH invalidation,
 * keyspace notifications and blocked-client wake-ups attach. Called with the key's
 * shard lock held. */
#ifndef WARDEN_NOTIFY_H
#define WARDEN_NOTIFY_H
#include <stddef.h>

/* Event classes, as the letters of notify-keyspace-events. */
#define NOTIFY_GENERIC (1 << 2)  /* g */
#define NOTIFY_STRING (1 << 3)   /* $ */
#define NOTIFY_LIST (1 << 4)     /* l */
#define NOTIFY_SET (1 << 5)      /* s */
#define NOTIFY_HASH (1 << 6)     /* h */
#define NOTIFY_ZSET (1 << 7)     /* z */
#define NOTIFY_EXPIRED (1 << 8)  /* x */
#define NOTIFY_EVICTED (1 << 9)  /* e */
#define NOTIFY_STREAM (1 << 10)  /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m */
#define NOTIFY_NEW (1 << 14)     /* n */

typedef void (*keyspace_listener_fn)(int dbid, const char *key, size_t klen, int type, const char *event);
void keyspace_event(int dbid, const char *key, size_t klen, int type, const char *event);
/* Later subsystems (pub/sub notifications, WATCH, blocking) register here at start-up. */
void keyspace_add_listener(keyspace_listener_fn fn);
#endif
