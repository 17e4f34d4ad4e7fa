/* string.c — the string commands: GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET
 * MSET MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE, plus the helpers the other
 * string/bitmap files share (string_int.h). INCR* live in string_incr.c, LCS in
 * string_lcs.c; this file holds the family's table rows for all of them.
 *
 * Every proc runs with the shard locks of all its keys held (dispatch), so multi-key
 * commands (MGET, MSET, MSETNX) are atomic. Semantics, reply types and error texts
 * follow Redis 7.0, including its encodings: values stored from client arguments are
 * int / embstr / raw (entry_new_string), values edited in place (APPEND, SETRANGE) are
 * raw, and the TTL is kept exactly where Redis keeps it. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/string_int.h"
#include "config.h"
#include "db/db.h"
#include "db/notify.h"
#include "util/numparse.h"
#include <limits.h>
#include <string.h>

/* ---- helpers shared with the other string/bitmap files ---- */

int string_find_read(struct client *c, const struct arg *key, entry **out) {
    return lookup_key_typed(c, key, OBJ_STRING, 1, out);
}
int string_find_write(struct client *c, const struct arg *key, entry **out) {
    return lookup_key_typed(c, key, OBJ_STRING, 0, out);
}

void string_reply_value(struct client *c, const entry *e) {
    char tmp[24];
    const char *p;
    size_t len;
    entry_string(e, tmp, &p, &len);
    reply_bulk(&c->out, p, len);
}

int string_check_length(struct client *c, unsigned long long size) {
    long long max = server_config.proto_max_bulk_len;
    if (max >= 0 && size > (unsigned long long)max) {
        reply_error(&c->out, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return -1;
    }
    return 0;
}

entry *string_make_writable(struct db *db, entry *e, size_t len) {
    entry *n = entry_make_raw(e, len);
    if (n != e) entry_free(db_swap_entry(db, e, n));
    wstr *s = string_wstr(n);
    if (s->len < len) {
        memset(s->data + s->len, 0, len - s->len);
        s->len = len;
        s->data[len] = '\0';
    }
    return n;
}

entry *string_create_zeroed(struct db *db, const struct arg *key, size_t len) {
    wstr *s = wstr_new(NULL, 0, len);
    memset(s->data, 0, len + 1);
    s->len = len;
    entry *e = entry_new_raw(key->ptr, key->len, s, -1);
    db_add(db, e);
    return e;
}

/* ---- GET, GETDEL, GETEX ---- */

static void get_command(struct client *c) {
    entry *e;
    if (string_find_read(c, &c->argv[1], &e) != 0) return;
    if (!e) reply_null(&c->out);
    else string_reply_value(c, e);
}

static void getdel_command(struct client *c) {
    const struct arg *key = &c->argv[1];
    entry *e;
    if (string_find_read(c, key, &e) != 0) return;
    if (!e) {
        reply_null(&c->out);
        return;
    }
    string_reply_value(c, e);
    db_delete(c->db, key->ptr, key->len);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
}

/* Option flags of SET and GETEX (Redis's parseExtendedStringArguments). */
#define OPT_NX 1
#define OPT_XX 2
#define OPT_GET 4
#define OPT_KEEPTTL 8
#define OPT_PERSIST 16
#define OPT_EX 32
#define OPT_PX 64
#define OPT_EXAT 128
#define OPT_PXAT 256
#define OPT_ANY_EXPIRE (OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT)

/* Parse SET (for_set) or GETEX options from argv[first]. A unit option may repeat
 * (the last value wins) but never combines with another unit, KEEPTTL or PERSIST.
 * Returns 0 with *flags and *expire (NULL if none), or -1 after "ERR syntax error". */
static int parse_string_options(struct client *c, int first, int for_set, int *flags, const struct arg **expire) {
    static const struct {
        const char *name;
        int flag;
    } units[] = {{"EX", OPT_EX}, {"PX", OPT_PX}, {"EXAT", OPT_EXAT}, {"PXAT", OPT_PXAT}};
    int f = 0;
    *expire = NULL;
    for (int i = first; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        int has_next = i + 1 < c->argc;
        int unit = 0;
        for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
            if (arg_eq(a, units[u].name)) unit = units[u].flag;
        if (for_set && arg_eq(a, "NX") && !(f & OPT_XX)) {
            f |= OPT_NX;
        } else if (for_set && arg_eq(a, "XX") && !(f & OPT_NX)) {
            f |= OPT_XX;
        } else if (for_set && arg_eq(a, "GET")) {
            f |= OPT_GET;
        } else if (for_set && arg_eq(a, "KEEPTTL") && !(f & (OPT_PERSIST | OPT_ANY_EXPIRE))) {
            f |= OPT_KEEPTTL;
        } else if (!for_set && arg_eq(a, "PERSIST") && !(f & (OPT_KEEPTTL | OPT_ANY_EXPIRE))) {
            f |= OPT_PERSIST;
        } else if (unit && has_next && !(f & (OPT_KEEPTTL | OPT_PERSIST | (OPT_ANY_EXPIRE & ~unit)))) {
            f |= unit;
            *expire = &c->argv[++i];
        } else {
            reply_syntax_error(c);
            return -1;
        }
    }
    *flags = f;
    return 0;
}

/* Turn an expire argument into an absolute Unix time in ms. `flags` holds the unit
 * (OPT_EX/PX/EXAT/PXAT); `cmdname` names the command in the error. Returns 0 or -1
 * after replying. */
static int parse_expire_time(struct client *c, const struct arg *a, int flags, const char *cmdname, long long *out) {
    long long v;
    if (num_parse_ll(a->ptr, a->len, &v) != 0) {
        reply_not_integer(c);
        return -1;
    }
    int seconds = (flags & (OPT_EX | OPT_EXAT)) != 0;
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) goto invalid;
    if (seconds) v *= 1000;
    if (flags & (OPT_EX | OPT_PX)) {
        long long now = db_now_ms();
        if (v > LLONG_MAX - now) goto invalid;
        v += now;
    }
    *out = v;
    return 0;
invalid:
    reply_errorf(&c->out, "ERR invalid expire time in '%s' command", cmdname);
    return -1;
}

static void getex_command(struct client *c) {
    const struct arg *key = &c->argv[1], *expire;
    int flags;
    long long when = -1;
    entry *e;
    if (parse_string_options(c, 2, 0, &flags, &expire) != 0) return;
    if (string_find_read(c, key, &e) != 0) return;
    if (!e) {
        reply_null(&c->out);
        return;
    }
    /* Redis 7.0 validates the time only once the key is known to exist */
    if (expire && parse_expire_time(c, expire, flags, "getex", &when) != 0) return;
    string_reply_value(c, e);
    if ((flags & (OPT_EXAT | OPT_PXAT)) && when <= db_now_ms()) {
        /* an absolute time already past deletes the key at once */
        db_delete(c->db, key->ptr, key->len);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "del");
    } else if (expire) {
        db_set_expire(c->db, e, when);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "expire");
    } else if ((flags & OPT_PERSIST) && entry_has_expire(e)) {
        db_set_expire(c->db, e, -1);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "persist");
    }
}

/* ---- SET and its variants ---- */

/* How set_generic answers: SET's OK / null, SETNX's 1 / 0. */
enum set_reply { SET_REPLY_OK, SET_REPLY_BOOL };

/* The body of SET/SETNX/SETEX/PSETEX (Redis's setGenericCommand). `expire` is the
 * time argument (unit from flags) or NULL. */
static void set_generic(struct client *c, int flags, const struct arg *key, const struct arg *val,
                        const struct arg *expire, const char *cmdname, enum set_reply style) {
    long long when = -1;
    if (expire && parse_expire_time(c, expire, flags, cmdname, &when) != 0) return;
    entry *old;
    if (flags & OPT_GET) {
        /* the old value is replied first, whatever happens next */
        if (string_find_read(c, key, &old) != 0) return;
        if (old) string_reply_value(c, old);
        else reply_null(&c->out);
    } else {
        old = db_find(c->db, key->ptr, key->len, 0);
    }
    if (((flags & OPT_NX) && old) || ((flags & OPT_XX) && !old)) {
        if (flags & OPT_GET) return;
        if (style == SET_REPLY_BOOL) reply_int(&c->out, 0);
        else reply_null(&c->out);
        return;
    }
    /* A time already past is stored as is and expires on the next access: Redis 7.0
     * emits "set" and "expire" here, then "expired". */
    db_put(c->db, entry_new_string(key->ptr, key->len, val->ptr, val->len, when), (flags & OPT_KEEPTTL) != 0);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "set");
    if (expire) keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_GENERIC, "expire");
    if (flags & OPT_GET) return;
    if (style == SET_REPLY_BOOL) reply_int(&c->out, 1);
    else reply_ok(&c->out);
}

static void set_command(struct client *c) {
    int flags;
    const struct arg *expire;
    if (parse_string_options(c, 3, 1, &flags, &expire) != 0) return;
    set_generic(c, flags, &c->argv[1], &c->argv[2], expire, "set", SET_REPLY_OK);
}

static void setnx_command(struct client *c) {
    set_generic(c, OPT_NX, &c->argv[1], &c->argv[2], NULL, "setnx", SET_REPLY_BOOL);
}

static void setex_command(struct client *c) {
    set_generic(c, OPT_EX, &c->argv[1], &c->argv[3], &c->argv[2], "setex", SET_REPLY_OK);
}

static void psetex_command(struct client *c) {
    set_generic(c, OPT_PX, &c->argv[1], &c->argv[3], &c->argv[2], "psetex", SET_REPLY_OK);
}

static void getset_command(struct client *c) {
    const struct arg *key = &c->argv[1], *val = &c->argv[2];
    entry *old;
    if (string_find_read(c, key, &old) != 0) return;
    if (old) string_reply_value(c, old);
    else reply_null(&c->out);
    db_put(c->db, entry_new_string(key->ptr, key->len, val->ptr, val->len, -1), 0);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "set");
}

/* ---- MGET, MSET, MSETNX ---- */

static void mget_command(struct client *c) {
    reply_array(&c->out, c->argc - 1);
    for (int i = 1; i < c->argc; i++) {
        entry *e = db_find_read(c->db, c->argv[i].ptr, c->argv[i].len);
        if (!e || entry_type(e) != OBJ_STRING) reply_null(&c->out);
        else string_reply_value(c, e);
    }
}

static void mset_generic(struct client *c, int nx) {
    if (c->argc % 2 == 0) {
        reply_wrong_args(c);
        return;
    }
    if (nx) {
        for (int i = 1; i < c->argc; i += 2)
            if (db_find(c->db, c->argv[i].ptr, c->argv[i].len, 0)) {
                reply_int(&c->out, 0);
                return;
            }
    }
    for (int i = 1; i < c->argc; i += 2) {
        const struct arg *key = &c->argv[i], *val = &c->argv[i + 1];
        db_put(c->db, entry_new_string(key->ptr, key->len, val->ptr, val->len, -1), 0);
        keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "set");
    }
    if (nx) reply_int(&c->out, 1);
    else reply_ok(&c->out);
}

static void mset_command(struct client *c) { mset_generic(c, 0); }
static void msetnx_command(struct client *c) { mset_generic(c, 1); }

/* ---- APPEND, STRLEN ---- */

static void append_command(struct client *c) {
    const struct arg *key = &c->argv[1], *val = &c->argv[2];
    entry *e;
    size_t total;
    if (string_find_write(c, key, &e) != 0) return;
    if (!e) {
        db_add(c->db, entry_new_string(key->ptr, key->len, val->ptr, val->len, -1));
        total = val->len;
    } else {
        size_t old = entry_string_len(e);
        if (string_check_length(c, (unsigned long long)old + val->len) != 0) return;
        /* appending (even nothing) leaves the value raw, as Redis's unshare does */
        e = string_make_writable(c->db, e, old + val->len);
        wstr *s = string_wstr(e);
        memcpy(s->data + old, val->ptr, val->len);
        total = s->len;
    }
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "append");
    reply_int(&c->out, (long long)total);
}

static void strlen_command(struct client *c) {
    entry *e;
    if (string_find_read(c, &c->argv[1], &e) != 0) return;
    reply_int(&c->out, e ? (long long)entry_string_len(e) : 0);
}

/* ---- GETRANGE / SUBSTR, SETRANGE ---- */

/* Resolve a possibly negative index against a length: -1 is the last element;
 * results below zero clamp to zero. Never overflows. */
static long long resolve_index(long long idx, long long len) {
    if (idx < 0) idx = idx < -len ? 0 : len + idx;
    return idx;
}

static void getrange_command(struct client *c) {
    long long start, end;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &start) != 0 ||
        num_parse_ll(c->argv[3].ptr, c->argv[3].len, &end) != 0) {
        reply_not_integer(c);
        return;
    }
    entry *e;
    if (string_find_read(c, &c->argv[1], &e) != 0) return;
    if (!e) {
        reply_bulk(&c->out, "", 0);
        return;
    }
    char tmp[24];
    const char *p;
    size_t plen;
    entry_string(e, tmp, &p, &plen);
    long long len = (long long)plen;
    /* both negative and start after end: empty even when the range clamps to [0,0] */
    if (start < 0 && end < 0 && start > end) {
        reply_bulk(&c->out, "", 0);
        return;
    }
    start = resolve_index(start, len);
    end = resolve_index(end, len);
    if (end >= len) end = len - 1;
    if (len == 0 || start > end) reply_bulk(&c->out, "", 0);
    else reply_bulk(&c->out, p + start, (size_t)(end - start + 1));
}

static void setrange_command(struct client *c) {
    const struct arg *key = &c->argv[1], *val = &c->argv[3];
    long long offset;
    if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &offset) != 0) {
        reply_not_integer(c);
        return;
    }
    if (offset < 0) {
        reply_error(&c->out, "ERR offset is out of range");
        return;
    }
    entry *e;
    if (string_find_write(c, key, &e) != 0) return;
    size_t old = e ? entry_string_len(e) : 0;
    if (val->len == 0) {
        /* nothing to write: the length, and no key is created */
        reply_int(&c->out, (long long)old);
        return;
    }
    /* both terms are below 2^63, so the unsigned sum cannot wrap */
    if (string_check_length(c, (unsigned long long)offset + val->len) != 0) return;
    size_t need = (size_t)offset + val->len;
    if (!e) e = string_create_zeroed(c->db, key, need);
    else e = string_make_writable(c->db, e, need > old ? need : old);
    wstr *s = string_wstr(e);
    memcpy(s->data + offset, val->ptr, val->len);
    keyspace_event(c->db->id, key->ptr, key->len, NOTIFY_STRING, "setrange");
    reply_int(&c->out, (long long)s->len);
}

/* ---- the table (Redis 7.0's COMMAND INFO / DOCS for each row) ---- */

#define STR_KEY1 .first_key = 1, .last_key = 1, .key_step = 1
#define STR_R (ACL_READ | ACL_STRING)
#define STR_W (ACL_WRITE | ACL_STRING)
#define RANGE_COMPLEXITY                                                                                       \
    "O(N) where N is the length of the returned string. The complexity is ultimately determined by the "      \
    "returned length, but because creating a substring from an existing string is very cheap, it can be "     \
    "considered O(1) for small strings."

struct command string_commands[] = {
    {.name = "get", .proc = get_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST, .acl = STR_R | ACL_FAST,
     STR_KEY1, .summary = "Get the value of a key", .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "set", .proc = set_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM, .acl = STR_W | ACL_SLOW,
     STR_KEY1, .summary = "Set the string value of a key", .since = "1.0.0", .group = "string",
     .complexity = "O(1)"},
    {.name = "setnx", .proc = setnx_command, .arity = 3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Set the value of a key, only if the key does not exist",
     .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "setex", .proc = setex_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM, .acl = STR_W | ACL_SLOW,
     STR_KEY1, .summary = "Set the value and expiration of a key", .since = "2.0.0", .group = "string",
     .complexity = "O(1)"},
    {.name = "psetex", .proc = psetex_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = STR_W | ACL_SLOW, STR_KEY1, .summary = "Set the value and expiration in milliseconds of a key",
     .since = "2.6.0", .group = "string", .complexity = "O(1)"},
    {.name = "getset", .proc = getset_command, .arity = 3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Set the string value of a key and return its old value",
     .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "getdel", .proc = getdel_command, .arity = 2, .flags = CMD_WRITE | CMD_FAST, .acl = STR_W | ACL_FAST,
     STR_KEY1, .summary = "Get the value of a key and delete the key", .since = "6.2.0", .group = "string",
     .complexity = "O(1)"},
    {.name = "getex", .proc = getex_command, .arity = -2, .flags = CMD_WRITE | CMD_FAST, .acl = STR_W | ACL_FAST,
     STR_KEY1, .summary = "Get the value of a key and optionally set its expiration", .since = "6.2.0",
     .group = "string", .complexity = "O(1)"},
    {.name = "mget", .proc = mget_command, .arity = -2, .flags = CMD_READONLY | CMD_FAST, .acl = STR_R | ACL_FAST,
     .first_key = 1, .last_key = -1, .key_step = 1, .summary = "Get the values of all the given keys",
     .since = "1.0.0", .group = "string", .complexity = "O(N) where N is the number of keys to retrieve."},
    {.name = "mset", .proc = mset_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM, .acl = STR_W | ACL_SLOW,
     .first_key = 1, .last_key = -1, .key_step = 2, .summary = "Set multiple keys to multiple values",
     .since = "1.0.1", .group = "string", .complexity = "O(N) where N is the number of keys to set."},
    {.name = "msetnx", .proc = msetnx_command, .arity = -3, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = STR_W | ACL_SLOW, .first_key = 1, .last_key = -1, .key_step = 2,
     .summary = "Set multiple keys to multiple values, only if none of the keys exist", .since = "1.0.1",
     .group = "string", .complexity = "O(N) where N is the number of keys to set."},
    {.name = "append", .proc = append_command, .arity = 3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Append a value to a key", .since = "2.0.0", .group = "string",
     .complexity = "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
                   "already present value is of any size, since the dynamic string library used by Redis will "
                   "double the free space available on every reallocation."},
    {.name = "strlen", .proc = strlen_command, .arity = 2, .flags = CMD_READONLY | CMD_FAST,
     .acl = STR_R | ACL_FAST, STR_KEY1, .summary = "Get the length of the value stored in a key",
     .since = "2.2.0", .group = "string", .complexity = "O(1)"},
    {.name = "incr", .proc = incr_command, .arity = 2, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Increment the integer value of a key by one",
     .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "decr", .proc = decr_command, .arity = 2, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Decrement the integer value of a key by one",
     .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "incrby", .proc = incrby_command, .arity = 3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Increment the integer value of a key by the given amount",
     .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "decrby", .proc = decrby_command, .arity = 3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Decrement the integer value of a key by the given number",
     .since = "1.0.0", .group = "string", .complexity = "O(1)"},
    {.name = "incrbyfloat", .proc = incrbyfloat_command, .arity = 3, .flags = CMD_WRITE | CMD_DENYOOM | CMD_FAST,
     .acl = STR_W | ACL_FAST, STR_KEY1, .summary = "Increment the float value of a key by the given amount",
     .since = "2.6.0", .group = "string", .complexity = "O(1)"},
    {.name = "getrange", .proc = getrange_command, .arity = 4, .flags = CMD_READONLY, .acl = STR_R | ACL_SLOW,
     STR_KEY1, .summary = "Get a substring of the string stored at a key", .since = "2.4.0", .group = "string",
     .complexity = RANGE_COMPLEXITY},
    {.name = "substr", .proc = getrange_command, .arity = 4, .flags = CMD_READONLY, .acl = STR_R | ACL_SLOW,
     STR_KEY1, .summary = "Get a substring of the string stored at a key", .since = "1.0.0", .group = "string",
     .complexity = RANGE_COMPLEXITY},
    {.name = "setrange", .proc = setrange_command, .arity = 4, .flags = CMD_WRITE | CMD_DENYOOM,
     .acl = STR_W | ACL_SLOW, STR_KEY1, .summary = "Overwrite part of a string at key starting at the specified offset",
     .since = "2.2.0", .group = "string",
     .complexity = "O(1), not counting the time taken to copy the new string in place. Usually, this string is "
                   "very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being "
                   "the length of the value argument."},
    {.name = "lcs", .proc = lcs_command, .arity = -3, .flags = CMD_READONLY, .acl = STR_R | ACL_SLOW,
     .first_key = 1, .last_key = 2, .key_step = 1, .summary = "Find longest common substring", .since = "7.0.0",
     .group = "string", .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively"},
    CMD_END,
};
