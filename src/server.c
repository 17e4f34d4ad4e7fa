/* server.c — see server.h. The main thread owns the listeners, signals and the
 * housekeeping cron (LRU clock, active expiry); workers own connections. */
#include "server.h"
#include "acl/acl.h"
#include "acl/acl_log.h"
#include "acl/audit.h"
#include "acl/auth_throttle.h"
#include "cmd/info.h"
#include "cmd/multi.h"
#include "cmd/slowlog.h"
#include "cmd/client_cmd.h"
#include "cmd/table.h"
#include "db/blocking.h"
#include "config.h"
#include "crash.h"
#include "db/db.h"
#include "db/lockset.h"
#include "mc/mc.h"
#include "net/limits.h"
#include "net/listen.h"
#include "net/tls.h"
#include "net/registry.h"
#include "net/worker.h"
#include "pubsub/pubsub.h"
#include "persist/persist.h"
#include "stats.h"
#include "types/set.h"
#include "types/zset.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/random.h"
#include "util/siphash.h"
#include "version.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct server_info server_info;
static int shutdown_efd = -1;
static _Atomic long long cron_loops;

#define TAG_SIGNAL 1u
#define TAG_SHUTDOWN 2u

void server_request_shutdown(void) {
    uint64_t one = 1;
    ssize_t w = write(shutdown_efd, &one, sizeof(one));
    (void)w;
}

long long server_cron_loops(void) { return atomic_load(&cron_loops); }


/* Raise RLIMIT_NOFILE for maxclients (+32 for our own fds) as Redis does, lowering
 * maxclients when the system will not allow it. */
static void server_adjust_open_files(void) {
    long long want = server_config.maxclients + 32;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    if ((long long)rl.rlim_cur >= want) return;
    rlim_t target = (rlim_t)want;
    if (rl.rlim_max != RLIM_INFINITY && target > rl.rlim_max) target = rl.rlim_max;
    rl.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || (long long)target < want) {
        getrlimit(RLIMIT_NOFILE, &rl);
        long long fit = (long long)rl.rlim_cur - 32;
        if (fit < 1) fit = 1;
        log_warning("You requested maxclients of %lld requiring at least %lld max file descriptors. Server can't set "
                    "maximum open files to %lld; maxclients is now %lld.",
                    server_config.maxclients, want, want, fit);
        server_config.maxclients = fit;
    }
}

static void server_daemonize(void) {
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (pid > 0) exit(0);
    setsid();
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO) close(fd);
    }
}

static void server_write_pidfile(void) {
    if (!server_config.pidfile || !server_config.pidfile[0]) return;
    FILE *f = fopen(server_config.pidfile, "w");
    if (!f) {
        log_warning("Failed to write PID file: %s", strerror(errno));
        return;
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
}

/* Users from `requirepass`, `user` lines and `aclfile`; the audit log. Exits on a bad
 * ACL file as Redis does (exit code 1, the file's line in the message). */
static int server_setup_acl(void) {
    char err[1024];
    acl_init();
    auth_throttle_configure(server_config.auth_failure_limit, server_config.auth_failure_window);
    acl_log_set_max_len(server_config.acllog_max_len);
    if (server_config.requirepass && server_config.requirepass[0]) acl_set_requirepass(server_config.requirepass);
    int has_file = server_config.aclfile && server_config.aclfile[0];
    if (has_file && acl_has_config_users()) {
        log_warning("Configuring Warden with users defined in the config file and at the same time an ACL file "
                    "path is invalid. This setup is very likely to lead to configuration errors and security "
                    "holes, please define either an ACL file or declare users directly in your config file.");
        return -1;
    }
    if (acl_apply_config_users(err, sizeof(err)) != 0) {
        log_warning("Error in user declaration: %s", err);
        return -1;
    }
    if (has_file) {
        char *text = acl_read_file(server_config.aclfile);
        if (!text) {
            log_warning("Error loading ACLs, opening file '%s': %s", server_config.aclfile, strerror(errno));
            return -1;
        }
        int rc = acl_load_text(text, err, sizeof(err));
        wfree(text);
        if (rc != 0) {
            log_warning("Aborting Warden startup because of ACL errors: %s", err);
            return -1;
        }
    }
    if (server_config.audit_log && server_config.audit_log[0] && audit_open(server_config.audit_log) != 0) {
        log_warning("Can't open the audit log %s: %s", server_config.audit_log, strerror(errno));
        return -1;
    }
    return 0;
}

/* systemd readiness (`supervised systemd`, or `auto` under systemd): send READY=1 to
 * $NOTIFY_SOCKET, as sd_notify does, so a Type=notify unit sees the server start. */
static void server_notify_supervisor(void) {
    int mode = server_config.supervised;
    const char *sock = getenv("NOTIFY_SOCKET");
    if (!sock || !sock[0] || (mode != SUPERVISED_SYSTEMD && mode != SUPERVISED_AUTODETECT)) {
        if (mode == SUPERVISED_SYSTEMD) log_warning("systemd supervision requested, but NOTIFY_SOCKET not found");
        return;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = strlen(sock);
    if (len >= sizeof(sa.sun_path)) return;
    memcpy(sa.sun_path, sock, len);
    if (sa.sun_path[0] == '@') sa.sun_path[0] = '\0'; /* abstract namespace */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    static const char msg[] = "READY=1\nSTATUS=Ready to accept connections\n";
    ssize_t w = sendto(fd, msg, sizeof(msg) - 1, 0, (struct sockaddr *)&sa,
                       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
    if (w < 0) log_warning("systemd notification failed: %s", strerror(errno));
    else log_notice("Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and "
                    "TimeoutStopSec in your service unit.");
    close(fd);
}

static void server_cron(void) {
    long long loops = atomic_fetch_add(&cron_loops, 1);
    int hz0 = server_config.hz;
    if (loops % (hz0 > 0 ? hz0 : 10) == 0) limits_sweep(); /* about once a second */
    db_update_lru_clock();
    /* Redis spends up to 25% of a cron period on active expiry; effort raises it */
    int hz = server_config.hz;
    long long period_us = 1000000 / (hz > 0 ? hz : 10);
    long long budget = period_us / 4 + (period_us / 40) * (server_config.active_expire_effort - 1);
    db_active_expire_cycle(budget);
    info_cron(); /* INFO's sampled rates and peaks */
    mc_cron();
    persist_cron();
}

void server_init_engine(int stat_slots) {
    db_init_all(server_config.databases);
    set_type_init();
    zset_type_init();
    lockset_thread_init();
    command_table_init(stat_slots);
    client_cmd_set_unblock_handler(blocking_unblock_id); /* CLIENT UNBLOCK */
    multi_init();
    pubsub_init();
    mc_init();
}

int server_main(int argc, char **argv) {
    /* Signals arrive through a signalfd on the main thread; every other thread inherits
     * this mask, so block them before any thread (audit writer, lazy free, workers) exists. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    tls_early_init(); /* before anything makes OpenSSL allocate */
    hash_seed_init();
    config_init();
    config_load_from_args(argc, argv);
    if (server_config.daemonize) server_daemonize();
    if (server_config.logfile && server_config.logfile[0] && log_open(server_config.logfile) != 0) {
        fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
        return 1;
    }
    log_set_level(server_config.loglevel);
    crash_handlers_install();
    config_log_notices();
    if (server_config.dir && server_config.dir[0] && chdir(server_config.dir) != 0) {
        log_warning("Can't chdir to '%s': %s", server_config.dir, strerror(errno));
        return 1;
    }
    ssize_t el = readlink("/proc/self/exe", server_info.executable, sizeof(server_info.executable) - 1);
    if (el > 0) server_info.executable[el] = '\0';
    random_hex_id(server_info.run_id, 20);
    server_info.start_time_ms = clock_ms();
    server_info.tcp_port = server_config.port;
    int threads = server_config.threads;
    if (threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 1;
    }
    server_info.threads = threads;
    signal(SIGPIPE, SIG_IGN);
    server_adjust_open_files();

    log_notice("Warden %s (Redis %s compatible) starting, pid=%d, %d worker threads", WARDEN_VERSION,
               WARDEN_REDIS_VERSION, (int)getpid(), threads);
    server_init_engine(STATS_MAX_THREADS < threads + 2 ? STATS_MAX_THREADS : threads + 2);
    if (server_setup_acl() != 0) return 1;
    if (tls_init() != 0) return 1;
    persist_init();
    if (persist_load_at_startup() != 0) return 1;
    if (listen_open_all() != 0) return 1;
    server_write_pidfile();

    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    shutdown_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    db_lazyfree_start();
    if (workers_start(threads) != 0) {
        log_warning("Failed to start worker threads");
        return 1;
    }
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    listen_register(epfd);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = TAG_SIGNAL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);
    ev.data.u32 = TAG_SHUTDOWN;
    epoll_ctl(epfd, EPOLL_CTL_ADD, shutdown_efd, &ev);
    if (server_config.tls_port) log_notice("Ready to accept connections tls (port %d)", (int)server_config.tls_port);
    if (server_config.port) log_notice("Ready to accept connections tcp (port %d)", (int)server_config.port);
    server_notify_supervisor();

    long long last_cron = 0;
    int running = 1;
    while (running) {
        int hz = server_config.hz;
        int period_ms = 1000 / (hz > 0 ? hz : 10);
        struct epoll_event events[64];
        int n = epoll_wait(epfd, events, 64, period_ms);
        for (int i = 0; i < n; i++) {
            unsigned tag = events[i].data.u32;
            if (tag == TAG_SIGNAL) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGHUP) {
                    log_notice("Received SIGHUP: reopening the audit log");
                    audit_reopen();
                } else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
                    const char *name = si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
                    log_warning("Received %s scheduling shutdown...", name);
                    /* the final save (when save points exist); if it fails, keep serving as Redis */
                    int how = si.ssi_signo == SIGINT ? server_config.shutdown_on_sigint : server_config.shutdown_on_sigterm;
                    if (persist_prepare_shutdown(how & (SHUTDOWN_SAVE | SHUTDOWN_NOSAVE)) == 0 || (how & SHUTDOWN_FORCE))
                        running = 0;
                    else log_warning("%s received but errors trying to shut down the server, check the logs for "
                                     "more information", name);
                }
            } else if (tag == TAG_SHUTDOWN) {
                uint64_t v;
                ssize_t r = read(shutdown_efd, &v, sizeof(v));
                (void)r;
                log_warning("User requested shutdown...");
                running = 0;
            } else if (listen_is_tag(tag)) {
                listen_accept(tag);
            }
        }
        long long now = clock_mono_us();
        if (now - last_cron >= period_ms * 1000LL) {
            last_cron = now;
            server_cron();
        }
    }
    /* graceful: stop accepting, let workers send what is pending, close, exit 0 */
    listen_close_all();
    workers_stop();
    persist_stop();
    db_lazyfree_stop();
    if (server_config.pidfile && server_config.pidfile[0]) unlink(server_config.pidfile);
    log_warning("Warden is now ready to exit, bye bye...");
    close(epfd);
    close(sfd);
    close(shutdown_efd);
    audit_close();
    db_free_all();
    acl_shutdown();
    limits_shutdown();
    tls_shutdown();
    lockset_thread_free();
    slowlog_free_all();
    return 0;
}
