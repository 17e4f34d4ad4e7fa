/* families.h — every command family's table rows (defined in cmd/<family>.c). */
#ifndef WARDEN_FAMILIES_H
#define WARDEN_FAMILIES_H
#include "cmd/command.h"
extern struct command connection_commands[]; /* cmd/connection.c */
extern struct command server_commands[];     /* cmd/server.c */
extern struct command client_commands[];     /* cmd/client_cmd.c */
extern struct command config_commands[];     /* cmd/config_cmd.c */
extern struct command info_commands[];       /* cmd/info.c */
extern struct command introspect_commands[]; /* cmd/introspect.c (COMMAND) */
extern struct command debug_commands[];      /* cmd/debug.c */
extern struct command keys_commands[];       /* cmd/keys.c */
extern struct command expire_commands[];     /* cmd/expire_cmd.c */
extern struct command string_commands[];     /* cmd/string.c */
extern struct command bits_commands[];       /* cmd/bits.c */
extern struct command set_commands[];        /* cmd/set_cmd.c */
extern struct command zset_commands[];       /* cmd/zset_cmd.c (+ zrange_cmd.c, zsetop_cmd.c) */
extern struct command sort_commands[];       /* cmd/sort_cmd.c */
extern struct command acl_commands[];        /* cmd/acl_cmd.c */
extern struct command list_commands[];       /* cmd/list_cmd.c */
extern struct command hash_commands[];       /* cmd/hash_cmd.c */
extern struct command multi_commands[];      /* cmd/multi.c */
extern struct command pubsub_commands[];     /* cmd/pubsub_cmd.c */
extern struct command persist_commands[];    /* cmd/persist_cmd.c (SAVE, BGSAVE) */
extern struct command dump_commands[];       /* cmd/dump_cmd.c (DUMP, RESTORE) */
#endif
