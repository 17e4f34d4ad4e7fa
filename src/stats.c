/* stats.c — see stats.h. The shared fallback block (slot 0) can have several writers
 * (startup code, helper threads), so its updates may rarely lose an increment; worker
 * threads always have their own slot. */
#include "stats.h"
#include <stddef.h>

static struct thread_stats stats_blocks[STATS_MAX_THREADS];
static _Thread_local int stats_slot;

struct thread_stats *stats_mine(void) { return &stats_blocks[stats_slot]; }

void stats_thread_register(int slot) {
    if (slot > 0 && slot < STATS_MAX_THREADS) stats_slot = slot;
}

long long stats_sum(unsigned long offset) {
    long long sum = 0;
    for (int i = 0; i < STATS_MAX_THREADS; i++) {
        _Atomic long long *f = (_Atomic long long *)((char *)&stats_blocks[i] + offset);
        sum += atomic_load_explicit(f, memory_order_relaxed);
    }
    return sum;
}

void stats_reset(void) {
    for (int i = 0; i < STATS_MAX_THREADS; i++) {
        struct thread_stats *s = &stats_blocks[i];
        _Atomic long long *fields[] = {&s->commands, &s->connections, &s->rejected_conns, &s->hits,
                                       &s->misses, &s->expired_keys, &s->evicted_keys,
                                       &s->net_input_bytes, &s->net_output_bytes,
                                       &s->error_replies, &s->unexpected_error_replies,
                                       &s->rejected_conns_per_ip, &s->rate_limited_cmds,
                                       &s->obuf_limit_disconnections, &s->qbuf_limit_disconnections,
                                       &s->request_timeouts, &s->idle_timeouts, &s->tls_handshake_failures,
                                       &s->tls_handshake_timeouts, &s->oom_rejected_cmds};
        for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
            atomic_store_explicit(fields[k], 0, memory_order_relaxed);
    }
}
