/* stats.h — server counters. Each thread owns one block and is its only writer;
 * INFO sums all blocks. Writers use relaxed load+store (no locked instruction on the
 * hot path); readers use relaxed loads, so a sum may lag by an increment — fine for
 * statistics. */
#ifndef WARDEN_STATS_H
#define WARDEN_STATS_H
#include <stdatomic.h>

struct thread_stats {
    _Atomic long long commands;          /* total_commands_processed */
    _Atomic long long connections;       /* total_connections_received */
    _Atomic long long rejected_conns;
    _Atomic long long hits, misses;      /* keyspace_hits/misses */
    _Atomic long long expired_keys;
    _Atomic long long evicted_keys;
    _Atomic long long net_input_bytes, net_output_bytes;
    _Atomic long long dirty;             /* writes since the last save */
    _Atomic long long error_replies;
    _Atomic long long unexpected_error_replies;
    /* network limits (net/limits.c, net/conn.c) */
    _Atomic long long rejected_conns_per_ip;      /* also counted in rejected_conns */
    _Atomic long long rate_limited_cmds;          /* rate_limited_commands */
    _Atomic long long obuf_limit_disconnections;  /* client_output_buffer_limit_disconnections */
    _Atomic long long qbuf_limit_disconnections;  /* client_query_buffer_limit_disconnections */
    _Atomic long long request_timeouts;           /* client_request_timeouts (slowloris) */
    _Atomic long long idle_timeouts;              /* clients closed by `timeout` */
    _Atomic long long tls_handshake_failures;
    _Atomic long long tls_handshake_timeouts;
    _Atomic long long oom_rejected_cmds;          /* -OOM replies */
    char pad[64];
};

#define STATS_MAX_THREADS 256
/* The calling thread's block (a shared fallback block for unregistered threads). */
struct thread_stats *stats_mine(void);
void stats_thread_register(int slot);
#define STAT_ADD(field, v)                                                                        \
    do {                                                                                          \
        struct thread_stats *s_ = stats_mine();                                                   \
        atomic_store_explicit(&s_->field, atomic_load_explicit(&s_->field, memory_order_relaxed) + \
                                              (v), memory_order_relaxed);                         \
    } while (0)
#define STAT_INC(field) STAT_ADD(field, 1)
/* Sum of one field over all threads: pass offsetof(struct thread_stats, field). */
long long stats_sum(unsigned long offset);
#define STATS_SUM(field) stats_sum(__builtin_offsetof(struct thread_stats, field))
void stats_reset(void); /* CONFIG RESETSTAT */
#endif
