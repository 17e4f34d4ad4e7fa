/* lazyfree.c — a background thread that frees big values (UNLINK, DEL of large keys)
 * and whole tables (FLUSHALL/FLUSHDB ASYNC) so the worker that dropped them does not
 * pause. The queue is a mutex-protected list; the condition variable wakes the thread. */
#include "db/db.h"
#include "util/alloc.h"
#include <stdatomic.h>

struct lazy_item {
    struct lazy_item *next;
    entry *e;            /* one entry, or */
    struct ktable kt;    /* a whole table (kt.size[0] != 0) */
};

static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lazy_cond = PTHREAD_COND_INITIALIZER;
static struct lazy_item *lazy_head;
static int lazy_stop, lazy_running;
static pthread_t lazy_thread;
static _Atomic long long lazy_pending;

static void lazy_push(struct lazy_item *it) {
    if (!lazy_running) { /* not started (tests, shutdown): free inline */
        if (it->e) entry_free(it->e);
        else ktable_clear(&it->kt);
        wfree(it);
        return;
    }
    atomic_fetch_add(&lazy_pending, 1);
    pthread_mutex_lock(&lazy_lock);
    it->next = lazy_head;
    lazy_head = it;
    pthread_cond_signal(&lazy_cond);
    pthread_mutex_unlock(&lazy_lock);
}

void db_lazyfree_entry(entry *e) {
    struct lazy_item *it = wcalloc(1, sizeof(*it));
    it->e = e;
    ktable_init(&it->kt);
    lazy_push(it);
}

void db_lazyfree_table(struct ktable *kt) {
    if (ktable_count(kt) == 0) {
        ktable_clear(kt);
        return;
    }
    struct lazy_item *it = wcalloc(1, sizeof(*it));
    it->kt = *kt;
    ktable_init(kt);
    lazy_push(it);
}

long long db_lazyfree_pending(void) { return atomic_load(&lazy_pending); }

static void *lazy_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lazy_lock);
    while (1) {
        while (!lazy_head && !lazy_stop) pthread_cond_wait(&lazy_cond, &lazy_lock);
        struct lazy_item *list = lazy_head;
        lazy_head = NULL;
        if (!list && lazy_stop) break;
        pthread_mutex_unlock(&lazy_lock);
        while (list) {
            struct lazy_item *n = list->next;
            if (list->e) entry_free(list->e);
            else ktable_clear(&list->kt);
            wfree(list);
            atomic_fetch_sub(&lazy_pending, 1);
            list = n;
        }
        pthread_mutex_lock(&lazy_lock);
    }
    pthread_mutex_unlock(&lazy_lock);
    return NULL;
}

void db_lazyfree_start(void) {
    if (lazy_running) return;
    lazy_running = 1;
    pthread_create(&lazy_thread, NULL, lazy_main, NULL);
}

void db_lazyfree_stop(void) {
    if (!lazy_running) return;
    pthread_mutex_lock(&lazy_lock);
    lazy_stop = 1;
    pthread_cond_signal(&lazy_cond);
    pthread_mutex_unlock(&lazy_lock);
    pthread_join(lazy_thread, NULL);
    lazy_running = 0;
}
