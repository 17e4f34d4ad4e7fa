/* keyspace_notify.c — see keyspace_notify.h. The listener runs on whatever thread made
 * the change, with the key's shard lock held: it only reads an atomic, formats two
 * channel names and calls pubsub_publish, which takes the pub/sub registry's read lock
 * and never a shard lock, so no lock-order cycle is possible. With notifications off
 * (the default) the cost per write is one relaxed load. */
#include "pubsub/keyspace_notify.h"
#include "db/notify.h"
#include "pubsub/pubsub.h"
#include "util/alloc.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define NOTIFY_ALL                                                                                              \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED |     \
     NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)

static _Atomic int notify_flags;

int keyspace_notify_flags(void) { return atomic_load_explicit(&notify_flags, memory_order_relaxed); }

int keyspace_notify_parse(const char *s, size_t len, int *out) {
    int f = 0;
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case 'A': f |= NOTIFY_ALL; break;
        case 'g': f |= NOTIFY_GENERIC; break;
        case '$': f |= NOTIFY_STRING; break;
        case 'l': f |= NOTIFY_LIST; break;
        case 's': f |= NOTIFY_SET; break;
        case 'h': f |= NOTIFY_HASH; break;
        case 'z': f |= NOTIFY_ZSET; break;
        case 'x': f |= NOTIFY_EXPIRED; break;
        case 'e': f |= NOTIFY_EVICTED; break;
        case 'K': f |= NOTIFY_KEYSPACE; break;
        case 'E': f |= NOTIFY_KEYEVENT; break;
        case 't': f |= NOTIFY_STREAM; break;
        case 'm': f |= NOTIFY_KEY_MISS; break;
        case 'd': f |= NOTIFY_MODULE; break;
        case 'n': f |= NOTIFY_NEW; break;
        default: return -1;
        }
    }
    *out = f;
    return 0;
}

/* Redis 7.0's spelling, quirks included: 'n' is written only when the classes are not
 * all set (so "An" reads back as "A"), and before K and E. */
void keyspace_notify_format(int f, char *buf, size_t size) {
    char tmp[32];
    size_t n = 0;
    if ((f & NOTIFY_ALL) == NOTIFY_ALL) {
        tmp[n++] = 'A';
    } else {
        static const struct { int bit; char ch; } order[] = {
            {NOTIFY_GENERIC, 'g'}, {NOTIFY_STRING, '$'},  {NOTIFY_LIST, 'l'},    {NOTIFY_SET, 's'},
            {NOTIFY_HASH, 'h'},    {NOTIFY_ZSET, 'z'},    {NOTIFY_EXPIRED, 'x'}, {NOTIFY_EVICTED, 'e'},
            {NOTIFY_STREAM, 't'},  {NOTIFY_MODULE, 'd'}, {NOTIFY_NEW, 'n'}};
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
            if (f & order[i].bit) tmp[n++] = order[i].ch;
    }
    if (f & NOTIFY_KEYSPACE) tmp[n++] = 'K';
    if (f & NOTIFY_KEYEVENT) tmp[n++] = 'E';
    if (f & NOTIFY_KEY_MISS) tmp[n++] = 'm';
    tmp[n] = '\0';
    snprintf(buf, size, "%s", tmp);
}

int keyspace_notify_config_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err,
                                 size_t errlen) {
    (void)o; (void)runtime;
    int f = 0;
    if (argc > 1 || (argc == 1 && keyspace_notify_parse(argv[0], strlen(argv[0]), &f) != 0)) {
        snprintf(err, errlen, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        return -1;
    }
    atomic_store(&notify_flags, f);
    return 0;
}

void keyspace_notify_config_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    keyspace_notify_format(atomic_load(&notify_flags), buf, size);
}

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
    int f = atomic_load_explicit(&notify_flags, memory_order_relaxed);
    if (!(f & type) || !(f & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT))) return;
    if (!pubsub_has_subscribers()) return; /* nobody could receive it */
    size_t elen = strlen(event);
    if (f & NOTIFY_KEYSPACE) notify_publish("__keyspace@", dbid, key, klen, event, elen);
    if (f & NOTIFY_KEYEVENT) notify_publish("__keyevent@", dbid, event, elen, key, klen);
}

void keyspace_notify_init(void) { keyspace_add_listener(notify_on_event); }
