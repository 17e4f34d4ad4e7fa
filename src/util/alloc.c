/* alloc.c — counting allocator wrapper; see alloc.h. */
#include "util/alloc.h"
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WARDEN_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#define usable_size(p) malloc_usable_size(p)
#else
#define usable_size(p) malloc_usable_size(p)
#endif

struct alloc_slot {
    _Atomic long long bytes;
    char pad[64 - sizeof(long long)];
};
static struct alloc_slot alloc_slots[ALLOC_SLOTS];
static _Thread_local int alloc_my_slot; /* 0: the shared slot for unregistered threads */
/* 1 + the highest slot registered: alloc_used_memory reads only those (it runs before
 * every write command when maxmemory is set). */
static _Atomic int alloc_slots_used = 1;

static void alloc_oom(size_t size) {
    fprintf(stderr, "warden: out of memory allocating %zu bytes\n", size);
    abort();
}

static inline void alloc_count(long long delta) {
    /* Relaxed: the counter is a statistic; nobody orders other memory on it. */
    atomic_fetch_add_explicit(&alloc_slots[alloc_my_slot].bytes, delta, memory_order_relaxed);
}

void *wmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) alloc_oom(size);
    alloc_count((long long)usable_size(p));
    return p;
}

void *wcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) alloc_oom(n * size);
    alloc_count((long long)usable_size(p));
    return p;
}

void *wrealloc(void *ptr, size_t size) {
    if (!ptr) return wmalloc(size);
    long long old = (long long)usable_size(ptr);
    void *p = realloc(ptr, size ? size : 1);
    if (!p) alloc_oom(size);
    alloc_count((long long)usable_size(p) - old);
    return p;
}

void wfree(void *ptr) {
    if (!ptr) return;
    alloc_count(-(long long)usable_size(ptr));
    free(ptr);
}

char *wmemdup(const void *src, size_t len) {
    char *p = wmalloc(len + 1);
    if (len) memcpy(p, src, len);
    p[len] = '\0';
    return p;
}

char *wstrdup(const char *s) { return wmemdup(s, strlen(s)); }

size_t walloc_size(const void *ptr) { return ptr ? usable_size((void *)ptr) : 0; }

void alloc_thread_register(int slot) {
    if (slot <= 0 || slot >= ALLOC_SLOTS) return;
    alloc_my_slot = slot;
    int cur = atomic_load(&alloc_slots_used);
    while (cur < slot + 1 && !atomic_compare_exchange_weak(&alloc_slots_used, &cur, slot + 1)) {
    }
}

long long alloc_used_memory(void) {
    long long sum = 0;
    int n = atomic_load_explicit(&alloc_slots_used, memory_order_acquire);
    for (int i = 0; i < n; i++)
        sum += atomic_load_explicit(&alloc_slots[i].bytes, memory_order_relaxed);
    return sum;
}

const char *alloc_allocator_name(void) {
#ifndef WARDEN_NO_JEMALLOC
    return "jemalloc-5.3.0";
#else
    return "libc";
#endif
}
