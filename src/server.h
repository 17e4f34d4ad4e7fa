/* server.h — process life: start-up, the main thread's loop (acceptor, signals,
 * housekeeping cron), and shutdown. */
#ifndef WARDEN_SERVER_H
#define WARDEN_SERVER_H
#include <stdint.h>

struct server_info {
    long long start_time_ms;
    char run_id[41];
    int tcp_port;
    char executable[4096];
    int threads;
};
extern struct server_info server_info;

int server_main(int argc, char **argv);
/* The engine without threads, sockets or files, after config_init/loading: databases,
 * value types, the command table, MULTI, pub/sub, the memcache rows. server_main calls
 * it; so do the fuzz targets (fuzz/fuzz_env.h), which thus start what the server starts.
 * Add new start-up steps of that kind here, not in server_main. The ACL comes next
 * (server_main: users from the configuration; fuzzers: acl_init). */
void server_init_engine(int stat_slots);
/* Any thread: ask the main thread to shut down (SHUTDOWN, signals). */
void server_request_shutdown(void);
/* Any thread: how many times the cron ran (for tests / INFO). */
long long server_cron_loops(void);
#endif
