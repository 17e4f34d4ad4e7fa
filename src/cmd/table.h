/* table.h — the one command table, gathered from each family's rows at start-up. */
#ifndef WARDEN_TABLE_H
#define WARDEN_TABLE_H
#include "cmd/command.h"
#include <stddef.h>

void command_table_init(int stat_slots);
/* Case-insensitive lookup of a top-level command; NULL if unknown. */
struct command *command_lookup(const char *name, size_t len);
struct command *command_lookup_sub(const struct command *parent, const char *name, size_t len);
/* Iterate top-level commands: i in [0, command_count()). */
int command_count(void);
struct command *command_at(int i);
/* Every command and subcommand has an id in [0, command_id_count()). */
int command_id_count(void);
struct command *command_by_id(int id);
/* Per-thread statistics block of a command (slot from the calling thread). */
struct command_stats *command_stats_mine(const struct command *cmd);
/* Sum over threads (for INFO commandstats). */
void command_stats_sum(const struct command *cmd, long long *calls, long long *usec, long long *rejected,
                       long long *failed);
void command_stats_reset(void);
void command_stats_thread_register(int slot);
/* rename-command (config loading, before command_table_init): clients must use `to`
 * instead of `from`; "" disables the command. Returns -1 after the table is built. */
int command_table_add_rename(const char *from, const char *to);
int command_table_is_renamed(const char *name);
#endif
