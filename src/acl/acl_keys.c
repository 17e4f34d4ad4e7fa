/* acl_keys.c — which permission (read, write or both) each key argument needs, the
 * role Redis 7's key-spec flags play in its ACL checks: a key a command only reads
 * needs %R, a key it only writes (LPUSH, DEL, the destination of *STORE) needs %W,
 * and a key it reads and modifies (INCR, LPOP, a RENAME source) needs both. */
#include "acl/acl_int.h"
#include "client.h"
#include "cmd/command.h"
#include <string.h>

/* Writes that never read the key's value (Redis key specs without ACCESS). */
static const char *const write_only[] = {
    "del", "unlink", "mset", "msetnx", "setnx", "setex", "psetex", "lpush", "rpush", "lpushx", "rpushx",
    "sadd", "hset", "hsetnx", "hmset", "zadd", "expire", "pexpire", "expireat", "pexpireat", "persist",
    "append", "setrange", "setbit", "hdel", "srem", "zrem", "linsert", "lset", "ltrim", "lrem", "pfadd",
    "zremrangebyscore", "zremrangebyrank", "zremrangebylex", "flushdb", "touch", NULL};
/* Commands whose first key is a destination written without being read and whose
 * other keys are only read. */
static const char *const dest_then_sources[] = {
    "sinterstore", "sunionstore", "sdiffstore", "zunionstore", "zinterstore", "zdiffstore", "zrangestore",
    "bitop", NULL};
/* Source read+modified, destination written. */
static const char *const source_then_dest[] = {"rename", "renamenx", "lmove", "rpoplpush", "blmove",
                                               "brpoplpush", "smove", "move", NULL};

static int in_list(const char *const *list, const char *name) {
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], name)) return 1;
    return 0;
}

int acl_key_perm(const struct command *cmd, const struct client *c, int nth_key, int nkeys) {
    const char *name = cmd->parent ? cmd->parent->name : cmd->name;
    if (cmd->flags & CMD_READONLY) return ACL_PERM_READ;
    if (!(cmd->flags & CMD_WRITE)) return ACL_PERM_READ | ACL_PERM_WRITE;
    if (!strcmp(name, "set")) {
        /* SET only reads the old value when asked to return it (SET ... GET) */
        for (int i = 3; i < c->argc; i++)
            if (arg_eq(&c->argv[i], "GET")) return ACL_PERM_READ | ACL_PERM_WRITE;
        return ACL_PERM_WRITE;
    }
    if (in_list(write_only, name)) return ACL_PERM_WRITE;
    if (!strcmp(name, "copy")) return nth_key == 0 ? ACL_PERM_READ : ACL_PERM_WRITE;
    if (in_list(dest_then_sources, name)) return nth_key == 0 ? ACL_PERM_WRITE : ACL_PERM_READ;
    if (in_list(source_then_dest, name))
        return nth_key == 0 || nkeys == 1 ? ACL_PERM_READ | ACL_PERM_WRITE : ACL_PERM_WRITE;
    return ACL_PERM_READ | ACL_PERM_WRITE;
}
