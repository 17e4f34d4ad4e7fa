/* obuf_limit.c — see obuf_limit.h. */
#include "pubsub/obuf_limit.h"
#include "config.h"
#include "util/clock.h"

int obuf_limit_reached(int cls, size_t pending, struct obuf_soft_timer *t) {
    /* CONFIG SET stores these under config_lock; a delivery reads them without it: a
     * relaxed atomic load sees either the old or the new value of each field, which is
     * all a limit check needs */
    struct config_obuf_limit *l = &server_config.client_obuf_limits[cls];
    long long hard = __atomic_load_n(&l->hard_bytes, __ATOMIC_RELAXED);
    long long soft = __atomic_load_n(&l->soft_bytes, __ATOMIC_RELAXED);
    if (hard > 0 && (unsigned long long)pending >= (unsigned long long)hard) return 1;
    if (soft <= 0 || (unsigned long long)pending < (unsigned long long)soft) {
        t->since_ms = 0;
        return 0;
    }
    long long now_ms = clock_ms();
    if (t->since_ms == 0) { /* first time over: start the clock */
        t->since_ms = now_ms ? now_ms : 1;
        return 0;
    }
    long long secs = __atomic_load_n(&l->soft_seconds, __ATOMIC_RELAXED);
    /* Redis counts whole seconds and disconnects once strictly more have passed */
    return (now_ms - t->since_ms) / 1000 > secs;
}
