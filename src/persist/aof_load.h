/* aof_load.h — replaying AOF command files (see aof_load.c). */
#ifndef WARDEN_AOF_LOAD_H
#define WARDEN_AOF_LOAD_H
#include "persist/pstream.h"
#include <stdint.h>

struct aof_replay {
    int dbid;           /* the db SELECT left selected (carries over between files) */
    long long commands; /* replayed so far */
    int errors;         /* commands whose replay replied an error */
    int dry_run;        /* only parse (warden-check): nothing is executed */
};

/* Replay every command from the stream's position to its end. Returns 0 (with
 * *truncated set when the data ended inside a record or a MULTI block, *valid_end the
 * stream offset just past the last complete record), or -1 with err (malformed data,
 * an unknown command). */
int aof_load_commands(struct pstream *s, struct aof_replay *r, uint64_t *valid_end, int *truncated, char *err,
                      size_t errlen);
#endif
