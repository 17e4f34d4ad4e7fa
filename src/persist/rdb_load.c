/* rdb_load.c — see rdb_load.h. The record loop mirrors the file layout in rdb.h:
 * opcodes set state for the next key (expire, idle, freq) or the current db; value
 * type bytes go to the codec registry (rdb_types.h). */
#include "persist/rdb_load.h"
#include "persist/rdb.h"
#include "persist/rdb_types.h"
#include "util/alloc.h"
#include "util/numparse.h"
#include <stdio.h>
#include <string.h>

static int load_fail(struct pstream *s, char *err, size_t errlen) {
    snprintf(err, errlen, "Bad RDB data at offset %llu: %s", (unsigned long long)s->offset,
             s->error[0] ? s->error : "unknown error");
    return -1;
}

/* Aux fields: remember the ones that matter, ignore the rest as Redis does. */
static int load_aux(struct pstream *s, struct rdb_load_ctx *ctx) {
    char *k, *v;
    size_t kl, vl;
    if (rdb_read_string(s, &k, &kl) != 0) return -1;
    if (rdb_read_string(s, &v, &vl) != 0) {
        wfree(k);
        return -1;
    }
    long long n;
    if (!strcmp(k, "redis-ver")) snprintf(ctx->redis_ver, sizeof(ctx->redis_ver), "%.*s", (int)(vl > 31 ? 31 : vl), v);
    else if (!strcmp(k, "aof-base") && num_parse_ll(v, vl, &n) == 0) ctx->aof_base = n != 0;
    else if (!strcmp(k, "ctime") && num_parse_ll(v, vl, &n) == 0) ctx->ctime = n;
    wfree(k);
    wfree(v);
    return 0;
}

int rdb_load_stream(struct pstream *s, struct rdb_load_ctx *ctx, char *err, size_t errlen) {
    char magic[10];
    ctx->keys_loaded = ctx->keys_expired = 0;
    s->checksum = 1;
    s->crc = 0;
    if (ps_read(s, magic, 9) != 0) {
        snprintf(err, errlen, "Short read loading the RDB header: %s", s->error);
        return -1;
    }
    magic[9] = '\0';
    if (memcmp(magic, "REDIS", 5) != 0) {
        snprintf(err, errlen, "Wrong signature trying to load DB from file");
        return -1;
    }
    int ver = 0;
    for (int i = 5; i < 9; i++) {
        if (magic[i] < '0' || magic[i] > '9') {
            snprintf(err, errlen, "Wrong signature trying to load DB from file");
            return -1;
        }
        ver = ver * 10 + (magic[i] - '0');
    }
    if (ver < 1 || ver > RDB_VERSION) {
        snprintf(err, errlen, "Can't handle RDB format version %d", ver);
        return -1;
    }
    ctx->version = ver;
    int dbid = 0;
    long long expire = -1;
    for (;;) {
        int t;
        if (rdb_read_byte(s, &t) != 0) return load_fail(s, err, errlen);
        switch (t) {
        case RDB_OPCODE_EXPIRETIME: {
            unsigned char b[4];
            if (ps_read(s, b, 4) != 0) return load_fail(s, err, errlen);
            int32_t sec = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
            expire = (long long)sec * 1000;
            continue;
        }
        case RDB_OPCODE_EXPIRETIME_MS:
            if (rdb_read_millis(s, &expire) != 0) return load_fail(s, err, errlen);
            continue;
        case RDB_OPCODE_FREQ: {
            int f;
            if (rdb_read_byte(s, &f) != 0) return load_fail(s, err, errlen);
            continue; /* LFU hints: no eviction policy uses them yet */
        }
        case RDB_OPCODE_IDLE: {
            uint64_t idle;
            if (rdb_read_len(s, &idle) != 0) return load_fail(s, err, errlen);
            continue;
        }
        case RDB_OPCODE_EOF: {
            uint64_t computed = s->crc;
            if (ctx->version >= 5) {
                unsigned char b[8];
                s->checksum = 0;
                if (ps_read(s, b, 8) != 0) return load_fail(s, err, errlen);
                uint64_t stored = 0;
                for (int i = 7; i >= 0; i--) stored = stored << 8 | b[i];
                if (ctx->verify_checksum && stored != 0 && stored != computed) {
                    snprintf(err, errlen, "Wrong RDB checksum expected: (%llx) got: (%llx). Aborting now.",
                             (unsigned long long)stored, (unsigned long long)computed);
                    return -1;
                }
            }
            return 0;
        }
        case RDB_OPCODE_SELECTDB: {
            uint64_t id;
            if (rdb_read_len(s, &id) != 0) return load_fail(s, err, errlen);
            if (id >= (uint64_t)ctx->ndbs) {
                snprintf(err, errlen,
                         "FATAL: Data file was created with a Redis server configured to handle more than %d "
                         "databases. Exiting",
                         ctx->ndbs);
                return -1;
            }
            dbid = (int)id;
            continue;
        }
        case RDB_OPCODE_RESIZEDB: {
            uint64_t a, b;
            if (rdb_read_len(s, &a) != 0 || rdb_read_len(s, &b) != 0) return load_fail(s, err, errlen);
            continue;
        }
        case RDB_OPCODE_AUX:
            if (load_aux(s, ctx) != 0) return load_fail(s, err, errlen);
            continue;
        case RDB_OPCODE_MODULE_AUX:
            snprintf(err, errlen, "The RDB holds module auxiliary data at offset %llu; Warden has no modules",
                     (unsigned long long)s->offset);
            return -1;
        case RDB_OPCODE_FUNCTION:
        case RDB_OPCODE_FUNCTION2:
            snprintf(err, errlen, "The RDB holds a Redis Functions library at offset %llu; Warden does not "
                                  "support functions",
                     (unsigned long long)s->offset);
            return -1;
        default:
            break;
        }
        if (!rdb_is_object_type(t)) {
            ps_fail(s, "unknown record type %d", t);
            return load_fail(s, err, errlen);
        }
        char *key;
        size_t klen;
        if (rdb_read_string(s, &key, &klen) != 0) return load_fail(s, err, errlen);
        entry *e = rdb_load_value(s, t, key, klen, expire);
        wfree(key);
        if (!e) {
            if (ps_failed(s)) return load_fail(s, err, errlen);
            ctx->empty_skipped++; /* an empty collection: Redis skips those too */
            expire = -1;
            continue;
        }
        if (ctx->skip_expired && expire >= 0 && expire < ctx->now_ms) {
            entry_free(e);
            ctx->keys_expired++;
        } else {
            if (ctx->sink(ctx->priv, dbid, e, err, errlen) != 0) return -1;
            ctx->keys_loaded++;
        }
        expire = -1;
    }
}
