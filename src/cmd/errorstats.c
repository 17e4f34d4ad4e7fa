/* errorstats.c — see errorstats.h. Each thread owns one table of codes. A code's
 * name is written once, then published by a release store of the table's length, so
 * a reader that acquires the length sees complete names; counts are relaxed atomics.
 * Threads are told apart by a thread-local slot assigned on first use. */
#include "cmd/errorstats.h"
#include <stdatomic.h>
#include <string.h>

#define ERRORSTATS_THREADS 258
#define ERRORSTATS_CODE_MAX 32

struct errorstats_table {
    _Atomic int n;
    char code[ERRORSTATS_MAX_CODES][ERRORSTATS_CODE_MAX];
    _Atomic long long count[ERRORSTATS_MAX_CODES];
};

static struct errorstats_table tables[ERRORSTATS_THREADS];
static _Atomic int tables_used;
static _Thread_local struct errorstats_table *mine;

static struct errorstats_table *errorstats_mine(void) {
    if (!mine) {
        int slot = atomic_fetch_add(&tables_used, 1);
        /* more threads than slots: share the last one (counts may then race, rarely) */
        mine = &tables[slot < ERRORSTATS_THREADS ? slot : ERRORSTATS_THREADS - 1];
    }
    return mine;
}

void errorstats_count(const char *msg, size_t len, long long n) {
    size_t cl = 0;
    while (cl < len && msg[cl] != ' ') cl++;
    if (cl >= ERRORSTATS_CODE_MAX) cl = ERRORSTATS_CODE_MAX - 1;
    struct errorstats_table *t = errorstats_mine();
    int used = atomic_load_explicit(&t->n, memory_order_relaxed);
    for (int i = 0; i < used; i++)
        if (strncmp(t->code[i], msg, cl) == 0 && t->code[i][cl] == '\0') {
            atomic_fetch_add_explicit(&t->count[i], n, memory_order_relaxed);
            return;
        }
    if (used == ERRORSTATS_MAX_CODES) return;
    memcpy(t->code[used], msg, cl);
    t->code[used][cl] = '\0';
    atomic_store_explicit(&t->count[used], n, memory_order_relaxed);
    atomic_store_explicit(&t->n, used + 1, memory_order_release);
}

void errorstats_each(errorstats_fn fn, void *priv) {
    /* merge the per-thread tables by name; at most 128 distinct codes are reported */
    char names[ERRORSTATS_MAX_CODES][ERRORSTATS_CODE_MAX];
    long long totals[ERRORSTATS_MAX_CODES];
    int nnames = 0;
    int nt = atomic_load(&tables_used);
    if (nt > ERRORSTATS_THREADS) nt = ERRORSTATS_THREADS;
    for (int t = 0; t < nt; t++) {
        int used = atomic_load_explicit(&tables[t].n, memory_order_acquire);
        for (int i = 0; i < used; i++) {
            long long v = atomic_load_explicit(&tables[t].count[i], memory_order_relaxed);
            int k = 0;
            while (k < nnames && strcmp(names[k], tables[t].code[i]) != 0) k++;
            if (k == nnames) {
                if (nnames == ERRORSTATS_MAX_CODES) continue;
                memcpy(names[k], tables[t].code[i], ERRORSTATS_CODE_MAX);
                totals[k] = 0;
                nnames++;
            }
            totals[k] += v;
        }
    }
    for (int k = 0; k < nnames; k++)
        if (totals[k]) fn(priv, names[k], totals[k]);
}

void errorstats_reset(void) {
    /* names stay (a thread may be appending); counts go to zero and zero rows are hidden */
    int nt = atomic_load(&tables_used);
    if (nt > ERRORSTATS_THREADS) nt = ERRORSTATS_THREADS;
    for (int t = 0; t < nt; t++) {
        int used = atomic_load_explicit(&tables[t].n, memory_order_acquire);
        for (int i = 0; i < used; i++) atomic_store_explicit(&tables[t].count[i], 0, memory_order_relaxed);
    }
}
