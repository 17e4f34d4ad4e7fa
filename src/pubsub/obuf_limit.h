/* obuf_limit.h — enforcement of `client-output-buffer-limit <class> <hard> <soft>
 * <soft-seconds>` (the values live in server_config.client_obuf_limits, parsed by the
 * config module). A client whose pending output reaches the hard limit, or stays at or
 * over the soft limit for more than soft-seconds, must be disconnected. Warden applies
 * the pubsub class to subscribers as messages are delivered (pubsub.c). */
#ifndef WARDEN_OBUF_LIMIT_H
#define WARDEN_OBUF_LIMIT_H
#include <stddef.h>

/* State a client keeps to time the soft limit (owner thread). */
struct obuf_soft_timer {
    long long since_ms; /* when the soft limit was first seen reached; 0 = not reached */
};
/* 1 if a client of class `cls` (CONFIG_CLIENT_*) with `pending` output bytes must now
 * be disconnected. Any thread; reads the limits without the config lock, and the clock
 * only when the soft limit is reached. */
int obuf_limit_reached(int cls, size_t pending, struct obuf_soft_timer *t);
#endif
