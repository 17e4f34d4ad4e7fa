/* connection.c — connection commands: PING ECHO QUIT SELECT HELLO RESET AUTH. */
#include "acl/acl.h"
#include "acl/acl_log.h"
#include "acl/audit.h"
#include "acl/auth_throttle.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "config.h"
#include "db/db.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include "version.h"
#include <string.h>

static void ping_command(struct client *c) {
    if (c->argc > 2) {
        reply_wrong_args(c);
        return;
    }
    if ((atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_PUBSUB) && c->resp == 2) {
        /* subscribe mode (RESP2): the reply is shaped like a message, as Redis */
        reply_array(&c->out, 2);
        reply_bulk(&c->out, "pong", 4);
        reply_bulk(&c->out, c->argc == 2 ? c->argv[1].ptr : "", c->argc == 2 ? c->argv[1].len : 0);
        return;
    }
    if (c->argc == 2) reply_bulk(&c->out, c->argv[1].ptr, c->argv[1].len);
    else reply_status(&c->out, "PONG");
}

static void echo_command(struct client *c) { reply_bulk(&c->out, c->argv[1].ptr, c->argv[1].len); }

static void quit_command(struct client *c) {
    reply_ok(&c->out);
    atomic_fetch_or(&c->flags, CLIENT_CLOSE_AFTER_REPLY);
}

static void select_command(struct client *c) {
    long long id;
    if (num_parse_ll(c->argv[1].ptr, c->argv[1].len, &id) != 0) {
        reply_not_integer(c);
        return;
    }
    if (id < INT32_MIN || id > INT32_MAX) {
        reply_error(&c->out, "ERR value is out of range, value must between -2147483648 and 2147483647");
        return;
    }
    struct db *db = db_get((int)id);
    if (!db) {
        reply_error(&c->out, "ERR DB index is out of range");
        return;
    }
    c->db = db;
    atomic_store(&c->dbid, (int)id);
    reply_ok(&c->out);
}

/* Authenticate the client as user/pass (user NULL: "default"). Applies the per-address
 * throttle before the password is even checked, records ACL LOG and audit events.
 * Returns 1 on success; on failure the error reply has been written. */
static int authenticate_client(struct client *c, const struct arg *user, const struct arg *pass) {
    const char *uname = user ? user->ptr : "default";
    size_t ulen = user ? user->len : 7;
    char name[256];
    snprintf(name, sizeof(name), "%.*s", (int)(ulen > 200 ? 200 : ulen), uname);
    long long wait = auth_throttle_check(c->addr);
    if (wait > 0) {
        reply_errorf(&c->out, "ERR too many failed authentication attempts from this address; retry in %lld "
                              "second%s", wait, wait == 1 ? "" : "s");
        audit_event("auth_throttled", c->addr, name, "auth", NULL);
        return 0;
    }
    struct acl_user *u = acl_authenticate(uname, ulen, pass->ptr, pass->len);
    if (!u) {
        auth_throttle_failure(c->addr);
        char info[512];
        snprintf(info, sizeof(info), "id=%llu addr=%s laddr=%s fd=%d name=%s cmd=auth user=%s", c->id, c->addr,
                 c->laddr, c->fd, c->name ? c->name : "", acl_user_name(c->user));
        acl_log_add(ACL_LOG_AUTH, ACL_LOG_CTX_TOPLEVEL, "AUTH", 4, name, info);
        audit_event("auth_failure", c->addr, name, "auth", NULL);
        reply_error(&c->out, "WRONGPASS invalid username-password pair or user is disabled.");
        return 0;
    }
    auth_throttle_success(c->addr);
    c->user = u;
    c->authenticated = 1;
    audit_event("auth_success", c->addr, name, "auth", NULL);
    return 1;
}

static void auth_command(struct client *c) {
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 2 && !acl_default_user_has_password()) {
        reply_error(&c->out, "ERR AUTH <password> called without any password configured for the default user. "
                             "Are you sure your configuration is correct?");
        return;
    }
    const struct arg *user = c->argc == 3 ? &c->argv[1] : NULL;
    if (authenticate_client(c, user, &c->argv[c->argc - 1])) reply_ok(&c->out);
}

static void hello_command(struct client *c) {
    long long ver = 0;
    int i = 1;
    if (c->argc >= 2) {
        if (num_parse_ll(c->argv[1].ptr, c->argv[1].len, &ver) != 0) {
            reply_error(&c->out, "ERR Protocol version is not an integer or out of range");
            return;
        }
        i = 2;
        if (ver < 2 || ver > 3) {
            reply_error(&c->out, "NOPROTO unsupported protocol version");
            return;
        }
    }
    const struct arg *user = NULL, *pass = NULL, *name = NULL;
    for (; i < c->argc; i++) {
        int more = c->argc - i - 1;
        if (arg_eq(&c->argv[i], "AUTH") && more >= 2) {
            user = &c->argv[i + 1];
            pass = &c->argv[i + 2];
            i += 2;
        } else if (arg_eq(&c->argv[i], "SETNAME") && more >= 1) {
            name = &c->argv[i + 1];
            i += 1;
        } else {
            reply_errorf(&c->out, "ERR Syntax error in HELLO option '%.*s'", (int)(c->argv[i].len > 128 ? 128 : c->argv[i].len),
                         c->argv[i].ptr);
            return;
        }
    }
    if (user && !authenticate_client(c, user, pass)) return;
    if (!c->authenticated && dispatch_auth_required(c)) {
        reply_error(&c->out, "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                             "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
                             "select the RESP protocol version at the same time");
        return;
    }
    if (name) {
        for (size_t k = 0; k < name->len; k++)
            if (name->ptr[k] < '!' || name->ptr[k] > '~') {
                reply_error(&c->out, "ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
        client_set_name(c, name->ptr, name->len);
    }
    if (ver) {
        c->resp = (int)ver;
        c->out.resp = (int)ver;
    }
    reply_map(&c->out, 7);
    reply_bulk_cstr(&c->out, "server");
    reply_bulk_cstr(&c->out, "redis");
    reply_bulk_cstr(&c->out, "version");
    reply_bulk_cstr(&c->out, WARDEN_REDIS_VERSION);
    reply_bulk_cstr(&c->out, "proto");
    reply_int(&c->out, c->resp);
    reply_bulk_cstr(&c->out, "id");
    reply_int(&c->out, (long long)c->id);
    reply_bulk_cstr(&c->out, "mode");
    reply_bulk_cstr(&c->out, "standalone");
    reply_bulk_cstr(&c->out, "role");
    reply_bulk_cstr(&c->out, "master");
    reply_bulk_cstr(&c->out, "modules");
    reply_array(&c->out, 0);
}

static void reset_command(struct client *c) {
    client_reset_state(c);
    c->resp = 2;
    c->out.resp = 2;
    c->db = db_get(0);
    atomic_store(&c->dbid, 0);
    client_set_name(c, NULL, 0);
    atomic_fetch_and(&c->flags, ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT | CLIENT_NO_EVICT |
                                   CLIENT_NO_TOUCH));
    c->out.muted = 0;
    c->authenticated = 0;
    c->user = acl_default_user();
    c->authenticated = !dispatch_auth_required(c);
    reply_status(&c->out, "RESET");
}

struct command connection_commands[] = {
    {.name = "ping", .proc = ping_command, .arity = -1, .flags = CMD_FAST, .acl = ACL_CONNECTION,
     .summary = "Returns the server's liveliness response.", .since = "1.0.0", .group = "connection", .complexity = "O(1)"},
    {.name = "echo", .proc = echo_command, .arity = 2, .flags = CMD_FAST | CMD_STALE | CMD_LOADING, .acl = ACL_CONNECTION,
     .summary = "Returns the given string.", .since = "1.0.0", .group = "connection", .complexity = "O(1)"},
    {.name = "quit", .proc = quit_command, .arity = -1, .flags = CMD_ALLOW_BUSY | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH, .acl = ACL_CONNECTION,
     .summary = "Closes the connection.", .since = "1.0.0", .group = "connection", .complexity = "O(1)"},
    {.name = "select", .proc = select_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE | CMD_FAST, .acl = ACL_CONNECTION,
     .summary = "Changes the selected database.", .since = "1.0.0", .group = "connection", .complexity = "O(1)"},
    {.name = "auth", .proc = auth_command, .arity = -2, .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_SENTINEL | CMD_ALLOW_BUSY, .acl = ACL_CONNECTION,
     .summary = "Authenticates the connection.", .since = "1.0.0", .group = "connection", .complexity = "O(N) where N is the number of passwords defined for the user"},
    {.name = "hello", .proc = hello_command, .arity = -1, .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_SENTINEL | CMD_ALLOW_BUSY, .acl = ACL_CONNECTION,
     .summary = "Handshakes with the Redis server.", .since = "6.0.0", .group = "connection", .complexity = "O(1)"},
    {.name = "reset", .proc = reset_command, .arity = 1, .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_ALLOW_BUSY, .acl = ACL_CONNECTION,
     .summary = "Resets the connection.", .since = "6.2.0", .group = "connection", .complexity = "O(1)"},
    CMD_END,
};
