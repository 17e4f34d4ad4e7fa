/* fuzz_aof_load.c — libFuzzer target for the AOF readers: the command-file replayer
 * (src/persist/aof_load.c, which runs each parsed command on a stand-in client against
 * a real keyspace) and the manifest parser (aof_manifest.c). Any input must be refused
 * or replayed without a crash, over-read, UB or leak; the keyspace is emptied after
 * each run. */
#include "cmd/table.h"
#include "config.h"
#include "db/db.h"
#include "persist/aof_load.h"
#include "persist/aof_manifest.h"
#include "persist/pstream.h"
#include "persist/rdb_types.h"
#include "util/alloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
    static int ready;
    if (!ready) {
        config_init();
        db_init_all(16);
        command_table_init(2);
        rdb_types_init();
        ready = 1;
    }
    unsigned char *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    struct pstream s;
    ps_init_mem_reader(&s, copy, len);
    struct aof_replay r = {0};
    uint64_t valid_end;
    int truncated;
    char err[256];
    aof_load_commands(&s, &r, &valid_end, &truncated, err, sizeof(err));
    if (valid_end > len) __builtin_trap();
    ps_close(&s);
    for (int d = 0; d < 16; d++) db_flush(db_get(d), 0);
    struct aof_manifest m;
    if (aof_manifest_parse((const char *)copy, len, &m, err, sizeof(err)) == 0) {
        size_t n;
        char *text = aof_manifest_format(&m, &n);
        struct aof_manifest again;
        if (aof_manifest_parse(text, n, &again, err, sizeof(err)) != 0) __builtin_trap(); /* round trip */
        aof_manifest_free(&again);
        wfree(text);
        aof_manifest_free(&m);
    }
    free(copy);
    return 0;
}
