/* command.h — the command table's row type. Each command family (cmd/<family>.c)
 * defines its rows; table.c gathers them. The same rows feed dispatch (arity, key
 * positions → shard locks), COMMAND INFO/DOCS/LIST/COUNT, ACL categories and INFO
 * commandstats. */
#ifndef WARDEN_COMMAND_H
#define WARDEN_COMMAND_H
#include <stdatomic.h>
#include <stdint.h>

struct client;
struct lockset;

typedef void cmd_proc(struct client *c);
/* Extra key positions for commands whose keys are not a first/last/step range
 * (e.g. numkeys-style). Writes argv indexes to out (up to max); returns the count. */
typedef int cmd_getkeys(struct client *c, int *out, int max);
/* Custom lock needs (whole db, several dbs). Adds to the lockset. */
typedef void cmd_lockspec(struct client *c, struct lockset *ls);

/* flags (Redis 7 command flags) */
#define CMD_WRITE (1ULL << 0)
#define CMD_READONLY (1ULL << 1)
#define CMD_DENYOOM (1ULL << 2)
#define CMD_MODULE (1ULL << 3)
#define CMD_ADMIN (1ULL << 4)
#define CMD_PUBSUB (1ULL << 5)
#define CMD_NOSCRIPT (1ULL << 6)
#define CMD_BLOCKING (1ULL << 8)
#define CMD_LOADING (1ULL << 9)
#define CMD_STALE (1ULL << 10)
#define CMD_SKIP_MONITOR (1ULL << 11)
#define CMD_SKIP_SLOWLOG (1ULL << 12)
#define CMD_ASKING (1ULL << 13)
#define CMD_FAST (1ULL << 14)
#define CMD_NO_AUTH (1ULL << 15)
#define CMD_MAY_REPLICATE (1ULL << 16)
#define CMD_SENTINEL (1ULL << 17)
#define CMD_ONLY_SENTINEL (1ULL << 18)
#define CMD_NO_MANDATORY_KEYS (1ULL << 19)
#define CMD_PROTECTED (1ULL << 20)
#define CMD_NO_ASYNC_LOADING (1ULL << 23)
#define CMD_NO_MULTI (1ULL << 24)
#define CMD_MOVABLE_KEYS (1ULL << 25)
#define CMD_ALLOW_BUSY (1ULL << 26)
/* Warden-only: the command walks every shard of the current db itself (SCAN, KEYS,
 * DBSIZE, RANDOMKEY, FLUSHDB): EXEC must hold the whole db for it. */
#define CMD_WALKS_DB (1ULL << 40)
#define CMD_WALKS_ALL (1ULL << 41) /* ... every db (FLUSHALL, SWAPDB) */
/* Warden-only: the first/last/step range names shard channels, not keys (Redis's
 * "not_key" key spec of SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH): COMMAND shows the range,
 * but dispatch locks nothing for it and ACL does not check it against key patterns. */
#define CMD_NOT_KEY (1ULL << 42)

/* ACL categories (Redis 7 bit order, so ACL CAT lists them in Redis's order) */
#define ACL_KEYSPACE (1ULL << 0)
#define ACL_READ (1ULL << 1)
#define ACL_WRITE (1ULL << 2)
#define ACL_SET (1ULL << 3)
#define ACL_SORTEDSET (1ULL << 4)
#define ACL_LIST (1ULL << 5)
#define ACL_HASH (1ULL << 6)
#define ACL_STRING (1ULL << 7)
#define ACL_BITMAP (1ULL << 8)
#define ACL_HYPERLOGLOG (1ULL << 9)
#define ACL_GEO (1ULL << 10)
#define ACL_STREAM (1ULL << 11)
#define ACL_PUBSUB (1ULL << 12)
#define ACL_ADMIN (1ULL << 13)
#define ACL_FAST (1ULL << 14)
#define ACL_SLOW (1ULL << 15)
#define ACL_BLOCKING (1ULL << 16)
#define ACL_DANGEROUS (1ULL << 17)
#define ACL_CONNECTION (1ULL << 18)
#define ACL_TRANSACTION (1ULL << 19)
#define ACL_SCRIPTING (1ULL << 20)

struct command_stats {
    _Atomic long long calls, usec, rejected, failed;
};

struct command {
    const char *name;         /* lower case; subcommands: just the subcommand ("get") */
    cmd_proc *proc;
    int arity;                /* >0 exact, <0 at least -arity */
    uint64_t flags;
    uint64_t acl;             /* categories beyond those implied by flags */
    int first_key, last_key, key_step; /* Redis legacy key range; last -1 = last arg */
    cmd_getkeys *getkeys;     /* for keys outside the range */
    cmd_lockspec *lockspec;
    const struct command *subcommands; /* NULL-name-terminated array */
    const char *summary, *since, *group, *complexity;
    /* filled in by table.c */
    const struct command *parent;
    char fullname[48];        /* "config|get" */
    int id;                   /* index for per-command stats and ACL bitmaps */
    struct command_stats *stats;
};
#define CMD_END {.name = 0}
#endif
