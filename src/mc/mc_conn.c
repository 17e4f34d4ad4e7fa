/* mc_conn.c — a memcache connection: its session (parser state, a pending swallow,
 * authentication), the request loop the connection layer calls instead of the RESP
 * parser, and the checkpoints every memcache command passes through, the same as a RESP
 * command's in dispatch: authentication, the ACL check against the equivalent Redis
 * command row (so key patterns apply), CLIENT PAUSE, shard locks in ascending order,
 * statistics.
 *
 * Authentication follows memcached's `-Y` convention: while the connection is not
 * authenticated, the only command understood is a `set` whose value is "username
 * password"; it answers STORED on success. It is required when the default user has a
 * password (or is off) or any other ACL user exists; the password is checked by
 * acl_authenticate with the same per-address throttling, ACL LOG entries and audit
 * events as AUTH over RESP. All functions run on the client's owner thread. */
#include "acl/acl.h"
#include "acl/acl_log.h"
#include "acl/audit.h"
#include "acl/auth_throttle.h"
#include "cmd/dispatch.h"
#include "cmd/table.h"
#include "config.h"
#include "db/evict.h"
#include "db/lockset.h"
#include "mc/mc.h"
#include "mc/mc_int.h"
#include "net/worker.h"
#include "persist/aof.h"
#include "persist/snapshot.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include <stdio.h>
#include <string.h>

/* The longest multi-get line. memcached bounds it only by memory; every key costs a
 * token, a lock id and a lookup slot (~40 bytes), so a line is capped well below
 * client-query-buffer-limit: 2 MB is some 40,000 keys of ordinary length. */
#define MC_GET_LINE_MAX (2 * 1024 * 1024)

static const struct command *rows[MC_ROW_COUNT];

/* Resolve "name" or "parent|sub"; NULL if the command does not exist (yet). */
static const struct command *mc_row_lookup(const char *name) {
    const char *bar = strchr(name, '|');
    if (!bar) return command_lookup(name, strlen(name));
    const struct command *parent = command_lookup(name, (size_t)(bar - name));
    return parent ? command_lookup_sub(parent, bar + 1, strlen(bar + 1)) : NULL;
}

void mc_init(void) {
    /* each row with a fallback for a build where the first choice does not exist yet */
    static const char *const names[MC_ROW_COUNT][2] = {
        [MC_ROW_GET] = {"get", NULL},          [MC_ROW_GETEX] = {"getex", "get"},
        [MC_ROW_SET] = {"set", NULL},          [MC_ROW_APPEND] = {"append", "set"},
        [MC_ROW_DEL] = {"del", NULL},          [MC_ROW_INCRBY] = {"incrby", "set"},
        [MC_ROW_DECRBY] = {"decrby", "set"},   [MC_ROW_EXPIRE] = {"expire", "set"},
        [MC_ROW_FLUSHDB] = {"flushdb", NULL},  [MC_ROW_INFO] = {"info", "dbsize"},
        [MC_ROW_RESETSTAT] = {"config|resetstat", "flushdb"}, [MC_ROW_TTL] = {"ttl", "get"},
    };
    for (int i = 0; i < MC_ROW_COUNT; i++) {
        rows[i] = mc_row_lookup(names[i][0]);
        if (!rows[i] && names[i][1]) rows[i] = mc_row_lookup(names[i][1]);
    }
    mc_items_init(server_config.memcached_port != 0);
}

/* ---- replies ---- */

void mc_reply_raw(struct client *c, const void *p, size_t len) { reply_raw(&c->out, p, len); }

void mc_reply(struct client *c, const char *line) {
    reply_raw(&c->out, line, strlen(line));
    reply_raw(&c->out, "\r\n", 2);
}

int mc_tok_is(const struct mc_ctx *x, int i, const char *s) {
    size_t n = strlen(s);
    return i < x->req->ntokens && x->req->tok[i].len == n && memcmp(mc_tok(x, i), s, n) == 0;
}

/* ---- authentication ---- */

/* 1 when memcache clients must authenticate first: the default user needs a password
 * (or is off), or other ACL users exist. */
int mc_auth_required(void) {
    acl_read_lock();
    int need = !acl_user_nopass_enabled(acl_default_user());
    int n = 0;
    while (acl_user_at(n)) n++;
    acl_read_unlock();
    return need || n > 1;
}

static void mc_client_info(struct client *c, const char *cmd, char *buf, size_t size) {
    snprintf(buf, size, "id=%llu addr=%s laddr=%s fd=%d name=%s db=0 cmd=%s user=%s resp=memcache", c->id, c->addr,
             c->laddr, c->fd, c->name ? c->name : "", cmd, acl_user_name(c->user));
}

/* The authentication set: its value is "username password" (further words ignored). */
static void mc_auth(struct mc_ctx *x) {
    struct client *c = x->c;
    const char *d = x->base + x->req->data_off;
    size_t n = x->req->data_len;
    const char *nul = memchr(d, '\0', n);
    if (nul) n = (size_t)(nul - d);
    mc_stat_inc(MCS_AUTH_CMDS);
    size_t u0 = 0;
    while (u0 < n && d[u0] == ' ') u0++;
    size_t u1 = u0;
    while (u1 < n && d[u1] != ' ') u1++;
    size_t p0 = u1;
    while (p0 < n && d[p0] == ' ') p0++;
    size_t p1 = p0;
    while (p1 < n && d[p1] != ' ') p1++;
    if (u1 == u0 || p1 == p0) {
        mc_stat_inc(MCS_AUTH_ERRORS);
        mc_reply(c, "CLIENT_ERROR bad authentication token format");
        return;
    }
    char name[256];
    snprintf(name, sizeof(name), "%.*s", (int)(u1 - u0 > 200 ? 200 : u1 - u0), d + u0);
    long long wait = auth_throttle_check(c->addr);
    if (wait > 0) {
        mc_stat_inc(MCS_AUTH_ERRORS);
        audit_event("auth_throttled", c->addr, name, "auth", "memcache");
        char msg[160];
        snprintf(msg, sizeof(msg), "CLIENT_ERROR too many failed authentication attempts from this address; retry in "
                                   "%lld second%s", wait, wait == 1 ? "" : "s");
        mc_reply(c, msg);
        return;
    }
    struct acl_user *u = acl_authenticate(d + u0, u1 - u0, d + p0, p1 - p0);
    if (!u) {
        mc_stat_inc(MCS_AUTH_ERRORS);
        auth_throttle_failure(c->addr);
        char info[512];
        mc_client_info(c, "auth", info, sizeof(info));
        acl_log_add(ACL_LOG_AUTH, ACL_LOG_CTX_TOPLEVEL, "AUTH", 4, name, info);
        audit_event("auth_failure", c->addr, name, "auth", "memcache");
        mc_reply(c, "CLIENT_ERROR authentication failure");
        return;
    }
    auth_throttle_success(c->addr);
    c->user = u;
    c->authenticated = 1;
    c->mc->auth_pending = 0;
    audit_event("auth_success", c->addr, name, "auth", "memcache");
    mc_reply(c, "STORED");
}

/* ---- ACL ---- */

int mc_acl_check(struct mc_ctx *x, int row, const char *key, size_t klen) {
    struct client *c = x->c;
    const struct command *cmd = rows[row];
    if (!cmd) return 0;
    atomic_store_explicit(&c->last_cmd, cmd, memory_order_relaxed);
    if (c->argv_cap < 2) {
        c->argv = wrealloc(c->argv, 2 * sizeof(struct arg));
        c->argv_cap = 2;
    }
    /* the Redis command's argv as far as ACL looks at it: the name and the key */
    c->argv[0].ptr = (char *)cmd->name;
    c->argv[0].len = strlen(cmd->name);
    c->argc = 1;
    if (key) {
        c->argv[1].ptr = (char *)key;
        c->argv[1].len = klen;
        c->argc = 2;
    }
    int pos;
    int res = acl_check_command(c->user, cmd, c, &pos);
    struct command_stats *st = command_stats_mine(cmd);
    if (res == ACL_OK) {
        /* maxmemory applies to memcache writes as to RESP ones (no shard lock held here) */
        if ((cmd->flags & CMD_DENYOOM) && evict_make_room() != EVICT_OK) {
            STAT_INC(oom_rejected_cmds);
            mc_reply(c, "SERVER_ERROR out of memory storing object");
            return -1;
        }
        atomic_store_explicit(&st->calls, atomic_load_explicit(&st->calls, memory_order_relaxed) + 1,
                              memory_order_relaxed);
        return 0;
    }
    atomic_store_explicit(&st->rejected, atomic_load_explicit(&st->rejected, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    char info[1024];
    mc_client_info(c, cmd->fullname, info, sizeof(info));
    const char *uname = acl_user_name(c->user);
    if (res == ACL_DENIED_KEY && key) {
        acl_log_add(ACL_LOG_KEY, ACL_LOG_CTX_TOPLEVEL, key, klen, uname, info);
        audit_event("acl_denied", c->addr, uname, cmd->fullname, "key");
        mc_reply(c, "CLIENT_ERROR NOPERM this user has no permissions to access one of the keys used as arguments");
    } else {
        acl_log_add(ACL_LOG_COMMAND, ACL_LOG_CTX_TOPLEVEL, cmd->fullname, strlen(cmd->fullname), uname, info);
        audit_event("acl_denied", c->addr, uname, cmd->fullname, "command");
        char msg[160];
        snprintf(msg, sizeof(msg), "CLIENT_ERROR NOPERM this user has no permissions to run the '%s' command",
                 cmd->fullname);
        mc_reply(c, msg);
    }
    return -1;
}

/* ---- locks ---- */

void mc_lock_keys(struct client *c, const char *const *keys, const size_t *lens, int n) {
    struct lockset *ls = &c->worker->locks;
    lockset_clear(ls);
    for (int i = 0; i < n; i++) lockset_add_key(ls, 0, keys[i], lens[i]);
    lockset_acquire(ls);
    snapshot_before_write_lockset(ls); /* a running snapshot saves these shards first */
}

void mc_lock_key(struct client *c, const char *key, size_t klen) { mc_lock_keys(c, &key, &klen, 1); }

void mc_lock_db(struct client *c) {
    struct lockset *ls = &c->worker->locks;
    lockset_clear(ls);
    lockset_add_db(ls, 0);
    lockset_acquire(ls);
    snapshot_before_write_lockset(ls);
}

void mc_unlock(struct client *c) {
    lockset_release(&c->worker->locks);
    /* appendfsync always: the reply waits until the AOF holds what came before it */
    if (server_config.appendfsync == APPENDFSYNC_ALWAYS && aof_enabled()) {
        uint64_t all = aof_appended_offset();
        if (all > c->aof_needed && all > aof_durable_offset()) c->aof_needed = all;
    }
}

/* ---- sessions ---- */

void mc_session_attach(struct client *c) {
    struct mc_session *s = wcalloc(1, sizeof(*s));
    mc_parser_init(&s->parser);
    s->auth_pending = mc_auth_required();
    c->mc = s;
    c->authenticated = !s->auth_pending;
    atomic_fetch_or(&c->flags, CLIENT_MEMCACHE);
    mc_stats_conn(1);
    mc_stat_inc(MCS_TOTAL_CONNECTIONS);
}

void mc_session_free(struct client *c) {
    if (!c->mc) return;
    mc_parser_free(&c->mc->parser);
    wfree(c->mc);
    c->mc = NULL;
    mc_stats_conn(-1);
}

size_t mc_need_total(const struct client *c) { return c->mc ? c->mc->parser.need_total : 0; }

/* Would CLIENT PAUSE hold this request? Asks dispatch with the equivalent Redis name. */
static int mc_must_wait(struct client *c, const struct mc_request *r) {
    if (!dispatch_pause_active()) return 0;
    int write;
    switch (r->command) {
    case MC_CMD_GET: case MC_CMD_GETS: case MC_CMD_MG: case MC_CMD_ME: case MC_CMD_MN: case MC_CMD_VERSION:
    case MC_CMD_STATS: case MC_CMD_QUIT: case MC_CMD_VERBOSITY: case MC_CMD_NONE: case MC_CMD_SHUTDOWN:
        write = 0;
        break;
    default:
        write = 1;
    }
    if (c->argv_cap < 1) {
        c->argv = wrealloc(c->argv, 2 * sizeof(struct arg));
        c->argv_cap = 2;
    }
    static char get_name[] = "get", set_name[] = "set";
    c->argv[0].ptr = write ? set_name : get_name;
    c->argv[0].len = 3;
    c->argc = 1;
    return dispatch_must_wait(c);
}

/* Reply for a request the framing already found wrong. */
static void mc_framing_error(struct client *c, const struct mc_request *r) {
    switch (r->error) {
    case MC_ERR_UNKNOWN:
        mc_reply(c, "ERROR");
        break;
    case MC_ERR_FORMAT:
        c->out.muted = r->noreply;
        mc_reply(c, "CLIENT_ERROR bad command line format");
        break;
    case MC_ERR_TOO_MANY:
        mc_reply(c, r->command == MC_CMD_MG ? "CLIENT_ERROR options flags are too long"
                                            : "CLIENT_ERROR options flags too long");
        break;
    case MC_ERR_UNAUTH:
        mc_reply(c, "CLIENT_ERROR unauthenticated");
        break;
    }
}

static void mc_execute(struct client *c, const char *base, const struct mc_request *r) {
    struct mc_ctx x = {.c = c, .base = base, .req = r};
    if (r->error) {
        mc_framing_error(c, r);
    } else {
        mc_writing(1);
        db_set_command_time(clock_ms());
        if (r->command == MC_CMD_AUTH) mc_auth(&x);
        else if (r->command >= MC_CMD_MG && r->command <= MC_CMD_ME) mc_meta_run(&x);
        else if (r->command == MC_CMD_STATS) mc_stats_run(&x);
        else mc_cmd_run(&x);
        db_set_command_time(0);
        mc_writing(0);
    }
    c->out.muted = 0;
    STAT_INC(commands);
}

size_t mc_process(struct client *c, char *buf, size_t len) {
    struct mc_session *s = c->mc;
    size_t off = 0;
    while (off < len) {
        int fl = atomic_load_explicit(&c->flags, memory_order_relaxed);
        if (fl & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_PAUSED | CLIENT_BLOCKED)) break;
        if (s->swallow) { /* the value of a refused set: dropped as it arrives */
            size_t take = (unsigned long long)s->swallow < len - off ? (size_t)s->swallow : len - off;
            off += take;
            s->swallow -= (long long)take;
            continue;
        }
        int fresh = !s->parser.line_end && !s->parser.scan;
        if (fresh) mc_flush_if_due();
        if (fresh && s->auth_pending && !mc_auth_required()) { /* the password went away meanwhile */
            s->auth_pending = 0;
            c->authenticated = 1;
        }
        struct mc_limits lim = {
            .item_size_max = server_config.item_size_max,
            .max_get_line = server_config.client_query_buffer_limit < MC_GET_LINE_MAX
                                ? (size_t)server_config.client_query_buffer_limit
                                : MC_GET_LINE_MAX,
            .auth_pending = s->auth_pending,
        };
        int st = mc_parse(&s->parser, &lim, buf + off, len - off);
        if (st == MC_NEED_MORE) break;
        if (st == MC_CLOSE) {
            log_verbose("Closing memcache client sending garbage: id=%llu addr=%s", c->id, c->addr);
            atomic_fetch_or(&c->flags, CLIENT_CLOSE_AFTER_REPLY);
            mc_parser_reset(&s->parser);
            off = len;
            break;
        }
        if (mc_must_wait(c, &s->parser.req)) {
            atomic_fetch_or(&c->flags, CLIENT_PAUSED);
            c->pnext = c->worker->paused;
            c->worker->paused = c;
            break;
        }
        mc_execute(c, buf + off, &s->parser.req);
        off += s->parser.pos;
        if (s->parser.req.too_large) s->swallow = s->parser.req.swallow;
        mc_parser_reset(&s->parser);
    }
    return off;
}
