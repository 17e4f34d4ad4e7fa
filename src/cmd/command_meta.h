/* command_meta.h — what a command table row means to the outside world: the names of
 * its flags and ACL categories (in Redis 7.0's order), the categories its flags imply,
 * and derived facts (movable keys). Shared by COMMAND (introspect.c) and ACL. */
#ifndef WARDEN_COMMAND_META_H
#define WARDEN_COMMAND_META_H
#include "cmd/command.h"
#include <stddef.h>
#include <stdint.h>

/* Every category of the row: the explicit `acl` bits plus those Redis implies from the
 * flags (write → @write, readonly → @read, admin → @admin @dangerous, pubsub,
 * fast, blocking, and @slow for everything that is not @fast). */
uint64_t command_acl_categories(const struct command *cmd);
/* Number of ACL categories; name of category i (bit i), without '@'. */
int acl_category_count(void);
const char *acl_category_name(int i);
/* Category bit for a name (case-insensitive, no '@'); 0 if unknown. */
uint64_t acl_category_lookup(const char *name, size_t len);

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
