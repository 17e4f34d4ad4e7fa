/* string.c — string commands (GET SET and family). Every command here runs with its
 * keys' shard locks held (dispatch). */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "db/db.h"
#include "db/notify.h"
#include "util/numparse.h"
#include <limits.h>
#include <string.h>

/* Reply with a string entry's value. */
static void reply_entry_string(struct client *c, const entry *e) {
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    reply_bulk(&c->out, p, len);
}

static void get_command(struct client *c) {
    entry *e = db_find_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (!e) {
        reply_null(&c->out);
        return;
    }
    if (entry_type(e) != OBJ_STRING) {
        reply_wrongtype(c);
        return;
    }
    reply_entry_string(c, e);
}

#define SET_NX 1
#define SET_XX 2
#define SET_GET 4
#define SET_KEEPTTL 8
#define SET_EX 16
#define SET_PX 32
#define SET_EXAT 64
#define SET_PXAT 128

static void set_command(struct client *c) {
    int flags = 0;
    const struct arg *expire_arg = NULL;
    for (int i = 3; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        int has_next = i + 1 < c->argc;
        if (arg_eq(a, "NX") && !(flags & SET_XX)) flags |= SET_NX;
        else if (arg_eq(a, "XX") && !(flags & SET_NX)) flags |= SET_XX;
        else if (arg_eq(a, "GET")) flags |= SET_GET;
        else if (arg_eq(a, "KEEPTTL") && !(flags & (SET_EX | SET_PX | SET_EXAT | SET_PXAT))) flags |= SET_KEEPTTL;
        else if (has_next && !(flags & (SET_KEEPTTL | SET_EX | SET_PX | SET_EXAT | SET_PXAT)) &&
                 (arg_eq(a, "EX") || arg_eq(a, "PX") || arg_eq(a, "EXAT") || arg_eq(a, "PXAT"))) {
            flags |= arg_eq(a, "EX") ? SET_EX : arg_eq(a, "PX") ? SET_PX : arg_eq(a, "EXAT") ? SET_EXAT : SET_PXAT;
            expire_arg = &c->argv[++i];
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    long long when = -1;
    if (expire_arg) {
        long long v;
        if (num_parse_ll(expire_arg->ptr, expire_arg->len, &v) != 0) {
            reply_not_integer(c);
            return;
        }
        int seconds = flags & (SET_EX | SET_EXAT);
        if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
            reply_error(&c->out, "ERR invalid expire time in 'set' command");
            return;
        }
        if (seconds) v *= 1000;
        if (flags & (SET_EX | SET_PX)) {
            long long now = db_now_ms();
            if (v > LLONG_MAX - now) {
                reply_error(&c->out, "ERR invalid expire time in 'set' command");
                return;
            }
            v += now;
        }
        when = v;
    }
    const struct arg *key = &c->argv[1], *val = &c->argv[2];
    entry *old = db_find(c->db, key->ptr, key->len, 0);
    if ((flags & SET_GET) && old && entry_type(old) != OBJ_STRING) {
        reply_wrongtype(c);
        return;
    }
    if ((flags & SET_NX && old) || (flags & SET_XX && !old)) {
        if (flags & SET_GET) {
            if (old) reply_entry_string(c, old);
            else reply_null(&c->out);
        } else {
            reply_null(&c->out);
        }
        return;
    }
    if (flags & SET_GET) {
        if (old) reply_entry_string(c, old);
        else reply_null(&c->out);
    }
    if (when >= 0 && when <= db_now_ms()) {
        /* already expired: Redis deletes the key rather than storing it */
        if (old) {
            db_delete(c->db, key->ptr, key->len);
            keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
        }
    } else {
        db_put(c->db, entry_new_string(key->ptr, key->len, val->ptr, val->len, when), flags & SET_KEEPTTL);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "set");
        if (when >= 0) keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "expire");
    }
    if (!(flags & SET_GET)) reply_ok(&c->out);
}

struct command string_commands[] = {
    {.name = "get", .proc = get_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST, .acl = ACL_STRING | ACL_READ,
     .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Returns the string value of a key.", .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "set", .proc = set_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM, .acl = ACL_STRING | ACL_WRITE | ACL_SLOW,
     .first_key = 1, .last_key = 1, .key_step = 1,
     .summary = "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
     .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    CMD_END,
};
