/* mc_stats.c — memcached's statistics: the counters memcached keeps (per worker thread,
 * each thread the only writer of its slot, summed on demand like src/stats.h), and the
 * `stats` command: general counters, `stats settings`, `stats reset`, and the
 * subcommands memcached answers that have no meaning here (items, slabs, sizes, conns)
 * answered empty so monitoring tools keep working. Unknown subcommands get "ERROR". */
#include "config.h"
#include "mc/mc_int.h"
#include "net/registry.h"
#include "net/worker.h"
#include "server.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "version.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MC_STAT_SLOTS 256 /* slot 0: threads without a worker (shared, atomic adds) */

struct mc_stat_slot {
    _Atomic long long v[MCS_COUNT];
    char pad[64];
};

static struct mc_stat_slot slots[MC_STAT_SLOTS];
static _Atomic long long curr_connections;
static _Atomic int verbosity;

void mc_stat_add(int which, long long n) {
    struct worker *w = worker_self();
    int slot = w && w->id + 1 < MC_STAT_SLOTS ? w->id + 1 : 0;
    _Atomic long long *p = &slots[slot].v[which];
    if (slot == 0) atomic_fetch_add_explicit(p, n, memory_order_relaxed);
    else atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) + n, memory_order_relaxed);
}

static long long mc_stat_sum(int which) {
    long long s = 0;
    for (int i = 0; i < MC_STAT_SLOTS; i++) s += atomic_load_explicit(&slots[i].v[which], memory_order_relaxed);
    return s;
}

/* stats reset: memcached zeroes its counters (each slot's owner may race an increment
 * with the reset; a lost increment is acceptable for statistics). */
static void mc_stat_reset(void) {
    for (int i = 0; i < MC_STAT_SLOTS; i++)
        for (int k = 0; k < MCS_COUNT; k++) atomic_store_explicit(&slots[i].v[k], 0, memory_order_relaxed);
}

void mc_stats_conn(int delta) { atomic_fetch_add(&curr_connections, delta); }
int mc_verbosity_get(void) { return atomic_load(&verbosity); }
void mc_verbosity_set(int v) { atomic_store(&verbosity, v); }

static void stat_line(struct client *c, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void stat_line(struct client *c, const char *name, const char *fmt, ...) {
    char val[256], line[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    int n = snprintf(line, sizeof(line), "STAT %s %s\r\n", name, val);
    if (n > 0) mc_reply_raw(c, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void mc_stats_general(struct client *c) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long now = clock_ms();
    static const struct {
        const char *name;
        int which;
    } counters[] = {
        {"cmd_get", MCS_CMD_GET},           {"cmd_set", MCS_CMD_SET},
        {"cmd_flush", MCS_CMD_FLUSH},       {"cmd_touch", MCS_CMD_TOUCH},
        {"cmd_meta", MCS_CMD_META},         {"get_hits", MCS_GET_HITS},
        {"get_misses", MCS_GET_MISSES},     {"get_expired", MCS_GET_EXPIRED},
        {"get_flushed", MCS_GET_FLUSHED},   {"delete_misses", MCS_DELETE_MISSES},
        {"delete_hits", MCS_DELETE_HITS},   {"incr_misses", MCS_INCR_MISSES},
        {"incr_hits", MCS_INCR_HITS},       {"decr_misses", MCS_DECR_MISSES},
        {"decr_hits", MCS_DECR_HITS},       {"cas_misses", MCS_CAS_MISSES},
        {"cas_hits", MCS_CAS_HITS},         {"cas_badval", MCS_CAS_BADVAL},
        {"touch_hits", MCS_TOUCH_HITS},     {"touch_misses", MCS_TOUCH_MISSES},
        {"store_too_large", MCS_STORE_TOO_LARGE}, {"store_no_memory", MCS_STORE_NO_MEMORY},
        {"auth_cmds", MCS_AUTH_CMDS},       {"auth_errors", MCS_AUTH_ERRORS},
    };
    stat_line(c, "pid", "%d", (int)getpid());
    stat_line(c, "uptime", "%lld", (now - server_info.start_time_ms) / 1000);
    stat_line(c, "time", "%lld", now / 1000);
    stat_line(c, "version", "%s", MC_VERSION);
    stat_line(c, "warden_version", "%s", WARDEN_VERSION);
    stat_line(c, "pointer_size", "%d", (int)(8 * sizeof(void *)));
    stat_line(c, "rusage_user", "%ld.%06ld", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
    stat_line(c, "rusage_system", "%ld.%06ld", (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
    stat_line(c, "max_connections", "%lld", (long long)server_config.maxclients);
    stat_line(c, "curr_connections", "%lld", (long long)atomic_load(&curr_connections));
    stat_line(c, "total_connections", "%lld", mc_stat_sum(MCS_TOTAL_CONNECTIONS));
    stat_line(c, "rejected_connections", "%lld", STATS_SUM(rejected_conns));
    stat_line(c, "connection_structures", "%lld", registry_count());
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
        stat_line(c, counters[i].name, "%lld", mc_stat_sum(counters[i].which));
    stat_line(c, "bytes_read", "%lld", STATS_SUM(net_input_bytes));
    stat_line(c, "bytes_written", "%lld", STATS_SUM(net_output_bytes));
    stat_line(c, "limit_maxbytes", "%lld", (long long)server_config.maxmemory);
    stat_line(c, "accepting_conns", "1");
    stat_line(c, "threads", "%d", server_info.threads);
    stat_line(c, "bytes", "%lld", alloc_used_memory());
    stat_line(c, "curr_items", "%lld", db_size_all(db_get(0)));
    stat_line(c, "total_items", "%lld", mc_stat_sum(MCS_TOTAL_ITEMS));
    stat_line(c, "expired_unfetched", "0");
    stat_line(c, "evicted_unfetched", "0");
    stat_line(c, "evictions", "%lld", STATS_SUM(evicted_keys));
    stat_line(c, "reclaimed", "0");
}

static void mc_stats_settings(struct client *c) {
    char bind[256] = "";
    pthread_rwlock_rdlock(&config_lock);
    size_t at = 0;
    for (int i = 0; i < server_config.bind_count && at + 2 < sizeof(bind); i++) {
        int w = snprintf(bind + at, sizeof(bind) - at, "%s%s", i ? "," : "", server_config.bind[i]);
        if (w < 0) break;
        at += (size_t)w;
        if (at >= sizeof(bind)) at = sizeof(bind) - 1;
    }
    pthread_rwlock_unlock(&config_lock);
    int policy = server_config.maxmemory_policy;
    stat_line(c, "maxbytes", "%lld", (long long)server_config.maxmemory);
    stat_line(c, "maxconns", "%lld", (long long)server_config.maxclients);
    stat_line(c, "tcpport", "%d", server_config.memcached_port);
    stat_line(c, "udpport", "0");
    stat_line(c, "inter", "%s", bind[0] ? bind : "NULL");
    stat_line(c, "verbosity", "%d", mc_verbosity_get());
    stat_line(c, "oldest", "0");
    stat_line(c, "evictions", "%s", policy == MAXMEMORY_NOEVICTION ? "off" : "on");
    stat_line(c, "domain_socket", "NULL");
    stat_line(c, "num_threads", "%d", server_info.threads);
    stat_line(c, "stat_key_prefix", ":");
    stat_line(c, "detail_enabled", "no");
    stat_line(c, "cas_enabled", "yes");
    stat_line(c, "tcp_backlog", "%d", server_config.tcp_backlog);
    stat_line(c, "binding_protocol", "ascii");
    stat_line(c, "auth_enabled_sasl", "no");
    stat_line(c, "auth_enabled_ascii", "%s", mc_auth_required() ? "yes" : "no");
    stat_line(c, "item_size_max", "%lld", (long long)server_config.item_size_max);
    stat_line(c, "maxconns_fast", "yes");
    stat_line(c, "flush_enabled", "yes");
    stat_line(c, "dump_enabled", "no");
    stat_line(c, "idle_timeout", "%lld", (long long)server_config.timeout);
    stat_line(c, "ssl_enabled", "no");
}

void mc_stats_run(struct mc_ctx *x) {
    struct client *c = x->c;
    int n = x->req->ntokens;
    if (mc_acl_check(x, n >= 2 && mc_tok_is(x, 1, "reset") ? MC_ROW_RESETSTAT : MC_ROW_INFO, NULL, 0)) return;
    if (n == 1) {
        mc_stats_general(c);
    } else if (mc_tok_is(x, 1, "settings")) {
        mc_stats_settings(c);
    } else if (mc_tok_is(x, 1, "reset")) {
        mc_stat_reset();
        mc_reply(c, "RESET");
        return;
    } else if (mc_tok_is(x, 1, "detail")) {
        if (n >= 3 && (mc_tok_is(x, 2, "on") || mc_tok_is(x, 2, "off"))) mc_reply(c, "OK");
        else if (n >= 3 && mc_tok_is(x, 2, "dump")) mc_reply(c, "END");
        else mc_reply(c, "CLIENT_ERROR usage: stats detail on|off|dump");
        return;
    } else if (mc_tok_is(x, 1, "sizes")) {
        stat_line(c, "sizes_status", "disabled");
    } else if (!mc_tok_is(x, 1, "items") && !mc_tok_is(x, 1, "slabs") && !mc_tok_is(x, 1, "conns") &&
               !mc_tok_is(x, 1, "extstore")) {
        mc_reply(c, "ERROR");
        return;
    }
    mc_reply_raw(c, "END\r\n", 5);
}
