/* persist_cmd.c — the snapshot commands: SAVE, BGSAVE [SCHEDULE], BGREWRITEAOF. (LASTSAVE and
 * SHUTDOWN live with the server commands and call persist.h.) */
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "persist/aof.h"
#include "persist/persist.h"

static void save_command(struct client *c) {
    switch (persist_save()) {
    case PERSIST_OK: reply_ok(&c->out); break;
    case PERSIST_BUSY: reply_error(&c->out, "ERR Background save already in progress"); break;
    case PERSIST_BUSY_OTHER: reply_error(&c->out, "ERR Another save is in progress"); break;
    default: reply_error(&c->out, "ERR"); break;
    }
}

static void bgsave_command(struct client *c) {
    int schedule = 0;
    if (c->argc > 1) {
        if (c->argc == 2 && arg_eq(&c->argv[1], "SCHEDULE")) {
            schedule = 1;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    switch (persist_bgsave(schedule)) {
    case PERSIST_OK: reply_status(&c->out, "Background saving started"); break;
    case PERSIST_SCHEDULED: reply_status(&c->out, "Background saving scheduled"); break;
    case PERSIST_BUSY: reply_error(&c->out, "ERR Background save already in progress"); break;
    case PERSIST_BUSY_OTHER:
        reply_error(&c->out, "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
                             "SCHEDULE in order to schedule a BGSAVE whenever possible.");
        break;
    default: reply_error(&c->out, "ERR"); break;
    }
}

static void bgrewriteaof_command(struct client *c) {
    switch (aof_bgrewrite()) {
    case AOF_REWRITE_STARTED: reply_status(&c->out, "Background append only file rewriting started"); break;
    case AOF_REWRITE_SCHEDULED: reply_status(&c->out, "Background append only file rewriting scheduled"); break;
    case AOF_REWRITE_BUSY:
        reply_error(&c->out, "ERR Background append only file rewriting already in progress");
        break;
    default:
        reply_error(&c->out, "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
                             "information.");
        break;
    }
}

#define PERSIST_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_ASYNC_LOADING | CMD_NO_MULTI)
struct command persist_commands[] = {
    {.name = "save", .proc = save_command, .arity = 1, .flags = PERSIST_FLAGS,
     .summary = "Synchronously save the dataset to disk", .since = "1.0.0", .group = "server",
     .complexity = "O(N) where N is the total number of keys in all databases"},
    {.name = "bgsave", .proc = bgsave_command, .arity = -1, .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_ASYNC_LOADING,
     .summary = "Asynchronously save the dataset to disk", .since = "1.0.0", .group = "server",
     .complexity = "O(1)"},
    {.name = "bgrewriteaof", .proc = bgrewriteaof_command, .arity = 1,
     .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_ASYNC_LOADING,
     .summary = "Asynchronously rewrite the append-only file", .since = "1.0.0", .group = "server",
     .complexity = "O(1)"},
    CMD_END,
};
