/* client_cmd.c — the CLIENT command family (ID, SETNAME, GETNAME, LIST, INFO, KILL,
 * REPLY, PAUSE, UNPAUSE, NO-EVICT, NO-TOUCH, UNBLOCK, GETREDIR, TRACKINGINFO, HELP).
 *
 * Thread safety: other clients belong to other worker threads. CLIENT LIST / KILL walk
 * the registry with registry_lock held, which keeps every listed client alive, and
 * read only what is safe from another thread: fields fixed before the client was
 * registered (id, fd, addresses, creation time), atomics (flags, db, last command,
 * last interaction) and the name (written under registry_lock). Buffer sizes of other
 * clients are owner-thread state and are shown as 0; the caller's own line is exact. */
#include "cmd/client_cmd.h"
#include "acl/acl.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/multi.h"
#include "net/conn.h"
#include "net/registry.h"
#include "net/worker.h"
#include "pubsub/pubsub.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/numparse.h"
#include "util/textbuf.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static client_unblock_fn unblock_handler;
void client_cmd_set_unblock_handler(client_unblock_fn fn) { unblock_handler = fn; }

enum client_type { CTYPE_NORMAL, CTYPE_REPLICA, CTYPE_PUBSUB, CTYPE_MASTER, CTYPE_INVALID };

static enum client_type client_type_of(int flags) {
    return (flags & CLIENT_PUBSUB) ? CTYPE_PUBSUB : CTYPE_NORMAL;
}

static enum client_type client_type_by_name(const struct arg *a) {
    if (arg_eq(a, "normal")) return CTYPE_NORMAL;
    if (arg_eq(a, "replica") || arg_eq(a, "slave")) return CTYPE_REPLICA;
    if (arg_eq(a, "pubsub")) return CTYPE_PUBSUB;
    if (arg_eq(a, "master")) return CTYPE_MASTER;
    return CTYPE_INVALID;
}

static void reply_unknown_client_type(struct client *c, const struct arg *a) {
    reply_errorf(&c->out, "ERR Unknown client type '%.*s'", (int)(a->len > 128 ? 128 : a->len), a->ptr);
}

/* Redis's one-letter flags, in its order; "N" when none applies. */
static void client_flag_letters(int fl, int dirty_cas, char *out) {
    char *p = out;
    if (fl & CLIENT_PUBSUB) *p++ = 'P';
    if (fl & CLIENT_IN_MULTI) *p++ = 'x';
    if (fl & CLIENT_BLOCKED) *p++ = 'b';
    if (dirty_cas) *p++ = 'd'; /* a watched key changed: EXEC will fail */
    if (fl & CLIENT_CLOSE_AFTER_REPLY) *p++ = 'c';
    if (fl & CLIENT_CLOSE_ASAP) *p++ = 'A';
    if (fl & CLIENT_UNIX_SOCKET) *p++ = 'U';
    if (fl & CLIENT_NO_EVICT) *p++ = 'e';
    if (fl & CLIENT_NO_TOUCH) *p++ = 'T';
    if (p == out) *p++ = 'N';
    *p = '\0';
}

/* The ACL user's name. Users are never freed while the process runs (acl.h), so the
 * pointer, written by the owner thread on AUTH, is safe to follow from any thread. */
static const char *client_user_name(struct client *t, const struct client *self) {
    struct acl_user *u = t == self ? t->user : __atomic_load_n(&t->user, __ATOMIC_RELAXED);
    return acl_user_name(u);
}

/* Owner-thread sizes of the caller's own connection. */
struct client_sizes {
    long long qbuf, qbuf_free, argv_mem, rbs, obl, oll, omem, tot_mem;
};

static void client_own_sizes(const struct client *c, struct client_sizes *s) {
    memset(s, 0, sizeof(*s));
    s->qbuf = (long long)c->qlen;
    s->qbuf_free = (long long)(c->qcap - c->qlen);
    for (int i = 0; i < c->argc; i++) s->argv_mem += (long long)c->argv[i].len;
    s->rbs = (long long)c->qcap;
    long long blocks = 0, bytes = 0;
    for (const struct reply_block *b = c->out.head; b; b = b->next) {
        blocks++;
        bytes += (long long)b->size;
    }
    s->oll = blocks;
    s->omem = bytes;
    s->tot_mem = (long long)sizeof(*c) + (long long)c->qcap + (long long)c->argv_cap * (long long)sizeof(struct arg) +
                 bytes;
}

/* Append one CLIENT LIST line for `t`. Caller holds registry_lock (or t == self). */
static void client_format_line(struct textbuf *b, struct client *t, const struct client *self, long long now) {
    int fl = atomic_load_explicit(&t->flags, memory_order_relaxed);
    char letters[16];
    long long sub, psub, ssub, mqueued, mmem, mwatched;
    pubsub_client_counts(t, &sub, &psub, &ssub);
    int dirty_cas = multi_client_info(t, &mqueued, &mmem, &mwatched);
    client_flag_letters(fl, dirty_cas, letters);
    struct client_sizes sz;
    if (t == self) client_own_sizes(t, &sz);
    else {
        /* another thread's client: the sizes its owner published at its last flush */
        memset(&sz, 0, sizeof(sz));
        sz.qbuf = atomic_load_explicit(&t->shown.qbuf, memory_order_relaxed);
        long long qcap = atomic_load_explicit(&t->shown.qcap, memory_order_relaxed);
        sz.qbuf_free = qcap - sz.qbuf;
        sz.rbs = qcap;
        sz.oll = atomic_load_explicit(&t->shown.oll, memory_order_relaxed);
        sz.omem = atomic_load_explicit(&t->shown.omem, memory_order_relaxed);
        sz.tot_mem = (long long)sizeof(*t) + qcap + sz.omem;
    }
    const struct command *cmd = atomic_load_explicit(&t->last_cmd, memory_order_relaxed);
    /* resp and epoll_out are plain ints written only by the owner thread; an atomic
     * load of the aligned int reads a whole, if possibly stale, value */
    int resp = t == self ? t->resp : __atomic_load_n(&t->resp, __ATOMIC_RELAXED);
    int want_write = t == self ? t->epoll_out : __atomic_load_n(&t->epoll_out, __ATOMIC_RELAXED);
    long long idle = now - atomic_load_explicit(&t->last_interaction_ms, memory_order_relaxed);
    textbuf_printf(b,
                   "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%lld psub=%lld "
                   "ssub=%lld multi=%lld qbuf=%lld qbuf-free=%lld argv-mem=%lld multi-mem=%lld rbs=%lld rbp=%lld obl=%lld oll=%lld "
                   "omem=%lld tot-mem=%lld events=r%s cmd=%s user=%s redir=-1 resp=%d\n",
                   t->id, t->addr, t->laddr, t->fd, t->name ? t->name : "", (now - t->ctime_ms) / 1000,
                   (idle > 0 ? idle : 0) / 1000, letters, atomic_load_explicit(&t->dbid, memory_order_relaxed), sub,
                   psub, ssub, mqueued, sz.qbuf, sz.qbuf_free, sz.argv_mem, mmem, sz.rbs, sz.rbs, sz.obl, sz.oll,
                   sz.omem, sz.tot_mem, want_write ? "w" : "", cmd ? cmd->fullname : "NULL",
                   client_user_name(t, self), resp);
}

static void reply_text(struct client *c, struct textbuf *b) {
    reply_verbatim(&c->out, b->p ? b->p : "", b->len, "txt");
}

static void client_id_command(struct client *c) { reply_int(&c->out, (long long)c->id); }

static void client_getname_command(struct client *c) {
    /* the owner thread is the only writer of its own name: no lock needed to read */
    if (c->name) reply_bulk_cstr(&c->out, c->name);
    else reply_null(&c->out);
}

static void client_setname_command(struct client *c) {
    const struct arg *name = &c->argv[2];
    for (size_t i = 0; i < name->len; i++)
        if (name->ptr[i] < '!' || name->ptr[i] > '~') {
            reply_error(&c->out, "ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
    client_set_name(c, name->ptr, name->len);
    reply_ok(&c->out);
}

static void client_info_command(struct client *c) {
    struct textbuf b;
    textbuf_init(&b);
    pthread_mutex_lock(&registry_lock);
    client_format_line(&b, c, c, clock_ms());
    pthread_mutex_unlock(&registry_lock);
    reply_text(c, &b);
    textbuf_free(&b);
}

static int client_id_cmp(const void *a, const void *b) {
    unsigned long long x = (*(struct client *const *)a)->id, y = (*(struct client *const *)b)->id;
    return x < y ? -1 : x > y;
}

static void client_list_command(struct client *c) {
    enum client_type type = CTYPE_INVALID; /* no TYPE filter */
    unsigned long long *ids = NULL;
    int nids = 0;
    if (c->argc == 4 && arg_eq(&c->argv[2], "TYPE")) {
        type = client_type_by_name(&c->argv[3]);
        if (type == CTYPE_INVALID) {
            reply_unknown_client_type(c, &c->argv[3]);
            return;
        }
    } else if (c->argc > 3 && arg_eq(&c->argv[2], "ID")) {
        nids = c->argc - 3;
        ids = wmalloc((size_t)nids * sizeof(*ids));
        for (int i = 0; i < nids; i++) {
            long long v;
            if (num_parse_ll(c->argv[3 + i].ptr, c->argv[3 + i].len, &v) != 0) {
                wfree(ids);
                reply_error(&c->out, "ERR Invalid client ID");
                return;
            }
            ids[i] = v > 0 ? (unsigned long long)v : 0; /* ids are >= 1: 0 matches nobody */
        }
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    struct textbuf b;
    textbuf_init(&b);
    long long now = clock_ms();
    pthread_mutex_lock(&registry_lock);
    if (ids) {
        /* in the order asked, as Redis does; a sorted snapshot keeps this
         * O((ids + clients) log clients) under the lock, whatever the caller sends */
        long long n = 0;
        for (struct client *t = registry_first(); t; t = t->rnext) n++;
        struct client **by_id = wmalloc((size_t)(n ? n : 1) * sizeof(*by_id));
        n = 0;
        for (struct client *t = registry_first(); t; t = t->rnext) by_id[n++] = t;
        qsort(by_id, (size_t)n, sizeof(*by_id), client_id_cmp);
        for (int i = 0; i < nids; i++) {
            long long lo = 0, hi = n - 1;
            while (lo <= hi) {
                long long mid = lo + (hi - lo) / 2;
                if (by_id[mid]->id == ids[i]) {
                    client_format_line(&b, by_id[mid], c, now);
                    break;
                }
                if (by_id[mid]->id < ids[i]) lo = mid + 1;
                else hi = mid - 1;
            }
        }
        wfree(by_id);
    } else {
        /* the registry is newest-first; list oldest-first like Redis */
        struct client *t = registry_first();
        while (t && t->rnext) t = t->rnext;
        for (; t; t = t->rprev) {
            if (type != CTYPE_INVALID && client_type_of(atomic_load(&t->flags)) != type) continue;
            client_format_line(&b, t, c, now);
        }
    }
    pthread_mutex_unlock(&registry_lock);
    wfree(ids);
    reply_text(c, &b);
    textbuf_free(&b);
}

/* ---- CLIENT KILL ---- */

struct kill_filter {
    const struct arg *addr, *laddr;
    struct acl_user *user; /* USER filter: matched by identity */
    int has_user;
    unsigned long long id;
    enum client_type type; /* CTYPE_INVALID: any */
    int skipme;
};

static int arg_is(const struct arg *a, const char *s) {
    size_t n = strlen(s);
    return a->len == n && memcmp(a->ptr, s, n) == 0;
}

static int kill_matches(const struct kill_filter *f, struct client *t) {
    if (f->id && t->id != f->id) return 0;
    if (f->addr && !arg_is(f->addr, t->addr)) return 0;
    if (f->laddr && !arg_is(f->laddr, t->laddr)) return 0;
    if (f->has_user && __atomic_load_n(&t->user, __ATOMIC_RELAXED) != f->user) return 0;
    if (f->type != CTYPE_INVALID && client_type_of(atomic_load(&t->flags)) != f->type) return 0;
    return 1;
}

/* Close every matching client; the caller itself closes after its reply. */
static long long kill_apply(struct client *c, const struct kill_filter *f) {
    long long killed = 0;
    pthread_mutex_lock(&registry_lock);
    for (struct client *t = registry_first(); t; t = t->rnext) {
        if (!kill_matches(f, t)) continue;
        if (t == c) {
            if (f->skipme) continue;
            atomic_fetch_or(&c->flags, CLIENT_CLOSE_AFTER_REPLY);
        } else {
            registry_kill_locked(t);
        }
        killed++;
    }
    pthread_mutex_unlock(&registry_lock);
    return killed;
}

static int kill_parse(struct client *c, struct kill_filter *f) {
    memset(f, 0, sizeof(*f));
    f->type = CTYPE_INVALID;
    f->skipme = 1;
    if ((c->argc - 2) % 2 != 0) {
        reply_syntax_error(c);
        return -1;
    }
    for (int i = 2; i < c->argc; i += 2) {
        const struct arg *opt = &c->argv[i], *val = &c->argv[i + 1];
        if (arg_eq(opt, "ID")) {
            long long v;
            if (num_parse_ll(val->ptr, val->len, &v) != 0 || v <= 0) {
                reply_error(&c->out, "ERR client-id should be greater than 0");
                return -1;
            }
            f->id = (unsigned long long)v;
        } else if (arg_eq(opt, "TYPE")) {
            f->type = client_type_by_name(val);
            if (f->type == CTYPE_INVALID) {
                reply_unknown_client_type(c, val);
                return -1;
            }
        } else if (arg_eq(opt, "ADDR")) {
            f->addr = val;
        } else if (arg_eq(opt, "LADDR")) {
            f->laddr = val;
        } else if (arg_eq(opt, "USER")) {
            acl_read_lock();
            f->user = acl_find_user(val->ptr, val->len);
            acl_read_unlock();
            if (!f->user) {
                reply_errorf(&c->out, "ERR No such user '%.*s'", (int)(val->len > 128 ? 128 : val->len), val->ptr);
                return -1;
            }
            f->has_user = 1;
        } else if (arg_eq(opt, "SKIPME")) {
            if (arg_eq(val, "yes")) f->skipme = 1;
            else if (arg_eq(val, "no")) f->skipme = 0;
            else {
                reply_syntax_error(c);
                return -1;
            }
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    return 0;
}

static void client_kill_command(struct client *c) {
    struct kill_filter f;
    if (c->argc == 3) {
        /* old form: CLIENT KILL addr — may kill the caller too */
        memset(&f, 0, sizeof(f));
        f.type = CTYPE_INVALID;
        f.addr = &c->argv[2];
        f.skipme = 0;
        if (kill_apply(c, &f) == 0) reply_error(&c->out, "ERR No such client");
        else reply_ok(&c->out);
        return;
    }
    if (kill_parse(c, &f) != 0) return;
    reply_int(&c->out, kill_apply(c, &f));
}

/* ---- REPLY, PAUSE, flags ---- */

static void client_reply_command(struct client *c) {
    const struct arg *mode = &c->argv[2];
    if (arg_eq(mode, "ON")) {
        atomic_fetch_and(&c->flags, ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT));
        c->out.muted = 0; /* dispatch muted this very command while OFF was set */
        reply_ok(&c->out);
    } else if (arg_eq(mode, "OFF")) {
        atomic_fetch_or(&c->flags, CLIENT_REPLY_OFF);
        c->out.muted = 1;
    } else if (arg_eq(mode, "SKIP")) {
        if (!(atomic_load(&c->flags) & CLIENT_REPLY_OFF)) atomic_fetch_or(&c->flags, CLIENT_REPLY_SKIP_NEXT);
        c->out.muted = 1;
    } else {
        reply_syntax_error(c);
    }
}

static void reply_subcommand_arity(struct client *c) {
    reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try CLIENT HELP.",
                 (int)(c->argv[1].len > 128 ? 128 : c->argv[1].len), c->argv[1].ptr);
}

/* Runs on each worker: let the requests held by the pause run now. */
static void client_unpause_mail(void *arg) {
    (void)arg;
    struct worker *w = worker_self();
    if (w) conn_retry_paused(w);
}

static void client_pause_command(struct client *c) {
    if (c->argc > 4) {
        reply_subcommand_arity(c);
        return;
    }
    long long timeout;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &timeout) != 0) {
        reply_error(&c->out, "ERR timeout is not an integer or out of range");
        return;
    }
    if (timeout < 0) {
        reply_error(&c->out, "ERR timeout is negative");
        return;
    }
    int write_only = 0;
    if (c->argc == 4) {
        if (arg_eq(&c->argv[3], "WRITE")) write_only = 1;
        else if (!arg_eq(&c->argv[3], "ALL")) {
            reply_error(&c->out, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    long long now = clock_ms();
    long long until = timeout > LLONG_MAX - now ? LLONG_MAX : now + timeout;
    dispatch_pause(until, write_only);
    reply_ok(&c->out);
}

static void client_unpause_command(struct client *c) {
    dispatch_unpause();
    for (int i = 0; i < worker_count(); i++) worker_post(worker_get(i), client_unpause_mail, NULL);
    reply_ok(&c->out);
}

/* CLIENT NO-EVICT / NO-TOUCH on|off */
static void client_onoff_flag(struct client *c, int flag) {
    if (arg_eq(&c->argv[2], "ON")) atomic_fetch_or(&c->flags, flag);
    else if (arg_eq(&c->argv[2], "OFF")) atomic_fetch_and(&c->flags, ~flag);
    else {
        reply_syntax_error(c);
        return;
    }
    reply_ok(&c->out);
}
static void client_noevict_command(struct client *c) { client_onoff_flag(c, CLIENT_NO_EVICT); }
static void client_notouch_command(struct client *c) { client_onoff_flag(c, CLIENT_NO_TOUCH); }

static void client_unblock_command(struct client *c) {
    if (c->argc > 4) {
        reply_subcommand_arity(c);
        return;
    }
    int with_error = 0;
    if (c->argc == 4) {
        if (arg_eq(&c->argv[3], "ERROR")) with_error = 1;
        else if (!arg_eq(&c->argv[3], "TIMEOUT")) {
            reply_error(&c->out, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    }
    long long id;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &id) != 0) {
        reply_not_integer(c);
        return;
    }
    int done = id > 0 && unblock_handler ? unblock_handler((unsigned long long)id, with_error) : 0;
    reply_int(&c->out, done);
}

static void client_getredir_command(struct client *c) { reply_int(&c->out, -1); }

static void client_trackinginfo_command(struct client *c) {
    reply_map(&c->out, 3);
    reply_bulk_cstr(&c->out, "flags");
    reply_set(&c->out, 1);
    reply_bulk_cstr(&c->out, "off");
    reply_bulk_cstr(&c->out, "redirect");
    reply_int(&c->out, -1);
    reply_bulk_cstr(&c->out, "prefixes");
    reply_array(&c->out, 0);
}

static void client_help_command(struct client *c) {
    static const char *const lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETREDIR",
        "    Answer the id notifications are redirected to (-1: tracking is off).",
        "GETNAME",
        "    Answer this connection's name.",
        "ID",
        "    Answer this connection's id.",
        "INFO",
        "    Describe this connection, in CLIENT LIST's format.",
        "KILL <ip:port>",
        "    Close the connection coming from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Close the connections matching every option given:",
        "    * ID <client-id>",
        "    * ADDR (<ip:port>|<unixsocket>:0)   the peer address",
        "    * LADDR (<ip:port>|<unixsocket>:0)  the local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "    * USER <username>",
        "    * SKIPME (YES|NO)   spare this connection (default: yes)",
        "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> [<client-id> ...]]",
        "    Describe the connections, one line each.",
        "UNPAUSE",
        "    End a CLIENT PAUSE now.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Hold every command (ALL) or only writes (WRITE) of every client for <timeout> ms.",
        "REPLY (ON|OFF|SKIP)",
        "    Turn replies to this connection on or off, or skip the next one.",
        "SETNAME <name>",
        "    Name this connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Wake a client blocked in a blocking command.",
        "TRACKINGINFO",
        "    Describe this connection's client-side caching state.",
        "NO-EVICT (ON|OFF)",
        "    Exempt this connection from client eviction.",
        "NO-TOUCH (ON|OFF)",
        "    Keep this connection's reads from changing keys' access times.",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

#define CF_SESSION (CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
#define CF_ADMIN (CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
/* not const: table.c fills in parent/fullname/id at start-up */
static struct command client_subcommands[] = {
    {.name = "getname", .proc = client_getname_command, .arity = 2, .flags = CF_SESSION, .acl = ACL_CONNECTION,
     .summary = "Get the current connection name", .since = "2.6.9", .group = "connection", .complexity = "O(1)"},
    {.name = "getredir", .proc = client_getredir_command, .arity = 2, .flags = CF_SESSION, .acl = ACL_CONNECTION,
     .summary = "Get tracking notifications redirection client ID if any", .since = "6.0.0", .group = "connection",
     .complexity = "O(1)"},
    {.name = "help", .proc = client_help_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE, .acl = ACL_CONNECTION,
     .summary = "Show helpful text about the different subcommands", .since = "5.0.0", .group = "connection",
     .complexity = "O(1)"},
    {.name = "id", .proc = client_id_command, .arity = 2, .flags = CF_SESSION, .acl = ACL_CONNECTION,
     .summary = "Returns the client ID for the current connection", .since = "5.0.0", .group = "connection",
     .complexity = "O(1)"},
    {.name = "info", .proc = client_info_command, .arity = 2, .flags = CF_SESSION, .acl = ACL_CONNECTION,
     .summary = "Returns information about the current client connection.", .since = "6.2.0", .group = "connection",
     .complexity = "O(1)"},
    {.name = "kill", .proc = client_kill_command, .arity = -3, .flags = CF_ADMIN, .acl = ACL_CONNECTION,
     .summary = "Kill the connection of a client", .since = "2.4.0", .group = "connection",
     .complexity = "O(N) where N is the number of client connections"},
    {.name = "list", .proc = client_list_command, .arity = -2, .flags = CF_ADMIN, .acl = ACL_CONNECTION,
     .summary = "Get the list of client connections", .since = "2.4.0", .group = "connection",
     .complexity = "O(N) where N is the number of client connections"},
    {.name = "no-evict", .proc = client_noevict_command, .arity = 3, .flags = CF_ADMIN, .acl = ACL_CONNECTION,
     .summary = "Set client eviction mode for the current connection", .since = "7.0.0", .group = "connection",
     .complexity = "O(1)"},
    /* Redis 7.2; harmless to offer early */
    {.name = "no-touch", .proc = client_notouch_command, .arity = 3, .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
     .acl = ACL_CONNECTION,
     .summary = "Controls whether commands sent by the client affect the LRU/LFU of accessed keys", .since = "7.2.0",
     .group = "connection", .complexity = "O(1)"},
    {.name = "pause", .proc = client_pause_command, .arity = -3, .flags = CF_ADMIN, .acl = ACL_CONNECTION,
     .summary = "Stop processing commands from clients for some time", .since = "2.9.50", .group = "connection",
     .complexity = "O(1)"},
    {.name = "reply", .proc = client_reply_command, .arity = 3, .flags = CF_SESSION, .acl = ACL_CONNECTION,
     .summary = "Instruct the server whether to reply to commands", .since = "3.2.0", .group = "connection",
     .complexity = "O(1)"},
    {.name = "setname", .proc = client_setname_command, .arity = 3, .flags = CF_SESSION, .acl = ACL_CONNECTION,
     .summary = "Set the current connection name", .since = "2.6.9", .group = "connection", .complexity = "O(1)"},
    {.name = "trackinginfo", .proc = client_trackinginfo_command, .arity = 2, .flags = CF_SESSION,
     .acl = ACL_CONNECTION,
     .summary = "Return information about server assisted client side caching for the current connection",
     .since = "6.2.0", .group = "connection", .complexity = "O(1)"},
    {.name = "unblock", .proc = client_unblock_command, .arity = -3, .flags = CF_ADMIN, .acl = ACL_CONNECTION,
     .summary = "Unblock a client blocked in a blocking command from a different connection", .since = "5.0.0",
     .group = "connection", .complexity = "O(log N) where N is the number of client connections"},
    {.name = "unpause", .proc = client_unpause_command, .arity = 2, .flags = CF_ADMIN, .acl = ACL_CONNECTION,
     .summary = "Resume processing of clients that were paused", .since = "6.2.0", .group = "connection",
     .complexity = "O(N) Where N is the number of paused clients"},
    CMD_END,
};

struct command client_commands[] = {
    {.name = "client", .arity = -2, .subcommands = client_subcommands,
     .summary = "A container for client connection commands", .since = "2.4.0", .group = "connection",
     .complexity = "Depends on subcommand."},
    CMD_END,
};
