/* pubsub_cmd.c — Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH
 * SSUBSCRIBE SUNSUBSCRIBE SPUBLISH and the PUBSUB container. The registry and delivery
 * are in pubsub/pubsub.c; this file parses arguments and replies. */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "pubsub/pubsub.h"
#include <stdio.h>

static void subscribe_command(struct client *c) { pubsub_subscribe(c, PUBSUB_CHANNEL, &c->argv[1], c->argc - 1); }
static void psubscribe_command(struct client *c) { pubsub_subscribe(c, PUBSUB_PATTERN, &c->argv[1], c->argc - 1); }

static void ssubscribe_command(struct client *c) {
    /* Redis 7.0 refuses it inside a transaction (MULTI denies blocking) */
    if (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_IN_MULTI) {
        reply_error(&c->out, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        return;
    }
    pubsub_subscribe(c, PUBSUB_SHARD, &c->argv[1], c->argc - 1);
}

static void unsubscribe_command(struct client *c) { pubsub_unsubscribe(c, PUBSUB_CHANNEL, &c->argv[1], c->argc - 1); }
static void punsubscribe_command(struct client *c) { pubsub_unsubscribe(c, PUBSUB_PATTERN, &c->argv[1], c->argc - 1); }
static void sunsubscribe_command(struct client *c) { pubsub_unsubscribe(c, PUBSUB_SHARD, &c->argv[1], c->argc - 1); }

static void publish_command(struct client *c) {
    long long n = pubsub_publish(PUBSUB_CHANNEL, c->argv[1].ptr, c->argv[1].len, c->argv[2].ptr, c->argv[2].len, c);
    reply_int(&c->out, n);
}

static void spublish_command(struct client *c) {
    long long n = pubsub_publish(PUBSUB_SHARD, c->argv[1].ptr, c->argv[1].len, c->argv[2].ptr, c->argv[2].len, c);
    reply_int(&c->out, n);
}

/* CHANNELS and SHARDCHANNELS take at most one pattern; more is the error Redis gives
 * for an unknown subcommand (it checks the count in the command itself). */
static int pubsub_too_many(struct client *c) {
    if (c->argc <= 3) return 0;
    reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try PUBSUB HELP.",
                 (int)(c->argv[1].len > 128 ? 128 : c->argv[1].len), c->argv[1].ptr);
    return 1;
}

static void pubsub_channels_generic(struct client *c, int kind) {
    if (pubsub_too_many(c)) return;
    if (c->argc == 3) pubsub_reply_names(&c->out, kind, c->argv[2].ptr, c->argv[2].len);
    else pubsub_reply_names(&c->out, kind, NULL, 0);
}
static void pubsub_channels_command(struct client *c) { pubsub_channels_generic(c, PUBSUB_CHANNEL); }
static void pubsub_shardchannels_command(struct client *c) { pubsub_channels_generic(c, PUBSUB_SHARD); }

/* NUMSUB / SHARDNUMSUB: a flat array of name, count pairs (an array in RESP3 too). */
static void pubsub_numsub_generic(struct client *c, int kind) {
    reply_array(&c->out, (long long)(c->argc - 2) * 2);
    for (int i = 2; i < c->argc; i++) {
        reply_bulk(&c->out, c->argv[i].ptr, c->argv[i].len);
        reply_int(&c->out, pubsub_subscriber_count(kind, c->argv[i].ptr, c->argv[i].len));
    }
}
static void pubsub_numsub_command(struct client *c) { pubsub_numsub_generic(c, PUBSUB_CHANNEL); }
static void pubsub_shardnumsub_command(struct client *c) { pubsub_numsub_generic(c, PUBSUB_SHARD); }

static void pubsub_numpat_command(struct client *c) { reply_int(&c->out, pubsub_name_count(PUBSUB_PATTERN)); }

static void pubsub_help_command(struct client *c) {
    static const char *lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    List the channels that have subscribers, optionally only those matching <pattern>.",
        "NUMPAT",
        "    Count the distinct patterns subscribed to.",
        "NUMSUB [<channel> ...]",
        "    Count the subscribers of each channel (pattern subscriptions are not counted).",
        "SHARDCHANNELS [<pattern>]",
        "    List the shard channels that have subscribers, optionally only those matching <pattern>.",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Count the subscribers of each shard channel.",
        "HELP",
        "    Print this help.",
    };
    size_t n = sizeof(lines) / sizeof(lines[0]);
    reply_array(&c->out, (long long)n);
    for (size_t i = 0; i < n; i++) reply_status(&c->out, lines[i]);
}

#define PS_FLAGS (CMD_PUBSUB | CMD_LOADING | CMD_STALE)

/* not const: table.c fills in each row's parent, id and stats */
static struct command pubsub_subcommands[] = {
    {.name = "channels", .proc = pubsub_channels_command, .arity = -2, .flags = PS_FLAGS,
     .summary = "Lists the channels that have subscribers.", .since = "2.8.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of active channels, and assuming constant time pattern matching "
                   "(relatively short channels and patterns)"},
    {.name = "help", .proc = pubsub_help_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE,
     .summary = "Lists the PUBSUB subcommands.", .since = "6.2.0", .group = "pubsub", .complexity = "O(1)"},
    {.name = "numpat", .proc = pubsub_numpat_command, .arity = 2, .flags = PS_FLAGS,
     .summary = "Counts the distinct patterns with subscribers.", .since = "2.8.0", .group = "pubsub",
     .complexity = "O(1)"},
    {.name = "numsub", .proc = pubsub_numsub_command, .arity = -2, .flags = PS_FLAGS,
     .summary = "Counts the subscribers of channels.", .since = "2.8.0", .group = "pubsub",
     .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels"},
    {.name = "shardchannels", .proc = pubsub_shardchannels_command, .arity = -2, .flags = PS_FLAGS,
     .summary = "Lists the shard channels that have subscribers.", .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of active shard channels, and assuming constant time pattern "
                   "matching (relatively short shard channels)."},
    {.name = "shardnumsub", .proc = pubsub_shardnumsub_command, .arity = -2, .flags = PS_FLAGS,
     .summary = "Counts the subscribers of shard channels.", .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"},
    CMD_END,
};

#define SUB_FLAGS (CMD_PUBSUB | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)

/* The shard-channel commands carry Redis's key range for their channels, flagged
 * CMD_NOT_KEY (Redis's "not_key" key spec): no shard lock, no ACL key check. */
#define SHARD_CHANNELS(first, last) .first_key = first, .last_key = last, .key_step = 1

struct command pubsub_commands[] = {
    {.name = "subscribe", .proc = subscribe_command, .arity = -2, .flags = SUB_FLAGS,
     .summary = "Receives the messages published to channels.", .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of channels to subscribe to."},
    {.name = "unsubscribe", .proc = unsubscribe_command, .arity = -1, .flags = SUB_FLAGS,
     .summary = "Stops receiving the messages of channels.", .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of clients already subscribed to a channel."},
    {.name = "psubscribe", .proc = psubscribe_command, .arity = -2, .flags = SUB_FLAGS,
     .summary = "Receives the messages published to channels matching patterns.", .since = "2.0.0",
     .group = "pubsub", .complexity = "O(N) where N is the number of patterns the client is already subscribed to."},
    {.name = "punsubscribe", .proc = punsubscribe_command, .arity = -1, .flags = SUB_FLAGS,
     .summary = "Stops receiving the messages of patterns.", .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N+M) where N is the number of patterns the client is already subscribed and M is the number "
                   "of total patterns subscribed in the system (by any client)."},
    {.name = "publish", .proc = publish_command, .arity = 3, .flags = CMD_PUBSUB | CMD_LOADING | CMD_STALE | CMD_FAST,
     .summary = "Sends a message to a channel.", .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total "
                   "number of subscribed patterns (by any client)."},
    {.name = "pubsub", .arity = -2, .acl = ACL_SLOW, .subcommands = pubsub_subcommands,
     .summary = "Container of the Pub/Sub introspection commands.", .since = "2.8.0", .group = "pubsub",
     .complexity = "Depends on subcommand."},
    {.name = "ssubscribe", .proc = ssubscribe_command, .arity = -2, .flags = SUB_FLAGS | CMD_NOT_KEY,
     SHARD_CHANNELS(1, -1),
     .summary = "Receives the messages published to shard channels.",
     .since = "7.0.0", .group = "pubsub", .complexity = "O(N) where N is the number of shard channels to subscribe to."},
    {.name = "sunsubscribe", .proc = sunsubscribe_command, .arity = -1, .flags = SUB_FLAGS | CMD_NOT_KEY,
     SHARD_CHANNELS(1, -1),
     .summary = "Stops receiving the messages of shard channels.", .since = "7.0.0",
     .group = "pubsub", .complexity = "O(N) where N is the number of clients already subscribed to a shard channel."},
    {.name = "spublish", .proc = spublish_command, .arity = 3,
     .flags = CMD_PUBSUB | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NOT_KEY, SHARD_CHANNELS(1, 1),
     .summary = "Sends a message to a shard channel.",
     .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of clients subscribed to the receiving shard channel."},
    CMD_END,
};
