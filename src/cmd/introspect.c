/* introspect.c — COMMAND and its subcommands: the command table described to clients
 * (COMMAND INFO in Redis 7.0's ten-element shape, DOCS, LIST with filters, COUNT,
 * GETKEYS / GETKEYSANDFLAGS). Everything here reads the table built at start-up,
 * which is immutable afterwards, so no locking is needed. */
#include "acl/acl.h"
#include "client.h"
#include "cmd/command_meta.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/table.h"
#include "util/alloc.h"
#include "util/glob.h"
#include <string.h>

/* ---- COMMAND INFO entries ---- */

struct count_ctx {
    long long n;
};
static void count_one(void *priv, const char *name) {
    (void)name;
    ((struct count_ctx *)priv)->n++;
}
static void reply_status_cb(void *priv, const char *name) { reply_status((struct reply *)priv, name); }

static void reply_flag_set(struct client *c, const struct command *cmd) {
    struct count_ctx n = {0};
    command_flag_names(cmd, count_one, &n);
    reply_set(&c->out, n.n);
    command_flag_names(cmd, reply_status_cb, &c->out);
}

static void reply_key_flag_set(struct client *c, const struct command *cmd) {
    struct count_ctx n = {0};
    command_key_flag_names(cmd, count_one, &n);
    reply_set(&c->out, n.n);
    command_key_flag_names(cmd, reply_status_cb, &c->out);
}

static void reply_categories(struct client *c, const struct command *cmd) {
    uint64_t cats = acl_command_categories(cmd);
    int n = 0;
    for (int i = 0; i < acl_category_count(); i++)
        if (cats & (1ULL << i)) n++;
    reply_set(&c->out, n);
    char buf[32];
    for (int i = 0; i < acl_category_count(); i++)
        if (cats & (1ULL << i)) {
            buf[0] = '@';
            size_t l = strlen(acl_category_name(i));
            memcpy(buf + 1, acl_category_name(i), l + 1);
            reply_status(&c->out, buf);
        }
}

static void reply_tips(struct client *c, const struct command *cmd) {
    const char *const *tips = command_tips(cmd);
    int n = 0;
    while (tips[n]) n++;
    reply_set(&c->out, n);
    for (int i = 0; i < n; i++) reply_bulk_cstr(&c->out, tips[i]);
}

/* Key specs derived from the legacy range: one "index" + "range" spec when the row has
 * a range; an "unknown" spec when only a getkeys function can find the keys. */
static void reply_key_specs(struct client *c, const struct command *cmd) {
    if (!command_has_keys(cmd)) {
        reply_set(&c->out, 0);
        return;
    }
    reply_set(&c->out, 1);
    reply_map(&c->out, 3);
    reply_bulk_cstr(&c->out, "flags");
    reply_key_flag_set(c, cmd);
    reply_bulk_cstr(&c->out, "begin_search");
    reply_map(&c->out, 2);
    if (cmd->first_key > 0) {
        reply_bulk_cstr(&c->out, "type");
        reply_bulk_cstr(&c->out, "index");
        reply_bulk_cstr(&c->out, "spec");
        reply_map(&c->out, 1);
        reply_bulk_cstr(&c->out, "index");
        reply_int(&c->out, cmd->first_key);
        reply_bulk_cstr(&c->out, "find_keys");
        reply_map(&c->out, 2);
        reply_bulk_cstr(&c->out, "type");
        reply_bulk_cstr(&c->out, "range");
        reply_bulk_cstr(&c->out, "spec");
        reply_map(&c->out, 3);
        reply_bulk_cstr(&c->out, "lastkey");
        reply_int(&c->out, cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key);
        reply_bulk_cstr(&c->out, "keystep");
        reply_int(&c->out, cmd->key_step > 0 ? cmd->key_step : 1);
        reply_bulk_cstr(&c->out, "limit");
        reply_int(&c->out, 0);
    } else {
        reply_bulk_cstr(&c->out, "type");
        reply_bulk_cstr(&c->out, "unknown");
        reply_bulk_cstr(&c->out, "spec");
        reply_map(&c->out, 0);
        reply_bulk_cstr(&c->out, "find_keys");
        reply_map(&c->out, 2);
        reply_bulk_cstr(&c->out, "type");
        reply_bulk_cstr(&c->out, "unknown");
        reply_bulk_cstr(&c->out, "spec");
        reply_map(&c->out, 0);
    }
}

static void reply_command_info(struct client *c, const struct command *cmd) {
    reply_array(&c->out, 10);
    reply_bulk_cstr(&c->out, cmd->fullname);
    reply_int(&c->out, cmd->arity);
    reply_flag_set(c, cmd);
    reply_int(&c->out, cmd->first_key);
    reply_int(&c->out, cmd->last_key);
    reply_int(&c->out, cmd->first_key > 0 ? (cmd->key_step > 0 ? cmd->key_step : 1) : 0);
    reply_categories(c, cmd);
    reply_tips(c, cmd);
    reply_key_specs(c, cmd);
    if (!cmd->subcommands) {
        reply_set(&c->out, 0); /* Redis 7.0 answers an empty set here, an array otherwise */
        return;
    }
    int n = 0;
    for (const struct command *s = cmd->subcommands; s->name; s++) n++;
    reply_array(&c->out, n);
    for (const struct command *s = cmd->subcommands; s->name; s++) reply_command_info(c, s);
}

/* Find a command by "name" or "container|sub" (case-insensitive); NULL if unknown. */
static const struct command *lookup_fullname(const char *name, size_t len) {
    const char *bar = memchr(name, '|', len);
    if (!bar) return command_lookup(name, len);
    const struct command *parent = command_lookup(name, (size_t)(bar - name));
    if (!parent || !parent->subcommands) return NULL;
    return command_lookup_sub(parent, bar + 1, len - (size_t)(bar - name) - 1);
}

static void command_all_command(struct client *c) {
    int n = command_count();
    reply_array(&c->out, n);
    for (int i = 0; i < n; i++) reply_command_info(c, command_at(i));
}

static void command_info_command(struct client *c) {
    if (c->argc == 2) {
        command_all_command(c);
        return;
    }
    reply_array(&c->out, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        const struct command *cmd = lookup_fullname(c->argv[i].ptr, c->argv[i].len);
        if (cmd) reply_command_info(c, cmd);
        else reply_null_array(&c->out);
    }
}

static void command_count_command(struct client *c) { reply_int(&c->out, command_count()); }

/* ---- COMMAND DOCS ---- */

static void reply_command_docs(struct client *c, const struct command *cmd) {
    const char *fields[4][2] = {{"summary", cmd->summary},
                                {"since", cmd->since},
                                {"group", cmd->group},
                                {"complexity", cmd->complexity}};
    int n = 0;
    for (int i = 0; i < 4; i++)
        if (fields[i][1]) n++;
    reply_map(&c->out, n + (cmd->subcommands ? 1 : 0));
    for (int i = 0; i < 4; i++)
        if (fields[i][1]) {
            reply_bulk_cstr(&c->out, fields[i][0]);
            reply_bulk_cstr(&c->out, fields[i][1]);
        }
    if (cmd->subcommands) {
        int ns = 0;
        for (const struct command *s = cmd->subcommands; s->name; s++) ns++;
        reply_bulk_cstr(&c->out, "subcommands");
        reply_map(&c->out, ns);
        for (const struct command *s = cmd->subcommands; s->name; s++) {
            reply_bulk_cstr(&c->out, s->fullname);
            reply_command_docs(c, s);
        }
    }
}

static void command_docs_command(struct client *c) {
    if (c->argc == 2) {
        int n = command_count();
        reply_map(&c->out, n);
        for (int i = 0; i < n; i++) {
            reply_bulk_cstr(&c->out, command_at(i)->fullname);
            reply_command_docs(c, command_at(i));
        }
        return;
    }
    /* unknown names are left out, so the count is known only at the end */
    reply_deferred d = reply_defer_len(&c->out);
    long long n = 0;
    for (int i = 2; i < c->argc; i++) {
        const struct command *cmd = lookup_fullname(c->argv[i].ptr, c->argv[i].len);
        if (!cmd) continue;
        reply_bulk_cstr(&c->out, cmd->fullname);
        reply_command_docs(c, cmd);
        n++;
    }
    reply_set_deferred_map(&c->out, d, n);
}

/* ---- COMMAND LIST ---- */

/* Category bit for a name (case-insensitive, no '@'); 0 if unknown. */
static uint64_t category_lookup(const struct arg *name) {
    for (int i = 0; i < acl_category_count(); i++)
        if (arg_eq(name, acl_category_name(i))) return 1ULL << i;
    return 0;
}

enum list_filter { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN };
struct list_ctx {
    enum list_filter kind;
    const struct arg *value;
    uint64_t cat;
    long long n;
};

static int list_matches(const struct list_ctx *f, const struct command *cmd) {
    switch (f->kind) {
    case FILTER_NONE: return 1;
    case FILTER_MODULE: return 0; /* no modules */
    case FILTER_ACLCAT: return f->cat && (acl_command_categories(cmd) & f->cat);
    case FILTER_PATTERN:
        return glob_match(f->value->ptr, f->value->len, cmd->fullname, strlen(cmd->fullname), 1);
    }
    return 0;
}

static void list_one(struct client *c, struct list_ctx *f, const struct command *cmd) {
    if (list_matches(f, cmd)) {
        reply_bulk_cstr(&c->out, cmd->fullname);
        f->n++;
    }
    for (const struct command *s = cmd->subcommands; s && s->name; s++) list_one(c, f, s);
}

static void command_list_command(struct client *c) {
    struct list_ctx f = {.kind = FILTER_NONE};
    if (c->argc == 5 && arg_eq(&c->argv[2], "FILTERBY")) {
        f.value = &c->argv[4];
        if (arg_eq(&c->argv[3], "MODULE")) f.kind = FILTER_MODULE;
        else if (arg_eq(&c->argv[3], "ACLCAT")) {
            f.kind = FILTER_ACLCAT;
            f.cat = category_lookup(f.value);
        } else if (arg_eq(&c->argv[3], "PATTERN")) f.kind = FILTER_PATTERN;
        else {
            reply_syntax_error(c);
            return;
        }
    } else if (c->argc != 2) {
        reply_syntax_error(c);
        return;
    }
    reply_deferred d = reply_defer_len(&c->out);
    for (int i = 0; i < command_count(); i++) list_one(c, &f, command_at(i));
    reply_set_deferred_array(&c->out, d, f.n);
}

/* ---- COMMAND GETKEYS / GETKEYSANDFLAGS ---- */

/* Resolve the command described by argv[2..] and collect its key positions (indexes
 * into the shifted argv). Replies with Redis's error and returns -1 on failure;
 * otherwise returns the key count with *OUT keys (wfree it) and *OUT cmd. */
static int getkeys_resolve(struct client *c, const struct command **out_cmd, int **out_keys) {
    int argc = c->argc - 2;
    struct arg *argv = c->argv + 2;
    const struct command *cmd = command_lookup(argv[0].ptr, argv[0].len);
    if (cmd && cmd->subcommands && argc >= 2) cmd = command_lookup_sub(cmd, argv[1].ptr, argv[1].len);
    if (!cmd) {
        reply_error(&c->out, "ERR Invalid command specified");
        return -1;
    }
    if (!command_has_keys(cmd) || (cmd->flags & CMD_NOT_KEY)) { /* channels are not keys */
        reply_error(&c->out, "ERR The command has no key arguments");
        return -1;
    }
    if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity)) {
        reply_error(&c->out, "ERR Invalid number of arguments specified for command");
        return -1;
    }
    int *keys = wmalloc((size_t)argc * 2 * sizeof(int) + sizeof(int));
    int n = 0;
    if (cmd->first_key > 0 && cmd->first_key < argc) {
        int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
        if (last >= argc) last = argc - 1;
        int step = cmd->key_step > 0 ? cmd->key_step : 1;
        for (int i = cmd->first_key; i <= last; i += step) keys[n++] = i;
    }
    if (cmd->getkeys) {
        /* getkeys functions read c->argv/argc: point them at the embedded command */
        struct arg *save_argv = c->argv;
        int save_argc = c->argc;
        c->argv = argv;
        c->argc = argc;
        int room = argc;
        int got = cmd->getkeys(c, keys + n, room);
        c->argv = save_argv;
        c->argc = save_argc;
        if (got > room) got = room;
        int base = n;
        for (int i = 0; i < got; i++) {
            int k = keys[base + i];
            if (k > 0 && k < argc) keys[n++] = k;
        }
    }
    *out_cmd = cmd;
    *out_keys = keys;
    return n;
}

static void getkeys_common(struct client *c, int with_flags) {
    const struct command *cmd;
    int *keys;
    int n = getkeys_resolve(c, &cmd, &keys);
    if (n < 0) return;
    reply_array(&c->out, n);
    for (int i = 0; i < n; i++) {
        const struct arg *k = &c->argv[2 + keys[i]];
        if (with_flags) {
            reply_array(&c->out, 2);
            reply_bulk(&c->out, k->ptr, k->len);
            reply_key_flag_set(c, cmd);
        } else {
            reply_bulk(&c->out, k->ptr, k->len);
        }
    }
    wfree(keys);
}

static void command_getkeys_command(struct client *c) { getkeys_common(c, 0); }
static void command_getkeysandflags_command(struct client *c) { getkeys_common(c, 1); }

static void command_help_command(struct client *c) {
    static const char *const lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Describe every command of this server.",
        "COUNT",
        "    Answer the number of commands.",
        "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
        "    Answer the names of the commands, optionally filtered.",
        "INFO [<command-name> ...]",
        "    Describe the named commands, or all commands without arguments.",
        "DOCS [<command-name> ...]",
        "    Answer the documentation of the named commands, or of all commands.",
        "GETKEYS <full-command>",
        "    Answer the key names a full command would access.",
        "GETKEYSANDFLAGS <full-command>",
        "    Answer the key names a full command would access, with access flags.",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

#define INTRO_FLAGS (CMD_LOADING | CMD_STALE)
/* not const: table.c fills in parent/fullname/id at start-up */
static struct command command_subcommands[] = {
    {.name = "count", .proc = command_count_command, .arity = 2, .flags = INTRO_FLAGS, .acl = ACL_CONNECTION,
     .summary = "Get total number of Redis commands", .since = "2.8.13", .group = "server", .complexity = "O(1)"},
    {.name = "docs", .proc = command_docs_command, .arity = -2, .flags = INTRO_FLAGS, .acl = ACL_CONNECTION,
     .summary = "Get array of specific Redis command documentation", .since = "7.0.0", .group = "server",
     .complexity = "O(N) where N is the number of commands to look up"},
    {.name = "getkeys", .proc = command_getkeys_command, .arity = -4, .flags = INTRO_FLAGS, .acl = ACL_CONNECTION,
     .summary = "Extract keys given a full Redis command", .since = "2.8.13", .group = "server",
     .complexity = "O(N) where N is the number of arguments to the command"},
    {.name = "getkeysandflags", .proc = command_getkeysandflags_command, .arity = -4, .flags = INTRO_FLAGS,
     .acl = ACL_CONNECTION, .summary = "Extract keys and access flags given a full Redis command", .since = "7.0.0",
     .group = "server", .complexity = "O(N) where N is the number of arguments to the command"},
    {.name = "help", .proc = command_help_command, .arity = 2, .flags = INTRO_FLAGS, .acl = ACL_CONNECTION,
     .summary = "Show helpful text about the different subcommands", .since = "5.0.0", .group = "server",
     .complexity = "O(1)"},
    {.name = "info", .proc = command_info_command, .arity = -2, .flags = INTRO_FLAGS, .acl = ACL_CONNECTION,
     .summary = "Get array of specific Redis command details, or all when no argument is given.", .since = "2.8.13",
     .group = "server", .complexity = "O(N) where N is the number of commands to look up"},
    {.name = "list", .proc = command_list_command, .arity = -2, .flags = INTRO_FLAGS, .acl = ACL_CONNECTION,
     .summary = "Get an array of Redis command names", .since = "7.0.0", .group = "server",
     .complexity = "O(N) where N is the total number of Redis commands"},
    CMD_END,
};

struct command introspect_commands[] = {
    {.name = "command", .proc = command_all_command, .arity = -1, .flags = INTRO_FLAGS, .acl = ACL_CONNECTION,
     .subcommands = command_subcommands, .summary = "Get array of Redis command details", .since = "2.8.13",
     .group = "server", .complexity = "O(N) where N is the total number of Redis commands"},
    CMD_END,
};
