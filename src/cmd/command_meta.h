/* command_meta.h — what a command table row means to the outside world: the names of
 * its flags (in Redis 7.0's order), derived facts (movable keys, key access flags) and
 * Redis's command tips. (ACL categories: acl/acl.h, acl_command_categories.) */
#ifndef WARDEN_COMMAND_META_H
#define WARDEN_COMMAND_META_H
#include "cmd/command.h"
#include <stddef.h>
#include <stdint.h>

/* Flag names COMMAND INFO shows, in Redis's order (hidden flags — sentinel,
 * only_sentinel, protected and Warden's own — are skipped). Calls fn for each. */
typedef void (*command_flag_fn)(void *priv, const char *name);
void command_flag_names(const struct command *cmd, command_flag_fn fn, void *priv);
/* 1 when the keys cannot be found from first/last/step alone. */
int command_has_movable_keys(const struct command *cmd);
/* 1 when the command may take keys at all (range or getkeys). */
int command_has_keys(const struct command *cmd);
/* Key specification flags derived from the row (Redis names: "RO", "RW", "access",
 * "update"); calls fn for each. */
void command_key_flag_names(const struct command *cmd, command_flag_fn fn, void *priv);
/* Command tips (Redis 7.0's "request_policy:…", "nondeterministic_output"…) of a
 * command by full name ("client|list"); NULL-terminated array, never NULL. */
const char *const *command_tips(const struct command *cmd);
#endif
