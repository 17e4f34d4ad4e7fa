/* client.c — session helpers shared by command families. */
#include "client.h"
#include "net/registry.h"
#include "util/alloc.h"

#define MAX_RESET_HOOKS 8
static client_reset_fn reset_hooks[MAX_RESET_HOOKS];
static int nreset_hooks;

void client_set_name(struct client *c, const char *name, size_t len) {
    char *n = len ? wmemdup(name, len) : NULL;
    /* readers (CLIENT LIST on other threads) hold the registry lock */
    pthread_mutex_lock(&registry_lock);
    char *old = c->name;
    c->name = n;
    pthread_mutex_unlock(&registry_lock);
    wfree(old);
}

void client_add_reset_hook(client_reset_fn fn) {
    if (nreset_hooks < MAX_RESET_HOOKS) reset_hooks[nreset_hooks++] = fn;
}

void client_reset_state(struct client *c) {
    for (int i = 0; i < nreset_hooks; i++) reset_hooks[i](c);
}
