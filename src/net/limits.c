/* limits.c — see limits.h.
 *
 * The address table is a chained hash table under one mutex. The mutex is taken by the
 * acceptor for each new TCP connection, by a worker when such a connection closes, and
 * by the sweep — never per request. Per-address command buckets have their own small
 * lock inside the record, so the per-request path (only when rate-limit-per-ip is on)
 * contends only with clients from the same address.
 *
 * A record lives while a connection holds it (conns > 0); after the last one closes it
 * stays until its connection bucket has refilled (so connect/close loops cannot reset
 * their rate), then the sweep frees it. The table is capped: past LIMITS_MAX_IDLE idle
 * records the sweep drops idle ones early, oldest bucket state first being irrelevant
 * (any idle record may go; the cost is a forgotten rate history). */
#include "net/limits.h"
#include "client.h"
#include "config.h"
#include "net/worker.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/siphash.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define LIMITS_KEY_LEN 9      /* family byte + 8 address bytes (IPv4: 4, IPv6: the /64) */
#define LIMITS_BUCKETS 4096   /* power of two; chains stay short for the expected sizes */
#define LIMITS_MAX_IDLE 65536 /* idle records kept at most */

struct token_bucket {
    double tokens;
    long long last_us; /* monotonic time of the last refill; 0: never used (full) */
};

struct limits_addr {
    struct limits_addr *next;
    unsigned char key[LIMITS_KEY_LEN];
    long long conns;              /* table lock */
    struct token_bucket conn_tb;  /* table lock (acceptor only, in practice) */
    pthread_mutex_t cmd_lock;
    struct token_bucket cmd_tb;   /* cmd_lock */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct limits_addr *table[LIMITS_BUCKETS];
static long long table_count, table_idle;

/* Per-user command buckets, keyed by the acl_user pointer (users are never freed while
 * the server runs; see acl.h). Few users, so a short list under a mutex; clients cache
 * the record they used last. */
struct limits_user {
    struct limits_user *next;
    const void *user;
    pthread_mutex_t lock;
    struct token_bucket tb;
};
static pthread_mutex_t users_lock = PTHREAD_MUTEX_INITIALIZER;
static struct limits_user *users;

/* ---- token buckets ---- */

/* Take one token from a bucket of `rate` per second holding at most `burst`; returns 1
 * if taken. The caller holds the bucket's lock. */
static int bucket_take(struct token_bucket *tb, long long rate, long long burst, long long now_us) {
    if (burst < 1) burst = rate > 0 ? rate : 1;
    if (tb->last_us == 0) {
        tb->tokens = (double)burst;
    } else if (now_us > tb->last_us) {
        tb->tokens += (double)(now_us - tb->last_us) * (double)rate / 1e6;
        if (tb->tokens > (double)burst) tb->tokens = (double)burst;
    }
    tb->last_us = now_us;
    if (tb->tokens < 1.0) return 0;
    tb->tokens -= 1.0;
    return 1;
}

/* 1 when the bucket would be full by now (its history no longer matters). */
static int bucket_refilled(const struct token_bucket *tb, long long rate, long long burst, long long now_us) {
    if (tb->last_us == 0 || rate <= 0) return 1;
    if (burst < 1) burst = rate;
    double missing = (double)burst - tb->tokens;
    return (double)(now_us - tb->last_us) * (double)rate / 1e6 >= missing;
}

/* ---- the address table ---- */

/* The table key of a peer address; returns 0, or -1 for families we do not track. */
static int limits_key(const struct sockaddr_storage *ss, unsigned char key[LIMITS_KEY_LEN]) {
    memset(key, 0, LIMITS_KEY_LEN);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        key[0] = 4;
        memcpy(key + 1, &a->sin_addr, 4);
        return 0;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) { /* ::ffff:a.b.c.d counts as a.b.c.d */
            key[0] = 4;
            memcpy(key + 1, a->sin6_addr.s6_addr + 12, 4);
        } else {
            key[0] = 6;
            memcpy(key + 1, a->sin6_addr.s6_addr, 8);
        }
        return 0;
    }
    return -1;
}

static uint32_t limits_slot(const unsigned char key[LIMITS_KEY_LEN]) {
    return (uint32_t)hash_bytes(key, LIMITS_KEY_LEN) & (LIMITS_BUCKETS - 1);
}

static void limits_free_rec(struct limits_addr *r) {
    pthread_mutex_destroy(&r->cmd_lock);
    wfree(r);
}

int limits_addr_admit(const struct sockaddr_storage *peer, struct limits_addr **rec, const char **why) {
    static const char cap_msg[] = "-ERR max number of clients per address reached\r\n";
    static const char rate_msg[] = "-ERR too many new connections from this address, slow down\r\n";
    *rec = NULL;
    long long cap = atomic_load_explicit(&server_config.maxclients_per_ip, memory_order_relaxed);
    long long rate = atomic_load_explicit(&server_config.conn_rate_per_ip, memory_order_relaxed);
    long long burst = atomic_load_explicit(&server_config.conn_rate_per_ip_burst, memory_order_relaxed);
    unsigned char key[LIMITS_KEY_LEN];
    /* Every TCP connection is tracked, limits on or not: they may be turned on while it
     * lives, and a record costs ~100 bytes per address, not per connection. */
    if (limits_key(peer, key) != 0) return 0;
    uint32_t slot = limits_slot(key);
    pthread_mutex_lock(&table_lock);
    struct limits_addr *r = table[slot];
    while (r && memcmp(r->key, key, LIMITS_KEY_LEN) != 0) r = r->next;
    if (cap > 0 && r && r->conns >= cap) {
        pthread_mutex_unlock(&table_lock);
        *why = cap_msg;
        return -1;
    }
    if (!r) {
        r = wcalloc(1, sizeof(*r));
        memcpy(r->key, key, LIMITS_KEY_LEN);
        pthread_mutex_init(&r->cmd_lock, NULL);
        r->next = table[slot];
        table[slot] = r;
        table_count++;
        table_idle++;
    }
    if (rate > 0 && !bucket_take(&r->conn_tb, rate, burst, clock_mono_us())) {
        pthread_mutex_unlock(&table_lock);
        *why = rate_msg;
        return -1; /* a new record stays (idle) so its empty bucket is remembered */
    }
    if (r->conns++ == 0) table_idle--;
    pthread_mutex_unlock(&table_lock);
    *rec = r;
    return 0;
}

void limits_addr_release(struct limits_addr *rec) {
    if (!rec) return;
    pthread_mutex_lock(&table_lock);
    if (--rec->conns == 0) table_idle++;
    pthread_mutex_unlock(&table_lock);
}

void limits_sweep(void) {
    long long rate = atomic_load_explicit(&server_config.conn_rate_per_ip, memory_order_relaxed);
    long long burst = atomic_load_explicit(&server_config.conn_rate_per_ip_burst, memory_order_relaxed);
    long long crate = atomic_load_explicit(&server_config.rate_limit_per_ip, memory_order_relaxed);
    long long cburst = atomic_load_explicit(&server_config.rate_limit_per_ip_burst, memory_order_relaxed);
    long long now = clock_mono_us();
    pthread_mutex_lock(&table_lock);
    int over = table_idle > LIMITS_MAX_IDLE;
    for (int i = 0; i < LIMITS_BUCKETS && table_idle > 0; i++) {
        struct limits_addr **pp = &table[i];
        while (*pp) {
            struct limits_addr *r = *pp;
            int drop = 0;
            if (r->conns == 0) {
                /* conns == 0: no client points at it, so cmd_tb is not in use either */
                drop = over || (bucket_refilled(&r->conn_tb, rate, burst, now) &&
                                bucket_refilled(&r->cmd_tb, crate, cburst, now));
            }
            if (drop) {
                *pp = r->next;
                table_count--;
                table_idle--;
                limits_free_rec(r);
                if (over && table_idle <= LIMITS_MAX_IDLE / 2) over = 0;
            } else {
                pp = &r->next;
            }
        }
    }
    pthread_mutex_unlock(&table_lock);
}

long long limits_addr_count(void) {
    pthread_mutex_lock(&table_lock);
    long long n = table_count;
    pthread_mutex_unlock(&table_lock);
    return n;
}

void limits_shutdown(void) {
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < LIMITS_BUCKETS; i++) {
        struct limits_addr *r = table[i];
        while (r) {
            struct limits_addr *next = r->next;
            limits_free_rec(r);
            r = next;
        }
        table[i] = NULL;
    }
    table_count = table_idle = 0;
    pthread_mutex_unlock(&table_lock);
    pthread_mutex_lock(&users_lock);
    while (users) {
        struct limits_user *u = users;
        users = u->next;
        pthread_mutex_destroy(&u->lock);
        wfree(u);
    }
    pthread_mutex_unlock(&users_lock);
}

/* ---- command rates ---- */

static struct limits_user *limits_user_rec(const void *user) {
    pthread_mutex_lock(&users_lock);
    struct limits_user *u = users;
    while (u && u->user != user) u = u->next;
    if (!u) {
        u = wcalloc(1, sizeof(*u));
        u->user = user;
        pthread_mutex_init(&u->lock, NULL);
        u->next = users;
        users = u;
    }
    pthread_mutex_unlock(&users_lock);
    return u;
}

int limits_command_allowed(struct client *c) {
    long long ip_rate = atomic_load_explicit(&server_config.rate_limit_per_ip, memory_order_relaxed);
    long long user_rate = atomic_load_explicit(&server_config.rate_limit_per_user, memory_order_relaxed);
    if (ip_rate <= 0 && user_rate <= 0) return 1;
    long long now = clock_mono_us();
    if (ip_rate > 0 && c->limits_addr) {
        struct limits_addr *r = c->limits_addr;
        long long burst = atomic_load_explicit(&server_config.rate_limit_per_ip_burst, memory_order_relaxed);
        pthread_mutex_lock(&r->cmd_lock);
        int ok = bucket_take(&r->cmd_tb, ip_rate, burst, now);
        pthread_mutex_unlock(&r->cmd_lock);
        if (!ok) return 0;
    }
    if (user_rate > 0 && c->user) {
        if (c->rate_user_key != c->user) {
            c->rate_user_rec = limits_user_rec(c->user);
            c->rate_user_key = c->user;
        }
        struct limits_user *u = c->rate_user_rec;
        long long burst = atomic_load_explicit(&server_config.rate_limit_per_user_burst, memory_order_relaxed);
        pthread_mutex_lock(&u->lock);
        int ok = bucket_take(&u->tb, user_rate, burst, now);
        pthread_mutex_unlock(&u->lock);
        if (!ok) return 0;
    }
    return 1;
}

/* ---- output buffer limits ---- */

static const char *const obuf_class_label[CONFIG_CLIENT_CLASSES] = {"normal", "replica", "pubsub"};

int conn_check_output_limits(struct client *c) {
    int fl = atomic_load_explicit(&c->flags, memory_order_relaxed);
    if (fl & CLIENT_CLOSE_ASAP) return 1;
    int cls = (fl & CLIENT_PUBSUB) ? CONFIG_CLIENT_PUBSUB : CONFIG_CLIENT_NORMAL;
    /* config_special.c stores these with atomic stores; relaxed loads see whole values */
    const struct config_obuf_limit *l = &server_config.client_obuf_limits[cls];
    long long hard = __atomic_load_n(&l->hard_bytes, __ATOMIC_RELAXED);
    long long soft = __atomic_load_n(&l->soft_bytes, __ATOMIC_RELAXED);
    long long used = (long long)c->out.pending;
    int over_hard = hard > 0 && used >= hard;
    int over_soft = 0;
    if (soft > 0 && used >= soft) {
        long long now = clock_ms();
        long long secs = __atomic_load_n(&l->soft_seconds, __ATOMIC_RELAXED);
        if (c->obuf_soft_since_ms == 0) c->obuf_soft_since_ms = now;
        /* Redis closes once the soft limit was exceeded for more than soft-seconds */
        else if ((now - c->obuf_soft_since_ms) / 1000 > secs) over_soft = 1;
    } else {
        c->obuf_soft_since_ms = 0;
    }
    if (!over_hard && !over_soft) return 0;
    atomic_fetch_or(&c->flags, CLIENT_CLOSE_ASAP);
    /* Abort rather than close: a graceful close would leave the kernel trickling the
     * socket's send buffer (megabytes) to a reader that does not read. */
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    STAT_INC(obuf_limit_disconnections);
    log_warning("Client id=%llu addr=%s laddr=%s name=%s omem=%lld class=%s scheduled to be closed ASAP for "
                "overcoming of output buffer limits.",
                c->id, c->addr, c->laddr, c->name ? c->name : "", used, obuf_class_label[cls]);
    return 1;
}
