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
/* Any thread: ask the main thread to shut down (SHUTDOWN, signals). */
void server_request_shutdown(void);
/* Any thread: how many times the cron ran (for tests / INFO). */
long long server_cron_loops(void);
#endif
