/* connection.c — connection commands: PING ECHO QUIT SELECT HELLO RESET AUTH. */
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
    if (num_parse_ll(c->argv[1].ptr, c->argv[1].len, &id) != 0 || id < INT32_MIN || id > INT32_MAX) {
        reply_not_integer(c);
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

/* Constant-time comparison of a candidate with the configured password: the time
 * depends only on the candidate's length, never on where they differ. */
static int password_matches(const char *cand, size_t clen, const char *pass) {
    size_t plen = strlen(pass);
    unsigned diff = (unsigned)(clen != plen);
    for (size_t i = 0; i < clen; i++) diff |= (unsigned char)cand[i] ^ (unsigned char)(i < plen ? pass[i] : 0);
    return diff == 0;
}

/* Returns 1 if user/pass authenticate (only the default user exists until ACL lands). */
static int check_credentials(const struct arg *user, const struct arg *pass) {
    if (user && !(user->len == 7 && memcmp(user->ptr, "default", 7) == 0)) return 0;
    char buf[1024];
    config_copy_string(&server_config.requirepass, buf, sizeof(buf));
    if (!buf[0]) return 1; /* nopass default user */
    return password_matches(pass->ptr, pass->len, buf);
}

static void auth_command(struct client *c) {
    if (c->argc > 3) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 2) {
        char buf[8];
        config_copy_string(&server_config.requirepass, buf, sizeof(buf));
        if (!buf[0]) {
            reply_error(&c->out, "ERR AUTH <password> called without any password configured for the default user. "
                                 "Are you sure your configuration is correct?");
            return;
        }
    }
    const struct arg *user = c->argc == 3 ? &c->argv[1] : NULL;
    const struct arg *pass = &c->argv[c->argc - 1];
    if (check_credentials(user, pass)) {
        c->authenticated = 1;
        reply_ok(&c->out);
    } else {
        reply_error(&c->out, "WRONGPASS invalid username-password pair or user is disabled.");
    }
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
    if (user) {
        if (!check_credentials(user, pass)) {
            reply_error(&c->out, "WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
        c->authenticated = 1;
    }
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
    c->authenticated = !dispatch_auth_required(c);
    reply_status(&c->out, "RESET");
}

struct command connection_commands[] = {
    {.name = "ping", .proc = ping_command, .arity = -1, .flags = CMD_FAST | CMD_STALE | CMD_LOADING, .acl = ACL_CONNECTION,
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
