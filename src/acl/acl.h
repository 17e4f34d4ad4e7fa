/* acl.h — Redis-7-compatible access control: users, passwords (SHA-256 only), selectors
 * with command bitmaps, key patterns (read/write split) and channel patterns.
 *
 * Concurrency: users are read by every worker on every command and changed rarely (ACL
 * SETUSER/DELUSER/LOAD, CONFIG). Each thread reads under its own slot of a per-thread
 * rwlock array (an uncontended, thread-local cache line: readers never touch a shared
 * line); writers take every slot for writing, in slot order. A struct acl_user stays
 * allocated for the process lifetime once created (deleted users move to a graveyard
 * freed at exit), so a client's user pointer is never dangling. */
#ifndef WARDEN_ACL_H
#define WARDEN_ACL_H
#include <stddef.h>
#include <stdint.h>

struct acl_user;
struct client;
struct command;
struct reply;

/* Result of a permission check. */
enum acl_denial { ACL_OK = 0, ACL_DENIED_CMD, ACL_DENIED_KEY, ACL_DENIED_CHANNEL, ACL_DENIED_AUTH };

void acl_init(void);            /* after the command table; creates "default" */
void acl_shutdown(void);        /* frees everything (leak checkers) */
void acl_thread_register(int slot); /* give the calling thread its own read-lock slot */
void acl_read_lock(void);
void acl_read_unlock(void);

struct acl_user *acl_default_user(void);
/* Look up a user by name (read lock held by caller, or from the main thread). */
struct acl_user *acl_find_user(const char *name, size_t len);
const char *acl_user_name(const struct acl_user *u);
/* 1 when user is "on" and nopass (the default user of a fresh server). */
int acl_user_nopass_enabled(const struct acl_user *u);
/* 1 when user is "on" (read lock held by caller). TLS client-certificate login uses it. */
int acl_user_enabled(const struct acl_user *u);
int acl_default_user_has_password(void);

/* Check user/password; returns the user on success, NULL otherwise. Constant-time
 * comparison of SHA-256 digests. */
struct acl_user *acl_authenticate(const char *user, size_t ulen, const char *pass, size_t plen);
/* Can `u` run cmd with c's argv? Returns ACL_OK or the denial kind; *errpos gets the
 * argv index of the offending key/channel (or 0). Takes the read lock itself. */
int acl_check_command(struct acl_user *u, const struct command *cmd, struct client *c, int *errpos);
/* 1 if `u` may run cmd with c's argv through a selector that can also read every key
 * (SORT's BY and GET patterns need it, as in Redis 7.0). NULL u: 1. */
int acl_user_reads_all_keys(struct acl_user *u, const struct command *cmd, struct client *c);
/* Apply one rule (as in ACL SETUSER) to a user, creating it if needed. Writers only. */
int acl_setuser(const char *name, size_t nlen, int nrules, char **rules, size_t *rlens, char *err, size_t errlen);
int acl_deluser(const char *name, size_t nlen); /* 1 deleted, 0 missing, -1 default */
/* "user <name> <rules...>" as ACL LIST prints it; returns a wmalloc'd string. */
char *acl_describe_user(struct acl_user *u);
/* ACL GETUSER reply. */
void acl_reply_getuser(struct reply *r, struct acl_user *u);
/* Iterate users (read lock held): returns NULL at the end. */
struct acl_user *acl_user_at(int i);
/* Effective categories of a command (explicit + implied by flags). */
uint64_t acl_command_categories(const struct command *cmd);
const char *acl_category_name(int bit);
int acl_category_count(void);
/* Called when a user changes or is deleted: disconnect its clients (as Redis). */
void acl_kill_clients_of(struct acl_user *u);
/* Replace every user by the ones in `text` (an ACL file's content). All-or-nothing:
 * on error *err names the line and nothing changes. */
int acl_load_text(const char *text, char *err, size_t errlen);
/* The ACL file's content for every user (wmalloc'd). */
char *acl_dump_text(void);
/* `user` lines from the config file: kept until acl_apply_config_users(). */
int acl_config_user_line(int argc, char **argv, char *err, size_t errlen);
int acl_apply_config_users(char *err, size_t errlen);
int acl_has_config_users(void);
/* Read a whole ACL file (wmalloc'd text), or NULL with errno set. */
char *acl_read_file(const char *path);
/* requirepass sets the default user's password (or nopass when empty). */
void acl_set_requirepass(const char *pass);
#endif
