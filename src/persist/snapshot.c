/* snapshot.c — see snapshot.h for the design. Memory orderings: the epoch, T and the
 * options are written while the writer holds every shard lock and read under one shard
 * lock, so the mutexes order them. The gate bit is set under all locks too: a thread
 * that takes a shard lock afterwards sees it; one that saw it clear held its locks
 * before the instant, so its write is part of the snapshot. Clearing the gate needs no
 * ordering: by then every shard's done_epoch is current and the slow path is a no-op. */
#include "persist/snapshot.h"
#include "db/db.h"
#include "db/lockset.h"
#include "persist/aof_emit.h"
#include "persist/crypt.h"
#include "persist/pstream.h"
#include "persist/rdb_save.h"
#include "stats.h"
#include "util/alloc.h"
#include "util/clock.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct snap_piece {
    struct snap_piece *next;
    int dbid;
    unsigned char *bytes; /* serialized records, or */
    size_t len;
    long long keys;
    int is_table;         /* a whole table adopted from a flush (serialized by the snapshot) */
    struct ktable kt;
    char error[160];      /* serialization failed */
};

static uint64_t *done_epoch; /* per global shard id, guarded by that shard's lock */
static uint64_t snap_epoch;
static long long snap_time;
static int snap_compress;
static int snap_aof_format;
static _Atomic int snap_aborting;
static struct snapshot_stats *snap_progress;
static _Atomic long long cow_shards, cow_bytes, queued_bytes, queued_peak;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snap_piece *queue_head, *queue_tail;

/* ---- serialization of one shard (lock held, or a detached table) ---- */

struct ser_ctx {
    struct pstream ps;
    long long now;
    int compress;
    long long keys;
};

static void ser_entry(void *priv, entry *e) {
    struct ser_ctx *c = priv;
    if (db_entry_expired(e, c->now)) return; /* already gone at the instant */
    int rc = snap_aof_format ? aof_emit_entry(&c->ps, e) : rdb_save_entry(&c->ps, e, c->compress);
    if (rc == 0) c->keys++;
}

/* Serialize a table into a new piece; NULL when it holds nothing live at T. */
static struct snap_piece *ser_table(int dbid, struct ktable *kt) {
    if (ktable_count(kt) == 0) return NULL;
    struct ser_ctx c;
    ps_init_mem_writer(&c.ps);
    c.now = snap_time;
    c.compress = snap_compress;
    c.keys = 0;
    uint64_t cur = 0;
    do cur = ktable_scan(kt, cur, ser_entry, &c);
    while (cur != 0);
    if (c.keys == 0 && !ps_failed(&c.ps)) {
        ps_close(&c.ps);
        return NULL;
    }
    struct snap_piece *p = wcalloc(1, sizeof(*p));
    p->dbid = dbid;
    p->keys = c.keys;
    if (ps_failed(&c.ps)) snprintf(p->error, sizeof(p->error), "%s", c.ps.error);
    p->bytes = ps_mem_take(&c.ps, &p->len);
    ps_close(&c.ps);
    return p;
}

static void queue_push(struct snap_piece *p) {
    long long q = atomic_fetch_add(&queued_bytes, (long long)p->len) + (long long)p->len;
    long long peak = atomic_load(&queued_peak);
    while (q > peak && !atomic_compare_exchange_weak(&queued_peak, &peak, q)) {
    }
    pthread_mutex_lock(&queue_lock);
    p->next = NULL;
    if (queue_tail) queue_tail->next = p;
    else queue_head = p;
    queue_tail = p;
    pthread_mutex_unlock(&queue_lock);
}

static struct snap_piece *queue_take_all(void) {
    pthread_mutex_lock(&queue_lock);
    struct snap_piece *p = queue_head;
    queue_head = queue_tail = NULL;
    pthread_mutex_unlock(&queue_lock);
    return p;
}

static void piece_free(struct snap_piece *p) {
    if (p->is_table) db_lazyfree_table(&p->kt);
    wfree(p->bytes);
    wfree(p);
}

/* ---- the writers' side of the gate (shard lock held) ---- */

static void cow_before_write(int dbid, uint32_t shard) {
    uint32_t id = db_lock_id(dbid, shard);
    if (done_epoch[id] == snap_epoch) return;
    done_epoch[id] = snap_epoch;
    if (atomic_load(&snap_aborting)) return;
    struct snap_piece *p = ser_table(dbid, &db_get(dbid)->shards[shard].kt);
    if (p) {
        atomic_fetch_add(&cow_shards, 1);
        atomic_fetch_add(&cow_bytes, (long long)p->len);
        queue_push(p);
    }
}

static int cow_adopt_table(int dbid, uint32_t shard, struct ktable *kt) {
    uint32_t id = db_lock_id(dbid, shard);
    if (done_epoch[id] == snap_epoch) return 0;
    done_epoch[id] = snap_epoch;
    if (atomic_load(&snap_aborting) || ktable_count(kt) == 0) return 0;
    struct snap_piece *p = wcalloc(1, sizeof(*p));
    p->dbid = dbid;
    p->is_table = 1;
    p->kt = *kt; /* the caller re-initializes its table */
    queue_push(p);
    return 1;
}

void snapshot_before_write_lockset(const struct lockset *ls) {
    if (!(atomic_load_explicit(&db_write_gate, memory_order_relaxed) & DB_GATE_COW)) return;
    uint32_t prev = UINT32_MAX;
    for (int i = 0; i < ls->n; i++) { /* sorted by lockset_acquire */
        uint32_t id = ls->ids[i];
        if (id == prev) continue;
        prev = id;
        cow_before_write((int)(id / DB_SHARDS), id % DB_SHARDS);
    }
}

void snapshot_init(void) {
    size_t n = (size_t)db_count() * DB_SHARDS;
    done_epoch = wcalloc(n, sizeof(uint64_t));
    struct db_cow_hooks h = {.before_write = cow_before_write, .adopt_table = cow_adopt_table};
    db_set_cow_hooks(&h);
}

void snapshot_free(void) {
    wfree(done_epoch);
    done_epoch = NULL;
}

void snapshot_abort(void) { atomic_store(&snap_aborting, 1); }

/* ---- the snapshot's side ---- */

struct emit_state {
    struct pstream *out;
    int cur_db;
    unsigned char *started; /* per db: SELECTDB + RESIZEDB written */
    uint64_t *keys_at, *volatile_at;
};

/* Write one piece (and free it). Tables adopted from a flush are serialized here. */
static int emit_piece(struct emit_state *es, struct snap_piece *p) {
    if (p->is_table) {
        struct snap_piece *q = atomic_load(&snap_aborting) ? NULL : ser_table(p->dbid, &p->kt);
        piece_free(p);
        if (!q) return 0;
        p = q;
    }
    int rc = 0;
    if (p->error[0]) rc = ps_fail(es->out, "%s", p->error);
    else if (p->keys > 0 && !atomic_load(&snap_aborting)) {
        if (es->cur_db != p->dbid) {
            if (snap_aof_format) {
                rc = aof_emit_select(es->out, p->dbid);
            } else if (!es->started[p->dbid]) {
                es->started[p->dbid] = 1;
                rc = rdb_save_select_db(es->out, p->dbid, es->keys_at[p->dbid], es->volatile_at[p->dbid]);
            } else {
                rc = rdb_save_select_only(es->out, p->dbid);
            }
            es->cur_db = p->dbid;
        }
        if (rc == 0) rc = ps_write(es->out, p->bytes, p->len);
        if (snap_progress) atomic_fetch_add(&snap_progress->keys_done, p->keys);
    }
    piece_free(p);
    return rc;
}

static int drain_queue(struct emit_state *es) {
    int rc = 0;
    struct snap_piece *p = queue_take_all();
    while (p) {
        struct snap_piece *n = p->next;
        atomic_fetch_sub(&queued_bytes, (long long)p->len);
        if (emit_piece(es, p) != 0) rc = -1;
        p = n;
    }
    return rc;
}

int snapshot_write(int fd, const struct snapshot_opts *o, struct snapshot_stats *st, char *err, size_t errlen) {
    int ndb = db_count();
    struct emit_state es = {.cur_db = -1};
    es.started = wcalloc((size_t)ndb, 1);
    es.keys_at = wcalloc((size_t)ndb, sizeof(uint64_t));
    es.volatile_at = wcalloc((size_t)ndb, sizeof(uint64_t));
    atomic_store(&snap_aborting, 0);

    /* the instant: every shard lock held once */
    struct lockset all;
    lockset_init(&all);
    lockset_add_all(&all);
    lockset_acquire(&all);
    snap_epoch++;
    snap_time = clock_ms();
    snap_compress = o->compress;
    snap_aof_format = o->aof_format;
    long long total = 0;
    for (int d = 0; d < ndb; d++) {
        struct db *db = db_get(d);
        for (uint32_t s = 0; s < DB_SHARDS; s++) {
            es.keys_at[d] += ktable_count(&db->shards[s].kt);
            es.volatile_at[d] += db->shards[s].volatile_keys;
        }
        total += (long long)es.keys_at[d];
    }
    if (st) {
        st->start_ms = snap_time;
        st->dirty_at_start = STATS_SUM(dirty);
        atomic_store(&st->keys_total, total);
        atomic_store(&st->keys_done, 0);
    }
    snap_progress = st;
    atomic_store(&cow_shards, 0);
    atomic_store(&cow_bytes, 0);
    atomic_store(&queued_bytes, 0);
    atomic_store(&queued_peak, 0);
    atomic_fetch_or(&db_write_gate, DB_GATE_COW);
    if (o->at_instant) o->at_instant(o->instant_arg);
    lockset_release(&all);
    lockset_free(&all);

    struct pstream out;
    crypt_open_writer(&out, fd, o->sync_every); /* encrypted when a key is configured */
    out.checksum = o->checksum;
    es.out = &out;
    struct rdb_header_info hi = {.ctime = snap_time / 1000, .used_mem = alloc_used_memory(), .aof_base = o->aof_base};
    if (!o->aof_format) rdb_save_header(&out, &hi);
    for (int d = 0; d < ndb; d++) {
        struct db *db = db_get(d);
        for (uint32_t s = 0; s < DB_SHARDS; s++) {
            int took = shard_lock_once(d, s);
            struct snap_piece *p = NULL;
            uint32_t id = db_lock_id(d, s);
            if (done_epoch[id] != snap_epoch) {
                done_epoch[id] = snap_epoch;
                if (!atomic_load(&snap_aborting) && !ps_failed(&out)) p = ser_table(d, &db->shards[s].kt);
            }
            if (took) shard_unlock_taken(d, s);
            if (p) emit_piece(&es, p);
            drain_queue(&es);
        }
    }
    /* every shard is done now: no writer can queue more */
    drain_queue(&es);
    atomic_fetch_and(&db_write_gate, ~DB_GATE_COW);
    snap_progress = NULL;
    if (atomic_load(&snap_aborting)) ps_fail(&out, "snapshot aborted");
    if (!o->aof_format) rdb_save_footer(&out);
    ps_finish(&out);
    if (st) {
        st->bytes = (long long)out.offset;
        st->cow_shards = atomic_load(&cow_shards);
        st->cow_bytes = atomic_load(&cow_bytes);
        st->cow_peak = atomic_load(&queued_peak);
    }
    int rc = 0;
    if (ps_failed(&out)) {
        snprintf(err, errlen, "%s", out.error);
        rc = -1;
    }
    ps_close(&out);
    wfree(es.started);
    wfree(es.keys_at);
    wfree(es.volatile_at);
    return rc;
}
