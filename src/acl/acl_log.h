/* acl_log.h — ACL LOG entries (see acl_log.c). */
#ifndef WARDEN_ACL_LOG_H
#define WARDEN_ACL_LOG_H
#include <stdatomic.h>
#include <stddef.h>
struct reply;
enum { ACL_LOG_AUTH = 1, ACL_LOG_COMMAND, ACL_LOG_KEY, ACL_LOG_CHANNEL };
enum { ACL_LOG_CTX_TOPLEVEL = 0, ACL_LOG_CTX_MULTI, ACL_LOG_CTX_LUA };
void acl_log_add(int reason, int context, const char *object, size_t olen, const char *username,
                 const char *client_info);
void acl_log_reset(void);
void acl_log_reply(struct reply *r, long long count);
void acl_log_set_max_len(long long n);
#endif
