/* info.c — INFO [section ...]: the server's state as "field:value" lines grouped in
 * "# Section" blocks, with the field names monitoring tools read from Redis 7.0.
 * Sections are a registry (info.h) so later features can supply their own; fields of
 * features Warden does not have yet show Redis's idle values.
 *
 * Argument semantics (Redis 7.0): no argument or "default" → the default sections;
 * "all" → every section; "everything" → the same (no module sections exist); several
 * names → their union, always printed in the fixed section order; unknown names are
 * ignored. The reply is a verbatim string ("txt") in RESP3, a bulk string in RESP2. */
#include "cmd/info.h"
#include "acl/audit.h"
#include "acl/auth_throttle.h"
#include "client.h"
#include "cmd/errorstats.h"
#include "cmd/families.h"
#include "cmd/table.h"
#include "config.h"
#include "db/db.h"
#include "net/registry.h"
#include "pubsub/pubsub.h"
#include "persist/persist.h"
#include "server.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/random.h"
#include "version.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ---- sampled metrics (main thread writes, any thread reads) ---- */

#define INFO_SAMPLES 16
#define INFO_SAMPLE_PERIOD_US 90000 /* ~100 ms, with slack for cron jitter */

struct info_metric {
    long long last_value, last_us;
    long long rates[INFO_SAMPLES]; /* per second */
    int idx;
    _Atomic long long average;
};
enum { METRIC_OPS, METRIC_NET_IN, METRIC_NET_OUT, METRIC_COUNT };
static struct info_metric metrics[METRIC_COUNT];
static _Atomic long long memory_peak;
static _Atomic long long main_cpu_user_us, main_cpu_sys_us;

static void info_metric_sample(struct info_metric *m, long long value, long long now_us) {
    if (m->last_us) {
        long long dt = now_us - m->last_us;
        long long dv = value - m->last_value;
        m->rates[m->idx] = dt > 0 && dv > 0 ? dv * 1000000 / dt : 0;
        m->idx = (m->idx + 1) % INFO_SAMPLES;
        long long sum = 0;
        for (int i = 0; i < INFO_SAMPLES; i++) sum += m->rates[i];
        atomic_store_explicit(&m->average, sum / INFO_SAMPLES, memory_order_relaxed);
    }
    m->last_value = value;
    m->last_us = now_us;
}

static void info_update_peak(void) {
    long long used = alloc_used_memory();
    long long peak = atomic_load_explicit(&memory_peak, memory_order_relaxed);
    while (used > peak && !atomic_compare_exchange_weak(&memory_peak, &peak, used)) {
    }
}

static long long timeval_us(struct timeval tv) { return (long long)tv.tv_sec * 1000000 + tv.tv_usec; }

void info_cron(void) {
    static long long last_us;
    long long now = clock_mono_us();
    if (now - last_us < INFO_SAMPLE_PERIOD_US) return;
    last_us = now;
    info_metric_sample(&metrics[METRIC_OPS], STATS_SUM(commands), now);
    info_metric_sample(&metrics[METRIC_NET_IN], STATS_SUM(net_input_bytes), now);
    info_metric_sample(&metrics[METRIC_NET_OUT], STATS_SUM(net_output_bytes), now);
    info_update_peak();
    struct rusage ru;
    if (getrusage(RUSAGE_THREAD, &ru) == 0) {
        atomic_store(&main_cpu_user_us, timeval_us(ru.ru_utime));
        atomic_store(&main_cpu_sys_us, timeval_us(ru.ru_stime));
    }
}

static long long metric_avg(int m) { return atomic_load_explicit(&metrics[m].average, memory_order_relaxed); }

/* ---- helpers ---- */

void info_bytes_to_human(char *buf, size_t size, long long n) {
    static const char units[] = "KMGTPE";
    if (n < 1024) {
        snprintf(buf, size, "%lldB", n);
        return;
    }
    double d = (double)n / 1024;
    int u = 0;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    snprintf(buf, size, "%.2f%c", d, units[u]);
}

static void info_human(struct textbuf *b, const char *field, long long n) {
    char h[32];
    info_bytes_to_human(h, sizeof(h), n);
    textbuf_printf(b, "%s:%lld\r\n%s_human:%s\r\n", field, n, field, h);
}

static long long info_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    long long size = 0, resident = 0;
    /* NOLINTNEXTLINE(cert-err34-c): a kernel-written file; anything unexpected shows 0 */
    int got = fscanf(f, "%lld %lld", &size, &resident);
    fclose(f);
    return got == 2 ? resident * sysconf(_SC_PAGESIZE) : 0;
}

/* The replication id of this (master-only) server: random, fixed for the process. */
static char info_replid_buf[41];
static pthread_once_t info_replid_once = PTHREAD_ONCE_INIT;

static void info_make_replid(void) { random_hex_id(info_replid_buf, 20); }

static const char *info_replid(void) {
    pthread_once(&info_replid_once, info_make_replid);
    return info_replid_buf;
}

/* The current value of a configuration option as CONFIG GET shows it. */
struct config_value {
    char buf[64];
};
static void config_value_cb(void *priv, const char *name, const char *value) {
    (void)name;
    snprintf(((struct config_value *)priv)->buf, sizeof(((struct config_value *)priv)->buf), "%s", value);
}
static const char *info_config(struct config_value *v, const char *option) {
    v->buf[0] = '\0';
    config_get_matching(option, strlen(option), config_value_cb, v);
    return v->buf;
}

/* ---- sections ---- */

static void info_server(struct textbuf *b) {
    struct utsname un;
    if (uname(&un) != 0) memset(&un, 0, sizeof(un));
    char config_file[4096];
    config_copy_string(&server_config.config_file, config_file, sizeof(config_file));
    long long now_us = clock_us();
    long long uptime = (now_us / 1000 - server_info.start_time_ms) / 1000;
#if defined(__GNUC__) && !defined(__clang__)
    int gv[3] = {__GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__};
#else
    int gv[3] = {0, 0, 0};
#endif
    textbuf_printf(b,
                   "redis_version:%s\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\n"
                   "redis_mode:standalone\r\nos:%s %s %s\r\narch_bits:%d\r\nmonotonic_clock:POSIX clock_gettime\r\n"
                   "multiplexing_api:epoll\r\natomicvar_api:c11-builtin\r\ngcc_version:%d.%d.%d\r\n"
                   "process_id:%ld\r\nprocess_supervised:no\r\nrun_id:%s\r\ntcp_port:%d\r\n"
                   "server_time_usec:%lld\r\nuptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:%d\r\n"
                   "configured_hz:%d\r\nlru_clock:%u\r\nexecutable:%s\r\nconfig_file:%s\r\nio_threads_active:0\r\n",
                   WARDEN_REDIS_VERSION, un.sysname, un.release, un.machine, (int)(sizeof(void *) * 8), gv[0], gv[1],
                   gv[2], (long)getpid(), server_info.run_id, server_info.tcp_port, now_us, uptime, uptime / 86400,
                   server_config.hz, server_config.hz, db_lru_clock(), server_info.executable, config_file);
}

static void info_clients(struct textbuf *b) {
    long long blocked = 0;
    pthread_mutex_lock(&registry_lock);
    for (struct client *c = registry_first(); c; c = c->rnext)
        if (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_BLOCKED) blocked++;
    pthread_mutex_unlock(&registry_lock);
    textbuf_printf(b,
                   "connected_clients:%lld\r\ncluster_connections:0\r\nmaxclients:%lld\r\n"
                   "client_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:%lld\r\n"
                   "tracking_clients:0\r\nclients_in_timeout_table:0\r\n",
                   registry_count(), (long long)server_config.maxclients, blocked);
}

static void info_memory(struct textbuf *b) {
    info_update_peak();
    long long used = alloc_used_memory();
    long long peak = atomic_load(&memory_peak);
    long long rss = info_rss_bytes();
    long long maxmem = server_config.maxmemory;
    long long total = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    info_human(b, "used_memory", used);
    info_human(b, "used_memory_rss", rss);
    info_human(b, "used_memory_peak", peak);
    textbuf_printf(b, "used_memory_peak_perc:%.2f%%\r\n", peak ? 100.0 * (double)used / (double)peak : 0.0);
    textbuf_printf(b,
                   "used_memory_overhead:0\r\nused_memory_startup:0\r\nused_memory_dataset:%lld\r\n"
                   "used_memory_dataset_perc:100.00%%\r\nallocator_allocated:%lld\r\nallocator_active:%lld\r\n"
                   "allocator_resident:%lld\r\n",
                   used, used, used, rss);
    info_human(b, "total_system_memory", total > 0 ? total : 0);
    textbuf_puts(b, "used_memory_lua:0\r\nused_memory_vm_eval:0\r\nused_memory_lua_human:0B\r\n"
                    "used_memory_scripts_eval:0\r\nnumber_of_cached_scripts:0\r\nnumber_of_functions:0\r\n"
                    "number_of_libraries:0\r\nused_memory_vm_functions:0\r\nused_memory_vm_total:0\r\n"
                    "used_memory_vm_total_human:0B\r\nused_memory_functions:0\r\nused_memory_scripts:0\r\n"
                    "used_memory_scripts_human:0B\r\n");
    info_human(b, "maxmemory", maxmem);
    double frag = used ? (double)rss / (double)used : 0.0;
    struct config_value policy;
    textbuf_printf(b,
                   "maxmemory_policy:%s\r\nallocator_frag_ratio:1.00\r\nallocator_frag_bytes:0\r\n"
                   "allocator_rss_ratio:1.00\r\nallocator_rss_bytes:0\r\nrss_overhead_ratio:1.00\r\n"
                   "rss_overhead_bytes:0\r\nmem_fragmentation_ratio:%.2f\r\nmem_fragmentation_bytes:%lld\r\n"
                   "mem_not_counted_for_evict:0\r\nmem_replication_backlog:0\r\nmem_total_replication_buffers:0\r\n"
                   "mem_clients_slaves:0\r\nmem_clients_normal:0\r\nmem_cluster_links:0\r\nmem_aof_buffer:0\r\n"
                   "mem_allocator:%s\r\nactive_defrag_running:0\r\nlazyfree_pending_objects:%lld\r\n"
                   "lazyfreed_objects:0\r\n",
                   info_config(&policy, "maxmemory-policy"), frag, rss - used, alloc_allocator_name(),
                   db_lazyfree_pending());
}

static void info_persistence(struct textbuf *b) {
    char buf[2048];
    persist_info(buf, sizeof(buf));
    textbuf_puts(b, buf);
}

static void info_stats(struct textbuf *b) {
    textbuf_printf(b,
                   "total_connections_received:%lld\r\ntotal_commands_processed:%lld\r\n"
                   "instantaneous_ops_per_sec:%lld\r\ntotal_net_input_bytes:%lld\r\ntotal_net_output_bytes:%lld\r\n"
                   "total_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\n"
                   "instantaneous_input_kbps:%.2f\r\ninstantaneous_output_kbps:%.2f\r\n"
                   "instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\n"
                   "rejected_connections:%lld\r\nsync_full:0\r\nsync_partial_ok:0\r\nsync_partial_err:0\r\n"
                   "expired_keys:%lld\r\nexpired_stale_perc:0.00\r\nexpired_time_cap_reached_count:0\r\n"
                   "expire_cycle_cpu_milliseconds:0\r\nevicted_keys:%lld\r\nevicted_clients:0\r\n"
                   "total_eviction_exceeded_time:0\r\ncurrent_eviction_exceeded_time:0\r\nkeyspace_hits:%lld\r\n"
                   "keyspace_misses:%lld\r\npubsub_channels:%lld\r\npubsub_patterns:%lld\r\npubsubshard_channels:%lld\r\n"
                   "latest_fork_usec:0\r\ntotal_forks:0\r\nmigrate_cached_sockets:0\r\n"
                   "slave_expires_tracked_keys:0\r\nactive_defrag_hits:0\r\nactive_defrag_misses:0\r\n"
                   "active_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\ntotal_active_defrag_time:0\r\n"
                   "current_active_defrag_time:0\r\ntracking_total_keys:0\r\ntracking_total_items:0\r\n"
                   "tracking_total_prefixes:0\r\nunexpected_error_replies:%lld\r\ntotal_error_replies:%lld\r\n"
                   "dump_payload_sanitizations:0\r\ntotal_reads_processed:0\r\ntotal_writes_processed:0\r\n"
                   "io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\nreply_buffer_shrinks:0\r\n"
                   "reply_buffer_expands:0\r\n",
                   STATS_SUM(connections), STATS_SUM(commands), metric_avg(METRIC_OPS), STATS_SUM(net_input_bytes),
                   STATS_SUM(net_output_bytes), (double)metric_avg(METRIC_NET_IN) / 1024,
                   (double)metric_avg(METRIC_NET_OUT) / 1024, STATS_SUM(rejected_conns), STATS_SUM(expired_keys),
                   STATS_SUM(evicted_keys), STATS_SUM(hits), STATS_SUM(misses), pubsub_name_count(PUBSUB_CHANNEL),
                   pubsub_name_count(PUBSUB_PATTERN), pubsub_name_count(PUBSUB_SHARD),
                   STATS_SUM(unexpected_error_replies), STATS_SUM(error_replies));
    /* Redis 7.2's buffer-limit counters, then Warden's own network-limit counters
     * (docs/security.md) */
    textbuf_printf(b,
                   "client_query_buffer_limit_disconnections:%lld\r\n"
                   "client_output_buffer_limit_disconnections:%lld\r\n"
                   "rejected_connections_per_ip:%lld\r\nrate_limited_commands:%lld\r\n"
                   "client_request_timeouts:%lld\r\nclient_idle_timeouts:%lld\r\n"
                   "tls_handshake_failures:%lld\r\ntls_handshake_timeouts:%lld\r\noom_rejected_commands:%lld\r\n",
                   STATS_SUM(qbuf_limit_disconnections), STATS_SUM(obuf_limit_disconnections),
                   STATS_SUM(rejected_conns_per_ip), STATS_SUM(rate_limited_cmds), STATS_SUM(request_timeouts),
                   STATS_SUM(idle_timeouts), STATS_SUM(tls_handshake_failures), STATS_SUM(tls_handshake_timeouts),
                   STATS_SUM(oom_rejected_cmds));
}

static void info_replication(struct textbuf *b) {
    textbuf_printf(b,
                   "role:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:%s\r\n"
                   "master_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\n"
                   "second_repl_offset:-1\r\nrepl_backlog_active:0\r\nrepl_backlog_size:1048576\r\n"
                   "repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n",
                   info_replid());
}

static void info_cpu(struct textbuf *b) {
    struct rusage self, children;
    if (getrusage(RUSAGE_SELF, &self) != 0) memset(&self, 0, sizeof(self));
    if (getrusage(RUSAGE_CHILDREN, &children) != 0) memset(&children, 0, sizeof(children));
    long long mu = atomic_load(&main_cpu_user_us), ms = atomic_load(&main_cpu_sys_us);
    textbuf_printf(b,
                   "used_cpu_sys:%lld.%06lld\r\nused_cpu_user:%lld.%06lld\r\nused_cpu_sys_children:%lld.%06lld\r\n"
                   "used_cpu_user_children:%lld.%06lld\r\nused_cpu_sys_main_thread:%lld.%06lld\r\n"
                   "used_cpu_user_main_thread:%lld.%06lld\r\n",
                   (long long)self.ru_stime.tv_sec, (long long)self.ru_stime.tv_usec, (long long)self.ru_utime.tv_sec,
                   (long long)self.ru_utime.tv_usec, (long long)children.ru_stime.tv_sec,
                   (long long)children.ru_stime.tv_usec, (long long)children.ru_utime.tv_sec,
                   (long long)children.ru_utime.tv_usec, ms / 1000000, ms % 1000000, mu / 1000000, mu % 1000000);
}

static void info_modules(struct textbuf *b) { (void)b; }

static void info_commandstats(struct textbuf *b) {
    for (int i = 0; i < command_id_count(); i++) {
        const struct command *cmd = command_by_id(i);
        long long calls, usec, rejected, failed;
        command_stats_sum(cmd, &calls, &usec, &rejected, &failed);
        if (!calls && !rejected && !failed) continue;
        textbuf_printf(b, "cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,failed_calls=%lld\r\n",
                       cmd->fullname, calls, usec, calls ? (double)usec / (double)calls : 0.0, rejected, failed);
    }
}

static void info_errorstat_line(void *priv, const char *code, long long count) {
    textbuf_printf((struct textbuf *)priv, "errorstat_%s:count=%lld\r\n", code, count);
}
static void info_errorstats(struct textbuf *b) { errorstats_each(info_errorstat_line, b); }

static void info_cluster(struct textbuf *b) { textbuf_puts(b, "cluster_enabled:0\r\n"); }

static void info_keyspace(struct textbuf *b) {
    for (int d = 0; d < db_count(); d++) {
        struct db *db = db_get(d);
        long long keys = db_size_all(db);
        if (!keys) continue;
        textbuf_printf(b, "db%d:keys=%lld,expires=%lld,avg_ttl=0\r\n", d, keys, db_volatile_all(db));
    }
}

static void info_warden(struct textbuf *b) {
    textbuf_printf(b, "warden_version:%s\r\nthreads:%d\r\nshards_per_db:%d\r\ndatabases:%d\r\n", WARDEN_VERSION,
                   server_info.threads, DB_SHARDS, db_count());
    textbuf_printf(b, "auth_throttle_lockouts:%lld\r\naudit_log_enabled:%d\r\naudit_log_events:%lld\r\n"
                      "audit_log_write_errors:%lld\r\n",
                   auth_throttle_lockouts(), audit_enabled(), audit_events_written(), audit_write_errors());
}

/* ---- the section registry ---- */

#define INFO_MAX_SECTIONS 24
struct info_section {
    const char *name, *title;
    info_section_fn fn;
    int in_default;
};
static struct info_section sections[INFO_MAX_SECTIONS] = {
    {"server", "Server", info_server, 1},
    {"clients", "Clients", info_clients, 1},
    {"memory", "Memory", info_memory, 1},
    {"persistence", "Persistence", info_persistence, 1},
    {"stats", "Stats", info_stats, 1},
    {"replication", "Replication", info_replication, 1},
    {"cpu", "CPU", info_cpu, 1},
    {"modules", "Modules", info_modules, 1},
    {"commandstats", "Commandstats", info_commandstats, 0},
    {"errorstats", "Errorstats", info_errorstats, 1},
    {"cluster", "Cluster", info_cluster, 1},
    {"keyspace", "Keyspace", info_keyspace, 1},
    {"warden", "Warden", info_warden, 1},
};
static int nsections = 13;

void info_register_section(const char *name, const char *title, info_section_fn fn, int in_default) {
    for (int i = 0; i < nsections; i++)
        if (strcmp(sections[i].name, name) == 0) {
            sections[i].fn = fn;
            sections[i].title = title;
            sections[i].in_default = in_default;
            return;
        }
    if (nsections < INFO_MAX_SECTIONS) sections[nsections++] = (struct info_section){name, title, fn, in_default};
}

static void info_command(struct client *c) {
    int want[INFO_MAX_SECTIONS] = {0};
    if (c->argc == 1) {
        for (int i = 0; i < nsections; i++) want[i] = sections[i].in_default;
    }
    for (int a = 1; a < c->argc; a++) {
        const struct arg *arg = &c->argv[a];
        if (arg_eq(arg, "all") || arg_eq(arg, "everything")) {
            for (int i = 0; i < nsections; i++) want[i] = 1;
        } else if (arg_eq(arg, "default")) {
            for (int i = 0; i < nsections; i++) want[i] |= sections[i].in_default;
        } else {
            for (int i = 0; i < nsections; i++)
                if (arg_eq(arg, sections[i].name)) want[i] = 1;
        }
    }
    struct textbuf b;
    textbuf_init(&b);
    int first = 1;
    for (int i = 0; i < nsections; i++) {
        if (!want[i]) continue;
        if (!first) textbuf_puts(&b, "\r\n");
        first = 0;
        textbuf_printf(&b, "# %s\r\n", sections[i].title);
        sections[i].fn(&b);
    }
    reply_verbatim(&c->out, b.p ? b.p : "", b.len, "txt");
    textbuf_free(&b);
}

struct command info_commands[] = {
    {.name = "info", .proc = info_command, .arity = -1, .flags = CMD_LOADING | CMD_STALE | CMD_WALKS_ALL, .acl = ACL_DANGEROUS,
     .summary = "Get information and statistics about the server", .since = "1.0.0", .group = "server",
     .complexity = "O(1)"},
    CMD_END,
};
