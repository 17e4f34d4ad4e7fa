/* keyspace_notify.h — `notify-keyspace-events`: publishes every keyspace event of the
 * enabled classes (db/notify.h) to __keyspace@<db>__:<key> (message: the event name)
 * and/or __keyevent@<db>__:<event> (message: the key), through pub/sub. Flag letters
 * as Redis: K E g $ l s h z x e t m d n, A = g$lshzxetd. */
#ifndef WARDEN_KEYSPACE_NOTIFY_H
#define WARDEN_KEYSPACE_NOTIFY_H
#include <stddef.h>

#define NOTIFY_KEYSPACE (1 << 0) /* K */
#define NOTIFY_KEYEVENT (1 << 1) /* E */
#define NOTIFY_MODULE (1 << 13)  /* d */

/* Start-up (before workers): registers the keyspace listener. */
void keyspace_notify_init(void);
/* Flags <-> letters. Parse returns 0, or -1 on a character that is not a class. */
int keyspace_notify_parse(const char *s, size_t len, int *out);
void keyspace_notify_format(int flags, char *buf, size_t size);
int keyspace_notify_flags(void);

/* Config row (config_options.c). */
struct config_option;
int keyspace_notify_config_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err,
                                 size_t errlen);
void keyspace_notify_config_format(const struct config_option *o, char *buf, size_t size);
#endif
