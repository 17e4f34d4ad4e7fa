/* alloc.h — the one allocator wrapper: every allocation Warden makes for data goes
 * through here so that used memory is counted (INFO used_memory, maxmemory).
 * Counting is per thread (one padded slot each) and summed on demand, so the hot
 * path never contends on a shared counter. Out of memory aborts with a message:
 * an in-memory store that cannot allocate has no safe way to continue. */
#ifndef WARDEN_ALLOC_H
#define WARDEN_ALLOC_H
#include <stddef.h>

void *wmalloc(size_t size);
void *wcalloc(size_t n, size_t size);
void *wrealloc(void *ptr, size_t size);
void  wfree(void *ptr);                 /* accepts NULL */
char *wstrdup(const char *s);
char *wmemdup(const void *p, size_t len); /* copy + NUL terminator */
size_t walloc_size(const void *ptr);    /* usable size of a live allocation */
/* Give the calling thread its own counter slot (0 < slot < ALLOC_SLOTS). */
void alloc_thread_register(int slot);
long long alloc_used_memory(void);     /* sum of all slots */
const char *alloc_allocator_name(void);
#define ALLOC_SLOTS 256
#endif
