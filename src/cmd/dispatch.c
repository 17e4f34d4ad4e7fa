/* dispatch.c — see dispatch.h. */
#include "cmd/dispatch.h"
#include "acl/acl.h"
#include "acl/acl_log.h"
#include "acl/audit.h"
#include "cmd/errorstats.h"
#include "cmd/slowlog.h"
#include "client.h"
#include "cmd/multi.h"
#include "cmd/table.h"
#include "config.h"
#include "db/blocking.h"
#include "db/db.h"
#include "db/evict.h"
#include "db/lockset.h"
#include "net/limits.h"
#include "net/worker.h"
#include "persist/aof.h"
#include "persist/persist.h"
#include "pubsub/pubsub.h"
#include "stats.h"
#include "util/clock.h"
#include "util/numparse.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static _Atomic long long pause_until_ms;
static _Atomic int pause_write_only;

static const struct command *current_cmd_of(struct client *c) {
    return atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
}

void reply_wrong_args(struct client *c) {
    const struct command *cmd = current_cmd_of(c);
    reply_errorf(&c->out, "ERR wrong number of arguments for '%s' command", cmd ? cmd->fullname : "?");
}
void reply_syntax_error(struct client *c) { reply_error(&c->out, "ERR syntax error"); }
void reply_wrongtype(struct client *c) {
    reply_error(&c->out, "WRONGTYPE Operation against a key holding the wrong kind of value");
}
int arg_parse_ll_range(struct client *c, int idx, long long min, long long max, long long *out) {
    long long v;
    if (num_parse_ll(c->argv[idx].ptr, c->argv[idx].len, &v) != 0) {
        reply_not_integer(c);
        return -1;
    }
    if (v < min || v > max) {
        reply_errorf(&c->out, "ERR value is out of range, value must between %lld and %lld", min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int lookup_key_typed(struct client *c, const struct arg *key, int type, int read, entry **out) {
    entry *e = read ? db_find_read(c->db, key->ptr, key->len) : db_find(c->db, key->ptr, key->len, 0);
    if (e && entry_type(e) != type) {
        reply_wrongtype(c);
        return -1;
    }
    *out = e;
    return 0;
}
void reply_not_integer(struct client *c) { reply_error(&c->out, "ERR value is not an integer or out of range"); }
void reply_not_float(struct client *c) { reply_error(&c->out, "ERR value is not a valid float"); }

void reply_unknown_subcommand(struct client *c) {
    char up[64];
    size_t n = c->argv[0].len < sizeof(up) - 1 ? c->argv[0].len : sizeof(up) - 1;
    for (size_t i = 0; i < n; i++) up[i] = (char)toupper((unsigned char)c->argv[0].ptr[i]);
    up[n] = '\0';
    int sl = c->argc > 1 ? (int)(c->argv[1].len > 128 ? 128 : c->argv[1].len) : 0;
    reply_errorf(&c->out, "ERR unknown subcommand '%.*s'. Try %s HELP.", sl, c->argc > 1 ? c->argv[1].ptr : "", up);
}

static void reply_unknown_command(struct client *c) {
    char args[256];
    size_t used = 0;
    args[0] = '\0';
    for (int i = 1; i < c->argc && used < 128; i++) {
        int room = 128 - (int)used;
        int l = (int)(c->argv[i].len < (size_t)room ? c->argv[i].len : (size_t)room);
        int w = snprintf(args + used, sizeof(args) - used, "'%.*s' ", l, c->argv[i].ptr);
        if (w < 0) break;
        used += (size_t)w;
        if (used >= sizeof(args)) break; /* snprintf truncated: args is full and terminated */
    }
    int nl = (int)(c->argv[0].len > 128 ? 128 : c->argv[0].len);
    reply_errorf(&c->out, "ERR unknown command '%.*s', with args beginning with: %s", nl, c->argv[0].ptr, args);
}

int dispatch_pause_active(void) {
    long long until = atomic_load(&pause_until_ms);
    return until && clock_ms() < until;
}

void dispatch_pause(long long until_ms, int write_only) {
    /* a new pause never shortens or weakens a running one, as in Redis */
    long long cur = atomic_load(&pause_until_ms);
    if (dispatch_pause_active()) {
        if (until_ms < cur) until_ms = cur;
        if (!atomic_load(&pause_write_only)) write_only = 0;
    }
    atomic_store(&pause_write_only, write_only);
    atomic_store(&pause_until_ms, until_ms);
}

void dispatch_unpause(void) { atomic_store(&pause_until_ms, 0); }

int dispatch_must_wait(struct client *c) {
    if (!dispatch_pause_active()) return 0;
    const struct command *cmd = command_lookup(c->argv[0].ptr, c->argv[0].len);
    if (!cmd) return 0; /* unknown commands get their error at once */
    if (cmd->subcommands && c->argc > 1) {
        const struct command *sub = command_lookup_sub(cmd, c->argv[1].ptr, c->argv[1].len);
        if (sub) cmd = sub;
    }
    /* let the pause be lifted or inspected */
    if (cmd->parent && strcmp(cmd->parent->name, "client") == 0 &&
        (strcmp(cmd->name, "unpause") == 0 || strcmp(cmd->name, "pause") == 0))
        return 0;
    if (!atomic_load(&pause_write_only)) return 1;
    uint64_t flags = cmd->flags;
    /* EXEC counts as a write when it would run one (Redis 7.0) */
    if (!cmd->parent && !strcmp(cmd->name, "exec")) flags |= multi_queued_flags(c);
    return (flags & (CMD_WRITE | CMD_MAY_REPLICATE)) != 0;
}

/* CMD_PROTECTED commands (DEBUG; MODULE once it exists) run only when their option
 * says yes, or "local" and the client is on loopback or a unix socket. Replies with
 * Redis's error and returns 1 when refused. */
static int dispatch_protected_refused(struct client *c, const struct command *cmd) {
    const struct command *top = cmd->parent ? cmd->parent : cmd;
    int is_debug = strcmp(top->name, "debug") == 0;
    int setting = is_debug ? server_config.enable_debug_command : server_config.enable_module_command;
    if (setting == CONFIG_ALLOW_YES) return 0;
    if (setting == CONFIG_ALLOW_LOCAL && (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_LOOPBACK))
        return 0;
    reply_errorf(&c->out,
                 "ERR %s command not allowed. If the %s option is set to \"local\", you can run it from a local "
                 "connection, otherwise you need to set this option in the configuration file, and then restart the "
                 "server.",
                 is_debug ? "DEBUG" : "MODULE", is_debug ? "enable-debug-command" : "enable-module-command");
    return 1;
}

int dispatch_auth_required(struct client *c) {
    if (c->authenticated) return 0;
    acl_read_lock();
    int need = !acl_user_nopass_enabled(acl_default_user());
    acl_read_unlock();
    return need;
}

void dispatch_client_created(struct client *c) {
    c->user = acl_default_user();
    c->authenticated = !dispatch_auth_required(c);
}

/* Short CLIENT LIST-style description of a client for ACL LOG's client-info. */
static void dispatch_client_info(struct client *c, char *buf, size_t size) {
    const struct command *last = atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
    snprintf(buf, size, "id=%llu addr=%s laddr=%s fd=%d name=%s db=%d cmd=%s user=%s resp=%d", c->id, c->addr,
             c->laddr, c->fd, c->name ? c->name : "", atomic_load(&c->dbid), last ? last->fullname : "NULL",
             acl_user_name(c->user), c->resp);
}

/* Refuse a command the user's ACL does not allow: NOPERM reply, ACL LOG, audit. */
static int dispatch_acl_denied(struct client *c, const struct command *cmd) {
    int pos;
    int res = acl_check_command(c->user, cmd, c, &pos);
    if (res == ACL_OK) return 0;
    char info[1024];
    dispatch_client_info(c, info, sizeof(info));
    const char *uname = acl_user_name(c->user);
    int ctx = (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_IN_MULTI) ? ACL_LOG_CTX_MULTI
                                                                                         : ACL_LOG_CTX_TOPLEVEL;
    if (res == ACL_DENIED_CMD) {
        reply_errorf(&c->out, "NOPERM this user has no permissions to run the '%s' command", cmd->fullname);
        acl_log_add(ACL_LOG_COMMAND, ctx, cmd->fullname, strlen(cmd->fullname), uname, info);
        audit_event("acl_denied", c->addr, uname, cmd->fullname, "command");
    } else if (res == ACL_DENIED_KEY) {
        reply_error(&c->out, "NOPERM this user has no permissions to access one of the keys used as arguments");
        acl_log_add(ACL_LOG_KEY, ctx, c->argv[pos].ptr, c->argv[pos].len, uname, info);
        audit_event("acl_denied", c->addr, uname, cmd->fullname, "key");
    } else {
        reply_error(&c->out, "NOPERM this user has no permissions to access one of the channels used as arguments");
        acl_log_add(ACL_LOG_CHANNEL, ctx, c->argv[pos].ptr, c->argv[pos].len, uname, info);
        audit_event("acl_denied", c->addr, uname, cmd->fullname, "channel");
    }
    return 1;
}

/* Audit trail of administrative commands (beyond Redis); never their arguments' values. */
static void dispatch_audit(struct client *c, const struct command *cmd) {
    static const char *const audited[] = {"config|set", "config|rewrite", "config|resetstat", "flushall",
                                          "flushdb",    "shutdown",       "client|kill",      "swapdb", NULL};
    const char *n = cmd->fullname;
    int hit = cmd->parent && !strcmp(cmd->parent->name, "debug");
    for (int i = 0; !hit && audited[i]; i++) hit = !strcmp(n, audited[i]);
    if (!hit) return;
    char detail[256] = "";
    if (!strcmp(n, "config|set")) {
        /* option names only: values may be secrets (requirepass, masterauth) */
        size_t at = 0;
        for (int i = 2; i + 1 < c->argc && at + 2 < sizeof(detail); i += 2) {
            int w = snprintf(detail + at, sizeof(detail) - at, "%s%.*s", at ? "," : "",
                             (int)(c->argv[i].len > 64 ? 64 : c->argv[i].len), c->argv[i].ptr);
            if (w < 0) break;
            at += (size_t)w;
        }
    }
    audit_event("command", c->addr, acl_user_name(c->user), n, detail[0] ? detail : NULL);
}
void dispatch_client_closing(struct client *c) {
    blocking_client_gone(c);
    multi_client_closing(c);
    pubsub_client_closing(c);
}

void dispatch_collect_locks(struct client *c, const struct command *cmd, struct lockset *ls) {
    int dbid = atomic_load_explicit(&c->dbid, memory_order_relaxed);
    if (cmd->first_key > 0 && cmd->first_key < c->argc && !(cmd->flags & CMD_NOT_KEY)) {
        int last = cmd->last_key < 0 ? c->argc + cmd->last_key : cmd->last_key;
        if (last >= c->argc) last = c->argc - 1;
        int step = cmd->key_step > 0 ? cmd->key_step : 1;
        for (int i = cmd->first_key; i <= last; i += step) lockset_add_key(ls, dbid, c->argv[i].ptr, c->argv[i].len);
    }
    if (cmd->getkeys) {
        int idx[256];
        int n = cmd->getkeys(c, idx, 256);
        if (n > 256) { /* more keys than fit: lock the whole db (rare, still correct) */
            lockset_add_db(ls, dbid);
        } else {
            for (int i = 0; i < n; i++) lockset_add_key(ls, dbid, c->argv[idx[i]].ptr, c->argv[idx[i]].len);
        }
    }
    if (cmd->lockspec) cmd->lockspec(c, ls);
}

/* The command this thread runs, for the crash report (a signal handler on this thread
 * reads it: volatile, so the store is not moved past the call). */
static _Thread_local const struct command *volatile current_cmd;

const char *dispatch_current_command_name(void) {
    const struct command *cmd = current_cmd;
    return cmd ? cmd->fullname : NULL;
}

void dispatch_call(struct client *c, const struct command *cmd) {
    long long start = clock_mono_us();
    unsigned long long errors_before = c->out.errors;
    const struct command *outer = current_cmd; /* EXEC runs commands inside a command */
    current_cmd = cmd;
    int aof = (cmd->flags & CMD_WRITE) && aof_enabled();
    long long dirty_before = aof ? atomic_load_explicit(&stats_mine()->dirty, memory_order_relaxed) : 0;
    if (aof) aof_command_begin();
    cmd->proc(c);
    current_cmd = outer;
    /* a write that changed something goes to the AOF while its locks are still held, so
     * the file orders it exactly as the keyspace did */
    if (aof) {
        if (atomic_load_explicit(&stats_mine()->dirty, memory_order_relaxed) != dirty_before) aof_propagate(c, cmd);
        else aof_discard_notes();
    }
    long long took = clock_mono_us() - start;
    struct command_stats *st = command_stats_mine(cmd);
    atomic_store_explicit(&st->calls, atomic_load_explicit(&st->calls, memory_order_relaxed) + 1, memory_order_relaxed);
    atomic_store_explicit(&st->usec, atomic_load_explicit(&st->usec, memory_order_relaxed) + took, memory_order_relaxed);
    if (c->out.errors != errors_before)
        atomic_store_explicit(&st->failed, atomic_load_explicit(&st->failed, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    STAT_INC(commands);
    slowlog_maybe_record(c, cmd, took);
}

static void dispatch_reject(struct client *c, const struct command *cmd) {
    (void)c;
    if (cmd) {
        struct command_stats *st = command_stats_mine(cmd);
        atomic_store_explicit(&st->rejected, atomic_load_explicit(&st->rejected, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    }
}

/* maxmemory before a command, as Redis: write commands that may grow memory
 * (CMD_DENYOOM) need room, EXEC when it queued such commands, and anything else sent
 * inside MULTI (a queue grows without bound) except EXEC, DISCARD, QUIT and RESET. */
static int dispatch_oom_check(struct client *c, const struct command *cmd, int fl) {
    if (atomic_load_explicit(&server_config.maxmemory, memory_order_relaxed) <= 0) return EVICT_OK;
    const char *n = cmd->parent ? NULL : cmd->name;
    int exec = n && !strcmp(n, "exec");
    int needs = (cmd->flags & CMD_DENYOOM) || (exec && (multi_queued_flags(c) & CMD_DENYOOM));
    if (!needs && (fl & CLIENT_IN_MULTI))
        needs = !n || (!exec && strcmp(n, "discard") != 0 && strcmp(n, "quit") != 0 && strcmp(n, "reset") != 0);
    return needs ? evict_make_room() : EVICT_OK;
}

void dispatch_command(struct client *c) {
    int fl = atomic_load_explicit(&c->flags, memory_order_relaxed);
    /* CLIENT REPLY: SKIP mutes exactly the command after the one that asked */
    if (fl & CLIENT_REPLY_SKIP_NEXT) {
        fl = (fl & ~CLIENT_REPLY_SKIP_NEXT) | CLIENT_REPLY_SKIP;
        atomic_store_explicit(&c->flags, fl, memory_order_relaxed);
    }
    c->out.muted = (fl & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)) != 0;
    unsigned long long errors_before = c->out.errors;
    int refused = 1; /* until the command is queued or runs */
    pubsub_command_start(c);

    struct command *cmd = command_lookup(c->argv[0].ptr, c->argv[0].len);
    if (!cmd) {
        reply_unknown_command(c);
        goto done;
    }
    if (cmd->subcommands && c->argc >= 2) {
        struct command *sub = command_lookup_sub(cmd, c->argv[1].ptr, c->argv[1].len);
        if (!sub) {
            atomic_store_explicit(&c->last_cmd, cmd, memory_order_relaxed);
            reply_unknown_subcommand(c);
            dispatch_reject(c, cmd);
            goto done;
        }
        cmd = sub;
    }
    atomic_store_explicit(&c->last_cmd, cmd, memory_order_relaxed);
    if ((cmd->arity > 0 && c->argc != cmd->arity) || (cmd->arity < 0 && c->argc < -cmd->arity) || !cmd->proc) {
        reply_wrong_args(c);
        dispatch_reject(c, cmd);
        goto done;
    }
    if ((cmd->flags & CMD_PROTECTED) && dispatch_protected_refused(c, cmd)) {
        dispatch_reject(c, cmd);
        goto done;
    }
    if (!c->authenticated && !(cmd->flags & CMD_NO_AUTH) && dispatch_auth_required(c)) {
        reply_error(&c->out, "NOAUTH Authentication required.");
        dispatch_reject(c, cmd);
        goto done;
    }
    if (!(cmd->flags & CMD_NO_AUTH) && dispatch_acl_denied(c, cmd)) {
        dispatch_reject(c, cmd);
        goto done;
    }
    if (!limits_command_allowed(c)) {
        reply_error(&c->out, "RATELIMIT too many commands, slow down");
        STAT_INC(rate_limited_cmds);
        dispatch_reject(c, cmd);
        goto done;
    }
    /* maxmemory: make room (evicting shard by shard, no lock held here) or refuse */
    if (dispatch_oom_check(c, cmd, fl) != EVICT_OK) {
        if ((fl & CLIENT_IN_MULTI) && !cmd->parent && !strcmp(cmd->name, "exec")) {
            reply_error(&c->out, "EXECABORT Transaction discarded because of: OOM command not allowed when used "
                                 "memory > 'maxmemory'.");
            multi_discard(c);
        } else {
            reply_error(&c->out, "OOM command not allowed when used memory > 'maxmemory'.");
        }
        STAT_INC(oom_rejected_cmds);
        dispatch_reject(c, cmd);
        goto done;
    }
    {
        /* MISCONF after a failed background save or AOF write: writes (and PING, as
         * Redis) refused */
        const char *deny = persist_write_denied();
        if (deny && ((cmd->flags & CMD_WRITE) || !strcmp(cmd->fullname, "ping"))) {
            reply_error(&c->out, deny);
            dispatch_reject(c, cmd);
            goto done;
        }
    }
    if ((fl & CLIENT_PUBSUB) && c->resp == 2 && !pubsub_allowed_in_context(cmd)) {
        reply_errorf(&c->out, "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                              "are allowed in this context", cmd->fullname);
        dispatch_reject(c, cmd);
        goto done;
    }
    refused = 0;
    if ((fl & CLIENT_IN_MULTI) && multi_queue_command(c, cmd)) goto done;
    db_set_command_time(clock_ms());
    struct lockset *ls = &c->worker->locks;
    lockset_clear(ls);
    dispatch_collect_locks(c, cmd, ls);
    lockset_acquire(ls);
    uint64_t aof_before = aof_thread_offset();
    /* EXEC runs its queued writes under this lockset: it counts as a write here, and
     * its writes reach the AOF as one MULTI/EXEC group */
    int is_exec = !(cmd->flags & CMD_WRITE) && cmd->proc && !strcmp(cmd->fullname, "exec");
    /* a running snapshot saves this command's shards before they change (persist/snapshot.h) */
    if (!((cmd->flags & CMD_WRITE) || is_exec) || !atomic_load_explicit(&db_write_gate, memory_order_relaxed) ||
        persist_gate_command(c, cmd, ls) == 0) {
        if (is_exec) aof_group_begin();
        dispatch_call(c, cmd);
        if (is_exec) aof_group_end();
    }
    lockset_release(ls);
    /* appendfsync always: this reply waits until everything in the AOF so far is on disk
     * (its own writes, and any write it may have read), as Redis sends every reply
     * after the fsync of its event loop round */
    if (aof_thread_offset() != aof_before) c->aof_needed = aof_thread_offset();
    if (server_config.appendfsync == APPENDFSYNC_ALWAYS && aof_enabled()) {
        uint64_t all = aof_appended_offset();
        if (all > c->aof_needed && all > aof_durable_offset()) c->aof_needed = all;
    }
    db_set_command_time(0);
    if (audit_enabled()) dispatch_audit(c, cmd);
    /* clients blocked on keys this command fed are served now, before its reply leaves */
    if (blocking_ready_pending()) blocking_serve_ready();

done:
    if (refused && (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_IN_MULTI)) multi_flag_error(c);
    pubsub_command_end(c);
    if (c->out.errors != errors_before) {
        long long nerr = (long long)(c->out.errors - errors_before);
        STAT_ADD(error_replies, nerr);
        errorstats_count(c->out.error_code, strlen(c->out.error_code), nerr);
    }
    fl = atomic_load_explicit(&c->flags, memory_order_relaxed);
    if (fl & CLIENT_REPLY_SKIP) atomic_fetch_and(&c->flags, ~CLIENT_REPLY_SKIP);
    c->out.muted = 0;
}
