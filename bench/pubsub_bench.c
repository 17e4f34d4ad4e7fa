/* pubsub_bench.c — load generators for bench/pubsub-bench.sh that redis-benchmark does
 * not provide. One single-threaded epoll process per role:
 *
 *   pubsub_bench sub PORT NCONN CHANNEL SECONDS
 *       NCONN connections SUBSCRIBE to CHANNEL and drain everything; after SECONDS of
 *       silence (or on SIGTERM) prints "messages N closed C" (C: connections the server
 *       closed, e.g. for output-buffer limits).
 *   pubsub_bench multi PORT NCONN TOTAL
 *       NCONN connections each run MULTI, SET x5, EXEC (one transaction in flight per
 *       connection) until TOTAL transactions are done; prints "transactions N seconds S
 *       tps T".
 *
 * Replies are counted by line ends, which is exact for these commands (+OK, +QUEUED,
 * *5, message arrays of short bulk strings without CR/LF in the payload). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("connect");
        exit(1);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static void send_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            perror("write");
            exit(1);
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Count "\r\n" in buf[0..n); `cr` carries a trailing '\r' across reads. */
static long count_lines(const char *buf, ssize_t n, int *cr) {
    long lines = 0;
    for (ssize_t i = 0; i < n; i++) {
        if (*cr && buf[i] == '\n') lines++;
        *cr = buf[i] == '\r';
    }
    return lines;
}

static int run_sub(int port, int nconn, const char *channel, int idle_s) {
    int ep = epoll_create1(0);
    int *cr = calloc((size_t)nconn, sizeof(int));
    char cmd[512];
    int cl = snprintf(cmd, sizeof(cmd), "*2\r\n$9\r\nSUBSCRIBE\r\n$%zu\r\n%s\r\n", strlen(channel), channel);
    for (int i = 0; i < nconn; i++) {
        int fd = connect_to(port);
        send_all(fd, cmd, (size_t)cl);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        ev.data.u64 = ((uint64_t)(uint32_t)fd << 32) | (uint32_t)i;
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    /* a SUBSCRIBE confirmation is 6 lines ("*3", "$9", "subscribe", "$n", channel, ":1"), a message
     * arrays of short fields are 7 lines ("*3" + 3 x (header + data)) */
    long lines = 0, closed = 0;
    long confirmations = (long)nconn * 6; /* "*3" $9 subscribe $n channel :1 */
    double last = now_s();
    static char buf[1 << 16];
    printf("ready\n");
    fflush(stdout);
    while (!stop && closed < nconn) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, 100);
        if (n <= 0) {
            if (lines > confirmations && now_s() - last > idle_s) break; /* the publishing is over */
            continue;
        }
        last = now_s();
        for (int i = 0; i < n; i++) {
            int fd = (int)(evs[i].data.u64 >> 32), idx = (int)(evs[i].data.u64 & 0xffffffff);
            ssize_t r = read(fd, buf, sizeof(buf));
            if (r <= 0) {
                epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                close(fd);
                closed++;
                continue;
            }
            lines += count_lines(buf, r, &cr[idx]);
        }
    }
    printf("messages %ld closed %ld\n", (lines - confirmations) / 7, closed);
    return 0;
}

static int run_multi(int port, int nconn, long total) {
    static const char txn[] = "*1\r\n$5\r\nMULTI\r\n"
                              "*3\r\n$3\r\nSET\r\n$4\r\nbk:1\r\n$8\r\nvalue--1\r\n"
                              "*3\r\n$3\r\nSET\r\n$4\r\nbk:2\r\n$8\r\nvalue--2\r\n"
                              "*3\r\n$3\r\nSET\r\n$4\r\nbk:3\r\n$8\r\nvalue--3\r\n"
                              "*3\r\n$3\r\nSET\r\n$4\r\nbk:4\r\n$8\r\nvalue--4\r\n"
                              "*3\r\n$3\r\nSET\r\n$4\r\nbk:5\r\n$8\r\nvalue--5\r\n"
                              "*1\r\n$4\r\nEXEC\r\n";
    const long lines_per_txn = 1 + 5 + 1 + 5; /* OK, 5 QUEUED, *5, 5 OK */
    int ep = epoll_create1(0);
    int *fds = calloc((size_t)nconn, sizeof(int)), *cr = calloc((size_t)nconn, sizeof(int));
    long *pending = calloc((size_t)nconn, sizeof(long));
    long started = 0, done = 0;
    double t0 = now_s();
    for (int i = 0; i < nconn && started < total; i++) {
        fds[i] = connect_to(port);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
        send_all(fds[i], txn, sizeof(txn) - 1);
        started++;
    }
    static char buf[1 << 16];
    while (done < total) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, 5000);
        if (n <= 0) {
            fprintf(stderr, "timeout waiting for replies\n");
            return 1;
        }
        for (int k = 0; k < n; k++) {
            int i = (int)evs[k].data.u32;
            ssize_t r = read(fds[i], buf, sizeof(buf));
            if (r <= 0) {
                fprintf(stderr, "connection closed\n");
                return 1;
            }
            if (buf[0] == '-' && pending[i] == 0) {
                fprintf(stderr, "error reply: %.*s\n", (int)(r > 200 ? 200 : r), buf);
                return 1;
            }
            pending[i] += count_lines(buf, r, &cr[i]);
            while (pending[i] >= lines_per_txn) {
                pending[i] -= lines_per_txn;
                done++;
                if (started < total) {
                    send_all(fds[i], txn, sizeof(txn) - 1);
                    started++;
                }
            }
        }
    }
    double secs = now_s() - t0;
    printf("transactions %ld seconds %.3f tps %.0f\n", done, secs, (double)done / secs);
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGTERM, on_term);
    signal(SIGPIPE, SIG_IGN);
    if (argc == 6 && !strcmp(argv[1], "sub")) return run_sub(atoi(argv[2]), atoi(argv[3]), argv[4], atoi(argv[5]));
    if (argc == 5 && !strcmp(argv[1], "multi")) return run_multi(atoi(argv[2]), atoi(argv[3]), atol(argv[4]));
    fprintf(stderr, "usage: %s sub PORT NCONN CHANNEL IDLE_SECONDS | multi PORT NCONN TOTAL\n", argv[0]);
    return 2;
}
