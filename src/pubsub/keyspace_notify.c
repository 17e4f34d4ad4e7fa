/* keyspace_notify.c — see keyspace_notify.h. The listener runs on whatever thread made
 * the change, with the key's shard lock held: it only reads an atomic, formats two
 * channel names and calls pubsub_publish, which takes the pub/sub registry's read lock
 * and never a shard lock, so no lock-order cycle is possible. With notifications off
 * (the default) the cost per write is one relaxed load. */
#include "pubsub/keyspace_notify.h"
#include "config.h"
#include "db/notify.h"
#include "pubsub/pubsub.h"
#include "util/alloc.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Publish on "<prefix><db>__:<suffix>" (formatted on the stack unless the suffix is long). */
static void notify_publish(const char *prefix, int dbid, const char *suffix, size_t slen, const char *msg,
                           size_t mlen) {
    char small[256];
    char head[48];
    int hl = snprintf(head, sizeof(head), "%s%d__:", prefix, dbid);
    if (hl < 0) return;
    size_t total = (size_t)hl + slen;
    char *ch = total <= sizeof(small) ? small : wmalloc(total);
    memcpy(ch, head, (size_t)hl);
    memcpy(ch + hl, suffix, slen);
    pubsub_publish(PUBSUB_CHANNEL, ch, total, msg, mlen, NULL);
    if (ch != small) wfree(ch);
}

static void notify_on_event(int dbid, const char *key, size_t klen, int type, const char *event) {
    int f = atomic_load_explicit(&server_config.notify_keyspace_events, memory_order_relaxed);
    if (!(f & type) || !(f & (CONFIG_NOTIFY_KEYSPACE | CONFIG_NOTIFY_KEYEVENT))) return;
    if (!pubsub_has_subscribers()) return; /* nobody could receive it */
    size_t elen = strlen(event);
    if (f & CONFIG_NOTIFY_KEYSPACE) notify_publish("__keyspace@", dbid, key, klen, event, elen);
    if (f & CONFIG_NOTIFY_KEYEVENT) notify_publish("__keyevent@", dbid, event, elen, key, klen);
}

void keyspace_notify_init(void) { keyspace_add_listener(notify_on_event); }
