/* server.c — small server commands: TIME, SHUTDOWN, LASTSAVE, ROLE, LOLWUT, and the
 * MEMORY, SLOWLOG and LATENCY containers. (Process life itself is in src/server.c.) */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/info.h"
#include "cmd/slowlog.h"
#include "cmd/table.h"
#include "config.h"
#include "db/db.h"
#include "persist/persist.h"
#include "server.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/numparse.h"
#include "util/textbuf.h"
#include "version.h"
#include <stdio.h>
#include <string.h>

static void time_command(struct client *c) {
    long long us = clock_us();
    reply_array(&c->out, 2);
    reply_bulk_ll(&c->out, us / 1000000);
    reply_bulk_ll(&c->out, us % 1000000);
}

/* The last successful save (the start of the process if none, as Redis reports). */
static void lastsave_command(struct client *c) { reply_int(&c->out, persist_lastsave()); }

#define SHUT_NOSAVE 1
#define SHUT_SAVE 2
#define SHUT_NOW 4
#define SHUT_FORCE 8
#define SHUT_ABORT 16

static void shutdown_command(struct client *c) {
    int flags = 0;
    for (int i = 1; i < c->argc; i++) {
        const struct arg *a = &c->argv[i];
        if (arg_eq(a, "NOSAVE")) flags |= SHUT_NOSAVE;
        else if (arg_eq(a, "SAVE")) flags |= SHUT_SAVE;
        else if (arg_eq(a, "NOW")) flags |= SHUT_NOW;
        else if (arg_eq(a, "FORCE")) flags |= SHUT_FORCE;
        else if (arg_eq(a, "ABORT")) flags |= SHUT_ABORT;
        else {
            reply_syntax_error(c);
            return;
        }
    }
    if (((flags & SHUT_NOSAVE) && (flags & SHUT_SAVE)) || ((flags & SHUT_ABORT) && flags != SHUT_ABORT)) {
        reply_syntax_error(c);
        return;
    }
    if (flags & SHUT_ABORT) {
        /* a shutdown here is immediate: there is never one to abort */
        reply_error(&c->out, "ERR No shutdown in progress.");
        return;
    }
    /* the final save (SAVE, or save points unless NOSAVE); refuse to exit if it fails */
    int how = ((flags & SHUT_SAVE) ? PERSIST_SHUTDOWN_SAVE : 0) | ((flags & SHUT_NOSAVE) ? PERSIST_SHUTDOWN_NOSAVE : 0);
    if (persist_prepare_shutdown(how) != 0 && !(flags & SHUT_FORCE)) {
        reply_error(&c->out, "ERR Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    server_request_shutdown(); /* the main thread logs it and stops gracefully */
    /* like Redis, no reply on success: the connection just closes */
    atomic_fetch_or(&c->flags, CLIENT_CLOSE_AFTER_REPLY);
}

static void role_command(struct client *c) {
    reply_array(&c->out, 3);
    reply_bulk_cstr(&c->out, "master");
    reply_int(&c->out, 0);
    reply_array(&c->out, 0);
}

static void lolwut_command(struct client *c) {
    /* VERSION <n> is accepted and checked as Redis does; the art is Warden's own */
    if (c->argc >= 3 && arg_eq(&c->argv[1], "VERSION")) {
        long long v;
        if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &v) != 0) {
            reply_not_integer(c);
            return;
        }
    }
    char text[256];
    int n = snprintf(text, sizeof(text),
                     "  _      __            __\n | | /| / /__ ________/ /__ ___\n | |/ |/ / _ `/ __/ _  / -_) _ \\\n"
                     " |__/|__/\\_,_/_/  \\_,_/\\__/_//_/\n\nWarden ver. %s. Redis ver. %s\n",
                     WARDEN_VERSION, WARDEN_REDIS_VERSION);
    reply_verbatim(&c->out, text, (size_t)n, "txt");
}

/* ---- MEMORY ---- */

static void memory_usage_command(struct client *c) {
    if (c->argc != 3 && !(c->argc == 5 && arg_eq(&c->argv[3], "SAMPLES"))) {
        reply_syntax_error(c);
        return;
    }
    if (c->argc == 5) {
        long long samples;
        if (num_parse_ll(c->argv[4].ptr, c->argv[4].len, &samples) != 0) {
            reply_not_integer(c);
            return;
        }
        if (samples < 0) {
            reply_syntax_error(c);
            return;
        }
    }
    entry *e = db_find(c->db, c->argv[2].ptr, c->argv[2].len, LOOKUP_NOTOUCH);
    if (!e) {
        reply_null(&c->out);
        return;
    }
    reply_int(&c->out, (long long)(walloc_size(e) + entry_value_cost(e)));
}

static void memory_stats_command(struct client *c) {
    long long used = alloc_used_memory();
    long long keys = 0;
    for (int d = 0; d < db_count(); d++) keys += db_size_all(db_get(d));
    reply_map(&c->out, 10);
    reply_bulk_cstr(&c->out, "peak.allocated");
    reply_int(&c->out, used);
    reply_bulk_cstr(&c->out, "total.allocated");
    reply_int(&c->out, used);
    reply_bulk_cstr(&c->out, "startup.allocated");
    reply_int(&c->out, 0);
    reply_bulk_cstr(&c->out, "replication.backlog");
    reply_int(&c->out, 0);
    reply_bulk_cstr(&c->out, "clients.slaves");
    reply_int(&c->out, 0);
    reply_bulk_cstr(&c->out, "clients.normal");
    reply_int(&c->out, 0);
    reply_bulk_cstr(&c->out, "aof.buffer");
    reply_int(&c->out, 0);
    reply_bulk_cstr(&c->out, "keys.count");
    reply_int(&c->out, keys);
    reply_bulk_cstr(&c->out, "keys.bytes-per-key");
    reply_int(&c->out, keys ? used / keys : 0);
    reply_bulk_cstr(&c->out, "dataset.bytes");
    reply_int(&c->out, used);
}

static void memory_doctor_command(struct client *c) {
    char used[32];
    info_bytes_to_human(used, sizeof(used), alloc_used_memory());
    char text[256];
    int n = snprintf(text, sizeof(text),
                     "Warden uses %s of memory. The memory doctor has no report beyond that yet.\n", used);
    reply_verbatim(&c->out, text, (size_t)n, "txt");
}

static void memory_malloc_stats_command(struct client *c) {
    char text[128];
    int n = snprintf(text, sizeof(text), "Allocator %s; detailed statistics are not exposed.\n", alloc_allocator_name());
    reply_verbatim(&c->out, text, (size_t)n, "txt");
}

static void memory_purge_command(struct client *c) { reply_ok(&c->out); }

static void memory_help_command(struct client *c) {
    static const char *const lines[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Answer a report on memory problems.",
        "MALLOC-STATS",
        "    Answer the allocator's statistics.",
        "PURGE",
        "    Ask the allocator to return unused memory.",
        "STATS",
        "    Answer how memory is used.",
        "USAGE <key> [SAMPLES <count>]",
        "    Answer the bytes used by <key> and its value.",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

/* ---- LATENCY: Warden keeps no latency events yet; the answers are those of a Redis
 * whose latency monitor recorded nothing ---- */

static void latency_latest_command(struct client *c) { reply_array(&c->out, 0); }
static void latency_history_command(struct client *c) { reply_array(&c->out, 0); }
static void latency_reset_command(struct client *c) { reply_int(&c->out, 0); }

static void latency_graph_command(struct client *c) {
    reply_errorf(&c->out, "ERR No samples available for event '%.*s'",
                 (int)(c->argv[2].len > 128 ? 128 : c->argv[2].len), c->argv[2].ptr);
}

static void latency_doctor_command(struct client *c) {
    static const char text[] = "No latency events were recorded: latency-monitor is not available in Warden yet.\n";
    reply_verbatim(&c->out, text, sizeof(text) - 1, "txt");
}

/* Per-command call counts (Warden keeps no latency histogram yet: the bucket map is empty). */
static void latency_histogram_one(struct client *c, const struct command *cmd) {
    long long calls, usec, rejected, failed;
    command_stats_sum(cmd, &calls, &usec, &rejected, &failed);
    reply_bulk_cstr(&c->out, cmd->fullname);
    reply_map(&c->out, 2);
    reply_bulk_cstr(&c->out, "calls");
    reply_int(&c->out, calls);
    reply_bulk_cstr(&c->out, "histogram_usec");
    reply_map(&c->out, 0);
}

static int command_was_called(const struct command *cmd) {
    long long calls, usec, rejected, failed;
    command_stats_sum(cmd, &calls, &usec, &rejected, &failed);
    return calls > 0;
}

static void latency_histogram_command(struct client *c) {
    reply_deferred d = reply_defer_len(&c->out);
    long long n = 0;
    if (c->argc == 2) {
        for (int i = 0; i < command_id_count(); i++) {
            const struct command *cmd = command_by_id(i);
            if (!cmd->proc || !command_was_called(cmd)) continue;
            latency_histogram_one(c, cmd);
            n++;
        }
    } else {
        for (int i = 2; i < c->argc; i++) {
            const struct command *cmd = command_lookup(c->argv[i].ptr, c->argv[i].len);
            if (!cmd || !cmd->proc || !command_was_called(cmd)) continue;
            latency_histogram_one(c, cmd);
            n++;
        }
    }
    reply_set_deferred_map(&c->out, d, n);
}

static void latency_help_command(struct client *c) {
    static const char *const lines[] = {
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Answer a report on latency events.",
        "GRAPH <event>",
        "    Answer an ASCII graph of <event>'s latency.",
        "HISTORY <event>",
        "    Answer <event>'s time/latency samples.",
        "LATEST",
        "    Answer the latest sample of every event.",
        "RESET [<event> ...]",
        "    Forget the samples of the given events (all without arguments).",
        "HISTOGRAM [<command> ...]",
        "    Answer the latency distribution of the given commands (all without arguments).",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

/* ---- table ---- */

#define LAT_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
/* not const: table.c fills in parent/fullname/id at start-up */
static struct command memory_subcommands[] = {
    {.name = "doctor", .proc = memory_doctor_command, .arity = 2, .summary = "Outputs memory problems report",
     .since = "4.0.0", .group = "server", .complexity = "O(1)"},
    {.name = "help", .proc = memory_help_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE,
     .summary = "Show helpful text about the different subcommands", .since = "4.0.0", .group = "server",
     .complexity = "O(1)"},
    {.name = "malloc-stats", .proc = memory_malloc_stats_command, .arity = 2, .summary = "Show allocator internal stats",
     .since = "4.0.0", .group = "server", .complexity = "Depends on how much memory is allocated, could be slow"},
    {.name = "purge", .proc = memory_purge_command, .arity = 2, .summary = "Ask the allocator to release memory",
     .since = "4.0.0", .group = "server", .complexity = "Depends on how much memory is allocated, could be slow"},
    /* STATS counts keys shard by shard: EXEC must hold everything for it */
    {.name = "stats", .proc = memory_stats_command, .arity = 2, .flags = CMD_WALKS_ALL,
     .summary = "Show memory usage details", .since = "4.0.0", .group = "server", .complexity = "O(1)"},
    {.name = "usage", .proc = memory_usage_command, .arity = -3, .flags = CMD_READONLY, .first_key = 2, .last_key = 2,
     .key_step = 1, .summary = "Estimate the memory usage of a key", .since = "4.0.0", .group = "server",
     .complexity = "O(N) where N is the number of samples."},
    CMD_END,
};

static struct command slowlog_subcommands[] = {
    {.name = "get", .proc = slowlog_get_command, .arity = -2, .flags = CMD_ADMIN | CMD_LOADING | CMD_STALE,
     .summary = "Get the slow log's entries", .since = "2.2.12", .group = "server",
     .complexity = "O(N) where N is the number of entries returned"},
    {.name = "help", .proc = slowlog_help_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE,
     .summary = "Show helpful text about the different subcommands", .since = "6.2.0", .group = "server",
     .complexity = "O(1)"},
    {.name = "len", .proc = slowlog_len_command, .arity = 2, .flags = CMD_ADMIN | CMD_LOADING | CMD_STALE,
     .summary = "Get the slow log's length", .since = "2.2.12", .group = "server", .complexity = "O(1)"},
    {.name = "reset", .proc = slowlog_reset_command, .arity = 2, .flags = CMD_ADMIN | CMD_LOADING | CMD_STALE,
     .summary = "Clear all entries from the slow log", .since = "2.2.12", .group = "server",
     .complexity = "O(N) where N is the number of entries in the slowlog"},
    CMD_END,
};

static struct command latency_subcommands[] = {
    {.name = "doctor", .proc = latency_doctor_command, .arity = 2, .flags = LAT_FLAGS,
     .summary = "Return a human readable latency analysis report.", .since = "2.8.13", .group = "server",
     .complexity = "O(1)"},
    {.name = "graph", .proc = latency_graph_command, .arity = 3, .flags = LAT_FLAGS,
     .summary = "Return a latency graph for the event.", .since = "2.8.13", .group = "server", .complexity = "O(1)"},
    {.name = "help", .proc = latency_help_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE,
     .summary = "Show helpful text about the different subcommands.", .since = "2.8.13", .group = "server",
     .complexity = "O(1)"},
    {.name = "histogram", .proc = latency_histogram_command, .arity = -2, .flags = LAT_FLAGS,
     .summary = "Return the cumulative distribution of latencies of a subset of commands or all.", .since = "7.0.0",
     .group = "server",
     .complexity = "O(N) where N is the number of commands with latency information being retrieved."},
    {.name = "history", .proc = latency_history_command, .arity = 3, .flags = LAT_FLAGS,
     .summary = "Return timestamp-latency samples for the event.", .since = "2.8.13", .group = "server",
     .complexity = "O(1)"},
    {.name = "latest", .proc = latency_latest_command, .arity = 2, .flags = LAT_FLAGS,
     .summary = "Return the latest latency samples for all events.", .since = "2.8.13", .group = "server",
     .complexity = "O(1)"},
    {.name = "reset", .proc = latency_reset_command, .arity = -2, .flags = LAT_FLAGS,
     .summary = "Reset latency data for one or more events.", .since = "2.8.13", .group = "server",
     .complexity = "O(1)"},
    CMD_END,
};

struct command server_commands[] = {
    {.name = "time", .proc = time_command, .arity = 1, .flags = CMD_LOADING | CMD_STALE | CMD_FAST,
     .summary = "Return the current server time", .since = "2.6.0", .group = "server", .complexity = "O(1)"},
    {.name = "shutdown", .proc = shutdown_command, .arity = -1,
     .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_NO_MULTI | CMD_ALLOW_BUSY,
     .summary = "Synchronously save the dataset to disk and then shut down the server", .since = "1.0.0",
     .group = "server",
     .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, "
                   "otherwise O(1)"},
    {.name = "lastsave", .proc = lastsave_command, .arity = 1, .flags = CMD_LOADING | CMD_STALE | CMD_FAST,
     .acl = ACL_ADMIN | ACL_DANGEROUS, .summary = "Get the UNIX time stamp of the last successful save to disk",
     .since = "1.0.0", .group = "server", .complexity = "O(1)"},
    {.name = "role", .proc = role_command, .arity = 1, .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST,
     .acl = ACL_ADMIN | ACL_DANGEROUS, .summary = "Return the role of the instance in the context of replication",
     .since = "2.8.12", .group = "server", .complexity = "O(1)"},
    {.name = "lolwut", .proc = lolwut_command, .arity = -1, .flags = CMD_READONLY | CMD_FAST,
     .summary = "Display some computer art and the Redis version", .since = "5.0.0", .group = "server"},
    {.name = "memory", .arity = -2, .subcommands = memory_subcommands,
     .summary = "A container for memory diagnostics commands", .since = "4.0.0", .group = "server",
     .complexity = "Depends on subcommand."},
    {.name = "slowlog", .arity = -2, .subcommands = slowlog_subcommands,
     .summary = "A container for slow log commands", .since = "2.2.12", .group = "server",
     .complexity = "Depends on subcommand."},
    {.name = "latency", .arity = -2, .subcommands = latency_subcommands,
     .summary = "A container for latency diagnostics commands", .since = "2.8.13", .group = "server",
     .complexity = "Depends on subcommand."},
    CMD_END,
};
