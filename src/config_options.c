/* config_options.c — the rows of the option table: every option redis-server 7.0 shows
 * in CONFIG GET * (with its aliases, defaults, bounds and mutability), plus Warden's own
 * `threads`, `auth-failure-limit`, `auth-failure-window`, `audit-log` and the memcache front
 * end's `memcached-port`, `memcached-tls-port`, `item-size-max`. Three kinds of rows (docs/config.md lists them all):
 *   implemented   — a field in server_config that Warden reads;
 *   CFG_NOOP      — meaningless for Warden (activerehashing, jemalloc-bg-thread...):
 *                   accepted, noted once in the log at start-up, shown by CONFIG GET;
 *   feature-gated — stored (for CONFIG GET/REWRITE and the feature to come) and accepted
 *                   at values that ask for nothing missing; a value that needs a feature
 *                   Warden does not have yet is refused with a clear message.
 * Bounds and error texts are Redis 7.0's. Multi-word options live in config_special.c. */
#include "acl/acl.h"
#include "acl/acl_log.h"
#include "acl/audit.h"
#include "acl/auth_throttle.h"
#include "config.h"
#include "config_int.h"
#include "persist/aof.h"
#include "util/log.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- enums ---- */

static const struct config_enum loglevel_enum[] = {
    {"debug", LOG_DEBUG}, {"verbose", LOG_VERBOSE}, {"notice", LOG_NOTICE}, {"warning", LOG_WARNING}, {NULL, 0}};
static const struct config_enum allow_enum[] = {
    {"no", CONFIG_ALLOW_NO}, {"yes", CONFIG_ALLOW_YES}, {"local", CONFIG_ALLOW_LOCAL}, {NULL, 0}};
static const struct config_enum maxmemory_policy_enum[] = {
    {"volatile-lru", MAXMEMORY_VOLATILE_LRU},     {"volatile-lfu", MAXMEMORY_VOLATILE_LFU},
    {"volatile-random", MAXMEMORY_VOLATILE_RANDOM}, {"volatile-ttl", MAXMEMORY_VOLATILE_TTL},
    {"allkeys-lru", MAXMEMORY_ALLKEYS_LRU},       {"allkeys-lfu", MAXMEMORY_ALLKEYS_LFU},
    {"allkeys-random", MAXMEMORY_ALLKEYS_RANDOM}, {"noeviction", MAXMEMORY_NOEVICTION},
    {NULL, 0}};
static const struct config_enum appendfsync_enum[] = {
    {"everysec", APPENDFSYNC_EVERYSEC}, {"always", APPENDFSYNC_ALWAYS}, {"no", APPENDFSYNC_NO}, {NULL, 0}};
static const struct config_enum supervised_enum[] = {{"upstart", SUPERVISED_UPSTART}, {"systemd", SUPERVISED_SYSTEMD},
                                                     {"auto", SUPERVISED_AUTODETECT}, {"no", SUPERVISED_NONE},
                                                     {NULL, 0}};
/* syslog facilities by index (0 user, 1..8 local0..local7): <syslog.h> would clash with log.h */
static const struct config_enum syslog_facility_enum[] = {
    {"user", 0},   {"local0", 1}, {"local1", 2}, {"local2", 3}, {"local3", 4},
    {"local4", 5}, {"local5", 6}, {"local6", 7}, {"local7", 8}, {NULL, 0}};
static const struct config_enum acl_pubsub_enum[] = {{"allchannels", 1}, {"resetchannels", 0}, {NULL, 0}};
static const struct config_enum sanitize_enum[] = {{"no", 0}, {"yes", 1}, {"clients", 2}, {NULL, 0}};
static const struct config_enum oom_score_adj_enum[] = {
    {"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}, {NULL, 0}};
static const struct config_enum repl_diskless_load_enum[] = {
    {"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}, {NULL, 0}};
static const struct config_enum endpoint_type_enum[] = {
    {"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}, {NULL, 0}};
static const struct config_enum propagation_error_enum[] = {
    {"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}, {NULL, 0}};
static const struct config_enum tls_auth_clients_enum[] = {{"no", 0}, {"yes", 1}, {"optional", 2}, {NULL, 0}};
static const struct config_enum tls_auth_user_enum[] = {{"off", 0}, {"CN", 1}, {NULL, 0}};

/* ---- checks: refuse values that ask for a feature Warden does not have yet ---- */

/* CONFIG SET appendonly: start (with a rewrite that writes the base) or stop the AOF. */
static int appendonly_apply(const struct config_option *o, char *err, size_t errlen) {
    (void)o;
    return aof_config_set(server_config.appendonly, err, errlen);
}

static int cluster_enabled_check(const struct config_option *o, long long v, char *err, size_t errlen) {
    (void)o;
    if (v) {
        snprintf(err, errlen, "cluster mode is not available in this Warden build yet");
        return -1;
    }
    return 0;
}

static int syslog_check(const struct config_option *o, long long v, char *err, size_t errlen) {
    (void)o;
    if (v) {
        snprintf(err, errlen, "logging to syslog is not available in this Warden build yet; use logfile");
        return -1;
    }
    return 0;
}

/* ---- checks Redis makes ---- */

/* Redis accepts any hz and clamps it to 1..500. */
static long long hz_adjust(const struct config_option *o, long long v) {
    (void)o;
    return v < 1 ? 1 : v > 500 ? 500 : v;
}

/* The replication backlog is never smaller than 16 KB. */
static long long backlog_adjust(const struct config_option *o, long long v) {
    (void)o;
    return v < 16 * 1024 ? 16 * 1024 : v;
}

static int filename_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    if (strchr(v, '/')) {
        snprintf(err, errlen, "%s can't be a path, just a filename", o->name);
        return -1;
    }
    return 0;
}

static int dirname_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    if (strchr(v, '/')) {
        snprintf(err, errlen, "%s can't be a path, just a dirname", o->name);
        return -1;
    }
    return 0;
}

static int hostname_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    (void)o;
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
            snprintf(err, errlen, "Hostnames may only contain alphanumeric characters, hyphens or dots");
            return -1;
        }
    return 0;
}

/* proc-title-template: {{ and }} are literal braces; {name} must be a known variable;
 * expanded with an empty title and server mode, the result must not be blank. */
static int proc_title_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    (void)o;
    static const char *const vars[] = {"title", "listen-addr", "server-mode", "port", "tls-port", "unixsocket",
                                       "config-file", NULL};
    int nonblank = 0;
    for (const char *p = v; *p; p++) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) { /* an escaped brace */
            nonblank = 1;
            p++;
        } else if (*p == '{') {
            const char *end = strchr(p, '}');
            if (!end) goto bad;
            size_t l = (size_t)(end - p - 1);
            int i;
            for (i = 0; vars[i]; i++)
                if (strlen(vars[i]) == l && !memcmp(vars[i], p + 1, l)) break;
            if (!vars[i]) goto bad;
            if (strcmp(vars[i], "title") != 0 && strcmp(vars[i], "server-mode") != 0 &&
                (strcmp(vars[i], "unixsocket") != 0 || (server_config.unixsocket && server_config.unixsocket[0])))
                nonblank = 1;
            p = end;
        } else if (*p != ' ') {
            nonblank = 1;
        }
    }
    if (nonblank) return 0;
bad:
    snprintf(err, errlen, "template format is invalid or contains unknown variables");
    return -1;
}

/* requirepass is the default user's password (ACL). */
static int requirepass_apply(const struct config_option *o, char *err, size_t errlen) {
    (void)o; (void)err; (void)errlen;
    char buf[1024];
    config_copy_string(&server_config.requirepass, buf, sizeof(buf));
    acl_set_requirepass(buf);
    return 0;
}

static int acllog_apply(const struct config_option *o, char *err, size_t errlen) {
    (void)o; (void)err; (void)errlen;
    acl_log_set_max_len(atomic_load(&server_config.acllog_max_len));
    return 0;
}

static int auth_throttle_apply(const struct config_option *o, char *err, size_t errlen) {
    (void)o; (void)err; (void)errlen;
    auth_throttle_configure(atomic_load(&server_config.auth_failure_limit),
                            atomic_load(&server_config.auth_failure_window));
    return 0;
}

/* CONFIG SET audit-log: switch files, or stop with "" (start-up opens it in server.c).
 * A file that cannot be opened fails the CONFIG SET (and the old value comes back). */
static int audit_log_apply(const struct config_option *o, char *err, size_t errlen) {
    (void)o;
    char path[4096];
    config_copy_string(&server_config.audit_log, path, sizeof(path));
    if (!path[0]) {
        audit_close();
        return 0;
    }
    if (audit_open(path) != 0) {
        snprintf(err, errlen, "can't open the audit log: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int loglevel_apply(const struct config_option *o, char *err, size_t errlen) {
    (void)err; (void)errlen;
    log_set_level(atomic_load((_Atomic int *)o->field));
    return 0;
}

/* ---- the rows ---- */

#define F(x) ((void *)&server_config.x)
#define IMAX INT_MAX
#define LMAX LLONG_MAX
#define BOOL_(n, a, fl, f, d, ...) {.name = n, .alias = a, .type = CFG_BOOL, .flags = fl, .field = f, .deflt = d, __VA_ARGS__}
#define INT_(n, a, fl, f, d, lo, hi, ...) \
    {.name = n, .alias = a, .type = CFG_INT, .flags = fl, .field = f, .deflt = d, .min = lo, .max = hi, __VA_ARGS__}
#define LL_(n, a, fl, f, d, lo, hi, ...) \
    {.name = n, .alias = a, .type = CFG_LL, .flags = fl, .field = f, .deflt = d, .min = lo, .max = hi, __VA_ARGS__}
#define MEM_(n, a, fl, f, d, lo, hi, ...) \
    {.name = n, .alias = a, .type = CFG_MEMORY, .flags = fl, .field = f, .deflt = d, .min = lo, .max = hi, __VA_ARGS__}
#define ENUM_(n, a, fl, f, d, e, ...) \
    {.name = n, .alias = a, .type = CFG_ENUM, .flags = fl, .field = f, .deflt = d, .enums = e, __VA_ARGS__}
#define STR_(n, a, fl, f, d, ...) {.name = n, .alias = a, .type = CFG_STRING, .flags = fl, .field = f, .deflt = d, __VA_ARGS__}
#define SPECIAL_(n, a, fl, f, d, ...) {.name = n, .alias = a, .type = CFG_SPECIAL, .flags = fl, .field = f, .deflt = d, __VA_ARGS__}

#define IMM CFG_IMMUTABLE
#define NOOP CFG_NOOP
#define ENULL CFG_EMPTY_NULL

const struct config_option config_options[] = {
    /* ---- network ---- */
    INT_("port", NULL, CFG_NEEDS_HOOK, F(port), "6379", 0, 65535),
    SPECIAL_("bind", NULL, CFG_MULTI_ARG | CFG_NEEDS_HOOK, NULL, "* -::*", .parse = config_bind_parse,
             .format = config_bind_format, .rewrite = config_bind_rewrite),
    STR_("bind-source-addr", NULL, ENULL, F(bind_source_addr), ""),
    STR_("unixsocket", NULL, IMM | ENULL, F(unixsocket), ""),
    INT_("unixsocketperm", NULL, IMM | CFG_OCTAL, F(unixsocketperm), "0", 0, 0777),
    INT_("tcp-backlog", NULL, IMM, F(tcp_backlog), "511", 0, IMAX),
    INT_("tcp-keepalive", NULL, 0, F(tcp_keepalive), "300", 0, IMAX),
    BOOL_("protected-mode", NULL, 0, F(protected_mode), "yes"),
    LL_("timeout", NULL, 0, F(timeout), "0", 0, IMAX),
    LL_("maxclients", NULL, 0, F(maxclients), "10000", 1, 4294967295LL),
    /* Warden's own network limits (net/limits.h, docs/security.md); 0 = off */
    LL_("maxclients-per-ip", NULL, 0, F(maxclients_per_ip), "0", 0, 4294967295LL),
    SPECIAL_("connection-rate-per-ip", NULL, CFG_MULTI_ARG, NULL, "0 0", .parse = config_rate_parse,
             .format = config_rate_format),
    SPECIAL_("rate-limit-per-ip", NULL, CFG_MULTI_ARG, NULL, "0 0", .parse = config_rate_parse,
             .format = config_rate_format),
    SPECIAL_("rate-limit-per-user", NULL, CFG_MULTI_ARG, NULL, "0 0", .parse = config_rate_parse,
             .format = config_rate_format),
    LL_("client-request-timeout", NULL, 0, F(client_request_timeout), "0", 0, IMAX),
    LL_("socket-mark-id", NULL, IMM, F(socket_mark_id), "0", 0, 4294967295LL),
    /* ---- general ---- */
    INT_("threads", NULL, IMM, F(threads), "0", 0, 128),
    INT_("databases", NULL, IMM, F(databases), "16", 1, 1024),
    BOOL_("daemonize", NULL, IMM, F(daemonize), "no"),
    ENUM_("supervised", NULL, IMM, F(supervised), "no", supervised_enum),
    STR_("pidfile", NULL, IMM | ENULL, F(pidfile), ""),
    STR_("logfile", NULL, IMM, F(logfile), ""),
    ENUM_("loglevel", NULL, 0, F(loglevel), "notice", loglevel_enum, .apply = loglevel_apply),
    BOOL_("syslog-enabled", NULL, IMM, F(syslog_enabled), "no", .check = syslog_check),
    STR_("syslog-ident", NULL, IMM, F(syslog_ident), "redis"),
    ENUM_("syslog-facility", NULL, IMM, F(syslog_facility), "local0", syslog_facility_enum),
    STR_("dir", NULL, CFG_PROTECTED, F(dir), "./", .check_str = config_dir_check, .format = config_dir_format,
         .rewrite = config_dir_rewrite, .apply = config_dir_apply),
    INT_("hz", NULL, 0, F(hz), "10", 0, IMAX, .adjust = hz_adjust),
    ENUM_("enable-debug-command", NULL, IMM, F(enable_debug_command), "no", allow_enum),
    ENUM_("enable-protected-configs", NULL, IMM, F(enable_protected_configs), "no", allow_enum),
    ENUM_("enable-module-command", NULL, IMM | NOOP, F(enable_module_command), "no", allow_enum),
    BOOL_("always-show-logo", NULL, IMM | NOOP, NULL, "no"),
    BOOL_("set-proc-title", NULL, IMM | NOOP, NULL, "yes"),
    STR_("proc-title-template", NULL, NOOP, NULL, "{title} {listen-addr} {server-mode}", .check_str = proc_title_check),
    BOOL_("crash-log-enabled", NULL, NOOP, NULL, "yes"),
    BOOL_("crash-memcheck-enabled", NULL, NOOP, NULL, "yes"),
    BOOL_("disable-thp", NULL, IMM | NOOP, NULL, "yes"),
    ENUM_("oom-score-adj", NULL, NOOP, NULL, "no", oom_score_adj_enum),
    SPECIAL_("oom-score-adj-values", NULL, CFG_MULTI_ARG | NOOP, NULL, "0 200 800", .parse = config_oom_parse,
             .format = config_oom_format),
    STR_("ignore-warnings", NULL, NOOP, NULL, ""),
    STR_("server_cpulist", NULL, IMM | NOOP | ENULL, NULL, ""),
    STR_("bio_cpulist", NULL, IMM | NOOP | ENULL, NULL, ""),
    STR_("aof_rewrite_cpulist", NULL, IMM | NOOP | ENULL, NULL, ""),
    STR_("bgsave_cpulist", NULL, IMM | NOOP | ENULL, NULL, ""),
    INT_("io-threads", NULL, IMM | NOOP, NULL, "1", 1, 128),
    BOOL_("io-threads-do-reads", NULL, IMM | NOOP, NULL, "no"),
    BOOL_("jemalloc-bg-thread", NULL, NOOP, NULL, "yes"),
    BOOL_("activerehashing", NULL, NOOP, NULL, "yes"),
    BOOL_("dynamic-hz", NULL, NOOP, NULL, "yes"),
    /* ---- security ---- */
    STR_("requirepass", NULL, CFG_SENSITIVE | ENULL, F(requirepass), "", .apply = requirepass_apply),
    STR_("aclfile", NULL, IMM, F(aclfile), ""),
    LL_("acllog-max-len", NULL, 0, F(acllog_max_len), "128", 0, LMAX, .apply = acllog_apply),
    ENUM_("acl-pubsub-default", NULL, 0, F(acl_pubsub_default), "resetchannels", acl_pubsub_enum),
    /* Warden's own: wrong-password throttling and the audit log (docs/acl.md) */
    LL_("auth-failure-limit", NULL, 0, F(auth_failure_limit), "10", 0, 1000000, .apply = auth_throttle_apply),
    LL_("auth-failure-window", NULL, 0, F(auth_failure_window), "60", 1, 86400, .apply = auth_throttle_apply),
    STR_("audit-log", NULL, 0, F(audit_log), "", .apply = audit_log_apply),
    /* Warden's own: the memcache protocol front end (docs/memcache.md) */
    INT_("memcached-port", NULL, CFG_NEEDS_HOOK, F(memcached_port), "0", 0, 65535),
    INT_("memcached-tls-port", NULL, CFG_NEEDS_HOOK, F(memcached_tls_port), "0", 0, 65535),
    MEM_("item-size-max", NULL, 0, F(item_size_max), "1mb", 1024, 1024LL * 1024 * 1024),
    /* ---- limits and memory ---- */
    MEM_("proto-max-bulk-len", NULL, 0, F(proto_max_bulk_len), "512mb", 1024 * 1024, LMAX),
    MEM_("client-query-buffer-limit", NULL, 0, F(client_query_buffer_limit), "1gb", 1024 * 1024, LMAX),
    SPECIAL_("client-output-buffer-limit", NULL, CFG_MULTI_ARG, NULL,
             "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60", .parse = config_obuf_parse,
             .format = config_obuf_format, .rewrite = config_obuf_rewrite),
    MEM_("maxmemory", NULL, 0, F(maxmemory), "0", 0, LMAX),
    ENUM_("maxmemory-policy", NULL, 0, F(maxmemory_policy), "noeviction", maxmemory_policy_enum),
    INT_("maxmemory-samples", NULL, 0, F(maxmemory_samples), "5", 1, IMAX),
    INT_("maxmemory-eviction-tenacity", NULL, 0, F(maxmemory_eviction_tenacity), "10", 0, 100),
    MEM_("maxmemory-clients", NULL, CFG_PERCENT, F(maxmemory_clients), "0", -100, LMAX),
    LL_("busy-reply-threshold", "lua-time-limit", 0, F(busy_reply_threshold), "5000", 0, LMAX),
    LL_("tracking-table-max-keys", NULL, 0, F(tracking_table_max_keys), "1000000", 0, LMAX),
    BOOL_("activedefrag", NULL, NOOP, NULL, "no"),
    MEM_("active-defrag-ignore-bytes", NULL, NOOP, NULL, "100mb", 1, LMAX),
    INT_("active-defrag-threshold-lower", NULL, NOOP, NULL, "10", 0, 1000),
    INT_("active-defrag-threshold-upper", NULL, NOOP, NULL, "100", 0, 1000),
    INT_("active-defrag-cycle-min", NULL, NOOP, NULL, "1", 1, 99),
    INT_("active-defrag-cycle-max", NULL, NOOP, NULL, "25", 1, 99),
    LL_("active-defrag-max-scan-fields", NULL, NOOP, NULL, "1000", 1, LMAX),
    /* ---- expiry, eviction, lazy free ---- */
    INT_("lfu-log-factor", NULL, 0, F(lfu_log_factor), "10", 0, IMAX),
    INT_("lfu-decay-time", NULL, 0, F(lfu_decay_time), "1", 0, IMAX),
    INT_("active-expire-effort", NULL, 0, F(active_expire_effort), "1", 1, 10),
    BOOL_("lazyfree-lazy-user-del", NULL, 0, F(lazyfree_lazy_user_del), "no"),
    BOOL_("lazyfree-lazy-user-flush", NULL, 0, F(lazyfree_lazy_user_flush), "no"),
    BOOL_("lazyfree-lazy-eviction", NULL, NOOP, NULL, "no"),
    BOOL_("lazyfree-lazy-expire", NULL, NOOP, NULL, "no"),
    BOOL_("lazyfree-lazy-server-del", NULL, NOOP, NULL, "no"),
    /* ---- snapshots ---- */
    SPECIAL_("save", NULL, CFG_MULTI_ARG, NULL, "3600 1 300 100 60 10000", .parse = config_save_parse,
             .format = config_save_format, .rewrite = config_save_rewrite),
    STR_("dbfilename", NULL, CFG_PROTECTED, F(dbfilename), "dump.rdb", .check_str = filename_check),
    BOOL_("rdbcompression", NULL, 0, F(rdbcompression), "yes"),
    BOOL_("rdbchecksum", NULL, IMM, F(rdbchecksum), "yes"),
    BOOL_("stop-writes-on-bgsave-error", NULL, 0, F(stop_writes_on_bgsave_error), "yes"),
    BOOL_("rdb-del-sync-files", NULL, 0, F(rdb_del_sync_files), "no"),
    BOOL_("rdb-save-incremental-fsync", NULL, 0, F(rdb_save_incremental_fsync), "yes"),
    ENUM_("sanitize-dump-payload", NULL, 0, F(sanitize_dump_payload), "no", sanitize_enum),
    INT_("shutdown-timeout", NULL, 0, F(shutdown_timeout), "10", 0, IMAX),
    SPECIAL_("shutdown-on-sigint", NULL, CFG_MULTI_ARG, F(shutdown_on_sigint), "default",
             .parse = config_shutdown_parse, .format = config_shutdown_format),
    SPECIAL_("shutdown-on-sigterm", NULL, CFG_MULTI_ARG, F(shutdown_on_sigterm), "default",
             .parse = config_shutdown_parse, .format = config_shutdown_format),
    /* ---- append-only file (waiting for the AOF) ---- */
    BOOL_("appendonly", NULL, 0, F(appendonly), "no", .apply = appendonly_apply),
    STR_("appendfilename", NULL, IMM, F(appendfilename), "appendonly.aof", .check_str = filename_check),
    STR_("appenddirname", NULL, IMM, F(appenddirname), "appendonlydir", .check_str = dirname_check),
    /* Warden: encryption at rest of RDB and AOF files (start-up only: keys are checked then) */
    STR_("encryption-key-file", NULL, IMM | CFG_SENSITIVE, F(encryption_key_file), ""),
    STR_("encryption-old-key-files", NULL, IMM | CFG_SENSITIVE, F(encryption_old_key_files), ""),
    ENUM_("appendfsync", NULL, 0, F(appendfsync), "everysec", appendfsync_enum),
    BOOL_("no-appendfsync-on-rewrite", NULL, 0, F(no_appendfsync_on_rewrite), "no"),
    INT_("auto-aof-rewrite-percentage", NULL, 0, F(auto_aof_rewrite_percentage), "100", 0, IMAX),
    MEM_("auto-aof-rewrite-min-size", NULL, 0, F(auto_aof_rewrite_min_size), "64mb", 0, LMAX),
    BOOL_("aof-load-truncated", NULL, 0, F(aof_load_truncated), "yes"),
    BOOL_("aof-use-rdb-preamble", NULL, 0, F(aof_use_rdb_preamble), "yes"),
    BOOL_("aof-timestamp-enabled", NULL, 0, F(aof_timestamp_enabled), "no"),
    BOOL_("aof-disable-auto-gc", NULL, 0, F(aof_disable_auto_gc), "no"),
    BOOL_("aof-rewrite-incremental-fsync", NULL, NOOP, NULL, "yes"),
    /* ---- data structure encodings ---- */
    LL_("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, F(hash_max_listpack_entries), "512", 0, LMAX),
    MEM_("hash-max-listpack-value", "hash-max-ziplist-value", 0, F(hash_max_listpack_value), "64", 0, LMAX),
    INT_("list-max-listpack-size", "list-max-ziplist-size", 0, F(list_max_listpack_size), "-2", INT_MIN, IMAX),
    INT_("list-compress-depth", NULL, 0, F(list_compress_depth), "0", 0, IMAX),
    LL_("set-max-intset-entries", NULL, 0, F(set_max_intset_entries), "512", 0, LMAX),
    LL_("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, F(zset_max_listpack_entries), "128", 0, LMAX),
    MEM_("zset-max-listpack-value", "zset-max-ziplist-value", 0, F(zset_max_listpack_value), "64", 0, LMAX),
    MEM_("hll-sparse-max-bytes", NULL, 0, F(hll_sparse_max_bytes), "3000", 0, LMAX),
    MEM_("stream-node-max-bytes", NULL, 0, F(stream_node_max_bytes), "4096", 0, LMAX),
    LL_("stream-node-max-entries", NULL, 0, F(stream_node_max_entries), "100", 0, LMAX),
    /* ---- monitoring ---- */
    LL_("slowlog-log-slower-than", NULL, 0, F(slowlog_log_slower_than), "10000", -1, LMAX),
    LL_("slowlog-max-len", NULL, 0, F(slowlog_max_len), "128", 0, LMAX),
    LL_("latency-monitor-threshold", NULL, 0, F(latency_monitor_threshold), "0", 0, LMAX),
    BOOL_("latency-tracking", NULL, 0, F(latency_tracking), "yes"),
    SPECIAL_("latency-tracking-info-percentiles", NULL, CFG_MULTI_ARG, NULL, "50 99 99.9",
             .parse = config_percentiles_parse, .format = config_percentiles_format,
             .rewrite = config_percentiles_rewrite),
    SPECIAL_("notify-keyspace-events", NULL, 0, NULL, "", .parse = config_notify_parse,
             .format = config_notify_format, .rewrite = config_notify_rewrite),
    /* ---- replication (waiting for replication: replicaof is refused) ---- */
    SPECIAL_("replicaof", "slaveof", CFG_MULTI_ARG | IMM, NULL, "", .parse = config_replicaof_parse,
             .format = config_replicaof_format, .rewrite = config_replicaof_rewrite),
    STR_("masterauth", NULL, CFG_SENSITIVE | ENULL, NULL, ""),
    STR_("masteruser", NULL, CFG_SENSITIVE | ENULL, NULL, ""),
    BOOL_("replica-serve-stale-data", "slave-serve-stale-data", 0, NULL, "yes"),
    BOOL_("replica-read-only", "slave-read-only", 0, NULL, "yes"),
    BOOL_("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, NULL, "yes"),
    BOOL_("replica-lazy-flush", "slave-lazy-flush", 0, NULL, "no"),
    INT_("replica-priority", "slave-priority", 0, NULL, "100", 0, IMAX),
    STR_("replica-announce-ip", "slave-announce-ip", ENULL, NULL, ""),
    INT_("replica-announce-port", "slave-announce-port", 0, NULL, "0", 0, 65535),
    BOOL_("replica-announced", NULL, 0, NULL, "yes"),
    BOOL_("replica-ignore-disk-write-errors", NULL, 0, NULL, "no"),
    INT_("repl-ping-replica-period", "repl-ping-slave-period", 0, NULL, "10", 1, IMAX),
    INT_("repl-timeout", NULL, 0, NULL, "60", 1, IMAX),
    BOOL_("repl-disable-tcp-nodelay", NULL, 0, NULL, "no"),
    MEM_("repl-backlog-size", NULL, 0, NULL, "1mb", 1, LMAX, .adjust = backlog_adjust),
    LL_("repl-backlog-ttl", NULL, 0, NULL, "3600", 0, LMAX),
    BOOL_("repl-diskless-sync", NULL, 0, NULL, "yes"),
    INT_("repl-diskless-sync-delay", NULL, 0, NULL, "5", 0, IMAX),
    INT_("repl-diskless-sync-max-replicas", NULL, 0, NULL, "0", 0, IMAX),
    ENUM_("repl-diskless-load", NULL, 0, NULL, "disabled", repl_diskless_load_enum),
    INT_("min-replicas-to-write", "min-slaves-to-write", 0, NULL, "0", 0, IMAX),
    INT_("min-replicas-max-lag", "min-slaves-max-lag", 0, NULL, "10", 0, IMAX),
    ENUM_("propagation-error-behavior", NULL, 0, NULL, "ignore", propagation_error_enum),
    /* ---- cluster (waiting for cluster mode: cluster-enabled yes is refused) ---- */
    BOOL_("cluster-enabled", NULL, IMM, NULL, "no", .check = cluster_enabled_check),
    STR_("cluster-config-file", NULL, IMM, NULL, "nodes.conf"),
    INT_("cluster-port", NULL, IMM, NULL, "0", 0, 65535),
    LL_("cluster-node-timeout", NULL, 0, NULL, "15000", 0, LMAX),
    INT_("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, NULL, "10", 0, IMAX),
    INT_("cluster-migration-barrier", NULL, 0, NULL, "1", 0, IMAX),
    BOOL_("cluster-allow-replica-migration", NULL, 0, NULL, "yes"),
    BOOL_("cluster-require-full-coverage", NULL, 0, NULL, "yes"),
    BOOL_("cluster-replica-no-failover", "cluster-slave-no-failover", 0, NULL, "no"),
    BOOL_("cluster-allow-reads-when-down", NULL, 0, NULL, "no"),
    BOOL_("cluster-allow-pubsubshard-when-down", NULL, 0, NULL, "yes"),
    MEM_("cluster-link-sendbuf-limit", NULL, 0, NULL, "0", 0, LMAX),
    STR_("cluster-announce-hostname", NULL, ENULL, NULL, "", .check_str = hostname_check),
    ENUM_("cluster-preferred-endpoint-type", NULL, 0, NULL, "ip", endpoint_type_enum),
    STR_("cluster-announce-ip", NULL, ENULL, NULL, ""),
    INT_("cluster-announce-port", NULL, 0, NULL, "0", 0, 65535),
    INT_("cluster-announce-tls-port", NULL, 0, NULL, "0", 0, 65535),
    INT_("cluster-announce-bus-port", NULL, 0, NULL, "0", 0, 65535),
    /* ---- TLS (net/tls.c; its CONFIG SET hooks reload the certificates) ---- */
    INT_("tls-port", NULL, CFG_NEEDS_HOOK, F(tls_port), "0", 0, 65535),
    INT_("tls-handshake-timeout", NULL, 0, F(tls_handshake_timeout), "10", 1, 3600),
    ENUM_("tls-auth-clients-user", NULL, 0, F(tls_auth_clients_user), "off", tls_auth_user_enum),
    STR_("tls-cert-file", NULL, ENULL, NULL, ""),
    STR_("tls-key-file", NULL, ENULL, NULL, ""),
    STR_("tls-key-file-pass", NULL, CFG_SENSITIVE | ENULL, NULL, ""),
    STR_("tls-client-cert-file", NULL, ENULL, NULL, ""),
    STR_("tls-client-key-file", NULL, ENULL, NULL, ""),
    STR_("tls-client-key-file-pass", NULL, CFG_SENSITIVE | ENULL, NULL, ""),
    STR_("tls-dh-params-file", NULL, ENULL, NULL, ""),
    STR_("tls-ca-cert-file", NULL, ENULL, NULL, ""),
    STR_("tls-ca-cert-dir", NULL, ENULL, NULL, ""),
    ENUM_("tls-auth-clients", NULL, 0, NULL, "yes", tls_auth_clients_enum),
    BOOL_("tls-replication", NULL, 0, NULL, "no"),
    BOOL_("tls-cluster", NULL, 0, NULL, "no"),
    STR_("tls-protocols", NULL, ENULL, NULL, "", .check_str = config_tls_protocols_check),
    STR_("tls-ciphers", NULL, ENULL, NULL, ""),
    STR_("tls-ciphersuites", NULL, ENULL, NULL, ""),
    BOOL_("tls-prefer-server-ciphers", NULL, 0, NULL, "no"),
    BOOL_("tls-session-caching", NULL, 0, NULL, "yes"),
    INT_("tls-session-cache-size", NULL, 0, NULL, "20480", 0, IMAX),
    INT_("tls-session-cache-timeout", NULL, 0, NULL, "300", 0, IMAX),
    {.name = NULL},
};
