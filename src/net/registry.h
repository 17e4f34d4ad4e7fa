/* registry.h — every connected client, for CLIENT LIST / KILL / INFO and maxclients.
 * The list is guarded by one mutex taken only on connect, disconnect and by the
 * commands that list or search clients — never per request. */
#ifndef WARDEN_REGISTRY_H
#define WARDEN_REGISTRY_H
#include <pthread.h>

struct client;
extern pthread_mutex_t registry_lock;
void registry_add(struct client *c);
void registry_remove(struct client *c);
long long registry_count(void);
unsigned long long registry_next_id(void);
/* Iterate with registry_lock held: for (c = registry_first(); c; c = c->rnext) */
struct client *registry_first(void);
/* Ask the owner thread of client `id` to close it; returns 1 if such a client exists. */
int registry_kill_id(unsigned long long id);
/* Close a client found while iterating (lock held): flags it and wakes its worker. */
void registry_kill_locked(struct client *c);
#endif
