/* auth_throttle.c — see auth_throttle.h. Keys are the client's IP without the port.
 * One mutex: authentication is rare compared with commands. */
#include "acl/auth_throttle.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/siphash.h"
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define SLOTS (AUTH_THROTTLE_MAX * 2)
#define MAX_BACKOFF_MS (600 * 1000LL)

struct throttle_rec {
    char ip[64];
    int used;
    int failures;
    long long window_start_ms;
    long long blocked_until_ms;
    long long backoff_ms;
    long long last_ms;
};

static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;
static struct throttle_rec *table; /* owned; allocated on first failure */
static int count;
static _Atomic long long limit_failures = 10, window_ms = 60000, lockouts;

void auth_throttle_configure(long long limit, long long window_sec) {
    atomic_store(&limit_failures, limit);
    atomic_store(&window_ms, window_sec * 1000);
}

long long auth_throttle_lockouts(void) { return atomic_load(&lockouts); }

/* "1.2.3.4:5678" → "1.2.3.4"; "[::1]:5" style is not used by conn.c ("::1:5"): cut at the last ':' */
static void ip_of(const char *addr, char *out, size_t size) {
    const char *colon = strrchr(addr, ':');
    size_t n = colon ? (size_t)(colon - addr) : strlen(addr);
    if (n >= size) n = size - 1;
    memcpy(out, addr, n);
    out[n] = '\0';
}

static struct throttle_rec *find(const char *ip, int create) {
    if (!table) {
        if (!create) return NULL;
        table = wcalloc(SLOTS, sizeof(*table));
    }
    size_t h = (size_t)hash_bytes(ip, strlen(ip)) % SLOTS;
    for (size_t i = 0; i < SLOTS; i++) {
        struct throttle_rec *r = &table[(h + i) % SLOTS];
        if (!r->used) {
            if (!create) return NULL;
            if (count >= AUTH_THROTTLE_MAX) {
                /* full: evict the stalest record (rare; O(table) is acceptable) */
                struct throttle_rec *old = NULL;
                for (size_t k = 0; k < SLOTS; k++)
                    if (table[k].used && (!old || table[k].last_ms < old->last_ms)) old = &table[k];
                memset(old, 0, sizeof(*old));
                count--;
                /* the probe chain may now be broken for others: rebuild is overkill
                 * for a statistics table; lookups may miss an old record, which only
                 * forgets failures — never blocks anyone wrongly */
            }
            memset(r, 0, sizeof(*r));
            r->used = 1;
            strncpy(r->ip, ip, sizeof(r->ip) - 1);
            count++;
            return r;
        }
        if (!strcmp(r->ip, ip)) return r;
    }
    return NULL;
}

long long auth_throttle_check(const char *addr) {
    char ip[64];
    ip_of(addr, ip, sizeof(ip));
    long long now = clock_ms(), left = 0;
    pthread_mutex_lock(&tlock);
    struct throttle_rec *r = find(ip, 0);
    if (r && r->blocked_until_ms > now) left = (r->blocked_until_ms - now + 999) / 1000;
    pthread_mutex_unlock(&tlock);
    return left;
}

void auth_throttle_failure(const char *addr) {
    char ip[64];
    ip_of(addr, ip, sizeof(ip));
    long long now = clock_ms();
    long long lim = atomic_load(&limit_failures), win = atomic_load(&window_ms);
    if (lim <= 0) return; /* throttling disabled */
    pthread_mutex_lock(&tlock);
    struct throttle_rec *r = find(ip, 1);
    if (r) {
        r->last_ms = now;
        if (now - r->window_start_ms > win) {
            r->window_start_ms = now;
            r->failures = 0;
        }
        if (++r->failures >= lim) {
            r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : 1000;
            if (r->backoff_ms > MAX_BACKOFF_MS) r->backoff_ms = MAX_BACKOFF_MS;
            r->blocked_until_ms = now + r->backoff_ms;
            r->failures = 0;
            r->window_start_ms = now;
            atomic_fetch_add(&lockouts, 1);
        }
    }
    pthread_mutex_unlock(&tlock);
}

void auth_throttle_success(const char *addr) {
    char ip[64];
    ip_of(addr, ip, sizeof(ip));
    pthread_mutex_lock(&tlock);
    struct throttle_rec *r = find(ip, 0);
    if (r) {
        r->failures = 0;
        r->backoff_ms = 0;
    }
    pthread_mutex_unlock(&tlock);
}

void auth_throttle_clear(void) {
    pthread_mutex_lock(&tlock);
    wfree(table);
    table = NULL;
    count = 0;
    pthread_mutex_unlock(&tlock);
}
