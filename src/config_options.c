/* config_options.c — the rows of the option table: every directive of Redis 7.0's
 * redis.conf plus Warden's own (`threads`). Kinds of rows:
 *   implemented   — has a field and takes effect;
 *   CFG_NOOP      — meaningless for Warden (e.g. activerehashing): accepted, logged once,
 *                   shown by CONFIG GET;
 *   feature-gated — a feature not built yet: accepted at its default, refused with a
 *                   clear message when it asks for the feature. */
#include "config.h"
#include "config_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "acl/acl.h"
#include "cmd/table.h"
#include "acl/acl_log.h"
#include "acl/audit.h"
#include "acl/auth_throttle.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const struct config_enum loglevel_enum[] = {
    {"debug", LOG_DEBUG}, {"verbose", LOG_VERBOSE}, {"notice", LOG_NOTICE}, {"warning", LOG_WARNING},
    {"nothing", LOG_NOTHING}, {NULL, 0}};
static const struct config_enum protected_enum[] = {{"no", 0}, {"yes", 1}, {"local", 2}, {NULL, 0}};

static int bind_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err, size_t errlen) {
    (void)o;
    if (argc < 1 || argc > CONFIG_MAX_BIND) {
        snprintf(err, errlen, "Too many bind addresses specified.");
        return -1;
    }
    if (runtime) {
        snprintf(err, errlen, "changing bind at run time is not supported; restart with the new address");
        return -1;
    }
    for (int i = 0; i < server_config.bind_count; i++) wfree(server_config.bind[i]);
    for (int i = 0; i < argc; i++) server_config.bind[i] = wstrdup(argv[i]);
    server_config.bind_count = argc;
    return 0;
}
static void bind_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    buf[0] = '\0';
    for (int i = 0; i < server_config.bind_count; i++) {
        if (i) strncat(buf, " ", size - strlen(buf) - 1);
        strncat(buf, server_config.bind[i], size - strlen(buf) - 1);
    }
}

static int loglevel_after(const struct config_option *o, long long v, char *err, size_t errlen) {
    (void)o; (void)err; (void)errlen;
    log_set_level((int)v);
    return 0;
}

static int appendonly_check(const struct config_option *o, long long v, char *err, size_t errlen) {
    (void)o;
    if (v) {
        snprintf(err, errlen, "appendonly yes needs the append-only file, which this Warden build does not "
                              "have yet; refusing rather than silently losing durability");
        return -1;
    }
    return 0;
}

static int save_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err, size_t errlen) {
    (void)o; (void)runtime;
    if (argc % 2 != 0 && !(argc == 1 && argv[0][0] == '\0')) {
        snprintf(err, errlen, "Invalid save parameters");
        return -1;
    }
    char buf[512] = "";
    for (int i = 0; i < argc; i++) {
        if (i) strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
        strncat(buf, argv[i], sizeof(buf) - strlen(buf) - 1);
    }
    wfree(server_config.save_params);
    server_config.save_params = wstrdup(buf);
    return 0;
}
static void save_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    snprintf(buf, size, "%s", server_config.save_params ? server_config.save_params : "");
}

/* CONFIG SET dir changes the working directory at once, as Redis (files are
 * relative to it); a directory that cannot be entered is refused. */
static int dir_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    (void)o;
    if (chdir(v) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    return 0;
}
static int dbfilename_check(const struct config_option *o, const char *v, char *err, size_t errlen) {
    (void)o;
    if (strchr(v, '/')) {
        snprintf(err, errlen, "dbfilename can't be a path, just a filename");
        return -1;
    }
    return 0;
}
static const struct config_enum sanitize_enum[] = {{"no", 0}, {"yes", 1}, {"clients", 2}, {NULL, 0}};

static int user_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err, size_t errlen) {
    (void)o;
    if (runtime) {
        snprintf(err, errlen, "use ACL SETUSER to change users at run time");
        return -1;
    }
    return acl_config_user_line(argc, argv, err, errlen);
}
static void user_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    if (size) buf[0] = '\0';
}
static int acllog_check(const struct config_option *o, long long v, char *err, size_t errlen) {
    (void)o; (void)err; (void)errlen;
    acl_log_set_max_len(v);
    return 0;
}
static void auth_throttle_after(const struct config_option *o) {
    (void)o;
    auth_throttle_configure(server_config.auth_failure_limit, server_config.auth_failure_window);
}
static void requirepass_after(const struct config_option *o) {
    (void)o;
    char buf[1024];
    config_copy_string(&server_config.requirepass, buf, sizeof(buf));
    acl_set_requirepass(buf);
}
/* CONFIG SET audit-log: switch files (or turn off with ""); start-up opens it in server.c. */
static void audit_log_after(const struct config_option *o) {
    (void)o;
    char path[4096];
    config_copy_string(&server_config.audit_log, path, sizeof(path));
    if (!path[0]) audit_close();
    else if (audit_open(path) != 0) log_warning("audit log: cannot open %s", path);
}
/* rename-command NAME NEWNAME / rename-command NAME "" (disable), config file only. */
static int rename_parse(const struct config_option *o, int argc, char **argv, int runtime, char *err, size_t errlen) {
    (void)o;
    if (runtime || argc != 2) {
        snprintf(err, errlen, runtime ? "rename-command can only be set in the config file" : "wrong number of arguments");
        return -1;
    }
    if (command_table_add_rename(argv[0], argv[1]) != 0) {
        snprintf(err, errlen, "rename-command is applied at start-up only");
        return -1;
    }
    return 0;
}
static void rename_format(const struct config_option *o, char *buf, size_t size) {
    (void)o;
    if (size) buf[0] = '\0';
}

static const struct config_enum pubsub_default_enum[] = {{"resetchannels", 0}, {"allchannels", 1}, {NULL, 0}};

#define F(x) ((void *)&server_config.x)
const struct config_option config_options[] = {
    {.name = "port", .type = CFG_INT, .flags = CFG_IMMUTABLE, .field = F(port), .deflt = "6379", .min = 0, .max = 65535},
    {.name = "bind", .type = CFG_SPECIAL, .flags = CFG_MULTI_ARG, .deflt = "* -::*", .parse = bind_parse, .format = bind_format},
    {.name = "unixsocket", .type = CFG_STRING, .flags = CFG_IMMUTABLE, .field = F(unixsocket), .deflt = ""},
    {.name = "unixsocketperm", .type = CFG_INT, .flags = CFG_IMMUTABLE, .field = F(unixsocketperm), .deflt = "0", .min = 0, .max = 0777},
    {.name = "tcp-backlog", .type = CFG_INT, .flags = CFG_IMMUTABLE, .field = F(tcp_backlog), .deflt = "511", .min = 0, .max = 65535},
    {.name = "tcp-keepalive", .type = CFG_INT, .field = F(tcp_keepalive), .deflt = "300", .min = 0, .max = 2147483647},
    {.name = "protected-mode", .type = CFG_BOOL, .field = F(protected_mode), .deflt = "yes"},
    {.name = "timeout", .type = CFG_LL, .field = F(timeout), .deflt = "0", .min = 0, .max = 2147483647},
    {.name = "maxclients", .type = CFG_LL, .field = F(maxclients), .deflt = "10000", .min = 1, .max = 2147483647},
    {.name = "threads", .alias = "io-threads", .type = CFG_INT, .flags = CFG_IMMUTABLE, .field = F(threads), .deflt = "0", .min = 0, .max = 128},
    {.name = "databases", .type = CFG_INT, .flags = CFG_IMMUTABLE, .field = F(databases), .deflt = "16", .min = 1, .max = 1024},
    {.name = "daemonize", .type = CFG_BOOL, .flags = CFG_IMMUTABLE, .field = F(daemonize), .deflt = "no"},
    {.name = "pidfile", .type = CFG_STRING, .flags = CFG_IMMUTABLE, .field = F(pidfile), .deflt = ""},
    {.name = "logfile", .type = CFG_STRING, .flags = CFG_IMMUTABLE, .field = F(logfile), .deflt = ""},
    {.name = "loglevel", .type = CFG_ENUM, .field = F(loglevel), .deflt = "notice", .enums = loglevel_enum, .check = loglevel_after},
    {.name = "dir", .type = CFG_STRING, .field = F(dir), .deflt = "./", .check_str = dir_check},
    {.name = "hz", .type = CFG_INT, .field = F(hz), .deflt = "10", .min = 1, .max = 500},
    {.name = "enable-debug-command", .type = CFG_ENUM, .flags = CFG_IMMUTABLE, .field = F(enable_debug_command), .deflt = "no", .enums = protected_enum},
    {.name = "requirepass", .type = CFG_STRING, .flags = CFG_SENSITIVE, .field = F(requirepass), .deflt = "", .after_set = requirepass_after},
    {.name = "proto-max-bulk-len", .type = CFG_MEMORY, .field = F(proto_max_bulk_len), .deflt = "512mb", .min = 1024 * 1024, .max = 0x7fffffffffffffffLL},
    {.name = "client-query-buffer-limit", .type = CFG_MEMORY, .field = F(client_query_buffer_limit), .deflt = "1gb", .min = 1024 * 1024, .max = 0x7fffffffffffffffLL},
    {.name = "maxmemory", .type = CFG_MEMORY, .field = F(maxmemory), .deflt = "0", .min = 0, .max = 0x7fffffffffffffffLL},
    {.name = "appendonly", .type = CFG_BOOL, .field = F(appendonly), .deflt = "no", .check = appendonly_check},
    {.name = "save", .type = CFG_SPECIAL, .flags = CFG_MULTI_ARG, .deflt = "3600 1 300 100 60 10000", .parse = save_parse, .format = save_format},
    {.name = "dbfilename", .type = CFG_STRING, .field = F(dbfilename), .deflt = "dump.rdb", .check_str = dbfilename_check},
    {.name = "rdbcompression", .type = CFG_BOOL, .field = F(rdbcompression), .deflt = "yes"},
    {.name = "rdbchecksum", .type = CFG_BOOL, .field = F(rdbchecksum), .deflt = "yes"},
    {.name = "stop-writes-on-bgsave-error", .type = CFG_BOOL, .field = F(stop_writes_on_bgsave_error), .deflt = "yes"},
    {.name = "rdb-save-incremental-fsync", .type = CFG_BOOL, .field = F(rdb_save_incremental_fsync), .deflt = "yes"},
    {.name = "rdb-del-sync-files", .type = CFG_BOOL, .flags = CFG_NOOP, .field = F(rdb_del_sync_files), .deflt = "no"},
    {.name = "sanitize-dump-payload", .type = CFG_ENUM, .field = F(sanitize_dump_payload), .deflt = "no", .enums = sanitize_enum},
    {.name = "lazyfree-lazy-user-del", .type = CFG_BOOL, .field = F(lazyfree_lazy_user_del), .deflt = "no"},
    {.name = "lazyfree-lazy-user-flush", .type = CFG_BOOL, .field = F(lazyfree_lazy_user_flush), .deflt = "no"},
    {.name = "active-expire-effort", .type = CFG_INT, .field = F(active_expire_effort), .deflt = "1", .min = 1, .max = 10},
    {.name = "aclfile", .type = CFG_STRING, .flags = CFG_IMMUTABLE, .field = F(aclfile), .deflt = ""},
    {.name = "acllog-max-len", .type = CFG_LL, .field = F(acllog_max_len), .deflt = "128", .min = 0, .max = 0x7fffffffLL, .check = acllog_check},
    {.name = "acl-pubsub-default", .type = CFG_ENUM, .field = F(acl_pubsub_default), .deflt = "resetchannels", .enums = pubsub_default_enum},
    {.name = "user", .type = CFG_SPECIAL, .flags = CFG_MULTI_ARG | CFG_SENSITIVE, .parse = user_parse, .format = user_format},
    {.name = "auth-failure-limit", .type = CFG_LL, .field = F(auth_failure_limit), .deflt = "10", .min = 0, .max = 1000000, .after_set = auth_throttle_after},
    {.name = "auth-failure-window", .type = CFG_LL, .field = F(auth_failure_window), .deflt = "60", .min = 1, .max = 86400, .after_set = auth_throttle_after},
    {.name = "audit-log", .type = CFG_STRING, .field = F(audit_log), .deflt = "", .after_set = audit_log_after},
    {.name = "rename-command", .type = CFG_SPECIAL, .flags = CFG_MULTI_ARG | CFG_IMMUTABLE, .parse = rename_parse, .format = rename_format},
    {.name = NULL},
};

int config_rewrite(char *err, size_t errlen) {
    snprintf(err, errlen, "ERR The server is running without a config file");
    return -1;
}
