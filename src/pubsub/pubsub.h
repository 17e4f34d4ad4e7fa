/* pubsub.h — the Pub/Sub registry and message delivery.
 *
 * Three kinds of subscription: channels, patterns (glob, as PSUBSCRIBE) and shard
 * channels (SSUBSCRIBE; in a non-cluster server they behave as channels of their own
 * namespace). The registry maps each name to its subscribers and each client to its
 * names; it is guarded by one rwlock — PUBLISH and PUBSUB queries read, (un)subscribe
 * and disconnects write.
 *
 * Delivery: PUBLISH, on any thread, copies the message once and hands it to each
 * subscriber's worker through that worker's mailbox (one mail per worker per publish),
 * where it is written into the client's output and flushed. A mailbox is FIFO, so the
 * messages of one publishing connection reach every subscriber in publish order. A
 * RESP3 client publishing to itself gets its message directly, before the reply, as
 * Redis does. A subscriber whose pending output passes `client-output-buffer-limit
 * pubsub` is disconnected (conn_check_output_limits, src/net/limits.c), which bounds the memory a slow reader costs.
 *
 * Subscribe/unsubscribe replies and messages are RESP3 pushes for RESP3 clients. A RESP2
 * client with any subscription is in "subscribe mode" (CLIENT_PUBSUB): dispatch lets it
 * run only pubsub_allowed_in_context commands. */
#ifndef WARDEN_PUBSUB_H
#define WARDEN_PUBSUB_H
#include <stddef.h>

struct client;
struct command;
struct arg;
struct reply;

enum pubsub_kind { PUBSUB_CHANNEL = 0, PUBSUB_PATTERN = 1, PUBSUB_SHARD = 2, PUBSUB_KINDS };

/* Start-up, after command_table_init and before workers. */
void pubsub_init(void);
/* (P|S)SUBSCRIBE: subscribe c (owner thread) to each name, replying for each. */
void pubsub_subscribe(struct client *c, int kind, const struct arg *names, int n);
/* (P|S)UNSUBSCRIBE: n == 0 means every name of that kind. Replies for each. */
void pubsub_unsubscribe(struct client *c, int kind, const struct arg *names, int n);
/* PUBLISH (kind PUBSUB_CHANNEL: channel and pattern subscribers) or SPUBLISH
 * (PUBSUB_SHARD). Any thread; publisher may be NULL (keyspace notifications). Returns
 * the number of subscriptions that will receive the message. */
long long pubsub_publish(int kind, const char *ch, size_t chlen, const char *msg, size_t mlen,
                         struct client *publisher);
/* Cheap check: 1 if anyone is subscribed to any channel or pattern. */
int pubsub_has_subscribers(void);
/* RESP2 subscribe mode: 1 if cmd may run ((P|S)(UN)SUBSCRIBE, PING, QUIT, RESET). */
int pubsub_allowed_in_context(const struct command *cmd);
/* Dispatch brackets every request with these (owner thread): messages for the running
 * client produced during its command are written after its reply. */
void pubsub_command_start(struct client *c);
void pubsub_command_end(struct client *c);
/* Connection teardown (owner thread): drop every subscription. */
void pubsub_client_closing(struct client *c);

/* PUBSUB CHANNELS / SHARDCHANNELS: array of active names matching pat (NULL: all). */
void pubsub_reply_names(struct reply *r, int kind, const char *pat, size_t plen);
/* PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one name. */
long long pubsub_subscriber_count(int kind, const char *name, size_t len);
/* Active names of a kind (PUBSUB NUMPAT, INFO pubsub_channels/patterns/shard_channels). */
long long pubsub_name_count(int kind);
/* CLIENT LIST sub= psub= ssub= (any thread, registry_lock held). */
void pubsub_client_counts(struct client *c, long long *sub, long long *psub, long long *ssub);
#endif
