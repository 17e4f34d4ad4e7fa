/* registry.c — see registry.h. */
#include "net/registry.h"
#include "client.h"
#include "net/conn.h"
#include "net/worker.h"
#include <stdint.h>
#include <stdatomic.h>

pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct client *registry_head;
static _Atomic long long registry_n;
static _Atomic unsigned long long registry_ids;

unsigned long long registry_next_id(void) { return atomic_fetch_add(&registry_ids, 1) + 1; }
long long registry_count(void) { return atomic_load(&registry_n); }
struct client *registry_first(void) { return registry_head; }

void registry_add(struct client *c) {
    pthread_mutex_lock(&registry_lock);
    c->rprev = NULL;
    c->rnext = registry_head;
    if (registry_head) registry_head->rprev = c;
    registry_head = c;
    atomic_fetch_add(&registry_n, 1);
    pthread_mutex_unlock(&registry_lock);
}

void registry_remove(struct client *c) {
    pthread_mutex_lock(&registry_lock);
    if (c->rprev) c->rprev->rnext = c->rnext;
    else registry_head = c->rnext;
    if (c->rnext) c->rnext->rprev = c->rprev;
    c->rnext = c->rprev = NULL;
    atomic_fetch_sub(&registry_n, 1);
    pthread_mutex_unlock(&registry_lock);
}

/* Runs on the victim's worker: the client may already be gone, so look it up by id. */
static void registry_close_mail(void *arg) {
    unsigned long long id = (unsigned long long)(uintptr_t)arg;
    struct worker *w = worker_self();
    for (struct client *c = w->clients; c; c = c->wnext)
        if (c->id == id) {
            conn_close(c);
            return;
        }
}

void registry_kill_locked(struct client *c) {
    atomic_fetch_or(&c->flags, CLIENT_CLOSE_ASAP);
    /* the id travels as the mail's pointer-sized argument and is never dereferenced */
    worker_post(c->worker, registry_close_mail, (void *)(uintptr_t)c->id); /* NOLINT(performance-no-int-to-ptr) */
}

int registry_kill_id(unsigned long long id) {
    int found = 0;
    pthread_mutex_lock(&registry_lock);
    for (struct client *c = registry_head; c; c = c->rnext)
        if (c->id == id) {
            registry_kill_locked(c);
            found = 1;
            break;
        }
    pthread_mutex_unlock(&registry_lock);
    return found;
}
