/* notify.c — see notify.h. Listeners are registered before worker threads start and
 * never change after, so reading the array needs no lock. */
#include "db/notify.h"
#include "stats.h"

#define MAX_LISTENERS 8
static keyspace_listener_fn listeners[MAX_LISTENERS];
static int nlisteners;

void keyspace_add_listener(keyspace_listener_fn fn) {
    if (nlisteners < MAX_LISTENERS) listeners[nlisteners++] = fn;
}

void keyspace_event(int dbid, const char *key, size_t klen, int type, const char *event) {
    /* a miss is a read; "new" always comes with the write event that counts */
    if (type != NOTIFY_KEY_MISS && type != NOTIFY_NEW) STAT_INC(dirty);
    for (int i = 0; i < nlisteners; i++) listeners[i](dbid, key, klen, type, event);
}
