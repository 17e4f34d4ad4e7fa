/* rdb_dump.c — see rdb_dump.h. */
#include "persist/rdb_dump.h"
#include "persist/crc64.h"
#include "persist/pstream.h"
#include "persist/rdb.h"
#include "persist/rdb_types.h"
#include <stdio.h>
#include <string.h>

#define DUMP_FOOTER 10

unsigned char *rdb_dump_payload(const entry *e, int compress, size_t *len) {
    struct pstream s;
    ps_init_mem_writer(&s);
    /* the stream's own CRC covers exactly the bytes before the checksum */
    s.checksum = 1;
    rdb_save_object(&s, e, compress);
    unsigned char foot[8];
    foot[0] = RDB_VERSION & 0xff;
    foot[1] = (RDB_VERSION >> 8) & 0xff;
    ps_write(&s, foot, 2);
    uint64_t crc = s.crc;
    for (int i = 0; i < 8; i++) foot[i] = (unsigned char)(crc >> (8 * i));
    ps_write(&s, foot, 8);
    unsigned char *p = NULL;
    if (!ps_failed(&s)) p = ps_mem_take(&s, len);
    ps_close(&s);
    return p;
}

int rdb_dump_verify(const unsigned char *p, size_t len) {
    if (len < DUMP_FOOTER) return -1;
    const unsigned char *f = p + len - DUMP_FOOTER;
    unsigned version = (unsigned)f[0] | (unsigned)f[1] << 8;
    if (version > RDB_VERSION) return -1;
    uint64_t crc = crc64(0, p, len - 8), stored = 0;
    for (int i = 7; i >= 0; i--) stored = stored << 8 | f[2 + i];
    return crc == stored ? 0 : -1;
}

entry *rdb_dump_restore(const unsigned char *p, size_t len, const char *key, size_t klen, long long expire_ms,
                        char *err, size_t errlen) {
    if (len < DUMP_FOOTER) {
        snprintf(err, errlen, "payload too short");
        return NULL;
    }
    struct pstream s;
    ps_init_mem_reader(&s, p, len - DUMP_FOOTER);
    entry *e = rdb_load_object(&s, key, klen, expire_ms);
    if (e && ps_remaining(&s) != 0) {
        ps_fail(&s, "%llu unexpected bytes after the value", (unsigned long long)ps_remaining(&s));
        entry_free(e);
        e = NULL;
    }
    if (!e) snprintf(err, errlen, "%s", s.failed ? s.error : "empty collection");
    ps_close(&s);
    return e;
}
