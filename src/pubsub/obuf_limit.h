/* obuf_limit.h — `client-output-buffer-limit <class> <hard> <soft> <soft-seconds>`
 * (Redis syntax and defaults: normal 0 0 0, replica 256mb 64mb 60, pubsub 32mb 8mb 60).
 * A client of a class whose pending output reaches the hard limit, or stays at or over
 * the soft limit for more than soft-seconds, is disconnected. Warden applies the pubsub
 * class to subscribers as messages are delivered (pubsub.c); the other classes are
 * stored and shown by CONFIG GET for the subsystems that will use them. */
#ifndef WARDEN_OBUF_LIMIT_H
#define WARDEN_OBUF_LIMIT_H
#include <stdatomic.h>
#include <stddef.h>

enum obuf_class { OBUF_NORMAL = 0, OBUF_REPLICA, OBUF_PUBSUB, OBUF_CLASSES };

struct obuf_limit {
    _Atomic long long hard, soft, soft_seconds; /* bytes, bytes, seconds; 0 = no limit */
};
extern struct obuf_limit obuf_limits[OBUF_CLASSES];

/* State a client keeps to time the soft limit (owner thread). */
struct obuf_soft_timer {
    long long since_ms; /* when the soft limit was first seen reached; 0 = not reached */
};
/* 1 if a client of class `cls` with `pending` output bytes must now be disconnected. */
int obuf_limit_reached(int cls, size_t pending, struct obuf_soft_timer *t, long long now_ms);

/* Config rows (config_options.c): parse the words of one directive or CONFIG SET value
 * (groups of four; classes not named keep their limits), format the current value. */
struct config_option;
int obuf_limit_config_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err,
                            size_t errlen);
void obuf_limit_config_format(const struct config_option *o, char *buf, size_t size);
#define OBUF_LIMIT_DEFAULT "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
#endif
