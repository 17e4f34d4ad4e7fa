/* command_meta.c — see command_meta.h. The tips table lists Redis 7.0's command tips
 * by full name (sorted, searched by bisection); rows do not carry them because only
 * COMMAND INFO reads them. */
#include "cmd/command_meta.h"
#include <stdlib.h>
#include <string.h>

int command_has_movable_keys(const struct command *cmd) {
    return cmd->getkeys != NULL || (cmd->flags & CMD_MOVABLE_KEYS) != 0;
}

int command_has_keys(const struct command *cmd) { return cmd->first_key > 0 || cmd->getkeys != NULL; }

static const struct {
    uint64_t bit;
    const char *name;
} flag_names[] = {
    {CMD_WRITE, "write"},           {CMD_READONLY, "readonly"},
    {CMD_DENYOOM, "denyoom"},       {CMD_MODULE, "module"},
    {CMD_ADMIN, "admin"},           {CMD_PUBSUB, "pubsub"},
    {CMD_NOSCRIPT, "noscript"},     {CMD_BLOCKING, "blocking"},
    {CMD_LOADING, "loading"},       {CMD_STALE, "stale"},
    {CMD_SKIP_MONITOR, "skip_monitor"}, {CMD_SKIP_SLOWLOG, "skip_slowlog"},
    {CMD_ASKING, "asking"},         {CMD_FAST, "fast"},
    {CMD_NO_AUTH, "no_auth"},       {CMD_MAY_REPLICATE, "may_replicate"},
    {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"}, {CMD_NO_ASYNC_LOADING, "no_async_loading"},
    {CMD_NO_MULTI, "no_multi"},     {CMD_MOVABLE_KEYS, "movablekeys"},
    {CMD_ALLOW_BUSY, "allow_busy"},
};

void command_flag_names(const struct command *cmd, command_flag_fn fn, void *priv) {
    uint64_t f = cmd->flags;
    if (command_has_movable_keys(cmd)) f |= CMD_MOVABLE_KEYS;
    for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
        if (f & flag_names[i].bit) fn(priv, flag_names[i].name);
}

void command_key_flag_names(const struct command *cmd, command_flag_fn fn, void *priv) {
    /* The rows carry no per-key access detail; the command's own flags give the
     * closest honest description. */
    if (cmd->flags & CMD_NOT_KEY) {
        fn(priv, "not_key");
    } else if (cmd->flags & CMD_WRITE) {
        fn(priv, "RW");
        fn(priv, "update");
    } else if (cmd->flags & CMD_READONLY) {
        fn(priv, "RO");
        fn(priv, "access");
    } else {
        fn(priv, "RO");
    }
}

#define MAX_TIPS 4
struct tips_row {
    const char *name;
    const char *tips[MAX_TIPS];
};
static const struct tips_row tips_table[] = {
    {"client|info", {"nondeterministic_output"}},
    {"client|list", {"nondeterministic_output"}},
    {"cluster|bumpepoch", {"nondeterministic_output"}},
    {"cluster|count-failure-reports", {"nondeterministic_output"}},
    {"cluster|getkeysinslot", {"nondeterministic_output"}},
    {"cluster|info", {"nondeterministic_output"}},
    {"cluster|links", {"nondeterministic_output"}},
    {"cluster|nodes", {"nondeterministic_output"}},
    {"cluster|replicas", {"nondeterministic_output"}},
    {"cluster|shards", {"nondeterministic_output"}},
    {"cluster|slaves", {"nondeterministic_output"}},
    {"cluster|slots", {"nondeterministic_output"}},
    {"command", {"nondeterministic_output_order"}},
    {"command|docs", {"nondeterministic_output_order"}},
    {"command|info", {"nondeterministic_output_order"}},
    {"command|list", {"nondeterministic_output_order"}},
    {"config|set", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"dbsize", {"request_policy:all_shards", "response_policy:agg_sum"}},
    {"del", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"dump", {"nondeterministic_output"}},
    {"exists", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"flushall", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"flushdb", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|delete", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|flush", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|kill", {"request_policy:all_shards", "response_policy:one_succeeded"}},
    {"function|list", {"nondeterministic_output_order"}},
    {"function|load", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|restore", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|stats", {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"}},
    {"hgetall", {"nondeterministic_output_order"}},
    {"hkeys", {"nondeterministic_output_order"}},
    {"hrandfield", {"nondeterministic_output"}},
    {"hscan", {"nondeterministic_output"}},
    {"hvals", {"nondeterministic_output_order"}},
    {"info", {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"}},
    {"keys", {"request_policy:all_shards", "nondeterministic_output_order"}},
    {"lastsave", {"nondeterministic_output"}},
    {"latency|doctor", {"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"}},
    {"latency|graph", {"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"}},
    {"latency|histogram", {"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"}},
    {"latency|history", {"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"}},
    {"latency|latest", {"nondeterministic_output", "request_policy:all_nodes", "response_policy:special"}},
    {"latency|reset", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"memory|doctor", {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"}},
    {"memory|malloc-stats", {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"}},
    {"memory|purge", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"memory|stats", {"nondeterministic_output", "request_policy:all_shards", "response_policy:special"}},
    {"mget", {"request_policy:multi_shard"}},
    {"migrate", {"nondeterministic_output"}},
    {"module|list", {"nondeterministic_output_order"}},
    {"mset", {"request_policy:multi_shard", "response_policy:all_succeeded"}},
    {"msetnx", {"request_policy:multi_shard", "response_policy:agg_min"}},
    {"object|encoding", {"nondeterministic_output"}},
    {"object|freq", {"nondeterministic_output"}},
    {"object|idletime", {"nondeterministic_output"}},
    {"object|refcount", {"nondeterministic_output"}},
    {"ping", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"pttl", {"nondeterministic_output"}},
    {"randomkey", {"request_policy:all_shards", "nondeterministic_output"}},
    {"scan", {"nondeterministic_output", "request_policy:special"}},
    {"script|exists", {"request_policy:all_shards", "response_policy:agg_logical_and"}},
    {"script|flush", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"script|kill", {"request_policy:all_shards", "response_policy:one_succeeded"}},
    {"script|load", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"sdiff", {"nondeterministic_output_order"}},
    {"sinter", {"nondeterministic_output_order"}},
    {"slowlog|get", {"request_policy:all_nodes", "nondeterministic_output"}},
    {"slowlog|len", {"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"}},
    {"slowlog|reset", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"smembers", {"nondeterministic_output_order"}},
    {"spop", {"nondeterministic_output"}},
    {"srandmember", {"nondeterministic_output"}},
    {"sscan", {"nondeterministic_output"}},
    {"sunion", {"nondeterministic_output_order"}},
    {"time", {"nondeterministic_output"}},
    {"touch", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"ttl", {"nondeterministic_output"}},
    {"unlink", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"wait", {"request_policy:all_shards", "response_policy:agg_min"}},
    {"xadd", {"nondeterministic_output"}},
    {"xautoclaim", {"nondeterministic_output"}},
    {"xclaim", {"nondeterministic_output"}},
    {"xinfo|consumers", {"nondeterministic_output"}},
    {"xpending", {"nondeterministic_output"}},
    {"xtrim", {"nondeterministic_output"}},
    {"zrandmember", {"nondeterministic_output"}},
    {"zscan", {"nondeterministic_output"}},
};
static const char *const no_tips[] = {NULL};

static int tips_cmp(const void *key, const void *row) {
    return strcmp((const char *)key, ((const struct tips_row *)row)->name);
}

const char *const *command_tips(const struct command *cmd) {
    const struct tips_row *r = bsearch(cmd->fullname, tips_table, sizeof(tips_table) / sizeof(tips_table[0]),
                                       sizeof(tips_table[0]), tips_cmp);
    return r ? r->tips : no_tips;
}
