/* keyspace_notify.h — keyspace notifications: every keyspace event of a class enabled
 * by `notify-keyspace-events` (server_config.notify_keyspace_events, parsed by the config
 * module; classes are the NOTIFY_* of db/notify.h, K and E are CONFIG_NOTIFY_KEYSPACE /
 * CONFIG_NOTIFY_KEYEVENT) is published to __keyspace@<db>__:<key> (message: the event
 * name) and/or __keyevent@<db>__:<event> (message: the key) through pub/sub. */
#ifndef WARDEN_KEYSPACE_NOTIFY_H
#define WARDEN_KEYSPACE_NOTIFY_H

/* Start-up (before workers): registers the keyspace listener. */
void keyspace_notify_init(void);
#endif
