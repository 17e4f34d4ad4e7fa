/* config.h — server configuration: the option table (every directive of Redis 7.0's
 * redis.conf plus Warden's own), the redis.conf parser (quotes, include, units), the
 * command-line parser (`warden [file] [--opt value ...]`), and the values.
 *
 * Values live in `server_config`. Numeric fields are atomics so worker threads can read
 * them while CONFIG SET changes them (plain-syntax reads are seq_cst loads — a plain mov
 * on x86). String fields may only be read with config_lock held for reading (or on the
 * main thread before workers start); CONFIG SET takes it for writing. */
#ifndef WARDEN_CONFIG_H
#define WARDEN_CONFIG_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define CONFIG_MAX_BIND 16

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
    /* general */
    _Atomic int threads;
    _Atomic int databases;
    _Atomic int daemonize;
    char *pidfile;
    char *logfile;
    _Atomic int loglevel;
    char *dir;
    _Atomic int hz;
    _Atomic int enable_debug_command;   /* 0 no, 1 yes, 2 local */
    char *requirepass;
    /* limits */
    _Atomic long long proto_max_bulk_len;
    _Atomic long long client_query_buffer_limit;
    _Atomic long long maxmemory;
    /* persistence (feature arrives with the persistence issue) */
    _Atomic int appendonly;
    char *save_params;                  /* "3600 1 300 100 60 10000" as given */
    char *dbfilename;
    _Atomic int rdbcompression;
    _Atomic int rdbchecksum;
    _Atomic int stop_writes_on_bgsave_error;
    _Atomic int rdb_save_incremental_fsync;
    _Atomic int rdb_del_sync_files;
    _Atomic int sanitize_dump_payload;  /* 0 no, 1 yes, 2 clients */
    /* misc shown by INFO / used by commands */
    _Atomic int lazyfree_lazy_user_del;
    _Atomic int lazyfree_lazy_user_flush;
    _Atomic int active_expire_effort;
    /* access control */
    char *aclfile;
    _Atomic long long acllog_max_len;
    _Atomic int acl_pubsub_default;     /* 0 resetchannels, 1 allchannels */
    _Atomic long long auth_failure_limit;
    _Atomic long long auth_failure_window;
    char *audit_log;
    char *config_file;                  /* absolute path of the file we started from, or NULL */
};

extern struct server_config server_config;
extern pthread_rwlock_t config_lock;

/* Fill defaults. */
void config_init(void);
/* Parse argv as redis-server does; returns 0, or exits with status 1 after printing
 * the reason (option, value, file and line). Handles --version / --help (exit 0). */
int config_load_from_args(int argc, char **argv);
/* CONFIG SET one option at run time. Returns 0, or -1 with *err set to a static
 * or buffer-held message (Redis's text). */
int config_set_runtime(const char *name, const char *value, char *err, size_t errlen);
/* Append "name value" pairs whose names match `pattern` (glob, case-insensitive) via
 * the callback, once per option (aliases reported under the name asked). */
typedef void (*config_get_fn)(void *priv, const char *name, const char *value);
void config_get_matching(const char *pattern, size_t plen, config_get_fn fn, void *priv);
/* CONFIG REWRITE: rewrite the config file in place. Returns 0 or -1 with *err. */
int config_rewrite(char *err, size_t errlen);
/* Read a string option safely from any thread: copies into buf. */
void config_copy_string(char *const *field, char *buf, size_t size);
#endif
