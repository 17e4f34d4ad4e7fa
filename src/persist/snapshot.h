/* snapshot.h — point-in-time consistent RDB snapshots without fork().
 *
 * The instant: snapshot_write() takes every shard lock once, records the time T, the
 * per-db key counts and a new epoch, arms the write gate (db.h) and releases the
 * locks. Every command that completed before holds its effects in the tables; every
 * later write finds the gate armed.
 *
 * Serialization: the snapshot walks db by db, shard by shard; each shard is
 * serialized into memory under one hold of its lock (one shard is 1/256 of a db), and
 * the bytes go to the file after the lock is released. A writer that is about to
 * change a shard the snapshot has not reached yet (dispatch, expiry, flush, swap call
 * db_cow_before_write with the shard lock held) serializes that shard's contents
 * first, as they were at T, and queues the piece; the snapshot writes queued pieces as
 * soon as it can (an RDB may select a db more than once), so extra memory is bounded
 * by the shards written to meanwhile, each serialized once, in RDB's compact form. A
 * flush hands the old table itself to the snapshot instead (no copy at all).
 *
 * One snapshot at a time (the caller, persist.c, guarantees it). The writing thread
 * may hold shard locks already (shutdown and DEBUG RELOAD hold them all): walks use
 * shard_lock_once. */
#ifndef WARDEN_SNAPSHOT_H
#define WARDEN_SNAPSHOT_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct lockset;

struct snapshot_opts {
    int compress;        /* rdbcompression */
    int checksum;        /* rdbchecksum */
    int aof_base;        /* aux aof-base */
    uint64_t sync_every; /* incremental fsync (bytes), 0 = off */
    int aof_format;      /* write commands (an AOF base without RDB preamble) instead of RDB */
    /* called at the instant, with every shard lock held (the AOF switches files there) */
    void (*at_instant)(void *arg);
    void *instant_arg;
};

struct snapshot_stats {
    long long start_ms;          /* T */
    long long dirty_at_start;    /* STATS_SUM(dirty) at T */
    _Atomic long long keys_total;
    _Atomic long long keys_done;
    long long bytes;
    long long cow_shards;        /* shards serialized by writers ahead of the snapshot */
    long long cow_bytes;         /* ... and their bytes (Redis's rdb_last_cow_size analogue) */
    long long cow_peak;          /* most bytes queued at once */
};

/* Allocate the per-shard state and install the db hooks (after db_init_all). */
void snapshot_init(void);
void snapshot_free(void);
/* Write a complete RDB of the instant T into fd (fsynced before returning). Returns 0,
 * or -1 with err filled (also when aborted). `st` (optional) is updated as it goes. */
int snapshot_write(int fd, const struct snapshot_opts *o, struct snapshot_stats *st, char *err, size_t errlen);
/* Ask a running snapshot_write to stop as soon as possible (any thread). */
void snapshot_abort(void);
/* Dispatch's part of the gate: the shards of a write command's lockset (held). */
void snapshot_before_write_lockset(const struct lockset *ls);
#endif
