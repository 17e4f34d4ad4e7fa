/* config_cmd.c — CONFIG GET / SET / RESETSTAT / REWRITE / HELP (Redis 7.0 semantics).
 * The values, their checks and the file rewriting live in config*.c; this file only
 * turns arguments into calls and results into replies. */
#include "client.h"
#include "cmd/errorstats.h"
#include "cmd/dispatch.h"
#include "cmd/families.h"
#include "cmd/table.h"
#include "config.h"
#include "stats.h"
#include "util/alloc.h"
#include <string.h>

struct get_collect {
    char **pairs; /* name, value, name, value... */
    long long n;  /* names collected */
};

static void get_collect_one(void *priv, const char *name, const char *value) {
    struct get_collect *g = priv;
    g->pairs = wrealloc(g->pairs, (size_t)(g->n + 1) * 2 * sizeof(char *));
    g->pairs[g->n * 2] = wstrdup(name);
    g->pairs[g->n * 2 + 1] = wstrdup(value);
    g->n++;
}

/* CONFIG GET pattern [pattern ...]: a map (RESP3) / flat array (RESP2), each matching
 * option once even when several patterns match it. */
static void config_get_command(struct client *c) {
    int np = c->argc - 2;
    struct config_pattern *pats = wmalloc((size_t)np * sizeof(*pats));
    for (int i = 0; i < np; i++) {
        pats[i].p = c->argv[i + 2].ptr;
        pats[i].len = c->argv[i + 2].len;
    }
    struct get_collect g = {NULL, 0};
    config_get_patterns(pats, np, get_collect_one, &g);
    reply_map(&c->out, g.n);
    for (long long i = 0; i < g.n * 2; i++) {
        reply_bulk_cstr(&c->out, g.pairs[i]);
        wfree(g.pairs[i]);
    }
    wfree(g.pairs);
    wfree(pats);
}

/* CONFIG SET name value [name value ...]: all or nothing. */
static void config_set_command(struct client *c) {
    if ((c->argc - 2) % 2 != 0) {
        reply_syntax_error(c);
        return;
    }
    int n = (c->argc - 2) / 2;
    char **names = wmalloc((size_t)n * sizeof(char *));
    char **values = wmalloc((size_t)n * sizeof(char *));
    const char *nul_name = NULL;
    for (int i = 0; i < n; i++) {
        const struct arg *k = &c->argv[2 + i * 2], *v = &c->argv[3 + i * 2];
        names[i] = wmemdup(k->ptr, k->len);
        values[i] = wmemdup(v->ptr, v->len);
        /* a NUL would silently cut the value (a password, a path) short: refuse it */
        if (!nul_name && (memchr(k->ptr, '\0', k->len) || memchr(v->ptr, '\0', v->len))) nul_name = names[i];
    }
    char err[1024];
    if (nul_name) {
        reply_errorf(&c->out, "ERR CONFIG SET failed (possibly related to argument '%s') - argument contains a NUL byte",
                     nul_name);
    } else {
        int local = (atomic_load_explicit(&c->flags, memory_order_relaxed) & CLIENT_LOOPBACK) != 0;
        if (config_set_many(n, (const char *const *)names, (const char *const *)values, local, err, sizeof(err)) == 0)
            reply_ok(&c->out);
        else
            reply_error(&c->out, err);
    }
    for (int i = 0; i < n; i++) {
        wfree(names[i]);
        wfree(values[i]);
    }
    wfree(names);
    wfree(values);
}

static void config_resetstat_command(struct client *c) {
    stats_reset();
    command_stats_reset();
    errorstats_reset();
    reply_ok(&c->out);
}

static void config_rewrite_command(struct client *c) {
    char err[512];
    if (config_rewrite(err, sizeof(err)) == 0) reply_ok(&c->out);
    else reply_error(&c->out, err);
}

static void config_help_command(struct client *c) {
    static const char *const lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}

#define CONFIG_ADMIN_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE)
#define CONFIG_ADMIN_ACL (ACL_ADMIN | ACL_SLOW | ACL_DANGEROUS)

static struct command config_subcommands[] = {
    {.name = "get", .proc = config_get_command, .arity = -3, .flags = CONFIG_ADMIN_FLAGS, .acl = CONFIG_ADMIN_ACL,
     .summary = "Get the values of configuration parameters", .since = "2.0.0", .group = "server",
     .complexity = "O(N) when N is the number of configuration parameters provided"},
    {.name = "set", .proc = config_set_command, .arity = -4, .flags = CONFIG_ADMIN_FLAGS, .acl = CONFIG_ADMIN_ACL,
     .summary = "Set configuration parameters to the given values", .since = "2.0.0", .group = "server",
     .complexity = "O(N) when N is the number of configuration parameters provided"},
    {.name = "resetstat", .proc = config_resetstat_command, .arity = 2, .flags = CONFIG_ADMIN_FLAGS,
     .acl = CONFIG_ADMIN_ACL, .summary = "Reset the stats returned by INFO", .since = "2.0.0", .group = "server",
     .complexity = "O(1)"},
    {.name = "rewrite", .proc = config_rewrite_command, .arity = 2, .flags = CONFIG_ADMIN_FLAGS,
     .acl = CONFIG_ADMIN_ACL, .summary = "Rewrite the configuration file with the in memory configuration",
     .since = "2.8.0", .group = "server", .complexity = "O(1)"},
    {.name = "help", .proc = config_help_command, .arity = 2, .flags = CMD_LOADING | CMD_STALE, .acl = ACL_SLOW,
     .summary = "Show helpful text about the different subcommands", .since = "5.0.0", .group = "server",
     .complexity = "O(1)"},
    CMD_END,
};

struct command config_commands[] = {
    {.name = "config", .arity = -2, .acl = ACL_SLOW, .subcommands = config_subcommands,
     .summary = "A container for server configuration commands", .since = "2.0.0", .group = "server",
     .complexity = "Depends on subcommand."},
    CMD_END,
};
