/* acl_log.c — ACL LOG: the most recent denials (auth failures, commands, keys,
 * channels), grouped as Redis 7.0 groups them: an entry with the same reason, context,
 * object and user seen within 60 seconds is counted again instead of added. Bounded by
 * acllog-max-len. Guarded by one mutex: denials are rare and never on the fast path. */
#include "acl/acl_log.h"
#include "proto/reply.h"
#include "util/alloc.h"
#include "util/clock.h"
#include <pthread.h>
#include <string.h>

struct acl_log_entry {
    struct acl_log_entry *next;
    long long count;
    int reason;
    int context;
    char *object, *username, *client_info; /* owned */
    long long ctime_ms;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct acl_log_entry *log_head; /* newest first */
static int log_len;
static _Atomic long long log_max_len = 128;

static const char *reason_name(int r) {
    switch (r) {
    case ACL_LOG_AUTH: return "auth";
    case ACL_LOG_COMMAND: return "command";
    case ACL_LOG_KEY: return "key";
    default: return "channel";
    }
}

static void entry_free(struct acl_log_entry *e) {
    wfree(e->object);
    wfree(e->username);
    wfree(e->client_info);
    wfree(e);
}

void acl_log_set_max_len(long long n) { atomic_store(&log_max_len, n); }

void acl_log_add(int reason, int context, const char *object, size_t olen, const char *username,
                 const char *client_info) {
    long long now = clock_ms();
    if (olen > 256) olen = 256; /* never store a huge key verbatim */
    pthread_mutex_lock(&log_lock);
    struct acl_log_entry **pp = &log_head;
    for (struct acl_log_entry *e = log_head; e; pp = &e->next, e = e->next) {
        if (e->reason == reason && e->context == context && strlen(e->object) == olen &&
            memcmp(e->object, object, olen) == 0 && strcmp(e->username, username) == 0 && now - e->ctime_ms < 60000) {
            e->count++;
            e->ctime_ms = now;
            wfree(e->client_info);
            e->client_info = wstrdup(client_info);
            /* move to the front: it is the most recent */
            *pp = e->next;
            e->next = log_head;
            log_head = e;
            pthread_mutex_unlock(&log_lock);
            return;
        }
    }
    struct acl_log_entry *e = wcalloc(1, sizeof(*e));
    e->count = 1;
    e->reason = reason;
    e->context = context;
    e->object = wmemdup(object, olen);
    e->username = wstrdup(username);
    e->client_info = wstrdup(client_info);
    e->ctime_ms = now;
    e->next = log_head;
    log_head = e;
    log_len++;
    long long max = atomic_load(&log_max_len);
    while (log_len > max && log_head) {
        struct acl_log_entry **last = &log_head;
        while ((*last)->next) last = &(*last)->next;
        entry_free(*last);
        *last = NULL;
        log_len--;
    }
    pthread_mutex_unlock(&log_lock);
}

void acl_log_reset(void) {
    pthread_mutex_lock(&log_lock);
    while (log_head) {
        struct acl_log_entry *n = log_head->next;
        entry_free(log_head);
        log_head = n;
    }
    log_len = 0;
    pthread_mutex_unlock(&log_lock);
}

void acl_log_reply(struct reply *r, long long count) {
    long long now = clock_ms();
    pthread_mutex_lock(&log_lock);
    long long n = log_len < count ? log_len : count;
    reply_array(r, n);
    struct acl_log_entry *e = log_head;
    for (long long i = 0; i < n && e; i++, e = e->next) {
        reply_map(r, 7);
        reply_bulk_cstr(r, "count");
        reply_int(r, e->count);
        reply_bulk_cstr(r, "reason");
        reply_bulk_cstr(r, reason_name(e->reason));
        reply_bulk_cstr(r, "context");
        reply_bulk_cstr(r, e->context == ACL_LOG_CTX_MULTI ? "multi" : e->context == ACL_LOG_CTX_LUA ? "lua" : "toplevel");
        reply_bulk_cstr(r, "object");
        reply_bulk_cstr(r, e->object);
        reply_bulk_cstr(r, "username");
        reply_bulk_cstr(r, e->username);
        reply_bulk_cstr(r, "age-seconds");
        reply_double(r, (double)(now - e->ctime_ms) / 1000.0);
        reply_bulk_cstr(r, "client-info");
        reply_bulk_cstr(r, e->client_info);
    }
    pthread_mutex_unlock(&log_lock);
}
