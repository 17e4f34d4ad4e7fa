/* multi.c — MULTI EXEC DISCARD WATCH UNWATCH with Redis 7.0 semantics on a sharded,
 * multi-threaded keyspace.
 *
 * Queueing: while a client is in MULTI, dispatch hands each accepted request to
 * multi_queue_command, which stores a private copy of its arguments (a request's argv
 * points into a read buffer that is reused as soon as the request is done).
 *
 * Atomicity: EXEC computes the union of the shard locks every queued command needs
 * (dispatch_collect_locks, with the db each command will run in — a queued SELECT moves
 * the later ones — plus whole dbs for CMD_WALKS_DB / CMD_WALKS_ALL commands) and the
 * locks of the watched keys, takes them once in ascending order, checks WATCH, then
 * runs each command with dispatch_call. Nested lockset_acquire calls inside the
 * commands are no-ops for locks already held (lockset.h), so no other client can see
 * or change any key of the transaction until every command has run. */
#include "cmd/multi.h"
#include "acl/acl.h"
#include "acl/acl_log.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "db/db.h"
#include "db/lockset.h"
#include "db/watch.h"
#include "net/registry.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdio.h>
#include <string.h>

struct multi_cmd {
    const struct command *cmd;
    int argc;
    struct arg *argv; /* owned: the arg array followed by the argument bytes */
};

struct multi_state {
    struct watch_list watch;
    struct multi_cmd *cmds;
    int ncmds, cap;
    long long bytes;  /* argument bytes queued (CLIENT LIST multi-mem) */
    int errored;      /* a request was refused while queueing: EXEC aborts */
    struct lockset ls; /* EXEC's locks (kept to reuse its arrays) */
};

static void multi_command(struct client *c);
static void exec_command(struct client *c);
static void discard_command(struct client *c);
static void watch_command(struct client *c);

static struct multi_state *multi_state_of(struct client *c) { return c->ext[CLIENT_EXT_MULTI]; }

static struct multi_state *multi_state_make(struct client *c) {
    struct multi_state *ms = multi_state_of(c);
    if (ms) return ms;
    ms = wcalloc(1, sizeof(*ms));
    watch_list_init(&ms->watch);
    lockset_init(&ms->ls);
    /* CLIENT LIST reads the slot under registry_lock */
    pthread_mutex_lock(&registry_lock);
    c->ext[CLIENT_EXT_MULTI] = ms;
    pthread_mutex_unlock(&registry_lock);
    return ms;
}

static int in_multi(struct client *c) {
    return (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_IN_MULTI) != 0;
}

static void multi_free_queue(struct multi_state *ms) {
    for (int i = 0; i < ms->ncmds; i++) wfree(ms->cmds[i].argv);
    wfree(ms->cmds);
    ms->cmds = NULL;
    ms->ncmds = ms->cap = 0;
    ms->bytes = 0;
    ms->errored = 0;
}

/* Leave MULTI and forget the watched keys (EXEC, DISCARD, RESET; dispatch's OOM abort). */
void multi_discard(struct client *c) {
    struct multi_state *ms = multi_state_of(c);
    atomic_fetch_and(&c->flags, ~CLIENT_IN_MULTI);
    if (!ms) return;
    multi_free_queue(ms);
    watch_unwatch_all(&ms->watch);
}

/* 1 for the commands that run at once even inside MULTI, as in Redis. */
static int multi_runs_now(const struct command *cmd) {
    if (cmd->proc == multi_command || cmd->proc == exec_command || cmd->proc == discard_command ||
        cmd->proc == watch_command)
        return 1;
    return !cmd->parent && (!strcmp(cmd->name, "quit") || !strcmp(cmd->name, "reset"));
}

int multi_queue_command(struct client *c, const struct command *cmd) {
    if (multi_runs_now(cmd)) return 0;
    struct multi_state *ms = multi_state_make(c);
    size_t bytes = 0;
    for (int i = 0; i < c->argc; i++) bytes += c->argv[i].len + 1;
    struct arg *argv = wmalloc((size_t)c->argc * sizeof(struct arg) + bytes);
    char *p = (char *)(argv + c->argc);
    for (int i = 0; i < c->argc; i++) {
        memcpy(p, c->argv[i].ptr, c->argv[i].len);
        p[c->argv[i].len] = '\0'; /* not needed by commands; keeps copies printable */
        argv[i].ptr = p;
        argv[i].len = c->argv[i].len;
        p += c->argv[i].len + 1;
    }
    if (ms->ncmds == ms->cap) {
        ms->cap = ms->cap ? ms->cap * 2 : 8;
        ms->cmds = wrealloc(ms->cmds, (size_t)ms->cap * sizeof(*ms->cmds));
    }
    ms->cmds[ms->ncmds].cmd = cmd;
    ms->cmds[ms->ncmds].argc = c->argc;
    ms->cmds[ms->ncmds].argv = argv;
    ms->ncmds++;
    ms->bytes += (long long)bytes;
    reply_status(&c->out, "QUEUED");
    return 1;
}

unsigned long long multi_queued_flags(struct client *c) {
    struct multi_state *ms = multi_state_of(c);
    unsigned long long f = 0;
    if (!ms || !in_multi(c)) return 0;
    for (int i = 0; i < ms->ncmds; i++) f |= ms->cmds[i].cmd->flags;
    return f;
}

void multi_flag_error(struct client *c) { multi_state_make(c)->errored = 1; }

void multi_client_closing(struct client *c) {
    struct multi_state *ms = multi_state_of(c);
    if (!ms) return;
    multi_free_queue(ms);
    watch_unwatch_all(&ms->watch);
    lockset_free(&ms->ls);
    pthread_mutex_lock(&registry_lock);
    c->ext[CLIENT_EXT_MULTI] = NULL;
    pthread_mutex_unlock(&registry_lock);
    wfree(ms);
}

int multi_client_info(struct client *c, long long *queued, long long *mem, long long *watched) {
    /* registry_lock held: the state cannot be freed meanwhile; the counts may be a
     * moment old, which is all CLIENT LIST promises */
    struct multi_state *ms = c->ext[CLIENT_EXT_MULTI];
    int inm = (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_IN_MULTI) != 0;
    *queued = inm && ms ? __atomic_load_n(&ms->ncmds, __ATOMIC_RELAXED) : -1;
    *mem = ms ? __atomic_load_n(&ms->bytes, __ATOMIC_RELAXED) : 0;
    *watched = ms ? __atomic_load_n(&ms->watch.count, __ATOMIC_RELAXED) : 0;
    return ms ? atomic_load_explicit(&ms->watch.dirty, memory_order_relaxed) : 0;
}

static void multi_reset_hook(struct client *c) {
    if (in_multi(c)) multi_discard(c);
    struct multi_state *ms = multi_state_of(c);
    if (ms) watch_unwatch_all(&ms->watch);
}

void multi_init(void) {
    watch_init();
    client_add_reset_hook(multi_reset_hook);
}

/* ---------------------------------------------------------------- commands */

static void multi_command(struct client *c) {
    if (in_multi(c)) {
        reply_error(&c->out, "ERR MULTI calls can not be nested");
        return;
    }
    multi_state_make(c);
    atomic_fetch_or(&c->flags, CLIENT_IN_MULTI);
    reply_ok(&c->out);
}

static void discard_command(struct client *c) {
    if (!in_multi(c)) {
        reply_error(&c->out, "ERR DISCARD without MULTI");
        return;
    }
    multi_discard(c);
    reply_ok(&c->out);
}

static void watch_command(struct client *c) {
    if (in_multi(c)) {
        reply_error(&c->out, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    struct multi_state *ms = multi_state_make(c);
    /* already doomed: no point in watching more (Redis does the same) */
    if (!atomic_load_explicit(&ms->watch.dirty, memory_order_relaxed)) {
        int dbid = c->db->id;
        for (int i = 1; i < c->argc; i++) watch_key(&ms->watch, dbid, c->argv[i].ptr, c->argv[i].len);
    }
    reply_ok(&c->out);
}

static void unwatch_command(struct client *c) {
    struct multi_state *ms = multi_state_of(c);
    if (ms) watch_unwatch_all(&ms->watch);
    reply_ok(&c->out);
}

/* The db a queued SELECT moves to (or `cur` if it would fail: it then fails at EXEC). */
static int exec_select_target(const struct multi_cmd *q, int cur) {
    if (q->cmd->parent || strcmp(q->cmd->name, "select") != 0 || q->argc != 2) return cur;
    long long id;
    if (num_parse_ll(q->argv[1].ptr, q->argv[1].len, &id) != 0 || id < 0 || id >= db_count()) return cur;
    return (int)id;
}

/* Union of the locks of every queued command and watched key, into ms->ls. */
static void exec_collect_locks(struct client *c, struct multi_state *ms) {
    struct arg *argv = c->argv;
    int argc = c->argc;
    struct db *db = c->db;
    int dbid = db->id;
    lockset_clear(&ms->ls);
    for (int i = 0; i < ms->ncmds; i++) {
        const struct multi_cmd *q = &ms->cmds[i];
        /* dispatch_collect_locks and the rows' lockspecs read the request and the db
         * from the client: show them this command as it will run */
        c->argv = q->argv;
        c->argc = q->argc;
        c->db = db_get(dbid);
        atomic_store_explicit(&c->dbid, dbid, memory_order_relaxed);
        if (q->cmd->flags & CMD_WALKS_ALL) lockset_add_all(&ms->ls);
        else if (q->cmd->flags & CMD_WALKS_DB) lockset_add_db(&ms->ls, dbid);
        dispatch_collect_locks(c, q->cmd, &ms->ls);
        dbid = exec_select_target(q, dbid);
    }
    c->argv = argv;
    c->argc = argc;
    c->db = db;
    atomic_store_explicit(&c->dbid, db->id, memory_order_relaxed);
    watch_add_locks(&ms->watch, &ms->ls);
}

/* ACL rules may have changed since the command was queued: check again (Redis 7.0). */
static int exec_acl_denied(struct client *c, const struct command *cmd) {
    if (!c->user) return 0;
    int pos;
    int res = acl_check_command(c->user, cmd, c, &pos);
    if (res == ACL_OK) return 0;
    const char *reason = res == ACL_DENIED_CMD ? "no permission to execute the command or subcommand"
                         : res == ACL_DENIED_KEY ? "no permission to touch the specified keys"
                         : res == ACL_DENIED_CHANNEL ? "no permission to access one of the channels used as arguments"
                                                     : "no permission";
    reply_errorf(&c->out,
                 "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                 "This command is no longer allowed for the following reason: %s",
                 reason);
    char info[512];
    snprintf(info, sizeof(info), "id=%llu addr=%s laddr=%s fd=%d name=%s db=%d cmd=%s user=%s resp=%d", c->id,
             c->addr, c->laddr, c->fd, c->name ? c->name : "", c->db->id, cmd->fullname, acl_user_name(c->user),
             c->resp);
    int kind = res == ACL_DENIED_KEY ? ACL_LOG_KEY : res == ACL_DENIED_CHANNEL ? ACL_LOG_CHANNEL : ACL_LOG_COMMAND;
    const char *obj = kind == ACL_LOG_COMMAND ? cmd->fullname : c->argv[pos].ptr;
    size_t olen = kind == ACL_LOG_COMMAND ? strlen(cmd->fullname) : c->argv[pos].len;
    acl_log_add(kind, ACL_LOG_CTX_MULTI, obj, olen, acl_user_name(c->user), info);
    return 1;
}

static void exec_command(struct client *c) {
    if (!in_multi(c)) {
        reply_error(&c->out, "ERR EXEC without MULTI");
        return;
    }
    struct multi_state *ms = multi_state_make(c);
    if (ms->errored) {
        reply_error(&c->out, "EXECABORT Transaction discarded because of previous errors.");
        multi_discard(c);
        return;
    }
    exec_collect_locks(c, ms);
    lockset_acquire(&ms->ls);
    if (watch_must_abort(&ms->watch, db_now_ms())) {
        lockset_release(&ms->ls);
        reply_null_array(&c->out);
        multi_discard(c);
        return;
    }
    /* detach the queue: the commands may reset or reuse the client's MULTI state
     * (UNWATCH, RESET is never queued) */
    struct multi_cmd *cmds = ms->cmds;
    int n = ms->ncmds;
    ms->cmds = NULL;
    ms->ncmds = ms->cap = 0;
    ms->bytes = 0;
    watch_unwatch_all(&ms->watch);
    const struct command *exec_cmd = atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
    struct arg *argv = c->argv;
    int argc = c->argc;
    reply_array(&c->out, n);
    for (int i = 0; i < n; i++) {
        c->argv = cmds[i].argv;
        c->argc = cmds[i].argc;
        atomic_store_explicit(&c->last_cmd, cmds[i].cmd, memory_order_relaxed);
        if (!exec_acl_denied(c, cmds[i].cmd)) dispatch_call(c, cmds[i].cmd);
    }
    c->argv = argv;
    c->argc = argc;
    atomic_store_explicit(&c->last_cmd, exec_cmd, memory_order_relaxed);
    lockset_release(&ms->ls);
    for (int i = 0; i < n; i++) wfree(cmds[i].argv);
    wfree(cmds);
    multi_discard(c);
}

struct command multi_commands[] = {
    {.name = "multi", .proc = multi_command, .arity = 1,
     .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_ALLOW_BUSY, .acl = ACL_TRANSACTION,
     .summary = "Starts queueing commands for a transaction.", .since = "1.2.0", .group = "transactions",
     .complexity = "O(1)"},
    {.name = "exec", .proc = exec_command, .arity = 1, .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_SKIP_SLOWLOG,
     .acl = ACL_TRANSACTION, .summary = "Runs the queued commands of a transaction as one atomic step.",
     .since = "1.2.0", .group = "transactions", .complexity = "Depends on commands in the transaction"},
    {.name = "discard", .proc = discard_command, .arity = 1,
     .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_ALLOW_BUSY, .acl = ACL_TRANSACTION,
     .summary = "Drops the queued commands of a transaction.", .since = "2.0.0", .group = "transactions",
     .complexity = "O(N), when N is the number of queued commands"},
    {.name = "watch", .proc = watch_command, .arity = -2,
     .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_ALLOW_BUSY, .acl = ACL_TRANSACTION,
     .first_key = 1, .last_key = -1, .key_step = 1,
     .summary = "Makes the next EXEC fail if any of the keys changes first.", .since = "2.2.0",
     .group = "transactions", .complexity = "O(1) for every key."},
    {.name = "unwatch", .proc = unwatch_command, .arity = 1,
     .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_ALLOW_BUSY, .acl = ACL_TRANSACTION,
     .summary = "Stops watching every key watched by this connection.", .since = "2.2.0", .group = "transactions",
     .complexity = "O(1)"},
    CMD_END,
};
