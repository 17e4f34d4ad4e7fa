/* table.c — see table.h. Lookup is an open-addressing table keyed by the lower-cased
 * name; it is built once before threads start and read-only after. */
#include "cmd/table.h"
#include "cmd/families.h"
#include "util/alloc.h"
#include "util/siphash.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static struct command **top;    /* top-level commands */
static int ntop;
static struct command **by_id;  /* commands and subcommands */
static int nids;
struct lookup_slot {
    const char *name; /* the name clients use (rename-command may change it); owned if renamed */
    struct command *cmd;
};
static struct lookup_slot *slots; /* lookup hash table */
static size_t nslots;
struct rename {
    char *from, *to; /* owned; to == "" disables the command */
};
static struct rename *renames;
static int nrenames;
static struct command_stats *stats_blocks; /* [stat_slots][nids] */
static int nstat_slots;
static _Thread_local int stats_slot;

static struct command *family_list[] = {connection_commands, server_commands, client_commands, config_commands,
                                        info_commands,       introspect_commands, debug_commands, keys_commands,
                                        expire_commands,     string_commands,     bits_commands,
                                        acl_commands,        list_commands,       hash_commands,
                                        set_commands,        zset_commands,       sort_commands,
                                        multi_commands,      pubsub_commands,     persist_commands,
                                        dump_commands};

static void table_add_id(struct command *c) {
    by_id = wrealloc(by_id, (size_t)(nids + 1) * sizeof(*by_id));
    c->id = nids;
    by_id[nids++] = c;
}

static size_t name_hash(const char *name, size_t len) { return (size_t)hash_bytes_nocase(name, len); }

void command_table_init(int stat_slots) {
    for (size_t f = 0; f < sizeof(family_list) / sizeof(family_list[0]); f++) {
        for (struct command *c = family_list[f]; c->name; c++) {
            top = wrealloc(top, (size_t)(ntop + 1) * sizeof(*top));
            top[ntop++] = c;
            snprintf(c->fullname, sizeof(c->fullname), "%s", c->name);
            table_add_id(c);
            for (struct command *s = (struct command *)c->subcommands; s && s->name; s++) {
                s->parent = c;
                snprintf(s->fullname, sizeof(s->fullname), "%s|%s", c->name, s->name);
                table_add_id(s);
            }
        }
    }
    nslots = 1;
    while (nslots < (size_t)ntop * 4) nslots <<= 1;
    slots = wcalloc(nslots, sizeof(*slots));
    for (int i = 0; i < ntop; i++) {
        const char *name = top[i]->name;
        for (int r = 0; r < nrenames; r++)
            if (!strcasecmp(renames[r].from, name)) name = renames[r].to;
        if (!name[0]) continue; /* disabled by rename-command NAME "" */
        size_t h = name_hash(name, strlen(name)) & (nslots - 1);
        while (slots[h].cmd) h = (h + 1) & (nslots - 1);
        slots[h].name = name;
        slots[h].cmd = top[i];
    }
    nstat_slots = stat_slots;
    stats_blocks = wcalloc((size_t)stat_slots * (size_t)nids, sizeof(struct command_stats));
    for (int i = 0; i < nids; i++) by_id[i]->stats = &stats_blocks[i];
}

struct command *command_lookup(const char *name, size_t len) {
    if (len == 0 || len > 64) return NULL;
    size_t h = name_hash(name, len) & (nslots - 1);
    while (slots[h].cmd) {
        if (strlen(slots[h].name) == len && strncasecmp(slots[h].name, name, len) == 0) return slots[h].cmd;
        h = (h + 1) & (nslots - 1);
    }
    return NULL;
}

struct command *command_lookup_sub(const struct command *parent, const char *name, size_t len) {
    for (struct command *s = (struct command *)parent->subcommands; s && s->name; s++)
        if (strlen(s->name) == len && strncasecmp(s->name, name, len) == 0) return s;
    return NULL;
}

int command_count(void) { return ntop; }
struct command *command_at(int i) { return top[i]; }
int command_id_count(void) { return nids; }
struct command *command_by_id(int id) { return id >= 0 && id < nids ? by_id[id] : NULL; }

void command_stats_thread_register(int slot) {
    if (slot > 0 && slot < nstat_slots) stats_slot = slot;
}

struct command_stats *command_stats_mine(const struct command *cmd) {
    return &stats_blocks[(size_t)stats_slot * (size_t)nids + (size_t)cmd->id];
}

void command_stats_sum(const struct command *cmd, long long *calls, long long *usec, long long *rejected,
                       long long *failed) {
    *calls = *usec = *rejected = *failed = 0;
    for (int s = 0; s < nstat_slots; s++) {
        struct command_stats *st = &stats_blocks[(size_t)s * (size_t)nids + (size_t)cmd->id];
        *calls += atomic_load_explicit(&st->calls, memory_order_relaxed);
        *usec += atomic_load_explicit(&st->usec, memory_order_relaxed);
        *rejected += atomic_load_explicit(&st->rejected, memory_order_relaxed);
        *failed += atomic_load_explicit(&st->failed, memory_order_relaxed);
    }
}

void command_stats_reset(void) {
    for (size_t i = 0; i < (size_t)nstat_slots * (size_t)nids; i++) {
        atomic_store(&stats_blocks[i].calls, 0);
        atomic_store(&stats_blocks[i].usec, 0);
        atomic_store(&stats_blocks[i].rejected, 0);
        atomic_store(&stats_blocks[i].failed, 0);
    }
}

int command_table_add_rename(const char *from, const char *to) {
    if (slots) return -1; /* only before the table is built (config loading) */
    renames = wrealloc(renames, (size_t)(nrenames + 1) * sizeof(*renames));
    renames[nrenames].from = wstrdup(from);
    renames[nrenames].to = wstrdup(to);
    nrenames++;
    return 0;
}

int command_table_is_renamed(const char *name) {
    for (int r = 0; r < nrenames; r++)
        if (!strcasecmp(renames[r].from, name)) return 1;
    return 0;
}
