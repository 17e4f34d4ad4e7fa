/* config.h — server configuration: the option table (every directive of Redis 7.0's
 * redis.conf plus Warden's own), the redis.conf parser (quotes, include, units), the
 * command-line parser (`warden [file] [--opt value ...]`), CONFIG GET/SET/REWRITE, and
 * the values. docs/config.md lists every option and what Warden does with it.
 *
 * Values live in `server_config`. Numeric fields are atomics so worker threads can read
 * them while CONFIG SET changes them (plain-syntax reads are seq_cst loads — a plain mov
 * on x86). String fields, arrays and structs may only be read with config_lock held for
 * reading (or on the main thread before workers start); CONFIG SET takes it for writing.
 * Options without a field here (no-ops, features not built yet) keep their values inside
 * config.c; their owner adds a field when the feature arrives. */
#ifndef WARDEN_CONFIG_H
#define WARDEN_CONFIG_H
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#define CONFIG_MAX_BIND 16
#define CONFIG_MAX_SAVE_POINTS 64
#define CONFIG_MAX_PERCENTILES 64

/* maxmemory-policy values */
enum { MAXMEMORY_VOLATILE_LRU, MAXMEMORY_VOLATILE_LFU, MAXMEMORY_VOLATILE_RANDOM, MAXMEMORY_VOLATILE_TTL,
       MAXMEMORY_ALLKEYS_LRU, MAXMEMORY_ALLKEYS_LFU, MAXMEMORY_ALLKEYS_RANDOM, MAXMEMORY_NOEVICTION };
/* appendfsync values */
enum { APPENDFSYNC_NO, APPENDFSYNC_ALWAYS, APPENDFSYNC_EVERYSEC };
/* supervised values */
enum { SUPERVISED_NONE, SUPERVISED_AUTODETECT, SUPERVISED_SYSTEMD, SUPERVISED_UPSTART };
/* enable-debug-command / enable-protected-configs / enable-module-command */
enum { CONFIG_ALLOW_NO, CONFIG_ALLOW_YES, CONFIG_ALLOW_LOCAL };
/* shutdown-on-sigint / shutdown-on-sigterm flags (0 = default) */
#define SHUTDOWN_SAVE (1 << 0)
#define SHUTDOWN_NOSAVE (1 << 1)
#define SHUTDOWN_NOW (1 << 2)
#define SHUTDOWN_FORCE (1 << 3)
/* notify-keyspace-events bits beyond the event classes of db/notify.h */
#define CONFIG_NOTIFY_KEYSPACE (1 << 0) /* K */
#define CONFIG_NOTIFY_KEYEVENT (1 << 1) /* E */
#define CONFIG_NOTIFY_MODULE (1 << 13)  /* d */
/* client-output-buffer-limit classes */
enum { CONFIG_CLIENT_NORMAL, CONFIG_CLIENT_REPLICA, CONFIG_CLIENT_PUBSUB, CONFIG_CLIENT_CLASSES };

struct config_obuf_limit {
    long long hard_bytes, soft_bytes, soft_seconds;
};
struct config_save_point {
    long long seconds, changes;
};

struct server_config {
    /* network */
    _Atomic int port;
    char *bind[CONFIG_MAX_BIND];
    int bind_count;
    char *unixsocket;
    _Atomic int unixsocketperm;
    _Atomic int tcp_backlog;
    _Atomic int tcp_keepalive;
    _Atomic int protected_mode;
    _Atomic long long timeout;          /* seconds, 0 = never */
    _Atomic long long maxclients;
    /* Warden's own network limits (net/limits.h); 0 = off */
    _Atomic long long maxclients_per_ip;
    _Atomic long long conn_rate_per_ip, conn_rate_per_ip_burst;   /* new connections/s per address */
    _Atomic long long rate_limit_per_ip, rate_limit_per_ip_burst; /* commands/s per address */
    _Atomic long long rate_limit_per_user, rate_limit_per_user_burst;
    _Atomic long long client_request_timeout; /* seconds an incomplete request may take */
    char *bind_source_addr;
    _Atomic long long socket_mark_id;
    /* general */
    _Atomic int threads;                /* Warden's own: worker threads, 0 = number of cores */
    _Atomic int databases;
    _Atomic int daemonize;
    _Atomic int supervised;             /* SUPERVISED_* */
    char *pidfile;
    char *logfile;
    _Atomic int loglevel;
    _Atomic int syslog_enabled;
    char *syslog_ident;
    _Atomic int syslog_facility;        /* 0 user, 1..8 local0..local7 */
    char *dir;                          /* as given; CONFIG GET reports getcwd() */
    _Atomic int hz;                     /* clamped to 1..500 like Redis */
    _Atomic int enable_debug_command;   /* CONFIG_ALLOW_* */
    _Atomic int enable_protected_configs;
    _Atomic int enable_module_command;
    /* security */
    char *requirepass;
    char *aclfile;
    _Atomic long long acllog_max_len;
    _Atomic int acl_pubsub_default;     /* 0 resetchannels, 1 allchannels */
    /* limits */
    _Atomic long long proto_max_bulk_len;
    _Atomic long long client_query_buffer_limit;
    _Atomic long long maxmemory;
    _Atomic int maxmemory_policy;       /* MAXMEMORY_* */
    _Atomic int maxmemory_samples;
    _Atomic int maxmemory_eviction_tenacity;
    _Atomic long long maxmemory_clients; /* bytes, or -percent of maxmemory */
    struct config_obuf_limit client_obuf_limits[CONFIG_CLIENT_CLASSES];
    _Atomic long long busy_reply_threshold; /* ms (lua-time-limit) */
    _Atomic long long tracking_table_max_keys;
    /* persistence (feature arrives with the persistence issue) */
    _Atomic int appendonly;
    char *appendfilename;
    char *appenddirname;
    _Atomic int appendfsync;            /* APPENDFSYNC_* */
    _Atomic int no_appendfsync_on_rewrite;
    _Atomic int auto_aof_rewrite_percentage;
    _Atomic long long auto_aof_rewrite_min_size;
    _Atomic int aof_load_truncated;
    _Atomic int aof_use_rdb_preamble;
    _Atomic int aof_timestamp_enabled;
    _Atomic int aof_disable_auto_gc;
    char *save_params;                  /* "3600 1 300 100 60 10000" (normalized) */
    struct config_save_point save_points[CONFIG_MAX_SAVE_POINTS];
    int save_count;
    char *dbfilename;
    _Atomic int rdbcompression;
    _Atomic int rdbchecksum;
    _Atomic int stop_writes_on_bgsave_error;
    _Atomic int rdb_del_sync_files;
    _Atomic int rdb_save_incremental_fsync;
    _Atomic int sanitize_dump_payload;  /* 0 no, 1 yes, 2 clients */
    _Atomic int shutdown_timeout;
    _Atomic int shutdown_on_sigint;     /* SHUTDOWN_* flags */
    _Atomic int shutdown_on_sigterm;
    /* data structure encodings */
    _Atomic long long hash_max_listpack_entries;
    _Atomic long long hash_max_listpack_value;
    _Atomic int list_max_listpack_size;
    _Atomic int list_compress_depth;
    _Atomic long long set_max_intset_entries;
    _Atomic long long zset_max_listpack_entries;
    _Atomic long long zset_max_listpack_value;
    _Atomic long long hll_sparse_max_bytes;
    _Atomic long long stream_node_max_bytes;
    _Atomic long long stream_node_max_entries;
    /* monitoring */
    _Atomic long long slowlog_log_slower_than;
    _Atomic long long slowlog_max_len;
    _Atomic long long latency_monitor_threshold;
    _Atomic int latency_tracking;
    double latency_percentiles[CONFIG_MAX_PERCENTILES];
    int latency_percentiles_count;
    _Atomic int notify_keyspace_events; /* NOTIFY_* of db/notify.h + CONFIG_NOTIFY_* */
    /* expiry, eviction, lazy free */
    _Atomic int lfu_log_factor;
    _Atomic int lfu_decay_time;
    _Atomic int active_expire_effort;
    _Atomic int lazyfree_lazy_user_del;
    _Atomic int lazyfree_lazy_user_flush;
    /* TLS (net/tls.c reads the string options through the config table) */
    _Atomic int tls_port;
    _Atomic int tls_handshake_timeout;  /* Warden's own: seconds */
    _Atomic int tls_auth_clients_user;  /* Warden's own: 0 off, 1 CN */
    /* Warden's own security options (ACL brute-force throttling, audit trail) */
    _Atomic long long auth_failure_limit;
    _Atomic long long auth_failure_window;
    char *audit_log;
    /* Warden's own: the memcache front end (docs/memcache.md) */
    _Atomic int memcached_port;         /* 0 = off */
    _Atomic int memcached_tls_port;     /* refused until TLS exists */
    _Atomic long long item_size_max;    /* bytes: the largest memcache item */
    char *encryption_key_file;          /* encryption at rest (persist/crypt.h) */
    char *encryption_old_key_files;     /* space-separated, for reading only */
    char *config_file;                  /* absolute path of the file we started from, or NULL */
};

extern struct server_config server_config;
extern pthread_rwlock_t config_lock;

/* Fill defaults (Redis 7.0's). */
void config_init(void);
/* Parse argv as redis-server does; returns 0, or exits with status 1 after printing
 * the reason (option, value, file and line). Handles --version / --help (exit 0). */
int config_load_from_args(int argc, char **argv);
/* Parse redis.conf text into server_config as the loader does, but as a pure function:
 * no `include` (refused), no file access, no exit. Returns 0, or -1 with err set to
 * "line N: reason". For the fuzz target and tests; call config_init() first. */
int config_load_string(const char *text, size_t len, char *err, size_t errlen);
/* Log, once, the no-op options the configuration used (call after the log is open). */
void config_log_notices(void);
/* Release every allocated value (at exit, for leak checkers). */
void config_free(void);

/* CONFIG SET name value [name value ...], atomically: every pair is validated first and
 * on any failure nothing changes. `local_client`: the caller is on loopback or a unix
 * socket (enable-protected-configs local). Returns 0, or -1 with *err set to the complete
 * error reply text ("ERR ..."). Values are NUL-terminated. */
int config_set_many(int n, const char *const *names, const char *const *values, int local_client, char *err,
                    size_t errlen);
/* CONFIG SET one option at run time (as config_set_many with one pair, from a local caller). */
int config_set_runtime(const char *name, const char *value, char *err, size_t errlen);
/* CONFIG GET: call fn once per option name (or alias) matching any of the patterns
 * (globs, case-insensitive); each name is reported once, aliases under their own name. */
typedef void (*config_get_fn)(void *priv, const char *name, const char *value);
struct config_pattern {
    const char *p;
    size_t len;
};
void config_get_patterns(const struct config_pattern *pats, int npats, config_get_fn fn, void *priv);
void config_get_matching(const char *pattern, size_t plen, config_get_fn fn, void *priv);
/* CONFIG REWRITE: rewrite the config file in place. Returns 0 or -1 with *err set to the
 * complete error reply text. */
int config_rewrite(char *err, size_t errlen);
/* Read a string option safely from any thread: copies into buf. */
void config_copy_string(char *const *field, char *buf, size_t size);
/* 1 if CONFIG SET of this option must be hidden from logs/monitors (requirepass...). */
int config_is_sensitive(const char *name);

/* A module that can apply a run-time change (e.g. the listener for port/bind) registers
 * here at start-up, before workers run. The hook runs after CONFIG SET committed the new
 * value; returning -1 (err filled) rolls the whole CONFIG SET back. Options marked as
 * needing a hook refuse run-time changes until one is registered. */
typedef int (*config_hook_fn)(const char *name, char *err, size_t errlen);
void config_register_hook(const char *name, config_hook_fn fn);
#endif
