/* evict.h — maxmemory and eviction.
 *
 * Before a command flagged CMD_DENYOOM runs, dispatch calls evict_make_room(): when the
 * allocator's count (alloc_used_memory: keys, values, client buffers, TLS buffers) is
 * over `maxmemory`, keys are evicted under `maxmemory-policy` until it is under again,
 * or the command is refused with Redis's -OOM error.
 *
 * Eviction never pauses the keyspace: it samples one shard at a time (its lock held only
 * while sampling or deleting in that shard), keeps the best candidates seen in a small
 * pool (as Redis's eviction pool), and deletes the best one. Time per call is bounded by
 * maxmemory-eviction-tenacity (Redis's formula); a call that evicted something but ran out
 * of time lets its command run, as Redis does while eviction is "in progress".
 *
 * The access clock (entry->lru, 24 bits):
 *   LRU policies — seconds, db_lru_clock();
 *   LFU policies — (minutes & 0xFFFF) << 8 | an 8-bit logarithmic access counter: each
 *   access raises the counter with probability 1 / ((counter - 5) * lfu-log-factor + 1),
 *   and it loses one per lfu-decay-time minutes without access. New keys start at 5 so
 *   that they are not the first to go. */
#ifndef WARDEN_EVICT_H
#define WARDEN_EVICT_H
#include "config.h"
#include <stdatomic.h>
#include <stdint.h>

#define EVICT_LFU_INIT 5

static inline int evict_policy_is_lfu(int policy) {
    return policy == MAXMEMORY_ALLKEYS_LFU || policy == MAXMEMORY_VOLATILE_LFU;
}
static inline int evict_lfu_active(void) {
    return evict_policy_is_lfu(atomic_load_explicit(&server_config.maxmemory_policy, memory_order_relaxed));
}

/* The clock value of a key just accessed (old: its current value). */
uint32_t evict_clock_on_access(uint32_t old);
/* The clock value of a new key. */
uint32_t evict_clock_new(void);
/* The LFU counter of a clock value after the decay due by now. */
unsigned evict_lfu_decayed(uint32_t lru);

enum evict_result { EVICT_OK = 0, EVICT_OOM = -1 };
/* Owner thread of a client, holding no shard lock: bring used memory under maxmemory.
 * Returns EVICT_OK when the command may run, EVICT_OOM when it must be refused
 * ("-OOM command not allowed when used memory > 'maxmemory'."). */
int evict_make_room(void);
/* At a worker thread's exit: free its candidate pool (leak checkers). */
void evict_thread_free(void);
/* 1 when maxmemory is set and used memory is over it (no eviction attempted). */
int evict_over_limit(void);
#endif
