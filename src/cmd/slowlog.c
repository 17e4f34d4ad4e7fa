/* slowlog.c — see slowlog.h.
 *
 * Each thread that records gets its own list (newest first) under its own mutex, so
 * recording never contends with other workers; SLOWLOG GET/LEN/RESET visit every
 * list. Ids come from one atomic counter, which gives the merged, newest-first order.
 * Each list keeps at most slowlog-max-len entries, and the readers show at most that
 * many overall (the newest), so the visible log behaves like Redis's single list.
 *
 * Entries copy at most 32 arguments of at most 128 bytes each (Redis's limits), and
 * secrets (AUTH passwords, HELLO AUTH, ACL SETUSER rules, CONFIG SET requirepass)
 * are replaced by "(redacted)". */
#include "cmd/slowlog.h"
#include "client.h"
#include "cmd/command.h"
#include "config.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/numparse.h"
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_STRING 128
#define SLOWLOG_MAX_LISTS 258

struct slowlog_entry {
    struct slowlog_entry *next, *prev;
    long long id, time_sec, duration_us;
    int argc;
    struct arg *argv; /* owned copies */
    char addr[128];
    char *name;       /* owned, may be NULL */
};

struct slowlog_list {
    pthread_mutex_t lock;
    struct slowlog_entry *head, *tail;
    long long len;
};

static _Atomic long long next_id;
static struct slowlog_list *lists[SLOWLOG_MAX_LISTS];
static _Atomic int nlists;
static pthread_mutex_t lists_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local struct slowlog_list *my_list;

/* slowlog-log-slower-than and slowlog-max-len, read live (CONFIG SET applies at once) */
static long long slowlog_threshold(void) { return server_config.slowlog_log_slower_than; }
static long long slowlog_limit(void) {
    long long n = server_config.slowlog_max_len;
    return n < 0 ? 0 : n;
}

static void entry_free(struct slowlog_entry *e) {
    for (int i = 0; i < e->argc; i++) wfree(e->argv[i].ptr);
    wfree(e->argv);
    wfree(e->name);
    wfree(e);
}

static struct slowlog_list *slowlog_mine(void) {
    if (my_list) return my_list;
    pthread_mutex_lock(&lists_lock);
    int n = atomic_load(&nlists);
    if (n < SLOWLOG_MAX_LISTS) {
        struct slowlog_list *l = wcalloc(1, sizeof(*l));
        pthread_mutex_init(&l->lock, NULL);
        lists[n] = l;
        atomic_store(&nlists, n + 1);
        my_list = l;
    } else {
        my_list = lists[SLOWLOG_MAX_LISTS - 1]; /* shared, still locked: correct */
    }
    pthread_mutex_unlock(&lists_lock);
    return my_list;
}

static void arg_copy(struct arg *dst, const char *p, size_t len) {
    if (len > SLOWLOG_MAX_STRING) {
        char tail[64];
        int tl = snprintf(tail, sizeof(tail), "... (%zu more bytes)", len - SLOWLOG_MAX_STRING);
        dst->ptr = wmalloc(SLOWLOG_MAX_STRING + (size_t)tl + 1);
        memcpy(dst->ptr, p, SLOWLOG_MAX_STRING);
        memcpy(dst->ptr + SLOWLOG_MAX_STRING, tail, (size_t)tl + 1);
        dst->len = SLOWLOG_MAX_STRING + (size_t)tl;
    } else {
        dst->ptr = wmemdup(p, len);
        dst->len = len;
    }
}

/* 1 when argument i of the command is a secret to hide. */
static int slowlog_arg_is_secret(const struct client *c, const struct command *cmd, int i) {
    const char *full = cmd->fullname;
    if (strcmp(full, "auth") == 0) return i >= 1;
    if (strcmp(full, "acl|setuser") == 0 || strcmp(full, "migrate") == 0) return i >= 3;
    if (strcmp(full, "hello") == 0) {
        for (int k = 2; k + 2 < c->argc && k < i; k++)
            if (arg_eq(&c->argv[k], "AUTH") && (i == k + 1 || i == k + 2)) return 1;
        return 0;
    }
    if (strcmp(full, "config|set") == 0 && i >= 3 && (i % 2) == 1) {
        const struct arg *opt = &c->argv[i - 1];
        return arg_eq(opt, "requirepass") || arg_eq(opt, "masterauth") || arg_eq(opt, "masteruser");
    }
    return 0;
}

void slowlog_maybe_record(struct client *c, const struct command *cmd, long long duration_us) {
    long long threshold = slowlog_threshold();
    if (threshold < 0 || duration_us < threshold || (cmd->flags & CMD_SKIP_SLOWLOG)) return;
    long long limit = slowlog_limit();
    if (limit == 0) return;
    struct slowlog_entry *e = wcalloc(1, sizeof(*e));
    e->id = atomic_fetch_add(&next_id, 1);
    e->time_sec = clock_ms() / 1000;
    e->duration_us = duration_us;
    int n = c->argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : c->argc;
    e->argc = n;
    e->argv = wmalloc((size_t)n * sizeof(struct arg));
    for (int i = 0; i < n; i++) {
        if (i == SLOWLOG_MAX_ARGC - 1 && c->argc > SLOWLOG_MAX_ARGC) {
            char more[64];
            int ml = snprintf(more, sizeof(more), "... (%d more arguments)", c->argc - SLOWLOG_MAX_ARGC + 1);
            arg_copy(&e->argv[i], more, (size_t)ml);
        } else if (slowlog_arg_is_secret(c, cmd, i)) {
            arg_copy(&e->argv[i], "(redacted)", 10);
        } else {
            arg_copy(&e->argv[i], c->argv[i].ptr, c->argv[i].len);
        }
    }
    snprintf(e->addr, sizeof(e->addr), "%s", c->addr);
    if (c->name) e->name = wstrdup(c->name);
    struct slowlog_list *l = slowlog_mine();
    pthread_mutex_lock(&l->lock);
    e->next = l->head;
    if (l->head) l->head->prev = e;
    l->head = e;
    if (!l->tail) l->tail = e;
    l->len++;
    while (l->len > limit) {
        struct slowlog_entry *old = l->tail;
        l->tail = old->prev;
        if (l->tail) l->tail->next = NULL;
        else l->head = NULL;
        l->len--;
        entry_free(old);
    }
    pthread_mutex_unlock(&l->lock);
}

/* Deep copies of the newest entries over all lists, newest first. */
struct slowlog_snapshot {
    struct slowlog_entry **v;
    long long n, cap;
};

static int entry_newer_first(const void *a, const void *b) {
    long long x = (*(struct slowlog_entry *const *)a)->id, y = (*(struct slowlog_entry *const *)b)->id;
    return x < y ? 1 : x > y ? -1 : 0;
}

static struct slowlog_entry *entry_dup(const struct slowlog_entry *s) {
    struct slowlog_entry *e = wcalloc(1, sizeof(*e));
    e->id = s->id;
    e->time_sec = s->time_sec;
    e->duration_us = s->duration_us;
    e->argc = s->argc;
    e->argv = wmalloc((size_t)s->argc * sizeof(struct arg));
    for (int i = 0; i < s->argc; i++) {
        e->argv[i].ptr = wmemdup(s->argv[i].ptr, s->argv[i].len);
        e->argv[i].len = s->argv[i].len;
    }
    memcpy(e->addr, s->addr, sizeof(e->addr));
    e->name = s->name ? wstrdup(s->name) : NULL;
    return e;
}

static void snapshot_take(struct slowlog_snapshot *s, long long want) {
    memset(s, 0, sizeof(*s));
    int n = atomic_load(&nlists);
    for (int i = 0; i < n; i++) {
        struct slowlog_list *l = lists[i];
        pthread_mutex_lock(&l->lock);
        long long k = 0;
        for (struct slowlog_entry *e = l->head; e && k < want; e = e->next, k++) {
            if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 16;
                s->v = wrealloc(s->v, (size_t)s->cap * sizeof(*s->v));
            }
            s->v[s->n++] = entry_dup(e);
        }
        pthread_mutex_unlock(&l->lock);
    }
    if (s->n) qsort(s->v, (size_t)s->n, sizeof(*s->v), entry_newer_first);
}

static void snapshot_free(struct slowlog_snapshot *s) {
    for (long long i = 0; i < s->n; i++) entry_free(s->v[i]);
    wfree(s->v);
}

static long long visible_limit(void) { return slowlog_limit(); }

void slowlog_get_command(struct client *c) {
    long long count = 10;
    if (c->argc > 3) {
        reply_errorf(&c->out, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try SLOWLOG HELP.",
                     (int)(c->argv[1].len > 64 ? 64 : c->argv[1].len), c->argv[1].ptr);
        return;
    }
    if (c->argc == 3 && (num_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0 || count < -1)) {
        reply_error(&c->out, "ERR count should be greater than or equal to -1");
        return;
    }
    long long limit = visible_limit();
    if (count == -1 || count > limit) count = limit;
    struct slowlog_snapshot s;
    snapshot_take(&s, count);
    long long n = s.n < count ? s.n : count;
    reply_array(&c->out, n);
    for (long long i = 0; i < n; i++) {
        const struct slowlog_entry *e = s.v[i];
        reply_array(&c->out, 6);
        reply_int(&c->out, e->id);
        reply_int(&c->out, e->time_sec);
        reply_int(&c->out, e->duration_us);
        reply_array(&c->out, e->argc);
        for (int k = 0; k < e->argc; k++) reply_bulk(&c->out, e->argv[k].ptr, e->argv[k].len);
        reply_bulk_cstr(&c->out, e->addr);
        reply_bulk_cstr(&c->out, e->name ? e->name : "");
    }
    snapshot_free(&s);
}

void slowlog_len_command(struct client *c) {
    long long total = 0;
    int n = atomic_load(&nlists);
    for (int i = 0; i < n; i++) {
        pthread_mutex_lock(&lists[i]->lock);
        total += lists[i]->len;
        pthread_mutex_unlock(&lists[i]->lock);
    }
    long long limit = visible_limit();
    reply_int(&c->out, total < limit ? total : limit);
}

static void list_clear(struct slowlog_list *l) {
    struct slowlog_entry *e = l->head;
    while (e) {
        struct slowlog_entry *next = e->next;
        entry_free(e);
        e = next;
    }
    l->head = l->tail = NULL;
    l->len = 0;
}

void slowlog_reset_command(struct client *c) {
    int n = atomic_load(&nlists);
    for (int i = 0; i < n; i++) {
        pthread_mutex_lock(&lists[i]->lock);
        list_clear(lists[i]);
        pthread_mutex_unlock(&lists[i]->lock);
    }
    reply_ok(&c->out);
}

void slowlog_free_all(void) {
    pthread_mutex_lock(&lists_lock);
    int n = atomic_load(&nlists);
    for (int i = 0; i < n; i++) {
        list_clear(lists[i]);
        pthread_mutex_destroy(&lists[i]->lock);
        wfree(lists[i]);
        lists[i] = NULL;
    }
    atomic_store(&nlists, 0);
    pthread_mutex_unlock(&lists_lock);
}

void slowlog_help_command(struct client *c) {
    static const char *const lines[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Answer the <count> newest entries (default 10, -1 for all). Each is: id, Unix time,",
        "    duration in microseconds, arguments, client address, client name.",
        "LEN",
        "    Answer the number of entries.",
        "RESET",
        "    Forget every entry.",
        "HELP",
        "    Print this help.",
    };
    reply_help(&c->out, lines, (int)(sizeof(lines) / sizeof(lines[0])));
}
