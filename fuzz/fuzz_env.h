/* fuzz_env.h — shared by the fuzz targets that need the server's global state (the
 * command table, ACL, the keyspace): brings it up in-process the way server.c does,
 * minus threads, sockets and files, once per fuzzing process. Header-only so that the
 * Makefile can keep building one target per fuzz/fuzz_<name>.c. */
#ifndef WARDEN_FUZZ_ENV_H
#define WARDEN_FUZZ_ENV_H
#include "acl/acl.h"
#include "cmd/table.h"
#include "config.h"
#include "db/db.h"
#include "db/lockset.h"
#include "server.h"
#include "util/log.h"
#include "util/siphash.h"

#define REQUIRE(x) do { if (!(x)) __builtin_trap(); } while (0)

/* Configuration defaults, 16 databases, the command table and the default user. The
 * log stays quiet: a message per input would only slow the fuzzer. */
static inline void fuzz_env_init(void) {
    static int done;
    if (done) return;
    done = 1;
    log_set_level(LOG_NOTHING);
    hash_seed_init();
    config_init();
    server_init_engine(2); /* what server_main starts, minus threads, sockets, files */
    acl_init();
}
#endif
