/* rdb_load.h — the RDB file loader: reads the header, opcodes and key/value records
 * from a stream and hands each live entry to a sink. Accepts RDB versions 1..10 (every
 * file redis-server 7.0 can write or read); refuses corrupt, truncated or unsupported
 * input with a message naming the offset, never crashing and never allocating more
 * than the input could describe. */
#ifndef WARDEN_RDB_LOAD_H
#define WARDEN_RDB_LOAD_H
#include "db/entry.h"
#include "persist/pstream.h"

/* Receives one loaded entry (ownership passes to the sink). Returns 0, or -1 with err
 * filled (e.g. the key already exists); the loader then stops with that error. */
typedef int (*rdb_sink_fn)(void *priv, int dbid, entry *e, char *err, size_t errlen);

struct rdb_load_ctx {
    /* in */
    int ndbs;                /* SELECTDB beyond this is refused */
    long long now_ms;        /* for skip_expired */
    int skip_expired;        /* drop keys whose TTL already passed (Redis's master rule) */
    int verify_checksum;     /* rdbchecksum yes */
    rdb_sink_fn sink;
    void *priv;
    /* out */
    long long keys_loaded, keys_expired, empty_skipped;
    int version;
    int aof_base;
    char redis_ver[32];
    long long ctime;
};

/* Load a whole RDB from `s` (which must be positioned at the magic); on success the
 * stream is positioned just after the checksum. Returns 0 or -1 with err filled. */
int rdb_load_stream(struct pstream *s, struct rdb_load_ctx *ctx, char *err, size_t errlen);
#endif
