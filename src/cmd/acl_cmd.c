/* acl_cmd.c — the ACL command family (Redis 7.0): SETUSER GETUSER DELUSER USERS LIST
 * WHOAMI CAT GENPASS LOG DRYRUN SAVE LOAD HELP. */
#include "acl/acl.h"
#include "acl/acl_log.h"
#include "acl/audit.h"
#include "client.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/table.h"
#include "config.h"
#include "util/alloc.h"
#include "util/fileio.h"
#include "util/log.h"
#include "util/numparse.h"
#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void audit_acl_change(struct client *c, const char *sub, const char *target) {
    audit_event("acl_change", c->addr, acl_user_name(c->user), sub, target);
}

static void acl_setuser_command(struct client *c) {
    int n = c->argc - 3;
    char **rules = wmalloc((size_t)(n > 0 ? n : 1) * sizeof(char *));
    size_t *lens = wmalloc((size_t)(n > 0 ? n : 1) * sizeof(size_t));
    for (int i = 0; i < n; i++) {
        rules[i] = c->argv[3 + i].ptr;
        lens[i] = c->argv[3 + i].len;
    }
    char err[600];
    char *name = wmemdup(c->argv[2].ptr, c->argv[2].len);
    if (acl_setuser(c->argv[2].ptr, c->argv[2].len, n, rules, lens, err, sizeof(err)) == 0) {
        reply_ok(&c->out);
        audit_acl_change(c, "acl|setuser", name);
    } else {
        reply_errorf(&c->out, "ERR %s", err);
    }
    wfree(name);
    wfree(rules);
    wfree(lens);
}

static void acl_getuser_command(struct client *c) {
    acl_read_lock();
    struct acl_user *u = acl_find_user(c->argv[2].ptr, c->argv[2].len);
    if (u) acl_reply_getuser(&c->out, u);
    else reply_null(&c->out);
    acl_read_unlock();
}

static void acl_deluser_command(struct client *c) {
    long long deleted = 0;
    for (int i = 2; i < c->argc; i++) {
        int r = acl_deluser(c->argv[i].ptr, c->argv[i].len);
        if (r < 0) {
            reply_error(&c->out, "ERR The 'default' user cannot be removed");
            return;
        }
        if (r > 0) {
            char *name = wmemdup(c->argv[i].ptr, c->argv[i].len);
            audit_acl_change(c, "acl|deluser", name);
            wfree(name);
        }
        deleted += r;
    }
    reply_int(&c->out, deleted);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted user names (wmalloc'd array of borrowed names; read lock held). */
static const char **sorted_names(int *n) {
    int count = 0;
    while (acl_user_at(count)) count++;
    const char **names = wmalloc((size_t)(count ? count : 1) * sizeof(char *));
    for (int i = 0; i < count; i++) names[i] = acl_user_name(acl_user_at(i));
    qsort(names, (size_t)count, sizeof(char *), cmp_str);
    *n = count;
    return names;
}

static void acl_users_command(struct client *c) {
    acl_read_lock();
    int n;
    const char **names = sorted_names(&n);
    reply_array(&c->out, n);
    for (int i = 0; i < n; i++) reply_bulk_cstr(&c->out, names[i]);
    wfree(names);
    acl_read_unlock();
}

static void acl_list_command(struct client *c) {
    acl_read_lock();
    int n;
    const char **names = sorted_names(&n);
    reply_array(&c->out, n);
    for (int i = 0; i < n; i++) {
        char *d = acl_describe_user(acl_find_user(names[i], strlen(names[i])));
        reply_bulk_cstr(&c->out, d);
        wfree(d);
    }
    wfree(names);
    acl_read_unlock();
}

static void acl_whoami_command(struct client *c) { reply_bulk_cstr(&c->out, acl_user_name(c->user)); }

static void acl_cat_command(struct client *c) {
    if (c->argc == 2) {
        reply_array(&c->out, acl_category_count());
        for (int i = 0; i < acl_category_count(); i++) reply_bulk_cstr(&c->out, acl_category_name(i));
        return;
    }
    if (c->argc != 3) {
        reply_wrong_args(c);
        return;
    }
    int bit = -1;
    for (int i = 0; i < acl_category_count(); i++)
        if (strlen(acl_category_name(i)) == c->argv[2].len &&
            strncasecmp(acl_category_name(i), c->argv[2].ptr, c->argv[2].len) == 0)
            bit = i;
    if (bit < 0) {
        reply_errorf(&c->out, "ERR Unknown category '%.*s'", (int)(c->argv[2].len > 128 ? 128 : c->argv[2].len),
                     c->argv[2].ptr);
        return;
    }
    reply_deferred d = reply_defer_len(&c->out);
    long long n = 0;
    for (int id = 0; id < command_id_count(); id++) {
        const struct command *cmd = command_by_id(id);
        if (acl_command_categories(cmd) & (1ULL << bit)) {
            reply_bulk_cstr(&c->out, cmd->fullname);
            n++;
        }
    }
    reply_set_deferred_array(&c->out, d, n);
}

static void acl_genpass_command(struct client *c) {
    long long bits = 256;
    if (c->argc > 3) {
        reply_wrong_args(c);
        return;
    }
    if (c->argc == 3 && (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &bits) != 0 || bits <= 0 || bits > 4096)) {
        reply_error(&c->out, "ERR ACL GENPASS argument must be the number of bits for the output password, a "
                             "positive number up to 4096");
        return;
    }
    int chars = (int)((bits + 3) / 4);
    unsigned char raw[512];
    if (RAND_bytes(raw, (chars + 1) / 2) != 1) {
        reply_error(&c->out, "ERR failed to generate random bytes");
        return;
    }
    char hex[1025];
    for (int i = 0; i < chars; i++) {
        int nib = (i & 1) ? raw[i / 2] & 15 : raw[i / 2] >> 4;
        hex[i] = "0123456789abcdef"[nib];
    }
    reply_bulk(&c->out, hex, (size_t)chars);
}

static void acl_log_command(struct client *c) {
    long long count = 10;
    if (c->argc > 3) {
        reply_wrong_args(c);
        return;
    }
    if (c->argc == 3) {
        if (arg_eq(&c->argv[2], "RESET")) {
            acl_log_reset();
            reply_ok(&c->out);
            return;
        }
        if (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 || count < 0) {
            reply_error(&c->out, "ERR value is out of range, must be positive");
            return;
        }
    }
    acl_log_reply(&c->out, count);
}

static void acl_dryrun_command(struct client *c) {
    acl_read_lock();
    struct acl_user *u = acl_find_user(c->argv[2].ptr, c->argv[2].len);
    acl_read_unlock();
    if (!u) {
        reply_errorf(&c->out, "ERR User '%.*s' not found", (int)(c->argv[2].len > 128 ? 128 : c->argv[2].len),
                     c->argv[2].ptr);
        return;
    }
    const struct arg *name = &c->argv[3];
    struct command *cmd = command_lookup(name->ptr, name->len);
    if (!cmd) {
        reply_errorf(&c->out, "ERR Command '%.*s' not found", (int)(name->len > 128 ? 128 : name->len), name->ptr);
        return;
    }
    struct client fake;
    memset(&fake, 0, sizeof(fake));
    fake.argc = c->argc - 3;
    fake.argv = c->argv + 3;
    if (cmd->subcommands && fake.argc >= 2) {
        struct command *sub = command_lookup_sub(cmd, fake.argv[1].ptr, fake.argv[1].len);
        if (sub) cmd = sub;
    }
    if ((cmd->arity > 0 && fake.argc != cmd->arity) || (cmd->arity < 0 && fake.argc < -cmd->arity)) {
        reply_errorf(&c->out, "ERR wrong number of arguments for '%s' command", cmd->fullname);
        return;
    }
    int pos;
    int res = acl_check_command(u, cmd, &fake, &pos);
    char msg[400];
    switch (res) {
    case ACL_OK: reply_ok(&c->out); return;
    case ACL_DENIED_CMD:
        snprintf(msg, sizeof(msg), "This user has no permissions to run the '%s' command", cmd->fullname);
        break;
    case ACL_DENIED_KEY:
        snprintf(msg, sizeof(msg), "This user has no permissions to access the '%.*s' key",
                 (int)(fake.argv[pos].len > 128 ? 128 : fake.argv[pos].len), fake.argv[pos].ptr);
        break;
    default:
        snprintf(msg, sizeof(msg), "This user has no permissions to access the '%.*s' channel",
                 (int)(fake.argv[pos].len > 128 ? 128 : fake.argv[pos].len), fake.argv[pos].ptr);
        break;
    }
    reply_bulk_cstr(&c->out, msg);
}

static const char no_aclfile[] =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL "
    "SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order "
    "to store users in the Redis configuration.";

/* The configured ACL file into path; -1 after replying the error when there is none. */
static int acl_file_path(struct client *c, char *path, size_t size) {
    config_copy_string(&server_config.aclfile, path, size);
    if (path[0]) return 0;
    reply_error(&c->out, no_aclfile);
    return -1;
}

static void acl_save_command(struct client *c) {
    char path[4096];
    if (acl_file_path(c, path, sizeof(path)) != 0) return;
    char *text = acl_dump_text();
    int rc = file_write_atomic(path, text, strlen(text), 0600);
    wfree(text);
    if (rc != 0) {
        log_warning("Saving the ACLs to '%s' failed: %s", path, strerror(errno));
        reply_error(&c->out, "ERR There was an error trying to save the ACLs. Please check the server logs for more "
                             "information");
        return;
    }
    audit_acl_change(c, "acl|save", NULL);
    reply_ok(&c->out);
}

#define ACL_MAX_FILE (64 * 1024 * 1024) /* refuse absurd files */

/* Read the ACL file into a wmalloc'd string; NULL with errno on failure. */
char *acl_read_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t len;
    char *buf = file_read_all(f, ACL_MAX_FILE, &len);
    int saved = errno;
    fclose(f);
    errno = saved;
    return buf;
}

static void acl_load_command(struct client *c) {
    char path[4096];
    if (acl_file_path(c, path, sizeof(path)) != 0) return;
    char *text = acl_read_file(path);
    if (!text) {
        reply_errorf(&c->out, "ERR Error loading ACLs, opening file '%s': %s", path, strerror(errno));
        return;
    }
    char err[700];
    int rc = acl_load_text(text, err, sizeof(err));
    wfree(text);
    if (rc != 0) {
        reply_errorf(&c->out, "ERR %s", err);
        return;
    }
    audit_acl_change(c, "acl|load", NULL);
    reply_ok(&c->out);
}

static void acl_help_command(struct client *c) {
    static const char *const lines[] = {
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

#define ACL_SUB(nm, fn, ar, fl, summ)                                                              \
    {.name = nm, .proc = fn, .arity = ar, .flags = CMD_LOADING | CMD_STALE | CMD_SENTINEL | (fl),   \
     .acl = 0, .summary = summ, .since = "6.0.0", .group = "server", .complexity = "O(1)"}

static struct command acl_subcommands[] = {
    ACL_SUB("cat", acl_cat_command, -2, CMD_NOSCRIPT | 0, "Lists the ACL categories, or the commands inside a category."),
    ACL_SUB("deluser", acl_deluser_command, -3, CMD_NOSCRIPT | CMD_ADMIN, "Deletes ACL users, and terminates their connections."),
    ACL_SUB("dryrun", acl_dryrun_command, -4, CMD_NOSCRIPT | CMD_ADMIN, "Simulates the execution of a command by a user, without executing the command."),
    ACL_SUB("genpass", acl_genpass_command, -2, CMD_NOSCRIPT | 0, "Generates a pseudorandom, secure password that can be used to identify ACL users."),
    ACL_SUB("getuser", acl_getuser_command, 3, CMD_NOSCRIPT | CMD_ADMIN, "Lists the ACL rules of a user."),
    ACL_SUB("help", acl_help_command, 2, 0, "Returns helpful text about the different subcommands."),
    ACL_SUB("list", acl_list_command, 2, CMD_NOSCRIPT | CMD_ADMIN, "Dumps the effective rules in ACL file format."),
    ACL_SUB("load", acl_load_command, 2, CMD_NOSCRIPT | CMD_ADMIN, "Reloads the rules from the configured ACL file."),
    ACL_SUB("log", acl_log_command, -2, CMD_NOSCRIPT | CMD_ADMIN, "Lists recent security events generated due to ACL rules."),
    ACL_SUB("save", acl_save_command, 2, CMD_NOSCRIPT | CMD_ADMIN, "Saves the effective ACL rules in the configured ACL file."),
    ACL_SUB("setuser", acl_setuser_command, -3, CMD_NOSCRIPT | CMD_ADMIN, "Creates and modifies an ACL user and its rules."),
    ACL_SUB("users", acl_users_command, 2, CMD_NOSCRIPT | CMD_ADMIN, "Lists all ACL users."),
    ACL_SUB("whoami", acl_whoami_command, 2, CMD_NOSCRIPT | 0, "Returns the authenticated username of the current connection."),
    CMD_END,
};

struct command acl_commands[] = {
    {.name = "acl", .arity = -2, .flags = CMD_SENTINEL, .acl = ACL_SLOW, .subcommands = acl_subcommands,
     .summary = "A container for Access List Control commands.", .since = "6.0.0", .group = "server",
     .complexity = "Depends on subcommand."},
    CMD_END,
};
